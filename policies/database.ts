/** Relational database policies: Aurora clusters, the global cluster, instances. */
import * as rds from "@pulumi/aws/rds";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourcePolicy, configOf } from "./lib";
import { isCmk, isSet, known, nonEmpty } from "../src/plan";

export const rdsEncryptedCmk: ResourcePolicy = {
    name: "aws-rds-storage-encrypted-cmk",
    description:
        "Aurora clusters, the global cluster and DB instances encrypt their storage (clusters and instances under a customer-managed KMS key).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set storageEncrypted: true and kmsKeyId to the region's data key (a multi-Region key replica in standby regions). Encryption cannot be turned on later without a snapshot restore.",
    validateResource: [
        validateResourceOfType(rds.Cluster, (c, _args, report) => {
            if (c.storageEncrypted !== true) report("Aurora clusters must encrypt storage (storageEncrypted true).");
            else if (!isCmk(known(() => c.kmsKeyId))) report("Aurora clusters must encrypt storage under a customer-managed KMS key (kmsKeyId).");
        }),
        validateResourceOfType(rds.GlobalCluster, (g, _args, report) => {
            // A global cluster built from an existing cluster inherits that cluster's encryption.
            if (!isSet(known(() => g.sourceDbClusterIdentifier)) && g.storageEncrypted !== true)
                report("Global clusters must be created encrypted (storageEncrypted true) so every member cluster is.");
        }),
        validateResourceOfType(rds.Instance, (i, _args, report) => {
            if (i.storageEncrypted !== true) report("DB instances must encrypt storage (storageEncrypted true).");
            else if (!isCmk(known(() => i.kmsKeyId))) report("DB instances must encrypt storage under a customer-managed KMS key (kmsKeyId).");
        }),
    ],
};

export const rdsNotPublic: ResourcePolicy = {
    name: "aws-rds-no-public-access",
    description: "No database instance is publicly accessible.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps: "Set publiclyAccessible: false and place the DB subnet group on the private-data subnets.",
    validateResource: [
        validateResourceOfType(rds.ClusterInstance, (i, _args, report) => {
            if (i.publiclyAccessible === true) report("Aurora instances must not be publicly accessible (publiclyAccessible must be false).");
        }),
        validateResourceOfType(rds.Instance, (i, _args, report) => {
            if (i.publiclyAccessible === true) report("DB instances must not be publicly accessible (publiclyAccessible must be false).");
        }),
    ],
};

const retentionSchema = {
    properties: {
        minDays: { type: "integer" as const, minimum: 1, maximum: 35, default: 7, description: "Minimum automated backup retention in days." },
    },
};
interface RetentionConfig {
    minDays: number;
}

export const rdsBackupRetention: ResourcePolicy = {
    name: "aws-rds-backup-retention",
    description: "Aurora clusters and DB instances keep automated backups for at least N days (default 7).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set backupRetentionPeriod to at least the configured minimum (securecart:database.backupRetentionDays). When unset, RDS keeps 1 day.",
    configSchema: retentionSchema,
    validateResource: [
        validateResourceOfType(rds.Cluster, (c, args, report) => {
            const { minDays } = configOf<RetentionConfig>(retentionSchema, args.getConfig());
            const days = c.backupRetentionPeriod ?? 1;
            if (days < minDays)
                report(
                    `Aurora clusters must keep backups for at least ${minDays} days (backupRetentionPeriod is ${days}${c.backupRetentionPeriod === undefined ? ", the default" : ""}).`,
                );
        }),
        validateResourceOfType(rds.Instance, (i, args, report) => {
            const { minDays } = configOf<RetentionConfig>(retentionSchema, args.getConfig());
            const days = i.backupRetentionPeriod ?? 0;
            if (days < minDays) report(`DB instances must keep backups for at least ${minDays} days (backupRetentionPeriod is ${days}).`);
        }),
    ],
};

export const rdsDeletionProtection: ResourcePolicy = {
    name: "aws-rds-deletion-protection",
    description: "Aurora clusters, the global cluster and DB instances have deletion protection on.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set deletionProtection: true. Turn it off deliberately, in its own change, before a planned decommission.",
    validateResource: [
        validateResourceOfType(rds.Cluster, (c, _args, report) => {
            if (c.deletionProtection !== true) report("Aurora clusters must have deletion protection on (deletionProtection true).");
        }),
        validateResourceOfType(rds.GlobalCluster, (g, _args, report) => {
            if (g.deletionProtection !== true) report("Global clusters must have deletion protection on (deletionProtection true).");
        }),
        validateResourceOfType(rds.Instance, (i, _args, report) => {
            if (i.deletionProtection !== true) report("DB instances must have deletion protection on (deletionProtection true).");
        }),
    ],
};

/** A pinned version names at least major.minor (16.6, 8.0.mysql_aurora.3.05.2), never a bare major or nothing. */
export const PINNED_VERSION = /^\d+\.\d+/;

export const rdsEngineVersionPinned: ResourcePolicy = {
    name: "aws-rds-engine-version-pinned",
    description: "Database engine versions are pinned to a minor version, and instances do not auto-upgrade minor versions.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set engineVersion to a full version such as 16.6 (securecart:database.engineVersion) and autoMinorVersionUpgrade: false on instances; upgrade every region together on purpose.",
    validateResource: [
        validateResourceOfType(rds.Cluster, (c, _args, report) => {
            if (!nonEmpty(c.engineVersion) || !PINNED_VERSION.test(c.engineVersion))
                report(`Aurora clusters must pin engineVersion to a minor version such as 16.6 (got ${JSON.stringify(c.engineVersion ?? null)}).`);
        }),
        validateResourceOfType(rds.GlobalCluster, (g, _args, report) => {
            if (!isSet(known(() => g.sourceDbClusterIdentifier)) && (!nonEmpty(g.engineVersion) || !PINNED_VERSION.test(g.engineVersion)))
                report(`Global clusters must pin engineVersion to a minor version such as 16.6 (got ${JSON.stringify(g.engineVersion ?? null)}).`);
        }),
        validateResourceOfType(rds.ClusterInstance, (i, _args, report) => {
            if (i.autoMinorVersionUpgrade !== false)
                report(
                    "Aurora instances must not auto-upgrade minor versions (autoMinorVersionUpgrade false): every region of a global database must run the same version.",
                );
        }),
        validateResourceOfType(rds.Instance, (i, _args, report) => {
            if (!nonEmpty(i.engineVersion) || !PINNED_VERSION.test(i.engineVersion))
                report(`DB instances must pin engineVersion to a minor version (got ${JSON.stringify(i.engineVersion ?? null)}).`);
        }),
    ],
};
