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
import {
    AURORA_INSTANCE_FAMILIES,
    AURORA_PG_VERSION_PATTERN,
    FARGATE_CPU_MEMORY,
    KNOWN_REGIONS,
    MIN_COLLECTOR_MEMORY_MIB,
    describeFargatePairs,
} from "./awsFacts";
import { Cidr, overlaps, parseCidr } from "./cidr";
import { parseDuration } from "./duration";
import { FEATURES, FINDING_PUBLISHING_FREQUENCIES, GUARDDUTY_SEVERITY_RANGE, PROJECT_FEATURE_NAMES, featureDefaults } from "./guardDutyFeatures";
import { constantOverrideProblems } from "./estimates/constants";
import { planCache, planIdentity } from "./strategy";

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

/**
 * Numbers arrive as YAML numbers or as strings (`-c`, the Pulumi runtime). Only a string that spells a number
 * is converted: an empty value, null, true/false or a list is not a number (coercing would turn them into 0 or
 * 1 and plan them).
 */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const toNumber = (v: unknown): unknown => (typeof v === "string" && NUMERIC.test(v.trim()) ? Number(v.trim()) : v);
const number = () => z.preprocess(toNumber, z.number());
const whole = () => z.preprocess(toNumber, z.number().int());
const int = (min: number, max: number) => z.preprocess(toNumber, z.number().int().min(min).max(max));
const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const region = z.string().refine((r) => KNOWN_REGIONS.includes(r), { message: "__region" });
const duration = z.string().refine((s) => parseDuration(s) !== undefined, { message: "__duration" });
const name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "__name");

const cidrSchema = z.string().refine(
    (s) => {
        const c = parseCidr(s);
        return c !== undefined && c.prefix >= 16 && c.prefix <= 23;
    },
    { message: "__cidr" },
);

/**
 * The retention periods CloudWatch Logs accepts, in days (CloudWatch Logs API reference, PutRetentionPolicy,
 * retentionInDays; read 2026-12-06). Any other value is rejected when the log group is written.
 */
/** Audit logs' retention by default, days: PCI DSS v4.0 requirement 10.5.1 keeps audit log history at least twelve months. */
export const AUDIT_LOG_RETENTION_DAYS = 365;

export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** A retention in days CloudWatch Logs accepts, so a bad value is refused here, not at `pulumi up`. */
const retention = () => number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), { message: "__logRetention" });

/** A log group's retention in days (see `retention`), with its default. */
const logRetentionDays = (d: (typeof LOG_RETENTION_DAYS)[number]) => retention().default(d);

const networkSchema = z.strictObject({
    /** VPC CIDR block, /16 to /23. Must not overlap another stack's. */
    cidr: cidrSchema,
    /** Availability zones to spread subnets over. Default 3, at least 2. */
    azCount: int(2, 6).default(3),
    /** NAT strategy override. Default: derived from strategy and role (see strategy.ts). */
    natStrategy: z.enum(NAT_STRATEGIES).optional(),
    /** Flow-log retention in days, a value CloudWatch Logs accepts. Default: `auditLogRetentionDays`. */
    flowLogRetentionDays: retention().optional(),
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
    /**
     * Consecutive one-minute periods with no healthy storefront target before the region's health check turns
     * unhealthy (the evaluation periods of its CloudWatch alarm), 1-10. Default 3.
     */
    failureThreshold: int(1, 10).default(3),
    /** Health path served by the storefront. Default /health. */
    healthPath: z.string().startsWith("/").default("/health"),
});

/** How a managed rule group (or the rate rule) acts on a match: block, or only count (to tune before blocking). */
const wafAction = z.enum(["block", "count"]);

const wafSchema = z.strictObject({
    /** Requests per source IP in the evaluation window before the rate rule acts, 10-2,000,000,000. Default 2000. */
    rateLimit: int(10, 2_000_000_000).default(2000),
    /** The rate rule's evaluation window in seconds: 60, 120, 300 or 600. Default 300. */
    rateWindowSeconds: number()
        .refine((v) => [60, 120, 300, 600].includes(v), { message: "__rateWindow" })
        .default(300),
    rateAction: wafAction.default("block"),
    /** Action of each AWS managed rule group: block (the group's own actions) or count (every rule only counts). */
    ruleGroups: z
        .strictObject({
            common: wafAction.default("block"),
            knownBadInputs: wafAction.default("block"),
            sqlInjection: wafAction.default("block"),
            ipReputation: wafAction.default("block"),
        })
        .default(() => ({
            common: "block" as const,
            knownBadInputs: "block" as const,
            sqlInjection: "block" as const,
            ipReputation: "block" as const,
        })),
});

const edgeSchema = z.strictObject({
    /**
     * The origin hostname CloudFront sends dynamic requests to: Route 53's failover or latency records on this
     * name pick the serving region's ALB. Default `origin-<first label of dns.recordName>.<dns.zoneName>`.
     */
    originName: z.string().min(3).optional(),
    /** Path pattern of the static behaviour, served from the asset buckets. Default /assets/*. */
    assetsPathPattern: z
        .string()
        .regex(/^\/[A-Za-z0-9_\-./]*\*$/, "__pathPattern")
        .default("/assets/*"),
    /** CloudFront price class. Default PriceClass_100 (North America and Europe edges). */
    priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).default("PriceClass_100"),
    /** Days the edge's access and WAF logs are kept, a value CloudWatch Logs accepts. Default: `auditLogRetentionDays`. */
    logRetentionDays: retention().optional(),
    waf: wafSchema.default(() => wafSchema.parse({})),
});

/** Reserved concurrency of one pipeline function on a primary, 1-1000; a standby runs its plan's share of it. */
const concurrency = (d: number) => int(1, 1000).default(d);

const pipelineSchema = z.strictObject({
    /**
     * Receives of a message before SQS moves it to its dead-letter queue, 1-1000 (SQS's range). Default 5, so a
     * transient failure is retried a few times before the message is set aside.
     */
    maxReceiveCount: int(1, 1000).default(5),
    /**
     * Every function's timeout in seconds, 1-900 (Lambda's maximum). Default 30. The queues' visibility timeout is
     * six times this (Lambda developer guide, "Configuring an Amazon SQS event source").
     */
    functionTimeoutSeconds: int(1, 900).default(30),
    /** Days the functions' and the state machine's logs are kept: a value CloudWatch Logs accepts. Default 90. */
    logRetentionDays: logRetentionDays(90),
    /**
     * Reserved concurrency per function on a primary (and every active-active region), 1-1000; a warm standby runs
     * `capacity.warmStandbyFraction` of it (rounded up, at least 1) and a pilot-light standby 0, which throttles.
     * 0 is not accepted here: it would throttle the function in every region.
     */
    reservedConcurrency: z
        .strictObject({
            // Queue consumers: at least 2, their event source mappings' least maximum concurrency.
            orderProcessor: int(2, 1000).default(10),
            fulfilment: concurrency(10),
            notifier: int(2, 1000).default(5),
            dlqWatcher: concurrency(2),
            thumbnailer: concurrency(5),
            orderReconciler: concurrency(1),
        })
        .default(() => ({ orderProcessor: 10, fulfilment: 10, notifier: 5, dlqWatcher: 2, thumbnailer: 5, orderReconciler: 1 })),
});

/** Where the API's routes live, under the users' name: CloudFront sends `/api/*` to the API. */
export const API_BASE_PATH = "/api";

/** The API's public keep-alive path (src/apiRoutes.ts KEEPALIVE_ROUTE): no service may live under it. */
export const KEEPALIVE_PATH = `${API_BASE_PATH}/keepalive`;

/** HTTP methods an API route may name (API Gateway HTTP APIs), or ANY. */
export const API_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "ANY"] as const;

/** An HTTP API route key: a method, a space and a path of plain segments, `{name}` or a final `{name+}`. */
const ROUTE_KEY = new RegExp(
    `^(${API_METHODS.join("|")}) /(?:[A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\})(?:/(?:[A-Za-z0-9._~-]+|\\{[A-Za-z0-9_]+\\}))*(?:/\\{[A-Za-z0-9_]+\\+\\})?$`,
);

