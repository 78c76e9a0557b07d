/**
 * Runs the pack's policies in-process, the way @pulumi/policy's analyzer server evaluates them (per-resource
 * validations on inputs, stack validations on outputs with parents and dependencies linked, unknowns
 * skipped with an advisory note), so unit tests need no child process. test/policiesGrpc.test.ts holds these
 * verdicts equal to the real analyzer's. Imports the plain policy modules only, never policies/index.ts.
 */
import type { PolicyResource, ResourceValidation } from "@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import * as cacheAndFiles from "../policies/cacheAndFiles";
import * as compute from "../policies/compute";
import * as database from "../policies/database";
import * as dns from "../policies/dns";
import * as dr from "../policies/dr";
import * as dynamodb from "../policies/dynamodb";
import * as edge from "../policies/edge";
import * as identity from "../policies/identity";
import type { SecureCartPolicy } from "../policies/lib";
import * as network from "../policies/network";
import * as operations from "../policies/operations";
import * as pipeline from "../policies/pipeline";
import * as security from "../policies/security";
import * as targets from "../policies/targets";
import { PolicyConfigFile, resolvePolicyConfig } from "../tools/policyConfig";
import { AnalyzablePlan, EnforcementLevel, PackInfo, ResolvedPolicyConfig, Violation, toWire } from "../tools/policyRunner";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packJson = require("../policies/package.json") as { name: string; version: string };

export const PACK_NAME = "securecart-policies";

function isPolicy(v: unknown): v is SecureCartPolicy {
    return (
        v !== null &&
        typeof v === "object" &&
        typeof (v as { name?: unknown }).name === "string" &&
        ("validateResource" in (v as object) || "validateStack" in (v as object))
    );
}

function policiesOf(m: object): SecureCartPolicy[] {
    return (Object.values(m) as unknown[]).filter(isPolicy);
}

/** Every policy the plain modules export, by area. */
export const MODULES = { network, compute, database, dynamodb, security, edge, dns, pipeline, identity, cacheAndFiles, operations, dr } as const;
export const OWN_POLICIES: readonly SecureCartPolicy[] = Object.values(MODULES).flatMap(policiesOf);
/** Everything in the pack, including the estimates policy (policies/targets.ts). */
export const ALL_POLICIES: readonly SecureCartPolicy[] = [...OWN_POLICIES, ...policiesOf(targets)];

export function localPackInfo(policies: readonly SecureCartPolicy[] = ALL_POLICIES): PackInfo {
    return {
        name: PACK_NAME,
        version: packJson.version,
        policies: policies.map((p) => ({
            name: p.name,
            description: p.description,
            enforcementLevel: p.enforcementLevel,
            severity: p.severity,
            kind: "validateStack" in p ? "stack" : "resource",
            remediationSteps: p.remediationSteps,
            configSchema: p.configSchema as PackInfo["policies"][number]["configSchema"],
        })),
    };
}

/** Config for tests: schema defaults, then `layers` (e.g. the project facts), like tools/policyReport.ts. */
export function localConfig(...layers: PolicyConfigFile[]): ResolvedPolicyConfig {
    return resolvePolicyConfig(localPackInfo(), ...layers.map((config, i) => ({ source: `layer ${i}`, config })));
}

/**
 * What args.notApplicable() throws. Every resource policy calls it for every resource of another type, so an
 * evaluation throws it thousands of times: a plain object, without the stack trace an Error would capture.
 */
class NotApplicable {
    constructor(readonly reason?: string) {}
}

/** The wire form back to plain values, as the analyzer deserializes it (secrets unwrapped). */
function fromWire(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(fromWire);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return fromWire(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
    }
    return v;
}
const propsOf = (v: Record<string, unknown>) => unknownCheckingProxy(fromWire(toWire(v)) as Record<string, unknown>) as Record<string, unknown>;

type Level = EnforcementLevel;
type PlanResourceOf = AnalyzablePlan["resources"][number];

/** A resource's provider as the analyzer hands it over: type, name, URN and deserialized properties. */
function providerView(r: PlanResourceOf, byUrn: ReadonlyMap<string, PlanResourceOf>) {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    return p ? { type: p.type, name: p.name, urn: p.urn, props: propsOf(p.inputs) } : undefined;
}

