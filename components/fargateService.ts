import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FARGATE_CPU_MEMORY, MIN_COLLECTOR_MEMORY_MIB } from "../src/awsFacts";
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
    /**
     * Tracing: an AWS Distro for OpenTelemetry (ADOT) collector beside each service's container (`otel-collector`),
     * receiving OTLP on localhost and sending the traces to X-Ray; the service's container is told where it is
     * (OTEL_* environment) and starts after it. `collectorImage` is the collector's image, pinned to a release;
     * `cpu` (units) and `memoryMiB` (its hard limit, at least MIN_COLLECTOR_MEMORY_MIB) come on top of the
     * service's own size, and the task takes the smallest Fargate size that holds both (`fargateTaskSize`). The
     * task role gets X-Ray's write actions. Default undefined: no sidecar, and the tasks are as without this.
     */
    readonly tracing?: { readonly collectorImage: string; readonly cpu: number; readonly memoryMiB: number };
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
 * The smallest Fargate task size that holds `cpu` units and `memoryMiB` MiB: the smallest CPU value that covers
 * the CPU and has a memory option that covers the memory, then the smallest such memory (FARGATE_CPU_MEMORY).
 * Fargate's options grow together (a larger CPU value never offers a smaller memory that would still cover), so
 * this pair is at or below every other covering pair in both CPU and memory: the cheapest at any positive
 * per-vCPU and per-GB price. A sum that is itself a valid pair is kept. Throws when no size covers it.
 */
export function fargateTaskSize(cpu: number, memoryMiB: number): { readonly cpu: number; readonly memory: number } {
    const cpus = Object.keys(FARGATE_CPU_MEMORY)
        .map(Number)
        .sort((a, b) => a - b);
    for (const c of cpus) {
        if (c < cpu) continue;
        const memory = FARGATE_CPU_MEMORY[c].find((m) => m >= memoryMiB);
        if (memory !== undefined) return { cpu: c, memory };
    }
    throw new Error(`no Fargate task size holds ${cpu} CPU units and ${memoryMiB} MiB (the largest is 16384 units, 122880 MiB)`);
}

/** The tracing sidecar's container name. */
export const COLLECTOR_CONTAINER = "otel-collector";

/**
 * The collector's configuration, one the image ships (aws-otel-collector `config/ecs/ecs-xray.yaml`, copied to
 * /etc/ecs/): OTLP in on 4317 (gRPC) and 4318 (HTTP), resource detection (environment, host, ECS task metadata,
 * and EC2 instance metadata, which Fargate does not serve), batches of traces out through the `awsxray` exporter,
 * and the `health_check` extension on localhost:13133. Not `ecs-default-config.yaml`:
 * that one also exports metrics with `awsemf` into a log group of its own (`/aws/ecs/application/metrics`, which
 * it would create, outside the project's encrypted, retained groups) and opens X-Ray's UDP 2000 and StatsD 8125,
 * none of which the services use. Nothing in this configuration writes to disk (no file storage extension), and
 * the image logs to stderr when `RUN_IN_CONTAINER=True`, which it sets itself.
 */
export const COLLECTOR_CONFIG = "/etc/ecs/ecs-xray.yaml";

/** What the collector listens on inside the task (localhost is shared with the service's container under awsvpc). */
export const COLLECTOR_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, healthCheck: 13133 } as const;

/**
 * The collector runs as the image's own user, `aoc` (uid and gid 4317, aws-otel-collector
 * `cmd/awscollector/Dockerfile`), named by number so that the task definition shows it is not root.
 */
export const COLLECTOR_USER = "4317:4317";

/** The collector's log streams, in the service's own log group: `otel/otel-collector/<task id>`. */
export const COLLECTOR_LOG_PREFIX = "otel";

/**
 * The X-Ray actions the task role gets with tracing: those of AWS's write-only X-Ray policy that a trace
 * forwarder uses. The `awsxray` exporter sends with PutTraceSegments (and PutTelemetryRecords when its
 * telemetry is on); the sampling pair serves an application that asks X-Ray for its sampling rules. None of them
 * supports resource-level permissions (Resource "*"). Not GetSamplingStatisticSummaries, a console read.
 */
