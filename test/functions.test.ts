import { DescribeEndpointCommand, EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    GetQueueUrlCommand,
    ReceiveMessageCommand,
    SQSClient,
    StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Event, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "assert";
import * as fc from "fast-check";
import { Jimp } from "jimp";
import * as dlq from "../functions/dlq-watcher";
import * as fulfilment from "../functions/fulfilment";
import * as notifier from "../functions/notifier";
import * as processor from "../functions/order-processor";
import * as reconciler from "../functions/order-reconciler";
import { ConfigError, requireEnv } from "../functions/shared/config";
import { createEventPublisher, endpointLookup, sigv4aImplementation } from "../functions/shared/events";
import { Idempotency } from "../functions/shared/idempotency";
import { SAGA_STATES, orderSagaDefinition } from "../src/orderSaga";
import { MemoryLogger } from "../functions/shared/log";
import { executionArn, executionInput, validateOrder, type Order } from "../functions/shared/order";
import * as thumbnailer from "../functions/thumbnailer";
import { FakeDynamo, FakeStepFunctions, awsError } from "./functionsFakes";

const SM = "arn:aws:states:eu-west-1:111122223333:stateMachine:securecart-fulfilment";
const TABLES = { orders: "securecart-orders", idempotency: "securecart-idempotency", ledger: "securecart-ledger", inventory: "securecart-inventory" };
/** The fulfilment function's environment, as the pipeline sets it (it also serves the reconciler's compensations). */
const FULFILMENT_ENV = {
    ORDERS_TABLE: TABLES.orders,
    IDEMPOTENCY_TABLE: TABLES.idempotency,
    LEDGER_TABLE: TABLES.ledger,
    INVENTORY_TABLE: TABLES.inventory,
};
const KEYS = {
    [TABLES.orders]: ["customerId", "orderId"],
    [TABLES.idempotency]: ["idempotencyKey"],
    [TABLES.ledger]: ["entryId"],
    [TABLES.inventory]: ["sku"],
};
const NOW = Date.parse("2026-03-01T12:00:00Z");

const order = (id = "o-1", over: Partial<Order> = {}): Order => ({
    orderId: id,
    customerId: "c-1",
    items: [
        { sku: "SKU-A", qty: 2, price: 10.5 },
        { sku: "SKU-B", qty: 1, price: 4 },
    ],
    total: 25,
    currency: "EUR",
    ...over,
});
const record = (messageId: string, body: unknown): SQSRecord =>
    ({
        messageId,
        body: typeof body === "string" ? body : JSON.stringify(body),
        receiptHandle: messageId,
        attributes: {},
        messageAttributes: {},
    }) as unknown as SQSRecord;
const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const ebMock = () => mockClient(EventBridgeClient);
const sqsMock = () => mockClient(SQSClient);
const snsMock = () => mockClient(SNSClient);
const s3Mock = () => mockClient(S3Client);

const ddbClient = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));

