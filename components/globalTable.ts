import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What this region holds of one global table (src/strategy.ts `plan.dynamo.shape`, minus "none"). */
export type GlobalTableShape = "table" | "replica" | "restore";

export interface GlobalTableArgs {
    /** table: the base table (home stack); replica: a TableReplica of it; restore: a recovery tier's table, restored by PITR. Required. */
    readonly shape: GlobalTableShape;
    /** Table name, identical in every region so replicas and restores find it, e.g. `securecart-carts`. Required. */
    readonly tableName: string;
    /** Partition key attribute. Required for "table" and "restore". */
    readonly hashKey: string;
    /** Sort key attribute. Default none. */
    readonly rangeKey?: string;
    /** Key attribute definitions (name and type S/N/B). Required for "table" and "restore". */
    readonly attributes: readonly { readonly name: string; readonly type: string }[];
    /** PAY_PER_REQUEST (on-demand) or PROVISIONED (with target-tracking auto scaling). Default PAY_PER_REQUEST. */
    readonly billingMode?: "PAY_PER_REQUEST" | "PROVISIONED";
    /** Provisioned read capacity: the auto scaling minimum. Required when PROVISIONED. */
    readonly readCapacity?: number;
    /** Provisioned write capacity: the auto scaling minimum. Required when PROVISIONED. */
    readonly writeCapacity?: number;
    /** Auto scaling maximum for reads. Default 4 × readCapacity. */
    readonly maxReadCapacity?: number;
    /** Auto scaling maximum for writes. Default 4 × writeCapacity. */
    readonly maxWriteCapacity?: number;
    /** Target utilisation percent for auto scaling. Default 70. */
    readonly targetUtilizationPercent?: number;
    /** Attribute holding an expiry epoch for TTL. Default none (TTL off). */
    readonly ttlAttribute?: string;
    /** This region's data key (the multi-Region primary in the home stack, its replica elsewhere). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * "replica": ARN of the home stack's base table. "restore": ARN of the table restored from (cross-region PITR,
     * to its latest restorable time). Required, except for a restored table that exists already (`existing`).
     */
    readonly sourceTableArn?: pulumi.Input<string>;
    /** "restore" only: the table was restored by an earlier update, so its source is no longer read. Default false. */
    readonly existing?: boolean;
    /**
     * `protect` and DynamoDB deletion protection. Off only to retire a superseded recovery tier (the first of its
     * two steps). Default true.
     */
    readonly protect?: boolean;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One DynamoDB global table (version 2019.11.21, multi-Region eventual consistency), owned across stacks:
 * - the home stack owns the base table: streams (NEW_AND_OLD_IMAGES), PITR, SSE under the data key,
 *   deletion protection; it ignores `replicas`, so re-applying it never removes a replica made elsewhere;
 * - every other stack owns its `aws.dynamodb.TableReplica`, with PITR and its region's replica key;
 * - a backup-restore recovery tier restores the table from its source's point-in-time recovery.
 * The table, the replica and the restored table are protected and retained on delete (a recovery tier being
 * retired drops both, so that its second retire step really deletes it).
 */
export class GlobalTable extends pulumi.ComponentResource {
    public readonly tableName: string;
    public readonly tableArn: pulumi.Output<string>;
    /** The stream ARN (base and restored tables; replicas have their own stream in their region). */
    public readonly streamArn?: pulumi.Output<string>;

