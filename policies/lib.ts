/**
 * Plain helpers shared by the policy modules. Nothing here starts the analyzer: only policies/index.ts
 * constructs the PolicyPack, so tests can import every other module of the pack.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidation,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import { STRATEGIES, type CapacityConfig, type Role, type Strategy, type WebConfig } from "../src/config";
import { DELETE_IS_WARNING, STATEFUL_TYPES as ALL_STATEFUL_TYPES } from "../src/replaceRules";
import { RegionPlan, planRegion } from "../src/strategy";

/** What every SecureCart policy states besides its check. */
interface Meta {
    /** kebab-case, unique in the pack. */
    readonly name: string;
    /** One sentence: what must hold. */
    readonly description: string;
    readonly severity: Severity;
    readonly enforcementLevel: EnforcementLevel;
    readonly remediationSteps: string;
    readonly configSchema?: PolicyConfigSchema;
}
export type ResourcePolicy = ResourceValidationPolicy & Meta & { readonly validateResource: ResourceValidation | ResourceValidation[] };
export type StackPolicy = StackValidationPolicy & Meta;
export type SecureCartPolicy = ResourcePolicy | StackPolicy;

/** Type tokens the pack inspects, in one place. */
export const T = {
    awsProvider: "pulumi:providers:aws",
    vpc: "aws:ec2/vpc:Vpc",
    flowLog: "aws:ec2/flowLog:FlowLog",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    instance: "aws:ec2/instance:Instance",
    ebsVolume: "aws:ebs/volume:Volume",
    asg: "aws:autoscaling/group:Group",
    loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    ecsCluster: "aws:ecs/cluster:Cluster",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    ecsService: "aws:ecs/service:Service",
    scalableTarget: "aws:appautoscaling/target:Target",
    globalCluster: "aws:rds/globalCluster:GlobalCluster",
    rdsCluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    rdsInstance: "aws:rds/instance:Instance",
    table: "aws:dynamodb/table:Table",
    tableReplica: "aws:dynamodb/tableReplica:TableReplica",
    kmsKey: "aws:kms/key:Key",
    kmsReplicaKey: "aws:kms/replicaKey:ReplicaKey",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    backupVault: "aws:backup/vault:Vault",
    backupPlan: "aws:backup/plan:Plan",
    secret: "aws:secretsmanager/secret:Secret",
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketSseV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    record: "aws:route53/record:Record",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
} as const;

/**
 * Stateful types that must carry `protect`: the drill's list (src/replaceRules.ts), less the types whose
 * deletion is allowed because the role sets their count (Aurora instances). One list, two uses.
 */
export const STATEFUL_TYPES: readonly string[] = ALL_STATEFUL_TYPES.filter((t) => !(t in DELETE_IS_WARNING));

export const OPEN_CIDRS: readonly string[] = ["0.0.0.0/0", "::/0"];

/**
 * A value the engine does not know yet. In a preview, an input computed from another resource's output
 * (a key ARN, a health-check id) is unknown, and reading it throws; the analyzer then skips the whole policy
 * for that resource with an advisory note. A reference that is merely pending is still a reference, so the
 * pack reads such values through `known` / `prop` and treats PENDING as "set, to another resource's output".
 */
export const PENDING: unique symbol = Symbol("pending");
export type Pending = typeof PENDING;

/** Runs `read`, returning PENDING when it touches a value unknown during preview. */
export function known<X>(read: () => X): X | Pending {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return PENDING;
        throw e;
    }
}

/** A (dotted) path into a value, or PENDING when it touches a value unknown during preview. */
export function at(value: unknown, path: string): unknown {
    return known(() => path.split(".").reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), value));
}

/** A (dotted) property of a resource, or PENDING when it is unknown during preview. */
export function prop(r: { props: Record<string, unknown> }, path: string): unknown {
    return at(r.props, path);
}

/** Set: a non-empty string, or a pending reference to another resource's output. */
export function isSet(v: unknown): boolean {
    return v === PENDING || nonEmpty(v);
}

/** Booleans arrive as booleans, but some v7 inputs are strings ("true"), e.g. launch-template EBS flags. */
export function isTrue(v: unknown): boolean {
    return v === true || v === "true";
}

export function nonEmpty(v: unknown): v is string {
    return typeof v === "string" && v.trim().length > 0;
}

/**
 * A customer-managed key reference: set, and not an AWS-managed alias such as alias/aws/rds. A pending
 * reference is another resource's output (a key's ARN): AWS-managed keys are only ever named literally.
 */
export function isCmk(v: unknown): boolean {
    return v === PENDING || (nonEmpty(v) && !/(^|:)alias\/aws\//.test(v));
}

export function asArray<X = unknown>(v: unknown): X[] {
    return Array.isArray(v) ? (v as X[]) : [];
}

/**
 * Tags as a map, from either a `tags` map or an Auto Scaling group's `[{key, value}]` list; PENDING when
 * the tags are unknown during preview.
 */
export function tagsOrPending(props: Record<string, unknown>): Record<string, string> | Pending {
    return known(() => {
        const t = props.tags;
        if (Array.isArray(t)) {
            const out: Record<string, string> = {};
            for (const e of t as Array<Record<string, unknown>>) if (typeof e?.key === "string") out[e.key] = String(e.value ?? "");
            return out;
        }
        return t !== null && typeof t === "object" ? { ...(t as Record<string, string>) } : {};
    });
}

/** Tags as a map ({} when unknown during preview). */
export function tagsOf(props: Record<string, unknown>): Record<string, string> {
    const t = tagsOrPending(props);
    return t === PENDING ? {} : t;
}

/** The policy's config with the schema's defaults filled in (the engine sends them; this keeps a policy safe without). */
export function configOf<C>(schema: PolicyConfigSchema, got: object): C {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema.properties)) {
        if (typeof s === "object" && s.default !== undefined) out[k] = s.default;
    }
    for (const [k, v] of Object.entries(got ?? {})) if (v !== undefined && v !== null) out[k] = v;
    return out as C;
}

