import { strict as assert } from "assert";
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as fc from "fast-check";
import { EAST, FakeRun, GDS, WEST, datastore, regionsOfCalls } from "./promotionHarness";
import { type CachePromotionOptions, cacheDrift, isCachePromotionError, promoteCacheMember, readCachePrimary } from "../src/cachePromotion";

// Taken in `before`, not at load: mockClient() replaces any earlier stub of the client's send, another file's too.
let cache: AwsClientStub<ElastiCacheClient>;

const run = new FakeRun();

function opts(extra: Partial<CachePromotionOptions> = {}): CachePromotionOptions {
    return run.options((region: string) => new ElastiCacheClient({ region }), extra);
}

const regionsOf = () => regionsOfCalls(cache);

async function refuses(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(isCachePromotionError(e), `expected a CachePromotionError, got ${String(e)}`);
        assert.equal((e as { code: string }).code, code);
        assert.match((e as Error).message, pattern);
        assert.ok(e instanceof Error);
        return true;
    });
}

const planned = { globalReplicationGroupId: GDS, targetReplicationGroupId: WEST, targetRegion: "us-west-2", mode: "switchover" } as const;
const unplanned = { ...planned, mode: "failover" } as const;

describe("cache promotion: ElastiCache Global Datastore primary against a mocked ElastiCache", () => {
    before(() => {
        cache = mockClient(ElastiCacheClient);
    });
    after(() => cache.restore());
    beforeEach(() => {
        cache.reset();
        run.reset();
    });

    it("planned: FailoverGlobalReplicationGroup for the target, then modifying → target PRIMARY and available", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(EAST))
            .resolvesOnce(datastore(EAST, { Status: "modifying" }))
            .resolvesOnce(datastore(WEST, { Status: "modifying" }))
            .resolves(datastore(WEST));
        cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
        const r = await promoteCacheMember(planned, opts());
        assert.deepEqual(r, {
            outcome: "switched-over",
            primaryReplicationGroupId: WEST,
            primaryRegion: "us-west-2",
            previousPrimaryReplicationGroupId: EAST,
        });
        const calls = cache.commandCalls(FailoverGlobalReplicationGroupCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, { GlobalReplicationGroupId: GDS, PrimaryRegion: "us-west-2", PrimaryReplicationGroupId: WEST });
        for (const c of cache.commandCalls(DescribeGlobalReplicationGroupsCommand)) {
            assert.deepEqual(c.args[0].input, { GlobalReplicationGroupId: GDS, ShowMemberInfo: true });
        }
        assert.deepEqual(
            run.lines.filter((l) => l.startsWith("waiting:")),
            [
                `waiting: status modifying, primary ${EAST}, ${WEST} SECONDARY (associated)`,
                `waiting: status modifying, primary ${WEST}, ${WEST} PRIMARY (associated)`,
            ],
        );
        assert.deepEqual(run.regionsCalled, ["us-west-2"]);
    });

    it("unplanned: the same call, made in the target's region only, even when the datastore is not available", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(EAST, { Status: "primary-only" }))
            .resolves(datastore(WEST));
        cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
        const r = await promoteCacheMember(unplanned, opts());
        assert.equal(r.outcome, "failed-over");
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 1);
        assert.deepEqual(run.regionsCalled, ["us-west-2"]);
        assert.deepEqual(await regionsOf(), ["us-west-2"]);
    });

    it("already done: the target is the primary, so nothing is called", async () => {
        cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(WEST));
        for (const req of [planned, unplanned]) {
            const r = await promoteCacheMember(req, opts());
            assert.equal(r.outcome, "already-primary");
        }
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        assert.ok(run.lines.some((l) => l.includes("already is the primary")));
    });

    it("a failover in progress (datastore modifying) is awaited, not started again", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(undefined, { Status: "modifying" }))
            .resolvesOnce(datastore(undefined, { Status: "modifying" }))
            .resolves(datastore(WEST));
        const r = await promoteCacheMember(planned, opts());
        assert.equal(r.outcome, "awaited-in-progress");
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
        assert.equal(run.slept, 1, "the first look and one poll saw it modifying");
    });

    it("a modification that settles with another primary is awaited, then the promotion runs", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(EAST, { Status: "modifying" }))
            .resolvesOnce(datastore(EAST))
            .resolves(datastore(WEST));
        cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
        const r = await promoteCacheMember(planned, opts());
        assert.equal(r.outcome, "switched-over");
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 1);
    });

    it("refuses a target that is not a member, naming the members", async () => {
        cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST, {}, [EAST]));
        await refuses(
            promoteCacheMember(planned, opts()),
            "not-a-member",
            new RegExp(
                `^replication group ${WEST} is not a member of Global Datastore ${GDS} \\(members: ${EAST} \\(us-east-1, PRIMARY\\)\\); it must join the datastore as a secondary before it can become the primary$`,
            ),
        );
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
    });

    it("refuses a region that is not the member's, and malformed requests before calling anything", async () => {
        cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST));
        await refuses(
            promoteCacheMember({ ...planned, targetRegion: "eu-west-1" }, opts()),
            "invalid-request",
            new RegExp(`^targetRegion: got eu-west-1, but member ${WEST} of Global Datastore ${GDS} is in us-west-2`),
        );
        const before = cache.calls().length;
        await refuses(
            promoteCacheMember({ ...planned, targetRegion: "west" }, opts()),
            "invalid-request",
            /^targetRegion: got "west"; expected a region name/,
        );
        await refuses(
            promoteCacheMember({ ...planned, mode: "sideways" as never }, opts()),
            "invalid-request",
            /^mode: got "sideways"; expected one of switchover, failover$/,
        );
        await refuses(
            promoteCacheMember({ ...planned, targetReplicationGroupId: "" }, opts()),
            "invalid-request",
            /^targetReplicationGroupId: got ""/,
        );
        assert.equal(cache.calls().length, before);
    });

    it("refuses a planned switchover while the datastore is not available", async () => {
        cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST, { Status: "primary-only" }));
        await refuses(
            promoteCacheMember(planned, opts()),
            "not-available",
            /^Global Datastore .* is primary-only; a planned switchover needs it available \(use failoverMode unplanned only when the primary region is down\)$/,
        );
        assert.equal(cache.commandCalls(FailoverGlobalReplicationGroupCommand).length, 0);
    });

    it("quotes the AWS error: an unknown datastore is not-found, a failed failover an api-error", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .rejectsOnce(Object.assign(new Error("Global replication group ldgnf-x not found"), { name: "GlobalReplicationGroupNotFoundFault" }));
        await refuses(
            promoteCacheMember(planned, opts()),
            "not-found",
            new RegExp(
                `^Global Datastore ${GDS} was not found \\(GlobalReplicationGroupNotFoundFault: Global replication group ldgnf-x not found\\)`,
            ),
        );
        cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore(EAST));
        cache.on(FailoverGlobalReplicationGroupCommand).rejects(
            Object.assign(new Error("The Global datastore is not available or in primary-only state."), {
                name: "InvalidGlobalReplicationGroupStateFault",
            }),
        );
        await refuses(
            promoteCacheMember(unplanned, opts()),
            "api-error",
            new RegExp(
                `^FailoverGlobalReplicationGroup\\(${GDS} → ${WEST} in us-west-2\\) failed: InvalidGlobalReplicationGroupStateFault: The Global datastore is not available or in primary-only state\\.$`,
            ),
        );
        cache.on(DescribeGlobalReplicationGroupsCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
        await refuses(
            promoteCacheMember(planned, opts()),
            "api-error",
            new RegExp(`^DescribeGlobalReplicationGroups\\(${GDS}\\) failed: ThrottlingException: Rate exceeded$`),
        );
    });

    it("times out (bounded) when the target never becomes primary, naming the last state seen", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(EAST))
            .resolves(datastore(EAST, { Status: "modifying" }));
        cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
        await refuses(
            promoteCacheMember(planned, opts()),
            "timeout",
            new RegExp(
                `^timed out after 10 s waiting for ${WEST} to become the primary of ${GDS} \\(last seen: status modifying, primary ${EAST}, ${WEST} SECONDARY \\(associated\\)\\); check the ElastiCache console`,
            ),
        );
        assert.equal(run.slept, 10);
        assert.equal(run.lines.filter((l) => l.startsWith("waiting:")).length, 1, "one line for one state, however many polls");
    });

    it("readCachePrimary and cacheDrift: the live primary, and why it is not the target", async () => {
        cache
            .on(DescribeGlobalReplicationGroupsCommand)
            .resolvesOnce(datastore(EAST))
            .resolvesOnce(datastore(undefined, { Status: "modifying" }))
            .resolves(datastore(WEST));
        const client = new ElastiCacheClient({ region: "us-west-2" });
        const east = await readCachePrimary(client, GDS);
        assert.deepEqual(east, { status: "available", primaryReplicationGroupId: EAST, primaryRegion: "us-east-1", changing: false });
        assert.equal(cacheDrift(east, WEST), `the live primary is ${EAST}, not ${WEST}`);
        const mid = await readCachePrimary(client, GDS);
        assert.equal(cacheDrift(mid, WEST), "the Global Datastore is modifying (primary none)");
        assert.equal(cacheDrift(await readCachePrimary(client, GDS), WEST), undefined);
    });

    it("property: any run of intermediate states ending with the target primary returns, one log line per change", async () => {
        const intermediate = fc.record({
            status: fc.constantFrom("available", "modifying"),
            primary: fc.constantFrom<string | undefined>(EAST, WEST, undefined),
        });
        await fc.assert(
            fc.asyncProperty(fc.array(intermediate, { maxLength: 12 }), async (states) => {
                // States that are already done would end the wait early; the property is about the ones before it.
                const pending = states.filter((s) => !(s.status === "available" && s.primary === WEST));
                cache.reset();
                run.lines = [];
                run.clock = 0;
                let stub = cache.on(DescribeGlobalReplicationGroupsCommand).resolvesOnce(datastore(EAST));
                for (const s of pending) stub = stub.resolvesOnce(datastore(s.primary, { Status: s.status }));
                stub.resolves(datastore(WEST));
                cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
                const r = await promoteCacheMember(planned, opts({ timeoutMs: 1_000_000 }));
                assert.equal(r.outcome, "switched-over");
                const changes = pending.filter(
                    (s, i) => i === 0 || s.status !== pending[i - 1].status || s.primary !== pending[i - 1].primary,
                ).length;
                assert.equal(run.lines.filter((l) => l.startsWith("waiting:")).length, changes);
            }),
            { numRuns: 60 },
        );
    });
});
