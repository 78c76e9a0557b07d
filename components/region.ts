import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from "../src/awsFacts";
import { apiDomainOf, authDomainOf, originNameOf, PIPELINE_TABLES, type StackConfig } from "../src/config";
import { apiRoutes } from "../src/apiRoutes";
import { Api } from "./api";
import { KeptLogGroups } from "./keptLogGroups";
import { Identity } from "./identity";
import { IdentityExportBucket, UserExport } from "./identityExport";
import { USER_EXPORT_FUNCTION, identityExportBucketName, keepAliveFunctionName } from "../src/plan";
import { UserPoolReplicaStatus } from "./replicaStatus";
import { ServicesLoadBalancer } from "./servicesLoadBalancer";
import type { RegionPlan } from "../src/strategy";
import { repositoryNames } from "../src/compute";
import { AccessLogBucket } from "./accessLogs";
import { AssetBucket, assetBucketName, regionalDomainName } from "./assetBucket";
import { Edge, ORIGIN_VERIFY_HEADER } from "./edge";
import { ServerAccessLogBucket } from "./serverAccessLogs";
import { AuroraGlobal } from "./auroraGlobal";
import { Backup } from "./backup";
import { Ecr } from "./ecr";
import { FargateServices } from "./fargateService";
import { GlobalTable } from "./globalTable";
import { Keys } from "./keys";
import { Network } from "./network";
import { Dns } from "./dns";
import { GlobalWriter } from "./globalSwitchover";
import { GLOBAL_CLUSTER_ID } from "./auroraGlobal";
import { RecoveryControl } from "./recoveryControl";
import { RecoveryTier } from "./recoveryTier";
import { pipelineConcurrency, recoveryClusterId, recoveryTableName } from "../src/strategy";
import { bundleDirs, type BundleDir } from "../src/functionBundles";
import { OrderPipeline, type PipelineTables } from "./orderPipeline";
import { SecurityGroups } from "./securityGroups";
import { ServiceLogGroups } from "./serviceLogs";
import { WebTier } from "./webTier";
import { Cache, CACHE_APP_USER, CACHE_PORT, cacheEndpointParameterName, cachePasswordParameterName } from "./cache";
import { NFS_PORT, SharedFiles } from "./sharedFiles";
import { CachePrimary, FilesPrimary, FilesReplication } from "./primaryMoves";
import { AlarmTopics, type TopicUrgency } from "./alarmTopics";
import { TierAlarms, alarmActions } from "./tierAlarms";
import { Dashboards } from "./dashboards";
import { type AlarmSubjects, alarmDecls, alarmName, alarmRegions, alarmTopicPrefix } from "../src/alarms";
import { type AlarmUrgency, planOfConfig } from "../src/strategy";
import { EDGE_ACL_METRIC } from "./edge";
import { AuditTrail } from "./auditTrail";
import { ThreatDetection } from "./threatDetection";
import { FaultExperiments } from "./faultExperiments";

/** Outputs of the home stack that other stacks build on (read through a StackReference). */
export interface HomeRefs {
    readonly dataKeyArn: pulumi.Input<string>;
    /** Region → ARC routing control ARN (only with failoverControl: arc). */
    readonly routingControlArns?: pulumi.Output<Record<string, string> | undefined>;
    /** Identifier of the Aurora GlobalCluster the home stack owns. */
    readonly globalClusterIdentifier: pulumi.Input<string>;
    /** Identifier of the home stack's Aurora cluster (the source of the copied snapshots a restore uses). */
    readonly auroraClusterIdentifier: pulumi.Input<string>;
    /** Config table name → ARN of the home stack's base table. */
    readonly tableArns: pulumi.Input<Record<string, string>>;
    /** The home stack's deployed `recovery` output (plain: read before the plan is made). */
    readonly recovery?: RecoveryOutput;
    /** The edge's distribution (the asset bucket and data key grant it reads). */
    readonly distributionArn: pulumi.Input<string>;
    /** The secret value of the edge's origin-verify header (a secret output of the home stack). */
    readonly originSecret: pulumi.Input<string>;
    /** The user pool's id and the storefront client's (the API's JWT authorizer checks tokens against them). */
    readonly userPoolId: pulumi.Input<string>;
    readonly userPoolClientId: pulumi.Input<string>;
    /** The region the home stack's deployed replica of the pool lives in (plain: read before the plan), if any. */
    readonly userPoolReplicaRegion?: string;
    /** The cache's Global Datastore, as the home stack deployed it (plain: read before the plan), if any. */
    readonly cacheGlobalDatastoreId?: string;
}

/** The functions' deployment packages, bundled once per process (every stack planned in it deploys the same code). */
let bundlesMemo: BundleDir[] | undefined;
function pipelineBundles(): BundleDir[] {
    return (bundlesMemo ??= bundleDirs());
}

/** What a stack exports of backup-restore's recovery tiers (every strategy exports it; empty outside backup-restore). */
export interface RecoveryOutput {
    /** The generation of the region's live data (0: the founding tier, or none held outside the home region). */
    readonly liveGeneration: number;
    /** The generations of the recovery tiers declared in the region. */
    readonly generations: readonly number[];
    /** The live tier's Aurora cluster (the home stack's founding cluster while its live generation is 0). */
    readonly clusterIdentifier?: string;
    /** Config table name → ARN of the live tier's table. */
    readonly tableArns: Readonly<Record<string, string>>;
    /** Generation → that tier's cluster and tables. */
    readonly tiers: Readonly<Record<string, { readonly clusterIdentifier: string; readonly tableArns: Readonly<Record<string, string>> }>>;
}

/** Another stack's deployed recovery tiers, as the home stack reads them. */
export interface PeerRecovery {
    readonly stack: string;
    readonly region: string;
    readonly recovery?: RecoveryOutput;
}

export interface RegionArgs {
    /** This stack's validated configuration (plain values; this component never reads config itself). */
    readonly config: StackConfig;
    /** Every stack of the project, this one included, in config order. */
    readonly stacks: readonly StackConfig[];
    /** The decisions for this region's strategy and role (src/strategy.ts). */
    readonly plan: RegionPlan;
    /** The home stack's outputs; undefined in the home stack itself. */
    readonly home?: HomeRefs;
    /** Home stack under backup-restore: the other stacks' deployed recovery tiers. Default none. */
    readonly peers?: readonly PeerRecovery[];
    /**
     * The other regions whose asset bucket exists (their stacks' deployed outputs say so): S3 refuses to
     * replicate into a bucket that does not exist yet. Default none.
     */
    readonly assetPeers?: readonly string[];
    /**
     * The other regions whose order bus exists (their stacks' deployed outputs say so): the home stack's global
     * endpoint needs both buses to exist before it is created. Default none.
     */
    readonly pipelinePeers?: readonly string[];
    /**
     * The other regions whose replica of the data key lets Cognito use it (their stacks' deployed outputs say so):
     * the home stack replicates the user pool only into such a region. Default none.
     */
    readonly identityPeers?: readonly string[];
    /**
     * Region → the shared file system of the other stacks that have deployed one (their outputs say so): the
     * primary replicates into the other region's. Default none.
     */
    readonly filesPeers?: Readonly<Record<string, string>>;
    /**
     * The region's availability zones the network uses, in its order (the same query as components/network.ts, looked
     * up before the plan): the fault-injection experiments name one. Default none (no AZ experiment).
     */
    readonly availabilityZones?: readonly string[];
}

