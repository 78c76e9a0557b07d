/**
 * The resources allowed outside their stack's region (src/crossRegion.ts), on real plans with the home stack in
 * us-west-2: the edge's us-east-1 resources pass the policy, and only they do.
 */
import { strict as assert } from "assert";
import { CROSS_REGION_EXCEPTIONS, exceptionApplies } from "../src/crossRegion";
import { T, get } from "../src/plan";
import type { StackPlan } from "../tools/planner";
import { asFirstPreview, clonePlan, pick, setProp, verdicts } from "./policyCases";
import { planAll } from "./helpers";

const POLICY = "dr-resources-in-stack-region";
/** The home stack in us-west-2: the edge's us-east-1 resources are then outside its region. */
const WEST_HOME = ['regions=["us-west-2","us-east-1"]', "primaryRegion=us-west-2"];
const EDGE_REGION = "us-east-1";

async function westHome(): Promise<StackPlan> {
    const home = (await planAll(...WEST_HOME)).find((p) => p.region === "us-west-2");
    assert.ok(home, "a stack in us-west-2");
    return home!;
}

const outside = (p: StackPlan) => p.resources.filter((r) => r.custom && typeof r.inputs.region === "string" && r.inputs.region !== p.region);
/** A stack's own alarm topics in us-east-1 (its alarms there notify topics of their region), with their key and policies. */
const alarmTopicsPart = (r: StackPlan["resources"][number]) => /securecart:operations:AlarmTopics/.test(r.parent ?? "");

async function regionViolations(p: StackPlan): Promise<string[]> {
    return (await verdicts(p)).filter((v) => v.policy === POLICY).map((v) => v.message);
}

describe("cross-region exceptions: the edge in us-east-1, owned by a home stack elsewhere", () => {
    it("with the home stack in us-east-1, nothing is outside any stack's region but the Route 53 health-check alarms and their topics", async () => {
        for (const p of await planAll()) {
            assert.deepEqual(
                outside(p)
                    .filter((r) => !(r.type === T.metricAlarm && r.inputs.namespace === "AWS/Route53") && !alarmTopicsPart(r))
                    .map((r) => `${p.stack}: ${r.type} ${r.name}`),
                [],
            );
        }
    });

    it("with the home stack in us-west-2, exactly the edge's us-east-1 resources and the sign-in domain's certificate are outside, and the policy passes them", async () => {
        const home = await westHome();
        const edge = outside(home).filter((r) => r.type !== T.metricAlarm && !alarmTopicsPart(r));
        assert.deepEqual(
            edge.map((r) => r.type).sort(),
            [
                T.certificate,
                T.certificateValidation,
                // The sign-in domain's: Cognito's managed login is served by CloudFront too.
                T.certificate,
                T.certificateValidation,
                T.kmsKey,
                T.logDelivery,
                T.logDeliveryDestination,
                T.logDeliverySource,
                T.logGroup,
                T.logGroup,
                T.webAcl,
                T.webAclLogging,
            ].sort(),
        );
        for (const r of edge) {
            assert.equal(r.inputs.region, EDGE_REGION);
            assert.match(r.parent ?? "", /securecart:edge:Edge|securecart:identity:Identity/, `${r.name} belongs to the edge or the sign-in domain`);
        }
        assert.deepEqual(await regionViolations(home), []);
        assert.deepEqual(await regionViolations(asFirstPreview(home)), [], "a first preview passes too");
    });

    it("every exception has a reason and is used by a planned resource", async () => {
        const home = await westHome();
        for (const e of CROSS_REGION_EXCEPTIONS) {
            assert.ok(e.reason.length > 20, e.type);
            if (e.region !== EDGE_REGION) continue;
            assert.ok(
                home.resources.some((r) => exceptionApplies(e, r.type, String(r.inputs.region), (k) => get(r, k))),
                `${e.type} ${JSON.stringify(e.when ?? e.whenMatches ?? {})} is used`,
            );
        }
    });

    // Each case moves or changes one real planned resource so that it no longer is what the edge needs in us-east-1.
    const cases: Array<[string, (p: StackPlan) => void]> = [
        [
            "the region's data key moved to us-east-1",
            (p) =>
                setProp(
                    pick(p, T.kmsKey, (r) => /keys-data$/.test(r.name)),
                    "region",
                    EDGE_REGION,
                ),
        ],
        ["a REGIONAL web ACL in us-east-1", (p) => setProp(pick(p, T.webAcl), "scope", "REGIONAL")],
        [
            "a log group in us-east-1 not named for WAF nor the CloudFront access logs",
            (p) =>
                setProp(
                    pick(p, T.logGroup, (r) => /waf-logs$/.test(r.name)),
                    "name",
                    "/securecart/app",
                ),
        ],
        [
            "a service's log group moved to us-east-1",
            (p) =>
                setProp(
                    pick(p, T.logGroup, (r) => /-svc-.+-logs$/.test(r.name)),
                    "region",
                    EDGE_REGION,
                ),
        ],
        [
            "a key in us-east-1 whose policy does not serve CloudWatch Logs there",
            (p) => {
                const key = pick(p, T.kmsKey, (r) => r.inputs.region === EDGE_REGION);
                setProp(key, "policy", String(key.inputs.policy).replace(/logs\.us-east-1\.amazonaws\.com/g, "logs.us-west-2.amazonaws.com"));
            },
        ],
        ["a delivery source of another log type", (p) => setProp(pick(p, T.logDeliverySource), "logType", "APPLICATION_LOGS")],
        [
            "the asset bucket moved to us-east-1",
            (p) =>
                setProp(
                    pick(p, T.bucket, (r) => /assets$/.test(r.name)),
                    "region",
                    EDGE_REGION,
                ),
        ],
    ];
    for (const [what, alter] of cases) {
        it(`the policy still catches ${what}`, async () => {
            const p = clonePlan(await westHome());
            alter(p);
            const got = await regionViolations(p);
            assert.equal(got.length, 1, got.join("\n"));
            assert.match(got[0], /us-east-1/);
        });
    }
});
