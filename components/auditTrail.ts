import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministers } from "./keys";
import { KeptLogGroups } from "./keptLogGroups";
import { denyInsecureTransport, privateBucket } from "./privateBucket";
import { serverAccessLogPrefix } from "./serverAccessLogs";

/** The account's one trail. Its name is part of its ARN, which the key and bucket policies name before it exists. */
export const TRAIL_NAME = "securecart";

/** The log group CloudTrail delivers the trail's events to, in the home region. */
export const TRAIL_LOG_GROUP = "/securecart/audit/trail";

/** The trail bucket's name: fixed (account and home region), so the trail's policies can name it before it exists. */
export function trailBucketName(account: string, region: string): string {
    return `securecart-trail-${account}-${region}`;
}

/** The ARN the trail will have: built, not read from the trail, which itself waits for the policies that name it. */
export function trailArnOf(region: string, account: string): string {
    return `arn:aws:cloudtrail:${region}:${account}:trail/${TRAIL_NAME}`;
}

/**
 * How long the bucket keeps a log file, from the audit retention (days):
 * - `lockDays`: the default Object Lock retention (governance) every new log file and digest file gets;
 * - `currentExpirationDays`: when lifecycle puts a delete marker over a log file (it leaves the listings);
 * - `noncurrentExpirationDays`: how long a version that is no longer current is kept before lifecycle deletes it.
 *
 * Lifecycle never deletes a version whose lock has not ended, so these numbers cannot cut the record short; they
 * decide how long it stays afterwards. The current version stays 30 days past its lock: the lock is counted from
 * each file's own write time while lifecycle rounds to the next midnight UTC, a retention raised later applies to
 * new files only, and validating the oldest retained day with log file validation needs that day's digest files,
 * and the one before them, still listed. A version that becomes noncurrent (under lifecycle's own delete marker at
 * the end, or through an overwrite or delete inside the window, which Object Lock allows as a new version or a
 * delete marker) is kept a full retention after that: for a tampering attempt, that version is the evidence. An
 * untouched file is therefore stored for up to twice the retention plus 30 days.
 */
export interface TrailRetention {
    readonly lockDays: number;
    readonly currentExpirationDays: number;
    readonly noncurrentExpirationDays: number;
}

export function trailRetention(retentionDays: number): TrailRetention {
    return { lockDays: retentionDays, currentExpirationDays: retentionDays + 30, noncurrentExpirationDays: retentionDays };
}

export interface AuditTrailArgs {
    /**
     * The home region, the region of the stack's provider: the trail's home region, where its bucket, key and log
     * group are. Required. Only a stack in this region can update or delete the trail.
     */
    readonly region: string;
    /** This account's id. Required: the trail's ARN, the bucket's name and the policies are built from it. */
    readonly accountId: pulumi.Input<string>;
    /**
     * Days the audit record is kept: the log group's retention (so a value CloudWatch Logs accepts), the log
     * files' Object Lock retention, and the base of the bucket's lifecycle (`trailRetention`). Required, ≥ 1.
     */
    readonly retentionDays: number;
    /** The home region's logs key: the log group is encrypted under it. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /**
     * The home region's server-access-log bucket: the trail bucket's own access logs go there (a bucket with Object
     * Lock cannot receive server access logs, so the trail bucket logs out, never in). Required.
     */
    readonly serverAccessLogBucket: pulumi.Input<string>;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The account's audit trail, created by the home stack only: one multi-Region CloudTrail trail (management events,
 * global service events, log file validation) that delivers every region's events to one bucket and one log group
 * in the home region.
 *
 * - A key of its own (`alias/securecart-trail`): CloudTrail may encrypt for this trail only, readers in the account
 *   may decrypt trail log files only. Protected and kept on delete.
 * - The bucket (`securecart-trail-<account>-<region>`): private, TLS only, Object Lock from creation with a
 *   governance-mode default retention, versioned, expiring after the retention, its access logs in the region's
 *   access-log bucket, writable by CloudTrail for this trail only. Protected and kept on delete, like its
 *   versioning, lock, encryption and logging settings.
 * - The log group (`/securecart/audit/trail`), under the logs key, protected and kept; and the role CloudTrail
 *   assumes to write into it, allowed nothing but creating the trail's streams and putting events in them.
 *
 * Governance mode, not compliance: a principal with s3:BypassGovernanceRetention can still shorten a mistaken
 * retention; in compliance mode nobody, the root user included, could.
 */
