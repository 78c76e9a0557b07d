import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../src/config";
import type { RegionPlan } from "../src/strategy";
import { repositoryNames } from "../src/compute";
import { AccessLogBucket } from "./accessLogs";
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
import { SecurityGroups } from "./securityGroups";
import { ServiceLogGroups } from "./serviceLogs";
import { WebTier } from "./webTier";

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
}

/** One region of SecureCart, composed from the strategy plan: network, keys, and the tiers built on them. */
export class Region extends pulumi.ComponentResource {
    public readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:region:Region", name, {}, opts);
        const { config: cfg, plan } = args;
        const tags = { ...cfg.tags, strategy: cfg.strategy, "managed-by": "pulumi" };
        const p = { parent: this };

        const keys = new Keys(`${name}-keys`, { primaryDataKeyArn: args.home?.dataKeyArn, tags }, p);
        const network = new Network(`${name}-net`, {
            cidr: cfg.network.cidr,
            azCount: cfg.network.azCount,
            natStrategy: plan.nat,
            flowLogRetentionDays: cfg.network.flowLogRetentionDays,
            logsKmsKeyArn: keys.logsKeyArn,
            tags,
            // The stack's role, for the policy pack: on a regional resource, so that an unplanned failover never
            // needs a call to a Route 53 or us-east-1 resource just to retag it.
            vpcTags: { role: plan.role },
        }, p);

        // --- compute tier (issue 3): security groups, web tier, ECR, Fargate services -------------------
        // Security groups and ECR exist in every region; the ALB, instances and services only where the plan
        // says compute exists (not in a backup-restore standby). Sizes come from the plan alone.
        const sgs = new SecurityGroups(`${name}-sg`, {
            vpcId: network.vpcId,
            vpcCidr: network.cidr,
            appPorts: cfg.services.map((s) => s.port),
            tags,
        }, p);
        const appSecurityGroupIds: pulumi.Output<string>[] = sgs.appSecurityGroupIds;
        // The home stack owns the repositories and replication; every other stack receives the replicas, encrypted
        // under its own data key by a creation template in its own registry.
        const ecr = new Ecr(`${name}-ecr`, {
            repositories: cfg.isHome ? repositoryNames(cfg.services) : [],
            replicaRegions: cfg.isHome ? cfg.regions.filter((r) => r !== cfg.region) : [],
            receivesReplicas: !cfg.isHome,
            kmsKeyArn: keys.dataKeyArn,
            tags,
        }, p);
        // Stateful, so it exists in every region whether or not an ALB does (a demotion never deletes logs).
        const albLogs = new AccessLogBucket(`${name}-alb-logs`, { tags }, p);
        // Likewise the services' log groups: in every region, outside the services, so that a demotion that removes
        // the services (backup-restore) keeps their logs and a promotion finds them. They were children of the
        // FargateServices component before; the alias lets existing stacks adopt them rather than recreate them.
        const serviceLogs = new ServiceLogGroups(`${name}-svc-logs`, {
            services: cfg.services.map((s) => s.name),
            logsKmsKeyArn: keys.logsKeyArn,
            groupNamePrefix: `${name}-svc`,
            previousParent: pulumi.createUrn(`${name}-svc`, "securecart:compute:FargateServices", this),
            tags,
        }, p);
        let web: WebTier | undefined;
        let services: FargateServices | undefined;
        if (plan.computeExists) {
            web = new WebTier(`${name}-web`, {
                vpcId: network.vpcId,
                publicSubnetIds: network.subnetIds.public,
                appSubnetIds: network.subnetIds["private-app"],
                albSecurityGroupId: sgs.albSecurityGroupId,
                webSecurityGroupId: sgs.webSecurityGroupId,
                domainName: cfg.dns.recordName,
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
            }, p);
            services = new FargateServices(`${name}-svc`, {
                vpcId: network.vpcId,
                appSubnetIds: network.subnetIds["private-app"],
                appSecurityGroupId: sgs.appSecurityGroupId,
                httpsListenerArn: web.httpsListenerArn,
                services: cfg.services,
                capacities: plan.services,
                logGroups: serviceLogs.groups,
                targetCpuPercent: cfg.web.targetCpuPercent,
                tags,
            }, p);
        }
        // Undefined where no ALB exists (backup-restore standby): DNS must not point at this region then.
        const albDnsName: pulumi.Output<string> | undefined = web?.albDnsName;
        const albZoneId: pulumi.Output<string> | undefined = web?.albZoneId;
        const albArnSuffix: pulumi.Output<string> | undefined = web?.albArnSuffix;


