/**
 * The DR report page and the plan's summary, without a browser: the page as markup (self-contained, headings in
 * order, every chart labelled, every policy listed, targets with their verdicts) from a real run with `-c`
 * overrides, and the pure pieces (escaping, inlined scripts, the timeline's layout) over generated input.
 * test/reportBrowser.test.ts opens the page in Chromium.
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import * as vm from "vm";
import { formatDuration } from "../src/duration";
import { CheckFailed } from "../tools/cli";
import { PolicyAnalyzer } from "../tools/policyRunner";
import { runPlan, strategyRows } from "../tools/plan";
import { ConfigError } from "../src/config";
import { runReport, shellWord } from "../tools/report";
import { ChartTimeline, esc, placeSteps, timelineSvg } from "../tools/reportCharts";
import { inlineScript } from "../tools/reportPage";
import { cachedPlanStacks, files, overrides } from "./helpers";
import { Doc, parseHtml, runHtml } from "./dom";

const SECTIONS = ["answer", "topology", "recovery", "data-loss", "targets", "cost", "policies", "drills", "basis"];

describe("report: the page from a run with -c overrides (markup)", function () {
    this.timeout(600000);
    let analyzer: PolicyAnalyzer;
    let doc: Doc;
    let html: string;
    let out = "";
    let failure: unknown;
    let summary = "";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "securecart-report-"));
    const page = path.join(dir, "index.html");

    before(async function () {
        this.timeout(600000);
        analyzer = await PolicyAnalyzer.start();
        // A missed RTO target and a met RPO target: the run fails its check, and still writes the page.
        try {
            await runReport(["-c", "rtoTarget=5m", "-c", "rpoTarget=1h", "-c", "dr/web.instanceType=t3.large"], {
                write: (t) => {
                    out += t;
                },
                analyzer,
                planStacks: cachedPlanStacks,
                page,
                now: () => new Date("2026-12-06T12:00:00Z"),
            });
        } catch (e) {
            failure = e;
        }
        await runPlan(["-c", "rtoTarget=5m", "-c", "rpoTarget=1h", "-c", "dr/web.instanceType=t3.large"], {
            write: (t) => {
                summary += t;
            },
            analyzer,
            planStacks: cachedPlanStacks,
        }).catch(() => undefined);
        html = fs.readFileSync(page, "utf8");
        // Parsed, not run: the markup itself is what this suite checks.
        doc = parseHtml(html);
    });
    after(() => {
        analyzer?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("exits 1 for the missed target, naming it, after writing the page", () => {
        assert.ok(failure instanceof CheckFailed, String(failure));
        assert.match((failure as Error).message, /RTO \(unplanned failover, recovering prod into dr\) estimate \S+ exceeds rtoTarget 5m/);
        assert.match((failure as Error).message, /the page was written/);
        assert.ok(fs.statSync(page).size > 1_000_000, "the page holds the inlined diagram renderer");
    });

    it("takes -c overrides as npm run plan does: the page says which, and the standby's line items follow them", () => {
        assert.match(doc.querySelector(".lede")!.textContent!, /-c rtoTarget=5m -c rpoTarget=1h -c dr\/web\.instanceType=t3\.large/);
        const drLines = [...doc.querySelectorAll("details.cost-lines")].find((d) => /^dr /.test(d.querySelector("summary")!.textContent!))!;
        assert.match(drLines.textContent!, /t3\.large/);
    });

    it("is self-contained: no external script, style, image, frame or link to fetch", () => {
        assert.equal(doc.querySelectorAll("link, img, iframe, object, embed").length, 0);
        for (const s of doc.querySelectorAll("script")) assert.equal(s.getAttribute("src"), null);
        for (const a of doc.querySelectorAll("[href]"))
            assert.match(a.getAttribute("href")!, /^#/, `${a.outerHTML.slice(0, 80)} links within the page`);
        assert.doesNotMatch(html.replace(/<script>[\s\S]*?<\/script>/g, ""), /url\((?!#)/, "no stylesheet fetches a resource");
    });

    it("its inline scripts (Mermaid's bundle included, escaped for the HTML parser) still compile as JavaScript", () => {
        const scripts = [...doc.querySelectorAll("script")].filter((x) => x.getAttribute("type") === null);
        assert.equal(scripts.length, 2, "the renderer and the page's own script");
        for (const x of scripts) assert.doesNotThrow(() => new vm.Script(x.textContent ?? ""), x.textContent?.slice(0, 60));
        assert.ok(scripts.some((x) => (x.textContent ?? "").length > 1_000_000));
    });

    it("has the sections, one h1, and headings that never skip a level", () => {
        for (const id of SECTIONS) assert.ok(doc.getElementById(id), `section #${id}`);
        assert.equal(doc.querySelectorAll("h1").length, 1);
        let last = 1;
        for (const h of doc.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
            const level = Number(h.tagName[1]);
            assert.ok(level <= last + 1, `${h.tagName} "${h.textContent}" follows h${last}`);
            last = level;
        }
    });

    it("labels every chart (role img, a title and a description) and gives its figures as text too", () => {
        const charts = [...doc.querySelectorAll("svg.chart")];
        // Two timelines per pair, three comparison charts.
        assert.equal(charts.length, 2 + 3);
        for (const svg of charts) {
            assert.equal(svg.getAttribute("role"), "img");
            const title = svg.getAttribute("aria-labelledby")!;
            const desc = svg.getAttribute("aria-describedby")!;
            assert.ok(doc.getElementById(title)?.textContent, `${svg.id} has a title`);
            assert.ok(doc.getElementById(desc)?.textContent, `${svg.id} has a description`);
            assert.ok(svg.querySelectorAll("text").length >= 4, `${svg.id} writes its figures as text`);
        }
    });

    it("the header says every figure is an estimate, and what is verified offline and what only in an account", () => {
        const notice = doc.querySelector(".notice")!;
        assert.match(notice.textContent!, /Every figure here is an estimate/);
        assert.match(notice.textContent!, /planned settings/);
        const heads = [...notice.querySelectorAll("h3")].map((h) => h.textContent);
        assert.deepEqual(heads, ["Verified offline, by this run", "Only in a real AWS account"]);
    });

    it("shows each target against its estimate with a verdict in words", () => {
        const rows = [...doc.querySelectorAll("#targets tbody tr")].map((r) => r.textContent!);
        assert.equal(rows.length, 2);
        assert.match(rows[0], /rtoTarget.*5m.*MISSED.*exceeds rtoTarget 5m/s);
        assert.match(rows[1], /rpoTarget.*1h.*MET.*within rpoTarget 1h/s);
    });

    it("lists every policy of the pack per stack, each with a verdict", async () => {
        const info = await analyzer.info();
        for (const stack of ["prod", "dr"]) {
            const block = doc.querySelector(`#policies .policy-stack[data-stack="${stack}"]`)!;
            // Violated first (open), then the rest folded: every policy of the pack once, in that order.
            const names = [...block.querySelectorAll("tbody th code")].map((c) => c.textContent);
            assert.deepEqual([...names].sort(), info.policies.map((p) => p.name).sort(), stack);
            const verdicts = [...block.querySelectorAll("tbody tr")].map((r) => r.querySelector(".verdict")!.textContent!);
            assert.ok(block.querySelector("details.policies-rest table"), `${stack}: the policies with no violation are folded`);
            for (const v of verdicts) assert.match(v, /PASS|FAIL|WARN|DISABLED/);
            // Violations first: a policy the 5-minute target fails heads the table, every pass after every failure.
            assert.ok(["dr-estimates-within-targets", "dr-failure-detection-within-rto"].includes(names[0]!), `${stack}: ${names[0]}`);
            assert.match(verdicts[0], /FAIL/);
            assert.ok(
                verdicts.findIndex((v) => /PASS/.test(v)) > verdicts.map((v) => /FAIL|WARN/.test(v)).lastIndexOf(true),
                `${stack}: ${verdicts.join(", ")}`,
            );
        }
    });

    it("rehearses the configured strategy's three drills and shows each verdict and what it changes", () => {
        const heads = [...doc.querySelectorAll("#drills h3")].map((h) => h.textContent!);
        assert.deepEqual(
            heads.map((h) => h.split(" (")[0]),
            ["Switchover", "Failback", "Unplanned failover"],
        );
        for (const h of heads) assert.match(h, /: PASS$/);
        assert.ok(doc.querySelectorAll("#drills table.drill tbody tr").length >= 6, "each drill lists both stacks in runbook order");
        assert.match(
            doc.getElementById("drills")!.textContent!,
            /npm run drill -- --all-stacks --base rtoTarget=5m --base rpoTarget=1h --base dr\/web\.instanceType=t3\.large -c primaryRegion=us-west-2/,
        );
    });

    it("the terminal leads with the answer: one screen per pair, targets with their verdicts, the page's path", () => {
        const screen = out.split("\n\nThis is an OFFLINE plan")[0].split("\n");
        assert.ok(screen.length <= 24, `${screen.length} lines:\n${out}`);
        assert.match(out, /RTO {8}unplanned failover \S+, planned switchover \S+ · rtoTarget 5m: MISSED \(estimate \S+\)/);
        assert.match(out, /RPO {8}unplanned \S+ .*· rpoTarget 1h: MET/);
        assert.match(out, /standby \$[\d,]+\.\d\d\/month = [\d.]+ % of the primary's \$[\d,]+\.\d\d\/month/);
        // A 5-minute RTO target leaves the health checks' detection too slow for dr-failure-detection-within-rto.
        assert.match(out, /Policies {3}securecart-policies@[\d.]+: prod FAIL \(\d+ mandatory\) · dr FAIL \(\d+ mandatory\)/);
        assert.match(out, /MANDATORY {2}dr-failure-detection-within-rto: \d+ on prod, \d+ on dr/);
        assert.match(out, new RegExp(`the DR report page .*index\\.html`));
        assert.match(out, /switchover +prod ↔ dr: PASS/);
        // npm run plan prints the same summary, and says how to get the rest.
        assert.match(summary, /rtoTarget 5m: MISSED/);
        assert.match(summary, /npm run plan -- --explain`: each stack's resources/);
        assert.doesNotMatch(summary, /Estimate constants|Price sheet|=== stack/, "the constants, the price sheet and the trees wait for --explain");
    });
});

describe("plan summary: a target set on one stack only", function () {
    this.timeout(600000);
    it("the pair's verdict includes it, and the run fails on it (prod/rtoTarget=5m)", async () => {
        const analyzer = await PolicyAnalyzer.start();
        let out = "";
        try {
            await assert.rejects(
                runPlan(["-c", "prod/rtoTarget=5m"], { write: (t) => (out += t), analyzer, planStacks: cachedPlanStacks }),
                (e: Error) => e instanceof CheckFailed && /exceeds rtoTarget 5m/.test(e.message),
            );
        } finally {
            analyzer.close();
        }
        assert.match(out, /RTO {8}unplanned failover \S+, planned switchover \S+ · rtoTarget 5m: MISSED/);
        assert.match(out, /RPO .* · no target set \(rpoTarget\)/);
    });

    it("printing one stack, its pair's other stack's target still decides the exit code (--stack prod -c dr/rtoTarget=5m)", async () => {
        const analyzer = await PolicyAnalyzer.start();
        let out = "";
        try {
            await assert.rejects(
                runPlan(["--stack", "prod", "-c", "dr/rtoTarget=5m"], { write: (t) => (out += t), analyzer, planStacks: cachedPlanStacks }),
                (e: Error) => e instanceof CheckFailed && /exceeds rtoTarget 5m/.test(e.message),
            );
        } finally {
            analyzer.close();
        }
        // The summary says so too: the verdict and the exit code agree.
        assert.match(out, /rtoTarget 5m: MISSED/);
    });
});

describe("report: a setting one strategy refuses leaves it out of the comparison, said, instead of failing the page", function () {
    this.timeout(600000);
    it("-c strategy=pilot-light -c cache.nodeType=cache.t4g.small: pilot light and backup-restore compared, the Global Datastore strategies refused with the reason", async () => {
        const { rows, refused } = await strategyRows(files, overrides("strategy=pilot-light", "cache.nodeType=cache.t4g.small"), cachedPlanStacks, {
            keepGoing: true,
        });
        assert.deepEqual(
            rows.map((r) => r.strategy),
            ["backup-restore", "pilot-light"],
        );
        assert.deepEqual(
            refused.map((r) => r.strategy),
            ["warm-standby", "active-active"],
        );
        for (const r of refused) assert.match(r.message, /cache\.nodeType/);
        // Without keepGoing (--compare-strategies), the refusal is the command's exit 2.
        await assert.rejects(strategyRows(files, overrides("strategy=pilot-light", "cache.nodeType=cache.t4g.small"), cachedPlanStacks), ConfigError);
    });
});

describe("report: the pure pieces, over generated input", () => {
    it("shellWord: a drill command's value reads back the same in a POSIX shell", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary", minLength: 1 }), (raw) => {
                const text = raw.replace(/\0/g, "");
                fc.pre(text.length > 0);
                const r = spawnSync("sh", ["-c", `printf %s ${shellWord(text)}`], { encoding: "utf8" });
                return r.stdout === text;
            }),
            { numRuns: 40 },
        );
    });

    it("esc: any text survives as text, in content and in an attribute", () => {
        fc.assert(
            fc.property(fc.string({ unit: "binary" }), (s) => {
                const clean = s.replace(/[\0\r]/g, "");
                const d = parseHtml(`<p title="${esc(clean)}">${esc(clean)}</p>`);
                const p = d.querySelector("p")!;
                return p.textContent === clean && p.getAttribute("title") === clean && p.children.length === 0;
            }),
            { numRuns: 300 },
        );
    });

    it("inlineScript: no text inside a script can close it or start a comment, and the script means the same", () => {
        const nasty = fc.constantFrom("</script>", "</SCRIPT >", "<!--", "<script>", "-->", "</scr", "<");
        fc.assert(
            fc.property(fc.array(fc.oneof(nasty, fc.string()), { maxLength: 8 }), (pieces) => {
                const text = pieces.join("");
                const js = `window.__value = ${JSON.stringify(text)};`;
                const w = runHtml(`<body><script>${inlineScript(js)}</script><p id="after">after</p></body>`);
                return w.document.querySelectorAll("script").length === 1 && w.document.getElementById("after") !== null && w.__value === text;
            }),
            { numRuns: 150 },
        );
    });

    const stepArb = fc.record({
        name: fc.stringMatching(/^[a-z]{1,10}$/),
        parts: fc.array(
            fc.record({ label: fc.string({ maxLength: 20 }), seconds: fc.integer({ min: 0, max: 3600 }), restsOn: fc.string({ maxLength: 20 }) }),
            {
                maxLength: 3,
            },
        ),
        unknown: fc.boolean(),
    });
    const timelineArb = fc
        .tuple(fc.array(fc.array(stepArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), fc.option(fc.nat()))
        .map(([phases, pick]): ChartTimeline => {
            const ps = phases.map((ph) =>
                ph.map((s) => ({
                    name: s.name,
                    parts: s.unknown ? [] : s.parts,
                    seconds: s.unknown ? null : s.parts.reduce((a, p) => a + p.seconds, 0),
                    ...(s.unknown ? { unknown: "not published" } : {}),
                })),
            );
            const known = ps.every((ph) => ph.every((s) => s.seconds !== null));
            const named = ps.flat();
            return {
                phases: ps,
                seconds: known ? ps.reduce((a, ph) => a + Math.max(...ph.map((s) => s.seconds ?? 0)), 0) : null,
                // Some timelines name a dominating step (by name, as the estimator does), some none.
                ...(pick === null ? {} : { dominant: { step: named[pick % named.length].name } }),
            };
        });

    it("placeSteps: the steps of a phase start together, each phase where the longest step before it ends", () => {
        fc.assert(
            fc.property(timelineArb, (tl) => {
                const { steps, knownEnd } = placeSteps(tl);
                assert.equal(steps.length, tl.phases.flat().length);
                const phases = tl.phases.map((_, i) => steps.filter((p) => p.phase === i));
                const end = (ps: typeof steps) => Math.max(...ps.map((p) => p.start + (p.seconds ?? 0)));
                phases.forEach((ps, i) => {
                    assert.equal(new Set(ps.map((p) => p.start)).size, 1, `phase ${i} starts once`);
                    assert.equal(ps[0].start, i === 0 ? 0 : end(phases[i - 1]), `phase ${i} starts where phase ${i - 1} ends`);
                });
                assert.equal(knownEnd, end(phases[phases.length - 1]));
                // Where every step is known, the chart ends at the timeline's own figure.
                if (tl.seconds !== null) assert.equal(knownEnd, tl.seconds);
            }),
        );
    });

    it("timelineSvg: one row per step, each with its figure as text, the unknown ones hatched and said", () => {
        fc.assert(
            fc.property(timelineArb, (tl) => {
                const d = parseHtml(timelineSvg(tl, "t", "a timeline"));
                const rows = [...d.querySelectorAll("g.step")];
                assert.equal(rows.length, tl.phases.flat().length);
                const flat = tl.phases.flat();
                rows.forEach((g, i) => {
                    const s = flat[i];
                    const value = g.querySelector(".bar-value")!.textContent!;
                    if (s.seconds === null) {
                        assert.equal(value, "unknown");
                        assert.ok(g.querySelector("rect.unknown"));
                    } else assert.equal(value.replace(" ◆ dominates", ""), formatDuration(s.seconds));
                    // The dominating step is said in words and outlined; no other is.
                    const dominant = tl.dominant?.step === s.name;
                    assert.equal(g.getAttribute("class")!.split(" ").includes("dominant"), dominant);
                    if (s.seconds !== null) {
                        assert.equal(value.endsWith("◆ dominates"), dominant, `${s.name}: "${value}"`);
                        assert.equal(g.querySelector("rect.dominant-outline") !== null, dominant);
                    }
                    for (const r of g.querySelectorAll("rect"))
                        assert.ok(Number(r.getAttribute("width")) >= 0 && Number.isFinite(Number(r.getAttribute("x"))));
                });
                assert.match(d.querySelector(".total")!.textContent!, tl.seconds === null ? /unknown/ : /^Total: /);
            }),
            { numRuns: 150 },
        );
    });
});
