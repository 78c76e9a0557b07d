import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsArgs {
    /** Id of the existing public hosted zone that holds the application's record. */
    readonly zoneId: string;
    /** The application's record name, e.g. shop.example.com. */
    readonly recordName: string;
    /** This stack's region: the record's set identifier and, for latency routing, its region. */
    readonly region: string;
    /** Health path the ALB serves. */
    readonly healthPath: string;
    /** Health-check request interval, 10 (fast) or 30 seconds. Default 10. */
    readonly healthCheckInterval?: number;
    /** Consecutive failures before unhealthy, 1-10. Default 3. */
    readonly failureThreshold?: number;
    /** This region's ALB. When undefined (no compute here), no health check and no record are created. */
    readonly alb?: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
    /** failover (PRIMARY/SECONDARY) or latency (active-active). */
    readonly routing: "failover" | "latency";
    /** For failover routing: this region's record type. Required when routing is failover. */
    readonly failoverRole?: "PRIMARY" | "SECONDARY";
    /**
     * Force this region's HTTPS health check unhealthy (disabled and inverted): the outage drill, the fence on
     * an old primary after an unplanned failover, or a standby holding the PRIMARY record. Default false.
     */
    readonly forceUnhealthy?: boolean;
    /**
     * ARC routing control ARN for this region. When set, the record's health check is of type
     * RECOVERY_CONTROL on that routing control instead of an HTTPS check, and `forceUnhealthy` is not applied:
     * with ARC, which region takes traffic is the routing controls' On/Off state, set through the ARC data
     * plane by operators. Default undefined (DNS health checks).
     */
    readonly routingControlArn?: pulumi.Input<string>;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * This region's share of Route 53: its own health check on its own ALB, a CloudWatch alarm on that check,
 * and its own record (failover or latency, an alias to the ALB with evaluateTargetHealth). Each region's
 * stack owns only its own records, so applying one stack never rewrites another region's.
 */
export class Dns extends pulumi.ComponentResource {
    public readonly healthCheckId?: pulumi.Output<string>;
    public readonly recordFqdn?: pulumi.Output<string>;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:dns:Dns", name, {}, opts);
        if (args.routing === "failover" && !args.failoverRole) {
            throw new pulumi.ResourceError(`Dns ${name}: failoverRole is required with failover routing`, this);
        }
        const p = { parent: this };
        const tags = { ...(args.tags ?? {}), Name: `${name}-${args.region}` };
        if (!args.alb) {
            this.registerOutputs({});
            return;
        }
        const interval = args.healthCheckInterval ?? 10;
        const threshold = args.failureThreshold ?? 3;
        const healthCheck = args.routingControlArn
            ? new aws.route53.HealthCheck(
                  `${name}-health`,
                  {
                      type: "RECOVERY_CONTROL",
                      routingControlArn: args.routingControlArn,
                      tags,
                  },
                  p,
              )
            : new aws.route53.HealthCheck(
                  `${name}-health`,
                  {
                      type: "HTTPS",
                      fqdn: args.alb.dnsName,
                      port: 443,
                      resourcePath: args.healthPath,
                      enableSni: true,
                      requestInterval: interval,
                      failureThreshold: threshold,
                      // Forced unhealthy = disabled AND inverted. A disabled check is always healthy; inverting that is
                      // always unhealthy, whatever the endpoint answers. Inverting alone would make a failing endpoint
                      // healthy (Route 53 API reference, HealthCheckConfig: Disabled, Inverted).
                      disabled: args.forceUnhealthy ?? false,
                      invertHealthcheck: args.forceUnhealthy ?? false,
                      tags,
                  },
                  p,
              );
        this.healthCheckId = healthCheck.id;

        // Route 53 publishes HealthCheckStatus only in us-east-1, so the alarm must live there whatever the
        // stack's region (Route 53 developer guide, "Monitoring health checks using CloudWatch").
        new aws.cloudwatch.MetricAlarm(
            `${name}-health-alarm`,
            {
                region: "us-east-1",
                alarmDescription: `SecureCart ${args.region}: Route 53 health check for ${args.recordName} is failing`,
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: healthCheck.id },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 1,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
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
                healthCheckId: healthCheck.id,
                aliases: [{ name: args.alb.dnsName, zoneId: args.alb.zoneId, evaluateTargetHealth: true }],
                ...(args.routing === "failover"
                    ? { failoverRoutingPolicies: [{ type: args.failoverRole as string }] }
                    : { latencyRoutingPolicies: [{ region: args.region }] }),
            },
            p,
        );
        this.recordFqdn = record.fqdn;
        this.registerOutputs({ healthCheckId: this.healthCheckId, recordFqdn: this.recordFqdn });
    }
}
