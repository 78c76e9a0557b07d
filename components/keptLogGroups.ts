import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface KeptLogGroupsArgs {
    /** Key → the log group's name (e.g. `access` → `/securecart/api/us-east-1/access`). Required, at least one. */
    readonly groups: Readonly<Record<string, string>>;
    /** Days kept, a value CloudWatch Logs accepts. Required. */
    readonly retentionDays: number;
    /** The logs key. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Tags applied to every group. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** A log group as the resource that writes to it takes it. */
export interface KeptLogGroup {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/**
 * Log groups that outlive what writes to them: created outside it, where the writer may come and go with the role or
 * the strategy (the API's access logs and its keep-alive probe's; the user export's), so a demotion or a promotion
 * keeps their logs, which are audit evidence, and never has to delete a protected group. Encrypted under the logs
 * key, protected and retained, like the services' log groups (serviceLogs.ts).
 */
export class KeptLogGroups extends pulumi.ComponentResource {
    public readonly groups: Readonly<Record<string, KeptLogGroup>>;

    constructor(name: string, args: KeptLogGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:logs:KeptLogGroups", name, {}, opts);
        if (Object.keys(args.groups).length === 0)
            throw new pulumi.ResourceError(`KeptLogGroups ${name}: groups is empty; expected at least one`, this);
        const groups: Record<string, KeptLogGroup> = {};
        for (const [key, groupName] of Object.entries(args.groups)) {
            const g = new aws.cloudwatch.LogGroup(
                `${name}-${key}`,
                {
                    name: groupName,
                    retentionInDays: args.retentionDays,
                    kmsKeyId: args.logsKmsKeyArn,
                    tags: { ...(args.tags ?? {}), Name: `${name}-${key}` },
                },
                { parent: this, protect: true, retainOnDelete: true },
            );
            groups[key] = { name: g.name, arn: g.arn };
        }
        this.groups = groups;
        this.registerOutputs({ groups: Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, g.arn])) });
    }
}
