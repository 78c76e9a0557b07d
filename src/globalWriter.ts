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
 *
 * The engine does not run this module: it runs the text Pulumi's closure serializer made of it (the
 * resource's `__provider` input). That serializer rebuilds neither Set/Map instances held at module level
 * nor classes extending Error, so this module holds only plain values, arrays and functions at top level
 * (collections are created inside functions, at call time), and its errors are plain `Error`s.
 *
 * The wait loop, the error factory, the AWS-call wrapper and the ARN parsing are the shared promotion
 * skeleton (src/promotion.ts), which the cache and file-system promotions use as well.
 */
import {
    DescribeDBClustersCommand,
    DescribeGlobalClustersCommand,
    FailoverGlobalClusterCommand,
    type GlobalCluster,
    type RDSClient,
    SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { describeError } from "./providerErrors";
import {
    type PromotionTiming,
    type ResolvedTiming,
    callAws,
    isPromotionError,
    pollUntil,
    promotionError,
    regionOfServiceArn,
    resolveTiming,
} from "./promotion";

export type WriterMoveMode = "switchover" | "failover";
export const WRITER_MOVE_MODES: readonly WriterMoveMode[] = ["switchover", "failover"];

export interface WriterMoveRequest {
    /** The global cluster's identifier. */
    readonly globalClusterIdentifier: string;
    /** ARN of the regional cluster that must end up the writer. */
    readonly targetClusterArn: string;
    readonly mode: WriterMoveMode;
}

/** Timings default to a poll every 15 000 ms (0 polls again at once) and a 45-minute timeout. */
export interface WriterMoveOptions extends PromotionTiming {
    /** An RDS client for a region (tests pass clients mocked with aws-sdk-client-mock). */
    readonly rds: (region: string) => RDSClient;
}

const KIND = "WriterMoveError";

export type WriterMoveOutcome = "already-writer" | "switched-over" | "failed-over" | "awaited-move-in-progress";

export interface WriterMoveResult {
    readonly outcome: WriterMoveOutcome;
    readonly writerClusterArn: string;
    /** The writer before the move; undefined when it could not be read (e.g. a failed region). */
    readonly previousWriterArn?: string;
}

/** Why a move must not or could not happen. */
export type WriterMoveErrorCode =
    | "invalid-request"
    | "not-found"
    | "not-a-member"
    | "move-in-progress"
    | "not-available"
    | "headless-target"
    | "engine-versions-differ"
    | "api-error"
    | "timeout";

/** A move that must not or could not happen; the message says why and what to do. */
export interface WriterMoveError extends Error {
    readonly name: "WriterMoveError";
    readonly code: WriterMoveErrorCode;
}

/**
 * A plain `Error` carrying the name and a code. Not a subclass: once serialized for the engine, a class
 * extending Error becomes a function whose `super(message)` leaves `message` unset, and every refusal would
 * reach `pulumi up` without its reason.
 */
export function writerMoveError(code: WriterMoveErrorCode, message: string): WriterMoveError {
    return promotionError(KIND, code, message) as WriterMoveError;
}

export function isWriterMoveError(e: unknown): e is WriterMoveError {
    return isPromotionError(e, KIND);
}

/**
 * FailoverState.Status values meaning a move is scheduled or under way. The API enum lists pending,
 * failing-over and cancelling; the API reference also documents switching-over, which a managed switchover
 * reports. A plain array, not a Set: a module-level Set does not survive serialization.
 */
export const MOVE_IN_PROGRESS_STATUSES: readonly string[] = ["pending", "failing-over", "switching-over", "cancelling"];

/** The region of an RDS ARN (arn:aws:rds:REGION:ACCOUNT:cluster:ID). */
export function regionOfArn(arn: string): string | undefined {
    return regionOfServiceArn(arn, "rds", /^cluster:[A-Za-z0-9-]+$/);
}

export { describeError };

async function describeGlobal(rds: RDSClient, id: string): Promise<GlobalCluster> {
    const out = await callAws(KIND, `DescribeGlobalClusters(${id})`, () =>
        rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id })),
    );
    const gc = out.GlobalClusters?.find((g) => g.GlobalClusterIdentifier === id);
    if (!gc) throw writerMoveError("not-found", `global cluster ${id} was not found; check globalClusterIdentifier and the region called`);
    return gc;
}

async function describeCluster(rds: RDSClient, arn: string) {
    const out = await callAws(KIND, `DescribeDBClusters(${arn})`, () => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn })));
    const c = out.DBClusters?.[0];
    if (!c) throw writerMoveError("not-found", `cluster ${arn} was not found`);
    return c;
}

function writerOf(gc: GlobalCluster): string | undefined {
    return gc.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
}

function moveInProgress(gc: GlobalCluster): boolean {
    const status = gc.FailoverState?.Status;
    return status !== undefined && MOVE_IN_PROGRESS_STATUSES.includes(status);
}

/** Who RDS says the writer is now, and the move under way if any. */
export interface LiveWriter {
    /** Undefined when no member is the writer (mid-move). */
    readonly writerClusterArn?: string;
    readonly move?: { readonly status: string; readonly fromClusterArn?: string; readonly toClusterArn?: string };
}

/**
 * Reads the live writer with one DescribeGlobalClusters call on `rds`. Pass a client for the target's
 * region: that region has to be up for the target to become the writer anyway, while the old writer's
 * region may be the one that failed. Throws a WriterMoveError (code api-error or not-found).
 */
