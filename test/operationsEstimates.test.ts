/**
 * The operations tier in the estimates: the RTO's detection with the "region-serving" health signal (a CALCULATED
 * check over alarm checks: its children's window and Route 53's reaction, its own aggregation delay said but not
 * added), and the tier's monthly cost (alarms per alarm metric, composites, dashboards, alarm topics, the trail,
 * GuardDuty, fault-injection templates per run), from the whole program's plans and from hand-built planned resources
 * of the types other branches add.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import {
    ALARM_NOTIFICATIONS,
    CALCULATED_CHECK_DELAY,
    ProjectEstimate,
    StackEstimate,
    StackInput,
    UNPRICED_OPERATIONS,
    UNPRICED_USAGE,
    estimateProject,
    resolveConstants,
} from "../src/estimates";
import { estimateCost } from "../src/estimates/cost";
import { timeline } from "../src/estimates/rto";
import { PlanResource, T, stackFacts } from "../src/plan";
import { PRICES } from "../src/prices";
import { estimatePlans, estimatesJson, renderEstimates } from "../tools/estimateReport";
import { type FaultExperimentsArgs, faultTemplates } from "../components/faultExperiments";
import { STRATEGIES, configOf, planAll } from "./helpers";

const REGION_SERVING = "operations.healthSignal=region-serving";
const estimatesOf = async (...o: string[]): Promise<ProjectEstimate> => estimatePlans(await planAll(...o));
const primaryOf = (e: ProjectEstimate): StackEstimate => e.stacks.find((s) => s.role === "primary")!;
const unplanned = (e: ProjectEstimate) => primaryOf(e).pair!.rto.unplanned;
const planned = (e: ProjectEstimate) => primaryOf(e).pair!.rto.planned;
const detectionOf = (e: ProjectEstimate) => unplanned(e).phases[0][0];

describe("operations estimates: RTO detection with the region-serving health signal", () => {
    for (const strategy of STRATEGIES) {
        it(`${strategy}: region-serving changes the unplanned RTO by exactly (servingEvaluationMinutes − dns.failureThreshold) × 60 s; API and sign-in keep the storefront check`, async () => {
            const cfg = configOf("prod", `strategy=${strategy}`, REGION_SERVING);
            const expected = (cfg.operations.servingEvaluationMinutes - cfg.dns.failureThreshold) * 60;
            assert.equal(expected, -60, "the defaults: 2 one-minute periods against 3");
            const storefront = await estimatesOf(`strategy=${strategy}`);
            const serving = await estimatesOf(`strategy=${strategy}`, REGION_SERVING);
            assert.notEqual(unplanned(storefront).seconds, null, strategy);
            assert.equal(unplanned(serving).seconds! - unplanned(storefront).seconds!, expected, `${strategy}: unplanned RTO`);
            assert.equal(planned(serving).seconds, planned(storefront).seconds, `${strategy}: a planned switchover detects nothing`);

            // The detection: the storefront targets' child (60 s × servingEvaluationMinutes) and Route 53's reaction;
            // the calculated check's own delay is a caveat next to the figure, not in it.
            const det = detectionOf(serving);
            const reaction = resolveConstants().values.route53AlarmReactionSeconds;
            assert.equal(det.seconds, 60 * cfg.operations.servingEvaluationMinutes + reaction);
            assert.match(det.parts[0].label, /storefront-targets/, "the child a lost region fails first");
            assert.ok(
                det.notes.some((n) => /count missing data as unhealthy/.test(n)),
                "says why that child",
            );
            assert.ok(
                det.caveats?.some((x) => x.startsWith(CALCULATED_CHECK_DELAY)),
                "the unpublished delay is named",
            );
            assert.ok(unplanned(serving).caveats?.some((x) => x.startsWith(CALCULATED_CHECK_DELAY)));
            assert.equal(unplanned(storefront).caveats, undefined, "the storefront check has no calculated delay");
            assert.equal(detectionOf(storefront).seconds, 60 * cfg.dns.failureThreshold + reaction);

            // The API's and the sign-in domain's checks still name the storefront check (dns.healthCheckId).
            const ia0 = primaryOf(storefront).pair!.identityApi;
            const ia1 = primaryOf(serving).pair!.identityApi;
            assert.equal(ia1?.apiFailover?.seconds, ia0?.apiFailover?.seconds, `${strategy}: API failover`);
            assert.equal(ia1?.signIn?.seconds, ia0?.signIn?.seconds, `${strategy}: sign-in`);
            if (ia1?.apiFailover)
                assert.ok(
                    ia1.apiFailover.restsOn.some((r) => /securecart-api-health/.test(r)),
                    "the API's own check",
                );
            // The region's record and checks stay the region's: one record, following the serving check.
            const facts = primaryOf(serving).facts;
            assert.equal(facts.records.length, primaryOf(storefront).facts.records.length);
            assert.ok(facts.records.some((r) => r.healthCheck === "securecart-dns-serving"));
        });
    }

    it("a longer serving evaluation grows the RTO: servingEvaluationMinutes=5 against dns.failureThreshold 3 is 120 s more", async () => {
        const base = await estimatesOf("strategy=warm-standby");
        const slow = await estimatesOf("strategy=warm-standby", REGION_SERVING, "operations.servingEvaluationMinutes=5", "rtoTarget=1h");
        assert.equal(unplanned(slow).seconds! - unplanned(base).seconds!, (5 - 3) * 60);
        const target = primaryOf(slow).targets.find((t) => t.target === "rtoTarget")!;
        assert.match(target.message, /is within rtoTarget 1h/);
        assert.ok(target.message.includes(CALCULATED_CHECK_DELAY), "the target check names the caveat next to the figure");
    });

    it("property, on hand-built planned resources: for every servingEvaluationMinutes and failureThreshold in 1-10 the difference is (m − t) × 60 s", () => {
        const c = resolveConstants();
        const standby = stackFacts(regionView("dr", "us-west-2", { minutes: 2, threshold: 3, signal: "storefront", services: 1 }));
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 4 }), (m, t, services) => {
                const a = stackFacts(regionView("prod", "us-east-1", { minutes: m, threshold: t, signal: "storefront", services }));
                const b = stackFacts(regionView("prod", "us-east-1", { minutes: m, threshold: t, signal: "region-serving", services }));
                const ta = timeline("unplanned", a, standby, c);
                const tb = timeline("unplanned", b, standby, c);
                assert.equal(ta.phases[0][0].seconds, t * 60 + c.values.route53AlarmReactionSeconds);
                assert.equal(tb.phases[0][0].seconds, m * 60 + c.values.route53AlarmReactionSeconds);
                assert.equal(tb.seconds! - ta.seconds!, (m - t) * 60);
                assert.ok(tb.caveats?.[0].startsWith(CALCULATED_CHECK_DELAY));
                // The region's record is not mistaken for the API's: it follows the calculated check.
                assert.deepEqual(
                    b.records.map((r) => r.healthCheck),
                    ["hc-serving"],
                );
            }),
        );
    });

    it("a calculated check no lost region turns unhealthy, or one whose children are not planned, leaves the detection unknown with the reason", () => {
        const c = resolveConstants();
        const standby = stackFacts(regionView("dr", "us-west-2", { minutes: 2, threshold: 3, signal: "storefront", services: 0 }));
        const view = regionView("prod", "us-east-1", { minutes: 2, threshold: 3, signal: "region-serving", services: 0 });
        // Every child counts missing data as healthy: a region that publishes nothing never fails it.
        const healthy = view.resources.map((r) =>
            r.type === T.healthCheck && "inputs" in r && r.inputs.type === "CLOUDWATCH_METRIC" && r.name.startsWith("hc-serving-")
                ? { ...r, inputs: { ...r.inputs, insufficientDataHealthStatus: "Healthy" } }
                : r,
        );
        const d1 = timeline("unplanned", stackFacts({ ...view, resources: healthy }), standby, c).phases[0][0];
        assert.equal(d1.seconds, null);
        assert.match(d1.unknown!, /a lost region may not turn it unhealthy/);
        const orphan = view.resources.filter((r) => !(r.type === T.healthCheck && r.name === "hc-serving-storefront-targets"));
        const d2 = timeline("unplanned", stackFacts({ ...view, resources: orphan }), standby, c).phases[0][0];
        assert.equal(d2.seconds, null);
        assert.match(d2.unknown!, /child checks are not all planned/);
    });
});

describe("operations estimates: monthly cost lines", () => {
    it("every planned metric alarm is in exactly one alarm line, which counts one alarm metric per metric it reads (metric math: each metric)", async () => {
        const plans = await planAll("strategy=warm-standby");
        const e = estimatePlans(plans);
        for (const plan of plans) {
            const s = e.stacks.find((x) => x.stack === plan.stack)!;
            const alarms = plan.resources.filter((r) => r.type === T.metricAlarm);
            const metricsOf = (r: (typeof alarms)[number]) => {
                const q = r.inputs.metricQueries as { metric?: unknown }[] | undefined;
                return q?.length ? q.filter((x) => x.metric).length : 1;
            };
            const lines = s.breakdown.filter((l) => l.type === T.metricAlarm);
            const covered = lines.flatMap((l) => l.resources ?? []);
            assert.deepEqual([...covered].sort(), alarms.map((a) => a.name).sort(), `${plan.stack}: each alarm once`);
            for (const l of lines) {
                const mine = alarms.filter((a) => l.resources!.includes(a.name));
                assert.equal(
                    l.quantity,
                    mine.reduce((n, a) => n + metricsOf(a), 0),
                    `${plan.stack}: ${l.item}`,
                );
                assert.equal(l.monthlyUsd, Math.round(l.quantity * l.unitPriceUsd! * 100) / 100);
            }
            assert.ok(
                alarms.some((a) => metricsOf(a) === 2),
                `${plan.stack}: the plan has metric-math alarms of two metrics (desired − running, reads + writes)`,
            );
            const composites = plan.resources.filter((r) => r.type === T.compositeAlarm);
            const comp = s.breakdown.filter((l) => l.type === T.compositeAlarm);
            assert.equal(
                comp.reduce((n, l) => n + l.quantity, 0),
                composites.length,
            );
            for (const l of comp) assert.equal(l.unitPriceUsd, PRICES.regions[plan.region].cloudwatchCompositeAlarmMonth);
            const dashboards = plan.resources.filter((r) => r.type === T.dashboard);
            const dash = s.breakdown.find((l) => l.type === T.dashboard);
            assert.equal(dash?.quantity ?? 0, dashboards.length, `${plan.stack}: dashboards`);
            if (dash)
                assert.match(dash.basis, /free tier .* not deducted: this estimate is per stack, and the project plans 3 dashboard\(s\) in all/);
            // The alarm topics: volume unknown, said why; their key counted once, in the KMS line.
            const topics = s.breakdown.filter((l) => l.type === ALARM_NOTIFICATIONS);
            assert.ok(topics.length > 0 && topics.every((l) => l.monthlyUsd === null && /alarm topics/.test(l.item)));
            // The alarm topics (components/alarmTopics.ts `<prefix>-page`, `<prefix>-notify`), each region's, once.
            assert.deepEqual(
                topics.flatMap((l) => l.resources ?? []).sort(),
                plan.resources
                    .filter((r) => r.type === T.snsTopic && /-(page|notify)$/.test(String(r.inputs.name)))
                    .map((r) => String(r.inputs.name))
                    .sort(),
                `${plan.stack}: the alarm topics`,
            );
            assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE[ALARM_NOTIFICATIONS]));
            assert.match(s.breakdown.find((l) => l.type === T.kmsKey)!.basis, /of them for the alarm topics/);
        }
    });

    it("a metric-math alarm with 2 metrics costs 2 × the alarm price; a single-metric alarm 1 ×; in the region it lives in", () => {
        const alarm = (name: string, inputs: Record<string, unknown>): PlanResource => ({ type: T.metricAlarm, name, urn: `urn:${name}`, inputs });
        const math = alarm("math", {
            region: "us-west-2",
            metricQueries: [
                { id: "signal", expression: "desired - running", returnData: true },
                { id: "desired", metric: { metricName: "DesiredTaskCount", namespace: "ECS/ContainerInsights", period: 60, stat: "Maximum" } },
                { id: "running", metric: { metricName: "RunningTaskCount", namespace: "ECS/ContainerInsights", period: 60, stat: "Minimum" } },
            ],
        });
        const single = alarm("single", { metricName: "Errors", namespace: "AWS/Lambda", period: 300 });
        const view = { stack: "s", region: "us-east-1", resources: [math, single] };
        const cost = estimateCost(view, stackFacts(view), { peers: [] }, resolveConstants(), PRICES);
        const line = (name: string) => cost.lines.find((l) => l.resources?.includes(name))!;
        assert.equal(line("math").quantity, 2);
        assert.equal(line("math").monthlyUsd, Math.round(2 * PRICES.regions["us-west-2"].cloudwatchAlarmMonth * 100) / 100);
        assert.match(line("math").item, /us-west-2/);
        assert.equal(line("single").quantity, 1);
        assert.equal(line("single").monthlyUsd, PRICES.regions["us-east-1"].cloudwatchAlarmMonth);
    });

    it("region-serving adds its checks: one per serving signal on the health-check price (its labelled assumption), the calculated one unpriced with the reason", async () => {
        const base = primaryOf(await estimatesOf("strategy=warm-standby"));
        const serving = primaryOf(await estimatesOf("strategy=warm-standby", REGION_SERVING));
        const children = serving.breakdown.filter((l) => /^Route 53 health check \(securecart-dns-serving-/.test(l.item));
        assert.equal(children.length, 7, "storefront and 4 services' targets, 2 load balancers' own 5xx");
        for (const l of children) assert.equal(l.unitPriceUsd, PRICES.regions["us-east-1"].route53HealthCheckMonth);
        const parent = serving.breakdown.find((l) => l.item === "Route 53 health check (securecart-dns-serving)")!;
        assert.equal(parent.monthlyUsd, null);
        assert.ok(serving.cost.unpriced.includes(UNPRICED_USAGE[T.healthCheck]));
        assert.match(UNPRICED_USAGE[T.healthCheck], /unknown, because/);
        assert.equal(
            Math.round((serving.monthlyCostUsd - base.monthlyCostUsd) * 100) / 100,
            Math.round(7 * PRICES.regions["us-east-1"].route53HealthCheckMonth * 100) / 100,
        );
    });

    it("every unpriced line of the operations tier says why (unknown, because), and every new price has a source and a date", async () => {
        for (const s of (await estimatesOf("strategy=warm-standby", REGION_SERVING)).stacks) {
            for (const u of s.cost.unpriced) assert.match(u, /unknown, because/, `${s.stack}: ${u}`);
            for (const l of s.breakdown.filter((x) => x.monthlyUsd === null)) assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE[l.type]), l.item);
        }
        for (const r of Object.values(UNPRICED_OPERATIONS)) assert.match(r, /unknown, because/);
        const notes = PRICES.notes ?? {};
        for (const k of [
            "cloudwatchAlarmMonth",
            "cloudwatchCompositeAlarmMonth",
            "cloudwatchDashboardMonth",
            "cloudtrailManagementEventCopy100k",
            "fisActionMinute",
        ]) {
            assert.ok(notes[k], `${k} has a note`);
            assert.match(notes[k], /read 20\d\d-\d\d-\d\d/, `${k}: dated`);
            assert.match(notes[k], /https:\/\/aws\.amazon\.com\/[a-z]+\/pricing\//, `${k}: names the AWS page`);
            assert.ok(PRICES.units[k], `${k}: unit`);
            for (const region of ["us-east-1", "us-west-2"])
                assert.equal(typeof (PRICES.regions[region] as unknown as Record<string, unknown>)[k], "number", `${region}: ${k}`);
        }
        for (const k of ["cloudwatchCompositeAlarmMonth", "cloudwatchDashboardMonth"]) assert.match(notes[k], /^NOT CONFIRMED/, k);
        for (const k of ["cloudtrailManagementEventCopy100k", "fisActionMinute"])
            assert.match(notes[k], /^Confirmed on https:\/\/aws\.amazon\.com\//, k);
        assert.match(notes.cloudwatchAlarmMonth, /metric-math alarm .* NOT CONFIRMED/);
    });
});

describe("operations estimates: the trail, GuardDuty and fault-injection templates (hand-built, by their type tokens)", () => {
    it("the readers look for the tokens the other branches' resources carry", () => {
        assert.equal(T.trail, "aws:cloudtrail/trail:Trail");
        assert.equal(T.guardDutyDetector, "aws:guardduty/detector:Detector");
        assert.equal(T.fisExperimentTemplate, "aws:fis/experimentTemplate:ExperimentTemplate");
    });

    it("one multi-Region trail costs $0 for its events (the first copy is free) and says its log volume is unknown; a second trail's copy is unknown", () => {
        const trail = (stack: string, extra: Record<string, unknown> = {}): PlanResource => ({
            type: T.trail,
            name: `${stack}-trail`,
            urn: `urn:${stack}-trail`,
            inputs: {
                name: "securecart-trail",
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                cloudWatchLogsGroupArn: "arn:lg",
                ...extra,
            },
        });
        const one = project([view("prod", "us-east-1", [trail("prod")]), view("dr", "us-west-2", [])]);
        const line = one.stacks[0].breakdown.find((l) => l.type === T.trail)!;
        assert.equal(line.monthlyUsd, 0);
        assert.match(line.basis, /first copy in each region is delivered free/);
        assert.ok(one.stacks[0].cost.unpriced.includes(UNPRICED_OPERATIONS["cloudtrail-logs"]));
        assert.ok(!one.stacks[0].cost.unpriced.includes(UNPRICED_OPERATIONS[T.trail]));

        const two = project([view("prod", "us-east-1", [trail("prod")]), view("dr", "us-west-2", [trail("dr")])]);
        for (const s of two.stacks) {
            const l = s.breakdown.find((x) => x.type === T.trail)!;
            assert.equal(l.monthlyUsd, null, s.stack);
            assert.match(l.basis, /2 trails of the project deliver management events/);
            assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE[T.trail]));
        }
        const data = trail("prod", { eventSelectors: [{ dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3"] }] }] });
        const withData = project([view("prod", "us-east-1", [data])]);
        assert.ok(withData.stacks[0].cost.unpriced.includes(UNPRICED_OPERATIONS[T.trail]), "data events: volume unknown");
    });

    it("a GuardDuty detector is a line without a price, with its plans and the reason", () => {
        const detector: PlanResource = { type: T.guardDutyDetector, name: "gd-detector", urn: "urn:gd", inputs: { enable: true } };
        const feature = (name: string, status: string): PlanResource => ({
            type: T.guardDutyDetectorFeature,
            name: `gd-${name}`,
            urn: `urn:gd-${name}`,
            inputs: { name, status, detectorId: "[unknown]" },
            propertyDependencies: { detectorId: ["urn:gd"] },
        });
        const e = project([view("prod", "us-east-1", [detector, feature("S3_DATA_EVENTS", "ENABLED"), feature("EKS_AUDIT_LOGS", "DISABLED")])]);
        const s = e.stacks[0];
        const l = s.breakdown.find((x) => x.type === T.guardDutyDetector)!;
        assert.equal(l.monthlyUsd, null);
        assert.match(l.basis, /plans on: S3_DATA_EVENTS; off: EKS_AUDIT_LOGS/);
        assert.ok(s.cost.unpriced.includes(UNPRICED_USAGE[T.guardDutyDetector]));
        assert.match(UNPRICED_USAGE[T.guardDutyDetector], /^GuardDuty: unknown, because/);
        assert.deepEqual(s.cost.unknownTypes, []);
    });

    it("fault-injection templates cost nothing a month unless runs are set; a run costs its action-minutes × $0.10 (instant actions at fisInstantActionMinutes)", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 60 }),
                fc.integer({ min: 1, max: 4 }),
                fc.integer({ min: 0, max: 5 }),
                (minutes, services, runs) => {
                    const args: FaultExperimentsArgs = {
                        region: "us-east-1",
                        accountId: "123456789012",
                        stopConditionAlarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:securecart-us-east-1-serving"],
                        durationMinutes: minutes,
                        ecs: { clusterName: "c", clusterArn: "arn:c", serviceNames: ["cart", "orders", "payments", "catalog"].slice(0, services) },
                        aurora: { clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:db" },
                    };
                    const e = project([view("prod", "us-east-1", templatesOf(args))], runs);
                    const s = e.stacks[0];
                    const byName = new Map(s.cost.operations!.experimentRuns.map((r) => [r.template, r]));
                    const price = PRICES.regions["us-east-1"].fisActionMinute;
                    // Stop tasks: one instant stop per service, then a watch of `minutes`. Aurora: an instant failover, then a watch.
                    const stop = byName.get("securecart-stop-tasks")!;
                    assert.equal(stop.actionMinutes, services * 1 + minutes);
                    assert.equal(stop.perRunUsd, Math.round((services + minutes) * price * 100) / 100);
                    assert.equal(byName.get("securecart-aurora-failover")!.actionMinutes, 1 + minutes);
                    const monthly = s.breakdown.filter((l) => l.type === T.fisExperimentTemplate);
                    assert.equal(monthly.length, 2);
                    for (const l of monthly) {
                        const r = byName.get(/\((.*)\)$/.exec(l.item)![1])!;
                        assert.equal(l.quantity, runs * r.actionMinutes);
                        assert.equal(l.monthlyUsd, Math.round(runs * r.actionMinutes * price * 100) / 100);
                    }
                },
            ),
            { numRuns: 40 },
        );
    });

    it("the text output and the JSON carry the new lines (the JSON only adds keys)", () => {
        const args: FaultExperimentsArgs = {
            region: "us-east-1",
            accountId: "123456789012",
            stopConditionAlarmArns: ["arn:a"],
            aurora: { clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:db" },
        };
        const composite: PlanResource = {
            type: T.compositeAlarm,
            name: "serving",
            urn: "urn:serving",
            inputs: { alarmName: "securecart-us-east-1-serving", alarmRule: "ALARM(x)" },
        };
        const e = project([view("prod", "us-east-1", [...templatesOf(args), composite])]);
        const s = e.stacks[0];
        const text = renderEstimates(s, e);
        assert.match(text, /CloudWatch composite alarms \(us-east-1\)/);
        assert.match(text, /fault-injection experiments, per run/);
        assert.match(text, /securecart-aurora-failover +11 action-minutes +\$1\.10 per run/);
        const json = estimatesJson(s, e);
        assert.deepEqual((json.operations as { experimentRuns: unknown[] }).experimentRuns.length, 1);
        for (const k of ["rpoSeconds", "rtoSeconds", "monthlyCostUsd", "breakdown", "pair", "timeline", "unpriced", "priceSheet"])
            assert.ok(k in json, k);
    });
});

// ---------------------------------------------------------------------------------------------------------
// hand-built planned resources
// ---------------------------------------------------------------------------------------------------------

function view(stack: string, region: string, resources: PlanResource[]): StackInput {
    return { stack, region, role: stack === "prod" ? "primary" : "standby", resources };
}

function project(views: StackInput[], runs = 0): ProjectEstimate {
    return estimateProject(runs ? views.map((v) => ({ ...v, constantOverrides: { fisExperimentRunsPerMonth: runs } })) : views);
}

/** The templates FaultExperiments plans for `args`, as planned resources (its mapping: parameters as key/value pairs, a Name tag). */
function templatesOf(args: FaultExperimentsArgs): PlanResource[] {
    return faultTemplates(args).map((t) => ({
        type: T.fisExperimentTemplate,
        name: `fis-${t.key}`,
        urn: `urn:fis-${t.key}`,
        inputs: {
            description: t.description,
            actions: t.actions.map((a) => ({
                name: a.name,
                actionId: a.actionId,
                ...(a.parameters ? { parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })) } : {}),
            })),
            tags: { Name: t.name },
        },
    }));
}

