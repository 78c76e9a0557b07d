/** Security policies that span services: KMS keys, encryption of logs, vaults, secrets and buckets, tags. */
import * as backup from "@pulumi/aws/backup";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as kms from "@pulumi/aws/kms";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { PolicyResource, validateResourceOfType } from "@pulumi/policy";
import { ResourcePolicy, StackPolicy, configOf } from "./lib";
import {
    T,
    UNKNOWN,
    Unknown,
    arr,
    at,
    bucketEncryptionOf,
    get,
    isAws,
    isCmk,
    isServerAccessLogTarget,
    known,
    label,
    nonEmpty,
    ofType,
    refersTo,
    tagsFrom,
    text,
} from "../src/plan";

export const kmsRotation: ResourcePolicy = {
    name: "aws-kms-key-rotation-enabled",
    description: "Symmetric customer-managed KMS keys rotate their key material automatically.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Set enableKeyRotation: true on the key (multi-Region replicas follow their primary's rotation).",
    validateResource: validateResourceOfType(kms.Key, (k, _args, report) => {
        const spec = k.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
        const usage = k.keyUsage ?? "ENCRYPT_DECRYPT";
        if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") return; // AWS rotates only symmetric encryption keys
        if (k.enableKeyRotation !== true) report("Symmetric KMS keys must have automatic rotation on (enableKeyRotation true).");
    }),
};

export const logGroupEncrypted: ResourcePolicy = {
    name: "aws-cloudwatch-log-group-encrypted-cmk",
    description: "CloudWatch log groups are encrypted under a customer-managed KMS key.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId to the region's logs key; its key policy must let logs.<region>.amazonaws.com use it for this account's log groups.",
    validateResource: validateResourceOfType(cloudwatch.LogGroup, (g, _args, report) => {
        if (!isCmk(known(() => g.kmsKeyId))) report("CloudWatch log groups must be encrypted under a customer-managed KMS key (kmsKeyId).");
    }),
};

export const backupVaultEncrypted: ResourcePolicy = {
    name: "aws-backup-vault-encrypted-cmk",
    description: "AWS Backup vaults encrypt recovery points under a customer-managed KMS key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: "Set kmsKeyArn on the vault to the region's data key (copies into a vault are re-encrypted under that vault's key).",
    validateResource: validateResourceOfType(backup.Vault, (v, _args, report) => {
        if (!isCmk(known(() => v.kmsKeyArn)))
            report("Backup vaults must be encrypted under a customer-managed KMS key (kmsKeyArn); the default is the AWS-managed aws/backup key.");
    }),
};

export const secretsEncrypted: ResourcePolicy = {
    name: "aws-secrets-encrypted-cmk",
    description: "Secrets (and their replicas, and RDS-managed master secrets) are encrypted under a customer-managed KMS key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsKeyId on the secret and on each replica (the replica region's key); with manageMasterUserPassword set masterUserSecretKmsKeyId.",
    validateResource: [
        validateResourceOfType(secretsmanager.Secret, (s, _args, report) => {
            if (!isCmk(known(() => s.kmsKeyId)))
                report("Secrets must be encrypted under a customer-managed KMS key (kmsKeyId); the default is aws/secretsmanager.");
            for (const r of arr<{ region?: string; kmsKeyId?: string }>(known(() => s.replicas))) {
                if (!isCmk(known(() => r.kmsKeyId)))
                    report(
                        `The ${text(
                            known(() => r.region),
                            "(unnamed)",
                        )} replica of the secret must be encrypted under a customer-managed KMS key (kmsKeyId).`,
                    );
            }
        }),
        validateResourceOfType(rds.Cluster, (c, _args, report) => {
            if (c.manageMasterUserPassword === true && !isCmk(known(() => c.masterUserSecretKmsKeyId)))
                report(
                    "A cluster whose master password RDS manages must encrypt that secret under a customer-managed KMS key (masterUserSecretKmsKeyId).",
                );
        }),
    ],
};

const ELB_LOG_DELIVERY = "logdelivery.elasticloadbalancing.amazonaws.com";

