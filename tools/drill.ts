/**
 * `npm run drill -- (--stack NAME | --all-stacks) [-c key=value]... [--base key=value]... [--json]`
 *
 * Offline rehearsal of a drill: plans every requested stack twice under Pulumi's mock runtime, as
 * configured (plus `--base`) and with the changes (`-c`), and prints what `pulumi up` would create,
 * update (with the changed properties), replace (with the property that forces it) and delete, stack by
 * stack in runbook order, and the promotions each stack's `pulumi up` makes (the Aurora writer, the cache's
 * Global Datastore primary, the file system made writable and replicating back, a cold cache resized), and the
 * alarms whose urgency (page, notify, quiet) the change moves. Its own verdict: any replacement or deletion of a
 * stateful resource fails (exit 1), except the deletion of an Aurora instance, which is a warning; replacing what a
 * role change must update in place (an alarm, a dashboard, a topic, a health check) is a warning too (see
 * src/replaceRules.ts).
 *
 * `-c key=value` and `--base key=value` apply to every stack, like a change to Pulumi.yaml (strategy,
 * primaryRegion and failoverMode must agree across stacks). `-c STACK/key=value` applies to one stack
 * only, e.g. `-c dr/drill=outage`. Exit codes: 0 pass, 1 verdict failed, 2 bad arguments or configuration.
 */
import { Override, ProjectFiles, loadFromFiles, loadProjectFiles, parseOverride } from "../src/configSource";
import { ConfigError } from "../src/config";
import { CliSpec, UsageError, parseArgs, runCli, stackScoped } from "./cli";
import { PROJECT_DIR } from "./paths";
import { Finding, ResourceChange, StackDiff, describeChange, diffPlans } from "./diff";
// The planner loads the Pulumi runtime; it is imported only when something is planned.
import type { StackPlan, planStacks } from "./planner";
import {
    DYNAMIC,
    type PlannedUrgency,
    type PrimaryMove,
    T,
    URGENCY_TAG,
    UNKNOWN,
    alarmTopicsOf,
    alarmUrgencyOf,
    alarmsOf,
    arnRegion,
    cacheGroupOf,
    get,
    healthCheckOf,
    ofType,
    parentUrn,
    primaryMoveOf,
    routingOf,
    tableNameOfArn,
    text,
} from "../src/plan";

export { PROJECT_DIR };

export interface RehearsalOptions {
    readonly files: ProjectFiles;
    /** Where both sides start (`--base`), applied to every stack. Default none. */
    readonly base?: readonly Override[];
    /** The drill's changes (`-c`), applied to every stack. Default none. */
    readonly changes?: readonly Override[];
    /** `--base STACK/key=value`: per-stack base. Default none. */
    readonly perStackBase?: Readonly<Record<string, readonly Override[]>>;
    /** `-c STACK/key=value`: per-stack changes. Default none. */
    readonly perStackChanges?: Readonly<Record<string, readonly Override[]>>;
    /** Stacks to rehearse. Default: every stack. */
    readonly stacks?: readonly string[];
    /** The planner. Default planStacks (tests pass a memoised one). */
    readonly plan?: typeof planStacks;
}

/** One stack's place in the runbook. */
export interface RunbookStep {
    readonly stack: string;
    readonly region: string;
    readonly roleBefore: string;
    readonly roleAfter: string;
    readonly reason: string;
}

export interface Rehearsal {
    readonly base: readonly string[];
    readonly changes: readonly string[];
    readonly order: readonly RunbookStep[];
    /** One diff per stack, in runbook order. */
    readonly stacks: readonly StackDiff[];
    readonly failures: readonly Finding[];
    readonly warnings: readonly Finding[];
    /** The data this change restores (a promotion's or a failback's new recovery tier), stack by stack. */
    readonly restores: readonly DataRestore[];
    /** The moves this change makes inside each stack's `pulumi up` (writer, cache, files), in runbook order. */
    readonly promotions: readonly StackPromotions[];
    /** The alarms whose urgency this change moves (created and deleted ones included), stack by stack in runbook order. */
    readonly urgency: readonly StackUrgencyMoves[];
    readonly verdict: "pass" | "fail";
}

