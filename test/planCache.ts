/**
 * Plans are deterministic: the same effective configuration (each stack's merged config), requested stacks,
 * preview mode and deployed state always give the same plans. The suite plans each such input once per run
 * and shares it across suites and across mocha's workers: in memory within a worker, through a directory of
 * JSON plans between workers (SECURECART_PLAN_CACHE, made and removed by test/fixtures.ts for each run).
 * A plan with a planted dynamic-provider loader is never shared. A failed plan is not written to disk. Between
 * workers the plans travel as JSON, which is what the plan's own JSON holds; every worker, the one that planned
 * included, gets that JSON copy.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { mergeConfig } from "../src/configSource";
import { PlanOptions, StackPlan, deployedClusters, planStacks } from "../tools/planner";

const memory = new Map<string, Promise<StackPlan[]>>();

/** What decides a plan's result, as a hash. */
function keyOf(opts: PlanOptions, only?: readonly string[]): string {
    const stacks = Object.keys(opts.files.stacks);
    const effective = Object.fromEntries(
        stacks.map((s) => [s, mergeConfig(opts.files, s, [...(opts.overrides ?? []), ...(opts.perStack?.[s] ?? [])])]),
    );
    // What is deployed decides the result too: the look-ups and StackReferences read it.
    const deployed = opts.deployed ? [deployedClusters(opts.deployed), opts.deployed.map((d) => [d.stack, d.stackOutputs])] : null;
    const text = JSON.stringify([opts.files.dir, effective, opts.preview === true, only ?? null, deployed]);
    return createHash("sha256").update(text).digest("hex");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The plans from another worker's file, waiting while that worker holds the lock (up to `waitMs`). */
async function fromDisk(file: string, lock: string, waitMs: number): Promise<StackPlan[] | undefined> {
    for (let waited = 0; ; waited += 50) {
        if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as StackPlan[];
        if (!fs.existsSync(lock) || waited >= waitMs) return undefined;
        await sleep(50);
    }
}

async function shared(dir: string, key: string, plan: () => Promise<StackPlan[]>): Promise<StackPlan[]> {
    const file = path.join(dir, `${key}.json`);
    const lock = path.join(dir, `${key}.lock`);
    let mine = false;
    try {
        fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
        mine = true;
    } catch {
        // Another worker plans it (or has).
    }
    if (!mine) {
        const got = await fromDisk(file, lock, 120_000);
        if (got) return got;
    }
    try {
        const json = JSON.stringify(await plan());
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, json);
        fs.renameSync(tmp, file);
        // The same copy every worker reads, so no test sees a difference between planning and reading.
        return JSON.parse(json) as StackPlan[];
    } finally {
        if (mine) fs.rmSync(lock, { force: true });
    }
}

/** planStacks, planned once per distinct input for the whole test run. */
export const cachedPlanStacks: typeof planStacks = (opts, only) => {
    if (opts.loadDynamicProvider) return planStacks(opts, only);
    let key: string;
    try {
        key = keyOf(opts, only);
    } catch {
        // Config the key cannot be built from (a bad override): planStacks reports it, with every problem.
        return planStacks(opts, only);
    }
    let p = memory.get(key);
    if (!p) {
        const dir = process.env.SECURECART_PLAN_CACHE;
        p = dir && fs.existsSync(dir) ? shared(dir, key, () => planStacks(opts, only)) : planStacks(opts, only);
        memory.set(key, p);
    }
    return p;
};
