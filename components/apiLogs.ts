import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ApiLogGroupsArgs {
    /** This stack's region (in the groups' names). Required. */
    readonly region: string;
    /** Days kept, a value CloudWatch Logs accepts. Required. */
    readonly retentionDays: number;
    /** The logs key. Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Tags applied to both groups. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** A log group as the API's stage and probe write to it. */
export interface ApiLogGroup {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/** The keep-alive probe's function name in a region (its log group is named after it, as Lambda expects). */
export const keepAliveFunctionName = (region: string) => `securecart-api-keepalive-${region}`;

/**
 * The API's log groups: its access logs and the keep-alive probe's. In every region, outside the API, like the
 * services' log groups: a demotion that removes the API (backup-restore) or a promotion that removes the probe
 * keeps their logs, which are audit evidence, and never has to delete a protected group. Encrypted under the
 * logs key, protected and retained.
 */
export class ApiLogGroups extends pulumi.ComponentResource {
    public readonly access: ApiLogGroup;
    public readonly keepAlive: ApiLogGroup;

    constructor(name: string, args: ApiLogGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:api:ApiLogGroups", name, {}, opts);
        const keep = { parent: this, protect: true, retainOnDelete: true };
        const group = (suffix: string, groupName: string) =>
            new aws.cloudwatch.LogGroup(
                `${name}-${suffix}`,
                {
                    name: groupName,
                    retentionInDays: args.retentionDays,
                    kmsKeyId: args.logsKmsKeyArn,
                    tags: { ...(args.tags ?? {}), Name: `${name}-${suffix}` },
                },
                keep,
            );
        const access = group("access", `/securecart/api/${args.region}/access`);
        const probe = group("keepalive", `/aws/lambda/${keepAliveFunctionName(args.region)}`);
        this.access = { name: access.name, arn: access.arn };
        this.keepAlive = { name: probe.name, arn: probe.arn };
        this.registerOutputs({ access: access.arn, keepAlive: probe.arn });
    }
}
