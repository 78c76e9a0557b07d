/**
 * The one module that reads and validates configuration.
 *
 * Every stack's config is a flat bag of fully qualified keys ("securecart:strategy", "aws:region"),
 * exactly as the Pulumi CLI hands it to a program. Values are either already-parsed YAML values (when read
 * from the stack files) or strings (when read from the Pulumi runtime, where objects arrive as JSON).
 * `parseStackConfig` turns one bag into a typed `StackConfig`; `validateProject` checks the rules that
 * span stacks. Both collect every problem and throw one `ConfigError`.
 */
import { z } from "zod";
import { AURORA_INSTANCE_FAMILIES, AURORA_PG_VERSION_PATTERN, FARGATE_CPU_MEMORY, KNOWN_REGIONS, describeFargatePairs } from "./awsFacts";
import { Cidr, overlaps, parseCidr } from "./cidr";
import { parseDuration } from "./duration";
import { constantOverrideProblems } from "./estimates/constants";

export const NS = "securecart";

export const STRATEGIES = ["backup-restore", "pilot-light", "warm-standby", "active-active"] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type Role = "primary" | "standby";
export const NAT_STRATEGIES = ["none", "single", "one-per-az"] as const;
export type NatStrategy = (typeof NAT_STRATEGIES)[number];

/** A user's configuration mistake. `problems` holds one line per problem; no stack trace is shown for it. */
export class ConfigError extends Error {
    constructor(public readonly problems: readonly string[]) {
        super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export type RawConfig = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------------------

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const region = z.string().refine((r) => KNOWN_REGIONS.includes(r), { message: "__region" });
const duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: "__duration" });
const name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "__name");

const cidrSchema = z.string().refine((s) => {
    const c = parseCidr(s);
    return c !== undefined && c.prefix >= 16 && c.prefix <= 23;
}, { message: "__cidr" });

const networkSchema = z.strictObject({
    /** VPC CIDR block, /16 to /23. Must not overlap another stack's. */
    cidr: cidrSchema,
    /** Availability zones to spread subnets over. Default 3, at least 2. */
    azCount: int(2, 6).default(3),
    /** NAT strategy override. Default: derived from strategy and role (see strategy.ts). */
    natStrategy: z.enum(NAT_STRATEGIES).optional(),
    /** Flow-log retention in days. Default 90. */
    flowLogRetentionDays: int(1, 3653).default(90),
});

const tagsSchema = z.strictObject({
    app: z.string().min(1),
    environment: z.string().min(1),
    owner: z.string().min(1),
    costCenter: z.string().min(1),
});

const dnsSchema = z.strictObject({
    /** Id of an existing public hosted zone. */
    zoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, "__zoneId"),
    /** The zone's domain name; recordName must lie inside it (checked). */
    zoneName: z.string().min(3),
    /** The application's record name, e.g. shop.example.com. */
    recordName: z.string().min(3),
    /** Health-check request interval in seconds: 10 (fast) or 30 (standard). Default 10. */
    healthCheckInterval: z.coerce.number().refine((v) => v === 10 || v === 30, { message: "__interval" }).default(10),
    /** Consecutive failures before unhealthy, 1-10. Default 3. */
    failureThreshold: int(1, 10).default(3),
    /** Health path served by the storefront. Default /health. */
    healthPath: z.string().startsWith("/").default("/health"),
});

const webSchema = z.strictObject({
    /** EC2 instance type for the storefront. Default t3.medium (x86_64; the AMI parameter follows the architecture). */
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "__instanceType").default("t3.medium"),
    minSize: int(0, 1000).default(2),
    maxSize: int(1, 1000).default(6),
    desiredCapacity: int(0, 1000).default(3),
    /** Target-tracking CPU utilisation percent. Default 50. */
    targetCpuPercent: int(10, 90).default(50),
    /** ELB health-check grace period in seconds. Default 120. */
    healthCheckGraceSeconds: int(0, 3600).default(120),
});

