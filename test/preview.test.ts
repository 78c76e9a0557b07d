/**
 * `npm run plan -- --preview`: the real program evaluated the way a FIRST `pulumi preview` sees it. Computed
 * values of a stack's own resources are unknown ("[unknown]"), invokes answer, StackReferences read the home
 * stack's deployed (normally planned) outputs, every dynamic provider's check runs with the engine's unknown
 * sentinel, and everything downstream (estimates, diagrams, policies) gives the normal plan's answers or says
 * what it cannot know, never a false one.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import type * as pulumi from "@pulumi/pulumi";
import { UsageError } from "../tools/cli";
import { mermaidFor } from "../tools/diagram";
import { UNKNOWN, loadSerializedProvider } from "../tools/engineDynamic";
import { estimatePlans, estimatesJson } from "../tools/estimateReport";
import { UNPRICED_USAGE } from "../src/estimates";
import { FakeAws, hash } from "../tools/fakeAws";
import { runPlan } from "../tools/plan";
import { PlanError, StackPlan, checkDynamicResource, engineInputs, planStacks } from "../tools/planner";
import { DYNAMIC } from "../src/plan";
import { PolicyAnalyzer } from "../tools/policyRunner";
import { PROJECT_DIR, STACKS, STRATEGIES, files, cachedPlanStacks, ofType, planAll, planOf, previewAll, previewOf, toolArgs } from "./helpers";
import { verdicts } from "./policyCases";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    cluster: "aws:rds/cluster:Cluster",
    global: "aws:rds/globalCluster:GlobalCluster",
    table: "aws:dynamodb/table:Table",
    replica: "aws:dynamodb/tableReplica:TableReplica",
    ref: "pulumi:pulumi:StackReference",
    writer: "pulumi-nodejs:dynamic/securecart:GlobalWriter",
};

const identity = (p: StackPlan) =>
    p.resources.map((r) => `${r.urn} parent=${r.parent} provider=${r.provider} protect=${r.protect} retain=${r.retainOnDelete}`).sort();

function strings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(strings);
    if (v !== null && typeof v === "object") return Object.values(v as object).flatMap(strings);
    return [];
}

/** Looks like something a provider assigns: an ARN, an AWS DNS name or endpoint, a resource id (vpc-…, uuid, hex). */
const PROVIDER_SHAPED = [
    /^arn:/,
    /\.amazonaws\.com/,
    /^[a-z]+-[0-9a-f]{8,}$/,
    /^[0-9a-f]{8}-[0-9a-f]{4}-/,
    /^[0-9a-f]{16,}$/,
    /^cluster-[0-9A-Fa-f]+$/,
];

/**
 * The values the fake AWS layer computes for a stack's OWN resources in a normal plan (ids and computed
 * outputs shaped like provider-assigned values), less what the resource's own inputs already say and the
 * auto-generated names (Pulumi autonaming fills those in before a preview, so they are known there).
 */
