import { fargateTaskSize } from "../components/fargateService";
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { imageRef, listenerRules, pathPatternMatches, repositoryNames, storefrontUserData, writableVolumes } from "../src/compute";
import { DEFAULT_SERVICE_IMAGE, ServiceConfig, originNameOf, parseStackConfig } from "../src/config";
import { mergeConfig } from "../src/configSource";
import { Capacity, applyOverride, planRegion } from "../src/strategy";
import type * as pulumi from "@pulumi/pulumi";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from "../src/awsFacts";
import { FakeAws } from "../tools/fakeAws";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { configProblems, files, ofType, planAll, planOf, PROJECT_DIR, STACKS, STRATEGIES, strategyInputs, toolArgs } from "./helpers";

const T = {
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    tg: "aws:lb/targetGroup:TargetGroup",
    asg: "aws:autoscaling/group:Group",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    scalingTarget: "aws:appautoscaling/target:Target",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    subnet: "aws:ec2/subnet:Subnet",
    repo: "aws:ecr/repository:Repository",
    replication: "aws:ecr/replicationConfiguration:ReplicationConfiguration",
    template: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

const cfg = parseStackConfig("securecart", "prod", mergeConfig(files, "prod"));
/** CloudFront's origin-facing prefix list in a region, as the offline plan's AWS answers the program's look-up. */
const prefixListIdIn = (region: string) =>
    String(
        new FakeAws({ region }).call({
            token: "aws:ec2/getManagedPrefixList:getManagedPrefixList",
            inputs: { name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST },
        } as pulumi.runtime.MockCallArgs).id,
    );
const inputs = strategyInputs;
const webFull: Capacity = { min: cfg.web.minSize, max: cfg.web.maxSize, desired: cfg.web.desiredCapacity };
const svcFull = (s: ServiceConfig): Capacity => ({ min: s.minCount, max: s.maxCount, desired: s.desiredCount });
const ZERO: Capacity = { min: 0, max: 0, desired: 0 };

/** The capacity table (README): what each strategy runs in each role, from the default config (fraction 0.5). */
function expected(strategy: string, role: "primary" | "standby"): { exists: boolean; web: Capacity; svc: (s: ServiceConfig) => Capacity } {
    if (role === "primary" || strategy === "active-active") return { exists: true, web: webFull, svc: svcFull };
    if (strategy === "backup-restore") return { exists: false, web: ZERO, svc: () => ZERO };
    if (strategy === "pilot-light")
        return { exists: true, web: { min: 0, max: webFull.max, desired: 0 }, svc: (s) => ({ min: 0, max: s.maxCount, desired: 0 }) };
    // warm standby: ceil(fraction x primary), at least 1; min no higher than desired; max kept.
    const half = (c: Capacity): Capacity => {
        const desired = Math.max(1, Math.ceil(c.desired * 0.5));
        return { min: Math.min(Math.max(1, Math.ceil(c.min * 0.5)), desired), max: c.max, desired };
    };
    return { exists: true, web: half(webFull), svc: (s) => half(svcFull(s)) };
}

const byUrn = (plan: StackPlan) => new Map(plan.resources.map((r) => [r.urn, r]));
/** The planned resource of `type` that a reference (id, ARN or name, as the provider would return it) points at. */
const outputOf = (plan: StackPlan, type: string, value: unknown): PlannedResource | undefined =>
    plan.resources.find(
        (r) =>
            r.type === type &&
            typeof value === "string" &&
            (r.outputs.arn === value || r.outputs.name === value || r.outputs.bucket === value || String(r.outputs.arn ?? "").endsWith(`/${value}`)),
    );

/** The internet-facing ALB (the storefront's) and the services' internal one. */
const publicAlb = (plan: StackPlan) => ofType(plan, T.alb).find((a) => a.inputs.internal === false)!;
const servicesLb = (plan: StackPlan) => ofType(plan, T.alb).find((a) => a.inputs.internal === true)!;

describe("compute: sizing by strategy and role (pure)", () => {
    for (const strategy of STRATEGIES) {
        for (const role of ["primary", "standby"] as const) {
            const e = expected(strategy, role);
            it(`${strategy} ${role}: web ${e.web.min}/${e.web.desired}/${e.web.max} (min/desired/max), compute ${e.exists ? "exists" : "absent"}`, () => {
                const p = planRegion(inputs({ strategy, role, isHome: role === "primary" }));
                assert.equal(p.computeExists, e.exists);
                assert.deepEqual(p.web, e.web);
                for (const s of cfg.services) assert.deepEqual(p.services[s.name], e.svc(s), s.name);
                if (strategy === "warm-standby" && role === "standby") {
                    for (const c of [p.web, ...Object.values(p.services)])
                        assert.ok(c.desired >= 1 && c.min >= 1, "warm standby serves: at least 1 of each");
                }
            });
        }
    }

    it("warm standby runs the configured fraction of primary, rounded up", () => {
        const capacity = { ...cfg.capacity, warmStandbyFraction: 0.25 };
        const web = { ...cfg.web, minSize: 4, desiredCapacity: 10, maxSize: 20 };
        const p = planRegion(inputs({ strategy: "warm-standby", role: "standby", isHome: false, capacity, web }));
        assert.deepEqual(p.web, { min: 1, desired: 3, max: 20 });
    });

    it("a standby override names the bounds it changes; the others follow so min <= desired <= max holds", () => {
        const base: Capacity = { min: 0, max: 6, desired: 0 };
        assert.deepEqual(applyOverride(base, { desired: 2 }), { min: 0, max: 6, desired: 2 });
        assert.deepEqual(applyOverride(base, { min: 3 }), { min: 3, max: 6, desired: 3 });
        assert.deepEqual(applyOverride({ min: 2, max: 6, desired: 3 }, { max: 1 }), { min: 1, max: 1, desired: 1 });
        assert.deepEqual(applyOverride({ min: 2, max: 6, desired: 3 }, { desired: 0, max: 4 }), { min: 0, max: 4, desired: 0 });
        assert.deepEqual(applyOverride(base, { desired: 9 }), { min: 0, max: 9, desired: 9 });
    });

    it("ALB deletion protection: on for a primary whose compute outlives a demotion, off for a backup-restore primary and every standby", () => {
        for (const strategy of STRATEGIES) {
            assert.equal(planRegion(inputs({ strategy, role: "primary" })).albDeletionProtection, strategy !== "backup-restore", strategy);
            assert.equal(planRegion(inputs({ strategy, role: "standby", isHome: false })).albDeletionProtection, false, strategy);
        }
    });

    it("overrides apply to the standby only, per tier and per service", () => {
        const capacity = { ...cfg.capacity, standby: { web: { desired: 2 }, services: { orders: { min: 1, desired: 1 } } } };
        const standby = planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: false, capacity }));
        assert.deepEqual(standby.web, { min: 0, max: cfg.web.maxSize, desired: 2 });
        assert.equal(standby.services.orders.desired, 1);
        assert.equal(standby.services.cart.desired, 0);
        const primary = planRegion(inputs({ strategy: "pilot-light", role: "primary", capacity }));
        assert.deepEqual(primary.web, webFull);
    });
});