/** Whether a bucket policy document lets Elastic Load Balancing deliver access logs (its service principal may PutObject). */
function grantsElbLogDelivery(policy: unknown): boolean {
    let doc: unknown = policy;
    if (typeof policy === "string") {
        try {
            doc = JSON.parse(policy);
        } catch {
            return false;
        }
    }
    const statements = arr<Record<string, unknown>>((doc as Record<string, unknown> | undefined)?.Statement);
    return statements.some((st) => {
        const principal = st.Principal as Record<string, unknown> | undefined;
        const services = [principal?.Service].flat();
        const actions = [st.Action].flat();
        return st.Effect === "Allow" && services.includes(ELB_LOG_DELIVERY) && actions.some((a) => a === "s3:PutObject" || a === "s3:*");
    });
}

/**
 * Whether `b` receives logs that only SSE-S3 supports: a load-balancer access-log bucket (an ALB logs to it, or
 * its bucket policy grants ELB log delivery: a standby keeps the bucket while it has no ALB), or a target of S3
 * server access logs. UNKNOWN when its bucket policy is unknown during preview.
 */
function isSseS3LogBucket(b: PolicyResource, resources: readonly PolicyResource[]): boolean | Unknown {
    if (isServerAccessLogTarget(b, resources) === true) return true;
    if (
        ofType(resources, T.loadBalancer).some(
            (lb) => refersTo(lb, "accessLogs", b) || (nonEmpty(get(lb, "accessLogs.bucket")) && get(lb, "accessLogs.bucket") === get(b, "bucket")),
        )
    )
        return true;
    const policies = ofType(resources, T.bucketPolicy)
        .filter((p) => refersTo(p, "bucket", b))
        .map((p) => get(p, "policy"));
    if (policies.some(grantsElbLogDelivery)) return true;
    return policies.includes(UNKNOWN) || isServerAccessLogTarget(b, resources) === UNKNOWN ? UNKNOWN : false;
}

export const s3Encrypted: StackPolicy = {
    name: "aws-s3-bucket-encrypted-cmk",
    description:
        "S3 buckets declare default encryption under a customer-managed KMS key; a log bucket uses SSE-S3, the only encryption its log delivery supports: a load-balancer access-log bucket (an ALB logs to it, or its policy grants ELB log delivery) or a server-access-log target (a BucketLogging's targetBucket, or its policy grants logging.s3.amazonaws.com).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and kmsMasterKeyId set (bucketKeyEnabled true). For an ALB access-log bucket use AES256 (Elastic Load Balancing user guide: access-log buckets support SSE-S3 only), and the same for a server-access-log target bucket (Amazon S3 user guide, "Enabling Amazon S3 server access logging": the target bucket supports SSE-S3 default encryption only).',
    validateStack: (args, report) => {
        for (const b of ofType(args.resources, T.bucket, T.bucketV2)) {
            const sse = bucketEncryptionOf(b, args.resources);
            const logBucket = isSseS3LogBucket(b, args.resources);
            const kms = sse.some((s) => (s.algorithm === "aws:kms" || s.algorithm === "aws:kms:dsse" || s.algorithm === UNKNOWN) && isCmk(s.key));
            const sseS3 = sse.some((s) => s.algorithm === "AES256" || s.algorithm === UNKNOWN);
            if (logBucket === UNKNOWN) {
                // Its policy is unknown until the update: either kind of bucket may be meant; require one of the two.
                if (!kms && !sseS3)
                    report(
                        `${label(b)} must declare default encryption: a customer-managed KMS key, or SSE-S3 if it receives load-balancer or server access logs.`,
                        b.urn,
                    );
            } else if (logBucket) {
                if (!sseS3)
                    report(
                        `${label(b)} receives ALB or S3 server access logs and must declare SSE-S3 (AES256) default encryption, the only one log delivery supports.`,
                        b.urn,
                    );
            } else if (!kms) {
                report(
                    `${label(b)} must declare default encryption under a customer-managed KMS key (sseAlgorithm aws:kms with kmsMasterKeyId); found ${sse.map((s) => text(s.algorithm)).join(", ") || "none"}.`,
                    b.urn,
                );
            }
        }
    },
};