    constructor(name: string, args: GlobalTableArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:data:GlobalTable", name, {}, opts);
        const p = { parent: this };
        const protect = args.protect ?? true;
        const keep = { parent: this, protect, retainOnDelete: protect };
        const tags = { ...(args.tags ?? {}), Name: args.tableName };
        const provisioned = args.billingMode === "PROVISIONED";

        const problems: string[] = [];
        const attrNames = new Set(args.attributes.map((a) => a.name));
        if (args.shape !== "replica") {
            if (!attrNames.has(args.hashKey)) problems.push(`hashKey "${args.hashKey}" is not in attributes`);
            if (args.rangeKey !== undefined && !attrNames.has(args.rangeKey)) problems.push(`rangeKey "${args.rangeKey}" is not in attributes`);
        }
        if (provisioned && (args.readCapacity === undefined || args.writeCapacity === undefined))
            problems.push("PROVISIONED needs readCapacity and writeCapacity");
        if (args.shape === "replica" && args.sourceTableArn === undefined) problems.push("a replica needs sourceTableArn (the home stack's table)");
        // Without a source, a new "restored" table would be created empty: a silent loss of the recovery's data.
        if (args.shape === "restore" && args.sourceTableArn === undefined && !args.existing)
            problems.push("a restored table needs sourceTableArn when it is created");
        if (args.shape !== "restore" && args.existing) problems.push("existing is only for a restored table");
        if (problems.length) throw new pulumi.ResourceError(`GlobalTable ${name}: ${problems.join("; ")}`, this);

        this.tableName = args.tableName;
        let dependsOn: pulumi.Resource;
        if (args.shape === "replica") {
            const replica = new aws.dynamodb.TableReplica(
                `${name}-replica`,
                {
                    globalTableArn: args.sourceTableArn as pulumi.Input<string>,
                    kmsKeyArn: args.kmsKeyArn,
                    pointInTimeRecovery: true,
                    deletionProtectionEnabled: true,
                    tags,
                },
                keep,
            );
            this.tableArn = replica.arn;
            dependsOn = replica;
        } else {
            const restore = args.shape === "restore";
            // When restoring: the latest restorable time of the source, cross-region (the source region must
            // answer). These arguments matter only at creation; a later run never restores again.
            const restoreArgs: Partial<aws.dynamodb.TableArgs> =
                restore && !args.existing ? { restoreSourceTableArn: args.sourceTableArn, restoreToLatestTime: true } : {};
            const table = new aws.dynamodb.Table(
                restore ? `${name}-restored` : `${name}-table`,
                {
                    name: args.tableName,
                    billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
                    hashKey: args.hashKey,
                    rangeKey: args.rangeKey,
                    attributes: args.attributes.map((a) => ({ name: a.name, type: a.type })),
                    readCapacity: provisioned ? args.readCapacity : undefined,
                    writeCapacity: provisioned ? args.writeCapacity : undefined,
                    streamEnabled: true,
                    streamViewType: "NEW_AND_OLD_IMAGES",
                    pointInTimeRecovery: { enabled: true },
                    serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
                    deletionProtectionEnabled: protect,
                    ttl: args.ttlAttribute ? { enabled: true, attributeName: args.ttlAttribute } : undefined,
                    ...restoreArgs,
                    tags,
                },
                {
                    ...keep,
                    ignoreChanges: [
                        // Replicas live in other stacks (aws.dynamodb.TableReplica): never remove them from here.
                        "replicas",
                        ...(provisioned ? ["readCapacity", "writeCapacity"] : []), // auto scaling owns these
                        ...(restore
                            ? ["restoreSourceTableArn", "restoreToLatestTime", "restoreDateTime", "restoreSourceName", "restoreBackupArn"]
                            : []),
                    ],
                },
            );
            this.tableArn = table.arn;
            this.streamArn = table.streamArn;
            dependsOn = table;
        }

        if (provisioned) {
            // Auto scaling is regional: each region scales its own table or replica (same name everywhere).
            const target = args.targetUtilizationPercent ?? 70;
            const dims: Array<[string, number, number, string]> = [
                ["read", args.readCapacity as number, args.maxReadCapacity ?? 4 * (args.readCapacity as number), "DynamoDBReadCapacityUtilization"],
                [
                    "write",
                    args.writeCapacity as number,
                    args.maxWriteCapacity ?? 4 * (args.writeCapacity as number),
                    "DynamoDBWriteCapacityUtilization",
                ],
            ];
            for (const [dim, min, max, metric] of dims) {
                const Dim = dim === "read" ? "Read" : "Write";
                const scalable = new aws.appautoscaling.Target(
                    `${name}-${dim}-target`,
                    {
                        serviceNamespace: "dynamodb",
                        resourceId: `table/${args.tableName}`,
                        scalableDimension: `dynamodb:table:${Dim}CapacityUnits`,
                        minCapacity: min,
                        maxCapacity: Math.max(min, max),
                        tags,
                    },
                    { parent: this, dependsOn: [dependsOn] },
                );
                new aws.appautoscaling.Policy(
                    `${name}-${dim}-policy`,
                    {
                        policyType: "TargetTrackingScaling",
                        serviceNamespace: scalable.serviceNamespace,
                        resourceId: scalable.resourceId,
                        scalableDimension: scalable.scalableDimension,
                        targetTrackingScalingPolicyConfiguration: {
                            targetValue: target,
                            predefinedMetricSpecification: { predefinedMetricType: metric },
                        },
                    },
                    p,
                );
            }
        }

        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, streamArn: this.streamArn });
    }
}
