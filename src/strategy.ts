/**
 * The one place where strategy and role become decisions. Pure: plain values in, a plain plan out.
 * Components never branch on strategy names; they receive the numbers and switches decided here.
 */
import type { CapacityConfig, NatStrategy, Role, ServiceConfig, Strategy, WebConfig } from "./config";

export interface Capacity {
    readonly min: number;
    readonly max: number;
    readonly desired: number;
}

/** What the data tier runs in a region. */
export type AuroraShape =
    | "none" // no cluster (backup-restore standby before recovery)
    | "restore" // a cluster restored from a recovery point (backup-restore promotion)
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
        /** table: the base table (home); replica: a TableReplica; restore: tables restored from PITR; none. */
        readonly shape: "table" | "replica" | "restore" | "none";
    };
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
    /** Backup-restore: keep the restored data tier after failback (set by the failback runbook). */
    readonly keepRestored: boolean;
    /** planned: managed switchover (RPO 0); unplanned: failover with data loss, old primary fenced. Default planned. */
    readonly failoverMode?: "planned" | "unplanned";
    /** The outage drill on this stack. Default none. */
    readonly drill?: "none" | "outage";
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
    const nat: NatStrategy = i.natOverride ?? (primary || i.strategy === "active-active"
        ? "one-per-az"
        : computeExists ? "single" : "none");

    const primaryInstances = 1 + i.auroraReaders;
    let aurora: RegionPlan["aurora"];
    if (i.strategy === "backup-restore") {
        // No replication: only the home stack has a live cluster; another region restores when it is promoted
        // (and keeps the restored cluster while keepRestored is set, so a failback deletes nothing).
        const restored = !i.isHome && (primary || i.keepRestored);
        aurora = {
            shape: i.isHome ? "primary" : restored ? "restore" : "none",
            instances: i.isHome || restored ? primaryInstances : 0,
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

    const dynamoShape: RegionPlan["dynamo"]["shape"] = i.isHome
        ? "table"
        : i.strategy === "backup-restore"
            ? (primary || i.keepRestored ? "restore" : "none")
            : "replica";

    return {
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
        dynamo: { shape: dynamoShape },
        backup: { runsPlan: primary },
        dns: {
            ...(i.strategy === "active-active"
                ? { routing: "latency" as const }
                // Record types stay with the region (home PRIMARY, the other SECONDARY): Route 53 rejects a
                // second PRIMARY (or SECONDARY) record for the same name, so two stacks cannot flip their types
                // one `pulumi up` at a time. The primary role moves by health instead: a standby that holds the
                // PRIMARY record has its health check forced unhealthy, so Route 53 answers with the other.
                : { routing: "failover" as const, failoverRole: i.isHome ? "PRIMARY" as const : "SECONDARY" as const }),
            forcedUnhealthy: i.drill === "outage"
                ? "outage-drill"
                : !primary && i.failoverMode === "unplanned"
                    ? "fenced-after-unplanned-failover"
                    : !primary && i.isHome && i.strategy !== "active-active" ? "standby-holds-primary-record" : undefined,
        },
        // The writer follows primaryRegion: the new primary's stack moves it (a no-op when it is already
        // there). Backup-restore has no replication, so there is nothing to move; it restores instead.
        writerMove: primary && i.strategy !== "backup-restore" ? (i.failoverMode === "unplanned" ? "failover" : "switchover") : undefined,
    };
}
