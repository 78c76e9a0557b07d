/**
 * The typed readers of the settings that decide security, recovery time, data loss and cost, and the facts
 * of a whole stack built from them. Pure: planned resources in (either shape, src/plan/resource.ts), plain
 * facts out. The estimator, the diagram and the policy pack read these; none reads these properties itself.
 *
 * Adding a service: give it a reader here (and its classes in src/plan/types.ts).
 */
import {
    PlanResource,
    UNKNOWN,
    UNKNOWN_JSON,
    arnRegion,
    arr,
    dependencyUrns,
    dependsOn,
    get,
    isSet,
    isUnknown,
    nonEmpty,
    num,
    obj,
    ofType,
    output,
    refersTo,
    str,
    strict,
    text,
} from "./resource";
import { T, isCloudResource } from "./types";

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
    readonly intervalSeconds: number;
    readonly failureThreshold: number;
    readonly inverted: boolean;
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

/** A health check's type, timing and features, with Route 53's defaults (30 s interval, threshold 3) filled in. */
export function healthCheckOf(r: PlanResource): HealthCheckFacts {
    const type = text(get(r, "type"));
    const kind = type === "RECOVERY_CONTROL" ? "recovery-control" : ENDPOINT_CHECKS.includes(type) ? "endpoint" : "other";
    // Route 53 defaults (developer guide): 30 s interval, threshold 3.
    const intervalSeconds = num(get(r, "requestInterval")) ?? 30;
    const features: HealthCheckFacts["features"][number][] = [];
    if (/^HTTPS/.test(type)) features.push("HTTPS");
    if (intervalSeconds === 10) features.push("fast interval");
    if (/STR_MATCH$/.test(type) || get(r, "searchString") !== undefined) features.push("string matching");
    if (get(r, "measureLatency") === true) features.push("latency measurement");
    return {
        name: r.name,
        kind,
        protocol: type || undefined,
        intervalSeconds,
        failureThreshold: num(get(r, "failureThreshold")) ?? 3,
        inverted: get(r, "invertHealthcheck") === true,
        features,
    };
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

export function recordOf(r: PlanResource): RecordFacts {
    const aliases = arr(get(r, "aliases"));
    const failover = arr(get(r, "failoverRoutingPolicies"));
    const policy = routingOf(r);
    return {
        name: text(get(r, "name"), r.name),
        routing: policy === "failover" || policy === "latency" || policy === "weighted" ? policy : "simple",
        failoverRole: failover.length ? str(obj(failover[0]).type) : undefined,
        alias: aliases.length > 0,
        ttlSeconds: aliases.length > 0 ? undefined : num(get(r, "ttl")),
        hasHealthCheck: get(r, "healthCheckId") !== undefined,
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

/** Extracts the estimate-relevant facts from one stack's resources. */
export function stackFacts(view: StackView): StackFacts {
    const rs = view.resources;
    const of = (type: string) => ofType(rs, type);

    const healthChecks: HealthCheckFacts[] = of(T.healthCheck).map(healthCheckOf);
    // The application's records; plain records (e.g. ACM validation CNAMEs) carry no user traffic and do not count.
    const records: RecordFacts[] = of(T.record).filter(isRoutingRecord).map(recordOf);

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

    const taskDefs = of(T.taskDefinition);
    const services: ServiceFacts[] = of(T.ecsService).map((r) => {
        // By property dependency first (the ARN is unknown in a preview), then by ARN, id or family.
        const td =
            taskDefs.find((t) => dependsOn(r, "taskDefinition", t)) ??
            taskDefs.find((t) => refersTo(r, "taskDefinition", t)) ??
            (taskDefs.length === 1 ? taskDefs[0] : undefined);
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
