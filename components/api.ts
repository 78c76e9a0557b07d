import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KEEPALIVE_ROUTE, routeNames, type RoutePlan } from "../src/apiRoutes";
import type { BundleDir } from "../src/functionBundles";
import type { KeptLogGroup } from "./keptLogGroups";
import { keepAliveFunctionName } from "../src/plan";
import { DnsValidatedCertificate } from "./certificate";
import { healthyTargetsCheck, type AlarmActionArgs } from "./dns";
import { ScheduledFunction } from "./scheduledFunction";

export { KEEPALIVE_ROUTE };

export interface ApiArgs {
    /** This stack's region (names, the record's set identifier and its latency region). Required. */
    readonly region: string;
    /** The API's custom domain, the same in every region (e.g. api.shop.example.com). Required. */
    readonly domainName: string;
    /** Public hosted zone of the domain's record and its certificate's validation record. Required. */
    readonly zoneId: string;
    /** Subnets of the VPC link's network interfaces (the app subnets). Required, at least 2. */
    readonly vpcLinkSubnetIds: pulumi.Input<string>[];
    /** The VPC link's security group (out to the services' load balancer only). Required. */
    readonly vpcLinkSecurityGroupId: pulumi.Input<string>;
    /** The services' internal load balancer: its HTTPS listener and the name its certificate carries. Required. */
    readonly loadBalancer: {
        readonly listenerArn: pulumi.Input<string>;
        readonly certificateName: string;
        readonly arnSuffix: pulumi.Input<string>;
    };
    /** The routes (src/apiRoutes.ts); the keep-alive route is added here. Required, at least one. */
    readonly routes: readonly RoutePlan[];
    /** The Cognito JWT authorizer: the user pool's token issuer and the storefront client's id (the audience). Required. */
    readonly jwt: { readonly issuer: pulumi.Input<string>; readonly audience: pulumi.Input<string> };
    /** The default route's steady-state rate (requests per second) and burst. Required. */
    readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
    /** The access logs' and the probe's log groups (keptLogGroups.ts: they outlive the API). Required. */
    readonly logGroups: { readonly access: KeptLogGroup; readonly keepAlive: KeptLogGroup };
    /**
     * Route 53: failover (PRIMARY/SECONDARY, the region's type) or latency routing, as the origin records; the
     * region's own health check (the drills' forced state and ARC's routing control act through it); and, per
     * service, its target group's CloudWatch dimension: the API is healthy only when the region is and every
     * service has a healthy task. Required.
     */
    readonly dns: {
        readonly routing: "failover" | "latency";
        readonly failoverRole?: "PRIMARY" | "SECONDARY";
        readonly regionHealthCheckId: pulumi.Input<string>;
        readonly targetGroupArnSuffixes: Readonly<Record<string, pulumi.Input<string>>>;
        /** Consecutive one-minute periods with no healthy task before a service counts as down. Default 3. */
        readonly failureThreshold?: number;
    };
    /**
     * A daily request through the API and its VPC link where the region takes no traffic (API Gateway makes a link
     * idle for 60 days INACTIVE). Undefined: no probe. Its function fails its asynchronous invocations into
     * `failureQueueArn` (encrypted under `dataKeyArn`).
     */
    readonly keepAlive?: { readonly bundle: BundleDir; readonly failureQueueArn: pulumi.Input<string>; readonly dataKeyArn: pulumi.Input<string> };
    /** Where the API's alarms notify (the services' target alarms, the keep-alive probe's errors). */
    readonly alarmActions: AlarmActionArgs;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's API in front of the Fargate services: an API Gateway HTTP API.
 *
 * - HTTP, not REST: it has the JWT authorizer Cognito's tokens need, private integrations to an ALB over a VPC
 *   link, and costs about a third of a REST API per request. It cannot carry AWS WAF, but it needs none: users
 *   reach it through CloudFront's `/api/*` behaviour, whose WAF sees every request, and the services accept only
 *   requests bearing the edge's secret header, which the API passes on unchanged.
 * - The default `execute-api` endpoint is off: the API answers only on its custom domain.
 * - The private integration goes to the services' internal ALB (not Cloud Map): the ALB already owns path routing,
 *   health checks and target groups for ECS, so the services stay registered one way only.
 * - One `$default` stage, auto-deployed, with the configured throttling and JSON access logs under the logs key.
 * - Route 53: this region's record on the API's domain, failover or latency like the origin records, with a
 *   calculated health check: the region's own check and one CloudWatch-metric check per service.
 */
export class Api extends pulumi.ComponentResource {
    public readonly apiId: pulumi.Output<string>;
    public readonly apiEndpoint: pulumi.Output<string>;
    /** The regional domain name the custom domain's record aliases. */
    public readonly targetDomainName: pulumi.Output<string>;
    public readonly healthCheckId: pulumi.Output<string>;

    constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:api:Api", name, {}, opts);
        const problems: string[] = [];
        if (args.routes.length === 0) problems.push("routes is empty");
        const names = routeNames([...args.routes.map((x) => x.routeKey), KEEPALIVE_ROUTE]);
        if (names.size !== args.routes.length + 1) problems.push("a route key is given twice (or is the keep-alive route's)");
        if (args.dns.routing === "failover" && !args.dns.failoverRole) problems.push("dns.failoverRole is required with failover routing");
        if (Object.keys(args.dns.targetGroupArnSuffixes).length === 0) problems.push("dns.targetGroupArnSuffixes is empty");
        if (problems.length) throw new pulumi.ResourceError(`Api ${name}: ${problems.join("; ")}`, this);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });

        const logs = args.logGroups.access;
        const api = new aws.apigatewayv2.Api(
            `${name}-http`,
            {
                name: `securecart-api-${args.region}`,
                protocolType: "HTTP",
                description: "SecureCart services, behind CloudFront's /api/* behaviour",
                disableExecuteApiEndpoint: true,
                tags: tags(`${name}-http`),
            },
            p,
        );
        const link = new aws.apigatewayv2.VpcLink(
            `${name}-link`,
            {
                name: `securecart-api-${args.region}`,
                subnetIds: args.vpcLinkSubnetIds,
                securityGroupIds: [args.vpcLinkSecurityGroupId],
                tags: tags(`${name}-link`),
            },
            p,
        );
        const integration = new aws.apigatewayv2.Integration(
            `${name}-services`,
            {
                apiId: api.id,
                integrationType: "HTTP_PROXY",
                integrationMethod: "ANY",
                connectionType: "VPC_LINK",
                connectionId: link.id,
                integrationUri: args.loadBalancer.listenerArn,
                payloadFormatVersion: "1.0",
                // HTTPS to the load balancer, its certificate checked against this name (also sent as SNI).
                tlsConfig: { serverNameToVerify: args.loadBalancer.certificateName },
                timeoutMilliseconds: 29_000,
            },
            p,
        );
        const authorizer = new aws.apigatewayv2.Authorizer(
            `${name}-cognito`,
            {
                apiId: api.id,
                name: "cognito",
                authorizerType: "JWT",
                identitySources: ["$request.header.Authorization"],
                jwtConfiguration: { issuer: args.jwt.issuer, audiences: [args.jwt.audience] },
            },
            p,
        );
        const routes = [...args.routes, { routeKey: KEEPALIVE_ROUTE, authorized: false }].map(
            (r) =>
                new aws.apigatewayv2.Route(
                    `${name}-route-${names.get(r.routeKey)}`,
                    {
                        apiId: api.id,
                        routeKey: r.routeKey,
                        target: pulumi.interpolate`integrations/${integration.id}`,
                        ...(r.authorized ? { authorizationType: "JWT", authorizerId: authorizer.id } : { authorizationType: "NONE" }),
                    },
                    p,
                ),
        );
        const stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            {
                apiId: api.id,
                name: "$default",
                autoDeploy: true,
                defaultRouteSettings: {
                    throttlingRateLimit: args.throttling.rateLimit,
                    throttlingBurstLimit: args.throttling.burstLimit,
                    detailedMetricsEnabled: true,
                },
                accessLogSettings: {
                    destinationArn: logs.arn,
                    format: JSON.stringify({
                        requestId: "$context.requestId",
                        ip: "$context.identity.sourceIp",
                        requestTime: "$context.requestTime",
                        routeKey: "$context.routeKey",
                        status: "$context.status",
                        protocol: "$context.protocol",
                        responseLength: "$context.responseLength",
                        latency: "$context.responseLatency",
                        integrationStatus: "$context.integration.status",
                        integrationError: "$context.integrationErrorMessage",
                        authorizerError: "$context.authorizer.error",
                    }),
                },
                tags: tags(`${name}-stage`),
            },
            { parent: this, dependsOn: routes },
        );

        // --- custom domain and its record ----------------------------------------------------------------------
        const cert = new DnsValidatedCertificate(`${name}-cert`, { names: [args.domainName], zoneId: args.zoneId, tags: args.tags }, p);
        const domain = new aws.apigatewayv2.DomainName(
            `${name}-domain`,
            {
                domainName: args.domainName,
                domainNameConfiguration: { certificateArn: cert.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
                tags: tags(`${name}-domain`),
            },
            p,
        );
        // No mapping key: the API's routes carry the whole path (/api/...), as CloudFront forwards it.
        // The stage by its output, so the mapping waits for it (CreateApiMapping refuses a stage that does not exist yet).
        new aws.apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: api.id, domainName: domain.id, stage: stage.name }, p);
        this.targetDomainName = domain.domainNameConfiguration.targetDomainName;

        const threshold = args.dns.failureThreshold ?? 3;
        const serviceChecks = Object.entries(args.dns.targetGroupArnSuffixes).map(
            ([service, tg]) =>
                healthyTargetsCheck(
                    {
                        region: args.region,
                        loadBalancerArnSuffix: args.loadBalancer.arnSuffix,
                        targetGroupArnSuffix: tg,
                        failureThreshold: threshold,
                        alarmDescription: `SecureCart ${args.region}: no healthy ${service} task behind the services' load balancer (drives the API's Route 53 health check)`,
                        alarmName: `${name}-${service}-alarm`,
                        checkName: `${name}-${service}-health`,
                        tags: tags(`${name}-${service}-health`),
                        actions: args.alarmActions,
                    },
                    this,
                ).check,
        );
        const children = [args.dns.regionHealthCheckId, ...serviceChecks.map((c) => c.id)];
        const health = new aws.route53.HealthCheck(
            `${name}-health`,
            {
                type: "CALCULATED",
                childHealthchecks: children,
                // Healthy only when every child is: the region serves, and every service has a healthy task.
                childHealthThreshold: children.length,
                tags: tags(`${name}-health`),
            },
            p,
        );
        this.healthCheckId = health.id;
        new aws.route53.Record(
            `${name}-record`,
            {
                zoneId: args.zoneId,
                name: args.domainName,
                type: "A",
                setIdentifier: args.region,
                healthCheckId: health.id,
                aliases: [
                    {
                        name: domain.domainNameConfiguration.targetDomainName,
                        zoneId: domain.domainNameConfiguration.hostedZoneId,
                        evaluateTargetHealth: false,
                    },
                ],
                ...(args.dns.routing === "failover"
                    ? { failoverRoutingPolicies: [{ type: args.dns.failoverRole as string }] }
                    : { latencyRoutingPolicies: [{ region: args.region }] }),
            },
            p,
        );

        // --- keep-alive probe ------------------------------------------------------------------------------------
        if (args.keepAlive) this.keepAlive(name, keepAliveFunctionName(args.region), args.logGroups.keepAlive, args, args.keepAlive);

        this.apiId = api.id;
        this.apiEndpoint = api.apiEndpoint;
        this.registerOutputs({ apiId: this.apiId, targetDomainName: this.targetDomainName, healthCheckId: this.healthCheckId });
    }

    /**
     * A function run once a day that calls this region's API (its regional domain name, with the custom domain as SNI
     * and Host) on the keep-alive route: the request crosses the VPC link to the load balancer, which answers 404. The
     * function fails unless the answer came from the load balancer, so its Errors alarm says when the link is down.
     */
    private keepAlive(name: string, fnName: string, logs: KeptLogGroup, args: ApiArgs, k: NonNullable<ApiArgs["keepAlive"]>): void {
        new ScheduledFunction(
            `${name}-keepalive`,
            {
                functionName: fnName,
                description: "Once a day, a request through the API's VPC link (a link idle for 60 days goes INACTIVE)",
                scheduleExpression: "rate(1 day)",
                bundle: k.bundle,
                logGroup: logs,
                environment: {
                    API_TARGET_HOST: this.targetDomainName,
                    API_DOMAIN: args.domainName,
                    PROBE_PATH: KEEPALIVE_ROUTE.slice(KEEPALIVE_ROUTE.indexOf(" ") + 1),
                },
                failureQueueArn: k.failureQueueArn,
                dataKeyArn: k.dataKeyArn,
                alarmDescription: `SecureCart ${args.region}: the API keep-alive probe failed: the VPC link may be INACTIVE (see the runbook)`,
                alarmActions: args.alarmActions,
                tags: args.tags,
            },
            { parent: this },
        );
    }
}
