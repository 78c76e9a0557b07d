/**
 * The RTO timeline for a stack pair (the primary fails or is switched away from; the standby takes over),
 * for a planned switchover and an unplanned failover. Pure, from the two stacks' facts and the constants.
 *
 * Shape of the timeline:
 *   detection  (in sequence, first; zero when planned)
 *   then, overlapping: DNS | data promotion | capacity   (the longest of the three counts)
 * Each step is itself a sequence of parts (e.g. create an instance in the headless secondary, then fail
 * over). RTO ends when the standby serves all traffic at the primary's capacity with a writable database.
 */
import { Constants, cite } from "./constants";
import { AlarmDetection, HealthCheckFacts, StackFacts, replicates, replicatingSecondary, writerCluster } from "../plan";
import { backupPath } from "./rpo";

export type StepName = "detection" | "dns" | "data promotion" | "capacity";

export interface Part {
    readonly label: string;
    readonly seconds: number;
    readonly restsOn: string;
}

export interface Step {
    readonly name: StepName;
    /** Sum of its parts; null when it cannot be estimated (see `unknown`). */
    readonly seconds: number | null;
    readonly parts: readonly Part[];
    /** Why the step could not be estimated. */
    readonly unknown?: string;
    /** Facts the step rests on that add no time (e.g. "standby already runs 3 >= 3 instances"). */
    readonly notes: readonly string[];
    /**
     * Time the step takes on top of `seconds` that AWS publishes no figure for: not in the sum, said next to it
     * (e.g. CALCULATED_CHECK_DELAY). Absent when there is none.
     */
    readonly caveats?: readonly string[];
}

export interface Timeline {
    readonly kind: "planned" | "unplanned";
    readonly seconds: number | null;
    /** Phases run in sequence; the steps of one phase overlap. */
    readonly phases: readonly (readonly Step[])[];
    /** The step that contributes most, with its longest part. */
    readonly dominant?: { readonly step: StepName; readonly seconds: number; readonly detail: string };
    /** The caveats of the steps that count (each once): unpublished time on top of `seconds`. Absent when there is none. */
    readonly caveats?: readonly string[];
}

/**
 * The caveat of a detection by a CALCULATED health check: Route 53 publishes no figure for how soon a calculated check
 * follows its children (Route 53 developer guide, "How Amazon Route 53 determines whether a health check is healthy",
 * gives none), so the estimate adds nothing for it and says so next to the figure.
 */
export const CALCULATED_CHECK_DELAY = "plus an unpublished aggregation delay of a calculated check";

/**
 * The timeline's caveats by their labels (each caveat is "<label>: <why>"), joined, to stand next to its figure;
 * undefined when it has none.
 */
export function caveatLabels(tl: Pick<Timeline, "caveats">): string | undefined {
    return tl.caveats?.length ? tl.caveats.map((c) => c.split(":")[0]).join("; ") : undefined;
}

const step = (name: StepName, parts: Part[], notes: string[] = []): Step => ({
    name,
    parts,
    notes,
    seconds: parts.reduce((a, p) => a + p.seconds, 0),
});
const unknownStep = (name: StepName, why: string): Step => ({ name, parts: [], notes: [], seconds: null, unknown: why });
const part = (label: string, seconds: number, restsOn: string): Part => ({ label, seconds, restsOn });

/** The health check the region's record follows, when the record names one planned in the stack. */
function recordCheck(p: StackFacts): HealthCheckFacts | undefined {
    const names = p.records.map((r) => r.healthCheck).filter((n): n is string => n !== undefined);
    return p.healthChecks.find((h) => names.includes(h.name));
}

