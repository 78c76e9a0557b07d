/**
 * The order fulfilment saga as an Amazon States Language definition for a Standard state machine: reserve inventory,
 * take payment, confirm the order, notify. Pure: it takes ARNs as plain strings (the caller resolves Outputs with
 * `pulumi.all(...).apply(...)`) and returns data, so tests can validate, walk and interpret it without AWS.
 *
 * Shape of the saga:
 *
 *     ReserveInventory ─▶ TakePayment ─▶ ConfirmOrder ─▶ NotifyCustomer (End)
 *            │                 │               │                │
 *            │                 │               ▼                ▼
 *            │                 │         RefundPayment    NotificationFailed (Fail; order stays confirmed)
 *            │                 ▼               │
 *            │        ReleaseReservation ◀─────┘
 *            ▼                 │
 *       MarkOrderFailed ◀──────┘
 *            │
 *            ▼
 *       OrderFailed (Fail)          any compensation that fails ─▶ CompensationFailed (Fail)
 *
 * The compensation states form one shared chain entered at the right point, so "undo what succeeded, newest first"
 * holds by construction: a failure after payment enters at the refund, a failure after the reservation at the
 * release, a failure of the reservation itself straight at mark-failed.
 *
 * Decisions, and why:
 * - Failure paths end in a Fail state, not a Succeed carrying a failed status. A failed order is an exceptional
 *   outcome someone may need to look at; Step Functions counts it in ExecutionsFailed, which an alarm can watch, and
 *   the console shows it red. A Succeed would hide it among the happy executions. The order's own status (what the
 *   shop shows the customer) is recorded by the markFailed action, not by how the execution ended.
 * - Confirming the order is the saga's pivot: once it has succeeded the order is kept. A notification that still
 *   fails after its retries does not refund a confirmed order (cancelling a paid, confirmed order because an email
 *   could not be queued would be the wrong trade); the execution fails visibly as NotificationFailed so the missing
 *   notification is alarmed on and can be re-sent, and the order is not marked failed.
 * - A compensation that fails after its retries stops the chain at CompensationFailed without marking the order
 *   failed. The order then stays "accepted but not completed" in the global table, which is exactly what the order
 *   reconciler looks for; it re-runs the compensations, which are idempotent on the orderId. Carrying on down the
 *   chain instead would mark the order failed while money was still taken, hiding it from the reconciler.
 * - QueryLanguage is JSONPath: the whole definition only moves fields around and reads the execution input, which
 *   JSONPath payload templates and the `$$` context object do plainly; JSONata would add nothing here.
 * - The order is always read from the execution input (`$$.Execution.Input`), never from the state's running data,
 *   so what a task receives does not depend on which results earlier states wrote.
 * - No execution-level TimeoutSeconds: when a whole execution times out no Catch runs, so a payment could be left
 *   taken with nothing refunding it. Every task has its own timeout and bounded retries instead, so every execution
 *   is bounded anyway; {@link orderSagaWorstCaseSeconds} computes that bound.
 * - No HeartbeatSeconds: heartbeats only apply to activities and callback (`.waitForTaskToken`) tasks; a
 *   request-response Lambda invoke or SNS publish never sends one, so TimeoutSeconds is the only useful limit.
 */

/** The actions of the fulfilment function, in the `action` field of every Lambda task's payload. */
export const SAGA_ACTIONS = ["reserveInventory", "takePayment", "confirmOrder", "releaseReservation", "refundPayment", "markFailed"] as const;
export type SagaAction = (typeof SAGA_ACTIONS)[number];

/** Every task of the saga: the fulfilment actions plus the notification, which is an SNS publish, not a Lambda. */
export type SagaTask = SagaAction | "notify";

/** The forward steps, in order. */
export const FORWARD_STEPS = ["reserveInventory", "takePayment", "confirmOrder", "notify"] as const;
export type ForwardStep = (typeof FORWARD_STEPS)[number];

