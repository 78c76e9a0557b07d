/**
 * Shared command-line plumbing: argument parsing and exit codes.
 * Exit 0: fine. Exit 2: bad config or bad arguments (one clear message, no stack trace).
 * Exit 1: a later check failed (policies, drills, estimates against targets) or the program failed.
 *
 * Every command rejects what it does not understand: an unknown option, a positional argument it does not
 * take, a value given to a flag that takes none, a flag that takes one given twice or without one.
 */
import { ConfigError } from "../src/config";
import { Override, parseOverride } from "../src/configSource";

export class UsageError extends Error {}

/** A check that ran and failed: exit 1 after printing its report. */
export class CheckFailed extends Error {}

export interface ParsedArgs {
    stacks: string[];
    /**
     * `-c key=value`, in order: applies to every stack; `-c STACK/key=value` carries `stack` and applies to
     * that stack only (mergeConfig; the stack name is checked when config is loaded).
     */
    overrides: Override[];
    /** `--base key=value` and `--base STACK/key=value` (commands that take it). */
    base: Override[];
    flags: Set<string>;
    values: Map<string, string>;
    positionals: string[];
}

/** What a command accepts. */
export interface CliSpec {
    /** Boolean flags, e.g. --json. */
    readonly flags?: readonly string[];
    /** Flags that take one value, e.g. --policy-config FILE. */
    readonly valueFlags?: readonly string[];
    /** `--stack NAME` / `-s NAME` (repeatable). Default true. */
    readonly stack?: boolean;
    /** `-c key=value` / `--config key=value` (repeatable, `STACK/key=value` for one stack). Default true. */
    readonly config?: boolean;
    /** `--base key=value` (repeatable). Default false. */
    readonly base?: boolean;
    /** Positional arguments the command takes (default none), and their name for messages. */
    readonly positionals?: { readonly name: string; readonly min: number; readonly max: number };
}

/** `STACK/key=value` → the stack and `key=value`, when the key part (before `=`) names a stack. */
export function stackScoped(text: string): { stack: string; text: string } | undefined {
    const eq = text.indexOf("=");
    const keyPart = eq < 0 ? text : text.slice(0, eq);
    const slash = keyPart.indexOf("/");
    if (slash < 0) return undefined;
    return { stack: text.slice(0, slash), text: text.slice(slash + 1) };
}

function specOf(
    flags: readonly string[] | CliSpec,
    valueFlags: readonly string[],
): Required<Omit<CliSpec, "positionals">> & Pick<CliSpec, "positionals"> {
    const s: CliSpec = Array.isArray(flags) ? { flags: flags as readonly string[], valueFlags } : (flags as CliSpec);
    return {
        flags: s.flags ?? [],
        valueFlags: s.valueFlags ?? [],
        stack: s.stack ?? true,
        config: s.config ?? true,
        base: s.base ?? false,
        positionals: s.positionals,
    };
}

/** The options a command accepts, for messages. */
export function describeOptions(spec: CliSpec): string {
    const s = specOf(spec, []);
    const parts = [
        ...(s.stack ? ["--stack NAME"] : []),
        ...(s.config ? ["-c key=value", "-c STACK/key=value"] : []),
        ...(s.base ? ["--base key=value"] : []),
        ...s.flags,
        ...s.valueFlags.map((f) => `${f} VALUE`),
        ...(s.positionals ? [s.positionals.name] : []),
    ];
    return parts.length ? parts.join(", ") : "no arguments";
}

/**
 * Parses `--stack NAME` (repeatable), `-c key=value` / `--config key=value` (repeatable; `STACK/key=value`
 * for one stack), `--base key=value` (repeatable), boolean flags and single-value flags, as `spec` allows.
 * The old form `parseArgs(argv, flags, valueFlags)` means: those flags, --stack and -c, no positionals.
 * Collects every problem and throws one UsageError.
 */
