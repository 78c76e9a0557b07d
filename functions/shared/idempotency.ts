import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "./errors";

/**
 * Idempotency records: one item per unit of work that must happen once (an accepted order, a payment), in the
 * idempotency table, a DynamoDB global table keyed by `idempotencyKey` with TTL on `expiresAt`.
 *
 * A claim is a conditional PutItem (`attribute_not_exists(idempotencyKey)`): the first delivery of a message
 * writes the item and does the work; a second delivery, in this region or replayed in another after a failover,
 * finds the item, does nothing, and returns the outcome the first one recorded (`complete`).
 *
 * What the global table guarantees, and what it does not. The table is a multi-Region eventually consistent
 * (MREC) global table: a conditional write is checked against this region's replica only, and replication to
 * the others is asynchronous, typically under a second. Conflicting writes to the same item in two regions
 * are resolved by last writer wins. So:
 * - a replay in another region after the claim has replicated (the normal case: a stranded message re-driven,
 *   or the reconciler resuming an order, minutes or hours later) sees the claim and is harmless;
 * - two regions processing the same key within the replication window (about a second) could both claim it,
 *   and last writer wins would silently keep one record. For an order that is one duplicate Step Functions
 *   execution, which is harmless because every saga step is idempotent; for a payment it would be two charge
 *   attempts.
 * The design keeps that window from turning into a double charge: an order enters one region's queue (the
 * storefront sends it once, to the region it is served from), so both regions only see the same order when
 * one of them replays it after a failover, long after replication; the payment claim is keyed by the orderId
 * (`payment#<orderId>`), not by the message, so every path to a charge meets the same record; and the charge
 * carries the same key to the payment gateway as the provider's own idempotency key, which is checked in one
 * place (the provider), not per region. Where even the window is unacceptable, the table could be a
 * multi-Region strong consistency (MRSC) global table, whose conditional writes are checked across regions, at
 * the price of cross-region write latency and its three-region layout.
 *
 * A claim is held while the work runs (`IN_PROGRESS`) and leased: a worker that dies mid-way (a timeout, a
 * crashed container) leaves a claim that a later delivery may take over once the lease has passed, so the
 * message is not dropped as a "duplicate" of work that never finished. A worker that fails cleanly releases
 * its claim at once (`release`), so the retry does not wait for the lease.
 */

export type ClaimResult = "claimed" | "duplicate";

export interface IdempotencyRecord {
    readonly idempotencyKey: string;
    readonly status: "IN_PROGRESS" | "COMPLETED";
    /** Epoch seconds: DynamoDB TTL deletes the record after this (typically within a few days of it). */
    readonly expiresAt: number;
    /** Epoch seconds until which an IN_PROGRESS claim belongs to its worker. */
    readonly leaseUntil: number;
    readonly result?: unknown;
}

export interface IdempotencyOptions {
    /** How long a claim belongs to its worker before another delivery may take it over. Default 900 s, the Lambda maximum timeout. */
    readonly leaseSeconds?: number;
    /** Clock, in epoch milliseconds (tests). */
    readonly now?: () => number;
}

/** The conditions, named so that the tests' fake table can interpret exactly these. */
export const CLAIM_CONDITION = "attribute_not_exists(idempotencyKey) OR (#status = :inProgress AND #leaseUntil < :now)";
export const COMPLETE_CONDITION = "attribute_exists(idempotencyKey)";
export const RELEASE_CONDITION = "#status = :inProgress";

export class Idempotency {
    private readonly leaseSeconds: number;
    private readonly now: () => number;

    constructor(
        private readonly ddb: DynamoDBDocumentClient,
        private readonly tableName: string,
        options: IdempotencyOptions = {},
    ) {
        this.leaseSeconds = options.leaseSeconds ?? 900;
        this.now = options.now ?? Date.now;
    }

    /** Claims `key` for `ttlSeconds` (how long a duplicate is recognised). "duplicate" when someone holds it or finished it. */
    async claim(key: string, ttlSeconds: number): Promise<ClaimResult> {
        const now = Math.floor(this.now() / 1000);
        const item: IdempotencyRecord = {
            idempotencyKey: key,
            status: "IN_PROGRESS",
            expiresAt: now + ttlSeconds,
            leaseUntil: now + this.leaseSeconds,
        };
        try {
            await this.ddb.send(
                new PutCommand({
                    TableName: this.tableName,
                    Item: item,
                    ConditionExpression: CLAIM_CONDITION,
                    ExpressionAttributeNames: { "#status": "status", "#leaseUntil": "leaseUntil" },
                    ExpressionAttributeValues: { ":inProgress": "IN_PROGRESS", ":now": now },
                }),
            );
            return "claimed";
        } catch (e) {
            if (isConditionalCheckFailed(e)) return "duplicate";
            throw e;
        }
    }

    /** Records the outcome of claimed work, so a duplicate returns it instead of redoing the work. */
    async complete(key: string, result: unknown): Promise<void> {
        await this.ddb.send(
            new UpdateCommand({
                TableName: this.tableName,
                Key: { idempotencyKey: key },
                UpdateExpression: "SET #status = :completed, #result = :result",
                ConditionExpression: COMPLETE_CONDITION,
                ExpressionAttributeNames: { "#status": "status", "#result": "result" },
                ExpressionAttributeValues: { ":completed": "COMPLETED", ":result": result ?? null },
            }),
        );
    }

    /** The record, read strongly consistent from this region's replica; undefined if none (or expired and removed). */
    async recorded(key: string): Promise<IdempotencyRecord | undefined> {
        const out = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: { idempotencyKey: key }, ConsistentRead: true }));
        return out.Item as IdempotencyRecord | undefined;
    }

    /** Gives up a claim whose work failed, so the retry can claim again at once. A completed record is kept. */
    async release(key: string): Promise<void> {
        try {
            await this.ddb.send(
                new DeleteCommand({
                    TableName: this.tableName,
                    Key: { idempotencyKey: key },
                    ConditionExpression: RELEASE_CONDITION,
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":inProgress": "IN_PROGRESS" },
                }),
            );
        } catch (e) {
            if (!isConditionalCheckFailed(e)) throw e;
        }
    }
}

/** Thrown when a duplicate finds the first worker still at it: retry later rather than report success too early. */
export class InProgressError extends Error {
    constructor(key: string) {
        super(`${key} is being processed by another invocation; retry later`);
        this.name = "InProgressError";
    }
}

/**
 * Runs `work` once per key: claims, runs, records the result. A duplicate gets the recorded result, or an
 * InProgressError while the first worker still holds the claim. A failure releases the claim and is rethrown.
 */
export async function once<T>(
    idem: Idempotency,
    key: string,
    ttlSeconds: number,
    work: () => Promise<T>,
): Promise<{ result: T; duplicate: boolean }> {
    if ((await idem.claim(key, ttlSeconds)) === "duplicate") {
        const rec = await idem.recorded(key);
        if (rec?.status === "COMPLETED") return { result: rec.result as T, duplicate: true };
        // No record: it expired between the claim and the read, or the claim was released; either way, not done.
        throw new InProgressError(key);
    }
    let result: T;
    try {
        result = await work();
    } catch (e) {
        await idem.release(key);
        throw e;
    }
    await idem.complete(key, result);
    return { result, duplicate: false };
}
