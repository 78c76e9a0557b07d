import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthCheckAlarmName } from "../src/alarms";

export interface DnsArgs {
    /** Id of the existing public hosted zone that holds the application's record. */
    readonly zoneId: string;
    /** The record this region answers on: the edge's origin hostname, e.g. origin-shop.example.com. */
    readonly recordName: string;
    /** This stack's region: the record's set identifier and, for latency routing, its region. */
    readonly region: string;
    /** Consecutive one-minute periods with no healthy storefront target before unhealthy, 1-10. Default 3. */
    readonly failureThreshold?: number;
    /**
     * This region's ALB, with the ARN suffixes its CloudWatch metrics are keyed by. When undefined (no compute
     * here), no health check and no record are created.
     */
    readonly alb?: {
        readonly dnsName: pulumi.Input<string>;
        readonly zoneId: pulumi.Input<string>;
        readonly arnSuffix: pulumi.Input<string>;
        readonly targetGroupArnSuffix: pulumi.Input<string>;
    };
    /** failover (PRIMARY/SECONDARY) or latency (active-active). */
    readonly routing: "failover" | "latency";
    /** For failover routing: this region's record type. Required when routing is failover. */
    readonly failoverRole?: "PRIMARY" | "SECONDARY";
    /**
     * Force this region's health check unhealthy (disabled and inverted): the outage drill, the fence on
     * an old primary after an unplanned failover, or a standby holding the PRIMARY record. Default false.
     */
    readonly forceUnhealthy?: boolean;
    /**
     * ARC routing control ARN for this region. When set, the record's health check is of type
     * RECOVERY_CONTROL on that routing control instead of the alarm, and `forceUnhealthy` is not applied:
     * with ARC, which region takes traffic is the routing controls' On/Off state, set through the ARC data
     * plane by operators. Default undefined (DNS health checks).
     */
    readonly routingControlArn?: pulumi.Input<string>;
    /**
     * The user-facing name and the edge it resolves to (the stack that owns the edge): A and AAAA aliases.
     * They are written after this region's own record, which, in a deployment made before the edge, held the
     * same name and must go first (Route 53 keeps no alias beside failover or latency records of one name and
     * type). Default none.
     */
    readonly userAlias?: {
        readonly recordName: string;
        readonly target: { readonly name: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
    };
    /**
     * The region's "serving" signals (components/tierAlarms.ts): when given (and no routing control), the record
     * follows a CALCULATED check that is healthy only while every signal's CLOUDWATCH_METRIC check is, instead of the
     * storefront's targets alone. The storefront check stays (its type cannot change in place, and the API's and the
     * sign-in domain's checks name it: a calculated check cannot be another's child). Default none.
     */
    readonly servingSignals?: readonly ServingSignal[];
    /** Where the region's alarms here notify (the storefront-targets alarm and, in us-east-1, the check status alarm). */
    readonly alarmActions: { readonly own: AlarmActionArgs; readonly usEast1: AlarmActionArgs };
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** An alarm's action settings (components/tierAlarms.ts alarmActions). */
export interface AlarmActionArgs {
    readonly actionsEnabled: boolean;
    readonly alarmActions: pulumi.Input<string>[];
    readonly okActions: pulumi.Input<string>[];
}

/** One signal of the "serving" health check: a single-metric alarm in this region. */
export interface ServingSignal {
    /** The signal's name (stable: the child check's resource name follows it). */
    readonly name: string;
    readonly alarmName: pulumi.Input<string>;
    /** Its evaluation periods (the check is rewritten when they change: Route 53 copies the alarm once). */
    readonly evaluationPeriods: number;
    /** What the check is while the alarm has no data: Unhealthy for targets (none reporting), Healthy for 5xx counts (no traffic). */
    readonly insufficientData: "Healthy" | "Unhealthy";
}

/** What `healthyTargetsCheck` watches and how the check is named and tagged. */
export interface HealthyTargetsCheckArgs {
    /** The region of the load balancer (the alarm's metrics live there). */
    readonly region: string;
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly targetGroupArnSuffix: pulumi.Input<string>;
    /** One-minute periods without a healthy target before the alarm (and the check) turn unhealthy. */
    readonly failureThreshold: number;
    readonly alarmDescription: string;
    /** Resource names of the alarm and the check. */
    readonly alarmName: string;
    readonly checkName: string;
    readonly tags: Readonly<Record<string, string>>;
    /** Disabled and inverted: always unhealthy, whatever the alarm says (see DnsArgs.forceUnhealthy). Default: not set. */
    readonly forceUnhealthy?: boolean;
    /** Where the alarm notifies (it backs a check; its state also shows on the dashboards). */
    readonly actions: AlarmActionArgs;
}

/**
 * A Route 53 health check on a target group's health as its load balancer sees it (type CLOUDWATCH_METRIC): an
 * alarm on HealthyHostCount, Maximum (unhealthy only when no load balancer node has a healthy target), below 1 for
 * `failureThreshold` one-minute periods, missing data counting as unhealthy. Used for each region's own check and for
 * each service behind the API.
 */
export function healthyTargetsCheck(
    a: HealthyTargetsCheckArgs,
    parent: pulumi.Resource,
): { alarm: aws.cloudwatch.MetricAlarm; check: aws.route53.HealthCheck } {
    const p = { parent };
    // In the region of the load balancer, whose metrics it reads. Route 53 follows the alarm's metric data stream, not
    // its state, so `aws cloudwatch set-alarm-state` cannot rehearse a failover (Route 53 developer guide, "How Amazon
    // Route 53 determines whether a health check is healthy").
    const alarm = new aws.cloudwatch.MetricAlarm(
        a.alarmName,
        {
            alarmDescription: a.alarmDescription,
            namespace: "AWS/ApplicationELB",
            metricName: "HealthyHostCount",
            dimensions: { LoadBalancer: a.loadBalancerArnSuffix, TargetGroup: a.targetGroupArnSuffix },
            // The most any load balancer node sees: unhealthy only when no node has a healthy target.
            statistic: "Maximum",
            // ALB metrics are published every 60 s (ELB user guide, "CloudWatch metrics for your Application Load Balancer").
            period: 60,
            evaluationPeriods: a.failureThreshold,
            datapointsToAlarm: a.failureThreshold,
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            // No data means no healthy target is reporting: unhealthy, never "all clear".
            treatMissingData: "breaching",
            ...a.actions,
            tags: a.tags,
        },
        p,
    );
    const check = new aws.route53.HealthCheck(
        a.checkName,
        {
            type: "CLOUDWATCH_METRIC",
            cloudwatchAlarmName: alarm.name,
            cloudwatchAlarmRegion: a.region,
            // A new alarm has no state yet: no traffic until it has seen healthy targets.
            insufficientDataHealthStatus: "Unhealthy",
            // Route 53 copies the alarm's settings when the check is written and never again (Route 53 developer guide,
            // "Updating health checks when you change CloudWatch alarm settings"): a change to the alarm rewrites the check.
            triggers: { alarm: alarm.name, evaluationPeriods: String(a.failureThreshold) },
            // Forced unhealthy = disabled AND inverted. A disabled check is always healthy; inverting that is always
            // unhealthy, whatever the alarm says. Inverting alone would make a failing region healthy (Route 53 API
            // reference, HealthCheckConfig: Disabled, Inverted).
            ...(a.forceUnhealthy !== undefined ? { disabled: a.forceUnhealthy, invertHealthcheck: a.forceUnhealthy } : {}),
            tags: a.tags,
        },
        p,
    );
    return { alarm, check };
}

/**
 * This region's share of Route 53: its own health check, a CloudWatch alarm on that check, and its own record
 * on the origin hostname (failover or latency, an alias to the ALB with evaluateTargetHealth). Each region's
 * stack owns only its own records, so applying one stack never rewrites another region's.
 *
 * The ALB accepts only CloudFront, so Route 53's health checkers cannot probe it. The check follows a CloudWatch
 * alarm instead (type CLOUDWATCH_METRIC): the storefront target group's HealthyHostCount, as the load balancer
 * itself sees it, below 1 for `failureThreshold` one-minute periods (missing data, as with no registered target,
 * counts as unhealthy). That is the region's real health, with no
 * list of health-checker addresses to keep open or current.
 */
export class Dns extends pulumi.ComponentResource {
    /** The storefront's check (the API's and the sign-in domain's checks name it). */
    public readonly healthCheckId?: pulumi.Output<string>;
    /** The check the region's record follows (the storefront's, or the "serving" calculated check). */
    public readonly recordHealthCheckId?: pulumi.Output<string>;
    public readonly recordFqdn?: pulumi.Output<string>;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:dns:Dns", name, {}, opts);
        if (args.routing === "failover" && !args.failoverRole) {
            throw new pulumi.ResourceError(`Dns ${name}: failoverRole is required with failover routing`, this);
        }
        const p = { parent: this };
        const tags = { ...(args.tags ?? {}), Name: `${name}-${args.region}` };
        const aliases = (after: pulumi.Resource[]) => {
            if (!args.userAlias) return;
            for (const type of ["A", "AAAA"]) {
                new aws.route53.Record(
                    `${name}-alias-${type.toLowerCase()}`,
                    {
                        zoneId: args.zoneId,
                        name: args.userAlias.recordName,
                        type,
                        aliases: [{ name: args.userAlias.target.name, zoneId: args.userAlias.target.zoneId, evaluateTargetHealth: false }],
                    },
                    { parent: this, dependsOn: after },
                );
            }
        };
        if (!args.alb) {
            aliases([]);
            this.registerOutputs({});
            return;
        }
        const threshold = args.failureThreshold ?? 3;
        const healthCheck = args.routingControlArn
            ? new aws.route53.HealthCheck(`${name}-health`, { type: "RECOVERY_CONTROL", routingControlArn: args.routingControlArn, tags }, p)
            : healthyTargetsCheck(
                  {
                      region: args.region,
                      loadBalancerArnSuffix: args.alb.arnSuffix,
                      targetGroupArnSuffix: args.alb.targetGroupArnSuffix,
                      failureThreshold: threshold,
                      alarmDescription: `SecureCart ${args.region}: no healthy storefront target behind the ALB (drives the Route 53 health check)`,
                      alarmName: `${name}-targets-alarm`,
                      checkName: `${name}-health`,
                      tags,
                      forceUnhealthy: args.forceUnhealthy ?? false,
                      actions: args.alarmActions.own,
                  },
                  this,
              ).check;
        this.healthCheckId = healthCheck.id;
        // The record's own check: the storefront's, or the "serving" signals' calculated check.
        let recordCheck: aws.route53.HealthCheck = healthCheck;
        if (!args.routingControlArn && args.servingSignals?.length) {
            const children = args.servingSignals.map(
                (s) =>
                    new aws.route53.HealthCheck(
                        `${name}-serving-${s.name}`,
                        {
                            type: "CLOUDWATCH_METRIC",
                            cloudwatchAlarmName: s.alarmName,
                            cloudwatchAlarmRegion: args.region,
                            insufficientDataHealthStatus: s.insufficientData,
                            triggers: { alarm: s.alarmName, evaluationPeriods: String(s.evaluationPeriods) },
                            tags: { ...tags, Name: `${name}-serving-${s.name}` },
                        },
                        p,
                    ),
            );
            recordCheck = new aws.route53.HealthCheck(
                `${name}-serving`,
                {
                    type: "CALCULATED",
                    childHealthchecks: children.map((c) => c.id),
                    // Healthy only while every signal is: any one failing means the region does not serve.
                    childHealthThreshold: children.length,
                    ...(args.forceUnhealthy !== undefined ? { disabled: args.forceUnhealthy, invertHealthcheck: args.forceUnhealthy } : {}),
                    tags: { ...tags, Name: `${name}-serving` },
                },
                p,
            );
        }
        this.recordHealthCheckId = recordCheck.id;

        // Route 53 publishes HealthCheckStatus only in us-east-1, so the alarm must live there whatever the
        // stack's region (Route 53 developer guide, "Monitoring health checks using CloudWatch").
        new aws.cloudwatch.MetricAlarm(
            `${name}-health-alarm`,
            {
                region: "us-east-1",
                name: healthCheckAlarmName(args.region),
                alarmDescription: `SecureCart ${args.region}: Route 53 health check for ${args.recordName} is failing`,
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: recordCheck.id },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 1,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
                ...args.alarmActions.usEast1,
                tags,
            },
            p,
        );

        const record = new aws.route53.Record(
            `${name}-record`,
            {
                zoneId: args.zoneId,
                name: args.recordName,
                type: "A",
                setIdentifier: args.region,
                healthCheckId: recordCheck.id,
                aliases: [{ name: args.alb.dnsName, zoneId: args.alb.zoneId, evaluateTargetHealth: true }],
                ...(args.routing === "failover"
                    ? { failoverRoutingPolicies: [{ type: args.failoverRole as string }] }
                    : { latencyRoutingPolicies: [{ region: args.region }] }),
            },
            // A renamed record (the application's name before the edge, the origin name now) is deleted before
            // its replacement is created, so that the users' alias on the old name can follow it in the same update.
            { parent: this, deleteBeforeReplace: true },
        );
        this.recordFqdn = record.fqdn;
        aliases([record]);
        this.registerOutputs({ healthCheckId: this.healthCheckId, recordFqdn: this.recordFqdn });
    }
}
