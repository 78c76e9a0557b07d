import { strict as assert } from "assert";
import { PlannedResource, StackPlan, planStacks } from "../tools/planner";
import { backupSchedule } from "../components/backup";
import { allowedOutsideStackRegion } from "../src/crossRegion";
import { STRATEGIES, configProblems, files, ofType, overrides, planAll, planOf } from "./helpers";

const T = {
    global: "aws:rds/globalCluster:GlobalCluster",
    cluster: "aws:rds/cluster:Cluster",
    instance: "aws:rds/clusterInstance:ClusterInstance",
    table: "aws:dynamodb/table:Table",
    replica: "aws:dynamodb/tableReplica:TableReplica",
    vault: "aws:backup/vault:Vault",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    secret: "aws:secretsmanager/secret:Secret",
    key: "aws:kms/key:Key",
    replicaKey: "aws:kms/replicaKey:ReplicaKey",
};
/** Resources that hold data or protect it: they must be protected, retained, encrypted and regional. */
const STATEFUL = [T.global, T.cluster, T.table, T.replica, T.vault, T.secret, T.key, T.replicaKey];
const TABLES = ["carts", "sessions", "orders", "idempotency", "inventory", "ledger"];
const HOME = "prod";
const OTHER = "dr";
const PRIMARY_CHOICES = [
    ["us-east-1", "home primary"],
    ["us-west-2", "drill: dr primary"],
] as const;

const dataKey = (p: StackPlan) => String(p.stackOutputs.dataKeyArn);
const pick = (p: StackPlan, name: string) => p.resources.find((r) => r.name === name);
const instancesOf = (p: StackPlan, cluster: PlannedResource) =>
    ofType(p, T.instance).filter((i) => i.inputs.clusterIdentifier === cluster.inputs.clusterIdentifier);

/**
 * The issue's table, written out: what each stack's data tier holds, per strategy, when the home region is
 * primary. `instances` counts the cluster's instances; `replicas` the TableReplicas; `plans` the backup plans.
 */
const EXPECTED: Record<
    string,
    Record<string, { cluster: "member" | "none"; instances: number; forwarding: boolean; tables: number; replicas: number; plans: number }>
> = {
    "backup-restore": {
        prod: { cluster: "member", instances: 2, forwarding: false, tables: TABLES.length, replicas: 0, plans: 3 },
        dr: { cluster: "none", instances: 0, forwarding: false, tables: 0, replicas: 0, plans: 0 },
    },
    "pilot-light": {
        prod: { cluster: "member", instances: 2, forwarding: false, tables: TABLES.length, replicas: 0, plans: 3 },
        dr: { cluster: "member", instances: 0, forwarding: false, tables: 0, replicas: TABLES.length, plans: 0 },
    },
    "warm-standby": {
        prod: { cluster: "member", instances: 2, forwarding: false, tables: TABLES.length, replicas: 0, plans: 3 },
        dr: { cluster: "member", instances: 1, forwarding: false, tables: 0, replicas: TABLES.length, plans: 0 },
    },
    "active-active": {
        prod: { cluster: "member", instances: 2, forwarding: false, tables: TABLES.length, replicas: 0, plans: 3 },
        dr: { cluster: "member", instances: 2, forwarding: true, tables: 0, replicas: TABLES.length, plans: 0 },
    },
};

