import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministers } from "./keys";
import { MANAGED_RULE_GROUPS, type ManagedRuleGroup } from "../src/awsFacts";
import { API_BASE_PATH } from "../src/config";
import { DnsValidatedCertificate } from "./certificate";

/** The web ACL's metric name: the WebACL dimension of its AWS WAF metrics (the edge alarms watch it). */
export const EDGE_ACL_METRIC = "securecart-edge";

/** CloudFront's control plane, its certificates, CLOUDFRONT-scope web ACLs and their logs live here (CloudFront developer guide). */
export const EDGE_REGION = "us-east-1";
/** The header CloudFront adds to every dynamic request; the ALB forwards only requests that carry its secret value. */
export const ORIGIN_VERIFY_HEADER = "X-Origin-Verify";
/** AWS managed policies (CloudFront developer guide, "Use managed cache policies" / "Use managed origin request policies"). */
export const MANAGED_POLICY = {
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /** Every viewer header, cookie and query string except Host: the ALB sees the origin name it has a certificate for. */
    allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;
/**
 * The status codes an origin group fails over on: all that the CloudFront developer guide documents ("Optimize
 * high availability with CloudFront origin failover": 403, 404, 500, 502, 503, 504). 403 and 404 matter here:
 * an object not replicated yet is missing in one bucket (S3 answers 403 through OAC) but present in the other.
 */
export const ORIGIN_FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504] as const;

export type WafAction = "block" | "count";

