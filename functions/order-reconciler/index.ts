import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { intEnv, requireEnv, type Env } from "../shared/config";
import { errorName, messageOf } from "../shared/errors";
import { startOrderExecution } from "../shared/execution";
import { compensate, configFromEnv as fulfilmentConfig, DynamoInventory, LedgerPaymentGateway, type FulfilmentDeps } from "../fulfilment";
import { consoleLogger, type Logger } from "../shared/log";
import { executionArn, validateOrder, type Order } from "../shared/order";

/**
 * Finds orders that were accepted (written to the orders global table) but never completed, and resumes or
 * compensates them. Runs on a schedule in the region whose reconciler the strategy enables.
 *
 * An order stays ACCEPTED while its saga runs; one still ACCEPTED past the threshold is looked up where it was
 * accepted (the order records its region): its execution there
 * - running or succeeded (or waiting for a redrive): left alone;
 * - absent, or its region unreachable (the order is stranded in a lost region): started here, named after the
 *   order, so a second run of the reconciler finds it running and does nothing;
 * - failed, timed out or aborted: compensated here with the saga's own steps (refund, release, mark failed),
 *   each of which does nothing the second time.
 * When a lost region returns, its own execution of a resumed order may resume too: the saga's steps are
 * idempotent across regions (the payment is claimed by orderId), which is what makes that harmless.
 *
 * Finding them: the orders table is keyed by customerId and orderId and has no index on status, so this is a
 * Scan with a filter, paginated. A Scan reads (and is billed for) every item, not only those that match: one
 * read unit per 8 KB scanned, eventually consistent, every run. Acceptable while the table is small and the
 * schedule sparse; a sparse GSI on the pending orders (an attribute only ACCEPTED orders carry) would make it
 * a Query that reads only the pending ones.
 */

export interface ReconcilerConfig {
    readonly ordersTable: string;
    readonly stateMachineArn: string;
    /** Orders ACCEPTED for longer than this are reconciled. Default 900 s: well past a normal saga's duration. */
    readonly thresholdSeconds: number;
    /** At most this many orders acted on a run, so one run fits the function's timeout; the next run takes the rest. */
    readonly maxOrdersPerRun: number;
}

export function configFromEnv(env: Env): ReconcilerConfig {
    return {
        ordersTable: requireEnv(env, "ORDERS_TABLE", "the orders global table"),
        stateMachineArn: requireEnv(env, "STATE_MACHINE_ARN", "the fulfilment state machine in this region"),
        thresholdSeconds: intEnv(env, "STALE_AFTER_SECONDS", 900),
        maxOrdersPerRun: intEnv(env, "MAX_ORDERS_PER_RUN", 200),
    };
}

export interface ReconcilerDeps {
    readonly config: ReconcilerConfig;
    readonly ddb: DynamoDBDocumentClient;
    /** The Step Functions client of a region: this one's, or the region an order was accepted in. */
    readonly sfnFor: (region: string) => SFNClient;
    /** The saga's steps, for compensation. */
    readonly fulfilment: FulfilmentDeps;
    readonly logger: Logger;
    readonly now: () => number;
}

export type Action = "left-running" | "left-succeeded" | "started" | "compensated" | "skipped";

export interface ReconcileResult {
    readonly scanned: number;
    readonly actions: readonly { readonly orderId: string; readonly action: Action; readonly detail?: string }[];
}

/** The region field of an ARN. */
const regionOf = (arn: string): string => arn.split(":")[3] ?? "";
/** The same state machine in another region: every region's state machine has the same name. */
const inRegion = (arn: string, region: string): string =>
    arn
        .split(":")
        .map((p, i) => (i === 3 ? region : p))
        .join(":");

/** Errors that mean the region did not answer (rather than answered no): its API is down or unreachable. */
function isUnreachable(e: unknown): boolean {
    const name = errorName(e) ?? "";
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return (
        ["TimeoutError", "NetworkingError", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ServiceUnavailable", "InternalServerError"].includes(name) ||
        (status !== undefined && status >= 500)
    );
}

async function* staleOrders(deps: ReconcilerDeps): AsyncGenerator<{ item: Record<string, unknown> }> {
    const cutoff = new Date(deps.now() - deps.config.thresholdSeconds * 1000).toISOString();
    let start: Record<string, unknown> | undefined;
    do {
        const page = await deps.ddb.send(
            new ScanCommand({
                TableName: deps.config.ordersTable,
                FilterExpression: "#status = :accepted AND acceptedAt < :cutoff",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":accepted": "ACCEPTED", ":cutoff": cutoff },
                ...(start ? { ExclusiveStartKey: start } : {}),
            }),
        );
        for (const item of page.Items ?? []) yield { item };
        start = page.LastEvaluatedKey;
    } while (start);
}

