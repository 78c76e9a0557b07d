/**
 * Edge policies: the CloudFront distribution (viewer TLS, HTTPS to origins, logging, WAF, Origin Access
 * Control), the CLOUDFRONT web ACL (managed rule groups, rate limit, encrypted logs), the asset buckets
 * (private, versioned, encrypted, logged, replicated to every other region), server access logs for every
 * bucket, and the ALB that only CloudFront may reach.
 */
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as wafv2 from "@pulumi/aws/wafv2";
import { validateResourceOfType } from "@pulumi/policy";
import { OPEN_CIDRS, ResourcePolicy, StackPolicy, configOf } from "./lib";
import {
    PlanResource,
    T,
    UNKNOWN,
    arr,
    assetBucketsOf,
    bucketEncryptionOf,
    bucketLoggingsOf,
    bucketVersioningOf,
    bucketPoliciesOf,
    dependsOn,
    get,
    ingressSourcesOf,
    isApplicationLoadBalancerType,
    isCmk,
    isServerAccessLogTarget,
    isSet,
    isUnknown,
    known,
    label,
    nonEmpty,
    obj,
    ofType,
    output,
    peerAssetBuckets,
    policyStatements,
    refersTo,
    replicationRulesOf,
    s3OriginBucket,
    stackRegion,
    statementActions,
    statementConditionKeys,
    statementIsPublic,
    statementServices,
    str,
    text,
} from "../src/plan";

// ---------------------------------------------------------------------------------------------------------
// CloudFront
// ---------------------------------------------------------------------------------------------------------

const viewerTlsSchema = {
    properties: {
        allowedMinimumProtocolVersions: {
            type: "array" as const,
            items: { type: "string" as const },
            // CloudFront's viewer security policies that allow TLS 1.2 or later only with the 2021 cipher set or
            // newer (CloudFront developer guide, "Supported protocols and ciphers between viewers and CloudFront";
            // the 2025 policies as listed by the AWS CDK SecurityPolicyProtocol enum, v2.221.0, 24 Oct 2025).
            default: ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"],
            description: "Viewer security policies (minimumProtocolVersion) a distribution may use: TLSv1.2_2021 or newer.",
        },
    },
};
interface ViewerTlsConfig {
    allowedMinimumProtocolVersions: string[];
}

export const cloudfrontViewerTls: ResourcePolicy = {
    name: "aws-cloudfront-viewer-tls",
    description:
        "CloudFront distributions serve viewers with their own ACM certificate over SNI with the TLSv1.2_2021 security policy or newer, never the default *.cloudfront.net certificate.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set viewerCertificate { acmCertificateArn: <the us-east-1 certificate for the record name>, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" } and leave cloudfrontDefaultCertificate unset: with the default certificate CloudFront forces the TLSv1 policy whatever minimumProtocolVersion says.',
    configSchema: viewerTlsSchema,
    validateResource: validateResourceOfType(cloudfront.Distribution, (d, args, report) => {
        const { allowedMinimumProtocolVersions: allowed } = configOf<ViewerTlsConfig>(viewerTlsSchema, args.getConfig());
        const vc = d.viewerCertificate;
        if (vc?.cloudfrontDefaultCertificate === true)
            report("Distributions must not use the default CloudFront certificate (it forces the TLSv1 security policy); set acmCertificateArn.");
        if (!isSet(known(() => vc?.acmCertificateArn)))
            report("Distributions must serve viewers with an ACM certificate (viewerCertificate.acmCertificateArn, issued in us-east-1).");
        if (vc?.sslSupportMethod !== "sni-only")
            report(`Distributions must use sslSupportMethod "sni-only"; got ${JSON.stringify(vc?.sslSupportMethod ?? null)}.`);
        const version = vc?.minimumProtocolVersion;
        if (!allowed.includes(String(version)))
            report(
                `Distributions must use a viewer security policy of TLSv1.2_2021 or newer (${allowed.join(", ")}); got ${JSON.stringify(version ?? null)}, the default being TLSv1.`,
            );
    }),
};

const VIEWER_HTTPS = ["https-only", "redirect-to-https"];

