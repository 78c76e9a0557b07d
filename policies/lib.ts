/**
 * What the policy modules share besides the model of a planned stack (src/plan, where every type token and
 * property reader lives): the shape of a SecureCart policy and its config. Nothing here starts the analyzer:
 * only policies/index.ts constructs the PolicyPack, so tests can import every other module of the pack.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidation,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { type ProjectFacts, type StackContext, stackContext } from "../src/plan";
import { DELETE_IS_WARNING, STATEFUL_TYPES as ALL_STATEFUL_TYPES } from "../src/replaceRules";

/** What every SecureCart policy states besides its check. */
interface Meta {
    /** kebab-case, unique in the pack. */
    readonly name: string;
    /** One sentence: what must hold. */
    readonly description: string;
    readonly severity: Severity;
    readonly enforcementLevel: EnforcementLevel;
    readonly remediationSteps: string;
    readonly configSchema?: PolicyConfigSchema;
}
export type ResourcePolicy = ResourceValidationPolicy & Meta & { readonly validateResource: ResourceValidation | ResourceValidation[] };
export type StackPolicy = StackValidationPolicy & Meta;
export type SecureCartPolicy = ResourcePolicy | StackPolicy;

/**
 * Stateful types that must carry `protect`: the drill's list (src/replaceRules.ts), less the types whose
 * deletion is allowed because the role sets their count (Aurora instances). One list, two uses.
 */
export const STATEFUL_TYPES: readonly string[] = ALL_STATEFUL_TYPES.filter((t) => !(t in DELETE_IS_WARNING));

export const OPEN_CIDRS: readonly string[] = ["0.0.0.0/0", "::/0"];

/** The policy's config with the schema's defaults filled in (the engine sends them; this keeps a policy safe without). */
export function configOf<C>(schema: PolicyConfigSchema, got: object): C {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema.properties)) {
        if (typeof s === "object" && s.default !== undefined) out[k] = s.default;
    }
    for (const [k, v] of Object.entries(got ?? {})) if (v !== undefined && v !== null) out[k] = v;
    return out as C;
}

/** The project facts a single stack cannot see (src/plan ProjectFacts); every DR policy takes them from its config. */
export const PROJECT_FACTS_SCHEMA: PolicyConfigSchema["properties"] = {
    regions: { type: "array", items: { type: "string" }, default: [], description: "The project's regions; the first is the home region." },
    primaryRegion: { type: "string", default: "", description: "The region that holds the primary role (used when the stack carries no role tag)." },
};

/** The project facts' config schema, with a policy's own properties. */
export function factsSchema(extra: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
    return { properties: { ...PROJECT_FACTS_SCHEMA, ...extra } };
}

/** A stack whose strategy, role and region are known (requireContext). */
export type KnownContext = Required<Pick<StackContext, "strategy" | "role" | "plan" | "region">> & StackContext;

/** The stack's context, or `notApplicable` when the strategy, role or region cannot be told. */
export function requireContext(args: StackValidationArgs, facts: ProjectFacts): KnownContext {
    const ctx = stackContext(args.resources, facts);
    if (!ctx.strategy) args.notApplicable("no AWS resource carries a `strategy` tag");
    if (!ctx.role) args.notApplicable("the stack's role is unknown: no `role` tag and no primaryRegion in the policy config");
    if (!ctx.region) args.notApplicable("the stack's region is unknown: no default AWS provider");
    return ctx as KnownContext;
}

/** "the <strategy> <role> in <region>", for messages. */
export function who(ctx: StackContext, start = false): string {
    return `${start ? "The" : "the"} ${ctx.strategy} ${ctx.role} in ${ctx.region}`;
}
