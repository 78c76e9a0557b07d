/**
 * The skeleton shared by the project's promotions of a stateful service's replica in the other region: the
 * Aurora global writer (src/globalWriter.ts), the ElastiCache Global Datastore primary
 * (src/cachePromotion.ts) and the EFS replica made writable (src/filesPromotion.ts). Each one describes the
 * live state in the target's region, checks its preconditions, starts the move when it is needed and then
 * waits for AWS to finish it. What they share lives here: the options (a client per region and the timings,
 * injectable so tests run without waiting), the wait loop, the refusal errors and the ARN helpers.
 *
 * Like the promotions themselves, this module is serialized into dynamic providers: it holds only plain
 * values and functions at top level (no module-level Set/Map, no Error subclass), see src/providerErrors.ts.
 */
import { describeError, plainError } from "./providerErrors";

/** The timings and progress output of a promotion; every one has a default. */
export interface PromotionTiming {
    /** Milliseconds between status polls. 0 polls again at once. */
    readonly pollIntervalMs?: number;
    /** Milliseconds to wait for AWS to finish the move before giving up (the promotion can be run again). */
    readonly timeoutMs?: number;
    /** Default: setTimeout. */
    readonly sleep?: (ms: number) => Promise<void>;
    /** Default: Date.now. */
    readonly now?: () => number;
    /** Progress messages. Default: none. */
    readonly log?: (message: string) => void;
}

/** A promotion's options: a client for a region (tests pass clients mocked with aws-sdk-client-mock) and the timings. */
export interface PromotionOptions<C> extends PromotionTiming {
    readonly client: (region: string) => C;
}

/** The timings with their defaults applied. */
export interface ResolvedTiming {
    readonly pollMs: number;
    readonly timeoutMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
    readonly log: (message: string) => void;
}

/** Applies the defaults: no log, setTimeout, Date.now, and the service's own poll interval and timeout. */
export function resolveTiming(opts: PromotionTiming, defaults: { readonly pollIntervalMs: number; readonly timeoutMs: number }): ResolvedTiming {
    return {
        pollMs: opts.pollIntervalMs ?? defaults.pollIntervalMs,
        timeoutMs: opts.timeoutMs ?? defaults.timeoutMs,
        sleep: opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
        now: opts.now ?? Date.now,
        log: opts.log ?? (() => undefined),
    };
}

/** Codes every promotion may refuse with; a promotion adds its own where it has more to say. */
export type PromotionErrorCode = "invalid-request" | "not-found" | "not-a-member" | "in-progress" | "not-available" | "api-error" | "timeout";

/** A promotion that must not or could not happen; `name` says which promotion, the message why and what to do. */
export interface PromotionError<C extends string = PromotionErrorCode> extends Error {
    readonly code: C;
}

/**
 * A plain `Error` named `kind` (e.g. "CachePromotionError") carrying `code`. Not a subclass: once serialized
 * for the engine a class extending Error loses its message, and the refusal would reach `pulumi up` without
 * its reason.
 */
export function promotionError<C extends string>(kind: string, code: C, message: string): PromotionError<C> {
    return plainError(kind, message, { code });
}

/** Whether `e` is a promotion refusal (of kind `kind` when given), by shape: no class survives serialization. */
export function isPromotionError(e: unknown, kind?: string): e is PromotionError<string> {
    const err = e as { name?: unknown; code?: unknown; message?: unknown } | null;
    return (
        typeof err === "object" &&
        err !== null &&
        typeof err.name === "string" &&
        (kind === undefined || err.name === kind) &&
        typeof err.code === "string" &&
        typeof err.message === "string"
    );
}

/**
 * Runs one AWS call; a rejection becomes an api-error refusal quoting the call (`label`, e.g.
 * "FailoverGlobalReplicationGroup(g → rg)") and the AWS error by name and message.
 */
export async function callAws<T>(kind: string, label: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (e) {
        throw promotionError(kind, "api-error", `${label} failed: ${describeError(e)}`);
    }
}

/** The AWS error's name (the SDK's exception name, e.g. ReplicationNotFound), when it has one. */
export function awsErrorName(e: unknown): string | undefined {
    const name = (e as { name?: unknown } | null)?.name;
    return typeof name === "string" ? name : undefined;
}

/** Milliseconds as a timeout message shows them: sub-second timeouts (tests) are not rounded to "0 s". */
export function duration(ms: number): string {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

/** What a wait is for, so that its timeout says so. */
export interface PollOptions extends ResolvedTiming {
    /** The refusal's name, e.g. "WriterMoveError". */
    readonly kind: string;
    /** Completes "timed out after N s waiting for …", e.g. "arn… to become the writer of g". */
    readonly waitingFor: string;
    /** What to do after a timeout, appended to its message. */
    readonly hint?: string;
}

/**
 * Reads the state until `done` holds and returns that state. Logs `waiting: <state>` once per change of the
 * described state, not per poll (a 45-minute wait would otherwise print 180 identical lines); the final,
 * done state is not logged. Past the timeout it throws a timeout refusal naming the last state seen. `read`
 * throws to stop the wait (an API error, or a state the wait can never leave).
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (state: T) => boolean, describe: (state: T) => string, w: PollOptions): Promise<T> {
    const deadline = w.now() + w.timeoutMs;
    let last = "";
    for (;;) {
        const state = await read();
        if (done(state)) return state;
        const seen = describe(state);
        if (w.now() >= deadline) {
            throw promotionError(
                w.kind,
                "timeout",
                `timed out after ${duration(w.timeoutMs)} waiting for ${w.waitingFor} (last seen: ${seen})${w.hint ? `; ${w.hint}` : ""}`,
            );
        }
        if (seen !== last) w.log(`waiting: ${seen}`);
        last = seen;
        await w.sleep(w.pollMs);
    }
}

/** An ARN's parts; the resource is everything after the account. */
export interface ArnParts {
    readonly partition: string;
    readonly service: string;
    readonly region: string;
    readonly account: string;
    readonly resource: string;
}

/** Splits a regional ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE), or undefined when it is not one. */
export function parseArn(arn: string): ArnParts | undefined {
    const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
    return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/** The region of an ARN of `service` whose resource part matches `resource`; undefined otherwise. */
export function regionOfServiceArn(arn: string, service: string, resource: RegExp): string | undefined {
    const p = parseArn(arn);
    return p && p.service === service && resource.test(p.resource) ? p.region : undefined;
}

/** Whether `region` looks like an AWS region name (us-east-1, eu-central-2, us-gov-west-1, cn-north-1). */
export function isRegionName(region: unknown): region is string {
    return typeof region === "string" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
}