export const TRACING_XRAY_ACTIONS: readonly string[] = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
];

/**
 * An ECS cluster (Container Insights on) and one Fargate service per configured service, each with:
 * its own encrypted log group (given by the caller, see serviceLogs.ts); a task definition that runs as a non-root user with a read-only root
 * filesystem (each writable path a tmpfs any user may write, see `writableTmpfs`) and every Linux capability
 * dropped; a separate execution role (pull its image, write its log group) and task role (no permissions until
 * the service needs some); an IP target group reached by a path rule on the services' internal load balancer; the
 * deployment circuit breaker with rollback; and Application Auto Scaling target tracking on CPU.
 *
 * With `tracing`, each task also runs the ADOT collector (`collectorContainer`, hardened the same way) and the
 * task is sized for both; target tracking then measures the task's CPU, the collector's share included. The
 * collector's image comes from ECR Public, pulled without credentials (so nothing new for the execution role)
 * the way the default service image is: through the app subnets' NAT gateway, like its calls to X-Ray.
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
        const tracing = args.tracing;
        if (tracing) {
            const problems = tracingProblems(tracing, args.services);
            if (problems.length) throw new pulumi.ResourceError(`FargateServices ${name}: tracing: ${problems.join("; ")}`, this);
        }

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

            // A writable root needs no mounts; a read-only one gets a tmpfs per writable path (see writableTmpfs). The
            // service's own memory bounds them: the collector's comes on top.
            let tmpfs: TmpfsMount[];
            let size: { readonly cpu: number; readonly memory: number };
            try {
                tmpfs = s.readonlyRootFilesystem ? writableTmpfs(s.writablePaths, args.writablePathSizeMiB ?? 64, s.memory) : [];
                size = tracing ? fargateTaskSize(s.cpu + tracing.cpu, s.memory + tracing.memoryMiB) : { cpu: s.cpu, memory: s.memory };
            } catch (e) {
                throw new pulumi.ResourceError(`FargateServices ${name}: service ${s.name}: ${(e as Error).message}`, this);
            }
            if (tracing) {
                // The collector signs its X-Ray calls with the task role (the task's credentials are shared by its containers).
                new aws.iam.RolePolicy(
                    `${n}-task-tracing`,
                    {
                        role: taskRole.id,
                        policy: pulumi.jsonStringify({
                            Version: "2012-10-17",
                            Statement: [{ Sid: "WriteTraces", Effect: "Allow", Action: [...TRACING_XRAY_ACTIONS], Resource: "*" }],
                        }),
                    },
                    p,
                );
            }
            // The service's SDK finds the collector by the standard OpenTelemetry variables: gRPC on localhost (the
            // protocol named too: the specification's default is http/protobuf, which port 4317 would not answer), its
            // own service name, and the region as a resource attribute.
            const otelEnvironment = tracing
                ? [
                      { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: `http://localhost:${COLLECTOR_PORTS.otlpGrpc}` },
                      { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "grpc" },
                      { name: "OTEL_SERVICE_NAME", value: s.name },
                      {
                          name: "OTEL_RESOURCE_ATTRIBUTES",
                          value: pulumi.interpolate`cloud.provider=aws,cloud.platform=aws_ecs,cloud.region=${region}`,
                      },
                  ]
                : [];
            const cacheEnvironment =
                s.usesCache && args.cache
                    ? [
                          { name: "CACHE_PORT", value: String(args.cache.port) },
                          { name: "CACHE_USER", value: args.cache.userName },
                          { name: "CACHE_TLS", value: "true" },
                      ]
                    : [];
            const environment = [...cacheEnvironment, ...otelEnvironment];
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
                    ...(environment.length ? { environment } : {}),
                    ...(s.usesCache && args.cache
                        ? {
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
                    // Started once the collector has started, so the first spans find it; and stopped before it, so the
                    // collector still takes the spans the service flushes as it stops.
                    ...(tracing ? { dependsOn: [{ containerName: COLLECTOR_CONTAINER, condition: "START" }] } : {}),
                },
                ...(tracing ? [collectorContainer(tracing, logGroup.name, region)] : []),
            ]);
            const taskDef = new aws.ecs.TaskDefinition(
                `${n}-task-def`,
                {
                    family: n,
                    networkMode: "awsvpc",
                    requiresCompatibilities: ["FARGATE"],
                    cpu: String(size.cpu),
                    memory: String(size.memory),
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

/** Why a tracing argument cannot run beside these services; empty when it can. */
export function tracingProblems(
    tracing: NonNullable<FargateServicesArgs["tracing"]>,
    services: readonly Pick<ServiceConfig, "name" | "port">[],
): string[] {
    const problems: string[] = [];
    if (tracing.collectorImage.trim() === "") problems.push("collectorImage is empty; expected the collector's image, pinned to a release");
    if (!Number.isInteger(tracing.cpu) || tracing.cpu < 0) problems.push(`cpu: got ${tracing.cpu}; expected a whole number of CPU units, 0 or more`);
    if (!Number.isInteger(tracing.memoryMiB) || tracing.memoryMiB < MIN_COLLECTOR_MEMORY_MIB)
        problems.push(`memoryMiB: got ${tracing.memoryMiB}; expected a whole number of MiB, at least ${MIN_COLLECTOR_MEMORY_MIB}`);
    // One network namespace per task: a service listening where the collector does would keep one of them from starting.
    const ports = Object.values(COLLECTOR_PORTS) as number[];
    for (const s of services) {
        if (s.name === COLLECTOR_CONTAINER) problems.push(`service "${s.name}" has the collector's container name`);
        if (ports.includes(s.port)) problems.push(`service "${s.name}" listens on ${s.port}, which the collector uses (${ports.join(", ")})`);
    }
    return problems;
}

