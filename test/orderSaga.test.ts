import { strict as assert } from "assert";
import * as fc from "fast-check";
import { createRequire } from "module";
import {
    AslStateMachine,
    AslTaskState,
    DEFAULT_COMPENSATION_RETRY,
    DEFAULT_RETRY,
    FORWARD_STEPS,
    ForwardStep,
    LAMBDA_INVOKE,
    LAMBDA_TRANSIENT_ERRORS,
    OrderSagaArgs,
    RetrySettings,
    SAGA_ACTIONS,
    SAGA_ERRORS,
    SAGA_STATES,
    SNS_PUBLISH,
    SagaAction,
    SagaTask,
    orderSagaDefinition,
    orderSagaDefinitionJson,
    orderSagaTargets,
    orderSagaWorstCaseSeconds,
} from "../src/orderSaga";

// asl-validator ships no type declarations; this is the part of its API the tests use (dist/src/validator.js).
interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly "Error code": string; readonly Message: string }[];
    errorsText(separator?: string): string;
}
type AslValidate = (definition: unknown, options?: { readonly checkPaths: boolean; readonly checkArn: boolean }) => AslValidationResult;
const aslValidator = createRequire(__filename)("asl-validator") as AslValidate;

/** The validator fills in each state's QueryLanguage in place, so it gets a copy, never the object under test. */
const validate = (definition: unknown): AslValidationResult => aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });

const FN = "arn:aws:lambda:eu-west-1:123456789012:function:securecart-fulfilment";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:securecart-notifications";
const ARGS: OrderSagaArgs = { fulfilmentFunctionArn: FN, notificationTopicArn: TOPIC };
const def = orderSagaDefinition(ARGS);

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
const mutableCopy = (d: AslStateMachine): Mutable<AslStateMachine> => structuredClone(d) as Mutable<AslStateMachine>;

const tasks = (d: AslStateMachine): [string, AslTaskState][] =>
    Object.entries(d.States).filter((e): e is [string, AslTaskState] => e[1].Type === "Task");

/** Which saga task a Task state performs: the Lambda payload's action, or the SNS notification. */
function taskOf(s: AslTaskState): SagaTask {
    if (s.Resource === SNS_PUBLISH) return "notify";
    const action = (s.Parameters.Payload as Record<string, unknown>).action;
    assert.ok(SAGA_ACTIONS.includes(action as SagaAction), `unknown action ${String(action)}`);
    return action as SagaAction;
}

// ---------------------------------------------------------------------------------------------------------------
// A small graph walker over Next and Catch transitions.

interface Edge {
    readonly to: string;
    readonly kind: "next" | "catch";
    /** The field the transition writes into the state's data: the task's ResultPath on success, the Catch's on error. */
    readonly writes?: string | null;
}

function edges(d: AslStateMachine, name: string): Edge[] {
    const s = d.States[name];
    if (s.Type !== "Task") return [];
    return [
        ...(s.Next === undefined ? [] : [{ to: s.Next, kind: "next" as const, writes: s.ResultPath }]),
        ...s.Catch.map((c) => ({ to: c.Next, kind: "catch" as const, writes: c.ResultPath })),
    ];
}

const isTerminal = (d: AslStateMachine, name: string): boolean => {
    const s = d.States[name];
    return s.Type === "Fail" || (s.Type === "Task" && s.End === true);
};

/** Every path from StartAt to a terminal state, as state names with the edges taken. Throws on a cycle. */
function allPaths(d: AslStateMachine): { states: string[]; via: Edge[] }[] {
    const out: { states: string[]; via: Edge[] }[] = [];
    const walk = (name: string, states: string[], via: Edge[]): void => {
        assert.ok(name in d.States, `transition to missing state ${name}`);
        assert.ok(!states.includes(name), `cycle: ${[...states, name].join(" → ")}`);
        const here = [...states, name];
        const out_ = edges(d, name);
        // A terminal task (End) may still have Catch edges: the path that ends there is one path, each catch another.
        if (isTerminal(d, name)) out.push({ states: here, via });
        for (const e of out_) walk(e.to, here, [...via, e]);
        assert.ok(isTerminal(d, name) || out_.length > 0, `${name} is a dead end`);
    };
    walk(d.StartAt, [], []);
    return out;
}

