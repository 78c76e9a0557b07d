import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/** Valkey's port (the same as Redis OSS's). */
export const CACHE_PORT = 6379;

/** The application's cache user (RBAC), the same in every region. */
export const CACHE_APP_USER = "securecart-app";

/**
 * The SSM parameter (SecureString, under the region's data key) holding the app user's password in a region: fixed,
 * so a task definition names it before it exists (ECS takes a parameter of the task's region by name, a Secrets
 * Manager secret only by its full ARN, which ends in random characters: ECS API reference, `Secret.valueFrom`).
 */
export function cachePasswordParameterName(region: string): string {
    return `/securecart/cache/${region}/password`;
}

/** The SSM parameter holding the cache's primary endpoint in a region (fixed, for the same reason). */
export function cacheEndpointParameterName(region: string): string {
    return `/securecart/cache/${region}/endpoint`;
}

/** The Global Datastore's id suffix (AWS prefixes it with an account-specific string). */
export const GLOBAL_DATASTORE_SUFFIX = "securecart-cache";

export interface CacheArgs {
    /** This stack's region (names). Required. */
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    /** The data subnets. Required, at least 2 AZs (Multi-AZ). */
    readonly subnetIds: pulumi.Input<string>[];
    /** The services' security group: the only one the cache accepts. Required. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** The region's data key: at-rest encryption and the user's password parameter. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * standalone, or a member of the Global Datastore: `owner` (the home stack: its group is the datastore's first
     * primary, and it owns the datastore) or `secondary` (joins the datastore by id; a secondary inherits engine,
     * node type, encryption and parameters and must not set them). From src/strategy.ts planCache. Required.
     */
    readonly membership:
        | { readonly kind: "standalone" }
        | { readonly kind: "owner" }
        | { readonly kind: "secondary"; readonly globalReplicationGroupId: pulumi.Input<string> };
    /** Node type: the configured one, or (a cold standalone standby) the minimal one. Required. */
    readonly nodeType: string;
    /** Valkey version, 7.2 or later (a Global Datastore needs it). Required. */
    readonly engineVersion: string;
    /** Days automatic snapshots are kept, 1-35. Required. */
    readonly snapshotRetentionDays: number;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's cache: a Valkey replication group in the data subnets, one primary and one replica in two AZs
 * (Multi-AZ, automatic failover), encrypted at rest under the region's data key and in transit, with RBAC: a Valkey
 * user group, whose attachment turns the default user off, holding only the application's user (`securecart-app`,
 * password in an SSM SecureString under the data key), which may run the application's commands only. Snapshots kept `snapshotRetentionDays`. The group exists in every role
 * (its size follows the role), so no role change ever deletes it. Nothing that must survive a failover lives only
 * here: sessions are in the `sessions` global table.
 *
 * Under warm standby and active-active the home stack also owns the Global Datastore. The datastore's
 * `primaryReplicationGroupId` is ignored once created: it is the home group at creation, a promotion moves the primary
 * (a dynamic resource of the new primary's stack), and a diff of it would plan a replacement of the whole datastore
 * (terraform-provider-aws #46121; docs/cache-and-files.md).
 */
export class Cache extends pulumi.ComponentResource {
    public readonly replicationGroupId: pulumi.Output<string>;
    public readonly primaryEndpoint: pulumi.Output<string>;
    public readonly readerEndpoint: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The app user's password parameter (the services read it). */
    public readonly passwordParameterArn: pulumi.Output<string>;
    /** The Global Datastore's id, where this stack owns it. */
    public readonly globalReplicationGroupId?: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:data:Cache", name, {}, opts);
        if (args.subnetIds.length < 2)
            throw new pulumi.ResourceError(`Cache ${name}: subnetIds: got ${args.subnetIds.length}; expected at least 2 AZs`, this);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const keep = { parent: this, protect: true, retainOnDelete: true };

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: "SecureCart cache: from the services only", tags: tags(`${name}-sg`) },
            p,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-in`,
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: CACHE_PORT,
                toPort: CACHE_PORT,
                referencedSecurityGroupId: args.clientSecurityGroupId,
                description: "Valkey (TLS) from the services",
                tags: tags(`${name}-in`),
            },
            p,
        );
        this.securityGroupId = sg.id;
        const subnets = new aws.elasticache.SubnetGroup(
            `${name}-subnets`,
            { subnetIds: args.subnetIds, description: "SecureCart cache: data subnets", tags: tags(`${name}-subnets`) },
            p,
        );

        // RBAC, per region (ElastiCache users are regional). A Valkey user group holds only users with a password (or
        // IAM) and needs no "default" user: attaching it turns the default user off (ElastiCache user guide, RBAC).
        const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, keep);
        const passwordParameter = new aws.ssm.Parameter(
            `${name}-password-parameter`,
            {
                name: cachePasswordParameterName(args.region),
                type: "SecureString",
                keyId: args.kmsKeyArn,
                value: password.result,
                description: "SecureCart cache: the application user's password",
                tags: tags(`${name}-password-parameter`),
            },
            p,
        );
        this.passwordParameterArn = passwordParameter.arn;
        const app = new aws.elasticache.User(
            `${name}-app-user`,
            {
                userId: `securecart-app-${args.region}`,
                userName: CACHE_APP_USER,
                engine: "valkey",
                // The application's keys only, and no administrative or dangerous commands.
                accessString: "on ~securecart:* &* +@all -@dangerous -@admin",
                authenticationMode: { type: "password", passwords: [password.result] },
                tags: tags(`${name}-app-user`),
            },
            p,
        );
        const users = new aws.elasticache.UserGroup(
            `${name}-users`,
            {
                userGroupId: `securecart-${args.region}`,
                engine: "valkey",
                userIds: [app.userId],
                tags: tags(`${name}-users`),
            },
            p,
        );

        const secondary = args.membership.kind === "secondary" ? args.membership : undefined;
        const group = new aws.elasticache.ReplicationGroup(
            `${name}-rg`,
            {
                replicationGroupId: `securecart-${args.region}`,
                description: `SecureCart cache in ${args.region}`,
                // A secondary inherits these from the datastore's primary and must not set them.
                ...(secondary
                    ? { globalReplicationGroupId: secondary.globalReplicationGroupId }
                    : {
                          engine: "valkey",
                          engineVersion: args.engineVersion,
                          nodeType: args.nodeType,
                          atRestEncryptionEnabled: true,
                          transitEncryptionEnabled: true,
                      }),
                kmsKeyId: args.kmsKeyArn,
                numCacheClusters: 2,
                multiAzEnabled: true,
                automaticFailoverEnabled: true,
                subnetGroupName: subnets.name,
                securityGroupIds: [sg.id],
                userGroupIds: [users.userGroupId],
                port: CACHE_PORT,
                snapshotRetentionLimit: args.snapshotRetentionDays,
                snapshotWindow: "03:00-04:00",
                maintenanceWindow: "sun:05:00-sun:06:00",
                applyImmediately: true,
                // A Global Datastore member has it off, and it cannot be turned on while a member (ElastiCache user
                // guide, Global Datastore prerequisites): left to AWS there, or every update would try to.
                ...(args.membership.kind === "standalone" ? { autoMinorVersionUpgrade: true } : {}),
                finalSnapshotIdentifier: `securecart-${args.region}-final`,
                tags: tags(`${name}-rg`),
            },
            keep,
        );
        this.replicationGroupId = group.id;
        this.primaryEndpoint = group.primaryEndpointAddress;
        // The services read the endpoint from here when a task starts: a task definition that named the endpoint
        // itself would be unknown until the group exists (a first preview could not check it) and would change with it.
        new aws.ssm.Parameter(
            `${name}-endpoint`,
            {
                name: cacheEndpointParameterName(args.region),
                type: "String",
                value: group.primaryEndpointAddress,
                description: "SecureCart cache: the replication group's primary endpoint (TLS)",
                tags: tags(`${name}-endpoint`),
            },
            p,
        );
        this.readerEndpoint = group.readerEndpointAddress;

        if (args.membership.kind === "owner") {
            const global = new aws.elasticache.GlobalReplicationGroup(
                `${name}-global`,
                {
                    globalReplicationGroupIdSuffix: GLOBAL_DATASTORE_SUFFIX,
                    primaryReplicationGroupId: group.id,
                    globalReplicationGroupDescription: "SecureCart cache across regions",
                },
                { ...keep, ignoreChanges: ["primaryReplicationGroupId"] },
            );
            this.globalReplicationGroupId = global.globalReplicationGroupId;
        }
        this.registerOutputs({ replicationGroupId: this.replicationGroupId, primaryEndpoint: this.primaryEndpoint });
    }
}