export async function reconcileOrder(
    deps: ReconcilerDeps,
    order: Order,
    acceptedIn: string | undefined,
): Promise<{ action: Action; detail?: string }> {
    const local = deps.config.stateMachineArn;
    const home = acceptedIn && acceptedIn !== regionOf(local) ? acceptedIn : regionOf(local);
    const homeArn = inRegion(local, home);
    let status: string | undefined;
    try {
        const out = await deps.sfnFor(home).send(new DescribeExecutionCommand({ executionArn: executionArn(homeArn, order.orderId) }));
        status = out.status;
    } catch (e) {
        if (errorName(e) !== "ExecutionDoesNotExist" && !(home !== regionOf(local) && isUnreachable(e))) throw e;
        status = undefined;
    }
    switch (status) {
        case "RUNNING":
        case "PENDING_REDRIVE":
            return { action: "left-running", detail: `${home} ${status}` };
        case "SUCCEEDED":
            return { action: "left-succeeded", detail: home };
        case "FAILED":
        case "TIMED_OUT":
        case "ABORTED":
            await compensate(deps.fulfilment, order, `fulfilment execution ${status} in ${home}; compensated by the reconciler`);
            return { action: "compensated", detail: `${home} ${status}` };
        default: {
            const arn = await startOrderExecution(deps.sfnFor(regionOf(local)), deps.logger, local, order);
            return { action: "started", detail: arn };
        }
    }
}

export async function reconcile(deps: ReconcilerDeps): Promise<ReconcileResult> {
    const actions: { orderId: string; action: Action; detail?: string }[] = [];
    let scanned = 0;
    for await (const { item } of staleOrders(deps)) {
        scanned++;
        const v = validateOrder(item);
        const orderId = String(item.orderId ?? "?");
        if (!v.ok) {
            deps.logger.log("error", "stale order is malformed; left for an operator", { orderId, reason: v.reason });
            actions.push({ orderId, action: "skipped", detail: v.reason });
            continue;
        }
        try {
            const r = await reconcileOrder(deps, v.order, typeof item.region === "string" ? item.region : undefined);
            actions.push({ orderId, ...r });
        } catch (e) {
            // One order's failure does not stop the others; it is seen again on the next run.
            deps.logger.log("error", "order not reconciled", { orderId, error: `${errorName(e) ?? "Error"}: ${messageOf(e)}` });
            actions.push({ orderId, action: "skipped", detail: messageOf(e) });
        }
        if (actions.filter((a) => a.action !== "left-running" && a.action !== "left-succeeded").length >= deps.config.maxOrdersPerRun) break;
    }
    for (const a of actions) if (a.action === "started" || a.action === "compensated") deps.logger.log("info", `order ${a.action}`, { ...a });
    return { scanned, actions };
}

export function defaultDeps(env: Env = process.env): ReconcilerDeps {
    const config = configFromEnv(env);
    const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    const fconfig = fulfilmentConfig(env);
    const clients = new Map<string, SFNClient>();
    return {
        config,
        ddb,
        sfnFor: (region) => {
            let c = clients.get(region);
            if (!c) clients.set(region, (c = new SFNClient({ region, maxAttempts: 2 })));
            return c;
        },
        fulfilment: {
            config: fconfig,
            ddb,
            payments: new LedgerPaymentGateway(ddb, fconfig.ledgerTable),
            inventory: new DynamoInventory(ddb, fconfig.ledgerTable, fconfig.inventoryTable),
            logger: consoleLogger,
            now: Date.now,
        },
        logger: consoleLogger,
        now: Date.now,
    };
}

let defaultDepsMemo: ReconcilerDeps | undefined;

export const handler = async (): Promise<ReconcileResult> => reconcile((defaultDepsMemo ??= defaultDeps()));