/** Follows only Next from a state to the end: the states passed through and where it ends. */
function followNext(d: AslStateMachine, from: string): string[] {
    const seen: string[] = [];
    let at: string | undefined = from;
    while (at !== undefined) {
        assert.ok(!seen.includes(at), `cycle at ${at}`);
        seen.push(at);
        const s: AslStateMachine["States"][string] = d.States[at];
        at = s.Type === "Task" ? s.Next : undefined;
    }
    return seen;
}

// ---------------------------------------------------------------------------------------------------------------
// A tiny interpreter: runs the definition with a scripted behaviour per task, applying Retry and Catch as the
// States Language specifies (first matching retrier, its own attempt count; when exhausted or unmatched, the first
// matching catcher).

/** The error a task's attempt raises, or undefined for success. `attempt` counts from 0. */
type Behaviour = (task: SagaTask, attempt: number) => string | undefined;

interface Run {
    /** Every attempt, in order. */
    readonly attempts: { readonly task: SagaTask; readonly error?: string }[];
    /** Tasks that completed, in order. */
    readonly completed: SagaTask[];
    /** The final state, and whether the execution succeeded (End) or failed (a Fail state or an uncaught error). */
    readonly endState: string;
    readonly succeeded: boolean;
    readonly error?: string;
}

/** States Language error matching: States.ALL matches anything, States.TaskFailed anything but States.Timeout. */
const matches = (list: readonly string[], error: string): boolean =>
    list.includes(error) || list.includes("States.ALL") || (list.includes("States.TaskFailed") && error !== "States.Timeout");

function interpret(d: AslStateMachine, behaviour: Behaviour): Run {
    const attempts: { task: SagaTask; error?: string }[] = [];
    const completed: SagaTask[] = [];
    let at = d.StartAt;
    for (let transitions = 0; transitions < 100; transitions++) {
        const s = d.States[at];
        assert.ok(s !== undefined, `transition to missing state ${at}`);
        if (s.Type === "Fail") return { attempts, completed, endState: at, succeeded: false, error: s.Error };
        const task = taskOf(s);
        const retries = s.Retry.map(() => 0);
        let attempt = 0;
        for (;;) {
            const error = behaviour(task, attempt);
            attempts.push(error === undefined ? { task } : { task, error });
            if (error === undefined) break;
            const r = s.Retry.findIndex((x) => matches(x.ErrorEquals, error));
            if (r >= 0 && retries[r] < s.Retry[r].MaxAttempts) {
                retries[r]++;
                attempt++;
                continue;
            }
            const c = s.Catch.find((x) => matches(x.ErrorEquals, error));
            if (c === undefined) return { attempts, completed, endState: at, succeeded: false, error };
            at = c.Next;
            break;
        }
        if (attempts[attempts.length - 1].error !== undefined) continue;
        completed.push(task);
        if (s.End) return { attempts, completed, endState: at, succeeded: true };
        assert.ok(s.Next !== undefined, `${at} neither ends nor has a Next`);
        at = s.Next;
    }
    throw new Error("the execution did not terminate within 100 transitions");
}

/** What undoes each forward step; the notification has nothing to undo and confirming is the pivot (see src). */
const COMPENSATION: Readonly<Partial<Record<ForwardStep, SagaAction>>> = { reserveInventory: "releaseReservation", takePayment: "refundPayment" };

/** The oracle: what must complete, and where the execution must end, when `failing` fails for good. */
function expected(failing: ForwardStep): { completed: SagaTask[]; endState: string } {
    const before = FORWARD_STEPS.slice(0, FORWARD_STEPS.indexOf(failing));
    if (failing === "notify") return { completed: [...before], endState: SAGA_STATES.notificationFailed };
    const undo = [...before]
        .reverse()
        .map((s) => COMPENSATION[s])
        .filter((c): c is SagaAction => c !== undefined);
    return { completed: [...before, ...undo, "markFailed"], endState: SAGA_STATES.orderFailed };
}

const BUSINESS_ERRORS = ["OutOfStock", "PaymentDeclined", "OrderConflict", "Error", "States.TaskFailed"];
const ANY_ERROR = fc.constantFrom(...BUSINESS_ERRORS, ...LAMBDA_TRANSIENT_ERRORS, "States.Timeout", "SNS.InternalErrorException");