const identitySchema = z.strictObject({
    /**
     * Cognito feature plan: essentials or plus. Multi-Region replication needs one of them; threat protection
     * (adaptive authentication, compromised-credential checks) needs plus. Default plus.
     */
    featurePlan: z.enum(["essentials", "plus"]).default("plus"),
    /**
     * MFA: optional (each user chooses to enrol an authenticator app) or required. Required is refused with a
     * strategy that keeps a replica: TOTP, the factor offered, does not work on a replica, so every user would
     * be locked out after a failover. Default optional.
     */
    mfa: z.enum(["optional", "required"]).default("optional"),
    /** Minimum password length, 12-99 (PCI DSS v4.0 8.3.6 asks for at least 12). Default 14. */
    passwordMinimumLength: int(12, 99).default(14),
    /** Threat protection on the plus plan: audit (log only) or enforced (block risky sign-ins). Default enforced. */
    threatProtection: z.enum(["audit", "enforced"]).default("enforced"),
    /** The managed-login (hosted UI) domain. Default `auth.<dns.recordName>`, whose parent has the users' A record. */
    domainName: z.string().min(3).optional(),
    /** Where the storefront's sign-in may return to (https only). Default [`https://<dns.recordName>/`]. */
    callbackUrls: z
        .array(z.string().regex(/^https:\/\/[^\s]+$/, "__httpsUrl"))
        .min(1)
        .optional(),
    /** Monthly active users, for the cost estimate only, 0 or more. Default 10000. */
    monthlyActiveUsers: int(0, 1_000_000_000).default(10_000),
});

const apiSchema = z.strictObject({
    /** The API's custom domain, answered by every region with compute. Default `api.<dns.recordName>`. */
    domainName: z.string().min(3).optional(),
    /** Steady-state requests per second the API's default route allows, 1-10000 (the account's regional quota). Default 1000. */
    throttlingRateLimit: int(1, 10_000).default(1000),
    /** Burst the API's default route allows, 1-5000 (the account's regional quota). Default 500. */
    throttlingBurstLimit: int(1, 5000).default(500),
    /** Days the API's access logs are kept, a value CloudWatch Logs accepts. Default: `auditLogRetentionDays`. */
    logRetentionDays: retention().optional(),
    /**
     * Routes anyone may call without signing in: the catalogue's reads. Each is a route key such as
     * `GET /api/catalog/{proxy+}`, under `/api` and a service's pathPrefix (users call the API at
     * `https://<dns.recordName>/api/...`, CloudFront's `/api/*` behaviour). Every other route needs a Cognito token.
     */
    publicRoutes: z.array(z.string().regex(ROUTE_KEY, "__routeKey")).default(["GET /api/catalog", "GET /api/catalog/{proxy+}"]),
    /** Requests a month, for the cost estimate only, 0 or more. Default 10000000. */
    monthlyRequests: int(0, 1_000_000_000_000).default(10_000_000),
});

/** The functions of the order pipeline: the folders under functions/ that their bundles come from (each deployed as securecart-<name>). */
export const PIPELINE_FUNCTIONS = ["order-processor", "fulfilment", "notifier", "dlq-watcher", "thumbnailer", "order-reconciler"] as const;
export type PipelineFunction = (typeof PIPELINE_FUNCTIONS)[number];

/** The tables the order pipeline's handlers use (src/config `tables` must hold them, with these keys). */
export const PIPELINE_TABLES: Readonly<Record<string, { readonly hashKey: string; readonly rangeKey?: string }>> = {
    orders: { hashKey: "customerId", rangeKey: "orderId" },
    idempotency: { hashKey: "idempotencyKey" },
    inventory: { hashKey: "sku" },
    ledger: { hashKey: "entryId" },
};

const webSchema = z.strictObject({
    /** EC2 instance type for the storefront. Default t3.medium (x86_64; the AMI parameter follows the architecture). */
    instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "__instanceType")
        .default("t3.medium"),
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
    cpu: whole(),
    memory: whole(),
    port: whole(),
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
    user: z
        .string()
        .regex(/^[1-9][0-9]*(:[0-9]+)?$/, "__user")
        .default("101"),
    /** Health-check path of the container. Default /. */
    healthPath: z.string().startsWith("/").default("/"),
    /**
     * Where the region's shared file system (EFS) is mounted in the container, through the service's own access
     * point (its files live under /<name> on the file system, owned by `user`). Unset: the service shares no files.
     * Read-only while the region's file system is a replication destination (a standby's).
     */
    // No "." or ".." segment: the mount point is compared with the writable paths as written, so it must be one.
    sharedPath: z
        .string()
        .regex(/^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._-]+)+$/, "__mountPath")
        .optional(),
    /** The service reads the cache's endpoint and its user's password (Secrets Manager). Default false. */
    usesCache: bool.default(false),
});

/**
 * ElastiCache node families a Global Datastore accepts (ElastiCache user guide, "Global Datastore prerequisites",
 * read 2026-12-06: M5, M6g, M7g, R5, R6g, R6gd, R7g, C7gn, size large and above; no T-class).
 */
export const GLOBAL_DATASTORE_NODE_FAMILIES = ["m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g", "c7gn"] as const;
const SMALL_NODE_SIZES = ["nano", "micro", "small", "medium"];

/** Whether a Global Datastore accepts a cache node type (see GLOBAL_DATASTORE_NODE_FAMILIES). */
export function globalDatastoreAccepts(nodeType: string): boolean {
    const [, family, size] = nodeType.split(".");
    return (GLOBAL_DATASTORE_NODE_FAMILIES as readonly string[]).includes(family) && size !== undefined && !SMALL_NODE_SIZES.includes(size);
}

const cacheNodeType = z.string().regex(/^cache\.[a-z][a-z0-9-]*\.[a-z0-9]+$/, "__cacheNodeType");

const cacheSchema = z.strictObject({
    /** Node type of a serving region's cache (and of every Global Datastore member). Default cache.r7g.large. */
    nodeType: cacheNodeType.default("cache.r7g.large"),
    /**
     * Node type of a cold cache (a pilot-light or backup-restore standby's), resized to `nodeType` in place by a
     * promotion. Default cache.t4g.micro.
     */
    coldNodeType: cacheNodeType.default("cache.t4g.micro"),
    /** Valkey version, 7.2 or later (a Global Datastore needs 7.2+); identical in every stack. Default 8.0. */
    engineVersion: z
        .string()
        .regex(/^(7\.2|[89]\.[0-9])$/, "__valkeyVersion")
        .default("8.0"),
    /** Days automatic snapshots are kept, 1-35. Default 7. */
    snapshotRetentionDays: int(1, 35).default(7),
});

/** How an alarm's notification reaches a subscriber: the urgencies of src/strategy.ts's AlarmUrgency that send. */
const alarmUrgency = z.enum(["page", "notify"]);

const subscriptionSchema = z
    .strictObject({
        /** An SNS protocol the alarm topics deliver to. */
        protocol: z.enum(["email", "https", "sms"]),
        /** An email address, an https:// URL, or a phone number in E.164 form (+ and up to 15 digits). */
        endpoint: z.string().min(3),
        /** Which alarm topics it subscribes to. Default both: page and notify. */
        urgencies: z.array(alarmUrgency).min(1).default(["page", "notify"]),
    })
    .superRefine((s, ctx) => {
        const ok =
            s.protocol === "email"
                ? /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.endpoint)
                : s.protocol === "https"
                  ? /^https:\/\/[^\s/]+/.test(s.endpoint)
                  : /^\+[1-9][0-9]{6,14}$/.test(s.endpoint);
        if (!ok) ctx.addIssue({ code: "custom", path: ["endpoint"], message: `__endpoint_${s.protocol}` });
    });

