import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALARM_KIND_TAG, URGENCY_TAG } from "../src/plan";
import { MissingSubject, type AlarmDecl, type AlarmRule, type AlarmSubjects, type MetricRef, alarmRule, servingAlarmName } from "../src/alarms";
import type { OperationsConfig } from "../src/config";
import type { AlarmUrgency } from "../src/strategy";
import type { TopicUrgency } from "./alarmTopics";

export interface TierAlarmsArgs {
    /** This stack's region: the composite "serving" alarm lives here. */
    readonly region: string;
    /** The region's alarms as decided (src/alarms.ts alarmDecls). */
    readonly alarms: readonly AlarmDecl[];
    /** What they watch. */
    readonly subjects: AlarmSubjects;
    /** Thresholds and the serving signal's evaluation (the `operations` config). */
    readonly operations: OperationsConfig;
    /** Region → its alarm topics (every region an alarm lives in must have them). */
    readonly topics: Readonly<Record<string, Readonly<Record<TopicUrgency, pulumi.Input<string>>>>>;
    /** How the composite "serving" alarm reaches people; undefined: no composite (no compute here). */
    readonly servingUrgency?: AlarmUrgency;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * How an alarm reaches people, as settings that change in place: every alarm names a topic (so "each alarm has an
 * action" holds in every role), a quiet one has its actions disabled. A role change thus never replaces an alarm.
 */
export function alarmActions(urgency: AlarmUrgency, topics: Readonly<Record<TopicUrgency, pulumi.Input<string>>>) {
    const topic = urgency === "page" ? topics.page : topics.notify;
    return { actionsEnabled: urgency !== "quiet", alarmActions: [topic], okActions: [topic] };
}

/**
 * The alarms of a region's tiers, and its composite "serving" alarm (any serving signal in ALARM: the region
 * cannot serve). An alarm whose subject does not exist yet (a peer's file system not deployed) is left out with a
 * warning, and comes with the `pulumi up` after.
 */
export class TierAlarms extends pulumi.ComponentResource {
    /** Alarm name → ARN, of every alarm created (the composite included). */
    public readonly alarmArns: Record<string, pulumi.Output<string>> = {};
    /**
     * The serving signals created, with what Route 53 reads of each for the region-serving health check: its
     * evaluation periods, and how a check on it treats no data (as the alarm treats missing data: an idle load
     * balancer's 5xx count is healthy, a target group with no data is not).
     */
    public readonly servingSignals: {
        readonly name: string;
        readonly subject: string;
        readonly alarm: aws.cloudwatch.MetricAlarm;
        readonly evaluationPeriods: number;
        readonly insufficientData: "Healthy" | "Unhealthy";
    }[] = [];
    public readonly servingAlarmArn?: pulumi.Output<string>;

    constructor(name: string, args: TierAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:TierAlarms", name, {}, opts);
        const tags = args.tags ?? {};
        for (const d of args.alarms) {
            const rule = alarmRule(d, args.subjects, args.operations);
            if (rule instanceof MissingSubject) {
                pulumi.log.warn(`alarm ${d.name} is not created yet: ${rule.what} does not exist (the next pulumi up creates it)`, this);
                continue;
            }
            const topics = args.topics[d.region];
            if (!topics) throw new pulumi.ResourceError(`alarm ${d.name} lives in ${d.region}, which has no alarm topics`, this);
            const alarm = new aws.cloudwatch.MetricAlarm(
                `${name}-${d.name.replace(/^securecart-/, "")}`,
                {
                    region: d.region,
                    name: d.name,
                    alarmDescription: d.description,
                    ...ruleArgs(rule),
                    ...alarmActions(d.urgency, topics),
                    tags: { ...tags, Name: d.name, [URGENCY_TAG]: d.urgency, [ALARM_KIND_TAG]: d.kind },
                },
                { parent: this },
            );
            this.alarmArns[d.name] = alarm.arn;
            if (d.serving)
                this.servingSignals.push({
                    name: d.name,
                    subject: d.subject,
                    alarm,
                    evaluationPeriods: rule.evaluationPeriods,
                    insufficientData: rule.treatMissingData === "notBreaching" ? "Healthy" : "Unhealthy",
                });
        }
        if (args.servingUrgency !== undefined && this.servingSignals.length) {
            const composite = servingAlarmName(args.region);
            const topics = args.topics[args.region];
            const c = new aws.cloudwatch.CompositeAlarm(
                `${name}-serving`,
                {
                    region: args.region,
                    alarmName: composite,
                    alarmDescription: `SecureCart ${args.region}: the region cannot serve (a storefront or service has no healthy target, or a load balancer answers 5xx itself)`,
                    // By name: the dependency on each child exists, so a child is never deleted while the rule names it.
                    alarmRule: pulumi.all(this.servingSignals.map((s) => s.alarm.name)).apply((ns) => ns.map((n) => `ALARM("${n}")`).join(" OR ")),
                    ...compositeActions(args.servingUrgency, topics),
                    tags: { ...tags, Name: composite, [URGENCY_TAG]: args.servingUrgency, [ALARM_KIND_TAG]: "regionServing" },
                },
                // A fixed name: a replacement must delete the old alarm first (create-before-delete would overwrite it, then delete it).
                { parent: this, deleteBeforeReplace: true },
            );
            this.servingAlarmArn = c.arn;
            this.alarmArns[composite] = c.arn;
        }
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}

/**
 * A composite alarm's actions: its `actionsEnabled` forces a replacement (terraform-provider-aws
 * cloudwatch/composite_alarm.go, ForceNew), so it stays on and a quiet composite has no actions instead (in place).
 */
export function compositeActions(urgency: AlarmUrgency, topics: Readonly<Record<TopicUrgency, pulumi.Input<string>>>) {
    if (urgency === "quiet") return { actionsEnabled: true, alarmActions: [], okActions: [] };
    return { ...alarmActions(urgency, topics), actionsEnabled: true };
}

/** The MetricAlarm arguments of a rule: one metric, or metric math (every data point of the window must breach). */
function ruleArgs(r: AlarmRule): Partial<aws.cloudwatch.MetricAlarmArgs> {
    const common = {
        evaluationPeriods: r.evaluationPeriods,
        datapointsToAlarm: r.evaluationPeriods,
        threshold: r.threshold,
        comparisonOperator: r.comparison,
        treatMissingData: r.treatMissingData,
    };
    if (r.metric)
        return {
            ...common,
            namespace: r.metric.namespace,
            metricName: r.metric.metricName,
            dimensions: r.metric.dimensions as Record<string, pulumi.Input<string>>,
            statistic: r.metric.stat,
            period: r.periodSeconds,
        };
    const math = r.math as NonNullable<AlarmRule["math"]>;
    const q = (id: string, m: MetricRef) => ({
        id,
        returnData: false,
        metric: {
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: m.dimensions as Record<string, pulumi.Input<string>>,
            stat: m.stat,
            period: r.periodSeconds,
        },
    });
    return {
        ...common,
        metricQueries: [
            { id: "signal", expression: math.expression, label: "signal", returnData: true },
            ...Object.entries(math.metrics).map(([id, m]) => q(id, m)),
        ],
    };
}