function fakeComputedValues(normal: StackPlan): Set<string> {
    const out = new Set<string>();
    for (const r of normal.resources) {
        if (!r.custom || r.type.startsWith("pulumi:") || r.type === T.ref) continue;
        const region = typeof r.inputs.region === "string" ? r.inputs.region : normal.region;
        const auto = `${r.name}-${hash(`${region}/${r.type}/${r.name}`).slice(0, 7)}`;
        // A value the inputs already contain (e.g. a replica key's id, the suffix of its primary key's ARN) is not computed.
        const own = strings(r.inputs);
        const fake = new FakeAws({ region: normal.region });
        const id = fake.newResource({
            type: r.type,
            name: r.name,
            inputs: r.inputs,
            custom: true,
            provider: "",
        } as pulumi.runtime.MockResourceArgs).id;
        // A bucket's domain names follow from its given name by a documented format (Amazon S3 user guide, "Virtual
        // hosting of buckets"): the program may spell them itself, as it does for the fixed-name asset buckets.
        // Likewise an ARN from a given name, in the service's documented form, where the program spells it: an alarm's
        // (arn:aws:cloudwatch:<region>:<account>:alarm:<name>, the dashboards), a topic's (arn:aws:sns:<region>:<account>:<name>,
        // its policy), the trail's (arn:aws:cloudtrail:<region>:<account>:trail/<name>, its key and bucket policies: naming
        // the trail resource there would be a cycle) and a named bucket's (arn:aws:s3:::<bucket>).
        const named = (t: string, k: string) => r.type === t && typeof r.inputs[k] === "string";
        const derived = (k: string) =>
            (r.type === "aws:s3/bucket:Bucket" && typeof r.inputs.bucket === "string" && /DomainName$/.test(k)) ||
            k === "tagsAll" ||
            (k === "arn" &&
                (named("aws:cloudwatch/metricAlarm:MetricAlarm", "name") ||
                    named("aws:cloudwatch/compositeAlarm:CompositeAlarm", "alarmName") ||
                    named("aws:sns/topic:Topic", "name") ||
                    named("aws:cloudtrail/trail:Trail", "name") ||
                    named("aws:s3/bucket:Bucket", "bucket")));
        const computed = Object.entries(r.outputs)
            .filter(([k, v]) => !derived(k) && JSON.stringify(v) !== JSON.stringify(r.inputs[k]))
            .flatMap(([, v]) => strings(v));
        // A resource whose id is its ARN (a topic, a trail) has it derived too.
        const idDerived = derived("arn") && id === r.outputs.arn;
        for (const c of [...(idDerived ? [] : [id]), ...computed]) {
            if (typeof c !== "string" || c === "[unknown]" || own.some((x) => x.includes(c)) || c === auto || c === auto.slice(0, 32)) continue;
            if (PROVIDER_SHAPED.some((re) => re.test(c))) out.add(c);
        }
    }
    return out;
}

/** Everything a preview plan shows, except what a StackReference read from the (deployed) home stack. */
function shownByPreview(p: StackPlan): string {
    return JSON.stringify({ resources: p.resources.map((r) => (r.type === T.ref ? { ...r, outputs: {} } : r)), outputs: p.stackOutputs });
}

