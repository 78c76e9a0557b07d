/**
 * The drill rehearsal over the operations tier: alarm topics and their key, the tiers' alarms and the "serving"
 * composite, dashboards, the region-serving health check; the audit trail with its bucket, key, Object Lock and log
 * group, GuardDuty's detector and protection plans, fault-injection templates. A role change must
 * keep every stateful piece, change every alarm, dashboard and topic in place, and move urgencies the way
 * src/strategy.ts planOperations decides.
 */
import { strict as assert } from "assert";
import { type Rehearsal, URGENCY_NOTE, type UrgencyMove, type UrgencySide, rehearsalJson, rehearse, renderRehearsal } from "../tools/drill";
import { type ResourceChange, diffPlans } from "../tools/diff";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { DELETE_IS_WARNING, REPLACE_IS_WARNING, STATEFUL_RULES, STATEFUL_TYPES, isStateful, replaceReason, ruleFor } from "../src/replaceRules";
import { type AlarmUrgencyFacts, T, UNKNOWN, URGENCY_TAG, alarmTopicsOf, alarmUrgencyOf, alarmsOf } from "../src/plan";
import { type AlarmUrgency, planOfConfig } from "../src/strategy";
import { alarmDecls, servingAlarmName } from "../src/alarms";
import { STRATEGIES, configOf, files, overrides } from "./helpers";
import { cachedPlanStacks as plan } from "./planCache";

type Strategy = (typeof STRATEGIES)[number];
type Transition = "planned switchover" | "failback" | "unplanned failover";

const HOME = "prod";
const DR_REGION = "us-west-2";
const REGION_OF: Readonly<Record<string, string>> = { prod: "us-east-1", dr: DR_REGION };
const REGION_SERVING = "operations.healthSignal=region-serving";

/** The three drills of a strategy: base overrides and changes (the runbook's commands, tools/drill.ts DRILL_USAGE). */
function transition(strategy: Strategy, t: Transition, extra: readonly string[] = []): { base: string[]; changes: string[] } {
    const base = [`strategy=${strategy}`, ...extra];
    if (t === "planned switchover") return { base, changes: [`primaryRegion=${DR_REGION}`] };
    if (t === "failback") return { base: [...base, `primaryRegion=${DR_REGION}`], changes: ["primaryRegion=us-east-1"] };
    return { base, changes: [`primaryRegion=${DR_REGION}`, "failoverMode=unplanned"] };
}
const TRANSITIONS: readonly Transition[] = ["planned switchover", "failback", "unplanned failover"];

function drill(strategy: Strategy, t: Transition, extra: readonly string[] = []): Promise<Rehearsal> {
    const { base, changes } = transition(strategy, t, extra);
    return rehearse({ files, base: overrides(...base), changes: overrides(...changes), plan });
}

/** The stateful types the operations tier brings (the alarm topics' key; the trail, its bucket, key, lock and log group; the detector). */
const OPERATIONS_STATEFUL = [T.kmsKey, T.bucket, T.bucketObjectLock, T.logGroup, T.trail, T.guardDutyDetector];
/** What a role change must change in place: alarms, dashboards, topics and their policies and subscriptions, health checks, FIS templates. */
const IN_PLACE = Object.keys(REPLACE_IS_WARNING);
const ALARM_TOPICS_CHILD = /securecart:operations:AlarmTopics\$/;
/** What the operations tier keeps in every role: the home stack's trail and its bucket's lock, each region's GuardDuty. */
const EVERY_ROLE = [T.trail, T.bucketObjectLock, T.guardDutyDetector, T.guardDutyDetectorFeature];

type Change = ResourceChange & { readonly stack: string };
const changesOf = (r: Rehearsal): Change[] => r.stacks.flatMap((d) => d.changes.map((c) => ({ stack: d.stack, ...c })));

/** Alarm name → urgency, as planOperations and src/alarms.ts decide them for a stack on one side (the "serving" composite included). */
function decidedUrgencies(stack: string, ov: readonly string[]): Map<string, AlarmUrgency> {
    const cfg = configOf(stack, ...ov);
    const p = planOfConfig(cfg);
    const out = new Map(alarmDecls(cfg, p).map((d) => [d.name, d.urgency] as const));
    if (p.operations.alarms.regionServing !== undefined) out.set(servingAlarmName(cfg.region), p.operations.alarms.regionServing);
    return out;
}

