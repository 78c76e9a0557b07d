/**
 * Policy test fixtures: real planned resources, altered one property at a time. Each case names the policy
 * it must trip. Where a policy guards a type the program never plans (a customer-managed prefix list, a function
 * URL, a plain-HTTP listener), the case adds one beside a real planned resource, copying its provider and parent,
 * and says so in its change. Shared by test/policies.test.ts (in-process) and test/policiesGrpc.test.ts (the analyzer).
 */
import * as assert from "assert";
import type { PlannedResource, StackPlan } from "../tools/planner";
import { projectPolicyConfig } from "../tools/policyConfig";
import type { Violation } from "../tools/policyRunner";
import { evaluateLocally, localConfig } from "./policiesHarness";

export type Stack = "prod" | "dr";

/** A deep copy of a plan, safe to edit. */
export function clonePlan(p: StackPlan): StackPlan {
    return JSON.parse(JSON.stringify(p)) as StackPlan;
}

/**
 * The plan as a first `pulumi preview` of a new stack would present it: every input that depends on another
 * resource is unknown (coarsely: the whole property), and every computed output is unknown.
 */
export function asFirstPreview(p: StackPlan): StackPlan {
    const c = clonePlan(p);
    for (const r of c.resources) {
        if (r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:StackReference") continue;
        for (const [k, deps] of Object.entries(r.propertyDependencies)) if (deps.length && k in r.inputs) r.inputs[k] = "[unknown]";
        r.outputs = Object.fromEntries(Object.keys(r.outputs).map((k) => [k, r.custom && k in r.inputs ? r.inputs[k] : "[unknown]"]));
    }
    return c;
}

/** The first planned resource of `type` matching `where`; fails naming what is missing. */
export function pick(plan: StackPlan, type: string, where: (r: PlannedResource) => boolean = () => true, what = ""): PlannedResource {
    const r = plan.resources.find((x) => x.type === type && where(x));
    if (!r)
        assert.fail(
            `stack ${plan.stack} (${plan.strategy}, ${plan.role}) plans no ${type}${what ? ` ${what}` : ""}; the fixture must be a real planned resource`,
        );
    return r;
}

function setPath(obj: Record<string, unknown>, keys: readonly string[], value: unknown): void {
    let cur: Record<string, unknown> = obj;
    for (const k of keys.slice(0, -1)) {
        if (cur[k] === undefined || cur[k] === null || typeof cur[k] !== "object") cur[k] = /^\d+$/.test(k) ? [] : {};
        cur = cur[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1];
    if (value === undefined) delete cur[last];
    else cur[last] = value;
}

/**
 * Sets (or, with undefined, removes) a property in a resource's inputs and outputs: `a.b.0.c`. A top-level
 * property set to a literal no longer depends on another resource, so its property dependencies go too.
 */
export function setProp(r: PlannedResource, dotted: string, value: unknown): void {
    const keys = dotted.split(".");
    setPath(r.inputs, keys, value);
    setPath(r.outputs, keys, value);
    if (keys.length === 1) delete r.propertyDependencies[keys[0]];
}

/** The policy verdicts for a plan, with the project facts the offline plan derives from config. */
export async function verdicts(plan: StackPlan): Promise<Violation[]> {
    return evaluateLocally(plan, localConfig(projectPolicyConfig([plan.config])));
}

export const T = {
    rule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    flowLog: "aws:ec2/flowLog:FlowLog",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    listener: "aws:lb/listener:Listener",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    td: "aws:ecs/taskDefinition:TaskDefinition",
    svc: "aws:ecs/service:Service",
    target: "aws:appautoscaling/target:Target",
    asg: "aws:autoscaling/group:Group",
    cluster: "aws:rds/cluster:Cluster",
    global: "aws:rds/globalCluster:GlobalCluster",
    instance: "aws:rds/clusterInstance:ClusterInstance",
    table: "aws:dynamodb/table:Table",
    replica: "aws:dynamodb/tableReplica:TableReplica",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    vault: "aws:backup/vault:Vault",
    plan: "aws:backup/plan:Plan",
    secret: "aws:secretsmanager/secret:Secret",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    vpc: "aws:ec2/vpc:Vpc",
    record: "aws:route53/record:Record",
    check: "aws:route53/healthCheck:HealthCheck",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    trail: "aws:cloudtrail/trail:Trail",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    detector: "aws:guardduty/detector:Detector",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    fisTemplate: "aws:fis/experimentTemplate:ExperimentTemplate",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    roleAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    repo: "aws:ecr/repository:Repository",
    template: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
    cdn: "aws:cloudfront/distribution:Distribution",
    waf: "aws:wafv2/webAcl:WebAcl",
    wafLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    logSource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    logDelivery: "aws:cloudwatch/logDelivery:LogDelivery",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketLogging: "aws:s3/bucketLogging:BucketLogging",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    listenerRule: "aws:lb/listenerRule:ListenerRule",
    prefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
    stackRef: "pulumi:pulumi:StackReference",
    queue: "aws:sqs/queue:Queue",
    redrive: "aws:sqs/redrivePolicy:RedrivePolicy",
    redriveAllow: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    fn: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    functionUrl: "aws:lambda/functionUrl:FunctionUrl",
    esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
    topic: "aws:sns/topic:Topic",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    endpoint: "aws:cloudwatch/eventEndpoint:EventEndpoint",
    api: "aws:apigatewayv2/api:Api",
    apiRoute: "aws:apigatewayv2/route:Route",
    apiStage: "aws:apigatewayv2/stage:Stage",
    apiIntegration: "aws:apigatewayv2/integration:Integration",
    apiDomain: "aws:apigatewayv2/domainName:DomainName",
    userPool: "aws-native:cognito:UserPool",
    userPoolClient: "aws:cognito/userPoolClient:UserPoolClient",
    userPoolReplica: "aws-native:cognito:UserPoolReplica",
    userPoolDomain: "aws-native:cognito:UserPoolDomain",
    replicaStatus: "pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus",
    cacheGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheDatastore: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    cacheUser: "aws:elasticache/user:User",
    cacheUserGroup: "aws:elasticache/userGroup:UserGroup",
    fileSystem: "aws-native:efs:FileSystem",
    fileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
    backupSelection: "aws:backup/selection:Selection",
    cachePrimary: "pulumi-nodejs:dynamic/securecart:CachePrimary",
    filesPrimary: "pulumi-nodejs:dynamic/securecart:FilesPrimary",
    filesReplication: "pulumi-nodejs:dynamic/securecart:FilesReplication",
} as const;

const failoverRecord = (r: PlannedResource) => Array.isArray(r.inputs.failoverRoutingPolicies);
export const named = (part: string) => (r: PlannedResource) => r.name.includes(part);
/** The planned resource with this logical name (where `named` would also match its dead-letter twin). */
const exactly = (name: string) => (r: PlannedResource) => r.name === name;
const containers = (r: PlannedResource) => JSON.parse(String(r.inputs.containerDefinitions)) as Array<Record<string, unknown>>;
const setContainers = (r: PlannedResource, cs: unknown) => setProp(r, "containerDefinitions", JSON.stringify(cs));

/** Removes the planned resources of `type` matching `where` (at least one must exist: the fixture is real). */
function remove(plan: StackPlan, type: string, where: (r: PlannedResource) => boolean = () => true, what = ""): void {
    pick(plan, type, where, what);
    plan.resources = plan.resources.filter((r) => !(r.type === type && where(r)));
}

/** The index of the distribution's origin with `id`, for a dotted path. */
function originIndex(cdn: PlannedResource, id: string): number {
    const i = (cdn.inputs.origins as Array<{ originId: string }>).findIndex((o) => o.originId === id);
    assert.ok(i >= 0, `the distribution plans no origin ${id}`);
    return i;
}

/** A bucket policy's statements, edited by `change`. */
function editStatements(r: PlannedResource, change: (sts: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): void {
    const doc = JSON.parse(String(r.inputs.policy)) as { Version: string; Statement: Array<Record<string, unknown>> };
    setProp(r, "policy", JSON.stringify({ ...doc, Statement: change(doc.Statement) }));
}

/**
 * Adds to the plan an attachment of an AWS managed policy to `role`, as the program would plan one beside it (same
 * provider and parent): the program attaches no managed policy to its fault-injection role.
 */
function attachManagedPolicy(plan: StackPlan, role: PlannedResource, policyArn: string): PlannedResource {
    const name = `${role.name}-admin`;
    const inputs = { role: role.outputs.name ?? role.inputs.name, policyArn };
    const attachment: PlannedResource = {
        ...(JSON.parse(JSON.stringify(role)) as PlannedResource),
        type: T.roleAttachment,
        name,
        urn: `urn:pulumi:${plan.stack}::${plan.project}::${T.roleAttachment}::${name}`,
        dependencies: [role.urn],
        propertyDependencies: { role: [role.urn] },
        protect: false,
        inputs,
        outputs: { ...inputs, id: `${String(inputs.role)}-admin` },
    };
    plan.resources.push(attachment);
    return attachment;
}

/** A tier alarm of kind `kind` (its securecart:alarm tag) whose logical name ends with `suffix`. */
const tierAlarm = (kind: string, suffix: string) => (r: PlannedResource) =>
    (r.inputs.tags as Record<string, string> | undefined)?.["securecart:alarm"] === kind && r.name.endsWith(suffix);

/** The planned topic whose name (its `name` input) is `name`. */
const topicNamed = (name: string) => (r: PlannedResource) => r.inputs.name === name;

/** Moves a listener rule onto the public ALB's HTTPS listener (where the services hung before the API). */
function moveToPublicListener(plan: StackPlan, rule: PlannedResource): void {
    const lb = pick(plan, T.lb, (r) => r.inputs.internal === false, "internet-facing");
    const listener = pick(plan, T.listener, (l) => l.inputs.loadBalancerArn === lb.outputs.arn);
    setProp(rule, "listenerArn", listener.outputs.arn);
}

/** The ALB's HTTPS ingress opened to `cidr` instead of CloudFront's origin-facing prefix list. */
export function albIngressFrom(plan: StackPlan, cidr: string): PlannedResource {
    const r = pick(plan, T.rule, named("alb-in-https"));
    setProp(r, "prefixListId", undefined);
    setProp(r, "cidrIpv4", cidr);
    return r;
}

/**
 * Adds to the plan a customer-managed prefix list holding `cidrs`, as the program would plan one next to `like`
 * (same provider and parent): the program itself plans none, it looks CloudFront's AWS-managed list up.
 */
function addPrefixList(plan: StackPlan, like: PlannedResource, name: string, cidrs: readonly string[]): PlannedResource {
    const id = "pl-0c0ffee0c0ffee0c0";
    const inputs = { name, addressFamily: "IPv4", maxEntries: cidrs.length, entries: cidrs.map((cidr) => ({ cidr })) };
    const list: PlannedResource = {
        ...(JSON.parse(JSON.stringify(like)) as PlannedResource),
        type: T.prefixList,
        name,
        urn: `urn:pulumi:${plan.stack}::${plan.project}::${T.prefixList}::${name}`,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: { ...inputs, id, arn: `arn:aws:ec2:${plan.region}:123456789012:prefix-list/${id}`, ownerId: "123456789012" },
    };
    plan.resources.push(list);
    return list;
}

/**
 * Adds to the plan a function URL for `fn`, as the program would plan one beside it (same provider and parent): the
 * program itself gives no function a URL.
 */
function addFunctionUrl(plan: StackPlan, fn: PlannedResource, authorizationType: string): PlannedResource {
    const name = `${fn.name}-url`;
    const inputs = { functionName: fn.inputs.name, authorizationType };
    const url: PlannedResource = {
        ...(JSON.parse(JSON.stringify(fn)) as PlannedResource),
        type: T.functionUrl,
        name,
        urn: `urn:pulumi:${plan.stack}::${plan.project}::${T.functionUrl}::${name}`,
        dependencies: [fn.urn],
        propertyDependencies: { functionName: [fn.urn] },
        inputs,
        outputs: { ...inputs, functionUrl: `https://abcdefghij.lambda-url.${plan.region}.on.aws/` },
    };
    plan.resources.push(url);
    return url;
}

/** The catalogue's task definition: the service that mounts the shared files (its sharedPath, by default). */
const catalogTask = (plan: StackPlan) => pick(plan, T.td, named("svc-catalog-task-def"), "of the catalogue (it mounts the shared files)");

/** Sets `readOnly` on every container mount of the task definition's shared-files volume. */
function mountSharedFiles(td: PlannedResource, readOnly: boolean): void {
    const cs = containers(td);
    const mounts = cs.flatMap((c) => (c.mountPoints as Array<Record<string, unknown>> | undefined) ?? []);
    assert.ok(mounts.length > 0, `${td.name} mounts nothing`);
    for (const m of mounts) m.readOnly = readOnly;
    setContainers(td, cs);
}

/** The index of the web ACL's rule matching `where`, for a dotted path. */
function wafRuleIndex(waf: PlannedResource, where: (r: Record<string, unknown>) => boolean, what: string): number {
    const i = (waf.inputs.rules as Array<Record<string, unknown>>).findIndex(where);
    assert.ok(i >= 0, `the web ACL plans no ${what}`);
    return i;
}

export interface Case {
    readonly policy: string;
    /** What the alteration does, for the test name. */
    readonly change: string;
    readonly stack: Stack;
    readonly overrides?: readonly string[];
    readonly alter: (plan: StackPlan) => void;
    /** What the violation message must say. */
    readonly says?: RegExp;
}

/** One real resource, one property changed, per case. */
export const CASES: readonly Case[] = [
    // network
    {
        policy: "aws-security-group-no-ssh-rdp-from-internet",
        change: "the ALB's ingress is opened to 0.0.0.0/0 for every protocol",
        stack: "dr",
        alter: (p) => setProp(albIngressFrom(p, "0.0.0.0/0"), "ipProtocol", "-1"),
        says: /22, 3389/,
    },
    {
        policy: "aws-security-group-no-ssh-rdp-from-internet",
        change: "the ALB's ingress moves to RDP from 0.0.0.0/0",
        stack: "prod",
        alter: (p) => {
            const r = albIngressFrom(p, "0.0.0.0/0");
            setProp(r, "fromPort", 3389);
            setProp(r, "toPort", 3389);
        },
        says: /3389/,
    },
    {
        policy: "aws-security-group-no-public-ingress",
        change: "the app tier's rule also takes 0.0.0.0/0",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.rule, named("app-in-svc-lb")), "cidrIpv4", "0.0.0.0/0"),
        says: /nothing is open to the internet/,
    },
    {
        policy: "aws-security-group-no-public-ingress",
        change: "the ALB's HTTPS ingress takes 0.0.0.0/0 instead of CloudFront's prefix list",
        stack: "prod",
        alter: (p) => albIngressFrom(p, "0.0.0.0/0"),
        says: /tcp\/443 from 0\.0\.0\.0\/0: nothing is open/,
    },
    {
        policy: "aws-vpc-flow-logs-enabled",
        change: "the flow log records rejected traffic only",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.flowLog), "trafficType", "REJECT"),
        says: /trafficType ALL/,
    },
    {
        policy: "aws-vpc-flow-logs-enabled",
        change: "the flow log points at another VPC",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.flowLog), "vpcId", "vpc-0other"),
        says: /none refers to it/,
    },
    // compute
    {
        policy: "aws-ec2-imdsv2-required",
        change: "the launch template makes IMDS tokens optional",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.lt), "metadataOptions.httpTokens", "optional"),
        says: /httpTokens must be "required"/,
    },
    {
        policy: "aws-ebs-encrypted-cmk",
        change: "the root volume is unencrypted",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.lt), "blockDeviceMappings.0.ebs.encrypted", "false"),
        says: /must be encrypted/,
    },
    {
        policy: "aws-ebs-encrypted-cmk",
        change: "the root volume uses the default key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.lt), "blockDeviceMappings.0.ebs.kmsKeyId", undefined),
        says: /customer-managed KMS key/,
    },
    {
        policy: "aws-alb-tls-1-2-or-later",
        change: "the HTTPS listener allows TLS 1.0",
        stack: "prod",
        alter: (p) =>
            setProp(
                pick(p, T.listener, (r) => r.inputs.protocol === "HTTPS"),
                "sslPolicy",
                "ELBSecurityPolicy-2016-08",
            ),
        says: /allows older protocols/,
    },
    {
        policy: "aws-alb-tls-1-2-or-later",
        change: "the HTTPS listener has no SSL policy",
        stack: "dr",
        alter: (p) =>
            setProp(
                pick(p, T.listener, (r) => r.inputs.protocol === "HTTPS"),
                "sslPolicy",
                undefined,
            ),
        says: /unset means/,
    },
    {
        policy: "aws-alb-http-redirects-to-https",
        change: "an HTTP listener that forwards is added (the HTTPS listener's copy on port 80)",
        stack: "prod",
        alter: (p) => {
            const https = pick(p, T.listener, (r) => r.inputs.protocol === "HTTPS");
            const http = JSON.parse(JSON.stringify(https)) as PlannedResource;
            http.name = `${https.name}-plain`;
            http.urn = `${https.urn}-plain`;
            p.resources.push(http);
            setProp(http, "protocol", "HTTP");
            setProp(http, "port", 80);
            setProp(http, "sslPolicy", undefined);
            setProp(http, "certificateArn", undefined);
            setProp(http, "defaultActions", [
                { type: "forward", targetGroupArn: pick(p, "aws:lb/targetGroup:TargetGroup", named("web-tg")).outputs.arn },
            ]);
        },
        says: /redirect to HTTPS/,
    },
    {
        policy: "aws-alb-access-logs-enabled",
        change: "access logs are off",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.lb), "accessLogs.enabled", false),
    },
    {
        policy: "aws-alb-drop-invalid-header-fields",
        change: "invalid headers pass through",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.lb), "dropInvalidHeaderFields", false),
    },
    {
        policy: "aws-ecs-task-not-privileged",
        change: "a container runs privileged",
        stack: "prod",
        alter: (p) => {
            const td = pick(p, T.td);
            const cs = containers(td);
            cs[0].privileged = true;
            setContainers(td, cs);
        },
        says: /must not run privileged/,
    },
    {
        policy: "aws-ecs-task-logging-configured",
        change: "a container has no log configuration",
        stack: "dr",
        alter: (p) => {
            const td = pick(p, T.td);
            const cs = containers(td);
            delete cs[0].logConfiguration;
            setContainers(td, cs);
        },
        says: /must configure logging/,
    },
    {
        policy: "aws-ecs-service-no-public-ip",
        change: "a service assigns public IPs",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.svc), "networkConfiguration.assignPublicIp", true),
    },
    {
        policy: "aws-ecr-encrypted-cmk",
        change: "a home repository falls back to AES256",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.repo), "encryptionConfigurations", [{ encryptionType: "AES256" }]),
        says: /got "AES256"/,
    },
    {
        policy: "aws-ecr-encrypted-cmk",
        change: "the standby's replication template names no key (aws/ecr)",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.template), "encryptionConfigurations", [{ encryptionType: "KMS" }]),
        says: /AWS-managed aws\/ecr key/,
    },
    {
        policy: "aws-ecr-encrypted-cmk",
        change: "the standby's replication template has no role to apply its key",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.template), "customRoleArn", undefined),
        says: /customRoleArn/,
    },
    {
        policy: "aws-ecr-replicas-encrypted-cmk",
        change: "the standby's template applies to pull-through cache only",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.template), "appliedFors", ["PULL_THROUGH_CACHE"]),
        says: /prefix ROOT applied for REPLICATION/,
    },
    // database
    {
        policy: "aws-rds-storage-encrypted-cmk",
        change: "the cluster's storage is unencrypted",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cluster), "storageEncrypted", false),
        says: /storageEncrypted true/,
    },
    {
        policy: "aws-rds-storage-encrypted-cmk",
        change: "the secondary cluster has no CMK",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cluster), "kmsKeyId", undefined),
        says: /customer-managed KMS key/,
    },
    {
        policy: "aws-rds-storage-encrypted-cmk",
        change: "the global cluster is created unencrypted",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.global), "storageEncrypted", false),
        says: /Global clusters/,
    },
    {
        policy: "aws-rds-no-public-access",
        change: "an instance is publicly accessible",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.instance), "publiclyAccessible", true),
    },
    {
        policy: "aws-rds-backup-retention",
        change: "the cluster keeps backups for 3 days",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cluster), "backupRetentionPeriod", 3),
        says: /at least 7 days/,
    },
    {
        policy: "aws-rds-backup-retention",
        change: "the cluster leaves retention at the default",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cluster), "backupRetentionPeriod", undefined),
        says: /the default/,
    },
    {
        policy: "aws-rds-deletion-protection",
        change: "the cluster's deletion protection is off",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cluster), "deletionProtection", false),
    },
    {
        policy: "aws-rds-deletion-protection",
        change: "the global cluster's deletion protection is off",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.global), "deletionProtection", false),
        says: /Global clusters/,
    },
    {
        policy: "aws-rds-engine-version-pinned",
        change: "the cluster names only the major version",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cluster), "engineVersion", "16"),
        says: /minor version/,
    },
    {
        policy: "aws-rds-engine-version-pinned",
        change: "an instance auto-upgrades minor versions",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.instance), "autoMinorVersionUpgrade", true),
        says: /autoMinorVersionUpgrade false/,
    },
    // dynamodb
    {
        policy: "aws-dynamodb-encrypted-cmk",
        change: "the table uses the AWS-owned key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.table), "serverSideEncryption.kmsKeyArn", undefined),
    },
    {
        policy: "aws-dynamodb-encrypted-cmk",
        change: "a replica has no CMK",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.replica), "kmsKeyArn", undefined),
        says: /replicas/,
    },
    {
        policy: "aws-dynamodb-pitr-enabled",
        change: "the table's PITR is off",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.table), "pointInTimeRecovery.enabled", false),
    },
    {
        policy: "aws-dynamodb-pitr-enabled",
        change: "a replica's PITR is off",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.replica), "pointInTimeRecovery", false),
    },
    {
        policy: "aws-dynamodb-deletion-protection",
        change: "the table's deletion protection is off",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.table), "deletionProtectionEnabled", false),
    },
    {
        policy: "aws-dynamodb-deletion-protection",
        change: "a replica's deletion protection is off",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.replica), "deletionProtectionEnabled", false),
    },
    // security
    {
        policy: "aws-kms-key-rotation-enabled",
        change: "a key stops rotating",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.key), "enableKeyRotation", false),
    },
    {
        policy: "aws-cloudwatch-log-group-encrypted-cmk",
        change: "a log group has no key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup), "kmsKeyId", undefined),
    },
    {
        policy: "aws-backup-vault-encrypted-cmk",
        change: "the vault uses aws/backup",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.vault), "kmsKeyArn", undefined),
    },
    {
        policy: "aws-secrets-encrypted-cmk",
        change: "the master secret uses the default key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.secret, named("db-master-secret")), "kmsKeyId", undefined),
    },
    {
        policy: "aws-secrets-encrypted-cmk",
        change: "the secret's standby replica uses the default key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.secret, named("db-master-secret")), "replicas.0.kmsKeyId", undefined),
        says: /us-west-2 replica/,
    },
    {
        policy: "aws-s3-bucket-encrypted-cmk",
        change: "the ALB log bucket switches to SSE-KMS (log delivery would fail)",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.sse, named("alb-logs")), "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "aws:kms"),
        says: /AES256/,
    },
    {
        policy: "aws-s3-bucket-encrypted-cmk",
        change: "the server-access-log bucket switches to SSE-KMS (S3 log delivery would fail)",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.sse, named("s3-logs")), "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "aws:kms"),
        says: /server access logs and must declare SSE-S3/,
    },
    {
        policy: "aws-s3-bucket-encrypted-cmk",
        change: "the standby's waiting log bucket no longer grants ELB log delivery",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.bucketPolicy, named("alb-logs")), "policy", JSON.stringify({ Version: "2012-10-17", Statement: [] })),
        says: /customer-managed KMS key/,
    },
    {
        policy: "aws-required-tags",
        change: "the VPC loses its owner tag",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.vpc), "tags.owner", undefined),
        says: /missing or empty: owner/,
    },
    {
        policy: "aws-required-tags",
        change: "the Auto Scaling group's tag list loses costCenter",
        stack: "dr",
        alter: (p) => {
            const g = pick(p, T.asg);
            setProp(
                g,
                "tags",
                (g.inputs.tags as Array<{ key: string }>).filter((t) => t.key !== "costCenter"),
            );
        },
        says: /costCenter/,
    },
    // dns
    {
        policy: "dr-routing-records-have-health-checks",
        change: "the failover record loses its health check",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.record, failoverRecord), "healthCheckId", undefined),
        says: /failover routing/,
    },
    {
        policy: "dr-routing-records-have-health-checks",
        change: "a latency record loses its health check",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) =>
            setProp(
                pick(p, T.record, (r) => Array.isArray(r.inputs.latencyRoutingPolicies)),
                "healthCheckId",
                undefined,
            ),
        says: /latency routing/,
    },
    {
        policy: "dr-routing-record-ttl",
        change: "the failover record gets a 300 s TTL",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.record, failoverRecord), "ttl", 300),
        says: /at most 60 s; it has 300 s/,
    },
    {
        policy: "dr-routing-records-have-health-checks",
        change: "the CLOUDWATCH_METRIC check counts missing alarm data as healthy",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.check, named("dns-health")), "insufficientDataHealthStatus", "Healthy"),
        says: /insufficientDataHealthStatus "Unhealthy"/,
    },
    {
        policy: "dr-failure-detection-within-rto",
        change: "the alarm the health check follows waits for 10 evaluation periods",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.alarm, named("targets-alarm")), "evaluationPeriods", 10),
        says: /60 s x 10 \+ 60 s for Route 53 to react to the alarm's data \(route53AlarmReactionSeconds\) = 660 s; it must be at most 240 s/,
    },
    {
        policy: "dr-failure-detection-within-rto",
        change: "the alarm the health check follows is not planned in the stack",
        stack: "dr",
        alter: (p) => remove(p, T.alarm, named("targets-alarm")),
        says: /alarm securecart-dns-targets-alarm-\w+, which is not planned in this stack, so its detection time cannot be checked/,
    },
    // dr
    {
        policy: "dr-standby-has-strategy-resources",
        change: "the warm standby's only reader belongs to another cluster",
        stack: "dr",
        alter: (p) => {
            const i = pick(p, T.instance);
            setProp(i, "clusterIdentifier", "some-other-cluster");
        },
        says: /at least one instance in its Aurora secondary/,
    },
    {
        policy: "dr-standby-has-strategy-resources",
        change: "the pilot light's secondary leaves the global cluster",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.cluster), "globalClusterIdentifier", undefined),
        says: /headless/,
    },
    {
        policy: "dr-standby-has-strategy-resources",
        change: "the pilot light's Auto Scaling group loses its launch template",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.asg), "launchTemplate", undefined),
        says: /launchable/,
    },
    {
        policy: "dr-capacity-matches-strategy",
        change: "the warm standby's web tier is at zero",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.asg), "desiredCapacity", 0),
        says: /must run at least 1/,
    },
    {
        policy: "dr-capacity-matches-strategy",
        change: "the primary's service is at zero",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.svc), "desiredCount", 0),
        says: /must run at least 1/,
    },
    {
        policy: "dr-capacity-matches-strategy",
        change: "the pilot light runs a task",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.svc), "desiredCount", 1),
        says: /must be scaled to 0/,
    },
    {
        policy: "dr-capacity-matches-strategy",
        change: "the pilot light's service cannot scale out",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.target), "maxCapacity", 0),
        says: /must stay launchable/,
    },
    {
        policy: "dr-aurora-engine-version-consistent",
        change: "the secondary runs another minor version",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cluster), "engineVersion", "16.4"),
        says: /must run engine version 16\.6/,
    },
    {
        policy: "dr-global-tables-replicated",
        change: "a replica points at another table",
        stack: "dr",
        alter: (p) =>
            setProp(
                pick(p, T.replica, (r) => String(r.inputs.globalTableArn).endsWith("/securecart-carts")),
                "globalTableArn",
                "arn:aws:dynamodb:us-east-1:123456789012:table/securecart-other",
            ),
        says: /replica of table securecart-carts/,
    },
    {
        policy: "dr-global-tables-replicated",
        change: "a replica follows a table outside the home region",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) =>
            setProp(pick(p, T.replica), "globalTableArn", String(pick(p, T.replica).inputs.globalTableArn).replace("us-east-1", "eu-west-1")),
        says: /home region's table/,
    },
    {
        policy: "dr-global-tables-replicated",
        change: "the home table stops ignoring replicas it does not list",
        stack: "prod",
        alter: (p) => {
            const t = pick(p, T.table);
            t.ignoreChanges = t.ignoreChanges.filter((k) => k !== "replicas");
        },
        says: /missing us-west-2/,
    },
    {
        policy: "dr-backups-copied-to-standby-regions",
        change: "the primary's backup rule copies nowhere",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.plan), "rules.0.copyActions", []),
        says: /missing us-west-2/,
    },
    {
        policy: "dr-backups-copied-to-standby-regions",
        change: "the promoted standby's backups copy back to itself",
        stack: "dr",
        overrides: ["primaryRegion=us-west-2"],
        alter: (p) =>
            setProp(
                pick(p, T.plan),
                "rules.0.copyActions.0.destinationVaultArn",
                "arn:aws:backup:us-west-2:123456789012:backup-vault:securecart-us-west-2",
            ),
        says: /missing us-east-1/,
    },
    {
        policy: "dr-stateful-resources-protected",
        change: "a table loses protect",
        stack: "prod",
        alter: (p) => {
            pick(p, T.table).protect = false;
        },
    },
    {
        policy: "dr-stateful-resources-protected",
        change: "the backup vault loses protect",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => {
            pick(p, T.vault).protect = false;
        },
    },
    {
        policy: "dr-stateful-resources-protected",
        change: "a service's log group in a standby without compute loses protect",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => {
            pick(p, T.logGroup, (r) => /-svc-.+-logs$/.test(r.name)).protect = false;
        },
    },
    {
        policy: "dr-stateful-resources-protected",
        change: "an ECR repository loses protect",
        stack: "prod",
        alter: (p) => {
            pick(p, T.repo).protect = false;
        },
    },
    {
        policy: "dr-resources-in-stack-region",
        change: "a log group is created in another region",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.logGroup), "region", "us-east-1"),
        says: /its region input puts it in us-east-1/,
    },
    {
        policy: "dr-resources-in-stack-region",
        change: "the Route 53 alarm watches another namespace (no exemption)",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.alarm, named("health-alarm")), "namespace", "AWS/EC2"),
        says: /in us-east-1/,
    },
    // edge
    {
        policy: "aws-cloudfront-viewer-tls",
        change: "the distribution accepts the TLSv1.2_2019 security policy",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cdn), "viewerCertificate.minimumProtocolVersion", "TLSv1.2_2019"),
        says: /TLSv1\.2_2021 or newer .*got "TLSv1\.2_2019"/,
    },
    {
        policy: "aws-cloudfront-viewer-tls",
        change: "the distribution falls back to the default *.cloudfront.net certificate",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            setProp(cdn, "viewerCertificate.acmCertificateArn", undefined);
            setProp(cdn, "viewerCertificate.cloudfrontDefaultCertificate", true);
        },
        says: /default CloudFront certificate/,
    },
    {
        policy: "aws-cloudfront-https-only",
        change: "the /assets/* behaviour allows plain HTTP",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            const i = (cdn.inputs.orderedCacheBehaviors as Array<{ pathPattern: string }>).findIndex((b) => b.pathPattern === "/assets/*");
            setProp(cdn, `orderedCacheBehaviors.${i}.viewerProtocolPolicy`, "allow-all");
        },
        says: /the \/assets\/\* cache behaviour must take viewers over HTTPS/,
    },
    {
        policy: "aws-cloudfront-https-only",
        change: "the app origin also allows TLSv1",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            setProp(cdn, `origins.${originIndex(cdn, "app")}.customOriginConfig.originSslProtocols`, ["TLSv1", "TLSv1.2"]);
        },
        says: /Origin "app" must allow TLSv1\.2 only/,
    },
    {
        policy: "aws-cloudfront-https-only",
        change: "the app origin matches the viewer's protocol",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            setProp(cdn, `origins.${originIndex(cdn, "app")}.customOriginConfig.originProtocolPolicy`, "match-viewer");
        },
        says: /HTTPS only \(originProtocolPolicy https-only\)/,
    },
    {
        policy: "aws-cloudfront-logging-enabled",
        change: "the delivery source is for another log type",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logSource), "logType", "CONNECTION_LOGS"),
        says: /not of logType ACCESS_LOGS/,
    },
    {
        policy: "aws-cloudfront-logging-enabled",
        change: "no log delivery uses the distribution's source",
        stack: "prod",
        alter: (p) => remove(p, T.logDelivery),
        says: /no log delivery uses it/,
    },
    {
        policy: "aws-cloudfront-waf-attached",
        change: "the web ACL is scoped REGIONAL",
        stack: "prod",
        overrides: ["strategy=active-active"],
        alter: (p) => setProp(pick(p, T.waf), "scope", "REGIONAL"),
        says: /scope REGIONAL/,
    },
    {
        policy: "aws-cloudfront-waf-attached",
        change: "the distribution has no web ACL",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cdn), "webAclId", undefined),
        says: /webAclId is unset/,
    },
    {
        policy: "aws-cloudfront-s3-origins-use-oac",
        change: "an asset origin uses a legacy origin access identity instead of OAC",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            const i = originIndex(cdn, "assets-us-west-2");
            setProp(cdn, `origins.${i}.originAccessControlId`, undefined);
            setProp(cdn, `origins.${i}.s3OriginConfig`, { originAccessIdentity: "origin-access-identity/cloudfront/E2QWRUHEXAMPLE" });
        },
        says: /"assets-us-west-2" must use Origin Access Control/,
    },
    {
        policy: "aws-cloudfront-s3-origins-use-oac",
        change: "an asset origin whose domain is not known yet (no customOriginConfig) has no OAC",
        stack: "prod",
        alter: (p) => {
            const cdn = pick(p, T.cdn);
            const i = originIndex(cdn, "assets-us-west-2");
            setProp(cdn, `origins.${i}.originAccessControlId`, undefined);
            setProp(cdn, `origins.${i}.domainName`, "[unknown]");
        },
        says: /Origin "assets-us-west-2" \(no customOriginConfig: an S3 origin\) must use Origin Access Control/,
    },
    {
        policy: "aws-waf-managed-rules-and-rate-limit",
        change: "the SQL injection rule group is dropped",
        stack: "prod",
        alter: (p) => {
            const waf = pick(p, T.waf);
            const rules = waf.inputs.rules as Array<{ name: string }>;
            setProp(
                waf,
                "rules",
                rules.filter((r) => r.name !== "AWSManagedRulesSQLiRuleSet"),
            );
        },
        says: /AWSManagedRulesSQLiRuleSet/,
    },
    {
        policy: "aws-waf-managed-rules-and-rate-limit",
        change: "the common rule set is overridden to count while the project's config has it block",
        stack: "prod",
        alter: (p) => {
            const waf = pick(p, T.waf);
            const i = wafRuleIndex(waf, (r) => r.name === "AWSManagedRulesCommonRuleSet", "common rule set");
            setProp(waf, `rules.${i}.overrideAction`, { count: {} });
        },
        says: /AWSManagedRulesCommonRuleSet runs in count mode .*while the project's config has it block/,
    },
    {
        policy: "aws-waf-managed-rules-and-rate-limit",
        change: "the rate-based rule only counts while the project's config has it block",
        stack: "prod",
        alter: (p) => {
            const waf = pick(p, T.waf);
            const i = wafRuleIndex(waf, (r) => (r.statement as Record<string, unknown>).rateBasedStatement !== undefined, "rate-based rule");
            setProp(waf, `rules.${i}.action`, { count: {} });
        },
        says: /rate-based rule must block \(action block\).*it has action count/,
    },
    {
        policy: "aws-waf-managed-rules-and-rate-limit",
        change: "the rate-based rule is dropped",
        stack: "prod",
        alter: (p) => {
            const waf = pick(p, T.waf);
            const rules = waf.inputs.rules as Array<{ statement: Record<string, unknown> }>;
            setProp(
                waf,
                "rules",
                rules.filter((r) => r.statement.rateBasedStatement === undefined),
            );
        },
        says: /rate-based rule/,
    },
    {
        policy: "aws-waf-logging-encrypted",
        change: "the WAF log group loses its key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("edge-waf-logs")), "kmsKeyId", undefined),
        says: /customer-managed KMS key/,
    },
    {
        policy: "aws-waf-logging-encrypted",
        change: "the WAF log group is renamed without the aws-waf-logs- prefix",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("edge-waf-logs")), "name", "securecart-edge-waf"),
        says: /must be named aws-waf-logs-\*/,
    },
    {
        policy: "aws-waf-logging-encrypted",
        change: "the web ACL's logging configuration is gone",
        stack: "prod",
        alter: (p) => remove(p, T.wafLogging),
        says: /no WebAclLoggingConfiguration names it/,
    },
    {
        policy: "aws-s3-asset-buckets-cloudfront-only",
        change: "the standby's asset bucket stops blocking public policies",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.pab, named("assets")), "blockPublicPolicy", false),
        says: /must set blockPublicPolicy to true/,
    },
    {
        policy: "aws-s3-asset-buckets-cloudfront-only",
        change: "the home asset bucket's policy lets everyone read",
        stack: "prod",
        alter: (p) =>
            editStatements(pick(p, T.bucketPolicy, named("assets")), (sts) =>
                sts.map((st) => (st.Sid === "CloudFrontOacRead" ? { ...st, Principal: "*", Condition: undefined } : st)),
            ),
        says: /allows everyone/,
    },
    {
        policy: "aws-s3-asset-buckets-cloudfront-only",
        change: "the standby's asset bucket lets CloudFront read without AWS:SourceArn (any distribution)",
        stack: "dr",
        alter: (p) =>
            editStatements(pick(p, T.bucketPolicy, named("assets")), (sts) =>
                sts.map((st) => (st.Sid === "CloudFrontOacRead" ? { ...st, Condition: undefined } : st)),
            ),
        says: /without an AWS:SourceArn condition/,
    },
    {
        policy: "aws-s3-asset-buckets-versioned-encrypted-logged",
        change: "the home asset bucket's versioning is suspended",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.versioning, named("assets")), "versioningConfiguration.status", "Suspended"),
        says: /must be versioned .*found Suspended/,
    },
    {
        policy: "aws-s3-asset-buckets-versioned-encrypted-logged",
        change: "the standby's asset bucket falls back to SSE-S3",
        stack: "dr",
        alter: (p) => {
            const sse = pick(p, T.sse, named("assets"));
            setProp(sse, "rules", [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        },
        says: /customer-managed KMS key/,
    },
    {
        policy: "aws-s3-asset-buckets-versioned-encrypted-logged",
        change: "the standby's asset bucket stops logging its requests",
        stack: "dr",
        alter: (p) => remove(p, T.bucketLogging, named("assets")),
        says: /must write server access logs/,
    },
    {
        policy: "dr-asset-buckets-replicated",
        change: "the standby's rule into the home bucket drops Replication Time Control",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.replication), "rules.0.destination.replicationTime.status", "Disabled"),
        says: /rule to-us-east-1 must enable Replication Time Control/,
    },
    {
        policy: "dr-asset-buckets-replicated",
        change: "the standby's rule stops replicating delete markers and replica changes",
        stack: "dr",
        alter: (p) => {
            const r = pick(p, T.replication);
            setProp(r, "rules.0.deleteMarkerReplication.status", "Disabled");
            setProp(r, "rules.0.sourceSelectionCriteria.replicaModifications.status", "Disabled");
        },
        says: /delete-marker replication, replica modification sync/,
    },
    {
        policy: "dr-asset-buckets-replicated",
        change: "the standby's rule into the home bucket replicates only objects under x/",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.replication), "rules.0.filter", { prefix: "x/" }),
        says: /rule to-us-east-1 replicates only objects under prefix x\/; it must replicate every object/,
    },
    {
        policy: "dr-asset-buckets-replicated",
        change: "the standby no longer replicates into the deployed home bucket",
        stack: "dr",
        alter: (p) => remove(p, T.replication),
        says: /must replicate into us-east-1's asset bucket securecart-assets-123456789012-us-east-1/,
    },
    {
        policy: "dr-asset-buckets-replicated",
        change: "the home stack's replication into the standby's deployed bucket is gone",
        stack: "prod",
        alter: (p) => remove(p, T.replication),
        says: /must replicate into us-west-2's asset bucket/,
    },
    {
        policy: "aws-s3-server-access-logging",
        change: "the ALB log bucket stops writing server access logs",
        stack: "prod",
        alter: (p) => remove(p, T.bucketLogging, named("alb-logs")),
        says: /Bucket "securecart-alb-logs" must write server access logs/,
    },
    {
        policy: "aws-s3-server-access-logging",
        change: "nothing logs into the standby's log bucket any more, and its policy no longer admits S3 log delivery",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => {
            remove(p, T.bucketLogging);
            setProp(pick(p, T.bucketPolicy, named("s3-logs")), "policy", JSON.stringify({ Version: "2012-10-17", Statement: [] }));
        },
        says: /Bucket "securecart-s3-logs" must write server access logs/,
    },
    {
        policy: "aws-alb-only-from-cloudfront",
        change: "the ALB also admits an office CIDR (a copy of its CloudFront rule)",
        stack: "prod",
        alter: (p) => {
            const https = pick(p, T.rule, named("alb-in-https"));
            const office = JSON.parse(JSON.stringify(https)) as PlannedResource;
            office.name = `${https.name}-office`;
            office.urn = `${https.urn}-office`;
            p.resources.push(office);
            setProp(office, "prefixListId", undefined);
            setProp(office, "cidrIpv4", "203.0.113.0/24");
        },
        says: /admits 203\.0\.113\.0\/24/,
    },
    {
        policy: "aws-alb-only-from-cloudfront",
        change: "the HTTPS listener forwards by default",
        stack: "dr",
        alter: (p) =>
            setProp(
                pick(p, T.listener, (r) => r.inputs.protocol === "HTTPS"),
                "defaultActions",
                [{ type: "forward", targetGroupArn: pick(p, "aws:lb/targetGroup:TargetGroup", named("web-tg")).outputs.arn }],
            ),
        says: /fixed 403/,
    },
    {
        policy: "aws-alb-only-from-cloudfront",
        change: "the ALB's HTTPS ingress admits a prefix list the stack plans (customer-managed, here 0.0.0.0/0)",
        stack: "dr",
        alter: (p) => {
            const https = pick(p, T.rule, named("alb-in-https"));
            const list = addPrefixList(p, https, "securecart-alb-sources", ["0.0.0.0/0"]);
            setProp(https, "prefixListId", list.outputs.id);
            https.propertyDependencies.prefixListId = [list.urn];
        },
        says: /admits ManagedPrefixList "securecart-alb-sources", a prefix list this stack plans/,
    },
    {
        policy: "aws-alb-only-from-cloudfront",
        change: "the storefront's rule checks User-Agent instead of the origin header",
        stack: "dr",
        alter: (p) => {
            const r = pick(p, T.listenerRule, named("web-from-edge"));
            setProp(
                r,
                "conditions",
                (r.inputs.conditions as Array<Record<string, unknown>>).map((c) =>
                    c.httpHeader === undefined ? c : { httpHeader: { ...(c.httpHeader as object), httpHeaderName: "User-Agent" } },
                ),
            );
        },
        says: /ListenerRule "securecart-web-from-edge" checks header User-Agent, not the origin header X-Origin-Verify/,
    },
    {
        policy: "aws-alb-only-from-cloudfront",
        change: "a service's rule moves back onto the public ALB's listener and no longer checks the origin header",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => {
            const r = pick(p, T.listenerRule, named("svc-cart"));
            moveToPublicListener(p, r);
            setProp(
                r,
                "conditions",
                (r.inputs.conditions as Array<Record<string, unknown>>).filter((c) => c.httpHeader === undefined),
            );
        },
        says: /ListenerRule "securecart-svc-cart-rule" forwards without checking the origin header/,
    },
    // sign-in and the API
    {
        policy: "dr-services-only-through-api",
        change: "the cart service's rule moves back onto the public ALB",
        stack: "prod",
        alter: (p) => moveToPublicListener(p, pick(p, T.listenerRule, named("svc-cart"))),
        says: /Service "securecart-svc-cart-service" is reachable from the internet: LoadBalancer "securecart-web-alb" is internet-facing/,
    },
    {
        policy: "dr-services-only-through-api",
        change: "the services' group also takes the VPC's own range (a bastion, say)",
        stack: "dr",
        alter: (p) => {
            const r = pick(p, T.rule, named("app-in-svc-lb"));
            setProp(r, "referencedSecurityGroupId", undefined);
            setProp(r, "cidrIpv4", "10.20.0.0/16");
        },
        says: /lets 10\.20\.0\.0\/16 reach the services; only a load balancer's group may/,
    },
    {
        policy: "dr-services-only-through-api",
        change: "the API's integration no longer goes to the services' load balancer",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => remove(p, T.apiIntegration),
        says: /sits behind LoadBalancer "securecart-svc-lb-alb", which no API reaches/,
    },
    {
        policy: "aws-api-routes-authorized",
        change: "the cart's routes take anyone, without a token",
        stack: "prod",
        alter: (p) => {
            const r = pick(p, T.apiRoute, (x) => x.inputs.routeKey === "ANY /api/cart/{proxy+}");
            setProp(r, "authorizationType", "NONE");
            setProp(r, "authorizerId", undefined);
        },
        says: /Route "securecart-api-route-any-api-cart-proxy" \(ANY \/api\/cart\/\{proxy\+\}\) must require a Cognito token/,
    },
    {
        policy: "aws-api-routes-authorized",
        change: "the active-active standby's payments route is public although the config does not say so",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) =>
            setProp(
                pick(p, T.apiRoute, (x) => x.inputs.routeKey === "ANY /api/payments"),
                "authorizationType",
                "NONE",
            ),
        says: /\(ANY \/api\/payments\) must require a Cognito token \(authorizationType JWT\); it is "NONE"/,
    },
    {
        policy: "aws-api-baseline",
        change: "the API's default execute-api endpoint is left on",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.api), "disableExecuteApiEndpoint", false),
        says: /must answer only on its custom domain \(disableExecuteApiEndpoint true\)/,
    },
    {
        policy: "aws-api-baseline",
        change: "the stage stops logging requests",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.apiStage), "accessLogSettings", undefined),
        says: /Stage "securecart-api-stage" must write access logs/,
    },
    {
        policy: "aws-api-baseline",
        change: "the stage stops throttling its default route",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.apiStage), "defaultRouteSettings.throttlingRateLimit", 0),
        says: /must throttle its default route \(defaultRouteSettings\.throttlingRateLimit above 0\); it has 0/,
    },
    {
        policy: "aws-api-baseline",
        change: "the integration reaches the load balancer in plain HTTP",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.apiIntegration), "tlsConfig", undefined),
        says: /verify its certificate's name \(tlsConfig\.serverNameToVerify\)/,
    },
    {
        policy: "aws-cognito-user-pool-baseline",
        change: "MFA is off and passwords may be 8 characters",
        stack: "prod",
        alter: (p) => {
            const pool = pick(p, T.userPool);
            setProp(pool, "mfaConfiguration", "OFF");
            setProp(pool, "policies.passwordPolicy.minimumLength", 8);
        },
        says: /MFA must be on or optional \(mfaConfiguration "OFF"\); passwords must be at least 12 characters \(minimumLength 8\)/,
    },
    {
        policy: "aws-cognito-user-pool-baseline",
        change: "the pool drops deletion protection, its key and threat protection",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => {
            const pool = pick(p, T.userPool);
            setProp(pool, "deletionProtection", "INACTIVE");
            setProp(pool, "keyConfiguration", undefined);
            setProp(pool, "userPoolAddOns.advancedSecurityMode", "OFF");
        },
        says: /deletion protection must be ACTIVE \("INACTIVE"\); it must be encrypted under a customer-managed key[\s\S]*threat protection must be ENFORCED or AUDIT/,
    },
    {
        policy: "aws-cognito-user-pool-baseline",
        change: "the storefront's client also allows the implicit flow",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.userPoolClient), "allowedOauthFlows", ["code", "implicit"]),
        says: /must use the authorization code flow only/,
    },
    {
        policy: "dr-identity-matches-strategy",
        change: "the warm-standby home stack drops the replica",
        stack: "prod",
        alter: (p) => remove(p, T.userPoolReplica),
        says: /Under warm-standby the home stack must replicate the user pool into us-west-2/,
    },
    {
        policy: "dr-identity-matches-strategy",
        change: "the pilot-light standby activates its replica before it is promoted",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.replicaStatus), "status", "ACTIVE"),
        says: /must set the replica INACTIVE in the pilot-light standby in us-west-2; it sets "ACTIVE"/,
    },
    {
        policy: "dr-identity-matches-strategy",
        change: "the active-active standby stops setting its replica's status",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) => remove(p, T.replicaStatus),
        says: /replica of the user pool is in us-west-2, and the active-active standby in us-west-2 must set it ACTIVE/,
    },
    {
        policy: "dr-identity-matches-strategy",
        change: "the backup-restore home stack stops exporting its users",
        stack: "prod",
        overrides: ["strategy=backup-restore"],
        alter: (p) => remove(p, T.fn, named("user-export-fn")),
        says: /must export the users on the backup schedule \(function securecart-user-export\)/,
    },
    {
        policy: "dr-identity-matches-strategy",
        change: "the backup-restore standby drops the identity export bucket",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => remove(p, T.bucket, named("identity-export")),
        says: /must hold the identity export bucket \(securecart-identity-export-<account>-us-west-2\)/,
    },
    {
        policy: "dr-api-matches-strategy",
        change: "the warm standby stops probing its idle API",
        stack: "dr",
        alter: (p) => remove(p, T.eventRule, named("keepalive-schedule")),
        says: /takes no traffic and must run the API keep-alive probe on a schedule/,
    },
    {
        policy: "dr-api-matches-strategy",
        change: "the pilot-light standby's API loses its authorizer",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => remove(p, "aws:apigatewayv2/authorizer:Authorizer"),
        says: /Api "securecart-api-http" has no JWT authorizer/,
    },
    // the cache and the shared files
    {
        policy: "aws-elasticache-baseline",
        change: "the primary's cache stops encrypting in transit",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cacheGroup), "transitEncryptionEnabled", false),
        says: /ReplicationGroup "securecart-cache-rg": in-transit encryption must be on \(transitEncryptionEnabled false\)/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the cache's user group lists AWS's built-in default user",
        stack: "prod",
        alter: (p) => {
            const ug = pick(p, T.cacheUserGroup);
            setProp(ug, "userIds", [...(ug.inputs.userIds as string[]), "default"]);
        },
        says: /UserGroup "securecart-cache-users" lists AWS's built-in default user/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the cache's application user needs no password",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.cacheUser), "authenticationMode", { type: "no-password-required" }),
        says: /User "securecart-cache-app-user" in UserGroup "securecart-cache-users" is switched on and needs no password/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the warm standby's secondary names no key of its own",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cacheGroup), "kmsKeyId", undefined),
        says: /customer-managed KMS key \(kmsKeyId null\)/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the warm standby's secondary sets the at-rest encryption it inherits",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.cacheGroup), "atRestEncryptionEnabled", true),
        says: /joins a Global Datastore as a secondary, which inherits atRestEncryptionEnabled from the datastore's primary and must not set it/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the pilot light's cold cache drops to one node without failover",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => {
            const g = pick(p, T.cacheGroup);
            setProp(g, "numCacheClusters", 1);
            setProp(g, "multiAzEnabled", false);
            setProp(g, "automaticFailoverEnabled", false);
        },
        says: /at least 2 nodes, a primary and a replica in another AZ \(it runs 1\); multiAzEnabled must be true \(false\); automaticFailoverEnabled must be true \(false\)/,
    },
    {
        policy: "aws-elasticache-baseline",
        change: "the backup-restore standby's cache keeps no snapshots",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.cacheGroup), "snapshotRetentionLimit", undefined),
        says: /keep automatic snapshots at least 1 day\(s\) \(snapshotRetentionLimit null, the default: none\)/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the primary's file system is no longer backed up",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.fileSystem), "backupPolicy.status", "DISABLED"),
        says: /must be backed up \(backupPolicy\.status ENABLED; got "DISABLED"/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the primary's file system policy loses its TLS-only statement",
        stack: "prod",
        alter: (p) => editStatements(pick(p, T.fileSystemPolicy), (sts) => sts.filter((st) => st.Sid !== "DenyWithoutTls")),
        says: /FileSystemPolicy "securecart-files-policy" must refuse every client not using TLS/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the catalogue mounts the shared files without transit encryption",
        stack: "prod",
        alter: (p) => setProp(catalogTask(p), "volumes.0.efsVolumeConfiguration.transitEncryption", "DISABLED"),
        says: /its EFS volume "shared-files" must mount with transitEncryption ENABLED \(got "DISABLED"\)/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the standby's file system falls back to the AWS-managed key",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.fileSystem), "kmsKeyId", undefined),
        says: /customer-managed KMS key \(kmsKeyId null; unset is aws\/elasticfilesystem\)/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the standby's file system loses its policy while the catalogue mounts it",
        stack: "dr",
        alter: (p) => remove(p, T.fileSystemPolicy),
        says: /FileSystem "securecart-files-fs" is mounted by the stack's tasks and has no file system policy/,
    },
    {
        policy: "aws-efs-baseline",
        change: "the pilot light's catalogue mounts without IAM authorization or an access point",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(catalogTask(p), "volumes.0.efsVolumeConfiguration.authorizationConfig", undefined),
        says: /IAM authorization, authorizationConfig\.iam ENABLED \(got "DISABLED"\), an access point/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the home stack's Global Datastore stops ignoring its primary (a promotion would replace it)",
        stack: "prod",
        alter: (p) => {
            const d = pick(p, T.cacheDatastore);
            d.ignoreChanges = d.ignoreChanges.filter((k) => k !== "primaryReplicationGroupId");
        },
        says: /GlobalReplicationGroup "securecart-cache-global" must ignore changes to primaryReplicationGroupId/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the active-active home stack drops the Global Datastore",
        stack: "prod",
        overrides: ["strategy=active-active"],
        alter: (p) => remove(p, T.cacheDatastore),
        says: /Under active-active the home stack must own the cache's Global Datastore \(one GlobalReplicationGroup\); the active-active primary in us-east-1 plans 0/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the active-active primary stops promoting its cache member",
        stack: "prod",
        overrides: ["strategy=active-active"],
        alter: (p) => remove(p, T.cachePrimary),
        says: /must make its cache the Global Datastore's primary inside `pulumi up` \(a CachePrimary\)/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the active-active standby's cache leaves the Global Datastore",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) => setProp(pick(p, T.cacheGroup), "globalReplicationGroupId", undefined),
        says: /ReplicationGroup "securecart-cache-rg" must join the Global Datastore as a secondary \(globalReplicationGroupId\)/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the pilot light's cold cache runs the primary's node type",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.cacheGroup), "nodeType", "cache.r7g.large"),
        says: /must run cache\.t4g\.micro in the pilot-light standby in us-west-2 \(a cold standby, .*\); it runs cache\.r7g\.large/,
    },
    {
        policy: "dr-cache-matches-strategy",
        change: "the backup-restore standby's cache joins a Global Datastore",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.cacheGroup), "globalReplicationGroupId", "c0814-securecart-cache"),
        says: /must not join a Global Datastore as a secondary: backup-restore keeps a standalone cache in each region/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the warm-standby primary stops replicating its file system",
        stack: "prod",
        alter: (p) => remove(p, T.filesReplication),
        says: /must replicate its file system into us-west-2's fs-\w+ \(a FilesReplication\)/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the warm-standby primary's catalogue mounts the shared files read-only",
        stack: "prod",
        alter: (p) => mountSharedFiles(catalogTask(p), true),
        says: /mounts the shared files at \/srv\/shared read-only, but in the warm-standby primary in us-east-1 the file system is writable/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the pilot-light primary no longer makes its file system writable",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => remove(p, T.filesPrimary),
        says: /must make its file system writable inside `pulumi up` \(a FilesPrimary/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the pilot light's catalogue mounts the replication destination read-write",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => mountSharedFiles(catalogTask(p), false),
        says: /mounts the shared files at \/srv\/shared read-write, but in the pilot-light standby in us-west-2 the file system is a replication destination/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the backup-restore primary's file system leaves the backup selection",
        stack: "prod",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.backupSelection, named("efs-selection")), "resources", []),
        says: /FileSystem "securecart-files-fs" must be in an AWS Backup selection whose plan copies to us-west-2/,
    },
    {
        policy: "dr-files-match-strategy",
        change: "the backup-restore primary's file-system backups are no longer copied out",
        stack: "prod",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.plan, named("efs-plan")), "rules.0.copyActions", []),
        says: /is backed up by Plan "securecart-backup-efs-plan", but no plan copies every rule's recovery points to us-west-2/,
    },
    // order pipeline
    {
        policy: "aws-sqs-encrypted-cmk",
        change: "the order queue is encrypted under the AWS-managed alias/aws/sqs",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.queue, exactly("securecart-orders-orders")), "kmsMasterKeyId", "alias/aws/sqs"),
        says: /AWS-managed alias\/aws\/sqs/,
    },
    {
        policy: "aws-sqs-encrypted-cmk",
        change: "the standby's notification queue falls back to SQS-managed SSE",
        stack: "dr",
        alter: (p) => {
            const q = pick(p, T.queue, exactly("securecart-orders-notifications"));
            setProp(q, "kmsMasterKeyId", undefined);
            setProp(q, "sqsManagedSseEnabled", true);
        },
        says: /SQS-managed SSE alone/,
    },
    {
        policy: "aws-sqs-dead-letter-queues",
        change: "the order queue loses its redrive policy",
        stack: "prod",
        alter: (p) => remove(p, T.redrive, named("orders-orders-redrive")),
        says: /Queue "securecart-orders-orders" must have a redrive policy/,
    },
    {
        policy: "aws-sqs-dead-letter-queues",
        change: "the backup-restore standby's order DLQ loses its redrive-allow policy",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => remove(p, T.redriveAllow, named("orders-orders-redrive-allow")),
        says: /Queue "securecart-orders-orders-dlq" is the dead-letter queue of Queue "securecart-orders-orders" and must have a redrive-allow policy/,
    },
    {
        policy: "aws-sqs-dead-letter-queues",
        change: "the notification DLQ's redrive-allow policy names the order queue instead of its own source",
        stack: "dr",
        alter: (p) => {
            const a = pick(p, T.redriveAllow, named("notifications-redrive-allow"));
            const orders = pick(p, T.queue, exactly("securecart-orders-orders"));
            setProp(a, "redriveAllowPolicy", JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [orders.outputs.arn] }));
        },
        says: /must name its source queue Queue "securecart-orders-notifications"/,
    },
    {
        policy: "aws-sqs-visibility-timeout-covers-consumer",
        change: "the order queue's visibility timeout drops to 60 s (the order processor may run 30 s)",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.queue, exactly("securecart-orders-orders")), "visibilityTimeoutSeconds", 60),
        says: /read by Function "securecart-orders-order-processor" \(timeout 30 s\) and must have a visibility timeout of at least 180 s; it has 60 s/,
    },
    {
        policy: "aws-lambda-not-public",
        change: "the DLQ watcher may be invoked by everyone",
        stack: "prod",
        alter: (p) => {
            const perm = pick(p, T.permission, named("dlq-alarm-invoke"));
            setProp(perm, "principal", "*");
            setProp(perm, "sourceArn", undefined);
        },
        says: /must not grant principal "\*"/,
    },
    {
        policy: "aws-lambda-not-public",
        change: "S3's permission on the thumbnailer names no bucket (any bucket in the account may invoke it)",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.permission, named("thumbnailer-invoke")), "sourceArn", undefined),
        says: /permission for s3\.amazonaws\.com must name the one resource .* in the account can/,
    },
    {
        policy: "aws-lambda-not-public",
        change: "the notifier gets a function URL without authorization",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => addFunctionUrl(p, pick(p, T.fn, named("orders-notifier")), "NONE"),
        says: /authorizationType "AWS_IAM"/,
    },
    {
        policy: "aws-lambda-tracing-active",
        change: "the fulfilment function only passes traces through",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.fn, named("orders-fulfilment")), "tracingConfig.mode", "PassThrough"),
        says: /got "PassThrough"/,
    },
    {
        policy: "aws-lambda-failure-destination",
        change: "the thumbnailer loses its dead-letter queue",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.fn, named("orders-thumbnailer")), "deadLetterConfig", undefined),
        says: /Function "securecart-orders-thumbnailer" must keep its failed asynchronous invocations/,
    },
    {
        policy: "aws-lambda-supported-runtime",
        change: "the order processor goes back to nodejs18.x (deprecated)",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.fn, named("orders-order-processor")), "runtime", "nodejs18.x"),
        says: /got "nodejs18\.x"/,
    },
    {
        policy: "aws-lambda-supported-runtime",
        change: "the standby's notifier runs nodejs20.x (deprecated)",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.fn, named("orders-notifier")), "runtime", "nodejs20.x"),
        says: /got "nodejs20\.x"/,
    },
    {
        policy: "aws-lambda-log-group-encrypted-retained",
        change: "the order processor's log group loses its key",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("orders-order-processor-logs")), "kmsKeyId", undefined),
        says: /Function "securecart-orders-order-processor"'s LogGroup "securecart-orders-order-processor-logs" must be encrypted/,
    },
    {
        policy: "aws-lambda-log-group-encrypted-retained",
        change: "the notifier's log group keeps logs forever",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.logGroup, named("orders-notifier-logs")), "retentionInDays", undefined),
        says: /must have a retention/,
    },
    {
        policy: "aws-lambda-log-group-encrypted-retained",
        change: "the DLQ watcher logs to a group the stack does not plan",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.fn, named("orders-dlq-watcher")), "loggingConfig.logGroup", "/aws/lambda/somewhere-else"),
        says: /must log to a log group planned in this stack \(loggingConfig\.logGroup \/aws\/lambda\/somewhere-else\)/,
    },
    {
        policy: "aws-sns-topic-encrypted-cmk",
        change: "the notifications topic uses alias/aws/sns",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.topic, named("orders-notifications")), "kmsMasterKeyId", "alias/aws/sns"),
        says: /AWS-managed alias\/aws\/sns/,
    },
    {
        policy: "aws-sfn-logging-and-tracing",
        change: "the saga's logging is OFF",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.stateMachine), "loggingConfiguration.level", "OFF"),
        says: /got "OFF"/,
    },
    {
        policy: "aws-sfn-logging-and-tracing",
        change: "the saga is no longer traced",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.stateMachine), "tracingConfiguration.enabled", false),
        says: /tracingConfiguration\.enabled true/,
    },
    {
        policy: "aws-eventbridge-global-endpoint-failover",
        change: "the endpoint stops replicating events",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.endpoint), "replicationConfig.state", "DISABLED"),
        says: /replicationConfig\.state ENABLED\); it is "DISABLED"/,
    },
    {
        policy: "aws-eventbridge-global-endpoint-failover",
        change: "the endpoint loses its health check",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.endpoint), "routingConfig.failoverConfig.primary.healthCheck", undefined),
        says: /primary\.healthCheck/,
    },
    {
        policy: "aws-eventbridge-global-endpoint-failover",
        change: "the endpoint loses its replication role",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.endpoint), "roleArn", undefined),
        says: /replication is on \(ENABLED, the default\) but no roleArn is set/,
    },
    {
        policy: "dr-order-pipeline-matches-strategy",
        change: "the pilot-light standby's order processor starts polling its queue",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.esm, named("order-processor-esm")), "enabled", true),
        says: /must be disabled \(enabled false\): consumers are off in the pilot-light standby in us-west-2/,
    },
    {
        policy: "dr-order-pipeline-matches-strategy",
        change: "the warm standby's order-accepted rule is disabled",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.eventRule, named("order-accepted")), "state", "DISABLED"),
        says: /EventRule "securecart-orders-order-accepted" of the order bus must be ENABLED/,
    },
    {
        policy: "dr-order-pipeline-matches-strategy",
        change: "the warm standby runs the reconciler too",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.eventRule, named("order-reconciler")), "state", "ENABLED"),
        says: /schedules the reconciler and must be DISABLED in the warm-standby standby/,
    },
    {
        policy: "dr-order-pipeline-matches-strategy",
        change: "the active-active standby's notifier is throttled (reserved concurrency 0)",
        stack: "dr",
        overrides: ["strategy=active-active"],
        alter: (p) => setProp(pick(p, T.fn, named("orders-notifier")), "reservedConcurrentExecutions", 0),
        says: /reserved concurrency above 0/,
    },
    {
        policy: "dr-order-event-endpoint",
        change: "the home stack drops the global endpoint although the standby's bus exists",
        stack: "prod",
        overrides: ["strategy=active-active"],
        alter: (p) => remove(p, T.endpoint),
        says: /must own a global endpoint over the order buses: us-west-2's bus arn:aws:events:us-west-2:123456789012:event-bus\/securecart-orders exists/,
    },
    {
        policy: "dr-order-event-endpoint",
        change: "the endpoint no longer lists the standby's bus",
        stack: "prod",
        alter: (p) => {
            const e = pick(p, T.endpoint);
            setProp(e, "eventBuses", (e.inputs.eventBuses as unknown[]).slice(0, 1));
        },
        says: /must fail over to us-west-2's bus/,
    },
    {
        policy: "dr-sqs-retention-maximum",
        change: "the order DLQ keeps messages for 4 days",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.queue, named("orders-orders-dlq")), "messageRetentionSeconds", 345600),
        says: /keeps them 345600 s/,
    },
    {
        policy: "dr-sqs-retention-maximum",
        change: "the backup-restore standby's order queue falls back to SQS's default retention",
        stack: "dr",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.queue, exactly("securecart-orders-orders")), "messageRetentionSeconds", undefined),
        says: /345600 s \(the default\)/,
    },
    // operations
    {
        policy: "aws-alarm-has-action",
        change: "the Aurora CPU alarm names no action",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.alarm, tierAlarm("auroraLoad", "-cpu")), "alarmActions", []),
        says: /must name an SNS topic in alarmActions, so its state change reaches someone; it names none/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "the standby's Route 53 health-check alarm (in us-east-1) notifies its own region's topic in us-west-2",
        stack: "dr",
        alter: (p) => {
            const notify = pick(p, T.topic, topicNamed("securecart-alarms-notify"), "(the region's notify topic)");
            const alarm = pick(p, T.alarm, (r) => r.inputs.name === "securecart-us-west-2-health-check", "on Route 53's health-check status");
            setProp(alarm, "alarmActions", [notify.outputs.arn]);
        },
        says: /lives in us-east-1 and must notify an SNS topic of that region .*; it names arn:aws:sns:us-west-2:\d+:securecart-alarms-notify in us-west-2/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "the composite serving alarm names a Lambda function instead of a topic",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.composite), "alarmActions", [pick(p, T.fn, named("orders-dlq-watcher")).outputs.arn]),
        says: /must name an SNS topic in alarmActions.*function:securecart-dlq-watcher/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "a pilot-light standby's quiet saga alarm switches its actions on",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.alarm, tierAlarm("sagaFailures", "saga-failures")), "actionsEnabled", true),
        says: /is quiet \(securecart:urgency quiet\) and must have its actions off/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "the primary's Aurora CPU alarm (page) names the notify topic",
        stack: "prod",
        alter: (p) =>
            setProp(pick(p, T.alarm, tierAlarm("auroraLoad", "-cpu")), "alarmActions", [
                pick(p, T.topic, topicNamed("securecart-alarms-notify")).outputs.arn,
            ]),
        says: /pages \(securecart:urgency page\) and must name its region's page topic; it names the notify topic/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "the pilot-light standby's quiet serving composite is silenced by actionsEnabled false (a replacement on every role change)",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.composite), "actionsEnabled", false),
        says: /must keep actionsEnabled true: the provider replaces a composite alarm whose actionsEnabled changes/,
    },
    {
        policy: "aws-alarm-has-action",
        change: "the pilot-light standby's quiet serving composite names the notify topic",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.composite), "alarmActions", [pick(p, T.topic, topicNamed("securecart-alarms-notify")).outputs.arn]),
        says: /is quiet \(securecart:urgency quiet\) and must name no action \(a composite keeps its actions on\)/,
    },
    {
        policy: "aws-alarm-topics-encrypted",
        change: "the alarm topics' key loses its CloudWatch statement",
        stack: "prod",
        alter: (p) => editStatements(pick(p, T.key, named("alarm-topics-key")), (sts) => sts.filter((st) => st.Sid !== "CloudWatchAlarmsEncrypt")),
        says: /Topic "securecart-alarm-topics-page" receives \d+ alarm\(s\).*must let cloudwatch\.amazonaws\.com kms:GenerateDataKey\* and kms:Decrypt; it does not/,
    },
    {
        policy: "aws-alarm-topics-encrypted",
        change: "the notify topic falls back to the AWS-managed alias/aws/sns",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.topic, topicNamed("securecart-alarms-notify")), "kmsMasterKeyId", "alias/aws/sns"),
        says: /it uses the AWS-managed alias\/aws\/sns, whose policy cannot/,
    },
    {
        policy: "aws-alarm-topics-encrypted",
        change: "the data key's EventBridge statement gains an aws:SourceAccount condition (the order-accepted rule targets the notifications topic)",
        stack: "prod",
        alter: (p) =>
            editStatements(pick(p, T.key, named("keys-data")), (sts) =>
                sts.map((st) =>
                    st.Sid === "EventBridgeToEncryptedTopics"
                        ? { ...st, Condition: { ...(st.Condition as object), StringEquals: { "aws:SourceAccount": "123456789012" } } }
                        : st,
                ),
            ),
        says: /Topic "securecart-orders-notifications" receives EventBridge .*must let events\.amazonaws\.com .* without aws:SourceAccount/,
    },
    {
        policy: "aws-alarm-topics-encrypted",
        change: "the standby's us-east-1 notify topic (its Route 53 health-check alarm's) is encrypted under its us-west-2 alarm key",
        stack: "dr",
        alter: (p) =>
            setProp(
                pick(p, T.topic, topicNamed("securecart-alarms-us-west-2-notify"), "(the us-east-1 notify topic)"),
                "kmsMasterKeyId",
                pick(p, T.key, (r) => r.inputs.region === "us-west-2" && r.name.includes("alarm-topics")).outputs.arn,
            ),
        says: /in us-east-1 must be encrypted under a key of its own region; Key "\S+" is in us-west-2/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the warm standby loses the cart service's below-desired alarm",
        stack: "dr",
        alter: (p) => remove(p, T.alarm, tierAlarm("servicesBelowDesired", "-cart")),
        says: /warm-standby standby in us-west-2 must have its servicesBelowDesired \(page\) alarm about Service "\S*cart\S*"/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the storefront's 5xx alarm reads the load balancer's own 5xx instead of its targets'",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.alarm, tierAlarm("albErrors", "-storefront")), "metricName", "HTTPCode_ELB_5XX_Count"),
        says: /albErrors \(page\) alarm about LoadBalancer "securecart-web-alb".*its albErrors alarms read no AWS\/ApplicationELB HTTPCode_Target_5XX_Count/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the Aurora CPU alarm loses its securecart:alarm tag (an alarm is known by its tag and metric, not its name)",
        stack: "prod",
        alter: (p) => {
            const a = pick(p, T.alarm, tierAlarm("auroraLoad", "-cpu"));
            setProp(a, "tags", { ...(a.inputs.tags as object), "securecart:alarm": "custom" });
        },
        says: /auroraLoad \(page\) alarm about Cluster "securecart-db-cluster".*read no AWS\/RDS CPUUtilization/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the backup-restore region promoted to primary loses the Aurora load alarms of its recovery tier",
        stack: "dr",
        overrides: ["strategy=backup-restore", "primaryRegion=us-west-2"],
        alter: (p) => remove(p, T.alarm, (r) => (r.inputs.tags as Record<string, string> | undefined)?.["securecart:alarm"] === "auroraLoad"),
        says: /backup-restore primary in us-west-2 must have its auroraLoad \(page\) alarm about Cluster "securecart-recovery-r1-cluster"/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the pilot-light standby's serving composite leaves out the storefront's targets",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) => {
            const c = pick(p, T.composite);
            const child = pick(p, T.alarm, tierAlarm("regionServing", "storefront-targets"));
            setProp(c, "alarmRule", String(c.inputs.alarmRule).replace(`ALARM("${String(child.inputs.name)}") OR `, ""));
        },
        says: /must name every serving signal of the region in its alarmRule; it leaves out MetricAlarm "\S+storefront-targets"/,
    },
    {
        policy: "dr-tier-alarms-exist",
        change: "the edge's 5xx alarm is created in us-west-2, where CloudFront publishes nothing",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.alarm, tierAlarm("edgeErrors", "edge-errors")), "region", "us-west-2"),
        says: /must live in us-east-1, where AWS\/CloudFront 5xxErrorRate about Distribution "securecart-edge-cdn" is published/,
    },
    {
        policy: "aws-log-group-retention",
        change: "the order processor's log group keeps its events forever",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("orders-order-processor-logs")), "retentionInDays", 0),
        says: /LogGroup "securecart-orders-order-processor-logs" must expire its events \(retentionInDays above 0\); 0, CloudWatch Logs keeps them forever/,
    },
    {
        policy: "aws-log-group-retention",
        change: "the flow logs are kept 90 days",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.logGroup, named("net-flow-logs")), "retentionInDays", 90),
        says: /receives VPC flow logs \(FlowLog "securecart-net-flow-log"\), an audit log, and must keep it at least 365 days .*; it keeps 90/,
    },
    {
        policy: "aws-log-group-retention",
        change: "the WAF's log group is kept 180 days",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("edge-waf-logs")), "retentionInDays", 180),
        says: /receives the edge's logs/,
    },
    {
        policy: "aws-log-group-retention",
        // The warm standby's (the default): the pilot light's cases remove the stage's logging, which would hide this
        // one when all cases are applied to one plan (the analyzer test).
        change: "the API's access logs are kept 30 days",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.logGroup, named("api-logs-access")), "retentionInDays", 30),
        says: /receives the API's access logs \(Stage "securecart-api-stage"\)/,
    },
    {
        policy: "aws-log-group-retention",
        change: "the trail's log group is kept 90 days",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.logGroup, named("trail-logs")), "retentionInDays", 90),
        says: /receives the trail's events \(Trail "securecart-trail"\), an audit log, and must keep it at least 365 days/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail stops validating its log files",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.trail), "enableLogFileValidation", false),
        says: /Trail "securecart-trail" must have enableLogFileValidation true/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail records its home region only",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => setProp(pick(p, T.trail), "isMultiRegionTrail", false),
        says: /must have the account's multi-Region trail .*none multi-Region/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail no longer delivers to CloudWatch Logs",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.trail), "cloudWatchLogsGroupArn", undefined),
        says: /cloudWatchLogsGroupArn a log group \(CloudWatch Logs delivery\)/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail key's policy loses its CloudTrail statements",
        stack: "prod",
        alter: (p) =>
            editStatements(pick(p, T.key, named("trail-key")), (sts) => sts.filter((st) => !String(st.Sid).startsWith("CloudTrailEncrypts"))),
        says: /a key whose policy lets cloudtrail\.amazonaws\.com kms:GenerateDataKey\*/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail bucket's policy loses its TLS-only statement",
        stack: "prod",
        alter: (p) =>
            editStatements(pick(p, T.bucketPolicy, named("trail-bucket-policy")), (sts) => sts.filter((st) => st.Sid !== "DenyInsecureTransport")),
        says: /denies every request not using TLS/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail bucket's default lock retention drops to 30 days",
        stack: "prod",
        overrides: ["strategy=backup-restore"],
        alter: (p) => setProp(pick(p, T.objectLock, named("trail-bucket-lock")), "rule.defaultRetention.days", 30),
        says: /default Object Lock retention at least 365 days \(it sets 30\)/,
    },
    {
        policy: "aws-cloudtrail-baseline",
        change: "the trail bucket's versioning is suspended",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.versioning, named("trail-bucket-versioning")), "versioningConfiguration.status", "Suspended"),
        says: /its bucket Bucket "securecart-trail-bucket" versioned/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the standby's detector no longer declares S3 data events",
        stack: "dr",
        alter: (p) => remove(p, T.detectorFeature, (r) => r.inputs.name === "S3_DATA_EVENTS"),
        says: /must declare every protection plan explicitly, ENABLED or DISABLED .*: S3_DATA_EVENTS is not declared/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the home stack's detector is disabled",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.detector), "enable", false),
        says: /Detector "securecart-guardduty-detector" must be enabled/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the pilot-light standby's findings go to the customers' notifications topic, no alarm topic",
        stack: "dr",
        overrides: ["strategy=pilot-light"],
        alter: (p) =>
            setProp(pick(p, T.eventTarget, named("guardduty-findings-target")), "arn", pick(p, T.topic, named("orders-notifications")).outputs.arn),
        says: /The stack in us-west-2 must send GuardDuty findings to an alarm topic/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the findings rule is disabled",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.eventRule, named("guardduty-findings")), "state", "DISABLED"),
        says: /must send GuardDuty findings to an alarm topic: an ENABLED EventBridge rule/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the standby's detector also sets the deprecated datasources block",
        stack: "dr",
        alter: (p) => setProp(pick(p, T.detector), "datasources", { s3Logs: { enable: true } }),
        says: /must not set the deprecated datasources block/,
    },
    {
        policy: "dr-guardduty-every-region",
        change: "the home stack also declares EKS Runtime Monitoring (a feature added beside Runtime Monitoring's)",
        stack: "prod",
        overrides: ["strategy=pilot-light"],
        alter: (p) => {
            const runtime = pick(p, T.detectorFeature, (r) => r.inputs.name === "RUNTIME_MONITORING");
            const eks = JSON.parse(JSON.stringify(runtime)) as PlannedResource;
            eks.name = runtime.name.replace("runtime-monitoring", "eks-runtime-monitoring");
            eks.urn = runtime.urn.replace(/::[^:]+$/, `::${eks.name}`);
            p.resources.push(eks);
            setProp(eks, "name", "EKS_RUNTIME_MONITORING");
            setProp(eks, "additionalConfigurations", [{ name: "EKS_ADDON_MANAGEMENT", status: "DISABLED" }]);
        },
        says: /must not declare both RUNTIME_MONITORING and EKS_RUNTIME_MONITORING/,
    },
    {
        policy: "aws-fis-stop-conditions",
        change: "the stop-tasks template stops on nothing (source none)",
        stack: "prod",
        alter: (p) => setProp(pick(p, T.fisTemplate, named("stopTasks")), "stopConditions", [{ source: "none" }]),
        says: /at least one stop condition of source aws:cloudwatch:alarm \(it has none: nothing would stop/,
    },
    {
        policy: "aws-fis-stop-conditions",
        change: "the standby's experiment role is allowed every action",
        stack: "dr",
        alter: (p) =>
            editStatements(pick(p, T.rolePolicy, named("fis-policy")), (sts) => [
                ...sts,
                { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" },
            ]),
        says: /RolePolicy "securecart-fis-policy" allows every action \("\*"\)/,
    },
    {
        policy: "aws-fis-stop-conditions",
        change: "AdministratorAccess is attached to the experiment role (an attachment added beside the role)",
        stack: "prod",
        overrides: ["strategy=active-active"],
        alter: (p) => attachManagedPolicy(p, pick(p, T.role, named("fis-role")), "arn:aws:iam::aws:policy/AdministratorAccess"),
        says: /a role without AWS managed admin policies .*AdministratorAccess/,
    },
    {
        policy: "aws-fis-stop-conditions",
        change: "the standby's AZ template stops on an alarm of the home region",
        stack: "dr",
        alter: (p) =>
            setProp(pick(p, T.fisTemplate, named("azPower")), "stopConditions", [
                { source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:securecart-us-east-1-serving" },
            ]),
        says: /stop-condition alarms of its own region us-west-2 \(arn:aws:cloudwatch:us-east-1:\S+ is in us-east-1\)/,
    },
];