describe("data tier: shapes per strategy and role", () => {
    for (const strategy of STRATEGIES) {
        for (const stack of [HOME, OTHER]) {
            const e = EXPECTED[strategy][stack];
            it(`${strategy}: ${stack} (${stack === HOME ? "primary" : "standby"}) holds ${e.cluster === "none" ? "no cluster" : `a cluster with ${e.instances} instance(s)`}, ${e.tables} table(s), ${e.replicas} replica(s), ${e.plans} backup plan(s)`, async () => {
                const plan = await planOf(stack, `strategy=${strategy}`);
                const clusters = ofType(plan, T.cluster);
                if (e.cluster === "none") {
                    assert.equal(clusters.length, 0);
                } else {
                    assert.equal(clusters.length, 1);
                    assert.equal(clusters[0].inputs.clusterIdentifier, `securecart-${plan.region}`);
                    assert.equal(instancesOf(plan, clusters[0]).length, e.instances);
                    assert.equal(Boolean(clusters[0].inputs.enableGlobalWriteForwarding), e.forwarding);
                }
                assert.equal(ofType(plan, T.instance).length, e.instances);
                assert.equal(ofType(plan, T.table).length, e.tables);
                assert.equal(ofType(plan, T.replica).length, e.replicas);
                assert.equal(ofType(plan, T.plan).length, e.plans);
                assert.equal(ofType(plan, T.vault).length, 1, "every region has a vault");
            });
        }
    }

    it("pilot light: the standby cluster is headless but joined to the home stack's global cluster", async () => {
        const [home, dr] = await Promise.all([planOf(HOME, "strategy=pilot-light"), planOf(OTHER, "strategy=pilot-light")]);
        const global = ofType(home, T.global)[0];
        const c = ofType(dr, T.cluster)[0];
        assert.equal(c.inputs.globalClusterIdentifier, global.outputs.id ?? global.inputs.globalClusterIdentifier);
        assert.equal(c.inputs.globalClusterIdentifier, home.stackOutputs.globalClusterIdentifier, "read through the StackReference, not invented");
        assert.equal(ofType(dr, T.instance).length, 0);
    });

    it("the primary cluster's writer and readers sit in different AZs of the stack's region", async () => {
        const plan = await planOf(HOME, "strategy=warm-standby", "database.readers=2");
        const azs = ofType(plan, T.instance).map((i) => String(i.inputs.availabilityZone));
        assert.equal(azs.length, 3);
        assert.equal(new Set(azs).size, 3);
        for (const az of azs) assert.ok(az.startsWith(plan.region), az);
        assert.deepEqual(
            ofType(plan, T.instance).map((i) => i.inputs.promotionTier),
            [0, 1, 2],
        );
    });

    it("instance class, engine version and retention come from config, the same in every region", async () => {
        const plans = await planAll("strategy=active-active", "database.instanceClass=db.r7g.xlarge", "database.backupRetentionDays=14");
        for (const p of plans) {
            for (const i of ofType(p, T.instance)) assert.equal(i.inputs.instanceClass, "db.r7g.xlarge");
            for (const c of ofType(p, T.cluster)) {
                assert.equal(c.inputs.engine, "aurora-postgresql");
                assert.equal(c.inputs.engineVersion, "16.6");
                assert.equal(c.inputs.backupRetentionPeriod, 14);
            }
        }
        assert.equal(ofType(plans[0], T.global)[0].inputs.engineVersion, "16.6");
    });
});

