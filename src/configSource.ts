/**
 * Where configuration comes from: the project's YAML files (read and merged the way the Pulumi CLI reads and
 * merges them), `-c key=value` overrides, and, in a real `pulumi up`, the Pulumi runtime. Parsing and
 * validation of the values live in config.ts; this module gathers raw values and applies the CLI's own rules
 * for the files (sources: pulumi/pulumi sdk/go/common/workspace/project.json, project.go `Validate`,
 * `RewriteShorthandConfigValues`, loaders.go `LoadProjectStackBytes`, pkg/workspace/config.go `mergeConfig`).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    ConfigError,
    NS,
    NS_KEYS,
    PartialStack,
    RawConfig,
    StackConfig,
    checkStackConfig,
    closest,
    defaultOf,
    projectProblems,
    show,
} from "./config";

/** A `type`/`items` declaration of Pulumi.yaml, as the CLI's schema has it (`configItemsType`). */
export interface ConfigItemsType {
    readonly type: string;
    readonly items?: ConfigItemsType;
}

/** What Pulumi.yaml declares about a project key beyond its value: checked against every stack's value, as the CLI does. */
export interface ConfigDeclaration {
    /** The key as written in Pulumi.yaml (the CLI's messages name it so). */
    readonly written: string;
    readonly type?: string;
    readonly items?: ConfigItemsType;
    readonly secret?: boolean;
    /** Neither `value` nor `default`: every stack must set the key. */
    readonly required: boolean;
}