/** The state names of the definition (what the console, the execution history and the logs show). */
export const SAGA_STATES = {
    reserveInventory: "ReserveInventory",
    takePayment: "TakePayment",
    confirmOrder: "ConfirmOrder",
    notify: "NotifyCustomer",
    refundPayment: "RefundPayment",
    releaseReservation: "ReleaseReservation",
    markFailed: "MarkOrderFailed",
    orderFailed: "OrderFailed",
    compensationFailed: "CompensationFailed",
    notificationFailed: "NotificationFailed",
} as const;

/** The error names of the Fail states, stable so that metric filters and alarms can match them. */
export const SAGA_ERRORS = {
    orderFailed: "OrderFailed",
    compensationFailed: "OrderCompensationFailed",
    notificationFailed: "OrderNotificationFailed",
} as const;

/**
 * Errors of the Lambda service itself (not of the function's code) that AWS recommends retrying for the
 * `lambda:invoke` integration. A function's own error (out of stock, card declined) is not among them: retrying a
 * business refusal only delays the compensation.
 */
export const LAMBDA_TRANSIENT_ERRORS = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
] as const;

/** Exponential backoff of a retrier: waits IntervalSeconds × BackoffRate^(n-1) before retry n, capped at maxDelaySeconds. */
export interface RetrySettings {
    /** Seconds before the first retry; a positive integer. */
    readonly intervalSeconds: number;
    /** Retries after the first attempt; a non-negative integer (0 disables retrying). */
    readonly maxAttempts: number;
    /** Multiplier of the interval per retry; at least 1 (ASL's minimum; 1 means a constant interval). */
    readonly backoffRate: number;
    /** Upper bound of any one wait, so a long backoff series does not grow without limit; a positive integer. */
    readonly maxDelaySeconds: number;
    /**
     * FULL waits a random time between 0 and the computed backoff, so executions that failed together (a Lambda
     * throttle, a regional blip) do not all retry in the same second; NONE waits exactly the computed backoff.
     */
    readonly jitterStrategy: "FULL" | "NONE";
}

/** Forward steps: 3 retries after 1 s, 2 s, 4 s (AWS's recommended Lambda retrier), jittered, each wait at most 30 s. */
export const DEFAULT_RETRY: RetrySettings = { intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 30, jitterStrategy: "FULL" };

/**
 * Compensations: more patient than the forward steps (6 retries from 2 s, each wait at most 60 s), because giving up
 * on a refund leaves a customer charged for an order that failed, which costs far more than a slower failure.
 */
export const DEFAULT_COMPENSATION_RETRY: RetrySettings = {
    intervalSeconds: 2,
    maxAttempts: 6,
    backoffRate: 2,
    maxDelaySeconds: 60,
    jitterStrategy: "FULL",
};

/**
 * TimeoutSeconds of each task, in seconds. Payment and refund talk to a payment provider and get the longest; the
 * inventory and order steps are single DynamoDB writes; the SNS publish is one API call.
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<SagaTask, number>> = {
    reserveInventory: 30,
    takePayment: 60,
    confirmOrder: 30,
    notify: 15,
    releaseReservation: 30,
    refundPayment: 60,
    markFailed: 30,
};

export interface OrderSagaArgs {
    /**
     * The fulfilment function's ARN (one function dispatching on `action`), or one ARN per action. A qualified ARN
     * (with a version or alias) pins what the state machine invokes.
     */
    readonly fulfilmentFunctionArn: string | Readonly<Record<SagaAction, string>>;
    /** The notifications topic the confirmation is published to. */
    readonly notificationTopicArn: string;
    /** Per-task TimeoutSeconds; defaults: {@link DEFAULT_TIMEOUTS}. */
    readonly timeouts?: Readonly<Partial<Record<SagaTask, number>>>;
    /**
     * The fulfilment function's own timeout, when known. Each Lambda task's TimeoutSeconds must then exceed it:
     * otherwise Step Functions gives up and retries while the first invocation is still running, and two copies of
     * the same action race (idempotency keeps that safe, but it is wasted work and a confusing history).
     */
    readonly functionTimeoutSeconds?: number;
    /** Retrier of the forward steps; defaults: {@link DEFAULT_RETRY}. */
    readonly retry?: Readonly<Partial<RetrySettings>>;
    /** Retrier of the compensations and of mark-failed; defaults: {@link DEFAULT_COMPENSATION_RETRY}. */
    readonly compensationRetry?: Readonly<Partial<RetrySettings>>;
    /** The definition's Comment. */
    readonly comment?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The ASL subset this module produces, typed so the tests can walk it without casts.

