import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { imageRef, listenerRules } from "../src/compute";
import type { ServiceConfig } from "../src/config";
import type { Capacity } from "../src/strategy";
import type { ServiceLogGroup } from "./serviceLogs";

export interface FargateServicesArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets the tasks run in (no public IP). Required, at least 2 AZs. */
    readonly appSubnetIds: pulumi.Input<string>[];
    /** The app tier's security group (ingress from the services' load balancer only). Required. */
    readonly appSecurityGroupId: pulumi.Input<string>;
    /** The services' internal load balancer's HTTPS listener; one path rule per service is added to it. Required. */
    readonly httpsListenerArn: pulumi.Input<string>;
    /**
     * The header every forwarded request must carry (the edge's secret, passed on unchanged by the API): each path
     * rule requires it, so only requests that came through CloudFront and its WAF reach a service, not one sent to
     * the API's domain directly. When undefined (only while a deployment made before the edge migrates), the rules
     * match on the path alone.
     */
    readonly originVerify?: { readonly headerName: string; readonly value: pulumi.Input<string> };
    /** The services, as validated by config (unique names and prefixes, valid Fargate sizes). Required. */
    readonly services: readonly ServiceConfig[];
    /** Task counts by service name, from the strategy plan. Required for every service. */
    readonly capacities: Readonly<Record<string, Capacity>>;
    /**
     * Each service's log group, by service name. Required for every service. Created outside this component
     * (serviceLogs.ts) so that the logs outlive the services when a region loses its compute.
     */
    readonly logGroups: Readonly<Record<string, ServiceLogGroup>>;
    /** Target-tracking average CPU percent of each service. Default 50. */
    readonly targetCpuPercent?: number;
    /**
     * Size in MiB of each writable path's tmpfs (only for services with a read-only root filesystem). Fargate
     * counts tmpfs against the task's memory, so all of a task's mounts together must stay below it. Default 64:
     * the default nginx writes there only its pid and the request and proxied-response bodies that overflow its memory buffers, and
     * four such paths still leave half of the smallest (512 MiB) task.
     */
    readonly writablePathSizeMiB?: number;
    /**
     * The region's shared file system (EFS), mounted at each service's `sharedPath` through the service's own access
     * point, with TLS and IAM authorization (the task role). Default none: services with a `sharedPath` then fail.
     */
    readonly sharedFiles?: {
        readonly fileSystemId: pulumi.Input<string>;
        readonly fileSystemArn: pulumi.Input<string>;
        /** Access point per sharing service, by service name. */
        readonly accessPoints: Readonly<Record<string, { readonly id: pulumi.Input<string>; readonly arn: pulumi.Input<string> }>>;
        /** Mount read-only: the region's file system is a replication destination (EFS refuses writes there). */
        readonly readOnly: boolean;
    };
    /**
     * The region's cache, for services with `usesCache`: its port and user in the environment, its endpoint (SSM)
     * and the user's password (SSM SecureString) injected when a task starts (the execution role reads them). Default none: services with
     * `usesCache` then fail.
     */
    readonly cache?: {
        /** The SSM parameter (String) holding the endpoint, in this region. */
        readonly endpointParameterName: string;
        readonly port: number;
        readonly userName: string;
        /** The SSM parameter (SecureString) holding the password, in this region. */
        readonly passwordParameterName: string;
        /** The key the password parameter is encrypted under. */
        readonly kmsKeyArn: pulumi.Input<string>;
    };
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The task definition's name for the shared file system's volume. */
export const SHARED_FILES_VOLUME = "shared-files";

/** Mount options of a writable-path tmpfs: world-writable with the sticky bit, like /tmp, so the container's user can write. */
export const WRITABLE_TMPFS_OPTIONS: readonly string[] = ["rw", "nosuid", "nodev", "mode=1777"];

/** A container definition's `linuxParameters.tmpfs` entry. */
export interface TmpfsMount {
    readonly containerPath: string;
    /** MiB; Fargate requires it and counts it against the task's memory. */
    readonly size: number;
    readonly mountOptions: readonly string[];
}

/**
 * The writable paths of a read-only root filesystem as tmpfs mounts. Not task volumes: on Fargate a task volume
 * without a volume configuration is a bind mount whose directory is root-owned with mode 0755 (unless the image
 * declares a VOLUME there), so a non-root user such as nginx-unprivileged's uid 101 cannot write its pid and temp
 * files and the task never starts. A tmpfs with mode 1777 is writable whatever the user. Throws on a path given
 * twice (ECS would reject it) or mounts that leave no memory for the container.
 */
