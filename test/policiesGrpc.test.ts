/**
 * The policy pack run by the real analyzer: policies/index.ts loaded by @pulumi/pulumi's run-policy-pack
 * in its own process, spoken to over pulumirpc.Analyzer (tools/policyRunner.ts), exactly as the engine
 * does. Holds the in-process verdicts (test/policiesHarness.ts) equal to the analyzer's, and the CLIs'
 * exit codes on saved plans.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toJson } from "../tools/plan";
import type { StackPlan } from "../tools/planner";
import { readPlanFile } from "../tools/policyCheck";
import { projectPolicyConfig } from "../tools/policyConfig";
import { runPolicies } from "../tools/policyReport";
import { PolicyAnalyzer, Violation } from "../tools/policyRunner";
import { PROJECT_DIR, STRATEGIES, planAll, planOf } from "./helpers";
import { ALL_POLICIES, PACK_NAME, evaluateLocally, localConfig } from "./policiesHarness";
import { CASES, asFirstPreview, clonePlan } from "./policyCases";

const key = (v: Violation) => `${v.policy}|${v.enforcementLevel}|${v.urn}|${v.message}`;
const sorted = (vs: readonly Violation[]) => vs.map(key).sort();

type SavedResource = {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    propertyDependencies: Record<string, string[]>;
};
type SavedPlan = { stack: string; resources: SavedResource[] } & Record<string, unknown>;

/** A plan as `npm run plan -- --json` saves it. */
function saved(plan: StackPlan): SavedPlan {
    return JSON.parse(JSON.stringify(toJson(plan))) as SavedPlan;
}

function edit(
    doc: SavedPlan,
    type: string,
    where: (r: SavedResource) => boolean,
    change: (props: Record<string, unknown>, r: SavedResource) => void,
): void {
    const rs = doc.resources.filter((r) => r.type === type && where(r));
    assert.ok(rs.length > 0, `the saved plan of ${doc.stack} has no ${type} to edit`);
    for (const r of rs) {
        change(r.inputs, r);
        change(r.outputs, r);
    }
}

/** The edits the issue names, each on a real saved plan, and the policy each must trip. */
const EDITS: ReadonlyArray<{ what: string; stack: "prod" | "dr"; policy: string; apply: (doc: SavedPlan) => void }> = [
    {
        what: "storage encryption off",
        stack: "prod",
        policy: "aws-rds-storage-encrypted-cmk",
        apply: (d) =>
            edit(
                d,
                "aws:rds/cluster:Cluster",
                () => true,
                (p) => {
                    p.storageEncrypted = false;
                },
            ),
    },
    {
        what: "an SSH rule from 0.0.0.0/0",
        stack: "dr",
        policy: "aws-security-group-no-ssh-rdp-from-internet",
        apply: (d) =>
            edit(
                d,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                (r) => r.name.includes("web-in-alb"),
                (p, r) => {
                    p.fromPort = 22;
                    p.toPort = 22;
                    p.cidrIpv4 = "0.0.0.0/0";
                    delete p.referencedSecurityGroupId;
                    delete r.propertyDependencies.referencedSecurityGroupId;
                },
            ),
    },
    {
        what: "a failover record without a health check",
        stack: "prod",
        policy: "dr-routing-records-have-health-checks",
        apply: (d) =>
            edit(
                d,
                "aws:route53/record:Record",
                (r) => Array.isArray(r.inputs.failoverRoutingPolicies),
                (p, r) => {
                    delete p.healthCheckId;
                    delete r.propertyDependencies.healthCheckId;
                },
            ),
    },
    {
        what: "a distribution without its web ACL",
        stack: "prod",
        policy: "aws-cloudfront-waf-attached",
        apply: (d) =>
            edit(
                d,
                "aws:cloudfront/distribution:Distribution",
                () => true,
                (p, r) => {
                    delete p.webAclId;
                    delete r.propertyDependencies.webAclId;
                },
            ),
    },
    {
        what: "an ALB that admits 0.0.0.0/0 instead of CloudFront's prefix list",
        stack: "dr",
        policy: "aws-alb-only-from-cloudfront",
        apply: (d) =>
            edit(
                d,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                (r) => r.name.includes("alb-in-https"),
                (p) => {
                    delete p.prefixListId;
                    p.cidrIpv4 = "0.0.0.0/0";
                },
            ),
    },
    {
        what: "a TTL of 300",
        stack: "dr",
        policy: "dr-routing-record-ttl",
        apply: (d) =>
            edit(
                d,
                "aws:route53/record:Record",
                (r) => Array.isArray(r.inputs.failoverRoutingPolicies) && r.name === "securecart-dns-record",
                (p) => {
                    p.ttl = 300;
                },
            ),
    },
    {
        what: "a warm standby at zero capacity",
        stack: "dr",
        policy: "dr-capacity-matches-strategy",
        apply: (d) => {
            edit(
                d,
                "aws:autoscaling/group:Group",
                () => true,
                (p) => {
                    p.minSize = 0;
                    p.desiredCapacity = 0;
                },
            );
            edit(
                d,
                "aws:ecs/service:Service",
                () => true,
                (p) => {
                    p.desiredCount = 0;
                },
            );
            edit(
                d,
                "aws:appautoscaling/target:Target",
                () => true,
                (p) => {
                    p.minCapacity = 0;
                },
            );
        },
    },
];