export const cloudfrontHttpsOnly: ResourcePolicy = {
    name: "aws-cloudfront-https-only",
    description:
        "Every cache behaviour of a CloudFront distribution takes viewers over HTTPS only (https-only or redirect-to-https), and every custom origin is reached over HTTPS only with TLSv1.2.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set viewerProtocolPolicy "redirect-to-https" (or "https-only") on the default and every ordered cache behaviour, and customOriginConfig { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } on every custom origin (the origin hostname\'s ALB listens on 443 only).',
    validateResource: validateResourceOfType(cloudfront.Distribution, (d, _args, report) => {
        const behaviours = [
            { path: "the default cache behaviour", policy: d.defaultCacheBehavior?.viewerProtocolPolicy },
            ...arr<NonNullable<typeof d.orderedCacheBehaviors>[number]>(d.orderedCacheBehaviors).map((b) => ({
                path: `the ${text(b.pathPattern)} cache behaviour`,
                policy: b.viewerProtocolPolicy,
            })),
        ];
        for (const b of behaviours)
            if (!VIEWER_HTTPS.includes(String(b.policy)))
                report(
                    `${b.path} must take viewers over HTTPS (viewerProtocolPolicy https-only or redirect-to-https); got ${JSON.stringify(b.policy ?? null)}.`,
                );
        for (const o of arr<NonNullable<typeof d.origins>[number]>(d.origins)) {
            const c = o.customOriginConfig;
            if (c === undefined) continue;
            if (c.originProtocolPolicy !== "https-only")
                report(
                    `Origin "${text(o.originId)}" must be reached over HTTPS only (originProtocolPolicy https-only); got ${JSON.stringify(c.originProtocolPolicy)}.`,
                );
            const protocols = arr<string>(c.originSslProtocols);
            if (protocols.length === 0 || protocols.some((p) => p !== "TLSv1.2"))
                report(`Origin "${text(o.originId)}" must allow TLSv1.2 only (originSslProtocols ["TLSv1.2"]); got ${JSON.stringify(protocols)}.`);
        }
    }),
};

export const cloudfrontLogging: StackPolicy = {
    name: "aws-cloudfront-logging-enabled",
    description:
        "Every CloudFront distribution logs its requests: it is the resource of an ACCESS_LOGS log delivery source that a log delivery uses (standard logging v2), or it has a legacy loggingConfig.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create, in us-east-1, an aws.cloudwatch.LogDeliverySource { logType: "ACCESS_LOGS", resourceArn: <distribution ARN> }, a LogDeliveryDestination (a KMS-encrypted log group) and an aws.cloudwatch.LogDelivery joining them (CloudFront developer guide, "Standard logging (v2)": the delivery API calls must be made in us-east-1).',
    validateStack: (args, report) => {
        const sources = ofType(args.resources, T.logDeliverySource);
        const deliveries = ofType(args.resources, T.logDelivery);
        for (const d of ofType(args.resources, T.cloudfrontDistribution)) {
            if (isSet(get(d, "loggingConfig.bucket"))) continue;
            const mine = sources.filter((s) => refersTo(s, "resourceArn", d));
            const access = mine.filter((s) => {
                const t = get(s, "logType");
                return t === UNKNOWN || t === "ACCESS_LOGS";
            });
            const delivered = access.some((s) =>
                deliveries.some((l) => refersTo(l, "deliverySourceName", s) && isSet(get(l, "deliveryDestinationArn"))),
            );
            if (!delivered)
                report(
                    mine.length && !access.length
                        ? `${label(d)} has a log delivery source, but not of logType ACCESS_LOGS; its requests are not logged.`
                        : access.length
                          ? `${label(d)} has an ACCESS_LOGS delivery source, but no log delivery uses it; its requests are not logged.`
                          : `${label(d)} must log its requests: no ACCESS_LOGS log delivery source names it, and it has no loggingConfig.`,
                    d.urn,
                );
        }
    },
};

export const cloudfrontWafAttached: StackPolicy = {
    name: "aws-cloudfront-waf-attached",
    description: "Every CloudFront distribution is protected by a CLOUDFRONT-scope AWS WAF web ACL planned in the same stack (webAclId).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set webAclId to the ARN of an aws.wafv2.WebAcl with scope "CLOUDFRONT" (created in us-east-1) in the stack that owns the distribution, so the edge is filtered before anything reaches an origin.',
    validateStack: (args, report) => {
        const acls = ofType(args.resources, T.webAcl);
        for (const d of ofType(args.resources, T.cloudfrontDistribution)) {
            const id = get(d, "webAclId");
            const acl = acls.find((a) => refersTo(d, "webAclId", a));
            if (!acl) {
                if (isUnknown(id)) continue; // decided by an output no planned ACL shows: known after the update
                report(
                    isSet(id)
                        ? `${label(d)} names web ACL ${text(id)}, which this stack does not plan; its webAclId must refer to the stack's CLOUDFRONT web ACL.`
                        : `${label(d)} must be protected by a CLOUDFRONT web ACL (webAclId is unset).`,
                    d.urn,
                );
                continue;
            }
            const scope = get(acl, "scope");
            if (scope !== UNKNOWN && scope !== "CLOUDFRONT")
                report(`${label(d)} refers to ${label(acl)} of scope ${text(scope)}; a distribution needs a CLOUDFRONT-scope web ACL.`, d.urn);
        }
    },
};

