import * as pulumi from "@pulumi/pulumi";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { EFSClient } from "@aws-sdk/client-efs";
import { UNKNOWN } from "../src/unknown";
import { CACHE_PROMOTION_MODES, cacheDrift, promoteCacheMember, readCachePrimary, type CachePromotionMode } from "../src/cachePromotion";
import {
    FILES_PROMOTION_MODES,
    isWritable,
    promoteFileSystem,
    readFileSystemRole,
    restoreReplication,
    type FilesPromotionMode,
} from "../src/filesPromotion";
import { isRegionName } from "../src/promotion";
import { DYNAMIC } from "../src/plan/engineTypes";

/**
 * Dynamic resources that make this stack's member of a cross-region pair the writable one inside `pulumi up`, as the
 * Aurora writer move (components/globalSwitchover.ts) does for the global database: the new primary's stack declares
 * one; create and update promote (a no-op when the member already is the primary); diff asks the service, in the
 * target's region only, so a move made outside Pulumi shows as an update; delete does nothing (a stack that stops
 * being primary must never move anything). Nothing replaces them. The pure logic lives in src/cachePromotion.ts and
 * src/filesPromotion.ts; this module adds only the engine's protocol, one factory for both.
 *
 * The file system's replication is declared the same way (`FilesReplication`, in the primary's stack): create and
 * update make this region's file system replicate into the other's existing one, and delete does nothing either,
 * so the stack that stops being primary never cuts the replication the new primary relies on.
 */

/** One kind of move: its inputs, how to validate them, how to read the live state and how to promote. */
interface MoveSpec {
    readonly kind: string;
    /** The inputs whose change means "assert the primary again". */
    readonly keys: readonly string[];
    /** Problems with known inputs, as `property: reason` pairs (unknown inputs pass, as at preview). */
    readonly problems: (news: Record<string, unknown>) => Array<{ property: string; reason: string }>;
    /** Why the live state differs from the wanted one, or undefined when it does not. */
    readonly drift: (inputs: Record<string, unknown>) => Promise<string | undefined>;
    /** Promotes (or confirms), returning what the state records. */
    readonly ensure: (inputs: Record<string, unknown>) => Promise<Record<string, unknown>>;
    readonly id: (inputs: Record<string, unknown>) => string;
}

/** The engine's protocol around a MoveSpec. A plain object of functions: the engine runs its serialized text. */
export function moveProvider(spec: MoveSpec): pulumi.dynamic.ResourceProvider {
    const say = (id: unknown, m: string) => console.log(`[${spec.kind} ${String(id)}] ${m}`);
    return {
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            return { inputs: news, failures: spec.problems(news) };
        },
        async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
            const result = (changes: boolean) => ({ changes, replaces: [], deleteBeforeReplace: false });
            if (spec.keys.some((k) => news[k] === UNKNOWN || olds[k] !== news[k])) return result(true);
            try {
                const drift = await spec.drift(news);
                if (drift !== undefined) say(spec.id(news), `${drift}; this update moves it back`);
                return result(drift !== undefined);
            } catch (e) {
                console.error(
                    `[${spec.kind} ${spec.id(news)}] warning: could not read the live state (${(e as Error).message}); comparing the recorded state only, so a move made outside Pulumi is not seen`,
                );
                return result(false);
            }
        },
        async create(inputs: Record<string, unknown>) {
            return { id: spec.id(inputs), outs: { ...inputs, ...(await spec.ensure(inputs)) } };
        },
        async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
            return { outs: { ...news, ...(await spec.ensure(news)) } };
        },
        async delete() {
            // Deliberately nothing: see above.
        },
    };
}

const known = (v: unknown) => v !== UNKNOWN;
const text = (v: unknown) => typeof v === "string" && v.length > 0;

