/**
 * The DR report of the offline plan: estimates per stack (RTO timelines, RPO by store, monthly cost with
 * every line item), the check against `rtoTarget`/`rpoTarget`, the four-strategy comparison table, and the
 * constants and prices every figure follows from. Rendering only; the figures come from src/estimates.
 */
import { parseDuration, formatDuration } from "../src/duration";
import {
    CONSTANTS,
    CONSTANT_NAMES,
    CacheFilesRecovery,
    CacheFilesStep,
    CacheFilesStore,
    ProjectEstimate,
    StackEstimate,
    StackInput,
    Step,
    Timeline,
    caveatLabels,
    estimateProject,
} from "../src/estimates";
import { PRICES } from "../src/prices";
import type { StackPlan } from "./planner";
import { planIdentity } from "../src/strategy";
import type { Strategy } from "../src/config";

/**
 * Turns planned stacks into the estimator's inputs: resources, role, constant overrides and targets from config.
 * The resources carry their URNs and property dependencies, so in a preview the estimator links a reference
 * whose value is "[unknown]" (a task definition's ARN, a launch template's id, a cluster's id, a backup plan's
 * id, the ARNs a backup selection names) to the resource it comes from, rather than missing it.
 */
export function estimateInputs(plans: readonly StackPlan[]): StackInput[] {
    return plans.map((p) => {
        const cfg = p.config;
        const dur = (k: string) => (typeof cfg[k] === "string" ? parseDuration(cfg[k] as string) : undefined);
        const identity = (cfg["securecart:identity"] ?? {}) as { monthlyActiveUsers?: number };
        const api = (cfg["securecart:api"] ?? {}) as { monthlyRequests?: number };
        const regions = cfg["securecart:regions"];
        // The user exports are the strategy plan's (the home stack, the first region, owns the pool), not a resource yet.
        const plan = Array.isArray(regions) ? planIdentity(p.strategy as Strategy, p.role === "primary", p.region === regions[0]) : undefined;
        return {
            stack: p.stack,
            region: p.region,
            role: p.role === "primary" ? "primary" : "standby",
            resources: p.resources,
            constantOverrides: (cfg["securecart:estimates"] ?? {}) as Record<string, number>,
            targets: { rtoTargetSeconds: dur("securecart:rtoTarget"), rpoTargetSeconds: dur("securecart:rpoTarget") },
            identityApi: {
                monthlyActiveUsers: identity.monthlyActiveUsers,
                apiMonthlyRequests: api.monthlyRequests,
                ...(plan ? { exportUsers: plan.exportUsers, receivesExports: plan.receivesExports } : {}),
            },
        };
    });
}

export function estimatePlans(plans: readonly StackPlan[]): ProjectEstimate {
    return estimateProject(estimateInputs(plans));
}

/** The `"estimates"` block of a stack's JSON. */
export function estimatesJson(e: StackEstimate, project: ProjectEstimate): Record<string, unknown> {
    return {
        rpoSeconds: e.rpoSeconds,
        rtoSeconds: e.rtoSeconds,
        monthlyCostUsd: e.monthlyCostUsd,
        breakdown: e.breakdown,
        pair: e.pair ? { primary: e.pair.primary, standby: e.pair.standby } : null,
        timeline: e.pair ? { planned: e.pair.rto.planned, unplanned: e.pair.rto.unplanned } : null,
        rpoByStore: e.pair?.rpo.stores ?? [],
        // Apart from rtoSeconds and rpoSeconds: the static behaviour's origin failover and the asset RPO.
        edge: e.pair?.edge ?? null,
        // Apart from rtoSeconds and rpoSeconds too: the order pipeline's figures for orders in flight.
        pipeline: e.pair?.pipeline ?? null,
        // Apart from them too: the identity RPO, sign-in's failover and the API's.
        identityApi: e.pair?.identityApi ?? null,
        // Apart from them too: the cache's and the shared files' RPO and the step that brings each into service.
        cacheFiles: e.pair?.cacheFiles ?? null,
        targets: e.targets,
        unpriced: e.cost.unpriced,
        // Apart from the monthly figure: each fault-injection template's cost per run.
        operations: e.cost.operations ?? null,
        priceSheet: project.priceSheet,
    };
}

