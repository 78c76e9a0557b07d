/** DynamoDB policies: base tables, inline replicas and stand-alone TableReplicas. */
import * as dynamodb from "@pulumi/aws/dynamodb";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourcePolicy } from "./lib";
import { arr, isCmk, known } from "../src/plan";

type InlineReplica = { regionName?: string; kmsKeyArn?: string; pointInTimeRecovery?: boolean; deletionProtectionEnabled?: boolean };
const inlineReplicas = (v: unknown) => arr<InlineReplica>(v);

export const dynamoEncryptedCmk: ResourcePolicy = {
    name: "aws-dynamodb-encrypted-cmk",
    description: "DynamoDB tables and every replica are encrypted under a customer-managed KMS key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set serverSideEncryption: { enabled: true, kmsKeyArn } on the table and kmsKeyArn on each replica, using the region's replica of the multi-Region data key.",
    validateResource: [
        validateResourceOfType(dynamodb.Table, (t, _args, report) => {
            const sse = t.serverSideEncryption;
            if (sse?.enabled !== true || !isCmk(known(() => sse.kmsKeyArn)))
                report(
                    "DynamoDB tables must be encrypted under a customer-managed KMS key (serverSideEncryption.enabled true with kmsKeyArn); the default uses an AWS-owned key.",
                );
            for (const r of inlineReplicas(known(() => t.replicas)))
                if (!isCmk(known(() => r.kmsKeyArn)))
                    report(`The ${r.regionName ?? "(unnamed)"} replica must be encrypted under a customer-managed KMS key (kmsKeyArn).`);
        }),
        validateResourceOfType(dynamodb.TableReplica, (r, _args, report) => {
            if (!isCmk(known(() => r.kmsKeyArn)))
                report("DynamoDB table replicas must be encrypted under a customer-managed KMS key in their region (kmsKeyArn).");
        }),
    ],
};

export const dynamoPitr: ResourcePolicy = {
    name: "aws-dynamodb-pitr-enabled",
    description: "DynamoDB tables and every replica have point-in-time recovery on.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set pointInTimeRecovery: { enabled: true } on the table and pointInTimeRecovery: true on each replica. PITR is the defence against bad writes, which replication copies everywhere.",
    validateResource: [
        validateResourceOfType(dynamodb.Table, (t, _args, report) => {
            if (t.pointInTimeRecovery?.enabled !== true)
                report("DynamoDB tables must have point-in-time recovery on (pointInTimeRecovery.enabled true).");
            for (const r of inlineReplicas(known(() => t.replicas)))
                if (r.pointInTimeRecovery !== true) report(`The ${r.regionName ?? "(unnamed)"} replica must have point-in-time recovery on.`);
        }),
        validateResourceOfType(dynamodb.TableReplica, (r, _args, report) => {
            if (r.pointInTimeRecovery !== true) report("DynamoDB table replicas must have point-in-time recovery on (pointInTimeRecovery true).");
        }),
    ],
};

export const dynamoDeletionProtection: ResourcePolicy = {
    name: "aws-dynamodb-deletion-protection",
    description: "DynamoDB tables and replicas have deletion protection on.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set deletionProtectionEnabled: true on the table and on each replica.",
    validateResource: [
        validateResourceOfType(dynamodb.Table, (t, _args, report) => {
            if (t.deletionProtectionEnabled !== true) report("DynamoDB tables must have deletion protection on (deletionProtectionEnabled true).");
            for (const r of inlineReplicas(known(() => t.replicas)))
                if (r.deletionProtectionEnabled !== true) report(`The ${r.regionName ?? "(unnamed)"} replica must have deletion protection on.`);
        }),
        validateResourceOfType(dynamodb.TableReplica, (r, _args, report) => {
            if (r.deletionProtectionEnabled !== true)
                report("DynamoDB table replicas must have deletion protection on (deletionProtectionEnabled true).");
        }),
    ],
};
