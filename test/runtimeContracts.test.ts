/**
 * Runtime contracts the offline plan can check although only a real account would show them failing:
 * - a container with a read-only root filesystem, run as a non-root user, can write its writable paths on
 *   Fargate (otherwise the task crashes, the circuit breaker rolls back and `pulumi up` fails on
 *   waitForSteadyState), and its task definition uses only what Fargate accepts;
 * - the IAM roles AWS services assume hold the documented minimum permissions, on resources that cover what
 *   each action is authorised against;
 * - a sidecar (the tracing collector) starts beside the service's container: its image's user, configuration,
 *   health check and ports fit what the image is, the task's size holds both, and the task role lets it export.
 */
import { PIPELINE_FUNCTIONS } from "../src/config";
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { COLLECTOR_CONTAINER, TRACING_XRAY_ACTIONS, WRITABLE_TMPFS_OPTIONS, fargateTaskSize, writableTmpfs } from "../components/fargateService";
import { FARGATE_CPU_MEMORY } from "../src/awsFacts";
import type { ServiceConfig } from "../src/config";
import { PLACEHOLDER_ACCOUNT } from "../tools/fakeAws";
import { PROJECT_DIR } from "../tools/paths";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { COMPONENT_REGION, planFargateServices, shippedServices } from "./fargateComponent";
import { STACKS, STRATEGIES, ofType, planAll, planOf } from "./helpers";

const TD = "aws:ecs/taskDefinition:TaskDefinition";

interface Tmpfs {
    containerPath?: string;
    size?: number;
    mountOptions?: string[];
}
interface Container {
    name: string;
    image?: string;
    command?: string[];
    essential?: boolean;
    cpu?: number;
    memory?: number;
    memoryReservation?: number;
    user?: string;
    readonlyRootFilesystem?: boolean;
    portMappings?: Array<{ containerPort: number; protocol?: string }>;
    dependsOn?: Array<{ containerName: string; condition: string }>;
    healthCheck?: { command: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number };
    environment?: Array<{ name: string; value: string }>;
    logConfiguration?: { logDriver: string; options: Record<string, string> };
    mountPoints?: Array<{ sourceVolume: string; containerPath: string; readOnly?: boolean }>;
    linuxParameters?: {
        tmpfs?: Tmpfs[];
        devices?: unknown[];
        sharedMemorySize?: number;
        maxSwap?: number;
        swappiness?: number;
        capabilities?: { add?: string[]; drop?: string[] };
    };
}
interface Volume {
    name: string;
    hostPath?: string;
    efsVolumeConfiguration?: unknown;
    dockerVolumeConfiguration?: unknown;
    fsxWindowsFileServerVolumeConfiguration?: unknown;
    configureAtLaunch?: boolean;
}

/** uid and gid of a container `user` ("101", "101:101"); undefined when it names the image's default or a user name. */
function ids(user: string | undefined): { uid?: number; gid?: number } {
    const [u, g] = (user ?? "").split(":");
    return { uid: /^\d+$/.test(u) ? Number(u) : undefined, gid: g !== undefined && /^\d+$/.test(g) ? Number(g) : undefined };
}

/** Runs as someone other than root: a `user` that is set, not empty, and not uid 0 or "root". */
function nonRoot(user: string | undefined): boolean {
    const u = (user ?? "").split(":")[0];
    return u !== "" && u !== "0" && u !== "root";
}

/**
 * Whether a tmpfs lets `user` write: its mode (mount option `mode=`, octal) grants write to others, or to the
 * owner when `uid=` is the user's, or to the group when `gid=` is the user's group. No `mode=` option is not
 * taken on trust: the default is the runtime's, not the task definition's.
 */
function tmpfsWritableBy(t: Tmpfs, user: string | undefined): boolean {
    const opt = (k: string) => (t.mountOptions ?? []).map((o) => o.split("=")).find(([key]) => key === k)?.[1];
    const modeText = opt("mode");
    if (modeText === undefined || !/^[0-7]{3,4}$/.test(modeText)) return false;
    const mode = parseInt(modeText, 8);
    const { uid, gid } = ids(user);
    if (mode & 0o002) return true;
    if (uid !== undefined && opt("uid") === String(uid) && mode & 0o200) return true;
    return gid !== undefined && opt("gid") === String(gid) && (mode & 0o020) !== 0;
}

/** A task volume with no volume configuration: on Fargate, a bind mount on the task's ephemeral storage. */
function isBindMount(v: Volume): boolean {
    return !v.efsVolumeConfiguration && !v.dockerVolumeConfiguration && !v.fsxWindowsFileServerVolumeConfiguration && !v.configureAtLaunch;
}

const norm = (p: string) => p.replace(/\/+$/, "") || "/";

/** What one of an image's configurations needs to start and to work: paths it writes, ports it opens, calls it makes. */
interface ConfigFacts {
    readonly writes: readonly string[];
    readonly listens: readonly number[];
    /** [IAM action, resource it is authorised against ("*": no resource-level permissions)]. */
    readonly calls: ReadonlyArray<readonly [string, string]>;
    /** Environment variables it reads, without which it does not start. */
    readonly env: readonly string[];
}

/** What the contract knows of an image whose start depends on more than the task definition shows. */
interface ImageFacts {
    /** Whether it has a shell, for CMD-SHELL health checks. */
    readonly shell: boolean;
    /** The executables it ships, for CMD health checks. */
    readonly binaries: readonly string[];
    /** The configuration a container without `command` runs. */
    readonly defaultConfig: string;
    /** Every configuration it ships, with what it needs where the contract has read it (undefined: not read). */
    readonly configs: Readonly<Record<string, ConfigFacts | undefined>>;
}

/**
 * The AWS Distro for OpenTelemetry collector, from its repository (aws-observability/aws-otel-collector at
 * v0.49.0, read 2026-12-06). cmd/awscollector/Dockerfile: the final stage is FROM scratch (no shell) and copies
 * /awscollector, /healthcheck (cmd/healthcheck: GET 127.0.0.1:13133) and the configs under /etc/; USER aoc
 * (4317); RUN_IN_CONTAINER=True (pkg/logger: log to stderr, no log file). config/ecs/*.yaml: no configuration
 * uses a storage extension; the ports and exporters are each file's receivers and exporters. The X-Ray exporter
 * calls PutTraceSegments only (its telemetry is off by default); awsemf creates its log group and stream and puts
 * events into them (internal/aws/cwlogs).
 */
const ADOT_COLLECTOR: ImageFacts = {
    shell: false,
    binaries: ["/awscollector", "/healthcheck"],
    defaultConfig: "/etc/otel-config.yaml",
    configs: {
        "/etc/otel-config.yaml": undefined,
        "/etc/ecs/ecs-xray.yaml": { writes: [], listens: [4317, 4318, 13133], calls: [["xray:PutTraceSegments", "*"]], env: [] },
        "/etc/ecs/ecs-default-config.yaml": {
            writes: [],
            listens: [4317, 4318, 2000, 8125, 13133],
            calls: [
                ["xray:PutTraceSegments", "*"],
                ["logs:CreateLogGroup", `arn:aws:logs:${COMPONENT_REGION}:${PLACEHOLDER_ACCOUNT}:log-group:/aws/ecs/application/metrics`],
                [
                    "logs:CreateLogStream",
                    `arn:aws:logs:${COMPONENT_REGION}:${PLACEHOLDER_ACCOUNT}:log-group:/aws/ecs/application/metrics:log-stream:x`,
                ],
                ["logs:PutLogEvents", `arn:aws:logs:${COMPONENT_REGION}:${PLACEHOLDER_ACCOUNT}:log-group:/aws/ecs/application/metrics:log-stream:x`],
            ],
            env: [],
        },
        "/etc/ecs/ecs-cloudwatch-xray.yaml": undefined,
        "/etc/ecs/ecs-cloudwatch.yaml": undefined,
        "/etc/ecs/ecs-amp.yaml": undefined,
        "/etc/ecs/ecs-amp-xray.yaml": undefined,
        "/etc/ecs/ecs-amp-prometheus.yaml": undefined,
        "/etc/ecs/ecs-amp-xray-prometheus.yaml": undefined,
        "/etc/ecs/otel-instance-metrics-config.yaml": undefined,
        "/etc/ecs/container-insights/otel-task-metrics-config.yaml": undefined,
    },
};

/** The facts of a container's image, where the contract has any (the ADOT collector, from ECR Public or Docker Hub). */
function imageFacts(image: string | undefined): ImageFacts | undefined {
    return /^(public\.ecr\.aws\/aws-observability\/|amazon\/)aws-otel-collector[:@]/.test(image ?? "") ? ADOT_COLLECTOR : undefined;
}

/** The configuration a collector container runs: its `--config=` argument, or the image's default. */
function configOf(c: Container, facts: ImageFacts): string {
    const arg = (c.command ?? []).find((a) => a.startsWith("--config="));
    return arg === undefined ? facts.defaultConfig : arg.slice("--config=".length);
}

/** The configuration's facts for a container of a known image; undefined when the image or the file is not described. */
function collectorConfig(c: Container): ConfigFacts | undefined {
    const facts = imageFacts(c.image);
    return facts ? facts.configs[configOf(c, facts)] : undefined;
}

/**
 * Why the containers of a planned task definition would not start (or not register) on Fargate; empty when they
 * would. `writable` names the paths the service needs writable (its config's writablePaths).
 */
function startProblems(td: PlannedResource, writable: Readonly<Record<string, readonly string[]>>): string[] {
    const problems: string[] = [];
    const fargate = ((td.inputs.requiresCompatibilities as string[] | undefined) ?? []).includes("FARGATE");
    const volumes = new Map(((td.inputs.volumes as Volume[] | undefined) ?? []).map((v) => [v.name, v]));
    const memory = Number(td.inputs.memory);
    const cpu = Number(td.inputs.cpu);
    const containers = JSON.parse(String(td.inputs.containerDefinitions)) as Container[];
    const family = String(td.inputs.family);
    // One network namespace per task (awsvpc): a port two containers open keeps the second from starting.
    const listening = new Map<number, string>();
    for (const c of containers) {
        const at = `${family}/${c.name}`;
        const tmpfs = c.linuxParameters?.tmpfs ?? [];
        const mounts = c.mountPoints ?? [];
        // An image the contract knows: the configuration must be one it ships and has read, a health check must run
        // in it, and what that configuration writes must be writable.
        const facts = imageFacts(c.image);
        let needsWritable = writable[c.name] ?? [];
        let ports = (c.portMappings ?? []).map((m) => m.containerPort);
        if (facts) {
            const file = configOf(c, facts);
            const config = facts.configs[file];
            if (!(file in facts.configs)) problems.push(`${at}: ${file} is not a configuration the image ships`);
            else if (!config) problems.push(`${at}: what ${file} writes, opens and calls has not been read; describe it before running it`);
            else {
                needsWritable = [...needsWritable, ...config.writes];
                ports = [...new Set([...ports, ...config.listens])];
                for (const v of config.env)
                    if (!(c.environment ?? []).some((e) => e.name === v)) problems.push(`${at}: ${file} needs ${v} in the environment`);
            }
            const check = c.healthCheck?.command ?? [];
            if (check[0] === "CMD-SHELL" && !facts.shell) problems.push(`${at}: a CMD-SHELL health check, but the image has no shell`);
            else if (check[0] === "CMD" && !facts.binaries.includes(check[1]))
                problems.push(`${at}: the health check runs ${check[1]}, which the image does not ship`);
        }
        for (const port of ports) {
            const other = listening.get(port);
            if (other !== undefined && other !== c.name) problems.push(`${at}: port ${port} is also opened by ${other} in the same task`);
            listening.set(port, c.name);
        }
        if (c.readonlyRootFilesystem === true && nonRoot(c.user)) {
            for (const path of needsWritable) {
                const m = mounts.find((x) => norm(x.containerPath) === norm(path));
                const t = tmpfs.find((x) => norm(x.containerPath ?? "") === norm(path));
                if (m && isBindMount(volumes.get(m.sourceVolume) ?? { name: m.sourceVolume })) {
                    problems.push(
                        `${at}: ${path} is a bind mount of task volume "${m.sourceVolume}", root-owned with mode 0755 on Fargate: user ${c.user} cannot write it`,
                    );
                } else if (!m && !t) {
                    problems.push(`${at}: ${path} must be writable but is on the read-only root filesystem`);
                } else if (t && !tmpfsWritableBy(t, c.user)) {
                    problems.push(`${at}: the tmpfs at ${path} (options ${JSON.stringify(t.mountOptions ?? [])}) does not let user ${c.user} write`);
                }
            }
            // Any other writable bind mount has the same problem.
            for (const m of mounts) {
                if (
                    m.readOnly !== true &&
                    isBindMount(volumes.get(m.sourceVolume) ?? { name: m.sourceVolume }) &&
                    !needsWritable.some((p) => norm(p) === norm(m.containerPath))
                ) {
                    problems.push(`${at}: ${m.containerPath} is a writable bind mount, root-owned on Fargate: user ${c.user} cannot write it`);
                }
            }
        }
        if (!fargate) continue;
        // Fargate: a tmpfs needs a size in MiB, counted against the task's memory; paths absolute and distinct,
        // and not also a volume's mount point.
        const paths = new Set<string>();
        let total = 0;
        for (const t of tmpfs) {
            if (!Number.isInteger(t.size) || (t.size as number) < 1)
                problems.push(`${at}: tmpfs ${String(t.containerPath)} has no size in MiB (Fargate requires one)`);
            total += Number(t.size) || 0;
            if (!t.containerPath?.startsWith("/")) problems.push(`${at}: tmpfs path ${String(t.containerPath)} is not absolute`);
            else if (paths.has(norm(t.containerPath))) problems.push(`${at}: tmpfs ${t.containerPath} is given twice`);
            else paths.add(norm(t.containerPath));
            if (mounts.some((m) => norm(m.containerPath) === norm(t.containerPath ?? "")))
                problems.push(`${at}: ${String(t.containerPath)} is both a tmpfs and a volume mount point`);
        }
        if (tmpfs.length && !(total < memory)) problems.push(`${at}: ${total} MiB of tmpfs leaves nothing of the task's ${memory} MiB`);
        const lp = c.linuxParameters ?? {};
        for (const k of ["devices", "sharedMemorySize", "maxSwap", "swappiness"] as const) {
            if (lp[k] !== undefined) problems.push(`${at}: linuxParameters.${k} is not supported on Fargate`);
        }
        for (const cap of lp.capabilities?.add ?? []) if (cap !== "SYS_PTRACE") problems.push(`${at}: Fargate can add only SYS_PTRACE, not ${cap}`);
    }
    // ECS: at least one essential container; each dependency names another container of the task, HEALTHY only one
    // with a health check, COMPLETE and SUCCESS only a non-essential one.
    if (!containers.some((c) => c.essential !== false)) problems.push(`${family}: no essential container`);
    for (const c of containers) {
        for (const d of c.dependsOn ?? []) {
            const target = containers.find((x) => x.name === d.containerName);
            const at = `${family}/${c.name}: depends on ${d.containerName} (${d.condition})`;
            if (!target || target === c) problems.push(`${at}, which is not another container of the task`);
            else if (!["START", "COMPLETE", "SUCCESS", "HEALTHY"].includes(d.condition)) problems.push(`${at}: not a condition ECS knows`);
            else if (d.condition === "HEALTHY" && !target.healthCheck) problems.push(`${at}, which has no health check`);
            else if ((d.condition === "COMPLETE" || d.condition === "SUCCESS") && target.essential !== false)
                problems.push(`${at}, which is essential`);
        }
    }
    if (fargate) {
        // The task's size: a pair Fargate offers, holding what its containers reserve.
        if (!FARGATE_CPU_MEMORY[cpu]?.includes(memory)) problems.push(`${family}: ${cpu} CPU units with ${memory} MiB is not a Fargate task size`);
        const cpus = containers.reduce((n, c) => n + (c.cpu ?? 0), 0);
        const mems = containers.reduce((n, c) => n + (c.memory ?? c.memoryReservation ?? 0), 0);
        if (cpus > cpu) problems.push(`${family}: its containers reserve ${cpus} CPU units of the task's ${cpu}`);
        if (mems > memory) problems.push(`${family}: its containers reserve ${mems} MiB of the task's ${memory}`);
        for (const v of volumes.values()) {
            if (v.hostPath !== undefined) problems.push(`${String(td.inputs.family)}: volume "${v.name}" has a host path, not supported on Fargate`);
            if (v.dockerVolumeConfiguration !== undefined)
                problems.push(`${String(td.inputs.family)}: volume "${v.name}" is a Docker volume, not supported on Fargate`);
        }
    }
    return problems;
}

