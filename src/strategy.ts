/**
 * The one place where strategy and role become decisions. Pure: plain values in, a plain plan out.
 * Components never branch on strategy names; they receive the numbers and switches decided here.
 */
import type { CapacityConfig, NatStrategy, PipelineConfig, Role, ServiceConfig, StackConfig, Strategy, WebConfig } from "./config";

export interface Capacity {
    readonly min: number;
    readonly max: number;
    readonly desired: number;
}

/** What the data tier runs in a region. */
export type AuroraShape =
    | "none" // no member cluster (backup-restore outside the home region: its data lives in recovery tiers)
    | "primary" // the global cluster's writer cluster, with readers
    | "headless" // a secondary with no instances (pilot light)
    | "secondary"; // a secondary with readers (warm standby, active-active)

export interface RegionPlan {
    readonly strategy: Strategy;
    readonly role: Role;
    readonly isHome: boolean;
    /** Whether this region's web tier and services exist at all. */
    readonly computeExists: boolean;
    /**
     * ALB deletion protection: on where the region is primary and its compute outlives a demotion. A
     * backup-restore primary's compute is deleted when it is demoted, and a protected ALB would make that
     * `pulumi up` fail, so it stays off there.
     */
    readonly albDeletionProtection: boolean;
    /** Whether this region takes user traffic now (DNS points at it). */
    readonly serves: boolean;
    readonly nat: NatStrategy;
    readonly web: Capacity;
    readonly services: Readonly<Record<string, Capacity>>;
    readonly aurora: {
        readonly shape: AuroraShape;
        /** Instances in this region's cluster (writer included when primary). */
        readonly instances: number;
        /** Global write forwarding on the secondary (active-active). */
        readonly writeForwarding: boolean;
        /** Whether the GlobalCluster resource is created here (home stack only). */
        readonly ownsGlobalCluster: boolean;
    };
    readonly dynamo: {
        /** table: the base table (home); replica: a TableReplica; none (backup-restore elsewhere: see recovery). */
        readonly shape: "table" | "replica" | "none";
        /** Whether the tables are global tables with a replica in every other region (not under backup-restore). */
        readonly replicated: boolean;
    };
    /** Backup-restore's recovery tiers in this region (restored copies of the data), and which one is live. */
    readonly recovery: RecoveryPlan;
    readonly backup: {
        /** The backup plan runs where the primary writer is, and copies to every standby vault. */
        readonly runsPlan: boolean;
    };
    readonly dns: {
        readonly routing: "failover" | "latency";
        /** PRIMARY/SECONDARY failover record type: fixed per region (home PRIMARY), see forcedUnhealthy. */
        readonly failoverRole?: "PRIMARY" | "SECONDARY";
        /**
         * Why this region's health check is forced unhealthy, if it is: the outage drill; the fence on an old
         * primary after an unplanned failover (no traffic until an operator fails back on purpose); or a
         * planned standby that holds the PRIMARY failover record.
         */
        readonly forcedUnhealthy?: "outage-drill" | "fenced-after-unplanned-failover" | "standby-holds-primary-record";
    };
    /** Whether this stack must move the Aurora writer to itself during `pulumi up`, and how. */
    readonly writerMove?: "switchover" | "failover";
    /** The edge (CloudFront, WAF) and the static assets. */
    readonly edge: EdgePlan;
    /** The asynchronous order pipeline (queues, functions, event bus, fulfilment saga). */
    readonly pipeline: PipelinePlan;
    /** The API in front of the microservices. */
    readonly api: ApiPlan;
    /** Sign-in: the Cognito user pool and its replica. */
    readonly identity: IdentityPlan;
    /** The cache (ElastiCache for Valkey, components/cache.ts). */
    readonly cache: CachePlan;
    /** The shared file system (EFS, components/sharedFiles.ts). */
    readonly files: FilesPlan;
    /** Alarms and how each reaches people, the trail, dashboards and fault-injection templates (planOperations). */
    readonly operations: OperationsPlan;
}

/**
 * The cache in a region (ElastiCache; facts and sources in docs/cache-and-files.md). Its contents are
 * rebuilt from the data of record, so nothing that must survive a failover lives only there: sessions are in the
 * `sessions` DynamoDB global table. A Global Datastore keeps a secondary warm (sub-second lag) but its members must
 * all have the primary's node type, so a warm secondary costs what the primary does.
 *
 * - warm standby, active-active: a Global Datastore; the home stack owns it, its member in the primary region is
 *   the primary, promoted inside the new primary's `pulumi up` (`promote`).
 * - pilot light, backup-restore: a **cold cache** in the standby, one minimal node, that the promotion resizes to
 *   the primary's size in place and that rebuilds from the database: the price of a full-size secondary is the
 *   primary's, against minutes of a cold cache. It exists in every role, so no role change ever deletes a
 *   replication group.
 */