/** Alarm thresholds, per signal (docs/operations.md lists each alarm's metric and what it means per role). */
const thresholdsSchema = z.strictObject({
    /** Target (application) 5xx responses per minute on a load balancer before its errors alarm. Default 25. */
    http5xxPerMinute: int(1, 1_000_000).default(25),
    /** Aurora writer or reader CPU, percent, over 5 minutes. Default 80. */
    auroraCpuPercent: int(1, 100).default(80),
    /** Aurora freeable memory below this many MiB. Default 512. */
    auroraFreeableMemoryMiB: int(1, 1_000_000).default(512),
    /** Aurora global database RPO lag (AuroraGlobalDBRPOLag) on a secondary, seconds. Default 60. */
    auroraLagSeconds: int(1, 86_400).default(60),
    /** DynamoDB global table replication latency into another region, seconds. Default 60. */
    dynamoReplicationSeconds: int(1, 86_400).default(60),
    /** DynamoDB throttled requests per 5 minutes. Default 10. */
    dynamoThrottles: int(1, 1_000_000).default(10),
    /** Age of the oldest message in an order queue, seconds. Default 300. */
    queueAgeSeconds: int(60, 1_209_600).default(300),
    /** Function errors per 5 minutes. Default 5. */
    functionErrors: int(1, 1_000_000).default(5),
    /** Failed or timed-out order sagas per 5 minutes. Default 1. */
    sagaFailures: int(1, 1_000_000).default(1),
    /** Cache engine CPU, percent. Default 80. */
    cacheCpuPercent: int(1, 100).default(80),
    /** Cache memory used (DatabaseMemoryUsagePercentage), percent. Default 80. */
    cacheMemoryPercent: int(1, 100).default(80),
    /** Global Datastore replication lag on a secondary, seconds. Default 30. */
    cacheReplicationSeconds: int(1, 86_400).default(30),
    /** EFS time since the last replication sync finished, seconds. Default 1800 (twice the published 15 minutes). */
    filesSyncSeconds: int(60, 86_400).default(1800),
    /** EFS PercentIOLimit, percent. Default 90. */
    filesIoPercent: int(1, 100).default(90),
    /** CloudFront 5xx error rate, percent. Default 5. */
    edge5xxPercent: number()
        .refine((v) => v > 0 && v <= 100, { message: "__percent" })
        .default(5),
    /** WAF blocked requests per 5 minutes (a security signal: notify, never page). Default 1000. */
    wafBlockedPer5Minutes: int(1, 100_000_000).default(1000),
});

const faultsSchema = z.strictObject({
    /** How long an experiment's fault lasts, minutes (1-60: a drill's fault, at most an hour; FIS itself allows 12 hours, the limit FaultExperiments checks). Default 10. */
    durationMinutes: int(1, 60).default(10),
    /** Share of the services' running tasks the stop-tasks experiment stops, percent. Default 50. */
    stopTasksPercent: int(1, 100).default(50),
    /** Which of the region's availability zones (by position, 0 = the first) the AZ experiments act on. Default 0. */
    availabilityZone: int(0, 5).default(0),
});

const guardDutySchema = z.strictObject({
    /** Every protection plan with its status, declared explicitly (src/guardDutyFeatures.ts FEATURES, the defaults and why). */
    features: z
        .strictObject(
            Object.fromEntries(PROJECT_FEATURE_NAMES.map((f) => [f, z.enum(["ENABLED", "DISABLED"]).default(FEATURES[f].default)])) as Record<
                (typeof PROJECT_FEATURE_NAMES)[number],
                z.ZodDefault<z.ZodEnum<{ ENABLED: "ENABLED"; DISABLED: "DISABLED" }>>
            >,
        )
        .default(() => featureDefaults()),
    /** How often GuardDuty sends updates of an existing finding. Default FIFTEEN_MINUTES. */
    findingPublishingFrequency: z.enum(FINDING_PUBLISHING_FREQUENCIES).default("FIFTEEN_MINUTES"),
    /** Findings at or above this severity also go to the page topic. Default 7 (high and critical). */
    pageSeverity: number()
        .refine((v) => v >= GUARDDUTY_SEVERITY_RANGE.min && v <= GUARDDUTY_SEVERITY_RANGE.max, { message: "__severity" })
        .default(7),
    /** Findings at or above this severity reach the alarm topics (low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10). Default 4. */
    minimumSeverity: number()
        .refine((v) => v >= GUARDDUTY_SEVERITY_RANGE.min && v <= GUARDDUTY_SEVERITY_RANGE.max, { message: "__severity" })
        .default(4),
});

const tracingSchema = z.strictObject({
    /** An OpenTelemetry collector (ADOT) beside every service's container, sending traces to X-Ray. Default true. */
    enabled: bool.default(true),
    /**
     * The collector's image, pinned. Default the AWS Distro for OpenTelemetry collector v0.50.0 (released 2026-08-31,
     * the latest release on its GitHub page when read on 2026-12-06).
     */
    collectorImage: z.string().min(3).default("public.ecr.aws/aws-observability/aws-otel-collector:v0.50.0"),
    /**
     * CPU units the collector reserves, 0-1024. Default 0: it shares the task's CPU (any reservation moves every task
     * up a Fargate size and shifts what the CPU scaling target means).
     */
    cpu: int(0, 1024).default(0),
    /** Memory the collector is given, MiB, 128-2048. Default 256 (ADOT's own benchmark: about 112 MB resident). */
    memoryMiB: int(MIN_COLLECTOR_MEMORY_MIB, 2048).default(256),
});

const operationsSchema = z.strictObject({
    /** Who receives the alarm topics' notifications. Default none (the alarms still act; nobody is told). */
    subscriptions: z.array(subscriptionSchema).default([]),
    /**
     * What the region's Route 53 health check follows. "storefront" (default): the storefront's healthy targets,
     * `dns.failureThreshold` minutes. "region-serving": the signals of the region's "serving" composite alarm (the
     * storefront's and every service's healthy targets, the load balancers' own 5xx), through a calculated check,
     * each over `servingEvaluationMinutes`.
     */
    healthSignal: z.enum(["storefront", "region-serving"]).default("storefront"),
    /** One-minute periods each "region serving" signal must fail before it counts, 1-10. Default 2. */
    servingEvaluationMinutes: int(1, 10).default(2),
    /** Load balancer 5xx responses of its own (no target answered) per minute that count as not serving. Default 50. */
    servingElb5xxPerMinute: int(1, 1_000_000).default(50),
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    guardDuty: guardDutySchema.default(() => guardDutySchema.parse({})),
    tracing: tracingSchema.default(() => tracingSchema.parse({})),
    faults: faultsSchema.default(() => faultsSchema.parse({})),
});

const capacityOverride = z.strictObject({
    min: int(0, 1000).optional(),
    max: int(0, 1000).optional(),
    desired: int(0, 1000).optional(),
});

const capacitySchema = z.strictObject({
    /** Share of primary capacity a warm standby runs, in (0, 1], rounded up, at least 1. Default 0.5. */
    warmStandbyFraction: number().default(0.5),
    /** Overrides of the standby's sizing, per tier. */
    standby: z
        .strictObject({
            web: capacityOverride.optional(),
            services: z.record(z.string(), capacityOverride).optional(),
        })
        .default({}),
});

const databaseSchema = z.strictObject({
    /** Aurora PostgreSQL engine version, pinned; identical in every stack. Default 16.6. */
    engineVersion: z.string().default("16.6"),
    /** Instance class. Default db.r6g.large. */
    instanceClass: z.string().default("db.r6g.large"),
    /** Readers in the primary cluster. Default 1. */
    readers: int(0, 15).default(1),
    /** Automated backup retention in days, 1-35. Default 7. */
    backupRetentionDays: whole().default(7),
    databaseName: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,62}$/, "__dbName")
        .default("securecart"),
    masterUsername: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,15}$/, "__dbUser")
        .default("securecart_admin"),
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
    intervalHours: whole().default(1),
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
    // The catalogue keeps uploaded product images on the shared file system; both read the cache.
    { name: "catalog", cpu: 256, memory: 512, port: 8080, pathPrefix: "/catalog", sharedPath: "/srv/shared", usesCache: true },
    { name: "cart", cpu: 256, memory: 512, port: 8080, pathPrefix: "/cart", usesCache: true },
    { name: "orders", cpu: 512, memory: 1024, port: 8080, pathPrefix: "/orders" },
    { name: "payments", cpu: 512, memory: 1024, port: 8080, pathPrefix: "/payments" },
];