/** An alarm's urgency on one side: null where the alarm does not exist, "unknown" where the plan cannot tell. */
export type UrgencySide = PlannedUrgency | "unknown" | null;

/** One alarm whose urgency the change moves. */
export interface UrgencyMove {
    /** The alarm's name in CloudWatch. */
    readonly alarm: string;
    readonly kind: "metric" | "composite";
    /** The resource's name in the stack. */
    readonly resource: string;
    readonly from: UrgencySide;
    readonly to: UrgencySide;
}

export interface StackUrgencyMoves {
    readonly stack: string;
    readonly region: string;
    readonly moves: readonly UrgencyMove[];
}

/** One restore the changed side creates: where each copy of the data comes from and goes to. */
export interface DataRestore {
    readonly stack: string;
    readonly region: string;
    readonly aurora: readonly { readonly cluster: string; readonly from: string }[];
    readonly tables: readonly { readonly table: string; readonly from: string }[];
}

/** One move a stack's `pulumi up` makes (a dynamic resource created or updated, or the cold cache resized), in words. */
export interface PromotionStep {
    readonly kind: PrimaryMove["kind"] | "cache-resize";
    readonly op: "create" | "update";
    /** The resource's name in the stack. */
    readonly resource: string;
    readonly what: string;
}

/** A move the change drops from a stack: deleting one makes no AWS call (its provider's delete does nothing). */
export interface DroppedMove {
    readonly kind: PrimaryMove["kind"];
    readonly resource: string;
}

/** The promotions of one stack: what it makes the primary here, and the moves it drops (the old primary's). */
export interface StackPromotions {
    readonly stack: string;
    readonly region: string;
    readonly steps: readonly PromotionStep[];
    readonly dropped: readonly DroppedMove[];
}

/** Why a dropped move is harmless, said once (the text and the JSON). */
export const DROPPED_MOVE_NOTE =
    "dropped from the stack's state only: a move's delete makes no AWS call, so nothing is moved back and no replication is cut";

const STEP_ORDER: readonly PromotionStep["kind"][] = ["writer", "cache-resize", "cache", "files", "files-replication"];

/** A planned value for the words: "[unknown]" at preview. */
const shown = (v: unknown, fallback = "(unset)") => text(v, fallback);

/** The cluster id at the end of an Aurora cluster ARN (arn:aws:rds:REGION:ACCOUNT:cluster:ID), or the text as is. */
function clusterIdOfArn(arn: unknown): string {
    const t = shown(arn);
    const m = /:cluster:([^:]+)$/.exec(t);
    return m ? m[1] : t;
}

/** What a move does, in the runbook's words. */
export function describeMove(m: PrimaryMove): string {
    const failover = m.kind !== "files-replication" && m.mode === "failover";
    switch (m.kind) {
        case "writer": {
            const region = arnRegion(m.targetClusterArn) ?? "[unknown]";
            return `database: make ${clusterIdOfArn(m.targetClusterArn)} the writer of the Aurora global database ${shown(m.globalClusterIdentifier)} (${
                failover ? `FailoverGlobalCluster with AllowDataLoss, calling only ${region}` : `SwitchoverGlobalCluster to ${region}, RPO 0`
            })`;
        }
        case "cache":
            return `cache: make ${shown(m.targetReplicationGroupId)} the Global Datastore ${shown(m.globalReplicationGroupId)}'s primary (FailoverGlobalReplicationGroup in ${shown(m.targetRegion)}${
                failover ? " only; writes not yet replicated are lost" : "; replication is asynchronous, so drain the writers first"
            })`;
        case "files":
            return `files: make ${shown(m.fileSystemId)} writable (delete the replication into it, in ${shown(m.targetRegion)}${
                failover ? "; this side only if the source's region cannot be reached" : ""
            })`;
        case "files-replication":
            return `files: replicate ${shown(m.sourceFileSystemId)} (${shown(m.sourceRegion)}) into ${shown(m.destinationFileSystemId)} (${shown(m.destinationRegion)}) (its overwrite protection turned off first; EFS overwrites it to match)`;
    }
}