/** The cache's Global Datastore: this stack's replication group is made its primary (FailoverGlobalReplicationGroup). */
export const cachePrimaryProvider = moveProvider({
    kind: "CachePrimary",
    keys: ["globalReplicationGroupId", "targetReplicationGroupId", "targetRegion", "mode"],
    problems: (n) => [
        ...(known(n.globalReplicationGroupId) && !text(n.globalReplicationGroupId)
            ? [
                  {
                      property: "globalReplicationGroupId",
                      reason: `globalReplicationGroupId: got ${JSON.stringify(n.globalReplicationGroupId)}; expected the Global Datastore's id`,
                  },
              ]
            : []),
        ...(known(n.targetReplicationGroupId) && !text(n.targetReplicationGroupId)
            ? [
                  {
                      property: "targetReplicationGroupId",
                      reason: `targetReplicationGroupId: got ${JSON.stringify(n.targetReplicationGroupId)}; expected this region's replication group id`,
                  },
              ]
            : []),
        ...(known(n.targetRegion) && !isRegionName(n.targetRegion)
            ? [{ property: "targetRegion", reason: `targetRegion: got ${JSON.stringify(n.targetRegion)}; expected an AWS region such as us-west-2` }]
            : []),
        ...(known(n.mode) && !(CACHE_PROMOTION_MODES as readonly unknown[]).includes(n.mode)
            ? [{ property: "mode", reason: `mode: got ${JSON.stringify(n.mode)}; expected one of ${CACHE_PROMOTION_MODES.join(", ")}` }]
            : []),
    ],
    drift: async (i) =>
        cacheDrift(
            await readCachePrimary(new ElastiCacheClient({ region: String(i.targetRegion) }), String(i.globalReplicationGroupId)),
            String(i.targetReplicationGroupId),
        ),
    ensure: async (i) => {
        const r = await promoteCacheMember(
            {
                globalReplicationGroupId: String(i.globalReplicationGroupId),
                targetReplicationGroupId: String(i.targetReplicationGroupId),
                targetRegion: String(i.targetRegion),
                mode: i.mode as CachePromotionMode,
            },
            {
                client: (region: string) => new ElastiCacheClient({ region }),
                log: (m: string) => console.log(`[CachePrimary ${String(i.globalReplicationGroupId)}] ${m}`),
            },
        );
        return { outcome: r.outcome };
    },
    id: (i) => `${String(i.globalReplicationGroupId)}/primary`,
});

const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;
const fileSystemProblem = (property: string, v: unknown) =>
    known(v) && !(typeof v === "string" && FILE_SYSTEM_ID.test(v))
        ? [{ property, reason: `${property}: got ${JSON.stringify(v)}; expected an EFS file system id such as fs-0123456789abcdef0` }]
        : [];
const regionProblem = (property: string, v: unknown) =>
    known(v) && !isRegionName(v) ? [{ property, reason: `${property}: got ${JSON.stringify(v)}; expected an AWS region such as us-west-2` }] : [];

/** The shared file system: this stack's is made writable (its inbound replication deleted). */
export const filesPrimaryProvider = moveProvider({
    kind: "FilesPrimary",
    keys: ["fileSystemId", "targetRegion", "mode"],
    problems: (n) => [
        ...fileSystemProblem("fileSystemId", n.fileSystemId),
        ...regionProblem("targetRegion", n.targetRegion),
        ...(known(n.mode) && !(FILES_PROMOTION_MODES as readonly unknown[]).includes(n.mode)
            ? [{ property: "mode", reason: `mode: got ${JSON.stringify(n.mode)}; expected one of ${FILES_PROMOTION_MODES.join(", ")}` }]
            : []),
    ],
    drift: async (i) => {
        const role = await readFileSystemRole(new EFSClient({ region: String(i.targetRegion) }), String(i.fileSystemId));
        return isWritable(role) ? undefined : `file system ${String(i.fileSystemId)} is a replication destination (read-only)`;
    },
    ensure: async (i) => {
        const r = await promoteFileSystem(
            { fileSystemId: String(i.fileSystemId), targetRegion: String(i.targetRegion), mode: i.mode as FilesPromotionMode },
            {
                client: (region: string) => new EFSClient({ region }),
                log: (m: string) => console.log(`[FilesPrimary ${String(i.fileSystemId)}] ${m}`),
            },
        );
        return { outcome: r.outcome };
    },
    id: (i) => `${String(i.fileSystemId)}/writable`,
});

/**
 * The shared file system's replication out of the primary: this region's file system replicates into the other
 * region's existing one (its overwrite protection turned off first), so after a promotion the old primary is kept
 * current for the failback. Needs both regions: the primary's stack declares it only in a planned state.
 */
