/**
 * What every preview and update of the data tier calls: the backup-restore recovery point is chosen once and
 * then kept in state (no look-up after the copies have expired), and the master password is generated once and
 * never read back from Secrets Manager (a preview needs no secret access). The restore-point provider is driven
 * as the engine runs it: from the serialized text of a planned resource.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DescribeDBClusterSnapshotsCommand, type DBClusterSnapshot, RDSClient } from "@aws-sdk/client-rds";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { UNKNOWN, loadSerializedProvider, providerTextOf } from "../tools/engineDynamic";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { PROJECT_DIR, STRATEGIES, ofType, planAll, planOf } from "./helpers";

const RESTORE_POINT = "pulumi-nodejs:dynamic/securecart:RestorePoint";
const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
const CLUSTER = "aws:rds/cluster:Cluster";
const SOURCE = "securecart-us-east-1";
const ARN = (id: string) => `arn:aws:rds:us-west-2:123456789012:cluster-snapshot:${id}`;

function snapshot(id: string, status: string, created: string, cluster = SOURCE): DBClusterSnapshot {
    return {
        DBClusterSnapshotIdentifier: id,
        DBClusterSnapshotArn: ARN(id),
        DBClusterIdentifier: cluster,
        Status: status,
        SnapshotCreateTime: new Date(created),
        SnapshotType: "manual",
    };
}

async function promotedDr(): Promise<StackPlan> {
    return planOf("dr", "strategy=backup-restore", "primaryRegion=us-west-2");
}

describe("backup-restore recovery point: chosen once, then state", () => {
    // Taken in before(), not at load: another file's mockClient(RDSClient) at load time would replace it.
    let rds: AwsClientStub<RDSClient>;
    before(() => {
        rds = mockClient(RDSClient);
    });
    afterEach(() => rds.reset());
    after(() => rds.restore());

    async function provider() {
        const dr = await promotedDr();
        const rp = ofType(dr, RESTORE_POINT);
        assert.equal(rp.length, 1, "a promoted backup-restore standby pins its recovery point");
        return { dr, rp: rp[0], p: loadSerializedProvider(providerTextOf(rp[0].inputs)) };
    }

    it("the restored cluster's snapshot comes from the pin, in the stack's own region, and the plan makes no snapshot look-up", async () => {
        const { dr, rp } = await provider();
        const cluster = ofType(dr, CLUSTER)[0];
        assert.equal(cluster.name, "securecart-recovery-r1-cluster");
        assert.deepEqual(cluster.propertyDependencies.snapshotIdentifier, [rp.urn], "snapshotIdentifier is the RestorePoint's output");
        assert.equal(rp.inputs.region, dr.region);
        assert.equal(rp.inputs.sourceClusterIdentifier, SOURCE);
        assert.ok(cluster.ignoreChanges.includes("snapshotIdentifier"));
    });

    it("a recovery point named in config is recorded by the pin, which then looks nothing up", async () => {
        const dr = await planOf("dr", "strategy=backup-restore", "primaryRegion=us-west-2", `database.restoreFromArn=${ARN("awsbackup:copyjob-1")}`);
        const rp = ofType(dr, RESTORE_POINT);
        assert.equal(rp.length, 1);
        assert.equal(rp[0].inputs.givenSnapshotArn, ARN("awsbackup:copyjob-1"));
        const p = loadSerializedProvider(providerTextOf(rp[0].inputs));
        rds.reset();
        rds.on(DescribeDBClusterSnapshotsCommand).rejects(new Error("must not be called"));
        const created = await p.create!({ sourceClusterIdentifier: SOURCE, region: dr.region, givenSnapshotArn: ARN("awsbackup:copyjob-1") });
        assert.equal(created.outs.snapshotArn, ARN("awsbackup:copyjob-1"), "recorded as given");
        assert.equal(rds.calls().length, 0, "no RDS call");
        assert.equal(ofType(dr, CLUSTER)[0].inputs.snapshotIdentifier, ARN("awsbackup:copyjob-1"));
    });

    it("no other shape plans a pin", async () => {
        for (const s of STRATEGIES) {
            for (const p of await planAll(`strategy=${s}`)) assert.equal(ofType(p, RESTORE_POINT).length, 0, `${s} ${p.stack}`);
        }
    });

    it("serialized: create takes the newest AVAILABLE copy of the source cluster, across pages, in the stack's region only", async () => {
        const { rp, p } = await provider();
        const regions: string[] = [];
        rds.on(DescribeDBClusterSnapshotsCommand).callsFake(async (input, getClient) => {
            regions.push(await getClient().config.region());
            if (!input.Marker)
                return {
                    DBClusterSnapshots: [
                        snapshot("old", "available", "2026-11-01T00:00:00Z"),
                        snapshot("other", "available", "2026-12-01T05:00:00Z", "someone-else"),
                    ],
                    Marker: "page2",
                };
            return {
                DBClusterSnapshots: [
                    snapshot("copying", "copying", "2026-12-01T04:00:00Z"),
                    snapshot("newest", "available", "2026-12-01T03:00:00Z"),
                    snapshot("mid", "available", "2026-11-20T00:00:00Z"),
                ],
            };
        });
        const checked = await p.check!({}, rp.inputs);
        assert.deepEqual(checked.failures, []);
        const created = await p.create(checked.inputs);
        assert.equal(created.outs.snapshotArn, ARN("newest"), "not the newer copy that is still copying, nor another cluster's");
        assert.equal(created.outs.snapshotCreatedAt, "2026-12-01T03:00:00.000Z");
        assert.deepEqual([...new Set(regions)], ["us-west-2"]);
        assert.equal(rds.commandCalls(DescribeDBClusterSnapshotsCommand).length, 2);
    });

    it("serialized: create with nothing to restore from fails naming the source, the region and the way out", async () => {
        const { rp, p } = await provider();
        rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [snapshot("creating", "creating", "2026-12-01T00:00:00Z")] });
        await assert.rejects(p.create(rp.inputs), (e: Error) => {
            assert.match(e.message, /no available cluster snapshot of securecart-us-east-1 in us-west-2/);
            assert.match(e.message, /securecart:database\.restoreFromArn/);
            return true;
        });
    });

    it("serialized: an RDS failure keeps its message", async () => {
        const { rp, p } = await provider();
        rds.on(DescribeDBClusterSnapshotsCommand).rejects(
            Object.assign(new Error("User is not authorized to perform: rds:DescribeDBClusterSnapshots"), { name: "AccessDenied" }),
        );
        await assert.rejects(p.create(rp.inputs), /DescribeDBClusterSnapshots failed: AccessDenied: User is not authorized/);
    });

    it("serialized: after creation, diff, update and read call nothing and keep the choice (copies may have expired)", async () => {
        const { rp, p } = await provider();
        rds.on(DescribeDBClusterSnapshotsCommand).rejects(new Error("must not be called"));
        const olds = { ...rp.inputs, snapshotArn: ARN("chosen"), snapshotCreatedAt: "2026-12-01T03:00:00.000Z" };
        const d = await p.diff!(ARN("chosen"), olds, { ...rp.inputs });
        assert.equal(d.changes, false);
        const u = await p.update!(ARN("chosen"), olds, { ...rp.inputs });
        assert.equal(u.outs.snapshotArn, ARN("chosen"));
        const r = await p.read!(ARN("chosen"), olds);
        assert.equal(r.props!.snapshotArn, ARN("chosen"));
        assert.equal(rds.calls().length, 0);
    });

    it("serialized: check lets a preview's unknown values through and names a bad known one", async () => {
        const { p } = await provider();
        const unknown = await p.check!({}, { sourceClusterIdentifier: UNKNOWN, region: UNKNOWN });
        assert.deepEqual(unknown.failures, []);
        const bad = await p.check!({}, { sourceClusterIdentifier: "", region: "us-west-2" });
        assert.deepEqual(
            bad.failures?.map((f) => f.property),
            ["sourceClusterIdentifier"],
        );
        assert.match(bad.failures![0].reason, /got ""/);
    });
});

describe("Aurora master password: generated once, never read back", () => {
    it("every stack under every strategy plans without a secret read, a random-password invoke or a snapshot look-up (the fake AWS refuses them)", async () => {
        // The fake AWS layer throws on getSecretVersion, getRandomPassword and getClusterSnapshot: each runs on
        // every preview and update, so a plan that succeeds made none of them.
        for (const s of STRATEGIES) assert.equal((await planAll(`strategy=${s}`)).length, 2);
        assert.ok((await promotedDr()).resources.length > 0);
    });

    it("the cluster and the secret version get the same protected RandomPassword, both write-only at a fixed version", async () => {
        const home = await planOf("prod", "strategy=warm-standby");
        // The edge's origin secret and the cache user's password (components/cache.ts) are the home stack's others.
        const pw = ofType(home, RANDOM_PASSWORD).filter((r) => !r.name.endsWith("-origin-secret") && !r.name.endsWith("-cache-password"));
        assert.equal(pw.length, 1);
        const password: PlannedResource = pw[0];
        assert.equal(password.protect, true, "a replacement would hold a value neither the secret nor the cluster has");
        assert.doesNotMatch(String(password.inputs.overrideSpecial), /[/"@' ]/, "characters RDS rejects in master passwords");
        assert.ok(Number(password.inputs.length) >= 16);
        const cluster = ofType(home, CLUSTER)[0];
        assert.deepEqual(cluster.propertyDependencies.masterPasswordWo, [password.urn]);
        assert.equal(cluster.inputs.masterPasswordWoVersion, 1);
        const version = ofType(home, "aws:secretsmanager/secretVersion:SecretVersion")[0];
        assert.deepEqual(version.propertyDependencies.secretStringWo, [password.urn]);
        assert.equal(version.inputs.secretStringWoVersion, 1);
        assert.equal(version.inputs.secretStringWo, "[secret]");
        assert.equal(cluster.inputs.masterPasswordWo, "[secret]");
    });

    it("the README says what the plan shows: the password is in Pulumi state, so state access is database access", async () => {
        const home = await planOf("prod", "strategy=warm-standby");
        const pw = ofType(home, RANDOM_PASSWORD)[0];
        assert.ok(pw.outputs.result !== undefined, "the generated password is an output, i.e. it is stored in state");
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8").replace(/\s+/g, " ");
        assert.doesNotMatch(readme, /never lands in Pulumi state/);
        assert.match(readme, /The password is in Pulumi state/);
        assert.match(readme, /access to the state backend and its secrets provider is access to the database/);
    });

    it("only the home stack generates a database password (every region generates its own cache user's)", async () => {
        for (const s of STRATEGIES)
            assert.deepEqual(
                ofType(await planOf("dr", `strategy=${s}`), RANDOM_PASSWORD).map((r) => r.name),
                ["securecart-cache-password"],
                s,
            );
    });
});
