import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DiagramStack, mermaidBlock, mermaidFor, writeDiagrams } from "../tools/diagram";
import { estimatePlans } from "../tools/estimateReport";
import { STRATEGIES, planAll } from "./helpers";

/**
 * Mermaid's own parser. mermaid 11 is an ES module and its sanitiser (DOMPurify) needs a DOM, so the test
 * gives it one from jsdom and loads it with a real dynamic import (ts-node would turn `import()` into require).
 */
type Mermaid = { parse(text: string): Promise<{ diagramType: string }> };
let mermaid: Mermaid;
const globals = globalThis as Record<string, unknown>;

async function diagramsOf(strategy: string): Promise<DiagramStack[]> {
    const e = estimatePlans(await planAll(`strategy=${strategy}`));
    return e.stacks.map((s) => ({ facts: s.facts, role: s.role }));
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

    it("labels cannot break the syntax: quotes, pipes and angle brackets in names are neutralised", async () => {
        const [a, b] = await diagramsOf("warm-standby");
        const nasty = { ...a, facts: { ...a.facts, records: a.facts.records.map((r) => ({ ...r, name: `shop"|<b>.example.com` })) } };
        const source = mermaidFor([nasty, b], 'title with "quotes"');
        assert.equal((await mermaid.parse(source)).diagramType, "flowchart-v2");
    });
});
