/**
 * Sign-in's and the API's share of a recovery, for a stack pair (the primary fails, the standby takes over): what the
 * standby's copy of the user directory may lack (the identity RPO), how long until users sign in through the standby
 * (the identity RTO), and how long until the API's domain answers from the standby (the API failover). Pure, from
 * the two stacks' resources, what the strategy plan and the config say of them (the user exports, the monthly
 * volumes), and the constants.
 *
 * These figures stand apart from the pair's RTO and RPO, which stay the storefront's and the data stores': the
 * identity RPO rests on a replication Cognito gives no figure for, the pilot-light and backup-restore sign-in on steps
 * AWS publishes no duration for, so folding them in would make the pair's figures unknown without saying more than
 * these lines do. The API's failover is detected by the same region check as the storefront (one of its children)
 * and re-resolved with the same alias TTL, so for a lost region it ends when the storefront's DNS step does.
 */
import { Constants, cite } from "./constants";
import {
    AlarmDetection,
    BackupRuleFacts,
    DYNAMIC,
    StackFacts,
    StackView,
    T,
    UNKNOWN,
    alarmDetectionOf,
    apiHealthChecksOf,
    apiRecordsOf,
    get,
    isApiKeepAlive,
    num,
    ofType,
    recordOf,
    refersTo,
    str,
    text,
} from "../plan";
import { rateIntervalSeconds } from "./pipeline";

const COGNITO_MRR =
    'Amazon Cognito developer guide, "Multi-Region replication for user pools" (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-multi-region.html, read 2026-12-06)';
const COGNITO_FAILOVER =
    "Amazon Cognito API reference, FailoverType (PrimaryRoute53HealthCheckId: healthy routes to the primary, unhealthy to the secondary region)";

/**
 * What a stack's resources do not carry: the strategy plan's user exports (`plan.identity.exportUsers` on the home
 * stack, `receivesExports` on the other, under backup-restore) and the config's monthly volumes.
 */
export interface IdentityApiInput {
    /** identity.monthlyActiveUsers. */
    readonly monthlyActiveUsers?: number;
    /** api.monthlyRequests: requests a month to the API, all regions together. */
    readonly apiMonthlyRequests?: number;
    /** plan.identity.exportUsers: this stack exports the pool's users on the backup schedule. */
    readonly exportUsers?: boolean;
    /** plan.identity.receivesExports: this stack receives those exports. */
    readonly receivesExports?: boolean;
}

/** A health check of the API's, with the timing of the alarm it follows (when it follows one and it is readable). */
export interface CheckTiming {
    readonly name: string;
    readonly alarm?: AlarmDetection;
}

/** The sign-in and API settings of one stack that the estimates read. */
export interface IdentityApiFacts {
    readonly stack: string;
    readonly region: string;
    /** The user pool this stack owns (the home stack), if any. */
    readonly pool?: {
        readonly name: string;
        /** userPoolTier: ESSENTIALS or PLUS (the feature plan). */
        readonly tier: string;
        /** Regions of the replicas this stack creates. */
        readonly replicaRegions: readonly string[];
        /** The managed-login domain and the health check its failover follows. */
        readonly domain?: { readonly name: string; readonly secondaryRegion?: string; readonly check?: CheckTiming };
    };
    /** The replica status this stack sets on its region's replica (UserPoolReplicaStatus), if any. */
    readonly replicaStatus?: string;
    /** The region's API, if any. */
    readonly api?: {
        readonly name: string;
        readonly vpcLinks: readonly string[];
        readonly record?: { readonly routing: string; readonly failoverRole?: string; readonly alias: boolean };
        /** The CALCULATED check the record follows, and its children. */
        readonly check?: { readonly name: string; readonly children: readonly CheckTiming[] };
        readonly checks: readonly string[];
        /** The keep-alive probe: its function's memory and its schedule. */
        readonly keepAlive?: { readonly name: string; readonly memoryMb: number; readonly expression: string; readonly intervalSeconds?: number };
    };
    readonly input: IdentityApiInput;
}

function timing(check: Parameters<typeof alarmDetectionOf>[0], resources: StackView["resources"]): CheckTiming {
    const d = alarmDetectionOf(check, resources);
    return { name: check.name, ...(d && d !== UNKNOWN ? { alarm: d } : {}) };
}