/**
 * The promotions a change makes, stack by stack in runbook order: each GlobalWriter, CachePrimary, FilesPrimary and
 * FilesReplication the change creates or updates, and, in a stack that becomes (or stays) primary, a cache group
 * resized in place (pilot light's cold standby); and the moves the change deletes (the old primary's), which call nothing.
 */
export function promotionsOf(before: readonly StackPlan[], after: readonly StackPlan[], diffs: readonly StackDiff[]): StackPromotions[] {
    const out: StackPromotions[] = [];
    for (const d of diffs) {
        const a = after.find((p) => p.stack === d.stack)!;
        const b = before.find((p) => p.stack === d.stack)!;
        const byUrn = (plan: StackPlan, urn: string) => plan.resources.find((r) => r.urn === urn);
        const steps: PromotionStep[] = [];
        const dropped: DroppedMove[] = [];
        for (const c of d.changes) {
            if (c.op === "create" || c.op === "update") {
                const r = byUrn(a, c.urn);
                const move = r && primaryMoveOf(r);
                if (move) steps.push({ kind: move.kind, op: c.op, resource: c.name, what: describeMove(move) });
                else if (r && c.type === T.cacheReplicationGroup && a.role === "primary" && c.changes.some((p) => p.path === "nodeType")) {
                    const was = byUrn(b, c.urn);
                    const g = cacheGroupOf(r);
                    steps.push({
                        kind: "cache-resize",
                        op: "update",
                        resource: c.name,
                        what: `cache: resize ${shown(g.replicationGroupId)} from ${shown(was && cacheGroupOf(was).nodeType)} to ${shown(g.nodeType)} in place (ModifyReplicationGroup in ${a.region}; it starts cold and warms from the databases)`,
                    });
                }
            } else if (c.op === "delete") {
                const r = byUrn(b, c.urn);
                const move = r && primaryMoveOf(r);
                if (move) dropped.push({ kind: move.kind, resource: c.name });
            }
        }
        // In the order the moves happen in `pulumi up` (its dependencies order them; the files' replication waits for the promotion).
        steps.sort((x, y) => STEP_ORDER.indexOf(x.kind) - STEP_ORDER.indexOf(y.kind));
        if (steps.length || dropped.length) out.push({ stack: d.stack, region: d.region, steps, dropped });
    }
    return out;
}

/**
 * The alarms whose urgency the change moves, stack by stack in runbook order: each metric or composite alarm whose
 * urgency (its URGENCY_TAG, else its actions and the alarm topic they name: src/plan/facts.ts alarmUrgencyOf) differs between the
 * planned sides, an alarm the change creates (from null) or deletes (to null) included. Sorted by alarm name.
 */
export function urgencyMovesOf(before: readonly StackPlan[], after: readonly StackPlan[], diffs: readonly StackDiff[]): StackUrgencyMoves[] {
    type Side = { readonly alarm: string; readonly kind: UrgencyMove["kind"]; readonly resource: string; readonly urgency: UrgencySide };
    /** The stack's alarms on one side, by URN, with their urgency (src/plan/facts.ts alarmUrgencyOf). */
    const sideOf = (p: StackPlan | undefined): Map<string, Side> => {
        const resources = p?.resources ?? [];
        const topics = alarmTopicsOf(resources, p?.region);
        return new Map(
            alarmsOf(resources, p?.region).map((a) => {
                const u = alarmUrgencyOf(a, topics).urgency;
                const urgency: UrgencySide = u === UNKNOWN || u === undefined ? "unknown" : u;
                return [a.resource.urn ?? a.name, { alarm: a.name, kind: a.composite ? "composite" : "metric", resource: a.resource.name, urgency }];
            }),
        );
    };
    const out: StackUrgencyMoves[] = [];
    for (const d of diffs) {
        const was = sideOf(before.find((p) => p.stack === d.stack));
        const now = sideOf(after.find((p) => p.stack === d.stack));
        const moves: UrgencyMove[] = [];
        for (const urn of new Set([...was.keys(), ...now.keys()])) {
            const from = was.get(urn)?.urgency ?? null;
            const to = now.get(urn)?.urgency ?? null;
            if (from === to) continue;
            const a = (now.get(urn) ?? was.get(urn))!;
            moves.push({ alarm: a.alarm, kind: a.kind, resource: a.resource, from, to });
        }
        moves.sort((x, y) => (x.alarm < y.alarm ? -1 : x.alarm > y.alarm ? 1 : 0));
        if (moves.length) out.push({ stack: d.stack, region: d.region, moves });
    }
    return out;
}