function tmpFile(name: string, content: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "securecart-policy-"));
    const f = path.join(dir, name);
    fs.writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return f;
}

function npm(...args: string[]) {
    const r = spawnSync("npm", ["run", "-s", ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        timeout: 600000,
        // The JSON plan of both stacks is over a megabyte, spawnSync's default buffer.
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

describe("policy pack over gRPC: the real analyzer process", function () {
    this.timeout(600000);
    let analyzer: PolicyAnalyzer;

    before(async () => {
        analyzer = await PolicyAnalyzer.start();
    });
    after(() => analyzer?.close());

    it("GetAnalyzerInfo lists exactly the pack's policies, with their levels, severities, remediation and config schemas", async () => {
        const info = await analyzer.info();
        assert.strictEqual(info.name, PACK_NAME);
        assert.strictEqual(info.version, JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policies", "package.json"), "utf8")).version);
        assert.deepStrictEqual(info.policies.map((p) => p.name).sort(), ALL_POLICIES.map((p) => p.name).sort());
        for (const p of ALL_POLICIES) {
            const got = info.policies.find((x) => x.name === p.name)!;
            assert.strictEqual(got.enforcementLevel, p.enforcementLevel, p.name);
            assert.strictEqual(got.severity, p.severity, p.name);
            assert.strictEqual(got.description, p.description, p.name);
            assert.strictEqual(got.remediationSteps, p.remediationSteps, p.name);
            assert.strictEqual(got.kind, "validateStack" in p ? "stack" : "resource", p.name);
            assert.deepStrictEqual(
                Object.keys(got.configSchema?.properties ?? {}).sort(),
                Object.keys(p.configSchema?.properties ?? {}).sort(),
                p.name,
            );
        }
    });

    it("the pack as the engine loads it (run-policy-pack on policies/, index.ts through ts-node with a type check) serves the same policies and verdicts as its compiled copy", async () => {
        const engine = await PolicyAnalyzer.start({ entry: "." });
        try {
            assert.deepStrictEqual(await engine.info(), await analyzer.info());
            const plans = await planAll("strategy=warm-standby");
            const [fromEngine, fromCompiled] = [await runPolicies(plans, { analyzer: engine }), await runPolicies(plans, { analyzer })];
            assert.deepStrictEqual(
                fromEngine.map((r) => sorted(r.violations)),
                fromCompiled.map((r) => sorted(r.violations)),
            );
        } finally {
            engine.close();
        }
    });

    for (const strategy of STRATEGIES) {
        it(`${strategy}: both shipped stacks pass every mandatory policy, and the in-process verdicts equal the analyzer's`, async () => {
            const plans = await planAll(`strategy=${strategy}`);
            const reports = await runPolicies(plans, { analyzer });
            const config = localConfig(projectPolicyConfig(plans.map((p) => p.config)));
            for (const plan of plans) {
                const grpc = reports.find((r) => r.stack === plan.stack)!.violations;
                assert.deepStrictEqual(
                    grpc.filter((v) => v.enforcementLevel === "mandatory"),
                    [],
                    `${plan.stack} under ${strategy}`,
                );
                assert.deepStrictEqual(
                    sorted(await evaluateLocally(plan, config)),
                    sorted(grpc),
                    `${plan.stack} under ${strategy}: in-process vs gRPC`,
                );
            }
        });
    }

    for (const e of EDITS) {
        it(`a saved plan edited to have ${e.what} fails ${e.policy} (and the in-process verdicts agree)`, async () => {
            const plans = await planAll();
            const doc = saved(plans.find((p) => p.stack === e.stack)!);
            e.apply(doc);
            const [plan] = readPlanFile(tmpFile("plan.json", doc));
            const [report] = await runPolicies([plan], { analyzer });
            const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory");
            assert.ok(
                mandatory.some((v) => v.policy === e.policy),
                `expected ${e.policy}; got ${JSON.stringify(mandatory)}`,
            );
            const local = await evaluateLocally(plan, localConfig(projectPolicyConfig([plan.config ?? {}])));
            assert.deepStrictEqual(sorted(local), sorted(report.violations));
        });
    }

    const groups = new Map<string, (typeof CASES)[number][]>();
    for (const c of CASES) {
        const k = JSON.stringify([c.stack, c.overrides ?? []]);
        groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    for (const [k, cases] of groups) {
        const [stack, overrides] = JSON.parse(k) as [string, string[]];
        it(`${stack}${overrides.length ? ` with ${overrides.join(" ")}` : ""}: every unit-test alteration at once trips each case's policy over gRPC, with the in-process verdicts equal`, async () => {
            const plan = clonePlan(await planOf(stack, ...overrides));
            for (const c of cases) c.alter(plan);
            const [report] = await runPolicies([plan], { analyzer });
            for (const c of cases)
                assert.ok(
                    report.violations.some((v) => v.policy === c.policy && v.enforcementLevel === "mandatory"),
                    `${c.policy} (${c.change})`,
                );
            const local = await evaluateLocally(plan, localConfig(projectPolicyConfig([plan.config])));
            assert.deepStrictEqual(sorted(local), sorted(report.violations));
        });
    }

    it("a first-preview plan (outputs unknown) gets the same verdicts from the analyzer as in-process", async () => {
        for (const stack of ["prod", "dr"]) {
            const plan = asFirstPreview(await planOf(stack));
            const [report] = await runPolicies([plan], { analyzer });
            assert.ok(
                report.violations.some((v) => /^can't run/.test(v.message)),
                "some resource policy meets an unknown",
            );
            assert.deepStrictEqual(
                sorted(await evaluateLocally(plan, localConfig(projectPolicyConfig([plan.config])))),
                sorted(report.violations),
                stack,
            );
        }
    });

    it("an unknown value reaches the analyzer as an unknown: the policy is skipped with an advisory note, the same as in-process", async () => {
        const plans = await planAll();
        const doc = saved(plans.find((p) => p.stack === "prod")!);
        edit(
            doc,
            "aws:ec2/launchTemplate:LaunchTemplate",
            () => true,
            (p) => {
                p.metadataOptions = "[unknown]";
            },
        );
        const [plan] = readPlanFile(tmpFile("plan.json", doc));
        const [report] = await runPolicies([plan], { analyzer });
        const imds = report.violations.filter((v) => v.policy === "aws-ec2-imdsv2-required");
        assert.deepStrictEqual(
            imds.map((v) => v.enforcementLevel),
            ["advisory"],
        );
        assert.match(imds[0].message, /can't run policy 'aws-ec2-imdsv2-required' from policy pack 'securecart-policies@v0\.1\.0' during preview/);
        assert.deepStrictEqual(sorted(await evaluateLocally(plan, localConfig(projectPolicyConfig([plan.config ?? {}])))), sorted(report.violations));
    });
});

describe("npm run policy:check and npm run plan (the CLIs, each starting its own analyzer)", function () {
    this.timeout(900000);

    it("policy:check exits 1 naming the policy on an edited plan, 0 when a --policy-config makes that policy advisory, 2 on an unreadable plan", async () => {
        const plans = await planAll();
        const prod = saved(plans.find((p) => p.stack === "prod")!);
        const dr = saved(plans.find((p) => p.stack === "dr")!);
        EDITS.find((e) => e.policy === "dr-routing-record-ttl")!.apply(dr);
        const file = tmpFile("plan.json", [prod, dr]);

        const failed = npm("policy:check", "--", file);
        assert.strictEqual(failed.code, 1, failed.stderr);
        assert.match(failed.stdout, /Policies: securecart-policies@0\.1\.0 on stack prod \(us-east-1\): no violations/);
        assert.match(
            failed.stdout,
            /on stack dr \(us-west-2\): 1 mandatory\n {2}mandatory \(1\):\n {4}- \[dr-routing-record-ttl\] aws:route53\/record:Record "securecart-dns-record"/,
        );
        assert.match(failed.stderr, /policy check failed: 1 mandatory violation\(s\) of dr-routing-record-ttl/);

        const advisory = npm("policy:check", "--", file, "--policy-config", tmpFile("policy-config.json", { "dr-routing-record-ttl": "advisory" }));
        assert.strictEqual(advisory.code, 0, advisory.stderr);
        assert.match(advisory.stdout, /1 advisory\n {2}advisory \(1\):\n {4}- \[dr-routing-record-ttl\]/);

        const missing = npm("policy:check", "--", path.join(os.tmpdir(), "no-such-plan.json"));
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /cannot read the plan/);
        const badConfig = npm("policy:check", "--", file, "--policy-config", tmpFile("bad.json", { "dr-routing-record-ttl": { maxTtl: 60 } }));
        assert.strictEqual(badConfig.code, 2);
        assert.match(badConfig.stderr, /dr-routing-record-ttl\.maxTtl: unknown property; allowed: enforcementLevel, maxTtlSeconds/);
    });

    it("plan --json reports the pack and its violations per stack, and exits 0 on the shipped stacks", () => {
        const r = npm("plan", "--", "--json");
        assert.strictEqual(r.code, 0, r.stderr);
        const docs = JSON.parse(r.stdout) as Array<{ stack: string; policies: { pack: string; violations: Array<Record<string, unknown>> } }>;
        assert.deepStrictEqual(docs.map((d) => d.stack).sort(), ["dr", "prod"]);
        for (const d of docs) {
            assert.strictEqual(d.policies.pack, "securecart-policies@0.1.0");
            assert.ok(Array.isArray(d.policies.violations));
            for (const v of d.policies.violations) assert.deepStrictEqual(Object.keys(v).sort(), ["enforcementLevel", "message", "policy", "urn"]);
            assert.deepStrictEqual(
                d.policies.violations.filter((v) => v.enforcementLevel === "mandatory"),
                [],
            );
        }
    });
});
