/**
 * CachePrimary, FilesPrimary and FilesReplication as the engine runs them: the serialized provider text of the
 * resource the promoted stack plans (its `__provider` input, as @pulumi/pulumi's dynamic.Resource wrote it), loaded
 * the way the dynamic-provider host loads the text, and driven against mocked ElastiCache and EFS clients. What the
 * closure serializer does not rebuild (module-level Set/Map instances, Error subclasses) only shows in this form, so
 * nothing here imports the provider objects. The plans are made in a mocha process, the stricter case: the
 * serializer leaves out any free variable named like a property of `global`, and mocha adds `describe`, `it` and the
 * hooks there, so a promotion helper with one of those names breaks here first.
 *
 * The cache's tests drive the planned text with the shared harness's datastore (its ids, not the plan's): the
 * provider's behaviour does not depend on the names. The file systems' tests use the planned ids.
 *
 * The serialized providers keep the promotions' default 15 s poll interval (their inputs carry no timings), so
 * every wait here ends on its first poll: the describe after the call (or after the "in progress" look) already
 * shows the finished state, and no test sleeps.
 */
import { captureProviderOutput } from "./providerOutput";
import { EAST, GDS, WEST, datastore } from "./promotionHarness";
import { strict as assert } from "assert";
import {
    CreateReplicationConfigurationCommand,
    DeleteReplicationConfigurationCommand,
    DescribeFileSystemsCommand,
    DescribeReplicationConfigurationsCommand,
    EFSClient,
    type ReplicationStatus,
    UpdateFileSystemProtectionCommand,
} from "@aws-sdk/client-efs";
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import type * as pulumi from "@pulumi/pulumi";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { PROVIDER_KEY, UNKNOWN, loadSerializedProvider, providerTextOf } from "../tools/engineDynamic";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { DYNAMIC, T, UNKNOWN_JSON } from "../src/plan";
import { ofType, planAll, planOf, previewOf } from "./helpers";

const CACHE_PRIMARY = DYNAMIC.cachePrimary.token;
const FILES_PRIMARY = DYNAMIC.filesPrimary.token;
const FILES_REPLICATION = DYNAMIC.filesReplication.token;
const DR = "us-west-2";

/** The one resource of `type` that `stack` plans with `over` (dr promoted, unless `over` says otherwise). */
async function plannedIn(stack: string, type: string, ...over: string[]): Promise<PlannedResource> {
    const rs = ofType(await planOf(stack, ...over), type);
    assert.equal(rs.length, 1, `${stack} (${over.join(" ")}) plans one ${type}`);
    return rs[0];
}

/** The engine's check of `type` in `plan` (the planner ran it as the engine does): its unknown inputs and failures. */
function checksOf(plan: StackPlan, type: string): Array<[readonly string[], readonly { property: string; reason: string }[]]> {
    return plan.dynamicChecks.filter((c) => c.type === type).map((c) => [c.unknownInputs, c.failures]);
}

/** A planned resource's inputs as the engine passes them to check and diff: a preview's unknowns as the engine's sentinel. */
function engineNews(r: PlannedResource): Record<string, unknown> {
    return Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, v === UNKNOWN_JSON ? UNKNOWN : v]));
}

/**
 * The engine's path through a first preview: check passes the preview's inputs (their unknowns as the engine's
 * sentinel), and diff against the last deployed state (`planned`, with `outcome`) reports a change, with no AWS call.
 * Returns the inputs it checked.
 */
async function assertPreviewReportsChange(
    provider: pulumi.dynamic.ResourceProvider,
    id: string,
    previewed: PlannedResource,
    planned: PlannedResource,
    outcome: string,
    calls: () => number,
): Promise<Record<string, unknown>> {
    const news = engineNews(previewed);
    const c = await provider.check!({}, news);
    assert.deepEqual(c.failures, []);
    const d = await provider.diff!(id, { ...engineNews(planned), outcome }, c.inputs);
    assert.deepEqual([d.changes, d.replaces, d.deleteBeforeReplace], [true, [], false]);
    assert.equal(calls(), 0, "nothing is asked while an input is unknown");
    return news;
}

/** The types each stack plans, as `stack: type` lines, for the moves only. */
function movesIn(plans: readonly StackPlan[], type: string): string[] {
    return plans.flatMap((p) => ofType(p, type).map((r) => `${p.stack}: ${String(r.inputs.mode ?? r.inputs.sourceRegion)}`));
}