/** Restores created by the changed side: Aurora clusters restored from a pinned recovery point, PITR-restored tables. */
export function dataRestores(before: readonly StackPlan[], after: readonly StackPlan[]): DataRestore[] {
    const out: DataRestore[] = [];
    for (const a of after) {
        const had = new Set((before.find((b) => b.stack === a.stack)?.resources ?? []).map((r) => r.urn));
        const created = a.resources.filter((r) => !had.has(r.urn));
        const aurora = ofType(created, DYNAMIC.restorePoint.token).map((rp) => {
            const cluster = ofType(a.resources, T.rdsCluster).find((r) => parentUrn(r) === parentUrn(rp));
            // An unknown value (a preview) is still a value the program set: shown as "[unknown]".
            const given = get(rp, "givenSnapshotArn");
            return {
                cluster: cluster ? text(get(cluster, "clusterIdentifier"), "(unknown cluster)") : "(unknown cluster)",
                from:
                    given !== undefined
                        ? `recovery point ${text(given)} (database.restoreFromArn)`
                        : `the newest available copy in ${text(get(rp, "region"))} of ${text(get(rp, "sourceClusterIdentifier"))}'s snapshots`,
            };
        });
        const tables = ofType(created, T.table)
            .filter((r) => get(r, "restoreSourceTableArn") !== undefined)
            .map((t) => {
                const src = text(get(t, "restoreSourceTableArn"));
                return {
                    table: text(get(t, "name")),
                    from: `${tableNameOfArn(src) ?? src} in ${arnRegion(src) ?? "?"}, point-in-time recovery to its latest restorable time`,
                };
            });
        if (aurora.length || tables.length) out.push({ stack: a.stack, region: a.region, aurora, tables });
    }
    return out;
}

export function overrideText(o: Override, stack?: string): string {
    const key = o.key.startsWith("securecart:") ? o.key.slice("securecart:".length) : o.key;
    const p = o.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
    return `${stack ? `${stack}/` : ""}${key}${p}=${typeof o.value === "string" ? o.value : JSON.stringify(o.value)}`;
}

function merge(
    a: Readonly<Record<string, readonly Override[]>> = {},
    b: Readonly<Record<string, readonly Override[]>> = {},
): Record<string, Override[]> {
    const out: Record<string, Override[]> = {};
    for (const [k, v] of Object.entries(a)) out[k] = [...v];
    for (const [k, v] of Object.entries(b)) out[k] = [...(out[k] ?? []), ...v];
    return out;
}

function cfg(plan: StackPlan, key: string): unknown {
    return plan.config[`securecart:${key}`];
}

/**
 * The runbook order: the stack that becomes primary goes first (it scales up and takes the writer before
 * traffic moves to it), then stacks whose role is unchanged but whose configuration changes, then the
 * stack that stops being primary (it shrinks only once the new primary serves), then untouched stacks.
 */
