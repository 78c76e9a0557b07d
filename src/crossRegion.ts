/**
 * The only resources allowed outside their stack's region, each with the reason. Everything else must be
 * created in the stack's region. Plain data, so the policy pack uses the same list as its default config
 * (policies/dr.ts) and the tests use it through `allowedOutsideStackRegion`.
 */
import { T, moduleOf } from "./plan";
import { ALARM_TOPIC_PREFIX } from "./alarms";

/** The prefix of a stack's alarm topics kept outside its region (alarmTopicPrefix), as a pattern. */
const OTHER_REGION_TOPICS = `${ALARM_TOPIC_PREFIX}-[a-z]{2}-[a-z]+-\\d`;

export interface CrossRegionException {
    /** A resource type token, or a prefix of one ending in "/" (a whole module). */
    readonly type: string;
    readonly region: string;
    /** Input values that must match for the exception to apply. Default: none. */
    readonly when?: Readonly<Record<string, string>>;
    /**
     * Inputs whose string value must match a regular expression (JavaScript syntax, given as its source text so the
     * list stays plain data for the policy config). An absent or unknown value does not match. Default: none.
     */
    readonly whenMatches?: Readonly<Record<string, string>>;
    readonly reason: string;
}

/** Where CloudFront's viewer certificates, CLOUDFRONT-scope web ACLs and the edge's logs live, whatever the home region. */
const EDGE_REGION = "us-east-1";

