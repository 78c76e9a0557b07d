/**
 * The DR report as one self-contained HTML page (`npm run report` writes plan-out/index.html): what runs where,
 * how long recovery takes step by step, what data could be lost, what the standby costs, the policy and drill
 * verdicts and the targets. Pure: the run's figures in, markup out. The same objects the plan's JSON and the
 * terminal summary are made from; every figure the page shows carries `data-figure` (its name) and `data-value`
 * (the figure as the JSON has it), so a test can hold the page to the plan.
 *
 * The charts are SVG made here (tools/reportCharts.ts); the topology is Mermaid source rendered in the browser by
 * Mermaid's own bundle, inlined so the page needs no network and no server.
 */
import { formatDuration } from "../src/duration";
import type { CostLine, PairEstimate, StackEstimate, StoreRpo, TargetCheck, Timeline } from "../src/estimates";
import { caveatLabels } from "../src/estimates";
import type { CompareRow } from "./estimateReport";
import type { Rehearsal } from "./drill";
import type { StackPolicyReport } from "./policyReport";
import { ENFORCEMENT_ORDER, policyVerdict, urnLabel } from "./policyReport";
import { Bar, barsSvg, esc, timelineSvg } from "./reportCharts";
import { percent, sharePercent, usd } from "./summary";
import { secs } from "./estimateReport";

export interface ReportStack {
    readonly stack: string;
    readonly region: string;
    readonly role: string;
    readonly strategy: string;
    readonly estimate: StackEstimate;
    readonly policies: StackPolicyReport;
}

export interface ReportPair {
    readonly primary: string;
    readonly standby: string;
    readonly estimate: PairEstimate;
    /** The pair's checks against rtoTarget and rpoTarget, from both of its stacks (tools/summary.ts pairTargetChecks). */
    readonly targets: readonly TargetCheck[];
    /** The pair's topology, as Mermaid source (tools/diagram.ts mermaidFor). */
    readonly mermaid: string;
}

export type DrillName = "switchover" | "failback" | "unplanned failover";

export interface ReportDrill {
    readonly name: DrillName;
    readonly primary: string;
    readonly standby: string;
    /** The command that rehearses it (npm run drill …). */
    readonly command: string;
    readonly rehearsal?: Rehearsal;
    /** Why it could not be rehearsed (a configuration problem of one of its sides). */
    readonly error?: string;
}

export interface ReportConstant {
    readonly name: string;
    readonly unit: string;
    readonly source: string;
    /** Each stack's value (a stack's own securecart:estimates may override it), and whether it was overridden. */
    readonly values: readonly { readonly stack: string; readonly value: number; readonly overridden: boolean }[];
}

export interface ReportData {
    readonly project: string;
    readonly strategy: string;
    /** When the page was made (ISO 8601). */
    readonly generated: string;
    /** The `-c` overrides the run took, as typed (empty: the stack files as they are). */
    readonly overrides: readonly string[];
    readonly stacks: readonly ReportStack[];
    readonly pairs: readonly ReportPair[];
    readonly compare: readonly CompareRow[];
    /** The strategies this configuration is refused under (so absent from the comparison), and why. */
    readonly compareRefused: readonly { readonly strategy: string; readonly message: string }[];
    readonly drills: readonly ReportDrill[];
    readonly constants: readonly ReportConstant[];
    readonly priceSheet: { readonly label: string; readonly date: string; readonly source: string };
    /** Where the terminal and the JSON are, and the offline notice. */
    readonly offlineNotice: string;
    /** Mermaid's browser bundle (mermaid.min.js), inlined. Empty: the topology shows its source only (unit tests). */
    readonly mermaidScript: string;
}

/** A figure as the page shows it: its text, with its name and its JSON value for the browser test. */
function fig(name: string, value: number | string | null, text: string, tag = "span"): string {
    return `<${tag} data-figure="${esc(name)}" data-value="${esc(value === null ? "null" : String(value))}">${esc(text)}</${tag}>`;
}

/** A verdict in words and a symbol, with a class for colour: never colour alone. */
function verdict(v: "PASS" | "FAIL" | "WARN" | "MET" | "MISSED" | "NOT SET" | "NOT REHEARSED" | "DISABLED"): string {
    const good = v === "PASS" || v === "MET";
    const bad = v === "FAIL" || v === "MISSED" || v === "NOT REHEARSED";
    const symbol = good ? "✓" : bad ? "✗" : v === "WARN" ? "!" : "–";
    return `<span class="verdict ${good ? "good" : bad ? "bad" : "neutral"}"><span aria-hidden="true">${symbol} </span>${esc(v)}</span>`;
}

/** A table; the caption is plain text, the cells markup (each escaped where it is made). */
function table(caption: string, head: readonly string[], rows: readonly string[][], cls = ""): string {
    return [
        `<div class="table-wrap"><table${cls ? ` class="${cls}"` : ""}>`,
        `<caption>${esc(caption)}</caption>`,
        `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead>`,
        `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join("")}</tr>`).join("\n")}</tbody>`,
        "</table></div>",
    ].join("\n");
}

const pairId = (p: { primary: string; standby: string }) => `${p.primary}-${p.standby}`;

function header(d: ReportData): string {
    const pairs = d.pairs.map((p) => {
        const a = d.stacks.find((s) => s.stack === p.primary);
        const b = d.stacks.find((s) => s.stack === p.standby);
        return `${esc(p.primary)} (${esc(a?.region ?? "")}, ${esc(a?.role ?? "")}) → ${esc(p.standby)} (${esc(b?.region ?? "")}, ${esc(b?.role ?? "")})`;
    });
    return `<header class="page-header">
