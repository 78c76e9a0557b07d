/**
 * Making a chosen member of an ElastiCache Global Datastore its primary (the cluster that takes writes):
 * the pure logic behind the cache's promotion resource, kept apart so it is tested against a mocked
 * ElastiCache client. Same skeleton as the Aurora writer move (src/promotion.ts): describe in the target's
 * region, preconditions, FailoverGlobalReplicationGroup, poll until done. Idempotent: a target that already
 * is the primary is left alone, and a modification under way (a promotion started by an earlier run, the
 * console or the CLI) is awaited before anything is decided.
 *
 * Both modes call FailoverGlobalReplicationGroup, and only in the target's region. The API reference
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html)
 * describes it as failing "the primary region" over to a secondary one, which then "will become primary";
 * the user guide (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastore.html) says
 * ElastiCache never fails over across regions by itself and that a secondary is promoted manually "when
 * needed". Neither says the call needs the old primary's region to answer, so an unplanned promotion uses
 * it as well. DisassociateGlobalReplicationGroup is not used: it would leave the target a standalone cluster
 * outside the datastore, and failing back would mean rebuilding the datastore from it.
 * The modes differ in their precondition: a planned switchover needs the datastore `available` (every
 * member reachable); a failover does not ask.
 *
 * Serialized into a dynamic provider like src/globalWriter.ts: plain values and functions only at top level.
 */
import {
    DescribeGlobalReplicationGroupsCommand,
    type ElastiCacheClient,
    FailoverGlobalReplicationGroupCommand,
    type GlobalReplicationGroup,
    type GlobalReplicationGroupMember,
} from "@aws-sdk/client-elasticache";
import {
    type PromotionError,
    type PromotionErrorCode,
    type PromotionOptions,
    awsErrorName,
    callAws,
    isPromotionError,
    isRegionName,
    pollUntil,
    promotionError,
    resolveTiming,
} from "./promotion";
import { describeError } from "./providerErrors";

export type CachePromotionMode = "switchover" | "failover";
export const CACHE_PROMOTION_MODES: readonly CachePromotionMode[] = ["switchover", "failover"];

export interface CachePromotionRequest {
    /** The Global Datastore's full id, with the prefix ElastiCache gives it (e.g. ldgnf-securecart-sessions). */
    readonly globalReplicationGroupId: string;
    /** The replication group (this region's cluster) that must end up the primary. */
    readonly targetReplicationGroupId: string;
    /** The target's region: every call goes there. */
    readonly targetRegion: string;
    readonly mode: CachePromotionMode;
}

/** Timings default to a poll every 15 000 ms and a 30-minute timeout. */
export type CachePromotionOptions = PromotionOptions<ElastiCacheClient>;

export type CachePromotionOutcome = "already-primary" | "switched-over" | "failed-over" | "awaited-in-progress";

export interface CachePromotionResult {
    readonly outcome: CachePromotionOutcome;
    readonly primaryReplicationGroupId: string;
    readonly primaryRegion: string;
    /** The primary before, when one was reported. */
    readonly previousPrimaryReplicationGroupId?: string;
}

export const CACHE_PROMOTION_ERROR = "CachePromotionError";
export type CachePromotionError = PromotionError<PromotionErrorCode>;

export function isCachePromotionError(e: unknown): e is CachePromotionError {
    return isPromotionError(e, CACHE_PROMOTION_ERROR);
}

function refuse(code: PromotionErrorCode, message: string): CachePromotionError {
    return promotionError(CACHE_PROMOTION_ERROR, code, message);
}

/**
 * States meaning the datastore is being changed: the global status while a failover (or any modification)
 * runs, and a member joining or leaving. Plain arrays, not Sets: a module-level Set does not survive
 * serialization.
 */
export const CACHE_CHANGING_STATUSES: readonly string[] = ["modifying"];
export const CACHE_CHANGING_MEMBER_STATUSES: readonly string[] = ["associating", "disassociating"];

function isPrimary(m: GlobalReplicationGroupMember | undefined): boolean {
    return (m?.Role ?? "").toUpperCase() === "PRIMARY";
}