describe("preview: every strategy and stack, as a first pulumi preview sees it", () => {
    for (const strategy of STRATEGIES) {
        describe(`strategy ${strategy}`, () => {
            for (const stack of STACKS) {
                it(`${stack}: completes with the normal plan's resources (types, names, parents, providers, protection)`, async () => {
                    const [p, n] = await Promise.all([previewOf(stack, `strategy=${strategy}`), planOf(stack, `strategy=${strategy}`)]);
                    assert.strictEqual(p.preview, true);
                    assert.strictEqual(n.preview, false);
                    assert.strictEqual(p.strategy, strategy);
                    assert.deepStrictEqual(identity(p), identity(n));
                });

                it(`${stack}: computed values are [unknown] (VPC id and ARN, ALB DNS name, Aurora ARN and endpoint), and no output goes missing`, async () => {
                    const [p, n] = await Promise.all([previewOf(stack, `strategy=${strategy}`), planOf(stack, `strategy=${strategy}`)]);
                    const vpc = ofType(p, T.vpc)[0];
                    assert.strictEqual(vpc.outputs.arn, "[unknown]");
                    assert.strictEqual(p.stackOutputs.vpcId, "[unknown]", "the VPC id is unknown in the stack outputs");
                    assert.ok(
                        ofType(p, T.subnet).every((s) => s.inputs.vpcId === "[unknown]"),
                        "subnets get the VPC id as [unknown]",
                    );
                    // Literal settings stay known.
                    assert.strictEqual(vpc.outputs.cidrBlock, ofType(n, T.vpc)[0].outputs.cidrBlock);
                    const albs = ofType(p, T.alb);
                    if (stack === "prod") assert.ok(albs.length > 0, "the primary plans an ALB");
                    for (const a of albs) assert.strictEqual(a.outputs.dnsName, "[unknown]");
                    if (albs.length) assert.strictEqual(p.stackOutputs.albDnsName, "[unknown]");
                    const clusters = ofType(p, T.cluster);
                    if (stack === "prod") assert.ok(clusters.length > 0, "the primary plans an Aurora cluster");
                    for (const c of clusters) {
                        assert.strictEqual(c.outputs.arn, "[unknown]");
                        assert.strictEqual(c.outputs.endpoint, "[unknown]");
                    }
                    for (const g of ofType(p, T.global)) assert.strictEqual(g.outputs.arn, "[unknown]");
                    // Every output the normal plan has is there in the preview too: known, or shown as [unknown].
                    const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
                    const missing = n.resources.flatMap((r) =>
                        Object.keys(r.outputs)
                            .filter((k) => !(k in (byUrn.get(r.urn)?.outputs ?? {})))
                            .map((k) => `${r.urn}.${k}`),
                    );
                    assert.deepStrictEqual(missing, []);
                    assert.deepStrictEqual(Object.keys(p.stackOutputs).sort(), Object.keys(n.stackOutputs).sort());
                });

                it(`${stack}: shows none of the fake's computed ids, ARNs or endpoints of its own resources`, async () => {
                    const [p, n] = await Promise.all([previewOf(stack, `strategy=${strategy}`), planOf(stack, `strategy=${strategy}`)]);
                    const fakes = fakeComputedValues(n);
                    assert.ok(fakes.size > 20, `the normal plan computes ids and ARNs (${fakes.size})`);
                    const shown = shownByPreview(p);
                    assert.deepStrictEqual(
                        [...fakes].filter((f) => shown.includes(f)),
                        [],
                    );
                });

                it(`${stack}: the policy pack (in-process) reports nothing, not even a skipped policy`, async () => {
                    assert.deepStrictEqual(await verdicts(await previewOf(stack, `strategy=${strategy}`)), []);
                });
            }

            it("estimates and diagrams equal the normal plan's (they rest on settings known at preview; references link by property dependency)", async () => {
                const [p, n] = await Promise.all([previewAll(`strategy=${strategy}`), planAll(`strategy=${strategy}`)]);
                const ep = estimatePlans(p);
                const en = estimatePlans(n);
                for (const s of STACKS) {
                    const a = ep.stacks.find((x) => x.stack === s)!;
                    const b = en.stacks.find((x) => x.stack === s)!;
                    assert.deepStrictEqual(estimatesJson(a, ep), estimatesJson(b, en), s);
                    // Everything priced but the order pipeline's usage-billed services, each declared with its reason.
                    assert.deepStrictEqual(
                        a.cost.unpriced.filter((u) => !Object.values(UNPRICED_USAGE).includes(u)),
                        [],
                        `${s}: everything priced`,
                    );
                }
                const mermaid = (e: typeof ep, plans: readonly StackPlan[]) =>
                    mermaidFor(
                        e.stacks.map((x) => ({ facts: x.facts, role: x.role, resources: plans.find((q) => q.stack === x.stack)?.resources })),
                        strategy,
                    );
                assert.strictEqual(mermaid(ep, p), mermaid(en, n));
            });
        });
    }
});