/** A duration as the reports print it: "unknown" where it cannot be estimated. */
export const secs = (n: number | null | undefined) => (n === null || n === undefined ? "unknown" : formatDuration(n));
const usd = (n: number) => `$${n.toFixed(2)}`;

function renderStep(s: Step, dominant: boolean): string[] {
    const head = `${s.name.padEnd(15)} ${secs(s.seconds).padStart(8)}`;
    if (s.seconds === null) return [`${head}  ${s.unknown}`];
    const parts = s.parts.map((p) => `${p.label} (${formatDuration(p.seconds)})`).join(" → ");
    const lines = [`${head}  ${parts || "nothing to do"}${dominant ? "   ← dominates" : ""}`];
    for (const c of s.caveats ?? []) lines.push(`${" ".repeat(26)}· caveat, not in the figure: ${c}`);
    for (const p of s.parts) lines.push(`${" ".repeat(26)}· ${p.restsOn}`);
    for (const n of s.notes) lines.push(`${" ".repeat(26)}· ${n}`);
    return lines;
}

function renderTimeline(tl: Timeline, title: string): string[] {
    // Unpublished time on top of the figure stands next to it, by its label (the step says why).
    const labels = caveatLabels(tl);
    const plus = tl.seconds !== null && labels ? ` ${labels}` : "";
    const out = [`  ${title}: ${secs(tl.seconds)}${plus}`];
    tl.phases.forEach((phase, i) => {
        if (i > 0) out.push("    then, overlapping (the longest counts):");
        for (const s of phase) out.push(...renderStep(s, tl.dominant?.step === s.name).map((l) => `    ${i > 0 ? "  " : ""}${l}`));
    });
    return out;
}