/** Describes a resource for a message: `type name`. */
export function label(r: { type: string; name: string }): string {
    return `${r.type.split(":").pop()} "${r.name}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Stack-level lookups
// ---------------------------------------------------------------------------------------------------------

export function ofType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** The values a resource may be referred to by: its ARN, name, bucket, key id. */
function handles(r: PolicyResource): string[] {
    return ["arn", "name", "bucket", "keyId", "id", "clusterIdentifier", "globalClusterIdentifier"]
        .map((k) => prop(r, k))
        .filter((v): v is string => nonEmpty(v));
}

/**
 * Whether `r`'s input `key` refers to `target`: through the engine's property dependencies (an Output of
 * `target` flowed into it), or, for literal references, by value.
 */
export function refersTo(r: PolicyResource, key: string, target: PolicyResource): boolean {
    if ((r.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn)) return true;
    const v = prop(r, key);
    const values = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
    const hs = handles(target);
    return values.some((x) => hs.includes(x));
}

/** The region the stack deploys to: the default AWS provider's (the engine builds it from `aws:region`). */
export function stackRegion(resources: readonly PolicyResource[]): string | undefined {
    const fromDefault = (p: { name: string; props: Record<string, unknown> } | undefined) => {
        const region = p && p.name.startsWith("default") ? prop(p, "region") : undefined;
        return nonEmpty(region) ? region : undefined;
    };
    for (const r of resources) {
        if (r.type === T.awsProvider) {
            const reg = fromDefault(r);
            if (reg) return reg;
        }
    }
    for (const r of resources) {
        const reg = fromDefault(r.provider);
        if (reg) return reg;
    }
    return undefined;
}

function mostCommon(values: readonly string[]): string | undefined {
    const n = new Map<string, number>();
    for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}


/** The stack's strategy, from the `strategy` tag the program puts on every AWS resource. */
export function stackStrategy(resources: readonly PolicyResource[]): Strategy | undefined {
    const s = mostCommon(resources.filter((r) => r.type.startsWith("aws:")).map((r) => tagsOf(r.props).strategy).filter(nonEmpty));
    return (STRATEGIES as readonly string[]).includes(s as string) ? (s as Strategy) : undefined;
}

/** Project facts a single stack cannot see; every DR policy takes them from its config. */
export interface ProjectFacts {
    /** The project's regions, home first. Empty: unknown. */
    readonly regions: string[];
    /** The region that holds the primary role. Empty: unknown. */
    readonly primaryRegion: string;
}

export const PROJECT_FACTS_SCHEMA: PolicyConfigSchema["properties"] = {
    regions: { type: "array", items: { type: "string" }, default: [], description: "The project's regions; the first is the home region." },
    primaryRegion: { type: "string", default: "", description: "The region that holds the primary role (used when the stack carries no role tag)." },
};

export interface StackContext {
    readonly region?: string;
    readonly strategy?: Strategy;
    readonly role?: Role;
    /** Where the role came from. */
    readonly roleSource: "role tag" | "primaryRegion config" | "unknown";
    readonly isHome?: boolean;
    /** The strategy table's row for this stack (src/strategy.ts), when strategy, role and home are known. */
    readonly plan?: RegionPlan;
}

/**
 * What a stack is: its region (default provider), strategy (`strategy` tag), role (the `role` tag the DNS
 * component puts on the region's health check; else `primaryRegion` from config) and whether it is the
 * home stack (first configured region; else: it holds the multi-Region primary key).
 */
export function stackContext(resources: readonly PolicyResource[], facts: ProjectFacts): StackContext {
    const region = stackRegion(resources);
    const strategy = stackStrategy(resources);
    const tagged = mostCommon(resources.map((r) => tagsOf(r.props).role).filter((v) => v === "primary" || v === "standby"));
    let role: Role | undefined;
    let roleSource: StackContext["roleSource"] = "unknown";
    if (tagged) {
        role = tagged as Role;
        roleSource = "role tag";
    } else if (region && nonEmpty(facts.primaryRegion)) {
        role = region === facts.primaryRegion ? "primary" : "standby";
        roleSource = "primaryRegion config";
    }
    const isHome = facts.regions.length > 0 && region
        ? facts.regions[0] === region
        : ofType(resources, T.kmsKey).some((k) => isTrue(prop(k, "multiRegion")));
    const plan = strategy && role ? expectedPlan(strategy, role, isHome) : undefined;
    return { region, strategy, role, roleSource, isHome, plan };
}

/**
 * The strategy table's row, from the same pure function the program uses. Sizing inputs are a reference
 * primary of 2 (max 4): the policies use only the shape and whether each tier is zero, never exact counts,
 * which stack config may override per tier.
 */
export function expectedPlan(strategy: Strategy, role: Role, isHome: boolean): RegionPlan {
    // planRegion reads only the three capacity fields of the web config.
    const web = { minSize: 2, maxSize: 4, desiredCapacity: 2 } satisfies Pick<WebConfig, "minSize" | "maxSize" | "desiredCapacity">;
    const capacity: CapacityConfig = { warmStandbyFraction: 0.5, standby: {} };
    return planRegion({ strategy, role, isHome, web: web as WebConfig, services: [], capacity, auroraReaders: 1 });
}
