import * as pulumi from "@pulumi/pulumi";
import { DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { WRITER_MOVE_MODES, type WriterMoveMode, moveGlobalWriter, regionOfArn } from "../src/globalWriter";

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
    /** Seconds between status polls while the move runs. Default 15. */
    readonly pollIntervalSeconds?: pulumi.Input<number>;
    /** Minutes to wait for the move to finish before `pulumi up` fails (it can be re-run). Default 45. */
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

const KEYS = ["globalClusterIdentifier", "targetClusterArn", "mode"] as const;

async function ensure(s: WriterState): Promise<WriterState> {
    const r = await moveGlobalWriter(
        { globalClusterIdentifier: s.globalClusterIdentifier, targetClusterArn: s.targetClusterArn, mode: s.mode },
        {
            rds: (region: string) => new RDSClient({ region }),
            pollIntervalMs: s.pollIntervalSeconds * 1000,
            timeoutMs: s.timeoutMinutes * 60_000,
            log: (m: string) => console.log(`[GlobalWriter ${s.globalClusterIdentifier}] ${m}`),
        },
    );
    return { ...s, writerClusterArn: r.writerClusterArn, previousWriterArn: r.previousWriterArn, outcome: r.outcome };
}

/**
 * The dynamic provider. Create and update move the writer (a no-op when it is already there); delete
 * never moves anything (the stack that stops being primary simply stops asserting it); read reports the
 * live writer, so after `pulumi refresh` a writer moved outside Pulumi shows as a diff and the next
 * `pulumi up` moves it back. No property forces a replacement.
 */
export const globalWriterProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const mode = news.mode ?? "switchover";
        if (!WRITER_MOVE_MODES.includes(mode)) failures.push({ property: "mode", reason: `mode: got ${JSON.stringify(mode)}; expected one of ${WRITER_MOVE_MODES.join(", ")}` });
        if (typeof news.targetClusterArn === "string" && !regionOfArn(news.targetClusterArn)) {
            failures.push({ property: "targetClusterArn", reason: `targetClusterArn: got ${JSON.stringify(news.targetClusterArn)}; expected arn:aws:rds:<region>:<account>:cluster:<id>` });
        }
        const inputs: WriterState = {
            globalClusterIdentifier: news.globalClusterIdentifier,
            targetClusterArn: news.targetClusterArn,
            mode,
            pollIntervalSeconds: Number(news.pollIntervalSeconds ?? 15),
            timeoutMinutes: Number(news.timeoutMinutes ?? 45),
        };
        return { inputs, failures };
    },
    async diff(_id: string, olds: any, news: any) {
        const changed = KEYS.filter((k) => olds[k] !== news[k]);
        const drifted = olds.writerClusterArn !== undefined && olds.writerClusterArn !== news.targetClusterArn;
        return { changes: changed.length > 0 || drifted, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: any) {
        const outs = await ensure(inputs as WriterState);
        return { id: `${outs.globalClusterIdentifier}/writer`, outs };
    },
    async update(_id: string, _olds: any, news: any) {
        return { outs: await ensure(news as WriterState) };
    },
    async read(id: string, props: any) {
        const region = regionOfArn(props.targetClusterArn);
        const client = new RDSClient({ region });
        const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: props.globalClusterIdentifier }));
        const writer = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
        return { id, props: { ...props, writerClusterArn: writer } };
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
    /** The cluster that is the writer after the last apply (or refresh). */
    public readonly writerClusterArn!: pulumi.Output<string>;
    /** The writer before the move, when known. */
    public readonly previousWriterArn!: pulumi.Output<string | undefined>;
    /** already-writer, switched-over, failed-over or awaited-move-in-progress. */
    public readonly outcome!: pulumi.Output<string>;

    constructor(name: string, args: GlobalWriterArgs, opts?: pulumi.CustomResourceOptions) {
        super(globalWriterProvider, name, {
            globalClusterIdentifier: args.globalClusterIdentifier,
            targetClusterArn: args.targetClusterArn,
            mode: args.mode ?? "switchover",
            pollIntervalSeconds: args.pollIntervalSeconds ?? 15,
            timeoutMinutes: args.timeoutMinutes ?? 45,
            writerClusterArn: undefined,
            previousWriterArn: undefined,
            outcome: undefined,
        }, opts, "securecart", "GlobalWriter");
    }
}