export interface AslRetrier {
    readonly ErrorEquals: readonly string[];
    readonly IntervalSeconds: number;
    readonly MaxAttempts: number;
    readonly BackoffRate: number;
    readonly MaxDelaySeconds: number;
    readonly JitterStrategy: "FULL" | "NONE";
}

export interface AslCatcher {
    readonly ErrorEquals: readonly string[];
    readonly Next: string;
    readonly ResultPath: string;
}

export interface AslTaskState {
    readonly Type: "Task";
    readonly Comment: string;
    readonly Resource: string;
    readonly Parameters: Readonly<Record<string, unknown>>;
    readonly ResultSelector?: Readonly<Record<string, string>>;
    readonly ResultPath: string | null;
    readonly TimeoutSeconds: number;
    readonly Retry: readonly AslRetrier[];
    readonly Catch: readonly AslCatcher[];
    readonly Next?: string;
    readonly End?: true;
}

export interface AslFailState {
    readonly Type: "Fail";
    readonly Comment: string;
    readonly Error: string;
    readonly Cause: string;
}

export type AslState = AslTaskState | AslFailState;

export interface AslStateMachine {
    readonly Comment: string;
    readonly QueryLanguage: "JSONPath";
    readonly StartAt: string;
    readonly States: Readonly<Record<string, AslState>>;
}

/** The optimized integrations the definition uses (request-response: the task ends when the call returns). */
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
export const SNS_PUBLISH = "arn:aws:states:::sns:publish";

// Partition-aware (aws, aws-cn, aws-us-gov), optionally with a version or alias qualifier.
const LAMBDA_ARN = /^arn:aws(-cn|-us-gov)?:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;
// A standard topic only: the publish carries no MessageGroupId, which a FIFO topic would require.
const SNS_ARN = /^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

// ASL's ranges for a retrier's fields and for TimeoutSeconds (Step Functions rejects values outside them at create
// time; checking here fails the plan instead of the deployment).
const MAX_RETRY_FIELD = 99999999;
const MAX_DELAY_SECONDS = 31622400;

function positiveInt(what: string, v: number, max = MAX_RETRY_FIELD): void {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`order saga: ${what} must be an integer from 1 to ${max}, got ${v}`);
}

function resolveRetry(what: string, base: RetrySettings, over: Readonly<Partial<RetrySettings>> | undefined): RetrySettings {
    const r = { ...base, ...over };
    positiveInt(`${what}.intervalSeconds`, r.intervalSeconds);
    if (!Number.isInteger(r.maxAttempts) || r.maxAttempts < 0 || r.maxAttempts > MAX_RETRY_FIELD)
        throw new Error(`order saga: ${what}.maxAttempts must be an integer from 0 to ${MAX_RETRY_FIELD}, got ${r.maxAttempts}`);
    if (!Number.isFinite(r.backoffRate) || r.backoffRate < 1)
        throw new Error(`order saga: ${what}.backoffRate must be at least 1, got ${r.backoffRate}`);
    positiveInt(`${what}.maxDelaySeconds`, r.maxDelaySeconds, MAX_DELAY_SECONDS);
    if (r.jitterStrategy !== "FULL" && r.jitterStrategy !== "NONE")
        throw new Error(`order saga: ${what}.jitterStrategy must be FULL or NONE, got ${String(r.jitterStrategy)}`);
    return r;
}

function functionArns(arg: OrderSagaArgs["fulfilmentFunctionArn"]): Readonly<Record<SagaAction, string>> {
    const map = typeof arg === "string" ? (Object.fromEntries(SAGA_ACTIONS.map((a) => [a, arg])) as Record<SagaAction, string>) : arg;
    for (const a of SAGA_ACTIONS) {
        const arn = map[a];
        if (typeof arn !== "string" || !LAMBDA_ARN.test(arn))
            throw new Error(`order saga: the function ARN for ${a} is not a Lambda function ARN: ${String(arn)}`);
    }
    return map;
}