export interface ProjectFiles {
    readonly dir: string;
    readonly project: string;
    /** Project-level values from Pulumi.yaml `config:` (`value:`, `default:`, or a bare value). */
    readonly projectConfig: RawConfig;
    /** Stack name → that stack's own `config:` block from Pulumi.<stack>.yaml, keys fully qualified. */
    readonly stacks: Readonly<Record<string, RawConfig>>;
    /** Problems found while reading the files. loadFromFiles reports them together with every other problem. */
    readonly problems?: readonly string[];
    /** Stacks whose file could not be read at all (rules that need every stack are then skipped). */
    readonly unreadable?: readonly string[];
    /** Stack → full key → why that key is not in the stack's config (written outside `config:`). */
    readonly misplaced?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Pulumi.yaml's declarations of project keys (type, secret, required), by full key. */
    readonly declarations?: Readonly<Record<string, ConfigDeclaration>>;
    /** Keys whose Pulumi.yaml entry was refused (its problem says why; a stack missing the key is not reported again). */
    readonly refusedKeys?: readonly string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const given = (v: unknown) => v !== undefined && v !== null;

/**
 * A config key as the Pulumi CLI reads it (config.ParseKey; a bare name is namespaced with the project):
 * `ns:name`, the old `ns:config:name`, or `name`. Undefined when the CLI would refuse it.
 */
export function qualifyKey(key: string): string | undefined {
    const parts = key.split(":");
    if (parts.length === 1) return key ? `${NS}:${key}` : undefined;
    if (parts.length === 2) return parts[0] && parts[1] ? key : undefined;
    if (parts.length === 3 && parts[1] === "config" && parts[0] && parts[2]) return `${parts[0]}:${parts[2]}`;
    return undefined;
}

const DECLARATION_ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"] as const;
const CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"] as const;

/** The CLI's `InferFullTypeName`: array<string>, array<array<integer>>, ... */
function fullTypeName(type: string, items?: ConfigItemsType): string {
    return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** The CLI's `ValidateConfigValue`: whether `v` is of the declared type. Top-level stack values arrive as strings. */
export function matchesConfigType(type: string, items: ConfigItemsType | undefined, v: unknown): boolean {
    switch (type) {
        case "string":
            return typeof v === "string";
        case "integer":
            return (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^[+-]?\d+$/.test(v));
        case "boolean":
            return typeof v === "boolean" || v === "true" || v === "false";
        case "object":
            return isMap(v);
        default:
            return Array.isArray(v) && items !== undefined && v.every((x) => matchesConfigType(items.type, items.items, x));
    }
}

/** Checks an `items:` declaration (`configItemsType`: a type, and items again for an array). */
function itemsProblems(where: string, items: unknown): string[] {
    if (!isMap(items)) return [`${where}: got ${show(items)}; expected a map with type: (and items: for an array)`];
    const p: string[] = [];
    const extra = Object.keys(items).filter((k) => k !== "type" && k !== "items");
    if (extra.length) p.push(`${where}: got attribute(s) ${extra.map((k) => `"${k}"`).join(", ")}; expected only type and items`);
    if (typeof items.type !== "string" || !(CONFIG_TYPES as readonly string[]).includes(items.type))
        p.push(`${where}.type: got ${show(items.type)}; expected one of ${CONFIG_TYPES.join(", ")}`);
    else if (items.type === "array" && !given(items.items))
        p.push(`${where}: declares an array without items:; expected items: with the element type`);
    if (given(items.items)) p.push(...itemsProblems(`${where}.items`, items.items));
    return p;
}

/**
 * Pulumi.yaml `config:` read the way the CLI reads it:
 * - a bare string, integer, boolean or list is shorthand: a `default` for a project key, a `value` for any
 *   other namespace (RewriteShorthandConfigValues);
 * - anything else must be a declaration, a map whose only attributes are type, items, description, secret,
 *   default and value (project.json `configTypeDeclaration`, additionalProperties false). So a map value
 *   without `value:`, a misspelt `value`, a float or an empty entry are refused, as the CLI refuses them;
 * - default and value together are refused; a project key's array type needs items, and its default must be
 *   of its type; another namespace's key takes no type and no default and must give a value (Project.Validate);
 * - a project key with neither value nor default must be set by every stack (mergeConfig).
 */
function readProjectConfig(
    block: Record<string, unknown>,
    problems: string[],
): { values: RawConfig; declarations: Record<string, ConfigDeclaration>; refused: string[] } {
    const values: RawConfig = {};
    const declarations: Record<string, ConfigDeclaration> = {};
    const refused: string[] = [];
    const seen: Record<string, string> = {};
    for (const [key, entry] of Object.entries(block)) {
        const where = `Pulumi.yaml config.${key}`;
        const full = qualifyKey(key);
        if (!full) {
            problems.push(
                `${where}: not a configuration key; expected <namespace>:<name> (e.g. ${NS}:strategy, aws:region) or a bare name in the project namespace (the Pulumi CLI refuses it)`,
            );
            continue;
        }
        if (full in seen) {
            problems.push(`${where}: the key ${full} is also given as "${seen[full]}"; expected it once`);
            continue;
        }
        seen[full] = key;
        const own = full.startsWith(`${NS}:`);
        if (typeof entry === "string" || typeof entry === "boolean" || Number.isInteger(entry) || Array.isArray(entry)) {
            values[full] = entry;
            continue;
        }
        if (!isMap(entry)) {
            problems.push(
                `${where}: got ${show(entry)}; expected a string, an integer, true/false, a list, or a declaration map with value: (the Pulumi CLI's project schema accepts nothing else here; write it as value: ${entry === null ? "<the value>" : String(entry)})`,
            );
            refused.push(full);
            continue;
        }
        const p: string[] = [];
        const extra = Object.keys(entry).filter((k) => !(DECLARATION_ATTRIBUTES as readonly string[]).includes(k));
        if (extra.length) {
            const typos = extra.map((k) => [k, closest(k, DECLARATION_ATTRIBUTES)] as const).filter(([, near]) => near !== undefined);
            const hint = typos.length
                ? `; did you mean ${typos.map(([k, near]) => `"${near}" for "${k}"`).join(", ")}?`
                : `; to give a map as the value, put it under value: (${key}: {value: {${extra.slice(0, 2).join(": ..., ")}: ...}})`;
            p.push(
                `${where}: got attribute(s) ${extra.map((k) => `"${k}"`).join(", ")}; expected a declaration with only ${DECLARATION_ATTRIBUTES.join(", ")} (the Pulumi CLI refuses other attributes)${hint}`,
            );
        }
        const type = entry.type;
        if (given(type) && (typeof type !== "string" || !(CONFIG_TYPES as readonly string[]).includes(type)))
            p.push(`${where}.type: got ${show(type)}; expected one of ${CONFIG_TYPES.join(", ")}`);
        if (given(entry.items)) p.push(...itemsProblems(`${where}.items`, entry.items));
        if (given(entry.description) && typeof entry.description !== "string")
            p.push(`${where}.description: got ${show(entry.description)}; expected a string`);
        if (given(entry.secret) && typeof entry.secret !== "boolean") p.push(`${where}.secret: got ${show(entry.secret)}; expected true or false`);
        if (given(entry.default) && given(entry.value))
            p.push(`${where}: got both default: and value:; expected one of them (the Pulumi CLI: a project config key cannot have both)`);
        const items = isMap(entry.items) ? (entry.items as unknown as ConfigItemsType) : undefined;
        if (own) {
            if (type === "array" && !given(entry.items))
                p.push(
                    `${where}: declares type array without items:; expected items: {type: ...} (the Pulumi CLI refuses an array type without its element type)`,
                );
            else if (typeof type === "string" && given(entry.default) && p.length === 0 && !matchesConfigType(type, items, entry.default)) {
                p.push(
                    `${where}.default: got ${show(entry.default)}; expected a value of the declared type ${fullTypeName(type, items)} (the Pulumi CLI refuses a default of another type)`,
                );
            }
        } else {
            if (given(type))
                p.push(`${where}.type: a key outside the project namespace takes no type (the Pulumi CLI refuses it); expected only value:`);
            if (given(entry.default))
                p.push(
                    `${where}.default: a key outside the project namespace takes no default (the Pulumi CLI refuses it); expected value: instead of default:`,
                );
            else if (!given(entry.value))
                p.push(
                    `${where}: got no value:; expected value: (a key outside the project namespace must give one; the Pulumi CLI refuses it otherwise)`,
                );
        }
        if (p.length) {
            problems.push(...p);
            refused.push(full);
            continue;
        }
        if (given(entry.value)) values[full] = entry.value;
        else if (given(entry.default)) values[full] = entry.default;
        if (own) {
            declarations[full] = {
                written: key,
                type: typeof type === "string" ? type : undefined,
                items,
                secret: entry.secret === true,
                required: !given(entry.value) && !given(entry.default),
            };
        }
    }
    return { values, declarations, refused };
}

/** The keys a stack file may hold at its top level (workspace.ProjectStack); the CLI ignores any other. */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"] as const;

function findProjectFile(dir: string): string | undefined {
    return ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

/**
 * Reads Pulumi.yaml and every Pulumi.<stack>.yaml (in `stackConfigDir` when set). Only a project file that
 * cannot be read at all throws (a ConfigError); every other problem is collected in `problems`, which
 * loadFromFiles reports together with the stacks' own problems.
 */
export function loadProjectFiles(dir: string): ProjectFiles {
    const projectFile = findProjectFile(dir);
    if (!projectFile) throw new ConfigError([`${dir}: no Pulumi.yaml; expected the project file of ${NS} there`]);
    let doc: unknown;
    try {
        doc = YAML.parse(fs.readFileSync(projectFile, "utf8")) ?? {};
    } catch (e) {
        throw new ConfigError([`${projectFile}: cannot be read as YAML: ${(e as Error).message.split("\n")[0]}`]);
    }
    if (!isMap(doc)) throw new ConfigError([`${projectFile}: got ${show(doc)}; expected a map of project attributes (name, runtime, config, ...)`]);
    const problems: string[] = [];
    const project = typeof doc.name === "string" ? doc.name : "";
    if (project !== NS) problems.push(`Pulumi.yaml name: got ${show(doc.name)}; expected "${NS}"`);

    // `config: <path>` is the old spelling of stackConfigDir (RewriteConfigPathIntoStackConfigDir).
    let stackDir = dir;
    let block: Record<string, unknown> = {};
    if (typeof doc.config === "string") {
        if (doc.stackConfigDir !== undefined)
            problems.push(
                `Pulumi.yaml config: got the path ${show(doc.config)} together with stackConfigDir; expected only stackConfigDir (the Pulumi CLI refuses both)`,
            );
        else stackDir = path.resolve(dir, doc.config);
    } else if (isMap(doc.config)) {
        block = doc.config;
    } else if (given(doc.config)) {
        problems.push(`Pulumi.yaml config: got ${show(doc.config)}; expected a map of configuration keys`);
    }
    if (typeof doc.stackConfigDir === "string") stackDir = path.resolve(dir, doc.stackConfigDir);
    else if (given(doc.stackConfigDir)) problems.push(`Pulumi.yaml stackConfigDir: got ${show(doc.stackConfigDir)}; expected a directory path`);
    const { values: projectConfig, declarations, refused: refusedKeys } = readProjectConfig(block, problems);

    const stacks: Record<string, RawConfig> = {};
    const unreadable: string[] = [];
    const misplaced: Record<string, Record<string, string>> = {};
    let names: string[] = [];
    try {
        names = fs.readdirSync(stackDir).sort();
    } catch (e) {
        problems.push(`${path.relative(dir, stackDir) || "."}: cannot list the stack files: ${(e as Error).message}`);
    }
    for (const file of names) {
        const m = /^Pulumi\.(.+)\.ya?ml$/.exec(file);
        if (!m) continue;
        const stack = m[1];
        if (stack in stacks || unreadable.includes(stack)) {
            problems.push(`${file}: stack "${stack}" has two stack files; expected one`);
            continue;
        }
        let sdoc: unknown;
        try {
            sdoc = YAML.parse(fs.readFileSync(path.join(stackDir, file), "utf8")) ?? {};
        } catch (e) {
            problems.push(`${file}: cannot be read as YAML: ${(e as Error).message.split("\n")[0]}`);
            unreadable.push(stack);
            continue;
        }
        if (!isMap(sdoc)) {
            problems.push(`${file}: got ${show(sdoc)}; expected a map with config: (and optionally ${STACK_FILE_KEYS.slice(1).join(", ")})`);
            unreadable.push(stack);
            continue;
        }
        const cfg: RawConfig = {};
        const seen: Record<string, string> = {};
        for (const k of Object.keys(sdoc)) {
            if ((STACK_FILE_KEYS as readonly string[]).includes(k)) continue;
            const full = qualifyKey(k);
            const head = k.split(/[.[]/)[0];
            if (full && (k.includes(":") || NS_KEYS.includes(head))) {
                (misplaced[stack] ??= {})[full] =
                    `${full}: found at the top level of ${file}, outside config:, where the Pulumi CLI ignores it; expected it indented under config:`;
            } else {
                const near = closest(k, STACK_FILE_KEYS);
                problems.push(
                    `${file}: unknown top-level key "${k}"${near ? `; did you mean "${near}"?` : ""}; expected only ${STACK_FILE_KEYS.join(", ")} (the Pulumi CLI ignores any other key, so what is under it is lost)`,
                );
            }
        }
        const block = sdoc.config;
        if (given(block) && !isMap(block)) problems.push(`${file} config: got ${show(block)}; expected a map of configuration keys`);
        for (const [k, v] of Object.entries(isMap(block) ? block : {})) {
            const full = qualifyKey(k);
            if (!full) {
                problems.push(
                    `${file} config.${k}: not a configuration key; expected <namespace>:<name> or a bare name in the project namespace (the Pulumi CLI refuses it)`,
                );
            } else if (full in seen) {
                problems.push(`${file} config.${k}: the key ${full} is also given as "${seen[full]}"; expected it once`);
            } else {
                seen[full] = k;
                // The CLI reads an entry left blank as "" (and warns); the schema then names it as an empty value.
                cfg[full] = v === null ? "" : v;
            }
        }
        stacks[stack] = cfg;
    }
    if (Object.keys(stacks).length === 0 && unreadable.length === 0)
        problems.push(`${path.relative(dir, stackDir) || dir}: no Pulumi.<stack>.yaml files; expected at least one stack`);
    return { dir, project, projectConfig, stacks, problems, unreadable, misplaced, declarations, refusedKeys };
}

/** A `-c key=value` override. `key` may be short (project namespace) and may be a path (`database.databaseName`, `tables[0].hashKey`). */
export interface Override {
    readonly key: string; // fully qualified top-level key
    readonly path: readonly (string | number)[]; // path below the key, empty for the key itself
    readonly value: unknown;
    /** `-c STACK/key=value`: the one stack it applies to. Default: every stack. */
    readonly stack?: string;
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
    if (!ns || segments.length === 0 || typeof segments[0] !== "string") {
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

/** `key.path=value` as the user wrote it (short key in the project namespace). */
export function overrideText(o: Override, stack: string | undefined = o.stack): string {
    const key = o.key.startsWith(`${NS}:`) ? o.key.slice(NS.length + 1) : o.key;
    const p = o.path.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
    return `${stack ? `${stack}/` : ""}${key}${p}=${typeof o.value === "string" ? o.value : JSON.stringify(o.value)}`;
}

function setPath(target: unknown, pathSegs: readonly (string | number)[], value: unknown, fail: (why: string) => never): unknown {
    if (pathSegs.length === 0) return value;
    const [head, ...rest] = pathSegs;
    if (Array.isArray(target)) {
        if (typeof head !== "number") fail(`"${head}" names a key, but the value there is a list; expected an index such as [0]`);
        if (head > target.length) fail(`index ${head} is past the end of a list of ${target.length}; expected an index from 0 to ${target.length}`);
    } else if (typeof head === "number" && isMap(target)) {
        fail(`[${head}] is an index, but the value there is a map; expected a key`);
    }
    const base: Record<string | number, unknown> | unknown[] = Array.isArray(target)
        ? [...target]
        : isMap(target)
          ? { ...target }
          : typeof head === "number"
            ? []
            : {};
    if (Array.isArray(base) && typeof head === "number" && head > base.length) fail(`index ${head} starts a new list; expected [0]`);
    (base as Record<string | number, unknown>)[head] = setPath((base as Record<string | number, unknown>)[head], rest, value, fail);
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

/**
 * Project config, then the stack's own, then overrides: the precedence of the Pulumi CLI (a project value
 * applies only where the stack does not set the key at all). Throws a ConfigError for an override whose
 * path does not fit the value it edits.
 */
export function mergeConfig(files: ProjectFiles, stack: string, overrides: readonly Override[] = []): RawConfig {
    const own = files.stacks[stack];
    if (!own) throw new ConfigError([`--stack: got ${JSON.stringify(stack)}; expected one of ${Object.keys(files.stacks).join(", ")}`]);
    const merged: RawConfig = { ...files.projectConfig, ...own };
    const problems: string[] = [];
    for (const o of overrides) {
        if (o.stack !== undefined && o.stack !== stack) continue;
        let current = decodeJson(merged[o.key]);
        // A path into an unset key edits the key's default (the defaulted services, tables, ...).
        if (current === undefined && o.path.length > 0 && o.key.startsWith(`${NS}:`)) current = defaultOf(o.key.slice(NS.length + 1));
        try {
            merged[o.key] = setPath(current, o.path, o.value, (why) => {
                throw new ConfigError([`-c ${overrideText(o)}: ${why}`]);
            });
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            problems.push(...e.problems);
        }
    }
    if (problems.length) throw new ConfigError(problems);
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

export interface LoadOptions {
    /**
     * Stacks whose config the Pulumi CLI has already merged and checked against Pulumi.yaml's declarations
     * (this stack, in a real `pulumi up`: its bag comes from the runtime, with secrets decrypted). Default none.
     */
    readonly trusted?: readonly string[];
}

/** The CLI's checks of a stack's merged value against Pulumi.yaml's declarations (pkg/workspace/config.go). */
function declarationProblems(files: ProjectFiles, stack: string, merged: RawConfig): Map<string, string> {
    const out = new Map<string, string>();
    for (const [full, d] of Object.entries(files.declarations ?? {})) {
        const v = merged[full];
        if (v === undefined) {
            if (d.required)
                out.set(
                    full,
                    `${full}: got (missing); expected a value in this stack: Pulumi.yaml declares ${d.written} with neither value nor default, so every stack must set it (the Pulumi CLI refuses: Stack '${stack}' is missing configuration value '${d.written}')`,
                );
            continue;
        }
        const secure = isMap(v) && typeof v.secure === "string" && Object.keys(v).length === 1;
        if (d.secret && !secure)
            out.set(
                full,
                `${full}: got a plain value; expected an encrypted one (pulumi config set --secret): Pulumi.yaml declares ${d.written} secret (the Pulumi CLI refuses: Stack '${stack}' with configuration key '${d.written}' must be encrypted as it's secret)`,
            );
        // The CLI hands a stack's top-level scalar values around as strings; maps and lists keep their JSON types.
        const content = isMap(v) || Array.isArray(v) ? v : String(v);
        if (d.type && !secure && !matchesConfigType(d.type, d.items, content)) {
            const t = fullTypeName(d.type, d.items);
            out.set(
                full,
                `${full}: got ${show(v)}; expected a value of type ${t}, as Pulumi.yaml declares (the Pulumi CLI refuses: Stack '${stack}' with configuration key '${d.written}' must be of type '${t}')`,
            );
        }
    }
    return out;
}

/** Each of `names` that is not a stack of the project, as a problem naming the stacks there are. */
export function unknownStackProblems(files: ProjectFiles, names: readonly string[]): string[] {
    const stackNames = Object.keys(files.stacks);
    return names.filter((s) => !(s in files.stacks)).map((s) => `--stack: got ${JSON.stringify(s)}; expected one of ${stackNames.join(", ")}`);
}

export function loadFromFiles(
    files: ProjectFiles,
    overrides: readonly Override[] = [],
    only?: readonly string[],
    perStack: Readonly<Record<string, readonly Override[]>> = {},
    opts: LoadOptions = {},
): StackConfig[] {
    const stackNames = Object.keys(files.stacks);
    const problems: string[] = [...(files.problems ?? []), ...unknownStackProblems(files, only ?? [])];
    const scoped = [
        ...overrides.filter((o) => o.stack !== undefined).map((o) => [o.stack as string, o] as const),
        ...Object.entries(perStack).flatMap(([s, os]) => os.map((o) => [s, o] as const)),
    ];
    for (const [s, o] of scoped) {
        if (!(s in files.stacks)) problems.push(`-c ${overrideText(o, s)}: got stack "${s}"; expected one of ${stackNames.join(", ")}`);
    }
    const all: StackConfig[] = [];
    const partials: PartialStack[] = [];
    let everyStackRead = (files.unreadable ?? []).length === 0;
    // The same mistake in several stacks (e.g. a bad -c override) is reported once, naming the stacks.
    const byProblem = new Map<string, string[]>();
    const note = (prob: string, stack: string) => (byProblem.get(prob) ?? byProblem.set(prob, []).get(prob)!).push(stack);
    for (const stack of stackNames) {
        let raw: RawConfig;
        try {
            raw = mergeConfig(files, stack, [...overrides, ...(perStack[stack] ?? [])]);
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            for (const prob of e.problems) note(prob, stack);
            everyStackRead = false;
            continue;
        }
        const check = checkStackConfig(files.project, stack, raw);
        // Problems the files explain better than the schema can: a key written outside config:, or declared
        // in Pulumi.yaml without a value. They replace the schema's "(missing)" for that key.
        const explained = new Map<string, string>([
            ...Object.entries(files.misplaced?.[stack] ?? {}),
            ...(opts.trusted?.includes(stack) ? [] : declarationProblems(files, stack, raw)),
        ]);
        const silenced = [...explained.keys(), ...(files.refusedKeys ?? [])];
        const own = check.problems.filter((p) => !silenced.some((k) => p.startsWith(`${k}: got (missing)`)));
        for (const prob of [...own, ...explained.values()]) note(prob, stack);
        if (check.config && own.length === 0 && explained.size === 0) all.push(check.config);
        partials.push(check.partial);
    }
    for (const [prob, stacks] of byProblem) problems.push(`[stack${stacks.length > 1 ? "s" : ""} ${stacks.join(", ")}] ${prob}`);
    problems.push(...projectProblems(partials, { complete: everyStackRead }));
    if (problems.length) throw new ConfigError(problems);
    return only && only.length ? all.filter((s) => only.includes(s.stack)) : all;
}

/**
 * For a real `pulumi up`: this stack's config comes from the Pulumi runtime (so `pulumi config set` and
 * `-c` apply); the other stacks' come from their stack files beside Pulumi.yaml, so rules that span
 * stacks (CIDR overlap, one strategy, one engine version) hold before anything is registered.
 */
export function readStackConfigs(
    dir: string,
    project: string,
    stack: string,
    runtimeConfig: Record<string, string>,
    peerConfig?: Readonly<Record<string, Record<string, unknown>>>,
): { self: StackConfig; all: StackConfig[] } {
    let files: ProjectFiles;
    if (peerConfig) {
        files = { dir, project, projectConfig: {}, stacks: { ...peerConfig } };
    } else if (!findProjectFile(dir)) {
        // No project files next to the program (e.g. an inline program): validate this stack alone.
        files = { dir, project, projectConfig: {}, stacks: {} };
    } else {
        // Project files that exist are read and checked: a problem in them is reported, never skipped.
        files = loadProjectFiles(dir);
    }
    const withSelf: ProjectFiles = { ...files, stacks: { ...files.stacks, [stack]: runtimeConfig } };
    // The runtime bag already includes project-level values, so the merge adds nothing for this stack.
    const all = loadFromFiles(withSelf, [], undefined, {}, { trusted: [stack] });
    const self = all.find((s) => s.stack === stack);
    if (!self) throw new ConfigError([`stack ${stack}: not found`]);
    return { self, all };
}
