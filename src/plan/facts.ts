/**
 * The typed readers of the settings that decide security, recovery time, data loss and cost, and the facts
 * of a whole stack built from them. Pure: planned resources in (either shape, src/plan/resource.ts), plain
 * facts out. The estimator, the diagram and the policy pack read these; none reads these properties itself.
 *
 * Adding a service: give it a reader here (and its classes in src/plan/types.ts).
 */
import { PIPELINE_FUNCTIONS } from "../config";
import {
    PlanResource,
    UNKNOWN,
    UNKNOWN_JSON,
    arnRegion,
    arr,
    dependencyUrns,
    dependsOn,
    get,
    handles,
    isSet,
    isTrue,
    isUnknown,
    nonEmpty,
    num,
    obj,
    ofType,
    output,
    parentUrn,
    refersTo,
    str,
    strict,
    tagsFrom,
    tagsOf,
    text,
} from "./resource";
import { CLOUDFRONT_HOSTED_ZONE_ID } from "../awsFacts";
import { GUARDDUTY_FINDING_EVENT } from "../guardDutyFeatures";
import { regionOf } from "./context";
import { DYNAMIC, PULUMI, T, isCloudResource } from "./types";

/** One planned resource as the estimator sees it: either shape the model reads. */
export type ResourceView = PlanResource;

/** One stack as the estimator sees it. */
export interface StackView {
    readonly stack: string;
    readonly region: string;
    readonly resources: readonly ResourceView[];
}

export interface HealthCheckFacts {
    readonly name: string;
    /** endpoint: Route 53 probes an endpoint; recovery-control: an ARC routing control decides; other: calculated/alarm. */
    readonly kind: "endpoint" | "recovery-control" | "other";
    readonly protocol?: string;
    /** Seconds between checks: the requestInterval, or for a CLOUDWATCH_METRIC check its alarm's period. */
    readonly intervalSeconds: number;
    /** Failed checks before unhealthy: the failureThreshold, or for a CLOUDWATCH_METRIC check its alarm's evaluation periods. */
    readonly failureThreshold: number;
    readonly inverted: boolean;
    /** CLOUDWATCH_METRIC: the alarm the check names (cloudwatchAlarmName). */
    readonly alarmName?: string;
    /** CLOUDWATCH_METRIC: that alarm's timing, when the alarm is planned in the same stack and its timing is known. */
    readonly alarm?: AlarmDetection;
    /**
     * CLOUDWATCH_METRIC: what Route 53 takes the check to be while the alarm has no data (insufficientDataHealthStatus:
     * Healthy, Unhealthy or LastKnownStatus); undefined when unset.
     */
    readonly insufficientData?: string;
    /** CALCULATED: the names of its child checks planned in the same stack (childChecksOf). */
    readonly children?: readonly string[];
    /** CALCULATED: how many children it lists (childHealthchecks), planned in the stack or not. */
    readonly childCount?: number;
    /** CALCULATED: how many children must be healthy for the check to be (childHealthThreshold). */
    readonly childHealthThreshold?: number;
    /** Optional features Route 53 bills on top of a basic check. */
    readonly features: readonly ("HTTPS" | "fast interval" | "string matching" | "latency measurement")[];
}

export interface RecordFacts {
    readonly name: string;
    readonly routing: "failover" | "latency" | "weighted" | "simple";
    readonly failoverRole?: string;
    readonly alias: boolean;
    /** The TTL clients cache the answer for: the record's own, or undefined for an alias (fixed by the target). */
    readonly ttlSeconds?: number;
    readonly hasHealthCheck: boolean;
    /** The name of the health check the record follows, when it is planned in the same stack (recordHealthCheckOf). */
    readonly healthCheck?: string;
}

export interface WebFacts {
    readonly name: string;
    readonly desired: number;
    readonly min: number;
    readonly max: number;
    readonly graceSeconds: number;
    readonly instanceType?: string;
}

export interface ServiceFacts {
    readonly name: string;
    readonly desired: number;
    readonly fargate: boolean;
    readonly vcpu?: number;
    readonly memoryGb?: number;
}

export interface AuroraFacts {
    readonly name: string;
    readonly arn?: string;
    /** The cluster's URN, when the view has it (a backup selection may name the cluster by a pending ARN). */
    readonly urn?: string;
    /** Member of a global cluster. */
    readonly global: boolean;
    /** Created from a snapshot or recovery point (backup-restore promotion). */
    readonly restored: boolean;
    readonly instanceClasses: readonly string[];
    readonly managedSecret: boolean;
    /** The writer cluster: not in a global cluster, or the global cluster's primary (only it sets master credentials). */
    readonly writer: boolean;
    readonly ioOptimized: boolean;
}

export interface TableFacts {
    readonly name: string;
    readonly arn?: string;
    /** The table's URN, when the view has it. */
    readonly urn?: string;
    readonly provisioned: boolean;
    readonly readCapacity: number;
    readonly writeCapacity: number;
    /** Replica regions declared on the table itself (`replicas`). */
    readonly inlineReplicaRegions: readonly string[];
    readonly strong: boolean;
    readonly pitr: boolean;
    readonly restored: boolean;
}

export interface ReplicaFacts {
    readonly name: string;
    readonly globalTableArn?: string;
    readonly strong: boolean;
    readonly pitr: boolean;
}

export interface BackupRuleFacts {
    readonly plan: string;
    readonly rule: string;
    readonly schedule?: string;
    /** Longest gap between two scheduled jobs; undefined when the schedule cannot be read. */
    readonly intervalSeconds?: number;
    /** Regions of the vaults this rule copies to. */
    readonly copyRegions: readonly string[];
    /** Copy actions whose destination vault ARN is unknown (a preview): their regions are not known. */
    readonly unknownCopyDestinations?: number;
    /**
     * ARNs (or "*" for a tag/condition selection) of the resources this rule's plan backs up; an ARN unknown
     * in a preview appears as the URN of the resource it comes from (property dependencies), else "[unknown]".
     */
    readonly selected: readonly string[];
}

export interface StackFacts {
    readonly stack: string;
    readonly region: string;
    /** Custom resources, providers excluded. */
    readonly resourceCount: number;
    readonly healthChecks: readonly HealthCheckFacts[];
    readonly records: readonly RecordFacts[];
    readonly albs: number;
    readonly web: readonly WebFacts[];
    readonly services: readonly ServiceFacts[];
    readonly aurora: readonly AuroraFacts[];
    readonly globalClusters: number;
    readonly tables: readonly TableFacts[];
    readonly replicas: readonly ReplicaFacts[];
    readonly backupRules: readonly BackupRuleFacts[];
    /** ARNs (or "*") named by backup selections; undefined when this stack has no selection. */
    readonly backupSelected?: readonly string[];
    readonly vaults: number;
    readonly arcClusters: number;
}

// ---------------------------------------------------------------------------------------------------------
// Route 53
// ---------------------------------------------------------------------------------------------------------

const ENDPOINT_CHECKS = ["HTTP", "HTTPS", "TCP", "HTTP_STR_MATCH", "HTTPS_STR_MATCH"];

/**
 * A health check's type, timing and features, with Route 53's defaults (30 s interval, threshold 3) filled in.
 * With the stack's resources, a CLOUDWATCH_METRIC check's timing is its alarm's (period, evaluation periods).
 */
export function healthCheckOf(r: PlanResource, resources?: readonly PlanResource[]): HealthCheckFacts {
    const type = text(get(r, "type"));
    const kind = type === "RECOVERY_CONTROL" ? "recovery-control" : ENDPOINT_CHECKS.includes(type) ? "endpoint" : "other";
    // Route 53 defaults (developer guide): 30 s interval, threshold 3.
    const intervalSeconds = num(get(r, "requestInterval")) ?? 30;
    const features: HealthCheckFacts["features"][number][] = [];
    if (/^HTTPS/.test(type)) features.push("HTTPS");
    if (intervalSeconds === 10) features.push("fast interval");
    if (/STR_MATCH$/.test(type) || get(r, "searchString") !== undefined) features.push("string matching");
    if (get(r, "measureLatency") === true) features.push("latency measurement");
    const detection = resources ? alarmDetectionOf(r, resources) : undefined;
    const alarm = detection === UNKNOWN ? undefined : detection;
    const insufficientData = str(get(r, "insufficientDataHealthStatus"));
    const threshold = num(get(r, "childHealthThreshold"));
    return {
        name: r.name,
        kind,
        protocol: type || undefined,
        intervalSeconds: alarm?.periodSeconds ?? intervalSeconds,
        failureThreshold: alarm?.evaluationPeriods ?? num(get(r, "failureThreshold")) ?? 3,
        inverted: get(r, "invertHealthcheck") === true,
        features,
        ...(type === "CLOUDWATCH_METRIC"
            ? { alarmName: text(get(r, "cloudwatchAlarmName"), "(unset)"), alarm, ...(insufficientData ? { insufficientData } : {}) }
            : {}),
        ...(type === "CALCULATED" && resources
            ? {
                  children: childChecksOf(r, resources).map((c) => c.name),
                  childCount: arr(get(r, "childHealthchecks")).length,
                  ...(threshold !== undefined ? { childHealthThreshold: threshold } : {}),
              }
            : {}),
    };
}

/**
 * The child checks of a CALCULATED check that are planned in the same stack, each once: by property dependency (in
 * the order the plan records them), then by id (in the order childHealthchecks lists them).
 */
export function childChecksOf(check: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const checks = ofType(resources, T.healthCheck).filter((h) => h !== check);
    const byDependency = dependencyUrns(check, "childHealthchecks").flatMap((u) => checks.filter((h) => h.urn === u));
    const byId = arr(get(check, "childHealthchecks")).flatMap((id) =>
        checks.filter((h) => nonEmpty(id) && (output(h, "id") === id || get(h, "id") === id)),
    );
    return [...new Set([...byDependency, ...byId])];
}

/** The health check a record follows (its healthCheckId), when that check is planned in `resources`. */
export function recordHealthCheckOf(record: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    return ofType(resources, T.healthCheck).find((h) => refersTo(record, "healthCheckId", h));
}

/**
 * Whether a record aliases one of the planned load balancers (the region's own record does; the API's aliases its
 * custom domain): by property dependency, or by the load balancer's DNS name.
 */
export function aliasesLoadBalancer(record: PlanResource, resources: readonly PlanResource[]): boolean {
    const names = arr(get(record, "aliases")).map((a) => obj(a).name);
    return ofType(resources, T.loadBalancer).some(
        (lb) => dependsOn(record, "aliases", lb) || names.some((n) => nonEmpty(n) && (n === get(lb, "dnsName") || n === output(lb, "dnsName"))),
    );
}

const ROUTING_POLICIES = [
    "failoverRoutingPolicies",
    "latencyRoutingPolicies",
    "weightedRoutingPolicies",
    "geolocationRoutingPolicies",
    "geoproximityRoutingPolicies",
    "cidrRoutingPolicies",
];

/** The routing policy a record uses (e.g. "failover"), or undefined for a simple record. */
export function routingOf(record: PlanResource): string | undefined {
    const key =
        ROUTING_POLICIES.find((k) => arr(get(record, k)).length > 0) ??
        (get(record, "multivalueAnswerRoutingPolicy") === true ? "multivalue" : undefined);
    return key?.replace("RoutingPolicies", "");
}

/** Whether a record carries user traffic: a routing policy, a health check or an alias (not, e.g., an ACM validation CNAME). */
export function isRoutingRecord(r: PlanResource): boolean {
    return arr(get(r, "aliases")).length > 0 || get(r, "healthCheckId") !== undefined || get(r, "setIdentifier") !== undefined;
}

/**
 * Whether a record is the users' name on the edge: an alias to a CloudFront distribution (its zone, or a
 * planned distribution it refers to). Such a record routes to no region, so it is not one of the region's.
 */
export function isEdgeAlias(r: PlanResource, resources: readonly PlanResource[]): boolean {
    const aliases = arr(get(r, "aliases")).map((a) => obj(a));
    if (aliases.some((a) => a.zoneId === CLOUDFRONT_HOSTED_ZONE_ID || /\.cloudfront\.net\.?$/.test(text(a.name)))) return true;
    return ofType(resources, T.cloudfrontDistribution).some((d) => refersTo(r, "aliases", d));
}

/** A record's routing, TTL and, with the stack's resources, the planned health check it follows. */
export function recordOf(r: PlanResource, resources?: readonly PlanResource[]): RecordFacts {
    const aliases = arr(get(r, "aliases"));
    const failover = arr(get(r, "failoverRoutingPolicies"));
    const policy = routingOf(r);
    const check = resources ? recordHealthCheckOf(r, resources) : undefined;
    return {
        name: text(get(r, "name"), r.name),
        routing: policy === "failover" || policy === "latency" || policy === "weighted" ? policy : "simple",
        failoverRole: failover.length ? str(obj(failover[0]).type) : undefined,
        alias: aliases.length > 0,
        ttlSeconds: aliases.length > 0 ? undefined : num(get(r, "ttl")),
        hasHealthCheck: get(r, "healthCheckId") !== undefined,
        ...(check ? { healthCheck: check.name } : {}),
    };
}

// ---------------------------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------------------------

/** One ingress permission, whatever resource declared it. */
export interface Ingress {
    readonly protocol: string;
    readonly fromPort?: number;
    readonly toPort?: number;
    readonly cidrs: readonly string[];
}

export const ALL_PROTOCOLS = ["-1", "all"];
const PROTOCOL_NUMBERS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

function protocolName(p: unknown): string {
    const s = String(p ?? "-1").toLowerCase();
    return PROTOCOL_NUMBERS[s] ?? s;
}

/** Whether an ingress permission opens `port` (TCP or UDP). */
export function opensPort(i: Ingress, port: number): boolean {
    if (ALL_PROTOCOLS.includes(i.protocol)) return true;
    if (i.protocol !== "tcp" && i.protocol !== "udp") return false;
    const from = i.fromPort ?? 0;
    const to = i.toPort ?? 65535;
    return from <= port && port <= to;
}

const strings = (v: unknown): string[] => arr(v).filter(nonEmpty);

/**
 * The ingress permissions a resource declares: inline rules of a group, or a standalone rule resource. Read
 * strictly: with an unknown rule list a policy cannot decide, and is skipped in preview as the engine does.
 */
export function ingressOf(r: PlanResource): Ingress[] {
    const rule = (v: unknown) => obj(v);
    switch (r.type) {
        case T.securityGroup:
            return arr(strict(r, "ingress"))
                .map(rule)
                .map((i) => ({
                    protocol: protocolName(i.protocol),
                    fromPort: num(i.fromPort),
                    toPort: num(i.toPort),
                    cidrs: [...strings(i.cidrBlocks), ...strings(i.ipv6CidrBlocks)],
                }));
        case T.securityGroupRule:
            return strict(r, "type") !== "ingress"
                ? []
                : [
                      {
                          protocol: protocolName(strict(r, "protocol")),
                          fromPort: num(strict(r, "fromPort")),
                          toPort: num(strict(r, "toPort")),
                          cidrs: [...strings(strict(r, "cidrBlocks")), ...strings(strict(r, "ipv6CidrBlocks"))],
                      },
                  ];
        case T.ingressRule:
            return [
                {
                    protocol: protocolName(strict(r, "ipProtocol")),
                    fromPort: num(strict(r, "fromPort")),
                    toPort: num(strict(r, "toPort")),
                    cidrs: [strict(r, "cidrIpv4"), strict(r, "cidrIpv6")].filter(nonEmpty),
                },
            ];
        default:
            return [];
    }
}

// ---------------------------------------------------------------------------------------------------------
// Compute
// ---------------------------------------------------------------------------------------------------------

/** Whether a load balancer's type is an Application Load Balancer (the provider's default type). */
export function isApplicationLoadBalancerType(type: unknown): boolean {
    return (type ?? "application") === "application";
}

/** A count that is unknown during preview: undefined. Else the number, or `dflt` when unset. */
function count(v: unknown, dflt: number): number | undefined {
    return v === UNKNOWN ? undefined : (num(v) ?? (v === undefined ? dflt : undefined));
}

export interface Capacity {
    readonly min: number;
    readonly max: number;
    readonly desired: number;
}

/**
 * An Auto Scaling group's counts with Auto Scaling's defaults (desired starts at minSize; max, which is
 * required, taken as min if absent); a count unknown during preview is undefined.
 */
