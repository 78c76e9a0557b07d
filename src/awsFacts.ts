/**
 * Plain facts about AWS that validation needs. Each list names where it comes from.
 */

/** The hosted zone of every CloudFront distribution, for alias records (Route 53 API reference, AliasTarget). */
export const CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2";

/** CloudFront's origin-facing servers, an AWS-managed prefix list in every region (VPC user guide, "AWS-managed prefix lists"). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/** The AWS managed rule groups the web ACL runs, by config name (AWS WAF developer guide, "AWS Managed Rules rule groups list"). */
export const MANAGED_RULE_GROUPS = {
    ipReputation: "AWSManagedRulesAmazonIpReputationList",
    common: "AWSManagedRulesCommonRuleSet",
    knownBadInputs: "AWSManagedRulesKnownBadInputsRuleSet",
    sqlInjection: "AWSManagedRulesSQLiRuleSet",
} as const;
export type ManagedRuleGroup = keyof typeof MANAGED_RULE_GROUPS;

/** The longest an SQS queue keeps a message (SQS developer guide, "Amazon SQS message quotas"): 14 days. */
export const SQS_MAX_RETENTION_SECONDS = 1_209_600;

/**
 * A queue a Lambda function consumes keeps a message invisible for at least this many times the function's
 * timeout (Lambda developer guide, "Using Lambda with Amazon SQS").
 */
export const SQS_VISIBILITY_PER_LAMBDA_TIMEOUT = 6;

/**
 * Commercial AWS regions (source: AWS General Reference, "AWS service endpoints → Regions", 2026).
 * GovCloud and China partitions are left out on purpose: ARNs and pricing here assume the `aws` partition.
 */
export const KNOWN_REGIONS: readonly string[] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/**
 * Valid Fargate cpu → memory (MiB) combinations for Linux tasks
 * (source: Amazon ECS developer guide, "Task CPU and memory").
 */
export const FARGATE_CPU_MEMORY: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** Human-readable list of the Fargate pairs, for error messages. */
export function describeFargatePairs(): string {
    return Object.entries(FARGATE_CPU_MEMORY)
        .map(([cpu, mems]) => {
            const m = mems as readonly number[];
            return m.length > 4 ? `${cpu}: ${m[0]}-${m[m.length - 1]} (step ${m[1] - m[0]})` : `${cpu}: ${m.join("/")}`;
        })
        .join("; ");
}

/**
 * Aurora PostgreSQL instance class families that support Aurora global databases
 * (source: Aurora user guide, "Supported DB instance classes" and "Aurora global database limitations":
 * burstable db.t* classes are not supported for global databases except db.t4g/db.t3 medium for dev,
 * so only memory-optimised and Graviton families are accepted here).
 */
export const AURORA_INSTANCE_FAMILIES: readonly string[] = ["r5", "r6g", "r6i", "r7g", "r7i", "r8g", "x2g"];

/** Aurora PostgreSQL engine versions this project has been written against (source: Aurora PostgreSQL release notes). */
export const AURORA_PG_VERSION_PATTERN = /^(1[3-7])\.\d+$/;

/**
 * Regions where Elastic Load Balancing delivers access logs as a regional ELB account (`aws.elb.getServiceAccount`)
 * rather than only as the `logdelivery.elasticloadbalancing.amazonaws.com` service principal: the regions
 * available before August 2022 (source: ELB user guide, "Enable access logs for your Application Load Balancer",
 * step 2; the provider's ELB service-account table). Newer regions have no such account.
 */
export const ELB_ACCOUNT_PRINCIPAL_REGIONS: readonly string[] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-north-1",
    "me-south-1",
    "sa-east-1",
];

/**
 * What a Global Datastore secondary inherits from the datastore's primary and must therefore not set on its
 * replication group, as the replication group's inputs name them: the `ConflictsWith` list of
 * `global_replication_group_id` in terraform-provider-aws (internal/service/elasticache/replication_group.go, read
 * 2026-12-06; `transit_encryption_mode` is in the newer copies only), matching the CLI reference's "Do not pass in"
 * list for a secondary (docs/cache-and-files-design.md, "Providers").
 */
export const CACHE_SECONDARY_INHERITED: readonly string[] = [
    "engine",
    "engineVersion",
    "nodeType",
    "numNodeGroups",
    "parameterGroupName",
    "securityGroupNames",
    "transitEncryptionEnabled",
    "transitEncryptionMode",
    "atRestEncryptionEnabled",
    "snapshotArns",
    "snapshotName",
];

/**
 * The least memory the collector is given. ADOT's own benchmark (the collector's published performance report
 * for v0.49.0, OTLP in, batch, awsxray out, on an m5.2xlarge, not Fargate) measured about 112 MB resident at 100
 * to 5000 spans a second: a hard limit below 128 MiB would leave it no room over that.
 */
export const MIN_COLLECTOR_MEMORY_MIB = 128;
