import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmActionArgs } from "./dns";
import type { BundleDir } from "../src/functionBundles";
import { USER_EXPORT_FUNCTION } from "../src/plan";
import { denyInsecureTransport, privateBucket } from "./privateBucket";
import { ScheduledFunction } from "./scheduledFunction";
import { serverAccessLogPrefix } from "./serverAccessLogs";

export interface IdentityExportBucketArgs {
    /** The bucket's fixed name (identityExportBucketName). Required. */
    readonly bucketName: pulumi.Input<string>;
    /** This region's data key: the exports are encrypted under it. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The region's server access log bucket. Required. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** Days an export is kept (the backups' retention). Required. */
    readonly retentionDays: number;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Where the home stack's user exports land in a backup-restore standby region: private, versioned, encrypted under
 * the region's data key, access-logged, TLS only, exports expiring with the backups they stand beside. It holds
 * customers' e-mail addresses: protected and kept on delete like every bucket here.
 */
export class IdentityExportBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: IdentityExportBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:identity:IdentityExportBucket", name, {}, opts);
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const { bucket, publicAccessBlock } = privateBucket(name, { bucketName: args.bucketName, kmsKeyArn: args.kmsKeyArn, tags: tags(name) }, this);
        const keep = { parent: this, protect: true };
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            keep,
        );
        new aws.s3.BucketLogging(
            `${name}-logging`,
            { bucket: bucket.id, targetBucket: args.accessLogBucket, targetPrefix: pulumi.output(args.bucketName).apply(serverAccessLogPrefix) },
            keep,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-exports",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecureTransport(arn)] })),
            },
            { parent: this, dependsOn: [publicAccessBlock] },
        );
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}

export interface UserExportArgs {
    /** The user pool and its region. Required. */
    readonly userPoolArn: pulumi.Input<string>;
    readonly userPoolId: pulumi.Input<string>;
    readonly region: string;
    /** The export buckets, one per other region, with the data key each is encrypted under there. Required, at least one. */
    readonly targets: readonly { readonly region: string; readonly bucketName: pulumi.Input<string>; readonly kmsKeyArn: pulumi.Input<string> }[];
    /** Hours between exports: the backups' interval, so identities and data share a recovery point's age. Required. */
    readonly intervalHours: number;
    /** The function's package. Required. */
    readonly bundle: BundleDir;
    /** Its log group (in every region, outside this component). Required. */
    readonly logGroupName: pulumi.Input<string>;
    readonly logGroupArn: pulumi.Input<string>;
    /** The region's queue for failed asynchronous invocations, under this region's data key. Required. */
    readonly failureQueueArn: pulumi.Input<string>;
    readonly dataKeyArn: pulumi.Input<string>;
    /** Where the export's errors alarm notifies. */
    readonly alarmActions: AlarmActionArgs;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Backup-restore's copy of the identities: a function, run on the backup schedule, that lists the user pool's users
 * (attributes only: Cognito exports no password and no TOTP secret) into a CSV in the pool's own import format and
 * writes it to every other region's export bucket. A recovery imports the newest export into a new pool; users set
 * a new password at their first sign-in (docs/runbooks.md). Its Errors alarm says when an export failed.
 */
export class UserExport extends pulumi.ComponentResource {
    constructor(name: string, args: UserExportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:identity:UserExport", name, {}, opts);
        if (args.targets.length === 0)
            throw new pulumi.ResourceError(`UserExport ${name}: targets is empty; expected an export bucket in another region`, this);
        new ScheduledFunction(
            name,
            {
                functionName: USER_EXPORT_FUNCTION,
                description: "Exports the user pool's users on the backup schedule (backup-restore's copy of the identities)",
                scheduleExpression: `rate(${args.intervalHours} ${args.intervalHours === 1 ? "hour" : "hours"})`,
                bundle: args.bundle,
                logGroup: { name: args.logGroupName, arn: args.logGroupArn },
                statements: [
                    {
                        Effect: "Allow",
                        Action: ["cognito-idp:DescribeUserPool", "cognito-idp:ListUsers", "cognito-idp:GetCSVHeader"],
                        Resource: args.userPoolArn,
                    },
                    {
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: args.targets.map((t) => pulumi.interpolate`arn:aws:s3:::${t.bucketName}/*`),
                    },
                    // The buckets encrypt under their own region's data key (SSE-KMS by default).
                    { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: args.targets.map((t) => t.kmsKeyArn) },
                ],
                environment: {
                    USER_POOL_ID: args.userPoolId,
                    POOL_REGION: args.region,
                    EXPORT_TARGETS: pulumi.jsonStringify(args.targets.map((t) => ({ region: t.region, bucket: t.bucketName }))),
                },
                failureQueueArn: args.failureQueueArn,
                dataKeyArn: args.dataKeyArn,
                memorySize: 256,
                timeoutSeconds: 300,
                alarmDescription: "SecureCart: the user export failed; the identities' recovery point is getting older (see the runbook)",
                alarmActions: args.alarmActions,
                tags: args.tags,
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
