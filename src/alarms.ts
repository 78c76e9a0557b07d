/**
 * The alarms of a region, decided from its plan and configuration alone (no cloud call, no resource output): which
 * exist, their names, how each reaches people, and what each watches. The region's stack creates them
 * (components/tierAlarms.ts); the home stack's DR dashboard names every region's by the same function; the docs,
 * the policies and the tests read the same list. Metrics, dimensions and where each is published:
 * docs/operations.md (facts read 2026-12-06).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OperationsConfig, StackConfig } from "./config";
import { PIPELINE_FUNCTIONS } from "./config";
import type { AlarmKind, AlarmUrgency, RegionPlan } from "./strategy";

/** The alarms outside the per-tier kinds: the edge's, which the home stack keeps in us-east-1. */
export type EdgeAlarmKind = "edgeErrors" | "wafBlocked";

/** One alarm, as decided: no resource identifier in it, so any stack can name any region's. */
export interface AlarmDecl {
    readonly kind: AlarmKind | EdgeAlarmKind;
    /** What it watches within its kind (a service, a table and receiving region, a node), or "" for one per region. */
    readonly subject: string;
    /** The alarm's name: `securecart-<region>-<kind>[-<subject>]`, stable across role changes (a name change replaces it). */
    readonly name: string;
    /** The region the alarm lives in (the metric's: us-east-1 for the edge's). */
    readonly region: string;
    readonly urgency: AlarmUrgency;
    /** A child of the region's "serving" composite alarm (and, with healthSignal region-serving, of its Route 53 check). */
    readonly serving: boolean;
    readonly description: string;
    /** For a replication alarm: the table and the region receiving it (kept here, not parsed back from the subject). */
    readonly replication?: { readonly table: string; readonly receivingRegion: string };
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The name of a region's alarm of `kind` on `subject` (the rule every stack uses to name any region's alarms). */
export const alarmName = (region: string, kind: AlarmKind | EdgeAlarmKind, subject = ""): string =>
    `securecart-${region}-${kebab(kind)}${subject ? `-${subject}` : ""}`;

/** The composite alarm that says whether a region serves (the children are its `serving` alarms). */
export const servingAlarmName = (region: string): string => `securecart-${region}-serving`;

/** The alarm behind a region's Route 53 health check status (in us-east-1, where Route 53 publishes it). */
export const healthCheckAlarmName = (region: string): string => `securecart-${region}-health-check`;