describe("compute: planned capacities for both stacks under every strategy", () => {
    for (const strategy of STRATEGIES) {
        for (const stack of STACKS) {
            it(`${strategy}: ${stack} sizes its ASG, ECS services and scalable targets from the plan`, async () => {
                const plan = await planOf(stack, `strategy=${strategy}`);
                const e = expected(strategy, plan.role as "primary" | "standby");
                const asgs = ofType(plan, T.asg);
                const services = ofType(plan, T.service);
                if (!e.exists) {
                    for (const t of [T.alb, T.listener, T.asg, T.lt, T.cluster, T.service, T.taskDef, T.tg])
                        assert.equal(ofType(plan, t).length, 0, `no ${t}`);
                    const names = ofType(plan, T.sg).map((g) => g.name);
                    for (const tier of ["alb", "web", "app"])
                        assert.ok(names.includes(`securecart-sg-${tier}`), `the ${tier} security group still exists`);
                    const bucket = ofType(plan, "aws:s3/bucket:Bucket").find((b) => b.name === "securecart-alb-logs");
                    assert.ok(bucket?.protect, "the protected access-log bucket outlives the ALB");
                    return;
                }
                assert.equal(asgs.length, 1);
                assert.deepEqual({ min: asgs[0].inputs.minSize, max: asgs[0].inputs.maxSize, desired: asgs[0].inputs.desiredCapacity }, e.web);
                assert.equal(ofType(plan, T.lt).length, 1);
                assert.equal(ofType(plan, T.cluster).length, 1);
                assert.equal(services.length, cfg.services.length);
                assert.equal(ofType(plan, T.taskDef).length, cfg.services.length);
                for (const s of cfg.services) {
                    const svc = services.find((r) => r.inputs.name === s.name)!;
                    assert.ok(svc, `service ${s.name}`);
                    assert.equal(svc.inputs.desiredCount, e.svc(s).desired, `${s.name} desiredCount`);
                    assert.ok(!svc.ignoreChanges.includes("desiredCount"), "desiredCount follows config");
                    const target = ofType(plan, T.scalingTarget).find((t) => String(t.inputs.resourceId).endsWith(`/${s.name}`))!;
                    assert.deepEqual(
                        [target.inputs.minCapacity, target.inputs.maxCapacity],
                        [e.svc(s).min, e.svc(s).max],
                        `${s.name} scaling bounds`,
                    );
                }
            });
        }
    }

    it("roles follow primaryRegion: with us-west-2 primary, dr runs full and prod is the pilot light", async () => {
        const [prod, dr] = await Promise.all(["prod", "dr"].map((s) => planOf(s, "strategy=pilot-light", "primaryRegion=us-west-2")));
        assert.equal(ofType(dr, T.asg)[0].inputs.desiredCapacity, cfg.web.desiredCapacity);
        assert.equal(ofType(prod, T.asg)[0].inputs.desiredCapacity, 0);
        assert.equal(ofType(prod, T.alb)[0].inputs.enableDeletionProtection, false);
        assert.equal(ofType(dr, T.alb)[0].inputs.enableDeletionProtection, true);
    });

    it("a standby override in config reaches the planned resources", async () => {
        const dr = await planOf("dr", "strategy=pilot-light", "capacity.standby.web.desired=1", "capacity.standby.services.cart.desired=1");
        assert.equal(ofType(dr, T.asg)[0].inputs.desiredCapacity, 1);
        assert.equal(ofType(dr, T.service).find((s) => s.inputs.name === "cart")!.inputs.desiredCount, 1);
        assert.equal(ofType(dr, T.service).find((s) => s.inputs.name === "catalog")!.inputs.desiredCount, 0);
    });
});

