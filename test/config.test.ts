import { strict as assert } from "assert";
import * as fc from "fast-check";
import { ConfigError, RawConfig, parseStackConfig, projectProblems } from "../src/config";
import { loadFromFiles, mergeConfig, parseOverride } from "../src/configSource";
import { parseDuration } from "../src/duration";
import { configProblems, files, overrides } from "./helpers";

const base = (stack = "prod"): RawConfig => mergeConfig(files, stack);
const parse = (raw: RawConfig, stack = "prod") => parseStackConfig("securecart", stack, raw);
const problemsOf = (raw: RawConfig) => configProblems(() => parse(raw));
const withNs = (key: string, value: unknown): RawConfig => ({ ...base(), [`securecart:${key}`]: value });
/** The shipped stacks' tables, as the config parses them: a valid `tables` value to edit. */
const shippedTables = () => parse(base()).tables;

describe("config: the shipped stacks", () => {
    it("prod is the home stack and the primary; dr is a standby", () => {
        const [dr, prod] = ["dr", "prod"].map((s) => parse(base(s), s));
        assert.equal(prod.role, "primary");
        assert.equal(prod.isHome, true);
        assert.equal(dr.role, "standby");
        assert.equal(dr.isHome, false);
        assert.deepEqual(projectProblems([prod, dr]), []);
    });

    it("role is derived from primaryRegion, never configured", async () => {
        const [dr, prod] = loadFromFiles(files, overrides("primaryRegion=us-west-2"));
        assert.equal(dr.role, "primary");
        assert.equal(prod.role, "standby");
        assert.equal(prod.isHome, true, "ownership does not move with the primary");
        const problems = await problemsOf(withNs("role", "primary"));
        assert.match(problems[0], /securecart:role: unknown key/);
    });

    it("fills documented defaults", () => {
        const c = parse(base());
        assert.equal(c.network.azCount, 3);
        assert.equal(c.edge.waf.rateLimit, 2000);
        assert.equal(c.edge.assetsPathPattern, "/assets/*");
        assert.equal(c.dns.failureThreshold, 3);
        assert.deepEqual(
            c.services.map((s) => s.name),
            ["catalog", "cart", "orders", "payments"],
        );
        assert.deepEqual(
            c.tables.map((t) => t.name),
            ["carts", "sessions", "orders", "idempotency", "inventory", "ledger"],
        );
        assert.equal(c.database.backupRetentionDays, 7);
        assert.equal(c.pipeline.maxReceiveCount, 5);
        assert.equal(c.pipeline.functionTimeoutSeconds, 30);
        assert.equal(c.pipeline.logRetentionDays, 90);
        assert.equal(c.pipeline.reservedConcurrency.orderProcessor, 10);
        assert.deepEqual(c.cache, { nodeType: "cache.r7g.large", coldNodeType: "cache.t4g.micro", engineVersion: "8.0", snapshotRetentionDays: 7 });
        assert.deepEqual(
            c.services.map((s) => [s.name, s.sharedPath, s.usesCache]),
            [
                ["catalog", "/srv/shared", true],
                ["cart", undefined, true],
                ["orders", undefined, false],
                ["payments", undefined, false],
            ],
        );
    });

    it("a T-class cache node type is refused only where a Global Datastore needs the node type: pilot light and backup-restore take it", async () => {
        for (const strategy of ["pilot-light", "backup-restore"]) {
            const c = parse({ ...withNs("cache", { nodeType: "cache.t4g.small" }), "securecart:strategy": strategy });
            assert.equal(c.cache.nodeType, "cache.t4g.small", strategy);
        }
        const problems = await problemsOf({ ...withNs("cache", { nodeType: "cache.t4g.small" }), "securecart:strategy": "active-active" });
        assert.match(problems.join("\n"), /securecart:cache.nodeType: got "cache.t4g.small" with strategy "active-active"/);
    });
});