describe("data tier: ownership", () => {
    for (const strategy of STRATEGIES) {
        for (const [primaryRegion, label] of PRIMARY_CHOICES) {
            it(`${strategy}, ${label}: only the home stack owns the GlobalCluster and the base tables`, async () => {
                const [home, dr] = await Promise.all([
                    planOf(HOME, `strategy=${strategy}`, `primaryRegion=${primaryRegion}`),
                    planOf(OTHER, `strategy=${strategy}`, `primaryRegion=${primaryRegion}`),
                ]);
                assert.equal(ofType(home, T.global).length, 1);
                assert.deepEqual(
                    ofType(home, T.table)
                        .map((t) => t.inputs.name)
                        .sort(),
                    TABLES.map((t) => `securecart-${t}`).sort(),
                );
                for (const t of ofType(home, T.table)) assert.equal(t.inputs.restoreSourceTableArn, undefined, "the base table is not a restore");
                assert.equal(ofType(dr, T.global).length, 0, "a non-home stack never owns the GlobalCluster");
                // The only tables a non-home stack may hold are restores (backup-restore promotion), never a base table.
                for (const t of ofType(dr, T.table)) assert.ok(t.inputs.restoreSourceTableArn, `${t.name} is a restore`);
                assert.equal(ofType(home, T.replica).length, 0, "the home stack never holds a replica");
            });
        }

        if (strategy !== "backup-restore") {
            it(`${strategy}: a drill (primaryRegion=us-west-2) changes roles, never the identity of a stateful resource`, async () => {
                for (const stack of [HOME, OTHER]) {
                    const before = await planOf(stack, `strategy=${strategy}`);
                    const after = await planOf(stack, `strategy=${strategy}`, "primaryRegion=us-west-2");
                    const ids = (p: StackPlan) =>
                        p.resources
                            .filter((r) => STATEFUL.includes(r.type))
                            .map((r) => `${r.urn} ${String(r.inputs.clusterIdentifier ?? r.inputs.name ?? r.inputs.globalClusterIdentifier ?? "")}`)
                            .sort();
                    assert.deepEqual(ids(after), ids(before), stack);
                    // Creation-only arguments stay as they were (ignored anyway), so nothing is replaced.
                    const c0 = ofType(before, T.cluster)[0];
                    const c1 = ofType(after, T.cluster)[0];
                    for (const k of ["clusterIdentifier", "masterUsername", "databaseName", "kmsKeyId", "engineVersion", "globalClusterIdentifier"]) {
                        assert.deepEqual(c1.inputs[k], c0.inputs[k], `${stack} cluster ${k}`);
                    }
                }
            });
        }
    }

    it("the home stack's tables ignore `replicas`, so its updates never remove replicas made elsewhere", async () => {
        for (const strategy of STRATEGIES) {
            const home = await planOf(HOME, `strategy=${strategy}`);
            const tables = ofType(home, T.table);
            assert.equal(tables.length, TABLES.length);
            for (const t of tables) {
                assert.ok(t.ignoreChanges.includes("replicas"), `${strategy} ${t.name}`);
                assert.equal(t.inputs.replicas, undefined, "replicas are never declared on the base table");
            }
        }
    });

    it("replicas point at the home stack's table ARNs (from its StackReference) and use this region's key", async () => {
        const [home, dr] = await planAll("strategy=warm-standby");
        const homeArns = home.stackOutputs.tableArns as Record<string, string>;
        assert.deepEqual(Object.keys(homeArns).sort(), [...TABLES].sort());
        const replicas = ofType(dr, T.replica);
        assert.deepEqual(replicas.map((r) => r.inputs.globalTableArn).sort(), Object.values(homeArns).sort());
        for (const r of replicas) {
            assert.equal(r.inputs.kmsKeyArn, dataKey(dr));
            assert.equal(r.inputs.pointInTimeRecovery, true);
        }
        assert.ok(ofType(dr, "pulumi:pulumi:StackReference").length === 1);
    });

    it("secondaries ignore replicationSourceIdentifier and globalClusterIdentifier, so no update detaches or promotes them", async () => {
        for (const strategy of ["pilot-light", "warm-standby", "active-active"]) {
            for (const p of await planAll(`strategy=${strategy}`)) {
                for (const c of ofType(p, T.cluster)) {
                    for (const k of ["replicationSourceIdentifier", "globalClusterIdentifier"])
                        assert.ok(c.ignoreChanges.includes(k), `${strategy} ${p.stack} ${k}`);
                    assert.ok(c.inputs.globalClusterIdentifier, "every member names the global cluster");
                    assert.equal(c.inputs.replicationSourceIdentifier, undefined);
                }
            }
        }
    });
});