export const cloudfrontS3OriginsOac: ResourcePolicy = {
    name: "aws-cloudfront-s3-origins-use-oac",
    description:
        "A CloudFront distribution reaches every S3 bucket origin (every origin without a customOriginConfig or vpcOriginConfig, whatever its domain) through Origin Access Control, never a legacy origin access identity.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create an aws.cloudfront.OriginAccessControl { originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" }, set originAccessControlId on each S3 origin and remove s3OriginConfig.originAccessIdentity; the bucket policy then grants cloudfront.amazonaws.com with an AWS:SourceArn condition on the distribution. An origin that is not a bucket takes a customOriginConfig.',
    validateResource: validateResourceOfType(cloudfront.Distribution, (d, _args, report) => {
        for (const o of arr<NonNullable<typeof d.origins>[number]>(d.origins)) {
            // CloudFront knows three kinds of origin: custom, VPC and S3. One with neither of the first two settings
            // is sent as an S3 origin, so it is judged as one even when its domain (e.g. a bucket's regional domain
            // name not known until the bucket exists) does not show a bucket.
            if (o.customOriginConfig !== undefined || o.vpcOriginConfig !== undefined) continue;
            const bucket = s3OriginBucket(known(() => o.domainName));
            const what =
                bucket === undefined ? `Origin "${text(o.originId)}" (no customOriginConfig: an S3 origin)` : `S3 origin "${text(o.originId)}"`;
            if (!isSet(known(() => o.originAccessControlId))) report(`${what} must use Origin Access Control (originAccessControlId).`);
            if (nonEmpty(known(() => o.s3OriginConfig?.originAccessIdentity)))
                report(`${what} must not use a legacy origin access identity (s3OriginConfig.originAccessIdentity).`);
        }
    }),
};

// ---------------------------------------------------------------------------------------------------------
// AWS WAF
// ---------------------------------------------------------------------------------------------------------

const wafRulesSchema = {
    properties: {
        requiredRuleGroups: {
            type: "array" as const,
            items: { type: "string" as const },
            // AWS WAF developer guide, "Baseline rule groups", "Use-case specific rule groups", "IP reputation rule groups".
            default: [
                "AWSManagedRulesCommonRuleSet",
                "AWSManagedRulesKnownBadInputsRuleSet",
                "AWSManagedRulesSQLiRuleSet",
                "AWSManagedRulesAmazonIpReputationList",
            ],
            description: "AWS managed rule groups (vendor AWS) every CLOUDFRONT web ACL must run.",
        },
        ruleGroupActions: {
            type: "object" as const,
            additionalProperties: { type: "string" as const, enum: ["block", "count"] },
            default: {},
            description:
                "Action of each required rule group by its AWS name, as securecart:edge.waf.ruleGroups sets it (the offline plan derives it from the project's config): a group may run in count mode (overrideAction count: it labels and logs but blocks nothing) only where this says count; a group not named here must block.",
        },
        rateAction: {
            type: "string" as const,
            enum: ["block", "count"],
            default: "block",
            description: "The action the rate-based rule must take, as securecart:edge.waf.rateAction sets it (default block).",
        },
    },
};
interface WafRulesConfig {
    requiredRuleGroups: string[];
    ruleGroupActions: Record<string, "block" | "count">;
    rateAction: "block" | "count";
}

/** The action a WAF rule's action names (AWS WAF API reference, RuleAction: exactly one of these), or undefined. */
const wafActionOf = (a: unknown): string | undefined => ["block", "count", "allow", "captcha", "challenge"].find((k) => obj(a)[k] !== undefined);