describe("config: each rule names the key, the value and what is allowed", () => {
    const cases: Array<[string, RawConfig, RegExp]> = [
        [
            "strategy",
            withNs("strategy", "bogus"),
            /securecart:strategy: got "bogus"; expected one of backup-restore, pilot-light, warm-standby, active-active/,
        ],
        ["unknown region", { ...base(), "aws:region": "mars-east-1" }, /aws:region: got "mars-east-1"; expected a known AWS region/],
        ["primaryRegion unknown", withNs("primaryRegion", "us-east-9"), /securecart:primaryRegion: got "us-east-9"; expected a known AWS region/],
        [
            "primaryRegion not a project region",
            withNs("primaryRegion", "eu-west-1"),
            /securecart:primaryRegion: got "eu-west-1"; expected one of the project's regions/,
        ],
        ["cidr", withNs("network", { cidr: "10.0.0.1/16" }), /securecart:network.cidr: got "10.0.0.1\/16"; expected an IPv4 CIDR/],
        [
            "azCount",
            withNs("network", { cidr: "10.10.0.0/16", azCount: 1 }),
            /securecart:network.azCount: got 1; expected a whole number from 2 to 6/,
        ],
        [
            "natStrategy",
            withNs("network", { cidr: "10.10.0.0/16", natStrategy: "two" }),
            /securecart:network.natStrategy: got "two"; expected one of none, single, one-per-az/,
        ],
        [
            "unknown nested key",
            withNs("network", { cidr: "10.10.0.0/16", nats: 2 }),
            /securecart:network: unknown key\(s\) "nats"; allowed keys: cidr, azCount, natStrategy/,
        ],
        ["unknown top-level key", withNs("stratgey", "x"), /securecart:stratgey: unknown key\(s\); allowed keys: securecart:strategy/],
        ["duration", withNs("rtoTarget", "soon"), /securecart:rtoTarget: got "soon"; expected a duration such as 30s, 15m, 4h or 1d/],
        ["tags", withNs("tags", { app: "a", environment: "e", owner: "o" }), /securecart:tags.costCenter: got \(missing\); expected a string/],
        [
            "removed health interval",
            withNs("dns", { ...(base()["securecart:dns"] as object), healthCheckInterval: 10 }),
            /securecart:dns: unknown key\(s\) "healthCheckInterval".*it was removed: the ALB accepts only CloudFront/,
        ],
        [
            "WAF rate limit",
            withNs("edge", { waf: { rateLimit: 5 } }),
            /securecart:edge.waf.rateLimit: got 5; expected a whole number from 10 to 2000000000/,
        ],
        [
            "WAF group action",
            withNs("edge", { waf: { ruleGroups: { sqlInjection: "allow" } } }),
            /securecart:edge.waf.ruleGroups.sqlInjection: got "allow"; expected one of block, count/,
        ],
        [
            "WAF window",
            withNs("edge", { waf: { rateWindowSeconds: 90 } }),
            /securecart:edge.waf.rateWindowSeconds: got 90; expected 60, 120, 300 or 600/,
        ],
        [
            "origin outside the zone",
            withNs("edge", { originName: "origin.other.org" }),
            /securecart:edge.originName: got "origin.other.org"; expected a name inside securecart:dns.zoneName/,
        ],
        [
            "required MFA with a replica (TOTP does not work there)",
            withNs("identity", { mfa: "required" }),
            /securecart:identity.mfa: got "required" with strategy "warm-standby"; expected "optional": the factor offered \(an authenticator app, TOTP\) does not work on the user pool's replica/,
        ],
        [
            "an alarm subscription whose endpoint does not fit its protocol",
            withNs("operations", {
                subscriptions: [
                    { protocol: "email", endpoint: "oncall" },
                    { protocol: "sms", endpoint: "555" },
                ],
            }),
            /securecart:operations.subscriptions\[1\].endpoint: got "555"; expected a phone number in E.164 form/,
        ],
        [
            "a fault-injection AZ the network does not use",
            { ...withNs("network", { cidr: "10.10.0.0/16", azCount: 2 }), "securecart:operations": { faults: { availabilityZone: 2 } } },
            /securecart:operations.faults.availabilityZone: got 2; expected the position of an AZ the network uses, 0 to 1 \(network.azCount is 2\)/,
        ],
        [
            "a health signal that is not one",
            withNs("operations", { healthSignal: "composite" }),
            /securecart:operations.healthSignal: got "composite"; expected one of storefront, region-serving/,
        ],
        [
            "EKS Runtime Monitoring (superseded by Runtime Monitoring, which the project declares)",
            withNs("operations", { guardDuty: { features: { EKS_RUNTIME_MONITORING: "ENABLED" } } }),
            /securecart:operations.guardDuty.features: unknown key\(s\) "EKS_RUNTIME_MONITORING"; allowed keys: .*RUNTIME_MONITORING/,
        ],
        [
            "a GuardDuty plan the project does not declare",
            withNs("operations", { guardDuty: { features: { MALWARE_PROTECTION: "ENABLED" } } }),
            /securecart:operations.guardDuty.features: unknown key\(s\) "MALWARE_PROTECTION"; allowed keys: S3_DATA_EVENTS/,
        ],
        [
            "a collector too small and a threshold out of range",
            withNs("operations", { tracing: { memoryMiB: 64 }, thresholds: { auroraCpuPercent: 150 } }),
            /securecart:operations.tracing.memoryMiB: got 64; expected a whole number from 128 to 2048/,
        ],
        [
            "a cache node type that is not one",
            withNs("cache", { nodeType: "r7g.large" }),
            /securecart:cache.nodeType: got "r7g.large"; expected an ElastiCache node type, cache.<family>.<size> in lowercase, such as cache.r7g.large/,
        ],
        [
            "a cold cache node type that is not one",
            withNs("cache", { coldNodeType: "cache.T4G.micro" }),
            /securecart:cache.coldNodeType: got "cache.T4G.micro"; expected an ElastiCache node type/,
        ],
        [
            "a Valkey version older than a Global Datastore takes",
            withNs("cache", { engineVersion: "7.1" }),
            /securecart:cache.engineVersion: got "7.1"; expected a Valkey version, major.minor, 7.2 or later \(7.2, 8.x or 9.x\), such as 8.0/,
        ],
        [
            "a Valkey version that is not major.minor",
            withNs("cache", { engineVersion: "8" }),
            /securecart:cache.engineVersion: got "8"; expected a Valkey version/,
        ],
        [
            "snapshots kept longer than ElastiCache allows",
            withNs("cache", { snapshotRetentionDays: 36 }),
            /securecart:cache.snapshotRetentionDays: got 36; expected a whole number from 1 to 35/,
        ],
        [
            "snapshots kept no day",
            withNs("cache", { snapshotRetentionDays: 0 }),
            /securecart:cache.snapshotRetentionDays: got 0; expected a whole number from 1 to 35/,
        ],
        [
            "a node type a Global Datastore refuses, with warm standby (T-class)",
            withNs("cache", { nodeType: "cache.t4g.micro" }),
            /securecart:cache.nodeType: got "cache.t4g.micro" with strategy "warm-standby"; expected a type a Global Datastore accepts: m5, m6g, m7g, r5, r6g, r6gd, r7g, c7gn families, large or bigger \(e.g. cache.r7g.large\)/,
        ],
        [
            "a node type a Global Datastore refuses, with warm standby (too small)",
            withNs("cache", { nodeType: "cache.m7g.medium" }),
            /securecart:cache.nodeType: got "cache.m7g.medium" with strategy "warm-standby"; expected a type a Global Datastore accepts/,
        ],
        [
            "an unknown cache key",
            withNs("cache", { numNodes: 3 }),
            /securecart:cache: unknown key\(s\) "numNodes"; allowed keys: nodeType, coldNodeType, engineVersion, snapshotRetentionDays/,
        ],
        [
            "a shared path that is a writable path",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", sharedPath: "/tmp" }]),
            /securecart:services\[0\].sharedPath: got "\/tmp", which overlaps writable path "\/tmp"; expected a path of its own: not a writable path, inside one or above one/,
        ],
        [
            "a shared path inside a writable path",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", sharedPath: "/var/cache/shared", writablePaths: ["/tmp", "/var/cache"] }]),
            /securecart:services\[0\].sharedPath: got "\/var\/cache\/shared", which overlaps writable path "\/var\/cache"/,
        ],
        [
            "a shared path above a writable path",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", sharedPath: "/run", writablePaths: ["/run/app"] }]),
            /securecart:services\[0\].sharedPath: got "\/run", which overlaps writable path "\/run\/app"/,
        ],
        [
            "a relative shared path",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", sharedPath: "srv/shared" }]),
            /securecart:services\[0\].sharedPath: got "srv\/shared"; expected an absolute path in the container, below \/ and without \. or \.\. segments, such as \/srv\/shared/,
        ],
        [
            "a shared path climbing out with ..",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", sharedPath: "/srv/../tmp" }]),
            /securecart:services\[0\].sharedPath: got "\/srv\/..\/tmp"; expected an absolute path in the container/,
        ],
        [
            "usesCache that is not a boolean",
            withNs("services", [{ name: "catalog", pathPrefix: "/catalog", usesCache: "yes" }]),
            /securecart:services\[0\].usesCache: got "yes"; expected true or false/,
        ],
        [
            "a short minimum password length",
            withNs("identity", { passwordMinimumLength: 8 }),
            /securecart:identity.passwordMinimumLength: got 8; expected a whole number from 12 to 99/,
        ],
        [
            "an unknown feature plan",
            withNs("identity", { featurePlan: "lite" }),
            /securecart:identity.featurePlan: got "lite"; expected one of essentials, plus/,
        ],
        [
            "a sign-in domain outside the zone",
            withNs("identity", { domainName: "auth.other.org" }),
            /securecart:identity.domainName: got "auth.other.org"; expected a name inside securecart:dns.zoneName/,
        ],
        [
            "a plain-HTTP callback",
            withNs("identity", { callbackUrls: ["http://shop.example.com/"] }),
            /securecart:identity.callbackUrls\[0\]: got "http:\/\/shop.example.com\/"; expected an https:\/\/ URL/,
        ],
        [
            "a service under the API's public keep-alive path",
            withNs("services", [{ name: "probe", cpu: 256, memory: 512, port: 8080, pathPrefix: "/keepalive" }]),
            /securecart:services\[0\]\.pathPrefix: got "\/keepalive"; expected another prefix: \/api\/keepalive is the API's public keep-alive route/,
        ],
        [
            "API throttling past the account's burst quota",
            withNs("api", { throttlingBurstLimit: 6000 }),
            /securecart:api.throttlingBurstLimit: got 6000; expected a whole number from 1 to 5000/,
        ],
        [
            "a public route that is not a route key",
            withNs("api", { publicRoutes: ["GET catalog"] }),
            /securecart:api.publicRoutes\[0\]: got "GET catalog"; expected a route key/,
        ],
        [
            "a public route under no service",
            withNs("api", { publicRoutes: ["GET /api/admin/{proxy+}"] }),
            /securecart:api.publicRoutes\[0\]: got "GET \/api\/admin\/\{proxy\+\}"; expected a route under a service's path \(\/api\/catalog, \/api\/cart, \/api\/orders, \/api\/payments\)/,
        ],
        [
            "API log retention CloudWatch does not accept",
            withNs("api", { logRetentionDays: 200 }),
            /securecart:api.logRetentionDays: got 200; expected a retention CloudWatch Logs accepts/,
        ],
        [
            "pipeline maxReceiveCount",
            withNs("pipeline", { maxReceiveCount: 0 }),
            /securecart:pipeline.maxReceiveCount: got 0; expected a whole number from 1 to 1000/,
        ],
        [
            "pipeline function timeout past Lambda's maximum",
            withNs("pipeline", { functionTimeoutSeconds: 901 }),
            /securecart:pipeline.functionTimeoutSeconds: got 901; expected a whole number from 1 to 900/,
        ],
        [
            "pipeline log retention CloudWatch does not accept",
            withNs("pipeline", { logRetentionDays: 2 }),
            /securecart:pipeline.logRetentionDays: got 2; expected a retention CloudWatch Logs accepts: 1, 3, 5/,
        ],
        [
            "flow-log retention CloudWatch does not accept (the same rule as every log retention)",
            withNs("network", { ...(base()["securecart:network"] as object), flowLogRetentionDays: 8 }),
            /securecart:network.flowLogRetentionDays: got 8; expected a retention CloudWatch Logs accepts: 1, 3, 5/,
        ],
        [
            "an audit-log retention CloudWatch does not accept",
            { ...base(), "securecart:auditLogRetentionDays": 100 },
            /securecart:auditLogRetentionDays: got 100; expected a retention CloudWatch Logs accepts: 1, 3, 5/,
        ],
        [
            "edge log retention CloudWatch does not accept",
            withNs("edge", { logRetentionDays: 8 }),
            /securecart:edge.logRetentionDays: got 8; expected a retention CloudWatch Logs accepts: 1, 3, 5/,
        ],
        [
            "a queue consumer's reserved concurrency below 2 (its mapping's least maximum concurrency)",
            withNs("pipeline", { reservedConcurrency: { notifier: 1 } }),
            /securecart:pipeline.reservedConcurrency.notifier: got 1; expected a whole number from 2 to 1000/,
        ],
        [
            "a function's reserved concurrency 0",
            withNs("pipeline", { reservedConcurrency: { dlqWatcher: 0 } }),
            /securecart:pipeline.reservedConcurrency.dlqWatcher: got 0; expected a whole number from 1 to 1000/,
        ],
        [
            "pipeline unknown function",
            withNs("pipeline", { reservedConcurrency: { mailer: 3 } }),
            /securecart:pipeline.reservedConcurrency: unknown key\(s\) "mailer"/,
        ],
        [
            "tables without the pipeline's",
            withNs(
                "tables",
                shippedTables().filter((t) => t.name === "orders"),
            ),
            /securecart:tables: no table "idempotency"; expected one with hashKey "idempotencyKey"/,
        ],
        [
            "a pipeline table with other keys",
            withNs(
                "tables",
                shippedTables().map((t) =>
                    t.name === "idempotency" ? { name: "idempotency", hashKey: "id", attributes: [{ name: "id", type: "S" }] } : t,
                ),
            ),
            /securecart:tables: table "idempotency" has hashKey "id"; expected hashKey "idempotencyKey"/,
        ],
        ["failover mode", withNs("failoverMode", "panic"), /securecart:failoverMode: got "panic"; expected one of planned, unplanned/],
        [
            "record outside its zone",
            withNs("dns", { ...(base()["securecart:dns"] as object), recordName: "shop.other.org" }),
            /securecart:dns.recordName: got "shop.other.org"; expected a name inside securecart:dns.zoneName/,
        ],
        [
            "three regions with failover routing",
            withNs("regions", ["us-east-1", "us-west-2", "eu-west-1"]),
            /securecart:regions: got 3 region\(s\) with strategy "warm-standby"; expected exactly 2/,
        ],
    ];
    for (const [label, raw, re] of cases) {
        it(label, async () => {
            const problems = await problemsOf(raw);
            assert.ok(
                problems.some((p) => re.test(p)),
                `no problem matched ${re}:\n${problems.join("\n")}`,
            );
        });
    }

    it("reports every problem at once", async () => {
        const raw = { ...withNs("strategy", "bogus"), "securecart:failoverMode": "panic", "aws:region": "nowhere" };
        const problems = await problemsOf(raw);
        assert.ok(problems.length >= 3, problems.join("\n"));
    });

    it("structured values given as JSON strings (as the Pulumi runtime passes them) parse the same", () => {
        const raw = base();
        const asStrings = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
        assert.deepEqual(parse(asStrings), parse(raw));
    });
});

