/**
 * DR estimates against targets: the recovery time and data loss that a stack pair's planned resources buy
 * (src/estimates, the same estimator as `npm run plan`) must be within the project's rtoTarget and rpoTarget.
 *
 * A stack policy sees one stack. The estimate needs the pair, so:
 * - with `peer` in the policy config (the other stack's resources, e.g. from `pulumi stack export`), the
 *   policy estimates exactly what the plan does;
 * - without it, on a standby, the primary's side is mirrored from this stack (the project's DNS settings
 *   are shared by every stack; the primary holds the Aurora writer and the tables this stack replicates;
 *   its capacity exceeds this stack's where the strategy table scales the standby down), and the message
 *   says so. The primary's backup plan is not visible then: an estimate that needs it (backup-restore) is
 *   left to the plan, which sees both stacks, unless `peer` is given.
 * - on the primary without `peer`, the check is not applicable (it runs on the standby).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { formatDuration } from "../src/duration";
import { CONSTANT_NAMES, PairEstimate, ResourceView, StackFacts, checkTargets, estimatePair, resolveConstants, stackFacts } from "../src/estimates";
import { PROJECT_FACTS_SCHEMA, StackPolicy, configOf } from "./lib";
import { ProjectFacts, expectedPlan, stackContext, tableNameOfArn } from "../src/plan";

interface PeerResource {
    readonly type: string;
    readonly name?: string;
    readonly urn?: string;
    readonly props?: Record<string, unknown>;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
}

interface TargetsConfig extends ProjectFacts {
    /** RTO target in seconds; 0 = none. */
    readonly rtoTargetSeconds: number;
    /** RPO target in seconds; 0 = none. */
    readonly rpoTargetSeconds: number;
    /** Overrides of estimate constants (src/estimates/constants.ts), as in `securecart:estimates`. */
    readonly estimates: Record<string, number>;
    /** The other stack of the pair: its region, stack name and resources. */
    readonly peer: { readonly stack?: string; readonly region?: string; readonly resources?: readonly PeerResource[] } | null;
}

const targetsSchema: PolicyConfigSchema = {
    properties: {
        ...PROJECT_FACTS_SCHEMA,
        rtoTargetSeconds: { type: "number", minimum: 0, default: 0, description: "RTO target in seconds (securecart:rtoTarget); 0 means no target." },
        rpoTargetSeconds: { type: "number", minimum: 0, default: 0, description: "RPO target in seconds (securecart:rpoTarget); 0 means no target." },
        estimates: {
            type: "object",
            default: {},
            description: `Overrides of estimate constants by name (securecart:estimates): ${CONSTANT_NAMES.join(", ")}.`,
        },
        peer: {
            type: ["object", "null"],
            default: null,
            description:
                "The other stack of the pair: { stack, region, resources: [{ type, name, props | inputs/outputs }] }, e.g. from `pulumi stack export`.",
        },
    },
};

const peerViewOf = (r: PeerResource): ResourceView => ({
    type: r.type,
    name:
        r.name ??
        String(r.urn ?? "")
            .split("::")
            .pop() ??
        r.type,
    inputs: r.inputs ?? r.props ?? {},
    outputs: r.outputs ?? r.props ?? {},
});

/**
 * The primary's facts as a standby stack implies them, when the primary's resources are not visible.
 * Every assumption is listed, so the violation message can say what the estimate rests on.
 */
