/**
 * RPO by data store for a stack pair (the primary fails, the standby takes over): how much committed data
 * the standby may lack at that moment. Pure, from the two stacks' facts and the constants.
 */
import { Constants, cite } from "./constants";
import { AuroraFacts, StackFacts, TableFacts, UNKNOWN_JSON, replicaOf, replicatingSecondary, writerCluster } from "../plan";

export interface StoreRpo {
    /** "aurora" or "dynamodb:<table>". */
    readonly store: string;
    /** How the standby holds the data: live replication, or restore from a copied backup. */
    readonly mode: "replication" | "backup-copy" | "none";
    /** Seconds of data loss for an unplanned failover; null when it cannot be estimated (see restsOn). */
    readonly unplannedSeconds: number | null;
    /** Seconds of data loss for a planned switchover. */
    readonly plannedSeconds: number | null;
    readonly restsOn: readonly string[];
}

export interface BackupPath {
    readonly intervalSeconds: number | null;
    readonly restsOn: readonly string[];
}

/**
 * How a store's data reaches the standby by backup: the primary's backup rules that copy to the standby's
 * region, whether a selection covers the store, and the shortest such rule's interval. `storeUrn` identifies
 * the store when its ARN is not known yet (a preview): selections then name it by URN (src/plan/facts.ts).
 */
export function backupPath(p: StackFacts, s: StackFacts, storeArn: string | undefined, storeLabel: string, storeUrn?: string): BackupPath {
    const rules = p.backupRules.filter((r) => r.copyRegions.includes(s.region));
    if (p.backupRules.length === 0)
        return { intervalSeconds: null, restsOn: [`no AWS Backup plan planned in stack ${p.stack}: ${storeLabel} has no copy in ${s.region}`] };
    const pendingCopies = p.backupRules.filter((r) => (r.unknownCopyDestinations ?? 0) > 0);
    if (pendingCopies.length) {
        return {
            intervalSeconds: null,
            restsOn: [
                `backup rule(s) ${pendingCopies.map((r) => `"${r.rule}" of ${r.plan}`).join(", ")} in stack ${p.stack} copy to a vault whose ARN is unknown until deployment: whether ${storeLabel} has a copy in ${s.region}, and how often, is not known`,
            ],
        };
    }
    if (rules.length === 0)
        return {
            intervalSeconds: null,
            restsOn: [`no backup rule in stack ${p.stack} copies to a vault in ${s.region}: ${storeLabel} has no copy there`],
        };
    if (p.backupSelected === undefined)
        return {
            intervalSeconds: null,
            restsOn: [`no backup selection in stack ${p.stack}: the plan backs up nothing, so ${storeLabel} has no copy in ${s.region}`],
        };
    const covers = (sel: readonly string[]) =>
        sel.includes("*") ||
        (storeArn === undefined && storeUrn === undefined) ||
        (storeArn !== undefined && sel.includes(storeArn)) ||
        (storeUrn !== undefined && sel.includes(storeUrn)) ||
        sel.includes(UNKNOWN_JSON);
    const coveringRules = rules.filter((r) => covers(r.selected));
    if (coveringRules.length === 0)
        return {
            intervalSeconds: null,
            restsOn: [`no backup selection in stack ${p.stack} names ${storeLabel} (${storeArn}) in a plan that copies to ${s.region}`],
        };
    const readable = coveringRules.filter((r) => r.intervalSeconds !== undefined);
    if (readable.length === 0)
        return {
            intervalSeconds: null,
            restsOn: [
                `backup schedule ${coveringRules.map((r) => r.schedule ?? "(none)").join(", ")} in stack ${p.stack} could not be read as an interval`,
            ],
        };
    const best = readable.reduce((a, b) => ((a.intervalSeconds as number) <= (b.intervalSeconds as number) ? a : b));
    return {
        intervalSeconds: best.intervalSeconds as number,
        restsOn: [
            `backup rule "${best.rule}" of ${best.plan} in stack ${p.stack}: schedule ${best.schedule} = a job every ${(best.intervalSeconds as number) / 3600} h, copied to ${s.region}`,
        ],
    };
}

