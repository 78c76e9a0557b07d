/**
 * The program: read typed config once, decide the region's role and shape, build the region, return outputs.
 * index.ts calls this for `pulumi up`; the offline plan calls it under Pulumi's mock runtime.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HomeRefs, PeerRecovery, Region, RecoveryOutput } from "../components/region";
import { ConfigError, StackConfig } from "./config";
import { readStackConfigs } from "./configSource";
import { RecoveryInputs, heldGenerations, planRegion, readsPeerRecovery } from "./strategy";

export function stackReferenceName(cfg: StackConfig, stack: string): string {
    return `${cfg.stackOrg}/${cfg.project}/${stack}`;
}

export interface MainOptions {
    /** Directory holding Pulumi.yaml and the stack files. Default: the working directory. */
    readonly projectDir?: string;
    /**
     * The other stacks' raw config, when the caller already has it (the offline plan applies its `-c`
     * overrides to every stack, as a change to Pulumi.yaml would). Default: read from the stack files.
     */
    readonly peerConfig?: Readonly<Record<string, Record<string, unknown>>>;
    /**
     * Also look up the other stacks' regions for the fact checks (factProblems), so every stack's problems are
     * reported at once. Default: only when `peerConfig` is given (the offline plan, whose fake AWS answers for
     * every region). A real `pulumi up` asks only its own region: an unplanned failover must never wait on
     * the failed one.
     */
    readonly checkPeerFacts?: boolean;
}

/** What the fact checks need to know about one region, looked up through the AWS provider (offline: tools/fakeAws.ts). */
export interface RegionFacts {
    readonly region: string;
    /** Available AZs that need no opt-in, in the order the network takes them (components/network.ts). */
    readonly azs: readonly string[];
    /** Instance type → the AZs of the region that offer it (for the types asked about). */
    readonly instanceTypeAzs: Readonly<Record<string, readonly string[]>>;
}

/**
 * Config rules that need facts looked up in the account: `network.azCount` against the region's AZs, and
 * `web.instanceType` against the AZs the network uses. Pure (the facts are passed in); one message per problem,
 * naming the stack, the key, the value and what the region allows.
 */
export function factProblems(stacks: readonly StackConfig[], facts: ReadonlyMap<string, RegionFacts>): string[] {
    const p: string[] = [];
    for (const s of stacks) {
        const f = facts.get(s.region);
        if (!f) continue;
        const tag = `[stack ${s.stack}] `;
        const n = s.network.azCount;
        if (n > f.azs.length) {
            p.push(
                `${tag}securecart:network.azCount: got ${n}; expected at most ${f.azs.length}, the AZs available in ${s.region} (${f.azs.join(", ") || "none"})`,
            );
        }
        const type = s.web.instanceType;
        const used = f.azs.slice(0, n);
        const offered = f.instanceTypeAzs[type] ?? [];
        const missing = used.filter((az) => !offered.includes(az));
        if (offered.length === 0) {
            p.push(
                `${tag}securecart:web.instanceType: got "${type}"; expected an instance type EC2 offers in ${s.region} (it offers "${type}" in none of its AZs)`,
            );
        } else if (missing.length) {
            p.push(
                `${tag}securecart:web.instanceType: got "${type}"; expected one offered in every AZ the network uses (${used.join(", ")}); ${s.region} does not offer it in ${missing.join(", ")}`,
            );
        }
    }
    return p;
}

async function lookUpFacts(region: string, instanceTypes: readonly string[]): Promise<RegionFacts> {
    const [zones, offerings] = await Promise.all([
        // The same query as components/network.ts, so both see the same AZs.
        aws.getAvailabilityZones({ region, state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }),
        aws.ec2.getInstanceTypeOfferings({
            region,
            locationType: "availability-zone",
            filters: [{ name: "instance-type", values: [...instanceTypes] }],
        }),
    ]);
    const instanceTypeAzs: Record<string, string[]> = {};
    offerings.instanceTypes.forEach((t, i) => (instanceTypeAzs[t] ??= []).push(offerings.locations[i]));
    return { region, azs: zones.names, instanceTypeAzs };
}

