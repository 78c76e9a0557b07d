/**
 * Monthly cost estimate of one stack, from its planned resources (counts, sizes, settings), the bundled
 * price sheet and the usage assumptions in constants.ts. Every line item is shown with its basis.
 *
 * Every resource type the program creates is either BILLABLE (priced here, with the price keys it uses) or
 * FREE (with the reason). A type in neither list is reported, and a test fails on it: a new billable type
 * cannot slip in without a price.
 */
import { PriceSheet, RegionPrices } from "../prices";
import { Constants, cite } from "./constants";
import {
    DYNAMIC,
    EdgeFacts,
    StackFacts,
    StackView,
    T,
    arr,
    edgeFacts,
    edgeLogGroupsOf,
    get,
    isCloudResource,
    ofType,
    refersTo,
    replicates,
    tableOf,
    isEventEndpointHealthCheck,
    str,
} from "../plan";
import { PipelineFacts, pipelineFacts } from "./pipeline";
import { IdentityApiInput, identityApiFacts } from "./identity";
import { CacheFilesFacts, cacheFilesFacts, cacheNodeType } from "./cacheAndFiles";
import { OperationsCost, OperationsFacts, UNPRICED_OPERATIONS, operationsFacts, operationsLines } from "./operations";

export interface CostLine {
    /** What is billed, e.g. "NAT gateway hours". */
    readonly item: string;
    /** The resource type it comes from, or "transfer" for inter-region traffic. */
    readonly type: string;
    readonly quantity: number;
    readonly unit: string;
    /** null when the sheet has no price for it (see `basis`). */
    readonly unitPriceUsd: number | null;
    readonly monthlyUsd: number | null;
    /** How quantity was derived: resource settings and the constants used. */
    readonly basis: string;
    /** The planned resources the line counts, where it counts several of one kind (the operations tier's alarms). */
    readonly resources?: readonly string[];
}

export interface CostEstimate {
    readonly region: string;
    /** Sum of the priced lines. */
    readonly monthlyUsd: number;
    readonly lines: readonly CostLine[];
    /** Things that could not be priced (the total leaves them out). */
    readonly unpriced: readonly string[];
    /** Resource types seen that are neither billable nor known free. */
    readonly unknownTypes: readonly string[];
    readonly priceSheet: { readonly label: string; readonly date: string; readonly source: string };
    /** The operations tier's figures that are not monthly: each fault-injection template's cost per run. */
    readonly operations?: OperationsCost;
}

type PriceKey = keyof RegionPrices;

/** Billable resource types → the price-sheet keys their lines use. */
export const BILLABLE_TYPES: Readonly<Record<string, readonly PriceKey[]>> = {
    [T.natGateway]: ["natGatewayHour", "natGatewayGb"],
    [T.eip]: ["publicIpv4Hour"],
    [T.vpcEndpoint]: ["vpcInterfaceEndpointHour"],
    [T.loadBalancer]: ["albHour", "albLcuHour"],
    [T.asg]: ["ec2Hour"],
    [T.ecsService]: ["fargateVcpuHour", "fargateGbHour"],
    [T.rdsCluster]: ["auroraStorageGbMonth", "auroraIoMillion", "auroraReplicatedWriteIoMillion", "secretMonth"],
    [T.clusterInstance]: ["auroraPostgresHour"],
    [T.table]: [
        "dynamoWriteRequestMillion",
        "dynamoReadRequestMillion",
        "dynamoReplicatedWriteRequestMillion",
        "dynamoWcuHour",
        "dynamoRcuHour",
        "dynamoReplicatedWcuHour",
        "dynamoStorageGbMonth",
        "dynamoPitrGbMonth",
    ],
    [T.tableReplica]: [
        "dynamoReplicatedWriteRequestMillion",
        "dynamoReadRequestMillion",
        "dynamoReplicatedWcuHour",
        "dynamoRcuHour",
        "dynamoStorageGbMonth",
        "dynamoPitrGbMonth",
    ],
    [T.backupVault]: ["backupAuroraGbMonth", "backupDynamoGbMonth"],
    [T.healthCheck]: ["route53HealthCheckMonth", "route53HealthCheckFeatureMonth"],
    [T.record]: ["route53RecordMonth"],
    [T.arcCluster]: ["arcClusterHour"],
    [T.kmsKey]: ["kmsKeyMonth"],
    [T.kmsReplicaKey]: ["kmsKeyMonth"],
    [T.metricAlarm]: ["cloudwatchAlarmMonth"],
    // The operations tier (src/estimates/operations.ts): composite alarms and dashboards (prices NOT CONFIRMED on an
    // AWS page, the sheet's notes say so), the trail's further copies of management events (none: one trail), the
    // fault-injection templates' action-minutes (nothing unless experiments run); GuardDuty's rates were not read.
    [T.compositeAlarm]: ["cloudwatchCompositeAlarmMonth"],
    [T.dashboard]: ["cloudwatchDashboardMonth"],
    [T.trail]: ["cloudtrailManagementEventCopy100k"],
    [T.guardDutyDetector]: [],
    [T.fisExperimentTemplate]: ["fisActionMinute"],
    [T.logGroup]: ["logsIngestGb"],
    [T.secret]: ["secretMonth"],
    [T.ecrRepository]: ["ecrStorageGbMonth"],
    [T.bucket]: ["s3StandardGbMonth", "s3StandardIaGbMonth"],
    [T.bucketV2]: ["s3StandardGbMonth", "s3StandardIaGbMonth"],
    [T.bucketReplication]: ["s3RtcGb", "interRegionTransferGb"],
    [T.cloudfrontDistribution]: ["cloudfrontDataTransferOutGb", "cloudfrontHttpsRequest10k"],
    [T.webAcl]: ["wafWebAclMonth", "wafRuleMonth", "wafRequestMillion"],
    // The order pipeline: billed by use. Lambda and Step Functions are priced; SQS, SNS and EventBridge have no
    // price from an AWS page yet (UNPRICED_USAGE says why), so their volumes are shown without a price.
    [T.lambdaFunction]: ["lambdaRequestMillion", "lambdaGbSecond"],
    [T.sqsQueue]: [],
    [T.snsTopic]: [],
    [T.eventBus]: [],
    [T.stateMachine]: ["stepFunctionsTransition1k"],
    // Sign-in and the API. Cognito bills monthly active users by feature plan and the replication add-on per user; no
    // AWS page read gives those rates (UNPRICED_USAGE), so their lines show the volume only. The HTTP API is priced
    // per request; its VPC link has no price from an AWS page.
    [T.userPool]: [],
    [T.userPoolReplica]: [],
    [T.httpApi]: ["apiGatewayHttpRequestMillion", "apiGatewayHttpRequestMillionOver300M"],
    [T.vpcLink]: [],
    // The cache and the shared files. ElastiCache bills node-hours, whose rate no AWS page read gives (UNPRICED_USAGE),
    // so the nodes' line shows the volume only. EFS bills storage; the replication's traffic is priced as transfer.
    [T.cacheReplicationGroup]: [],
    [T.fileSystem]: ["efsStandardGbMonth"],
};

/** The Cognito pricing page, as read: its per-user rates were not in the text. */
const COGNITO_PRICING_UNREAD =
    "no AWS page read states the price (https://aws.amazon.com/cognito/pricing/ was not in the text read on 2026-12-06; the figures seen are from third parties)";

/**
 * Usage of the sign-in and API tier that the sheet cannot price, with the reason, keyed like UNPRICED_USAGE. The
 * health-check entry is only for the API's checks (a CALCULATED one and one per service on a CloudWatch alarm): the
 * sheet's route53HealthCheckMonth is Route 53's price for a basic check of an AWS endpoint.
 */
export const UNPRICED_IDENTITY_API: Readonly<Record<string, string>> = {
    [T.userPool]: `Cognito monthly active users: unknown, because ${COGNITO_PRICING_UNREAD}: the per-MAU prices of the Essentials and Plus feature plans`,
    [T.userPoolReplica]: `Cognito multi-Region replication: unknown, because ${COGNITO_PRICING_UNREAD}: the replication add-on's price (the developer guide, "Multi-Region replication for user pools", says only that it is a separate add-on cost)`,
    [T.vpcLink]:
        "API Gateway VPC link: unknown, because no AWS page read states a price for a VPC link of an HTTP API (the whitepaper's cost table and the text read on https://aws.amazon.com/api-gateway/pricing/, 2026-12-06, name only the requests and the data transferred out)",
    [T.healthCheck]:
        "a CALCULATED Route 53 health check (the API's, and the region's with operations.healthSignal region-serving): unknown, because the sheet's route53HealthCheckMonth ($0.50) is the price read for a basic check of an AWS endpoint, and no AWS page read states one for a calculated check (its children, checks on CloudWatch alarms, are priced as the region's own check, under the same labelled assumption)",
};

