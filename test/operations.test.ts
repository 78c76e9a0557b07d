import { strict as assert } from "assert";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { T } from "../src/plan";
import { STRATEGIES, ofType, planAll } from "./helpers";

/**
 * What the offline plan holds of operations, per strategy and stack, written out by hand (not read back from
 * src/strategy.ts planOperations) so that a change of the decisions shows here: which alarms exist in a region and
 * how each reaches people (page, notify, quiet), the topics, dashboards, GuardDuty, the FIS templates, the trail.
 */
type Urgencies = Readonly<Record<string, "page" | "notify" | "quiet">>;

/** The home stack (prod) as primary: the same under every strategy. */
const PRIMARY: Urgencies = {
    regionServing: "page",
    albErrors: "page",
    asgBelowDesired: "page",
    servicesBelowDesired: "page",
    auroraLoad: "page",
    dynamoThrottles: "page",
    dynamoReplicationLatency: "page",
    backupJobsFailed: "page",
    queueAge: "page",
    functionErrors: "page",
    sagaFailures: "page",
    cacheLoad: "page",
    filesIo: "notify",
    apiErrors: "page",
    edgeErrors: "page",
    wafBlocked: "notify",
};
/** Backup-restore keeps no table replica, so nothing is replicated to watch. */
const PRIMARY_BACKUP_RESTORE: Urgencies = Object.fromEntries(Object.entries(PRIMARY).filter(([k]) => k !== "dynamoReplicationLatency"));

/** The dr stack as standby, per strategy. */
const STANDBY: Record<(typeof STRATEGIES)[number], Urgencies> = {
    // No compute, no pipeline, no replica: only the cold cache is watched.
    "backup-restore": { cacheLoad: "notify" },
    // Everything exists, nothing runs: no "below desired" alarm (nothing is desired); what would always fire stays quiet.
    "pilot-light": {
        regionServing: "quiet",
        albErrors: "quiet",
        // Not alarmed: whether a headless secondary publishes AuroraGlobalDBRPOLag is not documented.
        dynamoThrottles: "notify",
        queueAge: "quiet",
        functionErrors: "quiet",
        sagaFailures: "quiet",
        cacheLoad: "notify",
        filesSyncAge: "page",
        filesIo: "notify",
        apiErrors: "quiet",
    },
    // The failover target runs: it pages when it cannot reach its count or falls behind, and notifies otherwise.
    "warm-standby": {
        regionServing: "notify",
        albErrors: "notify",
        asgBelowDesired: "page",
        servicesBelowDesired: "page",
        auroraLoad: "notify",
        auroraReplicationLag: "page",
        dynamoThrottles: "notify",
        queueAge: "notify",
        functionErrors: "notify",
        sagaFailures: "notify",
        cacheLoad: "notify",
        cacheReplicationLag: "page",
        filesSyncAge: "page",
        filesIo: "notify",
        apiErrors: "notify",
    },
    // Serving: pages like the primary, and watches the replication into it.
    "active-active": {
        regionServing: "page",
        albErrors: "page",
        asgBelowDesired: "page",
        servicesBelowDesired: "page",
        auroraLoad: "notify",
        auroraReplicationLag: "page",
        dynamoThrottles: "page",
        dynamoReplicationLatency: "page",
        queueAge: "page",
        functionErrors: "page",
        sagaFailures: "page",
        cacheLoad: "page",
        cacheReplicationLag: "page",
        filesSyncAge: "page",
        filesIo: "notify",
        apiErrors: "page",
    },
};

/** FIS templates by what they act on: nothing runs in a backup-restore or pilot-light standby; a secondary has no writer. */
const FAULTS = {
    primary: ["aurora-failover", "az-power", "stop-tasks", "subnet-disruption"],
    standby: {
        "backup-restore": [],
        "pilot-light": [],
        "warm-standby": ["az-power", "stop-tasks", "subnet-disruption"],
        "active-active": ["az-power", "stop-tasks", "subnet-disruption"],
    },
} as const;

const tag = (r: PlannedResource, k: string) => (r.inputs.tags as Record<string, string> | undefined)?.[k];

