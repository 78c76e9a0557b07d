/**
 * Making the EFS replica in the target's region writable, and replicating back for the failback: the pure
 * logic behind the file system's promotion resource, kept apart so it is tested against a mocked EFS
 * client. Same skeleton as the Aurora writer move (src/promotion.ts).
 *
 * EFS facts this relies on (Amazon EFS user guide and API reference):
 * - A replication destination is read-only. Deleting the replication configuration is how one fails over
 *   to it: "the destination file system becomes writeable and its replication overwrite protection is
 *   re-enabled", which "can take several minutes"; the configuration may be deleted "from either the source
 *   or the destination file system" (https://docs.aws.amazon.com/efs/latest/ug/delete-replications.html).
 *   So promotion calls only the target's (destination's) region.
 * - DeleteReplicationConfiguration takes the source file system's id, and a DeletionMode:
 *   ALL_CONFIGURATIONS (default) deletes the configuration on both sides; LOCAL_CONFIGURATION_ONLY, "only in
 *   the case that Amazon EFS is unable to delete the replication configuration in both" regions, deletes
 *   this side's only (https://docs.aws.amazon.com/efs/latest/ug/API_DeleteReplicationConfiguration.html).
 * - A file system's ReplicationOverwriteProtection reads ENABLED (writable, cannot be a destination),
 *   DISABLED (may become a destination) or REPLICATING (is a destination, read-only); deleting the
 *   configuration re-enables it (the SDK's FileSystemProtectionDescription). While it is REPLICATING it
 *   cannot be changed ("ReplicationAlreadyExists: ReplicationOverwriteProtection cannot be changed while the
 *   file system is a replication destination", hashicorp/terraform-provider-aws#37790), and a provider that
 *   declares DISABLED sees REPLICATING on read-back (pulumi/pulumi-aws#6041): REPLICATING is a valid
 *   "replication in place" state here, never one to correct.
 * - Replicating into an existing file system (the failback onto the original) needs its protection DISABLED
 *   first; EFS then overwrites it to match the source (CreateReplicationConfiguration's DestinationToCreate).
 *
 * Serialized into a dynamic provider like src/globalWriter.ts: plain values and functions only at top level.
 */
import {
    CreateReplicationConfigurationCommand,
    DeleteReplicationConfigurationCommand,
    type DeletionMode,
    DescribeFileSystemsCommand,
    DescribeReplicationConfigurationsCommand,
    type EFSClient,
    type ReplicationConfigurationDescription,
    UpdateFileSystemProtectionCommand,
} from "@aws-sdk/client-efs";
import {
    type PromotionError,
    type PromotionErrorCode,
    type PromotionOptions,
    type ResolvedTiming,
    awsErrorName,
    callAws,
    isPromotionError,
    isRegionName,
    parseArn,
    pollUntil,
    promotionError,
    resolveTiming,
} from "./promotion";
import { describeError } from "./providerErrors";

export type FilesPromotionMode = "switchover" | "failover";
export const FILES_PROMOTION_MODES: readonly FilesPromotionMode[] = ["switchover", "failover"];

export interface FilesPromotionRequest {
    /** The file system that must become writable (the replica), an id (fs-…) or ARN, in targetRegion. */
    readonly fileSystemId: string;
    readonly targetRegion: string;
    readonly mode: FilesPromotionMode;
}

/** Timings default to a poll every 15 000 ms and a 30-minute timeout. */
export type FilesPromotionOptions = PromotionOptions<EFSClient>;

export type FilesPromotionOutcome = "already-writable" | "already-source" | "promoted" | "awaited-in-progress" | "protection-enabled";

export interface FilesPromotionResult {
    readonly outcome: FilesPromotionOutcome;
    readonly fileSystemId: string;
    /** The file system it was replicated from, when it was a destination. */
    readonly previousSourceFileSystemId?: string;
    readonly previousSourceRegion?: string;
    /** How the configuration was deleted, when this run deleted it. */
    readonly deletionMode?: DeletionMode;
}

export const FILES_PROMOTION_ERROR = "FilesPromotionError";
export type FilesPromotionError = PromotionError<PromotionErrorCode>;

export function isFilesPromotionError(e: unknown): e is FilesPromotionError {
    return isPromotionError(e, FILES_PROMOTION_ERROR);
}

function refuse(code: PromotionErrorCode, message: string): FilesPromotionError {
    return promotionError(FILES_PROMOTION_ERROR, code, message);
}

