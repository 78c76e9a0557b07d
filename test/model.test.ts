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
    PolicyShape,
    T,
    UNKNOWN,
    UNKNOWN_JSON,
    get,
    isUnknown,
    known,
    stackContext,
    stackFacts,
    tokenOf,
} from "../src/plan";
import { UNKNOWN as ENGINE_UNKNOWN } from "../src/unknown";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { STRATEGIES, planAll, previewAll } from "./helpers";

/** A planned resource as the policy pack's analyzer hands it to a stack policy (AnalyzeStack: outputs as props). */
function asPolicyShape(r: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): PolicyShape {
    const ref = (urn: string) => ({ urn });
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: { ...r.outputs, ...r.inputs },
        parent: r.parent ? ref(r.parent) : undefined,
        provider:
            r.provider && byUrn.has(r.provider)
                ? { urn: r.provider, type: byUrn.get(r.provider)!.type, name: byUrn.get(r.provider)!.name, props: byUrn.get(r.provider)!.inputs }
                : undefined,
        dependencies: r.dependencies.map(ref),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(ref)])),
        opts: { protect: r.protect, ignoreChanges: r.ignoreChanges },
    };
}

const policyView = (p: StackPlan): PolicyShape[] => {
    const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
    return p.resources.map((r) => asPolicyShape(r, byUrn));
};

describe("model: type tokens come from the resource classes", () => {
    it("every class yields its own token, none twice", () => {
        const tokens = Object.values(CLASSES).map(tokenOf);
        for (const t of tokens) assert.match(t, /^(aws|random):[a-zA-Z0-9]+\/[a-zA-Z0-9]+:[A-Z][A-Za-z0-9]+$/);
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

    it("property: a known value reads the same from a planned resource's inputs, its outputs, and a policy's props", () => {
        fc.assert(
            fc.property(path, leaf, (keys, v) => {
                const props = nest(keys, v);
                const at = keys.join(".");
                const planned: PlanResource = { type: T.vpc, name: "r", inputs: props };
                const computed: PlanResource = { type: T.vpc, name: "r", inputs: {}, outputs: props };
                const policy: PlanResource = { type: T.vpc, name: "r", urn: "u", props: unknownCheckingProxy(props) as Record<string, unknown> };
                assert.deepEqual(get(planned, at), v);
                assert.deepEqual(get(computed, at), v);
                assert.deepEqual(get(policy, at), v);
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
                    { type: T.vpc, name: "r", inputs: nest(keys.slice(0, depth + 1), UNKNOWN_JSON) },
                    { type: T.vpc, name: "r", inputs: nest(keys.slice(0, depth + 1), ENGINE_UNKNOWN) },
                    {
                        type: T.vpc,
                        name: "r",
                        urn: "u",
                        props: unknownCheckingProxy(nest(keys.slice(0, depth + 1), ENGINE_UNKNOWN)) as Record<string, unknown>,
                    },
                ];
                forms.forEach((r, i) => assert.equal(get(r, at), UNKNOWN, `form ${i}`));
            }),
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