/**
 * Billable types whose lines carry a volume but no price, with the reason: the figures seen for them come from
 * secondary sources, not from an AWS page, so the total leaves them out and says so. Reported only where the type
 * has volume (a region that processes orders, or whose queues are polled).
 */
export const UNPRICED_USAGE: Readonly<Record<string, string>> = {
    [T.sqsQueue]:
        "SQS requests: unknown, because no AWS page read states the price (the $0.40 per million standard-queue requests seen is from secondary sources; https://aws.amazon.com/sqs/pricing/ was not in the text read on 2026-12-06), and the empty receives of enabled event source mappings polling a quiet queue depend on a poller count AWS does not publish",
    [T.snsTopic]:
        "SNS publishes: unknown, because no AWS page read states the price (the $0.50 per million publishes, deliveries to SQS free, seen is from secondary sources; https://aws.amazon.com/sns/pricing/ was not in the text read on 2026-12-06)",
    [T.eventBus]:
        "EventBridge custom events: unknown, because the AWS page read (https://aws.amazon.com/eventbridge/pricing/, 2026-12-06) says global endpoints cost nothing extra and events published through one are billed as custom events, but its custom-event rate was not in the text read (the $1.00 per million seen is from secondary sources); the endpoint's replicated events add to the volume (EventBridge user guide: replication increases the monthly cost)",
    ...UNPRICED_IDENTITY_API,
    ...UNPRICED_OPERATIONS,
    [T.cacheReplicationGroup]:
        'ElastiCache node-hours: unknown, because no AWS page read states an on-demand node rate (the text read on https://aws.amazon.com/elasticache/pricing/, 2026-12-06, says nodes are charged by the hour per node type, plus backup storage and data transfer within or across Regions, but shows no figure; the figures seen are from third parties); the ElastiCache FAQ says only that node-based Valkey costs "up to 20% lower" than Redis OSS',
};

/** Types the program creates that AWS does not bill by themselves, with the reason. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    [T.ssmParameter]:
        "standard-tier parameters (the cache's endpoint and password) carry no charge; advanced ones would (AWS Systems Manager pricing, Parameter Store, read 2026-12-06)",
    [T.vpc]: "no charge for a VPC",
    [T.subnet]: "no charge",
    [T.internetGateway]: "no charge (data transfer is billed, not the gateway)",
    [T.routeTable]: "no charge",
    [T.route]: "no charge",
    [T.routeTableAssociation]: "no charge",
    [T.defaultSecurityGroup]: "no charge",
    [T.securityGroup]: "no charge",
    [T.ingressRule]: "no charge",
    [T.egressRule]: "no charge",
    [T.flowLog]: "billed as log ingestion at its log group",
    [T.launchTemplate]: "no charge; instances are billed at the Auto Scaling group",
    [T.kmsAlias]: "no charge",
    [T.guardDutyDetectorFeature]: "no charge of its own: a protection plan of the detector, which GuardDuty bills by what the plan analyses",
    [T.bucketObjectLock]: "no charge: the bucket's retention settings; its objects are billed as storage at the bucket",
    [T.kmsGrant]: "no charge",
    [DYNAMIC.globalWriter.token]: "a Pulumi dynamic resource that moves the Aurora writer through the RDS API; no AWS charge",
    [DYNAMIC.restorePoint.token]: "a Pulumi dynamic resource that records which snapshot a restore used; no AWS charge",
    [T.randomPassword]: "generated by the Pulumi random provider, no AWS resource",
    [T.secretVersion]: "billed per secret, not per version",
    [T.iamRole]: "IAM is free",
    [T.iamPolicy]: "IAM is free",
    [T.iamRolePolicy]: "IAM is free",
    [T.iamRolePolicyAttachment]: "IAM is free",
    [T.instanceProfile]: "IAM is free",
    [T.targetGroup]: "billed with the load balancer",
    [T.listener]: "billed with the load balancer",
    [T.listenerRule]: "billed with the load balancer",
    [T.certificate]: "public ACM certificates are free",
    [T.certificateValidation]: "no charge",
    [T.asgPolicy]: "no charge",
    [T.scalableTarget]: "no charge",
    [T.scalingPolicy]: "no charge",
    [T.ecsCluster]: "no charge; Fargate tasks are billed at the service",
    [T.taskDefinition]: "no charge; Fargate tasks are billed at the service",
    [T.ecrReplication]: "no charge; the transfer is in the inter-region assumption",
    [T.ecrLifecyclePolicy]: "no charge",
    [T.ecrRepositoryPolicy]: "no charge",
    [T.ecrCreationTemplate]: "no charge; the repositories it creates are billed as ECR storage",
    [T.dbSubnetGroup]: "no charge",
    [T.clusterParameterGroup]: "no charge",
    [T.parameterGroup]: "no charge",
    [T.globalCluster]: "no charge itself; its clusters, instances, storage and replicated I/O are billed",
    [T.backupPlan]: "no charge; recovery points are billed at the vault",
    [T.backupSelection]: "no charge",
    [T.backupVaultPolicy]: "no charge",
    [T.backupVaultLock]: "no charge",
    [T.arcControlPanel]: "included in the ARC cluster's hourly price",
    [T.arcRoutingControl]: "included in the ARC cluster's hourly price",
    [T.arcSafetyRule]: "included in the ARC cluster's hourly price",
    [T.logResourcePolicy]: "no charge",
    [T.bucketVersioningV2]: "billed as storage at the bucket",
    [T.bucketVersioning]: "billed as storage at the bucket",
    [T.bucketSseV2]: "no charge",
    [T.bucketSse]: "no charge",
    [T.bucketPublicAccessBlock]: "no charge",
    [T.bucketPolicy]: "no charge",
    [T.bucketOwnershipControls]: "no charge",
    [T.bucketLifecycleV2]: "no charge",
    [T.bucketLifecycle]: "no charge",
    [T.bucketLogging]:
        'no charge for enabling server access logging; the log objects are billed as storage in the target bucket (Amazon S3 user guide, "Logging requests with server access logging")',
    [T.originAccessControl]: "no charge of its own: a signing setting of the distribution; S3 bills the requests it signs",
    [T.webAclLogging]: "no charge of its own: the logs are billed as ingestion at the log group it names",
    [T.logDeliverySource]: "no charge of its own: the delivered logs are billed as vended-log ingestion at the destination log group",
    [T.logDeliveryDestination]: "no charge of its own: the delivered logs are billed as vended-log ingestion at the destination log group",
    [T.logDelivery]: "no charge of its own: the delivered logs are billed as vended-log ingestion at the destination log group",
    [T.sqsQueuePolicy]: "no charge",
    [T.sqsRedrivePolicy]: "no charge; moved messages are billed as SQS requests at the queue",
    [T.sqsRedriveAllowPolicy]: "no charge",
    [T.snsTopicPolicy]: "no charge",
    [T.snsTopicSubscription]: "no charge of its own: deliveries are billed with the topic's publishes",
    [T.lambdaPermission]: "IAM-like resource policy of a function: no charge",
    [T.eventSourceMapping]: "no charge of its own: the poller's SQS requests are billed at the queue, the invocations at the function",
    [T.eventRule]:
        "no charge for a rule: events are billed at the bus they are put on (AWS service events and schedules are not billed as custom events)",
    [T.eventTarget]: "no charge of its own: billed with the rule's events and the target's own use",
    [T.eventEndpoint]:
        'no charge of its own: global endpoints work "at no additional cost" (EventBridge user guide, "Making applications Regional-fault tolerant with global endpoints"); the replicated events are billed as custom events at the bus, its health check and alarm at their own types',
    [T.bucketNotification]: "no charge; the invocations are billed at the function",
    [T.apiIntegration]: "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts",
    [T.apiRoute]: "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts",
    [T.apiStage]:
        "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts; its access logs are billed at their log group",
    [T.apiAuthorizer]: "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts",
    [T.apiMapping]: "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts",
    [T.apiDomainName]:
        "part of the HTTP API: API Gateway bills an HTTP API's requests and data transferred out (its pricing page), not its parts; its ACM certificate is free",
    [T.cachePolicy]: "no charge of its own: a setting of the distribution, whose requests are billed at the distribution",
    [T.userPoolClient]: "no charge of its own: Cognito bills the pool's monthly active users, whatever client they sign in with",
    [T.managedLoginBranding]: "no charge of its own: a style for the managed login pages, billed with the pool's monthly active users",
    [T.userPoolDomain]:
        "no charge of its own seen on an AWS page: Cognito bills the pool's monthly active users (managed login is a feature of the pool's plan); its certificate is free and its record is an alias",
    [DYNAMIC.userPoolReplicaStatus.token]: "a Pulumi dynamic resource that sets the replica's status through the Cognito API; no AWS charge",
    [T.cacheGlobalDatastore]:
        "no fee of its own in the text read on https://aws.amazon.com/elasticache/pricing/ (2026-12-06: nodes by the hour, backup storage, data transfer within or across Regions): its members' nodes are counted at their replication groups, its cross-region traffic as transfer at the stack whose member is primary",
    [T.cacheSubnetGroup]: "no charge: ElastiCache bills nodes, backup storage and data transfer (its pricing page)",
    [T.cacheUser]: "no charge: ElastiCache bills nodes, backup storage and data transfer (its pricing page)",
    [T.cacheUserGroup]: "no charge: ElastiCache bills nodes, backup storage and data transfer (its pricing page)",
    [T.mountTarget]: "no charge of its own: EFS bills the file system's storage and throughput",
    [T.accessPoint]: "no charge of its own: EFS bills the file system's storage and throughput",
    [T.fileSystemPolicy]: "no charge: an IAM resource policy of the file system",
    [T.efsReplicationConfiguration]:
        "never planned (the replication is the FilesReplication dynamic resource's); its traffic and the destination's storage are billed, not the configuration",
    [DYNAMIC.cachePrimary.token]: "a Pulumi dynamic resource that promotes the Global Datastore's member through the ElastiCache API; no AWS charge",
    [DYNAMIC.filesPrimary.token]: "a Pulumi dynamic resource that makes the file system writable through the EFS API; no AWS charge",
    [DYNAMIC.filesReplication.token]:
        "a Pulumi dynamic resource that sets the file system's replication through the EFS API; no charge of its own: the traffic is priced as transfer at the source stack, the destination's storage at its stack",
};

export interface CostContext {
    /** The other stacks of the project (for what they hold of this stack's data, and inter-region traffic). */
    readonly peers: readonly StackFacts[];
    /** This stack's edge facts (distribution, web ACL, asset buckets, edge logs); read from the view when absent. */
    readonly edge?: EdgeFacts;
    /** The other stacks' edge facts (whose replication rules write into this stack's asset bucket). */
    readonly peerEdges?: readonly EdgeFacts[];
    /** What the config says of sign-in and the API (monthly active users, API requests). */
    readonly identityApi?: IdentityApiInput;
    /** This stack's cache and shared-files facts; read from the view when absent. */
    readonly cacheFiles?: CacheFilesFacts;
    /** The other stacks' (a Global Datastore secondary's node type is its primary's; a peer replicates into this file system). */
    readonly peerCacheFiles?: readonly CacheFilesFacts[];
    /** This stack's operations facts (alarms, dashboards, trail, GuardDuty, experiments); read from the view when absent. */
    readonly operations?: OperationsFacts;
    /** The other stacks' (the dashboards and trails the account holds once). */
    readonly peerOperations?: readonly OperationsFacts[];
}