/** Alarm name → its planned urgency (src/plan/facts.ts alarmUrgencyOf) and kind, for one stack's plan. */
function plannedUrgencies(p: StackPlan): Map<string, AlarmUrgencyFacts & { readonly composite: boolean }> {
    const topics = alarmTopicsOf(p.resources, p.region);
    return new Map(alarmsOf(p.resources, p.region).map((a) => [a.name, { ...alarmUrgencyOf(a, topics), composite: a.composite }] as const));
}

describe("operations drill: the alarm tier through every role change", () => {
    for (const strategy of STRATEGIES) {
        for (const t of TRANSITIONS) {
            describe(`${strategy}, ${t}`, () => {
                let r: Rehearsal;
                before(async () => {
                    r = await drill(strategy, t);
                });

                it("keeps every stateful piece of the operations tier: the alarm topics' keys are neither replaced nor deleted, nor any trail bucket, lock, log group or detector", () => {
                    assert.equal(r.verdict, "pass", r.failures.map((f) => f.message).join("\n"));
                    assert.deepEqual(
                        changesOf(r)
                            .filter((c) => OPERATIONS_STATEFUL.includes(c.type) && (c.op === "replace" || c.op === "delete"))
                            .map((c) => `${c.stack}: ${c.op} ${c.type} ${c.name}`),
                        [],
                    );
                    // The trail (the home stack's whatever its role), its Object Lock, and every region's detector and its
                    // protection plans exist in every role: a role change does not even create or delete one.
                    assert.deepEqual(
                        changesOf(r)
                            .filter((c) => EVERY_ROLE.includes(c.type) && c.op !== "update")
                            .map((c) => `${c.stack}: ${c.op} ${c.type} ${c.name}`),
                        [],
                    );
                    // The alarm topics and their keys exist in every role: not even created by a role change.
                    assert.deepEqual(
                        changesOf(r)
                            .filter((c) => ALARM_TOPICS_CHILD.test(c.urn) && c.op !== "update")
                            .map((c) => `${c.stack}: ${c.op} ${c.type} ${c.name}`),
                        [],
                    );
                });

                it("updates every alarm, dashboard, topic, health check and template that exists on both sides in place, never replacing one", () => {
                    assert.deepEqual(
                        changesOf(r)
                            .filter((c) => IN_PLACE.includes(c.type) && c.op === "replace")
                            .map((c) => `${c.stack}: ${c.type} ${c.name} (${c.replaceReasons.map((x) => x.property).join(", ")})`),
                        [],
                    );
                    assert.deepEqual(
                        r.warnings.filter((w) => w.op === "replace").map((w) => w.message),
                        [],
                    );
                });

                it("moves urgencies as planOperations decides: the rehearsal's list equals the difference of the decided alarms, and the planned alarms carry them", async () => {
                    const { base, changes } = transition(strategy, t);
                    const after = [...base, ...changes];
                    const sidePlans = await Promise.all([
                        plan({ files, overrides: overrides(...base) }),
                        plan({ files, overrides: overrides(...after) }),
                    ]);
                    for (const stack of Object.keys(REGION_OF)) {
                        const was = decidedUrgencies(stack, base);
                        const now = decidedUrgencies(stack, after);
                        // The planned alarms say what was decided (tag and actions alike), on each side.
                        for (const [decided, p] of [
                            [was, sidePlans[0]],
                            [now, sidePlans[1]],
                        ] as const) {
                            const planned = plannedUrgencies(p.find((x) => x.stack === stack)!);
                            for (const [name, urgency] of decided) {
                                const a = planned.get(name);
                                assert.ok(a, `${stack}: ${name} is planned`);
                                assert.deepEqual([a.urgency, a.fromActions], [urgency, urgency], `${stack}: ${name}`);
                            }
                        }
                        const expected = [...new Set([...was.keys(), ...now.keys()])]
                            .filter((n) => (was.get(n) ?? null) !== (now.get(n) ?? null))
                            .map((n) => `${n}: ${was.get(n) ?? null} → ${now.get(n) ?? null}`)
                            .sort();
                        const listed = (r.urgency.find((u) => u.stack === stack)?.moves ?? [])
                            .filter((m) => was.has(m.alarm) || now.has(m.alarm))
                            .map((m) => `${m.alarm}: ${m.from} → ${m.to}`)
                            .sort();
                        assert.deepEqual(listed, expected, stack);
                    }
                    // Every move is between two different sides, and names a known urgency.
                    for (const m of r.urgency.flatMap((u) => u.moves)) {
                        assert.notEqual(m.from, m.to);
                        assert.ok(
                            [m.from, m.to].every((u) => u !== "unknown"),
                            `${m.alarm}: its urgency is read from the plan`,
                        );
                    }
                });
            });
        }
    }
});

