/**
 * Plans are deterministic: the same effective configuration (each stack's merged config), requested stacks,
 * preview mode and deployed state always give the same plans. The suite plans each such input once per run
 * and shares it across suites and across mocha's workers: in memory within a worker, through a directory of
 * JSON plans between workers (SECURECART_PLAN_CACHE, made and removed by test/fixtures.ts for each run).
 * A plan with a planted dynamic-provider loader is never shared. A failed plan is not written to disk. Between
 * workers the plans travel as JSON, which is what the plan's own JSON holds; every worker, the one that planned
 * included, gets that JSON copy.
 */
import * as fs from "fs";
import * as path from "path";
import { StackPlan, memoisedPlanner, planStacks } from "../tools/planner";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The plans from another worker's file, waiting while that worker holds the lock (up to `waitMs`). */
async function fromDisk(file: string, lock: string, waitMs: number): Promise<StackPlan[] | undefined> {
    const read = () => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as StackPlan[]) : undefined);
    for (let waited = 0; waited < waitMs; waited += 50) {
        const got = read();
        if (got) return got;
        // The file is renamed into place before the lock goes: look once more after the lock is gone.
        if (!fs.existsSync(lock)) return read();
        await sleep(50);
    }
    return read();
}

async function shared(dir: string, key: string, plan: () => Promise<StackPlan[]>): Promise<StackPlan[]> {
    const file = path.join(dir, `${key}.json`);
    const lock = path.join(dir, `${key}.lock`);
    let mine = false;
    try {
        fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
        mine = true;
    } catch (e) {
        // Another worker plans it (or has); anything else is a real failure.
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (!mine) {
        const got = await fromDisk(file, lock, 120_000);
        if (got) return got;
    }
    try {
        const json = JSON.stringify(await plan());
        try {
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, json);
            fs.renameSync(tmp, file);
        } catch {
            // Not shared, then: the other workers plan it themselves.
        }
        // The same copy every worker reads, so no test sees a difference between planning and reading.
        return JSON.parse(json) as StackPlan[];
    } finally {
        if (mine) fs.rmSync(lock, { force: true });
    }
}

/** planStacks, planned once per distinct input for the whole test run (in memory, and on disk between workers). */
export const cachedPlanStacks: typeof planStacks = memoisedPlanner(planStacks, (key, planNow) => {
    const dir = process.env.SECURECART_PLAN_CACHE;
    return dir && fs.existsSync(dir) ? shared(dir, key, planNow) : planNow();
});
