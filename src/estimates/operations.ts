/**
 * The operations tier's share of a stack's monthly cost: the CloudWatch alarms (billed per alarm metric, so a
 * metric-math alarm per metric it reads), the composite "serving" alarms, the dashboards, the alarm topics, the audit
 * trail, GuardDuty and the fault-injection templates (nothing a month unless experiments run; each template's cost
 * per run is given). Pure, from the stack's planned resources (src/plan readers), the price sheet and the constants.
 *
 * What cannot be priced says why: a figure not read on an AWS page, or a volume the plan cannot know (alarm
 * notifications, CloudTrail's log volume, what GuardDuty analyses, traces). The free tiers (10 alarm metrics and 3
 * dashboards per account) are not deducted: they are the account's, and this estimate is per stack.
 */
import { RegionPrices } from "../prices";
import { Constants, cite } from "./constants";
import {
    AlarmBillingFacts,
    ExperimentActionFacts,
    StackView,
    T,
    UNKNOWN,
    alarmBillingOf,
    alarmTopicsOf,
    alarmsOf,
    containerInsightsClustersOf,
    dashboardsOf,
    faultTemplatesOf,
    get,
    ofType,
    regionOf,
    text,
    threatDetectionOf,
    topicKeysOf,
    tracedResourcesOf,
    trailsOf,
} from "../plan";
import type { CostLine } from "./cost";

/** What the operations estimate reads of one stack. */
export interface OperationsFacts {
    readonly stack: string;
    readonly region: string;
    readonly alarms: readonly AlarmBillingFacts[];
    readonly composites: readonly { readonly name: string; readonly region: string }[];
    /** The dashboards' names (global to the account). */
    readonly dashboards: readonly string[];
    /** The SNS topics alarms act on, the region each lives in, its subscriptions and the planned keys it is encrypted under. */
    readonly alarmTopics: readonly {
        readonly name: string;
        readonly region: string;
        readonly subscriptions: number;
        readonly keys: readonly string[];
    }[];
    /** The trails (trailsOf), each with the region it lives in (a single-Region trail records that region's events only). */
    readonly trails: readonly {
        readonly name: string;
        readonly region: string;
        readonly multiRegion: boolean;
        readonly managementEvents: boolean;
        readonly dataEvents: boolean | typeof UNKNOWN;
        readonly insights: boolean;
    }[];
    /** GuardDuty's detector (threatDetectionOf) and its declared plans. */
    readonly detectors: readonly {
        readonly name: string;
        readonly enabled: boolean;
        readonly features: readonly { readonly name: string; readonly status?: string }[];
    }[];
    /** The fault-injection templates (faultTemplatesOf) with each action's duration. */
    readonly experiments: readonly { readonly name: string; readonly actions: readonly ExperimentActionFacts[] }[];
    /** ECS clusters with Container Insights on. */
    readonly containerInsightsClusters: readonly string[];
    /** Functions and state machines that send traces to X-Ray. */
    readonly traced: readonly string[];
    readonly logGroups: number;
}

export function operationsFacts(view: StackView): OperationsFacts {
    const rs = view.resources;
    const regionOfHere = (r: (typeof rs)[number]) => regionOf(r, rs) ?? view.region;
    const gd = threatDetectionOf(rs, view.region);
    return {
        stack: view.stack,
        region: view.region,
        alarms: ofType(rs, T.metricAlarm).map((a) => alarmBillingOf(a, view.region)),
        composites: alarmsOf(rs, view.region)
            .filter((a) => a.composite)
            .map((a) => ({ name: a.name, region: regionOfHere(a.resource) })),
        dashboards: dashboardsOf(rs).map((d) => d.name),
        alarmTopics: alarmTopicsOf(rs, view.region).map((t) => ({
            name: t.name,
            region: t.region ?? view.region,
            subscriptions: t.subscriptions,
            keys: topicKeysOf(t.resource, rs).map((k) => k.name),
        })),
        trails: trailsOf(rs).map((t) => ({
            name: t.name,
            region: regionOfHere(t.resource),
            multiRegion: t.multiRegion,
            managementEvents: t.managementEvents,
            dataEvents: t.dataEvents,
            insights: t.insights,
        })),
        // A plan's status pending (a preview) is shown as not known.
        detectors: gd
            ? [
                  {
                      name: gd.detector.name,
                      enabled: gd.enabled,
                      features: gd.features.map((f) => ({ name: f.name, status: f.status === UNKNOWN ? undefined : f.status })),
                  },
              ]
            : [],
        experiments: faultTemplatesOf(rs).map((t) => ({ name: t.name, actions: t.steps })),
        containerInsightsClusters: containerInsightsClustersOf(rs).map((c) => text(get(c, "name"), c.name)),
        traced: tracedResourcesOf(rs).map((r) => text(get(r, "name"), r.name)),
        logGroups: ofType(rs, T.logGroup).length,
    };
}