export function runbookOrder(before: readonly StackPlan[], after: readonly StackPlan[], diffs: readonly StackDiff[]): RunbookStep[] {
    const steps = after.map((a) => {
        const b = before.find((x) => x.stack === a.stack)!;
        const changed = (diffs.find((d) => d.stack === a.stack)?.changes.length ?? 0) > 0;
        const strategy = a.strategy;
        const unplanned = cfg(a, "failoverMode") === "unplanned";
        let rank: number;
        let reason: string;
        // Explanations follow what the planned stacks contain (decided in src/strategy.ts), not strategy names.
        const movesWriter = ofType(a.resources, DYNAMIC.globalWriter.token).length > 0;
        const records = ofType(a.resources, T.record);
        const latencyRouted = records.some((r) => routingOf(r) === "latency");
        const record = records.find((r) => get(r, "setIdentifier") !== undefined);
        const inverted = ofType(a.resources, T.healthCheck).some((r) => healthCheckOf(r).inverted);
        const dnsAfterDemotion = latencyRouted
            ? "; its latency record keeps serving"
            : inverted
              ? "; its health check is forced unhealthy (it holds the PRIMARY failover record), which is what moves traffic"
              : record
                ? "; its failover record stays as the fallback"
                : "; its record goes with its compute, so Route 53 answers with the other region";
        if (b.role !== "primary" && a.role === "primary") {
            rank = 0;
            reason = !movesWriter
                ? "becomes primary: apply FIRST. It restores its data tier from the latest recovery point and starts its compute at full capacity; its health check changes only after that."
                : `becomes primary: apply FIRST. It scales to full capacity, then its \`pulumi up\` moves the Aurora writer here (${unplanned ? "FailoverGlobalCluster with AllowDataLoss, calling only this region" : "managed switchover, RPO 0"}); its health check changes only after both.`;
        } else if (b.role === "primary" && a.role !== "primary") {
            rank = 2;
            reason = unplanned
                ? "failed primary: apply LAST, only once its region is reachable again. It stays fenced (health check forced unhealthy, standby shape, no writes) until an operator fails back on purpose."
                : `was primary: apply after the new primary is ready. It shrinks to the ${strategy} standby shape${dnsAfterDemotion}.`;
        } else if (changed) {
            rank = 1;
            reason = `role unchanged (${a.role}): configuration change only${cfg(a, "drill") === "outage" ? " (outage drill: its health check is forced unhealthy, nothing else changes)" : ""}.`;
        } else {
            rank = 3;
            reason = `role unchanged (${a.role}): nothing to apply.`;
        }
        return { rank, step: { stack: a.stack, region: a.region, roleBefore: b.role, roleAfter: a.role, reason } };
    });
    return steps.sort((x, y) => x.rank - y.rank).map((s) => s.step);
}

/** Plans both sides and diffs them. Throws ConfigError (exit 2) when either side's configuration is invalid. */
export async function rehearse(opts: RehearsalOptions): Promise<Rehearsal> {
    const base = opts.base ?? [];
    const changes = opts.changes ?? [];
    const perBase = merge(opts.perStackBase);
    const perAfter = merge(opts.perStackBase, opts.perStackChanges);
    const only = opts.stacks ?? [];
    const plan = opts.plan ?? (await import("./planner")).planStacks;
    const before = await plan({ files: opts.files, overrides: base, perStack: perBase }, only);
    // The changed side runs against what the base side deployed: its look-ups find the base's clusters, and a
    // stack read before it is applied shows its base outputs.
    const after = await plan({ files: opts.files, overrides: [...base, ...changes], perStack: perAfter, deployed: before }, only);
    const diffs = after.map((a) =>
        diffPlans(
            before.find((b) => b.stack === a.stack)!,
            a,
        ),
    );
    const order = runbookOrder(before, after, diffs);
    const stacks = order.map((s) => diffs.find((d) => d.stack === s.stack)!);
    const findings = stacks.flatMap((d) => d.findings);
    const failures = findings.filter((f) => f.level === "failure");
    return {
        base: [
            ...base.map((o) => overrideText(o)),
            ...Object.entries(opts.perStackBase ?? {}).flatMap(([s, os]) => os.map((o) => overrideText(o, s))),
        ],
        changes: [
            ...changes.map((o) => overrideText(o)),
            ...Object.entries(opts.perStackChanges ?? {}).flatMap(([s, os]) => os.map((o) => overrideText(o, s))),
        ],
        order,
        stacks,
        failures,
        warnings: findings.filter((f) => f.level === "warning"),
        restores: dataRestores(before, after),
        promotions: promotionsOf(before, after, stacks),
        urgency: urgencyMovesOf(before, after, stacks),
        verdict: failures.length ? "fail" : "pass",
    };
}

