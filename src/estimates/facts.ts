/**
 * Reads the settings that decide recovery time, data loss and cost out of a stack's planned resources.
 * Pure: a list of `{ type, name, inputs, outputs }` in, plain facts out. The same function serves the offline
 * plan (PlannedResource) and the policy pack (PolicyResource props), so both estimate from the same view.
 */

/** One planned resource as the estimator sees it. `outputs` may be absent (a policy sees props only). */
export interface ResourceView {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly outputs?: Readonly<Record<string, unknown>>;
    /**
     * The resource's URN and, per input, the URNs of the resources whose outputs flowed into it (the engine's
     * property dependencies). With them a reference that is unknown in a preview ("[unknown]": an id or ARN
     * not assigned yet) still links to the resource it names.
     */
    readonly urn?: string;
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One stack as the estimator sees it. */
export interface StackView {
    readonly stack: string;
    readonly region: string;
    readonly resources: readonly ResourceView[];
}

export const T = {
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    record: "aws:route53/record:Record",
    asg: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    ecsService: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    auroraCluster: "aws:rds/cluster:Cluster",
    auroraInstance: "aws:rds/clusterInstance:ClusterInstance",
    globalCluster: "aws:rds/globalCluster:GlobalCluster",
    table: "aws:dynamodb/table:Table",
    tableReplica: "aws:dynamodb/tableReplica:TableReplica",
    backupPlan: "aws:backup/plan:Plan",
    backupSelection: "aws:backup/selection:Selection",
    backupVault: "aws:backup/vault:Vault",
    arcCluster: "aws:route53recoverycontrol/cluster:Cluster",
} as const;

export interface HealthCheckFacts {
    readonly name: string;
    /** endpoint: Route 53 probes an endpoint; recovery-control: an ARC routing control decides; other: calculated/alarm. */
    readonly kind: "endpoint" | "recovery-control" | "other";
    readonly protocol?: string;
    readonly intervalSeconds: number;
    readonly failureThreshold: number;
    readonly inverted: boolean;
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

const num = (v: unknown): number | undefined => {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
};
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "[unknown]" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads a property from inputs, falling back to outputs (a policy's props, or a computed default). */
function prop(r: ResourceView, key: string): unknown {
    const v = r.inputs[key];
    return v !== undefined ? v : r.outputs?.[key];
}

function regionOfArn(arn: string | undefined): string | undefined {
    return arn?.split(":")[3] || undefined;
}

/** Whether input `key` of `r` comes from `target`'s outputs (the engine's property dependencies). */
function dependsOn(r: ResourceView, key: string, target: ResourceView): boolean {
    return target.urn !== undefined && (r.propertyDependencies?.[key] ?? []).includes(target.urn);
}

/** Whether the view carries property dependencies for input `key` of `r` (a plan's view does; a policy's props do not). */
function hasDependencies(r: ResourceView, key: string): boolean {
    return (r.propertyDependencies?.[key] ?? []).length > 0;
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
    const of = (type: string) => rs.filter((r) => r.type === type);
    const custom = rs.filter((r) => !r.type.startsWith("pulumi:") && !r.type.startsWith("securecart:"));

    const healthChecks: HealthCheckFacts[] = of(T.healthCheck).map((r) => {
        const type = String(prop(r, "type") ?? "");
        const kind = type === "RECOVERY_CONTROL" ? "recovery-control" : /^(HTTP|HTTPS|TCP|HTTP_STR_MATCH|HTTPS_STR_MATCH)$/.test(type) ? "endpoint" : "other";
        return {
            name: r.name,
            kind,
            protocol: type || undefined,
            // Route 53 defaults (developer guide): 30 s interval, threshold 3.
            intervalSeconds: num(prop(r, "requestInterval")) ?? 30,
            failureThreshold: num(prop(r, "failureThreshold")) ?? 3,
            inverted: prop(r, "invertHealthcheck") === true,
        };
    });

    // The application's records: those with a routing policy, a health check or an alias. Plain records
    // (e.g. ACM validation CNAMEs) carry no user traffic and do not count.
    const records: RecordFacts[] = of(T.record).filter((r) => arr(prop(r, "aliases")).length > 0 || prop(r, "healthCheckId") !== undefined || prop(r, "setIdentifier") !== undefined).map((r) => {
        const aliases = arr(prop(r, "aliases"));
        const failover = arr(prop(r, "failoverRoutingPolicies"));
        const routing: RecordFacts["routing"] = failover.length ? "failover"
            : arr(prop(r, "latencyRoutingPolicies")).length ? "latency"
                : arr(prop(r, "weightedRoutingPolicies")).length ? "weighted" : "simple";
        return {
            name: String(prop(r, "name") ?? r.name),
            routing,
            failoverRole: failover.length ? str(obj(failover[0]).type) : undefined,
            alias: aliases.length > 0,
            ttlSeconds: aliases.length > 0 ? undefined : num(prop(r, "ttl")),
            hasHealthCheck: prop(r, "healthCheckId") !== undefined,
        };
    });

    const templates = of(T.launchTemplate);
    const web: WebFacts[] = of(T.asg).map((r) => {
        const ref = obj(prop(r, "launchTemplate"));
        // By property dependency first (the template's id is unknown in a preview), then by value.
        const lt = templates.find((t) => dependsOn(r, "launchTemplate", t))
            ?? templates.find((t) => (ref.id !== undefined && (t.outputs?.id === ref.id || t.inputs.id === ref.id)) || (ref.name !== undefined && (t.outputs?.name === ref.name || t.inputs.name === ref.name)))
            ?? (templates.length === 1 ? templates[0] : undefined);
        const min = num(prop(r, "minSize")) ?? 0;
        return {
            name: r.name,
            min,
            max: num(prop(r, "maxSize")) ?? min,
            // Auto Scaling starts at minSize when desiredCapacity is not set.
            desired: num(prop(r, "desiredCapacity")) ?? min,
            // Auto Scaling's default grace period is 300 s.
            graceSeconds: num(prop(r, "healthCheckGracePeriod")) ?? 300,
            instanceType: lt ? str(prop(lt, "instanceType")) : undefined,
        };
    });

    const taskDefs = of(T.taskDefinition);
    const services: ServiceFacts[] = of(T.ecsService).map((r) => {
        const tdRef = str(prop(r, "taskDefinition"));
        const td = taskDefs.find((t) => dependsOn(r, "taskDefinition", t))
            ?? taskDefs.find((t) => tdRef !== undefined && (t.outputs?.arn === tdRef || t.outputs?.id === tdRef || t.inputs.family === tdRef || t.outputs?.family === tdRef))
            ?? (taskDefs.length === 1 ? taskDefs[0] : undefined);
        const cpu = td ? num(prop(td, "cpu")) : undefined;
        const mem = td ? num(prop(td, "memory")) : undefined;
        const providers = arr(prop(r, "capacityProviderStrategies")).map((c) => String(obj(c).capacityProvider ?? ""));
        return {
            name: r.name,
            desired: num(prop(r, "desiredCount")) ?? 0,
            fargate: prop(r, "launchType") === "FARGATE" || providers.some((p) => p.startsWith("FARGATE")),
            vcpu: cpu === undefined ? undefined : cpu / 1024,
            memoryGb: mem === undefined ? undefined : mem / 1024,
        };
    });

    const instances = of(T.auroraInstance);
    const clusters = of(T.auroraCluster);
    const aurora: AuroraFacts[] = clusters.map((r) => {
        const ids: unknown[] = [r.inputs.clusterIdentifier, r.outputs?.clusterIdentifier, r.outputs?.id].filter((x) => x !== undefined);
        const mine = instances.filter((i) => (hasDependencies(i, "clusterIdentifier") ? dependsOn(i, "clusterIdentifier", r) : ids.includes(prop(i, "clusterIdentifier"))) || (clusters.length === 1));
        return {
            name: r.name,
            arn: str(r.outputs?.arn),
            urn: r.urn,
            global: prop(r, "globalClusterIdentifier") !== undefined,
            restored: prop(r, "snapshotIdentifier") !== undefined || prop(r, "restoreToPointInTime") !== undefined || prop(r, "s3Import") !== undefined,
            instanceClasses: mine.map((i) => String(prop(i, "instanceClass") ?? "")),
            managedSecret: prop(r, "manageMasterUserPassword") === true,
            writer: prop(r, "globalClusterIdentifier") === undefined || prop(r, "masterUsername") !== undefined || prop(r, "manageMasterUserPassword") === true,
            ioOptimized: prop(r, "storageType") === "aurora-iopt1",
        };
    });

    const tables: TableFacts[] = of(T.table).map((r) => {
        const replicas = arr(prop(r, "replicas")).map(obj);
        const provisioned = prop(r, "billingMode") === "PROVISIONED";
        return {
            name: String(prop(r, "name") ?? r.name),
            arn: str(r.outputs?.arn),
            urn: r.urn,
            provisioned,
            readCapacity: provisioned ? num(prop(r, "readCapacity")) ?? 0 : 0,
            writeCapacity: provisioned ? num(prop(r, "writeCapacity")) ?? 0 : 0,
            inlineReplicaRegions: replicas.map((x) => String(x.regionName ?? "")).filter(Boolean),
            strong: replicas.some((x) => x.consistencyMode === "STRONG") || prop(r, "globalTableWitness") !== undefined,
            pitr: obj(prop(r, "pointInTimeRecovery")).enabled === true,
            restored: prop(r, "restoreSourceName") !== undefined || prop(r, "restoreSourceTableArn") !== undefined,
        };
    });
    const replicas: ReplicaFacts[] = of(T.tableReplica).map((r) => ({
        name: r.name,
        globalTableArn: str(prop(r, "globalTableArn")),
        strong: prop(r, "consistencyMode") === "STRONG",
        pitr: prop(r, "pointInTimeRecovery") === true,
    }));

    const selections = of(T.backupSelection);
    const selectedBy = (s: ResourceView): string[] => {
        const named = arr(prop(s, "resources")).map((x) => String(x));
        // ARNs not known yet (a preview) stand for the resources they come from, named by property dependency.
        const pending = named.includes("[unknown]") && hasDependencies(s, "resources");
        const listed = pending ? [...named.filter((x) => x !== "[unknown]"), ...(s.propertyDependencies?.resources ?? [])] : named;
        // A selection by tags or conditions covers resources that are not listed by ARN.
        return arr(prop(s, "selectionTags")).length || Object.keys(obj(prop(s, "condition"))).length ? [...listed, "*"] : listed;
    };
    const backupRules: BackupRuleFacts[] = of(T.backupPlan).flatMap((p) => {
        // A selection belongs to the plan whose id it names; when ids are not visible (a policy's view), to any plan.
        // A plan's ARN ends with its id (arn:aws:backup:<region>:<account>:backup-plan:<id>).
        const planId = str(p.outputs?.id) ?? str(p.outputs?.arn)?.split(":").pop();
        // With property dependencies (a plan's view), a selection belongs to the plan its planId comes from.
        const mine = selections.filter((s) => (hasDependencies(s, "planId") && p.urn !== undefined
            ? dependsOn(s, "planId", p)
            : planId === undefined || str(prop(s, "planId")) === undefined || prop(s, "planId") === planId));
        return arr(prop(p, "rules")).map(obj).map((rule) => {
            const schedule = str(rule.schedule);
            const destinations = arr(rule.copyActions).map((c) => obj(c).destinationVaultArn);
            return {
                plan: p.name,
                rule: String(rule.ruleName ?? ""),
                schedule,
                intervalSeconds: schedule ? cronIntervalSeconds(schedule) : undefined,
                copyRegions: destinations.map((d) => regionOfArn(str(d))).filter((x): x is string => x !== undefined),
                unknownCopyDestinations: destinations.filter((d) => d === "[unknown]").length,
                selected: mine.flatMap(selectedBy),
            };
        });
    });
    const backupSelected = selections.length ? selections.flatMap(selectedBy) : undefined;

    return {
        stack: view.stack,
        region: view.region,
        resourceCount: custom.length,
        healthChecks,
        records,
        albs: of(T.alb).length,
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