export function identityApiFacts(view: StackView, input: IdentityApiInput = {}): IdentityApiFacts {
    const rs = view.resources;
    const of = (type: string) => ofType(rs, type);
    const checks = of(T.healthCheck);
    const pool = of(T.userPool)[0];
    const domain = of(T.userPoolDomain)[0];
    const domainCheck = domain
        ? checks.find((h) => refersTo(domain, "routing", h) || refersTo(domain, "routing.failover.primaryRoute53HealthCheckId", h))
        : undefined;
    const status = of(DYNAMIC.userPoolReplicaStatus.token)[0];
    const api = of(T.httpApi)[0];
    const record = apiRecordsOf(rs)[0];
    const apiChecks = apiHealthChecksOf(rs);
    const calculated = apiChecks.find((h) => get(h, "type") === "CALCULATED");
    const probe = of(T.lambdaFunction).find(isApiKeepAlive);
    const schedule = of(T.eventRule).find((r) => isApiKeepAlive(r) && typeof get(r, "scheduleExpression") === "string");
    return {
        stack: view.stack,
        region: view.region,
        ...(pool
            ? {
                  pool: {
                      name: text(get(pool, "userPoolName"), pool.name),
                      tier: text(get(pool, "userPoolTier"), "ESSENTIALS"),
                      replicaRegions: of(T.userPoolReplica)
                          .map((r) => str(get(r, "regionName")))
                          .filter((x): x is string => x !== undefined),
                      ...(domain
                          ? {
                                domain: {
                                    name: text(get(domain, "domain"), domain.name),
                                    secondaryRegion: str(get(domain, "routing.failover.secondaryRegion")),
                                    ...(domainCheck ? { check: timing(domainCheck, rs) } : {}),
                                },
                            }
                          : {}),
                  },
              }
            : {}),
        ...(status ? { replicaStatus: text(get(status, "status"), "unknown") } : {}),
        ...(api
            ? {
                  api: {
                      name: text(get(api, "name"), api.name),
                      vpcLinks: of(T.vpcLink).map((l) => text(get(l, "name"), l.name)),
                      ...(record ? { record: recordOf(record) } : {}),
                      ...(calculated
                          ? {
                                check: {
                                    name: calculated.name,
                                    children: checks.filter((h) => refersTo(calculated, "childHealthchecks", h)).map((h) => timing(h, rs)),
                                },
                            }
                          : {}),
                      checks: apiChecks.map((h) => h.name),
                      ...(probe
                          ? {
                                keepAlive: {
                                    name: text(get(probe, "name"), probe.name),
                                    // Lambda's default when unset.
                                    memoryMb: num(get(probe, "memorySize")) ?? 128,
                                    expression: schedule ? text(get(schedule, "scheduleExpression")) : "(no schedule planned)",
                                    intervalSeconds: schedule ? rateIntervalSeconds(text(get(schedule, "scheduleExpression"))) : undefined,
                                },
                            }
                          : {}),
                  },
              }
            : {}),
        input,
    };
}

/** A figure of sign-in or the API: seconds, or null when it cannot be given (see restsOn). */
export interface IdentityApiFigure {
    readonly seconds: number | null;
    readonly restsOn: readonly string[];
}

export interface IdentityRpo extends IdentityApiFigure {
    /** How the standby holds the user directory. */
    readonly mode: "replication" | "export" | "none" | "unaffected";
}

export interface IdentityApiRecovery {
    /** What the standby's copy of the user directory may lack (unplanned). */
    readonly identityRpo?: IdentityRpo;
    /** Until users sign in through the standby (unplanned). */
    readonly signIn?: IdentityApiFigure;
    /** Until the API's domain answers from the standby (unplanned). */
    readonly apiFailover?: IdentityApiFigure;
}

/** Both stacks' facts, and the primary's stack facts (its backup rules: the user exports follow their schedule). */
export interface PairIdentityApi {
    readonly primary: IdentityApiFacts;
    readonly standby: IdentityApiFacts;
    readonly primaryStack: StackFacts;
}

/** The shortest schedule among the primary's backup rules that copy into the standby's region. */
function backupInterval(p: StackFacts, region: string): BackupRuleFacts | undefined {
    const rules = p.backupRules.filter((r) => r.copyRegions.includes(region) && r.intervalSeconds !== undefined);
    return rules.length ? rules.reduce((a, b) => ((a.intervalSeconds as number) <= (b.intervalSeconds as number) ? a : b)) : undefined;
}

