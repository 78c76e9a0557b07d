import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceLogGroupsArgs {
    /** Service names (unique, as validated by config); one log group each. Default none. */
    readonly services?: readonly string[];
    /** KMS key ARN that encrypts the log groups (usable by CloudWatch Logs). Required. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Days container logs are kept. Default 30. */
    readonly retentionDays?: number;
    /** Logical name prefix of each group: `<prefix>-<service>-logs`. Default this component's name. */
    readonly groupNamePrefix?: string;
    /**
     * Earlier parent of the groups (a URN), kept as an alias so that stacks deployed before the groups moved here
     * adopt them instead of deleting and recreating them. Default none.
     */
    readonly previousParent?: pulumi.Input<string>;
    /** Tags applied to every group. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** A service's log group, as its task definition and execution role need it. */
export interface ServiceLogGroup {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
}

/**
 * The Fargate services' log groups of one region, one per configured service, encrypted under the region's logs
 * key. Like the ALB's access-log bucket (accessLogs.ts) they live outside the compute they serve and exist in
 * every region, whether or not the services do: a region losing its compute (a demoted backup-restore primary)
 * keeps the application's logs an incident review needs, and a promotion finds them already there. Protected and
 * retained on delete: removing a service never deletes its logs with it.
 */
export class ServiceLogGroups extends pulumi.ComponentResource {
    /** Log group by service name. */
    public readonly groups: Record<string, ServiceLogGroup>;

    constructor(name: string, args: ServiceLogGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:ServiceLogGroups", name, {}, opts);
        const prefix = args.groupNamePrefix ?? name;
        this.groups = {};
        for (const service of [...new Set(args.services ?? [])]) {
            const n = `${prefix}-${service}-logs`;
            const group = new aws.cloudwatch.LogGroup(
                n,
                {
                    retentionInDays: args.retentionDays ?? 30,
                    kmsKeyId: args.logsKmsKeyArn,
                    tags: { ...(args.tags ?? {}), Name: n },
                },
                {
                    parent: this,
                    protect: true,
                    retainOnDelete: true,
                    ...(args.previousParent !== undefined ? { aliases: [{ parent: args.previousParent }] } : {}),
                },
            );
            this.groups[service] = { name: group.name, arn: group.arn };
        }
        this.registerOutputs({ groupNames: Object.fromEntries(Object.entries(this.groups).map(([s, g]) => [s, g.name])) });
    }
}
