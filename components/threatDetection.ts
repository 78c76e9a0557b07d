import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DETECTOR_FEATURE_NAMES,
    FINDING_PUBLISHING_FREQUENCIES,
    GUARDDUTY_SEVERITY_RANGE,
    PROJECT_FEATURE_NAMES,
    featureDefaults,
    type DetectorFeatureName,
    type FeatureStatus,
    type FindingPublishingFrequency,
    GUARDDUTY_FINDING_EVENT,
} from "../src/guardDutyFeatures";

/** The findings rule: the same name in every region (EventBridge rules are regional). */
export const FINDINGS_RULE_NAME = "securecart-guardduty-findings";

/**
 * The agent-management settings GuardDuty reports under each runtime feature. GetDetector returns all of them
 * whatever the feature's status (observed on a new detector, go-to-k/cdk-real-drift#1493 and #1752, 2026-07/08;
 * prowler-cloud/prowler#12564), and the provider reads them back into `additionalConfigurations`: one left
 * undeclared would show as a change on every update, and since a configuration's `name` forces replacement in
 * the provider (terraform-provider-aws guardduty/detector_feature.go) the feature would be replaced each time.
 * So each is declared. Names: provider docs (DetectorFeatureAdditionalConfiguration) and the API's
 * DetectorAdditionalConfiguration.
 */
export const AGENT_CONFIGURATIONS = {
    RUNTIME_MONITORING: ["ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT", "EKS_ADDON_MANAGEMENT"],
    EKS_RUNTIME_MONITORING: ["EKS_ADDON_MANAGEMENT"],
} as const satisfies Partial<Record<DetectorFeatureName, readonly string[]>>;

/**
 * The agent settings declared with a runtime feature. The services run on Fargate, where GuardDuty's agent is a
 * sidecar it manages itself (no manual option): Fargate agent management follows the feature, on with it and
 * off with it. The web tier's EC2 agent (deployed through SSM) and EKS's add-on stay off: nothing asked for the
 * first, and there is no EKS.
 */
export function agentConfigurations(feature: DetectorFeatureName, status: FeatureStatus): { name: string; status: FeatureStatus }[] | undefined {
    if (feature === "RUNTIME_MONITORING")
        return AGENT_CONFIGURATIONS.RUNTIME_MONITORING.map((name) => ({
            name,
            status: name === "ECS_FARGATE_AGENT_MANAGEMENT" ? status : "DISABLED",
        }));
    if (feature === "EKS_RUNTIME_MONITORING") return AGENT_CONFIGURATIONS.EKS_RUNTIME_MONITORING.map((name) => ({ name, status: "DISABLED" }));
    return undefined;
}

/**
 * The rule's event pattern: GuardDuty's findings (source and detail-type from the EventBridge events reference,
 * events-ref-guardduty.html) at or above the given severity, by EventBridge's numeric matching.
 */
export function findingsPattern(minimumSeverity: number): Record<string, unknown> {
    return {
        source: [GUARDDUTY_FINDING_EVENT.source],
        "detail-type": [GUARDDUTY_FINDING_EVENT.detailType],
        detail: { severity: [{ numeric: [">=", minimumSeverity] }] },
    };
}

