/**
 * Bad input, class by class: every user mistake is refused with exit 2, one message naming every
 * problem (key or argument, value, what is allowed), no stack trace, nothing half-applied. In-process through
 * the loader, the validator and the argument parser (fast), plus a handful of real CLI processes.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, StackConfig, parseStackConfig } from "../src/config";
import { Override, loadFromFiles, loadProjectFiles, mergeConfig } from "../src/configSource";
import { RegionFacts, factProblems } from "../src/main";
import { BENCH_ARGS, runBench } from "../tools/bench";
import { CliSpec, UsageError, parseArgs } from "../tools/cli";
import { DRILL_ARGS, runDrill } from "../tools/drill";
import { PLAN_FLAGS } from "../tools/plan";
import { REPORT_ARGS, REPORT_PAGE } from "../tools/report";
import { planStacks } from "../tools/planner";
import { POLICY_CHECK_ARGS, readPlanFile, runPolicyCheck } from "../tools/policyCheck";
import { PROJECT_DIR, configProblems, files, overrides, toolArgs } from "./helpers";

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const SHIPPED = ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dr.yaml"] as const;
type Edits = Partial<Record<(typeof SHIPPED)[number] | string, (text: string) => string>>;

/** A copy of the shipped project files in a temporary directory, each edited as asked (a new file starts empty). */
function projectWith(edits: Edits): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "securecart-bad-"));
    for (const f of SHIPPED) fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"));
    for (const [f, edit] of Object.entries(edits)) {
        const p = path.join(dir, f);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, edit!(fs.existsSync(p) ? fs.readFileSync(p, "utf8") : ""));
    }
    return dir;
}

/** Problems of loading a project directory, with -c style overrides (`STACK/key=value` scoped as on the command line). */
function problemsIn(dir: string, ...ov: string[]): Promise<readonly string[]> {
    return configProblems(() => loadFromFiles(loadProjectFiles(dir), cli(ov)));
}

/** -c overrides exactly as the plan CLI parses them. */
function cli(ov: readonly string[]): Override[] {
    return parseArgs(
        ov.flatMap((o) => ["-c", o]),
        PLAN_FLAGS,
        PLAN_VALUE_FLAGS,
    ).overrides;
}

const replaceIn = (from: string, to: string) => (text: string) => {
    assert.ok(text.includes(from), `fixture: ${JSON.stringify(from)} not found`);
    return text.replace(from, to);
};

const TAGS_WRAPPED = "  securecart:tags:\n    value:\n      app: securecart\n      owner: platform-team\n      costCenter: cc-1234\n";
const TAGS_BARE = "  securecart:tags:\n    app: securecart\n    owner: platform-team\n    costCenter: cc-1234\n";

/** The plan CLI's options (tools/plan.ts). */
const PLAN_VALUE_FLAGS = ["--policy-config"];

const STACK_TRACE = /\n\s+at .+:\d+:\d+|__pulumiRunError|node:internal/;
/** What zod says, which must never reach a user. */
const ZOD_WORDING = /expected a (object|array|record)\b|Invalid input|received|Too (big|small)|expected a int\b/;
/** Every problem names a key (securecart:..., aws:...) or a file/argument before its colon. */
const NAMES_SOMETHING = /^(\[stacks? [^\]]+\] )?(securecart:|aws:|Pulumi\.[^ ]*yaml|-c |--)[^ ]*/;

function has(problems: readonly string[], re: RegExp): void {
    assert.ok(
        problems.some((p) => re.test(p)),
        `no problem matched ${re}:\n${problems.join("\n")}`,
    );
}

function wellFormed(problems: readonly string[]): void {
    assert.ok(problems.length > 0);
    for (const p of problems) {
        assert.match(p, NAMES_SOMETHING);
        assert.doesNotMatch(p, ZOD_WORDING);
        assert.doesNotMatch(p, /got null\b/);
        assert.ok(!p.includes("\n"), `one line per problem: ${p}`);
    }
}

function usageProblems(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        if (e instanceof UsageError) return e.message;
        throw e;
    }
    throw new Error("expected a UsageError, but nothing was thrown");
}

async function rejectsWithUsage(p: Promise<unknown> | unknown): Promise<string> {
    try {
        await p;
    } catch (e) {
        if (e instanceof UsageError || e instanceof ConfigError) return e.message;
        throw e;
    }
    throw new Error("expected a UsageError or ConfigError, but it resolved");
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function runTool(script: string, ...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...toolArgs(script), ...args], { cwd: PROJECT_DIR });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => {
            stdout += d;
        });
        child.stderr.on("data", (d) => {
            stderr += d;
        });
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

const base = (stack = "prod") => mergeConfig(files, stack);

// ---------------------------------------------------------------------------------------------------------
// Real processes: a handful, started together in the background so they overlap with the in-process tests
// ---------------------------------------------------------------------------------------------------------

const emptyPlanFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "securecart-plan-")), "empty.json");
fs.writeFileSync(emptyPlanFile, "[]\n");
/** The report page's state before any process here runs (a refused report must leave it as it was). */
const pageStamp = () => (fs.existsSync(REPORT_PAGE) ? fs.statSync(REPORT_PAGE).mtimeMs : undefined);
const pageBeforeProcesses = pageStamp();
let spawned: Record<string, Promise<Run>> | undefined;
function processes(): Record<string, Promise<Run>> {
    spawned ??= {
        planStray: runTool("tools/plan.ts", "--stack", "prod", "stray"),
        planEmpty: runTool("tools/plan.ts", "--stack", "prod", "-c", "web.minSize=", "-c", "failoverMode="),
        planAzs: runTool("tools/plan.ts", "--stack", "prod", "-c", "network.azCount=5"),
        planEdge: runTool(
            "tools/plan.ts",
            "--stack",
            "prod",
            "-c",
            "edge.waf.rateLimit=0",
            "-c",
            "edge.waf.ruleGroups.common=allow",
            "-c",
            "edge.priceClass=cheap",
            "-c",
            "dns.healthCheckInterval=10",
        ),
        planIdentity: runTool(
            "tools/plan.ts",
            "--stack",
            "prod",
            "-c",
            "identity.mfa=required",
            "-c",
            'api.publicRoutes=["GET /api/admin"]',
            "-c",
            "api.throttlingRateLimit=0",
        ),
        planCacheFiles: runTool(
            "tools/plan.ts",
            "--stack",
            "prod",
            "-c",
            "cache.nodeType=cache.t4g.micro",
            "-c",
            "cache.engineVersion=7.0",
            "-c",
            "cache.snapshotRetentionDays=0",
            "-c",
            "services[0].sharedPath=/tmp/shared",
            "-c",
            "services[1].sharedPath=srv/files",
        ),
        planCacheType: runTool("tools/plan.ts", "--stack", "prod", "-c", "cache.nodeType=r7g.large"),
        planOperations: runTool(
            "tools/plan.ts",
            "--stack",
            "prod",
            "-c",
            "operations.healthSignal=composite",
            "-c",
            "operations.servingEvaluationMinutes=0",
            "-c",
            "operations.guardDuty.minimumSeverity=11",
            "-c",
            "operations.faults.stopTasksPercent=0",
            "-c",
            "auditLogRetentionDays=100",
        ),
        policyEmpty: runTool("tools/policyCheck.ts", emptyPlanFile),
        benchArg: runTool("tools/bench.ts", "--stack", "prod"),
        drillStray: runTool("tools/drill.ts", "--all-stacks", "-c", "drill=outage", "prod"),
        reportBadConfig: runTool("tools/report.ts", "-c", "strategy=bogus", "-c", "web.minSize=-1"),
    };
    return spawned;
}