export function parseArgs(argv: readonly string[], flags: readonly string[] | CliSpec, valueFlags: readonly string[] = []): ParsedArgs {
    const spec = specOf(flags, valueFlags);
    const out: ParsedArgs = { stacks: [], overrides: [], base: [], flags: new Set(), values: new Map(), positionals: [] };
    const problems: string[] = [];
    const allowed = describeOptions(spec);
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
        const value = (what: string): string | undefined => {
            let v = inline;
            if (v === undefined) {
                const nextArg = argv[i + 1];
                if (nextArg === undefined || (nextArg.startsWith("-") && nextArg !== "-")) {
                    problems.push(`${flag}: expected ${what} after it${nextArg === undefined ? "" : `, got the option ${nextArg}`}`);
                    return undefined;
                }
                i++;
                v = nextArg;
            }
            if (v.trim() === "") {
                problems.push(`${flag}: got an empty value; expected ${what}`);
                return undefined;
            }
            return v;
        };
        const override = (target: Override[], v: string) => {
            try {
                const scoped = stackScoped(v);
                if (scoped) {
                    if (!scoped.stack)
                        throw new ConfigError([`${flag} ${JSON.stringify(v)}: expected STACK/key=value with a stack name before the /`]);
                    target.push({ ...parseOverride(scoped.text), stack: scoped.stack });
                } else {
                    target.push(parseOverride(v));
                }
            } catch (e) {
                if (e instanceof ConfigError) problems.push(...e.problems.map((p) => (flag === "--base" ? p.replace(/^-c /, "--base ") : p)));
                else throw e;
            }
        };
        if (spec.stack && (flag === "--stack" || flag === "-s")) {
            const v = value("a stack name");
            if (v !== undefined) out.stacks.push(v);
        } else if (spec.config && (flag === "-c" || flag === "--config")) {
            const v = value("key=value");
            if (v !== undefined) override(out.overrides, v);
        } else if (spec.base && flag === "--base") {
            const v = value("key=value");
            if (v !== undefined) override(out.base, v);
        } else if (spec.flags.includes(flag)) {
            if (inline !== undefined) problems.push(`${a}: ${flag} takes no value; expected ${flag} alone`);
            else out.flags.add(flag);
        } else if (spec.valueFlags.includes(flag)) {
            const v = value("a value");
            if (v === undefined) continue;
            if (out.values.has(flag))
                problems.push(`${flag}: given twice (${JSON.stringify(out.values.get(flag))} and ${JSON.stringify(v)}); expected it once`);
            else out.values.set(flag, v);
        } else if (a.startsWith("-") && a !== "-") {
            problems.push(`${a}: unknown option; allowed: ${allowed}`);
        } else {
            out.positionals.push(a);
        }
    }
    const pos = spec.positionals;
    if (!pos && out.positionals.length) {
        problems.push(
            `${out.positionals.map((p) => JSON.stringify(p)).join(" ")}: unexpected argument(s); this command takes only options (${allowed}); changes go after -c, e.g. -c strategy=pilot-light`,
        );
    } else if (pos && (out.positionals.length < pos.min || out.positionals.length > pos.max)) {
        const want = pos.min === pos.max ? `exactly ${pos.min}` : `${pos.min} to ${pos.max}`;
        problems.push(
            `${out.positionals.length ? out.positionals.map((p) => JSON.stringify(p)).join(" ") : "(none)"}: got ${out.positionals.length} ${pos.name} argument(s); expected ${want}`,
        );
    }
    if (problems.length) throw new UsageError(problems.join("\n"));
    return out;
}

/** Prints an error the way its kind asks and sets the exit code: 2 for a user's mistake, 1 otherwise; never a stack trace unless SECURECART_DEBUG is set. */
function report(e: unknown): void {
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
}

/**
 * Runs a CLI entry point, mapping errors to exit codes without stack traces for users' mistakes.
 * A program that fails under the Pulumi runtime leaves promises derived from its stack's outputs rejected
 * as well; like Pulumi's language host (cmd/run), the failure is reported once: the entry's own error wins,
 * and an unhandled rejection never crashes the process with a stack trace.
 */
export function runCli(entry: () => Promise<number | void> | number | void): void {
    let settled = false;
    let reported = false;
    const pending: unknown[] = [];
    process.on("unhandledRejection", (reason) => {
        if (reported) return;
        if (!settled) {
            pending.push(reason);
            return;
        }
        reported = true;
        report(reason);
    });
    Promise.resolve()
        .then(entry)
        .then(
            (code) => {
                settled = true;
                if (pending.length) {
                    reported = true;
                    report(pending[0]);
                } else process.exitCode = code ?? 0;
            },
            (e: unknown) => {
                settled = true;
                reported = true;
                report(e);
            },
        );
}