describe("config: rules that span stacks", () => {
    it("overlapping CIDRs are an error naming both stacks", async () => {
        const problems = await configProblems(() => loadFromFiles(files, [], undefined, { dr: overrides("network.cidr=10.10.128.0/17") }));
        assert.ok(
            problems.some((p) => /securecart:network.cidr: stack "prod" has 10.10.0.0\/16, which overlaps stack "dr" 10.10.128.0\/17/.test(p)),
            problems.join("\n"),
        );
    });

    it("a strategy that differs between stacks is an error", async () => {
        const problems = await configProblems(() => loadFromFiles(files, [], undefined, { dr: overrides("strategy=pilot-light") }));
        assert.ok(
            problems.some((p) =>
                /securecart:strategy: stack "prod" has "warm-standby" but stack "dr" has "pilot-light"; expected the same value in every stack/.test(
                    p,
                ),
            ),
            problems.join("\n"),
        );
    });

    it("two stacks in one region are an error", async () => {
        const problems = await configProblems(() => loadFromFiles(files, [], undefined, { dr: overrides("aws:region=us-east-1") }));
        assert.ok(
            problems.some((p) => /aws:region: stacks "\w+" and "\w+" both use us-east-1/.test(p)),
            problems.join("\n"),
        );
    });

    it("a mistake made in every stack is reported once, naming the stacks", async () => {
        const problems = await configProblems(() => loadFromFiles(files, overrides("strategy=bogus")));
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^\[stacks dr, prod\] securecart:strategy: got "bogus"/);
    });
});

