import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The IAM permissions each FIS action used here needs, exactly as the AWS FIS user guide's "Actions reference"
 * lists them (docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html, "Permissions" of each action,
 * read 2026-12-06). The experiment role is granted the union of these for the actions its templates use, and no
 * other action. Two entries are listed there as conditional, and both conditions hold here:
 * - aws:ec2:stop-instances: `ec2:DescribeInstances` is "required with completeIfInstancesTerminated" (set: the web
 *   tier's Auto Scaling group may terminate a stopped instance before FIS restarts it), and `kms:CreateGrant`
 *   "required with startInstancesAfterDuration to restart instances with encrypted volumes" (the web tier's root
 *   volumes are encrypted under the region's data key).
 * The AWS managed policies (AWSFaultInjectionSimulatorECSAccess v7, ...EC2Access, ...RDSAccess, ...NetworkAccess
 * v5, AWS Managed Policy Reference) grant more (other actions, every account resource): not used.
 */
export const FIS_ACTION_PERMISSIONS = {
    "aws:ecs:stop-task": ["ecs:DescribeTasks", "ecs:ListTasks", "ecs:StopTask", "tag:GetResources"],
    "aws:ec2:stop-instances": ["ec2:StopInstances", "ec2:StartInstances", "ec2:DescribeInstances", "kms:CreateGrant"],
    "aws:ec2:asg-insufficient-instance-capacity-error": ["ec2:InjectApiError", "autoscaling:DescribeAutoScalingGroups"],
    "aws:network:disrupt-connectivity": [
        "ec2:CreateNetworkAcl",
        "ec2:CreateNetworkAclEntry",
        "ec2:CreateTags",
        "ec2:DeleteNetworkAcl",
        "ec2:DescribeManagedPrefixLists",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
        "ec2:GetManagedPrefixListEntries",
        "ec2:ReplaceNetworkAclAssociation",
    ],
    "aws:rds:failover-db-cluster": ["rds:FailoverDBCluster", "rds:DescribeDBClusters", "tag:GetResources"],
    "aws:fis:wait": [],
} as const satisfies Readonly<Record<string, readonly string[]>>;
export type FisActionId = keyof typeof FIS_ACTION_PERMISSIONS;

/**
 * Each action's target: the key it names the target by and the resource type the target must be (actions
 * reference, "Resource type"; the keys are in terraform-provider-aws's fixed list of action target keys).
 */
export const ACTION_TARGETS: Readonly<Record<Exclude<FisActionId, "aws:fis:wait">, { readonly key: string; readonly resourceType: string }>> = {
    "aws:ecs:stop-task": { key: "Tasks", resourceType: "aws:ecs:task" },
    "aws:ec2:stop-instances": { key: "Instances", resourceType: "aws:ec2:instance" },
    "aws:ec2:asg-insufficient-instance-capacity-error": { key: "AutoScalingGroups", resourceType: "aws:ec2:autoscaling-group" },
    "aws:network:disrupt-connectivity": { key: "Subnets", resourceType: "aws:ec2:subnet" },
    "aws:rds:failover-db-cluster": { key: "Clusters", resourceType: "aws:rds:cluster" },
};

/** The templates, by the key of `templateIds`. Names go on the templates' Name tag (a template has no name of its own). */
export const TEMPLATE_NAMES = {
    stopTasks: "securecart-stop-tasks",
    azPower: "securecart-az-power",
    auroraFailover: "securecart-aurora-failover",
    subnetDisruption: "securecart-subnet-disruption",
} as const;
export type TemplateKey = keyof typeof TEMPLATE_NAMES;

/**
 * FIS quotas (Service Quotas defaults, as published in public dumps of the quota list; the FIS quotas page
 * itself was not readable here): stop conditions per template 5 (L-872EC72B, not adjustable), parallel actions
 * per experiment 10 (L-EB051440, not adjustable), actions per template 20 (L-0BFE6B67), action duration 12 hours
 * (L-A7622DAA). Per-action target counts default to 5 and are adjustable: tasks for aws:ecs:stop-task
 * (L-48D12416), instances for aws:ec2:stop-instances (L-3F98B425), subnets for aws:network:disrupt-connectivity
 * (L-1F59732D), clusters for aws:rds:failover-db-cluster (L-7D222253). The provider also caps a target's
 * `resourceArns` at 5.
 */
export const FIS_LIMITS = {
    stopConditionsPerTemplate: 5,
    parallelActions: 10,
    actionsPerTemplate: 20,
    maxDurationMinutes: 12 * 60,
    resourceArnsPerTarget: 5,
} as const;

/** A duration as FIS takes it (ISO 8601, whole minutes). */
export function isoMinutes(minutes: number): string {
    return `PT${minutes}M`;
}

/** The selection modes the provider accepts (terraform-provider-aws: `^(ALL|COUNT\(\d+\)|PERCENT\(\d+\))$`). */
export const SELECTION_MODE = /^(ALL|COUNT\(\d+\)|PERCENT\(\d+\))$/;

export interface FaultExperimentsArgs {
    /** This stack's region; the templates act on it alone. Required. */
    readonly region: string;
    /** This account's id (the role's trust conditions and the ARNs it scopes to). Required. */
    readonly accountId: pulumi.Input<string>;
    /**
     * CloudWatch alarms that stop an experiment when any is in ALARM, on every template. Required: 1-5 (FIS's
     * quota of stop conditions per template, not adjustable). Metric alarms: whether FIS accepts a composite alarm
     * here is not documented (see the component's doc).
     */
    readonly stopConditionAlarmArns: pulumi.Input<string>[];
    /** How long each fault lasts, and the watch after an instant one, in minutes (1-720). Default 10. */
    readonly durationMinutes?: number;
    /** Share of each service's tasks the stop-tasks template stops, 1-100. Default 50. */
    readonly stopTasksPercent?: number;
    /**
     * The services' cluster → template `securecart-stop-tasks`, and the AZ template's task stops. Default none.
     */
    readonly ecs?: {
        readonly clusterName: pulumi.Input<string>;
        readonly clusterArn: pulumi.Input<string>;
        /** The services whose tasks are stopped (one target and one action each). */
        readonly serviceNames: readonly string[];
        /**
         * A tag every task of the project carries (the services propagate their own tags to their tasks,
         * `propagateTags: SERVICE`). The provider wants tags or ARNs on every target, and tasks have no stable ARN.
         * Default `managed-by: pulumi`, the tag components/region.ts puts on every resource.
         */
        readonly taskTags?: Readonly<Record<string, string>>;
    };
    /** The AZ of the reduced "AZ Availability: Power Interruption" → template `securecart-az-power`. Default none. */
    readonly azPower?: {
        /** The AZ by name, e.g. us-east-1a (EC2's Placement.AvailabilityZone filter takes names). */
        readonly availabilityZone: string;
        /** The web tier: its instances in the AZ are stopped and its group's launches into the AZ fail. Default none. */
        readonly web?: {
            readonly autoScalingGroupArn: pulumi.Input<string>;
            /** Tags the group's instances carry (propagated at launch), to find them. */
            readonly instanceTags: Readonly<Record<string, string>>;
            /** The key of the instances' volumes: FIS restarts them, which needs a grant on it. */
            readonly ebsKmsKeyArn: pulumi.Input<string>;
        };
        /** The app subnets of that AZ (1-5), cut off for the duration. Default none. */
        readonly subnetArns?: readonly pulumi.Input<string>[];
        /** The Aurora cluster: failed over if its writer is in the AZ. Default none. */
        readonly auroraClusterArn?: pulumi.Input<string>;
        /** Stop the project's tasks in the AZ (needs `ecs`). Default true where `ecs` is given. */
        readonly stopTasks?: boolean;
    };
    /** The Aurora cluster holding this region's writer → template `securecart-aurora-failover`. Default none. */
    readonly aurora?: { readonly clusterArn: pulumi.Input<string> };
    /**
     * The app subnets → template `securecart-subnet-disruption`, by ARN (1-5) or by tags (optionally within one
     * VPC). `count` of them (default 1, one AZ's) are cut at random, fewer than all: cutting every app subnet takes
     * the region down, which is a failover drill, not a fault the region rides out. Default none.
     */
    readonly subnets?:
        | { readonly subnetArns: readonly pulumi.Input<string>[]; readonly count?: number }
        | { readonly subnetTags: Readonly<Record<string, string>>; readonly vpcId?: pulumi.Input<string>; readonly count?: number };
    /** Tags of every child (static: a template's tags force its replacement). Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

export interface TargetSpec {
    readonly name: string;
    readonly resourceType: string;
    readonly resourceArns?: readonly pulumi.Input<string>[];
    readonly resourceTags?: Readonly<Record<string, string>>;
    readonly parameters?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly filters?: readonly { readonly path: string; readonly values: readonly string[] }[];
    readonly selectionMode: string;
}

export interface ActionSpec {
    readonly name: string;
    readonly actionId: FisActionId;
    readonly description: string;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly target?: { readonly key: string; readonly value: string };
    readonly startAfter?: readonly string[];
}

export interface TemplateSpec {
    readonly key: TemplateKey;
    readonly name: string;
    readonly description: string;
    /** What FIS does with an action whose target resolves to nothing: skip it, or fail the experiment. */
    readonly emptyTargets: "skip" | "fail";
    readonly targets: readonly TargetSpec[];
    readonly actions: readonly ActionSpec[];
}

const DEFAULT_TASK_TAGS: Readonly<Record<string, string>> = { "managed-by": "pulumi" };
const FIS_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What is wrong with the arguments (empty when nothing is). */
export function faultExperimentProblems(args: FaultExperimentsArgs): string[] {
    const problems: string[] = [];
    const duration = args.durationMinutes ?? 10;
    const percent = args.stopTasksPercent ?? 50;
    const n = args.stopConditionAlarmArns.length;
    if (n < 1 || n > FIS_LIMITS.stopConditionsPerTemplate)
        problems.push(`stopConditionAlarmArns: got ${n}; expected 1-${FIS_LIMITS.stopConditionsPerTemplate} (FIS's stop conditions per template)`);
    if (!Number.isInteger(duration) || duration < 1 || duration > FIS_LIMITS.maxDurationMinutes)
        problems.push(
            `durationMinutes ${duration}: expected a whole number of minutes, 1-${FIS_LIMITS.maxDurationMinutes} (FIS's 12-hour action limit)`,
        );
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) problems.push(`stopTasksPercent ${percent}: expected a whole number, 1-100`);
    if (args.ecs) {
        const services = args.ecs.serviceNames;
        if (services.length === 0) problems.push("ecs.serviceNames: empty; expected the services whose tasks are stopped");
        if (new Set(services).size !== services.length) problems.push("ecs.serviceNames: a service is named twice");
        if (services.length > FIS_LIMITS.parallelActions)
            problems.push(
                `ecs.serviceNames: ${services.length} services; one stop action each runs in parallel, and FIS runs at most ${FIS_LIMITS.parallelActions}`,
            );
        for (const s of services)
            if (!FIS_NAME.test(`tasks-${s}`))
                problems.push(`ecs.serviceNames: "${s}" cannot name a FIS target (letters, digits, - and _, 58 at most)`);
        if (Object.keys(args.ecs.taskTags ?? DEFAULT_TASK_TAGS).length === 0) problems.push("ecs.taskTags: empty; a task target needs a tag");
    }
    const az = args.azPower;
    if (az) {
        if (!az.availabilityZone.startsWith(args.region) || !/^[a-z]$/.test(az.availabilityZone.slice(args.region.length)))
            problems.push(`azPower.availabilityZone "${az.availabilityZone}": expected an AZ name of ${args.region} (e.g. ${args.region}a)`);
        const stopTasks = az.stopTasks ?? args.ecs !== undefined;
        if (stopTasks && !args.ecs) problems.push("azPower.stopTasks: no ecs cluster given");
        if (az.subnetArns && (az.subnetArns.length < 1 || az.subnetArns.length > FIS_LIMITS.resourceArnsPerTarget))
            problems.push(`azPower.subnetArns: got ${az.subnetArns.length}; expected 1-${FIS_LIMITS.resourceArnsPerTarget}`);
        if (az.web && Object.keys(az.web.instanceTags).length === 0) problems.push("azPower.web.instanceTags: empty; the instances are found by tag");
        if (!az.web && !az.subnetArns && !az.auroraClusterArn && !stopTasks) problems.push("azPower: nothing to act on in the AZ");
    }
    if (args.subnets) {
        const count = args.subnets.count ?? 1;
        if (!Number.isInteger(count) || count < 1) problems.push(`subnets.count ${count}: expected a whole number, at least 1`);
        if ("subnetArns" in args.subnets) {
            const k = args.subnets.subnetArns.length;
            if (k < 1 || k > FIS_LIMITS.resourceArnsPerTarget)
                problems.push(`subnets.subnetArns: got ${k}; expected 1-${FIS_LIMITS.resourceArnsPerTarget}`);
            else if (count >= k)
                problems.push(`subnets.count ${count}: would cut all ${k} app subnets; the region would not survive it (that is a failover drill)`);
        } else if (Object.keys(args.subnets.subnetTags).length === 0) problems.push("subnets.subnetTags: empty");
    }
    if (!args.ecs && !args.azPower && !args.aurora && !args.subnets) problems.push("nothing to act on: give ecs, azPower, aurora or subnets");
    return problems;
}

const tagged = (tags: Readonly<Record<string, string>>) => ({ resourceTags: tags });

/**
 * The templates the arguments call for, as plain data (no resource is created here). Throws on the problems
 * `faultExperimentProblems` reports.
 */
export function faultTemplates(args: FaultExperimentsArgs): TemplateSpec[] {
    const problems = faultExperimentProblems(args);
    if (problems.length) throw new Error(problems.join("; "));
    const duration = isoMinutes(args.durationMinutes ?? 10);
    const percent = args.stopTasksPercent ?? 50;
    // An instant fault (a stop, a failover) ends its experiment within seconds, and stop conditions are watched only
    // while an experiment runs: a wait after it keeps the alarms watched while the region recovers, so the
    // experiment's end state (completed or stopped) says whether it held.
    const watch = (after: readonly string[]): ActionSpec => ({
        name: "watch-recovery",
        actionId: "aws:fis:wait",
        description: "keep the stop conditions watched while the region recovers",
        parameters: { duration },
        startAfter: after,
    });
    const templates: TemplateSpec[] = [];

    if (args.ecs) {
        const ecs = args.ecs;
        const taskTags = ecs.taskTags ?? DEFAULT_TASK_TAGS;
        // One target per service, so each loses the same share of its tasks (one cluster-wide PERCENT could take a
        // small service's every task). PERCENT rounds down: a service with fewer tasks than 100/percent has none
        // selected, and is skipped rather than failing the others.
        const targets: TargetSpec[] = ecs.serviceNames.map((s) => ({
            name: `tasks-${s}`,
            resourceType: ACTION_TARGETS["aws:ecs:stop-task"].resourceType,
            ...tagged(taskTags),
            parameters: { cluster: ecs.clusterName, service: s },
            selectionMode: `PERCENT(${percent})`,
        }));
        const stops: ActionSpec[] = ecs.serviceNames.map((s) => ({
            name: `stop-${s}`,
            actionId: "aws:ecs:stop-task",
            description: `stop ${percent}% of ${s}'s tasks; the service replaces them`,
            target: { key: ACTION_TARGETS["aws:ecs:stop-task"].key, value: `tasks-${s}` },
        }));
        templates.push({
            key: "stopTasks",
            name: TEMPLATE_NAMES.stopTasks,
            description: `Stop ${percent}% of each service's tasks in ${args.region}; the services must replace them without paging`,
            emptyTargets: "skip",
            targets,
            actions: [...stops, watch(stops.map((a) => a.name))],
        });
    }

    const az = args.azPower;
    if (az) {
        const zone = az.availabilityZone;
        const targets: TargetSpec[] = [];
        const actions: ActionSpec[] = [];
        if (az.web) {
            // The scenario's Stop-ASG-Instances and Pause-ASG-Scaling: the web tier's instances in the AZ go down and
            // come back after the duration (or are replaced by the group: completeIfInstancesTerminated), and the
            // group's launches into the AZ fail meanwhile, so it must place capacity in the other AZs.
            targets.push({
                name: "web-instances",
                resourceType: ACTION_TARGETS["aws:ec2:stop-instances"].resourceType,
                ...tagged(az.web.instanceTags),
                filters: [
                    { path: "Placement.AvailabilityZone", values: [zone] },
                    { path: "State.Name", values: ["running"] },
                ],
                selectionMode: "ALL",
            });
            actions.push({
                name: "stop-web-instances",
                actionId: "aws:ec2:stop-instances",
                description: `stop the web tier's instances in ${zone} for the duration`,
                parameters: { startInstancesAfterDuration: duration, completeIfInstancesTerminated: "true" },
                target: { key: ACTION_TARGETS["aws:ec2:stop-instances"].key, value: "web-instances" },
            });
            targets.push({
                name: "web-group",
                resourceType: ACTION_TARGETS["aws:ec2:asg-insufficient-instance-capacity-error"].resourceType,
                resourceArns: [az.web.autoScalingGroupArn],
                selectionMode: "ALL",
            });
            actions.push({
                name: "fail-web-launches",
                actionId: "aws:ec2:asg-insufficient-instance-capacity-error",
                description: `fail the web group's launches into ${zone} with InsufficientInstanceCapacity`,
                parameters: { availabilityZoneIdentifiers: zone, duration, percentage: "100" },
                target: { key: ACTION_TARGETS["aws:ec2:asg-insufficient-instance-capacity-error"].key, value: "web-group" },
            });
        }
        if (az.subnetArns) {
            // The scenario's Pause-network-connectivity, for the whole duration rather than its two minutes: on
            // Fargate nothing else takes the AZ's compute away (the scenario's instance stops do not reach Fargate
            // tasks), and tasks placed into the AZ meanwhile must fail to start, as they would in a dark AZ.
            targets.push({
                name: "az-subnets",
                resourceType: ACTION_TARGETS["aws:network:disrupt-connectivity"].resourceType,
                resourceArns: az.subnetArns,
                selectionMode: "ALL",
            });
            actions.push({
                name: "cut-az-subnets",
                actionId: "aws:network:disrupt-connectivity",
                description: `deny all traffic in and out of the app subnets of ${zone}`,
                parameters: { scope: "all", duration },
                target: { key: ACTION_TARGETS["aws:network:disrupt-connectivity"].key, value: "az-subnets" },
            });
        }
        if (az.auroraClusterArn) {
            // The scenario's Failover-RDS: only if the writer is in the AZ (the target's writer-AZ parameter); else
            // the target resolves to nothing and the action is skipped.
            targets.push({
                name: "aurora-writer-in-az",
                resourceType: ACTION_TARGETS["aws:rds:failover-db-cluster"].resourceType,
                resourceArns: [az.auroraClusterArn],
                parameters: { writerAvailabilityZoneIdentifiers: zone },
                selectionMode: "ALL",
            });
            actions.push({
                name: "fail-over-aurora",
                actionId: "aws:rds:failover-db-cluster",
                description: `fail the Aurora writer over to a reader outside ${zone}`,
                target: { key: ACTION_TARGETS["aws:rds:failover-db-cluster"].key, value: "aurora-writer-in-az" },
            });
        }
        if ((az.stopTasks ?? args.ecs !== undefined) && args.ecs) {
            // Loss of zonal Fargate compute, which the scenario covers only for ECS on EC2: the project's tasks in the
            // AZ stop (DescribeTasks' availabilityZone), across the cluster.
            targets.push({
                name: "az-tasks",
                resourceType: ACTION_TARGETS["aws:ecs:stop-task"].resourceType,
                ...tagged(args.ecs.taskTags ?? DEFAULT_TASK_TAGS),
                parameters: { cluster: args.ecs.clusterName },
                filters: [{ path: "AvailabilityZone", values: [zone] }],
                selectionMode: "ALL",
            });
            actions.push({
                name: "stop-az-tasks",
                actionId: "aws:ecs:stop-task",
                description: `stop the project's tasks in ${zone}`,
                target: { key: ACTION_TARGETS["aws:ecs:stop-task"].key, value: "az-tasks" },
            });
        }
        const lasting = actions.some((a) => a.parameters?.duration !== undefined || a.parameters?.startInstancesAfterDuration !== undefined);
        templates.push({
            key: "azPower",
            name: TEMPLATE_NAMES.azPower,
            description: `Reduced AZ power interruption in ${zone}: the region must keep serving from its other AZs`,
            // As the scenario: an action whose targets are absent (no writer in the AZ, no task there) is skipped.
            emptyTargets: "skip",
            targets,
            actions: lasting ? actions : [...actions, watch(actions.map((a) => a.name))],
        });
    }

    if (args.aurora) {
        templates.push({
            key: "auroraFailover",
            name: TEMPLATE_NAMES.auroraFailover,
            description: `Fail the Aurora writer in ${args.region} over to a reader in the same region`,
            emptyTargets: "fail",
            targets: [
                {
                    name: "aurora-cluster",
                    resourceType: ACTION_TARGETS["aws:rds:failover-db-cluster"].resourceType,
                    resourceArns: [args.aurora.clusterArn],
                    selectionMode: "ALL",
                },
            ],
            actions: [
                {
                    name: "fail-over-writer",
                    actionId: "aws:rds:failover-db-cluster",
                    description: "promote a reader to writer (FailoverDBCluster)",
                    target: { key: ACTION_TARGETS["aws:rds:failover-db-cluster"].key, value: "aurora-cluster" },
                },
                watch(["fail-over-writer"]),
            ],
        });
    }

    if (args.subnets) {
        const s = args.subnets;
        const count = s.count ?? 1;
        templates.push({
            key: "subnetDisruption",
            name: TEMPLATE_NAMES.subnetDisruption,
            description: `Cut ${count} app subnet(s) in ${args.region} off the network; the other AZs must carry the load`,
            emptyTargets: "fail",
            targets: [
                {
                    name: "app-subnets",
                    resourceType: ACTION_TARGETS["aws:network:disrupt-connectivity"].resourceType,
                    ...("subnetArns" in s
                        ? { resourceArns: s.subnetArns }
                        : { ...tagged(s.subnetTags), ...(s.vpcId ? { parameters: { vpc: s.vpcId } } : {}) }),
                    selectionMode: `COUNT(${count})`,
                },
            ],
            actions: [
                {
                    name: "cut-app-subnets",
                    actionId: "aws:network:disrupt-connectivity",
                    description: "deny all traffic in and out of the subnet (FIS swaps in a deny-all network ACL)",
                    parameters: { scope: "all", duration },
                    target: { key: ACTION_TARGETS["aws:network:disrupt-connectivity"].key, value: "app-subnets" },
                },
            ],
        });
    }

    for (const t of templates) {
        if (t.actions.length > FIS_LIMITS.actionsPerTemplate)
            throw new Error(`${t.name}: ${t.actions.length} actions; FIS allows ${FIS_LIMITS.actionsPerTemplate} per template`);
        for (const x of [...t.targets, ...t.actions]) if (!FIS_NAME.test(x.name)) throw new Error(`${t.name}: "${x.name}" is not a valid FIS name`);
    }
    return templates;
}

/** The FIS actions the templates use, each once. */
export function actionsUsed(templates: readonly TemplateSpec[]): FisActionId[] {
    return [...new Set(templates.flatMap((t) => t.actions.map((a) => a.actionId)))];
}

/**
 * The experiment role's statements: for each action used, its documented permissions (FIS_ACTION_PERMISSIONS),
 * scoped as narrowly as each API allows. Describe and list calls and tag:GetResources take no resource-level
 * scope ("*", with a condition where one exists); nothing else is granted on "*" but ec2:InjectApiError, whose
 * FIS condition keys pin it to this action and this group (FIS user guide, policy examples, "Use condition keys
 * for ec2:InjectApiError").
 */
export function experimentRoleStatements(args: FaultExperimentsArgs, templates: readonly TemplateSpec[]): Record<string, unknown>[] {
    const used = new Set(actionsUsed(templates));
    const region = args.region;
    const account = args.accountId;
    const arn = (service: string, resource: pulumi.Input<string>) => pulumi.interpolate`arn:aws:${service}:${region}:${account}:${resource}`;
    const statements: Record<string, unknown>[] = [];
    const allow = (sid: string, action: string | string[], resource: unknown, condition?: Record<string, unknown>) =>
        statements.push({ Sid: sid, Effect: "Allow", Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) });

    if (used.has("aws:ecs:stop-task") && args.ecs) {
        // Task ARNs carry the cluster's name (the ECS ARN format since 2018): only this cluster's tasks.
        allow("StopClusterTasks", ["ecs:StopTask", "ecs:DescribeTasks"], arn("ecs", pulumi.interpolate`task/${args.ecs.clusterName}/*`));
        // ListTasks is authorised on "*" with the cluster as a condition (awsdocs/amazon-ecs-developer-guide#211).
        allow("ListClusterTasks", "ecs:ListTasks", "*", { ArnEquals: { "ecs:cluster": args.ecs.clusterArn } });
    }
    if (used.has("aws:ecs:stop-task") || used.has("aws:rds:failover-db-cluster"))
        // Target resolution by tag; the Resource Groups Tagging API has no resource-level permissions.
        allow("ResolveTargetsByTag", "tag:GetResources", "*");

    const web = args.azPower?.web;
    if (used.has("aws:ec2:stop-instances") && web) {
        const byTag = Object.fromEntries(Object.entries(web.instanceTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
        allow("StopStartWebInstances", ["ec2:StopInstances", "ec2:StartInstances"], arn("ec2", "instance/*"), { StringEquals: byTag });
        allow("DescribeInstances", "ec2:DescribeInstances", "*");
        // Restarting an instance whose volumes are encrypted makes EC2 take a grant on the key for it.
        allow("RestartEncryptedVolumes", "kms:CreateGrant", web.ebsKmsKeyArn, {
            Bool: { "kms:GrantIsForAWSResource": "true" },
            StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` },
        });
    }
    if (used.has("aws:ec2:asg-insufficient-instance-capacity-error") && web) {
        // One statement: this action only, on this group only, and the group must be named (ForAllValues alone is
        // true for an empty set).
        allow("FailWebLaunches", "ec2:InjectApiError", "*", {
            StringEquals: { "ec2:FisActionId": "aws:ec2:asg-insufficient-instance-capacity-error" },
            "ForAllValues:ArnLike": { "ec2:FisTargetArns": [web.autoScalingGroupArn] },
            Null: { "ec2:FisTargetArns": "false" },
        });
        allow("DescribeGroups", "autoscaling:DescribeAutoScalingGroups", "*");
    }
    if (used.has("aws:network:disrupt-connectivity")) {
        // After AWSFaultInjectionSimulatorNetworkAccess v5, this region and account only: FIS creates its own network
        // ACL tagged managedByFIS=true, edits and deletes only that one, and swaps the subnets' associations.
        const managed = { StringEquals: { "aws:RequestTag/managedByFIS": "true" } };
        allow("CreateFisNetworkAcl", "ec2:CreateNetworkAcl", arn("ec2", "network-acl/*"), managed);
        const vpc =
            args.subnets && "subnetTags" in args.subnets && args.subnets.vpcId
                ? arn("ec2", pulumi.interpolate`vpc/${args.subnets.vpcId}`)
                : arn("ec2", "vpc/*");
        allow("CreateFisNetworkAclInVpc", "ec2:CreateNetworkAcl", vpc);
        allow("TagFisNetworkAcl", "ec2:CreateTags", arn("ec2", "network-acl/*"), {
            StringEquals: { "ec2:CreateAction": "CreateNetworkAcl", "aws:RequestTag/managedByFIS": "true" },
        });
        allow("EditDeleteFisNetworkAcl", ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"], [arn("ec2", "network-acl/*"), arn("ec2", "vpc/*")], {
            StringEquals: { "ec2:ResourceTag/managedByFIS": "true" },
        });
        const subnetArns = [...(args.azPower?.subnetArns ?? []), ...(args.subnets && "subnetArns" in args.subnets ? args.subnets.subnetArns : [])];
        const bySubnetTag = args.subnets && "subnetTags" in args.subnets;
        allow("SwapSubnetNetworkAcl", "ec2:ReplaceNetworkAclAssociation", [
            ...(bySubnetTag ? [arn("ec2", "subnet/*")] : subnetArns),
            // The original ACL is associated back at the end: any of the region's ACLs.
            arn("ec2", "network-acl/*"),
        ]);
        allow("ReadPrefixLists", "ec2:GetManagedPrefixListEntries", arn("ec2", "prefix-list/*"));
        allow("DescribeNetwork", ["ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], "*");
    }
    if (used.has("aws:rds:failover-db-cluster")) {
        const clusters = [
            ...(args.aurora ? [args.aurora.clusterArn] : []),
            ...(args.azPower?.auroraClusterArn ? [args.azPower.auroraClusterArn] : []),
        ];
        allow("FailoverCluster", "rds:FailoverDBCluster", clusters);
        // Read-only, and FIS may list before it filters: the region's clusters.
        allow("DescribeClusters", "rds:DescribeDBClusters", arn("rds", "cluster:*"));
    }
    return statements;
}

/**
 * Region-scoped AWS FIS experiment templates for failures a region survives without failover, and the one role
 * they run as. Which templates exist follows the arguments (src/strategy.ts `planOperations().faults` says which
 * have something to act on):
 * - `securecart-stop-tasks`: PERCENT(n) of each service's tasks stopped (aws:ecs:stop-task), then a watch;
 * - `securecart-az-power`: a reduced "AZ Availability: Power Interruption" for the AZ-spread tiers (see
 *   `faultTemplates`);
 * - `securecart-aurora-failover`: in-region failover of the writer (aws:rds:failover-db-cluster), then a watch;
 * - `securecart-subnet-disruption`: `count` app subnets cut off (aws:network:disrupt-connectivity, scope all).
 *
 * Every template stops when any of `stopConditionAlarmArns` is in ALARM. Not verified (no AWS page says either
 * way): whether FIS accepts a composite alarm as a stop condition (its ARN has the metric alarm's form, but
 * CloudWatch's DescribeAlarms returns composite alarms only when asked for them); use metric alarms, or test one
 * composite in a real account first.
 *
 * The role is trusted by fis.amazonaws.com for this account's experiments in this region only (aws:SourceAccount
 * and aws:SourceArn, the confused-deputy conditions AWS's FIS execution-role examples use), and holds exactly the
 * actions reference's permissions for the actions used (FIS_ACTION_PERMISSIONS). Template tags are the args'
 * tags and a Name, nothing that changes with the region's role: the provider replaces a template (new id) when
 * its tags change.
 */
export class FaultExperiments extends pulumi.ComponentResource {
    /** Template id by template name (TEMPLATE_NAMES values). */
    public readonly templateIds: pulumi.Output<Record<string, string>>;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: FaultExperimentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:operations:FaultExperiments", name, {}, opts);
        const p = { parent: this };
        const tagsOf = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        let templates: TemplateSpec[];
        try {
            templates = faultTemplates(args);
        } catch (e) {
            throw new pulumi.ResourceError(`FaultExperiments ${name}: ${(e as Error).message}`, this);
        }

        const roleName = `securecart-fis-${args.region}`;
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: roleName,
                description: "SecureCart fault-injection experiments in this region",
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "fis.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: {
                                StringEquals: { "aws:SourceAccount": args.accountId },
                                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:fis:${args.region}:${args.accountId}:experiment/*` },
                            },
                        },
                    ],
                }),
                tags: tagsOf(roleName),
            },
            p,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: experimentRoleStatements(args, templates) }) },
            p,
        );
        this.roleArn = role.arn;

        const ids: Record<string, pulumi.Output<string>> = {};
        for (const t of templates) {
            const template = new aws.fis.ExperimentTemplate(
                `${name}-${t.key}`,
                {
                    description: t.description,
                    roleArn: role.arn,
                    stopConditions: args.stopConditionAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
                    targets: t.targets.map((x) => ({
                        name: x.name,
                        resourceType: x.resourceType,
                        selectionMode: x.selectionMode,
                        ...(x.resourceArns ? { resourceArns: [...x.resourceArns] } : {}),
                        ...(x.resourceTags ? { resourceTags: Object.entries(x.resourceTags).map(([key, value]) => ({ key, value })) } : {}),
                        ...(x.parameters ? { parameters: x.parameters } : {}),
                        ...(x.filters ? { filters: x.filters.map((f) => ({ path: f.path, values: [...f.values] })) } : {}),
                    })),
                    actions: t.actions.map((a) => ({
                        name: a.name,
                        actionId: a.actionId,
                        description: a.description,
                        ...(a.parameters ? { parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })) } : {}),
                        ...(a.target ? { target: a.target } : {}),
                        ...(a.startAfter?.length ? { startAfters: [...a.startAfter] } : {}),
                    })),
                    // Both set: the provider reads both back, and an unset accountTargeting would show as a change.
                    experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: t.emptyTargets },
                    tags: tagsOf(t.name),
                },
                // The role can do what the actions need before anyone can start an experiment.
                { parent: this, dependsOn: [policy] },
            );
            ids[t.name] = template.id;
        }
        this.templateIds = pulumi.all(ids);
        this.registerOutputs({ templateIds: this.templateIds, roleArn: this.roleArn });
    }
}