function identityRpo(pp: PairIdentityApi): IdentityRpo | undefined {
    const { primary: p, standby: s } = pp;
    if (s.pool)
        return {
            mode: "unaffected",
            seconds: 0,
            restsOn: [`the user pool ${s.pool.name} is ${s.stack}'s (its primary is in ${s.region}): losing ${p.stack} loses no identity`],
        };
    if (!p.pool) return undefined;
    if (p.pool.replicaRegions.includes(s.region))
        return {
            mode: "replication",
            seconds: null,
            restsOn: [
                `${p.stack}'s user pool ${p.pool.name} has a replica in ${s.region} (UserPoolReplica, created by ${p.stack})`,
                `unknown, because Cognito documents replication only as eventually consistent, with no figure (${COGNITO_MRR}): a sign-up or a password or profile change made in ${p.stack} shortly before the failure may be missing in ${s.region}`,
                "while the replica serves, users can neither sign up nor reset a password nor change their profile there (same page)",
            ],
        };
    const exports = p.input.exportUsers;
    const receives = s.input.receivesExports;
    if (exports === undefined || receives === undefined)
        return {
            mode: "none",
            seconds: null,
            restsOn: [
                `no replica of ${p.stack}'s user pool in ${s.region}, and the strategy plan's user exports (plan.identity.exportUsers / receivesExports) are not given here: the identity RPO cannot be given`,
            ],
        };
    if (!exports || !receives)
        return {
            mode: "none",
            seconds: null,
            restsOn: [
                `no replica of ${p.stack}'s user pool in ${s.region}, and the strategy plan exports no users ${!exports ? `from ${p.stack}` : `into ${s.stack}`}: identities are not recovered there`,
            ],
        };
    const rule = backupInterval(pp.primaryStack, s.region);
    if (!rule)
        return {
            mode: "export",
            seconds: null,
            restsOn: [
                `the strategy plan exports ${p.stack}'s users on the backup schedule (plan.identity.exportUsers), but no backup rule of ${p.stack} copying to ${s.region} has a schedule read as an interval`,
            ],
        };
    return {
        mode: "export",
        seconds: rule.intervalSeconds as number,
        restsOn: [
            `no replica of ${p.stack}'s user pool in ${s.region}: identities are recovered from the latest export, which the strategy plan makes on the backup schedule (plan.identity.exportUsers in ${p.stack}, receivesExports in ${s.stack}); the export itself is another tier's and not among the planned resources yet, so this rests on it keeping that schedule`,
            `backup.intervalHours: rule "${rule.rule}" of ${rule.plan} in ${p.stack}, schedule ${rule.schedule} = every ${(rule.intervalSeconds as number) / 3600} h; users who signed up or changed their profile since the last export are missing`,
            "caveat: passwords are never exported, so every recovered user must reset theirs before signing in; the RPO says nothing of that",
        ],
    };
}

/** Detection by an alarm-driven check, as the storefront's detection step models it (src/estimates/rto.ts). */
function detected(check: CheckTiming | undefined, c: Constants): { seconds: number; restsOn: string[] } | string {
    if (!check) return "no Route 53 health check is named";
    if (!check.alarm)
        return `health check ${check.name} follows an alarm that is not planned in the stack or whose period and evaluation periods are not known yet`;
    const window = check.alarm.periodSeconds * check.alarm.evaluationPeriods;
    return {
        seconds: window + c.values.route53AlarmReactionSeconds,
        restsOn: [
            `health check ${check.name} follows alarm ${check.alarm.alarm}: period ${check.alarm.periodSeconds} s × evaluationPeriods ${check.alarm.evaluationPeriods} = ${window} s (dns.failureThreshold one-minute periods)`,
            `then Route 53 reacts to the alarm's data stream: ${cite(c, "route53AlarmReactionSeconds")}`,
        ],
    };
}