function detection(kind: Timeline["kind"], p: StackFacts, c: Constants): Step {
    if (kind === "planned") return step("detection", [], ["planned switchover: nothing to detect"]);
    // The check the region's record follows decides; without that link (facts built by hand), the first alarm check.
    const own = recordCheck(p);
    if (own?.protocol === "CALCULATED") return calculatedDetection(own, p, c);
    if (own?.protocol === "CLOUDWATCH_METRIC") return alarmDetection(own, p, c);
    // A check on a CloudWatch alarm is timed by its alarm, never by the endpoint defaults its facts also carry.
    const alarmCheck = own?.kind === "recovery-control" ? undefined : p.healthChecks.find((h) => h.protocol === "CLOUDWATCH_METRIC");
    if (alarmCheck) return alarmDetection(alarmCheck, p, c);
    const hc = p.healthChecks.find((h) => h.kind === "endpoint");
    if (hc) {
        return step("detection", [
            part(
                `health check ${hc.name}: ${hc.failureThreshold} failed checks at ${hc.intervalSeconds} s`,
                hc.intervalSeconds * hc.failureThreshold,
                `requestInterval ${hc.intervalSeconds} s × failureThreshold ${hc.failureThreshold} on ${p.stack}'s ${hc.protocol ?? ""} health check (Route 53 developer guide: detection ≈ interval × threshold)`,
            ),
        ]);
    }
    if (p.healthChecks.some((h) => h.kind === "recovery-control")) {
        return step("detection", [
            part(
                "operator flips the ARC routing control",
                c.values.manualDecisionSeconds,
                `${p.stack}'s record follows an ARC routing control, which does not fail over by itself: ${cite(c, "manualDecisionSeconds")}`,
            ),
        ]);
    }
    return unknownStep("detection", `no Route 53 health check planned in stack ${p.stack}: failure is not detected automatically`);
}

/**
 * Detection by a CLOUDWATCH_METRIC health check: Route 53 copies the alarm's period and evaluation periods and
 * evaluates the alarm's data stream itself (Route 53 API reference, CloudWatchAlarmConfiguration: it carries
 * Period and EvaluationPeriods, not DatapointsToAlarm), so a failure shows after period × evaluation periods;
 * how much later Route 53 acts on it AWS does not publish, which is a labelled constant.
 */
function alarmDetection(hc: HealthCheckFacts, p: StackFacts, c: Constants): Step {
    const a = hc.alarm;
    if (!a)
        return unknownStep(
            "detection",
            `health check ${hc.name} in stack ${p.stack} follows CloudWatch alarm ${hc.alarmName ?? "(unset)"}, which is not planned in that stack or whose period and evaluation periods are not known yet: its detection time cannot be read`,
        );
    return step("detection", [
        part(
            `alarm ${a.alarm}: ${a.evaluationPeriods} breaching period(s) of ${a.periodSeconds} s`,
            a.periodSeconds * a.evaluationPeriods,
            `period ${a.periodSeconds} s × evaluationPeriods ${a.evaluationPeriods} of the alarm ${p.stack}'s health check ${hc.name} follows (Route 53 API reference, CloudWatchAlarmConfiguration: the check copies the alarm's Period and EvaluationPeriods and reads its data stream)`,
        ),
        part("Route 53 reacts to the alarm's data stream", c.values.route53AlarmReactionSeconds, cite(c, "route53AlarmReactionSeconds")),
    ]);
}

/**
 * Detection by a CALCULATED health check over CLOUDWATCH_METRIC children (the "region-serving" signal,
 * components/dns.ts): the calculated check is unhealthy once fewer than childHealthThreshold children are healthy.
 * A lost region stops publishing its metrics (or its load balancer sees no healthy target): the children that count
 * missing data as unhealthy fail either way; a child that counts it healthy (a load balancer's own 5xx: no traffic
 * is no error) may never fail, so it is not relied on. The detection is the alarm window of the child whose failure
 * turns the check unhealthy (with every child required, the first to fail), then Route 53's reaction to the alarm's
 * data; how much later the calculated check follows its children AWS does not publish: a caveat, not a number.
 */