function retrier(errors: readonly string[], r: RetrySettings): AslRetrier {
    return {
        ErrorEquals: errors,
        IntervalSeconds: r.intervalSeconds,
        MaxAttempts: r.maxAttempts,
        BackoffRate: r.backoffRate,
        MaxDelaySeconds: r.maxDelaySeconds,
        JitterStrategy: r.jitterStrategy,
    };
}

/**
 * What every Lambda task passes the fulfilment function, under `Payload`. The handlers key their idempotency records
 * on `orderId` (with the action), so a retried, re-driven or replayed task repeats nothing it already did; the
 * execution's id is there for logs only, because a re-driven or restarted execution of the same order gets a new one.
 */
export interface SagaTaskPayload {
    readonly action: SagaAction;
    readonly orderId: string;
    /** The execution input: the order as accepted. */
    readonly order: Record<string, unknown>;
    readonly executionId: string;
    /** releaseReservation: what reserveInventory returned. */
    readonly reservation?: unknown;
    /** refundPayment: what takePayment returned. */
    readonly payment?: unknown;
    /** markFailed: the error that failed the order, as Step Functions caught it ({ Error, Cause }). */
    readonly failure?: { readonly Error: string; readonly Cause?: string };
}

/**
 * Where the saga keeps each result in the execution's data. Each is one top-level field of the state (the order
 * itself is read from the execution input, so these never need to be read together with it).
 */
export const RESULT_PATHS = {
    reserveInventory: "$.reservation",
    takePayment: "$.payment",
    confirmOrder: "$.confirmation",
    notify: "$.notification",
    failure: "$.failure",
    compensationFailure: "$.compensationFailure",
} as const;

/**
 * The saga's definition. Throws when an ARN or a setting is out of range, naming it, so a bad configuration fails
 * the plan rather than the deployment.
 *
 * Contract with the caller: the execution input is the order, a JSON object whose `orderId` is a string (the
 * publisher guarantees it; a missing orderId fails the first task's payload with States.Runtime before anything is
 * done, so there is nothing to compensate).
 */
