/**
 * Every constant the RTO, RPO and cost estimates rest on, in one place, each with where it comes from.
 *
 * Two kinds:
 * - `time`: durations of recovery steps. Where AWS publishes a figure it is cited (see shared DR-FACTS);
 *   where it publishes none, the value is marked as a project assumption and says so.
 * - `usage`: traffic and storage volumes the monthly cost multiplies prices by. These are assumptions about
 *   the workload, not facts about AWS: set them from your own bills.
 *
 * Every constant can be overridden per stack with `securecart:estimates` (a map of name → number), e.g.
 * `-c estimates.auroraInstanceCreateSeconds=420`. Unknown names are a configuration error.
 */

export type ConstantKind = "time" | "usage";

export interface ConstantSpec {
    readonly value: number;
    readonly unit: string;
    readonly kind: ConstantKind;
    /** What the number means. */
    readonly what: string;
    /** Where it comes from: a published figure (document and statement) or "assumption: ...". */
    readonly source: string;
}

const AURORA_UG = 'Aurora user guide, "Using Amazon Aurora global databases"';
const R53_DG = "Route 53 developer guide";
const ASSUMPTION = "project assumption (no published figure)";
const DR_WORKSHOP_GDS =
    'AWS Disaster Recovery workshop, "ElastiCache Global Datastore" (https://disaster-recovery.workshop.aws/en/services/databases/elasticache/global-datastore.html, read 2026-12-06)';