describe("data tier: protection, encryption, region", () => {
    for (const strategy of STRATEGIES) {
        for (const [primaryRegion, label] of PRIMARY_CHOICES) {
            it(`${strategy}, ${label}: every stateful resource is protected, retained, under the region's key and in the stack's region`, async () => {
                for (const p of await planAll(`strategy=${strategy}`, `primaryRegion=${primaryRegion}`)) {
                    const key = dataKey(p);
                    assert.match(key, new RegExp(`^arn:aws:kms:${p.region}:\\d{12}:key/mrk-`), "a multi-Region key in this region");
                    const stateful = p.resources.filter((r) => STATEFUL.includes(r.type));
                    assert.ok(stateful.length >= 3, `${p.stack}: ${stateful.length}`);
                    for (const r of stateful) {
                        assert.ok(r.protect && r.retainOnDelete, `${p.stack} ${r.name} protected and retained`);
                        const prov = p.resources.find((x) => x.urn === r.provider);
                        assert.equal(prov?.inputs.region, p.region, `${r.name} provider region`);
                        // Or a listed exception, each with its reason (src/crossRegion.ts: e.g. the key of a stack's us-east-1 alarm topics).
                        const where = r.inputs.region;
                        assert.ok(
                            where === undefined || where === p.region || allowedOutsideStackRegion(r.type, String(where), r.inputs),
                            `${r.name} region`,
                        );
                    }
                    for (const c of ofType(p, T.cluster)) {
                        assert.equal(c.inputs.storageEncrypted, true);
                        assert.equal(c.inputs.kmsKeyId, key, c.name);
                        assert.equal(c.inputs.deletionProtection, true);
                        assert.equal(c.inputs.copyTagsToSnapshot, true);
                        assert.equal(c.inputs.iamDatabaseAuthenticationEnabled, true);
                        assert.deepEqual(c.inputs.enabledCloudwatchLogsExports, ["postgresql"]);
                        assert.ok(Number(c.inputs.backupRetentionPeriod) >= 7);
                    }
                    for (const i of ofType(p, T.instance)) {
                        assert.equal(i.inputs.performanceInsightsEnabled, true);
                        assert.equal(i.inputs.performanceInsightsKmsKeyId, key, i.name);
                        assert.equal(i.inputs.publiclyAccessible, false);
                    }
                    for (const g of ofType(p, T.global)) assert.equal(g.inputs.storageEncrypted, true);
                    for (const t of ofType(p, T.table)) {
                        assert.deepEqual(t.inputs.serverSideEncryption, { enabled: true, kmsKeyArn: key }, t.name);
                        assert.deepEqual(t.inputs.pointInTimeRecovery, { enabled: true });
                        assert.equal(t.inputs.deletionProtectionEnabled, true);
                        assert.equal(t.inputs.streamViewType, "NEW_AND_OLD_IMAGES");
                    }
                    for (const r of ofType(p, T.replica)) assert.equal(r.inputs.kmsKeyArn, key);
                    for (const v of ofType(p, T.vault)) {
                        assert.equal(v.inputs.kmsKeyArn, key);
                        assert.equal(v.inputs.name, `securecart-${p.region}`);
                    }
                    for (const s of ofType(p, T.secret)) assert.equal(s.inputs.kmsKeyId, key);
                }
            });
        }
    }

    it("the master credentials live only with the founding (home) cluster, replicated to every other region under its key", async () => {
        const [home, dr] = await planAll("strategy=warm-standby");
        const hc = ofType(home, T.cluster)[0];
        assert.equal(hc.inputs.masterUsername, "securecart_admin");
        assert.equal(hc.inputs.masterPasswordWo, "[secret]");
        assert.equal(hc.inputs.manageMasterUserPassword, undefined, "RDS-managed passwords are not supported in a global database");
        const dc = ofType(dr, T.cluster)[0];
        for (const k of ["masterUsername", "masterPasswordWo", "databaseName"]) assert.equal(dc.inputs[k], undefined, `secondary ${k}`);
        const secrets = ofType(home, T.secret);
        assert.equal(secrets.length, 1);
        assert.equal(ofType(dr, T.secret).length, 0);
        const replicas = secrets[0].inputs.replicas as Array<{ region: string; kmsKeyId: string }>;
        assert.deepEqual(replicas, [{ region: dr.region, kmsKeyId: dataKey(dr) }], "the replica uses dr's replica of the same multi-Region key");
    });

    it("the database accepts PostgreSQL from the app tier's security groups only", async () => {
        for (const p of await planAll("strategy=warm-standby")) {
            const cluster = ofType(p, T.cluster)[0];
            const sgIds = cluster.inputs.vpcSecurityGroupIds as string[];
            assert.equal(sgIds.length, 1);
            const rules = ofType(p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === sgIds[0]);
            assert.ok(rules.length >= 1);
            assert.ok(
                rules.every((r) => r.name.startsWith("securecart-db-in-app-")),
                "only the data tier's own rules",
            );
            const app = p.stackOutputs.appSecurityGroupIds as string[];
            for (const r of rules) {
                assert.equal(r.inputs.fromPort, 5432);
                assert.equal(r.inputs.toPort, 5432);
                assert.equal(r.inputs.cidrIpv4, undefined);
                assert.ok(app.includes(String(r.inputs.referencedSecurityGroupId)), "from an app-tier group");
            }
            const subnets = ofType(p, "aws:ec2/subnet:Subnet")
                .filter((s) => (s.inputs.tags as Record<string, string>).tier === "private-data")
                .map((s) => String(s.outputs.arn).split("/").pop());
            assert.deepEqual([...(pick(p, "securecart-db-subnets")!.inputs.subnetIds as string[])].sort(), subnets.sort());
        }
    });
});

