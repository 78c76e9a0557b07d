/**
 * The order pipeline's share of a recovery, for a stack pair (the primary fails, the standby takes over): how long
 * until the standby consumes orders, how long until order events reach its bus through the global endpoint, how
 * long a stranded accepted order waits for the reconciler; and what the standby may lack of accepted and queued
 * orders. Pure, from the two stacks' resources and the constants.
 *
 * These figures stand apart from the pair's RTO and RPO: users are served once DNS, data and capacity are ready
 * (the timeline), while the pipeline works behind them on orders in flight. A queued message in a lost region is
 * not lost but stranded until the region returns, which no number of seconds describes, so it is its own line.
 */
import { Constants, cite } from "./constants";
import {
    AlarmDetection,
    StackView,
    T,
    UNKNOWN,
    alarmDetectionOf,
    get,
    isPipelineFunction,
    isEventEndpointHealthCheck,
    num,
    ofType,
    str,
    text,
} from "../plan";
import type { StoreRpo } from "./rpo";

/** The settings of one stack's order pipeline that the estimates read. */
export interface PipelineFacts {
    readonly stack: string;
    readonly region: string;
    /** Functions, bus, topics and saga exist here (not only the queues). */
    readonly exists: boolean;
    readonly queues: number;
    /** The shortest messageRetentionSeconds of the stack's queues (SQS's default, 4 days, when unset). */
    readonly retentionSeconds?: number;
    readonly mappings: { readonly total: number; readonly enabled: number };
    /** The reconciler's schedule (a rule with a scheduleExpression), if planned. */
    readonly reconciler?: { readonly intervalSeconds?: number; readonly expression: string; readonly enabled: boolean };
    /** The EventBridge global endpoint this stack owns, if any. */
    readonly endpoint?: {
        readonly name: string;
        readonly replication: boolean;
        readonly secondaryRegion?: string;
        /** The timing of the alarm its health check follows; undefined when not readable. */
        readonly alarm?: AlarmDetection;
    };
    /** memorySize (MB) by function name (`securecart-<folder>`); Lambda's default 128 MB when unset. */
    readonly memoryMb: Readonly<Record<string, number>>;
}

/** Seconds between runs of an EventBridge `rate(n unit)` expression; undefined for anything else. */
export function rateIntervalSeconds(expr: string): number | undefined {
    const m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expr.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit = m[2].replace(/s$/, "");
    return n * (unit === "minute" ? 60 : unit === "hour" ? 3600 : 86400);
}

/** SQS's default retention when messageRetentionSeconds is unset (SQS developer guide): 4 days. */
const SQS_DEFAULT_RETENTION_SECONDS = 345_600;

export function pipelineFacts(view: StackView): PipelineFacts {
    const rs = view.resources;
    const of = (type: string) => ofType(rs, type);
    // The API's keep-alive probe and the user export are functions on a schedule too, but not the pipeline's.
    const fns = of(T.lambdaFunction).filter(isPipelineFunction);
    const retention = of(T.sqsQueue).map((q) => num(get(q, "messageRetentionSeconds")) ?? SQS_DEFAULT_RETENTION_SECONDS);
    const esms = of(T.eventSourceMapping);
    const schedule = of(T.eventRule).find((r) => typeof get(r, "scheduleExpression") === "string" && isPipelineFunction(r));
    const endpoint = of(T.eventEndpoint)[0];
    const check = of(T.healthCheck).find(isEventEndpointHealthCheck);
    const detection = check ? alarmDetectionOf(check, rs) : undefined;
    const memoryMb: Record<string, number> = {};
    for (const f of fns) {
        const name = str(get(f, "name"));
        if (name) memoryMb[name] = num(get(f, "memorySize")) ?? 128;
    }
    return {
        stack: view.stack,
        region: view.region,
        exists: fns.length > 0,
        queues: retention.length,
        ...(retention.length ? { retentionSeconds: Math.min(...retention) } : {}),
        // `enabled` defaults to true on a mapping.
        mappings: { total: esms.length, enabled: esms.filter((m) => get(m, "enabled") !== false).length },
        ...(schedule
            ? {
                  reconciler: {
                      expression: text(get(schedule, "scheduleExpression")),
                      intervalSeconds: rateIntervalSeconds(text(get(schedule, "scheduleExpression"))),
                      enabled: get(schedule, "state") !== "DISABLED",
                  },
              }
            : {}),
        ...(endpoint
            ? {
                  endpoint: {
                      name: text(get(endpoint, "name"), endpoint.name),
                      replication: get(endpoint, "replicationConfig.state") !== "DISABLED",
                      secondaryRegion: str(get(endpoint, "routingConfig.failoverConfig.secondary.route")),
                      ...(detection && detection !== UNKNOWN ? { alarm: detection } : {}),
                  },
              }
            : {}),
        memoryMb,
    };
}

