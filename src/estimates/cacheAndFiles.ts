/**
 * The cache's (ElastiCache for Valkey) and the shared files' (EFS) share of a recovery, for a stack pair (the primary
 * fails or is switched away from, the standby takes over): what each may lack (RPO, as a data store) and the step
 * that brings it into service in the standby (RTO), for an unplanned failover and a planned switchover. Pure, from
 * both stacks' resources, their stack facts (the backup path) and the constants. Facts and sources:
 * docs/cache-and-files.md.
 *
 * These figures stand apart from the pair's RTO and RPO, as the sign-in and edge figures do. The cache holds nothing
 * of record (sessions are in the `sessions` DynamoDB table): what it loses is rebuilt from the database, and a cold
 * cache serves, small, while it is resized, so its figures are capacity and warm-up, not data or availability. The
 * file system's failover (deleting its replication) and its restore have no published duration, and its replication
 * RPO ("15 minutes for most file systems") is not a bound, as the assets' RTC figure is not: folding them in would
 * make the pair's figures unknown, or claim a bound AWS does not give, without saying more than these lines do.
 */
import { Constants, cite } from "./constants";
import { CacheGroupSettings, DYNAMIC, PrimaryMove, StackFacts, StackView, T, cacheGroupOf, ofType, output, primaryMoveOf, str } from "../plan";
import { backupPath } from "./rpo";

const EC_SCALING =
    'ElastiCache user guide, "Scaling replica nodes for Valkey or Redis OSS (Cluster Mode Disabled)" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Scaling.RedisReplGrps.html, read 2026-12-06 in its translated copies; the English copy read was cut off before that section)';
const EFS_DELETE =
    'Amazon EFS user guide, "Deleting replication configurations" (https://docs.aws.amazon.com/efs/latest/ug/delete-replications.html, read 2026-12-06)';

/** The cache and shared-files settings of one stack that the estimates read. */
export interface CacheFilesFacts {
    readonly stack: string;
    readonly region: string;
    /** The region's cache (one replication group per region), if planned. */
    readonly cache?: CacheGroupSettings & {
        /** A Global Datastore member: it joins one by id, or this stack owns the datastore it founded. */
        readonly member: boolean;
    };
    /** This stack owns the Global Datastore (the home stack, under warm standby and active-active). */
    readonly ownsGlobalDatastore: boolean;
    /** CachePrimary: this stack makes its member the datastore's primary (the primary stack, global strategies). */
    readonly cachePrimary?: Extract<PrimaryMove, { kind: "cache" }>;
    /** The region's shared file system, if planned. */
    readonly files?: { readonly name: string; readonly arn?: string; readonly urn?: string };
    /** FilesPrimary: this stack makes its file system writable (the primary stack, where the strategy replicates). */
    readonly filesPrimary?: Extract<PrimaryMove, { kind: "files" }>;
    /** FilesReplication: this stack's file system replicates into another region's. */
    readonly filesReplication?: Extract<PrimaryMove, { kind: "files-replication" }>;
}

export function cacheFilesFacts(view: StackView): CacheFilesFacts {
    const rs = view.resources;
    const of = (type: string) => ofType(rs, type);
    const group = of(T.cacheReplicationGroup)[0];
    const owns = of(T.cacheGlobalDatastore).length > 0;
    const fs = of(T.fileSystem)[0];
    const cachePrimary = of(DYNAMIC.cachePrimary.token)[0];
    const filesPrimary = of(DYNAMIC.filesPrimary.token)[0];
    const replication = of(DYNAMIC.filesReplication.token)[0];
    const g = group ? cacheGroupOf(group) : undefined;
    return {
        stack: view.stack,
        region: view.region,
        ...(g ? { cache: { ...g, member: g.joinsGlobalDatastore || owns } } : {}),
        ownsGlobalDatastore: owns,
        ...((m) => (m?.kind === "cache" ? { cachePrimary: m } : {}))(cachePrimary && primaryMoveOf(cachePrimary)),
        ...(fs ? { files: { name: fs.name, arn: str(output(fs, "arn")), urn: fs.urn } } : {}),
        ...((m) => (m?.kind === "files" ? { filesPrimary: m } : {}))(filesPrimary && primaryMoveOf(filesPrimary)),
        ...((m) => (m?.kind === "files-replication" ? { filesReplication: m } : {}))(replication && primaryMoveOf(replication)),
    };
}

