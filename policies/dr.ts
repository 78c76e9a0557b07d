/**
 * Disaster-recovery invariants of the topology as a whole. A stack sees only itself, so each policy reads
 * the stack's strategy (`strategy` tag), role (`role` tag on the region's health check, else primaryRegion
 * from config) and the strategy table (src/strategy.ts, the same pure function the program uses), and
 * takes project facts it cannot see (regions, tables, engine version) from its config.
 */
import { PolicyResource } from "@pulumi/policy";
import { STATEFUL_TYPES, StackPolicy, configOf, factsSchema, requireContext, who } from "./lib";
import {
    Capacity,
    ProjectFacts,
    T,
    UNKNOWN,
    arnRegion,
    arr,
    asgCapacityOf,
    at,
    engineVersionOf,
    get,
    instancesOf,
    isSet,
    label,
    launchable,
    nonEmpty,
    ofType,
    isAws,
    isProtected,
    providerRegion,
    text,
    routingOf,
    serviceCapacityOf,
    stackRegion,
    tableNameOfArn,
} from "../src/plan";
import { CROSS_REGION_EXCEPTIONS, CrossRegionException, exceptionApplies } from "../src/crossRegion";

const tablesSchema = {
    tables: {
        type: "array" as const,
        items: { type: "string" as const },
        default: [],
        description: "Names of the project's DynamoDB tables (e.g. securecart-carts).",
    },
};

type StandbyConfig = ProjectFacts & { tables: string[] };
const standbySchema = factsSchema(tablesSchema);

export const standbyHasStrategyResources: StackPolicy = {
    name: "dr-standby-has-strategy-resources",
    description:
        "A standby region has everything its strategy requires per the strategy table: network, keys and a backup vault always; compute, a secondary Aurora cluster, table replicas and a health-checked record as the strategy says.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Plan the standby stack with the project's strategy (securecart:strategy) and let the region composition build it; see the strategy table in the README. A missing piece means the region cannot take over in the strategy's RTO.",
    configSchema: standbySchema,
    validateStack: (args, report) => {
        const facts = configOf<StandbyConfig>(standbySchema, args.getConfig());
        const ctx = requireContext(args, facts);
        if (ctx.role !== "standby") args.notApplicable("the stack holds the primary role");
        const { plan } = ctx;
        const rs = args.resources;
        const need = (ok: boolean, what: string, why: string) => {
            if (!ok) report(`${who(ctx, true)} must have ${what} (${why}).`);
        };
        need(ofType(rs, T.vpc).length > 0, "a VPC", "every region keeps its network so recovery never waits for it");
        need(ofType(rs, T.backupVault).length > 0, "a backup vault", "every region receives copies of the primary's backups");
        if (!ctx.isHome)
            need(
                ofType(rs, T.kmsReplicaKey).length > 0,
                "a replica of the multi-Region data key",
                "replicated and copied data is encrypted under it",
            );

        if (plan.computeExists) {
            const lts = ofType(rs, T.launchTemplate);
            const asgs = ofType(rs, T.asg);
            need(lts.length > 0, "a launch template", "compute exists in this strategy's standby");
            need(asgs.length > 0 && asgs.every(launchable), "an Auto Scaling group with a launch template", "the web tier must be launchable");
            need(ofType(rs, T.loadBalancer).length > 0, "a load balancer", "compute exists in this strategy's standby");
            need(ofType(rs, T.ecsCluster).length > 0, "an ECS cluster", "services exist in this strategy's standby");
            const services = ofType(rs, T.ecsService);
            need(
                services.length > 0 && services.every((s) => isSet(get(s, "taskDefinition"))),
                "ECS services with task definitions",
                "services exist in this strategy's standby",
            );
            const records = ofType(rs, T.record).filter((r) => routingOf(r) === plan.dns.routing);
            need(
                records.length > 0 && records.every((r) => isSet(get(r, "healthCheckId"))),
                `a health-checked ${plan.dns.routing} record`,
                "Route 53 must be able to send traffic here",
            );
        }

        const clusters = ofType(rs, T.rdsCluster);
        const inGlobal = clusters.filter((c) => isSet(get(c, "globalClusterIdentifier")));
        switch (plan.aurora.shape) {
            case "headless":
                need(inGlobal.length > 0, "an Aurora secondary cluster in the global cluster (headless)", "pilot light replicates data live");
                break;
            case "secondary":
                need(inGlobal.length > 0, "an Aurora secondary cluster in the global cluster", "this strategy replicates data live");
                need(
                    inGlobal.some((c) => instancesOf(c, rs).length > 0),
                    "at least one instance in its Aurora secondary",
                    "the standby serves reads and can be promoted in minutes",
                );
                break;
            default:
                break;
        }
        switch (plan.dynamo.shape) {
            case "replica":
                need(ofType(rs, T.tableReplica).length > 0, "DynamoDB table replicas", "this strategy replicates tables live");
                break;
            default:
                break;
        }
    },
};