<p class="kicker">${esc(d.project)} · disaster-recovery report</p>
<h1>DR report: strategy <span data-figure="strategy" data-value="${esc(d.strategy)}">${esc(d.strategy)}</span></h1>
<p class="lede">Stack pair${pairs.length === 1 ? "" : "s"}: ${pairs.join("; ") || "none (no primary and standby)"}. Configuration: ${
        d.overrides.length ? d.overrides.map((o) => `<code>-c ${esc(o)}</code>`).join(" ") : "the stack files as they are"
    }. Made <time datetime="${esc(d.generated)}">${esc(d.generated.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time> by <code>npm run report</code>.</p>
<aside class="notice" role="note" aria-labelledby="notice-title">
<h2 id="notice-title">Every figure here is an estimate</h2>
<p>Each figure follows from the <strong>planned settings</strong> of the resources (sizes, intervals, schedules, routing), from published constants and from a dated price sheet (both listed at the end, each with its source). Nothing was deployed and no AWS API was called.</p>
<div class="columns">
<div><h3>Verified offline, by this run</h3><ul>
<li>The real program planned every stack under Pulumi's mock runtime, with this configuration.</li>
<li>The policy pack ran in its real analyzer, over the engine's gRPC protocol, on every planned resource.</li>
<li>Each drill was rehearsed by planning both sides and comparing them: what <code>pulumi up</code> would create, update, replace or delete.</li>
<li>The estimates were computed from the planned resources, the constants and the price sheet.</li>
</ul></div>
<div><h3>Only in a real AWS account</h3><ul>
<li>How long AWS really takes: each step's duration is a published or measured constant, not a measurement of this platform.</li>
<li>What AWS bills: the prices are the sheet's, on its date; taxes, discounts and the free tier are left out.</li>
<li>Every computed value (ids, ARNs, endpoints) is a placeholder; whether each resource creates, and the runtime behaviour of the services.</li>
<li>Real replication lag, failover of live traffic and data loss, shown only by a drill in the account.</li>
</ul></div>
</div>
</aside>
<nav aria-label="Sections"><h2 class="visually-hidden">Sections</h2><ol>
<li><a href="#answer">The answer</a></li><li><a href="#topology">Topology</a></li><li><a href="#recovery">Recovery timelines</a></li>
<li><a href="#data-loss">Data loss</a></li><li><a href="#targets">Targets</a></li><li><a href="#cost">Cost</a></li>
<li><a href="#policies">Policies</a></li><li><a href="#drills">Drills</a></li><li><a href="#basis">Constants and prices</a></li>
</ol></nav>
</header>`;
}

function answer(d: ReportData): string {
    const cards: string[] = [];
    for (const p of d.pairs) {
        const id = pairId(p);
        const primary = d.stacks.find((s) => s.stack === p.primary);
        const standby = d.stacks.find((s) => s.stack === p.standby);
        const target = (k: "rtoTarget" | "rpoTarget") => {
            const ts = p.targets.filter((c) => c.target === k);
            return ts.length
                ? ts.map((t) => `${verdict(t.ok ? "MET" : "MISSED")} against ${esc(k)} ${esc(formatDuration(t.targetSeconds))}`).join("<br>")
                : `${verdict("NOT SET")} no ${esc(k)}`;
        };
        const e = p.estimate;
        cards.push(`<div class="pair-answer">
<h3 id="answer-${esc(id)}">${esc(p.primary)} → ${esc(p.standby)}</h3>
<dl class="cards">
<div class="card"><dt>Recovery time, unplanned failover</dt><dd class="big">${fig(`rto.unplanned.${id}`, e.rto.unplanned.seconds, secs(e.rto.unplanned.seconds))}</dd><dd>planned switchover ${fig(`rto.planned.${id}`, e.rto.planned.seconds, secs(e.rto.planned.seconds))}</dd><dd>${target("rtoTarget")}</dd></div>
<div class="card"><dt>Data loss (RPO), unplanned</dt><dd class="big">${fig(`rpo.unplanned.${id}`, e.rpo.unplannedSeconds, secs(e.rpo.unplannedSeconds))}</dd><dd>planned ${fig(`rpo.planned.${id}`, e.rpo.plannedSeconds, secs(e.rpo.plannedSeconds))}${e.rpo.dominant ? ` · worst store ${esc(e.rpo.dominant)}` : ""}</dd><dd>${target("rpoTarget")}</dd></div>
<div class="card"><dt>Standby cost per month</dt><dd class="big">${standby ? fig(`cost.monthly.${standby.stack}`, standby.estimate.monthlyCostUsd, usd(standby.estimate.monthlyCostUsd)) : "–"}</dd><dd>${
            primary && standby
                ? `${fig(`cost.share.${id}`, primary.estimate.monthlyCostUsd > 0 ? standby.estimate.monthlyCostUsd / primary.estimate.monthlyCostUsd : null, sharePercent(standby.estimate.monthlyCostUsd, primary.estimate.monthlyCostUsd))} of the primary's ${fig(`cost.monthly.${primary.stack}`, primary.estimate.monthlyCostUsd, usd(primary.estimate.monthlyCostUsd))}`
                : ""
        }</dd></div>
<div class="card"><dt>Policies</dt><dd class="big">${[primary, standby]
            .filter((s): s is ReportStack => s !== undefined)
            .map((s) => `${esc(s.stack)} ${verdict(policyFail(s.policies) ? "FAIL" : "PASS")}`)
            .join("<br>")}</dd><dd>${[primary, standby]
            .filter((s): s is ReportStack => s !== undefined)
            .map(
                (s) =>
                    `${esc(s.stack)}: ${fig(`policy.violations.${s.stack}`, s.policies.violations.length, `${s.policies.violations.length} violation(s)`)}`,
            )
            .join(", ")}</dd></div>
<div class="card"><dt>Drills rehearsed</dt><dd class="drill-list">${
            d.drills
                .filter((x) => x.primary === p.primary && x.standby === p.standby)
                .map((x) => `${esc(x.name)} ${verdict(drillVerdict(x))}`)
                .join("<br>") || "none"
        }</dd></div>
<div class="card"><dt>Resources to create</dt><dd class="big">${[primary, standby]
            .filter((s): s is ReportStack => s !== undefined)
            .map((s) => `${esc(s.stack)} ${fig(`resources.${s.stack}`, s.estimate.resourceCount, String(s.estimate.resourceCount))}`)
            .join(" · ")}</dd><dd>${[primary, standby]
            .filter((s): s is ReportStack => s !== undefined)
            .map((s) => `${esc(s.stack)}: ${esc(s.region)}, ${esc(s.role)}`)
            .join("; ")}</dd></div>
</dl>
</div>`);
    }
    return `<section id="answer" aria-labelledby="answer-title"><h2 id="answer-title">The answer</h2>
${cards.join("\n") || "<p>No stack pair: the project has no primary and standby to estimate a recovery for.</p>"}
</section>`;
}

const policyFail = (r: StackPolicyReport) => policyVerdict(r).verdict === "FAIL";
/** A drill's verdict in words (the page and the terminal). */
export const drillVerdict = (x: ReportDrill) => (x.rehearsal ? (x.rehearsal.verdict === "pass" ? "PASS" : "FAIL") : "NOT REHEARSED");

function topology(d: ReportData): string {
    const items = d.pairs.map((p, i) => {
        const id = `topology-${i}`;
        return `<figure class="diagram" aria-labelledby="${id}-caption">
<h3 id="${id}-heading">${esc(p.primary)} and ${esc(p.standby)}</h3>
<div class="diagram-target" id="${id}" tabindex="0" role="group" aria-label="Topology of ${esc(p.primary)} and ${esc(p.standby)}" data-mermaid-source="${id}-source" data-diagram-title="Topology of ${esc(p.primary)} and ${esc(p.standby)}"><p class="diagram-pending">The diagram is drawn by the page's script (Mermaid, inlined). Its source is below.</p></div>
<figcaption id="${id}-caption">Regions, tiers, replication with its mode and DNS routing for ${esc(p.primary)} and ${esc(p.standby)}. Solid arrows carry traffic or replicate now; dotted arrows are standby or failover paths.</figcaption>
<details class="source"><summary>Mermaid source of this diagram</summary><pre>${esc(p.mermaid)}</pre></details>
<script type="application/json" id="${id}-source">${JSON.stringify(p.mermaid).replace(/</g, "\\u003c")}</script>
</figure>`;
    });
    return `<section id="topology" aria-labelledby="topology-title"><h2 id="topology-title">Topology: what runs where</h2>
${items.join("\n") || "<p>No stack pair to draw.</p>"}
</section>`;
}

function stepRows(tl: Timeline, figPrefix: string): string[][] {
    const rows: string[][] = [];
    tl.phases.forEach((phase, i) =>
        phase.forEach((s) => {
            const dominant = tl.dominant?.step === s.name;
            const parts =
                s.seconds === null
                    ? `unknown: ${esc(s.unknown ?? "")}`
                    : s.parts.length
                      ? `<ul>${s.parts.map((p) => `<li>${esc(p.label)}: <strong>${esc(formatDuration(p.seconds))}</strong><br><span class="source-note">${esc(p.restsOn)}</span></li>`).join("")}</ul>`
                      : "nothing to do";
            const notes = [...(s.caveats ?? []).map((c) => `caveat, not in the figure: ${c}`), ...s.notes];
            rows.push([
                `${esc(s.name)}${dominant ? ` ${verdict("WARN").replace("WARN", "DOMINATES")}` : ""}`,
                i === 0 ? "first" : `then, overlapping (phase ${i + 1})`,
                fig(`${figPrefix}.${s.name}`, s.seconds, secs(s.seconds)),
                parts,
                notes.length ? `<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "",
            ]);
        }),
    );
    return rows;
}