/**
 * A hand-written table of what planOperations decides for a few alarms (its doc comments say why), so the suite fails
 * if planOperations regresses even where the rehearsal and the decisions would agree: [strategy, transition, stack,
 * alarm name without `securecart-<region>-`, from, to]. null: the alarm does not exist on that side.
 */
const EXPECTED: ReadonlyArray<[Strategy, Transition, string, string, UrgencySide, UrgencySide]> = [
    // Warm standby: the old primary still runs capacity (notify), the new one serves (page).
    ["warm-standby", "planned switchover", HOME, "serving", "page", "notify"],
    ["warm-standby", "planned switchover", "dr", "serving", "notify", "page"],
    ["warm-standby", "unplanned failover", HOME, "serving", "page", "notify"],
    ["warm-standby", "failback", "dr", "serving", "page", "notify"],
    // Replication is alarmed where it is received: the Aurora and cache secondaries move with the writer.
    ["warm-standby", "planned switchover", "dr", "aurora-replication-lag", "page", null],
    ["warm-standby", "planned switchover", HOME, "aurora-replication-lag", null, "page"],
    ["warm-standby", "planned switchover", HOME, "cache-replication-lag", null, "page"],
    // DynamoDB's replication latency is published where the writes happen.
    ["warm-standby", "planned switchover", "dr", "dynamo-replication-latency-carts-us-east-1", null, "page"],
    ["warm-standby", "planned switchover", HOME, "dynamo-replication-latency-carts-us-west-2", "page", null],
    // Pilot light: an idle standby's serving path stays quiet; "below desired" exists only where tasks are desired.
    ["pilot-light", "planned switchover", "dr", "serving", "quiet", "page"],
    ["pilot-light", "planned switchover", HOME, "serving", "page", "quiet"],
    ["pilot-light", "planned switchover", "dr", "services-below-desired-cart", null, "page"],
    ["pilot-light", "planned switchover", "dr", "asg-below-desired", null, "page"],
    ["pilot-light", "planned switchover", HOME, "services-below-desired-cart", "page", null],
    ["pilot-light", "unplanned failover", "dr", "services-below-desired-payments", null, "page"],
    ["pilot-light", "failback", "dr", "services-below-desired-cart", "page", null],
    ["pilot-light", "failback", "dr", "serving", "page", "quiet"],
    ["pilot-light", "failback", HOME, "serving", "quiet", "page"],
    // Backup-restore: no compute in a standby, so no serving composite there at all.
    ["backup-restore", "planned switchover", "dr", "serving", null, "page"],
    ["backup-restore", "failback", "dr", "serving", "page", null],
    // Backups are alarmed where the plan runs: the primary's.
    ["backup-restore", "planned switchover", "dr", "backup-jobs-failed-backup", null, "page"],
    ["active-active", "planned switchover", HOME, "backup-jobs-failed-copy", "page", null],
];

/** Alarms whose urgency the table says does not move (present on both sides, the same). */
const UNMOVED: ReadonlyArray<[Strategy, Transition, string, string]> = [
    // Every active-active region serves: its serving path pages in every role.
    ["active-active", "planned switchover", HOME, "serving"],
    ["active-active", "planned switchover", "dr", "serving"],
    // A warm standby that cannot reach its count pages: it is the failover target.
    ["warm-standby", "planned switchover", HOME, "services-below-desired-cart"],
    ["warm-standby", "planned switchover", "dr", "asg-below-desired"],
];