const serviceSchema = z.strictObject({
    name,
    /**
     * Full image reference. Default (when neither image nor repository is set): DEFAULT_SERVICE_IMAGE, a public
     * unprivileged nginx, so the stack deploys out of the box.
     */
    image: z.string().min(1).optional(),
    /** ECR repository name in the home region (replicated to every region); used with `tag` instead of `image`. */
    repository: name.optional(),
    tag: z.string().min(1).optional(),
    cpu: z.coerce.number().int(),
    memory: z.coerce.number().int(),
    port: z.coerce.number().int(),
    /** ALB path prefix, e.g. /catalog. */
    pathPrefix: z.string().regex(/^\/[a-z0-9-]+$/, "__pathPrefix"),
    desiredCount: int(0, 1000).default(2),
    minCount: int(0, 1000).default(2),
    maxCount: int(1, 1000).default(10),
    /** Run with a read-only root filesystem (writable paths get ephemeral volumes). Default true. */
    readonlyRootFilesystem: bool.default(true),
    /** Writable ephemeral mounts when the root filesystem is read-only. Default ["/tmp"]. */
    writablePaths: z.array(z.string().startsWith("/")).default(["/tmp"]),
    /** Non-root user (uid or uid:gid) the container runs as. Default 101 (nginx-unprivileged). */
    user: z.string().regex(/^[1-9][0-9]*(:[0-9]+)?$/, "__user").default("101"),
    /** Health-check path of the container. Default /. */
    healthPath: z.string().startsWith("/").default("/"),
});

const capacityOverride = z.strictObject({
    min: int(0, 1000).optional(),
    max: int(0, 1000).optional(),
    desired: int(0, 1000).optional(),
});

const capacitySchema = z.strictObject({
    /** Share of primary capacity a warm standby runs, in (0, 1], rounded up, at least 1. Default 0.5. */
    warmStandbyFraction: z.coerce.number().default(0.5),
    /** Overrides of the standby's sizing, per tier. */
    standby: z.strictObject({
        web: capacityOverride.optional(),
        services: z.record(z.string(), capacityOverride).optional(),
    }).default({}),
});

const databaseSchema = z.strictObject({
    /** Aurora PostgreSQL engine version, pinned; identical in every stack. Default 16.6. */
    engineVersion: z.string().default("16.6"),
    /** Instance class. Default db.r6g.large. */
    instanceClass: z.string().default("db.r6g.large"),
    /** Readers in the primary cluster. Default 1. */
    readers: int(0, 15).default(1),
    /** Automated backup retention in days, 1-35. Default 7. */
    backupRetentionDays: z.coerce.number().int().default(7),
    databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "__dbName").default("securecart"),
    masterUsername: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, "__dbUser").default("securecart_admin"),
    /** Recovery point for a backup-restore promotion: a cluster snapshot ARN or an AWS Backup recovery point ARN. */
    restoreFromArn: z.string().startsWith("arn:aws:").optional(),
});

const attributeSchema = z.strictObject({ name: z.string().min(1), type: z.enum(["S", "N", "B"]) });
const tableSchema = z.strictObject({
    name,
    hashKey: z.string().min(1),
    rangeKey: z.string().min(1).optional(),
    attributes: z.array(attributeSchema).min(1),
    billingMode: z.enum(["PAY_PER_REQUEST", "PROVISIONED"]).default("PAY_PER_REQUEST"),
    readCapacity: int(1, 40000).optional(),
    writeCapacity: int(1, 40000).optional(),
    maxReadCapacity: int(1, 40000).optional(),
    maxWriteCapacity: int(1, 40000).optional(),
    ttlAttribute: z.string().min(1).optional(),
});

const backupSchema = z.strictObject({
    /** Hours between scheduled backups, 1-24 (AWS Backup minimum interval is 60 minutes). Default 1. */
    intervalHours: z.coerce.number().int().default(1),
    /** Days a recovery point is kept, in the source and in each copy. Default 35. */
    retentionDays: int(1, 36500).default(35),
});

/**
 * Image for services that name neither `image` nor `repository`: NGINX's unprivileged build (uid 101, port
 * 8080, writes only under /tmp), from the ECR Public Gallery rather than Docker Hub, whose anonymous pull
 * limit a NAT gateway's shared address soon hits.
 */
export const DEFAULT_SERVICE_IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine";

