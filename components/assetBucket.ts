import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, privateBucket } from "./privateBucket";
import { serverAccessLogPrefix } from "./serverAccessLogs";

/**
 * The asset bucket's name in a region: fixed (account and region), so that every stack knows every region's
 * bucket without reading another stack, and the distribution's origins are known at preview (an origin whose
 * domain is unknown at preview plans a replacement of the whole distribution: pulumi-aws #5229).
 */
export function assetBucketName(account: string, region: string): string {
    return `securecart-assets-${account}-${region}`;
}

/** A bucket's regional endpoint, the domain of an S3 origin (CloudFront developer guide, "Use an Amazon S3 bucket"). */
export function regionalDomainName(bucket: string, region: string): string {
    return `${bucket}.s3.${region}.amazonaws.com`;
}

/** S3 Replication Time Control's threshold, the only value S3 accepts (Amazon S3 user guide, "Using S3 Replication Time Control"). */
export const RTC_MINUTES = 15;

export interface AssetReplicaTarget {
    readonly region: string;
    readonly bucketName: pulumi.Input<string>;
    /** The destination region's data key (the same multi-Region key's replica there). */
    readonly kmsKeyArn: pulumi.Input<string>;
}

export interface AssetBucketArgs {
    /** The bucket's fixed name (assetBucketName). Required. */
    readonly bucketName: pulumi.Input<string>;
    /** This region. Required: the replication role's KMS conditions name the regions' S3 endpoints. */
    readonly region: string;
    /** The region's data key: objects are encrypted under it (SSE-KMS with an S3 Bucket Key). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The region's server-access-log bucket. Required. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** The distribution allowed to read through Origin Access Control. Default none (no read grant). */
    readonly distributionArn?: pulumi.Input<string>;
    /**
     * The other regions' buckets to replicate into (those that exist: S3 refuses a replication rule whose
     * destination bucket does not exist or is not versioned). Default none.
     */
    readonly replicateTo?: readonly AssetReplicaTarget[];
    /** Storage class of the replicas written into the other regions. Default STANDARD. */
    readonly replicaStorageClass?: string;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A region's static assets: versioned, encrypted under the region's data key, private (public access blocked,
 * ACLs disabled, TLS only), readable only by the edge's distribution through Origin Access Control, logged to
 * the region's server-access-log bucket, and replicated into every other region's bucket.
 *
 * Replication is two-way: every region's stack replicates its own bucket into the others, with Replication Time
 * Control, its metrics, delete markers and replica modification sync. A switchover or a failback changes no
 * rule's direction, and no bucket is replaced or emptied: whichever region takes writes, they reach the others.
 * The bucket is protected and kept on delete.
 */
export class AssetBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    /** The bucket's name once it can receive replicas (versioned): what the other stacks read. */
    public readonly replicaReadyName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: AssetBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:storage:AssetBucket", name, {}, opts);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });

