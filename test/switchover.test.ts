import { strict as assert } from "assert";
import { createRequire } from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    DescribeDBClustersCommand,
    DescribeGlobalClustersCommand,
    FailoverGlobalClusterCommand,
    type GlobalCluster,
    RDSClient,
    SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { globalWriterProvider } from "../components/globalSwitchover";
import { type WriterMoveOptions, isWriterMoveError, moveGlobalWriter } from "../src/globalWriter";

const GC = "securecart-global";
const EAST = "arn:aws:rds:us-east-1:123456789012:cluster:securecart-db-prod";
const WEST = "arn:aws:rds:us-west-2:123456789012:cluster:securecart-db-dr";

function global(writer: string, extra: Partial<GlobalCluster> = {}): { GlobalClusters: GlobalCluster[] } {
    return {
        GlobalClusters: [
            {
                GlobalClusterIdentifier: GC,
                Status: "available",
                Engine: "aurora-postgresql",
                EngineVersion: "16.6",
                GlobalClusterMembers: [EAST, WEST].map((arn) => ({ DBClusterArn: arn, IsWriter: arn === writer })),
                ...extra,
            },
        ],
    };
}

function cluster(version: string, instances = 1) {
    return {
        DBClusters: [{ EngineVersion: version, DBClusterMembers: Array.from({ length: instances }, (_, i) => ({ DBInstanceIdentifier: `i-${i}` })) }],
    };
}

// Taken in each describe's `before`, not at load: every test file runs in one mocha process and mockClient()
// replaces any earlier stub of RDSClient.prototype.send, including another file's.
let rds: AwsClientStub<RDSClient>;
let regionsCalled: string[];
let slept: number;
let clock: number;

function opts(extra: Partial<WriterMoveOptions> = {}): WriterMoveOptions {
    return {
        rds: (region: string) => {
            regionsCalled.push(region);
            return new RDSClient({ region });
        },
        pollIntervalMs: 1000,
        timeoutMs: 10_000,
        sleep: async (ms) => {
            slept++;
            clock += ms;
        },
        now: () => clock,
        ...extra,
    };
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(isWriterMoveError(e), `expected a WriterMoveError, got ${String(e)}`);
        assert.match((e as Error).message, pattern);
        return true;
    });
}