// ---------------------------------------------------------------------------------------------------------------

describe("order saga: the definition validates against the ASL schema (asl-validator)", () => {
    it("the generated definition is valid, with path and ARN checks on", () => {
        const r = validate(def);
        assert.ok(r.isValid, r.errorsText());
    });

    it("the JSON text is the same definition", () => {
        assert.deepEqual(JSON.parse(orderSagaDefinitionJson(ARGS)), def);
        assert.deepEqual(orderSagaDefinition(ARGS), def, "the generator is deterministic");
    });

    // Each break must be caught, or the "valid" verdict above proves nothing.
    const breaks: [string, (d: Mutable<AslStateMachine>) => void][] = [
        ["a Next to a missing state", (d) => ((d.States[SAGA_STATES.takePayment] as Mutable<AslTaskState>).Next = "NoSuchState")],
        [
            "a Catch without ErrorEquals",
            (d) => delete (d.States[SAGA_STATES.confirmOrder] as { Catch: { ErrorEquals?: unknown }[] }).Catch[0].ErrorEquals,
        ],
        ["a Catch to a missing state", (d) => ((d.States[SAGA_STATES.confirmOrder] as Mutable<AslTaskState>).Catch[0].Next = "Nowhere")],
        ["a StartAt naming no state", (d) => (d.StartAt = "Begin")],
        ["a Task without Resource", (d) => delete (d.States[SAGA_STATES.reserveInventory] as { Resource?: unknown }).Resource],
        ["a Resource that is not an ARN", (d) => ((d.States[SAGA_STATES.reserveInventory] as Mutable<AslTaskState>).Resource = "lambda:invoke")],
        ["a retrier with a negative MaxAttempts", (d) => ((d.States[SAGA_STATES.takePayment] as Mutable<AslTaskState>).Retry[0].MaxAttempts = -1)],
        ["a TimeoutSeconds of zero", (d) => ((d.States[SAGA_STATES.takePayment] as Mutable<AslTaskState>).TimeoutSeconds = 0)],
        ["a task with both Next and End", (d) => ((d.States[SAGA_STATES.notify] as Mutable<AslTaskState>).Next = SAGA_STATES.orderFailed)],
        [
            "a broken JSONPath in a payload",
            (d) => ((d.States[SAGA_STATES.markFailed] as Mutable<AslTaskState>).Parameters.Payload = { "failure.$": "$.[failure" }),
        ],
        ["an unknown state type", (d) => ((d.States[SAGA_STATES.orderFailed] as { Type: string }).Type = "Abort")],
    ];
    for (const [what, mutate] of breaks)
        it(`rejects ${what}`, () => {
            const broken = mutableCopy(def);
            mutate(broken);
            const r = validate(broken);
            assert.equal(r.isValid, false, `the validator accepted ${what}`);
            assert.ok(r.errors.length > 0);
        });

    it("any valid settings give a valid definition", () => {
        const retry = fc.record({
            intervalSeconds: fc.integer({ min: 1, max: 60 }),
            maxAttempts: fc.integer({ min: 0, max: 10 }),
            backoffRate: fc.double({ min: 1, max: 5, noNaN: true }),
            maxDelaySeconds: fc.integer({ min: 1, max: 3600 }),
            jitterStrategy: fc.constantFrom<RetrySettings["jitterStrategy"]>("FULL", "NONE"),
        });
        const timeout = fc.integer({ min: 1, max: 3600 });
        fc.assert(
            fc.property(
                fc.record({
                    retry: fc.option(retry, { nil: undefined }),
                    compensationRetry: fc.option(retry, { nil: undefined }),
                    timeouts: fc.record({ takePayment: timeout, notify: timeout, refundPayment: timeout }, { requiredKeys: [] }),
                    perAction: fc.boolean(),
                }),
                ({ perAction, ...over }) => {
                    const fulfilmentFunctionArn = perAction ? Object.fromEntries(SAGA_ACTIONS.map((a) => [a, `${FN}-${a}`])) : FN;
                    const d = orderSagaDefinition({ ...ARGS, ...over, fulfilmentFunctionArn } as OrderSagaArgs);
                    const r = validate(d);
                    assert.ok(r.isValid, r.errorsText());
                },
            ),
            { numRuns: 60 },
        );
    });
});