function calculatedDetection(hc: HealthCheckFacts, p: StackFacts, c: Constants): Step {
    const listed = hc.children ?? [];
    const children = listed.map((n) => p.healthChecks.find((h) => h.name === n)).filter((h): h is HealthCheckFacts => h !== undefined);
    const where = `${p.stack}'s record follows the CALCULATED health check ${hc.name}`;
    if (children.length === 0 || children.length < listed.length || children.length < (hc.childCount ?? 0))
        return unknownStep("detection", `${where}, whose child checks are not all planned in that stack: its detection time cannot be read`);
    const threshold = hc.childHealthThreshold;
    if (threshold === undefined)
        return unknownStep("detection", `${where}, which sets no childHealthThreshold: how many children must fail cannot be read`);
    const needed = children.length - threshold + 1;
    const failing = children.filter((h) => h.protocol === "CLOUDWATCH_METRIC" && h.insufficientData === "Unhealthy");
    const spared = children.filter((h) => !failing.includes(h));
    if (needed < 1)
        return unknownStep("detection", `${where}, healthy while ${threshold} of its ${children.length} children are: it never turns unhealthy`);
    if (failing.length < needed)
        return unknownStep(
            "detection",
            `${where}, which turns unhealthy when ${needed} of its ${children.length} children fail, but only ${failing.length} of them count missing data as unhealthy: a lost region may not turn it unhealthy`,
        );
    const unread = failing.filter((h) => !h.alarm);
    if (unread.length)
        return unknownStep(
            "detection",
            `${where}; its children ${unread.map((h) => `${h.name} (alarm ${h.alarmName ?? "(unset)"})`).join(", ")} follow alarms that are not planned in that stack or whose period and evaluation periods are not known yet: its detection time cannot be read`,
        );
    const window = (h: HealthCheckFacts) => (h.alarm as AlarmDetection).periodSeconds * (h.alarm as AlarmDetection).evaluationPeriods;
    // The needed-th shortest window (a stable sort: among equal windows, the first of childChecksOf's order).
    const ordered = [...failing].sort((a, b) => window(a) - window(b));
    const first = ordered[needed - 1];
    const a = first.alarm as AlarmDetection;
    const windows = [...new Set(failing.map(window))];
    const why = [
        `${where}, healthy only while ${threshold} of its ${children.length} children are: it turns unhealthy when ${needed === 1 ? "the first child fails" : `${needed} children have failed`}`,
        `a lost region stops publishing its metrics (or its load balancer sees no healthy target): the ${failing.length} children that count missing data as unhealthy (insufficientDataHealthStatus Unhealthy) fail either way${spared.length ? `; ${spared.map((h) => h.name).join(", ")} count it healthy (no traffic is no error) and may never fail, so they are not relied on` : ""}`,
        windows.length === 1
            ? `every one of them waits the same ${windows[0]} s, so the first is taken: ${first.name}`
            : `their windows differ (${windows.join(", ")} s): the ${needed === 1 ? "shortest" : `${needed}-th shortest`} is taken: ${first.name}`,
    ];
    return {
        ...step(
            "detection",
            [
                part(
                    `alarm ${a.alarm} (child ${first.name} of ${hc.name}): ${a.evaluationPeriods} breaching period(s) of ${a.periodSeconds} s`,
                    a.periodSeconds * a.evaluationPeriods,
                    `period ${a.periodSeconds} s × evaluationPeriods ${a.evaluationPeriods} of the alarm the child check ${first.name} follows (operations.servingEvaluationMinutes one-minute periods; Route 53 API reference, CloudWatchAlarmConfiguration: the check copies the alarm's Period and EvaluationPeriods and reads its data stream)`,
                ),
                part("Route 53 reacts to the alarm's data stream", c.values.route53AlarmReactionSeconds, cite(c, "route53AlarmReactionSeconds")),
            ],
            why,
        ),
        caveats: [
            `${CALCULATED_CHECK_DELAY}: how soon ${hc.name} follows its children AWS does not publish (Route 53 developer guide, "How Amazon Route 53 determines whether a health check is healthy"); unknown, so not added`,
        ],
    };
}