const DEFAULT_SERVICES = [
    { name: "catalog", cpu: 256, memory: 512, port: 8080, pathPrefix: "/catalog" },
    { name: "cart", cpu: 256, memory: 512, port: 8080, pathPrefix: "/cart" },
    { name: "orders", cpu: 512, memory: 1024, port: 8080, pathPrefix: "/orders" },
    { name: "payments", cpu: 512, memory: 1024, port: 8080, pathPrefix: "/payments" },
];

const DEFAULT_TABLES = [
    { name: "carts", hashKey: "cartId", attributes: [{ name: "cartId", type: "S" }], ttlAttribute: "expiresAt" },
    { name: "sessions", hashKey: "sessionId", attributes: [{ name: "sessionId", type: "S" }], ttlAttribute: "expiresAt" },
    {
        name: "orders", hashKey: "customerId", rangeKey: "orderId",
        attributes: [{ name: "customerId", type: "S" }, { name: "orderId", type: "S" }],
    },
];

/** The `securecart:*` keys, with defaults. Unknown keys are an error (typos would otherwise be ignored). */
const nsSchema = z.strictObject({
    strategy: z.enum(STRATEGIES),
    primaryRegion: region,
    regions: z.array(region).min(1).max(5),
    failoverMode: z.enum(["planned", "unplanned"]).default("planned"),
    drill: z.enum(["none", "outage"]).default("none"),
    failoverControl: z.enum(["dns", "arc"]).default("dns"),
    stackOrg: z.string().min(1).default("organization"),
    /** Backup-restore only: keep a promoted region's restored data tier after failback. Default false. */
    keepRestored: bool.default(false),
    network: networkSchema,
    tags: tagsSchema,
    dns: dnsSchema,
    web: webSchema.default(() => webSchema.parse({})),
    services: z.array(serviceSchema).min(1).default(() => DEFAULT_SERVICES.map((s) => serviceSchema.parse(s))),
    capacity: capacitySchema.default(() => capacitySchema.parse({})),
    database: databaseSchema.default(() => databaseSchema.parse({})),
    tables: z.array(tableSchema).default(() => DEFAULT_TABLES.map((t) => tableSchema.parse(t))),
    /**
     * DynamoDB global tables' consistency. Default MREC (multi-Region eventual consistency: asynchronous,
     * typically under a second, last writer wins; any number of regions; replicas may live in other stacks as
     * aws.dynamodb.TableReplica). MRSC (strong consistency, RPO 0) needs exactly three regions (or two plus a
     * witness), an empty table, and every replica declared on the base table with consistencyMode STRONG,
     * which the per-stack ownership of replicas cannot express: it is rejected.
     */
    tableConsistency: z.enum(["MREC", "MRSC"]).default("MREC"),
    backup: backupSchema.default(() => backupSchema.parse({})),
    rtoTarget: duration.optional(),
    rpoTarget: duration.optional(),
    /** Overrides of estimate constants by name (see src/estimates/constants.ts). */
    estimates: z.record(z.string(), z.coerce.number().nonnegative()).default({}),
});

type Ns = z.infer<typeof nsSchema>;

/**
 * The schema default of a `securecart:` key (undefined when it has none). A `-c` path into a key the stack
 * files leave unset (`-c services[0].memory=3000`) edits this default instead of starting from nothing.
 */
export function defaultOf(shortKey: string): unknown {
    const schema = (nsSchema.shape as Record<string, z.ZodType>)[shortKey];
    const r = schema?.safeParse(undefined);
    return r?.success ? r.data : undefined;
}
export type NetworkConfig = Ns["network"];
export type ServiceConfig = Ns["services"][number];
export type TableConfig = Ns["tables"][number];
export type DatabaseConfig = Ns["database"];
export type DnsConfig = Ns["dns"];
export type WebConfig = Ns["web"];
export type CapacityConfig = Ns["capacity"];
export type BackupConfig = Ns["backup"];

