/**
 * The edge tier's share of a recovery, for a stack pair (the primary fails, the standby takes over): how long
 * CloudFront takes to fail the static behaviour over to the standby's bucket, and how many published assets the
 * standby's bucket may lack (the asset RPO). Pure, from the stacks' edge facts and the constants.
 *
 * Both figures stand apart from the pair's RTO and RPO: dynamic requests fail over by DNS (the RTO timeline),
 * and the asset RPO is a percentile (99.99 % of objects within RTC's threshold), not a bound on every object,
 * so it is reported next to the data stores' RPO rather than folded into it.
 */
import { EdgeFacts, StaticBehaviorFacts } from "../plan";

/** A figure of the edge: seconds, or null when it cannot be given (see restsOn). */
export interface EdgeFigure {
    readonly seconds: number | null;
    readonly restsOn: readonly string[];
}

export interface AssetRpo {
    /** How the standby's bucket gets the primary's assets. */
    readonly mode: "replication with RTC" | "replication" | "none";
    /** Seconds within which 99.99 % of objects are replicated (unplanned); null when not covered or not bounded. */
    readonly unplannedSeconds: number | null;
    /** A planned switchover leaves the primary's bucket and its rule running: nothing is lost. */
    readonly plannedSeconds: number | null;
    /** The share of objects the bound holds for (RTC: 99.99). */
    readonly percentOfObjects?: number;
    readonly restsOn: readonly string[];
}

export interface EdgeRecovery {
    /** Per request, on the static behaviour, while the primary's bucket does not answer. */
    readonly originFailover: EdgeFigure;
    readonly assetRpo: AssetRpo;
}

/** The edge facts a pair's estimate reads: both stacks' and every stack's of the project (the one that owns the distribution). */
export interface PairEdge {
    readonly primary: EdgeFacts;
    readonly standby: EdgeFacts;
    readonly project: readonly EdgeFacts[];
}

const CF_DG = "CloudFront developer guide";
const RTC_UG = 'Amazon S3 user guide, "Meeting compliance requirements using S3 Replication Time Control"';

/** Whether the origin reads the bucket of stack `f` (by bucket name, else by region). */
function isBucketOf(origin: { readonly bucket?: string; readonly region?: string }, f: EdgeFacts): boolean {
    return f.assetBuckets.some((b) => b.name === origin.bucket) || (origin.region !== undefined && origin.region === f.region);
}

function originFailover(p: EdgeFacts, s: EdgeFacts, project: readonly EdgeFacts[]): EdgeFigure | undefined {
    const owners = project.filter((e) => e.distributions.some((d) => d.staticBehaviors.length > 0));
    if (owners.length === 0) return undefined;
    const owner = owners[0];
    const dist = owner.distributions.find((d) => d.staticBehaviors.length > 0)!;
    const b: StaticBehaviorFacts = dist.staticBehaviors.find((x) => x.grouped) ?? dist.staticBehaviors[0];
    const where = `distribution ${dist.name} (stack ${owner.stack}), behaviour ${b.pathPattern} → ${b.targetOriginId}`;
    if (!b.grouped)
        return {
            seconds: null,
            restsOn: [`${where} reads one bucket, with no origin group: its requests do not fail over to ${s.stack}'s bucket`],
        };
    const primaryIdx = b.members.findIndex((m) => isBucketOf(m, p));
    // The group has two members; a third region's bucket is in none, and its requests fall back to the other member.
    const ownIdx = b.members.findIndex((m) => isBucketOf(m, s));
    const standbyIdx = ownIdx >= 0 ? ownIdx : b.members.findIndex((_, i) => i !== primaryIdx);
    if (standbyIdx < 0) return { seconds: null, restsOn: [`${where}: the origin group has no member other than ${p.stack}'s bucket`] };
    const groupNote = `${CF_DG}, "Optimize high availability with CloudFront origin failover": failover is per request, for GET, HEAD and OPTIONS only, and every request tries the primary member first; a response with a status in the failover criteria (${b.failoverStatusCodes.join(", ")}) fails over without waiting`;
    if (primaryIdx < 0)
        return { seconds: 0, restsOn: [`${where}: the origin group does not read ${p.stack}'s bucket, so losing it costs no failover`] };
    if (standbyIdx < primaryIdx)
        return {
            seconds: 0,
            restsOn: [`${where}: the origin group tries ${b.members[standbyIdx].id} first, so losing ${p.stack}'s bucket costs no failover`],
        };
    const m = b.members[primaryIdx];
    return {
        seconds: m.connectionAttempts * m.connectionTimeoutSeconds,
        restsOn: [
            `${where}: while ${p.stack}'s bucket does not answer, each request waits connectionAttempts ${m.connectionAttempts} × connectionTimeout ${m.connectionTimeoutSeconds} s on origin ${m.id} before CloudFront tries ${b.members[standbyIdx].id} (${CF_DG}, "Origin settings": defaults 3 attempts of 10 s)`,
            groupNote,
            "not part of the RTO: dynamic requests fail over by DNS (the timeline above)",
        ],
    };
}