/** What one run of a planned experiment template costs (AWS FIS bills action-minutes, not templates). */
export interface ExperimentRun {
    readonly template: string;
    readonly actions: number;
    readonly actionMinutes: number;
    /** null when the sheet has no action-minute price for the region. */
    readonly perRunUsd: number | null;
    readonly basis: string;
}

export interface OperationsCost {
    /** Each planned experiment template's cost per run (the monthly lines multiply it by fisExperimentRunsPerMonth). */
    readonly experimentRuns: readonly ExperimentRun[];
}

/** The line type of the alarm topics' notifications (like "transfer": what is billed is use, not the topics). */
export const ALARM_NOTIFICATIONS = "alarm notifications";

const CLOUDWATCH_PRICING_READ = "https://aws.amazon.com/cloudwatch/pricing/ was read on 2026-12-06, but only its free-tier table was in the text";

/**
 * The operations tier's unpriced items, with the reason, keyed like UNPRICED_USAGE (src/estimates/cost.ts merges
 * them): by resource type where a line without a price carries that type, else by what they are.
 */
export const UNPRICED_OPERATIONS: Readonly<Record<string, string>> = {
    [T.metricAlarm]: `CloudWatch alarms whose metrics are not known yet (a preview) or whose period is under 60 s (high resolution): unknown, because a preview does not show how many metrics the alarm reads, and the sheet holds only the standard-resolution price (${CLOUDWATCH_PRICING_READ}; for high resolution only the AWS Compute Blog's $0.30 per alarm metric in US East (Ohio) was read, not a figure for the sheet's regions: see the sheet's cloudwatchAlarmMonth note)`,
    [T.guardDutyDetector]:
        'GuardDuty: unknown, because its rates were not read on an AWS page (https://aws.amazon.com/guardduty/pricing/ was not in the text read on 2026-12-06; the figures seen, such as $4.00 per million CloudTrail management events and $1.00 per GB of VPC flow logs at the first tier, are from third parties) and the volumes it analyses are not known before it runs (it publishes them hourly as AWS/GuardDuty usage metrics, and its 30-day free trial estimates the cost: GuardDuty user guide, "Monitoring GuardDuty usage and estimating costs")',
    [T.trail]:
        "CloudTrail beyond the free first copy of management events (a further trail's copy, data events, Insights events): unknown, because the account's event volume is not known (the prices are the sheet's cloudtrailManagementEventCopy100k and its note)",
    [ALARM_NOTIFICATIONS]:
        "alarm notifications (publishes to the alarm topics and their deliveries to the subscriptions): unknown, because how many alarm state changes and findings a month is not known, and no AWS page read states SNS's prices (https://aws.amazon.com/sns/pricing/ was not in the text read on 2026-12-06; the $0.50 per million publishes seen is from secondary sources)",
    "cloudtrail-logs":
        "CloudTrail's delivered logs (objects in the trail's bucket, requests under its KMS key, ingestion and storage in its log group): unknown, because how many events the account records is not known; the trail's bucket, key and log group are counted above only at the generic assumptions (s3StorageGbPerBucket, one key-month, logsIngestGbPerMonthPerGroup)",
    "container-insights":
        "Container Insights: unknown, because its price (the metrics and performance log events it sends to CloudWatch) was not read on an AWS page (https://aws.amazon.com/cloudwatch/pricing/ was read on 2026-12-06, but only its free-tier table was in the text), and how many it sends follows the tasks and services running",
    "xray-traces":
        "X-Ray traces (active tracing of the functions and the state machine, and the services' OpenTelemetry collector where tracing is on): unknown, because X-Ray's per-trace prices were not read on an AWS page and the traces recorded follow the requests sampled",
    "logs-storage":
        "CloudWatch Logs storage: unknown, because its per-GB-month price was not read on an AWS page on 2026-12-06 and what is stored follows the ingestion and each log group's retention (the ingestion lines price what goes in)",
};