/** The writable paths of each service the stack runs, from the config it was planned with. */
function writableOf(plan: StackPlan): Record<string, readonly string[]> {
    const services = plan.config["securecart:services"] as ServiceConfig[] | undefined;
    assert.ok(services?.length, `${plan.stack}: the plan carries its services`);
    return Object.fromEntries(services.map((s) => [s.name, s.readonlyRootFilesystem === false ? [] : s.writablePaths]));
}

describe("runtime contract: Fargate containers can start", () => {
    for (const strategy of STRATEGIES) {
        it(`${strategy}: every planned task definition of both stacks gives a non-root, read-only container writable paths it can write`, async () => {
            const plans = await planAll(`strategy=${strategy}`);
            let checked = 0;
            for (const plan of plans) {
                const tds = ofType(plan, TD);
                const writable = writableOf(plan);
                for (const td of tds) {
                    assert.deepEqual(startProblems(td, writable), [], `${plan.stack} ${td.name}`);
                    // The shipped services are exactly the case the contract is about.
                    const [c] = JSON.parse(String(td.inputs.containerDefinitions)) as Container[];
                    assert.ok(c.readonlyRootFilesystem === true && nonRoot(c.user), `${td.name}: non-root with a read-only root`);
                    // Tracing is on by default (src/config.ts, components/region.ts): each task runs the collector,
                    // which starts hardened and whose task role may make the calls its configuration makes.
                    assert.ok(
                        containersOfTd(td).some((x) => x.name === COLLECTOR_CONTAINER && imageFacts(x.image) !== undefined),
                        `${plan.stack} ${td.name}: runs the tracing collector`,
                    );
                    assert.deepEqual(sidecarProblems(plan, td), [], `${plan.stack} ${td.name}: its collector`);
                    checked++;
                }
            }
            if (strategy !== "backup-restore") assert.ok(checked >= 8, `task definitions checked: ${checked}`);
            else assert.ok(checked >= 4, "the backup-restore primary runs services");
        });
    }

    it("the contract rejects what defeats it: a bind-mounted /tmp, no mode, a tmpfs without size, Fargate-only limits", async () => {
        const plan = await planOf("prod");
        const td = ofType(plan, TD)[0];
        const writable = writableOf(plan);
        const withContainer = (edit: (c: Container) => void, extra: Partial<PlannedResource["inputs"]> = {}): PlannedResource => {
            // The app's container edited, the task's others (the collector) kept, as the contract reads them together.
            const [c, ...rest] = JSON.parse(String(td.inputs.containerDefinitions)) as Container[];
            edit(c);
            return { ...td, inputs: { ...td.inputs, containerDefinitions: JSON.stringify([c, ...rest]), ...extra } };
        };
        // The shape the component had before: /tmp a task volume without configuration.
        const bind = withContainer(
            (c) => {
                delete c.linuxParameters!.tmpfs;
                c.mountPoints = [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }];
            },
            { volumes: [{ name: "tmp" }] },
        );
        assert.match(startProblems(bind, writable).join("\n"), /\/tmp is a bind mount of task volume "tmp", root-owned/);
        const noMode = withContainer((c) => {
            c.linuxParameters!.tmpfs = [{ containerPath: "/tmp", size: 64, mountOptions: ["rw"] }];
        });
        assert.match(startProblems(noMode, writable).join("\n"), /does not let user 101 write/);
        const ownedByRoot = withContainer((c) => {
            c.linuxParameters!.tmpfs = [{ containerPath: "/tmp", size: 64, mountOptions: ["mode=0755"] }];
        });
        assert.match(startProblems(ownedByRoot, writable).join("\n"), /does not let user 101 write/);
        const owned = withContainer((c) => {
            c.linuxParameters!.tmpfs = [{ containerPath: "/tmp", size: 64, mountOptions: ["uid=101", "mode=0700"] }];
        });
        assert.deepEqual(startProblems(owned, writable), [], "a tmpfs owned by the user is fine too");
        const noSize = withContainer((c) => {
            c.linuxParameters!.tmpfs = [{ containerPath: "/tmp", mountOptions: ["mode=1777"] }];
        });
        assert.match(startProblems(noSize, writable).join("\n"), /no size in MiB/);
        const missing = withContainer((c) => {
            c.linuxParameters!.tmpfs = [];
        });
        assert.match(startProblems(missing, writable).join("\n"), /\/tmp must be writable but is on the read-only root filesystem/);
        const shm = withContainer((c) => {
            c.linuxParameters!.sharedMemorySize = 64;
            c.linuxParameters!.capabilities = { add: ["NET_ADMIN"] };
        });
        assert.match(startProblems(shm, writable).join("\n"), /sharedMemorySize is not supported on Fargate[\s\S]*only SYS_PTRACE, not NET_ADMIN/);
    });

    it("property: for any writable paths, user and task size the config allows, the planned tasks still start", async () => {
        const pathSets = fc.uniqueArray(fc.constantFrom("/tmp", "/var/cache/nginx", "/var/run", "/run/app", "/home/app/.cache"), {
            minLength: 1,
            maxLength: 3,
        });
        const users = fc.constantFrom("101", "101:101", "1000:1000", "65534");
        const sizes = fc.constantFrom([256, 512], [512, 1024], [1024, 2048]);
        await fc.assert(
            fc.asyncProperty(pathSets, users, sizes, fc.constantFrom(...STACKS), async (paths, user, [cpu, memory], stack) => {
                const plan = await planOf(
                    stack,
                    `services[1].writablePaths=${JSON.stringify(paths)}`,
                    `services[1].user=${user}`,
                    `services[1].cpu=${cpu}`,
                    `services[1].memory=${memory}`,
                );
                const writable = writableOf(plan);
                for (const td of ofType(plan, TD)) assert.deepEqual(startProblems(td, writable), [], `${stack} ${td.name}`);
                const cart = ofType(plan, TD).find((t) => t.inputs.family === "securecart-svc-cart")!;
                const [c] = JSON.parse(String(cart.inputs.containerDefinitions)) as Container[];
                assert.deepEqual(
                    (c.linuxParameters?.tmpfs ?? []).map((t) => t.containerPath),
                    paths,
                );
                assert.equal(c.user, user);
            }),
            { numRuns: 4 },
        );
    });

    it("property (pure): writableTmpfs gives every path a sized, world-writable tmpfs, and refuses what Fargate would", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.stringMatching(/^\/[a-z]{1,8}(\/[a-z]{1,8}){0,2}$/), { minLength: 1, maxLength: 6 }),
                fc.integer({ min: 1, max: 512 }),
                fc.constantFrom(512, 1024, 2048, 4096),
                fc.constantFrom("101", "1000:1000", "65534"),
                (paths, size, memory, user) => {
                    if (paths.length * size >= memory) {
                        assert.throws(() => writableTmpfs(paths, size, memory), /task's memory/);
                        return;
                    }
                    const mounts = writableTmpfs(paths, size, memory);
                    assert.deepEqual(
                        mounts.map((m) => m.containerPath),
                        paths,
                    );
                    for (const m of mounts) {
                        assert.equal(m.size, size);
                        assert.ok(tmpfsWritableBy({ ...m, mountOptions: [...m.mountOptions] }, user), `${m.containerPath} writable by ${user}`);
                    }
                },
            ),
        );
        assert.throws(() => writableTmpfs(["/tmp", "/tmp/"], 64, 512), /given twice/);
        assert.throws(() => writableTmpfs(["/tmp"], 0, 512), /at least 1/);
        assert.deepEqual(WRITABLE_TMPFS_OPTIONS, ["rw", "nosuid", "nodev", "mode=1777"]);
    });
});

// ---------------------------------------------------------------------------------------------------------
// IAM minimums
// ---------------------------------------------------------------------------------------------------------

interface Statement {
    Sid?: string;
    Effect: string;
    Action?: string | string[];
    NotAction?: unknown;
    Resource?: string | string[];
    NotResource?: unknown;
    Principal?: unknown;
    Condition?: Record<string, Record<string, string>>;
}
interface PolicyDocument {
    Statement: Statement[];
}

/** IAM's wildcard match: `*` any run of characters, `?` one; actions are case-insensitive. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
    const re = new RegExp(
        `^${pattern
            .split("")
            .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("")}$`,
        ignoreCase ? "i" : "",
    );
    return re.test(value);
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Whether an identity policy allows `action` on `resource` (the ARN IAM authorises the request against, or "*"
 * for an action without resource-level permissions, which only a `"Resource": "*"` statement matches).
 * Conditions and NotAction/NotResource are not evaluated: the project's identity policies use none, and a
 * statement with them is not counted as an allow.
 */
function allows(doc: PolicyDocument, action: string, resource: string): boolean {
    const matching = (st: Statement) =>
        st.NotAction === undefined &&
        st.NotResource === undefined &&
        list(st.Action).some((a) => wildcard(a, action, true)) &&
        list(st.Resource).some((r) => (resource === "*" ? r === "*" : wildcard(r, resource)));
    if (doc.Statement.some((st) => st.Effect === "Deny" && matching(st))) return false;
    return doc.Statement.some((st) => st.Effect === "Allow" && st.Condition === undefined && matching(st));
}

/**
 * `allows`, for a request with the given condition keys: a statement's StringEquals and StringLike conditions
 * must hold for them (any listed value); a statement with any other condition operator is not counted.
 */