export function asgCountsOf(r: PlanResource): Partial<Capacity> {
    const min = count(get(r, "minSize"), 0);
    return { min, max: count(get(r, "maxSize"), min ?? 0), desired: count(get(r, "desiredCapacity"), min ?? 0) };
}

/** An Auto Scaling group's capacity (see asgCountsOf); undefined when a count is unknown during preview. */
export function asgCapacityOf(r: PlanResource): Capacity | undefined {
    const { min, max, desired } = asgCountsOf(r);
    return min === undefined || max === undefined || desired === undefined ? undefined : { min, max, desired };
}

/** An Auto Scaling group can launch instances: it names a launch template (or configuration, or mixed policy). */
export function launchable(g: PlanResource): boolean {
    return (
        ["launchTemplate.id", "launchTemplate.name", "launchConfiguration"].some((k) => isSet(get(g, k))) ||
        get(g, "mixedInstancesPolicy") !== undefined
    );
}

/** The Application Auto Scaling target that scales an ECS service, if any. */
export function scalableTargetOf(service: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    const name = str(get(service, "name"));
    return ofType(resources, T.scalableTarget)
        .filter((t) => get(t, "serviceNamespace") === "ecs")
        .find((t) => {
            const id = str(get(t, "resourceId"));
            return refersTo(t, "resourceId", service) || (name !== undefined && name !== "" && id !== undefined && id.endsWith(`/${name}`));
        });
}

/** An ECS service's task count and its scaling range (the service's own count when nothing scales it); undefined when unknown. */
export function serviceCapacityOf(service: PlanResource, resources: readonly PlanResource[]): Capacity | undefined {
    const desired = count(get(service, "desiredCount"), 0);
    if (desired === undefined) return undefined;
    const target = scalableTargetOf(service, resources);
    const min = target ? count(get(target, "minCapacity"), 0) : desired;
    const max = target ? count(get(target, "maxCapacity"), 0) : desired;
    return min === undefined || max === undefined ? undefined : { min, max, desired };
}

// ---------------------------------------------------------------------------------------------------------
// Aurora
// ---------------------------------------------------------------------------------------------------------

/** The instances of an Aurora cluster: those whose clusterIdentifier refers to it. */
export function instancesOf(cluster: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.clusterInstance).filter((i) => refersTo(i, "clusterIdentifier", cluster));
}

/** The engine version a cluster or global cluster runs: "(unset)", or undefined while unknown. */
export function engineVersionOf(r: PlanResource): string | undefined {
    const v = get(r, "engineVersion");
    return v === UNKNOWN ? undefined : text(v, "(unset)");
}

// ---------------------------------------------------------------------------------------------------------
// DynamoDB
// ---------------------------------------------------------------------------------------------------------

/**
 * Whether a replica replicates a table: by the table's ARN; failing that (a policy sees no outputs, a preview
 * no ARN yet) by the table's name at the end of the replica's table ARN, or the replica standing for the table
 * under its own name (a primary mirrored from a standby's view).
 */
export function replicates(r: ReplicaFacts, t: TableFacts): boolean {
    return byArn(r, t) || (r.globalTableArn ?? "").endsWith(`/${t.name}`) || r.name === t.name;
}

function byArn(r: ReplicaFacts, t: TableFacts): boolean {
    return r.globalTableArn !== undefined && r.globalTableArn === t.arn;
}

/** The replica of table `t`, preferring one that names it by ARN. */
export function replicaOf(t: TableFacts, replicas: readonly ReplicaFacts[]): ReplicaFacts | undefined {
    return replicas.find((r) => byArn(r, t)) ?? replicas.find((r) => replicates(r, t));
}

/** The table a replica replicates, preferring one it names by ARN. */
export function tableOf(r: ReplicaFacts, tables: readonly TableFacts[]): TableFacts | undefined {
    return tables.find((t) => byArn(r, t)) ?? tables.find((t) => replicates(r, t));
}

/** The table name in a table ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`). */
export function tableNameOfArn(arn: unknown): string | undefined {
    return typeof arn === "string" ? arn.split(":table/")[1] : undefined;
}

/**
 * Longest gap between jobs of an AWS Backup cron schedule, `cron(min hour dom month dow year)`.
 * Handles the forms schedules use in practice: `*`, `*\/N`, `a/N`, lists and single values in the hour
 * field, with every day or listed weekdays. Returns undefined for anything else rather than guessing.
 */
export function cronIntervalSeconds(expr: string): number | undefined {
    const m = /^cron\((.*)\)$/.exec(expr.trim());
    if (!m) return undefined;
    const f = m[1].trim().split(/\s+/);
    if (f.length !== 6) return undefined;
    const [minute, hour, dom, month, dow] = f;
    if (!/^\d+$/.test(minute) || !(month === "*" || month === "?")) return undefined;
    let dayGap: number;
    if ((dom === "*" || dom === "?") && (dow === "*" || dow === "?")) dayGap = 1;
    else if (dom === "?" || dom === "*") {
        const days = expandField(dow, 1, 7, /^(SUN|MON|TUE|WED|THU|FRI|SAT)$/i);
        if (!days) return undefined;
        dayGap = maxCyclicGap(days, 7);
    } else return undefined;
    const hours = expandField(hour, 0, 23);
    if (!hours) return undefined;
    if (dayGap > 1) {
        // Some days have no job: the gap spans days; jobs within a day do not shorten the longest gap much.
        return (dayGap - 1) * 86400 + maxCyclicGap(hours, 24) * 3600;
    }
    return maxCyclicGap(hours, 24) * 3600;
}

const DOW: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

function expandField(field: string, lo: number, hi: number, names?: RegExp): number[] | undefined {
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const p = part.trim().toUpperCase();
        const step = /^(\*|\d+)\/(\d+)$/.exec(p);
        if (p === "*") for (let v = lo; v <= hi; v++) values.add(v);
        else if (step) {
            const start = step[1] === "*" ? lo : Number(step[1]);
            const by = Number(step[2]);
            if (by <= 0) return undefined;
            for (let v = start; v <= hi; v += by) values.add(v);
        } else if (/^\d+-\d+$/.test(p)) {
            const [a, b] = p.split("-").map(Number);
            for (let v = a; v <= b; v++) values.add(v);
        } else if (/^\d+$/.test(p)) values.add(Number(p));
        else if (names && names.test(p)) values.add(DOW[p]);
        else return undefined;
    }
    const out = [...values].filter((v) => v >= lo && v <= hi).sort((a, b) => a - b);
    return out.length ? out : undefined;
}

/** Longest distance between consecutive values on a cycle of length `period`. */
function maxCyclicGap(values: readonly number[], period: number): number {
    if (values.length === 1) return period;
    let gap = 0;
    for (let i = 0; i < values.length; i++) {
        const next = i + 1 < values.length ? values[i + 1] : values[0] + period;
        gap = Math.max(gap, next - values[i]);
    }
    return gap;
}

/**
 * The `purpose` tag of the order events' global endpoint health check: it routes events, not users, so the
 * stack's DNS facts (what Route 53 answers users with, and how fast it detects a failure) leave it out.
 */
export const EVENT_ENDPOINT_HEALTH_CHECK_PURPOSE = "order-event-endpoint";

/** Whether a health check is the one the order events' global endpoint follows (not a user-facing DNS check). */
export function isEventEndpointHealthCheck(r: PlanResource): boolean {
    return tagsOf(r).purpose === EVENT_ENDPOINT_HEALTH_CHECK_PURPOSE;
}

/**
 * The records on the API's domain: an alias to an API Gateway custom domain name, or (when the alias's origin is
 * not visible, a peer's exported resources) a record that follows a CALCULATED health check and aliases no planned
 * load balancer. The region's own record follows a CALCULATED check too when its health signal is "region-serving"
 * (components/dns.ts), but it aliases the region's load balancer. The API's figures are estimated apart from the
 * region's (src/estimates/identity.ts).
 */
export function apiRecordsOf(resources: readonly PlanResource[]): PlanResource[] {
    const domains = ofType(resources, T.apiDomainName);
    const calculated = ofType(resources, T.healthCheck).filter((h) => get(h, "type") === "CALCULATED");
    return ofType(resources, T.record).filter(
        (r) =>
            domains.some((d) => refersTo(r, "aliases", d)) ||
            (calculated.some((h) => refersTo(r, "healthCheckId", h)) && !aliasesLoadBalancer(r, resources)),
    );
}

/**
 * The API's health checks: the CALCULATED check its record follows, and that check's children that are the API's own
 * (one CLOUDWATCH_METRIC check per service). The region's storefront check is a child too: it stays the region's
 * when another record follows it, and, when no record does (the region's record follows the "region-serving" check),
 * because the component that plans the region's record planned it, not the API's (where the parents are visible).
 */
export function apiHealthChecksOf(resources: readonly PlanResource[]): PlanResource[] {
    const checks = ofType(resources, T.healthCheck);
    const apiRecords = apiRecordsOf(resources);
    const others = ofType(resources, T.record).filter((r) => !apiRecords.includes(r));
    const parents = checks.filter((h) => apiRecords.some((r) => refersTo(r, "healthCheckId", h)));
    const sameComponent = (a: PlanResource, b: PlanResource) => {
        const pa = parentUrn(a);
        const pb = parentUrn(b);
        return pa === undefined || pb === undefined || pa === pb;
    };
    const children = checks.filter(
        (h) =>
            !parents.includes(h) &&
            parents.some((p) => refersTo(p, "childHealthchecks", h) && sameComponent(p, h)) &&
            !others.some((r) => refersTo(r, "healthCheckId", h)),
    );
    return [...parents, ...children];
}

/**
 * The name the API's keep-alive probe gives its function, its schedule and its log group (components/api.ts:
 * `securecart-api-keepalive-<region>`): the probe is the API's, not the order pipeline's.
 */
export const API_KEEPALIVE_PREFIX = "securecart-api-keepalive-";

/** The keep-alive probe's function name in a region (its log group is named after it, as Lambda expects). */
export const keepAliveFunctionName = (region: string) => `${API_KEEPALIVE_PREFIX}${region}`;

/** Backup-restore's user export: its function (components/identityExport.ts), named alike in every stack. */
export const USER_EXPORT_FUNCTION = "securecart-user-export";

/** The identity export buckets' names: `<prefix><account>-<region>`, fixed, so the home stack writes without reading. */
export const IDENTITY_EXPORT_BUCKET_PREFIX = "securecart-identity-export-";
export const identityExportBucketName = (account: string, region: string) => `${IDENTITY_EXPORT_BUCKET_PREFIX}${account}-${region}`;

/**
 * Whether a function (or the rule named like it) is one of the order pipeline's: `securecart-<name>` for a name in
 * PIPELINE_FUNCTIONS. The API's keep-alive probe and the user export are functions of other tiers.
 */
export function isPipelineFunction(r: PlanResource): boolean {
    const n = get(r, "name");
    return typeof n === "string" && (PIPELINE_FUNCTIONS as readonly string[]).some((x) => n === `securecart-${x}`);
}

/** Whether a function or schedule is the API's keep-alive probe. */
export function isApiKeepAlive(r: PlanResource): boolean {
    return text(get(r, "name")).startsWith(API_KEEPALIVE_PREFIX);
}

/** Extracts the estimate-relevant facts from one stack's resources. */
export function stackFacts(view: StackView): StackFacts {
    const rs = view.resources;
    const of = (type: string) => ofType(rs, type);

    // The API's record and checks answer for the API's domain, not the storefront's: the region's detection, DNS
    // and share of traffic are the storefront record's, as before the API existed; the API's own failover is
    // estimated beside them.
    const apiChecks = apiHealthChecksOf(rs);
    const apiRecords = apiRecordsOf(rs);
    const healthChecks: HealthCheckFacts[] = of(T.healthCheck)
        .filter((h) => !isEventEndpointHealthCheck(h) && !apiChecks.includes(h))
        .map((h) => healthCheckOf(h, rs));
    // The region's records; plain records (e.g. ACM validation CNAMEs) carry no user traffic, and the users' alias
    // to the edge routes to no region: neither counts.
    const records: RecordFacts[] = of(T.record)
        .filter((r) => isRoutingRecord(r) && !isEdgeAlias(r, rs) && !apiRecords.includes(r))
        .map((r) => recordOf(r, rs));

    const templates = of(T.launchTemplate);
    const web: WebFacts[] = of(T.asg).map((r) => {
        // By property dependency first (the template's id is unknown in a preview), then by value.
        const lt =
            templates.find((t) => dependsOn(r, "launchTemplate", t)) ??
            templates.find((t) => refersTo(r, "launchTemplate.id", t) || refersTo(r, "launchTemplate.name", t)) ??
            (templates.length === 1 ? templates[0] : undefined);
        // A count unknown in a preview counts as unset: its default.
        const c = asgCountsOf(r);
        const min = c.min ?? 0;
        return {
            name: r.name,
            min,
            max: c.max ?? min,
            desired: c.desired ?? min,
            // Auto Scaling's default grace period is 300 s.
            graceSeconds: num(get(r, "healthCheckGracePeriod")) ?? 300,
            instanceType: lt ? str(get(lt, "instanceType")) : undefined,
        };
    });

    const services: ServiceFacts[] = of(T.ecsService).map((r) => {
        const td = taskDefinitionOf(r, rs);
        const cpu = td ? num(get(td, "cpu")) : undefined;
        const mem = td ? num(get(td, "memory")) : undefined;
        const providers = arr(get(r, "capacityProviderStrategies")).map((c) => text(obj(c).capacityProvider));
        return {
            name: r.name,
            desired: num(get(r, "desiredCount")) ?? 0,
            fargate: get(r, "launchType") === "FARGATE" || providers.some((p) => p.startsWith("FARGATE")),
            vcpu: cpu === undefined ? undefined : cpu / 1024,
            memoryGb: mem === undefined ? undefined : mem / 1024,
        };
    });

    const clusters = of(T.rdsCluster);
    const aurora: AuroraFacts[] = clusters.map((r) => {
        // A stack with one cluster owns every instance it plans.
        const mine = clusters.length === 1 ? of(T.clusterInstance) : instancesOf(r, rs);
        return {
            name: r.name,
            arn: str(output(r, "arn")),
            urn: r.urn,
            global: get(r, "globalClusterIdentifier") !== undefined,
            restored: get(r, "snapshotIdentifier") !== undefined || get(r, "restoreToPointInTime") !== undefined || get(r, "s3Import") !== undefined,
            instanceClasses: mine.map((i) => text(get(i, "instanceClass"))),
            managedSecret: get(r, "manageMasterUserPassword") === true,
            writer:
                get(r, "globalClusterIdentifier") === undefined ||
                get(r, "masterUsername") !== undefined ||
                get(r, "manageMasterUserPassword") === true,
            ioOptimized: get(r, "storageType") === "aurora-iopt1",
        };
    });

    const tables: TableFacts[] = of(T.table).map((r) => {
        const replicas = arr(get(r, "replicas")).map(obj);
        const provisioned = get(r, "billingMode") === "PROVISIONED";
        return {
            name: text(get(r, "name"), r.name),
            arn: str(output(r, "arn")),
            urn: r.urn,
            provisioned,
            readCapacity: provisioned ? (num(get(r, "readCapacity")) ?? 0) : 0,
            writeCapacity: provisioned ? (num(get(r, "writeCapacity")) ?? 0) : 0,
            inlineReplicaRegions: replicas.map((x) => text(x.regionName)).filter(Boolean),
            strong: replicas.some((x) => x.consistencyMode === "STRONG") || get(r, "globalTableWitness") !== undefined,
            pitr: obj(get(r, "pointInTimeRecovery")).enabled === true,
            restored: get(r, "restoreSourceName") !== undefined || get(r, "restoreSourceTableArn") !== undefined,
        };
    });
    const replicas: ReplicaFacts[] = of(T.tableReplica).map((r) => ({
        name: r.name,
        globalTableArn: str(get(r, "globalTableArn")),
        strong: get(r, "consistencyMode") === "STRONG",
        pitr: get(r, "pointInTimeRecovery") === true,
    }));

    const selections = of(T.backupSelection);
    const selectedBy = (s: PlanResource): string[] => {
        const named = arr(get(s, "resources")).map((x) => text(x));
        // ARNs not known yet (a preview) stand for the resources they come from, named by property dependency.
        const deps = dependencyUrns(s, "resources");
        const pending = named.includes(UNKNOWN_JSON) && deps.length > 0;
        const listed = pending ? [...named.filter((x) => x !== UNKNOWN_JSON), ...deps] : named;
        // A selection by tags or conditions covers resources that are not listed by ARN.
        return arr(get(s, "selectionTags")).length || Object.keys(obj(get(s, "condition"))).length ? [...listed, "*"] : listed;
    };
    const backupRules: BackupRuleFacts[] = of(T.backupPlan).flatMap((p) => {
        // A selection belongs to the plan whose id it names; when ids are not visible (a policy's view), to any plan.
        // A plan's ARN ends with its id (arn:aws:backup:<region>:<account>:backup-plan:<id>).
        const planId = str(output(p, "id")) ?? str(output(p, "arn"))?.split(":").pop();
        // With property dependencies (a plan's view), a selection belongs to the plan its planId comes from.
        const mine = selections.filter((s) =>
            dependencyUrns(s, "planId").length > 0 && p.urn !== undefined
                ? dependsOn(s, "planId", p)
                : planId === undefined || str(get(s, "planId")) === undefined || get(s, "planId") === planId,
        );
        return arr(get(p, "rules"))
            .map(obj)
            .map((rule) => {
                const schedule = str(rule.schedule);
                const destinations = arr(rule.copyActions).map((c) => obj(c).destinationVaultArn);
                return {
                    plan: p.name,
                    rule: text(rule.ruleName),
                    schedule,
                    intervalSeconds: schedule ? cronIntervalSeconds(schedule) : undefined,
                    copyRegions: destinations.map((d) => arnRegion(str(d))).filter((x): x is string => x !== undefined),
                    unknownCopyDestinations: destinations.filter(isUnknown).length,
                    selected: mine.flatMap(selectedBy),
                };
            });
    });
    const backupSelected = selections.length ? selections.flatMap(selectedBy) : undefined;

    return {
        stack: view.stack,
        region: view.region,
        resourceCount: rs.filter((r) => isCloudResource(r.type)).length,
        healthChecks,
        records,
        albs: of(T.loadBalancer).length,
        web,
        services,
        aurora,
        globalClusters: of(T.globalCluster).length,
        tables,
        replicas,
        backupRules,
        backupSelected,
        vaults: of(T.backupVault).length,
        arcClusters: of(T.arcCluster).length,
    };
}