        const { bucket, publicAccessBlock: pab } = privateBucket(
            name,
            { bucketName: args.bucketName, kmsKeyArn: args.kmsKeyArn, tags: tags(name) },
            this,
        );
        // The bucket's settings are protected like the bucket: deleting one of these resources (a replacement
        // deletes the old one last) suspends versioning, stops logging or removes replication.
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
        // Old versions (overwritten or deleted assets) are kept 30 days, long enough to undo a bad publish.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );
        const statements = pulumi.all([bucket.arn, args.distributionArn]).apply(([arn, dist]) => [
            denyInsecureTransport(arn),
            ...(dist
                ? [
                      {
                          Sid: "CloudFrontOacRead",
                          Effect: "Allow",
                          Principal: { Service: "cloudfront.amazonaws.com" },
                          Action: "s3:GetObject",
                          Resource: `${arn}/*`,
                          Condition: { StringEquals: { "AWS:SourceArn": dist } },
                      },
                  ]
                : []),
        ]);
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            { bucket: bucket.id, policy: statements.apply((s) => JSON.stringify({ Version: "2012-10-17", Statement: s })) },
            { parent: this, dependsOn: [pab] },
        );

        const targets = args.replicateTo ?? [];
        if (targets.length) {
            const role = new aws.iam.Role(
                `${name}-replication`,
                {
                    description: "SecureCart asset replication: S3 reads this region's versions and writes the other regions' buckets",
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
                    }),
                    tags: tags(`${name}-replication`),
                },
                p,
            );
            // The documented minimum (Amazon S3 user guide, "Setting up permissions for live replication" and
            // "Replicating encrypted objects"): read the configuration and the versions here, write replicas there,
            // decrypt under this region's key and encrypt under each destination's, each only through S3.
            const dests = pulumi.all(targets.map((t) => pulumi.all([t.bucketName, t.kmsKeyArn])));
            const policy = pulumi.all([bucket.arn, pulumi.output(args.kmsKeyArn), dests]).apply(([arn, key, dests]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "ReadConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: arn },
                        {
                            Sid: "ReadVersions",
                            Effect: "Allow",
                            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                            Resource: `${arn}/*`,
                        },
                        {
                            Sid: "WriteReplicas",
                            Effect: "Allow",
                            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                            Resource: dests.map(([b]) => `arn:aws:s3:::${b}/*`),
                        },
                        {
                            Sid: "DecryptSource",
                            Effect: "Allow",
                            Action: "kms:Decrypt",
                            Resource: key,
                            Condition: {
                                StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` },
                                // With an S3 Bucket Key the encryption context is the bucket's ARN, not the object's.
                                StringLike: { "kms:EncryptionContext:aws:s3:arn": [arn, `${arn}/*`] },
                            },
                        },
                        ...targets.map((t, i) => ({
                            Sid: `EncryptReplicas${i}`,
                            Effect: "Allow",
                            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                            Resource: dests[i][1],
                            Condition: {
                                StringEquals: { "kms:ViaService": `s3.${t.region}.amazonaws.com` },
                                StringLike: { "kms:EncryptionContext:aws:s3:arn": [`arn:aws:s3:::${dests[i][0]}`, `arn:aws:s3:::${dests[i][0]}/*`] },
                            },
                        })),
                    ],
                }),
            );
            const rolePolicy = new aws.iam.RolePolicy(`${name}-replication`, { role: role.id, policy }, p);
            new aws.s3.BucketReplicationConfig(
                `${name}-replication`,
                {
                    bucket: bucket.id,
                    role: role.arn,
                    rules: targets.map((t, i) => ({
                        id: `to-${t.region}`,
                        // Rules with a filter (the current schema) need a priority and an explicit delete-marker setting.
                        priority: i + 1,
                        status: "Enabled",
                        filter: {},
                        deleteMarkerReplication: { status: "Enabled" },
                        sourceSelectionCriteria: {
                            sseKmsEncryptedObjects: { status: "Enabled" },
                            // Two-way: metadata changes made to a replica flow back, so either region may take writes.
                            replicaModifications: { status: "Enabled" },
                        },
                        destination: {
                            bucket: pulumi.interpolate`arn:aws:s3:::${t.bucketName}`,
                            storageClass: args.replicaStorageClass ?? "STANDARD",
                            encryptionConfiguration: { replicaKmsKeyId: t.kmsKeyArn },
                            replicationTime: { status: "Enabled", time: { minutes: RTC_MINUTES } },
                            metrics: { status: "Enabled", eventThreshold: { minutes: RTC_MINUTES } },
                        },
                    })),
                },
                // Replication needs versioning on the source first, and the role's permissions in place.
                { parent: this, protect: true, dependsOn: [versioning, rolePolicy] },
            );
        }

        this.bucketName = bucket.bucket;
        // Ready once versioned: other stacks replicate into it as soon as this stack's output names it, and S3
        // refuses a replication rule into a bucket without versioning.
        this.replicaReadyName = pulumi.all([bucket.bucket, versioning.id]).apply(([b]) => b);
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
