import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { intEnv, requireEnv, type Env } from "../shared/config";
import { errorName, isConditionalCheckFailed, PermanentError } from "../shared/errors";
import { Idempotency, InProgressError, once } from "../shared/idempotency";
import { consoleLogger, type Logger } from "../shared/log";
import { validateOrder, type Order, type OrderItem } from "../shared/order";

/**
 * The fulfilment saga's task handlers: reserveInventory, takePayment, confirmOrder, and the compensations
 * releaseReservation, refundPayment and markFailed.
 *
 * One deployment package and one function, dispatching on `action`, rather than six functions: the steps of
 * one order run back to back, so one function keeps its containers warm for the next step instead of paying
 * six cold starts; and it is one role, one log group, one reserved-concurrency setting and one alarm for the
 * pipeline's config to size. The price is a role that covers every step (the orders, ledger, inventory and
 * idempotency tables), which are the same few tables either way. Each action is also exported on its own.
 *
 * Every action is idempotent, because a Standard state machine retries a task whose Lambda call failed after
 * it had done its work, and because an order can have an execution in two regions (a stranded one resuming
 * when its region returns, and the recovery region's reconciler's).
 *
 * Task input (the state machine's Payload, src/orderSaga.ts SagaTaskPayload): `{ action, orderId, order,
 * executionId, failure? }`, where `order` is the execution input (the order) and `failure` is what a Catch
 * captured (`{ Error, Cause }`), for markFailed.
 */

export const ACTIONS = ["reserveInventory", "takePayment", "confirmOrder", "releaseReservation", "refundPayment", "markFailed"] as const;
export type Action = (typeof ACTIONS)[number];

export interface FulfilmentEvent {
    readonly action: Action;
    readonly order: Order;
    /** markFailed: what the saga's Catch captured (src/orderSaga.ts SagaTaskPayload). */
    readonly failure?: { readonly Error?: string; readonly Cause?: string };
}

export interface ChargeRequest {
    /** Sent to the provider as its idempotency key: a second request with it returns the first charge. */
    readonly idempotencyKey: string;
    readonly orderId: string;
    readonly customerId: string;
    readonly amount: number;
    readonly currency: string;
}
export interface Charge {
    readonly paymentId: string;
    readonly amount: number;
    readonly currency: string;
}
export interface RefundRequest {
    readonly idempotencyKey: string;
    readonly orderId: string;
    readonly paymentId: string;
    readonly amount: number;
    readonly currency: string;
}

/**
 * The payment provider. A real one (a card processor) takes an idempotency key per request and answers a
 * repeated key with the first result. There is no provider in this project: the default records charges and
 * refunds in a ledger table with the same semantics (a conditional write per key), so the saga and its tests
 * exercise the once-only logic, but no money moves. A declined charge is a PermanentError named PaymentDeclined.
 */
export interface PaymentGateway {
    charge(req: ChargeRequest): Promise<Charge>;
    refund(req: RefundRequest): Promise<{ readonly refundId: string }>;
}

/**
 * Stock holds. No inventory system exists here either: the default keeps stock counts in an inventory table
 * (`sku` → `available`) and the hold in the ledger table, updated in one transaction.
 */
export interface InventoryService {
    reserve(order: Order): Promise<{ readonly reservationId: string }>;
    /** Returns the stock of a held reservation; false when there was none or it was already released. */
    release(orderId: string): Promise<{ readonly released: boolean }>;
}

export interface FulfilmentConfig {
    readonly ordersTable: string;
    readonly idempotencyTable: string;
    readonly ledgerTable: string;
    readonly inventoryTable: string;
    /** How long a payment or refund is recognised as done. Default 30 days, beyond any execution's life here. */
    readonly idempotencyTtlSeconds: number;
}

export function configFromEnv(env: Env): FulfilmentConfig {
    return {
        ordersTable: requireEnv(env, "ORDERS_TABLE", "the orders global table"),
        idempotencyTable: requireEnv(env, "IDEMPOTENCY_TABLE", "the idempotency global table"),
        ledgerTable: requireEnv(env, "LEDGER_TABLE", "the payment and reservation ledger"),
        inventoryTable: requireEnv(env, "INVENTORY_TABLE", "the stock counts by SKU"),
        idempotencyTtlSeconds: intEnv(env, "IDEMPOTENCY_TTL_SECONDS", 30 * 24 * 3600),
    };
}