/**
 * The cluster that takes the stack's writes: a writer with the most instances (a backup-restore region can
 * also hold superseded recovery tiers, kept without instances, and a superseded founding cluster with one).
 */
export function writerCluster(f: StackFacts): AuroraFacts | undefined {
    const writers = f.aurora.filter((a) => a.writer);
    return [...writers].sort((a, b) => b.instanceClasses.length - a.instanceClasses.length)[0] ?? f.aurora[0];
}

/**
 * The standby's cluster that replicates `writer` live: only a member of the same global database, which a
 * standalone writer (a backup-restore recovery tier) has none of. A restored copy in the standby is not one.
 */
export function replicatingSecondary(writer: AuroraFacts | undefined, s: StackFacts): AuroraFacts | undefined {
    return writer?.global ? s.aurora.find((a) => a.global) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// promotions: the moves a primary's stack declares (components/globalSwitchover.ts, components/primaryMoves.ts)
// ---------------------------------------------------------------------------------------------------------

/** A planned value as a known string, UNKNOWN (a preview), or undefined when absent. */
export type PlannedText = string | typeof UNKNOWN | undefined;

function moveValue(r: PlanResource, key: string): PlannedText {
    const v = get(r, key);
    return isUnknown(v) ? UNKNOWN : typeof v === "string" ? v : undefined;
}

/** What one of the primary's moves asks for, read from its planned inputs. */
export type PrimaryMove =
    | {
          readonly kind: "writer";
          readonly globalClusterIdentifier: PlannedText;
          readonly targetClusterArn: PlannedText;
          readonly mode: PlannedText;
      }
    | {
          readonly kind: "cache";
          readonly globalReplicationGroupId: PlannedText;
          readonly targetReplicationGroupId: PlannedText;
          readonly targetRegion: PlannedText;
          readonly mode: PlannedText;
      }
    | {
          readonly kind: "files";
          readonly fileSystemId: PlannedText;
          readonly targetRegion: PlannedText;
          readonly mode: PlannedText;
      }
    | {
          readonly kind: "files-replication";
          readonly sourceFileSystemId: PlannedText;
          readonly sourceRegion: PlannedText;
          readonly destinationFileSystemId: PlannedText;
          readonly destinationRegion: PlannedText;
      };

/** The move a GlobalWriter, CachePrimary, FilesPrimary or FilesReplication resource asks for; undefined for any other type. */
export function primaryMoveOf(r: PlanResource): PrimaryMove | undefined {
    const v = (k: string) => moveValue(r, k);
    switch (r.type) {
        case DYNAMIC.globalWriter.token:
            return {
                kind: "writer",
                globalClusterIdentifier: v("globalClusterIdentifier"),
                targetClusterArn: v("targetClusterArn"),
                mode: v("mode"),
            };
        case DYNAMIC.cachePrimary.token:
            return {
                kind: "cache",
                globalReplicationGroupId: v("globalReplicationGroupId"),
                targetReplicationGroupId: v("targetReplicationGroupId"),
                targetRegion: v("targetRegion"),
                mode: v("mode"),
            };
        case DYNAMIC.filesPrimary.token:
            return { kind: "files", fileSystemId: v("fileSystemId"), targetRegion: v("targetRegion"), mode: v("mode") };
        case DYNAMIC.filesReplication.token:
            return {
                kind: "files-replication",
                sourceFileSystemId: v("sourceFileSystemId"),
                sourceRegion: v("sourceRegion"),
                destinationFileSystemId: v("destinationFileSystemId"),
                destinationRegion: v("destinationRegion"),
            };
        default:
            return undefined;
    }
}

// ---------------------------------------------------------------------------------------------------------
// edge
// ---------------------------------------------------------------------------------------------------------

/** One statement of an IAM policy document (a bucket policy), as plain data. */
export type PolicyStatement = Readonly<Record<string, unknown>>;

/**
 * The statements of a policy document given as JSON text or an object; UNKNOWN while the document is unknown
 * (a preview), [] when it is absent or not valid JSON.
 */
export function policyStatements(policy: unknown): PolicyStatement[] | typeof UNKNOWN {
    if (isUnknown(policy)) return UNKNOWN;
    let doc: unknown = policy;
    if (typeof policy === "string") {
        if (policy.includes(UNKNOWN_JSON)) return UNKNOWN;
        try {
            doc = JSON.parse(policy);
        } catch {
            return [];
        }
    }
    const st = obj(doc).Statement;
    return (Array.isArray(st) ? st : st !== undefined ? [st] : []).map(obj);
}

/** The service principals a statement names (`Principal: { Service: ... }`). */
export function statementServices(s: PolicyStatement): string[] {
    return [obj(s.Principal).Service].flat().filter(nonEmpty);
}

/** Whether a statement names everyone: `Principal: "*"` or `{ AWS: "*" }`. */
export function statementIsPublic(s: PolicyStatement): boolean {
    return s.Principal === "*" || [obj(s.Principal).AWS].flat().includes("*");
}

/** The actions of a statement. */
export function statementActions(s: PolicyStatement): string[] {
    return [s.Action].flat().filter(nonEmpty);
}

/** The condition keys a statement tests, whatever the operator (`{ StringEquals: { "AWS:SourceArn": ... } }`). */
export function statementConditionKeys(s: PolicyStatement): string[] {
    return Object.values(obj(s.Condition)).flatMap((ops) => Object.keys(obj(ops)));
}

/** The policies of the bucket policies that apply to `bucket`. */
export function bucketPoliciesOf(bucket: PlanResource, resources: readonly PlanResource[]): unknown[] {
    return ofType(resources, T.bucketPolicy)
        .filter((p) => refersTo(p, "bucket", bucket))
        .map((p) => get(p, "policy"));
}

/**
 * Whether a bucket's policies let `service` write into it (s3:PutObject or s3:*); UNKNOWN when a policy is
 * unknown (a preview) and none of the known ones does.
 */
export function bucketGrantsServiceWrite(bucket: PlanResource, resources: readonly PlanResource[], service: string): boolean | typeof UNKNOWN {
    let pending = false;
    for (const p of bucketPoliciesOf(bucket, resources)) {
        const sts = policyStatements(p);
        if (sts === UNKNOWN) {
            pending = true;
            continue;
        }
        const grants = sts.some(
            (st) =>
                st.Effect === "Allow" &&
                statementServices(st).includes(service) &&
                statementActions(st).some((a) => a === "s3:PutObject" || a === "s3:*"),
        );
        if (grants) return true;
    }
    return pending ? UNKNOWN : false;
}

/**
 * The default encryption of a bucket: from its SSE configuration resources, or the (deprecated) inline block;
 * an algorithm and key UNKNOWN for a configuration whose rules are unknown (a preview).
 */
export interface BucketSse {
    readonly algorithm: unknown;
    readonly key: unknown;
}

export function bucketEncryptionOf(bucket: PlanResource, resources: readonly PlanResource[]): BucketSse[] {
    const out: BucketSse[] = [];
    const fromRule = (rule: unknown) => {
        const d = obj(obj(rule).applyServerSideEncryptionByDefault);
        if (Object.keys(d).length) out.push({ algorithm: d.sseAlgorithm, key: d.kmsMasterKeyId });
    };
    for (const c of ofType(resources, T.bucketSse, T.bucketSseV2)) {
        if (!refersTo(c, "bucket", bucket)) continue;
        const rules = get(c, "rules");
        // Rules that name a pending key (a preview): declared, their algorithm and key known at the update.
        if (isUnknown(rules)) out.push({ algorithm: UNKNOWN, key: UNKNOWN });
        else for (const rule of arr(rules)) fromRule(rule);
    }
    const inline = get(bucket, "serverSideEncryptionConfiguration.rule");
    if (inline) fromRule(inline);
    return out;
}

/** The service principal S3 server access logging writes as (Amazon S3 user guide, "Enabling Amazon S3 server access logging"). */
export const S3_LOG_DELIVERY = "logging.s3.amazonaws.com";

/**
 * Whether a bucket is versioned: a BucketVersioning naming it with status Enabled (UNKNOWN while that status is
 * pending, a preview), or the deprecated inline `versioning.enabled`.
 */
export function bucketVersioningOf(bucket: PlanResource, resources: readonly PlanResource[]): boolean | typeof UNKNOWN {
    const status = ofType(resources, T.bucketVersioning, T.bucketVersioningV2)
        .filter((v) => refersTo(v, "bucket", bucket))
        .map((v) => get(v, "versioningConfiguration.status"));
    if (status.includes("Enabled") || get(bucket, "versioning.enabled") === true) return true;
    return status.some(isUnknown) ? UNKNOWN : false;
}

/** A bucket's Object Lock as planned: switched on at the bucket, and the default retention its lock configurations set. */
export interface ObjectLockFacts {
    /** The bucket's `objectLockEnabled` (set at creation); UNKNOWN while pending. */
    readonly onBucket: boolean | typeof UNKNOWN;
    /** Each BucketObjectLockConfiguration naming it: enabled, and its default retention (mode, days or years). */
    readonly configurations: readonly { readonly enabled: unknown; readonly mode: unknown; readonly days?: number; readonly years?: number }[];
}

export function bucketObjectLockOf(bucket: PlanResource, resources: readonly PlanResource[]): ObjectLockFacts {
    const on = get(bucket, "objectLockEnabled");
    return {
        onBucket: isUnknown(on)
            ? UNKNOWN
            : on === true || on === "true" || obj(get(bucket, "objectLockConfiguration")).objectLockEnabled === "Enabled",
        configurations: ofType(resources, T.bucketObjectLock)
            .filter((c) => refersTo(c, "bucket", bucket))
            .map((c) => {
                const retention = get(c, "rule.defaultRetention");
                const r = obj(retention);
                return {
                    enabled: get(c, "objectLockEnabled") ?? "Enabled",
                    mode: isUnknown(retention) ? UNKNOWN : r.mode,
                    days: num(r.days),
                    years: num(r.years),
                };
            }),
    };
}

/** The BucketLogging resources that log `bucket`'s requests. */
export function bucketLoggingsOf(bucket: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.bucketLogging).filter((l) => refersTo(l, "bucket", bucket));
}

/**
 * Whether a bucket receives S3 server access logs: a BucketLogging names it as its target, or its policy lets
 * S3's log delivery write. UNKNOWN when neither is shown and one of its policies is unknown (a preview).
 */
export function isServerAccessLogTarget(bucket: PlanResource, resources: readonly PlanResource[]): boolean | typeof UNKNOWN {
    if (ofType(resources, T.bucketLogging).some((l) => refersTo(l, "targetBucket", bucket))) return true;
    return bucketGrantsServiceWrite(bucket, resources, S3_LOG_DELIVERY);
}

/** The bucket name an S3 origin's domain names (`<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3.amazonaws.com`). */
export function s3OriginBucket(domainName: unknown): string | undefined {
    return nonEmpty(domainName) ? /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(domainName)?.[1] : undefined;
}

/** One origin of a CloudFront distribution. */
export interface OriginFacts {
    readonly id: string;
    readonly domainName: unknown;
    /** An S3 bucket origin (s3OriginConfig, or an S3 endpoint as its domain), not an S3 website endpoint. */
    readonly s3: boolean;
    readonly bucket?: string;
    readonly originAccessControlId: unknown;
    readonly originAccessIdentity: unknown;
    /** The customOriginConfig block, when the origin is a custom (HTTP) origin. */
    readonly custom?: Readonly<Record<string, unknown>>;
}

/** A distribution's origins; UNKNOWN while the list is unknown (a preview). */
export function originsOf(distribution: PlanResource): OriginFacts[] | typeof UNKNOWN {
    const os = get(distribution, "origins");
    if (isUnknown(os)) return UNKNOWN;
    return arr(os)
        .map(obj)
        .map((o) => {
            const custom = o.customOriginConfig === undefined ? undefined : obj(o.customOriginConfig);
            const bucket = s3OriginBucket(o.domainName);
            return {
                id: text(o.originId),
                domainName: o.domainName,
                s3: custom === undefined && (o.s3OriginConfig !== undefined || bucket !== undefined),
                bucket,
                originAccessControlId: o.originAccessControlId,
                originAccessIdentity: obj(o.s3OriginConfig).originAccessIdentity,
                custom,
            };
        });
}

/**
 * The buckets that hold static assets: those a planned distribution reads as an S3 origin, those whose policy
 * lets CloudFront read, and those that replicate to other buckets (a standby's asset bucket has no
 * distribution in its stack; in a first preview its policy is unknown, but its replication names it).
 */
export function assetBucketsOf(resources: readonly PlanResource[]): PlanResource[] {
    const originBuckets = new Set(
        ofType(resources, T.cloudfrontDistribution).flatMap((d) => {
            const os = originsOf(d);
            return os === UNKNOWN ? [] : os.filter((o) => o.s3 && o.bucket !== undefined).map((o) => o.bucket as string);
        }),
    );
    const replications = ofType(resources, T.bucketReplication);
    return ofType(resources, T.bucket, T.bucketV2).filter((b) => {
        const name = str(get(b, "bucket")) ?? str(output(b, "bucket"));
        if (name !== undefined && originBuckets.has(name)) return true;
        if (replications.some((r) => refersTo(r, "bucket", b))) return true;
        return bucketPoliciesOf(b, resources).some((p) => {
            const sts = policyStatements(p);
            return sts !== UNKNOWN && sts.some((st) => st.Effect === "Allow" && statementServices(st).includes("cloudfront.amazonaws.com"));
        });
    });
}

/** One replication rule of a bucket's replication configuration, as plain data. */
export interface ReplicationRuleFacts {
    readonly id: string;
    readonly enabled: boolean;
    /** The destination bucket's name (from its ARN); UNKNOWN while it is unknown. */
    readonly destinationBucket: PlannedText;
    readonly rtcMinutes?: number;
    readonly rtcEnabled: boolean;
    readonly metricsEnabled: boolean;
    readonly deleteMarkers: boolean;
    readonly kmsObjects: boolean;
    readonly replicaKmsKey: unknown;
    readonly replicaModifications: boolean;
}