describe("functions: shared", () => {
    it("config names the missing variable", () => {
        assert.throws(
            () => requireEnv({}, "ORDERS_TABLE", "the orders global table"),
            (e: unknown) => e instanceof ConfigError && /ORDERS_TABLE/.test(e.message),
        );
        assert.throws(() => processor.configFromEnv({ ORDERS_TABLE: "t" }), /IDEMPOTENCY_TABLE/);
    });

    it("execution ARNs are derived from the state machine's", () => {
        assert.strictEqual(executionArn(SM, "o-1"), "arn:aws:states:eu-west-1:111122223333:execution:securecart-fulfilment:o-1");
        assert.throws(() => executionArn("arn:aws:sqs:eu-west-1:1:q", "o"), /not a state machine ARN/);
    });

    it("the execution input is the same however the order's fields are ordered", () => {
        const o = order();
        const shuffled = {
            currency: o.currency,
            total: o.total,
            items: o.items.map((i) => ({ price: i.price, qty: i.qty, sku: i.sku })),
            customerId: o.customerId,
            orderId: o.orderId,
        };
        assert.strictEqual(executionInput(shuffled), executionInput(o));
    });

    describe("order validator (property-based)", () => {
        const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
        const item = fc.record({
            sku: fc.stringMatching(/^[A-Z0-9-]{1,10}$/),
            qty: fc.integer({ min: 1, max: 20 }),
            cents: fc.integer({ min: 0, max: 100000 }),
        });
        const valid = fc
            .record({
                orderId: id,
                customerId: id,
                items: fc.array(item, { minLength: 1, maxLength: 10 }),
                currency: fc.constantFrom("EUR", "USD", "GBP"),
            })
            .map((o) => ({
                orderId: o.orderId,
                customerId: o.customerId,
                items: o.items.map((i) => ({ sku: i.sku, qty: i.qty, price: i.cents / 100 })),
                total: o.items.reduce((s, i) => s + i.cents * i.qty, 0) / 100,
                currency: o.currency,
            }));

        it("accepts every well-formed order", () => {
            fc.assert(fc.property(valid, (o) => validateOrder(o).ok));
        });

        it("rejects anything else with a reason and never throws", () => {
            fc.assert(
                fc.property(fc.anything(), (v) => {
                    const r = validateOrder(v);
                    return r.ok === false && r.reason.length > 0;
                }),
            );
        });

        it("rejects a well-formed order broken in any one field, with a reason", () => {
            const breakages: ((o: Record<string, unknown>) => void)[] = [
                (o) => delete o.orderId,
                (o) => (o.orderId = "has space"),
                (o) => (o.customerId = 42),
                (o) => (o.items = []),
                (o) => (o.items = "SKU-A"),
                (o) => ((o.items as Record<string, unknown>[])[0].qty = 0),
                (o) => ((o.items as Record<string, unknown>[])[0].qty = 1.5),
                (o) => ((o.items as Record<string, unknown>[])[0].price = -1),
                (o) => ((o.items as Record<string, unknown>[])[0].price = Number.NaN),
                (o) => ((o.items as Record<string, unknown>[])[0].sku = ""),
                (o) => (o.total = (o.total as number) + 0.01),
                (o) => (o.total = "25"),
                (o) => (o.currency = "eur"),
                (o) => delete o.currency,
            ];
            fc.assert(
                fc.property(valid, fc.integer({ min: 0, max: breakages.length - 1 }), (o, b) => {
                    const broken = structuredClone(o) as unknown as Record<string, unknown>;
                    breakages[b](broken);
                    const r = validateOrder(broken);
                    return r.ok === false && typeof r.reason === "string" && r.reason.length > 0;
                }),
            );
        });
    });

    describe("idempotency", () => {
        let db: FakeDynamo;
        beforeEach(() => (db = new FakeDynamo(KEYS)));
        afterEach(() => db.mock.restore());

        it("claims once; a duplicate reads the first outcome", async () => {
            const idem = new Idempotency(ddbClient(), TABLES.idempotency, { now: () => NOW });
            assert.strictEqual(await idem.claim("k", 60), "claimed");
            assert.strictEqual(await idem.claim("k", 60), "duplicate");
            await idem.complete("k", { paymentId: "p" });
            assert.deepStrictEqual((await idem.recorded("k"))?.result, { paymentId: "p" });
            assert.strictEqual((await idem.recorded("k"))?.expiresAt, NOW / 1000 + 60);
        });

        it("a claim left by a dead worker can be taken over after its lease, a completed one never", async () => {
            let now = NOW;
            const idem = new Idempotency(ddbClient(), TABLES.idempotency, { now: () => now, leaseSeconds: 60 });
            assert.strictEqual(await idem.claim("a", 3600), "claimed");
            now += 30_000;
            assert.strictEqual(await idem.claim("a", 3600), "duplicate");
            now += 60_000;
            assert.strictEqual(await idem.claim("a", 3600), "claimed");
            await idem.complete("a", 1);
            now += 3_000_000;
            assert.strictEqual(await idem.claim("a", 3600), "duplicate");
        });
    });

    it("the global endpoint is used with the bundled SigV4a signer, and refused without one", async () => {
        const eb = ebMock();
        try {
            eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
            const client = new EventBridgeClient({ region: "eu-west-1" });
            const cfg = { busName: "securecart-orders", endpointId: "abcde.veo", source: "securecart.orders" };
            assert.throws(() => createEventPublisher(client, cfg, () => "none"), /ENDPOINT_NAME.*@aws-sdk\/signature-v4a/);
            // The module imports the pure-JavaScript signer, so the client finds it.
            assert.strictEqual(sigv4aImplementation(), "js");
            await createEventPublisher(client, cfg).publish([{ detailType: "OrderAccepted", detail: { orderId: "o" } }]);
            assert.strictEqual(eb.commandCalls(PutEventsCommand)[0].args[0].input.EndpointId, "abcde.veo");
            eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: "ThrottlingException" }] });
            await assert.rejects(
                createEventPublisher(client, { ...cfg, endpointId: undefined }).publish([{ detailType: "X", detail: {} }]),
                /ThrottlingException/,
            );
        } finally {
            eb.restore();
        }
    });
    it("the global endpoint is looked up by name: used once ACTIVE, the regional bus meanwhile, asked again a minute later", async () => {
        const eb = ebMock();
        try {
            eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
            let now = 0;
            const reasons: string[] = [];
            eb.on(DescribeEndpointCommand)
                .rejectsOnce(Object.assign(new Error("Endpoint securecart-orders does not exist"), { name: "ResourceNotFoundException" }))
                .resolvesOnce({ Name: "securecart-orders", State: "CREATING", EndpointId: "abcde.veo" })
                .resolves({ Name: "securecart-orders", State: "ACTIVE", EndpointId: "abcde.veo" });
            const client = new EventBridgeClient({ region: "eu-west-1" });
            const lookup = endpointLookup(client, "securecart-orders", { now: () => now, onFallback: (r) => reasons.push(r) });
            const pub = createEventPublisher(client, { busName: "securecart-orders", endpointId: lookup, source: "securecart.orders" });
            const endpointIds = () => eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.EndpointId);
            const describes = () => eb.commandCalls(DescribeEndpointCommand).length;
            const send = () => pub.publish([{ detailType: "OrderAccepted", detail: { orderId: "o" } }]);
            await send(); // not there yet: the regional bus
            now += 30_000;
            await send(); // within the minute: not asked again
            assert.strictEqual(describes(), 1);
            now += 30_000;
            await send(); // being created: still the regional bus
            now += 60_000;
            await send(); // active: through the endpoint, and kept
            await send();
            assert.deepStrictEqual(endpointIds(), [undefined, undefined, undefined, "abcde.veo", "abcde.veo"]);
            assert.strictEqual(describes(), 3);
            assert.match(reasons[0], /ResourceNotFoundException/);
            assert.match(reasons[1], /CREATING/);
            assert.deepStrictEqual(eb.commandCalls(DescribeEndpointCommand)[0].args[0].input, { Name: "securecart-orders" });
        } finally {
            eb.restore();
        }
    });

    it("a publish through the endpoint that fails goes to the regional bus at once, and the endpoint is asked for again a minute later", async () => {
        const eb = ebMock();
        try {
            let now = 0;
            eb.on(DescribeEndpointCommand).resolves({ Name: "securecart-orders", State: "ACTIVE", EndpointId: "abcde.veo" });
            // The regional bus answers every call; the endpoint's answers are set after it (a later, narrower match wins).
            eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "r" }, { EventId: "r" }] });
            eb.on(PutEventsCommand, { EndpointId: "abcde.veo" })
                .rejectsOnce(Object.assign(new Error("connect ETIMEDOUT"), { name: "TimeoutError" }))
                .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: "e1" }, { ErrorCode: "InternalException", ErrorMessage: "x" }] })
                .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
            const client = new EventBridgeClient({ region: "us-west-2" });
            const reasons: string[] = [];
            const lookup = endpointLookup(client, "securecart-orders", { now: () => now, onFallback: (r) => reasons.push(r) });
            const pub = createEventPublisher(client, { busName: "securecart-orders", endpointId: lookup, source: "securecart.orders" });
            const two = [
                { detailType: "OrderAccepted", detail: { orderId: "a" } },
                { detailType: "OrderAccepted", detail: { orderId: "b" } },
            ];
            const calls = () =>
                eb.commandCalls(PutEventsCommand).map((c) => [c.args[0].input.EndpointId ?? "regional", c.args[0].input.Entries!.length]);
            await pub.publish(two); // endpoint times out: both to the regional bus
            await pub.publish(two); // within the minute: regional, no look-up
            now += 60_000;
            await pub.publish(two); // looked up again; one entry fails through the endpoint: that one to the regional bus
            now += 60_000;
            await pub.publish(two); // through the endpoint again
            assert.deepStrictEqual(calls(), [
                ["abcde.veo", 2],
                ["regional", 2],
                ["regional", 2],
                ["abcde.veo", 2],
                ["regional", 1],
                ["abcde.veo", 2],
            ]);
            assert.strictEqual(eb.commandCalls(DescribeEndpointCommand).length, 3);
            assert.match(reasons[0], /PutEvents through endpoint abcde\.veo failed: TimeoutError/);
            assert.match(reasons[1], /failed for 1 event/);
            // A fixed id (no look-up to fall back on) fails as before.
            eb.on(PutEventsCommand, { EndpointId: "fixed.veo" }).rejects(new Error("down"));
            await assert.rejects(
                createEventPublisher(client, { busName: "securecart-orders", endpointId: "fixed.veo", source: "securecart.orders" }).publish(two),
                /down/,
            );
        } finally {
            eb.restore();
        }
    });

    it("the order processor is told the endpoint's name and region, never one without the other", () => {
        const base = {
            ORDERS_TABLE: "o",
            IDEMPOTENCY_TABLE: "i",
            STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:1:stateMachine:s",
            AWS_REGION: "eu-west-1",
            EVENT_BUS_NAME: "securecart-orders",
        };
        assert.strictEqual(processor.configFromEnv(base).endpoint, undefined);
        assert.deepStrictEqual(processor.configFromEnv({ ...base, ENDPOINT_NAME: "securecart-orders", ENDPOINT_REGION: "us-east-1" }).endpoint, {
            name: "securecart-orders",
            region: "us-east-1",
        });
        assert.throws(() => processor.configFromEnv({ ...base, ENDPOINT_NAME: "securecart-orders" }), /ENDPOINT_REGION/);
    });
});

