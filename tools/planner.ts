/**
 * Runs the real program (src/main.ts) for one stack under Pulumi's own mock runtime and records every
 * resource registration the way the engine would see it: type, name, parent, provider, dependencies,
 * property dependencies, inputs, outputs and resource options.
 *
 * With `preview`, it evaluates the program the way a FIRST `pulumi preview` does: the runtime runs as a dry
 * run, the fake provider answers with inputs only (ids and computed outputs unknown), invokes still answer,
 * and StackReferences read the referenced (home) stack's deployed outputs, i.e. a normal plan of it.
 *
 * In both modes every dynamic resource's serialized provider is loaded the way the engine's dynamic-provider
 * host loads it (tools/engineDynamic.ts) and its `check({}, news)` is called with the inputs as the engine
 * sends them (unknowns as the sentinel string); a failure fails the plan, as it fails `pulumi preview`/`up`.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, StackConfig } from "../src/config";
import { Override, ProjectFiles, loadFromFiles, mergeConfig, unknownStackProblems } from "../src/configSource";
import { loadSerializedProvider, providerTextOf } from "./engineDynamic";
import { FakeAws, PLACEHOLDER_ACCOUNT } from "./fakeAws";
import { UNKNOWN } from "../src/unknown";
import { PULUMI, T, get, output } from "../src/plan";
import { SECRET_JSON, UNKNOWN_JSON } from "../src/plan/engineTypes";

// The runtime's internal settings hold the monitor; setMocks installs a MockMonitor there and we wrap it to
// see the full RegisterResourceRequest (the public Mocks interface gets only type, name and inputs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state");

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export const AWS_PROVIDER_VERSION = "7.48.0";

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string | null;
    provider: string | null;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    deleteBeforeReplace: boolean;
}

/** One dynamic provider `check` the planner made, as the engine makes it before a create or update. */
export interface DynamicCheck {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Top-level inputs that were (or contained) the unknown sentinel when `check` was called. */
    readonly unknownInputs: readonly string[];
    readonly failures: readonly { readonly property: string; readonly reason: string }[];
}

export interface StackPlan {
    project: string;
    stack: string;
    region: string;
    role: string;
    strategy: string;
    config: Record<string, unknown>;
    resources: PlannedResource[];
    stackOutputs: Record<string, unknown>;
    /** True when planned as a first `pulumi preview` (PlanOptions.preview). */
    preview: boolean;
    /**
     * Where each StackReference's outputs came from, by referenced stack name: "planned" (normal plan: that
     * stack's planned outputs), "deployed" (preview: that stack planned normally, standing for its deployed
     * state) or "before-this-run" (a stack not planned before this one in this run: its deployed outputs,
     * `PlanOptions.deployed`, or none on a first deployment).
     */
    stackReferences: Record<string, "planned" | "deployed" | "before-this-run">;
    /** The dynamic provider checks made while planning (none failed, or the plan would have thrown). */
    dynamicChecks: DynamicCheck[];
    /**
     * Planned a second time, after these stacks (a first deployment applies a stack that reads stacks deployed
     * after it twice: what it builds on their outputs comes with its second `pulumi up`). Absent when planned once.
     */
    secondPassAfter?: string[];
    /** Added by later stages (policies, estimates). */
    [extra: string]: unknown;
}

/** Converts a protobuf Struct's JS form into plain JSON: secrets → "[secret]", resource refs → URN, unknowns → "[unknown]". */
export function plainValue(v: unknown): unknown {
    if (v === UNKNOWN) return UNKNOWN_JSON;
    if (Array.isArray(v)) return v.map(plainValue);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return SECRET_JSON;
        if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = plainValue(x);
        return out;
    }
    return v;
}

/** Loads a dynamic resource's provider from its serialized text (default: as the engine's host does). */
export type DynamicProviderLoader = (text: string) => pulumi.dynamic.ResourceProvider;

const containsUnknown = (v: unknown): boolean =>
    v === UNKNOWN ||
    (Array.isArray(v) ? v.some(containsUnknown) : v !== null && typeof v === "object" ? Object.values(v as object).some(containsUnknown) : false);

