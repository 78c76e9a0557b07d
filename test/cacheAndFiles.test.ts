import { strict as assert } from "assert";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { DYNAMIC, T } from "../src/plan";
import { STRATEGIES, ofType, planAll } from "./helpers";

/**
 * The cache's and the shared files' shape in the offline plan, per strategy and primary region, written out
 * by hand (not read back from src/strategy.ts) so that a change of either shows here.
 */
type Side = "prod" | "dr";
interface Shape {
    /** The replication group's node type, or "member" (a Global Datastore secondary sets none). */
    readonly nodeType: string;
    readonly ownsDatastore: boolean;
    /** Declares the cache's promotion, in which mode. */
    readonly cachePrimary?: "switchover" | "failover";
    readonly filesPrimary?: "switchover" | "failover";
    /** Replicates its file system into the other stack's. */
    readonly replicatesOut: boolean;
    /** Its file system is in an AWS Backup plan (copied to the other region). */
    readonly backedUp: boolean;
    /** The sharing service's mount: read-only, read-write, or none (no compute). */
    readonly mount: "ro" | "rw" | "none";
}

const FULL = "cache.r7g.large";
const COLD = "cache.t4g.micro";
const primaryShape = (strategy: string, mode: "switchover" | "failover", owns: boolean): Shape => {
    const global = strategy === "warm-standby" || strategy === "active-active";
    const replicated = strategy !== "backup-restore";
    return {
        nodeType: global && !owns ? "member" : FULL,
        ownsDatastore: global && owns,
        cachePrimary: global ? mode : undefined,
        filesPrimary: replicated ? mode : undefined,
        replicatesOut: replicated && mode === "switchover",
        backedUp: true,
        mount: "rw",
    };
};
const standbyShape = (strategy: string, owns: boolean): Shape => {
    const global = strategy === "warm-standby" || strategy === "active-active";
    return {
        nodeType: global ? (owns ? FULL : "member") : COLD,
        ownsDatastore: global && owns,
        cachePrimary: undefined,
        filesPrimary: undefined,
        replicatesOut: false,
        backedUp: false,
        mount: strategy === "backup-restore" ? "none" : "ro",
    };
};

function shapeOf(p: StackPlan): Shape {
    const rg = ofType(p, T.cacheReplicationGroup);
    assert.equal(rg.length, 1, `${p.stack}: one replication group`);
    const mode = (r: PlannedResource[]) => (r.length ? (String(r[0].inputs.mode) as "switchover" | "failover") : undefined);
    const taskDef = ofType(p, T.taskDefinition).find((t) => String(t.name).includes("-catalog-"));
    const mounts = taskDef ? (JSON.parse(String(taskDef.inputs.containerDefinitions))[0].mountPoints ?? []) : [];
    const selections = ofType(p, T.backupSelection).filter((s) => (s.inputs.resources as string[]).some((a) => a.includes(":elasticfilesystem:")));
    return {
        nodeType: rg[0].inputs.globalReplicationGroupId !== undefined ? "member" : String(rg[0].inputs.nodeType),
        ownsDatastore: ofType(p, T.cacheGlobalDatastore).length === 1,
        cachePrimary: mode(ofType(p, DYNAMIC.cachePrimary.token)),
        filesPrimary: mode(ofType(p, DYNAMIC.filesPrimary.token)),
        replicatesOut: ofType(p, DYNAMIC.filesReplication.token).length === 1,
        backedUp: selections.length === 1,
        mount: !taskDef ? "none" : mounts.length !== 1 ? "none" : mounts[0].readOnly ? "ro" : "rw",
    };
}

describe("cache and shared files: shape per strategy and role, as planned", () => {
    for (const strategy of STRATEGIES)
        for (const [primary, mode] of [
            ["prod", "switchover"],
            ["dr", "switchover"],
            ["dr", "failover"],
        ] as const) {
            const region = primary === "prod" ? "us-east-1" : "us-west-2";
            const failoverMode = mode === "failover" ? "unplanned" : "planned";
            it(`${strategy}, ${primary} primary (${failoverMode})`, async () => {
                const plans = await planAll(`strategy=${strategy}`, `primaryRegion=${region}`, `failoverMode=${failoverMode}`);
                const of = (s: Side) => plans.find((p) => p.stack === s)!;
                for (const side of ["prod", "dr"] as const) {
                    const owns = side === "prod";
                    const want = side === primary ? primaryShape(strategy, mode, owns) : standbyShape(strategy, owns);
                    assert.deepEqual(shapeOf(of(side)), want, `${strategy}: ${side}`);
                }
                // The moves name the right things: this region's member, its file system, and the other's.
                const p = of(primary);
                const other = of(primary === "prod" ? "dr" : "prod");
                for (const c of ofType(p, DYNAMIC.cachePrimary.token)) {
                    assert.equal(c.inputs.targetReplicationGroupId, `securecart-${region}`);
                    assert.equal(c.inputs.targetRegion, region);
                    assert.equal(c.inputs.globalReplicationGroupId, plans.find((x) => x.stack === "prod")!.stackOutputs.cacheGlobalDatastoreId);
                }
                for (const r of ofType(p, DYNAMIC.filesReplication.token)) {
                    assert.equal(r.inputs.sourceFileSystemId, p.stackOutputs.fileSystemId);
                    assert.equal(r.inputs.destinationFileSystemId, other.stackOutputs.fileSystemId);
                    assert.equal(r.inputs.destinationRegion, other.region);
                }
                // A Global Datastore secondary sets none of what it inherits (terraform-provider-aws refuses them).
                for (const rg of [...ofType(p, T.cacheReplicationGroup), ...ofType(other, T.cacheReplicationGroup)])
                    if (rg.inputs.globalReplicationGroupId !== undefined)
                        for (const k of [
                            "engine",
                            "engineVersion",
                            "nodeType",
                            "atRestEncryptionEnabled",
                            "transitEncryptionEnabled",
                            "parameterGroupName",
                        ])
                            assert.equal(rg.inputs[k], undefined, `${k} on a secondary`);
            });
        }
});
