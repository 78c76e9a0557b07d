/**
 * The policy pack, in-process: every policy passes the real planned resources and fails when one property
 * of one of them is altered. Fixtures are always resources the program really plans (planOf); a missing one
 * fails the test naming it. The same verdicts from the real analyzer over gRPC: test/policiesGrpc.test.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ORIGIN_VERIFY_HEADER } from "../components/edge";
import { albOnlyFromCloudFront } from "../policies/edge";
import { TAGGABLE_TYPES } from "../policies/security";
import { loadFromFiles } from "../src/configSource";
import { projectPolicyConfig, projectPolicyConfigOf, readPolicyConfigFile } from "../tools/policyConfig";
import type { Violation } from "../tools/policyRunner";
import { parse as parseYaml } from "yaml";
import type { PlannedResource } from "../tools/planner";
import { PROJECT_DIR, STACKS, STRATEGIES, files, planAll, planOf } from "./helpers";
import { MODULES, OWN_POLICIES, evaluateLocally, localConfig, localPackInfo } from "./policiesHarness";
import { CASES, T, albIngressFrom, asFirstPreview, clonePlan, named, pick, setProp, verdicts } from "./policyCases";

const policiesIn = (vs: readonly Violation[], name: string) => vs.filter((v) => v.policy === name);

describe("policy pack: every policy has a passing and a violating case on real planned resources", () => {
    it("every policy of the plain modules has at least one case", () => {
        const covered = new Set(CASES.map((c) => c.policy));
        assert.deepStrictEqual(
            OWN_POLICIES.map((p) => p.name).filter((n) => !covered.has(n)),
            [],
        );
    });

    for (const c of CASES) {
        const where = `${c.stack}${c.overrides?.length ? ` with ${c.overrides.join(" ")}` : ""}`;
        it(`${c.policy}: passes ${where} as planned, fails when ${c.change}`, async () => {
            const plan = await planOf(c.stack, ...(c.overrides ?? []));
            const before = policiesIn(await verdicts(plan), c.policy);
            assert.deepStrictEqual(before, [], `the planned stack must pass ${c.policy}`);
            const altered = clonePlan(plan);
            c.alter(altered);
            const after = policiesIn(await verdicts(altered), c.policy);
            assert.ok(after.length > 0, `${c.policy} must report when ${c.change}`);
            assert.ok(
                after.every((v) => v.enforcementLevel === "mandatory"),
                JSON.stringify(after),
            );
            if (c.says)
                assert.ok(
                    after.some((v) => c.says!.test(v.message)),
                    `expected a message matching ${c.says}, got ${after.map((v) => v.message).join(" | ")}`,
                );
        });
    }
});

describe("policy pack: the shipped stacks pass every mandatory policy", () => {
    for (const strategy of STRATEGIES) {
        for (const stack of ["prod", "dr"] as const) {
            it(`${stack} under ${strategy} has no mandatory violation (in-process)`, async () => {
                const plan = await planOf(stack, `strategy=${strategy}`);
                const mandatory = (await verdicts(plan)).filter((v) => v.enforcementLevel === "mandatory");
                assert.deepStrictEqual(mandatory, []);
            });
        }
    }

    it("with ARC failover control (RECOVERY_CONTROL health checks) both stacks stay compliant", async () => {
        for (const stack of ["prod", "dr"] as const) {
            const plan = await planOf(stack, "failoverControl=arc");
            assert.ok(
                plan.resources.some((r) => r.type === T.check && r.inputs.type === "RECOVERY_CONTROL"),
                `${stack} has a RECOVERY_CONTROL check`,
            );
            assert.deepStrictEqual(
                (await verdicts(plan)).filter((v) => v.enforcementLevel === "mandatory"),
                [],
                stack,
            );
        }
    });

    it("a drill (switchover to us-west-2 under pilot light) keeps both stacks compliant", async () => {
        for (const stack of ["prod", "dr"] as const) {
            const plan = await planOf(stack, "strategy=pilot-light", "primaryRegion=us-west-2");
            assert.deepStrictEqual(
                (await verdicts(plan)).filter((v) => v.enforcementLevel === "mandatory"),
                [],
                stack,
            );
        }
    });
});

describe("policy pack: how policies read the stack", () => {
    it("an unknown value skips the policy with an advisory note instead of failing it (as the engine does in preview)", async () => {
        const plan = clonePlan(await planOf("prod"));
        setProp(pick(plan, T.lt), "metadataOptions", "[unknown]");
        const vs = policiesIn(await verdicts(plan), "aws-ec2-imdsv2-required");
        assert.strictEqual(vs.length, 1);
        assert.strictEqual(vs[0].enforcementLevel, "advisory");
        assert.match(vs[0].message, /can't run policy 'aws-ec2-imdsv2-required'.*during preview/);
    });

    // Stack policies that cannot decide without a value read it strictly: unknown in a preview, they are skipped
    // with the engine's advisory note, never failed.
    for (const [policy, type, prop] of [
        ["aws-vpc-flow-logs-enabled", T.flowLog, "trafficType"],
        ["aws-security-group-no-public-ingress", T.lb, "loadBalancerType"],
        ["aws-security-group-no-public-ingress", T.sg, "ingress"],
        ["aws-cloudfront-viewer-tls", T.cdn, "viewerCertificate"],
        ["aws-waf-managed-rules-and-rate-limit", T.waf, "rules"],
    ] as const) {
        it(`${policy}: an unknown ${prop} on the planned ${type.split(":").pop()} skips it with an advisory note`, async () => {
            const plan = clonePlan(await planOf("prod"));
            const before = policiesIn(await verdicts(plan), policy);
            assert.deepStrictEqual(before, [], `the planned stack passes ${policy}`);
            setProp(pick(plan, type), prop, "[unknown]");
            const vs = policiesIn(await verdicts(plan), policy);
            assert.strictEqual(vs.length, 1, JSON.stringify(vs));
            assert.strictEqual(vs[0].enforcementLevel, "advisory");
            assert.match(vs[0].message, new RegExp(`can't run policy '${policy}'.*during preview`));
        });
    }

    it("in a first preview (outputs unknown) nothing is failed for a pending reference, and every stack policy still runs", async () => {
        for (const strategy of STRATEGIES) {
            for (const stack of ["prod", "dr"] as const) {
                const plan = asFirstPreview(await planOf(stack, `strategy=${strategy}`));
                const vs = await verdicts(plan);
                assert.deepStrictEqual(
                    vs.filter((v) => v.enforcementLevel === "mandatory"),
                    [],
                    `${stack} under ${strategy}`,
                );
                const skippedStack = vs.filter(
                    (v) => /^can't run/.test(v.message) && OWN_POLICIES.some((p) => p.name === v.policy && "validateStack" in p),
                );
                assert.deepStrictEqual(skippedStack, [], `${stack} under ${strategy}: stack policies must not be skipped for unknown values`);
            }
        }
        // And a pending key reference still counts as a customer-managed key, while a missing one does not.
        const plan = asFirstPreview(await planOf("dr"));
        setProp(pick(plan, T.vault), "kmsKeyArn", undefined);
        assert.strictEqual(policiesIn(await verdicts(plan), "aws-backup-vault-encrypted-cmk").length, 1);
    });

    it("with ALB ports allowed from the internet (albPorts, a project without the edge), the open group must front only ALBs", async () => {
        const plan = clonePlan(await planOf("dr"));
        albIngressFrom(plan, "0.0.0.0/0");
        const config = localConfig(projectPolicyConfig([plan.config]), { "aws-security-group-no-public-ingress": { albPorts: [443] } });
        const policy = "aws-security-group-no-public-ingress";
        assert.deepStrictEqual(policiesIn(await evaluateLocally(plan, config), policy), [], "443 from anywhere is allowed on the ALB's group");
        pick(plan, T.svc).propertyDependencies.networkConfiguration.push(pick(plan, T.sg, named("sg-alb")).urn);
        const vs = policiesIn(await evaluateLocally(plan, config), policy);
        assert.ok(vs.length > 0 && vs.every((v) => v.enforcementLevel === "mandatory"), JSON.stringify(vs));
        assert.match(vs[0].message, /also attached to Service/);
        // The shipped default admits nothing from the internet, ALB included.
        assert.match(policiesIn(await verdicts(plan), policy)[0]?.message ?? "", /nothing is open to the internet/);
    });

    it("dr-asset-buckets-replicated: on a first deployment (no peer stack has outputs yet) the home stack needs no rule; once a peer's outputs name its bucket, it does", async () => {
        const plan = clonePlan(await planOf("prod"));
        const policy = "dr-asset-buckets-replicated";
        plan.resources = plan.resources.filter((r) => r.type !== T.replication);
        const ref = pick(plan, T.stackRef);
        const deployed = ref.outputs.outputs;
        // A first deployment: the home stack goes first, the other stacks exist but have no outputs.
        ref.outputs.outputs = {};
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        ref.outputs.outputs = deployed;
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /must replicate into us-west-2's asset bucket securecart-assets-123456789012-us-west-2/,
        );
    });

    it("dr-order-event-endpoint: on a first deployment (the other stack has no bus yet) the home stack needs no endpoint; once its outputs name a bus, it does", async () => {
        const plan = clonePlan(await planOf("prod"));
        const policy = "dr-order-event-endpoint";
        plan.resources = plan.resources.filter((r) => r.type !== T.endpoint);
        const ref = pick(plan, T.stackRef);
        const deployed = ref.outputs.outputs;
        ref.outputs.outputs = {};
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        ref.outputs.outputs = deployed;
        assert.match(policiesIn(await verdicts(plan), policy)[0]?.message ?? "", /must own a global endpoint over the order buses/);
    });

    it("dr-order-event-endpoint: no stack has a global endpoint under pilot light, nor a stack other than the home stack", async () => {
        const policy = "dr-order-event-endpoint";
        const endpoint = pick(await planOf("prod"), T.endpoint);
        for (const [stack, strategy, why] of [
            ["prod", "pilot-light", /pilot-light has no global endpoint/],
            ["dr", "active-active", /the home stack owns the global endpoint/],
        ] as const) {
            const plan = clonePlan(await planOf(stack, `strategy=${strategy}`));
            assert.deepStrictEqual(
                plan.resources.filter((r) => r.type === T.endpoint),
                [],
                `${stack} under ${strategy} plans no endpoint`,
            );
            plan.resources.push({ ...(JSON.parse(JSON.stringify(endpoint)) as PlannedResource), urn: `${endpoint.urn}-${stack}` });
            const vs = policiesIn(await verdicts(plan), policy);
            assert.ok(vs.length === 1 && why.test(vs[0].message), JSON.stringify(vs));
        }
    });

    it("dr-order-pipeline-matches-strategy: a backup-restore standby keeps only the pipeline's queues; a function there is refused", async () => {
        const policy = "dr-order-pipeline-matches-strategy";
        const plan = clonePlan(await planOf("dr", "strategy=backup-restore"));
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        assert.ok(plan.resources.some((r) => r.type === T.queue) && !plan.resources.some((r) => r.type === T.fn));
        const fn = pick(await planOf("dr", "strategy=pilot-light"), T.fn, named("order-processor"));
        plan.resources.push(JSON.parse(JSON.stringify(fn)) as PlannedResource);
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /Function "securecart-orders-order-processor" must not exist: the pipeline does not run in the backup-restore standby in us-west-2/,
        );
    });

    it("aws-sqs-dead-letter-queues: the function-failures queue is terminal by its denyAll redrive-allow policy, also where nothing names it (a backup-restore standby)", async () => {
        const policy = "aws-sqs-dead-letter-queues";
        const plan = await planOf("dr", "strategy=backup-restore");
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        const allow = plan.resources.find(
            (r) => r.type === "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy" && r.name.endsWith("function-failures-redrive-allow"),
        )!;
        assert.deepStrictEqual(JSON.parse(String(allow.inputs.redriveAllowPolicy)), { redrivePermission: "denyAll" });
        const without = { ...plan, resources: plan.resources.filter((r) => r !== allow) };
        assert.deepStrictEqual(
            policiesIn(await verdicts(without), policy).map((v) => v.message),
            [
                'Queue "securecart-orders-function-failures" must have a redrive policy to a dead-letter queue (an aws.sqs.RedrivePolicy on its URL); it has none.',
            ],
        );
    });

    it("aws-elasticache-baseline: a Global Datastore secondary sets no engine or encryption parameters (it inherits them) and passes; a standalone group without them fails", async () => {
        const policy = "aws-elasticache-baseline";
        const plan = clonePlan(await planOf("dr"));
        const g = pick(plan, T.cacheGroup, (r) => r.inputs.globalReplicationGroupId !== undefined, "joining the Global Datastore");
        for (const k of ["engine", "engineVersion", "nodeType", "atRestEncryptionEnabled", "transitEncryptionEnabled"])
            assert.strictEqual(g.inputs[k], undefined, `the secondary sets no ${k}`);
        // It may also leave Multi-AZ and automatic failover to the primary's.
        setProp(g, "multiAzEnabled", undefined);
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        setProp(g, "globalReplicationGroupId", undefined);
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /at-rest encryption must be on \(atRestEncryptionEnabled null\); in-transit encryption must be on \(transitEncryptionEnabled null\).*multiAzEnabled must be true \(null\)/,
        );
    });

    it("dr-cache-matches-strategy: before the home stack's Global Datastore exists a member region has no cache; once its outputs name the datastore, it must join", async () => {
        const policy = "dr-cache-matches-strategy";
        const plan = clonePlan(await planOf("dr"));
        plan.resources = plan.resources.filter((r) => r.type !== T.cacheGroup);
        const ref = pick(plan, T.stackRef, (r) => typeof (r.outputs.outputs as Record<string, unknown>)?.cacheGlobalDatastoreId === "string");
        const deployed = ref.outputs.outputs as Record<string, unknown>;
        ref.outputs.outputs = { ...deployed, cacheGlobalDatastoreId: undefined };
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        ref.outputs.outputs = deployed;
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /must have its cache, a secondary of the Global Datastore \S+ the home stack deployed; it plans none/,
        );
    });

    it("dr-files-match-strategy: on a first deployment (no other stack's file system yet) the primary replicates nothing; once a peer's outputs name one, it must", async () => {
        const policy = "dr-files-match-strategy";
        const plan = clonePlan(await planOf("prod"));
        plan.resources = plan.resources.filter((r) => r.type !== T.filesReplication);
        const ref = pick(plan, T.stackRef);
        const deployed = ref.outputs.outputs;
        ref.outputs.outputs = {};
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        ref.outputs.outputs = deployed;
        assert.match(policiesIn(await verdicts(plan), policy)[0]?.message ?? "", /must replicate its file system into us-west-2's fs-\w+/);
    });

    it("dr-files-match-strategy: after an unplanned failover the new primary replicates nothing back into the failed region, and a FilesReplication there is refused", async () => {
        const policy = "dr-files-match-strategy";
        const plan = clonePlan(await planOf("dr", "strategy=pilot-light", "primaryRegion=us-west-2", "failoverMode=unplanned"));
        assert.strictEqual(pick(plan, T.filesPrimary).inputs.mode, "failover");
        assert.ok(!plan.resources.some((r) => r.type === T.filesReplication), "the program plans no replication out");
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        const replication = pick(await planOf("prod", "strategy=pilot-light"), T.filesReplication);
        plan.resources.push(JSON.parse(JSON.stringify(replication)) as PlannedResource);
        assert.match(policiesIn(await verdicts(plan), policy)[0]?.message ?? "", /an unplanned failover cannot replicate into the failed region/);
    });

    it("dr-asset-buckets-replicated: a first preview's pending rules are not judged", async () => {
        const preview = asFirstPreview(await planOf("dr"));
        assert.strictEqual(pick(preview, T.replication).inputs.rules, "[unknown]");
        assert.deepStrictEqual(policiesIn(await verdicts(preview), "dr-asset-buckets-replicated"), []);
    });

    it("aws-waf-managed-rules-and-rate-limit follows the project's config: a group may count only where securecart:edge.waf.ruleGroups says so, and the rate rule takes edge.waf.rateAction", async () => {
        const policy = "aws-waf-managed-rules-and-rate-limit";
        const plan = await planOf("prod", "edge.waf.ruleGroups.sqlInjection=count", "edge.waf.rateAction=count");
        const waf = pick(plan, T.waf);
        const rules = waf.inputs.rules as Array<{ name: string; overrideAction?: object; action?: object }>;
        assert.deepStrictEqual(
            rules.find((r) => r.name === "AWSManagedRulesSQLiRuleSet")?.overrideAction,
            { count: {} },
            "the plan follows the config",
        );
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), [], "what the project's config asks for passes");
        // The same web ACL judged against the shipped defaults (every group and the rate rule block) fails twice.
        const vs = policiesIn(await evaluateLocally(plan, localConfig({})), policy);
        assert.deepStrictEqual(vs.map((v) => v.message).sort(), [
            "The AWS managed rule group AWSManagedRulesSQLiRuleSet runs in count mode (overrideAction count) and blocks nothing, while the project's config has it block (securecart:edge.waf.ruleGroups); set overrideAction none.",
            "The rate-based rule must block (action block), as securecart:edge.waf.rateAction says; it has action count.",
        ]);
    });

    it("dr-failure-detection-within-rto counts Route 53's reaction to the alarm, read with the project's estimate overrides", async () => {
        const policy = "dr-failure-detection-within-rto";
        assert.deepStrictEqual(policiesIn(await verdicts(await planOf("prod")), policy), [], "3 x 60 s + 60 s = 240 s fits the default budget");
        const slow = await planOf("prod", `estimates={"route53AlarmReactionSeconds":61}`);
        assert.match(policiesIn(await verdicts(slow), policy)[0]?.message ?? "", /60 s x 3 \+ 61 s .*= 241 s; it must be at most 240 s/);
    });

    it("aws-alb-only-from-cloudfront: the origin header it requires is the one the edge sends, and is configurable", async () => {
        const policy = "aws-alb-only-from-cloudfront";
        const schema = albOnlyFromCloudFront.configSchema?.properties?.originVerifyHeader as { default?: unknown };
        assert.strictEqual(schema.default, ORIGIN_VERIFY_HEADER);
        const plan = await planOf("dr");
        const config = localConfig(projectPolicyConfig([plan.config]), { [policy]: { originVerifyHeader: "X-Edge-Secret" } });
        const vs = policiesIn(await evaluateLocally(plan, config), policy);
        assert.ok(vs.length > 0 && vs.every((v) => /not the origin header X-Edge-Secret/.test(v.message)), JSON.stringify(vs));
    });

    it("aws-alb-only-from-cloudfront: a rule whose origin-header value is only a wildcard matches any request", async () => {
        const plan = clonePlan(await planOf("prod"));
        const r = pick(plan, T.listenerRule, (x) => x.name.includes("web-from-edge"));
        setProp(r, "conditions.0.httpHeader.values", ["*"]);
        assert.match(policiesIn(await verdicts(plan), "aws-alb-only-from-cloudfront")[0]?.message ?? "", /without a secret value/);
    });

    it("dr-tier-alarms-exist is role-aware: a pilot-light standby desires no instance or task, so it needs no below-desired alarm; once its web tier desires one, it does", async () => {
        const policy = "dr-tier-alarms-exist";
        const plan = clonePlan(await planOf("dr", "strategy=pilot-light"));
        const kind = (r: PlannedResource) => (r.inputs.tags as Record<string, string> | undefined)?.["securecart:alarm"];
        assert.deepStrictEqual(
            plan.resources.filter((r) => r.type === T.alarm && ["asgBelowDesired", "servicesBelowDesired"].includes(kind(r) ?? "")),
            [],
            "the pilot-light standby plans no below-desired alarm",
        );
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        setProp(pick(plan, T.asg), "desiredCapacity", 1);
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /pilot-light standby in us-west-2 must have its asgBelowDesired \(page\) alarm about Group "securecart-web-asg".*it has no asgBelowDesired alarm/,
        );
    });

    it("dr-tier-alarms-exist knows an alarm by the resource it watches: the cart's below-desired alarm turned on the orders service leaves the cart unwatched", async () => {
        const policy = "dr-tier-alarms-exist";
        const plan = clonePlan(await planOf("dr"));
        const cart = pick(plan, T.alarm, (r) => r.name.endsWith("services-below-desired-cart"));
        const orders = pick(plan, T.svc, (r) => r.inputs.name === "orders");
        setProp(
            cart,
            "metricQueries",
            JSON.parse(JSON.stringify(cart.inputs.metricQueries).replace(/"ServiceName":"cart"/g, '"ServiceName":"orders"')),
        );
        cart.propertyDependencies.metricQueries = [orders.urn];
        assert.match(
            policiesIn(await verdicts(plan), policy)[0]?.message ?? "",
            /servicesBelowDesired \(page\) alarm about Service "\S*cart\S*".*its servicesBelowDesired alarms read no ECS\/ContainerInsights RunningTaskCount/,
        );
    });

    it("aws-log-group-retention: one config value moves every audit log group, a tier's own shorter value fails, and the minimum is the policy's config", async () => {
        const policy = "aws-log-group-retention";
        assert.deepStrictEqual(policiesIn(await verdicts(await planOf("prod", "auditLogRetentionDays=400")), policy), []);
        assert.match(
            policiesIn(await verdicts(await planOf("prod", "network.flowLogRetentionDays=90")), policy)[0]?.message ?? "",
            /LogGroup "securecart-net-flow-logs" receives VPC flow logs .* it keeps 90\./,
        );
        const plan = await planOf("prod");
        const config = localConfig(projectPolicyConfig([plan.config]), { [policy]: { minAuditRetentionDays: 400 } });
        const named = policiesIn(await evaluateLocally(plan, config), policy).map((v) => /^LogGroup "([^"]+)"/.exec(v.message)?.[1]);
        assert.deepStrictEqual(named.sort(), [
            "securecart-api-logs-access",
            "securecart-edge-access-logs",
            "securecart-edge-waf-logs",
            "securecart-net-flow-logs",
            "securecart-trail-logs-trail",
        ]);
    });

    it("aws-cloudtrail-baseline applies to the home stack only: the standby has no trail and passes, and the same stack taken as home must have one", async () => {
        const policy = "aws-cloudtrail-baseline";
        const plan = await planOf("dr");
        assert.deepStrictEqual(
            plan.resources.filter((r) => r.type === T.trail),
            [],
            "the standby plans no trail",
        );
        assert.deepStrictEqual(policiesIn(await verdicts(plan), policy), []);
        const asHome = localConfig(projectPolicyConfig([plan.config]), { [policy]: { regions: ["us-west-2", "us-east-1"] } });
        assert.match(
            policiesIn(await evaluateLocally(plan, asHome), policy)[0]?.message ?? "",
            /The home stack in us-west-2 must have the account's multi-Region trail .*; it has none/,
        );
    });

    it("the standby's role comes from the role tag on its health check, before primaryRegion in the config", async () => {
        const plan = clonePlan(await planOf("dr"));
        // Claim the dr stack is primary in the policy config: the tag still says standby, so the standby checks run.
        setProp(pick(plan, T.asg), "desiredCapacity", 0);
        const config = localConfig(projectPolicyConfig([{ ...plan.config, "securecart:primaryRegion": "us-west-2" }]));
        const vs = policiesIn(await evaluateLocally(plan, config), "dr-capacity-matches-strategy");
        assert.match(vs[0]?.message ?? "", /warm-standby standby in us-west-2/);
    });

    it("without a role tag the role comes from primaryRegion, and is skipped when that is unknown", async () => {
        const plan = clonePlan(await planOf("dr", "strategy=backup-restore"));
        assert.deepStrictEqual(
            plan.resources.filter((r) => r.type === T.check),
            [],
            "a backup-restore standby has no health check",
        );
        // The program tags the VPC with the role; remove it to exercise the fallback.
        const tagged = plan.resources.filter((r) => (r.inputs.tags as Record<string, string> | undefined)?.role !== undefined);
        assert.ok(tagged.length > 0, "the program tags the stack's role somewhere");
        for (const r of tagged) {
            for (const bag of [r.inputs.tags, r.outputs.tags, r.outputs.tagsAll]) if (bag) delete (bag as Record<string, string>).role;
        }
        pick(plan, T.vault);
        plan.resources = plan.resources.filter((r) => r.type !== T.vault);
        const withFacts = policiesIn(await verdicts(plan), "dr-standby-has-strategy-resources");
        assert.match(withFacts[0]?.message ?? "", /backup-restore standby in us-west-2 must have a backup vault/);
        const noFacts = policiesIn(await evaluateLocally(plan, localConfig({})), "dr-standby-has-strategy-resources");
        assert.deepStrictEqual(noFacts, []);
    });

    it("a resource created through a provider for another region violates dr-resources-in-stack-region", async () => {
        const plan = clonePlan(await planOf("dr"));
        const def = pick(plan, "pulumi:providers:aws", (r) => r.name.startsWith("default"));
        // An explicit provider like the default one, for us-east-1 (the program never makes one).
        const east: PlannedResource = {
            ...def,
            name: "east",
            urn: def.urn.replace(/::default_\w+$/, "::east"),
            inputs: { ...def.inputs, region: "us-east-1" },
            outputs: { ...def.outputs, region: "us-east-1" },
        };
        plan.resources.push(east);
        const group = pick(plan, T.logGroup);
        group.provider = east.urn;
        const vs = policiesIn(await verdicts(plan), "dr-resources-in-stack-region");
        assert.deepStrictEqual(
            vs.map((v) => [v.urn, v.message]),
            [[group.urn, `LogGroup "${group.name}" must be created in the stack's region us-west-2; its provider puts it in us-east-1.`]],
        );
    });

    it("an enforcement level set in the policy config applies (advisory here, disabled for another)", async () => {
        const plan = clonePlan(await planOf("prod"));
        setProp(pick(plan, T.cluster), "storageEncrypted", false);
        setProp(pick(plan, T.lb), "dropInvalidHeaderFields", false);
        const vs = await evaluateLocally(
            plan,
            localConfig(projectPolicyConfig([plan.config]), {
                "aws-rds-storage-encrypted-cmk": "advisory",
                "aws-alb-drop-invalid-header-fields": { enforcementLevel: "disabled" },
            }),
        );
        assert.deepStrictEqual(
            policiesIn(vs, "aws-rds-storage-encrypted-cmk").map((v) => v.enforcementLevel),
            ["advisory"],
        );
        assert.deepStrictEqual(policiesIn(vs, "aws-alb-drop-invalid-header-fields"), []);
    });
});

describe("policy pack: structure", () => {
    it("every policy has a kebab-case name, a description, a severity, an enforcement level and remediation steps", () => {
        const names = new Set<string>();
        for (const p of OWN_POLICIES) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, p.name);
            assert.ok(!names.has(p.name), `duplicate ${p.name}`);
            names.add(p.name);
            assert.ok(p.description.length > 20 && p.description.endsWith("."), `${p.name}: description`);
            assert.ok(["low", "medium", "high", "critical"].includes(p.severity), `${p.name}: severity`);
            assert.ok(["advisory", "mandatory", "remediate", "disabled"].includes(p.enforcementLevel), `${p.name}: level`);
            assert.ok(p.remediationSteps.length > 20, `${p.name}: remediation steps`);
            for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok(
                    typeof s === "object" && s.default !== undefined && typeof s.description === "string",
                    `${p.name}.${k}: a default and a description`,
                );
            }
        }
    });

    it("index.ts lists every exported policy of every area module explicitly and only constructs the pack", () => {
        const src = fs.readFileSync(path.join(PROJECT_DIR, "policies", "index.ts"), "utf8");
        const list = /policies:\s*\[([\s\S]*?)\]/.exec(src)?.[1] ?? "";
        const listed = new Set(list.split(/[\s,]+/).filter((w) => /^[A-Za-z]\w*$/.test(w)));
        for (const [area, mod] of Object.entries(MODULES)) {
            for (const [exported, v] of Object.entries(mod)) {
                if (OWN_POLICIES.includes(v as never)) assert.ok(listed.has(exported), `policies/index.ts must list ${exported} from ${area}.ts`);
            }
        }
        assert.strictEqual((src.match(/new PolicyPack\(/g) ?? []).length, 1);
        assert.doesNotMatch(src.replace(/\/\*[\s\S]*?\*\//g, ""), /export /);
    });

    it("the taggable-type list names only types with a tags input, and covers every taggable type the program plans", async () => {
        const dts = (type: string) => {
            const [mod, file] = type.split(":")[1].split("/");
            return fs.readFileSync(path.join(PROJECT_DIR, "node_modules", "@pulumi", "aws", mod, `${file}.d.ts`), "utf8");
        };
        for (const t of TAGGABLE_TYPES) assert.match(dts(t), /\n\s+tags\?: pulumi\.Input</, `${t} has no tags input`);
        const planned = new Set<string>();
        for (const s of STRATEGIES)
            for (const p of await planAll(`strategy=${s}`)) for (const r of p.resources) if (r.type.startsWith("aws:")) planned.add(r.type);
        for (const p of await planAll("failoverControl=arc")) for (const r of p.resources) if (r.type.startsWith("aws:")) planned.add(r.type);
        const missing = [...planned].filter((t) => /\n\s+tagsAll\?: pulumi\.Input</.test(dts(t)) && !TAGGABLE_TYPES.includes(t));
        assert.deepStrictEqual(missing, []);
    });

    it("the shipped config.example.json is a valid policy config and carries the project's facts", () => {
        const example = readPolicyConfigFile(path.join(PROJECT_DIR, "policies", "config.example.json"));
        localConfig(example); // throws on an unknown policy, property or level
        const facts = projectPolicyConfigOf(loadFromFiles(files, []));
        for (const [policy, props] of Object.entries(facts)) {
            for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
                assert.deepStrictEqual((example[policy] as Record<string, unknown> | undefined)?.[k], v, `config.example.json ${policy}.${k}`);
            }
        }
    });

    it("a policy config with a typo, an unknown policy or a bad level is rejected, every problem at once", () => {
        assert.throws(
            () =>
                localConfig({
                    "aws-rds-backup-retention": { minDay: 7 },
                    "no-such-policy": "mandatory",
                    "dr-routing-record-ttl": { enforcementLevel: "strict" as never },
                }),
            (e: Error) =>
                /minDay: unknown property/.test(e.message) &&
                /"no-such-policy" is not a policy/.test(e.message) &&
                /expected one of advisory, mandatory/.test(e.message),
        );
        assert.throws(() => localConfig({ "aws-rds-backup-retention": { minDays: "seven" } }), /expected an integer/);
        assert.ok(localPackInfo().policies.length >= OWN_POLICIES.length);
    });

    it("the pull-request workflow runs npm test and previews every stack with the policy pack and its config", () => {
        const wf = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "pull-request.yml"), "utf8")) as {
            on: Record<string, unknown>;
            jobs: Record<
                string,
                { strategy?: { matrix?: { stack?: string[] } }; steps: Array<{ run?: string; uses?: string; with?: Record<string, unknown> }> }
            >;
        };
        assert.ok("pull_request" in wf.on);
        const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
        assert.ok(steps.some((st) => st.run === "npm test"));
        const preview = Object.values(wf.jobs).find((j) => j.steps.some((st) => st.uses?.startsWith("pulumi/actions@")))!;
        assert.deepStrictEqual([...(preview.strategy?.matrix?.stack ?? [])].sort(), [...STACKS].sort());
        const step = preview.steps.find((st) => st.uses?.startsWith("pulumi/actions@"))!;
        assert.strictEqual(step.with?.command, "preview");
        assert.strictEqual(step.with?.policyPacks, "policies");
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, String(step.with?.policyPackConfigs))));
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, "policies", "PulumiPolicy.yaml")));
    });
});