describe("config: -c overrides", () => {
    it("a short key means the project namespace; a path sets a nested value", () => {
        assert.deepEqual(parseOverride("strategy=pilot-light"), { key: "securecart:strategy", path: [], value: "pilot-light" });
        assert.deepEqual(parseOverride("aws:region=us-east-2"), { key: "aws:region", path: [], value: "us-east-2" });
        assert.deepEqual(parseOverride("tables[0].hashKey=x"), { key: "securecart:tables", path: [0, "hashKey"], value: "x" });
        assert.deepEqual(parseOverride("web.minSize=4"), { key: "securecart:web", path: ["minSize"], value: "4" });
        assert.deepEqual(
            parseOverride("database.engineVersion=16.10"),
            { key: "securecart:database", path: ["engineVersion"], value: "16.10" },
            "a version stays a string",
        );
    });

    it("a path override changes only that value", () => {
        const raw = mergeConfig(files, "prod", overrides("network.azCount=2"));
        assert.deepEqual(raw["securecart:network"], { cidr: "10.10.0.0/16", azCount: "2" });
    });

    it("durations parse to seconds", () => {
        assert.equal(parseDuration("30s"), 30);
        assert.equal(parseDuration("15m"), 900);
        assert.equal(parseDuration("1h30m"), 5400);
        assert.equal(parseDuration("4 hours"), undefined);
    });
});