const DEFAULT_TABLES = [
    { name: "carts", hashKey: "cartId", attributes: [{ name: "cartId", type: "S" }], ttlAttribute: "expiresAt" },
    { name: "sessions", hashKey: "sessionId", attributes: [{ name: "sessionId", type: "S" }], ttlAttribute: "expiresAt" },
    {
        name: "orders",
        hashKey: "customerId",
        rangeKey: "orderId",
        attributes: [
            { name: "customerId", type: "S" },
            { name: "orderId", type: "S" },
        ],
    },
    // The order pipeline's: claims of work done once (functions/shared/idempotency.ts), stock by SKU, and the
    // payment and reservation ledger (functions/fulfilment). Global tables like the others, so a message replayed
    // in another region finds the claim, and a recovery restores them with the orders.
    { name: "idempotency", hashKey: "idempotencyKey", attributes: [{ name: "idempotencyKey", type: "S" }], ttlAttribute: "expiresAt" },
    { name: "inventory", hashKey: "sku", attributes: [{ name: "sku", type: "S" }] },
    { name: "ledger", hashKey: "entryId", attributes: [{ name: "entryId", type: "S" }] },
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
    /**
     * Backup-restore: the explicit retirement of superseded recovery tiers in this stack's region. "keep"
     * (default); "unprotect" (the first step: protect and deletion protection off); "delete" (the second).
     */
    recovery: z.strictObject({ retire: z.enum(["keep", "unprotect", "delete"]).default("keep") }).default(() => ({ retire: "keep" as const })),
    network: networkSchema,
    tags: tagsSchema,
    dns: dnsSchema,
    /** The edge (CloudFront, WAF, static assets), owned by the home stack; identical in every stack. */
    edge: edgeSchema.default(() => edgeSchema.parse({})),
    web: webSchema.default(() => webSchema.parse({})),
    /** The asynchronous order pipeline (queues, functions, saga); identical in every stack. */
    pipeline: pipelineSchema.default(() => pipelineSchema.parse({})),
    /** Sign-in (Cognito), owned by the home stack; identical in every stack. */
    identity: identitySchema.default(() => identitySchema.parse({})),
    /** The API in front of the services (API Gateway); identical in every stack. */
    api: apiSchema.default(() => apiSchema.parse({})),
    services: z
        .array(serviceSchema)
        .min(1)
        .default(() => DEFAULT_SERVICES.map((s) => serviceSchema.parse(s))),
    capacity: capacitySchema.default(() => capacitySchema.parse({})),
    /** The cache (ElastiCache for Valkey); identical in every stack. */
    cache: cacheSchema.default(() => cacheSchema.parse({})),
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
    /**
     * Days audit and access logs are kept, a value CloudWatch Logs accepts: the VPC flow logs, the ALB and S3 server
     * access logs, the edge's access and WAF logs, the API's access logs (each may be overridden by its own key).
     * Default AUDIT_LOG_RETENTION_DAYS.
     */
    auditLogRetentionDays: logRetentionDays(AUDIT_LOG_RETENTION_DAYS),
    /** Alarms, their topics and subscriptions, the health signal, GuardDuty, tracing and fault injection. */
    operations: operationsSchema.default(() => operationsSchema.parse({})),
    rtoTarget: duration.optional(),
    rpoTarget: duration.optional(),
    /** Overrides of estimate constants by name (see src/estimates/constants.ts). */
    estimates: z.record(z.string(), z.preprocess(toNumber, z.number().nonnegative())).default({}),
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
/** The short keys of the `securecart` namespace. */
export const NS_KEYS: readonly string[] = Object.keys(nsSchema.shape);

export type NetworkConfig = Ns["network"];
export type ServiceConfig = Ns["services"][number];
export type TableConfig = Ns["tables"][number];
export type DatabaseConfig = Ns["database"];
export type DnsConfig = Ns["dns"];
export type EdgeConfig = Ns["edge"];
export type PipelineConfig = Ns["pipeline"];
export type IdentityConfig = Ns["identity"];
export type ApiConfig = Ns["api"];
export type CacheConfig = Ns["cache"];
export type WebConfig = Ns["web"];
export type CapacityConfig = Ns["capacity"];
export type BackupConfig = Ns["backup"];
export type OperationsConfig = Ns["operations"];

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

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** How a value is shown in a message: JSON, except what JSON would misrepresent (missing, empty, too large). */
export function show(v: unknown): string {
    if (v === undefined) return "(missing)";
    if (v === null || (typeof v === "string" && v.trim() === "")) return `an empty value${v === null ? "" : ` (${JSON.stringify(v)})`}`;
    if (typeof v === "number" && !Number.isFinite(v)) {
        return Number.isNaN(v) ? "NaN (not a number)" : `${v < 0 ? "-" : ""}a number too large for a double (beyond ±1.8e308)`;
    }
    if (typeof v === "string" && NUMERIC.test(v.trim()) && !Number.isFinite(Number(v.trim())))
        return `${JSON.stringify(v)} (a number too large for a double, beyond ±1.8e308)`;
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
    __rateWindow: `60, 120, 300 or 600 (seconds)`,
    __logRetention: `a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")} (days)`,
    __pathPattern: `a CloudFront path pattern starting with / and ending with *, e.g. /assets/*`,
    __instanceType: `an EC2 instance type such as t3.medium`,
    __pathPrefix: `a single path segment such as /catalog`,
    __user: `a non-root uid or uid:gid, e.g. 101 or 1000:1000`,
    __httpsUrl: `an https:// URL`,
    __mountPath: `an absolute path in the container, below / and without . or .. segments, such as /srv/shared`,
    __cacheNodeType: `an ElastiCache node type, cache.<family>.<size> in lowercase, such as cache.r7g.large`,
    __valkeyVersion: `a Valkey version, major.minor, 7.2 or later (7.2, 8.x or 9.x), such as 8.0`,
    __routeKey: `a route key: a method (${API_METHODS.join(", ")}), a space and a path such as /catalog/{proxy+}`,
    __endpoint_email: `an email address such as oncall@example.com`,
    __endpoint_https: `an https:// URL`,
    __endpoint_sms: `a phone number in E.164 form, + and 7 to 15 digits, such as +15555550100`,
    __percent: `a percentage above 0 and at most 100`,
    __severity: `a GuardDuty severity from 1 to 10 (low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10)`,
    __dbName: `lowercase letters, digits and '_', starting with a letter`,
    __dbUser: `lowercase letters, digits and '_', starting with a letter, at most 16 characters`,
};

/** `securecart:a.b[0].c` for a path below the namespace. */
function keyOf(path: readonly PropertyKey[]): string {
    const [head, ...rest] = path;
    return `${NS}:${String(head)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")}`;
}

function unwrap(s: z.ZodType): z.ZodType {
    let cur: z.ZodType = s;
    for (;;) {
        if (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
        else return cur;
    }
}

/** The schema at a path below the namespace (array indices step into elements), unwrapped; undefined off the schema. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
    let schema: z.ZodType | undefined = nsSchema;
    for (const p of path) {
        if (!schema) return undefined;
        const s: z.ZodType = unwrap(schema);
        if (typeof p === "number") schema = s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
        else if (s instanceof z.ZodObject) schema = (s.shape as Record<string, z.ZodType>)[p as string];
        else if (s instanceof z.ZodRecord) schema = s.valueType as z.ZodType;
        else schema = undefined;
    }
    return schema ? unwrap(schema) : undefined;
}

/** The keys an object at `path` allows (for an array, its elements'). */
function shapeAt(path: readonly PropertyKey[]): string[] {
    let s = schemaAt(path);
    if (s instanceof z.ZodArray) s = unwrap(s.element as z.ZodType);
    return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Every key name the schema knows → where it may be written ("network.cidr", "services[i].name", ...). */
const KEY_INDEX: ReadonlyMap<string, readonly string[]> = (() => {
    const out = new Map<string, string[]>();
    const walk = (schema: z.ZodType, prefix: string) => {
        const s = unwrap(schema);
        if (s instanceof z.ZodObject) {
            for (const [k, v] of Object.entries(s.shape as Record<string, z.ZodType>)) {
                const at = prefix ? `${prefix}.${k}` : k;
                (out.get(k) ?? out.set(k, []).get(k)!).push(at);
                walk(v, at);
            }
        } else if (s instanceof z.ZodArray) walk(s.element as z.ZodType, `${prefix}[i]`);
        else if (s instanceof z.ZodRecord) walk(s.valueType as z.ZodType, `${prefix}.<name>`);
    };
    walk(nsSchema, "");
    return out;
})();

function editDistance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
}

/** The allowed key closest to a misspelt one, if it is close (case-insensitive, at most 2 edits). */
export function closest(word: string, allowed: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestD = Infinity;
    for (const a of allowed) {
        const d = editDistance(word.toLowerCase(), a.toLowerCase());
        if (d < bestD) {
            bestD = d;
            best = a;
        }
    }
    return bestD <= Math.min(2, Math.floor(word.length / 3) + 1) ? best : undefined;
}

/** Parses `a.b[0].c` into path segments (undefined when it is not such a path). */
function pathOf(text: string): (string | number)[] | undefined {
    const segs: (string | number)[] = [];
    let rest = text;
    while (rest.length) {
        const m = /^(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\])/.exec(rest);
        if (!m) return undefined;
        segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
        rest = rest.slice(m[0].length);
    }
    return segs;
}

/** Keys that existed once, with why they went and what replaces them. */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
    "dns.healthCheckInterval":
        "it was removed: the ALB accepts only CloudFront, so Route 53 no longer probes it; each region's health check follows a CloudWatch alarm on the storefront's healthy targets, evaluated every 60 s (set dns.failureThreshold for the periods)",
};