describe("preview: unknown references in the estimator", () => {
    it("an ECS service whose task definition ARN is unknown is still sized from that task definition, by property dependency", async () => {
        const p = await previewOf("prod");
        const svc = ofType(p, "aws:ecs/service:Service")[0];
        assert.strictEqual(svc.inputs.taskDefinition, "[unknown]");
        const e = estimatePlans(await previewAll()).stacks.find((x) => x.stack === "prod")!;
        assert.ok(
            e.cost.lines.some((l) => l.item === `Fargate vCPU (${svc.name})`),
            "priced from its task definition",
        );
        // Without the dependency the size is not visible: the line is left out and said so, never guessed.
        const cut = p.resources.map((r) =>
            r.urn === svc.urn ? { ...r, propertyDependencies: { ...r.propertyDependencies, taskDefinition: [] } } : r,
        );
        const others = (await previewAll()).filter((x) => x.stack !== "prod");
        const e2 = estimatePlans([{ ...p, resources: cut }, ...others]).stacks.find((x) => x.stack === "prod")!;
        assert.ok(
            e2.cost.unpriced.some((u) => u.includes(svc.name) && /task size not visible/.test(u)),
            e2.cost.unpriced.join("; "),
        );
        assert.ok(!e2.cost.lines.some((l) => l.item === `Fargate vCPU (${svc.name})`));
    });

    it("a backup copy to a vault whose ARN is unknown makes the backup RPO unknown with the reason, not a number", async () => {
        const plans = (await previewAll("strategy=backup-restore")).map((x) => JSON.parse(JSON.stringify(x)) as StackPlan);
        const prod = plans.find((x) => x.stack === "prod")!;
        for (const r of ofType(prod, "aws:backup/plan:Plan")) {
            for (const rule of r.inputs.rules as Array<{ copyActions?: Array<{ destinationVaultArn: string }> }>)
                for (const c of rule.copyActions ?? []) c.destinationVaultArn = "[unknown]";
        }
        const e = estimatePlans(plans).stacks.find((x) => x.stack === "dr")!;
        assert.strictEqual(e.rpoSeconds, null);
        assert.match(e.pair!.rpo.restsOn.join("\n"), /copy to a vault whose ARN is unknown until deployment/);
        assert.strictEqual(
            estimatePlans(await previewAll("strategy=backup-restore")).stacks.find((x) => x.stack === "dr")!.rpoSeconds,
            estimatePlans(await planAll("strategy=backup-restore")).stacks.find((x) => x.stack === "dr")!.rpoSeconds,
        );
    });
});

describe("preview: StackReferences read the home stack's deployed outputs", () => {
    it("dr's StackReference holds prod's normally planned outputs (known), while prod's own preview has them unknown", async () => {
        const [dr, prodPreview, prod] = await Promise.all([previewOf("dr"), previewOf("prod"), planOf("prod")]);
        const ref = ofType(dr, T.ref)[0];
        assert.deepStrictEqual(ref.outputs.outputs, prod.stackOutputs);
        assert.ok(!JSON.stringify(ref.outputs).includes("[unknown]"));
        assert.deepStrictEqual(dr.stackReferences, { "organization/securecart/prod": "deployed" });
        assert.strictEqual(prodPreview.stackOutputs.dataKeyArn, "[unknown]");
        // What dr builds from them is known: its table replicas name prod's deployed tables.
        const tables = ofType(prod, T.table)
            .map((t) => t.outputs.arn)
            .sort();
        assert.deepStrictEqual(
            ofType(dr, T.replica)
                .map((r) => r.inputs.globalTableArn)
                .sort(),
            tables,
        );
    });
});

