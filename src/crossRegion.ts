/**
 * The only resources allowed outside their stack's region, each with the reason. Everything else must be
 * created in the stack's region (checked by tests and by the policy pack).
 */
export interface CrossRegionException {
    readonly type: string;
    readonly region: string;
    readonly when: (inputs: Record<string, unknown>) => boolean;
    readonly reason: string;
}

export const CROSS_REGION_EXCEPTIONS: readonly CrossRegionException[] = [
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        region: "us-east-1",
        when: (inputs) => inputs.namespace === "AWS/Route53",
        reason: "Route 53 publishes health-check metrics only in us-east-1 (Route 53 developer guide, \"Monitoring health checks using CloudWatch\")",
    },
];

/** Whether a resource of `type` with `inputs` may live in `region` although the stack is elsewhere. */
export function allowedOutsideStackRegion(type: string, region: string, inputs: Record<string, unknown>): boolean {
    return CROSS_REGION_EXCEPTIONS.some((e) => e.type === type && e.region === region && e.when(inputs));
}
