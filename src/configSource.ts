/**
 * Where configuration comes from: the project's YAML files (merged the way the Pulumi CLI merges them),
 * `-c key=value` overrides, and, in a real `pulumi up`, the Pulumi runtime. Parsing and validation live in
 * config.ts; this module only gathers raw values.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, NS, RawConfig, StackConfig, defaultOf, parseStackConfig, projectProblems } from "./config";

export interface ProjectFiles {
    readonly dir: string;
    readonly project: string;
    /** Project-level values from Pulumi.yaml `config:` (`value:` or, for the project namespace, `default:`). */
    readonly projectConfig: RawConfig;
    /** Stack name → that stack's own `config:` block from Pulumi.<stack>.yaml, keys fully qualified. */
    readonly stacks: Readonly<Record<string, RawConfig>>;
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Reads Pulumi.yaml and every Pulumi.<stack>.yaml in `dir`. Problems are ConfigErrors, not stack traces. */
export function loadProjectFiles(dir: string): ProjectFiles {
    const problems: string[] = [];
    const projectFile = path.join(dir, "Pulumi.yaml");
    let doc: Record<string, unknown> = {};
    try {
        doc = (YAML.parse(fs.readFileSync(projectFile, "utf8")) ?? {}) as Record<string, unknown>;
    } catch (e) {
        throw new ConfigError([`${projectFile}: cannot be read as YAML: ${(e as Error).message}`]);
    }
    const project = typeof doc.name === "string" ? doc.name : "";
    if (project !== NS) problems.push(`Pulumi.yaml name: got ${JSON.stringify(doc.name)}; expected "${NS}"`);
    const projectConfig: RawConfig = {};
    for (const [key, entry] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
        const full = qualify(NS, key);
        if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
            const e = entry as Record<string, unknown>;
            if ("value" in e) projectConfig[full] = e.value;
            else if ("default" in e && full.startsWith(`${NS}:`)) projectConfig[full] = e.default;
        } else {
            projectConfig[full] = entry;
        }
    }
    const stacks: Record<string, RawConfig> = {};
    for (const file of fs.readdirSync(dir).sort()) {
        const m = /^Pulumi\.([^.]+)\.ya?ml$/.exec(file);
        if (!m) continue;
        try {
            const sdoc = (YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) ?? {}) as Record<string, unknown>;
            const cfg: RawConfig = {};
            for (const [k, v] of Object.entries((sdoc.config ?? {}) as Record<string, unknown>)) cfg[qualify(NS, k)] = v;
            stacks[m[1]] = cfg;
        } catch (e) {
            problems.push(`${file}: cannot be read as YAML: ${(e as Error).message}`);
        }
    }
    if (Object.keys(stacks).length === 0) problems.push(`${dir}: no Pulumi.<stack>.yaml files; expected at least one stack`);
    if (problems.length) throw new ConfigError(problems);
    return { dir, project, projectConfig, stacks };
}

/** A `-c key=value` override. `key` may be short (project namespace) and may be a path (`database.databaseName`, `tables[0].hashKey`). */
export interface Override {
    readonly key: string; // fully qualified top-level key
    readonly path: readonly (string | number)[]; // path below the key, empty for the key itself
    readonly value: unknown;
}

