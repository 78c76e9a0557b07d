/** Test helpers: plan stacks in-process with the real program under the mock runtime, memoised per input. */
import * as path from "path";
import { BUILD_DIR, PROJECT_DIR } from "../tools/paths";
import { ConfigError, type StackConfig, parseStackConfig } from "../src/config";
import { Override, ProjectFiles, loadProjectFiles, mergeConfig, parseOverride } from "../src/configSource";
import type { PlannedResource, StackPlan } from "../tools/planner";
import type { StrategyInputs } from "../src/strategy";
import { cachedPlanStacks } from "./planCache";

export { cachedPlanStacks };

export { PROJECT_DIR };

/**
 * The argument list that runs one of the project's commands (e.g. "tools/plan.ts") as its own process: its
 * compiled copy in build/ (tools/build.js), as `npm run plan` runs it.
 */
export function toolArgs(script: string): string[] {
    return [path.join(BUILD_DIR, script.replace(/\.ts$/, ".js"))];
}
export const files: ProjectFiles = loadProjectFiles(PROJECT_DIR);
export const STACKS = Object.keys(files.stacks);

/** Plans every stack with `-c` style overrides, e.g. planAll("strategy=pilot-light", "primaryRegion=us-west-2"). */
export function planAll(...overrides: string[]): Promise<StackPlan[]> {
    return cachedPlanStacks({ files, overrides: overrides.map(parseOverride) });
}

export async function planOf(stack: string, ...overrides: string[]): Promise<StackPlan> {
    const plans = await planAll(...overrides);
    const p = plans.find((x) => x.stack === stack);
    if (!p) throw new Error(`no stack ${stack}`);
    return p;
}

/** Plans every stack as a first `pulumi preview` sees it (tools/planner.ts `preview`), with `-c` style overrides. */
export function previewAll(...overrides: string[]): Promise<StackPlan[]> {
    return cachedPlanStacks({ files, overrides: overrides.map(parseOverride), preview: true });
}

export async function previewOf(stack: string, ...overrides: string[]): Promise<StackPlan> {
    const p = (await previewAll(...overrides)).find((x) => x.stack === stack);
    if (!p) throw new Error(`no stack ${stack}`);
    return p;
}

export function ofType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** Expects `f` to throw a ConfigError and returns its problems. */
export async function configProblems(f: () => unknown): Promise<readonly string[]> {
    try {
        await f();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError, but nothing was thrown");
}

export function overrides(...kv: string[]): Override[] {
    return kv.map(parseOverride);
}

/** A stack's effective settings (its file over the project's) with `-c` style overrides, e.g. configOf("dr", "strategy=pilot-light"). */
export function configOf(stack: string, ...kv: string[]): StackConfig {
    return parseStackConfig("securecart", stack, mergeConfig(files, stack, overrides(...kv)));
}

export const STRATEGIES = ["backup-restore", "pilot-light", "warm-standby", "active-active"] as const;

/**
 * The strategy module's inputs for the home stack's shipped config (prod): warm standby, primary, home, one
 * reader, with `over` on top.
 */
export function strategyInputs(over: Partial<StrategyInputs>): StrategyInputs {
    const cfg = configOf("prod");
    return {
        strategy: "warm-standby",
        role: "primary",
        isHome: true,
        web: cfg.web,
        services: cfg.services,
        capacity: cfg.capacity,
        auroraReaders: 1,
        ...over,
    };
}