interface RegionShape {
    /** servingEvaluationMinutes: the serving alarms' evaluation periods. */
    readonly minutes: number;
    /** dns.failureThreshold: the storefront alarm's evaluation periods. */
    readonly threshold: number;
    readonly signal: "storefront" | "region-serving";
    readonly services: number;
}

/**
 * A region's DNS share as components/dns.ts plans it: the load balancer, the storefront targets' alarm and check,
 * with region-serving the serving alarms, their checks and the calculated check, and the record that follows one.
 * Children are linked as the engine links them (property dependencies), as are the record's alias and check.
 */
function regionView(stack: string, region: string, s: RegionShape): StackInput {
    const rs: PlanResource[] = [];
    const parent = `urn:${stack}:dns`;
    const add = (type: string, name: string, inputs: Record<string, unknown>, deps: Record<string, string[]> = {}) =>
        rs.push({ type, name, urn: `urn:${stack}:${name}`, parent, inputs, outputs: { id: `${name}-id` }, propertyDependencies: deps });
    rs.push({
        type: T.loadBalancer,
        name: "alb",
        urn: `urn:${stack}:alb`,
        inputs: { loadBalancerType: "application" },
        outputs: { dnsName: "alb.elb.amazonaws.com" },
    });
    const alarmCheck = (name: string, periods: number, insufficient: string) => {
        add(T.metricAlarm, `${name}-alarm`, {
            period: 60,
            evaluationPeriods: periods,
            metricName: "HealthyHostCount",
            namespace: "AWS/ApplicationELB",
        });
        add(
            T.healthCheck,
            name,
            { type: "CLOUDWATCH_METRIC", cloudwatchAlarmName: "[unknown]", insufficientDataHealthStatus: insufficient },
            { cloudwatchAlarmName: [`urn:${stack}:${name}-alarm`] },
        );
    };
    alarmCheck("hc-storefront", s.threshold, "Unhealthy");
    let follow = `urn:${stack}:hc-storefront`;
    if (s.signal === "region-serving") {
        const children = [
            "hc-serving-storefront-targets",
            ...Array.from({ length: s.services }, (_, i) => `hc-serving-svc${i}-targets`),
            "hc-serving-storefront-elb-5xx",
            "hc-serving-services-elb-5xx",
        ];
        for (const c of children) alarmCheck(c, s.minutes, c.endsWith("-elb-5xx") ? "Healthy" : "Unhealthy");
        add(
            T.healthCheck,
            "hc-serving",
            { type: "CALCULATED", childHealthchecks: children.map(() => "[unknown]"), childHealthThreshold: children.length },
            { childHealthchecks: children.map((c) => `urn:${stack}:${c}`) },
        );
        follow = `urn:${stack}:hc-serving`;
    }
    add(
        T.record,
        "record",
        {
            name: "origin.example.com",
            type: "A",
            setIdentifier: region,
            healthCheckId: "[unknown]",
            aliases: [{ name: "[unknown]", zoneId: "Z1", evaluateTargetHealth: true }],
            failoverRoutingPolicies: [{ type: stack === "prod" ? "PRIMARY" : "SECONDARY" }],
        },
        { healthCheckId: [follow], aliases: [`urn:${stack}:alb`] },
    );
    return view(stack, region, rs);
}
