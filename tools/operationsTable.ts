/**
 * The alarms-per-role tables of docs/operations.md, generated from src/strategy.ts `planOperations` for every
 * strategy and role with the shipped configuration (Pulumi.yaml and the home stack's file), so the doc says what the
 * code decides. `node build/tools/operationsTable.js` prints both tables; test/operationsDocs.test.ts compares them
 * with the doc's.
 */
import { STRATEGIES, type Strategy, parseStackConfig } from "../src/config";
import { loadProjectFiles, mergeConfig } from "../src/configSource";
import { ALARM_KINDS, type AlarmKind, type OperationsPlan, type RegionPlan, planOfConfig } from "../src/strategy";
import { PROJECT_DIR } from "./paths";

/** The operations plan of a region in each arrangement the tables show, from the shipped configuration. */
export function operationsPlans(): (strategy: Strategy, role: RegionPlan["role"], isHome: boolean) => OperationsPlan {
    const cfg = parseStackConfig("securecart", "prod", mergeConfig(loadProjectFiles(PROJECT_DIR), "prod"));
    // The shipped configuration with the arrangement swapped in (role and home are derived in config, so set here).
    return (strategy, role, isHome) => planOfConfig({ ...cfg, strategy, role, isHome }).operations;
}

const cell = (o: OperationsPlan, k: AlarmKind) => o.alarms[k] ?? "—";
const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

/**
 * Rows: alarm kinds; columns: the primary (the home region, the shipped arrangement) and each strategy's standby (the
 * other region). Where the primary's alarm differs between strategies, its cell names the exceptions.
 */
export function alarmsPerRoleTable(): string {
    const plan = operationsPlans();
    const primaries = STRATEGIES.map((s) => plan(s, "primary", true));
    // The primary's decision, with the strategies that decide otherwise named (e.g. no replica under backup-restore).
    const primaryCell = (k: AlarmKind) => {
        const cells = primaries.map((o) => cell(o, k));
        const common = [...new Set(cells)].sort((a, b) => cells.filter((c) => c === b).length - cells.filter((c) => c === a).length)[0];
        const others = STRATEGIES.flatMap((s, i) => (cells[i] === common ? [] : [`${s}: ${cells[i]}`]));
        return others.length ? `${common} (${others.join(", ")})` : common;
    };
    const standbys = STRATEGIES.map((s) => plan(s, "standby", false));
    return [
        row(["alarm kind", "primary (every strategy)", ...STRATEGIES.map((s) => `${s} standby`)]),
        row(["---", "---", ...STRATEGIES.map(() => "---")]),
        ...ALARM_KINDS.map((k) => row([`\`${k}\``, primaryCell(k), ...standbys.map((o) => cell(o, k))])),
    ].join("\n");
}

/**
 * Where the other arrangement (after a failover: the other region primary, the home region standby) decides
 * differently from the table: one row per strategy and alarm kind that differs, each cell `shipped → swapped`.
 */
export function swappedRolesTable(): string {
    const plan = operationsPlans();
    const rows: string[] = [];
    for (const s of STRATEGIES)
        for (const k of ALARM_KINDS) {
            const primary = [cell(plan(s, "primary", true), k), cell(plan(s, "primary", false), k)];
            const standby = [cell(plan(s, "standby", false), k), cell(plan(s, "standby", true), k)];
            if (primary[0] !== primary[1] || standby[0] !== standby[1]) rows.push(row([s, `\`${k}\``, primary.join(" → "), standby.join(" → ")]));
        }
    return [
        row(["strategy", "alarm kind", "primary: at home → in the other region", "standby: in the other region → at home"]),
        row(["---", "---", "---", "---"]),
        ...rows,
    ].join("\n");
}

if (require.main === module) {
    process.stdout.write(`${alarmsPerRoleTable()}\n\n${swappedRolesTable()}\n`);
}