/** Asserts that every `require` of `pkg` in the text resolves to the module the tests import, so the mock applies. */
function requiresSameModule(text: string, pkg: string, exported: string, cls: unknown): void {
    const escaped = pkg.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const specs = [...text.matchAll(new RegExp(`require\\("(${escaped}[^"]*)"\\)`, "g"))].map((m) => m[1]);
    assert.ok(specs.length > 0, `the provider calls the service through ${pkg}`);
    for (const spec of specs) {
        assert.equal(require.resolve(spec, { paths: [process.cwd()] }), require.resolve(pkg), `${spec} is the module the tests import`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal((require(spec) as Record<string, unknown>)[exported], cls);
    }
}

/** The region each call went to, from the clients the serialized code built. */
async function regionsOf(calls: readonly { thisValue: unknown }[]): Promise<string[]> {
    const regions: string[] = [];
    for (const call of calls) regions.push(await (call.thisValue as { config: { region: () => Promise<string> } }).config.region());
    return [...new Set(regions)].sort();
}

/**
 * A refusal reaches `pulumi up` with its reason: the engine reports `e.message`, so the message is asserted, and
 * the name and code the promotion gave it must survive serialization on a plain Error.
 */
async function refuses(p: Promise<unknown>, name: string, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        const err = e as { name?: unknown; code?: unknown; message?: unknown };
        assert.equal(typeof err.message, "string", `the refusal must carry a message, got ${JSON.stringify(err.message)} (name ${String(err.name)})`);
        assert.match(err.message as string, pattern);
        assert.equal(err.name, name);
        assert.equal(err.code, code);
        assert.ok(e instanceof Error, "a real Error, so the engine and the CLI print it as one");
        assert.equal(Object.getPrototypeOf(e), Error.prototype, "a plain Error, not a subclass");
        return true;
    });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("CachePrimary as the engine runs it: its serialized provider against a mocked ElastiCache", function () {
    this.timeout(120_000);

    /** This stack's member, made the primary: dr's, in us-west-2. */
    const TARGET_REGION = "us-west-2";
    const ID = `${GDS}/primary`;

    let planned: PlannedResource;
    let text: string;
    let provider: pulumi.dynamic.ResourceProvider;
    let cache: AwsClientStub<ElastiCacheClient>;

    async function checked(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
        const c = await provider.check!(
            {},
            { globalReplicationGroupId: GDS, targetReplicationGroupId: WEST, targetRegion: TARGET_REGION, mode: "switchover", ...extra },
        );
        assert.deepEqual(c.failures, []);
        return c.inputs as Record<string, unknown>;
    }

    /** The recorded state after a create, and the same inputs checked again. */
    async function state(): Promise<{ olds: Record<string, unknown>; news: Record<string, unknown> }> {
        const news = await checked();
        return { news, olds: { ...news, outcome: "switched-over" } };
    }

    const regionsCalled = () => regionsOf(cache.calls());

    before(async () => {
        planned = await plannedIn("dr", CACHE_PRIMARY, "strategy=warm-standby", `primaryRegion=${DR}`);
        text = providerTextOf(planned.inputs);
        provider = loadSerializedProvider(text);
        // Taken here, not at load: every test file runs in one mocha process and mockClient() replaces any
        // earlier stub of ElastiCacheClient.prototype.send.
        cache = mockClient(ElastiCacheClient);
    });
    after(() => cache.restore());
    beforeEach(() => cache.reset());
    const out = captureProviderOutput();

    describe("where it is planned", () => {
        it("in the primary's stack only, under warm standby and active-active, switchover or (unplanned) failover", async () => {
            const cases: Array<[string[], string[]]> = [
                [["strategy=warm-standby"], ["prod: switchover"]],
                [["strategy=warm-standby", `primaryRegion=${DR}`], ["dr: switchover"]],
                [["strategy=active-active", `primaryRegion=${DR}`, "failoverMode=unplanned"], ["dr: failover"]],
                [["strategy=pilot-light", `primaryRegion=${DR}`], []],
                [["strategy=backup-restore", `primaryRegion=${DR}`], []],
            ];
            for (const [over, expected] of cases) {
                const plans = await planAll(...over);
                assert.deepEqual(movesIn(plans, CACHE_PRIMARY), expected, over.join(" "));
                for (const r of plans.flatMap((p) => ofType(p, CACHE_PRIMARY))) assert.equal(providerTextOf(r.inputs), text, "one provider text");
            }
        });

        it("names this stack's own replication group and region, and the home stack's datastore; the engine's check passed", async () => {
            const [home, dr] = await planAll("strategy=warm-standby", `primaryRegion=${DR}`);
            assert.equal(planned.inputs.targetRegion, DR);
            assert.equal(planned.inputs.mode, "switchover");
            assert.equal(planned.inputs.targetReplicationGroupId, ofType(dr, T.cacheReplicationGroup)[0].inputs.replicationGroupId);
            assert.equal(planned.inputs.globalReplicationGroupId, ofType(home, T.cacheGlobalDatastore)[0].outputs.globalReplicationGroupId);
            assert.deepEqual(checksOf(dr, CACHE_PRIMARY), [[[], []]]);
        });

        it("preview: the engine's check passed with the unknowns as its sentinel; check and diff of those inputs do not fail, and report a change", async () => {
            const preview = await previewOf("dr", "strategy=warm-standby", `primaryRegion=${DR}`);
            assert.deepEqual(checksOf(preview, CACHE_PRIMARY), [[["targetReplicationGroupId"], []]], "dr's own group has no id yet");
            const news = await assertPreviewReportsChange(
                provider,
                ID,
                ofType(preview, CACHE_PRIMARY)[0],
                planned,
                "switched-over",
                () => cache.calls().length,
            );
            assert.equal(news.targetReplicationGroupId, UNKNOWN);
            assert.equal(news[PROVIDER_KEY], text);
        });
    });

    it("the text requires the ElastiCache client module the tests mock", () => {
        requiresSameModule(text, "@aws-sdk/client-elasticache", "ElastiCacheClient", ElastiCacheClient);
    });

    describe("check", () => {
        it("passes unknown inputs (preview of the first deploy) with no failure and no call", async () => {
            const all = { globalReplicationGroupId: UNKNOWN, targetReplicationGroupId: UNKNOWN, targetRegion: UNKNOWN, mode: UNKNOWN };
            const r = await provider.check!({}, all);
            assert.deepEqual(r.failures, []);
            assert.deepEqual(r.inputs, all);
            const some = await provider.check!({}, { ...all, targetRegion: TARGET_REGION, mode: "failover" });
            assert.deepEqual(some.failures, []);
            assert.equal(cache.calls().length, 0);
        });

        it("rejects known bad values, each failure naming the property and the value", async () => {
            const r = await provider.check!(
                {},
                { globalReplicationGroupId: "", targetReplicationGroupId: 7, targetRegion: "oregon", mode: "sideways" },
            );
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), [
                "globalReplicationGroupId",
                "mode",
                "targetRegion",
                "targetReplicationGroupId",
            ]);
            const reason = (p: string) => r.failures!.find((f) => f.property === p)!.reason;
            assert.equal(reason("globalReplicationGroupId"), `globalReplicationGroupId: got ""; expected the Global Datastore's id`);
            assert.equal(reason("targetReplicationGroupId"), "targetReplicationGroupId: got 7; expected this region's replication group id");
            assert.equal(reason("targetRegion"), 'targetRegion: got "oregon"; expected an AWS region such as us-west-2');
            assert.equal(reason("mode"), 'mode: got "sideways"; expected one of switchover, failover');
            const missing = await provider.check!({}, {});
            assert.equal(missing.failures!.length, 4, "every input is required");
            assert.equal(cache.calls().length, 0);
        });
    });

    describe("diff", () => {
        it("an unknown or changed key is an update, never a replacement, and asks nothing", async () => {
            const { olds, news } = await state();
            for (const key of ["globalReplicationGroupId", "targetReplicationGroupId", "targetRegion", "mode"]) {
                const u = await provider.diff!(ID, olds, { ...news, [key]: UNKNOWN });
                assert.equal(u.changes, true, key);
                assert.deepEqual(u.replaces, [], key);
                assert.equal(u.deleteBeforeReplace, false, key);
            }
            for (const [key, value] of [
                ["globalReplicationGroupId", "ldgnf-other"],
                ["targetReplicationGroupId", EAST],
                ["targetRegion", "us-east-1"],
                ["mode", "failover"],
            ]) {
                const d = await provider.diff!(ID, olds, { ...news, [key]: value });
                assert.equal(d.changes, true, key);
                assert.deepEqual(d.replaces, [], key);
            }
            assert.equal(cache.calls().length, 0);
        });

        it("same inputs: asks ElastiCache in the target's region only; the target primary is no change", async () => {
            const { olds, news } = await state();
            cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(WEST));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(d.replaces, []);
            const calls = cache.commandCalls(DescribeGlobalReplicationGroupsCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, { GlobalReplicationGroupId: GDS, ShowMemberInfo: true });
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
        });

        it("another member is the primary (moved outside Pulumi): an update, and says why", async () => {
            const { olds, news } = await state();
            cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.ok(
                out.lines.includes(`[CachePrimary ${ID}] the live primary is ${EAST}, not ${WEST}; this update moves it back`),
                out.lines.join("\n"),
            );
        });

        it("ElastiCache unreachable: no change (the recorded state decides), and a warning says so", async () => {
            const { olds, news } = await state();
            cache
                .on(DescribeGlobalReplicationGroupsCommand)
                .rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.deepEqual(out.lines, [
                `[CachePrimary ${ID}] warning: could not read the live state (DescribeGlobalReplicationGroups(${GDS}) failed: CredentialsProviderError: Could not load credentials from any providers); comparing the recorded state only, so a move made outside Pulumi is not seen`,
            ]);
        });
    });

    describe("create and update", () => {
        it("create, planned switchover: FailoverGlobalReplicationGroup in the target's region, then the target is primary", async () => {
            cache.on(DescribeGlobalReplicationGroupsCommand).resolvesOnce(datastore(EAST)).resolves(datastore(WEST));
            cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
            const created = await provider.create(await checked());
            assert.equal(created.id, ID);
            assert.deepEqual(created.outs, {
                globalReplicationGroupId: GDS,
                targetReplicationGroupId: WEST,
                targetRegion: TARGET_REGION,
                mode: "switchover",
                outcome: "switched-over",
            });
            const calls = cache.commandCalls(FailoverGlobalReplicationGroupCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, {
                GlobalReplicationGroupId: GDS,
                PrimaryRegion: TARGET_REGION,
                PrimaryReplicationGroupId: WEST,
            });
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.ok(
                out.lines.includes(`[CachePrimary ${GDS}] FailoverGlobalReplicationGroup ${GDS} → ${WEST} (${TARGET_REGION}, switchover)`),
                out.lines.join("\n"),
            );
        });

        it("update, unplanned failover: the datastore not available, the call made in the target's region only", async () => {
            cache
                .on(DescribeGlobalReplicationGroupsCommand)
                .resolvesOnce(datastore(EAST, { Status: "primary-only" }))
                .resolves(datastore(WEST));
            cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
            const { olds } = await state();
            const updated = await provider.update!(ID, olds, await checked({ mode: "failover" }));
            assert.equal(updated.outs!.outcome, "failed-over");
            assert.equal(updated.outs!.mode, "failover");
            assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 1);
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
        });

        it("already done: the target is the primary, so nothing is moved", async () => {
            cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(WEST));
            assert.equal((await provider.create(await checked())).outs.outcome, "already-primary");
            assert.equal((await provider.update!(ID, (await state()).olds, await checked({ mode: "failover" }))).outs!.outcome, "already-primary");
            assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        });

        it("a failover in progress is awaited (settled by the first poll), not started again", async () => {
            cache
                .on(DescribeGlobalReplicationGroupsCommand)
                .resolvesOnce(datastore(undefined, { Status: "modifying" }))
                .resolves(datastore(WEST));
            const created = await provider.create(await checked());
            assert.equal(created.outs.outcome, "awaited-in-progress");
            assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
            assert.equal(cache.commandCalls(DescribeGlobalReplicationGroupsCommand).length, 2);
        });
    });

    describe("refusals keep their name, code and message through serialization", () => {
        it("a target that is not a member of the datastore", async () => {
            cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST, {}, [EAST]));
            await refuses(
                provider.create(await checked()),
                "CachePromotionError",
                "not-a-member",
                new RegExp(
                    `^replication group ${WEST} is not a member of Global Datastore ${GDS} \\(members: ${EAST} \\(us-east-1, PRIMARY\\)\\); it must join the datastore as a secondary before it can become the primary$`,
                ),
            );
            assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        });

        it("an ElastiCache call that fails: the operation and the AWS error are quoted", async () => {
            cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST));
            cache.on(FailoverGlobalReplicationGroupCommand).rejects(
                Object.assign(new Error("The Global datastore is not available or in primary-only state."), {
                    name: "InvalidGlobalReplicationGroupStateFault",
                }),
            );
            await refuses(
                provider.update!(ID, (await state()).olds, await checked({ mode: "failover" })),
                "CachePromotionError",
                "api-error",
                new RegExp(
                    `^FailoverGlobalReplicationGroup\\(${GDS} → ${WEST} in ${TARGET_REGION}\\) failed: InvalidGlobalReplicationGroupStateFault: The Global datastore is not available or in primary-only state\\.$`,
                ),
            );
        });

        it("inputs that skipped check: invalid-request before any call", async () => {
            await refuses(
                provider.create({ globalReplicationGroupId: GDS, targetReplicationGroupId: WEST, targetRegion: "west", mode: "switchover" }),
                "CachePromotionError",
                "invalid-request",
                /^targetRegion: got "west"; expected a region name such as us-west-2$/,
            );
            assert.equal(cache.calls().length, 0);
        });
    });

    it("delete calls nothing: a stack that stops being primary moves nothing", async () => {
        await provider.delete!(ID, (await state()).olds);
        assert.equal(cache.calls().length, 0);
    });
});