function allowsIn(doc: PolicyDocument, action: string, resource: string, context: Readonly<Record<string, string>>): boolean {
    const holds = (st: Statement) =>
        Object.entries(st.Condition ?? {}).every(([op, keys]) =>
            Object.entries(keys).every(([k, v]) => {
                const got = context[k];
                if (got === undefined) return false;
                if (op === "StringEquals") return list(v).includes(got);
                if (op === "StringLike") return list(v).some((p) => wildcard(p, got));
                return false;
            }),
        );
    const matching = (st: Statement) =>
        st.NotAction === undefined &&
        st.NotResource === undefined &&
        list(st.Action).some((a) => wildcard(a, action, true)) &&
        list(st.Resource).some((r) => (resource === "*" ? r === "*" : wildcard(r, resource))) &&
        holds(st);
    if (doc.Statement.some((st) => st.Effect === "Deny" && matching(st))) return false;
    return doc.Statement.some((st) => st.Effect === "Allow" && matching(st));
}

function policyOfRole(plan: StackPlan, role: PlannedResource): PolicyDocument {
    const inline = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name);
    assert.equal(inline.length, 1, `${role.name}: one inline policy`);
    assert.equal(
        ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.outputs.name).length,
        0,
        `${role.name}: no managed policy`,
    );
    return JSON.parse(String(inline[0].inputs.policy)) as PolicyDocument;
}

const trustOf = (role: PlannedResource) => JSON.parse(String(role.inputs.assumeRolePolicy)) as PolicyDocument;

function roleByArn(plan: StackPlan, arn: unknown): PlannedResource {
    const role = ofType(plan, "aws:iam/role:Role").find((r) => r.outputs.arn === arn);
    assert.ok(role, `a planned role with ARN ${String(arn)}`);
    return role;
}