const SYMBOL: Record<ResourceChange["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const GROUPS: ReadonlyArray<[ResourceChange["op"], string]> = [
    ["create", "to create"],
    ["update", "to update"],
    ["replace", "to replace"],
    ["delete", "to delete"],
];

function renderStack(d: StackDiff, step: RunbookStep | undefined, index: number): string {
    const lines: string[] = [];
    const roles = d.before.role === d.after.role ? `role ${d.after.role}` : `role ${d.before.role} → ${d.after.role}`;
    lines.push(
        `--- ${index}. stack ${d.stack} (${d.region}): ${roles}, strategy ${d.before.strategy === d.after.strategy ? d.after.strategy : `${d.before.strategy} → ${d.after.strategy}`} ---`,
    );
    if (step) lines.push(`    ${step.reason}`);
    if (d.changes.length === 0) lines.push("    no changes");
    for (const [op, title] of GROUPS) {
        const rs = d.changes.filter((c) => c.op === op);
        if (!rs.length) continue;
        lines.push(`  ${title} (${rs.length}):`);
        for (const r of rs) {
            const tag = [r.stateful ? "STATEFUL" : "", r.unknownType ? "unknown: treated as update" : ""].filter(Boolean).join(", ");
            lines.push(`    ${SYMBOL[op].padEnd(2)} ${r.type}  ${r.name}${tag ? `  [${tag}]` : ""}`);
            if (op === "replace")
                for (const why of r.replaceReasons) lines.push(`         forced by ${why.property}: ${why.why} (source: ${why.source})`);
            if (op === "update" || op === "replace") for (const c of r.changes) lines.push(`         ${describeChange(c)}`);
            for (const m of r.masked ?? []) lines.push(`         IGNORED identity change ${m.property}: ${m.why}`);
        }
    }
    return lines.join("\n");
}

export function renderRehearsal(r: Rehearsal): string {
    const out: string[] = [];
    out.push("=== Drill rehearsal (offline, Pulumi mock runtime: no AWS call is made) ===");
    out.push(`base:    ${r.base.length ? r.base.join("  ") : "(the stack files as they are)"}`);
    out.push(`changes: ${r.changes.length ? r.changes.join("  ") : "(none)"}`);
    out.push("", "Runbook order (apply the stacks in this order):");
    r.order.forEach((s, i) =>
        out.push(
            `  ${i + 1}. ${s.stack} (${s.region}): ${s.roleBefore === s.roleAfter ? s.roleAfter : `${s.roleBefore} → ${s.roleAfter}`}. ${s.reason}`,
        ),
    );
    r.stacks.forEach((d, i) =>
        out.push(
            "",
            renderStack(
                d,
                r.order.find((s) => s.stack === d.stack),
                i + 1,
            ),
        ),
    );
    out.push("");
    if (r.restores.length) {
        out.push("Data this change restores (data it brings home on a failback):");
        for (const d of r.restores) {
            for (const c of d.aurora) out.push(`  ${d.stack} (${d.region}): Aurora ${c.cluster} ← ${c.from}`);
            for (const t of d.tables) out.push(`  ${d.stack} (${d.region}): DynamoDB ${t.table} ← ${t.from}`);
        }
        out.push("");
    }
    if (r.promotions.length) {
        out.push("Promotions this change makes (inside each stack's `pulumi up`, in runbook order):");
        for (const p of r.promotions) {
            out.push(`  ${p.stack} (${p.region}):`);
            for (const m of p.steps) out.push(`    ${SYMBOL[m.op].padEnd(2)} ${m.what}  [${m.resource}]`);
            if (p.dropped.length) out.push(`    -  ${p.dropped.map((m) => m.resource).join(", ")}: ${DROPPED_MOVE_NOTE}`);
        }
        out.push("");
    }
    if (r.urgency.length) {
        out.push(`Alarm urgency this change moves (${URGENCY_NOTE}):`);
        for (const u of r.urgency) {
            out.push(`  ${u.stack} (${u.region}):`);
            // One line per move (page first), so what starts or stops paging reads at a glance.
            const groups = new Map<string, string[]>();
            for (const m of [...u.moves].sort((x, y) => URGENCY_ORDER.indexOf(x.to) - URGENCY_ORDER.indexOf(y.to))) {
                const key = `${urgencyText(m.from)} → ${urgencyText(m.to)}`;
                groups.set(key, [...(groups.get(key) ?? []), `${m.alarm}${m.kind === "composite" ? " [composite]" : ""}`]);
            }
            for (const [key, alarms] of groups) out.push(`    ${key} (${alarms.length}): ${alarms.join(", ")}`);
        }
        out.push("");
    }
    for (const w of r.warnings) out.push(`WARNING [${w.stack}]: ${w.message}`);
    if (r.verdict === "pass") {
        out.push(`Verdict: PASS. No stateful resource is replaced or deleted${r.warnings.length ? ` (${r.warnings.length} warning(s) above)` : ""}.`);
    } else {
        for (const f of r.failures) out.push(`FAIL [${f.stack}]: ${f.message}`);
        out.push(
            `Verdict: FAIL. ${r.failures.length} problem(s) with stateful resources (replaced, deleted, or identity changed); this drill must not be applied as is.`,
        );
    }
    return out.join("\n");
}