/** The replication rules `bucket` is the source of; UNKNOWN when a configuration's rules are unknown (a preview). */
export function replicationRulesOf(bucket: PlanResource, resources: readonly PlanResource[]): ReplicationRuleFacts[] | typeof UNKNOWN {
    const out: ReplicationRuleFacts[] = [];
    for (const c of ofType(resources, T.bucketReplication).filter((r) => refersTo(r, "bucket", bucket))) {
        const rules = get(c, "rules");
        if (isUnknown(rules)) return UNKNOWN;
        for (const rule of arr(rules).map(obj)) {
            const dest = obj(rule.destination);
            const enabled = (v: unknown) => obj(v).status === "Enabled";
            const arn = dest.bucket;
            out.push({
                id: text(rule.id),
                enabled: rule.status === "Enabled",
                destinationBucket: isUnknown(arn) ? UNKNOWN : nonEmpty(arn) ? arn.replace(/^arn:aws[a-z-]*:s3:::/, "") : undefined,
                rtcMinutes: num(obj(obj(dest.replicationTime).time).minutes),
                rtcEnabled: enabled(dest.replicationTime),
                metricsEnabled: enabled(dest.metrics),
                deleteMarkers: enabled(rule.deleteMarkerReplication),
                kmsObjects: enabled(obj(rule.sourceSelectionCriteria).sseKmsEncryptedObjects),
                replicaKmsKey: obj(dest.encryptionConfiguration).replicaKmsKeyId,
                replicaModifications: enabled(obj(rule.sourceSelectionCriteria).replicaModifications),
            });
        }
    }
    return out;
}

/** Another stack's asset bucket, as this stack's StackReferences read it from that stack's deployed outputs. */
export interface PeerBucket {
    readonly stack: string;
    readonly region?: string;
    readonly bucket: string;
}

/**
 * The other regions' asset buckets that exist: each StackReference whose referenced stack's outputs name an
 * `assetBucketName` (src/main.ts replicates into exactly these). A stack not deployed yet has no outputs.
 */
export function peerAssetBuckets(resources: readonly PlanResource[]): PeerBucket[] {
    return ofType(resources, PULUMI.stackReference).flatMap((r) => {
        const bucket = get(r, "outputs.assetBucketName");
        return nonEmpty(bucket) ? [{ stack: text(get(r, "name"), r.name), region: str(get(r, "outputs.region")), bucket }] : [];
    });
}

/** How a CLOUDWATCH_METRIC health check decides: its alarm's period and evaluation periods. */
export interface AlarmDetection {
    readonly alarm: string;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
}

/**
 * The alarm a CLOUDWATCH_METRIC health check follows (its cloudwatchAlarmName refers to it) and that alarm's
 * timing; undefined when the check is another type or its alarm is not in the stack, UNKNOWN while the
 * timing is unknown (a preview). Route 53 copies the alarm's period and evaluation periods and watches its
 * data stream (Route 53 API reference, CloudWatchAlarmConfiguration).
 */
export function alarmDetectionOf(check: PlanResource, resources: readonly PlanResource[]): AlarmDetection | typeof UNKNOWN | undefined {
    if (get(check, "type") !== "CLOUDWATCH_METRIC") return undefined;
    const alarm = ofType(resources, T.metricAlarm).find((a) => refersTo(check, "cloudwatchAlarmName", a));
    if (!alarm) return undefined;
    const period = get(alarm, "period");
    const evaluations = get(alarm, "evaluationPeriods");
    if (isUnknown(period) || isUnknown(evaluations)) return UNKNOWN;
    const p = num(period);
    const e = num(evaluations);
    return p === undefined || e === undefined ? undefined : { alarm: alarm.name, periodSeconds: p, evaluationPeriods: e };
}

/** Where one ingress permission admits traffic from: CIDRs, managed prefix lists, other security groups. */
export interface IngressSources {
    readonly cidrs: readonly string[];
    readonly prefixLists: readonly string[];
    readonly groups: readonly string[];
    /** Some source is unknown (a preview). */
    readonly pending: boolean;
}

/**
 * The sources of the ingress permissions that apply to security group `sg`: its inline rules, and the
 * SecurityGroupRule (type ingress) and SecurityGroupIngressRule resources that name it. Read leniently: a
 * source unknown in a preview is a reference to another resource (a prefix list or group), never a CIDR.
 */