/** The node type a cache runs: its own, or (a Global Datastore secondary) the members' that set one. */
export function cacheNodeType(f: CacheFilesFacts, peers: readonly CacheFilesFacts[]): { type?: string; inheritedFrom?: string } {
    if (f.cache?.nodeType) return { type: f.cache.nodeType };
    if (!f.cache?.member) return {};
    const source = peers.find((x) => x.cache?.member && x.cache.nodeType);
    return source ? { type: source.cache!.nodeType, inheritedFrom: source.stack } : {};
}

/** One part of a step: seconds, or null when it cannot be given (restsOn says why). */
export interface CacheFilesPart {
    readonly label: string;
    readonly seconds: number | null;
    readonly restsOn: string;
}

/** The step that brings the cache or the file system into service in the standby. */
export interface CacheFilesStep {
    /** What the step does, e.g. "resize the cold cache in place, then warm it". */
    readonly name: string;
    /** The sum of its parts; null when any part is unknown. */
    readonly seconds: number | null;
    readonly parts: readonly CacheFilesPart[];
    /** Facts the step rests on that add no time. */
    readonly notes: readonly string[];
}

/** What the standby's copy lacks, as the data stores' RPO gives it (rpo.ts), plus "rebuilt" for the cache. */
export interface CacheFilesStore {
    /** "cache:<replication group>" or "efs:<file system>". */
    readonly store: string;
    /**
     * replication: a live copy with a lag; backup-copy: the latest copied recovery point; rebuilt: nothing of record
     * is lost, the content is rebuilt from the database (not a number of seconds); none: the standby has no copy.
     */
    readonly mode: "replication" | "backup-copy" | "rebuilt" | "none";
    readonly unplannedSeconds: number | null;
    readonly plannedSeconds: number | null;
    readonly restsOn: readonly string[];
}

export interface CacheFilesTier {
    readonly rpo: CacheFilesStore;
    readonly rto: { readonly planned: CacheFilesStep; readonly unplanned: CacheFilesStep };
}

export interface CacheFilesRecovery {
    readonly cache?: CacheFilesTier & {
        /** The standby's cache as planned now: its node type and node count (what it costs while it waits). */
        readonly standby?: { readonly id: string; readonly nodeType?: string; readonly nodes?: number; readonly cold: boolean };
    };
    readonly files?: CacheFilesTier;
}

/** Both stacks' facts, and their stack facts (the primary's backup rules: the file system's backup path). */
export interface PairCacheFiles {
    readonly primary: CacheFilesFacts;
    readonly standby: CacheFilesFacts;
    readonly primaryStack: StackFacts;
    readonly standbyStack: StackFacts;
}

const stepOf = (name: string, parts: CacheFilesPart[], notes: string[] = []): CacheFilesStep => ({
    name,
    parts,
    notes,
    seconds: parts.some((x) => x.seconds === null) ? null : parts.reduce((a, x) => a + (x.seconds as number), 0),
});

