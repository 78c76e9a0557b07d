import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { drEstimatesWithinTargets } from "../policies/targets";
import {
    BILLABLE_TYPES,
    CONSTANTS,
    CONSTANT_NAMES,
    FREE_TYPES,
    ProjectEstimate,
    StackEstimate,
    checkTargets,
    cronIntervalSeconds,
    isEngineType,
    resolveConstants,
} from "../src/estimates";
import { estimateCost } from "../src/estimates/cost";
import { stackFacts } from "../src/plan";
import { PRICES } from "../src/prices";
import type { StackPlan } from "../tools/planner";
import { estimatePlans } from "../tools/estimateReport";
import { PROJECT_DIR, STRATEGIES, configProblems, planAll, toolArgs } from "./helpers";

const estimatesOf = async (...overrides: string[]): Promise<ProjectEstimate> => estimatePlans(await planAll(...overrides));
const standbyOf = (e: ProjectEstimate): StackEstimate => e.stacks.find((s) => s.role === "standby")!;
const primaryOf = (e: ProjectEstimate): StackEstimate => e.stacks.find((s) => s.role === "primary")!;
/** The plans with every launch template's instanceType changed (one property, real resources otherwise). */
const withInstanceType = (plans: StackPlan[], type: string): StackPlan[] =>
    plans.map((p) => ({
        ...p,
        resources: p.resources.map((r) =>
            r.type === "aws:ec2/launchTemplate:LaunchTemplate" ? { ...r, inputs: { ...r.inputs, instanceType: type } } : r,
        ),
    }));
const stepOf = (e: ProjectEstimate, kind: "planned" | "unplanned", name: string) =>
    standbyOf(e)
        .pair!.rto[kind].phases.flat()
        .find((s) => s.name === name)!;

describe("estimates: across the four strategies", () => {
    it("RTO never gets longer, RPO never larger and cost never smaller moving towards active-active", async () => {
        const rows: Array<{ strategy: string; e: ProjectEstimate }> = [];
        for (const strategy of STRATEGIES) rows.push({ strategy, e: await estimatesOf(`strategy=${strategy}`) });
        for (const { strategy, e } of rows) {
            const s = standbyOf(e);
            assert.notEqual(s.rtoSeconds.unplanned, null, `${strategy}: unplanned RTO is estimated`);
            assert.notEqual(s.rtoSeconds.planned, null, `${strategy}: planned RTO is estimated`);
            assert.notEqual(s.rpoSeconds, null, `${strategy}: RPO is estimated`);
            assert.ok(s.rtoSeconds.planned! <= s.rtoSeconds.unplanned!, `${strategy}: a planned switchover is not slower than an unplanned failover`);
        }
        for (let i = 1; i < rows.length; i++) {
            const [a, b] = [rows[i - 1], rows[i]];
            const [sa, sb] = [standbyOf(a.e), standbyOf(b.e)];
            const what = `${a.strategy} → ${b.strategy}`;
            assert.ok(
                sb.rtoSeconds.unplanned! <= sa.rtoSeconds.unplanned!,
                `${what}: unplanned RTO ${sb.rtoSeconds.unplanned} <= ${sa.rtoSeconds.unplanned}`,
            );
            assert.ok(sb.rtoSeconds.planned! <= sa.rtoSeconds.planned!, `${what}: planned RTO ${sb.rtoSeconds.planned} <= ${sa.rtoSeconds.planned}`);
            assert.ok(sb.rpoSeconds! <= sa.rpoSeconds!, `${what}: RPO ${sb.rpoSeconds} <= ${sa.rpoSeconds}`);
            assert.ok(sb.monthlyCostUsd >= sa.monthlyCostUsd, `${what}: standby cost ${sb.monthlyCostUsd} >= ${sa.monthlyCostUsd}`);
            const total = (e: ProjectEstimate) => e.stacks.reduce((x, s) => x + s.monthlyCostUsd, 0);
            assert.ok(total(b.e) >= total(a.e), `${what}: project cost ${total(b.e)} >= ${total(a.e)}`);
        }
        // The ends of the range differ the way the whitepaper's bands do: hours of data loss vs about a second.
        assert.ok(standbyOf(rows[0].e).rpoSeconds! >= 3600);
        assert.ok(standbyOf(rows[3].e).rpoSeconds! <= 1);
        assert.ok(standbyOf(rows[0].e).rtoSeconds.unplanned! > standbyOf(rows[3].e).rtoSeconds.unplanned! * 5);
    });
});