/**
 * The taggable AWS types this pack checks for required tags even when a resource has no `tags` at all
 * (a resource of any other type is checked when it has tags). test/policies.test.ts holds the list against
 * the provider's own types: each has a `tags` input, and every taggable type the program plans is here.
 */
export const TAGGABLE_TYPES: readonly string[] = [
    T.ssmParameter,
    T.httpApi,
    T.vpcLink,
    T.apiDomainName,
    T.apiStage,
    T.sqsQueue,
    T.snsTopic,
    T.lambdaFunction,
    T.eventSourceMapping,
    T.eventBus,
    T.eventRule,
    T.stateMachine,
    T.certificate,
    T.scalableTarget,
    T.asg,
    T.backupPlan,
    T.backupVault,
    T.logGroup,
    T.metricAlarm,
    T.compositeAlarm,
    T.trail,
    T.guardDutyDetector,
    T.fisExperimentTemplate,
    T.table,
    T.tableReplica,
    T.ebsVolume,
    T.defaultSecurityGroup,
    T.eip,
    T.flowLog,
    T.instance,
    T.internetGateway,
    T.launchTemplate,
    T.natGateway,
    T.routeTable,
    T.securityGroup,
    T.subnet,
    T.vpc,
    T.vpcEndpoint,
    T.ecrRepository,
    T.ecsCluster,
    T.ecsService,
    T.taskDefinition,
    T.instanceProfile,
    T.iamPolicy,
    T.iamRole,
    T.kmsKey,
    T.kmsReplicaKey,
    T.listener,
    T.listenerRule,
    T.loadBalancer,
    T.targetGroup,
    T.rdsCluster,
    T.clusterInstance,
    T.clusterParameterGroup,
    T.globalCluster,
    T.rdsInstance,
    T.dbSubnetGroup,
    T.healthCheck,
    T.arcCluster,
    T.arcControlPanel,
    T.arcSafetyRule,
    T.bucket,
    T.bucketV2,
    T.secret,
    T.egressRule,
    T.ingressRule,
    T.cloudfrontDistribution,
    T.webAcl,
    T.logDeliverySource,
    T.logDeliveryDestination,
    T.logDelivery,
    // The cache and the shared files.
    T.cacheReplicationGroup,
    T.cacheSubnetGroup,
    T.cacheUser,
    T.cacheUserGroup,
    T.accessPoint,
];

const tagsSchema = {
    properties: {
        keys: {
            type: "array" as const,
            items: { type: "string" as const },
            default: ["app", "environment", "owner", "costCenter", "strategy"],
            description: "Tag keys every taggable AWS resource carries with a non-empty value (the DR policies read `strategy`).",
        },
    },
};
interface TagsConfig {
    keys: string[];
}

export const requiredTags: ResourcePolicy = {
    name: "aws-required-tags",
    description: "Every taggable AWS resource carries the required tags (app, environment, owner, costCenter, strategy) with non-empty values.",
    severity: "low",
    enforcementLevel: "mandatory",
    remediationSteps: "Pass the region's tags to the resource (components take a `tags` arg), or set them once as the provider's defaultTags.",
    configSchema: tagsSchema,
    validateResource: (args, report) => {
        if (!isAws(args.type)) return;
        const props = args.props as Record<string, unknown>;
        if (!TAGGABLE_TYPES.includes(args.type) && known(() => props.tags) === undefined) return;
        const { keys } = configOf<TagsConfig>(tagsSchema, args.getConfig());
        const own = tagsFrom(known(() => props.tags));
        if (own === UNKNOWN) return args.notApplicable("the resource's tags are unknown until the update");
        const fromProvider = args.provider ? tagsFrom(at(args.provider.props, "defaultTags.tags")) : {};
        const tags = { ...(fromProvider === UNKNOWN ? {} : fromProvider), ...own };
        const missing = keys.filter((k) => !nonEmpty(tags[k]));
        if (missing.length) report(`${args.type} resources must carry the tags ${keys.join(", ")}; missing or empty: ${missing.join(", ")}.`);
    },
};
