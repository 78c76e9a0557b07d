import * as pulumi from "@pulumi/pulumi";
import { RDSClient } from "@aws-sdk/client-rds";
import { UNKNOWN } from "../src/unknown";
import {
    WRITER_MOVE_MODES,
    type WriterMoveMode,
    describeError,
    isWriterMoveError,
    moveGlobalWriter,
    readLiveWriter,
    regionOfArn,
    writerDrift,
    writerMoveError,
} from "../src/globalWriter";
import { DYNAMIC } from "../src/plan/engineTypes";

export type { WriterMoveMode } from "../src/globalWriter";

export interface GlobalWriterArgs {
    /** Identifier of the Aurora global cluster. Required. */
    readonly globalClusterIdentifier: pulumi.Input<string>;
    /** ARN of the regional cluster that must be the writer: this stack's cluster. Required. */
    readonly targetClusterArn: pulumi.Input<string>;
    /**
     * switchover: managed switchover (`SwitchoverGlobalCluster`, RPO 0, every region reachable);
     * failover: `FailoverGlobalCluster` with AllowDataLoss, calling only the target's region.
     * Pass the strategy plan's `writerMove`. Default switchover.
     */
    readonly mode?: pulumi.Input<WriterMoveMode>;
    /** Seconds between status polls while the move runs, 0 or more. Default 15. */
    readonly pollIntervalSeconds?: pulumi.Input<number>;
    /** Minutes to wait for the move to finish before `pulumi up` fails (it can be re-run), more than 0. Default 45. */
    readonly timeoutMinutes?: pulumi.Input<number>;
}

/** The provider's inputs and state. */
interface WriterState {
    globalClusterIdentifier: string;
    targetClusterArn: string;
    mode: WriterMoveMode;
    pollIntervalSeconds: number;
    timeoutMinutes: number;
    /** The writer after the last create/update/read. */
    writerClusterArn?: string;
    previousWriterArn?: string;
    outcome?: string;
}

/**
 * The engine's stand-in for an input not known yet (during preview, e.g. the target cluster's ARN on the
 * first deploy, when the cluster is created in the same update). Such an input is passed through, not
 * validated; it is known by the time create or update runs.
 */

/** The inputs whose change means "assert the writer again". */
const KEYS = ["globalClusterIdentifier", "targetClusterArn", "mode"] as const;

/** Progress lines: the engine shows a dynamic provider's stdout and stderr among the update's diagnostics. */
function info(id: unknown, message: string): void {
    console.log(`[GlobalWriter ${String(id)}] ${message}`);
}

function warn(id: unknown, message: string): void {
    console.error(`[GlobalWriter ${String(id)}] warning: ${message}`);
}

/** An RDS client for the target's region, the only region these calls use. */
function targetRegionClient(targetClusterArn: unknown, what: string): RDSClient {
    const region = typeof targetClusterArn === "string" ? regionOfArn(targetClusterArn) : undefined;
    if (!region) {
        throw writerMoveError(
            "invalid-request",
            `${what}: targetClusterArn ${JSON.stringify(targetClusterArn)} is not an Aurora cluster ARN (arn:aws:rds:<region>:<account>:cluster:<id>), so the region to ask is not known`,
        );
    }
    return new RDSClient({ region });
}

async function ensure(s: WriterState): Promise<WriterState> {
    const r = await moveGlobalWriter(
        { globalClusterIdentifier: s.globalClusterIdentifier, targetClusterArn: s.targetClusterArn, mode: s.mode },
        {
            rds: (region: string) => new RDSClient({ region }),
            pollIntervalMs: s.pollIntervalSeconds * 1000,
            timeoutMs: s.timeoutMinutes * 60_000,
            log: (m: string) => info(s.globalClusterIdentifier, m),
        },
    );
    return { ...s, writerClusterArn: r.writerClusterArn, previousWriterArn: r.previousWriterArn, outcome: r.outcome };
}

/** A finite number at least `min` (or above it when `exclusive`). */
function isNumberFrom(v: unknown, min: number, exclusive: boolean): v is number {
    return typeof v === "number" && Number.isFinite(v) && (exclusive ? v > min : v >= min);
}

/**
 * The dynamic provider. Create and update move the writer (a no-op when it is already there); delete
 * never moves anything (the stack that stops being primary simply stops asserting it). Diff asks RDS who
 * the live writer is, so a writer moved outside Pulumi (console or CLI failover in an incident) shows as
 * an update on the next preview and `pulumi up` moves it back, without a refresh (which would need the
 * failed region). No property forces a replacement.
 */