/** Where else a misplaced key `name` (found at `at`) may be written, as a hint, or "". */
function belongsHint(name: string, at: string): string {
    if (REMOVED_KEYS[at]) return `; ${REMOVED_KEYS[at]}`;
    const places = (KEY_INDEX.get(name) ?? []).filter((p) => p !== at);
    return places.length ? `; "${name}" belongs at ${places.map((p) => `${NS}:${p}`).join(" or ")}` : "";
}

function describeNumber(path: readonly PropertyKey[]): string {
    let s = schemaAt(path);
    if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    if (!(s instanceof z.ZodNumber)) return "a number";
    const kind = s.isInt ? "a whole number" : "a number";
    const lo = s.minValue !== null && Math.abs(s.minValue) < 1e15 ? s.minValue : undefined;
    const hi = s.maxValue !== null && Math.abs(s.maxValue) < 1e15 ? s.maxValue : undefined;
    if (lo !== undefined && hi !== undefined) return `${kind} from ${lo} to ${hi}`;
    if (lo !== undefined) return `${kind} >= ${lo}`;
    if (hi !== undefined) return `${kind} <= ${hi}`;
    return kind;
}

function describeType(expected: string, path: readonly PropertyKey[], got: unknown): string {
    switch (expected) {
        case "number":
        case "int":
            return describeNumber(path);
        case "boolean":
            return "true or false";
        case "string":
            return "a string";
        case "array": {
            const json = typeof got === "string" && /^\s*\[/.test(got) ? " (this one is not valid JSON)" : "";
            return `a list (a YAML sequence; with -c, a JSON array such as ["a","b"])${json}`;
        }
        case "object":
        case "record": {
            const keys = shapeAt(path);
            const json = typeof got === "string" && /^\s*\{/.test(got) ? " (this one is not valid JSON)" : "";
            return `a map${keys.length ? ` with keys ${keys.join(", ")}` : " of names to values"}${json}`;
        }
        default:
            return `a value of type ${expected}`;
    }
}

function formatIssue(issue: z.core.$ZodIssue, input: unknown): string {
    const key = keyOf(issue.path);
    const got = valueAt(input, issue.path);
    let allowed: string;
    switch (issue.code) {
        case "invalid_value":
            allowed = `one of ${issue.values.map((v) => String(v)).join(", ")}`;
            break;
        case "unrecognized_keys": {
            const allowedKeys = shapeAt(issue.path);
            const hints = issue.keys
                .map((k) => {
                    const near = closest(k, allowedKeys);
                    const at = [...issue.path.map((p) => (typeof p === "number" ? "[i]" : String(p))), k].join(".").replace(/\.\[i\]/g, "[i]");
                    return near ? `; did you mean "${near}"?` : belongsHint(k, at);
                })
                .join("");
            return `${key}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; allowed keys: ${allowedKeys.join(", ")}${hints}`;
        }
        case "too_small":
            allowed =
                issue.origin === "array"
                    ? `at least ${issue.minimum} item(s)`
                    : issue.origin === "string"
                      ? Number(issue.minimum) <= 1
                          ? `a non-empty string`
                          : `a string of at least ${issue.minimum} characters`
                      : describeNumber(issue.path);
            break;
        case "too_big":
            allowed =
                issue.origin === "array"
                    ? `at most ${issue.maximum} item(s)`
                    : issue.origin === "string"
                      ? `a string of at most ${issue.maximum} characters`
                      : describeNumber(issue.path);
            break;
        case "invalid_type":
            allowed = describeType(issue.expected, issue.path, got);
            if (got === undefined) allowed += " (required)";
            break;
        case "custom":
            allowed = CUSTOM_MESSAGES[issue.message] ?? issue.message;
            break;
        case "invalid_format":
            allowed =
                CUSTOM_MESSAGES[issue.message] ??
                (issue.format === "starts_with"
                    ? `a string starting with "${(issue as { prefix?: string }).prefix ?? ""}"`
                    : `a string in the format ${issue.format}`);
            break;
        case "not_multiple_of":
            allowed = `a multiple of ${String(issue.divisor)}`;
            break;
        default:
            allowed = "a valid value";
    }
    return `${key}: got ${show(got)}; expected ${allowed}`;
}

type Loose<T> = T extends readonly (infer E)[] ? (Loose<E> | undefined)[] : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;

/**
 * What a stack's config holds as far as it parses: each value that passes the schema, field by field and item
 * by item (an item that fails is `undefined`, keeping indices). Rules that need only valid values run on it,
 * so a schema problem in one place does not hide a semantic problem in another.
 */
export type PartialStack = Loose<Ns> & {
    readonly stack: string;
    /** aws:region, when valid. */
    readonly region?: string;
    /** Top-level keys that did not parse completely. */
    readonly incomplete?: ReadonlySet<string>;
};

function loose(schema: z.ZodType, value: unknown): unknown {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    if (value === undefined) return undefined;
    const s = unwrap(schema);
    if (s instanceof z.ZodArray && Array.isArray(value)) return value.map((v) => loose(s.element as z.ZodType, v));
    if (s instanceof z.ZodObject && isMap(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, f] of Object.entries(s.shape as Record<string, z.ZodType>)) {
            const v = loose(f, value[k]);
            if (v !== undefined) out[k] = v;
        }
        return out;
    }
    if (s instanceof z.ZodRecord && isMap(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const x = loose(s.valueType as z.ZodType, v);
            if (x !== undefined) out[k] = x;
        }
        return out;
    }
    return undefined;
}

/** Schema issues as messages: one per path (a wrong type hides zod's follow-on complaints at the same path), with hints for keys in the wrong place. */
function schemaProblems(issues: readonly z.core.$ZodIssue[], nsInput: Record<string, unknown>): string[] {
    const pathKey = (p: readonly PropertyKey[]) => JSON.stringify(p.map(String));
    const typed = new Set(issues.filter((i) => i.code === "invalid_type").map((i) => pathKey(i.path)));
    const kept = issues.filter((i) => i.code === "invalid_type" || i.code === "unrecognized_keys" || !typed.has(pathKey(i.path)));
    // Keys given where the schema does not expect them, by name: a required key reported missing may be one of them.
    const stray = new Map<string, string[]>();
    for (const i of kept) {
        if (i.code !== "unrecognized_keys") continue;
        for (const k of i.keys) {
            const segs = i.path.length === 0 ? pathOf(k) : undefined;
            const dotted = segs !== undefined && segs.length > 1;
            const where = i.path.length === 0 ? `${NS}:${k}` : `${keyOf(i.path)}.${k}`;
            const name = dotted ? String(segs[segs.length - 1]) : k;
            (stray.get(name) ?? stray.set(name, []).get(name)!).push(
                dotted ? `the key "${where}" (one key with a dot in its name, not a path)` : `${where}, which is the wrong place`,
            );
        }
    }
    const out: string[] = [];
    for (const issue of kept) {
        if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
            for (const k of issue.keys) {
                const segs = pathOf(k);
                let hint: string;
                if (segs && segs.length > 1 && schemaAt(segs) !== undefined) {
                    hint = `; a key with a dot or index is one key named "${k}" to the Pulumi CLI, not a path: nest it (${NS}:${String(segs[0])}: {${String(segs[1])}: ...}) or set it with \`pulumi config set --path\``;
                } else {
                    const near = closest(k, NS_KEYS);
                    hint = near ? `; did you mean ${NS}:${near}?` : belongsHint(k, k);
                }
                out.push(`${NS}:${k}: unknown key(s); allowed keys: ${NS_KEYS.map((x) => `${NS}:${x}`).join(", ")}${hint}`);
            }
            continue;
        }
        let msg = formatIssue(issue, nsInput);
        const leaf = issue.path[issue.path.length - 1];
        if (issue.code === "invalid_type" && valueAt(nsInput, issue.path) === undefined && typeof leaf === "string" && stray.has(leaf)) {
            msg += `; found "${leaf}" at ${stray.get(leaf)!.join(" and at ")}`;
        }
        out.push(msg);
    }
    return out;
}

/** One stack's config checked: every problem, the typed config when there are none, and what parsed either way. */
export interface StackCheck {
    readonly config?: StackConfig;
    readonly problems: readonly string[];
    readonly partial: PartialStack;
}

