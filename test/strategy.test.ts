import { strict as assert } from "assert";
import * as fc from "fast-check";
import { parseStackConfig, type Strategy } from "../src/config";
import { mergeConfig } from "../src/configSource";
import {
    RegionPlan,
    RetireStep,
    heldGenerations,
    pipelineConcurrency,
    planCache,
    planFiles,
    planPipeline,
    planRecovery,
    planRegion,
    recoveryClusterId,
    recoveryTableName,
    scaleDown,
    scaledConcurrency,
} from "../src/strategy";
import { files, STRATEGIES, strategyInputs } from "./helpers";

const cfg = parseStackConfig("securecart", "prod", mergeConfig(files, "prod"));
const inputs = strategyInputs;

// The strategy table, as shipped in the README. Rows: what the standby region runs.
const STANDBY: Record<
    string,
    { web: number; nat: string; aurora: [string, number]; dynamo: string; dns: string; serves: boolean; compute: boolean }
> = {
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
            for (const s of cfg.services)
                assert.equal(
                    p.services[s.name].desired,
                    row.web === 0 ? 0 : strategy === "active-active" ? s.desiredCount : Math.ceil(s.desiredCount * 0.5),
                );
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

    it("a promoted backup-restore standby restores a recovery tier; a failback keeps it and brings it home", () => {
        const promoted = planRegion(inputs({ strategy: "backup-restore", role: "primary", isHome: false }));
        assert.equal(promoted.aurora.shape, "none");
        assert.equal(promoted.dynamo.shape, "none");
        assert.deepEqual(
            promoted.recovery.tiers.map((t) => [t.generation, t.live, t.created, t.instances]),
            [[1, true, true, 2]],
        );
        assert.deepEqual(promoted.recovery.tiers[0].source, { kind: "home", generation: 0 });
        const demoted = planRegion(inputs({ strategy: "backup-restore", role: "standby", isHome: false, recovery: { held: [1], homeLive: 0 } }));
        assert.deepEqual(
            demoted.recovery.tiers.map((t) => [t.generation, t.live, t.superseded, t.protect, t.instances]),
            [[1, false, false, true, 0]],
            "not brought home yet: kept, protected, no instances",
        );
        const home = planRegion(
            inputs({
                strategy: "backup-restore",
                role: "primary",
                isHome: true,
                recovery: { peers: [{ stack: "dr", region: "us-west-2", newest: 1 }] },
            }),
        );
        assert.deepEqual(
            home.recovery.tiers.map((t) => [t.generation, t.live, t.created]),
            [[1, true, true]],
        );
        assert.deepEqual(home.recovery.tiers[0].source, { kind: "peer", stack: "dr", region: "us-west-2", generation: 1 });
        assert.equal(home.aurora.instances, 1, "the superseded founding cluster keeps only its writer");
        const never = planRegion(inputs({ strategy: "backup-restore", role: "standby", isHome: false }));
        assert.deepEqual(never.recovery.tiers, [], "before any recovery the standby holds no data tier");
    });

    it("retiring takes two explicit steps and touches only superseded tiers", () => {
        const held = { held: [1, 2], homeLive: 1 };
        const keep = planRegion(
            inputs({ strategy: "backup-restore", role: "standby", isHome: false, recovery: { ...held, retire: "keep" } }),
        ).recovery;
        assert.deepEqual(
            keep.tiers.map((t) => [t.generation, t.superseded, t.protect]),
            [
                [1, true, true],
                [2, false, true],
            ],
        );
        const unprotect = planRegion(
            inputs({ strategy: "backup-restore", role: "standby", isHome: false, recovery: { ...held, retire: "unprotect" } }),
        ).recovery;
        assert.deepEqual(
            unprotect.tiers.map((t) => [t.generation, t.protect]),
            [
                [1, false],
                [2, true],
            ],
            "generation 2 is not home yet: never unprotected",
        );
        const del = planRegion(
            inputs({ strategy: "backup-restore", role: "standby", isHome: false, recovery: { ...held, retire: "delete" } }),
        ).recovery;
        assert.deepEqual([del.tiers.map((t) => t.generation), del.retired], [[2], [1]]);
    });

    it("a replicated strategy is refused while recovery tiers exist in the region", () => {
        const p = planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: false, recovery: { held: [1] } }));
        assert.equal(p.recovery.problems.length, 1);
        assert.match(p.recovery.problems[0], /^securecart:strategy: got "pilot-light"; this region holds backup-restore recovery tiers r1/);
        assert.deepEqual(planRegion(inputs({ strategy: "pilot-light", role: "standby", isHome: false })).recovery.problems, []);
    });

    it("recovery generations are read from cluster identifiers, and nothing else counts", () => {
        assert.deepEqual(
            heldGenerations("us-west-2", [
                "securecart-us-west-2-r2",
                "securecart-us-west-2",
                "securecart-us-west-2-r1",
                "securecart-us-east-1-r3",
                "securecart-us-west-2-r01",
                "securecart-us-west-2-rx",
                "securecart-us-west-2-r2",
            ]),
            [1, 2],
        );
        assert.equal(recoveryClusterId("us-west-2", 3), "securecart-us-west-2-r3");
        assert.equal(recoveryTableName("carts", 3), "securecart-carts-r3");
    });

    it("property: any order of failovers, failbacks, stack updates and retire steps loses no write and serves the newest data", () => {
        // A model of the two stacks' deployed state and of the data: every tier holds a set of writes; a restore
        // copies its source's writes; writes go to the live tier of the stack that last applied as primary.
        type StackName = "prod" | "dr";
        const step = fc.record({
            primary: fc.constantFrom<StackName>("prod", "dr"),
            apply: fc.constantFrom<StackName>("prod", "dr"),
            retire: fc.constantFrom<RetireStep>("keep", "keep", "unprotect", "delete"),
        });
        fc.assert(
            fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
                const tiers: Record<StackName, Map<number, { writes: Set<number>; protect: boolean }>> = {
                    prod: new Map([[0, { writes: new Set(), protect: true }]]),
                    dr: new Map(),
                };
                const deployed: Record<StackName, { live: number; generations: number[] }> = {
                    prod: { live: 0, generations: [] },
                    dr: { live: 0, generations: [] },
                };
                let writer: { stack: StackName; gen: number } = { stack: "prod", gen: 0 };
                const everything = new Set<number>();
                steps.forEach((st, n) => {
                    const s = st.apply;
                    const isHome = s === "prod";
                    const held = [...tiers[s].keys()].filter((g) => g > 0);
                    const plan = planRecovery({
                        strategy: "backup-restore",
                        role: st.primary === s ? "primary" : "standby",
                        isHome,
                        liveInstances: 2,
                        held,
                        retire: st.retire,
                        ...(isHome
                            ? { peers: [{ stack: "dr", region: "us-west-2", newest: Math.max(0, ...deployed.dr.generations) }] }
                            : { homeLive: deployed.prod.live }),
                    });
                    for (const g of plan.retired) {
                        const t = tiers[s].get(g)!;
                        // Pulumi stops on a protected resource: nothing is deleted then.
                        if (t.protect) return;
                    }
                    for (const g of plan.retired) {
                        const gone = tiers[s].get(g)!;
                        const elsewhere = [...tiers.prod.entries(), ...tiers.dr.entries()].filter(([, t]) => t !== gone);
                        for (const w of gone.writes)
                            assert.ok(
                                elsewhere.some(([, t]) => t.writes.has(w)),
                                `step ${n}: retiring r${g} in ${s} would lose write ${w}`,
                            );
                        tiers[s].delete(g);
                    }
                    for (const t of plan.tiers) {
                        if (t.created) {
                            const src = t.source.kind === "home" ? tiers.prod.get(t.source.generation) : tiers.dr.get(t.source.generation);
                            assert.ok(src, `step ${n}: r${t.generation} in ${s} restores from a tier that exists`);
                            tiers[s].set(t.generation, { writes: new Set(src.writes), protect: t.protect });
                        } else {
                            assert.ok(tiers[s].has(t.generation), `step ${n}: r${t.generation} is declared in ${s} only if it exists`);
                            tiers[s].get(t.generation)!.protect = t.protect;
                        }
                    }
                    // Every held tier is still declared unless retired.
                    for (const g of held)
                        assert.ok(plan.tiers.some((t) => t.generation === g) || plan.retired.includes(g), `step ${n}: r${g} in ${s} vanished`);
                    deployed[s] = { live: plan.liveGeneration, generations: plan.tiers.map((t) => t.generation) };
                    if (st.primary === s) {
                        // The newest data anywhere reaches the region that takes the writes (by restore, or already there).
                        const newestElsewhere = Math.max(0, ...[...tiers[isHome ? "dr" : "prod"].keys()]);
                        if (isHome)
                            assert.ok(
                                plan.liveGeneration >= newestElsewhere,
                                `step ${n}: prod serves r${plan.liveGeneration} while dr holds r${newestElsewhere}`,
                            );
                        writer = { stack: s, gen: plan.liveGeneration };
                    }
                    const w = tiers[writer.stack].get(writer.gen);
                    if (w) {
                        w.writes.add(n);
                        everything.add(n);
                    }
                });
                // No write is lost: every write is in some tier that still exists.
                const all = [...tiers.prod.values(), ...tiers.dr.values()];
                for (const w of everything)
                    assert.ok(
                        all.some((t) => t.writes.has(w)),
                        `write ${w} was lost`,
                    );
            }),
            { numRuns: 300 },
        );
    });

    it("the home stack keeps ownership of the global resources when it is demoted", () => {
        for (const strategy of STRATEGIES) {
            const p = planRegion(inputs({ strategy, role: "standby", isHome: true }));
            assert.equal(p.aurora.ownsGlobalCluster, true);
            assert.equal(p.dynamo.shape, "table");
        }
    });

    it("the edge stays with the home stack in every role and drill; every region keeps an asset bucket", () => {
        const roles = ["primary", "standby"] as const;
        const modes = ["planned", "unplanned"] as const;
        for (const strategy of STRATEGIES)
            for (const role of roles)
                for (const isHome of [true, false])
                    for (const failoverMode of modes)
                        for (const drill of ["none", "outage"] as const) {
                            const e = planRegion(inputs({ strategy, role, isHome, failoverMode, drill })).edge;
                            assert.equal(e.ownsGlobalEdge, isHome, `${strategy} ${role} home=${isHome}`);
                            assert.equal(e.assetBucket, true);
                        }
    });

    it("the order pipeline per strategy: only its queues in a backup-restore standby, consumers off in pilot light, reduced in warm standby, full in active-active", () => {
        // [exists, consumers on, concurrency share, global endpoint] of the standby (home stack demoted: isHome true).
        const standby: Record<string, [boolean, boolean, number, string]> = {
            "backup-restore": [false, false, 0, "none"],
            "pilot-light": [true, false, 0, "none"],
            "warm-standby": [true, true, cfg.capacity.warmStandbyFraction, "owner"],
            "active-active": [true, true, 1, "owner"],
        };
        for (const strategy of STRATEGIES) {
            const s = planRegion(inputs({ strategy, role: "standby", isHome: true })).pipeline;
            assert.deepEqual([s.exists, s.consumersEnabled, s.concurrencyShare, s.globalEndpoint], standby[strategy], strategy);
            assert.equal(s.reconcilerEnabled, false, `${strategy}: only the primary reconciles`);
            assert.equal(s.queues, true, `${strategy}: every region keeps the queues`);
            assert.equal(s.operationsShare, s.exists ? 1 : 0, `${strategy}: the DLQ watcher and thumbnailer run wherever the pipeline exists`);
            assert.equal(s.fulfilmentRequestsEnabled, false, `${strategy}: only the primary starts sagas on request`);
            assert.equal(planRegion(inputs({ strategy, role: "primary", isHome: false })).pipeline.fulfilmentRequestsEnabled, true, strategy);
            const p = planRegion(inputs({ strategy, role: "primary", isHome: false })).pipeline;
            assert.deepEqual([p.exists, p.consumersEnabled, p.concurrencyShare, p.reconcilerEnabled], [true, true, 1, true], strategy);
            assert.equal(
                p.globalEndpoint,
                standby[strategy][3] === "none" ? "none" : "member",
                `${strategy}: the endpoint stays with the home stack`,
            );
        }
    });

    it("the API exists wherever compute does, and a region that takes no traffic probes it so its VPC link never goes idle", () => {
        for (const strategy of STRATEGIES)
            for (const role of ["primary", "standby"] as const) {
                const p = planRegion(inputs({ strategy, role }));
                assert.equal(p.api.exists, p.computeExists, `${strategy} ${role}`);
                assert.equal(p.api.keepAliveProbe, p.computeExists && !p.serves, `${strategy} ${role}`);
            }
        assert.equal(planRegion(inputs({ strategy: "pilot-light", role: "standby" })).api.keepAliveProbe, true, "pilot light's idle standby");
        assert.equal(planRegion(inputs({ strategy: "backup-restore", role: "standby" })).api.exists, false, "no compute, no API");
        assert.equal(planRegion(inputs({ strategy: "active-active", role: "standby" })).api.keepAliveProbe, false, "it takes traffic");
    });

    it("sign-in: the home stack owns the pool; a replica wherever a live standby is kept, answering users where the region may serve at once; backup-restore exports users instead", () => {
        // [replica, replica active] of the non-home region, as standby and as primary.
        const want: Record<string, [[boolean, boolean], [boolean, boolean]]> = {
            "backup-restore": [
                [false, false],
                [false, false],
            ],
            "pilot-light": [
                [true, false],
                [true, true],
            ],
            "warm-standby": [
                [true, true],
                [true, true],
            ],
            "active-active": [
                [true, true],
                [true, true],
            ],
        };
        for (const strategy of STRATEGIES) {
            const standby = planRegion(inputs({ strategy, role: "standby", isHome: false })).identity;
            const promoted = planRegion(inputs({ strategy, role: "primary", isHome: false })).identity;
            assert.deepEqual(
                [
                    [standby.replica, standby.replicaActive],
                    [promoted.replica, promoted.replicaActive],
                ],
                want[strategy],
                strategy,
            );
            for (const role of ["primary", "standby"] as const) {
                const home = planRegion(inputs({ strategy, role, isHome: true })).identity;
                assert.deepEqual([home.ownsUserPool, home.replica], [true, false], `${strategy} ${role}: the home stack owns the pool`);
                assert.equal(home.replicates, strategy !== "backup-restore", `${strategy} ${role}: the home stack creates the replica`);
                assert.deepEqual([home.exportUsers, home.receivesExports], [strategy === "backup-restore", false], `${strategy} ${role}: exports`);
            }
            assert.equal(standby.ownsUserPool, false);
            assert.equal(standby.replicates, false);
            for (const p of [standby, promoted])
                assert.deepEqual([p.exportUsers, p.receivesExports], [false, strategy === "backup-restore"], strategy);
        }
    });

    it("each pipeline function's reserved concurrency: consumers at the plan's share (queue consumers at least 2), the DLQ watcher and thumbnailer whole wherever the pipeline exists", () => {
        const configured = { orderProcessor: 10, fulfilment: 10, notifier: 5, dlqWatcher: 2, thumbnailer: 5, orderReconciler: 1 };
        const of = (strategy: Strategy, warmStandbyFraction = 0.5) =>
            pipelineConcurrency(planPipeline(strategy, false, false, warmStandbyFraction), configured);
        assert.deepEqual(of("backup-restore"), { orderProcessor: 0, fulfilment: 0, notifier: 0, dlqWatcher: 0, thumbnailer: 0, orderReconciler: 0 });
        assert.deepEqual(of("pilot-light"), { orderProcessor: 0, fulfilment: 0, notifier: 0, dlqWatcher: 2, thumbnailer: 5, orderReconciler: 0 });
        assert.deepEqual(of("warm-standby"), { orderProcessor: 5, fulfilment: 5, notifier: 3, dlqWatcher: 2, thumbnailer: 5, orderReconciler: 1 });
        assert.deepEqual(of("warm-standby", 0.1), {
            orderProcessor: 2,
            fulfilment: 1,
            notifier: 2,
            dlqWatcher: 2,
            thumbnailer: 5,
            orderReconciler: 1,
        });
        assert.deepEqual(of("active-active"), configured);
    });

    it("property: scaled reserved concurrency is 0 only when consumers are off, at least its floor (1, or 2 for a queue consumer) otherwise, never above the configured value", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 2, max: 1000 }),
                fc.double({ min: 0, max: 1, noNaN: true }),
                fc.constantFrom(1, 2),
                (configured, share, floor) => {
                    const n = scaledConcurrency(configured, share, floor);
                    if (share <= 0) return n === 0;
                    return n >= floor && n <= configured && n >= configured * share;
                },
            ),
        );
    });

    it("only backup-restore's primary writes its standby's asset copy in a colder class (Standard-IA); every other writer, Standard", () => {
        for (const strategy of STRATEGIES)
            for (const role of ["primary", "standby"] as const) {
                const c = planRegion(inputs({ strategy, role })).edge.replicaStorageClass;
                assert.equal(c, strategy === "backup-restore" && role === "primary" ? "STANDARD_IA" : "STANDARD", `${strategy} ${role}`);
            }
    });

    it("the new primary moves the writer: switchover when planned, failover when unplanned; backup-restore restores instead", () => {
        assert.equal(planRegion(inputs({ strategy: "pilot-light", role: "primary", isHome: false })).writerMove, "switchover");
        assert.equal(
            planRegion(inputs({ strategy: "pilot-light", role: "primary", isHome: false, failoverMode: "unplanned" })).writerMove,
            "failover",
        );
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
        assert.equal(
            planRegion(inputs({ role: "standby", isHome: true, failoverMode: "unplanned" })).dns.forcedUnhealthy,
            "fenced-after-unplanned-failover",
        );
        assert.equal(planRegion(inputs({ role: "primary", isHome: false, failoverMode: "unplanned" })).dns.forcedUnhealthy, undefined);
        assert.equal(planRegion(inputs({ role: "primary", drill: "outage" })).dns.forcedUnhealthy, "outage-drill");
        assert.equal(planRegion(inputs({ role: "primary" })).dns.forcedUnhealthy, undefined);
    });
});