describe("compute: web tier", () => {
    for (const stack of STACKS) {
        it(`${stack}: the launch template requires IMDSv2 and encrypts a gp3 root under the region's CMK`, async () => {
            const plan = await planOf(stack);
            const lt = ofType(plan, T.lt)[0];
            const md = lt.inputs.metadataOptions as Record<string, unknown>;
            assert.equal(md.httpTokens, "required");
            assert.equal(md.httpEndpoint, "enabled");
            assert.equal(md.httpPutResponseHopLimit, 1);
            const [root] = lt.inputs.blockDeviceMappings as Array<{ deviceName: string; ebs: Record<string, unknown> }>;
            assert.equal(root.deviceName, "/dev/xvda");
            assert.equal(root.ebs.volumeType, "gp3");
            assert.equal(root.ebs.encrypted, "true");
            assert.equal(root.ebs.kmsKeyId, plan.stackOutputs.dataKeyArn);
            assert.match(String(lt.inputs.imageId), /^ami-/);
            const userData = Buffer.from(String(lt.inputs.userData), "base64").toString();
            assert.match(userData, /http\.server 80/);
            assert.match(userData, /\/var\/www\/storefront\/health'/, "serves the configured health path");
        });

        it(`${stack}: the instance role has the SSM core policy and nothing else`, async () => {
            const plan = await planOf(stack);
            const lt = ofType(plan, T.lt)[0];
            const profile = outputOf(plan, "aws:iam/instanceProfile:InstanceProfile", (lt.inputs.iamInstanceProfile as { arn: string }).arn)!;
            const role = profile.inputs.role;
            const attached = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role);
            assert.deepEqual(
                attached.map((a) => a.inputs.policyArn),
                ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
            );
            assert.equal(ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role).length, 0);
        });

        it(`${stack}: HTTPS only, TLS 1.2+, a DNS-validated certificate for the record and origin names; 403 unless the edge's header; invalid headers dropped; logs to a locked bucket`, async () => {
            const plan = await planOf(stack);
            const alb = publicAlb(plan);
            assert.equal(alb.inputs.internal, false);
            assert.equal(alb.inputs.dropInvalidHeaderFields, true);
            assert.equal(alb.inputs.enableDeletionProtection, plan.role === "primary", "default strategy: protected where primary");
            const listeners = ofType(plan, T.listener).filter((l) => l.inputs.loadBalancerArn === alb.outputs.arn);
            const https = listeners.find((l) => l.inputs.port === 443)!;
            assert.deepEqual(
                listeners.map((l) => l.inputs.port),
                [443],
                "no port 80 listener: CloudFront reaches the origin over HTTPS only",
            );
            assert.equal(https.inputs.protocol, "HTTPS");
            assert.equal(https.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            const cert = outputOf(plan, "aws:acm/certificate:Certificate", https.inputs.certificateArn)!;
            assert.equal(cert.inputs.domainName, cfg.dns.recordName);
            assert.deepEqual(
                cert.inputs.subjectAlternativeNames,
                [originNameOf(cfg)],
                "CloudFront checks the origin's certificate against the origin name",
            );
            assert.equal(cert.inputs.validationMethod, "DNS");
            const validations = ofType(plan, "aws:route53/record:Record").filter((r) => /securecart-web-cert-validation/.test(r.name));
            assert.equal(validations.length, 2, "one validation record per name on the certificate");
            for (const v of validations) {
                assert.equal(v.inputs.zoneId, cfg.dns.zoneId);
                assert.equal(v.retainOnDelete, true, "shared by every region's certificate");
            }
            assert.deepEqual((https.inputs.defaultActions as Array<Record<string, unknown>>)[0], {
                type: "fixed-response",
                fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" },
            });
            const secret = String(ofType(plan, T.randomPassword).find((r) => r.name === "securecart-origin-secret")?.outputs.result ?? "");
            const forwards = ofType(plan, "aws:lb/listenerRule:ListenerRule").filter((r) => r.inputs.listenerArn === https.outputs.arn);
            assert.deepEqual(
                forwards.map((r) => r.name),
                ["securecart-web-from-edge"],
                "the public ALB serves the storefront only: no service hangs off it",
            );
            for (const rule of forwards) {
                const conds = rule.inputs.conditions as Array<{ httpHeader?: { httpHeaderName: string; values: string[] } }>;
                const header = conds.find((c) => c.httpHeader)?.httpHeader;
                assert.equal(header?.httpHeaderName, "X-Origin-Verify", `${rule.name} requires the edge's header`);
                if (plan.stack === "prod") assert.deepEqual(header?.values, [secret], `${rule.name} checks the home stack's secret`);
            }
            const logs = alb.inputs.accessLogs as { bucket: string; enabled: boolean };
            assert.equal(logs.enabled, true);
            const bucket = outputOf(plan, "aws:s3/bucket:Bucket", logs.bucket)!;
            assert.ok(bucket.protect && bucket.retainOnDelete, "log bucket is protected");
            assert.match(String(bucket.outputs.bucketRegionalDomainName), new RegExp(`\\.s3\\.${plan.region}\\.`));
            const sse = ofType(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find(
                (r) => r.inputs.bucket === logs.bucket,
            )!;
            assert.equal(
                (sse.inputs.rules as Array<{ applyServerSideEncryptionByDefault: { sseAlgorithm: string } }>)[0].applyServerSideEncryptionByDefault
                    .sseAlgorithm,
                "AES256",
            );
            const pab = ofType(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").find((r) => r.inputs.bucket === logs.bucket)!;
            assert.ok(pab.inputs.blockPublicPolicy && pab.inputs.restrictPublicBuckets && pab.inputs.blockPublicAcls && pab.inputs.ignorePublicAcls);
            const policy = JSON.parse(
                String(ofType(plan, "aws:s3/bucketPolicy:BucketPolicy").find((r) => r.inputs.bucket === logs.bucket)!.inputs.policy),
            );
            assert.ok(
                policy.Statement.some(
                    (s: { Effect: string; Condition?: { Bool?: Record<string, string> } }) =>
                        s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
                ),
                "TLS enforced",
            );
            assert.ok(
                policy.Statement.some(
                    (s: { Principal?: { Service?: string } }) => s.Principal?.Service === "logdelivery.elasticloadbalancing.amazonaws.com",
                ),
            );
        });

        it(`${stack}: the ASG checks ELB health after a grace period, tracks CPU and rolls on a new launch template`, async () => {
            const plan = await planOf(stack);
            const asg = ofType(plan, T.asg)[0];
            assert.equal(asg.inputs.healthCheckType, "ELB");
            assert.equal(asg.inputs.healthCheckGracePeriod, cfg.web.healthCheckGraceSeconds);
            assert.equal((asg.inputs.instanceRefresh as { strategy: string }).strategy, "Rolling");
            const lt = ofType(plan, T.lt)[0];
            assert.equal(outputOf(plan, T.lt, (asg.inputs.launchTemplate as { id: string }).id), lt);
            const policy = ofType(plan, "aws:autoscaling/policy:Policy").find((p) => p.inputs.autoscalingGroupName === asg.outputs.name)!;
            assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
            const ttc = policy.inputs.targetTrackingConfiguration as {
                targetValue: number;
                predefinedMetricSpecification: { predefinedMetricType: string };
            };
            assert.equal(ttc.predefinedMetricSpecification.predefinedMetricType, "ASGAverageCPUUtilization");
            assert.equal(ttc.targetValue, cfg.web.targetCpuPercent);
        });

        it(`${stack}: the ALB and the ASG each span at least 2 AZs`, async () => {
            const plan = await planOf(stack);
            const azsOf = (ids: unknown) => new Set((ids as string[]).map((id) => outputOf(plan, T.subnet, id)!.inputs.availabilityZone));
            const albAzs = azsOf(publicAlb(plan).inputs.subnets);
            const asgAzs = azsOf(ofType(plan, T.asg)[0].inputs.vpcZoneIdentifiers);
            assert.ok(albAzs.size >= 2, `ALB AZs ${[...albAzs]}`);
            assert.ok(asgAzs.size >= 2, `ASG AZs ${[...asgAzs]}`);
            const tierOf = (ids: unknown) =>
                new Set((ids as string[]).map((id) => (outputOf(plan, T.subnet, id)!.inputs.tags as Record<string, string>).tier));
            assert.deepEqual([...tierOf(publicAlb(plan).inputs.subnets)], ["public"]);
            assert.deepEqual([...tierOf(servicesLb(plan).inputs.subnets)], ["private-app"], "the services' load balancer has no public subnet");
            assert.deepEqual([...tierOf(ofType(plan, T.asg)[0].inputs.vpcZoneIdentifiers)], ["private-app"]);
        });
    }
});

describe("compute: security groups between tiers", () => {
    for (const stack of STACKS) {
        it(`${stack}: nothing is open to 0.0.0.0/0; the ALB takes 443 from CloudFront's prefix list only; web accepts from the ALB only, the services from their internal load balancer only, which accepts from the API's VPC link only`, async () => {
            const plan = await planOf(stack);
            const sgs = ofType(plan, T.sg);
            const sgName = (id: unknown) => outputOf(plan, T.sg, id)?.name ?? `unknown ${String(id)}`;
            const sgId = (name: string) =>
                String(sgs.find((g) => g.name === name)!.outputs.arn)
                    .split("/")
                    .pop();
            for (const g of sgs) assert.deepEqual(g.inputs.ingress ?? [], [], `${g.name} has no inline ingress`);
            const ingress = ofType(plan, T.ingress);
            const open = ingress.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0");
            assert.deepEqual(open, []);
            const albSg = sgId("securecart-sg-alb");
            const albIn = ingress.filter((r) => r.inputs.securityGroupId === albSg);
            assert.deepEqual(
                albIn.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.prefixListId]),
                [[443, 443, prefixListIdIn(plan.region)]],
                "one rule: the prefix list weighs 55 of a group's 60 rules",
            );
            for (const [tier, from] of [
                ["securecart-sg-web", "securecart-sg-alb"],
                ["securecart-sg-app", "securecart-sg-svc-lb"],
                ["securecart-sg-svc-lb", "securecart-sg-vpc-link"],
            ]) {
                const rules = ingress.filter((r) => sgName(r.inputs.securityGroupId) === tier);
                assert.ok(rules.length > 0, `${tier} has ingress`);
                for (const r of rules) assert.equal(r.inputs.referencedSecurityGroupId, sgId(from), `${tier} ingress from ${from} only`);
            }
            assert.deepEqual(
                ingress.filter((r) => sgName(r.inputs.securityGroupId) === "securecart-sg-vpc-link"),
                [],
                "the VPC link takes no inbound connection",
            );
            const appPorts = ingress.filter((r) => sgName(r.inputs.securityGroupId) === "securecart-sg-app").map((r) => r.inputs.fromPort);
            assert.deepEqual([...new Set(appPorts)], [...new Set(cfg.services.map((s) => s.port))]);
            assert.deepEqual(publicAlb(plan).inputs.securityGroups, [albSg]);
            assert.deepEqual(servicesLb(plan).inputs.securityGroups, [sgId("securecart-sg-svc-lb")]);
            const app = sgId("securecart-sg-app");
            assert.deepEqual(plan.stackOutputs.appSecurityGroupIds, [app], "the data tier allows the app group");
            for (const svc of ofType(plan, T.service))
                assert.deepEqual((svc.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups, [app]);
        });
    }

    it("a changed service port opens exactly that port from the services' load balancer", async () => {
        const plan = await planOf("prod", "services[0].port=9000");
        const app = String(ofType(plan, T.sg).find((g) => g.name === "securecart-sg-app")!.outputs.arn)
            .split("/")
            .pop();
        const ports = ofType(plan, T.ingress)
            .filter((r) => r.inputs.securityGroupId === app)
            .map((r) => r.inputs.fromPort)
            .sort();
        assert.deepEqual(ports, [8080, 9000]);
    });
});

describe("compute: the services' internal load balancer routes to them", () => {
    it("one rule per service, priorities ascending in config order, patterns that never overlap (pure)", () => {
        const services = [
            { name: "cart", pathPrefix: "/cart" },
            { name: "carts", pathPrefix: "/carts" },
            { name: "cart-x", pathPrefix: "/cart-x" },
        ];
        const rules = listenerRules(services);
        assert.deepEqual(
            rules.map((r) => r.priority),
            [100, 110, 120],
        );
        for (const a of rules) {
            const prefix = a.pathPatterns[0];
            for (const b of rules) {
                const matches = [prefix, `${prefix}/`, `${prefix}/x/y`].some((p) => b.pathPatterns.some((pat) => pathPatternMatches(pat, p)));
                assert.equal(matches, a === b, `${a.service} paths ${a === b ? "match" : "do not match"} ${b.service}'s rule`);
            }
        }
    });

    for (const stack of STACKS) {
        it(`${stack}: each service's rule on the internal load balancer's HTTPS listener forwards /api/<prefix> to its own IP target group`, async () => {
            const plan = await planOf(stack);
            const lb = servicesLb(plan);
            assert.equal(lb.inputs.internal, true);
            const https = ofType(plan, T.listener).find((l) => l.inputs.loadBalancerArn === lb.outputs.arn)!;
            assert.equal(https.inputs.port, 443);
            assert.equal(https.inputs.protocol, "HTTPS");
            assert.deepEqual((https.inputs.defaultActions as Array<Record<string, unknown>>)[0], {
                type: "fixed-response",
                fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
            });
            // The services' path rules; the storefront's catch-all from the edge is the public ALB's (the last priority).
            const all = ofType(plan, T.rule);
            const rules = all.filter((r) => !r.name.endsWith("-from-edge"));
            assert.equal(rules.length, cfg.services.length);
            assert.deepEqual(
                all.filter((r) => r.name.endsWith("-from-edge")).map((r) => r.inputs.priority),
                [50000],
            );
            const priorities = rules.map((r) => Number(r.inputs.priority));
            assert.deepEqual(
                priorities,
                [...priorities].sort((a, b) => a - b),
            );
            assert.equal(new Set(priorities).size, priorities.length, "priorities unique");
            cfg.services.forEach((s, i) => {
                const rule = rules[i];
                assert.equal(rule.inputs.listenerArn, https.outputs.arn);
                assert.deepEqual((rule.inputs.conditions as Array<{ pathPattern: { values: string[] } }>)[0].pathPattern.values, [
                    `/api${s.pathPrefix}`,
                    `/api${s.pathPrefix}/*`,
                ]);
                assert.equal(rule.deleteBeforeReplace, true, "a target group leaves its old load balancer before joining another");
                const tgArn = (rule.inputs.actions as Array<{ targetGroupArn: string }>)[0].targetGroupArn;
                const tg = outputOf(plan, T.tg, tgArn)!;
                assert.equal(tg.inputs.targetType, "ip");
                assert.equal(tg.inputs.port, s.port);
                const svc = ofType(plan, T.service).find((r) => r.inputs.name === s.name)!;
                assert.deepEqual(svc.inputs.loadBalancers, [{ targetGroupArn: tgArn, containerName: s.name, containerPort: s.port }]);
                assert.ok(svc.dependencies.includes(rule.urn), "the service waits for its rule (target group attached)");
            });
        });
    }
});

/** The shipped services' own cpu/memory (src/config.ts DEFAULT_SERVICES), written out. */
const SHIPPED_SERVICE_SIZES: Record<string, [number, number]> = { catalog: [256, 512], cart: [256, 512], orders: [512, 1024], payments: [512, 1024] };
/** Their task sizes with the default tracing collector (0 CPU units, 256 MiB), worked out by hand from the Fargate table. */
const SHIPPED_TASK_SIZES: Record<string, [string, string]> = {
    catalog: ["256", "1024"],
    cart: ["256", "1024"],
    orders: ["512", "2048"],
    payments: ["512", "2048"],
};

describe("compute: Fargate services", () => {
    for (const stack of STACKS) {
        it(`${stack}: tasks run non-root with a read-only root, own encrypted log groups and separate roles`, async () => {
            const plan = await planOf(stack);
            const cluster = ofType(plan, T.cluster)[0];
            assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
            const execRoles = new Set<unknown>();
            assert.deepEqual(
                cfg.services.map((s) => s.name),
                Object.keys(SHIPPED_TASK_SIZES),
                "the shipped services",
            );
            for (const s of cfg.services) {
                const td = ofType(plan, T.taskDef).find((t) => t.inputs.family === `securecart-svc-${s.name}`)!;
                // With tracing on (the default), the smallest Fargate size that holds the service and its collector.
                const t = cfg.operations.tracing;
                const size = t.enabled ? fargateTaskSize(s.cpu + t.cpu, s.memory + t.memoryMiB) : { cpu: s.cpu, memory: s.memory };
                assert.deepEqual(
                    [td.inputs.networkMode, td.inputs.requiresCompatibilities, td.inputs.cpu, td.inputs.memory],
                    ["awsvpc", ["FARGATE"], String(size.cpu), String(size.memory)],
                );
                // The same sizes worked out by hand from the shipped defaults (src/config.ts: catalog and cart 256/512,
                // orders and payments 512/1024; the collector 0 CPU units and 256 MiB) and the Fargate table: 256 + 0
                // units with 512 + 256 = 768 MiB fits 256/1024; 512 units with 1024 + 256 = 1280 MiB fits 512/2048.
                assert.deepEqual(
                    [t.enabled, t.cpu, t.memoryMiB, s.cpu, s.memory],
                    [true, 0, 256, ...SHIPPED_SERVICE_SIZES[s.name]],
                    `${s.name}: the shipped defaults`,
                );
                assert.deepEqual([td.inputs.cpu, td.inputs.memory], SHIPPED_TASK_SIZES[s.name], `${s.name}: its task size`);
                assert.notEqual(td.inputs.executionRoleArn, td.inputs.taskRoleArn, "execution and task roles are separate");
                execRoles.add(td.inputs.executionRoleArn);
                const [c] = JSON.parse(String(td.inputs.containerDefinitions));
                assert.equal(c.user, s.user);
                assert.notEqual(c.user, "0");
                assert.equal(c.privileged, false);
                assert.equal(c.readonlyRootFilesystem, true);
                assert.equal(c.image, DEFAULT_SERVICE_IMAGE);
                // Writable paths are tmpfs mounts any user may write, not task volumes (root-owned bind mounts on Fargate).
                assert.deepEqual(
                    c.linuxParameters.tmpfs,
                    s.writablePaths.map((path) => ({ containerPath: path, size: 64, mountOptions: ["rw", "nosuid", "nodev", "mode=1777"] })),
                );
                assert.deepEqual(c.linuxParameters.capabilities, { drop: ["ALL"] });
                // Only a service that shares files mounts anything: the shared file system (test/runtimeContracts.test.ts).
                if (s.sharedPath === undefined) {
                    assert.equal(c.mountPoints, undefined);
                    assert.equal(td.inputs.volumes, undefined);
                } else
                    assert.deepEqual(
                        c.mountPoints.map((m: { containerPath: string }) => m.containerPath),
                        [s.sharedPath],
                    );
                assert.equal(c.logConfiguration.options["awslogs-region"], plan.region);
                const lg = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").find(
                    (g) => g.outputs.name === c.logConfiguration.options["awslogs-group"],
                )!;
                assert.equal(lg.inputs.kmsKeyId, plan.stackOutputs.logsKeyArn);
                assert.ok(Number(lg.inputs.retentionInDays) > 0);
                const taskRole = outputOf(plan, "aws:iam/role:Role", td.inputs.taskRoleArn)!;
                // None of its own but, where the service shares files, mounting its access point, and, with tracing on, the
                // collector's X-Ray writes (test/runtimeContracts.test.ts checks both).
                assert.deepEqual(
                    ofType(plan, "aws:iam/rolePolicy:RolePolicy")
                        .filter((p) => p.inputs.role === taskRole.outputs.name)
                        .map((p) => p.name),
                    [
                        ...(cfg.operations.tracing.enabled ? [`${td.name.replace(/-task-def$/, "")}-task-tracing`] : []),
                        ...(s.sharedPath === undefined ? [] : [`${td.name.replace(/-task-def$/, "")}-task-files`]),
                    ],
                    "task role has no permissions but the shared files'",
                );
                assert.equal(
                    ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((p) => p.inputs.role === taskRole.outputs.name).length,
                    0,
                );
                const execRole = outputOf(plan, "aws:iam/role:Role", td.inputs.executionRoleArn)!;
                const execPolicy = JSON.parse(
                    String(ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.role === execRole.outputs.name)!.inputs.policy),
                );
                // A cache user also reads the cache's two parameters and decrypts the password (test/runtimeContracts.test.ts).
                const cacheParameters = ["endpoint", "password"].map(
                    (n) => `arn:aws:ssm:${plan.region}:123456789012:parameter/securecart/cache/${plan.region}/${n}`,
                );
                assert.deepEqual(
                    execPolicy.Statement.map((st: { Resource: string }) => st.Resource),
                    [`${lg.outputs.arn}:*`, ...(s.usesCache ? [cacheParameters, plan.stackOutputs.dataKeyArn] : [])],
                    "writes its own log group only (public image: no ECR rights), and reads the cache's parameters where it uses it",
                );
                const svc = ofType(plan, T.service).find((r) => r.inputs.name === s.name)!;
                assert.equal(svc.inputs.launchType, "FARGATE");
                assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                const net = svc.inputs.networkConfiguration as { assignPublicIp: boolean; subnets: string[] };
                assert.equal(net.assignPublicIp, false);
                for (const id of net.subnets) assert.equal((outputOf(plan, T.subnet, id)!.inputs.tags as Record<string, string>).tier, "private-app");
                const policy = ofType(plan, "aws:appautoscaling/policy:Policy").find((p) => String(p.inputs.resourceId).endsWith(`/${s.name}`))!;
                assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
            }
            assert.equal(execRoles.size, cfg.services.length, "one execution role per service");
        });
    }

    it("repository + tag runs the image from this region's registry, and only that repository may be pulled", async () => {
        const plan = await planOf("dr", "services[0].repository=catalog", "services[0].tag=v1.2.3");
        const td = ofType(plan, T.taskDef).find((t) => t.inputs.family === "securecart-svc-catalog")!;
        const [c] = JSON.parse(String(td.inputs.containerDefinitions));
        assert.equal(c.image, "123456789012.dkr.ecr.us-west-2.amazonaws.com/catalog:v1.2.3");
        const execRole = outputOf(plan, "aws:iam/role:Role", td.inputs.executionRoleArn)!;
        const policy = JSON.parse(
            String(ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.role === execRole.outputs.name)!.inputs.policy),
        );
        const pull = policy.Statement.find((s: { Sid: string }) => s.Sid === "PullOwnImage");
        assert.equal(pull.Resource, "arn:aws:ecr:us-west-2:123456789012:repository/catalog");
    });

    it("image references and writable volumes (pure)", () => {
        assert.equal(
            imageRef({ repository: "orders", tag: "abc" }, "111122223333", "eu-west-1"),
            "111122223333.dkr.ecr.eu-west-1.amazonaws.com/orders:abc",
        );
        assert.equal(imageRef({ image: "busybox:1" }, "1", "us-east-1"), "busybox:1");
        assert.deepEqual(writableVolumes(["/tmp", "/var/cache/nginx/"]), [
            { name: "tmp", path: "/tmp" },
            { name: "var-cache-nginx", path: "/var/cache/nginx/" },
        ]);
        assert.deepEqual(repositoryNames([{ name: "a" }, { name: "b", repository: "shared" }, { name: "c", repository: "shared" }]), ["a", "shared"]);
        assert.throws(() => storefrontUserData("/health'; rm -rf /"), /plain path segments/);
        assert.match(storefrontUserData("/"), /> '\/var\/www\/storefront\/index\.html'/);
    });
});

