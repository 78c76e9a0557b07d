/**
 * The cache (ElastiCache for Valkey) and the shared files (EFS): their security baseline, and their shape per
 * strategy and role as the strategy module decides it (src/strategy.ts planCache and planFiles, the same pure
 * functions the program uses). Facts, sources and traps: docs/cache-and-files-design.md.
 */
import { CACHE_SECONDARY_INHERITED } from "../src/awsFacts";
import {
    DYNAMIC,
    type ProjectFacts,
    T,
    UNKNOWN,
    arr,
    backupCopyRegionsByRule,
    backupPlansOf,
    cacheNodesOf,
    cacheUserEnabled,
    cacheUserGroupsOf,
    cacheUsersOf,
    deniesInsecureTransport,
    dependsOn,
    efsMountsOf,
    efsVolumesOf,
    failoverModeOf,
    fileSystemPoliciesOf,
    get,
    isCacheSecondary,
    isCmk,
    isSet,
    isUnknown,
    label,
    namesFileSystem,
    nonEmpty,
    num,
    ofType,
    peerCacheDatastore,
    peerFileSystems,
    policyStatements,
    text,
} from "../src/plan";
import type { PlanResource } from "../src/plan/resource";
import { planFiles } from "../src/strategy";
import { StackPolicy, configOf, factsSchema, requireContext, who } from "./lib";

// ---------------------------------------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------------------------------------

/**
 * Multi-AZ and automatic failover need a replica beside the primary: at least two nodes (the @pulumi/aws 7.48.0
 * ReplicationGroup docs, numCacheClusters: "must be at least 2", default 1; docs/cache-and-files-design.md).
 */
const MIN_CACHE_NODES = 2;

const cacheSchema = {
    properties: {
        minSnapshotRetentionDays: {
            type: "number" as const,
            default: 1,
            description: "The fewest days a replication group keeps its automatic snapshots (snapshotRetentionLimit; 0 turns them off).",
        },
    },
};

