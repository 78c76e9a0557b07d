/**
 * Which input changes force a resource to be REPLACED (deleted and created again) rather than updated in
 * place, for the resource types the drill rehearsal must judge.
 *
 * Source of every rule: the Terraform AWS provider's resource schema (`ForceNew: true`), which
 * @pulumi/aws (a bridged provider) uses unchanged to decide replacements. Files are in
 * github.com/hashicorp/terraform-provider-aws, `internal/service/<service>/<resource>.go`; each rule names
 * its file. Property names here are Pulumi's (camelCase) spelling of the Terraform attribute.
 *
 * Two schema details change what a diff of program inputs means:
 * - Optional + Computed (`computed: true` below): removing the property from the program keeps the live
 *   value (no diff), but adding it when it was absent compares against a live value this offline tool
 *   cannot see, so that case is treated as a replacement (the safe reading).
 * - A schema `Default` (`default` below): an absent value equals the default.
 *
 * Since provider v6 (@pulumi/aws v7) almost every regional resource also has a top-level `region`
 * (Optional + Computed, defaulting to the provider's region); "Changing the value of region will force
 * resource replacement" (terraform-provider-aws website/docs/guides/enhanced-region-support.html.markdown).
 */
import { T, isAws, moduleOf } from "./plan";

/** One replace-on-change input property. */
export interface ReplaceProperty {
    /** Pulumi input name (top level). */
    readonly name: string;
    /** Optional + Computed in the schema: removal keeps the live value; addition may replace. */
    readonly computed?: boolean;
    /** The schema default, when absent means this value. */
    readonly default?: unknown;
    /** Removing the value never replaces (a DiffSuppressFunc, e.g. snapshotIdentifier). */
    readonly removalSuppressed?: boolean;
    /**
     * Not ForceNew in the schema: a known change is an in-place update, but a value that is unknown until apply
     * (it comes from a replaced resource) plans a replacement. Set where a provider bug says so (cited in `note`).
     */
    readonly unknownReplaces?: boolean;
}

export interface ReplaceRule {
    /** Pulumi type token. */
    readonly type: string;
    /** Terraform resource name, for reference. */
    readonly terraform: string;
    /** Where the rule was read: file in hashicorp/terraform-provider-aws. */
    readonly source: string;
    readonly properties: readonly ReplaceProperty[];
    /** Notes on properties deliberately left out or specially handled. */
    readonly note?: string;
    /** false when the rule was recalled from the provider docs but its schema file was not re-read. Default true. */
    readonly reread?: boolean;
}

const TF = "hashicorp/terraform-provider-aws";

/**
 * The stateful types: resources that hold data or identity that a replacement or deletion would lose
 * (a database's volume, a table's items, a key's ciphertexts, a vault's recovery points, a bucket's
 * objects, a secret's value, a log group's events, a repository's images). A drill must never replace or delete one.
 */
export const STATEFUL_TYPES: readonly string[] = [
    T.rdsCluster,
    T.clusterInstance,
    T.globalCluster,
    T.table,
    T.tableReplica,
    T.kmsKey,
    T.kmsReplicaKey,
    T.backupVault,
    T.bucket,
    T.bucketV2,
    T.secret,
    T.randomPassword,
    // Issue 11: logs an incident review needs (application, database, flow logs) and container images.
    T.logGroup,
    T.ecrRepository,
    // The edge and the static assets. A bucket's versioning, encryption, logging and replication are one
    // configuration per bucket: a replacement creates the new one, then deletes the old one, which on S3 suspends
    // versioning, resets encryption to the default, stops server access logging or removes replication, so the
    // bucket is left without it (and its other regions without new copies) until the next update.
    T.bucketVersioning,
    T.bucketSse,
    T.bucketLogging,
    T.bucketReplication,
    // The distribution's domain name is what the user-facing alias records answer with: a new distribution has a
    // new name, and CloudFront refuses an alias that another distribution still holds (CNAMEAlreadyExists). Both it
    // and its web ACL are managed through us-east-1, which a drill must never need.
    T.cloudfrontDistribution,
    T.webAcl,
    // The order pipeline: a queue holds messages (orders accepted but not processed, failures set aside in a
    // dead-letter queue) that a replacement or deletion loses. Its tables (idempotency, inventory, ledger) are
    // global tables, stateful above. Turning consumers on and off (event source mappings, rules) replaces nothing.
    T.sqsQueue,
    // Sign-in: the user pool is every customer's account (a new pool has a new id, no users and no passwords); its
    // replica is the standby region's copy of them. The replica's status (a dynamic resource) changes in place.
    T.userPool,
    T.userPoolReplica,
    // The cache and the shared files. A replication group is the region's cache nodes and its snapshots' owner; the
    // Global Datastore links the regions' groups (a new one has a new id the members must rejoin, and joining wipes a
    // member). Both are rebuilt from the databases, but a replacement empties the cache and, for a member, detaches
    // it. A file system holds the shared files. A replication configuration, were one ever declared through the
    // provider, would be deleted and re-created by a replacement: the destination turns writable and diverges, then
    // is overwritten. The cache's password secret is a secret (above).
    T.cacheReplicationGroup,
    T.cacheGlobalDatastore,
    T.fileSystem,
    T.efsReplicationConfiguration,
    // Operations. The alarm topics' key (and the trail's key, under kmsKey above) encrypts what the topics carry; the
    // trail's bucket and log group are a bucket and a log group (above). The trail is the audit record itself: while it
    // is deleted (a replacement deletes it first: deleteBeforeReplace) nothing is recorded. The trail bucket's Object Lock default
    // retention is what keeps its log files from being deleted: deleting the configuration removes the rule (the
    // provider puts the configuration back without it), so log files written afterwards are not locked. A GuardDuty
    // detector holds the region's findings: deleting it (disabling GuardDuty) loses them for good, while suspending
    // it (enable: false, in place) keeps them (GuardDuty user guide, "Suspending or disabling GuardDuty",
    // guardduty_suspend-disable.html, read 2026-12-06).
    T.trail,
    T.bucketObjectLock,
    T.guardDutyDetector,
];