describe("compute: ECR", () => {
    it("repositories live in the home region only, encrypted under the CMK, replicated to every other region", async () => {
        const [prod, dr] = await planAll();
        const repos = ofType(prod, T.repo);
        assert.deepEqual(repos.map((r) => r.inputs.name).sort(), cfg.services.map((s) => s.name).sort());
        for (const r of repos) assert.deepEqual(r.inputs.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: prod.stackOutputs.dataKeyArn }]);
        const [rep] = ofType(prod, T.replication);
        const rule = (rep.inputs.replicationConfiguration as { rules: Array<{ destinations: Array<{ region: string }> }> }).rules[0];
        assert.deepEqual(
            rule.destinations.map((d) => d.region),
            cfg.regions.filter((r) => r !== prod.region),
        );
        assert.equal(ofType(dr, T.repo).length, 0);
        assert.equal(ofType(dr, T.replication).length, 0);
    });

    for (const strategy of STRATEGIES) {
        for (const primary of ["us-east-1", "us-west-2"]) {
            it(`${strategy}, primary ${primary}: the standby registry encrypts replicated repositories under its own data key (ROOT/REPLICATION template); the home stack replicates to it`, async () => {
                const plans = await planAll(`strategy=${strategy}`, `primaryRegion=${primary}`);
                const home = plans.find((p) => p.region === cfg.regions[0])!;
                const receivers = plans.filter((p) => p !== home);
                assert.ok(receivers.length >= 1);
                assert.equal(ofType(home, T.template).length, 0, "the home registry receives no replicas: no template");
                const [rep] = ofType(home, T.replication);
                const rule = (
                    rep.inputs.replicationConfiguration as {
                        rules: Array<{ destinations: Array<{ region: string; registryId: string }>; repositoryFilters: Array<{ filter: string }> }>;
                    }
                ).rules[0];
                assert.deepEqual(
                    rule.destinations.map((d) => d.region).sort(),
                    receivers.map((p) => p.region).sort(),
                    "replication covers every standby region",
                );
                assert.deepEqual(
                    rule.repositoryFilters.map((f) => f.filter).sort(),
                    ofType(home, T.repo)
                        .map((r) => r.inputs.name)
                        .sort(),
                );
                for (const plan of receivers) {
                    const templates = ofType(plan, T.template);
                    assert.equal(templates.length, 1, `${plan.stack}: one creation template`);
                    const [t] = templates;
                    assert.equal(t.inputs.prefix, "ROOT", "ROOT: the project's repository names have no namespace prefix");
                    assert.deepEqual(t.inputs.appliedFors, ["REPLICATION"]);
                    assert.deepEqual(t.inputs.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: plan.stackOutputs.dataKeyArn }]);
                    assert.match(
                        String(plan.stackOutputs.dataKeyArn),
                        new RegExp(`^arn:aws:kms:${plan.region}:`),
                        "the key of the template's own region",
                    );
                    assert.equal(t.inputs.imageTagMutability, "IMMUTABLE", "as the home repositories");
                    const role = outputOf(plan, "aws:iam/role:Role", t.inputs.customRoleArn);
                    assert.ok(role, "a custom role ECR assumes to apply the key");
                    const policy = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.role === role!.outputs.name)!;
                    assert.ok(t.dependencies.includes(policy.urn), "the role's permissions exist before the template");
                    for (const k of Object.keys(cfg.tags))
                        assert.ok((t.inputs.resourceTags as Record<string, string>)[k], `replicated repositories carry ${k}`);
                }
            });
        }
    }
});

