/**
 * Operations: every alarm reaches people through a topic of its own region, the topics alarms and rules publish to are
 * encrypted under a key that lets those services use it, every tier that exists has the alarms the strategy module gives
 * its role (src/strategy.ts planOperations, the same pure function the program uses), and every log group expires, audit
 * logs after a year at the earliest. Facts, sources and traps: docs/operations-design.md.
 */
import { GUARDDUTY_FINDING_EVENT, PROJECT_FEATURE_NAMES } from "../src/guardDutyFeatures";
import { EDGE_METRICS_REGION, type EdgeAlarmKind } from "../src/alarms";
import { AUDIT_LOG_RETENTION_DAYS } from "../src/config";
import {
    ALARM_KIND_TAG,
    type AlarmSubject,
    T,
    UNKNOWN,
    alarmActionsOf,
    alarmWatches,
    alarmTopicsOf,
    alarmUrgencyOf,
    alarmsOf,
    allowsEveryAction,
    arnRegion,
    arr,
    asgCountsOf,
    auditLogGroupsOf,
    dependsOn,
    dimensionNames,
    eventTargetsOf,
    failoverModeOf,
    faultTemplatesOf,
    get,
    handles,
    isAdminManagedPolicy,
    isCacheSecondary,
    instancesOf,
    isCmk,
    isPipelineFunction,
    isSet,
    isUnknown,
    keyPolicyAllows,
    kmsKeyOf,
    label,
    mappedQueueOf,
    nonEmpty,
    num,
    obj,
    ofType,
    output,
    peerFileSystems,
    policyStatements,
    regionOf,
    rolePermissionsOf,
    stackContext,
    stackRegion,
    tableNameOfArn,
    tagsOf,
    text,
    threatDetectionOf,
    trailsOf,
    URGENCY_TAG,
} from "../src/plan";
import type { PlanResource } from "../src/plan/resource";
import { type AlarmKind, type OperationsPlan, planCache, planFiles, planOperations } from "../src/strategy";
import { type KnownContext, StackPolicy, configOf, factsSchema, requireContext, who } from "./lib";

// ---------------------------------------------------------------------------------------------------------
// Alarm actions
// ---------------------------------------------------------------------------------------------------------

