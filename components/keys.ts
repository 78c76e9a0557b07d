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
    /**
     * AWS services that deliver into this account's queues and topics encrypted under the data key (the order
     * pipeline: `sns.amazonaws.com` into the notification queue, `events.amazonaws.com` into the notifications topic
     * and the failure queue). Each may generate data keys and decrypt, only on behalf of this account; without it
     * SNS drops what it cannot encrypt into the queue, silently. Default none.
     */
    readonly messagingServices?: readonly string[];
    /**
     * Let Amazon Cognito encrypt user pools under the data key (a multi-Region key, as a replicated pool needs), for
     * this account only. Default false.
     */
    readonly userPools?: boolean;
    /** Waiting period before a scheduled key deletion, 7-30 days. Default 30. */
    readonly deletionWindowInDays?: number;
    /** Tags applied to every child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The statement every project key policy starts with: the account administers the key through IAM (without it, a key
 * policy locks out everyone but the principals it names).
 */
export function accountAdministers(account: pulumi.Input<string>): Record<string, unknown> {
    return {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * A key-policy statement letting AWS services encrypt to the key and decrypt what they wrote (a queue's or a topic's
 * deliveries: GenerateDataKey and Decrypt, SQS developer guide "Key management"), under `condition`.
 */
export function servicesEncrypt(sid: string, services: string | readonly string[], condition: Record<string, unknown>): Record<string, unknown> {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: services },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: condition,
    };
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
        const rootStatement = accountAdministers(account);

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
        // SQS and SNS encryption with a customer-managed key: the sending service needs GenerateDataKey and Decrypt
        // on the key (SQS developer guide, "Key management": "Enable compatibility between AWS services and
        // encrypted queues"). aws:SourceAccount keeps it to deliveries made for this account.
        const messaging = args.messagingServices?.length
            ? [
                  servicesEncrypt("MessagingServicesEncrypt", [...args.messagingServices].sort(), { StringEquals: { "aws:SourceAccount": account } }),
                  // EventBridge rules publishing to a topic encrypted under this key (the order notifications): SNS
                  // documents that aws:SourceAccount, aws:SourceArn and aws:SourceOrgID in a key policy are not
                  // supported for EventBridge-to-encrypted topics (SNS developer guide, "Key management", read
                  // 2026-12-06), so the statement above does not cover them; this one is bound instead to this
                  // account's topics in this region by the encryption context SNS passes.
                  ...(args.messagingServices.includes("events.amazonaws.com")
                      ? [
                            servicesEncrypt("EventBridgeToEncryptedTopics", "events.amazonaws.com", {
                                ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": pulumi.interpolate`arn:aws:sns:${region}:${account}:*` },
                            }),
                        ]
                      : []),
              ]
            : [];
        const userPools = args.userPools
            ? [
                  {
                      Sid: "CognitoUserPools",
                      Effect: "Allow",
                      Principal: { Service: "cognito-idp.amazonaws.com" },
                      Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                      Resource: "*",
                      Condition: { StringEquals: { "aws:SourceAccount": account } },
                  },
              ]
            : [];
        const dataPolicy = pulumi.jsonStringify({ Version: "2012-10-17", Statement: [rootStatement, ...oacStatement, ...messaging, ...userPools] });
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