/** Where the urgencies are read from, said once (the text and the JSON). */
export const URGENCY_NOTE = `each alarm's ${URGENCY_TAG} tag, else its actions and the alarm topic they name; (none): the alarm does not exist on that side`;

const urgencyText = (u: UrgencySide) => (u === null ? "(none)" : u);
const URGENCY_ORDER: readonly UrgencySide[] = ["page", "notify", "quiet", null, "unknown"];

/** The `--json` contract: the rehearsal as data. */
export function rehearsalJson(r: Rehearsal): Record<string, unknown> {
    return {
        offline: true,
        base: r.base,
        changes: r.changes,
        order: r.order,
        stacks: r.stacks.map((d) => ({
            stack: d.stack,
            region: d.region,
            before: d.before,
            after: d.after,
            ...Object.fromEntries(
                GROUPS.map(([op]) => [
                    op,
                    d.changes
                        .filter((c) => c.op === op)
                        .map((c) => ({
                            urn: c.urn,
                            type: c.type,
                            name: c.name,
                            stateful: c.stateful,
                            ...(op === "update" || op === "replace"
                                ? { changes: c.changes.map((p) => ({ path: p.path, before: p.before, after: p.after })) }
                                : {}),
                            ...(op === "replace" ? { forcedBy: c.replaceReasons } : {}),
                            ...(c.unknownType ? { note: "unknown: treated as update" } : {}),
                            ...(c.masked ? { ignoredIdentityChanges: c.masked } : {}),
                        })),
                ]),
            ),
        })),
        failures: r.failures,
        warnings: r.warnings,
        restores: r.restores,
        promotions: r.promotions.map((p) => ({ ...p, dropped: p.dropped.map((m) => ({ ...m, note: DROPPED_MOVE_NOTE })) })),
        urgency: { note: URGENCY_NOTE, stacks: r.urgency },
        verdict: r.verdict,
    };
}

/**
 * Pulls `-c STACK/key=value` and `--base STACK/key=value` (STACK a known stack) out of argv; the rest
 * goes to the shared parser. (The drill CLI now parses both with `parseArgs`, as the plan CLI does.)
 */
export function splitStackScoped(
    argv: readonly string[],
    stacks: readonly string[],
): { rest: string[]; base: Record<string, Override[]>; changes: Record<string, Override[]> } {
    const rest: string[] = [];
    const base: Record<string, Override[]> = {};
    const changes: Record<string, Override[]> = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const flag = eq > 0 ? a.slice(0, eq) : a;
        if (flag !== "-c" && flag !== "--config" && flag !== "--base") {
            rest.push(a);
            continue;
        }
        const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
        const s = value === undefined ? undefined : stackScoped(value);
        if (!s || !stacks.includes(s.stack)) {
            rest.push(a);
            continue;
        }
        if (eq <= 0) i++;
        const target = flag === "--base" ? base : changes;
        (target[s.stack] ??= []).push(parseOverride(s.text));
    }
    return { rest, base, changes };
}

