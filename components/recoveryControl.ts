import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RecoveryControlArgs {
    /** The project's regions; one routing control is created for each. */
    readonly regions: readonly string[];
    /** Tags for the cluster and control panel. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Application Recovery Controller for the project, created once in the home stack: a cluster (five regional
 * data-plane endpoints, billed hourly), a control panel, one routing control per region and a safety rule
 * that keeps at least one region On. Each region's stack attaches a RECOVERY_CONTROL health check to its
 * own record, so failing over is a data-plane `UpdateRoutingControlState` call with no Route 53
 * control-plane dependency during an incident.
 */
export class RecoveryControl extends pulumi.ComponentResource {
    public readonly clusterArn: pulumi.Output<string>;
    public readonly controlPanelArn: pulumi.Output<string>;
    /** Region → routing control ARN. */
    public readonly routingControlArns: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: RecoveryControlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:dns:RecoveryControl", name, {}, opts);
        const p = { parent: this };
        const cluster = new aws.route53recoverycontrol.Cluster(
            `${name}-cluster`,
            { name: `${name}-cluster`, tags: args.tags ? { ...args.tags } : undefined },
            p,
        );
        const panel = new aws.route53recoverycontrol.ControlPanel(
            `${name}-panel`,
            { name: `${name}-panel`, clusterArn: cluster.arn, tags: args.tags ? { ...args.tags } : undefined },
            p,
        );
        const controls = args.regions.map(
            (r) =>
                new aws.route53recoverycontrol.RoutingControl(
                    `${name}-${r}`,
                    {
                        name: `${name}-${r}`,
                        clusterArn: cluster.arn,
                        controlPanelArn: panel.arn,
                    },
                    p,
                ),
        );
        new aws.route53recoverycontrol.SafetyRule(
            `${name}-min-one-on`,
            {
                name: `${name}-min-one-on`,
                controlPanelArn: panel.arn,
                assertedControls: controls.map((c) => c.arn),
                waitPeriodMs: 5000,
                ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false },
                tags: args.tags ? { ...args.tags } : undefined,
            },
            p,
        );
        this.clusterArn = cluster.arn;
        this.controlPanelArn = panel.arn;
        this.routingControlArns = pulumi
            .all(controls.map((c) => c.arn))
            .apply((arns) => Object.fromEntries(args.regions.map((r, i) => [r, arns[i]])));
        this.registerOutputs({ clusterArn: this.clusterArn, controlPanelArn: this.controlPanelArn, routingControlArns: this.routingControlArns });
    }
}