/** Parses `key=value` like `pulumi preview -c` (with `--config-path` semantics when the key has a path). */
export function parseOverride(text: string): Override {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new ConfigError([`-c ${JSON.stringify(text)}: expected key=value, e.g. -c strategy=pilot-light`]);
    const keyText = text.slice(0, eq).trim();
    const rawValue = text.slice(eq + 1);
    const colon = keyText.indexOf(":");
    const ns = colon >= 0 ? keyText.slice(0, colon) : NS;
    const rest = colon >= 0 ? keyText.slice(colon + 1) : keyText;
    const segments: (string | number)[] = [];
    for (const m of rest.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    if (segments.length === 0 || typeof segments[0] !== "string") {
        throw new ConfigError([`-c ${JSON.stringify(text)}: expected key=value with a key such as strategy or database.databaseName`]);
    }
    // Like the CLI, a value is a string; the schema coerces numbers and booleans where a key expects them (so
    // `-c database.engineVersion=16.10` stays the string "16.10"). Only JSON objects and arrays are parsed.
    let value: unknown = rawValue;
    if (/^(\{.*\}|\[.*\])$/s.test(rawValue.trim())) {
        try {
            value = JSON.parse(rawValue);
        } catch {
            value = rawValue;
        }
    }
    return { key: `${ns}:${segments[0]}`, path: segments.slice(1), value };
}

function setPath(target: unknown, pathSegs: readonly (string | number)[], value: unknown): unknown {
    if (pathSegs.length === 0) return value;
    const [head, ...rest] = pathSegs;
    const base: Record<string | number, unknown> | unknown[] =
        Array.isArray(target) ? [...target] : target !== null && typeof target === "object" ? { ...(target as object) } : typeof head === "number" ? [] : {};
    (base as Record<string | number, unknown>)[head] = setPath((base as Record<string | number, unknown>)[head], rest, value);
    return base;
}

/** Materialises defaults that live outside the schema: structured project values are decoded from JSON strings. */
function decodeJson(v: unknown): unknown {
    if (typeof v === "string" && /^[[{]/.test(v.trim())) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

/** Project config, then the stack's own, then overrides: the precedence of the Pulumi CLI. */
export function mergeConfig(files: ProjectFiles, stack: string, overrides: readonly Override[] = []): RawConfig {
    const own = files.stacks[stack];
    if (!own) throw new ConfigError([`--stack: got ${JSON.stringify(stack)}; expected one of ${Object.keys(files.stacks).join(", ")}`]);
    const merged: RawConfig = { ...files.projectConfig, ...own };
    for (const o of overrides) {
        let current = decodeJson(merged[o.key]);
        // A path into an unset key edits the key's default (the defaulted services, tables, ...).
        if (current === undefined && o.path.length > 0 && o.key.startsWith(`${NS}:`)) current = defaultOf(o.key.slice(NS.length + 1));
        merged[o.key] = setPath(current, o.path, o.value);
    }
    return merged;
}

/**
 * Loads and validates every stack of the project with the same overrides applied to each (the way a
 * project-level change in Pulumi.yaml reaches every stack). Throws one ConfigError listing every problem.
 */
export function loadProject(dir: string, overrides: readonly Override[] = [], only?: readonly string[]): StackConfig[] {
    const files = loadProjectFiles(dir);
    return loadFromFiles(files, overrides, only);
}

export function loadFromFiles(files: ProjectFiles, overrides: readonly Override[] = [], only?: readonly string[], perStack: Readonly<Record<string, readonly Override[]>> = {}): StackConfig[] {
    const problems: string[] = [];
    const unknown = (only ?? []).filter((s) => !(s in files.stacks));
    if (unknown.length) throw new ConfigError(unknown.map((s) => `--stack: got ${JSON.stringify(s)}; expected one of ${Object.keys(files.stacks).join(", ")}`));
    const all: StackConfig[] = [];
    // The same mistake in several stacks (e.g. a bad -c override) is reported once, naming the stacks.
    const byProblem = new Map<string, string[]>();
    for (const stack of Object.keys(files.stacks)) {
        try {
            all.push(parseStackConfig(files.project, stack, mergeConfig(files, stack, [...overrides, ...(perStack[stack] ?? [])])));
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            for (const prob of e.problems) (byProblem.get(prob) ?? byProblem.set(prob, []).get(prob)!).push(stack);
        }
    }
    for (const [prob, stacks] of byProblem) problems.push(`[stack${stacks.length > 1 ? "s" : ""} ${stacks.join(", ")}] ${prob}`);
    if (problems.length === 0) problems.push(...projectProblems(all));
    if (problems.length) throw new ConfigError(problems);
    return only && only.length ? all.filter((s) => only.includes(s.stack)) : all;
}

/**
 * For a real `pulumi up`: this stack's config comes from the Pulumi runtime (so `pulumi config set` and
 * `-c` apply); the other stacks' come from their stack files beside Pulumi.yaml, so rules that span
 * stacks (CIDR overlap, one strategy, one engine version) hold before anything is registered.
 */
export function readStackConfigs(
    dir: string, project: string, stack: string, runtimeConfig: Record<string, string>,
    peerConfig?: Readonly<Record<string, Record<string, unknown>>>,
): { self: StackConfig; all: StackConfig[] } {
    let files: ProjectFiles;
    if (peerConfig) {
        files = { dir, project, projectConfig: {}, stacks: { ...peerConfig } };
    } else {
        try {
            files = loadProjectFiles(dir);
        } catch (e) {
            // No project files next to the program (e.g. an inline program): validate this stack alone.
            if (!(e instanceof ConfigError)) throw e;
            files = { dir, project, projectConfig: {}, stacks: {} };
        }
    }
    const withSelf: ProjectFiles = { ...files, stacks: { ...files.stacks, [stack]: runtimeConfig } };
    // The runtime bag already includes project-level values, so the merge adds nothing for this stack.
    const all = loadFromFiles(withSelf);
    const self = all.find((s) => s.stack === stack);
    if (!self) throw new ConfigError([`stack ${stack}: not found`]);
    return { self, all };
}
