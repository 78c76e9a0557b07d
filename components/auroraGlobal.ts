import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AuroraShape } from "../src/strategy";
import { AURORA_ENGINE, AURORA_PORT, clusterBaseArgs, clusterInstances, postgresLogGroup } from "./auroraParts";

/** The master credentials, held by the cluster that founded the global database (the home stack's). */
export interface AuroraCredentials {
    /** Regions the secret is replicated to, each under that region's replica of the data key. Default none. */
    readonly replicaRegions?: readonly string[];
}

export interface AuroraGlobalArgs {
    /** What this region runs (src/strategy.ts `plan.aurora.shape`). Required. */
    readonly shape: AuroraShape;
    /** Instances in this region's cluster; the first is the writer when the region is primary. Default 0. */
    readonly instances?: number;
    /** Global write forwarding on this (secondary) cluster. Default false. */
    readonly writeForwarding?: boolean;
    /** Create the GlobalCluster here (the home stack only). Default false. */
    readonly ownsGlobalCluster?: boolean;
    /**
     * Identifier of the GlobalCluster: the one created here when `ownsGlobalCluster`, otherwise the home
     * stack's (read through its StackReference). Required unless the shape is "none".
     */
    readonly globalClusterIdentifier?: pulumi.Input<string>;
    /** This region's cluster identifier, e.g. `securecart-us-east-1`; instances get `-1`, `-2`, ... Required. */
    readonly clusterIdentifier: string;
    /** Aurora PostgreSQL engine version, pinned and identical in every region, e.g. "16.6". Required. */
    readonly engineVersion: string;
    /** Instance class, e.g. "db.r6g.large". Required. */
    readonly instanceClass: string;
    /** Automated backup retention in days, 1-35. Default 7. */
    readonly backupRetentionDays?: number;
    /** Initial database name (founding cluster only). Default "securecart". */
    readonly databaseName?: string;
    /** Master user name (founding cluster only). Default "securecart_admin". */
    readonly masterUsername?: string;
    /**
     * When set, this cluster founds the global database: it carries the master credentials, generated into a
     * Secrets Manager secret under the data key and replicated to `replicaRegions`. Set in the home stack only.
     * Default undefined (a member that inherits the data and credentials from the global database).
     */
    readonly credentials?: AuroraCredentials;
    /** Multi-Region data key for storage, the secret and Performance Insights. Required. */
    readonly dataKeyArn: pulumi.Input<string>;
    /** Regional key for the exported PostgreSQL log group. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Retention of the exported PostgreSQL log, in days. Default 90. */
    readonly logRetentionDays?: number;
    /** VPC of the data tier. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** The private-data subnets. Required. */
    readonly subnetIds: pulumi.Input<string>[];
    /** AZs the instances are spread over, in order (instance n goes to AZ n mod count). Required. */
    readonly availabilityZones: pulumi.Input<string[]>;
    /** Security groups allowed to reach PostgreSQL (5432): the app tier's, and nothing else. Default none. */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

export { AURORA_ENGINE, AURORA_PORT };
/** The global cluster's identifier: deterministic, so every stack can name it. */
export const GLOBAL_CLUSTER_ID = "securecart-global";

/**
 * The region's member of the Aurora PostgreSQL global database, shaped by the strategy plan:
 * - the GlobalCluster itself in the home stack (for every strategy, so a strategy change never replaces it);
 * - "primary": a cluster in the global cluster with a writer and readers across AZs;
 * - "headless": a secondary cluster with no instances (pilot light); "secondary": one with readers;
 * - "none": only the subnet group and security group, which backup-restore's recovery tiers
 *   (components/recoveryTier.ts) use.
 * Clusters, the global cluster, the credentials secret and the log group are protected and retained on delete. Instances
 * are not: they hold no data (storage belongs to the cluster), and a role change adds or removes them.
 */
export class AuroraGlobal extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly subnetGroupName: pulumi.Output<string>;
    public readonly globalClusterIdentifier?: pulumi.Output<string>;
    /** The region's cluster (member or restored); undefined for shape "none". */
    public readonly clusterIdentifier?: pulumi.Output<string>;
    public readonly clusterArn?: pulumi.Output<string>;
    public readonly endpoint?: pulumi.Output<string>;
    public readonly readerEndpoint?: pulumi.Output<string>;
    /** The master credentials secret (home stack only; replicas carry the same ARN in their regions). */
    public readonly secretArn?: pulumi.Output<string>;
    public readonly instanceIdentifiers: pulumi.Output<string>[] = [];