function recovery(d: ReportData): string {
    const out: string[] = [];
    for (const p of d.pairs) {
        const id = pairId(p);
        out.push(`<h3>${esc(p.primary)} into ${esc(p.standby)}</h3>`);
        for (const [kind, title] of [
            ["unplanned", "Unplanned failover"],
            ["planned", "Planned switchover"],
        ] as const) {
            const tl = p.estimate.rto[kind];
            const labels = caveatLabels(tl);
            const caveats = labels ? ` (${labels})` : "";
            out.push(`<div class="timeline">
<h4 id="tl-${esc(id)}-${kind}">${esc(title)}: ${fig(`timeline.${kind}.${id}`, tl.seconds, secs(tl.seconds))}${esc(caveats)}</h4>
${tl.dominant ? `<p>Dominated by <strong>${esc(tl.dominant.step)}</strong> (${esc(formatDuration(tl.dominant.seconds))}: ${esc(tl.dominant.detail)}).</p>` : ""}
<figure class="chart-figure">${timelineSvg(tl, `chart-${id}-${kind}`, `${title} of ${p.primary} into ${p.standby}, step by step`)}
<figcaption>Phases run one after another; the steps of a phase (marked ∥) overlap and the longest counts. Hover a bar segment for its constant and source; the table gives all of them.</figcaption></figure>
${table(`Steps of the ${title.toLowerCase()}, with each constant and its source`, ["step", "when", "takes", "parts: constant and source", "notes"], stepRows(tl, `step.${kind}.${id}`), "steps")}
</div>`);
        }
    }
    return `<section id="recovery" aria-labelledby="recovery-title"><h2 id="recovery-title">Recovery timelines</h2>
<p>How long users wait from the primary failing (unplanned) or the switch starting (planned) until the standby serves, in the steps the estimator models.</p>
${out.join("\n") || "<p>No stack pair.</p>"}
</section>`;
}

