/**
 * Estimates for a project's stacks: RTO (planned and unplanned timelines) and RPO (by data store) for each
 * stack pair (the primary and one standby), monthly cost per stack, and the check against the configured
 * targets. Pure: plain resource views and numbers in, plain results out. The offline plan and the policy
 * pack both call this module, so they report the same figures.
 */
import { formatDuration } from "../duration";
import { PRICES, PriceSheet } from "../prices";
import { Constants, resolveConstants } from "./constants";
import { CostEstimate, CostLine, estimateCost } from "./cost";
import { EdgeFacts, StackFacts, StackView, edgeFacts, stackFacts } from "../plan";
import { EdgeRecovery, PairEdge, estimateEdge } from "./edge";
import { PipelineFacts, PipelineRecovery, estimatePipeline, pipelineFacts } from "./pipeline";
import { IdentityApiFacts, IdentityApiInput, IdentityApiRecovery, estimateIdentityApi, identityApiFacts } from "./identity";
import { CacheFilesFacts, CacheFilesRecovery, cacheFilesFacts, estimateCacheFiles } from "./cacheAndFiles";
import { OperationsFacts, operationsFacts } from "./operations";
import { RpoEstimate, estimateRpo } from "./rpo";
import { Timeline, caveatLabels, timeline } from "./rto";

export { CONSTANTS, CONSTANT_NAMES, constantOverrideProblems, resolveConstants } from "./constants";
export type { Constants, ConstantName } from "./constants";
export { BILLABLE_TYPES, FREE_TYPES, UNPRICED_USAGE } from "./cost";
export { isEngineType } from "../plan";
export type { CostEstimate, CostLine } from "./cost";
export { cronIntervalSeconds, stackFacts } from "../plan";
export type { ResourceView, StackFacts, StackView } from "../plan";
export type { RpoEstimate, StoreRpo } from "./rpo";
export type { Step, Timeline } from "./rto";
export { CALCULATED_CHECK_DELAY, caveatLabels } from "./rto";
export type { AssetRpo, EdgeFigure, EdgeRecovery, PairEdge } from "./edge";
export { pipelineFacts, rateIntervalSeconds } from "./pipeline";
export type { PipelineFacts, PipelineFigure, PipelineRecovery } from "./pipeline";
export { identityApiFacts } from "./identity";
export type { IdentityApiFacts, IdentityApiFigure, IdentityApiInput, IdentityApiRecovery, IdentityRpo } from "./identity";
export { cacheFilesFacts, cacheNodeType } from "./cacheAndFiles";
export type { CacheFilesFacts, CacheFilesPart, CacheFilesRecovery, CacheFilesStep, CacheFilesStore, CacheFilesTier } from "./cacheAndFiles";
export { ALARM_NOTIFICATIONS, UNPRICED_OPERATIONS, operationsFacts } from "./operations";
export type { ExperimentRun, OperationsCost, OperationsFacts } from "./operations";

export interface PairEstimate {
    readonly primary: string;
    readonly standby: string;
    readonly rto: { readonly planned: Timeline; readonly unplanned: Timeline };
    readonly rpo: RpoEstimate;
    /**
     * The edge's figures, apart from the RTO and RPO above: the static behaviour's origin failover and the asset
     * RPO. Absent when the edge facts are not given (the policy pack's view) or no edge is planned.
     */
    readonly edge?: EdgeRecovery;
    /**
     * The order pipeline's figures, apart from the RTO and RPO above: consumers on, the order events' endpoint
     * failover, the reconciler's bound on a stranded order, and the accepted and queued orders' RPO. Absent when
     * the pipeline facts are not given (the policy pack's view) or no pipeline is planned.
     */
    readonly pipeline?: PipelineRecovery;
    /**
     * Sign-in's and the API's figures, apart from the RTO and RPO above: the identity RPO, the time until users sign
     * in through the standby, and the API's DNS failover. Absent when their facts are not given (the policy pack's
     * view) or neither stack plans a user pool or an API.
     */
    readonly identityApi?: IdentityApiRecovery;
    /**
     * The cache's and the shared files' figures, apart from the RTO and RPO above: each one's RPO (as a data store)
     * and the step that brings it into service in the standby. Absent when their facts are not given (the policy
     * pack's view) or neither is planned.
     */
    readonly cacheFiles?: CacheFilesRecovery;
}

/**
 * Estimates a recovery from `p` (the primary) into `s` (a standby); with the stacks' edge facts, the edge's
 * figures too; with their pipeline facts, the pipeline's; with their sign-in and API facts, those; with their cache
 * and shared-files facts, those.
 */