export function writableTmpfs(paths: readonly string[], sizeMiB: number, taskMemoryMiB: number): TmpfsMount[] {
    if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new Error(`writable path size: got ${sizeMiB}; expected a whole number of MiB, at least 1`);
    const seen = new Set<string>();
    for (const p of paths) {
        const key = p.replace(/\/+$/, "") || "/";
        if (seen.has(key)) throw new Error(`writable path "${p}" is given twice`);
        seen.add(key);
    }
    const total = paths.length * sizeMiB;
    if (total >= taskMemoryMiB)
        throw new Error(`writable paths: ${paths.length} × ${sizeMiB} MiB of tmpfs would use all ${taskMemoryMiB} MiB of the task's memory`);
    return paths.map((containerPath) => ({ containerPath, size: sizeMiB, mountOptions: [...WRITABLE_TMPFS_OPTIONS] }));
}

/**
 * An ECS cluster (Container Insights on) and one Fargate service per configured service, each with:
 * its own encrypted log group (given by the caller, see serviceLogs.ts); a task definition that runs as a non-root user with a read-only root
 * filesystem (each writable path a tmpfs any user may write, see `writableTmpfs`) and every Linux capability
 * dropped; a separate execution role (pull its image, write its log group) and task role (no permissions until
 * the service needs some); an IP target group reached by a path rule on the services' internal load balancer; the
 * deployment circuit breaker with rollback; and Application Auto Scaling target tracking on CPU.
 *
 * Counts come from the caller (the strategy plan). `desiredCount` is managed, not ignored: each `pulumi up`
 * sets it, and the scalable target's min/max follow the plan too, so a config change (a failover, a drill)
 * is what moves a region between idle and serving. Between two updates, target tracking may move the count
 * within [min, max]; the next update resets it to the planned desired count.
 */