describe("functions: order-processor", () => {
    let db: FakeDynamo;
    let sfn: FakeStepFunctions;
    let eb: ReturnType<typeof ebMock>;
    let logger: MemoryLogger;
    let handler: ReturnType<typeof processor.createHandler>;

    beforeEach(() => {
        db = new FakeDynamo(KEYS);
        sfn = new FakeStepFunctions();
        eb = ebMock();
        eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e" }] });
        logger = new MemoryLogger();
        const config = processor.configFromEnv({
            ORDERS_TABLE: TABLES.orders,
            IDEMPOTENCY_TABLE: TABLES.idempotency,
            STATE_MACHINE_ARN: SM,
            AWS_REGION: "eu-west-1",
            EVENT_BUS_NAME: "securecart-orders",
        });
        handler = processor.createHandler({
            config,
            ddb: ddbClient(),
            sfn: new SFNClient({ region: "eu-west-1" }),
            events: createEventPublisher(new EventBridgeClient({ region: "eu-west-1" }), config),
            logger,
            now: () => NOW,
        });
    });
    afterEach(() => {
        db.mock.restore();
        sfn.mock.restore();
        eb.restore();
    });

    it("happy path: writes the order ACCEPTED, starts the execution named after it, publishes OrderAccepted", async () => {
        const res = await handler(sqsEvent(record("m1", order())));
        assert.deepStrictEqual(res.batchItemFailures, []);
        const stored = db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" });
        assert.strictEqual(stored?.status, "ACCEPTED");
        assert.strictEqual(stored?.region, "eu-west-1");
        assert.strictEqual(stored?.acceptedAt, new Date(NOW).toISOString());
        const start = sfn.mock.commandCalls(StartExecutionCommand)[0].args[0].input;
        assert.strictEqual(start.name, "o-1");
        assert.strictEqual(start.input, executionInput(order()));
        const put = eb.commandCalls(PutEventsCommand)[0].args[0].input;
        assert.strictEqual(put.Entries?.[0].DetailType, "OrderAccepted");
        assert.strictEqual(put.EndpointId, undefined);
        assert.strictEqual(JSON.parse(put.Entries![0].Detail!).orderId, "o-1");
        assert.strictEqual(db.get(TABLES.idempotency, { idempotencyKey: "order#o-1" })?.status, "COMPLETED");
    });

    it("partial batch failure: only the malformed record is reported", async () => {
        const res = await handler(
            sqsEvent(
                record("m1", order("o-1")),
                record("bad", { ...order("o-2"), total: 99 }),
                record("m3", order("o-3")),
                record("junk", "not json"),
            ),
        );
        assert.deepStrictEqual(res.batchItemFailures.map((f) => f.itemIdentifier).sort(), ["bad", "junk"]);
        assert.strictEqual(sfn.starts(), 2);
        assert.ok(logger.lines.some((l) => l.fields.messageId === "bad" && /total/.test(String(l.fields.reason))));
    });

    it("a duplicate delivery has one effect and is not a failure", async () => {
        const first = await handler(sqsEvent(record("m1", order())));
        const second = await handler(sqsEvent(record("m1-again", order())));
        assert.deepStrictEqual([...first.batchItemFailures, ...second.batchItemFailures], []);
        assert.strictEqual(sfn.starts(), 1);
        assert.strictEqual(eb.commandCalls(PutEventsCommand).length, 1);
        assert.strictEqual(sfn.executions.size, 1);
    });

    it("a failure half-way releases the claim, and the retry completes the order once", async () => {
        sfn.mock.on(StartExecutionCommand).rejectsOnce(awsError("ServiceUnavailable"));
        const first = await handler(sqsEvent(record("m1", order())));
        assert.deepStrictEqual(first.batchItemFailures, [{ itemIdentifier: "m1" }]);
        assert.strictEqual(db.get(TABLES.idempotency, { idempotencyKey: "order#o-1" }), undefined, "the claim is released");
        assert.strictEqual(
            db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" })?.status,
            "ACCEPTED",
            "the order was written before the failure",
        );
        // The retry: the order write finds the order, StartExecution succeeds.
        sfn.mock.restore();
        sfn = new FakeStepFunctions();
        const retry = await handler(sqsEvent(record("m1", order())));
        assert.deepStrictEqual(retry.batchItemFailures, []);
        assert.strictEqual(sfn.starts(), 1);
    });

    it("a different message reusing an orderId is reported, not retried", async () => {
        await handler(sqsEvent(record("m1", order())));
        // The idempotency record is gone (expired), so the second message gets as far as StartExecution.
        db.tables.get(TABLES.idempotency)!.clear();
        sfn.executions.forEach((e) => (e.status = "SUCCEEDED"));
        const res = await handler(sqsEvent(record("m2", order("o-1", { currency: "USD" }))));
        assert.deepStrictEqual(res.batchItemFailures, []);
        assert.ok(logger.lines.some((l) => l.level === "error" && /conflicting duplicate/.test(l.message)));
    });
});

