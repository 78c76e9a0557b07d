import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EcrArgs {
    /** Repository names to create (in this, the home, region). Default none. */
    readonly repositories?: readonly string[];
    /** Regions the registry replicates these repositories to (every other region of the project). Default none. */
    readonly replicaRegions?: readonly string[];
    /** KMS key ARN that encrypts the repositories. Required: images are encrypted under a CMK. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tags applied to every child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The project's container registry, created in the home stack only: one repository per name (immutable tags,
 * scan on push, encrypted under the given CMK) and the registry's replication rule that copies them to every
 * other region, so a standby pulls from its own region and starts tasks without reaching the primary.
 *
 * Limits worth knowing:
 * - Replication is a registry-wide setting of this account and region; this component owns it.
 * - Only images pushed after replication is configured are copied.
 * - Repositories that replication creates in another region get ECR's defaults (AES-256), not this CMK; a
 *   repository creation template would change that, but templates match `prefix/` namespaces, which these
 *   un-namespaced names do not have.
 */
export class Ecr extends pulumi.ComponentResource {
    /** Repository URL by name (in the home region). */
    public readonly repositoryUrls: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: EcrArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:Ecr", name, {}, opts);
        const p = { parent: this };
        const repositories = [...new Set(args.repositories ?? [])];
        const replicaRegions = [...new Set(args.replicaRegions ?? [])];
        this.repositoryUrls = {};
        for (const repo of repositories) {
            const r = new aws.ecr.Repository(`${name}-${repo}`, {
                name: repo,
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }],
                // A repository holding images is never deleted with the stack by accident.
                forceDelete: false,
                tags: { ...(args.tags ?? {}), Name: repo },
            }, p);
            this.repositoryUrls[repo] = r.repositoryUrl;
        }
        if (repositories.length > 0 && replicaRegions.length > 0) {
            const account = aws.getCallerIdentityOutput({}, p).accountId;
            new aws.ecr.ReplicationConfiguration(`${name}-replication`, {
                replicationConfiguration: {
                    rules: [{
                        destinations: replicaRegions.map((region) => ({ region, registryId: account })),
                        // Only the project's repositories, not every repository of the account.
                        repositoryFilters: repositories.map((repo) => ({ filter: repo, filterType: "PREFIX_MATCH" })),
                    }],
                },
            }, p);
        }
        this.registerOutputs({ repositoryUrls: this.repositoryUrls });
    }
}
