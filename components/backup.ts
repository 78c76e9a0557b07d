import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface BackupArgs {
    /** Vaults are named `<vaultPrefix>-<region>` in every region, so copy actions can name them. Default "securecart". */
    readonly vaultPrefix?: string;
    /** This region's data key: encrypts the vault. Required. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Whether the backup plans run here (where the writer is: src/strategy.ts `plan.backup.runsPlan`). Default false. */
    readonly runsPlan?: boolean;
    /** Hours between scheduled backups; a divisor of 24 (AWS Backup runs at most hourly). Default 1. */
    readonly intervalHours?: number;
    /** Days a recovery point is kept, in this vault and in every copy. Default 35. */
    readonly retentionDays?: number;
    /** Regions whose vaults receive a copy of every recovery point (every other region). Default none. */
    readonly copyToRegions?: readonly string[];
    /** Aurora cluster ARNs to back up (this region's writer cluster). Default none. */
    readonly auroraClusterArns?: pulumi.Input<string>[];
    /** DynamoDB table ARNs to back up (this region's tables or replicas). Default none. */
    readonly tableArns?: pulumi.Input<string>[];
    /** EFS file system ARNs to back up (this region's shared file system, where it is the one written). Default none. */
    readonly fileSystemArns?: pulumi.Input<string>[];
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** AWS Backup schedule for "every N hours" (N divides 24), in UTC. */
export function backupSchedule(intervalHours: number): string {
    if (!Number.isInteger(intervalHours) || intervalHours < 1 || intervalHours > 24 || 24 % intervalHours !== 0) {
        throw new Error(`backup interval ${intervalHours}h: expected a divisor of 24 from 1 to 24`);
    }
    if (intervalHours === 24) return "cron(0 5 * * ? *)";
    return intervalHours === 1 ? "cron(0 * * * ? *)" : `cron(0 0/${intervalHours} * * ? *)`;
}

/** The deterministic vault name of a region (the copy actions' destinations). */
export function vaultName(prefix: string, region: string): string {
    return `${prefix}-${region}`;
}

/**
 * Backups of the data tier:
 * - an AWS Backup vault in every region, under the region's data key (protected and retained on delete);
 * - where the writer runs, one plan for Aurora and one for DynamoDB (schedule and retention from config),
 *   each rule copying every recovery point to every other region's vault.
 * For backup-restore this is the only data path to the standby; for the other strategies it is the defence
 * against corruption, which replication copies as faithfully as good writes.
 */
export class Backup extends pulumi.ComponentResource {
    public readonly vaultName: pulumi.Output<string>;
    public readonly vaultArn: pulumi.Output<string>;
    /** Plan ids, by service ("aurora", "dynamodb"); empty where no plan runs. */
    public readonly planIds: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:data:Backup", name, {}, opts);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const prefix = args.vaultPrefix ?? "securecart";
        const region = aws.getRegionOutput({}, p).region;
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const retention = args.retentionDays ?? 35;
        let schedule: string;
        try {
            schedule = backupSchedule(args.intervalHours ?? 1);
        } catch (e) {
            throw new pulumi.ResourceError(`Backup ${name}: ${(e as Error).message}`, this);
        }

        const vault = new aws.backup.Vault(
            `${name}-vault`,
            {
                name: region.apply((r) => vaultName(prefix, r)),
                kmsKeyArn: args.kmsKeyArn,
                forceDestroy: false,
                tags: tags(`${name}-vault`),
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        this.vaultName = vault.name;
        this.vaultArn = vault.arn;

        const selections: Array<[string, pulumi.Input<string>[]]> = [
            ["aurora", args.auroraClusterArns ?? []],
            ["dynamodb", args.tableArns ?? []],
            ["efs", args.fileSystemArns ?? []],
        ];
        if (args.runsPlan && selections.some(([, arns]) => arns.length > 0)) {
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    description: "AWS Backup: back up and copy SecureCart's Aurora clusters, DynamoDB tables and shared files",
                    assumeRolePolicy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "backup.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: { StringEquals: { "aws:SourceAccount": account } },
                            },
                        ],
                    }),
                    tags: tags(`${name}-role`),
                },
                p,
            );
            // Backups and copies only: the program never restores through AWS Backup (a restore is a Pulumi
            // resource, or the manual start-restore-job path in the README), so the Restores policy is not attached.
            for (const policy of ["AWSBackupServiceRolePolicyForBackup"]) {
                new aws.iam.RolePolicyAttachment(
                    `${name}-${policy.replace("AWSBackupServiceRolePolicyFor", "").toLowerCase()}`,
                    {
                        role: role.name,
                        policyArn: `arn:aws:iam::aws:policy/service-role/${policy}`,
                    },
                    p,
                );
            }
            // The data key in every region (a multi-Region key has the same id everywhere): read the source,
            // write the copies.
            const keyEverywhere = pulumi.output(args.kmsKeyArn).apply((arn) => arn.replace(/^(arn:[^:]+:kms:)[^:]+(:.*)$/, "$1*$2"));
            new aws.iam.RolePolicy(
                `${name}-kms`,
                {
                    role: role.id,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "DataKeyForBackupsAndCopies",
                                Effect: "Allow",
                                Action: ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                                Resource: keyEverywhere,
                            },
                            {
                                Sid: "GrantsOnlyForAwsResources",
                                Effect: "Allow",
                                Action: "kms:CreateGrant",
                                Resource: keyEverywhere,
                                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                            },
                        ],
                    }),
                },
                p,
            );

            const copyActions = (args.copyToRegions ?? []).map((r) => ({
                destinationVaultArn: pulumi.interpolate`arn:aws:backup:${r}:${account}:backup-vault:${vaultName(prefix, r)}`,
                lifecycle: { deleteAfter: retention },
            }));
            for (const [service, arns] of selections) {
                if (arns.length === 0) continue;
                const plan = new aws.backup.Plan(
                    `${name}-${service}-plan`,
                    {
                        name: region.apply((r) => `securecart-${service}-${r}`),
                        rules: [
                            {
                                ruleName: `${service}-every-${args.intervalHours ?? 1}h`,
                                targetVaultName: vault.name,
                                schedule,
                                startWindow: 60,
                                completionWindow: 180,
                                lifecycle: { deleteAfter: retention },
                                copyActions,
                                recoveryPointTags: { ...(args.tags ?? {}), service },
                            },
                        ],
                        tags: tags(`${name}-${service}-plan`),
                    },
                    p,
                );
                new aws.backup.Selection(
                    `${name}-${service}-selection`,
                    {
                        name: `securecart-${service}`,
                        planId: plan.id,
                        iamRoleArn: role.arn,
                        resources: arns,
                    },
                    p,
                );
                this.planIds[service] = plan.id;
            }
        }

        this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planIds: this.planIds });
    }
}