/**
 * Stateful types whose DELETION is a warning, not a failure, with the reason. Replacing them still fails.
 * Lead's decision: an Aurora instance holds no data (the cluster volume does), and the
 * pilot-light and warm-standby standby shapes require the instance count to follow the role on
 * switchover and failback.
 */
export const DELETE_IS_WARNING: Readonly<Record<string, string>> = {
    [T.clusterInstance]: "an Aurora instance holds no data (the cluster volume does); the standby shape sets the instance count by role",
};

/**
 * Types that hold no data but that a role change must change in place (the issue: "Alarms that change with role
 * change in place"), with why a replacement hurts. Replacing one is a warning, not a failure: the verdict stays
 * about state. Each is identified in AWS by a name or an ARN the replacement keeps, and Pulumi replaces by creating
 * the new resource before deleting the old one (the default without deleteBeforeReplace), so the delete that
 * follows acts on the same name: what the replacement wrote may be undone (not verified against AWS).
 */
export const REPLACE_IS_WARNING: Readonly<Record<string, string>> = {
    [T.metricAlarm]:
        "an alarm is identified by its name: replaced in Pulumi's default order, the new one is written over the old (PutMetricAlarm) and the old one's delete (DeleteAlarms by name) then removes it; with deleteBeforeReplace it is gone until it is written again; either way its state history starts again",
    [T.compositeAlarm]:
        "a composite alarm is identified by its name: replaced in Pulumi's default order, the old one's delete (DeleteAlarms by name) removes the one just written; with deleteBeforeReplace it is gone until it is written again; the region's 'serving' composite is what pages and what fault-injection stop conditions read",
    [T.dashboard]: "a dashboard is identified by its name: the old one's delete (DeleteDashboards by name) removes the one just written",
    [T.snsTopic]: "a new topic has a new ARN: every alarm naming the old one is rewritten, and its subscriptions are not carried over",
    [T.snsTopicPolicy]:
        "the old policy's delete resets the topic's policy to SNS's default, which does not let CloudWatch or EventBridge publish: alarms deliver nothing until the next update",
    [T.snsTopicSubscription]: "a new subscription starts unconfirmed (email, https): nobody is told until its owner confirms it again",
    [T.healthCheck]:
        "a new health check has a new id: the region's record and the checks that name it change with it, and the new check starts without history",
    [T.fisExperimentTemplate]: "a new template has a new id: runbooks and schedules that name the old one no longer find it",
};

/** Where @pulumi/aws-native's replace-on-change properties are read: each generated class passes them as `replaceOnChanges`. */
const AWS_NATIVE = "pulumi/pulumi-aws-native, @pulumi/aws-native 1.79.0";

