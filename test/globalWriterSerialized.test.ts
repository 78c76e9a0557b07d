/**
 * The GlobalWriter as the engine runs it: the serialized provider text of the resource planned for prod
 * (its `__provider` input), loaded the way the dynamic-provider host loads it, driven against a mocked RDS.
 * Nothing here imports the provider object itself: what the closure serializer does not rebuild (module-level
 * Set/Map instances, Error subclasses) only shows in this form.
 */
import { captureProviderOutput } from "./providerOutput";
import { strict as assert } from "assert";
import {
    DescribeDBClustersCommand,
    DescribeGlobalClustersCommand,
    FailoverGlobalClusterCommand,
    type GlobalCluster,
    RDSClient,
    SwitchoverGlobalClusterCommand,
} from "@aws-sdk/client-rds";
import type * as pulumi from "@pulumi/pulumi";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { UNKNOWN, loadSerializedProvider, providerTextOf } from "../tools/engineDynamic";
import { planOf } from "./helpers";

const WRITER_TYPE = "pulumi-nodejs:dynamic/securecart:GlobalWriter";
/** The other member: the dr cluster, writer before the move (or after a console failover). */
const OTHER = "arn:aws:rds:us-west-2:123456789012:cluster:securecart-us-west-2";

let text: string;
let provider: pulumi.dynamic.ResourceProvider;
let GC: string;
/** The planned target: prod's own cluster, us-east-1. */
let TARGET: string;
let rds: AwsClientStub<RDSClient>;