function storeRow(s: StoreRpo, id: string): string[] {
    return [
        esc(s.store),
        esc(s.mode),
        fig(`rpo.store.${id}.${s.store}`, s.unplannedSeconds, secs(s.unplannedSeconds)),
        esc(secs(s.plannedSeconds)),
        `<ul>${s.restsOn.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>`,
    ];
}

function dataLoss(d: ReportData): string {
    const out: string[] = [];
    for (const p of d.pairs) {
        const id = pairId(p);
        const e = p.estimate;
        const rows = e.rpo.stores.map((s) => storeRow(s, id));
        // Figures apart from the pair's RPO, each said as the estimator says it.
        const apart: string[][] = [];
        const cf = e.cacheFiles;
        for (const [what, tier] of [
            ["cache", cf?.cache],
            ["shared files", cf?.files],
        ] as const) {
            if (!tier) continue;
            const r = tier.rpo;
            apart.push([
                esc(`${what}: ${r.store}`),
                esc(r.mode),
                r.mode === "rebuilt" ? "rebuilt" : fig(`rpo.apart.${id}.${what}`, r.unplannedSeconds, secs(r.unplannedSeconds)),
                esc(r.mode === "rebuilt" ? "rebuilt" : secs(r.plannedSeconds)),
                `<ul>${r.restsOn.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`,
            ]);
        }
        if (e.edge) {
            const a = e.edge.assetRpo;
            apart.push([
                "static assets (S3)",
                esc(a.mode),
                fig(
                    `rpo.apart.${id}.assets`,
                    a.unplannedSeconds,
                    `${secs(a.unplannedSeconds)}${a.percentOfObjects !== undefined && a.unplannedSeconds !== null ? ` for ${a.percentOfObjects} % of objects` : ""}`,
                ),
                esc(secs(a.plannedSeconds)),
                `<ul>${a.restsOn.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`,
            ]);
        }
        if (e.identityApi?.identityRpo) {
            const r = e.identityApi.identityRpo;
            apart.push([
                "user directory (Cognito)",
                esc(r.mode),
                fig(`rpo.apart.${id}.identity`, r.seconds, secs(r.seconds)),
                "",
                `<ul>${r.restsOn.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`,
            ]);
        }
        if (e.pipeline) {
            const q = e.pipeline.queuedMessages;
            apart.push([
                "queued order messages (SQS)",
                esc(q.mode),
                "held in the lost region",
                "",
                `<ul>${q.restsOn.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`,
            ]);
        }
        out.push(`<h3>${esc(p.primary)} into ${esc(p.standby)}: ${fig(`rpo.headline.${id}`, e.rpo.unplannedSeconds, secs(e.rpo.unplannedSeconds))} unplanned${e.rpo.dominant ? `, worst store ${esc(e.rpo.dominant)}` : ""}</h3>
${rows.length ? table("Data stores of record: data an unplanned failover could lose, and what each figure rests on", ["store", "how the standby holds it", "unplanned", "planned", "rests on"], rows, "rpo") : `<p>${esc(e.rpo.restsOn.join("; "))}</p>`}
${apart.length ? table("Apart from the figure above (not data of record, or recovered by another path)", ["what", "mode", "unplanned", "planned", "rests on"], apart, "rpo-apart") : ""}`);
    }
    return `<section id="data-loss" aria-labelledby="data-loss-title"><h2 id="data-loss-title">Data loss (RPO) per data store</h2>
${out.join("\n") || "<p>No stack pair.</p>"}
</section>`;
}

function targets(d: ReportData): string {
    const rows: string[][] = [];
    for (const p of d.pairs) {
        for (const [k, est] of [
            ["rtoTarget", p.estimate.rto.unplanned.seconds],
            ["rpoTarget", p.estimate.rpo.unplannedSeconds],
        ] as const) {
            const ts = p.targets.filter((c) => c.target === k);
            if (!ts.length)
                rows.push([
                    `${esc(k)} (${esc(p.primary)} → ${esc(p.standby)})`,
                    "not set",
                    esc(secs(est)),
                    verdict("NOT SET"),
                    `set <code>securecart:${esc(k)}</code> (for example <code>-c ${esc(k)}=15m</code>) to check the estimate against it`,
                ]);
            for (const t of ts)
                rows.push([
                    `${esc(k)} (${esc(p.primary)} → ${esc(p.standby)})`,
                    fig(`target.${pairId(p)}.${k}.${ts.indexOf(t)}`, t.targetSeconds, formatDuration(t.targetSeconds)),
                    esc(secs(est)),
                    verdict(t.ok ? "MET" : "MISSED"),
                    esc(t.message),
                ]);
        }
    }
    return `<section id="targets" aria-labelledby="targets-title"><h2 id="targets-title">Targets</h2>
<p>The RTO target is held against the unplanned failover (the longer one); the RPO target against the unplanned data loss.</p>
${rows.length ? table("rtoTarget and rpoTarget against the estimates", ["target", "set to", "estimate", "verdict", "why"], rows, "targets") : "<p>No stack pair.</p>"}
</section>`;
}