describe("functions: fulfilment", () => {
    let db: FakeDynamo;
    let deps: fulfilment.FulfilmentDeps;
    let handler: ReturnType<typeof fulfilment.createHandler>;
    const o = order();
    const charges = () => db.items(TABLES.ledger).filter((e) => e.kind === "charge");
    const refunds = () => db.items(TABLES.ledger).filter((e) => e.kind === "refund");
    const stock = (sku: string) => db.get(TABLES.inventory, { sku })?.available;

    beforeEach(() => {
        db = new FakeDynamo(KEYS);
        db.seed(TABLES.inventory, { sku: "SKU-A", available: 5 });
        db.seed(TABLES.inventory, { sku: "SKU-B", available: 1 });
        db.seed(TABLES.orders, { ...o, status: "ACCEPTED", acceptedAt: new Date(NOW).toISOString() });
        const ddb = ddbClient();
        const config = fulfilment.configFromEnv(FULFILMENT_ENV);
        deps = {
            config,
            ddb,
            payments: new fulfilment.LedgerPaymentGateway(ddb, TABLES.ledger, () => NOW),
            inventory: new fulfilment.DynamoInventory(ddb, TABLES.ledger, TABLES.inventory),
            logger: new MemoryLogger(),
            now: () => NOW,
        };
        handler = fulfilment.createHandler(deps);
    });
    afterEach(() => db.mock.restore());

    it("happy path: reserve, pay, confirm", async () => {
        assert.deepStrictEqual(await handler({ action: "reserveInventory", order: o }), { reservationId: "reservation#o-1" });
        assert.strictEqual(stock("SKU-A"), 3);
        assert.strictEqual(stock("SKU-B"), 0);
        const paid = (await handler({ action: "takePayment", order: o })) as fulfilment.Charge & { duplicate: boolean };
        assert.strictEqual(paid.amount, 25);
        assert.strictEqual(paid.duplicate, false);
        assert.deepStrictEqual(await handler({ action: "confirmOrder", order: o }), { orderId: "o-1", status: "CONFIRMED" });
        assert.strictEqual(db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" })?.status, "CONFIRMED");
    });

    it("the saga's task payloads, resolved from the order processor's execution input, drive every action and its compensation", async () => {
        // The two halves of the contract meet here: src/orderSaga.ts builds each task's Payload from the execution
        // input and the state's data; the order processor starts executions with executionInput(order).
        const def = orderSagaDefinition({
            fulfilmentFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:securecart-fulfilment",
            notificationTopicArn: "arn:aws:sns:eu-west-1:111122223333:securecart-notifications",
        });
        const ctx = { Execution: { Input: JSON.parse(executionInput(o)) as unknown, Id: `${SM.replace(":stateMachine:", ":execution:")}:o-1` } };
        const data: Record<string, unknown> = {};
        const at = (root: unknown, path: string[]) => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
        const value = (p: string): unknown =>
            p.startsWith("$$.") ? at(ctx, p.slice(3).split(".")) : p === "$" ? data : at(data, p.slice(2).split("."));
        const run = async (state: string) => {
            const st = (def.States as unknown as Record<string, { Parameters: { Payload: Record<string, unknown> }; ResultPath?: string | null }>)[
                state
            ];
            const payload = Object.fromEntries(
                Object.entries(st.Parameters.Payload).map(([k, v]) => (k.endsWith(".$") ? [k.slice(0, -2), value(String(v))] : [k, v])),
            );
            const result = await handler(payload as unknown as fulfilment.FulfilmentEvent);
            if (st.ResultPath) data[st.ResultPath.slice(2)] = { result };
            return result;
        };
        await run(SAGA_STATES.reserveInventory);
        await run(SAGA_STATES.takePayment);
        assert.strictEqual(charges().length, 1);
        // Confirm fails (as Step Functions catches it), so the saga refunds, releases and marks the order failed.
        data.failure = { Error: "States.TaskFailed", Cause: "confirm failed" };
        await run(SAGA_STATES.refundPayment);
        await run(SAGA_STATES.releaseReservation);
        await run(SAGA_STATES.markFailed);
        assert.strictEqual(refunds().length, 1);
        assert.strictEqual(stock("SKU-A"), 5);
        assert.strictEqual(db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" })?.status, "FAILED");
    });

    it("takePayment twice charges once and returns the first charge", async () => {
        const first = await fulfilment.takePayment(deps, o);
        const second = await fulfilment.takePayment(deps, o);
        assert.strictEqual(charges().length, 1);
        assert.strictEqual(second.paymentId, first.paymentId);
        assert.strictEqual(second.duplicate, true);
    });

    it("a payment whose claim is lost (the other region's window) is still one ledger charge: the gateway's key", async () => {
        let now = NOW;
        const gateway = new fulfilment.LedgerPaymentGateway(deps.ddb, TABLES.ledger, () => now);
        await fulfilment.takePayment({ ...deps, payments: gateway }, o);
        db.tables.get(TABLES.idempotency)!.clear();
        now += 1000;
        const second = await fulfilment.takePayment({ ...deps, payments: gateway }, o);
        assert.strictEqual(second.duplicate, false, "the claim was lost, so the gateway is asked again");
        assert.strictEqual(charges().length, 1);
        assert.strictEqual(charges()[0].at, new Date(NOW).toISOString(), "the first charge stands; the second request wrote nothing");
    });

    it("a declined charge releases the claim and fails for the saga's Catch", async () => {
        const declining: fulfilment.PaymentGateway = {
            charge: async () => {
                throw Object.assign(new Error("card declined"), { name: "PaymentDeclined" });
            },
            refund: async () => ({ refundId: "r" }),
        };
        await assert.rejects(fulfilment.takePayment({ ...deps, payments: declining }, o), { name: "PaymentDeclined" });
        assert.strictEqual(db.get(TABLES.idempotency, { idempotencyKey: "payment#o-1" }), undefined);
        assert.deepStrictEqual(await fulfilment.refundPayment(deps, o), { refunded: false });
    });

    it("compensation after a failed confirm: refund once, release the reservation once, mark failed", async () => {
        await handler({ action: "reserveInventory", order: o });
        await handler({ action: "takePayment", order: o });
        db.failNextWrite.set(TABLES.orders, awsError("InternalServerError"));
        await assert.rejects(handler({ action: "confirmOrder", order: o }), { name: "InternalServerError" });

        assert.deepStrictEqual(await handler({ action: "refundPayment", order: o }), { refunded: true, refundId: "refund#o-1" });
        assert.deepStrictEqual(await handler({ action: "refundPayment", order: o }), { refunded: true, refundId: "refund#o-1" });
        assert.strictEqual(refunds().length, 1);
        assert.strictEqual(refunds()[0].amount, 25);

        assert.deepStrictEqual(await handler({ action: "releaseReservation", order: o }), { released: true });
        assert.deepStrictEqual(await handler({ action: "releaseReservation", order: o }), { released: false });
        assert.strictEqual(stock("SKU-A"), 5);
        assert.strictEqual(stock("SKU-B"), 1);

        const failed = await handler({ action: "markFailed", order: o, failure: { Error: "States.TaskFailed", Cause: "confirm failed" } });
        assert.deepStrictEqual(failed, { orderId: "o-1", status: "FAILED" });
        const stored = db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" });
        assert.strictEqual(stored?.status, "FAILED");
        assert.match(String(stored?.failureReason), /confirm failed/);
        // A failed order is not confirmed by a late retry.
        await assert.rejects(handler({ action: "confirmOrder", order: o }), { name: "OrderNotConfirmable" });
    });

    it("out of stock fails for good, reserving nothing", async () => {
        const big = order("o-2", {
            items: [
                { sku: "SKU-A", qty: 1, price: 1 },
                { sku: "SKU-B", qty: 2, price: 1 },
            ],
            total: 3,
        });
        await assert.rejects(fulfilment.reserveInventory(deps, big), { name: "OutOfStock", message: /SKU-B/ });
        assert.strictEqual(stock("SKU-A"), 5);
        assert.deepStrictEqual(await fulfilment.releaseReservation(deps, big), { released: false });
    });

    it("reserving twice holds the stock once", async () => {
        await fulfilment.reserveInventory(deps, o);
        await fulfilment.reserveInventory(deps, o);
        assert.strictEqual(stock("SKU-A"), 3);
    });

    it("markFailed never undoes a confirmed order", async () => {
        await fulfilment.confirmOrder(deps, o);
        assert.strictEqual((await fulfilment.markFailed(deps, o, "late")).status, "CONFIRMED");
        assert.strictEqual(db.get(TABLES.orders, { customerId: "c-1", orderId: "o-1" })?.status, "CONFIRMED");
    });

    it("rejects an unknown action or a malformed order as permanent errors", async () => {
        await assert.rejects(handler({ action: "ship" as never, order: o }), { name: "UnknownAction" });
        await assert.rejects(handler({ action: "takePayment", order: { ...o, total: -1 } }), { name: "InvalidOrder" });
        assert.strictEqual(charges().length, 0);
    });
});

describe("functions: notifier", () => {
    let db: FakeDynamo;
    let sent: notifier.CustomerMessage[];
    let handler: ReturnType<typeof notifier.createHandler>;
    const envelope = (msg: unknown) => ({
        Type: "Notification",
        MessageId: "sns-1",
        TopicArn: "arn:aws:sns:eu-west-1:1:t",
        Message: JSON.stringify(msg),
    });

    beforeEach(() => {
        db = new FakeDynamo(KEYS);
        sent = [];
        handler = notifier.createHandler({
            config: notifier.configFromEnv({ IDEMPOTENCY_TABLE: TABLES.idempotency }),
            ddb: ddbClient(),
            sender: { send: async (m) => void sent.push(m) },
            logger: new MemoryLogger(),
            now: () => NOW,
        });
    });
    afterEach(() => db.mock.restore());

    it("formats and sends each notification once; a bad record alone fails", async () => {
        const confirmed = envelope({ kind: "OrderConfirmed", orderId: "o-1", customerId: "c-1", total: 25, currency: "EUR" });
        const res = await handler(
            sqsEvent(
                record("n1", confirmed),
                record("raw", { kind: "OrderConfirmed", orderId: "o-1", customerId: "c-1" }),
                record("n1-dup", confirmed),
            ),
        );
        assert.deepStrictEqual(res.batchItemFailures, [{ itemIdentifier: "raw" }]);
        assert.strictEqual(sent.length, 1);
        assert.match(sent[0].subject, /o-1 is confirmed/);
        assert.match(sent[0].body, /25\.00 EUR/);
    });

    it("a failure notification does not leak the internal reason", () => {
        const m = notifier.formatNotification({ kind: "OrderFailed", orderId: "o-9", customerId: "c", reason: "OutOfStock SKU-B" });
        assert.doesNotMatch(m.body, /SKU-B/);
        assert.match(m.subject, /could not be completed/);
    });
});

describe("functions: dlq-watcher", () => {
    let sqs: ReturnType<typeof sqsMock>;
    let sns: ReturnType<typeof snsMock>;
    const alarm = (state: string) => ({
        source: "aws.cloudwatch",
        "detail-type": "CloudWatch Alarm State Change",
        detail: {
            alarmName: "securecart-orders-dlq-depth",
            state: { value: state },
            configuration: { metrics: [{ metricStat: { metric: { namespace: "AWS/SQS", dimensions: { QueueName: "securecart-orders-dlq" } } } }] },
        },
    });

    beforeEach(() => {
        sqs = sqsMock();
        sns = snsMock();
        sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/securecart-orders-dlq" });
        sqs.on(GetQueueAttributesCommand).resolves({
            Attributes: {
                QueueArn: "arn:aws:sqs:eu-west-1:1:securecart-orders-dlq",
                ApproximateNumberOfMessages: "3",
                ApproximateNumberOfMessagesNotVisible: "0",
            },
        });
        sqs.on(ReceiveMessageCommand).resolves({
            Messages: [
                {
                    MessageId: "b",
                    Body: JSON.stringify(order("o-2")),
                    Attributes: { SentTimestamp: String(NOW - 60_000), ApproximateReceiveCount: "6" },
                },
                { MessageId: "a", Body: "garbage", Attributes: { SentTimestamp: String(NOW - 600_000), ApproximateReceiveCount: "5" } },
            ],
        });
        sns.on(PublishCommand).resolves({ MessageId: "x" });
        sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: "handle-1" });
    });
    afterEach(() => {
        sqs.restore();
        sns.restore();
    });

    const deps = () => ({
        operatorTopicArn: "arn:aws:sns:eu-west-1:1:ops",
        sqs: new SQSClient({ region: "eu-west-1" }),
        sns: new SNSClient({ region: "eu-west-1" }),
        logger: new MemoryLogger(),
        now: () => NOW,
    });

    it("on ALARM, summarises the DLQ for operators without removing anything", async () => {
        const summary = await dlq.createHandler(deps())(alarm("ALARM"));
        assert.strictEqual(summary?.visible, 3);
        assert.strictEqual(summary?.oldestAgeSeconds, 600);
        assert.deepStrictEqual(
            summary?.sample.map((s) => s.messageId),
            ["a", "b"],
        );
        assert.strictEqual(summary?.sample[1].orderId, "o-2");
        assert.strictEqual(sqs.commandCalls(ReceiveMessageCommand)[0].args[0].input.VisibilityTimeout, 0);
        assert.strictEqual(sqs.commandCalls(DeleteMessageCommand).length, 0);
        const pub = sns.commandCalls(PublishCommand)[0].args[0].input;
        assert.strictEqual(pub.TopicArn, "arn:aws:sns:eu-west-1:1:ops");
        assert.match(pub.Message!, /start-message-move-task --source-arn arn:aws:sqs:eu-west-1:1:securecart-orders-dlq/);
        assert.doesNotMatch(pub.Message!, /SKU-A/, "message bodies are not copied to the operators");
        assert.ok(pub.Subject!.length <= 100);
    });

    it("does nothing on OK", async () => {
        assert.strictEqual(await dlq.createHandler(deps())(alarm("OK")), undefined);
        assert.strictEqual(sns.commandCalls(PublishCommand).length, 0);
    });

    it("startRedrive starts a message move task from the DLQ to the source", async () => {
        const handle = await dlq.startRedrive(
            new SQSClient({ region: "eu-west-1" }),
            "arn:aws:sqs:eu-west-1:1:dlq",
            "arn:aws:sqs:eu-west-1:1:src",
            10,
        );
        assert.strictEqual(handle, "handle-1");
        assert.deepStrictEqual(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input, {
            SourceArn: "arn:aws:sqs:eu-west-1:1:dlq",
            DestinationArn: "arn:aws:sqs:eu-west-1:1:src",
            MaxNumberOfMessagesPerSecond: 10,
        });
    });
});