export function orderSagaDefinition(args: OrderSagaArgs): AslStateMachine {
    const fns = functionArns(args.fulfilmentFunctionArn);
    if (!SNS_ARN.test(args.notificationTopicArn)) throw new Error(`order saga: not an SNS topic ARN: ${args.notificationTopicArn}`);
    const timeouts: Record<SagaTask, number> = { ...DEFAULT_TIMEOUTS, ...args.timeouts };
    for (const [task, t] of Object.entries(timeouts)) positiveInt(`timeouts.${task}`, t);
    if (args.functionTimeoutSeconds !== undefined) {
        positiveInt("functionTimeoutSeconds", args.functionTimeoutSeconds, 900);
        for (const a of SAGA_ACTIONS)
            if (timeouts[a] <= args.functionTimeoutSeconds)
                throw new Error(
                    `order saga: timeouts.${a} (${timeouts[a]} s) must exceed the function's own timeout (${args.functionTimeoutSeconds} s), ` +
                        "or Step Functions retries while the first invocation still runs",
                );
    }
    const forward = resolveRetry("retry", DEFAULT_RETRY, args.retry);
    const compensation = resolveRetry("compensationRetry", DEFAULT_COMPENSATION_RETRY, args.compensationRetry);

    // States.Timeout is retried too: the task timed out, not the order, and every action is idempotent on the
    // orderId, so a second attempt of an action that in fact completed repeats nothing.
    const lambdaRetry = (r: RetrySettings): AslRetrier[] => [retrier([...LAMBDA_TRANSIENT_ERRORS, "States.Timeout"], r)];

    const lambdaTask = (
        action: SagaAction,
        comment: string,
        extra: Readonly<Record<string, string>>,
        shape: { resultPath: string | null; retry: RetrySettings; next: string; catchTo: string; catchResultPath: string },
    ): AslTaskState => ({
        Type: "Task",
        Comment: comment,
        Resource: LAMBDA_INVOKE,
        Parameters: {
            FunctionName: fns[action],
            Payload: {
                action,
                "orderId.$": "$$.Execution.Input.orderId",
                "order.$": "$$.Execution.Input",
                "executionId.$": "$$.Execution.Id",
                ...extra,
            },
        },
        // Keep only the function's answer: the integration's response also carries HTTP metadata that would
        // otherwise ride along in every later state's data (which is capped at 256 KiB).
        ...(shape.resultPath === null ? {} : { ResultSelector: { "result.$": "$.Payload" } }),
        ResultPath: shape.resultPath,
        TimeoutSeconds: timeouts[action],
        Retry: lambdaRetry(shape.retry),
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: shape.catchResultPath, Next: shape.catchTo }],
        Next: shape.next,
    });

    const S = SAGA_STATES;
    const step = (resultPath: string, next: string, catchTo: string) => ({
        resultPath,
        retry: forward,
        next,
        catchTo,
        catchResultPath: RESULT_PATHS.failure,
    });
    // Compensation results are discarded (ResultPath null) so the original failure stays in $.failure for mark-failed.
    const undo = (next: string) => ({
        resultPath: null,
        retry: compensation,
        next,
        catchTo: S.compensationFailed,
        catchResultPath: RESULT_PATHS.compensationFailure,
    });

    const states: Record<string, AslState> = {
        [S.reserveInventory]: lambdaTask(
            "reserveInventory",
            "Holds the order's items. On failure nothing was reserved, so the order is only marked failed.",
            {},
            step(RESULT_PATHS.reserveInventory, S.takePayment, S.markFailed),
        ),
        [S.takePayment]: lambdaTask(
            "takePayment",
            "Charges the customer, idempotent on the orderId. On failure nothing was charged, so only the reservation is released.",
            {},
            step(RESULT_PATHS.takePayment, S.confirmOrder, S.releaseReservation),
        ),
        [S.confirmOrder]: lambdaTask(
            "confirmOrder",
            "Records the order as confirmed: the saga's pivot. On failure the payment is refunded and the reservation released.",
            {},
            step(RESULT_PATHS.confirmOrder, S.notify, S.refundPayment),
        ),
        [S.notify]: {
            Type: "Task",
            Comment: "Publishes the confirmation. The order is already confirmed, so a failure here compensates nothing.",
            Resource: SNS_PUBLISH,
            Parameters: {
                TopicArn: args.notificationTopicArn,
                // The message is the order as accepted, as JSON; the attributes let subscriptions filter by type
                // and let the notifier deduplicate on the orderId without parsing the body.
                "Message.$": "States.JsonToString($$.Execution.Input)",
                MessageAttributes: {
                    eventType: { DataType: "String", StringValue: "OrderConfirmed" },
                    orderId: { DataType: "String", "StringValue.$": "$$.Execution.Input.orderId" },
                },
            },
            ResultSelector: { "messageId.$": "$.MessageId" },
            ResultPath: RESULT_PATHS.notify,
            TimeoutSeconds: timeouts.notify,
            // SNS's error names are not a stable, documented list for this integration, so every task failure is
            // retried (States.TaskFailed matches all but States.Timeout, which is listed too). That is safe here:
            // a duplicate publish is absorbed by the notifier, which deduplicates on the orderId, and a permanent
            // error (a deleted topic, a denied key) only costs the bounded retries before NotificationFailed.
            Retry: [retrier(["States.TaskFailed", "States.Timeout"], forward)],
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: RESULT_PATHS.failure, Next: S.notificationFailed }],
            End: true,
        },
        [S.refundPayment]: lambdaTask(
            "refundPayment",
            "Compensates takePayment. Reached only after the payment succeeded.",
            { "payment.$": `${RESULT_PATHS.takePayment}.result` },
            undo(S.releaseReservation),
        ),
        [S.releaseReservation]: lambdaTask(
            "releaseReservation",
            "Compensates reserveInventory. Reached only after the reservation succeeded.",
            { "reservation.$": `${RESULT_PATHS.reserveInventory}.result` },
            undo(S.markFailed),
        ),
        [S.markFailed]: lambdaTask(
            "markFailed",
            "Records the order as failed, with the error that failed it, once everything that succeeded has been undone.",
            { "failure.$": RESULT_PATHS.failure },
            undo(S.orderFailed),
        ),
        [S.orderFailed]: {
            Type: "Fail",
            Comment: "The order failed and everything that succeeded was undone; the order is marked failed.",
            Error: SAGA_ERRORS.orderFailed,
            Cause: "A fulfilment step failed; its compensations ran and the order is marked failed. The step's error is in the execution history.",
        },
        [S.compensationFailed]: {
            Type: "Fail",
            Comment: "A compensation failed after its retries; the order is left incomplete for the order reconciler to compensate.",
            Error: SAGA_ERRORS.compensationFailed,
            Cause: "A compensation failed after its retries. The order is not marked failed, so the order reconciler finds it and compensates it again.",
        },
        [S.notificationFailed]: {
            Type: "Fail",
            Comment: "The order is confirmed and kept; only its notification could not be published.",
            Error: SAGA_ERRORS.notificationFailed,
            Cause: "The order is confirmed, but its notification could not be published after retries; re-send it.",
        },
    };

    return {
        Comment: args.comment ?? "SecureCart order fulfilment: reserve inventory, take payment, confirm, notify; compensates in reverse on failure.",
        QueryLanguage: "JSONPath",
        StartAt: S.reserveInventory,
        States: states,
    };
}

