import { strict as assert } from "assert";
import * as fc from "fast-check";
import { parseStackConfig } from "../src/config";
import { mergeConfig } from "../src/configSource";
import { RegionPlan, StrategyInputs, planRegion, scaleDown } from "../src/strategy";
import { STRATEGIES, files } from "./helpers";

const cfg = parseStackConfig("securecart", "prod", mergeConfig(files, "prod"));
const inputs = (over: Partial<StrategyInputs>): StrategyInputs => ({
    strategy: "warm-standby", role: "primary", isHome: true, web: cfg.web, services: cfg.services, capacity: cfg.capacity,
    auroraReaders: 1, keepRestored: false, ...over,
});

// The strategy table, as shipped in the README. Rows: what the standby region runs.
const STANDBY: Record<string, { web: number; nat: string; aurora: [string, number]; dynamo: string; dns: string; serves: boolean; compute: boolean }> = {
    "backup-restore": { web: 0, nat: "none", aurora: ["none", 0], dynamo: "none", dns: "SECONDARY", serves: false, compute: false },
    "pilot-light": { web: 0, nat: "single", aurora: ["headless", 0], dynamo: "replica", dns: "SECONDARY", serves: false, compute: true },
    "warm-standby": { web: 2, nat: "single", aurora: ["secondary", 1], dynamo: "replica", dns: "SECONDARY", serves: false, compute: true },
    "active-active": { web: 3, nat: "one-per-az", aurora: ["secondary", 2], dynamo: "replica", dns: "latency", serves: true, compute: true },
};