/** Every metric alarm of a region (the composite is `servingAlarmName`, not listed). */
export function alarmDecls(cfg: StackConfig, plan: RegionPlan): AlarmDecl[] {
    const out: AlarmDecl[] = [];
    const ops = plan.operations;
    const add = (kind: AlarmKind | EdgeAlarmKind, subject: string, urgency: AlarmUrgency, description: string, extra: Partial<AlarmDecl> = {}) =>
        out.push({
            kind,
            subject,
            name: alarmName(cfg.region, kind, subject),
            region: cfg.region,
            urgency,
            serving: false,
            description: `SecureCart ${cfg.region}: ${description}`,
            ...extra,
        });
    const servicesWithTasks = cfg.services.filter((s) => (plan.services[s.name]?.desired ?? 0) > 0).map((s) => s.name);
    const u = ops.alarms;
    if (u.regionServing !== undefined) {
        // The children roll up into the composite, which carries the urgency: the children themselves stay quiet.
        add("regionServing", "storefront-targets", "quiet", "no healthy storefront target", { serving: true });
        for (const s of cfg.services) add("regionServing", `${s.name}-targets`, "quiet", `no healthy ${s.name} target`, { serving: true });
        add("regionServing", "storefront-elb-5xx", "quiet", "the storefront load balancer answers 5xx itself (no target answered)", {
            serving: true,
        });
        add("regionServing", "services-elb-5xx", "quiet", "the services' load balancer answers 5xx itself", { serving: true });
    }
    if (u.albErrors) {
        add("albErrors", "storefront", u.albErrors, "storefront targets answer 5xx");
        add("albErrors", "services", u.albErrors, "service targets answer 5xx");
    }
    if (u.asgBelowDesired) add("asgBelowDesired", "", u.asgBelowDesired, "the web tier runs fewer instances than desired (it cannot scale)");
    if (u.servicesBelowDesired)
        for (const s of servicesWithTasks)
            add("servicesBelowDesired", s, u.servicesBelowDesired, `${s} runs fewer tasks than desired (it cannot scale)`);
    if (u.auroraLoad) {
        add("auroraLoad", "cpu", u.auroraLoad, "Aurora CPU is high");
        add("auroraLoad", "memory", u.auroraLoad, "Aurora freeable memory is low");
    }
    if (u.auroraReplicationLag) add("auroraReplicationLag", "", u.auroraReplicationLag, "Aurora global database RPO lag into this region is high");
    if (u.dynamoReplicationLatency) {
        const receivers = cfg.regions.filter((r) => r !== cfg.region);
        for (const t of cfg.tables)
            for (const r of receivers)
                add("dynamoReplicationLatency", `${t.name}-${r}`, u.dynamoReplicationLatency, `DynamoDB ${t.name} replicates slowly into ${r}`, {
                    replication: { table: t.name, receivingRegion: r },
                });
    }
    if (u.dynamoThrottles) for (const t of cfg.tables) add("dynamoThrottles", t.name, u.dynamoThrottles, `DynamoDB ${t.name} throttles requests`);
    if (u.backupJobsFailed) {
        add("backupJobsFailed", "backup", u.backupJobsFailed, "an AWS Backup job failed");
        add("backupJobsFailed", "copy", u.backupJobsFailed, "an AWS Backup copy job failed");
    }
    if (u.queueAge)
        for (const q of ["orders", "notifications"])
            add("queueAge", q, u.queueAge, `the oldest message in securecart-${q} is old (consumers behind or off)`);
    if (u.functionErrors) for (const f of PIPELINE_FUNCTIONS) add("functionErrors", f, u.functionErrors, `securecart-${f} fails`);
    if (u.sagaFailures) add("sagaFailures", "", u.sagaFailures, "order sagas fail or time out");
    if (u.cacheLoad) {
        add("cacheLoad", "cpu", u.cacheLoad, "the cache's engine CPU is high");
        add("cacheLoad", "memory", u.cacheLoad, "the cache's memory is nearly full");
    }
    if (u.cacheReplicationLag)
        add("cacheReplicationLag", "", u.cacheReplicationLag, "the cache's Global Datastore replication lag into this region is high");
    if (u.filesSyncAge) add("filesSyncAge", "", u.filesSyncAge, "the shared files' replication into this region has not synced recently");
    if (u.filesIo) add("filesIo", "", u.filesIo, "the shared file system is near its I/O limit");
    if (u.apiErrors) add("apiErrors", "", u.apiErrors, "the API answers 5xx");
    if (ops.edgeAlarms) {
        add("edgeErrors", "", "page", "CloudFront's 5xx error rate is high", { region: EDGE_METRICS_REGION });
        add("wafBlocked", "", "notify", "the web ACL blocks many requests (a security signal, not an outage)", { region: EDGE_METRICS_REGION });
    }
    return out;
}

/**
 * The regions a stack keeps alarm topics in: its own, and us-east-1 for Route 53's health-check status and the edge.
 * Whatever the role, so that a role change never deletes a topic's key (a backup-restore standby has no health check
 * today and one after its promotion).
 */
export function alarmRegions(cfg: StackConfig): string[] {
    return [...new Set([cfg.region, "us-east-1"])];
}

/** CloudFront and a CLOUDFRONT-scope web ACL publish their metrics in us-east-1 only (docs/operations-design.md §1): their alarms live there. */
export const EDGE_METRICS_REGION = "us-east-1";

/** The alarm topics' names: `<prefix>-page` and `<prefix>-notify`. */
export const ALARM_TOPIC_PREFIX = "securecart-alarms";

/**
 * The prefix of a stack's alarm topics in `topicRegion`: the plain prefix in the stack's own region, and one naming the
 * stack's region elsewhere (us-east-1), so two stacks never share a topic.
 */
export function alarmTopicPrefix(stackRegion: string, topicRegion: string): string {
    return topicRegion === stackRegion ? ALARM_TOPIC_PREFIX : `${ALARM_TOPIC_PREFIX}-${stackRegion}`;
}

/** A metric as CloudWatch names it. */
export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
    readonly stat: "Sum" | "Average" | "Maximum" | "Minimum";
}

/** How an alarm evaluates: one metric, or an expression over several (Route 53 accepts only the first kind). */
export interface AlarmRule {
    readonly metric?: MetricRef;
    readonly math?: { readonly expression: string; readonly metrics: Readonly<Record<string, MetricRef>> };
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly threshold: number;
    readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    /** What no data means. Route 53 does not copy it (its check's insufficient-data status does that job). */
    readonly treatMissingData: "notBreaching" | "breaching" | "missing";
}