describe("runtime contract: IAM roles hold the documented minimum permissions", () => {
    for (const stack of STACKS) {
        it(`${stack}: the VPC flow-log role may do all the VPC user guide lists, on its log group, and only VPC Flow Logs of this account may assume it`, async () => {
            const plan = await planOf(stack);
            const [flowLog] = ofType(plan, "aws:ec2/flowLog:FlowLog");
            const group = plan.resources.find(
                (r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.outputs.arn === flowLog.inputs.logDestination,
            )!;
            const role = roleByArn(plan, flowLog.inputs.iamRoleArn);
            const doc = policyOfRole(plan, role);
            const groupArn = String(group.outputs.arn);
            const streamArn = `${groupArn}:log-stream:eni-0123456789abcdef0-all`;
            // VPC user guide, "IAM role for publishing flow logs to CloudWatch Logs": the minimum permissions. The
            // resource each is authorised against (Service Authorization Reference, CloudWatch Logs): a log group,
            // a log stream, or none at all for DescribeLogGroups (so only "*" grants it).
            const needs: Array<[string, string]> = [
                ["logs:CreateLogGroup", groupArn],
                ["logs:CreateLogStream", streamArn],
                ["logs:PutLogEvents", streamArn],
                ["logs:DescribeLogGroups", "*"],
                ["logs:DescribeLogStreams", groupArn],
            ];
            const missing = needs.filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`);
            assert.deepEqual(missing, []);
            // Nothing beyond the minimum, and the writes stay on this log group.
            for (const st of doc.Statement)
                for (const a of list(st.Action))
                    assert.ok(
                        needs.some(([n]) => n === a),
                        `unexpected action ${a}`,
                    );
            assert.ok(
                !allows(doc, "logs:PutLogEvents", `arn:aws:logs:${plan.region}:${PLACEHOLDER_ACCOUNT}:log-group:someone-else:log-stream:x`),
                "writes only its own log group",
            );
            const [trust] = trustOf(role).Statement;
            assert.deepEqual([trust.Effect, trust.Principal, trust.Action], ["Allow", { Service: "vpc-flow-logs.amazonaws.com" }, "sts:AssumeRole"]);
            assert.equal(trust.Condition?.StringEquals?.["aws:SourceAccount"], PLACEHOLDER_ACCOUNT);
            const sourceArn = trust.Condition?.ArnLike?.["aws:SourceArn"];
            assert.ok(
                sourceArn && wildcard(sourceArn, `arn:aws:ec2:${plan.region}:${PLACEHOLDER_ACCOUNT}:vpc-flow-log/fl-0123456789abcdef0`),
                `aws:SourceArn ${sourceArn} covers this region's flow logs`,
            );
            assert.ok(!wildcard(sourceArn, `arn:aws:ec2:${plan.region}:999999999999:vpc-flow-log/fl-0123456789abcdef0`), "and no other account's");
        });

        it(`${stack}: each task execution role may start its task (write its log streams; pull its own image when it is in ECR) and nothing else`, async () => {
            const plan = await planOf(stack, "services[0].repository=catalog", "services[0].tag=v1");
            for (const td of ofType(plan, TD)) {
                const role = roleByArn(plan, td.inputs.executionRoleArn);
                const doc = policyOfRole(plan, role);
                const [c] = JSON.parse(String(td.inputs.containerDefinitions)) as Array<{
                    image: string;
                    logConfiguration: { options: Record<string, string> };
                    secrets?: Array<{ name: string; valueFrom: string }>;
                }>;
                const group = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").find(
                    (g) => g.outputs.name === c.logConfiguration.options["awslogs-group"],
                )!;
                // AmazonECSTaskExecutionRolePolicy's actions, each on what this task uses. CloudWatch Logs (not the
                // caller) uses the log group's key, so no kms:Decrypt for the logs.
                const needs: Array<[string, string]> = [
                    ["logs:CreateLogStream", `${String(group.outputs.arn)}:log-stream:${td.name}/x/0`],
                    ["logs:PutLogEvents", `${String(group.outputs.arn)}:log-stream:${td.name}/x/0`],
                ];
                // A task that injects secrets reads each where it lives: an SSM parameter (the cache's endpoint, named by
                // its path) or a Secrets Manager secret (the cache's password, named by its name, so the planned secret's
                // ARN), decrypting the latter through Secrets Manager (checked with its condition in the cache's contract
                // below): those actions and no others.
                const secretNeeds = (c.secrets ?? []).map((x): [string, string] =>
                    x.valueFrom.startsWith("/")
                        ? ["ssm:GetParameters", `arn:aws:ssm:${plan.region}:${PLACEHOLDER_ACCOUNT}:parameter${x.valueFrom}`]
                        : [
                              "secretsmanager:GetSecretValue",
                              String(
                                  ofType(plan, "aws:secretsmanager/secret:Secret").find((r) => r.inputs.name === x.valueFrom)?.outputs.arn ??
                                      x.valueFrom,
                              ),
                          ],
                );
                const ecr = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:]+):/.exec(c.image);
                if (ecr) {
                    const repo = `arn:aws:ecr:${ecr[1]}:${PLACEHOLDER_ACCOUNT}:repository/${ecr[2]}`;
                    needs.push(
                        ["ecr:GetAuthorizationToken", "*"],
                        ["ecr:BatchCheckLayerAvailability", repo],
                        ["ecr:GetDownloadUrlForLayer", repo],
                        ["ecr:BatchGetImage", repo],
                    );
                }
                assert.deepEqual(
                    [...needs, ...secretNeeds].filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`),
                    [],
                    td.name,
                );
                const allowed = [...needs.map(([a]) => a), ...secretNeeds.map(([a]) => a), ...(secretNeeds.length ? ["kms:Decrypt"] : [])];
                for (const st of doc.Statement) for (const a of list(st.Action)) assert.ok(allowed.includes(a), `${td.name}: unexpected action ${a}`);
                assert.equal(Boolean(ecr), td.inputs.family === "securecart-svc-catalog", `${td.name}: only the ECR-backed service pulls from ECR`);
                const [trust] = trustOf(role).Statement;
                assert.deepEqual(trust.Principal, { Service: "ecs-tasks.amazonaws.com" });
            }
        });
    }

    for (const stack of STACKS) {
        it(`${stack}: the asset replication role may read this bucket's versions and write each other region's, through S3 with each region's key, and only S3 may assume it`, async () => {
            const plan = (await planAll()).find((p) => p.stack === stack)!;
            const [config] = ofType(plan, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            assert.ok(config, `${stack} replicates its asset bucket`);
            const role = roleByArn(plan, config.inputs.role);
            const doc = policyOfRole(plan, role);
            const source = `arn:aws:s3:::${String(config.inputs.bucket)}`;
            const key = String(plan.stackOutputs.dataKeyArn);
            const rules = config.inputs.rules as Array<{ destination: { bucket: string; encryptionConfiguration: { replicaKmsKeyId: string } } }>;
            assert.ok(rules.length > 0);
            const via = (region: string) => `s3.${region}.amazonaws.com`;
            // Amazon S3 user guide, "Setting up permissions for live replication" and "Replicating encrypted objects":
            // with an S3 Bucket Key, the encryption context is the bucket's ARN.
            const needs: Array<[string, string, Record<string, string>]> = [
                ["s3:GetReplicationConfiguration", source, {}],
                ["s3:ListBucket", source, {}],
                ["s3:GetObjectVersionForReplication", `${source}/assets/logo.png`, {}],
                ["s3:GetObjectVersionAcl", `${source}/assets/logo.png`, {}],
                ["s3:GetObjectVersionTagging", `${source}/assets/logo.png`, {}],
                ["kms:Decrypt", key, { "kms:ViaService": via(plan.region), "kms:EncryptionContext:aws:s3:arn": source }],
            ];
            for (const r of rules) {
                const destRegion = /:kms:([a-z0-9-]+):/.exec(r.destination.encryptionConfiguration.replicaKmsKeyId)![1];
                assert.notEqual(destRegion, plan.region, "replicas are encrypted under the destination region's key");
                for (const a of ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"])
                    needs.push([a, `${r.destination.bucket}/assets/logo.png`, {}]);
                needs.push([
                    "kms:Encrypt",
                    r.destination.encryptionConfiguration.replicaKmsKeyId,
                    { "kms:ViaService": via(destRegion), "kms:EncryptionContext:aws:s3:arn": r.destination.bucket },
                ]);
            }
            assert.deepEqual(
                needs.filter(([a, r, c]) => !allowsIn(doc, a, r, c)).map(([a, r]) => `${a} on ${r}`),
                [],
            );
            assert.ok(!allowsIn(doc, "s3:ReplicateObject", "arn:aws:s3:::someone-elses-bucket/x", {}), "writes only the asset buckets");
            assert.ok(
                !allowsIn(doc, "kms:Decrypt", key, { "kms:ViaService": "sqs.us-east-1.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": source }),
                "decrypts only through S3",
            );
            assert.ok(!allowsIn(doc, "s3:GetObjectVersionForReplication", "arn:aws:s3:::someone-elses-bucket/x", {}), "reads only its own bucket");
            const [trust] = trustOf(role).Statement;
            assert.deepEqual([trust.Effect, trust.Principal, trust.Action], ["Allow", { Service: "s3.amazonaws.com" }, "sts:AssumeRole"]);
        });
    }

    it("dr: the ECR creation-template role may create, replicate into and tag this region's repositories and grant ECR its data key; only ECR may assume it", async () => {
        const plan = await planOf("dr");
        const [template] = ofType(plan, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate");
        assert.ok(template, "the standby plans a repository creation template");
        const role = roleByArn(plan, template.inputs.customRoleArn);
        const doc = policyOfRole(plan, role);
        const repo = `arn:aws:ecr:${plan.region}:${PLACEHOLDER_ACCOUNT}:repository/catalog`;
        const key = String(plan.stackOutputs.dataKeyArn);
        // ECR user guide, "Create a custom policy for repository creation templates".
        const needs: Array<[string, string]> = [
            ["ecr:CreateRepository", repo],
            ["ecr:ReplicateImage", repo],
            ["ecr:TagResource", repo],
            ["kms:CreateGrant", key],
            ["kms:RetireGrant", key],
            ["kms:DescribeKey", key],
        ];
        assert.deepEqual(
            needs.filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`),
            [],
        );
        assert.ok(
            !allows(doc, "ecr:CreateRepository", `arn:aws:ecr:us-east-1:${PLACEHOLDER_ACCOUNT}:repository/catalog`),
            "this region's registry only",
        );
        assert.ok(!allows(doc, "kms:CreateGrant", "arn:aws:kms:us-west-2:123456789012:key/other"), "this region's data key only");
        const [trust] = trustOf(role).Statement;
        assert.deepEqual([trust.Effect, trust.Principal, trust.Action], ["Allow", { Service: "ecr.amazonaws.com" }, "sts:AssumeRole"]);
    });
});

describe("runtime contract: the order pipeline's roles and resource policies let each delivery happen", () => {
    const FN = "aws:lambda/function:Function";
    for (const stack of STACKS) {
        it(`${stack}: each function's role may write its own logs and traces, dead-letter under the data key, and consume its queue; only Lambda may assume it`, async () => {
            const plan = (await planAll("strategy=warm-standby")).find((p) => p.stack === stack)!;
            // The pipeline's six (the API's keep-alive probe has its own test below).
            const functions = ofType(plan, FN).filter((f) =>
                (PIPELINE_FUNCTIONS as readonly string[]).includes(String(f.inputs.name).replace(/^securecart-/, "")),
            );
            assert.equal(functions.length, 6);
            const queues = ofType(plan, "aws:sqs/queue:Queue");
            const queueByArn = (arn: unknown) => queues.find((q) => q.outputs.arn === arn)!;
            const logGroups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup");
            const problems: string[] = [];
            let consumed = 0;
            for (const fn of functions) {
                const role = roleByArn(plan, fn.inputs.role);
                const doc = policyOfRole(plan, role);
                const logGroup = logGroups.find((g) => g.inputs.name === (fn.inputs.loggingConfig as { logGroup: string }).logGroup)!;
                const dlq = queueByArn((fn.inputs.deadLetterConfig as { targetArn: string }).targetArn);
                // Lambda developer guide: the execution role writes its log streams ("Working with Lambda execution
                // roles"), traces ("Visualize Lambda function invocations using AWS X-Ray": PutTraceSegments and
                // PutTelemetryRecords, no resource-level permissions) and sends to its dead-letter queue
                // (sqs:SendMessage); an SQS queue under a customer-managed key needs GenerateDataKey and Decrypt
                // from its producers (SQS developer guide, "Key management").
                const needs: Array<[string, string]> = [
                    ["logs:CreateLogStream", `${String(logGroup.outputs.arn)}:log-stream:2026/12/06/[$LATEST]abc`],
                    ["logs:PutLogEvents", `${String(logGroup.outputs.arn)}:log-stream:2026/12/06/[$LATEST]abc`],
                    ["xray:PutTraceSegments", "*"],
                    ["xray:PutTelemetryRecords", "*"],
                    ["sqs:SendMessage", String(dlq.outputs.arn)],
                    ["kms:GenerateDataKey", String(dlq.inputs.kmsMasterKeyId)],
                    ["kms:Decrypt", String(dlq.inputs.kmsMasterKeyId)],
                ];
                // An SQS event source: Lambda polls with the function's role (ReceiveMessage, DeleteMessage,
                // GetQueueAttributes; "Using Lambda with Amazon SQS") and decrypts with the queue's key.
                for (const esm of ofType(plan, "aws:lambda/eventSourceMapping:EventSourceMapping").filter(
                    (m) => m.inputs.functionName === fn.outputs.arn,
                )) {
                    consumed++;
                    const q = queueByArn(esm.inputs.eventSourceArn);
                    for (const a of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) needs.push([a, String(q.outputs.arn)]);
                    needs.push(["kms:Decrypt", String(q.inputs.kmsMasterKeyId)]);
                }
                for (const [a, r] of needs) if (!allows(doc, a, r)) problems.push(`${fn.name}: ${a} on ${r}`);
                // In this stack's own region, where a widened grant would match.
                if (allows(doc, "logs:PutLogEvents", `arn:aws:logs:${plan.region}:${PLACEHOLDER_ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`))
                    problems.push(`${fn.name}: writes another function's logs`);
                assert.deepEqual(
                    trustOf(role).Statement.map((t) => [t.Effect, t.Principal, t.Action]),
                    [["Allow", { Service: "lambda.amazonaws.com" }, "sts:AssumeRole"]],
                    `${fn.name}: only Lambda may assume it`,
                );
            }
            assert.deepEqual(problems, []);
            assert.equal(consumed, ofType(plan, "aws:lambda/eventSourceMapping:EventSourceMapping").length, "every mapping's function was checked");
            assert.ok(consumed > 0);
        });

        it(`${stack}: the saga's role may invoke its function, publish to its encrypted topic, deliver its logs and trace; SNS, EventBridge and S3 may deliver where the pipeline sends them`, async () => {
            const plan = (await planAll("strategy=warm-standby")).find((p) => p.stack === stack)!;
            const [machine] = ofType(plan, "aws:sfn/stateMachine:StateMachine");
            const doc = policyOfRole(plan, roleByArn(plan, machine.inputs.roleArn));
            const definition = JSON.parse(String(machine.inputs.definition)) as {
                States: Record<string, { Resource?: string; Parameters?: Record<string, string> }>;
            };
            const targets = Object.values(definition.States).flatMap((st) =>
                [st.Parameters?.FunctionName, st.Parameters?.TopicArn].filter((x) => x !== undefined),
            );
            const fulfilment = ofType(plan, "aws:lambda/function:Function").find((f) => f.inputs.name === "securecart-fulfilment")!;
            const topic = ofType(plan, "aws:sns/topic:Topic").find((t) => t.inputs.name === "securecart-notifications")!;
            assert.ok(targets.includes(String(fulfilment.outputs.arn)) && targets.includes(String(topic.outputs.arn)), "the definition names both");
            // Step Functions developer guide: "IAM policies for logging to CloudWatch Logs" and "Tracing with X-Ray".
            const needs: Array<[string, string]> = [
                ["lambda:InvokeFunction", String(fulfilment.outputs.arn)],
                ["sns:Publish", String(topic.outputs.arn)],
                ["kms:GenerateDataKey", String(topic.inputs.kmsMasterKeyId)],
                ["kms:Decrypt", String(topic.inputs.kmsMasterKeyId)],
                ...[
                    "CreateLogDelivery",
                    "GetLogDelivery",
                    "UpdateLogDelivery",
                    "DeleteLogDelivery",
                    "ListLogDeliveries",
                    "PutResourcePolicy",
                    "DescribeResourcePolicies",
                    "DescribeLogGroups",
                ].map((a) => [`logs:${a}`, "*"] as [string, string]),
                ...["PutTraceSegments", "PutTelemetryRecords", "GetSamplingRules", "GetSamplingTargets"].map(
                    (a) => [`xray:${a}`, "*"] as [string, string],
                ),
            ];
            assert.deepEqual(
                needs.filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`),
                [],
            );
            assert.ok(
                !allows(doc, "lambda:InvokeFunction", `arn:aws:lambda:${plan.region}:${PLACEHOLDER_ACCOUNT}:function:other`),
                "invokes only what the definition names",
            );

            // SNS → the notification queue: the queue's policy lets this topic send (and nothing else).
            const notifyQueue = ofType(plan, "aws:sqs/queue:Queue").find((q) => q.inputs.name === "securecart-notifications")!;
            const qp = ofType(plan, "aws:sqs/queuePolicy:QueuePolicy").find((p) => p.inputs.queueUrl === notifyQueue.outputs.url)!;
            const statements = (JSON.parse(String(qp.inputs.policy)) as PolicyDocument).Statement;
            assert.equal(statements.length, 1, "the queue's policy allows nothing else");
            const [st] = statements;
            assert.deepEqual(
                [st.Principal, st.Action, st.Resource, st.Condition],
                [{ Service: "sns.amazonaws.com" }, "sqs:SendMessage", notifyQueue.outputs.arn, { ArnEquals: { "aws:SourceArn": topic.outputs.arn } }],
            );
            // SNS and EventBridge encrypt into the data key's queues and topic: the key's policy lets them, for this account only.
            const keyPolicies = [...ofType(plan, "aws:kms/key:Key"), ...ofType(plan, "aws:kms/replicaKey:ReplicaKey")]
                .filter((k) => k.outputs.arn === notifyQueue.inputs.kmsMasterKeyId)
                .map((k) => JSON.parse(String(k.inputs.policy)) as PolicyDocument);
            assert.equal(keyPolicies.length, 1, "the data key is planned in this stack");
            const svc = keyPolicies[0].Statement.find((x) => x.Sid === "MessagingServicesEncrypt")!;
            assert.deepEqual(svc.Principal, { Service: ["events.amazonaws.com", "sns.amazonaws.com"] });
            assert.deepEqual(list(svc.Action as string[]).sort(), ["kms:Decrypt", "kms:GenerateDataKey*"]);
            assert.deepEqual(svc.Condition, { StringEquals: { "aws:SourceAccount": PLACEHOLDER_ACCOUNT } });
            // That statement does not let EventBridge publish into the encrypted topic: SNS does not support source
            // conditions in a key policy for EventBridge-to-encrypted topics (SNS developer guide, "Key management").
            // A statement of its own, with none of them, bound to this account's topics by SNS's encryption context.
            const toTopic = keyPolicies[0].Statement.filter(
                (x) =>
                    list((x.Principal as { Service?: string | string[] }).Service).includes("events.amazonaws.com") &&
                    list(x.Action as string[]).includes("kms:GenerateDataKey*") &&
                    !Object.values(x.Condition ?? {}).some((c) => Object.keys(c).some((k) => /^aws:Source(Account|Arn|OrgID)$/i.test(k))),
            );
            assert.equal(toTopic.length, 1, "one EventBridge statement without source conditions");
            const context = (toTopic[0].Condition as { ArnLike: Record<string, string> }).ArnLike["kms:EncryptionContext:aws:sns:topicArn"];
            assert.ok(wildcard(context, String(topic.outputs.arn)), `${context} covers the notifications topic`);
            assert.ok(!wildcard(context, `arn:aws:sns:${plan.region}:999999999999:other`), "and no other account's topics");
            // S3 invokes the thumbnailer for this account's asset bucket only.
            const thumbnailer = ofType(plan, "aws:lambda/function:Function").find((f) => f.inputs.name === "securecart-thumbnailer")!;
            const s3 = ofType(plan, "aws:lambda/permission:Permission").find((p) => p.inputs.principal === "s3.amazonaws.com")!;
            assert.equal(s3.inputs.function, thumbnailer.outputs.name);
            assert.match(String(s3.inputs.sourceArn), /^arn:aws:s3:::securecart-assets-/);
            assert.equal(s3.inputs.sourceAccount, PLACEHOLDER_ACCOUNT);
        });
    }
});

describe("runtime contract: the identity and API tier's functions may do their work, and nothing more", () => {
    it("the keep-alive probe's role may write its own log group, trace and dead-letter; it calls the API over the internet, so it needs no other permission", async () => {
        const dr = await planOf("dr");
        const fn = ofType(dr, "aws:lambda/function:Function").find((f) => f.inputs.name === "securecart-api-keepalive-us-west-2")!;
        assert.ok(fn, "the warm standby plans the probe");
        const doc = policyOfRole(dr, roleByArn(dr, fn.inputs.role));
        const group = ofType(dr, "aws:cloudwatch/logGroup:LogGroup").find(
            (g) => g.outputs.name === (fn.inputs.loggingConfig as { logGroup: string }).logGroup,
        )!;
        const dlq = String((fn.inputs.deadLetterConfig as { targetArn: string }).targetArn);
        const needs: Array<[string, string]> = [
            ["logs:CreateLogStream", `${String(group.outputs.arn)}:log-stream:x`],
            ["logs:PutLogEvents", `${String(group.outputs.arn)}:log-stream:x`],
            ["xray:PutTraceSegments", "*"],
            ["sqs:SendMessage", dlq],
        ];
        assert.deepEqual(
            needs.filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`),
            [],
        );
        const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        assert.equal(env.API_DOMAIN, "api.shop.securecart.example.com");
        assert.equal(env.PROBE_PATH, "/api/keepalive");
        assert.match(
            String(env.API_TARGET_HOST),
            /^d-[a-z0-9]+\.execute-api\.us-west-2\.amazonaws\.com$/,
            "this region's API, not the failover name",
        );
    });

    it("backup-restore: the user export's role may read the pool and write every other region's export bucket under that region's key", async () => {
        const prod = (await planAll("strategy=backup-restore")).find((p) => p.stack === "prod")!;
        const fn = ofType(prod, "aws:lambda/function:Function").find((f) => f.inputs.name === "securecart-user-export")!;
        assert.ok(fn, "the home stack plans the export");
        const doc = policyOfRole(prod, roleByArn(prod, fn.inputs.role));
        const pool = String(prod.resources.find((r) => r.type === "aws-native:cognito:UserPool")!.outputs.arn);
        const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        const targets = JSON.parse(env.EXPORT_TARGETS) as Array<{ region: string; bucket: string }>;
        assert.deepEqual(
            targets.map((t) => t.region),
            ["us-west-2"],
        );
        const needs: Array<[string, string]> = [
            ["cognito-idp:ListUsers", pool],
            ["cognito-idp:GetCSVHeader", pool],
            ["cognito-idp:DescribeUserPool", pool],
            ...targets.map((t): [string, string] => ["s3:PutObject", `arn:aws:s3:::${t.bucket}/users/2026-12-06T00-00-00.000Z.csv`]),
        ];
        assert.deepEqual(
            needs.filter(([a, r]) => !allows(doc, a, r)).map(([a, r]) => `${a} on ${r}`),
            [],
        );
        // SSE-KMS in the other region: GenerateDataKey on that region's replica of the data key, nothing of this region's.
        const keys = doc.Statement.filter((st) => list(st.Action).includes("kms:GenerateDataKey")).flatMap((st) => list(st.Resource));
        assert.ok(
            keys.some((k) => /^arn:aws:kms:us-west-2:/.test(k)),
            `keys: ${keys.join(", ")}`,
        );
        assert.ok(!allows(doc, "cognito-idp:AdminDeleteUser", pool), "reads only");
        assert.equal(env.POOL_REGION, "us-east-1");
    });
});

// ---------------------------------------------------------------------------------------------------------
// The shared files (EFS) and the cache (ElastiCache) as the services reach them
// ---------------------------------------------------------------------------------------------------------

interface EfsVolume {
    name: string;
    efsVolumeConfiguration?: {
        fileSystemId?: string;
        rootDirectory?: string;
        transitEncryption?: string;
        authorizationConfig?: { accessPointId?: string; iam?: string };
    };
}
interface AppContainer extends Container {
    environment?: Array<{ name: string; value: string }>;
    secrets?: Array<{ name: string; valueFrom: string }>;
}

/** Every inline policy of a role, as one document (a role may carry several: the task role's file-system policy is its own). */
function policiesOfRole(plan: StackPlan, role: PlannedResource): PolicyDocument {
    const inline = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name);
    return { Statement: inline.flatMap((p) => (JSON.parse(String(p.inputs.policy)) as PolicyDocument).Statement) };
}

/** Whether a resource policy lets `principal` do `action` on `resource` with the given condition keys (Deny wins; StringEquals/StringLike/Bool only). */
function resourcePolicyAllows(
    doc: PolicyDocument,
    principal: string,
    action: string,
    resource: string,
    context: Readonly<Record<string, string>>,
): boolean {
    const principals = (st: Statement) => list((st.Principal as { AWS?: string | string[] } | undefined)?.AWS);
    const holds = (st: Statement) =>
        Object.entries(st.Condition ?? {}).every(([op, keys]) =>
            Object.entries(keys).every(([k, v]) => {
                const got = context[k];
                if (got === undefined) return false;
                if (op === "StringEquals" || op === "Bool") return list(v).includes(got);
                if (op === "StringLike") return list(v).some((p) => wildcard(p, got));
                return false;
            }),
        );
    const matching = (st: Statement) =>
        principals(st).some((p) => p === "*" || p === principal) &&
        list(st.Action).some((a) => wildcard(a, action, true)) &&
        list(st.Resource).some((r) => wildcard(r, resource)) &&
        holds(st);
    if (doc.Statement.some((st) => st.Effect === "Deny" && matching(st))) return false;
    return doc.Statement.some((st) => st.Effect === "Allow" && matching(st));
}

/** The id at the end of an ARN (`…/sg-…`, `…/fsap-…`, `…/fs-…`), which the planned resources carry only in their ARN. */
const idOfArn = (r: PlannedResource): string | undefined => /\/([^/]+)$/.exec(String(r.outputs.arn ?? ""))?.[1];

/** Whether security group `sgId` admits TCP `port` from security group `fromSg` (a rule of its own, referencing the group). */
function admits(plan: StackPlan, sgId: string, port: number, fromSg: string): boolean {
    return ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some(
        (r) =>
            r.inputs.securityGroupId === sgId &&
            r.inputs.ipProtocol === "tcp" &&
            Number(r.inputs.fromPort) <= port &&
            port <= Number(r.inputs.toPort) &&
            r.inputs.referencedSecurityGroupId === fromSg,
    );
}

/** Whether security group `sgId` lets TCP `port` out to `toSg`: a rule naming that group, or a CIDR covering the VPC (or anywhere). */
function letsOut(plan: StackPlan, sgId: string, port: number, toSg: string): boolean {
    const vpcCidr = (plan.config["securecart:network"] as { cidr?: string } | undefined)?.cidr;
    return ofType(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").some(
        (r) =>
            r.inputs.securityGroupId === sgId &&
            (r.inputs.ipProtocol === "tcp" || r.inputs.ipProtocol === "-1") &&
            (r.inputs.ipProtocol === "-1" || (Number(r.inputs.fromPort) <= port && port <= Number(r.inputs.toPort))) &&
            (r.inputs.referencedSecurityGroupId === toSg ||
                r.inputs.cidrIpv4 === "0.0.0.0/0" ||
                (vpcCidr !== undefined && r.inputs.cidrIpv4 === vpcCidr)),
    );
}

/** A service's task definition, container and the security groups its ECS service runs in. */
function serviceParts(plan: StackPlan, service: string): { td: PlannedResource; c: AppContainer; sgs: string[] } | undefined {
    const td = ofType(plan, TD).find((t) => t.inputs.family === `securecart-svc-${service}`);
    if (!td) return undefined;
    const [c] = JSON.parse(String(td.inputs.containerDefinitions)) as AppContainer[];
    const svc = ofType(plan, "aws:ecs/service:Service").find((s) => s.inputs.taskDefinition === td.outputs.arn);
    const sgs = ((svc?.inputs.networkConfiguration as { securityGroups?: string[] } | undefined)?.securityGroups ?? []).map(String);
    return { td, c, sgs };
}

/** Whether a region's file system is a replication destination: some stack of the set replicates into that region. */
function isDestination(plans: readonly StackPlan[], region: string): boolean {
    return plans.some((p) => ofType(p, "pulumi-nodejs:dynamic/securecart:FilesReplication").some((r) => r.inputs.destinationRegion === region));
}

/**
 * Why a service with a `sharedPath` could not mount the region's shared file system, or could write where EFS
 * refuses writes; empty when it can. Checked from the plan: the task definition's EFS volume (TLS, IAM, its own
 * access point), the container's mount, the access point's POSIX user and root directory, the task role and the
 * file-system policy, and the security groups on both sides.
 */
function sharedFilesProblems(plans: readonly StackPlan[], plan: StackPlan): string[] {
    const problems: string[] = [];
    const services = (plan.config["securecart:services"] as ServiceConfig[]).filter((s) => s.sharedPath !== undefined);
    // Read-only where EFS refuses writes (a replication destination), and on an old primary fenced after an unplanned
    // failover: nothing replicates into it then, but whatever it wrote would be overwritten by the failback's replication.
    const fenced = plan.config["securecart:failoverMode"] === "unplanned" && plan.role === "standby";
    const destination = isDestination(plans, plan.region);
    const readOnly = destination || fenced;
    const [fs] = ofType(plan, "aws-native:efs:FileSystem");
    if (!fs) return services.length ? [`${plan.stack}: no file system planned for ${services.map((s) => s.name).join(", ")}`] : [];
    const fsId = String(fs.outputs.fileSystemId);
    const fsArn = String(fs.outputs.arn);
    const mountSgs = ofType(plan, "aws:efs/mountTarget:MountTarget")
        .filter((m) => m.inputs.fileSystemId === fsId)
        .flatMap((m) => (m.inputs.securityGroups as string[] | undefined) ?? []);
    const fsPolicy = ofType(plan, "aws:efs/fileSystemPolicy:FileSystemPolicy").find((p) => p.inputs.fileSystemId === fsId);
    for (const s of services) {
        const at = `${plan.stack}/${s.name}`;
        const parts = serviceParts(plan, s.name);
        if (!parts) continue; // No compute in this region (a backup-restore standby): nothing mounts.
        const { td, c, sgs } = parts;
        const volumes = ((td.inputs.volumes as EfsVolume[] | undefined) ?? []).filter((v) => v.efsVolumeConfiguration);
        const mount = (c.mountPoints ?? []).find((m) => norm(m.containerPath) === norm(s.sharedPath!));
        const vol = volumes.find((v) => v.name === mount?.sourceVolume);
        if (!mount || !vol) {
            problems.push(`${at}: nothing of the file system is mounted at ${s.sharedPath}`);
            continue;
        }
        const cfg = vol.efsVolumeConfiguration!;
        if (cfg.fileSystemId !== fsId)
            problems.push(`${at}: volume "${vol.name}" names ${String(cfg.fileSystemId)}, not this region's file system ${fsId}`);
        if (cfg.transitEncryption !== "ENABLED")
            problems.push(`${at}: volume "${vol.name}" has transitEncryption ${String(cfg.transitEncryption)}; expected ENABLED`);
        if (cfg.authorizationConfig?.iam !== "ENABLED")
            problems.push(`${at}: volume "${vol.name}" has authorizationConfig.iam ${String(cfg.authorizationConfig?.iam)}; expected ENABLED`);
        if (cfg.rootDirectory !== undefined && cfg.rootDirectory !== "/")
            problems.push(
                `${at}: volume "${vol.name}" sets rootDirectory ${cfg.rootDirectory} with an access point (ECS requires it omitted or "/")`,
            );
        const ap = ofType(plan, "aws:efs/accessPoint:AccessPoint").find((a) => idOfArn(a) === cfg.authorizationConfig?.accessPointId);
        if (!ap) {
            problems.push(`${at}: volume "${vol.name}" mounts through no planned access point (${String(cfg.authorizationConfig?.accessPointId)})`);
            continue;
        }
        const root = ap.inputs.rootDirectory as
            { path?: string; creationInfo?: { ownerUid?: number; ownerGid?: number; permissions?: string } } | undefined;
        if (ap.inputs.fileSystemId !== fsId) problems.push(`${at}: access point ${ap.name} is on ${String(ap.inputs.fileSystemId)}, not ${fsId}`);
        if (root?.path !== `/${s.name}`)
            problems.push(`${at}: access point ${ap.name} has root ${String(root?.path)}, not the service's own /${s.name}`);
        if (mount.readOnly !== readOnly)
            problems.push(
                `${at}: mounted readOnly ${String(mount.readOnly)}, but this region's file system ${destination ? "is a replication destination (EFS refuses writes)" : fenced ? "belongs to a fenced old primary" : "is writable"}`,
            );
        // The access point's user is the container's (uid, gid defaulting to uid), and it creates its root owned by it.
        const { uid, gid } = ids(c.user);
        const want = { uid, gid: gid ?? uid };
        const posix = ap.inputs.posixUser as { uid?: number; gid?: number } | undefined;
        if (posix?.uid !== want.uid || posix?.gid !== want.gid)
            problems.push(`${at}: access point user ${posix?.uid}:${posix?.gid}, container user ${c.user} (${want.uid}:${want.gid})`);
        const ci = root?.creationInfo;
        if (
            ci?.ownerUid !== want.uid ||
            ci?.ownerGid !== want.gid ||
            !/^0?[0-7]{3}$/.test(ci?.permissions ?? "") ||
            (parseInt(ci!.permissions!, 8) & 0o700) !== 0o700
        )
            problems.push(
                `${at}: access point root created as ${ci?.ownerUid}:${ci?.ownerGid} mode ${ci?.permissions}; expected owned by ${want.uid}:${want.gid} with rwx for its owner`,
            );
        // The task role mounts (and, where EFS allows writes, writes) through this access point only.
        const role = roleByArn(plan, td.inputs.taskRoleArn);
        const doc = policiesOfRole(plan, role);
        const apArn = String(ap.outputs.arn);
        const viaAp = { "elasticfilesystem:AccessPointArn": apArn };
        if (!allowsIn(doc, "elasticfilesystem:ClientMount", fsArn, viaAp))
            problems.push(`${at}: the task role may not ClientMount ${fsArn} through ${apArn}`);
        if (allowsIn(doc, "elasticfilesystem:ClientWrite", fsArn, viaAp) === readOnly)
            problems.push(
                `${at}: the task role ${readOnly ? "may" : "may not"} ClientWrite, on a file system that is ${readOnly ? "read-only here" : "writable"}`,
            );
        if (allowsIn(doc, "elasticfilesystem:ClientMount", fsArn, { "elasticfilesystem:AccessPointArn": `${fsArn}/other` }))
            problems.push(`${at}: the task role may mount through another access point`);
        if (allowsIn(doc, "elasticfilesystem:ClientRootAccess", fsArn, viaAp)) problems.push(`${at}: the task role has ClientRootAccess`);
        // The file system's own policy lets that role in over TLS, through its access point, and nobody without TLS.
        const fsDoc = fsPolicy ? (JSON.parse(String(fsPolicy.inputs.policy)) as PolicyDocument) : { Statement: [] };
        const tls = { ...viaAp, "aws:SecureTransport": "true" };
        if (!resourcePolicyAllows(fsDoc, String(role.outputs.arn), "elasticfilesystem:ClientMount", fsArn, tls))
            problems.push(`${at}: the file system policy does not let ${String(role.outputs.arn)} mount through ${apArn}`);
        if (
            resourcePolicyAllows(fsDoc, String(role.outputs.arn), "elasticfilesystem:ClientMount", fsArn, {
                ...viaAp,
                "aws:SecureTransport": "false",
            })
        )
            problems.push(`${at}: the file system policy lets a client mount without TLS`);
        // NFS (2049) from the services' group into the mount targets' group, and out of the services' group.
        for (const sg of sgs) {
            if (!mountSgs.some((m) => admits(plan, m, 2049, sg))) problems.push(`${at}: no mount target's security group admits TCP 2049 from ${sg}`);
            if (!mountSgs.some((m) => letsOut(plan, sg, 2049, m)))
                problems.push(`${at}: the services' security group ${sg} lets no TCP 2049 out to the mount targets`);
        }
        // A tmpfs at, above or below the shared path would hide the mount or be hidden by it.
        for (const t of c.linuxParameters?.tmpfs ?? []) {
            const a = norm(t.containerPath ?? "");
            const b = norm(s.sharedPath!);
            if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) problems.push(`${at}: shared path ${b} collides with the tmpfs at ${a}`);
        }
    }
    return problems;
}