export function estimatePair(
    p: StackFacts,
    s: StackFacts,
    c: Constants,
    edge?: PairEdge,
    pipeline?: { readonly primary: PipelineFacts; readonly standby: PipelineFacts },
    identityApi?: { readonly primary: IdentityApiFacts; readonly standby: IdentityApiFacts },
    cacheFiles?: { readonly primary: CacheFilesFacts; readonly standby: CacheFilesFacts },
): PairEstimate {
    const e = edge ? estimateEdge(edge) : undefined;
    const rpo = estimateRpo(p, s, c);
    const pl = pipeline ? estimatePipeline({ ...pipeline, stores: rpo.stores }, c) : undefined;
    const ia = identityApi ? estimateIdentityApi({ ...identityApi, primaryStack: p }, c) : undefined;
    const cf = cacheFiles ? estimateCacheFiles({ ...cacheFiles, primaryStack: p, standbyStack: s }, c) : undefined;
    return {
        primary: p.stack,
        standby: s.stack,
        rto: { planned: timeline("planned", p, s, c), unplanned: timeline("unplanned", p, s, c) },
        rpo,
        ...(e ? { edge: e } : {}),
        ...(pl ? { pipeline: pl } : {}),
        ...(ia ? { identityApi: ia } : {}),
        ...(cf ? { cacheFiles: cf } : {}),
    };
}

export interface Targets {
    readonly rtoTargetSeconds?: number;
    readonly rpoTargetSeconds?: number;
}

export interface TargetCheck {
    readonly target: "rtoTarget" | "rpoTarget";
    readonly targetSeconds: number;
    readonly estimateSeconds: number | null;
    readonly ok: boolean;
    /** "RTO (unplanned failover) estimate 11m30s exceeds rtoTarget 5m: dominated by ..." */
    readonly message: string;
}

/** Compares a pair's estimates with the targets. The RTO target is held against the unplanned failover (the longer one). */
export function checkTargets(pair: PairEstimate, t: Targets): TargetCheck[] {
    const out: TargetCheck[] = [];
    const where = `recovering ${pair.primary} into ${pair.standby}`;
    if (t.rtoTargetSeconds !== undefined) {
        const tl = pair.rto.unplanned;
        const est = tl.seconds;
        const target = t.rtoTargetSeconds;
        const dom = tl.dominant ? `dominated by ${tl.dominant.step} (${formatDuration(tl.dominant.seconds)}: ${tl.dominant.detail})` : "";
        // Unpublished time on top of the figure (a calculated check's aggregation delay) is said, never added.
        const labels = caveatLabels(tl);
        const plus = labels ? ` (${labels})` : "";
        const ok = est !== null && est <= target;
        out.push({
            target: "rtoTarget",
            targetSeconds: target,
            estimateSeconds: est,
            ok,
            message:
                est === null
                    ? `RTO (unplanned failover, ${where}) cannot be estimated, so rtoTarget ${formatDuration(target)} cannot be shown to hold: ${unknownReasons(tl).join("; ")}`
                    : ok
                      ? `RTO (unplanned failover, ${where}) estimate ${formatDuration(est)}${plus} is within rtoTarget ${formatDuration(target)}`
                      : `RTO (unplanned failover, ${where}) estimate ${formatDuration(est)}${plus} exceeds rtoTarget ${formatDuration(target)}: ${dom}`,
        });
    }
    if (t.rpoTargetSeconds !== undefined) {
        const est = pair.rpo.unplannedSeconds;
        const target = t.rpoTargetSeconds;
        const ok = est !== null && est <= target;
        const worst = pair.rpo.stores.find((x) => x.store === pair.rpo.dominant);
        out.push({
            target: "rpoTarget",
            targetSeconds: target,
            estimateSeconds: est,
            ok,
            message:
                est === null
                    ? `RPO (${where}) cannot be estimated, so rpoTarget ${formatDuration(target)} cannot be shown to hold: ${pair.rpo.restsOn.join("; ")}`
                    : ok
                      ? `RPO (${where}) estimate ${formatDuration(est)} is within rpoTarget ${formatDuration(target)}`
                      : `RPO (${where}) estimate ${formatDuration(est)} exceeds rpoTarget ${formatDuration(target)}: dominated by ${pair.rpo.dominant} (${worst?.mode}: ${worst?.restsOn.join("; ")})`,
        });
    }
    return out;
}

export function unknownReasons(tl: Timeline): string[] {
    return tl.phases
        .flat()
        .filter((s) => s.seconds === null)
        .map((s) => `${s.name}: ${s.unknown}`);
}

/** One stack of a project as the estimator takes it. */
export interface StackInput extends StackView {
    readonly role: "primary" | "standby";
    /** `securecart:estimates` overrides of this stack. */
    readonly constantOverrides?: Readonly<Record<string, number>>;
    readonly targets?: Targets;
    /** What the strategy plan and the config say of sign-in and the API (user exports, monthly volumes). */
    readonly identityApi?: IdentityApiInput;
}

