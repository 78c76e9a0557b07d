/**
 * Moving the writer of an Aurora global database to a chosen regional cluster: the pure logic behind the
 * GlobalWriter dynamic resource (components/globalSwitchover.ts), kept apart so it is tested against a
 * mocked RDS client.
 *
 * - switchover (planned): RDS `SwitchoverGlobalCluster`. RPO 0; needs every member reachable.
 * - failover (unplanned): RDS `FailoverGlobalCluster` with `AllowDataLoss`. RPO = replication lag; calls
 *   only the target's region, never the failed one.
 * Both need the same engine version in every region and at least one DB instance in the target cluster
 * (Aurora user guide, "Using switchover or failover in an Amazon Aurora global database").
 * Idempotent: when the target already is the writer nothing is called; when a move to the target is
 * already in progress it is awaited rather than started again.
 */
import {
    DescribeDBClustersCommand,
    DescribeGlobalClustersCommand,
    FailoverGlobalClusterCommand,
    type GlobalCluster,
    type RDSClient,
    SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";

export type WriterMoveMode = "switchover" | "failover";
export const WRITER_MOVE_MODES: readonly WriterMoveMode[] = ["switchover", "failover"];

export interface WriterMoveRequest {
    /** The global cluster's identifier. */
    readonly globalClusterIdentifier: string;
    /** ARN of the regional cluster that must end up the writer. */
    readonly targetClusterArn: string;
    readonly mode: WriterMoveMode;
}

export interface WriterMoveOptions {
    /** An RDS client for a region (tests pass clients mocked with aws-sdk-client-mock). */
    readonly rds: (region: string) => RDSClient;
    /** Milliseconds between status polls. Default 15 000. */
    readonly pollIntervalMs?: number;
    /** Milliseconds to wait for the move to finish. Default 45 minutes. */
    readonly timeoutMs?: number;
    /** Default: setTimeout. */
    readonly sleep?: (ms: number) => Promise<void>;
    /** Default: Date.now. */
    readonly now?: () => number;
    /** Progress messages. Default: none. */
    readonly log?: (message: string) => void;
}

export type WriterMoveOutcome = "already-writer" | "switched-over" | "failed-over" | "awaited-move-in-progress";

export interface WriterMoveResult {
    readonly outcome: WriterMoveOutcome;
    readonly writerClusterArn: string;
    /** The writer before the move; undefined when it could not be read (e.g. a failed region). */
    readonly previousWriterArn?: string;
}

/** A move that must not or could not happen; the message says why and what to do. */
export class WriterMoveError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "WriterMoveError";
    }
}

const IN_PROGRESS = new Set(["pending", "failing-over", "cancelling"]);

/** The region of an RDS ARN (arn:aws:rds:REGION:ACCOUNT:cluster:ID). */
export function regionOfArn(arn: string): string | undefined {
    const m = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:cluster:[A-Za-z0-9-]+$/.exec(arn);
    return m?.[1];
}