describe("operations drill: the urgency moves, by hand", () => {
    const moveOf = (r: Rehearsal, stack: string, alarm: string): UrgencyMove | undefined =>
        r.urgency.find((u) => u.stack === stack)?.moves.find((m) => m.alarm === alarm);

    for (const [strategy, t, stack, suffix, from, to] of EXPECTED) {
        it(`${strategy}, ${t}: ${stack}'s ${suffix} ${from ?? "(none)"} → ${to ?? "(none)"}`, async () => {
            const r = await drill(strategy, t);
            const m = moveOf(r, stack, `securecart-${REGION_OF[stack]}-${suffix}`);
            assert.ok(
                m,
                `the rehearsal lists ${suffix} in ${stack}: ${JSON.stringify(r.urgency.find((u) => u.stack === stack)?.moves.map((x) => x.alarm))}`,
            );
            assert.deepEqual([m.from, m.to], [from, to]);
            assert.equal(m.kind, suffix === "serving" ? "composite" : "metric");
        });
    }
    for (const [strategy, t, stack, suffix] of UNMOVED) {
        it(`${strategy}, ${t}: ${stack}'s ${suffix} does not move`, async () => {
            const r = await drill(strategy, t);
            assert.equal(moveOf(r, stack, `securecart-${REGION_OF[stack]}-${suffix}`), undefined);
        });
    }

    it("warm standby, switchover: the old primary's serving composite is updated in place, its actions stay on and switch topic (page → notify)", async () => {
        const r = await drill("warm-standby", "planned switchover");
        const c = changesOf(r).find((x) => x.stack === HOME && x.type === T.compositeAlarm)!;
        assert.equal(c.op, "update");
        const paths = c.changes.map((p) => p.path).sort();
        assert.ok(!paths.includes("actionsEnabled"), "its actions stay on");
        assert.deepEqual(paths, ["alarmActions[0]", "okActions[0]", `tags.${URGENCY_TAG}`]);
        const action = c.changes.find((p) => p.path === "alarmActions[0]")!;
        assert.match(String(action.before), /:securecart-alarms-page$/);
        assert.match(String(action.after), /:securecart-alarms-notify$/);
    });

    it("pilot light: the standby's 'below desired' alarms are created on promotion and deleted on failback, one per service", async () => {
        const services = configOf("dr", "strategy=pilot-light").services.map((s) => s.name);
        const names = (r: Rehearsal, op: string) =>
            changesOf(r)
                .filter((c) => c.stack === "dr" && c.type === T.metricAlarm && c.op === op && /-services-below-desired-/.test(c.name))
                .map((c) => c.name.replace(/^.*-services-below-desired-/, ""))
                .sort();
        assert.deepEqual(names(await drill("pilot-light", "planned switchover"), "create"), [...services].sort());
        assert.deepEqual(names(await drill("pilot-light", "failback"), "delete"), [...services].sort());
    });

    it("pilot light: the serving composite crosses quiet in place: its actions stay on, a quiet one names no topic", async () => {
        for (const [t, stack, from, to] of [
            ["planned switchover", "dr", "quiet", "page"],
            ["planned switchover", HOME, "page", "quiet"],
            ["failback", "dr", "page", "quiet"],
            ["unplanned failover", HOME, "page", "quiet"],
        ] as const) {
            const r = await drill("pilot-light", t);
            const c = changesOf(r).find((x) => x.stack === stack && x.type === T.compositeAlarm)!;
            assert.equal(c.op, "update", `${t}, ${stack}`);
            const paths = c.changes.map((p) => p.path).sort();
            assert.deepEqual(paths, ["alarmActions[0]", "okActions[0]", `tags.${URGENCY_TAG}`], `${t}, ${stack}: its actions stay on`);
            const action = c.changes.find((p) => p.path === "alarmActions[0]")!;
            const urgencyOfAction = (v: unknown) =>
                v === undefined ? "quiet" : /-page$/.test(String(v)) ? "page" : /-notify$/.test(String(v)) ? "notify" : String(v);
            assert.deepEqual(
                [urgencyOfAction(action.before), urgencyOfAction(action.after)],
                [from, to],
                `${t}, ${stack}: a quiet composite names no topic`,
            );
        }
    });

    it("the section in the text and in --json: grouped by move, the composite marked, the source of the urgencies said once", async () => {
        const r = await drill("pilot-light", "planned switchover");
        const out = renderRehearsal(r);
        assert.ok(out.includes(`Alarm urgency this change moves (${URGENCY_NOTE}):`), out);
        assert.match(out, /\n {2}dr \(us-west-2\):\n(?: {4}[^\n]*\n)*? {4}quiet → page \(\d+\): [^\n]*securecart-us-west-2-serving \[composite\]/);
        assert.match(out, /\n {4}\(none\) → page \(\d+\): [^\n]*securecart-us-west-2-services-below-desired-cart/);
        // Before the warnings and the verdict.
        assert.ok(out.indexOf("Alarm urgency this change moves") < out.indexOf("Verdict:"));
        const json = JSON.parse(JSON.stringify(rehearsalJson(r))) as { urgency: { note: string; stacks: Rehearsal["urgency"] } };
        assert.equal(json.urgency.note, URGENCY_NOTE);
        assert.deepEqual(json.urgency.stacks, JSON.parse(JSON.stringify(r.urgency)));
        assert.deepEqual(
            json.urgency.stacks.map((s) => s.stack),
            r.order.map((s) => s.stack).filter((s) => r.urgency.some((u) => u.stack === s)),
            "in runbook order",
        );
    });

    it("a change that moves no urgency prints no section (the outage drill: only the health check turns)", async () => {
        const r = await rehearse({ files, base: overrides("strategy=warm-standby"), perStackChanges: { [HOME]: overrides("drill=outage") }, plan });
        assert.ok(changesOf(r).length > 0, "the outage drill changes something");
        assert.deepEqual(r.urgency, []);
        assert.ok(!renderRehearsal(r).includes("Alarm urgency this change moves"));
    });
});