describe("FilesPrimary as the engine runs it: its serialized provider against a mocked EFS", function () {
    this.timeout(120_000);

    /** The original, in the home region, and this stack's replica, made writable. */
    const HOME = "fs-0123456789abcdef0";
    const REPLICA = "fs-0fedcba9876543210";
    const HOME_REGION = "us-east-1";
    const TARGET_REGION = "us-west-2";
    const ID = `${REPLICA}/writable`;

    let planned: PlannedResource;
    let text: string;
    let provider: pulumi.dynamic.ResourceProvider;
    let efs: AwsClientStub<EFSClient>;

    const notFound = () => Object.assign(new Error("No replication configuration found"), { name: "ReplicationNotFound" });

    /** HOME → REPLICA, or REPLICA → HOME once failed back, as the replica's region describes it. */
    function replication(status: ReplicationStatus, from = HOME, to = REPLICA) {
        return {
            Replications: [
                {
                    SourceFileSystemId: from,
                    SourceFileSystemRegion: from === HOME ? HOME_REGION : TARGET_REGION,
                    SourceFileSystemArn: `arn:aws:elasticfilesystem:${from === HOME ? HOME_REGION : TARGET_REGION}:123456789012:file-system/${from}`,
                    OriginalSourceFileSystemArn: `arn:aws:elasticfilesystem:${HOME_REGION}:123456789012:file-system/${HOME}`,
                    CreationTime: new Date(0),
                    Destinations: [{ FileSystemId: to, Region: to === REPLICA ? TARGET_REGION : HOME_REGION, Status: status }],
                },
            ],
        };
    }

    function protection(value: "ENABLED" | "DISABLED" | "REPLICATING") {
        return { FileSystems: [{ FileSystemId: REPLICA, FileSystemProtection: { ReplicationOverwriteProtection: value } }] } as never;
    }

    /** The replica's region reporting it writable: in no configuration, protection ENABLED. */
    function writable(): void {
        efs.on(DescribeReplicationConfigurationsCommand).rejects(notFound());
        efs.on(DescribeFileSystemsCommand).resolves(protection("ENABLED"));
    }

    async function checked(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
        const c = await provider.check!({}, { fileSystemId: REPLICA, targetRegion: TARGET_REGION, mode: "switchover", ...extra });
        assert.deepEqual(c.failures, []);
        return c.inputs as Record<string, unknown>;
    }

    async function state(): Promise<{ olds: Record<string, unknown>; news: Record<string, unknown> }> {
        const news = await checked();
        return { news, olds: { ...news, outcome: "promoted" } };
    }

    const regionsCalled = () => regionsOf(efs.calls());

    before(async () => {
        planned = await plannedIn("dr", FILES_PRIMARY, "strategy=pilot-light", `primaryRegion=${DR}`);
        text = providerTextOf(planned.inputs);
        provider = loadSerializedProvider(text);
        // Taken here, not at load: mockClient() replaces any earlier stub of EFSClient.prototype.send.
        efs = mockClient(EFSClient);
    });
    after(() => efs.restore());
    beforeEach(() => efs.reset());
    const out = captureProviderOutput();

    describe("where it is planned", () => {
        it("in the primary's stack only, wherever the strategy replicates the files: switchover or (unplanned) failover", async () => {
            const cases: Array<[string[], string[]]> = [
                [["strategy=pilot-light"], ["prod: switchover"]],
                [["strategy=pilot-light", `primaryRegion=${DR}`], ["dr: switchover"]],
                [["strategy=warm-standby", `primaryRegion=${DR}`, "failoverMode=unplanned"], ["dr: failover"]],
                [["strategy=active-active", `primaryRegion=${DR}`], ["dr: switchover"]],
                [["strategy=backup-restore", `primaryRegion=${DR}`], []],
            ];
            for (const [over, expected] of cases) {
                const plans = await planAll(...over);
                assert.deepEqual(movesIn(plans, FILES_PRIMARY), expected, over.join(" "));
                for (const r of plans.flatMap((p) => ofType(p, FILES_PRIMARY))) assert.equal(providerTextOf(r.inputs), text, "one provider text");
            }
        });

        it("names this stack's own file system and region; the engine's check passed", async () => {
            const dr = await planOf("dr", "strategy=pilot-light", `primaryRegion=${DR}`);
            assert.deepEqual(
                [planned.inputs.fileSystemId, planned.inputs.targetRegion, planned.inputs.mode],
                [ofType(dr, T.fileSystem)[0].outputs.fileSystemId, DR, "switchover"],
            );
            assert.match(String(planned.inputs.fileSystemId), /^fs-[0-9a-f]+$/);
            assert.deepEqual(checksOf(dr, FILES_PRIMARY), [[[], []]]);
        });

        it("preview: the engine's check passed with the file system's id unknown; check and diff of those inputs do not fail, and report a change", async () => {
            const preview = await previewOf("dr", "strategy=pilot-light", `primaryRegion=${DR}`);
            assert.deepEqual(checksOf(preview, FILES_PRIMARY), [[["fileSystemId"], []]]);
            const news = await assertPreviewReportsChange(
                provider,
                ID,
                ofType(preview, FILES_PRIMARY)[0],
                planned,
                "promoted",
                () => efs.calls().length,
            );
            assert.equal(news.fileSystemId, UNKNOWN);
        });
    });

    it("the text requires the EFS client module the tests mock", () => {
        requiresSameModule(text, "@aws-sdk/client-efs", "EFSClient", EFSClient);
    });

    describe("check", () => {
        it("passes unknown inputs (preview of the first deploy) with no failure and no call", async () => {
            const all = { fileSystemId: UNKNOWN, targetRegion: UNKNOWN, mode: UNKNOWN };
            const r = await provider.check!({}, all);
            assert.deepEqual(r.failures, []);
            assert.deepEqual(r.inputs, all);
            assert.deepEqual((await provider.check!({}, { ...all, targetRegion: TARGET_REGION })).failures, []);
            assert.equal(efs.calls().length, 0);
        });

        it("rejects known bad values, each failure naming the property and the value", async () => {
            const r = await provider.check!({}, { fileSystemId: "securecart-files", targetRegion: "oregon", mode: "planned" });
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["fileSystemId", "mode", "targetRegion"]);
            const reason = (p: string) => r.failures!.find((f) => f.property === p)!.reason;
            assert.equal(reason("fileSystemId"), 'fileSystemId: got "securecart-files"; expected an EFS file system id such as fs-0123456789abcdef0');
            assert.equal(reason("targetRegion"), 'targetRegion: got "oregon"; expected an AWS region such as us-west-2');
            assert.equal(reason("mode"), 'mode: got "planned"; expected one of switchover, failover');
            assert.equal(efs.calls().length, 0);
        });
    });

    describe("diff", () => {
        it("an unknown or changed key is an update, never a replacement, and asks nothing", async () => {
            const { olds, news } = await state();
            for (const [key, value] of [
                ["fileSystemId", UNKNOWN],
                ["targetRegion", UNKNOWN],
                ["mode", UNKNOWN],
                ["fileSystemId", HOME],
                ["targetRegion", HOME_REGION],
                ["mode", "failover"],
            ]) {
                const d = await provider.diff!(ID, olds, { ...news, [key]: value });
                assert.equal(d.changes, true, `${key}=${value}`);
                assert.deepEqual(d.replaces, [], `${key}=${value}`);
                assert.equal(d.deleteBeforeReplace, false);
            }
            assert.equal(efs.calls().length, 0);
        });

        it("same inputs: asks EFS in the target's region only; a writable file system is no change", async () => {
            const { olds, news } = await state();
            writable();
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(efs.commandCalls(DescribeReplicationConfigurationsCommand)[0].args[0].input, { FileSystemId: REPLICA });
            assert.deepEqual(efs.commandCalls(DescribeFileSystemsCommand)[0].args[0].input, { FileSystemId: REPLICA });
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            efs.reset();
            // After the failback's first leg the promoted file system is the source: still writable.
            efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED", REPLICA, HOME));
            efs.on(DescribeFileSystemsCommand).resolves(protection("ENABLED"));
            assert.equal((await provider.diff!(ID, olds, news)).changes, false);
        });

        it("a replication destination again (re-replicated outside Pulumi): an update, and says why", async () => {
            const { olds, news } = await state();
            efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED"));
            efs.on(DescribeFileSystemsCommand).resolves(protection("REPLICATING"));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.ok(
                out.lines.includes(`[FilesPrimary ${ID}] file system ${REPLICA} is a replication destination (read-only); this update moves it back`),
                out.lines.join("\n"),
            );
        });

        it("EFS unreachable: no change (the recorded state decides), and a warning says so", async () => {
            const { olds, news } = await state();
            efs.on(DescribeReplicationConfigurationsCommand).rejects(
                Object.assign(new Error("connect ETIMEDOUT 52.94.0.1:443"), { name: "TimeoutError", code: "ETIMEDOUT" }),
            );
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.deepEqual(out.lines, [
                `[FilesPrimary ${ID}] warning: could not read the live state (DescribeReplicationConfigurations(${REPLICA}) failed: TimeoutError: connect ETIMEDOUT 52.94.0.1:443); comparing the recorded state only, so a move made outside Pulumi is not seen`,
            ]);
        });
    });

    describe("create and update", () => {
        it("create, planned switchover: deletes the configuration (both sides) from the replica's region, then it is writable", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ENABLED")).rejects(notFound());
            efs.on(DescribeFileSystemsCommand).resolvesOnce(protection("REPLICATING")).resolves(protection("ENABLED"));
            efs.on(DeleteReplicationConfigurationCommand).resolves({});
            const created = await provider.create(await checked());
            assert.equal(created.id, ID);
            assert.deepEqual(created.outs, { fileSystemId: REPLICA, targetRegion: TARGET_REGION, mode: "switchover", outcome: "promoted" });
            const calls = efs.commandCalls(DeleteReplicationConfigurationCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, { SourceFileSystemId: HOME, DeletionMode: "ALL_CONFIGURATIONS" });
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
            assert.ok(
                out.lines.includes(
                    `[FilesPrimary ${REPLICA}] DeleteReplicationConfiguration ${HOME} → ${REPLICA} (ALL_CONFIGURATIONS) in ${TARGET_REGION}`,
                ),
                out.lines.join("\n"),
            );
        });

        it("update, unplanned failover: the source's region down, this side deleted only, calling the target's region only", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ERROR")).rejects(notFound());
            efs.on(DescribeFileSystemsCommand).resolvesOnce(protection("REPLICATING")).resolves(protection("ENABLED"));
            efs.on(DeleteReplicationConfigurationCommand, { DeletionMode: "ALL_CONFIGURATIONS" }).rejects(
                Object.assign(new Error("Unable to reach the source Region"), { name: "InternalServerError" }),
            );
            efs.on(DeleteReplicationConfigurationCommand, { DeletionMode: "LOCAL_CONFIGURATION_ONLY" }).resolves({});
            const updated = await provider.update!(ID, (await state()).olds, await checked({ mode: "failover" }));
            assert.equal(updated.outs!.outcome, "promoted");
            assert.deepEqual(
                efs.commandCalls(DeleteReplicationConfigurationCommand).map((c) => c.args[0].input.DeletionMode),
                ["ALL_CONFIGURATIONS", "LOCAL_CONFIGURATION_ONLY"],
            );
            assert.deepEqual(await regionsCalled(), [TARGET_REGION]);
        });

        it("already done: writable, or already the source, so nothing is deleted", async () => {
            writable();
            assert.equal((await provider.create(await checked())).outs.outcome, "already-writable");
            efs.reset();
            efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED", REPLICA, HOME));
            efs.on(DescribeFileSystemsCommand).resolves(protection("ENABLED"));
            assert.equal((await provider.update!(ID, (await state()).olds, await checked({ mode: "failover" }))).outs!.outcome, "already-source");
            assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
        });

        it("a deletion in progress is awaited (writable at the first poll), not started again", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("DELETING")).rejects(notFound());
            efs.on(DescribeFileSystemsCommand).resolvesOnce(protection("REPLICATING")).resolves(protection("ENABLED"));
            const created = await provider.create(await checked());
            assert.equal(created.outs.outcome, "awaited-in-progress");
            assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
            assert.equal(efs.commandCalls(DescribeReplicationConfigurationsCommand).length, 2);
        });
    });

    describe("refusals keep their name, code and message through serialization", () => {
        it("a file system the target's region does not have: not-found, quoting EFS", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).rejects(
                Object.assign(new Error(`File system '${REPLICA}' does not exist.`), { name: "FileSystemNotFound" }),
            );
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "not-found",
                new RegExp(
                    `^file system ${REPLICA} was not found \\(FileSystemNotFound: File system '${REPLICA}' does not exist\\.\\); check the id and the region called$`,
                ),
            );
        });

        it("a planned switchover of a replication that is not ENABLED", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("PAUSED"));
            efs.on(DescribeFileSystemsCommand).resolves(protection("REPLICATING"));
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "not-available",
                new RegExp(`^the replication from ${HOME} \\(${HOME_REGION}\\) into ${REPLICA} is PAUSED; a planned switchover needs it ENABLED`),
            );
            assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
        });

        it("an EFS call that fails: the operation and the AWS error are quoted", async () => {
            efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED"));
            efs.on(DescribeFileSystemsCommand).resolves(protection("REPLICATING"));
            efs.on(DeleteReplicationConfigurationCommand).rejects(
                Object.assign(new Error("not authorized to perform: elasticfilesystem:DeleteReplicationConfiguration"), {
                    name: "AccessDeniedException",
                }),
            );
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "api-error",
                new RegExp(
                    `^DeleteReplicationConfiguration\\(${HOME} → ${REPLICA}, ALL_CONFIGURATIONS\\) failed: AccessDeniedException: ${escape("not authorized to perform: elasticfilesystem:DeleteReplicationConfiguration")}$`,
                ),
            );
        });

        it("inputs that skipped check: invalid-request before any call", async () => {
            await refuses(
                provider.create({ fileSystemId: REPLICA, targetRegion: TARGET_REGION, mode: "planned" }),
                "FilesPromotionError",
                "invalid-request",
                /^mode: got "planned"; expected one of switchover, failover$/,
            );
            assert.equal(efs.calls().length, 0);
        });
    });

    it("delete calls nothing: a stack that stops being primary moves nothing", async () => {
        await provider.delete!(ID, (await state()).olds);
        assert.equal(efs.calls().length, 0);
    });
});

