import { strict as assert } from "assert";
import { allowedOutsideStackRegion } from "../src/crossRegion";
import { SUBNET_TIERS, carveSubnets, formatCidr, overlaps, parseCidr } from "../src/cidr";
import { STACKS, STRATEGIES, ofType, planOf } from "./helpers";

describe("network: CIDR maths", () => {
    it("carves one subnet per tier per AZ inside the VPC, none overlapping", () => {
        const vpc = parseCidr("10.10.0.0/16")!;
        const blocks = carveSubnets(vpc, 3);
        const all = SUBNET_TIERS.flatMap((t) => blocks[t]);
        assert.equal(all.length, 9);
        for (let i = 0; i < all.length; i++)
            for (let j = i + 1; j < all.length; j++) assert.ok(!overlaps(all[i], all[j]), `${formatCidr(all[i])} overlaps ${formatCidr(all[j])}`);
        assert.deepEqual(blocks.public.map(formatCidr), ["10.10.0.0/21", "10.10.8.0/21", "10.10.16.0/21"]);
        assert.deepEqual(blocks["private-data"].map(formatCidr), ["10.10.128.0/21", "10.10.136.0/21", "10.10.144.0/21"]);
    });

    it("rejects malformed CIDRs and host bits", () => {
        for (const bad of ["10.0.0.0", "10.0.0.1/16", "300.0.0.0/16", "10.0.0.0/33", "a.b.c.d/16"]) assert.equal(parseCidr(bad), undefined, bad);
    });
});

describe("network: planned VPC", () => {
    for (const stack of STACKS) {
        it(`${stack}: three tiers of subnets spread over 3 AZs, inside the VPC CIDR`, async () => {
            const plan = await planOf(stack);
            const vpc = ofType(plan, "aws:ec2/vpc:Vpc");
            assert.equal(vpc.length, 1);
            const vpcCidr = parseCidr(String(vpc[0].inputs.cidrBlock))!;
            const subnets = ofType(plan, "aws:ec2/subnet:Subnet");
            assert.equal(subnets.length, 9);
            for (const tier of SUBNET_TIERS) {
                const ofTier = subnets.filter((s) => (s.inputs.tags as Record<string, string>).tier === tier);
                assert.equal(ofTier.length, 3, tier);
                assert.equal(new Set(ofTier.map((s) => s.inputs.availabilityZone)).size, 3, `${tier} spans 3 AZs`);
                for (const s of ofTier) {
                    assert.ok(String(s.inputs.availabilityZone).startsWith(plan.region), "AZ in the stack's region");
                    const c = parseCidr(String(s.inputs.cidrBlock))!;
                    assert.ok(c.base >= vpcCidr.base && c.base < vpcCidr.base + 2 ** (32 - vpcCidr.prefix));
                }
            }
        });

        it(`${stack}: flow logs to an encrypted log group, gateway endpoints for S3 and DynamoDB`, async () => {
            const plan = await planOf(stack);
            const fl = ofType(plan, "aws:ec2/flowLog:FlowLog");
            assert.equal(fl.length, 1);
            assert.equal(fl[0].inputs.trafficType, "ALL");
            const lg = plan.resources.find((r) => r.outputs.arn === fl[0].inputs.logDestination);
            assert.ok(lg, "flow log destination is a planned log group");
            assert.ok(String(lg!.inputs.kmsKeyId).startsWith("arn:aws:kms:"), "log group encrypted under a CMK");
            const eps = ofType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName);
            assert.deepEqual(eps.sort(), [`com.amazonaws.${plan.region}.dynamodb`, `com.amazonaws.${plan.region}.s3`]);
        });

        it(`${stack}: every child has a parent and the default AWS provider is the stack's region`, async () => {
            const plan = await planOf(stack);
            for (const r of plan.resources) {
                if (r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:")) continue;
                assert.ok(r.parent, `${r.type} ${r.name} has a parent`);
                if (r.custom && r.type.startsWith("aws:")) {
                    const prov = plan.resources.find((p) => p.urn === r.provider);
                    assert.equal(prov?.inputs.region, plan.region, `${r.name} provider region`);
                    if (r.inputs.region !== undefined && r.inputs.region !== plan.region) {
                        assert.ok(
                            allowedOutsideStackRegion(r.type, String(r.inputs.region), r.inputs),
                            `${r.type} ${r.name} is in ${String(r.inputs.region)}, not ${plan.region}`,
                        );
                    }
                }
            }
        });
    }

    const natCases: Array<[string, string, number]> = [];
    for (const strategy of STRATEGIES) {
        natCases.push([strategy, "prod", 3]);
        natCases.push([strategy, "dr", strategy === "active-active" ? 3 : strategy === "backup-restore" ? 0 : 1]);
    }
    for (const [strategy, stack, n] of natCases) {
        it(`${strategy}: ${stack} (${stack === "prod" ? "primary" : "standby"}) gets ${n} NAT gateway(s)`, async () => {
            const plan = await planOf(stack, `strategy=${strategy}`);
            assert.equal(ofType(plan, "aws:ec2/natGateway:NatGateway").length, n);
        });
    }

    it("a NAT override in config wins over the strategy", async () => {
        const plan = await planOf("dr", "strategy=pilot-light", "network.natStrategy=one-per-az");
        assert.equal(ofType(plan, "aws:ec2/natGateway:NatGateway").length, 3);
    });

    it("the data tier has no route out of the VPC", async () => {
        const plan = await planOf("prod");
        const rt = plan.resources.find((r) => r.name === "securecart-net-private-data-rt")!;
        assert.deepEqual(rt.inputs.routes ?? [], []);
    });
});