export const CONSTANTS = {
    // --- recovery step durations --------------------------------------------------------------------------
    auroraReplicationLagSeconds: {
        value: 1,
        unit: "s",
        kind: "time",
        what: "Aurora global database storage-level replication lag (unplanned failover loses about this much)",
        source: `${AURORA_UG}: replication lag typically under 1 second`,
    },
    auroraSwitchoverSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "managed switchover of the global writer to a live secondary (planned, RPO 0)",
        source: `${AURORA_UG}: promoting a secondary region typically takes under a minute`,
    },
    auroraFailoverSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "managed failover (FailoverGlobalCluster with AllowDataLoss) to a live secondary (unplanned)",
        source: `${AURORA_UG}: promoting a secondary region typically takes under a minute; RTO in the order of minutes`,
    },
    auroraInstanceCreateSeconds: {
        value: 600,
        unit: "s",
        kind: "time",
        what: "creating the first DB instance in a headless secondary (or a restored cluster) before it can serve",
        source: "Aurora user guide / DR-FACTS: instance creation commonly 5-10 minutes (upper end taken)",
    },
    auroraRestoreSeconds: {
        value: 1800,
        unit: "s",
        kind: "time",
        what: "restoring an Aurora cluster volume from a copied recovery point, before its first instance",
        source: `${ASSUMPTION}: restore time grows with the volume size; measure it in a drill and override`,
    },
    dynamoReplicationLagSeconds: {
        value: 1,
        unit: "s",
        kind: "time",
        what: "DynamoDB global table (MREC) replication delay",
        source: "DynamoDB developer guide: MREC changes typically replicated in 1 second or less (no latency SLA)",
    },
    dynamoRestoreSeconds: {
        value: 1800,
        unit: "s",
        kind: "time",
        what: "restoring a DynamoDB table from a copied recovery point (a restore creates a new table)",
        source: `${ASSUMPTION}: restore time grows with the table size; measure it in a drill and override`,
    },
    dynamoPitrLatestSeconds: {
        value: 300,
        unit: "s",
        kind: "time",
        what: "how far behind now a DynamoDB point-in-time restore to the latest restorable time is (a planned restore by PITR from a reachable source loses the writes of this window unless they stopped earlier)",
        source: "DynamoDB API reference (2012-08-10), PointInTimeRecoveryDescription: LatestRestorableDateTime is typically 5 minutes before the current time (read 2026-12-02)",
    },
    backupCopySeconds: {
        value: 3600,
        unit: "s",
        kind: "time",
        what: "AWS Backup cross-region copy of a recovery point, from job start until usable in the standby vault",
        source: `${ASSUMPTION}: AWS Backup publishes no copy duration; it grows with the recovery point size`,
    },
    aliasTtlSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "TTL of an alias record to a load balancer",
        source: `${R53_DG}: alias records to ELB take the target's fixed 60 s TTL`,
    },
    ec2LaunchSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "EC2 Auto Scaling: from a capacity change until the instance is running",
        source: `${ASSUMPTION}: AWS documents none ("launch plus boot plus grace; commonly several minutes")`,
    },
    ec2BootSeconds: {
        value: 120,
        unit: "s",
        kind: "time",
        what: "EC2: from running until the application answers (OS boot, user data)",
        source: `${ASSUMPTION}: depends on the AMI and user data; measure and override`,
    },
    fargateTaskStartSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "Fargate: from a desired-count change until the task is RUNNING",
        source: "Amazon ECS developer guide / DR-FACTS: commonly 30-60 s, longer for large images (upper end taken)",
    },
    provisionSeconds: {
        value: 1200,
        unit: "s",
        kind: "time",
        what: "`pulumi up` creating tiers that do not exist in the recovery region (load balancer, compute, record)",
        source: `${ASSUMPTION}: load balancer and certificate creation dominate; measure in a drill and override`,
    },
    route53AlarmReactionSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "after the alarm's evaluation periods have breached: until Route 53 marks the CLOUDWATCH_METRIC health check unhealthy (the breaching datapoint's publication, then Route 53 reading the alarm's data stream)",
        source: `${ASSUMPTION}: unknown, because AWS publishes no figure (${R53_DG}, "How Amazon Route 53 determines whether a health check is healthy": Route 53 monitors the alarm's data stream, with no latency stated); one metric period (the ALB publishes HealthyHostCount every 60 s) is assumed; measure it in a drill (last healthy target gone → HealthCheckStatus 0) and override`,
    },
    manualDecisionSeconds: {
        value: 300,
        unit: "s",
        kind: "time",
        what: "detection when failover is an operator's decision (ARC routing controls): noticing, deciding, flipping",
        source: `${ASSUMPTION}: ARC routing controls do not fail over by themselves`,
    },
    esmEnableSeconds: {
        value: 90,
        unit: "s",
        kind: "time",
        what: "from the promotion's `pulumi up` enabling an SQS event source mapping (pilot light) until Lambda polls the queue again",
        source: `${ASSUMPTION}: AWS publishes none for SQS mappings; the Lambda developer guide's figure for stream (Kafka) mappings ("Polling and stream starting positions in Lambda": an update may take up to 90 seconds to stop and restart polling) is borrowed as the bound; measure it in a drill (enable → first ReceiveMessage) and override`,
    },
    eventEndpointFailoverAfterAlarmSeconds: {
        value: 120,
        unit: "s",
        kind: "time",
        what: "after the global endpoint's health check alarm has breached: until EventBridge routes custom events to the secondary region's bus",
        source: `derived from the EventBridge user guide ("Making applications Regional-fault tolerant with global endpoints", Recovery Time & Recovery Point Objectives, read 2026-12-06): RTO and RPO of 360 s, at most 420 s, when the alarm follows AWS's prescriptive guidance (its template waits 5 one-minute periods, 300 s); the remaining 60-120 s is the health check and the re-routing, upper end taken. Assumption: that remainder does not depend on the alarm's length; measure it in a drill and override`,
    },
    reconcilerStaleAfterSeconds: {
        value: 900,
        unit: "s",
        kind: "time",
        what: "how long an order must have been ACCEPTED before the order reconciler resumes or compensates it (its STALE_AFTER_SECONDS)",
        source: "project setting, not an AWS figure: the default of functions/order-reconciler configFromEnv, which components/orderPipeline.ts does not override (assumption: the deployed function keeps it)",
    },
    // --- the cache and the shared files (docs/cache-and-files.md) ---------------------------------
    cacheGlobalDatastoreLagSeconds: {
        value: 1,
        unit: "s",
        kind: "time",
        what: "ElastiCache Global Datastore replication lag: cache writes a secondary may lack when it is promoted without the primary",
        source: `${DR_WORKSHOP_GDS}: "RPO: Generally less than 1 second"; a workshop figure, not a documented SLA (the ElastiCache user guide gives no lag figure): the upper end taken; measure it in a drill and override`,
    },
    cacheGlobalDatastoreFailoverSeconds: {
        value: 60,
        unit: "s",
        kind: "time",
        what: "FailoverGlobalReplicationGroup: from the call until the named secondary is the Global Datastore's primary (the datastore is Modifying meanwhile)",
        source: `${DR_WORKSHOP_GDS}: "RTO: 1 minute"; a workshop figure, not a documented SLA (the ElastiCache user guide and API reference give no duration); measure it in a drill and override`,
    },
    efsReplicationRpoSeconds: {
        value: 900,
        unit: "s",
        kind: "time",
        what: "EFS replication: how far a destination file system's last sync may be behind its source (the changes a failover to it loses)",
        source: 'AWS News Blog, "New – Replication for Amazon EFS" (read 2026-12-06, in a reposted copy): "most changes are replicated within a minute, with an overall Recovery Point Objective (RPO) of 15 minutes for most file systems"; "for most file systems" is not a bound on every one, and the Amazon EFS user guide ("Replicating EFS file systems", https://docs.aws.amazon.com/efs/latest/ug/efs-replication.html, read 2026-12-06) says changes are not replicated point-in-time consistently: those after the last sync may be missing',
    },
    // --- workload volumes for the monthly cost ----------------------------------------------------------
    hoursPerMonth: {
        value: 730,
        unit: "h",
        kind: "usage",
        what: "hours in a billing month",
        source: "AWS pricing pages' convention (730 hours per month)",
    },
    natProcessedGbPerMonth: {
        value: 100,
        unit: "GB",
        kind: "usage",
        what: "data processed by the NAT gateways of a region that takes traffic",
        source: "assumption about the workload: set from your bill",
    },
    albLcuPerHour: {
        value: 1,
        unit: "LCU",
        kind: "usage",
        what: "load balancer capacity units consumed per hour by a region that takes traffic",
        source: "assumption about the workload: set from your bill",
    },
    auroraStorageGb: {
        value: 100,
        unit: "GB",
        kind: "usage",
        what: "Aurora cluster volume size (stored once in every region that holds a copy)",
        source: "assumption about the workload: set from VolumeBytesUsed",
    },
    auroraIoMillionsPerMonth: {
        value: 100,
        unit: "million I/O",
        kind: "usage",
        what: "Aurora read and write I/O in the writer's region (Aurora Standard)",
        source: "assumption about the workload: set from VolumeReadIOPs/VolumeWriteIOPs",
    },
    auroraReplicatedWriteIoMillionsPerMonth: {
        value: 25,
        unit: "million I/O",
        kind: "usage",
        what: "write I/O replicated to each secondary region of the global database",
        source: "assumption about the workload: set from VolumeWriteIOPs",
    },
    dynamoWriteMillionsPerMonth: {
        value: 10,
        unit: "million writes",
        kind: "usage",
        what: "DynamoDB writes per month, per table, for the whole application (1 KB items)",
        source: "assumption about the workload: set from ConsumedWriteCapacityUnits",
    },
    dynamoReadMillionsPerMonth: {
        value: 50,
        unit: "million reads",
        kind: "usage",
        what: "DynamoDB reads per month, per table, for the whole application (4 KB items, strongly consistent)",
        source: "assumption about the workload: set from ConsumedReadCapacityUnits",
    },
    dynamoStorageGbPerTable: {
        value: 5,
        unit: "GB",
        kind: "usage",
        what: "DynamoDB table size (stored once in every region that holds a replica)",
        source: "assumption about the workload: set from the table's size",
    },
    backupStorageGb: {
        value: 200,
        unit: "GB",
        kind: "usage",
        what: "recovery points held in each backup vault that receives them",
        source: "assumption about the workload: set from the vault's stored size",
    },
    interRegionTransferGbPerMonth: {
        value: 100,
        unit: "GB",
        kind: "usage",
        what: "data sent from the primary to each standby region (database replication and backup copies; S3 asset replication, the cache's Global Datastore and the shared files' replication have their own lines)",
        source: "assumption about the workload: set from your bill's inter-region transfer, less what S3 replication sends (assetsChangedGbPerMonth)",
    },
    logsIngestGbPerMonthPerGroup: {
        value: 5,
        unit: "GB",
        kind: "usage",
        what: "CloudWatch Logs ingested per log group per month",
        source: "assumption about the workload: set from IncomingBytes",
    },
    ecrStorageGbPerRepository: {
        value: 1,
        unit: "GB",
        kind: "usage",
        what: "images stored per ECR repository",
        source: "assumption about the workload",
    },
    edgeRequestsMillionsPerMonth: {
        value: 50,
        unit: "million requests",
        kind: "usage",
        what: "HTTPS requests the CloudFront distribution receives per month (every one is inspected by the web ACL)",
        source: "assumption about the workload: set from the distribution's Requests metric",
    },
    edgeGbOutPerMonth: {
        value: 500,
        unit: "GB",
        kind: "usage",
        what: "data CloudFront sends to viewers per month",
        source: "assumption about the workload: set from the distribution's BytesDownloaded metric",
    },
    edgeLogBytesPerRequest: {
        value: 1000,
        unit: "bytes",
        kind: "usage",
        what: "size of one log record, per request, in each edge log group (WAF logs, CloudFront access logs)",
        source: "assumption about the workload: set from the log groups' IncomingBytes divided by the requests",
    },
    assetsStorageGb: {
        value: 50,
        unit: "GB",
        kind: "usage",
        what: "static assets held in each region's asset bucket (every bucket holds all of them: its own and the replicas)",
        source: "assumption about the workload: set from the bucket's BucketSizeBytes",
    },
    assetsChangedGbPerMonth: {
        value: 10,
        unit: "GB",
        kind: "usage",
        what: "static assets published (written or overwritten) per month, all replicated to every other region",
        source: "assumption about the workload: set from the replication rule's BytesReplicated metric",
    },
    s3StorageGbPerBucket: {
        value: 10,
        unit: "GB",
        kind: "usage",
        what: "objects stored per S3 bucket other than the asset buckets (log buckets)",
        source: "assumption about the workload",
    },
    filesStorageGb: {
        value: 50,
        unit: "GB",
        kind: "usage",
        what: "shared files held by each region's file system that holds a copy (the primary's, and a replication destination's)",
        source: "assumption about the workload (2026-12-06): set from the file system's size (DescribeFileSystems SizeInBytes)",
    },
    filesChangedGbPerMonth: {
        value: 10,
        unit: "GB",
        kind: "usage",
        what: "shared files written (created or changed) per month, all replicated to the destination's region",
        source: "assumption about the workload (2026-12-06): set from the file system's DataWriteIOBytes metric",
    },
    cacheReplicatedGbPerMonth: {
        value: 50,
        unit: "GB",
        kind: "usage",
        what: "data written to the cache's primary per month, all sent by the Global Datastore to its secondary region",
        source: "assumption about the workload (2026-12-06): set from your bill's ElastiCache inter-region transfer",
    },
    // --- the order pipeline's volumes: per order, counted from the code; per month, set from your bills --------
    ordersPerMonth: {
        value: 100000,
        unit: "orders",
        kind: "usage",
        what: "orders the application accepts per month, all regions together (each is processed where its request is served)",
        source: "assumption about the workload: set from the order queue's NumberOfMessagesSent",
    },
    lambdaInvocationsPerOrder: {
        value: 6,
        unit: "invocations",
        kind: "usage",
        what: "Lambda invocations per order on the happy path: order-processor 1, fulfilment 3 (the saga's reserve, payment and confirm tasks), notifier 2 (OrderAccepted's and OrderConfirmed's notifications); one invocation per message, as at low volume (batches of up to 10 lower it)",
        source: "derived from components/orderPipeline.ts and src/orderSaga.ts; retries, compensations, thumbnails and the DLQ watcher left out: set from the functions' Invocations if they matter",
    },
    lambdaDurationMs: {
        value: 200,
        unit: "ms",
        kind: "usage",
        what: "average billed duration of one pipeline function invocation (the reconciler's scheduled runs included)",
        source: "assumption about the workload: set from the functions' Duration metric",
    },
    sqsRequestsPerOrder: {
        value: 9,
        unit: "requests",
        kind: "usage",
        what: "SQS requests per order: on the order queue a send, a receive and a delete; on the notification queue the same for each of its 2 messages (OrderAccepted through the rule and topic, OrderConfirmed from the saga), unbatched; messages up to 64 KB",
        source: "derived from components/orderPipeline.ts (queues, topic subscription, event source mappings); the pollers' empty receives are not per order and are left out",
    },
    snsPublishesPerOrder: {
        value: 2,
        unit: "publishes",
        kind: "usage",
        what: "SNS publishes to the notifications topic per order: the order-accepted rule's delivery and the saga's NotifyCustomer task",
        source: "derived from components/orderPipeline.ts and src/orderSaga.ts",
    },
    eventsPerOrder: {
        value: 1,
        unit: "events",
        kind: "usage",
        what: "custom events put on the order bus per order: the order processor's OrderAccepted (OrderFulfilmentRequested comes only from operators and the reconciler)",
        source: "derived from functions/order-processor (accept publishes one event)",
    },
    sagaTransitionsPerOrder: {
        value: 4,
        unit: "transitions",
        kind: "usage",
        what: "Step Functions state transitions per order on the saga's happy path: ReserveInventory → TakePayment → ConfirmOrder → NotifyCustomer; each retry adds one",
        source: "derived from src/orderSaga.ts orderSagaDefinition (the states from StartAt to End; a test walks the definition and holds this to it)",
    },
    // --- operations: fault-injection experiments ---------------------------------------------------------
    fisExperimentRunsPerMonth: {
        value: 0,
        unit: "runs",
        kind: "usage",
        what: "runs of each planned AWS FIS experiment template per month (the monthly cost of the experiments is this many runs at each template's per-run cost)",
        source: "project setting, not an AWS figure: no experiment runs unless someone starts one (a game day, a drill); set it from your schedule of experiments",
    },
    fisInstantActionMinutes: {
        value: 1,
        unit: "min",
        kind: "usage",
        what: "billed minutes of an AWS FIS action that names no duration (stopping tasks, an Aurora failover): it ends when its call completes",
        source: 'assumption: the AWS FIS pricing page (https://aws.amazon.com/fis/pricing/, read 2026-12-06) bills an action "from the time an action starts until it stops, rounded to the nearest minute", so such an action rounds to 0 or 1 minute; the upper end is taken. Read the action-minutes of a run on your bill and override',
    },
} as const satisfies Record<string, ConstantSpec>;

