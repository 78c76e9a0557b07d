/**
 * What the promotion tests share (the cache's, the file system's): a fake clock and sleep, the log lines, and the
 * regions the code asked clients for, behind the options every promotion takes (src/promotion.ts).
 */
import type { GlobalReplicationGroup } from "@aws-sdk/client-elasticache";
import type { PromotionOptions } from "../src/promotion";

/** One test's observations; `reset` before each. */
export class FakeRun {
    clock = 0;
    slept = 0;
    lines: string[] = [];
    regionsCalled: string[] = [];

    reset(): void {
        this.clock = 0;
        this.slept = 0;
        this.lines = [];
        this.regionsCalled = [];
    }

    /** Options with a client factory that records each region asked for, a 1 s poll, a 10 s timeout and this run's clock. */
    options<C>(make: (region: string) => C, extra: Partial<PromotionOptions<C>> = {}): PromotionOptions<C> {
        return {
            client: (region: string) => {
                this.regionsCalled.push(region);
                return make(region);
            },
            pollIntervalMs: 1000,
            timeoutMs: 10_000,
            sleep: async (ms: number) => {
                this.slept++;
                this.clock += ms;
            },
            now: () => this.clock,
            log: (m: string) => this.lines.push(m),
            ...extra,
        };
    }
}

/** The regions the calls a stub received went to, from the clients the code built (sorted, each once). */
export async function regionsOfCalls(stub: { calls(): ReadonlyArray<{ thisValue: unknown }> }): Promise<string[]> {
    const regions: string[] = [];
    for (const call of stub.calls()) regions.push(await (call.thisValue as { config: { region: () => Promise<string> } }).config.region());
    return [...new Set(regions)].sort();
}

/** A Global Datastore of two members, one per region, as DescribeGlobalReplicationGroups answers. */
export const GDS = "ldgnf-securecart-sessions";
export const EAST = "securecart-sessions-us-east-1";
export const WEST = "securecart-sessions-us-west-2";

/** The datastore with `primary` as its PRIMARY member (none when undefined), available unless `extra` says otherwise. */
export function datastore(
    primary: string | undefined,
    extra: Partial<GlobalReplicationGroup> = {},
    members = [EAST, WEST],
): { GlobalReplicationGroups: GlobalReplicationGroup[] } {
    return {
        GlobalReplicationGroups: [
            {
                GlobalReplicationGroupId: GDS,
                Status: "available",
                Members: members.map((id) => ({
                    ReplicationGroupId: id,
                    ReplicationGroupRegion: id.endsWith("us-east-1") ? "us-east-1" : "us-west-2",
                    Role: id === primary ? "PRIMARY" : "SECONDARY",
                    Status: "associated",
                })),
                ...extra,
            },
        ],
    };
}