export function ingressSourcesOf(sg: PlanResource, resources: readonly PlanResource[]): IngressSources[] {
    const list = (v: unknown) => (isUnknown(v) ? [] : [v].flat().filter(nonEmpty));
    const pending = (...vs: unknown[]) => vs.some((v) => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown)));
    const inline = get(sg, "ingress");
    const out: IngressSources[] = isUnknown(inline)
        ? [{ cidrs: [], prefixLists: [], groups: [], pending: true }]
        : arr(inline)
              .map(obj)
              .map((i) => ({
                  cidrs: [...list(i.cidrBlocks), ...list(i.ipv6CidrBlocks)],
                  prefixLists: list(i.prefixListIds),
                  groups: list(i.securityGroups),
                  pending: pending(i.cidrBlocks, i.ipv6CidrBlocks, i.prefixListIds, i.securityGroups),
              }));
    for (const r of ofType(resources, T.securityGroupRule)) {
        if (get(r, "type") !== "ingress" || !refersTo(r, "securityGroupId", sg)) continue;
        const [c4, c6, pl, g] = ["cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "sourceSecurityGroupId"].map((k) => get(r, k));
        out.push({ cidrs: [...list(c4), ...list(c6)], prefixLists: list(pl), groups: list(g), pending: pending(c4, c6, pl, g) });
    }
    for (const r of ofType(resources, T.ingressRule)) {
        if (!refersTo(r, "securityGroupId", sg)) continue;
        const [c4, c6, pl, g] = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].map((k) => get(r, k));
        out.push({ cidrs: [...list(c4), ...list(c6)], prefixLists: list(pl), groups: list(g), pending: pending(c4, c6, pl, g) });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// edge (estimates)
// ---------------------------------------------------------------------------------------------------------

/** The connection settings CloudFront tries an origin with before giving up on it. */
export interface OriginTiming {
    readonly id: string;
    /** The bucket an S3 origin reads, and its region, from the origin's domain. */
    readonly bucket?: string;
    readonly region?: string;
    readonly connectionAttempts: number;
    readonly connectionTimeoutSeconds: number;
}

/** A cache behaviour served from S3 (the static assets): the origin group's members in failover order, or one origin. */
export interface StaticBehaviorFacts {
    readonly pathPattern: string;
    readonly targetOriginId: string;
    /** Served through an origin group (origin failover), not a single origin. */
    readonly grouped: boolean;
    readonly members: readonly OriginTiming[];
    readonly failoverStatusCodes: readonly number[];
}

export interface DistributionFacts {
    readonly name: string;
    /** A web ACL is attached (webAclId set): every request the distribution receives is inspected. */
    readonly webAcl: boolean;
    readonly staticBehaviors: readonly StaticBehaviorFacts[];
}

export interface WebAclFacts {
    readonly name: string;
    /** Rules in the web ACL (a managed rule group is one rule). */
    readonly rules: number;
    readonly managedRuleGroups: readonly string[];
    /** Attached to a distribution planned in the same stack. */
    readonly attached: boolean;
}

/** An asset bucket's replication rule, with the storage class it writes the replicas in. */
export interface AssetReplicationRule extends ReplicationRuleFacts {
    /** The destination.storageClass; undefined when unset (S3 then keeps the source object's class). */
    readonly storageClass?: string;
}

export interface AssetBucketFacts {
    readonly name: string;
    /** Its replication rules; "unknown" while they are unknown (a preview). */
    readonly rules: readonly AssetReplicationRule[] | "unknown";
}

/** What the estimates read of the edge tier in one stack. */
export interface EdgeFacts {
    readonly stack: string;
    readonly region: string;
    readonly distributions: readonly DistributionFacts[];
    readonly webAcls: readonly WebAclFacts[];
    readonly assetBuckets: readonly AssetBucketFacts[];
    /** Log groups that receive WAF or CloudFront access logs (their volume follows the edge's requests). */
    readonly edgeLogGroups: readonly string[];
}

/** The region an S3 origin's domain names (`<bucket>.s3.<region>.amazonaws.com`). */
function s3OriginRegion(domainName: unknown): string | undefined {
    return nonEmpty(domainName) ? /\.s3[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(domainName)?.[1] : undefined;
}

/**
 * A distribution's origins with their connection settings, CloudFront's defaults filled in: 3 attempts of
 * 10 s each (CloudFront developer guide, "Origin settings": Connection attempts, Connection timeout).
 */
export function originTimingsOf(distribution: PlanResource): OriginTiming[] {
    return arr(get(distribution, "origins"))
        .map(obj)
        .map((o) => ({
            id: text(o.originId),
            bucket: s3OriginBucket(o.domainName),
            region: s3OriginRegion(o.domainName),
            connectionAttempts: num(o.connectionAttempts) ?? 3,
            connectionTimeoutSeconds: num(o.connectionTimeout) ?? 10,
        }));
}

/** The behaviours of a distribution that serve from S3 origins (directly or through an origin group). */
export function staticBehaviorsOf(distribution: PlanResource): StaticBehaviorFacts[] {
    const origins = originTimingsOf(distribution);
    const groups = arr(get(distribution, "originGroups")).map(obj);
    const behaviors = [
        { ...obj(get(distribution, "defaultCacheBehavior")), pathPattern: "*" },
        ...arr(get(distribution, "orderedCacheBehaviors")).map(obj),
    ];
    return behaviors.flatMap((b) => {
        const target = text(b.targetOriginId);
        const group = groups.find((g) => text(g.originId) === target);
        const found = group
            ? arr(group.members).map((m) => origins.find((o) => o.id === text(obj(m).originId)))
            : origins.filter((o) => o.id === target);
        const members = found.filter((m): m is OriginTiming => m !== undefined && m.bucket !== undefined);
        if (members.length === 0 || members.length !== found.length) return [];
        return [
            {
                pathPattern: text(b.pathPattern),
                targetOriginId: target,
                grouped: group !== undefined,
                members,
                failoverStatusCodes: group
                    ? arr(obj(group.failoverCriteria).statusCodes)
                          .map(num)
                          .filter((n): n is number => n !== undefined)
                    : [],
            },
        ];
    });
}

/** A web ACL's rule count and managed rule groups. */
export function webAclOf(acl: PlanResource, resources: readonly PlanResource[]): WebAclFacts {
    const rules = arr(get(acl, "rules")).map(obj);
    return {
        name: acl.name,
        rules: rules.length,
        managedRuleGroups: rules.map((r) => str(obj(obj(r.statement).managedRuleGroupStatement).name)).filter(nonEmpty),
        attached: ofType(resources, T.cloudfrontDistribution).some((d) => refersTo(d, "webAclId", acl)),
    };
}

/** The asset buckets of a stack (assetBucketsOf) with their replication rules and replica storage classes. */
export function assetBucketFactsOf(resources: readonly PlanResource[]): AssetBucketFacts[] {
    return assetBucketsOf(resources).map((b) => {
        const rules = replicationRulesOf(b, resources);
        const classes = new Map<string, string | undefined>(
            ofType(resources, T.bucketReplication)
                .filter((c) => refersTo(c, "bucket", b))
                .flatMap((c) => arr(get(c, "rules")).map(obj))
                .map((rule) => [text(rule.id), str(obj(rule.destination).storageClass)]),
        );
        return {
            name: str(get(b, "bucket")) ?? str(output(b, "bucket")) ?? b.name,
            rules: rules === UNKNOWN ? "unknown" : rules.map((r) => ({ ...r, storageClass: classes.get(r.id) })),
        };
    });
}

/** Log groups that a WAF logging configuration or a CloudWatch Logs delivery destination (CloudFront access logs) writes to. */
export function edgeLogGroupsOf(resources: readonly PlanResource[]): PlanResource[] {
    const waf = ofType(resources, T.webAclLogging);
    const deliveries = ofType(resources, T.logDeliveryDestination);
    return ofType(resources, T.logGroup).filter(
        (g) =>
            waf.some((w) => namesLogGroup(w, "logDestinationConfigs", g)) ||
            deliveries.some((d) => namesLogGroup(d, "deliveryDestinationConfiguration.destinationResourceArn", g)),
    );
}

/** The edge tier's facts of one stack, for the estimates. */
export function edgeFacts(view: StackView): EdgeFacts {
    const rs = view.resources;
    return {
        stack: view.stack,
        region: view.region,
        distributions: ofType(rs, T.cloudfrontDistribution).map((d) => ({
            name: d.name,
            webAcl: nonEmpty(get(d, "webAclId")) || isUnknown(get(d, "webAclId")),
            staticBehaviors: staticBehaviorsOf(d),
        })),
        webAcls: ofType(rs, T.webAcl).map((a) => webAclOf(a, rs)),
        assetBuckets: assetBucketFactsOf(rs),
        edgeLogGroups: edgeLogGroupsOf(rs).map((g) => text(get(g, "name"), g.name)),
    };
}

// ---------------------------------------------------------------------------------------------------------
// The order pipeline: SQS queues and their dead-letter queues, Lambda functions, EventBridge.
// ---------------------------------------------------------------------------------------------------------

/**
 * A JSON document given as text or as an object (SQS redrive policies are JSON text): UNKNOWN while it is
 * unknown (a preview), undefined when absent or not valid JSON.
 */
export function jsonDocument(v: unknown): Record<string, unknown> | typeof UNKNOWN | undefined {
    if (isUnknown(v)) return UNKNOWN;
    if (typeof v === "string") {
        if (v.includes(UNKNOWN_JSON)) return UNKNOWN;
        try {
            return obj(JSON.parse(v));
        } catch {
            return undefined;
        }
    }
    return v === undefined || v === null ? undefined : obj(v);
}

/**
 * Whether the value at `path` of `r` (under the top-level input `top`) names `target` by its ARN or URL; while
 * the value is unknown (a preview), whether `target`'s outputs flowed into `top`.
 */
function namesAt(r: PlanResource, top: string, path: string, target: PlanResource): boolean {
    const v = get(r, path);
    if (nonEmpty(v)) return ["arn", "url"].some((k) => [get(target, k), output(target, k)].includes(v));
    return isUnknown(v) || isUnknown(get(r, top)) ? dependsOn(r, top, target) : false;
}

/** Whether `r`'s input `key` names `queue`: by dependency, or by the queue's URL (SQS settings address queues by URL). */
function namesQueue(r: PlanResource, key: string, queue: PlanResource): boolean {
    if (dependsOn(r, key, queue)) return true;
    const v = get(r, key);
    return nonEmpty(v) && [get(queue, "url"), output(queue, "url"), get(queue, "id"), output(queue, "id")].includes(v);
}

/** One redrive policy of a queue: where its messages go after maxReceiveCount receives. */
export interface Redrive {
    /** What sets it: the queue itself (inline redrivePolicy) or an aws.sqs.RedrivePolicy. */
    readonly via: PlanResource;
    /** The dead-letter queue's ARN; UNKNOWN while the policy is (a preview). */
    readonly deadLetterTargetArn: unknown;
}

/** The redrive policies of `queue`: its inline redrivePolicy and every aws.sqs.RedrivePolicy on its URL. */
export function redrivesOf(queue: PlanResource, resources: readonly PlanResource[]): Redrive[] {
    const via = [queue, ...ofType(resources, T.sqsRedrivePolicy).filter((p) => namesQueue(p, "queueUrl", queue))];
    return via.flatMap((v) => {
        const doc = jsonDocument(get(v, "redrivePolicy"));
        if (doc === undefined) return [];
        return [{ via: v, deadLetterTargetArn: doc === UNKNOWN ? UNKNOWN : doc.deadLetterTargetArn }];
    });
}

/** Whether a redrive policy sends to `dlq` (by ARN, or while unknown by dependency). */
export function redrivesTo(d: Redrive, dlq: PlanResource): boolean {
    if (nonEmpty(d.deadLetterTargetArn)) return [get(dlq, "arn"), output(dlq, "arn")].includes(d.deadLetterTargetArn);
    return isUnknown(d.deadLetterTargetArn) && dependsOn(d.via, "redrivePolicy", dlq);
}

/** One redrive-allow policy of a dead-letter queue: which source queues may use it. */
export interface RedriveAllow {
    readonly via: PlanResource;
    /** allowAll, denyAll or byQueue; UNKNOWN in a preview. */
    readonly permission: unknown;
    /** The source queues' ARNs (byQueue); UNKNOWN in a preview. */
    readonly sourceQueueArns: unknown[] | typeof UNKNOWN;
}

/** The redrive-allow policies of `dlq`: its inline redriveAllowPolicy and every aws.sqs.RedriveAllowPolicy on its URL. */
export function redriveAllowsOf(dlq: PlanResource, resources: readonly PlanResource[]): RedriveAllow[] {
    const via = [dlq, ...ofType(resources, T.sqsRedriveAllowPolicy).filter((p) => namesQueue(p, "queueUrl", dlq))];
    return via.flatMap((v) => {
        const doc = jsonDocument(get(v, "redriveAllowPolicy"));
        if (doc === undefined) return [];
        if (doc === UNKNOWN) return [{ via: v, permission: UNKNOWN, sourceQueueArns: UNKNOWN }];
        return [{ via: v, permission: doc.redrivePermission, sourceQueueArns: isUnknown(doc.sourceQueueArns) ? UNKNOWN : arr(doc.sourceQueueArns) }];
    });
}

/** Whether a byQueue redrive-allow policy names `source` (by ARN, or while unknown by dependency). */
export function allowsSource(a: RedriveAllow, source: PlanResource): boolean {
    if (a.sourceQueueArns === UNKNOWN || a.sourceQueueArns.some(isUnknown)) return dependsOn(a.via, "redriveAllowPolicy", source);
    const arns = [get(source, "arn"), output(source, "arn")].filter(nonEmpty);
    return a.sourceQueueArns.some((x) => arns.includes(x as string));
}

/**
 * What names `queue` as a dead-letter target: another queue's redrive policy, a function's deadLetterConfig, an
 * EventBridge target's deadLetterConfig, an asynchronous invocation config's or an event source mapping's
 * on-failure destination.
 */
export function deadLetterSourcesOf(queue: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const out: PlanResource[] = [];
    for (const q of ofType(resources, T.sqsQueue)) if (q !== queue && redrivesOf(q, resources).some((d) => redrivesTo(d, queue))) out.push(q);
    for (const f of ofType(resources, T.lambdaFunction)) if (namesAt(f, "deadLetterConfig", "deadLetterConfig.targetArn", queue)) out.push(f);
    for (const t of ofType(resources, T.eventTarget)) if (namesAt(t, "deadLetterConfig", "deadLetterConfig.arn", queue)) out.push(t);
    for (const c of ofType(resources, T.lambdaEventInvokeConfig))
        if (namesAt(c, "destinationConfig", "destinationConfig.onFailure.destination", queue)) out.push(c);
    for (const m of ofType(resources, T.eventSourceMapping))
        if (namesAt(m, "destinationConfig", "destinationConfig.onFailure.destinationArn", queue)) out.push(m);
    return out;
}

/** A queue's visibility timeout in seconds (SQS's default 30 when unset); undefined while unknown. */
export function visibilityTimeoutOf(queue: PlanResource): number | undefined {
    const v = get(queue, "visibilityTimeoutSeconds");
    return v === undefined || v === null ? 30 : num(v);
}

/** A queue's message retention in seconds (SQS's default 4 days when unset); undefined while unknown. */
export function messageRetentionOf(queue: PlanResource): number | undefined {
    const v = get(queue, "messageRetentionSeconds");
    return v === undefined || v === null ? 345_600 : num(v);
}

/** A function's timeout in seconds (Lambda's default 3 when unset); undefined while unknown. */
export function functionTimeoutOf(fn: PlanResource): number | undefined {
    const v = get(fn, "timeout");
    return v === undefined || v === null ? 3 : num(v);
}

/** The planned function an event source mapping invokes (functionName is the function's name or ARN). */
export function mappedFunctionOf(mapping: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    return ofType(resources, T.lambdaFunction).find((f) => refersTo(mapping, "functionName", f));
}

/** The planned queue an event source mapping reads. */
export function mappedQueueOf(mapping: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    return ofType(resources, T.sqsQueue).find((q) => refersTo(mapping, "eventSourceArn", q));
}

/** Whether an event source mapping polls (the provider's default is enabled); UNKNOWN while unknown. */
export function mappingEnabled(mapping: PlanResource): boolean | typeof UNKNOWN {
    const v = get(mapping, "enabled");
    if (isUnknown(v)) return UNKNOWN;
    return v === undefined || v === null ? true : v === true || v === "true";
}

/**
 * An EventBridge rule's state: `state`, else the deprecated `isEnabled`, else the provider's default ENABLED;
 * UNKNOWN while unknown.
 */
export function ruleStateOf(rule: PlanResource): string | typeof UNKNOWN {
    const state = get(rule, "state");
    if (isUnknown(state)) return UNKNOWN;
    if (nonEmpty(state)) return state;
    const enabled = get(rule, "isEnabled");
    if (isUnknown(enabled)) return UNKNOWN;
    return enabled === false || enabled === "false" ? "DISABLED" : "ENABLED";
}

/** The planned event bus a rule is on (none: the account's default bus). */
export function ruleBusOf(rule: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    return ofType(resources, T.eventBus).find((b) => refersTo(rule, "eventBusName", b));
}

/** The planned EventBridge targets of `rule` (their `rule` names it). */
export function ruleTargetsOf(rule: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.eventTarget).filter((t) => refersTo(t, "rule", rule));
}

/** The planned state machines a rule's targets start. */
export function ruleStateMachineTargets(rule: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const targets = ruleTargetsOf(rule, resources);
    return ofType(resources, T.stateMachine).filter((m) => targets.some((t) => refersTo(t, "arn", m)));
}

/** The planned functions a rule's targets invoke. */
export function ruleFunctionTargets(rule: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const targets = ruleTargetsOf(rule, resources);
    return ofType(resources, T.lambdaFunction).filter((f) => targets.some((t) => refersTo(t, "arn", f)));
}

/**
 * The log group a function writes to: loggingConfig.logGroup, else Lambda's default /aws/lambda/<name>, among
 * the planned log groups; UNKNOWN while the name is unknown and no planned group flowed into it; undefined when
 * no planned group has that name.
 */
export function functionLogGroupOf(fn: PlanResource, resources: readonly PlanResource[]): PlanResource | typeof UNKNOWN | undefined {
    const groups = ofType(resources, T.logGroup);
    const named = get(fn, "loggingConfig.logGroup");
    if (isUnknown(named)) return groups.find((g) => dependsOn(fn, "loggingConfig", g)) ?? UNKNOWN;
    const fnName = get(fn, "name");
    const name = nonEmpty(named) ? named : nonEmpty(fnName) ? `/aws/lambda/${fnName}` : undefined;
    if (name === undefined) return isUnknown(fnName) ? UNKNOWN : undefined;
    return groups.find((g) => get(g, "name") === name || output(g, "name") === name);
}

/** Another region's order bus as this stack's StackReferences read it (its stack's deployed `orderBusArn` output). */
export interface PeerBus {
    readonly stack: string;
    readonly region?: string;
    readonly busArn: string;
}

/** The other stacks' order buses that exist: those whose deployed outputs name an orderBusArn. */
export function peerOrderBuses(resources: readonly PlanResource[]): PeerBus[] {
    return ofType(resources, PULUMI.stackReference).flatMap((r) => {
        const busArn = get(r, "outputs.orderBusArn");
        return nonEmpty(busArn) ? [{ stack: text(get(r, "name"), r.name), region: str(get(r, "outputs.region")) ?? arnRegion(busArn), busArn }] : [];
    });
}

// ---------------------------------------------------------------------------------------------------------
// cache (ElastiCache) and shared files (EFS)
// ---------------------------------------------------------------------------------------------------------

/** A cache replication group's settings that decide its recovery and its cost, read from its planned inputs. */
export interface CacheGroupSettings {
    /** The group's replicationGroupId, else the resource's name. */
    readonly id: string;
    /** Its replicationGroupId as planned (unknown in a preview only if computed). */
    readonly replicationGroupId: PlannedText;
    /** Its own node type; undefined for a Global Datastore secondary, which inherits the primary's and must not set one. */
    readonly nodeType?: string;
    /** numCacheClusters: the primary and its replicas; undefined when not set. */
    readonly nodes?: number;
    /** The Global Datastore it joins by id, where it is a secondary member by declaration. */
    readonly globalReplicationGroupId: PlannedText;
    /** It joins a Global Datastore by id; set in a preview too. */
    readonly joinsGlobalDatastore: boolean;
    /** snapshotRetentionLimit: days automatic snapshots are kept (0 or unset: none). */
    readonly snapshotRetentionDays: number;
    /** Unset on a Global Datastore secondary: it inherits engine and version from the primary. */
    readonly engine?: string;
    readonly engineVersion?: string;
    readonly multiAz: boolean;
}

/** The nodes of a replication group: numCacheClusters, or (cluster mode) a primary and its replicas per shard. */
export function cacheNodesOf(g: PlanResource): number | typeof UNKNOWN | undefined {
    const clusters = get(g, "numCacheClusters");
    const replicas = get(g, "replicasPerNodeGroup");
    if (isUnknown(clusters) || isUnknown(replicas)) return UNKNOWN;
    return num(clusters) ?? (num(replicas) !== undefined ? 1 + (num(replicas) as number) : undefined);
}

export function cacheGroupOf(r: PlanResource): CacheGroupSettings {
    return {
        id: text(get(r, "replicationGroupId"), r.name),
        replicationGroupId: moveValue(r, "replicationGroupId"),
        nodeType: str(get(r, "nodeType")),
        nodes: ((n) => (n === UNKNOWN ? undefined : n))(cacheNodesOf(r)),
        globalReplicationGroupId: moveValue(r, "globalReplicationGroupId"),
        joinsGlobalDatastore: isSet(get(r, "globalReplicationGroupId")),
        snapshotRetentionDays: num(get(r, "snapshotRetentionLimit")) ?? 0,
        engine: str(get(r, "engine")),
        engineVersion: str(get(r, "engineVersion")),
        multiAz: get(r, "multiAzEnabled") === true,
    };
}

/** One planned ElastiCache replication group, and what this stack plans around it. */
export interface CacheGroupFacts extends CacheGroupSettings {
    readonly resource: PlanResource;
    /** A Global Datastore planned in this stack names it as its (first) primary: this stack owns the datastore. */
    readonly foundsDatastore: boolean;
    /** A CachePrimary move planned in this stack makes it the datastore's primary inside `pulumi up`. */
    readonly promotedHere: boolean;
}

/** The stack's cache replication groups, with their Global Datastore membership as this stack plans it. */
export function cacheGroupsOf(resources: readonly PlanResource[]): CacheGroupFacts[] {
    const datastores = ofType(resources, T.cacheGlobalDatastore);
    const moves = ofType(resources, DYNAMIC.cachePrimary.token);
    return ofType(resources, T.cacheReplicationGroup).map((g) => ({
        ...cacheGroupOf(g),
        resource: g,
        foundsDatastore: datastores.some(
            (d) => refersTo(d, "primaryReplicationGroupId", g) || get(d, "primaryReplicationGroupId") === get(g, "replicationGroupId"),
        ),
        promotedHere: moves.some(
            (m) => refersTo(m, "targetReplicationGroupId", g) || get(m, "targetReplicationGroupId") === get(g, "replicationGroupId"),
        ),
    }));
}

/** One planned shared file system (EFS) and the moves and replication this stack plans for it. */
export interface FileSystemFacts {
    readonly resource: PlanResource;
    /** Its Name tag (known at preview, unlike its id). */
    readonly nameTag?: string;
    readonly encrypted: boolean;
    readonly overwriteProtection?: string;
    readonly backupPolicy?: string;
    /** A FilesPrimary move planned in this stack makes it writable (deletes the replication into it). */
    readonly promotedHere: boolean;
    /** The regions (and file systems) a FilesReplication planned in this stack replicates it into. */
    readonly replicatesInto: readonly { readonly region?: string; readonly fileSystemId?: string }[];
    /** Its access points: each one's root directory and POSIX user. */
    readonly accessPoints: readonly AccessPointFacts[];
}

export interface AccessPointFacts {
    readonly resource: PlanResource;
    readonly path?: string;
    readonly uid?: number;
    readonly gid?: number;
    /** The root directory's creation info: its owner and permissions, created on first mount. */
    readonly owner?: { readonly uid?: number; readonly gid?: number; readonly permissions?: string };
}

/**
 * Whether `r`'s input `key` names the file system `fs`: by property dependency, by its id or ARN (a list of them
 * too), or, where `only` (one file system planned), any value still unknown (a preview).
 */
export function namesFileSystem(r: PlanResource, key: string, fs: PlanResource, only = false): boolean {
    if (dependsOn(r, key, fs)) return true;
    const handles = [get(fs, "fileSystemId"), output(fs, "fileSystemId"), output(fs, "id"), get(fs, "arn"), output(fs, "arn")].filter(nonEmpty);
    const v = get(r, key);
    return (Array.isArray(v) ? v : [v]).some((x) => handles.includes(x as string)) || (only && isUnknown(v));
}

/** The stack's shared file systems (aws-native EFS), their access points, and the moves and replication planned for them. */
export function fileSystemsOf(resources: readonly PlanResource[]): FileSystemFacts[] {
    const systems = ofType(resources, T.fileSystem);
    const only = systems.length === 1;
    return systems.map((fs) => ({
        resource: fs,
        nameTag: ((t) => (t === UNKNOWN ? undefined : t.Name))(tagsFrom(get(fs, "fileSystemTags"))),
        encrypted: get(fs, "encrypted") === true,
        overwriteProtection: str(get(fs, "fileSystemProtection.replicationOverwriteProtection")),
        backupPolicy: str(get(fs, "backupPolicy.status")),
        promotedHere: ofType(resources, DYNAMIC.filesPrimary.token).some((m) => namesFileSystem(m, "fileSystemId", fs, only)),
        replicatesInto: ofType(resources, DYNAMIC.filesReplication.token)
            .filter((m) => namesFileSystem(m, "sourceFileSystemId", fs, only))
            .map((m) => ({ region: str(get(m, "destinationRegion")), fileSystemId: str(get(m, "destinationFileSystemId")) })),
        accessPoints: ofType(resources, T.accessPoint)
            .filter((a) => namesFileSystem(a, "fileSystemId", fs, only))
            .map((a) => ({
                resource: a,
                path: str(get(a, "rootDirectory.path")),
                uid: num(get(a, "posixUser.uid")),
                gid: num(get(a, "posixUser.gid")),
                owner: isSet(get(a, "rootDirectory.creationInfo.ownerUid"))
                    ? {
                          uid: num(get(a, "rootDirectory.creationInfo.ownerUid")),
                          gid: num(get(a, "rootDirectory.creationInfo.ownerGid")),
                          permissions: str(get(a, "rootDirectory.creationInfo.permissions")),
                      }
                    : undefined,
            })),
    }));
}

/** The task definition an ECS service runs: by property dependency first (its ARN is unknown in a preview), then by ARN, id or family. */
export function taskDefinitionOf(service: PlanResource, resources: readonly PlanResource[]): PlanResource | undefined {
    const taskDefs = ofType(resources, T.taskDefinition);
    return (
        taskDefs.find((t) => dependsOn(service, "taskDefinition", t)) ??
        taskDefs.find((t) => refersTo(service, "taskDefinition", t)) ??
        (taskDefs.length === 1 ? taskDefs[0] : undefined)
    );
}

/** One EFS volume of a task definition, as planned. */
export interface EfsVolumeFacts {
    readonly name: string;
    /** The values it names, as planned: UNKNOWN while pending (a preview), undefined when unset. */
    readonly fileSystemId: unknown;
    readonly accessPointId: unknown;
    readonly transitEncryption: unknown;
    readonly iam: unknown;
    /** Set (or unknown) at the volume: ECS requires it omitted or "/" with an access point. */
    readonly rootDirectory?: unknown;
    /** The planned file system it names (by property dependency or id). */
    readonly fileSystem?: PlanResource;
    /** The planned access point it mounts through. */
    readonly accessPoint?: PlanResource;
    /** The containers' mounts of it; undefined while the container definitions are unknown (a preview). */
    readonly mounts?: readonly EfsMount[];
}

/**
 * A task definition's EFS volumes, each linked to the planned file system and access point of `resources` it
 * names; UNKNOWN while its volumes are unknown (a preview).
 */
export function efsVolumesOf(taskDef: PlanResource, resources: readonly PlanResource[] = []): EfsVolumeFacts[] | typeof UNKNOWN {
    const volumes = get(taskDef, "volumes");
    if (isUnknown(volumes)) return UNKNOWN;
    const systems = ofType(resources, T.fileSystem);
    const points = ofType(resources, T.accessPoint);
    // By the volumes' property dependencies first (in a preview the ids are unknown): one file system and one access
    // point among them is the one named; else by value (an id, or the end of an ARN).
    const deps = dependencyUrns(taskDef, "volumes");
    const pick = (rs: readonly PlanResource[], value: unknown, idKey: string) => {
        const linked = rs.filter((r) => r.urn !== undefined && deps.includes(r.urn));
        if (linked.length === 1) return linked[0];
        return nonEmpty(value)
            ? rs.find((r) => output(r, idKey) === value || output(r, "id") === value || str(output(r, "arn"))?.endsWith(`/${value}`))
            : undefined;
    };
    const mounts = efsMountsOf(taskDef, volumes);
    return arr(volumes)
        .map(obj)
        .filter((v) => v.efsVolumeConfiguration !== undefined && v.efsVolumeConfiguration !== null)
        .map((v) => {
            // A part still unknown (a preview) leaves everything under it unknown, never unset.
            const field = (o: unknown, k: string) => (isUnknown(o) ? UNKNOWN : obj(o)[k]);
            const c = v.efsVolumeConfiguration;
            const auth = field(c, "authorizationConfig");
            const name = text(v.name);
            return {
                name,
                fileSystemId: field(c, "fileSystemId"),
                accessPointId: field(auth, "accessPointId"),
                transitEncryption: field(c, "transitEncryption"),
                iam: field(auth, "iam"),
                rootDirectory: field(c, "rootDirectory"),
                fileSystem: pick(systems, field(c, "fileSystemId"), "fileSystemId"),
                accessPoint: pick(points, field(auth, "accessPointId"), "id"),
                mounts: mounts === UNKNOWN ? undefined : mounts.filter((m) => m.volume === name),
            };
        });
}

/**
 * Whether a task definition's containers read the cache replication group `group`: they are given (as a secret read
 * when the task starts) an SSM parameter of `resources` whose value comes from the group (its endpoint).
 */
export function readsCache(taskDef: PlanResource, group: PlanResource, resources: readonly PlanResource[]): boolean {
    const holders = ofType(resources, T.ssmParameter)
        .filter((p) => dependsOn(p, "value", group))
        .map((p) => str(get(p, "name")))
        .filter((n): n is string => n !== undefined);
    const defs = get(taskDef, "containerDefinitions");
    if (holders.length === 0 || typeof defs !== "string" || isUnknown(defs)) return false;
    let containers: Record<string, unknown>[];
    try {
        containers = arr(JSON.parse(defs)).map(obj);
    } catch {
        return false;
    }
    return containers.some((c) =>
        arr(c.secrets)
            .map(obj)
            .some((x) => typeof x.valueFrom === "string" && holders.some((n) => x.valueFrom === n || String(x.valueFrom).endsWith(`:parameter${n}`))),
    );
}

/**
 * Whether a replication group joins a Global Datastore as a secondary (its globalReplicationGroupId is set, or
 * pending): it then inherits engine, node type and encryption from the datastore's primary and sets none of them.
 */
export function isCacheSecondary(group: PlanResource): boolean {
    return isSet(get(group, "globalReplicationGroupId"));
}

/** The user groups a replication group is attached to (its userGroupIds), among the planned ones. */
export function cacheUserGroupsOf(group: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const ids = arr(get(group, "userGroupIds"));
    return ofType(resources, T.cacheUserGroup).filter((g) => dependsOn(group, "userGroupIds", g) || ids.includes(get(g, "userGroupId")));
}

/** A user group's members: the planned users it lists, and the ids it lists that no planned user has (e.g. AWS's own `default`). */
export function cacheUsersOf(userGroup: PlanResource, resources: readonly PlanResource[]): { planned: PlanResource[]; unplanned: string[] } {
    const ids = arr(get(userGroup, "userIds"));
    const planned = ofType(resources, T.cacheUser).filter((u) => dependsOn(userGroup, "userIds", u) || ids.includes(get(u, "userId")));
    const plannedIds = planned.map((u) => get(u, "userId"));
    return { planned, unplanned: ids.filter((id): id is string => nonEmpty(id) && !plannedIds.includes(id)) };
}

/**
 * Whether a cache user's access string leaves it switched on: its last `on`/`off` rule, as Valkey reads an ACL
 * rule list left to right (a user with neither is off). UNKNOWN while the string is.
 */
export function cacheUserEnabled(user: PlanResource): boolean | typeof UNKNOWN {
    const s = get(user, "accessString");
    if (isUnknown(s)) return UNKNOWN;
    const toggles = text(s)
        .split(/\s+/)
        .filter((w) => w === "on" || w === "off");
    return toggles[toggles.length - 1] === "on";
}

/** One container's mount of an EFS volume. */
export interface EfsMount {
    readonly container: string;
    readonly volume: string;
    readonly containerPath: string;
    /** ECS's default is read-write (false). */
    readonly readOnly: boolean;
}

/** The containers' mounts of a task definition's EFS volumes; UNKNOWN while its volumes or containers are unknown. */
export function efsMountsOf(taskDef: PlanResource, volumes: unknown = get(taskDef, "volumes")): EfsMount[] | typeof UNKNOWN {
    const defs = get(taskDef, "containerDefinitions");
    if (isUnknown(volumes) || isUnknown(defs) || (typeof defs === "string" && defs.includes(UNKNOWN_JSON))) return UNKNOWN;
    let containers: unknown = defs;
    if (typeof defs === "string") {
        try {
            containers = JSON.parse(defs);
        } catch {
            return [];
        }
    }
    const names = arr(volumes)
        .map(obj)
        .filter((v) => v.efsVolumeConfiguration !== undefined && v.efsVolumeConfiguration !== null)
        .map((v) => text(v.name));
    return arr(containers)
        .map(obj)
        .flatMap((c) =>
            arr(c.mountPoints)
                .map(obj)
                .filter((m) => names.includes(text(m.sourceVolume)))
                .map((m) => ({
                    container: text(c.name),
                    volume: text(m.sourceVolume),
                    containerPath: text(m.containerPath),
                    readOnly: m.readOnly === true,
                })),
        );
}

/** The file system policies on `fs`'s policy documents (JSON text, UNKNOWN while pending). */
export function fileSystemPoliciesOf(fs: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.fileSystemPolicy).filter((p) => namesFileSystem(p, "fileSystemId", fs));
}

