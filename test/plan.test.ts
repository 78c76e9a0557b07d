import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { PROJECT_DIR, STACKS, planAll, toolArgs } from "./helpers";

function plan(...args: string[]) {
    const r = spawnSync(process.execPath, [...toolArgs("tools/plan.ts"), ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK_TRACE = /\n\s+at .+\(.*:\d+:\d+\)/;

describe("plan: the command line", () => {
    it("exits 2 on a bad strategy, naming the key and the allowed values, with no stack trace", () => {
        const r = plan("--stack", "prod", "-c", "strategy=bogus");
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /securecart:strategy: got "bogus"; expected one of backup-restore, pilot-light, warm-standby, active-active/);
        assert.doesNotMatch(r.stderr + r.stdout, STACK_TRACE);
    });

    it("exits 2 on an unknown stack or option", () => {
        const a = plan("--stack", "nope");
        assert.equal(a.code, 2);
        assert.match(a.stderr, /--stack: got "nope"; expected one of dr, prod/);
        const b = plan("--frobnicate");
        assert.equal(b.code, 2);
        assert.match(b.stderr, /--frobnicate: unknown option/);
        assert.doesNotMatch(a.stderr + b.stderr, STACK_TRACE);
    });

    it("--json with one --stack prints one object that honours the contract", () => {
        const r = plan("--stack", "prod", "--json");
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        for (const k of ["project", "stack", "region", "role", "strategy", "config", "resources"]) assert.ok(k in doc, k);
        assert.equal(doc.project, "securecart");
        assert.equal(doc.stack, "prod");
        assert.equal(doc.region, "us-east-1");
        assert.equal(doc.role, "primary");
        const urns = new Set(doc.resources.map((x: { urn: string }) => x.urn));
        for (const res of doc.resources) {
            for (const k of [
                "urn",
                "type",
                "name",
                "custom",
                "parent",
                "provider",
                "dependencies",
                "inputs",
                "outputs",
                "protect",
                "retainOnDelete",
                "ignoreChanges",
            ])
                assert.ok(k in res, `${res.urn} lacks ${k}`);
            if (res.parent !== null) assert.ok(urns.has(res.parent), `${res.urn} parent is a planned resource`);
            if (res.provider !== null) assert.ok(urns.has(res.provider), `${res.urn} provider is a planned resource`);
            for (const d of res.dependencies) assert.ok(urns.has(d), `${res.urn} dependency ${d} is planned`);
        }
    });

    it("--json with several --stack flags prints an array, and --explain prints each stack's tree, the constants and the price sheet after the summary", () => {
        const r = plan("--stack", "prod", "--stack", "dr", "--json");
        assert.equal(r.code, 0, r.stderr);
        const docs = JSON.parse(r.stdout);
        assert.ok(Array.isArray(docs));
        assert.deepEqual(
            docs.map((d: { stack: string }) => d.stack),
            ["prod", "dr"],
        );
        const t = plan("--explain");
        assert.equal(t.code, 0, t.stderr);
        for (const s of STACKS) assert.match(t.stdout, new RegExp(`=== stack ${s} `));
        assert.match(t.stdout, /\+ aws:ec2\/vpc:Vpc\s+securecart-net-vpc/);
        assert.match(t.stdout, /OFFLINE plan/);
        assert.match(t.stdout, /by type:/);
        assert.match(t.stdout, /Estimate constants/);
        assert.match(t.stdout, /Price sheet \(src\/prices\/prices.json\)/);
        // --explain follows the summary: the answer still comes first.
        assert.ok(t.stdout.indexOf("Stack pair prod → dr") < t.stdout.indexOf("=== stack prod"), "the summary leads");
    });
});

describe("plan: both shipped stacks under every strategy", () => {
    for (const strategy of ["backup-restore", "pilot-light", "warm-standby", "active-active"]) {
        it(`${strategy}: plans cleanly with deterministic placeholder outputs`, async () => {
            const plans = await planAll(`strategy=${strategy}`);
            assert.equal(plans.length, STACKS.length);
            for (const p of plans) {
                assert.equal(p.strategy, strategy);
                const vpc = p.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
                assert.match(String(vpc.outputs.arn), new RegExp(`^arn:aws:ec2:${p.region}:123456789012:vpc/vpc-`));
            }
        });
    }

    it("the standby reads the home stack's outputs through a StackReference fed by planning the home stack first", async () => {
        const plans = await planAll();
        const dr = plans.find((p) => p.stack === "dr")!;
        const prod = plans.find((p) => p.stack === "prod")!;
        const ref = dr.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        assert.equal(ref.inputs.name, "organization/securecart/prod");
        const replica = dr.resources.find((r) => r.type === "aws:kms/replicaKey:ReplicaKey")!;
        const primaryKey = prod.resources.find((r) => r.type === "aws:kms/key:Key" && r.inputs.multiRegion === true)!;
        assert.equal(replica.inputs.primaryKeyArn, primaryKey.outputs.arn);
    });
});
