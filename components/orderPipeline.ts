import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmActionArgs } from "./dns";
import { SQS_MAX_RETENTION_SECONDS, SQS_VISIBILITY_PER_LAMBDA_TIMEOUT } from "../src/awsFacts";
import { archiveOf, HANDLER, LAMBDA_RUNTIME, type BundleDir } from "../src/functionBundles";
import { EVENT_ENDPOINT_HEALTH_CHECK_PURPOSE } from "../src/plan/facts";
import { DEFAULT_TIMEOUTS, orderSagaDefinitionJson, orderSagaTargets, SAGA_ACTIONS } from "../src/orderSaga";

import { PIPELINE_FUNCTIONS, type PipelineFunction } from "../src/config";
export { PIPELINE_FUNCTIONS, type PipelineFunction };

/** The order event bus: the same name in every region, as an EventBridge global endpoint requires of its two buses. */
export const ORDER_BUS_NAME = "securecart-orders";
/** The order events' global endpoint: a fixed name, which is how publishers in every region find its id. */
export const ORDER_ENDPOINT_NAME = "securecart-orders";
/** The fulfilment saga's state machine: the same name in every region, so the reconciler can name another region's executions. */
export const STATE_MACHINE_NAME = "securecart-order-saga";
/** The `source` of the domain events the pipeline publishes (functions/order-processor EVENT_SOURCE). */
export const EVENT_SOURCE = "securecart.orders";
/** Alarms on the dead-letter queues are named with this prefix; the DLQ watcher's rule matches it. */
export const DLQ_ALARM_PREFIX = "securecart-dlq-";
/** Tag value that marks the global endpoint's health check (it routes events, not users: the estimator's DNS facts leave it out). */
export const ENDPOINT_HEALTH_CHECK_PURPOSE = EVENT_ENDPOINT_HEALTH_CHECK_PURPOSE;

export interface PipelineTables {
    /** Orders global table (customerId, orderId). */
    readonly orders: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** Idempotency records (idempotencyKey, TTL on expiresAt). */
    readonly idempotency: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** Stock counts by SKU. */
    readonly inventory: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** The payment and reservation ledger (entryId). */
    readonly ledger: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
}