describe("estimates: each figure moves with the setting that drives it", () => {
    it("health-check interval 30 → 10 s lowers detection and the unplanned RTO", async () => {
        const slow = await estimatesOf("strategy=warm-standby", "dns.healthCheckInterval=30");
        const fast = await estimatesOf("strategy=warm-standby"); // the default interval is 10 s
        assert.equal(stepOf(slow, "unplanned", "detection").seconds, 90);
        assert.equal(stepOf(fast, "unplanned", "detection").seconds, 30);
        assert.ok(standbyOf(fast).rtoSeconds.unplanned! < standbyOf(slow).rtoSeconds.unplanned!);
        assert.equal(stepOf(fast, "planned", "detection").seconds, 0, "a planned switchover detects nothing");
    });

    it("a headless → one-reader Aurora secondary lowers data promotion (fixture: the real pilot-light plan plus one instance)", async () => {
        const plans = await planAll("strategy=pilot-light");
        const dr = plans.find((p) => p.role === "standby")!;
        const cluster = dr.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
        assert.equal(
            dr.resources.filter((r) => r.type === "aws:rds/clusterInstance:ClusterInstance").length,
            0,
            "the pilot-light secondary is headless",
        );
        const primaryInstance = plans.find((p) => p.role === "primary")!.resources.find((r) => r.type === "aws:rds/clusterInstance:ClusterInstance")!;
        const reader = {
            ...primaryInstance,
            name: "reader-added",
            inputs: { ...primaryInstance.inputs, clusterIdentifier: cluster.outputs.clusterIdentifier ?? cluster.inputs.clusterIdentifier },
        };
        const withReader: StackPlan[] = plans.map((p) => (p === dr ? { ...p, resources: [...p.resources, reader] } : p));
        const headless = estimatePlans(plans);
        const live = estimatePlans(withReader);
        const before = stepOf(headless, "unplanned", "data promotion").seconds!;
        const after = stepOf(live, "unplanned", "data promotion").seconds!;
        assert.equal(before, CONSTANTS.auroraInstanceCreateSeconds.value + CONSTANTS.auroraFailoverSeconds.value);
        assert.equal(after, CONSTANTS.auroraFailoverSeconds.value);
        assert.ok(standbyOf(live).rtoSeconds.unplanned! < standbyOf(headless).rtoSeconds.unplanned!);
    });

    it("backup interval 24 h → 1 h lowers the backup-restore RPO", async () => {
        const daily = await estimatesOf("strategy=backup-restore", "backup.intervalHours=24");
        const hourly = await estimatesOf("strategy=backup-restore"); // the default interval is 1 h
        const copy = CONSTANTS.backupCopySeconds.value;
        assert.equal(standbyOf(daily).rpoSeconds, 86400 + copy);
        assert.equal(standbyOf(hourly).rpoSeconds, 3600 + copy);
        for (const s of standbyOf(hourly).pair!.rpo.stores) assert.equal(s.mode, "backup-copy", s.store);
    });

    it("a store that no backup selection names has no RPO, and the estimate says why instead of inventing one", async () => {
        const plans = await planAll("strategy=backup-restore");
        const prod = plans.find((p) => p.role === "primary")!;
        const dynamoSelection = prod.resources.find(
            (r) => r.type === "aws:backup/selection:Selection" && JSON.stringify(r.inputs.resources ?? []).includes(":table/"),
        )!;
        assert.ok(dynamoSelection, "the primary selects its tables for backup");
        const without = estimatePlans(plans.map((p) => (p === prod ? { ...p, resources: p.resources.filter((r) => r !== dynamoSelection) } : p)));
        const s = standbyOf(without);
        assert.equal(s.rpoSeconds, null);
        const table = s.pair!.rpo.stores.find((x) => x.store.startsWith("dynamodb:"))!;
        assert.equal(table.unplannedSeconds, null);
        assert.match(table.restsOn.join(" "), /no backup selection in stack prod names table/);
        assert.equal(
            s.pair!.rpo.stores.find((x) => x.store === "aurora")!.unplannedSeconds,
            3600 + CONSTANTS.backupCopySeconds.value,
            "the Aurora plan still covers the cluster",
        );
        assert.equal(s.rtoSeconds.unplanned, null, "restoring an uncovered table cannot be timed either");
    });

    it("a constant overridden in config moves the figure it feeds, and says so", async () => {
        const plans = await planAll("strategy=pilot-light");
        const base = estimatePlans(plans);
        // What `-c estimates.auroraInstanceCreateSeconds=300` puts in the effective config.
        const tuned = estimatePlans(
            plans.map((p) => ({ ...p, config: { ...p.config, "securecart:estimates": { auroraInstanceCreateSeconds: 300 } } })),
        );
        assert.equal(stepOf(tuned, "unplanned", "data promotion").seconds, stepOf(base, "unplanned", "data promotion").seconds! - 300);
        assert.ok(
            stepOf(tuned, "unplanned", "data promotion").parts.some((p) =>
                /auroraInstanceCreateSeconds = 300 s \(overridden in config\)/.test(p.restsOn),
            ),
        );
    });

    it("the web tier's instance type and count move the EC2 cost line (fixture: the launch template's instanceType changed)", async () => {
        const line = (e: StackEstimate) => e.breakdown.find((l) => l.type === "aws:autoscaling/group:Group")!;
        const plans = await planAll("strategy=warm-standby");
        const medium = primaryOf(estimatePlans(plans));
        const large = primaryOf(estimatePlans(withInstanceType(plans, "t3.large")));
        assert.equal(line(medium).unitPriceUsd, PRICES.regions["us-east-1"].ec2Hour["t3.medium"]);
        assert.ok(line(large).monthlyUsd! > line(medium).monthlyUsd!);
        assert.equal(line(medium).monthlyUsd, Math.round(3 * 730 * PRICES.regions["us-east-1"].ec2Hour["t3.medium"] * 100) / 100);
    });
});

