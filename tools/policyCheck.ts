/**
 * `npm run policy:check -- PLAN.json [--policy-config FILE] [--json]`
 * Runs the policy pack, the way the engine does, against a saved plan (`npm run plan -- --json > PLAN.json`:
 * one stack document or an array of them). Prints the same report as `npm run plan`; exits 1 on any
 * mandatory violation, 2 on a bad argument, an unreadable plan or a bad policy config.
 */
import * as fs from "fs";
import { CheckFailed, CliSpec, UsageError, parseArgs, runCli } from "./cli";
import { PlanForPolicies, failureMessage, policiesJson, renderPolicyReport, runPolicies } from "./policyReport";

const REQUIRED_RESOURCE_KEYS = ["urn", "type", "name", "inputs", "outputs"] as const;

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isStringList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The problems of one saved resource: the fields the analyzer reads, with their types. */
function resourceProblems(where: string, r: unknown): string[] {
    if (!isMap(r)) return [`${where}: got ${JSON.stringify(r)}; expected a resource object`];
    const p: string[] = [];
    const missing = REQUIRED_RESOURCE_KEYS.filter((k) => r[k] === undefined);
    if (missing.length) p.push(`${where}: missing ${missing.join(", ")}`);
    for (const k of ["urn", "type", "name"] as const)
        if (r[k] !== undefined && (typeof r[k] !== "string" || r[k] === ""))
            p.push(`${where}.${k}: got ${JSON.stringify(r[k])}; expected a non-empty string`);
    for (const k of ["inputs", "outputs"] as const)
        if (r[k] !== undefined && !isMap(r[k])) p.push(`${where}.${k}: got ${JSON.stringify(r[k])}; expected an object`);
    for (const k of ["parent", "provider"] as const)
        if (r[k] !== undefined && r[k] !== null && typeof r[k] !== "string")
            p.push(`${where}.${k}: got ${JSON.stringify(r[k])}; expected a URN or null`);
    for (const k of ["dependencies", "ignoreChanges"] as const)
        if (r[k] !== undefined && !isStringList(r[k])) p.push(`${where}.${k}: got ${JSON.stringify(r[k])}; expected a list of strings`);
    if (r.propertyDependencies !== undefined && !(isMap(r.propertyDependencies) && Object.values(r.propertyDependencies).every(isStringList))) {
        p.push(`${where}.propertyDependencies: expected an object of property → list of URNs`);
    }
    if (r.protect !== undefined && typeof r.protect !== "boolean")
        p.push(`${where}.protect: got ${JSON.stringify(r.protect)}; expected true or false`);
    return p;
}

/**
 * Reads a saved plan and checks it holds what the analyzer needs; every problem is reported at once. JSON
 * that is not a plan (an empty list, a stack with no resources, fields of the wrong type) is refused.
 */
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
    if (docs.length === 0) problems.push(`${file}: got an empty list; expected at least one stack plan (the output of \`npm run plan -- --json\`)`);
    const seen = new Set<string>();
    docs.forEach((d, i) => {
        const where = Array.isArray(doc) ? `${file}[${i}]` : file;
        if (!isMap(d)) {
            problems.push(
                `${where}: got ${JSON.stringify(d)?.slice(0, 60)}; expected a stack plan object (the output of \`npm run plan -- --json\`)`,
            );
            return;
        }
        for (const k of ["project", "stack"])
            if (typeof d[k] !== "string" || d[k] === "")
                problems.push(`${where}.${k}: got ${JSON.stringify(d[k]) ?? "(missing)"}; expected a non-empty string`);
        if (typeof d.stack === "string") {
            if (seen.has(d.stack)) problems.push(`${where}.stack: got "${d.stack}" again; expected each stack once`);
            seen.add(d.stack);
        }
        if (d.region !== undefined && typeof d.region !== "string")
            problems.push(`${where}.region: got ${JSON.stringify(d.region)}; expected a region name`);
        if (d.config !== undefined && !isMap(d.config))
            problems.push(`${where}.config: got ${JSON.stringify(d.config)}; expected an object of config keys`);
        if (!Array.isArray(d.resources)) {
            problems.push(`${where}.resources: got ${JSON.stringify(d.resources) ?? "(missing)"}; expected an array of resources`);
            return;
        }
        if (d.resources.length === 0)
            problems.push(`${where}.resources: got an empty list; expected the stack's planned resources (an empty plan checks nothing)`);
        (d.resources as unknown[]).forEach((r, j) => problems.push(...resourceProblems(`${where}.resources[${j}]`, r)));
    });
    if (problems.length)
        throw new UsageError(problems.slice(0, 20).join("\n") + (problems.length > 20 ? `\n... and ${problems.length - 20} more` : ""));
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

/** What `npm run policy:check` accepts. */
export const POLICY_CHECK_ARGS: CliSpec = {
    flags: ["--json"],
    valueFlags: ["--policy-config"],
    stack: false,
    config: false,
    positionals: { name: "PLAN.json", min: 1, max: 1 },
};

/** The `npm run policy:check` command on an argument list: exit code 0, or throws what runCli maps to 1 or 2. */
export async function runPolicyCheck(
    argv: readonly string[],
    write: (text: string) => void = (t) => {
        process.stdout.write(t);
    },
): Promise<number> {
    const args = parseArgs(argv, POLICY_CHECK_ARGS);
    const plans = readPlanFile(args.positionals[0]);
    const reports = await runPolicies(plans, { policyConfigFile: args.values.get("--policy-config") });
    if (args.flags.has("--json")) {
        const docs = reports.map((r) => ({ stack: r.stack, region: r.region, policies: policiesJson(r) }));
        write(`${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`);
    } else {
        write(`${reports.map(renderPolicyReport).join("\n\n")}\n`);
    }
    const failure = failureMessage(reports);
    if (failure) throw new CheckFailed(failure);
    return 0;
}

if (require.main === module) runCli(() => runPolicyCheck(process.argv.slice(2)));
