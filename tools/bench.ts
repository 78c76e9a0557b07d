/**
 * `npm run bench`: measures, in one run, what an engineer waits for dozens of times a day.
 * - The whole offline plan (`build/tools/plan.js --json`: both stacks, the policy pack over gRPC in its own
 *   process, estimates, diagrams) against a floor measured alongside it: plain node loading the same SDKs and
 *   registering the same number of resources per stack under the same mocks (tools/benchFloor.ts).
 * - The report page, `build/tools/report.js` (the plan, the four strategies, three drill rehearsals, the page).
 * - The test suite, `npm test` as CI runs it (static checks, build, mocha).
 * Each figure is a whole process tree: wall time (median, min, max of the runs) and peak memory (the
 * largest sum of the tree's resident sets, sampled from /proc every 50 ms; Linux only).
 * A measurement, not a test: nothing here passes or fails on speed.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFromFiles, loadProjectFiles } from "../src/configSource";
import { CliSpec, UsageError, parseArgs, runCli } from "./cli";
import { BUILD_DIR, PROJECT_DIR } from "./paths";

/** What `npm run bench` accepts: nothing (run counts come from BENCH_RUNS and BENCH_SUITE_RUNS). */
export const BENCH_ARGS: CliSpec = { stack: false, config: false };

interface Sample {
    readonly ms: number;
    /** Peak resident memory of the process tree in MiB, or undefined where /proc cannot be read. */
    readonly peakMiB?: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly code: number;
}

/** Resident memory (KiB) of `root` and all its descendants, from /proc; undefined off Linux. */
function treeRssKiB(root: number): number | undefined {
    let pids: string[];
    try {
        pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
    } catch {
        return undefined;
    }
    const children = new Map<number, number[]>();
    for (const p of pids) {
        try {
            // The command name (field 2) may hold spaces; the parent pid follows its closing parenthesis.
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
        } catch {
            // The process ended while we looked.
        }
    }
    let total = 0;
    const todo = [root];
    while (todo.length) {
        const pid = todo.pop()!;
        try {
            const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
            total += m ? Number(m[1]) : 0;
        } catch {
            // Ended.
        }
        todo.push(...(children.get(pid) ?? []));
    }
    return total;
}

/**
 * Runs a command to its end, timing it, and with `sampleMemory` sampling its process tree's memory (which
 * costs CPU, so timed runs do not sample). A run that fails still took its time: exit codes in `measured` ("any": all) are
 * timed like a success (and shown); any other exit stops the benchmark with the command's output.
 */