describe("data tier: backups", () => {
    for (const strategy of STRATEGIES) {
        for (const [primaryRegion, label] of PRIMARY_CHOICES) {
            it(`${strategy}, ${label}: the primary backs up its cluster and tables and copies every rule to every other region's planned vault`, async () => {
                const plans = await planAll(`strategy=${strategy}`, `primaryRegion=${primaryRegion}`);
                const primary = plans.find((p) => p.role === "primary")!;
                for (const p of plans) if (p !== primary) assert.equal(ofType(p, T.plan).length, 0, `${p.stack} runs no plan`);
                const backupPlans = ofType(primary, T.plan);
                assert.equal(backupPlans.length, 3, "the database, the tables and the shared file system");
                const others = plans.filter((p) => p !== primary);
                const expectedVaults = others.map((o) => {
                    const v = ofType(o, T.vault)[0];
                    return `arn:aws:backup:${o.region}:${String(v.outputs.arn).split(":")[4]}:backup-vault:${String(v.inputs.name)}`;
                });
                for (const bp of backupPlans) {
                    const rules = bp.inputs.rules as Array<Record<string, unknown>>;
                    assert.equal(rules.length, 1);
                    const rule = rules[0];
                    assert.equal(rule.targetVaultName, ofType(primary, T.vault)[0].inputs.name);
                    assert.equal(rule.schedule, "cron(0 * * * ? *)");
                    assert.deepEqual(rule.lifecycle, { deleteAfter: 35 });
                    const copies = rule.copyActions as Array<{ destinationVaultArn: string; lifecycle: unknown }>;
                    assert.deepEqual(copies.map((c) => c.destinationVaultArn).sort(), expectedVaults.sort());
                    for (const c of copies) assert.deepEqual(c.lifecycle, { deleteAfter: 35 });
                }
                const selected = ofType(primary, T.selection)
                    .flatMap((s) => s.inputs.resources as string[])
                    .sort();
                const cluster = ofType(primary, T.cluster)[0];
                const tableArns = [...ofType(primary, T.table), ...ofType(primary, T.replica)].map((t) => String(t.outputs.arn));
                const fileSystem = ofType(primary, "aws-native:efs:FileSystem")[0];
                assert.deepEqual(selected, [String(cluster.outputs.arn), ...tableArns, String(fileSystem.outputs.arn)].sort());
            });
        }
    }

    it("schedule and retention come from config; AWS Backup's hourly minimum is the floor", async () => {
        const [home] = await planAll("backup.intervalHours=6", "backup.retentionDays=90");
        for (const bp of ofType(home, T.plan)) {
            const rule = (bp.inputs.rules as Array<Record<string, unknown>>)[0];
            assert.equal(rule.schedule, "cron(0 0/6 * * ? *)");
            assert.deepEqual(rule.lifecycle, { deleteAfter: 90 });
        }
        assert.equal(backupSchedule(24), "cron(0 5 * * ? *)");
        assert.throws(() => backupSchedule(0.5));
        assert.throws(() => backupSchedule(5));
    });
});