/**
 * Whether a stack takes user traffic, as Route 53 answers: not while its health check is forced unhealthy;
 * a latency, weighted or simple record, or a failover PRIMARY, serves; a failover SECONDARY serves when no other
 * stack's PRIMARY can (absent, or forced unhealthy). `all` is every stack of the project, this one included.
 */
export function serves(f: StackFacts, all: readonly StackFacts[] = [f]): boolean {
    // Forced unhealthy: the check the region's record follows is (the storefront's, or the "region-serving" calculated
    // check, whose children are never inverted); without that link, every check is.
    const forced = (s: StackFacts) => {
        const followed = s.records.map((r) => r.healthCheck).filter((n): n is string => n !== undefined);
        const own = s.healthChecks.filter((h) => followed.includes(h.name));
        return own.length ? own.every((h) => h.inverted) : s.healthChecks.length > 0 && s.healthChecks.every((h) => h.inverted);
    };
    if (forced(f)) return false;
    const primaryElsewhere = all.some(
        (s) => s !== f && !forced(s) && s.records.some((r) => r.routing === "failover" && r.failoverRole === "PRIMARY"),
    );
    return f.records.some((r) => r.routing !== "failover" || r.failoverRole === "PRIMARY" || !primaryElsewhere);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function estimateCost(view: StackView, f: StackFacts, ctx: CostContext, c: Constants, sheet: PriceSheet): CostEstimate {
    const v = c.values;
    const H = v.hoursPerMonth;
    const prices = sheet.regions[view.region];
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    const of = (type: string) => ofType(view.resources, type);
    const add = (item: string, type: string, quantity: number, unit: string, price: number | undefined, basis: string) => {
        if (quantity === 0) return;
        const p = price === undefined ? null : price;
        if (p === null) unpriced.push(`${item}: no price in the sheet (${basis})`);
        lines.push({
            item,
            type,
            // Five decimals, rounded once (dividing twice leaves float tails such as 0.0000299…).
            quantity: Math.round(quantity * 1e5) / 1e5,
            unit,
            unitPriceUsd: p,
            monthlyUsd: p === null ? null : round2(quantity * p),
            basis,
        });
    };
    const edge = ctx.edge ?? edgeFacts(view);
    const unknownTypes = [...new Set(view.resources.map((r) => r.type))]
        .filter((t) => isCloudResource(t) && !(t in BILLABLE_TYPES) && !(t in FREE_TYPES))
        .sort();
    const sheetInfo = { label: sheet.label, date: sheet.date, source: sheet.source };
    if (!prices) {
        return {
            region: view.region,
            monthlyUsd: 0,
            lines,
            unpriced: [`the price sheet has no prices for region ${view.region}; it covers ${Object.keys(sheet.regions).join(", ")}`],
            unknownTypes,
            priceSheet: sheetInfo,
        };
    }

    // Traffic-driven usage lands on the regions that take traffic, shared evenly between them.
    const all = [f, ...ctx.peers];
    const servingCount = all.filter((s) => serves(s, all)).length;
    const share = serves(f, all) ? 1 / Math.max(1, servingCount) : 0;
    const shareText =
        share === 0 ? "this region takes no traffic" : `this region takes ${Math.round(share * 100)}% of traffic (${servingCount} serving region(s))`;

    // --- network -----------------------------------------------------------------------------------------
    const nat = of(T.natGateway).length;
    add("NAT gateway hours", T.natGateway, nat * H, "gateway-hours", prices.natGatewayHour, `${nat} gateway(s) × ${cite(c, "hoursPerMonth")}`);
    if (nat > 0)
        add(
            "NAT gateway data processed",
            T.natGateway,
            v.natProcessedGbPerMonth * share,
            "GB",
            prices.natGatewayGb,
            `${cite(c, "natProcessedGbPerMonth")}; ${shareText}`,
        );
    const eips = of(T.eip).length;
    add("public IPv4 addresses (Elastic IPs)", T.eip, eips * H, "address-hours", prices.publicIpv4Hour, `${eips} address(es) × ${H} h`);
    const iface = of(T.vpcEndpoint).filter((r) => get(r, "vpcEndpointType") === "Interface");
    const ifaceAzs = iface.reduce((a, r) => a + Math.max(1, arr(get(r, "subnetIds")).length || 1), 0);
    add(
        "interface VPC endpoints",
        T.vpcEndpoint,
        ifaceAzs * H,
        "endpoint-AZ-hours",
        prices.vpcInterfaceEndpointHour,
        `${iface.length} interface endpoint(s) over ${ifaceAzs} AZ(s); gateway endpoints are free`,
    );

    // --- web and application tiers -----------------------------------------------------------------------
    const albs = f.albs;
    add("Application Load Balancer hours", T.loadBalancer, albs * H, "ALB-hours", prices.albHour, `${albs} load balancer(s) × ${H} h`);
    if (albs > 0)
        add(
            "Application Load Balancer LCUs",
            T.loadBalancer,
            albs * v.albLcuPerHour * H * share,
            "LCU-hours",
            prices.albLcuHour,
            `${cite(c, "albLcuPerHour")}; ${shareText}`,
        );
    for (const w of f.web) {
        const price = w.instanceType ? prices.ec2Hour[w.instanceType] : undefined;
        add(
            `EC2 ${w.instanceType ?? "(unknown type)"} instances (${w.name})`,
            T.asg,
            w.desired * H,
            "instance-hours",
            price,
            `desiredCapacity ${w.desired} (min ${w.min}, max ${w.max}) × ${H} h${w.instanceType ? "" : "; the launch template's instance type is not visible"}`,
        );
    }
    for (const s of f.services) {
        if (!s.fargate) {
            unpriced.push(`ECS service ${s.name}: not a Fargate service; only Fargate is priced`);
            continue;
        }
        if (s.vcpu === undefined || s.memoryGb === undefined) {
            unpriced.push(`ECS service ${s.name}: task size not visible`);
            continue;
        }
        add(
            `Fargate vCPU (${s.name})`,
            T.ecsService,
            s.desired * s.vcpu * H,
            "vCPU-hours",
            prices.fargateVcpuHour,
            `desiredCount ${s.desired} × ${s.vcpu} vCPU × ${H} h`,
        );
        add(
            `Fargate memory (${s.name})`,
            T.ecsService,
            s.desired * s.memoryGb * H,
            "GB-hours",
            prices.fargateGbHour,
            `desiredCount ${s.desired} × ${s.memoryGb} GB × ${H} h`,
        );
    }

    // --- Aurora ------------------------------------------------------------------------------------------
    for (const a of f.aurora) {
        const byClass = new Map<string, number>();
        for (const k of a.instanceClasses) byClass.set(k, (byClass.get(k) ?? 0) + 1);
        for (const [k, n] of byClass)
            add(
                `Aurora ${k} instances (${a.name})`,
                T.clusterInstance,
                n * H,
                "instance-hours",
                prices.auroraPostgresHour[k],
                `${n} instance(s) × ${H} h`,
            );
        add(
            `Aurora storage (${a.name})`,
            T.rdsCluster,
            v.auroraStorageGb,
            "GB-months",
            prices.auroraStorageGbMonth,
            `${cite(c, "auroraStorageGb")}; every region of a global database stores a full copy`,
        );
        const isSecondary = !a.writer;
        if (a.ioOptimized) unpriced.push(`Aurora ${a.name}: I/O-Optimized storage is not in the sheet; Standard prices are used and I/O is left out`);
        else if (isSecondary)
            add(
                `Aurora replicated write I/O (${a.name})`,
                T.rdsCluster,
                v.auroraReplicatedWriteIoMillionsPerMonth,
                "million I/Os",
                prices.auroraReplicatedWriteIoMillion,
                `secondary of the global database: ${cite(c, "auroraReplicatedWriteIoMillionsPerMonth")}`,
            );
        else
            add(
                `Aurora I/O (${a.name})`,
                T.rdsCluster,
                v.auroraIoMillionsPerMonth,
                "million I/Os",
                prices.auroraIoMillion,
                `writer cluster: ${cite(c, "auroraIoMillionsPerMonth")}`,
            );
        if (a.managedSecret)
            add(
                `RDS-managed master secret (${a.name})`,
                T.rdsCluster,
                1,
                "secret-months",
                prices.secretMonth,
                "manageMasterUserPassword: Secrets Manager bills the secret",
            );
    }

    // --- DynamoDB ----------------------------------------------------------------------------------------
    const peerReplicas = ctx.peers.flatMap((p) => p.replicas);
    for (const t of f.tables) {
        const global = t.inlineReplicaRegions.length > 0 || peerReplicas.some((r) => replicates(r, t));
        dynamoLines(t.name, T.table, global, t.provisioned, t.readCapacity, t.writeCapacity, t.pitr, `table ${t.name}`);
    }
    for (const r of f.replicas) {
        const base = tableOf(
            r,
            ctx.peers.flatMap((p) => p.tables),
        );
        dynamoLines(
            base?.name ?? r.name,
            T.tableReplica,
            true,
            base?.provisioned ?? false,
            base?.readCapacity ?? 0,
            base?.writeCapacity ?? 0,
            r.pitr,
            base ? `replica of table ${base.name}` : `replica ${r.name} (its table is not visible: priced as on-demand)`,
        );
    }
    function dynamoLines(name: string, type: string, global: boolean, provisioned: boolean, rcu: number, wcu: number, pitr: boolean, what: string) {
        const p = prices as RegionPrices;
        if (provisioned) {
            add(
                `DynamoDB ${global ? "replicated " : ""}WCU (${name})`,
                type,
                wcu * H,
                "WCU-hours",
                global ? p.dynamoReplicatedWcuHour : p.dynamoWcuHour,
                `${what}: writeCapacity ${wcu} × ${H} h${global ? "; a global table's writes are billed as replicated WCUs in every region" : ""}`,
            );
            add(`DynamoDB RCU (${name})`, type, rcu * H, "RCU-hours", p.dynamoRcuHour, `${what}: readCapacity ${rcu} × ${H} h`);
        } else {
            add(
                `DynamoDB ${global ? "replicated " : ""}writes (${name})`,
                type,
                v.dynamoWriteMillionsPerMonth,
                "million write units",
                global ? p.dynamoReplicatedWriteRequestMillion : p.dynamoWriteRequestMillion,
                `${what}, on-demand: ${cite(c, "dynamoWriteMillionsPerMonth")}${global ? "; every region of a global table is billed for every write" : ""}`,
            );
            add(
                `DynamoDB reads (${name})`,
                type,
                v.dynamoReadMillionsPerMonth * share,
                "million read units",
                p.dynamoReadRequestMillion,
                `${what}, on-demand: ${cite(c, "dynamoReadMillionsPerMonth")}; ${shareText}`,
            );
        }
        add(
            `DynamoDB storage (${name})`,
            type,
            v.dynamoStorageGbPerTable,
            "GB-months",
            p.dynamoStorageGbMonth,
            `${what}: ${cite(c, "dynamoStorageGbPerTable")}`,
        );
        if (pitr)
            add(
                `DynamoDB point-in-time recovery (${name})`,
                type,
                v.dynamoStorageGbPerTable,
                "GB-months",
                p.dynamoPitrGbMonth,
                `${what}: PITR enabled, priced on the table size`,
            );
    }

    // --- backups -----------------------------------------------------------------------------------------
    const vaults = of(T.backupVault);
    const receives = f.backupRules.length > 0 || ctx.peers.some((p) => p.backupRules.some((r) => r.copyRegions.includes(f.region)));
    if (vaults.length > 0) {
        // Blend the two backup storage prices by the sizes of what is backed up.
        const auroraGb = v.auroraStorageGb;
        const dynamoGb = v.dynamoStorageGbPerTable * Math.max(f.tables.length, ...ctx.peers.map((p) => p.tables.length), 0);
        const blended =
            auroraGb + dynamoGb > 0
                ? (auroraGb * prices.backupAuroraGbMonth + dynamoGb * prices.backupDynamoGbMonth) / (auroraGb + dynamoGb)
                : prices.backupAuroraGbMonth;
        if (receives)
            add(
                "AWS Backup storage",
                T.backupVault,
                v.backupStorageGb,
                "GB-months",
                Math.round(blended * 10000) / 10000,
                `${cite(c, "backupStorageGb")} in ${vaults.length} vault(s); price blended by size: Aurora ${auroraGb} GB, DynamoDB ${dynamoGb} GB`,
            );
        else
            lines.push({
                item: "AWS Backup vault",
                type: T.backupVault,
                quantity: vaults.length,
                unit: "vaults",
                unitPriceUsd: 0,
                monthlyUsd: 0,
                basis: "no backup rule writes to or copies into this region's vault",
            });
    }

    // --- DNS and recovery control ------------------------------------------------------------------------
    for (const h of f.healthChecks) {
        const type = h.protocol ?? "";
        if (type === "CALCULATED") {
            // The region-serving check: no price read for a calculated check (UNPRICED_USAGE says why), as the API's.
            lines.push({
                item: `Route 53 health check (${h.name})`,
                type: T.healthCheck,
                quantity: 1,
                unit: "check-months",
                unitPriceUsd: null,
                monthlyUsd: null,
                basis: `CALCULATED check over ${h.children?.length ?? "its"} child check(s) on CloudWatch alarms${f.records.some((r) => r.healthCheck === h.name) ? ": the one the region's record follows (operations.healthSignal region-serving)" : ""}`,
            });
            if (!unpriced.includes(UNPRICED_USAGE[T.healthCheck])) unpriced.push(UNPRICED_USAGE[T.healthCheck]);
            continue;
        }
        const parent = f.healthChecks.find((p) => p.children?.includes(h.name));
        add(
            `Route 53 health check (${h.name})`,
            T.healthCheck,
            1,
            "check-months",
            prices.route53HealthCheckMonth,
            type === "CLOUDWATCH_METRIC"
                ? `health check on CloudWatch alarm ${h.alarmName ?? "(unset)"}${parent ? `, a child of the calculated check ${parent.name}` : ""}: assumed priced as a basic check of an AWS endpoint (not confirmed on the pricing page; see the price sheet's notes)`
                : `${type || "endpoint"} health check on an AWS endpoint${type === "RECOVERY_CONTROL" ? " (assumed priced as a basic check)" : ""}`,
        );
        if (h.features.length)
            add(
                `Route 53 health check features (${h.name})`,
                T.healthCheck,
                h.features.length,
                "feature-months",
                prices.route53HealthCheckFeatureMonth,
                h.features.join(", "),
            );
    }
    const records = of(T.record).length;
    if (records > 0)
        lines.push({
            item: "Route 53 records",
            type: T.record,
            quantity: records,
            unit: "records",
            unitPriceUsd: prices.route53RecordMonth,
            monthlyUsd: round2(records * prices.route53RecordMonth),
            basis: "records are included in the hosted zone's fee; queries to alias records of AWS resources are free",
        });
    const arc = f.arcClusters;
    add(
        "ARC cluster hours",
        T.arcCluster,
        arc * H,
        "cluster-hours",
        prices.arcClusterHour,
        `${arc} Application Recovery Controller cluster(s) × ${H} h`,
    );

    // --- keys, logs, alarms, secrets, registries, buckets ----------------------------------------------
    const keys = of(T.kmsKey).length + of(T.kmsReplicaKey).length;
    const edgeGroups = edgeLogGroupsOf(view.resources);
    const edgeKeys = of(T.kmsKey).filter((k) => edgeGroups.some((g) => refersTo(g, "kmsKeyId", k))).length;
    const ops = ctx.operations ?? operationsFacts(view);
    const topicKeys = new Set(ops.alarmTopics.flatMap((t) => t.keys)).size;
    add(
        "KMS customer managed keys",
        T.kmsKey,
        keys,
        "key-months",
        prices.kmsKeyMonth,
        `${keys} key(s), multi-Region replicas included${edgeKeys ? `, ${edgeKeys} of them for the edge's logs` : ""}${topicKeys ? `, ${topicKeys} of them for the alarm topics` : ""}; requests left out`,
    );
    const logGroups = of(T.logGroup).length - edgeGroups.length;
    add(
        "CloudWatch Logs ingestion",
        T.logGroup,
        logGroups * v.logsIngestGbPerMonthPerGroup,
        "GB",
        prices.logsIngestGb,
        `${logGroups} log group(s) × ${cite(c, "logsIngestGbPerMonthPerGroup")}; storage left out`,
    );
    const secrets = of(T.secret).length;
    add("Secrets Manager secrets", T.secret, secrets, "secret-months", prices.secretMonth, `${secrets} secret(s)`);
    const repos = of(T.ecrRepository).length;
    add(
        "ECR storage",
        T.ecrRepository,
        repos * v.ecrStorageGbPerRepository,
        "GB-months",
        prices.ecrStorageGbMonth,
        `${repos} repositor(ies) × ${cite(c, "ecrStorageGbPerRepository")}`,
    );
    const buckets = of(T.bucket).length + of(T.bucketV2).length - edge.assetBuckets.length;
    add(
        "S3 storage",
        T.bucketV2,
        buckets * v.s3StorageGbPerBucket,
        "GB-months",
        prices.s3StandardGbMonth,
        `${buckets} bucket(s) × ${cite(c, "s3StorageGbPerBucket")}${edge.assetBuckets.length ? "; the asset buckets are priced below" : ""}`,
    );

    // --- edge: CloudFront, AWS WAF, edge logs, asset buckets and their replication -------------------------
    edgeLines({ add, lines, f, edge, peerEdges: ctx.peerEdges ?? [], c, prices, share, shareText, edgeGroups: edge.edgeLogGroups });

    // --- inter-region transfer: from a region that holds data to each peer that receives a copy -----------
    const holdsData = f.aurora.some((a) => a.writer) || f.tables.length > 0 || f.backupRules.length > 0;
    if (holdsData) {
        const receivers = ctx.peers.filter(
            (p) => p.aurora.some((a) => !a.writer) || p.replicas.length > 0 || f.backupRules.some((r) => r.copyRegions.includes(p.region)),
        );
        add(
            "inter-region data transfer",
            "transfer",
            receivers.length * v.interRegionTransferGbPerMonth,
            "GB",
            prices.interRegionTransferGb,
            `to ${receivers.length} region(s) holding replicas or backup copies (${receivers.map((p) => p.region).join(", ") || "none"}): ${cite(c, "interRegionTransferGbPerMonth")} each`,
        );
    }

    // --- the order pipeline -----------------------------------------------------------------------------------
    pipelineLines({ add, lines, unpriced, view, c, prices, share, shareText });

    // --- sign-in and the API -------------------------------------------------------------------------------
    identityApiLines({ add, lines, unpriced, view, c, prices, share, shareText, input: ctx.identityApi ?? {} });

    // --- the cache and the shared files ----------------------------------------------------------------------
    cacheFilesLines({ add, lines, unpriced, f, c, prices, own: ctx.cacheFiles ?? cacheFilesFacts(view), peers: ctx.peerCacheFiles ?? [] });

    // --- operations: alarms, dashboards, alarm topics, the trail, GuardDuty, fault-injection templates ------------
    const operations = operationsLines({
        lines,
        unpriced,
        own: ops,
        peers: ctx.peerOperations ?? [],
        c,
        pricesIn: (region) => sheet.regions[region],
    });

    const monthly = round2(lines.reduce((a, l) => a + (l.monthlyUsd ?? 0), 0));
    return { region: view.region, monthlyUsd: monthly, lines, unpriced, unknownTypes, priceSheet: sheetInfo, operations };
}

type Add = (item: string, type: string, quantity: number, unit: string, price: number | undefined, basis: string) => void;

interface EdgeLineArgs {
    readonly add: Add;
    readonly lines: CostLine[];
    readonly f: StackFacts;
    readonly edge: EdgeFacts;
    readonly peerEdges: readonly EdgeFacts[];
    readonly c: Constants;
    readonly prices: RegionPrices;
    /** This region's share of the traffic (and, by assumption, of the assets published). */
    readonly share: number;
    readonly shareText: string;
    /** Names of the log groups that receive the edge's logs. */
    readonly edgeGroups: readonly string[];
}

interface PipelineLineArgs {
    readonly add: Add;
    readonly lines: CostLine[];
    readonly unpriced: string[];
    readonly view: StackView;
    readonly c: Constants;
    readonly prices: RegionPrices;
    /** This region's share of the traffic: the orders are accepted, and processed, where their requests are served. */
    readonly share: number;
    readonly shareText: string;
}

/** The functions on an order's path, whose memory its invocations are billed at. */
const ORDER_PATH_FUNCTIONS = ["securecart-order-processor", "securecart-fulfilment", "securecart-notifier"];
const RECONCILER_FUNCTION = "securecart-order-reconciler";

/**
 * The order pipeline's monthly lines. Everything it bills is use: requests, GB-seconds, transitions, messages and
 * events, multiplied from the orders this region processes (its share of ordersPerMonth) and the per-order counts
 * in constants.ts; the reconciler's scheduled runs add to the primary's. A region that processes no orders shows
 * one line at $0 saying why (queues only; consumers off; consumers on but no traffic). Free tiers are not deducted.
 */
function pipelineLines(a: PipelineLineArgs): void {
    const { add, lines, unpriced, view, c, prices, share, shareText } = a;
    const v = c.values;
    const pf: PipelineFacts = pipelineFacts(view);
    if (pf.queues === 0 && !pf.exists) return;
    const of = (type: string) => ofType(view.resources, type);
    const orders = pf.exists ? v.ordersPerMonth * share : 0;
    const runs = pf.reconciler?.enabled && pf.reconciler.intervalSeconds ? (v.hoursPerMonth * 3600) / pf.reconciler.intervalSeconds : 0;
    const polling = pf.mappings.enabled > 0;
    const idle = (why: string) =>
        lines.push({ item: "order pipeline", type: T.sqsQueue, quantity: 0, unit: "orders", unitPriceUsd: 0, monthlyUsd: 0, basis: why });
    const ordersText = `${cite(c, "ordersPerMonth")}; ${shareText}`;

    if (!pf.exists)
        idle(
            `only the pipeline's ${pf.queues} queue(s) and their log groups here (no functions, bus, topics or saga): no requests in steady state; the log groups are priced with the others`,
        );
    else if (orders === 0 && runs === 0)
        idle(
            polling
                ? `consumers on (${pf.mappings.enabled} event source mapping(s)) but ${shareText}: no orders to process; the pollers' empty receives are SQS requests (not priced, see below)`
                : `consumers off (${pf.mappings.total} event source mapping(s) disabled) and ${shareText}: idle functions, bus, topics and saga cost nothing until the promotion turns them on`,
        );

    // Lambda: per-order invocations at the order path's memory; the reconciler's runs at its own.
    const pathMem = ORDER_PATH_FUNCTIONS.map((n) => pf.memoryMb[n]).filter((m): m is number => m !== undefined);
    const orderMemGb = (pathMem.length ? pathMem.reduce((x, y) => x + y, 0) / pathMem.length : 128) / 1024;
    const reconcilerMemGb = (pf.memoryMb[RECONCILER_FUNCTION] ?? 128) / 1024;
    const invocations = orders * v.lambdaInvocationsPerOrder;
    const runText = runs ? `; plus the reconciler's ${Math.round(runs)} scheduled run(s) (${pf.reconciler?.expression} × ${v.hoursPerMonth} h)` : "";
    add(
        "Lambda requests (order pipeline)",
        T.lambdaFunction,
        (invocations + runs) / 1e6,
        "million requests",
        prices.lambdaRequestMillion,
        `${ordersText}; × ${cite(c, "lambdaInvocationsPerOrder")}${runText}; free tier not deducted`,
    );
    const seconds = v.lambdaDurationMs / 1000;
    add(
        "Lambda duration (order pipeline)",
        T.lambdaFunction,
        invocations * seconds * orderMemGb + runs * seconds * reconcilerMemGb,
        "GB-seconds",
        prices.lambdaGbSecond,
        `${Math.round(invocations)} order invocation(s) × ${cite(c, "lambdaDurationMs")} × ${orderMemGb * 1024} MB (the order path's memorySize)${runs ? ` + ${Math.round(runs)} reconciler run(s) × ${reconcilerMemGb * 1024} MB` : ""}; x86; free tier not deducted; the reconciler's DynamoDB scans and the thumbnailer's uploads are left out`,
    );
    if (of(T.stateMachine).length)
        add(
            "Step Functions state transitions (order saga)",
            T.stateMachine,
            (orders * v.sagaTransitionsPerOrder) / 1000,
            "thousand transitions",
            prices.stepFunctionsTransition1k,
            `${ordersText}; × ${cite(c, "sagaTransitionsPerOrder")} (Standard workflow; retries add transitions); free tier not deducted`,
        );

    // SQS, SNS, EventBridge: the volume, without a price (UNPRICED_USAGE says why).
    const volume = (item: string, type: string, quantity: number, unit: string, basis: string) => {
        lines.push({ item, type, quantity: Math.round(quantity * 1e5) / 1e5, unit, unitPriceUsd: null, monthlyUsd: null, basis });
        if (!unpriced.includes(UNPRICED_USAGE[type])) unpriced.push(UNPRICED_USAGE[type]);
    };
    if (orders > 0 || polling)
        volume(
            "SQS requests (order pipeline)",
            T.sqsQueue,
            (orders * v.sqsRequestsPerOrder) / 1e6,
            "million requests",
            `${ordersText}; × ${cite(c, "sqsRequestsPerOrder")}${polling ? `; plus the empty receives of ${pf.mappings.enabled} enabled mapping(s), not counted` : ""}`,
        );
    if (orders > 0 && of(T.snsTopic).length)
        volume(
            "SNS publishes (order pipeline)",
            T.snsTopic,
            (orders * v.snsPublishesPerOrder) / 1e6,
            "million publishes",
            `${ordersText}; × ${cite(c, "snsPublishesPerOrder")}; deliveries to the SQS queue not billed as publishes`,
        );
    if (orders > 0 && of(T.eventBus).length)
        volume(
            "EventBridge custom events (order bus)",
            T.eventBus,
            (orders * v.eventsPerOrder) / 1e6,
            "million events",
            `${ordersText}; × ${cite(c, "eventsPerOrder")}; the DLQ watcher's alarm events and the reconciler's schedule are AWS events, not billed as custom events`,
        );
    if (pf.endpoint?.replication)
        volume(
            `EventBridge replicated events (global endpoint ${pf.endpoint.name})`,
            T.eventBus,
            (v.ordersPerMonth * v.eventsPerOrder) / 1e6,
            "million events",
            `every order event put through the endpoint, whichever region puts it (${cite(c, "ordersPerMonth")} × ${cite(c, "eventsPerOrder")}), is copied to the bus in ${pf.endpoint.secondaryRegion ?? "the secondary region"}; counted at ${view.stack}, which owns the endpoint`,
        );

    // The global endpoint's health check: left out of the stack's DNS facts (it routes events, not users), so priced here.
    for (const h of of(T.healthCheck).filter(isEventEndpointHealthCheck))
        add(
            `Route 53 health check (${h.name}, the order events' global endpoint)`,
            T.healthCheck,
            1,
            "check-months",
            prices.route53HealthCheckMonth,
            `health check on CloudWatch alarm ${pf.endpoint?.alarm?.alarm ?? "(not readable)"}: assumed priced as a basic check of an AWS endpoint (see the price sheet's notes); its alarm is counted in the CloudWatch alarms line`,
        );
}

/**
 * The HTTP API's first price tier, in million requests a month: $1.00 per million up to it, $0.90 above (the AWS
 * whitepaper "Best Practices for Designing Amazon API Gateway Private APIs and Private Integration", Cost
 * optimization, Table 4, read 2026-12-06; see the price sheet's notes).
 */
const HTTP_API_FIRST_TIER_MILLIONS = 300;

interface IdentityApiLineArgs extends Omit<PipelineLineArgs, "share" | "shareText"> {
    /** This region's share of the traffic: the API's requests are served where Route 53 answers, as the storefront's. */
    readonly share: number;
    readonly shareText: string;
    readonly input: IdentityApiInput;
}

/**
 * Sign-in's and the API's monthly lines. The user pool's monthly active users and its replication are billed to the
 * stack that owns the pool and creates the replica (the home stack), with the volume from the config and no price
 * (UNPRICED_USAGE says why). The API's requests land where the region serves, at the whitepaper's tiers, plus the
 * keep-alive probe's daily request; its VPC link and its health checks carry no price from an AWS page. The internal
 * load balancer is one of the stack's load balancers, priced with the others.
 */
function identityApiLines(a: IdentityApiLineArgs): void {
    const { add, lines, unpriced, view, c, prices, share, shareText, input } = a;
    const v = c.values;
    const f = identityApiFacts(view, input);
    const volume = (item: string, type: string, quantity: number, unit: string, basis: string) => {
        lines.push({ item, type, quantity: Math.round(quantity * 1e5) / 1e5, unit, unitPriceUsd: null, monthlyUsd: null, basis });
        if (!unpriced.includes(UNPRICED_USAGE[type])) unpriced.push(UNPRICED_USAGE[type]);
    };
    const mau = input.monthlyActiveUsers;
    const mauText =
        mau === undefined
            ? "identity.monthlyActiveUsers not given (the policy's view): 0 shown"
            : `identity.monthlyActiveUsers = ${mau} MAUs (config)`;
    if (f.pool) {
        volume(
            `Cognito monthly active users (${f.pool.name}, ${f.pool.tier} plan)`,
            T.userPool,
            mau ?? 0,
            "MAUs",
            `${mauText}; feature plan ${f.pool.tier} (identity.featurePlan); billed to ${view.stack}, which owns the pool, whichever region signs them in`,
        );
        for (const region of f.pool.replicaRegions)
            volume(
                `Cognito multi-Region replication (${f.pool.name} → ${region})`,
                T.userPoolReplica,
                mau ?? 0,
                "MAUs",
                `${mauText}, assumed billed per MAU like the plan (not confirmed on an AWS page); the replica in ${region} is created by ${view.stack}`,
            );
    }
    if (!f.api) return;
    const probe = f.api.keepAlive;
    const runs = probe?.intervalSeconds ? (v.hoursPerMonth * 3600) / probe.intervalSeconds : 0;
    const requests = (input.apiMonthlyRequests ?? 0) * share + runs;
    const millions = requests / 1e6;
    const reqText =
        input.apiMonthlyRequests === undefined
            ? "api.monthlyRequests not given (the policy's view)"
            : `api.monthlyRequests = ${input.apiMonthlyRequests} requests (config); ${shareText}`;
    const probeText = runs ? `; plus the keep-alive probe's ${Math.round(runs)} request(s) (${probe?.expression} × ${v.hoursPerMonth} h)` : "";
    const first = Math.min(millions, HTTP_API_FIRST_TIER_MILLIONS);
    if (millions === 0)
        lines.push({
            item: `API Gateway HTTP API requests (${f.api.name})`,
            type: T.httpApi,
            quantity: 0,
            unit: "million requests",
            unitPriceUsd: prices.apiGatewayHttpRequestMillion,
            monthlyUsd: 0,
            basis: `${reqText}: no requests`,
        });
    add(
        `API Gateway HTTP API requests (${f.api.name})`,
        T.httpApi,
        first,
        "million requests",
        prices.apiGatewayHttpRequestMillion,
        `${reqText}${probeText}; the first ${HTTP_API_FIRST_TIER_MILLIONS} million a month; requests over 512 KB count more than once, not modelled; free tier not deducted`,
    );
    if (millions > HTTP_API_FIRST_TIER_MILLIONS)
        add(
            `API Gateway HTTP API requests above ${HTTP_API_FIRST_TIER_MILLIONS} million (${f.api.name})`,
            T.httpApi,
            millions - HTTP_API_FIRST_TIER_MILLIONS,
            "million requests",
            prices.apiGatewayHttpRequestMillionOver300M,
            `${reqText}${probeText}: the requests above the first tier`,
        );
    for (const link of f.api.vpcLinks)
        volume(
            `API Gateway VPC link (${link})`,
            T.vpcLink,
            1,
            "links",
            `one VPC link to the services' internal load balancer; idle links go INACTIVE after 60 days, which the keep-alive probe prevents`,
        );
    // A check on a CloudWatch alarm is priced as the region's own is (the same labelled assumption); the CALCULATED
    // check has no price read at all.
    for (const h of f.api.checks)
        if (h === f.api.check?.name)
            volume(
                `Route 53 health check (${h}, the API's)`,
                T.healthCheck,
                1,
                "check-months",
                "the API's CALCULATED check over the region's check and the services'",
            );
        else
            add(
                `Route 53 health check (${h}, the API's)`,
                T.healthCheck,
                1,
                "check-months",
                prices.route53HealthCheckMonth,
                "the API's check on a service's CloudWatch alarm: assumed priced as a basic check of an AWS endpoint, as the region's own (see the price sheet's notes); its alarm is counted in the CloudWatch alarms line",
            );
    if (probe && runs > 0) {
        add(
            `Lambda requests (API keep-alive probe ${probe.name})`,
            T.lambdaFunction,
            runs / 1e6,
            "million requests",
            prices.lambdaRequestMillion,
            `schedule ${probe.expression}: ${Math.round(runs)} invocation(s) over ${v.hoursPerMonth} h; free tier not deducted`,
        );
        add(
            `Lambda duration (API keep-alive probe ${probe.name})`,
            T.lambdaFunction,
            runs * (v.lambdaDurationMs / 1000) * (probe.memoryMb / 1024),
            "GB-seconds",
            prices.lambdaGbSecond,
            `${Math.round(runs)} invocation(s) × ${cite(c, "lambdaDurationMs")} (the pipeline functions' average, assumed for the probe) × ${probe.memoryMb} MB; x86; free tier not deducted`,
        );
    }
}

interface CacheFilesLineArgs {
    readonly add: Add;
    readonly lines: CostLine[];
    readonly unpriced: string[];
    readonly f: StackFacts;
    readonly c: Constants;
    readonly prices: RegionPrices;
    readonly own: CacheFilesFacts;
    readonly peers: readonly CacheFilesFacts[];
}

/**
 * The cache's and the shared files' monthly lines. Each region's cache runs its node count at its node type (a Global
 * Datastore secondary at its primary's, a cold standby at cache.coldNodeType) around the clock: the volume is shown,
 * unpriced (UNPRICED_USAGE says why). A file system that holds the data (the primary's, backed up or promoted here, and
 * a replication destination) is priced as `filesStorageGb` of EFS Standard; a backup-restore standby's stays empty until
 * a restore. The replication traffic (the Global Datastore's, the file system's) is paid by the stack that sends it,
 * at the sheet's inter-region rate: how AWS bills either was not in the text read, so that is a labelled assumption.
 */
function cacheFilesLines(a: CacheFilesLineArgs): void {
    const { add, lines, unpriced, f, c, prices, own, peers } = a;
    const v = c.values;
    const g = own.cache;
    if (g) {
        const t = cacheNodeType(own, peers);
        const other = peers.find((x) => x.cache?.nodeType && x.cache.nodeType !== t.type);
        const typeText = t.inheritedFrom
            ? `${t.type}, inherited from the Global Datastore member that sets one (${t.inheritedFrom}'s)`
            : `nodeType ${t.type ?? "(not visible)"}${other ? `; ${other.stack}'s is ${other.cache!.nodeType}` : ""}`;
        lines.push({
            item: `ElastiCache ${t.type ?? "(unknown type)"} nodes (${g.id})`,
            type: T.cacheReplicationGroup,
            quantity: (g.nodes ?? 0) * v.hoursPerMonth,
            unit: "node-hours",
            unitPriceUsd: null,
            monthlyUsd: null,
            basis: `numCacheClusters ${g.nodes ?? "(not set)"} (a primary and its replica, Multi-AZ) × ${cite(c, "hoursPerMonth")}; ${typeText}; automatic snapshots kept ${g.snapshotRetentionDays} day(s): their storage is left out (no price read)`,
        });
        if (!unpriced.includes(UNPRICED_USAGE[T.cacheReplicationGroup])) unpriced.push(UNPRICED_USAGE[T.cacheReplicationGroup]);
        const secondary = peers.find((x) => x.cache?.member);
        if (own.cachePrimary && g.member && secondary)
            add(
                `ElastiCache Global Datastore replication transfer (${g.id} → ${secondary.region})`,
                "transfer",
                v.cacheReplicatedGbPerMonth,
                "GB",
                prices.interRegionTransferGb,
                `${cite(c, "cacheReplicatedGbPerMonth")}: every write to ${own.stack}'s primary member reaches ${secondary.stack}'s secondary; assumed billed as inter-region transfer out of ${f.region} at the sheet's rate (the pricing page's text read on 2026-12-06 names data transfer across Regions as a cost, with no rate for a Global Datastore)`,
            );
    }
    const fs = own.files;
    if (!fs) return;
    const selected = f.backupSelected ?? [];
    const backedUp =
        selected.includes("*") || (fs.arn !== undefined && selected.includes(fs.arn)) || (fs.urn !== undefined && selected.includes(fs.urn));
    const source = peers.find((x) => x.filesReplication?.destinationRegion === own.region);
    const why = own.filesReplication
        ? `${own.stack}'s file system replicates into ${str(own.filesReplication.destinationRegion) ?? "another region"}`
        : source
          ? `the destination of ${source.stack}'s replication: a full copy`
          : own.filesPrimary
            ? `${own.stack} makes it the writable one (FilesPrimary)`
            : backedUp
              ? `${own.stack} backs it up: it is the one written`
              : undefined;
    if (why === undefined)
        lines.push({
            item: `EFS storage (${fs.name})`,
            type: T.fileSystem,
            quantity: 0,
            unit: "GB-months",
            unitPriceUsd: prices.efsStandardGbMonth,
            monthlyUsd: 0,
            basis: `${own.stack}'s file system is neither replicated into, backed up nor promoted here: empty until a restore (a backup-restore standby's)`,
        });
    else
        add(
            `EFS storage (${fs.name})`,
            T.fileSystem,
            v.filesStorageGb,
            "GB-months",
            prices.efsStandardGbMonth,
            `${cite(c, "filesStorageGb")}; ${why}; all at the Standard rate, though files its lifecycle policy moves to Infrequent Access cost less (no IA price read); Elastic Throughput's per-GB reads and writes are left out (no price read)`,
        );
    if (own.filesReplication?.destinationRegion && own.filesReplication.destinationRegion !== own.region)
        add(
            `EFS replication transfer (${fs.name} → ${String(str(own.filesReplication.destinationRegion))})`,
            "transfer",
            v.filesChangedGbPerMonth,
            "GB",
            prices.interRegionTransferGb,
            `${cite(c, "filesChangedGbPerMonth")}, all replicated; assumed billed as inter-region transfer out of ${f.region} at the sheet's rate (how EFS replication is billed was not in the text read on https://aws.amazon.com/efs/pricing/, 2026-12-06); the destination's storage is priced at its own stack`,
        );
}

/** Price key of an S3 storage class, where the sheet has one. */
const STORAGE_CLASS_PRICE: Readonly<Record<string, PriceKey>> = { STANDARD: "s3StandardGbMonth", STANDARD_IA: "s3StandardIaGbMonth" };

/**
 * The edge's monthly lines. The distribution and the web ACL are global and owned by one stack, which pays for
 * all of the application's requests whichever region serves them. Each asset bucket's storage is paid by its own
 * stack, in the class its objects are in: the objects published there are Standard; a region that takes no
 * traffic holds replicas, in the class the other stacks' replication rules write them in. Replication (RTC and
 * the inter-region transfer) is paid by the source stack, for what is published there.
 */
function edgeLines(a: EdgeLineArgs): void {
    const { add, lines, f, edge, peerEdges, c, prices, share, shareText } = a;
    const v = c.values;
    for (const d of edge.distributions) {
        add(
            `CloudFront data transfer out (${d.name})`,
            T.cloudfrontDistribution,
            v.edgeGbOutPerMonth,
            "GB",
            prices.cloudfrontDataTransferOutGb,
            `${cite(c, "edgeGbOutPerMonth")}: all of the application's traffic passes this distribution whichever region serves, so ${f.stack}, which owns it, pays it all; first-10-TB rate, free tier not deducted; origin fetches from S3 and the ALB are free`,
        );
        add(
            `CloudFront HTTPS requests (${d.name})`,
            T.cloudfrontDistribution,
            v.edgeRequestsMillionsPerMonth * 100,
            "10k requests",
            prices.cloudfrontHttpsRequest10k,
            `${cite(c, "edgeRequestsMillionsPerMonth")}, all HTTPS; paid by ${f.stack}, which owns the distribution`,
        );
    }
    for (const acl of edge.webAcls) {
        add(`AWS WAF web ACL (${acl.name})`, T.webAcl, 1, "ACL-months", prices.wafWebAclMonth, `one web ACL, owned by ${f.stack}`);
        const managed = acl.managedRuleGroups.length;
        add(
            `AWS WAF rules (${acl.name})`,
            T.webAcl,
            acl.rules,
            "rule-months",
            prices.wafRuleMonth,
            `${acl.rules} rule(s) planned: ${managed} AWS managed rule group(s)${managed ? ` (${acl.managedRuleGroups.join(", ")}; each one rule, with no charge of its own)` : ""} and ${acl.rules - managed} other(s)`,
        );
        if (acl.attached || edge.distributions.some((d) => d.webAcl))
            add(
                `AWS WAF requests (${acl.name})`,
                T.webAcl,
                v.edgeRequestsMillionsPerMonth,
                "million requests",
                prices.wafRequestMillion,
                `every request of the distribution it is attached to: ${cite(c, "edgeRequestsMillionsPerMonth")}`,
            );
    }
    if (a.edgeGroups.length) {
        const gbPerGroup = (v.edgeRequestsMillionsPerMonth * 1e6 * v.edgeLogBytesPerRequest) / 1e9;
        add(
            "CloudWatch Logs ingestion (edge: WAF and CloudFront access logs)",
            T.logGroup,
            a.edgeGroups.length * gbPerGroup,
            "GB",
            prices.logsIngestGb,
            `${a.edgeGroups.length} log group(s) (${a.edgeGroups.join(", ")}), each: ${cite(c, "edgeRequestsMillionsPerMonth")} × ${cite(c, "edgeLogBytesPerRequest")}; vended logs at the first-tier rate; storage left out`,
        );
    }

    // Replicas the other stacks' rules write into this stack's buckets.
    const incomingTo = (bucket: string) =>
        peerEdges.flatMap((pe) =>
            pe.assetBuckets.flatMap((pb) =>
                pb.rules === "unknown"
                    ? []
                    : pb.rules.filter((r) => r.enabled && r.destinationBucket === bucket).map((rule) => ({ stack: pe.stack, rule })),
            ),
        );
    for (const b of edge.assetBuckets) {
        const incoming = incomingTo(b.name);
        let cls = "STANDARD";
        let why: string;
        if (share === 0 && incoming.length) {
            const x = incoming[0];
            cls = x.rule.storageClass ?? "STANDARD";
            why = `${f.stack} takes no traffic, so its bucket holds replicas: rule ${x.rule.id} of stack ${x.stack} writes them in ${x.rule.storageClass ?? "the source objects' class (Standard)"}, and ${f.stack}, the destination's owner, pays for their storage`;
        } else if (share === 0) {
            why = `${f.stack} takes no traffic and no other stack's rule writes into it yet: S3 Standard`;
        } else {
            why = `${shareText}: the assets published here are in S3 Standard (the default class)${incoming.length ? `; the replicas other stacks write here are in ${[...new Set(incoming.map((x) => x.rule.storageClass ?? "STANDARD"))].join(", ")}` : ""}`;
        }
        const key = STORAGE_CLASS_PRICE[cls];
        add(
            `S3 asset storage (${b.name}, ${cls})`,
            T.bucket,
            v.assetsStorageGb,
            "GB-months",
            key === undefined ? undefined : (prices[key] as number),
            `${cite(c, "assetsStorageGb")}; ${why}${key === undefined ? `; the sheet has no price for storage class ${cls}` : ""}${cls === "STANDARD_IA" ? "; Standard-IA's retrieval fee, paid when CloudFront reads these replicas after a failover, is not priced" : ""}; S3 requests left out`,
        );
        if (b.rules === "unknown") continue;
        for (const rule of b.rules.filter((r) => r.enabled)) {
            const dest = typeof rule.destinationBucket === "string" ? rule.destinationBucket : "(unknown bucket)";
            const destRegion = peerEdges.find((pe) => pe.assetBuckets.some((pb) => pb.name === dest))?.region;
            const what = `${b.name} → ${dest}`;
            if (share === 0) {
                lines.push({
                    item: `S3 replication (${what})`,
                    type: T.bucketReplication,
                    quantity: 0,
                    unit: "GB",
                    unitPriceUsd: prices.s3RtcGb,
                    monthlyUsd: 0,
                    basis: `rule ${rule.id}: ${f.stack} takes no traffic, so nothing is published here in steady state; after a failover, what is published here is replicated and billed to ${f.stack}`,
                });
                continue;
            }
            const gb = v.assetsChangedGbPerMonth * share;
            const assumed = `${cite(c, "assetsChangedGbPerMonth")}, assumed published where traffic is served; ${shareText}; paid by ${f.stack}, the source`;
            if (rule.rtcEnabled)
                add(
                    `S3 Replication Time Control (${what})`,
                    T.bucketReplication,
                    gb,
                    "GB",
                    prices.s3RtcGb,
                    `rule ${rule.id} with RTC: ${assumed}; its replication metrics (billed as CloudWatch custom metrics) left out`,
                );
            if (destRegion !== f.region)
                add(
                    `S3 replication transfer (${what})`,
                    T.bucketReplication,
                    gb,
                    "GB",
                    prices.interRegionTransferGb,
                    `rule ${rule.id}: inter-region transfer to ${destRegion ?? "another region"}: ${assumed}`,
                );
        }
    }
}

/** The resource types of a view that need a price (for the coverage test and the policy). */
export function billableTypesIn(resources: readonly { readonly type: string }[]): string[] {
    return [...new Set(resources.map((r) => r.type).filter((t) => t in BILLABLE_TYPES))].sort();
}