/**
 * Whether a policy's statements refuse every client that does not use TLS: a Deny for everyone, on every action
 * (`*`, or one of `covering`: by default the file system's, `elasticfilesystem:*` or the mount), when
 * `aws:SecureTransport` is false.
 */
export function deniesInsecureTransport(
    statements: readonly PolicyStatement[],
    covering: readonly string[] = ["elasticfilesystem:*", "elasticfilesystem:ClientMount"],
): boolean {
    return statements.some((s) => {
        const secure = obj(obj(s.Condition).Bool)["aws:SecureTransport"];
        const actions = statementActions(s);
        return (
            s.Effect === "Deny" &&
            statementIsPublic(s) &&
            [secure].flat().some((v) => v === false || v === "false") &&
            actions.some((a) => a === "*" || covering.includes(a))
        );
    });
}

/** The AWS Backup plans whose selections take `fs` (by dependency or its ARN in `resources`). */
export function backupPlansOf(fs: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const selections = ofType(resources, T.backupSelection).filter((s) => namesFileSystem(s, "resources", fs));
    return ofType(resources, T.backupPlan).filter((p) =>
        selections.some((s) => {
            if (dependsOn(s, "planId", p)) return true;
            const id = get(s, "planId");
            return nonEmpty(id) && [get(p, "arn"), output(p, "arn")].some((arn) => nonEmpty(arn) && arn.endsWith(`:${id}`));
        }),
    );
}

/** The regions every rule of a backup plan copies to (a rule without a copy contributes none); UNKNOWN while pending. */
export function backupCopyRegionsByRule(plan: PlanResource): Array<string[] | typeof UNKNOWN> | typeof UNKNOWN {
    const rules = get(plan, "rules");
    if (isUnknown(rules)) return UNKNOWN;
    return arr(rules).map((rule) => {
        const arns = arr(obj(rule).copyActions).map((c) => obj(c).destinationVaultArn);
        if (arns.some(isUnknown)) return UNKNOWN;
        return arns.map(arnRegion).filter(nonEmpty);
    });
}

/** Another region's file system as this stack's StackReferences read it (its stack's deployed `fileSystemId` output). */
export interface PeerFileSystem {
    readonly stack: string;
    readonly region?: string;
    readonly fileSystemId: string;
}

/** The other stacks' file systems that exist: those whose deployed outputs name a fileSystemId. */
export function peerFileSystems(resources: readonly PlanResource[]): PeerFileSystem[] {
    return ofType(resources, PULUMI.stackReference).flatMap((r) => {
        const id = get(r, "outputs.fileSystemId");
        return nonEmpty(id) ? [{ stack: text(get(r, "name"), r.name), region: str(get(r, "outputs.region")), fileSystemId: id }] : [];
    });
}

/** The cache's Global Datastore as the home stack deployed it (its `cacheGlobalDatastoreId` output, read through a StackReference). */
export function peerCacheDatastore(resources: readonly PlanResource[]): string | undefined {
    for (const r of ofType(resources, PULUMI.stackReference)) {
        const id = get(r, "outputs.cacheGlobalDatastoreId");
        if (nonEmpty(id)) return id;
    }
    return undefined;
}

/**
 * How the stack moves the primary to itself, as its promotion resources say (the Aurora writer, the cache and
 * the file system moves carry the mode src/strategy.ts gave them): "unplanned" when one fails over, else
 * "planned" (also when the stack declares no move).
 */
export function failoverModeOf(resources: readonly PlanResource[]): "planned" | "unplanned" {
    const moves = ofType(resources, DYNAMIC.globalWriter.token, DYNAMIC.cachePrimary.token, DYNAMIC.filesPrimary.token);
    return moves.some((m) => get(m, "mode") === "failover") ? "unplanned" : "planned";
}

// ---------------------------------------------------------------------------------------------------------
// operations: alarms, the topics they notify and those topics' keys, audit log groups
// ---------------------------------------------------------------------------------------------------------

/** The tag the program puts on a tier alarm (components/tierAlarms.ts): its kind (src/alarms.ts); its urgency's is URGENCY_TAG. */
export const ALARM_KIND_TAG = "securecart:alarm";

/** An SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`). */
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d*:[^:]+$/;

/** One entry of an alarm's action list, as planned. */
export interface AlarmActionFacts {
    /** The ARN as planned; UNKNOWN while it is pending (a preview). */
    readonly arn: unknown;
    /** The planned SNS topic it names: by its ARN, or while the ARN is pending by property dependency. */
    readonly topic?: PlanResource;
    /** It names an SNS topic: a planned one, or an ARN of the sns service. False while pending with no planned topic behind it. */
    readonly sns: boolean;
    /** The topic's region: the planned topic's own, else the ARN's. */
    readonly region?: string;
}

/**
 * The entries of an alarm's action list (`alarmActions`, or `okActions`), each with the planned SNS topic it names and
 * that topic's region (`stackRegion` places a topic that names none, where the view has no provider); UNKNOWN while the
 * whole list is pending (a preview) and no planned topic flowed into it.
 */
export function alarmActionsOf(
    alarm: PlanResource,
    resources: readonly PlanResource[],
    key: "alarmActions" | "okActions" = "alarmActions",
    stackRegion?: string,
): AlarmActionFacts[] | typeof UNKNOWN {
    const topics = ofType(resources, T.snsTopic);
    const linked = topics.filter((t) => dependsOn(alarm, key, t));
    const planned = (t: PlanResource): AlarmActionFacts => ({ arn: UNKNOWN, topic: t, sns: true, region: regionOf(t, resources) ?? stackRegion });
    const list = get(alarm, key);
    if (isUnknown(list)) return linked.length ? linked.map(planned) : UNKNOWN;
    const out: AlarmActionFacts[] = [];
    const pending = arr(list).filter(isUnknown).length;
    for (const a of arr(list)) {
        if (!nonEmpty(a)) continue;
        const topic = topics.find((t) => topicArnNames(a, t, regionOf(t, resources) ?? stackRegion));
        out.push({
            arn: a,
            topic,
            sns: topic !== undefined || SNS_ARN.test(a),
            region: topic ? (regionOf(topic, resources) ?? stackRegion) : arnRegion(a),
        });
    }
    // Pending entries stand for the planned topics that flowed into the list and no known entry names.
    const unnamed = linked.filter((t) => !out.some((x) => x.topic === t));
    for (let i = 0; i < pending; i++) out.push(unnamed[i] ? planned(unnamed[i]) : { arn: UNKNOWN, sns: false });
    return out;
}

/** One metric an alarm reads: its own (namespace, metricName, dimensions), or one of its metric-math queries'. */
export interface AlarmMetricFacts {
    /** UNKNOWN while pending (a preview). */
    readonly namespace: unknown;
    readonly metricName: unknown;
    readonly dimensions: Readonly<Record<string, unknown>> | typeof UNKNOWN;
}

/** The metrics a metric alarm reads ([] for a composite alarm); UNKNOWN while its metric queries are pending (a preview). */
export function alarmMetricsOf(alarm: PlanResource): AlarmMetricFacts[] | typeof UNKNOWN {
    if (alarm.type !== T.metricAlarm) return [];
    const dims = (v: unknown) => (isUnknown(v) ? UNKNOWN : obj(v));
    const out: AlarmMetricFacts[] = [];
    const single = get(alarm, "metricName");
    if (single !== undefined && single !== null)
        out.push({ namespace: get(alarm, "namespace"), metricName: single, dimensions: dims(get(alarm, "dimensions")) });
    const queries = get(alarm, "metricQueries");
    if (isUnknown(queries)) return UNKNOWN;
    for (const q of arr(queries)) {
        if (isUnknown(q)) return UNKNOWN;
        const m = obj(q).metric;
        if (m === undefined || m === null) continue;
        if (isUnknown(m)) return UNKNOWN;
        const mo = obj(m);
        out.push({ namespace: mo.namespace, metricName: mo.metricName, dimensions: dims(mo.dimensions) });
    }
    return out;
}

/** What an alarm must watch: a resource, named in a metric dimension by a value `names` accepts. */
export interface AlarmSubject {
    readonly resource: PlanResource;
    readonly dimension: string;
    readonly names: (value: string) => boolean;
}

/**
 * Whether `alarm` reads `namespace`/`metricName`, about `subject` when one is given: a metric of that name whose
 * `subject.dimension` is a value `subject.names` accepts, or comes from the subject (a property dependency of the
 * alarm's metric inputs; pending in a preview). While the alarm's metric queries are pending as a whole, an
 * alarm whose metric inputs come from the subject (or, with no subject, any alarm) is taken to read it.
 */
export function alarmWatches(alarm: PlanResource, namespace: string, metricName: string, subject?: AlarmSubject): boolean {
    const fromSubject =
        subject !== undefined && (dependsOn(alarm, "dimensions", subject.resource) || dependsOn(alarm, "metricQueries", subject.resource));
    const metrics = alarmMetricsOf(alarm);
    if (metrics === UNKNOWN) return subject === undefined || fromSubject;
    const is = (v: unknown, want: string) => isUnknown(v) || v === want;
    return metrics.some((m) => {
        if (!is(m.namespace, namespace) || !is(m.metricName, metricName)) return false;
        if (subject === undefined) return true;
        const v = m.dimensions === UNKNOWN ? UNKNOWN : m.dimensions[subject.dimension];
        // A value from the subject's outputs (an id, which a policy's view of the subject does not show) names it too.
        return isUnknown(v) ? fromSubject : nonEmpty(v) && (subject.names(v) || fromSubject);
    });
}

