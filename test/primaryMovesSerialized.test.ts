/**
 * CachePrimary and FilesPrimary as the engine runs them. No stack plans them yet, so no planned resource carries
 * their `__provider` text: each provider object is serialized here exactly as @pulumi/pulumi's dynamic.Resource
 * does it, then loaded the way the dynamic-provider host loads the text, and driven against mocked ElastiCache and
 * EFS clients. What the closure serializer does not rebuild (module-level Set/Map instances, Error subclasses)
 * only shows in this form, so nothing here calls the provider objects directly. Serializing in the mocha process
 * is the stricter case: the serializer leaves out any free variable named like a property of `global`, and mocha
 * adds `describe`, `it` and the hooks there, so a promotion helper with one of those names breaks here first.
 *
 * The serialized providers keep the promotions' default 15 s poll interval (their inputs carry no timings), so
 * every wait here ends on its first poll: the describe after the call (or after the "in progress" look) already
 * shows the finished state, and no test sleeps.
 */
import { captureProviderOutput } from "./providerOutput";
import { EAST, GDS, WEST, datastore } from "./promotionHarness";
import { strict as assert } from "assert";
import {
    DeleteReplicationConfigurationCommand,
    DescribeFileSystemsCommand,
    DescribeReplicationConfigurationsCommand,
    EFSClient,
    type ReplicationStatus,
} from "@aws-sdk/client-efs";
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import * as pulumi from "@pulumi/pulumi";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { cachePrimaryProvider, filesPrimaryProvider } from "../components/primaryMoves";
import { UNKNOWN, loadSerializedProvider } from "../tools/engineDynamic";

/** The text dynamic.Resource puts in `__provider` (serializeFunctionMaybeSecret in @pulumi/pulumi/dynamic). */
async function serialized(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
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
        text = await serialized(cachePrimaryProvider);
        provider = loadSerializedProvider(text);
        // Taken here, not at load: every test file runs in one mocha process and mockClient() replaces any
        // earlier stub of ElastiCacheClient.prototype.send.
        cache = mockClient(ElastiCacheClient);
    });
    after(() => cache.restore());
    beforeEach(() => cache.reset());
    const out = captureProviderOutput();

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
        text = await serialized(filesPrimaryProvider);
        provider = loadSerializedProvider(text);
        // Taken here, not at load: mockClient() replaces any earlier stub of EFSClient.prototype.send.
        efs = mockClient(EFSClient);
    });
    after(() => efs.restore());
    beforeEach(() => efs.reset());
    const out = captureProviderOutput();

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