type CapacityConfig = ProjectFacts;
const capacitySchema = factsSchema();

interface Sized extends Capacity {
    readonly what: string;
    readonly launchable: boolean;
    readonly urn: string;
}

/** Each web and service tier's capacity; tiers whose counts are unknown during preview are left out. */
function sizedCompute(rs: readonly PolicyResource[]): Sized[] {
    const out: Sized[] = [];
    for (const g of ofType(rs, T.asg)) {
        const c = asgCapacityOf(g);
        if (c) out.push({ what: label(g), ...c, urn: g.urn, launchable: launchable(g) });
    }
    for (const s of ofType(rs, T.ecsService)) {
        const c = serviceCapacityOf(s, rs);
        if (c) out.push({ what: label(s), ...c, urn: s.urn, launchable: isSet(get(s, "taskDefinition")) });
    }
    return out;
}

export const capacityMatchesStrategy: StackPolicy = {
    name: "dr-capacity-matches-strategy",
    description:
        "Compute capacity matches the strategy table for the stack's role: a primary, warm standby or active-active region runs at least 1 of each tier; a pilot-light standby runs 0 but stays launchable (max >= 1).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Size the tier from the strategy module (src/strategy.ts) instead of by hand; check securecart:capacity.standby overrides. A warm standby at zero is a pilot light with a warm-standby RTO promise.",
    configSchema: capacitySchema,
    validateStack: (args, report) => {
        const facts = configOf<CapacityConfig>(capacitySchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const { plan } = ctx;
        if (!plan.computeExists) args.notApplicable(`${who(ctx)} runs no compute`);
        const runs = plan.web.desired >= 1;
        for (const c of sizedCompute(args.resources)) {
            if (runs) {
                if (c.desired < 1 || c.min < 1)
                    report(`${c.what} must run at least 1 (desired ${c.desired}, min ${c.min}): ${who(ctx)} serves or stands warm.`, c.urn);
            } else {
                if (c.desired !== 0 || c.min !== 0)
                    report(`${c.what} must be scaled to 0 (desired ${c.desired}, min ${c.min}): ${who(ctx)} keeps compute switched off.`, c.urn);
                if (c.max < 1 || !c.launchable)
                    report(
                        `${c.what} must stay launchable (max >= 1 with a launch template or task definition; max is ${c.max}): ${who(ctx)} scales out on failover.`,
                        c.urn,
                    );
            }
        }
    },
};

const versionSchema = {
    properties: {
        engineVersion: {
            type: "string" as const,
            default: "",
            description:
                "The Aurora engine version every region must run (securecart:database.engineVersion); empty: only agreement within the stack is checked.",
        },
    },
};
interface VersionConfig {
    engineVersion: string;
}

export const auroraVersionsConsistent: StackPolicy = {
    name: "dr-aurora-engine-version-consistent",
    description:
        "Every Aurora cluster and the global cluster run the same engine version as the rest of the global database (switchover and failover require it).",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set one securecart:database.engineVersion for every stack, and upgrade the global cluster as a whole (global cluster first, then secondaries, per the Aurora user guide).",
    configSchema: versionSchema,
    validateStack: (args, report) => {
        const { engineVersion } = configOf<VersionConfig>(versionSchema, args.getConfig());
        const members = ofType(args.resources, T.globalCluster, T.rdsCluster);
        if (members.length === 0) args.notApplicable("no Aurora cluster in the stack");
        const versionOf = engineVersionOf;
        const known = members.filter((m) => versionOf(m) !== undefined);
        const versions = new Set(known.map((m) => versionOf(m) as string));
        const expected = nonEmpty(engineVersion) ? engineVersion : versions.size === 1 ? [...versions][0] : undefined;
        for (const m of known) {
            const v = versionOf(m) as string;
            if (expected === undefined)
                report(
                    `${label(m)} runs ${v}; every cluster of the global database must run the same engine version (found ${[...versions].join(", ")}).`,
                    m.urn,
                );
            else if (v !== expected) report(`${label(m)} must run engine version ${expected}, the global database's; it runs ${v}.`, m.urn);
        }
    },
};

type TablesConfig = ProjectFacts & { tables: string[] };
const globalTablesSchema = factsSchema(tablesSchema);

export const globalTablesReplicated: StackPolicy = {
    name: "dr-global-tables-replicated",
    description:
        "Every global table has a replica in every standby region: a standby stack holds a TableReplica of each table, and the home stack's tables leave replicas to those stacks (ignoreChanges replicas) or list them all.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create an aws.dynamodb.TableReplica for each table in every standby stack (globalTableArn = the home table\'s ARN) and give the home table ignoreChanges: ["replicas"] so re-applying it never deletes them.',
    configSchema: globalTablesSchema,
    validateStack: (args, report) => {
        const facts = configOf<TablesConfig>(globalTablesSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const rs = args.resources;
        const home = facts.regions[0];
        switch (ctx.plan.dynamo.shape) {
            case "replica": {
                const replicas = ofType(rs, T.tableReplica);
                if (replicas.length === 0) report(`${who(ctx, true)} must hold a replica of every global table; it holds none.`);
                // A table ARN that is another resource's output is unknown during preview: names cannot be matched then.
                const arns = replicas.map((r) => get(r, "globalTableArn"));
                const names = arns.includes(UNKNOWN) ? [] : facts.tables;
                for (const name of names) {
                    const mine = replicas.filter((r) => tableNameOfArn(get(r, "globalTableArn")) === name);
                    if (mine.length === 0) report(`${who(ctx, true)} must hold a replica of table ${name}; no TableReplica refers to it.`);
                    for (const r of mine) {
                        const src = arnRegion(get(r, "globalTableArn"));
                        if (home && src !== home)
                            report(`${label(r)} must replicate the home region's table (${home}); its globalTableArn is in ${src}.`, r.urn);
                    }
                }
                break;
            }
            case "table": {
                const tables = ofType(rs, T.table);
                for (const name of facts.tables)
                    if (!tables.some((t) => [name, UNKNOWN].includes(get(t, "name") as string)))
                        report(`The home stack must hold global table ${name}; it does not.`);
                const standbys = facts.regions.filter((r) => r !== ctx.region);
                for (const t of tables) {
                    if (t.opts.ignoreChanges.includes("replicas")) continue;
                    const inline = get(t, "replicas");
                    if (inline === UNKNOWN) continue;
                    const listed = arr<{ regionName?: string }>(inline).map((r) => r.regionName);
                    const missing = standbys.filter((r) => !listed.includes(r));
                    if (standbys.length === 0 && listed.length === 0)
                        report(`${label(t)} must either list its replicas or ignore changes to replicas (they live in the standby stacks).`, t.urn);
                    else if (missing.length)
                        report(
                            `${label(t)} must have a replica in every standby region; missing ${missing.join(", ")} (or set ignoreChanges ["replicas"] when standby stacks own them).`,
                            t.urn,
                        );
                }
                break;
            }
            default:
                args.notApplicable(`${who(ctx)} holds no live tables (${ctx.plan.dynamo.shape})`);
        }
    },
};

const backupsSchema = factsSchema();

export const backupsCopiedToStandbys: StackPolicy = {
    name: "dr-backups-copied-to-standby-regions",
    description: "The primary's backup plans copy every rule's recovery points to a vault in every standby region.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give every rule of the backup plan a copyAction per standby region (destinationVaultArn arn:aws:backup:<region>:<account>:backup-vault:<name>). Without it a regional disaster takes the backups with it.",
    configSchema: backupsSchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(backupsSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        if (!ctx.plan.backup.runsPlan) args.notApplicable(`${who(ctx)} does not run the backup plan`);
        const plans = ofType(args.resources, T.backupPlan);
        if (plans.length === 0) report(`${who(ctx, true)} must run a backup plan with copies to every standby region; it has none.`);
        const standbys = facts.regions.filter((r) => r !== ctx.region);
        for (const p of plans) {
            for (const rule of arr<Record<string, unknown>>(get(p, "rules"))) {
                const arns = arr<unknown>(at(rule, "copyActions")).map((c) => at(c, "destinationVaultArn"));
                if (arns.includes(UNKNOWN)) continue; // a vault ARN built from outputs: not knowable in preview
                const dests = arns.map(arnRegion);
                const missing = standbys.length
                    ? standbys.filter((r) => !dests.includes(r))
                    : dests.some((d) => d !== ctx.region)
                      ? []
                      : ["(any other region)"];
                if (missing.length)
                    report(
                        `Rule "${text(at(rule, "ruleName"))}" of ${label(p)} must copy to a vault in every standby region; missing ${missing.join(", ")}.`,
                        p.urn,
                    );
            }
        }
    },
};

export const statefulProtected: StackPolicy = {
    name: "dr-stateful-resources-protected",
    description:
        "Every stateful resource (databases, tables, replicas, keys, vaults, buckets and their versioning, encryption, logging and replication settings, secrets, log groups, ECR repositories, the CloudFront distribution and its web ACL) has the Pulumi protect option, so no update or drill can delete it.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the resource with { protect: true, retainOnDelete: true }. The analyzer protocol carries `protect` only; deletion protection on the resource itself is checked by aws-rds-deletion-protection and aws-dynamodb-deletion-protection.",
    validateStack: (args, report) => {
        for (const r of ofType(args.resources, ...STATEFUL_TYPES)) {
            if (!isProtected(r)) report(`${label(r)} is stateful and must be protected (resource option protect: true).`, r.urn);
        }
    },
};

const regionSchema = {
    properties: {
        exemptions: {
            type: "array" as const,
            items: { type: "object" as const },
            default: CROSS_REGION_EXCEPTIONS,
            description:
                "Resources allowed outside the stack's region: a type (or type prefix), the region, optional property values that must match, and why. Default: src/crossRegion.ts.",
        },
    },
};
interface RegionConfig {
    exemptions: CrossRegionException[];
}

function exempt(r: PolicyResource, region: string, exemptions: readonly CrossRegionException[]): boolean {
    return exemptions.some((e) => exceptionApplies(e, r.type, region, (k) => get(r, k)));
}

export const resourcesInStackRegion: StackPolicy = {
    name: "dr-resources-in-stack-region",
    description:
        "No resource is created outside the stack's region, whether through another provider or a per-resource `region`, except the listed global-service exemptions; a region's stack must not depend on another region being up.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create the resource in the stack of the region it belongs to, through the default provider. If a service only exists in one region (e.g. Route 53 health-check metrics in us-east-1), add an exemption to this policy's config.",
    configSchema: regionSchema,
    validateStack: (args, report) => {
        const region = stackRegion(args.resources);
        if (!region) args.notApplicable("the stack has no default AWS provider");
        const { exemptions } = configOf<RegionConfig>(regionSchema, args.getConfig());
        for (const r of args.resources) {
            if (!isAws(r.type)) continue;
            const viaProvider = providerRegion(r);
            const own = get(r, "region");
            for (const [where, reg] of [
                ["its provider", viaProvider],
                ["its region input", own],
            ] as const) {
                if (nonEmpty(reg) && reg !== region && !exempt(r, reg, exemptions)) {
                    report(`${label(r)} must be created in the stack's region ${region}; ${where} puts it in ${reg}.`, r.urn);
                }
            }
        }
    },
};