function measure(
    command: string,
    args: readonly string[],
    opts: { readonly sampleMemory?: boolean; readonly measured?: readonly number[] | "any"; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<Sample> {
    const { sampleMemory = false, measured = [0], env = process.env } = opts;
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(command, args, { cwd: PROJECT_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        let peak: number | undefined;
        const sample = () => {
            const kib = child.pid === undefined ? undefined : treeRssKiB(child.pid);
            if (kib !== undefined) peak = Math.max(peak ?? 0, kib);
        };
        const timer = sampleMemory ? setInterval(sample, 50) : undefined;
        child.on("error", (e) => {
            clearInterval(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearInterval(timer);
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            if (code === null || (measured !== "any" && !measured.includes(code))) {
                reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
            } else resolve({ ms, peakMiB: peak === undefined ? undefined : peak / 1024, stdout, stderr, code });
        });
    });
}

interface Row {
    readonly what: string;
    readonly samples: readonly Sample[];
    /** Peak memory from a separate sampled run; default: the samples' own. */
    readonly peakMiB?: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (x: number | undefined) => (x === undefined ? "n/a" : `${x.toFixed(0)} MiB`);

function table(rows: readonly Row[]): string {
    const lines = [["", "median", "min", "max", "peak memory", "exit"]];
    for (const r of rows) {
        const ms = r.samples.map((s) => s.ms);
        const peaks = [r.peakMiB, ...r.samples.map((s) => s.peakMiB)].filter((x): x is number => x !== undefined);
        lines.push([
            r.what,
            seconds(median(ms)),
            seconds(Math.min(...ms)),
            seconds(Math.max(...ms)),
            mib(peaks.length ? Math.max(...peaks) : undefined),
            [...new Set(r.samples.map((s) => s.code))].join(","),
        ]);
    }
    const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
    return lines.map((l) => l.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ")).join("\n");
}

/**
 * The stacks a plan run printed. Exit 1 is a whole plan whose checks failed only when it printed every stack;
 * anything else (a crash, a pack that did not start) is not a plan to time, and stops the benchmark.
 */
function planDocs(s: Sample, expected?: number): { resources: unknown[] }[] {
    let docs: unknown;
    try {
        docs = JSON.parse(s.stdout);
    } catch {
        docs = undefined;
    }
    if (!Array.isArray(docs) || docs.length === 0 || (expected !== undefined && docs.length !== expected)) {
        throw new Error(`the plan exited ${s.code} without printing every stack:\n${s.stdout.slice(-2000)}\n${s.stderr.slice(-2000)}`);
    }
    return docs as { resources: unknown[] }[];
}

function runsFrom(name: string, fallback: number, min: number): number {
    const raw = process.env[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${name}: got ${JSON.stringify(raw)}; expected a whole number >= ${min}`);
    return n;
}

/**
 * The `npm run bench` command on an argument list. Arguments, run counts and the shipped config are checked
 * before anything is timed (exit 2 on a mistake, like every command of the project).
 */
export async function runBench(argv: readonly string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
    parseArgs(argv, BENCH_ARGS);
    const runs = runsFrom("BENCH_RUNS", 5, 1);
    const suiteRuns = runsFrom("BENCH_SUITE_RUNS", 1, 0);
    const reportRuns = runsFrom("BENCH_REPORT_RUNS", 1, 0);
    loadFromFiles(loadProjectFiles(PROJECT_DIR));
    const node = process.execPath;
    const plan = path.join(BUILD_DIR, "tools", "plan.js");
    const floorJs = path.join(BUILD_DIR, "tools", "benchFloor.js");

    // The floor registers what the plan registers: its resource count per stack, from the plan's own JSON.
    // This first run (a warm-up for the file cache) and one floor run sample memory; the timed runs do not.
    // The plan exits 1 when a policy or an estimate target fails: still a whole plan, still timed.
    const planRun = { measured: [0, 1] };
    const first = await measure(node, [plan, "--json"], { ...planRun, sampleMemory: true });
    const counts = planDocs(first).map((d) => d.resources.length);
    const floorMemory = await measure(node, [floorJs, ...counts.map(String)], { sampleMemory: true });
    const planSamples: Sample[] = [];
    const floorSamples: Sample[] = [];
    // Alternating, so both see the same machine.
    for (let i = 0; i < runs; i++) {
        const sample = await measure(node, [plan, "--json"], planRun);
        planDocs(sample, counts.length);
        planSamples.push(sample);
        floorSamples.push(await measure(node, [floorJs, ...counts.map(String)]));
    }
    const ratio = median(planSamples.map((s) => s.ms)) / median(floorSamples.map((s) => s.ms));
    const total = counts.reduce((a, b) => a + b, 0);
    write(`Offline plan against its floor (${runs} run(s) each, whole process trees):\n\n`);
    write(
        `${table([
            {
                what: `plan: build/tools/plan.js --json (${counts.length} stacks, ${total} resources, policies over gRPC, estimates, diagrams)`,
                samples: planSamples,
                peakMiB: first.peakMiB,
            },
            {
                what: `floor: plain node, same SDKs and mocks, ${counts.join(" + ")} bare resources`,
                samples: floorSamples,
                peakMiB: floorMemory.peakMiB,
            },
        ])}\n\n`,
    );
    write(`plan / floor: ${ratio.toFixed(2)}x (medians)\n`);

    if (reportRuns > 0) {
        const report = path.join(BUILD_DIR, "tools", "report.js");
        const samples: Sample[] = [];
        // Exit 1 is a whole report whose checks failed (the page is still written): timed like a pass.
        for (let i = 0; i < reportRuns; i++) samples.push(await measure(node, [report], { sampleMemory: true, measured: [0, 1] }));
        write(
            `\nReport page, ${reportRuns} run(s):\n\n${table([{ what: "report: build/tools/report.js (plan, 4 strategies, 3 drills, the page)", samples }])}\n`,
        );
    }

    if (suiteRuns > 0) {
        const npm = process.platform === "win32" ? "npm.cmd" : "npm";
        const suite: Sample[] = [];
        // The suite is long enough that sampling its memory does not move its time.
        for (let i = 0; i < suiteRuns; i++) {
            // A failing suite is timed too (its exit code is shown): the time is what was asked for.
            suite.push(await measure(npm, ["test", "--silent"], { sampleMemory: true, measured: "any", env: { ...process.env, FORCE_COLOR: "0" } }));
        }
        write(`\nTest suite, ${suiteRuns} run(s):\n\n${table([{ what: "npm test (static checks, build, mocha on 2 workers)", samples: suite }])}\n`);
    }
    write(
        `\n${process.platform}/${process.arch}, node ${process.version}, ${os.cpus().length} core(s). ` +
            "Peak memory is the largest sum of the process tree's resident sets, sampled every 50 ms from /proc in a separate, untimed run of the plan and the floor. " +
            "BENCH_RUNS sets the plan and floor runs (default 5), BENCH_REPORT_RUNS the report's (default 1, 0 skips it), BENCH_SUITE_RUNS the suite runs (default 1, 0 skips it).\n",
    );
    return 0;
}

if (require.main === module) runCli(() => runBench(process.argv.slice(2)));