export function mirroredPrimary(s: StackFacts, standbyScaledDown: boolean | undefined): { facts: StackFacts; assumptions: string[] } {
    const assumptions = [
        `the primary's resources are not visible to this policy (no \`peer\` in its config): its health check and record are taken to match ${s.stack}'s (the project's DNS settings are shared)`,
    ];
    const tables = s.replicas.map((r) => {
        const name = tableNameOfArn(r.globalTableArn) ?? r.name;
        return {
            name,
            arn: r.globalTableArn,
            provisioned: false,
            readCapacity: 0,
            writeCapacity: 0,
            inlineReplicaRegions: [],
            strong: r.strong,
            pitr: r.pitr,
            restored: false,
        };
    });
    if (tables.length) assumptions.push(`the primary holds the ${tables.length} table(s) ${s.stack} replicates`);
    assumptions.push("the primary holds the Aurora writer");
    const up = standbyScaledDown ?? true;
    assumptions.push(
        standbyScaledDown === undefined
            ? "the strategy is not visible (no strategy tag): the primary is taken to run more capacity than this stack"
            : up
              ? "the strategy table scales this standby down: the primary runs more capacity than this stack"
              : "the strategy table runs this standby at the primary's capacity",
    );
    const facts: StackFacts = {
        ...s,
        stack: "primary",
        healthChecks: s.healthChecks,
        records: s.records.map((r) => ({ ...r, failoverRole: r.routing === "failover" ? "PRIMARY" : r.failoverRole })),
        aurora: [
            {
                name: "primary Aurora writer",
                global: true,
                restored: false,
                instanceClasses: [],
                managedSecret: true,
                writer: true,
                ioOptimized: false,
            },
        ],
        tables,
        replicas: [],
        web: s.web.map((w) => ({ ...w, desired: up ? Math.max(w.desired + 1, w.max) : w.desired })),
        services: s.services.map((x) => ({ ...x, desired: up ? x.desired + 1 : x.desired })),
        backupRules: [],
        backupSelected: undefined,
    };
    return { facts, assumptions };
}

export const drEstimatesWithinTargets: StackPolicy = {
    name: "dr-estimates-within-targets",
    description:
        "The estimated RTO (unplanned failover) and RPO of recovering the primary into this stack, from the planned resources' settings, must be within the project's rtoTarget and rpoTarget.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Run `npm run plan` to see the timeline and its dominating step, then change the setting that drives it (e.g. a live Aurora secondary instead of a headless one, warmer standby capacity, the fast health-check interval, a shorter backup interval), choose a warmer strategy, or relax the target.",
    configSchema: targetsSchema,
    validateStack: (args, report) => {
        const c = configOf<TargetsConfig>(targetsSchema, args.getConfig());
        if (!(c.rtoTargetSeconds > 0) && !(c.rpoTargetSeconds > 0)) args.notApplicable("no rtoTarget or rpoTarget in the policy config");
        const ctx = stackContext(args.resources, c);
        const region = ctx.region ?? "unknown";
        const self = stackFacts({ stack: "this stack", region, resources: args.resources });
        const peerResources = c.peer?.resources ?? [];
        let pair: PairEstimate;
        let assumptions: string[] = [];
        const constants = resolveConstants(c.estimates ?? {});
        if (peerResources.length) {
            const peer = stackFacts({
                stack: c.peer?.stack ?? "peer",
                region: c.peer?.region ?? "peer region",
                resources: peerResources.map(peerViewOf),
            });
            pair = ctx.role === "primary" ? estimatePair(self, peer, constants) : estimatePair(peer, self, constants);
        } else {
            if (ctx.role !== "standby")
                args.notApplicable("the primary's estimate is checked on the standby stack (or pass the standby's resources as `peer`)");
            const scaled = ctx.strategy
                ? (() => {
                      const p = expectedPlan(ctx.strategy, "primary", false);
                      const s = expectedPlan(ctx.strategy, "standby", false);
                      return s.web.desired < p.web.desired;
                  })()
                : undefined;
            const m = mirroredPrimary(self, scaled);
            assumptions = m.assumptions;
            pair = estimatePair(m.facts, self, constants);
        }
        const targets = {
            rtoTargetSeconds: c.rtoTargetSeconds > 0 ? c.rtoTargetSeconds : undefined,
            rpoTargetSeconds: c.rpoTargetSeconds > 0 ? c.rpoTargetSeconds : undefined,
        };
        const note = assumptions.length ? ` Assumed: ${assumptions.join("; ")}.` : "";
        const checks = checkTargets(pair, targets);
        // Without the peer, an estimate this stack alone cannot give is the view's limit, not the pair's:
        // the plan (which sees both stacks) reports it; the policy stays silent on it.
        const decidable = peerResources.length ? checks : checks.filter((t) => t.estimateSeconds !== null);
        if (decidable.length === 0)
            args.notApplicable(
                `the estimate needs the primary's resources: pass them as \`peer\` in the policy config (${checks.map((t) => t.message).join("; ")})`,
            );
        for (const t of decidable) {
            if (t.ok) continue;
            report(`${t.message}. The ${t.target === "rtoTarget" ? "RTO" : "RPO"} must be at most ${formatDuration(t.targetSeconds)}.${note}`);
        }
    },
};