describe("functions: thumbnailer", () => {
    let s3: ReturnType<typeof s3Mock>;
    let png: Buffer;
    const s3Event = (key: string, bucket = "securecart-uploads"): S3Event =>
        ({ Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: bucket }, object: { key } } }] }) as unknown as S3Event;
    const handler = () =>
        thumbnailer.createHandler({
            targetBucket: "securecart-assets",
            maxBytes: 10_000_000,
            s3: new S3Client({ region: "eu-west-1" }),
            logger: new MemoryLogger(),
        });

    before(async () => {
        png = await new Jimp({ width: 600, height: 300, color: 0x3366ccff }).getBuffer("image/png");
    });
    beforeEach(() => {
        s3 = s3Mock();
        s3.on(HeadObjectCommand).resolves({ ContentLength: png.length, ETag: '"etag1"' });
        s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(png) } as never });
        s3.on(PutObjectCommand).resolves({});
    });
    afterEach(() => s3.restore());

    it("writes a 256-pixel-wide thumbnail under assets/thumbnails/ in the target bucket", async () => {
        const [out] = await handler()(s3Event("uploads/shoes/red+shoe.png"));
        assert.deepStrictEqual(out, { outcome: "written", bucket: "securecart-assets", key: "assets/thumbnails/shoes/red shoe.png", width: 256 });
        const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
        assert.strictEqual(put.ContentType, "image/png");
        const thumb = await Jimp.fromBuffer(put.Body as Buffer);
        assert.deepStrictEqual([thumb.width, thumb.height], [256, 128]);
        assert.strictEqual(s3.commandCalls(HeadObjectCommand)[0].args[0].input.Key, "uploads/shoes/red shoe.png");
    });

    it("ignores keys outside uploads/, including its own thumbnails, without reading them", async () => {
        for (const key of ["assets/thumbnails/x.png", "x.png", "uploads", "other/uploads/x.png"]) {
            const [out] = await handler()(s3Event(key));
            assert.strictEqual(out.outcome, "skipped", key);
        }
        assert.strictEqual(s3.commandCalls(HeadObjectCommand).length, 0);
        assert.strictEqual(s3.commandCalls(PutObjectCommand).length, 0);
    });

    it("skips replicas: the source region makes their thumbnail", async () => {
        s3.on(HeadObjectCommand).resolves({ ReplicationStatus: "REPLICA", ContentLength: png.length });
        const [out] = await handler()(s3Event("uploads/a.png"));
        assert.strictEqual(out.outcome, "skipped");
        assert.strictEqual(s3.commandCalls(GetObjectCommand).length, 0);
        assert.strictEqual(s3.commandCalls(PutObjectCommand).length, 0);
    });

    it("skips what is not an image, and never writes under uploads/", async () => {
        s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new TextEncoder().encode("not an image") } as never });
        const [out] = await handler()(s3Event("uploads/readme.txt"));
        assert.strictEqual(out.outcome, "skipped");
        fc.assert(fc.property(fc.string(), (rest) => !(thumbnailer.thumbnailKey(`uploads/${rest}`) ?? "assets/").startsWith("uploads/")));
    });
});