/** A resource's options as the analyzer hands them over. */
function opts(r: PlanResourceOf) {
    return {
        protect: r.protect,
        ignoreChanges: [...(r.ignoreChanges ?? [])],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        deleteBeforeReplace: r.deleteBeforeReplace === true,
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/**
 * The stack as a stack policy receives it (AnalyzeStack): every resource's outputs deserialized behind the
 * pack's unknown-checking proxy, with its provider, options, parent, dependencies and property dependencies
 * linked to the other resources.
 */
export function stackView(plan: AnalyzablePlan): PolicyResource[] {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const resources = new Map<string, PolicyResource>();
    for (const r of plan.resources) {
        const props = propsOf(r.outputs);
        resources.set(r.urn, {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: opts(r),
            provider: providerView(r, byUrn),
            dependencies: [],
            propertyDependencies: {},
            isType: ((cls: { __pulumiType?: string }) => cls.__pulumiType === r.type) as PolicyResource["isType"],
            asType: ((cls: { __pulumiType?: string }) => (cls.__pulumiType === r.type ? props : undefined)) as PolicyResource["asType"],
        });
    }
    for (const r of plan.resources) {
        const pr = resources.get(r.urn)!;
        if (r.parent && resources.has(r.parent)) pr.parent = resources.get(r.parent);
        pr.dependencies = r.dependencies.map((d) => resources.get(d)).filter((d): d is PolicyResource => d !== undefined);
        for (const [k, urns] of Object.entries(r.propertyDependencies))
            pr.propertyDependencies[k] = urns.map((d) => resources.get(d)).filter((d): d is PolicyResource => d !== undefined);
    }
    return [...resources.values()];
}

/** Evaluates `policies` against a plan, returning violations in the runner's form. */
export async function evaluateLocally(
    plan: AnalyzablePlan,
    config: ResolvedPolicyConfig,
    policies: readonly SecureCartPolicy[] = ALL_POLICIES,
): Promise<Violation[]> {
    const out: Violation[] = [];
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const stackUrn = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const levelOf = (p: SecureCartPolicy): Level => {
        const l = config[p.name]?.enforcementLevel ?? p.enforcementLevel ?? "advisory";
        return l === "remediate" ? "mandatory" : l;
    };
    const providerOf = (r: AnalyzablePlan["resources"][number]) => providerView(r, byUrn);
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    const unknownNote = (p: SecureCartPolicy, e: Error) =>
        `can't run policy '${p.name}' from policy pack '${PACK_NAME}@v${packJson.version}' during preview: ${e.message}`;

    for (const r of plan.resources) {
        if (r.type.startsWith("pulumi:providers:") && r.name.startsWith("default")) continue;
        // The analyzer deserializes a fresh copy for each policy; policies only read their props (none writes
        // to them), so one copy per resource serves them all here, and the gRPC tests hold the verdicts equal.
        const props = propsOf(r.inputs);
        const provider = providerOf(r);
        for (const p of policies) {
            if (!("validateResource" in p)) continue;
            const level = levelOf(p);
            if (level === "disabled") continue;
            const validations: ResourceValidation[] = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const validate of validations) {
                const args = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: opts(r),
                    provider,
                    stackTags: new Map<string, string>(),
                    isType: (cls: { __pulumiType?: string }) => cls.__pulumiType === r.type,
                    asType: (cls: { __pulumiType?: string }) => (cls.__pulumiType === r.type ? props : undefined),
                    getConfig: () => ({ ...(config[p.name]?.properties ?? {}) }),
                    notApplicable,
                };
                try {
                    await validate(args as unknown as Parameters<ResourceValidation>[0], (message) =>
                        out.push({ policy: p.name, enforcementLevel: level, urn: r.urn, message }),
                    );
                } catch (e) {
                    if (e instanceof NotApplicable) continue;
                    if (e instanceof UnknownValueError) {
                        out.push({ policy: p.name, enforcementLevel: "advisory", urn: r.urn, message: unknownNote(p, e as Error) });
                        continue;
                    }
                    throw e;
                }
            }
        }
    }

    // One deserialized copy of the stack for all stack policies (the analyzer makes one per policy; they only read it).
    const resources = stackView(plan);
    for (const p of policies) {
        if (!("validateStack" in p)) continue;
        const level = levelOf(p);
        if (level === "disabled") continue;
        const args = {
            resources,
            stackTags: new Map<string, string>(),
            getConfig: () => ({ ...(config[p.name]?.properties ?? {}) }),
            notApplicable,
        };
        try {
            await p.validateStack(args as unknown as Parameters<typeof p.validateStack>[0], (message, urn) =>
                out.push({ policy: p.name, enforcementLevel: level, urn: urn || stackUrn, message }),
            );
        } catch (e) {
            if (e instanceof NotApplicable) continue;
            if (e instanceof UnknownValueError) {
                out.push({ policy: p.name, enforcementLevel: "advisory", urn: stackUrn, message: unknownNote(p, e as Error) });
                continue;
            }
            throw e;
        }
    }
    return out;
}