export const alarmHasAction: StackPolicy = {
    name: "aws-alarm-has-action",
    description:
        "Every CloudWatch metric and composite alarm names at least one SNS topic of its own region in alarmActions (a planned topic, or an SNS topic ARN); a quiet metric alarm (actionsEnabled false) names one too, so a role change only switches its actions on, in place; a composite alarm keeps actionsEnabled true (the provider replaces a composite whose actionsEnabled changes), so a quiet composite names no action instead; and an alarm tagged with an urgency (securecart:urgency) says the same with its actions: silent exactly when that urgency is quiet, else naming its region's page or notify topic as tagged.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give the alarm alarmActions [<the page or notify topic of the alarm's region>] (components/tierAlarms.ts alarmActions and compositeActions; components/alarmTopics.ts builds a region's pair, one pair in us-east-1 for a stack's alarms that must live there). CloudWatch refuses an action naming another region's topic at creation (\"Invalid region … specified\"). A quiet metric alarm keeps its topic and sets actionsEnabled false; a quiet composite keeps actionsEnabled true and names no action; an alarm that pages or notifies has its actions on.",
    validateStack: (args, report) => {
        const rs = args.resources;
        const home = stackRegion(rs);
        const topics = alarmTopicsOf(rs, home);
        for (const alarm of alarmsOf(rs, home)) {
            const a = alarm.resource;
            const u = alarmUrgencyOf(alarm, topics);
            if (alarm.composite && alarm.quiet)
                report(
                    `${label(a)} must keep actionsEnabled true: the provider replaces a composite alarm whose actionsEnabled changes (terraform-provider-aws composite_alarm.go, ForceNew), so a role change would delete and recreate it; a quiet composite names no action instead.`,
                    a.urn,
                );
            const region = regionOf(a, rs);
            const actions = alarmActionsOf(a, rs, "alarmActions", home);
            if (actions !== UNKNOWN && !(alarm.composite && u.tagged === "quiet")) {
                const named = actions.filter((x) => x.sns);
                const here = named.filter((x) => x.region === undefined || region === undefined || x.region === region);
                const pending = actions.some((x) => isUnknown(x.arn) && !x.sns);
                if (here.length === 0 && !pending) {
                    if (named.length > 0)
                        report(
                            `${label(a)} lives in ${region} and must notify an SNS topic of that region (CloudWatch publishes only to its own region's topics); it names ${named.map((x) => `${text(x.arn, x.topic ? label(x.topic) : "")} in ${x.region}`).join(", ")}.`,
                            a.urn,
                        );
                    else
                        report(
                            `${label(a)} must name an SNS topic in alarmActions, so its state change reaches someone; it names ${actions.length ? actions.map((x) => text(x.arn)).join(", ") : "none"}.`,
                            a.urn,
                        );
                }
            }
            // Its tag and its actions tell the same urgency.
            const said = u.fromActions;
            if (typeof u.tagged !== "string" || said === undefined || said === UNKNOWN || said === u.tagged) continue;
            if (u.tagged === "quiet")
                report(
                    alarm.composite
                        ? `${label(a)} is quiet (${URGENCY_TAG} quiet) and must name no action (a composite keeps its actions on): it would ${said === "page" ? "page" : "notify"} about an idle region all the time.`
                        : `${label(a)} is quiet (${URGENCY_TAG} quiet) and must have its actions off (actionsEnabled false): a quiet alarm idles in ALARM or without data, and would ${said === "page" ? "page" : "notify"} all the time.`,
                    a.urn,
                );
            else if (said === "quiet")
                report(
                    `${label(a)} ${u.tagged === "page" ? "pages" : "notifies"} (${URGENCY_TAG} ${u.tagged}) and must have its actions on, naming its region's ${u.tagged} topic; ${alarm.quiet ? "actionsEnabled is false" : "it names no action"}.`,
                    a.urn,
                );
            else
                report(
                    `${label(a)} ${u.tagged === "page" ? "pages" : "notifies"} (${URGENCY_TAG} ${u.tagged}) and must name its region's ${u.tagged} topic; it names the ${said} topic.`,
                    a.urn,
                );
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// The topics alarms and rules publish to, and their keys
// ---------------------------------------------------------------------------------------------------------

/** What the key of a topic a service publishes to must let that service do (SNS developer guide, "Key management"). */
const PUBLISH_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/**
 * The source conditions SNS does not support in a key policy for EventBridge-to-encrypted-topic delivery (SNS developer
 * guide, "Key management"; docs/operations-design.md §3): a statement that tests one of them lets EventBridge nothing.
 */
const EVENTBRIDGE_UNSUPPORTED_CONDITIONS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID"];

export const alarmTopicsEncrypted: StackPolicy = {
    name: "aws-alarm-topics-encrypted",
    description:
        "Every SNS topic an alarm notifies (alarmActions or okActions) or an EventBridge rule targets is encrypted under a customer-managed KMS key the stack plans, in the topic's region, whose key policy lets the publishing service use it: cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt for alarms, events.amazonaws.com the same without aws:SourceAccount, aws:SourceArn or aws:SourceOrgID conditions for rules (SNS does not support them there); without it the alarms deploy and deliver nothing.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Encrypt the topic with kmsMasterKeyId <a key of the topic\'s region> (components/alarmTopics.ts gives the alarm topics a key of their own) whose policy has a statement { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*" } (an aws:SourceAccount condition is honoured for CloudWatch), and, where an EventBridge rule targets the topic, the same for events.amazonaws.com bound by kms:EncryptionContext:aws:sns:topicArn instead of source conditions. An AWS-managed alias/aws/sns key cannot be given either statement.',
    validateStack: (args, report) => {
        const rs = args.resources;
        const alarms = ofType(rs, T.metricAlarm, T.compositeAlarm);
        const notifies = (a: PlanResource, topic: PlanResource) =>
            (["alarmActions", "okActions"] as const).some((k) => {
                const acts = alarmActionsOf(a, rs, k);
                return acts !== UNKNOWN && acts.some((x) => x.topic === topic);
            });
        for (const topic of ofType(rs, T.snsTopic)) {
            const byAlarms = alarms.filter((a) => notifies(a, topic));
            const byRules = eventTargetsOf(topic, rs);
            if (byAlarms.length === 0 && byRules.length === 0) continue;
            const from = [
                ...(byAlarms.length ? [`${byAlarms.length} alarm(s) (e.g. ${label(byAlarms[0])})`] : []),
                ...(byRules.length ? [`EventBridge (${label(byRules[0])})`] : []),
            ].join(" and ");
            const ref = get(topic, "kmsMasterKeyId");
            if (!isCmk(ref)) {
                report(
                    `${label(topic)} receives ${from} and must be encrypted under a customer-managed KMS key whose policy lets the publisher use it; ${nonEmpty(ref) ? `it uses the AWS-managed ${ref}, whose policy cannot` : "it is not encrypted"}.`,
                    topic.urn,
                );
                continue;
            }
            const key = kmsKeyOf(topic, "kmsMasterKeyId", rs);
            if (key === UNKNOWN) continue;
            if (key === undefined) {
                report(
                    `${label(topic)} receives ${from} and must be encrypted under a key this stack plans, so that its policy is known to let the publisher use it; it names ${text(ref)}.`,
                    topic.urn,
                );
                continue;
            }
            const topicRegion = regionOf(topic, rs);
            const keyRegion = regionOf(key, rs);
            if (topicRegion && keyRegion && topicRegion !== keyRegion)
                report(
                    `${label(topic)} in ${topicRegion} must be encrypted under a key of its own region; ${label(key)} is in ${keyRegion}.`,
                    topic.urn,
                );
            if (byAlarms.length && keyPolicyAllows(key, "cloudwatch.amazonaws.com", PUBLISH_ACTIONS) === false)
                report(
                    `${label(topic)} receives ${from}, so ${label(key)}'s policy must let cloudwatch.amazonaws.com ${PUBLISH_ACTIONS.join(" and ")}; it does not, and the alarms would deliver nothing.`,
                    topic.urn,
                );
            if (byRules.length && keyPolicyAllows(key, "events.amazonaws.com", PUBLISH_ACTIONS, EVENTBRIDGE_UNSUPPORTED_CONDITIONS) === false)
                report(
                    `${label(topic)} receives ${from}, so ${label(key)}'s policy must let events.amazonaws.com ${PUBLISH_ACTIONS.join(" and ")} in a statement without ${EVENTBRIDGE_UNSUPPORTED_CONDITIONS.join(", ")} conditions (SNS does not support them for EventBridge); it does not, and the rule's events would not be delivered.`,
                    topic.urn,
                );
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// Every tier that exists has its alarms
// ---------------------------------------------------------------------------------------------------------

/** One alarm a tier must have: its kind (the securecart:alarm tag), the metrics it reads and the dimension naming the subject. */
interface TierAlarm {
    readonly kind: AlarmKind | EdgeAlarmKind;
    /** What it is about, for messages. */
    readonly what: string;
    /** Every one of these metrics must be read by an alarm of the kind about each subject. */
    readonly metrics: readonly (readonly [namespace: string, metricName: string])[];
    /** The subjects: the planned resources it watches (none: account-wide, one alarm in the stack's region). */
    readonly subjects: (rs: readonly PlanResource[], ctx: KnownContext) => readonly PlanResource[];
    /** The dimension naming a subject, and what names it there (default: its ARN, name, id and the like). */
    readonly dimension?: string;
    readonly names?: (subject: PlanResource) => (value: string) => boolean;
    /** Where the metric is published (default: the subject's region). */
    readonly region?: string;
}

/** A count that is unknown during preview counts as none: nothing is demanded of it. */
const known = (n: number | undefined) => n ?? 0;

const TIER_ALARMS: readonly TierAlarm[] = [
    {
        kind: "albErrors",
        what: "its targets' 5xx",
        metrics: [["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"]],
        subjects: (rs) => ofType(rs, T.loadBalancer),
        dimension: "LoadBalancer",
        names: (lb) => dimensionNames(lb, "arnSuffix"),
    },
    {
        kind: "asgBelowDesired",
        what: "in-service instances below desired",
        metrics: [
            ["AWS/AutoScaling", "GroupInServiceInstances"],
            ["AWS/AutoScaling", "GroupDesiredCapacity"],
        ],
        subjects: (rs) => ofType(rs, T.asg).filter((g) => known(asgCountsOf(g).desired) > 0),
        dimension: "AutoScalingGroupName",
    },
    {
        kind: "servicesBelowDesired",
        what: "running tasks below desired",
        metrics: [
            ["ECS/ContainerInsights", "RunningTaskCount"],
            ["ECS/ContainerInsights", "DesiredTaskCount"],
        ],
        subjects: (rs) => ofType(rs, T.ecsService).filter((s) => known(num(get(s, "desiredCount"))) > 0),
        dimension: "ServiceName",
    },
    {
        kind: "auroraLoad",
        what: "CPU and freeable memory",
        metrics: [
            ["AWS/RDS", "CPUUtilization"],
            ["AWS/RDS", "FreeableMemory"],
        ],
        // The cluster that takes the load: the one with the most instances (a backup-restore region may also keep
        // superseded tiers, with fewer).
        subjects: (rs) => {
            const withInstances = ofType(rs, T.rdsCluster)
                .map((c) => ({ c, n: instancesOf(c, rs).length }))
                .filter((x) => x.n > 0)
                .sort((a, b) => b.n - a.n);
            return withInstances.length ? [withInstances[0].c] : [];
        },
        dimension: "DBClusterIdentifier",
        names: (c) => dimensionNames(c, "clusterIdentifier"),
    },
    {
        kind: "auroraReplicationLag",
        what: "global database replication lag into this region",
        metrics: [["AWS/RDS", "AuroraGlobalDBRPOLag"]],
        subjects: (rs) => ofType(rs, T.rdsCluster).filter((c) => isSet(get(c, "globalClusterIdentifier"))),
        dimension: "DBClusterIdentifier",
        names: (c) => dimensionNames(c, "clusterIdentifier"),
    },
    {
        kind: "dynamoThrottles",
        what: "throttled reads and writes",
        metrics: [
            ["AWS/DynamoDB", "ReadThrottleEvents"],
            ["AWS/DynamoDB", "WriteThrottleEvents"],
        ],
        subjects: (rs) => [...ofType(rs, T.table), ...ofType(rs, T.tableReplica)],
        dimension: "TableName",
        // A replica is named by its table's name, the end of its global table's ARN.
        names: (t) => {
            const base = dimensionNames(t);
            const arn = get(t, "globalTableArn");
            const table = nonEmpty(arn) ? tableNameOfArn(arn) : undefined;
            // Pending in a first preview: any table name may be its.
            return (v) => base(v) || v === table || isUnknown(arn);
        },
    },
    {
        kind: "backupJobsFailed",
        what: "failed backup jobs",
        metrics: [["AWS/Backup", "NumberOfBackupJobsFailed"]],
        subjects: () => [],
    },
    {
        kind: "queueAge",
        what: "the age of the oldest message",
        metrics: [["AWS/SQS", "ApproximateAgeOfOldestMessage"]],
        // The queues consumers read: their age tells that the consumers are behind or off.
        subjects: (rs) => [
            ...new Set(
                ofType(rs, T.eventSourceMapping)
                    .map((m) => mappedQueueOf(m, rs))
                    .filter((q): q is PlanResource => q !== undefined),
            ),
        ],
        dimension: "QueueName",
    },
    {
        kind: "functionErrors",
        what: "errors",
        metrics: [["AWS/Lambda", "Errors"]],
        subjects: (rs) => ofType(rs, T.lambdaFunction).filter(isPipelineFunction),
        dimension: "FunctionName",
    },
    {
        kind: "sagaFailures",
        what: "failed executions",
        metrics: [["AWS/States", "ExecutionsFailed"]],
        subjects: (rs) => ofType(rs, T.stateMachine),
        dimension: "StateMachineArn",
    },
    {
        kind: "cacheLoad",
        what: "engine CPU and memory",
        metrics: [
            ["AWS/ElastiCache", "EngineCPUUtilization"],
            ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage"],
        ],
        subjects: (rs) => ofType(rs, T.cacheReplicationGroup),
        dimension: "CacheClusterId",
        names: cacheNodeNames,
    },
    {
        kind: "cacheReplicationLag",
        what: "Global Datastore replication lag into this region",
        metrics: [["AWS/ElastiCache", "GlobalDatastoreReplicationLag"]],
        subjects: (rs) => ofType(rs, T.cacheReplicationGroup).filter(isCacheSecondary),
        dimension: "CacheClusterId",
        names: cacheNodeNames,
    },
    {
        kind: "filesSyncAge",
        what: "time since the last replication sync",
        metrics: [["AWS/EFS", "TimeSinceLastSync"]],
        // Its source is the replicating region's file system: before that one exists (a first deployment) the alarm cannot be made.
        subjects: (rs, ctx) => (peerFileSystems(rs).some((p) => p.region !== ctx.region) ? ofType(rs, T.fileSystem) : []),
        dimension: "DestinationFileSystemId",
        names: (f) => dimensionNames(f, "fileSystemId"),
    },
    {
        kind: "filesIo",
        what: "I/O limit",
        metrics: [["AWS/EFS", "PercentIOLimit"]],
        subjects: (rs) => ofType(rs, T.fileSystem),
        dimension: "FileSystemId",
        names: (f) => dimensionNames(f, "fileSystemId"),
    },
    {
        kind: "apiErrors",
        what: "5xx answers",
        metrics: [["AWS/ApiGateway", "5xx"]],
        subjects: (rs) => ofType(rs, T.httpApi),
        dimension: "ApiId",
    },
    {
        kind: "edgeErrors",
        what: "5xx error rate",
        metrics: [["AWS/CloudFront", "5xxErrorRate"]],
        subjects: (rs) => ofType(rs, T.cloudfrontDistribution),
        dimension: "DistributionId",
        region: EDGE_METRICS_REGION,
    },
    {
        kind: "wafBlocked",
        what: "blocked requests",
        metrics: [["AWS/WAFV2", "BlockedRequests"]],
        subjects: (rs) => ofType(rs, T.webAcl).filter((a) => get(a, "scope") === "CLOUDFRONT"),
        dimension: "WebACL",
        names: (a) => dimensionNames(a, "visibilityConfig.metricName"),
        region: EDGE_METRICS_REGION,
    },
];

/** A cache replication group's nodes are its members `<replicationGroupId>-00n`, each a CacheClusterId. */
function cacheNodeNames(g: PlanResource): (value: string) => boolean {
    const ids = [get(g, "replicationGroupId"), output(g, "replicationGroupId"), output(g, "id")].filter(nonEmpty);
    return (v) => ids.some((id) => new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d{3}$`).test(v));
}

/**
 * The strategy module's rule (planOperations) applied to what the stack plans: the role's row (whether it serves, its
 * consumers, its cache and files roles under the stack's failover mode), with the counts and tiers the planned resources
 * show (instances and tasks desired, Aurora instances, tables, the API, the pipeline, backup plans). A tier a component
 * forgot an alarm for, or one that exists where the row has none (a recovery tier), is then held to the rule.
 */
function operationsOfPlanned(ctx: KnownContext, rs: readonly PlanResource[]): OperationsPlan {
    const row = ctx.plan;
    const mode = failoverModeOf(rs);
    const primary = ctx.role === "primary";
    const asgs = ofType(rs, T.asg);
    const services = ofType(rs, T.ecsService);
    const desired = (n: number | undefined) => ({ min: 0, max: known(n), desired: known(n) });
    return planOperations({
        ...row,
        computeExists: asgs.length > 0 || services.length > 0 || ofType(rs, T.loadBalancer).length > 0,
        web: desired(Math.max(0, ...asgs.map((g) => known(asgCountsOf(g).desired)))),
        services: Object.fromEntries(services.map((s) => [text(get(s, "name"), s.name), desired(num(get(s, "desiredCount")))])),
        aurora: { ...row.aurora, instances: ofType(rs, T.clusterInstance).length },
        dynamo: { ...row.dynamo, shape: ofType(rs, T.table).length ? "table" : ofType(rs, T.tableReplica).length ? "replica" : "none" },
        api: { ...row.api, exists: ofType(rs, T.httpApi).length > 0 },
        pipeline: { ...row.pipeline, exists: ofType(rs, T.stateMachine).length > 0 },
        backup: { runsPlan: ofType(rs, T.backupPlan).length > 0 },
        cache: planCache(ctx.strategy, primary, ctx.isHome === true, mode),
        files: planFiles(ctx.strategy, primary, mode),
    });
}

const tierSchema = factsSchema();

export const tierAlarmsExist: StackPolicy = {
    name: "dr-tier-alarms-exist",
    description:
        "Every tier that exists in the stack has the alarms the strategy module gives the stack's role (planOperations, applied to what the stack plans): each is a metric alarm tagged securecart:alarm with its kind, reading the tier's metrics about that very resource, in the region the metric is published in (the load balancers' target 5xx; ASG and ECS services below desired where something is desired, so never a pilot-light standby's; Aurora load where it has instances, and replication lag on a secondary; DynamoDB throttles per table or replica; failed backup and copy jobs where a plan runs; queue age, function errors and failed sagas of the order pipeline; cache load, and replication lag on a secondary; files I/O, and sync age into a replication destination; API 5xx; the edge's 5xx rate and WAF blocks in us-east-1), and, where compute exists, a composite serving alarm naming every serving signal.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition build the alarms from the plan (src/alarms.ts alarmDecls from src/strategy.ts planOperations, components/tierAlarms.ts): a component that adds a tier adds its kind there. An alarm is recognised by its securecart:alarm tag and the metric it reads about the resource (a dimension naming it), not by its name.",
    configSchema: tierSchema,
    validateStack: (args, report) => {
        const facts = configOf<{ regions: string[]; primaryRegion: string }>(tierSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const rs = args.resources;
        const ops = operationsOfPlanned(ctx, rs);
        const alarms = ofType(rs, T.metricAlarm);
        const ofKind = (kind: string) => alarms.filter((a) => tagsOf(a)[ALARM_KIND_TAG] === kind);

        const required = (t: TierAlarm) =>
            t.kind === "edgeErrors" || t.kind === "wafBlocked" ? ops.edgeAlarms : ops.alarms[t.kind as AlarmKind] !== undefined;
        for (const t of TIER_ALARMS) {
            if (!required(t)) continue;
            const mine = ofKind(t.kind);
            const urgency = t.kind === "edgeErrors" || t.kind === "wafBlocked" ? "" : ` (${ops.alarms[t.kind as AlarmKind]})`;
            const subjects = t.subjects(rs, ctx);
            const metrics = [...t.metrics];
            // A plan whose rules copy recovery points out also watches its copy jobs.
            if (t.kind === "backupJobsFailed" && ofType(rs, T.backupPlan).some(copies)) metrics.push(["AWS/Backup", "NumberOfCopyJobsFailed"]);
            const checks: Array<{ subject?: PlanResource; where: string | undefined }> =
                t.dimension === undefined
                    ? ofType(rs, T.backupPlan).length
                        ? [{ where: ctx.region }]
                        : []
                    : subjects.map((s) => ({ subject: s, where: t.region ?? regionOf(s, rs) }));
            for (const { subject, where } of checks) {
                const about: AlarmSubject | undefined =
                    subject && t.dimension
                        ? { resource: subject, dimension: t.dimension, names: (t.names ?? ((s) => dimensionNames(s)))(subject) }
                        : undefined;
                const target = subject ? ` about ${label(subject)}` : "";
                const missing: string[] = [];
                for (const [ns, metric] of metrics) {
                    const watching = mine.filter((a) => alarmWatches(a, ns, metric, about));
                    if (watching.length === 0) missing.push(`${ns} ${metric}`);
                    else if (where && !watching.some((a) => [undefined, where].includes(regionOf(a, rs))))
                        report(
                            `${label(watching[0])} must live in ${where}, where ${ns} ${metric}${target} is published (an alarm reads only its own region's metrics); it lives in ${regionOf(watching[0], rs)}.`,
                            watching[0].urn,
                        );
                }
                if (missing.length)
                    report(
                        `${who(ctx, true)} must have its ${t.kind}${urgency} alarm${target} (${t.what}): a MetricAlarm tagged ${ALARM_KIND_TAG} ${t.kind} reading ${metrics.map(([ns, m]) => `${ns} ${m}`).join(" and ")}${t.dimension && subject ? ` with ${t.dimension} naming it` : ""}; ${mine.length ? `its ${t.kind} alarms read no ${missing.join(" and no ")}${target}` : `it has no ${t.kind} alarm`}.`,
                        subject?.urn,
                    );
            }
        }

        // The composite "serving" alarm, where compute exists: it rolls the serving signals up for paging and drills.
        if (ops.alarms.regionServing !== undefined) {
            const composites = ofType(rs, T.compositeAlarm).filter((c) => tagsOf(c)[ALARM_KIND_TAG] === "regionServing");
            const signals = ofKind("regionServing");
            if (composites.length === 0)
                report(
                    `${who(ctx, true)} must have its composite serving alarm (${ops.alarms.regionServing}): a CompositeAlarm tagged ${ALARM_KIND_TAG} regionServing over its serving signals; it has none.`,
                );
            for (const c of composites) {
                const rule = get(c, "alarmRule");
                const missing = signals.filter((s) => {
                    if (dependsOn(c, "alarmRule", s)) return false;
                    const name = get(s, "name");
                    return !isUnknown(rule) && !(nonEmpty(rule) && nonEmpty(name) && rule.includes(`"${name}"`));
                });
                if (missing.length)
                    report(
                        `${label(c)} must name every serving signal of the region in its alarmRule; it leaves out ${missing.map(label).join(", ")}.`,
                        c.urn,
                    );
            }
        }
    },
};

/** Whether some rule of a backup plan copies its recovery points to another vault; unknown rules count as copying. */
function copies(plan: PlanResource): boolean {
    const rules = get(plan, "rules");
    return isUnknown(rules) || arr(rules).some((r) => arr(obj(r).copyActions).length > 0);
}

// ---------------------------------------------------------------------------------------------------------
// Log retention
// ---------------------------------------------------------------------------------------------------------

const retentionSchema = {
    properties: {
        minAuditRetentionDays: {
            type: "integer" as const,
            minimum: 1,
            default: AUDIT_LOG_RETENTION_DAYS,
            description:
                "The fewest days an audit log group (flow logs, the API's access logs, the trail's, the edge's WAF and CloudFront logs) keeps its events: PCI DSS v4.0 10.5.1 asks for twelve months (securecart:auditLogRetentionDays sets the program's).",
        },
    },
};

export const logGroupRetention: StackPolicy = {
    name: "aws-log-group-retention",
    description:
        "Every CloudWatch log group expires its events (retentionInDays above 0; unset or 0 keeps them forever, billed forever), and an audit log group (one that VPC flow logs, the API's access logs, the trail or the edge's WAF and CloudFront logs write to, or named aws-waf-logs-*) keeps them at least minAuditRetentionDays (365: PCI DSS v4.0 10.5.1 keeps audit log history twelve months).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set retentionInDays on every aws.cloudwatch.LogGroup to a value CloudWatch Logs accepts (src/config.ts LOG_RETENTION_DAYS); for the audit logs take securecart:auditLogRetentionDays (default 365) rather than a tier's own shorter value. Changing a retention is an in-place update.",
    configSchema: retentionSchema,
    validateStack: (args, report) => {
        const { minAuditRetentionDays } = configOf<{ minAuditRetentionDays: number }>(retentionSchema, args.getConfig());
        const rs = args.resources;
        const audit = auditLogGroupsOf(rs);
        for (const g of ofType(rs, T.logGroup)) {
            const v = get(g, "retentionInDays");
            if (isUnknown(v)) continue;
            const days = num(v);
            if (days === undefined || days <= 0) {
                report(
                    `${label(g)} must expire its events (retentionInDays above 0); ${v === undefined || v === null ? "unset" : `${text(v)}`}, CloudWatch Logs keeps them forever.`,
                    g.urn,
                );
                continue;
            }
            const why = audit.get(g);
            if (why !== undefined && days < minAuditRetentionDays)
                report(
                    `${label(g)} receives ${why}, an audit log, and must keep it at least ${minAuditRetentionDays} days (PCI DSS v4.0 10.5.1: twelve months); it keeps ${days}.`,
                    g.urn,
                );
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// The audit trail, threat detection, fault injection
// ---------------------------------------------------------------------------------------------------------

const trailSchema = factsSchema({
    minLockRetentionDays: {
        type: "integer",
        minimum: 1,
        default: AUDIT_LOG_RETENTION_DAYS,
        description:
            "The fewest days the trail bucket's default Object Lock retention keeps each log file (PCI DSS v4.0 10.5.1: twelve months; securecart:auditLogRetentionDays sets the program's).",
    },
});
interface TrailConfig {
    regions: string[];
    primaryRegion: string;
    minLockRetentionDays: number;
}

export const cloudtrailBaseline: StackPolicy = {
    name: "aws-cloudtrail-baseline",
    description:
        "The home stack has one multi-Region CloudTrail trail (isMultiRegionTrail) that records global service events (includeGlobalServiceEvents, the default), validates its log files (enableLogFileValidation), is logging, encrypts under a customer-managed KMS key whose policy lets cloudtrail.amazonaws.com kms:GenerateDataKey*, and delivers to CloudWatch Logs (cloudWatchLogsGroupArn naming a planned log group, with :*, and a cloudWatchLogsRoleArn); its bucket is versioned, has Object Lock (on the bucket, and a default retention of at least minLockRetentionDays) and a policy that denies every request not using TLS. Other stacks are not checked: the trail is the home stack's.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Build the trail with components/auditTrail.ts: aws.cloudtrail.Trail { isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableLogFileValidation: true, kmsKeyId: <its key>, cloudWatchLogsGroupArn: `${group.arn}:*`, cloudWatchLogsRoleArn }; the bucket created with objectLockEnabled true, an aws.s3.BucketVersioning Enabled, an aws.s3.BucketObjectLockConfiguration with a default retention, and a bucket policy with a Deny for "*" on s3:* when aws:SecureTransport is "false". The key\'s policy lets cloudtrail.amazonaws.com kms:GenerateDataKey* (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail"); without it CloudTrail delivers nothing.',
    configSchema: trailSchema,
    validateStack: (args, report) => {
        const c = configOf<TrailConfig>(trailSchema, args.getConfig());
        const rs = args.resources;
        const ctx = stackContext(rs, c);
        if (ctx.isHome !== true) args.notApplicable("the trail is the home stack's");
        const trails = trailsOf(rs);
        const multi = trails.filter((t) => t.multiRegion || t.pending.includes("isMultiRegionTrail"));
        if (multi.length === 0)
            report(
                `The home stack in ${ctx.region} must have the account's multi-Region trail (an aws.cloudtrail.Trail with isMultiRegionTrail true); it has ${trails.length ? trails.map((t) => label(t.resource)).join(", ") + ", none multi-Region" : "none"}.`,
            );
        if (multi.length > 1)
            report(
                `The home stack must have one multi-Region trail; it has ${multi.map((t) => label(t.resource)).join(", ")} (each further copy of management events is billed).`,
            );
        for (const t of trails) {
            const problems: string[] = [];
            const flag = (key: string, on: boolean, why: string) => {
                if (!on && !t.pending.includes(key)) problems.push(`${key} true (${why})`);
            };
            flag("isMultiRegionTrail", t.multiRegion, "one trail records every region");
            flag("includeGlobalServiceEvents", t.globalServiceEvents, "IAM, STS and CloudFront calls are recorded in us-east-1");
            flag("enableLogFileValidation", t.logFileValidation, "digest files show a changed, deleted or missing log file");
            flag("enableLogging", t.logging, "a trail that is not logging records nothing");
            if (t.kmsKeyId === undefined || t.kmsKeyId === null || !isCmk(t.kmsKeyId))
                problems.push("kmsKeyId a customer-managed KMS key (log files are otherwise SSE-S3 only)");
            else if (
                t.key !== undefined &&
                t.key !== UNKNOWN &&
                keyPolicyAllows(t.key, "cloudtrail.amazonaws.com", ["kms:GenerateDataKey*"]) === false
            )
                problems.push(
                    `a key whose policy lets cloudtrail.amazonaws.com kms:GenerateDataKey* (${label(t.key)}'s does not; CloudTrail would deliver nothing)`,
                );
            if (!isSet(t.logGroupArn)) problems.push("cloudWatchLogsGroupArn a log group (CloudWatch Logs delivery)");
            else if (t.logGroup === undefined) problems.push(`cloudWatchLogsGroupArn a log group this stack plans (it names ${text(t.logGroupArn)})`);
            else if (nonEmpty(t.logGroupArn) && !t.logGroupArn.endsWith(":*"))
                problems.push(`cloudWatchLogsGroupArn ending in ":*" (CloudTrail refuses ${t.logGroupArn})`);
            if (!isSet(t.logsRoleArn)) problems.push("cloudWatchLogsRoleArn the role CloudTrail writes to the log group as");

            const b = t.bucket;
            if (!b) {
                if (!isUnknown(t.s3BucketName)) problems.push(`s3BucketName a bucket this stack plans (it names ${text(t.s3BucketName, "none")})`);
            } else {
                const bucket = label(b.resource);
                if (b.versioned === false) problems.push(`its bucket ${bucket} versioned (an aws.s3.BucketVersioning Enabled)`);
                if (b.objectLock.onBucket === false) problems.push(`its bucket ${bucket} created with Object Lock (objectLockEnabled true)`);
                const locks = b.objectLock.configurations.filter((x) => isUnknown(x.enabled) || x.enabled === "Enabled");
                const days = (x: (typeof locks)[number]) => x.days ?? (x.years !== undefined ? x.years * 365 : 0);
                if (locks.length === 0)
                    problems.push(
                        `an aws.s3.BucketObjectLockConfiguration on ${bucket} with a default retention (without one new log files are not locked)`,
                    );
                else if (!locks.some((x) => isUnknown(x.mode) || days(x) >= c.minLockRetentionDays))
                    problems.push(
                        `${bucket}'s default Object Lock retention at least ${c.minLockRetentionDays} days (it sets ${locks.map(days).join(", ")})`,
                    );
                if (b.tlsOnly === false)
                    problems.push(
                        `a policy on ${bucket} that denies every request not using TLS (Deny "*" s3:* when aws:SecureTransport is "false")`,
                    );
            }
            if (problems.length) report(`${label(t.resource)} must have ${problems.join("; ")}.`, t.resource.urn);
        }
    },
};

const guardDutySchema = {
    properties: {
        features: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [...PROJECT_FEATURE_NAMES],
            description:
                "The protection plans every detector declares explicitly, ENABLED or DISABLED (a new detector turns plans on by itself, and deleting a DetectorFeature does not turn one off). Default: the project's list, src/guardDutyFeatures.ts.",
        },
    },
};

/** Where GuardDuty publishes its findings. */
const GUARDDUTY_SOURCE = GUARDDUTY_FINDING_EVENT.source;
const GUARDDUTY_FINDING = GUARDDUTY_FINDING_EVENT.detailType;

export const guardDutyEveryRegion: StackPolicy = {
    name: "dr-guardduty-every-region",
    description:
        "Every stack (every region, standby included: GuardDuty is per account and region) has one enabled GuardDuty detector without the deprecated datasources block, a DetectorFeature on it for every protection plan of the project's list with an explicit status (ENABLED or DISABLED; never both runtime-monitoring plans), and an ENABLED EventBridge rule on the default bus matching GuardDuty findings whose target is an alarm topic (an SNS topic the region's alarms notify) of the rule's region.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Build it with components/threatDetection.ts: aws.guardduty.Detector { enable: true } (no datasources), one aws.guardduty.DetectorFeature { detectorId, name, status } per plan of src/guardDutyFeatures.ts, and an aws.cloudwatch.EventRule { eventPattern: { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"] } } with an EventTarget on the region\'s notify topic (its key must let EventBridge encrypt: aws-alarm-topics-encrypted).',
    configSchema: guardDutySchema,
    validateStack: (args, report) => {
        const { features } = configOf<{ features: string[] }>(guardDutySchema, args.getConfig());
        const rs = args.resources;
        const region = stackRegion(rs);
        const where = region ? ` in ${region}` : "";
        const detectors = ofType(rs, T.guardDutyDetector);
        if (detectors.length === 0) report(`The stack${where} must have its region's GuardDuty detector (aws.guardduty.Detector); it has none.`);
        if (detectors.length > 1)
            report(`The stack${where} must have one GuardDuty detector (one per account and region); it has ${detectors.map(label).join(", ")}.`);
        const gd = threatDetectionOf(rs, region);
        if (!gd) return;
        const d = gd.detector;
        if (!gd.enabled) report(`${label(d)} must be enabled (enable true); a disabled detector finds nothing.`, d.urn);
        if (gd.datasources)
            report(
                `${label(d)} must not set the deprecated datasources block: GuardDuty refuses a request that carries both data sources and features.`,
                d.urn,
            );
        const status = (n: string) => gd.features.filter((f) => f.name === n).map((f) => f.status);
        const missing = features.filter((n) => !status(n).some((x) => x === UNKNOWN || x === "ENABLED" || x === "DISABLED"));
        if (missing.length)
            report(
                `${label(d)} must declare every protection plan explicitly, ENABLED or DISABLED (a new detector turns plans on by itself): ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not declared.`,
                d.urn,
            );
        // @pulumi/aws 7.48.0 guardduty/detectorFeature.d.ts: "Only one of two features EKS_RUNTIME_MONITORING or
        // RUNTIME_MONITORING can be added, adding both features will cause an error".
        if (status("RUNTIME_MONITORING").length && status("EKS_RUNTIME_MONITORING").length)
            report(
                `${label(d)} must not declare both RUNTIME_MONITORING and EKS_RUNTIME_MONITORING (whatever their status): the provider errors when both are added, and Runtime Monitoring covers EKS.`,
                d.urn,
            );

        // Findings to an alarm topic: a topic the region's alarms notify, in the rule's region.
        const f = gd.findings;
        if (!f && gd.rulesPending) return;
        const alarmTopics = new Set(alarmsOf(rs, region).flatMap((a) => a.topics));
        const ruleRegion = f ? regionOf(f.rule, rs) : undefined;
        const toAlarmTopic = f?.topics.some((t) => alarmTopics.has(t) && [undefined, ruleRegion].includes(regionOf(t, rs)));
        const matchesFindings = f !== undefined && (f.detailTypes.length === 0 || f.detailTypes.includes(GUARDDUTY_FINDING));
        if (!f || !matchesFindings || !f.onDefaultBus || (f.state !== UNKNOWN && f.state !== "ENABLED") || !toAlarmTopic)
            report(
                `The stack${where} must send GuardDuty findings to an alarm topic: an ENABLED EventBridge rule on the default bus matching source ${GUARDDUTY_SOURCE} and detail-type "${GUARDDUTY_FINDING}", targeting an SNS topic its alarms notify, in the rule's region; ${f ? `${label(f.rule)} ${!matchesFindings ? "matches other detail types" : !f.onDefaultBus ? "is not on the default bus" : f.state !== UNKNOWN && f.state !== "ENABLED" ? `is ${text(f.state)}` : `targets ${f.topics.length ? f.topics.map(label).join(", ") : "no planned topic"}, no alarm topic of its region`}` : "it has no rule for GuardDuty's findings"}.`,
                f?.rule.urn ?? d.urn,
            );
    },
};