describe("operations drill: the region-serving health check", () => {
    const CALCULATED = (r: PlannedResource) => r.type === T.healthCheck && r.inputs.type === "CALCULATED";
    for (const strategy of STRATEGIES) {
        for (const t of TRANSITIONS) {
            it(`${strategy}, ${t}, healthSignal region-serving: passes; the calculated check is never replaced, only its disabled/invert flags change in place`, async () => {
                const r = await drill(strategy, t, [REGION_SERVING]);
                assert.equal(r.verdict, "pass", r.failures.map((f) => f.message).join("\n"));
                const { base, changes } = transition(strategy, t, [REGION_SERVING]);
                const [before, after] = await Promise.all([
                    plan({ files, overrides: overrides(...base) }),
                    plan({ files, overrides: overrides(...base, ...changes) }),
                ]);
                const calculated = (ps: StackPlan[]) => ps.flatMap((p) => p.resources.filter(CALCULATED).map((c) => c.urn));
                assert.ok(calculated(before).length + calculated(after).length > 0, "a record follows a calculated check");
                const onBoth = calculated(before).filter((u) => calculated(after).includes(u));
                const all = changesOf(r);
                for (const urn of onBoth) {
                    const c = all.find((x) => x.urn === urn);
                    if (!c) continue;
                    assert.equal(c.op, "update", urn);
                    assert.deepEqual(
                        c.changes.map((p) => p.path).filter((p) => !["disabled", "invertHealthcheck"].includes(p)),
                        [],
                        urn,
                    );
                }
                // Its children and every other check are not replaced either.
                assert.deepEqual(
                    all.filter((c) => c.type === T.healthCheck && c.op === "replace").map((c) => `${c.stack}: ${c.name}`),
                    [],
                );
                assert.deepEqual(
                    all.filter((c) => IN_PLACE.includes(c.type) && c.op === "replace").map((c) => `${c.stack}: ${c.type} ${c.name}`),
                    [],
                );
            });
        }
    }

    it("an unplanned failover fences the old primary's calculated check (disabled and inverted, in place)", async () => {
        const r = await drill("warm-standby", "unplanned failover", [REGION_SERVING]);
        const c = changesOf(r).find((x) => x.stack === HOME && x.type === T.healthCheck && /-dns-serving$/.test(x.name));
        assert.ok(c, "prod's calculated check changes");
        assert.equal(c.op, "update");
        assert.deepEqual(
            c.changes.map((p) => [p.path, p.before, p.after]),
            [
                ["disabled", false, true],
                ["invertHealthcheck", false, true],
            ],
        );
    });
});