/** The `"estimates"` block of a stack's JSON, plus what the text output shows. */
export interface StackEstimate {
    readonly stack: string;
    readonly region: string;
    readonly role: "primary" | "standby";
    /** Unplanned RPO of the pair this stack belongs to (the best standby, for the primary). */
    readonly rpoSeconds: number | null;
    readonly rtoSeconds: { readonly planned: number | null; readonly unplanned: number | null };
    readonly monthlyCostUsd: number;
    readonly breakdown: readonly CostLine[];
    readonly pair?: PairEstimate;
    readonly cost: CostEstimate;
    readonly targets: readonly TargetCheck[];
    readonly resourceCount: number;
    /** The settings read from the stack's resources (for the diagram and the policy). */
    readonly facts: StackFacts;
}

export interface ProjectEstimate {
    readonly stacks: readonly StackEstimate[];
    readonly pairs: readonly PairEstimate[];
    readonly priceSheet: { readonly label: string; readonly date: string; readonly source: string };
}

/** Estimates every stack of a project. Each standby pairs with the primary; the primary reports its best pair. */
export function estimateProject(inputs: readonly StackInput[], sheet: PriceSheet = PRICES): ProjectEstimate {
    const facts = new Map(inputs.map((i) => [i.stack, stackFacts(i)]));
    const edges = new Map<string, EdgeFacts>(inputs.map((i) => [i.stack, edgeFacts(i)]));
    const pipelines = new Map<string, PipelineFacts>(inputs.map((i) => [i.stack, pipelineFacts(i)]));
    const identities = new Map<string, IdentityApiFacts>(inputs.map((i) => [i.stack, identityApiFacts(i, i.identityApi)]));
    const cacheFiles = new Map<string, CacheFilesFacts>(inputs.map((i) => [i.stack, cacheFilesFacts(i)]));
    const operations = new Map<string, OperationsFacts>(inputs.map((i) => [i.stack, operationsFacts(i)]));
    const project = [...edges.values()];
    const consts = new Map(inputs.map((i) => [i.stack, resolveConstants(i.constantOverrides ?? {})]));
    const primary = inputs.find((i) => i.role === "primary");
    const pairs: PairEstimate[] = [];
    if (primary) {
        for (const s of inputs.filter((i) => i.role === "standby")) {
            pairs.push(
                estimatePair(
                    facts.get(primary.stack)!,
                    facts.get(s.stack)!,
                    consts.get(s.stack)!,
                    { primary: edges.get(primary.stack)!, standby: edges.get(s.stack)!, project },
                    { primary: pipelines.get(primary.stack)!, standby: pipelines.get(s.stack)! },
                    { primary: identities.get(primary.stack)!, standby: identities.get(s.stack)! },
                    { primary: cacheFiles.get(primary.stack)!, standby: cacheFiles.get(s.stack)! },
                ),
            );
        }
    }
    const best = pairs.length
        ? pairs.reduce((a, b) => ((b.rto.unplanned.seconds ?? Infinity) < (a.rto.unplanned.seconds ?? Infinity) ? b : a))
        : undefined;
    const stacks = inputs.map((i): StackEstimate => {
        const f = facts.get(i.stack)!;
        const peers = inputs.filter((x) => x.stack !== i.stack).map((x) => facts.get(x.stack)!);
        const peerEdges = project.filter((e) => e.stack !== i.stack);
        const peerCacheFiles = inputs.filter((x) => x.stack !== i.stack).map((x) => cacheFiles.get(x.stack)!);
        const peerOperations = inputs.filter((x) => x.stack !== i.stack).map((x) => operations.get(x.stack)!);
        const cost = estimateCost(
            i,
            f,
            {
                peers,
                edge: edges.get(i.stack),
                peerEdges,
                identityApi: i.identityApi,
                cacheFiles: cacheFiles.get(i.stack),
                peerCacheFiles,
                operations: operations.get(i.stack),
                peerOperations,
            },
            consts.get(i.stack)!,
            sheet,
        );
        const pair = i.role === "primary" ? best : pairs.find((p) => p.standby === i.stack);
        return {
            stack: i.stack,
            region: i.region,
            role: i.role,
            rpoSeconds: pair?.rpo.unplannedSeconds ?? null,
            rtoSeconds: { planned: pair?.rto.planned.seconds ?? null, unplanned: pair?.rto.unplanned.seconds ?? null },
            monthlyCostUsd: cost.monthlyUsd,
            breakdown: cost.lines,
            pair,
            cost,
            targets: pair && i.targets ? checkTargets(pair, i.targets) : [],
            resourceCount: f.resourceCount,
            facts: f,
        };
    });
    return { stacks, pairs, priceSheet: { label: sheet.label, date: sheet.date, source: sheet.source } };
}