/** The values that name `r` in a metric dimension: its handles (ARN, name, id, ...) and the outputs `keys` lists. */
export function dimensionNames(r: PlanResource, ...keys: readonly string[]): (value: string) => boolean {
    const values = new Set([...handles(r), ...keys.flatMap((k) => [get(r, k), output(r, k)]).filter(nonEmpty)]);
    return (v) => values.has(v);
}

/**
 * The planned KMS key (Key or ReplicaKey) that `r`'s input `key` names: by property dependency, by the key's ARN or id,
 * or through a planned alias that targets it; UNKNOWN while the value is pending (a preview) and nothing planned flowed
 * into it; undefined when it names no planned key.
 */
export function kmsKeyOf(r: PlanResource, key: string, resources: readonly PlanResource[]): PlanResource | typeof UNKNOWN | undefined {
    const keys = ofType(resources, T.kmsKey, T.kmsReplicaKey);
    const linked = keys.find((k) => dependsOn(r, key, k));
    if (linked) return linked;
    const aliases = ofType(resources, T.kmsAlias);
    const linkedAlias = aliases.find((a) => dependsOn(r, key, a));
    const v = get(r, key);
    if (isUnknown(v) && !linkedAlias) return UNKNOWN;
    const byValue = nonEmpty(v) ? keys.find((k) => handles(k).includes(v)) : undefined;
    if (byValue) return byValue;
    const alias = linkedAlias ?? (nonEmpty(v) ? aliases.find((a) => [get(a, "name"), ...handles(a)].includes(v)) : undefined);
    if (!alias) return undefined;
    const target = keys.find((k) => refersTo(alias, "targetKeyId", k));
    return target ?? (isUnknown(get(alias, "targetKeyId")) ? UNKNOWN : undefined);
}

/** Whether an IAM action pattern (case-insensitive, `*` and `?` wildcards) covers `action`, itself possibly a pattern. */
function actionCovers(pattern: string, action: string): boolean {
    const re = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );
    return re.test(action);
}

/**
 * Whether a KMS key's policy lets AWS service `service` (a service principal) call every action of `actions` (an
 * action may itself be a pattern, e.g. kms:GenerateDataKey*, covered by the same or a broader pattern) in one Allow
 * statement that tests none of `forbiddenConditions`; UNKNOWN while the policy is pending (a preview). A key without a
 * policy has the default one, which names no service.
 */
export function keyPolicyAllows(
    key: PlanResource,
    service: string,
    actions: readonly string[],
    forbiddenConditions: readonly string[] = [],
): boolean | typeof UNKNOWN {
    const sts = policyStatements(get(key, "policy"));
    if (sts === UNKNOWN) return UNKNOWN;
    const forbidden = forbiddenConditions.map((c) => c.toLowerCase());
    return sts.some(
        (s) =>
            s.Effect === "Allow" &&
            statementServices(s).includes(service) &&
            !statementConditionKeys(s).some((k) => forbidden.includes(k.toLowerCase())) &&
            actions.every((a) => statementActions(s).some((p) => actionCovers(p, a))),
    );
}

/** The planned EventBridge targets that deliver to `topic` (their `arn` names it, as namesTopic reads an ARN). */
export function eventTargetsOf(topic: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.eventTarget).filter((t) => namesTopic(t, "arn", get(t, "arn"), topic, regionOf(topic, resources)));
}

/** The log group name in a CloudWatch Logs ARN (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`). */
export function logGroupNameOfArn(arn: unknown): string | undefined {
    return nonEmpty(arn) ? /:log-group:([^:]+)(?::\*)?$/.exec(arn)?.[1] : undefined;
}

/**
 * Whether `r`'s input at (dotted) `path` names the log group `group`: by property dependency (of the top-level input),
 * by the group's ARN or name, or by a log-group ARN that carries its name (known before the group's ARN is, in a
 * preview). A list of values names it when one of them does.
 */
export function namesLogGroup(r: PlanResource, path: string, group: PlanResource): boolean {
    if (dependsOn(r, path.split(".")[0], group)) return true;
    const v = get(r, path);
    const hs = handles(group);
    const names = [get(group, "name"), output(group, "name")].filter(nonEmpty);
    return (Array.isArray(v) ? v : [v]).some((x) => nonEmpty(x) && (hs.includes(x) || names.includes(logGroupNameOfArn(x) ?? "")));
}

/** The prefix AWS WAF requires of a log group it logs to (AWS WAF developer guide, "CloudWatch Logs"). */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";

/**
 * The audit log groups among the planned ones, each with what writes into it: VPC flow logs, the API's access logs,
 * the trail's CloudWatch Logs delivery, and the edge's logs (WAF, CloudFront access logs; a group named aws-waf-logs-*
 * receives only WAF's). PCI DSS v4.0 10.5.1 keeps these a year (docs/operations-design.md §6).
 */
export function auditLogGroupsOf(resources: readonly PlanResource[]): Map<PlanResource, string> {
    const out = new Map<PlanResource, string>();
    const writers: Array<[string, string, string]> = [
        [T.flowLog, "logDestination", "VPC flow logs"],
        [T.flowLog, "logGroupName", "VPC flow logs"],
        [T.apiStage, "accessLogSettings.destinationArn", "the API's access logs"],
        [T.trail, "cloudWatchLogsGroupArn", "the trail's events"],
    ];
    const edge = edgeLogGroupsOf(resources);
    for (const g of ofType(resources, T.logGroup)) {
        for (const [type, path, what] of writers) {
            const w = ofType(resources, type).find((x) => namesLogGroup(x, path, g));
            if (w && !out.has(g)) out.set(g, `${what} (${w.type.split(":").pop()} "${w.name}")`);
        }
        const name = get(g, "name");
        if (!out.has(g) && (edge.includes(g) || (nonEmpty(name) && name.startsWith(WAF_LOG_GROUP_PREFIX))))
            out.set(g, "the edge's logs (WAF, CloudFront access logs)");
    }
    return out;
}

/**
 * The planned IAM role `r`'s input `key` names (its ARN or name): by property dependency or value; UNKNOWN while the
 * value is pending (a preview) and no planned role flowed into it; undefined when it names no planned role.
 */
export function iamRoleOf(r: PlanResource, key: string, resources: readonly PlanResource[]): PlanResource | typeof UNKNOWN | undefined {
    const roles = ofType(resources, T.iamRole);
    const found = roles.find((x) => refersTo(r, key, x));
    if (found) return found;
    return isUnknown(get(r, key)) ? UNKNOWN : undefined;
}

/** What a role is allowed: the policy documents it holds or is attached, and the managed policies the stack does not plan. */
export interface RolePermissions {
    /** Each document (JSON text or an object; UNKNOWN while pending) with what holds it: the role (inline), a RolePolicy, a Policy. */
    readonly documents: readonly { readonly via: PlanResource; readonly policy: unknown }[];
    /** ARNs of attached managed policies the stack does not plan (AWS managed ones); UNKNOWN while pending. */
    readonly managedArns: readonly unknown[];
}

/**
 * A role's permissions: its inline policies (`inlinePolicies`), the RolePolicy resources on it, and the managed
 * policies attached to it (`managedPolicyArns`, RolePolicyAttachment), each a planned aws.iam.Policy's document or,
 * when the stack does not plan it, its ARN.
 */
export function rolePermissionsOf(role: PlanResource, resources: readonly PlanResource[]): RolePermissions {
    const documents: { via: PlanResource; policy: unknown }[] = [];
    const managedArns: unknown[] = [];
    const inline = get(role, "inlinePolicies");
    if (isUnknown(inline)) documents.push({ via: role, policy: UNKNOWN });
    else for (const p of arr(inline)) documents.push({ via: role, policy: isUnknown(p) ? UNKNOWN : obj(p).policy });
    for (const rp of ofType(resources, T.iamRolePolicy).filter((p) => refersTo(p, "role", role)))
        documents.push({ via: rp, policy: get(rp, "policy") });
    const policies = ofType(resources, T.iamPolicy);
    const attach = (holder: PlanResource, key: string, value: unknown) => {
        const planned = policies.find((p) => dependsOn(holder, key, p) || (nonEmpty(value) && handles(p).includes(value)));
        if (planned) documents.push({ via: planned, policy: get(planned, "policy") });
        else managedArns.push(value);
    };
    const listed = get(role, "managedPolicyArns");
    if (isUnknown(listed)) managedArns.push(UNKNOWN);
    else for (const arn of arr(listed)) attach(role, "managedPolicyArns", arn);
    for (const a of ofType(resources, T.iamRolePolicyAttachment).filter((x) => refersTo(x, "role", role)))
        attach(a, "policyArn", get(a, "policyArn"));
    return { documents, managedArns };
}

/** Whether a statement allows every action: an Allow on `*` (or `*:*`), or an Allow with NotAction (all but a list). */
export function allowsEveryAction(s: PolicyStatement): boolean {
    if (s.Effect !== "Allow") return false;
    return s.NotAction !== undefined || statementActions(s).some((a) => a === "*" || a === "*:*");
}

/** The AWS managed policies that grant (nearly) every action: AdministratorAccess, and PowerUserAccess (all but IAM and Organizations). */
export const ADMIN_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess"];

/** Whether a managed policy ARN is one of ADMIN_MANAGED_POLICIES (`arn:<partition>:iam::aws:policy/<name>`). */
export function isAdminManagedPolicy(arn: unknown): boolean {
    return nonEmpty(arn) && ADMIN_MANAGED_POLICIES.some((n) => new RegExp(`^arn:aws[a-z-]*:iam::aws:policy/${n}$`).test(arn));
}

// ---------------------------------------------------------------------------------------------------------
// Operations (continued): the topics alarms notify, dashboards, GuardDuty, fault-injection templates, the trail
// ---------------------------------------------------------------------------------------------------------

/** Whether `value` (an ARN in some list of `r`'s input `key`) names the SNS topic `topic`: by property dependency, or by ARN. */
function namesTopic(r: PlanResource, key: string, value: unknown, topic: PlanResource, stackRegion?: string): boolean {
    return dependsOn(r, key, topic) || topicArnNames(value, topic, str(get(topic, "region")) ?? stackRegion);
}

/**
 * Whether the ARN `value` is the SNS topic `topic`'s (which lives in `region`): its ARN, or the ARN spelled from its
 * fixed name and its region (components/alarmTopics.ts), which a first preview already knows.
 */
function topicArnNames(value: unknown, topic: PlanResource, region: string | undefined): boolean {
    if (!nonEmpty(value)) return false;
    if (value === get(topic, "arn") || value === output(topic, "arn")) return true;
    const name = str(get(topic, "name"));
    return name !== undefined && value.endsWith(`:${name}`) && (region === undefined || arnRegion(value) === region);
}

/** One CloudWatch alarm as planned: its name, whether it is a composite, whether its actions are off, the topics it names. */
export interface AlarmFacts {
    readonly resource: PlanResource;
    /** The alarm's name in CloudWatch (a metric alarm's `name`, a composite's `alarmName`), else the resource's name. */
    readonly name: string;
    readonly composite: boolean;
    /** Its actions are disabled (`actionsEnabled: false`): it keeps its state for the dashboards and sends nothing. */
    readonly quiet: boolean;
    /** The planned SNS topics its `alarmActions` name (a quiet alarm names one too, and does not publish to it). */
    readonly topics: readonly PlanResource[];
}

/** Every metric and composite alarm of a stack (see AlarmFacts). `stackRegion` places a topic that names no region. */
export function alarmsOf(resources: readonly PlanResource[], stackRegion?: string): AlarmFacts[] {
    const topics = ofType(resources, T.snsTopic);
    return ofType(resources, T.metricAlarm, T.compositeAlarm).map((a) => {
        const composite = a.type === T.compositeAlarm;
        const actions = alarmActionsOf(a, resources, "alarmActions", stackRegion);
        const named = actions === UNKNOWN ? [] : actions.flatMap((x) => (x.topic ? [x.topic] : []));
        return {
            resource: a,
            name: text(get(a, composite ? "alarmName" : "name"), a.name),
            composite,
            quiet: get(a, "actionsEnabled") === false,
            topics: topics.filter((t) => named.includes(t) || dependsOn(a, "alarmActions", t)),
        };
    });
}

/** One alarm topic (components/alarmTopics.ts: `<prefix>-page`, `<prefix>-notify`): its urgency, region and subscriptions. */
export interface AlarmTopicFacts {
    readonly resource: PlanResource;
    readonly name: string;
    readonly urgency: "page" | "notify";
    /** The region the topic lives in: its own `region`, else the stack's (when given). */
    readonly region?: string;
    /** Subscriptions planned on it (an e-mail one stays pending until its owner confirms it). */
    readonly subscriptions: number;
}

/** The stack's alarm topics: SNS topics named `…-page` or `…-notify` (see AlarmTopicFacts). */
export function alarmTopicsOf(resources: readonly PlanResource[], stackRegion?: string): AlarmTopicFacts[] {
    const subs = ofType(resources, T.snsTopicSubscription);
    return ofType(resources, T.snsTopic).flatMap((t) => {
        const name = str(get(t, "name"));
        const urgency = name?.endsWith("-page") ? "page" : name?.endsWith("-notify") ? "notify" : undefined;
        if (!name || !urgency) return [];
        return [
            {
                resource: t,
                name,
                urgency,
                region: str(get(t, "region")) ?? stackRegion,
                subscriptions: subs.filter((s) => namesTopic(s, "topic", get(s, "topic"), t, stackRegion)).length,
            },
        ];
    });
}

/** The tag components/tierAlarms.ts writes on each tier alarm and the "serving" composite: page, notify or quiet. */
export const URGENCY_TAG = "securecart:urgency";

/** How an alarm reaches people, as the planned resource says it (src/strategy.ts AlarmUrgency). */
export type PlannedUrgency = "page" | "notify" | "quiet";

const URGENCIES: readonly string[] = ["page", "notify", "quiet"];

/** How one alarm reaches people: what its tag says, what its actions say, and the urgency read from both. */
export interface AlarmUrgencyFacts {
    /** The URGENCY_TAG as written; undefined when the alarm carries none (the DNS, pipeline and backup alarms). */
    readonly tagged: string | typeof UNKNOWN | undefined;
    /**
     * What its actions say: quiet when they are disabled or name nothing (a quiet composite keeps its actions on and
     * names no topic: its actionsEnabled would replace it), else the urgency of the alarm topic it names; undefined
     * when it names no alarm topic of the stack; UNKNOWN while its actions are unknown (a preview).
     */
    readonly fromActions: PlannedUrgency | typeof UNKNOWN | undefined;
    /** Its tag where it carries a valid one, else what its actions say. */
    readonly urgency: PlannedUrgency | typeof UNKNOWN | undefined;
}

/** An alarm's urgency (see AlarmUrgencyFacts), from alarmsOf and alarmTopicsOf of the same stack. */
export function alarmUrgencyOf(a: AlarmFacts, topics: readonly AlarmTopicFacts[]): AlarmUrgencyFacts {
    const actions = get(a.resource, "alarmActions");
    const enabled = get(a.resource, "actionsEnabled");
    let fromActions: AlarmUrgencyFacts["fromActions"];
    if (a.quiet) fromActions = "quiet";
    else if (isUnknown(actions) || isUnknown(enabled)) fromActions = UNKNOWN;
    else if (arr(actions).length === 0) fromActions = "quiet";
    else fromActions = topics.find((t) => a.topics.includes(t.resource))?.urgency;
    const tags = tagsFrom(get(a.resource, "tags"));
    const tagged = tags === UNKNOWN ? UNKNOWN : tags[URGENCY_TAG];
    const urgency = typeof tagged === "string" && URGENCIES.includes(tagged) ? (tagged as PlannedUrgency) : fromActions;
    return { tagged, fromActions, urgency };
}

/** One CloudWatch dashboard: its name and, when its body is known, what it shows. */
export interface DashboardFacts {
    readonly resource: PlanResource;
    readonly name: string;
    /** Widgets in its body; undefined while the body is unknown (a preview: it is built from the account id). */
    readonly widgets?: number;
    /** The regions its widgets read, graphs and alarms alike (sorted); undefined while the body is unknown. */
    readonly regions?: readonly string[];
    /** Alarms shown on its alarm-status widgets; undefined while the body is unknown. */
    readonly alarms?: number;
}