/**
 * A registration's inputs as the engine hands them to a dynamic provider that accepts neither secrets nor
 * resource references (cmd/dynamic-provider): secrets unwrapped, references as their id (or URN), unknowns
 * kept as the sentinel string.
 */
export function engineInputs(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(engineInputs);
    if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return engineInputs(o.value);
        if (o[SIG_KEY] === RESOURCE_SIG) return typeof o.id === "string" && o.id !== "" ? o.id : o.urn;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) out[k] = engineInputs(x);
        return out;
    }
    return v;
}

/**
 * Calls a dynamic resource's provider `check({}, news)` (a create: no old inputs) the way the engine does,
 * loading the provider from the `__provider` text of `news`. Returns what was checked and the failures.
 */
export async function checkDynamicResource(
    urn: string,
    type: string,
    name: string,
    news: Record<string, unknown>,
    load: DynamicProviderLoader = loadSerializedProvider,
): Promise<DynamicCheck> {
    const provider = load(providerTextOf(news));
    const unknownInputs = Object.keys(news).filter((k) => containsUnknown(news[k]));
    const result = provider.check ? await provider.check({}, news) : { failures: [] };
    const failures = (result.failures ?? []).map((f) => ({ property: String(f.property), reason: String(f.reason) }));
    return { urn, type, name, unknownInputs, failures };
}

/** The engine's wording for a failed check: `<type> resource '<name>': property <p> value <v> has a problem: <reason>`. */
function checkFailureMessage(c: DynamicCheck, news: Record<string, unknown>): string {
    return c.failures
        .map((f) => {
            const v = news[f.property];
            const shown = v === UNKNOWN ? UNKNOWN_JSON : JSON.stringify(plainValue(v));
            return `${c.type} resource '${c.name}': property ${f.property} value ${shown} has a problem: ${f.reason}`;
        })
        .join("\n");
}

class RecordingMonitor {
    readonly records = new Map<string, PlannedResource>();
    readonly order: string[] = [];
    readonly dynamicChecks: DynamicCheck[] = [];
    /** Failed dynamic checks, engine-worded: the plan fails with these after the program has run. */
    readonly checkFailures: string[] = [];
    constructor(
        private readonly inner: any,
        private readonly region: string,
        private readonly stack: string,
        private readonly project: string,
        private readonly loadProvider: DynamicProviderLoader = loadSerializedProvider,
    ) {}