/** The identifiers of what a region's alarms watch (resource outputs; absent where the tier does not exist here). */
export interface AlarmSubjects {
    readonly storefront?: { readonly loadBalancer: pulumi.Input<string>; readonly targetGroup: pulumi.Input<string> };
    readonly services?: {
        readonly loadBalancer: pulumi.Input<string>;
        readonly targetGroups: Readonly<Record<string, pulumi.Input<string>>>;
        readonly clusterName: pulumi.Input<string>;
        readonly serviceNames: Readonly<Record<string, pulumi.Input<string>>>;
    };
    readonly autoScalingGroupName?: pulumi.Input<string>;
    readonly auroraClusterIdentifier?: pulumi.Input<string>;
    readonly tableNames: Readonly<Record<string, pulumi.Input<string>>>;
    readonly stateMachineArn?: pulumi.Input<string>;
    readonly cacheReplicationGroupId?: pulumi.Input<string>;
    readonly fileSystemId: pulumi.Input<string>;
    /** The file system that replicates into this region's (the primary's): TimeSinceLastSync is keyed by both. */
    readonly filesSourceId?: pulumi.Input<string>;
    readonly apiId?: pulumi.Input<string>;
    readonly distributionId?: pulumi.Input<string>;
    /** The web ACL's metric name (its visibility configuration), the WebACL dimension of AWS WAF's metrics. */
    readonly webAclMetricName?: string;
}

/** Why an alarm could not be built here (its subject does not exist yet), for a warning. */
export class MissingSubject {
    constructor(public readonly what: string) {}
}

/**
 * What an alarm watches and when it fires. Thresholds come from `operations.thresholds`; the "serving" signals use
 * `operations.servingEvaluationMinutes` one-minute periods, each one metric with every data point required (Route 53
 * copies the alarm as one metric and reads no "M of N").
 */
