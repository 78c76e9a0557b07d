import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";

/** NFS over TLS: the port EFS mount targets listen on (the EFS mount helper's stunnel connects to it). */
export const NFS_PORT = 2049;

export interface SharedFilesArgs {
    /** This stack's region (names). Required. */
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    /** The app subnets: one mount target in each. Required, at least 2 AZs. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The services' security group: the only one the mount targets accept NFS from. Required. */
    readonly clientSecurityGroupId: pulumi.Input<string>;
    /** The region's data key (a multi-Region key, so a replica decrypts under the same key material). Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * The services that share files, each with its own access point: its files live under `/<service>` on the file
     * system, owned by the container's user (uid and gid), so a non-root container writes there and nowhere else.
     * Default none (the file system and its mount targets still exist: a replication destination must).
     */
    readonly services?: readonly { readonly name: string; readonly uid: number; readonly gid: number }[];
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The region's shared file system (EFS): encrypted under the region's data key, elastic throughput, infrequent
 * files moved to IA after 30 days, a mount target per app subnet reachable from the services only, an access point
 * per service that shares files, and a file-system policy that refuses any client not using TLS and lets only the
 * given task roles mount it through their access point (added by the caller, see `allowClient`).
 *
 * Replication overwrite protection is left at its default (ENABLED, writable) here: DISABLED makes a file system
 * read-only until a replication fills it (EFS API reference, FileSystemProtectionDescription), so it is turned off
 * only on the file system about to receive one, by the dynamic resource that creates the replication (each region's
 * file system is a destination at some point: the primary's replicates into the standby's, and after a promotion
 * the new primary's back into the old one, so a failback finds it current). The file system comes from
 * `@pulumi/aws-native`: @pulumi/aws reads a destination's protection back as REPLICATING, outside its enum, and then
 * fails every refresh
 * (pulumi-aws #6041). Its replication is not declared here: a dynamic resource of the primary's stack sets its
 * direction inside `pulumi up` (docs/cache-and-files.md), so the component ignores both settings once set.
 * Protected and retained like every stateful resource: a file system is never replaced or deleted by a role change.
 */
export class SharedFiles extends pulumi.ComponentResource {
    public readonly fileSystemId: pulumi.Output<string>;
    public readonly fileSystemArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The mount targets: a task that mounts the file system starts only once they exist. */
    public readonly mountTargets: aws.efs.MountTarget[];
    /** Each sharing service's access point. */
    public readonly accessPoints: Record<string, { readonly id: pulumi.Output<string>; readonly arn: pulumi.Output<string> }> = {};

    constructor(name: string, args: SharedFilesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:storage:SharedFiles", name, {}, opts);
        if (args.subnetIds.length < 2)
            throw new pulumi.ResourceError(`SharedFiles ${name}: subnetIds: got ${args.subnetIds.length}; expected at least 2 AZs`, this);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });

        // Cloud Control in this stack's region, whatever aws-native:region says (stacks configure aws:region only).
        const native = new awsnative.Provider(`${name}-native`, { region: args.region as awsnative.Region }, p);
        const fs = new awsnative.efs.FileSystem(
            `${name}-fs`,
            {
                encrypted: true,
                kmsKeyId: args.kmsKeyArn,
                performanceMode: "generalPurpose",
                throughputMode: "elastic",
                lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
                backupPolicy: { status: "ENABLED" },
                fileSystemTags: Object.entries(tags(`securecart-files-${args.region}`)).map(([key, value]) => ({ key, value })),
            },
            {
                parent: this,
                provider: native,
                protect: true,
                retainOnDelete: true,
                // Set by the replication's dynamic resource, never by a diff of this declaration.
                ignoreChanges: ["fileSystemProtection", "replicationConfiguration"],
            },
        );
        this.fileSystemId = fs.fileSystemId;
        this.fileSystemArn = fs.arn;

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, description: "SecureCart shared files: NFS from the services only", tags: tags(`${name}-sg`) },
            p,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-in-nfs`,
            {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: NFS_PORT,
                toPort: NFS_PORT,
                referencedSecurityGroupId: args.clientSecurityGroupId,
                description: "NFS over TLS from the services",
                tags: tags(`${name}-in-nfs`),
            },
            p,
        );
        this.securityGroupId = sg.id;
        this.mountTargets = args.subnetIds.map(
            (subnetId, i) =>
                new aws.efs.MountTarget(`${name}-mt-${String.fromCharCode(97 + i)}`, { fileSystemId: fs.id, subnetId, securityGroups: [sg.id] }, p),
        );

        for (const s of args.services ?? []) {
            const ap = new aws.efs.AccessPoint(
                `${name}-ap-${s.name}`,
                {
                    fileSystemId: fs.id,
                    posixUser: { uid: s.uid, gid: s.gid },
                    // Created on first mount, owned by the service's user, private to it.
                    rootDirectory: { path: `/${s.name}`, creationInfo: { ownerUid: s.uid, ownerGid: s.gid, permissions: "0750" } },
                    tags: tags(`${name}-ap-${s.name}`),
                },
                p,
            );
            this.accessPoints[s.name] = { id: ap.id, arn: ap.arn };
        }
        this.registerOutputs({ fileSystemId: this.fileSystemId, fileSystemArn: this.fileSystemArn });
    }

    /**
     * The file system's policy, once the clients' roles exist (they belong to the services): nothing without TLS,
     * and each sharing service's task role may mount and write only through its own access point (IAM
     * authorization in the task definition makes the mount present the task role). No client gets root access.
     */
    public allowClients(name: string, roles: Readonly<Record<string, pulumi.Input<string>>>): aws.efs.FileSystemPolicy {
        const statements = pulumi
            .all([
                this.fileSystemArn,
                pulumi.all(roles),
                pulumi.all(Object.fromEntries(Object.entries(this.accessPoints).map(([k, v]) => [k, v.arn]))),
            ])
            .apply(([fsArn, roleArns, apArns]) => [
                {
                    Sid: "DenyWithoutTls",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "*",
                    Resource: fsArn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
                ...Object.entries(roleArns)
                    .filter(([service]) => apArns[service] !== undefined)
                    .map(([service, role]) => ({
                        Sid: `Mount${service.replace(/[^A-Za-z0-9]/g, "")}`,
                        Effect: "Allow",
                        Principal: { AWS: role },
                        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                        Resource: fsArn,
                        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": apArns[service] } },
                    })),
            ]);
        return new aws.efs.FileSystemPolicy(
            name,
            { fileSystemId: this.fileSystemId, policy: statements.apply((st) => JSON.stringify({ Version: "2012-10-17", Statement: st })) },
            { parent: this },
        );
    }
}