    private urnOf(req: any): string {
        const parent: string = req.getParent() || "";
        const type: string = req.getType();
        const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${req.getName()}`;
    }

    private defaultProviderUrn(pkg: string): string {
        return `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${pkg}::default_${AWS_PROVIDER_VERSION.replace(/\./g, "_")}`;
    }

    registerResource(req: any, callback: (err: any, resp?: any) => void): void {
        const type: string = req.getType();
        if (req.getCustom() && type.startsWith(PULUMI.dynamicPrefix)) {
            // The engine checks the inputs with the resource's own provider before it creates (or previews) it.
            const news = engineInputs(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
            // A failure is recorded and fails the plan once the program has run (planOne): failing the RPC here
            // would surface only as an unhandled rejection inside the SDK, not as the engine's error.
            checkDynamicResource(this.urnOf(req), type, req.getName(), news, this.loadProvider)
                .then(
                    (c) => {
                        this.dynamicChecks.push(c);
                        if (c.failures.length) this.checkFailures.push(checkFailureMessage(c, news));
                    },
                    (e: unknown) => {
                        this.checkFailures.push(
                            `${type} resource '${req.getName()}': its provider's check could not run: ${(e as Error)?.message ?? String(e)}`,
                        );
                    },
                )
                .finally(() => this.register(req, callback));
            return;
        }
        this.register(req, callback);
    }

    private register(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.registerResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                const urn: string = resp.getUrn();
                const type: string = req.getType();
                const custom: boolean = req.getCustom();
                let provider: string | null = req.getProvider() || null;
                if (custom && !provider && type.startsWith("aws:")) provider = this.ensureDefaultProvider("aws");
                const propDeps: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((v: any, k: string) => {
                    propDeps[k] = v.getUrnsList();
                });
                this.records.set(urn, {
                    urn,
                    type,
                    name: req.getName(),
                    custom,
                    parent: req.getParent() || null,
                    provider: provider ? provider.split("::").slice(0, 4).join("::") : null,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: propDeps,
                    inputs: plainValue(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    outputs: plainValue(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    ignoreChanges: req.getIgnorechangesList(),
                    replaceOnChanges: req.getReplaceonchangesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace() === true,
                });
                this.order.push(urn);
            }
            callback(err, resp);
        });
    }

    private ensureDefaultProvider(pkg: string): string {
        const urn = this.defaultProviderUrn(pkg);
        if (!this.records.has(urn)) {
            // The engine creates a default provider from the stack's `aws:*` config; record it the same way.
            const inputs = { region: this.region, version: AWS_PROVIDER_VERSION };
            this.records.set(urn, {
                urn,
                type: `pulumi:providers:${pkg}`,
                name: urn.split("::").pop() as string,
                custom: true,
                parent: null,
                provider: null,
                dependencies: [],
                propertyDependencies: {},
                inputs,
                outputs: inputs,
                protect: false,
                retainOnDelete: false,
                ignoreChanges: [],
                replaceOnChanges: [],
                deleteBeforeReplace: false,
            });
            this.order.push(urn);
        }
        return `${urn}::${UNKNOWN}`;
    }

    registerResourceOutputs(req: any, callback: (err: any, resp?: any) => void): void {
        const rec = this.records.get(req.getUrn());
        if (rec) rec.outputs = plainValue(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        this.inner.registerResourceOutputs(req, callback);
    }

    invoke(req: any, cb: any) {
        return this.inner.invoke(req, cb);
    }
    /** Reads (e.g. a StackReference) are recorded too: they are part of the stack, with the read's outputs. */
    readResource(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.readResource(req, (err: any, resp: any) => {
            if (!err && resp) {
                const urn: string = resp.getUrn();
                this.records.set(urn, {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: true,
                    parent: req.getParent() || null,
                    provider: req.getProvider() ? String(req.getProvider()).split("::").slice(0, 4).join("::") : null,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: {},
                    inputs: plainValue(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    outputs: plainValue(resp.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    protect: false,
                    retainOnDelete: false,
                    ignoreChanges: [],
                    replaceOnChanges: [],
                    deleteBeforeReplace: false,
                });
                this.order.push(urn);
            }
            callback(err, resp);
        });
    }
    supportsFeature(req: any, cb: any) {
        return this.inner.supportsFeature(req, cb);
    }
    registerPackage(req: any, cb: any) {
        return this.inner.registerPackage(req, cb);
    }
}

/** Config values as the CLI hands them to a program: strings, with objects as JSON. */
function asRuntimeConfig(raw: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
    return out;
}

export interface PlanOptions {
    readonly files: ProjectFiles;
    readonly overrides?: readonly Override[];
    /** Per-stack overrides on top of `overrides` (the drill tool's per-stack changes). */
    readonly perStack?: Readonly<Record<string, readonly Override[]>>;
    /**
     * Plan as a first `pulumi preview` of each requested stack: computed values unknown. The home stack is
     * first planned normally for the StackReferences of the others (in a real preview it is deployed already).
     */
    readonly preview?: boolean;
    /** How dynamic providers are loaded from their serialized text (tests plant one; default: as the engine does). */
    readonly loadDynamicProvider?: DynamicProviderLoader;
    /**
     * What is deployed before this run (a drill's base side): its resources are what the program's look-ups find
     * in AWS, and its outputs are what a StackReference reads for a stack not yet applied in this run. Default:
     * nothing deployed (a first deployment, home first: the other stacks exist but have no outputs yet).
     */
    readonly deployed?: readonly StackPlan[];
    /**
     * Stacks this run does not apply (with `deployed`): the others read their deployed outputs, as when a
     * stack is updated before the home stack. Default none: the home stack is applied first.
     */
    readonly notApplied?: readonly string[];
}

/** Aurora cluster identifiers by region, as a deployed set of stacks has them. */
export function deployedClusters(plans: readonly StackPlan[]): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const p of plans) {
        for (const r of p.resources) {
            if (r.type !== T.rdsCluster) continue;
            const id = output(r, "clusterIdentifier") ?? get(r, "clusterIdentifier");
            if (typeof id === "string") (out[p.region] ??= []).push(id);
        }
    }
    return out;
}