export const STATEFUL_RULES: readonly ReplaceRule[] = [
    {
        type: T.userPool,
        terraform: "(none: AWS::Cognito::UserPool through Cloud Control)",
        source: `${AWS_NATIVE} cognito/userPool.js (no replaceOnChanges; the CloudFormation schema's createOnlyProperties, read 2026-12-06)`,
        properties: [],
        note:
            "@pulumi/aws-native replaces a resource only for its schema's create-only properties, and the user pool has none: every change " +
            "is a Cloud Control update. One the Cognito API refuses (a username attribute, a schema attribute's type) fails the update " +
            "instead of replacing the pool. In @pulumi/aws the same pool would be replaced on alias_attributes, username_attributes and " +
            "username_configuration (terraform-provider-aws #35401), one reason the pool is not on that provider.",
    },
    {
        type: T.userPoolReplica,
        terraform: "(none: AWS::Cognito::UserPoolReplica through Cloud Control)",
        source: `${AWS_NATIVE} cognito/userPoolReplica.js (replaceOnChanges: regionName, userPoolId, userPoolTagsAtCreate.*; read 2026-12-06)`,
        properties: [{ name: "regionName" }, { name: "userPoolId" }, { name: "userPoolTagsAtCreate" }],
        note: "Every property is create-only, tags given at creation included, so the component gives none (a changed tag would replace the replica).",
    },
    {
        type: T.cacheReplicationGroup,
        terraform: "aws_elasticache_replication_group",
        source: `${TF} internal/service/elasticache/replication_group.go (schema and CustomizeDiff, read 2026-12-06)`,
        properties: [
            { name: "replicationGroupId" },
            { name: "atRestEncryptionEnabled", computed: true },
            { name: "dataTieringEnabled", computed: true },
            { name: "globalReplicationGroupId", computed: true },
            { name: "kmsKeyId" },
            { name: "networkType", computed: true },
            { name: "port", default: 6379 },
            { name: "securityGroupNames", computed: true },
            { name: "snapshotArns" },
            { name: "snapshotName" },
            { name: "subnetGroupName", computed: true },
            { name: "nodeGroupConfigurations" },
        ],
        note:
            "nodeType, numCacheClusters, automaticFailoverEnabled, multiAzEnabled, securityGroupIds, userGroupIds, snapshot " +
            "settings, windows and tags change in place (ModifyReplicationGroup, Increase/DecreaseReplicaCount): pilot light's cold " +
            "standby is resized by an update. globalReplicationGroupId is Optional + Computed + ForceNew: joining a Global Datastore " +
            "(setting it where it was unset) or naming another replaces the group; removing it keeps the live membership. port's change is suppressed when it is removed and was the default " +
            "6379, hence the default here. Replaced only under conditions this rule does not model: engine and engineVersion on a " +
            "downgrade (CustomizeDiff), transitEncryptionEnabled below engine version 7.0.5 (Valkey 7.2 and later change it in " +
            "place), nodeGroupConfigurations only on a significant change (listed, erring on replacement; the program sets none). " +
            "replicationGroupId is Required in the schema but optional in @pulumi/aws (autonamed when absent, as its optional type " +
            "suggests; not verified), so removing it is judged a replacement. durability, in the installed " +
            "SDK but not in the schema version read, was not re-read.",
    },
    {
        type: T.cacheGlobalDatastore,
        terraform: "aws_elasticache_global_replication_group",
        source: `${TF} internal/service/elasticache/global_replication_group.go (read 2026-12-06, an older stored version; @pulumi/aws 7.48.0 elasticache/globalReplicationGroup.d.ts documents the same two as creating a new resource)`,
        properties: [{ name: "globalReplicationGroupIdSuffix" }, { name: "primaryReplicationGroupId" }],
        note:
            "primaryReplicationGroupId is Required + ForceNew, and Read sets it from whichever member is PRIMARY " +
            "(hashicorp/terraform-provider-aws#46121, open): after any promotion the owner's next preview would plan a " +
            "replacement of the whole datastore. components/cache.ts therefore ignores changes to it (ignoreChanges) and moves " +
            "the primary with the CachePrimary dynamic resource; a change of the program's own value there is reported as an " +
            "identity change the program ignores (a failure). cacheNodeType, automaticFailoverEnabled, engineVersion " +
            "(upgrades; a downgrade is refused, not replaced) and the description change in place (ModifyGlobalReplicationGroup).",
    },
    {
        type: T.fileSystem,
        terraform: "(none: AWS::EFS::FileSystem through Cloud Control)",
        source: `${AWS_NATIVE} efs/fileSystem.js (replaceOnChanges: availabilityZoneName, encrypted, kmsKeyId, performanceMode; read 2026-12-06)`,
        properties: [{ name: "availabilityZoneName" }, { name: "encrypted" }, { name: "kmsKeyId" }, { name: "performanceMode" }],
        note:
            "Every other property (throughput mode, lifecycle policies, backup policy, file system policy, protection, " +
            "replicationConfiguration, tags) is a Cloud Control update. components/sharedFiles.ts ignores fileSystemProtection " +
            "and replicationConfiguration: the FilesPrimary and FilesReplication dynamic resources set them inside pulumi up. " +
            "The file system is on @pulumi/aws-native because @pulumi/aws reads a destination's protection back as REPLICATING, " +
            "outside its enum, and fails every refresh (pulumi/pulumi-aws#6041).",
    },
    {
        type: T.efsReplicationConfiguration,
        terraform: "aws_efs_replication_configuration",
        source: `${TF} internal/service/efs/replication_configuration.go (read 2026-12-06)`,
        properties: [{ name: "sourceFileSystemId" }, { name: "destination" }],
        note:
            "The resource has no Update: source_file_system_id and the destination block (file_system_id, region, kms_key_id, " +
            "availability_zone_name) are all ForceNew, and its Delete calls the destination's region, then the source's. The " +
            "program declares none: the replication is set by the FilesReplication dynamic resource of the primary's stack, " +
            "whose deletion calls nothing. Listed so that one declared through the provider is judged as state.",
    },
    {
        type: T.sqsQueue,
        terraform: "aws_sqs_queue",
        source: `${TF} internal/service/sqs/queue.go (queueSchema, read 2026-12-06)`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "fifoQueue", default: false },
        ],
        note:
            "name, name_prefix and fifo_queue are ForceNew (a queue's name and type cannot change); every other attribute (visibility timeout, " +
            "retention, KMS key, policies, redrive) is set in place with SetQueueAttributes. policy, redrive_policy and redrive_allow_policy " +
            "are Optional and Computed, so the separate QueuePolicy, RedrivePolicy and RedriveAllowPolicy resources leave the queue without a diff.",
    },
    {
        type: T.rdsCluster,
        terraform: "aws_rds_cluster",
        source: `${TF} internal/service/rds/cluster.go`,
        properties: [
            { name: "availabilityZones", computed: true },
            { name: "clusterIdentifier", computed: true },
            { name: "clusterIdentifierPrefix", computed: true },
            { name: "clusterScalabilityType", computed: true },
            { name: "databaseName", computed: true },
            { name: "dbSubnetGroupName", computed: true },
            { name: "dbSystemId", computed: true },
            { name: "engine" },
            { name: "engineMode", default: "provisioned" },
            { name: "kmsKeyId", computed: true },
            { name: "masterUsername", computed: true },
            { name: "restoreToPointInTime" },
            { name: "s3Import" },
            { name: "snapshotIdentifier", removalSuppressed: true },
            { name: "sourceRegion" },
            { name: "storageEncrypted", computed: true },
        ],
        note:
            "storageType forces replacement only for non-Aurora engines (CustomizeDiff ForceNewIf); globalClusterIdentifier " +
            "and replicationSourceIdentifier are updatable, but removing globalClusterIdentifier detaches a secondary.",
    },
    {
        type: T.clusterInstance,
        terraform: "aws_rds_cluster_instance",
        source: `${TF} internal/service/rds/cluster_instance.go`,
        properties: [
            { name: "availabilityZone", computed: true },
            { name: "clusterIdentifier" },
            { name: "customIamInstanceProfile" },
            { name: "dbSubnetGroupName", computed: true },
            { name: "engine" },
            { name: "identifier", computed: true },
            { name: "identifierPrefix", computed: true },
        ],
        note: "instanceClass and engineVersion are modified in place.",
    },
    {
        type: T.globalCluster,
        terraform: "aws_rds_global_cluster",
        source: `${TF} internal/service/rds/global_cluster.go`,
        properties: [
            { name: "databaseName" },
            { name: "engine", computed: true },
            { name: "globalClusterIdentifier" },
            { name: "sourceDbClusterIdentifier", computed: true },
            { name: "storageEncrypted", computed: true },
        ],
        note: "engineVersion is upgraded in place (ModifyGlobalCluster / ModifyDBCluster on members).",
    },
    {
        type: T.table,
        terraform: "aws_dynamodb_table",
        source: `${TF} internal/service/dynamodb/table.go`,
        properties: [
            { name: "hashKey", computed: true },
            { name: "localSecondaryIndexes" },
            { name: "name" },
            { name: "rangeKey" },
            { name: "restoreDateTime" },
            { name: "restoreSourceName" },
            { name: "restoreSourceTableArn" },
            { name: "restoreToLatestTime" },
            { name: "importTable" },
        ],
        note:
            "attributes, billing, GSIs, streams, TTL, PITR and SSE change in place; `replicas` is ignored by the owner " +
            "when replicas are TableReplica resources in other stacks. restoreSourceTableArn and importTable (both ForceNew) " +
            "were added to the schema after the version re-read; listed so the rule errs on the side of replacement.",
    },
    {
        type: T.tableReplica,
        terraform: "aws_dynamodb_table_replica",
        source: `${TF} internal/service/dynamodb/table_replica.go`,
        properties: [{ name: "globalTableArn" }, { name: "kmsKeyArn", computed: true }, { name: "tableClassOverride" }],
    },
    {
        type: T.kmsKey,
        terraform: "aws_kms_key",
        source: `${TF} internal/service/kms/key.go (re-read 2026-12-06 for the alarm topics' key: the same ForceNew set)`,
        properties: [
            { name: "customKeyStoreId" },
            { name: "customerMasterKeySpec", default: "SYMMETRIC_DEFAULT" },
            { name: "keyUsage", default: "ENCRYPT_DECRYPT" },
            { name: "multiRegion", computed: true },
            { name: "xksKeyId" },
        ],
        note: "policy, description, rotation and enablement change in place.",
    },
    {
        type: T.kmsReplicaKey,
        terraform: "aws_kms_replica_key",
        source: `${TF} internal/service/kms/replica_key.go`,
        properties: [{ name: "primaryKeyArn" }],
    },
    {
        type: T.backupVault,
        terraform: "aws_backup_vault",
        source: `${TF} internal/service/backup/vault.go`,
        properties: [{ name: "name" }, { name: "kmsKeyArn", computed: true }],
    },
    {
        type: T.bucket,
        terraform: "aws_s3_bucket",
        source: `${TF} internal/service/s3/bucket.go`,
        properties: [
            { name: "bucket", computed: true },
            { name: "bucketPrefix", computed: true },
            { name: "objectLockEnabled", computed: true },
        ],
        note: "objectLockEnabled (ForceNew) postdates the schema version re-read; listed so the rule errs on the side of replacement.",
    },
    {
        type: T.bucketV2,
        terraform: "aws_s3_bucket (BucketV2 is the same Terraform resource)",
        source: `${TF} internal/service/s3/bucket.go`,
        properties: [
            { name: "bucket", computed: true },
            { name: "bucketPrefix", computed: true },
            { name: "objectLockEnabled", computed: true },
        ],
    },
    {
        type: T.secret,
        terraform: "aws_secretsmanager_secret",
        source: `${TF} internal/service/secretsmanager/secret.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
        ],
        note: "kmsKeyId, description, policy and replicas change in place.",
    },
    {
        // Stateful here because it is the only record of the Aurora master password outside the secret.
        type: T.randomPassword,
        terraform: "random_password",
        source: "hashicorp/terraform-provider-random internal/provider/resource_password.go (schema v3: every argument has a RequiresReplace plan modifier)",
        properties: [
            { name: "length" },
            { name: "keepers" },
            { name: "overrideSpecial" },
            { name: "special", default: true },
            { name: "upper", default: true },
            { name: "lower", default: true },
            { name: "numeric", default: true },
            { name: "number", default: true },
            { name: "minLower", default: 0 },
            { name: "minUpper", default: 0 },
            { name: "minNumeric", default: 0 },
            { name: "minSpecial", default: 0 },
        ],
        note: 'overrideSpecial changing from "" to null does not replace (RequiresReplaceUnlessEmptyStringToNull).',
    },
    {
        type: T.logGroup,
        terraform: "aws_cloudwatch_log_group",
        source: `${TF} internal/service/logs/group.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "logGroupClass", computed: true },
        ],
        note:
            "name, namePrefix and logGroupClass are Optional + Computed + ForceNew. kmsKeyId is updated in place " +
            "(AssociateKmsKey / DisassociateKmsKey), retentionInDays by PutRetentionPolicy, skipDestroy and tags in place.",
    },
    {
        type: T.bucketVersioning,
        terraform: "aws_s3_bucket_versioning",
        source: `${TF} internal/service/s3/bucket_versioning.go`,
        properties: [{ name: "bucket" }, { name: "expectedBucketOwner" }],
        note:
            "bucket and expected_bucket_owner are ForceNew; versioning_configuration (status, mfa_delete) and mfa change in place " +
            "(PutBucketVersioning). Deleting the resource suspends versioning, which S3 replication does not accept on either end.",
    },
    {
        type: T.bucketSse,
        terraform: "aws_s3_bucket_server_side_encryption_configuration",
        source: `${TF} internal/service/s3/bucket_server_side_encryption_configuration.go`,
        properties: [{ name: "bucket" }, { name: "expectedBucketOwner" }],
        note: "rules (the algorithm, the key, the bucket key) change in place (PutBucketEncryption); deleting it calls DeleteBucketEncryption.",
    },
    {
        type: T.bucketLogging,
        terraform: "aws_s3_bucket_logging",
        source: `${TF} internal/service/s3/bucket_logging.go`,
        properties: [{ name: "bucket" }, { name: "expectedBucketOwner" }],
        note: "targetBucket, targetPrefix, targetGrants and targetObjectKeyFormat change in place (PutBucketLogging); deleting it turns logging off.",
    },
    {
        type: T.bucketReplication,
        terraform: "aws_s3_bucket_replication_configuration",
        source: `${TF} internal/service/s3/bucket_replication_configuration.go`,
        properties: [{ name: "bucket" }],
        note:
            "Only bucket is ForceNew. role and every rule field (destination, storageClass, RTC, metrics, filter, priority, " +
            "delete-marker replication) change in place with one PutBucketReplication, so a role change such as the standby's " +
            "replica storage class is an update. token (Optional, Sensitive, not ForceNew) is the Object Lock token, only for " +
            "Object Lock buckets; leave it unset. After a refresh the resource may show a diff where nothing changed " +
            "(pulumi/pulumi-aws#2063, closed won't-fix; hashicorp/terraform-provider-aws#665): set id, priority, filter and " +
            "deleteMarkerReplication on every rule so the read-back matches. Deleting it calls DeleteBucketReplication.",
    },
    {
        type: T.cloudfrontDistribution,
        terraform: "aws_cloudfront_distribution",
        source: `${TF} internal/service/cloudfront/distribution.go`,
        properties: [
            { name: "staging", default: false },
            { name: "origins", unknownReplaces: true },
        ],
        note:
            "staging (default false) is the only ForceNew argument; aliases, origins, origin groups, behaviours, the viewer " +
            "certificate and webAclId change in place (UpdateDistribution). An origin whose value is unknown at preview (from a " +
            "replaced resource) makes Pulumi plan a replacement of the whole distribution (pulumi/pulumi-aws#5229, open), so " +
            "origins is treated as replacing when it depends on a replaced resource. Re-read at a 2023 schema version; arguments " +
            "added since (e.g. anycastIpListId) were not re-read.",
    },
    {
        type: T.webAcl,
        terraform: "aws_wafv2_web_acl",
        source: `${TF} internal/service/wafv2/web_acl.go`,
        properties: [{ name: "name", computed: true }, { name: "namePrefix", computed: true }, { name: "scope" }],
        note:
            "name and namePrefix are Optional + Computed + ForceNew, scope is Required + ForceNew; rules, defaultAction, " +
            "description, visibilityConfig and the other settings change in place (UpdateWebACL with the lock token).",
    },
    {
        type: T.ecrRepository,
        terraform: "aws_ecr_repository",
        source: `${TF} internal/service/ecr/repository.go`,
        properties: [{ name: "name" }, { name: "encryptionConfigurations", removalSuppressed: true }],
        note:
            "name is Required + ForceNew (Pulumi autonames it when absent, which would replace it). The encryption_configuration " +
            "block is ForceNew, as are its encryption_type (default AES256) and kms_key; removing the block is suppressed " +
            "(SuppressMissingOptionalConfigurationBlock). imageTagMutability, imageScanningConfiguration, forceDelete and tags " +
            "change in place. Re-read at a pre-v6 schema version.",
    },
    {
        type: T.trail,
        terraform: "aws_cloudtrail",
        source: `${TF} internal/service/cloudtrail/trail.go (read 2026-12-06)`,
        properties: [{ name: "name" }],
        note:
            "Only name is ForceNew (Pulumi autonames it when absent, which would replace it); the bucket, prefix, KMS key, " +
            "log group and role, multi-Region and global-events flags, selectors, logging and tags change in place " +
            "(UpdateTrail, PutEventSelectors, StartLogging/StopLogging). A trail is changed only from its home region. Its " +
            "Delete is DeleteTrail: the audit record stops until a new trail logs (components/auditTrail.ts protects it).",
    },
    {
        type: T.bucketObjectLock,
        terraform: "aws_s3_bucket_object_lock_configuration",
        source: `${TF} internal/service/s3/bucket_object_lock_configuration.go (read 2026-12-06)`,
        properties: [{ name: "bucket" }, { name: "expectedBucketOwner" }, { name: "objectLockEnabled", default: "Enabled" }],
        note:
            "bucket, expected_bucket_owner and object_lock_enabled (default Enabled) are ForceNew; the rule (default retention mode, " +
            "days or years) and token change in place (PutObjectLockConfiguration). Its Delete puts the configuration back " +
            "without the rule: Object Lock stays enabled on the bucket (it cannot be turned off), but new log files get no " +
            "default retention. Read at a current schema version and at a 2022 one: the same ForceNew arguments.",
    },
    {
        type: T.guardDutyDetector,
        terraform: "aws_guardduty_detector",
        source: `${TF} internal/service/guardduty/detector.go (read 2026-12-06)`,
        properties: [],
        note:
            "No argument is ForceNew (only the v6 `region`, judged by the region rule): enable, datasources, " +
            "finding_publishing_frequency and tags change in place (UpdateDetector). Its Delete is DeleteDetector, which " +
            'disables GuardDuty in the region: its findings and configuration are lost (GuardDuty user guide, "Suspending or ' +
            'disabling GuardDuty", guardduty_suspend-disable.html, read 2026-12-06); `enable: false` suspends it instead and ' +
            "keeps them. GuardDuty keeps one detector per account and region, so a replacement's create would also meet the " +
            "existing one (not verified).",
    },
];

