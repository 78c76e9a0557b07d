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
import { ResourceView, StackFacts, StackView, T } from "./facts";

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
}

type PriceKey = keyof RegionPrices;

/** Billable resource types → the price-sheet keys their lines use. */
export const BILLABLE_TYPES: Readonly<Record<string, readonly PriceKey[]>> = {
    "aws:ec2/natGateway:NatGateway": ["natGatewayHour", "natGatewayGb"],
    "aws:ec2/eip:Eip": ["publicIpv4Hour"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcInterfaceEndpointHour"],
    "aws:lb/loadBalancer:LoadBalancer": ["albHour", "albLcuHour"],
    "aws:autoscaling/group:Group": ["ec2Hour"],
    "aws:ecs/service:Service": ["fargateVcpuHour", "fargateGbHour"],
    "aws:rds/cluster:Cluster": ["auroraStorageGbMonth", "auroraIoMillion", "auroraReplicatedWriteIoMillion", "secretMonth"],
    "aws:rds/clusterInstance:ClusterInstance": ["auroraPostgresHour"],
    "aws:dynamodb/table:Table": ["dynamoWriteRequestMillion", "dynamoReadRequestMillion", "dynamoReplicatedWriteRequestMillion", "dynamoWcuHour", "dynamoRcuHour", "dynamoReplicatedWcuHour", "dynamoStorageGbMonth", "dynamoPitrGbMonth"],
    "aws:dynamodb/tableReplica:TableReplica": ["dynamoReplicatedWriteRequestMillion", "dynamoReadRequestMillion", "dynamoReplicatedWcuHour", "dynamoRcuHour", "dynamoStorageGbMonth", "dynamoPitrGbMonth"],
    "aws:backup/vault:Vault": ["backupAuroraGbMonth", "backupDynamoGbMonth"],
    "aws:route53/healthCheck:HealthCheck": ["route53HealthCheckMonth", "route53HealthCheckFeatureMonth"],
    "aws:route53/record:Record": ["route53RecordMonth"],
    "aws:route53recoverycontrol/cluster:Cluster": ["arcClusterHour"],
    "aws:kms/key:Key": ["kmsKeyMonth"],
    "aws:kms/replicaKey:ReplicaKey": ["kmsKeyMonth"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["cloudwatchAlarmMonth"],
    "aws:cloudwatch/logGroup:LogGroup": ["logsIngestGb"],
    "aws:secretsmanager/secret:Secret": ["secretMonth"],
    "aws:ecr/repository:Repository": ["ecrStorageGbMonth"],
    "aws:s3/bucket:Bucket": ["s3StandardGbMonth"],
    "aws:s3/bucketV2:BucketV2": ["s3StandardGbMonth"],
};

/** Types the program creates that AWS does not bill by themselves, with the reason. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "no charge for a VPC",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge (data transfer is billed, not the gateway)",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/route:Route": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:ec2/flowLog:FlowLog": "billed as log ingestion at its log group",
    "aws:ec2/launchTemplate:LaunchTemplate": "no charge; instances are billed at the Auto Scaling group",
    "aws:kms/alias:Alias": "no charge",
    "aws:kms/grant:Grant": "no charge",
    "pulumi-nodejs:dynamic/securecart:GlobalWriter": "a Pulumi dynamic resource that moves the Aurora writer through the RDS API; no AWS charge",
    "pulumi-nodejs:dynamic/securecart:RestorePoint": "a Pulumi dynamic resource that records which snapshot a restore used; no AWS charge",
    "random:index/randomPassword:RandomPassword": "generated by the Pulumi random provider, no AWS resource",
    "aws:secretsmanager/secretVersion:SecretVersion": "billed per secret, not per version",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
    "aws:lb/targetGroup:TargetGroup": "billed with the load balancer",
    "aws:lb/listener:Listener": "billed with the load balancer",
    "aws:lb/listenerRule:ListenerRule": "billed with the load balancer",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "no charge",
    "aws:autoscaling/policy:Policy": "no charge",
    "aws:appautoscaling/target:Target": "no charge",
    "aws:appautoscaling/policy:Policy": "no charge",
    "aws:ecs/cluster:Cluster": "no charge; Fargate tasks are billed at the service",
    "aws:ecs/taskDefinition:TaskDefinition": "no charge; Fargate tasks are billed at the service",
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": "no charge; the transfer is in the inter-region assumption",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "no charge",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "no charge",
    "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate": "no charge; the repositories it creates are billed as ECR storage",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "no charge",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/globalCluster:GlobalCluster": "no charge itself; its clusters, instances, storage and replicated I/O are billed",
    "aws:backup/plan:Plan": "no charge; recovery points are billed at the vault",
    "aws:backup/selection:Selection": "no charge",
    "aws:backup/vaultPolicy:VaultPolicy": "no charge",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "no charge",
    "aws:route53recoverycontrol/controlPanel:ControlPanel": "included in the ARC cluster's hourly price",
    "aws:route53recoverycontrol/routingControl:RoutingControl": "included in the ARC cluster's hourly price",
    "aws:route53recoverycontrol/safetyRule:SafetyRule": "included in the ARC cluster's hourly price",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "no charge",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "billed as storage at the bucket",
    "aws:s3/bucketVersioning:BucketVersioning": "billed as storage at the bucket",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
    "aws:s3/bucketPolicy:BucketPolicy": "no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "no charge",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
};

/** Engine-level types that are not AWS resources. */
export function isEngineType(type: string): boolean {
    return type.startsWith("pulumi:") || type.startsWith("securecart:");
}

export interface CostContext {
    /** The other stacks of the project (for what they hold of this stack's data, and inter-region traffic). */
    readonly peers: readonly StackFacts[];
}

/** Whether a stack takes user traffic: its record is a failover PRIMARY, or latency/weighted/simple. */
export function serves(f: StackFacts): boolean {
    return f.records.some((r) => r.routing !== "failover" || r.failoverRole === "PRIMARY");
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function estimateCost(view: StackView, f: StackFacts, ctx: CostContext, c: Constants, sheet: PriceSheet): CostEstimate {
    const v = c.values;
    const H = v.hoursPerMonth;
    const prices = sheet.regions[view.region];
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    const of = (type: string) => view.resources.filter((r) => r.type === type);
    const add = (item: string, type: string, quantity: number, unit: string, price: number | undefined, basis: string) => {
        if (quantity === 0) return;
        const p = price === undefined ? null : price;
        if (p === null) unpriced.push(`${item}: no price in the sheet (${basis})`);
        lines.push({ item, type, quantity: round2(quantity * 1000) / 1000, unit, unitPriceUsd: p, monthlyUsd: p === null ? null : round2(quantity * p), basis });
    };
    const unknownTypes = [...new Set(view.resources.map((r) => r.type))].filter((t) => !isEngineType(t) && !(t in BILLABLE_TYPES) && !(t in FREE_TYPES)).sort();
    const sheetInfo = { label: sheet.label, date: sheet.date, source: sheet.source };
    if (!prices) {
        return { region: view.region, monthlyUsd: 0, lines, unpriced: [`the price sheet has no prices for region ${view.region}; it covers ${Object.keys(sheet.regions).join(", ")}`], unknownTypes, priceSheet: sheetInfo };
    }

    // Traffic-driven usage lands on the regions that take traffic, shared evenly between them.
    const all = [f, ...ctx.peers];
    const servingCount = all.filter(serves).length;
    const share = serves(f) ? 1 / Math.max(1, servingCount) : 0;
    const shareText = share === 0 ? "this region takes no traffic" : `this region takes ${Math.round(share * 100)}% of traffic (${servingCount} serving region(s))`;

    // --- network -----------------------------------------------------------------------------------------
    const nat = of("aws:ec2/natGateway:NatGateway").length;
    add("NAT gateway hours", "aws:ec2/natGateway:NatGateway", nat * H, "gateway-hours", prices.natGatewayHour, `${nat} gateway(s) × ${cite(c, "hoursPerMonth")}`);
    if (nat > 0) add("NAT gateway data processed", "aws:ec2/natGateway:NatGateway", v.natProcessedGbPerMonth * share, "GB", prices.natGatewayGb, `${cite(c, "natProcessedGbPerMonth")}; ${shareText}`);
    const eips = of("aws:ec2/eip:Eip").length;
    add("public IPv4 addresses (Elastic IPs)", "aws:ec2/eip:Eip", eips * H, "address-hours", prices.publicIpv4Hour, `${eips} address(es) × ${H} h`);
    const iface = of("aws:ec2/vpcEndpoint:VpcEndpoint").filter((r) => r.inputs.vpcEndpointType === "Interface");
    const ifaceAzs = iface.reduce((a, r) => a + Math.max(1, Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 1), 0);
    add("interface VPC endpoints", "aws:ec2/vpcEndpoint:VpcEndpoint", ifaceAzs * H, "endpoint-AZ-hours", prices.vpcInterfaceEndpointHour, `${iface.length} interface endpoint(s) over ${ifaceAzs} AZ(s); gateway endpoints are free`);

    // --- web and application tiers -----------------------------------------------------------------------
    const albs = f.albs;
    add("Application Load Balancer hours", T.alb, albs * H, "ALB-hours", prices.albHour, `${albs} load balancer(s) × ${H} h`);
    if (albs > 0) add("Application Load Balancer LCUs", T.alb, albs * v.albLcuPerHour * H * share, "LCU-hours", prices.albLcuHour, `${cite(c, "albLcuPerHour")}; ${shareText}`);
    for (const w of f.web) {
        const price = w.instanceType ? prices.ec2Hour[w.instanceType] : undefined;
        add(`EC2 ${w.instanceType ?? "(unknown type)"} instances (${w.name})`, T.asg, w.desired * H, "instance-hours", price,
            `desiredCapacity ${w.desired} (min ${w.min}, max ${w.max}) × ${H} h${w.instanceType ? "" : "; the launch template's instance type is not visible"}`);
    }
    for (const s of f.services) {
        if (!s.fargate) { unpriced.push(`ECS service ${s.name}: not a Fargate service; only Fargate is priced`); continue; }
        if (s.vcpu === undefined || s.memoryGb === undefined) { unpriced.push(`ECS service ${s.name}: task size not visible`); continue; }
        add(`Fargate vCPU (${s.name})`, T.ecsService, s.desired * s.vcpu * H, "vCPU-hours", prices.fargateVcpuHour, `desiredCount ${s.desired} × ${s.vcpu} vCPU × ${H} h`);
        add(`Fargate memory (${s.name})`, T.ecsService, s.desired * s.memoryGb * H, "GB-hours", prices.fargateGbHour, `desiredCount ${s.desired} × ${s.memoryGb} GB × ${H} h`);
    }

    // --- Aurora ------------------------------------------------------------------------------------------
    for (const a of f.aurora) {
        const byClass = new Map<string, number>();
        for (const k of a.instanceClasses) byClass.set(k, (byClass.get(k) ?? 0) + 1);
        for (const [k, n] of byClass) add(`Aurora ${k} instances (${a.name})`, T.auroraInstance, n * H, "instance-hours", prices.auroraPostgresHour[k], `${n} instance(s) × ${H} h`);
        add(`Aurora storage (${a.name})`, T.auroraCluster, v.auroraStorageGb, "GB-months", prices.auroraStorageGbMonth, `${cite(c, "auroraStorageGb")}; every region of a global database stores a full copy`);
        const isSecondary = !a.writer;
        if (a.ioOptimized) unpriced.push(`Aurora ${a.name}: I/O-Optimized storage is not in the sheet; Standard prices are used and I/O is left out`);
        else if (isSecondary) add(`Aurora replicated write I/O (${a.name})`, T.auroraCluster, v.auroraReplicatedWriteIoMillionsPerMonth, "million I/Os", prices.auroraReplicatedWriteIoMillion, `secondary of the global database: ${cite(c, "auroraReplicatedWriteIoMillionsPerMonth")}`);
        else add(`Aurora I/O (${a.name})`, T.auroraCluster, v.auroraIoMillionsPerMonth, "million I/Os", prices.auroraIoMillion, `writer cluster: ${cite(c, "auroraIoMillionsPerMonth")}`);
        if (a.managedSecret) add(`RDS-managed master secret (${a.name})`, T.auroraCluster, 1, "secret-months", prices.secretMonth, "manageMasterUserPassword: Secrets Manager bills the secret");
    }

    // --- DynamoDB ----------------------------------------------------------------------------------------
    const peerReplicas = ctx.peers.flatMap((p) => p.replicas);
    for (const t of f.tables) {
        const global = t.inlineReplicaRegions.length > 0 || peerReplicas.some((r) => (r.globalTableArn !== undefined && r.globalTableArn === t.arn) || (r.globalTableArn ?? "").endsWith(`/${t.name}`));
        dynamoLines(t.name, T.table, global, t.provisioned, t.readCapacity, t.writeCapacity, t.pitr, `table ${t.name}`);
    }
    for (const r of f.replicas) {
        const base = ctx.peers.flatMap((p) => p.tables).find((t) => (r.globalTableArn !== undefined && r.globalTableArn === t.arn) || (r.globalTableArn ?? "").endsWith(`/${t.name}`));
        dynamoLines(base?.name ?? r.name, T.tableReplica, true, base?.provisioned ?? false, base?.readCapacity ?? 0, base?.writeCapacity ?? 0, r.pitr,
            base ? `replica of table ${base.name}` : `replica ${r.name} (its table is not visible: priced as on-demand)`);
    }
    function dynamoLines(name: string, type: string, global: boolean, provisioned: boolean, rcu: number, wcu: number, pitr: boolean, what: string) {
        const p = prices as RegionPrices;
        if (provisioned) {
            add(`DynamoDB ${global ? "replicated " : ""}WCU (${name})`, type, wcu * H, "WCU-hours", global ? p.dynamoReplicatedWcuHour : p.dynamoWcuHour, `${what}: writeCapacity ${wcu} × ${H} h${global ? "; a global table's writes are billed as replicated WCUs in every region" : ""}`);
            add(`DynamoDB RCU (${name})`, type, rcu * H, "RCU-hours", p.dynamoRcuHour, `${what}: readCapacity ${rcu} × ${H} h`);
        } else {
            add(`DynamoDB ${global ? "replicated " : ""}writes (${name})`, type, v.dynamoWriteMillionsPerMonth, "million write units", global ? p.dynamoReplicatedWriteRequestMillion : p.dynamoWriteRequestMillion,
                `${what}, on-demand: ${cite(c, "dynamoWriteMillionsPerMonth")}${global ? "; every region of a global table is billed for every write" : ""}`);
            add(`DynamoDB reads (${name})`, type, v.dynamoReadMillionsPerMonth * share, "million read units", p.dynamoReadRequestMillion, `${what}, on-demand: ${cite(c, "dynamoReadMillionsPerMonth")}; ${shareText}`);
        }
        add(`DynamoDB storage (${name})`, type, v.dynamoStorageGbPerTable, "GB-months", p.dynamoStorageGbMonth, `${what}: ${cite(c, "dynamoStorageGbPerTable")}`);
        if (pitr) add(`DynamoDB point-in-time recovery (${name})`, type, v.dynamoStorageGbPerTable, "GB-months", p.dynamoPitrGbMonth, `${what}: PITR enabled, priced on the table size`);
    }

    // --- backups -----------------------------------------------------------------------------------------
    const vaults = of(T.backupVault);
    const receives = f.backupRules.length > 0 || ctx.peers.some((p) => p.backupRules.some((r) => r.copyRegions.includes(f.region)));
    if (vaults.length > 0) {
        // Blend the two backup storage prices by the sizes of what is backed up.
        const auroraGb = v.auroraStorageGb;
        const dynamoGb = v.dynamoStorageGbPerTable * Math.max(f.tables.length, ...ctx.peers.map((p) => p.tables.length), 0);
        const blended = auroraGb + dynamoGb > 0 ? (auroraGb * prices.backupAuroraGbMonth + dynamoGb * prices.backupDynamoGbMonth) / (auroraGb + dynamoGb) : prices.backupAuroraGbMonth;
        if (receives) add("AWS Backup storage", T.backupVault, v.backupStorageGb, "GB-months", Math.round(blended * 10000) / 10000,
            `${cite(c, "backupStorageGb")} in ${vaults.length} vault(s); price blended by size: Aurora ${auroraGb} GB, DynamoDB ${dynamoGb} GB`);
        else lines.push({ item: "AWS Backup vault", type: T.backupVault, quantity: vaults.length, unit: "vaults", unitPriceUsd: 0, monthlyUsd: 0, basis: "no backup rule writes to or copies into this region's vault" });
    }

    // --- DNS and recovery control ------------------------------------------------------------------------
    for (const r of of(T.healthCheck)) {
        const type = String(r.inputs.type ?? "");
        const features = [
            /^HTTPS/.test(type) ? "HTTPS" : "",
            Number(r.inputs.requestInterval) === 10 ? "fast interval" : "",
            /STR_MATCH$/.test(type) || r.inputs.searchString !== undefined ? "string matching" : "",
            r.inputs.measureLatency === true ? "latency measurement" : "",
        ].filter(Boolean);
        add(`Route 53 health check (${r.name})`, T.healthCheck, 1, "check-months", prices.route53HealthCheckMonth, `${type || "endpoint"} health check on an AWS endpoint${type === "RECOVERY_CONTROL" ? " (assumed priced as a basic check)" : ""}`);
        if (features.length) add(`Route 53 health check features (${r.name})`, T.healthCheck, features.length, "feature-months", prices.route53HealthCheckFeatureMonth, features.join(", "));
    }
    const records = of(T.record).length;
    if (records > 0) lines.push({ item: "Route 53 records", type: T.record, quantity: records, unit: "records", unitPriceUsd: prices.route53RecordMonth, monthlyUsd: round2(records * prices.route53RecordMonth), basis: "records are included in the hosted zone's fee; queries to alias records of AWS resources are free" });
    const arc = f.arcClusters;
    add("ARC cluster hours", T.arcCluster, arc * H, "cluster-hours", prices.arcClusterHour, `${arc} Application Recovery Controller cluster(s) × ${H} h`);

    // --- keys, logs, alarms, secrets, registries, buckets ----------------------------------------------
    const keys = of("aws:kms/key:Key").length + of("aws:kms/replicaKey:ReplicaKey").length;
    add("KMS customer managed keys", "aws:kms/key:Key", keys, "key-months", prices.kmsKeyMonth, `${keys} key(s), multi-Region replicas included; requests left out`);
    const alarms = of("aws:cloudwatch/metricAlarm:MetricAlarm").length;
    add("CloudWatch alarms", "aws:cloudwatch/metricAlarm:MetricAlarm", alarms, "alarm-months", prices.cloudwatchAlarmMonth, `${alarms} standard-resolution alarm(s)`);
    const logGroups = of("aws:cloudwatch/logGroup:LogGroup").length;
    add("CloudWatch Logs ingestion", "aws:cloudwatch/logGroup:LogGroup", logGroups * v.logsIngestGbPerMonthPerGroup, "GB", prices.logsIngestGb, `${logGroups} log group(s) × ${cite(c, "logsIngestGbPerMonthPerGroup")}; storage left out`);
    const secrets = of("aws:secretsmanager/secret:Secret").length;
    add("Secrets Manager secrets", "aws:secretsmanager/secret:Secret", secrets, "secret-months", prices.secretMonth, `${secrets} secret(s)`);
    const repos = of("aws:ecr/repository:Repository").length;
    add("ECR storage", "aws:ecr/repository:Repository", repos * v.ecrStorageGbPerRepository, "GB-months", prices.ecrStorageGbMonth, `${repos} repositor(ies) × ${cite(c, "ecrStorageGbPerRepository")}`);
    const buckets = of("aws:s3/bucket:Bucket").length + of("aws:s3/bucketV2:BucketV2").length;
    add("S3 storage", "aws:s3/bucketV2:BucketV2", buckets * v.s3StorageGbPerBucket, "GB-months", prices.s3StandardGbMonth, `${buckets} bucket(s) × ${cite(c, "s3StorageGbPerBucket")}`);

    // --- inter-region transfer: from a region that holds data to each peer that receives a copy -----------
    const holdsData = f.aurora.some((a) => a.writer) || f.tables.length > 0 || f.backupRules.length > 0;
    if (holdsData) {
        const receivers = ctx.peers.filter((p) => p.aurora.some((a) => !a.writer) || p.replicas.length > 0 || f.backupRules.some((r) => r.copyRegions.includes(p.region)));
        add("inter-region data transfer", "transfer", receivers.length * v.interRegionTransferGbPerMonth, "GB", prices.interRegionTransferGb,
            `to ${receivers.length} region(s) holding replicas or backup copies (${receivers.map((p) => p.region).join(", ") || "none"}): ${cite(c, "interRegionTransferGbPerMonth")} each`);
    }

    const monthly = round2(lines.reduce((a, l) => a + (l.monthlyUsd ?? 0), 0));
    return { region: view.region, monthlyUsd: monthly, lines, unpriced, unknownTypes, priceSheet: sheetInfo };
}

/** The resource types of a view that need a price (for the coverage test and the policy). */
export function billableTypesIn(resources: readonly ResourceView[]): string[] {
    return [...new Set(resources.map((r) => r.type).filter((t) => t in BILLABLE_TYPES))].sort();
}