describe("functions: order-reconciler", () => {
    let db: FakeDynamo;
    let sfn: FakeStepFunctions;
    let deps: reconciler.ReconcilerDeps;
    const old = new Date(NOW - 3600_000).toISOString();
    const seedOrder = (id: string, acceptedAt: string, extra: Record<string, unknown> = {}) =>
        db.seed(TABLES.orders, { ...order(id), status: "ACCEPTED", acceptedAt, region: "eu-west-1", ...extra });

    beforeEach(() => {
        db = new FakeDynamo(KEYS);
        sfn = new FakeStepFunctions();
        const ddb = ddbClient();
        const client = new SFNClient({ region: "eu-west-1" });
        const fconfig = fulfilment.configFromEnv(FULFILMENT_ENV);
        deps = {
            config: reconciler.configFromEnv({ ORDERS_TABLE: TABLES.orders, STATE_MACHINE_ARN: SM }),
            ddb,
            sfnFor: () => client,
            fulfilment: {
                config: fconfig,
                ddb,
                payments: new fulfilment.LedgerPaymentGateway(ddb, TABLES.ledger),
                inventory: new fulfilment.DynamoInventory(ddb, TABLES.ledger, TABLES.inventory),
                logger: new MemoryLogger(),
                now: () => NOW,
            },
            logger: new MemoryLogger(),
            now: () => NOW,
        };
    });
    afterEach(() => {
        db.mock.restore();
        sfn.mock.restore();
    });

    it("restarts a stranded order, leaves a running one and a fresh one, and is idempotent", async () => {
        seedOrder("stranded", old);
        seedOrder("running", old);
        seedOrder("fresh", new Date(NOW - 60_000).toISOString());
        db.seed(TABLES.orders, { ...order("done"), status: "CONFIRMED", acceptedAt: old });
        sfn.executions.set(executionArn(SM, "running"), {
            name: "running",
            input: executionInput(order("running")),
            status: "RUNNING",
            arn: executionArn(SM, "running"),
        });

        const first = await reconciler.reconcile(deps);
        const by = Object.fromEntries(first.actions.map((a) => [a.orderId, a.action]));
        assert.deepStrictEqual(by, { stranded: "started", running: "left-running" });
        assert.strictEqual(sfn.starts(), 1);
        assert.strictEqual(sfn.executions.get(executionArn(SM, "stranded"))?.input, executionInput(order("stranded")));

        const second = await reconciler.reconcile(deps);
        assert.deepStrictEqual(Object.fromEntries(second.actions.map((a) => [a.orderId, a.action])), {
            stranded: "left-running",
            running: "left-running",
        });
        assert.strictEqual(sfn.executions.size, 2);
    });

    it("compensates an order whose execution failed", async () => {
        seedOrder("failed", old);
        sfn.executions.set(executionArn(SM, "failed"), {
            name: "failed",
            input: executionInput(order("failed")),
            status: "FAILED",
            arn: executionArn(SM, "failed"),
        });
        await fulfilment.takePayment(deps.fulfilment, order("failed"));
        const res = await reconciler.reconcile(deps);
        assert.deepStrictEqual(
            res.actions.map((a) => a.action),
            ["compensated"],
        );
        assert.strictEqual(db.get(TABLES.orders, { customerId: "c-1", orderId: "failed" })?.status, "FAILED");
        assert.strictEqual(db.items(TABLES.ledger).filter((e) => e.kind === "refund").length, 1);
        // Now FAILED, it is no longer a candidate.
        assert.deepStrictEqual((await reconciler.reconcile(deps)).actions, []);
    });

    it("an order accepted in a region that does not answer is resumed here", async () => {
        seedOrder("lost", old, { region: "eu-central-1" });
        sfn.unreachable.add("eu-central-1");
        const res = await reconciler.reconcile(deps);
        assert.deepStrictEqual(
            res.actions.map((a) => a.action),
            ["started"],
        );
        assert.ok(sfn.executions.has(executionArn(SM, "lost")), "started in this region's state machine");
    });

    it("an error in this region is not mistaken for a lost region", async () => {
        seedOrder("o-1", old);
        sfn.unreachable.add("eu-west-1");
        const res = await reconciler.reconcile(deps);
        assert.deepStrictEqual(
            res.actions.map((a) => a.action),
            ["skipped"],
        );
        assert.strictEqual(sfn.starts(), 0);
    });
});