/**
 * What decides a plan's result, as a hash: each stack's effective configuration, the stacks requested,
 * preview mode and what is deployed (the look-ups and StackReferences read it). Plans are deterministic,
 * so two runs with the same key give the same plans.
 */
export function planKey(opts: PlanOptions, only?: readonly string[]): string {
    const stacks = Object.keys(opts.files.stacks);
    const effective = Object.fromEntries(
        stacks.map((s) => [s, mergeConfig(opts.files, s, [...(opts.overrides ?? []), ...(opts.perStack?.[s] ?? [])])]),
    );
    const deployed = opts.deployed ? [deployedClusters(opts.deployed), opts.deployed.map((d) => [d.stack, d.stackOutputs])] : null;
    // No stacks named and an empty list ask for the same plans.
    const text = JSON.stringify([opts.files.dir, effective, opts.preview === true, only?.length ? only : null, deployed, opts.notApplied ?? null]);
    return createHash("sha256").update(text).digest("hex");
}

/**
 * planStacks, planning each distinct input once for as long as the returned function lives (a command that
 * plans the same configuration for several readers: the report's plan, comparison and rehearsals; the test
 * suite, which also shares plans between its workers through `share`). A plan with a planted dynamic-provider
 * loader is never shared; a failed one is not kept.
 */
export function memoisedPlanner(
    plan: typeof planStacks = planStacks,
    share: (key: string, planNow: () => Promise<StackPlan[]>) => Promise<StackPlan[]> = (_key, planNow) => planNow(),
): typeof planStacks {
    const memory = new Map<string, Promise<StackPlan[]>>();
    return (opts, only) => {
        if (opts.loadDynamicProvider) return plan(opts, only);
        let key: string;
        try {
            key = planKey(opts, only);
        } catch {
            // Config the key cannot be built from (a bad override): the planner reports it, with every problem.
            return plan(opts, only);
        }
        let p = memory.get(key);
        if (!p) {
            p = share(key, () => plan(opts, only));
            memory.set(key, p);
            // A failed plan is not kept: the next caller sees the failure for itself.
            p.catch(() => memory.delete(key));
        }
        return p;
    };
}

/** Thrown when the program itself fails under the mock runtime (not a config mistake). */
export class PlanError extends Error {}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Plans every requested stack (and, first, the home stack whose outputs other stacks reference).
 * Runs are serialised: Pulumi's runtime state is process-global.
 */
export function planStacks(opts: PlanOptions, only?: readonly string[]): Promise<StackPlan[]> {
    const run = queue.then(() => planStacksNow(opts, only));
    queue = run.catch(() => undefined);
    return run;
}