describe("order saga: structure", () => {
    it("is a JSONPath definition that starts by reserving inventory and has no execution-level timeout", () => {
        assert.equal(def.QueryLanguage, "JSONPath");
        assert.equal(def.StartAt, SAGA_STATES.reserveInventory);
        assert.equal((def as unknown as Record<string, unknown>).TimeoutSeconds, undefined, "an execution timeout would skip every Catch");
    });

    it("every task retries with jittered exponential backoff, and has a timeout", () => {
        const all = tasks(def);
        assert.equal(all.length, 7);
        for (const [name, s] of all) {
            assert.ok(s.Retry.length > 0, `${name} has no Retry`);
            for (const r of s.Retry) {
                assert.ok(r.ErrorEquals.length > 0, name);
                assert.ok(!r.ErrorEquals.includes("States.ALL"), `${name} retries everything, business refusals included`);
                assert.ok(r.BackoffRate > 1, `${name}: BackoffRate ${r.BackoffRate} is not exponential`);
                assert.ok(Number.isInteger(r.IntervalSeconds) && r.IntervalSeconds >= 1, name);
                assert.ok(r.MaxAttempts >= 1, name);
                assert.ok(r.MaxDelaySeconds >= r.IntervalSeconds, name);
                assert.equal(r.JitterStrategy, "FULL", name);
                assert.ok(r.ErrorEquals.includes("States.Timeout"), `${name}: a timed-out attempt of an idempotent task is retried`);
            }
            assert.ok(Number.isInteger(s.TimeoutSeconds) && s.TimeoutSeconds >= 1, `${name} has no TimeoutSeconds`);
            assert.equal((s as unknown as Record<string, unknown>).HeartbeatSeconds, undefined, `${name}: request-response tasks send no heartbeat`);
        }
    });

    it("every Lambda task retries Lambda's transient errors, invokes the fulfilment function and keys on the orderId", () => {
        for (const [name, s] of tasks(def)) {
            if (s.Resource !== LAMBDA_INVOKE) continue;
            for (const e of LAMBDA_TRANSIENT_ERRORS)
                assert.ok(
                    s.Retry.some((r) => r.ErrorEquals.includes(e)),
                    `${name} does not retry ${e}`,
                );
            assert.equal(s.Parameters.FunctionName, FN);
            const p = s.Parameters.Payload as Record<string, unknown>;
            assert.ok(SAGA_ACTIONS.includes(p.action as SagaAction), name);
            assert.equal(p["orderId.$"], "$$.Execution.Input.orderId", `${name} must pass the orderId the handlers key on`);
            assert.equal(p["order.$"], "$$.Execution.Input");
        }
    });

    it("the forward steps retry with the forward settings, the compensations with the more patient ones", () => {
        const retryOf = (s: string) => (def.States[s] as AslTaskState).Retry[0];
        for (const s of [SAGA_STATES.reserveInventory, SAGA_STATES.takePayment, SAGA_STATES.confirmOrder, SAGA_STATES.notify])
            assert.equal(retryOf(s).MaxAttempts, DEFAULT_RETRY.maxAttempts, s);
        for (const s of [SAGA_STATES.refundPayment, SAGA_STATES.releaseReservation, SAGA_STATES.markFailed])
            assert.equal(retryOf(s).MaxAttempts, DEFAULT_COMPENSATION_RETRY.maxAttempts, s);
    });

    it("notifies through the optimized SNS integration, with a message built from the execution input", () => {
        const n = def.States[SAGA_STATES.notify] as AslTaskState;
        assert.equal(n.Resource, "arn:aws:states:::sns:publish");
        assert.equal(n.Parameters.TopicArn, TOPIC);
        assert.equal(n.Parameters["Message.$"], "States.JsonToString($$.Execution.Input)");
        const attrs = n.Parameters.MessageAttributes as Record<string, Record<string, string>>;
        assert.equal(attrs.orderId["StringValue.$"], "$$.Execution.Input.orderId");
        assert.equal(attrs.eventType.StringValue, "OrderConfirmed");
        assert.equal(n.End, true);
    });

    it("the happy path is reserve → pay → confirm → notify, then the end", () => {
        const path = followNext(def, def.StartAt);
        assert.deepEqual(
            path.map((s) => taskOf(def.States[s] as AslTaskState)),
            [...FORWARD_STEPS],
        );
        assert.equal((def.States[path[path.length - 1]] as AslTaskState).End, true);
    });

    it("every task has a catch-all Catch, and each forward step's leads to the right compensations, newest first", () => {
        const chains: Record<ForwardStep, [SagaTask[], string]> = {
            reserveInventory: [["markFailed"], SAGA_STATES.orderFailed],
            takePayment: [["releaseReservation", "markFailed"], SAGA_STATES.orderFailed],
            confirmOrder: [["refundPayment", "releaseReservation", "markFailed"], SAGA_STATES.orderFailed],
            notify: [[], SAGA_STATES.notificationFailed],
        };
        for (const [name, s] of tasks(def)) {
            const last = s.Catch[s.Catch.length - 1];
            assert.deepEqual(last.ErrorEquals, ["States.ALL"], `${name}: the last catcher must catch everything`);
        }
        for (const step of FORWARD_STEPS) {
            const s = def.States[SAGA_STATES[step]] as AslTaskState;
            const chain = followNext(def, s.Catch[0].Next);
            const end = chain.pop() as string;
            assert.deepEqual(
                chain.map((c) => taskOf(def.States[c] as AslTaskState)),
                chains[step][0],
                `after ${step} fails`,
            );
            assert.equal(end, chains[step][1]);
            assert.equal(def.States[end].Type, "Fail", `${step}'s failure ends in a Fail state`);
        }
    });

    it("a compensation that fails stops at CompensationFailed without marking the order failed", () => {
        for (const c of ["refundPayment", "releaseReservation", "markFailed"] as const) {
            const s = def.States[SAGA_STATES[c]] as AslTaskState;
            assert.equal(s.Catch.length, 1);
            assert.equal(s.Catch[0].Next, SAGA_STATES.compensationFailed);
            assert.notEqual(s.Catch[0].ResultPath, "$.failure", "the order's own failure must survive for mark-failed");
        }
        assert.equal(def.States[SAGA_STATES.compensationFailed].Type, "Fail");
    });
});