export interface CachePlan {
    /** standalone (a cold cache where not primary) or global (a Global Datastore member). */
    readonly mode: "standalone" | "global";
    /** full: the configured node type and replicas; minimal: the smallest node the project allows, for a cold standby. */
    readonly size: "full" | "minimal";
    /** The home stack owns the Global Datastore (whatever its role), as it owns the Aurora GlobalCluster. */
    readonly ownsGlobalDatastore: boolean;
    /** This stack makes its member the Global Datastore's primary inside `pulumi up`, and how. */
    readonly promote?: "switchover" | "failover";
}

/** The cache's shape for a region (see CachePlan). */
export function planCache(strategy: Strategy, primary: boolean, isHome: boolean, failoverMode: "planned" | "unplanned"): CachePlan {
    const global = strategy === "warm-standby" || strategy === "active-active";
    return {
        mode: global ? "global" : "standalone",
        size: global || primary ? "full" : "minimal",
        ownsGlobalDatastore: global && isHome,
        promote: global && primary ? (failoverMode === "unplanned" ? "failover" : "switchover") : undefined,
    };
}

/**
 * The shared file system in a region (EFS, one per region, every role: a file system is never deleted by a role
 * change). Where the strategy keeps data warm (pilot light, warm standby, active-active) the primary's replicates
 * into the standby's, which is read-only while it is a destination; a promotion deletes that replication (the
 * destination becomes writable) and the new primary replicates back into the old primary's existing file system,
 * so failback finds it current. Backup-restore copies its backups to the other region instead.
 */
export interface FilesPlan {
    /** This region's file system replicates into the other region's (it is the primary, and the strategy replicates). */
    readonly replicatesOut: boolean;
    /** This region's file system is a replication destination (read-only). */
    readonly replicaIn: boolean;
    /** The new primary makes its file system writable inside `pulumi up` (deletes the replication into it), and how. */
    readonly promote?: "switchover" | "failover";
    /** Backups of the file system are copied to the other regions (backup-restore's path). */
    readonly backupCopies: boolean;
}

/** The file system's shape for a region (see FilesPlan). */
export function planFiles(strategy: Strategy, primary: boolean, failoverMode: "planned" | "unplanned"): FilesPlan {
    const replicated = strategy !== "backup-restore";
    return {
        // Not during an unplanned failover: replicating out needs the failed region (its file system's protection is
        // turned off there first). Setting failoverMode back to planned, once that region is back, starts it.
        replicatesOut: replicated && primary && failoverMode === "planned",
        replicaIn: replicated && !primary,
        promote: replicated && primary ? (failoverMode === "unplanned" ? "failover" : "switchover") : undefined,
        backupCopies: primary,
    };
}

/**
 * Sign-in in a region. Cognito's multi-Region replication (June 2026; Cognito developer guide, "Multi-Region
 * user pools", read 2026-12-06) keeps one secondary replica of a user pool in another region: existing users
 * sign in there with the same tokens' issuer, but nobody signs up, resets a password or edits a profile while
 * the primary is unreachable, and TOTP MFA does not work on the secondary. A replica starts INACTIVE (no end-user
 * requests) and is made ACTIVE with UpdateUserPoolReplica, callable in either region. It needs the Essentials or
 * Plus plan and a multi-Region KMS key.
 */
export interface IdentityPlan {
    /** The home stack owns the user pool (its primary), whatever its role: ownership never moves, like the other global resources. */
    readonly ownsUserPool: boolean;
    /**
     * The home stack creates the pool's replica in the other region (Cognito keeps one; it is created by a call to
     * the pool's own region) and points the sign-in domain's failover at it: every strategy but backup-restore.
     */
    readonly replicates: boolean;
    /** A replica of the home stack's pool in this region: where the strategy keeps a live standby (not backup-restore). */
    readonly replica: boolean;
    /**
     * The replica takes end users' requests (status ACTIVE): wherever this region may have to serve at once
     * (warm standby, active-active), and in pilot light once the region is promoted (the promotion's `pulumi up`
     * activates it before the region's DNS takes traffic). INACTIVE otherwise: an idle replica answers nobody.
     */
    readonly replicaActive: boolean;
    /**
     * Backup-restore keeps no replica: the home stack exports its users' attributes on the backup schedule into
     * the other regions' export buckets, from which a recovery imports them into a new pool. Cognito exports no
     * passwords, so restored users set a new one at their first sign-in.
     */
    readonly exportUsers: boolean;
    /** Backup-restore, outside the home region: the bucket the home stack's exports land in. */
    readonly receivesExports: boolean;
}

/** Sign-in's shape for a region (see IdentityPlan). */
export function planIdentity(strategy: Strategy, primary: boolean, isHome: boolean): IdentityPlan {
    const replica = !isHome && strategy !== "backup-restore";
    return {
        ownsUserPool: isHome,
        replicates: isHome && strategy !== "backup-restore",
        replica,
        replicaActive: replica && (strategy !== "pilot-light" || primary),
        exportUsers: strategy === "backup-restore" && isHome,
        receivesExports: strategy === "backup-restore" && !isHome,
    };
}