/**
 * Well-known replace-on-change properties of some non-stateful types, so the rehearsal can say "replace"
 * rather than "update" where it matters for understanding a drill. They never decide the verdict (only
 * stateful types do). Any other change of a type with no rule is reported as an update marked
 * "unknown: treated as update". Rules marked `reread: false` were not re-read at their schema file.
 */
export const OTHER_RULES: readonly ReplaceRule[] = [
    {
        type: T.vpc,
        terraform: "aws_vpc",
        reread: false,
        source: `${TF} internal/service/ec2/vpc_.go`,
        properties: [
            { name: "cidrBlock", computed: true },
            { name: "instanceTenancy", default: "default" },
        ],
    },
    {
        type: T.subnet,
        terraform: "aws_subnet",
        reread: false,
        source: `${TF} internal/service/ec2/vpc_subnet.go`,
        properties: [
            { name: "availabilityZone", computed: true },
            { name: "availabilityZoneId", computed: true },
            { name: "cidrBlock" },
            { name: "vpcId" },
        ],
    },
    {
        type: T.securityGroup,
        terraform: "aws_security_group",
        reread: false,
        source: `${TF} internal/service/ec2/vpc_security_group.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "description", default: "Managed by Pulumi" },
            { name: "vpcId", computed: true },
        ],
    },
    {
        type: T.healthCheck,
        terraform: "aws_route53_health_check",
        source: `${TF} internal/service/route53/health_check.go`,
        properties: [
            { name: "type" },
            { name: "requestInterval" },
            { name: "measureLatency", default: false },
            { name: "referenceName" },
            { name: "routingControlArn" },
        ],
        note: "invertHealthcheck (the outage drill) and failureThreshold change in place.",
    },
    {
        type: T.targetGroup,
        terraform: "aws_lb_target_group",
        reread: false,
        source: `${TF} internal/service/elbv2/target_group.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "port" },
            { name: "protocol" },
            { name: "vpcId" },
            { name: "targetType", default: "instance" },
        ],
    },
    {
        type: T.loadBalancer,
        terraform: "aws_lb",
        reread: false,
        source: `${TF} internal/service/elbv2/load_balancer.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "internal", computed: true },
            { name: "loadBalancerType", default: "application" },
        ],
    },
    {
        type: T.taskDefinition,
        terraform: "aws_ecs_task_definition",
        reread: false,
        source: `${TF} internal/service/ecs/task_definition.go`,
        properties: [
            "containerDefinitions",
            "family",
            "cpu",
            "memory",
            "networkMode",
            "executionRoleArn",
            "taskRoleArn",
            "requiresCompatibilities",
            "volumes",
            "runtimePlatform",
            "ephemeralStorage",
        ].map((name) => ({ name })),
        note: "a task definition revision is immutable: every change registers a new revision.",
    },
    {
        type: T.dbSubnetGroup,
        terraform: "aws_db_subnet_group",
        reread: false,
        source: `${TF} internal/service/rds/subnet_group.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
        ],
    },
    {
        type: T.iamRole,
        terraform: "aws_iam_role",
        reread: false,
        source: `${TF} internal/service/iam/role.go`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "path", default: "/" },
        ],
    },
    {
        type: T.metricAlarm,
        terraform: "aws_cloudwatch_metric_alarm",
        source: `${TF} internal/service/cloudwatch/metric_alarm.go (read 2026-12-06)`,
        properties: [{ name: "name" }],
        note:
            "Only alarm_name (Pulumi's `name`) is ForceNew; Pulumi autonames it when absent, so leaving it out replaces the " +
            "alarm. actions_enabled (default true), alarm_actions, ok_actions, thresholds, metrics and tags change in place " +
            "(PutMetricAlarm), so an urgency change is an update. The copy read is newer than @pulumi/aws 7.48.0 (it checks " +
            "that the name is free before creating); the ForceNew set matched the older copies seen.",
    },
    {
        type: T.compositeAlarm,
        terraform: "aws_cloudwatch_composite_alarm",
        source: `${TF} internal/service/cloudwatch/composite_alarm.go (read 2026-12-06; website/docs/r/cloudwatch_composite_alarm.html.markdown says the same)`,
        properties: [{ name: "alarmName" }, { name: "actionsEnabled", default: true }],
        note:
            "alarm_name AND actions_enabled (default true) are ForceNew, unlike a metric alarm's: turning a composite's actions " +
            "off or on replaces it, although PutCompositeAlarm itself would change it in place (components/tierAlarms.ts keeps " +
            "them on and gives a quiet composite no actions instead). alarm_actions, ok_actions, " +
            "insufficient_data_actions, alarm_rule, actions_suppressor, the description and tags change in place. Every " +
            "stored copy read (2022 to 2024 schema versions) and the registry documentation mark actions_enabled ForceNew; " +
            "the version @pulumi/aws 7.48.0 bridges was not seen.",
    },
    {
        type: T.dashboard,
        terraform: "aws_cloudwatch_dashboard",
        source: `${TF} internal/service/cloudwatch/dashboard.go (read 2026-12-06)`,
        properties: [{ name: "dashboardName" }],
        note: "Only dashboard_name is ForceNew; dashboard_body changes in place (PutDashboard), compared as JSON.",
    },
    {
        type: T.snsTopic,
        terraform: "aws_sns_topic",
        source: `${TF} internal/service/sns/topic.go (read 2026-12-06)`,
        properties: [
            { name: "name", computed: true },
            { name: "namePrefix", computed: true },
            { name: "fifoTopic", default: false },
        ],
        note: "name and name_prefix are Optional + Computed + ForceNew, fifo_topic (default false) ForceNew; the KMS key, policy, delivery settings and tags change in place (SetTopicAttributes).",
    },
    {
        type: T.snsTopicPolicy,
        terraform: "aws_sns_topic_policy",
        source: `${TF} internal/service/sns/topic_policy.go (read 2026-12-06)`,
        properties: [{ name: "arn" }],
        note: "Only arn (the topic) is ForceNew; the policy changes in place. Its Delete sets the topic's policy back to SNS's default.",
    },
    {
        type: T.snsTopicSubscription,
        terraform: "aws_sns_topic_subscription",
        source: `${TF} internal/service/sns/topic_subscription.go (read 2026-12-06)`,
        properties: [{ name: "endpoint" }, { name: "protocol" }, { name: "topic" }],
        note: "endpoint, protocol and topic_arn (Pulumi's `topic`) are ForceNew; filter, delivery, redrive and raw delivery settings change in place.",
    },
    {
        type: T.guardDutyDetectorFeature,
        terraform: "aws_guardduty_detector_feature",
        source: `${TF} internal/service/guardduty/detector_feature.go (read 2026-12-06)`,
        properties: [{ name: "detectorId" }, { name: "name" }],
        note:
            "detector_id and name are ForceNew, and so is an additional configuration's name (nested, not modelled: this rule " +
            "reads top-level properties); status changes in place. Create and update are the same UpdateDetector call and its " +
            "Delete does nothing, so a replacement leaves the feature as the new resource set it.",
    },
    {
        type: T.fisExperimentTemplate,
        terraform: "aws_fis_experiment_template",
        source: `${TF} internal/service/fis/experiment_template.go (read 2026-12-06)`,
        properties: [{ name: "tags" }],
        note:
            "tags are ForceNew (TagsSchemaForceNew): a template whose tags follow the role is replaced by every role change; " +
            "actions, targets, stop conditions, the role, the description and log settings change in place " +
            "(UpdateExperimentTemplate). The copy read is older than @pulumi/aws 7.48.0 (which has experimentReportConfiguration); " +
            "whether newer schema versions still force tags was not seen.",
    },
];

