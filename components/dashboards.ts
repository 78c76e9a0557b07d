import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type DashboardRegion, drDashboard, regionDashboard } from "../src/dashboards";

export interface DashboardsArgs {
    readonly accountId: pulumi.Input<string>;
    /** This stack's region, as the dashboards show it. */
    readonly own: DashboardRegion;
    /** Every region of the project, in config order, for the DR dashboard; undefined: no DR dashboard (not the home stack). */
    readonly drRegions?: readonly DashboardRegion[];
}

/**
 * The region's dashboard `securecart-<region>` and, in the home stack, the DR dashboard `securecart-dr`. Dashboards
 * are global to the account, hence the region in the name; their bodies come from src/dashboards.ts.
 */
export class Dashboards extends pulumi.ComponentResource {
    public readonly names: string[] = [];

    constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:Dashboards", name, {}, opts);
        const account = pulumi.output(args.accountId);
        const own = `securecart-${args.own.region}`;
        new aws.cloudwatch.Dashboard(
            `${name}-region`,
            { dashboardName: own, dashboardBody: account.apply((a) => JSON.stringify(regionDashboard(a, args.own))) },
            { parent: this },
        );
        this.names.push(own);
        if (args.drRegions) {
            const regions = args.drRegions;
            new aws.cloudwatch.Dashboard(
                `${name}-dr`,
                { dashboardName: "securecart-dr", dashboardBody: account.apply((a) => JSON.stringify(drDashboard(a, regions))) },
                { parent: this },
            );
            this.names.push("securecart-dr");
        }
        this.registerOutputs({ names: this.names });
    }
}
