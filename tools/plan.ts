/**
 * `npm run plan -- [--stack NAME]... [-c key=value]... [--json | --explain] [--preview] [--compare-strategies] [--policy-config FILE]`
 * Evaluates the real program for each stack under Pulumi's mock runtime. See README "Offline plan".
 * Prints a one-screen summary per stack pair; `--explain` adds every resource, step, constant and price behind it.
 * `--preview` evaluates it as a first `pulumi preview` sees it (computed values unknown; tools/planner.ts).
 */
import * as path from "path";
import { Override, ProjectFiles, loadFromFiles, loadProjectFiles, parseOverride } from "../src/configSource";
import { ConfigError, STRATEGIES } from "../src/config";
import type { ProjectEstimate } from "../src/estimates";
import { PROJECT_DIR } from "./paths";
import { CheckFailed, UsageError, parseArgs, runCli } from "./cli";
import { startAnalyzerProcess } from "./analyzerProcess";
import type { CompareRow } from "./estimateReport";
import type { StackPlan, planStacks } from "./planner";
import type { PolicyAnalyzer } from "./policyRunner";
import type { StackPolicyReport } from "./policyReport";

// Everything heavy (the Pulumi SDK, the estimator, gRPC) is imported inside runPlan, after the policy pack's
// process has been started, so the pack loads on the other core while this one loads the SDK and plans.

export { PROJECT_DIR };

/**
 * The JSON contract (README "JSON output"): one object per stack. A preview adds `"preview": true`, where
 * each StackReference's outputs came from (`"deployed"`), and the dynamic provider checks made.
 */
export function toJson(plan: StackPlan): Record<string, unknown> {
    const { stackOutputs: _omit, preview, stackReferences, dynamicChecks, ...rest } = plan;
    return {
        ...rest,
        ...(preview ? { preview: true, stackReferences, dynamicChecks } : {}),
        resources: plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            provider: r.provider,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
            inputs: r.inputs,
            outputs: r.outputs,
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            ignoreChanges: r.ignoreChanges,
        })),
        outputs: plan.stackOutputs,
    };
}

/** What `runPlan` writes to and runs with; the defaults are the process's (tests pass their own). */
export interface PlanEnvironment {
    /** Standard output. Default: process.stdout. */
    readonly write?: (text: string) => void;
    /** A policy analyzer already running (default: start one for this run and stop it afterwards). */
    readonly analyzer?: PolicyAnalyzer;
    /** The planner (default: tools/planner.ts planStacks; tests pass a memoised one). */
    readonly planStacks?: typeof planStacks;
}

/** The flags `npm run plan` takes beside --stack, -c and --policy-config. */
export const PLAN_FLAGS = ["--json", "--compare-strategies", "--preview", "--explain"] as const;

/**
 * The `npm run plan` command on an argument list. Resolves to the exit code for a clean run; throws what
 * runCli maps to exit codes otherwise (UsageError/ConfigError → 2, CheckFailed and program failures → 1).
 */
export async function runPlan(argv: readonly string[], env: PlanEnvironment = {}): Promise<number> {
    const write =
        env.write ??
        ((t: string) => {
            process.stdout.write(t);
        });
    const args = parseArgs(argv, PLAN_FLAGS, ["--policy-config"]);
    const preview = args.flags.has("--preview");
    if (preview && args.flags.has("--compare-strategies")) {
        throw new UsageError(
            "--compare-strategies with --preview: the comparison rests on settings (sizes, intervals, schedules, routing), which are known before deployment, so a preview gives the same table; run --compare-strategies without --preview, or --preview with -c strategy=<name>",
        );
    }
    if (args.flags.has("--json") && args.flags.has("--explain"))
        throw new UsageError("--json with --explain: the JSON already holds every figure, step, cost line and violation; give one of them");
    const files = loadProjectFiles(PROJECT_DIR);
    if (args.flags.has("--compare-strategies")) {
        return compareStrategies(files, args.overrides, write, env.planStacks ?? (await import("./planner")).planStacks);
    }
    // Config mistakes and unknown stacks are refused before any process starts.
    loadFromFiles(files, args.overrides, args.stacks);
    const run = await withAnalyzer(env.analyzer, async (analyzer) =>
        planAndCheck(
            { stacks: args.stacks, overrides: args.overrides, policyConfigFile: args.values.get("--policy-config"), preview },
            files,
            env.planStacks ?? (await import("./planner")).planStacks,
            analyzer,
        ),
    );
    if (args.flags.has("--json")) {
        const docs = await planDocuments(run);
        write(`${JSON.stringify(docs.length === 1 && args.stacks.length === 1 ? docs[0] : docs, null, 2)}\n`);
    } else {
        const { renderPlanSummary } = await import("./summary");
        write(`${renderPlanSummary(run, { explain: args.flags.has("--explain") })}\n`);
        if (args.flags.has("--explain")) write(await renderExplanation(run));
        const { OFFLINE_NOTICE, PREVIEW_NOTICE } = await import("./render");
        write(`\n${OFFLINE_NOTICE}\n`);
        if (preview) write(`\n${PREVIEW_NOTICE}\n`);
    }
    if (run.failures.length) throw new CheckFailed(run.failures.join("\n"));
    return 0;
}