function signIn(pp: PairIdentityApi, c: Constants): IdentityApiFigure | undefined {
    const { primary: p, standby: s } = pp;
    if (s.pool) return { seconds: 0, restsOn: [`the user pool's primary is in ${s.stack}'s region: losing ${p.stack} moves no sign-in`] };
    if (!p.pool) return undefined;
    if (!p.pool.replicaRegions.includes(s.region))
        return {
            seconds: null,
            restsOn: [
                `no replica of ${p.stack}'s user pool in ${s.region}: sign-in there needs a new user pool and a user import job from the latest export (the promotion's work); unknown, because AWS publishes no duration for either`,
            ],
        };
    const d = p.pool.domain;
    if (!d || d.secondaryRegion !== s.region)
        return {
            seconds: null,
            restsOn: [
                `the managed-login domain ${d?.name ?? "(none planned)"} does not fail over to ${s.region}: sign-in does not follow the replica`,
            ],
        };
    const det = detected(d.check, c);
    if (typeof det === "string")
        return { seconds: null, restsOn: [`the managed-login domain ${d.name} fails over on a check whose timing cannot be read: ${det}`] };
    const follows = `the managed-login domain ${d.name} fails over to the replica in ${s.region} once ${p.stack}'s health check is unhealthy (${COGNITO_FAILOVER}); how soon Cognito acts on the check's status is not published and is not added`;
    if (s.replicaStatus === "ACTIVE")
        return { seconds: det.seconds, restsOn: [`${s.stack}'s replica is ACTIVE already (UserPoolReplicaStatus)`, ...det.restsOn, follows] };
    if (s.replicaStatus === "INACTIVE")
        return {
            seconds: null,
            restsOn: [
                `${s.stack}'s replica is INACTIVE (UserPoolReplicaStatus): the promotion's \`pulumi up\` activates it (UpdateUserPoolReplica); unknown, because Cognito publishes no duration for the activation to take effect`,
                `at least the detection: ${det.seconds} s`,
                ...det.restsOn,
                follows,
            ],
        };
    return {
        seconds: null,
        restsOn: [
            `${s.stack} plans no status for its replica (UserPoolReplicaStatus), and Cognito starts a new replica INACTIVE (${COGNITO_MRR}): sign-in there cannot be timed`,
        ],
    };
}

function apiFailover(pp: PairIdentityApi, c: Constants): IdentityApiFigure | undefined {
    const { primary: p, standby: s } = pp;
    const a = p.api;
    if (!a) return undefined;
    if (!a.check) return { seconds: null, restsOn: [`${p.stack}'s API record follows no CALCULATED health check: it does not fail over`] };
    const children = a.check.children.map((ch) => ({ ch, d: detected(ch, c) }));
    const unread = children.filter((x) => typeof x.d === "string");
    if (children.length === 0 || unread.length)
        return {
            seconds: null,
            restsOn: [
                `${p.stack}'s API check ${a.check.name}: ${unread.length ? unread.map((x) => x.d as string).join("; ") : "no child check is planned"}`,
            ],
        };
    const timed = children.map((x) => ({ ch: x.ch, d: x.d as { seconds: number; restsOn: string[] } }));
    const slowest = timed.reduce((x, y) => (y.d.seconds > x.d.seconds ? y : x));
    const detection = [
        `${p.stack}'s API record follows the CALCULATED check ${a.check.name}, healthy only while all ${timed.length} children are (the region's check and one per service): it turns unhealthy when the first child does; the slowest child is taken, so the figure holds whichever fails`,
        ...slowest.d.restsOn,
        "Route 53 publishes no figure for a calculated check following its children: not added",
    ];
    const ttl = c.values.aliasTtlSeconds;
    const rec = s.api?.record;
    if (rec)
        return {
            seconds: slowest.d.seconds + ttl,
            restsOn: [
                ...detection,
                `then clients re-resolve ${s.stack}'s API record (${rec.routing}${rec.failoverRole ? `, ${rec.failoverRole}` : ""}), an alias: ${cite(c, "aliasTtlSeconds")}`,
            ],
        };
    return {
        seconds: slowest.d.seconds + c.values.provisionSeconds + ttl,
        restsOn: [
            ...detection,
            `${s.stack} has no API: the promotion's \`pulumi up\` creates it with the services: ${cite(c, "provisionSeconds")}`,
            `then clients re-resolve its record, an alias: ${cite(c, "aliasTtlSeconds")}`,
        ],
    };
}

/** Sign-in's and the API's figures for recovering `pp.primary` into `pp.standby`; undefined when neither has any. */
export function estimateIdentityApi(pp: PairIdentityApi, c: Constants): IdentityApiRecovery | undefined {
    const rpo = identityRpo(pp);
    const si = signIn(pp, c);
    const api = apiFailover(pp, c);
    if (!rpo && !si && !api) return undefined;
    return { ...(rpo ? { identityRpo: rpo } : {}), ...(si ? { signIn: si } : {}), ...(api ? { apiFailover: api } : {}) };
}