/** Checks one stack's merged config bag, collecting every problem (schema and semantic) without throwing. */
export function checkStackConfig(project: string, stack: string, raw: RawConfig): StackCheck {
    const problems: string[] = [];
    const nsInput: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        const idx = fullKey.indexOf(":");
        const ns = fullKey.slice(0, idx);
        if (ns === NS) nsInput[fullKey.slice(idx + 1)] = decode(value);
    }
    const awsRegion = raw["aws:region"];
    const regionOk = typeof awsRegion === "string" && KNOWN_REGIONS.includes(awsRegion);
    if (!regionOk) problems.push(`aws:region: got ${show(awsRegion)}; expected a known AWS region (e.g. us-east-1, eu-west-1)`);
    const parsed = nsSchema.safeParse(nsInput);
    const ns = (parsed.success ? parsed.data : (loose(nsSchema, nsInput) ?? {})) as Loose<Ns>;
    const incomplete = new Set<string>();
    if (!parsed.success) {
        problems.push(...schemaProblems(parsed.error.issues, nsInput));
        for (const issue of parsed.error.issues) {
            if (issue.path.length) incomplete.add(String(issue.path[0]));
        }
    }
    const regionName = regionOk ? awsRegion : undefined;
    problems.push(...semanticProblems(ns, regionName, nsInput));
    const partial: PartialStack = { ...ns, stack, region: regionName, incomplete };
    if (problems.length > 0 || !parsed.success) return { problems, partial };
    const full = parsed.data;
    const region = regionName as string;
    const config: StackConfig = {
        ...full,
        services: full.services.map((s) => (s.image === undefined && s.repository === undefined ? { ...s, image: DEFAULT_SERVICE_IMAGE } : s)),
        project,
        stack,
        region,
        role: region === full.primaryRegion ? "primary" : "standby",
        homeRegion: full.regions[0],
        isHome: region === full.regions[0],
        rtoTargetSeconds: full.rtoTarget === undefined ? undefined : parseDuration(full.rtoTarget),
        rpoTargetSeconds: full.rpoTarget === undefined ? undefined : parseDuration(full.rpoTarget),
    };
    return { config, problems, partial: { ...config, incomplete: new Set() } };
}

/**
 * Parses one stack's merged config bag. Collects every problem (schema and semantic) and throws one
 * ConfigError naming key, value and what is allowed.
 */
export function parseStackConfig(project: string, stack: string, raw: RawConfig): StackConfig {
    const r = checkStackConfig(project, stack, raw);
    if (!r.config) throw new ConfigError(r.problems);
    return r.config;
}

/** A standby capacity override must not contradict itself: min <= desired <= max among the values it sets. */
function overrideProblems(key: string, o: { min?: number; max?: number; desired?: number } | undefined): string[] {
    const p: string[] = [];
    if (!o) return p;
    if (o.min !== undefined && o.max !== undefined && o.min > o.max) p.push(`${key}.min: got ${o.min}, above max ${o.max}; expected min <= max`);
    if (o.desired !== undefined && o.min !== undefined && o.desired < o.min)
        p.push(`${key}.desired: got ${o.desired}, below min ${o.min}; expected min <= desired`);
    if (o.desired !== undefined && o.max !== undefined && o.desired > o.max)
        p.push(`${key}.desired: got ${o.desired}, above max ${o.max}; expected desired <= max`);
    return p;
}

const allDefined = <T>(xs: readonly (T | undefined)[] | undefined): xs is T[] => xs !== undefined && xs.every((x) => x !== undefined);
const rawItem = (raw: Record<string, unknown>, key: string, i: number): Record<string, unknown> => {
    const list = raw[key];
    const item = Array.isArray(list) ? list[i] : undefined;
    return isMap(item) ? item : {};
};

/**
 * Rules that a schema cannot express; all within one stack. Each runs on the values that parsed (see
 * PartialStack) and only when every value it needs is there, so it never restates a schema problem.
 * `raw` is the namespace's input, for "not given" as opposed to "given but invalid".
 */
