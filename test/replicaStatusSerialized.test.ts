/**
 * The UserPoolReplicaStatus as the engine runs it: the serialized provider text of the resource planned for dr
 * (its `__provider` input), loaded the way the dynamic-provider host loads it, driven against a mocked Cognito.
 * Nothing here imports the provider object itself: what the closure serializer does not rebuild (module-level
 * Set/Map instances, Error subclasses) only shows in this form.
 */
import { captureProviderOutput } from "./providerOutput";
import { strict as assert } from "assert";
import {
    CognitoIdentityProviderClient,
    ListUserPoolReplicasCommand,
    UpdateUserPoolReplicaCommand,
    type UserPoolReplicaType,
} from "@aws-sdk/client-cognito-identity-provider";
import type * as pulumi from "@pulumi/pulumi";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { UNKNOWN, loadSerializedProvider, providerTextOf } from "../tools/engineDynamic";
import type { StackPlan } from "../tools/planner";
import { ofType, planAll, planOf } from "./helpers";

const STATUS_TYPE = "pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus";
const HOME = "us-east-1";
const DR = "us-west-2";

let text: string;
let provider: pulumi.dynamic.ResourceProvider;
/** The planned inputs: the home stack's pool, dr's region. */
let POOL: string;
let ID: string;
let cognito: AwsClientStub<CognitoIdentityProviderClient>;

function replicas(status: string, role = "SECONDARY"): { UserPoolReplicas: UserPoolReplicaType[] } {
    return {
        UserPoolReplicas: [
            { RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" },
            { RegionName: DR, Status: status, Role: role } as UserPoolReplicaType,
        ],
    };
}

/** The provider's inputs after the engine's check, as create/update receive them. */
async function checked(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const c = await provider.check!({}, { userPoolId: POOL, region: DR, status: "ACTIVE", ...extra });
    assert.deepEqual(c.failures, []);
    return c.inputs as Record<string, unknown>;
}

/** The region each Cognito call went to (the client the serialized code built). */
async function regionsCalled(): Promise<string[]> {
    const regions: string[] = [];
    for (const call of cognito.calls()) regions.push(await (call.thisValue as CognitoIdentityProviderClient).config.region());
    return [...new Set(regions)].sort();
}

/** A refusal reaches `pulumi up` with its reason: the engine reports `e.message`, so the message is asserted. */
async function refuses(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        const err = e as { name?: unknown; code?: unknown; message?: unknown };
        assert.equal(typeof err.message, "string", `the refusal must carry a message, got ${JSON.stringify(err.message)} (name ${String(err.name)})`);
        assert.match(err.message as string, pattern);
        assert.equal(err.name, "ReplicaStatusError");
        assert.equal(err.code, code);
        assert.ok(e instanceof Error, "a real Error, so the engine and the CLI print it as one");
        return true;
    });
}

function statusOf(plan: StackPlan): unknown[] {
    return ofType(plan, STATUS_TYPE).map((r) => r.inputs.status);
}

