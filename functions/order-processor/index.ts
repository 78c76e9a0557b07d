import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { intEnv, optionalEnv, requireEnv, type Env } from "../shared/config";
import { errorName, isConditionalCheckFailed, messageOf } from "../shared/errors";
import { startOrderExecution } from "../shared/execution";
import { createEventPublisher, endpointLookup, type EventPublisher } from "../shared/events";
import { Idempotency, InProgressError, once } from "../shared/idempotency";
import { consoleLogger, type Logger } from "../shared/log";
import { parseOrder, type Order } from "../shared/order";

/**
 * The order queue's consumer. For each order message: validate it, claim `order#<orderId>`, write the order
 * (status ACCEPTED) to the orders global table, start the fulfilment execution named after the order, and
 * publish `OrderAccepted`. The write to the global table comes before the execution so that an order whose
 * region is lost after this point is visible to the other region's reconciler, which resumes it.
 *
 * Replies with a partial batch response: only the records that failed are retried (and, past the queue's
 * maxReceiveCount, dead-lettered). A malformed message is a failure, so it ends in the dead-letter queue where
 * an operator sees it; a duplicate delivery is not.
 */

export interface OrderProcessorConfig {
    readonly ordersTable: string;
    readonly idempotencyTable: string;
    readonly stateMachineArn: string;
    /** This region (AWS_REGION, set by Lambda): recorded on the order, so the reconciler knows where its execution runs. */
    readonly region: string;
    /** How long a processed order is recognised as a duplicate. Default 15 days: longer than SQS keeps any message (14 days at most), so every redelivery and DLQ re-drive meets it. */
    readonly idempotencyTtlSeconds: number;
}

export interface PublisherEnv {
    readonly busName: string;
    /** The global endpoint to publish through, where the strategy has one (ENDPOINT_NAME, ENDPOINT_REGION). */
    readonly endpoint?: { readonly name: string; readonly region: string };
    readonly source: string;
}

export function configFromEnv(env: Env): OrderProcessorConfig & PublisherEnv {
    const endpointName = optionalEnv(env, "ENDPOINT_NAME");
    return {
        ordersTable: requireEnv(env, "ORDERS_TABLE", "the orders global table"),
        idempotencyTable: requireEnv(env, "IDEMPOTENCY_TABLE", "the idempotency global table"),
        stateMachineArn: requireEnv(env, "STATE_MACHINE_ARN", "the fulfilment state machine in this region"),
        region: requireEnv(env, "AWS_REGION", "this region, set by Lambda"),
        idempotencyTtlSeconds: intEnv(env, "IDEMPOTENCY_TTL_SECONDS", 15 * 24 * 3600),
        busName: requireEnv(env, "EVENT_BUS_NAME", "the order event bus"),
        ...(endpointName !== undefined
            ? { endpoint: { name: endpointName, region: requireEnv(env, "ENDPOINT_REGION", "the region the global endpoint is managed in") } }
            : {}),
        source: optionalEnv(env, "EVENT_SOURCE") ?? "securecart.orders",
    };
}

export interface OrderProcessorDeps {
    readonly config: OrderProcessorConfig;
    readonly ddb: DynamoDBDocumentClient;
    readonly sfn: SFNClient;
    readonly events: EventPublisher;
    readonly logger: Logger;
    readonly now: () => number;
}

/** What one record came to: done (first time), duplicate (done before), or failed (retry). */
export type RecordOutcome = { readonly outcome: "accepted" | "duplicate" } | { readonly outcome: "failed"; readonly reason: string };

export async function processRecord(deps: OrderProcessorDeps, record: SQSRecord): Promise<RecordOutcome> {
    const parsed = parseOrder(record.body);
    if (!parsed.ok) return { outcome: "failed", reason: parsed.reason };
    const order = parsed.order;
    const idem = new Idempotency(deps.ddb, deps.config.idempotencyTable, { now: deps.now });
    try {
        const { duplicate } = await once(idem, `order#${order.orderId}`, deps.config.idempotencyTtlSeconds, () => accept(deps, order));
        return { outcome: duplicate ? "duplicate" : "accepted" };
    } catch (e) {
        if (e instanceof InProgressError) return { outcome: "failed", reason: e.message };
        return { outcome: "failed", reason: `${errorName(e) ?? "Error"}: ${messageOf(e)}` };
    }
}

/** The work done once per order. Each step is itself safe to repeat, for the retry after a step fails half-way. */
async function accept(deps: OrderProcessorDeps, order: Order): Promise<{ executionArn: string }> {
    const acceptedAt = new Date(deps.now()).toISOString();
    try {
        await deps.ddb.send(
            new PutCommand({
                TableName: deps.config.ordersTable,
                Item: { ...order, status: "ACCEPTED", acceptedAt, region: deps.config.region },
                ConditionExpression: "attribute_not_exists(orderId)",
            }),
        );
    } catch (e) {
        // Written by an earlier attempt whose later steps failed: keep it (and its acceptedAt) and go on.
        if (!isConditionalCheckFailed(e)) throw e;
    }
    const arn = await startOrderExecution(deps.sfn, deps.logger, deps.config.stateMachineArn, order);
    await deps.events.publish([
        {
            detailType: "OrderAccepted",
            detail: { orderId: order.orderId, customerId: order.customerId, total: order.total, currency: order.currency, acceptedAt },
        },
    ]);
    return { executionArn: arn };
}

export function createHandler(deps: OrderProcessorDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
    return async (event) => {
        const results = await Promise.all(event.Records.map(async (r) => ({ r, res: await processRecord(deps, r) })));
        const failures: SQSBatchResponse["batchItemFailures"] = [];
        for (const { r, res } of results) {
            if (res.outcome === "failed") {
                deps.logger.log("warn", "order message failed", { messageId: r.messageId, reason: res.reason });
                failures.push({ itemIdentifier: r.messageId });
            } else deps.logger.log("info", `order ${res.outcome}`, { messageId: r.messageId });
        }
        return { batchItemFailures: failures };
    };
}

/** Clients and config are made once per container, on the first invocation, and reused by later ones. */
let defaultHandler: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export function defaultDeps(env: Env = process.env): OrderProcessorDeps {
    const config = configFromEnv(env);
    return {
        config,
        ddb: DynamoDBDocumentClient.from(new DynamoDBClient({})),
        sfn: new SFNClient({}),
        events: createEventPublisher(new EventBridgeClient({}), {
            busName: config.busName,
            source: config.source,
            ...(config.endpoint
                ? {
                      endpointId: endpointLookup(
                          // Short timeouts and no retries: when the home region does not answer, the regional bus
                          // is the right target, and an order should not wait for the SDK's retries to find that out.
                          new EventBridgeClient({
                              region: config.endpoint.region,
                              maxAttempts: 1,
                              requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
                          }),
                          config.endpoint.name,
                          { onFallback: (reason) => consoleLogger.log("warn", "publishing to the regional bus", { reason }) },
                      ),
                  }
                : {}),
        }),
        logger: consoleLogger,
        now: Date.now,
    };
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => (defaultHandler ??= createHandler(defaultDeps()))(event);
