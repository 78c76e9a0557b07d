/** DNS failover policies: routing records must be health-checked, short-lived, and fail over in time. */
import { StackPolicy, configOf } from "./lib";
import { T, UNKNOWN, get, healthCheckOf, isSet, label, ofType, refersTo, routingOf } from "../src/plan";

export const routingRecordsHealthChecked: StackPolicy = {
    name: "dr-routing-records-have-health-checks",
    description:
        "Every failover or latency record has a health check (an HTTPS check, or an ARC routing control's RECOVERY_CONTROL check), so Route 53 can route away from a failed region.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set healthCheckId on the record to the region's aws.route53.HealthCheck (type HTTPS on the ALB's health path, or RECOVERY_CONTROL with failoverControl arc). Without one, a SECONDARY never takes over and a latency record keeps sending users to a dead region.",
    validateStack: (args, report) => {
        const checks = ofType(args.resources, T.healthCheck);
        for (const r of ofType(args.resources, T.record)) {
            const routing = routingOf(r);
            if (routing !== "failover" && routing !== "latency") continue;
            if (!isSet(get(r, "healthCheckId"))) {
                report(`${label(r)} (${routing} routing) must have a health check (healthCheckId) or an ARC routing control.`, r.urn);
                continue;
            }
            const check = checks.find((c) => refersTo(r, "healthCheckId", c));
            if (check && get(check, "type") === "RECOVERY_CONTROL" && !isSet(get(check, "routingControlArn"))) {
                report(`${label(check)} is a RECOVERY_CONTROL check and must name its routing control (routingControlArn).`, check.urn);
            }
        }
    },
};

const ttlSchema = {
    properties: {
        maxTtlSeconds: {
            type: "integer" as const,
            minimum: 0,
            default: 60,
            description: "Longest TTL a record taking part in failover may have (Route 53 recommends 60 s or less for health-checked records).",
        },
    },
};
interface TtlConfig {
    maxTtlSeconds: number;
}

export const routingRecordTtl: StackPolicy = {
    name: "dr-routing-record-ttl",
    description:
        "Records that take part in failover (a routing policy or a health check) have a TTL of at most 60 s (configurable); alias records use the target's fixed 60 s.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Lower ttl to maxTtlSeconds or use an alias record to the ALB (no TTL of its own). Resolvers cache an answer for its TTL, so a long TTL adds directly to the recovery time.",
    configSchema: ttlSchema,
    validateStack: (args, report) => {
        const { maxTtlSeconds } = configOf<TtlConfig>(ttlSchema, args.getConfig());
        for (const r of ofType(args.resources, T.record)) {
            if (routingOf(r) === undefined && !isSet(get(r, "healthCheckId"))) continue;
            const ttl = get(r, "ttl");
            if (typeof ttl === "number" && ttl > maxTtlSeconds)
                report(`${label(r)} takes part in failover and must have a TTL of at most ${maxTtlSeconds} s; it has ${ttl} s.`, r.urn);
        }
    },
};

const detectionSchema = {
    properties: {
        rtoSeconds: {
            type: "integer" as const,
            minimum: 0,
            default: 0,
            description: "The project's RTO target in seconds (securecart:rtoTarget); 0 when none is set.",
        },
        detectionShareOfRto: {
            type: "number" as const,
            minimum: 0,
            maximum: 1,
            default: 0.5,
            description: "Share of the RTO that failure detection may use; the rest is left for promotion, scale-out and DNS caches.",
        },
        maxDetectionSeconds: {
            type: "integer" as const,
            minimum: 10,
            default: 90,
            description: "Detection budget without an RTO target: 90 s, the Route 53 standard check (30 s interval x default threshold 3).",
        },
    },
};
interface DetectionConfig {
    rtoSeconds: number;
    detectionShareOfRto: number;
    maxDetectionSeconds: number;
}

export const detectionWithinRto: StackPolicy = {
    name: "dr-failure-detection-within-rto",
    description: "Health-check detection time (request interval x failure threshold) fits the RTO budget.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Use the fast 10 s interval (securecart:dns.healthCheckInterval) or a lower failureThreshold (securecart:dns.failureThreshold), or relax the RTO target. The interval cannot change after creation: the check is replaced.",
    configSchema: detectionSchema,
    validateStack: (args, report) => {
        const c = configOf<DetectionConfig>(detectionSchema, args.getConfig());
        const budget = c.rtoSeconds > 0 ? Math.floor(c.rtoSeconds * c.detectionShareOfRto) : c.maxDetectionSeconds;
        const why =
            c.rtoSeconds > 0 ? `${Math.round(c.detectionShareOfRto * 100)}% of the ${c.rtoSeconds} s RTO target` : "the default detection budget";
        for (const h of ofType(args.resources, T.healthCheck)) {
            const check = healthCheckOf(h);
            if (check.kind !== "endpoint") continue;
            // Decided by another resource's output: not knowable in preview.
            if (get(h, "requestInterval") === UNKNOWN || get(h, "failureThreshold") === UNKNOWN) continue;
            const { intervalSeconds: interval, failureThreshold: threshold } = check;
            const detection = interval * threshold;
            if (detection > budget)
                report(
                    `${label(h)} detects a failure in ${interval} s x ${threshold} = ${detection} s; it must be at most ${budget} s (${why}).`,
                    h.urn,
                );
        }
    },
};