describe("FilesReplication as the engine runs it: the promoted stack's serialized provider against a mocked EFS", function () {
    this.timeout(120_000);

    /** The planned inputs: dr's file system (promoted, us-west-2) replicating into prod's (us-east-1). */
    let SOURCE: string;
    let DEST: string;
    const SOURCE_REGION = DR;
    const DEST_REGION = "us-east-1";
    let ID: string;

    let planned: PlannedResource;
    let text: string;
    let provider: pulumi.dynamic.ResourceProvider;
    let efs: AwsClientStub<EFSClient>;

    const notFound = () => Object.assign(new Error("No replication configuration found"), { name: "ReplicationNotFound" });

    /** `from` → `to`, as either region describes it (the source's region by default: SOURCE → DEST). */
    function replication(status: ReplicationStatus, from = SOURCE, to = DEST) {
        const regionOf = (fs: string) => (fs === SOURCE ? SOURCE_REGION : DEST_REGION);
        return {
            Replications: [
                {
                    SourceFileSystemId: from,
                    SourceFileSystemRegion: regionOf(from),
                    SourceFileSystemArn: `arn:aws:elasticfilesystem:${regionOf(from)}:123456789012:file-system/${from}`,
                    OriginalSourceFileSystemArn: `arn:aws:elasticfilesystem:${DEST_REGION}:123456789012:file-system/${DEST}`,
                    CreationTime: new Date(0),
                    Destinations: [{ FileSystemId: to, Region: regionOf(to), Status: status }],
                },
            ],
        };
    }

    function protection(fs: string, value: "ENABLED" | "DISABLED" | "REPLICATING") {
        return { FileSystems: [{ FileSystemId: fs, FileSystemProtection: { ReplicationOverwriteProtection: value } }] } as never;
    }

    /** Each file system in no replication, with the given protections (the state right after a promotion). */
    function standalone(source: "ENABLED" | "DISABLED" = "ENABLED", dest: "ENABLED" | "DISABLED" = "ENABLED"): void {
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: DEST }).rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, source));
        efs.on(DescribeFileSystemsCommand, { FileSystemId: DEST }).resolves(protection(DEST, dest));
    }

    function inputs(extra: Record<string, unknown> = {}): Record<string, unknown> {
        return {
            sourceFileSystemId: SOURCE,
            sourceRegion: SOURCE_REGION,
            destinationFileSystemId: DEST,
            destinationRegion: DEST_REGION,
            ...extra,
        };
    }

    async function checked(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
        const c = await provider.check!({}, inputs(extra));
        assert.deepEqual(c.failures, []);
        return c.inputs as Record<string, unknown>;
    }

    async function state(): Promise<{ olds: Record<string, unknown>; news: Record<string, unknown> }> {
        const news = await checked();
        return { news, olds: { ...news, outcome: "replication-created" } };
    }

    /** The region of each call of `command`'s kind, in call order. */
    async function regionsOfCommand(command: Parameters<AwsClientStub<EFSClient>["commandCalls"]>[0]): Promise<string[]> {
        return regionsOf(efs.commandCalls(command));
    }

    before(async () => {
        planned = await plannedIn("dr", FILES_REPLICATION, "strategy=warm-standby", `primaryRegion=${DR}`);
        text = providerTextOf(planned.inputs);
        SOURCE = String(planned.inputs.sourceFileSystemId);
        DEST = String(planned.inputs.destinationFileSystemId);
        ID = `${SOURCE}/replicates-into/${DEST}`;
        provider = loadSerializedProvider(text);
        // Taken here, not at load: mockClient() replaces any earlier stub of EFSClient.prototype.send.
        efs = mockClient(EFSClient);
    });
    after(() => efs.restore());
    beforeEach(() => efs.reset());
    const out = captureProviderOutput();

    describe("where it is planned", () => {
        it("in the primary's stack only, where the strategy replicates the files, and only in a planned state (it needs both regions)", async () => {
            const cases: Array<[string[], string[]]> = [
                [["strategy=pilot-light"], ["prod: us-east-1"]],
                [["strategy=warm-standby", `primaryRegion=${DR}`], [`dr: ${DR}`]],
                [["strategy=active-active", `primaryRegion=${DR}`], [`dr: ${DR}`]],
                [["strategy=warm-standby", `primaryRegion=${DR}`, "failoverMode=unplanned"], []],
                [["strategy=backup-restore"], []],
            ];
            for (const [over, expected] of cases) {
                const plans = await planAll(...over);
                assert.deepEqual(movesIn(plans, FILES_REPLICATION), expected, over.join(" "));
                for (const r of plans.flatMap((p) => ofType(p, FILES_REPLICATION))) assert.equal(providerTextOf(r.inputs), text, "one provider text");
            }
        });

        it("from this stack's own file system into the other region's existing one; the engine's check passed", async () => {
            const [home, dr] = await planAll("strategy=warm-standby", `primaryRegion=${DR}`);
            assert.equal(SOURCE, ofType(dr, T.fileSystem)[0].outputs.fileSystemId);
            assert.equal(DEST, ofType(home, T.fileSystem)[0].outputs.fileSystemId);
            assert.deepEqual([planned.inputs.sourceRegion, planned.inputs.destinationRegion], [SOURCE_REGION, DEST_REGION]);
            assert.match(SOURCE, /^fs-[0-9a-f]+$/);
            assert.notEqual(SOURCE, DEST);
            assert.deepEqual(checksOf(dr, FILES_REPLICATION), [[[], []]]);
        });

        it("preview: the engine's check passed with the source unknown; check and diff of those inputs do not fail, and report a change", async () => {
            const preview = await previewOf("dr", "strategy=warm-standby", `primaryRegion=${DR}`);
            assert.deepEqual(checksOf(preview, FILES_REPLICATION), [[["sourceFileSystemId"], []]], "dr's own file system has no id yet");
            const news = await assertPreviewReportsChange(
                provider,
                ID,
                ofType(preview, FILES_REPLICATION)[0],
                planned,
                "replication-created",
                () => efs.calls().length,
            );
            assert.equal(news.sourceFileSystemId, UNKNOWN);
            assert.equal(news.destinationFileSystemId, DEST, "the other region's file system is deployed: its id is known");
        });
    });

    it("the text requires the EFS client module the tests mock", () => {
        requiresSameModule(text, "@aws-sdk/client-efs", "EFSClient", EFSClient);
    });

    describe("check", () => {
        it("passes unknown inputs (the engine's sentinel) with no failure and no call", async () => {
            const all = { sourceFileSystemId: UNKNOWN, sourceRegion: UNKNOWN, destinationFileSystemId: UNKNOWN, destinationRegion: UNKNOWN };
            const r = await provider.check!({}, all);
            assert.deepEqual(r.failures, []);
            assert.deepEqual(r.inputs, all);
            assert.deepEqual((await provider.check!({}, { ...all, sourceRegion: SOURCE_REGION, destinationFileSystemId: DEST })).failures, []);
            assert.equal(efs.calls().length, 0);
        });

        it("rejects known bad values, each failure naming the property and the value", async () => {
            const r = await provider.check!(
                {},
                { sourceFileSystemId: "securecart-files", sourceRegion: "oregon", destinationFileSystemId: 7, destinationRegion: "virginia" },
            );
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), [
                "destinationFileSystemId",
                "destinationRegion",
                "sourceFileSystemId",
                "sourceRegion",
            ]);
            const reason = (p: string) => r.failures!.find((f) => f.property === p)!.reason;
            assert.equal(
                reason("sourceFileSystemId"),
                'sourceFileSystemId: got "securecart-files"; expected an EFS file system id such as fs-0123456789abcdef0',
            );
            assert.equal(
                reason("destinationFileSystemId"),
                "destinationFileSystemId: got 7; expected an EFS file system id such as fs-0123456789abcdef0",
            );
            assert.equal(reason("destinationRegion"), 'destinationRegion: got "virginia"; expected an AWS region such as us-west-2');
            const same = await provider.check!({}, inputs({ destinationRegion: SOURCE_REGION }));
            assert.deepEqual(same.failures, [
                {
                    property: "destinationRegion",
                    reason: `destinationRegion: got "${SOURCE_REGION}", the source's own region; expected another region`,
                },
            ]);
            assert.deepEqual(
                (await provider.check!({}, {})).failures!.map((f) => f.property).sort(),
                ["destinationFileSystemId", "destinationRegion", "sourceFileSystemId", "sourceRegion"],
                "every input is required, each failure once",
            );
            assert.equal(efs.calls().length, 0);
        });
    });

    describe("diff", () => {
        it("an unknown or changed key is an update, never a replacement, and asks nothing", async () => {
            const { olds, news } = await state();
            for (const [key, value] of [
                ["sourceFileSystemId", UNKNOWN],
                ["sourceRegion", UNKNOWN],
                ["destinationFileSystemId", UNKNOWN],
                ["destinationRegion", UNKNOWN],
                ["destinationFileSystemId", "fs-0123456789abcdef0"],
                ["destinationRegion", "eu-west-1"],
            ]) {
                const d = await provider.diff!(ID, olds, { ...news, [key]: value });
                assert.equal(d.changes, true, `${key}=${value}`);
                assert.deepEqual(d.replaces, [], `${key}=${value}`);
                assert.equal(d.deleteBeforeReplace, false);
            }
            assert.equal(efs.calls().length, 0);
        });

        it("same inputs: asks EFS in the source's region only; an ENABLED replication into the destination is no change", async () => {
            const { olds, news } = await state();
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).resolves(replication("ENABLED"));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsOf(efs.calls()), [SOURCE_REGION]);
        });

        it("no longer replicating (deleted outside Pulumi, or still ENABLING): an update, and says why", async () => {
            const { olds, news } = await state();
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).rejects(notFound());
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsOf(efs.calls()), [SOURCE_REGION]);
            assert.ok(
                out.lines.includes(
                    `[FilesReplication ${ID}] file system ${SOURCE} does not replicate into ${DEST} (${DEST_REGION}); this update moves it back`,
                ),
                out.lines.join("\n"),
            );
            efs.reset();
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).resolves(replication("ENABLING"));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            assert.equal((await provider.diff!(ID, olds, news)).changes, true);
        });

        it("EFS unreachable: no change (the recorded state decides), and a warning says so", async () => {
            const { olds, news } = await state();
            efs.on(DescribeReplicationConfigurationsCommand).rejects(
                Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
            );
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(out.lines, [
                `[FilesReplication ${ID}] warning: could not read the live state (DescribeReplicationConfigurations(${SOURCE}) failed: CredentialsProviderError: Could not load credentials from any providers); comparing the recorded state only, so a move made outside Pulumi is not seen`,
            ]);
        });
    });

    describe("create and update", () => {
        it("create, after a planned switchover: turns the destination's protection off in its region, replicates from the source's region, then ENABLED", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).rejectsOnce(notFound()).resolves(replication("ENABLED"));
            standalone();
            efs.on(UpdateFileSystemProtectionCommand).resolves({ ReplicationOverwriteProtection: "DISABLED" });
            efs.on(CreateReplicationConfigurationCommand).resolves({});
            const created = await provider.create(await checked());
            assert.equal(created.id, ID);
            assert.deepEqual(created.outs, { ...inputs(), outcome: "replication-created" });
            assert.deepEqual(
                efs.commandCalls(UpdateFileSystemProtectionCommand).map((c) => c.args[0].input),
                [{ FileSystemId: DEST, ReplicationOverwriteProtection: "DISABLED" }],
            );
            assert.deepEqual(
                efs.commandCalls(CreateReplicationConfigurationCommand).map((c) => c.args[0].input),
                [{ SourceFileSystemId: SOURCE, Destinations: [{ FileSystemId: DEST, Region: DEST_REGION }] }],
            );
            assert.deepEqual(await regionsOfCommand(UpdateFileSystemProtectionCommand), [DEST_REGION], "the destination's protection, in its region");
            assert.deepEqual(
                await regionsOfCommand(CreateReplicationConfigurationCommand),
                [SOURCE_REGION],
                "the replication, from the source's region",
            );
            assert.ok(
                out.lines.includes(
                    `[FilesReplication ${SOURCE}] CreateReplicationConfiguration ${SOURCE} (${SOURCE_REGION}) → ${DEST} (${DEST_REGION})`,
                ),
                out.lines.join("\n"),
            );
        });

        it("update, the destination's protection already off: not changed again", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).rejectsOnce(notFound()).resolves(replication("ENABLED"));
            standalone("ENABLED", "DISABLED");
            efs.on(CreateReplicationConfigurationCommand).resolves({});
            const { olds } = await state();
            const updated = await provider.update!(ID, { ...olds, destinationFileSystemId: "fs-0123456789abcdef0" }, await checked());
            assert.equal(updated.outs!.outcome, "replication-created");
            assert.equal(efs.commandCalls(UpdateFileSystemProtectionCommand).length, 0);
            assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 1);
        });

        it("already replicating: nothing is called but the look", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).resolves(replication("ENABLED"));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            assert.equal((await provider.create(await checked())).outs.outcome, "already-replicating");
            assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
            assert.equal(efs.commandCalls(UpdateFileSystemProtectionCommand).length, 0);
            assert.deepEqual(await regionsOf(efs.calls()), [SOURCE_REGION]);
        });

        it("a replication still ENABLING is awaited (ENABLED at the first poll), not created again", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE })
                .resolvesOnce(replication("ENABLING"))
                .resolves(replication("ENABLED"));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            const created = await provider.create(await checked());
            assert.equal(created.outs.outcome, "awaited-in-progress");
            assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
            assert.equal(efs.commandCalls(DescribeReplicationConfigurationsCommand).length, 2, "one look, one poll");
            assert.ok(
                out.lines.includes(`[FilesReplication ${SOURCE}] the replication from ${SOURCE} into ${DEST} is ENABLING; waiting for it`),
                out.lines.join("\n"),
            );
        });
    });

    describe("refusals keep their name, code and message through serialization", () => {
        it("the source is itself a destination (not promoted yet): read-only, so it cannot replicate out", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).resolves(replication("ENABLED", DEST, SOURCE));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "REPLICATING"));
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "not-available",
                new RegExp(
                    `^${SOURCE} is itself the destination of a replication from ${DEST} \\(${DEST_REGION}\\), so it is read-only; promote it first$`,
                ),
            );
            assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
        });

        it("the destination is itself a source (the side an unplanned failover's local deletion left behind)", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).rejects(notFound());
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: DEST }).resolves(replication("ERROR", DEST, SOURCE));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            efs.on(DescribeFileSystemsCommand, { FileSystemId: DEST }).resolves(protection(DEST, "ENABLED"));
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "not-available",
                new RegExp(
                    `^${DEST} is in a replication \\(source, protection ENABLED\\); it must be in none before it can receive ${SOURCE}'s: delete that configuration first`,
                ),
            );
            assert.equal(efs.commandCalls(UpdateFileSystemProtectionCommand).length, 0, "its protection is left alone");
            assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
        });

        it("the source already replicates elsewhere: one configuration per file system", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).resolves(
                replication("ENABLED", SOURCE, "fs-0123456789abcdef0"),
            );
            efs.on(DescribeFileSystemsCommand, { FileSystemId: SOURCE }).resolves(protection(SOURCE, "ENABLED"));
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "not-available",
                /already replicates to fs-0123456789abcdef0 \(us-east-1\); a file system has one replication configuration: delete that one first$/,
            );
        });

        it("an EFS call that fails: the operation and the AWS error are quoted", async () => {
            efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: SOURCE }).rejects(notFound());
            standalone("ENABLED", "DISABLED");
            efs.on(CreateReplicationConfigurationCommand).rejects(
                Object.assign(new Error("not authorized to perform: elasticfilesystem:CreateReplicationConfiguration"), {
                    name: "AccessDeniedException",
                }),
            );
            await refuses(
                provider.create(await checked()),
                "FilesPromotionError",
                "api-error",
                new RegExp(
                    `^CreateReplicationConfiguration\\(${SOURCE} → ${DEST} in ${DEST_REGION}\\) failed: AccessDeniedException: ${escape("not authorized to perform: elasticfilesystem:CreateReplicationConfiguration")}$`,
                ),
            );
        });

        it("inputs that skipped check: invalid-request before any call", async () => {
            await refuses(
                provider.create(inputs({ destinationRegion: "virginia" })),
                "FilesPromotionError",
                "invalid-request",
                /^destinationRegion: got "virginia"; expected a region name such as us-east-1$/,
            );
            assert.equal(efs.calls().length, 0);
        });
    });

    it("delete calls nothing: the stack that stops being primary never cuts the replication the new primary relies on", async () => {
        await provider.delete!(ID, (await state()).olds);
        assert.equal(efs.calls().length, 0);
    });
});