function costLines(s: ReportStack): string {
    const lines: readonly CostLine[] = s.estimate.breakdown;
    const rows = lines.map((l, i) => [
        esc(l.item),
        esc(`${l.quantity.toLocaleString("en-US")} ${l.unit}`),
        esc(l.unitPriceUsd === null ? "no price" : `$${l.unitPriceUsd}`),
        l.monthlyUsd === null ? "–" : fig(`cost.line.${s.stack}.${i}`, l.monthlyUsd, usd(l.monthlyUsd)),
        esc(l.basis),
    ]);
    const unpriced = s.estimate.cost.unpriced;
    return `<details class="cost-lines"><summary>${esc(s.stack)} (${esc(s.region)}, ${esc(s.role)}): ${fig(`cost.total.${s.stack}`, s.estimate.monthlyCostUsd, usd(s.estimate.monthlyCostUsd))} per month, ${lines.length} line items${
        unpriced.length ? `, ${unpriced.length} not priced` : ""
    }</summary>
${table(`Monthly cost of ${s.stack}, per line item (ESTIMATE)`, ["item", "quantity", "unit price", "per month", "basis"], rows, "cost")}
${unpriced.length ? `<h4>Not priced (left out of the total)</h4><ul>${unpriced.map((u) => `<li>${esc(u)}</li>`).join("")}</ul>` : ""}
</details>`;
}

function compareCharts(d: ReportData): string {
    if (!d.compare.length) return "";
    const bars = (f: (r: CompareRow) => { value: number | null; text: string }): Bar[] =>
        d.compare.map((r) => ({ label: r.strategy, ...f(r), current: r.strategy === d.strategy }));
    const charts = [
        barsSvg(
            bars((r) => ({ value: r.standbyShare * 100, text: `${percent(r.standbyShare)} (${usd(r.standbyMonthlyUsd)}/month)` })),
            "compare-cost",
            "Standby cost as a share of the primary's",
            "Share of the primary's monthly cost; lower costs less.",
        ),
        barsSvg(
            bars((r) => ({ value: r.unplannedRto, text: secs(r.unplannedRto) })),
            "compare-rto",
            "RTO, unplanned failover",
            "Shorter recovers sooner.",
        ),
        barsSvg(
            bars((r) => ({ value: r.rpo, text: secs(r.rpo) })),
            "compare-rpo",
            "RPO, unplanned failover",
            "Shorter loses less data.",
        ),
    ];
    const rows = d.compare.map((r) => [
        `${esc(r.strategy)}${r.strategy === d.strategy ? " <strong>(configured)</strong>" : ""}`,
        fig(`compare.${r.strategy}.plannedRto`, r.plannedRto, secs(r.plannedRto)),
        fig(`compare.${r.strategy}.unplannedRto`, r.unplannedRto, secs(r.unplannedRto)),
        fig(`compare.${r.strategy}.rpo`, r.rpo, secs(r.rpo)),
        fig(`compare.${r.strategy}.standbyMonthlyUsd`, r.standbyMonthlyUsd, usd(r.standbyMonthlyUsd)),
        fig(`compare.${r.strategy}.standbyShare`, r.standbyShare, percent(r.standbyShare)),
        esc(`${r.standbyResources} / ${r.resources}`),
    ]);
    return `<h3>The four strategies side by side</h3>
<p>The same project planned under each strategy (<code>npm run plan -- --compare-strategies</code>), with this run's other settings.</p>
<div class="chart-grid">${charts.map((c) => `<figure class="chart-figure">${c}</figure>`).join("\n")}</div>
${
    d.compareRefused.length
        ? `<p>Not compared: ${d.compareRefused.map((r) => `<strong>${esc(r.strategy)}</strong> (this configuration is refused under it: ${esc(r.message)})`).join("; ")}.</p>`
        : ""
}
${table("Strategies compared: recovery of the primary into the standby", ["strategy", "planned RTO", "unplanned RTO", "RPO", "standby $/month", "standby share of primary", "resources (standby / all)"], rows, "compare")}`;
}

function cost(d: ReportData): string {
    const out: string[] = [];
    for (const p of d.pairs) {
        const primary = d.stacks.find((s) => s.stack === p.primary);
        const standby = d.stacks.find((s) => s.stack === p.standby);
        out.push(`<h3>${esc(p.primary)} and ${esc(p.standby)} per month</h3>`);
        if (primary && standby)
            out.push(
                `<p>Primary ${esc(primary.stack)}: <strong>${esc(usd(primary.estimate.monthlyCostUsd))}</strong>. Standby ${esc(standby.stack)}: <strong>${esc(usd(standby.estimate.monthlyCostUsd))}</strong>, ${esc(sharePercent(standby.estimate.monthlyCostUsd, primary.estimate.monthlyCostUsd))} of the primary's.</p>`,
            );
        for (const s of [primary, standby]) if (s) out.push(costLines(s));
    }
    return `<section id="cost" aria-labelledby="cost-title"><h2 id="cost-title">Cost</h2>
<p>ESTIMATES from the price sheet of ${esc(d.priceSheet.date)} (${esc(d.priceSheet.label)}); each line says what its quantity rests on. Open a stack for its line items.</p>
${out.join("\n")}
${compareCharts(d)}
</section>`;
}