describe("preview: dynamic providers are checked as the engine checks them", () => {
    it("the cache's and the files' moves were checked in prod's preview with their unknown ids as the sentinel, and passed", async () => {
        const moves = [DYNAMIC.cachePrimary.token, DYNAMIC.filesPrimary.token, DYNAMIC.filesReplication.token];
        const p = (await previewOf("prod")).dynamicChecks.filter((c) => moves.includes(c.type));
        assert.deepStrictEqual(p.map((c) => [c.name, c.unknownInputs, c.failures]).sort(), [
            ["securecart-cache-primary", ["globalReplicationGroupId", "targetReplicationGroupId"], []],
            ["securecart-files-primary", ["fileSystemId"], []],
            ["securecart-files-replication", ["sourceFileSystemId"], []],
        ]);
    });

    it("the GlobalWriter's check ran in prod's preview with the unknown target as the sentinel, and passed; in the normal plan with it known", async () => {
        const p = (await previewOf("prod")).dynamicChecks.filter((c) => c.type === T.writer);
        assert.deepStrictEqual(
            p.map((c) => [c.name, c.unknownInputs, c.failures]),
            [["securecart-writer", ["targetClusterArn"], []]],
        );
        const n = (await planOf("prod")).dynamicChecks.filter((c) => c.type === T.writer);
        assert.deepStrictEqual(
            n.map((c) => [c.name, c.unknownInputs, c.failures]),
            [["securecart-writer", [], []]],
        );
    });

    it("a provider whose check rejects the sentinel fails the preview naming resource, property and reason; the home stack's normal plan (for dr's StackReference) passes it", async function () {
        this.timeout(240000);
        const calls: Array<Record<string, unknown>> = [];
        const strict = (text: string): pulumi.dynamic.ResourceProvider => {
            const real = loadSerializedProvider(text);
            return {
                ...real,
                async check(olds: unknown, news: Record<string, unknown>) {
                    calls.push(news);
                    const failures = Object.keys(news)
                        .filter((k) => news[k] === UNKNOWN)
                        .map((k) => ({ property: k, reason: `${k} must be known` }));
                    return { inputs: news, failures };
                },
            };
        };
        await assert.rejects(planStacks({ files, preview: true, loadDynamicProvider: strict }), (e: Error) => {
            assert.ok(e instanceof PlanError, String(e));
            // Every move of the primary is named, with each unknown property (the file system's and the cache's,
            // which do not exist before a first `pulumi up`, and the writer's target).
            // (In the order the engine checked them, which is not fixed: compared as a set.)
            const prefix = "stack prod: preview failed: ";
            assert.ok(e.message.startsWith(prefix), e.message);
            assert.deepStrictEqual(e.message.slice(prefix.length).split("\n").sort(), [
                "pulumi-nodejs:dynamic/securecart:CachePrimary resource 'securecart-cache-primary': property globalReplicationGroupId value [unknown] has a problem: globalReplicationGroupId must be known",
                "pulumi-nodejs:dynamic/securecart:CachePrimary resource 'securecart-cache-primary': property targetReplicationGroupId value [unknown] has a problem: targetReplicationGroupId must be known",
                "pulumi-nodejs:dynamic/securecart:FilesPrimary resource 'securecart-files-primary': property fileSystemId value [unknown] has a problem: fileSystemId must be known",
                "pulumi-nodejs:dynamic/securecart:FilesReplication resource 'securecart-files-replication': property sourceFileSystemId value [unknown] has a problem: sourceFileSystemId must be known",
                "pulumi-nodejs:dynamic/securecart:GlobalWriter resource 'securecart-writer': property targetClusterArn value [unknown] has a problem: targetClusterArn must be known",
            ]);
            return true;
        });
        // First the home stack's normal plan (inputs known) twice, as a first deployment settles it once the other
        // stack has outputs, then its preview (the sentinel).
        // The writer's checks (dr's replica status is checked too, with known inputs, while dr is planned).
        const writerCalls = () => calls.filter((c) => "targetClusterArn" in c);
        const statusCalls = calls.filter((c) => "status" in c);
        assert.ok(statusCalls.length > 0, "dr's replica status was checked while dr was planned");
        assert.ok(statusCalls.every((c) => Object.values(c).every((v) => v !== UNKNOWN)));
        assert.deepStrictEqual(
            writerCalls().map((c) => c.targetClusterArn === UNKNOWN),
            [false, false, true],
        );
        assert.match(String(writerCalls()[0].targetClusterArn), /^arn:aws:rds:us-east-1:123456789012:cluster:/);
        assert.match(
            String(writerCalls()[2].__provider),
            /^exports\.handler = /,
            "check gets the serialized provider text among its inputs, as from the engine",
        );
        // Previewing only dr plans prod normally (its deployed state) and never previews it.
        calls.length = 0;
        const [dr] = await planStacks({ files, preview: true, loadDynamicProvider: strict }, ["dr"]);
        assert.strictEqual(dr.preview, true);
        assert.deepStrictEqual(
            writerCalls().map((c) => c.targetClusterArn === UNKNOWN),
            [false, false],
        );
        // dr's replica status is previewed with every input known: the pool's id comes from prod's deployed outputs.
        assert.ok(calls.some((c) => c.status === "ACTIVE" && c.region === "us-west-2" && c.userPoolId !== UNKNOWN));
    });

    it("checkDynamicResource loads serialized provider text as the engine's host does and reports failures and unknown inputs", async () => {
        const text =
            "exports.handler = () => ({ async check(olds, news) { return { inputs: news, failures: news.a === '" +
            UNKNOWN +
            "' ? [{ property: 'a', reason: 'a is unknown' }] : [] }; } });";
        const news = engineInputs({
            __provider: text,
            a: UNKNOWN,
            b: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" },
            c: [1, UNKNOWN],
        }) as Record<string, unknown>;
        assert.strictEqual(news.b, "s", "secrets reach the provider unwrapped (dynamic providers accept no secrets)");
        const c = await checkDynamicResource("urn:x", "pulumi-nodejs:dynamic/t:T", "x", news);
        assert.deepStrictEqual(c.failures, [{ property: "a", reason: "a is unknown" }]);
        assert.deepStrictEqual(c.unknownInputs, ["a", "c"]);
        const ok = await checkDynamicResource("urn:x", "pulumi-nodejs:dynamic/t:T", "x", { ...news, a: "known" });
        assert.deepStrictEqual(ok.failures, []);
    });
});