function auroraRpo(p: StackFacts, s: StackFacts, c: Constants): StoreRpo | undefined {
    const writer: AuroraFacts | undefined = writerCluster(p);
    if (!writer) return undefined;
    const secondary = replicatingSecondary(writer, s);
    if (secondary?.global) {
        const lag = c.values.auroraReplicationLagSeconds;
        return {
            store: "aurora",
            mode: "replication",
            unplannedSeconds: lag,
            plannedSeconds: 0,
            restsOn: [
                `${s.stack} has Aurora cluster ${secondary.name} in the global cluster (${secondary.instanceClasses.length} instance(s)): storage-level replication`,
                `unplanned: managed failover with data loss loses the replication lag, ${cite(c, "auroraReplicationLagSeconds")}`,
                "planned: managed switchover waits for the secondary to catch up (RPO 0)",
            ],
        };
    }
    const path = backupPath(p, s, writer.arn, `Aurora cluster ${writer.name}`, writer.urn);
    const secs = path.intervalSeconds === null ? null : path.intervalSeconds + c.values.backupCopySeconds;
    return {
        store: "aurora",
        mode: path.intervalSeconds === null ? "none" : "backup-copy",
        unplannedSeconds: secs,
        plannedSeconds: secs,
        restsOn: [
            `${s.stack} has no Aurora secondary: the data comes from the latest copied recovery point`,
            ...path.restsOn,
            ...(secs === null ? [] : [`plus the copy time, ${cite(c, "backupCopySeconds")}`]),
        ],
    };
}

function tableRpo(t: TableFacts, p: StackFacts, s: StackFacts, c: Constants): StoreRpo {
    // By the table's ARN; failing that (a policy sees no outputs) by the table name at the end of either.
    const replica = replicaOf(t, s.replicas);
    const inline = t.inlineReplicaRegions.includes(s.region);
    if (replica || inline) {
        const strong = t.strong || replica?.strong === true;
        const lag = strong ? 0 : c.values.dynamoReplicationLagSeconds;
        return {
            store: `dynamodb:${t.name}`,
            mode: "replication",
            unplannedSeconds: lag,
            plannedSeconds: 0,
            restsOn: [
                `${s.stack} holds a replica of table ${t.name} (${replica ? `TableReplica ${replica.name}` : "declared on the table"})`,
                strong
                    ? "multi-region strong consistency (MRSC): RPO 0"
                    : `multi-region eventual consistency (MREC): ${cite(c, "dynamoReplicationLagSeconds")}`,
            ],
        };
    }
    const path = backupPath(p, s, t.arn, `table ${t.name}`, t.urn);
    const secs = path.intervalSeconds === null ? null : path.intervalSeconds + c.values.backupCopySeconds;
    // A planned recovery (the source region answers) restores by cross-region PITR to the latest restorable time.
    const planned = t.pitr ? c.values.dynamoPitrLatestSeconds : secs;
    return {
        store: `dynamodb:${t.name}`,
        mode: path.intervalSeconds === null ? "none" : "backup-copy",
        unplannedSeconds: secs,
        plannedSeconds: planned,
        restsOn: [
            `${s.stack} holds no replica of table ${t.name}: the data comes from the latest copied recovery point`,
            ...path.restsOn,
            ...(secs === null ? [] : [`plus the copy time, ${cite(c, "backupCopySeconds")}`]),
            ...(t.pitr
                ? [
                      `planned (the source answers): point-in-time restore of ${t.name} to its latest restorable time, ${cite(c, "dynamoPitrLatestSeconds")}`,
                  ]
                : []),
        ],
    };
}

/** RPO of every data store the primary holds, for recovery into the standby. */
export function rpoByStore(p: StackFacts, s: StackFacts, c: Constants): StoreRpo[] {
    const out: StoreRpo[] = [];
    const a = auroraRpo(p, s, c);
    if (a) out.push(a);
    for (const t of p.tables) out.push(tableRpo(t, p, s, c));
    return out;
}

export interface RpoEstimate {
    readonly unplannedSeconds: number | null;
    readonly plannedSeconds: number | null;
    /** The store whose loss is largest (unplanned). */
    readonly dominant?: string;
    readonly stores: readonly StoreRpo[];
    readonly restsOn: readonly string[];
}

/** The pair's RPO: the worst store. Unknown (null) when any store's RPO is unknown, or when no store is planned. */
export function estimateRpo(p: StackFacts, s: StackFacts, c: Constants): RpoEstimate {
    const stores = rpoByStore(p, s, c);
    if (stores.length === 0) {
        return {
            unplannedSeconds: null,
            plannedSeconds: null,
            stores,
            restsOn: [`no Aurora cluster and no DynamoDB table planned in stack ${p.stack}: nothing to estimate an RPO for`],
        };
    }
    const worst = (k: "unplannedSeconds" | "plannedSeconds"): number | null =>
        stores.some((x) => x[k] === null) ? null : Math.max(...stores.map((x) => x[k] as number));
    const unplanned = worst("unplannedSeconds");
    const dominant = [...stores].sort((a, b) => (b.unplannedSeconds ?? Infinity) - (a.unplannedSeconds ?? Infinity))[0];
    return {
        unplannedSeconds: unplanned,
        plannedSeconds: worst("plannedSeconds"),
        dominant: dominant?.store,
        stores,
        restsOn: stores.flatMap((x) => x.restsOn.map((r) => `${x.store}: ${r}`)),
    };
}