export interface FulfilmentDeps {
    readonly config: FulfilmentConfig;
    readonly ddb: DynamoDBDocumentClient;
    readonly payments: PaymentGateway;
    readonly inventory: InventoryService;
    readonly logger: Logger;
    readonly now: () => number;
}

/** The ledger's default payment gateway: one item per charge or refund key, written once. */
export class LedgerPaymentGateway implements PaymentGateway {
    constructor(
        private readonly ddb: DynamoDBDocumentClient,
        private readonly ledgerTable: string,
        private readonly now: () => number = Date.now,
    ) {}

    async charge(req: ChargeRequest): Promise<Charge> {
        const entry = { entryId: req.idempotencyKey, kind: "charge", ...req, paymentId: req.idempotencyKey, at: new Date(this.now()).toISOString() };
        await this.writeOnce(entry);
        const stored = await this.read(req.idempotencyKey);
        return { paymentId: String(stored.paymentId), amount: Number(stored.amount), currency: String(stored.currency) };
    }

    async refund(req: RefundRequest): Promise<{ refundId: string }> {
        await this.writeOnce({
            entryId: req.idempotencyKey,
            kind: "refund",
            ...req,
            refundId: req.idempotencyKey,
            at: new Date(this.now()).toISOString(),
        });
        return { refundId: req.idempotencyKey };
    }

    private async writeOnce(item: Record<string, unknown>): Promise<void> {
        try {
            await this.ddb.send(new PutCommand({ TableName: this.ledgerTable, Item: item, ConditionExpression: "attribute_not_exists(entryId)" }));
        } catch (e) {
            // The provider's idempotency: the same key again is the first request's result, not a new charge.
            if (!isConditionalCheckFailed(e)) throw e;
        }
    }

    private async read(entryId: string): Promise<Record<string, unknown>> {
        const out = await this.ddb.send(new GetCommand({ TableName: this.ledgerTable, Key: { entryId }, ConsistentRead: true }));
        if (!out.Item) throw new Error(`ledger entry ${entryId} was written but cannot be read`);
        return out.Item;
    }
}