export interface StackConfig extends Omit<Ns, "rtoTarget" | "rpoTarget"> {
    readonly project: string;
    readonly stack: string;
    /** aws:region of this stack. */
    readonly region: string;
    /** Derived, never configured: primary when region === primaryRegion. */
    readonly role: Role;
    /** The home region (regions[0]) owns the project's global resources. */
    readonly homeRegion: string;
    readonly isHome: boolean;
    readonly rtoTargetSeconds?: number;
    readonly rpoTargetSeconds?: number;
    readonly rtoTarget?: string;
    readonly rpoTarget?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing one stack
// ---------------------------------------------------------------------------------------------------------

/** Values from the Pulumi runtime are strings; structured keys arrive as JSON. */
function decode(value: unknown): unknown {
    if (typeof value !== "string") return value;
    const t = value.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            return JSON.parse(t);
        } catch {
            return value;
        }
    }
    return value;
}

function show(v: unknown): string {
    if (v === undefined) return "(missing)";
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p as string];
    }
    return cur;
}

const CUSTOM_MESSAGES: Record<string, string> = {
    __region: `a known AWS region (e.g. us-east-1, eu-west-1)`,
    __duration: `a duration such as 30s, 15m, 4h or 1d`,
    __name: `lowercase letters, digits and '-', starting with a letter, at most 31 characters`,
    __cidr: `an IPv4 CIDR from /16 to /23 with no host bits set, e.g. 10.10.0.0/16`,
    __zoneId: `a Route 53 hosted zone id such as Z0123456789ABC`,
    __interval: `10 (fast) or 30 (standard)`,
    __instanceType: `an EC2 instance type such as t3.medium`,
    __pathPrefix: `a single path segment such as /catalog`,
    __user: `a non-root uid or uid:gid, e.g. 101 or 1000:1000`,
    __dbName: `lowercase letters, digits and '_', starting with a letter`,
    __dbUser: `lowercase letters, digits and '_', starting with a letter, at most 16 characters`,
};

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
    const [head, ...rest] = issue.path;
    const key = `${NS}:${String(head)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
    const got = valueAt(input, issue.path);
    let allowed: string;
    switch (issue.code) {
        case "invalid_value":
            allowed = `one of ${issue.values.map((v) => String(v)).join(", ")}`;
            break;
        case "unrecognized_keys":
            return `${key}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed keys: ${Object.keys(shapeAt(issue.path)).join(", ")}`;
        case "too_small":
            allowed = issue.origin === "array" ? `at least ${issue.minimum} item(s)` : issue.origin === "string" ? `a non-empty string` : `a number >= ${issue.minimum}`;
            break;
        case "too_big":
            allowed = issue.origin === "array" ? `at most ${issue.maximum} item(s)` : `a number <= ${issue.maximum}`;
            break;
        case "invalid_type":
            allowed = issue.expected === "int" ? "a whole number" : `a ${issue.expected}`;
            break;
        case "custom":
            allowed = CUSTOM_MESSAGES[issue.message] ?? issue.message;
            break;
        case "invalid_format":
            allowed = CUSTOM_MESSAGES[issue.message] ?? `a string of format ${issue.format}`;
            break;
        default:
            allowed = issue.message;
    }
    return `${key}: got ${show(got)}; expected ${allowed}`;
}

function shapeAt(path: readonly PropertyKey[]): Record<string, unknown> {
    // Walks the schema along object keys (array indices are skipped) to list the allowed keys.
    let schema: z.ZodType = nsSchema;
    for (const p of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodArray) schema = unwrap(schema.element as z.ZodType);
        if (typeof p === "number") continue;
        if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[p as string];
        else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    }
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray) schema = unwrap(schema.element as z.ZodType);
    return schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : {};
}

function unwrap(s: z.ZodType): z.ZodType {
    let cur: z.ZodType = s;
    for (;;) {
        if (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
        else return cur;
    }
}

/**
 * Parses one stack's merged config bag. Collects every problem (schema and semantic) and throws one
 * ConfigError naming key, value and what is allowed.
 */
export function parseStackConfig(project: string, stack: string, raw: RawConfig): StackConfig {
    const problems: string[] = [];
    const nsInput: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        const idx = fullKey.indexOf(":");
        const ns = fullKey.slice(0, idx);
        if (ns === NS) nsInput[fullKey.slice(idx + 1)] = decode(value);
    }
    const awsRegion = raw["aws:region"];
    if (typeof awsRegion !== "string" || !KNOWN_REGIONS.includes(awsRegion)) {
        problems.push(`aws:region: got ${show(awsRegion)}; expected a known AWS region (e.g. us-east-1, eu-west-1)`);
    }
    const parsed = nsSchema.safeParse(nsInput);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
                problems.push(`${issue.keys.map((k) => `${NS}:${k}`).join(", ")}: unknown key(s); allowed keys: ${Object.keys(nsSchema.shape).map((k) => `${NS}:${k}`).join(", ")}`);
            } else {
                problems.push(formatIssue(issue, nsInput));
            }
        }
    }
    if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
    const ns = parsed.data;
    const regionName = awsRegion as string;
    problems.push(...semanticProblems(ns, regionName));
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        ...ns,
        services: ns.services.map((s) => (s.image === undefined && s.repository === undefined ? { ...s, image: DEFAULT_SERVICE_IMAGE } : s)),
        project,
        stack,
        region: regionName,
        role: regionName === ns.primaryRegion ? "primary" : "standby",
        homeRegion: ns.regions[0],
        isHome: regionName === ns.regions[0],
        rtoTargetSeconds: ns.rtoTarget === undefined ? undefined : parseDuration(ns.rtoTarget),
        rpoTargetSeconds: ns.rpoTarget === undefined ? undefined : parseDuration(ns.rpoTarget),
    };
}

/** A standby capacity override must not contradict itself: min <= desired <= max among the values it sets. */
function overrideProblems(key: string, o: { min?: number; max?: number; desired?: number } | undefined): string[] {
    const p: string[] = [];
    if (!o) return p;
    if (o.min !== undefined && o.max !== undefined && o.min > o.max) p.push(`${key}.min: got ${o.min}, above max ${o.max}; expected min <= max`);
    if (o.desired !== undefined && o.min !== undefined && o.desired < o.min) p.push(`${key}.desired: got ${o.desired}, below min ${o.min}; expected min <= desired`);
    if (o.desired !== undefined && o.max !== undefined && o.desired > o.max) p.push(`${key}.desired: got ${o.desired}, above max ${o.max}; expected desired <= max`);
    return p;
}

/** Rules that a schema cannot express; all within one stack. */
function semanticProblems(ns: Ns, regionName: string): string[] {
    const p: string[] = [];
    if (new Set(ns.regions).size !== ns.regions.length) p.push(`${NS}:regions: got ${show(ns.regions)}; expected each region once`);
    if (!ns.regions.includes(regionName)) p.push(`aws:region: got ${show(regionName)}; expected one of the project's regions (${NS}:regions): ${ns.regions.join(", ")}`);
    if (!ns.regions.includes(ns.primaryRegion)) p.push(`${NS}:primaryRegion: got ${show(ns.primaryRegion)}; expected one of the project's regions (${NS}:regions): ${ns.regions.join(", ")}`);

    if (ns.web.minSize > ns.web.maxSize) p.push(`${NS}:web.minSize: got ${ns.web.minSize}, above ${NS}:web.maxSize ${ns.web.maxSize}; expected min <= max`);
    if (ns.web.desiredCapacity < ns.web.minSize || ns.web.desiredCapacity > ns.web.maxSize) {
        p.push(`${NS}:web.desiredCapacity: got ${ns.web.desiredCapacity}; expected between minSize ${ns.web.minSize} and maxSize ${ns.web.maxSize}`);
    }
    const f = ns.capacity.warmStandbyFraction;
    if (!(f > 0 && f <= 1)) p.push(`${NS}:capacity.warmStandbyFraction: got ${show(f)}; expected a number in (0, 1]`);

    const seenNames = new Map<string, number>();
    const seenPaths = new Map<string, number>();
    ns.services.forEach((s, i) => {
        const k = `${NS}:services[${i}]`;
        if (seenNames.has(s.name)) p.push(`${k}.name: got "${s.name}"; expected a unique name (also services[${seenNames.get(s.name)}])`);
        else seenNames.set(s.name, i);
        if (seenPaths.has(s.pathPrefix)) p.push(`${k}.pathPrefix: got "${s.pathPrefix}"; expected a unique path prefix (also services[${seenPaths.get(s.pathPrefix)}])`);
        else seenPaths.set(s.pathPrefix, i);
        const mems = FARGATE_CPU_MEMORY[s.cpu];
        if (!mems) p.push(`${k}.cpu: got ${s.cpu}; expected a Fargate cpu value, one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")}`);
        else if (!mems.includes(s.memory)) {
            p.push(`${k}.memory: got ${s.memory} with cpu ${s.cpu}; expected a valid Fargate cpu/memory pair (${describeFargatePairs()})`);
        }
        if (s.port < 1 || s.port > 65535) p.push(`${k}.port: got ${s.port}; expected 1-65535`);
        if (s.minCount > s.maxCount) p.push(`${k}.minCount: got ${s.minCount}, above maxCount ${s.maxCount}; expected min <= max`);
        if (s.desiredCount < s.minCount || s.desiredCount > s.maxCount) p.push(`${k}.desiredCount: got ${s.desiredCount}; expected between minCount ${s.minCount} and maxCount ${s.maxCount}`);
        if (s.image !== undefined && s.repository !== undefined) p.push(`${k}: got both image and repository; expected one of them`);
        if (s.repository !== undefined && s.tag === undefined) p.push(`${k}.tag: got (missing) with repository "${s.repository}"; expected an image tag`);
    });
    for (const [svc, o] of Object.entries(ns.capacity.standby.services ?? {})) {
        if (!seenNames.has(svc)) p.push(`${NS}:capacity.standby.services.${svc}: got an override for an unknown service; expected one of ${[...seenNames.keys()].join(", ")}`);
        p.push(...overrideProblems(`${NS}:capacity.standby.services.${svc}`, o));
    }
    p.push(...overrideProblems(`${NS}:capacity.standby.web`, ns.capacity.standby.web));

    const db = ns.database;
    if (!AURORA_PG_VERSION_PATTERN.test(db.engineVersion)) p.push(`${NS}:database.engineVersion: got "${db.engineVersion}"; expected a pinned Aurora PostgreSQL version major.minor such as 16.6 (13-17)`);
    const fam = /^db\.([a-z0-9]+)\.[a-z0-9]+$/.exec(db.instanceClass)?.[1];
    if (!fam || !AURORA_INSTANCE_FAMILIES.includes(fam)) p.push(`${NS}:database.instanceClass: got "${db.instanceClass}"; expected db.<family>.<size> with a family that supports Aurora global databases: ${AURORA_INSTANCE_FAMILIES.join(", ")}`);
    if (db.backupRetentionDays < 1 || db.backupRetentionDays > 35) p.push(`${NS}:database.backupRetentionDays: got ${db.backupRetentionDays}; expected 1-35`);

    const tableNames = new Set<string>();
    ns.tables.forEach((t, i) => {
        const k = `${NS}:tables[${i}]`;
        if (tableNames.has(t.name)) p.push(`${k}.name: got "${t.name}"; expected a unique table name`);
        tableNames.add(t.name);
        const attrs = new Set(t.attributes.map((a) => a.name));
        if (!attrs.has(t.hashKey)) p.push(`${k}.hashKey: got "${t.hashKey}"; expected a key listed in its attributes (${[...attrs].join(", ")})`);
        if (t.rangeKey !== undefined && !attrs.has(t.rangeKey)) p.push(`${k}.rangeKey: got "${t.rangeKey}"; expected a key listed in its attributes (${[...attrs].join(", ")})`);
        const keys = new Set([t.hashKey, t.rangeKey].filter((x): x is string => x !== undefined));
        for (const a of attrs) if (!keys.has(a)) p.push(`${k}.attributes: got "${a}", which is not a key; expected only key attributes (DynamoDB rejects unindexed attribute definitions)`);
        if (t.billingMode === "PROVISIONED" && (t.readCapacity === undefined || t.writeCapacity === undefined)) {
            p.push(`${k}.billingMode: got "PROVISIONED" without readCapacity and writeCapacity; expected both`);
        }
    });
    const zone = ns.dns.zoneName.replace(/\.$/, "").toLowerCase();
    const rec = ns.dns.recordName.replace(/\.$/, "").toLowerCase();
    if (rec !== zone && !rec.endsWith(`.${zone}`)) {
        p.push(`${NS}:dns.recordName: got "${ns.dns.recordName}"; expected a name inside ${NS}:dns.zoneName "${ns.dns.zoneName}" (the records and the certificate's validation records live in that zone)`);
    }
    if (ns.strategy !== "active-active" && ns.regions.length !== 2) {
        p.push(`${NS}:regions: got ${ns.regions.length} region(s) with strategy "${ns.strategy}"; expected exactly 2 (Route 53 failover routing has one PRIMARY and one SECONDARY record; use active-active for more regions)`);
    }
    if (ns.tableConsistency === "MRSC" && ns.regions.length !== 3) {
        p.push(`${NS}:tableConsistency: got "MRSC" with ${ns.regions.length} region(s); expected MREC until the project has exactly three regions (MRSC needs three)`);
    } else if (ns.tableConsistency === "MRSC") {
        p.push(`${NS}:tableConsistency: got "MRSC"; expected MREC: MRSC replicas must all be declared on the home stack's table (consistencyMode STRONG), but this project's replicas belong to each region's own stack (aws.dynamodb.TableReplica), so MRSC is not supported yet`);
    }
    if (ns.backup.intervalHours < 1 || ns.backup.intervalHours > 24 || 24 % ns.backup.intervalHours !== 0) {
        p.push(`${NS}:backup.intervalHours: got ${ns.backup.intervalHours}; expected a divisor of 24 from 1 to 24 (AWS Backup runs at most hourly)`);
    }
    if (ns.backup.retentionDays < db.backupRetentionDays) p.push(`${NS}:backup.retentionDays: got ${ns.backup.retentionDays}; expected at least database.backupRetentionDays (${db.backupRetentionDays})`);
    p.push(...constantOverrideProblems(NS, ns.estimates));
    return p;
}