describe("data tier: restore path (backup-restore)", () => {
    const scenarios: Array<[string, string[], boolean]> = [];
    for (const strategy of STRATEGIES) {
        for (const [primaryRegion] of PRIMARY_CHOICES) {
            scenarios.push([
                `${strategy}, primaryRegion=${primaryRegion}`,
                [`strategy=${strategy}`, `primaryRegion=${primaryRegion}`],
                strategy === "backup-restore" && primaryRegion === "us-west-2",
            ]);
        }
    }
    for (const [label, ov, restores] of scenarios) {
        it(`${label}: ${restores ? "the promoted standby restores its cluster and tables" : "nothing is restored"}`, async () => {
            const plans = await planAll(...ov);
            for (const p of plans) {
                const restored = p.resources.filter((r) => (r.type === T.cluster || r.type === T.table) && r.name.includes("-recovery-r"));
                const expectHere = restores && p.stack === OTHER;
                assert.equal(restored.length, expectHere ? 1 + TABLES.length : 0, `${p.stack}: ${restored.map((r) => r.name).join(", ")}`);
            }
        });
    }

    it("a promoted backup-restore standby restores Aurora from the latest copied snapshot of the home cluster and DynamoDB from the source's PITR", async () => {
        const [home, dr] = await planAll("strategy=backup-restore", "primaryRegion=us-west-2");
        const c = ofType(dr, T.cluster);
        assert.equal(c.length, 1);
        assert.equal(c[0].name, "securecart-recovery-r1-cluster");
        assert.equal(c[0].inputs.clusterIdentifier, `securecart-${dr.region}-r1`);
        // The fake AWS's placeholder for the RestorePoint the cluster's snapshot comes from (chosen once, at creation).
        const snap = String(c[0].inputs.snapshotIdentifier);
        assert.match(snap, new RegExp(`^arn:aws:rds:${dr.region}:\\d{12}:cluster-snapshot:`), "a snapshot in the standby's own region");
        assert.ok(c[0].ignoreChanges.includes("snapshotIdentifier"), "a newer snapshot never replaces the restored cluster");
        assert.equal(c[0].inputs.globalClusterIdentifier, undefined, "a restore cannot join a global cluster");
        assert.equal(c[0].inputs.kmsKeyId, dataKey(dr));
        assert.equal(instancesOf(dr, c[0]).length, 2);
        assert.equal(ofType(dr, T.global).length, 0);
        // The home cluster keeps running (with its instances): a restore never touches the source.
        assert.equal(ofType(home, T.cluster)[0].inputs.clusterIdentifier, home.stackOutputs.auroraClusterIdentifier);
        const homeArns = home.stackOutputs.tableArns as Record<string, string>;
        const restoredTables = ofType(dr, T.table);
        assert.equal(restoredTables.length, TABLES.length);
        for (const t of restoredTables) {
            const short = String(t.inputs.name)
                .replace(/^securecart-/, "")
                .replace(/-r1$/, "");
            assert.equal(t.inputs.restoreSourceTableArn, homeArns[short]);
            assert.equal(t.inputs.restoreToLatestTime, true);
            assert.ok(t.ignoreChanges.includes("restoreSourceTableArn") && t.ignoreChanges.includes("restoreToLatestTime"));
        }
        assert.equal(ofType(dr, T.replica).length, 0);
        // The promoted region now runs the backup plans (database, tables, shared files), copying back to the home vault.
        assert.equal(ofType(dr, T.plan).length, 3);
        assert.equal(ofType(home, T.plan).length, 0);
    });

    it("a recovery point named in config (database.restoreFromArn) is used as is", async () => {
        const arn = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-0123abcd";
        const dr = await planOf(OTHER, "strategy=backup-restore", "primaryRegion=us-west-2", `database.restoreFromArn=${arn}`);
        assert.equal(ofType(dr, T.cluster)[0].inputs.snapshotIdentifier, arn);
    });
});