describe("estimates: the price sheet covers every billable type the program creates", () => {
    it("every resource type planned under every strategy, in both stacks, is priced or declared free", async () => {
        const seen = new Map<string, string>();
        for (const strategy of STRATEGIES) {
            for (const p of await planAll(`strategy=${strategy}`)) {
                for (const r of p.resources) if (r.custom && !isEngineType(r.type)) seen.set(r.type, `${strategy}/${p.stack}`);
            }
        }
        const unknown = [...seen.keys()].filter((t) => !(t in BILLABLE_TYPES) && !(t in FREE_TYPES));
        assert.deepEqual(
            unknown,
            [],
            `types neither priced (src/estimates/cost.ts BILLABLE_TYPES + src/prices/prices.json) nor declared free (FREE_TYPES): ${unknown.map((t) => `${t} (${seen.get(t)})`).join(", ")}`,
        );
        assert.ok([...seen.keys()].filter((t) => t in BILLABLE_TYPES).length >= 10, "the plans create billable types");
    });

    it("every billable type's prices exist in every project region, and the default plans have no unpriced line", async () => {
        for (const region of ["us-east-1", "us-west-2"]) {
            const prices = PRICES.regions[region] as unknown as Record<string, unknown>;
            assert.ok(prices, `the sheet covers ${region}`);
            for (const [type, keys] of Object.entries(BILLABLE_TYPES)) {
                for (const k of keys) assert.ok(prices[k] !== undefined, `${region}: ${type} needs price ${k}`);
            }
        }
        for (const strategy of STRATEGIES) {
            for (const s of (await estimatesOf(`strategy=${strategy}`)).stacks) {
                assert.deepEqual(s.cost.unpriced, [], `${strategy}/${s.stack}`);
                assert.deepEqual(s.cost.unknownTypes, [], `${strategy}/${s.stack}`);
                for (const l of s.breakdown) assert.ok(l.monthlyUsd !== null && l.basis.length > 0, l.item);
            }
        }
        assert.match(PRICES.label, /ESTIMATE/);
        assert.match(PRICES.date, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(PRICES.source.length > 40);
    });

    it("a new billable type without a price is reported, and an uncovered instance type is not priced silently", async () => {
        const plan = (await planAll("strategy=warm-standby")).find((p) => p.role === "primary")!;
        const waf = { ...plan.resources[plan.resources.length - 1], type: "aws:wafv2/webAcl:WebAcl", name: "new-acl", inputs: {} };
        const view = { stack: plan.stack, region: plan.region, resources: [...plan.resources, waf] };
        const cost = estimateCost(view, stackFacts(view), { peers: [] }, resolveConstants(), PRICES);
        assert.deepEqual(cost.unknownTypes, ["aws:wafv2/webAcl:WebAcl"]);
        const exotic = estimatePlans(withInstanceType(await planAll("strategy=warm-standby"), "z1d.large"));
        assert.ok(
            primaryOf(exotic).cost.unpriced.some((u) => /z1d\.large/.test(u)),
            "an instance type missing from the sheet is listed as not priced",
        );
    });
});

describe("estimates: constants", () => {
    it("every constant has a value, a unit and a source; time figures cite a document or say they are assumptions", () => {
        for (const n of CONSTANT_NAMES) {
            const c = CONSTANTS[n];
            assert.ok(Number.isFinite(c.value) && c.value >= 0, n);
            assert.ok(c.unit && c.what && c.source.length > 10, n);
            if (c.kind === "time") assert.match(c.source, /guide|API reference|DR-FACTS|assumption/i, n);
        }
    });

    it("an unknown constant name in securecart:estimates is a config error that lists the allowed names", async () => {
        const problems = await configProblems(() => planAll("estimates.auroraInstanceCreateSecs=300"));
        assert.ok(
            problems.some((p) =>
                /securecart:estimates\.auroraInstanceCreateSecs: got 300 for an unknown estimate constant; expected one of .*auroraInstanceCreateSeconds/.test(
                    p,
                ),
            ),
            problems.join("\n"),
        );
    });

    it("reads AWS Backup cron schedules as the longest gap between jobs", () => {
        assert.equal(cronIntervalSeconds("cron(0 * * * ? *)"), 3600);
        assert.equal(cronIntervalSeconds("cron(0 */6 * * ? *)"), 6 * 3600);
        assert.equal(cronIntervalSeconds("cron(30 5 * * ? *)"), 86400);
        assert.equal(cronIntervalSeconds("cron(0 1,13 * * ? *)"), 12 * 3600);
        assert.equal(cronIntervalSeconds("cron(0 2,4 * * ? *)"), 22 * 3600);
        assert.equal(cronIntervalSeconds("cron(0 5 ? * SUN *)"), 7 * 86400);
        assert.equal(cronIntervalSeconds("rate(1 hour)"), undefined);
        assert.equal(cronIntervalSeconds("cron(0 5 1 * ? *)"), undefined, "a monthly day-of-month schedule is not guessed");
    });
});

describe("estimates: targets", () => {
    it("an rtoTarget below the pilot-light estimate makes the plan exit 1 naming the dominating step, and --json carries the estimates", function () {
        this.timeout(300000);
        const r = spawnSync(
            process.execPath,
            [...toolArgs("tools/plan.ts"), "--stack", "dr", "--json", "-c", "strategy=pilot-light", "-c", "rtoTarget=5m"],
            { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
        );
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /rtoTarget 5m: dominated by data promotion .*headless Aurora secondary/);
        const doc = JSON.parse(r.stdout);
        const e = doc.estimates;
        assert.equal(typeof e.rpoSeconds, "number");
        assert.equal(typeof e.rtoSeconds.planned, "number");
        assert.equal(typeof e.rtoSeconds.unplanned, "number");
        assert.ok(e.rtoSeconds.unplanned > 300);
        assert.equal(typeof e.monthlyCostUsd, "number");
        assert.ok(Array.isArray(e.breakdown) && e.breakdown.length > 5);
        const sum = e.breakdown.reduce((a: number, l: { monthlyUsd: number }) => a + l.monthlyUsd, 0);
        assert.ok(Math.abs(sum - e.monthlyCostUsd) < 0.05, "the total is the sum of the shown lines");
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, "plan-out", "dr.md")), "the plan wrote the diagram");
    });

    it("the targets hold when they are above the estimates, and the RPO target is checked too", async () => {
        const ok = checkTargets(standbyOf(await estimatesOf("strategy=pilot-light")).pair!, { rtoTargetSeconds: 3600, rpoTargetSeconds: 60 });
        assert.deepEqual(
            ok.map((t) => [t.target, t.ok]),
            [
                ["rtoTarget", true],
                ["rpoTarget", true],
            ],
        );
        const br = checkTargets(standbyOf(await estimatesOf("strategy=backup-restore")).pair!, { rpoTargetSeconds: 900 });
        const rpo = br.find((t) => t.target === "rpoTarget")!;
        assert.equal(rpo.ok, false);
        assert.match(rpo.message, /exceeds rpoTarget 15m: dominated by/);
    });
});

