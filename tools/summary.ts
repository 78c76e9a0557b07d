/**
 * The answer first: one screen per stack pair (each stack's role and resources, RTO and RPO against their
 * targets, the standby's monthly cost and its share of the primary's, the policy verdict), then where the
 * diagrams and the page were written. Every figure is read from the run (tools/plan.ts PlanRun), the same
 * objects the JSON and the page are made from; `--explain` prints what each rests on.
 */
import * as path from "path";
import { formatDuration } from "../src/duration";
import type { PairEstimate, ProjectEstimate, StackEstimate, TargetCheck } from "../src/estimates";
import { caveatLabels } from "../src/estimates";
import { PROJECT_DIR } from "./paths";
import type { PlanRun } from "./plan";
import { ENFORCEMENT_ORDER, type StackPolicyReport, policyVerdict, urnLabel } from "./policyReport";
import { secs } from "./estimateReport";
import type { EnforcementLevel } from "./policyRunner";

/** How many violated policies the summary names before it counts the rest (one line each). */
const NAMED_POLICIES = 6;

export interface SummaryOptions {
    /** The page this run wrote (absolute path); absent when the run wrote none (`npm run plan`). */
    readonly page?: string;
    /** `--explain` follows the summary: say what comes below instead of how to get it. */
    readonly explain?: boolean;
}

/** `$1,234.56`: cost figures are read by people deciding on a budget, so they carry thousands separators. */
export function usd(n: number): string {
    return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A share as printed: percent, one decimal. */
export function percent(share: number): string {
    return `${(share * 100).toFixed(1)} %`;
}

/** The standby's monthly cost as a share of the primary's, as printed. */
export function sharePercent(standbyUsd: number, primaryUsd: number): string {
    return primaryUsd > 0 ? percent(standbyUsd / primaryUsd) : "n/a (the primary costs nothing)";
}

/** A target's verdicts in words, never a colour: "rtoTarget 15m: MET" / "rtoTarget 5m: MISSED (…)" / "no target set (rtoTarget)". */
export function targetText(checks: readonly TargetCheck[], key: "rtoTarget" | "rpoTarget"): string {
    const mine = checks.filter((c) => c.target === key);
    if (!mine.length) return `no target set (${key})`;
    return mine
        .map((c) =>
            c.ok
                ? `${key} ${formatDuration(c.targetSeconds)}: MET`
                : `${key} ${formatDuration(c.targetSeconds)}: MISSED (${c.estimateSeconds === null ? "cannot be estimated" : `estimate ${formatDuration(c.estimateSeconds)}`})`,
        )
        .join("; ");
}

/**
 * A pair's target checks: each of its two stacks checks the pair against its own `rtoTarget`/`rpoTarget` (per-stack
 * values may differ), and the run fails on any of them; the same check made by both is kept once.
 */
export function pairTargetChecks(estimates: ProjectEstimate, pair: PairEstimate): TargetCheck[] {
    const own = estimates.stacks.filter((s) => (s.stack === pair.primary || s.stack === pair.standby) && s.pair === pair);
    const seen = new Set<string>();
    const out: TargetCheck[] = [];
    for (const c of own.flatMap((s) => s.targets)) {
        const key = `${c.target} ${c.targetSeconds}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(c);
    }
    return out;
}

function pairLines(pair: PairEstimate, run: PlanRun): string[] {
    const est = (s: string) => run.estimates.stacks.find((e) => e.stack === s);
    const planOf = (s: string) => run.all.find((p) => p.stack === s);
    const primary = est(pair.primary);
    const standby = est(pair.standby);
    const strategy = planOf(pair.standby)?.strategy ?? "";
    const out = [`Stack pair ${pair.primary} → ${pair.standby} (strategy ${strategy}: recovering ${primary?.region} into ${standby?.region})`];
    for (const s of [pair.primary, pair.standby]) {
        const p = planOf(s);
        const e = est(s);
        if (p && e)
            out.push(`  ${s.padEnd(10)} ${p.region.padEnd(16)} ${p.role.padEnd(8)} ${String(e.resourceCount).padStart(5)} resources to create`);
    }
    const checks = pairTargetChecks(run.estimates, pair);
    const dom = pair.rto.unplanned.dominant;
    const labels = caveatLabels(pair.rto.unplanned);
    const plus = labels ? ` (${labels})` : "";
    out.push(
        `  RTO        unplanned failover ${secs(pair.rto.unplanned.seconds)}${plus}, planned switchover ${secs(pair.rto.planned.seconds)} · ${targetText(checks, "rtoTarget")}`,
    );
    if (dom) out.push(`             dominated by ${dom.step} (${formatDuration(dom.seconds)}: ${dom.detail})`);
    out.push(
        `  RPO        unplanned ${secs(pair.rpo.unplannedSeconds)}${pair.rpo.dominant ? ` (worst store: ${pair.rpo.dominant})` : ""}, planned ${secs(pair.rpo.plannedSeconds)} · ${targetText(checks, "rpoTarget")}`,
    );
    if (primary && standby) {
        const leftOut = standby.cost.unpriced.length + primary.cost.unpriced.length;
        out.push(
            `  Cost       standby ${usd(standby.monthlyCostUsd)}/month = ${sharePercent(standby.monthlyCostUsd, primary.monthlyCostUsd)} of the primary's ${usd(primary.monthlyCostUsd)}/month${leftOut ? ` (${leftOut} item(s) not priced)` : ""} · ESTIMATE, price sheet of ${run.estimates.priceSheet.date}`,
        );
    }
    return out;
}