/**
 * The API in front of the microservices in a region: API Gateway with a private integration (a VPC link) to
 * the services' internal load balancer.
 */
export interface ApiPlan {
    /** Wherever compute exists: the API is how the services are reached, so it follows them. */
    readonly exists: boolean;
    /**
     * A scheduled probe through the API and its VPC link where the region takes no traffic: API Gateway makes a
     * VPC link that carried no traffic for 60 days INACTIVE, and a standby must not find its API dead on the day
     * it is promoted. Off where the region serves (its users are the traffic).
     */
    readonly keepAliveProbe: boolean;
}

/** The API's shape for a region (see ApiPlan). */
export function planApi(computeExists: boolean, serves: boolean): ApiPlan {
    return { exists: computeExists, keepAliveProbe: computeExists && !serves };
}

/**
 * The order pipeline's shape in a region. What an order in flight meets in each strategy follows from it: a
 * region whose consumers are off keeps its queues filling (pilot light: nothing runs until promotion), and work
 * stranded in a lost region's queues is found again by the reconciler of the region that takes over.
 */
export interface PipelinePlan {
    /**
     * Every region keeps the pipeline's queues, their dead-letter queues, their alarms and the functions' log
     * groups, whatever the strategy: they may hold messages and logs (a promoted backup-restore standby's
     * queue still holds orders when it is demoted again), and a drill never deletes stateful resources. Idle,
     * they cost nothing but the alarms.
     */
    readonly queues: true;
    /**
     * Whether the rest of the pipeline exists here (functions, event bus, topics, fulfilment saga): not in a
     * backup-restore standby, which holds only backups.
     */
    readonly exists: boolean;
    /**
     * Whether its consumers run: the queues' event source mappings and the event bus's rules are enabled. Off
     * in a pilot-light standby (everything deployed, nothing consuming); a promotion turns them on in the same
     * `pulumi up` that gives the region its traffic, before its health check lets DNS answer with it.
     */
    readonly consumersEnabled: boolean;
    /**
     * Each consumer's reserved concurrency as a share of its configured value, rounded up, at least 1 where
     * consumers run: 1 on a primary and under active-active, the warm-standby fraction on a warm standby.
     */
    readonly concurrencyShare: number;
    /**
     * The operational functions' share (the DLQ watcher, the thumbnailer): 1 wherever the pipeline exists,
     * consumers on or off, so a standby's dead-letter alarms still reach operators and the uploads replicated
     * into its bucket are still seen (and skipped, being replicas) instead of failing into its failure queue.
     */
    readonly operationsShare: number;
    /**
     * Whether this region's reconciler runs: the primary's, which resumes or compensates orders that were
     * accepted (written to the global table) but never completed, e.g. stranded in a lost region's queue.
     */
    readonly reconcilerEnabled: boolean;
    /**
     * Whether this region's bus starts sagas asked for by `OrderFulfilmentRequested` events: the primary's only.
     * With the global endpoint's replication on, every event reaches both regions' buses, and two regions claiming
     * the same payment within the orders table's replication lag could both succeed (a global table's conditional
     * writes are checked per region); an operator's request is re-sent after a promotion instead.
     */
    readonly fulfilmentRequestsEnabled: boolean;
    /**
     * The EventBridge global endpoint spanning the regions' buses (warm standby and active-active): "owner" in
     * the home stack, which creates it whatever its role (like the other global resources), "member" elsewhere,
     * "none" where the strategy has no endpoint.
     */
    readonly globalEndpoint: "none" | "owner" | "member";
}

/** S3 storage classes a replica of the static assets is written in (Amazon S3 user guide, "Storage classes"). */
export type AssetStorageClass = "STANDARD" | "STANDARD_IA";

export interface EdgePlan {
    /**
     * Whether this stack owns the global edge: the distribution, the CLOUDFRONT-scope web ACL, the us-east-1
     * certificate and the edge's logs. The home stack, whatever its role: ownership never moves, so no drill
     * touches the edge.
     */
    readonly ownsGlobalEdge: boolean;
    /** Every region keeps an asset bucket: the origin group's members, and the replicas' destinations. */
    readonly assetBucket: true;
    /**
     * Whether users reach this region only through the edge: its record is on the origin hostname, its ALB
     * accepts only CloudFront, and (home stack) the users' name is CloudFront's alias. False only in the
     * home stack while another stack still holds a record on the users' name (a deployment made before the
     * edge, mid-migration): Route 53 keeps no alias beside those records, and locking the ALB before users'
     * DNS moves would turn them away. The home stack's next `pulumi up` after theirs cuts over.
     */
    readonly lockedToEdge: boolean;
    /**
     * The storage class of the replicas this region writes into the other regions. Backup-restore's primary
     * writes its standby's copy in Standard-IA: a copy that is read only after a disaster costs less there, and
     * is still served at once (unlike the archive classes). Everywhere else, Standard: a standby that serves (or
     * may at any minute) reads its copy like the primary.
     */
    readonly replicaStorageClass: AssetStorageClass;
}