export const wafManagedRules: ResourcePolicy = {
    name: "aws-waf-managed-rules-and-rate-limit",
    description:
        "A CLOUDFRONT-scope web ACL runs the AWS managed rule groups (common, known bad inputs, SQL injection, IP reputation), each blocking unless the project's config sets it to count, and a rate-based rule whose action is the configured one (block by default).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add one rule per AWS managed group (statement.managedRuleGroupStatement { vendorName: AWS, name }, overrideAction none; count only while securecart:edge.waf.ruleGroups.<group> is count, to assess false positives) and a rule with statement.rateBasedStatement { limit: securecart:edge.waf.rateLimit, aggregateKeyType: IP } and the action securecart:edge.waf.rateAction names (block unless set to count).",
    configSchema: wafRulesSchema,
    validateResource: validateResourceOfType(wafv2.WebAcl, (acl, args, report) => {
        if (acl.scope !== "CLOUDFRONT") return;
        const { requiredRuleGroups, ruleGroupActions, rateAction } = configOf<WafRulesConfig>(wafRulesSchema, args.getConfig());
        const rules = arr<NonNullable<typeof acl.rules>[number]>(acl.rules);
        const managed = rules.filter((r) => r.statement?.managedRuleGroupStatement?.vendorName === "AWS");
        for (const group of requiredRuleGroups) {
            const rule = managed.find((r) => r.statement?.managedRuleGroupStatement?.name === group);
            if (!rule) report(`CLOUDFRONT web ACLs must run the AWS managed rule group ${group}.`);
            else if (rule.overrideAction?.count !== undefined && ruleGroupActions[group] !== "count")
                report(
                    `The AWS managed rule group ${group} runs in count mode (overrideAction count) and blocks nothing, while the project's config has it block (securecart:edge.waf.ruleGroups); set overrideAction none.`,
                );
        }
        const rate = rules.filter((r) => r.statement?.rateBasedStatement !== undefined);
        if (rate.length === 0)
            report("CLOUDFRONT web ACLs must have a rate-based rule (statement.rateBasedStatement) limiting requests per client IP.");
        else if (!rate.some((r) => wafActionOf(r.action) === rateAction))
            report(
                `The rate-based rule must ${rateAction} (action ${rateAction}), as securecart:edge.waf.rateAction says; it has action ${rate.map((r) => wafActionOf(r.action) ?? "(none)").join(", ")}.`,
            );
    }),
};

