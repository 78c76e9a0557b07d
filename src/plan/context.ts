/**
 * What a planned stack is, read from its resources: its region (the default AWS provider's), its strategy
 * (the `strategy` tag on every AWS resource), its role (the `role` tag; else the project's primaryRegion)
 * and whether it is the home stack, and the strategy table's row for it (src/strategy.ts, the same pure
 * function the program uses). The offline plan knows these from config as well; the policy pack sees
 * only resources, so both read them here.
 */
import { STRATEGIES, type CapacityConfig, type Role, type Strategy, type WebConfig } from "../config";
import { RegionPlan, planRegion } from "../strategy";
import { PlanResource, at, get, isTrue, nonEmpty, ofType, providerUrn, tagsOf } from "./resource";
import { PULUMI, T, isAws } from "./types";

/** Project facts a single stack cannot see. */
export interface ProjectFacts {
    /** The project's regions, home first. Empty: unknown. */
    readonly regions: readonly string[];
    /** The region that holds the primary role. Empty: unknown. */
    readonly primaryRegion: string;
}

export interface StackContext {
    readonly region?: string;
    readonly strategy?: Strategy;
    readonly role?: Role;
    /** Where the role came from. */
    readonly roleSource: "role tag" | "primaryRegion config" | "unknown";
    readonly isHome?: boolean;
    /** The strategy table's row for this stack, when strategy, role and home are known. */
    readonly plan?: RegionPlan;
}

/** A provider the reader sees with its properties (a policy's view of a resource's provider). */
type WithProvider = { readonly provider?: { readonly name: string; readonly props: Record<string, unknown> } | string | null };

/** The region the stack deploys to: the default AWS provider's (the engine builds it from `aws:region`). */
export function stackRegion(resources: readonly PlanResource[]): string | undefined {
    for (const p of ofType(resources, PULUMI.awsProvider)) {
        const region = p.name.startsWith("default") ? get(p, "region") : undefined;
        if (nonEmpty(region)) return region;
    }
    // A policy's AnalyzeStack view carries each resource's provider with its properties.
    for (const r of resources as readonly (PlanResource & WithProvider)[]) {
        const p = r.provider;
        const region = p && typeof p === "object" && p.name.startsWith("default") ? providerRegion(r) : undefined;
        if (region) return region;
    }
    return undefined;
}

/** The region a resource is placed in by its own provider, when the reader sees that provider's properties. */
export function providerRegion(r: PlanResource, resources: readonly PlanResource[] = []): string | undefined {
    const p = (r as PlanResource & WithProvider).provider;
    if (p && typeof p === "object") {
        const region = at(p.props, "region");
        return nonEmpty(region) ? region : undefined;
    }
    const urn = providerUrn(r);
    const provider = urn ? resources.find((x) => x.urn === urn) : undefined;
    const region = provider ? get(provider, "region") : undefined;
    return nonEmpty(region) ? region : undefined;
}

/**
 * The region a resource lives in: its own `region` input (@pulumi/aws v7 places each resource in a region of its
 * own choosing), else its provider's, else the stack's. Undefined when none is known.
 */
export function regionOf(r: PlanResource, resources: readonly PlanResource[]): string | undefined {
    const own = get(r, "region");
    if (nonEmpty(own)) return own;
    return providerRegion(r, resources) ?? stackRegion(resources);
}

function mostCommon(values: readonly string[]): string | undefined {
    const n = new Map<string, number>();
    for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The stack's strategy, from the `strategy` tag the program puts on every AWS resource. */
export function stackStrategy(resources: readonly PlanResource[]): Strategy | undefined {
    const s = mostCommon(
        resources
            .filter((r) => isAws(r.type))
            .map((r) => tagsOf(r).strategy)
            .filter(nonEmpty),
    );
    return (STRATEGIES as readonly string[]).includes(s as string) ? (s as Strategy) : undefined;
}

const contexts = new WeakMap<readonly PlanResource[], Map<string, StackContext>>();

/**
 * What a stack is: its region, strategy, role (the `role` tag the program puts on the region's resources;
 * else `primaryRegion`) and whether it is the home stack (first configured region; else: it holds the
 * multi-Region primary key). Computed once per resource list and facts.
 */
export function stackContext(resources: readonly PlanResource[], facts: ProjectFacts): StackContext {
    const key = JSON.stringify([facts.regions, facts.primaryRegion]);
    const memo = contexts.get(resources) ?? new Map<string, StackContext>();
    contexts.set(resources, memo);
    const hit = memo.get(key);
    if (hit) return hit;
    const region = stackRegion(resources);
    const strategy = stackStrategy(resources);
    const tagged = mostCommon(resources.map((r) => tagsOf(r).role).filter((v) => v === "primary" || v === "standby"));
    let role: Role | undefined;
    let roleSource: StackContext["roleSource"] = "unknown";
    if (tagged) {
        role = tagged as Role;
        roleSource = "role tag";
    } else if (region && nonEmpty(facts.primaryRegion)) {
        role = region === facts.primaryRegion ? "primary" : "standby";
        roleSource = "primaryRegion config";
    }
    const isHome =
        facts.regions.length > 0 && region ? facts.regions[0] === region : ofType(resources, T.kmsKey).some((k) => isTrue(get(k, "multiRegion")));
    const plan = strategy && role ? expectedPlan(strategy, role, isHome) : undefined;
    const ctx = { region, strategy, role, roleSource, isHome, plan };
    memo.set(key, ctx);
    return ctx;
}

/**
 * The strategy table's row, from the same pure function the program uses. Sizing inputs are a reference
 * primary of 2 (max 4): readers use only the shape and whether each tier is zero, never exact counts,
 * which stack config may override per tier.
 */
export function expectedPlan(strategy: Strategy, role: Role, isHome: boolean): RegionPlan {
    // planRegion reads only the three capacity fields of the web config.
    const web = { minSize: 2, maxSize: 4, desiredCapacity: 2 } satisfies Pick<WebConfig, "minSize" | "maxSize" | "desiredCapacity">;
    const capacity: CapacityConfig = { warmStandbyFraction: 0.5, standby: {} };
    return planRegion({ strategy, role, isHome, web: web as WebConfig, services: [], capacity, auroraReaders: 1 });
}