/** The text block printed after a stack's resource summary. */
export function renderEstimates(e: StackEstimate, project: ProjectEstimate): string {
    const out: string[] = [];
    const pair = e.pair;
    out.push(`DR estimates for stack ${e.stack} (${e.role})${pair ? `: recovering ${pair.primary} into ${pair.standby}` : ""}`);
    if (!pair) out.push("  no stack pair: the project has no primary and standby to estimate a recovery for");
    else {
        out.push(...renderTimeline(pair.rto.unplanned, "RTO, unplanned failover"));
        out.push(...renderTimeline(pair.rto.planned, "RTO, planned switchover"));
        out.push(
            `  RPO: ${secs(pair.rpo.unplannedSeconds)} unplanned, ${secs(pair.rpo.plannedSeconds)} planned${pair.rpo.dominant ? ` (worst store: ${pair.rpo.dominant})` : ""}`,
        );
        for (const s of pair.rpo.stores) {
            out.push(`    ${s.store.padEnd(28)} ${secs(s.unplannedSeconds).padStart(8)}  ${s.mode}`);
            for (const r of s.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
        }
        if (pair.rpo.stores.length === 0) out.push(`    ${pair.rpo.restsOn.join("; ")}`);
        const apart = [pair.cacheFiles?.cache?.rpo, pair.cacheFiles?.files?.rpo].filter((x): x is CacheFilesStore => x !== undefined);
        if (apart.length)
            out.push(`    not in this figure: ${apart.map((x) => `${x.store} (${rpoCell(x)})`).join(", ")}, under "Cache and shared files" below`);
        if (pair.edge) {
            const { originFailover: fo, assetRpo: a } = pair.edge;
            out.push("  Static assets (the edge; not in the RTO and RPO above: dynamic requests fail over by DNS):");
            out.push(`    ${"origin failover".padEnd(28)} ${secs(fo.seconds).padStart(8)}  per request, while the primary's bucket does not answer`);
            for (const r of fo.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
            const pct = a.percentOfObjects !== undefined && a.unplannedSeconds !== null ? ` for ${a.percentOfObjects} % of objects` : "";
            out.push(
                `    ${"asset RPO".padEnd(28)} ${secs(a.unplannedSeconds).padStart(8)}  ${a.mode}${pct}; planned ${secs(a.plannedSeconds)}${a.mode === "none" ? " (not covered)" : ""}`,
            );
            for (const r of a.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
        }
    }
    if (pair?.pipeline) {
        const pl = pair.pipeline;
        out.push("  Order pipeline (orders in flight; not in the RTO and RPO above: users are served once DNS, data and capacity are ready):");
        const figure = (name: string, f: { seconds: number | null; restsOn: readonly string[] }, what: string) => {
            out.push(`    ${name.padEnd(28)} ${secs(f.seconds).padStart(8)}  ${what}`);
            for (const r of f.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
        };
        figure("consumers on", pl.consumersOn, "until the standby consumes its order queue");
        if (pl.eventFailover) figure("order events fail over", pl.eventFailover, "until events put through the global endpoint reach a live bus");
        else
            out.push(
                `    ${"order events fail over".padEnd(28)} ${"-".padStart(8)}  no global endpoint planned: each region puts events on its own bus`,
            );
        figure("stranded order resumed", pl.strandedOrderResumed, "at most, after acceptance, by the standby's reconciler");
        figure("accepted orders RPO", pl.acceptedOrders, "the orders table's (global table or backup copy)");
        out.push(`    ${"queued messages".padEnd(28)} ${pl.queuedMessages.mode.padStart(8)}  not a number of seconds: held in the lost region`);
        for (const r of pl.queuedMessages.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
    }
    if (pair?.identityApi) {
        const ia = pair.identityApi;
        out.push("  Sign-in and the API (not in the RTO and RPO above, which stay the storefront's and the data stores'):");
        const figure = (name: string, f: { seconds: number | null; restsOn: readonly string[] }, what: string) => {
            out.push(`    ${name.padEnd(28)} ${secs(f.seconds).padStart(8)}  ${what}`);
            for (const r of f.restsOn) out.push(`${" ".repeat(44)}· ${r}`);
        };
        if (ia.identityRpo) figure("identity RPO", ia.identityRpo, `${ia.identityRpo.mode}: what the standby's user directory may lack`);
        if (ia.signIn) figure("sign-in fails over", ia.signIn, "until users sign in through the standby");
        if (ia.apiFailover) figure("API fails over", ia.apiFailover, "until the API's domain answers from the standby");
    }
    if (pair?.cacheFiles) out.push(...renderCacheFiles(pair.cacheFiles));
    for (const t of e.targets) out.push(`  ${t.ok ? "OK  " : "FAIL"} ${t.target}: ${t.message}`);
    // The total sums priced lines only: say so when something is left out (e.g. a size not visible), so the
    // figure is never read as the whole cost.
    const leftOut = e.cost.unpriced.length ? ` (leaves out ${e.cost.unpriced.length} item(s) not priced, listed below)` : "";
    out.push(
        `  Monthly cost of stack ${e.stack} (${e.region}): ${usd(e.monthlyCostUsd)}${leftOut}  — ESTIMATE, price sheet of ${project.priceSheet.date}`,
    );
    const w = Math.max(...e.breakdown.map((l) => l.item.length), 10);
    for (const l of e.breakdown) {
        const price = l.unitPriceUsd === null ? "no price" : `× $${l.unitPriceUsd}`;
        out.push(
            `    ${l.item.padEnd(w)} ${String(l.quantity).padStart(10)} ${l.unit.padEnd(18)} ${price.padEnd(12)} ${(l.monthlyUsd === null ? "-" : usd(l.monthlyUsd)).padStart(10)}   ${l.basis}`,
        );
    }
    const runs = e.cost.operations?.experimentRuns ?? [];
    if (runs.length) {
        out.push("    fault-injection experiments, per run (not in the monthly figure unless fisExperimentRunsPerMonth is set):");
        for (const r of runs)
            out.push(
                `      ${r.template.padEnd(w - 2)} ${String(r.actionMinutes).padStart(10)} action-minutes ${r.perRunUsd === null ? "no price".padStart(14) : usd(r.perRunUsd).padStart(14)} per run   ${r.basis}`,
            );
    }
    for (const u of e.cost.unpriced) out.push(`    not priced: ${u}`);
    for (const t of e.cost.unknownTypes) out.push(`    not classified as billable or free: ${t}`);
    return out.join("\n");
}

/** A store's unplanned RPO as a cell: its seconds, or "rebuilt" for a cache whose content is rebuilt from the database. */
function rpoCell(x: CacheFilesStore): string {
    return x.mode === "rebuilt" ? "rebuilt" : secs(x.unplannedSeconds);
}

function renderCacheStep(name: string, st: CacheFilesStep): string[] {
    const parts = st.parts.map((p) => `${p.label} (${secs(p.seconds)})`).join(" → ");
    return [
        `    ${name.padEnd(28)} ${secs(st.seconds).padStart(8)}  ${st.name}: ${parts || "nothing to do"}`,
        ...st.parts.map((p) => `${" ".repeat(44)}· ${p.restsOn}`),
        ...st.notes.map((n) => `${" ".repeat(44)}· ${n}`),
    ];
}

/** The cache's and the shared files' block: each one's RPO as a data store, then its step, unplanned and planned. */
function renderCacheFiles(cf: CacheFilesRecovery): string[] {
    const out = [
        "  Cache and shared files (not in the RTO and RPO above: the cache holds nothing of record and serves while it is resized; the file system's failover and restore have no published duration, and its replication RPO is not a bound):",
    ];
    for (const [what, tier] of [
        ["cache", cf.cache],
        ["shared files", cf.files],
    ] as const) {
        if (!tier) continue;
        const r = tier.rpo;
        const planned = r.mode === "rebuilt" ? "rebuilt" : secs(r.plannedSeconds);
        out.push(`    ${`${what} RPO`.padEnd(28)} ${rpoCell(r).padStart(8)}  ${r.store}: ${r.mode}; planned ${planned}`);
        for (const x of r.restsOn) out.push(`${" ".repeat(44)}· ${x}`);
        out.push(...renderCacheStep(`${what} RTO, unplanned`, tier.rto.unplanned));
        if (JSON.stringify(tier.rto.planned) === JSON.stringify(tier.rto.unplanned))
            out.push(`    ${`${what} RTO, planned`.padEnd(28)} ${secs(tier.rto.planned.seconds).padStart(8)}  the same step`);
        else out.push(...renderCacheStep(`${what} RTO, planned`, tier.rto.planned));
    }
    return out;
}

/** The constants and the price sheet every figure follows from. */
export function renderBasis(project: ProjectEstimate, overrides: Readonly<Record<string, number>> = {}): string {
    const out: string[] = ["Estimate constants (override with -c estimates.<name>=<number> or securecart:estimates in a stack file):"];
    const w = Math.max(...CONSTANT_NAMES.map((n) => n.length));
    for (const n of CONSTANT_NAMES) {
        const spec = CONSTANTS[n];
        const v = overrides[n] ?? spec.value;
        out.push(`  ${n.padEnd(w)} ${String(v).padStart(6)} ${spec.unit.padEnd(16)} ${n in overrides ? "(overridden) " : ""}${spec.source}`);
    }
    out.push("");
    out.push(`Price sheet (src/prices/prices.json), dated ${project.priceSheet.date}: ${project.priceSheet.label}`);
    out.push(`  source: ${project.priceSheet.source}`);
    const notes = Object.entries(PRICES.notes ?? {});
    if (notes.length) {
        out.push("  notes (page and date of each figure the source does not cover; NOT CONFIRMED = not from AWS's own page):");
        for (const [k, n] of notes) out.push(`    ${k}: ${n}`);
    }
    const regions = Object.keys(PRICES.regions);
    const rows: string[][] = [];
    const first = PRICES.regions[regions[0]];
    for (const key of Object.keys(first) as (keyof typeof first)[]) {
        const cell = (r: string) => PRICES.regions[r][key];
        if (typeof first[key] === "number") rows.push([key, PRICES.units[key] ?? "", ...regions.map((r) => `$${cell(r) as number}`)]);
        else
            for (const sub of Object.keys(first[key] as Record<string, number>))
                rows.push([
                    `${key}[${sub}]`,
                    PRICES.units[key] ?? "",
                    ...regions.map((r) => {
                        const v = (cell(r) as Record<string, number>)[sub];
                        return v === undefined ? "-" : `$${v}`;
                    }),
                ]);
    }
    const w0 = Math.max(...rows.map((r) => r[0].length));
    out.push(`  ${"price".padEnd(w0)} ${regions.map((r) => r.padStart(10)).join(" ")}  unit`);
    for (const r of rows)
        out.push(
            `  ${r[0].padEnd(w0)} ${r
                .slice(2)
                .map((c) => c.padStart(10))
                .join(" ")}  ${r[1]}`,
        );
    return out.join("\n");
}

export interface CompareRow {
    readonly strategy: string;
    readonly plannedRto: number | null;
    readonly unplannedRto: number | null;
    readonly rpo: number | null;
    readonly standbyMonthlyUsd: number;
    readonly primaryMonthlyUsd: number;
    readonly standbyShare: number;
    readonly resources: number;
    readonly standbyResources: number;
    /** The cache's and the shared files' figures (apart from the RTO and RPO above), when the pair has them. */
    readonly cacheFiles?: CacheFilesRecovery;
}

export function compareRow(strategy: string, project: ProjectEstimate): CompareRow {
    const primary = project.stacks.find((s) => s.role === "primary");
    const standbys = project.stacks.filter((s) => s.role === "standby");
    const pair = primary?.pair;
    const standbyCost = standbys.reduce((a, s) => a + s.monthlyCostUsd, 0);
    const primaryCost = primary?.monthlyCostUsd ?? 0;
    return {
        strategy,
        plannedRto: pair?.rto.planned.seconds ?? null,
        unplannedRto: pair?.rto.unplanned.seconds ?? null,
        rpo: pair?.rpo.unplannedSeconds ?? null,
        standbyMonthlyUsd: Math.round(standbyCost * 100) / 100,
        primaryMonthlyUsd: primaryCost,
        standbyShare: primaryCost > 0 ? standbyCost / primaryCost : 0,
        resources: project.stacks.reduce((a, s) => a + s.resourceCount, 0),
        standbyResources: standbys.reduce((a, s) => a + s.resourceCount, 0),
        ...(pair?.cacheFiles ? { cacheFiles: pair.cacheFiles } : {}),
    };
}

/** A Markdown table: the first column left-aligned, the others right-aligned. */
function table(head: readonly string[], body: readonly string[][]): string {
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
    return [line(head), `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...body.map(line)].join(
        "\n",
    );
}

export function renderCompare(rows: readonly CompareRow[]): string {
    const head = ["strategy", "planned RTO", "unplanned RTO", "RPO", "standby $/month", "standby % of primary", "resources (standby / all)"];
    const body = rows.map((r) => [
        r.strategy,
        secs(r.plannedRto),
        secs(r.unplannedRto),
        secs(r.rpo),
        usd(r.standbyMonthlyUsd),
        `${(r.standbyShare * 100).toFixed(1)}%`,
        `${r.standbyResources} / ${r.resources}`,
    ]);
    const main = table(head, body);
    if (!rows.some((r) => r.cacheFiles)) return main;
    // What each tier's step is, in a word, so an "unknown" says which step it is.
    const cacheStep = (cf: CacheFilesRecovery) =>
        cf.cache?.standby?.cold ? "resize, warm-up" : cf.cache?.rpo.mode === "replication" ? "promotion" : "warm-up";
    const filesStep = (cf: CacheFilesRecovery) => (cf.files?.rpo.mode === "replication" ? "replication deleted" : "restore");
    const tiers = rows.map((r) => {
        const cf = r.cacheFiles;
        const nodes = cf?.cache?.standby;
        return [
            r.strategy,
            cf?.cache ? rpoCell(cf.cache.rpo) : "-",
            cf?.cache ? `${secs(cf.cache.rto.unplanned.seconds)} (${cacheStep(cf)})` : "-",
            cf?.files ? rpoCell(cf.files.rpo) : "-",
            cf?.files ? `${secs(cf.files.rto.unplanned.seconds)} (${filesStep(cf)})` : "-",
            nodes ? `${nodes.nodes ?? "?"} × ${nodes.nodeType ?? "(unknown type)"}${nodes.cold ? " (cold)" : ""}` : "-",
        ];
    });
    const second = table(
        ["strategy", "cache RPO", "cache RTO (unplanned)", "shared files RPO", "shared files RTO (unplanned)", "standby cache nodes"],
        tiers,
    );
    return `${main}\n\nThe cache and the shared files, apart from the figures above (rebuilt: nothing of record is lost, the cache refills from the database; \`npm run plan -- -c strategy=<name>\` says what each figure rests on and why one is unknown):\n\n${second}`;
}

export { PRICES };
