import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TableConfig } from "../src/config";
import { clusterBaseArgs, clusterInstances, postgresLogGroup } from "./auroraParts";
import { GlobalTable } from "./globalTable";
import { RestorePoint } from "./restorePoint";

/** Where a new tier's Aurora cluster comes from. */
export interface RecoveryAuroraSource {
    /**
     * Cluster snapshot or AWS Backup recovery point ARN (for Aurora both are `...:cluster-snapshot:...`).
     * Default: the newest available snapshot of `sourceClusterIdentifier` in this region, which is where AWS
     * Backup's cross-region copy actions put them. Either way a RestorePoint records the choice when the tier is
     * created (a look-up on every run would fail every update once the copies expire).
     */
    readonly snapshotIdentifier?: pulumi.Input<string>;
    /** Identifier of the cluster (in another region) whose copied snapshots are searched. Required. */
    readonly sourceClusterIdentifier: pulumi.Input<string>;
}

/** One table of the tier. */
export interface RecoveryTable {
    /** The table's configuration (key schema, billing, TTL). Required. */
    readonly config: TableConfig;
    /** Physical name of this tier's copy, e.g. `securecart-carts-r1`. Required. */
    readonly tableName: string;
    /** ARN of the table it is restored from (cross-region PITR). Required when the tier is created. */
    readonly sourceTableArn?: pulumi.Input<string>;
}