describe("writer move: managed switchover and failover against a mocked RDS", () => {
    before(() => {
        rds = mockClient(RDSClient);
    });
    after(() => rds.restore());
    beforeEach(() => {
        rds.reset();
        regionsCalled = [];
        slept = 0;
        clock = 0;
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: EAST }).resolves(cluster("16.6"));
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: WEST }).resolves(cluster("16.6"));
    });

    it("planned: calls SwitchoverGlobalCluster for the target and waits until it is the writer", async () => {
        rds.on(DescribeGlobalClustersCommand)
            .resolvesOnce(global(EAST))
            .resolvesOnce(
                global(EAST, { Status: "switching-over", FailoverState: { Status: "failing-over", FromDbClusterArn: EAST, ToDbClusterArn: WEST } }),
            )
            .resolves(global(WEST));
        rds.on(SwitchoverGlobalClusterCommand).resolves({});
        const r = await moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts());
        assert.deepEqual(r, { outcome: "switched-over", writerClusterArn: WEST, previousWriterArn: EAST });
        const calls = rds.commandCalls(SwitchoverGlobalClusterCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, { GlobalClusterIdentifier: GC, TargetDbClusterIdentifier: WEST });
        assert.equal(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
        assert.equal(slept, 1, "polled once while the switchover was in progress");
        // A switchover checks every member's engine version, each in its own region.
        assert.deepEqual(
            rds
                .commandCalls(DescribeDBClustersCommand)
                .map((c) => c.args[0].input.DBClusterIdentifier)
                .sort(),
            [EAST, WEST].sort(),
        );
        assert.ok(regionsCalled.includes("us-east-1"));
    });

    it("unplanned: calls FailoverGlobalCluster with AllowDataLoss and never calls the failed region", async () => {
        rds.on(DescribeGlobalClustersCommand)
            .resolvesOnce(global(EAST, { Status: "available" }))
            .resolves(global(WEST));
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: EAST }).rejects(new Error("the failed region must not be called"));
        rds.on(FailoverGlobalClusterCommand).resolves({});
        const r = await moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "failover" }, opts());
        assert.equal(r.outcome, "failed-over");
        const calls = rds.commandCalls(FailoverGlobalClusterCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, { GlobalClusterIdentifier: GC, TargetDbClusterIdentifier: WEST, AllowDataLoss: true });
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
        assert.deepEqual([...new Set(regionsCalled)], ["us-west-2"], "only the target's region is called");
    });

    it("already done: the target already is the writer, so nothing is called", async () => {
        rds.on(DescribeGlobalClustersCommand).resolves(global(WEST));
        for (const mode of ["switchover", "failover"] as const) {
            const r = await moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode }, opts());
            assert.equal(r.outcome, "already-writer");
        }
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
        assert.equal(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
    });

    it("a move to the target already in progress is awaited, not started again", async () => {
        rds.on(DescribeGlobalClustersCommand)
            .resolvesOnce(
                global(EAST, { Status: "switching-over", FailoverState: { Status: "pending", FromDbClusterArn: EAST, ToDbClusterArn: WEST } }),
            )
            .resolves(global(WEST));
        const r = await moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts());
        assert.equal(r.outcome, "awaited-move-in-progress");
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
    });

    it("a managed switchover already under way (FailoverState switching-over) is awaited, not refused or started again", async () => {
        // switching-over is missing from the SDK's FailoverStatus enum but documented in the API reference for switchovers.
        rds.on(DescribeGlobalClustersCommand)
            .resolvesOnce(
                global(EAST, {
                    Status: "switching-over",
                    FailoverState: { Status: "switching-over" as "pending", FromDbClusterArn: EAST, ToDbClusterArn: WEST },
                }),
            )
            .resolves(global(WEST));
        const r = await moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts());
        assert.equal(r.outcome, "awaited-move-in-progress");
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
    });

    it("engine mismatch: refuses before calling the API, naming both versions", async () => {
        rds.on(DescribeGlobalClustersCommand).resolves(global(EAST));
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: WEST }).resolves(cluster("16.4"));
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts()),
            /engine versions differ.*16\.4.*16\.6|engine versions differ.*16\.6.*16\.4/,
        );
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "failover" }, opts()),
            /engine versions differ/,
        );
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
        assert.equal(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
    });

    it("API error from SwitchoverGlobalCluster is reported with the operation and the AWS error", async () => {
        rds.on(DescribeGlobalClustersCommand).resolves(global(EAST));
        const fault = Object.assign(new Error("Global cluster is not in a valid state"), { name: "InvalidGlobalClusterStateFault" });
        rds.on(SwitchoverGlobalClusterCommand).rejects(fault);
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts()),
            /SwitchoverGlobalCluster\(securecart-global → .*securecart-db-dr\) failed: InvalidGlobalClusterStateFault: Global cluster is not in a valid state/,
        );
    });

    it("API error from DescribeGlobalClusters (unknown global cluster) is reported, nothing else is called", async () => {
        rds.on(DescribeGlobalClustersCommand).rejects(
            Object.assign(new Error("GlobalCluster securecart-global not found"), { name: "GlobalClusterNotFoundFault" }),
        );
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "failover" }, opts()),
            /DescribeGlobalClusters\(securecart-global\) failed: GlobalClusterNotFoundFault/,
        );
        assert.equal(rds.commandCalls(FailoverGlobalClusterCommand).length, 0);
    });

    it("times out (bounded) when the writer never moves, naming the last state seen", async () => {
        rds.on(DescribeGlobalClustersCommand)
            .resolvesOnce(global(EAST))
            .resolves(
                global(EAST, { Status: "switching-over", FailoverState: { Status: "failing-over", FromDbClusterArn: EAST, ToDbClusterArn: WEST } }),
            );
        rds.on(SwitchoverGlobalClusterCommand).resolves({});
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts()),
            /timed out after 10 s .*status switching-over/,
        );
        assert.equal(slept, 10, "polls every interval until the deadline, then stops");
    });

    it("refuses a target outside the global cluster, a headless target, and another move in progress", async () => {
        const stranger = "arn:aws:rds:eu-west-1:123456789012:cluster:other";
        rds.on(DescribeGlobalClustersCommand).resolves(global(EAST));
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: stranger, mode: "switchover" }, opts()),
            /is not a member of global cluster/,
        );
        rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: WEST }).resolves(cluster("16.6", 0));
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts()),
            /has no DB instances/,
        );
        rds.on(DescribeGlobalClustersCommand).resolves(
            global(WEST, { FailoverState: { Status: "failing-over", FromDbClusterArn: WEST, ToDbClusterArn: EAST } }),
        );
        await rejectsWith(
            moveGlobalWriter({ globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover" }, opts()),
            /already moving its writer/,
        );
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
    });
});