function dns(kind: Timeline["kind"], p: StackFacts, s: StackFacts, c: Constants): Step {
    const own = s.records[0];
    const ttlOf = (r: NonNullable<typeof own>, stack: string): Part | string => {
        if (r.alias)
            return part(
                "clients re-resolve the alias record",
                c.values.aliasTtlSeconds,
                `${stack}'s record is an alias: ${cite(c, "aliasTtlSeconds")} (fixed by the target)`,
            );
        if (r.ttlSeconds === undefined) return `${stack}'s record ${r.name} has no TTL`;
        return part("clients re-resolve the record", r.ttlSeconds, `${stack}'s record ${r.name} has ttl ${r.ttlSeconds} s`);
    };
    if (own) {
        if (kind === "planned" && own.routing === "latency") {
            return step("dns", [], [`${s.stack} already answers through latency routing; a planned switchover moves only the writer`]);
        }
        const t = ttlOf(own, s.stack);
        return typeof t === "string"
            ? unknownStep("dns", t)
            : step("dns", [t], [`${own.routing} routing${own.failoverRole ? ` (${s.stack} is ${own.failoverRole})` : ""}`]);
    }
    const theirs = p.records[0];
    if (!theirs) return unknownStep("dns", `no Route 53 record planned in stack ${p.stack} or ${s.stack}`);
    const t = ttlOf(theirs, p.stack);
    if (typeof t === "string") return unknownStep("dns", t);
    return step("dns", [
        part(`create ${s.stack}'s record with pulumi up`, c.values.provisionSeconds, `${s.stack} has no record yet: ${cite(c, "provisionSeconds")}`),
        t,
    ]);
}

function promotion(kind: Timeline["kind"], p: StackFacts, s: StackFacts, c: Constants): Step {
    const parallel: Step[] = [];
    const writer = writerCluster(p);
    if (writer) {
        const move =
            kind === "planned"
                ? part("Aurora managed switchover", c.values.auroraSwitchoverSeconds, cite(c, "auroraSwitchoverSeconds"))
                : part("Aurora managed failover", c.values.auroraFailoverSeconds, cite(c, "auroraFailoverSeconds"));
        const secondary = replicatingSecondary(writer, s);
        if (secondary && secondary.instanceClasses.length > 0) {
            parallel.push(
                step(
                    "data promotion",
                    [move],
                    [`${s.stack}'s Aurora secondary ${secondary.name} is live (${secondary.instanceClasses.length} instance(s))`],
                ),
            );
        } else if (secondary) {
            parallel.push(
                step("data promotion", [
                    part(
                        "create an instance in the headless Aurora secondary",
                        c.values.auroraInstanceCreateSeconds,
                        `${s.stack}'s Aurora secondary ${secondary.name} has no instances: ${cite(c, "auroraInstanceCreateSeconds")}`,
                    ),
                    move,
                ]),
            );
        } else {
            const path = backupPath(p, s, writer.arn, `Aurora cluster ${writer.name}`, writer.urn);
            if (path.intervalSeconds === null) parallel.push(unknownStep("data promotion", path.restsOn.join("; ")));
            else
                parallel.push(
                    step(
                        "data promotion",
                        [
                            part(
                                "restore the Aurora cluster from the copied recovery point",
                                c.values.auroraRestoreSeconds,
                                `${s.stack} has no Aurora cluster: ${cite(c, "auroraRestoreSeconds")}`,
                            ),
                            part("create its first instance", c.values.auroraInstanceCreateSeconds, cite(c, "auroraInstanceCreateSeconds")),
                        ],
                        path.restsOn.slice(),
                    ),
                );
        }
    }
    const unreplicated = p.tables.filter((t) => !t.inlineReplicaRegions.includes(s.region) && !s.replicas.some((r) => replicates(r, t)));
    if (p.tables.length > 0 && unreplicated.length === 0) {
        parallel.push(
            step("data promotion", [], [`${s.stack} holds replicas of all ${p.tables.length} DynamoDB table(s): they already take writes`]),
        );
    }
    for (const t of unreplicated) {
        const path = backupPath(p, s, t.arn, `table ${t.name}`, t.urn);
        if (path.intervalSeconds === null) parallel.push(unknownStep("data promotion", path.restsOn.join("; ")));
        else
            parallel.push(
                step("data promotion", [
                    part(`restore table ${t.name} from the copied recovery point`, c.values.dynamoRestoreSeconds, cite(c, "dynamoRestoreSeconds")),
                ]),
            );
    }
    if (parallel.length === 0) return step("data promotion", [], [`no data store planned in stack ${p.stack}`]);
    return longest("data promotion", parallel);
}

