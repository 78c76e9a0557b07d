/**
 * A pure diff of two offline plans of the same stack, matched by URN, the way the Pulumi engine matches
 * a program's registrations against its state: resources only in the new plan are created, only in the
 * old one deleted, in both either unchanged, updated in place or replaced.
 *
 * Replacement is decided from the provider's replace-on-change properties (src/replaceRules.ts), the
 * `replaceOnChanges` resource option, and a changed provider; `ignoreChanges` is honoured. A property that
 * depends on a replaced resource is treated as changed to a value unknown until apply, as in a preview.
 * Resources the plans do not model (aliases, state imported outside the program) are out of scope.
 */
import { DELETE_IS_WARNING, REPLACE_IS_WARNING, ReplaceReason, deepEqual, isStateful, replaceReason, ruleFor, show } from "../src/replaceRules";
import type { PlannedResource, StackPlan } from "./planner";
import { isAws, tagsOf } from "../src/plan";

export type Op = "create" | "update" | "replace" | "delete";

export interface PropertyChange {
    /** Path below the inputs, e.g. `desiredCapacity`, `tags.role`, `aliases[0].name`. */
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
}

export interface ResourceChange {
    readonly op: Op;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly stateful: boolean;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** Changed input paths (update and replace). */
    readonly changes: readonly PropertyChange[];
    /** Why a replace happens (replace only). */
    readonly replaceReasons: readonly ReplaceReason[];
    /** An update of a type with no replace rule: the tool cannot tell whether the provider replaces it. */
    readonly unknownType?: boolean;
    /**
     * Replace-on-change properties whose value changes but which the program ignores (`ignoreChanges`):
     * Pulumi keeps the old value silently, so the configuration stops describing the resource.
     */
    readonly masked?: readonly ReplaceReason[];
    /**
     * A deletion the configuration asks for: a superseded backup-restore recovery tier (tagged with its
     * generation, already unprotected by the first retire step) under `recovery.retire: delete`.
     */
    readonly retired?: boolean;
}

export type FindingLevel = "failure" | "warning";

/** A verdict-relevant fact: a stateful resource replaced or deleted; or, as a warning, a resource that must change in place replaced. */
export interface Finding {
    readonly level: FindingLevel;
    readonly stack: string;
    readonly op: Op;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The property that forces a replacement, when one does. */
    readonly property?: string;
    readonly message: string;
}

export interface StackDiff {
    readonly stack: string;
    readonly region: string;
    readonly before: { readonly role: string; readonly strategy: string };
    readonly after: { readonly role: string; readonly strategy: string };
    /** Custom resources that change, in registration order (deletions in the old plan's order). */
    readonly changes: readonly ResourceChange[];
    readonly findings: readonly Finding[];
}

export const UNKNOWN_AFTER_REPLACE = "[unknown: depends on a replaced resource]";

/** Paths (in Pulumi's property-path syntax) where `a` and `b` differ; nested objects and arrays are walked. */
export function changedPaths(a: unknown, b: unknown, prefix = ""): PropertyChange[] {
    if (deepEqual(a, b)) return [];
    const bothObjects = a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b);
    if (!bothObjects) return [{ path: prefix, before: a, after: b }];
    const out: PropertyChange[] = [];
    if (Array.isArray(a) && Array.isArray(b)) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) out.push(...changedPaths(a[i], b[i], `${prefix}[${i}]`));
        return out;
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
        out.push(...changedPaths(ao[k], bo[k], prefix ? `${prefix}.${k}` : k));
    }
    return out;
}