describe("strategy: the standby table for every strategy", () => {
    for (const strategy of STRATEGIES) {
        const row = STANDBY[strategy];
        it(`${strategy}: standby runs web ${row.web}, NAT ${row.nat}, Aurora ${row.aurora.join("/")}, DynamoDB ${row.dynamo}, DNS ${row.dns}`, () => {
            const p = planRegion(inputs({ strategy, role: "standby", isHome: false }));
            assert.equal(p.web.desired, row.web);
            assert.equal(p.nat, row.nat);
            assert.deepEqual([p.aurora.shape, p.aurora.instances], row.aurora);
            assert.equal(p.dynamo.shape, row.dynamo);
            assert.equal(p.dns.routing === "latency" ? "latency" : p.dns.failoverRole, row.dns);
            assert.equal(p.dns.forcedUnhealthy, undefined, "a standby in its own region takes traffic only through failover");
            assert.equal(p.serves, row.serves);
            assert.equal(p.computeExists, row.compute);
            assert.equal(p.aurora.ownsGlobalCluster, false, "a standby never owns the global cluster");
            assert.equal(p.backup.runsPlan, false);
            for (const s of cfg.services) assert.equal(p.services[s.name].desired, row.web === 0 ? 0 : strategy === "active-active" ? s.desiredCount : Math.ceil(s.desiredCount * 0.5));
        });

        it(`${strategy}: the primary runs full capacity from config, one NAT per AZ, and the backup plan`, () => {
            const p = planRegion(inputs({ strategy, role: "primary", isHome: true }));
            assert.deepEqual(p.web, { min: cfg.web.minSize, max: cfg.web.maxSize, desired: cfg.web.desiredCapacity });
            assert.equal(p.nat, "one-per-az");
            assert.deepEqual([p.aurora.shape, p.aurora.instances], ["primary", 2]);
            assert.equal(p.dynamo.shape, "table");
            assert.equal(p.backup.runsPlan, true);
            assert.equal(p.serves, true);
        });
    }

    it("pilot light keeps every compute resource launchable: max stays at the primary's", () => {
        const p = planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: false }));
        assert.deepEqual(p.web, { min: 0, max: cfg.web.maxSize, desired: 0 });
        for (const s of cfg.services) assert.deepEqual(p.services[s.name], { min: 0, max: s.maxCount, desired: 0 });
    });

    it("config overrides the standby's capacity per tier", () => {
        const capacity = { ...cfg.capacity, standby: { web: { desired: 4, min: 4 }, services: { cart: { desired: 3 } } } };
        const p = planRegion(inputs({ strategy: "warm-standby", role: "standby", isHome: false, capacity }));
        assert.equal(p.web.desired, 4);
        assert.equal(p.web.min, 4);
        assert.equal(p.services.cart.desired, 3);
        assert.equal(p.services.catalog.desired, 1);
    });

    it("a promoted backup-restore standby restores its data tier; it keeps it after failback only with keepRestored", () => {
        const promoted = planRegion(inputs({ strategy: "backup-restore", role: "primary", isHome: false }));
        assert.equal(promoted.aurora.shape, "restore");
        assert.equal(promoted.dynamo.shape, "restore");
        const failedBack = planRegion(inputs({ strategy: "backup-restore", role: "standby", isHome: false, keepRestored: true }));
        assert.equal(failedBack.aurora.shape, "restore");
        assert.equal(planRegion(inputs({ strategy: "backup-restore", role: "standby", isHome: false })).aurora.shape, "none");
    });

    it("the home stack keeps ownership of the global resources when it is demoted", () => {
        for (const strategy of STRATEGIES) {
            const p = planRegion(inputs({ strategy, role: "standby", isHome: true }));
            assert.equal(p.aurora.ownsGlobalCluster, true);
            assert.equal(p.dynamo.shape, "table");
        }
    });

    it("the new primary moves the writer: switchover when planned, failover when unplanned; backup-restore restores instead", () => {
        assert.equal(planRegion(inputs({ strategy: "pilot-light", role: "primary", isHome: false })).writerMove, "switchover");
        assert.equal(planRegion(inputs({ strategy: "pilot-light", role: "primary", isHome: false, failoverMode: "unplanned" })).writerMove, "failover");
        assert.equal(planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: true })).writerMove, undefined);
        assert.equal(planRegion(inputs({ strategy: "backup-restore", role: "primary", isHome: false })).writerMove, undefined);
    });

    it("record types stay with the region; a demoted home region's PRIMARY record is forced unhealthy so traffic moves", () => {
        const demoted = planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: true }));
        assert.equal(demoted.dns.failoverRole, "PRIMARY");
        assert.equal(demoted.dns.forcedUnhealthy, "standby-holds-primary-record");
        const promoted = planRegion(inputs({ strategy: "pilot-light", role: "primary", isHome: false }));
        assert.equal(promoted.dns.failoverRole, "SECONDARY");
        assert.equal(promoted.dns.forcedUnhealthy, undefined);
        assert.equal(planRegion(inputs({ strategy: "active-active", role: "standby", isHome: true })).dns.forcedUnhealthy, undefined);
    });

    it("unplanned failover fences the old primary; the outage drill forces a region unhealthy", () => {
        assert.equal(planRegion(inputs({ role: "standby", isHome: true, failoverMode: "unplanned" })).dns.forcedUnhealthy, "fenced-after-unplanned-failover");
        assert.equal(planRegion(inputs({ role: "primary", isHome: false, failoverMode: "unplanned" })).dns.forcedUnhealthy, undefined);
        assert.equal(planRegion(inputs({ role: "primary", drill: "outage" })).dns.forcedUnhealthy, "outage-drill");
        assert.equal(planRegion(inputs({ role: "primary" })).dns.forcedUnhealthy, undefined);
    });
});

describe("strategy: warm-standby scale-down (property-based)", () => {
    it("runs at least 1 of each, never more than primary, and never exceeds max", () => {
        fc.assert(fc.property(
            fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 100 }),
            fc.double({ min: 0.01, max: 1, noNaN: true }),
            (a, b, max, fraction) => {
                const min = Math.min(a, b, max);
                const desired = Math.min(Math.max(a, b), max);
                const c = scaleDown({ min, max, desired }, fraction);
                assert.ok(c.desired >= 1);
                assert.ok(c.desired <= Math.max(1, desired));
                assert.ok(c.min <= c.desired && c.desired <= c.max);
                assert.equal(c.desired, Math.max(1, Math.ceil(desired * fraction)));
            },
        ));
    });

    it("moving towards active-active never shrinks the standby", () => {
        const order = ["backup-restore", "pilot-light", "warm-standby", "active-active"] as const;
        const sizes = order.map((strategy) => planRegion(inputs({ strategy, role: "standby", isHome: false })) as RegionPlan);
        for (let i = 1; i < sizes.length; i++) {
            assert.ok(sizes[i].web.desired >= sizes[i - 1].web.desired);
            assert.ok(sizes[i].aurora.instances >= sizes[i - 1].aurora.instances);
        }
    });
});
