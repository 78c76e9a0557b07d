/**
 * The replica status logic (src/userPoolReplica.ts) against a mocked Cognito: what it calls, in which region,
 * and how it refuses. The serialized provider built on it is tested in replicaStatusSerialized.test.ts.
 */
import { strict as assert } from "assert";
import {
    CognitoIdentityProviderClient,
    ListUserPoolReplicasCommand,
    type ListUserPoolReplicasCommandInput,
    UpdateUserPoolReplicaCommand,
    type UserPoolReplicaType,
} from "@aws-sdk/client-cognito-identity-provider";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as fc from "fast-check";
import { type ReplicaStatusOptions, USER_POOL_ID, readReplica, setReplicaStatus } from "../src/userPoolReplica";

const POOL = "us-east-1_AbC123xyz";
const HOME = "us-east-1";
const REPLICA = "us-west-2";

// Taken in `before`, not at load: every test file runs in one mocha process and mockClient() replaces any
// earlier stub of the client's prototype.send, including another file's.
let cognito: AwsClientStub<CognitoIdentityProviderClient>;
let regionsAsked: string[];
let sleeps: number[];
let clock: number;
let logged: string[];

function opts(extra: Partial<ReplicaStatusOptions> = {}): ReplicaStatusOptions {
    return {
        cognito: (region: string) => {
            regionsAsked.push(region);
            return new CognitoIdentityProviderClient({ region });
        },
        pollIntervalMs: 1000,
        timeoutMs: 10_000,
        sleep: async (ms) => {
            sleeps.push(ms);
            clock += ms;
        },
        now: () => clock,
        log: (m) => logged.push(m),
        ...extra,
    };
}

/** ListUserPoolReplicas as Cognito answers it: the primary and the replica, each with its role. */
function replicas(status: string, role = "SECONDARY"): { UserPoolReplicas: UserPoolReplicaType[] } {
    return {
        UserPoolReplicas: [
            { RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" },
            { RegionName: REPLICA, Status: status, Role: role } as UserPoolReplicaType,
        ],
    };
}

async function refuses(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof Error, `a real Error, got ${String(e)}`);
        assert.equal(e.name, "ReplicaStatusError");
        assert.equal((e as { code?: unknown }).code, code);
        assert.match(e.message, pattern);
        return true;
    });
}