/** Quantities per SKU: a transaction may touch each stock item once. */
function quantities(items: readonly OrderItem[]): [string, number][] {
    const m = new Map<string, number>();
    for (const i of items) m.set(i.sku, (m.get(i.sku) ?? 0) + i.qty);
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export class DynamoInventory implements InventoryService {
    constructor(
        private readonly ddb: DynamoDBDocumentClient,
        private readonly ledgerTable: string,
        private readonly inventoryTable: string,
    ) {}

    async reserve(order: Order): Promise<{ reservationId: string }> {
        const reservationId = `reservation#${order.orderId}`;
        const qty = quantities(order.items);
        try {
            await this.ddb.send(
                new TransactWriteCommand({
                    TransactItems: [
                        {
                            Put: {
                                TableName: this.ledgerTable,
                                Item: {
                                    entryId: reservationId,
                                    kind: "reservation",
                                    orderId: order.orderId,
                                    status: "HELD",
                                    items: qty.map(([sku, n]) => ({ sku, qty: n })),
                                },
                                ConditionExpression: "attribute_not_exists(entryId)",
                            },
                        },
                        ...qty.map(([sku, n]) => ({
                            Update: {
                                TableName: this.inventoryTable,
                                Key: { sku },
                                UpdateExpression: "SET #available = #available - :qty",
                                ConditionExpression: "#available >= :qty",
                                ExpressionAttributeNames: { "#available": "available" },
                                ExpressionAttributeValues: { ":qty": n },
                            },
                        })),
                    ],
                }),
            );
        } catch (e) {
            const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
            if (errorName(e) !== "TransactionCanceledException" || !reasons) throw e;
            // The reservation exists: an earlier attempt reserved this order; nothing else was applied.
            if (reasons[0]?.Code === "ConditionalCheckFailed") return { reservationId };
            const short = qty.filter((_, i) => reasons[i + 1]?.Code === "ConditionalCheckFailed").map(([sku]) => sku);
            if (short.length > 0) throw new PermanentError("OutOfStock", `not enough stock for ${short.join(", ")}`);
            throw e;
        }
        return { reservationId };
    }

    async release(orderId: string): Promise<{ released: boolean }> {
        const reservationId = `reservation#${orderId}`;
        const out = await this.ddb.send(new GetCommand({ TableName: this.ledgerTable, Key: { entryId: reservationId }, ConsistentRead: true }));
        const held = out.Item as { status?: string; items?: { sku: string; qty: number }[] } | undefined;
        if (held?.status !== "HELD") return { released: false };
        try {
            await this.ddb.send(
                new TransactWriteCommand({
                    TransactItems: [
                        {
                            Update: {
                                TableName: this.ledgerTable,
                                Key: { entryId: reservationId },
                                UpdateExpression: "SET #status = :released",
                                ConditionExpression: "#status = :held",
                                ExpressionAttributeNames: { "#status": "status" },
                                ExpressionAttributeValues: { ":released": "RELEASED", ":held": "HELD" },
                            },
                        },
                        ...(held.items ?? []).map((i) => ({
                            Update: {
                                TableName: this.inventoryTable,
                                Key: { sku: i.sku },
                                UpdateExpression: "SET #available = #available + :qty",
                                ExpressionAttributeNames: { "#available": "available" },
                                ExpressionAttributeValues: { ":qty": i.qty },
                            },
                        })),
                    ],
                }),
            );
        } catch (e) {
            const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
            // Released meanwhile by another attempt: the stock went back once, by that attempt.
            if (errorName(e) === "TransactionCanceledException" && reasons?.[0]?.Code === "ConditionalCheckFailed") return { released: false };
            throw e;
        }
        return { released: true };
    }
}

export async function reserveInventory(deps: FulfilmentDeps, order: Order): Promise<{ reservationId: string }> {
    return deps.inventory.reserve(order);
}

/** Charges once per order: the claim `payment#<orderId>` and the gateway's idempotency key are the same key. */
export async function takePayment(deps: FulfilmentDeps, order: Order): Promise<Charge & { duplicate: boolean }> {
    const key = `payment#${order.orderId}`;
    const idem = new Idempotency(deps.ddb, deps.config.idempotencyTable, { now: deps.now });
    const { result, duplicate } = await once(idem, key, deps.config.idempotencyTtlSeconds, () =>
        deps.payments.charge({
            idempotencyKey: key,
            orderId: order.orderId,
            customerId: order.customerId,
            amount: order.total,
            currency: order.currency,
        }),
    );
    if (duplicate)
        deps.logger.log("info", "payment already taken; returning the first charge", { orderId: order.orderId, paymentId: result.paymentId });
    return { ...result, duplicate };
}

/** ACCEPTED → CONFIRMED. A FAILED order is not confirmed (it was compensated): that fails the step for good. */
export async function confirmOrder(deps: FulfilmentDeps, order: Order): Promise<{ orderId: string; status: "CONFIRMED" }> {
    try {
        await deps.ddb.send(
            new UpdateCommand({
                TableName: deps.config.ordersTable,
                Key: { customerId: order.customerId, orderId: order.orderId },
                UpdateExpression: "SET #status = :confirmed, confirmedAt = if_not_exists(confirmedAt, :at)",
                ConditionExpression: "attribute_exists(orderId) AND #status IN (:accepted, :confirmed)",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":confirmed": "CONFIRMED", ":accepted": "ACCEPTED", ":at": new Date(deps.now()).toISOString() },
            }),
        );
    } catch (e) {
        if (isConditionalCheckFailed(e)) throw new PermanentError("OrderNotConfirmable", `order ${order.orderId} is missing or already failed`);
        throw e;
    }
    return { orderId: order.orderId, status: "CONFIRMED" };
}

export async function releaseReservation(deps: FulfilmentDeps, order: Order): Promise<{ released: boolean }> {
    return deps.inventory.release(order.orderId);
}