export interface StrategyInputs {
    readonly strategy: Strategy;
    readonly role: Role;
    readonly isHome: boolean;
    readonly web: WebConfig;
    readonly services: readonly ServiceConfig[];
    readonly capacity: CapacityConfig;
    readonly natOverride?: NatStrategy;
    /** Primary-shape readers from config. */
    readonly auroraReaders: number;
    /** What exists of backup-restore's recovery tiers, here and in the other regions. Default: nothing. */
    readonly recovery?: RecoveryInputs;
    /** planned: managed switchover (RPO 0); unplanned: failover with data loss, old primary fenced. Default planned. */
    readonly failoverMode?: "planned" | "unplanned";
    /** The outage drill on this stack. Default none. */
    readonly drill?: "none" | "outage";
    /**
     * Home stack: other stacks deployed before the edge existed, still holding their record on the users'
     * name (looked up from their deployed outputs). Default none.
     */
    readonly peersBeforeEdge?: readonly string[];
}

const ZERO: Capacity = { min: 0, max: 0, desired: 0 };

/** A warm standby runs `fraction` of primary, rounded up, at least 1. */
export function scaleDown(c: Capacity, fraction: number): Capacity {
    const f = (n: number) => Math.max(1, Math.ceil(n * fraction));
    const desired = f(c.desired);
    const min = Math.min(f(c.min), desired);
    return { min, max: Math.max(c.max, desired), desired };
}

/** Pilot light: everything exists, nothing runs; the ASG and services keep their max so they can scale out. */
function toZero(c: Capacity): Capacity {
    return { min: 0, max: c.max, desired: 0 };
}

/**
 * A standby override wins for the bounds it names; what it leaves out follows them, so the result always
 * holds min <= desired <= max (config rejects overrides whose own values contradict each other).
 */
export function applyOverride(c: Capacity, o: Partial<Capacity> | undefined): Capacity {
    if (!o) return c;
    const max = o.max ?? Math.max(c.max, o.min ?? 0, o.desired ?? 0);
    const min = o.min ?? Math.min(c.min, max, o.desired ?? max);
    const desired = o.desired ?? Math.min(Math.max(c.desired, min), max);
    return { min, max: Math.max(max, min, desired), desired };
}

