import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../src/config";
import type { RegionPlan } from "../src/strategy";
import { Keys } from "./keys";
import { Network } from "./network";

/** Outputs of the home stack that other stacks build on (read through a StackReference). */
export interface HomeRefs {
    readonly dataKeyArn: pulumi.Input<string>;
}

export interface RegionArgs {
    /** This stack's validated configuration (plain values; this component never reads config itself). */
    readonly config: StackConfig;
    /** Every stack of the project, this one included, in config order. */
    readonly stacks: readonly StackConfig[];
    /** The decisions for this region's strategy and role (src/strategy.ts). */
    readonly plan: RegionPlan;
    /** The home stack's outputs; undefined in the home stack itself. */
    readonly home?: HomeRefs;
}

/** One region of SecureCart, composed from the strategy plan: network, keys, and the tiers built on them. */
export class Region extends pulumi.ComponentResource {
    public readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:region:Region", name, {}, opts);
        const { config: cfg, plan } = args;
        const tags = { ...cfg.tags, strategy: cfg.strategy, "managed-by": "pulumi" };
        const p = { parent: this };

        const keys = new Keys(`${name}-keys`, { primaryDataKeyArn: args.home?.dataKeyArn, tags }, p);
        const network = new Network(`${name}-net`, {
            cidr: cfg.network.cidr,
            azCount: cfg.network.azCount,
            natStrategy: plan.nat,
            flowLogRetentionDays: cfg.network.flowLogRetentionDays,
            logsKmsKeyArn: keys.logsKeyArn,
            tags,
        }, p);

        // --- compute tier (issue 3): security groups, web tier, ECR, Fargate services -------------------

        // --- data tier (issue 4): Aurora global database, DynamoDB global tables, backups -------------

        // --- DNS (issue 5): health checks, failover/latency records, ARC ------------------------------

        this.outputs = {
            vpcId: network.vpcId,
            natGateways: network.natGatewayIds.length,
            dataKeyArn: keys.dataKeyArn,
            logsKeyArn: keys.logsKeyArn,
        };
        this.registerOutputs(this.outputs);
    }
}