export interface RecoveryTierArgs {
    /** The recovery's generation number (src/strategy.ts `planRecovery`), tagged on every child. Required. */
    readonly generation: number;
    /** The cluster identifier, e.g. `securecart-us-west-2-r1`; instances get `-1`, `-2`, ... Required. */
    readonly clusterIdentifier: string;
    /** This stack's region, where the RestorePoint searches. Required. */
    readonly region: string;
    /** The tier is restored by this update. When false it exists already and its sources are not read. Default false. */
    readonly created?: boolean;
    /** Aurora instances: the writer and readers while the tier is live and serving, otherwise none. Default 0. */
    readonly instances?: number;
    /**
     * Pulumi `protect` and AWS deletion protection, on the cluster, its tables and its log group. Off only in the
     * first retire step of a superseded tier. Default true.
     */
    readonly protect?: boolean;
    /**
     * Where the cluster is restored from. Required; read only when `created` (the pin records it, and its
     * provider never looks again).
     */
    readonly aurora: RecoveryAuroraSource;
    /** The tables of the tier. Default none. */
    readonly tables?: readonly RecoveryTable[];
    /** Aurora PostgreSQL engine version, as in every region. Required. */
    readonly engineVersion: string;
    /** Instance class. Required. */
    readonly instanceClass: string;
    /** Automated backup retention in days, 1-35. Default 7. */
    readonly backupRetentionDays?: number;
    /** The region's Aurora subnet group and security group (components/auroraGlobal.ts, shape "none"). Required. */
    readonly subnetGroupName: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    /** AZs the instances are spread over (instance n goes to AZ n mod count). Required. */
    readonly availabilityZones: pulumi.Input<string[]>;
    /** This region's data key: storage, tables, Performance Insights. Required. */
    readonly dataKeyArn: pulumi.Input<string>;
    /** Regional key for the exported PostgreSQL log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Retention of the exported PostgreSQL log, in days. Default 90. */
    readonly logRetentionDays?: number;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A backup-restore recovery tier: a restored copy of the data of record, as one Aurora cluster (from a copied
 * recovery point) and one table per configured table (cross-region point-in-time recovery). A restore always
 * creates new resources, so each recovery gets its own tier, numbered by generation; no role change removes
 * one. Cluster, tables and log group are protected and retained on delete unless `protect` is off (the first
 * retire step); the log group is always retained on delete (a retired tier's logs stay until their retention
 * ends, for the incident review); instances are never protected (they hold no data; the volume does).
 */
export class RecoveryTier extends pulumi.ComponentResource {
    public readonly clusterIdentifier: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    /** Config table name → ARN of this tier's copy. */
    public readonly tableArns: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: RecoveryTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:data:RecoveryTier", name, {}, opts);
        const p = { parent: this };
        const protect = args.protect ?? true;
        const keep = { parent: this, protect, retainOnDelete: protect };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n, "recovery-generation": String(args.generation) });
        const created = args.created ?? false;
        const problems: string[] = [];
        if (!Number.isInteger(args.generation) || args.generation < 1)
            problems.push(`generation must be a whole number from 1 (got ${args.generation})`);
        if (created)
            for (const t of args.tables ?? [])
                if (t.sourceTableArn === undefined) problems.push(`a tier that is created needs sourceTableArn for table ${t.config.name}`);
        if (problems.length) throw new pulumi.ResourceError(`RecoveryTier ${name}: ${problems.join("; ")}`, this);
        const id = args.clusterIdentifier;

        const logGroup = postgresLogGroup(
            `${name}-log`,
            id,
            { logsKmsKeyArn: args.logsKmsKeyArn, retentionDays: args.logRetentionDays, tags: tags(`${name}-log`), protect },
            this,
        );

        // The pin records which recovery point the tier was restored from (named in config, or the newest copy,
        // looked up once at creation). It is declared for existing tiers too: its provider never looks again.
        const snapshot = new RestorePoint(
            `${name}-restore-point`,
            {
                sourceClusterIdentifier: args.aurora.sourceClusterIdentifier,
                region: args.region,
                givenSnapshotArn: created ? args.aurora.snapshotIdentifier : undefined,
            },
            p,
        ).snapshotArn;
        const cluster = new aws.rds.Cluster(
            `${name}-cluster`,
            {
                ...clusterBaseArgs({
                    clusterIdentifier: id,
                    engineVersion: args.engineVersion,
                    dataKeyArn: args.dataKeyArn,
                    subnetGroupName: args.subnetGroupName,
                    securityGroupId: args.securityGroupId,
                    backupRetentionDays: args.backupRetentionDays,
                    deletionProtection: protect,
                    tags: tags(id),
                }),
                snapshotIdentifier: snapshot,
            },
            {
                ...keep,
                dependsOn: [logGroup],
                // A restore happens once: a newer snapshot must never replace the tier.
                ignoreChanges: ["snapshotIdentifier"],
            },
        );
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;

        clusterInstances(
            name,
            cluster,
            {
                clusterIdentifier: id,
                count: args.instances ?? 0,
                instanceClass: args.instanceClass,
                availabilityZones: args.availabilityZones,
                dataKeyArn: args.dataKeyArn,
                tags,
            },
            this,
        );

        for (const t of args.tables ?? []) {
            const table = new GlobalTable(
                `${name}-table-${t.config.name}`,
                {
                    shape: "restore",
                    tableName: t.tableName,
                    hashKey: t.config.hashKey,
                    rangeKey: t.config.rangeKey,
                    attributes: t.config.attributes,
                    billingMode: t.config.billingMode,
                    readCapacity: t.config.readCapacity,
                    writeCapacity: t.config.writeCapacity,
                    maxReadCapacity: t.config.maxReadCapacity,
                    maxWriteCapacity: t.config.maxWriteCapacity,
                    ttlAttribute: t.config.ttlAttribute,
                    kmsKeyArn: args.dataKeyArn,
                    sourceTableArn: created ? t.sourceTableArn : undefined,
                    existing: !created,
                    protect,
                    tags: { ...(args.tags ?? {}), "recovery-generation": String(args.generation) },
                },
                p,
            );
            this.tableArns[t.config.name] = table.tableArn;
        }

        this.registerOutputs({
            clusterIdentifier: this.clusterIdentifier,
            clusterArn: this.clusterArn,
            endpoint: this.endpoint,
            tableArns: this.tableArns,
        });
    }
}