describe("compute: every child is in the stack's region", () => {
    const ARN = /arn:aws:[a-z0-9-]+:([a-z0-9-]*):/g;
    for (const strategy of STRATEGIES) {
        it(`${strategy}: compute resources of both stacks use the stack's provider and reference only its region`, async () => {
            for (const plan of await planAll(`strategy=${strategy}`)) {
                const urns = byUrn(plan);
                const underCompute = (r: PlannedResource): boolean => {
                    for (let p = r.parent; p; p = urns.get(p)?.parent ?? null) if (urns.get(p)?.type.startsWith("securecart:compute:")) return true;
                    return false;
                };
                const compute = plan.resources.filter((r) => r.custom && underCompute(r));
                assert.ok(compute.length > 10, `${plan.stack}: compute resources planned`);
                for (const r of compute) {
                    assert.equal(urns.get(r.provider!)?.inputs.region, plan.region, `${r.name} provider`);
                    const text = JSON.stringify(r.inputs);
                    for (const m of text.matchAll(ARN)) assert.ok(m[1] === "" || m[1] === plan.region, `${plan.stack} ${r.name} references ${m[0]}`);
                    for (const m of text.matchAll(/"availabilityZone":"([a-z0-9-]+)"/g)) assert.ok(m[1].startsWith(plan.region));
                }
            }
        });
    }
});