function semanticProblems(ns: Loose<Ns>, regionName: string | undefined, raw: Record<string, unknown>): string[] {
    const p: string[] = [];
    const regions = allDefined(ns.regions) ? ns.regions : undefined;
    if (regions) {
        if (new Set(regions).size !== regions.length) p.push(`${NS}:regions: got ${show(regions)}; expected each region once`);
        if (regionName !== undefined && !regions.includes(regionName))
            p.push(`aws:region: got ${show(regionName)}; expected one of the project's regions (${NS}:regions): ${regions.join(", ")}`);
        if (ns.primaryRegion !== undefined && !regions.includes(ns.primaryRegion))
            p.push(
                `${NS}:primaryRegion: got ${show(ns.primaryRegion)}; expected one of the project's regions (${NS}:regions): ${regions.join(", ")}`,
            );
    }

    const web = ns.web ?? {};
    if (web.minSize !== undefined && web.maxSize !== undefined && web.minSize > web.maxSize)
        p.push(`${NS}:web.minSize: got ${web.minSize}, above ${NS}:web.maxSize ${web.maxSize}; expected min <= max`);
    if (
        web.desiredCapacity !== undefined &&
        web.minSize !== undefined &&
        web.maxSize !== undefined &&
        (web.desiredCapacity < web.minSize || web.desiredCapacity > web.maxSize)
    ) {
        p.push(`${NS}:web.desiredCapacity: got ${web.desiredCapacity}; expected between minSize ${web.minSize} and maxSize ${web.maxSize}`);
    }
    const f = ns.capacity?.warmStandbyFraction;
    if (f !== undefined && !(f > 0 && f <= 1)) p.push(`${NS}:capacity.warmStandbyFraction: got ${show(f)}; expected a number in (0, 1]`);

    const seenNames = new Map<string, number>();
    const seenPaths = new Map<string, number>();
    const services = ns.services ?? [];
    services.forEach((s, i) => {
        if (!s) return;
        const k = `${NS}:services[${i}]`;
        if (s.name !== undefined) {
            if (seenNames.has(s.name)) p.push(`${k}.name: got "${s.name}"; expected a unique name (also services[${seenNames.get(s.name)}])`);
            else seenNames.set(s.name, i);
        }
        if (s.pathPrefix !== undefined) {
            if (seenPaths.has(s.pathPrefix))
                p.push(`${k}.pathPrefix: got "${s.pathPrefix}"; expected a unique path prefix (also services[${seenPaths.get(s.pathPrefix)}])`);
            else seenPaths.set(s.pathPrefix, i);
            // The API's keep-alive route is public: a service under it would be reachable without a token.
            if (`${API_BASE_PATH}${s.pathPrefix}` === KEEPALIVE_PATH)
                p.push(`${k}.pathPrefix: got "${s.pathPrefix}"; expected another prefix: ${KEEPALIVE_PATH} is the API's public keep-alive route`);
        }
        if (s.cpu !== undefined) {
            const mems = FARGATE_CPU_MEMORY[s.cpu];
            if (!mems) p.push(`${k}.cpu: got ${s.cpu}; expected a Fargate cpu value, one of ${Object.keys(FARGATE_CPU_MEMORY).join(", ")}`);
            else if (s.memory !== undefined && !mems.includes(s.memory)) {
                p.push(`${k}.memory: got ${s.memory} with cpu ${s.cpu}; expected a valid Fargate cpu/memory pair (${describeFargatePairs()})`);
            }
        }
        if (s.port !== undefined && (s.port < 1 || s.port > 65535)) p.push(`${k}.port: got ${s.port}; expected 1-65535`);
        if (s.minCount !== undefined && s.maxCount !== undefined && s.minCount > s.maxCount)
            p.push(`${k}.minCount: got ${s.minCount}, above maxCount ${s.maxCount}; expected min <= max`);
        if (
            s.desiredCount !== undefined &&
            s.minCount !== undefined &&
            s.maxCount !== undefined &&
            (s.desiredCount < s.minCount || s.desiredCount > s.maxCount)
        ) {
            p.push(`${k}.desiredCount: got ${s.desiredCount}; expected between minCount ${s.minCount} and maxCount ${s.maxCount}`);
        }
        if (s.image !== undefined && s.repository !== undefined) p.push(`${k}: got both image and repository; expected one of them`);
        if (s.repository !== undefined && rawItem(raw, "services", i).tag === undefined && raw.services !== undefined)
            p.push(`${k}.tag: got (missing) with repository "${s.repository}"; expected an image tag`);
    });
    const allServicesNamed = services.every((s) => s?.name !== undefined);
    for (const [svc, o] of Object.entries(ns.capacity?.standby?.services ?? {})) {
        if (allServicesNamed && !seenNames.has(svc))
            p.push(
                `${NS}:capacity.standby.services.${svc}: got an override for an unknown service; expected one of ${[...seenNames.keys()].join(", ")}`,
            );
        p.push(...overrideProblems(`${NS}:capacity.standby.services.${svc}`, o));
    }
    p.push(...overrideProblems(`${NS}:capacity.standby.web`, ns.capacity?.standby?.web));

    const db = ns.database ?? {};
    if (db.engineVersion !== undefined && !AURORA_PG_VERSION_PATTERN.test(db.engineVersion))
        p.push(
            `${NS}:database.engineVersion: got "${db.engineVersion}"; expected a pinned Aurora PostgreSQL version major.minor such as 16.6 (13-17)`,
        );
    if (db.instanceClass !== undefined) {
        const fam = /^db\.([a-z0-9]+)\.[a-z0-9]+$/.exec(db.instanceClass)?.[1];
        if (!fam || !AURORA_INSTANCE_FAMILIES.includes(fam))
            p.push(
                `${NS}:database.instanceClass: got "${db.instanceClass}"; expected db.<family>.<size> with a family that supports Aurora global databases: ${AURORA_INSTANCE_FAMILIES.join(", ")}`,
            );
    }
    if (db.backupRetentionDays !== undefined && (db.backupRetentionDays < 1 || db.backupRetentionDays > 35))
        p.push(`${NS}:database.backupRetentionDays: got ${db.backupRetentionDays}; expected 1-35`);

    const tableNames = new Set<string>();
    (ns.tables ?? []).forEach((t, i) => {
        if (!t) return;
        const k = `${NS}:tables[${i}]`;
        if (t.name !== undefined) {
            if (tableNames.has(t.name)) p.push(`${k}.name: got "${t.name}"; expected a unique table name`);
            tableNames.add(t.name);
        }
        if (allDefined(t.attributes) && t.attributes.every((a) => a.name !== undefined)) {
            const attrs = new Set(t.attributes.map((a) => a.name as string));
            if (t.hashKey !== undefined && !attrs.has(t.hashKey))
                p.push(`${k}.hashKey: got "${t.hashKey}"; expected a key listed in its attributes (${[...attrs].join(", ")})`);
            if (t.rangeKey !== undefined && !attrs.has(t.rangeKey))
                p.push(`${k}.rangeKey: got "${t.rangeKey}"; expected a key listed in its attributes (${[...attrs].join(", ")})`);
            const rawRange = raw.tables === undefined ? t.rangeKey : rawItem(raw, "tables", i).rangeKey;
            if (t.hashKey !== undefined && (rawRange === undefined || t.rangeKey !== undefined)) {
                const keys = new Set([t.hashKey, t.rangeKey].filter((x): x is string => x !== undefined));
                for (const a of attrs)
                    if (!keys.has(a))
                        p.push(
                            `${k}.attributes: got "${a}", which is not a key; expected only key attributes (DynamoDB rejects unindexed attribute definitions)`,
                        );
            }
        }
        const rawTable = raw.tables === undefined ? {} : rawItem(raw, "tables", i);
        if (t.billingMode === "PROVISIONED" && (rawTable.readCapacity === undefined || rawTable.writeCapacity === undefined)) {
            p.push(`${k}.billingMode: got "PROVISIONED" without readCapacity and writeCapacity; expected both`);
        }
    });
    // The order pipeline's handlers read and write these tables by these keys.
    if (ns.tables !== undefined && allDefined(ns.tables)) {
        for (const [tname, keys] of Object.entries(PIPELINE_TABLES)) {
            const t = ns.tables.find((x) => x?.name === tname);
            const want = `hashKey "${keys.hashKey}"${keys.rangeKey ? ` and rangeKey "${keys.rangeKey}"` : ""}`;
            if (!t) p.push(`${NS}:tables: no table "${tname}"; expected one with ${want} (the order pipeline's handlers use it)`);
            else if (t.hashKey !== undefined && (t.hashKey !== keys.hashKey || (t.rangeKey ?? undefined) !== keys.rangeKey))
                p.push(
                    `${NS}:tables: table "${tname}" has hashKey "${t.hashKey}"${t.rangeKey ? ` and rangeKey "${t.rangeKey}"` : ""}; expected ${want} (the order pipeline's handlers use it)`,
                );
        }
    }
    const dns = ns.dns ?? {};
    if (dns.zoneName !== undefined && dns.recordName !== undefined) {
        const zone = dns.zoneName.replace(/\.$/, "").toLowerCase();
        const rec = dns.recordName.replace(/\.$/, "").toLowerCase();
        if (rec !== zone && !rec.endsWith(`.${zone}`)) {
            p.push(
                `${NS}:dns.recordName: got "${dns.recordName}"; expected a name inside ${NS}:dns.zoneName "${dns.zoneName}" (the records and the certificate's validation records live in that zone)`,
            );
        }
    }
    if (dns.zoneName !== undefined && dns.recordName !== undefined && ns.edge?.originName !== undefined) {
        const zone = dns.zoneName.replace(/\.$/, "").toLowerCase();
        const origin = ns.edge.originName.replace(/\.$/, "").toLowerCase();
        const rec = dns.recordName.replace(/\.$/, "").toLowerCase();
        if (!origin.endsWith(`.${zone}`) || origin === rec) {
            p.push(
                `${NS}:edge.originName: got "${ns.edge.originName}"; expected a name inside ${NS}:dns.zoneName "${dns.zoneName}" other than ${NS}:dns.recordName (CloudFront serves the record name; the origin name is what Route 53 resolves to a region's ALB)`,
            );
        }
    }
    // Sign-in and the API: their names live in the zone beside the users' name (their certificates are validated there).
    for (const [key, value] of [
        ["identity.domainName", ns.identity?.domainName],
        ["api.domainName", ns.api?.domainName],
    ] as const) {
        if (value === undefined || dns.zoneName === undefined || dns.recordName === undefined) continue;
        const zone = dns.zoneName.replace(/\.$/, "").toLowerCase();
        const name = value.replace(/\.$/, "").toLowerCase();
        const taken = [dns.recordName, ns.edge?.originName]
            .filter((x): x is string => x !== undefined)
            .map((x) => x.replace(/\.$/, "").toLowerCase());
        if (!name.endsWith(`.${zone}`) || taken.includes(name))
            p.push(
                `${NS}:${key}: got "${value}"; expected a name inside ${NS}:dns.zoneName "${dns.zoneName}" other than the users' and the origin's names`,
            );
    }
    if (
        ns.identity?.domainName !== undefined &&
        ns.api?.domainName !== undefined &&
        ns.identity.domainName.toLowerCase() === ns.api.domainName.toLowerCase()
    )
        p.push(`${NS}:api.domainName: got "${ns.api.domainName}", the same as ${NS}:identity.domainName; expected a name of its own`);
    // Whether the strategy keeps a replica is the strategy module's decision (the home stack's plan replicates).
    if (ns.identity?.mfa === "required" && ns.strategy !== undefined && planIdentity(ns.strategy, true, true).replicates)
        p.push(
            `${NS}:identity.mfa: got "required" with strategy "${ns.strategy}"; expected "optional": the factor offered (an authenticator app, TOTP) does not work on the user pool's replica, so required MFA would lock every user out after a failover`,
        );
    // The AZ the fault experiments act on is one the network uses.
    const faultAz = ns.operations?.faults?.availabilityZone;
    const azCount = ns.network?.azCount ?? 3;
    if (typeof faultAz === "number" && typeof azCount === "number" && faultAz >= azCount)
        p.push(
            `${NS}:operations.faults.availabilityZone: got ${faultAz}; expected the position of an AZ the network uses, 0 to ${azCount - 1} (network.azCount is ${azCount})`,
        );
    // A Global Datastore's members share one node type, which must be one it accepts.
    if (ns.strategy !== undefined && planCache(ns.strategy, true, true, "planned").mode === "global") {
        const t = ns.cache?.nodeType ?? "cache.r7g.large";
        if (typeof t === "string" && !globalDatastoreAccepts(t))
            p.push(
                `${NS}:cache.nodeType: got "${t}" with strategy "${ns.strategy}"; expected a type a Global Datastore accepts: ${GLOBAL_DATASTORE_NODE_FAMILIES.join(", ")} families, large or bigger (e.g. cache.r7g.large)`,
            );
    }
    (ns.services ?? []).forEach((s, i) => {
        const shared = s?.sharedPath;
        if (typeof shared !== "string") return;
        const paths = (s?.writablePaths ?? ["/tmp"]).filter((w): w is string => typeof w === "string");
        const clash = paths.find((w) => w === shared || shared.startsWith(`${w.replace(/\/+$/, "")}/`) || w.startsWith(`${shared}/`));
        if (clash !== undefined)
            p.push(
                `${NS}:services[${i}].sharedPath: got "${shared}", which overlaps writable path "${clash}"; expected a path of its own: not a writable path, inside one or above one (the tmpfs and the file system would hide each other)`,
            );
    });
    const routed = ns.services ?? DEFAULT_SERVICES;
    if (ns.api?.publicRoutes !== undefined && routed.length && routed.every((s) => s?.pathPrefix !== undefined)) {
        ns.api.publicRoutes.forEach((r, i) => {
            if (typeof r !== "string") return;
            const path = r.slice(r.indexOf(" ") + 1);
            const bases = routed.map((s) => `${API_BASE_PATH}${s!.pathPrefix}`);
            if (!bases.some((b) => path === b || path.startsWith(`${b}/`)))
                p.push(`${NS}:api.publicRoutes[${i}]: got "${r}"; expected a route under a service's path (${bases.join(", ")})`);
        });
    }
    if (regions && ns.strategy !== undefined && ns.strategy !== "active-active" && regions.length !== 2) {
        p.push(
            `${NS}:regions: got ${regions.length} region(s) with strategy "${ns.strategy}"; expected exactly 2 (Route 53 failover routing has one PRIMARY and one SECONDARY record; use active-active for more regions)`,
        );
    }
    if (ns.tableConsistency === "MRSC" && regions && regions.length !== 3) {
        p.push(
            `${NS}:tableConsistency: got "MRSC" with ${regions.length} region(s); expected MREC until the project has exactly three regions (MRSC needs three)`,
        );
    } else if (ns.tableConsistency === "MRSC" && regions) {
        p.push(
            `${NS}:tableConsistency: got "MRSC"; expected MREC: MRSC replicas must all be declared on the home stack's table (consistencyMode STRONG), but this project's replicas belong to each region's own stack (aws.dynamodb.TableReplica), so MRSC is not supported yet`,
        );
    }
    const backup = ns.backup ?? {};
    if (backup.intervalHours !== undefined && (backup.intervalHours < 1 || backup.intervalHours > 24 || 24 % backup.intervalHours !== 0)) {
        p.push(`${NS}:backup.intervalHours: got ${backup.intervalHours}; expected a divisor of 24 from 1 to 24 (AWS Backup runs at most hourly)`);
    }
    if (backup.retentionDays !== undefined && db.backupRetentionDays !== undefined && backup.retentionDays < db.backupRetentionDays) {
        p.push(`${NS}:backup.retentionDays: got ${backup.retentionDays}; expected at least database.backupRetentionDays (${db.backupRetentionDays})`);
    }
    if (ns.estimates) p.push(...constantOverrideProblems(NS, ns.estimates as Record<string, number>));
    return p;
}