export function planRegion(i: StrategyInputs): RegionPlan {
    const primary = i.role === "primary";
    const webFull: Capacity = { min: i.web.minSize, max: i.web.maxSize, desired: i.web.desiredCapacity };
    const svcFull = (s: ServiceConfig): Capacity => ({ min: s.minCount, max: s.maxCount, desired: s.desiredCount });

    // Standby compute shape per strategy.
    const standbyCompute: Record<Strategy, (c: Capacity) => Capacity> = {
        "backup-restore": () => ZERO,
        "pilot-light": toZero,
        "warm-standby": (c) => scaleDown(c, i.capacity.warmStandbyFraction),
        "active-active": (c) => c,
    };
    const shape = primary ? (c: Capacity) => c : standbyCompute[i.strategy];
    const standbyKeepsCompute = i.strategy !== "backup-restore";
    const computeExists = primary || standbyKeepsCompute;
    const ov = primary ? undefined : i.capacity.standby;
    const web = computeExists ? applyOverride(shape(webFull), ov?.web) : ZERO;
    const services: Record<string, Capacity> = {};
    for (const s of i.services) services[s.name] = computeExists ? applyOverride(shape(svcFull(s)), ov?.services?.[s.name]) : ZERO;

    // Outbound NAT: full redundancy wherever traffic is served; one gateway where compute only idles or runs
    // scaled down; none where no compute exists.
    const nat: NatStrategy = i.natOverride ?? (primary || i.strategy === "active-active" ? "one-per-az" : computeExists ? "single" : "none");

    const primaryInstances = 1 + i.auroraReaders;
    const recovery = planRecovery({ strategy: i.strategy, role: i.role, isHome: i.isHome, liveInstances: primaryInstances, ...(i.recovery ?? {}) });
    let aurora: RegionPlan["aurora"];
    if (i.strategy === "backup-restore") {
        // No replication: only the home stack has a member cluster (the founding tier); the data of a recovery
        // lives in recovery tiers (planRecovery), restored copies that no role change ever deletes.
        aurora = {
            shape: i.isHome ? "primary" : "none",
            // The founding cluster keeps its readers while it is the live tier; once a failback has brought a
            // recovery tier home it keeps only its writer (an Aurora global database's primary needs one).
            instances: i.isHome ? (recovery.liveGeneration === 0 ? primaryInstances : 1) : 0,
            writeForwarding: false,
            ownsGlobalCluster: i.isHome,
        };
    } else {
        const standbyShape: Record<Exclude<Strategy, "backup-restore">, [AuroraShape, number]> = {
            "pilot-light": ["headless", 0],
            "warm-standby": ["secondary", 1],
            "active-active": ["secondary", primaryInstances],
        };
        const [s, n] = primary ? ["primary" as AuroraShape, primaryInstances] : standbyShape[i.strategy];
        aurora = {
            shape: s,
            instances: n,
            writeForwarding: i.strategy === "active-active" && !primary,
            ownsGlobalCluster: i.isHome,
        };
    }

    const dynamoShape: RegionPlan["dynamo"]["shape"] = i.isHome ? "table" : i.strategy === "backup-restore" ? "none" : "replica";

    const plan: Omit<RegionPlan, "operations"> = {
        strategy: i.strategy,
        role: i.role,
        isHome: i.isHome,
        computeExists,
        albDeletionProtection: primary && standbyKeepsCompute,
        serves: primary || i.strategy === "active-active",
        nat,
        web,
        services,
        aurora,
        dynamo: { shape: dynamoShape, replicated: i.strategy !== "backup-restore" },
        recovery,
        backup: { runsPlan: primary },
        dns: {
            ...(i.strategy === "active-active"
                ? { routing: "latency" as const }
                : // Record types stay with the region (home PRIMARY, the other SECONDARY): Route 53 rejects a
                  // second PRIMARY (or SECONDARY) record for the same name, so two stacks cannot flip their types
                  // one `pulumi up` at a time. The primary role moves by health instead: a standby that holds the
                  // PRIMARY record has its health check forced unhealthy, so Route 53 answers with the other.
                  { routing: "failover" as const, failoverRole: i.isHome ? ("PRIMARY" as const) : ("SECONDARY" as const) }),
            forcedUnhealthy:
                i.drill === "outage"
                    ? "outage-drill"
                    : !primary && i.failoverMode === "unplanned"
                      ? "fenced-after-unplanned-failover"
                      : !primary && i.isHome && i.strategy !== "active-active"
                        ? "standby-holds-primary-record"
                        : undefined,
        },
        // The writer follows primaryRegion: the new primary's stack moves it (a no-op when it is already
        // there). Backup-restore has no replication, so there is nothing to move; it restores instead.
        writerMove: primary && i.strategy !== "backup-restore" ? (i.failoverMode === "unplanned" ? "failover" : "switchover") : undefined,
        pipeline: planPipeline(i.strategy, primary, i.isHome, i.capacity.warmStandbyFraction),
        api: planApi(computeExists, primary || i.strategy === "active-active"),
        identity: planIdentity(i.strategy, primary, i.isHome),
        cache: planCache(i.strategy, primary, i.isHome, i.failoverMode ?? "planned"),
        files: planFiles(i.strategy, primary, i.failoverMode ?? "planned"),
        edge: {
            ownsGlobalEdge: i.isHome,
            assetBucket: true,
            lockedToEdge: !(i.isHome && (i.peersBeforeEdge ?? []).length > 0),
            replicaStorageClass: i.strategy === "backup-restore" && primary ? "STANDARD_IA" : "STANDARD",
        },
    };
    return { ...plan, operations: planOperations(plan) };
}

/**
 * Another stack's plan as its configuration alone decides it (no lookups: its recovery tiers are taken as none), for
 * what does not depend on them: its alarms and what the DR dashboard shows of it.
 */
export function planOfConfig(s: StackConfig): RegionPlan {
    return planRegion({
        strategy: s.strategy,
        role: s.role,
        isHome: s.isHome,
        web: s.web,
        services: s.services,
        capacity: s.capacity,
        natOverride: s.network.natStrategy,
        auroraReaders: s.database.readers,
        recovery: { held: [], retire: s.recovery.retire },
        failoverMode: s.failoverMode,
        drill: s.drill,
    });
}

/**
 * A function's reserved concurrency: its configured value scaled by the plan's share, rounded up, at least
 * `floor` (default 1; 0 when off). A queue consumer's floor is 2: its event source mapping's maximum
 * concurrency must be 2-1000 and at most the reserved concurrency, and without it Lambda's pollers outrun a
 * smaller reservation, whose throttled receives count towards maxReceiveCount and dead-letter sound messages.
 */
export function scaledConcurrency(configured: number, share: number, floor = 1): number {
    return share <= 0 ? 0 : Math.max(floor, Math.ceil(configured * share));
}

/** The queue consumers' least reserved concurrency where they run (see scaledConcurrency). */
export const QUEUE_CONSUMER_MIN_CONCURRENCY = 2;

/** Reserved concurrency per pipeline function, keyed as in `pipeline.reservedConcurrency`. */
export type PipelineConcurrency = PipelineConfig["reservedConcurrency"];

/**
 * Each pipeline function's reserved concurrency in a region: the operational functions (DLQ watcher, thumbnailer)
 * at the plan's operations share, the others at its consumers' share, the queue consumers (order processor,
 * notifier) never below QUEUE_CONSUMER_MIN_CONCURRENCY where they run.
 */
