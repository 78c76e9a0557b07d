/**
 * The order message the storefront puts on the order queue, its validation, and the one canonical form every
 * handler derives from it (the Step Functions input, the event detail), so that the order processor and the
 * reconciler start an execution with byte-identical input: StartExecution is idempotent only for the same
 * name and the same input.
 */

export interface OrderItem {
    readonly sku: string;
    readonly qty: number;
    /** Unit price in the order's currency, in major units (e.g. 12.5 EUR). */
    readonly price: number;
}

export interface Order {
    readonly orderId: string;
    readonly customerId: string;
    readonly items: readonly OrderItem[];
    readonly total: number;
    /** ISO 4217 code, upper case. */
    readonly currency: string;
}

export type Validation = { readonly ok: true; readonly order: Order } | { readonly ok: false; readonly reason: string };

/** Identifiers become DynamoDB keys and Step Functions execution names (1–80 characters of letters, digits, `-` and `_`). */
const ID = /^[A-Za-z0-9_-]{1,80}$/;
const SKU = /^[A-Za-z0-9._-]{1,64}$/;
const CURRENCY = /^[A-Z]{3}$/;
// Reserving inventory is one DynamoDB transaction: a reservation record plus one stock update per distinct SKU, within its 100-item limit.
const MAX_ITEMS = 50;
const MAX_QTY = 1000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isMoney = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0 && Math.abs(Math.round(v * 100) - v * 100) < 1e-6;
const cents = (v: number): number => Math.round(v * 100);

/**
 * Validates a parsed message (or anything else). Never throws: a malformed message is a reason, reported as a
 * batch item failure so it reaches the dead-letter queue, where an operator sees it.
 */
export function validateOrder(input: unknown): Validation {
    if (!isRecord(input)) return { ok: false, reason: "the message is not a JSON object" };
    const { orderId, customerId, items, total, currency } = input;
    if (typeof orderId !== "string" || !ID.test(orderId)) return { ok: false, reason: "orderId must be 1-80 letters, digits, '-' or '_'" };
    if (typeof customerId !== "string" || !ID.test(customerId)) return { ok: false, reason: "customerId must be 1-80 letters, digits, '-' or '_'" };
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS)
        return { ok: false, reason: `items must be a list of 1 to ${MAX_ITEMS} entries` };
    const parsed: OrderItem[] = [];
    for (const [i, item] of items.entries()) {
        if (!isRecord(item)) return { ok: false, reason: `items[${i}] is not an object` };
        const { sku, qty, price } = item;
        if (typeof sku !== "string" || !SKU.test(sku)) return { ok: false, reason: `items[${i}].sku must be 1-64 letters, digits, '.', '-' or '_'` };
        if (typeof qty !== "number" || !Number.isInteger(qty) || qty < 1 || qty > MAX_QTY)
            return { ok: false, reason: `items[${i}].qty must be an integer from 1 to ${MAX_QTY}` };
        if (!isMoney(price)) return { ok: false, reason: `items[${i}].price must be a non-negative amount with at most 2 decimals` };
        parsed.push({ sku, qty, price });
    }
    if (!isMoney(total)) return { ok: false, reason: "total must be a non-negative amount with at most 2 decimals" };
    const sum = parsed.reduce((s, it) => s + cents(it.price) * it.qty, 0);
    if (sum !== cents(total)) return { ok: false, reason: `total ${total} is not the sum of the items (${(sum / 100).toFixed(2)})` };
    if (typeof currency !== "string" || !CURRENCY.test(currency))
        return { ok: false, reason: "currency must be a 3-letter upper-case ISO 4217 code" };
    return { ok: true, order: { orderId, customerId, items: parsed, total, currency } };
}

/** Parses a message body and validates it; never throws. */
export function parseOrder(body: string): Validation {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return { ok: false, reason: "the message body is not JSON" };
    }
    return validateOrder(parsed);
}

/** The order with its fields in one fixed order, whatever order they were read in (a message, a DynamoDB item). */
export function canonicalOrder(o: Order): Order {
    return {
        orderId: o.orderId,
        customerId: o.customerId,
        items: o.items.map((i) => ({ sku: i.sku, qty: i.qty, price: i.price })),
        total: o.total,
        currency: o.currency,
    };
}

/** The fulfilment execution's input: the same string for the same order, wherever it is started from. */
export function executionInput(o: Order): string {
    // The order itself: the saga reads the order and its id from the execution input (src/orderSaga.ts).
    return JSON.stringify(canonicalOrder(o));
}

/** Execution ARN of `name` under a state machine: what DescribeExecution needs, derived without a call. */
export function executionArn(stateMachineArn: string, name: string): string {
    const parts = stateMachineArn.split(":");
    if (parts.length !== 7 || parts[5] !== "stateMachine") throw new Error(`not a state machine ARN: ${stateMachineArn}`);
    return [...parts.slice(0, 5), "execution", parts[6], name].join(":");
}

/** Order statuses in the orders table. ACCEPTED until the saga confirms it or marks it failed. */
export type OrderStatus = "ACCEPTED" | "CONFIRMED" | "FAILED";
