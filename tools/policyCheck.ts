/**
 * `npm run policy:check -- PLAN.json [--policy-config FILE] [--json]`
 * Runs the policy pack, the way the engine does, against a saved plan (`npm run plan -- --json > PLAN.json`:
 * one stack document or an array of them). Prints the same report as `npm run plan`; exits 1 on any
 * mandatory violation, 2 on a bad argument, an unreadable plan or a bad policy config.
 */
import * as fs from "fs";
import { CheckFailed, UsageError, parseArgs, runCli } from "./cli";
import { PlanForPolicies, failureMessage, policiesJson, renderPolicyReport, runPolicies } from "./policyReport";

const REQUIRED_RESOURCE_KEYS = ["urn", "type", "name", "inputs", "outputs"] as const;

/** Reads a saved plan and checks it holds what the analyzer needs; every problem is reported at once. */
export function readPlanFile(file: string): PlanForPolicies[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`${file}: cannot read the plan: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new UsageError(`${file}: not valid JSON (${(e as Error).message}); expected the output of \`npm run plan -- --json\``);
    }
    const docs = Array.isArray(doc) ? doc : [doc];
    const problems: string[] = [];
    docs.forEach((d, i) => {
        const where = Array.isArray(doc) ? `${file}[${i}]` : file;
        if (d === null || typeof d !== "object") { problems.push(`${where}: expected a stack plan object`); return; }
        const p = d as Record<string, unknown>;
        for (const k of ["project", "stack"]) if (typeof p[k] !== "string") problems.push(`${where}.${k}: expected a string`);
        if (!Array.isArray(p.resources)) { problems.push(`${where}.resources: expected an array of resources`); return; }
        (p.resources as unknown[]).forEach((r, j) => {
            const missing = REQUIRED_RESOURCE_KEYS.filter((k) => r === null || typeof r !== "object" || (r as Record<string, unknown>)[k] === undefined);
            if (missing.length) problems.push(`${where}.resources[${j}]: missing ${missing.join(", ")}`);
        });
    });
    if (problems.length) throw new UsageError(problems.slice(0, 20).join("\n") + (problems.length > 20 ? `\n... and ${problems.length - 20} more` : ""));
    return docs.map((d) => {
        const p = d as Record<string, unknown>;
        return {
            project: p.project as string,
            stack: p.stack as string,
            region: typeof p.region === "string" ? p.region : undefined,
            config: (p.config as Record<string, unknown> | undefined) ?? {},
            resources: (p.resources as Array<Record<string, unknown>>).map((r) => ({
                urn: r.urn as string,
                type: r.type as string,
                name: r.name as string,
                parent: (r.parent as string | null | undefined) ?? null,
                provider: (r.provider as string | null | undefined) ?? null,
                dependencies: (r.dependencies as string[] | undefined) ?? [],
                propertyDependencies: (r.propertyDependencies as Record<string, string[]> | undefined) ?? {},
                inputs: r.inputs as Record<string, unknown>,
                outputs: r.outputs as Record<string, unknown>,
                protect: r.protect === true,
                ignoreChanges: (r.ignoreChanges as string[] | undefined) ?? [],
            })),
        };
    });
}

async function cli(): Promise<number> {
    const args = parseArgs(process.argv.slice(2), ["--json"], ["--policy-config"]);
    if (args.positionals.length !== 1) throw new UsageError("expected exactly one saved plan: npm run policy:check -- PLAN.json [--policy-config FILE] [--json]");
    if (args.stacks.length || args.overrides.length || args.base.length) throw new UsageError("--stack, -c and --base do not apply to a saved plan; plan again with them instead");
    const plans = readPlanFile(args.positionals[0]);
    const reports = await runPolicies(plans, { policyConfigFile: args.values.get("--policy-config") });
    if (args.flags.has("--json")) {
        const docs = reports.map((r) => ({ stack: r.stack, region: r.region, policies: policiesJson(r) }));
        process.stdout.write(`${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`);
    } else {
        process.stdout.write(`${reports.map(renderPolicyReport).join("\n\n")}\n`);
    }
    const failure = failureMessage(reports);
    if (failure) throw new CheckFailed(failure);
    return 0;
}

if (require.main === module) runCli(cli);
