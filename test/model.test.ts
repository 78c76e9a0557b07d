/**
 * The one model of a planned stack (src/plan): type tokens come from the @pulumi/aws classes, a property
 * reads the same whichever shape the resource arrives in (the offline plan's or the policy pack's), an
 * unknown value is represented once, and the stack's context matches what the program was configured with.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import {
    CLASSES,
    DYNAMIC,
    PULUMI,
    PlanResource,
    T,
    UNKNOWN,
    UNKNOWN_JSON,
    get,
    isUnknown,
    known,
    stackContext,
    stackFacts,
    strict,
    tokenOf,
} from "../src/plan";
import { UNKNOWN as ENGINE_UNKNOWN } from "../src/unknown";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { STRATEGIES, planAll, previewAll } from "./helpers";
import { stackView } from "./policiesHarness";

/** A stack as the policy pack's stack policies receive it (the harness builds it as the analyzer does). */
const policyView = (p: StackPlan): PlanResource[] => stackView(p) as unknown as PlanResource[];

describe("model: type tokens come from the resource classes", () => {
    it("every class yields its own token, none twice", () => {
        const tokens = Object.values(CLASSES).map(tokenOf);
        // @pulumi/aws and @pulumi/random spell module/member:Type; @pulumi/aws-native (Cloud Control) module:Type.
        for (const t of tokens) assert.match(t, /^((aws|random):[a-zA-Z0-9]+\/[a-zA-Z0-9]+|aws-native:[a-zA-Z0-9]+):[A-Z][A-Za-z0-9]+$/);
        assert.equal(new Set(tokens).size, tokens.length);
        assert.deepEqual(Object.values(T), tokens);
    });

    it("the tokens are the provider's own spelling (a few, checked against the literal)", () => {
        assert.equal(T.vpc, "aws:ec2/vpc:Vpc");
        assert.equal(T.rdsCluster, "aws:rds/cluster:Cluster");
        assert.equal(T.ingressRule, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.equal(T.randomPassword, "random:index/randomPassword:RandomPassword");
        assert.equal(PULUMI.awsProvider, "pulumi:providers:aws");
    });

    it("a class without a token is refused by name", () => {
        class NotAResource {}
        assert.throws(() => tokenOf(NotAResource), /NotAResource carries no __pulumiType/);
    });

    for (const strategy of STRATEGIES) {
        it(`every resource type planned under ${strategy} is known to the model`, async () => {
            const known = new Set<string>([
                ...Object.values(T),
                ...Object.values(DYNAMIC).map((d) => d.token),
                PULUMI.stack,
                PULUMI.stackReference,
                PULUMI.awsProvider,
                PULUMI.awsNativeProvider,
            ]);
            for (const p of await planAll(`strategy=${strategy}`)) {
                const unknownTypes = [...new Set(p.resources.map((r) => r.type))].filter((t) => !known.has(t) && !t.startsWith("securecart:")).sort();
                assert.deepEqual(unknownTypes, [], `${p.stack}: add these classes to src/plan/types.ts`);
            }
        });
    }
});

describe("model: one way to read a property, unknowns represented once", () => {
    const path = fc.array(fc.stringMatching(/^[a-z][a-zA-Z]{0,6}$/), { minLength: 1, maxLength: 4 });
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    const nest = (keys: readonly string[], v: unknown): Record<string, unknown> =>
        keys.reduceRight<unknown>((acc, k) => ({ [k]: acc }), v) as Record<string, unknown>;
    // Every fixture is the home stack's planned VPC with one property added at the generated path.
    let vpc: PlannedResource;
    before(async () => {
        const prod = (await planAll()).find((p) => p.stack === "prod")!;
        vpc = prod.resources.find((r) => r.type === T.vpc)!;
        assert.ok(vpc, "prod plans a VPC");
    });
    const withProps = (extra: Record<string, unknown>) => JSON.parse(JSON.stringify({ ...vpc.inputs, ...extra })) as Record<string, unknown>;
    /** The VPC as the plan holds it, as a computed output, and as the pack's proxy hands it to a policy. */
    const shapes = (props: Record<string, unknown>): PlanResource[] => [
        { ...vpc, inputs: props },
        { ...vpc, inputs: {}, outputs: props },
        { type: vpc.type, name: vpc.name, urn: vpc.urn, props: unknownCheckingProxy(props) as Record<string, unknown> },
    ];

    it("property: a known value reads the same from a planned resource's inputs, its outputs, and a policy's props", () => {
        fc.assert(
            fc.property(path, leaf, (keys, v) => {
                const at = keys.join(".");
                shapes(withProps(nest(keys, v))).forEach((r, i) => assert.deepEqual(get(r, at), v, `shape ${i}`));
            }),
        );
    });

    it("property: an unknown value reads as UNKNOWN in every form it arrives in (plan JSON, engine sentinel, the pack's proxy)", () => {
        fc.assert(
            fc.property(path, fc.nat({ max: 3 }), (keys, cut) => {
                const depth = Math.min(cut, keys.length - 1);
                const at = keys.join(".");
                // The unknown sits at the full path, or higher up (everything below it is unknown too).
                const forms: PlanResource[] = [
                    shapes(withProps(nest(keys.slice(0, depth + 1), UNKNOWN_JSON)))[0],
                    shapes(withProps(nest(keys.slice(0, depth + 1), ENGINE_UNKNOWN)))[0],
                    shapes(withProps(nest(keys.slice(0, depth + 1), ENGINE_UNKNOWN)))[2],
                ];
                forms.forEach((r, i) => {
                    assert.equal(get(r, at), UNKNOWN, `form ${i}`);
                    // Read from above, the unknown is inside plain data, in the same one form.
                    if (depth > 0) assert.deepEqual(get(r, keys.slice(0, depth).join(".")), { [keys[depth]]: UNKNOWN }, `form ${i}, from above`);
                });
            }),
        );
    });

    it("strict() returns a known value, and refuses an unknown one the way the engine skips a policy (the pack's UnknownValueError)", () => {
        const props = withProps({ trafficType: ENGINE_UNKNOWN });
        const [planned, , policy] = shapes(props);
        assert.equal(strict(planned, "cidrBlock"), vpc.inputs.cidrBlock);
        assert.equal(strict(policy, "cidrBlock"), vpc.inputs.cidrBlock);
        assert.throws(
            () => strict(policy, "trafficType"),
            (e: unknown) => e instanceof UnknownValueError,
        );
        assert.throws(
            () => strict(planned, "trafficType"),
            (e: Error) => e.name === "UnknownValueError" && /trafficType is unknown/.test(e.message),
        );
    });

    it("known() turns the pack's UnknownValueError into UNKNOWN and lets every other error through", () => {
        assert.equal(
            known(() => {
                throw new UnknownValueError(ENGINE_UNKNOWN, ["tags"]);
            }),
            UNKNOWN,
        );
        assert.throws(
            () =>
                known(() => {
                    throw new RangeError("boom");
                }),
            RangeError,
        );
        assert.ok(isUnknown(UNKNOWN) && isUnknown(UNKNOWN_JSON) && isUnknown(ENGINE_UNKNOWN) && !isUnknown("x"));
    });
});

describe("model: the offline plan's view and the policy pack's view give the same facts", () => {
    const variants: readonly { readonly name: string; readonly plans: () => Promise<StackPlan[]> }[] = [
        ...STRATEGIES.map((strategy) => ({ name: strategy, plans: () => planAll(`strategy=${strategy}`) })),
        ...STRATEGIES.map((strategy) => ({ name: `${strategy}, first preview`, plans: () => previewAll(`strategy=${strategy}`) })),
        { name: "warm-standby with ARC routing controls", plans: () => planAll("failoverControl=arc") },
        { name: "pilot-light switched over to us-west-2", plans: () => planAll("strategy=pilot-light", "primaryRegion=us-west-2") },
    ];
    for (const v of variants) {
        it(`${v.name}: stackFacts and stackContext agree between both shapes, and with the program's config`, async () => {
            for (const p of await v.plans()) {
                const policy = policyView(p);
                assert.deepEqual(
                    stackFacts({ stack: p.stack, region: p.region, resources: policy }),
                    stackFacts({ stack: p.stack, region: p.region, resources: p.resources }),
                    p.stack,
                );
                const facts = { regions: [] as string[], primaryRegion: "" };
                for (const ctx of [stackContext(p.resources, facts), stackContext(policy, facts)]) {
                    assert.equal(ctx.region, p.region);
                    assert.equal(ctx.strategy, p.strategy);
                    assert.equal(ctx.role, p.role);
                    assert.equal(ctx.roleSource, "role tag");
                }
            }
        });
    }
});
