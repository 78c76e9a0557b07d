/**
 * The topology of a stack pair as a Mermaid flowchart (renders on GitHub): the edge (CloudFront with its web
 * ACL, the dynamic behaviour on the origin hostname, the static behaviour on an origin group of asset buckets),
 * one subgraph per region with its web, application and data tiers, its asset bucket and its order pipeline (queues,
 * consumers on or off, event bus, fulfilment saga; the global endpoint between the buses), the origin hostname's
 * Route 53 records with each region's routing policy, and the replication arrows between regions with their
 * mode. Built from the planned resources and their facts, so it shows what the plan creates, not what the
 * strategy name suggests.
 */
import * as fs from "fs";
import * as path from "path";
import { formatDuration } from "../src/duration";
import { type PlanResource, type StackFacts, T, arr, get, num, obj, ofType, refersTo, replicaOf, str, text } from "../src/plan";

export interface DiagramStack {
    readonly facts: StackFacts;
    readonly role: "primary" | "standby";
    /** The stack's planned resources, for the edge and the asset buckets. Default none (no edge is drawn). */
    readonly resources?: readonly PlanResource[];
}

/** One S3 origin of the distribution: the bucket and its region, read from the origin's regional domain. */
interface BucketOrigin {
    readonly originId: string;
    readonly bucket: string;
    readonly region?: string;
}

/** The edge as the owning stack plans it. */
interface EdgeView {
    readonly stack: string;
    readonly aliases: readonly string[];
    readonly webAcl?: { readonly name: string; readonly managedGroups: number; readonly rateRules: number };
    /** The dynamic (default) behaviour's origin domain: the origin hostname. */
    readonly dynamicOrigin: string;
    readonly staticBehaviors: readonly {
        readonly pathPattern: string;
        /** The group's failover codes; undefined when the behaviour targets a single origin. */
        readonly failoverCodes?: readonly number[];
        /** In failover order: the first is the primary. */
        readonly members: readonly BucketOrigin[];
    }[];
}

