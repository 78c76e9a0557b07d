/**
 * The program: read typed config once, decide the region's role and shape, build the region, return outputs.
 * index.ts calls this for `pulumi up`; the offline plan calls it under Pulumi's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { HomeRefs, Region } from "../components/region";
import { ConfigError, StackConfig } from "./config";
import { readStackConfigs } from "./configSource";
import { planRegion } from "./strategy";

export function stackReferenceName(cfg: StackConfig, stack: string): string {
    return `${cfg.stackOrg}/${cfg.project}/${stack}`;
}

export interface MainOptions {
    /** Directory holding Pulumi.yaml and the stack files. Default: the working directory. */
    readonly projectDir?: string;
    /**
     * The other stacks' raw config, when the caller already has it (the offline plan applies its `-c`
     * overrides to every stack, as a change to Pulumi.yaml would). Default: read from the stack files.
     */
    readonly peerConfig?: Readonly<Record<string, Record<string, unknown>>>;
}

export async function main(opts: MainOptions = {}): Promise<Record<string, unknown>> {
    let cfg: StackConfig;
    let stacks: StackConfig[];
    try {
        ({ self: cfg, all: stacks } = readStackConfigs(opts.projectDir ?? process.cwd(), pulumi.getProject(), pulumi.getStack(), pulumi.runtime.allConfig(), opts.peerConfig));
    } catch (e) {
        // A user's mistake: one message, every problem, no stack trace.
        if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
        throw e;
    }
    const plan = planRegion({
        strategy: cfg.strategy,
        role: cfg.role,
        isHome: cfg.isHome,
        web: cfg.web,
        services: cfg.services,
        capacity: cfg.capacity,
        natOverride: cfg.network.natStrategy,
        auroraReaders: cfg.database.readers,
        keepRestored: cfg.keepRestored,
        failoverMode: cfg.failoverMode,
        drill: cfg.drill,
    });
    const homeStack = stacks.find((s) => s.isHome);
    let home: HomeRefs | undefined;
    if (!cfg.isHome && homeStack) {
        const ref = new pulumi.StackReference(stackReferenceName(cfg, homeStack.stack));
        home = {
            dataKeyArn: ref.requireOutput("dataKeyArn") as pulumi.Output<string>,
            routingControlArns: ref.getOutput("routingControlArns") as pulumi.Output<Record<string, string> | undefined>,
            globalClusterIdentifier: ref.requireOutput("globalClusterIdentifier") as pulumi.Output<string>,
            auroraClusterIdentifier: ref.requireOutput("auroraClusterIdentifier") as pulumi.Output<string>,
            tableArns: ref.requireOutput("tableArns") as pulumi.Output<Record<string, string>>,
        };
    }
    const region = new Region("securecart", { config: cfg, stacks, plan, home });
    return {
        region: cfg.region,
        role: cfg.role,
        strategy: cfg.strategy,
        homeRegion: cfg.homeRegion,
        ...region.outputs,
    };
}
