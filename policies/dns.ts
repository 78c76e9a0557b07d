/** DNS failover policies: routing records must be health-checked, short-lived, and fail over in time. */
import { CONSTANT_NAMES, resolveConstants } from "../src/estimates";
import { StackPolicy, configOf } from "./lib";
import { T, UNKNOWN, alarmDetectionOf, get, healthCheckOf, isSet, isUnknown, label, ofType, refersTo, routingOf, text } from "../src/plan";

export const routingRecordsHealthChecked: StackPolicy = {
    name: "dr-routing-records-have-health-checks",
    description:
        "Every failover or latency record has a health check (a CLOUDWATCH_METRIC check on the region's healthy-target alarm that counts missing data as unhealthy, or an ARC routing control's RECOVERY_CONTROL check), so Route 53 can route away from a failed region.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set healthCheckId on the record to the region's aws.route53.HealthCheck: type CLOUDWATCH_METRIC with cloudwatchAlarmName/cloudwatchAlarmRegion naming the alarm on the ALB's HealthyHostCount and insufficientDataHealthStatus \"Unhealthy\" (with no registered target the metric stops, and a check that then reads healthy never fails over), or RECOVERY_CONTROL with failoverControl arc. Without one, a SECONDARY never takes over and a latency record keeps sending users to a dead region.",
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
            if (check && get(check, "type") === "CLOUDWATCH_METRIC") {
                if (!isSet(get(check, "cloudwatchAlarmName")) || !isSet(get(check, "cloudwatchAlarmRegion")))
                    report(
                        `${label(check)} is a CLOUDWATCH_METRIC check and must name its alarm (cloudwatchAlarmName and cloudwatchAlarmRegion).`,
                        check.urn,
                    );
                const missing = get(check, "insufficientDataHealthStatus");
                if (missing !== UNKNOWN && missing !== "Unhealthy")
                    report(
                        `${label(check)} must count missing alarm data as unhealthy (insufficientDataHealthStatus "Unhealthy"); it has ${JSON.stringify(missing ?? "the default")}, so a region whose ALB reports no healthy-target data would keep its traffic.`,
                        check.urn,
                    );
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
            // Four minutes: three 60-s periods of the alarm (the ALB publishes HealthyHostCount every 60 s, Elastic Load
            // Balancing user guide, "CloudWatch metrics for your Application Load Balancer"; three is Route 53's default
            // failure threshold and securecart:dns.failureThreshold's), plus Route 53's reaction to the alarm's data,
            // route53AlarmReactionSeconds (60 s, an assumption: AWS publishes no figure).
            default: 240,
            description:
                "Detection budget without an RTO target: 240 s, three 60-s periods of the alarm a CLOUDWATCH_METRIC check follows plus Route 53's 60-s reaction to the alarm's data (route53AlarmReactionSeconds); an endpoint check's standard 30 s x 3 = 90 s fits too.",
        },
        estimates: {
            type: "object" as const,
            default: {},
            description: `Overrides of estimate constants by name (securecart:estimates), the way the plan's estimates read them; this policy uses route53AlarmReactionSeconds. Allowed: ${CONSTANT_NAMES.join(", ")}.`,
        },
    },
};
interface DetectionConfig {
    rtoSeconds: number;
    detectionShareOfRto: number;
    maxDetectionSeconds: number;
    estimates: Record<string, number>;
}

export const detectionWithinRto: StackPolicy = {
    name: "dr-failure-detection-within-rto",
    description:
        "Health-check detection time fits the RTO budget (without an RTO target, four minutes: three one-minute alarm periods plus Route 53's reaction to the alarm): for a CLOUDWATCH_METRIC check its alarm's period x evaluation periods plus route53AlarmReactionSeconds, the alarm being planned in the same stack; for an endpoint check its request interval x failure threshold.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Lower securecart:dns.failureThreshold (the evaluation periods of the alarm the health check follows; each period is 60 s, the ALB's metric resolution), or relax the RTO target. Route 53 copies the alarm's settings when the check is created or updated, so the check carries triggers on the alarm's period and evaluation periods. Plan the alarm in the stack that owns the health check, so its timing can be read.",
    configSchema: detectionSchema,
    validateStack: (args, report) => {
        const c = configOf<DetectionConfig>(detectionSchema, args.getConfig());
        const budget = c.rtoSeconds > 0 ? Math.floor(c.rtoSeconds * c.detectionShareOfRto) : c.maxDetectionSeconds;
        const why =
            c.rtoSeconds > 0 ? `${Math.round(c.detectionShareOfRto * 100)}% of the ${c.rtoSeconds} s RTO target` : "the default detection budget";
        // The same constant, with the same overrides, as the plan's RTO estimate (src/estimates/rto.ts).
        const reaction = resolveConstants(c.estimates ?? {}).values.route53AlarmReactionSeconds;
        for (const h of ofType(args.resources, T.healthCheck)) {
            const alarm = alarmDetectionOf(h, args.resources);
            if (alarm === UNKNOWN) continue;
            if (alarm !== undefined) {
                const detection = alarm.periodSeconds * alarm.evaluationPeriods + reaction;
                if (detection > budget)
                    report(
                        `${label(h)} follows alarm ${alarm.alarm}, which detects a failure in ${alarm.periodSeconds} s x ${alarm.evaluationPeriods} + ${reaction} s for Route 53 to react to the alarm's data (route53AlarmReactionSeconds) = ${detection} s; it must be at most ${budget} s (${why}).`,
                        h.urn,
                    );
                continue;
            }
            if (get(h, "type") === "CLOUDWATCH_METRIC") {
                const name = get(h, "cloudwatchAlarmName");
                if (isUnknown(name)) continue; // another resource's output no planned alarm shows: known after the update
                const planned = ofType(args.resources, T.metricAlarm).some((a) => refersTo(h, "cloudwatchAlarmName", a));
                report(
                    planned
                        ? `${label(h)} follows CloudWatch alarm ${text(name)}, which sets no period or evaluation periods, so its detection time cannot be checked.`
                        : `${label(h)} follows CloudWatch alarm ${text(name, "(unset)")}, which is not planned in this stack, so its detection time cannot be checked; plan the alarm in the stack that owns the health check.`,
                    h.urn,
                );
                continue;
            }
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