function capacity(p: StackFacts, s: StackFacts, c: Constants): Step {
    const parallel: Step[] = [];
    const want = p.web.reduce((a, w) => a + w.desired, 0);
    if (want > 0) {
        const have = s.web.reduce((a, w) => a + w.desired, 0);
        const grace = (s.web[0] ?? p.web[0]).graceSeconds;
        const launch = [
            part("launch EC2 instances", c.values.ec2LaunchSeconds, cite(c, "ec2LaunchSeconds")),
            part("boot", c.values.ec2BootSeconds, cite(c, "ec2BootSeconds")),
            part("health-check grace", grace, `healthCheckGracePeriod ${grace} s on ${s.web.length ? s.stack : p.stack}'s Auto Scaling group`),
        ];
        if (s.web.length === 0)
            parallel.push(
                step(
                    "capacity",
                    [
                        part(
                            "create the web tier with pulumi up",
                            c.values.provisionSeconds,
                            `${s.stack} has no Auto Scaling group: ${cite(c, "provisionSeconds")}`,
                        ),
                        ...launch,
                    ],
                    [`web: 0 → ${want} instances`],
                ),
            );
        else if (have >= want) parallel.push(step("capacity", [], [`web: ${s.stack} already runs ${have} >= ${want} instances`]));
        else parallel.push(step("capacity", launch, [`web: ${have} → ${want} instances`]));
    }
    for (const svc of p.services) {
        if (svc.desired === 0) continue;
        const mine = s.services.find((x) => x.name === svc.name);
        const start = part(`start ${svc.name} tasks`, c.values.fargateTaskStartSeconds, cite(c, "fargateTaskStartSeconds"));
        if (!mine)
            parallel.push(
                step(
                    "capacity",
                    [
                        part(
                            "create the services with pulumi up",
                            c.values.provisionSeconds,
                            `${s.stack} has no ECS service ${svc.name}: ${cite(c, "provisionSeconds")}`,
                        ),
                        start,
                    ],
                    [`${svc.name}: 0 → ${svc.desired} tasks`],
                ),
            );
        else if (mine.desired >= svc.desired)
            parallel.push(step("capacity", [], [`${svc.name}: ${s.stack} already runs ${mine.desired} >= ${svc.desired} tasks`]));
        else parallel.push(step("capacity", [start], [`${svc.name}: ${mine.desired} → ${svc.desired} tasks`]));
    }
    if (parallel.length === 0) return step("capacity", [], [`no running compute planned in stack ${p.stack}`]);
    return longest("capacity", parallel);
}

/** Overlapping sub-steps of one kind: the longest counts; the others' notes are kept. */
function longest(name: StepName, steps: Step[]): Step {
    const unknown = steps.find((x) => x.seconds === null);
    const notes = steps.flatMap((x) => x.notes);
    if (unknown) return { ...unknown, notes };
    const top = steps.reduce((a, b) => ((b.seconds as number) > (a.seconds as number) ? b : a));
    return { name, parts: top.parts, seconds: top.seconds, notes };
}

export function timeline(kind: Timeline["kind"], p: StackFacts, s: StackFacts, c: Constants): Timeline {
    const phases: Step[][] = [[detection(kind, p, c)], [dns(kind, p, s, c), promotion(kind, p, s, c), capacity(p, s, c)]];
    const known = phases.every((ph) => ph.every((x) => x.seconds !== null));
    const phaseSeconds = phases.map((ph) => Math.max(0, ...ph.map((x) => x.seconds ?? 0)));
    const seconds = known ? phaseSeconds.reduce((a, b) => a + b, 0) : null;
    let dominant: Timeline["dominant"];
    for (const ph of phases) {
        for (const x of ph) {
            if (x.seconds !== null && x.seconds > 0 && (!dominant || x.seconds > dominant.seconds)) {
                const top = x.parts.reduce<Part | undefined>((a, b) => (!a || b.seconds > a.seconds ? b : a), undefined);
                dominant = {
                    step: x.name,
                    seconds: x.seconds,
                    detail: x.parts.map((q) => q.label).join(" → ") + (top ? `; longest part: ${top.label}` : ""),
                };
            }
        }
    }
    // A phase counts with its longest step: its caveats with it (a shorter overlapping step's add nothing).
    const counting = phases.map((ph) => ph.reduce((x, y) => ((y.seconds ?? 0) > (x.seconds ?? 0) ? y : x)));
    const caveats = [...new Set(counting.flatMap((x) => x.caveats ?? []))];
    return { kind, seconds, phases, dominant, ...(caveats.length ? { caveats } : {}) };
}