// ---------------------------------------------------------------------------------------------------------
// Rules that span stacks
// ---------------------------------------------------------------------------------------------------------

/** Checks the rules that span the project's stacks; returns every problem. */
export function projectProblems(stacks: readonly StackConfig[]): string[] {
    const p: string[] = [];
    if (stacks.length === 0) return p;
    const first = stacks[0];
    const same = (key: string, get: (s: StackConfig) => unknown) => {
        for (const s of stacks.slice(1)) {
            if (JSON.stringify(get(s)) !== JSON.stringify(get(first))) {
                p.push(`${key}: stack "${s.stack}" has ${show(get(s))} but stack "${first.stack}" has ${show(get(first))}; expected the same value in every stack`);
            }
        }
    };
    same(`${NS}:strategy`, (s) => s.strategy);
    same(`${NS}:primaryRegion`, (s) => s.primaryRegion);
    same(`${NS}:regions`, (s) => s.regions);
    same(`${NS}:database.engineVersion`, (s) => s.database.engineVersion);
    same(`${NS}:tableConsistency`, (s) => s.tableConsistency);
    same(`${NS}:failoverControl`, (s) => s.failoverControl);
    same(`${NS}:tables`, (s) => s.tables);

    const byRegion = new Map<string, string>();
    for (const s of stacks) {
        const other = byRegion.get(s.region);
        if (other) p.push(`aws:region: stacks "${other}" and "${s.stack}" both use ${s.region}; expected one stack per region`);
        byRegion.set(s.region, s.stack);
    }
    for (const r of first.regions) {
        if (!byRegion.has(r)) p.push(`${NS}:regions: region ${r} has no stack; expected a Pulumi.<stack>.yaml with aws:region ${r}`);
    }
    const cidrs: Array<[string, Cidr, string]> = stacks.map((s) => [s.stack, parseCidr(s.network.cidr) as Cidr, s.network.cidr]);
    for (let i = 0; i < cidrs.length; i++) {
        for (let j = i + 1; j < cidrs.length; j++) {
            if (overlaps(cidrs[i][1], cidrs[j][1])) {
                p.push(`${NS}:network.cidr: stack "${cidrs[j][0]}" has ${cidrs[j][2]}, which overlaps stack "${cidrs[i][0]}" ${cidrs[i][2]}; expected non-overlapping CIDRs so the regions can be peered`);
            }
        }
    }
    return p;
}

/** Stack name → its region, for the stacks of a project. */
export function stackOfRegion(stacks: readonly StackConfig[], regionName: string): StackConfig | undefined {
    return stacks.find((s) => s.region === regionName);
}