async function planStacksNow(opts: PlanOptions, only?: readonly string[]): Promise<StackPlan[]> {
    const configs = loadFromFiles(opts.files, opts.overrides ?? [], undefined, opts.perStack ?? {});
    // Default order: the home stack first, then the others in file order (the order a first deployment takes).
    const ordered = [...configs].sort((a, b) => Number(b.isHome) - Number(a.isHome));
    const wanted = only && only.length ? only : ordered.map((c) => c.stack);
    const unknown = unknownStackProblems(opts.files, wanted);
    if (unknown.length) throw new ConfigError(unknown);
    // Home first: its outputs feed the other stacks' StackReferences. A stack the home stack reads before it is
    // planned here shows its deployed outputs (none on a first deployment).
    const outputsByRef: Record<string, Record<string, unknown>> = {};
    for (const c of configs) {
        const deployed = opts.deployed?.find((p) => p.stack === c.stack);
        outputsByRef[`${c.stackOrg}/${c.project}/${c.stack}`] = deployed ? deployed.stackOutputs : {};
    }
    const plannedRefs = new Set<string>();
    const plans = new Map<string, StackPlan>();
    const preview = opts.preview === true;
    for (const cfg of ordered) {
        const feedsOthers = cfg.isHome && wanted.some((w) => w !== cfg.stack);
        if (!wanted.includes(cfg.stack) && !feedsOthers) continue;
        const ref = `${cfg.stackOrg}/${cfg.project}/${cfg.stack}`;
        if (preview && feedsOthers) {
            // A real preview of another stack reads the home stack's DEPLOYED outputs: a normal plan of it, settled
            // the way a first deployment settles it (planned again once the stacks it reads have outputs; e.g. the
            // order events' global endpoint exists only once the other region's bus does).
            const first = await planOne(opts, cfg, outputsByRef, false, plannedRefs);
            outputsByRef[ref] = first.stackOutputs;
            plannedRefs.add(ref);
            const read = ordered.filter((o) => o.stack !== cfg.stack && first.stackReferences[`${o.stackOrg}/${o.project}/${o.stack}`]);
            if (!opts.deployed && read.length) {
                const scratch = { ...outputsByRef };
                const scratchRefs = new Set(plannedRefs);
                for (const o of read) {
                    const oRef = `${o.stackOrg}/${o.project}/${o.stack}`;
                    scratch[oRef] = (await planOne(opts, o, scratch, false, scratchRefs)).stackOutputs;
                    scratchRefs.add(oRef);
                }
                outputsByRef[ref] = (await planOne(opts, cfg, scratch, false, scratchRefs)).stackOutputs;
            }
        }
        if (!wanted.includes(cfg.stack)) {
            if (!preview && !(opts.deployed && opts.notApplied?.includes(cfg.stack))) {
                outputsByRef[ref] = (await planOne(opts, cfg, outputsByRef, false, plannedRefs)).stackOutputs;
                plannedRefs.add(ref);
            }
            continue;
        }
        if (preview && cfg.isHome && !opts.deployed && configs.length > 1) {
            // The home stack's preview reads the other stacks as deployed (their normal plans, made after the home
            // stack's): the preview of its steady-state `pulumi up`, not of the first pass of a first deployment,
            // whose StackReferences find nothing yet. It then shows what the normal plan shows.
            if (!plannedRefs.has(ref)) {
                outputsByRef[ref] = (await planOne(opts, cfg, outputsByRef, false, plannedRefs)).stackOutputs;
                plannedRefs.add(ref);
            }
            for (const other of ordered.filter((c) => !c.isHome)) {
                const otherRef = `${other.stackOrg}/${other.project}/${other.stack}`;
                if (plannedRefs.has(otherRef)) continue;
                outputsByRef[otherRef] = (await planOne(opts, other, outputsByRef, false, plannedRefs)).stackOutputs;
                plannedRefs.add(otherRef);
            }
        }
        const plan = await planOne(opts, cfg, outputsByRef, preview, plannedRefs);
        if (!preview) {
            outputsByRef[ref] = plan.stackOutputs;
            plannedRefs.add(ref);
        }
        plans.set(cfg.stack, plan);
    }
    // A first deployment takes a stack twice when it reads stacks deployed after it (the home stack, and with three
    // or more regions every stack but the last): what it builds on their outputs (replication into their asset
    // buckets) comes with its second `pulumi up`. The plan shows that settled state: such a stack again, now
    // reading the others as planned here. With a deployed base (a drill) the others' outputs exist already.
    if (!preview && !opts.deployed) {
        for (const cfg of ordered) {
            const first = plans.get(cfg.stack);
            if (!first) continue;
            const pending = Object.entries(first.stackReferences).filter(([ref, source]) => source === "before-this-run" && plannedRefs.has(ref));
            if (!pending.length) continue;
            const settled = await planOne(opts, cfg, outputsByRef, false, plannedRefs);
            settled.secondPassAfter = pending.map(([ref]) => ref.split("/").pop() as string);
            plans.set(cfg.stack, settled);
            outputsByRef[`${cfg.stackOrg}/${cfg.project}/${cfg.stack}`] = settled.stackOutputs;
        }
        // And a stack that reads one taken twice sees what that second `pulumi up` added (the home stack's replica of
        // the user pool exists only once the other region's key does; that region then sets the replica's status):
        // it is planned again after it, as a first deployment applies it again.
        const refOf = (c: StackConfig) => `${c.stackOrg}/${c.project}/${c.stack}`;
        const twice = new Set(ordered.filter((c) => plans.get(c.stack)?.secondPassAfter).map(refOf));
        for (const cfg of ordered) {
            const plan = plans.get(cfg.stack);
            if (!plan || plan.secondPassAfter) continue;
            const reads = Object.keys(plan.stackReferences).filter((r) => twice.has(r));
            if (!reads.length) continue;
            const settled = await planOne(opts, cfg, outputsByRef, false, plannedRefs);
            if (JSON.stringify(settled.resources.map((r) => [r.urn, r.inputs])) === JSON.stringify(plan.resources.map((r) => [r.urn, r.inputs])))
                continue;
            settled.secondPassAfter = reads.map((r) => r.split("/").pop() as string);
            plans.set(cfg.stack, settled);
            outputsByRef[refOf(cfg)] = settled.stackOutputs;
        }
    }
    return wanted.map((w) => plans.get(w) as StackPlan);
}