describe("preview: the command line", () => {
    it("`--preview --json` exits 0 and prints preview:true docs with unknowns, the StackReference source and no policy violation", function () {
        this.timeout(300000);
        const r = spawnSync(process.execPath, [...toolArgs("tools/plan.ts"), "--preview", "--json"], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        assert.strictEqual(r.status, 0, r.stderr);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the plan's JSON, read field by field below
        const docs = JSON.parse(r.stdout) as Array<Record<string, any>>;
        assert.deepStrictEqual(
            docs.map((d) => [d.stack, d.preview]),
            [
                ["prod", true],
                ["dr", true],
            ],
        );
        for (const d of docs) {
            assert.strictEqual(d.outputs.vpcId, "[unknown]");
            assert.strictEqual(d.resources.find((x: { type: string }) => x.type === T.vpc).outputs.arn, "[unknown]");
            assert.deepStrictEqual(d.policies.violations, [], `${d.stack}: the real analyzer over gRPC`);
            assert.ok(typeof d.estimates.rtoSeconds.unplanned === "number");
        }
        assert.deepStrictEqual(docs[1].stackReferences, { "organization/securecart/prod": "deployed" });
        assert.deepStrictEqual(docs[0].dynamicChecks.map((c: { name: string; unknownInputs: string[] }) => [c.name, c.unknownInputs]).sort(), [
            ["securecart-cache-primary", ["globalReplicationGroupId", "targetReplicationGroupId"]],
            ["securecart-files-primary", ["fileSystemId"]],
            ["securecart-files-replication", ["sourceFileSystemId"]],
            ["securecart-writer", ["targetClusterArn"]],
        ]);
    });

    describe("in-process, with one policy analyzer for every run", () => {
        let analyzer: PolicyAnalyzer | undefined;
        before(async function () {
            this.timeout(180000);
            analyzer = await PolicyAnalyzer.start();
        });
        after(() => analyzer?.close());

        for (const strategy of STRATEGIES) {
            it(`-c strategy=${strategy} --preview --explain exits 0 and prints the preview of both stacks`, async function () {
                this.timeout(240000);
                let out = "";
                const code = await runPlan(["-c", `strategy=${strategy}`, "--preview", "--explain"], {
                    write: (t) => {
                        out += t;
                    },
                    analyzer,
                    planStacks: cachedPlanStacks,
                });
                assert.strictEqual(code, 0);
                for (const s of STACKS) {
                    assert.match(out, new RegExp(`=== stack ${s} \\(.*\\): role \\w+, strategy ${strategy} — PREVIEW`));
                    assert.match(out, new RegExp(`Policies: securecart-policies@[\\d.]+ on stack ${s} \\(.*\\): no violations`));
                }
                assert.match(out, /\n {4}vpcId: +\[unknown\]\n/);
                assert.match(out, /StackReference organization\/securecart\/prod: the DEPLOYED outputs/);
                assert.match(out, /PREVIEW \(--preview\)/);
            });
        }

        it("--compare-strategies --preview is refused as bad arguments (exit 2) with the reason", async () => {
            await assert.rejects(
                runPlan(["--compare-strategies", "--preview"], { write: () => undefined, analyzer, planStacks: cachedPlanStacks }),
                (e: Error) => e instanceof UsageError && /--compare-strategies with --preview: .* a preview gives the same table/.test(e.message),
            );
        });
    });
});