/** A figure of the pipeline: seconds, or null when it cannot be given as one (see restsOn). */
export interface PipelineFigure {
    readonly seconds: number | null;
    readonly restsOn: readonly string[];
}

export interface PipelineRecovery {
    /** Until the standby's consumers poll its order queue (and its rules route order events). */
    readonly consumersOn: PipelineFigure;
    /** Until order events put through the global endpoint reach a live bus; absent where no endpoint is planned. */
    readonly eventFailover?: PipelineFigure;
    /** The longest an accepted order stranded in the lost region waits, after acceptance, for the standby's reconciler. */
    readonly strandedOrderResumed: PipelineFigure;
    /** RPO of accepted orders: the orders table's, as the data stores' RPO gives it. */
    readonly acceptedOrders: PipelineFigure;
    /** Messages queued in the lost region and not yet consumed: stranded, not a number of seconds. */
    readonly queuedMessages: { readonly mode: "stranded" | "none"; readonly restsOn: readonly string[] };
}

/** The pipeline facts a pair's estimate reads: both stacks', and the data stores' RPO already estimated. */
export interface PairPipeline {
    readonly primary: PipelineFacts;
    readonly standby: PipelineFacts;
    readonly stores: readonly StoreRpo[];
}

const EB_GE = 'EventBridge user guide, "Making applications Regional-fault tolerant with global endpoints"';

function consumersOn(p: PipelineFacts, s: PipelineFacts, c: Constants): PipelineFigure {
    if (!s.exists)
        return {
            seconds: c.values.provisionSeconds + c.values.esmEnableSeconds,
            restsOn: [
                `${s.stack} holds only the pipeline's queues: the promotion's \`pulumi up\` creates its functions, bus, topics, saga and mappings, ${cite(c, "provisionSeconds")} (overlapping the capacity step, which waits for the same update)`,
                `then the new mappings start polling: ${cite(c, "esmEnableSeconds")}`,
            ],
        };
    if (s.mappings.total > 0 && s.mappings.enabled === s.mappings.total)
        return { seconds: 0, restsOn: [`${s.stack}'s ${s.mappings.total} event source mapping(s) are enabled: it consumes already`] };
    return {
        seconds: c.values.esmEnableSeconds,
        restsOn: [
            `${s.stack}'s consumers are off (${s.mappings.total - s.mappings.enabled} of ${s.mappings.total} mapping(s) disabled, the order bus's rules too): the promotion's \`pulumi up\` turns them on in place, in the update that gives ${s.stack} its traffic, overlapping its other steps`,
            `until Lambda polls again: ${cite(c, "esmEnableSeconds")}; messages queued meanwhile wait (none are lost)`,
        ],
    };
}

function eventFailover(p: PipelineFacts, s: PipelineFacts, c: Constants): PipelineFigure | undefined {
    const owner = p.endpoint ? p : s.endpoint ? s : undefined;
    if (!owner?.endpoint) return undefined;
    const ep = owner.endpoint;
    if (owner === s)
        return {
            seconds: 0,
            restsOn: [`endpoint ${ep.name}'s primary bus is in ${s.stack}'s region: losing ${p.stack} moves no events`],
        };
    if (!ep.alarm)
        return {
            seconds: null,
            restsOn: [`endpoint ${ep.name}'s health check alarm is not planned, or its period and evaluation periods are not known yet`],
        };
    const window = ep.alarm.periodSeconds * ep.alarm.evaluationPeriods;
    return {
        seconds: window + c.values.eventEndpointFailoverAfterAlarmSeconds,
        restsOn: [
            `endpoint ${ep.name} (owned by ${p.stack}) fails over to ${ep.secondaryRegion ?? "the secondary region"} once its health check's alarm ${ep.alarm.alarm} has breached: period ${ep.alarm.periodSeconds} s × evaluationPeriods ${ep.alarm.evaluationPeriods} = ${window} s`,
            `then the health check and the re-routing: ${cite(c, "eventEndpointFailoverAfterAlarmSeconds")}`,
            `${EB_GE}: 360 s, at most 420 s, is for an alarm per AWS's guidance (5 one-minute periods); this alarm waits ${ep.alarm.evaluationPeriods}, so the same remainder is added to its own window instead`,
            `until then, events put through the endpoint go to ${p.stack}'s bus: a put that fails is sent to the publisher's own region's bus at once (functions/shared/events.ts), one that the impaired bus accepts waits for it; ${ep.replication ? "replication is on, so events put before the failure were copied to the secondary bus as well" : "replication is off: events put before the failure exist only on the lost bus, and failing back needs the health check reset by hand"}`,
        ],
    };
}