describe("order saga: the graph (walker)", () => {
    const paths = allPaths(def);

    it("every state is reachable from StartAt", () => {
        const reached = new Set(paths.flatMap((p) => p.states));
        assert.deepEqual([...reached].sort(), Object.keys(def.States).sort());
    });

    it("every path terminates: no cycles, no dead ends, each ends at a Fail state or the notification's End", () => {
        assert.ok(paths.length > 0);
        for (const p of paths) {
            const last = p.states[p.states.length - 1];
            assert.ok(isTerminal(def, last), `${p.states.join(" → ")} does not end in a terminal state`);
        }
        // 1 happy path; reserve, pay, confirm fail (3) or notify fails (1); each of 3+2+1 compensation visits may
        // fail instead (6, one path each).
        assert.equal(paths.length, 1 + 4 + 6);
    });

    it("a payload only reads results that every path into it has written (a missing path is an uncatchable States.Runtime)", () => {
        for (const p of paths) {
            const written = new Set<string>();
            p.states.forEach((name, i) => {
                const s = def.States[name];
                if (s.Type === "Task") {
                    const reads = JSON.stringify(s.Parameters).match(/"\$\.[A-Za-z]+/g) ?? [];
                    for (const r of reads) assert.ok(written.has(r.slice(1)), `${name} reads ${r.slice(1)} on ${p.states.join(" → ")}`);
                }
                const e = p.via[i];
                if (e?.writes) written.add(e.writes);
            });
        }
    });

    it("each task's result has its own field, which no catcher overwrites", () => {
        const results = tasks(def).flatMap(([, s]) => (s.ResultPath === null ? [] : [s.ResultPath]));
        const caught = new Set(tasks(def).flatMap(([, s]) => s.Catch.map((c) => c.ResultPath)));
        assert.equal(new Set(results).size, results.length);
        for (const r of results) assert.ok(!caught.has(r), `a catcher overwrites ${r}`);
    });

    it("bounds every execution: the worst case is reserve, pay and confirm at their worst, then every compensation at its worst", () => {
        // Forward task: 4 attempts at its timeout plus waits of 1, 2, 4 s. Compensation: 7 attempts plus 2, 4, 8,
        // 16, 32 and 60 (64 capped) s.
        const fwd = (t: number) => 4 * t + 7;
        const comp = (t: number) => 7 * t + 122;
        assert.equal(orderSagaWorstCaseSeconds(def), fwd(30) + fwd(60) + fwd(30) + comp(60) + comp(30) + comp(30));
    });
});

describe("order saga: simulated executions (interpreter)", () => {
    const maxAttempts = DEFAULT_RETRY.maxAttempts;
    const COMPENSATIONS: readonly SagaAction[] = ["refundPayment", "releaseReservation", "markFailed"];

    it("the happy path completes reserve → pay → confirm → notify and succeeds", () => {
        const run = interpret(def, () => undefined);
        assert.deepEqual(run.completed, [...FORWARD_STEPS]);
        assert.equal(run.succeeded, true);
    });

    /** The saga property over a definition: any step failing for good, any error, any absorbed transient errors. */
    const compensatesInReverse = (d: AslStateMachine, numRuns: number): void =>
        fc.assert(
            fc.property(
                fc.constantFrom(...FORWARD_STEPS),
                ANY_ERROR,
                // Transient errors the other steps absorb on the way (never more than their retries allow).
                fc.dictionary(fc.constantFrom<SagaTask>(...FORWARD_STEPS, ...COMPENSATIONS), fc.integer({ min: 0, max: maxAttempts })),
                (failing, error, blips) => {
                    const run = interpret(d, (task, attempt) => {
                        if (task === failing) return error;
                        return attempt < (blips[task] ?? 0) ? "Lambda.TooManyRequestsException" : undefined;
                    });
                    const want = expected(failing);
                    assert.deepEqual(run.completed, want.completed);
                    assert.equal(run.endState, want.endState);
                    assert.equal(run.succeeded, false, "a failed order fails the execution visibly");
                    assert.equal(run.error, failing === "notify" ? SAGA_ERRORS.notificationFailed : SAGA_ERRORS.orderFailed);
                    // Transient errors use up the retries; a refusal by the function's code is not retried. The
                    // notification retries every error (see src), since a duplicate publish is harmless.
                    const retried = failing === "notify" || [...LAMBDA_TRANSIENT_ERRORS, "States.Timeout"].includes(error);
                    assert.equal(run.attempts.filter((a) => a.task === failing).length, retried ? 1 + maxAttempts : 1, `${failing} on ${error}`);
                    invariants(run);
                },
            ),
            { numRuns },
        );

    it("property: whichever step fails, exactly the compensations of the steps that succeeded run, newest first, then markFailed", () => {
        compensatesInReverse(def, 500);
    });

    // The property must be able to fail: each of these miswirings has to be caught, or a pass above proves nothing.
    const miswired: [string, (d: Mutable<AslStateMachine>) => void][] = [
        [
            "a confirm failure that skips the refund",
            (d) => ((d.States[SAGA_STATES.confirmOrder] as Mutable<AslTaskState>).Catch[0].Next = SAGA_STATES.releaseReservation),
        ],
        [
            "a payment failure that refunds",
            (d) => ((d.States[SAGA_STATES.takePayment] as Mutable<AslTaskState>).Catch[0].Next = SAGA_STATES.refundPayment),
        ],
        [
            "compensations in the wrong order",
            (d) => {
                (d.States[SAGA_STATES.confirmOrder] as Mutable<AslTaskState>).Catch[0].Next = SAGA_STATES.releaseReservation;
                (d.States[SAGA_STATES.releaseReservation] as Mutable<AslTaskState>).Next = SAGA_STATES.refundPayment;
                (d.States[SAGA_STATES.refundPayment] as Mutable<AslTaskState>).Next = SAGA_STATES.markFailed;
            },
        ],
        [
            "a notification failure that cancels the order",
            (d) => ((d.States[SAGA_STATES.notify] as Mutable<AslTaskState>).Catch[0].Next = SAGA_STATES.refundPayment),
        ],
        [
            "a path that never marks the order failed",
            (d) => ((d.States[SAGA_STATES.releaseReservation] as Mutable<AslTaskState>).Next = SAGA_STATES.orderFailed),
        ],
        [
            "a reservation retried on every error",
            (d) => ((d.States[SAGA_STATES.reserveInventory] as Mutable<AslTaskState>).Retry[0].ErrorEquals = ["States.ALL"]),
        ],
    ];
    for (const [what, mutate] of miswired)
        it(`the property catches ${what}`, () => {
            const broken = mutableCopy(def);
            mutate(broken);
            assert.throws(() => compensatesInReverse(broken as AslStateMachine, 200), /Property failed/);
        });

    it("property: a compensation that fails for good stops the chain at CompensationFailed, leaving the order for the reconciler", () => {
        fc.assert(
            fc.property(
                fc.constantFrom<ForwardStep>("reserveInventory", "takePayment", "confirmOrder"),
                ANY_ERROR,
                fc.constantFrom(...COMPENSATIONS),
                ANY_ERROR,
                (failing, error, brokenCompensation, compensationError) => {
                    const run = interpret(def, (task) => (task === failing ? error : task === brokenCompensation ? compensationError : undefined));
                    const want = expected(failing).completed;
                    const cut = want.indexOf(brokenCompensation);
                    if (cut < 0) {
                        // That compensation is not needed on this path, so it never runs.
                        assert.deepEqual(run.completed, want);
                        assert.equal(run.endState, SAGA_STATES.orderFailed);
                    } else {
                        assert.deepEqual(run.completed, want.slice(0, cut));
                        assert.equal(run.endState, SAGA_STATES.compensationFailed);
                        assert.equal(run.error, SAGA_ERRORS.compensationFailed);
                        assert.ok(!run.completed.includes("markFailed"), "an order with compensation outstanding is not marked failed");
                    }
                    invariants(run);
                },
            ),
            { numRuns: 300 },
        );
    });

    it("property: transient errors within the retry budget are absorbed; one more fails the step", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...FORWARD_STEPS),
                fc.constantFrom(...LAMBDA_TRANSIENT_ERRORS, "States.Timeout"),
                fc.boolean(),
                (step, error, exceed) => {
                    const times = exceed ? maxAttempts + 1 : maxAttempts;
                    const run = interpret(def, (task, attempt) => (task === step && attempt < times ? error : undefined));
                    // Either way the step is attempted 1 + MaxAttempts times: the last attempt succeeds, or it fails too.
                    assert.equal(run.attempts.filter((a) => a.task === step).length, maxAttempts + 1);
                    if (exceed) assert.deepEqual(run.completed, expected(step).completed);
                    else {
                        assert.deepEqual(run.completed, [...FORWARD_STEPS]);
                        assert.equal(run.succeeded, true);
                    }
                },
            ),
            { numRuns: 200 },
        );
    });

    it("a business refusal is not retried: it goes straight to the compensations", () => {
        const run = interpret(def, (task) => (task === "takePayment" ? "PaymentDeclined" : undefined));
        assert.equal(run.attempts.filter((a) => a.task === "takePayment").length, 1);
        assert.deepEqual(run.completed, ["reserveInventory", "releaseReservation", "markFailed"]);
    });

    /** What must hold on every run, whatever failed. */
    function invariants(run: Run): void {
        // Positions in the attempt log: when a task first succeeded, and when it was first tried.
        const succeededAt = (t: SagaTask) => run.attempts.findIndex((a) => a.task === t && a.error === undefined);
        const triedAt = (t: SagaTask) => run.attempts.findIndex((a) => a.task === t);
        const undoes: [SagaAction, SagaTask, string][] = [
            ["refundPayment", "takePayment", "refunded a payment that was not taken"],
            ["releaseReservation", "reserveInventory", "released a reservation that was not made"],
        ];
        for (const [undo, done, why] of undoes) if (triedAt(undo) >= 0) assert.ok(succeededAt(done) >= 0 && succeededAt(done) < triedAt(undo), why);
        if (succeededAt("confirmOrder") >= 0)
            assert.ok(
                COMPENSATIONS.every((c) => triedAt(c) < 0),
                "a confirmed order is never refunded, released or marked failed",
            );
        if (triedAt("releaseReservation") >= 0 && triedAt("refundPayment") >= 0)
            assert.ok(triedAt("refundPayment") < triedAt("releaseReservation"), "compensations run newest first");
        for (const t of new Set(run.attempts.map((a) => a.task))) {
            const limit = 1 + (COMPENSATIONS.includes(t as SagaAction) ? DEFAULT_COMPENSATION_RETRY.maxAttempts : DEFAULT_RETRY.maxAttempts);
            assert.ok(run.attempts.filter((a) => a.task === t).length <= limit, `${t} attempted more often than its retries allow`);
        }
    }
});

