/**
 * `npm run report -- [-c key=value]... [-c STACK/key=value]... [--policy-config FILE]`
 *
 * Writes the DR report page, plan-out/index.html: one self-contained file that opens from disk with no server
 * and no network, for every stack of the project (a page shows stack pairs, so it takes no --stack). It plans
 * the project as `npm run plan` does (the same -c overrides), runs the policy pack on every stack,
 * plans it under each strategy for the comparison, and rehearses the configured strategy's switchover, failback
 * and unplanned failover for each stack pair, then prints the plan's one-screen summary with the page's path.
 * The page is written whatever the verdicts; the exit code is then the plan's (1 when a target is missed or a
 * mandatory policy is violated) or 1 when a drill fails or cannot be rehearsed. 2: bad arguments or configuration.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../src/config";
import { Override, ProjectFiles, loadFromFiles, loadProjectFiles, parseOverride } from "../src/configSource";
import { CheckFailed, CliSpec, parseArgs, runCli } from "./cli";
import { overrideText } from "./drill";
import { PROJECT_DIR } from "./paths";
import type { PlanEnvironment, PlanRun } from "./plan";
import type { StackPlan } from "./planner";
import type { ReportData, ReportDrill, DrillName } from "./reportPage";

/** What `npm run report` accepts: what `npm run plan` takes, less the output switches and --stack (the page shows every pair). */
export const REPORT_ARGS: CliSpec = { valueFlags: ["--policy-config"], stack: false };