/**
 * The collector's container definition, hardened like the services': its image's non-root user, a read-only root
 * filesystem (it writes nothing: see COLLECTOR_CONFIG), every capability dropped, not privileged.
 *
 * Not essential: tracing is diagnosis, and a collector that dies (its memory limit, a fault) must not take the
 * checkout down with it, on every task at once when the cause is common to all. Restarted by ECS instead, once it
 * has run a minute, without replacing the task (a container restart policy). The price: a collector that cannot
 * start at all does not fail the deployment; its health and restart count show it (DescribeTasks, Container
 * Insights), and an image that cannot be pulled still stops the task, essential or not.
 *
 * The health check runs the image's own `/healthcheck` binary (a GET of the health_check extension) directly: the
 * image is built FROM scratch and has no shell, so a CMD-SHELL check could never pass. ECS's API reference has a
 * task's health follow its essential containers only; an older wording of it let a non-essential container's
 * check count where no essential container has one (the services' containers have none): not verifiable here.
 *
 * GOMEMLIMIT keeps the Go runtime's heap under the hard limit (80 % of it; ADOT points to it since the memory
 * ballast was retired). AWS_REGION names the region X-Ray is called in: the exporter reads its config, then the
 * environment, then EC2 instance metadata, which Fargate does not serve; set here rather than left to the platform.
 */
function collectorContainer(
    tracing: NonNullable<FargateServicesArgs["tracing"]>,
    logGroupName: pulumi.Input<string>,
    region: pulumi.Input<string>,
): Record<string, unknown> {
    return {
        name: COLLECTOR_CONTAINER,
        image: tracing.collectorImage,
        essential: false,
        command: [`--config=${COLLECTOR_CONFIG}`],
        cpu: tracing.cpu,
        memory: tracing.memoryMiB,
        user: COLLECTOR_USER,
        privileged: false,
        readonlyRootFilesystem: true,
        linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
        environment: [
            { name: "AWS_REGION", value: region },
            { name: "GOMEMLIMIT", value: `${Math.floor(tracing.memoryMiB * 0.8)}MiB` },
        ],
        healthCheck: { command: ["CMD", "/healthcheck"], interval: 30, timeout: 5, retries: 3, startPeriod: 10 },
        restartPolicy: { enabled: true, restartAttemptPeriod: 60 },
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": COLLECTOR_LOG_PREFIX },
        },
    };
}