/** Alarm kind → urgency, from the planned alarms' tags; fails if two alarms of one kind disagree. */
function urgencies(p: StackPlan): Record<string, string> {
    const out: Record<string, string> = {};
    for (const a of [...ofType(p, T.metricAlarm), ...ofType(p, T.compositeAlarm)]) {
        const kind = tag(a, "securecart:alarm");
        const u = tag(a, "securecart:urgency");
        if (!kind || !u) continue;
        // A composite's children are quiet by design; the composite carries the region-serving urgency.
        if (kind === "regionServing" && a.type === T.metricAlarm) {
            assert.equal(u, "quiet", `${p.stack} ${a.name}: a serving signal stays quiet`);
            continue;
        }
        assert.ok(out[kind] === undefined || out[kind] === u, `${p.stack}: ${kind} alarms disagree (${out[kind]} and ${u})`);
        out[kind] = u;
        // Every metric alarm names a topic, a quiet one with its actions off; a quiet composite has none instead (its
        // actionsEnabled would force a replacement), so its actions stay on.
        const actions = (a.inputs.alarmActions as unknown[] | undefined) ?? [];
        if (a.type === T.compositeAlarm) {
            assert.equal(actions.length, u === "quiet" ? 0 : 1, `${a.name} topics`);
            assert.equal(a.inputs.actionsEnabled, true, `${a.name} actionsEnabled`);
        } else {
            assert.equal(actions.length, 1, `${a.name} names one topic`);
            assert.equal(a.inputs.actionsEnabled, u !== "quiet", `${a.name} actionsEnabled`);
        }
    }
    return out;
}

const templates = (p: StackPlan) =>
    ofType(p, T.fisExperimentTemplate)
        .map((t) => String(tag(t, "Name") ?? t.name).replace(/^securecart-/, ""))
        .sort();