export interface EdgeArgs {
    /** Id of the public hosted zone that holds the certificate's validation record. Required. */
    readonly zoneId: string;
    /** The name users browse to (the distribution's alias, its certificate's name). Required. */
    readonly recordName: string;
    /** The origin hostname Route 53 resolves to the serving region's ALB. Required. */
    readonly originName: string;
    /**
     * The API's custom domain (Route 53 resolves it to the serving region's API Gateway): the `/api/*` behaviour's
     * origin. Undefined: no `/api/*` behaviour (the default behaviour takes those paths). Default undefined.
     */
    readonly apiOriginName?: string;
    /** Secret value of the origin-verify header, shared with every region's ALB. Required. */
    readonly originSecret: pulumi.Input<string>;
    /**
     * The asset buckets of the static behaviour, in failover order: the first is the origin group's primary,
     * the second its failover (more are ignored: an origin group has two members). Required, at least one.
     */
    readonly assetOrigins: readonly { readonly region: string; readonly regionalDomainName: pulumi.Input<string> }[];
    /** Path pattern of the static behaviour. Default /assets/*. */
    readonly assetsPathPattern?: string;
    /** CloudFront price class. Default PriceClass_100. */
    readonly priceClass?: string;
    /** Days the access and WAF logs are kept. Default 90. */
    readonly logRetentionDays?: number;
    /** Requests per IP per window before the rate rule acts. Default 2000. */
    readonly rateLimit?: number;
    /** The rate rule's window in seconds. Default 300. */
    readonly rateWindowSeconds?: number;
    /** The rate rule's action. Default block. */
    readonly rateAction?: WafAction;
    /** Each managed rule group's action. Default block for all. */
    readonly ruleGroupActions?: Readonly<Partial<Record<ManagedRuleGroup, WafAction>>>;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The global edge, owned by one stack (the home stack): the CloudFront distribution on the application's name,
 * its us-east-1 certificate, the CLOUDFRONT-scope web ACL, Origin Access Control for the asset buckets, and
 * the access and WAF logs in us-east-1 under a key of their own there. The alias records users resolve to it
 * are written by the region's DNS component, after the records they replace.
 *
 * Nothing here depends on which region serves: dynamic requests go to the origin hostname, whose Route 53
 * records (each region's own stack) pick the region; static requests go to an origin group of two regions'
 * buckets with fixed order. A switchover, a failback or an unplanned failover therefore never edits the edge,
 * whose control plane is in us-east-1.
 */
export class Edge extends pulumi.ComponentResource {
    public readonly distributionArn: pulumi.Output<string>;
    public readonly distributionId: pulumi.Output<string>;
    public readonly distributionDomainName: pulumi.Output<string>;
    /** For alias records (the users' names are the region's DNS component's: see components/dns.ts). */
    public readonly distributionHostedZoneId: pulumi.Output<string>;
    public readonly webAclArn: pulumi.Output<string>;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:edge:Edge", name, {}, opts);
        if (args.assetOrigins.length === 0) throw new pulumi.ResourceError(`Edge ${name}: assetOrigins is empty; expected at least one bucket`, this);
        const p = { parent: this };
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const at = EDGE_REGION;
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const retention = args.logRetentionDays ?? 90;

        // --- logs: a key of the edge's own in us-east-1 (the regional logs keys live in their stacks' regions) ----
        const logsKey = new aws.kms.Key(
            `${name}-logs`,
            {
                region: at,
                description: "SecureCart edge logs key (CloudFront access and WAF logs, us-east-1)",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        accountAdministers(account),
                        {
                            // CloudFront's access logs are delivered by the vended-logs service into the encrypted group.
                            // AWS documents no key grant for it (CloudWatch Logs encrypts on ingest); granted narrowly
                            // because the encrypted destination is not verified here (see the README).
                            Sid: "LogDeliveryUse",
                            Effect: "Allow",
                            Principal: { Service: "delivery.logs.amazonaws.com" },
                            Action: "kms:GenerateDataKey*",
                            Resource: "*",
                            Condition: { StringEquals: { "aws:SourceAccount": account } },
                        },
                        {
                            Sid: "CloudWatchLogsUse",
                            Effect: "Allow",
                            Principal: { Service: `logs.${at}.amazonaws.com` },
                            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                            Resource: "*",
                            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${at}:${account}:*` } },
                        },
                    ],
                }),
                tags: tags(`${name}-logs`),
            },
            keep,
        );
        // AWS WAF delivers only to log groups named aws-waf-logs-* (AWS WAF developer guide, "CloudWatch Logs").
        const wafLogs = new aws.cloudwatch.LogGroup(
            `${name}-waf-logs`,
            { region: at, name: "aws-waf-logs-securecart-edge", retentionInDays: retention, kmsKeyId: logsKey.arn, tags: tags(`${name}-waf-logs`) },
            keep,
        );
        const accessLogs = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            {
                region: at,
                name: "/aws/vendedlogs/securecart/edge/cloudfront-access",
                retentionInDays: retention,
                kmsKeyId: logsKey.arn,
                tags: tags(`${name}-access-logs`),
            },
            keep,
        );

        // --- certificate (CloudFront takes certificates from us-east-1 only) -----------------------------------------
        const cert = new DnsValidatedCertificate(`${name}-cert`, { names: [args.recordName], zoneId: args.zoneId, region: at, tags: args.tags }, p);

        // --- web ACL -------------------------------------------------------------------------------------------------
        const visibility = (metric: string) => ({ cloudwatchMetricsEnabled: true, metricName: metric, sampledRequestsEnabled: true });
        const groupAction = (g: ManagedRuleGroup) => args.ruleGroupActions?.[g] ?? "block";
        const groups = (Object.keys(MANAGED_RULE_GROUPS) as ManagedRuleGroup[]).map((g, i) => ({
            name: MANAGED_RULE_GROUPS[g],
            priority: i,
            // "none" keeps the group's own actions (block on a match); "count" only counts, to tune before blocking.
            overrideAction: groupAction(g) === "count" ? { count: {} } : { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: MANAGED_RULE_GROUPS[g] } },
            visibilityConfig: visibility(MANAGED_RULE_GROUPS[g]),
        }));
        const rateAction = args.rateAction ?? "block";
        const acl = new aws.wafv2.WebAcl(
            `${name}-waf`,
            {
                region: at,
                name: "securecart-edge",
                description: "SecureCart edge: AWS managed rule groups and a per-IP rate limit",
                scope: "CLOUDFRONT",
                defaultAction: { allow: {} },
                rules: [
                    ...groups,
                    {
                        name: "rate-limit-per-ip",
                        priority: groups.length,
                        action: rateAction === "count" ? { count: {} } : { block: {} },
                        statement: {
                            rateBasedStatement: {
                                limit: args.rateLimit ?? 2000,
                                evaluationWindowSec: args.rateWindowSeconds ?? 300,
                                aggregateKeyType: "IP",
                            },
                        },
                        visibilityConfig: visibility("rate-limit-per-ip"),
                    },
                ],
                visibilityConfig: visibility(EDGE_ACL_METRIC),
                tags: tags(`${name}-waf`),
            },
            // Protected: a new web ACL (name and scope force one) would leave the distribution without its rules.
            { parent: this, protect: true },
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-waf-logging`,
            { region: at, resourceArn: acl.arn, logDestinationConfigs: [wafLogs.arn] },
            p,
        );
        this.webAclArn = acl.arn;

        // --- distribution --------------------------------------------------------------------------------------------
        // The API's cache policy: nothing kept (no default TTL; an answer may ask for at most a second), but the
        // Authorization header in the key. CloudFront passes Authorization on GET and HEAD only when the cache policy
        // names it, and an origin request policy cannot (CloudFront developer guide, "Control origin requests with a
        // policy"); without it a signed-in GET would reach the API without its token.
        const apiCache = args.apiOriginName
            ? new aws.cloudfront.CachePolicy(
                  `${name}-api-cache`,
                  {
                      name: `${name}-api-no-store`,
                      comment: "SecureCart API: nothing cached; Authorization forwarded",
                      minTtl: 0,
                      defaultTtl: 0,
                      maxTtl: 1,
                      parametersInCacheKeyAndForwardedToOrigin: {
                          headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization"] } },
                          cookiesConfig: { cookieBehavior: "none" },
                          queryStringsConfig: { queryStringBehavior: "all" },
                          enableAcceptEncodingGzip: true,
                          enableAcceptEncodingBrotli: true,
                      },
                  },
                  p,
              )
            : undefined;
        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                name: "securecart-assets",
                description: "SecureCart asset buckets: CloudFront signs every request (SigV4)",
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            p,
        );
        // A dynamic origin: HTTPS only with TLS 1.2, the secret header, three attempts of 10 s.
        const dynamicOrigin = (originId: string, domainName: string) => ({
            originId,
            domainName,
            customOriginConfig: {
                httpPort: 80,
                httpsPort: 443,
                originProtocolPolicy: "https-only",
                originSslProtocols: ["TLSv1.2"],
                originReadTimeout: 30,
                originKeepaliveTimeout: 5,
            },
            customHeaders: [{ name: ORIGIN_VERIFY_HEADER, value: args.originSecret }],
            connectionAttempts: 3,
            connectionTimeout: 10,
        });
        const assets = args.assetOrigins.slice(0, 2);
        const assetOriginId = (region: string) => `assets-${region}`;
        const staticTarget = assets.length === 2 ? "assets" : assetOriginId(assets[0].region);
        const distribution = new aws.cloudfront.Distribution(
            `${name}-cdn`,
            {
                comment: `SecureCart ${args.recordName}`,
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: args.priceClass ?? "PriceClass_100",
                aliases: [args.recordName],
                webAclId: acl.arn,
                origins: [
                    dynamicOrigin("app", args.originName),
                    // The API: the same secret header, passed on by API Gateway to the services' load balancer, whose
                    // rules require it, so the API's own domain called directly (past this WAF) reaches no service.
                    ...(args.apiOriginName ? [dynamicOrigin("api", args.apiOriginName)] : []),
                    ...assets.map((a) => ({
                        originId: assetOriginId(a.region),
                        domainName: a.regionalDomainName,
                        originAccessControlId: oac.id,
                        connectionAttempts: 3,
                        connectionTimeout: 10,
                    })),
                ],
                originGroups:
                    assets.length === 2
                        ? [
                              {
                                  originId: "assets",
                                  failoverCriteria: { statusCodes: [...ORIGIN_FAILOVER_STATUS_CODES] },
                                  members: assets.map((a) => ({ originId: assetOriginId(a.region) })),
                              },
                          ]
                        : [],
                // Dynamic: every method, nothing cached, the viewer's headers, cookies and query strings forwarded.
                // An origin group fails over only for GET, HEAD and OPTIONS, so the region is picked by DNS instead.
                defaultCacheBehavior: {
                    targetOriginId: "app",
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                    cachedMethods: ["GET", "HEAD"],
                    cachePolicyId: MANAGED_POLICY.cachingDisabled,
                    originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
                    compress: true,
                },
                orderedCacheBehaviors: [
                    // The API: like the default behaviour (nothing cached, every method), to the API's domain; the
                    // viewer's Authorization header goes with it, the JWT authorizer's token source.
                    ...(args.apiOriginName
                        ? [
                              {
                                  pathPattern: `${API_BASE_PATH}/*`,
                                  targetOriginId: "api",
                                  viewerProtocolPolicy: "redirect-to-https",
                                  allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                                  cachedMethods: ["GET", "HEAD"],
                                  cachePolicyId: apiCache!.id,
                                  originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
                                  compress: true,
                              },
                          ]
                        : []),
                    {
                        pathPattern: args.assetsPathPattern ?? "/assets/*",
                        targetOriginId: staticTarget,
                        viewerProtocolPolicy: "redirect-to-https",
                        allowedMethods: ["GET", "HEAD", "OPTIONS"],
                        cachedMethods: ["GET", "HEAD"],
                        cachePolicyId: MANAGED_POLICY.cachingOptimized,
                        compress: true,
                    },
                ],
                viewerCertificate: {
                    acmCertificateArn: cert.certificateArn,
                    sslSupportMethod: "sni-only",
                    minimumProtocolVersion: "TLSv1.2_2021",
                },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                // Nothing in this stack needs the edge locations to have the configuration before it goes on, and the
                // region's data key policy names this distribution: waiting (minutes) would hold the data tier back.
                waitForDeployment: false,
                tags: tags(`${name}-cdn`),
            },
            // Its domain name is what users' DNS answers with: protected, like the other stateful resources.
            { parent: this, protect: true },
        );
        this.distributionArn = distribution.arn;
        this.distributionId = distribution.id;
        this.distributionDomainName = distribution.domainName;
        this.distributionHostedZoneId = distribution.hostedZoneId;

        // Standard logging (v2) into the encrypted log group; legacy logging would need an ACL-enabled bucket.
        const source = new aws.cloudwatch.LogDeliverySource(
            `${name}-access-source`,
            {
                region: at,
                name: "securecart-edge-cloudfront",
                logType: "ACCESS_LOGS",
                resourceArn: distribution.arn,
                tags: tags(`${name}-access-source`),
            },
            p,
        );
        const destination = new aws.cloudwatch.LogDeliveryDestination(
            `${name}-access-destination`,
            {
                region: at,
                name: "securecart-edge-cloudfront",
                // Set explicitly: a format AWS fills in later would plan a replacement (it forces one in the provider).
                outputFormat: "json",
                deliveryDestinationConfiguration: { destinationResourceArn: accessLogs.arn },
                tags: tags(`${name}-access-destination`),
            },
            p,
        );
        new aws.cloudwatch.LogDelivery(
            `${name}-access-delivery`,
            { region: at, deliverySourceName: source.name, deliveryDestinationArn: destination.arn, tags: tags(`${name}-access-delivery`) },
            p,
        );

        this.registerOutputs({
            distributionArn: this.distributionArn,
            distributionId: this.distributionId,
            distributionDomainName: this.distributionDomainName,
            webAclArn: this.webAclArn,
        });
    }
}