function global(
    writer: string | undefined,
    extra: Partial<GlobalCluster> = {},
    members: string[] = [TARGET, OTHER],
): { GlobalClusters: GlobalCluster[] } {
    return {
        GlobalClusters: [
            {
                GlobalClusterIdentifier: GC,
                Status: "available",
                Engine: "aurora-postgresql",
                EngineVersion: "16.6",
                GlobalClusterMembers: members.map((arn) => ({ DBClusterArn: arn, IsWriter: arn === writer })),
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

/** A move under way, as DescribeGlobalClusters reports it (FailoverState and the global cluster's Status). */
function moving(status: string, from: string, to: string, failover: boolean) {
    return global(from, {
        Status: failover ? "failing-over" : "switching-over",
        FailoverState: {
            Status: status as NonNullable<GlobalCluster["FailoverState"]>["Status"],
            FromDbClusterArn: from,
            ToDbClusterArn: to,
            IsDataLossAllowed: failover,
        },
    });
}

/** The provider's inputs after the engine's check, as create/update receive them; poll 0 keeps the tests fast. */
async function checked(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const c = await provider.check!(
        {},
        { globalClusterIdentifier: GC, targetClusterArn: TARGET, mode: "switchover", pollIntervalSeconds: 0, timeoutMinutes: 1, ...extra },
    );
    assert.deepEqual(c.failures, []);
    return c.inputs as Record<string, unknown>;
}

/** The region each RDS call went to (the client the serialized code built). */
async function regionsCalled(): Promise<string[]> {
    const regions: string[] = [];
    for (const call of rds.calls()) regions.push(await (call.thisValue as RDSClient).config.region());
    return [...new Set(regions)].sort();
}

/**
 * Expects a refusal that reaches `pulumi up` with its reason: the engine reports `e.message`, so the message
 * itself is asserted, not just that something was thrown.
 */
async function refuses(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        const err = e as { name?: unknown; code?: unknown; message?: unknown };
        assert.equal(typeof err.message, "string", `the refusal must carry a message, got ${JSON.stringify(err.message)} (name ${String(err.name)})`);
        assert.match(err.message as string, pattern);
        assert.equal(err.name, "WriterMoveError");
        assert.equal(err.code, code);
        assert.ok(e instanceof Error, "a real Error, so the engine and the CLI print it as one");
        return true;
    });
}

describe("GlobalWriter as the engine runs it: the planned prod resource's serialized provider", function () {
    this.timeout(120_000);

    const out = captureProviderOutput();
    before(async () => {
        const plan = await planOf("prod");
        const writers = plan.resources.filter((r) => r.type === WRITER_TYPE);
        assert.equal(writers.length, 1, "prod (the primary) registers the writer move");
        const inputs = writers[0].inputs as Record<string, unknown>;
        text = providerTextOf(inputs);
        GC = String(inputs.globalClusterIdentifier);
        TARGET = String(inputs.targetClusterArn);
        assert.match(TARGET, /^arn:aws:rds:us-east-1:\d{12}:cluster:/);
        provider = loadSerializedProvider(text);
        // Taken here, not at load: every test file runs in one mocha process and mockClient() replaces any
        // earlier stub of RDSClient.prototype.send.
        rds = mockClient(RDSClient);
    });
    after(() => rds.restore());
    beforeEach(() => {
        rds.reset();
    });

    describe("the text itself", () => {
        it("requires the same RDS client module the tests mock, so the mock applies to its calls", () => {
            const specs = [...text.matchAll(/require\("(@aws-sdk\/client-rds[^"]*)"\)/g)].map((m) => m[1]);
            assert.ok(specs.length > 0, "the provider calls RDS through @aws-sdk/client-rds");
            for (const spec of specs) {
                assert.equal(
                    require.resolve(spec, { paths: [process.cwd()] }),
                    require.resolve("@aws-sdk/client-rds"),
                    `${spec} is the module the tests import`,
                );
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                assert.equal((require(spec) as { RDSClient: unknown }).RDSClient, RDSClient);
            }
        });

        it("captures no Set, Map or class instance (the serializer rebuilds them as plain objects)", () => {
            assert.doesNotMatch(
                text,
                /\b(Set|Map|WeakSet|WeakMap|Promise)\.prototype\b/,
                "a module-level collection became a plain object with borrowed methods",
            );
            assert.doesNotMatch(text, /Object\.setPrototypeOf|__super/, "a class (e.g. an Error subclass) was serialized");
        });
    });

    describe("check", () => {
        it("passes unknown inputs (preview of the first deploy) through without validating them", async () => {
            const r = await provider.check!(
                {},
                { globalClusterIdentifier: UNKNOWN, targetClusterArn: UNKNOWN, mode: "switchover", pollIntervalSeconds: 15, timeoutMinutes: 45 },
            );
            assert.deepEqual(r.failures, []);
            assert.equal(r.inputs!.targetClusterArn, UNKNOWN);
            assert.equal(r.inputs!.globalClusterIdentifier, UNKNOWN);
            const all = await provider.check!(
                {},
                { globalClusterIdentifier: UNKNOWN, targetClusterArn: UNKNOWN, mode: UNKNOWN, pollIntervalSeconds: UNKNOWN, timeoutMinutes: UNKNOWN },
            );
            assert.deepEqual(all.failures, []);
            assert.deepEqual(all.inputs, {
                globalClusterIdentifier: UNKNOWN,
                targetClusterArn: UNKNOWN,
                mode: UNKNOWN,
                pollIntervalSeconds: UNKNOWN,
                timeoutMinutes: UNKNOWN,
            });
            assert.equal(rds.calls().length, 0, "check never calls RDS");
        });

        it("rejects a known value that is not a cluster ARN, naming the property and the value", async () => {
            const r = await provider.check!({}, { globalClusterIdentifier: GC, targetClusterArn: "securecart-us-east-1", mode: "switchover" });
            assert.deepEqual(
                r.failures!.map((f) => f.property),
                ["targetClusterArn"],
            );
            assert.match(
                r.failures![0].reason,
                /targetClusterArn: got "securecart-us-east-1"; expected an Aurora cluster ARN arn:aws:rds:<region>:<account>:cluster:<id>/,
            );
        });

        it("rejects an unknown mode and out-of-range timings; keeps a poll interval of 0", async () => {
            const r = await provider.check!(
                {},
                { globalClusterIdentifier: GC, targetClusterArn: TARGET, mode: "sideways", pollIntervalSeconds: -1, timeoutMinutes: 0 },
            );
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["mode", "pollIntervalSeconds", "timeoutMinutes"]);
            assert.match(r.failures!.find((f) => f.property === "mode")!.reason, /mode: got "sideways"; expected one of switchover, failover/);
            const zero = await checked({ pollIntervalSeconds: 0 });
            assert.equal(zero.pollIntervalSeconds, 0, "0 is allowed and not replaced by the default");
            const defaults = await provider.check!({}, { globalClusterIdentifier: GC, targetClusterArn: TARGET });
            assert.deepEqual(defaults.inputs, {
                globalClusterIdentifier: GC,
                targetClusterArn: TARGET,
                mode: "switchover",
                pollIntervalSeconds: 15,
                timeoutMinutes: 45,
            });
        });
    });

    describe("create and update through RDS's FailoverState progression", () => {
        beforeEach(() => {
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: TARGET }).resolves(cluster("16.6"));
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: OTHER }).resolves(cluster("16.6"));
        });

        it("create, planned: SwitchoverGlobalCluster, then pending → switching-over → done", async () => {
            rds.on(DescribeGlobalClustersCommand)
                .resolvesOnce(global(OTHER))
                .resolvesOnce(moving("pending", OTHER, TARGET, false))
                .resolvesOnce(moving("switching-over", OTHER, TARGET, false))
                .resolves(global(TARGET));
            rds.on(SwitchoverGlobalClusterCommand).resolves({});
            const created = await provider.create(await checked());
            assert.equal(created.id, `${GC}/writer`);
            assert.equal(created.outs.writerClusterArn, TARGET);
            assert.equal(created.outs.previousWriterArn, OTHER);
            assert.equal(created.outs.outcome, "switched-over");
            const calls = rds.commandCalls(SwitchoverGlobalClusterCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, { GlobalClusterIdentifier: GC, TargetDbClusterIdentifier: TARGET });
            assert.equal(rds.commandCalls(DescribeGlobalClustersCommand).length, 4, "one look, then polled through pending and switching-over");
            assert.deepEqual(
                await regionsCalled(),
                ["us-east-1", "us-west-2"],
                "a switchover reads every member's engine version, each in its region",
            );
        });

        it("update, unplanned: FailoverGlobalCluster with AllowDataLoss, then pending → failing-over → done, calling only the target's region", async () => {
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: OTHER }).rejects(new Error("the failed region must not be called"));
            rds.on(DescribeGlobalClustersCommand)
                .resolvesOnce(global(OTHER))
                .resolvesOnce(moving("pending", OTHER, TARGET, true))
                .resolvesOnce(moving("failing-over", OTHER, TARGET, true))
                .resolves(global(TARGET));
            rds.on(FailoverGlobalClusterCommand).resolves({});
            const olds = { ...(await checked()), writerClusterArn: OTHER, outcome: "already-writer" };
            const news = await checked({ mode: "failover" });
            const updated = await provider.update!(`${GC}/writer`, olds, news);
            assert.equal(updated.outs!.writerClusterArn, TARGET);
            assert.equal(updated.outs!.outcome, "failed-over");
            const calls = rds.commandCalls(FailoverGlobalClusterCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, { GlobalClusterIdentifier: GC, TargetDbClusterIdentifier: TARGET, AllowDataLoss: true });
            assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
            assert.deepEqual(await regionsCalled(), ["us-east-1"]);
        });

        it("a switchover to the target already under way is awaited, not started again", async () => {
            rds.on(DescribeGlobalClustersCommand)
                .resolvesOnce(moving("switching-over", OTHER, TARGET, false))
                .resolves(global(TARGET));
            const created = await provider.create(await checked());
            assert.equal(created.outs.outcome, "awaited-move-in-progress");
            assert.equal(created.outs.previousWriterArn, OTHER);
            assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
        });

        it("already the writer: nothing is moved (idempotent)", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(TARGET));
            const created = await provider.create(await checked());
            assert.equal(created.outs.outcome, "already-writer");
            assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
            assert.equal(rds.commandCalls(DescribeDBClustersCommand).length, 0);
        });
    });

    describe("every refusal reaches pulumi up with its reason", () => {
        beforeEach(() => {
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: TARGET }).resolves(cluster("16.6"));
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: OTHER }).resolves(cluster("16.6"));
        });
        const target = () => TARGET.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        const other = () => OTHER.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

        it("a target that is not a member of the global cluster", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER, {}, [OTHER]));
            await refuses(
                provider.create(await checked()),
                "not-a-member",
                new RegExp(
                    `^cluster ${target()} is not a member of global cluster ${GC} \\(members: ${other()}\\); it must join the global cluster before it can become the writer$`,
                ),
            );
        });

        it("a headless target (no DB instance)", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: TARGET }).resolves(cluster("16.6", 0));
            await refuses(
                provider.create(await checked()),
                "headless-target",
                new RegExp(`^cluster ${target()} has no DB instances; a headless secondary cannot become the writer: add an instance`),
            );
        });

        it("engine versions that differ between the members", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: OTHER }).resolves(cluster("16.4"));
            await refuses(
                provider.create(await checked()),
                "engine-versions-differ",
                new RegExp(
                    `^engine versions differ \\(${target()}: 16\\.6; global cluster ${GC}: 16\\.6; ${other()}: 16\\.4\\); a switchover needs the same engine version in every region: upgrade the members first$`,
                ),
            );
            assert.equal(rds.commandCalls(SwitchoverGlobalClusterCommand).length, 0);
        });

        it("another move in progress, to another cluster", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(moving("failing-over", TARGET, OTHER, true));
            await refuses(
                provider.create(await checked()),
                "move-in-progress",
                new RegExp(
                    `^global cluster ${GC} is already moving its writer from ${target()} to ${other()} \\(failing-over\\); wait for it to finish, then run again$`,
                ),
            );
        });

        it("a switchover while the global cluster is not available", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER, { Status: "modifying" }));
            await refuses(
                provider.create(await checked()),
                "not-available",
                new RegExp(
                    `^global cluster ${GC} is modifying; a managed switchover needs it available \\(use failoverMode unplanned only when the primary region is down\\)$`,
                ),
            );
        });

        it("a move that does not finish in time", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            rds.on(SwitchoverGlobalClusterCommand).resolves({});
            await refuses(
                provider.create(await checked({ timeoutMinutes: 0.0001, pollIntervalSeconds: 0 })),
                "timeout",
                new RegExp(
                    `^timed out after 6 ms waiting for ${target()} to become the writer of ${GC} \\(last seen: status available, writer ${other()}\\); check the RDS console, then run again \\(the move is idempotent\\)$`,
                ),
            );
            assert.ok(rds.commandCalls(DescribeGlobalClustersCommand).length >= 2, "polled until the deadline");
        });

        it("an RDS API call that fails: the operation and the AWS error are named", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            rds.on(SwitchoverGlobalClusterCommand).rejects(
                Object.assign(new Error("Global cluster is not in a valid state"), { name: "InvalidGlobalClusterStateFault" }),
            );
            await refuses(
                provider.create(await checked()),
                "api-error",
                new RegExp(
                    `^SwitchoverGlobalCluster\\(${GC} → ${target()}\\) failed: InvalidGlobalClusterStateFault: Global cluster is not in a valid state$`,
                ),
            );
            rds.on(FailoverGlobalClusterCommand).rejects(
                Object.assign(new Error("not authorized to perform rds:FailoverGlobalCluster"), { name: "AccessDenied" }),
            );
            await refuses(
                provider.create(await checked({ mode: "failover" })),
                "api-error",
                new RegExp(`^FailoverGlobalCluster\\(${GC} → ${target()}\\) failed: AccessDenied: not authorized`),
            );
            rds.on(DescribeGlobalClustersCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
            await refuses(
                provider.create(await checked()),
                "api-error",
                new RegExp(`^DescribeGlobalClusters\\(${GC}\\) failed: ThrottlingException: Rate exceeded$`),
            );
        });
    });

    describe("diff asks RDS for the live writer, in the target's region only", () => {
        async function state(): Promise<{ olds: Record<string, unknown>; news: Record<string, unknown> }> {
            const news = await checked();
            return { news, olds: { ...news, writerClusterArn: TARGET, previousWriterArn: OTHER, outcome: "switched-over" } };
        }

        it("a writer moved outside Pulumi (console failover) is an update, without a refresh", async () => {
            const { olds, news } = await state();
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            const d = await provider.diff!(`${GC}/writer`, olds, news);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.equal(rds.commandCalls(DescribeGlobalClustersCommand).length, 1);
            assert.deepEqual(rds.commandCalls(DescribeGlobalClustersCommand)[0].args[0].input, { GlobalClusterIdentifier: GC });
            assert.deepEqual(await regionsCalled(), ["us-east-1"], "never the old writer's region");
            assert.ok(
                out.lines.some((l) => l.includes(`the live writer is ${OTHER}, not ${TARGET}`)),
                out.lines.join("\n"),
            );
        });

        it("a move in progress to another cluster is an update too", async () => {
            const { olds, news } = await state();
            rds.on(DescribeGlobalClustersCommand).resolves(moving("failing-over", TARGET, OTHER, true));
            assert.equal((await provider.diff!(`${GC}/writer`, olds, news)).changes, true);
        });

        it("the live writer is the target: no change", async () => {
            const { olds, news } = await state();
            rds.on(DescribeGlobalClustersCommand).resolves(global(TARGET));
            const d = await provider.diff!(`${GC}/writer`, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(await regionsCalled(), ["us-east-1"]);
        });

        it("unknown inputs (preview, after check): an update, and RDS is not called", async () => {
            const { olds } = await state();
            const c = await provider.check!(olds, {
                globalClusterIdentifier: GC,
                targetClusterArn: UNKNOWN,
                mode: "switchover",
                pollIntervalSeconds: 15,
                timeoutMinutes: 45,
            });
            assert.deepEqual(c.failures, []);
            const d = await provider.diff!(`${GC}/writer`, olds, c.inputs);
            assert.equal(d.changes, true);
            const allUnknown = await provider.diff!(`${GC}/writer`, olds, {
                globalClusterIdentifier: UNKNOWN,
                targetClusterArn: UNKNOWN,
                mode: UNKNOWN,
            });
            assert.equal(allUnknown.changes, true);
            assert.equal(rds.calls().length, 0);
        });

        it("RDS cannot be asked: no failure, the recorded state decides, and a warning says so", async () => {
            const { olds, news } = await state();
            rds.on(DescribeGlobalClustersCommand).rejects(
                Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
            );
            const same = await provider.diff!(`${GC}/writer`, olds, news);
            assert.equal(same.changes, false, "recorded writer = target");
            const recordedElsewhere = await provider.diff!(`${GC}/writer`, { ...olds, writerClusterArn: OTHER }, news);
            assert.equal(recordedElsewhere.changes, true, "recorded writer (e.g. after a refresh) differs");
            assert.equal(rds.commandCalls(DescribeGlobalClustersCommand).length, 2, "RDS was asked first");
            assert.deepEqual(await regionsCalled(), ["us-east-1"]);
            const warnings = out.lines.filter((l) =>
                l.includes(
                    `warning: could not read the live writer from RDS (DescribeGlobalClusters(${GC}) failed: CredentialsProviderError: Could not load credentials from any providers); comparing the recorded state only`,
                ),
            );
            assert.equal(warnings.length, 2, out.lines.join("\n"));
            assert.match(warnings[0], /a writer moved outside Pulumi is not seen/);
            assert.match(warnings[0], /rds:DescribeGlobalClusters/);
        });
    });

    describe("read", () => {
        it("reports the live writer, asking the target's region only", async () => {
            rds.on(DescribeGlobalClustersCommand).resolves(global(OTHER));
            const props = { ...(await checked()), writerClusterArn: TARGET, outcome: "switched-over" };
            const r = await provider.read!(`${GC}/writer`, props);
            assert.equal(r.id, `${GC}/writer`);
            assert.deepEqual(r.props, { ...props, writerClusterArn: OTHER });
            assert.deepEqual(await regionsCalled(), ["us-east-1"]);
        });

        it("fails with the call and the AWS error named, or with the bad ARN named", async () => {
            rds.on(DescribeGlobalClustersCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
            await refuses(
                provider.read!(`${GC}/writer`, await checked()),
                "api-error",
                new RegExp(`^DescribeGlobalClusters\\(${GC}\\) failed: ThrottlingException: Rate exceeded$`),
            );
            await refuses(
                provider.read!(`${GC}/writer`, { ...(await checked()), targetClusterArn: "securecart-us-east-1" }),
                "invalid-request",
                /^read: targetClusterArn "securecart-us-east-1" is not an Aurora cluster ARN/,
            );
        });
    });

    it("delete never calls RDS", async () => {
        await provider.delete!(`${GC}/writer`, await checked());
        assert.equal(rds.calls().length, 0);
    });
});