export interface OrderPipelineArgs {
    /** This stack's region. Required. */
    readonly region: string;
    /**
     * Whether the pipeline's functions, bus, topic and state machine exist here (src/strategy.ts
     * `pipeline.exists`). The queues, their dead-letter queues and the log groups exist in every region whatever
     * this says: they hold messages and logs, and a demotion must not delete them. Required.
     */
    readonly exists: boolean;
    /** Event source mappings and the order bus's rules enabled (`pipeline.consumersEnabled`). Required. */
    readonly consumersEnabled: boolean;
    /** The reconciler's schedule enabled (`pipeline.reconcilerEnabled`). Required. */
    readonly reconcilerEnabled: boolean;
    /** The bus's rule from `OrderFulfilmentRequested` to the saga enabled (`pipeline.fulfilmentRequestsEnabled`). Default false. */
    readonly fulfilmentRequestsEnabled?: boolean;
    /**
     * Reserved concurrency per function, already scaled by the plan's share (src/strategy.ts `scaledConcurrency`).
     * 0 throttles the function (Lambda: "A value of 0 disables lambda from being triggered"); it never means
     * "unreserved". Required where `exists`.
     */
    readonly reservedConcurrency: Readonly<Record<PipelineFunction, number>>;
    /** The deployment packages on disk (src/functionBundles.ts `bundleDirs`). Required where `exists`. */
    readonly bundles: readonly BundleDir[];
    /** The tables the handlers use (this region's replica, or the live recovery tier's table). Required where `exists`. */
    readonly tables?: PipelineTables;
    /** The region's data key (queues, topics). Required. */
    readonly dataKeyArn: pulumi.Input<string>;
    /** The region's logs key (every log group). Required. */
    readonly logsKeyArn: pulumi.Input<string>;
    /** The bucket whose `uploads/` prefix the thumbnailer watches and writes `assets/thumbnails/` into. Required where `exists`. */
    readonly assetBucket?: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** Receives before a message moves to its dead-letter queue, 1-1000. Default 5. */
    readonly maxReceiveCount?: number;
    /** Every function's timeout in seconds, 1-900. Default 30. The queues' visibility timeout is 6× this. */
    readonly functionTimeoutSeconds?: number;
    /** Retention of the functions' and the state machine's log groups, in days. Default 90. */
    readonly logRetentionDays?: number;
    /**
     * The EventBridge global endpoint (home stack, warm standby and active-active): created only once the other
     * region's bus exists (its stack's deployed output names it), as the endpoint needs both buses. That bus has
     * this one's fixed name, in the same account. Default none.
     */
    readonly globalEndpoint?: { readonly secondaryRegion: string };
    /**
     * The region the order events' global endpoint is managed in (the home region), where the strategy has one
     * (`pipeline.globalEndpoint` is not "none"). The order processor looks the endpoint up there by its fixed name
     * when it starts, and publishes through it once it is active (functions/shared/events.ts). Default none.
     */
    readonly endpointRegion?: string;
    /** Where the pipeline's alarms notify (the dead-letter queues', the global endpoint's). */
    readonly alarmActions: AlarmActionArgs;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The asynchronous order pipeline of one region:
 * - SQS: the order queue and the notification queue, each with a dead-letter queue (separate RedrivePolicy and
 *   RedriveAllowPolicy resources, which inline would reference each other), and a dead-letter queue for the
 *   functions' failed asynchronous invocations and the rules' failed deliveries. All under the region's data key.
 * - Lambda: one function per bundle, with its own least-privilege role, X-Ray tracing, a KMS log group with
 *   retention, reserved concurrency from the plan and a dead-letter queue. None runs in the VPC: none of them reaches
 *   a VPC resource (they call DynamoDB, SQS, SNS, Step Functions, EventBridge and S3, all public AWS endpoints), and a
 *   VPC function would add ENIs whose clean-up blocks a destroy for up to an hour (pulumi/pulumi-aws#2642).
 * - EventBridge: the `securecart-orders` bus with a rule to the state machine and one to the notifications topic,
 *   the DLQ watcher's rule on the default bus, the reconciler's schedule; in the home stack, the global endpoint.
 * - SNS: the notifications topic (the notification queue subscribed) and the operators' topic.
 * - Step Functions: the Standard fulfilment saga, logged under the logs key and traced.
 */
export class OrderPipeline extends pulumi.ComponentResource {
    public readonly orderQueueUrl: pulumi.Output<string>;
    public readonly orderQueueArn: pulumi.Output<string>;
    public readonly queueArns: pulumi.Output<string>[];
    /** The region's queue for functions' failed asynchronous invocations (every function in the region may use it). */
    public readonly failureQueueArn: pulumi.Output<string>;
    public readonly busArn?: pulumi.Output<string>;
    public readonly busName?: string;
    public readonly stateMachineArn?: pulumi.Output<string>;
    public readonly topicArn?: pulumi.Output<string>;
    public readonly functionArns?: pulumi.Output<Record<string, string>>;
    public readonly endpointUrl?: pulumi.Output<string>;

    constructor(name: string, args: OrderPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:pipeline:OrderPipeline", name, {}, opts);
        const p = { parent: this };
        // Stateful: messages and logs. A drill must never delete or replace them.
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const tagsOf = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const timeout = args.functionTimeoutSeconds ?? 30;
        const maxReceiveCount = args.maxReceiveCount ?? 5;
        const retention = args.logRetentionDays ?? 90;
        const problems: string[] = [];
        if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000)
            problems.push(`maxReceiveCount ${maxReceiveCount}: expected 1-1000`);
        if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
            problems.push(`functionTimeoutSeconds ${timeout}: expected 1-900 (Lambda's maximum)`);
        if (args.exists && (!args.tables || !args.assetBucket)) problems.push("a pipeline that exists needs its tables and the asset bucket");
        for (const f of args.exists ? PIPELINE_FUNCTIONS : []) {
            if (!args.bundles.some((b) => b.name === f)) problems.push(`no bundle for function ${f}`);
            const rc = args.reservedConcurrency[f];
            if (!Number.isInteger(rc) || rc < 0) problems.push(`reservedConcurrency.${f} ${rc}: expected a whole number, 0 to throttle`);
            else if (args.consumersEnabled && (f === "order-processor" || f === "notifier") && rc < 2)
                problems.push(`reservedConcurrency.${f} ${rc}: a running queue consumer needs at least 2 (its mapping's least maximum concurrency)`);
        }
        if (problems.length) throw new pulumi.ResourceError(`OrderPipeline ${name}: ${problems.join("; ")}`, this);

        // A role only the named AWS service may assume; its permissions come as one inline policy beside it.
        const serviceRole = (n: string, roleName: string, service: string) =>
            new aws.iam.Role(
                n,
                {
                    name: roleName,
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
                    }),
                    tags: tagsOf(roleName),
                },
                p,
            );
        // A resource policy letting one AWS service do one action on this resource, only for the named source(s). With
        // its Version: a queue policy without one hangs its create until it times out (the provider's QueuePolicy docs).
        const onlyFrom = (sid: string, service: string, action: string, resource: pulumi.Input<string>, sourceArn: pulumi.Input<unknown>) =>
            pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: sid,
                        Effect: "Allow",
                        Principal: { Service: service },
                        Action: action,
                        Resource: resource,
                        Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
                    },
                ],
            });
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const partition = aws.getPartitionOutput({}, p).partition;

        // --- queues (every region) -----------------------------------------------------------------------------
        // Lambda: "set the source queue's visibility timeout to at least six times the configuration timeout on
        // your function" (Lambda developer guide, "Configuring an Amazon SQS event source"); it rejects a mapping
        // whose queue's visibility timeout is shorter than the function's timeout.
        const visibility = SQS_VISIBILITY_PER_LAMBDA_TIMEOUT * timeout;
        const queue = (n: string, extra: Partial<aws.sqs.QueueArgs> = {}) =>
            new aws.sqs.Queue(
                `${name}-${n}`,
                {
                    name: `securecart-${n}`,
                    kmsMasterKeyId: args.dataKeyArn,
                    // SQS's default: one data key call per 5 minutes per principal, not per message.
                    kmsDataKeyReusePeriodSeconds: 300,
                    // The longest retention: messages stranded in a lost region's queue wait for it to return.
                    messageRetentionSeconds: SQS_MAX_RETENTION_SECONDS,
                    visibilityTimeoutSeconds: visibility,
                    tags: tagsOf(`securecart-${n}`),
                    ...extra,
                },
                keep,
            );
        const orderQueue = queue("orders");
        const orderDlq = queue("orders-dlq");
        const notifyQueue = queue("notifications");
        const notifyDlq = queue("notifications-dlq");
        // Where failed asynchronous invocations (S3, EventBridge, the schedule) and failed rule deliveries land.
        // Not re-drivable with StartMessageMoveTask, which moves only DLQs of SQS queues (SQS API reference).
        const failureDlq = queue("function-failures");
        const redrive = (n: string, source: aws.sqs.Queue, dlq: aws.sqs.Queue) => {
            new aws.sqs.RedrivePolicy(
                `${name}-${n}-redrive`,
                { queueUrl: source.url, redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }) },
                p,
            );
            new aws.sqs.RedriveAllowPolicy(
                `${name}-${n}-redrive-allow`,
                { queueUrl: dlq.url, redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [source.arn] }) },
                p,
            );
        };
        redrive("orders", orderQueue, orderDlq);
        redrive("notifications", notifyQueue, notifyDlq);
        // The failure queue is nobody's dead-letter queue: only Lambda and EventBridge send to it, by their own settings.
        new aws.sqs.RedriveAllowPolicy(
            `${name}-function-failures-redrive-allow`,
            { queueUrl: failureDlq.url, redriveAllowPolicy: JSON.stringify({ redrivePermission: "denyAll" }) },
            p,
        );
        this.orderQueueUrl = orderQueue.url;
        this.orderQueueArn = orderQueue.arn;
        this.queueArns = [orderQueue, orderDlq, notifyQueue, notifyDlq, failureDlq].map((q) => q.arn);
        this.failureQueueArn = failureDlq.arn;

        // --- log groups (every region) -------------------------------------------------------------------------
        const logGroups = new Map<string, aws.cloudwatch.LogGroup>();
        for (const f of PIPELINE_FUNCTIONS) {
            const n = `/aws/lambda/securecart-${f}`;
            logGroups.set(
                f,
                new aws.cloudwatch.LogGroup(
                    `${name}-${f}-logs`,
                    { name: n, retentionInDays: retention, kmsKeyId: args.logsKeyArn, tags: tagsOf(n) },
                    keep,
                ),
            );
        }
        // Under /aws/vendedlogs/: Step Functions' log delivery writes there without growing the account's log
        // resource policy past its size limit (Step Functions developer guide, "Logging using CloudWatch Logs").
        const sfnLogName = `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`;
        const sfnLogs = new aws.cloudwatch.LogGroup(
            `${name}-saga-logs`,
            { name: sfnLogName, retentionInDays: retention, kmsKeyId: args.logsKeyArn, tags: tagsOf(sfnLogName) },
            keep,
        );

        // DLQ depth alarms (every region: a returned region's DLQ may hold what failed before it was lost).
        for (const [n, q] of [
            ["orders", orderDlq],
            ["notifications", notifyDlq],
            ["function-failures", failureDlq],
        ] as const) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-${n}-dlq-alarm`,
                {
                    name: `${DLQ_ALARM_PREFIX}${n}`,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: { QueueName: q.name },
                    statistic: "Maximum",
                    period: 300,
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                    treatMissingData: "notBreaching",
                    ...args.alarmActions,
                    tags: tagsOf(`${DLQ_ALARM_PREFIX}${n}`),
                },
                p,
            );
        }

        if (!args.exists) {
            this.registerOutputs({ orderQueueUrl: this.orderQueueUrl });
            return;
        }
        const tables = args.tables as PipelineTables;
        const assetBucket = args.assetBucket as { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };

        // --- topics ----------------------------------------------------------------------------------------------
        const topic = new aws.sns.Topic(
            `${name}-notifications`,
            { name: "securecart-notifications", kmsMasterKeyId: args.dataKeyArn, tags: tagsOf("securecart-notifications") },
            p,
        );
        const operatorTopic = new aws.sns.Topic(
            `${name}-operators`,
            { name: "securecart-operators", kmsMasterKeyId: args.dataKeyArn, tags: tagsOf("securecart-operators") },
            p,
        );
        this.topicArn = topic.arn;
        // SNS delivers into the queue only if the queue allows it for this topic (and the data key lets SNS use it:
        // components/keys.ts); otherwise messages are dropped without an error (aws/aws-cdk#11122).
        new aws.sqs.QueuePolicy(
            `${name}-notifications-policy`,
            {
                queueUrl: notifyQueue.url,
                policy: onlyFrom("NotificationsTopicSends", "sns.amazonaws.com", "sqs:SendMessage", notifyQueue.arn, topic.arn),
            },
            p,
        );
        // The notifier reads the SNS envelope (functions/notifier parseNotification): raw delivery stays off.
        new aws.sns.TopicSubscription(
            `${name}-notifications-sub`,
            { topic: topic.arn, protocol: "sqs", endpoint: notifyQueue.arn, rawMessageDelivery: false },
            p,
        );

        // --- event bus ---------------------------------------------------------------------------------------------
        const bus = new aws.cloudwatch.EventBus(`${name}-bus`, { name: ORDER_BUS_NAME, tags: tagsOf(ORDER_BUS_NAME) }, p);
        this.busArn = bus.arn;
        this.busName = ORDER_BUS_NAME;
        const ruleState = args.consumersEnabled ? "ENABLED" : "DISABLED";

        // --- global endpoint (home stack) ------------------------------------------------------------------------------
        if (args.globalEndpoint) {
            const ge = args.globalEndpoint;
            const secondaryBusArn = pulumi.interpolate`arn:${partition}:events:${ge.secondaryRegion}:${account}:event-bus/${ORDER_BUS_NAME}`;
            // After AWS's template for global endpoints (EventBridge user guide, "Setting up the Route 53 health check"):
            // unhealthy when EventBridge's latency averages above 30 s. The template waits 5 one-minute periods; this
            // waits 3, the project's detection budget for any health check (policy dr-failure-detection-within-rto:
            // 3 periods + Route 53's reaction = 240 s), so events fail over no later than users do. Orders arrive
            // intermittently, so missing data is "missing" (the template's own advice for such buses): a stretch without
            // data keeps the alarm's last state and the check its last status, rather than counting as healthy. A
            // region whose EventBridge ingests nothing measures nothing, so a hard outage may not fail the endpoint
            // over; publishers then fall back to their own region's bus (functions/shared/events.ts).
            const alarmName = `securecart-order-events-latency`;
            const alarm = new aws.cloudwatch.MetricAlarm(
                `${name}-endpoint-alarm`,
                {
                    name: alarmName,
                    namespace: "AWS/Events",
                    metricName: "IngestionToInvocationStartLatency",
                    statistic: "Average",
                    period: 60,
                    evaluationPeriods: 3,
                    threshold: 30_000,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "missing",
                    ...args.alarmActions,
                    tags: tagsOf(alarmName),
                },
                p,
            );
            const health = new aws.route53.HealthCheck(
                `${name}-endpoint-health`,
                {
                    type: "CLOUDWATCH_METRIC",
                    cloudwatchAlarmName: alarm.name,
                    cloudwatchAlarmRegion: args.region,
                    insufficientDataHealthStatus: "LastKnownStatus",
                    // Route 53 copies the alarm's settings when the check is written, never again: a change rewrites it.
                    triggers: { alarm: alarmName, evaluationPeriods: "3" },
                    tags: { ...tagsOf(alarmName), purpose: ENDPOINT_HEALTH_CHECK_PURPOSE },
                },
                p,
            );
            // Replication on: without it a failback waits for someone to reset the health check by hand. It needs a
            // role events.amazonaws.com can assume (the default state ENABLED requires RoleArn).
            const replRole = serviceRole(`${name}-endpoint-role`, `securecart-order-endpoint-${args.region}`, "events.amazonaws.com");
            const replPolicy = new aws.iam.RolePolicy(
                `${name}-endpoint-policy`,
                {
                    role: replRole.name,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: [bus.arn, secondaryBusArn] }],
                    }),
                },
                p,
            );
            const endpoint = new aws.cloudwatch.EventEndpoint(
                `${name}-endpoint`,
                {
                    name: ORDER_ENDPOINT_NAME,
                    description: "SecureCart order events: the home region's bus, failing over to the other region's",
                    eventBuses: [{ eventBusArn: bus.arn }, { eventBusArn: secondaryBusArn }],
                    routingConfig: { failoverConfig: { primary: { healthCheck: health.arn }, secondary: { route: ge.secondaryRegion } } },
                    replicationConfig: { state: "ENABLED" },
                    roleArn: replRole.arn,
                },
                { parent: this, dependsOn: [replPolicy] },
            );
            this.endpointUrl = endpoint.endpointUrl;
        }

        // --- functions -------------------------------------------------------------------------------------------
        const dataKey = { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.dataKeyArn };
        const tableArn = (t: { readonly arn: pulumi.Input<string> }) => t.arn;
        const ddb = (actions: string[], ...ts: { readonly arn: pulumi.Input<string> }[]) => ({
            Effect: "Allow",
            Action: actions.map((a) => `dynamodb:${a}`),
            Resource: ts.map(tableArn),
        });
        const consume = (q: aws.sqs.Queue) => ({
            Effect: "Allow",
            Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
            Resource: q.arn,
        });
        // The state machine invokes the fulfilment function, and the order processor and the reconciler start it: its
        // ARN reaches them once it exists (unknown in a preview, like any ARN AWS assigns).
        const [stateMachineArn, resolveStateMachineArn] = pulumi.deferredOutput<string>();
        const fulfilmentTables = [tables.orders, tables.idempotency, tables.ledger, tables.inventory];
        const rw = ["GetItem", "PutItem", "UpdateItem", "ConditionCheckItem"];
        const env = {
            ORDERS_TABLE: tables.orders.name,
            IDEMPOTENCY_TABLE: tables.idempotency.name,
            LEDGER_TABLE: tables.ledger.name,
            INVENTORY_TABLE: tables.inventory.name,
        };
        // What each function may do, and what it is told (each handler's configFromEnv).
        const specs: Record<
            PipelineFunction,
            { memory: number; statements: pulumi.Input<Record<string, unknown>>[]; env: Record<string, pulumi.Input<string>> }
        > = {
            "order-processor": {
                memory: 256,
                statements: [
                    consume(orderQueue),
                    ddb(rw, tables.orders, tables.idempotency),
                    { Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn },
                    // Either region's bus: through the global endpoint PutEvents lands on whichever is healthy.
                    {
                        Effect: "Allow",
                        Action: "events:PutEvents",
                        Resource: pulumi.interpolate`arn:${partition}:events:*:${account}:event-bus/${ORDER_BUS_NAME}`,
                    },
                ],
                env: {
                    ORDERS_TABLE: tables.orders.name,
                    IDEMPOTENCY_TABLE: tables.idempotency.name,
                    STATE_MACHINE_ARN: stateMachineArn,
                    EVENT_BUS_NAME: ORDER_BUS_NAME,
                    EVENT_SOURCE,
                },
            },
            fulfilment: { memory: 256, statements: [ddb(rw, ...fulfilmentTables)], env },
            notifier: {
                memory: 256,
                statements: [consume(notifyQueue), ddb(rw, tables.idempotency)],
                env: { IDEMPOTENCY_TABLE: tables.idempotency.name },
            },
            "dlq-watcher": {
                memory: 256,
                statements: [
                    // Looks only (ReceiveMessage with a visibility timeout of 0); a re-drive is an operator's call.
                    {
                        Effect: "Allow",
                        Action: ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:ListMessageMoveTasks"],
                        Resource: [orderDlq.arn, notifyDlq.arn, failureDlq.arn],
                    },
                    { Effect: "Allow", Action: "sns:Publish", Resource: operatorTopic.arn },
                ],
                env: { OPERATOR_TOPIC_ARN: operatorTopic.arn },
            },
            thumbnailer: {
                // jimp decodes the whole image in memory.
                memory: 1024,
                statements: [
                    { Effect: "Allow", Action: ["s3:GetObject"], Resource: pulumi.interpolate`${assetBucket.arn}/uploads/*` },
                    { Effect: "Allow", Action: ["s3:PutObject"], Resource: pulumi.interpolate`${assetBucket.arn}/assets/thumbnails/*` },
                ],
                env: { TARGET_BUCKET: assetBucket.name },
            },
            "order-reconciler": {
                memory: 256,
                statements: [
                    ddb(["Scan", ...rw], ...fulfilmentTables),
                    // Any region's saga: an order is looked up where it was accepted.
                    {
                        Effect: "Allow",
                        Action: ["states:DescribeExecution", "states:StartExecution"],
                        Resource: [
                            pulumi.interpolate`arn:${partition}:states:*:${account}:stateMachine:${STATE_MACHINE_NAME}`,
                            pulumi.interpolate`arn:${partition}:states:*:${account}:execution:${STATE_MACHINE_NAME}:*`,
                        ],
                    },
                ],
                env: { ...env, STATE_MACHINE_ARN: stateMachineArn },
            },
        };
        // Publishers use the global endpoint where the strategy has one: they look it up by name in its region.
        if (args.endpointRegion !== undefined) {
            specs["order-processor"].env.ENDPOINT_NAME = ORDER_ENDPOINT_NAME;
            specs["order-processor"].env.ENDPOINT_REGION = args.endpointRegion;
            specs["order-processor"].statements.push({
                Effect: "Allow",
                Action: "events:DescribeEndpoint",
                Resource: pulumi.interpolate`arn:${partition}:events:${args.endpointRegion}:${account}:endpoint/${ORDER_ENDPOINT_NAME}`,
            });
        }

        const functions = new Map<PipelineFunction, aws.lambda.Function>();
        for (const f of PIPELINE_FUNCTIONS) {
            const spec = specs[f];
            const fnName = `securecart-${f}`;
            const logGroup = logGroups.get(f) as aws.cloudwatch.LogGroup;
            const role = serviceRole(`${name}-${f}-role`, `${fnName}-${args.region}`, "lambda.amazonaws.com");
            const policy = new aws.iam.RolePolicy(
                `${name}-${f}-policy`,
                {
                    role: role.name,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            // Its own log group only (the group exists; the function never creates one).
                            {
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: pulumi.interpolate`${logGroup.arn}:*`,
                            },
                            // X-Ray's PutTraceSegments supports no resource-level permissions.
                            { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                            // Its dead-letter queue, encrypted under the data key.
                            { Effect: "Allow", Action: "sqs:SendMessage", Resource: failureDlq.arn },
                            dataKey,
                            ...spec.statements,
                        ],
                    }),
                },
                p,
            );
            const reserved = args.reservedConcurrency[f];
            const fn = new aws.lambda.Function(
                `${name}-${f}`,
                {
                    name: fnName,
                    role: role.arn,
                    runtime: LAMBDA_RUNTIME,
                    handler: HANDLER,
                    code: archiveOf(args.bundles.find((b) => b.name === f) as BundleDir),
                    memorySize: spec.memory,
                    timeout,
                    tracingConfig: { mode: "Active" },
                    reservedConcurrentExecutions: reserved,
                    deadLetterConfig: { targetArn: failureDlq.arn },
                    loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
                    environment: { variables: { ...spec.env, NODE_OPTIONS: "--enable-source-maps" } },
                    tags: tagsOf(fnName),
                },
                // The role's policy outlives the function (and is there before its first invocation).
                { parent: this, dependsOn: [policy, logGroup] },
            );
            functions.set(f, fn);
        }
        const fnOf = (f: PipelineFunction) => functions.get(f) as aws.lambda.Function;
        this.functionArns = pulumi.output(Object.fromEntries(PIPELINE_FUNCTIONS.map((f) => [f, fnOf(f).arn]))) as pulumi.Output<
            Record<string, string>
        >;

        // Failed asynchronous invocations (S3, EventBridge, the schedule): Lambda retries twice, then the function's
        // dead-letter queue. One failure target per function: with an on-failure destination as well, a failure would
        // be delivered twice.

        // --- queue consumers ---------------------------------------------------------------------------------------
        // `enabled` is an in-place update, so a promotion turns consumers on without replacing anything.
        // maximumConcurrency (2-1000) is the reserved concurrency, so Lambda's pollers never outrun the function (a
        // throttled receive counts towards maxReceiveCount); where consumers are off there is none (reserved 0).
        for (const [f, q] of [
            ["order-processor", orderQueue],
            ["notifier", notifyQueue],
        ] as const) {
            const reserved = args.reservedConcurrency[f];
            new aws.lambda.EventSourceMapping(
                `${name}-${f}-esm`,
                {
                    eventSourceArn: q.arn,
                    functionName: fnOf(f).arn,
                    enabled: args.consumersEnabled,
                    batchSize: 10,
                    functionResponseTypes: ["ReportBatchItemFailures"],
                    ...(reserved >= 2 ? { scalingConfig: { maximumConcurrency: Math.min(reserved, 1000) } } : {}),
                    tags: tagsOf(`${name}-${f}-esm`),
                },
                // Lambda refuses a second mapping of the same queue and function (aws/serverless-application-model#1320).
                { parent: this, deleteBeforeReplace: true },
            );
        }

        // --- state machine -------------------------------------------------------------------------------------------
        const sagaArgs = pulumi.all([fnOf("fulfilment").arn, topic.arn]).apply(([fulfilmentFunctionArn, notificationTopicArn]) => ({
            fulfilmentFunctionArn,
            notificationTopicArn,
            functionTimeoutSeconds: timeout,
            // Each Lambda task waits longer than the function may run (the saga refuses otherwise).
            timeouts: Object.fromEntries(SAGA_ACTIONS.map((a) => [a, Math.max(DEFAULT_TIMEOUTS[a], timeout + 10)])),
        }));
        const targets = sagaArgs.apply((a) => orderSagaTargets(a));
        const sfnRole = serviceRole(`${name}-saga-role`, `${STATE_MACHINE_NAME}-${args.region}`, "states.amazonaws.com");
        const sfnPolicy = new aws.iam.RolePolicy(
            `${name}-saga-policy`,
            {
                role: sfnRole.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        // Derived from the definition itself, so the policy cannot drift from what it invokes.
                        { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: targets.apply((t) => [...t.functionArns]) },
                        { Effect: "Allow", Action: "sns:Publish", Resource: targets.apply((t) => [...t.topicArns]) },
                        dataKey,
                        // Log delivery and X-Ray: these actions support no resource-level permissions (Step Functions
                        // developer guide, "IAM policies for logging to CloudWatch Logs").
                        {
                            Effect: "Allow",
                            Action: [
                                "logs:CreateLogDelivery",
                                "logs:GetLogDelivery",
                                "logs:UpdateLogDelivery",
                                "logs:DeleteLogDelivery",
                                "logs:ListLogDeliveries",
                                "logs:PutResourcePolicy",
                                "logs:DescribeResourcePolicies",
                                "logs:DescribeLogGroups",
                                "xray:PutTraceSegments",
                                "xray:PutTelemetryRecords",
                                "xray:GetSamplingRules",
                                "xray:GetSamplingTargets",
                            ],
                            Resource: "*",
                        },
                    ],
                }),
            },
            p,
        );
        const machine = new aws.sfn.StateMachine(
            `${name}-saga`,
            {
                name: STATE_MACHINE_NAME,
                type: "STANDARD",
                roleArn: sfnRole.arn,
                definition: sagaArgs.apply((a) => orderSagaDefinitionJson(a)),
                // Execution data (orders: names, addresses) stays out of the logs.
                loggingConfiguration: { level: "ALL", includeExecutionData: false, logDestination: pulumi.interpolate`${sfnLogs.arn}:*` },
                tracingConfiguration: { enabled: true },
                tags: tagsOf(STATE_MACHINE_NAME),
            },
            { parent: this, dependsOn: [sfnPolicy] },
        );
        this.stateMachineArn = machine.arn;
        resolveStateMachineArn(machine.arn);

        // --- rules ---------------------------------------------------------------------------------------------------
        // The order processor starts each saga itself, named after the order (StartExecution is idempotent for a
        // Standard workflow with the same name and input), and publishes OrderAccepted. The bus routes:
        // - OrderFulfilmentRequested (an operator, or a reconciler elsewhere, asking this region to run a saga;
        //   through the global endpoint it reaches the healthy region) → the state machine;
        // - OrderAccepted → the notifications topic (the customer's confirmation of receipt).
        const eventsRole = serviceRole(`${name}-events-role`, `securecart-order-events-${args.region}`, "events.amazonaws.com");
        new aws.iam.RolePolicy(
            `${name}-events-policy`,
            {
                role: eventsRole.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "states:StartExecution", Resource: machine.arn }],
                }),
            },
            p,
        );
        const rule = (n: string, props: Partial<aws.cloudwatch.EventRuleArgs>) =>
            new aws.cloudwatch.EventRule(`${name}-${n}`, { name: `securecart-${n}`, tags: tagsOf(`securecart-${n}`), ...props }, p);
        const failed = { deadLetterConfig: { arn: failureDlq.arn }, retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } };
        const toSaga = rule("fulfilment-requested", {
            eventBusName: bus.name,
            state: args.consumersEnabled && args.fulfilmentRequestsEnabled ? "ENABLED" : "DISABLED",
            eventPattern: JSON.stringify({ source: [EVENT_SOURCE], "detail-type": ["OrderFulfilmentRequested"] }),
        });
        new aws.cloudwatch.EventTarget(
            `${name}-fulfilment-requested-target`,
            { rule: toSaga.name, eventBusName: bus.name, arn: machine.arn, roleArn: eventsRole.arn, inputPath: "$.detail", ...failed },
            p,
        );
        const toTopic = rule("order-accepted", {
            eventBusName: bus.name,
            state: ruleState,
            eventPattern: JSON.stringify({ source: [EVENT_SOURCE], "detail-type": ["OrderAccepted"] }),
        });
        new aws.cloudwatch.EventTarget(
            `${name}-order-accepted-target`,
            { rule: toTopic.name, eventBusName: bus.name, arn: topic.arn, inputPath: "$.detail", ...failed },
            p,
        );
        new aws.sns.TopicPolicy(
            `${name}-notifications-topic-policy`,
            {
                arn: topic.arn,
                policy: onlyFrom("OrderAcceptedRulePublishes", "events.amazonaws.com", "sns:Publish", topic.arn, toTopic.arn),
            },
            p,
        );
        // The DLQ watcher: alarms on the DLQs, as "CloudWatch Alarm State Change" events on the default bus.
        const watch = rule("dlq-alarm", {
            state: "ENABLED",
            eventPattern: JSON.stringify({
                source: ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                detail: { alarmName: [{ prefix: DLQ_ALARM_PREFIX }], state: { value: ["ALARM"] } },
            }),
        });
        // The reconciler: every 5 minutes where the plan enables it (the primary).
        const schedule = rule("order-reconciler", { scheduleExpression: "rate(5 minutes)", state: args.reconcilerEnabled ? "ENABLED" : "DISABLED" });
        const failureSources: pulumi.Output<string>[] = [toSaga.arn, toTopic.arn];
        for (const [n, r, f] of [
            ["dlq-alarm", watch, "dlq-watcher"],
            ["order-reconciler", schedule, "order-reconciler"],
        ] as const) {
            new aws.lambda.Permission(
                `${name}-${n}-invoke`,
                { function: fnOf(f).name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: r.arn },
                p,
            );
            new aws.cloudwatch.EventTarget(`${name}-${n}-target`, { rule: r.name, arn: fnOf(f).arn, ...failed }, p);
            failureSources.push(r.arn);
        }
        new aws.sqs.QueuePolicy(
            `${name}-function-failures-policy`,
            {
                queueUrl: failureDlq.url,
                policy: onlyFrom("RulesDeadLetter", "events.amazonaws.com", "sqs:SendMessage", failureDlq.arn, failureSources),
            },
            p,
        );

        // --- thumbnails ------------------------------------------------------------------------------------------------
        const s3Invoke = new aws.lambda.Permission(
            `${name}-thumbnailer-invoke`,
            {
                function: fnOf("thumbnailer").name,
                action: "lambda:InvokeFunction",
                principal: "s3.amazonaws.com",
                sourceArn: assetBucket.arn,
                sourceAccount: account,
            },
            p,
        );
        new aws.s3.BucketNotification(
            `${name}-uploads-notification`,
            {
                bucket: assetBucket.name,
                lambdaFunctions: [{ lambdaFunctionArn: fnOf("thumbnailer").arn, events: ["s3:ObjectCreated:*"], filterPrefix: "uploads/" }],
            },
            { parent: this, dependsOn: [s3Invoke] },
        );

        this.registerOutputs({ orderQueueUrl: this.orderQueueUrl, busArn: this.busArn, stateMachineArn: this.stateMachineArn });
    }
}
