import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PrivateBucketArgs {
    /** A fixed bucket name. Default: the resource name with a random suffix (Pulumi autonaming). */
    readonly bucketName?: pulumi.Input<string>;
    /** Default encryption under this customer-managed key (with an S3 Bucket Key). Default SSE-S3 (AES256). */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /**
     * With `kmsKeyArn`: whether the default encryption uses an S3 Bucket Key. Default true. A Bucket Key changes the
     * encryption context S3 passes to KMS to the bucket's ARN, which a key policy bound to a service's own context
     * (CloudTrail's) no longer matches.
     */
    readonly bucketKeyEnabled?: boolean;
    /**
     * Create the bucket with S3 Object Lock enabled (and so versioned). Default false. Only at creation: the provider
     * replaces a bucket whose `objectLockEnabled` changes, so it is never turned on for an existing bucket here.
     */
    readonly objectLockEnabled?: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * What every SecureCart bucket has, as children of the component that owns it: the bucket (protected, kept on
 * delete), public access blocked, ACLs disabled, and default encryption. The encryption configuration is
 * protected like the bucket: deleting it (a replacement deletes the old one last) resets the encryption.
 * Returns the public access block too: a bucket policy must wait for it.
 */
export function privateBucket(
    name: string,
    args: PrivateBucketArgs,
    parent: pulumi.Resource,
): { readonly bucket: aws.s3.Bucket; readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock } {
    const p = { parent };
    const bucket = new aws.s3.Bucket(
        name,
        {
            ...(args.bucketName !== undefined ? { bucket: args.bucketName } : {}),
            ...(args.objectLockEnabled ? { objectLockEnabled: true } : {}),
            forceDestroy: false,
            tags: args.tags,
        },
        { parent, protect: true, retainOnDelete: true },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-pab`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        p,
    );
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, p);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-sse`,
        {
            bucket: bucket.id,
            rules: [
                args.kmsKeyArn === undefined
                    ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                    : {
                          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                          bucketKeyEnabled: args.bucketKeyEnabled ?? true,
                      },
            ],
        },
        { parent, protect: true },
    );
    return { bucket, publicAccessBlock };
}

/** The statement every bucket policy starts with: nothing over plain HTTP. */
export function denyInsecureTransport(bucketArn: string): Record<string, unknown> {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
