import * as pulumi from "@pulumi/pulumi";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { EFSClient } from "@aws-sdk/client-efs";
import { UNKNOWN } from "../src/unknown";
import { CACHE_PROMOTION_MODES, cacheDrift, promoteCacheMember, readCachePrimary, type CachePromotionMode } from "../src/cachePromotion";
import { FILES_PROMOTION_MODES, isWritable, promoteFileSystem, readFileSystemRole, type FilesPromotionMode } from "../src/filesPromotion";
import { isRegionName } from "../src/promotion";
import { dynamicToken } from "../src/plan/engineTypes";

/**
 * Dynamic resources that make this stack's member of a cross-region pair the writable one inside `pulumi up`, as the
 * Aurora writer move (components/globalSwitchover.ts) does for the global database: the new primary's stack declares
 * one; create and update promote (a no-op when the member already is the primary); diff asks the service, in the
 * target's region only, so a move made outside Pulumi shows as an update; delete does nothing (a stack that stops
 * being primary must never move anything). Nothing replaces them. The pure logic lives in src/cachePromotion.ts and
 * src/filesPromotion.ts; this module adds only the engine's protocol, one factory for both.
 *
 * Not wired into the region yet (docs/cache-and-files-design.md): the Cache and SharedFiles components are not either.
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

/** The shared file system: this stack's is made writable (its inbound replication deleted). */
export const filesPrimaryProvider = moveProvider({
    kind: "FilesPrimary",
    keys: ["fileSystemId", "targetRegion", "mode"],
    problems: (n) => [
        ...(known(n.fileSystemId) && !(typeof n.fileSystemId === "string" && /^fs-[0-9a-f]{8,40}$/.test(n.fileSystemId))
            ? [
                  {
                      property: "fileSystemId",
                      reason: `fileSystemId: got ${JSON.stringify(n.fileSystemId)}; expected an EFS file system id such as fs-0123456789abcdef0`,
                  },
              ]
            : []),
        ...(known(n.targetRegion) && !isRegionName(n.targetRegion)
            ? [{ property: "targetRegion", reason: `targetRegion: got ${JSON.stringify(n.targetRegion)}; expected an AWS region such as us-west-2` }]
            : []),
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

/** Type tokens (module securecart), as pulumi builds them for a dynamic resource. */
export const CACHE_PRIMARY_TOKEN = dynamicToken("securecart", "CachePrimary");
export const FILES_PRIMARY_TOKEN = dynamicToken("securecart", "FilesPrimary");

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
        super(cachePrimaryProvider, name, { ...args, outcome: undefined }, opts, "securecart", "CachePrimary");
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
        super(filesPrimaryProvider, name, { ...args, outcome: undefined }, opts, "securecart", "FilesPrimary");
    }
}