/**
 * Why a service with `usesCache` could not reach or authenticate to the region's cache; empty when it can. The
 * container's endpoint, port and user, the password injected from the cache's SecureString parameter, the execution
 * role's read of both parameters and decryption of the password's key through SSM (the ECS documented minimum for
 * `secrets` from Parameter Store), and the security groups.
 */
function cacheProblems(plan: StackPlan): string[] {
    const problems: string[] = [];
    const services = plan.config["securecart:services"] as ServiceConfig[];
    const [group] = ofType(plan, "aws:elasticache/replicationGroup:ReplicationGroup");
    const secret = ofType(plan, "aws:ssm/parameter:Parameter").find((x) => x.inputs.name === `/securecart/cache/${plan.region}/password`);
    const users = ofType(plan, "aws:elasticache/user:User");
    for (const s of services) {
        const parts = serviceParts(plan, s.name);
        if (!parts) continue;
        const { td, c, sgs } = parts;
        const at = `${plan.stack}/${s.name}`;
        const env = Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));
        const password = (c.secrets ?? []).find((x) => x.name === "CACHE_PASSWORD");
        const host = (c.secrets ?? []).find((x) => x.name === "CACHE_HOST");
        if (!s.usesCache) {
            if (host || env.CACHE_HOST !== undefined || password)
                problems.push(`${at}: does not use the cache, yet is given its endpoint or password`);
            continue;
        }
        if (!group || !secret) {
            problems.push(`${at}: uses the cache, and none is planned`);
            continue;
        }
        // The endpoint comes from the SSM parameter that holds the group's primary endpoint, read when the task starts.
        const parameter = ofType(plan, "aws:ssm/parameter:Parameter").find((x) => x.inputs.name === host?.valueFrom);
        // (The provider keeps a parameter's value secret: what it holds is read from where it comes from.)
        if (!parameter || !(parameter.propertyDependencies.value ?? []).includes(group.urn))
            problems.push(
                `${at}: CACHE_HOST comes from ${String(host?.valueFrom)}, which ${parameter ? "holds something else" : "is no planned parameter"}; expected a parameter holding the replication group's primary endpoint`,
            );
        if (env.CACHE_PORT !== String(group.inputs.port))
            problems.push(`${at}: CACHE_PORT ${String(env.CACHE_PORT)}; the group listens on ${String(group.inputs.port)}`);
        const userGroup = ofType(plan, "aws:elasticache/userGroup:UserGroup").find((g) =>
            ((group.inputs.userGroupIds as string[] | undefined) ?? []).includes(String(g.inputs.userGroupId)),
        );
        const user = users.find((u) => u.inputs.userName === env.CACHE_USER);
        if (!user || !((userGroup?.inputs.userIds as string[] | undefined) ?? []).includes(String(user.inputs.userId)))
            problems.push(`${at}: CACHE_USER ${String(env.CACHE_USER)} is not a user of the group's user group`);
        else if (String(user.inputs.accessString).startsWith("off")) problems.push(`${at}: CACHE_USER ${String(env.CACHE_USER)} is switched off`);
        // By name (the task's region) or ARN: both name a parameter to ECS. A SecureString under a key of ours.
        if (!password || (password.valueFrom !== secret.inputs.name && password.valueFrom !== secret.outputs.arn))
            problems.push(
                `${at}: CACHE_PASSWORD comes from ${String(password?.valueFrom)}; expected the cache's password parameter ${String(secret.inputs.name)}`,
            );
        if (secret.inputs.type !== "SecureString")
            problems.push(`${at}: the password parameter is a ${String(secret.inputs.type)}, not a SecureString`);
        // The execution role reads both parameters, and decrypts the password under the key it is encrypted with,
        // through SSM.
        const exec = policiesOfRole(plan, roleByArn(plan, td.inputs.executionRoleArn));
        for (const x of [parameter, secret])
            if (x && !allowsIn(exec, "ssm:GetParameters", String(x.outputs.arn), {}))
                problems.push(`${at}: the execution role may not read the parameter ${String(x.inputs.name)}`);
        const key = String(secret.inputs.keyId);
        if (!allowsIn(exec, "kms:Decrypt", key, { "kms:ViaService": `ssm.${plan.region}.amazonaws.com` }))
            problems.push(`${at}: the execution role may not decrypt ${key} through SSM`);
        // TCP 6379 from the services' group into the cache's, and out of the services' group.
        for (const sg of sgs) {
            const cacheSgs = (group.inputs.securityGroupIds as string[] | undefined) ?? [];
            if (!cacheSgs.some((g) => admits(plan, g, Number(group.inputs.port), sg)))
                problems.push(`${at}: the cache's security group admits no TCP ${String(group.inputs.port)} from ${sg}`);
            if (!cacheSgs.some((g) => letsOut(plan, sg, Number(group.inputs.port), g)))
                problems.push(`${at}: the services' security group ${sg} lets no TCP ${String(group.inputs.port)} out to the cache`);
        }
    }
    return problems;
}

