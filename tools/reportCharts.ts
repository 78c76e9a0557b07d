/**
 * The report page's charts as SVG text, made here rather than in the browser so that the page shows them with
 * scripts off, prints them as vectors, and carries each figure as text beside its bar (never colour alone).
 * Pure: figures in, markup out. Every chart is an <svg role="img"> with a title and a description, and the page
 * puts a table of the same figures beside it.
 */
import { formatDuration } from "../src/duration";

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: unknown): string {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** A step of a timeline as the chart takes it (src/estimates/rto.ts Step, in the plan JSON). */
export interface ChartStep {
    readonly name: string;
    readonly seconds: number | null;
    readonly parts: readonly { readonly label: string; readonly seconds: number; readonly restsOn: string }[];
    readonly unknown?: string;
}

export interface ChartTimeline {
    readonly seconds: number | null;
    /** Phases run in sequence; the steps of one phase overlap. */
    readonly phases: readonly (readonly ChartStep[])[];
    readonly dominant?: { readonly step: string };
}

/** Where each step's bar starts and how long it is, in seconds from the start of the recovery. */
export interface PlacedStep {
    readonly phase: number;
    readonly step: ChartStep;
    readonly start: number;
    /** null: the step cannot be estimated (drawn as a hatched bar of no length in time). */
    readonly seconds: number | null;
    readonly dominant: boolean;
}

/**
 * Lays a timeline out: each phase starts when the longest step of the one before it ends (steps of a phase
 * overlap). A step that cannot be estimated adds nothing it could be measured by; the figure is then unknown
 * and the chart says so.
 */
export function placeSteps(tl: ChartTimeline): { readonly steps: readonly PlacedStep[]; readonly knownEnd: number } {
    const steps: PlacedStep[] = [];
    let start = 0;
    tl.phases.forEach((phase, i) => {
        let longest = 0;
        for (const s of phase) {
            steps.push({ phase: i, step: s, start, seconds: s.seconds, dominant: tl.dominant?.step === s.name });
            longest = Math.max(longest, s.seconds ?? 0);
        }
        start += longest;
    });
    return { steps, knownEnd: start };
}

/** Tick spacing in seconds for an axis of `total` seconds: about 6-12 ticks at a round interval. */
export function tickStep(total: number): number {
    const candidates = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
    return candidates.find((c) => total / c <= 12) ?? Math.ceil(total / 12 / 86400) * 86400;
}

const W = 900;
const LABEL_W = 190;
const ROW_H = 30;
const TOP = 34;

/** A Gantt-like chart of a recovery timeline: one row per step, parts as segments, the dominating step marked in words. */
export function timelineSvg(tl: ChartTimeline, id: string, title: string): string {
    const { steps, knownEnd } = placeSteps(tl);
    const total = Math.max(knownEnd, 1);
    const plotW = W - LABEL_W - 160;
    const x = (s: number) => LABEL_W + (s / total) * plotW;
    const h = TOP + steps.length * ROW_H + 30;
    const tick = tickStep(total);
    const out: string[] = [];
    const desc =
        `${tl.seconds === null ? "Total unknown" : `Total ${formatDuration(tl.seconds)}`}. ` +
        steps
            .map(
                (p) =>
                    `${p.step.name}: starts at ${formatDuration(p.start)}, takes ${p.seconds === null ? "an unknown time" : formatDuration(p.seconds)}${p.dominant ? " (dominates)" : ""}`,
            )
            .join("; ");
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" id="${esc(id)}" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="${esc(id)}-title" aria-describedby="${esc(id)}-desc">`,
        `<title id="${esc(id)}-title">${esc(title)}</title>`,
        `<desc id="${esc(id)}-desc">${esc(desc)}</desc>`,
        `<defs><pattern id="${esc(id)}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="8" class="hatch-line"/></pattern></defs>`,
    );
    // The axis: round ticks, each labelled.
    for (let t = 0; t <= total + 0.001; t += tick) {
        out.push(`<line class="grid" x1="${x(t).toFixed(1)}" y1="${TOP - 6}" x2="${x(t).toFixed(1)}" y2="${h - 26}"/>`);
        out.push(`<text class="tick" x="${x(t).toFixed(1)}" y="${TOP - 12}" text-anchor="middle">${esc(t === 0 ? "0" : formatDuration(t))}</text>`);
    }
    steps.forEach((p, i) => {
        const y = TOP + i * ROW_H;
        const label = `${p.phase > 0 && (tl.phases[p.phase]?.length ?? 0) > 1 ? "∥ " : ""}${p.step.name}`;
        out.push(`<g class="step${p.dominant ? " dominant" : ""}" data-step="${esc(p.step.name)}">`);
        out.push(`<text class="step-label" x="${LABEL_W - 8}" y="${y + 19}" text-anchor="end">${esc(label)}</text>`);
        if (p.seconds === null) {
            out.push(
                `<rect class="bar unknown" x="${x(p.start).toFixed(1)}" y="${y + 5}" width="60" height="${ROW_H - 10}" fill="url(#${esc(id)}-hatch)"><title>${esc(`${p.step.name}: unknown: ${p.step.unknown ?? ""}`)}</title></rect>`,
                `<text class="bar-value" x="${(x(p.start) + 66).toFixed(1)}" y="${y + 19}">unknown</text>`,
            );
        } else {
            let at = p.start;
            p.step.parts.forEach((part, k) => {
                const w = Math.max((part.seconds / total) * plotW, part.seconds > 0 ? 1.5 : 0);
                out.push(
                    `<rect class="bar part-${k % 3}" x="${x(at).toFixed(1)}" y="${y + 5}" width="${w.toFixed(1)}" height="${ROW_H - 10}"><title>${esc(`${p.step.name} · ${part.label}: ${formatDuration(part.seconds)} — ${part.restsOn}`)}</title></rect>`,
                );
                at += part.seconds;
            });
            if (p.step.parts.length === 0)
                out.push(
                    `<rect class="bar none" x="${x(p.start).toFixed(1)}" y="${y + 5}" width="1.5" height="${ROW_H - 10}"><title>${esc(`${p.step.name}: nothing to do`)}</title></rect>`,
                );
            if (p.dominant)
                out.push(
                    `<rect class="dominant-outline" x="${(x(p.start) - 2).toFixed(1)}" y="${y + 3}" width="${(((p.seconds ?? 0) / total) * plotW + 4).toFixed(1)}" height="${ROW_H - 6}"/>`,
                );
            out.push(
                `<text class="bar-value" x="${(x(p.start + (p.seconds ?? 0)) + 6).toFixed(1)}" y="${y + 19}">${esc(formatDuration(p.seconds ?? 0))}${p.dominant ? " ◆ dominates" : ""}</text>`,
            );
        }
        out.push("</g>");
    });
    out.push(
        `<text class="total" x="${LABEL_W}" y="${h - 8}">${esc(tl.seconds === null ? "Total: unknown (a step cannot be estimated; see the table)" : `Total: ${formatDuration(tl.seconds)}`)}</text>`,
        "</svg>",
    );
    return out.join("\n");
}