describe("data tier: provisioned tables", () => {
    it("PROVISIONED tables get read/write auto scaling in every region and the home table leaves capacity to it", async () => {
        const plans = await planAll(
            "strategy=warm-standby",
            "tables[0].billingMode=PROVISIONED",
            "tables[0].readCapacity=5",
            "tables[0].writeCapacity=5",
        );
        for (const p of plans) {
            const targets = ofType(p, "aws:appautoscaling/target:Target").filter((t) => t.inputs.serviceNamespace === "dynamodb");
            assert.deepEqual(targets.map((t) => t.inputs.scalableDimension).sort(), [
                "dynamodb:table:ReadCapacityUnits",
                "dynamodb:table:WriteCapacityUnits",
            ]);
            for (const t of targets) {
                assert.equal(t.inputs.resourceId, "table/securecart-carts");
                assert.equal(t.inputs.minCapacity, 5);
                assert.equal(t.inputs.maxCapacity, 20);
            }
        }
        const carts = ofType(plans[0], T.table).find((t) => t.inputs.name === "securecart-carts")!;
        assert.equal(carts.inputs.billingMode, "PROVISIONED");
        assert.ok(carts.ignoreChanges.includes("readCapacity") && carts.ignoreChanges.includes("writeCapacity"));
        const sessions = ofType(plans[0], T.table).find((t) => t.inputs.name === "securecart-sessions")!;
        assert.equal(sessions.inputs.billingMode, "PAY_PER_REQUEST", "on-demand by default");
    });
});

describe("data tier: bad input is rejected with a named message", () => {
    it("engine versions that differ between stacks", async () => {
        const problems = await configProblems(() =>
            planStacks({ files, perStack: { dr: overrides("database.engineVersion=x").map((o) => ({ ...o, value: "16.4" })) } }),
        );
        assert.ok(
            problems.some((p) =>
                /securecart:database\.engineVersion: stack "dr" has "16\.4" but stack "prod" has "16\.6"|securecart:database\.engineVersion: stack "prod" has "16\.6" but stack "dr" has "16\.4"/.test(
                    p,
                ),
            ),
            problems.join("\n"),
        );
    });

    const cases: Array<[string, string[], RegExp]> = [
        ["retention above 35", ["database.backupRetentionDays=36"], /securecart:database\.backupRetentionDays: got 36; expected 1-35/],
        ["retention below 1", ["database.backupRetentionDays=0"], /securecart:database\.backupRetentionDays: got 0; expected 1-35/],
        [
            "an unknown instance class family",
            ["database.instanceClass=db.t3.large"],
            /securecart:database\.instanceClass: got "db\.t3\.large"; expected db\.<family>\.<size>/,
        ],
        [
            "a table key missing from its attributes",
            ["tables[2].rangeKey=createdAt"],
            /securecart:tables\[2\]\.rangeKey: got "createdAt"; expected a key listed in its attributes/,
        ],
        [
            "MRSC with fewer than three regions",
            ["tableConsistency=MRSC"],
            /securecart:tableConsistency: got "MRSC" with 2 region\(s\); expected MREC/,
        ],
    ];
    for (const [what, ov, re] of cases) {
        it(what, async () => {
            const problems = await configProblems(() => planAll(...ov));
            assert.ok(
                problems.some((p) => re.test(p)),
                problems.join("\n"),
            );
        });
    }

    it("every problem is reported at once", async () => {
        const problems = await configProblems(() =>
            planAll("database.backupRetentionDays=40", "database.instanceClass=db.t3.large", "tableConsistency=MRSC", "tables[0].hashKey=nope"),
        );
        for (const key of ["database.backupRetentionDays", "database.instanceClass", "tableConsistency", "tables[0].hashKey"]) {
            assert.ok(
                problems.some((p) => p.includes(`securecart:${key}`)),
                key,
            );
        }
    });
});

describe("data tier: MRSC", () => {
    it("MRSC is rejected even with three regions: replicas owned per stack cannot be declared STRONG on the base table", async () => {
        const { mergeConfig } = await import("../src/configSource");
        const { parseStackConfig, ConfigError } = await import("../src/config");
        const raw = mergeConfig(
            files,
            "prod",
            overrides("strategy=active-active", 'regions=["us-east-1","us-west-2","eu-west-1"]', "tableConsistency=MRSC"),
        );
        assert.throws(
            () => parseStackConfig("securecart", "prod", raw),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.ok(
                    e.problems.some((p) => /securecart:tableConsistency: got "MRSC"; expected MREC: .*not supported yet/.test(p)),
                    e.problems.join("\n"),
                );
                return true;
            },
        );
        const ok = mergeConfig(files, "prod", overrides("strategy=active-active", 'regions=["us-east-1","us-west-2","eu-west-1"]'));
        assert.equal(parseStackConfig("securecart", "prod", ok).tableConsistency, "MREC");
    });
});