export const filesReplicationProvider = moveProvider({
    kind: "FilesReplication",
    keys: ["sourceFileSystemId", "sourceRegion", "destinationFileSystemId", "destinationRegion"],
    problems: (n) => [
        ...fileSystemProblem("sourceFileSystemId", n.sourceFileSystemId),
        ...regionProblem("sourceRegion", n.sourceRegion),
        ...fileSystemProblem("destinationFileSystemId", n.destinationFileSystemId),
        ...regionProblem("destinationRegion", n.destinationRegion),
        // Only between two valid regions: a missing or malformed one already has its own failure.
        ...(isRegionName(n.sourceRegion) && n.sourceRegion === n.destinationRegion
            ? [
                  {
                      property: "destinationRegion",
                      reason: `destinationRegion: got ${JSON.stringify(n.destinationRegion)}, the source's own region; expected another region`,
                  },
              ]
            : []),
    ],
    drift: async (i) => {
        const role = await readFileSystemRole(new EFSClient({ region: String(i.sourceRegion) }), String(i.sourceFileSystemId));
        const into = (role.destinations ?? []).find((d) => d.fileSystemId === i.destinationFileSystemId);
        return role.role === "source" && into?.status === "ENABLED"
            ? undefined
            : `file system ${String(i.sourceFileSystemId)} does not replicate into ${String(i.destinationFileSystemId)} (${String(i.destinationRegion)})`;
    },
    ensure: async (i) => {
        const r = await restoreReplication(
            {
                sourceFileSystemId: String(i.sourceFileSystemId),
                sourceRegion: String(i.sourceRegion),
                destinationFileSystemId: String(i.destinationFileSystemId),
                destinationRegion: String(i.destinationRegion),
            },
            {
                client: (region: string) => new EFSClient({ region }),
                log: (m: string) => console.log(`[FilesReplication ${String(i.sourceFileSystemId)}] ${m}`),
            },
        );
        return { outcome: r.outcome };
    },
    id: (i) => `${String(i.sourceFileSystemId)}/replicates-into/${String(i.destinationFileSystemId)}`,
});

/** Makes this stack's replication group the Global Datastore's primary inside `pulumi up`. */
export class CachePrimary extends pulumi.dynamic.Resource {
    declare public readonly outcome: pulumi.Output<string>;
    constructor(
        name: string,
        args: {
            readonly globalReplicationGroupId: pulumi.Input<string>;
            readonly targetReplicationGroupId: pulumi.Input<string>;
            readonly targetRegion: pulumi.Input<string>;
            readonly mode: pulumi.Input<CachePromotionMode>;
        },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(cachePrimaryProvider, name, { ...args, outcome: undefined }, opts, DYNAMIC.cachePrimary.module, DYNAMIC.cachePrimary.type);
    }
}

/** Makes this stack's file system writable (deletes the replication into it) inside `pulumi up`. */
export class FilesPrimary extends pulumi.dynamic.Resource {
    declare public readonly outcome: pulumi.Output<string>;
    constructor(
        name: string,
        args: {
            readonly fileSystemId: pulumi.Input<string>;
            readonly targetRegion: pulumi.Input<string>;
            readonly mode: pulumi.Input<FilesPromotionMode>;
        },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(filesPrimaryProvider, name, { ...args, outcome: undefined }, opts, DYNAMIC.filesPrimary.module, DYNAMIC.filesPrimary.type);
    }
}

/** Makes this stack's file system replicate into the other region's existing one inside `pulumi up`. */
export class FilesReplication extends pulumi.dynamic.Resource {
    declare public readonly outcome: pulumi.Output<string>;
    constructor(
        name: string,
        args: {
            readonly sourceFileSystemId: pulumi.Input<string>;
            readonly sourceRegion: pulumi.Input<string>;
            readonly destinationFileSystemId: pulumi.Input<string>;
            readonly destinationRegion: pulumi.Input<string>;
        },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(filesReplicationProvider, name, { ...args, outcome: undefined }, opts, DYNAMIC.filesReplication.module, DYNAMIC.filesReplication.type);
    }
}