export const globalWriterProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const fail = (property: string, reason: string) => failures.push({ property, reason });
        const id = news.globalClusterIdentifier;
        if (id !== UNKNOWN && (typeof id !== "string" || id.length === 0)) {
            fail(
                "globalClusterIdentifier",
                `globalClusterIdentifier: got ${JSON.stringify(id)}; expected the Aurora global cluster's identifier (e.g. securecart-global)`,
            );
        }
        const target = news.targetClusterArn;
        if (target !== UNKNOWN && (typeof target !== "string" || !regionOfArn(target))) {
            fail(
                "targetClusterArn",
                `targetClusterArn: got ${JSON.stringify(target)}; expected an Aurora cluster ARN arn:aws:rds:<region>:<account>:cluster:<id> (pass the cluster's arn output)`,
            );
        }
        const mode = news.mode ?? "switchover";
        if (mode !== UNKNOWN && !WRITER_MOVE_MODES.includes(mode)) {
            fail("mode", `mode: got ${JSON.stringify(mode)}; expected one of ${WRITER_MOVE_MODES.join(", ")}`);
        }
        // `??`, not `||`: 0 is a valid poll interval (poll again at once) and must not become the default.
        const poll = news.pollIntervalSeconds ?? 15;
        if (poll !== UNKNOWN && !isNumberFrom(poll, 0, false)) {
            fail("pollIntervalSeconds", `pollIntervalSeconds: got ${JSON.stringify(poll)}; expected a number of seconds, 0 or more`);
        }
        const timeout = news.timeoutMinutes ?? 45;
        if (timeout !== UNKNOWN && !isNumberFrom(timeout, 0, true)) {
            fail("timeoutMinutes", `timeoutMinutes: got ${JSON.stringify(timeout)}; expected a number of minutes above 0`);
        }
        const inputs = { globalClusterIdentifier: id, targetClusterArn: target, mode, pollIntervalSeconds: poll, timeoutMinutes: timeout };
        return { inputs, failures };
    },
    async diff(_id: string, olds: any, news: any) {
        const result = (changes: boolean) => ({ changes, replaces: [], deleteBeforeReplace: false });
        // Not known yet (preview of the deploy that creates the cluster): the writer is asserted at update.
        if (KEYS.some((k) => news[k] === UNKNOWN)) return result(true);
        if (KEYS.some((k) => olds[k] !== news[k])) return result(true);
        // Same inputs: the recorded state cannot tell whether someone moved the writer since (console or CLI
        // failover), so ask RDS, in the target's region only: the old writer's region may be the failed one.
        const gid = news.globalClusterIdentifier;
        try {
            const live = await readLiveWriter(targetRegionClient(news.targetClusterArn, "diff"), gid);
            const drift = writerDrift(live, news.targetClusterArn);
            if (drift !== undefined) info(gid, `${drift}; this update makes ${news.targetClusterArn} the writer`);
            return result(drift !== undefined);
        } catch (e) {
            // A preview must not fail because RDS cannot be asked (no credentials, no permission, throttling):
            // fall back to what the state recorded, and say that a writer moved outside Pulumi goes unseen.
            const recorded = olds.writerClusterArn !== undefined && olds.writerClusterArn !== news.targetClusterArn;
            warn(
                gid,
                `could not read the live writer from RDS (${isWriterMoveError(e) ? e.message : describeError(e)}); comparing the recorded state only ` +
                    `(recorded writer ${olds.writerClusterArn ?? "none"}: ${recorded ? "update" : "no change"}), so a writer moved outside Pulumi is not seen. ` +
                    `Give these credentials rds:DescribeGlobalClusters in the target's region, or check with aws rds describe-global-clusters.`,
            );
            return result(recorded);
        }
    },
    async create(inputs: any) {
        const outs = await ensure(inputs as WriterState);
        return { id: `${outs.globalClusterIdentifier}/writer`, outs };
    },
    async update(_id: string, _olds: any, news: any) {
        return { outs: await ensure(news as WriterState) };
    },
    async read(id: string, props: any) {
        // The target's region only, as in diff and create: a refresh must work while the old writer's region is down.
        const live = await readLiveWriter(targetRegionClient(props.targetClusterArn, "read"), props.globalClusterIdentifier);
        return { id, props: { ...props, writerClusterArn: live.writerClusterArn } };
    },
    async delete() {
        // Deliberately nothing: deleting this resource (the stack stops being primary) must never move the writer.
    },
};

/**
 * Makes this stack's Aurora cluster the writer of the global cluster inside `pulumi up`, by managed
 * switchover or by failover, so that the writer follows `primaryRegion` with nothing left for a human to
 * do and no drift left in state. Register it only in the stack that is (becoming) primary, after its
 * cluster has an instance (`dependsOn` the instances). Type token `pulumi-nodejs:dynamic/securecart:GlobalWriter`.
 */
export class GlobalWriter extends pulumi.dynamic.Resource {
    // `declare`, not `!`: with ES2022 class fields a plain field declaration would reset the outputs the
    // Resource constructor just set to undefined.
    /** The cluster that is the writer after the last apply (or refresh). */
    declare public readonly writerClusterArn: pulumi.Output<string>;
    /** The writer before the move, when known. */
    declare public readonly previousWriterArn: pulumi.Output<string | undefined>;
    /** already-writer, switched-over, failed-over or awaited-move-in-progress. */
    declare public readonly outcome: pulumi.Output<string>;

    constructor(name: string, args: GlobalWriterArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            globalWriterProvider,
            name,
            {
                globalClusterIdentifier: args.globalClusterIdentifier,
                targetClusterArn: args.targetClusterArn,
                mode: args.mode ?? "switchover",
                pollIntervalSeconds: args.pollIntervalSeconds ?? 15,
                timeoutMinutes: args.timeoutMinutes ?? 45,
                writerClusterArn: undefined,
                previousWriterArn: undefined,
                outcome: undefined,
            },
            opts,
            DYNAMIC.globalWriter.module,
            DYNAMIC.globalWriter.type,
        );
    }
}