function topLevel(path: string): string {
    return /^[^.[]+/.exec(path)?.[0] ?? path;
}

function matchesPath(path: string, pattern: string): boolean {
    if (pattern === "*") return true;
    return path === pattern || path.startsWith(`${pattern}.`) || path.startsWith(`${pattern}[`);
}

/** Compares one resource present in both plans. */
function compare(
    b: PlannedResource,
    a: PlannedResource,
    region: string,
    replaced: ReadonlySet<string>,
    byUrn: ReadonlyMap<string, PlannedResource>,
): ResourceChange | undefined {
    const ignored = (p: string) => a.ignoreChanges.some((ic) => matchesPath(p, ic));
    const all = changedPaths(b.inputs, a.inputs);
    const changes = all.filter((c) => !ignored(c.path));
    // A real value change (both sides set) of a replace-on-change property hidden by ignoreChanges.
    const masked: ReplaceReason[] = [];
    for (const prop of new Set(all.filter((c) => ignored(c.path)).map((c) => topLevel(c.path)))) {
        const bv = b.inputs[prop];
        const av = a.inputs[prop];
        if (bv === undefined || av === undefined) continue;
        const r = replaceReason(a.type, prop, bv, av, region);
        if (r)
            masked.push({
                ...r,
                why: `${r.why}, but the program ignores changes to ${prop} (ignoreChanges): pulumi up would silently keep ${show(bv)}`,
            });
    }
    // Inputs fed by a resource that is replaced get a new value only at apply time.
    for (const [prop, deps] of Object.entries(a.propertyDependencies)) {
        const dep = deps.find((u) => replaced.has(u));
        if (dep && !ignored(prop) && !changes.some((c) => topLevel(c.path) === prop)) {
            changes.push({ path: prop, before: b.inputs[prop], after: `${UNKNOWN_AFTER_REPLACE} ${byUrn.get(dep)?.name ?? dep}` });
        }
    }
    const reasons: ReplaceReason[] = [];
    const tops = [...new Set(changes.map((c) => topLevel(c.path)))];
    for (const prop of tops) {
        const unknownFrom = changes.find((c) => c.path === prop && typeof c.after === "string" && c.after.startsWith(UNKNOWN_AFTER_REPLACE));
        if (unknownFrom) {
            const rule = ruleFor(a.type);
            if (rule?.properties.some((p) => p.name === prop)) {
                reasons.push({
                    property: prop,
                    why: `${prop} comes from a replaced resource (${String(unknownFrom.after).slice(UNKNOWN_AFTER_REPLACE.length + 1)}): its new value forces a replacement (ForceNew)`,
                    source: rule.source,
                });
            }
            continue;
        }
        const r = replaceReason(a.type, prop, b.inputs[prop], a.inputs[prop], region);
        if (r) reasons.push(r);
    }
    const roc = a.replaceOnChanges.find((p) => changes.some((c) => matchesPath(c.path, p)));
    if (roc) reasons.push({ property: roc, why: `replaceOnChanges resource option lists ${roc}`, source: "the program's resource options" });
    if (b.provider && a.provider && b.provider !== a.provider) {
        reasons.push({
            property: "(provider)",
            why: `provider ${b.provider} → ${a.provider}`,
            source: "Pulumi engine: a resource moved to another provider is replaced",
        });
    }
    // A property dropped from inputs that the provider keeps (Optional+Computed) is no diff at all.
    const effective = changes.filter(
        (c) => !(c.after === undefined && ruleFor(a.type)?.properties.some((p) => p.name === c.path && (p.computed || p.removalSuppressed))),
    );
    if (reasons.length === 0 && effective.length === 0 && masked.length === 0) return undefined;
    return {
        op: reasons.length > 0 ? "replace" : "update",
        urn: a.urn,
        type: a.type,
        name: a.name,
        stateful: isStateful(a.type),
        protect: a.protect,
        retainOnDelete: a.retainOnDelete,
        changes: effective,
        replaceReasons: reasons,
        unknownType: reasons.length === 0 && !ruleFor(a.type) && isAws(a.type) ? true : undefined,
        masked: masked.length ? masked : undefined,
    };
}

function addOrRemove(op: "create" | "delete", r: PlannedResource): ResourceChange {
    return {
        op,
        urn: r.urn,
        type: r.type,
        name: r.name,
        stateful: isStateful(r.type),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        changes: [],
        replaceReasons: [],
    };
}

/** Only custom resources exist in the cloud; the Stack, components and unchanged providers are context. */
function diffable(r: PlannedResource): boolean {
    return r.custom;
}

/**
 * The verdict-relevant findings of one stack's changes: stateful replacements and deletions, and changes
 * to a stateful resource's identity that the program ignores (they would need a replacement to apply); and, as
 * warnings, replacements of what a role change must update in place (alarms, dashboards, topics: REPLACE_IS_WARNING).
 */
export function judge(stack: string, changes: readonly ResourceChange[]): Finding[] {
    const out: Finding[] = [];
    for (const c of changes) {
        if (c.stateful && c.masked?.length) {
            out.push({
                level: "failure",
                stack,
                op: c.op,
                urn: c.urn,
                type: c.type,
                name: c.name,
                property: c.masked[0].property,
                message: `${c.type} "${c.name}" (${c.urn}): its identity would change: ${c.masked.map((r) => `${r.why} [source: ${r.source}]`).join("; ")}; applying the new value needs a replacement, which a drill must never do`,
            });
        }
        const who = `${c.type} "${c.name}" (${c.urn})`;
        // What an update in place must not do (REPLACE_IS_WARNING) warns; a stateful resource replaced fails.
        const inPlaceOnly = !c.stateful && REPLACE_IS_WARNING[c.type];
        if (c.op === "replace" && (c.stateful || inPlaceOnly)) {
            const reasons = c.replaceReasons.map((r) => `${r.why} [source: ${r.source}]`).join("; ");
            out.push({
                level: inPlaceOnly ? "warning" : "failure",
                stack,
                op: "replace",
                urn: c.urn,
                type: c.type,
                name: c.name,
                property: c.replaceReasons[0]?.property,
                message: inPlaceOnly
                    ? `${who} would be REPLACED, not updated in place: ${reasons}; ${inPlaceOnly}`
                    : `${who} would be REPLACED: ${reasons}${c.protect ? "; it is protected, so pulumi up would stop with an error" : ""}`,
            });
            continue;
        }
        if (!c.stateful || c.op !== "delete") continue;
        if (c.retired) {
            out.push({
                level: "warning",
                stack,
                op: "delete",
                urn: c.urn,
                type: c.type,
                name: c.name,
                message: `${who} would be deleted, as configured: a superseded recovery tier retired by recovery.retire: delete (a cluster leaves its final snapshot; a log group stays in AWS until its retention ends)`,
            });
        } else if (DELETE_IS_WARNING[c.type]) {
            out.push({
                level: "warning",
                stack,
                op: "delete",
                urn: c.urn,
                type: c.type,
                name: c.name,
                message: `${who} would be deleted; allowed: ${DELETE_IS_WARNING[c.type]}`,
            });
        } else {
            const extra = [
                c.protect ? "it is protected, so pulumi up would stop with an error" : "",
                c.retainOnDelete ? "retainOnDelete would leave it in AWS but drop it from state (an orphan, drift)" : "",
            ]
                .filter(Boolean)
                .join("; ");
            out.push({
                level: "failure",
                stack,
                op: "delete",
                urn: c.urn,
                type: c.type,
                name: c.name,
                message: `${who} would be DELETED${extra ? `: ${extra}` : ""}`,
            });
        }
    }
    return out;
}

/** Diffs `before` → `after` for one stack. Both plans must be of the same stack. */
export function diffPlans(before: StackPlan, after: StackPlan): StackDiff {
    if (before.stack !== after.stack) throw new Error(`diffPlans: stacks differ (${before.stack} vs ${after.stack})`);
    const old = new Map(before.resources.filter(diffable).map((r) => [r.urn, r]));
    const now = after.resources.filter(diffable);
    const byUrn = new Map([...before.resources, ...after.resources].map((r) => [r.urn, r]));
    const replaced = new Set<string>();
    const changes: ResourceChange[] = [];
    // Registration order puts dependencies first, so replacements propagate in one pass.
    for (const a of now) {
        const b = old.get(a.urn);
        if (!b) {
            changes.push(addOrRemove("create", a));
            continue;
        }
        const c = compare(b, a, after.region, replaced, byUrn);
        if (!c) continue;
        if (c.op === "replace") replaced.add(c.urn);
        changes.push(c);
    }
    const kept = new Set(now.map((r) => r.urn));
    const retiring = (after.config["securecart:recovery"] as { retire?: string } | undefined)?.retire === "delete";
    for (const b of before.resources.filter(diffable)) {
        if (kept.has(b.urn)) continue;
        const d = addOrRemove("delete", b);
        // Only what the first step unprotected: a protected resource would stop `pulumi up` whatever config says.
        const retired = retiring && !b.protect && typeof tagsOf(b)["recovery-generation"] === "string";
        changes.push(retired ? { ...d, retired } : d);
    }
    return {
        stack: after.stack,
        region: after.region,
        before: { role: before.role, strategy: before.strategy },
        after: { role: after.role, strategy: after.strategy },
        changes,
        findings: judge(after.stack, changes),
    };
}

/** One line describing a property change, values shortened. */
export function describeChange(c: PropertyChange): string {
    const after =
        typeof c.after === "string" && c.after.startsWith(UNKNOWN_AFTER_REPLACE)
            ? `(unknown until apply: depends on replaced ${c.after.slice(UNKNOWN_AFTER_REPLACE.length + 1)})`
            : show(c.after);
    return `${c.path}: ${show(c.before)} → ${after}`;
}