export interface OperationsLineArgs {
    readonly lines: CostLine[];
    readonly unpriced: string[];
    readonly own: OperationsFacts;
    /** The other stacks' operations facts (the project's dashboards and trails, which the account holds once). */
    readonly peers: readonly OperationsFacts[];
    readonly c: Constants;
    /** The sheet's prices by region (an alarm is billed in the region it lives in). */
    readonly pricesIn: (region: string) => RegionPrices | undefined;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Appends the operations tier's monthly lines and unpriced reasons; returns each experiment template's cost per run. */
export function operationsLines(a: OperationsLineArgs): OperationsCost {
    const { lines, unpriced, own, peers, c, pricesIn } = a;
    const v = c.values;
    const push = (l: Omit<CostLine, "monthlyUsd"> & { monthlyUsd?: number | null }) =>
        lines.push({
            ...l,
            quantity: Math.round(l.quantity * 1e5) / 1e5,
            monthlyUsd: l.monthlyUsd !== undefined ? l.monthlyUsd : l.unitPriceUsd === null ? null : round2(l.quantity * l.unitPriceUsd),
        });
    const reason = (r: string) => {
        if (!unpriced.includes(r)) unpriced.push(r);
    };
    const priceIn = (region: string, key: keyof RegionPrices) => {
        const p = pricesIn(region)?.[key];
        return typeof p === "number" ? p : null;
    };

    // --- metric alarms: per alarm metric, grouped by what they watch and where they live -------------------------
    const groups = new Map<string, AlarmBillingFacts[]>();
    for (const al of own.alarms) {
        const countable = al.metrics !== undefined && !al.highResolution;
        const key = `${countable ? (al.kind ?? "") : "?"}\u0000${al.region}`;
        groups.set(key, [...(groups.get(key) ?? []), al]);
    }
    // In a stable order (kind, region; names sorted): a first preview registers the alarms in another order.
    for (const [key, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        const [kind, region] = key.split("\u0000");
        const names = group.map((x) => x.name).sort();
        if (kind === "?") {
            push({
                item: `CloudWatch alarms not counted (${region})`,
                type: T.metricAlarm,
                quantity: group.length,
                unit: "alarms",
                unitPriceUsd: null,
                basis: `${group.length} alarm(s) whose metrics are not known yet or whose period is under 60 s: ${names.join(", ")}`,
                resources: names,
            });
            reason(UNPRICED_OPERATIONS[T.metricAlarm]);
            continue;
        }
        const metrics = group.reduce((s, x) => s + (x.metrics as number), 0);
        const math = group.filter((x) => x.math);
        const mathMetrics = math.reduce((s, x) => s + (x.metrics as number), 0);
        push({
            item: `CloudWatch alarms: ${kind || "the tiers' own"} (${region})`,
            type: T.metricAlarm,
            quantity: metrics,
            unit: "alarm metric-months",
            unitPriceUsd: priceIn(region, "cloudwatchAlarmMonth"),
            basis: `${group.length} standard-resolution alarm(s) in ${region}${
                math.length
                    ? `, ${math.length} of them metric math reading ${mathMetrics} metric(s) (billed per metric read: an expression over two metrics counts 2)`
                    : ""
            }: ${metrics} alarm metric(s)${kind ? "" : " (health-check backing, dead letters, scheduled functions, the order events' endpoint)"}; the account's 10 free alarm metrics not deducted`,
            resources: names,
        });
    }

    // --- composite alarms, by region ----------------------------------------------------------------------------
    const compositeRegions = [...new Set(own.composites.map((x) => x.region))];
    for (const region of compositeRegions) {
        const names = own.composites.filter((x) => x.region === region).map((x) => x.name);
        push({
            item: `CloudWatch composite alarms (${region})`,
            type: T.compositeAlarm,
            quantity: names.length,
            unit: "composite alarm-months",
            unitPriceUsd: priceIn(region, "cloudwatchCompositeAlarmMonth"),
            basis: `${names.join(", ")}: price NOT CONFIRMED on AWS's page (the sheet's notes); its children are billed above as alarms of their own`,
            resources: names,
        });
    }

    // --- dashboards: global to the account, each billed to the stack that plans it ------------------------------
    if (own.dashboards.length) {
        const total = own.dashboards.length + peers.reduce((s, p) => s + p.dashboards.length, 0);
        push({
            item: "CloudWatch dashboards",
            type: T.dashboard,
            quantity: own.dashboards.length,
            unit: "dashboard-months",
            unitPriceUsd: priceIn(own.region, "cloudwatchDashboardMonth"),
            basis: `${own.dashboards.join(", ")}: global to the account, each billed once, to the stack that plans it; price NOT CONFIRMED on AWS's page (the sheet's notes). The free tier (3 custom dashboards of up to 50 metrics each, per account) is not deducted: this estimate is per stack, and the project plans ${total} dashboard(s) in all, ${total <= 3 ? "which it could cover if the account holds no other dashboard and each stays within 50 metrics" : "more than it covers"}`,
            resources: [...own.dashboards],
        });
    }

    // --- alarm topics: what is published to them is not known ----------------------------------------------------
    const topicRegions = [...new Set(own.alarmTopics.map((t) => t.region))];
    for (const region of topicRegions) {
        const topics = own.alarmTopics.filter((t) => t.region === region);
        const subs = topics.reduce((s, t) => s + t.subscriptions, 0);
        const keys = [...new Set(topics.flatMap((t) => t.keys))];
        push({
            item: `SNS alarm topics (${region})`,
            type: ALARM_NOTIFICATIONS,
            quantity: topics.length,
            unit: "topics",
            unitPriceUsd: null,
            basis: `${topics.map((t) => t.name).join(", ")}: alarm state changes (and GuardDuty findings) are published to them and delivered to ${subs} subscription(s); how many is not known. Their key${keys.length === 1 ? "" : "s"} (${keys.join(", ") || "none planned"}) ${keys.length === 1 ? "is" : "are"} counted in the KMS keys line`,
            resources: topics.map((t) => t.name),
        });
        reason(UNPRICED_OPERATIONS[ALARM_NOTIFICATIONS]);
    }

    // --- the audit trail: the first copy of management events in each region is free ---------------------------
    if (own.trails.length) {
        const project = [own, ...peers];
        const regions = [...new Set(project.map((p) => p.region))];
        const delivering = project.flatMap((p) => p.trails).filter((t) => t.managementEvents);
        // Copies of management events a region receives: every multi-Region trail's, and its own single-Region trails'.
        const copiesIn = (region: string) => delivering.filter((t) => t.multiRegion || t.region === region).length;
        const further = priceIn(own.region, "cloudtrailManagementEventCopy100k");
        for (const t of own.trails) {
            const reached = t.multiRegion ? regions : [t.region];
            const copies = Math.max(...reached.map(copiesIn));
            const free = t.managementEvents && copies <= 1;
            push({
                item: `CloudTrail management events (${t.name})`,
                type: T.trail,
                quantity: 1,
                unit: "trails",
                unitPriceUsd: free ? 0 : null,
                monthlyUsd: free ? 0 : null,
                basis: free
                    ? `${t.multiRegion ? `a multi-Region trail (${reached.join(", ")})` : `a single-Region trail (${t.region})`}, the project's only copy of management events there: the first copy in each region is delivered free (https://aws.amazon.com/cloudtrail/pricing/, read 2026-12-06); a further copy would cost $${further ?? "?"} per 100,000 events`
                    : t.managementEvents
                      ? `${copies} trails of the project deliver management events in ${reached.join(", ")}: every copy after the first is billed per 100,000 events ($${further ?? "?"}), and the volume is not known`
                      : "logs no management events",
                resources: [t.name],
            });
            if (!free && t.managementEvents) reason(UNPRICED_OPERATIONS[T.trail]);
            if (t.dataEvents === true || t.dataEvents === UNKNOWN || t.insights) reason(UNPRICED_OPERATIONS[T.trail]);
        }
        reason(UNPRICED_OPERATIONS["cloudtrail-logs"]);
    }

    // --- GuardDuty: rates not read, volumes not known ------------------------------------------------------------
    for (const d of own.detectors) {
        const on = d.features.filter((f) => f.status === "ENABLED").map((f) => f.name);
        const off = d.features.filter((f) => f.status !== "ENABLED").map((f) => f.name);
        push({
            item: `GuardDuty (${d.name})`,
            type: T.guardDutyDetector,
            quantity: 1,
            unit: "detectors",
            unitPriceUsd: null,
            basis: `${d.enabled ? "enabled" : "suspended"}; plans on: ${on.join(", ") || "none declared"}${off.length ? `; off: ${off.join(", ")}` : ""}. GuardDuty bills what each plan analyses (the foundational CloudTrail management events, VPC flow and DNS logs; S3 data events, runtime-monitored vCPU-hours and so on by plan)`,
            resources: [d.name],
        });
        reason(UNPRICED_OPERATIONS[T.guardDutyDetector]);
    }

    // --- fault-injection templates: nothing a month unless experiments run ---------------------------------------
    const runs: ExperimentRun[] = [];
    const minutePrice = priceIn(own.region, "fisActionMinute");
    for (const t of own.experiments) {
        const timed = t.actions.filter((x) => x.minutes !== undefined);
        const instant = t.actions.filter((x) => x.minutes === undefined);
        const actionMinutes = timed.reduce((s, x) => s + (x.minutes as number), 0) + instant.length * v.fisInstantActionMinutes;
        const perRun = minutePrice === null ? null : round2(actionMinutes * minutePrice);
        const detail = [
            ...timed.map((x) => `${x.name} ${x.minutes} min`),
            ...instant.map((x) => `${x.name} (no duration: ${v.fisInstantActionMinutes} min, fisInstantActionMinutes)`),
        ].join(", ");
        const basis = `${t.actions.length} action(s), ${actionMinutes} action-minute(s) per run (${detail})${perRun === null ? "" : ` = $${perRun.toFixed(2)} per run`} at the action-minute price (https://aws.amazon.com/fis/pricing/, read 2026-12-06; parallel actions each count)`;
        runs.push({ template: t.name, actions: t.actions.length, actionMinutes, perRunUsd: perRun, basis });
        push({
            item: `AWS FIS experiments (${t.name})`,
            type: T.fisExperimentTemplate,
            quantity: v.fisExperimentRunsPerMonth * actionMinutes,
            unit: "action-minutes",
            unitPriceUsd: minutePrice,
            basis: `${cite(c, "fisExperimentRunsPerMonth")} of ${basis}; a template costs nothing until it runs`,
            resources: [t.name],
        });
    }

    // --- what the operations tier sends that no price covers ------------------------------------------------------
    if (own.containerInsightsClusters.length) reason(UNPRICED_OPERATIONS["container-insights"]);
    if (own.traced.length) reason(UNPRICED_OPERATIONS["xray-traces"]);
    if (own.logGroups > 0) reason(UNPRICED_OPERATIONS["logs-storage"]);
    return { experimentRuns: runs };
}