/** The stack's CloudWatch dashboards (see DashboardFacts). */
export function dashboardsOf(resources: readonly PlanResource[]): DashboardFacts[] {
    return ofType(resources, T.dashboard).map((d) => {
        const name = text(get(d, "dashboardName"), d.name);
        const raw = get(d, "dashboardBody");
        // Parsed whole, not through jsonDocument: a body with one unknown ARN in a first preview still has its widgets.
        let body: Record<string, unknown> | undefined;
        try {
            body = nonEmpty(raw) ? obj(JSON.parse(raw)) : undefined;
        } catch {
            body = undefined;
        }
        if (!body) return { resource: d, name };
        const widgets = arr<Record<string, unknown>>(body.widgets);
        const props = widgets.map((w) => obj(w.properties));
        // A graph names its region; an alarm-status widget names its alarms by ARN, which carries theirs.
        const regions = [
            ...new Set(props.flatMap((p) => [...(nonEmpty(p.region) ? [p.region] : []), ...arr(p.alarms).flatMap((a) => arnRegion(a) ?? [])])),
        ].sort();
        const alarms = widgets.filter((w) => w.type === "alarm").reduce((n, w) => n + arr(obj(w.properties).alarms).length, 0);
        return { resource: d, name, widgets: widgets.length, regions, alarms };
    });
}

/** GuardDuty in a stack's region: the detector, its declared protection plans and where its findings go. */
export interface ThreatDetectionFacts {
    readonly detector: PlanResource;
    readonly enabled: boolean;
    /** It sets the deprecated `datasources` block (the API refuses it beside features). */
    readonly datasources: boolean;
    readonly findingPublishingFrequency?: string;
    /** The protection plans declared on the detector (DetectorFeature), in plan order; a status pending (a preview) is UNKNOWN. */
    readonly features: readonly { readonly name: string; readonly status?: string | typeof UNKNOWN }[];
    /**
     * The EventBridge rule on GuardDuty's findings, if planned: the least severity it matches, the detail types it
     * names (none: any), whether it is on the default bus (where GuardDuty publishes) and its state, and the topics
     * it targets.
     */
    readonly findings?: {
        readonly rule: PlanResource;
        readonly minimumSeverity?: number;
        readonly detailTypes: readonly string[];
        readonly onDefaultBus: boolean;
        readonly state: string | typeof UNKNOWN;
        readonly topics: readonly PlanResource[];
    };
    /** Some rule's event pattern is pending (a preview): the findings rule may be among them. */
    readonly rulesPending: boolean;
}

/** GuardDuty as the stack plans it (see ThreatDetectionFacts); undefined when it plans no detector. */
export function threatDetectionOf(resources: readonly PlanResource[], stackRegion?: string): ThreatDetectionFacts | undefined {
    const detector = ofType(resources, T.guardDutyDetector)[0];
    if (!detector) return undefined;
    const features = ofType(resources, T.guardDutyDetectorFeature)
        .filter((f) => refersTo(f, "detectorId", detector))
        .map((f): ThreatDetectionFacts["features"][number] => {
            const status = get(f, "status");
            return { name: text(get(f, "name"), f.name), status: isUnknown(status) ? UNKNOWN : str(status) };
        });
    const patternOf = (r: PlanResource): Record<string, unknown> => {
        const doc = jsonDocument(get(r, "eventPattern"));
        return doc === UNKNOWN || doc === undefined ? {} : doc;
    };
    const rule = ofType(resources, T.eventRule).find((r) => arr(patternOf(r).source).includes(GUARDDUTY_FINDING_EVENT.source));
    let findings: ThreatDetectionFacts["findings"];
    if (rule) {
        // `{ "numeric": [">=", n] }` in detail.severity (components/threatDetection.ts findingsPattern).
        const severity = arr<Record<string, unknown>>(obj(patternOf(rule).detail).severity)
            .map((m) => arr(m.numeric))
            .find((n) => n[0] === ">=");
        const targets = ruleTargetsOf(rule, resources);
        const topics = ofType(resources, T.snsTopic).filter((topic) => targets.some((t) => namesTopic(t, "arn", get(t, "arn"), topic, stackRegion)));
        const bus = get(rule, "eventBusName");
        findings = {
            rule,
            minimumSeverity: severity ? num(severity[1]) : undefined,
            detailTypes: arr(patternOf(rule)["detail-type"]).filter(nonEmpty),
            onDefaultBus: bus === undefined || bus === null || bus === "default" || isUnknown(bus),
            state: ruleStateOf(rule),
            topics,
        };
    }
    return {
        detector,
        enabled: get(detector, "enable") !== false && get(detector, "enable") !== "false",
        datasources: get(detector, "datasources") !== undefined && get(detector, "datasources") !== null,
        rulesPending: ofType(resources, T.eventRule).some((r) => isUnknown(get(r, "eventPattern"))),
        findingPublishingFrequency: str(get(detector, "findingPublishingFrequency")),
        features,
        findings,
    };
}

/** One AWS FIS experiment template: its name (the Name tag; a template has no name of its own), actions and stop conditions. */
export interface FaultTemplateFacts {
    readonly resource: PlanResource;
    readonly name: string;
    /** The action ids, in the template's order (e.g. aws:ecs:stop-task, aws:fis:wait). */
    readonly actions: readonly string[];
    /** The actions with their names and how long each runs when it says so (what AWS FIS bills: action-minutes). */
    readonly steps: readonly ExperimentActionFacts[];
    readonly targets: number;
    readonly stopConditions: number;
    /** Its stop conditions as planned (source, value); UNKNOWN while the list is pending (a preview). */
    readonly conditions: readonly { readonly source: unknown; readonly value: unknown }[] | typeof UNKNOWN;
    /** The planned role it runs as (roleArn); UNKNOWN while pending, undefined when the stack plans no such role. */
    readonly role: PlanResource | typeof UNKNOWN | undefined;
}

/** The stack's FIS experiment templates (see FaultTemplateFacts). */
export function faultTemplatesOf(resources: readonly PlanResource[]): FaultTemplateFacts[] {
    return ofType(resources, T.fisExperimentTemplate).map((t) => {
        const tags = tagsFrom(get(t, "tags"));
        return {
            resource: t,
            name: tags !== UNKNOWN && nonEmpty(tags.Name) ? tags.Name : t.name,
            actions: arr<Record<string, unknown>>(get(t, "actions")).map((a) => text(a.actionId, "?")),
            steps: arr<Record<string, unknown>>(get(t, "actions")).map(experimentActionOf),
            targets: arr(get(t, "targets")).length,
            stopConditions: arr<Record<string, unknown>>(get(t, "stopConditions")).filter((s) => s.source !== "none").length,
            conditions: isUnknown(get(t, "stopConditions"))
                ? UNKNOWN
                : arr(get(t, "stopConditions")).map((c) =>
                      isUnknown(c) ? { source: UNKNOWN, value: UNKNOWN } : { source: obj(c).source, value: obj(c).value },
                  ),
            role: iamRoleOf(t, "roleArn", resources),
        };
    });
}

/** One CloudTrail trail: its scope, and where it delivers (the bucket with its Object Lock default, the log group). */
export interface TrailFacts {
    readonly resource: PlanResource;
    readonly name: string;
    readonly multiRegion: boolean;
    readonly globalServiceEvents: boolean;
    readonly logFileValidation: boolean;
    /** Logging on (`enableLogging`, the provider's default true). */
    readonly logging: boolean;
    /** Which of isMultiRegionTrail, includeGlobalServiceEvents, enableLogFileValidation, enableLogging are pending (a preview). */
    readonly pending: readonly string[];
    /** Its `kmsKeyId` as planned, and the planned key it names (UNKNOWN while pending). */
    readonly kmsKeyId: unknown;
    readonly key?: PlanResource | typeof UNKNOWN;
    /** Its `s3BucketName` as planned. */
    readonly s3BucketName: unknown;
    /**
     * The planned bucket it delivers to: that bucket's default Object Lock retention if one is planned, its Object Lock
     * (on the bucket, and every lock configuration), whether it is versioned, and whether a policy of its refuses every
     * request not using TLS (each UNKNOWN while pending).
     */
    readonly bucket?: {
        readonly resource: PlanResource;
        readonly name: string;
        readonly lock?: { readonly mode?: string; readonly days?: number; readonly years?: number };
        readonly objectLock: ObjectLockFacts;
        readonly versioned: boolean | typeof UNKNOWN;
        readonly tlsOnly: boolean | typeof UNKNOWN;
    };
    /** Its `cloudWatchLogsGroupArn` and `cloudWatchLogsRoleArn` as planned, and the planned log group it also delivers to. */
    readonly logGroupArn: unknown;
    readonly logsRoleArn: unknown;
    readonly logGroup?: string;
    /** Management events (the default, unless every event selector excludes them). */
    readonly managementEvents: boolean;
    /** Data events (an event selector's dataResources, or an advanced selector on eventCategory Data); UNKNOWN while pending. */
    readonly dataEvents: boolean | typeof UNKNOWN;
    /** Insights events (insightSelectors). */
    readonly insights: boolean;
}

/** The stack's trails (see TrailFacts). */
export function trailsOf(resources: readonly PlanResource[]): TrailFacts[] {
    return ofType(resources, T.trail).map((t) => {
        const b = ofType(resources, T.bucket, T.bucketV2).find((x) => refersTo(t, "s3BucketName", x));
        const objectLock = b ? bucketObjectLockOf(b, resources) : undefined;
        const lock = objectLock?.configurations[0];
        const group = ofType(resources, T.logGroup).find((g) => namesLogGroup(t, "cloudWatchLogsGroupArn", g));
        const flags = ["isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation", "enableLogging"];
        const tls = (policy: unknown) => {
            const sts = policyStatements(policy);
            return sts === UNKNOWN ? UNKNOWN : deniesInsecureTransport(sts, ["s3:*"]);
        };
        const policies = b ? bucketPoliciesOf(b, resources).map(tls) : [];
        const key = get(t, "kmsKeyId");
        // What it records beyond the free first copy of management events (CloudTrail bills those).
        const selectors = get(t, "eventSelectors");
        const advanced = get(t, "advancedEventSelectors");
        const basic = arr(selectors).map(obj);
        const fields = arr(advanced)
            .map(obj)
            .flatMap((x) => arr(x.fieldSelectors).map(obj));
        const category = (c: string) => fields.some((f) => f.field === "eventCategory" && arr(f.equals).includes(c));
        return {
            resource: t,
            name: text(get(t, "name"), t.name),
            multiRegion: isTrue(get(t, "isMultiRegionTrail")),
            globalServiceEvents: get(t, "includeGlobalServiceEvents") !== false && get(t, "includeGlobalServiceEvents") !== "false",
            logFileValidation: isTrue(get(t, "enableLogFileValidation")),
            logging: get(t, "enableLogging") !== false && get(t, "enableLogging") !== "false",
            pending: flags.filter((k) => isUnknown(get(t, k))),
            kmsKeyId: key,
            key: key === undefined || key === null ? undefined : kmsKeyOf(t, "kmsKeyId", resources),
            s3BucketName: get(t, "s3BucketName"),
            bucket:
                b && objectLock
                    ? {
                          resource: b,
                          name: text(get(b, "bucket"), b.name),
                          lock: lock ? { mode: str(lock.mode), days: lock.days, years: lock.years } : undefined,
                          objectLock,
                          versioned: bucketVersioningOf(b, resources),
                          tlsOnly: policies.includes(true) ? true : policies.includes(UNKNOWN) ? UNKNOWN : false,
                      }
                    : undefined,
            logGroupArn: get(t, "cloudWatchLogsGroupArn"),
            logsRoleArn: get(t, "cloudWatchLogsRoleArn"),
            logGroup: group ? text(get(group, "name"), group.name) : undefined,
            managementEvents:
                fields.length > 0 ? category("Management") : basic.length === 0 || basic.some((x) => x.includeManagementEvents !== false),
            dataEvents:
                isUnknown(selectors) || isUnknown(advanced) ? UNKNOWN : basic.some((x) => arr(x.dataResources).length > 0) || category("Data"),
            insights: arr(get(t, "insightSelectors")).length > 0,
        };
    });
}

/** How CloudWatch bills one metric alarm: per alarm metric (a metric-math alarm, per metric it reads). */
export interface AlarmBillingFacts {
    readonly name: string;
    /** The region the alarm lives in (its own `region`, else the stack's): where it is billed. */
    readonly region: string;
    /** The metrics it reads: 1 for a single-metric alarm, the metric queries that name a metric for metric math; undefined while unknown (a preview). */
    readonly metrics?: number;
    /** Evaluated by metric math (metricQueries) rather than one metric. */
    readonly math: boolean;
    /** A period under 60 s: billed as a high-resolution alarm. */
    readonly highResolution: boolean;
    /** What it watches, by the project's `securecart:alarm` tag (src/alarms.ts kinds); undefined for a tier's own alarm. */
    readonly kind?: string;
}

/**
 * A metric alarm's billing: one alarm metric for an alarm on one metric, and one per query that names a metric for
 * metric math (the expression itself reads no metric of its own).
 */
export function alarmBillingOf(alarm: PlanResource, stackRegion: string): AlarmBillingFacts {
    const queries = get(alarm, "metricQueries");
    const tags = tagsOf(alarm);
    const math = isUnknown(queries) || arr(queries).length > 0;
    const metricQueries = arr(queries)
        .map(obj)
        .filter((q) => q.metric !== undefined && q.metric !== null);
    const periods = math ? metricQueries.map((q) => num(obj(q.metric).period)) : [num(get(alarm, "period"))];
    return {
        name: alarm.name,
        region: str(get(alarm, "region")) ?? stackRegion,
        ...(isUnknown(queries) ? {} : { metrics: math ? metricQueries.length : 1 }),
        math,
        highResolution: periods.some((p) => p !== undefined && p < 60),
        ...(tags[ALARM_KIND_TAG] ? { kind: tags[ALARM_KIND_TAG] } : {}),
    };
}

/** The KMS keys planned in `resources` that a topic is encrypted under (its kmsMasterKeyId, as kmsKeyOf reads it). */
export function topicKeysOf(topic: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const key = kmsKeyOf(topic, "kmsMasterKeyId", resources);
    return key === undefined || key === UNKNOWN ? [] : [key];
}

/** Whole minutes of an ISO 8601 duration of hours, minutes and seconds (`PT10M`, `PT1H30M`), rounded; undefined otherwise. */
export function isoDurationMinutes(v: unknown): number | undefined {
    const m = typeof v === "string" ? /^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(v.trim()) : null;
    if (!m) return undefined;
    return Math.round(Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60);
}

/** One action of an experiment template, with how long it runs when it says so. */
export interface ExperimentActionFacts {
    readonly name: string;
    readonly actionId: string;
    /** Its `duration` (or, for stopped instances, `startInstancesAfterDuration`) in whole minutes; undefined for an action that names none. */
    readonly minutes?: number;
}

/** One action of a template as planned: its `duration` (or `startInstancesAfterDuration`) read as whole minutes. */
function experimentActionOf(a: Record<string, unknown>): ExperimentActionFacts {
    const raw = a.parameters;
    // The provider takes parameters as key/value pairs.
    const params: Record<string, unknown> = Array.isArray(raw) ? Object.fromEntries(raw.map(obj).map((p) => [text(p.key), p.value])) : obj(raw);
    const minutes = isoDurationMinutes(params.duration ?? params.startInstancesAfterDuration);
    return { name: text(a.name), actionId: text(a.actionId), ...(minutes !== undefined ? { minutes } : {}) };
}

/** ECS clusters with Container Insights on (their `containerInsights` setting enabled or enhanced). */
export function containerInsightsClustersOf(resources: readonly PlanResource[]): PlanResource[] {
    return ofType(resources, T.ecsCluster).filter((c) =>
        arr(get(c, "settings"))
            .map(obj)
            .some((s) => s.name === "containerInsights" && (s.value === "enabled" || s.value === "enhanced")),
    );
}

/** Functions and state machines that send traces to X-Ray (tracingConfig Active, tracingConfiguration enabled). */
export function tracedResourcesOf(resources: readonly PlanResource[]): PlanResource[] {
    return [
        ...ofType(resources, T.lambdaFunction).filter((f) => get(f, "tracingConfig.mode") === "Active"),
        ...ofType(resources, T.stateMachine).filter((m) => get(m, "tracingConfiguration.enabled") === true),
    ];
}
