import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface KeysArgs {
    /**
     * ARN of the home stack's multi-Region primary data key. When set, this region gets a replica of it;
     * when undefined (the home stack), the primary multi-Region key is created here. Default undefined.
     */
    readonly primaryDataKeyArn?: pulumi.Input<string>;
    /**
     * The edge's distribution: CloudFront may decrypt with the data key for that distribution only, to read the
     * asset bucket through Origin Access Control. Default none (no CloudFront grant).
     */
    readonly cloudFrontDistributionArn?: pulumi.Input<string>;
    /** Waiting period before a scheduled key deletion, 7-30 days. Default 30. */
    readonly deletionWindowInDays?: number;
    /** Tags applied to every child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's customer-managed keys:
 * - `data`: a multi-Region key (primary in the home stack, a replica elsewhere) for Aurora, DynamoDB,
 *   Secrets Manager, Performance Insights and AWS Backup, so ciphertext copied between regions decrypts
 *   under the same key material. Rotation is set on the primary and shared by its replicas.
 * - `logs`: a regional key that CloudWatch Logs may use for this account's log groups in this region.
 * Both are protected and retained on delete.
 */
export class Keys extends pulumi.ComponentResource {
    public readonly dataKeyArn: pulumi.Output<string>;
    public readonly logsKeyArn: pulumi.Output<string>;

    constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:security:Keys", name, {}, opts);
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const window = args.deletionWindowInDays ?? 30;
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const rootStatement = {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
        };

        // Reads only: CloudFront never writes assets (CloudFront developer guide, "Restrict access to an Amazon S3
        // origin", SSE-KMS), and only on behalf of the edge's own distribution.
        const oacStatement = args.cloudFrontDistributionArn
            ? [
                  {
                      Sid: "CloudFrontOacDecrypt",
                      Effect: "Allow",
                      Principal: { Service: "cloudfront.amazonaws.com" },
                      Action: "kms:Decrypt",
                      Resource: "*",
                      Condition: { StringEquals: { "AWS:SourceArn": args.cloudFrontDistributionArn } },
                  },
              ]
            : [];
        const dataPolicy = pulumi.jsonStringify({ Version: "2012-10-17", Statement: [rootStatement, ...oacStatement] });
        if (args.primaryDataKeyArn === undefined) {
            const key = new aws.kms.Key(
                `${name}-data`,
                {
                    description: "SecureCart data key (multi-Region primary)",
                    multiRegion: true,
                    enableKeyRotation: true,
                    deletionWindowInDays: window,
                    policy: dataPolicy,
                    tags: tags(`${name}-data`),
                },
                keep,
            );
            this.dataKeyArn = key.arn;
        } else {
            const replica = new aws.kms.ReplicaKey(
                `${name}-data`,
                {
                    description: "SecureCart data key (multi-Region replica)",
                    primaryKeyArn: args.primaryDataKeyArn,
                    deletionWindowInDays: window,
                    policy: dataPolicy,
                    tags: tags(`${name}-data`),
                },
                keep,
            );
            this.dataKeyArn = replica.arn;
        }
        new aws.kms.Alias(`${name}-data-alias`, { name: "alias/securecart-data", targetKeyId: this.dataKeyArn }, { parent: this });

        const logsKey = new aws.kms.Key(
            `${name}-logs`,
            {
                description: "SecureCart CloudWatch Logs key (regional)",
                enableKeyRotation: true,
                deletionWindowInDays: window,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        rootStatement,
                        {
                            Sid: "CloudWatchLogsUse",
                            Effect: "Allow",
                            Principal: { Service: pulumi.interpolate`logs.${region}.amazonaws.com` },
                            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                            Resource: "*",
                            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${region}:${account}:*` } },
                        },
                    ],
                }),
                tags: tags(`${name}-logs`),
            },
            keep,
        );
        this.logsKeyArn = logsKey.arn;
        new aws.kms.Alias(`${name}-logs-alias`, { name: "alias/securecart-logs", targetKeyId: logsKey.keyId }, { parent: this });

        this.registerOutputs({ dataKeyArn: this.dataKeyArn, logsKeyArn: this.logsKeyArn });
    }
}