describe("compute: bad input is rejected before anything is planned, all at once", () => {
    const cases: Array<[string, string[], RegExp]> = [
        [
            "a cpu/memory pair Fargate does not run",
            ["services[0].memory=3000"],
            /services\[0\]\.memory: got 3000 with cpu 256; expected a valid Fargate cpu\/memory pair \(256: 512\/1024\/2048/,
        ],
        ["an unknown Fargate cpu", ["services[1].cpu=300"], /services\[1\]\.cpu: got 300; expected a Fargate cpu value/],
        ["a duplicate service name", ["services[1].name=catalog"], /services\[1\]\.name: got "catalog"; expected a unique name/],
        ["a duplicate path prefix", ["services[2].pathPrefix=/cart"], /services\[2\]\.pathPrefix: got "\/cart"; expected a unique path prefix/],
        ["a port above 65535", ["services[0].port=70000"], /services\[0\]\.port: got 70000; expected 1-65535/],
        ["port 0", ["services[3].port=0"], /services\[3\]\.port: got 0; expected 1-65535/],
        ["web min above max", ["web.minSize=7", "web.desiredCapacity=7"], /web\.minSize: got 7, above securecart:web\.maxSize 6/],
        ["service min above max", ["services[0].minCount=11", "services[0].desiredCount=11"], /services\[0\]\.minCount: got 11, above maxCount 10/],
        [
            "a standby override with min above max",
            ["capacity.standby.web.min=3", "capacity.standby.web.max=2"],
            /capacity\.standby\.web\.min: got 3, above max 2/,
        ],
        [
            "a standby override with desired above max",
            ["capacity.standby.services.cart.desired=5", "capacity.standby.services.cart.max=4"],
            /capacity\.standby\.services\.cart\.desired: got 5, above max 4/,
        ],
        ["a warm-standby fraction of 0", ["capacity.warmStandbyFraction=0"], /capacity\.warmStandbyFraction: got 0; expected a number in \(0, 1\]/],
        [
            "a warm-standby fraction above 1",
            ["capacity.warmStandbyFraction=1.5"],
            /capacity\.warmStandbyFraction: got 1\.5; expected a number in \(0, 1\]/,
        ],
        ["a negative warm-standby fraction", ["capacity.warmStandbyFraction=-0.5"], /capacity\.warmStandbyFraction: got -0\.5/],
    ];
    for (const [what, overrides, message] of cases) {
        it(`${what} is named in the error`, async () => {
            const problems = await configProblems(() => planAll(...overrides));
            assert.ok(
                problems.some((p) => message.test(p)),
                `expected ${message} in:\n${problems.join("\n")}`,
            );
        });
    }

    it("several mistakes are reported together", async () => {
        const problems = await configProblems(() =>
            planAll("services[0].memory=3000", "services[1].name=catalog", "services[2].port=70000", "capacity.warmStandbyFraction=2"),
        );
        for (const key of ["services[0].memory", "services[1].name", "services[2].port", "capacity.warmStandbyFraction"]) {
            assert.ok(
                problems.some((p) => p.includes(key)),
                `${key} reported`,
            );
        }
    });

    it("the plan CLI exits 2 with the message and plans nothing", () => {
        const r = spawnSync(process.execPath, [...toolArgs("tools/plan.ts"), "--stack", "prod", "-c", "services[0].memory=3000", "--json"], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /services\[0\]\.memory: got 3000/);
        assert.equal(r.stdout, "");
    });
});