function changing(g: GlobalReplicationGroup): boolean {
    return CACHE_CHANGING_STATUSES.includes(g.Status ?? "") || (g.Members ?? []).some((m) => CACHE_CHANGING_MEMBER_STATUSES.includes(m.Status ?? ""));
}

function memberList(g: GlobalReplicationGroup): string {
    return (g.Members ?? []).map((m) => `${m.ReplicationGroupId} (${m.ReplicationGroupRegion}, ${m.Role ?? "no role"})`).join(", ") || "none";
}

/**
 * Not named `describe`: the closure serializer leaves out any free variable whose name is a property of
 * `global`, so under mocha (whose `describe` is global) a provider serialized in the test process would call
 * mocha's function instead of this one.
 */
async function describeDatastore(client: ElastiCacheClient, id: string): Promise<GlobalReplicationGroup> {
    let out;
    try {
        out = await client.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: id, ShowMemberInfo: true }));
    } catch (e) {
        if (awsErrorName(e) === "GlobalReplicationGroupNotFoundFault") {
            throw refuse(
                "not-found",
                `Global Datastore ${id} was not found (${describeError(e)}); check globalReplicationGroupId (with its prefix) and the region called`,
            );
        }
        throw refuse("api-error", `DescribeGlobalReplicationGroups(${id}) failed: ${describeError(e)}`);
    }
    const g = out.GlobalReplicationGroups?.find((x) => x.GlobalReplicationGroupId === id);
    if (!g) throw refuse("not-found", `Global Datastore ${id} was not found; check globalReplicationGroupId (with its prefix) and the region called`);
    return g;
}

/** Who ElastiCache says the primary is, and whether the datastore is being changed. */
export interface LiveCachePrimary {
    readonly status?: string;
    /** Undefined when no member reports the primary role (mid-failover). */
    readonly primaryReplicationGroupId?: string;
    readonly primaryRegion?: string;
    /** A modification (e.g. a failover) or a member joining or leaving is under way. */
    readonly changing: boolean;
}

/**
 * Reads the live primary with one DescribeGlobalReplicationGroups call on `client`. Pass a client for the
 * target's region: it has to be up for the target to become primary, while the old primary's region may be
 * the failed one. Throws a CachePromotionError (api-error or not-found).
 */
export async function readCachePrimary(client: ElastiCacheClient, globalReplicationGroupId: string): Promise<LiveCachePrimary> {
    const g = await describeDatastore(client, globalReplicationGroupId);
    const primary = (g.Members ?? []).find(isPrimary);
    return {
        status: g.Status,
        ...(primary ? { primaryReplicationGroupId: primary.ReplicationGroupId, primaryRegion: primary.ReplicationGroupRegion } : {}),
        changing: changing(g),
    };
}

/** Why the live state differs from "target is the primary" (for the log), or undefined when it does not. */
export function cacheDrift(live: LiveCachePrimary, targetReplicationGroupId: string): string | undefined {
    if (live.changing) return `the Global Datastore is ${live.status ?? "changing"} (primary ${live.primaryReplicationGroupId ?? "none"})`;
    if (live.primaryReplicationGroupId !== targetReplicationGroupId)
        return `the live primary is ${live.primaryReplicationGroupId ?? "none"}, not ${targetReplicationGroupId}`;
    return undefined;
}

function seen(g: GlobalReplicationGroup, target: string): string {
    const t = (g.Members ?? []).find((m) => m.ReplicationGroupId === target);
    const primary = (g.Members ?? []).find(isPrimary)?.ReplicationGroupId;
    return `status ${g.Status ?? "unknown"}, primary ${primary ?? "none"}, ${target} ${t?.Role ?? "no role"}${t?.Status ? ` (${t.Status})` : ""}`;
}

/**
 * Makes `targetReplicationGroupId` the primary of the Global Datastore, or confirms it already is. Throws a
 * CachePromotionError naming the reason when the promotion must not start (bad request, target not a
 * member or in another region, datastore not available for a switchover), when an AWS call fails (quoted),
 * or when it does not finish in time.
 */