/**
 * Overrides for every stack apart from `STACK/key=value` ones, by stack: the rehearsal keeps them apart to show
 * them so (RehearsalOptions' base/changes and perStackBase/perStackChanges).
 */
export function splitByStack(os: readonly Override[]): { global: Override[]; perStack: Record<string, Override[]> } {
    const perStack: Record<string, Override[]> = {};
    for (const o of os) if (o.stack !== undefined) (perStack[o.stack] ??= []).push(o);
    return { global: os.filter((o) => o.stack === undefined), perStack };
}

/** `npm run drill -- --help`. */
export const DRILL_USAGE = [
    "npm run drill -- (--stack NAME | --all-stacks) [-c key=value]... [-c STACK/key=value]... [--base key=value]... [--json]",
    "",
    "Plans the stacks as configured (plus --base) and with the drill's changes (-c), offline, and prints what `pulumi up`",
    "would create, update, replace and delete, stack by stack in runbook order. Any replacement or deletion of a stateful",
    "resource (data, keys, logs, asset buckets and their replication, the distribution, the web ACL, the cache, the file",
    "systems) fails the verdict. It also names the promotions each stack's `pulumi up` makes (writer, cache, files) and the",
    "alarms whose urgency (page, notify, quiet) the change moves; an alarm, dashboard, topic or health check replaced",
    "instead of updated in place is a warning.",
    "",
    "  planned switchover      npm run drill -- --all-stacks -c primaryRegion=us-west-2",
    "  failback                npm run drill -- --all-stacks --base primaryRegion=us-west-2 -c primaryRegion=us-east-1",
    "  unplanned failover      npm run drill -- --all-stacks -c primaryRegion=us-west-2 -c failoverMode=unplanned",
    "  outage drill (one stack) npm run drill -- --all-stacks -c prod/drill=outage",
    "",
    "Exit codes: 0 pass, 1 verdict failed, 2 bad arguments or configuration.",
].join("\n");

/** What `npm run drill` accepts. */
export const DRILL_ARGS: CliSpec = { flags: ["--json", "--all-stacks"], base: true };

/**
 * The `npm run drill` command on an argument list. Resolves to the exit code (0 pass, 1 verdict failed);
 * throws what runCli maps to exit 2 (UsageError, ConfigError) for bad arguments or configuration.
 */
export async function runDrill(
    argv: readonly string[],
    write: (text: string) => void = (t) => {
        process.stdout.write(t);
    },
): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        write(`${DRILL_USAGE}\n`);
        return 0;
    }
    const args = parseArgs(argv, DRILL_ARGS);
    const files = loadProjectFiles(PROJECT_DIR);
    const stackNames = Object.keys(files.stacks);
    const all = args.flags.has("--all-stacks");
    if (all && args.stacks.length) throw new UsageError("give either --stack NAME or --all-stacks, not both");
    if (!all && args.stacks.length === 0) throw new UsageError(`give --stack NAME (one of ${stackNames.join(", ")}) or --all-stacks`);
    const { global: base, perStack: perStackBase } = splitByStack(args.base);
    const { global: changes, perStack: perStackChanges } = splitByStack(args.overrides);
    // Both sides' configuration is validated before anything is planned (exit 2 on a mistake, no stack
    // trace), and every problem of either side is reported in one message.
    const only = all ? undefined : args.stacks;
    const problems: string[] = [];
    for (const side of [
        () => loadFromFiles(files, base, only, perStackBase),
        () => loadFromFiles(files, [...base, ...changes], only, merge(perStackBase, perStackChanges)),
    ]) {
        try {
            side();
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            for (const p of e.problems) if (!problems.includes(p)) problems.push(p);
        }
    }
    if (problems.length) throw new ConfigError(problems);
    const r = await rehearse({ files, base, changes, perStackBase, perStackChanges, stacks: all ? [] : args.stacks });
    write(args.flags.has("--json") ? `${JSON.stringify(rehearsalJson(r), null, 2)}\n` : `${renderRehearsal(r)}\n`);
    return r.verdict === "pass" ? 0 : 1;
}

if (require.main === module) runCli(() => runDrill(process.argv.slice(2)));