describe("runtime contract: the services reach the shared files and the cache", () => {
    for (const strategy of STRATEGIES) {
        it(`${strategy}: every sharing service mounts its region's file system (TLS, IAM, its own access point as its own user; read-only exactly on a replication destination), and every cache user reaches its region's cache with its password`, async () => {
            const plans = await planAll(`strategy=${strategy}`);
            let mounted = 0;
            let cached = 0;
            for (const plan of plans) {
                assert.deepEqual(sharedFilesProblems(plans, plan), [], plan.stack);
                assert.deepEqual(cacheProblems(plan), [], plan.stack);
                // The file system is a destination where the strategy keeps a warm copy: the standby, except under backup-restore.
                assert.equal(isDestination(plans, plan.region), plan.stack === "dr" && strategy !== "backup-restore", `${plan.stack}: destination`);
                for (const s of plan.config["securecart:services"] as ServiceConfig[]) {
                    if (!serviceParts(plan, s.name)) continue;
                    if (s.sharedPath !== undefined) mounted++;
                    if (s.usesCache) cached++;
                }
            }
            // The defaults: the catalogue shares files, the catalogue and the cart use the cache, in every region with compute.
            const regions = strategy === "backup-restore" ? 1 : 2;
            assert.equal(mounted, regions, "sharing services checked");
            assert.equal(cached, 2 * regions, "cache users checked");
        });
    }

    it("after a switchover the new standby's mounts turn read-only and the new primary's writable", async () => {
        const plans = await planAll("strategy=pilot-light", "primaryRegion=us-west-2");
        assert.ok(isDestination(plans, "us-east-1") && !isDestination(plans, "us-west-2"));
        for (const plan of plans) assert.deepEqual(sharedFilesProblems(plans, plan), [], plan.stack);
    });

    it("unplanned failover: the new primary's file system is writable and replicates nowhere yet; the fenced old primary mounts read-only", async () => {
        const plans = await planAll("strategy=warm-standby", "primaryRegion=us-west-2", "failoverMode=unplanned");
        assert.ok(!isDestination(plans, "us-east-1") && !isDestination(plans, "us-west-2"), "no replication: it needs the lost region");
        for (const plan of plans) {
            assert.deepEqual(sharedFilesProblems(plans, plan), [], plan.stack);
            assert.deepEqual(cacheProblems(plan), [], plan.stack);
        }
        const [c] = JSON.parse(
            String(ofType(plans[0], TD).find((t) => t.inputs.family === "securecart-svc-catalog")!.inputs.containerDefinitions),
        ) as AppContainer[];
        assert.equal(c.mountPoints![0].readOnly, true, "prod, fenced");
    });

    it("a user of uid:gid and a service sharing under another path: the access point follows the container's user", async () => {
        const plans = await planAll("strategy=warm-standby", "services[1].sharedPath=/var/lib/cart", "services[1].user=1000:2000");
        for (const plan of plans) assert.deepEqual(sharedFilesProblems(plans, plan), [], plan.stack);
        const ap = ofType(plans[0], "aws:efs/accessPoint:AccessPoint").find((a) => (a.inputs.rootDirectory as { path: string }).path === "/cart");
        assert.deepEqual(ap?.inputs.posixUser, { uid: 1000, gid: 2000 });
    });

    it("each contract fails on a plan edited to break it", async () => {
        const plans = await planAll("strategy=warm-standby");
        const dr = plans.find((p) => p.stack === "dr")!;
        const edit = (plan: StackPlan, f: (r: PlannedResource) => PlannedResource | undefined): StackPlan => ({
            ...plan,
            resources: plan.resources.flatMap((r) => f(r) ?? []),
        });
        const catalogTd = (r: PlannedResource) => r.type === TD && r.inputs.family === "securecart-svc-catalog";
        const editContainer = (plan: StackPlan, f: (c: AppContainer) => void) =>
            edit(plan, (r) => {
                if (!catalogTd(r)) return r;
                const [c] = JSON.parse(String(r.inputs.containerDefinitions)) as AppContainer[];
                f(c);
                return { ...r, inputs: { ...r.inputs, containerDefinitions: JSON.stringify([c]) } };
            });
        const editVolume = (plan: StackPlan, f: (v: EfsVolume) => EfsVolume) =>
            edit(plan, (r) => (catalogTd(r) ? { ...r, inputs: { ...r.inputs, volumes: (r.inputs.volumes as EfsVolume[]).map(f) } } : r));
        const editPolicy = (plan: StackPlan, match: (r: PlannedResource) => boolean, f: (d: PolicyDocument) => PolicyDocument) =>
            edit(plan, (r) =>
                match(r) ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify(f(JSON.parse(String(r.inputs.policy)) as PolicyDocument)) } } : r,
            );
        const files = (p: StackPlan) => sharedFilesProblems([plans[0], p], p).join("\n");
        const cache = (p: StackPlan) => cacheProblems(p).join("\n");
        assert.equal(files(dr), "");
        assert.equal(cache(dr), "");

        // The volume: no TLS, no IAM, another access point, a root directory beside the access point.
        const vcfg = (v: EfsVolume, over: Partial<NonNullable<EfsVolume["efsVolumeConfiguration"]>>) => ({
            ...v,
            efsVolumeConfiguration: { ...v.efsVolumeConfiguration!, ...over },
        });
        assert.match(files(editVolume(dr, (v) => vcfg(v, { transitEncryption: "DISABLED" }))), /transitEncryption DISABLED; expected ENABLED/);
        assert.match(
            files(editVolume(dr, (v) => vcfg(v, { authorizationConfig: { ...v.efsVolumeConfiguration!.authorizationConfig, iam: "DISABLED" } }))),
            /authorizationConfig\.iam DISABLED/,
        );
        assert.match(
            files(editVolume(dr, (v) => vcfg(v, { authorizationConfig: { iam: "ENABLED", accessPointId: "fsap-0000000000000000" } }))),
            /no planned access point/,
        );
        assert.match(files(editVolume(dr, (v) => vcfg(v, { rootDirectory: "/catalog" }))), /sets rootDirectory \/catalog with an access point/);
        assert.match(files(editVolume(dr, (v) => vcfg(v, { fileSystemId: "fs-00000000000000000" }))), /not this region's file system/);
        // The mount: writable on a destination, missing, and a tmpfs on top of it.
        assert.match(
            files(editContainer(dr, (c) => (c.mountPoints![0].readOnly = false))),
            /mounted readOnly false, but this region's file system is a replication destination/,
        );
        assert.match(files(editContainer(dr, (c) => (c.mountPoints = []))), /nothing of the file system is mounted at \/srv\/shared/);
        assert.match(
            files(editContainer(dr, (c) => c.linuxParameters!.tmpfs!.push({ containerPath: "/srv", size: 16, mountOptions: ["mode=1777"] }))),
            /shared path \/srv\/shared collides with the tmpfs at \/srv/,
        );
        // The primary's (writable) mount made read-only is refused too.
        const prod = plans[0];
        const prodEdited = editContainer(prod, (c) => (c.mountPoints![0].readOnly = true));
        assert.match(sharedFilesProblems(plans, prodEdited).join("\n"), /mounted readOnly true, but this region's file system is writable/);
        // The container's user differs from the access point's.
        assert.match(files(editContainer(dr, (c) => (c.user = "1000"))), /access point user 101:101, container user 1000 \(1000:1000\)/);
        // The access point's root created for root.
        assert.match(
            files(
                edit(dr, (r) =>
                    r.type === "aws:efs/accessPoint:AccessPoint"
                        ? {
                              ...r,
                              inputs: {
                                  ...r.inputs,
                                  rootDirectory: { path: "/catalog", creationInfo: { ownerUid: 0, ownerGid: 0, permissions: "0755" } },
                              },
                          }
                        : r,
                ),
            ),
            /root created as 0:0 mode 0755/,
        );
        // The task role: no mount permission; write permission on a destination; mounting through any access point.
        const taskFiles = (r: PlannedResource) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "securecart-svc-catalog-task-files";
        assert.match(files(edit(dr, (r) => (taskFiles(r) ? undefined : r))), /the task role may not ClientMount/);
        assert.match(
            files(
                editPolicy(dr, taskFiles, (d) => ({
                    Statement: d.Statement.map((st) => ({ ...st, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] })),
                })),
            ),
            /the task role may ClientWrite, on a file system that is read-only here/,
        );
        assert.match(
            files(editPolicy(dr, taskFiles, (d) => ({ Statement: d.Statement.map((st) => ({ ...st, Condition: undefined })) }))),
            /may mount through another access point/,
        );
        // The file system policy: the role left out; the TLS deny removed.
        const fsPolicy = (r: PlannedResource) => r.type === "aws:efs/fileSystemPolicy:FileSystemPolicy";
        assert.match(
            files(editPolicy(dr, fsPolicy, (d) => ({ Statement: d.Statement.filter((st) => st.Effect === "Deny") }))),
            /the file system policy does not let .* mount through/,
        );
        assert.match(
            files(
                editPolicy(dr, fsPolicy, (d) => ({
                    Statement: d.Statement.filter((st) => st.Effect !== "Deny").map((st) => ({
                        ...st,
                        Condition: { StringEquals: st.Condition!.StringEquals },
                    })),
                })),
            ),
            /lets a client mount without TLS/,
        );
        // The network: the NFS rule into the mount targets, and the services' way out to them.
        assert.match(
            files(edit(dr, (r) => (r.name === "securecart-files-in-nfs" ? undefined : r))),
            /no mount target's security group admits TCP 2049/,
        );
        assert.match(
            files(edit(dr, (r) => (r.name === "securecart-sg-app-out-data-2049" ? undefined : r))),
            /lets no TCP 2049 out to the mount targets/,
        );

        // The cache: the endpoint, port, user, password, the execution role and the network.
        const env = (name: string, value: string) => (c: AppContainer) =>
            (c.environment = c.environment!.map((e) => (e.name === name ? { ...e, value } : e)));
        const execPolicy = (r: PlannedResource) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "securecart-svc-catalog-exec-policy";
        const secretFrom = (name: string, valueFrom: string) => (c: AppContainer) =>
            (c.secrets = c.secrets!.map((x) => (x.name === name ? { ...x, valueFrom } : x)));
        assert.match(
            cache(editContainer(dr, secretFrom("CACHE_HOST", "/elsewhere"))),
            /CACHE_HOST comes from \/elsewhere, which is no planned parameter; expected a parameter holding the replication group's primary endpoint/,
        );
        assert.match(
            cache(
                edit(dr, (r) =>
                    r.type === "aws:ssm/parameter:Parameter" ? { ...r, inputs: { ...r.inputs, value: "localhost" }, propertyDependencies: {} } : r,
                ),
            ),
            /which holds something else; expected a parameter holding/,
        );
        assert.match(
            cache(editPolicy(dr, execPolicy, (d) => ({ Statement: d.Statement.filter((st) => st.Sid !== "ReadCacheParameters") }))),
            /the execution role may not read the parameter \/securecart\/cache\/us-west-2\/endpoint/,
        );
        assert.match(cache(editContainer(dr, env("CACHE_PORT", "6380"))), /CACHE_PORT 6380; the group listens on 6379/);
        assert.match(
            cache(edit(dr, (r) => (r.type === "aws:elasticache/user:User" ? { ...r, inputs: { ...r.inputs, accessString: "off -@all" } } : r))),
            /CACHE_USER securecart-app is switched off/,
        );
        assert.match(cache(editContainer(dr, env("CACHE_USER", "someone"))), /CACHE_USER someone is not a user of the group's user group/);
        assert.match(
            cache(editContainer(dr, secretFrom("CACHE_PASSWORD", "other"))),
            /CACHE_PASSWORD comes from other; expected the cache's password parameter/,
        );
        assert.match(
            cache(
                edit(dr, (r) =>
                    r.type === "aws:ssm/parameter:Parameter" && String(r.inputs.name).endsWith("/password")
                        ? { ...r, inputs: { ...r.inputs, type: "String" } }
                        : r,
                ),
            ),
            /the password parameter is a String, not a SecureString/,
        );
        assert.match(
            cache(editPolicy(dr, execPolicy, (d) => ({ Statement: d.Statement.filter((st) => st.Sid !== "DecryptCachePassword") }))),
            /may not decrypt .* through SSM/,
        );
        assert.match(cache(edit(dr, (r) => (r.name === "securecart-cache-in" ? undefined : r))), /the cache's security group admits no TCP 6379/);
        assert.match(cache(edit(dr, (r) => (r.name === "securecart-sg-app-out-data-6379" ? undefined : r))), /lets no TCP 6379 out to the cache/);
        // A service that does not use the cache is given nothing of it.
        const orders = (r: PlannedResource) => r.type === TD && r.inputs.family === "securecart-svc-orders";
        const leaked = edit(dr, (r) => {
            if (!orders(r)) return r;
            const [c] = JSON.parse(String(r.inputs.containerDefinitions)) as AppContainer[];
            c.secrets = [{ name: "CACHE_PASSWORD", valueFrom: "arn" }];
            return { ...r, inputs: { ...r.inputs, containerDefinitions: JSON.stringify([c]) } };
        });
        assert.match(cache(leaked), /orders: does not use the cache, yet is given its endpoint or password/);
    });
});

// ---------------------------------------------------------------------------------------------------------
// The tracing sidecar, planned with the component alone. The program passes `tracing` too, on by default
// (components/region.ts, src/config.ts operations.tracing): its plans are checked in "Fargate containers can start".
// ---------------------------------------------------------------------------------------------------------

/**
 * The collector from ECR Public, pinned, with a CPU reservation of its own (the shipped default reserves none and
 * gives it 256 MiB), so that the task sizes below add up CPU as well as memory.
 */
const TRACING = { collectorImage: "public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0", cpu: 256, memoryMiB: 512 } as const;

/** The shipped services' task sizes with TRACING, worked out by hand from the Fargate table (src/awsFacts.ts). */
const TRACED_TASK_SIZES: Readonly<Record<string, { cpu: number; memory: number }>> = {
    catalog: { cpu: 512, memory: 1024 },
    cart: { cpu: 512, memory: 1024 },
    orders: { cpu: 1024, memory: 2048 },
    payments: { cpu: 1024, memory: 2048 },
};

/**
 * The component's plan before tracing existed, kept to guard that without `tracing` the component plans exactly
 * the resources and inputs it planned before the sidecar was added (and, with it, changes only the tasks and adds
 * only the task roles' X-Ray grants). Generated once, when tracing was added, from `planFargateServices(shippedServices())`
 * (test/fargateComponent.ts, no `tracing`): each planned resource as `{ type, name, inputs }`, in plan order, written
 * with JSON.stringify and formatted by prettier. Regenerate it the same way only for a change meant to alter the
 * untraced plan.
 */
const UNTRACED_GOLDEN = path.join(PROJECT_DIR, "test", "golden", "fargateServicesUntraced.json");

const writableOfServices = (services: readonly ServiceConfig[]): Record<string, readonly string[]> =>
    Object.fromEntries(services.map((s) => [s.name, s.readonlyRootFilesystem === false ? [] : s.writablePaths]));

const containersOfTd = (td: PlannedResource) => JSON.parse(String(td.inputs.containerDefinitions)) as Container[];
const envOf = (c: Container) => Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));

