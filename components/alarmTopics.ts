import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministers, servicesEncrypt } from "./keys";
import { ALARM_TOPIC_PREFIX } from "../src/alarms";

/** How urgently an alarm's subscribers hear of it: one topic each. */
export type TopicUrgency = "page" | "notify";

export interface AlarmTopicsArgs {
    /** The region the topics (and their key) live in: the alarms that publish to them must be in the same region. */
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    /**
     * Topic names are `<namePrefix>-page` and `<namePrefix>-notify`. Default `securecart-alarms` (ALARM_TOPIC_PREFIX); a stack that keeps
     * alarms in a region other than its own passes a prefix naming its region, so two stacks never share a topic.
     */
    readonly namePrefix?: string;
    /** Who is told, and of which urgencies. Default none (the alarms still act; nobody is subscribed). */
    readonly subscriptions?: readonly {
        readonly protocol: "email" | "https" | "sms";
        readonly endpoint: string;
        readonly urgencies: readonly TopicUrgency[];
    }[];
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A region's alarm topics (page, notify), encrypted under a key of their own. CloudWatch and EventBridge deliver to an
 * encrypted topic only if the key lets them (SNS developer guide, "Key management", section "Enable compatibility
 * between event sources from AWS services and encrypted topics"; without it alarms deploy cleanly and deliver
 * nothing), and publish only if the topic's policy lets them. A key of their own, not the region's data key: the
 * topics may live outside the stack's region (us-east-1, where Route 53's and the edge's metrics are), where the
 * stack has no data key. The key is protected; the topics hold nothing and are not.
 */
export class AlarmTopics extends pulumi.ComponentResource {
    public readonly topicArns: Readonly<Record<TopicUrgency, pulumi.Output<string>>>;
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: AlarmTopicsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:AlarmTopics", name, {}, opts);
        const p = { parent: this };
        const region = args.region;
        const prefix = args.namePrefix ?? ALARM_TOPIC_PREFIX;
        const account = pulumi.output(args.accountId);
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const topicArnLike = pulumi.interpolate`arn:aws:sns:${region}:${account}:${prefix}-*`;
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                region,
                description: `SecureCart alarm topics (${prefix}) in ${region}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        accountAdministers(account),
                        // CloudWatch honours the source condition (the account's alarms only).
                        servicesEncrypt("CloudWatchAlarmsEncrypt", "cloudwatch.amazonaws.com", { StringEquals: { "aws:SourceAccount": account } }),
                        // EventBridge (GuardDuty findings): SNS does not support source conditions for it in a key
                        // policy, so it is bound to these topics by the encryption context SNS passes.
                        servicesEncrypt("EventBridgeToAlarmTopics", "events.amazonaws.com", {
                            ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": topicArnLike },
                        }),
                    ],
                }),
                tags: tags(`${prefix}-key`),
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-key-alias`, { region, name: `alias/${prefix}`, targetKeyId: key.keyId }, p);
        this.keyArn = key.arn;

        const topics = {} as Record<TopicUrgency, pulumi.Output<string>>;
        for (const urgency of ["page", "notify"] as const) {
            const topicName = `${prefix}-${urgency}`;
            const topic = new aws.sns.Topic(`${name}-${urgency}`, { region, name: topicName, kmsMasterKeyId: key.arn, tags: tags(topicName) }, p);
            // The ARN as SNS forms it from the fixed name (known at a first preview, where the policy pack reads it);
            // the policy and the subscriptions wait for the topic itself.
            const topicArn = pulumi.interpolate`arn:aws:sns:${region}:${account}:${topicName}`;
            const afterTopic = { parent: this, dependsOn: [topic] };
            new aws.sns.TopicPolicy(
                `${name}-${urgency}-policy`,
                {
                    region,
                    arn: topicArn,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "AccountManages",
                                Effect: "Allow",
                                Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
                                Action: [
                                    "sns:GetTopicAttributes",
                                    "sns:SetTopicAttributes",
                                    "sns:Subscribe",
                                    "sns:ListSubscriptionsByTopic",
                                    "sns:Publish",
                                ],
                                Resource: topicArn,
                            },
                            {
                                Sid: "CloudWatchAlarmsPublish",
                                Effect: "Allow",
                                Principal: { Service: "cloudwatch.amazonaws.com" },
                                Action: "sns:Publish",
                                Resource: topicArn,
                                Condition: {
                                    StringEquals: { "aws:SourceAccount": account },
                                    ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:cloudwatch:${region}:${account}:alarm:securecart-*` },
                                },
                            },
                            {
                                Sid: "EventBridgeRulesPublish",
                                Effect: "Allow",
                                Principal: { Service: "events.amazonaws.com" },
                                Action: "sns:Publish",
                                Resource: topicArn,
                                Condition: {
                                    ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:events:${region}:${account}:rule/securecart-*` },
                                },
                            },
                            {
                                Sid: "DenyInsecureTransport",
                                Effect: "Deny",
                                Principal: "*",
                                Action: "sns:Publish",
                                Resource: topicArn,
                                Condition: { Bool: { "aws:SecureTransport": "false" } },
                            },
                        ],
                    }),
                },
                afterTopic,
            );
            (args.subscriptions ?? [])
                .filter((s) => s.urgencies.includes(urgency))
                .forEach(
                    (s, i) =>
                        // An email subscription stays pending until its owner confirms it: the provider records it anyway.
                        new aws.sns.TopicSubscription(
                            `${name}-${urgency}-sub-${i}`,
                            { region, topic: topicArn, protocol: s.protocol, endpoint: s.endpoint },
                            afterTopic,
                        ),
                );
            topics[urgency] = topic.arn;
        }
        this.topicArns = topics;
        this.registerOutputs({ topicArns: topics, keyArn: this.keyArn });
    }
}
