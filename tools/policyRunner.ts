/**
 * Runs the policy pack the way the Pulumi engine does: as its own process, @pulumi/policy's analyzer server,
 * spoken to over the `pulumirpc.Analyzer` gRPC protocol with the generated clients in @pulumi/pulumi/proto.
 *
 * How the engine starts a Node.js pack (pulumi/pulumi, nodejs language host RunPlugin for kind=analyzer):
 * `node <@pulumi/pulumi/cmd/run-policy-pack> <engine-address> .` with the pack directory as working
 * directory. run-policy-pack registers ts-node (with type checking) and loads the pack's index.ts, whose
 * `new PolicyPack(...)` binds a gRPC server on 127.0.0.1 and prints its port on stdout. run-policy-pack
 * drops the engine address before loading the pack, and the pack logs through the engine only when
 * PULUMI_NODEJS_ENGINE is set, so no Engine endpoint is needed: the child's logs arrive on its stderr.
 * Offline, the same run-policy-pack is given the pack's compiled index.js instead of "." (POLICY_PACK_ENTRY):
 * the same code without a type check at every start, which `npm test` does once with tsc.
 *
 * The engine then calls GetAnalyzerInfo, Configure (the reconciled policy config), ConfigureStack,
 * Analyze for each resource (inputs, options, provider) and AnalyzeStack (outputs, parent, dependencies,
 * property dependencies). This module does the same for a plan from tools/planner.ts (or its JSON).
 */
import type { ChildProcess } from "child_process";
import { createRequire } from "module";
import * as grpc from "@grpc/grpc-js";
import { UNKNOWN } from "../src/unknown";
import { AnalyzerProcess, StartOptions, startAnalyzerProcess } from "./analyzerProcess";

export { POLICY_PACK_DIR, POLICY_PACK_ENTRY } from "./analyzerProcess";
export type { StartOptions } from "./analyzerProcess";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { ENGINE, SECRET_JSON, UNKNOWN_JSON } from "../src/plan/engineTypes";

// The messages must come from the same google-protobuf module the generated code was built against.
const protoRequire = createRequire(require.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const { Struct } = protoRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const { Empty } = protoRequire("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const LEVEL_OF: Record<number, EnforcementLevel> = {
    [analyzerPb.EnforcementLevel.ADVISORY]: "advisory",
    [analyzerPb.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzerPb.EnforcementLevel.DISABLED]: "disabled",
    [analyzerPb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_ENUM: Record<EnforcementLevel, analyzerPb.EnforcementLevel> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
const SEVERITY_OF: Record<number, string> = { 1: "low", 2: "medium", 3: "high", 4: "critical" };

/** A JSON-schema-like config schema, as the pack declares it. */
export interface ConfigSchema {
    readonly properties: Record<string, Record<string, unknown>>;
    readonly required?: readonly string[];
}

export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly severity?: string;
    readonly kind: "resource" | "stack" | "unknown";
    readonly remediationSteps?: string;
    readonly configSchema?: ConfigSchema;
}

export interface PackInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: readonly PolicyInfo[];
}

/** One policy's effective config, as sent with Configure. */
export interface PolicySettings {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}
export type ResolvedPolicyConfig = Readonly<Record<string, PolicySettings>>;

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    /** The resource in violation, or the stack's URN for a stack-wide violation. */
    readonly urn: string;
    readonly message: string;
    readonly severity?: string;
}

/** The parts of a planned resource the analyzer needs (tools/planner.ts PlannedResource, or its JSON). */
export interface AnalyzableResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly provider: string | null;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    readonly inputs: Record<string, unknown>;
    readonly outputs: Record<string, unknown>;
    readonly protect: boolean;
    readonly ignoreChanges?: readonly string[];
    readonly deleteBeforeReplace?: boolean;
}

export interface AnalyzablePlan {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly AnalyzableResource[];
}

// Sentinels of the Pulumi wire format (sdk/nodejs/runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Plan values back to the wire format: the planner writes unknowns as "[unknown]" and secrets as
 * "[secret]"; the engine sends the unknown sentinel (a policy touching it is skipped with an advisory note,
 * never failed) and a secret-wrapped value.
 */