export async function readLiveWriter(rds: RDSClient, id: string): Promise<LiveWriter> {
    const gc = await describeGlobal(rds, id);
    const fs = gc.FailoverState;
    return {
        writerClusterArn: writerOf(gc),
        ...(moveInProgress(gc) ? { move: { status: fs!.Status!, fromClusterArn: fs!.FromDbClusterArn, toClusterArn: fs!.ToDbClusterArn } } : {}),
    };
}

/**
 * Why the live state differs from "target is the writer" (the reason, for the log), or undefined when it
 * does not. A move under way to the target still differs: the update awaits it.
 */
export function writerDrift(live: LiveWriter, target: string): string | undefined {
    if (live.move) return `a move from ${live.move.fromClusterArn ?? "unknown"} to ${live.move.toClusterArn ?? "unknown"} is ${live.move.status}`;
    if (live.writerClusterArn !== target) return `the live writer is ${live.writerClusterArn ?? "none"}, not ${target}`;
    return undefined;
}

/**
 * Makes `targetClusterArn` the writer of the global cluster, or confirms it already is. Throws a
 * WriterMoveError naming the reason when the move must not start (unknown target, engine versions differ,
 * no instance in the target, another move in progress) or does not finish in time.
 */
export async function moveGlobalWriter(req: WriterMoveRequest, opts: WriterMoveOptions): Promise<WriterMoveResult> {
    const { globalClusterIdentifier: id, targetClusterArn: target, mode } = req;
    const timing = resolveTiming(opts, { pollIntervalMs: 15_000, timeoutMs: 45 * 60_000 });
    const log = timing.log;
    if (!WRITER_MOVE_MODES.includes(mode))
        throw writerMoveError("invalid-request", `mode: got ${JSON.stringify(mode)}; expected one of ${WRITER_MOVE_MODES.join(", ")}`);
    const region = typeof target === "string" ? regionOfArn(target) : undefined;
    if (!region)
        throw writerMoveError(
            "invalid-request",
            `targetClusterArn: got ${JSON.stringify(target)}; expected an Aurora cluster ARN arn:aws:rds:<region>:<account>:cluster:<id>`,
        );
    // Every call goes to the target's region: in a failover the old writer's region may be down.
    const rds = opts.rds(region);

    const gc = await describeGlobal(rds, id);
    const members = gc.GlobalClusterMembers ?? [];
    const previous = writerOf(gc);
    if (!members.some((m) => m.DBClusterArn === target)) {
        throw writerMoveError(
            "not-a-member",
            `cluster ${target} is not a member of global cluster ${id} (members: ${members.map((m) => m.DBClusterArn).join(", ") || "none"}); it must join the global cluster before it can become the writer`,
        );
    }
    if (moveInProgress(gc)) {
        const fs = gc.FailoverState!;
        if (fs.ToDbClusterArn !== target) {
            throw writerMoveError(
                "move-in-progress",
                `global cluster ${id} is already moving its writer from ${fs.FromDbClusterArn} to ${fs.ToDbClusterArn} (${fs.Status}); wait for it to finish, then run again`,
            );
        }
        log(`a move to ${target} is already ${fs.Status}; waiting for it`);
        await waitForWriter(rds, id, target, timing);
        return { outcome: "awaited-move-in-progress", writerClusterArn: target, previousWriterArn: fs.FromDbClusterArn ?? previous };
    }
    if (previous === target) {
        log(`${target} already is the writer of ${id}; nothing to do`);
        return { outcome: "already-writer", writerClusterArn: target, previousWriterArn: previous };
    }
    if (mode === "switchover" && gc.Status !== "available") {
        throw writerMoveError(
            "not-available",
            `global cluster ${id} is ${gc.Status ?? "in an unknown state"}; a managed switchover needs it available (use failoverMode unplanned only when the primary region is down)`,
        );
    }

    // Preconditions on the target (and, for a switchover, on every member: all must run the same version).
    const targetCluster = await describeCluster(rds, target);
    if ((targetCluster.DBClusterMembers ?? []).length === 0) {
        throw writerMoveError(
            "headless-target",
            `cluster ${target} has no DB instances; a headless secondary cannot become the writer: add an instance (the new primary's shape does) and run again`,
        );
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
        throw writerMoveError(
            "engine-versions-differ",
            `engine versions differ (${[...versions].map(([k, v]) => `${k}: ${v}`).join("; ")}); a ${mode} needs the same engine version in every region: upgrade the members first`,
        );
    }

    await callAws(KIND, `${mode === "switchover" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster"}(${id} → ${target})`, async () => {
        if (mode === "switchover") {
            log(`SwitchoverGlobalCluster ${id} → ${target}`);
            await rds.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target }));
        } else {
            log(`FailoverGlobalCluster ${id} → ${target} (AllowDataLoss)`);
            await rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: id, TargetDbClusterIdentifier: target, AllowDataLoss: true }));
        }
    });
    await waitForWriter(rds, id, target, timing);
    return { outcome: mode === "switchover" ? "switched-over" : "failed-over", writerClusterArn: target, previousWriterArn: previous };
}

/** Polls until the global cluster is available, no move is in progress and `target` is the writer. */
async function waitForWriter(rds: RDSClient, id: string, target: string, timing: ResolvedTiming): Promise<void> {
    await pollUntil(
        () => describeGlobal(rds, id),
        (gc) => gc.Status === "available" && writerOf(gc) === target && !moveInProgress(gc),
        (gc) => `status ${gc.Status ?? "unknown"}, writer ${writerOf(gc) ?? "none"}${moveInProgress(gc) ? `, move ${gc.FailoverState?.Status}` : ""}`,
        {
            ...timing,
            kind: KIND,
            waitingFor: `${target} to become the writer of ${id}`,
            hint: "check the RDS console, then run again (the move is idempotent)",
        },
    );
}