export interface ThreatDetectionArgs {
    /**
     * Status of each protection plan. Must name every plan in FEATURES (a plan left out keeps whatever AWS gave
     * the detector); may also name a plan the provider knows beyond them. RUNTIME_MONITORING and
     * EKS_RUNTIME_MONITORING may not both be ENABLED (GuardDuty refuses both; Runtime Monitoring covers EKS).
     * Default: each plan's FEATURES default.
     */
    readonly features?: Readonly<Record<string, FeatureStatus>>;
    /**
     * How often GuardDuty re-publishes an updated finding to EventBridge. Default FIFTEEN_MINUTES: a finding that
     * keeps recurring reaches the topic within a quarter hour rather than GuardDuty's own default of six hours.
     */
    readonly findingPublishingFrequency?: FindingPublishingFrequency;
    /** Findings at or above this severity (1.0-10.0) go to the topic. Default 4 (Medium, High and Critical; Low findings stay in the console). */
    readonly minimumSeverity?: number;
    /**
     * The alarm topic (SNS, encrypted under a customer key). Required. Its policy is not this component's: it
     * must let events.amazonaws.com publish for this rule (aws:SourceArn = the rule's ARN), and its key must let
     * EventBridge encrypt (components/alarmTopics.ts `EventBridgeToAlarmTopics` does for the alarm topics' key).
     */
    readonly alarmTopicArn: pulumi.Input<string>;
    /** A topic that pages, for findings at or above `pageSeverity`. Default none (every finding only notifies). */
    readonly pageTopicArn?: pulumi.Input<string>;
    /** Findings at or above this severity also page. Default 7 (High and Critical). */
    readonly pageSeverity?: number;
    /**
     * Where the rule's deliveries go once retries are exhausted. Default none (failed deliveries are dropped). The
     * queue's policy must let events.amazonaws.com send for this rule (see the component's doc).
     */
    readonly deadLetterQueueArn?: pulumi.Input<string>;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * GuardDuty in one region (every region, standby included: GuardDuty is per account and region):
 * - the detector, enabled, publishing at `findingPublishingFrequency`; kept on delete (deleting a detector
 *   disables GuardDuty and removes its findings) and never given the deprecated `datasources` block (the API
 *   refuses a request carrying both data sources and features);
 * - one DetectorFeature per declared plan, ENABLED or DISABLED, one after another (each is an UpdateDetector call
 *   on the same detector; GuardDuty refuses one request that names both runtime features, and whether it
 *   tolerates concurrent updates was not found documented);
 * - the rule `securecart-guardduty-findings` on the default bus, GuardDuty findings at or above
 *   `minimumSeverity`, to the alarm topic as one readable line, retried for a day, then into the dead-letter
 *   queue if one is given.
 *
 * The dead-letter queue's policy must hold (an SQS queue has one policy, so this component does not write it):
 * `{ "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage",
 * "Resource": <queue ARN>, "Condition": { "ArnEquals": { "aws:SourceArn": <ruleArn> } } }`, and the queue's key
 * must let events.amazonaws.com `kms:GenerateDataKey` and `kms:Decrypt`.
 *
 * A detector that already exists in the region (enabled by hand or by an organization) makes the create fail:
 * import it instead (`pulumi import aws:guardduty/detector:Detector <name> <detector id>`).
 */
export class ThreatDetection extends pulumi.ComponentResource {
    public readonly detectorId: pulumi.Output<string>;
    public readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: ThreatDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:ThreatDetection", name, {}, opts);
        const p = { parent: this };
        const tagsOf = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const features: Readonly<Record<string, FeatureStatus>> = args.features ?? featureDefaults();
        const frequency = args.findingPublishingFrequency ?? "FIFTEEN_MINUTES";
        const minimumSeverity = args.minimumSeverity ?? 4;

        const problems: string[] = [];
        const missing = PROJECT_FEATURE_NAMES.filter((f) => features[f] === undefined);
        if (missing.length)
            problems.push(
                `features: ${missing.join(", ")} not declared; every plan is declared ENABLED or DISABLED (a new detector enables plans by itself)`,
            );
        for (const [f, s] of Object.entries(features)) {
            if (!(DETECTOR_FEATURE_NAMES as readonly string[]).includes(f))
                problems.push(`features.${f}: not a detector feature (expected one of ${DETECTOR_FEATURE_NAMES.join(", ")})`);
            else if (s !== "ENABLED" && s !== "DISABLED") problems.push(`features.${f}: got "${s}"; expected ENABLED or DISABLED`);
        }
        if (features.RUNTIME_MONITORING === "ENABLED" && features.EKS_RUNTIME_MONITORING === "ENABLED")
            problems.push("features: RUNTIME_MONITORING and EKS_RUNTIME_MONITORING cannot both be ENABLED (Runtime Monitoring already covers EKS)");
        if (!(FINDING_PUBLISHING_FREQUENCIES as readonly string[]).includes(frequency))
            problems.push(`findingPublishingFrequency: got "${frequency}"; expected one of ${FINDING_PUBLISHING_FREQUENCIES.join(", ")}`);
        if (!Number.isFinite(minimumSeverity) || minimumSeverity < GUARDDUTY_SEVERITY_RANGE.min || minimumSeverity > GUARDDUTY_SEVERITY_RANGE.max)
            problems.push(
                `minimumSeverity ${minimumSeverity}: expected ${GUARDDUTY_SEVERITY_RANGE.min}-${GUARDDUTY_SEVERITY_RANGE.max} (Critical findings reach 10.0)`,
            );
        if (problems.length) throw new pulumi.ResourceError(`ThreatDetection ${name}: ${problems.join("; ")}`, this);