export type ConstantName = keyof typeof CONSTANTS;
export const CONSTANT_NAMES = Object.keys(CONSTANTS) as ConstantName[];

/** Resolved constants: a value per name, and which ones were overridden in config. */
export interface Constants {
    readonly values: Readonly<Record<ConstantName, number>>;
    readonly overridden: ReadonlySet<ConstantName>;
}

export function isConstantName(name: string): name is ConstantName {
    return Object.prototype.hasOwnProperty.call(CONSTANTS, name);
}

/** The constants with `overrides` (from `securecart:estimates`) applied. Unknown names throw: config validates them first. */
export function resolveConstants(overrides: Readonly<Record<string, number>> = {}): Constants {
    const values = {} as Record<ConstantName, number>;
    const overridden = new Set<ConstantName>();
    for (const n of CONSTANT_NAMES) values[n] = CONSTANTS[n].value;
    for (const [k, v] of Object.entries(overrides)) {
        if (!isConstantName(k)) throw new Error(`unknown estimate constant "${k}"; expected one of ${CONSTANT_NAMES.join(", ")}`);
        values[k] = v;
        overridden.add(k);
    }
    return { values, overridden };
}

/** Problems with `securecart:estimates` overrides, for config validation: each names key, value and what is allowed. */
export function constantOverrideProblems(ns: string, overrides: Readonly<Record<string, number>>): string[] {
    const p: string[] = [];
    for (const [k, v] of Object.entries(overrides)) {
        if (!isConstantName(k)) {
            p.push(`${ns}:estimates.${k}: got ${JSON.stringify(v)} for an unknown estimate constant; expected one of ${CONSTANT_NAMES.join(", ")}`);
        } else if (k === "hoursPerMonth" && (v < 1 || v > 744)) {
            p.push(`${ns}:estimates.hoursPerMonth: got ${v}; expected 1-744`);
        }
    }
    return p;
}

/** "name = value unit (overridden)": how an estimate cites a constant it rests on. */
export function cite(c: Constants, name: ConstantName): string {
    const spec = CONSTANTS[name];
    return `${name} = ${c.values[name]} ${spec.unit}${c.overridden.has(name) ? " (overridden in config)" : ""}`;
}