describe("estimates: the dr-estimates-within-targets policy", () => {
    const asPolicy = (p: StackPlan): PolicyResource[] =>
        p.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: { ...r.outputs, ...r.inputs } }) as unknown as PolicyResource);
    function run(resources: PolicyResource[], config: Record<string, unknown>): { violations: string[]; notApplicable?: string } {
        const violations: string[] = [];
        const args = {
            resources,
            getConfig: () => config,
            notApplicable: (reason?: string) => {
                throw Object.assign(new Error("n/a"), { notApplicable: reason ?? "" });
            },
        } as unknown as StackValidationArgs;
        try {
            (drEstimatesWithinTargets.validateStack as (a: StackValidationArgs, r: (m: string) => void) => void)(args, (m) => violations.push(m));
        } catch (e) {
            if ((e as { notApplicable?: string }).notApplicable !== undefined)
                return { violations, notApplicable: (e as { notApplicable: string }).notApplicable };
            throw e;
        }
        return { violations };
    }
    const facts = { regions: ["us-east-1", "us-west-2"], primaryRegion: "us-east-1" };

    it("fails the pilot-light standby when the RTO target is below the estimate, naming the dominating step; passes a looser target", async () => {
        const plans = await planAll("strategy=pilot-light");
        const dr = plans.find((p) => p.role === "standby")!;
        const prod = plans.find((p) => p.role === "primary")!;
        const withPeer = run(asPolicy(dr), {
            ...facts,
            rtoTargetSeconds: 300,
            peer: { stack: prod.stack, region: prod.region, resources: asPolicy(prod) },
        });
        assert.equal(withPeer.violations.length, 1, withPeer.violations.join("\n"));
        assert.match(withPeer.violations[0], /estimate 11m30s exceeds rtoTarget 5m: dominated by data promotion/);
        assert.equal(standbyOf(estimatePlans(plans)).rtoSeconds.unplanned, 690, "the policy and the plan agree (11m30s)");
        const mirrored = run(asPolicy(dr), { ...facts, rtoTargetSeconds: 300 });
        assert.equal(mirrored.violations.length, 1);
        assert.match(mirrored.violations[0], /dominated by data promotion.*Assumed: the primary's resources are not visible/);
        assert.deepEqual(run(asPolicy(dr), { ...facts, rtoTargetSeconds: 3600 }).violations, []);
        assert.match(run(asPolicy(prod), { ...facts, rtoTargetSeconds: 300 }).notApplicable ?? "", /checked on the standby/);
        assert.match(run(asPolicy(dr), facts).notApplicable ?? "", /no rtoTarget or rpoTarget/);
        // Backup-restore: without the primary's backup plan the RPO cannot be estimated from the standby alone;
        // the policy leaves it to the plan unless given the peer, with which it fails a target below the estimate.
        const br = await planAll("strategy=backup-restore");
        const brDr = br.find((p) => p.role === "standby")!;
        const brProd = br.find((p) => p.role === "primary")!;
        assert.match(run(asPolicy(brDr), { ...facts, rpoTargetSeconds: 900 }).notApplicable ?? "", /needs the primary's resources/);
        const brPeer = run(asPolicy(brDr), {
            ...facts,
            rpoTargetSeconds: 900,
            peer: { stack: brProd.stack, region: brProd.region, resources: asPolicy(brProd) },
        });
        assert.equal(brPeer.violations.length, 1);
        assert.match(brPeer.violations[0], /RPO .* estimate 2h exceeds rpoTarget 15m/);
    });
});