const BY_TYPE = new Map<string, ReplaceRule>([...STATEFUL_RULES, ...OTHER_RULES].map((r) => [r.type, r]));

/** Global types with no `region` input (Route 53, IAM, ARC, ...): region never forces their replacement. */
const NO_REGION_PREFIXES = [T.iamRole, T.record, T.arcCluster, T.cloudfrontDistribution, T.globalAccelerator, T.organization].map(moduleOf);

export function isStateful(type: string): boolean {
    return STATEFUL_TYPES.includes(type);
}

export function ruleFor(type: string): ReplaceRule | undefined {
    return BY_TYPE.get(type);
}

/** Whether `type` takes the v6 per-resource `region` input. */
export function isRegionAware(type: string): boolean {
    return isAws(type) && !NO_REGION_PREFIXES.some((p) => type.startsWith(p));
}

/** Why a property change replaces a resource. */
export interface ReplaceReason {
    readonly property: string;
    readonly why: string;
    readonly source: string;
}

const REGION_SOURCE = `${TF} website/docs/guides/enhanced-region-support.html.markdown`;

/**
 * Decides whether changing top-level input `property` of a resource of `type` from `before` to `after`
 * replaces it. `before`/`after` are the program's inputs (undefined when absent). `stackRegion` is the
 * region of the provider both sides use (for the `region` input's default).
 * Returns undefined when the change is an in-place update (or no change at all).
 */