    constructor(name: string, args: AuroraGlobalArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:data:AuroraGlobal", name, {}, opts);
        const p = { parent: this };
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const instances = args.instances ?? 0;
        const shape = args.shape;
        const problems: string[] = [];
        if (shape === "headless" && instances !== 0) problems.push(`a headless secondary has no instances (got ${instances})`);
        if (shape === "primary" && instances < 1) problems.push(`a ${shape} cluster needs a writer (got ${instances} instances)`);
        if (
            (shape === "primary" || shape === "headless" || shape === "secondary") &&
            !args.ownsGlobalCluster &&
            args.globalClusterIdentifier === undefined
        ) {
            problems.push(`a ${shape} member needs globalClusterIdentifier (the home stack's global cluster)`);
        }
        if (problems.length) throw new pulumi.ResourceError(`AuroraGlobal ${name}: ${problems.join("; ")}`, this);

        // Network plumbing exists in every region, so a restore only adds the cluster.
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            {
                description: "SecureCart Aurora: private-data subnets",
                subnetIds: args.subnetIds,
                tags: tags(`${name}-subnets`),
            },
            p,
        );
        this.subnetGroupName = subnetGroup.name;
        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "SecureCart Aurora PostgreSQL: from the app tier only",
                tags: tags(`${name}-sg`),
            },
            p,
        );
        this.securityGroupId = sg.id;
        (args.allowedSecurityGroupIds ?? []).forEach(
            (src, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-in-app-${i + 1}`,
                    {
                        securityGroupId: sg.id,
                        ipProtocol: "tcp",
                        fromPort: AURORA_PORT,
                        toPort: AURORA_PORT,
                        referencedSecurityGroupId: src,
                        description: "PostgreSQL from the app tier",
                        tags: tags(`${name}-in-app-${i + 1}`),
                    },
                    p,
                ),
        );

        if (args.ownsGlobalCluster) {
            const global = new aws.rds.GlobalCluster(
                `${name}-global`,
                {
                    globalClusterIdentifier: args.globalClusterIdentifier ?? GLOBAL_CLUSTER_ID,
                    engine: AURORA_ENGINE,
                    engineVersion: args.engineVersion,
                    storageEncrypted: true,
                    deletionProtection: true,
                    tags: tags(`${name}-global`),
                },
                keep,
            );
            this.globalClusterIdentifier = global.id;
        } else if (args.globalClusterIdentifier !== undefined) {
            this.globalClusterIdentifier = pulumi.output(args.globalClusterIdentifier);
        }

        if (shape === "none") {
            this.registerOutputs({
                securityGroupId: this.securityGroupId,
                subnetGroupName: this.subnetGroupName,
                globalClusterIdentifier: this.globalClusterIdentifier,
            });
            return;
        }

        const clusterId = args.clusterIdentifier;
        const logGroup = postgresLogGroup(
            `${name}-cluster-log`,
            clusterId,
            { logsKmsKeyArn: args.logsKmsKeyArn, retentionDays: args.logRetentionDays, tags: tags(`${name}-cluster-log`) },
            this,
        );
        const common = clusterBaseArgs({
            clusterIdentifier: clusterId,
            engineVersion: args.engineVersion,
            dataKeyArn: args.dataKeyArn,
            subnetGroupName: subnetGroup.name,
            securityGroupId: sg.id,
            backupRetentionDays: args.backupRetentionDays,
            tags: tags(clusterId),
        });
        // Arguments that only matter when the cluster is created. After that, AWS owns them: a secondary reports
        // replicationSourceIdentifier (left alone, the next update would promote/detach it); removing
        // globalClusterIdentifier would silently detach it; the master user belongs to whichever cluster
        // founded the global database.
        const createOnly = ["replicationSourceIdentifier", "globalClusterIdentifier", "masterUsername", "databaseName"];

        const member: aws.rds.ClusterArgs = {
            ...common,
            globalClusterIdentifier: this.globalClusterIdentifier,
            enableGlobalWriteForwarding: args.writeForwarding ?? false,
        };
        let secretArn: pulumi.Output<string> | undefined;
        if (args.credentials) {
            const creds = this.credentials(name, args, args.credentials, tags);
            secretArn = creds.secretArn;
            Object.assign(member, {
                databaseName: args.databaseName ?? "securecart",
                masterUsername: args.masterUsername ?? "securecart_admin",
                masterPasswordWo: creds.password,
                masterPasswordWoVersion: 1,
            });
        }
        this.secretArn = secretArn;
        const cluster = new aws.rds.Cluster(`${name}-cluster`, member, { ...keep, dependsOn: [logGroup], ignoreChanges: createOnly });
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;

        for (const inst of clusterInstances(
            `${name}-cluster`,
            cluster,
            {
                clusterIdentifier: clusterId,
                count: instances,
                instanceClass: args.instanceClass,
                availabilityZones: args.availabilityZones,
                dataKeyArn: args.dataKeyArn,
                tags,
            },
            this,
        ))
            this.instanceIdentifiers.push(inst.identifier);

        this.registerOutputs({
            securityGroupId: this.securityGroupId,
            subnetGroupName: this.subnetGroupName,
            globalClusterIdentifier: this.globalClusterIdentifier,
            clusterIdentifier: this.clusterIdentifier,
            clusterArn: this.clusterArn,
            endpoint: this.endpoint,
            readerEndpoint: this.readerEndpoint,
            secretArn: this.secretArn,
            instanceIdentifiers: this.instanceIdentifiers,
        });
    }

    /**
     * The master credentials. RDS-managed passwords (`manageMasterUserPassword`) are not supported for
     * clusters in an Aurora global database (Aurora user guide, "Limitations for Secrets Manager integration"),
     * so the secret is ours: a generated password stored under the data key and replicated natively to the
     * standby regions, each under its replica of the same multi-Region key.
     *
     * The password is a `random.RandomPassword`: generated once, then kept in state, so the secret and the
     * cluster get the same value even when a first deploy is resumed, and no preview or update reads the
     * secret back (a read-back would give every preview `secretsmanager:GetSecretValue` and `kms:Decrypt`).
     * Both sinks are write-only with a fixed version: set once, on creation. The value IS in Pulumi state,
     * encrypted as a secret (the random resource's result, and the bridge stores write-only inputs too), so
     * access to the state backend is access to the master password.
     */
    private credentials(name: string, args: AuroraGlobalArgs, c: AuroraCredentials, tags: (n: string) => Record<string, string>) {
        const p = { parent: this };
        const replicaKey = (region: string) =>
            pulumi.output(args.dataKeyArn).apply((arn) => arn.replace(/^(arn:[^:]+:kms:)[^:]+(:.*)$/, `$1${region}$2`));
        const secret = new aws.secretsmanager.Secret(
            `${name}-master-secret`,
            {
                name: `securecart/aurora/${args.clusterIdentifier}/master`,
                description: "SecureCart Aurora master user (generated once; replicated to the standby regions)",
                kmsKeyId: args.dataKeyArn,
                recoveryWindowInDays: 30,
                replicas: (c.replicaRegions ?? []).map((region) => ({ region, kmsKeyId: replicaKey(region) })),
                tags: tags(`${name}-master-secret`),
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        // Protected: a replacement would generate a value that is in neither the secret nor the cluster.
        const generated = new random.RandomPassword(
            `${name}-master-password`,
            {
                length: 40,
                special: true,
                // RDS rejects / ' " @ and spaces in master passwords; the default special set contains @.
                overrideSpecial: "!#$%&*()-_=+[]{}<>:?",
            },
            { parent: this, protect: true },
        );
        const username = args.masterUsername ?? "securecart_admin";
        new aws.secretsmanager.SecretVersion(
            `${name}-master-secret-v1`,
            {
                secretId: secret.id,
                secretStringWo: pulumi.secret(
                    pulumi.jsonStringify({
                        engine: "postgres",
                        username,
                        password: generated.result,
                        dbname: args.databaseName ?? "securecart",
                        port: AURORA_PORT,
                    }),
                ),
                secretStringWoVersion: 1,
            },
            p,
        );
        return { secretArn: secret.arn, password: pulumi.secret(generated.result) };
    }
}