export async function main(opts: MainOptions = {}): Promise<Record<string, unknown>> {
    let cfg: StackConfig;
    let stacks: StackConfig[];
    try {
        ({ self: cfg, all: stacks } = readStackConfigs(
            opts.projectDir ?? process.cwd(),
            pulumi.getProject(),
            pulumi.getStack(),
            pulumi.runtime.allConfig(),
            opts.peerConfig,
        ));
    } catch (e) {
        // A user's mistake: one message, every problem, no stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
    // Rules that need looked-up facts are checked here, before any component exists, so that they end as the
    // same one message (exit 2 offline, a RunError in `pulumi up`) instead of failing inside a component.
    const checked = (opts.checkPeerFacts ?? opts.peerConfig !== undefined) ? stacks : [cfg];
    const regions = [...new Set(checked.map((s) => s.region))];
    const facts = new Map<string, RegionFacts>();
    for (const r of regions) {
        const types = [...new Set(checked.filter((s) => s.region === r).map((s) => s.web.instanceType))];
        facts.set(r, await lookUpFacts(r, types));
    }
    const factErrors = factProblems(checked, facts);
    if (factErrors.length) throw new pulumi.RunError(new ConfigError(factErrors).message);
    const homeStack = stacks.find((s) => s.isHome);
    // What exists of backup-restore's recovery tiers: this region's are looked up in this region (always, so that
    // a strategy change away from backup-restore is refused while tiers exist); the other stacks' are read from
    // their deployed outputs through StackReferences (the state backend), so no other region is ever called.
    const own = await aws.rds.getClusters({ region: cfg.region });
    const recoveryIn: { -readonly [K in keyof RecoveryInputs]: RecoveryInputs[K] } = {
        held: heldGenerations(cfg.region, own.clusterIdentifiers ?? []),
        retire: cfg.recovery.retire,
    };
    const stringOr = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
    let home: HomeRefs | undefined;
    const peers: PeerRecovery[] = [];
    // The other stacks, read through the state backend (never their regions). One reference per stack.
    const refs = new Map<string, pulumi.StackReference>();
    const refOf = (stack: string) => {
        let r = refs.get(stack);
        if (!r) refs.set(stack, (r = new pulumi.StackReference(stackReferenceName(cfg, stack))));
        return r;
    };
    if (!cfg.isHome && homeStack) {
        const ref = refOf(homeStack.stack);
        // The edge's outputs: a home stack deployed before the edge has none yet, and must go first.
        const edgeOut = await ref.getOutputDetails("originVerifySecret");
        if (edgeOut.value === undefined && edgeOut.secretValue === undefined && (await ref.getOutputValue("region")) !== undefined) {
            throw new pulumi.RunError(
                new ConfigError([
                    `[stack ${cfg.stack}] the home stack "${homeStack.stack}" was deployed before the edge (no originVerifySecret output); run pulumi up on "${homeStack.stack}" first, then on this stack, then on "${homeStack.stack}" again (see the README, "Migrating a deployment made before the edge")`,
                ]).message,
            );
        }
        const homeRecovery = recoveryOutput(await ref.getOutputValue("recovery"));
        recoveryIn.homeLive = homeRecovery?.liveGeneration ?? 0;
        home = {
            dataKeyArn: ref.requireOutput("dataKeyArn") as pulumi.Output<string>,
            routingControlArns: ref.getOutput("routingControlArns") as pulumi.Output<Record<string, string> | undefined>,
            globalClusterIdentifier: ref.requireOutput("globalClusterIdentifier") as pulumi.Output<string>,
            auroraClusterIdentifier: ref.requireOutput("auroraClusterIdentifier") as pulumi.Output<string>,
            tableArns: ref.requireOutput("tableArns") as pulumi.Output<Record<string, string>>,
            recovery: homeRecovery,
            distributionArn: ref.requireOutput("distributionArn") as pulumi.Output<string>,
            originSecret: ref.requireOutput("originVerifySecret") as pulumi.Output<string>,
            userPoolId: ref.requireOutput("userPoolId") as pulumi.Output<string>,
            userPoolClientId: ref.requireOutput("userPoolClientId") as pulumi.Output<string>,
            userPoolReplicaRegion: stringOr(await ref.getOutputValue("userPoolReplicaRegion")),
            cacheGlobalDatastoreId: stringOr(await ref.getOutputValue("cacheGlobalDatastoreId")),
        };
    } else if (readsPeerRecovery(cfg.strategy, cfg.isHome)) {
        // The home stack brings a recovery home: it needs to know what the other regions hold. Each of their
        // stacks must exist in the backend (`pulumi stack init`) before the home stack's first `pulumi up`.
        for (const s of stacks.filter((x) => !x.isHome)) {
            const r = recoveryOutput(await refOf(s.stack).getOutputValue("recovery"));
            peers.push({ stack: s.stack, region: s.region, recovery: r });
        }
        recoveryIn.peers = peers.map((x) => ({ stack: x.stack, region: x.region, newest: Math.max(0, ...(x.recovery?.generations ?? [])) }));
    }
    // Asset replication goes only into buckets that exist: a stack's deployed output names its bucket. On a first
    // deployment the home stack sees none, and replicates out from its second `pulumi up` on.
    const assetPeers: string[] = [];
    // Home stack: the stacks deployed before the edge (outputs, but no origin name) still hold a record on the
    // users' name, so the home stack does not cut over to the edge until their next `pulumi up`.
    const peersBeforeEdge: string[] = [];
    // Home stack: the global endpoint waits for the other region's order bus (both must exist before it).
    const pipelinePeers: string[] = [];
    // Home stack: the user pool's replica waits for the other region's replica of the data key (Cognito must be let use it).
    const identityPeers: string[] = [];
    // The primary's shared file system replicates into another region's that exists.
    const filesPeers: Record<string, string> = {};
    for (const s of stacks.filter((x) => x.stack !== cfg.stack)) {
        const ref = refOf(s.stack);
        const fileSystemId = stringOr(await ref.getOutputValue("fileSystemId"));
        if (fileSystemId !== undefined) filesPeers[s.region] = fileSystemId;
        if (typeof (await ref.getOutputValue("assetBucketName")) === "string") assetPeers.push(s.region);
        if (cfg.isHome && typeof (await ref.getOutputValue("orderBusArn")) === "string") pipelinePeers.push(s.region);
        if (cfg.isHome && typeof (await ref.getOutputValue("userPoolKeyArn")) === "string") identityPeers.push(s.region);
        if (cfg.isHome && (await ref.getOutputValue("region")) !== undefined && (await ref.getOutputValue("originName")) === undefined)
            peersBeforeEdge.push(s.stack);
    }
    const plan = planRegion({
        strategy: cfg.strategy,
        role: cfg.role,
        isHome: cfg.isHome,
        web: cfg.web,
        services: cfg.services,
        capacity: cfg.capacity,
        natOverride: cfg.network.natStrategy,
        auroraReaders: cfg.database.readers,
        recovery: recoveryIn,
        failoverMode: cfg.failoverMode,
        drill: cfg.drill,
        peersBeforeEdge,
    });
    if (plan.recovery.problems.length)
        throw new pulumi.RunError(new ConfigError(plan.recovery.problems.map((m) => `[stack ${cfg.stack}] ${m}`)).message);
    const region = new Region("securecart", {
        config: cfg,
        stacks,
        plan,
        home,
        peers,
        assetPeers,
        pipelinePeers,
        identityPeers,
        filesPeers,
        availabilityZones: facts.get(cfg.region)?.azs.slice(0, cfg.network.azCount),
    });
    return {
        region: cfg.region,
        role: cfg.role,
        strategy: cfg.strategy,
        homeRegion: cfg.homeRegion,
        ...region.outputs,
    };
}

/** A stack's deployed `recovery` output, or undefined when it has none (never deployed, or deployed before it existed). */
export function recoveryOutput(v: unknown): RecoveryOutput | undefined {
    if (v === null || typeof v !== "object") return undefined;
    const o = v as Partial<RecoveryOutput>;
    const generations = Array.isArray(o.generations) ? o.generations.filter((g): g is number => Number.isInteger(g) && g > 0) : [];
    return {
        liveGeneration: Number.isInteger(o.liveGeneration) ? (o.liveGeneration as number) : 0,
        generations,
        clusterIdentifier: typeof o.clusterIdentifier === "string" ? o.clusterIdentifier : undefined,
        tableArns: o.tableArns && typeof o.tableArns === "object" ? o.tableArns : {},
        tiers: o.tiers && typeof o.tiers === "object" ? o.tiers : {},
    };
}
