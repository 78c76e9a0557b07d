/** Text rendering of a plan: a tree like `pulumi preview`'s, and counts per type and per component. */
import type { PlannedResource, StackPlan } from "./planner";
import { ENGINE, SECRET_JSON, UNKNOWN_JSON, isCloudResource } from "../src/plan/engineTypes";

export const OFFLINE_NOTICE =
    "This is an OFFLINE plan under Pulumi's mock runtime: nothing is created, no AWS API is called, and every computed " +
    "value (ids, ARNs, DNS names, endpoints; account 123456789012) is a placeholder from tools/fakeAws.ts.";

export const PREVIEW_NOTICE =
    "PREVIEW (--preview): the program was evaluated as a first `pulumi preview` sees it. Nothing of a stack exists yet, so " +
    "every id and every value AWS computes (ARNs, DNS names, endpoints) is shown as [unknown], and so is everything derived " +
    "from one; invokes still answered. A StackReference reads the referenced stack's DEPLOYED outputs: here the home " +
    "stack's normal offline plan (its placeholders), planned first. Every dynamic resource's provider check({}, news) ran " +
    "with unknown inputs as the engine's sentinel, as the engine runs it in a preview.";

/** A value as the plan prints it: JSON, except the unknown and secret markers, which print bare. */
export function showValue(v: unknown): string {
    if (v === UNKNOWN_JSON || v === SECRET_JSON) return v;
    if (Array.isArray(v)) return `[${v.map(showValue).join(", ")}]`;
    if (v !== null && typeof v === "object")
        return `{ ${Object.entries(v as Record<string, unknown>)
            .map(([k, x]) => `${k}: ${showValue(x)}`)
            .join(", ")} }`;
    return JSON.stringify(v);
}

/** The stack's outputs, one per line, unknowns as [unknown] (what `pulumi preview` lists under "Outputs"). */
export function renderOutputs(plan: StackPlan): string {
    const entries = Object.entries(plan.stackOutputs).sort((a, b) => a[0].localeCompare(b[0]));
    if (entries.length === 0) return "Outputs: none";
    const w = Math.max(...entries.map(([k]) => k.length));
    return ["Outputs:", ...entries.map(([k, v]) => `    ${`${k}:`.padEnd(w + 1)} ${showValue(v)}`)].join("\n");
}

/** What a preview rests on: where StackReference outputs came from, and the dynamic provider checks made. */
export function renderPreviewFacts(plan: StackPlan): string {
    const lines: string[] = [];
    for (const [ref, from] of Object.entries(plan.stackReferences)) {
        const what =
            from === "deployed"
                ? "the DEPLOYED outputs of that stack (its normal offline plan, planned before this preview)"
                : from === "before-this-run"
                  ? "that stack's outputs before this run (not planned before this stack: none on a first deployment)"
                  : "that stack's planned outputs";
        lines.push(`StackReference ${ref}: ${what}`);
    }
    for (const c of plan.dynamicChecks) {
        const unknown = c.unknownInputs.length ? `unknown inputs ${c.unknownInputs.join(", ")} passed as the engine's sentinel` : "all inputs known";
        lines.push(
            `Dynamic provider check: ${c.type.split(":").pop()} "${c.name}": check({}, news) with ${unknown}: ${c.failures.length ? `${c.failures.length} failure(s)` : "passed"}`,
        );
    }
    if (lines.length === 0) lines.push("No StackReference and no dynamic resource in this stack.");
    return lines.join("\n");
}

export function renderTree(plan: StackPlan): string {
    const children = new Map<string | null, PlannedResource[]>();
    for (const r of plan.resources) {
        const key = r.parent;
        if (!children.has(key)) children.set(key, []);
        children.get(key)!.push(r);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retain" : ""].filter(Boolean).join(",");
            lines.push(`${"    ".repeat(depth)}+ ${r.type.padEnd(Math.max(0, 58 - depth * 4))} ${r.name}${flags ? `  [${flags}]` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);
    return lines.join("\n");
}

export function renderSummary(plan: StackPlan): string {
    // What `pulumi up` creates: cloud resources (the estimates' count too), not the engine's stack, providers or references.
    const custom = plan.resources.filter((r) => r.custom && isCloudResource(r.type));
    const byType = new Map<string, number>();
    for (const r of custom) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const byComponent = new Map<string, number>();
    for (const r of custom) {
        // Attribute each resource to its nearest component ancestor.
        let p = r.parent ? byUrn.get(r.parent) : undefined;
        while (p && p.type === ENGINE.stack) p = undefined;
        const label = p ? `${p.type} ${p.name}` : "(stack)";
        byComponent.set(label, (byComponent.get(label) ?? 0) + 1);
    }
    const table = (m: Map<string, number>) =>
        [...m.entries()]
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([k, v]) => `    ${String(v).padStart(4)}  ${k}`)
            .join("\n");
    return [
        `Resources: ${custom.length} to create (${plan.resources.length} including components, providers, stack references and the stack)`,
        `  by type:`,
        table(byType),
        `  by component:`,
        table(byComponent),
    ].join("\n");
}