/** Refunds the order's charge once; nothing to do when no charge was completed. */
export async function refundPayment(deps: FulfilmentDeps, order: Order): Promise<{ refunded: boolean; refundId?: string }> {
    const idem = new Idempotency(deps.ddb, deps.config.idempotencyTable, { now: deps.now });
    const payment = await idem.recorded(`payment#${order.orderId}`);
    // A charge still being taken by another attempt: retry later rather than miss it.
    if (payment?.status === "IN_PROGRESS") throw new InProgressError(`payment#${order.orderId}`);
    if (payment?.status !== "COMPLETED") return { refunded: false };
    const charge = payment.result as Charge;
    const key = `refund#${order.orderId}`;
    const { result } = await once(idem, key, deps.config.idempotencyTtlSeconds, () =>
        deps.payments.refund({
            idempotencyKey: key,
            orderId: order.orderId,
            paymentId: charge.paymentId,
            amount: charge.amount,
            currency: charge.currency,
        }),
    );
    return { refunded: true, refundId: result.refundId };
}

/** → FAILED with the reason, unless the order was confirmed (a late compensation must not undo a confirmed order). */
export async function markFailed(
    deps: FulfilmentDeps,
    order: Order,
    reason: string,
): Promise<{ orderId: string; status: "FAILED" | "CONFIRMED" | "MISSING" }> {
    try {
        await deps.ddb.send(
            new UpdateCommand({
                TableName: deps.config.ordersTable,
                Key: { customerId: order.customerId, orderId: order.orderId },
                UpdateExpression:
                    "SET #status = :failed, failureReason = if_not_exists(failureReason, :reason), failedAt = if_not_exists(failedAt, :at)",
                ConditionExpression: "attribute_exists(orderId) AND #status <> :confirmed",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                    ":failed": "FAILED",
                    ":confirmed": "CONFIRMED",
                    ":reason": reason,
                    ":at": new Date(deps.now()).toISOString(),
                },
            }),
        );
    } catch (e) {
        if (!isConditionalCheckFailed(e)) throw e;
        const out = await deps.ddb.send(
            new GetCommand({
                TableName: deps.config.ordersTable,
                Key: { customerId: order.customerId, orderId: order.orderId },
                ConsistentRead: true,
            }),
        );
        const status = out.Item ? "CONFIRMED" : "MISSING";
        deps.logger.log("warn", "order not marked failed", { orderId: order.orderId, status, reason });
        return { orderId: order.orderId, status };
    }
    return { orderId: order.orderId, status: "FAILED" };
}

/** The whole compensation, in the saga's order: refund, release, mark failed. Used by the reconciler. */
export async function compensate(deps: FulfilmentDeps, order: Order, reason: string): Promise<void> {
    await refundPayment(deps, order);
    await releaseReservation(deps, order);
    await markFailed(deps, order, reason);
}

function reasonOf(error: FulfilmentEvent["failure"]): string {
    if (!error) return "unknown";
    return [error.Error, error.Cause].filter((x) => x !== undefined && x !== "").join(": ") || "unknown";
}

export function createHandler(deps: FulfilmentDeps): (event: FulfilmentEvent) => Promise<unknown> {
    return async (event) => {
        const action = (event as { action?: unknown } | null)?.action;
        if (typeof action !== "string" || !(ACTIONS as readonly string[]).includes(action))
            throw new PermanentError("UnknownAction", `action must be one of ${ACTIONS.join(", ")}, got ${JSON.stringify(action)}`);
        const v = validateOrder(event.order);
        if (!v.ok) throw new PermanentError("InvalidOrder", v.reason);
        const order = v.order;
        switch (action as Action) {
            case "reserveInventory":
                return reserveInventory(deps, order);
            case "takePayment":
                return takePayment(deps, order);
            case "confirmOrder":
                return confirmOrder(deps, order);
            case "releaseReservation":
                return releaseReservation(deps, order);
            case "refundPayment":
                return refundPayment(deps, order);
            case "markFailed":
                return markFailed(deps, order, reasonOf(event.failure));
        }
    };
}

export function defaultDeps(env: Env = process.env): FulfilmentDeps {
    const config = configFromEnv(env);
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    return {
        config,
        ddb,
        payments: new LedgerPaymentGateway(ddb, config.ledgerTable),
        inventory: new DynamoInventory(ddb, config.ledgerTable, config.inventoryTable),
        logger: consoleLogger,
        now: Date.now,
    };
}

let defaultHandler: ((event: FulfilmentEvent) => Promise<unknown>) | undefined;

export const handler = async (event: FulfilmentEvent): Promise<unknown> => (defaultHandler ??= createHandler(defaultDeps()))(event);