/**
 * Runs `fn` with a policy analyzer: the one given, or one started for this run and stopped afterwards (the pack
 * loads on the other core while this one loads the SDK and plans).
 */
export async function withAnalyzer<T>(
    given: PolicyAnalyzer | undefined,
    fn: (analyzer: Promise<PolicyAnalyzer> | PolicyAnalyzer) => Promise<T>,
): Promise<T> {
    if (given) return fn(given);
    const proc = startAnalyzerProcess();
    let analyzer: Promise<PolicyAnalyzer> | undefined;
    try {
        analyzer = (await import("./policyRunner")).PolicyAnalyzer.connect(proc);
        // A failed start is reported where the analyzer is needed, not as an unhandled rejection meanwhile.
        analyzer.catch(() => undefined);
        return await fn(analyzer);
    } finally {
        // Stopped first: a run that failed early does not wait for the pack to finish loading.
        proc.kill();
        (await analyzer?.catch(() => undefined))?.close();
    }
}

/** What one run of the plan found: every reader (the terminal, the JSON, the page) takes its figures from here. */
export interface PlanRun {
    /** Every stack of the project, planned (estimates need every stack of a pair). */
    readonly all: readonly StackPlan[];
    /** The stacks asked for (all of them when none was named), in the order asked. */
    readonly plans: readonly StackPlan[];
    readonly estimates: ProjectEstimate;
    readonly policyReports: readonly StackPolicyReport[];
    /** The topology diagrams written (absolute paths). */
    readonly diagrams: readonly string[];
    /** The checks that failed (targets, mandatory policies), one message each; empty when all hold. */
    readonly failures: readonly string[];
    readonly preview: boolean;
    /** The constant overrides in effect (`securecart:estimates`). */
    readonly constantOverrides: Readonly<Record<string, number>>;
}

/** What to plan and check. */
export interface PlanRequest {
    readonly stacks: readonly string[];
    readonly overrides: readonly Override[];
    readonly policyConfigFile?: string;
    readonly preview: boolean;
}

/** Plans every stack, estimates, writes the diagrams and runs the policy pack over the stacks asked for. */
export async function planAndCheck(
    req: PlanRequest,
    files: ProjectFiles,
    plan: typeof planStacks,
    analyzerReady: PolicyAnalyzer | Promise<PolicyAnalyzer>,
): Promise<PlanRun> {
    const [{ estimatePlans }, { writeDiagrams }, { failureMessage, runPolicies }] = await Promise.all([
        import("./estimateReport"),
        import("./diagram"),
        import("./policyReport"),
    ]);
    const all = await plan(
        { files, overrides: req.overrides, preview: req.preview },
        req.stacks.length ? [...new Set([...req.stacks, ...Object.keys(files.stacks)])] : undefined,
    );
    const plans = req.stacks.length ? req.stacks.map((s) => all.find((p) => p.stack === s) as StackPlan) : all;
    const estimates = estimatePlans(all);
    const estimateOf = (stack: string) => estimates.stacks.find((e) => e.stack === stack)!;
    const diagrams = writeDiagrams(
        path.join(PROJECT_DIR, "plan-out"),
        estimates.stacks.map((e) => ({ facts: e.facts, role: e.role, resources: all.find((p) => p.stack === e.stack)?.resources })),
        all[0]?.strategy ?? "",
        plans.map((p) => p.stack),
    );
    // Each stack of a printed stack's pair checks the pair against its own targets (what the summary shows); a
    // check both make is reported once.
    const printed = new Set(plans.map((p) => p.stack));
    const inPrintedPair = (stack: string) =>
        printed.has(stack) ||
        estimates.pairs.some((x) => (x.primary === stack || x.standby === stack) && (printed.has(x.primary) || printed.has(x.standby)));
    const failed = [
        ...new Set(
            all
                .filter((p) => inPrintedPair(p.stack))
                .flatMap((p) =>
                    estimateOf(p.stack)
                        .targets.filter((t) => !t.ok)
                        .map((t) => t.message),
                ),
        ),
    ];
    // The policy pack, run the way the engine runs it (tools/policyRunner.ts), once for all printed stacks.
    const policyReports = await runPolicies(plans, { policyConfigFile: req.policyConfigFile, analyzer: await analyzerReady });
    const policyFailure = failureMessage(policyReports);
    return {
        all,
        plans,
        estimates,
        policyReports,
        diagrams,
        failures: [
            ...(failed.length ? [`estimates exceed their targets:\n${failed.map((f) => `  - ${f}`).join("\n")}`] : []),
            ...(policyFailure ? [policyFailure] : []),
        ],
        preview: req.preview,
        // The constants the pairs' figures were estimated with: the first pair's standby's (a stack may override its own).
        constantOverrides: overridesOf(all.find((p) => p.stack === estimates.pairs[0]?.standby) ?? plans[0]),
    };
}