        // --- data tier (issue 4): Aurora global database, DynamoDB global tables, backups -------------
        // Ownership never follows the role: the home stack owns the GlobalCluster, the base tables and the
        // primary data key; every other stack owns its member cluster, table replicas and replica key. Names are
        // deterministic (securecart-global, securecart-<region>, securecart-<table>); the home stack's values
        // come through its StackReference (args.home).
        const otherRegions = cfg.regions.filter((r) => r !== cfg.region);
        // The home stack names the global cluster; every other stack reads the name from the home stack.
        const globalClusterId = plan.aurora.ownsGlobalCluster ? GLOBAL_CLUSTER_ID : args.home?.globalClusterIdentifier;
        const aurora = new AuroraGlobal(`${name}-db`, {
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
            restore: plan.aurora.shape === "restore" && args.home
                ? { snapshotIdentifier: cfg.database.restoreFromArn, sourceClusterIdentifier: args.home.auroraClusterIdentifier, region: cfg.region }
                : undefined,
            tags,
        }, p);
        const dynamoShape = plan.dynamo.shape;
        const tables = dynamoShape === "none" ? [] : cfg.tables.map((t) => new GlobalTable(`${name}-table-${t.name}`, {
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
        }, p));
        const backup = new Backup(`${name}-backup`, {
            kmsKeyArn: keys.dataKeyArn,
            runsPlan: plan.backup.runsPlan,
            intervalHours: cfg.backup.intervalHours,
            retentionDays: cfg.backup.retentionDays,
            copyToRegions: otherRegions,
            auroraClusterArns: aurora.clusterArn ? [aurora.clusterArn] : [],
            tableArns: tables.map((t) => t.tableArn),
            tags,
        }, p);
        const dataOutputs: Record<string, pulumi.Input<unknown>> = {
            tableArns: pulumi.output(Object.fromEntries(tables.map((t, i) => [cfg.tables[i].name, t.tableArn]))),
            auroraSecurityGroupId: aurora.securityGroupId,
            backupVaultName: backup.vaultName,
            ...(aurora.globalClusterIdentifier ? { globalClusterIdentifier: aurora.globalClusterIdentifier } : {}),
            ...(aurora.clusterIdentifier ? {
                auroraClusterIdentifier: aurora.clusterIdentifier,
                auroraEndpoint: aurora.endpoint,
                auroraReaderEndpoint: aurora.readerEndpoint,
            } : {}),
            ...(aurora.secretArn ? { auroraSecretArn: aurora.secretArn } : {}),
        };

        // The writer follows primaryRegion inside `pulumi up`: the (new) primary's stack asserts that its cluster
        // is the global writer, after its instances exist and its compute has scaled to full capacity. A no-op
        // when it already is; planned → managed switchover (RPO 0), unplanned → failover with data loss.
        let writer: GlobalWriter | undefined;
        if (plan.writerMove && aurora.clusterArn) {
            writer = new GlobalWriter(`${name}-writer`, {
                globalClusterIdentifier: globalClusterId ?? GLOBAL_CLUSTER_ID,
                targetClusterArn: aurora.clusterArn,
                mode: plan.writerMove,
            }, { parent: this, dependsOn: [aurora, ...(web ? [web] : []), ...(services ? [services] : [])] });
        }

        // --- DNS (issue 5): health checks, failover/latency records, ARC ------------------------------
        // ARC (failoverControl: arc): the home stack owns the cluster, control panel and one routing control per
        // region; each stack attaches its own RECOVERY_CONTROL health check to its own record.
        const arc = cfg.failoverControl === "arc" && cfg.isHome
            ? new RecoveryControl(`${name}-arc`, { regions: cfg.regions, tags }, p)
            : undefined;
        const routingControls = cfg.failoverControl !== "arc" ? undefined : arc ? arc.routingControlArns : args.home?.routingControlArns;
        const dns = new Dns(`${name}-dns`, {
            zoneId: cfg.dns.zoneId,
            recordName: cfg.dns.recordName,
            region: cfg.region,
            healthPath: cfg.dns.healthPath,
            healthCheckInterval: cfg.dns.healthCheckInterval,
            failureThreshold: cfg.dns.failureThreshold,
            alb: albDnsName && albZoneId ? { dnsName: albDnsName, zoneId: albZoneId } : undefined,
            routing: plan.dns.routing,
            failoverRole: plan.dns.failoverRole,
            forceUnhealthy: plan.dns.forcedUnhealthy !== undefined,
            routingControlArn: routingControls?.apply((m) => {
                const arn = m?.[cfg.region];
                if (!arn) throw new Error(`failoverControl arc: the home stack exports no routing control for ${cfg.region}; run pulumi up on the home stack first`);
                return arn;
            }),
            tags,
            // Traffic may return to this region only after it has full capacity and the writer: the health
            // check and record change last within this stack's `pulumi up`.
        }, { parent: this, dependsOn: [...(web ? [web] : []), ...(services ? [services] : []), ...(writer ? [writer] : [])] });

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
        };
        this.registerOutputs(this.outputs);
    }
}