describe("operations drill: the replace rules of the operations types", () => {
    const R = "us-east-1";
    const replaces = (type: string, property: string, before: unknown, after: unknown) =>
        replaceReason(type, property, before, after, R) !== undefined;

    it("alarms: a metric alarm's name replaces it, its actions and urgency do not; a composite's actionsEnabled replaces it (ForceNew), its topics do not", () => {
        assert.ok(replaces(T.metricAlarm, "name", "securecart-a", "securecart-b"));
        assert.ok(!replaces(T.metricAlarm, "actionsEnabled", true, false));
        assert.ok(!replaces(T.metricAlarm, "alarmActions", ["arn:aws:sns:us-east-1:1:a-page"], ["arn:aws:sns:us-east-1:1:a-notify"]));
        assert.ok(replaces(T.compositeAlarm, "alarmName", "securecart-us-east-1-serving", "other"));
        assert.ok(replaces(T.compositeAlarm, "actionsEnabled", false, true));
        assert.ok(!replaces(T.compositeAlarm, "actionsEnabled", undefined, true), "true is the default");
        assert.ok(!replaces(T.compositeAlarm, "alarmActions", ["arn:aws:sns:us-east-1:1:a-page"], ["arn:aws:sns:us-east-1:1:a-notify"]));
        assert.ok(!replaces(T.compositeAlarm, "alarmRule", 'ALARM("a")', 'ALARM("a") OR ALARM("b")'));
        assert.ok(replaces(T.metricAlarm, "region", "us-east-1", "us-west-2"), "v6 region");
    });

    it("dashboards and topics: their names replace them; a dashboard's body, a topic's key and a policy's document do not", () => {
        assert.ok(replaces(T.dashboard, "dashboardName", "securecart-us-east-1", "securecart-dr"));
        assert.ok(!replaces(T.dashboard, "dashboardBody", "{}", '{"widgets":[]}'));
        assert.ok(replaces(T.snsTopic, "name", "securecart-alarms-page", "securecart-alarms-urgent"));
        assert.ok(!replaces(T.snsTopic, "name", "securecart-alarms-page", undefined), "Optional + Computed: removal keeps the live name");
        assert.ok(replaces(T.snsTopic, "fifoTopic", undefined, true));
        assert.ok(!replaces(T.snsTopic, "kmsMasterKeyId", "arn:a", "arn:b"));
        assert.ok(replaces(T.snsTopicPolicy, "arn", "arn:aws:sns:us-east-1:1:a", "arn:aws:sns:us-east-1:1:b"));
        assert.ok(!replaces(T.snsTopicPolicy, "policy", "{}", '{"Statement":[]}'));
        for (const p of ["endpoint", "protocol", "topic"]) assert.ok(replaces(T.snsTopicSubscription, p, "a", "b"), p);
    });

    it("the trail, its lock, GuardDuty and FIS: a trail's name, an Object Lock configuration's bucket or mode, a detector feature's name, a template's tags replace them; a detector only moves with its region", () => {
        assert.ok(replaces(T.trail, "name", "securecart", "securecart-2"));
        assert.ok(!replaces(T.trail, "s3BucketName", "a", "b"));
        assert.ok(replaces(T.bucketObjectLock, "bucket", "a", "b"));
        assert.ok(!replaces(T.bucketObjectLock, "objectLockEnabled", undefined, "Enabled"), "Enabled is the default");
        assert.ok(!replaces(T.bucketObjectLock, "rule", { defaultRetention: { days: 1 } }, { defaultRetention: { days: 365 } }));
        assert.ok(replaces(T.guardDutyDetectorFeature, "name", "S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION"));
        assert.ok(!replaces(T.guardDutyDetectorFeature, "status", "ENABLED", "DISABLED"));
        assert.ok(replaces(T.fisExperimentTemplate, "tags", { role: "primary" }, { role: "standby" }), "tags are ForceNew on a template");
        assert.ok(!replaces(T.fisExperimentTemplate, "stopConditions", [], [{ source: "none" }]));
        assert.ok(!replaces(T.guardDutyDetector, "enable", true, false), "suspending keeps the findings");
        assert.ok(!replaces(T.guardDutyDetector, "findingPublishingFrequency", "SIX_HOURS", "FIFTEEN_MINUTES"));
        assert.ok(replaces(T.guardDutyDetector, "region", "us-east-1", "us-west-2"));
    });

    it("the stateful ones: the alarm topics' key, the trail, its bucket, key, lock and log group, and the detector; deleting any fails the drill", () => {
        for (const t of OPERATIONS_STATEFUL) {
            assert.ok(STATEFUL_TYPES.includes(t), t);
            assert.ok(!DELETE_IS_WARNING[t], t);
            assert.ok(!REPLACE_IS_WARNING[t], t);
        }
        for (const t of IN_PLACE) assert.ok(!isStateful(t), `${t} holds no data: its replacement is a warning`);
        for (const t of [T.trail, T.bucketObjectLock, T.guardDutyDetector]) {
            const rule = STATEFUL_RULES.find((x) => x.type === t)!;
            assert.match(rule.source, /^hashicorp\/terraform-provider-aws internal\/service\/(cloudtrail|s3|guardduty)\/\w+\.go/);
        }
        assert.match(ruleFor(T.guardDutyDetector)!.note!, /Suspending or disabling GuardDuty/);
        assert.deepEqual(ruleFor(T.guardDutyDetector)!.properties, [], "no argument of a detector is ForceNew");
        for (const t of IN_PLACE) assert.ok(ruleFor(t), `${t} has a rule with its source`);
    });

    it("the plans hold what the rules are for: the trail, its lock, bucket, key and log group in the home stack; a protected detector in every region; FIS templates where something runs", async () => {
        for (const strategy of STRATEGIES)
            for (const primary of ["us-east-1", DR_REGION]) {
                const plans = await plan({ files, overrides: overrides(`strategy=${strategy}`, `primaryRegion=${primary}`) });
                const of = (stack: string, type: string) => plans.find((p) => p.stack === stack)!.resources.filter((r) => r.type === type);
                const where = `${strategy}, primary ${primary}`;
                assert.equal(of(HOME, T.trail).length, 1, where);
                assert.equal(of("dr", T.trail).length, 0, where);
                assert.equal(of(HOME, T.bucketObjectLock).length, 1, where);
                // Descendants of the trail's component (its log group sits one component further down), by their parents.
                const home = plans.find((p) => p.stack === HOME)!;
                const byUrn = new Map(home.resources.map((r) => [r.urn, r] as const));
                const underTrail = (r: PlannedResource): boolean => {
                    for (let u: string | null | undefined = r.parent; u; u = byUrn.get(u)?.parent)
                        if (byUrn.get(u)?.type === "securecart:operations:AuditTrail") return true;
                    return false;
                };
                const inTrail = (stack: string, type: string) => of(stack, type).filter(underTrail);
                for (const type of [T.bucket, T.kmsKey, T.logGroup, T.bucketObjectLock]) {
                    assert.ok(inTrail(HOME, type).length >= 1, `${where}: the trail component holds a ${type}`);
                    for (const r of inTrail(HOME, type)) assert.ok(r.protect, `${where}: ${r.name} is protected`);
                }
                for (const stack of Object.keys(REGION_OF)) {
                    const detectors = of(stack, T.guardDutyDetector);
                    assert.equal(detectors.length, 1, `${where}: ${stack}`);
                    assert.ok(detectors[0].protect && detectors[0].retainOnDelete, `${where}: ${stack}'s detector is protected and retained`);
                }
            }
        // FIS templates exist where something runs, so a warm standby has them on both sides of its drills.
        const warm = await plan({ files, overrides: overrides("strategy=warm-standby") });
        for (const p of warm)
            assert.ok(
                p.resources.some((r) => r.type === T.fisExperimentTemplate),
                `${p.stack} has fault-injection templates`,
            );
    });

    it("the alarm topics' keys are protected and retained in every plan, and every region keeps a pair in us-east-1 whatever its role", async () => {
        let seen = 0;
        for (const strategy of STRATEGIES)
            for (const primary of ["us-east-1", DR_REGION])
                for (const p of await plan({ files, overrides: overrides(`strategy=${strategy}`, `primaryRegion=${primary}`) })) {
                    const keys = p.resources.filter((r) => r.type === T.kmsKey && ALARM_TOPICS_CHILD.test(r.urn));
                    assert.deepEqual(
                        keys.map((k) => k.inputs.region ?? p.region).sort(),
                        [...new Set([p.region, "us-east-1"])].sort(),
                        `${strategy} ${primary} ${p.stack}`,
                    );
                    for (const k of keys) assert.ok(k.protect && k.retainOnDelete, `${strategy} ${primary} ${p.stack} ${k.name}`);
                    seen += keys.length;
                }
        assert.ok(seen > 0);
    });

    it("a composite alarm replaced in a diff is a warning naming actionsEnabled; deleting an alarm topics' key is a failure", async () => {
        const [prod] = await plan({ files, overrides: overrides("strategy=pilot-light") }, [HOME]);
        const edit = (f: (r: PlannedResource) => PlannedResource | undefined, match: (r: PlannedResource) => boolean): StackPlan => ({
            ...prod,
            resources: prod.resources.flatMap((r) => (match(r) ? [f(r)].filter((x): x is PlannedResource => x !== undefined) : [r])),
        });
        const quieted = diffPlans(
            prod,
            edit(
                (r) => ({ ...r, inputs: { ...r.inputs, actionsEnabled: false } }),
                (r) => r.type === T.compositeAlarm,
            ),
        );
        assert.deepEqual(
            quieted.findings.map((f) => [f.level, f.op, f.type, f.property]),
            [["warning", "replace", T.compositeAlarm, "actionsEnabled"]],
        );
        assert.match(quieted.findings[0].message, /composite_alarm\.go/);
        const keyless = diffPlans(
            prod,
            edit(
                () => undefined,
                (r) => r.type === T.kmsKey && ALARM_TOPICS_CHILD.test(r.urn),
            ),
        );
        assert.ok(keyless.findings.length >= 1);
        assert.ok(keyless.findings.every((f) => f.level === "failure" && f.op === "delete" && f.type === T.kmsKey));
    });
});

