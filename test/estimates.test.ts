import { strict as assert } from "assert";
import * as fc from "fast-check";
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
    UNPRICED_USAGE,
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
import type { PlannedResource, StackPlan } from "../tools/planner";
import { CompareRow, compareRow, estimatePlans, estimatesJson, renderCompare, renderEstimates } from "../tools/estimateReport";
import { planCache, planFiles } from "../src/strategy";
import { PROJECT_DIR, STRATEGIES, configProblems, planAll, toolArgs } from "./helpers";
import { formatDuration } from "../src/duration";
import { configFromEnv as reconcilerConfig } from "../functions/order-reconciler";
import { orderSagaDefinition } from "../src/orderSaga";

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
    it("dns.failureThreshold 5 → 3 lowers detection (the alarm's period × evaluation periods) and the unplanned RTO", async () => {
        const slow = await estimatesOf("strategy=warm-standby", "dns.failureThreshold=5");
        const fast = await estimatesOf("strategy=warm-standby"); // the default threshold is 3 one-minute periods
        const reaction = CONSTANTS.route53AlarmReactionSeconds.value;
        assert.equal(stepOf(slow, "unplanned", "detection").seconds, 5 * 60 + reaction);
        assert.equal(stepOf(fast, "unplanned", "detection").seconds, 3 * 60 + reaction);
        const parts = stepOf(fast, "unplanned", "detection").parts;
        assert.match(parts[0].restsOn, /period 60 s × evaluationPeriods 3 of the alarm/);
        assert.match(parts[1].restsOn, /route53AlarmReactionSeconds = 60 s/);
        assert.match(CONSTANTS.route53AlarmReactionSeconds.source, /unknown, because AWS publishes no figure/);
        assert.ok(standbyOf(fast).rtoSeconds.unplanned! < standbyOf(slow).rtoSeconds.unplanned!);
        assert.equal(stepOf(fast, "planned", "detection").seconds, 0, "a planned switchover detects nothing");
    });

    it("a CLOUDWATCH_METRIC health check whose alarm is not planned has no detection time, rather than the endpoint defaults", async () => {
        const plans = await planAll("strategy=warm-standby");
        const prod = plans.find((p) => p.role === "primary")!;
        // The region's own health check (the order events' endpoint has one too, which the DNS facts leave out).
        const check = prod.resources.find((r) => r.type === "aws:route53/healthCheck:HealthCheck" && r.name.endsWith("-dns-health"))!;
        assert.equal(check.inputs.type, "CLOUDWATCH_METRIC");
        const alarmUrn = (check.propertyDependencies?.cloudwatchAlarmName ?? [])[0];
        const without = estimatePlans(plans.map((p) => (p === prod ? { ...p, resources: p.resources.filter((r) => r.urn !== alarmUrn) } : p)));
        const detection = stepOf(without, "unplanned", "detection");
        assert.equal(detection.seconds, null);
        assert.match(detection.unknown ?? "", /follows CloudWatch alarm .*its detection time cannot be read/);
        assert.equal(standbyOf(without).rtoSeconds.unplanned, null);
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

/** The plans with `f` applied to the resources of `type` in the stack of `role`. */
const editing = (plans: StackPlan[], role: "primary" | "standby", type: string, f: (r: PlannedResource) => PlannedResource): StackPlan[] =>
    plans.map((p) => (p.role !== role ? p : { ...p, resources: p.resources.map((r) => (r.type === type ? f(r) : r)) }));
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const lineOf = (e: StackEstimate, item: RegExp) => e.breakdown.find((l) => item.test(l.item));

describe("estimates: the edge", () => {
    it("static assets: RTC gives the asset RPO (15 min for 99.99 % of objects) apart from the data stores' RPO; without replication it is not covered", async () => {
        for (const strategy of STRATEGIES) {
            const edge = standbyOf(await estimatesOf(`strategy=${strategy}`)).pair!.edge!;
            assert.equal(edge.assetRpo.mode, "replication with RTC", strategy);
            assert.equal(edge.assetRpo.unplannedSeconds, 15 * 60, strategy);
            assert.equal(edge.assetRpo.plannedSeconds, 0, strategy);
            assert.equal(edge.assetRpo.percentOfObjects, 99.99);
            assert.match(edge.assetRpo.restsOn.join(" "), /S3 user guide.*99\.99 percent of those objects within 15 minutes/);
        }
        // A first deployment of the home stack: no replication rule yet.
        const plans = await planAll("strategy=warm-standby");
        const first = plans.map((p) => (p.role === "primary" ? { ...p, resources: p.resources.filter((r) => r.type !== REPLICATION) } : p));
        const s = standbyOf(estimatePlans(first));
        assert.equal(s.pair!.edge!.assetRpo.mode, "none");
        assert.equal(s.pair!.edge!.assetRpo.unplannedSeconds, null);
        assert.match(s.pair!.edge!.assetRpo.restsOn.join(" "), /no replication rule planned in stack prod.*the asset RPO is not covered/);
        assert.equal(s.rpoSeconds, standbyOf(estimatePlans(plans)).rpoSeconds, "the data stores' RPO does not include the assets");
        // Without RTC, S3 publishes no bound.
        const noRtc = editing(plans, "primary", REPLICATION, (r) => ({
            ...r,
            inputs: {
                ...r.inputs,
                rules: (r.inputs.rules as Record<string, Record<string, unknown>>[]).map((x) => ({
                    ...x,
                    destination: { ...x.destination, replicationTime: { status: "Disabled", time: { minutes: 15 } } },
                })),
            },
        }));
        const rpo = standbyOf(estimatePlans(noRtc)).pair!.edge!.assetRpo;
        assert.equal(rpo.mode, "replication");
        assert.equal(rpo.unplannedSeconds, null);
    });

    it("the static behaviour's origin failover is connectionAttempts × connectionTimeout of the primary's bucket origin, and leaves the RTO alone", async () => {
        const plans = await planAll("strategy=warm-standby");
        const base = standbyOf(estimatePlans(plans));
        assert.equal(base.pair!.edge!.originFailover.seconds, 3 * 10);
        assert.match(base.pair!.edge!.originFailover.restsOn.join(" "), /connectionAttempts 3 × connectionTimeout 10 s on origin assets-us-east-1/);
        const quick = editing(plans, "primary", DISTRIBUTION, (r) => ({
            ...r,
            inputs: {
                ...r.inputs,
                origins: (r.inputs.origins as Record<string, unknown>[]).map((o) =>
                    o.originId === "assets-us-east-1" ? { ...o, connectionAttempts: 2, connectionTimeout: 5 } : o,
                ),
            },
        }));
        const q = standbyOf(estimatePlans(quick));
        assert.equal(q.pair!.edge!.originFailover.seconds, 2 * 5);
        assert.deepEqual(q.rtoSeconds, base.rtoSeconds, "the dynamic RTO is DNS failover, not origin failover");
    });

    it("CloudFront and WAF are paid by the stack that owns the distribution, and move with the requests and the rule count", async () => {
        const plans = await planAll("strategy=warm-standby");
        const e = estimatePlans(plans);
        const prod = primaryOf(e);
        const requests = CONSTANTS.edgeRequestsMillionsPerMonth.value;
        const us = PRICES.regions["us-east-1"];
        assert.equal(
            lineOf(prod, /^CloudFront data transfer out/)!.monthlyUsd,
            Math.round(CONSTANTS.edgeGbOutPerMonth.value * us.cloudfrontDataTransferOutGb * 100) / 100,
        );
        assert.equal(lineOf(prod, /^CloudFront HTTPS requests/)!.quantity, requests * 100);
        assert.equal(lineOf(prod, /^AWS WAF web ACL/)!.monthlyUsd, us.wafWebAclMonth);
        assert.equal(lineOf(prod, /^AWS WAF rules/)!.quantity, 5, "four managed rule groups and the rate rule");
        assert.equal(lineOf(prod, /^AWS WAF requests/)!.monthlyUsd, Math.round(requests * us.wafRequestMillion * 100) / 100);
        for (const item of [/^CloudFront/, /^AWS WAF/]) assert.equal(lineOf(standbyOf(e), item), undefined, "the standby owns no edge");
        // One rule fewer: one rule-month less.
        const fewer = editing(plans, "primary", "aws:wafv2/webAcl:WebAcl", (r) => ({
            ...r,
            inputs: { ...r.inputs, rules: (r.inputs.rules as unknown[]).slice(1) },
        }));
        const f = primaryOf(estimatePlans(fewer));
        assert.equal(lineOf(f, /^AWS WAF rules/)!.quantity, 4);
        assert.equal(Math.round((prod.monthlyCostUsd - f.monthlyCostUsd) * 100) / 100, us.wafRuleMonth);
        // Twice the requests: the request lines and the edge logs double.
        const busy = estimatePlans(
            plans.map((p) => ({ ...p, config: { ...p.config, "securecart:estimates": { edgeRequestsMillionsPerMonth: requests * 2 } } })),
        );
        for (const item of [/^CloudFront HTTPS requests/, /^AWS WAF requests/, /^CloudWatch Logs ingestion \(edge/])
            assert.equal(lineOf(primaryOf(busy), item)!.monthlyUsd, Math.round(lineOf(prod, item)!.monthlyUsd! * 2 * 100) / 100, String(item));
    });

    it("the replicas' storage class is the standby's storage cost; RTC and the transfer are paid by the source", async () => {
        const plans = await planAll("strategy=backup-restore");
        const e = estimatePlans(plans);
        const dr = standbyOf(e);
        const ia = lineOf(dr, /^S3 asset storage/)!;
        assert.match(ia.item, /STANDARD_IA/);
        assert.equal(ia.unitPriceUsd, PRICES.regions["us-west-2"].s3StandardIaGbMonth);
        assert.match(ia.basis, /rule to-us-west-2 of stack prod writes them in STANDARD_IA, and dr, the destination's owner, pays/);
        const standard = estimatePlans(
            editing(plans, "primary", REPLICATION, (r) => ({
                ...r,
                inputs: {
                    ...r.inputs,
                    rules: (r.inputs.rules as Record<string, Record<string, unknown>>[]).map((x) => ({
                        ...x,
                        destination: { ...x.destination, storageClass: "STANDARD" },
                    })),
                },
            })),
        );
        const st = lineOf(standbyOf(standard), /^S3 asset storage/)!;
        assert.equal(st.unitPriceUsd, PRICES.regions["us-west-2"].s3StandardGbMonth);
        assert.ok(st.monthlyUsd! > ia.monthlyUsd!);
        assert.ok(standbyOf(standard).monthlyCostUsd > dr.monthlyCostUsd);
        // The source (prod, which takes the traffic and the publishing) pays RTC and the transfer; dr's rule idles.
        const prod = primaryOf(e);
        const gb = CONSTANTS.assetsChangedGbPerMonth.value;
        assert.equal(lineOf(prod, /^S3 Replication Time Control/)!.monthlyUsd, Math.round(gb * PRICES.regions["us-east-1"].s3RtcGb * 100) / 100);
        assert.equal(lineOf(prod, /^S3 replication transfer/)!.quantity, gb);
        assert.equal(lineOf(dr, /^S3 replication \(/)!.monthlyUsd, 0);
        assert.equal(lineOf(dr, /^S3 Replication Time Control/), undefined);
    });

    it("every edge price not confirmed on an AWS page says so in the sheet's notes, with its page and date", () => {
        const notes = PRICES.notes ?? {};
        for (const k of [
            "cloudfrontDataTransferOutGb",
            "cloudfrontHttpsRequest10k",
            "wafWebAclMonth",
            "wafRuleMonth",
            "wafRequestMillion",
            "s3StandardIaGbMonth",
            "s3RtcGb",
        ]) {
            assert.ok(notes[k], `${k} has a note`);
            assert.match(notes[k], /20\d\d-\d\d-\d\d/, `${k}: dated`);
            assert.match(notes[k], /https?:\/\/|\.com|guide/, `${k}: names its page`);
        }
        for (const k of ["cloudfrontHttpsRequest10k", "wafWebAclMonth", "s3StandardIaGbMonth", "s3RtcGb"]) assert.match(notes[k], /NOT CONFIRMED/, k);
        assert.match(notes.cloudfrontDataTransferOutGb, /^Confirmed on https:\/\/aws\.amazon\.com\/cloudfront\/pricing/);
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
                // Only what is declared unpriced, each saying why (the order pipeline's SQS, SNS and EventBridge).
                for (const u of s.cost.unpriced)
                    assert.ok(Object.values(UNPRICED_USAGE).includes(u) && /unknown, because/.test(u), `${strategy}/${s.stack}: ${u}`);
                assert.deepEqual(s.cost.unknownTypes, [], `${strategy}/${s.stack}`);
                // A line without a price is one of those declared types, and its reason is listed.
                for (const l of s.breakdown) {
                    assert.ok(l.basis.length > 0, l.item);
                    if (l.monthlyUsd === null) assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE[l.type]), `${strategy}/${s.stack}: ${l.item}`);
                }
            }
        }
        assert.match(PRICES.label, /ESTIMATE/);
        assert.match(PRICES.date, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(PRICES.source.length > 40);
    });

    it("traffic-driven cost lands where Route 53 answers: on the primary, never on the users' alias to the edge or a forced-unhealthy PRIMARY record", async () => {
        const TAKES = /takes (no|\d+%)(?: of)? traffic/;
        const share = (e: ProjectEstimate, stack: string) =>
            e.stacks
                .find((s) => s.stack === stack)!
                .breakdown.filter((l) => TAKES.test(l.basis))
                .map((l) => TAKES.exec(l.basis)![1]);
        for (const strategy of ["backup-restore", "pilot-light", "warm-standby"]) {
            // After a failover to dr: prod keeps the PRIMARY record type (forced unhealthy) or, under backup-restore,
            // no record at all, and its users' alias to CloudFront routes to no region.
            const failedOver = await estimatesOf(`strategy=${strategy}`, "primaryRegion=us-west-2");
            assert.ok(share(failedOver, "prod").length > 0, strategy);
            assert.deepEqual([...new Set(share(failedOver, "prod"))], ["no"], `${strategy}: prod takes no traffic`);
            assert.deepEqual([...new Set(share(failedOver, "dr"))], ["100%"], `${strategy}: dr takes it all`);
            const home = await estimatesOf(`strategy=${strategy}`);
            assert.deepEqual([...new Set(share(home, "prod"))], ["100%"], `${strategy}: prod serves by default`);
        }
        const aa = await estimatesOf("strategy=active-active");
        assert.deepEqual([...new Set([...share(aa, "prod"), ...share(aa, "dr")])], ["50%"]);
    });

    it("a new billable type without a price is reported, and an uncovered instance type is not priced silently", async () => {
        const plan = (await planAll("strategy=warm-standby")).find((p) => p.role === "primary")!;
        const shield = { ...plan.resources[plan.resources.length - 1], type: "aws:shield/protection:Protection", name: "new-protection", inputs: {} };
        const view = { stack: plan.stack, region: plan.region, resources: [...plan.resources, shield] };
        const cost = estimateCost(view, stackFacts(view), { peers: [] }, resolveConstants(), PRICES);
        assert.deepEqual(cost.unknownTypes, ["aws:shield/protection:Protection"]);
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
        // Detection (3 one-minute periods + Route 53's reaction), then the longest overlapping step: creating an
        // instance in the headless secondary and failing over.
        const expected =
            3 * 60 +
            CONSTANTS.route53AlarmReactionSeconds.value +
            CONSTANTS.auroraInstanceCreateSeconds.value +
            CONSTANTS.auroraFailoverSeconds.value;
        assert.match(withPeer.violations[0], new RegExp(`estimate ${formatDuration(expected)} exceeds rtoTarget 5m: dominated by data promotion`));
        assert.equal(standbyOf(estimatePlans(plans)).rtoSeconds.unplanned, expected, `the policy and the plan agree (${formatDuration(expected)})`);
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

describe("estimates: the order pipeline", () => {
    const PIPELINE_TYPES = [
        "aws:lambda/function:Function",
        "aws:sqs/queue:Queue",
        "aws:sns/topic:Topic",
        "aws:cloudwatch/eventBus:EventBus",
        "aws:sfn/stateMachine:StateMachine",
    ];
    const v = (n: keyof typeof CONSTANTS) => CONSTANTS[n].value;
    const isPipelineUnpriced = (u: string) => PIPELINE_TYPES.some((t) => UNPRICED_USAGE[t] === u);

    it("per strategy: consumers on, the order events' endpoint failover only with an endpoint, the reconciler's bound, the accepted and queued orders", async () => {
        const want: Record<string, { consumers: number; endpoint: boolean }> = {
            "backup-restore": { consumers: v("provisionSeconds") + v("esmEnableSeconds"), endpoint: false },
            "pilot-light": { consumers: v("esmEnableSeconds"), endpoint: false },
            "warm-standby": { consumers: 0, endpoint: true },
            "active-active": { consumers: 0, endpoint: true },
        };
        for (const strategy of STRATEGIES) {
            const e = await estimatesOf(`strategy=${strategy}`);
            const pair = standbyOf(e).pair!;
            const pl = pair.pipeline!;
            assert.ok(pl, `${strategy}: the pipeline's figures are estimated`);
            assert.equal(pl.consumersOn.seconds, want[strategy].consumers, `${strategy}: consumers on`);
            assert.equal(pl.eventFailover !== undefined, want[strategy].endpoint, `${strategy}: endpoint failover only with a global endpoint`);
            if (pl.eventFailover) {
                // The project's alarm waits 3 one-minute periods, not the AWS template's 5; AWS's remainder is added.
                assert.equal(pl.eventFailover.seconds, 3 * 60 + v("eventEndpointFailoverAfterAlarmSeconds"), strategy);
                assert.ok(pl.eventFailover.seconds! < 360, `${strategy}: faster than AWS's 360 s for the template's 5-period alarm`);
                assert.match(pl.eventFailover.restsOn.join(" "), /360 s, at most 420 s/);
            }
            // The reconciler: ACCEPTED longer than its threshold, found at its next run of rate(5 minutes).
            assert.equal(pl.strandedOrderResumed.seconds, v("reconcilerStaleAfterSeconds") + 300, strategy);
            assert.match(pl.strandedOrderResumed.restsOn[0], /rate\(5 minutes\)/);
            // Accepted orders: the orders table's RPO, whatever it rests on (replication, or a copied backup).
            const orders = pair.rpo.stores.find((x) => /orders/.test(x.store))!;
            assert.equal(pl.acceptedOrders.seconds, orders.unplannedSeconds, strategy);
            assert.equal(pl.acceptedOrders.seconds, strategy === "backup-restore" ? 3600 + v("backupCopySeconds") : v("dynamoReplicationLagSeconds"));
            // Queued messages are stranded, not given as seconds, and held for the queues' 14-day retention.
            assert.equal(pl.queuedMessages.mode, "stranded");
            assert.match(pl.queuedMessages.restsOn[0], /not lost while they are retained \(14 day\(s\)/);
            // None of it moves the pair's RTO or RPO: the same plans without the pipeline estimate the same figures.
            const withoutPipeline = estimatePlans(
                (await planAll(`strategy=${strategy}`)).map((p) => ({ ...p, resources: p.resources.filter((r) => !/OrderPipeline\$/.test(r.urn)) })),
            );
            assert.deepEqual(
                withoutPipeline.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                e.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                strategy,
            );
            assert.equal(standbyOf(withoutPipeline).pair!.pipeline, undefined, "and without it there is no pipeline block");
        }
    });

    it("the endpoint failover follows the alarm's evaluation periods (3 → 5 makes it AWS's 420 s upper bound)", async () => {
        const plans = await planAll("strategy=warm-standby");
        const five = plans.map((p) => ({
            ...p,
            resources: p.resources.map((r) =>
                r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.name === "securecart-order-events-latency"
                    ? { ...r, inputs: { ...r.inputs, evaluationPeriods: 5 } }
                    : r,
            ),
        }));
        const fo = standbyOf(estimatePlans(five)).pair!.pipeline!.eventFailover!;
        assert.equal(fo.seconds, 420);
        assert.equal(standbyOf(estimatePlans(plans)).pair!.pipeline!.eventFailover!.seconds, 300);
    });

    it("the per-order constants are the code's: the saga's happy path, the reconciler's threshold", () => {
        const fn = "arn:aws:lambda:us-east-1:123456789012:function:securecart-fulfilment";
        const d = orderSagaDefinition({
            fulfilmentFunctionArn: fn,
            notificationTopicArn: "arn:aws:sns:us-east-1:123456789012:securecart-notifications",
        });
        const path: string[] = [];
        for (let name: string | undefined = d.StartAt; name !== undefined;) {
            path.push(name);
            const st: (typeof d.States)[string] = d.States[name];
            name = st.Type === "Task" ? st.Next : undefined;
        }
        assert.deepEqual(path, ["ReserveInventory", "TakePayment", "ConfirmOrder", "NotifyCustomer"]);
        assert.equal(v("sagaTransitionsPerOrder"), path.length);
        // Three Lambda tasks on the path (fulfilment), plus the order processor and two notifications.
        const lambdaTasks = path.filter(
            (n) => d.States[n].Type === "Task" && (d.States[n] as { Resource: string }).Resource.includes("lambda"),
        ).length;
        assert.equal(v("lambdaInvocationsPerOrder"), 1 + lambdaTasks + 2);
        assert.equal(v("reconcilerStaleAfterSeconds"), reconcilerConfig({ ORDERS_TABLE: "t", STATE_MACHINE_ARN: "a" }).thresholdSeconds);
    });

    it("Lambda and Step Functions are priced and scale with ordersPerMonth; SQS, SNS and EventBridge carry the volume, unpriced", async () => {
        const plan = (await planAll("strategy=warm-standby")).find((p) => p.role === "primary")!;
        const view = { stack: plan.stack, region: plan.region, resources: plan.resources };
        const prices = PRICES.regions[plan.region];
        const runs = (CONSTANTS.hoursPerMonth.value * 3600) / 300; // the primary's reconciler, rate(5 minutes)
        const at = (orders: number) => estimateCost(view, stackFacts(view), { peers: [] }, resolveConstants({ ordersPerMonth: orders }), PRICES);
        // Quantities are shown to 5 decimals: compare to that, not to the float's last bit.
        const near = (actual: number, expected: number, what: string) =>
            assert.ok(Math.abs(actual - expected) < 1e-5, `${what}: ${actual} vs ${expected}`);
        const r2 = (x: number) => Math.round(x * 100) / 100;
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 50_000_000 }), (a, b) => {
                const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
                const [x, y] = [at(lo), at(hi)];
                const line = (c: typeof x, re: RegExp) => c.lines.find((l) => re.test(l.item));
                const req = line(y, /^Lambda requests/)!;
                near(req.quantity, (hi * v("lambdaInvocationsPerOrder") + runs) / 1e6, "Lambda requests");
                assert.equal(req.unitPriceUsd, prices.lambdaRequestMillion);
                const sfn = line(y, /^Step Functions state transitions/);
                if (hi > 0) assert.equal(sfn!.monthlyUsd, r2(((hi * v("sagaTransitionsPerOrder")) / 1000) * prices.stepFunctionsTransition1k));
                const sqs = line(y, /^SQS requests/)!;
                near(sqs.quantity, (hi * v("sqsRequestsPerOrder")) / 1e6, "SQS requests");
                assert.equal(sqs.monthlyUsd, null);
                assert.ok(y.unpriced.includes(UNPRICED_USAGE["aws:sqs/queue:Queue"]));
                assert.ok(y.monthlyUsd >= x.monthlyUsd, `${hi} orders cost no less than ${lo}`);
                if (hi - lo >= 1000) assert.ok(line(y, /^Lambda duration/)!.monthlyUsd! > line(x, /^Lambda duration/)!.monthlyUsd!);
            }),
            { numRuns: 40 },
        );
        // The global endpoint's health check, left out of the DNS facts, is priced here; its alarm with the others.
        assert.equal(lineOf({ breakdown: at(1).lines } as StackEstimate, /global endpoint\)$/)!.unitPriceUsd, prices.route53HealthCheckMonth);
    });

    it("a region that runs no pipeline costs nothing for it: backup-restore's standby (queues only), pilot light's (consumers off)", async () => {
        for (const [strategy, why] of [
            ["backup-restore", /only the pipeline's 5 queue\(s\)/],
            ["pilot-light", /consumers off/],
        ] as const) {
            const dr = standbyOf(await estimatesOf(`strategy=${strategy}`));
            // The API's keep-alive probe is a function too, and the alarm topics are topics, but neither is the
            // pipeline's (priced with the API, and with the operations tier).
            const pipeline = dr.breakdown.filter((l) => PIPELINE_TYPES.includes(l.type) && !/keep-alive|alarm topics/.test(l.item));
            assert.deepEqual(
                pipeline.map((l) => [l.item, l.monthlyUsd]),
                [["order pipeline", 0]],
                `${strategy}: one idle line at $0`,
            );
            assert.match(pipeline[0].basis, why);
            assert.deepEqual(dr.cost.unpriced.filter(isPipelineUnpriced), [], `${strategy}: nothing of the pipeline left unpriced on the standby`);
        }
        // Warm standby: consumers on but no traffic, so no orders; the pollers' requests are declared, not priced.
        const ws = standbyOf(await estimatesOf("strategy=warm-standby"));
        assert.equal(lineOf(ws, /^Lambda requests \(order pipeline/), undefined, "no orders and no reconciler on the warm standby");
        assert.equal(lineOf(ws, /^SQS requests/)!.quantity, 0);
        assert.deepEqual(ws.cost.unpriced.filter(isPipelineUnpriced), [UNPRICED_USAGE["aws:sqs/queue:Queue"]]);
    });

    it("active-active splits the orders between the regions; only the primary runs the reconciler", async () => {
        const e = await estimatesOf("strategy=active-active");
        const n = v("ordersPerMonth") * v("lambdaInvocationsPerOrder");
        const runs = (CONSTANTS.hoursPerMonth.value * 3600) / 300;
        const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);
        near(lineOf(standbyOf(e), /^Lambda requests/)!.quantity, n / 2 / 1e6);
        near(lineOf(primaryOf(e), /^Lambda requests/)!.quantity, (n / 2 + runs) / 1e6);
        assert.equal(lineOf(standbyOf(e), /^Step Functions/)!.quantity, ((v("ordersPerMonth") / 2) * v("sagaTransitionsPerOrder")) / 1000);
    });
});

describe("estimates: sign-in and the API", () => {
    const v = (n: keyof typeof CONSTANTS) => CONSTANTS[n].value;
    const NEW_TYPES = [
        "aws-native:cognito:UserPool",
        "aws-native:cognito:UserPoolReplica",
        "aws-native:cognito:UserPoolDomain",
        "aws:cognito/userPoolClient:UserPoolClient",
        "pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus",
        "aws:apigatewayv2/api:Api",
        "aws:apigatewayv2/vpcLink:VpcLink",
        "aws:apigatewayv2/integration:Integration",
        "aws:apigatewayv2/authorizer:Authorizer",
        "aws:apigatewayv2/route:Route",
        "aws:apigatewayv2/stage:Stage",
        "aws:apigatewayv2/domainName:DomainName",
        "aws:apigatewayv2/apiMapping:ApiMapping",
        "aws:cloudfront/cachePolicy:CachePolicy",
    ];
    /** The plans without the sign-in and API tier: its components' children and the replica's status. */
    const withoutTier = (plans: StackPlan[]): StackPlan[] =>
        plans.map((p) => ({
            ...p,
            resources: p.resources.filter(
                (r) => !/securecart:(api:Api|identity:Identity)\$/.test(r.urn) && r.type !== "pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus",
            ),
        }));
    const withConfig = (plans: StackPlan[], key: string, value: Record<string, unknown>): StackPlan[] =>
        plans.map((p) => ({ ...p, config: { ...p.config, [key]: { ...((p.config[key] as object) ?? {}), ...value } } }));

    it("every type of the tier is classified: billable with its price keys, or free with a reason", () => {
        for (const t of NEW_TYPES) {
            assert.ok(t in BILLABLE_TYPES || t in FREE_TYPES, `${t} is classified`);
            assert.ok(!(t in BILLABLE_TYPES && t in FREE_TYPES), `${t} is not both`);
            if (t in FREE_TYPES) assert.ok(FREE_TYPES[t].length > 10, `${t}: a reason`);
            if (t in BILLABLE_TYPES && BILLABLE_TYPES[t].length === 0) assert.match(UNPRICED_USAGE[t], /unknown, because/, `${t}: why no price`);
        }
        assert.deepEqual([...BILLABLE_TYPES["aws:apigatewayv2/api:Api"]], ["apiGatewayHttpRequestMillion", "apiGatewayHttpRequestMillionOver300M"]);
        for (const k of ["apiGatewayHttpRequestMillion", "apiGatewayHttpRequestMillionOver300M"]) {
            assert.match(PRICES.notes![k], /^Confirmed on an AWS page: .*cost-optimization\.html, read 2026-12-06/, k);
            assert.match(PRICES.notes![k], /us-west-2 are an assumption/, k);
        }
    });

    it("per strategy: the identity RPO is unknown with a replica and the backup interval under backup-restore; sign-in and the API fail over as their checks say", async () => {
        const detection = 3 * 60 + v("route53AlarmReactionSeconds");
        for (const strategy of STRATEGIES) {
            const plans = await planAll(`strategy=${strategy}`);
            const e = estimatePlans(plans);
            const ia = standbyOf(e).pair!.identityApi!;
            assert.ok(ia, `${strategy}: the block is estimated`);
            if (strategy === "backup-restore") {
                assert.equal(ia.identityRpo!.mode, "export");
                assert.equal(ia.identityRpo!.seconds, 3600, "backup.intervalHours defaults to 1");
                assert.match(ia.identityRpo!.restsOn.join(" "), /plan\.identity\.exportUsers/);
                assert.match(ia.identityRpo!.restsOn.join(" "), /passwords are never exported/);
                assert.equal(ia.signIn!.seconds, null);
                assert.match(ia.signIn!.restsOn.join(" "), /new user pool and a user import job.*unknown, because AWS publishes no duration/);
                // No API in the standby: the promotion creates it with the services.
                assert.equal(ia.apiFailover!.seconds, detection + v("provisionSeconds") + v("aliasTtlSeconds"));
            } else {
                assert.equal(ia.identityRpo!.mode, "replication", strategy);
                assert.equal(ia.identityRpo!.seconds, null, strategy);
                assert.match(
                    ia.identityRpo!.restsOn.join(" "),
                    /unknown, because Cognito documents replication only as eventually consistent, with no figure/,
                );
                assert.match(ia.identityRpo!.restsOn.join(" "), /user-pool-multi-region\.html, read 2026-12-06/);
                if (strategy === "pilot-light") {
                    assert.equal(ia.signIn!.seconds, null);
                    assert.match(ia.signIn!.restsOn.join(" "), /INACTIVE.*UpdateUserPoolReplica.*unknown, because/);
                } else {
                    assert.equal(ia.signIn!.seconds, detection, strategy);
                    assert.match(ia.signIn!.restsOn.join(" "), /securecart-dns-targets-alarm: period 60 s × evaluationPeriods 3/);
                }
                assert.equal(ia.apiFailover!.seconds, detection + v("aliasTtlSeconds"), strategy);
            }
            // None of it moves the pair's RTO or RPO, and detection stays the storefront's region check.
            const without = estimatePlans(withoutTier(plans));
            assert.deepEqual(
                without.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                e.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                strategy,
            );
            assert.equal(standbyOf(without).pair!.identityApi, undefined, `${strategy}: no tier, no block`);
            assert.match(stepOf(e, "unplanned", "detection").parts[0].label, /securecart-dns-targets-alarm/, strategy);
        }
        const daily = standbyOf(await estimatesOf("strategy=backup-restore", "backup.intervalHours=24")).pair!.identityApi!;
        assert.equal(daily.identityRpo!.seconds, 86400);
    });

    it("the API's failover follows its children's alarms (dns.failureThreshold 5 → 5 periods)", async () => {
        const slow = standbyOf(await estimatesOf("strategy=warm-standby", "dns.failureThreshold=5")).pair!.identityApi!;
        assert.equal(slow.apiFailover!.seconds, 5 * 60 + v("route53AlarmReactionSeconds") + v("aliasTtlSeconds"));
        assert.equal(slow.signIn!.seconds, 5 * 60 + v("route53AlarmReactionSeconds"));
    });

    it("the API's request cost scales with api.monthlyRequests in the serving region, at the whitepaper's tiers", async () => {
        const plans = await planAll("strategy=warm-standby");
        const us = PRICES.regions["us-east-1"];
        const at = (requests: number) => estimatePlans(withConfig(plans, "securecart:api", { monthlyRequests: requests }));
        const line = (e: ProjectEstimate) => lineOf(primaryOf(e), /^API Gateway HTTP API requests \(/)!;
        assert.equal(line(at(10_000_000)).quantity, 10);
        assert.equal(line(at(10_000_000)).monthlyUsd, 10 * us.apiGatewayHttpRequestMillion);
        assert.equal(line(at(20_000_000)).monthlyUsd, 20 * us.apiGatewayHttpRequestMillion);
        assert.match(line(at(20_000_000)).basis, /api\.monthlyRequests = 20000000 requests/);
        const big = at(400_000_000);
        assert.equal(line(big).quantity, 300);
        assert.equal(lineOf(primaryOf(big), /above 300 million/)!.monthlyUsd, Math.round(100 * us.apiGatewayHttpRequestMillionOver300M * 100) / 100);
        assert.ok(primaryOf(at(20_000_000)).monthlyCostUsd > primaryOf(at(10_000_000)).monthlyCostUsd);
        // The standby takes no traffic: only its keep-alive probe's daily requests, whatever api.monthlyRequests says.
        const probe = (CONSTANTS.hoursPerMonth.value * 3600) / 86400;
        for (const e of [at(10_000_000), at(400_000_000)])
            assert.equal(lineOf(standbyOf(e), /^API Gateway HTTP API requests \(/)!.quantity, Math.round((probe / 1e6) * 1e5) / 1e5);
        // Active-active splits the requests.
        const aa = estimatePlans(withConfig(await planAll("strategy=active-active"), "securecart:api", { monthlyRequests: 10_000_000 }));
        assert.equal(lineOf(primaryOf(aa), /^API Gateway HTTP API requests \(/)!.quantity, 5);
    });

    it("the MAU lines say unknown and show the configured monthly active users and plan; the replica's only where one is created", async () => {
        for (const strategy of STRATEGIES) {
            const plans = withConfig(await planAll(`strategy=${strategy}`), "securecart:identity", { monthlyActiveUsers: 12345 });
            const e = estimatePlans(plans);
            const prod = primaryOf(e);
            const mau = lineOf(prod, /^Cognito monthly active users/)!;
            assert.equal(mau.quantity, 12345, strategy);
            assert.equal(mau.monthlyUsd, null, strategy);
            assert.equal(mau.unitPriceUsd, null, strategy);
            assert.match(mau.item, /PLUS plan/);
            assert.match(mau.basis, /identity\.monthlyActiveUsers = 12345 MAUs/);
            assert.ok(prod.cost.unpriced.includes(UNPRICED_USAGE["aws-native:cognito:UserPool"]));
            assert.match(UNPRICED_USAGE["aws-native:cognito:UserPool"], /unknown, because .*Essentials and Plus/);
            const replica = lineOf(prod, /^Cognito multi-Region replication/);
            assert.equal(replica !== undefined, strategy !== "backup-restore", `${strategy}: a replica line only with a replica`);
            if (replica) assert.equal(replica.quantity, 12345);
            assert.equal(lineOf(standbyOf(e), /^Cognito/), undefined, `${strategy}: the standby owns no pool`);
        }
    });

    it("the internal load balancer is priced with the others; the keep-alive probe only where the region takes no traffic", async () => {
        const e = await estimatesOf("strategy=warm-standby");
        for (const s of e.stacks) {
            const internal = s.facts.albs;
            assert.equal(internal, 2, `${s.stack}: the web tier's and the services' internal load balancer`);
            assert.equal(lineOf(s, /^Application Load Balancer hours/)!.quantity, 2 * 730);
        }
        assert.ok(lineOf(standbyOf(e), /^Lambda requests \(API keep-alive probe/));
        assert.equal(lineOf(primaryOf(e), /keep-alive/), undefined);
    });
});

describe("estimates: the cache and the shared files", () => {
    const v = (n: keyof typeof CONSTANTS) => CONSTANTS[n].value;
    const TIER_TYPES = {
        billable: ["aws:elasticache/replicationGroup:ReplicationGroup", "aws-native:efs:FileSystem"],
        free: [
            "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
            "aws:elasticache/subnetGroup:SubnetGroup",
            "aws:elasticache/user:User",
            "aws:elasticache/userGroup:UserGroup",
            "aws:efs/mountTarget:MountTarget",
            "aws:efs/accessPoint:AccessPoint",
            "aws:efs/fileSystemPolicy:FileSystemPolicy",
            "aws:efs/replicationConfiguration:ReplicationConfiguration",
            "pulumi-nodejs:dynamic/securecart:CachePrimary",
            "pulumi-nodejs:dynamic/securecart:FilesPrimary",
            "pulumi-nodejs:dynamic/securecart:FilesReplication",
        ],
    };
    /** The plans without the tier: the cache's and the shared files' components' children and the primary moves. */
    const withoutTier = (plans: StackPlan[]): StackPlan[] =>
        plans.map((p) => ({
            ...p,
            resources: p.resources.filter(
                (r) =>
                    !/securecart:(data:Cache|storage:SharedFiles)\$/.test(r.urn) &&
                    !/securecart:(CachePrimary|FilesPrimary|FilesReplication)$/.test(r.type),
            ),
        }));

    it("every type of the tier is classified: the nodes billable (unpriced, saying why), the file system priced, the rest free with a reason", async () => {
        for (const t of TIER_TYPES.billable) assert.ok(t in BILLABLE_TYPES && !(t in FREE_TYPES), t);
        for (const t of TIER_TYPES.free) {
            assert.ok(t in FREE_TYPES && !(t in BILLABLE_TYPES), `${t} is free`);
            assert.ok(FREE_TYPES[t].length > 10, `${t}: a reason`);
        }
        assert.deepEqual([...BILLABLE_TYPES["aws:elasticache/replicationGroup:ReplicationGroup"]], []);
        assert.match(
            UNPRICED_USAGE["aws:elasticache/replicationGroup:ReplicationGroup"],
            /^ElastiCache node-hours: unknown, because .*elasticache\/pricing.*2026-12-06/,
        );
        assert.deepEqual([...BILLABLE_TYPES["aws-native:efs:FileSystem"]], ["efsStandardGbMonth"]);
        const note = PRICES.notes!.efsStandardGbMonth;
        assert.match(note, /https:\/\/aws\.amazon\.com\/efs\/pricing\/ read 2026-12-06/);
        assert.match(note, /NOT CONFIRMED/);
        // The plans create them all (but the never-planned replication configuration), so the lists are not idle.
        const planned = new Set<string>();
        for (const strategy of STRATEGIES) for (const p of await planAll(`strategy=${strategy}`)) for (const r of p.resources) planned.add(r.type);
        for (const t of [...TIER_TYPES.billable, ...TIER_TYPES.free].filter((x) => !/replicationConfiguration/.test(x)))
            assert.ok(planned.has(t), `${t} is planned`);
    });

    it("per strategy: the cold cache's resize step only where planCache gives the standby the minimal size, the Global Datastore's lag and promotion only where it is global", async () => {
        for (const strategy of STRATEGIES) {
            const e = await estimatesOf(`strategy=${strategy}`);
            const cache = standbyOf(e).pair!.cacheFiles!.cache!;
            const plan = planCache(strategy, false, false, "planned");
            const resize = cache.rto.unplanned.parts.find((x) => /^resize .* in place/.test(x.label));
            assert.equal(resize !== undefined, plan.size === "minimal", `${strategy}: a resize step only for a minimal standby`);
            assert.equal(cache.standby!.cold, plan.size === "minimal", strategy);
            if (resize) {
                assert.match(resize.label, /from cache\.t4g\.micro to cache\.r7g\.large/, "cache.coldNodeType → cache.nodeType");
                assert.equal(resize.seconds, null);
                assert.match(resize.restsOn, /unknown, because AWS documents no duration: .*Scaling\.RedisReplGrps\.html, read 2026-12-06/);
                assert.ok(
                    cache.rto.unplanned.parts.some((x) => /^warm-up/.test(x.label) && x.seconds === null && /unknown, because/.test(x.restsOn)),
                );
                assert.equal(cache.rto.unplanned.seconds, null, `${strategy}: the cold cache cannot be timed`);
                assert.equal(cache.standby!.nodeType, "cache.t4g.micro");
            }
            if (plan.mode === "global") {
                assert.equal(cache.rpo.mode, "replication", strategy);
                assert.equal(cache.rpo.unplannedSeconds, v("cacheGlobalDatastoreLagSeconds"));
                assert.match(cache.rpo.restsOn.join(" "), /cacheGlobalDatastoreLagSeconds = 1 s/);
                assert.equal(cache.rto.unplanned.seconds, v("cacheGlobalDatastoreFailoverSeconds"), strategy);
                assert.match(cache.rto.unplanned.parts[0].label, /^FailoverGlobalReplicationGroup to securecart-us-west-2 in us-west-2/);
                assert.equal(cache.standby!.nodeType, "cache.r7g.large", `${strategy}: the secondary inherits the primary's node type`);
            } else {
                assert.equal(cache.rpo.mode, "rebuilt", strategy);
                assert.equal(cache.rpo.unplannedSeconds, null, `${strategy}: no lag figure for a standalone cache`);
                assert.doesNotMatch(JSON.stringify(cache), /cacheGlobalDatastore/, `${strategy}: no Global Datastore figure`);
            }
            assert.match(cache.rpo.restsOn.join(" "), /sessions live in the DynamoDB table securecart-sessions/);
        }
        // The constants feed the figures: an override moves them.
        const tuned = estimatePlans(
            (await planAll("strategy=warm-standby")).map((p) => ({
                ...p,
                config: { ...p.config, "securecart:estimates": { cacheGlobalDatastoreFailoverSeconds: 90, cacheGlobalDatastoreLagSeconds: 2 } },
            })),
        );
        const tc = standbyOf(tuned).pair!.cacheFiles!.cache!;
        assert.equal(tc.rto.unplanned.seconds, 90);
        assert.equal(tc.rpo.unplannedSeconds, 2);
        assert.match(tc.rto.unplanned.parts[0].restsOn, /\(overridden in config\)/);
    });

    it("per strategy: the shared files' RPO is 15 min where the primary replicates into the standby and the backup interval plus the copy under backup-restore; the failover and the restore have no duration", async () => {
        for (const strategy of STRATEGIES) {
            const files = standbyOf(await estimatesOf(`strategy=${strategy}`)).pair!.cacheFiles!.files!;
            assert.equal(files.rpo.store, "efs:securecart-files-fs");
            assert.equal(files.rto.unplanned.seconds, null, strategy);
            if (planFiles(strategy, true, "planned").replicatesOut) {
                assert.equal(files.rpo.mode, "replication", strategy);
                assert.equal(files.rpo.unplannedSeconds, 15 * 60, strategy);
                assert.equal(files.rpo.plannedSeconds, 15 * 60, `${strategy}: the switchover does not wait for a sync`);
                assert.match(files.rpo.restsOn.join(" "), /efsReplicationRpoSeconds = 900 s/);
                assert.match(
                    CONSTANTS.efsReplicationRpoSeconds.source,
                    /"most changes are replicated within a minute, with an overall Recovery Point Objective \(RPO\) of 15 minutes for most file systems"/,
                );
                assert.match(files.rto.unplanned.parts[0].restsOn, /"can take several minutes" .*delete-replications\.html/);
            } else {
                assert.equal(files.rpo.mode, "backup-copy", strategy);
                assert.equal(files.rpo.unplannedSeconds, 3600 + v("backupCopySeconds"), "backup.intervalHours defaults to 1");
                assert.match(files.rto.unplanned.parts[0].restsOn, /unknown, because AWS Backup publishes no restore duration/);
            }
        }
        const daily = standbyOf(await estimatesOf("strategy=backup-restore", "backup.intervalHours=24")).pair!.cacheFiles!.files!;
        assert.equal(daily.rpo.unplannedSeconds, 86400 + v("backupCopySeconds"));
        // Read from the resources: without the primary's replication (a first deployment's), the copies are the path.
        const plans = await planAll("strategy=pilot-light");
        const first = plans.map((p) =>
            p.role === "primary" ? { ...p, resources: p.resources.filter((r) => !/FilesReplication$/.test(r.type)) } : p,
        );
        const f = standbyOf(estimatePlans(first)).pair!.cacheFiles!.files!;
        assert.equal(f.rpo.mode, "backup-copy");
        assert.equal(f.rpo.unplannedSeconds, 3600 + v("backupCopySeconds"));
    });

    it("stands apart: the pair's RTO and RPO are the same without the tier, and without it there is no block", async () => {
        for (const strategy of STRATEGIES) {
            const plans = await planAll(`strategy=${strategy}`);
            const e = estimatePlans(plans);
            const without = estimatePlans(withoutTier(plans));
            assert.ok(standbyOf(e).pair!.cacheFiles, strategy);
            assert.equal(standbyOf(without).pair!.cacheFiles, undefined, `${strategy}: no tier, no block`);
            assert.deepEqual(
                without.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                e.stacks.map((x) => [x.stack, x.rtoSeconds, x.rpoSeconds]),
                strategy,
            );
        }
    });

    it("cost: two nodes per region at the role's node type, unpriced; EFS storage where the file system holds the data; the replication traffic paid by the source", async () => {
        const us = PRICES.regions["us-east-1"];
        const nodes = (s: StackEstimate) => lineOf(s, /^ElastiCache .* nodes \(/)!;
        const storage = (s: StackEstimate) => lineOf(s, /^EFS storage \(/)!;
        for (const strategy of STRATEGIES) {
            const e = await estimatesOf(`strategy=${strategy}`);
            const [prod, dr] = [primaryOf(e), standbyOf(e)];
            const cold = planCache(strategy, false, false, "planned").size === "minimal";
            const global = planCache(strategy, true, true, "planned").mode === "global";
            const replicated = planFiles(strategy, true, "planned").replicatesOut;
            assert.equal(nodes(prod).item, "ElastiCache cache.r7g.large nodes (securecart-us-east-1)", strategy);
            assert.equal(nodes(dr).item, `ElastiCache ${cold ? "cache.t4g.micro" : "cache.r7g.large"} nodes (securecart-us-west-2)`, strategy);
            for (const s of [prod, dr]) {
                assert.equal(nodes(s).quantity, 2 * 730, `${strategy}/${s.stack}: numCacheClusters 2 × 730 h`);
                assert.equal(nodes(s).monthlyUsd, null);
                assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE["aws:elasticache/replicationGroup:ReplicationGroup"]));
            }
            assert.equal(storage(prod).monthlyUsd, Math.round(v("filesStorageGb") * us.efsStandardGbMonth * 100) / 100, strategy);
            if (replicated) assert.equal(storage(dr).quantity, v("filesStorageGb"), `${strategy}: the destination holds a full copy`);
            else {
                assert.equal(storage(dr).monthlyUsd, 0, `${strategy}: the standby's file system is empty until a restore`);
                assert.match(storage(dr).basis, /empty until a restore/);
            }
            assert.equal(lineOf(prod, /^ElastiCache Global Datastore replication transfer/) !== undefined, global, strategy);
            assert.equal(lineOf(prod, /^EFS replication transfer/) !== undefined, replicated, strategy);
            assert.equal(
                lineOf(dr, /replication transfer \((securecart-us-west-2|securecart-files-fs) →/),
                undefined,
                `${strategy}: the standby sends nothing`,
            );
            if (global) assert.equal(lineOf(prod, /^ElastiCache Global Datastore/)!.quantity, v("cacheReplicatedGbPerMonth"));
        }
        // The size assumption drives the storage line, and is overridable like the other constants.
        const plans = await planAll("strategy=pilot-light");
        const big = estimatePlans(plans.map((p) => ({ ...p, config: { ...p.config, "securecart:estimates": { filesStorageGb: 200 } } })));
        assert.equal(storage(standbyOf(big)).monthlyUsd, Math.round(200 * PRICES.regions["us-west-2"].efsStandardGbMonth * 100) / 100);
        assert.match(storage(standbyOf(big)).basis, /filesStorageGb = 200 GB \(overridden in config\)/);
    });

    it("the new constants each cite a source and the date it was read", () => {
        for (const n of [
            "cacheGlobalDatastoreLagSeconds",
            "cacheGlobalDatastoreFailoverSeconds",
            "efsReplicationRpoSeconds",
            "filesStorageGb",
            "filesChangedGbPerMonth",
            "cacheReplicatedGbPerMonth",
        ] as const) {
            assert.match(CONSTANTS[n].source, /20\d\d-\d\d-\d\d/, `${n}: dated`);
            if (CONSTANTS[n].kind === "time") assert.match(CONSTANTS[n].source, /https:\/\//, `${n}: names its page`);
            else assert.match(CONSTANTS[n].source, /^assumption about the workload/, `${n}: says it is an assumption`);
        }
        for (const n of ["cacheGlobalDatastoreLagSeconds", "cacheGlobalDatastoreFailoverSeconds"] as const) {
            assert.match(CONSTANTS[n].source, /disaster-recovery\.workshop\.aws\/en\/services\/databases\/elasticache\/global-datastore\.html/);
            assert.match(CONSTANTS[n].source, /not a documented SLA/);
        }
    });

    it("the plan's text shows the block per stack and --compare-strategies a row per strategy, the cold standby's nodes named", async () => {
        const rows: CompareRow[] = [];
        for (const strategy of STRATEGIES) {
            const e = await estimatesOf(`strategy=${strategy}`);
            rows.push(compareRow(strategy, e));
            const text = renderEstimates(standbyOf(e), e);
            assert.match(text, /\n {2}Cache and shared files \(not in the RTO and RPO above/);
            assert.match(text, /\n {4}not in this figure: cache:securecart-us-east-1 \(.*\), efs:securecart-files-fs \(/);
            assert.match(
                text,
                /\n {4}shared files RTO, unplanned +unknown {2}make the replica writable|\n {4}shared files RTO, unplanned +unknown {2}restore the file system/,
            );
            assert.ok(estimatesJson(standbyOf(e), e).cacheFiles, `${strategy}: --json carries the block`);
        }
        const table = renderCompare(rows);
        const row = (strategy: string) => table.split("\n").filter((l) => l.startsWith(`| ${strategy} `))[1];
        assert.match(
            row("backup-restore"),
            /\| +rebuilt \| unknown \(resize, warm-up\) \| +2h \| +unknown \(restore\) \| 2 × cache\.t4g\.micro \(cold\) \|$/,
        );
        assert.match(
            row("pilot-light"),
            /\| +rebuilt \| unknown \(resize, warm-up\) \| +15m \| unknown \(replication deleted\) \| 2 × cache\.t4g\.micro \(cold\) \|$/,
        );
        for (const s of ["warm-standby", "active-active"])
            assert.match(row(s), /\| +1s \| +1m \(promotion\) \| +15m \| unknown \(replication deleted\) \| +2 × cache\.r7g\.large \|$/, s);
    });
});