export function replaceReason(type: string, property: string, before: unknown, after: unknown, stackRegion: string): ReplaceReason | undefined {
    if (property === "region" && isRegionAware(type)) {
        const b = before ?? stackRegion;
        const a = after ?? stackRegion;
        return b === a ? undefined : { property, why: `region ${String(b)} → ${String(a)}: the resource moves region`, source: REGION_SOURCE };
    }
    const rule = ruleFor(type);
    const prop = rule?.properties.find((p) => p.name === property);
    // A known value of an unknownReplaces property is an update; the unknown case is decided by the diff.
    if (!rule || !prop || prop.unknownReplaces) return undefined;
    const b = before === undefined && prop.default !== undefined ? prop.default : before;
    const a = after === undefined && prop.default !== undefined ? prop.default : after;
    if (deepEqual(b, a)) return undefined;
    const source = rule.source;
    if (a === undefined && (prop.computed || prop.removalSuppressed)) return undefined; // provider keeps the live value
    if (b === undefined && prop.computed) {
        return {
            property,
            why: `${property} is set where it was left to the provider (ForceNew, Optional+Computed): replaced unless the live value already equals ${show(a)}`,
            source,
        };
    }
    return { property, why: `${property} ${show(b)} → ${show(a)} (ForceNew)`, source };
}

export function show(v: unknown): string {
    if (v === undefined) return "(unset)";
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
        const bb = b as unknown[];
        return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
    return true;
}
