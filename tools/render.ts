/** Text rendering of a plan: a tree like `pulumi preview`'s, and counts per type and per component. */
import type { PlannedResource, StackPlan } from "./planner";

export const OFFLINE_NOTICE =
    "This is an OFFLINE plan under Pulumi's mock runtime: nothing is created, no AWS API is called, and every computed " +
    "value (ids, ARNs, DNS names, endpoints; account 123456789012) is a placeholder from tools/fakeAws.ts.";

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
    const custom = plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const byType = new Map<string, number>();
    for (const r of custom) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const byComponent = new Map<string, number>();
    for (const r of custom) {
        // Attribute each resource to its nearest component ancestor.
        let p = r.parent ? byUrn.get(r.parent) : undefined;
        while (p && p.type === "pulumi:pulumi:Stack") p = undefined;
        const label = p ? `${p.type} ${p.name}` : "(stack)";
        byComponent.set(label, (byComponent.get(label) ?? 0) + 1);
    }
    const table = (m: Map<string, number>) => [...m.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `    ${String(v).padStart(4)}  ${k}`).join("\n");
    return [
        `Resources: ${custom.length} to create (${plan.resources.length} including components, providers and the stack)`,
        `  by type:`,
        table(byType),
        `  by component:`,
        table(byComponent),
    ].join("\n");
}