function policyLines(reports: readonly StackPolicyReport[]): string[] {
    if (reports.length === 0) return [];
    const out = [
        `Policies   ${reports[0].pack}: ${reports
            .map((r) => {
                const v = policyVerdict(r);
                return `${r.stack} ${v.verdict} (${v.counts})`;
            })
            .join(" · ")}`,
    ];
    // One line per violated policy (the strictest level first): how many on each stack, and the first one's resource.
    const groups = new Map<
        string,
        { level: EnforcementLevel; policy: string; perStack: Map<string, number>; first: { urn: string; message: string } }
    >();
    for (const r of reports)
        for (const v of r.violations) {
            if (v.enforcementLevel === "disabled") continue;
            const key = `${v.enforcementLevel}\0${v.policy}`;
            const g = groups.get(key) ?? { level: v.enforcementLevel, policy: v.policy, perStack: new Map(), first: v };
            g.perStack.set(r.stack, (g.perStack.get(r.stack) ?? 0) + 1);
            groups.set(key, g);
        }
    const sorted = [...groups.values()].sort(
        (a, b) => ENFORCEMENT_ORDER.indexOf(a.level) - ENFORCEMENT_ORDER.indexOf(b.level) || a.policy.localeCompare(b.policy),
    );
    for (const g of sorted.slice(0, NAMED_POLICIES)) {
        const counts = [...g.perStack].map(([stack, n]) => `${n} on ${stack}`).join(", ");
        out.push(`  ${g.level.toUpperCase().padEnd(10)} ${g.policy}: ${counts} (first: ${urnLabel(g.first.urn)})`);
    }
    if (sorted.length > NAMED_POLICIES)
        out.push(`  … and ${sorted.length - NAMED_POLICIES} more violated policies (--explain lists every violation in full)`);
    return out;
}

/** The one-screen summary of a plan run: a block per stack pair the printed stacks belong to, then the verdicts and where things went. */
export function renderPlanSummary(run: PlanRun, opts: SummaryOptions = {}): string {
    const printed = new Set(run.plans.map((p) => p.stack));
    const pairs = run.estimates.pairs.filter((p) => printed.has(p.primary) || printed.has(p.standby));
    const lines: string[] = [
        `SecureCart offline plan${run.preview ? " (PREVIEW: a first `pulumi preview`, computed values unknown)" : ""}: every figure is an ESTIMATE from planned settings; nothing was deployed.`,
        "",
    ];
    for (const pair of pairs) lines.push(...pairLines(pair, run), "");
    // Stacks in no pair (a project with no primary, or no standby) still get their line.
    const alone = run.plans.filter((p) => !pairs.some((x) => x.primary === p.stack || x.standby === p.stack));
    for (const p of alone) {
        const e: StackEstimate | undefined = run.estimates.stacks.find((x) => x.stack === p.stack);
        lines.push(
            `Stack ${p.stack} (${p.region}): role ${p.role}, strategy ${p.strategy}, ${e ? e.resourceCount : "?"} resources to create, ${e ? usd(e.monthlyCostUsd) : "?"}/month; no stack pair to estimate a recovery for`,
            "",
        );
    }
    lines.push(...policyLines(run.policyReports));
    const rel = (f: string) => path.relative(PROJECT_DIR, f);
    lines.push(
        `Written    topology diagrams ${run.diagrams.map(rel).join(", ")}` +
            (opts.page
                ? `; the DR report page ${rel(opts.page)} (open it in a browser)`
                : "; the DR report page: `npm run report` writes plan-out/index.html"),
    );
    lines.push(
        opts.explain
            ? "Below: each stack's resources, both timelines step by step with the constant and source of each, every cost line, each policy violation in full, then the constants and the price sheet."
            : "More       `npm run plan -- --explain`: each stack's resources, every timeline step with its constant and source, every cost line, the constants and the price sheet; `--json`: all of it as data.",
    );
    return lines.join("\n");
}