export const wafLoggingEncrypted: StackPolicy = {
    name: "aws-waf-logging-encrypted",
    description:
        "Every CLOUDFRONT-scope web ACL has a logging configuration that sends its logs to a CloudWatch log group named aws-waf-logs-* and encrypted under a customer-managed KMS key.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an aws.wafv2.WebAclLoggingConfiguration { resourceArn: <web ACL ARN>, logDestinationConfigs: [<log group ARN>] } in us-east-1, to a log group whose name starts with aws-waf-logs- (AWS WAF refuses any other name) and whose kmsKeyId is a key whose policy lets logs.us-east-1.amazonaws.com use it.",
    validateStack: (args, report) => {
        const loggings = ofType(args.resources, T.webAclLogging);
        const groups = ofType(args.resources, T.logGroup);
        for (const acl of ofType(args.resources, T.webAcl)) {
            if (get(acl, "scope") !== "CLOUDFRONT") continue;
            const mine = loggings.filter((l) => refersTo(l, "resourceArn", acl));
            if (mine.length === 0) {
                report(`${label(acl)} must log its requests: no WebAclLoggingConfiguration names it.`, acl.urn);
                continue;
            }
            for (const l of mine) {
                const dests = get(l, "logDestinationConfigs");
                const targets = groups.filter((g) => refersTo(l, "logDestinationConfigs", g));
                if (targets.length === 0) {
                    if (!isUnknown(dests) && !arr(dests).some(isUnknown))
                        report(
                            `${label(l)} must send ${label(acl)}'s logs to a KMS-encrypted log group planned in this stack; it sends them to ${
                                arr(dests)
                                    .map((x) => text(x))
                                    .join(", ") || "nothing"
                            }.`,
                            l.urn,
                        );
                    continue;
                }
                for (const g of targets) {
                    const name = get(g, "name");
                    if (!isUnknown(name) && !(nonEmpty(name) && name.startsWith("aws-waf-logs-")))
                        report(`${label(g)} receives WAF logs and must be named aws-waf-logs-*; it is named ${text(name, "(generated)")}.`, g.urn);
                    if (!isCmk(get(g, "kmsKeyId")))
                        report(`${label(g)} receives ${label(acl)}'s logs and must be encrypted under a customer-managed KMS key (kmsKeyId).`, g.urn);
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// Asset buckets and server access logs
// ---------------------------------------------------------------------------------------------------------

const PAB_KEYS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com";

/** Whether an action reads objects (or is a wildcard that includes reads). */
const readsObjects = (a: string) => a === "*" || a === "s3:*" || /^s3:Get/i.test(a);

export const assetBucketsCloudFrontOnly: StackPolicy = {
    name: "aws-s3-asset-buckets-cloudfront-only",
    description:
        "Asset buckets (those CloudFront reads, or that replicate assets) block all public access, and their bucket policy grants reads only to cloudfront.amazonaws.com under an AWS:SourceArn condition, never to everyone.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give the bucket an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true, and a bucket policy whose only Allow is s3:GetObject for Principal { Service: "cloudfront.amazonaws.com" } with Condition { StringEquals: { "AWS:SourceArn": <distribution ARN> } } (Origin Access Control).',
    validateStack: (args, report) => {
        for (const b of assetBucketsOf(args.resources)) {
            const pabs = ofType(args.resources, T.bucketPublicAccessBlock).filter((p) => refersTo(p, "bucket", b));
            if (pabs.length === 0) report(`${label(b)} holds assets and must block public access (an aws.s3.BucketPublicAccessBlock).`, b.urn);
            for (const p of pabs) {
                const off = PAB_KEYS.filter((k) => {
                    const v = get(p, k);
                    return !isUnknown(v) && v !== true;
                });
                if (off.length)
                    report(`${label(p)} must set ${off.join(", ")} to true: ${label(b)} holds assets served only through CloudFront.`, p.urn);
            }
            for (const policy of bucketPoliciesOf(b, args.resources)) {
                const sts = policyStatements(policy);
                if (sts === UNKNOWN) continue;
                for (const st of sts.filter((s) => s.Effect === "Allow")) {
                    const sid = text(st.Sid, "(no Sid)");
                    if (statementIsPublic(st)) {
                        report(`${label(b)}'s policy statement ${sid} allows everyone ("*"); an asset bucket is read only by CloudFront.`, b.urn);
                        continue;
                    }
                    if (!statementActions(st).some(readsObjects)) continue;
                    const services = statementServices(st);
                    const others = Object.keys(obj(st.Principal)).filter((k) => k !== "Service");
                    if (others.length || services.length === 0 || services.some((s) => s !== CLOUDFRONT_SERVICE))
                        report(`${label(b)}'s policy statement ${sid} grants reads to someone other than ${CLOUDFRONT_SERVICE}.`, b.urn);
                    else if (!statementConditionKeys(st).some((k) => k.toLowerCase() === "aws:sourcearn"))
                        report(
                            `${label(b)}'s policy statement ${sid} lets CloudFront read without an AWS:SourceArn condition, so any distribution could read the assets.`,
                            b.urn,
                        );
                }
            }
        }
    },
};

export const assetBucketsProtected: StackPolicy = {
    name: "aws-s3-asset-buckets-versioned-encrypted-logged",
    description:
        "Asset buckets are versioned, default-encrypt under a customer-managed KMS key (SSE-KMS) and write server access logs (a BucketLogging).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add an aws.s3.BucketVersioning with status \"Enabled\" (replication requires it on both ends), an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms and the region's data key (bucketKeyEnabled true), and an aws.s3.BucketLogging to the region's server-access-log bucket.",
    validateStack: (args, report) => {
        const versionings = ofType(args.resources, T.bucketVersioning, T.bucketVersioningV2);
        for (const b of assetBucketsOf(args.resources)) {
            if (bucketVersioningOf(b, args.resources) === false) {
                const status = versionings.filter((v) => refersTo(v, "bucket", b)).map((v) => get(v, "versioningConfiguration.status"));
                report(
                    `${label(b)} holds assets and must be versioned (a BucketVersioning with status Enabled); found ${status.map((s) => text(s)).join(", ") || "none"}.`,
                    b.urn,
                );
            }
            const sse = bucketEncryptionOf(b, args.resources);
            if (!sse.some((s) => (s.algorithm === "aws:kms" || s.algorithm === "aws:kms:dsse" || isUnknown(s.algorithm)) && isCmk(s.key)))
                report(`${label(b)} holds assets and must default-encrypt under a customer-managed KMS key (SSE-KMS with kmsMasterKeyId).`, b.urn);
            if (bucketLoggingsOf(b, args.resources).length === 0 && !isSet(get(b, "logging.targetBucket")))
                report(`${label(b)} holds assets and must write server access logs (an aws.s3.BucketLogging naming it).`, b.urn);
        }
    },
};

/**
 * What a replication rule's filter limits it to ("under prefix x/", "tagged k=v"), or undefined when it takes every
 * object: no filter, `filter {}`, or a filter with an empty prefix and no tag or `and` (S3 API reference,
 * ReplicationRuleFilter: the filter "identifies the subset of objects to which the replication rule applies", by
 * prefix, tag or both; the legacy rule-level prefix does the same). A value pending in a preview limits nothing yet.
 */
function replicationFilterLimit(rule: Record<string, unknown>): string | undefined {
    const filter = obj(rule.filter);
    const and = obj(filter.and);
    const tagText = (t: unknown) => `tagged ${text(obj(t).key)}=${text(obj(t).value)}`;
    const limits = [
        ...[rule.prefix, filter.prefix, and.prefix].filter(nonEmpty).map((p) => `under prefix ${p}`),
        ...(Object.keys(obj(filter.tag)).length ? [tagText(filter.tag)] : []),
        ...Object.entries(obj(and.tags)).map(([k, v]) => tagText({ key: k, value: v })),
    ];
    return limits.length ? limits.join(" and ") : undefined;
}

export const assetBucketsReplicated: StackPolicy = {
    name: "dr-asset-buckets-replicated",
    description:
        "Every asset bucket replicates every object (an empty or absent filter) into every other region's asset bucket that exists (as this stack's StackReferences read it), each rule enabled with Replication Time Control (15 min) and its metrics, delete-marker replication, SSE-KMS objects re-encrypted under a replica key, and replica modification sync.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give the asset bucket an aws.s3.BucketReplicationConfig with one rule per other region (filter {}, priority, status Enabled, deleteMarkerReplication Enabled, sourceSelectionCriteria sseKmsEncryptedObjects and replicaModifications Enabled, destination { bucket, encryptionConfiguration.replicaKmsKeyId: that region's data key, replicationTime { Enabled, 15 min }, metrics { Enabled, 15 min } }). Which regions: those whose stacks' deployed outputs name an assetBucketName, read through StackReferences; S3 refuses a rule into a bucket that does not exist, so on a first deployment the home stack has no peer yet and passes, and its next `pulumi up` after the other stacks' adds the rules (the policy then requires them).",
    validateStack: (args, report) => {
        const region = stackRegion(args.resources);
        const peers = peerAssetBuckets(args.resources).filter((p) => p.region === undefined || p.region !== region);
        for (const b of assetBucketsOf(args.resources)) {
            const rules = replicationRulesOf(b, args.resources);
            if (rules === UNKNOWN) continue; // rules that name pending keys: decided at the update
            const own = str(get(b, "bucket"));
            for (const r of rules.filter((x) => x.enabled)) {
                const missing = [
                    r.rtcEnabled && r.rtcMinutes === 15 ? undefined : "Replication Time Control (replicationTime Enabled, 15 minutes)",
                    r.metricsEnabled ? undefined : "replication metrics (metrics Enabled)",
                    r.deleteMarkers ? undefined : "delete-marker replication",
                    r.kmsObjects && isSet(r.replicaKmsKey) ? undefined : "SSE-KMS objects (sseKmsEncryptedObjects Enabled with a replicaKmsKeyId)",
                    r.replicaModifications ? undefined : "replica modification sync (replicaModifications Enabled)",
                ].filter((m): m is string => m !== undefined);
                if (missing.length) report(`${label(b)}'s replication rule ${r.id} must enable ${missing.join(", ")}.`, b.urn);
            }
            for (const c of ofType(args.resources, T.bucketReplication).filter((x) => refersTo(x, "bucket", b)))
                for (const rule of arr(get(c, "rules")).map(obj)) {
                    const limit = rule.status === "Enabled" ? replicationFilterLimit(rule) : undefined;
                    if (limit)
                        report(
                            `${label(b)}'s replication rule ${text(rule.id)} replicates only objects ${limit}; it must replicate every object (filter {} or none), or an asset outside the filter is missing from the other region's bucket and a failover serves it as a 404.`,
                            b.urn,
                        );
                }
            const pending = rules.some((r) => r.destinationBucket === UNKNOWN);
            for (const p of peers.filter((x) => x.bucket !== own)) {
                if (pending) continue;
                if (!rules.some((r) => r.enabled && r.destinationBucket === p.bucket))
                    report(
                        `${label(b)} must replicate into ${p.region ?? p.stack}'s asset bucket ${p.bucket} (stack ${p.stack} has deployed it); no enabled replication rule names it.`,
                        b.urn,
                    );
            }
        }
    },
};

export const serverAccessLogs: StackPolicy = {
    name: "aws-s3-server-access-logging",
    description:
        "Every S3 bucket writes server access logs (a BucketLogging), except a server-access-log target bucket itself (a BucketLogging's targetBucket, or a bucket whose policy lets logging.s3.amazonaws.com write): the one documented exception.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add an aws.s3.BucketLogging { bucket, targetBucket: <the region's server-access-log bucket>, targetPrefix: s3/<bucket>/ }. The target bucket does not log itself: logging a bucket into itself would log every log delivery, without end.",
    validateStack: (args, report) => {
        for (const b of ofType(args.resources, T.bucket, T.bucketV2)) {
            if (bucketLoggingsOf(b, args.resources).length > 0 || isSet(get(b, "logging.targetBucket"))) continue;
            const target = isServerAccessLogTarget(b, args.resources);
            if (target === true || target === UNKNOWN) continue;
            report(`${label(b)} must write server access logs: no aws.s3.BucketLogging names it, and it is not a server-access-log target.`, b.urn);
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// The ALB behind CloudFront
// ---------------------------------------------------------------------------------------------------------

/** Whether a listener or rule action forwards to targets. */
const forwards = (a: unknown) => obj(a).type === "forward" || obj(a).forward !== undefined;

const MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList";

/**
 * The prefix lists planned in this stack (customer-managed: their entries are whatever the stack writes, 0.0.0.0/0
 * included) that an ingress permission of `sg` admits: by reference (the list's output flowed into the rule) or by
 * its literal id or ARN. CloudFront's origin-facing list is AWS-managed: the program looks it up, it plans no such list.
 */
function plannedPrefixListsAdmitted(sg: PlanResource, resources: readonly PlanResource[]): PlanResource[] {
    const lists = ofType(resources, MANAGED_PREFIX_LIST);
    if (lists.length === 0) return [];
    const literal = new Set(ingressSourcesOf(sg, resources).flatMap((i) => i.prefixLists));
    const referring: Array<[PlanResource, string]> = [
        [sg, "ingress"],
        ...ofType(resources, T.securityGroupRule)
            .filter((r) => get(r, "type") === "ingress" && refersTo(r, "securityGroupId", sg))
            .map((r): [PlanResource, string] => [r, "prefixListIds"]),
        ...ofType(resources, T.ingressRule)
            .filter((r) => refersTo(r, "securityGroupId", sg))
            .map((r): [PlanResource, string] => [r, "prefixListId"]),
    ];
    return lists.filter(
        (l) =>
            referring.some(([r, key]) => dependsOn(r, key, l)) ||
            [get(l, "id"), output(l, "id"), get(l, "arn"), output(l, "arn")].some((h) => nonEmpty(h) && literal.has(h)),
    );
}

/** An ALB http-header value that matches any value of the header: only wildcards (* and ?), or nothing. */
const matchesAnyValue = (v: unknown) => typeof v === "string" && !isUnknown(v) && /^[*?]*$/.test(v.trim());

const albOnlyFromCloudFrontSchema = {
    properties: {
        originVerifyHeader: {
            type: "string" as const,
            minLength: 1,
            // The header the distribution adds to every request to the origin hostname (components/edge.ts).
            default: "X-Origin-Verify",
            description:
                "The secret origin header CloudFront sends (securecart's edge sends X-Origin-Verify): every forwarding listener rule must require it, with its secret value.",
        },
    },
};
interface AlbOnlyFromCloudFrontConfig {
    originVerifyHeader: string;
}

export const albOnlyFromCloudFront: StackPolicy = {
    name: "aws-alb-only-from-cloudfront",
    description:
        "An internet-facing ALB accepts traffic only from an AWS-managed prefix list (CloudFront's origin-facing list, looked up, not a prefix list the stack plans), never from a CIDR; its HTTPS listener answers a fixed 403 by default, and every rule that forwards requires the secret origin header (an httpHeader condition on X-Origin-Verify, configurable, with a secret value).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Allow 443 on the ALB\'s security group only from the prefix list com.amazonaws.global.cloudfront.origin-facing (aws.ec2.getManagedPrefixList in the ALB\'s region; never an aws.ec2.ManagedPrefixList of the stack\'s own, whose entries can be any CIDR), give the HTTPS listener the default action { type: "fixed-response", fixedResponse: { statusCode: "403" } }, and add to every forwarding ListenerRule a condition { httpHeader: { httpHeaderName: "X-Origin-Verify", values: [<the secret the distribution sends>] } }.',
    configSchema: albOnlyFromCloudFrontSchema,
    validateStack: (args, report) => {
        const { originVerifyHeader } = configOf<AlbOnlyFromCloudFrontConfig>(albOnlyFromCloudFrontSchema, args.getConfig());
        const groups = ofType(args.resources, T.securityGroup);
        const listeners = ofType(args.resources, T.listener);
        const rules = ofType(args.resources, T.listenerRule);
        for (const alb of ofType(args.resources, T.loadBalancer)) {
            const type = get(alb, "loadBalancerType");
            const internal = get(alb, "internal");
            if (isUnknown(type) || !isApplicationLoadBalancerType(type) || internal === true || isUnknown(internal)) continue;
            for (const sg of groups.filter((g) => refersTo(alb, "securityGroups", g))) {
                for (const i of ingressSourcesOf(sg, args.resources)) {
                    if (i.cidrs.length)
                        report(
                            `${label(alb)}'s ${label(sg)} admits ${i.cidrs.join(", ")}${i.cidrs.some((c) => OPEN_CIDRS.includes(c)) ? " (the whole internet)" : ""}; it must admit only CloudFront's origin-facing prefix list.`,
                            sg.urn,
                        );
                    else if (!i.pending && i.prefixLists.length === 0)
                        report(
                            `${label(alb)}'s ${label(sg)} admits another source (${i.groups.join(", ") || "none named"}); it must admit only CloudFront's origin-facing prefix list.`,
                            sg.urn,
                        );
                }
                for (const list of plannedPrefixListsAdmitted(sg, args.resources))
                    report(
                        `${label(alb)}'s ${label(sg)} admits ${label(list)}, a prefix list this stack plans (customer-managed: it can hold any CIDR, 0.0.0.0/0 included); it must admit only CloudFront's AWS-managed origin-facing prefix list.`,
                        sg.urn,
                    );
            }
            for (const l of listeners.filter((x) => refersTo(x, "loadBalancerArn", alb))) {
                const actions = get(l, "defaultActions");
                if (isUnknown(actions)) continue;
                const list = arr(actions).map(obj);
                if (get(l, "protocol") === "HTTPS") {
                    const fixed403 =
                        list.length > 0 && list.every((a) => a.type === "fixed-response" && String(obj(a.fixedResponse).statusCode) === "403");
                    if (!fixed403)
                        report(
                            `${label(l)} must answer requests no rule matches with a fixed 403 (default action fixed-response); its default actions are ${list.map((a) => text(a.type)).join(", ") || "(none)"}.`,
                            l.urn,
                        );
                } else if (list.some(forwards)) {
                    report(`${label(l)} forwards by default; behind CloudFront only the HTTPS listener's header-checked rules may forward.`, l.urn);
                }
                for (const r of rules.filter((x) => refersTo(x, "listenerArn", l))) {
                    const acts = get(r, "actions");
                    const conds = get(r, "conditions");
                    if (isUnknown(acts) || isUnknown(conds) || !arr(acts).some(forwards)) continue;
                    const raw = arr(conds)
                        .map((c) => obj(c).httpHeader)
                        .filter((h) => h !== undefined && h !== null);
                    if (raw.some((h) => isUnknown(h) || isUnknown(obj(h).httpHeaderName))) continue; // decided at the update
                    const headers = raw.map(obj);
                    // HTTP field names are case-insensitive (RFC 9110, section 5.1).
                    const named = headers.filter((h) => str(h.httpHeaderName)?.toLowerCase() === originVerifyHeader.toLowerCase());
                    const secret = named.some((h) => {
                        const values = h.values;
                        return (
                            isUnknown(values) ||
                            (arr(values).length > 0 && arr(values).every((v) => isUnknown(v) || (nonEmpty(v) && !matchesAnyValue(v))))
                        );
                    });
                    if (headers.length === 0)
                        report(
                            `${label(r)} forwards without checking the origin header (no httpHeader condition), so requests that bypass CloudFront reach targets.`,
                            r.urn,
                        );
                    else if (named.length === 0)
                        report(
                            `${label(r)} checks header ${headers.map((h) => text(h.httpHeaderName, "(unnamed)")).join(", ")}, not the origin header ${originVerifyHeader} CloudFront sends, so requests that bypass CloudFront reach targets.`,
                            r.urn,
                        );
                    else if (!secret)
                        report(
                            `${label(r)} checks the origin header ${originVerifyHeader} without a secret value (values empty or only wildcards), so any request that sets the header reaches targets.`,
                            r.urn,
                        );
                }
            }
        }
    },
};