describe("order saga: arguments", () => {
    it("one ARN per action is honoured, and the role's targets are exactly what the definition calls", () => {
        const perAction = Object.fromEntries(SAGA_ACTIONS.map((a) => [a, `${FN}-${a}`])) as Record<SagaAction, string>;
        const d = orderSagaDefinition({ ...ARGS, fulfilmentFunctionArn: perAction });
        for (const [, s] of tasks(d)) if (s.Resource === LAMBDA_INVOKE) assert.equal(s.Parameters.FunctionName, perAction[taskOf(s) as SagaAction]);
        const t = orderSagaTargets({ ...ARGS, fulfilmentFunctionArn: perAction });
        assert.deepEqual(t.functionArns, Object.values(perAction).sort());
        assert.deepEqual(t.topicArns, [TOPIC]);
        assert.deepEqual(orderSagaTargets(ARGS), { functionArns: [FN], topicArns: [TOPIC] });
    });

    it("timeouts and retry settings land where they belong", () => {
        const d = orderSagaDefinition({
            ...ARGS,
            timeouts: { takePayment: 90 },
            retry: { maxAttempts: 5, jitterStrategy: "NONE" },
            compensationRetry: { intervalSeconds: 5 },
        });
        const pay = d.States[SAGA_STATES.takePayment] as AslTaskState;
        assert.equal(pay.TimeoutSeconds, 90);
        assert.equal(pay.Retry[0].MaxAttempts, 5);
        assert.equal(pay.Retry[0].JitterStrategy, "NONE");
        assert.equal(pay.Retry[0].BackoffRate, DEFAULT_RETRY.backoffRate);
        assert.equal((d.States[SAGA_STATES.refundPayment] as AslTaskState).Retry[0].IntervalSeconds, 5);
        assert.equal((d.States[SAGA_STATES.reserveInventory] as AslTaskState).TimeoutSeconds, 30);
    });

    const bad: [string, Partial<OrderSagaArgs>, RegExp][] = [
        ["a function name instead of an ARN", { fulfilmentFunctionArn: "securecart-fulfilment" }, /not a Lambda function ARN/],
        ["a map missing an action", { fulfilmentFunctionArn: { reserveInventory: FN } as Record<SagaAction, string> }, /takePayment/],
        ["a queue ARN as the topic", { notificationTopicArn: "arn:aws:sqs:eu-west-1:123456789012:orders" }, /SNS topic ARN/],
        ["a FIFO topic", { notificationTopicArn: `${TOPIC}.fifo` }, /SNS topic ARN/],
        ["a fractional timeout", { timeouts: { notify: 1.5 } }, /timeouts\.notify/],
        ["a zero timeout", { timeouts: { refundPayment: 0 } }, /timeouts\.refundPayment/],
        ["a backoff rate below 1", { retry: { backoffRate: 0.5 } }, /retry\.backoffRate/],
        ["a negative MaxAttempts", { compensationRetry: { maxAttempts: -1 } }, /compensationRetry\.maxAttempts/],
        ["a zero interval", { retry: { intervalSeconds: 0 } }, /retry\.intervalSeconds/],
        ["an unknown jitter strategy", { retry: { jitterStrategy: "HALF" as "FULL" } }, /jitterStrategy/],
        ["a task timeout within the function's own", { functionTimeoutSeconds: 30 }, /timeouts\.reserveInventory .* must exceed/],
    ];
    for (const [what, over, message] of bad)
        it(`rejects ${what}`, () => {
            assert.throws(() => orderSagaDefinition({ ...ARGS, ...over }), message);
        });

    it("accepts a function timeout below every task timeout", () => {
        assert.doesNotThrow(() => orderSagaDefinition({ ...ARGS, functionTimeoutSeconds: 25 }));
    });
});