export const CROSS_REGION_EXCEPTIONS: readonly CrossRegionException[] = [
    {
        type: T.metricAlarm,
        region: "us-east-1",
        when: { namespace: "AWS/Route53" },
        reason: 'Route 53 publishes health-check metrics only in us-east-1 (Route 53 developer guide, "Monitoring health checks using CloudWatch")',
    },
    // The alarms a stack elsewhere keeps in us-east-1 (Route 53's health-check status above, the edge's metrics)
    // notify through topics of their own region: the CloudWatch API reference (PutMetricAlarm, AlarmActions) gives
    // the form arn:aws:sns:region:account-id:sns-topic-name and does not say an alarm may notify another region's
    // topic, so none does. Each such stack has its own pair, named after its region, and their key.
    {
        type: T.snsTopic,
        region: "us-east-1",
        whenMatches: { name: `^${OTHER_REGION_TOPICS}-(page|notify)$` },
        reason: "the alarm topics of a stack outside us-east-1 for its alarms that must live in us-east-1 (Route 53 health-check status, the edge's metrics): an alarm notifies topics of its own region",
    },
    {
        type: T.snsTopicPolicy,
        region: "us-east-1",
        whenMatches: { arn: `:${OTHER_REGION_TOPICS}-(page|notify)$` },
        reason: "the policy of such a topic (CloudWatch and EventBridge may publish to it), in the topic's region",
    },
    {
        type: T.snsTopicSubscription,
        region: "us-east-1",
        whenMatches: { topic: `:${OTHER_REGION_TOPICS}-(page|notify)$` },
        reason: "a subscription to such a topic, in the topic's region",
    },
    {
        type: T.kmsKey,
        region: "us-east-1",
        whenMatches: { description: `^SecureCart alarm topics \\(${OTHER_REGION_TOPICS}\\) in us-east-1$` },
        reason: "the key of such topics: a KMS key is regional, and the stack has no other key in us-east-1",
    },
    {
        type: T.kmsAlias,
        region: "us-east-1",
        whenMatches: { name: `^alias/${OTHER_REGION_TOPICS}$` },
        reason: "the alias of that key, in the key's region",
    },
    {
        type: moduleOf(T.arcCluster),
        region: "us-west-2",
        reason: "the ARC recovery-control configuration API is served from us-west-2 only",
    },
    // The edge, owned by the home stack. Each entry is what CloudFront or WAF can only use from us-east-1; when the
    // home region is us-east-1 none of them applies.
    {
        type: T.certificate,
        region: EDGE_REGION,
        reason: 'CloudFront takes viewer certificates from ACM in us-east-1 only (@pulumi/aws Distribution viewerCertificate.acmCertificateArn: "The ACM certificate must be in US-EAST-1"; CloudFront developer guide, "Requirements for using SSL/TLS certificates with CloudFront"). A regional load balancer cannot use a certificate from another region, so a certificate here from a stack elsewhere is the edge\'s, or the one of the sign-in domain: Cognito serves managed login on a custom domain through CloudFront and takes its certificate from us-east-1 as well.',
    },
    {
        type: T.certificateValidation,
        region: EDGE_REGION,
        reason: "waits for the us-east-1 edge certificate to be issued; it must call ACM in the certificate's region",
    },
    {
        type: T.webAcl,
        region: EDGE_REGION,
        when: { scope: "CLOUDFRONT" },
        reason: 'a web ACL for CloudFront has scope CLOUDFRONT and is managed in us-east-1 (@pulumi/aws wafv2.WebAcl scope: "To work with CloudFront, you must also specify the region us-east-1 (N. Virginia)"; the Distribution\'s webAclId: "The WAF Web ACL must exist in the WAF Global (CloudFront) region")',
    },
    {
        type: T.webAclLogging,
        region: EDGE_REGION,
        reason: "a web ACL's logging configuration is set in the ACL's region, and the CLOUDFRONT-scope ACL is in us-east-1 (its resourceArn is known only after the ACL exists, so no input can narrow this further at preview)",
    },
    {
        type: T.logGroup,
        region: EDGE_REGION,
        whenMatches: { name: "^aws-waf-logs-" },
        reason: 'AWS WAF logs only to a log group named aws-waf-logs-*, configured "in the same Region as the web ACL" (AWS WAF developer guide, "Amazon CloudWatch Logs", https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html); for the CLOUDFRONT-scope ACL that is us-east-1',
    },
    {
        type: T.logGroup,
        region: EDGE_REGION,
        when: { name: "/aws/vendedlogs/securecart/edge/cloudfront-access" },
        reason: 'the destination of CloudFront standard logging (v2), next to its delivery resources: "When calling the CloudWatch API to enable standard logging, you must specify the US East (N. Virginia) Region (us-east-1), even if you want to enable cross Region delivery to another destination" (CloudFront developer guide, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html). Cross-Region delivery into a log group is documented for S3 destinations only (unconfirmed for CloudWatch Logs), so the group stays in us-east-1',
    },
    {
        type: T.kmsKey,
        region: EDGE_REGION,
        whenMatches: { policy: '"Service":\\s*"logs\\.us-east-1\\.amazonaws\\.com"' },
        reason: "the key of the two us-east-1 edge log groups: a KMS key is regional, and its policy grants the log groups' region's CloudWatch Logs service principal (logs.us-east-1.amazonaws.com; CloudWatch Logs user guide, \"Encrypt log data in CloudWatch Logs using AWS KMS\"). That a log group cannot use a key of another region is not stated in the AWS text found (unconfirmed); the regional keys stay in their stacks' regions",
    },
    {
        type: T.logDeliverySource,
        region: EDGE_REGION,
        when: { logType: "ACCESS_LOGS" },
        reason: 'CloudFront access logs (logType ACCESS_LOGS) are set up only through us-east-1 (CloudFront developer guide, standard-logging.html, quoted above); elsewhere PutDeliverySource fails with "ValidationException: PutDeliverySource action is not supported for this LogType in region" (terraform-aws-modules/terraform-aws-cloudfront#197)',
    },
    {
        type: T.logDeliveryDestination,
        region: EDGE_REGION,
        reason: "the CloudFront access-log delivery's destination: the Logs delivery API calls for CloudFront are made in us-east-1 (CloudFront developer guide, standard-logging.html)",
    },
    {
        type: T.metricAlarm,
        region: EDGE_REGION,
        when: { namespace: "AWS/CloudFront" },
        reason: 'CloudFront publishes its metrics in us-east-1 only ("Region=Global"), and an alarm watches metrics of its own region (CloudFront developer guide, "Monitoring CloudFront metrics with Amazon CloudWatch")',
    },
    {
        type: T.metricAlarm,
        region: EDGE_REGION,
        when: { namespace: "AWS/WAFV2" },
        reason: 'the metrics of the CLOUDFRONT-scope web ACL are published in us-east-1, the ACL\'s region (AWS WAF developer guide, "AWS WAF metrics and dimensions")',
    },
    {
        type: T.logDelivery,
        region: EDGE_REGION,
        reason: "joins the us-east-1 CloudFront delivery source to its destination; the Logs delivery API calls for CloudFront are made in us-east-1 (CloudFront developer guide, standard-logging.html)",
    },
];

/** Whether `e` covers a resource of `type` in `region` whose property values `get` reads. */
export function exceptionApplies(e: CrossRegionException, type: string, region: string, get: (key: string) => unknown): boolean {
    return (
        type.startsWith(e.type) &&
        e.region === region &&
        Object.entries(e.when ?? {}).every(([k, v]) => get(k) === v) &&
        Object.entries(e.whenMatches ?? {}).every(([k, re]) => {
            const v = get(k);
            return typeof v === "string" && new RegExp(re).test(v);
        })
    );
}

/** Whether a resource of `type` with `inputs` may live in `region` although the stack is elsewhere. */
export function allowedOutsideStackRegion(
    type: string,
    region: string,
    inputs: Readonly<Record<string, unknown>>,
    exceptions: readonly CrossRegionException[] = CROSS_REGION_EXCEPTIONS,
): boolean {
    return exceptions.some((e) => exceptionApplies(e, type, region, (k) => inputs[k]));
}
