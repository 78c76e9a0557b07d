/**
 * The topology of a stack pair as a Mermaid flowchart (renders on GitHub): the edge (CloudFront with its web
 * ACL, the dynamic behaviour on the origin hostname, the static behaviour on an origin group of asset buckets),
 * one subgraph per region with its web, API, application and data tiers, its asset bucket, its order pipeline
 * (queues, consumers on or off, event bus, fulfilment saga; the global endpoint between the buses) and sign-in (the
 * user pool in its owner's region, the replica with the status its region's stack sets), the cache (its replication
 * group's role in the Global Datastore, or standalone and cold, with its node type) and the shared file system (the
 * services that mount it, EFS replication into the other region's, or its backups' copies), the origin hostname's and
 * the API's Route 53 records with each region's routing policy, what each load balancer forwards to (the API's VPC
 * link to the services' internal load balancer), the sign-in domain's failover, and the replication arrows between
 * regions with their mode, and each region's operations tier (its alarms and the page and notify topics they publish
 * to, with how many alarms notify each, its dashboards, GuardDuty, its FIS experiment templates, and in the home stack
 * the multi-Region trail with its bucket). Built from the planned resources and their facts, so it shows what the plan
 * creates, not what the strategy name suggests.
 */
import * as fs from "fs";
import * as path from "path";
import { formatDuration } from "../src/duration";
import {
    DYNAMIC,
    type AlarmFacts,
    type AlarmTopicFacts,
    type CacheGroupFacts,
    type DashboardFacts,
    type FaultTemplateFacts,
    type ThreatDetectionFacts,
    type TrailFacts,
    type FileSystemFacts,
    type HealthCheckFacts,
    type PlanResource,
    type StackFacts,
    T,
    alarmTopicsOf,
    alarmsOf,
    arr,
    cacheGroupsOf,
    dashboardsOf,
    dependsOn,
    efsVolumesOf,
    faultTemplatesOf,
    fileSystemsOf,
    get,
    isPipelineFunction,
    isRoutingRecord,
    num,
    obj,
    ofType,
    output,
    recordOf,
    refersTo,
    readsCache,
    replicaOf,
    str,
    taskDefinitionOf,
    text,
    threatDetectionOf,
    trailsOf,
    UNKNOWN,
} from "../src/plan";

export interface DiagramStack {
    readonly facts: StackFacts;
    readonly role: "primary" | "standby";
    /** The stack's planned resources, for the edge and the asset buckets. Default none (no edge is drawn). */
    readonly resources?: readonly PlanResource[];
}

/** One S3 origin of the distribution: the bucket and its region, read from the origin's regional domain. */
interface BucketOrigin {
    readonly originId: string;
    readonly bucket: string;
    readonly region?: string;
}

/** The edge as the owning stack plans it. */
interface EdgeView {
    readonly stack: string;
    readonly aliases: readonly string[];
    readonly webAcl?: { readonly name: string; readonly managedGroups: number; readonly rateRules: number };
    /** The dynamic (default) behaviour's origin domain: the origin hostname. */
    readonly dynamicOrigin: string;
    /** Ordered behaviours to a custom origin (not a bucket), e.g. `/api/*` to the API's domain. */
    readonly customBehaviors: readonly {
        readonly pathPattern: string;
        readonly domain: string;
        readonly allMethods: boolean;
        /** From its cache policy, when planned in the same stack: the TTLs and the headers in the cache key. */
        readonly cache?: { readonly defaultTtl?: number; readonly maxTtl?: number; readonly headers: readonly string[] };
    }[];
    readonly staticBehaviors: readonly {
        readonly pathPattern: string;
        /** The group's failover codes; undefined when the behaviour targets a single origin. */
        readonly failoverCodes?: readonly number[];
        /** In failover order: the first is the primary. */
        readonly members: readonly BucketOrigin[];
    }[];
}