describe("writer move: the dynamic provider", () => {
    before(() => {
        rds = mockClient(RDSClient);
    });
    after(() => rds.restore());
    beforeEach(() => rds.reset());

    it("never replaces, and deleting it never calls RDS", async () => {
        const olds = { globalClusterIdentifier: GC, targetClusterArn: EAST, mode: "switchover", writerClusterArn: EAST };
        const d = await globalWriterProvider.diff!("x", olds, { ...olds, targetClusterArn: WEST });
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.equal(rds.calls().length, 0, "changed inputs are a diff without asking RDS");
        await globalWriterProvider.delete!("x", olds);
        assert.equal(rds.calls().length, 0);
    });

    it("diff with unchanged inputs asks RDS for the live writer; without an answer it compares the recorded state", async () => {
        const olds = { globalClusterIdentifier: GC, targetClusterArn: EAST, mode: "switchover", writerClusterArn: EAST };
        const news = { globalClusterIdentifier: GC, targetClusterArn: EAST, mode: "switchover" };
        const [log, error] = [console.log, console.error];
        console.log = console.error = () => undefined;
        try {
            rds.on(DescribeGlobalClustersCommand).resolves(global(EAST));
            assert.equal((await globalWriterProvider.diff!("x", olds, news)).changes, false);
            rds.on(DescribeGlobalClustersCommand).resolves(global(WEST));
            assert.equal(
                (await globalWriterProvider.diff!("x", olds, news)).changes,
                true,
                "a writer moved outside Pulumi is a diff, no refresh needed",
            );
            assert.equal(rds.commandCalls(DescribeGlobalClustersCommand).length, 2);
            rds.on(DescribeGlobalClustersCommand).rejects(Object.assign(new Error("no credentials"), { name: "CredentialsProviderError" }));
            assert.equal((await globalWriterProvider.diff!("x", olds, news)).changes, false, "recorded writer = target");
            assert.equal(
                (await globalWriterProvider.diff!("x", { ...olds, writerClusterArn: WEST }, news)).changes,
                true,
                "recorded writer (after a refresh) differs",
            );
        } finally {
            [console.log, console.error] = [log, error];
        }
    });

    it("check rejects an unknown mode and a target that is not a cluster ARN", async () => {
        const r = await globalWriterProvider.check!({}, { globalClusterIdentifier: GC, targetClusterArn: "securecart-db-dr", mode: "sideways" });
        assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["mode", "targetClusterArn"]);
    });

    it("the serialized provider (what the engine runs) moves the writer with the real SDK client", async () => {
        // The engine receives the provider as serialized text; evaluate that text the way it does.
        const sf = await pulumi.runtime.serializeFunction(() => globalWriterProvider, { allowSecrets: true });
        const req = createRequire(path.resolve(__dirname, "..", "index.ts"));
        const mod: { exports: Record<string, unknown> } = { exports: {} };
        new Function("exports", "require", "module", "__filename", "__dirname", sf.text)(mod.exports, req, mod, "provider.js", __dirname);
        const provider = (mod.exports[sf.exportName] as () => pulumi.dynamic.ResourceProvider)();
        rds.on(DescribeDBClustersCommand).resolves(cluster("16.6"));
        rds.on(DescribeGlobalClustersCommand).resolvesOnce(global(EAST)).resolves(global(WEST));
        rds.on(SwitchoverGlobalClusterCommand).resolves({});
        const checked = await provider.check!(
            {},
            { globalClusterIdentifier: GC, targetClusterArn: WEST, mode: "switchover", pollIntervalSeconds: 0.001, timeoutMinutes: 1 },
        );
        assert.deepEqual(checked.failures, []);
        const created = await provider.create(checked.inputs);
        assert.equal(created.id, `${GC}/writer`);
        assert.equal(created.outs.writerClusterArn, WEST);
        assert.equal(created.outs.outcome, "switched-over");
        assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 1);
    });
});
