/**
 * Choosing the recovery point a backup-restore promotion restores Aurora from: the pure logic behind the
 * RestorePoint dynamic resource (components/restorePoint.ts), kept apart so it is tested against a mocked
 * RDS client.
 *
 * AWS Backup's cross-region copy actions leave Aurora recovery points in the standby region as cluster
 * snapshots that keep the source cluster's identifier. The newest one that is `available` is chosen: a copy
 * still `copying` or `creating` cannot be restored from yet. The list is filtered here rather than with
 * `DBClusterIdentifier` on the request, because that parameter must name a cluster that exists in the region
 * called (RDS API reference, DescribeDBClusterSnapshots), and the source cluster lives in the other region.
 *
 * This module is serialized into the dynamic provider's closure: it keeps no Set, Map or Error subclass.
 */
import { DescribeDBClusterSnapshotsCommand, type DBClusterSnapshot, type RDSClient } from "@aws-sdk/client-rds";
import { describeError, plainError } from "./providerErrors";

export interface RestorableSnapshot {
    readonly snapshotArn: string;
    /** ISO 8601. */
    readonly createdAt: string;
}

/** A refusal of the restore-point provider (a plain Error: see providerErrors.ts). */
export function restorePointError(message: string): Error {
    return plainError("RestorePointError", message);
}

/**
 * The newest available cluster snapshot of `sourceClusterIdentifier` in the client's region, or undefined
 * when there is none. Manual and automated snapshots are both considered (AWS Backup's Aurora copies are
 * listed as manual snapshots; an automated one of the source cannot exist in another region).
 */
export async function newestRestorableSnapshot(rds: RDSClient, sourceClusterIdentifier: string): Promise<RestorableSnapshot | undefined> {
    const found: DBClusterSnapshot[] = [];
    let marker: string | undefined;
    do {
        let out;
        try {
            out = await rds.send(new DescribeDBClusterSnapshotsCommand({ Marker: marker, MaxRecords: 100 }));
        } catch (e) {
            throw restorePointError(`DescribeDBClusterSnapshots failed: ${describeError(e)}`);
        }
        for (const s of out.DBClusterSnapshots ?? []) {
            const sameCluster = (s.DBClusterIdentifier ?? "").toLowerCase() === sourceClusterIdentifier.toLowerCase();
            if (sameCluster && s.Status === "available" && s.DBClusterSnapshotArn && s.SnapshotCreateTime) found.push(s);
        }
        marker = out.Marker;
    } while (marker);
    found.sort((a, b) => new Date(b.SnapshotCreateTime as Date).getTime() - new Date(a.SnapshotCreateTime as Date).getTime());
    const newest = found[0];
    if (!newest) return undefined;
    return { snapshotArn: newest.DBClusterSnapshotArn as string, createdAt: new Date(newest.SnapshotCreateTime as Date).toISOString() };
}