/** The stacks' documents in the JSON contract: each plan with its estimates and its policy verdicts. */
export async function planDocuments(run: PlanRun): Promise<Record<string, unknown>[]> {
    const [{ estimatesJson }, { policiesJson }] = await Promise.all([import("./estimateReport"), import("./policyReport")]);
    return run.plans.map((p) => ({
        ...toJson(p),
        estimates: estimatesJson(
            run.estimates.stacks.find((e) => e.stack === p.stack)!,
            run.estimates,
        ),
        policies: policiesJson(run.policyReports.find((r) => r.stack === p.stack)!),
    }));
}

/** `--explain`: each stack's tree, resource counts, estimate timelines with every constant, cost lines and policy report, then the constants and the price sheet. */
async function renderExplanation(run: PlanRun): Promise<string> {
    const [{ renderBasis, renderEstimates }, { renderPolicyReport }, { renderOutputs, renderPreviewFacts, renderSummary, renderTree }] =
        await Promise.all([import("./estimateReport"), import("./policyReport"), import("./render")]);
    let out = "";
    const write = (t: string) => {
        out += t;
    };
    for (const plan of run.plans) {
        write(
            `\n=== stack ${plan.stack} (${plan.region}): role ${plan.role}, strategy ${plan.strategy}${plan.preview ? " — PREVIEW (first pulumi preview: computed values [unknown])" : ""} ===\n`,
        );
        if (plan.secondPassAfter?.length)
            write(
                `Planned as this stack's next \`pulumi up\` of a first deployment, after ${plan.secondPassAfter.join(", ")}: ${
                    (plan.config["securecart:regions"] as string[] | undefined)?.[0] === plan.region
                        ? "its first cannot replicate assets, order events, the user pool or the shared files into a region whose stack has not deployed its bucket, bus, key or file system yet"
                        : "its first cannot set the status of a user pool replica the home stack had not created yet"
                }.\n`,
            );
        write(`${renderTree(plan)}\n\n${renderSummary(plan)}\n`);
        if (plan.preview) write(`\n${renderOutputs(plan)}\n\n${renderPreviewFacts(plan)}\n`);
        write(
            `\n${renderEstimates(
                run.estimates.stacks.find((e) => e.stack === plan.stack)!,
                run.estimates,
            )}\n`,
        );
        write(`\n${renderPolicyReport(run.policyReports.find((r) => r.stack === plan.stack)!)}\n`);
    }
    write(`\n${renderBasis(run.estimates, run.constantOverrides)}\n`);
    return out;
}

function overridesOf(plan: StackPlan | undefined): Record<string, number> {
    return (plan?.config["securecart:estimates"] ?? {}) as Record<string, number>;
}

/** The project planned and estimated under each strategy (`--compare-strategies`), one row per strategy. */
export async function strategyRows(
    files: ProjectFiles,
    overrides: readonly Override[],
    plan: typeof planStacks,
    opts: { readonly keepGoing?: boolean } = {},
): Promise<{
    rows: CompareRow[];
    /** With `keepGoing`: the strategies this configuration is refused under (a setting one strategy does not allow), and why. */
    refused: { strategy: string; message: string }[];
    last?: ProjectEstimate;
    constantOverrides: Record<string, number>;
}> {
    const { compareRow, estimatePlans } = await import("./estimateReport");
    const rows: CompareRow[] = [];
    const refused: { strategy: string; message: string }[] = [];
    let last: ProjectEstimate | undefined;
    let firstPlans: StackPlan[] = [];
    for (const strategy of STRATEGIES) {
        let plans: StackPlan[];
        try {
            plans = await plan({ files, overrides: [...overrides, parseOverride(`strategy=${strategy}`)] });
        } catch (e) {
            if (!opts.keepGoing || !(e instanceof ConfigError)) throw e;
            refused.push({ strategy, message: e.message });
            continue;
        }
        last = estimatePlans(plans);
        if (!firstPlans.length) firstPlans = plans;
        rows.push(compareRow(strategy, last));
    }
    return { rows, refused, last, constantOverrides: overridesOf(firstPlans[0]) };
}

/** `--compare-strategies`: plans the project under each strategy and prints one table, with the constants and prices behind it. */
async function compareStrategies(
    files: ProjectFiles,
    overrides: Override[],
    write: (text: string) => void,
    plan: typeof planStacks,
): Promise<number> {
    const [{ renderBasis, renderCompare }, { OFFLINE_NOTICE }] = await Promise.all([import("./estimateReport"), import("./render")]);
    const { rows, last, constantOverrides } = await strategyRows(files, overrides, plan);
    write(
        `DR strategies compared for this project (recovery of the primary into the standby; unplanned RTO and RPO are for an unplanned failover):\n\n${renderCompare(rows)}\n\n`,
    );
    if (last) write(`${renderBasis(last, constantOverrides)}\n\n`);
    write(
        `Each figure follows from the planned resources' settings and the constants and prices above; run \`npm run plan -- -c strategy=<name>\` for a strategy's full timeline and cost lines.\n\n${OFFLINE_NOTICE}\n`,
    );
    return 0;
}

if (require.main === module) runCli(() => runPlan(process.argv.slice(2)));
