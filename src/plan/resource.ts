/**
 * One planned resource, whichever reader holds it, and the one way to read its properties.
 *
 * Two shapes reach the readers:
 * - the offline plan's resource (tools/planner.ts PlannedResource, or its JSON): inputs and outputs, with
 *   relations as URNs and unknown values written as "[unknown]";
 * - the policy pack's PolicyResource: `props` (inputs in Analyze, outputs in AnalyzeStack), relations as
 *   other PolicyResources, and unknown values that throw UnknownValueError when touched.
 * Every reader goes through `get`, `dependencyUrns`, `refersTo` and the scalar readers below, so an unknown
 * value is represented once (`UNKNOWN`, at any depth of what `get` returns), whatever shape it came in.
 */
import { UNKNOWN as ENGINE_UNKNOWN } from "../unknown";
import { SECRET_JSON, UNKNOWN_JSON } from "./engineTypes";
import { ResourceClass, tokenOf } from "./types";

/** A value not known yet (a first preview: an id, an ARN, anything computed from one). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

export { SECRET_JSON, UNKNOWN_JSON };

/** Whether `v` stands for a value not known yet, in any of the forms it arrives in. */
export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN || v === UNKNOWN_JSON || v === ENGINE_UNKNOWN;
}

/** The offline plan's shape (tools/planner.ts PlannedResource and its JSON). */
export interface PlannedShape {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly outputs?: Readonly<Record<string, unknown>>;
    readonly parent?: string | null;
    readonly provider?: string | null;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly protect?: boolean;
}

/**
 * The policy pack's shape (@pulumi/policy PolicyResource), structurally. Relations and options are optional:
 * a resource handed over in a policy's config (a peer stack's, from `pulumi stack export`) has only its props.
 */
export interface PolicyShape {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
    readonly parent?: { readonly urn: string };
    readonly provider?: { readonly urn: string; readonly type: string; readonly name: string; readonly props: Record<string, unknown> };
    readonly dependencies?: readonly { readonly urn: string }[];
    readonly propertyDependencies?: Readonly<Record<string, readonly { readonly urn: string }[]>>;
    readonly opts?: { readonly protect: boolean; readonly ignoreChanges: readonly string[] };
}

export type PlanResource = PlannedShape | PolicyShape;

function isPolicyShape(r: PlanResource): r is PolicyShape {
    return (r as PolicyShape).props !== undefined && (r as PlannedShape).inputs === undefined;
}

/** Runs `read`, returning UNKNOWN when it touches a value unknown during preview (the policy pack's proxies throw). */
export function known<X>(read: () => X): X | Unknown {
    try {
        const v = read();
        return isUnknown(v) ? UNKNOWN : v;
    } catch (e) {
        if ((e as { name?: unknown })?.name === "UnknownValueError" || (e as object)?.constructor?.name === "UnknownValueError") return UNKNOWN;
        throw e;
    }
}

/** Walks a (dotted) path into a value; touching a value the pack's proxy holds unknown throws its UnknownValueError. */
function walk(value: unknown, path: string): unknown {
    let o: unknown = value;
    for (const k of path.split(".")) {
        if (isUnknown(o)) return UNKNOWN;
        o = o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined;
    }
    return o;
}

/** A (dotted) path into a value; UNKNOWN when it touches a value unknown during preview. */
export function at(value: unknown, path: string): unknown {
    return known(() => walk(value, path));
}

/**
 * A value as plain data with every unknown inside it, at any depth, as UNKNOWN: the pack's proxy throws when
 * an unknown element of a list or object is touched, and the plan writes it as "[unknown]".
 */
function plain(v: unknown): unknown {
    if (isUnknown(v)) return UNKNOWN;
    if (Array.isArray(v)) return Array.from({ length: v.length }, (_, i) => known(() => plain(v[i])));
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) out[k] = known(() => plain((v as Record<string, unknown>)[k]));
        return out;
    }
    return v;
}

/**
 * A resource's (dotted) property: the inputs, else the outputs (a value the provider computes, or a
 * policy's props), as plain data; UNKNOWN for a value unknown during preview, at any depth.
 */
export function get(r: PlanResource, path: string): unknown {
    if (isPolicyShape(r)) return plain(at(r.props, path));
    const v = at(r.inputs, path);
    return plain(v !== undefined ? v : r.outputs ? at(r.outputs, path) : undefined);
}

/**
 * A property read the strict way: an unknown value is not a value. For the policy pack's resources the read
 * throws the pack's UnknownValueError, so the analyzer skips the whole policy with an advisory note, as the
 * engine does in preview; use it where a policy cannot decide anything without the value. For a planned
 * resource an unknown value throws an error of the same name.
 */
export function strict(r: PlanResource, path: string): unknown {
    const v = isPolicyShape(r) ? walk(r.props, path) : get(r, path);
    if (isUnknown(v)) throw Object.assign(new Error(`${r.type} ${r.name}: ${path} is unknown until the update`), { name: "UnknownValueError" });
    return v;
}

/** An output the provider computes (id, ARN), from the plan's outputs or a policy's props. */
export function output(r: PlanResource, path: string): unknown {
    return isPolicyShape(r) ? at(r.props, path) : r.outputs ? at(r.outputs, path) : undefined;
}

/** URNs of the resources whose outputs flowed into input `key` (the engine's property dependencies). */
export function dependencyUrns(r: PlanResource, key: string): readonly string[] {
    if (isPolicyShape(r)) return (r.propertyDependencies?.[key] ?? []).map((d) => d.urn);
    return r.propertyDependencies?.[key] ?? [];
}

