/**
 * Shared command-line plumbing: argument parsing and exit codes.
 * Exit 0: fine. Exit 2: bad config or bad arguments (one clear message, no stack trace).
 * Exit 1: a later check failed (policies, drills, estimates against targets) or the program failed.
 */
import { ConfigError } from "../src/config";
import { Override, parseOverride } from "../src/configSource";

export class UsageError extends Error {}

/** A check that ran and failed: exit 1 after printing its report. */
export class CheckFailed extends Error {}

export interface ParsedArgs {
    stacks: string[];
    overrides: Override[];
    base: Override[];
    flags: Set<string>;
    values: Map<string, string>;
    positionals: string[];
}

/**
 * Parses `--stack NAME` (repeatable), `-c key=value` / `--config key=value` (repeatable),
 * `--base key=value` (repeatable), boolean `flags` and single-value `valueFlags`.
 */
export function parseArgs(argv: readonly string[], flags: readonly string[], valueFlags: readonly string[] = []): ParsedArgs {
    const out: ParsedArgs = { stacks: [], overrides: [], base: [], flags: new Set(), values: new Map(), positionals: [] };
    const problems: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const next = (): string | undefined => {
            const v = argv[i + 1];
            if (v === undefined || v.startsWith("--")) { problems.push(`${a}: expected a value after it`); return undefined; }
            i++;
            return v;
        };
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
        const value = () => inline ?? next();
        if (flag === "--stack" || flag === "-s") { const v = value(); if (v) out.stacks.push(v); }
        else if (flag === "-c" || flag === "--config") { const v = value(); if (v) collect(() => out.overrides.push(parseOverride(v))); }
        else if (flag === "--base") { const v = value(); if (v) collect(() => out.base.push(parseOverride(v))); }
        else if (flags.includes(flag)) out.flags.add(flag);
        else if (valueFlags.includes(flag)) { const v = value(); if (v) out.values.set(flag, v); }
        else if (a.startsWith("-")) problems.push(`${a}: unknown option; allowed: --stack NAME, -c key=value, --base key=value${[...flags, ...valueFlags].map((f) => `, ${f}`).join("")}`);
        else out.positionals.push(a);
    }
    function collect(f: () => void) {
        try { f(); } catch (e) { if (e instanceof ConfigError) problems.push(...e.problems); else throw e; }
    }
    if (problems.length) throw new UsageError(problems.join("\n"));
    return out;
}

/** Runs a CLI entry point, mapping errors to exit codes without stack traces for users' mistakes. */
export function runCli(entry: () => Promise<number | void>): void {
    entry().then(
        (code) => { process.exitCode = code ?? 0; },
        (e: unknown) => {
            if (e instanceof ConfigError || e instanceof UsageError) {
                process.stderr.write(`error: ${e instanceof ConfigError ? e.message : `bad arguments:\n  ${e.message.split("\n").join("\n  ")}`}\n`);
                process.exitCode = 2;
            } else if (e instanceof CheckFailed) {
                process.stderr.write(`${e.message}\n`);
                process.exitCode = 1;
            } else {
                const err = e as Error;
                process.stderr.write(`error: ${err?.message ?? String(e)}\n${process.env.SECURECART_DEBUG ? `${err?.stack}\n` : ""}`);
                process.exitCode = 1;
            }
        },
    );
}
