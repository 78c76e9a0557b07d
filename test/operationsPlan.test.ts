import { strict as assert } from "assert";
import * as fc from "fast-check";
import { ALARM_KINDS, type AlarmKind, planOperations, planRegion } from "../src/strategy";
import { STRATEGIES, strategyInputs } from "./helpers";

/** The operations plan of the home stack's region (prod), or of the other region, with `primary` as its role. */
const opsOf = (strategy: (typeof STRATEGIES)[number], primary: boolean, isHome = primary) =>
    planOperations(planRegion(strategyInputs({ strategy, role: primary ? "primary" : "standby", isHome })));

describe("operations groundwork: which alarms exist per strategy and role, and how they reach people", () => {
    it("the standby's serving path: a pilot-light standby's alarms exist but stay quiet, a warm standby notifies and pages when it cannot reach its count, a backup-restore standby has none", () => {
        const pilot = opsOf("pilot-light", false);
        assert.equal(pilot.alarms.regionServing, "quiet");
        assert.equal(pilot.alarms.asgBelowDesired, undefined, "nothing is desired: no 'below desired' alarm");
        assert.equal(pilot.alarms.servicesBelowDesired, undefined);
        const warm = opsOf("warm-standby", false);
        assert.deepEqual([warm.alarms.regionServing, warm.alarms.albErrors], ["notify", "notify"]);
        assert.deepEqual([warm.alarms.asgBelowDesired, warm.alarms.servicesBelowDesired], ["page", "page"], "the failover target cannot scale");
        const cold = opsOf("backup-restore", false);
        for (const k of ["regionServing", "albErrors", "asgBelowDesired", "servicesBelowDesired", "apiErrors", "auroraLoad"] as const)
            assert.equal(cold.alarms[k], undefined, k);
        // Every primary and every active-active region pages on its serving path.
        for (const s of STRATEGIES) assert.equal(opsOf(s, true).alarms.regionServing, "page", s);
        assert.equal(opsOf("active-active", false).alarms.regionServing, "page");
    });

    it("replication health is alarmed where it is received: the Aurora and cache secondaries, the file system's destination; backups where the plan runs", () => {
        const standby = (s: (typeof STRATEGIES)[number]) => opsOf(s, false).alarms;
        assert.deepEqual(
            STRATEGIES.map((s) => [standby(s).auroraReplicationLag, standby(s).cacheReplicationLag, standby(s).filesSyncAge]),
            [
                [undefined, undefined, undefined], // backup-restore: nothing replicates
                [undefined, undefined, "page"], // pilot light: a headless Aurora secondary (publishing unknown), a cold standalone cache
                ["page", "page", "page"],
                ["page", "page", "page"],
            ],
        );
        for (const s of STRATEGIES) {
            const p = opsOf(s, true).alarms;
            assert.deepEqual(
                [p.auroraReplicationLag, p.cacheReplicationLag, p.filesSyncAge, p.backupJobsFailed],
                [undefined, undefined, undefined, "page"],
                s,
            );
            assert.equal(standby(s).backupJobsFailed, undefined, s);
        }
    });

    it("the trail, the DR dashboard and the edge's alarms belong to the home stack whatever its role", () => {
        for (const s of STRATEGIES)
            for (const primary of [true, false])
                for (const isHome of [true, false]) {
                    const o = opsOf(s, primary, isHome);
                    assert.deepEqual([o.ownsTrail, o.ownsDrDashboard, o.edgeAlarms], [isHome, isHome, isHome], `${s} ${primary} ${isHome}`);
                }
    });

    it("fault injection has something to act on: tasks where some run, Aurora failover where a cluster has two instances", () => {
        assert.deepEqual(opsOf("pilot-light", false).faults, {
            stopTasks: false,
            azPowerInterruption: false,
            auroraFailover: false,
            subnetDisruption: false,
        });
        assert.deepEqual(opsOf("warm-standby", true).faults, {
            stopTasks: true,
            azPowerInterruption: true,
            auroraFailover: true,
            subnetDisruption: true,
        });
    });

    it("property: a region that neither serves nor runs capacity pages only for replication health and backups", () => {
        const replicationOrBackups: readonly AlarmKind[] = ["auroraReplicationLag", "cacheReplicationLag", "filesSyncAge", "backupJobsFailed"];
        fc.assert(
            fc.property(
                fc.constantFrom(...STRATEGIES),
                fc.boolean(),
                fc.boolean(),
                fc.double({ min: 0.01, max: 1, noNaN: true }),
                (strategy, primary, isHome, fraction) => {
                    const base = strategyInputs({ strategy, role: primary ? "primary" : "standby", isHome });
                    const plan = planRegion({ ...base, capacity: { ...base.capacity, warmStandbyFraction: fraction } });
                    const o = planOperations(plan);
                    for (const k of Object.keys(o.alarms)) assert.ok((ALARM_KINDS as readonly string[]).includes(k), k);
                    const running = plan.computeExists && (plan.web.desired > 0 || Object.values(plan.services).some((c) => c.desired > 0));
                    if (plan.serves || running) return;
                    const pages = Object.entries(o.alarms)
                        .filter(([, u]) => u === "page")
                        .map(([k]) => k as AlarmKind);
                    assert.deepEqual(
                        pages.filter((k) => !replicationOrBackups.includes(k)),
                        [],
                        `${strategy} ${primary ? "primary" : "standby"}`,
                    );
                },
            ),
        );
    });
});
