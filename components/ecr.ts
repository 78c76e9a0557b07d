import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EcrArgs {
    /** Repository names to create (in this, the home, region). Default none. */
    readonly repositories?: readonly string[];
    /** Regions the registry replicates these repositories to (every other region of the project). Default none. */
    readonly replicaRegions?: readonly string[];
    /**
     * Whether this region's registry receives replicas (every region but the home one): then a repository creation
     * template encrypts the repositories that replication creates here under `kmsKeyArn`. Default false.
     */
    readonly receivesReplicas?: boolean;
    /**
     * KMS key ARN (this region's data key) that encrypts the repositories, and in a receiving region the ones
     * replication creates. An ARN, not a key id: ECR stores the ARN, and a key id would differ on every refresh.
     * Required: images are encrypted under a CMK.
     */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tags applied to every child, and to the repositories replication creates. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The project's container registry in one region.
 *
 * In the home stack: one repository per name (immutable tags, scan on push, encrypted under the given CMK;
 * protected and retained on delete, since images are state) and the
 * registry's replication rule that copies them to every other region, so a standby pulls from its own region and
 * starts tasks without reaching the primary.
 *
 * In every other stack (`receivesReplicas`): a repository creation template for replication under the `ROOT`
 * prefix (every repository no other template matches, which covers the project's un-namespaced names) that gives
 * the repositories replication creates here this region's data key, immutable tags and the project's tags, and the
 * role ECR assumes to create them (KMS encryption and resource tags in a template need one). The template lives
 * in the destination registry because that is where replication creates the repositories.
 *
 * Limits worth knowing:
 * - Replication is a registry-wide setting of this account and region; the home stack's component owns it.
 * - Only images pushed after replication is configured are copied.
 * - A template applies only to repositories created after it exists, and a repository's encryption never changes
 *   afterwards: the standby stacks must be deployed before the first image is pushed to the home region. A replica
 *   repository created earlier keeps AES-256 until it is deleted and the images are pushed again.
 * - No lifecycle policy: a replica mirrors its home repository, and expiring images in one region only could
 *   remove an image a standby's task definition still references.
 */
export class Ecr extends pulumi.ComponentResource {
    /** Repository URL by name (in the home region). */
    public readonly repositoryUrls: Record<string, pulumi.Output<string>>;
    /** The replication creation template's prefix, where this region receives replicas. */
    public readonly templatePrefix?: pulumi.Output<string>;

    constructor(name: string, args: EcrArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:Ecr", name, {}, opts);
        const p = { parent: this };
        const repositories = [...new Set(args.repositories ?? [])];
        const replicaRegions = [...new Set(args.replicaRegions ?? [])];
        const baseTags = args.tags ?? {};
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        this.repositoryUrls = {};
        for (const repo of repositories) {
            const r = new aws.ecr.Repository(
                `${name}-${repo}`,
                {
                    name: repo,
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
                    // A repository holding images is never deleted with the stack by accident.
                    forceDelete: false,
                    tags: { ...baseTags, Name: repo },
                    // Images are state: protected and retained on delete like every stateful resource.
                },
                { parent: this, protect: true, retainOnDelete: true },
            );
            this.repositoryUrls[repo] = r.repositoryUrl;
        }
        if (repositories.length > 0 && replicaRegions.length > 0) {
            new aws.ecr.ReplicationConfiguration(
                `${name}-replication`,
                {
                    replicationConfiguration: {
                        rules: [
                            {
                                destinations: replicaRegions.map((region) => ({ region, registryId: account })),
                                // Only the project's repositories, not every repository of the account.
                                repositoryFilters: repositories.map((repo) => ({ filter: repo, filterType: "PREFIX_MATCH" })),
                            },
                        ],
                    },
                },
                p,
            );
        }

        if (args.receivesReplicas) {
            const region = aws.getRegionOutput({}, p).region;
            // The repository creation role of the ECR user guide ("Create an IAM role for repository creation
            // templates"): trusted by ECR, allowed to create, replicate into and tag repositories, and to create the
            // KMS grant that ties a new repository to the key. Limited to this region's repositories and its data key.
            const role = new aws.iam.Role(
                `${name}-template-role`,
                {
                    description: "SecureCart: lets ECR create replicated repositories encrypted under this region's data key",
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: "ecr.amazonaws.com" }, Action: "sts:AssumeRole" }],
                    }),
                    tags: { ...baseTags, Name: `${name}-template-role` },
                },
                p,
            );
            const policy = new aws.iam.RolePolicy(
                `${name}-template-policy`,
                {
                    role: role.id,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "CreateReplicatedRepositories",
                                Effect: "Allow",
                                Action: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
                                Resource: pulumi.interpolate`arn:aws:ecr:${region}:${account}:repository/*`,
                            },
                            {
                                Sid: "EncryptUnderDataKey",
                                Effect: "Allow",
                                Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"],
                                Resource: args.kmsKeyArn,
                            },
                        ],
                    }),
                },
                p,
            );
            const template = new aws.ecr.RepositoryCreationTemplate(
                `${name}-replication-template`,
                {
                    prefix: "ROOT",
                    description: "SecureCart: repositories that replication from the home region creates here",
                    appliedFors: ["REPLICATION"],
                    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
                    imageTagMutability: "IMMUTABLE",
                    customRoleArn: role.arn,
                    resourceTags: { ...baseTags },
                },
                { parent: this, dependsOn: [policy] },
            ); // the role can do its work before any replica can need it
            this.templatePrefix = template.prefix;
        }
        this.registerOutputs({ repositoryUrls: this.repositoryUrls, templatePrefix: this.templatePrefix });
    }
}