/**
 * Why a task's collector could not export (the task role lacks a call its configuration makes), or how it was
 * hardened less than the services: empty when it starts as the image allows and exports.
 */
function sidecarProblems(plan: StackPlan, td: PlannedResource): string[] {
    const problems: string[] = [];
    const family = String(td.inputs.family);
    const collectors = containersOfTd(td).filter((c) => imageFacts(c.image));
    for (const c of collectors) {
        const at = `${family}/${c.name}`;
        if (!nonRoot(c.user)) problems.push(`${at}: runs as ${c.user ?? "the image's user"}, not a non-root uid the task definition shows`);
        if (c.readonlyRootFilesystem !== true) problems.push(`${at}: its root filesystem is writable`);
        if (!(c.linuxParameters?.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: keeps Linux capabilities`);
        if ((c.linuxParameters?.capabilities?.add ?? []).length) problems.push(`${at}: adds Linux capabilities`);
        if (c.logConfiguration?.logDriver !== "awslogs") problems.push(`${at}: its logs go nowhere the service's do`);
        const config = collectorConfig(c);
        const role = ofType(plan, "aws:iam/role:Role").find((r) => r.outputs.arn === td.inputs.taskRoleArn);
        if (!role) {
            problems.push(`${family}: no task role, so the collector has no credentials`);
            continue;
        }
        const doc = policiesOfRole(plan, role);
        for (const [action, resource] of config?.calls ?? [])
            if (!allows(doc, action, resource)) problems.push(`${at}: the task role may not ${action} on ${resource}`);
    }
    return problems;
}

describe("runtime contract: the tracing collector starts beside every service (component plan)", () => {
    const services = shippedServices();
    const traced = () => planFargateServices(services, { tracing: TRACING });

    it("each task runs the hardened collector, the service after it with OTLP on localhost, in a Fargate size holding both; the task role may write traces", async () => {
        const plan = await traced();
        const tds = ofType(plan, TD);
        assert.equal(tds.length, services.length);
        for (const s of services) {
            const td = tds.find((t) => t.inputs.family === `securecart-svc-${s.name}`)!;
            assert.deepEqual(startProblems(td, writableOfServices(services)), [], td.name);
            assert.deepEqual(sidecarProblems(plan, td), [], td.name);
            const [app, collector, ...rest] = containersOfTd(td);
            assert.equal(rest.length, 0);
            assert.equal(app.name, s.name, "the service's container stays first");
            // The collector: the image's own uid, read-only root with nothing to write, no capabilities, not essential,
            // the X-Ray-only configuration and the image's own health check binary.
            assert.equal(collector.name, COLLECTOR_CONTAINER);
            assert.equal(collector.image, TRACING.collectorImage);
            assert.equal(collector.user, "4317:4317");
            assert.equal(collector.readonlyRootFilesystem, true);
            assert.equal(collector.linuxParameters?.tmpfs, undefined, "the collector writes nothing");
            assert.equal(collector.essential, false);
            assert.deepEqual(collector.command, ["--config=/etc/ecs/ecs-xray.yaml"]);
            assert.deepEqual(collector.healthCheck?.command, ["CMD", "/healthcheck"]);
            assert.deepEqual([collector.cpu, collector.memory], [TRACING.cpu, TRACING.memoryMiB]);
            assert.equal(envOf(collector).AWS_REGION, COMPONENT_REGION);
            // Its logs: the service's group, a stream prefix of its own.
            const appLogs = app.logConfiguration!.options;
            const logs = collector.logConfiguration!.options;
            assert.equal(logs["awslogs-group"], appLogs["awslogs-group"]);
            assert.notEqual(logs["awslogs-stream-prefix"], appLogs["awslogs-stream-prefix"]);
            // The service: after the collector has started, told where it is.
            assert.deepEqual(app.dependsOn, [{ containerName: COLLECTOR_CONTAINER, condition: "START" }]);
            const env = envOf(app);
            assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, "http://localhost:4317");
            assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, "grpc");
            assert.equal(env.OTEL_SERVICE_NAME, s.name);
            assert.match(env.OTEL_RESOURCE_ATTRIBUTES, new RegExp(`(^|,)cloud\\.region=${COMPONENT_REGION}(,|$)`));
            assert.equal(env.CACHE_PORT !== undefined, s.usesCache, "the cache's variables are kept");
            // The task: a Fargate pair, at least the sum, the smallest that is.
            const [cpu, memory] = [Number(td.inputs.cpu), Number(td.inputs.memory)];
            assert.ok(FARGATE_CPU_MEMORY[cpu]?.includes(memory), `${cpu}/${memory}`);
            assert.ok(cpu >= s.cpu + TRACING.cpu && memory >= s.memory + TRACING.memoryMiB);
            // Worked out by hand from the Fargate table: catalog and cart 256 + 256 units, 512 + 512 MiB, itself a
            // pair; orders and payments 512 + 256 = 768 units (up to 1024), 1024 + 512 = 1536 MiB (1024's least, 2048).
            assert.deepEqual({ cpu, memory }, TRACED_TASK_SIZES[s.name], `${s.name}: its task size`);
            assert.deepEqual({ cpu, memory }, fargateTaskSize(s.cpu + TRACING.cpu, s.memory + TRACING.memoryMiB));
            // The task role: X-Ray's write actions, on "*" (X-Ray has no resource-level permissions for them), nothing else.
            const tracingPolicy = ofType(plan, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === `securecart-svc-${s.name}-task-tracing`)!;
            const doc = JSON.parse(String(tracingPolicy.inputs.policy)) as PolicyDocument;
            assert.deepEqual(
                doc.Statement.map((st) => [st.Effect, list(st.Action).sort(), st.Resource, st.Condition]),
                [["Allow", [...TRACING_XRAY_ACTIONS].sort(), "*", undefined]],
            );
            // Written out, not the component's own constant: the awsxray exporter sends with PutTraceSegments (and
            // PutTelemetryRecords when its telemetry is on); an SDK with remote sampling reads GetSamplingRules and
            // GetSamplingTargets. ADOT's "Configuring Permissions" (aws-otel.github.io/docs/setup/permissions) and
            // the AWSXRayDaemonWriteAccess managed policy list these four; not GetSamplingStatisticSummaries (a
            // console read) and nothing outside X-Ray.
            assert.deepEqual(
                doc.Statement.map((st) => list(st.Action).sort()),
                [["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]],
                `${s.name}: the task role's X-Ray actions`,
            );
            const taskRole = roleByArn(plan, td.inputs.taskRoleArn);
            for (const a of TRACING_XRAY_ACTIONS) assert.ok(allows(policiesOfRole(plan, taskRole), a, "*"), `${s.name}: ${a}`);
            // The execution role writes the collector's stream as it writes the service's (the group's streams).
            const exec = policyOfRole(plan, roleByArn(plan, td.inputs.executionRoleArn));
            const group = `arn:aws:logs:${COMPONENT_REGION}:${PLACEHOLDER_ACCOUNT}:log-group:${logs["awslogs-group"]}`;
            assert.ok(allows(exec, "logs:PutLogEvents", `${group}:log-stream:${logs["awslogs-stream-prefix"]}/${COLLECTOR_CONTAINER}/0`));
        }
    });

    it("without tracing, the component plans exactly what it planned before tracing existed; with it, only the tasks and the task roles' grants change", async () => {
        // Provider rows (`pulumi:providers:aws default_7_48_0`, its version in name and inputs) change with every
        // provider upgrade, not with the component: left out on both sides.
        const notProvider = (r: { type: string }) => !r.type.startsWith("pulumi:providers:");
        const golden = (JSON.parse(fs.readFileSync(UNTRACED_GOLDEN, "utf8")) as Array<{ type: string; name: string; inputs: unknown }>).filter(
            notProvider,
        );
        assert.ok(golden.length > 0 && golden.some((r) => r.type === TD), "the golden plan has the task definitions");
        const untraced = await planFargateServices(services);
        assert.deepEqual(
            untraced.resources.filter(notProvider).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
            golden,
        );
        const plan = await traced();
        const key = (r: { type: string; name: string }) => `${r.type} ${r.name}`;
        const before = new Map(golden.map((r) => [key(r), r.inputs]));
        const added = plan.resources
            .filter(notProvider)
            .filter((r) => !before.has(key(r)))
            .map(key);
        assert.deepEqual(added.sort(), services.map((s) => `aws:iam/rolePolicy:RolePolicy securecart-svc-${s.name}-task-tracing`).sort());
        for (const r of plan.resources) {
            if (!before.has(key(r))) continue;
            const changed = Object.keys({ ...(before.get(key(r)) as object), ...r.inputs }).filter(
                (k) => JSON.stringify((before.get(key(r)) as Record<string, unknown>)[k]) !== JSON.stringify(r.inputs[k]),
            );
            if (r.type === TD)
                assert.ok(
                    changed.every((k) => ["containerDefinitions", "cpu", "memory"].includes(k)),
                    `${r.name}: ${changed.join(", ")}`,
                );
            else assert.deepEqual(changed, [], r.name);
        }
    });

    it("property: for every service size the config allows and any collector size, each task starts and is the smallest Fargate size holding both", async () => {
        const pairs = Object.entries(FARGATE_CPU_MEMORY).flatMap(([c, ms]) => ms.map((m) => [Number(c), m] as const));
        const orders = services.find((s) => s.name === "orders")!;
        await fc.assert(
            fc.asyncProperty(
                fc.constantFrom(...pairs),
                fc.integer({ min: 0, max: 4096 }),
                fc.integer({ min: 128, max: 8192 }),
                async ([cpu, memory], tc, tm) => {
                    const service = { ...orders, cpu, memory };
                    const tracing = { ...TRACING, cpu: tc, memoryMiB: tm };
                    // The expected pair from the Fargate table itself, not from fargateTaskSize: of the pairs that hold
                    // the sum, the one at or below every other in both CPU and memory (Fargate's options grow together).
                    const covering = pairs.filter(([c, m]) => c >= cpu + tc && m >= memory + tm).sort(([c1, m1], [c2, m2]) => c1 - c2 || m1 - m2);
                    if (!covering.length) {
                        await assert.rejects(planFargateServices([service], { tracing }), /no Fargate task size holds/);
                        assert.throws(() => fargateTaskSize(cpu + tc, memory + tm), /no Fargate task size holds/);
                        return;
                    }
                    const expected = { cpu: covering[0][0], memory: covering[0][1] };
                    for (const [c, m] of covering) assert.ok(c >= expected.cpu && m >= expected.memory, `${c}/${m} is below the smallest`);
                    const plan = await planFargateServices([service], { tracing });
                    const [td] = ofType(plan, TD);
                    assert.deepEqual(startProblems(td, writableOfServices([service])), [], `${cpu}/${memory} + ${tc}/${tm}`);
                    assert.deepEqual(sidecarProblems(plan, td), []);
                    assert.deepEqual({ cpu: Number(td.inputs.cpu), memory: Number(td.inputs.memory) }, expected);
                    assert.deepEqual({ cpu: Number(td.inputs.cpu), memory: Number(td.inputs.memory) }, fargateTaskSize(cpu + tc, memory + tm));
                },
            ),
            { numRuns: 40 },
        );
    });

    it("property (pure): fargateTaskSize gives a Fargate pair holding the sum, at or below every other pair that does, and refuses only what none holds", () => {
        const pairs = Object.entries(FARGATE_CPU_MEMORY).flatMap(([c, ms]) => ms.map((m) => [Number(c), m] as const));
        fc.assert(
            fc.property(
                fc.constantFrom(...pairs),
                fc.integer({ min: 0, max: 20000 }),
                fc.integer({ min: 0, max: 130000 }),
                ([cpu, memory], tc, tm) => {
                    const [needCpu, needMem] = [cpu + tc, memory + tm];
                    const covering = pairs.filter(([c, m]) => c >= needCpu && m >= needMem);
                    if (!covering.length) {
                        assert.throws(() => fargateTaskSize(needCpu, needMem), /no Fargate task size holds/);
                        return;
                    }
                    const got = fargateTaskSize(needCpu, needMem);
                    assert.ok(FARGATE_CPU_MEMORY[got.cpu]?.includes(got.memory));
                    assert.ok(got.cpu >= needCpu && got.memory >= needMem);
                    // The cheapest at any price: no covering pair has less CPU or less memory.
                    for (const [c, m] of covering) assert.ok(c >= got.cpu && m >= got.memory, `${c}/${m} is below ${got.cpu}/${got.memory}`);
                    // A sum that is a valid pair is kept.
                    if (FARGATE_CPU_MEMORY[needCpu]?.includes(needMem)) assert.deepEqual(got, { cpu: needCpu, memory: needMem });
                },
            ),
            { numRuns: 2000 },
        );
        assert.deepEqual(fargateTaskSize(256 + 256, 512 + 512), { cpu: 512, memory: 1024 });
        assert.deepEqual(fargateTaskSize(256, 512 + 2048), { cpu: 512, memory: 3072 }, "256 units offer at most 2048 MiB");
        assert.deepEqual(fargateTaskSize(512 + 128, 1024 + 256), { cpu: 1024, memory: 2048 });
    });

    it("the contract rejects a collector that could not start or export: a shell health check, a binary or configuration the image lacks, a port taken twice, a dependency or size ECS refuses, a task role without X-Ray", async () => {
        const plan = await traced();
        const td = ofType(plan, TD).find((t) => t.inputs.family === "securecart-svc-orders")!;
        const writable = writableOfServices(services);
        const withContainers = (edit: (app: Container, collector: Container) => void, extra: Partial<PlannedResource["inputs"]> = {}) => {
            const [app, collector] = containersOfTd(td);
            edit(app, collector);
            return { ...td, inputs: { ...td.inputs, containerDefinitions: JSON.stringify([app, collector]), ...extra } };
        };
        const problems = (t: PlannedResource) => startProblems(t, writable).join("\n");
        assert.equal(problems(td), "");
        assert.match(
            problems(withContainers((_, c) => (c.healthCheck = { command: ["CMD-SHELL", "/healthcheck || exit 1"] }))),
            /a CMD-SHELL health check, but the image has no shell/,
        );
        assert.match(
            problems(withContainers((_, c) => (c.healthCheck = { command: ["CMD", "/bin/healthcheck"] }))),
            /runs \/bin\/healthcheck, which the image does not ship/,
        );
        assert.match(problems(withContainers((_, c) => (c.command = ["--config=/etc/ecs/mine.yaml"]))), /not a configuration the image ships/);
        assert.match(problems(withContainers((_, c) => delete c.command)), /\/etc\/otel-config\.yaml.*has not been read/);
        assert.match(problems(withContainers((app) => (app.portMappings = [{ containerPort: 4317 }]))), /port 4317 is also opened by orders/);
        assert.equal(
            problems(withContainers((app) => (app.portMappings = [{ containerPort: 8125 }]))),
            "",
            "8125 is free with the X-Ray-only configuration",
        );
        assert.match(
            problems(
                withContainers((app, c) => {
                    app.portMappings = [{ containerPort: 8125 }];
                    c.command = ["--config=/etc/ecs/ecs-default-config.yaml"];
                }),
            ),
            /port 8125 is also opened/,
        );
        assert.match(
            problems(withContainers((app) => (app.dependsOn = [{ containerName: "otel", condition: "START" }]))),
            /depends on otel \(START\), which is not another container/,
        );
        assert.match(
            problems(
                withContainers((app, c) => {
                    app.dependsOn = [{ containerName: COLLECTOR_CONTAINER, condition: "HEALTHY" }];
                    delete c.healthCheck;
                }),
            ),
            /\(HEALTHY\), which has no health check/,
        );
        assert.equal(
            problems(withContainers((app) => (app.dependsOn = [{ containerName: COLLECTOR_CONTAINER, condition: "SUCCESS" }]))),
            "",
            "SUCCESS on the non-essential collector is accepted",
        );
        assert.match(problems(withContainers((app) => (app.essential = false))), /no essential container/);
        assert.match(
            problems({ ...td, inputs: { ...td.inputs, cpu: "512", memory: "5120" } }),
            /512 CPU units with 5120 MiB is not a Fargate task size/,
        );
        assert.match(problems(withContainers((_, c) => (c.cpu = 2048))), /its containers reserve 2048 CPU units of the task's 1024/);
        assert.match(problems(withContainers((_, c) => (c.memory = 4096))), /its containers reserve 4096 MiB of the task's 2048/);
        // Hardening and export.
        const planWith = (edit: (r: PlannedResource) => PlannedResource | undefined): StackPlan => ({
            ...plan,
            resources: plan.resources.flatMap((r) => edit(r) ?? []),
        });
        assert.deepEqual(sidecarProblems(plan, td), []);
        const editCollector = (f: (c: Container) => void) => (r: PlannedResource) => {
            if (r !== td) return r;
            const [app, c] = containersOfTd(r);
            f(c);
            return { ...r, inputs: { ...r.inputs, containerDefinitions: JSON.stringify([app, c]) } };
        };
        const tdOf = (p: StackPlan) => ofType(p, TD).find((t) => t.inputs.family === "securecart-svc-orders")!;
        const sidecar = (p: StackPlan) => sidecarProblems(p, tdOf(p)).join("\n");
        assert.match(sidecar(planWith(editCollector((c) => delete c.user))), /runs as the image's user/);
        assert.match(sidecar(planWith(editCollector((c) => (c.user = "0")))), /runs as 0/);
        assert.match(sidecar(planWith(editCollector((c) => (c.readonlyRootFilesystem = false)))), /root filesystem is writable/);
        assert.match(
            sidecar(planWith(editCollector((c) => (c.linuxParameters = { capabilities: { add: ["SYS_PTRACE"] } })))),
            /keeps Linux capabilities\n.*adds/,
        );
        assert.match(
            sidecar(planWith((r) => (r.name === "securecart-svc-orders-task-tracing" ? undefined : r))),
            /the task role may not xray:PutTraceSegments on \*/,
        );
        assert.match(
            sidecar(planWith(editCollector((c) => (c.command = ["--config=/etc/ecs/ecs-default-config.yaml"])))),
            /may not logs:CreateLogGroup on .*\/aws\/ecs\/application\/metrics/,
        );
    });

    it("the component refuses tracing it could not run: a port or name the collector has, too little memory, no image, a size beyond Fargate's", async () => {
        const orders = services.find((s) => s.name === "orders")!;
        const refused = async (
            svc: ServiceConfig,
            tracing: typeof TRACING | { collectorImage: string; cpu: number; memoryMiB: number },
            message: RegExp,
        ) => assert.rejects(planFargateServices([svc], { tracing }), message);
        await refused({ ...orders, port: 4317 }, TRACING, /service "orders" listens on 4317, which the collector uses/);
        await refused({ ...orders, port: 13133 }, TRACING, /listens on 13133/);
        await refused({ ...orders, name: COLLECTOR_CONTAINER }, TRACING, /has the collector's container name/);
        await refused(orders, { ...TRACING, memoryMiB: 64 }, /memoryMiB: got 64; expected a whole number of MiB, at least 128/);
        await refused(orders, { ...TRACING, cpu: -1 }, /cpu: got -1/);
        await refused(orders, { ...TRACING, collectorImage: " " }, /collectorImage is empty/);
        await refused({ ...orders, cpu: 16384, memory: 122880 }, TRACING, /service orders: no Fargate task size holds 16640 CPU units/);
    });
});