export class FargateServices extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly serviceNames: Record<string, pulumi.Output<string>>;
    /** Each service's target group's CloudWatch dimension (its ARN suffix), by service name. */
    public readonly targetGroupArnSuffixes: Record<string, pulumi.Output<string>>;
    /** Task role per service: grant a service's data access here, nowhere else. */
    public readonly taskRoleNames: Record<string, pulumi.Output<string>>;
    public readonly taskRoleArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: FargateServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:FargateServices", name, {}, opts);
        const p = { parent: this };
        const missing = args.services.filter((s) => args.capacities[s.name] === undefined).map((s) => s.name);
        if (missing.length) throw new pulumi.ResourceError(`FargateServices ${name}: no capacity planned for ${missing.join(", ")}`, this);
        const noLogs = args.services.filter((s) => args.logGroups[s.name] === undefined).map((s) => s.name);
        if (noLogs.length) throw new pulumi.ResourceError(`FargateServices ${name}: no log group given for ${noLogs.join(", ")}`, this);
        if (args.appSubnetIds.length < 2)
            throw new pulumi.ResourceError(`FargateServices ${name}: appSubnetIds: got ${args.appSubnetIds.length}; expected at least 2 AZs`, this);
        const unmounted = args.services.filter((s) => s.sharedPath !== undefined && args.sharedFiles?.accessPoints[s.name] === undefined);
        if (unmounted.length)
            throw new pulumi.ResourceError(
                `FargateServices ${name}: no shared file system access point given for ${unmounted.map((s) => s.name).join(", ")}`,
                this,
            );
        if (args.services.some((s) => s.usesCache) && !args.cache)
            throw new pulumi.ResourceError(`FargateServices ${name}: a service uses the cache, and no cache is given`, this);

        const baseTags = args.tags ?? {};
        const tags = (n: string) => ({ ...baseTags, Name: n });
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        const region = aws.getRegionOutput({}, p).region;

        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                settings: [{ name: "containerInsights", value: "enabled" }],
                tags: tags(`${name}-cluster`),
            },
            p,
        );
        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;

        const ecsTrust = pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                },
            ],
        });

        const rules = new Map(listenerRules(args.services).map((r) => [r.service, r]));
        this.serviceNames = {};
        this.targetGroupArnSuffixes = {};
        this.taskRoleNames = {};
        this.taskRoleArns = {};
        for (const s of args.services) {
            const n = `${name}-${s.name}`;
            const cap = args.capacities[s.name];
            const rule = rules.get(s.name)!;

            const logGroup = args.logGroups[s.name];

            // Execution role: what the ECS agent needs to start the task, for this service only.
            const execRole = new aws.iam.Role(
                `${n}-exec`,
                {
                    description: `SecureCart ${s.name}: pull its image and write its log group`,
                    assumeRolePolicy: ecsTrust,
                    tags: tags(`${n}-exec`),
                },
                p,
            );
            const pull =
                s.repository === undefined
                    ? []
                    : [
                          {
                              Sid: "PullOwnImage",
                              Effect: "Allow",
                              Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                              Resource: pulumi.interpolate`arn:aws:ecr:${region}:${account}:repository/${s.repository}`,
                          },
                          {
                              Sid: "EcrLogin",
                              Effect: "Allow",
                              Action: "ecr:GetAuthorizationToken",
                              Resource: "*",
                          },
                      ];
            new aws.iam.RolePolicy(
                `${n}-exec-policy`,
                {
                    role: execRole.id,
                    policy: pulumi.jsonStringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "WriteOwnLogs",
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: pulumi.interpolate`${logGroup.arn}:*`,
                            },
                            ...pull,
                            // The cache's endpoint and its user's password (SSM parameters), injected when the task starts.
                            ...(s.usesCache && args.cache
                                ? [
                                      {
                                          Sid: "ReadCacheParameters",
                                          Effect: "Allow",
                                          Action: "ssm:GetParameters",
                                          Resource: [args.cache.endpointParameterName, args.cache.passwordParameterName].map(
                                              (n) => pulumi.interpolate`arn:aws:ssm:${region}:${account}:parameter${n}`,
                                          ),
                                      },
                                      {
                                          Sid: "DecryptCachePassword",
                                          Effect: "Allow",
                                          Action: "kms:Decrypt",
                                          Resource: args.cache.kmsKeyArn,
                                          Condition: { StringEquals: { "kms:ViaService": pulumi.interpolate`ssm.${region}.amazonaws.com` } },
                                      },
                                  ]
                                : []),
                        ],
                    }),
                },
                p,
            );
            // Task role: the application's own AWS identity. No permissions until a service needs some.
            const taskRole = new aws.iam.Role(
                `${n}-task`,
                {
                    description: `SecureCart ${s.name}: the application's own permissions`,
                    assumeRolePolicy: ecsTrust,
                    tags: tags(`${n}-task`),
                },
                p,
            );
            this.taskRoleNames[s.name] = taskRole.name;
            this.taskRoleArns[s.name] = taskRole.arn;
            // Mounting the shared file system with IAM authorization presents the task role: it may mount (and, where
            // the file system is writable, write) through its own access point only. Never ClientRootAccess.
            const shared = s.sharedPath !== undefined && args.sharedFiles ? args.sharedFiles : undefined;
            const accessPoint = shared?.accessPoints[s.name];
            if (shared && accessPoint) {
                new aws.iam.RolePolicy(
                    `${n}-task-files`,
                    {
                        role: taskRole.id,
                        policy: pulumi.jsonStringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Sid: "MountOwnAccessPoint",
                                    Effect: "Allow",
                                    Action: shared.readOnly
                                        ? ["elasticfilesystem:ClientMount"]
                                        : ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                                    Resource: shared.fileSystemArn,
                                    Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
                                },
                            ],
                        }),
                    },
                    p,
                );
            }

            const tg = new aws.lb.TargetGroup(
                `${n}-tg`,
                {
                    vpcId: args.vpcId,
                    targetType: "ip",
                    protocol: "HTTP",
                    port: s.port,
                    deregistrationDelay: 30,
                    healthCheck: {
                        enabled: true,
                        path: s.healthPath,
                        protocol: "HTTP",
                        matcher: "200-399",
                        interval: 15,
                        healthyThreshold: 2,
                        unhealthyThreshold: 3,
                        timeout: 5,
                    },
                    tags: tags(`${n}-tg`),
                },
                p,
            );
            this.targetGroupArnSuffixes[s.name] = tg.arnSuffix;
            const listenerRule = new aws.lb.ListenerRule(
                `${n}-rule`,
                {
                    listenerArn: args.httpsListenerArn,
                    priority: rule.priority,
                    actions: [{ type: "forward", targetGroupArn: tg.arn }],
                    conditions: [
                        { pathPattern: { values: [...rule.pathPatterns] } },
                        ...(args.originVerify
                            ? [{ httpHeader: { httpHeaderName: args.originVerify.headerName, values: [args.originVerify.value] } }]
                            : []),
                    ],
                    tags: tags(`${n}-rule`),
                },
                // Deleted before its replacement is created: an ALB target group belongs to one load balancer at a
                // time, so a rule moving to another load balancer (the services leaving the public ALB) must let go
                // of the target group first.
                { parent: this, deleteBeforeReplace: true },
            );

            // A writable root needs no mounts; a read-only one gets a tmpfs per writable path (see writableTmpfs).
            let tmpfs: TmpfsMount[];
            try {
                tmpfs = s.readonlyRootFilesystem ? writableTmpfs(s.writablePaths, args.writablePathSizeMiB ?? 64, s.memory) : [];
            } catch (e) {
                throw new pulumi.ResourceError(`FargateServices ${name}: service ${s.name}: ${(e as Error).message}`, this);
            }
            const containerDefinitions = pulumi.jsonStringify([
                {
                    name: s.name,
                    image: pulumi.all([account, region]).apply(([a, r]) => imageRef(s, a, r)),
                    essential: true,
                    user: s.user,
                    privileged: false,
                    readonlyRootFilesystem: s.readonlyRootFilesystem,
                    linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true, ...(tmpfs.length ? { tmpfs } : {}) },
                    portMappings: [{ containerPort: s.port, protocol: "tcp" }],
                    ...(shared && accessPoint
                        ? { mountPoints: [{ sourceVolume: SHARED_FILES_VOLUME, containerPath: s.sharedPath, readOnly: shared.readOnly }] }
                        : {}),
                    ...(s.usesCache && args.cache
                        ? {
                              environment: [
                                  { name: "CACHE_PORT", value: String(args.cache.port) },
                                  { name: "CACHE_USER", value: args.cache.userName },
                                  { name: "CACHE_TLS", value: "true" },
                              ],
                              // SSM parameters of the task's region, by name: known before they exist (a first preview).
                              secrets: [
                                  { name: "CACHE_HOST", valueFrom: args.cache.endpointParameterName },
                                  { name: "CACHE_PASSWORD", valueFrom: args.cache.passwordParameterName },
                              ],
                          }
                        : {}),
                    logConfiguration: {
                        logDriver: "awslogs",
                        options: { "awslogs-group": logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": s.name },
                    },
                },
            ]);
            const taskDef = new aws.ecs.TaskDefinition(
                `${n}-task-def`,
                {
                    family: n,
                    networkMode: "awsvpc",
                    requiresCompatibilities: ["FARGATE"],
                    cpu: String(s.cpu),
                    memory: String(s.memory),
                    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
                    executionRoleArn: execRole.arn,
                    taskRoleArn: taskRole.arn,
                    containerDefinitions,
                    // EFS with TLS and IAM authorization, through the service's access point (which sets the user and
                    // the directory, so no rootDirectory here: ECS requires it omitted or "/" with an access point).
                    ...(shared && accessPoint
                        ? {
                              volumes: [
                                  {
                                      name: SHARED_FILES_VOLUME,
                                      efsVolumeConfiguration: {
                                          fileSystemId: shared.fileSystemId,
                                          transitEncryption: "ENABLED",
                                          authorizationConfig: { accessPointId: accessPoint.id, iam: "ENABLED" },
                                      },
                                  },
                              ],
                          }
                        : {}),
                    tags: tags(`${n}-task-def`),
                },
                p,
            );

            const service = new aws.ecs.Service(
                `${n}-service`,
                {
                    name: s.name,
                    cluster: cluster.arn,
                    taskDefinition: taskDef.arn,
                    launchType: "FARGATE",
                    desiredCount: cap.desired,
                    networkConfiguration: { subnets: args.appSubnetIds, securityGroups: [args.appSecurityGroupId], assignPublicIp: false },
                    loadBalancers: [{ targetGroupArn: tg.arn, containerName: s.name, containerPort: s.port }],
                    healthCheckGracePeriodSeconds: 60,
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    // `pulumi up` returns only when the service runs its desired count, so what depends on this
                    // region's capacity (the writer move, the health check) really comes after it.
                    waitForSteadyState: true,
                    deploymentMinimumHealthyPercent: 100,
                    deploymentMaximumPercent: 200,
                    availabilityZoneRebalancing: "ENABLED",
                    propagateTags: "SERVICE",
                    enableEcsManagedTags: true,
                    tags: tags(`${n}-service`),
                },
                { parent: this, dependsOn: [listenerRule] },
            ); // the target group must be attached to the ALB first
            this.serviceNames[s.name] = service.name;

            const target = new aws.appautoscaling.Target(
                `${n}-scaling-target`,
                {
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
                    minCapacity: cap.min,
                    maxCapacity: cap.max,
                    tags: tags(`${n}-scaling-target`),
                },
                p,
            );
            new aws.appautoscaling.Policy(
                `${n}-cpu-target`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                        targetValue: args.targetCpuPercent ?? 50,
                        scaleInCooldown: 120,
                        scaleOutCooldown: 60,
                    },
                },
                p,
            );
        }
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            serviceNames: this.serviceNames,
            taskRoleArns: this.taskRoleArns,
        });
    }
}