describe("UserPoolReplicaStatus as the engine runs it: the planned dr resource's serialized provider", function () {
    this.timeout(120_000);

    const out = captureProviderOutput();
    before(async () => {
        const plan = await planOf("dr", "strategy=warm-standby");
        const planned = ofType(plan, STATUS_TYPE);
        assert.equal(planned.length, 1, "dr (warm standby) sets its replica's status");
        const inputs = planned[0].inputs;
        text = providerTextOf(inputs);
        POOL = String(inputs.userPoolId);
        ID = `${POOL}/${DR}`;
        assert.match(POOL, /^us-east-1_\w+$/, "the home stack's pool, in the home region");
        provider = loadSerializedProvider(text);
        // Taken here, not at load: every test file runs in one mocha process and mockClient() replaces any
        // earlier stub of the client's prototype.send.
        cognito = mockClient(CognitoIdentityProviderClient);
    });
    after(() => cognito.restore());
    beforeEach(() => {
        cognito.reset();
    });

    describe("where it is planned", () => {
        it("dr only, once the home stack's output userPoolReplicaRegion names dr's region: INACTIVE while pilot-light standby, ACTIVE promoted, warm-standby, active-active", async () => {
            const cases: [string[], string][] = [
                [["strategy=pilot-light"], "INACTIVE"],
                [["strategy=pilot-light", "primaryRegion=us-west-2"], "ACTIVE"],
                [["strategy=warm-standby"], "ACTIVE"],
                [["strategy=active-active"], "ACTIVE"],
            ];
            for (const [over, status] of cases) {
                const [home, dr] = await planAll(...over);
                assert.equal(home.stack, "prod");
                assert.equal(home.stackOutputs.userPoolReplicaRegion, DR, over.join(" "));
                assert.deepEqual(statusOf(home), [], "the home stack owns the pool, not a replica");
                assert.deepEqual(statusOf(dr), [status], over.join(" "));
                const r = ofType(dr, STATUS_TYPE)[0];
                assert.equal(r.inputs.userPoolId, home.stackOutputs.userPoolId);
                assert.equal(r.inputs.region, DR);
                assert.equal(providerTextOf(r.inputs), text, "one provider text whatever the strategy");
                assert.deepEqual(
                    dr.dynamicChecks.filter((c) => c.type === STATUS_TYPE).map((c) => [c.unknownInputs, c.failures]),
                    [[[], []]],
                    "the engine's check passed, every input known",
                );
            }
            const [home, dr] = await planAll("strategy=backup-restore");
            assert.equal(home.stackOutputs.userPoolReplicaRegion, undefined);
            assert.deepEqual([...statusOf(home), ...statusOf(dr)], [], "backup-restore keeps no replica");
        });

        it("a promoted region's API waits for its replica's status", async () => {
            const dr = await planOf("dr", "strategy=pilot-light", "primaryRegion=us-west-2");
            const status = ofType(dr, STATUS_TYPE)[0];
            const api = dr.resources.filter((r) => r.type === "securecart:api:Api");
            assert.equal(api.length, 1);
            assert.ok(api[0].dependencies.includes(status.urn), api[0].dependencies.join("\n"));
        });
    });

    describe("the text itself", () => {
        it("requires the same Cognito client module the tests mock, so the mock applies to its calls", () => {
            const specs = [...text.matchAll(/require\("(@aws-sdk\/client-cognito-identity-provider[^"]*)"\)/g)].map((m) => m[1]);
            assert.ok(specs.length > 0, "the provider calls Cognito through @aws-sdk/client-cognito-identity-provider");
            for (const spec of specs) {
                assert.equal(
                    require.resolve(spec, { paths: [process.cwd()] }),
                    require.resolve("@aws-sdk/client-cognito-identity-provider"),
                    `${spec} is the module the tests import`,
                );
                assert.equal(
                    // eslint-disable-next-line @typescript-eslint/no-require-imports
                    (require(spec) as { CognitoIdentityProviderClient: unknown }).CognitoIdentityProviderClient,
                    CognitoIdentityProviderClient,
                );
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
        it("passes unknown inputs (preview) through without validating them, and never calls Cognito", async () => {
            const some = await provider.check!({}, { userPoolId: UNKNOWN, region: DR, status: "INACTIVE" });
            assert.deepEqual(some.failures, []);
            assert.deepEqual(some.inputs, { userPoolId: UNKNOWN, region: DR, status: "INACTIVE" });
            const all = await provider.check!({}, { userPoolId: UNKNOWN, region: UNKNOWN, status: UNKNOWN });
            assert.deepEqual(all.failures, []);
            assert.deepEqual(all.inputs, { userPoolId: UNKNOWN, region: UNKNOWN, status: UNKNOWN });
            assert.equal(cognito.calls().length, 0);
        });

        it("keeps only its own inputs", async () => {
            assert.deepEqual(await checked({ previousStatus: "INACTIVE" }), { userPoolId: POOL, region: DR, status: "ACTIVE" });
        });

        it("rejects known bad values, each failure naming the property and the value", async () => {
            const r = await provider.check!({}, { userPoolId: "securecart-users", region: "oregon", status: "active" });
            assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["region", "status", "userPoolId"]);
            const reason = (p: string) => r.failures!.find((f) => f.property === p)!.reason;
            assert.equal(reason("userPoolId"), 'userPoolId: got "securecart-users"; expected a user pool id such as us-east-1_AbC123');
            assert.equal(reason("region"), 'region: got "oregon"; expected an AWS region such as us-west-2');
            assert.equal(reason("status"), 'status: got "active"; expected one of ACTIVE, INACTIVE');
            const missing = await provider.check!({}, {});
            assert.deepEqual(missing.failures!.map((f) => f.property).sort(), ["region", "status", "userPoolId"]);
            assert.match(missing.failures!.find((f) => f.property === "userPoolId")!.reason, /^userPoolId: got undefined;/);
            const one = await provider.check!({}, { userPoolId: POOL, region: DR, status: "DELETING" });
            assert.deepEqual(
                one.failures!.map((f) => f.property),
                ["status"],
            );
            assert.equal(cognito.calls().length, 0);
        });
    });

    describe("diff", () => {
        /** The recorded state after a create: the inputs and what Cognito reported before. */
        async function state(status = "ACTIVE"): Promise<{ olds: Record<string, unknown>; news: Record<string, unknown> }> {
            const news = await checked({ status });
            return { news, olds: { ...news, previousStatus: "INACTIVE" } };
        }

        it("unknown inputs (preview, after check): an update, and Cognito is not called", async () => {
            const { olds } = await state();
            const c = await provider.check!(olds, { userPoolId: UNKNOWN, region: DR, status: "ACTIVE" });
            assert.deepEqual(c.failures, []);
            const d = await provider.diff!(ID, olds, c.inputs);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces ?? [], []);
            for (const key of ["userPoolId", "region", "status"]) {
                const u = await provider.diff!(ID, olds, { ...olds, [key]: UNKNOWN });
                assert.equal(u.changes, true, key);
                assert.deepEqual(u.replaces ?? [], [], key);
            }
            assert.equal(cognito.calls().length, 0);
        });

        it("a status change (a pilot-light promotion or its stand-down) is an update, never a replacement, and asks nothing", async () => {
            const { olds } = await state("INACTIVE");
            const up = await provider.diff!(ID, olds, await checked({ status: "ACTIVE" }));
            assert.equal(up.changes, true);
            assert.deepEqual(up.replaces, []);
            assert.equal(up.deleteBeforeReplace, false);
            const down = await provider.diff!(ID, { ...olds, status: "ACTIVE" }, await checked({ status: "INACTIVE" }));
            assert.equal(down.changes, true);
            assert.deepEqual(down.replaces, []);
            assert.equal(cognito.calls().length, 0);
        });

        it("another pool or region is another replica: a replacement of this record (harmless: delete calls nothing), asking nothing", async () => {
            const { olds, news } = await state();
            for (const [key, changed] of [
                ["userPoolId", { ...news, userPoolId: "us-east-1_Other1" }],
                ["region", { ...news, region: "us-east-2" }],
            ] as const) {
                const d = await provider.diff!(ID, olds, changed);
                assert.equal(d.changes, true);
                assert.deepEqual(d.replaces, [key]);
            }
            assert.equal(cognito.calls().length, 0);
        });

        it("same inputs: asks Cognito in the stack's region; the same live status is no change", async () => {
            const { olds, news } = await state();
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("ACTIVE"));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false);
            const calls = cognito.commandCalls(ListUserPoolReplicasCommand);
            assert.equal(calls.length, 1);
            assert.deepEqual(calls[0].args[0].input, { UserPoolId: POOL, NextToken: undefined });
            assert.deepEqual(await regionsCalled(), [DR], "never the pool's primary region");
        });

        it("same inputs, a status changed outside Pulumi (drift): an update, without a refresh, and says so", async () => {
            const { olds, news } = await state();
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, true);
            assert.deepEqual(d.replaces, []);
            assert.deepEqual(await regionsCalled(), [DR]);
            assert.ok(
                out.lines.some((l) => l === `[UserPoolReplicaStatus ${POOL}] the replica in ${DR} is INACTIVE; this update makes it ACTIVE`),
                out.lines.join("\n"),
            );
            cognito.reset();
            cognito.on(ListUserPoolReplicasCommand).resolves({ UserPoolReplicas: [{ RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" }] });
            assert.equal((await provider.diff!(ID, olds, news)).changes, true, "a replica gone is an update (which then says why it fails)");
            assert.ok(out.lines.some((l) => l.includes(`the replica in ${DR} is missing`)));
        });

        it("Cognito cannot be asked: no failure, the recorded state decides, and a warning says so", async () => {
            const { olds, news } = await state();
            cognito
                .on(ListUserPoolReplicasCommand)
                .rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
            const d = await provider.diff!(ID, olds, news);
            assert.equal(d.changes, false, "recorded status = wanted status");
            assert.deepEqual(d.replaces, []);
            assert.equal(cognito.commandCalls(ListUserPoolReplicasCommand).length, 1, "Cognito was asked first");
            assert.deepEqual(await regionsCalled(), [DR]);
            const warnings = out.lines.filter(
                (l) =>
                    l ===
                    `[UserPoolReplicaStatus ${POOL}] warning: could not read the replica's status (ListUserPoolReplicas(${POOL}) in ${DR} failed: CredentialsProviderError: Could not load credentials from any providers); comparing the recorded state only, so a status changed outside Pulumi is not seen. Give these credentials cognito-idp:ListUserPoolReplicas in ${DR}`,
            );
            assert.equal(warnings.length, 1, out.lines.join("\n"));
        });
    });

    describe("create and update against a mocked Cognito", () => {
        it("create, INACTIVE → ACTIVE: UpdateUserPoolReplica in dr's region only; id and outputs as recorded", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
            cognito.on(UpdateUserPoolReplicaCommand).resolves({});
            const created = await provider.create(await checked());
            assert.equal(created.id, ID);
            assert.deepEqual(created.outs, { userPoolId: POOL, region: DR, status: "ACTIVE", previousStatus: "INACTIVE" });
            const updates = cognito.commandCalls(UpdateUserPoolReplicaCommand);
            assert.equal(updates.length, 1);
            assert.deepEqual(updates[0].args[0].input, { UserPoolId: POOL, RegionName: DR, Status: "ACTIVE" });
            assert.deepEqual(await regionsCalled(), [DR]);
            assert.ok(out.lines.some((l) => l === `[UserPoolReplicaStatus ${POOL}] UpdateUserPoolReplica ${POOL} in ${DR}: INACTIVE → ACTIVE`));
        });

        it("create, already in the wanted status (pilot-light standby, INACTIVE): nothing is updated", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
            const created = await provider.create(await checked({ status: "INACTIVE" }));
            assert.deepEqual(created.outs, { userPoolId: POOL, region: DR, status: "INACTIVE", previousStatus: "INACTIVE" });
            assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
        });

        it("update, ACTIVE → INACTIVE (a promoted region stood down)", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("ACTIVE"));
            cognito.on(UpdateUserPoolReplicaCommand).resolves({});
            const olds = { ...(await checked()), previousStatus: "INACTIVE" };
            const updated = await provider.update!(ID, olds, await checked({ status: "INACTIVE" }));
            assert.deepEqual(updated.outs, { userPoolId: POOL, region: DR, status: "INACTIVE", previousStatus: "ACTIVE" });
            assert.deepEqual(cognito.commandCalls(UpdateUserPoolReplicaCommand)[0].args[0].input, {
                UserPoolId: POOL,
                RegionName: DR,
                Status: "INACTIVE",
            });
            assert.deepEqual(await regionsCalled(), [DR]);
        });

        it("the engine's own inputs (the serialized provider among them) pass through create", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("ACTIVE"));
            const created = await provider.create({ ...(await checked()), __provider: text });
            assert.equal(created.outs.status, "ACTIVE");
            assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
        });
    });

    describe("errors thrown from the serialized text keep their message and name", () => {
        it("no replica yet: not-found, telling to run the home stack first", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves({ UserPoolReplicas: [{ RegionName: HOME, Status: "ACTIVE", Role: "PRIMARY" }] });
            await refuses(
                provider.create(await checked()),
                "not-found",
                new RegExp(`^user pool ${POOL} has no replica in ${DR}; the home stack creates it \\(run pulumi up on the home stack first\\)$`),
            );
        });

        it("the region holds the primary: invalid-request", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves({ UserPoolReplicas: [{ RegionName: DR, Status: "ACTIVE", Role: "PRIMARY" }] });
            await refuses(
                provider.update!(ID, await checked(), await checked({ status: "INACTIVE" })),
                "invalid-request",
                new RegExp(`^${DR} holds the primary of user pool ${POOL}, not a replica; its status is not set here$`),
            );
            assert.equal(cognito.commandCalls(UpdateUserPoolReplicaCommand).length, 0);
        });

        it("a replica being deleted: not-ready", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("DELETING"));
            await refuses(
                provider.create(await checked()),
                "not-ready",
                new RegExp(`^the replica of ${POOL} in ${DR} is DELETING; it can be made ACTIVE only once created$`),
            );
        });

        it("a Cognito call that fails: the operation and the AWS error are named", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
            cognito
                .on(UpdateUserPoolReplicaCommand)
                .rejects(Object.assign(new Error("not authorized to perform: cognito-idp:UpdateUserPoolReplica"), { name: "AccessDeniedException" }));
            await refuses(
                provider.create(await checked()),
                "api-error",
                new RegExp(
                    `^UpdateUserPoolReplica\\(${POOL}, ${DR}, ACTIVE\\) failed: AccessDeniedException: not authorized to perform: cognito-idp:UpdateUserPoolReplica$`,
                ),
            );
            cognito.on(ListUserPoolReplicasCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" }));
            await refuses(
                provider.read!(ID, await checked()),
                "api-error",
                new RegExp(`^ListUserPoolReplicas\\(${POOL}\\) in ${DR} failed: TooManyRequestsException: Rate exceeded$`),
            );
        });

        it("inputs that skipped check: invalid-request before any call", async () => {
            await refuses(
                provider.create({ userPoolId: POOL, region: DR, status: "on" }),
                "invalid-request",
                /^status: got "on"; expected one of ACTIVE, INACTIVE$/,
            );
            await refuses(provider.create({ userPoolId: "pool", region: DR, status: "ACTIVE" }), "invalid-request", /^userPoolId: got "pool";/);
            assert.equal(cognito.calls().length, 0);
        });
    });

    describe("read", () => {
        it("reports the live status, asking dr's region only", async () => {
            cognito.on(ListUserPoolReplicasCommand).resolves(replicas("INACTIVE"));
            const props = { ...(await checked()), previousStatus: "INACTIVE" };
            const r = await provider.read!(ID, props);
            assert.equal(r.id, ID);
            assert.deepEqual(r.props, { ...props, status: "INACTIVE" });
            assert.deepEqual(await regionsCalled(), [DR]);
        });
    });

    it("delete calls nothing: the replica belongs to the home stack, and users are not switched off", async () => {
        await provider.delete!(ID, { ...(await checked()), previousStatus: "INACTIVE" });
        assert.equal(cognito.calls().length, 0);
    });
});