async function exitsTwo(name: string, re: RegExp): Promise<void> {
    const r = await processes()[name];
    assert.equal(r.code, 2, `${name}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr + r.stdout, STACK_TRACE);
}

describe("bad input: every mistake is refused cleanly", function () {
    this.timeout(180000);
    before(() => {
        processes();
    });

    // -----------------------------------------------------------------------------------------------------
    describe("1. an empty or null value is never coerced into a number", () => {
        it("-c key= (empty) is refused, naming the key as an empty value", async () => {
            const problems = await configProblems(() =>
                loadFromFiles(files, overrides("web.minSize=", "dns.failureThreshold=", "capacity.warmStandbyFraction=")),
            );
            has(problems, /securecart:web\.minSize: got an empty value \(""\); expected a whole number from 0 to 1000/);
            has(problems, /securecart:dns\.failureThreshold: got an empty value/);
            has(problems, /securecart:capacity\.warmStandbyFraction: got an empty value/);
            wellFormed(problems);
        });

        it("a YAML key left blank (minSize:) in a stack file is refused, at any depth", async () => {
            const dir = projectWith({
                "Pulumi.prod.yaml": (t) => `${t}  securecart:web:\n    minSize:\n  securecart:drill:\n`,
            });
            const problems = await problemsIn(dir);
            has(problems, /^\[stack prod\] securecart:web\.minSize: got an empty value; expected a whole number/);
            has(problems, /^\[stack prod\] securecart:drill: got an empty value \(""\); expected one of none, outage/);
            wellFormed(problems);
        });

        it("null, true or a list is not a number either", async () => {
            for (const v of [null, true, [], ""]) {
                const problems = await configProblems(() =>
                    parseStackConfig("securecart", "prod", { ...base(), "securecart:backup": { intervalHours: v } }),
                );
                has(problems, /securecart:backup\.intervalHours: got .*; expected a whole number/);
            }
        });

        it("the plan CLI exits 2 on bad edge values, naming each at once (a real process)", async () => {
            await exitsTwo("planEdge", /securecart:edge\.waf\.rateLimit: got "0"; expected a whole number from 10 to 2000000000/);
            await exitsTwo("planEdge", /securecart:edge\.waf\.ruleGroups\.common: got "allow"; expected one of block, count/);
            await exitsTwo("planEdge", /securecart:edge\.priceClass: got "cheap"; expected one of PriceClass_100, PriceClass_200, PriceClass_All/);
            await exitsTwo("planEdge", /securecart:dns: unknown key\(s\) "healthCheckInterval".*it was removed/);
        });

        it("the plan CLI exits 2 on bad sign-in and API values, naming each at once (a real process)", async () => {
            await exitsTwo("planIdentity", /securecart:identity\.mfa: got "required" with strategy "warm-standby"; expected "optional"/);
            await exitsTwo("planIdentity", /securecart:api\.publicRoutes\[0\]: got "GET \/api\/admin"; expected a route under a service's path/);
            await exitsTwo("planIdentity", /securecart:api\.throttlingRateLimit: got "0"; expected a whole number from 1 to 10000/);
        });

        it("the plan CLI exits 2 on empty values, naming each (a real process)", async () => {
            await exitsTwo("planEmpty", /securecart:web\.minSize: got an empty value/);
            await exitsTwo("planEmpty", /securecart:failoverMode: got an empty value/);
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("1b. the cache and the shared files: each bad value named with its key, its value and what is allowed", () => {
        it("bad cache settings and shared paths are refused in-process, all at once", async () => {
            const problems = await configProblems(() =>
                loadFromFiles(
                    files,
                    cli([
                        "cache.nodeType=cache.t4g.micro",
                        "cache.engineVersion=7.0",
                        "cache.snapshotRetentionDays=0",
                        "services[0].sharedPath=/tmp/shared",
                        "services[1].sharedPath=srv/files",
                    ]),
                ),
            );
            // A T-class node with warm standby: a Global Datastore takes large or bigger nodes of its families only.
            has(
                problems,
                /^\[stacks dr, prod\] securecart:cache\.nodeType: got "cache\.t4g\.micro" with strategy "warm-standby"; expected a type a Global Datastore accepts: m5, m6g, m7g, r5, r6g, r6gd, r7g, c7gn families, large or bigger/,
            );
            has(
                problems,
                /securecart:cache\.engineVersion: got "7\.0"; expected a Valkey version, major\.minor, 7\.2 or later \(7\.2, 8\.x or 9\.x\), such as 8\.0/,
            );
            has(problems, /securecart:cache\.snapshotRetentionDays: got "0"; expected a whole number from 1 to 35/);
            has(
                problems,
                /securecart:services\[0\]\.sharedPath: got "\/tmp\/shared", which overlaps writable path "\/tmp"; expected a path of its own/,
            );
            has(
                problems,
                /securecart:services\[1\]\.sharedPath: got "srv\/files"; expected an absolute path in the container, below \/ and without \. or \.\. segments/,
            );
            assert.equal(problems.length, 5, problems.join("\n"));
            wellFormed(problems);
        });

        it("a node type that is not one, and a cache that differs between stacks, are refused naming the key", async () => {
            has(
                await configProblems(() => loadFromFiles(files, cli(["cache.nodeType=r7g.large"]))),
                /securecart:cache\.nodeType: got "r7g\.large"; expected an ElastiCache node type, cache\.<family>\.<size> in lowercase, such as cache\.r7g\.large/,
            );
            // One Global Datastore: every stack must agree on the cache (a secondary cannot differ from its primary).
            const dir = projectWith({ "Pulumi.dr.yaml": (t) => `${t}  securecart:cache:\n    nodeType: cache.r7g.xlarge\n` });
            const problems = await problemsIn(dir);
            has(
                problems,
                /^securecart:cache: stack "prod" has \{"nodeType":"cache\.r7g\.large".* but stack "dr" has \{"nodeType":"cache\.r7g\.xlarge".*; expected the same value in every stack$/,
            );
            wellFormed(problems);
        });

        it("a T-class node is accepted where no Global Datastore is built, and refused when one is (a stack file's strategy)", async () => {
            const [dr] = loadFromFiles(files, cli(["cache.nodeType=cache.t4g.small", "strategy=pilot-light"]));
            assert.equal(dr.cache.nodeType, "cache.t4g.small");
            has(
                await configProblems(() => loadFromFiles(files, cli(["cache.nodeType=cache.t4g.small", "strategy=active-active"]))),
                /securecart:cache\.nodeType: got "cache\.t4g\.small" with strategy "active-active"/,
            );
        });

        it("the plan CLI exits 2 on them, naming each at once, with no stack trace (a real process)", async () => {
            await exitsTwo(
                "planCacheFiles",
                /securecart:cache\.nodeType: got "cache\.t4g\.micro" with strategy "warm-standby"; expected a type a Global Datastore accepts/,
            );
            await exitsTwo("planCacheFiles", /securecart:cache\.engineVersion: got "7\.0"; expected a Valkey version/);
            await exitsTwo("planCacheFiles", /securecart:cache\.snapshotRetentionDays: got "0"; expected a whole number from 1 to 35/);
            await exitsTwo("planCacheFiles", /securecart:services\[0\]\.sharedPath: got "\/tmp\/shared", which overlaps writable path "\/tmp"/);
            await exitsTwo("planCacheFiles", /securecart:services\[1\]\.sharedPath: got "srv\/files"; expected an absolute path in the container/);
            await exitsTwo("planCacheType", /securecart:cache\.nodeType: got "r7g\.large"; expected an ElastiCache node type/);
        });

        it("the plan CLI exits 2 on the operations keys, naming each at once (a real process)", async () => {
            await exitsTwo("planOperations", /securecart:operations\.healthSignal: got "composite"; expected one of storefront, region-serving/);
            await exitsTwo("planOperations", /securecart:operations\.servingEvaluationMinutes: got "0"; expected a whole number from 1 to 10/);
            await exitsTwo(
                "planOperations",
                /securecart:operations\.guardDuty\.minimumSeverity: got "11"; expected a GuardDuty severity from 1 to 10/,
            );
            await exitsTwo("planOperations", /securecart:operations\.faults\.stopTasksPercent: got "0"; expected a whole number from 1 to 100/);
            await exitsTwo("planOperations", /securecart:auditLogRetentionDays: got "100"; expected a retention CloudWatch Logs accepts/);
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("2. no argument is silently ignored, by any CLI", () => {
        it("plan: a stray positional, --base, a value on a flag and a doubled --policy-config are refused, all at once", () => {
            const msg = usageProblems(() =>
                parseArgs(
                    ["stray", "--base", "strategy=pilot-light", "--json=false", "--policy-config", "a.json", "--policy-config", "b.json", "--stack="],
                    PLAN_FLAGS,
                    PLAN_VALUE_FLAGS,
                ),
            );
            assert.match(msg, /"stray"[^:]*: unexpected argument/);
            assert.match(msg, /--base: unknown option; allowed: --stack NAME, -c key=value/);
            assert.match(msg, /--json=false: --json takes no value/);
            assert.match(msg, /--policy-config: given twice \("a\.json" and "b\.json"\)/);
            assert.match(msg, /--stack: got an empty value; expected a stack name/);
        });

        it("policy:check takes exactly one plan file and no --stack/-c; bench takes nothing; drill takes no positional", async () => {
            assert.match(
                usageProblems(() => parseArgs(["a.json", "b.json"], POLICY_CHECK_ARGS)),
                /got 2 PLAN\.json argument\(s\); expected exactly 1/,
            );
            assert.match(
                usageProblems(() => parseArgs([], POLICY_CHECK_ARGS)),
                /got 0 PLAN\.json argument\(s\)/,
            );
            assert.match(
                usageProblems(() => parseArgs(["p.json", "-c", "x=y"], POLICY_CHECK_ARGS)),
                /-c: unknown option/,
            );
            assert.match(
                usageProblems(() => parseArgs(["--runs", "5"], BENCH_ARGS)),
                /--runs: unknown option; allowed: no arguments/,
            );
            assert.match(
                usageProblems(() => parseArgs(["--all-stacks", "prod"], DRILL_ARGS)),
                /"prod": unexpected argument/,
            );
            assert.match(await rejectsWithUsage(runPolicyCheck(["a.json", "b.json"])), /expected exactly 1/);
            assert.match(await rejectsWithUsage(runDrill(["--all-stacks", "extra"])), /"extra": unexpected argument/);
            assert.match(await rejectsWithUsage(Promise.resolve().then(() => runBench(["extra"]))), /"extra": unexpected argument/);
        });

        it("plan and bench exit 2 on what they do not understand (real processes)", async () => {
            await exitsTwo("planStray", /"stray": unexpected argument/);
            await exitsTwo("benchArg", /--stack: unknown option; allowed: no arguments/);
            await exitsTwo("drillStray", /"prod": unexpected argument/);
        });

        it("report exits 2 on bad configuration, naming every problem at once, and writes no page", async () => {
            await exitsTwo(
                "reportBadConfig",
                /securecart:strategy: got "bogus"; expected one of backup-restore, pilot-light, warm-standby, active-active/,
            );
            const r = await processes().reportBadConfig;
            assert.match(r.stderr, /securecart:web\.minSize: got "-1"; expected a whole number/);
            assert.equal(pageStamp(), pageBeforeProcesses, "the page is left as it was");
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("3. Pulumi.yaml's config: is read, and refused, the way the Pulumi CLI does", () => {
        it("a project key given a map without value: is refused, naming the key (not silently ignored)", async () => {
            const problems = await problemsIn(projectWith({ "Pulumi.yaml": replaceIn(TAGS_WRAPPED, TAGS_BARE) }));
            has(
                problems,
                /^Pulumi\.yaml config\.securecart:tags: got attribute\(s\) "app", "owner", "costCenter"; expected a declaration with only type, items, description, secret, default, value .*put it under value:/,
            );
        });

        it("a misspelt value: is refused with a suggestion, and the key is not reported missing again", async () => {
            const problems = await problemsIn(
                projectWith({ "Pulumi.yaml": replaceIn("  securecart:dns:\n    value:", "  securecart:dns:\n    vaule:") }),
            );
            has(problems, /^Pulumi\.yaml config\.securecart:dns: got attribute\(s\) "vaule".*did you mean "value" for "vaule"\?/);
            assert.ok(!problems.some((p) => /securecart:dns: got \(missing\)/.test(p)), problems.join("\n"));
        });

        it("the CLI's declaration rules: other namespaces take value: only; default and value exclude each other; arrays need items; a typed default must match", async () => {
            const dir = projectWith({
                "Pulumi.yaml": (t) =>
                    `${t}  aws:region:\n    default: us-east-1\n  aws:profile:\n    description: the profile\n  aws:skipMetadataApiCheck:\n    type: boolean\n    value: true\n` +
                    "  securecart:stackOrg:\n    default: a\n    value: b\n  securecart:regionsList:\n    type: array\n  securecart:failoverMode:\n    type: integer\n    default: planned\n" +
                    "  securecart:keepRestored: 1.5\n  securecart:drill:\n  securecart:failoverControl:\n    type: list\n  securecart:a:b:c: 1\n",
            });
            const problems = await problemsIn(dir);
            has(
                problems,
                /^Pulumi\.yaml config\.aws:region\.default: a key outside the project namespace takes no default .*expected value: instead of default:/,
            );
            has(problems, /^Pulumi\.yaml config\.aws:profile: got no value:; expected value:/);
            has(problems, /^Pulumi\.yaml config\.aws:skipMetadataApiCheck\.type: a key outside the project namespace takes no type/);
            has(problems, /^Pulumi\.yaml config\.securecart:stackOrg: got both default: and value:; expected one of them/);
            has(problems, /^Pulumi\.yaml config\.securecart:regionsList: declares type array without items:/);
            has(problems, /^Pulumi\.yaml config\.securecart:failoverMode\.default: got "planned"; expected a value of the declared type integer/);
            has(
                problems,
                /^Pulumi\.yaml config\.securecart:keepRestored: got 1\.5; expected a string, an integer, true\/false, a list, or a declaration map with value:/,
            );
            has(problems, /^Pulumi\.yaml config\.securecart:drill: got an empty value; expected a string/);
            has(
                problems,
                /^Pulumi\.yaml config\.securecart:failoverControl\.type: got "list"; expected one of string, integer, boolean, array, object/,
            );
            has(problems, /^Pulumi\.yaml config\.securecart:a:b:c: not a configuration key/);
            wellFormed(problems);
        });

        it("a key declared without value or default must be set by every stack; declared types and secrets are checked against the stacks", async () => {
            const dir = projectWith({
                "Pulumi.yaml": (t) =>
                    `${t}  securecart:rtoTarget:\n    type: string\n    description: the RTO target\n  securecart:stackOrg:\n    type: integer\n    default: 7\n  securecart:keepRestored:\n    secret: true\n    default: false\n`,
                "Pulumi.dr.yaml": (t) => `${t}  securecart:rtoTarget: 15m\n  securecart:stackOrg: acme\n`,
            });
            const problems = await problemsIn(dir);
            has(
                problems,
                /^\[stack prod\] securecart:rtoTarget: got \(missing\); expected a value in this stack: .*Stack 'prod' is missing configuration value 'securecart:rtoTarget'/,
            );
            has(problems, /^\[stack dr\] securecart:stackOrg: got "acme"; expected a value of type integer, as Pulumi\.yaml declares/);
            has(problems, /securecart:keepRestored: got a plain value; expected an encrypted one .*must be encrypted as it's secret/);
            assert.ok(!problems.some((p) => /\[stack dr\] securecart:rtoTarget/.test(p)), "dr sets it");
        });

        it("what the CLI reads, read the same way: a bare project value is its default, ns:config:key is ns:key, stackConfigDir holds the stack files", async () => {
            const dir = projectWith({
                "Pulumi.yaml": (t) =>
                    replaceIn(
                        "  securecart:strategy:\n    value: warm-standby\n",
                        "  securecart:strategy: pilot-light\n  securecart:config:failoverControl:\n    value: dns\n",
                    )(t) + "stackConfigDir: stacks\n",
                "stacks/Pulumi.prod.yaml": () => fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8"),
                "stacks/Pulumi.dr.yaml": () => fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dr.yaml"), "utf8"),
            });
            fs.rmSync(path.join(dir, "Pulumi.prod.yaml"));
            fs.rmSync(path.join(dir, "Pulumi.dr.yaml"));
            const stacks = loadFromFiles(loadProjectFiles(dir));
            assert.deepEqual(
                stacks.map((s) => [s.stack, s.strategy, s.failoverControl]),
                [
                    ["dr", "pilot-light", "dns"],
                    ["prod", "pilot-light", "dns"],
                ],
            );
        });

        it("property: malformed Pulumi.yaml config entries are refused, naming the key", async () => {
            // Keys the shipped Pulumi.yaml does not set (a second entry for one it sets is a YAML error of its own).
            const key = fc.constantFrom("securecart:stackOrg", "securecart:web", "securecart:drill", "aws:region", "failoverControl", "aws:profile");
            const typo = fc.constantFrom("vaule", "valeu", "Value", "values", "defualt", "val");
            const entry = fc.oneof(
                fc.record({
                    kind: fc.constant("bare map"),
                    v: fc.dictionary(
                        fc.stringMatching(/^[a-z]{3,8}$/).filter((k) => !["type", "items", "description", "secret", "default", "value"].includes(k)),
                        fc.string({ maxLength: 8 }),
                        { minKeys: 1, maxKeys: 3 },
                    ),
                }),
                fc.record({ kind: fc.constant("typo"), v: typo.chain((t) => fc.constant({ [t]: "x" })) }),
                fc.record({ kind: fc.constant("both"), v: fc.constant({ default: "a", value: "b" }) }),
                fc.record({
                    kind: fc.constant("bad type"),
                    v: fc.constantFrom("list", "number", "map", "str").map((t) => ({ type: t, default: "x" })),
                }),
                fc.record({
                    kind: fc.constant("float or empty"),
                    v: fc.oneof(
                        fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
                        fc.constant(null),
                    ),
                }),
            );
            await fc.assert(
                fc.asyncProperty(key, entry, async (k, e) => {
                    const dir = projectWith({ "Pulumi.yaml": (t) => `${t}  ${k}: ${JSON.stringify(e.v)}\n` });
                    const problems = await problemsIn(dir);
                    assert.ok(
                        problems.some((p) => p.startsWith(`Pulumi.yaml config.${k}`)),
                        `${k} (${e.kind}) ${JSON.stringify(e.v)}:\n${problems.join("\n")}`,
                    );
                    wellFormed(problems);
                    fs.rmSync(dir, { recursive: true, force: true });
                }),
                { numRuns: 40 },
            );
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("4. every problem the program can determine, in one message", () => {
        it("a schema problem and a semantic one (a duplicate service name) together", async () => {
            const problems = await configProblems(() =>
                loadFromFiles(files, overrides("strategy=bogus", "services[1].name=catalog", "services[0].cpu=lots")),
            );
            has(problems, /securecart:strategy: got "bogus"/);
            has(problems, /securecart:services\[1\]\.name: got "catalog"; expected a unique name/);
            has(problems, /securecart:services\[0\]\.cpu: got "lots"; expected a whole number/);
        });

        it("a problem in one stack file and a cross-stack one (overlapping CIDRs) together", async () => {
            const problems = await configProblems(() => loadFromFiles(files, cli(["dr/network.cidr=10.10.128.0/17", "dr/web.minSize=abc"])));
            has(problems, /^\[stack dr\] securecart:web\.minSize: got "abc"/);
            has(
                problems,
                /securecart:network\.cidr: stack "dr" has 10\.10\.128\.0\/17, which overlaps stack "prod" 10\.10\.0\.0\/16|securecart:network\.cidr: stack "prod" has 10\.10\.0\.0\/16, which overlaps stack "dr"/,
            );
        });

        it("a problem in the files, a bad --stack and a -c problem together", async () => {
            const dir = projectWith({ "Pulumi.yaml": replaceIn(TAGS_WRAPPED, TAGS_BARE) });
            const problems = await configProblems(() => loadFromFiles(loadProjectFiles(dir), overrides("failoverMode=panic"), ["nope"]));
            has(problems, /^Pulumi\.yaml config\.securecart:tags/);
            has(problems, /^--stack: got "nope"/);
            has(problems, /securecart:failoverMode: got "panic"/);
        });

        it("property: any set of independent mistakes is reported in full", async () => {
            const MISTAKES: ReadonlyArray<[string, string[]]> = [
                ["securecart:strategy", ["strategy=bogus"]],
                ["securecart:failoverMode", ["failoverMode=panic"]],
                ["securecart:services[1].name", ["services[1].name=catalog"]],
                ["securecart:services[2].pathPrefix", ["services[2].pathPrefix=/cart"]],
                ["securecart:web.minSize", ["web.minSize=9"]],
                ["securecart:dns.failureThreshold", ["dns.failureThreshold=0"]],
                ["securecart:tables[0].hashKey", ["tables[0].hashKey=nope"]],
                ["securecart:backup.intervalHours", ["backup.intervalHours=5"]],
                ["securecart:database.backupRetentionDays", ["database.backupRetentionDays="]],
                ["securecart:network.cidr", ["dr/network.cidr=10.10.0.0/17"]],
                ["securecart:rtoTarget", ["rtoTarget=soon"]],
                ["securecart:stratgey", ["stratgey=pilot-light"]],
            ];
            fc.assert(
                fc.property(fc.subarray([...MISTAKES], { minLength: 2, maxLength: 5 }), (chosen) => {
                    let problems: readonly string[] = [];
                    try {
                        loadFromFiles(files, cli(chosen.flatMap(([, o]) => o)));
                    } catch (e) {
                        if (!(e instanceof ConfigError)) throw e;
                        problems = e.problems;
                    }
                    for (const [key] of chosen)
                        assert.ok(
                            problems.some((p) => p.includes(`${key}:`)),
                            `${key} not reported:\n${problems.join("\n")}`,
                        );
                    wellFormed(problems);
                }),
                { numRuns: 60 },
            );
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("5. facts about the region: checked before any component, the same clean message", () => {
        it("network.azCount above the region's AZs is a ConfigError from the real program (a RunError under the runtime), for every stack at once", async () => {
            const problems = await configProblems(() => planStacks({ files, overrides: cli(["prod/network.azCount=5", "dr/network.azCount=6"]) }));
            assert.deepEqual([...problems].sort(), [
                "[stack dr] securecart:network.azCount: got 6; expected at most 4, the AZs available in us-west-2 (us-west-2a, us-west-2b, us-west-2c, us-west-2d)",
                "[stack prod] securecart:network.azCount: got 5; expected at most 4, the AZs available in us-east-1 (us-east-1a, us-east-1b, us-east-1c, us-east-1d)",
            ]);
        });

        it("an instance type not offered in the AZs the network uses is named with the AZs (pure rule, facts given)", () => {
            const cfg = parseStackConfig("securecart", "prod", { ...base(), "securecart:web": { instanceType: "x9.huge" } }) as StackConfig;
            const facts = (typeAzs: Record<string, string[]>): Map<string, RegionFacts> =>
                new Map([
                    ["us-east-1", { region: "us-east-1", azs: ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"], instanceTypeAzs: typeAzs }],
                ]);
            assert.deepEqual(factProblems([cfg], facts({})), [
                '[stack prod] securecart:web.instanceType: got "x9.huge"; expected an instance type EC2 offers in us-east-1 (it offers "x9.huge" in none of its AZs)',
            ]);
            assert.deepEqual(factProblems([cfg], facts({ "x9.huge": ["us-east-1a", "us-east-1d"] })), [
                '[stack prod] securecart:web.instanceType: got "x9.huge"; expected one offered in every AZ the network uses (us-east-1a, us-east-1b, us-east-1c); us-east-1 does not offer it in us-east-1b, us-east-1c',
            ]);
            assert.deepEqual(factProblems([cfg], facts({ "x9.huge": ["us-east-1a", "us-east-1b", "us-east-1c"] })), []);
        });

        it("the plan CLI exits 2 with that message, not a 130-line object dump (a real process)", async () => {
            await exitsTwo("planAzs", /error: invalid configuration:\n {2}- \[stack dr\] securecart:network\.azCount: got 5; expected at most 4/);
            const r = await processes().planAzs;
            assert.ok(r.stderr.split("\n").length < 10, r.stderr);
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("6. valid JSON that is not a plan is refused by policy:check", () => {
        const tmp = (doc: unknown) => {
            const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "securecart-plan-")), "plan.json");
            fs.writeFileSync(f, typeof doc === "string" ? doc : JSON.stringify(doc));
            return f;
        };
        const resource = {
            urn: "urn:pulumi:prod::securecart::aws:s3/bucket:Bucket::b",
            type: "aws:s3/bucket:Bucket",
            name: "b",
            inputs: {},
            outputs: {},
        };

        it("an empty list, a stack without resources, fields of the wrong type", () => {
            assert.match(
                usageProblems(() => readPlanFile(tmp([]))),
                /got an empty list; expected at least one stack plan/,
            );
            assert.match(
                usageProblems(() => readPlanFile(tmp({ project: "securecart", stack: "prod", resources: [] }))),
                /plan\.json\.resources: got an empty list; expected the stack's planned resources/,
            );
            const msg = usageProblems(() =>
                readPlanFile(
                    tmp([
                        { project: "securecart", stack: "prod", config: "x", resources: [{ ...resource, inputs: "no", dependencies: [1] }] },
                        { project: "securecart", stack: "prod", resources: [resource] },
                    ]),
                ),
            );
            assert.match(msg, /\[0\]\.config: got "x"; expected an object/);
            assert.match(msg, /\[0\]\.resources\[0\]\.inputs: got "no"; expected an object/);
            assert.match(msg, /\[0\]\.resources\[0\]\.dependencies: got \[1\]; expected a list of strings/);
            assert.match(msg, /\[1\]\.stack: got "prod" again; expected each stack once/);
        });

        it("property: any JSON either is refused naming the file, or reads as plans the analyzer can take", () => {
            const planLike = fc.record(
                {
                    project: fc.oneof(fc.constant("securecart"), fc.jsonValue()),
                    stack: fc.oneof(fc.constantFrom("prod", "dr"), fc.jsonValue()),
                    resources: fc.oneof(
                        fc.array(
                            fc.oneof(
                                fc.constant(resource),
                                fc.jsonValue(),
                                fc.record({
                                    urn: fc.jsonValue(),
                                    type: fc.string(),
                                    name: fc.string(),
                                    inputs: fc.jsonValue(),
                                    outputs: fc.jsonValue(),
                                }),
                            ),
                            { maxLength: 3 },
                        ),
                        fc.jsonValue(),
                    ),
                },
                { requiredKeys: [] },
            );
            fc.assert(
                fc.property(fc.oneof(fc.jsonValue(), planLike, fc.array(planLike, { maxLength: 3 })), (doc) => {
                    const file = tmp(doc);
                    let plans;
                    try {
                        plans = readPlanFile(file);
                    } catch (e) {
                        if (!(e instanceof UsageError)) throw e;
                        assert.ok(e.message.includes(file), e.message);
                        return;
                    }
                    assert.ok(plans.length > 0);
                    for (const p of plans) {
                        assert.ok(typeof p.project === "string" && typeof p.stack === "string" && p.resources.length > 0);
                        for (const r of p.resources)
                            assert.ok(typeof r.urn === "string" && typeof r.type === "string" && r.inputs !== null && typeof r.inputs === "object");
                    }
                }),
                { numRuns: 150 },
            );
        });

        it("policy:check exits 2 on an empty plan (a real process)", async () => {
            await exitsTwo("policyEmpty", /got an empty list; expected at least one stack plan/);
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("7. messages that say what is wrong", () => {
        it("a number too large for a double is not shown as null", async () => {
            const dir = projectWith({ "Pulumi.prod.yaml": (t) => `${t}  securecart:web:\n    minSize: 1e309\n` });
            const problems = [...(await problemsIn(dir)), ...(await configProblems(() => loadFromFiles(files, overrides("web.maxSize=1e309"))))];
            has(
                problems,
                /\[stack prod\] securecart:web\.minSize: got a number too large for a double \(beyond ±1\.8e308\); expected a whole number from 0 to 1000/,
            );
            has(problems, /securecart:web\.maxSize: got "1e309" \(a number too large for a double, beyond ±1\.8e308\)/);
            wellFormed(problems);
        });

        it("a bare string where a list is expected is one complaint, saying a list", async () => {
            const problems = await configProblems(() => loadFromFiles(files, overrides("regions=us-east-1")));
            assert.deepEqual(problems, [
                '[stacks dr, prod] securecart:regions: got "us-east-1"; expected a list (a YAML sequence; with -c, a JSON array such as ["a","b"])',
            ]);
        });

        it("no zod wording: a map is 'a map with keys ...', a list 'a list'", async () => {
            const problems = await configProblems(() =>
                parseStackConfig("securecart", "prod", {
                    ...base(),
                    "securecart:network": "10.0.0.0/16",
                    "securecart:estimates": "x",
                    "securecart:services": "catalog",
                }),
            );
            has(problems, /securecart:network: got "10\.0\.0\.0\/16"; expected a map with keys cidr, azCount, natStrategy, flowLogRetentionDays/);
            has(problems, /securecart:estimates: got "x"; expected a map of names to values/);
            has(problems, /securecart:services: got "catalog"; expected a list/);
            wellFormed(problems);
        });

        it("a key written in the wrong place is named where it was found and where it belongs, not just '(missing)'", async () => {
            const problems = await configProblems(() =>
                parseStackConfig("securecart", "prod", {
                    ...base(),
                    "securecart:network": { azCount: 3 },
                    "securecart:cidr": "10.10.0.0/16",
                    "securecart:web": { instanceType: "t3.large", azCount: 2 },
                }),
            );
            has(
                problems,
                /securecart:network\.cidr: got \(missing\); expected a string \(required\); found "cidr" at securecart:cidr, which is the wrong place/,
            );
            has(problems, /securecart:cidr: unknown key\(s\);.*"cidr" belongs at securecart:network\.cidr/);
            has(problems, /securecart:web: unknown key\(s\) "azCount";.*"azCount" belongs at securecart:network\.azCount/);
            const dotted = await configProblems(() =>
                parseStackConfig("securecart", "prod", {
                    ...base(),
                    "securecart:network": { azCount: 3 },
                    "securecart:network.cidr": "10.10.0.0/16",
                }),
            );
            has(
                dotted,
                /securecart:network\.cidr: got \(missing\);.*found "cidr" at the key "securecart:network\.cidr" \(one key with a dot in its name, not a path\)/,
            );
            has(dotted, /a key with a dot or index is one key named "network\.cidr" to the Pulumi CLI, not a path/);
        });

        it("stack-file keys written outside config: are reported where they must go, not as missing", async () => {
            const dir = projectWith({
                "Pulumi.dr.yaml": (t) =>
                    `${replaceIn("  securecart:network:\n    cidr: 10.20.0.0/16\n    azCount: 3\n", "")(t)}securecart:network:\n  cidr: 10.20.0.0/16\nconfg:\n  x: 1\n`,
            });
            const problems = await problemsIn(dir);
            has(
                problems,
                /^\[stack dr\] securecart:network: found at the top level of Pulumi\.dr\.yaml, outside config:, where the Pulumi CLI ignores it; expected it indented under config:/,
            );
            has(problems, /^Pulumi\.dr\.yaml: unknown top-level key "confg"; did you mean "config"\?/);
            assert.ok(!problems.some((p) => /securecart:network: got \(missing\)/.test(p)), problems.join("\n"));
        });

        it("property: a malformed value for any key is named with its key, in plain words", () => {
            const paths = [
                "strategy",
                "regions",
                "network",
                "network.azCount",
                "network.cidr",
                "web.minSize",
                "web.instanceType",
                "dns.healthCheckInterval",
                "edge",
                "edge.originName",
                "edge.priceClass",
                "edge.waf.rateLimit",
                "edge.waf.rateWindowSeconds",
                "edge.waf.ruleGroups.ipReputation",
                "identity.mfa",
                "identity.passwordMinimumLength",
                "api.throttlingRateLimit",
                "api.publicRoutes",
                "services",
                "services[0].cpu",
                "services[1].port",
                "capacity.warmStandbyFraction",
                "capacity.standby.web.min",
                "database.readers",
                "database.backupRetentionDays",
                "tables[0].attributes",
                "tables[1].billingMode",
                "backup.intervalHours",
                "estimates",
                "keepRestored",
                "rtoTarget",
            ];
            const bad = fc.oneof(
                fc.constantFrom("", "  ", "abc", "1e309", "-1e400", "[x", "{x", "0x10", "NaN", "Infinity", "true", "[]", "{}", "[1,2]", '{"a":1}'),
                fc.string({ maxLength: 6 }),
            );
            fc.assert(
                fc.property(fc.constantFrom(...paths), bad, (p, v) => {
                    let problems: readonly string[];
                    try {
                        loadFromFiles(files, overrides(`${p}=${v}`));
                        return; // some values are valid for some keys ("abc" for a string key): fine
                    } catch (e) {
                        if (!(e instanceof ConfigError)) throw e;
                        problems = e.problems;
                    }
                    const top = p.split(/[.[]/)[0];
                    assert.ok(
                        problems.some((x) => x.includes(`securecart:${top}`)),
                        `${p}=${v}:\n${problems.join("\n")}`,
                    );
                    wellFormed(problems);
                }),
                { numRuns: 300 },
            );
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("8. the plan CLI takes -c STACK/key=value like the drill CLI", () => {
        it("parsed by the shared parser, it applies to that stack only", async () => {
            const args = parseArgs(
                ["--stack", "dr", "-c", "dr/drill=outage", "--config=prod/web.minSize=3", "-c", "strategy=pilot-light"],
                PLAN_FLAGS,
                PLAN_VALUE_FLAGS,
            );
            assert.deepEqual(
                args.overrides.map((o) => [o.stack, o.key, o.path, o.value]),
                [
                    ["dr", "securecart:drill", [], "outage"],
                    ["prod", "securecart:web", ["minSize"], "3"],
                    [undefined, "securecart:strategy", [], "pilot-light"],
                ],
            );
            const plans = await planStacks({ files, overrides: args.overrides });
            const cfg = (s: string, k: string) => plans.find((p) => p.stack === s)!.config[`securecart:${k}`];
            assert.equal(cfg("dr", "drill"), "outage");
            assert.equal(cfg("prod", "drill"), "none");
            assert.equal((cfg("prod", "web") as { minSize: number }).minSize, 3);
            assert.equal((cfg("dr", "web") as { minSize: number }).minSize, 2);
            assert.equal(cfg("dr", "strategy"), "pilot-light");
        });

        it("an unknown stack before the / is named", async () => {
            const problems = await configProblems(() => loadFromFiles(files, cli(["staging/drill=outage"])));
            assert.deepEqual(problems, ['-c staging/drill=outage: got stack "staging"; expected one of dr, prod']);
            assert.match(
                usageProblems(() => parseArgs(["-c", "/drill=outage"], PLAN_FLAGS)),
                /expected STACK\/key=value with a stack name before the \//,
            );
        });
    });

    // -----------------------------------------------------------------------------------------------------
    describe("property: malformed command lines are refused by every CLI, naming the argument", () => {
        const SPECS: ReadonlyArray<[string, CliSpec]> = [
            ["plan", { flags: PLAN_FLAGS, valueFlags: PLAN_VALUE_FLAGS }],
            ["drill", DRILL_ARGS],
            ["report", REPORT_ARGS],
            ["policy:check", POLICY_CHECK_ARGS],
            ["bench", BENCH_ARGS],
        ];
        const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);

        for (const [name, spec] of SPECS) {
            it(`${name}`, () => {
                const good: fc.Arbitrary<readonly string[]>[] = [
                    ...(spec.flags ?? []).map((f) => fc.constant([f])),
                    ...(spec.stack !== false ? [fc.constantFrom("prod", "dr").map((s) => ["--stack", s])] : []),
                    ...(spec.config !== false
                        ? [fc.constantFrom("strategy=pilot-light", "dr/drill=outage", "web.minSize=3").map((c) => ["-c", c])]
                        : []),
                    ...(spec.base ? [fc.constant(["--base", "primaryRegion=us-west-2"])] : []),
                ];
                const known = new Set(["--stack", "-s", "-c", "--config", "--base", ...(spec.flags ?? []), ...(spec.valueFlags ?? [])]);
                // `atEnd`: a flag missing its value goes last (anywhere else it would take the next token as its value).
                const bad: fc.Arbitrary<{ readonly tokens: readonly string[]; readonly names: string; readonly atEnd?: boolean }> = fc.oneof(
                    word.map((w) => ({ tokens: [`--${w}`], names: `--${w}` })).filter((b) => !known.has(b.names)),
                    ...(spec.positionals ? [] : [word.map((w) => ({ tokens: [w], names: `"${w}"` }))]),
                    ...(spec.flags ?? []).map((f) => word.map((w) => ({ tokens: [`${f}=${w}`], names: `${f}=${w}` }))),
                    ...(spec.config !== false
                        ? [
                              word.map((w) => ({ tokens: ["-c", w], names: `-c "${w}"` })),
                              fc.constant({ tokens: ["-c", "--json"], names: "-c: expected key=value after it" }),
                          ]
                        : []),
                    ...(spec.config === false ? [fc.constant({ tokens: ["-c", "strategy=x"], names: "-c: unknown option" })] : []),
                    ...(spec.stack !== false ? [fc.constant({ tokens: ["--stack="], names: "--stack: got an empty value" })] : []),
                    ...(spec.valueFlags ?? []).map((f) => fc.constant({ tokens: [f], names: `${f}: expected a value after it`, atEnd: true })),
                );
                fc.assert(
                    fc.property(good.length ? fc.array(fc.oneof(...good), { maxLength: 4 }) : fc.constant([]), bad, fc.nat(8), (goods, b, at) => {
                        const argv = goods.flat();
                        const i = Math.min(at, argv.length);
                        // Never between a flag and its value.
                        const cut = i > 0 && ["--stack", "-c", "--base", ...(spec.valueFlags ?? [])].includes(argv[i - 1]) ? i + 1 : i;
                        const line = b.atEnd
                            ? [...argv, ...(spec.positionals ? ["plan.json"] : []), ...b.tokens]
                            : [...argv.slice(0, cut), ...b.tokens, ...argv.slice(cut), ...(spec.positionals ? ["plan.json"] : [])];
                        const msg = usageProblems(() => parseArgs(line, spec));
                        assert.ok(msg.includes(b.names), `${name} ${JSON.stringify(line)}: ${msg}`);
                    }),
                    { numRuns: 150 },
                );
            });
        }
    });
});