export function alarmRule(d: AlarmDecl, s: AlarmSubjects, ops: OperationsConfig): AlarmRule | MissingSubject {
    const t = ops.thresholds;
    const m = (namespace: string, metricName: string, dimensions: Record<string, pulumi.Input<string>>, stat: MetricRef["stat"]): MetricRef => ({
        namespace,
        metricName,
        dimensions,
        stat,
    });
    const every = (minutes: number) => ({ periodSeconds: 60, evaluationPeriods: minutes });
    const fiveMinutes = (n: number) => ({ periodSeconds: 300, evaluationPeriods: n });
    const serving = { ...every(ops.servingEvaluationMinutes) };
    switch (d.kind) {
        case "regionServing": {
            if (d.subject.endsWith("-elb-5xx")) {
                const lb = d.subject.startsWith("storefront") ? s.storefront?.loadBalancer : s.services?.loadBalancer;
                if (lb === undefined) return new MissingSubject("load balancer");
                return {
                    metric: m("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", { LoadBalancer: lb }, "Sum"),
                    ...serving,
                    threshold: ops.servingElb5xxPerMinute,
                    comparison: "GreaterThanOrEqualToThreshold",
                    // No traffic, no data: an idle region is not failing.
                    treatMissingData: "notBreaching",
                };
            }
            const svc = d.subject.replace(/-targets$/, "");
            const target =
                svc === "storefront"
                    ? s.storefront
                    : s.services && { loadBalancer: s.services.loadBalancer, targetGroup: s.services.targetGroups[svc] as pulumi.Input<string> };
            if (!target || target.targetGroup === undefined) return new MissingSubject(`${svc} target group`);
            return {
                metric: m(
                    "AWS/ApplicationELB",
                    "HealthyHostCount",
                    { LoadBalancer: target.loadBalancer, TargetGroup: target.targetGroup },
                    "Maximum",
                ),
                ...serving,
                threshold: 1,
                comparison: "LessThanThreshold",
                treatMissingData: "breaching",
            };
        }
        case "albErrors": {
            const lb = d.subject === "storefront" ? s.storefront?.loadBalancer : s.services?.loadBalancer;
            if (lb === undefined) return new MissingSubject("load balancer");
            return {
                metric: m("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", { LoadBalancer: lb }, "Sum"),
                ...every(3),
                threshold: t.http5xxPerMinute,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        }
        case "asgBelowDesired": {
            if (s.autoScalingGroupName === undefined) return new MissingSubject("Auto Scaling group");
            const dims = { AutoScalingGroupName: s.autoScalingGroupName };
            return {
                math: {
                    expression: "desired - inService",
                    metrics: {
                        desired: m("AWS/AutoScaling", "GroupDesiredCapacity", dims, "Maximum"),
                        inService: m("AWS/AutoScaling", "GroupInServiceInstances", dims, "Minimum"),
                    },
                },
                // Ten minutes: longer than an instance's launch and grace period, shorter than a drill's patience.
                ...every(10),
                threshold: 0,
                comparison: "GreaterThanThreshold",
                treatMissingData: "breaching",
            };
        }
        case "servicesBelowDesired": {
            const name = s.services?.serviceNames[d.subject];
            if (!s.services || name === undefined) return new MissingSubject(`service ${d.subject}`);
            const dims = { ClusterName: s.services.clusterName, ServiceName: name };
            return {
                math: {
                    expression: "desired - running",
                    metrics: {
                        desired: m("ECS/ContainerInsights", "DesiredTaskCount", dims, "Maximum"),
                        running: m("ECS/ContainerInsights", "RunningTaskCount", dims, "Minimum"),
                    },
                },
                ...every(10),
                threshold: 0,
                comparison: "GreaterThanThreshold",
                treatMissingData: "breaching",
            };
        }
        case "auroraLoad": {
            if (s.auroraClusterIdentifier === undefined) return new MissingSubject("Aurora cluster");
            const dims = { DBClusterIdentifier: s.auroraClusterIdentifier };
            return d.subject === "cpu"
                ? {
                      metric: m("AWS/RDS", "CPUUtilization", dims, "Average"),
                      ...fiveMinutes(3),
                      threshold: t.auroraCpuPercent,
                      comparison: "GreaterThanThreshold",
                      treatMissingData: "missing",
                  }
                : {
                      metric: m("AWS/RDS", "FreeableMemory", dims, "Minimum"),
                      ...fiveMinutes(3),
                      threshold: t.auroraFreeableMemoryMiB * 1024 * 1024,
                      comparison: "LessThanThreshold",
                      treatMissingData: "missing",
                  };
        }
        case "auroraReplicationLag":
            if (s.auroraClusterIdentifier === undefined) return new MissingSubject("Aurora cluster");
            return {
                // Milliseconds; published in the secondary's region only.
                metric: m("AWS/RDS", "AuroraGlobalDBRPOLag", { DBClusterIdentifier: s.auroraClusterIdentifier }, "Maximum"),
                ...every(5),
                threshold: t.auroraLagSeconds * 1000,
                comparison: "GreaterThanThreshold",
                treatMissingData: "missing",
            };
        case "dynamoReplicationLatency": {
            const table = d.replication && s.tableNames[d.replication.table];
            if (!d.replication || table === undefined) return new MissingSubject(`table for ${d.subject}`);
            return {
                metric: m("AWS/DynamoDB", "ReplicationLatency", { TableName: table, ReceivingRegion: d.replication.receivingRegion }, "Average"),
                ...every(5),
                threshold: t.dynamoReplicationSeconds * 1000,
                comparison: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            };
        }
        case "dynamoThrottles": {
            const table = s.tableNames[d.subject];
            if (table === undefined) return new MissingSubject(`table ${d.subject}`);
            const dims = { TableName: table };
            return {
                math: {
                    // Published only in minutes with throttling: FILL, or one series alone would yield no data point.
                    expression: "FILL(reads, 0) + FILL(writes, 0)",
                    metrics: {
                        reads: m("AWS/DynamoDB", "ReadThrottleEvents", dims, "Sum"),
                        writes: m("AWS/DynamoDB", "WriteThrottleEvents", dims, "Sum"),
                    },
                },
                ...fiveMinutes(1),
                threshold: t.dynamoThrottles,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        }
        case "backupJobsFailed":
            return {
                metric: m("AWS/Backup", d.subject === "copy" ? "NumberOfCopyJobsFailed" : "NumberOfBackupJobsFailed", {}, "Sum"),
                periodSeconds: 3600,
                evaluationPeriods: 1,
                threshold: 1,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        case "deadLetters":
            // The order pipeline's own alarms (the DLQ watcher's rule matches their names); never declared here.
            return new MissingSubject("dead-letter alarms belong to the order pipeline");
        case "queueAge":
            return {
                metric: m("AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: `securecart-${d.subject}` }, "Maximum"),
                ...every(5),
                threshold: t.queueAgeSeconds,
                comparison: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            };
        case "functionErrors":
            return {
                metric: m("AWS/Lambda", "Errors", { FunctionName: `securecart-${d.subject}` }, "Sum"),
                ...fiveMinutes(1),
                threshold: t.functionErrors,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        case "sagaFailures": {
            if (s.stateMachineArn === undefined) return new MissingSubject("state machine");
            const dims = { StateMachineArn: s.stateMachineArn };
            return {
                math: {
                    expression: "FILL(failed, 0) + FILL(timedOut, 0)",
                    metrics: {
                        failed: m("AWS/States", "ExecutionsFailed", dims, "Sum"),
                        timedOut: m("AWS/States", "ExecutionsTimedOut", dims, "Sum"),
                    },
                },
                ...fiveMinutes(1),
                threshold: t.sagaFailures,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        }
        case "cacheLoad":
        case "cacheReplicationLag": {
            const rg = s.cacheReplicationGroupId;
            if (rg === undefined) return new MissingSubject("cache");
            // Per node (CacheClusterId): a two-node group's members are <group>-001 and <group>-002; the worse one counts.
            const node = (metricName: string, stat: MetricRef["stat"]) => ({
                first: m("AWS/ElastiCache", metricName, { CacheClusterId: interpolateNode(rg, 1) }, stat),
                second: m("AWS/ElastiCache", metricName, { CacheClusterId: interpolateNode(rg, 2) }, stat),
            });
            if (d.kind === "cacheReplicationLag")
                return {
                    math: { expression: "MAX([first, second])", metrics: node("GlobalDatastoreReplicationLag", "Maximum") },
                    ...every(5),
                    threshold: t.cacheReplicationSeconds,
                    comparison: "GreaterThanThreshold",
                    treatMissingData: "missing",
                };
            return {
                math: {
                    expression: "MAX([first, second])",
                    metrics: node(d.subject === "cpu" ? "EngineCPUUtilization" : "DatabaseMemoryUsagePercentage", "Average"),
                },
                ...fiveMinutes(3),
                threshold: d.subject === "cpu" ? t.cacheCpuPercent : t.cacheMemoryPercent,
                comparison: "GreaterThanThreshold",
                treatMissingData: "missing",
            };
        }
        case "filesSyncAge":
            if (s.filesSourceId === undefined) return new MissingSubject("the replicating file system (the primary's fileSystemId output)");
            return {
                metric: m("AWS/EFS", "TimeSinceLastSync", { FileSystemId: s.filesSourceId, DestinationFileSystemId: s.fileSystemId }, "Maximum"),
                ...fiveMinutes(1),
                threshold: t.filesSyncSeconds,
                comparison: "GreaterThanThreshold",
                treatMissingData: "missing",
            };
        case "filesIo":
            return {
                metric: m("AWS/EFS", "PercentIOLimit", { FileSystemId: s.fileSystemId }, "Maximum"),
                ...fiveMinutes(3),
                threshold: t.filesIoPercent,
                comparison: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            };
        case "apiErrors":
            if (s.apiId === undefined) return new MissingSubject("API");
            return {
                // HTTP APIs name it in lower case, unlike REST APIs' 5XXError.
                metric: m("AWS/ApiGateway", "5xx", { ApiId: s.apiId }, "Sum"),
                ...every(3),
                threshold: t.http5xxPerMinute,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
        case "edgeErrors":
            if (s.distributionId === undefined) return new MissingSubject("distribution");
            return {
                metric: m("AWS/CloudFront", "5xxErrorRate", { DistributionId: s.distributionId, Region: "Global" }, "Average"),
                ...fiveMinutes(2),
                threshold: t.edge5xxPercent,
                comparison: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            };
        case "wafBlocked":
            if (s.webAclMetricName === undefined) return new MissingSubject("web ACL");
            return {
                metric: m("AWS/WAFV2", "BlockedRequests", { WebACL: s.webAclMetricName, Rule: "ALL" }, "Sum"),
                ...fiveMinutes(1),
                threshold: t.wafBlockedPer5Minutes,
                comparison: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            };
    }
}

/** `<group>-00n` for a plain or an output group id. */
function interpolateNode(rg: pulumi.Input<string>, n: number): pulumi.Input<string> {
    if (typeof rg === "string") return `${rg}-00${n}`;
    const out = rg as pulumi.Output<string> | Promise<string>;
    return "apply" in out ? out.apply((g) => `${g}-00${n}`) : out.then((g) => `${g}-00${n}`);
}