describe("user pool replica status against a mocked Cognito", () => {
    before(() => {
        cognito = mockClient(CognitoIdentityProviderClient);
    });
    after(() => cognito.restore());
    beforeEach(() => {
        cognito.reset();
        regionsAsked = [];
        sleeps = [];
        clock = 0;
        logged = [];
    });

    it("already in the wanted status: no update call", async () => {
        for (const status of ["ACTIVE", "INACTIVE"] as const) {
            cognito.reset();
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas(status));
            const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status }, opts());
            assert.deepEqual(r, { status, previousStatus: status, changed: false });
            assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
            assert.deepEqual(cognito.commandCalls(ListUserPoolReplicasCommand)[0].args[0].input, { UserPoolId: POOL, NextToken: undefined });
        }
        assert.ok(logged.some((l) => l.includes(`replica of ${POOL} in ${REPLICA} is already INACTIVE`)));
    });

    it("INACTIVE → ACTIVE: UpdateUserPoolReplica with the pool, the region and ACTIVE, in the replica's own region only", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
        cognito.on(UpdateUserPoolReplicaCommand).resolves({});
        const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts());
        assert.deepEqual(r, { status: "ACTIVE", previousStatus: "INACTIVE", changed: true });
        const updates = cognito.commandCalls(UpdateUserPoolReplicaCommand);
        assert.equal(updates.length, 1);
        assert.deepEqual(updates[0].args[0].input, { UserPoolId: POOL, RegionName: REPLICA, Status: "ACTIVE" });
        assert.deepEqual(regionsAsked, [REPLICA], "never the pool's primary region, which may be down");
        for (const call of cognito.calls()) assert.equal(await (call.thisValue as CognitoIdentityProviderClient).config.region(), REPLICA);
        assert.equal(sleeps.length, 0);
    });

    it("ACTIVE → INACTIVE (a promoted region stood down) calls UpdateUserPoolReplica with INACTIVE", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("ACTIVE"));
        cognito.on(UpdateUserPoolReplicaCommand).resolves({});
        const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "INACTIVE" }, opts());
        assert.deepEqual(r, { status: "INACTIVE", previousStatus: "ACTIVE", changed: true });
        assert.deepEqual(cognito.commandCalls(UpdateUserPoolReplicaCommand)[0].args[0].input, {
            UserPoolId: POOL,
            RegionName: REPLICA,
            Status: "INACTIVE",
        });
    });

    it("CREATING, then INACTIVE: waits (polling at the interval), then updates", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolvesOnce(replicas("CREATING")).resolvesOnce(replicas("CREATING")).resolves(replicas("INACTIVE"));
        cognito.on(UpdateUserPoolReplicaCommand).resolves({});
        const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts());
        assert.deepEqual(r, { status: "ACTIVE", previousStatus: "INACTIVE", changed: true });
        assert.deepEqual(sleeps, [1000, 1000]);
        assert.equal(cognito.commandCalls(ListUserPoolReplicasCommand).length, 3);
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 1);
        assert.deepEqual(regionsAsked, [REPLICA], "one client, for the replica's region");
        assert.ok(logged.some((l) => l.includes("is CREATING; waiting")));
    });

    it("CREATING, then already the wanted status once created: no update", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolvesOnce(replicas("CREATING")).resolves(replicas("INACTIVE"));
        const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "INACTIVE" }, opts());
        assert.deepEqual(r, { status: "INACTIVE", previousStatus: "INACTIVE", changed: false });
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
    });

    it("still CREATING past the timeout: error code timeout, and no update", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("CREATING"));
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts({ timeoutMs: 3500 })),
            "timeout",
            new RegExp(`^timed out waiting for the replica of ${POOL} in ${REPLICA} to be created \\(still CREATING\\); run again$`),
        );
        assert.deepEqual(sleeps, [1000, 1000, 1000, 1000], "polled until the deadline, no further");
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
    });

    it("no replica in the region: not-found, telling to run the home stack first", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves({ UserPoolReplicas: [{ RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" }] });
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()),
            "not-found",
            new RegExp(`^user pool ${POOL} has no replica in ${REPLICA}; the home stack creates it \\(run pulumi up on the home stack first\\)$`),
        );
        cognito.on(ListUserPoolReplicasCommand).resolves({});
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()),
            "not-found",
            /run pulumi up on the home stack first/,
        );
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
    });

    it("the region holds the PRIMARY: invalid-request, and nothing is updated", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("ACTIVE", "PRIMARY"));
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "INACTIVE" }, opts()),
            "invalid-request",
            new RegExp(`^${REPLICA} holds the primary of user pool ${POOL}, not a replica; its status is not set here$`),
        );
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
    });

    it("DELETING (or any status but CREATING, ACTIVE, INACTIVE): not-ready, without waiting", async () => {
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("DELETING"));
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()),
            "not-ready",
            new RegExp(`^the replica of ${POOL} in ${REPLICA} is DELETING; it can be made ACTIVE only once created$`),
        );
        cognito.on(ListUserPoolReplicasCommand).resolves({ UserPoolReplicas: [{ RegionName: REPLICA, Role: "SECONDARY" }] });
        await refuses(setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()), "not-ready", / is unknown; /);
        assert.equal(sleeps.length, 0);
        assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
    });

    it("AWS errors are quoted by name and message, with the operation (api-error)", async () => {
        cognito
            .on(ListUserPoolReplicasCommand)
            .rejects(Object.assign(new Error("User pool us-east-1_AbC123xyz does not exist."), { name: "ResourceNotFoundException" }));
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()),
            "api-error",
            new RegExp(`^ListUserPoolReplicas\\(${POOL}\\) in ${REPLICA} failed: ResourceNotFoundException: User pool ${POOL} does not exist\\.$`),
        );
        cognito.reset();
        cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
        cognito
            .on(UpdateUserPoolReplicaCommand)
            .rejects(Object.assign(new Error("not authorized to perform: cognito-idp:UpdateUserPoolReplica"), { name: "AccessDeniedException" }));
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts()),
            "api-error",
            new RegExp(
                `^UpdateUserPoolReplica\\(${POOL}, ${REPLICA}, ACTIVE\\) failed: AccessDeniedException: not authorized to perform: cognito-idp:UpdateUserPoolReplica$`,
            ),
        );
    });

    it("a bad status or a bad pool id: invalid-request before any call", async () => {
        await refuses(
            setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "active" as never }, opts()),
            "invalid-request",
            /^status: got "active"; expected one of ACTIVE, INACTIVE$/,
        );
        await refuses(
            setReplicaStatus({ userPoolId: "securecart-users", region: REPLICA, status: "ACTIVE" }, opts()),
            "invalid-request",
            /^userPoolId: got "securecart-users"; expected a user pool id such as us-east-1_AbC123$/,
        );
        await refuses(
            setReplicaStatus({ userPoolId: undefined as never, region: REPLICA, status: "ACTIVE" }, opts()),
            "invalid-request",
            /^userPoolId: got undefined;/,
        );
        assert.equal(cognito.calls().length, 0);
        assert.deepEqual(regionsAsked, []);
    });

    it("pool ids: the form Cognito gives (<region>_<id>) passes, others do not", () => {
        for (const ok of ["us-east-1_AbC123", "us-gov-west-1_x9", "eu-central-2_0"]) assert.ok(USER_POOL_ID.test(ok), ok);
        for (const bad of [
            "us-east-1",
            "us-east-1_",
            "us-east-1_ab-c",
            "US-EAST-1_abc",
            " us-east-1_abc",
            "arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_a",
        ])
            assert.ok(!USER_POOL_ID.test(bad), bad);
    });

    describe("paging (NextToken)", () => {
        const OTHERS = ["eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1", "sa-east-1", "ap-northeast-1"];

        /** Serves `list` in pages of the given sizes, token = index of the next page. */
        function serve(list: UserPoolReplicaType[], cuts: number[]): void {
            const pages: UserPoolReplicaType[][] = [];
            let at = 0;
            for (const n of cuts) {
                pages.push(list.slice(at, at + n));
                at += n;
            }
            pages.push(list.slice(at));
            cognito.on(ListUserPoolReplicasCommand).callsFake((input: ListUserPoolReplicasCommandInput) => {
                const i = input.NextToken === undefined ? 0 : Number(input.NextToken);
                return { UserPoolReplicas: pages[i], NextToken: i + 1 < pages.length ? String(i + 1) : undefined };
            });
        }

        it("for any split of the list into pages, the replica is found, and no page after it is asked for", async () => {
            await fc.assert(
                fc.asyncProperty(fc.shuffledSubarray(OTHERS), fc.nat(), fc.array(fc.nat({ max: 3 }), { maxLength: 8 }), async (others, at, cuts) => {
                    cognito.reset();
                    const list: UserPoolReplicaType[] = others.map((r) => ({ RegionName: r, Status: "ACTIVE", Role: "SECONDARY" }));
                    const pos = at % (list.length + 1);
                    list.splice(pos, 0, { RegionName: REPLICA, Status: "INACTIVE", Role: "SECONDARY" });
                    serve(list, cuts);
                    const found = await readReplica(new CognitoIdentityProviderClient({ region: REPLICA }), POOL, REPLICA);
                    assert.deepEqual(found, { RegionName: REPLICA, Status: "INACTIVE", Role: "SECONDARY" });
                    // The page holding it is the last one asked for.
                    let page = 0;
                    for (let seen = 0; page < cuts.length && seen + cuts[page] <= pos; page++) seen += cuts[page];
                    const calls = cognito.commandCalls(ListUserPoolReplicasCommand);
                    assert.equal(calls.length, page + 1);
                    assert.deepEqual(
                        calls.map((c) => c.args[0].input.NextToken),
                        Array.from({ length: page + 1 }, (_, i) => (i === 0 ? undefined : String(i))),
                    );
                }),
                { numRuns: 100 },
            );
        });

        it("for any split, a region with no replica is reported missing after every page was read", async () => {
            await fc.assert(
                fc.asyncProperty(fc.shuffledSubarray(OTHERS), fc.array(fc.nat({ max: 3 }), { maxLength: 8 }), async (others, cuts) => {
                    cognito.reset();
                    serve(
                        others.map((r) => ({ RegionName: r, Status: "ACTIVE", Role: "SECONDARY" })),
                        cuts,
                    );
                    assert.equal(await readReplica(new CognitoIdentityProviderClient({ region: REPLICA }), POOL, REPLICA), undefined);
                    assert.equal(cognito.commandCalls(ListUserPoolReplicasCommand).length, cuts.length + 1);
                }),
                { numRuns: 100 },
            );
        });

        it("an update finds the replica on a later page", async () => {
            serve(
                [
                    { RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" },
                    { RegionName: "eu-west-1", Status: "ACTIVE", Role: "SECONDARY" },
                    { RegionName: REPLICA, Status: "INACTIVE", Role: "SECONDARY" },
                ],
                [1, 1],
            );
            cognito.on(UpdateUserPoolReplicaCommand).resolves({});
            const r = await setReplicaStatus({ userPoolId: POOL, region: REPLICA, status: "ACTIVE" }, opts());
            assert.equal(r.changed, true);
            assert.equal(cognito.commandCalls(ListUserPoolReplicasCommand).length, 3);
            assert.deepEqual(cognito.commandCalls(UpdateUserPoolReplicaCommand)[0].args[0].input, {
                UserPoolId: POOL,
                RegionName: REPLICA,
                Status: "ACTIVE",
            });
        });
    });
});