export function pipelineConcurrency(p: PipelinePlan, configured: PipelineConcurrency): PipelineConcurrency {
    const c = (n: number, floor = 1) => scaledConcurrency(n, p.concurrencyShare, floor);
    const ops = (n: number) => scaledConcurrency(n, p.operationsShare);
    return {
        orderProcessor: c(configured.orderProcessor, QUEUE_CONSUMER_MIN_CONCURRENCY),
        notifier: c(configured.notifier, QUEUE_CONSUMER_MIN_CONCURRENCY),
        fulfilment: c(configured.fulfilment),
        orderReconciler: c(configured.orderReconciler),
        dlqWatcher: ops(configured.dlqWatcher),
        thumbnailer: ops(configured.thumbnailer),
    };
}

/** The pipeline's shape for a strategy and role (see PipelinePlan). */
export function planPipeline(strategy: Strategy, primary: boolean, isHome: boolean, warmStandbyFraction: number): PipelinePlan {
    const exists = primary || strategy !== "backup-restore";
    const consumersEnabled = exists && (primary || strategy === "warm-standby" || strategy === "active-active");
    const concurrencyShare = !consumersEnabled ? 0 : primary || strategy === "active-active" ? 1 : warmStandbyFraction;
    const endpoint = strategy === "warm-standby" || strategy === "active-active";
    return {
        queues: true,
        exists,
        consumersEnabled,
        concurrencyShare,
        operationsShare: exists ? 1 : 0,
        reconcilerEnabled: primary,
        fulfilmentRequestsEnabled: primary,
        globalEndpoint: !endpoint ? "none" : isHome ? "owner" : "member",
    };
}

// --- Backup-restore recovery tiers -------------------------------------------------------------------------
//
// Backup-restore replicates nothing, so a recovery creates data: the promoted region restores a copy of the
// home region's live data (a recovery tier), and a failback restores a copy of that copy back in the home
// region. Neither copy can be written into an existing cluster or table (a restore always creates a new one),
// and the copy left behind holds data nobody else has until the next copy is made, so no role change deletes
// a tier: it is retired only by the explicit `recovery.retire` steps, and only once it is superseded.
//
// Tiers are numbered by generation, one number per recovery: the founding tier (the home stack's member of
// the global database and its base tables) is generation 0; a promotion restores generation (home's live + 1);
// a failback brings the newest generation home under the same number. Which tiers exist is looked up, not
// configured (a failback is a plain primaryRegion change): each stack lists its own region's clusters, and
// reads the other stacks' deployed outputs for theirs, so nothing here calls another region.

/** The explicit, two-step retirement of superseded recovery tiers (config `recovery.retire`). */
export type RetireStep = "keep" | "unprotect" | "delete";

export interface RecoveryInputs {
    /** Generations of the recovery tiers that exist in this region now (looked up). Default none. */
    readonly held?: readonly number[];
    /** Non-home stacks: the home stack's live generation, from its deployed outputs (0: the founding tier). Default 0. */
    readonly homeLive?: number;
    /** Home stack: the newest generation each other stack holds, from its deployed outputs. Default none. */
    readonly peers?: readonly { readonly stack: string; readonly region: string; readonly newest: number }[];
    /** What happens to superseded tiers. Default "keep". */
    readonly retire?: RetireStep;
}

/** Where a tier's data comes from (it matters only when the tier is created: a restore happens once). */
export type RecoverySource =
    | { readonly kind: "home"; readonly generation: number }
    | { readonly kind: "peer"; readonly stack: string; readonly region: string; readonly generation: number };

export interface RecoveryTierPlan {
    readonly generation: number;
    /** The tier that holds this region's data of record while it is primary (and the source of the next copy). */
    readonly live: boolean;
    /** Created by this update (a restore); otherwise it exists already and its source no longer matters. */
    readonly created: boolean;
    /** Aurora instances: the primary's count while live and serving, none otherwise (the volume keeps the data). */
    readonly instances: number;
    /**
     * A newer tier holds everything it holds: live elsewhere or here. Only superseded tiers can be retired; a
     * tier whose data has not been brought home yet never is.
     */
    readonly superseded: boolean;
    /** `protect` and deletion protection: off only in the retire steps. */
    readonly protect: boolean;
    readonly source: RecoverySource;
}

export interface RecoveryPlan {
    /** The generation of this region's live data: 0 is the founding tier (home), or none held (elsewhere). */
    readonly liveGeneration: number;
    /** The tiers declared in this region, oldest first. Retired tiers are not declared. */
    readonly tiers: readonly RecoveryTierPlan[];
    /** Generations being retired by `recovery.retire: delete` (they exist but are no longer declared). */
    readonly retired: readonly number[];
    /** Why this configuration cannot be applied to what exists (each names the key and the way out). */
    readonly problems: readonly string[];
}

/** The identifier of a recovery tier's Aurora cluster, e.g. `securecart-us-west-2-r1`. */
export function recoveryClusterId(region: string, generation: number): string {
    return `securecart-${region}-r${generation}`;
}