/** `<bucket>.s3.<region>.amazonaws.com` (or the global `<bucket>.s3.amazonaws.com`). */
function bucketOrigin(originId: string, domain: string): BucketOrigin | undefined {
    const m = /^(.+)\.s3(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(domain);
    return m ? { originId, bucket: m[1], region: m[2] } : undefined;
}

function edgeOf(stack: string, rs: readonly PlanResource[]): EdgeView | undefined {
    const d = ofType(rs, T.cloudfrontDistribution)[0];
    if (!d) return undefined;
    const origins = arr<Record<string, unknown>>(get(d, "origins"));
    const domainOf = (id: string) => text(origins.find((o) => o.originId === id)?.domainName, "?");
    const groups = arr<Record<string, unknown>>(get(d, "originGroups"));
    const aclArn = get(d, "webAclId");
    const acl = ofType(rs, T.webAcl).find((a) => get(a, "arn") === aclArn) ?? (aclArn !== undefined ? ofType(rs, T.webAcl)[0] : undefined);
    const rules = acl ? arr<Record<string, unknown>>(get(acl, "rules")) : [];
    const statement = (r: Record<string, unknown>) => obj(r.statement);
    return {
        stack,
        aliases: arr(get(d, "aliases")).map((a) => text(a)),
        webAcl: acl
            ? {
                  name: text(get(acl, "name"), acl.name),
                  managedGroups: rules.filter((r) => statement(r).managedRuleGroupStatement !== undefined).length,
                  rateRules: rules.filter((r) => statement(r).rateBasedStatement !== undefined).length,
              }
            : undefined,
        dynamicOrigin: domainOf(text(obj(get(d, "defaultCacheBehavior")).targetOriginId)),
        staticBehaviors: arr<Record<string, unknown>>(get(d, "orderedCacheBehaviors")).flatMap((b) => {
            const target = text(b.targetOriginId);
            const group = groups.find((g) => g.originId === target);
            const ids = group ? arr<Record<string, unknown>>(group.members).map((m) => text(m.originId)) : [target];
            const members = ids.flatMap((id) => bucketOrigin(id, domainOf(id)) ?? []);
            if (!members.length) return [];
            return [
                {
                    pathPattern: text(b.pathPattern),
                    failoverCodes: group ? arr(obj(group.failoverCriteria).statusCodes).flatMap((c) => num(c) ?? []) : undefined,
                    members,
                },
            ];
        }),
    };
}

/** A stack's asset-bucket replication: each rule's destination bucket and its Replication Time Control. */
function replicationOf(rs: readonly PlanResource[]): { readonly source: string; readonly to: string; readonly rtcMinutes?: number }[] {
    return ofType(rs, T.bucketReplication).flatMap((c) => {
        const source = str(get(c, "bucket")) ?? bucketNameOf(rs, c);
        if (!source) return [];
        return arr<Record<string, unknown>>(get(c, "rules")).flatMap((r) => {
            if (r.status !== "Enabled") return [];
            const dest = obj(r.destination);
            const to = /^arn:aws:s3:::(.+)$/.exec(text(dest.bucket))?.[1];
            const rtc = obj(dest.replicationTime);
            return to ? [{ source, to, rtcMinutes: rtc.status === "Enabled" ? num(obj(rtc.time).minutes) : undefined }] : [];
        });
    });
}

/** The name of the bucket a bucket-level resource configures, through the bucket it depends on (its `bucket` is the bucket's id). */
function bucketNameOf(rs: readonly PlanResource[], r: PlanResource): string | undefined {
    // By property dependency first: in a preview the bucket's id (what `bucket` holds) is unknown.
    const b = ofType(rs, T.bucket, T.bucketV2).find((x) => refersTo(r, "bucket", x));
    return b ? str(get(b, "bucket")) : undefined;
}

/** The order pipeline of one region, as planned. */
interface PipelineView {
    readonly queues: readonly string[];
    readonly functions: number;
    /** The queue consumers' mappings: how many, and how many enabled. */
    readonly mappings: { readonly total: number; readonly enabled: number };
    /** The order processor's reserved concurrency, where it exists. */
    readonly processorConcurrency?: number;
    readonly bus?: { readonly name: string; readonly rulesEnabled: number; readonly rules: number };
    readonly stateMachine?: string;
    /** The global endpoint this stack owns: its buses' regions in routing order (the primary's first). */
    readonly endpoint?: { readonly name: string; readonly regions: readonly string[]; readonly replication: boolean };
}

function pipelineOf(rs: readonly PlanResource[], ownRegion: string): PipelineView | undefined {
    const queues = ofType(rs, T.sqsQueue).map((q) => text(get(q, "name"), "?"));
    if (!queues.length) return undefined;
    const mappings = ofType(rs, T.eventSourceMapping);
    const bus = ofType(rs, T.eventBus)[0];
    const busName = bus ? str(get(bus, "name")) : undefined;
    const rules = ofType(rs, T.eventRule).filter((r) => busName !== undefined && get(r, "eventBusName") === busName);
    const processor = ofType(rs, T.lambdaFunction).find((f) => /order-processor$/.test(text(get(f, "name"), "")));
    const machine = ofType(rs, T.stateMachine)[0];
    const ep = ofType(rs, T.eventEndpoint)[0];
    // A bus ARN names its region; one unknown until deployment (a preview) is the owning stack's own bus, the
    // only one whose ARN AWS has not assigned yet (the other's is derived from its fixed name).
    const arnRegionOf = (arn: unknown) => /^arn:[^:]+:events:([^:]+):/.exec(text(arn, ""))?.[1] ?? ownRegion;
    return {
        queues,
        functions: ofType(rs, T.lambdaFunction).length,
        mappings: { total: mappings.length, enabled: mappings.filter((m) => get(m, "enabled") !== false).length },
        processorConcurrency: processor ? num(get(processor, "reservedConcurrentExecutions")) : undefined,
        bus: bus
            ? { name: busName ?? "?", rules: rules.length, rulesEnabled: rules.filter((r) => get(r, "state") !== "DISABLED").length }
            : undefined,
        stateMachine: machine ? text(get(machine, "name"), "?") : undefined,
        endpoint: ep
            ? {
                  name: text(get(ep, "name"), "?"),
                  regions: arr<Record<string, unknown>>(get(ep, "eventBuses")).map((b) => arnRegionOf(b.eventBusArn)),
                  replication: obj(get(ep, "replicationConfig")).state !== "DISABLED",
              }
            : undefined,
    };
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
    const edge = ordered.map((s) => edgeOf(s.facts.stack, s.resources ?? [])).find((e) => e !== undefined);
    // Asset buckets by name: the buckets the edge reads and the buckets replication reads or writes.
    const assetBuckets = new Map<string, string>(); // bucket name → stack
    const replication = ordered.flatMap((s) => replicationOf(s.resources ?? []).map((r) => ({ ...r, stack: s.facts.stack })));
    for (const s of ordered) {
        for (const b of ofType(s.resources ?? [], T.bucket, T.bucketV2)) {
            const name = str(get(b, "bucket"));
            const read = edge?.staticBehaviors.some((x) => x.members.some((m) => m.bucket === name));
            if (name && (read || replication.some((r) => r.source === name || r.to === name))) assetBuckets.set(name, s.facts.stack);
        }
    }
    L.push(`    users(["Users"])`);
    L.push(`    dns{{${mermaidLabel(`Route 53 ${recordName ?? "(no record planned)"}`)}}}`);
    const edges: string[] = [];
    if (edge) {
        // Global: owned by one stack, managed through us-east-1; a failover changes nothing here.
        L.push(`    subgraph edge[${mermaidLabel(`global edge · owned by stack ${edge.stack} · managed in us-east-1, untouched by failover`)}]`);
        const waf = edge.webAcl
            ? ` + AWS WAF ${edge.webAcl.name}: ${edge.webAcl.managedGroups} managed rule group(s), ${edge.webAcl.rateRules} rate rule(s)`
            : " (no web ACL)";
        L.push(`        cdn{{${mermaidLabel(`CloudFront ${edge.aliases.join(", ") || "(no alias)"}${waf}`)}}}`);
        edge.staticBehaviors.forEach((b, i) => {
            if (b.failoverCodes)
                L.push(
                    `        ${id("origin_group", String(i))}{{${mermaidLabel(`origin group: fails over per request on ${b.failoverCodes.join(", ")}`)}}}`,
                );
        });
        L.push("    end");
        L.push('    users -->|"HTTPS"| cdn');
        edges.push(`    cdn -->|${mermaidLabel(`default behaviour: all methods, not cached → ${edge.dynamicOrigin}`)}| dns`);
    } else {
        L.push("    users --> dns");
    }

    const endpoints: { stack: string; name: string; regions: readonly string[]; replication: boolean }[] = [];
    for (const { facts: f, role, resources = [] } of ordered) {
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
        const buckets = [...assetBuckets].filter(([, st]) => st === s).map(([b]) => b);
        if (buckets.length) {
            L.push(`        subgraph ${id(s, "static")}[${mermaidLabel("static assets")}]`);
            for (const b of buckets) L.push(`            ${id(s, "assets", b)}[(${mermaidLabel(`S3 ${b}`)})]`);
            L.push("        end");
        }
        const pipe = pipelineOf(resources, f.region);
        if (pipe) {
            L.push(`        subgraph ${id(s, "pipeline")}[${mermaidLabel("order pipeline")}]`);
            const main = pipe.queues.filter((q) => !/-dlq$|failures$/.test(q));
            L.push(
                `            ${id(s, "queues")}[(${mermaidLabel(`SQS ${main.map((q) => short(q)).join(", ")}, each with a DLQ; kept in every role`)})]`,
            );
            if (pipe.functions === 0) L.push(`            ${id(s, "nofn")}[${mermaidLabel("no consumers (created at recovery)")}]`);
            else {
                const on = pipe.mappings.enabled === pipe.mappings.total ? "on" : pipe.mappings.enabled === 0 ? "off" : "partly on";
                const rc = pipe.processorConcurrency !== undefined ? ` · order processor reserved ${pipe.processorConcurrency}` : "";
                L.push(`            ${id(s, "fn")}[${mermaidLabel(`Lambda: ${pipe.functions} functions · consumers ${on}${rc}`)}]`);
                const mark = pipe.mappings.enabled > 0 ? "-->" : "-.->";
                edges.push(`    ${id(s, "queues")} ${mark}|${mermaidLabel(`event source mappings ${on}`)}| ${id(s, "fn")}`);
            }
            if (pipe.bus) {
                const rules =
                    pipe.bus.rulesEnabled === pipe.bus.rules
                        ? "rules enabled"
                        : pipe.bus.rulesEnabled === 0
                          ? "rules disabled"
                          : "rules partly enabled";
                L.push(`            ${id(s, "bus")}{{${mermaidLabel(`EventBridge bus ${pipe.bus.name} · ${rules}`)}}}`);
                if (pipe.functions) edges.push(`    ${id(s, "fn")} -->|${mermaidLabel("OrderAccepted")}| ${id(s, "bus")}`);
            }
            if (pipe.stateMachine) {
                L.push(
                    `            ${id(s, "saga")}[${mermaidLabel(`Step Functions ${pipe.stateMachine} (Standard): reserve, pay, confirm, notify`)}]`,
                );
                if (pipe.functions) edges.push(`    ${id(s, "fn")} -->|${mermaidLabel("StartExecution")}| ${id(s, "saga")}`);
            }
            L.push("        end");
            if (pipe.endpoint) endpoints.push({ stack: s, ...pipe.endpoint });
        }
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

    // The static behaviour: the origin group's members in failover order, each the bucket of a region.
    if (edge) {
        edge.staticBehaviors.forEach((b, i) => {
            const group = id("origin_group", String(i));
            const via = b.failoverCodes ? group : "cdn";
            if (b.failoverCodes) edges.push(`    cdn -->|${mermaidLabel(`${b.pathPattern} · cached`)}| ${group}`);
            b.members.forEach((m, j) => {
                const st = assetBuckets.get(m.bucket);
                const target = st ? id(st, "assets", m.bucket) : id("bucket", m.bucket);
                if (!st) L.push(`    ${target}[(${mermaidLabel(`S3 ${m.bucket}${m.region ? ` (${m.region})` : ""}`)})]`);
                const label = b.failoverCodes ? (j === 0 ? "primary origin (OAC)" : "failover origin (OAC)") : `${b.pathPattern} · cached (OAC)`;
                edges.push(`    ${via} ${j === 0 ? "-->" : "-.->"}|${mermaidLabel(label)}| ${target}`);
            });
        });
    }
    // Asset replication: one arrow per pair of buckets, both ways when each replicates into the other.
    const drawn = new Set<string>();
    for (const r of replication) {
        const key = [r.source, r.to].sort().join(" ");
        if (drawn.has(key)) continue;
        drawn.add(key);
        const back = replication.find((x) => x.source === r.to && x.to === r.source);
        const from = assetBuckets.get(r.source);
        const to = assetBuckets.get(r.to);
        if (!from || !to) continue;
        const rtc = [r.rtcMinutes, back?.rtcMinutes].every((m) => m !== undefined) ? ` · RTC ${r.rtcMinutes} min` : "";
        edges.push(
            `    ${id(from, "assets", r.source)} ${back ? "<-->" : "-->"}|${mermaidLabel(`S3 replication ${back ? "both ways" : "one way"}${rtc}`)}| ${id(to, "assets", r.to)}`,
        );
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
    // The order events' global endpoint: owned by one stack, routing to the first region's bus while its health
    // check passes, else to the second's; events replicate to the second.
    for (const ep of endpoints) {
        L.push(
            `    ${id("endpoint", ep.name)}{{${mermaidLabel(`EventBridge global endpoint ${ep.name} · owned by stack ${ep.stack} · health check${ep.replication ? " · replication on" : ""}`)}}}`,
        );
        ep.regions.forEach((r, i) => {
            const st = ordered.find((x) => x.facts.region === r);
            if (!st) return;
            edges.push(
                `    ${id("endpoint", ep.name)} ${i === 0 ? "-->" : "-.->"}|${mermaidLabel(i === 0 ? "primary while healthy" : "failover")}| ${id(st.facts.stack, "bus")}`,
            );
        });
    }
    return [...L, ...edges].join("\n") + "\n";
}

/** The Markdown file for one stack: a heading, a line on what it shows, and the diagram. */
export function diagramMarkdown(stack: string, stacks: readonly DiagramStack[], strategy: string): string {
    const title = `SecureCart topology for stack ${stack} (strategy ${strategy})`;
    return [
        `# ${title}`,
        "",
        `Generated by \`npm run plan\` from the planned resources of ${stacks.map((s) => `\`${s.facts.stack}\``).join(" and ")}: the edge (CloudFront and its web ACL, with the dynamic and static behaviours), regions, tiers, the order pipeline (queues, consumers on or off, event bus, saga, global endpoint), replication arrows with their mode, and the origin hostname's DNS records with each region's routing policy. Solid arrows carry traffic or replicate now; dotted arrows are standby or failover paths.`,
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
