/**
 * The policy pack's config, the way the engine builds it for `pulumi preview --policy-pack-config FILE`:
 * each policy's schema defaults, overridden by the file (an enforcement level per policy, or an object of
 * `enforcementLevel` plus properties; `"all"` sets every policy's level), validated against the schema.
 *
 * The offline plan adds one layer under the user's file: the project facts a single stack cannot see
 * (regions, primary region, table names, engine version, RTO target, estimate overrides, tag keys, the web
 * ACL's configured actions), derived from the project's own config, so `npm run plan` checks exactly the
 * configuration it planned.
 */
import * as fs from "fs";
import { MANAGED_RULE_GROUPS } from "../src/awsFacts";
import type { StackConfig } from "../src/config";
import { parseDuration } from "../src/duration";
import { UsageError } from "./cli";
import { effectiveConfig } from "./planner";
import { ENFORCEMENT_LEVELS, EnforcementLevel, PackInfo, PolicySettings, ResolvedPolicyConfig } from "./policyRunner";

/** A policy config file: policy name → level, or level and properties. */
export type PolicyConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

/** The planner's effective config of one stack ("securecart:*" keys, "aws:region"). */
type EffectiveConfig = Record<string, unknown>;

/**
 * The project facts every DR policy needs, from the stacks' effective config (tools/planner.ts
 * `effectiveConfig`, also saved in each plan JSON document as `config`).
 */
export function projectPolicyConfig(configs: readonly EffectiveConfig[]): PolicyConfigFile {
    if (configs.length === 0) return {};
    const c = configs[0];
    const regions = (c["securecart:regions"] as string[] | undefined) ?? [];
    const primaryRegion = String(c["securecart:primaryRegion"] ?? "");
    const facts = { regions, primaryRegion };
    // Table names as components/region.ts builds them: `securecart-<name>` in every region.
    const tables = ((c["securecart:tables"] as Array<{ name: string }> | undefined) ?? []).map((t) => `securecart-${t.name}`);
    const engineVersion = String((c["securecart:database"] as { engineVersion?: string } | undefined)?.engineVersion ?? "");
    const rto = typeof c["securecart:rtoTarget"] === "string" ? parseDuration(c["securecart:rtoTarget"] as string) : undefined;
    const tagKeys = new Set<string>();
    for (const s of configs) for (const k of Object.keys((s["securecart:tags"] as Record<string, string> | undefined) ?? {})) tagKeys.add(k);
    tagKeys.add("strategy");
    // The cache's node types (securecart:cache), the same in every stack: a full-size cache and a cold standby's.
    const cache = (c["securecart:cache"] as { nodeType?: string; coldNodeType?: string } | undefined) ?? {};
    const estimates = (c["securecart:estimates"] as Record<string, number> | undefined) ?? {};
    // The web ACL's actions as securecart:edge.waf sets them, each managed group under the AWS name the ACL runs it by.
    const waf = (c["securecart:edge"] as { waf?: { rateAction?: string; ruleGroups?: Record<string, string> } } | undefined)?.waf;
    const ruleGroupActions = Object.fromEntries(
        Object.entries(MANAGED_RULE_GROUPS).flatMap(([k, aws]) => (waf?.ruleGroups?.[k] ? [[aws, waf.ruleGroups[k]]] : [])),
    );
    return {
        "aws-required-tags": { keys: [...tagKeys] },
        "dr-standby-has-strategy-resources": { ...facts, tables },
        "dr-capacity-matches-strategy": { ...facts },
        "dr-aurora-engine-version-consistent": { engineVersion },
        "dr-global-tables-replicated": { ...facts, tables },
        "dr-backups-copied-to-standby-regions": { ...facts },
        "dr-order-pipeline-matches-strategy": { ...facts },
        "dr-order-event-endpoint": { ...facts },
        "dr-identity-matches-strategy": { ...facts },
        "dr-api-matches-strategy": { ...facts },
        "dr-cache-matches-strategy": { ...facts, nodeType: cache.nodeType ?? "", coldNodeType: cache.coldNodeType ?? "" },
        "dr-files-match-strategy": { ...facts },
        "dr-tier-alarms-exist": { ...facts },
        "aws-cloudtrail-baseline": { ...facts },
        "aws-api-routes-authorized": {
            ...facts,
            ...(Array.isArray((c["securecart:api"] as { publicRoutes?: unknown } | undefined)?.publicRoutes)
                ? { publicRoutes: (c["securecart:api"] as { publicRoutes: string[] }).publicRoutes }
                : {}),
        },
        "dr-failure-detection-within-rto": { ...(rto !== undefined ? { rtoSeconds: rto } : {}), estimates },
        "aws-waf-managed-rules-and-rate-limit": { ruleGroupActions, rateAction: waf?.rateAction ?? "block" },
        "dr-estimates-within-targets": {
            ...facts,
            rtoTargetSeconds: rto ?? 0,
            rpoTargetSeconds: (typeof c["securecart:rpoTarget"] === "string" ? parseDuration(c["securecart:rpoTarget"] as string) : undefined) ?? 0,
            estimates,
        },
    };
}