async function planOne(
    opts: PlanOptions,
    cfg: StackConfig,
    stackOutputs: Record<string, Record<string, unknown>>,
    preview: boolean,
    plannedRefs: ReadonlySet<string>,
): Promise<StackPlan> {
    const raw = mergeConfig(opts.files, cfg.stack, [...(opts.overrides ?? []), ...(opts.perStack?.[cfg.stack] ?? [])]);
    await pulumi.runtime.setMocks(
        new FakeAws({ region: cfg.region, stackOutputs, preview, existingClusters: opts.deployed ? deployedClusters(opts.deployed) : undefined }),
        cfg.project,
        cfg.stack,
        preview,
    );
    const store = state.getStore();
    const recorder = new RecordingMonitor(store.settings.monitor, cfg.region, cfg.stack, cfg.project, opts.loadDynamicProvider);
    store.settings.monitor = recorder;
    pulumi.runtime.setAllConfig(asRuntimeConfig(raw), []);
    // Imported lazily so that importing the planner does not load the whole AWS SDK for Pulumi.
    const { main } = await import("../src/main");
    let outputs: Record<string, unknown>;
    // The Pulumi runtime captures `new Error().stack` for every promise it creates (leak diagnostics), and
    // ts-node's source-map support makes each capture expensive: most of a plan's time went there. Stack
    // traces are not shown for plan failures anyway (set SECURECART_DEBUG=1 to keep them).
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.SECURECART_DEBUG) Error.stackTraceLimit = 0;
    try {
        const peerConfig: Record<string, Record<string, unknown>> = {};
        for (const stack of Object.keys(opts.files.stacks)) {
            peerConfig[stack] = mergeConfig(opts.files, stack, [...(opts.overrides ?? []), ...(opts.perStack?.[stack] ?? [])]);
        }
        outputs = (await pulumi.runtime.runInPulumiStack(() => main({ projectDir: opts.files.dir, peerConfig }))) as Record<string, unknown>;
        await settings.waitForRPCs();
    } catch (e) {
        // A failed provider check is the engine's error, not the program's: name the resource, property and reason.
        if (recorder.checkFailures.length)
            throw new PlanError(`stack ${cfg.stack}: ${preview ? "preview" : "plan"} failed: ${recorder.checkFailures.join("\n")}`);
        const msg = (e as Error).message ?? String(e);
        if (e instanceof pulumi.RunError && msg.startsWith("invalid configuration"))
            throw new ConfigError(
                msg
                    .split("\n")
                    .slice(1)
                    .map((l) => l.replace(/^\s+- /, "")),
            );
        throw new PlanError(`stack ${cfg.stack}: the program failed under the mock runtime: ${msg}`);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
    // The engine fails the update on a failed check even when the program itself carried on.
    if (recorder.checkFailures.length)
        throw new PlanError(`stack ${cfg.stack}: ${preview ? "preview" : "plan"} failed: ${recorder.checkFailures.join("\n")}`);
    const resources = recorder.order.map((u) => recorder.records.get(u) as PlannedResource);
    // In a dry run an unknown stack output resolves to undefined in the program's own view; the Stack
    // resource's registered outputs carry it as the sentinel ("[unknown]"), as the engine shows it.
    const stackResource = resources.find((r) => r.type === PULUMI.stack);
    const stackReferences: StackPlan["stackReferences"] = {};
    for (const r of resources) {
        if (r.type !== PULUMI.stackReference) continue;
        const ref = String(r.inputs.name);
        stackReferences[ref] = !plannedRefs.has(ref) ? "before-this-run" : preview ? "deployed" : "planned";
    }
    return {
        project: cfg.project,
        stack: cfg.stack,
        region: cfg.region,
        role: cfg.role,
        strategy: cfg.strategy,
        config: effectiveConfig(cfg),
        resources,
        stackOutputs: preview && stackResource ? stackResource.outputs : (plainValue(outputs) as Record<string, unknown>),
        preview,
        stackReferences,
        dynamicChecks: recorder.dynamicChecks,
    };
}