function cacheTier(pp: PairCacheFiles, c: Constants): CacheFilesRecovery["cache"] {
    const { primary: p, standby: s } = pp;
    const pc = p.cache;
    if (!pc) return undefined;
    const sc = s.cache;
    const sessions = pp.primaryStack.tables.find((t) => /(^|-)sessions$/.test(t.name));
    const ofRecord = `the cache holds nothing of record: what it lacks is rebuilt from Aurora and DynamoDB${sessions ? ` (sessions live in the DynamoDB table ${sessions.name}, planned in ${p.stack}, not in the cache)` : ""}`;
    const pType = cacheNodeType(p, [s]).type;
    if (!sc) {
        const why = `no cache planned in ${s.stack} (under a global strategy, it joins the Global Datastore at the \`pulumi up\` after the home stack's)`;
        return {
            rpo: { store: `cache:${pc.id}`, mode: "rebuilt", unplannedSeconds: null, plannedSeconds: null, restsOn: [why, ofRecord] },
            rto: {
                unplanned: stepOf("create the cache", [
                    { label: `create ${s.stack}'s cache`, seconds: null, restsOn: `${why}: unknown, because AWS publishes no creation time` },
                ]),
                planned: stepOf("create the cache", [
                    { label: `create ${s.stack}'s cache`, seconds: null, restsOn: `${why}: unknown, because AWS publishes no creation time` },
                ]),
            },
        };
    }
    const sType = cacheNodeType(s, [p]);
    if (pc.member && sc.member) {
        const promote = (kind: "planned" | "unplanned") =>
            stepOf(
                "promote the Global Datastore's secondary",
                [
                    {
                        label: `FailoverGlobalReplicationGroup to ${sc.id} in ${s.region}`,
                        seconds: c.values.cacheGlobalDatastoreFailoverSeconds,
                        restsOn: cite(c, "cacheGlobalDatastoreFailoverSeconds"),
                    },
                ],
                [
                    `${s.stack}'s cache ${sc.id} is a Global Datastore secondary: full size (${sType.type ?? "the primary's node type"}${sType.inheritedFrom ? `, inherited from ${sType.inheritedFrom}'s member` : ""}) and warm, so neither a resize nor a warm-up`,
                    `the promotion's \`pulumi up\` in ${s.stack} declares CachePrimary (${kind === "planned" ? "switchover: it needs the datastore available" : "failover"}), which calls ${s.region} only; the datastore is Modifying until it finishes`,
                    `the promotion's \`pulumi up\` updates ${s.stack}'s DNS resources only after it (components/region.ts: they depend on the moves); Route 53's health-check failover does not wait for it`,
                ],
            );
        return {
            rpo: {
                store: `cache:${pc.id}`,
                mode: "replication",
                unplannedSeconds: c.values.cacheGlobalDatastoreLagSeconds,
                plannedSeconds: c.values.cacheGlobalDatastoreLagSeconds,
                restsOn: [
                    `${s.stack}'s cache ${sc.id} is a secondary of the Global Datastore whose primary is ${p.stack}'s ${pc.id}: asynchronous replication`,
                    `unplanned: the writes not yet replicated are lost, ${cite(c, "cacheGlobalDatastoreLagSeconds")}`,
                    "planned: the same, unless the writers are drained first: FailoverGlobalReplicationGroup is the only promotion API and no zero-loss mode of it was found (docs/cache-and-files.md)",
                    `${ofRecord}; but an entry ${p.stack} rewrote or deleted during the lag may be served stale by the new primary until it is rewritten or expires`,
                ],
            },
            rto: { unplanned: promote("unplanned"), planned: promote("planned") },
            standby: { id: sc.id, nodeType: sType.type, nodes: sc.nodes, cold: false },
        };
    }
    // A standalone cache in the standby: its content is not the primary's, and (pilot light, backup-restore) its node
    // is the minimal one, resized in place by the promotion.
    const cold = sType.type !== undefined && pType !== undefined && sType.type !== pType;
    const warm: CacheFilesPart = {
        label: "warm-up: misses read the database until the cache holds the working set",
        seconds: null,
        restsOn: `unknown, because it depends on the traffic and the key space, which no planned setting gives: ${s.stack}'s cache holds none of ${p.stack}'s entries`,
    };
    const parts: CacheFilesPart[] = cold
        ? [
              {
                  label: `resize ${sc.id} in place from ${sType.type} to ${pType}`,
                  seconds: null,
                  restsOn: `unknown, because AWS documents no duration: ${EC_SCALING} says only that it depends on the node type and the amount of data; for Valkey 7.2 and later with automatic failover the cluster stays online and serves requests meanwhile, with a brief interruption of a few seconds when the old nodes are removed`,
              },
              warm,
          ]
        : [warm];
    const name = cold ? "resize the cold cache in place, then warm it" : "warm the cache";
    const notes = [
        ...(cold
            ? [
                  `the promotion's \`pulumi up\` gives ${s.stack} the primary's node type (src/strategy.ts planCache: full size where primary; cache.nodeType, applied immediately); meanwhile it serves with the small node: more database reads, not an outage`,
              ]
            : []),
        `${sc.id} is standalone (no Global Datastore): nothing of ${p.stack}'s cache reaches it`,
    ];
    const nodeNote = `${sc.id} runs ${sc.nodes ?? "(unset)"} × ${sType.type ?? "(unknown type)"} while it waits; ${p.stack}'s ${pc.id} runs ${pc.nodes ?? "(unset)"} × ${pType ?? "(unknown type)"}`;
    return {
        rpo: {
            store: `cache:${pc.id}`,
            mode: "rebuilt",
            unplannedSeconds: null,
            plannedSeconds: null,
            restsOn: [
                `${s.stack}'s cache ${sc.id} is standalone: everything cached in ${p.stack} is missing there (not a number of seconds)`,
                ofRecord,
            ],
        },
        rto: { unplanned: stepOf(name, parts, [...notes, nodeNote]), planned: stepOf(name, parts, [...notes, nodeNote]) },
        standby: { id: sc.id, nodeType: sType.type, nodes: sc.nodes, cold },
    };
}