/** A value as a POSIX shell reads it back: bare when it is plain, single-quoted otherwise. */
export function shellWord(text: string): string {
    return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface ReportEnvironment extends PlanEnvironment {
    /** Where the page goes. Default: plan-out/index.html in the project. */
    readonly page?: string;
    /** The page's date. Default: now. */
    readonly now?: () => Date;
}

/** The page's default path. */
export const REPORT_PAGE = path.join(PROJECT_DIR, "plan-out", "index.html");

/** The drills of a pair as `npm run drill` takes them: the run's overrides are every drill's base. */
export function drillsOf(
    primary: StackPlan,
    standby: StackPlan,
    overrides: readonly Override[],
): { name: DrillName; base: Override[]; changes: Override[]; command: string }[] {
    const to = standby.region;
    const home = primary.region;
    const baseText = overrides.map((o) => ` --base ${shellWord(overrideText(o, o.stack))}`).join("");
    const c = (kv: string) => parseOverride(kv);
    return [
        {
            name: "switchover",
            base: [...overrides],
            changes: [c(`primaryRegion=${to}`)],
            command: `npm run drill -- --all-stacks${baseText} -c primaryRegion=${to}`,
        },
        {
            name: "failback",
            base: [...overrides, c(`primaryRegion=${to}`)],
            changes: [c(`primaryRegion=${home}`)],
            command: `npm run drill -- --all-stacks${baseText} --base primaryRegion=${to} -c primaryRegion=${home}`,
        },
        {
            name: "unplanned failover",
            base: [...overrides],
            changes: [c(`primaryRegion=${to}`), c("failoverMode=unplanned")],
            command: `npm run drill -- --all-stacks${baseText} -c primaryRegion=${to} -c failoverMode=unplanned`,
        },
    ];
}

/** Rehearses each pair's drills; a side whose configuration is refused is reported on the page, not thrown. */
async function rehearseDrills(
    run: PlanRun,
    files: ProjectFiles,
    overrides: readonly Override[],
    plan: NonNullable<PlanEnvironment["planStacks"]>,
): Promise<ReportDrill[]> {
    const { rehearse, splitByStack } = await import("./drill");
    const out: ReportDrill[] = [];
    for (const pair of run.estimates.pairs) {
        const primary = run.all.find((p) => p.stack === pair.primary);
        const standby = run.all.find((p) => p.stack === pair.standby);
        if (!primary || !standby) continue;
        for (const d of drillsOf(primary, standby, overrides)) {
            const base = splitByStack(d.base);
            const changes = splitByStack(d.changes);
            try {
                const rehearsal = await rehearse({
                    files,
                    base: base.global,
                    changes: changes.global,
                    perStackBase: base.perStack,
                    perStackChanges: changes.perStack,
                    plan,
                });
                out.push({ name: d.name, primary: pair.primary, standby: pair.standby, command: d.command, rehearsal });
            } catch (e) {
                // The page is written whatever happens to a drill: a side refused, or the program failing under it.
                const why = e instanceof ConfigError ? e.message : `the rehearsal failed: ${(e as Error)?.message ?? String(e)}`;
                out.push({ name: d.name, primary: pair.primary, standby: pair.standby, command: d.command, error: why });
            }
        }
    }
    return out;
}

/** The page's data from a plan run, the strategy comparison and the rehearsals. */
async function reportData(
    run: PlanRun,
    compare: ReportData["compare"],
    compareRefused: ReportData["compareRefused"],
    drills: readonly ReportDrill[],
    overrides: readonly Override[],
    now: Date,
): Promise<ReportData> {
    const [{ mermaidFor }, { CONSTANTS, CONSTANT_NAMES }, { OFFLINE_NOTICE }, { pairTargetChecks }] = await Promise.all([
        import("./diagram"),
        import("../src/estimates"),
        import("./render"),
        import("./summary"),
    ]);
    const diagramStack = (stack: string) => {
        const e = run.estimates.stacks.find((x) => x.stack === stack)!;
        return { facts: e.facts, role: e.role, resources: run.all.find((p) => p.stack === stack)?.resources };
    };
    const pairs = run.estimates.pairs;
    const stacks = run.all;
    const strategy = run.all[0]?.strategy ?? "";
    const policiesOf = (stack: string) => {
        const r = run.policyReports.find((x) => x.stack === stack);
        if (!r) throw new Error(`the policy pack did not run on stack ${stack}`);
        return r;
    };
    return {
        project: run.all[0]?.project ?? "securecart",
        strategy,
        generated: now.toISOString(),
        overrides: overrides.map((o) => overrideText(o, o.stack)),
        stacks: stacks.map((p) => ({
            stack: p.stack,
            region: p.region,
            role: p.role,
            strategy: p.strategy,
            estimate: run.estimates.stacks.find((e) => e.stack === p.stack)!,
            policies: policiesOf(p.stack),
        })),
        pairs: pairs.map((p) => ({
            primary: p.primary,
            standby: p.standby,
            estimate: p,
            targets: pairTargetChecks(run.estimates, p),
            mermaid: mermaidFor(
                [diagramStack(p.primary), diagramStack(p.standby)],
                `SecureCart topology: ${p.primary} and ${p.standby} (strategy ${strategy})`,
            ),
        })),
        compare,
        compareRefused,
        drills: drills.filter((d) => pairs.some((p) => p.primary === d.primary && p.standby === d.standby)),
        constants: CONSTANT_NAMES.map((n) => ({
            name: n,
            unit: CONSTANTS[n].unit,
            source: CONSTANTS[n].source,
            values: stacks.map((p) => {
                const own = (p.config["securecart:estimates"] ?? {}) as Record<string, number>;
                return { stack: p.stack, value: own[n] ?? CONSTANTS[n].value, overridden: n in own };
            }),
        })),
        priceSheet: run.estimates.priceSheet,
        offlineNotice: OFFLINE_NOTICE,
        mermaidScript: fs.readFileSync(require.resolve("mermaid/dist/mermaid.min.js"), "utf8"),
    };
}

/**
 * The `npm run report` command on an argument list. Resolves to 0 when every check holds; throws CheckFailed
 * (exit 1) after writing the page when one does not, and UsageError/ConfigError (exit 2) before anything runs.
 */
export async function runReport(argv: readonly string[], env: ReportEnvironment = {}): Promise<number> {
    const write =
        env.write ??
        ((t: string) => {
            process.stdout.write(t);
        });
    const args = parseArgs(argv, REPORT_ARGS);
    const files = loadProjectFiles(PROJECT_DIR);
    // Config mistakes and unknown stacks are refused before any process starts.
    loadFromFiles(files, args.overrides);
    const { memoisedPlanner, planStacks } = await import("./planner");
    // The plan, the comparison and the rehearsals share plans of the same configuration.
    const plan = memoisedPlanner(env.planStacks ?? planStacks);
    const { planAndCheck, strategyRows, withAnalyzer } = await import("./plan");
    const run = await withAnalyzer(env.analyzer, (analyzer) =>
        planAndCheck(
            { stacks: [], overrides: args.overrides, policyConfigFile: args.values.get("--policy-config"), preview: false },
            files,
            plan,
            analyzer,
        ),
    );
    // A setting one strategy refuses (a node type, a region count) leaves that strategy out of the comparison, said on the page.
    const { rows, refused } = await strategyRows(files, args.overrides, plan, { keepGoing: true });
    const drills = await rehearseDrills(run, files, args.overrides, plan);
    const data = await reportData(run, rows, refused, drills, args.overrides, (env.now ?? (() => new Date()))());
    const { drillVerdict, renderReportPage } = await import("./reportPage");
    const page = env.page ?? REPORT_PAGE;
    fs.mkdirSync(path.dirname(page), { recursive: true });
    fs.writeFileSync(page, renderReportPage(data));
    const { renderPlanSummary } = await import("./summary");
    const { OFFLINE_NOTICE } = await import("./render");
    const drillLines = data.drills.map((d) => `  ${d.name.padEnd(20)} ${d.primary} ↔ ${d.standby}: ${drillVerdict(d)}`);
    write(`${renderPlanSummary(run, { page })}\n`);
    if (drillLines.length) write(`Drills     rehearsed offline (npm run drill):\n${drillLines.join("\n")}\n`);
    write(`\n${OFFLINE_NOTICE}\n`);
    const drillFailures = data.drills
        .filter((d) => drillVerdict(d) !== "PASS")
        .map(
            (d) =>
                `drill ${d.name} (${d.primary} ↔ ${d.standby}) ${d.rehearsal ? "fails its verdict" : `cannot be rehearsed: ${d.error}`}; run: ${d.command}`,
        );
    const failures = [...run.failures, ...drillFailures];
    if (failures.length) throw new CheckFailed(`${failures.join("\n")}\n(the page was written: ${path.relative(PROJECT_DIR, page)})`);
    return 0;
}

if (require.main === module) runCli(() => runReport(process.argv.slice(2)));