export class AuditTrail extends pulumi.ComponentResource {
    public readonly trailArn: pulumi.Output<string>;
    public readonly trailName: pulumi.Output<string>;
    public readonly bucketName: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:AuditTrail", name, {}, opts);
        if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1)
            throw new pulumi.ResourceError(`AuditTrail ${name}: retentionDays must be a whole number of days ≥ 1, got ${args.retentionDays}`, this);
        const p = { parent: this };
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const account = pulumi.output(args.accountId);
        const trailArn = account.apply((a) => trailArnOf(args.region, a));
        const bucketName = account.apply((a) => trailBucketName(a, args.region));
        const retention = trailRetention(args.retentionDays);
        const fromCloudTrail = { Service: "cloudtrail.amazonaws.com" };

        // The trail's key (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail"): CloudTrail may
        // generate data keys for trails of this account, and only on behalf of this trail (aws:SourceArn); it may
        // describe the key; principals of this account may decrypt what a trail of this account encrypted.
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: "SecureCart audit trail key (CloudTrail log files)",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        accountAdministers(account),
                        {
                            Sid: "CloudTrailEncryptsLogFiles",
                            Effect: "Allow",
                            Principal: fromCloudTrail,
                            Action: "kms:GenerateDataKey*",
                            Resource: "*",
                            Condition: {
                                StringLike: {
                                    "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:aws:cloudtrail:*:${account}:trail/*`,
                                },
                                StringEquals: { "aws:SourceArn": trailArn },
                            },
                        },
                        // Newer editions of that guide say the key must also let CloudTrail encrypt digest files;
                        // older ones say digest files are SSE-S3. Should a digest file be written under the bucket's
                        // default encryption instead, S3 asks KMS with the object's ARN as encryption context, which
                        // the statement above does not match. This one covers that path, still for this trail only
                        // and only under its own log prefix in its own bucket.
                        {
                            Sid: "CloudTrailEncryptsThroughBucketDefault",
                            Effect: "Allow",
                            Principal: fromCloudTrail,
                            Action: "kms:GenerateDataKey*",
                            Resource: "*",
                            Condition: {
                                StringLike: {
                                    "kms:EncryptionContext:aws:s3:arn": pulumi.interpolate`arn:aws:s3:::${bucketName}/AWSLogs/${account}/*`,
                                },
                                StringEquals: { "aws:SourceArn": trailArn, "kms:ViaService": `s3.${args.region}.amazonaws.com` },
                            },
                        },
                        {
                            Sid: "CloudTrailDescribesKey",
                            Effect: "Allow",
                            Principal: fromCloudTrail,
                            Action: "kms:DescribeKey",
                            Resource: "*",
                            Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                        },
                        {
                            // The CloudTrail console's own key policy: anyone in this account with read access to
                            // the log files may decrypt them, and nothing else under this key.
                            Sid: "AccountReadsTrailLogFiles",
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: "kms:Decrypt",
                            Resource: "*",
                            Condition: {
                                StringEquals: { "kms:CallerAccount": account },
                                StringLike: {
                                    "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:aws:cloudtrail:*:${account}:trail/*`,
                                },
                            },
                        },
                    ],
                }),
                tags: tags(`${name}-key`),
            },
            keep,
        );
        new aws.kms.Alias(`${name}-key-alias`, { name: "alias/securecart-trail", targetKeyId: key.keyId }, p);

        // Object Lock is set when the bucket is created: the provider replaces a bucket whose objectLockEnabled
        // changes. No S3 Bucket Key: with one, S3 passes the bucket's ARN to KMS as encryption context instead of
        // CloudTrail's, and the key policy above is bound to CloudTrail's (the CloudTrail guide lists a Bucket Key as
        // a case that needs more key permissions). CloudTrail's own writes carry no KMS request charge (same guide).
        const { bucket, publicAccessBlock } = privateBucket(
            `${name}-bucket`,
            { bucketName, kmsKeyArn: key.arn, bucketKeyEnabled: false, objectLockEnabled: true, tags: tags(`${name}-bucket`) },
            this,
        );
        // The bucket's settings are protected like the bucket: deleting one (a replacement deletes the old one last)
        // would suspend versioning, stop access logging, or put a lock configuration without a rule, after which new
        // log files are written unlocked.
        const settings = { parent: this, protect: true };
        const versioning = new aws.s3.BucketVersioning(
            `${name}-bucket-versioning`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            settings,
        );
        const lock = new aws.s3.BucketObjectLockConfiguration(
            `${name}-bucket-lock`,
            {
                bucket: bucket.id,
                objectLockEnabled: "Enabled",
                rule: { defaultRetention: { mode: "GOVERNANCE", days: retention.lockDays } },
            },
            { ...settings, dependsOn: [versioning] },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-bucket-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        // See trailRetention for why the expirations sit where they do.
                        id: "expire-after-retention",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: retention.currentExpirationDays },
                        noncurrentVersionExpiration: { noncurrentDays: retention.noncurrentExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning, lock] },
        );
        new aws.s3.BucketLogging(
            `${name}-bucket-logging`,
            { bucket: bucket.id, targetBucket: args.serverAccessLogBucket, targetPrefix: bucketName.apply(serverAccessLogPrefix) },
            settings,
        );
        // CloudTrail's delivery grant (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail"), each statement
        // bound to this trail by aws:SourceArn as the guide's security best practices ask.
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-bucket-policy`,
            {
                bucket: bucket.id,
                policy: pulumi.all([bucket.arn, account, trailArn]).apply(([arn, acct, trail]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            denyInsecureTransport(arn),
                            {
                                Sid: "CloudTrailAclCheck",
                                Effect: "Allow",
                                Principal: fromCloudTrail,
                                Action: "s3:GetBucketAcl",
                                Resource: arn,
                                Condition: { StringEquals: { "aws:SourceArn": trail } },
                            },
                            {
                                Sid: "CloudTrailWrite",
                                Effect: "Allow",
                                Principal: fromCloudTrail,
                                Action: "s3:PutObject",
                                Resource: `${arn}/AWSLogs/${acct}/*`,
                                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail } },
                            },
                        ],
                    }),
                ),
            },
            { parent: this, dependsOn: [publicAccessBlock] },
        );

        const logs = new KeptLogGroups(
            `${name}-logs`,
            { groups: { trail: TRAIL_LOG_GROUP }, retentionDays: args.retentionDays, logsKmsKeyArn: args.logsKmsKeyArn, tags: args.tags },
            p,
        );
        const group = logs.groups.trail;
        // The guide's role for CloudWatch Logs delivery. Its trust carries no aws:SourceArn or aws:SourceAccount: the
        // guide says confused-deputy conditions are not supported there. Streams are named
        // <account>_CloudTrail_<region>[_n]; the wildcard covers every region a multi-Region trail may name.
        const role = new aws.iam.Role(
            `${name}-delivery`,
            {
                description: "SecureCart audit trail: CloudTrail writes the trail's events into its log group",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: fromCloudTrail, Action: "sts:AssumeRole" }],
                }),
                tags: tags(`${name}-delivery`),
            },
            p,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-delivery`,
            {
                role: role.id,
                policy: pulumi.all([group.arn, account]).apply(([g, acct]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "DeliverTrailEvents",
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: `${g}:log-stream:${acct}_CloudTrail_*`,
                            },
                        ],
                    }),
                ),
            },
            p,
        );

        // CloudTrail checks the bucket policy and the key policy when the trail is created, so it waits for both,
        // for the lock (the first log files are locked too) and for the role's policy. Management events only: no
        // event selector is declared, because a trail without one records exactly all management events and no
        // (paid) data events; an explicit selector equal to the default is reported by CloudTrail as no custom
        // selector, which older provider versions showed as a change on every update. The name is fixed, so a
        // replacement (only a name or region change causes one) must delete the old trail first.
        const trail = new aws.cloudtrail.Trail(
            name,
            {
                name: TRAIL_NAME,
                s3BucketName: bucket.bucket,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                kmsKeyId: key.arn,
                // The provider's log group ARN carries no ":*"; CloudTrail refuses a group ARN without it.
                cloudWatchLogsGroupArn: pulumi.interpolate`${group.arn}:*`,
                cloudWatchLogsRoleArn: role.arn,
                tags: tags(name),
            },
            // Protected: deleting it would stop the audit record (a gap PCI DSS 10 counts against the project).
            { parent: this, dependsOn: [bucketPolicy, key, lock, rolePolicy], deleteBeforeReplace: true, protect: true },
        );

        this.trailArn = trail.arn;
        this.trailName = trail.name;
        this.bucketName = bucket.bucket;
        this.logGroupName = group.name;
        this.keyArn = key.arn;
        this.registerOutputs({
            trailArn: this.trailArn,
            trailName: this.trailName,
            bucketName: this.bucketName,
            logGroupName: this.logGroupName,
            keyArn: this.keyArn,
        });
    }
}