/** `<bucket>.s3.<region>.amazonaws.com` (or the global `<bucket>.s3.amazonaws.com`). */
function bucketOrigin(originId: string, domain: string): BucketOrigin | undefined {
    const m = /^(.+)\.s3(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(domain);
    return m ? { originId, bucket: m[1], region: m[2] } : undefined;
}

function edgeOf(stack: string, rs: readonly PlanResource[]): EdgeView | undefined {
    const d = ofType(rs, T.cloudfrontDistribution)[0];
    if (!d) return undefined;
    const origins = arr<Record<string, unknown>>(get(d, "origins"));
    const domainOf = (id: string) => text(origins.find((o) => o.originId === id)?.domainName, "?");
    const groups = arr<Record<string, unknown>>(get(d, "originGroups"));
    const aclArn = get(d, "webAclId");
    const acl = ofType(rs, T.webAcl).find((a) => get(a, "arn") === aclArn) ?? (aclArn !== undefined ? ofType(rs, T.webAcl)[0] : undefined);
    const rules = acl ? arr<Record<string, unknown>>(get(acl, "rules")) : [];
    const statement = (r: Record<string, unknown>) => obj(r.statement);
    return {
        stack,
        aliases: arr(get(d, "aliases")).map((a) => text(a)),
        webAcl: acl
            ? {
                  name: text(get(acl, "name"), acl.name),
                  managedGroups: rules.filter((r) => statement(r).managedRuleGroupStatement !== undefined).length,
                  rateRules: rules.filter((r) => statement(r).rateBasedStatement !== undefined).length,
              }
            : undefined,
        dynamicOrigin: domainOf(text(obj(get(d, "defaultCacheBehavior")).targetOriginId)),
        customBehaviors: arr<Record<string, unknown>>(get(d, "orderedCacheBehaviors")).flatMap((b) => {
            const target = text(b.targetOriginId);
            const origin = origins.find((o) => o.originId === target);
            if (!origin || origin.customOriginConfig === undefined || groups.some((g) => g.originId === target)) return [];
            // The policy by its id; in a plan whose ids are unknown, the one policy the distribution depends on.
            const policies = ofType(rs, T.cachePolicy);
            const cp =
                policies.find((p) => output(p, "id") !== undefined && output(p, "id") === b.cachePolicyId) ??
                (policies.filter((p) => dependsOn(d, "orderedCacheBehaviors", p)).length === 1
                    ? policies.find((p) => dependsOn(d, "orderedCacheBehaviors", p))
                    : undefined);
            const key = cp ? obj(get(cp, "parametersInCacheKeyAndForwardedToOrigin")) : {};
            return [
                {
                    pathPattern: text(b.pathPattern),
                    domain: text(origin.domainName, "?"),
                    allMethods: arr(b.allowedMethods).includes("POST"),
                    cache: cp
                        ? {
                              defaultTtl: num(get(cp, "defaultTtl")),
                              maxTtl: num(get(cp, "maxTtl")),
                              headers: arr(obj(obj(key.headersConfig).headers).items).map((h) => text(h)),
                          }
                        : undefined,
                },
            ];
        }),
        staticBehaviors: arr<Record<string, unknown>>(get(d, "orderedCacheBehaviors")).flatMap((b) => {
            const target = text(b.targetOriginId);
            const group = groups.find((g) => g.originId === target);
            const ids = group ? arr<Record<string, unknown>>(group.members).map((m) => text(m.originId)) : [target];
            const members = ids.flatMap((id) => bucketOrigin(id, domainOf(id)) ?? []);
            if (!members.length) return [];
            return [
                {
                    pathPattern: text(b.pathPattern),
                    failoverCodes: group ? arr(obj(group.failoverCriteria).statusCodes).flatMap((c) => num(c) ?? []) : undefined,
                    members,
                },
            ];
        }),
    };
}

/** A stack's asset-bucket replication: each rule's destination bucket and its Replication Time Control. */
function replicationOf(rs: readonly PlanResource[]): { readonly source: string; readonly to: string; readonly rtcMinutes?: number }[] {
    return ofType(rs, T.bucketReplication).flatMap((c) => {
        const source = str(get(c, "bucket")) ?? bucketNameOf(rs, c);
        if (!source) return [];
        return arr<Record<string, unknown>>(get(c, "rules")).flatMap((r) => {
            if (r.status !== "Enabled") return [];
            const dest = obj(r.destination);
            const to = /^arn:aws:s3:::(.+)$/.exec(text(dest.bucket))?.[1];
            const rtc = obj(dest.replicationTime);
            return to ? [{ source, to, rtcMinutes: rtc.status === "Enabled" ? num(obj(rtc.time).minutes) : undefined }] : [];
        });
    });
}

/** The name of the bucket a bucket-level resource configures, through the bucket it depends on (its `bucket` is the bucket's id). */
function bucketNameOf(rs: readonly PlanResource[], r: PlanResource): string | undefined {
    // By property dependency first: in a preview the bucket's id (what `bucket` holds) is unknown.
    const b = ofType(rs, T.bucket, T.bucketV2).find((x) => refersTo(r, "bucket", x));
    return b ? str(get(b, "bucket")) : undefined;
}

/** The order pipeline of one region, as planned. */
interface PipelineView {
    readonly queues: readonly string[];
    readonly functions: number;
    /** The queue consumers' mappings: how many, and how many enabled. */
    readonly mappings: { readonly total: number; readonly enabled: number };
    /** The order processor's reserved concurrency, where it exists. */
    readonly processorConcurrency?: number;
    readonly bus?: { readonly name: string; readonly rulesEnabled: number; readonly rules: number };
    readonly stateMachine?: string;
    /** The global endpoint this stack owns: its buses' regions in routing order (the primary's first). */
    readonly endpoint?: { readonly name: string; readonly regions: readonly string[]; readonly replication: boolean };
}

function pipelineOf(rs: readonly PlanResource[], ownRegion: string): PipelineView | undefined {
    const queues = ofType(rs, T.sqsQueue).map((q) => text(get(q, "name"), "?"));
    if (!queues.length) return undefined;
    const mappings = ofType(rs, T.eventSourceMapping);
    const bus = ofType(rs, T.eventBus)[0];
    const busName = bus ? str(get(bus, "name")) : undefined;
    const rules = ofType(rs, T.eventRule).filter((r) => busName !== undefined && get(r, "eventBusName") === busName);
    const processor = ofType(rs, T.lambdaFunction).find((f) => /order-processor$/.test(text(get(f, "name"), "")));
    const machine = ofType(rs, T.stateMachine)[0];
    const ep = ofType(rs, T.eventEndpoint)[0];
    // A bus ARN names its region; one unknown until deployment (a preview) is the owning stack's own bus, the
    // only one whose ARN AWS has not assigned yet (the other's is derived from its fixed name).
    const arnRegionOf = (arn: unknown) => /^arn:[^:]+:events:([^:]+):/.exec(text(arn, ""))?.[1] ?? ownRegion;
    return {
        queues,
        functions: ofType(rs, T.lambdaFunction).filter(isPipelineFunction).length,
        mappings: { total: mappings.length, enabled: mappings.filter((m) => get(m, "enabled") !== false).length },
        processorConcurrency: processor ? num(get(processor, "reservedConcurrentExecutions")) : undefined,
        bus: bus
            ? { name: busName ?? "?", rules: rules.length, rulesEnabled: rules.filter((r) => get(r, "state") !== "DISABLED").length }
            : undefined,
        stateMachine: machine ? text(get(machine, "name"), "?") : undefined,
        endpoint: ep
            ? {
                  name: text(get(ep, "name"), "?"),
                  regions: arr<Record<string, unknown>>(get(ep, "eventBuses")).map((b) => arnRegionOf(b.eventBusArn)),
                  replication: obj(get(ep, "replicationConfig")).state !== "DISABLED",
              }
            : undefined,
    };
}

/**
 * Whether `value`, read from `r`'s input `key` (an action's or attachment's ARN), names `target`: through the
 * property dependencies first (in a preview the ARN is unknown), then by value.
 */
function names(r: PlanResource, key: string, value: unknown, target: PlanResource): boolean {
    if (dependsOn(r, key, target)) return true;
    const arn = str(get(target, "arn")) ?? str(output(target, "arn"));
    return arn !== undefined && value === arn;
}

/** What a load balancer forwards to: per target, the path patterns of the rules that send it requests. */
interface LoadBalancerView {
    readonly resource: PlanResource;
    readonly internal: boolean;
    /** ECS services (by resource name) and Auto Scaling groups (by resource name) behind its listeners' forward actions. */
    readonly forwards: readonly {
        readonly kind: "svc" | "asg";
        readonly name: string;
        readonly paths: readonly string[];
        /** The header a rule requires (the edge's origin-verify secret), if any. */
        readonly header?: string;
    }[];
}

/**
 * Each load balancer of a stack with what its listeners forward to, read from the listener rules and default
 * actions, the target groups they name, and the services and groups registered in those: so an edge in the
 * diagram is a path the plan actually routes, whichever load balancer a component hangs its rules on.
 */
function loadBalancersOf(rs: readonly PlanResource[]): LoadBalancerView[] {
    const tgs = ofType(rs, T.targetGroup);
    const svcs = ofType(rs, T.ecsService);
    const asgs = ofType(rs, T.asg);
    const forwardedBy = (r: PlanResource, key: string, actions: readonly Record<string, unknown>[]) =>
        tgs.filter((tg) =>
            actions.some(
                (a) =>
                    a.type === "forward" &&
                    (names(r, key, a.targetGroupArn, tg) ||
                        arr<Record<string, unknown>>(obj(a.forward).targetGroups).some((g) => names(r, key, g.arn, tg))),
            ),
        );
    return ofType(rs, T.loadBalancer).map((lb) => {
        const listeners = ofType(rs, T.listener).filter((l) => refersTo(l, "loadBalancerArn", lb));
        const routes: { tg: PlanResource; paths: string[]; header?: string }[] = [];
        for (const l of listeners) {
            for (const tg of forwardedBy(l, "defaultActions", arr(get(l, "defaultActions")))) routes.push({ tg, paths: [] });
            for (const rule of ofType(rs, T.listenerRule).filter((x) => refersTo(x, "listenerArn", l))) {
                const conditions = arr<Record<string, unknown>>(get(rule, "conditions"));
                const paths = conditions.flatMap((c) => arr(obj(c.pathPattern).values).map((v) => text(v)));
                const header = conditions.map((c) => str(obj(c.httpHeader).httpHeaderName)).find((h) => h !== undefined);
                for (const tg of forwardedBy(rule, "actions", arr(get(rule, "actions")))) routes.push({ tg, paths, header });
            }
        }
        const forwards = routes.flatMap(({ tg, paths, header }) => [
            ...svcs
                .filter((s) => arr<Record<string, unknown>>(get(s, "loadBalancers")).some((b) => names(s, "loadBalancers", b.targetGroupArn, tg)))
                .map((s) => ({ kind: "svc" as const, name: s.name, paths, header })),
            ...asgs
                .filter((g) => dependsOn(g, "targetGroupArns", tg) || arr(get(g, "targetGroupArns")).some((a) => names(g, "targetGroupArns", a, tg)))
                .map((g) => ({ kind: "asg" as const, name: g.name, paths, header })),
        ]);
        return { resource: lb, internal: get(lb, "internal") === true, forwards };
    });
}

/** One region's API as planned: the HTTP API, its routes, its private integration and the region's record on its domain. */
interface ApiView {
    readonly name: string;
    readonly domain?: string;
    readonly routes: number;
    readonly authorized: number;
    readonly throttle?: { readonly rate?: number; readonly burst?: number };
    /** The VPC link of the private integration, and the load balancer its listener belongs to. */
    readonly vpcLink?: string;
    readonly loadBalancer?: PlanResource;
    readonly record?: {
        readonly routing: string;
        readonly failoverRole?: string;
        readonly alias: boolean;
        /** The record's health check: its type and, for a calculated one, how many checks it combines. */
        readonly check?: { readonly type: string; readonly children: number };
    };
    /** The keep-alive probe: its function and its schedule. */
    readonly probe?: { readonly fn: PlanResource; readonly schedule?: string };
}

function apiOf(rs: readonly PlanResource[]): ApiView | undefined {
    const api = ofType(rs, T.httpApi)[0];
    if (!api) return undefined;
    const routes = ofType(rs, T.apiRoute).filter((r) => refersTo(r, "apiId", api));
    const stage = ofType(rs, T.apiStage).find((x) => refersTo(x, "apiId", api));
    const settings = stage ? obj(get(stage, "defaultRouteSettings")) : {};
    const integration = ofType(rs, T.apiIntegration).find((i) => refersTo(i, "apiId", api) && get(i, "connectionType") === "VPC_LINK");
    const link = integration ? ofType(rs, T.vpcLink).find((l) => refersTo(integration, "connectionId", l)) : undefined;
    const listener = integration ? ofType(rs, T.listener).find((l) => refersTo(integration, "integrationUri", l)) : undefined;
    const lb = listener ? ofType(rs, T.loadBalancer).find((b) => refersTo(listener, "loadBalancerArn", b)) : undefined;
    const mapping = ofType(rs, T.apiMapping).find((m) => refersTo(m, "apiId", api));
    const domain = ofType(rs, T.apiDomainName).find((d) => mapping === undefined || refersTo(mapping, "domainName", d));
    const domainName = domain ? str(get(domain, "domainName")) : undefined;
    const record = ofType(rs, T.record).find((r) => domainName !== undefined && isRoutingRecord(r) && get(r, "name") === domainName);
    const hc = record ? ofType(rs, T.healthCheck).find((h) => refersTo(record, "healthCheckId", h)) : undefined;
    // The probe: the function that calls this API's domain (its environment is built from it).
    const fn = ofType(rs, T.lambdaFunction).find(
        (f) =>
            (domain !== undefined && dependsOn(f, "environment", domain)) ||
            (domainName !== undefined && get(f, "environment.variables.API_DOMAIN") === domainName),
    );
    const target = fn ? ofType(rs, T.eventTarget).find((t) => refersTo(t, "arn", fn)) : undefined;
    const rule = target ? ofType(rs, T.eventRule).find((r) => refersTo(target, "rule", r)) : undefined;
    const rec = record ? recordOf(record) : undefined;
    return {
        name: text(get(api, "name"), api.name),
        domain: domainName,
        routes: routes.length,
        authorized: routes.filter((r) => get(r, "authorizationType") === "JWT").length,
        throttle: stage ? { rate: num(settings.throttlingRateLimit), burst: num(settings.throttlingBurstLimit) } : undefined,
        vpcLink: link ? text(get(link, "name"), link.name) : undefined,
        loadBalancer: lb,
        record: rec
            ? {
                  routing: rec.routing,
                  failoverRole: rec.failoverRole,
                  alias: rec.alias,
                  check: hc ? { type: text(get(hc, "type"), "?"), children: arr(get(hc, "childHealthchecks")).length } : undefined,
              }
            : undefined,
        probe: fn ? { fn, schedule: rule ? str(get(rule, "scheduleExpression")) : undefined } : undefined,
    };
}

/** Sign-in as planned across the stacks: the pool and its owner, the replica and the status its region's stack sets, the domain. */
interface IdentityView {
    readonly pool: { readonly stack: string; readonly name: string; readonly tier?: string };
    /** The replica the owner creates, and the status the replica region's stack asserts (undefined: none sets it). */
    readonly replica?: { readonly region: string; readonly status?: string; readonly statusStack?: string };
    readonly domain?: { readonly name: string; readonly failoverRegion?: string; readonly check?: HealthCheckFacts };
}

function identityOf(stacks: readonly DiagramStack[]): IdentityView | undefined {
    const owner = stacks.find((s) => ofType(s.resources ?? [], T.userPool).length > 0);
    if (!owner) return undefined;
    const rs = owner.resources ?? [];
    const pool = ofType(rs, T.userPool)[0];
    const replica = ofType(rs, T.userPoolReplica).find((r) => refersTo(r, "userPoolId", pool));
    const region = replica ? str(get(replica, "regionName")) : undefined;
    // The status is the replica region's stack's to set (a dynamic resource calling that region only).
    const statuses = stacks.flatMap((s) =>
        ofType(s.resources ?? [], DYNAMIC.userPoolReplicaStatus.token).map((r) => ({
            stack: s.facts.stack,
            region: str(get(r, "region")),
            status: str(get(r, "status")),
        })),
    );
    const status =
        statuses.find((x) => x.region === region) ?? statuses.find((x) => stacks.find((s) => s.facts.stack === x.stack)?.facts.region === region);
    const domain = ofType(rs, T.userPoolDomain).find((d) => refersTo(d, "userPoolId", pool));
    const failover = domain ? obj(obj(get(domain, "routing")).failover) : {};
    const hc = domain
        ? ofType(rs, T.healthCheck).find((h) => dependsOn(domain, "routing", h) || (failover.primaryRoute53HealthCheckId ?? null) === output(h, "id"))
        : undefined;
    return {
        pool: { stack: owner.facts.stack, name: text(get(pool, "userPoolName"), pool.name), tier: str(get(pool, "userPoolTier")) },
        replica: region ? { region, status: status?.status, statusStack: status?.stack } : undefined,
        domain: domain
            ? {
                  name: text(get(domain, "domain"), "?"),
                  failoverRegion: str(failover.secondaryRegion),
                  check: hc ? owner.facts.healthChecks.find((h) => h.name === hc.name) : undefined,
              }
            : undefined,
    };
}

/** The cache and the shared files across the stacks, as planned: each stack's groups and file systems. */
interface CacheFilesView {
    readonly caches: ReadonlyMap<string, readonly CacheGroupFacts[]>;
    readonly files: ReadonlyMap<string, readonly FileSystemFacts[]>;
    /** The Global Datastore's primary member: the one a CachePrimary move targets, else the one the datastore was created with. */
    readonly datastorePrimary?: { readonly stack: string; readonly group: CacheGroupFacts };
    /** The stack that plans the Global Datastore (its owner). */
    readonly datastoreOwner?: string;
    /** The member the datastore was created with: the one that sets engine, version and node type for all. */
    readonly datastoreFounder?: CacheGroupFacts;
    /** Regions whose file system another stack replicates into (a destination is read-only). */
    readonly destinations: ReadonlySet<string>;
}

function cacheFilesOf(stacks: readonly DiagramStack[]): CacheFilesView {
    const caches = new Map(stacks.map((s) => [s.facts.stack, cacheGroupsOf(s.resources ?? [])]));
    const files = new Map(stacks.map((s) => [s.facts.stack, fileSystemsOf(s.resources ?? [])]));
    const members = [...caches].flatMap(([stack, gs]) => gs.map((group) => ({ stack, group })));
    const datastorePrimary = members.find((m) => m.group.promotedHere) ?? members.find((m) => m.group.foundsDatastore);
    const datastoreOwner = stacks.find((s) => ofType(s.resources ?? [], T.cacheGlobalDatastore).length > 0)?.facts.stack;
    const destinations = new Set(
        [...files.values()].flatMap((fss) => fss.flatMap((f) => f.replicatesInto.flatMap((r) => (r.region ? [r.region] : [])))),
    );
    const datastoreFounder = members.find((m) => m.group.foundsDatastore)?.group;
    return { caches, files, datastorePrimary, datastoreOwner, datastoreFounder, destinations };
}

/** A replication group's label: engine, id, its place in the Global Datastore (or standalone, cold where the region is a standby), node type. */
function cacheLabel(g: CacheGroupFacts, stack: string, role: DiagramStack["role"], view: CacheFilesView): string {
    const p = view.datastorePrimary;
    const member = g.joinsGlobalDatastore || g.foundsDatastore;
    const isPrimary = p !== undefined && p.stack === stack && p.group.resource === g.resource;
    // A member that joined sets no engine or node type: every member has the founding member's.
    const founder = member ? view.datastoreFounder : undefined;
    const engine = g.engine ?? founder?.engine;
    const version = g.engineVersion ?? founder?.engineVersion;
    const what = member ? `Global Datastore ${isPrimary ? "primary" : "secondary"}` : role === "standby" ? "standalone (cold)" : "standalone";
    const nodeType = g.nodeType ?? (founder?.nodeType ? `${founder.nodeType} (the datastore's)` : "node type not planned");
    const nodes = g.nodes !== undefined ? ` × ${g.nodes}` : "";
    const engineText = engine ? ` ${engine[0].toUpperCase()}${engine.slice(1)}${version ? ` ${version}` : ""}` : "";
    return `ElastiCache${engineText} ${g.id} · ${what} · ${nodeType}${nodes}${g.multiAz ? ", Multi-AZ" : ""}`;
}

/** A file system's label: its name, whether EFS lets it be written here, its access points. */
function fileSystemLabel(f: FileSystemFacts, destination: boolean): string {
    const points = f.accessPoints.length
        ? ` · access point${f.accessPoints.length > 1 ? "s" : ""} ${f.accessPoints.map((a) => a.path ?? "?").join(", ")}`
        : "";
    return `EFS ${f.nameTag ?? f.resource.name} · ${destination ? "replication destination: read-only" : "writable"}${f.encrypted ? " · encrypted" : ""}${points}`;
}

/** The operations tier of one region, as planned: alarms and their topics, dashboards, GuardDuty, FIS templates, the trail. */
interface OperationsView {
    readonly alarms: readonly AlarmFacts[];
    readonly topics: readonly AlarmTopicFacts[];
    readonly dashboards: readonly DashboardFacts[];
    readonly guardDuty?: ThreatDetectionFacts;
    readonly faults: readonly FaultTemplateFacts[];
    readonly trails: readonly TrailFacts[];
}

function operationsOf(rs: readonly PlanResource[], region: string): OperationsView | undefined {
    const view: OperationsView = {
        alarms: alarmsOf(rs, region),
        topics: alarmTopicsOf(rs, region),
        dashboards: dashboardsOf(rs),
        guardDuty: threatDetectionOf(rs, region),
        faults: faultTemplatesOf(rs),
        trails: trailsOf(rs),
    };
    const empty =
        !view.alarms.length && !view.topics.length && !view.dashboards.length && !view.guardDuty && !view.faults.length && !view.trails.length;
    return empty ? undefined : view;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The alarms that publish to `topic`: those naming it whose actions are on. */
const notifying = (ops: OperationsView, topic: AlarmTopicFacts) => ops.alarms.filter((a) => !a.quiet && a.topics.includes(topic.resource)).length;

/** The label of the node for one urgency's topics: each topic with the alarms that notify it and its subscriptions. */
function topicsLabel(ops: OperationsView, urgency: "page" | "notify", region: string): string {
    const topics = ops.topics.filter((t) => t.urgency === urgency).sort((a, b) => a.name.localeCompare(b.name));
    const each = topics.map(
        (t) =>
            `${t.name}${t.region && t.region !== region ? ` (${t.region})` : ""} · ${plural(notifying(ops, t), "alarm")} · ${plural(t.subscriptions, "subscription")}`,
    );
    return `SNS ${urgency} topic${topics.length > 1 ? "s" : ""}: ${each.join("; ")}`;
}

/** The dashboards' label: each with its widgets and, for one spanning regions, how many. */
function dashboardsLabel(ds: readonly DashboardFacts[]): string {
    const each = [...ds]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((d) => {
            const what = [
                d.widgets !== undefined ? plural(d.widgets, "widget") : "body known at deployment",
                ...(d.regions && d.regions.length > 1 ? [`${d.regions.length} regions`] : []),
            ];
            return `${d.name} (${what.join(", ")})`;
        });
    return `CloudWatch dashboard${ds.length > 1 ? "s" : ""} ${each.join(", ")}`;
}

/** The check label of a record: none, ARC's routing control, or an endpoint/alarm check's timing. */
function checkLabel(hc: HealthCheckFacts | undefined): string {
    return !hc
        ? "no health check"
        : hc.kind === "recovery-control"
          ? "ARC routing control"
          : hc.protocol === "CALCULATED"
            ? `calculated health check of ${hc.children?.length ?? "?"} alarm checks (region serving)`
            : `health check ${hc.intervalSeconds}s × ${hc.failureThreshold}`;
}

/** Mermaid-safe label text: quotes become an entity, angle brackets and pipes are dropped. */
function mermaidLabel(text: string): string {
    return `"${text.replace(/"/g, "#quot;").replace(/[<>|]/g, " ").replace(/\s+/g, " ").trim()}"`;
}

/** Mermaid node id from a stack name and a part name. */
function id(...parts: string[]): string {
    return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

const short = (name: string, prefix = "securecart-") => (name.startsWith(prefix) ? name.slice(prefix.length) : name);

/** The Mermaid source for the given stacks (the primary first). */
export function mermaidFor(stacks: readonly DiagramStack[], title: string): string {
    const L: string[] = [];
    const ordered = [...stacks].sort((a, b) => Number(b.role === "primary") - Number(a.role === "primary"));
    L.push("flowchart LR");
    L.push(`    %% ${title.replace(/\n/g, " ")}`);
    // The API tier per stack, and its domain: its records are the API's, not the origin hostname's.
    const apis = new Map(ordered.map((s) => [s.facts.stack, apiOf(s.resources ?? [])]));
    const apiNames = new Set([...apis.values()].flatMap((a) => (a?.domain ? [a.domain] : [])));
    const anyApi = [...apis.values()].some((a) => a !== undefined);
    const identity = identityOf(ordered);
    const cacheFiles = cacheFilesOf(ordered);
    const recordName = ordered
        .flatMap((s) => s.facts.records)
        .map((r) => r.name)
        .filter((n) => !apiNames.has(n))[0];
    const edge = ordered.map((s) => edgeOf(s.facts.stack, s.resources ?? [])).find((e) => e !== undefined);
    // Asset buckets by name: the buckets the edge reads and the buckets replication reads or writes.
    const assetBuckets = new Map<string, string>(); // bucket name → stack
    const replication = ordered.flatMap((s) => replicationOf(s.resources ?? []).map((r) => ({ ...r, stack: s.facts.stack })));
    for (const s of ordered) {
        for (const b of ofType(s.resources ?? [], T.bucket, T.bucketV2)) {
            const name = str(get(b, "bucket"));
            const read = edge?.staticBehaviors.some((x) => x.members.some((m) => m.bucket === name));
            if (name && (read || replication.some((r) => r.source === name || r.to === name))) assetBuckets.set(name, s.facts.stack);
        }
    }
    L.push(`    users(["Users"])`);
    L.push(`    dns{{${mermaidLabel(`Route 53 ${recordName ?? "(no record planned)"}`)}}}`);
    if (anyApi) L.push(`    apidns{{${mermaidLabel(`Route 53 ${[...apiNames][0] ?? "(no API record planned)"}`)}}}`);
    const edges: string[] = [];
    if (edge) {
        // Global: owned by one stack, managed through us-east-1; a failover changes nothing here.
        L.push(`    subgraph edge[${mermaidLabel(`global edge · owned by stack ${edge.stack} · managed in us-east-1, untouched by failover`)}]`);
        const waf = edge.webAcl
            ? ` + AWS WAF ${edge.webAcl.name}: ${edge.webAcl.managedGroups} managed rule group(s), ${edge.webAcl.rateRules} rate rule(s)`
            : " (no web ACL)";
        L.push(`        cdn{{${mermaidLabel(`CloudFront ${edge.aliases.join(", ") || "(no alias)"}${waf}`)}}}`);
        edge.staticBehaviors.forEach((b, i) => {
            if (b.failoverCodes)
                L.push(
                    `        ${id("origin_group", String(i))}{{${mermaidLabel(`origin group: fails over per request on ${b.failoverCodes.join(", ")}`)}}}`,
                );
        });
        L.push("    end");
        L.push('    users -->|"HTTPS"| cdn');
        edges.push(`    cdn -->|${mermaidLabel(`default behaviour: all methods, not cached → ${edge.dynamicOrigin}`)}| dns`);
        // Behaviours to a custom origin: the API's domain goes to its records, the origin hostname to its own.
        edge.customBehaviors.forEach((b, i) => {
            const target = apiNames.has(b.domain) ? "apidns" : b.domain === edge.dynamicOrigin ? "dns" : id("origin", String(i));
            if (target !== "apidns" && target !== "dns") L.push(`    ${target}[${mermaidLabel(b.domain)}]`);
            const cached = !b.cache
                ? ""
                : b.cache.defaultTtl === 0
                  ? ` · not cached${b.cache.maxTtl ? ` (max TTL ${b.cache.maxTtl}s)` : ""}`
                  : ` · cached (default TTL ${b.cache.defaultTtl ?? "?"}s)`;
            const headers = b.cache?.headers.length ? ` · ${b.cache.headers.join(", ")} forwarded` : "";
            edges.push(
                `    cdn -->|${mermaidLabel(`${b.pathPattern} · ${b.allMethods ? "all methods" : "read methods"}${cached}${headers} → ${b.domain}`)}| ${target}`,
            );
        });
    } else {
        L.push("    users --> dns");
    }

    const endpoints: { stack: string; name: string; regions: readonly string[]; replication: boolean }[] = [];
    /** Multi-Region trails, by the stack that owns each: every other region's events reach them. */
    const trails: { stack: string; node: string }[] = [];
    for (const { facts: f, role, resources = [] } of ordered) {
        const s = f.stack;
        const lbs = loadBalancersOf(resources);
        // Facts count every load balancer; with the resources, the internal one (the services') is drawn on its own.
        const publicAlbs = resources.length ? lbs.filter((l) => !l.internal).length : f.albs;
        const internalAlbs = lbs.filter((l) => l.internal).length;
        const api = apis.get(s);
        L.push(`    subgraph ${id("region", s)}[${mermaidLabel(`${f.region} · stack ${s} · ${role}`)}]`);
        L.push("        direction TB");
        // Web tier.
        L.push(`        subgraph ${id(s, "web")}[${mermaidLabel("web tier")}]`);
        if (publicAlbs === 0 && f.web.length === 0)
            L.push(`            ${id(s, "noweb")}[${mermaidLabel("no load balancer or instances (created at recovery)")}]`);
        if (publicAlbs > 0)
            L.push(`            ${id(s, "alb")}[${mermaidLabel(`Application Load Balancer${publicAlbs > 1 ? ` × ${publicAlbs}` : ""}`)}]`);
        for (const w of f.web)
            L.push(
                `            ${id(s, "asg", w.name)}[${mermaidLabel(`EC2 Auto Scaling: ${w.desired} × ${w.instanceType ?? "?"} (min ${w.min}, max ${w.max})`)}]`,
            );
        L.push("        end");
        // API tier: the HTTP API, its VPC link and the keep-alive probe where the region takes no traffic.
        if (anyApi) {
            L.push(`        subgraph ${id(s, "apitier")}[${mermaidLabel("API tier")}]`);
            if (!api) L.push(`            ${id(s, "noapi")}[${mermaidLabel("no API (created at recovery)")}]`);
            else {
                const t = api.throttle;
                const throttle = t ? ` · throttled ${t.rate ?? "?"} req/s, burst ${t.burst ?? "?"}` : "";
                L.push(
                    `            ${id(s, "api")}{{${mermaidLabel(`API Gateway HTTP API ${api.name}: ${api.routes} route(s), ${api.authorized} behind the Cognito JWT authorizer${throttle}`)}}}`,
                );
                if (api.vpcLink) L.push(`            ${id(s, "vpclink")}[${mermaidLabel(`VPC link ${api.vpcLink} (app subnets)`)}]`);
                if (api.probe)
                    L.push(
                        `            ${id(s, "probe")}[${mermaidLabel(`Lambda keep-alive probe ${text(get(api.probe.fn, "name"), api.probe.fn.name)} · ${api.probe.schedule ?? "unscheduled"}`)}]`,
                    );
            }
            L.push("        end");
        }
        // Application tier.
        L.push(`        subgraph ${id(s, "app")}[${mermaidLabel("application tier")}]`);
        if (internalAlbs > 0)
            L.push(
                `            ${id(s, "svclb")}[${mermaidLabel(`internal Application Load Balancer${internalAlbs > 1 ? ` × ${internalAlbs}` : ""}: no public address`)}]`,
            );
        if (f.services.length === 0) L.push(`            ${id(s, "noapp")}[${mermaidLabel("no services (created at recovery)")}]`);
        // By name: the plan lists resources in the order they were registered, which waits on their inputs and so differs
        // between a preview and an update.
        for (const svc of [...f.services].sort((a, b) => a.name.localeCompare(b.name)))
            L.push(
                `            ${id(s, "svc", svc.name)}[${mermaidLabel(`${svc.fargate ? "Fargate" : "ECS"} ${short(svc.name.replace(/-service$/, ""), "securecart-svc-")}: ${svc.desired} task(s)`)}]`,
            );
        L.push("        end");
        // Data tier.
        L.push(`        subgraph ${id(s, "data")}[${mermaidLabel("data tier")}]`);
        for (const a of f.aurora) {
            const n = a.instanceClasses.length;
            const what = a.restored
                ? "Aurora (restored)"
                : a.writer
                  ? "Aurora writer cluster"
                  : n === 0
                    ? "Aurora secondary, headless"
                    : "Aurora secondary";
            L.push(
                `            ${id(s, "aurora", a.name)}[(${mermaidLabel(`${what}: ${n} instance(s)${n ? ` ${[...new Set(a.instanceClasses)].join(", ")}` : ""}`)})]`,
            );
        }
        if (f.aurora.length === 0) L.push(`            ${id(s, "noaurora")}[(${mermaidLabel("no Aurora cluster")})]`);
        for (const t of f.tables)
            L.push(
                `            ${id(s, "table", t.name)}[(${mermaidLabel(`DynamoDB ${short(t.name)}${t.provisioned ? " (provisioned)" : " (on-demand)"}`)})]`,
            );
        for (const r of f.replicas)
            L.push(
                `            ${id(s, "replica", r.name)}[(${mermaidLabel(`DynamoDB replica ${short(r.name.replace(/-replica$/, ""), "securecart-table-")}`)})]`,
            );
        if (f.vaults > 0) L.push(`            ${id(s, "vault")}[(${mermaidLabel(`AWS Backup vault${f.vaults > 1 ? ` × ${f.vaults}` : ""}`)})]`);
        L.push("        end");
        // Cache and shared files: the replication group(s) and file system(s) this stack plans, and what reads or mounts them.
        const caches = cacheFiles.caches.get(s) ?? [];
        const fileSystems = cacheFiles.files.get(s) ?? [];
        const destination = cacheFiles.destinations.has(f.region);
        if (caches.length || fileSystems.length) {
            L.push(`        subgraph ${id(s, "cachefiles")}[${mermaidLabel("cache and shared files")}]`);
            for (const g of caches) L.push(`            ${id(s, "cache", g.resource.name)}[(${mermaidLabel(cacheLabel(g, s, role, cacheFiles))})]`);
            for (const fsx of fileSystems)
                L.push(`            ${id(s, "efs", fsx.resource.name)}[(${mermaidLabel(fileSystemLabel(fsx, destination))})]`);
            L.push("        end");
            for (const svc of [...ofType(resources, T.ecsService)].sort((a, b) => a.name.localeCompare(b.name))) {
                const td = taskDefinitionOf(svc, resources);
                if (!td) continue;
                const volumes = efsVolumesOf(td, resources);
                for (const v of volumes === UNKNOWN ? [] : volumes) {
                    const fsx = fileSystems.find((x) => x.resource === v.fileSystem);
                    if (!fsx) continue;
                    const ap = fsx.accessPoints.find((a) => a.resource === v.accessPoint);
                    const how = [
                        ap ? `access point ${ap.path ?? "?"}` : "no access point",
                        v.transitEncryption === "ENABLED" ? "TLS" : "no TLS",
                        v.iam === "ENABLED" ? "IAM" : "no IAM",
                    ].join(", ");
                    // As the container mounts it; in a preview (container definitions unknown), as EFS allows it here.
                    const readOnly = v.mounts?.length ? v.mounts.every((m) => m.readOnly) : destination;
                    edges.push(
                        `    ${id(s, "svc", svc.name)} -->|${mermaidLabel(`mounts ${readOnly ? "read-only" : "read-write"} · ${how}`)}| ${id(s, "efs", fsx.resource.name)}`,
                    );
                }
                for (const g of caches.filter((x) => readsCache(td, x.resource, resources)))
                    edges.push(
                        `    ${id(s, "svc", svc.name)} -->|${mermaidLabel("reads and writes · TLS, RBAC user, endpoint and password from SSM")}| ${id(s, "cache", g.resource.name)}`,
                    );
            }
        }
        const buckets = [...assetBuckets].filter(([, st]) => st === s).map(([b]) => b);
        if (buckets.length) {
            L.push(`        subgraph ${id(s, "static")}[${mermaidLabel("static assets")}]`);
            for (const b of buckets) L.push(`            ${id(s, "assets", b)}[(${mermaidLabel(`S3 ${b}`)})]`);
            L.push("        end");
        }
        // The keep-alive probe is the API's, not the order pipeline's.
        const pipe = pipelineOf(
            resources.filter((r) => r !== api?.probe?.fn),
            f.region,
        );
        if (pipe) {
            L.push(`        subgraph ${id(s, "pipeline")}[${mermaidLabel("order pipeline")}]`);
            const main = pipe.queues.filter((q) => !/-dlq$|failures$/.test(q));
            L.push(
                `            ${id(s, "queues")}[(${mermaidLabel(`SQS ${main.map((q) => short(q)).join(", ")}, each with a DLQ; kept in every role`)})]`,
            );
            if (pipe.functions === 0) L.push(`            ${id(s, "nofn")}[${mermaidLabel("no consumers (created at recovery)")}]`);
            else {
                const on = pipe.mappings.enabled === pipe.mappings.total ? "on" : pipe.mappings.enabled === 0 ? "off" : "partly on";
                const rc = pipe.processorConcurrency !== undefined ? ` · order processor reserved ${pipe.processorConcurrency}` : "";
                L.push(`            ${id(s, "fn")}[${mermaidLabel(`Lambda: ${pipe.functions} functions · consumers ${on}${rc}`)}]`);
                const mark = pipe.mappings.enabled > 0 ? "-->" : "-.->";
                edges.push(`    ${id(s, "queues")} ${mark}|${mermaidLabel(`event source mappings ${on}`)}| ${id(s, "fn")}`);
            }
            if (pipe.bus) {
                const rules =
                    pipe.bus.rulesEnabled === pipe.bus.rules
                        ? "rules enabled"
                        : pipe.bus.rulesEnabled === 0
                          ? "rules disabled"
                          : "rules partly enabled";
                L.push(`            ${id(s, "bus")}{{${mermaidLabel(`EventBridge bus ${pipe.bus.name} · ${rules}`)}}}`);
                if (pipe.functions) edges.push(`    ${id(s, "fn")} -->|${mermaidLabel("OrderAccepted")}| ${id(s, "bus")}`);
            }
            if (pipe.stateMachine) {
                L.push(
                    `            ${id(s, "saga")}[${mermaidLabel(`Step Functions ${pipe.stateMachine} (Standard): reserve, pay, confirm, notify`)}]`,
                );
                if (pipe.functions) edges.push(`    ${id(s, "fn")} -->|${mermaidLabel("StartExecution")}| ${id(s, "saga")}`);
            }
            L.push("        end");
            if (pipe.endpoint) endpoints.push({ stack: s, ...pipe.endpoint });
        }
        // Sign-in: the pool in its owner's region, the replica in its own with the status that region's stack sets.
        const ownsPool = identity?.pool.stack === s;
        const holdsReplica = identity?.replica?.region === f.region;
        if (identity && (ownsPool || holdsReplica)) {
            L.push(`        subgraph ${id(s, "identity")}[${mermaidLabel("sign-in")}]`);
            if (ownsPool)
                L.push(
                    `            ${id(s, "userpool")}[(${mermaidLabel(`Cognito user pool ${identity.pool.name}${identity.pool.tier ? ` (${identity.pool.tier})` : ""} · primary, owned by stack ${s}`)})]`,
                );
            if (holdsReplica) L.push(`            ${id(s, "userpool_replica")}[(${mermaidLabel(replicaLabel(identity))})]`);
            L.push("        end");
        }
        // Operations: the alarms and the topics they notify, the dashboards, GuardDuty, the FIS templates, the trail.
        const ops = operationsOf(resources, f.region);
        if (ops) {
            L.push(`        subgraph ${id(s, "ops")}[${mermaidLabel("operations")}]`);
            if (ops.alarms.length) {
                const metric = ops.alarms.filter((a) => !a.composite).length;
                const composites = ops.alarms.filter((a) => a.composite).map((a) => a.name);
                const quiet = ops.alarms.filter((a) => a.quiet).length;
                L.push(
                    `            ${id(s, "alarms")}[${mermaidLabel(`CloudWatch alarms: ${metric} metric${composites.length ? `, ${plural(composites.length, "composite")} (${composites.join(", ")})` : ""} · ${quiet} quiet (actions off)`)}]`,
                );
            }
            for (const urgency of ["page", "notify"] as const) {
                if (!ops.topics.some((t) => t.urgency === urgency)) continue;
                L.push(`            ${id(s, "topic", urgency)}[/${mermaidLabel(topicsLabel(ops, urgency, f.region))}/]`);
                const n = ops.topics.filter((t) => t.urgency === urgency).reduce((m, t) => m + notifying(ops, t), 0);
                if (ops.alarms.length)
                    edges.push(`    ${id(s, "alarms")} ${n ? "-->" : "-.->"}|${mermaidLabel(urgency)}| ${id(s, "topic", urgency)}`);
            }
            if (ops.dashboards.length) L.push(`            ${id(s, "dashboards")}[${mermaidLabel(dashboardsLabel(ops.dashboards))}]`);
            const gd = ops.guardDuty;
            if (gd) {
                const on = gd.features.filter((x) => x.status === "ENABLED").length;
                const every = gd.findingPublishingFrequency
                    ? ` · updates every ${gd.findingPublishingFrequency.toLowerCase().replace(/_/g, " ")}`
                    : "";
                L.push(
                    `            ${id(s, "guardduty")}[${mermaidLabel(`GuardDuty detector${gd.enabled ? "" : " (disabled)"} · ${on} of ${gd.features.length} protection plans on${every}`)}]`,
                );
                for (const t of gd.findings?.topics ?? []) {
                    const topic = ops.topics.find((x) => x.resource === t);
                    if (!topic) continue;
                    const severity = gd.findings?.minimumSeverity;
                    edges.push(
                        `    ${id(s, "guardduty")} -->|${mermaidLabel(`findings${severity !== undefined ? ` of severity ${severity} or more` : ""}`)}| ${id(s, "topic", topic.urgency)}`,
                    );
                }
            }
            if (ops.faults.length) {
                const names = ops.faults.map((t) => short(t.name)).sort();
                const stops = [...new Set(ops.faults.map((t) => t.stopConditions))].sort((a, b) => a - b).join(" or ");
                L.push(
                    `            ${id(s, "fis")}[${mermaidLabel(`AWS FIS: ${plural(ops.faults.length, "experiment template")} (${names.join(", ")}) · ${stops} stop conditions each`)}]`,
                );
                if (ops.alarms.length) edges.push(`    ${id(s, "alarms")} -.->|${mermaidLabel("stop conditions")}| ${id(s, "fis")}`);
            }
            for (const t of ops.trails) {
                const scope = [t.multiRegion ? "multi-Region" : "this region only", ...(t.globalServiceEvents ? ["global service events"] : [])];
                const also = t.logGroup ? ` · also to log group ${t.logGroup}` : "";
                L.push(
                    `            ${id(s, "trail")}[${mermaidLabel(`CloudTrail ${t.name} · ${scope.join(", ")}${t.logFileValidation ? " · log file validation" : ""}${also}`)}]`,
                );
                if (t.bucket) {
                    const l = t.bucket.lock;
                    const period = l ? (l.days !== undefined ? `${l.days} days` : l.years !== undefined ? `${l.years} years` : "") : "";
                    const lock = l ? ` · Object Lock ${(l.mode ?? "").toLowerCase()} ${period}`.trimEnd() : " · no Object Lock";
                    L.push(`            ${id(s, "trailbucket")}[(${mermaidLabel(`S3 ${t.bucket.name}${lock}`)})]`);
                    edges.push(`    ${id(s, "trail")} -->|${mermaidLabel("log files and digests")}| ${id(s, "trailbucket")}`);
                }
                if (t.multiRegion) trails.push({ stack: s, node: id(s, "trail") });
            }
            L.push("        end");
        }
        L.push("    end");

        // Each load balancer to what its rules forward to, and the API's path to the services' load balancer.
        const drawnLb = new Set<string>();
        for (const lb of lbs) {
            for (const fw of lb.forwards) {
                const from = lb.internal ? id(s, "svclb") : id(s, "alb");
                const to = id(s, fw.kind, fw.name);
                if (drawnLb.has(`${from} ${to}`)) continue;
                drawnLb.add(`${from} ${to}`);
                const header = fw.header ? ` · ${fw.header} header required` : "";
                edges.push(`    ${from} -->|${mermaidLabel(`${fw.paths.length ? fw.paths.join(", ") : "all paths"}${header}`)}| ${to}`);
            }
        }
        if (api) {
            const lbNode = api.loadBalancer ? (get(api.loadBalancer, "internal") === true ? id(s, "svclb") : id(s, "alb")) : undefined;
            const link = api.vpcLink ? id(s, "vpclink") : undefined;
            if (link) edges.push(`    ${id(s, "api")} -->|${mermaidLabel("private integration (HTTP proxy)")}| ${link}`);
            if (lbNode) edges.push(`    ${link ?? id(s, "api")} -->|${mermaidLabel("HTTPS to the listener, certificate name verified")}| ${lbNode}`);
            if (api.probe)
                edges.push(
                    `    ${id(s, "probe")} -.->|${mermaidLabel("request through the API and its VPC link (keeps the link from going idle)")}| ${id(s, "api")}`,
                );
            if (api.record) {
                const r = api.record;
                const policy = r.routing === "failover" ? `failover ${r.failoverRole ?? ""}` : r.routing;
                const check = !r.check
                    ? "no health check"
                    : r.check.type === "CALCULATED"
                      ? `calculated health check of ${r.check.children} checks (region and services)`
                      : `${r.check.type} health check`;
                const arrow = r.routing === "failover" && r.failoverRole !== "PRIMARY" ? "-.->" : "-->";
                edges.push(
                    `    apidns ${arrow}|${mermaidLabel(`${policy} · ${r.alias ? "alias (TTL 60s)" : "no alias"} · ${check}`)}| ${id(s, "api")}`,
                );
            } else edges.push(`    apidns -.->|${mermaidLabel("no record in this region")}| ${id(s, "api")}`);
        } else if (anyApi) {
            edges.push(`    apidns -.->|${mermaidLabel("no record in this region (created at recovery)")}| ${id(s, "noapi")}`);
        }

        // DNS → region.
        const rec = f.records.find((r) => !apiNames.has(r.name));
        const target = publicAlbs > 0 ? id(s, "alb") : id(s, "noweb");
        if (rec) {
            // The record's own check (the stack plans others: the API's, each service's), else the first.
            const recRes = ofType(resources, T.record).find((r) => isRoutingRecord(r) && get(r, "name") === rec.name);
            const hcRes = recRes ? ofType(resources, T.healthCheck).find((h) => refersTo(recRes, "healthCheckId", h)) : undefined;
            const hc = hcRes ? f.healthChecks.find((h) => h.name === hcRes.name) : f.healthChecks[0];
            const policy = rec.routing === "failover" ? `failover ${rec.failoverRole ?? ""}` : rec.routing;
            const ttl = rec.alias ? "alias (TTL 60s)" : rec.ttlSeconds !== undefined ? `TTL ${formatDuration(rec.ttlSeconds)}` : "no TTL";
            const check = checkLabel(hc);
            const arrow = rec.routing === "failover" && rec.failoverRole !== "PRIMARY" ? "-.->" : "-->";
            edges.push(`    dns ${arrow}|${mermaidLabel(`${policy} · ${ttl} · ${check}`)}| ${target}`);
        } else {
            edges.push(`    dns -.->|${mermaidLabel("no record in this region (created at recovery)")}| ${target}`);
        }
    }

    // The static behaviour: the origin group's members in failover order, each the bucket of a region.
    if (edge) {
        edge.staticBehaviors.forEach((b, i) => {
            const group = id("origin_group", String(i));
            const via = b.failoverCodes ? group : "cdn";
            if (b.failoverCodes) edges.push(`    cdn -->|${mermaidLabel(`${b.pathPattern} · cached`)}| ${group}`);
            b.members.forEach((m, j) => {
                const st = assetBuckets.get(m.bucket);
                const target = st ? id(st, "assets", m.bucket) : id("bucket", m.bucket);
                if (!st) L.push(`    ${target}[(${mermaidLabel(`S3 ${m.bucket}${m.region ? ` (${m.region})` : ""}`)})]`);
                const label = b.failoverCodes ? (j === 0 ? "primary origin (OAC)" : "failover origin (OAC)") : `${b.pathPattern} · cached (OAC)`;
                edges.push(`    ${via} ${j === 0 ? "-->" : "-.->"}|${mermaidLabel(label)}| ${target}`);
            });
        });
    }
    // Asset replication: one arrow per pair of buckets, both ways when each replicates into the other.
    const drawn = new Set<string>();
    for (const r of replication) {
        const key = [r.source, r.to].sort().join(" ");
        if (drawn.has(key)) continue;
        drawn.add(key);
        const back = replication.find((x) => x.source === r.to && x.to === r.source);
        const from = assetBuckets.get(r.source);
        const to = assetBuckets.get(r.to);
        if (!from || !to) continue;
        const rtc = [r.rtcMinutes, back?.rtcMinutes].every((m) => m !== undefined) ? ` · RTC ${r.rtcMinutes} min` : "";
        edges.push(
            `    ${id(from, "assets", r.source)} ${back ? "<-->" : "-->"}|${mermaidLabel(`S3 replication ${back ? "both ways" : "one way"}${rtc}`)}| ${id(to, "assets", r.to)}`,
        );
    }

    // Replication between the primary and each standby.
    const primary = ordered.find((x) => x.role === "primary")?.facts;
    if (primary) {
        for (const { facts: sb } of ordered.filter((x) => x.role === "standby")) {
            const writer = primary.aurora.find((a) => a.writer) ?? primary.aurora[0];
            const secondary = sb.aurora.find((a) => !a.writer && a.global);
            if (writer && secondary)
                edges.push(
                    `    ${id(primary.stack, "aurora", writer.name)} ==>|${mermaidLabel("Aurora global database: async storage replication")}| ${id(sb.stack, "aurora", secondary.name)}`,
                );
            for (const t of primary.tables) {
                const r = replicaOf(t, sb.replicas);
                if (r)
                    edges.push(
                        `    ${id(primary.stack, "table", t.name)} <-->|${mermaidLabel(t.strong || r.strong ? "global table MRSC (synchronous)" : "global table MREC (async, last writer wins)")}| ${id(sb.stack, "replica", r.name)}`,
                    );
            }
            const copies = primary.backupRules.filter((r) => r.copyRegions.includes(sb.region));
            if (copies.length && primary.vaults > 0) {
                const every = [
                    ...new Set(copies.map((c) => (c.intervalSeconds ? `every ${formatDuration(c.intervalSeconds)}` : (c.schedule ?? "")))),
                ].join(", ");
                const dest = sb.vaults > 0 ? id(sb.stack, "vault") : id("region", sb.stack);
                edges.push(`    ${id(primary.stack, "vault")} -->|${mermaidLabel(`AWS Backup cross-region copy ${every}`)}| ${dest}`);
            }
        }
    }
    // The cache's Global Datastore: its primary member replicates into every other member.
    const gp = cacheFiles.datastorePrimary;
    if (gp) {
        for (const [stack, groups] of cacheFiles.caches)
            for (const g of groups.filter((x) => (x.joinsGlobalDatastore || x.foundsDatastore) && x !== gp.group))
                edges.push(
                    `    ${id(gp.stack, "cache", gp.group.resource.name)} ==>|${mermaidLabel(`ElastiCache Global Datastore${cacheFiles.datastoreOwner ? ` (owned by stack ${cacheFiles.datastoreOwner})` : ""}: async replication`)}| ${id(stack, "cache", g.resource.name)}`,
                );
    }
    // The shared files: EFS replication from the primary's file system into the other region's existing one; and,
    // where the file system is in a backup selection whose rules copy to another region, those copies.
    for (const { facts: f } of ordered) {
        for (const fsx of cacheFiles.files.get(f.stack) ?? []) {
            for (const r of fsx.replicatesInto) {
                const dest = ordered.find((x) => x.facts.region === r.region);
                const target = (dest && cacheFiles.files.get(dest.facts.stack)?.[0]) ?? undefined;
                const to = dest && target ? id(dest.facts.stack, "efs", target.resource.name) : id("efs", r.region ?? "unknown");
                if (!(dest && target)) L.push(`    ${to}[(${mermaidLabel(`EFS in ${r.region ?? "an unknown region"}: not planned`)})]`);
                edges.push(
                    `    ${id(f.stack, "efs", fsx.resource.name)} ==>|${mermaidLabel("replicates into · EFS replication: async, one way")}| ${to}`,
                );
            }
            const urn = fsx.resource.urn;
            const arn = str(output(fsx.resource, "arn"));
            const copies = f.backupRules.filter((b) => b.selected.some((x) => x === "*" || x === arn || (urn !== undefined && x === urn)));
            for (const { facts: other } of ordered.filter((x) => x.facts.stack !== f.stack)) {
                const to = copies.filter((c) => c.copyRegions.includes(other.region));
                if (!to.length) continue;
                const every = [
                    ...new Set(to.map((c) => (c.intervalSeconds ? `every ${formatDuration(c.intervalSeconds)}` : (c.schedule ?? "")))),
                ].join(", ");
                const dest = other.vaults > 0 ? id(other.stack, "vault") : id("region", other.stack);
                edges.push(
                    `    ${id(f.stack, "efs", fsx.resource.name)} -.->|${mermaidLabel(`backups copied to ${other.region} · AWS Backup ${every}`)}| ${dest}`,
                );
            }
        }
    }
    // A multi-Region trail records every region's management events (each region's copy delivers to the one bucket).
    for (const t of trails)
        for (const { facts: o } of ordered.filter((x) => x.facts.stack !== t.stack))
            edges.push(`    ${id("region", o.stack)} -.->|${mermaidLabel("management events (multi-Region trail)")}| ${t.node}`);
    // The order events' global endpoint: owned by one stack, routing to the first region's bus while its health
    // check passes, else to the second's; events replicate to the second.
    for (const ep of endpoints) {
        L.push(
            `    ${id("endpoint", ep.name)}{{${mermaidLabel(`EventBridge global endpoint ${ep.name} · owned by stack ${ep.stack} · health check${ep.replication ? " · replication on" : ""}`)}}}`,
        );
        ep.regions.forEach((r, i) => {
            const st = ordered.find((x) => x.facts.region === r);
            if (!st) return;
            edges.push(
                `    ${id("endpoint", ep.name)} ${i === 0 ? "-->" : "-.->"}|${mermaidLabel(i === 0 ? "primary while healthy" : "failover")}| ${id(st.facts.stack, "bus")}`,
            );
        });
    }
    // Sign-in: the managed-login domain (Cognito runs it on CloudFront) goes to the pool's region while its health
    // check passes and to the replica's when it fails; the pool replicates into the replica.
    if (identity) {
        const pool = id(identity.pool.stack, "userpool");
        const rep = identity.replica;
        const repStack = rep ? ordered.find((x) => x.facts.region === rep.region)?.facts.stack : undefined;
        const replicaNode = rep ? (repStack ? id(repStack, "userpool_replica") : id("userpool_replica", rep.region)) : undefined;
        if (rep && !repStack) L.push(`    ${replicaNode}[(${mermaidLabel(`${replicaLabel(identity)} (${rep.region})`)})]`);
        if (rep) edges.push(`    ${pool} ==>|${mermaidLabel("Cognito user pool replication")}| ${replicaNode}`);
        const d = identity.domain;
        if (d) {
            L.push(`    signin{{${mermaidLabel(`Cognito managed login ${d.name} · owned by stack ${identity.pool.stack}`)}}}`);
            edges.push(`    users -->|${mermaidLabel("sign-in")}| signin`);
            if (d.failoverRegion) {
                edges.push(`    signin -->|${mermaidLabel(`primary while its ${checkLabel(d.check)} passes`)}| ${pool}`);
                const to = replicaNode && rep?.region === d.failoverRegion ? replicaNode : id("userpool_replica", d.failoverRegion);
                if (to !== replicaNode) L.push(`    ${to}[(${mermaidLabel(`Cognito user pool replica (${d.failoverRegion}): not planned`)})]`);
                edges.push(`    signin -.->|${mermaidLabel(`failover to ${d.failoverRegion} when it fails`)}| ${to}`);
            } else edges.push(`    signin -->|${mermaidLabel("no failover (no replica)")}| ${pool}`);
        }
    }
    return [...L, ...edges].join("\n") + "\n";
}

/** The replica's label: its status as the replica region's stack sets it. */
function replicaLabel(identity: IdentityView): string {
    const r = identity.replica;
    const status = r?.status ? `${r.status}` : "status not set by any stack";
    return `Cognito user pool replica · ${status} · created by stack ${identity.pool.stack}${r?.statusStack ? `, status set by stack ${r.statusStack}` : ""}`;
}

/** The Markdown file for one stack: a heading, a line on what it shows, and the diagram. */
export function diagramMarkdown(stack: string, stacks: readonly DiagramStack[], strategy: string): string {
    const title = `SecureCart topology for stack ${stack} (strategy ${strategy})`;
    return [
        `# ${title}`,
        "",
        `Generated by \`npm run plan\` from the planned resources of ${stacks.map((s) => `\`${s.facts.stack}\``).join(" and ")}: the edge (CloudFront and its web ACL, with the dynamic, API and static behaviours), regions, tiers, the API (VPC link to the services' internal load balancer, keep-alive probe where the region takes no traffic), the order pipeline (queues, consumers on or off, event bus, saga, global endpoint), sign-in (the user pool, its replica and status, the sign-in domain's failover), the cache (Global Datastore member or standalone, node type) and the shared file system (its mounts, EFS replication or backup copies), each region's operations (alarms and the page and notify topics they publish to, with counts, dashboards, GuardDuty, FIS experiment templates, and the home stack's multi-Region trail and its bucket), replication arrows with their mode, and the origin hostname's and the API's DNS records with each region's routing policy. Solid arrows carry traffic or replicate now; dotted arrows are standby or failover paths.`,
        "",
        "```mermaid",
        mermaidFor(stacks, title).trimEnd(),
        "```",
        "",
    ].join("\n");
}

/** Writes plan-out/<stack>.md for each stack, each showing the pair (or set) of stacks it belongs to. Returns the paths. */
export function writeDiagrams(outDir: string, stacks: readonly DiagramStack[], strategy: string, only?: readonly string[]): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const written: string[] = [];
    const primary = stacks.find((s) => s.role === "primary");
    for (const s of stacks) {
        if (only && only.length && !only.includes(s.facts.stack)) continue;
        // A standby's file shows it with the primary; the primary's shows every region.
        const members = s.role === "primary" || !primary ? stacks : [primary, s];
        const file = path.join(outDir, `${s.facts.stack}.md`);
        fs.writeFileSync(file, diagramMarkdown(s.facts.stack, members, strategy));
        written.push(file);
    }
    return written;
}

/** Extracts the Mermaid source from a diagram Markdown file. */
export function mermaidBlock(markdown: string): string | undefined {
    return /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1];
}