/** The definition as JSON text, what `aws.sfn.StateMachine`'s `definition` takes. */
export function orderSagaDefinitionJson(args: OrderSagaArgs): string {
    return JSON.stringify(orderSagaDefinition(args), undefined, 2);
}

/**
 * What the state machine's role must be allowed to call, derived from the same arguments as the definition so the
 * least-privilege policy cannot drift from it: lambda:InvokeFunction on the functions, sns:Publish on the topic.
 */
export function orderSagaTargets(args: OrderSagaArgs): { readonly functionArns: readonly string[]; readonly topicArns: readonly string[] } {
    const d = orderSagaDefinition(args);
    const fns = new Set<string>();
    const topics = new Set<string>();
    for (const s of Object.values(d.States)) {
        if (s.Type !== "Task") continue;
        if (s.Resource === LAMBDA_INVOKE) fns.add(String(s.Parameters.FunctionName));
        if (s.Resource === SNS_PUBLISH) topics.add(String(s.Parameters.TopicArn));
    }
    return { functionArns: [...fns].sort(), topicArns: [...topics].sort() };
}

/** Worst-case seconds one task can take: every attempt running to its timeout, with the longest backoff between. */
export function taskWorstCaseSeconds(task: AslTaskState): number {
    let total = task.TimeoutSeconds;
    // One retrier per task here; with several, each keeps its own count, so the worst case sums them.
    for (const r of task.Retry) {
        total += r.MaxAttempts * task.TimeoutSeconds;
        for (let n = 0; n < r.MaxAttempts; n++) total += Math.min(r.IntervalSeconds * r.BackoffRate ** n, r.MaxDelaySeconds);
    }
    return total;
}

/**
 * The longest any execution of the definition can run, in seconds: the heaviest path through the (acyclic) graph of
 * Next and Catch transitions, each task at its worst case. An order still in flight after this long is not running
 * any more, which is the age after which the order reconciler may treat an accepted, incomplete order as stranded.
 */
export function orderSagaWorstCaseSeconds(definition: AslStateMachine): number {
    const memo = new Map<string, number>();
    const visiting = new Set<string>();
    const longest = (name: string): number => {
        const known = memo.get(name);
        if (known !== undefined) return known;
        if (visiting.has(name)) throw new Error(`order saga: the definition has a cycle through ${name}`);
        visiting.add(name);
        const s = definition.States[name];
        if (s === undefined) throw new Error(`order saga: no state named ${name}`);
        let result = 0;
        if (s.Type === "Task") {
            const next = [...(s.Next === undefined ? [] : [s.Next]), ...s.Catch.map((c) => c.Next)];
            result = taskWorstCaseSeconds(s) + Math.max(0, ...next.map(longest));
        }
        visiting.delete(name);
        memo.set(name, result);
        return result;
    };
    return longest(definition.StartAt);
}