describe("config: property-based", () => {
    const nsKeys = [
        "strategy",
        "primaryRegion",
        "regions",
        "network",
        "tags",
        "dns",
        "web",
        "services",
        "database",
        "tables",
        "backup",
        "capacity",
        "rtoTarget",
        "failoverMode",
    ];

    it("random malformed values for any key are rejected with a ConfigError naming that key, never another error", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...nsKeys),
                fc.oneof(
                    fc.integer(),
                    fc.string(),
                    fc.boolean(),
                    fc.constant(null),
                    fc.array(fc.string(), { maxLength: 3 }),
                    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
                ),
                (key, value) => {
                    const raw = withNs(key, value);
                    try {
                        parse(raw);
                        return true; // some random values happen to be valid (e.g. a string duration): fine
                    } catch (e) {
                        if (!(e instanceof ConfigError)) throw e;
                        assert.ok(e.problems.length > 0);
                        assert.ok(
                            e.problems.some((p) => p.includes(`securecart:${key}`) || p.startsWith("aws:region")),
                            `${key}: ${e.problems.join(" | ")}`,
                        );
                        return true;
                    }
                },
            ),
            { numRuns: 300 },
        );
    });

    it("random garbage config bags never throw anything but a ConfigError", () => {
        fc.assert(
            fc.property(
                fc.dictionary(fc.oneof(fc.string(), fc.constantFrom(...nsKeys.map((k) => `securecart:${k}`), "aws:region")), fc.jsonValue()),
                (raw) => {
                    try {
                        parse(raw);
                    } catch (e) {
                        if (!(e instanceof ConfigError)) throw e;
                        assert.ok(e.problems.every((p) => typeof p === "string" && p.length > 0));
                    }
                },
            ),
            { numRuns: 300 },
        );
    });

    it("any two generated non-overlapping /16 CIDRs pass; any overlapping pair is rejected", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b) => {
                const prod = parse({ ...base("prod"), "securecart:network": { cidr: `10.${a}.0.0/16` } }, "prod");
                const dr = parse({ ...base("dr"), "securecart:network": { cidr: `10.${b}.0.0/16` } }, "dr");
                const overlap = projectProblems([prod, dr]).some((p) => p.includes("overlaps"));
                assert.equal(overlap, a === b);
            }),
            { numRuns: 200 },
        );
    });
});
