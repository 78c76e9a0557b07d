import { strict as assert } from "assert";
import { execFile } from "child_process";
import { promisify } from "util";
import { ResourceChange, diffPlans } from "../tools/diff";
import { DROPPED_MOVE_NOTE, Rehearsal, type StackPromotions, rehearsalJson, rehearse, renderRehearsal, splitStackScoped } from "../tools/drill";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { DELETE_IS_WARNING, STATEFUL_RULES, STATEFUL_TYPES, replaceReason } from "../src/replaceRules";
import { DYNAMIC, T } from "../src/plan";
import { mergeConfig } from "../src/configSource";
import { PIPELINE_FUNCTIONS, parseStackConfig } from "../src/config";
import { PROJECT_DIR, STRATEGIES, files, overrides, toolArgs } from "./helpers";
import { cachedPlanStacks } from "./planCache";

const HOME = "prod";
const DR_REGION = "us-west-2";

// Plans are deterministic; the same effective configuration is planned once for the whole run.
const plan = cachedPlanStacks;

function drill(base: string[], changes: string[], perStackChanges: Record<string, string[]> = {}): Promise<Rehearsal> {
    const per = Object.fromEntries(Object.entries(perStackChanges).map(([s, kv]) => [s, overrides(...kv)]));
    return rehearse({ files, base: overrides(...base), changes: overrides(...changes), perStackChanges: per, plan });
}

function assertSafe(r: Rehearsal, what: string): void {
    const bad = r.failures.map((f) => f.message);
    assert.deepEqual(bad, [], `${what}: no stateful resource may be replaced or deleted`);
    assert.equal(r.verdict, "pass");
    for (const d of r.stacks) {
        for (const c of d.changes) {
            if (!c.stateful) continue;
            assert.notEqual(c.op, "replace", `${what}: ${d.stack} replaces ${c.type} ${c.name}`);
            if (c.op === "delete") assert.ok(DELETE_IS_WARNING[c.type], `${what}: ${d.stack} deletes ${c.type} ${c.name}`);
        }
    }
}

const WRITER = "pulumi-nodejs:dynamic/securecart:GlobalWriter";

/** The GlobalWriter the DR stack registers after the change, checked against its own Aurora cluster. */
async function writerMoveInDr(changes: string[], mode: "switchover" | "failover", strategy: string): Promise<void> {
    const dr = (await plan({ files, overrides: overrides(`strategy=${strategy}`, ...changes) })).find((p) => p.stack === "dr")!;
    const writers = dr.resources.filter((r) => r.type === WRITER);
    if (strategy === "backup-restore") {
        assert.deepEqual(writers, [], "backup-restore has no replication: it restores instead of moving a writer");
        return;
    }
    assert.equal(writers.length, 1, "the new primary registers the writer move");
    const cluster = dr.resources.find((r) => r.type === "aws:rds/cluster:Cluster");
    assert.equal(writers[0].inputs.mode, mode);
    assert.equal(writers[0].inputs.targetClusterArn, cluster?.outputs.arn, "the writer moves to this stack's own cluster");
    assert.match(
        String(writers[0].inputs.__provider),
        /SwitchoverGlobalClusterCommand|FailoverGlobalClusterCommand/,
        "the serialized provider is registered",
    );
}

function changed(r: Rehearsal): number {
    return r.stacks.reduce((n, d) => n + d.changes.length, 0);
}

describe("drill rehearsal: every transition keeps every stateful resource", () => {
    for (const strategy of STRATEGIES) {
        describe(strategy, () => {
            const base = [`strategy=${strategy}`];
            const west = [...base, `primaryRegion=${DR_REGION}`];

            it("planned switchover to the DR region: the new primary goes first, nothing stateful replaced or deleted", async () => {
                const r = await drill(base, [`primaryRegion=${DR_REGION}`]);
                assertSafe(r, "switchover");
                assert.equal(r.order[0].stack, "dr", "the stack that becomes primary is applied first");
                assert.equal(r.order[0].roleAfter, "primary");
                assert.ok(changed(r) > 0, "a switchover changes something");
                const dr = r.stacks.find((d) => d.stack === "dr")!;
                assert.deepEqual([dr.before.role, dr.after.role], ["standby", "primary"]);
                await writerMoveInDr([`primaryRegion=${DR_REGION}`], "switchover", strategy);
            });

            it("failback to the home region: the same change in reverse, nothing else, is just as safe", async () => {
                const r = await drill(west, ["primaryRegion=us-east-1"]);
                assertSafe(r, "failback");
                assert.equal(r.order[0].stack, HOME);
            });

            it("unplanned failover: promoted with failover mode, old primary fenced, nothing stateful lost", async () => {
                const r = await drill(base, ["failoverMode=unplanned", `primaryRegion=${DR_REGION}`]);
                assertSafe(r, "unplanned failover");
                assert.equal(r.order[0].stack, "dr");
                assert.match(r.order[r.order.length - 1].reason, /fenced/);
                await writerMoveInDr(["failoverMode=unplanned", `primaryRegion=${DR_REGION}`], "failover", strategy);
            });

            // The outage drill matters where traffic is served: the primary, and every region under active-active.
            for (const stack of strategy === "active-active" ? ["prod", "dr"] : ["prod"]) {
                it(`outage drill on ${stack}, on and off: only its health check changes, it is inverted, then restored`, async () => {
                    const on = await drill(base, [], { [stack]: ["drill=outage"] });
                    assertSafe(on, "outage on");
                    const target = on.stacks.find((d) => d.stack === stack)!;
                    const others = on.stacks.filter((d) => d.stack !== stack);
                    assert.ok(
                        others.every((d) => d.changes.length === 0),
                        "other stacks are untouched",
                    );
                    const computeExists = !(strategy === "backup-restore" && stack === "dr");
                    if (!computeExists) return; // no ALB, so no health check to invert
                    assert.ok(
                        target.changes.every((c) => c.op === "update"),
                        "nothing is created, replaced or deleted",
                    );
                    const allowed = /^aws:(route53\/healthCheck|cloudwatch\/metricAlarm|route53recoverycontrol\/)/;
                    assert.deepEqual(
                        target.changes.filter((c) => !allowed.test(c.type)).map((c) => c.type),
                        [],
                        "only the health check (and its alarm's tags) change",
                    );
                    const hc = target.changes.find((c) => c.type === "aws:route53/healthCheck:HealthCheck");
                    assert.ok(hc, "the health check changes");
                    assert.deepEqual(
                        hc!.changes.find((p) => p.path === "invertHealthcheck"),
                        { path: "invertHealthcheck", before: false, after: true },
                    );

                    const off = await rehearse({
                        files,
                        base: overrides(...base),
                        perStackBase: { [stack]: overrides("drill=outage") },
                        perStackChanges: { [stack]: overrides("drill=none") },
                        plan,
                    });
                    assertSafe(off, "outage off");
                    const back = off.stacks.find((d) => d.stack === stack)!.changes.find((c) => c.type === "aws:route53/healthCheck:HealthCheck");
                    assert.deepEqual(
                        back!.changes.find((p) => p.path === "invertHealthcheck"),
                        { path: "invertHealthcheck", before: true, after: false },
                    );
                });
            }

            if (strategy === "backup-restore") {
                it("promotion restores a recovery tier in DR; failback as a plain change brings it home and deletes nothing", async () => {
                    const promote = await drill(base, [`primaryRegion=${DR_REGION}`]);
                    assertSafe(promote, "promotion");
                    const created = promote.stacks
                        .find((d) => d.stack === "dr")!
                        .changes.filter((c) => c.op === "create" && c.stateful)
                        .map((c) => c.type);
                    assert.ok(
                        created.includes("aws:rds/cluster:Cluster"),
                        `the promoted region restores an Aurora cluster (created: ${created.join(", ")})`,
                    );
                    const back = await drill(west, ["primaryRegion=us-east-1"]);
                    assertSafe(back, "failback");
                    assert.deepEqual(
                        back.warnings.filter((w) => w.type !== "aws:rds/clusterInstance:ClusterInstance"),
                        [],
                    );
                    assert.deepEqual(
                        back.restores.map((d) => d.stack),
                        ["prod"],
                        "the data comes home to prod",
                    );
                    assert.equal(back.restores[0].aurora.length, 1);
                    assert.equal(back.restores[0].tables.length, 6, "every global table, the order pipeline's included");
                    assert.match(
                        renderRehearsal(back),
                        /Data this change restores[\s\S]*prod \(us-east-1\): Aurora securecart-us-east-1-r1 ← .*securecart-us-west-2-r1/,
                    );
                });
            }
        });
    }
});

