/**
 * The topology of a stack pair as a Mermaid flowchart (renders on GitHub): one subgraph per region with
 * its web, application and data tiers, the DNS record with each region's routing policy, and the
 * replication arrows between regions with their mode. Built from the planned resources' facts, so it shows
 * what the plan creates, not what the strategy name suggests.
 */
import * as fs from "fs";
import * as path from "path";
import { formatDuration } from "../src/duration";
import { type StackFacts, replicaOf } from "../src/plan";

export interface DiagramStack {
    readonly facts: StackFacts;
    readonly role: "primary" | "standby";
}

/** Mermaid-safe label text: quotes become an entity, angle brackets and pipes are dropped. */
function mermaidLabel(text: string): string {
    return `"${text.replace(/"/g, "#quot;").replace(/[<>|]/g, " ").replace(/\s+/g, " ").trim()}"`;
}

/** Mermaid node id from a stack name and a part name. */
function id(...parts: string[]): string {
    return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

const short = (name: string, prefix = "securecart-") => (name.startsWith(prefix) ? name.slice(prefix.length) : name);

/** The Mermaid source for the given stacks (the primary first). */
export function mermaidFor(stacks: readonly DiagramStack[], title: string): string {
    const L: string[] = [];
    const ordered = [...stacks].sort((a, b) => Number(b.role === "primary") - Number(a.role === "primary"));
    L.push("flowchart LR");
    L.push(`    %% ${title.replace(/\n/g, " ")}`);
    const recordName = ordered.flatMap((s) => s.facts.records).map((r) => r.name)[0];
    L.push(`    users(["Users"])`);
    L.push(`    dns{{${mermaidLabel(`Route 53 ${recordName ?? "(no record planned)"}`)}}}`);
    L.push("    users --> dns");
    const edges: string[] = [];

    for (const { facts: f, role } of ordered) {
        const s = f.stack;
        L.push(`    subgraph ${id("region", s)}[${mermaidLabel(`${f.region} · stack ${s} · ${role}`)}]`);
        L.push("        direction TB");
        // Web tier.
        L.push(`        subgraph ${id(s, "web")}[${mermaidLabel("web tier")}]`);
        if (f.albs === 0 && f.web.length === 0)
            L.push(`            ${id(s, "noweb")}[${mermaidLabel("no load balancer or instances (created at recovery)")}]`);
        if (f.albs > 0) L.push(`            ${id(s, "alb")}[${mermaidLabel(`Application Load Balancer${f.albs > 1 ? ` × ${f.albs}` : ""}`)}]`);
        for (const w of f.web)
            L.push(
                `            ${id(s, "asg", w.name)}[${mermaidLabel(`EC2 Auto Scaling: ${w.desired} × ${w.instanceType ?? "?"} (min ${w.min}, max ${w.max})`)}]`,
            );
        L.push("        end");
        // Application tier.
        L.push(`        subgraph ${id(s, "app")}[${mermaidLabel("application tier")}]`);
        if (f.services.length === 0) L.push(`            ${id(s, "noapp")}[${mermaidLabel("no services (created at recovery)")}]`);
        for (const svc of f.services)
            L.push(
                `            ${id(s, "svc", svc.name)}[${mermaidLabel(`${svc.fargate ? "Fargate" : "ECS"} ${short(svc.name.replace(/-service$/, ""), "securecart-svc-")}: ${svc.desired} task(s)`)}]`,
            );
        L.push("        end");
        // Data tier.
        L.push(`        subgraph ${id(s, "data")}[${mermaidLabel("data tier")}]`);
        for (const a of f.aurora) {
            const n = a.instanceClasses.length;
            const what = a.restored
                ? "Aurora (restored)"
                : a.writer
                  ? "Aurora writer cluster"
                  : n === 0
                    ? "Aurora secondary, headless"
                    : "Aurora secondary";
            L.push(
                `            ${id(s, "aurora", a.name)}[(${mermaidLabel(`${what}: ${n} instance(s)${n ? ` ${[...new Set(a.instanceClasses)].join(", ")}` : ""}`)})]`,
            );
        }
        if (f.aurora.length === 0) L.push(`            ${id(s, "noaurora")}[(${mermaidLabel("no Aurora cluster")})]`);
        for (const t of f.tables)
            L.push(
                `            ${id(s, "table", t.name)}[(${mermaidLabel(`DynamoDB ${short(t.name)}${t.provisioned ? " (provisioned)" : " (on-demand)"}`)})]`,
            );
        for (const r of f.replicas)
            L.push(
                `            ${id(s, "replica", r.name)}[(${mermaidLabel(`DynamoDB replica ${short(r.name.replace(/-replica$/, ""), "securecart-table-")}`)})]`,
            );
        if (f.vaults > 0) L.push(`            ${id(s, "vault")}[(${mermaidLabel(`AWS Backup vault${f.vaults > 1 ? ` × ${f.vaults}` : ""}`)})]`);
        L.push("        end");
        L.push("    end");

        // DNS → region.
        const rec = f.records[0];
        const target = f.albs > 0 ? id(s, "alb") : id(s, "noweb");
        if (rec) {
            const hc = f.healthChecks[0];
            const policy = rec.routing === "failover" ? `failover ${rec.failoverRole ?? ""}` : rec.routing;
            const ttl = rec.alias ? "alias (TTL 60s)" : rec.ttlSeconds !== undefined ? `TTL ${formatDuration(rec.ttlSeconds)}` : "no TTL";
            const check = !hc
                ? "no health check"
                : hc.kind === "recovery-control"
                  ? "ARC routing control"
                  : `health check ${hc.intervalSeconds}s × ${hc.failureThreshold}`;
            const arrow = rec.routing === "failover" && rec.failoverRole !== "PRIMARY" ? "-.->" : "-->";
            edges.push(`    dns ${arrow}|${mermaidLabel(`${policy} · ${ttl} · ${check}`)}| ${target}`);
        } else {
            edges.push(`    dns -.->|${mermaidLabel("no record in this region (created at recovery)")}| ${target}`);
        }
    }

    // Replication between the primary and each standby.
    const primary = ordered.find((x) => x.role === "primary")?.facts;
    if (primary) {
        for (const { facts: sb } of ordered.filter((x) => x.role === "standby")) {
            const writer = primary.aurora.find((a) => a.writer) ?? primary.aurora[0];
            const secondary = sb.aurora.find((a) => !a.writer && a.global);
            if (writer && secondary)
                edges.push(
                    `    ${id(primary.stack, "aurora", writer.name)} ==>|${mermaidLabel("Aurora global database: async storage replication")}| ${id(sb.stack, "aurora", secondary.name)}`,
                );
            for (const t of primary.tables) {
                const r = replicaOf(t, sb.replicas);
                if (r)
                    edges.push(
                        `    ${id(primary.stack, "table", t.name)} <-->|${mermaidLabel(t.strong || r.strong ? "global table MRSC (synchronous)" : "global table MREC (async, last writer wins)")}| ${id(sb.stack, "replica", r.name)}`,
                    );
            }
            const copies = primary.backupRules.filter((r) => r.copyRegions.includes(sb.region));
            if (copies.length && primary.vaults > 0) {
                const every = [
                    ...new Set(copies.map((c) => (c.intervalSeconds ? `every ${formatDuration(c.intervalSeconds)}` : (c.schedule ?? "")))),
                ].join(", ");
                const dest = sb.vaults > 0 ? id(sb.stack, "vault") : id("region", sb.stack);
                edges.push(`    ${id(primary.stack, "vault")} -->|${mermaidLabel(`AWS Backup cross-region copy ${every}`)}| ${dest}`);
            }
        }
    }
    return [...L, ...edges].join("\n") + "\n";
}

/** The Markdown file for one stack: a heading, a line on what it shows, and the diagram. */
export function diagramMarkdown(stack: string, stacks: readonly DiagramStack[], strategy: string): string {
    const title = `SecureCart topology for stack ${stack} (strategy ${strategy})`;
    return [
        `# ${title}`,
        "",
        `Generated by \`npm run plan\` from the planned resources of ${stacks.map((s) => `\`${s.facts.stack}\``).join(" and ")}: regions, tiers, replication arrows with their mode, and the DNS record with each region's routing policy. Solid arrows carry traffic or replicate now; dotted arrows are standby paths.`,
        "",
        "```mermaid",
        mermaidFor(stacks, title).trimEnd(),
        "```",
        "",
    ].join("\n");
}

/** Writes plan-out/<stack>.md for each stack, each showing the pair (or set) of stacks it belongs to. Returns the paths. */
export function writeDiagrams(outDir: string, stacks: readonly DiagramStack[], strategy: string, only?: readonly string[]): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const written: string[] = [];
    const primary = stacks.find((s) => s.role === "primary");
    for (const s of stacks) {
        if (only && only.length && !only.includes(s.facts.stack)) continue;
        // A standby's file shows it with the primary; the primary's shows every region.
        const members = s.role === "primary" || !primary ? stacks : [primary, s];
        const file = path.join(outDir, `${s.facts.stack}.md`);
        fs.writeFileSync(file, diagramMarkdown(s.facts.stack, members, strategy));
        written.push(file);
    }
    return written;
}

/** Extracts the Mermaid source from a diagram Markdown file. */
export function mermaidBlock(markdown: string): string | undefined {
    return /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1];
}
