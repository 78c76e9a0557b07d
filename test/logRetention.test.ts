import { strict as assert } from "assert";
import type { StackPlan } from "../tools/planner";
import { T } from "../src/plan";
import { ofType, planOf } from "./helpers";

/** The retention of every audit and access log the stack plans: log groups by name, log buckets by their lifecycle. */
function retentions(p: StackPlan): Record<string, number> {
    const groups = Object.fromEntries(
        ofType(p, T.logGroup)
            .filter((g) => /flow-logs|edge-(waf|access)-logs|api-logs-access/.test(g.name))
            .map((g) => [g.name, Number(g.inputs.retentionInDays)]),
    );
    const buckets = Object.fromEntries(
        ofType(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
            .filter((l) => /alb-logs|s3-logs/.test(l.name))
            .map((l) => [l.name, Number((l.inputs.rules as Array<{ expiration?: { days?: number } }>)[0].expiration?.days)]),
    );
    return { ...groups, ...buckets };
}

describe("audit and access logs: one retention, overridable per tier", () => {
    it("365 days by default everywhere (PCI DSS v4.0 10.5.1), one config value moves them all, and a tier's own key wins", async () => {
        const byDefault = retentions(await planOf("prod"));
        // The flow logs, both log buckets, the edge's two groups and the API's access logs.
        assert.deepEqual(Object.keys(byDefault).sort(), [
            "securecart-alb-logs-lifecycle",
            "securecart-api-logs-access",
            "securecart-edge-access-logs",
            "securecart-edge-waf-logs",
            "securecart-net-flow-logs",
            "securecart-s3-logs-lifecycle",
        ]);
        assert.ok(
            Object.values(byDefault).every((d) => d === 365),
            JSON.stringify(byDefault),
        );
        const moved = retentions(await planOf("prod", "auditLogRetentionDays=400"));
        assert.ok(
            Object.values(moved).every((d) => d === 400),
            JSON.stringify(moved),
        );
        const overridden = retentions(await planOf("prod", "auditLogRetentionDays=400", "network.flowLogRetentionDays=90"));
        assert.deepEqual(overridden, { ...moved, "securecart-net-flow-logs": 90 });
    });
});