function assetRpo(p: EdgeFacts, s: EdgeFacts): AssetRpo {
    const none = (why: string): AssetRpo => ({ mode: "none", unplannedSeconds: null, plannedSeconds: null, restsOn: [why] });
    const targets = new Set(s.assetBuckets.map((b) => b.name));
    if (p.assetBuckets.length === 0) return none(`no asset bucket planned in stack ${p.stack}: the asset RPO is not covered`);
    if (s.assetBuckets.length === 0) return none(`no asset bucket planned in stack ${s.stack}: the asset RPO is not covered`);
    const rules = p.assetBuckets.flatMap((b) => (b.rules === "unknown" ? [] : b.rules.map((r) => ({ bucket: b.name, rule: r }))));
    if (p.assetBuckets.some((b) => b.rules === "unknown"))
        return none(`the replication rules of ${p.stack}'s asset bucket are not known yet (a preview): the asset RPO cannot be given`);
    if (rules.length === 0)
        return none(
            `no replication rule planned in stack ${p.stack} (a first deployment of the home stack replicates only from its second \`pulumi up\`, once ${s.stack}'s bucket exists): assets published in ${p.stack} are not copied to ${s.stack}, so the asset RPO is not covered`,
        );
    const into = rules.filter((x) => typeof x.rule.destinationBucket === "string" && targets.has(x.rule.destinationBucket) && x.rule.enabled);
    if (into.length === 0)
        return none(
            `no enabled replication rule in stack ${p.stack} writes into ${s.stack}'s asset bucket (${[...targets].join(", ")}): the asset RPO is not covered`,
        );
    const withRtc = into.find((x) => x.rule.rtcEnabled);
    const deletes = (x: (typeof into)[number]) =>
        x.rule.deleteMarkers ? "delete markers are replicated too" : "delete markers are not replicated: an asset deleted here stays served there";
    if (!withRtc)
        return {
            mode: "replication",
            unplannedSeconds: null,
            plannedSeconds: 0,
            restsOn: [
                `rule ${into[0].rule.id} of ${p.stack}'s bucket ${into[0].bucket} replicates into ${s.stack}'s without Replication Time Control: S3 publishes no time bound for it, so the asset RPO is unknown`,
                deletes(into[0]),
            ],
        };
    const minutes = withRtc.rule.rtcMinutes ?? 15;
    return {
        mode: "replication with RTC",
        unplannedSeconds: minutes * 60,
        plannedSeconds: 0,
        percentOfObjects: 99.99,
        restsOn: [
            `rule ${withRtc.rule.id} of ${p.stack}'s bucket ${withRtc.bucket} replicates into ${s.stack}'s with Replication Time Control (${minutes} min): ${RTC_UG}, "replicates most objects that you upload to Amazon S3 in seconds, and 99.99 percent of those objects within 15 minutes"; the rest have no published bound`,
            `unplanned: up to ${minutes} min of assets published in ${p.stack} may be missing in ${s.stack}'s bucket; the origin group then answers 403/404 for them from both buckets`,
            `planned: ${p.stack}'s bucket and its rule keep running through a switchover, so replication completes and nothing is lost`,
            deletes(withRtc),
        ],
    };
}

/** The edge's figures for recovering `edge.primary` into `edge.standby`. */
export function estimateEdge(edge: PairEdge): EdgeRecovery | undefined {
    const failover = originFailover(edge.primary, edge.standby, edge.project);
    const rpo = assetRpo(edge.primary, edge.standby);
    if (!failover && edge.primary.assetBuckets.length === 0 && edge.standby.assetBuckets.length === 0) return undefined;
    return {
        originFailover: failover ?? { seconds: null, restsOn: ["no CloudFront distribution with a behaviour on S3 planned in the project"] },
        assetRpo: rpo,
    };
}
