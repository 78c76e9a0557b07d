/**
 * `npm run bench`: times `npm run plan -- --stack S --json` for every shipped stack as a whole process, and
 * compares each with a floor measured in the same run: the same runtime registering the same number of
 * bare resources (tools/benchFloor.ts). Prints the median of several runs, both times and the ratio.
 * A measurement, not a test: nothing here passes or fails on speed.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { loadFromFiles, loadProjectFiles } from "../src/configSource";
import { CliSpec, UsageError, parseArgs, runCli } from "./cli";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "3");
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

function timeProcess(args: string[]): { ms: number; stdout: string } {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...TS_NODE, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

/** What `npm run bench` accepts: nothing (the number of runs is BENCH_RUNS). */
export const BENCH_ARGS: CliSpec = { stack: false, config: false };

/**
 * The `npm run bench` command on an argument list. Arguments and the shipped config are checked before
 * anything is timed (exit 2 on a mistake, like every command of the project).
 */
export function runBench(argv: readonly string[]): number {
    parseArgs(argv, BENCH_ARGS);
    if (!Number.isInteger(RUNS) || RUNS < 1)
        throw new UsageError(`BENCH_RUNS: got ${JSON.stringify(process.env.BENCH_RUNS)}; expected a whole number >= 1`);
    const files = loadProjectFiles(ROOT);
    loadFromFiles(files);
    const stacks = Object.keys(files.stacks);
    const rows: string[][] = [["stack", "resources", "plan (median ms)", "floor (median ms)", "ratio"]];
    for (const stack of stacks) {
        const planTimes: number[] = [];
        let count = 0;
        for (let i = 0; i < RUNS; i++) {
            const { ms, stdout } = timeProcess(["tools/plan.ts", "--stack", stack, "--json"]);
            planTimes.push(ms);
            count = (JSON.parse(stdout) as { resources: unknown[] }).resources.length;
        }
        const floorTimes = Array.from({ length: RUNS }, () => timeProcess(["tools/benchFloor.ts", String(count)]).ms);
        const p = median(planTimes);
        const f = median(floorTimes);
        rows.push([stack, String(count), p.toFixed(0), f.toFixed(0), `${(p / f).toFixed(2)}x`]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c])).join("  ")}\n`);
    process.stdout.write(
        `\n${RUNS} runs each on ${process.platform}/${process.arch}, node ${process.version}. ` +
            "Plan = the whole `tools/plan.ts --stack S --json` process (ts-node startup, config, program, mocks, and whatever checks plan runs); " +
            "floor = the same runtime registering the same number of bare resources.\n",
    );
    return 0;
}

if (require.main === module) runCli(() => runBench(process.argv.slice(2)));