/** A CloudWatch alarm ARN (`arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`). */
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d*:alarm:.+$/;

export const fisStopConditions: StackPolicy = {
    name: "aws-fis-stop-conditions",
    description:
        'Every AWS FIS experiment template stops on at least one CloudWatch alarm of its own region (a stop condition of source aws:cloudwatch:alarm naming a planned alarm or an alarm ARN), never on "none" alone; and its role (roleArn, a role the stack plans) is not an admin role: no policy it holds or is attached allows every action ("*", "*:*", or an Allow with NotAction) and no AWS managed AdministratorAccess or PowerUserAccess.',
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Build the templates with components/faultExperiments.ts: stopConditions [{ source: "aws:cloudwatch:alarm", value: <the ARN of an alarm of the same region, e.g. a serving signal> }] (1 to 5), and a role granted the union of its actions\' listed permissions only (FIS user guide, "Actions reference"), never "*" or an AWS managed admin policy: an experiment that runs away is stopped by its alarms, and its role bounds what it can break.',
    validateStack: (args, report) => {
        const rs = args.resources;
        const alarms = ofType(rs, T.metricAlarm, T.compositeAlarm);
        for (const t of faultTemplatesOf(rs)) {
            const tpl = t.resource;
            const problems: string[] = [];
            const region = regionOf(tpl, rs);
            if (t.conditions !== UNKNOWN) {
                const list = t.conditions;
                const byAlarm = list.filter((c) => isUnknown(c.source) || c.source === "aws:cloudwatch:alarm");
                if (byAlarm.length === 0)
                    problems.push(
                        `at least one stop condition of source aws:cloudwatch:alarm (it has ${list.length ? list.map((c) => text(c.source)).join(", ") : "none"}: nothing would stop a runaway experiment)`,
                    );
                if (list.some((c) => c.source === "none") && byAlarm.length) problems.push('no stop condition of source "none" beside its alarms');
                for (const c of byAlarm) {
                    const v = c.value;
                    if (isUnknown(v)) continue;
                    const alarm = alarms.find((a) => handles(a).includes(v as string));
                    const alarmRegion = alarm ? regionOf(alarm, rs) : arnRegion(v);
                    if (!alarm && !(nonEmpty(v) && ALARM_ARN.test(v)))
                        problems.push(`a stop condition naming a CloudWatch alarm ARN (got ${text(v, "none")})`);
                    else if (region && alarmRegion && alarmRegion !== region)
                        problems.push(`stop-condition alarms of its own region ${region} (${text(v)} is in ${alarmRegion})`);
                }
            }
            const role = t.role;
            if (role === undefined)
                problems.push(`a role this stack plans (roleArn ${text(get(tpl, "roleArn"), "unset")}), so its permissions are known`);
            else if (role !== UNKNOWN) {
                const { documents, managedArns } = rolePermissionsOf(role, rs);
                const admin = managedArns.filter(isAdminManagedPolicy);
                if (admin.length)
                    problems.push(`a role without AWS managed admin policies (${label(role)} is attached ${admin.map((a) => text(a)).join(", ")})`);
                for (const d of documents) {
                    const sts = policyStatements(d.policy);
                    if (sts === UNKNOWN) continue;
                    const all = sts.filter(allowsEveryAction);
                    if (all.length)
                        problems.push(
                            `a role that is not an admin role (${label(role)}'s ${d.via === role ? "inline policy" : label(d.via)} allows every action${all.some((s) => s.NotAction !== undefined) ? " but a NotAction list" : ' ("*")'})`,
                        );
                }
            }
            if (problems.length) report(`${label(tpl)} must have ${problems.join("; ")}.`, tpl.urn);
        }
    },
};