/** URNs of every resource whose outputs flowed into any input of `r`. */
export function allDependencyUrns(r: PlanResource): string[] {
    const deps = isPolicyShape(r)
        ? Object.values(r.propertyDependencies ?? {})
              .flat()
              .map((d) => d.urn)
        : Object.values(r.propertyDependencies ?? {}).flat();
    return [...new Set(deps)];
}

/** The parent's URN, if any. */
export function parentUrn(r: PlanResource): string | undefined {
    return isPolicyShape(r) ? r.parent?.urn : (r.parent ?? undefined);
}

/** The explicit or default provider's URN, if the reader sees one. */
export function providerUrn(r: PlanResource): string | undefined {
    return isPolicyShape(r) ? r.provider?.urn : (r.provider ?? undefined);
}

/** Whether the resource carries the `protect` option. */
export function isProtected(r: PlanResource): boolean {
    return isPolicyShape(r) ? r.opts?.protect === true : r.protect === true;
}

/** Whether input `key` of `r` comes from `target`'s outputs (the engine's property dependencies). */
export function dependsOn(r: PlanResource, key: string, target: PlanResource): boolean {
    return target.urn !== undefined && dependencyUrns(r, key).includes(target.urn);
}

/** The values a resource may be referred to by: its ARN, name, bucket, key id, id, family, cluster identifiers. */
export function handles(r: PlanResource): string[] {
    return ["arn", "name", "bucket", "keyId", "id", "family", "clusterIdentifier", "globalClusterIdentifier"]
        .flatMap((k) => [get(r, k), output(r, k)])
        .filter((v): v is string => nonEmpty(v));
}

/**
 * Whether `r`'s input `key` refers to `target`: through the engine's property dependencies (an Output of
 * `target` flowed into it), or, for literal references, by value.
 */
export function refersTo(r: PlanResource, key: string, target: PlanResource): boolean {
    if (dependsOn(r, key, target)) return true;
    const v = get(r, key);
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
    const hs = handles(target);
    return values.some((x) => hs.includes(x));
}

/** The resources of the given classes (or type tokens). */
export function ofType<R extends PlanResource>(resources: readonly R[], ...types: readonly (ResourceClass | string)[]): R[] {
    const tokens = types.map((t) => (typeof t === "string" ? t : tokenOf(t)));
    return resources.filter((r) => tokens.includes(r.type));
}

/** Describes a resource for a message: `Type "name"`. */
export function label(r: { readonly type: string; readonly name: string }): string {
    return `${r.type.split(":").pop()} "${r.name}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Scalar readers: each answers one question about a value read with `get`.
// ---------------------------------------------------------------------------------------------------------

/** A finite number, from a number or a numeric string (some inputs are strings, e.g. a task's cpu). */
export function num(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
    return undefined;
}

/** Text of a value for a message: an unknown reads as the plan's "[unknown]", nothing as `fallback`. */
export function text(v: unknown, fallback = ""): string {
    return v === undefined || v === null ? fallback : isUnknown(v) ? UNKNOWN_JSON : String(v);
}

/** A known string (not an unknown). */
export function str(v: unknown): string | undefined {
    return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

/** A non-empty, known string. */
export function nonEmpty(v: unknown): v is string {
    return typeof v === "string" && v.trim().length > 0 && !isUnknown(v);
}

export function arr<X = unknown>(v: unknown): X[] {
    return Array.isArray(v) ? (v as X[]) : [];
}

export function obj(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Booleans arrive as booleans, but some v7 inputs are strings ("true"), e.g. launch-template EBS flags. */
export function isTrue(v: unknown): boolean {
    return v === true || v === "true";
}

/** Set: a non-empty string, or an unknown reference to another resource's output. */
export function isSet(v: unknown): boolean {
    return isUnknown(v) || nonEmpty(v);
}

/**
 * A customer-managed key reference: set, and not an AWS-managed alias such as alias/aws/rds. An unknown
 * reference is another resource's output (a key's ARN): AWS-managed keys are only ever named literally.
 */
export function isCmk(v: unknown): boolean {
    return isUnknown(v) || (nonEmpty(v) && !/(^|:)alias\/aws\//.test(v));
}

/** The region named in an ARN (`arn:aws:<service>:<region>:...`). */
export function arnRegion(arn: unknown): string | undefined {
    return nonEmpty(arn) ? arn.split(":")[3] || undefined : undefined;
}

/**
 * Tags as a map, from either a `tags` map or an Auto Scaling group's `[{key, value}]` list; UNKNOWN when
 * the tags are unknown during preview.
 */
export function tagsFrom(t: unknown): Record<string, string> | Unknown {
    if (isUnknown(t)) return UNKNOWN;
    return known(() => {
        if (Array.isArray(t)) {
            const out: Record<string, string> = {};
            for (const e of t as Array<Record<string, unknown>>) if (typeof e?.key === "string") out[e.key] = String(e.value ?? "");
            return out;
        }
        return t !== null && typeof t === "object" ? { ...(t as Record<string, string>) } : {};
    });
}

/** A resource's tags as a map ({} when unknown during preview). */
export function tagsOf(r: PlanResource): Record<string, string> {
    const t = tagsFrom(get(r, "tags"));
    return t === UNKNOWN ? {} : t;
}
