import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ELB_ACCOUNT_PRINCIPAL_REGIONS } from "../src/awsFacts";
import { denyInsecureTransport, privateBucket } from "./privateBucket";
import { serverAccessLogPrefix } from "./serverAccessLogs";

export interface AccessLogBucketArgs {
    /** Key prefix the load balancer writes under (`<prefix>/AWSLogs/<account>/...`). Default "alb". */
    readonly prefix?: string;
    /** The region's server-access-log bucket: requests to this bucket are logged there. Default none. */
    readonly serverAccessLogBucket?: pulumi.Input<string>;
    /** Days access logs are kept. Default 90. */
    readonly retentionDays?: number;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's bucket for ALB access logs: private (public access blocked, ACLs disabled), TLS-only, expiring,
 * writable by Elastic Load Balancing under one prefix. It exists in every region, whether or not an ALB does,
 * so that a region losing its compute (a demoted backup-restore primary) never deletes logs: the bucket is
 * protected and outlives the load balancer.
 *
 * Encryption is SSE-S3 (AES256): ALB access logs support no other server-side encryption, not SSE-KMS
 * (ELB user guide, "Enable access logs": "The only server-side encryption option that's supported is SSE-S3").
 */
export class AccessLogBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly prefix: string;

    constructor(name: string, args: AccessLogBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:AccessLogBucket", name, {}, opts);
        const p = { parent: this };
        const tags = { ...(args.tags ?? {}), Name: name };
        this.prefix = args.prefix ?? "alb";
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const region = aws.getRegionOutput({}, p).region;

        const { bucket, publicAccessBlock: pab } = privateBucket(name, { tags }, this);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays ?? 90 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            p,
        );
        if (args.serverAccessLogBucket !== undefined) {
            new aws.s3.BucketLogging(
                `${name}-logging`,
                { bucket: bucket.id, targetBucket: args.serverAccessLogBucket, targetPrefix: bucket.bucket.apply(serverAccessLogPrefix) },
                { parent: this, protect: true },
            );
        }
        const prefix = this.prefix;
        const policy = pulumi.all([bucket.arn, account, region]).apply(async ([arn, acct, reg]) => {
            const objects = `${arn}/${prefix}/AWSLogs/${acct}/*`;
            const statements: unknown[] = [
                denyInsecureTransport(arn),
                {
                    Sid: "ElbLogDelivery",
                    Effect: "Allow",
                    Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: objects,
                },
            ];
            // Regions older than August 2022 deliver as the regional ELB account, not the service principal.
            if (ELB_ACCOUNT_PRINCIPAL_REGIONS.includes(reg)) {
                const elb = await aws.elb.getServiceAccount({}, p);
                statements.push({
                    Sid: "ElbAccountLogDelivery",
                    Effect: "Allow",
                    Principal: { AWS: elb.arn },
                    Action: "s3:PutObject",
                    Resource: objects,
                });
            }
            return JSON.stringify({ Version: "2012-10-17", Statement: statements });
        });
        const bucketPolicy = new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy }, { parent: this, dependsOn: [pab] });
        // Consumers (the ALB) wait for the policy: ELB checks it can write when access logs are switched on.
        this.bucketName = pulumi.all([bucket.bucket, bucketPolicy.id]).apply(([b]) => b);
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
