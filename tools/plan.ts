/**
 * `npm run plan -- [--stack NAME]... [-c key=value]... [--json] [--compare-strategies] [--policy-config FILE]`
 * Evaluates the real program for each stack under Pulumi's mock runtime. See README "Offline plan".
 */
import * as path from "path";
import { Override, loadProjectFiles, parseOverride } from "../src/configSource";
import { STRATEGIES } from "../src/config";
import type { ProjectEstimate } from "../src/estimates";
import { CheckFailed, parseArgs, runCli } from "./cli";
import { writeDiagrams } from "./diagram";
import { CompareRow, compareRow, estimatePlans, estimatesJson, renderBasis, renderCompare, renderEstimates } from "./estimateReport";
import { StackPlan, planStacks } from "./planner";
import { failureMessage, policiesJson, renderPolicyReport, runPolicies } from "./policyReport";
import { OFFLINE_NOTICE, renderSummary, renderTree } from "./render";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** The JSON contract (README "JSON output"): one object per stack. */
export function toJson(plan: StackPlan): Record<string, unknown> {
    const { stackOutputs: _omit, ...rest } = plan;
    return {
        ...rest,
        resources: plan.resources.map((r) => ({
            urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, provider: r.provider,
            dependencies: r.dependencies, propertyDependencies: r.propertyDependencies, inputs: r.inputs, outputs: r.outputs,
            protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: r.ignoreChanges,
        })),
        outputs: plan.stackOutputs,
    };
}

async function cli(): Promise<number> {
    const args = parseArgs(process.argv.slice(2), ["--json", "--compare-strategies"], ["--policy-config"]);
    const files = loadProjectFiles(PROJECT_DIR);
    if (args.flags.has("--compare-strategies")) return compareStrategies(files, args.overrides);
    // Estimates need every stack of a pair, so every stack is planned; only the requested ones are printed.
    const all = await planStacks({ files, overrides: args.overrides }, args.stacks.length ? [...new Set([...args.stacks, ...Object.keys(files.stacks)])] : undefined);
    const plans = args.stacks.length ? args.stacks.map((s) => all.find((p) => p.stack === s) as StackPlan) : all;
    const estimates = estimatePlans(all);
    const estimateOf = (stack: string) => estimates.stacks.find((e) => e.stack === stack)!;
    const diagrams = writeDiagrams(path.join(PROJECT_DIR, "plan-out"), estimates.stacks.map((e) => ({ facts: e.facts, role: e.role })), all[0]?.strategy ?? "", plans.map((p) => p.stack));
    // A pair's check appears on both of its stacks; report it once.
    const failed = [...new Set(plans.flatMap((p) => estimateOf(p.stack).targets.filter((t) => !t.ok).map((t) => t.message)))];
    // The policy pack, run the way the engine runs it (tools/policyRunner.ts), once for all printed stacks.
    const policyReports = await runPolicies(plans, { policyConfigFile: args.values.get("--policy-config") });
    const policiesOf = (stack: string) => policyReports.find((r) => r.stack === stack)!;
    if (args.flags.has("--json")) {
        const docs = plans.map((p) => ({ ...toJson(p), estimates: estimatesJson(estimateOf(p.stack), estimates), policies: policiesJson(policiesOf(p.stack)) }));
        process.stdout.write(`${JSON.stringify(docs.length === 1 && args.stacks.length === 1 ? docs[0] : docs, null, 2)}\n`);
    } else {
        for (const plan of plans) {
            process.stdout.write(`\n=== stack ${plan.stack} (${plan.region}): role ${plan.role}, strategy ${plan.strategy} ===\n`);
            process.stdout.write(`${renderTree(plan)}\n\n${renderSummary(plan)}\n`);
            process.stdout.write(`\n${renderEstimates(estimateOf(plan.stack), estimates)}\n`);
            process.stdout.write(`\n${renderPolicyReport(policiesOf(plan.stack))}\n`);
        }
        process.stdout.write(`\n${renderBasis(estimates, overridesOf(plans[0]))}\n`);
        process.stdout.write(`\nTopology diagrams (Mermaid): ${diagrams.map((d) => path.relative(PROJECT_DIR, d)).join(", ")}\n`);
        process.stdout.write(`\n${OFFLINE_NOTICE}\n`);
    }
    const policyFailure = failureMessage(policyReports);
    const failures = [...(failed.length ? [`estimates exceed their targets:\n${failed.map((f) => `  - ${f}`).join("\n")}`] : []), ...(policyFailure ? [policyFailure] : [])];
    if (failures.length) throw new CheckFailed(failures.join("\n"));
    return 0;
}

function overridesOf(plan: StackPlan | undefined): Record<string, number> {
    return ((plan?.config["securecart:estimates"] ?? {}) as Record<string, number>);
}

/** `--compare-strategies`: plans the project under each strategy and prints one table, with the constants and prices behind it. */
async function compareStrategies(files: ReturnType<typeof loadProjectFiles>, overrides: Override[]): Promise<number> {
    const rows: CompareRow[] = [];
    let last: ProjectEstimate | undefined;
    let firstPlans: StackPlan[] = [];
    for (const strategy of STRATEGIES) {
        const plans = await planStacks({ files, overrides: [...overrides, parseOverride(`strategy=${strategy}`)] });
        last = estimatePlans(plans);
        if (!firstPlans.length) firstPlans = plans;
        rows.push(compareRow(strategy, last));
    }
    process.stdout.write(`DR strategies compared for this project (recovery of the primary into the standby; unplanned RTO and RPO are for an unplanned failover):\n\n${renderCompare(rows)}\n\n`);
    if (last) process.stdout.write(`${renderBasis(last, overridesOf(firstPlans[0]))}\n\n`);
    process.stdout.write(`Each figure follows from the planned resources' settings and the constants and prices above; run \`npm run plan -- -c strategy=<name>\` for a strategy's full timeline and cost lines.\n\n${OFFLINE_NOTICE}\n`);
    return 0;
}

if (require.main === module) runCli(cli);
