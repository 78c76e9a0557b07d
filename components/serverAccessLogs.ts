import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, privateBucket } from "./privateBucket";

/** Where server access logs of a bucket go inside the region's log bucket: `s3/<bucket>/`. */
export function serverAccessLogPrefix(bucket: string): string {
    return `s3/${bucket}/`;
}

export interface ServerAccessLogBucketArgs {
    /** Days the logs are kept. Default 90. */
    readonly retentionDays?: number;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's bucket for S3 server access logs: every other bucket in the region logs its requests here (the
 * asset bucket, the ALB's access-log bucket). It is the one bucket without server access logs of its own: a
 * bucket logging into itself would log its own log writes without end, and a second log bucket would only move
 * the exception. Private, TLS-only, expiring, writable by the S3 logging service for this account's buckets.
 *
 * Encryption is SSE-S3: a target bucket for server access logs cannot use SSE-KMS (Amazon S3 user guide,
 * "Enabling Amazon S3 server access logging": "the target bucket ... SSE-S3 is supported").
 */
export class ServerAccessLogBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: ServerAccessLogBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:storage:ServerAccessLogBucket", name, {}, opts);
        const p = { parent: this };
        const tags = { ...(args.tags ?? {}), Name: name };
        const account = aws.getCallerIdentityOutput({}, p).accountId;

        const { bucket, publicAccessBlock: pab } = privateBucket(name, { tags }, this);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-server-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays ?? 90 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            p,
        );
        const policy = pulumi.all([bucket.arn, account]).apply(([arn, acct]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    denyInsecureTransport(arn),
                    {
                        // The bucket-policy grant S3 recommends over ACLs, limited to this account's source buckets.
                        Sid: "S3ServerAccessLogsDelivery",
                        Effect: "Allow",
                        Principal: { Service: "logging.s3.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: `${arn}/s3/*`,
                        // This account's SecureCart buckets only (Amazon S3 user guide, "Enabling Amazon S3 server access logging").
                        Condition: { StringEquals: { "aws:SourceAccount": acct }, ArnLike: { "aws:SourceArn": "arn:aws:s3:::securecart-*" } },
                    },
                ],
            }),
        );
        const bucketPolicy = new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy }, { parent: this, dependsOn: [pab] });
        // Consumers wait for the policy, so that the first log deliveries are accepted.
        this.bucketName = pulumi.all([bucket.bucket, bucketPolicy.id]).apply(([b]) => b);
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
