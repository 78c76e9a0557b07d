/**
 * `npm run plan -- [--stack NAME]... [-c key=value]... [--json]`
 * Evaluates the real program for each stack under Pulumi's mock runtime. See README "Offline plan".
 */
import * as path from "path";
import { loadProjectFiles } from "../src/configSource";
import { parseArgs, runCli } from "./cli";
import { StackPlan, planStacks } from "./planner";
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
    const args = parseArgs(process.argv.slice(2), ["--json"]);
    const files = loadProjectFiles(PROJECT_DIR);
    const plans = await planStacks({ files, overrides: args.overrides }, args.stacks);
    if (args.flags.has("--json")) {
        const docs = plans.map(toJson);
        process.stdout.write(`${JSON.stringify(docs.length === 1 && args.stacks.length === 1 ? docs[0] : docs, null, 2)}\n`);
        return 0;
    }
    for (const plan of plans) {
        process.stdout.write(`\n=== stack ${plan.stack} (${plan.region}): role ${plan.role}, strategy ${plan.strategy} ===\n`);
        process.stdout.write(`${renderTree(plan)}\n\n${renderSummary(plan)}\n`);
    }
    process.stdout.write(`\n${OFFLINE_NOTICE}\n`);
    return 0;
}

if (require.main === module) runCli(cli);