/** The name of a recovery tier's copy of a table, e.g. `securecart-carts-r1`. */
export function recoveryTableName(table: string, generation: number): string {
    return `securecart-${table}-r${generation}`;
}

/** The generations found among a region's cluster identifiers (anything else is not a recovery tier). */
export function heldGenerations(region: string, clusterIdentifiers: readonly string[]): number[] {
    const prefix = `securecart-${region}-r`;
    const out: number[] = [];
    for (const id of clusterIdentifiers) {
        if (!id.startsWith(prefix)) continue;
        const n = id.slice(prefix.length);
        if (/^[1-9][0-9]{0,5}$/.test(n) && !out.includes(Number(n))) out.push(Number(n));
    }
    return out.sort((a, b) => a - b);
}

/**
 * Whether a stack must read the other stacks' recovery tiers before it plans: only the home stack under
 * backup-restore (it brings the newest recovery home). Every stack reads the home stack anyway.
 */
export function readsPeerRecovery(strategy: Strategy, isHome: boolean): boolean {
    return isHome && strategy === "backup-restore";
}

export function planRecovery(
    i: {
        readonly strategy: Strategy;
        readonly role: Role;
        readonly isHome: boolean;
        /** Aurora instances of a live, serving tier. */
        readonly liveInstances: number;
    } & RecoveryInputs,
): RecoveryPlan {
    const held = [...new Set(i.held ?? [])].sort((a, b) => a - b);
    const retire = i.retire ?? "keep";
    const primary = i.role === "primary";
    const problems: string[] = [];
    const max = (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
    if (i.strategy !== "backup-restore") {
        // The replicated strategies replicate the founding tier; a recovery tier is outside the global database.
        if (held.length) {
            problems.push(
                `securecart:strategy: got "${i.strategy}"; this region holds backup-restore recovery tiers ${held.map((g) => `r${g}`).join(", ")}, ` +
                    "which a replicated strategy would not keep (and whose newest, if it is the live data, is outside the global database). " +
                    "Stay on backup-restore until they are retired (recovery.retire: unprotect, then delete); moving live data back into the global database is not supported yet",
            );
        }
        return { liveGeneration: 0, tiers: [], retired: [], problems };
    }
    let live: number;
    let created: RecoverySource | undefined;
    /** Generations whose data the live tier (here or at home) already holds. */
    let supersededBelowOrAt: number;
    if (i.isHome) {
        const own = max(held);
        const newest = [...(i.peers ?? [])].sort((a, b) => b.newest - a.newest)[0];
        if (primary && newest && newest.newest > own) {
            // Failback: bring the newest recovery home, under its own generation number.
            live = newest.newest;
            created = { kind: "peer", stack: newest.stack, region: newest.region, generation: newest.newest };
        } else {
            live = own;
        }
        supersededBelowOrAt = live - 1;
    } else {
        const homeLive = i.homeLive ?? 0;
        const own = max(held);
        if (primary) {
            // A tier newer than home's live data is this recovery's; otherwise restore the next generation.
            live = own > homeLive ? own : homeLive + 1;
            if (!held.includes(live)) created = { kind: "home", generation: homeLive };
        } else {
            live = 0;
        }
        // Home's live tier holds everything up to its generation; while primary, older tiers here too.
        supersededBelowOrAt = primary ? Math.max(homeLive, live - 1) : homeLive;
    }
    const generations = [...held, ...(created ? [live] : [])].sort((a, b) => a - b);
    const tiers: RecoveryTierPlan[] = [];
    const retired: number[] = [];
    for (const g of generations) {
        const isLive = g === live;
        const superseded = !isLive && g <= supersededBelowOrAt;
        if (superseded && retire === "delete") {
            retired.push(g);
            continue;
        }
        const source: RecoverySource = created && g === live ? created : sourceOf(i, g);
        tiers.push({
            generation: g,
            live: isLive,
            created: created !== undefined && g === live,
            instances: isLive && primary ? i.liveInstances : 0,
            superseded,
            protect: !(superseded && retire === "unprotect"),
            source,
        });
    }
    return { liveGeneration: live, tiers, retired, problems };
}

/** The source a tier was restored from, as well as it can be told afterwards (only creation reads it). */
function sourceOf(i: RecoveryInputs & { readonly isHome: boolean }, g: number): RecoverySource {
    if (!i.isHome) return { kind: "home", generation: g - 1 };
    const holder = (i.peers ?? []).find((p) => p.newest === g) ?? (i.peers ?? [])[0];
    return holder ? { kind: "peer", stack: holder.stack, region: holder.region, generation: g } : { kind: "home", generation: g - 1 };
}

/**
 * How an alarm reaches people: `page` (the operators' urgent channel), `notify` (a lower-urgency one: a standby that
 * could not take over, a warm standby's load), `quiet` (the alarm exists, so its state shows on the dashboards, but it
 * sends nothing: an idle pilot-light region's would always be in ALARM or lack data).
 */
export type AlarmUrgency = "page" | "notify" | "quiet";

/** The alarms a region may have, one per tier signal (docs/operations-design.md §1 names each metric). */
export const ALARM_KINDS = [
    "regionServing",
    "albErrors",
    "asgBelowDesired",
    "servicesBelowDesired",
    "auroraLoad",
    "auroraReplicationLag",
    "dynamoReplicationLatency",
    "dynamoThrottles",
    "backupJobsFailed",
    "deadLetters",
    "queueAge",
    "functionErrors",
    "sagaFailures",
    "cacheLoad",
    "cacheReplicationLag",
    "filesSyncAge",
    "filesIo",
    "apiErrors",
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];

/**
 * Operations in a region (docs/operations.md). Derived from the region's own plan, never from the strategy's name: an alarm exists where its tier
 * does and its signal means something, and how it reaches people follows whether the region serves, could serve at
 * once (it runs capacity), or idles.
 */
export interface OperationsPlan {
    /** The alarms that exist here, and how each reaches people; a kind absent from the map has no alarm here. */
    readonly alarms: Readonly<Partial<Record<AlarmKind, AlarmUrgency>>>;
    /** The edge's alarms (CloudFront 5xx, WAF), in us-east-1: with the edge, in the home stack whatever its role. */
    readonly edgeAlarms: boolean;
    /** The one multi-Region trail and the DR dashboard: the home stack's, whatever its role. */
    readonly ownsTrail: boolean;
    readonly ownsDrDashboard: boolean;
    /** Fault-injection templates that have something to act on here. */
    readonly faults: {
        readonly stopTasks: boolean;
        readonly azPowerInterruption: boolean;
        readonly auroraFailover: boolean;
        readonly subnetDisruption: boolean;
    };
}

/** The operations plan for a region (see OperationsPlan). */
export function planOperations(p: Omit<RegionPlan, "operations">): OperationsPlan {
    const primary = p.role === "primary";
    const servicesRun = p.computeExists && Object.values(p.services).some((c) => c.desired > 0);
    const running = servicesRun || (p.computeExists && p.web.desired > 0);
    // What a failing signal of a region's serving path means: an outage where it serves, a failover target that will
    // not work where it idles warm, and nothing yet where it idles cold.
    const serving: AlarmUrgency = p.serves ? "page" : running ? "notify" : "quiet";
    const alarms: Partial<Record<AlarmKind, AlarmUrgency>> = {};
    if (p.computeExists) {
        alarms.regionServing = serving;
        alarms.albErrors = serving;
        alarms.filesIo = "notify";
    }
    // "Running below desired" means something only where something is desired; a warm standby that cannot reach its
    // count pages: it is the failover target.
    if (p.computeExists && p.web.desired > 0) alarms.asgBelowDesired = "page";
    if (servicesRun) alarms.servicesBelowDesired = "page";
    if (p.api.exists) alarms.apiErrors = serving;
    // The data of record where it lives: the member cluster and tables, or backup-restore's live recovery tier.
    const liveTier = p.recovery.tiers.find((t) => t.live);
    if (p.aurora.instances > 0 || (liveTier?.instances ?? 0) > 0) alarms.auroraLoad = primary ? "page" : "notify";
    // Published on a secondary; whether a headless one publishes it is not known (docs/operations-design.md §13).
    if (p.aurora.shape === "secondary") alarms.auroraReplicationLag = "page";
    if (p.dynamo.shape !== "none" || liveTier !== undefined) {
        alarms.dynamoThrottles = p.serves ? "page" : "notify";
        // Published where the writes happen, one per receiving region; without replicas there is nothing to receive them.
        if (p.serves && p.dynamo.replicated) alarms.dynamoReplicationLatency = "page";
    }
    if (p.backup.runsPlan) alarms.backupJobsFailed = "page";
    // The queues exist in every role; a dead letter anywhere is a message someone must look at.
    alarms.deadLetters = p.pipeline.consumersEnabled && p.serves ? "page" : "notify";
    if (p.pipeline.exists) {
        const pipeline: AlarmUrgency = !p.pipeline.consumersEnabled ? "quiet" : p.serves ? "page" : "notify";
        alarms.queueAge = pipeline;
        alarms.functionErrors = pipeline;
        alarms.sagaFailures = p.pipeline.reconcilerEnabled || p.serves ? "page" : pipeline;
    }
    alarms.cacheLoad = p.serves ? "page" : "notify";
    if (p.cache.mode === "global" && !primary) alarms.cacheReplicationLag = "page";
    if (p.files.replicaIn) alarms.filesSyncAge = "page";
    return {
        alarms,
        edgeAlarms: p.edge.ownsGlobalEdge,
        ownsTrail: p.isHome,
        ownsDrDashboard: p.isHome,
        faults: {
            stopTasks: servicesRun,
            azPowerInterruption: running,
            // In-region failover moves a writer: only the global primary cluster has one (a secondary's are readers).
            auroraFailover: running && p.aurora.shape === "primary" && p.aurora.instances >= 2,
            subnetDisruption: running,
        },
    };
}