/** The three drills of a strategy: [what, base overrides, changes]. */
function transitionsOf(strategy: string): Array<[string, string[], string[]]> {
    const base = [`strategy=${strategy}`];
    return [
        ["planned switchover", base, [`primaryRegion=${DR_REGION}`]],
        ["failback", [...base, `primaryRegion=${DR_REGION}`], ["primaryRegion=us-east-1"]],
        ["unplanned failover", base, [`primaryRegion=${DR_REGION}`, "failoverMode=unplanned"]],
    ];
}

// Drill findings: logs an incident review needs, and container images, are state.
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const REPOSITORY = "aws:ecr/repository:Repository";

describe("drill rehearsal: log groups and ECR repositories outlive every role change", () => {
    for (const strategy of STRATEGIES) {
        const transitions = transitionsOf(strategy);
        for (const [what, b, c] of transitions) {
            it(`${strategy}, ${what}: no log group or repository is created, deleted or replaced`, async () => {
                const r = await drill(b, c);
                const touched = r.stacks.flatMap((d) =>
                    d.changes
                        // A new backup-restore recovery tier brings its own log group; nothing else may be created.
                        .filter(
                            (x) =>
                                (x.type === LOG_GROUP || x.type === REPOSITORY) &&
                                x.op !== "update" &&
                                !(x.op === "create" && x.name.includes("-recovery-r")),
                        )
                        .map((x) => `${d.stack}: ${x.op} ${x.type} ${x.name}`),
                );
                // Not even created: the groups exist in every region whatever its role, so a promotion finds them.
                assert.deepEqual(touched, [], `${strategy} ${what}`);
                assert.deepEqual(
                    r.failures.filter((f) => f.type === LOG_GROUP || f.type === REPOSITORY).map((f) => f.message),
                    [],
                );
            });
        }
    }

    for (const [type, what] of [
        [LOG_GROUP, "log group"],
        [REPOSITORY, "ECR repository"],
    ] as const) {
        it(`every ${what}, in every stack, strategy and role, is protected and retained on delete`, async () => {
            let seen = 0;
            for (const strategy of STRATEGIES) {
                for (const primary of ["us-east-1", DR_REGION]) {
                    for (const p of await plan({ files, overrides: overrides(`strategy=${strategy}`, `primaryRegion=${primary}`) })) {
                        for (const r of p.resources.filter((x) => x.type === type)) {
                            assert.ok(
                                r.protect && r.retainOnDelete,
                                `${strategy}, primary ${primary}: ${p.stack} ${r.type} ${r.name} must be protected and retained`,
                            );
                            seen++;
                        }
                    }
                }
            }
            assert.ok(seen > 0, `the plans hold at least one ${what}`);
        });
    }

    it("backup-restore: a standby already holds the services' log groups", async () => {
        const dr = (await plan({ files, overrides: overrides("strategy=backup-restore") })).find((p) => p.stack === "dr")!;
        const names = dr.resources.filter((r) => r.type === LOG_GROUP).map((r) => r.name);
        assert.ok(names.filter((n) => /-svc-.+-logs$/.test(n)).length >= 1, names.join(", "));
        assert.ok(!dr.resources.some((r) => r.type === "aws:ecs/cluster:Cluster"), "no compute in a backup-restore standby");
    });

    it("both are stateful types of the drill, with rules from the provider schema", () => {
        assert.ok(STATEFUL_TYPES.includes(LOG_GROUP) && STATEFUL_TYPES.includes(REPOSITORY));
        assert.ok(!DELETE_IS_WARNING[LOG_GROUP] && !DELETE_IS_WARNING[REPOSITORY], "deleting one fails the drill");
        const rule = (t: string) => STATEFUL_RULES.find((r) => r.type === t)!;
        assert.match(rule(LOG_GROUP).source, /internal\/service\/logs\/group\.go$/);
        assert.deepEqual(
            rule(LOG_GROUP)
                .properties.map((p) => p.name)
                .sort(),
            ["logGroupClass", "name", "namePrefix"],
        );
        assert.match(rule(REPOSITORY).source, /internal\/service\/ecr\/repository\.go$/);
        assert.deepEqual(
            rule(REPOSITORY)
                .properties.map((p) => p.name)
                .sort(),
            ["encryptionConfigurations", "name"],
        );
    });
});

// The edge and the static assets: the buckets and their replication are state, and the us-east-1 edge is never touched.
const ASSET_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
];
const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const EDGE_PARENT = /securecart:edge:Edge\$/;

describe("drill rehearsal: the edge and the asset buckets", () => {
    for (const strategy of STRATEGIES) {
        const transitions = transitionsOf(strategy);
        for (const [what, b, c] of transitions) {
            it(`${strategy}, ${what}: the edge is untouched; buckets, replication, distribution and web ACL are neither replaced nor deleted`, async () => {
                const r = await drill(b, c);
                assertSafe(r, `${strategy} ${what}`);
                const all = r.stacks.flatMap((d) => d.changes.map((x) => ({ stack: d.stack, ...x })));
                // Nothing the edge component owns (distribution, web ACL, certificate, logs in us-east-1) changes.
                assert.deepEqual(
                    all.filter((x) => EDGE_PARENT.test(x.urn)).map((x) => `${x.stack}: ${x.op} ${x.type} ${x.name}`),
                    [],
                );
                // The users' A/AAAA aliases to the distribution stay as they are.
                assert.deepEqual(
                    all
                        .filter((x) => x.type === "aws:route53/record:Record" && /-alias-(a|aaaa)$/.test(x.name))
                        .map((x) => `${x.stack}: ${x.op} ${x.name}`),
                    [],
                );
                // Asset buckets and their settings: at most the replicas' storage class is updated in place.
                const assets = all.filter((x) => ASSET_TYPES.includes(x.type));
                assert.deepEqual(
                    assets.filter((x) => x.op !== "update").map((x) => `${x.stack}: ${x.op} ${x.type} ${x.name}`),
                    [],
                );
                for (const x of assets) {
                    assert.equal(x.type, REPLICATION, `${x.stack}: ${x.type} ${x.name} changes`);
                    assert.deepEqual(
                        x.changes.map((p) => p.path),
                        ["rules[0].destination.storageClass"],
                    );
                }
                // backup-restore: the primary writes its replicas into the standby as STANDARD_IA, so both rules flip.
                if (strategy === "backup-restore") {
                    assert.deepEqual(assets.map((x) => x.stack).sort(), ["dr", "prod"]);
                    const toStandby = (stack: string) => assets.find((x) => x.stack === stack)!.changes[0].after;
                    const newPrimary = what === "failback" ? "prod" : "dr";
                    assert.equal(toStandby(newPrimary), "STANDARD_IA");
                    assert.equal(toStandby(newPrimary === "prod" ? "dr" : "prod"), "STANDARD");
                } else assert.deepEqual(assets, [], "the replica storage class does not follow the role");
                // Of the global records and checks, only health checks' flags change in place.
                for (const x of all.filter((y) => y.type === HEALTH_CHECK && y.op === "update"))
                    assert.deepEqual(
                        x.changes.map((p) => p.path).filter((p) => !["disabled", "invertHealthcheck"].includes(p)),
                        [],
                    );
            });
        }
    }

    it("the edge's distribution, web ACL and every asset-bucket setting are stateful, with deletion a failure", () => {
        for (const t of [...ASSET_TYPES, DISTRIBUTION, WEB_ACL]) {
            assert.ok(STATEFUL_TYPES.includes(t), t);
            assert.ok(!DELETE_IS_WARNING[t], t);
        }
    });
});

