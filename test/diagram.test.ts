import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DiagramStack, mermaidBlock, mermaidFor, writeDiagrams } from "../tools/diagram";
import { estimatePlans } from "../tools/estimateReport";
import { T } from "../src/plan";
import type { PlannedResource } from "../tools/planner";
import { STRATEGIES, planAll } from "./helpers";

/**
 * Mermaid's own parser. mermaid 11 is an ES module and its sanitiser (DOMPurify) needs a DOM, so the test
 * gives it one from jsdom and loads it with a real dynamic import (ts-node would turn `import()` into require).
 */
type Mermaid = { parse(text: string): Promise<{ diagramType: string }> };
let mermaid: Mermaid;
const globals = globalThis as Record<string, unknown>;

async function diagramsOf(strategy: string, ...overrides: string[]): Promise<DiagramStack[]> {
    const plans = await planAll(`strategy=${strategy}`, ...overrides);
    const e = estimatePlans(plans);
    return e.stacks.map((s) => ({ facts: s.facts, role: s.role, resources: plans.find((p) => p.stack === s.stack)!.resources }));
}

describe("diagram: Mermaid topology per stack pair", () => {
    before(async function () {
        this.timeout(60000);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { JSDOM } = require("jsdom") as { JSDOM: new (html: string) => { window: { document: unknown } } };
        const dom = new JSDOM("<!doctype html><html><body></body></html>");
        globals.window = dom.window;
        globals.document = dom.window.document;
        const importEsm = new Function("s", "return import(s)") as (s: string) => Promise<{ default: Mermaid }>;
        mermaid = (await importEsm("mermaid")).default;
    });
    after(() => {
        delete globals.window;
        delete globals.document;
    });

    it("mermaid's parser rejects a broken flowchart (so a passing parse means something)", async () => {
        await assert.rejects(() => mermaid.parse('flowchart LR\n    subgraph a["x"]\n        n1 --> n2\n'));
        await assert.rejects(() => mermaid.parse('flowchart LR\n    a -->|"unterminated| b\n'));
        assert.equal((await mermaid.parse("flowchart LR\n    a --> b\n")).diagramType, "flowchart-v2");
    });

    for (const strategy of STRATEGIES) {
        it(`${strategy}: the diagram of every stack parses as a Mermaid flowchart and shows regions, tiers and DNS routing`, async () => {
            const stacks = await diagramsOf(strategy);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-"));
            const files = writeDiagrams(dir, stacks, strategy);
            assert.deepEqual(files.map((f) => path.basename(f)).sort(), stacks.map((s) => `${s.facts.stack}.md`).sort());
            for (const f of files) {
                const source = mermaidBlock(fs.readFileSync(f, "utf8"));
                assert.ok(source, `${f} has a mermaid block`);
                const parsed = await mermaid.parse(source!);
                assert.equal(parsed.diagramType, "flowchart-v2", f);
                for (const s of stacks)
                    assert.match(
                        source!,
                        new RegExp(`subgraph region_${s.facts.stack}\\["${s.facts.region} · stack ${s.facts.stack} · ${s.role}"\\]`),
                    );
                for (const tier of ["web tier", "application tier", "data tier"]) assert.ok(source!.includes(`"${tier}"`), tier);
                if (strategy === "active-active") assert.match(source!, /dns -->\|"latency · alias \(TTL 60s\)/);
                else {
                    assert.match(source!, /dns -->\|"failover PRIMARY · alias/);
                    if (strategy !== "backup-restore") assert.match(source!, /dns -\.->\|"failover SECONDARY · alias/);
                }
            }
            fs.rmSync(dir, { recursive: true, force: true });
        });
    }

    it("replication arrows carry their mode: Aurora and MREC tables where replicated, backup copies for backup-restore", async () => {
        const pilot = mermaidFor(await diagramsOf("pilot-light"), "pilot-light");
        assert.match(pilot, /==>\|"Aurora global database: async storage replication"\|/);
        assert.match(pilot, /<-->\|"global table MREC \(async, last writer wins\)"\|/);
        assert.match(pilot, /Aurora secondary, headless: 0 instance\(s\)/);
        const warm = mermaidFor(await diagramsOf("warm-standby"), "warm-standby");
        assert.match(warm, /Aurora secondary: 1 instance\(s\)/);
        const br = mermaidFor(await diagramsOf("backup-restore"), "backup-restore");
        assert.doesNotMatch(br, /Aurora global database/);
        assert.doesNotMatch(br, /global table MREC/);
        assert.match(br, /-->\|"AWS Backup cross-region copy every 1h"\|/);
        assert.match(br, /no load balancer or instances \(created at recovery\)/);
        assert.match(br, /no record in this region \(created at recovery\)/);
    });

    for (const strategy of STRATEGIES) {
        it(`${strategy}: the edge, from the plan: users → CloudFront + WAF → the origin hostname's records → each ALB; /assets/* → origin group → both regions' buckets, replicating both ways with RTC`, async () => {
            const stacks = await diagramsOf(strategy);
            const source = mermaidFor(stacks, strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
            assert.match(source, /subgraph edge\["global edge · owned by stack prod · managed in us-east-1, untouched by failover"\]/);
            assert.match(
                source,
                /cdn\{\{"CloudFront shop\.securecart\.example\.com \+ AWS WAF securecart-edge: 4 managed rule group\(s\), 1 rate rule\(s\)"\}\}/,
            );
            assert.match(source, /users -->\|"HTTPS"\| cdn/);
            assert.doesNotMatch(source, /users --> dns/, "users reach the origin only through CloudFront");
            assert.match(source, /cdn -->\|"default behaviour: all methods, not cached → origin-shop\.securecart\.example\.com"\| dns/);
            assert.match(source, /dns\{\{"Route 53 origin-shop\.securecart\.example\.com"\}\}/);
            assert.match(source, /cdn -->\|"\/assets\/\* · cached"\| origin_group_0/);
            assert.match(source, /origin_group_0\{\{"origin group: fails over per request on 403, 404, 500, 502, 503, 504"\}\}/);
            const bucket = (region: string) => `securecart_assets_\\d{12}_${region.replace(/-/g, "_")}`;
            assert.match(source, new RegExp(`origin_group_0 -->\\|"primary origin \\(OAC\\)"\\| prod_assets_${bucket("us-east-1")}`));
            assert.match(source, new RegExp(`origin_group_0 -\\.->\\|"failover origin \\(OAC\\)"\\| dr_assets_${bucket("us-west-2")}`));
            assert.match(
                source,
                new RegExp(`prod_assets_${bucket("us-east-1")} <-->\\|"S3 replication both ways · RTC 15 min"\\| dr_assets_${bucket("us-west-2")}`),
            );
            for (const s of ["prod", "dr"]) assert.match(source, new RegExp(`subgraph ${s}_static\\["static assets"\\]`));
        });
    }

    it("the order pipeline per region, as the strategy table says: queues everywhere, consumers on or off, the global endpoint between the buses", async () => {
        const consumers = (source: string, stack: string) => new RegExp(`${stack}_fn\\["Lambda: 6 functions · consumers (on|off)`).exec(source)?.[1];
        for (const strategy of STRATEGIES) {
            const source = mermaidFor(await diagramsOf(strategy), strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2", strategy);
            for (const s of ["prod", "dr"]) {
                assert.match(source, new RegExp(`subgraph ${s}_pipeline\\["order pipeline"\\]`), `${strategy} ${s}`);
                assert.match(source, new RegExp(`${s}_queues\\[\\("SQS orders, notifications, each with a DLQ; kept in every role"\\)\\]`));
            }
            assert.equal(consumers(source, "prod"), "on", `${strategy}: the primary consumes`);
            assert.match(source, /prod_queues -->\|"event source mappings on"\| prod_fn/);
            assert.match(source, /prod_fn -->\|"StartExecution"\| prod_saga/);
            const standby = { "backup-restore": undefined, "pilot-light": "off", "warm-standby": "on", "active-active": "on" }[strategy];
            assert.equal(consumers(source, "dr"), standby, `${strategy}: the standby's consumers`);
            if (strategy === "backup-restore") assert.match(source, /dr_nofn\["no consumers \(created at recovery\)"\]/);
            if (strategy === "pilot-light") {
                assert.match(source, /dr_queues -\.->\|"event source mappings off"\| dr_fn/);
                assert.match(source, /dr_bus\{\{"EventBridge bus securecart-orders · rules disabled"\}\}/);
            }
            const endpoint =
                /endpoint_securecart_orders\{\{"EventBridge global endpoint securecart-orders · owned by stack prod · health check · replication on"\}\}/;
            if (strategy === "warm-standby" || strategy === "active-active") {
                assert.match(source, endpoint);
                assert.match(source, /endpoint_securecart_orders -->\|"primary while healthy"\| prod_bus/);
                assert.match(source, /endpoint_securecart_orders -\.->\|"failover"\| dr_bus/);
            } else assert.doesNotMatch(source, /global endpoint/);
        }
        // A warm standby runs at the warm-standby share of the configured concurrency.
        const warm = mermaidFor(await diagramsOf("warm-standby"), "warm");
        const reserved = (stack: string) => Number(new RegExp(`${stack}_fn\\["[^"]*order processor reserved (\\d+)`).exec(warm)?.[1]);
        assert.ok(reserved("dr") < reserved("prod"), `${reserved("dr")} < ${reserved("prod")}`);
    });

    // Sign-in and the API, from the plan: the table the strategy module decides (src/strategy.ts planIdentity, planApi).
    const TIER: Record<(typeof STRATEGIES)[number], { replica?: "ACTIVE" | "INACTIVE"; drCompute: boolean; probe: readonly string[] }> = {
        "backup-restore": { replica: undefined, drCompute: false, probe: [] },
        "pilot-light": { replica: "INACTIVE", drCompute: true, probe: ["dr"] },
        "warm-standby": { replica: "ACTIVE", drCompute: true, probe: ["dr"] },
        "active-active": { replica: "ACTIVE", drCompute: true, probe: [] },
    };
    const replicaNodes = (source: string) =>
        [...source.matchAll(/^\s*(\w+)_userpool_replica\[\("Cognito user pool replica · (\w+)/gm)].map((m) => [m[1], m[2]]);

    for (const strategy of STRATEGIES) {
        it(`${strategy}: sign-in from the plan: the pool in the home region, the replica where planned with its status, replication, the domain failing over`, async () => {
            const stacks = await diagramsOf(strategy);
            const source = mermaidFor(stacks, strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
            assert.match(source, /subgraph prod_identity\["sign-in"\]/);
            assert.match(source, /prod_userpool\[\("Cognito user pool securecart-users \(\w+\) · primary, owned by stack prod"\)\]/);
            assert.doesNotMatch(source, /dr_userpool\[/, "one pool, in the home region");
            assert.match(source, /signin\{\{"Cognito managed login auth\.shop\.securecart\.example\.com · owned by stack prod"\}\}/);
            assert.match(source, /users -->\|"sign-in"\| signin/);
            const expected = TIER[strategy].replica;
            assert.deepEqual(replicaNodes(source), expected ? [["dr", expected]] : [], `${strategy}: the replica node`);
            if (expected) {
                assert.match(
                    source,
                    new RegExp(
                        `dr_userpool_replica\\[\\("Cognito user pool replica · ${expected} · created by stack prod, status set by stack dr"\\)\\]`,
                    ),
                );
                assert.match(source, /subgraph dr_identity\["sign-in"\]/);
                assert.match(source, /prod_userpool ==>\|"Cognito user pool replication"\| dr_userpool_replica/);
                assert.match(source, /signin -->\|"primary while its health check \d+s × \d+ passes"\| prod_userpool/);
                assert.match(source, /signin -\.->\|"failover to us-west-2 when it fails"\| dr_userpool_replica/);
            } else {
                assert.doesNotMatch(source, /dr_identity|replication"\| \w*userpool_replica|failover to/);
                assert.match(source, /signin -->\|"no failover \(no replica\)"\| prod_userpool/);
            }
        });
    }

    it("pilot light promoted: the replica in the promoted region turns ACTIVE; the pool stays with the home stack", async () => {
        const source = mermaidFor(await diagramsOf("pilot-light", "primaryRegion=us-west-2"), "promoted");
        assert.deepEqual(replicaNodes(source), [["dr", "ACTIVE"]]);
        assert.match(source, /prod_userpool\[\("Cognito user pool [^"]* · primary, owned by stack prod"\)\]/);
    });

    for (const strategy of STRATEGIES) {
        it(`${strategy}: the API in every region with compute: API → VPC link → internal load balancer → each service, no public ALB → service edge; /api/* → the API's records; the keep-alive probe where planned`, async () => {
            const stacks = await diagramsOf(strategy);
            const source = mermaidFor(stacks, strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
            assert.match(source, /apidns\{\{"Route 53 api\.shop\.securecart\.example\.com"\}\}/);
            assert.match(
                source,
                /cdn -->\|"\/api\/\* · all methods · not cached \(max TTL 1s\) · Authorization forwarded → api\.shop\.securecart\.example\.com"\| apidns/,
            );
            const withCompute = stacks.filter((x) => x.facts.services.length > 0).map((x) => x.facts.stack);
            assert.deepEqual(withCompute, TIER[strategy].drCompute ? ["prod", "dr"] : ["prod"], "regions with compute");
            for (const { facts: f } of stacks) {
                const s = f.stack;
                assert.match(source, new RegExp(`subgraph ${s}_apitier\\["API tier"\\]`));
                if (!withCompute.includes(s)) {
                    assert.match(source, new RegExp(`${s}_noapi\\["no API \\(created at recovery\\)"\\]`));
                    assert.doesNotMatch(source, new RegExp(`${s}_(api|vpclink|svclb|probe)\\b`));
                    continue;
                }
                assert.match(
                    source,
                    new RegExp(
                        `${s}_api\\{\\{"API Gateway HTTP API securecart-api-${f.region}: 11 route\\(s\\), 8 behind the Cognito JWT authorizer`,
                    ),
                );
                assert.match(source, new RegExp(`${s}_vpclink\\["VPC link securecart-api-${f.region} \\(app subnets\\)"\\]`));
                assert.match(source, new RegExp(`${s}_svclb\\["internal Application Load Balancer: no public address"\\]`));
                assert.match(source, new RegExp(`${s}_api -->\\|"private integration \\(HTTP proxy\\)"\\| ${s}_vpclink`));
                assert.match(source, new RegExp(`${s}_vpclink -->\\|"[^"]*"\\| ${s}_svclb`));
                const routing = strategy === "active-active" ? "latency" : s === "prod" ? "failover PRIMARY" : "failover SECONDARY";
                assert.match(
                    source,
                    new RegExp(`apidns -(->|\\.->)\\|"${routing} · alias \\(TTL 60s\\) · calculated health check of 5 checks[^"]*"\\| ${s}_api`),
                );
                // Every service is reached from the internal load balancer, on its own paths, and from nothing public.
                assert.equal(f.services.length, 4);
                for (const svc of f.services) {
                    const node = `${s}_svc_${svc.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
                    const into = source.split("\n").filter((l) => new RegExp(`\\| ${node}$`).test(l));
                    assert.equal(into.length, 1, `${node}: ${into.join("; ")}`);
                    assert.match(into[0], new RegExp(`^\\s*${s}_svclb -->\\|"/api/\\w+, /api/\\w+/\\* · X-Origin-Verify header required"\\|`));
                }
                // The probe where the region takes no traffic.
                const probe = TIER[strategy].probe.includes(s);
                assert.equal(
                    new RegExp(`${s}_probe\\["Lambda keep-alive probe securecart-api-keepalive-${f.region} · rate\\(1 day\\)"\\]`).test(source),
                    probe,
                    `${s} probe`,
                );
                assert.equal(new RegExp(`${s}_probe -\\.->\\|"[^"]*"\\| ${s}_api`).test(source), probe);
            }
            assert.doesNotMatch(source, /_alb -[-.]+>\|[^|]*\| \w+_svc_/, "no edge from a public ALB to a service");
            // The probe is the API's: the order pipeline's function count leaves it out.
            assert.doesNotMatch(source, /Lambda: 7 functions/);
        });
    }

    // The cache and the shared files, from the plan: the shape src/strategy.ts decides (planCache, planFiles).
    const GLOBAL_CACHE = (strategy: string) => strategy === "warm-standby" || strategy === "active-active";
    const cacheNode = (source: string, stack: string) =>
        new RegExp(`^\\s*${stack}_cache_securecart_cache_rg\\[\\("([^"]*)"\\)\\]`, "m").exec(source)?.[1];
    const efsNode = (source: string, stack: string) =>
        new RegExp(`^\\s*${stack}_efs_securecart_files_fs\\[\\("([^"]*)"\\)\\]`, "m").exec(source)?.[1];
    const GDS_EDGE =
        /(\w+)_cache_securecart_cache_rg ==>\|"ElastiCache Global Datastore \(owned by stack prod\): async replication"\| (\w+)_cache_securecart_cache_rg/;
    const EFS_EDGE = /(\w+)_efs_securecart_files_fs ==>\|"replicates into · EFS replication: async, one way"\| (\w+)_efs_securecart_files_fs/;
    const mountOf = (source: string, stack: string) =>
        new RegExp(
            `${stack}_svc_securecart_svc_catalog_service -->\\|"mounts (read-only|read-write) · access point /catalog, TLS, IAM"\\| ${stack}_efs_securecart_files_fs`,
        ).exec(source)?.[1];

    for (const strategy of STRATEGIES) {
        it(`${strategy}: the cache and the shared files per region, from the plan: the cache's role and node type, EFS replication or backup copies, the services that mount and read them`, async () => {
            const source = mermaidFor(await diagramsOf(strategy), strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
            for (const s of ["prod", "dr"]) assert.match(source, new RegExp(`subgraph ${s}_cachefiles\\["cache and shared files"\\]`));
            if (GLOBAL_CACHE(strategy)) {
                assert.equal(
                    cacheNode(source, "prod"),
                    "ElastiCache Valkey 8.0 securecart-us-east-1 · Global Datastore primary · cache.r7g.large × 2, Multi-AZ",
                );
                assert.equal(
                    cacheNode(source, "dr"),
                    "ElastiCache Valkey 8.0 securecart-us-west-2 · Global Datastore secondary · cache.r7g.large (the datastore's) × 2, Multi-AZ",
                );
                assert.deepEqual(GDS_EDGE.exec(source)?.slice(1), ["prod", "dr"]);
            } else {
                assert.equal(cacheNode(source, "prod"), "ElastiCache Valkey 8.0 securecart-us-east-1 · standalone · cache.r7g.large × 2, Multi-AZ");
                assert.equal(
                    cacheNode(source, "dr"),
                    "ElastiCache Valkey 8.0 securecart-us-west-2 · standalone (cold) · cache.t4g.micro × 2, Multi-AZ",
                );
                assert.doesNotMatch(source, /Global Datastore/);
            }
            assert.equal(efsNode(source, "prod"), "EFS securecart-files-us-east-1 · writable · encrypted · access point /catalog");
            // The primary's file system backs up and copies to the other region's vault in every strategy.
            assert.match(source, /prod_efs_securecart_files_fs -\.->\|"backups copied to us-west-2 · AWS Backup every 1h"\| dr_vault/);
            assert.equal(mountOf(source, "prod"), "read-write");
            assert.match(
                source,
                /prod_svc_securecart_svc_catalog_service -->\|"reads and writes · TLS, RBAC user, endpoint and password from SSM"\| prod_cache_securecart_cache_rg/,
            );
            assert.match(
                source,
                /prod_svc_securecart_svc_cart_service -->\|"reads and writes · TLS, RBAC user, endpoint and password from SSM"\| prod_cache_securecart_cache_rg/,
            );
            assert.doesNotMatch(source, /svc_(orders|payments)_service -->\|"[^"]*"\| \w+_(cache|efs)_/, "only the services configured to use them");
            if (strategy === "backup-restore") {
                assert.equal(efsNode(source, "dr"), "EFS securecart-files-us-west-2 · writable · encrypted · access point /catalog");
                assert.doesNotMatch(source, EFS_EDGE);
                assert.equal(mountOf(source, "dr"), undefined, "no services in the standby");
            } else {
                assert.equal(
                    efsNode(source, "dr"),
                    "EFS securecart-files-us-west-2 · replication destination: read-only · encrypted · access point /catalog",
                );
                assert.deepEqual(EFS_EDGE.exec(source)?.slice(1), ["prod", "dr"]);
                assert.equal(mountOf(source, "dr"), "read-only");
            }
        });
    }

    it("after a switchover the cache's primary, the replication's direction and the read-only mounts follow the new primary", async () => {
        const warm = mermaidFor(await diagramsOf("warm-standby", "primaryRegion=us-west-2"), "warm, switched");
        assert.match(
            cacheNode(warm, "dr") ?? "",
            /Global Datastore primary · cache\.r7g\.large \(the datastore's\)/,
            "the promoted secondary keeps the home group's node type",
        );
        assert.match(cacheNode(warm, "prod") ?? "", /Global Datastore secondary · cache\.r7g\.large × 2/);
        assert.deepEqual(GDS_EDGE.exec(warm)?.slice(1), ["dr", "prod"]);
        assert.deepEqual(EFS_EDGE.exec(warm)?.slice(1), ["dr", "prod"]);
        assert.equal(mountOf(warm, "dr"), "read-write");
        assert.equal(mountOf(warm, "prod"), "read-only");
        const pilot = mermaidFor(await diagramsOf("pilot-light", "primaryRegion=us-west-2"), "pilot, promoted");
        assert.match(cacheNode(pilot, "dr") ?? "", /· standalone · cache\.r7g\.large/, "resized to full by the promotion");
        assert.match(cacheNode(pilot, "prod") ?? "", /· standalone \(cold\) · cache\.t4g\.micro/);
    });

    it("unplanned failover: no EFS replication is drawn (it needs the lost region), and the fenced old primary mounts read-only", async () => {
        const source = mermaidFor(await diagramsOf("warm-standby", "primaryRegion=us-west-2", "failoverMode=unplanned"), "unplanned");
        assert.doesNotMatch(source, EFS_EDGE);
        assert.equal(efsNode(source, "dr"), "EFS securecart-files-us-west-2 · writable · encrypted · access point /catalog");
        assert.equal(mountOf(source, "dr"), "read-write");
        assert.equal(mountOf(source, "prod"), "read-only");
    });

    it("the cache and files are read from the planned resources, not the strategy: edit the plan and the diagram follows", async () => {
        const stacks = await diagramsOf("warm-standby");
        const [prod, dr] = stacks;
        const without = (x: DiagramStack, type: string) => ({
            ...x,
            resources: (x.resources as readonly PlannedResource[]).filter((r) => r.type !== type),
        });
        // No replication declared: no edge, and the other file system is writable.
        const noReplication = mermaidFor([without(prod, "pulumi-nodejs:dynamic/securecart:FilesReplication"), dr], "edited");
        assert.doesNotMatch(noReplication, EFS_EDGE);
        assert.match(efsNode(noReplication, "dr") ?? "", /· writable ·/);
        // No cache planned in a region: no node, no edge into it.
        const noCache = mermaidFor([prod, without(dr, T.cacheReplicationGroup)], "edited");
        assert.equal(cacheNode(noCache, "dr"), undefined);
        assert.doesNotMatch(noCache, GDS_EDGE);
        // A primary's node type edited in the plan shows, on the secondary too.
        const bigger = {
            ...prod,
            resources: (prod.resources as readonly PlannedResource[]).map((r) =>
                r.type === T.cacheReplicationGroup ? { ...r, inputs: { ...r.inputs, nodeType: "cache.r7g.xlarge" } } : r,
            ),
        };
        assert.match(cacheNode(mermaidFor([bigger, dr], "edited"), "dr") ?? "", /cache\.r7g\.xlarge \(the datastore's\)/);
        // The facts alone (no resources) draw none of it.
        assert.doesNotMatch(
            mermaidFor(
                stacks.map(({ facts, role }) => ({ facts, role })),
                "facts only",
            ),
            /cachefiles|_efs_|_cache_/,
        );
    });

    it("a service rule left on the public ALB shows as a public ALB → service edge (the check above can fail)", async () => {
        const stacks = await diagramsOf("warm-standby");
        const prod = stacks.find((x) => x.facts.stack === "prod")!;
        const rs = prod.resources as readonly PlannedResource[];
        const publicListener = rs.find((r) => r.type === T.listener && r.name === "securecart-web-https")!;
        // The cart's rule hung on the public ALB's listener instead: its dependency and its value name that listener.
        const moved = rs.map((r) =>
            r.type === T.listenerRule && r.name === "securecart-svc-cart-rule"
                ? {
                      ...r,
                      inputs: { ...r.inputs, listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/public/1" },
                      propertyDependencies: { ...r.propertyDependencies, listenerArn: [publicListener.urn] },
                  }
                : r,
        );
        const source = mermaidFor([{ ...prod, resources: moved }, ...stacks.filter((x) => x !== prod)], "moved");
        assert.match(source, /prod_alb -->\|"\/api\/cart, \/api\/cart\/\* · X-Origin-Verify header required"\| prod_svc_securecart_svc_cart_service/);
        assert.doesNotMatch(source, /prod_svclb -->[^\n]*prod_svc_securecart_svc_cart_service/);
    });

    it("after a switchover the edge stays with the home stack, now the standby, and keeps its origin order", async () => {
        const stacks = await diagramsOf("warm-standby", "primaryRegion=us-west-2");
        const source = mermaidFor(stacks, "after switchover");
        assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
        assert.match(source, /owned by stack prod/);
        assert.match(source, /subgraph region_dr\["us-west-2 · stack dr · primary"\]/);
        assert.match(source, /origin_group_0 -->\|"primary origin \(OAC\)"\| prod_assets_/);
    });

    it("without planned resources (facts only) the diagram is drawn as before: users straight to the records", async () => {
        const stacks = (await diagramsOf("pilot-light")).map(({ facts, role }) => ({ facts, role }));
        const source = mermaidFor(stacks, "facts only");
        assert.match(source, /users --> dns/);
        assert.doesNotMatch(source, /cdn|origin_group|_assets_/);
    });

    // The operations tier, from the plan: which FIS templates each region has (src/strategy.ts planOperations().faults).
    const FIS: Record<(typeof STRATEGIES)[number], Record<"prod" | "dr", readonly string[]>> = {
        "backup-restore": { prod: ["aurora-failover", "az-power", "stop-tasks", "subnet-disruption"], dr: [] },
        "pilot-light": { prod: ["aurora-failover", "az-power", "stop-tasks", "subnet-disruption"], dr: [] },
        "warm-standby": {
            prod: ["aurora-failover", "az-power", "stop-tasks", "subnet-disruption"],
            dr: ["az-power", "stop-tasks", "subnet-disruption"],
        },
        "active-active": {
            prod: ["aurora-failover", "az-power", "stop-tasks", "subnet-disruption"],
            dr: ["az-power", "stop-tasks", "subnet-disruption"],
        },
    };
    const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    /** Counted here from the planned resources by value, apart from the model's readers: alarms whose actions are on and name the topic's ARN. */
    const notifyingByValue = (rs: readonly PlannedResource[], topic: PlannedResource) =>
        rs.filter(
            (r) =>
                (r.type === T.metricAlarm || r.type === T.compositeAlarm) &&
                r.inputs.actionsEnabled !== false &&
                (r.inputs.alarmActions as string[] | undefined)?.includes(topic.outputs?.arn as string),
        ).length;

    for (const strategy of STRATEGIES) {
        it(`${strategy}: each region's operations from the plan: its alarm topics with the alarms that notify each, dashboards, GuardDuty, FIS templates; the trail and its bucket in the home stack`, async () => {
            const stacks = await diagramsOf(strategy);
            const source = mermaidFor(stacks, strategy);
            assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
            for (const { facts: f, resources } of stacks) {
                const s = f.stack as "prod" | "dr";
                const rs = resources as readonly PlannedResource[];
                assert.match(source, new RegExp(`subgraph ${s}_ops\\["operations"\\]`));
                // The "serving" composite where the region has compute.
                const composite = f.services.length > 0 ? `, 1 composite \\(securecart-${f.region}-serving\\)` : "";
                assert.match(source, new RegExp(`${s}_alarms\\["CloudWatch alarms: \\d+ metric${composite} · \\d+ quiet`));
                // One node per urgency, listing each topic with the alarms that publish to it.
                const topics = rs.filter((r) => r.type === T.snsTopic && /-(page|notify)$/.test(String(r.inputs.name)));
                assert.equal(topics.length, f.region === "us-east-1" ? 2 : 4, `${s}: its topics, and us-east-1's outside us-east-1`);
                for (const urgency of ["page", "notify"]) {
                    let total = 0;
                    const node = new RegExp(`^\\s*${s}_topic_${urgency}\\[/"([^"]*)"/\\]`, "m").exec(source)?.[1];
                    assert.ok(node, `${s} ${urgency} node`);
                    for (const t of topics.filter((x) => String(x.inputs.name).endsWith(`-${urgency}`))) {
                        const n = notifyingByValue(rs, t);
                        total += n;
                        const where = t.inputs.region !== f.region ? ` \\(${t.inputs.region}\\)` : "";
                        assert.match(
                            node!,
                            new RegExp(`${escape(String(t.inputs.name))}${where} · ${n} alarms? · 1 subscription`),
                            `${s} ${t.inputs.name}`,
                        );
                    }
                    // A solid edge where some alarm publishes to the urgency's topics, dotted where none does.
                    assert.match(source, new RegExp(`${s}_alarms ${total ? "-->" : "-\\.->"}\\|"${urgency}"\\| ${s}_topic_${urgency}`));
                }
                // Dashboards: the region's in every stack, the DR dashboard in the home stack.
                const dashboards = new RegExp(`${s}_dashboards\\["([^"]*)"\\]`).exec(source)?.[1] ?? "";
                assert.match(dashboards, new RegExp(`securecart-${f.region} \\(\\d+ widgets(, 2 regions)?\\)`));
                assert.equal(/securecart-dr \(\d+ widgets, 2 regions\)/.test(dashboards), s === "prod", `${s}: the DR dashboard`);
                // GuardDuty in every region, its findings to the notify topic.
                assert.match(
                    source,
                    new RegExp(`${s}_guardduty\\["GuardDuty detector · 4 of 6 protection plans on · updates every fifteen minutes"\\]`),
                );
                assert.match(source, new RegExp(`${s}_guardduty -->\\|"findings of severity 4 or more"\\| ${s}_topic_notify`));
                // FIS where something runs.
                const fis = FIS[strategy][s];
                const fisNode = new RegExp(`${s}_fis\\["AWS FIS: (\\d+) experiment templates? \\(([^)]*)\\) · 5 stop conditions each"\\]`).exec(
                    source,
                );
                assert.deepEqual(fisNode ? fisNode[2].split(", ") : [], fis, `${s}: its FIS templates`);
                assert.equal(new RegExp(`${s}_alarms -\\.->\\|"stop conditions"\\| ${s}_fis`).test(source), fis.length > 0);
            }
            // The trail: the home stack's, multi-Region, into its Object-Locked bucket; the other region's events reach it.
            assert.match(
                source,
                /prod_trail\["CloudTrail securecart · multi-Region, global service events · log file validation · also to log group \/securecart\/audit\/trail"\]/,
            );
            assert.match(source, /prod_trailbucket\[\("S3 securecart-trail-\d{12}-us-east-1 · Object Lock governance 365 days"\)\]/);
            assert.match(source, /prod_trail -->\|"log files and digests"\| prod_trailbucket/);
            assert.match(source, /region_dr -\.->\|"management events \(multi-Region trail\)"\| prod_trail/);
            assert.doesNotMatch(source, /dr_trail/);
        });
    }

    it("the operations tier is read from the planned resources: a quiet alarm stops counting, no trail planned draws none", async () => {
        const stacks = await diagramsOf("warm-standby");
        const [prod, dr] = stacks;
        const rs = prod.resources as readonly PlannedResource[];
        const pageCount = (source: string) => Number(/prod_topic_page\[\/"SNS page topic: securecart-alarms-page · (\d+) alarms/.exec(source)?.[1]);
        const before = pageCount(mermaidFor(stacks, "before"));
        // Not NaN (no page-topic node matched) on both sides, which the equality below would pass.
        assert.ok(Number.isInteger(before) && before > 0, `the page topic's alarm count before: ${before}`);
        const edge = rs.find((r) => r.type === T.metricAlarm && r.inputs.name === "securecart-us-east-1-edge-errors")!;
        const quieted = rs.map((r) => (r === edge ? { ...r, inputs: { ...r.inputs, actionsEnabled: false } } : r));
        const after = mermaidFor([{ ...prod, resources: quieted }, dr], "quieted");
        assert.equal(pageCount(after), before - 1);
        const noTrail = mermaidFor([{ ...prod, resources: rs.filter((r) => r.type !== T.trail) }, dr], "no trail");
        assert.doesNotMatch(noTrail, /prod_trail|multi-Region trail/);
        assert.equal((await mermaid.parse(noTrail)).diagramType, "flowchart-v2");
    });

    it("labels cannot break the syntax: quotes, pipes and angle brackets in names are neutralised", async () => {
        const [a, b] = await diagramsOf("warm-standby");
        const nasty = { ...a, facts: { ...a.facts, records: a.facts.records.map((r) => ({ ...r, name: `shop"|<b>.example.com` })) } };
        const source = mermaidFor([nasty, b], 'title with "quotes"');
        assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
    });
});
