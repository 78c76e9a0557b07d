/**
 * docs/operations.md says what the code decides: its alarms-per-role tables are regenerated from src/strategy.ts
 * `planOperations` (tools/operationsTable.ts) and compared, and the names and keys it and the configuration reference
 * give are the code's.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { defaultOf } from "../src/config";
import { ALARM_KINDS, planRegion } from "../src/strategy";
import { TEMPLATE_NAMES } from "../components/faultExperiments";
import { alarmsPerRoleTable, swappedRolesTable } from "../tools/operationsTable";
import { PROJECT_DIR, STRATEGIES, strategyInputs } from "./helpers";

const read = (file: string) => fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** The text between `<!-- generated: <name> … -->` and the next `<!-- end generated -->`. */
function generated(doc: string, name: string): string | undefined {
    const m = new RegExp(`<!-- generated: ${name}\\b[^>]*-->\\n([\\s\\S]*?)\\n<!-- end generated -->`).exec(doc);
    return m?.[1];
}

/** The cells of a Markdown table's body rows (header and rule left out). */
const rows = (table: string) =>
    table
        .split("\n")
        .slice(2)
        .map((l) =>
            l
                .replace(/^\|\s*|\s*\|$/g, "")
                .split(/\s*\|\s*/)
                .map((c) => c.replace(/`/g, "")),
        );

describe("docs/operations.md: the alarms per role are the code's", () => {
    const doc = read("docs/operations.md");

    it("the alarms-per-role table is the one planOperations gives for every strategy and role (regenerate: node build/tools/operationsTable.js)", () => {
        assert.equal(generated(doc, "alarms-per-role"), alarmsPerRoleTable());
    });

    it("the swapped-roles table is the one planOperations gives for the other arrangement", () => {
        assert.equal(generated(doc, "swapped-roles"), swappedRolesTable());
    });

    it("the table's cells are planOperations' own, read back from the doc (a primary at home, each standby elsewhere)", () => {
        const table = rows(generated(doc, "alarms-per-role") ?? "");
        assert.deepEqual(
            table.map((r) => r[0]),
            [...ALARM_KINDS],
            "one row per alarm kind, in order",
        );
        const columns = [
            { col: 1, plan: planRegion(strategyInputs({ strategy: "warm-standby", role: "primary", isHome: true })) },
            ...STRATEGIES.map((strategy, i) => ({ col: 2 + i, plan: planRegion(strategyInputs({ strategy, role: "standby", isHome: false })) })),
        ];
        for (const { col, plan } of columns)
            for (const r of table)
                // The primary's cell may name the strategies that decide otherwise after its common value: "page (backup-restore: —)".
                assert.equal(
                    col === 1 ? r[col].replace(/ \(.*\)$/, "") : r[col],
                    plan.operations.alarms[r[0] as (typeof ALARM_KINDS)[number]] ?? "—",
                    `${r[0]}, column ${col}`,
                );
    });

    it("the comparison can fail: one cell changed in the doc no longer matches", () => {
        const table = generated(doc, "alarms-per-role") ?? "";
        const edited = table.replace("| `regionServing` | page |", "| `regionServing` | notify |");
        assert.notEqual(edited, table);
        assert.notEqual(edited, alarmsPerRoleTable());
    });

    it("the FIS templates are named as the component names them", () => {
        for (const name of Object.values(TEMPLATE_NAMES)) assert.ok(doc.includes(`\`${name}\``), name);
        assert.deepEqual(
            [...doc.matchAll(/`(securecart-(?:stop-tasks|az-power|aurora-failover|subnet-disruption)[a-z-]*)`/g)]
                .map((m) => m[1])
                .filter((n) => !(Object.values(TEMPLATE_NAMES) as string[]).includes(n)),
            [],
            "no template name the component does not use",
        );
    });
});

describe("docs/configuration.md: every operations key is documented", () => {
    const conf = read("docs/configuration.md");
    /** The leaf paths of a default value (a list counts as a leaf). */
    const leaves = (v: unknown, at: string[] = []): string[][] =>
        v !== null && typeof v === "object" && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k])) : [at];

    it("each securecart:operations leaf and auditLogRetentionDays has a row naming it", () => {
        const lines = conf.split("\n").filter((l) => l.startsWith("| `securecart:operations."));
        const paths = leaves(defaultOf("operations"));
        assert.ok(paths.length > 20, `${paths.length} leaves`);
        for (const p of paths)
            assert.ok(
                lines.some((l) => p.every((segment) => l.includes(segment))),
                `securecart:operations.${p.join(".")} has no row in docs/configuration.md`,
            );
        assert.match(conf, /^\| `securecart:auditLogRetentionDays` \|[^\n]*\| 365 \|/m);
    });
});