/** The bare id of a file system id or ARN (arn:…:elasticfilesystem:REGION:ACCOUNT:file-system/fs-…). */
function idOf(fileSystem: string): string {
    const p = parseArn(fileSystem);
    const m = p && p.service === "elasticfilesystem" ? /^file-system\/(fs-[0-9a-f]+)$/.exec(p.resource) : null;
    return m ? m[1] : fileSystem;
}

/** Checks a file system id or ARN and that an ARN's region is `region`; returns the bare id. */
function checkFileSystem(property: string, value: unknown, region: string): string {
    const hint = "expected a file system id (fs-…) or its ARN";
    if (typeof value !== "string") throw refuse("invalid-request", `${property}: got ${JSON.stringify(value)}; ${hint}`);
    if (/^fs-[0-9a-f]{8,40}$/.test(value)) return value;
    const p = parseArn(value);
    if (!p || p.service !== "elasticfilesystem" || !/^file-system\/fs-[0-9a-f]{8,40}$/.test(p.resource))
        throw refuse("invalid-request", `${property}: got ${JSON.stringify(value)}; ${hint}`);
    if (p.region !== region)
        throw refuse("invalid-request", `${property}: ${value} is in ${p.region}, not ${region}; pass the region the file system is in`);
    return idOf(value);
}

/** A file system's place in replication, as its own region reports it. */
export interface FileSystemRole {
    readonly role: "source" | "destination" | "standalone";
    /** The destination's replication status (ENABLED, ENABLING, DELETING, PAUSED, PAUSING, ERROR) when it is one. */
    readonly status?: string;
    readonly statusMessage?: string;
    readonly sourceFileSystemId?: string;
    readonly sourceRegion?: string;
    /** Its destinations, when it is a source. */
    readonly destinations?: readonly { readonly fileSystemId?: string; readonly region?: string; readonly status?: string }[];
    /** ReplicationOverwriteProtection: ENABLED, DISABLED or REPLICATING. */
    readonly protection?: string;
}

async function describeReplication(client: EFSClient, fs: string): Promise<ReplicationConfigurationDescription | undefined> {
    try {
        const out = await client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fs }));
        return out.Replications?.[0];
    } catch (e) {
        // A file system in no replication configuration: EFS answers ReplicationNotFound rather than an empty list.
        if (awsErrorName(e) === "ReplicationNotFound") return undefined;
        if (awsErrorName(e) === "FileSystemNotFound")
            throw refuse("not-found", `file system ${fs} was not found (${describeError(e)}); check the id and the region called`);
        throw refuse("api-error", `DescribeReplicationConfigurations(${fs}) failed: ${describeError(e)}`);
    }
}

async function protectionOf(client: EFSClient, fs: string): Promise<string | undefined> {
    let out;
    try {
        out = await client.send(new DescribeFileSystemsCommand({ FileSystemId: fs }));
    } catch (e) {
        if (awsErrorName(e) === "FileSystemNotFound")
            throw refuse("not-found", `file system ${fs} was not found (${describeError(e)}); check the id and the region called`);
        throw refuse("api-error", `DescribeFileSystems(${fs}) failed: ${describeError(e)}`);
    }
    const d = out.FileSystems?.find((f) => f.FileSystemId === fs);
    if (!d) throw refuse("not-found", `file system ${fs} was not found; check the id and the region called`);
    return d.FileSystemProtection?.ReplicationOverwriteProtection;
}

/**
 * Reads a file system's replication role and overwrite protection (DescribeReplicationConfigurations and
 * DescribeFileSystems) on `client`, which must be a client for the file system's own region. For a dynamic
 * provider's diff: "writable" is role standalone or source with protection other than REPLICATING.
 */
export async function readFileSystemRole(client: EFSClient, fileSystemId: string): Promise<FileSystemRole> {
    const fs = idOf(fileSystemId);
    const config = await describeReplication(client, fs);
    const protection = await protectionOf(client, fs);
    if (!config) return { role: "standalone", protection };
    if (config.SourceFileSystemId === fs) {
        return {
            role: "source",
            protection,
            destinations: (config.Destinations ?? []).map((d) => ({ fileSystemId: d.FileSystemId, region: d.Region, status: d.Status })),
        };
    }
    const dest = (config.Destinations ?? []).find((d) => d.FileSystemId === fs);
    return {
        role: "destination",
        protection,
        sourceFileSystemId: config.SourceFileSystemId,
        sourceRegion: config.SourceFileSystemRegion,
        ...(dest?.Status ? { status: dest.Status } : {}),
        ...(dest?.StatusMessage ? { statusMessage: dest.StatusMessage } : {}),
    };
}