// The order pipeline: its queues hold orders and its idempotency table makes a replay harmless, so no role change
// touches them; consumers are switched on and off in place.
const QUEUE = "aws:sqs/queue:Queue";
const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const FUNCTION = "aws:lambda/function:Function";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const PIPELINE_PARENT = /securecart:pipeline:OrderPipeline\$/;

describe("drill rehearsal: the order pipeline", () => {
    for (const strategy of STRATEGIES) {
        for (const [what, b, c] of transitionsOf(strategy)) {
            it(`${strategy}, ${what}: no queue or table is touched, nothing of the pipeline is replaced, consumers switch in place`, async () => {
                const r = await drill(b, c);
                assertSafe(r, `${strategy} ${what}`);
                const all = r.stacks.flatMap((d) => d.changes.map((x) => ({ stack: d.stack, ...x })));
                const pipeline = all.filter((x) => PIPELINE_PARENT.test(x.urn));
                // Every transition moves something of the pipeline (at least the reconciler), so the filter matches.
                assert.ok(pipeline.length > 0, "the pipeline's changes are found by their parent");
                assert.deepEqual(
                    pipeline.filter((x) => x.op === "replace").map((x) => `${x.stack}: replace ${x.type} ${x.name}`),
                    [],
                );
                // The queues, their redrive settings and the log groups are there in every role, untouched.
                assert.deepEqual(
                    pipeline
                        .filter((x) => x.type === QUEUE || x.type === LOG_GROUP || /redrive/i.test(x.type))
                        .map((x) => `${x.stack}: ${x.op} ${x.name}`),
                    [],
                );
                // Their alarms too; only how a dead letter reaches people follows the role (page where the region
                // serves and consumes, notify elsewhere: src/strategy.ts planOperations), switched in place.
                for (const x of pipeline.filter((y) => y.type === ALARM)) {
                    assert.equal(x.op, "update", `${x.stack}: ${x.name}`);
                    assert.deepEqual(
                        x.changes
                            .map((p) => p.path)
                            .filter((p) => !/^(actionsEnabled|alarmActions\[\d+\]|okActions\[\d+\]|tags\.securecart:urgency)$/.test(p)),
                        [],
                        `${x.stack}: ${x.name}`,
                    );
                }
                // The idempotency records (and the orders) stay: a table is at most updated in place (backup-restore's
                // recoveries create restored copies beside them).
                assert.deepEqual(
                    all
                        .filter((x) => /dynamodb/.test(x.type) && /idempotency|orders/.test(x.name) && ["replace", "delete"].includes(x.op))
                        .map((x) => `${x.stack}: ${x.op} ${x.name}`),
                    [],
                );
                // Consumers switch on and off in place: a mapping's `enabled` and concurrency, a rule's `state`.
                for (const x of pipeline.filter((y) => y.type === ESM && y.op === "update"))
                    assert.deepEqual(
                        x.changes.map((p) => p.path).filter((p) => !/^(enabled|scalingConfig)/.test(p)),
                        [],
                        `${x.stack}: ${x.name}`,
                    );
                for (const x of pipeline.filter((y) => y.type === RULE && y.op === "update"))
                    assert.deepEqual(
                        x.changes.map((p) => p.path),
                        ["state"],
                        `${x.stack}: ${x.name}`,
                    );
                for (const x of pipeline.filter((y) => y.type === FUNCTION && y.op === "update"))
                    assert.deepEqual(
                        x.changes.map((p) => p.path),
                        ["reservedConcurrentExecutions"],
                        `${x.stack}: ${x.name}`,
                    );
                const ops = new Set(pipeline.map((x) => x.op));
                if (strategy === "backup-restore") {
                    // Only the primary runs the pipeline: the new primary creates it, the old one removes all but its queues.
                    assert.ok(!pipeline.some((x) => x.op === "update" && x.type === ESM), "nothing to switch: the pipeline is created or removed");
                    const newPrimary = what === "failback" ? "prod" : "dr";
                    const fns = (op: string) =>
                        pipeline
                            .filter((x) => x.type === FUNCTION && x.op === op)
                            .map((x) => x.stack)
                            .sort();
                    assert.deepEqual(
                        fns("create"),
                        PIPELINE_FUNCTIONS.map(() => newPrimary),
                        "the new primary creates every function",
                    );
                    assert.deepEqual(
                        fns("delete"),
                        PIPELINE_FUNCTIONS.map(() => (newPrimary === "prod" ? "dr" : "prod")),
                        "the old one deletes them",
                    );
                } else {
                    assert.ok(!ops.has("create") && !ops.has("delete"), `${strategy} ${what}: the pipeline exists in both regions: ${[...ops]}`);
                    if (strategy === "pilot-light") {
                        const esm = pipeline.filter((x) => x.type === ESM);
                        assert.deepEqual(
                            esm.map((x) => `${x.stack} ${x.changes.find((p) => p.path === "enabled")?.after}`).sort(),
                            what === "failback"
                                ? ["dr false", "dr false", "prod true", "prod true"]
                                : ["dr true", "dr true", "prod false", "prod false"],
                            "the new primary's consumers on, the old primary's off",
                        );
                    }
                }
            });
        }
    }

    it("a promotion's consumers are on before its DNS takes traffic: the region's DNS waits for the whole pipeline", async () => {
        const [prod] = await plan({ files, overrides: overrides("strategy=pilot-light") });
        const esms = prod.resources.filter((x) => x.type === ESM);
        const dns = prod.resources.find((x) => x.type === "securecart:dns:Dns")!;
        assert.equal(esms.length, 2);
        for (const esm of esms) assert.ok(dns.dependencies.includes(esm.urn), `the DNS component waits for ${esm.urn}`);
        const check = prod.resources.find((x) => x.type === HEALTH_CHECK && x.urn.includes("securecart:dns:Dns"))!;
        assert.ok(check, "the region's health check is the DNS component's");
    });

    it("queues are stateful and their deletion is a failure", () => {
        assert.ok(STATEFUL_TYPES.includes(QUEUE));
        assert.ok(!DELETE_IS_WARNING[QUEUE]);
    });
});