export function toWire(v: unknown): unknown {
    if (v === UNKNOWN_JSON) return UNKNOWN;
    if (v === SECRET_JSON) return { [SIG_KEY]: SECRET_SIG, value: SECRET_JSON };
    if (Array.isArray(v)) return v.map(toWire);
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = toWire(x);
        return out;
    }
    return v;
}

function struct(v: Record<string, unknown>) {
    return Struct.fromJavaScript(toWire(v) as Record<string, import("google-protobuf/google/protobuf/struct_pb").JavaScriptValue>);
}

/** Strips the policy description the analyzer prefixes to every message ("<description>\n<message>"). */
function specificMessage(message: string, description: string): string {
    return message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}

function unary<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** A running analyzer process and a client connected to it. Start once, analyze many stacks, close. */
export class PolicyAnalyzer {
    private infoCache?: Promise<PackInfo>;

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: analyzerGrpc.AnalyzerClient,
        private readonly stderr: () => string,
    ) {}

    static start(opts: StartOptions = {}): Promise<PolicyAnalyzer> {
        return PolicyAnalyzer.connect(startAnalyzerProcess(opts));
    }

    /** Connects to an analyzer process once it serves (tools/analyzerProcess.ts); stops it if it never does. */
    static async connect(proc: AnalyzerProcess): Promise<PolicyAnalyzer> {
        let port: number;
        try {
            port = await proc.port;
        } catch (e) {
            proc.kill();
            throw e;
        }
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        return new PolicyAnalyzer(proc.child, client, proc.stderr);
    }

    /** GetAnalyzerInfo: the pack's name, version and policies with their levels and config schemas. */
    info(): Promise<PackInfo> {
        this.infoCache ??= unary<InstanceType<typeof Empty>, analyzerPb.AnalyzerInfo>(
            this.client.getAnalyzerInfo.bind(this.client),
            new Empty(),
        ).then((ai) => ({
            name: ai.getName(),
            version: ai.getVersion(),
            policies: ai.getPoliciesList().map((p): PolicyInfo => {
                const schema = p.getConfigschema();
                const kind =
                    p.getPolicyType() === analyzerPb.PolicyType.POLICY_TYPE_RESOURCE
                        ? "resource"
                        : p.getPolicyType() === analyzerPb.PolicyType.POLICY_TYPE_STACK
                          ? "stack"
                          : "unknown";
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVEL_OF[p.getEnforcementlevel()] ?? "advisory",
                    severity: SEVERITY_OF[p.getSeverity()],
                    kind,
                    remediationSteps: p.getRemediationSteps() || undefined,
                    configSchema: schema
                        ? {
                              properties: (schema.getProperties()?.toJavaScript() ?? {}) as ConfigSchema["properties"],
                              required: schema.getRequiredList(),
                          }
                        : undefined,
                };
            }),
        }));
        return this.infoCache;
    }

    /** Configure: every policy's enforcement level and config properties (see tools/policyConfig.ts). */
    async configure(config: ResolvedPolicyConfig): Promise<void> {
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, s] of Object.entries(config)) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL_ENUM[s.enforcementLevel]);
            pc.setProperties(struct(s.properties));
            map.set(name, pc);
        }
        await unary(this.client.configure.bind(this.client), req);
    }

    /** ConfigureStack, Analyze for every resource, then AnalyzeStack: the stack's violations. */
    async analyze(plan: AnalyzablePlan): Promise<Violation[]> {
        const info = await this.info();
        const descriptions = new Map(info.policies.map((p) => [p.name, p.description]));
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const stackUrn = plan.resources.find((r) => r.type === ENGINE.stack)?.urn ?? "";

        const sc = new analyzerPb.AnalyzerStackConfigureRequest();
        sc.setStack(plan.stack);
        sc.setProject(plan.project);
        sc.setDryRun(true);
        await unary(this.client.configureStack.bind(this.client), sc);

        const options = (r: AnalyzableResource) => {
            const o = new analyzerPb.AnalyzerResourceOptions();
            o.setProtect(r.protect);
            o.setIgnorechangesList([...(r.ignoreChanges ?? [])]);
            o.setDeletebeforereplace(r.deleteBeforeReplace === true);
            o.setDeletebeforereplacedefined(r.deleteBeforeReplace !== undefined);
            o.setAdditionalsecretoutputsList([]);
            o.setAliasesList([]);
            o.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
            if (r.parent) o.setParent(r.parent);
            return o;
        };
        const provider = (r: AnalyzableResource) => {
            const p = r.provider ? byUrn.get(r.provider) : undefined;
            if (!p) return undefined;
            const pr = new analyzerPb.AnalyzerProviderResource();
            pr.setType(p.type);
            pr.setName(p.name);
            pr.setUrn(p.urn);
            pr.setProperties(struct(p.inputs));
            return pr;
        };
        const violations: Violation[] = [];
        const collect = (resp: analyzerPb.AnalyzeResponse, fallbackUrn: string) => {
            for (const d of resp.getDiagnosticsList()) {
                violations.push({
                    policy: d.getPolicyname(),
                    enforcementLevel: LEVEL_OF[d.getEnforcementlevel()] ?? "advisory",
                    urn: d.getUrn() || fallbackUrn,
                    message: specificMessage(d.getMessage(), descriptions.get(d.getPolicyname()) ?? d.getDescription()),
                    severity: SEVERITY_OF[d.getSeverity()],
                });
            }
        };

        // Analyze: what the engine checks before each step, on the resource's inputs. Default providers are
        // created by the engine itself, not registered by the program, so they are not analyzed.
        // The engine analyzes resources as their steps run, many at once; the calls are independent, so they
        // are all sent before the first answer is read, and the answers are taken in the plan's order.
        const answers = plan.resources
            .filter((r) => !(r.type.startsWith(ENGINE.providerPrefix) && r.name.startsWith("default")))
            .map((r) => {
                const req = new analyzerPb.AnalyzeRequest();
                req.setType(r.type);
                req.setName(r.name);
                req.setUrn(r.urn);
                req.setProperties(struct(r.inputs));
                req.setOptions(options(r));
                const pr = provider(r);
                if (pr) req.setProvider(pr);
                return {
                    urn: r.urn,
                    answer: unary<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(this.client.analyze.bind(this.client), req),
                };
            });
        // Every call is awaited before any failure is thrown, so none is left unobserved.
        const settled = await Promise.allSettled(answers.map((a) => a.answer));
        for (const [i, s] of settled.entries()) {
            if (s.status === "rejected") throw s.reason;
            collect(s.value, answers[i].urn);
        }

        // AnalyzeStack: every resource's outputs with its parent, dependencies and property dependencies.
        const stackReq = new analyzerPb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            plan.resources.map((r) => {
                const ar = new analyzerPb.AnalyzerResource();
                ar.setType(r.type);
                ar.setName(r.name);
                ar.setUrn(r.urn);
                ar.setProperties(struct(r.outputs));
                ar.setOptions(options(r));
                const pr = provider(r);
                if (pr) ar.setProvider(pr);
                if (r.parent) ar.setParent(r.parent);
                ar.setDependenciesList([...r.dependencies]);
                const deps = ar.getPropertydependenciesMap();
                for (const [k, urns] of Object.entries(r.propertyDependencies)) {
                    const d = new analyzerPb.AnalyzerPropertyDependencies();
                    d.setUrnsList([...urns]);
                    deps.set(k, d);
                }
                return ar;
            }),
        );
        collect(await unary(this.client.analyzeStack.bind(this.client), stackReq), stackUrn);
        return violations;
    }

    /** The analyzer's stderr so far (its own logs). */
    logs(): string {
        return this.stderr();
    }

    /** Closes the connection and stops the analyzer process. */
    close(): void {
        this.client.close();
        if (this.child.exitCode === null) this.child.kill();
    }
}