/** Whether the file system takes writes: in no configuration as a destination, and its protection no longer REPLICATING. */
/**
 * Whether EFS lets clients write the file system: not a destination, and its overwrite protection neither
 * REPLICATING nor DISABLED ("The file system is read-only and can only be modified by EFS replication", the
 * FileSystemProtectionDescription of the EFS API reference: a file system made ready to receive a replication).
 */
export function isWritable(r: FileSystemRole): boolean {
    return r.role !== "destination" && r.protection !== "REPLICATING" && r.protection !== "DISABLED";
}

function describeRole(r: FileSystemRole): string {
    if (r.role === "destination")
        return `destination of ${r.sourceFileSystemId} (${r.sourceRegion ?? "unknown region"}), ${r.status ?? "unknown status"}`;
    return `${r.role}, protection ${r.protection ?? "unknown"}`;
}

function waitWritable(client: EFSClient, fs: string, timing: ResolvedTiming, mode: FilesPromotionMode): Promise<FileSystemRole> {
    return pollUntil(() => readFileSystemRole(client, fs), isWritable, describeRole, {
        ...timing,
        kind: FILES_PROMOTION_ERROR,
        waitingFor: `file system ${fs} to become writable`,
        hint:
            mode === "failover"
                ? "check the EFS console, then run again (the promotion is idempotent); if the source region cannot be reached, the deletion may need LOCAL_CONFIGURATION_ONLY"
                : "check the EFS console, then run again (the promotion is idempotent)",
    });
}

/**
 * Makes `fileSystemId` writable by deleting the replication configuration it is the destination of, calling
 * only `targetRegion`, and waits until it is. A file system that is standalone or a source is left alone;
 * a deletion under way is awaited. A planned switchover refuses a replication that is not ENABLED (its
 * last sync may be stale); a failover deletes whatever state the replication is in and, when EFS cannot
 * delete both sides (the source's region is down), deletes this side's only.
 */
export async function promoteFileSystem(req: FilesPromotionRequest, opts: FilesPromotionOptions): Promise<FilesPromotionResult> {
    const { targetRegion: region, mode } = req;
    const timing = resolveTiming(opts, { pollIntervalMs: 15_000, timeoutMs: 30 * 60_000 });
    const log = timing.log;
    if (!FILES_PROMOTION_MODES.includes(mode))
        throw refuse("invalid-request", `mode: got ${JSON.stringify(mode)}; expected one of ${FILES_PROMOTION_MODES.join(", ")}`);
    if (!isRegionName(region))
        throw refuse("invalid-request", `targetRegion: got ${JSON.stringify(region)}; expected a region name such as us-west-2`);
    const fs = checkFileSystem("fileSystemId", req.fileSystemId, region);
    // Every call goes to the target's region: in a failover the source's region may be down.
    const client = opts.client(region);

    const r = await readFileSystemRole(client, fs);
    if (r.role === "source") {
        log(`${fs} is the source of its replication (to ${(r.destinations ?? []).map((d) => d.fileSystemId).join(", ") || "none"}); nothing to do`);
        return { outcome: "already-source", fileSystemId: fs };
    }
    if (r.role === "standalone") {
        if (r.protection === "DISABLED") {
            // Made ready to receive a replication that never came (or was deleted before EFS re-enabled it): read-only
            // until its protection is on again.
            log(`UpdateFileSystemProtection ${fs} ReplicationOverwriteProtection ENABLED (it is in no replication, and read-only while DISABLED)`);
            await callAws(FILES_PROMOTION_ERROR, `UpdateFileSystemProtection(${fs}, ENABLED)`, () =>
                client.send(new UpdateFileSystemProtectionCommand({ FileSystemId: fs, ReplicationOverwriteProtection: "ENABLED" })),
            );
            await waitWritable(client, fs, timing, mode);
            return { outcome: "protection-enabled", fileSystemId: fs };
        }
        if (r.protection !== "REPLICATING") {
            log(`${fs} is in no replication configuration and writable; nothing to do`);
            return { outcome: "already-writable", fileSystemId: fs };
        }
        // The configuration is gone but EFS has not finished making the file system writable.
        log(`${fs} is in no replication configuration but still read-only (protection REPLICATING); waiting for it`);
        await waitWritable(client, fs, timing, mode);
        return { outcome: "awaited-in-progress", fileSystemId: fs };
    }
    const previous = { previousSourceFileSystemId: r.sourceFileSystemId, previousSourceRegion: r.sourceRegion };
    if (r.status === "DELETING") {
        log(`the replication from ${r.sourceFileSystemId} into ${fs} is already being deleted; waiting for it`);
        await waitWritable(client, fs, timing, mode);
        return { outcome: "awaited-in-progress", fileSystemId: fs, ...previous };
    }
    if (mode === "switchover" && r.status !== "ENABLED") {
        throw refuse(
            "not-available",
            `the replication from ${r.sourceFileSystemId} (${r.sourceRegion}) into ${fs} is ${r.status ?? "in an unknown state"}${r.statusMessage ? ` (${r.statusMessage})` : ""}; a planned switchover needs it ENABLED (use failoverMode unplanned only when the source region is down)`,
        );
    }
    const source = r.sourceFileSystemId!;
    const del = (deletionMode: DeletionMode) =>
        client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: source, DeletionMode: deletionMode }));
    let deletionMode: DeletionMode = "ALL_CONFIGURATIONS";
    log(`DeleteReplicationConfiguration ${source} → ${fs} (${deletionMode}) in ${region}`);
    if (mode === "switchover") {
        await callAws(FILES_PROMOTION_ERROR, `DeleteReplicationConfiguration(${source} → ${fs}, ${deletionMode})`, () => del(deletionMode));
    } else {
        try {
            await del(deletionMode);
        } catch (first) {
            // The user guide's case for a local-only deletion: EFS cannot delete the configuration on both
            // sides, as when the source's region is the one that failed. The source's side is then left for
            // the failback to clear (restoreReplication refuses until it is gone).
            deletionMode = "LOCAL_CONFIGURATION_ONLY";
            log(`deleting both sides failed (${describeError(first)}); deleting this region's side only (${deletionMode})`);
            await callAws(
                FILES_PROMOTION_ERROR,
                `DeleteReplicationConfiguration(${source} → ${fs}) with ALL_CONFIGURATIONS (${describeError(first)}) and then ${deletionMode}`,
                () => del(deletionMode),
            );
        }
    }
    await waitWritable(client, fs, timing, mode);
    return { outcome: "promoted", fileSystemId: fs, ...previous, deletionMode };
}

