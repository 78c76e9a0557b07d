/**
 * Starts the policy pack's analyzer process the way the engine starts a Node.js pack (see tools/policyRunner.ts),
 * without loading anything heavy itself: a command can start the pack first, before it loads the Pulumi SDK to
 * plan, so the pack loads on the other core meanwhile. tools/policyRunner.ts connects to it over gRPC.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BUILD_DIR, PROJECT_DIR } from "./paths";

export const POLICY_PACK_DIR = path.join(PROJECT_DIR, "policies");

/**
 * The pack's compiled entry point (tools/build.js). The engine would load policies/index.ts through ts-node
 * with a full type check; offline the pack starts from the same code compiled once, and `npm test` type-checks
 * it (tsc) instead of every analyzer start.
 */
export const POLICY_PACK_ENTRY = path.join(BUILD_DIR, "policies", "index.js");

export interface StartOptions {
    /** Directory holding PulumiPolicy.yaml. Default: policies/ of this project. */
    readonly packDir?: string;
    /** The pack's entry point, as run-policy-pack's program argument. Default: the compiled policies/index.ts. */
    readonly entry?: string;
    /** How long the pack may take to load. Default 120 s. */
    readonly startTimeoutMs?: number;
}

/** A started analyzer process: the port it serves on, once it says, and what it logged. */
export interface AnalyzerProcess {
    readonly child: ChildProcess;
    readonly port: Promise<number>;
    readonly packDir: string;
    stderr(): string;
    /** Stops the process (whether or not it came up). */
    kill(): void;
}

export function startAnalyzerProcess(opts: StartOptions = {}): AnalyzerProcess {
    const packDir = opts.packDir ?? POLICY_PACK_DIR;
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const env: NodeJS.ProcessEnv = {};
    // The child must not inherit this process's ts-node or Pulumi runtime settings: it starts the way
    // the engine starts it.
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TS_NODE_") && !k.startsWith("PULUMI_NODEJS_")) env[k] = v;
    const entry = opts.entry ?? (opts.packDir ? "." : POLICY_PACK_ENTRY);
    if (entry !== "." && !fs.existsSync(entry)) {
        throw new Error(`the policy pack is not compiled: no ${entry}; run \`node tools/build.js\` (npm test and npm run plan do)`);
    }
    const child = spawn(process.execPath, [runPolicyPack, "engine-address-unused", entry], {
        cwd: packDir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
        err += d.toString();
    });
    const port = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`policy pack in ${packDir} did not start within ${(opts.startTimeoutMs ?? 120000) / 1000} s\n${err}`));
        }, opts.startTimeoutMs ?? 120000);
        child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            // The port is a line of its own; wait for its end, as it may arrive in pieces.
            const m = /^(\d+)\r?\n/m.exec(out);
            if (m) {
                clearTimeout(timer);
                child.removeAllListeners("exit");
                resolve(Number(m[1]));
            }
        });
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(new Error(`policy pack in ${packDir} could not be started: ${e.message}`));
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack in ${packDir} exited (code ${code}) before serving:\n${err || out}`));
        });
    });
    // Observed here so that a process stopped before anyone asks for its port is no unhandled rejection.
    port.catch(() => undefined);
    return {
        child,
        port,
        packDir,
        stderr: () => err,
        kill: () => {
            if (child.exitCode === null) child.kill();
        },
    };
}
