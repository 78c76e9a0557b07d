/**
 * Runs the policy pack over planned stacks (one analyzer process for all of them) and reports the
 * violations grouped by enforcement level. Used by `npm run plan` and `npm run policy:check`.
 */
import { PolicyConfigFile, forPack, projectPolicyConfig, readPolicyConfigFile, resolvePolicyConfig } from "./policyConfig";
import { AnalyzablePlan, EnforcementLevel, PolicyAnalyzer, Violation } from "./policyRunner";
import { ENGINE } from "../src/plan/engineTypes";

export interface PlanForPolicies extends AnalyzablePlan {
    readonly region?: string;
    /** The stack's effective config (tools/planner.ts `effectiveConfig`; `config` in the plan JSON). */
    readonly config?: Record<string, unknown>;
}

export interface StackPolicyReport {
    readonly stack: string;
    readonly region?: string;
    /** name@version */
    readonly pack: string;
    readonly violations: readonly Violation[];
    /** Every policy of the pack with its effective enforcement level on this run (the page lists passing ones too). */
    readonly policies: readonly { readonly name: string; readonly description: string; readonly enforcementLevel: EnforcementLevel }[];
}

export interface PolicyRunOptions {
    /** A `--policy-config` file (the same format as `pulumi preview --policy-pack-config`). */
    readonly policyConfigFile?: string;
    /** An analyzer already running (tests reuse one); default: start one and stop it afterwards. */
    readonly analyzer?: PolicyAnalyzer;
    /** Layers applied after the project facts and before the file (tests). */
    readonly extraConfig?: PolicyConfigFile;
}

/** Runs the pack over every plan, configured with the project facts, then the user's file. */
export async function runPolicies(plans: readonly PlanForPolicies[], opts: PolicyRunOptions = {}): Promise<StackPolicyReport[]> {
    const userConfig = opts.policyConfigFile ? readPolicyConfigFile(opts.policyConfigFile) : undefined;
    const analyzer = opts.analyzer ?? (await PolicyAnalyzer.start());
    try {
        const info = await analyzer.info();
        const layers = [{ source: "project config", config: forPack(info, projectPolicyConfig(plans.map((p) => p.config ?? {}))) }];
        if (opts.extraConfig) layers.push({ source: "extra config", config: opts.extraConfig });
        if (userConfig && opts.policyConfigFile) layers.push({ source: opts.policyConfigFile, config: userConfig });
        const resolved = resolvePolicyConfig(info, ...layers);
        await analyzer.configure(resolved);
        const policies = info.policies.map((p) => ({
            name: p.name,
            description: p.description,
            enforcementLevel: resolved[p.name]?.enforcementLevel ?? p.enforcementLevel,
        }));
        const out: StackPolicyReport[] = [];
        for (const plan of plans) {
            out.push({
                stack: plan.stack,
                region: plan.region,
                pack: `${info.name}@${info.version}`,
                violations: await analyzer.analyze(plan),
                policies,
            });
        }
        return out;
    } finally {
        if (!opts.analyzer) analyzer.close();
    }
}

/** Enforcement levels, the strictest first: the order every report lists them in. */
export const ENFORCEMENT_ORDER: readonly EnforcementLevel[] = ["mandatory", "remediate", "advisory", "disabled"];
const ORDER = ENFORCEMENT_ORDER;

/** `Type "name"` from a URN (urn:pulumi:stack::project::parent$type::name). */
export function urnLabel(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4) return urn || "(stack)";
    const type = parts[2].split("$").pop() ?? parts[2];
    return type === ENGINE.stack ? "(stack)" : `${type} "${parts.slice(3).join("::")}"`;
}

/** The pack's verdict on a stack, in words: FAIL when something mandatory is violated; the counts per level. */
export function policyVerdict(r: StackPolicyReport): { readonly verdict: "PASS" | "FAIL"; readonly counts: string } {
    const counts = ORDER.filter((l) => l !== "disabled")
        .map((l) => [l, r.violations.filter((v) => v.enforcementLevel === l).length] as const)
        .filter(([, n]) => n > 0);
    return {
        verdict: r.violations.some((v) => v.enforcementLevel === "mandatory") ? "FAIL" : "PASS",
        counts: counts.length ? counts.map(([l, n]) => `${n} ${l}`).join(", ") : "no violations",
    };
}

export function mandatoryViolations(reports: readonly StackPolicyReport[]): Violation[] {
    return reports.flatMap((r) => r.violations.filter((v) => v.enforcementLevel === "mandatory"));
}

export function renderPolicyReport(r: StackPolicyReport): string {
    const lines: string[] = [];
    const counts = ORDER.map((l) => [l, r.violations.filter((v) => v.enforcementLevel === l).length] as const).filter(([, n]) => n > 0);
    lines.push(
        `Policies: ${r.pack} on stack ${r.stack}${r.region ? ` (${r.region})` : ""}: ${counts.length ? counts.map(([l, n]) => `${n} ${l}`).join(", ") : "no violations"}`,
    );
    for (const level of ORDER) {
        const vs = r.violations.filter((v) => v.enforcementLevel === level);
        if (vs.length === 0) continue;
        lines.push(`  ${level} (${vs.length}):`);
        for (const v of vs) {
            lines.push(`    - [${v.policy}] ${urnLabel(v.urn)}`);
            for (const m of v.message.split("\n")) lines.push(`        ${m}`);
        }
    }
    return lines.join("\n");
}

/** The `"policies"` member of a stack's plan JSON. */
export function policiesJson(r: StackPolicyReport): {
    pack: string;
    violations: Array<{ policy: string; enforcementLevel: string; urn: string; message: string }>;
} {
    return {
        pack: r.pack,
        violations: r.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, urn: v.urn, message: v.message })),
    };
}

/** The one-line verdict CLIs print to stderr before exiting 1. */
export function failureMessage(reports: readonly StackPolicyReport[]): string | undefined {
    const m = mandatoryViolations(reports);
    if (m.length === 0) return undefined;
    const names = [...new Set(m.map((v) => v.policy))];
    return `policy check failed: ${m.length} mandatory violation(s) of ${names.join(", ")}`;
}