/** Where `planProgram` runs a program: the stack's region, and its name and project (defaults for a test). */
export interface ProgramPlanOptions {
    readonly region: string;
    readonly stack?: string;
    readonly project?: string;
}

/**
 * Plans a program other than the project's own (a component on its own, in a test) under the same mock runtime
 * and recorder as `planStacks`: every registration as the engine would see it, in a StackPlan with no config,
 * role or strategy. Serialised with `planStacks` (the runtime's state is process-global). A program that throws
 * fails the plan with its message, as `pulumi up` fails.
 */
export function planProgram(program: () => unknown, opts: ProgramPlanOptions): Promise<StackPlan> {
    const run = queue.then(() => planProgramNow(program, opts));
    queue = run.catch(() => undefined);
    return run;
}

async function planProgramNow(program: () => unknown, opts: ProgramPlanOptions): Promise<StackPlan> {
    const stack = opts.stack ?? "test";
    const project = opts.project ?? "securecart";
    await pulumi.runtime.setMocks(new FakeAws({ region: opts.region }), project, stack, false);
    const store = state.getStore();
    const recorder = new RecordingMonitor(store.settings.monitor, opts.region, stack, project);
    store.settings.monitor = recorder;
    pulumi.runtime.setAllConfig({ "aws:region": opts.region }, []);
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.SECURECART_DEBUG) Error.stackTraceLimit = 0;
    let outputs: unknown;
    try {
        outputs = await pulumi.runtime.runInPulumiStack(async () => program());
        await settings.waitForRPCs();
    } catch (e) {
        throw new PlanError(`program ${stack}: failed under the mock runtime: ${(e as Error).message ?? String(e)}`);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
    if (recorder.checkFailures.length) throw new PlanError(`program ${stack}: plan failed: ${recorder.checkFailures.join("\n")}`);
    return {
        project,
        stack,
        region: opts.region,
        role: "",
        strategy: "",
        config: { "aws:region": opts.region },
        resources: recorder.order.map((u) => recorder.records.get(u) as PlannedResource),
        stackOutputs: (plainValue(outputs) as Record<string, unknown> | undefined) ?? {},
        preview: false,
        stackReferences: {},
        dynamicChecks: recorder.dynamicChecks,
    };
}

/** The effective (validated, defaulted) config, keyed like the stack files. */
export function effectiveConfig(cfg: StackConfig): Record<string, unknown> {
    const out: Record<string, unknown> = { "aws:region": cfg.region };
    const derived = new Set(["project", "stack", "region", "role", "homeRegion", "isHome", "rtoTargetSeconds", "rpoTargetSeconds"]);
    for (const [k, v] of Object.entries(cfg)) if (!derived.has(k) && v !== undefined) out[`securecart:${k}`] = v;
    return out;
}

export { PLACEHOLDER_ACCOUNT };