function describeError(e: unknown): string {
    const err = e as { name?: string; message?: string };
    return `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
}

async function describeGlobal(rds: RDSClient, id: string): Promise<GlobalCluster> {
    let out;
    try {
        out = await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }));
    } catch (e) {
        throw new WriterMoveError(`DescribeGlobalClusters(${id}) failed: ${describeError(e)}`);
    }
    const gc = out.GlobalClusters?.find((g) => g.GlobalClusterIdentifier === id);
    if (!gc) throw new WriterMoveError(`global cluster ${id} was not found; check globalClusterIdentifier and the region called`);
    return gc;
}

async function describeCluster(rds: RDSClient, arn: string) {
    let out;
    try {
        out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }));
    } catch (e) {
        throw new WriterMoveError(`DescribeDBClusters(${arn}) failed: ${describeError(e)}`);
    }
    const c = out.DBClusters?.[0];
    if (!c) throw new WriterMoveError(`cluster ${arn} was not found`);
    return c;
}

function writerOf(gc: GlobalCluster): string | undefined {
    return gc.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
}

function moveInProgress(gc: GlobalCluster): boolean {
    return gc.FailoverState?.Status !== undefined && IN_PROGRESS.has(gc.FailoverState.Status);
}

/**
 * Makes `targetClusterArn` the writer of the global cluster, or confirms it already is. Throws a
 * WriterMoveError naming the reason when the move must not start (unknown target, engine versions differ,
 * no instance in the target, another move in progress) or does not finish in time.
 */
export async function moveGlobalWriter(req: WriterMoveRequest, opts: WriterMoveOptions): Promise<WriterMoveResult> {
    const { globalClusterIdentifier: id, targetClusterArn: target, mode } = req;
    const log = opts.log ?? (() => undefined);
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = opts.now ?? Date.now;
    const pollMs = opts.pollIntervalMs ?? 15_000;
    const timeoutMs = opts.timeoutMs ?? 45 * 60_000;
    if (!WRITER_MOVE_MODES.includes(mode)) throw new WriterMoveError(`mode: got ${JSON.stringify(mode)}; expected one of ${WRITER_MOVE_MODES.join(", ")}`);
    const region = regionOfArn(target);
    if (!region) throw new WriterMoveError(`targetClusterArn: got ${JSON.stringify(target)}; expected an Aurora cluster ARN arn:aws:rds:<region>:<account>:cluster:<id>`);
    // Every call goes to the target's region: in a failover the old writer's region may be down.
    const rds = opts.rds(region);

    const gc = await describeGlobal(rds, id);
    const members = gc.GlobalClusterMembers ?? [];
    const previous = writerOf(gc);
    if (!members.some((m) => m.DBClusterArn === target)) {
        throw new WriterMoveError(`cluster ${target} is not a member of global cluster ${id} (members: ${members.map((m) => m.DBClusterArn).join(", ") || "none"}); it must join the global cluster before it can become the writer`);
    }
    if (moveInProgress(gc)) {
        const fs = gc.FailoverState!;
        if (fs.ToDbClusterArn !== target) {
            throw new WriterMoveError(`global cluster ${id} is already moving its writer from ${fs.FromDbClusterArn} to ${fs.ToDbClusterArn} (${fs.Status}); wait for it to finish, then run again`);
        }
        log(`a move to ${target} is already ${fs.Status}; waiting for it`);
        await waitForWriter(rds, id, target, { pollMs, timeoutMs, sleep, now, log });
        return { outcome: "awaited-move-in-progress", writerClusterArn: target, previousWriterArn: fs.FromDbClusterArn ?? previous };
    }
    if (previous === target) {
        log(`${target} already is the writer of ${id}; nothing to do`);
        return { outcome: "already-writer", writerClusterArn: target, previousWriterArn: previous };
    }
    if (mode === "switchover" && gc.Status !== "available") {
        throw new WriterMoveError(`global cluster ${id} is ${gc.Status ?? "in an unknown state"}; a managed switchover needs it available (use failoverMode unplanned only when the primary region is down)`);
    }

    // Preconditions on the target (and, for a switchover, on every member: all must run the same version).
    const targetCluster = await describeCluster(rds, target);
    if ((targetCluster.DBClusterMembers ?? []).length === 0) {
        throw new WriterMoveError(`cluster ${target} has no DB instances; a headless secondary cannot become the writer: add an instance (the new primary's shape does) and run again`);
    }
    const versions = new Map<string, string>([[target, targetCluster.EngineVersion ?? "unknown"]]);
    if (gc.EngineVersion) versions.set(`global cluster ${id}`, gc.EngineVersion);
    if (mode === "switchover") {
        for (const m of members) {
            if (!m.DBClusterArn || m.DBClusterArn === target) continue;
            const r = regionOfArn(m.DBClusterArn);
            const c = await describeCluster(r ? opts.rds(r) : rds, m.DBClusterArn);
            versions.set(m.DBClusterArn, c.EngineVersion ?? "unknown");
        }
    }
    if (new Set(versions.values()).size > 1) {
        throw new WriterMoveError(`engine versions differ (${[...versions].map(([k, v]) => `${k}: ${v}`).join("; ")}); a ${mode} needs the same engine version in every region: upgrade the members first`);
    }

    try {
        if (mode === "switchover") {
            log(`SwitchoverGlobalCluster ${id} → ${target}`);
            await rds.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target }));
        } else {
            log(`FailoverGlobalCluster ${id} → ${target} (AllowDataLoss)`);
            await rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target, AllowDataLoss: true }));
        }
    } catch (e) {
        throw new WriterMoveError(`${mode === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster"}(${id} → ${target}) failed: ${describeError(e)}`);
    }
    await waitForWriter(rds, id, target, { pollMs, timeoutMs, sleep, now, log });
    return { outcome: mode === "switchover" ? "switched-over" : "failed-over", writerClusterArn: target, previousWriterArn: previous };
}

interface WaitOptions {
    readonly pollMs: number;
    readonly timeoutMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
    readonly log: (message: string) => void;
}

/** Polls until the global cluster is available, no move is in progress and `target` is the writer. */
async function waitForWriter(rds: RDSClient, id: string, target: string, w: WaitOptions): Promise<void> {
    const deadline = w.now() + w.timeoutMs;
    let last = "";
    for (;;) {
        const gc = await describeGlobal(rds, id);
        const writer = writerOf(gc);
        last = `status ${gc.Status ?? "unknown"}, writer ${writer ?? "none"}${moveInProgress(gc) ? `, move ${gc.FailoverState?.Status}` : ""}`;
        if (gc.Status === "available" && writer === target && !moveInProgress(gc)) return;
        if (w.now() >= deadline) {
            throw new WriterMoveError(`timed out after ${Math.round(w.timeoutMs / 1000)} s waiting for ${target} to become the writer of ${id} (last seen: ${last}); check the RDS console, then run again (the move is idempotent)`);
        }
        w.log(`waiting: ${last}`);
        await w.sleep(w.pollMs);
    }
}