function strandedOrderResumed(p: PipelineFacts, s: PipelineFacts, c: Constants): PipelineFigure {
    const rule = s.reconciler ?? p.reconciler;
    const stale = c.values.reconcilerStaleAfterSeconds;
    if (!rule || rule.intervalSeconds === undefined)
        return {
            seconds: null,
            restsOn: [
                rule
                    ? `the reconciler's schedule ${rule.expression} is not a rate expression this estimate reads`
                    : `no reconciler schedule planned in ${s.stack} or ${p.stack}: a stranded accepted order is never resumed automatically`,
            ],
        };
    const where = s.reconciler
        ? s.reconciler.enabled
            ? `${s.stack}'s reconciler runs already`
            : `${s.stack}'s reconciler is off until the promotion's \`pulumi up\` makes it primary and turns it on`
        : `${s.stack} has no reconciler until the promotion's \`pulumi up\` creates it (as ${p.stack}'s)`;
    return {
        seconds: stale + rule.intervalSeconds,
        restsOn: [
            `an order accepted (written to the orders global table) but not completed in ${p.stack} is resumed or compensated by the reconciler once ACCEPTED for ${cite(c, "reconcilerStaleAfterSeconds")}, at its next run: schedule ${rule.expression} = every ${rule.intervalSeconds} s; so at most ${stale + rule.intervalSeconds} s after acceptance`,
            `${where}; counted from then for orders already older`,
        ],
    };
}

function acceptedOrders(stores: readonly StoreRpo[]): PipelineFigure {
    const orders = stores.find((x) => /^dynamodb:(securecart-)?orders(-|$)/.test(x.store));
    if (!orders) return { seconds: null, restsOn: ["no orders table among the primary's data stores: the accepted orders' RPO is not estimated"] };
    return {
        seconds: orders.unplannedSeconds,
        restsOn: [`accepted orders live in ${orders.store}: its RPO (${orders.mode}) above`, ...orders.restsOn],
    };
}

function queuedMessages(p: PipelineFacts, s: PipelineFacts): PipelineRecovery["queuedMessages"] {
    if (p.queues === 0) return { mode: "none", restsOn: [`no queue planned in ${p.stack}: nothing is queued there`] };
    const days = (p.retentionSeconds ?? SQS_DEFAULT_RETENTION_SECONDS) / 86400;
    return {
        mode: "stranded",
        restsOn: [
            `messages queued in ${p.stack} and not yet consumed are not replicated: they are stranded there until the region returns, not lost while they are retained (${days} day(s), the queues' shortest messageRetentionSeconds)`,
            "an order message not yet accepted reaches no other region: it is processed when the region returns (its consumers on), or lost past the retention",
            `an order already accepted is in the orders global table: ${s.stack}'s reconciler resumes or compensates it (strandedOrderResumed above), and the saga's idempotent steps make the returning region's copy harmless`,
            "notifications queued there arrive late, when the region returns",
        ],
    };
}

/** The pipeline's figures for recovering `pp.primary` into `pp.standby`; undefined when neither stack has a pipeline. */
export function estimatePipeline(pp: PairPipeline, c: Constants): PipelineRecovery | undefined {
    const { primary: p, standby: s } = pp;
    if (!p.exists && p.queues === 0) return undefined;
    const ev = eventFailover(p, s, c);
    return {
        consumersOn: consumersOn(p, s, c),
        ...(ev ? { eventFailover: ev } : {}),
        strandedOrderResumed: strandedOrderResumed(p, s, c),
        acceptedOrders: acceptedOrders(pp.stores),
        queuedMessages: queuedMessages(p, s),
    };
}