describe("operations: alarms per role, topics, dashboards, GuardDuty, FIS and the trail in the plan", () => {
    for (const strategy of STRATEGIES) {
        it(`${strategy}: each region's alarms exist where their tier does, with the role's urgency; the rest per region and home`, async () => {
            const plans = await planAll(`strategy=${strategy}`);
            const prod = plans.find((p) => p.stack === "prod")!;
            const dr = plans.find((p) => p.stack === "dr")!;
            assert.deepEqual(urgencies(prod), strategy === "backup-restore" ? PRIMARY_BACKUP_RESTORE : PRIMARY, "prod (primary)");
            assert.deepEqual(urgencies(dr), STANDBY[strategy], "dr (standby)");
            if (strategy === "pilot-light")
                assert.ok(
                    !ofType(dr, T.metricAlarm).some((a) => /below-desired/.test(String(a.inputs.name))),
                    "no running-below-desired alarm on a pilot-light standby",
                );

            // Topics: page and notify in the stack's region; a stack outside us-east-1 keeps a pair there too.
            const topics = (p: StackPlan) =>
                ofType(p, T.snsTopic)
                    .filter((t) => /^securecart-alarms/.test(String(t.inputs.name)))
                    .map((t) => `${t.inputs.region ?? p.region}:${t.inputs.name}`)
                    .sort();
            assert.deepEqual(topics(prod), ["us-east-1:securecart-alarms-notify", "us-east-1:securecart-alarms-page"]);
            assert.deepEqual(topics(dr), [
                "us-east-1:securecart-alarms-us-west-2-notify",
                "us-east-1:securecart-alarms-us-west-2-page",
                "us-west-2:securecart-alarms-notify",
                "us-west-2:securecart-alarms-page",
            ]);
            for (const t of ofType(prod, T.snsTopic).concat(ofType(dr, T.snsTopic))) assert.ok(t.inputs.kmsMasterKeyId, `${t.name} encrypted`);

            // Dashboards: each region's, and the DR dashboard in the home stack.
            const dashboards = (p: StackPlan) =>
                ofType(p, T.dashboard)
                    .map((d) => d.inputs.dashboardName)
                    .sort();
            assert.deepEqual(dashboards(prod), ["securecart-dr", "securecart-us-east-1"]);
            assert.deepEqual(dashboards(dr), ["securecart-us-west-2"]);

            // GuardDuty in every region, every plan declared.
            for (const p of plans) {
                assert.equal(ofType(p, T.guardDutyDetector).length, 1, `${p.stack} detector`);
                assert.equal(ofType(p, T.guardDutyDetectorFeature).length, 6, `${p.stack} features`);
            }

            // FIS templates where something runs.
            assert.deepEqual(templates(prod), [...FAULTS.primary], "prod templates");
            assert.deepEqual(templates(dr), [...FAULTS.standby[strategy]], "dr templates");
            for (const t of [...ofType(prod, T.fisExperimentTemplate), ...ofType(dr, T.fisExperimentTemplate)]) {
                assert.ok((t.inputs.stopConditions as unknown[]).every((c) => (c as { source: string }).source === "aws:cloudwatch:alarm"));
                // `every` holds for an empty list: a template without a stop condition would run unchecked.
                assert.ok((t.inputs.stopConditions as unknown[]).length >= 1, `${t.name}: at least one stop condition`);
            }

            // The trail: the home stack's, multi-Region.
            assert.equal(ofType(prod, T.trail).length, 1);
            assert.equal(ofType(prod, T.trail)[0].inputs.isMultiRegionTrail, true);
            assert.equal(ofType(dr, T.trail).length, 0);
        });
    }

    it("the DR dashboard shows every region's alarms side by side, named as each region's stack names them", async () => {
        const [prod, dr] = ["prod", "dr"].map(async (s) => (await planAll()).find((p) => p.stack === s)!);
        const body = JSON.parse(
            String(ofType(await prod, T.dashboard).find((d) => d.inputs.dashboardName === "securecart-dr")!.inputs.dashboardBody),
        );
        const shown = new Set<string>(
            (body.widgets as { properties: { alarms?: string[]; annotations?: { alarms?: string[] } } }[]).flatMap((w) => [
                ...(w.properties.alarms ?? []),
                ...(w.properties.annotations?.alarms ?? []),
            ]),
        );
        let checked = 0;
        for (const a of [...ofType(await dr, T.metricAlarm), ...ofType(await dr, T.compositeAlarm)]) {
            const name = String(a.inputs.name ?? a.inputs.alarmName);
            if (!name.startsWith("securecart-us-west-2")) continue;
            assert.ok(
                [...shown].some((arn) => arn.endsWith(`:alarm:${name}`)),
                `the DR dashboard shows dr's ${name}`,
            );
            // The whole ARN, as CloudWatch spells it: the region the alarm lives in (dr's own, us-west-2, but us-east-1
            // for the Route 53 health check's and the edge's, where those metrics are published), the placeholder
            // account, the name. Not the fake's output ARN, which carries the stack's region whatever the alarm's.
            const usEast1 = ["securecart-us-west-2-health-check", "securecart-us-west-2-edge-errors", "securecart-us-west-2-waf-blocked"];
            const region = usEast1.includes(name) ? "us-east-1" : "us-west-2";
            assert.equal(a.inputs.region ?? "us-west-2", region, `${name}: the region dr creates it in`);
            const expected = `arn:aws:cloudwatch:${region}:123456789012:alarm:${name}`;
            assert.ok(shown.has(expected), `the DR dashboard shows dr's ${name} as ${expected}`);
            checked++;
        }
        assert.ok(checked > 0, "dr's alarms were checked");
    });

    it("with healthSignal region-serving, the origin record follows a calculated check over the serving signals' alarm checks", async () => {
        for (const p of await planAll("operations.healthSignal=region-serving")) {
            const record = ofType(p, T.record).find((r) => r.inputs.setIdentifier === p.region && r.inputs.type === "A" && r.inputs.healthCheckId);
            assert.ok(record, `${p.stack}: the origin record`);
            const checks = ofType(p, T.healthCheck);
            const calculated = checks.find((c) => c.inputs.type === "CALCULATED" && /-serving$/.test(c.name));
            assert.ok(calculated, `${p.stack}: the serving check`);
            assert.ok(record!.propertyDependencies.healthCheckId?.includes(calculated!.urn), `${p.stack}: the record follows it`);
            const children = checks.filter((c) => calculated!.propertyDependencies.childHealthchecks?.includes(c.urn));
            const signals = ofType(p, T.metricAlarm).filter((a) => tag(a, "securecart:alarm") === "regionServing");
            // The storefront's and every service's targets, and both load balancers' own 5xx.
            assert.equal(signals.length, 1 + ofType(p, T.ecsService).length + 2, `${p.stack}: the serving signals`);
            assert.equal(children.length, signals.length, `${p.stack}: one check per serving signal`);
            assert.equal(calculated!.inputs.childHealthThreshold, children.length, "healthy only while every signal is");
            for (const c of children) {
                assert.equal(c.inputs.type, "CLOUDWATCH_METRIC");
                const alarm = ofType(p, T.metricAlarm).find((a) => c.propertyDependencies.cloudwatchAlarmName?.includes(a.urn));
                assert.ok(alarm && tag(alarm, "securecart:alarm") === "regionServing", `${c.name} watches a serving signal`);
                assert.equal(alarm!.inputs.evaluationPeriods, 2);
                assert.equal(alarm!.inputs.datapointsToAlarm, 2, "Route 53 reads no M of N");
                assert.ok(alarm!.inputs.metricName, "one metric: Route 53 copies no metric math");
            }
        }
    });
});