/** One region of SecureCart, composed from the strategy plan: network, keys, and the tiers built on them. */
export class Region extends pulumi.ComponentResource {
    public readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:region:Region", name, {}, opts);
        const { config: cfg, plan } = args;
        const tags = { ...cfg.tags, strategy: cfg.strategy, "managed-by": "pulumi" };
        const p = { parent: this };

        // --- edge (CloudFront, WAF) and static assets -----------------------------------------------------------
        // Every region's asset bucket has a fixed name, so every stack knows them all without reading another stack.
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const bucketOf = (r: string) => account.apply((a) => assetBucketName(a, r));
        const originName = originNameOf(cfg);
        let edge: Edge | undefined;
        let originSecret: pulumi.Input<string>;
        // This region's bucket, once it exists: the edge's origin waits for it (the bucket is built further down,
        // after the data key, whose policy names the distribution).
        const [ownBucket, resolveOwnBucket] = pulumi.deferredOutput<string>();
        if (plan.edge.ownsGlobalEdge) {
            // Shared with every region's ALB through this stack's (secret) output; letters and digits only, as an
            // ALB header condition matches * and ? as wildcards.
            // Protected: a new value would break the edge until every region's ALB had it.
            originSecret = new random.RandomPassword(`${name}-origin-secret`, { length: 40, special: false }, { parent: this, protect: true }).result;
            // The origin group's order is fixed (home first), so a change of primary never edits the edge. Only
            // buckets that exist are origins: the names are predictable, and an origin pointing at a bucket nobody
            // owns yet could be served from someone else's bucket of that name.
            const assetRegions = [cfg.region, ...cfg.regions.filter((r) => r !== cfg.region && (args.assetPeers ?? []).includes(r))];
            edge = new Edge(
                `${name}-edge`,
                {
                    zoneId: cfg.dns.zoneId,
                    recordName: cfg.dns.recordName,
                    originName,
                    originSecret,
                    assetOrigins: assetRegions.map((r) => ({
                        region: r,
                        regionalDomainName: (r === cfg.region ? ownBucket : bucketOf(r)).apply((b) => regionalDomainName(b, r)),
                    })),
                    apiOriginName: apiDomainOf(cfg),
                    assetsPathPattern: cfg.edge.assetsPathPattern,
                    priceClass: cfg.edge.priceClass,
                    logRetentionDays: cfg.edge.logRetentionDays ?? cfg.auditLogRetentionDays,
                    rateLimit: cfg.edge.waf.rateLimit,
                    rateWindowSeconds: cfg.edge.waf.rateWindowSeconds,
                    rateAction: cfg.edge.waf.rateAction,
                    ruleGroupActions: cfg.edge.waf.ruleGroups,
                    tags,
                },
                p,
            );
        } else {
            if (!args.home) throw new pulumi.ResourceError(`Region ${name}: a stack that does not own the edge needs the home stack's outputs`, this);
            originSecret = args.home.originSecret;
        }
        const distributionArn = edge ? edge.distributionArn : args.home?.distributionArn;
        const originVerify = plan.edge.lockedToEdge ? { headerName: ORIGIN_VERIFY_HEADER, value: originSecret } : undefined;

        const keys = new Keys(
            `${name}-keys`,
            {
                primaryDataKeyArn: args.home?.dataKeyArn,
                cloudFrontDistributionArn: distributionArn,
                // The order pipeline's queues and topics (in every region: its queues are kept even where it does not run).
                messagingServices: ["events.amazonaws.com", "sns.amazonaws.com"],
                // The user pool (home) and its replica encrypt under the data key.
                userPools: plan.identity.ownsUserPool || plan.identity.replica,
                tags,
            },
            p,
        );
        const network = new Network(
            `${name}-net`,
            {
                cidr: cfg.network.cidr,
                azCount: cfg.network.azCount,
                natStrategy: plan.nat,
                flowLogRetentionDays: cfg.network.flowLogRetentionDays ?? cfg.auditLogRetentionDays,
                logsKmsKeyArn: keys.logsKeyArn,
                tags,
                // The stack's role, for the policy pack: on a regional resource, so that an unplanned failover never
                // needs a call to a Route 53 or us-east-1 resource just to retag it.
                vpcTags: { role: plan.role },
            },
            p,
        );

        // --- alarm topics ---------------------------------------------------------------------------------------
        // One pair (page, notify) in this region, and one in us-east-1 for the alarms that must live there (Route 53's
        // health-check status, the edge's metrics). Every alarm names a topic; a quiet one has its actions disabled.
        const alarmsHere = alarmDecls(cfg, plan);
        const topics: Record<string, Record<TopicUrgency, pulumi.Output<string>>> = {};
        for (const r of alarmRegions(cfg))
            topics[r] = new AlarmTopics(
                r === cfg.region ? `${name}-alarm-topics` : `${name}-alarm-topics-${r}`,
                {
                    region: r,
                    accountId: account,
                    namePrefix: alarmTopicPrefix(cfg.region, r),
                    subscriptions: cfg.operations.subscriptions,
                    tags,
                },
                p,
            ).topicArns;
        const actionsFor = (u: AlarmUrgency, r: string = cfg.region) => alarmActions(u, topics[r]);
        // The tiers' own alarms (health-check backing, dead letters, scheduled functions): they notify where the region
        // could serve, and stay quiet where it idles cold, like the "serving" composite they sit beside.
        const servingUrgency: AlarmUrgency = plan.operations.alarms.regionServing ?? "quiet";
        const tierActions = actionsFor(servingUrgency === "quiet" ? "quiet" : "notify");

