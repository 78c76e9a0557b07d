/**
 * Migrating a deployment made before the edge: the home stack first (the edge is built, nothing cut over), the
 * other stacks (their records move to the origin name, their ALBs lock), the home stack again (it cuts over).
 * Each step is planned against what the previous ones deployed, as `pulumi up` would see it.
 */
import { strict as assert } from "assert";
import { ConfigError, originNameOf, parseStackConfig } from "../src/config";
import { mergeConfig } from "../src/configSource";
import { type StackPlan, planStacks } from "../tools/planner";
import { files, ofType, planAll } from "./helpers";
import { verdicts } from "./policyCases";

const cfg = parseStackConfig("securecart", "prod", mergeConfig(files, "prod"));
const EDGE_OUTPUTS = ["originName", "assetBucketName", "distributionArn", "distributionDomainName", "webAclArn", "originVerifySecret"];

/** A stack as deployed before the edge existed: its outputs without anything the edge added. */
function beforeEdge(p: StackPlan): StackPlan {
    return { ...p, stackOutputs: Object.fromEntries(Object.entries(p.stackOutputs).filter(([k]) => !EDGE_OUTPUTS.includes(k))) };
}

const T = {
    record: "aws:route53/record:Record",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    distribution: "aws:cloudfront/distribution:Distribution",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

const regionRecord = (p: StackPlan) => ofType(p, T.record).find((r) => r.name === "securecart-dns-record");
const aliases = (p: StackPlan) => ofType(p, T.record).filter((r) => /-dns-alias-/.test(r.name));
const albHttpsFrom = (p: StackPlan) =>
    ofType(p, T.ingress)
        .filter((r) => r.inputs.fromPort === 443 && String(r.name).includes("alb-in-https"))
        .map((r) => (r.inputs.prefixListId ? "prefix list" : r.inputs.cidrIpv4));
const defaultAction = (p: StackPlan) => (ofType(p, T.listener)[0].inputs.defaultActions as Array<{ type: string }>)[0].type;

describe("edge: migrating a deployment made before the edge", function () {
    this.timeout(300000);
    let pre: StackPlan[];
    let home1: StackPlan;
    let dr1: StackPlan;
    let home2: StackPlan;

    before(async () => {
        pre = (await planAll()).map(beforeEdge);
        [home1] = await planStacks({ files, deployed: pre }, ["prod"]);
        [dr1] = await planStacks({ files, deployed: [home1, pre.find((p) => p.stack === "dr")!] }, ["dr"]);
        [home2] = await planStacks({ files, deployed: [home1, dr1] }, ["prod"]);
    });

    it("the home stack's first update builds the edge but cuts nothing over while dr still answers on the users' name", () => {
        assert.equal(ofType(home1, T.distribution).length, 1, "the edge exists");
        assert.equal(regionRecord(home1)?.inputs.name, cfg.dns.recordName, "its record stays on the users' name");
        assert.deepEqual(aliases(home1), [], "no CloudFront alias beside dr's failover record");
        assert.deepEqual(albHttpsFrom(home1), ["0.0.0.0/0"], "users still reach the ALB directly");
        assert.equal(defaultAction(home1), "forward");
        assert.deepEqual(
            ofType(home1, T.rule).filter((r) => JSON.stringify(r.inputs.conditions).includes("httpHeader")),
            [],
            "no rule asks for the edge's header yet",
        );
        assert.deepEqual(ofType(home1, T.replication), [], "dr's bucket does not exist yet");
    });

    it("the policy pack names that transitional step for what it is: the ALB still open to the internet, nothing else", async () => {
        const v = await verdicts(home1);
        assert.deepEqual([...new Set(v.filter((x) => x.enforcementLevel === "mandatory").map((x) => x.policy))].sort(), [
            "aws-alb-only-from-cloudfront",
            "aws-security-group-no-public-ingress",
        ]);
        assert.deepEqual(await verdicts(home2), [], "after the cut-over, nothing");
    });

    it("dr then moves to the origin name and accepts only CloudFront", () => {
        assert.equal(regionRecord(dr1)?.inputs.name, originNameOf(cfg));
        assert.deepEqual(albHttpsFrom(dr1), ["prefix list"]);
        assert.equal(defaultAction(dr1), "fixed-response");
        assert.equal(ofType(dr1, T.replication).length, 1, "prod's bucket exists: dr replicates into it");
    });

    it("the home stack's second update cuts over: origin record, users' alias, ALB locked, replication into dr", async () => {
        assert.equal(regionRecord(home2)?.inputs.name, originNameOf(cfg));
        assert.deepEqual(
            aliases(home2)
                .map((r) => [r.inputs.name, r.inputs.type])
                .sort(),
            [
                [cfg.dns.recordName, "A"],
                [cfg.dns.recordName, "AAAA"],
            ],
        );
        assert.ok(
            aliases(home2).every((a) => a.dependencies.includes(regionRecord(home2)!.urn)),
            "the aliases follow the record that held their name",
        );
        assert.equal(regionRecord(home2)?.deleteBeforeReplace, true, "the old record goes before its replacement is created");
        assert.deepEqual(albHttpsFrom(home2), ["prefix list"]);
        assert.equal(defaultAction(home2), "fixed-response");
        assert.equal(ofType(home2, T.replication).length, 1);
        // The settled state is the plain plan's.
        const settled = (await planAll()).find((p) => p.stack === "prod")!;
        const shape = (p: StackPlan) => p.resources.map((r) => `${r.type} ${r.name}`).sort();
        assert.deepEqual(shape(home2), shape(settled));
    });

    it("dr refuses to go first while the home stack has no edge, naming the order", async () => {
        await assert.rejects(
            planStacks({ files, deployed: pre, notApplied: ["prod"] }, ["dr"]).then(() => undefined),
            (e: unknown) =>
                e instanceof ConfigError &&
                /the home stack "prod" was deployed before the edge .*run pulumi up on "prod" first, then on this stack, then on "prod" again/.test(
                    e.message,
                ),
        );
    });
});