export const cacheBaseline: StackPolicy = {
    name: "aws-elasticache-baseline",
    description:
        "Each ElastiCache replication group encrypts at rest under a customer-managed KMS key (kmsKeyId) and in transit (never transitEncryptionMode preferred), requires authentication through an RBAC user group whose users all need a password (never AWS's built-in default user; attaching a Valkey group turns the default user off), runs Multi-AZ with automatic failover on at least 2 nodes, and keeps automatic snapshots; a Global Datastore secondary (globalReplicationGroupId set) inherits engine, node type and encryption from the datastore's primary, so it must leave those unset (it still names its own region's key, and Multi-AZ and failover may be left to the primary's).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Build the cache with components/cache.ts: atRestEncryptionEnabled and transitEncryptionEnabled true with kmsKeyId the region's data key; userGroupIds [a Valkey user group of password users only, without AWS's built-in \"default\"]; multiAzEnabled and automaticFailoverEnabled true with numCacheClusters >= 2; snapshotRetentionLimit >= the minimum. A secondary sets globalReplicationGroupId and none of engine, engineVersion, nodeType, numNodeGroups, parameterGroupName, securityGroupNames, transitEncryption*, atRestEncryptionEnabled, snapshotArns or snapshotName (the provider refuses them).",
    configSchema: cacheSchema,
    validateStack: (args, report) => {
        const c = configOf<{ minSnapshotRetentionDays: number }>(cacheSchema, args.getConfig());
        const rs = args.resources;
        for (const g of ofType(rs, T.cacheReplicationGroup)) {
            const problems: string[] = [];
            const check = (path: string, ok: (v: unknown) => boolean, says: (v: unknown) => string) => {
                const v = get(g, path);
                if (!isUnknown(v) && !ok(v)) problems.push(says(v));
            };
            const secondary = isCacheSecondary(g);
            if (secondary) {
                const set = CACHE_SECONDARY_INHERITED.filter((k) => get(g, k) !== undefined);
                if (set.length)
                    problems.push(
                        `it joins a Global Datastore as a secondary, which inherits ${set.join(", ")} from the datastore's primary and must not set ${set.length === 1 ? "it" : "them"}`,
                    );
            } else {
                check(
                    "atRestEncryptionEnabled",
                    (v) => v === true,
                    (v) => `at-rest encryption must be on (atRestEncryptionEnabled ${JSON.stringify(v ?? null)})`,
                );
                check(
                    "transitEncryptionEnabled",
                    (v) => v === true,
                    (v) => `in-transit encryption must be on (transitEncryptionEnabled ${JSON.stringify(v ?? null)})`,
                );
                check(
                    "transitEncryptionMode",
                    (v) => v !== "preferred",
                    () => `in-transit encryption must be required: transitEncryptionMode "preferred" also accepts clients in plaintext`,
                );
            }
            // Each member names its own region's key: a key is regional, and each secondary takes its own.
            check("kmsKeyId", isCmk, (v) => `it must encrypt at rest under a customer-managed KMS key (kmsKeyId ${JSON.stringify(v ?? null)})`);

            const groups = get(g, "userGroupIds");
            if (!isUnknown(groups) && arr(groups).length === 0)
                problems.push(
                    "it must require authentication: attach an RBAC user group (userGroupIds); without one any client that reaches it runs every command",
                );
            for (const ug of cacheUserGroupsOf(g, rs)) {
                const { planned, unplanned } = cacheUsersOf(ug, rs);
                // A client that does not authenticate acts as the group's default user: none may run without a password.
                for (const u of planned) {
                    const auth = get(u, "authenticationMode.type");
                    if (auth === "no-password-required" && cacheUserEnabled(u) === true)
                        problems.push(
                            `${label(u)} in ${label(ug)} is switched on and needs no password: every client that reaches the cache acts as it`,
                        );
                }
                if (unplanned.includes("default"))
                    problems.push(
                        `${label(ug)} lists AWS's built-in default user, which runs every command without a password; leave it out (a Valkey user group turns the default user off)`,
                    );
            }

            const nodes = cacheNodesOf(g);
            if (nodes !== UNKNOWN && (nodes ?? 1) < MIN_CACHE_NODES)
                problems.push(
                    `it must run at least ${MIN_CACHE_NODES} nodes, a primary and a replica in another AZ (it runs ${nodes ?? "1, numCacheClusters' default"})`,
                );
            for (const k of ["multiAzEnabled", "automaticFailoverEnabled"])
                // A secondary may leave them to the primary's (its members inherit Multi-AZ and automatic failover).
                check(
                    k,
                    (v) => v === true || (secondary && v === undefined),
                    (v) => `${k} must be true (${JSON.stringify(v ?? null)})`,
                );
            check(
                "snapshotRetentionLimit",
                (v) => (num(v) ?? 0) >= c.minSnapshotRetentionDays,
                (v) =>
                    `it must keep automatic snapshots at least ${c.minSnapshotRetentionDays} day(s) (snapshotRetentionLimit ${JSON.stringify(v ?? null)}${v === undefined ? ", the default: none" : ""})`,
            );
            if (problems.length) report(`${label(g)}: ${problems.join("; ")}.`, g.urn);
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// The shared files
// ---------------------------------------------------------------------------------------------------------

/** Whether a task definition's EFS volume is on `fs`: by its id, or (while the id is pending) by dependency. */
function volumeOn(td: PlanResource, fileSystemId: unknown, fs: PlanResource): boolean {
    if (nonEmpty(fileSystemId)) return [get(fs, "fileSystemId"), get(fs, "arn")].includes(fileSystemId);
    return isUnknown(fileSystemId) && dependsOn(td, "volumes", fs);
}

/** The planned file systems a task definition mounts (while its volumes are unknown: those it depends on). */
function mountedFileSystems(td: PlanResource, files: readonly PlanResource[]): PlanResource[] {
    const volumes = efsVolumesOf(td);
    if (volumes === UNKNOWN) return files.filter((f) => dependsOn(td, "volumes", f));
    return files.filter((f) => volumes.some((v) => volumeOn(td, v.fileSystemId, f)));
}

export const filesBaseline: StackPolicy = {
    name: "aws-efs-baseline",
    description:
        "Each EFS file system is encrypted under a customer-managed KMS key and backed up (backupPolicy ENABLED); every ECS volume on EFS mounts with transit encryption and IAM authorization through an access point; and a file system a task mounts has a file system policy that refuses every client not using TLS (a Deny when aws:SecureTransport is false).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Build the file system with components/sharedFiles.ts (encrypted true, kmsKeyId the region\'s data key, backupPolicy { status: "ENABLED" }) and its policy with SharedFiles.allowClients; mount it with efsVolumeConfiguration { transitEncryption: "ENABLED", authorizationConfig: { iam: "ENABLED", accessPointId } }. Without IAM authorization the task role is not presented, so the file system policy cannot tell the services apart.',
    validateStack: (args, report) => {
        const rs = args.resources;
        const files = ofType(rs, T.fileSystem);
        for (const f of files) {
            const problems: string[] = [];
            const encrypted = get(f, "encrypted");
            if (!isUnknown(encrypted) && encrypted !== true)
                problems.push(`it must be encrypted at rest (encrypted ${JSON.stringify(encrypted ?? null)})`);
            const key = get(f, "kmsKeyId");
            if (!isCmk(key))
                problems.push(
                    `it must be encrypted under a customer-managed KMS key (kmsKeyId ${JSON.stringify(key ?? null)}; unset is aws/elasticfilesystem)`,
                );
            const backup = get(f, "backupPolicy.status");
            if (!isUnknown(backup) && backup !== "ENABLED")
                problems.push(
                    `it must be backed up (backupPolicy.status ENABLED; got ${JSON.stringify(backup ?? null)}: a file system created through the API is not backed up by default)`,
                );
            if (problems.length) report(`${label(f)}: ${problems.join("; ")}.`, f.urn);
        }

        const taskDefs = ofType(rs, T.taskDefinition);
        for (const td of taskDefs) {
            const volumes = efsVolumesOf(td);
            if (volumes === UNKNOWN) continue;
            for (const v of volumes) {
                const problems: string[] = [];
                if (!isUnknown(v.transitEncryption) && v.transitEncryption !== "ENABLED")
                    problems.push(`transitEncryption ENABLED (got ${JSON.stringify(v.transitEncryption ?? "DISABLED")})`);
                if (!isUnknown(v.iam) && v.iam !== "ENABLED")
                    problems.push(`IAM authorization, authorizationConfig.iam ENABLED (got ${JSON.stringify(v.iam ?? "DISABLED")})`);
                if (!isSet(v.accessPointId)) problems.push("an access point (authorizationConfig.accessPointId)");
                if (problems.length) report(`${label(td)}: its EFS volume "${v.name}" must mount with ${problems.join(", ")}.`, td.urn);
            }
        }

        const mounted = new Set(taskDefs.flatMap((td) => mountedFileSystems(td, files)));
        for (const f of files) {
            const policies = fileSystemPoliciesOf(f, rs);
            if (mounted.has(f) && policies.length === 0)
                report(
                    `${label(f)} is mounted by the stack's tasks and has no file system policy: it must have one that refuses clients not using TLS (Deny when aws:SecureTransport is false).`,
                    f.urn,
                );
            for (const p of policies) {
                const statements = policyStatements(get(p, "policy"));
                if (statements !== UNKNOWN && !deniesInsecureTransport(statements))
                    report(
                        `${label(p)} must refuse every client not using TLS: a Deny for every principal on every action (or elasticfilesystem:ClientMount) when aws:SecureTransport is "false".`,
                        p.urn,
                    );
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// DR invariants
// ---------------------------------------------------------------------------------------------------------

const cacheShapeSchema = factsSchema({
    nodeType: {
        type: "string",
        default: "",
        description: "The node type of a full-size cache (securecart:cache.nodeType); empty: the node types are not checked.",
    },
    coldNodeType: {
        type: "string",
        default: "",
        description: "The node type of a cold standby's cache (securecart:cache.coldNodeType); empty: the node types are not checked.",
    },
});
interface CacheShapeConfig extends ProjectFacts {
    nodeType: string;
    coldNodeType: string;
}

/** Whether `r`'s input `key` names the replication group `g` (by dependency, or its replicationGroupId). */
function namesGroup(r: PlanResource, key: string, g: PlanResource): boolean {
    const id = get(g, "replicationGroupId");
    return dependsOn(r, key, g) || (nonEmpty(id) && get(r, key) === id);
}

export const cacheMatchesStrategy: StackPolicy = {
    name: "dr-cache-matches-strategy",
    description:
        "The cache has the shape the strategy module gives the stack (planCache): a replication group in every role; where the strategy keeps it warm across regions the home stack owns the Global Datastore, founded on its own group and ignoring later changes of its primary, and every other stack's group joins it as a secondary once it exists; elsewhere no datastore and standalone groups, a cold standby on the cold node type and a full-size cache on the configured one; and the primary's stack alone declares the CachePrimary that moves the datastore's primary to its own group.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Let the region composition build the cache from the plan (src/strategy.ts planCache: mode, size, ownsGlobalDatastore, promote). The home stack\'s GlobalReplicationGroup needs ignoreChanges ["primaryReplicationGroupId"]: after any promotion the provider reads the new primary there and would plan to replace the whole datastore (a known provider trap: docs/cache-and-files-design.md, "Providers").',
    configSchema: cacheShapeSchema,
    validateStack: (args, report) => {
        const facts = configOf<CacheShapeConfig>(cacheShapeSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const plan = ctx.plan.cache;
        const rs = args.resources;
        const groups = ofType(rs, T.cacheReplicationGroup);
        const datastores = ofType(rs, T.cacheGlobalDatastore);
        const joins = peerCacheDatastore(rs);
        const founder = plan.mode === "standalone" || plan.ownsGlobalDatastore;

        // The Global Datastore: the home stack's, where the strategy has one.
        if (plan.ownsGlobalDatastore) {
            if (datastores.length !== 1)
                report(
                    `Under ${ctx.strategy} the home stack must own the cache's Global Datastore (one GlobalReplicationGroup); ${who(ctx)} plans ${datastores.length}.`,
                );
            for (const d of datastores) {
                if (!isUnknown(get(d, "primaryReplicationGroupId")) && !groups.some((g) => namesGroup(d, "primaryReplicationGroupId", g)))
                    report(`${label(d)} must be founded on this stack's replication group (primaryReplicationGroupId).`, d.urn);
                if (!d.opts.ignoreChanges.includes("primaryReplicationGroupId"))
                    report(
                        `${label(d)} must ignore changes to primaryReplicationGroupId: after a promotion the provider reads the new primary there and would replace the whole datastore.`,
                        d.urn,
                    );
            }
        } else
            for (const d of datastores)
                report(
                    `${label(d)} must not exist in ${who(ctx)}: ${plan.mode === "global" ? "the home stack owns the Global Datastore" : `${ctx.strategy} keeps a standalone cache in each region`}.`,
                    d.urn,
                );

        // This region's replication group, and how it takes part.
        if (groups.length === 0) {
            if (founder)
                report(`${who(ctx, true)} must have its cache (a replication group): it exists in every role, so no role change deletes one.`);
            else if (joins)
                report(`${who(ctx, true)} must have its cache, a secondary of the Global Datastore ${joins} the home stack deployed; it plans none.`);
        }
        for (const g of groups) {
            const ds = get(g, "globalReplicationGroupId");
            if (founder && isSet(ds))
                report(
                    `${label(g)} must not join a Global Datastore as a secondary: ${plan.mode === "standalone" ? `${ctx.strategy} keeps a standalone cache in each region` : "it founds the datastore the home stack owns"}.`,
                    g.urn,
                );
            if (!founder && !isSet(ds))
                report(
                    `${label(g)} must join the Global Datastore as a secondary (globalReplicationGroupId): under ${ctx.strategy} it keeps ${who(ctx)}'s cache warm.`,
                    g.urn,
                );
            if (!founder && nonEmpty(ds) && joins && ds !== joins)
                report(`${label(g)} must join the home stack's Global Datastore ${joins}; it names ${ds}.`, g.urn);
            // Size: a secondary takes the primary's node type; a founding or standalone group names its own.
            const want = plan.size === "full" ? facts.nodeType : facts.coldNodeType;
            const got = get(g, "nodeType");
            if (!isCacheSecondary(g) && nonEmpty(want) && !isUnknown(got) && got !== want)
                report(
                    `${label(g)} must run ${want} in ${who(ctx)} (${plan.size === "full" ? "the full-size cache, securecart:cache.nodeType" : "a cold standby, securecart:cache.coldNodeType, resized in place by its promotion"}); it runs ${text(got, "the provider's default")}.`,
                    g.urn,
                );
        }

        // The promotion: the primary's stack makes its member the datastore's primary.
        const moves = ofType(rs, DYNAMIC.cachePrimary.token);
        if (!plan.promote) {
            for (const m of moves)
                report(
                    `${label(m)} must not exist in ${who(ctx)}: ${plan.mode === "standalone" ? `${ctx.strategy} has no Global Datastore to promote in` : "only the primary's stack moves the datastore's primary, and one declared here would take it from the region that holds it"}.`,
                    m.urn,
                );
            return;
        }
        const datastoreKnown = plan.ownsGlobalDatastore ? datastores.length > 0 : joins !== undefined;
        if (moves.length === 0 && groups.length > 0 && datastoreKnown)
            report(`${who(ctx, true)} must make its cache the Global Datastore's primary inside \`pulumi up\` (a CachePrimary); it plans none.`);
        for (const m of moves) {
            const target = get(m, "targetReplicationGroupId");
            if (!isUnknown(target) && !groups.some((g) => namesGroup(m, "targetReplicationGroupId", g)))
                report(`${label(m)} must promote this stack's replication group; it names ${text(target, "none")}.`, m.urn);
            const region = get(m, "targetRegion");
            if (!isUnknown(region) && region !== ctx.region)
                report(`${label(m)} must promote in ${ctx.region}, the stack's region; it names ${text(region, "none")}.`, m.urn);
        }
    },
};

const filesShapeSchema = factsSchema();

/** The regions every rule of `plan` copies to are all of `needed` (any other region than `here` when none is known). */
function copiesTo(plan: PlanResource, needed: readonly string[], here: string): boolean {
    const rules = backupCopyRegionsByRule(plan);
    if (rules === UNKNOWN) return true;
    return (
        rules.length > 0 &&
        rules.every((dests) => dests === UNKNOWN || (needed.length ? needed.every((r) => dests.includes(r)) : dests.some((d) => d !== here)))
    );
}

export const filesMatchStrategy: StackPolicy = {
    name: "dr-files-match-strategy",
    description:
        "The shared file system has the shape the strategy module gives the stack (planFiles): one in every role; the primary's stack declares the FilesPrimary that makes it writable where the strategy replicates, and the FilesReplication into another region's file system once one exists (not during an unplanned failover, which cannot reach the failed region); where backups carry the files across regions it is in an AWS Backup plan whose every rule copies to the other regions; and the services mount it read-only exactly where it is a replication destination.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition build the files from the plan (src/strategy.ts planFiles: replicatesOut, replicaIn, promote, backupCopies). A destination is read-only: a service mounting it read-write fails on its first write; a primary mounting read-only cannot write at all; a primary that stops replicating leaves the standby with stale files, and one without backup copies loses them with its region.",
    configSchema: filesShapeSchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(filesShapeSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const rs = args.resources;
        // The stack's promotion says whether this is an unplanned failover (the other region unreachable).
        const mode = failoverModeOf(rs);
        const plan = mode === "planned" ? ctx.plan.files : planFiles(ctx.strategy, ctx.role === "primary", mode);
        const files = ofType(rs, T.fileSystem);
        if (files.length === 0)
            report(
                `${who(ctx, true)} must have its shared file system (aws-native efs.FileSystem): it exists in every role, so no role change deletes one.`,
            );
        const mine = (r: PlanResource, key: string) => isUnknown(get(r, key)) || files.some((f) => namesFileSystem(r, key, f));

        // Promotion: the primary's file system stops being a replication destination.
        const primaries = ofType(rs, DYNAMIC.filesPrimary.token);
        if (plan.promote) {
            if (primaries.length === 0 && files.length > 0)
                report(
                    `${who(ctx, true)} must make its file system writable inside \`pulumi up\` (a FilesPrimary, which ends any replication into it); it plans none.`,
                );
            for (const p of primaries) {
                if (!mine(p, "fileSystemId"))
                    report(`${label(p)} must promote this stack's file system; it names ${text(get(p, "fileSystemId"), "none")}.`, p.urn);
                const region = get(p, "targetRegion");
                if (!isUnknown(region) && region !== ctx.region)
                    report(`${label(p)} must promote in ${ctx.region}; it names ${text(region, "none")}.`, p.urn);
            }
        } else
            for (const p of primaries)
                report(
                    `${label(p)} must not exist in ${who(ctx)}: ${ctx.role === "primary" ? `${ctx.strategy} does not replicate the file system` : "only the primary's stack moves the file system's primary role"}.`,
                    p.urn,
                );

        // Replication out of the primary, into another region's existing file system.
        const replications = ofType(rs, DYNAMIC.filesReplication.token);
        if (plan.replicatesOut) {
            const peers = peerFileSystems(rs).filter((p) => p.region !== ctx.region);
            if (peers.length > 0 && replications.length === 0)
                report(
                    `${who(ctx, true)} must replicate its file system into ${peers.map((p) => `${p.region ?? p.stack}'s ${p.fileSystemId}`).join(" or ")} (a FilesReplication): without it the standby's files go stale.`,
                );
            for (const r of replications) {
                if (!mine(r, "sourceFileSystemId"))
                    report(
                        `${label(r)} must replicate this stack's file system; its source is ${text(get(r, "sourceFileSystemId"), "none")}.`,
                        r.urn,
                    );
                const from = get(r, "sourceRegion");
                if (!isUnknown(from) && from !== ctx.region)
                    report(`${label(r)} must replicate from ${ctx.region}; its sourceRegion is ${text(from, "none")}.`, r.urn);
                const to = get(r, "destinationRegion");
                const dest = get(r, "destinationFileSystemId");
                if (!isUnknown(to) && (to === ctx.region || !nonEmpty(to)))
                    report(`${label(r)} must replicate into another region; its destinationRegion is ${text(to, "none")}.`, r.urn);
                else if (nonEmpty(dest) && peers.length > 0 && !peers.some((p) => p.fileSystemId === dest))
                    report(
                        `${label(r)} must replicate into another region's file system (${peers.map((p) => p.fileSystemId).join(", ")}); it names ${dest}.`,
                        r.urn,
                    );
            }
        } else
            for (const r of replications)
                report(
                    `${label(r)} must not exist in ${who(ctx)}: ${
                        ctx.role !== "primary"
                            ? "only the primary's file system replicates out; this one is the destination"
                            : mode === "unplanned"
                              ? "an unplanned failover cannot replicate into the failed region (its protection is turned off there first); set failoverMode planned once it is back"
                              : `${ctx.strategy} copies backups across regions instead of replicating`
                    }.`,
                    r.urn,
                );

        // Backups copied out, where they carry the files across regions.
        if (plan.backupCopies) {
            const others = facts.regions.filter((r) => r !== ctx.region);
            for (const f of files) {
                const plans = backupPlansOf(f, rs);
                if (plans.length === 0)
                    report(
                        `${label(f)} must be in an AWS Backup selection whose plan copies to ${others.length ? others.join(", ") : "another region"}: ${who(ctx)} carries its files across regions by backup copies.`,
                        f.urn,
                    );
                else if (!plans.some((p) => copiesTo(p, others, ctx.region)))
                    report(
                        `${label(f)} is backed up by ${plans.map(label).join(", ")}, but no plan copies every rule's recovery points to ${others.length ? others.join(", ") : "another region"} (a copyAction to a vault in each).`,
                        f.urn,
                    );
            }
        }

        // Mounts: read-only exactly where the file system is a replication destination.
        for (const td of ofType(rs, T.taskDefinition)) {
            const volumes = efsVolumesOf(td);
            const mounts = efsMountsOf(td);
            if (volumes === UNKNOWN || mounts === UNKNOWN) continue;
            const onMine = new Set(volumes.filter((v) => files.some((f) => volumeOn(td, v.fileSystemId, f))).map((v) => v.name));
            for (const m of mounts.filter((x) => onMine.has(x.volume))) {
                if (plan.replicaIn && !m.readOnly)
                    report(
                        `${label(td)}: container "${m.container}" mounts the shared files at ${m.containerPath} read-write, but in ${who(ctx)} the file system is a replication destination (read-only): mount it readOnly.`,
                        td.urn,
                    );
                if (!plan.replicaIn && m.readOnly)
                    report(
                        `${label(td)}: container "${m.container}" mounts the shared files at ${m.containerPath} read-only, but in ${who(ctx)} the file system is writable and its services write there: mount it read-write.`,
                        td.urn,
                    );
            }
        }
    },
};