        // --- compute tier: security groups, web tier, ECR, Fargate services -------------------
        // Security groups and ECR exist in every region; the ALB, instances and services only where the plan
        // says compute exists (not in a backup-restore standby). Sizes come from the plan alone.
        const sgs = new SecurityGroups(
            `${name}-sg`,
            {
                vpcId: network.vpcId,
                vpcCidr: network.cidr,
                albIngressPrefixListId: plan.edge.lockedToEdge
                    ? aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST }, p).id
                    : undefined,
                appPorts: cfg.services.map((s) => s.port),
                // The services reach the data tier inside the VPC: Aurora, the cache (Valkey) and the shared files' mount
                // targets (NFS over TLS). Without the last two a task that mounts the file system never starts.
                dataPorts: [5432, CACHE_PORT, NFS_PORT],
                tags,
            },
            p,
        );
        const appSecurityGroupIds: pulumi.Output<string>[] = sgs.appSecurityGroupIds;
        // The home stack owns the repositories and replication; every other stack receives the replicas, encrypted
        // under its own data key by a creation template in its own registry.
        const ecr = new Ecr(
            `${name}-ecr`,
            {
                repositories: cfg.isHome ? repositoryNames(cfg.services) : [],
                replicaRegions: cfg.isHome ? cfg.regions.filter((r) => r !== cfg.region) : [],
                receivesReplicas: !cfg.isHome,
                kmsKeyArn: keys.dataKeyArn,
                tags,
            },
            p,
        );
        // Every bucket's server access logs land here; it is the one bucket that logs nowhere (see its component).
        const serverLogs = new ServerAccessLogBucket(`${name}-s3-logs`, { retentionDays: cfg.auditLogRetentionDays, tags }, p);
        // Stateful, so it exists in every region whether or not an ALB does (a demotion never deletes logs).
        const albLogs = new AccessLogBucket(
            `${name}-alb-logs`,
            { serverAccessLogBucket: serverLogs.bucketName, retentionDays: cfg.auditLogRetentionDays, tags },
            p,
        );
        // The data key's ARN differs between regions only in its region (one multi-Region key), so a replica's
        // destination key is known here without reading the other stack.
        const dataKeyIn = (r: string) => keys.dataKeyArn.apply((arn) => arn.replace(/^(arn:[^:]+:kms:)[^:]+(:.*)$/, `$1${r}$2`));
        const assets = new AssetBucket(
            `${name}-assets`,
            {
                bucketName: bucketOf(cfg.region),
                region: cfg.region,
                kmsKeyArn: keys.dataKeyArn,
                accessLogBucket: serverLogs.bucketName,
                distributionArn,
                replicateTo: (args.assetPeers ?? []).map((r) => ({ region: r, bucketName: bucketOf(r), kmsKeyArn: dataKeyIn(r) })),
                replicaStorageClass: plan.edge.replicaStorageClass,
                tags,
            },
            p,
        );
        resolveOwnBucket(assets.bucketName);
        // Likewise the services' log groups: in every region, outside the services, so that a demotion that removes
        // the services (backup-restore) keeps their logs and a promotion finds them. They were children of the
        // FargateServices component before; the alias lets existing stacks adopt them rather than recreate them.
        const serviceLogs = new ServiceLogGroups(
            `${name}-svc-logs`,
            {
                services: cfg.services.map((s) => s.name),
                logsKmsKeyArn: keys.logsKeyArn,
                groupNamePrefix: `${name}-svc`,
                previousParent: pulumi.createUrn(`${name}-svc`, "securecart:compute:FargateServices", this),
                tags,
            },
            p,
        );
        // --- cache (ElastiCache for Valkey) and shared files (EFS) ----------------------------------------------
        // Both exist in every role (a role change resizes them, never deletes one). The cache holds nothing that must
        // survive a failover (sessions are in the sessions global table); the file system is replicated where the
        // strategy keeps data warm (src/strategy.ts planCache, planFiles).
        const files = new SharedFiles(
            `${name}-files`,
            {
                region: cfg.region,
                vpcId: network.vpcId,
                subnetIds: network.subnetIds["private-app"],
                clientSecurityGroupId: sgs.appSecurityGroupId,
                kmsKeyArn: keys.dataKeyArn,
                services: cfg.services
                    .filter((s) => s.sharedPath !== undefined)
                    .map((s) => {
                        const [uid, gid] = s.user.split(":").map(Number);
                        return { name: s.name, uid, gid: gid ?? uid };
                    }),
                tags,
            },
            p,
        );
        // A Global Datastore member joins by the datastore's id, which the home stack's deployed output gives: until
        // then (a first deployment, or a change to a global strategy) this region has no cache, and says so.
        const datastoreId = plan.cache.ownsGlobalDatastore ? undefined : args.home?.cacheGlobalDatastoreId;
        const cacheMissing = plan.cache.mode === "global" && !plan.cache.ownsGlobalDatastore && datastoreId === undefined;
        if (cacheMissing)
            pulumi.log.warn(
                `the cache's Global Datastore is not deployed yet (the home stack has no cacheGlobalDatastoreId output); this region's cache is created by the next pulumi up after the home stack's`,
                this,
            );
        const cache = cacheMissing
            ? undefined
            : new Cache(
                  `${name}-cache`,
                  {
                      region: cfg.region,
                      vpcId: network.vpcId,
                      subnetIds: network.subnetIds["private-data"],
                      clientSecurityGroupId: sgs.appSecurityGroupId,
                      kmsKeyArn: keys.dataKeyArn,
                      membership:
                          plan.cache.mode === "standalone"
                              ? { kind: "standalone" }
                              : plan.cache.ownsGlobalDatastore
                                ? { kind: "owner" }
                                : { kind: "secondary", globalReplicationGroupId: datastoreId as string },
                      nodeType: plan.cache.size === "full" ? cfg.cache.nodeType : cfg.cache.coldNodeType,
                      engineVersion: cfg.cache.engineVersion,
                      snapshotRetentionDays: cfg.cache.snapshotRetentionDays,
                      tags,
                  },
                  p,
              );

        let web: WebTier | undefined;
        let services: FargateServices | undefined;
        let servicesLb: ServicesLoadBalancer | undefined;
        // The name on the services' load balancer's certificate, which the API verifies; no record needs it.
        const servicesLbName = `services.${apiDomainOf(cfg)}`;
        if (plan.computeExists) {
            web = new WebTier(
                `${name}-web`,
                {
                    vpcId: network.vpcId,
                    publicSubnetIds: network.subnetIds.public,
                    appSubnetIds: network.subnetIds["private-app"],
                    albSecurityGroupId: sgs.albSecurityGroupId,
                    webSecurityGroupId: sgs.webSecurityGroupId,
                    domainName: cfg.dns.recordName,
                    originName,
                    originVerify: originVerify,
                    zoneId: cfg.dns.zoneId,
                    healthPath: cfg.dns.healthPath,
                    instanceType: cfg.web.instanceType,
                    capacity: plan.web,
                    targetCpuPercent: cfg.web.targetCpuPercent,
                    healthCheckGraceSeconds: cfg.web.healthCheckGraceSeconds,
                    ebsKmsKeyArn: keys.dataKeyArn,
                    deletionProtection: plan.albDeletionProtection,
                    accessLogBucket: albLogs.bucketName,
                    accessLogPrefix: albLogs.prefix,
                    tags,
                },
                p,
            );
            // The services leave the public ALB: the internet reaches them only through the API.
            servicesLb = new ServicesLoadBalancer(
                `${name}-svc-lb`,
                {
                    subnetIds: network.subnetIds["private-app"],
                    securityGroupId: sgs.servicesLbSecurityGroupId,
                    certificateName: servicesLbName,
                    zoneId: cfg.dns.zoneId,
                    deletionProtection: plan.albDeletionProtection,
                    // The log bucket's policy lets ELB write under its one prefix (the keys name each load balancer).
                    accessLogBucket: albLogs.bucketName,
                    accessLogPrefix: albLogs.prefix,
                    tags,
                },
                p,
            );
            services = new FargateServices(
                `${name}-svc`,
                {
                    vpcId: network.vpcId,
                    appSubnetIds: network.subnetIds["private-app"],
                    appSecurityGroupId: sgs.appSecurityGroupId,
                    httpsListenerArn: servicesLb.listenerArn,
                    originVerify,
                    services: cfg.services,
                    capacities: plan.services,
                    logGroups: serviceLogs.groups,
                    targetCpuPercent: cfg.web.targetCpuPercent,
                    tracing: cfg.operations.tracing.enabled
                        ? {
                              collectorImage: cfg.operations.tracing.collectorImage,
                              cpu: cfg.operations.tracing.cpu,
                              memoryMiB: cfg.operations.tracing.memoryMiB,
                          }
                        : undefined,
                    sharedFiles: {
                        fileSystemId: files.fileSystemId,
                        fileSystemArn: files.fileSystemArn,
                        accessPoints: files.accessPoints,
                        readOnly: plan.files.replicaIn,
                    },
                    cache: cache
                        ? {
                              endpointParameterName: cacheEndpointParameterName(cfg.region),
                              port: CACHE_PORT,
                              userName: CACHE_APP_USER,
                              passwordParameterName: cachePasswordParameterName(cfg.region),
                              kmsKeyArn: keys.dataKeyArn,
                          }
                        : undefined,
                    tags,
                },
                // Tasks start only once what they mount (the mount targets) and read (the cache's endpoint and password) exists.
                // Not the file system's component: its policy names these services' task roles (a cycle).
                { parent: this, dependsOn: [...files.mountTargets, ...(cache ? [cache] : [])] },
            );
            const sharing = cfg.services.filter((s) => s.sharedPath !== undefined);
            if (sharing.length)
                files.allowClients(`${name}-files-policy`, Object.fromEntries(sharing.map((s) => [s.name, services!.taskRoleArns[s.name]])));
        }
        // Undefined where no ALB exists (backup-restore standby): DNS must not point at this region then.
        const albDnsName: pulumi.Output<string> | undefined = web?.albDnsName;
        const albZoneId: pulumi.Output<string> | undefined = web?.albZoneId;
        const albArnSuffix: pulumi.Output<string> | undefined = web?.albArnSuffix;
        const targetGroupArnSuffix: pulumi.Output<string> | undefined = web?.webTargetGroupArnSuffix;

        // --- data tier: Aurora global database, DynamoDB global tables, backups -------------
        // Ownership never follows the role: the home stack owns the GlobalCluster, the base tables and the
        // primary data key; every other stack owns its member cluster, table replicas and replica key. Names are
        // deterministic (securecart-global, securecart-<region>, securecart-<table>); the home stack's values
        // come through its StackReference (args.home).
        const otherRegions = cfg.regions.filter((r) => r !== cfg.region);
        // The home stack names the global cluster; every other stack reads the name from the home stack.
        const globalClusterId = plan.aurora.ownsGlobalCluster ? GLOBAL_CLUSTER_ID : args.home?.globalClusterIdentifier;
        const aurora = new AuroraGlobal(
            `${name}-db`,
            {
                shape: plan.aurora.shape,
                instances: plan.aurora.instances,
                writeForwarding: plan.aurora.writeForwarding,
                ownsGlobalCluster: plan.aurora.ownsGlobalCluster,
                globalClusterIdentifier: globalClusterId,
                clusterIdentifier: `securecart-${cfg.region}`,
                engineVersion: cfg.database.engineVersion,
                instanceClass: cfg.database.instanceClass,
                backupRetentionDays: cfg.database.backupRetentionDays,
                databaseName: cfg.database.databaseName,
                masterUsername: cfg.database.masterUsername,
                credentials: plan.aurora.ownsGlobalCluster ? { replicaRegions: otherRegions } : undefined,
                dataKeyArn: keys.dataKeyArn,
                logsKmsKeyArn: keys.logsKeyArn,
                vpcId: network.vpcId,
                subnetIds: network.subnetIds["private-data"],
                availabilityZones: network.azs,
                allowedSecurityGroupIds: appSecurityGroupIds,
                tags,
            },
            p,
        );
        const dynamoShape = plan.dynamo.shape;
        const tables =
            dynamoShape === "none"
                ? []
                : cfg.tables.map(
                      (t) =>
                          new GlobalTable(
                              `${name}-table-${t.name}`,
                              {
                                  shape: dynamoShape,
                                  tableName: `securecart-${t.name}`,
                                  hashKey: t.hashKey,
                                  rangeKey: t.rangeKey,
                                  attributes: t.attributes,
                                  billingMode: t.billingMode,
                                  readCapacity: t.readCapacity,
                                  writeCapacity: t.writeCapacity,
                                  maxReadCapacity: t.maxReadCapacity,
                                  maxWriteCapacity: t.maxWriteCapacity,
                                  ttlAttribute: t.ttlAttribute,
                                  kmsKeyArn: keys.dataKeyArn,
                                  sourceTableArn: args.home ? pulumi.output(args.home.tableArns).apply((m) => m[t.name]) : undefined,
                                  tags,
                              },
                              p,
                          ),
                  );
        // Backup-restore's recovery tiers (src/strategy.ts planRecovery): restored copies of the data of record,
        // one per recovery, none removed by a role change. Sources matter only when a tier is created.
        const tierTags = tags;
        const recoveryTiers = plan.recovery.tiers.map((t) => {
            let sourceCluster: pulumi.Input<string>;
            let sourceTable: (table: string) => pulumi.Input<string> | undefined;
            if (t.source.kind === "home") {
                // A promotion: the home region's live tier, as its stack last deployed it.
                const g = t.source.generation;
                const rec = args.home?.recovery;
                sourceCluster =
                    g === 0 ? (args.home?.auroraClusterIdentifier ?? `securecart-${cfg.homeRegion}`) : recoveryClusterId(cfg.homeRegion, g);
                sourceTable = (table) =>
                    g === 0
                        ? args.home
                            ? pulumi.output(args.home.tableArns).apply((m) => m[table])
                            : undefined
                        : rec?.tiers[String(g)]?.tableArns[table];
            } else {
                // A failback: the tier of the same generation in the region that served during the recovery.
                const src = t.source;
                const rec = args.peers?.find((x) => x.stack === src.stack)?.recovery;
                sourceCluster = rec?.tiers[String(src.generation)]?.clusterIdentifier ?? recoveryClusterId(src.region, src.generation);
                sourceTable = (table) => rec?.tiers[String(src.generation)]?.tableArns[table];
            }
            return new RecoveryTier(
                `${name}-recovery-r${t.generation}`,
                {
                    generation: t.generation,
                    clusterIdentifier: recoveryClusterId(cfg.region, t.generation),
                    region: cfg.region,
                    created: t.created,
                    instances: t.instances,
                    protect: t.protect,
                    aurora: { sourceClusterIdentifier: sourceCluster, snapshotIdentifier: cfg.database.restoreFromArn },
                    tables: cfg.tables.map((c) => ({
                        config: c,
                        tableName: recoveryTableName(c.name, t.generation),
                        sourceTableArn: sourceTable(c.name),
                    })),
                    engineVersion: cfg.database.engineVersion,
                    instanceClass: cfg.database.instanceClass,
                    backupRetentionDays: cfg.database.backupRetentionDays,
                    subnetGroupName: aurora.subnetGroupName,
                    securityGroupId: aurora.securityGroupId,
                    availabilityZones: network.azs,
                    dataKeyArn: keys.dataKeyArn,
                    logsKmsKeyArn: keys.logsKeyArn,
                    tags: tierTags,
                },
                p,
            );
        });
        const liveTier = plan.recovery.tiers.findIndex((t) => t.live);
        const live = liveTier >= 0 ? recoveryTiers[liveTier] : undefined;
        const backup = new Backup(
            `${name}-backup`,
            {
                kmsKeyArn: keys.dataKeyArn,
                runsPlan: plan.backup.runsPlan,
                intervalHours: cfg.backup.intervalHours,
                retentionDays: cfg.backup.retentionDays,
                copyToRegions: otherRegions,
                // The founding tier where it exists, and the live recovery tier: the data of record is backed up and
                // copied to every other region (the source of the next promotion or of a failback).
                auroraClusterArns: [...(aurora.clusterArn ? [aurora.clusterArn] : []), ...(live ? [live.clusterArn] : [])],
                tableArns: [...tables.map((t) => t.tableArn), ...(live ? Object.values(live.tableArns) : [])],
                // The written file system, wherever it is: a copy in every other region whatever the strategy.
                fileSystemArns: plan.files.backupCopies ? [files.fileSystemArn] : [],
                tags,
            },
            p,
        );
        const dataOutputs: Record<string, pulumi.Input<unknown>> = {
            tableArns: pulumi.output(Object.fromEntries(tables.map((t, i) => [cfg.tables[i].name, t.tableArn]))),
            auroraSecurityGroupId: aurora.securityGroupId,
            backupVaultName: backup.vaultName,
            ...(aurora.globalClusterIdentifier ? { globalClusterIdentifier: aurora.globalClusterIdentifier } : {}),
            ...(aurora.clusterIdentifier
                ? {
                      auroraClusterIdentifier: aurora.clusterIdentifier,
                      auroraEndpoint: aurora.endpoint,
                      auroraReaderEndpoint: aurora.readerEndpoint,
                  }
                : {}),
            ...(aurora.secretArn ? { auroraSecretArn: aurora.secretArn } : {}),
            // Read by the other stacks (never by this one): what exists here, so a promotion restores from the
            // live tier and a failback brings the newest recovery home.
            recovery: {
                liveGeneration: plan.recovery.liveGeneration,
                generations: plan.recovery.tiers.map((t) => t.generation),
                clusterIdentifier: live ? live.clusterIdentifier : aurora.clusterIdentifier,
                tableArns: live ? live.tableArns : Object.fromEntries(tables.map((t, i) => [cfg.tables[i].name, t.tableArn])),
                tiers: Object.fromEntries(
                    plan.recovery.tiers.map((t, i) => [
                        String(t.generation),
                        { clusterIdentifier: recoveryTiers[i].clusterIdentifier, tableArns: recoveryTiers[i].tableArns },
                    ]),
                ),
            },
        };

        // --- order pipeline: queues, functions, event bus, fulfilment saga ------------------------------------
        // Its tables are the project's global tables (config `tables`): this region's replica, or the live recovery
        // tier's copy where backup-restore restored one. The queues and log groups exist in every region; the rest
        // where the plan says the pipeline exists.
        const tableRef = (t: string): { name: pulumi.Input<string>; arn: pulumi.Input<string> } | undefined => {
            if (live && liveTier >= 0) return { name: recoveryTableName(t, plan.recovery.tiers[liveTier].generation), arn: live.tableArns[t] };
            const i = cfg.tables.findIndex((c) => c.name === t);
            return i >= 0 && tables[i] ? { name: tables[i].tableName, arn: tables[i].tableArn } : undefined;
        };
        // The config refuses `tables` without the pipeline's (PIPELINE_TABLES), so each has a table here.
        const pipelineTables = plan.pipeline.exists
            ? (Object.fromEntries(Object.keys(PIPELINE_TABLES).map((t) => [t, tableRef(t)])) as Partial<PipelineTables>)
            : undefined;
        if (pipelineTables && Object.values(pipelineTables).some((t) => t === undefined))
            throw new pulumi.ResourceError(`Region ${name}: the order pipeline runs here but its tables do not exist in this region`, this);
        const rc = pipelineConcurrency(plan.pipeline, cfg.pipeline.reservedConcurrency);
        // The endpoint's second bus: the first other region whose bus exists (strategies with an endpoint other than
        // active-active have exactly two regions). Its ARN follows from its fixed name.
        const secondary = cfg.regions.find((r) => r !== cfg.region && (args.pipelinePeers ?? []).includes(r));
        const pipeline = new OrderPipeline(
            `${name}-orders`,
            {
                region: cfg.region,
                exists: plan.pipeline.exists,
                consumersEnabled: plan.pipeline.consumersEnabled,
                reconcilerEnabled: plan.pipeline.reconcilerEnabled,
                fulfilmentRequestsEnabled: plan.pipeline.fulfilmentRequestsEnabled,
                // The config's keys, as the functions' folders are named.
                reservedConcurrency: {
                    "order-processor": rc.orderProcessor,
                    fulfilment: rc.fulfilment,
                    notifier: rc.notifier,
                    "dlq-watcher": rc.dlqWatcher,
                    thumbnailer: rc.thumbnailer,
                    "order-reconciler": rc.orderReconciler,
                },
                bundles: plan.pipeline.exists ? pipelineBundles() : [],
                tables: pipelineTables as PipelineTables | undefined,
                dataKeyArn: keys.dataKeyArn,
                logsKeyArn: keys.logsKeyArn,
                assetBucket: { name: assets.bucketName, arn: assets.bucketArn },
                maxReceiveCount: cfg.pipeline.maxReceiveCount,
                functionTimeoutSeconds: cfg.pipeline.functionTimeoutSeconds,
                logRetentionDays: cfg.pipeline.logRetentionDays,
                globalEndpoint: plan.pipeline.globalEndpoint === "owner" && secondary ? { secondaryRegion: secondary } : undefined,
                alarmActions: actionsFor(plan.operations.alarms.deadLetters ?? "notify"),
                endpointRegion: plan.pipeline.globalEndpoint === "none" ? undefined : cfg.homeRegion,
                tags,
            },
            p,
        );

        // The writer follows primaryRegion inside `pulumi up`: the (new) primary's stack asserts that its cluster
        // is the global writer, after its instances exist and its compute has scaled to full capacity. A no-op
        // when it already is; planned → managed switchover (RPO 0), unplanned → failover with data loss.
        let writer: GlobalWriter | undefined;
        if (plan.writerMove && aurora.clusterArn) {
            writer = new GlobalWriter(
                `${name}-writer`,
                {
                    globalClusterIdentifier: globalClusterId ?? GLOBAL_CLUSTER_ID,
                    targetClusterArn: aurora.clusterArn,
                    mode: plan.writerMove,
                },
                { parent: this, dependsOn: [aurora, ...(web ? [web] : []), ...(services ? [services] : [])] },
            );
        }

        // The cache and the shared files follow primaryRegion like the writer, inside the new primary's `pulumi up`
        // and before its DNS takes traffic: its cache member becomes the Global Datastore's primary, its file system
        // stops being a replication destination (writable), then (planned only: it needs the other region) it
        // replicates into the other region's existing file system, which a failback then finds current. Each is a
        // no-op where it already holds; none is declared by a stack that is not primary, and deleting one does nothing.
        const moves: pulumi.Resource[] = [];
        const gdsId = plan.cache.ownsGlobalDatastore ? cache?.globalReplicationGroupId : datastoreId;
        if (plan.cache.promote && cache && gdsId !== undefined)
            moves.push(
                new CachePrimary(
                    `${name}-cache-primary`,
                    {
                        globalReplicationGroupId: gdsId,
                        targetReplicationGroupId: cache.replicationGroupId,
                        targetRegion: cfg.region,
                        mode: plan.cache.promote,
                    },
                    { parent: this, dependsOn: [cache] },
                ),
            );
        let filesPrimary: FilesPrimary | undefined;
        if (plan.files.promote) {
            filesPrimary = new FilesPrimary(
                `${name}-files-primary`,
                { fileSystemId: files.fileSystemId, targetRegion: cfg.region, mode: plan.files.promote },
                { parent: this, dependsOn: [files] },
            );
            moves.push(filesPrimary);
        }
        // One destination: EFS replicates a file system to one other. With more regions (active-active only), the first
        // other region in `regions` whose file system exists.
        const filesInto = plan.files.replicatesOut ? otherRegions.find((r) => args.filesPeers?.[r] !== undefined) : undefined;
        if (filesInto)
            moves.push(
                new FilesReplication(
                    `${name}-files-replication`,
                    {
                        sourceFileSystemId: files.fileSystemId,
                        sourceRegion: cfg.region,
                        destinationFileSystemId: args.filesPeers![filesInto],
                        destinationRegion: filesInto,
                    },
                    { parent: this, dependsOn: [files, ...(filesPrimary ? [filesPrimary] : [])] },
                ),
            );

        // --- alarms per tier, and the "serving" composite ---------------------------------------------------------
        // Which exist and how each reaches people: src/strategy.ts planOperations (role-aware), src/alarms.ts (names,
        // metrics, thresholds). The API's id comes later (the API waits for the DNS, which reads the serving signals).
        const [apiIdLater, resolveApiId] = pulumi.deferredOutput<string>();
        const liveAurora = live ? live.clusterIdentifier : aurora.clusterIdentifier;
        const subjects: AlarmSubjects = {
            storefront: web ? { loadBalancer: web.albArnSuffix, targetGroup: web.webTargetGroupArnSuffix } : undefined,
            services:
                services && servicesLb
                    ? {
                          loadBalancer: servicesLb.arnSuffix,
                          targetGroups: services.targetGroupArnSuffixes,
                          clusterName: services.clusterName,
                          serviceNames: services.serviceNames,
                      }
                    : undefined,
            autoScalingGroupName: web?.autoScalingGroupName,
            auroraClusterIdentifier: liveAurora,
            tableNames: Object.fromEntries(cfg.tables.flatMap((t) => (tableRef(t.name) ? [[t.name, tableRef(t.name)!.name]] : []))),
            stateMachineArn: pipeline.stateMachineArn,
            cacheReplicationGroupId: cache?.replicationGroupId,
            fileSystemId: files.fileSystemId,
            filesSourceId: plan.files.replicaIn ? otherRegions.map((r) => args.filesPeers?.[r]).find((id) => id !== undefined) : undefined,
            apiId: plan.api.exists ? apiIdLater : undefined,
            distributionId: edge?.distributionId,
            webAclMetricName: edge ? EDGE_ACL_METRIC : undefined,
        };
        const tierAlarms = new TierAlarms(
            `${name}-alarms`,
            {
                region: cfg.region,
                alarms: alarmsHere,
                subjects,
                operations: cfg.operations,
                topics,
                servingUrgency: plan.operations.alarms.regionServing,
                tags,
            },
            p,
        );
        const servingSignals =
            cfg.operations.healthSignal === "region-serving"
                ? tierAlarms.servingSignals.map((s) => ({
                      name: s.subject,
                      alarmName: s.alarm.name,
                      evaluationPeriods: s.evaluationPeriods,
                      insufficientData: s.insufficientData,
                  }))
                : undefined;

        // --- audit trail (home), threat detection (every region), fault injection ---------------------------------
        const trail = plan.operations.ownsTrail
            ? new AuditTrail(
                  `${name}-trail`,
                  {
                      region: cfg.region,
                      accountId: account,
                      retentionDays: cfg.auditLogRetentionDays,
                      logsKmsKeyArn: keys.logsKeyArn,
                      serverAccessLogBucket: serverLogs.bucketName,
                      tags,
                  },
                  p,
              )
            : undefined;
        // The standby included: GuardDuty is regional, and a standby's account activity is as much the attacker's.
        new ThreatDetection(
            `${name}-guardduty`,
            {
                features: cfg.operations.guardDuty.features,
                findingPublishingFrequency: cfg.operations.guardDuty.findingPublishingFrequency,
                minimumSeverity: cfg.operations.guardDuty.minimumSeverity,
                alarmTopicArn: topics[cfg.region].notify,
                pageTopicArn: topics[cfg.region].page,
                pageSeverity: cfg.operations.guardDuty.pageSeverity,
                tags,
            },
            p,
        );
        // Stop conditions: the customer-facing signals (no healthy targets, load balancers answering 5xx), as metric
        // alarms (whether FIS accepts a composite alarm is not documented), at most FIS's five.
        const stopAlarms = (
            [
                ["regionServing", "storefront-targets"],
                ["regionServing", "storefront-elb-5xx"],
                ["regionServing", "services-elb-5xx"],
                ["albErrors", "storefront"],
                ["albErrors", "services"],
            ] as const
        ).flatMap(([kind, subject]) => tierAlarms.alarmArns[alarmName(cfg.region, kind, subject)] ?? []);
        const faults = plan.operations.faults;
        const faultZoneIndex = cfg.operations.faults.availabilityZone;
        const faultZone = args.availabilityZones?.[faultZoneIndex];
        const appSubnetArns = network.subnetIds["private-app"].map((id) => pulumi.interpolate`arn:aws:ec2:${cfg.region}:${account}:subnet/${id}`);
        const experiments =
            stopAlarms.length && (faults.stopTasks || faults.azPowerInterruption || faults.auroraFailover || faults.subnetDisruption)
                ? new FaultExperiments(
                      `${name}-fis`,
                      {
                          region: cfg.region,
                          accountId: account,
                          stopConditionAlarmArns: stopAlarms,
                          durationMinutes: cfg.operations.faults.durationMinutes,
                          stopTasksPercent: cfg.operations.faults.stopTasksPercent,
                          ecs:
                              faults.stopTasks && services
                                  ? {
                                        clusterName: services.clusterName,
                                        clusterArn: services.clusterArn,
                                        serviceNames: cfg.services.map((s) => s.name),
                                    }
                                  : undefined,
                          azPower:
                              faults.azPowerInterruption && web && faultZone
                                  ? {
                                        availabilityZone: faultZone,
                                        web: {
                                            autoScalingGroupArn: web.autoScalingGroupArn,
                                            instanceTags: web.instanceSelector,
                                            ebsKmsKeyArn: keys.dataKeyArn,
                                        },
                                        subnetArns: appSubnetArns[faultZoneIndex] ? [appSubnetArns[faultZoneIndex]] : undefined,
                                        auroraClusterArn: plan.aurora.shape === "primary" ? aurora.clusterArn : undefined,
                                    }
                                  : undefined,
                          aurora: faults.auroraFailover && aurora.clusterArn ? { clusterArn: aurora.clusterArn } : undefined,
                          // A target takes at most five ARNs (FIS): with more AZs, one of the first five is cut.
                          subnets: faults.subnetDisruption ? { subnetArns: appSubnetArns.slice(0, 5) } : undefined,
                          // A template's tags force its replacement (terraform-provider-aws fis/experiment_template.go): these
                          // change only with the strategy, never with a role (the drills), and a template holds no state.
                          tags,
                      },
                      p,
                  )
                : undefined;

        // --- DNS: health checks, failover/latency records, ARC ------------------------------
        // ARC (failoverControl: arc): the home stack owns the cluster, control panel and one routing control per
        // region; each stack attaches its own RECOVERY_CONTROL health check to its own record.
        const arc = cfg.failoverControl === "arc" && cfg.isHome ? new RecoveryControl(`${name}-arc`, { regions: cfg.regions, tags }, p) : undefined;
        const routingControls = cfg.failoverControl !== "arc" ? undefined : arc ? arc.routingControlArns : args.home?.routingControlArns;
        const dns = new Dns(
            `${name}-dns`,
            {
                zoneId: cfg.dns.zoneId,
                // Mid-migration (not yet locked to the edge) the record stays on the users' name, as before the edge.
                recordName: plan.edge.lockedToEdge ? originName : cfg.dns.recordName,
                region: cfg.region,
                failureThreshold: cfg.dns.failureThreshold,
                alb:
                    albDnsName && albZoneId && albArnSuffix && targetGroupArnSuffix
                        ? { dnsName: albDnsName, zoneId: albZoneId, arnSuffix: albArnSuffix, targetGroupArnSuffix }
                        : undefined,
                routing: plan.dns.routing,
                failoverRole: plan.dns.failoverRole,
                userAlias:
                    edge && plan.edge.lockedToEdge
                        ? { recordName: cfg.dns.recordName, target: { name: edge.distributionDomainName, zoneId: edge.distributionHostedZoneId } }
                        : undefined,
                forceUnhealthy: plan.dns.forcedUnhealthy !== undefined,
                servingSignals,
                alarmActions: { own: tierActions, usEast1: actionsFor(servingUrgency === "quiet" ? "quiet" : "notify", "us-east-1") },
                routingControlArn: routingControls?.apply((m) => {
                    const arn = m?.[cfg.region];
                    if (!arn)
                        throw new Error(
                            `failoverControl arc: the home stack exports no routing control for ${cfg.region}; run pulumi up on the home stack first`,
                        );
                    return arn;
                }),
                tags,
                // Traffic may return to this region only after it has full capacity, the writer and its order
                // consumers on (a promotion enables them in the same `pulumi up`): the health check and record
                // change last within this stack's `pulumi up`.
            },
            { parent: this, dependsOn: [...(web ? [web] : []), ...(services ? [services] : []), ...(writer ? [writer] : []), ...moves, pipeline] },
        );

        // --- sign-in (Cognito) and the API (API Gateway) ----------------------------------------------------------
        // The home stack owns the pool whatever its role, and replicates it where the strategy keeps a live standby.
        // The sign-in domain fails over on the home region's own health check (so the drills and ARC move it too),
        // and is written after the users' A record on its parent, which Cognito requires.
        let identity: Identity | undefined;
        if (plan.identity.ownsUserPool) {
            // Cognito keeps one replica: the first other region whose key is ready for it.
            const replicaRegion = plan.identity.replicates
                ? cfg.regions.find((r) => r !== cfg.region && (args.identityPeers ?? []).includes(r))
                : undefined;
            if (replicaRegion && !dns.healthCheckId)
                throw new pulumi.ResourceError(
                    `Region ${name}: the sign-in domain's failover needs this region's health check, and it has none`,
                    this,
                );
            identity = new Identity(
                `${name}-identity`,
                {
                    region: cfg.region,
                    featurePlan: cfg.identity.featurePlan,
                    mfa: cfg.identity.mfa,
                    passwordMinimumLength: cfg.identity.passwordMinimumLength,
                    threatProtection: cfg.identity.threatProtection,
                    domainName: authDomainOf(cfg),
                    zoneId: cfg.dns.zoneId,
                    callbackUrls: cfg.identity.callbackUrls ?? [`https://${cfg.dns.recordName.replace(/\.$/, "")}/`],
                    dataKeyArn: keys.dataKeyArn,
                    replica: replicaRegion && dns.healthCheckId ? { region: replicaRegion, primaryHealthCheckId: dns.healthCheckId } : undefined,
                    domainDependsOn: [dns],
                    tags,
                },
                p,
            );
        }
        // Backup-restore keeps no replica: the home stack exports the users on the backup schedule into every other
        // region's export bucket (fixed names), from which a recovery imports them into a new pool.
        if (plan.identity.receivesExports)
            new IdentityExportBucket(
                `${name}-identity-export`,
                {
                    bucketName: account.apply((a) => identityExportBucketName(a, cfg.region)),
                    kmsKeyArn: keys.dataKeyArn,
                    accessLogBucket: serverLogs.bucketName,
                    retentionDays: cfg.backup.retentionDays,
                    tags,
                },
                p,
            );
        if (cfg.isHome) {
            // In the home stack under every strategy, not only where the export runs: a change of strategy never has
            // to delete a protected group.
            const exportLogs = new KeptLogGroups(
                `${name}-user-export-logs`,
                {
                    groups: { group: `/aws/lambda/${USER_EXPORT_FUNCTION}` },
                    retentionDays: cfg.pipeline.logRetentionDays,
                    logsKmsKeyArn: keys.logsKeyArn,
                    tags,
                },
                p,
            ).groups.group;
            if (plan.identity.exportUsers && identity) {
                const bundle = pipelineBundles().find((b) => b.name === "user-export");
                if (!bundle) throw new pulumi.ResourceError(`Region ${name}: no bundle for the user export function (functions/user-export)`, this);
                new UserExport(
                    `${name}-user-export`,
                    {
                        userPoolArn: identity.userPoolArn,
                        userPoolId: identity.userPoolId,
                        region: cfg.region,
                        targets: otherRegions.map((r) => ({
                            region: r,
                            bucketName: account.apply((a) => identityExportBucketName(a, r)),
                            kmsKeyArn: dataKeyIn(r),
                        })),
                        intervalHours: cfg.backup.intervalHours,
                        bundle,
                        logGroupName: exportLogs.name,
                        logGroupArn: exportLogs.arn,
                        failureQueueArn: pipeline.failureQueueArn,
                        dataKeyArn: keys.dataKeyArn,
                        // The identities' only copy under backup-restore: a failed export is a failed backup.
                        alarmActions: actionsFor(plan.operations.alarms.backupJobsFailed ?? "page"),
                        tags,
                    },
                    p,
                );
            }
        }
        const userPoolId = identity ? identity.userPoolId : args.home?.userPoolId;
        const clientId = identity ? identity.clientId : args.home?.userPoolClientId;
        if (!userPoolId || !clientId)
            throw new pulumi.ResourceError(`Region ${name}: a stack that does not own the user pool needs the home stack's outputs`, this);
        // This region's replica takes users' requests where the plan says so, once the home stack has created it.
        let replicaStatus: UserPoolReplicaStatus | undefined;
        if (plan.identity.replica && args.home?.userPoolReplicaRegion === cfg.region) {
            replicaStatus = new UserPoolReplicaStatus(
                `${name}-identity-replica`,
                { userPoolId, region: cfg.region, status: plan.identity.replicaActive ? "ACTIVE" : "INACTIVE" },
                p,
            );
        }
        // The tokens' issuer: the pool's updated issuer, named after its primary region, valid in both regions.
        const issuer = pulumi.interpolate`https://issuer-cognito-idp.${cfg.homeRegion}.amazonaws.com/${userPoolId}`;
        // In every region: the API's logs outlive it (see keptLogGroups.ts).
        const apiLogs = new KeptLogGroups(
            `${name}-api-logs`,
            {
                groups: { access: `/securecart/api/${cfg.region}/access`, keepalive: `/aws/lambda/${keepAliveFunctionName(cfg.region)}` },
                retentionDays: cfg.api.logRetentionDays ?? cfg.auditLogRetentionDays,
                logsKmsKeyArn: keys.logsKeyArn,
                tags,
            },
            p,
        ).groups;
        let api: Api | undefined;
        if (plan.api.exists) {
            if (!servicesLb || !services || !dns.healthCheckId)
                throw new pulumi.ResourceError(`Region ${name}: the API needs the region's services, their load balancer and its health check`, this);
            api = new Api(
                `${name}-api`,
                {
                    region: cfg.region,
                    domainName: apiDomainOf(cfg),
                    zoneId: cfg.dns.zoneId,
                    vpcLinkSubnetIds: network.subnetIds["private-app"],
                    vpcLinkSecurityGroupId: sgs.vpcLinkSecurityGroupId,
                    loadBalancer: { listenerArn: servicesLb.listenerArn, certificateName: servicesLbName, arnSuffix: servicesLb.arnSuffix },
                    routes: apiRoutes(cfg.services, cfg.api.publicRoutes),
                    jwt: { issuer, audience: clientId },
                    throttling: { rateLimit: cfg.api.throttlingRateLimit, burstLimit: cfg.api.throttlingBurstLimit },
                    logGroups: { access: apiLogs.access, keepAlive: apiLogs.keepalive },
                    dns: {
                        routing: plan.dns.routing,
                        failoverRole: plan.dns.failoverRole,
                        regionHealthCheckId: dns.healthCheckId,
                        targetGroupArnSuffixes: services.targetGroupArnSuffixes,
                        failureThreshold: cfg.dns.failureThreshold,
                    },
                    alarmActions: tierActions,
                    keepAlive: plan.api.keepAliveProbe
                        ? {
                              bundle: pipelineBundles().find((b) => b.name === "api-probe") as BundleDir,
                              failureQueueArn: pipeline.failureQueueArn,
                              dataKeyArn: keys.dataKeyArn,
                          }
                        : undefined,
                    tags,
                },
                // A promoted pilot-light region's replica is active before its API takes traffic.
                { parent: this, dependsOn: replicaStatus ? [replicaStatus] : [] },
            );
            resolveApiId(api.apiId);
        }

        // --- dashboards: the region's, and the DR dashboard (home) -----------------------------------------------
        // Built from the same decisions as the alarms; the other regions' from their configuration alone.
        const dashboardRegion = (s: typeof cfg) => {
            const pl = s.stack === cfg.stack ? plan : planOfConfig(s);
            return { region: s.region, stack: s.stack, plan: pl, alarms: s.stack === cfg.stack ? alarmsHere : alarmDecls(s, pl) };
        };
        const dashboards = new Dashboards(
            `${name}-dashboards`,
            {
                accountId: account,
                own: dashboardRegion(cfg),
                drRegions: plan.operations.ownsDrDashboard
                    ? cfg.regions.flatMap((r) => args.stacks.filter((s) => s.region === r).map(dashboardRegion))
                    : undefined,
            },
            p,
        );

        this.outputs = {
            vpcId: network.vpcId,
            natGateways: network.natGatewayIds.length,
            dataKeyArn: keys.dataKeyArn,
            logsKeyArn: keys.logsKeyArn,
            appSecurityGroupIds,
            // Only where they exist: an undefined stack output is dropped with a warning.
            ...(web && services ? { albDnsName, albZoneId, albArnSuffix, ecsClusterName: services.clusterName } : {}),
            ...(cfg.isHome ? { ecrRepositoryUrls: ecr.repositoryUrls } : {}),
            ...dataOutputs,
            ...(dns.healthCheckId ? { healthCheckId: dns.healthCheckId } : {}),
            ...(arc ? { routingControlArns: arc.routingControlArns, arcClusterArn: arc.clusterArn } : {}),
            // Read by the other stacks: a bucket that exists can be replicated into.
            assetBucketName: assets.replicaReadyName,
            orderQueueUrl: pipeline.orderQueueUrl,
            // Read by the home stack: a bus that exists can be the global endpoint's second.
            ...(pipeline.busArn
                ? {
                      orderBusArn: pipeline.busArn,
                      stateMachineArn: pipeline.stateMachineArn,
                      notificationTopicArn: pipeline.topicArn,
                      functionArns: pipeline.functionArns,
                  }
                : {}),
            ...(pipeline.endpointUrl ? { orderEventEndpointUrl: pipeline.endpointUrl } : {}),
            originName,
            userPoolId,
            userPoolClientId: clientId,
            tokenIssuer: issuer,
            ...(identity?.replicaRegion ? { userPoolReplicaRegion: identity.replicaRegion } : {}),
            // Read by the home stack: this region's data key (a replica of the multi-Region key) lets Cognito use it.
            ...(plan.identity.replica ? { userPoolKeyArn: keys.dataKeyArn } : {}),
            ...(api ? { apiDomainName: apiDomainOf(cfg), apiHealthCheckId: api.healthCheckId } : {}),
            // Read by the other stacks: the primary replicates into this file system; a member joins this datastore.
            fileSystemId: files.fileSystemId,
            alarmTopicArns: topics[cfg.region],
            ...(trail ? { trailArn: trail.trailArn, trailBucketName: trail.bucketName } : {}),
            ...(experiments ? { faultExperimentTemplateIds: experiments.templateIds } : {}),
            ...(tierAlarms.servingAlarmArn ? { servingAlarmArn: tierAlarms.servingAlarmArn } : {}),
            dashboards: dashboards.names,
            ...(cache ? { cacheReplicationGroupId: cache.replicationGroupId } : {}),
            ...(cache?.globalReplicationGroupId ? { cacheGlobalDatastoreId: cache.globalReplicationGroupId } : {}),
            ...(edge
                ? {
                      distributionArn: edge.distributionArn,
                      distributionDomainName: edge.distributionDomainName,
                      webAclArn: edge.webAclArn,
                      originVerifySecret: pulumi.secret(originSecret),
                  }
                : {}),
        };
        this.registerOutputs(this.outputs);
    }
}
