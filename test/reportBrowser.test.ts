/**
 * The DR report page in a real browser: Debian's Chromium, driven by playwright-core (which downloads nothing).
 * The page is made by `runReport` for the shipped stacks, opened from disk with every request outside the file
 * refused, and held to the plan's JSON (`npm run plan -- --json`, run beside it): no console error, every diagram
 * and chart drawn with content, every figure equal to the JSON's, no accessibility violation axe-core finds, and a
 * print layout. It writes plan-out/report-screenshot.png (the first screen), plan-out/report-full.png and
 * plan-out/report.pdf for a person to look at.
 *
 * Chromium must be installed (`.ci/run` installs Debian's `chromium`); SECURECART_CHROMIUM names another binary.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Browser, Page, chromium } from "playwright-core";
import { parseDuration } from "../src/duration";
import { PolicyAnalyzer } from "../tools/policyRunner";
import { runPlan, strategyRows } from "../tools/plan";
import type { CompareRow } from "../tools/estimateReport";
import { Rehearsal, rehearse } from "../tools/drill";
import { parseOverride } from "../src/configSource";
import { runReport } from "../tools/report";
import { PROJECT_DIR, cachedPlanStacks, files } from "./helpers";

const CHROMIUM = process.env.SECURECART_CHROMIUM ?? "/usr/bin/chromium";
/** As root on a machine with no network: no sandbox, and none of Chromium's own calls home. */
const CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
const OUT = path.join(PROJECT_DIR, "plan-out");

// The functions given to page.evaluate run in Chromium, where these are the page's own; they are declared here
// because the project compiles without the DOM library.
interface PageNode {
    readonly textContent: string | null;
    getAttribute(name: string): string | null;
    getBoundingClientRect(): { readonly width: number; readonly height: number };
    querySelector(selector: string): PageNode | null;
    querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
}
interface AxeResults {
    readonly violations: readonly { readonly id: string; readonly impact: string; readonly help: string; readonly nodes: readonly unknown[] }[];
}
declare const document: PageNode & { readonly documentElement: PageNode };
declare const window: { scrollTo(x: number, y: number): void; readonly axe: { run(context: unknown, options: unknown): Promise<AxeResults> } };
declare function getComputedStyle(node: PageNode): { readonly display: string; readonly breakBefore: string };

interface Doc {
    readonly stack: string;
    readonly resources: readonly { readonly custom: boolean; readonly type: string }[];
    readonly estimates: {
        readonly monthlyCostUsd: number;
        readonly rpoSeconds: number | null;
        readonly breakdown: readonly { readonly monthlyUsd: number | null }[];
        readonly pair: { readonly primary: string; readonly standby: string } | null;
        readonly timeline: Record<
            "planned" | "unplanned",
            { readonly seconds: number | null; readonly phases: readonly (readonly { readonly name: string; readonly seconds: number | null }[])[] }
        > | null;
        readonly rpoByStore: readonly { readonly store: string; readonly unplannedSeconds: number | null }[];
        readonly cacheFiles: Record<
            "cache" | "files",
            { readonly rpo: { readonly mode: string; readonly unplannedSeconds: number | null } } | undefined
        > | null;
        readonly edge: { readonly assetRpo: { readonly unplannedSeconds: number | null } } | null;
        readonly identityApi: { readonly identityRpo?: { readonly seconds: number | null } } | null;
    };
    readonly policies: { readonly violations: readonly unknown[] };
}

/** A figure on the page: its name, its value as the JSON has it, and the text a person reads. */
interface Shown {
    readonly name: string;
    readonly value: string;
    readonly text: string;
}

/** The text of a duration back to seconds ("unknown" → null; text that is no duration → NaN, which equals nothing). */
const secondsOf = (text: string): number | null => (text === "unknown" ? null : (parseDuration(text) ?? NaN));
/** "$1,171.39" back to dollars. */
const dollarsOf = (text: string) => Number(text.replace(/^\$/, "").replace(/,/g, ""));