export async function promoteCacheMember(req: CachePromotionRequest, opts: CachePromotionOptions): Promise<CachePromotionResult> {
    const { globalReplicationGroupId: id, targetReplicationGroupId: target, targetRegion: region, mode } = req;
    const timing = resolveTiming(opts, { pollIntervalMs: 15_000, timeoutMs: 30 * 60_000 });
    const log = timing.log;
    if (!CACHE_PROMOTION_MODES.includes(mode))
        throw refuse("invalid-request", `mode: got ${JSON.stringify(mode)}; expected one of ${CACHE_PROMOTION_MODES.join(", ")}`);
    if (typeof id !== "string" || id.length === 0)
        throw refuse("invalid-request", `globalReplicationGroupId: got ${JSON.stringify(id)}; expected the Global Datastore's id`);
    if (typeof target !== "string" || target.length === 0)
        throw refuse(
            "invalid-request",
            `targetReplicationGroupId: got ${JSON.stringify(target)}; expected the id of this region's replication group`,
        );
    if (!isRegionName(region))
        throw refuse("invalid-request", `targetRegion: got ${JSON.stringify(region)}; expected a region name such as us-west-2`);
    // Every call goes to the target's region: in a failover the old primary's region may be down.
    const client = opts.client(region);
    const wait = (waitingFor: string, done: (g: GlobalReplicationGroup) => boolean) =>
        pollUntil(
            () => describeDatastore(client, id),
            done,
            (g) => seen(g, target),
            {
                ...timing,
                kind: CACHE_PROMOTION_ERROR,
                waitingFor,
                hint: "check the ElastiCache console, then run again (the promotion is idempotent)",
            },
        );

    let g = await describeDatastore(client, id);
    const previous = (g.Members ?? []).find(isPrimary)?.ReplicationGroupId;
    const member = (g.Members ?? []).find((m) => m.ReplicationGroupId === target);
    if (!member) {
        throw refuse(
            "not-a-member",
            `replication group ${target} is not a member of Global Datastore ${id} (members: ${memberList(g)}); it must join the datastore as a secondary before it can become the primary`,
        );
    }
    if (member.ReplicationGroupRegion !== undefined && member.ReplicationGroupRegion !== region) {
        throw refuse(
            "invalid-request",
            `targetRegion: got ${region}, but member ${target} of Global Datastore ${id} is in ${member.ReplicationGroupRegion}; pass the region the replication group is in`,
        );
    }
    if (changing(g)) {
        // A failover started by an earlier run (or by hand) shows as a modification; what it leads to is
        // only known once it settles, so settle first and decide after.
        log(`Global Datastore ${id} is ${g.Status}${isPrimary(member) ? "" : `; waiting for it before promoting ${target}`}`);
        g = await wait(`Global Datastore ${id} to finish its modification`, (x) => !changing(x));
        if (isPrimary((g.Members ?? []).find((m) => m.ReplicationGroupId === target))) {
            return {
                outcome: "awaited-in-progress",
                primaryReplicationGroupId: target,
                primaryRegion: region,
                previousPrimaryReplicationGroupId: previous,
            };
        }
    } else if (isPrimary(member)) {
        log(`${target} already is the primary of ${id}; nothing to do`);
        return { outcome: "already-primary", primaryReplicationGroupId: target, primaryRegion: region, previousPrimaryReplicationGroupId: previous };
    }
    if (mode === "switchover" && g.Status !== "available") {
        throw refuse(
            "not-available",
            `Global Datastore ${id} is ${g.Status ?? "in an unknown state"}; a planned switchover needs it available (use failoverMode unplanned only when the primary region is down)`,
        );
    }
    const before = (g.Members ?? []).find(isPrimary)?.ReplicationGroupId ?? previous;
    log(`FailoverGlobalReplicationGroup ${id} → ${target} (${region}, ${mode})`);
    await callAws(CACHE_PROMOTION_ERROR, `FailoverGlobalReplicationGroup(${id} → ${target} in ${region})`, () =>
        client.send(
            new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: id, PrimaryRegion: region, PrimaryReplicationGroupId: target }),
        ),
    );
    await wait(
        `${target} to become the primary of ${id}`,
        (x) => x.Status === "available" && !changing(x) && isPrimary((x.Members ?? []).find((m) => m.ReplicationGroupId === target)),
    );
    return {
        outcome: mode === "switchover" ? "switched-over" : "failed-over",
        primaryReplicationGroupId: target,
        primaryRegion: region,
        previousPrimaryReplicationGroupId: before,
    };
}