describe("strategy: warm-standby scale-down (property-based)", () => {
    it("runs at least 1 of each, never more than primary, and never exceeds max", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 50 }),
                fc.integer({ min: 0, max: 50 }),
                fc.integer({ min: 1, max: 100 }),
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
            ),
        );
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

describe("strategy: the cache and the shared file system (decided ahead of their components)", () => {
    const MODES = ["planned", "unplanned"] as const;

    it("the cache: a Global Datastore under warm standby and active-active (owned by the home stack, promoted by the primary's stack); a cold, minimal standby elsewhere", () => {
        for (const strategy of STRATEGIES)
            for (const primary of [true, false])
                for (const isHome of [true, false])
                    for (const mode of MODES) {
                        const c = planCache(strategy, primary, isHome, mode);
                        const global = strategy === "warm-standby" || strategy === "active-active";
                        const what = `${strategy} ${primary ? "primary" : "standby"} ${isHome ? "home" : "other"} ${mode}`;
                        assert.equal(c.mode, global ? "global" : "standalone", what);
                        // A Global Datastore's members all have the primary's node type; a cold standby is one minimal node.
                        assert.equal(c.size, global || primary ? "full" : "minimal", what);
                        assert.equal(c.ownsGlobalDatastore, global && isHome, what);
                        assert.equal(c.promote, global && primary ? (mode === "unplanned" ? "failover" : "switchover") : undefined, what);
                    }
    });

    it("the file system: the primary replicates into the standby's wherever data is kept warm (not while the other region is down), the new primary makes its own writable, backup-restore copies backups", () => {
        for (const strategy of STRATEGIES)
            for (const primary of [true, false])
                for (const mode of MODES) {
                    const f = planFiles(strategy, primary, mode);
                    const warm = strategy !== "backup-restore";
                    const what = `${strategy} ${primary ? "primary" : "standby"} ${mode}`;
                    assert.deepEqual(
                        [f.replicatesOut, f.replicaIn, f.backupCopies],
                        [warm && primary && mode === "planned", warm && !primary, primary],
                        what,
                    );
                    assert.equal(f.promote, warm && primary ? (mode === "unplanned" ? "failover" : "switchover") : undefined, what);
                }
    });

    it("property: in every strategy exactly one region of a pair writes the cache and the file system", () => {
        fc.assert(
            fc.property(fc.constantFrom(...STRATEGIES), fc.constantFrom(...MODES), (strategy: Strategy, mode) => {
                const regions = [true, false].map((primary) => ({
                    cache: planCache(strategy, primary, primary, mode),
                    files: planFiles(strategy, primary, mode),
                }));
                // The Global Datastore's primary, or the one full-size standalone cache, is in the primary region only.
                assert.equal(
                    regions.filter((r) => r.cache.promote !== undefined || (r.cache.mode === "standalone" && r.cache.size === "full")).length,
                    1,
                );
                // At most one file system is a replication destination, and never the primary's.
                assert.ok(regions.filter((r) => r.files.replicaIn).length <= 1);
                assert.ok(!regions[0].files.replicaIn);
            }),
        );
    });
});