function filesTier(pp: PairCacheFiles, c: Constants): CacheFilesTier | undefined {
    const { primary: p, standby: s } = pp;
    const pf = p.files;
    if (!pf) return undefined;
    const store = `efs:${pf.name}`;
    const sf = s.files;
    if (!sf) {
        const why = `no file system planned in ${s.stack}`;
        const step = stepOf("create the file system", [{ label: `create ${s.stack}'s file system`, seconds: null, restsOn: `${why}: unknown` }]);
        return {
            rpo: { store, mode: "none", unplannedSeconds: null, plannedSeconds: null, restsOn: [why] },
            rto: { unplanned: step, planned: step },
        };
    }
    const into = p.filesReplication?.destinationRegion === s.region;
    if (into) {
        const lag = c.values.efsReplicationRpoSeconds;
        const promote = (kind: "planned" | "unplanned") =>
            stepOf(
                "make the replica writable",
                [
                    {
                        label: `DeleteReplicationConfiguration in ${s.region} (FilesPrimary, ${kind === "planned" ? "switchover" : "failover: LOCAL_CONFIGURATION_ONLY when the source region does not answer"})`,
                        seconds: null,
                        restsOn: `unknown, because the user guide gives no figure: deleting a replication configuration "can take several minutes" (${EFS_DELETE})`,
                    },
                ],
                [
                    `${s.stack}'s file system ${sf.name} is the destination of ${p.stack}'s replication: read-only until then (the sharing services read; their writes fail)`,
                    `the promotion's \`pulumi up\` also makes the sharing services' mount writable (a new task definition, so ECS replaces their tasks: ${cite(c, "fargateTaskStartSeconds")}); it updates ${s.stack}'s DNS resources only after FilesPrimary (components/region.ts: they depend on the moves), while Route 53's health-check failover does not wait for it`,
                    ...(kind === "planned"
                        ? [
                              `then (planned only) ${s.stack} replicates back into ${p.stack}'s file system (FilesReplication), after the promotion: not on the recovery path`,
                          ]
                        : [`no reverse replication until ${p.region} answers again (failoverMode back to planned)`]),
                ],
            );
        return {
            rpo: {
                store,
                mode: "replication",
                unplannedSeconds: lag,
                plannedSeconds: lag,
                restsOn: [
                    `${p.stack}'s file system ${pf.name} replicates into ${s.stack}'s ${sf.name} (FilesReplication, ${p.region} → ${s.region})`,
                    `unplanned: the changes after the last sync are lost: ${cite(c, "efsReplicationRpoSeconds")}`,
                    "planned: the same: the switchover checks only that the replication is ENABLED (src/filesPromotion.ts) and does not wait for a sync after the writes stop; stop the writers and wait until LastReplicatedTimestamp passes the last write to lose nothing",
                ],
            },
            rto: { unplanned: promote("unplanned"), planned: promote("planned") },
        };
    }
    const path = backupPath(pp.primaryStack, pp.standbyStack, pf.arn, `file system ${pf.name}`, pf.urn);
    const secs = path.intervalSeconds === null ? null : path.intervalSeconds + c.values.backupCopySeconds;
    const restore = stepOf(
        "restore the file system from the copied recovery point",
        [
            {
                label: `restore ${pf.name}'s latest copy in ${s.region}`,
                seconds: null,
                restsOn:
                    path.intervalSeconds === null
                        ? `no copy to restore: ${path.restsOn.join("; ")}`
                        : "unknown, because AWS Backup publishes no restore duration (it grows with the file count and size), and the program plans no restore of the file system: a restore job started by hand from the copy in the standby's vault (Aurora and the tables are restored by the promotion, not the files)",
            },
        ],
        [
            `${s.stack}'s file system ${sf.name} receives no replication: it is empty until a restore, so the sharing services start with no shared files`,
        ],
    );
    return {
        rpo: {
            store,
            mode: path.intervalSeconds === null ? "none" : "backup-copy",
            unplannedSeconds: secs,
            plannedSeconds: secs,
            restsOn: [
                `${p.stack}'s file system ${pf.name} replicates into no file system of ${s.stack}: the data comes from the latest copied recovery point`,
                ...path.restsOn,
                ...(secs === null ? [] : [`plus the copy time, ${cite(c, "backupCopySeconds")}`]),
            ],
        },
        rto: { unplanned: restore, planned: restore },
    };
}

/** The cache's and the shared files' figures for recovering `pp.primary` into `pp.standby`; undefined when neither is planned. */
export function estimateCacheFiles(pp: PairCacheFiles, c: Constants): CacheFilesRecovery | undefined {
    const cache = cacheTier(pp, c);
    const files = filesTier(pp, c);
    if (!cache && !files) return undefined;
    return { ...(cache ? { cache } : {}), ...(files ? { files } : {}) };
}
