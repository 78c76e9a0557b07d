import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { intEnv, requireEnv, type Env } from "../shared/config";
import { errorName, messageOf } from "../shared/errors";
import { Idempotency, once } from "../shared/idempotency";
import { consoleLogger, type Logger } from "../shared/log";

/**
 * The notification queue's consumer. The queue is subscribed to the notifications topic with raw message
 * delivery off, so each SQS body is the SNS envelope (`{ Type: "Notification", MessageId, Message, ... }`) and
 * the order notification is the JSON in its `Message`.
 *
 * Each notification is sent once per order and kind (`notify#<orderId>#<kind>`): SNS and SQS both deliver at
 * least once, and a customer should not get two "order confirmed" mails.
 */

export type NotificationKind = "OrderConfirmed" | "OrderFailed";

export interface OrderNotification {
    readonly kind: NotificationKind;
    readonly orderId: string;
    readonly customerId: string;
    readonly total?: number;
    readonly currency?: string;
    readonly reason?: string;
}

export interface CustomerMessage {
    readonly customerId: string;
    readonly orderId: string;
    readonly subject: string;
    readonly body: string;
}

/**
 * Delivers a message to the customer. There is no email or SMS provider in this project: the default writes
 * the message as a structured log line, which is what a provider adapter (Amazon SES, or a CRM's API) would
 * replace.
 */
export interface NotificationSender {
    send(message: CustomerMessage): Promise<void>;
}

export const logSender = (logger: Logger): NotificationSender => ({
    async send(message) {
        logger.log("info", "customer notification", { ...message });
    },
});

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ID = /^[A-Za-z0-9_-]{1,80}$/;

/** The notification inside an SQS body carrying an SNS envelope. Never throws. */
export function parseNotification(body: string): Parsed<OrderNotification> {
    let envelope: unknown;
    try {
        envelope = JSON.parse(body);
    } catch {
        return { ok: false, reason: "the SQS body is not JSON" };
    }
    const env = envelope as { Type?: unknown; Message?: unknown } | null;
    if (typeof env !== "object" || env === null || env.Type !== "Notification" || typeof env.Message !== "string")
        return { ok: false, reason: "the SQS body is not an SNS notification envelope (is raw message delivery on?)" };
    let inner: unknown;
    try {
        inner = JSON.parse(env.Message);
    } catch {
        return { ok: false, reason: "the SNS Message is not JSON" };
    }
    const n = inner as Record<string, unknown> | null;
    if (typeof n !== "object" || n === null) return { ok: false, reason: "the SNS Message is not a JSON object" };
    if (n.kind !== "OrderConfirmed" && n.kind !== "OrderFailed") return { ok: false, reason: "kind must be OrderConfirmed or OrderFailed" };
    if (typeof n.orderId !== "string" || !ID.test(n.orderId)) return { ok: false, reason: "orderId is missing or malformed" };
    if (typeof n.customerId !== "string" || !ID.test(n.customerId)) return { ok: false, reason: "customerId is missing or malformed" };
    return {
        ok: true,
        value: {
            kind: n.kind,
            orderId: n.orderId,
            customerId: n.customerId,
            ...(typeof n.total === "number" ? { total: n.total } : {}),
            ...(typeof n.currency === "string" ? { currency: n.currency } : {}),
            ...(typeof n.reason === "string" ? { reason: n.reason } : {}),
        },
    };
}

export function formatNotification(n: OrderNotification): CustomerMessage {
    const amount = n.total !== undefined && n.currency !== undefined ? ` (${n.total.toFixed(2)} ${n.currency})` : "";
    if (n.kind === "OrderConfirmed")
        return {
            customerId: n.customerId,
            orderId: n.orderId,
            subject: `Your SecureCart order ${n.orderId} is confirmed`,
            body: `Thank you. Your order ${n.orderId}${amount} is confirmed and is being prepared.`,
        };
    return {
        customerId: n.customerId,
        orderId: n.orderId,
        subject: `Your SecureCart order ${n.orderId} could not be completed`,
        // The internal reason (a stock or payment error) is for operators, not the customer.
        body: `We are sorry: your order ${n.orderId}${amount} could not be completed, and any payment taken has been refunded.`,
    };
}

export interface NotifierConfig {
    readonly idempotencyTable: string;
    readonly idempotencyTtlSeconds: number;
}

export function configFromEnv(env: Env): NotifierConfig {
    return {
        idempotencyTable: requireEnv(env, "IDEMPOTENCY_TABLE", "the idempotency global table"),
        idempotencyTtlSeconds: intEnv(env, "IDEMPOTENCY_TTL_SECONDS", 15 * 24 * 3600),
    };
}

export interface NotifierDeps {
    readonly config: NotifierConfig;
    readonly ddb: DynamoDBDocumentClient;
    readonly sender: NotificationSender;
    readonly logger: Logger;
    readonly now: () => number;
}

async function processRecord(deps: NotifierDeps, record: SQSRecord): Promise<string | undefined> {
    const parsed = parseNotification(record.body);
    if (!parsed.ok) return parsed.reason;
    const n = parsed.value;
    const idem = new Idempotency(deps.ddb, deps.config.idempotencyTable, { now: deps.now });
    try {
        await once(idem, `notify#${n.orderId}#${n.kind}`, deps.config.idempotencyTtlSeconds, async () => {
            await deps.sender.send(formatNotification(n));
            return { sent: true };
        });
        return undefined;
    } catch (e) {
        return `${errorName(e) ?? "Error"}: ${messageOf(e)}`;
    }
}

export function createHandler(deps: NotifierDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
    return async (event) => {
        const failures: SQSBatchResponse["batchItemFailures"] = [];
        for (const record of event.Records) {
            const reason = await processRecord(deps, record);
            if (reason !== undefined) {
                deps.logger.log("warn", "notification failed", { messageId: record.messageId, reason });
                failures.push({ itemIdentifier: record.messageId });
            }
        }
        return { batchItemFailures: failures };
    };
}

export function defaultDeps(env: Env = process.env): NotifierDeps {
    return {
        config: configFromEnv(env),
        ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
        sender: logSender(consoleLogger),
        logger: consoleLogger,
        now: Date.now,
    };
}

let defaultHandler: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => (defaultHandler ??= createHandler(defaultDeps()))(event);