// ---------------------------------------------------------------------------------------------------------
// Rules that span stacks
// ---------------------------------------------------------------------------------------------------------

export interface ProjectCheckOptions {
    /**
     * True when `stacks` holds every stack of the project with a valid region (so "region X has no stack" can
     * be decided). Default true.
     */
    readonly complete?: boolean;
}

/**
 * Checks the rules that span the project's stacks; returns every problem. Runs on what parsed in each stack
 * (PartialStack; a full StackConfig is one), so a problem in one stack file does not hide a cross-stack one.
 */
export function projectProblems(stacks: readonly PartialStack[], opts: ProjectCheckOptions = {}): string[] {
    const p: string[] = [];
    if (stacks.length === 0) return p;
    const same = (key: string, top: string, get: (s: PartialStack) => unknown) => {
        // A structured value is compared only where it parsed completely.
        const usable = stacks.filter((s) => {
            const v = get(s);
            return v !== undefined && (typeof v !== "object" || !s.incomplete?.has(top));
        });
        const first = usable[0];
        for (const s of usable.slice(1)) {
            if (JSON.stringify(get(s)) !== JSON.stringify(get(first))) {
                p.push(
                    `${key}: stack "${s.stack}" has ${show(get(s))} but stack "${first.stack}" has ${show(get(first))}; expected the same value in every stack`,
                );
            }
        }
    };
    same(`${NS}:strategy`, "strategy", (s) => s.strategy);
    same(`${NS}:primaryRegion`, "primaryRegion", (s) => s.primaryRegion);
    same(`${NS}:regions`, "regions", (s) => s.regions);
    same(`${NS}:database.engineVersion`, "database", (s) => s.database?.engineVersion);
    same(`${NS}:tableConsistency`, "tableConsistency", (s) => s.tableConsistency);
    same(`${NS}:failoverControl`, "failoverControl", (s) => s.failoverControl);
    same(`${NS}:tables`, "tables", (s) => s.tables);
    same(`${NS}:dns`, "dns", (s) => s.dns);
    same(`${NS}:edge`, "edge", (s) => s.edge);
    same(`${NS}:pipeline`, "pipeline", (s) => s.pipeline);
    same(`${NS}:identity`, "identity", (s) => s.identity);
    same(`${NS}:api`, "api", (s) => s.api);
    same(`${NS}:cache`, "cache", (s) => s.cache);

    const byRegion = new Map<string, string>();
    for (const s of stacks) {
        if (s.region === undefined) continue;
        const other = byRegion.get(s.region);
        if (other) p.push(`aws:region: stacks "${other}" and "${s.stack}" both use ${s.region}; expected one stack per region`);
        byRegion.set(s.region, s.stack);
    }
    const withRegions = stacks.find((s) => allDefined(s.regions) && !s.incomplete?.has("regions"));
    if (opts.complete !== false && stacks.every((s) => s.region !== undefined) && withRegions) {
        for (const r of withRegions.regions as string[]) {
            if (!byRegion.has(r)) p.push(`${NS}:regions: region ${r} has no stack; expected a Pulumi.<stack>.yaml with aws:region ${r}`);
        }
    }
    const cidrs: Array<[string, Cidr, string]> = [];
    for (const s of stacks) {
        const c = s.network?.cidr === undefined ? undefined : parseCidr(s.network.cidr);
        if (c) cidrs.push([s.stack, c, s.network!.cidr!]);
    }
    for (let i = 0; i < cidrs.length; i++) {
        for (let j = i + 1; j < cidrs.length; j++) {
            if (overlaps(cidrs[i][1], cidrs[j][1])) {
                p.push(
                    `${NS}:network.cidr: stack "${cidrs[j][0]}" has ${cidrs[j][2]}, which overlaps stack "${cidrs[i][0]}" ${cidrs[i][2]}; expected non-overlapping CIDRs so the regions can be peered`,
                );
            }
        }
    }
    return p;
}

/**
 * The origin hostname of the edge's dynamic behaviour: `edge.originName`, or `origin-<first label>` beside
 * the record name (shop.example.com → origin-shop.example.com), so it stays inside the zone.
 */
export function originNameOf(c: Pick<StackConfig, "dns" | "edge">): string {
    if (c.edge.originName) return c.edge.originName.replace(/\.$/, "");
    const rec = c.dns.recordName.replace(/\.$/, "");
    const zone = c.dns.zoneName.replace(/\.$/, "");
    if (rec === zone) return `origin.${zone}`;
    const [first, ...rest] = rec.split(".");
    return [`origin-${first}`, ...rest].join(".");
}

/** The managed-login (sign-in) domain: `identity.domainName`, or `auth.` before the users' name (its parent has their A record, as Cognito requires). */
export function authDomainOf(c: Pick<StackConfig, "dns" | "identity">): string {
    return (c.identity.domainName ?? `auth.${c.dns.recordName}`).replace(/\.$/, "");
}

/** The API's custom domain: `api.domainName`, or `api.` before the users' name. */
export function apiDomainOf(c: Pick<StackConfig, "dns" | "api">): string {
    return (c.api.domainName ?? `api.${c.dns.recordName}`).replace(/\.$/, "");
}

/** Stack name → its region, for the stacks of a project. */
export function stackOfRegion(stacks: readonly StackConfig[], regionName: string): StackConfig | undefined {
    return stacks.find((s) => s.region === regionName);
}