export interface RestoreReplicationRequest {
    /** The file system that now takes writes (the promoted replica). */
    readonly sourceFileSystemId: string;
    readonly sourceRegion: string;
    /** The existing file system to replicate into (the original, to fail back onto); EFS overwrites it. */
    readonly destinationFileSystemId: string;
    readonly destinationRegion: string;
}

export type RestoreReplicationOutcome = "already-replicating" | "replication-created" | "awaited-in-progress";

export interface RestoreReplicationResult {
    readonly outcome: RestoreReplicationOutcome;
    /** Whether this run disabled the destination's replication overwrite protection. */
    readonly protectionDisabled: boolean;
}

/**
 * The failback's first leg: replicates `sourceFileSystemId` into the existing `destinationFileSystemId`
 * (the original), after disabling the destination's replication overwrite protection, and waits until the
 * replication is ENABLED. Idempotent: an equivalent replication that is ENABLED is left alone, one still
 * ENABLING is awaited. Refuses when either file system is in another replication (the source still a
 * replica, the destination a source or another's replica), naming it. Calls both regions: a failback needs
 * both up. The second leg (promoting the original again, then replicating the other way) is
 * `promoteFileSystem` and this function with the roles swapped.
 */
export async function restoreReplication(req: RestoreReplicationRequest, opts: FilesPromotionOptions): Promise<RestoreReplicationResult> {
    const timing = resolveTiming(opts, { pollIntervalMs: 15_000, timeoutMs: 30 * 60_000 });
    const log = timing.log;
    if (!isRegionName(req.sourceRegion))
        throw refuse("invalid-request", `sourceRegion: got ${JSON.stringify(req.sourceRegion)}; expected a region name such as us-east-1`);
    if (!isRegionName(req.destinationRegion))
        throw refuse("invalid-request", `destinationRegion: got ${JSON.stringify(req.destinationRegion)}; expected a region name such as us-east-1`);
    const src = checkFileSystem("sourceFileSystemId", req.sourceFileSystemId, req.sourceRegion);
    const dst = checkFileSystem("destinationFileSystemId", req.destinationFileSystemId, req.destinationRegion);
    const srcClient = opts.client(req.sourceRegion);
    const dstClient = opts.client(req.destinationRegion);
    const ours = (r: FileSystemRole) =>
        (r.destinations ?? []).find((d) => d.fileSystemId === dst && (d.region ?? req.destinationRegion) === req.destinationRegion);
    const waitEnabled = () =>
        pollUntil(
            async () => {
                const r = await readFileSystemRole(srcClient, src);
                // ERROR is not left by waiting: stop and say so rather than time out.
                if (ours(r)?.status === "ERROR") {
                    throw refuse(
                        "not-available",
                        `the replication from ${src} into ${dst} (${req.destinationRegion}) is in ERROR; check the EFS console, delete it, then run again`,
                    );
                }
                return r;
            },
            (r) => r.role === "source" && ours(r)?.status === "ENABLED",
            (r) => (r.role === "source" ? `replication into ${dst}: ${ours(r)?.status ?? "absent"}` : describeRole(r)),
            {
                ...timing,
                kind: FILES_PROMOTION_ERROR,
                waitingFor: `the replication from ${src} into ${dst} to be ENABLED`,
                hint: "check the EFS console, then run again (restoring is idempotent)",
            },
        );

    const s = await readFileSystemRole(srcClient, src);
    if (s.role === "destination") {
        throw refuse(
            "not-available",
            `${src} is itself the destination of a replication from ${s.sourceFileSystemId} (${s.sourceRegion}), so it is read-only; promote it first`,
        );
    }
    if (s.role === "source") {
        const d = ours(s);
        if (!d) {
            throw refuse(
                "not-available",
                `${src} already replicates to ${(s.destinations ?? []).map((x) => `${x.fileSystemId} (${x.region})`).join(", ")}; a file system has one replication configuration: delete that one first`,
            );
        }
        if (d.status === "ENABLED") {
            log(`${src} already replicates into ${dst}; nothing to do`);
            return { outcome: "already-replicating", protectionDisabled: false };
        }
        if (d.status === "ENABLING") {
            log(`the replication from ${src} into ${dst} is ENABLING; waiting for it`);
            await waitEnabled();
            return { outcome: "awaited-in-progress", protectionDisabled: false };
        }
        throw refuse(
            d.status === "DELETING" ? "in-progress" : "not-available",
            `the replication from ${src} into ${dst} is ${d.status ?? "in an unknown state"}; wait for or fix it in the EFS console (delete it to start over), then run again`,
        );
    }

    const t = await readFileSystemRole(dstClient, dst);
    if (t.role !== "standalone") {
        throw refuse(
            "not-available",
            `${dst} is in a replication (${describeRole(t)}); it must be in none before it can receive ${src}'s: delete that configuration first (after a failover that could only delete its own side, this is the source side left behind)`,
        );
    }
    let protectionDisabled = false;
    if (t.protection === "REPLICATING") {
        // No configuration names it, yet EFS still reports it as a destination: a deletion is finishing.
        throw refuse(
            "in-progress",
            `${dst} still reports replication overwrite protection REPLICATING although no replication names it; wait a few minutes, then run again`,
        );
    }
    if (t.protection !== "DISABLED") {
        log(`UpdateFileSystemProtection ${dst} ReplicationOverwriteProtection DISABLED (EFS will overwrite it with ${src}'s data)`);
        const out = await callAws(FILES_PROMOTION_ERROR, `UpdateFileSystemProtection(${dst}, DISABLED)`, () =>
            dstClient.send(new UpdateFileSystemProtectionCommand({ FileSystemId: dst, ReplicationOverwriteProtection: "DISABLED" })),
        );
        if (out.ReplicationOverwriteProtection !== undefined && out.ReplicationOverwriteProtection !== "DISABLED") {
            throw refuse(
                "not-available",
                `UpdateFileSystemProtection(${dst}, DISABLED) answered ${out.ReplicationOverwriteProtection}; check the file system, then run again`,
            );
        }
        protectionDisabled = true;
    }
    log(`CreateReplicationConfiguration ${src} (${req.sourceRegion}) → ${dst} (${req.destinationRegion})`);
    await callAws(FILES_PROMOTION_ERROR, `CreateReplicationConfiguration(${src} → ${dst} in ${req.destinationRegion})`, () =>
        srcClient.send(
            new CreateReplicationConfigurationCommand({
                SourceFileSystemId: src,
                Destinations: [{ FileSystemId: dst, Region: req.destinationRegion }],
            }),
        ),
    );
    await waitEnabled();
    return { outcome: "replication-created", protectionDisabled };
}