        const detector = new aws.guardduty.Detector(
            `${name}-detector`,
            { enable: true, findingPublishingFrequency: frequency, tags: tagsOf("securecart-guardduty") },
            { parent: this, protect: true, retainOnDelete: true },
        );
        this.detectorId = detector.id;

        // The project's plans first, in FEATURES order, then any other the caller named.
        const order = [...PROJECT_FEATURE_NAMES, ...Object.keys(features).filter((f) => !(PROJECT_FEATURE_NAMES as string[]).includes(f))];
        let previous: aws.guardduty.DetectorFeature | undefined;
        for (const f of order as DetectorFeatureName[]) {
            const status = features[f];
            previous = new aws.guardduty.DetectorFeature(
                `${name}-${f.toLowerCase().replace(/_/g, "-")}`,
                { detectorId: detector.id, name: f, status, additionalConfigurations: agentConfigurations(f, status) },
                { parent: this, dependsOn: previous ? [previous] : [] },
            );
        }

        // Every finding at or above the threshold notifies; the high ones page as well (a second rule: one target each).
        const route = (suffix: string, ruleName: string, severity: number, topicArn: pulumi.Input<string>, what: string) => {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-findings${suffix}`,
                {
                    name: ruleName,
                    description: `GuardDuty findings of severity ${severity} or more, to the ${what} topic`,
                    eventPattern: JSON.stringify(findingsPattern(severity)),
                    state: "ENABLED",
                    tags: tagsOf(ruleName),
                },
                p,
            );

            new aws.cloudwatch.EventTarget(
                `${name}-findings${suffix}-target`,
                {
                    rule: rule.name,
                    arn: topicArn,
                    // One line an operator can act on from a phone: what, how bad, where, and the finding's console page.
                    // A plain-text template (not a quoted JSON string), so a title with quotes needs no escaping.
                    inputTransformer: {
                        inputPaths: {
                            severity: "$.detail.severity",
                            type: "$.detail.type",
                            title: "$.detail.title",
                            account: "$.detail.accountId",
                            region: "$.region",
                            id: "$.detail.id",
                        },
                        inputTemplate:
                            "GuardDuty severity <severity> in <account> <region>: <type>: <title> " +
                            "https://<region>.console.aws.amazon.com/guardduty/home?region=<region>#/findings?fId=<id>",
                    },
                    // EventBridge's own ceilings, stated: a finding is worth a day of retries.
                    retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
                    ...(args.deadLetterQueueArn ? { deadLetterConfig: { arn: args.deadLetterQueueArn } } : {}),
                },
                p,
            );
            return rule;
        };
        this.ruleArn = route("", FINDINGS_RULE_NAME, minimumSeverity, args.alarmTopicArn, "alarm").arn;
        if (args.pageTopicArn !== undefined)
            route("-high", `${FINDINGS_RULE_NAME}-high`, Math.max(minimumSeverity, args.pageSeverity ?? 7), args.pageTopicArn, "paging");

        this.registerOutputs({ detectorId: this.detectorId, ruleArn: this.ruleArn });
    }
}
