/**
 * The parts every SecureCart Aurora cluster shares, whoever declares it: the global database's members
 * (components/auroraGlobal.ts) and backup-restore's recovery tiers (components/recoveryTier.ts). Plain
 * functions that declare children of the calling component; one place for the security baseline.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const AURORA_ENGINE = "aurora-postgresql";
export const AURORA_PORT = 5432;

export interface ClusterBaseArgs {
    readonly clusterIdentifier: string;
    readonly engineVersion: string;
    readonly dataKeyArn: pulumi.Input<string>;
    readonly subnetGroupName: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    /** Default 7. */
    readonly backupRetentionDays?: number;
    /** AWS deletion protection. Default true. */
    readonly deletionProtection?: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/**
 * Storage under the data key, backups, deletion protection, IAM authentication, PostgreSQL log export and a
 * final snapshot on delete (a deleted cluster still leaves its data behind, under the data key).
 */
export function clusterBaseArgs(a: ClusterBaseArgs): aws.rds.ClusterArgs {
    return {
        clusterIdentifier: a.clusterIdentifier,
        engine: AURORA_ENGINE,
        engineVersion: a.engineVersion,
        storageEncrypted: true,
        kmsKeyId: a.dataKeyArn,
        dbSubnetGroupName: a.subnetGroupName,
        vpcSecurityGroupIds: [a.securityGroupId],
        port: AURORA_PORT,
        backupRetentionPeriod: a.backupRetentionDays ?? 7,
        deletionProtection: a.deletionProtection ?? true,
        copyTagsToSnapshot: true,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${a.clusterIdentifier}-final`,
        tags: a.tags,
    };
}

/**
 * The cluster's PostgreSQL log group. RDS would create it unencrypted on first export; creating it before the
 * cluster puts it under the logs CMK. Always retained on delete: the logs outlive the cluster, for incident review.
 */
export function postgresLogGroup(
    name: string,
    clusterIdentifier: string,
    a: {
        readonly logsKmsKeyArn: pulumi.Input<string>;
        /** Default 90. */
        readonly retentionDays?: number;
        readonly tags: Readonly<Record<string, string>>;
        /** Default true. */
        readonly protect?: boolean;
    },
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        name,
        {
            name: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
            retentionInDays: a.retentionDays ?? 90,
            kmsKeyId: a.logsKmsKeyArn,
            tags: a.tags,
        },
        { parent, protect: a.protect ?? true, retainOnDelete: true },
    );
}

/**
 * `count` instances of `cluster`, named `<clusterIdentifier>-<n>` and spread over the AZs in order; instance 1
 * first in failover order. Never protected: an instance holds no data (the cluster volume does).
 */
export function clusterInstances(
    namePrefix: string,
    cluster: aws.rds.Cluster,
    a: {
        readonly clusterIdentifier: string;
        readonly count: number;
        readonly instanceClass: string;
        readonly availabilityZones: pulumi.Input<string[]>;
        readonly dataKeyArn: pulumi.Input<string>;
        readonly tags: (name: string) => Record<string, string>;
    },
    parent: pulumi.Resource,
): aws.rds.ClusterInstance[] {
    const azs = pulumi.output(a.availabilityZones);
    const out: aws.rds.ClusterInstance[] = [];
    for (let i = 0; i < a.count; i++) {
        const n = i + 1;
        out.push(
            new aws.rds.ClusterInstance(
                `${namePrefix}-${n}`,
                {
                    identifier: `${a.clusterIdentifier}-${n}`,
                    clusterIdentifier: cluster.id,
                    engine: aws.rds.EngineType.AuroraPostgresql,
                    instanceClass: a.instanceClass,
                    // Failover order: instance 1 first; the version is pinned on the cluster, never upgraded silently.
                    promotionTier: Math.min(i, 15),
                    availabilityZone: azs.apply((z) => z[i % z.length]),
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: false,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: a.dataKeyArn,
                    performanceInsightsRetentionPeriod: 7,
                    copyTagsToSnapshot: true,
                    tags: a.tags(`${a.clusterIdentifier}-${n}`),
                },
                { parent },
            ),
        );
    }
    return out;
}