describe("drill rehearsal: sign-in and the API", () => {
    const POOL = "aws-native:cognito:UserPool";
    const REPLICA = "aws-native:cognito:UserPoolReplica";
    const STATUS = "pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus";
    for (const strategy of STRATEGIES) {
        for (const [what, b, c] of transitionsOf(strategy)) {
            it(`${strategy}, ${what}: the user pool and its replica are neither replaced nor deleted; the replica's status changes in place; no API piece is replaced`, async () => {
                const r = await drill(b, c);
                assertSafe(r, `${strategy} ${what}`);
                const all = r.stacks.flatMap((d) => d.changes.map((x) => ({ stack: d.stack, ...x })));
                assert.deepEqual(
                    all.filter((x) => x.type === POOL || x.type === REPLICA).map((x) => `${x.stack}: ${x.op} ${x.name}`),
                    [],
                    "the pool and the replica do not move with the roles",
                );
                const status = all.filter((x) => x.type === STATUS);
                for (const x of status) {
                    assert.equal(x.op, "update", `${x.stack}: ${x.name}`);
                    assert.deepEqual(
                        x.changes.map((p) => p.path),
                        ["status"],
                    );
                }
                // Pilot light: the promoted standby activates its replica, the failback stands it down again.
                if (strategy === "pilot-light")
                    assert.deepEqual(
                        status.map((x) => `${x.stack} ${String(x.changes[0].after)}`),
                        [`dr ${what === "failback" ? "INACTIVE" : "ACTIVE"}`],
                    );
                else assert.deepEqual(status, [], `${strategy}: the replica's status does not follow the roles`);
                assert.deepEqual(
                    all.filter((x) => /^aws:apigatewayv2\//.test(x.type) && x.op === "replace").map((x) => `${x.stack}: ${x.name}`),
                    [],
                );
            });
        }
    }
});

// The cache and the shared files: each region's replication group and file system exist in every role, and the
// Global Datastore lives in the home stack whatever its role, so no transition creates, replaces or deletes one; the
// primary moves with dynamic resources of the new primary's stack, and the old primary's stack drops its own.
const CACHE_GROUP = T.cacheReplicationGroup;
const DATASTORE = T.cacheGlobalDatastore;
const FILE_SYSTEM = T.fileSystem;
const EFS_REPLICATION = T.efsReplicationConfiguration;
const CACHE_PRIMARY = DYNAMIC.cachePrimary.token;
const FILES_PRIMARY = DYNAMIC.filesPrimary.token;
const FILES_REPLICATION = DYNAMIC.filesReplication.token;
const MOVES = [CACHE_PRIMARY, FILES_PRIMARY, FILES_REPLICATION];

/** The cache and file-system moves a primary declares under `strategy`, with `failoverMode`, as type tokens (sorted). */
function movesOfPrimary(strategy: string, unplanned: boolean): string[] {
    const global = strategy === "warm-standby" || strategy === "active-active";
    const replicated = strategy !== "backup-restore";
    return [
        ...(global ? [CACHE_PRIMARY] : []),
        ...(replicated ? [FILES_PRIMARY] : []),
        ...(replicated && !unplanned ? [FILES_REPLICATION] : []),
    ].sort();
}

describe("drill rehearsal: the cache and the shared files", () => {
    for (const strategy of STRATEGIES) {
        for (const [what, b, c] of transitionsOf(strategy)) {
            const unplanned = what === "unplanned failover";
            const newPrimary = what === "failback" ? HOME : "dr";
            const oldPrimary = newPrimary === HOME ? "dr" : HOME;
            it(`${strategy}, ${what}: no replication group, Global Datastore, file system or replication configuration is created, replaced or deleted; the new primary's stack declares its promotions, the old primary's drops its own (a move's delete makes no AWS call)`, async () => {
                const r = await drill(b, c);
                assertSafe(r, `${strategy} ${what}`);
                const all = r.stacks.flatMap((d) => d.changes.map((x) => ({ stack: d.stack, ...x })));
                const data = all.filter((x) => [CACHE_GROUP, DATASTORE, FILE_SYSTEM, EFS_REPLICATION].includes(x.type));
                assert.deepEqual(
                    data.filter((x) => x.op !== "update").map((x) => `${x.stack}: ${x.op} ${x.type} ${x.name}`),
                    [],
                );
                // In place, at most a cold cache resized: pilot light's and backup-restore's standby runs the minimal node type.
                const cold = strategy === "pilot-light" || strategy === "backup-restore";
                const cfg = (stack: string) => parseStackConfig("securecart", stack, mergeConfig(files, stack, overrides(...b, ...c))).cache;
                assert.notEqual(cfg(newPrimary).nodeType, cfg(newPrimary).coldNodeType, "the cold node type is another type");
                assert.deepEqual(
                    data
                        .map((x) => `${x.stack}: ${x.type} ${x.changes.map((p) => `${p.path} ${String(p.before)} → ${String(p.after)}`).join(", ")}`)
                        .sort(),
                    cold
                        ? [
                              `${HOME}: ${CACHE_GROUP} nodeType ${newPrimary === HOME ? `${cfg(HOME).coldNodeType} → ${cfg(HOME).nodeType}` : `${cfg(HOME).nodeType} → ${cfg(HOME).coldNodeType}`}`,
                              `dr: ${CACHE_GROUP} nodeType ${newPrimary === "dr" ? `${cfg("dr").coldNodeType} → ${cfg("dr").nodeType}` : `${cfg("dr").nodeType} → ${cfg("dr").coldNodeType}`}`,
                          ].sort()
                        : [],
                    cold
                        ? "the promoted region's cold cache grows in place, the demoted one shrinks in place (updates, never a replacement)"
                        : "members of a Global Datastore keep their size",
                );

                const moves = (stack: string, op: string) =>
                    all
                        .filter((x) => x.stack === stack && MOVES.includes(x.type) && x.op === op)
                        .map((x) => x.type)
                        .sort();
                assert.deepEqual(moves(newPrimary, "create"), movesOfPrimary(strategy, unplanned), "the new primary declares its promotions");
                assert.deepEqual(
                    moves(oldPrimary, "delete"),
                    movesOfPrimary(strategy, false),
                    "the old primary drops its moves: their delete makes no AWS call, so nothing moves back and no replication is cut",
                );
                assert.deepEqual(
                    all
                        .filter(
                            (x) =>
                                MOVES.includes(x.type) &&
                                !((x.stack === newPrimary && x.op === "create") || (x.stack === oldPrimary && x.op === "delete")),
                        )
                        .map((x) => `${x.stack}: ${x.op} ${x.name}`),
                    [],
                    "nothing else of the moves changes",
                );

                // What each move asks for: this region's own members, and the old primary's file system to replicate into.
                const plans = await plan({ files, overrides: overrides(...b, ...c) });
                const mine = plans.find((p) => p.stack === newPrimary)!;
                const theirs = plans.find((p) => p.stack === oldPrimary)!;
                const one = (p: StackPlan, t: string) => {
                    const rs = p.resources.filter((x) => x.type === t);
                    assert.ok(rs.length <= 1, `${p.stack}: at most one ${t}`);
                    return rs[0];
                };
                const mode = unplanned ? "failover" : "switchover";
                const cache = one(mine, CACHE_PRIMARY);
                if (cache) {
                    assert.deepEqual(cache.inputs.mode, mode);
                    assert.equal(cache.inputs.targetRegion, mine.region);
                    assert.equal(
                        cache.inputs.targetReplicationGroupId,
                        one(mine, CACHE_GROUP)!.inputs.replicationGroupId,
                        "this region's own group becomes the primary",
                    );
                    assert.equal(
                        cache.inputs.globalReplicationGroupId,
                        one(
                            plans.find((p) => p.stack === HOME)!,
                            DATASTORE,
                        )!.outputs.globalReplicationGroupId,
                    );
                }
                const filesPrimary = one(mine, FILES_PRIMARY);
                if (filesPrimary) {
                    assert.equal(filesPrimary.inputs.mode, mode);
                    assert.equal(filesPrimary.inputs.targetRegion, mine.region);
                    assert.equal(
                        filesPrimary.inputs.fileSystemId,
                        one(mine, FILE_SYSTEM)!.outputs.fileSystemId,
                        "this region's own file system becomes writable",
                    );
                }
                const replication = one(mine, FILES_REPLICATION);
                if (replication) {
                    assert.deepEqual(
                        [
                            replication.inputs.sourceFileSystemId,
                            replication.inputs.sourceRegion,
                            replication.inputs.destinationFileSystemId,
                            replication.inputs.destinationRegion,
                        ],
                        [one(mine, FILE_SYSTEM)!.outputs.fileSystemId, mine.region, one(theirs, FILE_SYSTEM)!.outputs.fileSystemId, theirs.region],
                        "the new primary's file system replicates into the old primary's existing one",
                    );
                }

                // The rehearsal names them, in words.
                const named = r.promotions.find((p) => p.stack === newPrimary);
                const kinds = (named?.steps ?? []).map((s) => s.kind).filter((k) => k !== "writer");
                assert.deepEqual(kinds, [
                    ...(cold ? ["cache-resize"] : []),
                    ...(strategy === "warm-standby" || strategy === "active-active" ? ["cache"] : []),
                    ...(strategy !== "backup-restore" ? ["files"] : []),
                    ...(strategy !== "backup-restore" && !unplanned ? ["files-replication"] : []),
                ]);
                assert.deepEqual(
                    r.promotions.filter((p) => p.stack === oldPrimary).flatMap((p) => p.steps),
                    [],
                    "the old primary promotes nothing",
                );
            });
        }
    }

    it("the cache's and the files' stateful resources are protected and retained in every plan; the Global Datastore ignores its primary", async () => {
        const seen = new Set<string>();
        for (const strategy of STRATEGIES) {
            for (const primary of ["us-east-1", DR_REGION]) {
                for (const p of await plan({ files, overrides: overrides(`strategy=${strategy}`, `primaryRegion=${primary}`) })) {
                    for (const r of p.resources.filter((x) => [CACHE_GROUP, DATASTORE, FILE_SYSTEM, T.secret].includes(x.type))) {
                        assert.ok(r.protect && r.retainOnDelete, `${strategy}, primary ${primary}: ${p.stack} ${r.type} ${r.name}`);
                        seen.add(r.type);
                    }
                    for (const g of p.resources.filter((x) => x.type === DATASTORE))
                        assert.ok(
                            g.ignoreChanges.includes("primaryReplicationGroupId"),
                            `${p.stack} ${g.name}: the provider reads the live primary back into this ForceNew property; a promotion must not plan a replacement`,
                        );
                }
            }
        }
        assert.deepEqual([...seen].sort(), [CACHE_GROUP, DATASTORE, FILE_SYSTEM, T.secret].sort(), "each type is planned somewhere");
        assert.ok(!STATEFUL_TYPES.some((t) => MOVES.includes(t)), "the moves are not state: dropping one is not a failure");
        for (const t of [CACHE_GROUP, DATASTORE, FILE_SYSTEM, EFS_REPLICATION, T.secret]) {
            assert.ok(STATEFUL_TYPES.includes(t), t);
            assert.ok(!DELETE_IS_WARNING[t], `${t}: deleting one fails the drill`);
        }
    });

    it("the promotions in the text and in --json: words per move, the old primary's dropped moves said to call nothing", async () => {
        const r = await drill(["strategy=warm-standby"], [`primaryRegion=${DR_REGION}`]);
        const dr = r.promotions.find((p) => p.stack === "dr")!;
        assert.deepEqual(
            dr.steps.map((s) => [s.kind, s.op, s.resource]),
            [
                ["writer", "create", "securecart-writer"],
                ["cache", "create", "securecart-cache-primary"],
                ["files", "create", "securecart-files-primary"],
                ["files-replication", "create", "securecart-files-replication"],
            ],
        );
        const plans = await plan({ files, overrides: overrides("strategy=warm-standby") });
        const fsOf = (stack: string) =>
            String(plans.find((p) => p.stack === stack)!.resources.find((x) => x.type === FILE_SYSTEM)!.outputs.fileSystemId);
        assert.match(fsOf("dr"), /^fs-/);
        const what = dr.steps.map((s) => s.what);
        assert.match(
            what[0],
            /^database: make securecart-us-west-2 the writer of the Aurora global database \S+ \(SwitchoverGlobalCluster to us-west-2, RPO 0\)$/,
        );
        assert.match(what[1], /^cache: make securecart-us-west-2 the Global Datastore \S+'s primary \(FailoverGlobalReplicationGroup in us-west-2; /);
        assert.equal(what[2], `files: make ${fsOf("dr")} writable (delete the replication into it, in us-west-2)`);
        assert.match(what[3], new RegExp(`^files: replicate ${fsOf("dr")} \\(us-west-2\\) into ${fsOf(HOME)} \\(us-east-1\\) `));
        const prod = r.promotions.find((p) => p.stack === HOME)!;
        assert.deepEqual(prod.steps, []);
        assert.deepEqual(prod.dropped.map((m) => m.kind).sort(), ["cache", "files", "files-replication", "writer"]);
        assert.deepEqual(
            r.promotions.map((p) => p.stack),
            r.order.map((s) => s.stack).filter((s) => r.promotions.some((p) => p.stack === s)),
            "in runbook order",
        );

        const out = renderRehearsal(r);
        assert.match(
            out,
            /Promotions this change makes[^\n]*\n {2}dr \(us-west-2\):\n {4}\+ {2}database: [^\n]*\n {4}\+ {2}cache: make securecart-us-west-2 the Global Datastore/,
        );
        assert.ok(
            out.includes(`    +  files: make ${fsOf("dr")} writable (delete the replication into it, in us-west-2)  [securecart-files-primary]`),
            out,
        );
        assert.match(
            out,
            / {2}prod \(us-east-1\):\n {4}- {2}[^\n]*securecart-cache-primary[^\n]*: dropped from the stack's state only: a move's delete makes no AWS call/,
        );
        const json = JSON.parse(JSON.stringify(rehearsalJson(r))) as {
            promotions: Array<Omit<StackPromotions, "dropped"> & { dropped: Array<{ kind: string; resource: string; note: string }> }>;
        };
        assert.deepEqual(
            json.promotions.map((p) => [p.stack, p.steps.length, p.dropped.length]),
            [
                ["dr", 4, 0],
                ["prod", 0, 4],
            ],
        );
        assert.equal(json.promotions[0].steps[2].what, what[2]);
        assert.ok(
            json.promotions[1].dropped.every((m) => m.note === DROPPED_MOVE_NOTE),
            "each dropped move carries the note",
        );
    });

    it("pilot light, unplanned: the cold cache's resize and the files' local promotion are named; no replication back, nothing else", async () => {
        const r = await drill(["strategy=pilot-light"], [`primaryRegion=${DR_REGION}`, "failoverMode=unplanned"]);
        const dr = r.promotions.find((p) => p.stack === "dr")!;
        const cfg = parseStackConfig("securecart", "dr", mergeConfig(files, "dr", overrides("strategy=pilot-light"))).cache;
        assert.deepEqual(
            dr.steps.map((s) => [s.kind, s.op]),
            [
                ["writer", "create"],
                ["cache-resize", "update"],
                ["files", "create"],
            ],
        );
        assert.equal(
            dr.steps[1].what,
            `cache: resize securecart-us-west-2 from ${cfg.coldNodeType} to ${cfg.nodeType} in place (ModifyReplicationGroup in us-west-2; it starts cold and warms from the databases)`,
        );
        assert.match(dr.steps[0].what, /FailoverGlobalCluster with AllowDataLoss, calling only us-west-2/);
        assert.match(dr.steps[2].what, /; this side only if the source's region cannot be reached\)$/);
        // The demoted region's cache shrinks in place too, but that is no promotion.
        assert.deepEqual(r.promotions.find((p) => p.stack === HOME)!.steps, []);
    });

    it("backup-restore: no cache or files promotion, only the cold cache resized", async () => {
        const r = await drill(["strategy=backup-restore"], [`primaryRegion=${DR_REGION}`]);
        assert.deepEqual(
            r.promotions.map((p) => [p.stack, p.steps.map((s) => s.kind), p.dropped.map((m) => m.kind)]),
            [["dr", ["cache-resize"], []]],
        );
    });
});

describe("drill rehearsal: identity changes fail and name the resource", () => {
    it("a table's hash key change replaces the table: verdict fail, naming the table and hashKey", async () => {
        const r = await drill([], ["tables[0].hashKey=x", "tables[0].attributes[0].name=x"]);
        assert.equal(r.verdict, "fail");
        const f = r.failures.find((x) => x.type === "aws:dynamodb/table:Table");
        assert.ok(f, r.failures.map((x) => x.message).join("\n"));
        assert.equal(f!.op, "replace");
        assert.equal(f!.property, "hashKey");
        assert.match(f!.message, /carts/);
        assert.match(f!.message, /urn:pulumi:prod::securecart::/);
    });

    it("a database name change fails, naming the Aurora cluster and databaseName", async () => {
        const r = await drill([], ["database.databaseName=other"]);
        assert.equal(r.verdict, "fail");
        const f = r.failures.find((x) => x.type === "aws:rds/cluster:Cluster");
        assert.ok(f, r.failures.map((x) => x.message).join("\n"));
        assert.equal(f!.property, "databaseName");
        assert.match(f!.message, /"securecart" → "other"/);
    });
});

describe("drill diff: one property at a time on real planned resources", () => {
    let home: StackPlan;
    before(async () => {
        home = (await plan({ files }, ["prod"]))[0];
    });

    const edit = (p: StackPlan, urnOf: (r: PlannedResource) => boolean, f: (r: PlannedResource) => PlannedResource | undefined): StackPlan => ({
        ...p,
        resources: p.resources.flatMap((r) => {
            if (!urnOf(r)) return [r];
            const n = f(r);
            return n ? [n] : [];
        }),
    });
    const ofType = (t: string) => (r: PlannedResource) => r.type === t;
    const only = (p: StackPlan, t: string) => p.resources.filter(ofType(t));
    const ops = (cs: readonly ResourceChange[]) => cs.map((c) => `${c.op} ${c.type}`);

    it("the same plan on both sides is no change at all", () => {
        const d = diffPlans(home, home);
        assert.deepEqual(d.changes, []);
    });

    it("a ForceNew property of a stateful type replaces it and fails, with the source of the rule", () => {
        const table = only(home, "aws:dynamodb/table:Table")[0];
        const after = edit(
            home,
            (r) => r.urn === table.urn,
            (r) => ({ ...r, inputs: { ...r.inputs, name: "renamed" } }),
        );
        const d = diffPlans(home, after);
        assert.deepEqual(ops(d.changes.filter((c) => c.stateful)), ["replace aws:dynamodb/table:Table"]);
        assert.equal(d.findings.length, 1);
        assert.equal(d.findings[0].level, "failure");
        assert.equal(d.findings[0].property, "name");
        assert.match(d.findings[0].message, /terraform-provider-aws internal\/service\/dynamodb\/table\.go/);
    });

    it("an updatable property of a stateful type is an in-place update, not a failure", () => {
        const cluster = only(home, "aws:rds/cluster:Cluster")[0];
        const after = edit(
            home,
            (r) => r.urn === cluster.urn,
            (r) => ({ ...r, inputs: { ...r.inputs, backupRetentionPeriod: 14 } }),
        );
        const d = diffPlans(home, after);
        assert.deepEqual(ops(d.changes), ["update aws:rds/cluster:Cluster"]);
        assert.deepEqual(
            d.changes[0].changes.map((c) => c.path),
            ["backupRetentionPeriod"],
        );
        assert.deepEqual(d.findings, []);
    });

    it("removing an Optional+Computed ForceNew property is no diff; setting it where it was unset may replace", () => {
        const key = only(home, "aws:kms/key:Key")[0];
        const withFlag = edit(
            home,
            (r) => r.urn === key.urn,
            (r) => ({ ...r, inputs: { ...r.inputs, multiRegion: true } }),
        );
        const without = edit(
            home,
            (r) => r.urn === key.urn,
            (r) => {
                const { multiRegion: _m, ...rest } = r.inputs;
                return { ...r, inputs: rest };
            },
        );
        assert.deepEqual(diffPlans(withFlag, without).changes, [], "the provider keeps the live value");
        const set = diffPlans(without, withFlag).changes.find((c) => c.urn === key.urn);
        assert.equal(set?.op, "replace", "the live value is unknown offline: the safe reading is a replacement");
        assert.match(set!.replaceReasons[0].why, /unless the live value already equals true/);
    });

    it("changing the region of a resource replaces it", () => {
        const vault = only(home, "aws:backup/vault:Vault")[0];
        const after = edit(
            home,
            (r) => r.urn === vault.urn,
            (r) => ({ ...r, inputs: { ...r.inputs, region: "eu-west-1" } }),
        );
        const d = diffPlans(home, after);
        assert.equal(d.changes[0].op, "replace");
        assert.equal(d.changes[0].replaceReasons[0].property, "region");
    });

    it("deleting an Aurora instance is a warning; deleting a table fails", () => {
        const inst = only(home, "aws:rds/clusterInstance:ClusterInstance")[0];
        const noInst = edit(
            home,
            (r) => r.urn === inst.urn,
            () => undefined,
        );
        const d1 = diffPlans(home, noInst);
        assert.deepEqual(
            d1.findings.map((f) => f.level),
            ["warning"],
        );
        assert.match(d1.findings[0].message, /holds no data/);
        const table = only(home, "aws:dynamodb/table:Table")[0];
        const d2 = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === table.urn,
                () => undefined,
            ),
        );
        assert.deepEqual(
            d2.findings.map((f) => [f.level, f.op]),
            [["failure", "delete"]],
        );
        assert.match(d2.findings[0].message, /retainOnDelete .*orphan/);
    });

    it("replacing the key a cluster is encrypted with replaces the cluster too (unknown ForceNew input)", () => {
        const cluster = only(home, "aws:rds/cluster:Cluster")[0];
        const keyUrn = (cluster.propertyDependencies.kmsKeyId ?? [])[0];
        const key = home.resources.find((r) => r.urn === keyUrn);
        assert.ok(key && key.type === "aws:kms/key:Key", "the cluster's kmsKeyId comes from the region's key");
        const after = edit(
            home,
            (r) => r.urn === keyUrn,
            (r) => ({ ...r, inputs: { ...r.inputs, keyUsage: "SIGN_VERIFY" } }),
        );
        const d = diffPlans(home, after);
        const c = d.changes.find((x) => x.urn === cluster.urn);
        assert.equal(c?.op, "replace");
        assert.match(c!.replaceReasons[0].why, /replaced resource/);
    });

    it("ignoreChanges hides an updatable change entirely", () => {
        const cluster = only(home, "aws:rds/cluster:Cluster")[0];
        const after = edit(
            home,
            (r) => r.urn === cluster.urn,
            (r) => ({ ...r, ignoreChanges: [...r.ignoreChanges, "backupRetentionPeriod"], inputs: { ...r.inputs, backupRetentionPeriod: 14 } }),
        );
        assert.deepEqual(diffPlans(home, after).changes, []);
    });

    it("an ECR repository is stateful: renaming replaces it and fails, deleting it fails", () => {
        const repo = only(home, REPOSITORY)[0];
        assert.ok(repo, "the home stack has a repository");
        const renamed = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === repo.urn,
                (r) => ({ ...r, inputs: { ...r.inputs, name: "renamed" } }),
            ),
        );
        assert.deepEqual(
            renamed.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "name"]],
        );
        assert.match(renamed.findings[0].message, /terraform-provider-aws internal\/service\/ecr\/repository\.go/);
        const reencrypted = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === repo.urn,
                (r) => ({ ...r, inputs: { ...r.inputs, encryptionConfigurations: [{ encryptionType: "AES256" }] } }),
            ),
        );
        assert.deepEqual(
            reencrypted.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "encryptionConfigurations"]],
        );
        const gone = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === repo.urn,
                () => undefined,
            ),
        );
        assert.deepEqual(
            gone.findings.map((f) => [f.level, f.op]),
            [["failure", "delete"]],
        );
        const mutable = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === repo.urn,
                (r) => ({ ...r, inputs: { ...r.inputs, imageTagMutability: "MUTABLE" } }),
            ),
        );
        assert.deepEqual(mutable.findings, [], "tag mutability changes in place");
    });

    it("a log group is stateful: its class replaces it and fails, its key changes in place, deleting it fails", () => {
        const group = only(home, LOG_GROUP)[0];
        const reclassed = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === group.urn,
                (r) => ({ ...r, inputs: { ...r.inputs, logGroupClass: "INFREQUENT_ACCESS" } }),
            ),
        );
        assert.deepEqual(
            reclassed.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "logGroupClass"]],
        );
        assert.match(reclassed.findings[0].message, /terraform-provider-aws internal\/service\/logs\/group\.go/);
        const rekeyed = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === group.urn,
                (r) => ({ ...r, inputs: { ...r.inputs, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/other" } }),
            ),
        );
        assert.deepEqual(
            rekeyed.changes.filter((c) => c.urn === group.urn).map((c) => c.op),
            ["update"],
        );
        assert.deepEqual(rekeyed.findings, []);
        const gone = diffPlans(
            home,
            edit(
                home,
                (r) => r.urn === group.urn,
                () => undefined,
            ),
        );
        assert.deepEqual(
            gone.findings.map((f) => [f.level, f.op]),
            [["failure", "delete"]],
        );
    });

    const named = (t: string, n: RegExp) => (r: PlannedResource) => r.type === t && n.test(r.name);
    /** The rehearsal's verdict on `base` edited by `f` where `match` holds. */
    const findingsOf = (base: StackPlan, match: (r: PlannedResource) => boolean, f: (r: PlannedResource) => PlannedResource | undefined) =>
        diffPlans(base, edit(base, match, f));

    it("asset replication: a new replica storage class is an update; another source bucket replaces it and fails; deleting it fails", async () => {
        // Planned with the other stack, so the home stack replicates into its bucket (the settled state).
        const home = (await plan({ files })).find((p) => p.stack === HOME)!;
        const repl = named(REPLICATION, /assets-replication$/);
        assert.ok(home.resources.some(repl), "the home stack replicates its asset bucket");
        const colder = findingsOf(home, repl, (r) => {
            const rules = JSON.parse(JSON.stringify(r.inputs.rules)) as { destination: { storageClass: string } }[];
            rules[0].destination.storageClass = "STANDARD_IA";
            return { ...r, inputs: { ...r.inputs, rules } };
        });
        assert.deepEqual(
            colder.changes.map((c) => [c.op, c.type]),
            [["update", REPLICATION]],
        );
        assert.deepEqual(colder.findings, []);
        const moved = findingsOf(home, repl, (r) => ({ ...r, inputs: { ...r.inputs, bucket: "another-bucket" } }));
        assert.deepEqual(
            moved.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "bucket"]],
        );
        assert.match(moved.findings[0].message, /internal\/service\/s3\/bucket_replication_configuration\.go/);
        const tokened = findingsOf(home, repl, (r) => ({ ...r, inputs: { ...r.inputs, token: "object-lock-token" } }));
        assert.deepEqual(tokened.findings, [], "the Object Lock token is not ForceNew");
        const gone = findingsOf(home, repl, () => undefined);
        assert.deepEqual(
            gone.findings.map((f) => [f.level, f.op, f.type]),
            [["failure", "delete", REPLICATION]],
        );
    });

    it("an asset bucket's versioning, encryption and logging are replaced only by another bucket; deleting one fails", () => {
        for (const t of ASSET_TYPES.filter((x) => x !== REPLICATION)) {
            const match = named(t, /^securecart-assets/);
            assert.ok(home.resources.some(match), `the home stack plans ${t} for its asset bucket`);
            const moved = findingsOf(home, match, (r) => ({ ...r, inputs: { ...r.inputs, bucket: "another-bucket" } }));
            assert.deepEqual(
                moved.findings.filter((f) => f.type === t).map((f) => [f.level, f.op, f.property]),
                [["failure", "replace", "bucket"]],
                t,
            );
            const gone = findingsOf(home, match, () => undefined);
            assert.deepEqual(
                gone.findings.map((f) => [f.level, f.op, f.type]),
                [["failure", "delete", t]],
                t,
            );
        }
    });

    it("the distribution: staging replaces it and fails; an origin known at preview is an update; an origin from a replaced resource replaces it", () => {
        const dist = named(DISTRIBUTION, /-cdn$/);
        assert.ok(home.resources.some(dist), "the home stack owns the distribution");
        const staged = findingsOf(home, dist, (r) => ({ ...r, inputs: { ...r.inputs, staging: true } }));
        assert.deepEqual(
            staged.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "staging"]],
        );
        const cheaper = findingsOf(home, dist, (r) => ({ ...r, inputs: { ...r.inputs, priceClass: "PriceClass_All" } }));
        assert.deepEqual(cheaper.findings, []);
        const reorigined = findingsOf(home, dist, (r) => {
            const origins = JSON.parse(JSON.stringify(r.inputs.origins)) as { connectionTimeout: number }[];
            origins[0].connectionTimeout = 5;
            return { ...r, inputs: { ...r.inputs, origins } };
        });
        assert.deepEqual(
            reorigined.changes.map((c) => c.op),
            ["update"],
        );
        // The origin-verify secret feeds an origin's custom header: a new secret is unknown until apply, and an
        // origin with an unknown value makes the provider replace the distribution (pulumi/pulumi-aws#5229).
        const secretUrn = (home.resources.find(dist)!.propertyDependencies.origins ?? []).find((u) => /randomPassword/.test(u));
        assert.ok(secretUrn, "the origins depend on the origin-verify secret");
        const rotated = findingsOf(
            home,
            (r) => r.urn === secretUrn,
            (r) => ({ ...r, inputs: { ...r.inputs, length: 48 } }),
        );
        const d = rotated.changes.find((c) => c.type === DISTRIBUTION && /-cdn$/.test(c.name));
        assert.equal(d?.op, "replace");
        assert.equal(d!.replaceReasons[0].property, "origins");
        assert.ok(rotated.findings.some((f) => f.type === DISTRIBUTION && f.op === "replace"));
    });

    it("the web ACL: its scope or name replaces it and fails; a new rate limit is an update", () => {
        const acl = named(WEB_ACL, /-waf$/);
        const regional = findingsOf(home, acl, (r) => ({ ...r, inputs: { ...r.inputs, scope: "REGIONAL" } }));
        assert.deepEqual(
            regional.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "scope"]],
        );
        assert.match(regional.findings[0].message, /internal\/service\/wafv2\/web_acl\.go/);
        const renamed = findingsOf(home, acl, (r) => ({ ...r, inputs: { ...r.inputs, name: "other" } }));
        assert.deepEqual(
            renamed.findings.map((f) => f.property),
            ["name"],
        );
        const limited = findingsOf(home, acl, (r) => {
            const rules = JSON.parse(JSON.stringify(r.inputs.rules)) as { statement: { rateBasedStatement?: { limit: number } } }[];
            const rate = rules.find((x) => x.statement.rateBasedStatement)!;
            rate.statement.rateBasedStatement!.limit = 500;
            return { ...r, inputs: { ...r.inputs, rules } };
        });
        assert.deepEqual(
            limited.changes.map((c) => c.op),
            ["update"],
        );
        assert.deepEqual(limited.findings, []);
    });

    it("a cache replication group: a new node type is an update; another KMS key or group id replaces it and fails; deleting it fails", () => {
        const group = named(T.cacheReplicationGroup, /-cache-rg$/);
        assert.ok(home.resources.some(group), "the home stack plans its cache");
        const resized = findingsOf(home, group, (r) => ({ ...r, inputs: { ...r.inputs, nodeType: "cache.t4g.micro", numCacheClusters: 1 } }));
        assert.deepEqual(
            resized.changes.map((c) => [c.op, c.type]),
            [["update", T.cacheReplicationGroup]],
        );
        assert.deepEqual(resized.findings, []);
        for (const [property, value] of [
            ["kmsKeyId", "arn:aws:kms:us-east-1:123456789012:key/other"],
            ["replicationGroupId", "securecart-other"],
            ["subnetGroupName", "other-subnets"],
            ["port", 7000],
        ] as const) {
            const moved = findingsOf(home, group, (r) => ({ ...r, inputs: { ...r.inputs, [property]: value } }));
            assert.deepEqual(
                moved.findings.map((f) => [f.level, f.op, f.property]),
                [["failure", "replace", property]],
                property,
            );
            assert.match(moved.findings[0].message, /internal\/service\/elasticache\/replication_group\.go/);
        }
        // The default port left out: the provider suppresses the diff.
        const noPort = findingsOf(home, group, (r) => {
            const { port: _p, ...rest } = r.inputs;
            return { ...r, inputs: rest };
        });
        assert.deepEqual(noPort.findings, []);
        assert.deepEqual(
            findingsOf(home, group, () => undefined).findings.map((f) => [f.level, f.op]),
            [["failure", "delete"]],
        );
    });

    it("the Global Datastore: its primary changed by the program is an identity change the program ignores (failure); without ignoreChanges, a replacement", () => {
        const gds = named(T.cacheGlobalDatastore, /-cache-global$/);
        assert.ok(home.resources.some(gds), "the home stack owns the Global Datastore");
        const other = "securecart-us-west-2";
        const ignored = findingsOf(home, gds, (r) => ({ ...r, inputs: { ...r.inputs, primaryReplicationGroupId: other } }));
        assert.deepEqual(
            ignored.findings.map((f) => [f.level, f.property]),
            [["failure", "primaryReplicationGroupId"]],
        );
        assert.match(ignored.findings[0].message, /ignores changes to primaryReplicationGroupId \(ignoreChanges\)/);
        const replaced = findingsOf(home, gds, (r) => ({
            ...r,
            ignoreChanges: r.ignoreChanges.filter((p) => p !== "primaryReplicationGroupId"),
            inputs: { ...r.inputs, primaryReplicationGroupId: other },
        }));
        assert.deepEqual(
            replaced.findings.map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "primaryReplicationGroupId"]],
        );
        assert.match(replaced.findings[0].message, /internal\/service\/elasticache\/global_replication_group\.go/);
        const described = findingsOf(home, gds, (r) => ({ ...r, inputs: { ...r.inputs, globalReplicationGroupDescription: "other" } }));
        assert.deepEqual(
            described.changes.map((c) => c.op),
            ["update"],
        );
        assert.deepEqual(described.findings, []);
    });

    it("a file system (aws-native): encryption or its key replaces it and fails; throughput is an update; its protection and replication are the moves' (ignored)", () => {
        const fs = named(T.fileSystem, /-files-fs$/);
        assert.ok(home.resources.some(fs), "the home stack plans its file system");
        const unencrypted = findingsOf(home, fs, (r) => ({ ...r, inputs: { ...r.inputs, encrypted: false } }));
        assert.deepEqual(
            unencrypted.findings.filter((f) => f.type === T.fileSystem).map((f) => [f.level, f.op, f.property]),
            [["failure", "replace", "encrypted"]],
        );
        assert.match(unencrypted.findings[0].message, /@pulumi\/aws-native 1\.79\.0 efs\/fileSystem\.js/);
        const rekeyed = findingsOf(home, fs, (r) => ({ ...r, inputs: { ...r.inputs, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/other" } }));
        assert.deepEqual(
            rekeyed.findings.filter((f) => f.type === T.fileSystem).map((f) => [f.op, f.property]),
            [["replace", "kmsKeyId"]],
        );
        const bursting = findingsOf(home, fs, (r) => ({ ...r, inputs: { ...r.inputs, throughputMode: "bursting" } }));
        assert.deepEqual(
            bursting.changes.map((c) => [c.op, c.type]),
            [["update", T.fileSystem]],
        );
        assert.deepEqual(bursting.findings, []);
        const replicating = findingsOf(home, fs, (r) => ({
            ...r,
            inputs: { ...r.inputs, fileSystemProtection: { replicationOverwriteProtection: "REPLICATING" } },
        }));
        assert.deepEqual(replicating.changes, [], "set by the moves inside pulumi up, never by a diff of the declaration");
    });

    it("an EFS replication configuration (never planned) is judged by its schema: every argument replaces it", () => {
        const dst = (fileSystemId: string) => [{ fileSystemId, region: "us-west-2" }];
        const r = replaceReason(T.efsReplicationConfiguration, "destination", dst("fs-0123456789abcdef0"), dst("fs-0fedcba9876543210"), "us-east-1");
        assert.match(r?.why ?? "", /destination .* \(ForceNew\)/);
        assert.match(r!.source, /internal\/service\/efs\/replication_configuration\.go/);
        assert.ok(replaceReason(T.efsReplicationConfiguration, "sourceFileSystemId", "fs-0123456789abcdef0", "fs-0fedcba9876543210", "us-east-1"));
        assert.equal(
            replaceReason(T.efsReplicationConfiguration, "sourceFileSystemId", "fs-0123456789abcdef0", "fs-0123456789abcdef0", "us-east-1"),
            undefined,
        );
    });

    it("every stateful type has a rule naming its source", () => {
        for (const t of STATEFUL_TYPES) {
            const rule = STATEFUL_RULES.find((r) => r.type === t);
            // @pulumi/aws and @pulumi/random rules cite the Terraform schema file; @pulumi/aws-native rules the generated class.
            // Either may name no replacing property at all (the user pool, the GuardDuty detector), and must then say why in a note.
            assert.ok(
                rule &&
                    (/hashicorp\/terraform-provider-(aws internal\/service|random internal\/provider)\//.test(rule.source) ||
                        /^pulumi\/pulumi-aws-native, @pulumi\/aws-native \d+\.\d+\.\d+ (cognito|efs)\/\w+\.js/.test(rule.source)) &&
                    (rule.properties.length > 0 || (rule.note ?? "").length > 0),
                t,
            );
        }
    });
});

describe("drill CLI", () => {
    const run = promisify(execFile);
    const drillCli = (...args: string[]) =>
        run(process.execPath, [...toolArgs("tools/drill.ts"), ...args], { cwd: PROJECT_DIR, maxBuffer: 64 << 20 }).then(
            (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
            (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
        );

    it("exits 1 with --json when a table would be replaced, and the JSON names the resource", async () => {
        const r = await drillCli("--stack", "prod", "-c", "tables[0].hashKey=x", "-c", "tables[0].attributes[0].name=x", "--json");
        assert.equal(r.code, 1, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.equal(doc.verdict, "fail");
        assert.equal(doc.stacks[0].replace[0].type, "aws:dynamodb/table:Table");
        assert.equal(doc.stacks[0].replace[0].forcedBy[0].property, "hashKey");
        assert.ok(doc.failures[0].urn.includes("dynamodb/table:Table"));
    });

    it("exits 2 without --stack or --all-stacks, and on a bad override", async () => {
        const a = await drillCli("-c", "primaryRegion=us-west-2");
        assert.equal(a.code, 2);
        assert.match(a.stderr, /--stack NAME .* or --all-stacks/);
        const b = await drillCli("--all-stacks", "-c", "strategy=hot-standby");
        assert.equal(b.code, 2);
        assert.match(b.stderr, /securecart:strategy/);
    });

    it("-c STACK/key=value applies to that stack only", () => {
        const s = splitStackScoped(
            ["--all-stacks", "-c", "dr/drill=outage", "--base=prod/drill=outage", "-c", "strategy=pilot-light"],
            ["prod", "dr"],
        );
        assert.deepEqual(s.rest, ["--all-stacks", "-c", "strategy=pilot-light"]);
        assert.deepEqual(Object.keys(s.changes), ["dr"]);
        assert.equal(s.changes.dr[0].key, "securecart:drill");
        assert.deepEqual(Object.keys(s.base), ["prod"]);
    });
});