describe("report: the page in a real browser (Debian Chromium)", function () {
    this.timeout(600000);
    let browser: Browser;
    let page: Page;
    let docs: Doc[];
    let compare: CompareRow[];
    let switchover: Rehearsal;
    let policyCount: number;
    const problems: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "securecart-report-page-"));
    const file = path.join(dir, "index.html");

    before(async function () {
        this.timeout(600000);
        if (!fs.existsSync(CHROMIUM))
            throw new Error(
                `${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install chromium; .ci/run installs it), or SECURECART_CHROMIUM=<path>`,
            );
        const analyzer = await PolicyAnalyzer.start();
        try {
            let json = "";
            await runPlan(["--json"], { write: (t) => (json += t), analyzer, planStacks: cachedPlanStacks });
            docs = JSON.parse(json) as Doc[];
            // The comparison has no JSON of its own: its rows, as --compare-strategies computes them.
            compare = (await strategyRows(files, [], cachedPlanStacks)).rows;
            // The switchover the page rehearses, rehearsed here as `npm run drill` does.
            switchover = await rehearse({ files, changes: [parseOverride("primaryRegion=us-west-2")], plan: cachedPlanStacks });
            policyCount = (await analyzer.info()).policies.length;
            await runReport([], { write: () => undefined, analyzer, planStacks: cachedPlanStacks, page: file });
        } finally {
            analyzer.close();
        }
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        page.on("console", (m) => {
            if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        // Self-contained: anything but the file itself is refused and recorded.
        await page.route("**/*", (route) => {
            const url = route.request().url();
            if (url === `file://${file}` || url.startsWith("data:")) return route.continue();
            problems.push(`request outside the page: ${url}`);
            return route.abort();
        });
        await page.goto(`file://${file}`);
        await page.waitForFunction(() => document.documentElement.getAttribute("data-diagrams") !== null, null, { timeout: 120000 });
    });
    after(async () => {
        await browser?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("loads with no console error or warning, no script error and no request outside the file", () => {
        assert.deepEqual(problems, []);
    });

    it("draws every topology diagram as SVG with the pair's regions and tiers in it", async () => {
        assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-diagrams")), "rendered");
        const diagrams = await page.$$eval("[data-mermaid-source]", (els) =>
            els.map((el) => {
                const svg = el.querySelector("svg");
                const box = svg?.getBoundingClientRect();
                // What a reader sees first: the diagram's nodes inside the visible box, not an empty corner of it.
                const frame = el.getBoundingClientRect();
                const visibleNodes = [...(svg?.querySelectorAll("g.node") ?? [])].filter((n) => {
                    const b = n.getBoundingClientRect();
                    return b.width > 0 && b.right > frame.left && b.left < frame.right && b.bottom > frame.top && b.top < frame.bottom;
                }).length;
                return {
                    id: el.id,
                    visibleNodes,
                    rendered: el.getAttribute("data-rendered"),
                    width: box?.width ?? 0,
                    height: box?.height ?? 0,
                    nodes: svg?.querySelectorAll("g.node").length ?? 0,
                    edges: svg?.querySelectorAll("path").length ?? 0,
                    text: svg?.textContent ?? "",
                };
            }),
        );
        assert.equal(diagrams.length, 1, "one diagram per stack pair");
        for (const d of diagrams) {
            assert.equal(d.rendered, "true", d.id);
            assert.ok(d.width > 400 && d.height > 300, `${d.id}: ${d.width}×${d.height}`);
            assert.ok(d.nodes >= 40, `${d.id}: ${d.nodes} nodes`);
            assert.equal(d.visibleNodes, d.nodes, `${d.id}: the whole diagram shows at first, ${d.visibleNodes} of ${d.nodes} nodes in view`);
            assert.ok(d.edges >= 20, `${d.id}: ${d.edges} paths`);
            for (const words of ["us-east-1", "us-west-2", "Aurora", "Route 53", "CloudFront"])
                assert.ok(d.text.includes(words), `${d.id} shows ${words}`);
        }
    });

    it("draws every chart with bars that have length and figures as text", async () => {
        const charts = await page.$$eval("svg.chart", (svgs) =>
            svgs.map((svg) => ({
                id: svg.id,
                width: svg.getBoundingClientRect().width,
                height: svg.getBoundingClientRect().height,
                bars: [...svg.querySelectorAll("rect.bar")].filter((r) => r.getBoundingClientRect().width > 0).length,
                texts: svg.querySelectorAll("text").length,
            })),
        );
        assert.deepEqual(
            charts.map((c) => c.id),
            ["chart-prod-dr-unplanned", "chart-prod-dr-planned", "compare-cost", "compare-rto", "compare-rpo"],
        );
        for (const c of charts) {
            assert.ok(c.width > 300 && c.height > 60, `${c.id}: ${c.width}×${c.height}`);
            assert.ok(c.bars >= 3, `${c.id}: ${c.bars} bars drawn`);
            assert.ok(c.texts >= 6, `${c.id}: ${c.texts} labels`);
        }
    });

    it("shows the plan JSON's figures: resources, RTO and RPO, every step, every store, every cost line, violations", async () => {
        const shown: Shown[] = await page.$$eval("[data-figure]", (els) =>
            els.map((el) => ({ name: el.getAttribute("data-figure")!, value: el.getAttribute("data-value")!, text: (el.textContent ?? "").trim() })),
        );
        const byName = new Map<string, Shown[]>();
        for (const s of shown) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
        let checked = 0;
        const expect = (name: string, value: number | null, read: (text: string) => number | null) => {
            const found = byName.get(name);
            assert.ok(found?.length, `the page shows ${name}`);
            for (const s of found) {
                assert.equal(s.value, String(value), `${name}: data-value`);
                const seen = read(s.text);
                if (value === null) assert.equal(seen, null, `${name}: "${s.text}"`);
                else
                    assert.ok(
                        seen !== null && Math.abs(seen - value) < 0.005 + Math.abs(value) * 1e-9,
                        `${name}: "${s.text}" reads ${seen}, the JSON has ${value}`,
                    );
                checked++;
            }
        };
        const whole = (t: string) => Number(t.replace(/[^\d]/g, ""));
        for (const d of docs) {
            const e = d.estimates;
            // What `pulumi up` creates: custom resources that are not the engine's (the stack, providers, stack references).
            expect(`resources.${d.stack}`, d.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length, whole);
            expect(`cost.total.${d.stack}`, e.monthlyCostUsd, dollarsOf);
            e.breakdown.forEach((l, i) => {
                if (l.monthlyUsd !== null) expect(`cost.line.${d.stack}.${i}`, l.monthlyUsd, dollarsOf);
            });
            expect(`policy.violations.${d.stack}`, d.policies.violations.length, whole);
            expect(`policy.count.${d.stack}`, policyCount, whole);
            for (const op of ["create", "update", "replace", "delete"] as const) {
                const diff = switchover.stacks.find((x) => x.stack === d.stack)!;
                expect(`drill.switchover.${d.stack}.${op}`, diff.changes.filter((c) => c.op === op).length, whole);
            }
            if (!e.pair || !e.timeline || d.stack !== e.pair.standby) continue;
            const id = `${e.pair.primary}-${e.pair.standby}`;
            expect(`rpo.unplanned.${id}`, e.rpoSeconds, secondsOf);
            expect(`rpo.headline.${id}`, e.rpoSeconds, secondsOf);
            for (const kind of ["planned", "unplanned"] as const) {
                const tl = e.timeline[kind];
                expect(`rto.${kind}.${id}`, tl.seconds, secondsOf);
                expect(`timeline.${kind}.${id}`, tl.seconds, secondsOf);
                for (const step of tl.phases.flat()) expect(`step.${kind}.${id}.${step.name}`, step.seconds, secondsOf);
            }
            for (const s of e.rpoByStore) expect(`rpo.store.${id}.${s.store}`, s.unplannedSeconds, secondsOf);
            const primary = docs.find((x) => x.stack === e.pair!.primary)!;
            // "45.1 %" back to a share.
            expect(`cost.share.${id}`, e.monthlyCostUsd / primary.estimates.monthlyCostUsd, (t) => Number(t.replace(/ %$/, "")) / 100);
            for (const what of ["cache", "files"] as const) {
                const r = e.cacheFiles?.[what]?.rpo;
                if (r && r.mode !== "rebuilt") expect(`rpo.apart.${id}.${what === "files" ? "shared files" : what}`, r.unplannedSeconds, secondsOf);
            }
            // "15m for 99.99 % of objects": the figure is the duration before its percentile.
            if (e.edge) expect(`rpo.apart.${id}.assets`, e.edge.assetRpo.unplannedSeconds, (t) => secondsOf(t.split(" for ")[0]));
            if (e.identityApi?.identityRpo) expect(`rpo.apart.${id}.identity`, e.identityApi.identityRpo.seconds, secondsOf);
            expect(`cost.monthly.${d.stack}`, e.monthlyCostUsd, dollarsOf);
            expect(`cost.monthly.${primary.stack}`, primary.estimates.monthlyCostUsd, dollarsOf);
        }
        for (const r of compare) {
            expect(`compare.${r.strategy}.plannedRto`, r.plannedRto, secondsOf);
            expect(`compare.${r.strategy}.unplannedRto`, r.unplannedRto, secondsOf);
            expect(`compare.${r.strategy}.rpo`, r.rpo, secondsOf);
            expect(`compare.${r.strategy}.standbyMonthlyUsd`, r.standbyMonthlyUsd, dollarsOf);
        }
        assert.ok(checked >= 80, `${checked} figures checked`);
    });

    it("the strategy comparison's chart and table agree, and mark the configured strategy in words", async () => {
        const rows = await page.$$eval("table.compare tbody tr", (trs) => trs.map((tr) => (tr.textContent ?? "").replace(/\s+/g, " ").trim()));
        assert.equal(rows.length, 4);
        assert.match(
            rows.find((r) => r.startsWith("warm-standby"))!,
            /\(configured\)/,
        );
        const rto = await page.$$eval("#compare-rto .bar-row", (gs) => gs.map((g) => (g.textContent ?? "").trim()));
        for (const strategy of ["backup-restore", "pilot-light", "warm-standby", "active-active"]) {
            const shown = await page.$eval(`[data-figure="compare.${strategy}.unplannedRto"]`, (el) => el.textContent ?? "");
            assert.ok(
                rto.some((t) => t.startsWith(strategy) && t.endsWith(shown)),
                `${strategy}: the chart says ${shown}: ${rto.join(" | ")}`,
            );
        }
    });

    it("passes axe-core's accessibility rules (WCAG 2 A and AA, best practices)", async () => {
        await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
        const violations = await page.evaluate(async () => {
            const axe = (
                window as unknown as {
                    axe: {
                        run: (
                            ctx: unknown,
                            opts: unknown,
                        ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }>;
                    };
                }
            ).axe;
            const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
            return r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help}`);
        });
        assert.deepEqual(violations, []);
    });

    it("writes the screenshots for a person to look at", async () => {
        fs.mkdirSync(OUT, { recursive: true });
        const first = path.join(OUT, "report-screenshot.png");
        const full = path.join(OUT, "report-full.png");
        await page.evaluate(() => window.scrollTo(0, 0));
        // The first screen and a little more: the header, the notice and the answer's cards.
        await page.screenshot({ path: first, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1100 } });
        await page.screenshot({ path: full, fullPage: true });
        for (const f of [first, full]) {
            const head = fs.readFileSync(f).subarray(0, 8);
            assert.deepEqual([...head], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${f} is a PNG`);
            assert.ok(fs.statSync(f).size > 20_000, `${f} has content`);
        }
    });

    it("prints: navigation hidden, every folded table opened, sections on new pages, a PDF written", async () => {
        await page.emulateMedia({ media: "print" });
        const state = await page.evaluate(() => ({
            nav: getComputedStyle(document.querySelector("nav")!).display,
            folded: [...document.querySelectorAll("details.cost-lines table")].map((t) => t.getBoundingClientRect().height),
            breakBefore: getComputedStyle(document.querySelector("#cost-title")!).breakBefore,
            noticeBreak: getComputedStyle(document.querySelector("#notice-title")!).breakBefore,
        }));
        assert.equal(state.nav, "none");
        assert.ok(state.folded.length >= 2 && state.folded.every((h) => h > 100), `folded tables print: ${state.folded.join(", ")}`);
        assert.equal(state.breakBefore, "page");
        assert.equal(state.noticeBreak, "auto", "the header's notice stays on the first page");
        const pdf = path.join(OUT, "report.pdf");
        await page.pdf({ path: pdf, format: "A4", printBackground: true });
        const text = fs.readFileSync(pdf, "latin1");
        assert.ok(text.startsWith("%PDF-"), "a PDF");
        const pages = (text.match(/\/Type\s*\/Page[^s]/g) ?? []).length;
        assert.ok(pages >= 5, `${pages} pages`);
        await page.emulateMedia({ media: "screen" });
    });

    it("no console error, script error or outside request happened at any point (scripts, axe, printing)", () => {
        assert.deepEqual(problems, []);
    });
});