function policies(d: ReportData): string {
    const out: string[] = [];
    for (const s of d.stacks) {
        const r = s.policies;
        const byPolicy = new Map<string, typeof r.violations>();
        for (const v of r.violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
        const entries = [...r.policies]
            .map((p) => ({ p, vs: byPolicy.get(p.name) ?? [] }))
            // Violations first, then the rest; within each, the strictest enforcement level first, then by name.
            .sort(
                (a, b) =>
                    Number(b.vs.length > 0) - Number(a.vs.length > 0) ||
                    ENFORCEMENT_ORDER.indexOf(a.p.enforcementLevel) - ENFORCEMENT_ORDER.indexOf(b.p.enforcementLevel) ||
                    a.p.name.localeCompare(b.p.name),
            );
        const row = ({ p, vs }: (typeof entries)[number]) => [
            `<code>${esc(p.name)}</code>`,
            p.enforcementLevel === "disabled"
                ? verdict("DISABLED")
                : vs.length === 0
                  ? verdict("PASS")
                  : p.enforcementLevel === "mandatory"
                    ? verdict("FAIL")
                    : verdict("WARN"),
            esc(p.enforcementLevel),
            vs.length
                ? `<ul>${vs.map((v) => `<li><strong>${esc(urnLabel(v.urn))}</strong>: ${esc(v.message)}</li>`).join("")}</ul>`
                : esc(p.description),
        ];
        const violated = entries.filter((e) => e.vs.length > 0).map(row);
        // A violation of a policy the pack does not list (none expected) still shows.
        for (const [name, vs] of byPolicy)
            if (!r.policies.some((p) => p.name === name))
                violated.unshift([
                    `<code>${esc(name)}</code>`,
                    verdict("FAIL"),
                    esc(vs[0].enforcementLevel),
                    esc(vs.map((v) => v.message).join("; ")),
                ]);
        const rest = entries.filter((e) => e.vs.length === 0);
        const head = ["policy", "verdict", "enforcement", "violations, or what it checks"];
        out.push(`<div class="policy-stack" data-stack="${esc(s.stack)}">
<h3>${esc(s.stack)} (${esc(s.region)}): ${verdict(policyFail(r) ? "FAIL" : "PASS")} · ${fig(`policy.count.${s.stack}`, r.policies.length, `${r.policies.length} policies`)}, ${esc(
            `${r.violations.length} violation(s)`,
        )}</h3>
${violated.length ? table(`Violated policies on ${s.stack} (${r.pack})`, head, violated, "policies") : `<p>${verdict("PASS")} No policy is violated on ${esc(s.stack)}.</p>`}
<details class="policies-rest"><summary>The other ${rest.length} policies on ${esc(s.stack)}: ${rest.filter((e) => e.p.enforcementLevel !== "disabled").length} pass, ${
            rest.filter((e) => e.p.enforcementLevel === "disabled").length
        } disabled</summary>
${table(`Policies of ${r.pack} on ${s.stack} with no violation`, head, rest.map(row), "policies")}
</details>
</div>`);
    }
    return `<section id="policies" aria-labelledby="policies-title"><h2 id="policies-title">Policies</h2>
<p>The CrossGuard pack, run in its real analyzer on every planned resource. A mandatory violation fails <code>pulumi up</code>; advisory ones warn.</p>
${out.join("\n")}
</section>`;
}

function drills(d: ReportData): string {
    const out: string[] = [];
    for (const x of d.drills) {
        const head = `<h3 id="drill-${esc(x.name.replace(/ /g, "-"))}-${esc(x.standby)}">${esc(x.name[0].toUpperCase() + x.name.slice(1))} (${esc(x.primary)} ↔ ${esc(x.standby)}): ${fig(`drill.${x.name}.${x.standby}`, x.rehearsal?.verdict ?? "not rehearsed", drillVerdict(x))}</h3>
<p><code>${esc(x.command)}</code></p>`;
        if (!x.rehearsal) {
            out.push(`${head}<p>${verdict("NOT REHEARSED")} ${esc(x.error ?? "")}</p>`);
            continue;
        }
        const r = x.rehearsal;
        const rows = r.stacks.map((s, i) => {
            const n = (op: string) => s.changes.filter((c) => c.op === op).length;
            const step = r.order.find((o) => o.stack === s.stack);
            return [
                `${i + 1}. ${esc(s.stack)} (${esc(s.region)})`,
                esc(s.before.role === s.after.role ? s.after.role : `${s.before.role} → ${s.after.role}`),
                fig(`drill.${x.name}.${s.stack}.create`, n("create"), String(n("create"))),
                fig(`drill.${x.name}.${s.stack}.update`, n("update"), String(n("update"))),
                fig(`drill.${x.name}.${s.stack}.replace`, n("replace"), String(n("replace"))),
                fig(`drill.${x.name}.${s.stack}.delete`, n("delete"), String(n("delete"))),
                esc(step?.reason ?? ""),
            ];
        });
        const promotions = r.promotions.flatMap((p) => p.steps.map((m) => `<li>${esc(p.stack)}: ${esc(m.what)}</li>`));
        const stateful = r.stacks.flatMap((s) =>
            s.changes.filter((c) => c.stateful && (c.op === "replace" || c.op === "delete")).map((c) => `${s.stack}: ${c.op} ${c.type} ${c.name}`),
        );
        const changes = r.stacks.map(
            (s) =>
                `<h4>${esc(s.stack)}</h4>${
                    s.changes.length
                        ? `<ul class="changes">${s.changes.map((c) => `<li><span class="op">${esc(c.op)}</span> <code>${esc(c.type)}</code> ${esc(c.name)}${c.stateful ? " <strong>(stateful)</strong>" : ""}</li>`).join("")}</ul>`
                        : "<p>no changes</p>"
                }`,
        );
        out.push(`${head}
${table("Runbook order, and what each stack's pulumi up would change", ["stack (in order)", "role", "create", "update", "replace", "delete", "why here"], rows, "drill")}
${promotions.length ? `<h4>Promotions this change makes</h4><ul>${promotions.join("")}</ul>` : ""}
${r.failures.length ? `<h4>Failures</h4><ul>${r.failures.map((f) => `<li>${verdict("FAIL")} ${esc(f.stack)}: ${esc(f.message)}</li>`).join("")}</ul>` : ""}
${r.warnings.length ? `<h4>Warnings</h4><ul>${r.warnings.map((f) => `<li>${verdict("WARN")} ${esc(f.stack)}: ${esc(f.message)}</li>`).join("")}</ul>` : ""}
<p>Stateful resources replaced or deleted: ${stateful.length ? `<strong>${esc(stateful.join("; "))}</strong> (each a failure or an allowed warning, as listed above)` : "none"}.</p>
<details><summary>Every change (${r.stacks.reduce((a, s) => a + s.changes.length, 0)})</summary>${changes.join("\n")}</details>`);
    }
    return `<section id="drills" aria-labelledby="drills-title"><h2 id="drills-title">Drills</h2>
<p>The rehearsals of the configured strategy's drills: both sides planned offline and compared. A drill fails when it would replace or delete a stateful resource.</p>
${out.join("\n") || "<p>No drill rehearsed: the project has no stack pair.</p>"}
</section>`;
}

function basis(d: ReportData): string {
    const rows = d.constants.map((c) => {
        // One value when every stack has the same; each stack's otherwise (its own figures use its own).
        const same = c.values.every((v) => v.value === c.values[0]?.value && v.overridden === c.values[0]?.overridden);
        return [
            `<code>${esc(c.name)}</code>`,
            esc(same ? `${c.values[0]?.value} ${c.unit}` : c.values.map((v) => `${v.stack}: ${v.value} ${c.unit}`).join("; ")),
            same
                ? c.values[0]?.overridden
                    ? "overridden"
                    : "default"
                : esc(c.values.map((v) => `${v.stack}: ${v.overridden ? "overridden" : "default"}`).join("; ")),
            esc(c.source),
        ];
    });
    return `<section id="basis" aria-labelledby="basis-title"><h2 id="basis-title">Constants and prices the figures rest on</h2>
<p>Override a constant with <code>-c estimates.&lt;name&gt;=&lt;number&gt;</code>. Prices: ${esc(d.priceSheet.label)}, dated ${esc(d.priceSheet.date)}, from ${esc(d.priceSheet.source)} (<code>src/prices/prices.json</code>; the full sheet is in <code>npm run plan -- --explain</code>).</p>
<details><summary>Estimate constants (${d.constants.length}), each with its source</summary>
${table("Estimate constants", ["constant", "value", "set by", "source"], rows, "constants")}
</details>
</section>`;
}

const STYLE = `
:root { --ink: #1b1f24; --muted: #4a525c; --line: #c5ccd4; --bg: #ffffff; --panel: #f4f6f8; --good: #0b6b2e; --bad: #a4161a; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif; color: var(--ink); background: var(--bg); margin: 0 auto; max-width: 1180px; padding: 1.5rem; }
h1 { font-size: 1.9rem; margin: .2rem 0 .5rem; } h2 { font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; } h4 { font-size: 1rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0; font-size: .85rem; }
.lede { font-size: 1.05rem; }
code, pre { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: .88em; }
pre { white-space: pre-wrap; background: var(--panel); padding: .6rem; }
a { color: var(--accent); }
.notice { border: 2px solid var(--accent); border-left-width: 8px; background: #eef4fa; padding: .2rem 1rem .4rem; margin: 1rem 0; font-size: .9rem; }
.notice ul { margin: .2rem 0; padding-left: 1.2rem; }
.notice h2 { border: 0; margin-top: .4rem; font-size: 1.2rem; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .columns h3 { margin-top: .4rem; font-size: 1rem; }
nav ol { display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; list-style: none; padding: 0; margin: .6rem 0; }
nav li { counter-increment: section; } nav li::before { content: counter(section) ". "; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip-link:focus { position: static; width: auto; height: auto; clip: auto; display: inline-block; padding: .3rem .6rem; background: var(--panel); }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: .7rem; margin: 0; }
@media (max-width: 800px) { .cards { grid-template-columns: 1fr; } .columns { grid-template-columns: 1fr; } }
.card { border: 1px solid var(--line); background: var(--panel); padding: .6rem .8rem; }
.card dd.drill-list { font-size: 1.05rem; font-weight: 600; line-height: 1.8; }
.card dt { font-weight: 600; color: var(--muted); } .card dd { margin: .2rem 0 0; } .card dd.big { font-size: 1.3rem; font-weight: 700; line-height: 1.6; }
.verdict { font-weight: 700; padding: 0 .35rem; border: 2px solid currentColor; border-radius: 3px; font-size: .85em; white-space: nowrap; }
.verdict.good { color: var(--good); } .verdict.bad { color: var(--bad); } .verdict.neutral { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top; text-align: left; }
thead th { background: var(--panel); }
td ul, th ul { margin: 0; padding-left: 1.1rem; }
.source-note { color: var(--muted); font-size: .88em; }
.diagram-target { border: 1px solid var(--line); padding: .5rem; overflow: auto; max-height: 85vh; background: #fff; }
.diagram-target.fit { max-height: none; } .diagram-target.fit svg { max-width: 100%; height: auto; }
.fit-toggle { font: inherit; margin: .3rem 0; }
.diagram-failed { color: var(--bad); font-weight: 700; }
.chart-figure { margin: .6rem 0; } .chart-grid { display: grid; grid-template-columns: 1fr; gap: .4rem; }
figcaption { color: var(--muted); font-size: .9rem; }
svg.chart { max-width: 100%; height: auto; }
svg.chart text { font: 13px system-ui, "Liberation Sans", Arial, sans-serif; fill: var(--ink); }
svg.chart .tick { fill: var(--muted); font-size: 11px; }
svg.chart .grid { stroke: #d9dee3; stroke-width: 1; }
svg.chart .bar.part-0 { fill: #2f6fad; } svg.chart .bar.part-1 { fill: #6a9fd1; } svg.chart .bar.part-2 { fill: #9dbfe0; }
svg.chart .bar.none { fill: var(--muted); }
svg.chart .bars .bar, svg.chart.bars .bar { fill: #7c8a99; } svg.chart.bars .bar.current { fill: #0b4f8a; }
svg.chart .bar-row.current .bar-label { font-weight: 700; }
svg.chart .dominant-outline { fill: none; stroke: var(--bad); stroke-width: 2.5; stroke-dasharray: 6 3; }
svg.chart .dominant .bar-value, svg.chart .dominant .step-label { font-weight: 700; }
svg.chart .hatch-bg { fill: #ffffff; } svg.chart .hatch-line { stroke: #7c8a99; stroke-width: 3; }
svg.chart .chart-title, svg.chart .total { font-weight: 700; }
details > summary { cursor: pointer; font-weight: 600; margin: .4rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); padding-top: .6rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav, .no-print { display: none; }
  /* The source is printed only where the diagram could not be drawn. */
  figure.diagram:has(.diagram-target[data-rendered]) details.source { display: none; }
  a { color: inherit; text-decoration: none; }
  main h2 { break-before: page; } #answer-title { break-before: auto; }
  h2, h3, h4 { break-after: avoid; }
  figure, .card, tr { break-inside: avoid; }
  details::details-content { display: contents; content-visibility: visible; }
  details > summary { list-style: none; }
  .table-wrap, .diagram-target { overflow: visible; max-height: none; }
  .diagram-target svg { max-width: 100%; height: auto; }
  .notice { background: none; }
}
`;

/** The script that draws the topology with the inlined Mermaid, and says on the page (and in the console) if it cannot. */
const RENDER_SCRIPT = `
(async function () {
  var root = document.documentElement;
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-mermaid-source]"));
  if (!window.mermaid || !targets.length) { root.setAttribute("data-diagrams", targets.length ? "no-renderer" : "none"); return; }
  var failed = 0;
  window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral", htmlLabels: false, flowchart: { useMaxWidth: false } });
  for (var i = 0; i < targets.length; i++) {
    var el = targets[i];
    try {
      var source = JSON.parse(document.getElementById(el.getAttribute("data-mermaid-source")).textContent);
      var out = await window.mermaid.render(el.id + "-svg", source);
      el.innerHTML = out.svg;
      var svg = el.querySelector("svg");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", el.getAttribute("data-diagram-title"));
      el.setAttribute("data-rendered", "true");
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "fit-toggle no-print";
      // Fitted first, so the whole shape shows at once; full size to read the labels, scrolling.
      el.classList.add("fit");
      toggle.textContent = "Show the diagram at full size";
      toggle.setAttribute("aria-pressed", "false");
      toggle.addEventListener("click", function (t, d) { return function () { var fitted = d.classList.toggle("fit"); t.setAttribute("aria-pressed", String(!fitted)); }; }(toggle, el));
      el.parentNode.insertBefore(toggle, el);
    } catch (e) {
      failed++;
      el.innerHTML = '<p class="diagram-failed">The diagram could not be drawn; its Mermaid source is below.</p>';
      console.error("topology diagram " + el.id + " failed to render: " + (e && e.message ? e.message : e));
    }
  }
  root.setAttribute("data-diagrams", failed ? "failed" : "rendered");
})();
window.addEventListener("beforeprint", function () { document.querySelectorAll("details:not(.source)").forEach(function (d) { if (!d.open) { d.open = true; d.setAttribute("data-opened-for-print", ""); } }); });
window.addEventListener("afterprint", function () { document.querySelectorAll("details[data-opened-for-print]").forEach(function (d) { d.open = false; d.removeAttribute("data-opened-for-print"); }); });
`;

/** Makes script text safe inside <script>: the HTML parser must not see a closing tag or a comment opener in it. */
export function inlineScript(js: string): string {
    return js.replace(/<(!--|\/?script)/gi, "\\x3C$1");
}

/** The whole page. */
export function renderReportPage(d: ReportData): string {
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${d.project} DR report: ${d.strategy}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="visually-hidden skip-link" href="#answer">Skip to the answer</a>
${header(d)}
<main>
${answer(d)}
${topology(d)}
${recovery(d)}
${dataLoss(d)}
${targets(d)}
${cost(d)}
${policies(d)}
${drills(d)}
${basis(d)}
</main>
<footer><p>${esc(d.offlineNotice)}</p><p>Made by <code>npm run report</code>; the same figures are in <code>npm run plan -- --json</code> (the contract) and <code>npm run plan -- --explain</code>.</p></footer>
${d.mermaidScript ? `<script>${inlineScript(d.mermaidScript)}</script>` : ""}
<script>${inlineScript(RENDER_SCRIPT)}</script>
</body>
</html>
`;
}