describe("operations drill: the urgency reader", () => {
    const resource = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource =>
        ({
            type,
            name,
            urn: `urn:pulumi:prod::securecart::${type}::${name}`,
            inputs,
            outputs: {},
            propertyDependencies: {},
        }) as unknown as PlannedResource;
    const PAGE = "arn:aws:sns:us-east-1:123456789012:securecart-alarms-page";
    const NOTIFY = "arn:aws:sns:us-east-1:123456789012:securecart-alarms-notify";
    const topics = [
        resource(T.snsTopic, "page", { region: "us-east-1", name: "securecart-alarms-page" }),
        resource(T.snsTopic, "notify", { region: "us-east-1", name: "securecart-alarms-notify" }),
        resource(T.snsTopic, "other", { region: "us-east-1", name: "securecart-orders-operators" }),
    ];
    /** The urgency of one alarm planned beside the stack's topics. */
    const urgencyOf = (alarm: PlannedResource): AlarmUrgencyFacts => {
        const rs = [...topics, alarm];
        return alarmUrgencyOf(
            alarmsOf(rs, "us-east-1").find((a) => a.resource === alarm)!,
            alarmTopicsOf(rs, "us-east-1"),
        );
    };
    const metric = (inputs: Record<string, unknown>) => resource(T.metricAlarm, "a", { name: "a", ...inputs });

    it("reads the tag first, else the actions: disabled or naming nothing is quiet, else the urgency of the alarm topic named", () => {
        assert.deepEqual(urgencyOf(metric({ actionsEnabled: false, alarmActions: [NOTIFY], tags: { [URGENCY_TAG]: "quiet" } })), {
            tagged: "quiet",
            fromActions: "quiet",
            urgency: "quiet",
        });
        assert.deepEqual(
            urgencyOf(metric({ alarmActions: [PAGE] })),
            { tagged: undefined, fromActions: "page", urgency: "page" },
            "actions are on by default",
        );
        const composite = (inputs: Record<string, unknown>) => resource(T.compositeAlarm, "c", { alarmName: "c", actionsEnabled: true, ...inputs });
        assert.equal(urgencyOf(composite({ alarmActions: [NOTIFY] })).urgency, "notify");
        assert.equal(urgencyOf(composite({ alarmActions: [] })).fromActions, "quiet", "a quiet composite keeps its actions on and names nothing");
        assert.equal(
            urgencyOf(metric({ alarmActions: ["arn:aws:sns:us-east-1:123456789012:securecart-orders-operators"] })).urgency,
            undefined,
            "not an alarm topic",
        );
        assert.equal(
            urgencyOf(metric({ alarmActions: [PAGE], tags: { [URGENCY_TAG]: "loud" } })).urgency,
            "page",
            "an invalid tag is not an urgency",
        );
        assert.equal(urgencyOf(metric({ alarmActions: [NOTIFY], tags: { [URGENCY_TAG]: "page" } })).urgency, "page", "the tag is read first");
        assert.equal(urgencyOf(metric({ alarmActions: "[unknown]" })).fromActions, UNKNOWN);
    });

    it("in every plan, each tagged alarm's tag agrees with its actions (the tag tells the truth), and every alarm's urgency is known", async () => {
        let tagged = 0;
        for (const strategy of STRATEGIES)
            for (const primary of ["us-east-1", DR_REGION])
                for (const p of await plan({ files, overrides: overrides(`strategy=${strategy}`, `primaryRegion=${primary}`) }))
                    for (const [name, a] of plannedUrgencies(p)) {
                        assert.ok(
                            a.urgency === "page" || a.urgency === "notify" || a.urgency === "quiet",
                            `${p.stack} ${name}: ${String(a.urgency)}`,
                        );
                        if (a.tagged === undefined) continue;
                        assert.equal(a.tagged, a.fromActions, `${strategy} ${primary} ${p.stack} ${name}`);
                        tagged++;
                    }
        assert.ok(tagged > 0);
    });
});