/** One bar of a comparison chart. */
export interface Bar {
    readonly label: string;
    /** null: unknown, drawn as a hatched stub with the word. */
    readonly value: number | null;
    readonly text: string;
    /** The configured one, marked in words and weight. */
    readonly current?: boolean;
}

/** A horizontal bar chart, every bar labelled with its figure. */
export function barsSvg(bars: readonly Bar[], id: string, title: string, unitNote: string): string {
    const rowH = 28;
    const labelW = 240;
    const plotW = 360;
    // Room on the right for the longest figure written after its bar.
    const width = labelW + plotW + 12 + Math.max(...bars.map((b) => b.text.length), 4) * 8;
    const h = 30 + bars.length * rowH + 8;
    const max = Math.max(...bars.map((b) => b.value ?? 0), 0) || 1;
    const out = [
        `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" id="${esc(id)}" viewBox="0 0 ${width} ${h}" width="${width}" height="${h}" role="img" aria-labelledby="${esc(id)}-title" aria-describedby="${esc(id)}-desc">`,
        `<title id="${esc(id)}-title">${esc(title)}</title>`,
        `<desc id="${esc(id)}-desc">${esc(bars.map((b) => `${b.label}${b.current ? " (configured)" : ""}: ${b.text}`).join("; "))}. ${esc(unitNote)}</desc>`,
        `<defs><pattern id="${esc(id)}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" class="hatch-bg"/><line x1="0" y1="0" x2="0" y2="8" class="hatch-line"/></pattern></defs>`,
        `<text class="chart-title" x="0" y="18">${esc(title)}</text>`,
    ];
    bars.forEach((b, i) => {
        const y = 30 + i * rowH;
        out.push(`<g class="bar-row${b.current ? " current" : ""}">`);
        out.push(
            `<text class="bar-label" x="${labelW - 8}" y="${y + 18}" text-anchor="end">${esc(b.label)}${b.current ? " (configured)" : ""}</text>`,
        );
        if (b.value === null) {
            out.push(`<rect class="bar unknown" x="${labelW}" y="${y + 4}" width="40" height="${rowH - 8}" fill="url(#${esc(id)}-hatch)"/>`);
            out.push(`<text class="bar-value" x="${labelW + 46}" y="${y + 18}">${esc(b.text)}</text>`);
        } else {
            const w = Math.max((b.value / max) * plotW, b.value > 0 ? 2 : 0);
            out.push(
                `<rect class="bar${b.current ? " current" : ""}" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}"><title>${esc(`${b.label}: ${b.text}`)}</title></rect>`,
            );
            out.push(`<text class="bar-value" x="${(labelW + w + 6).toFixed(1)}" y="${y + 18}">${esc(b.text)}</text>`);
        }
        out.push("</g>");
    });
    out.push("</svg>");
    return out.join("\n");
}
