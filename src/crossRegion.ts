/**
 * The only resources allowed outside their stack's region, each with the reason. Everything else must be
 * created in the stack's region. Plain data, so the policy pack uses the same list as its default config
 * (policies/dr.ts) and the tests use it through `allowedOutsideStackRegion`.
 */
import { T, moduleOf } from "./plan";

export interface CrossRegionException {
    /** A resource type token, or a prefix of one ending in "/" (a whole module). */
    readonly type: string;
    readonly region: string;
    /** Input values that must match for the exception to apply. Default: none. */
    readonly when?: Readonly<Record<string, string>>;
    readonly reason: string;
}

export const CROSS_REGION_EXCEPTIONS: readonly CrossRegionException[] = [
    {
        type: T.metricAlarm,
        region: "us-east-1",
        when: { namespace: "AWS/Route53" },
        reason: 'Route 53 publishes health-check metrics only in us-east-1 (Route 53 developer guide, "Monitoring health checks using CloudWatch")',
    },
    {
        type: moduleOf(T.arcCluster),
        region: "us-west-2",
        reason: "the ARC recovery-control configuration API is served from us-west-2 only",
    },
];

/** Whether `e` covers a resource of `type` in `region` whose property values `get` reads. */
export function exceptionApplies(e: CrossRegionException, type: string, region: string, get: (key: string) => unknown): boolean {
    return type.startsWith(e.type) && e.region === region && Object.entries(e.when ?? {}).every(([k, v]) => get(k) === v);
}

/** Whether a resource of `type` with `inputs` may live in `region` although the stack is elsewhere. */
export function allowedOutsideStackRegion(
    type: string,
    region: string,
    inputs: Readonly<Record<string, unknown>>,
    exceptions: readonly CrossRegionException[] = CROSS_REGION_EXCEPTIONS,
): boolean {
    return exceptions.some((e) => exceptionApplies(e, type, region, (k) => inputs[k]));
}