/** Only the entries for policies the pack has (the derived layer must not fail on a policy someone removed). */
export function forPack(info: PackInfo, config: PolicyConfigFile): PolicyConfigFile {
    return Object.fromEntries(Object.entries(config).filter(([k]) => k === "all" || info.policies.some((p) => p.name === k)));
}

/** projectPolicyConfig from validated stack configs. */
export function projectPolicyConfigOf(stacks: readonly StackConfig[]): PolicyConfigFile {
    return projectPolicyConfig(stacks.map(effectiveConfig));
}

/** Reads a `--policy-config` file; a missing or malformed file is a usage error (exit 2). */
export function readPolicyConfigFile(file: string): PolicyConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`--policy-config: cannot read ${file}: ${(e as Error).message}`);
    }
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch (e) {
        throw new UsageError(`--policy-config: ${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== "object" || Array.isArray(v))
        throw new UsageError(`--policy-config: ${file} must hold a JSON object of policy name → config`);
    return v as PolicyConfigFile;
}

function typeProblem(value: unknown, schema: Record<string, unknown>): string | undefined {
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type)];
    const is = (t: string) =>
        (t === "string" && typeof value === "string") ||
        (t === "boolean" && typeof value === "boolean") ||
        (t === "number" && typeof value === "number") ||
        (t === "integer" && Number.isInteger(value)) ||
        (t === "array" && Array.isArray(value)) ||
        (t === "object" && value !== null && typeof value === "object" && !Array.isArray(value)) ||
        (t === "null" && value === null);
    if (types.length && !types.some(is))
        return `expected ${types.map((t) => (t === "integer" ? "an integer" : t === "array" || t === "object" ? `an ${t}` : t === "null" ? "null" : `a ${t}`)).join(" or ")}`;
    if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum) return `expected at least ${schema.minimum}`;
    if (typeof value === "number" && typeof schema.maximum === "number" && value > schema.maximum) return `expected at most ${schema.maximum}`;
    if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return `expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
    const items = schema.items as Record<string, unknown> | undefined;
    if (Array.isArray(value) && items) {
        for (const [i, x] of value.entries()) {
            const p = typeProblem(x, items);
            if (p) return `item ${i}: ${p}`;
        }
    }
    return undefined;
}

/**
 * Every policy's enforcement level and properties: schema defaults, then each layer in order (later wins).
 * Collects every problem (unknown policy or property, bad level, wrong type) and throws one UsageError.
 */
export function resolvePolicyConfig(info: PackInfo, ...layers: Array<{ source: string; config: PolicyConfigFile }>): ResolvedPolicyConfig {
    const problems: string[] = [];
    const out: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const p of info.policies) {
        const properties: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) if (s.default !== undefined) properties[k] = s.default;
        out[p.name] = { enforcementLevel: p.enforcementLevel, properties };
    }
    const level = (v: unknown, where: string): EnforcementLevel | undefined => {
        if (ENFORCEMENT_LEVELS.includes(v as EnforcementLevel)) return v as EnforcementLevel;
        problems.push(`${where}: got ${JSON.stringify(v)}; expected one of ${ENFORCEMENT_LEVELS.join(", ")}`);
        return undefined;
    };
    for (const { source, config } of layers) {
        const all = config.all;
        if (all !== undefined) {
            const l = level(typeof all === "string" ? all : all.enforcementLevel, `${source}: all`);
            if (l) for (const s of Object.values(out)) s.enforcementLevel = l;
        }
        for (const [name, v] of Object.entries(config)) {
            if (name === "all") continue;
            const target = out[name];
            const policy = info.policies.find((p) => p.name === name);
            if (!target || !policy) {
                problems.push(`${source}: "${name}" is not a policy of ${info.name}; expected one of ${info.policies.map((p) => p.name).join(", ")}`);
                continue;
            }
            if (typeof v === "string") {
                const l = level(v, `${source}: ${name}`);
                if (l) target.enforcementLevel = l;
                continue;
            }
            if (v === null || typeof v !== "object" || Array.isArray(v)) {
                problems.push(`${source}: ${name}: got ${JSON.stringify(v)}; expected an enforcement level or an object`);
                continue;
            }
            for (const [k, x] of Object.entries(v)) {
                if (k === "enforcementLevel") {
                    const l = level(x, `${source}: ${name}.enforcementLevel`);
                    if (l) target.enforcementLevel = l;
                    continue;
                }
                const schema = policy.configSchema?.properties?.[k];
                if (!schema) {
                    const known = Object.keys(policy.configSchema?.properties ?? {});
                    problems.push(
                        `${source}: ${name}.${k}: unknown property; ${known.length ? `allowed: enforcementLevel, ${known.join(", ")}` : "this policy takes only enforcementLevel"}`,
                    );
                    continue;
                }
                const p = typeProblem(x, schema);
                if (p) problems.push(`${source}: ${name}.${k}: got ${JSON.stringify(x)}; ${p}`);
                else target.properties[k] = x;
            }
        }
    }
    for (const p of info.policies) {
        for (const req of p.configSchema?.required ?? []) {
            if (out[p.name].properties[req] === undefined)
                problems.push(`${p.name}.${req}: required by the policy's schema; set it in the policy config`);
        }
    }
    if (problems.length) throw new UsageError(`invalid policy config:\n${problems.join("\n")}`);
    return out as Record<string, PolicySettings>;
}
