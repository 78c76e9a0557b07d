/**
 * What the promotion tests share (the cache's, the file system's): a fake clock and sleep, the log lines, and the
 * regions the code asked clients for, behind the options every promotion takes (src/promotion.ts).
 */
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
