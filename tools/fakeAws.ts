/**
 * A small, deterministic fake of AWS for the offline plan. It answers Pulumi's mock runtime:
 * - `newResource`: the inputs plus the computed outputs a real provider would return (ids, ARNs, DNS
 *   names, endpoints). Every computed value is a labelled placeholder: ids and ARNs carry the stack's region
 *   and the placeholder account 123456789012, and hashes are derived from the resource's name, so the same
 *   program always plans the same values.
 * - `call`: the invokes the program makes (region, AZs, caller identity, SSM AMI parameters, ...), per region.
 * An invoke it does not know is an error naming the token, never a silent empty answer.
 * With `preview`, `newResource` answers the way a provider does in a first `pulumi preview`: inputs only,
 * computed values unknown, no id (`previewResult`).
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { CLOUDFRONT_HOSTED_ZONE_ID } from "../src/awsFacts";
import { UNKNOWN } from "../src/unknown";
import { DYNAMIC, T } from "../src/plan";

export const PLACEHOLDER_ACCOUNT = "123456789012";

/** Canonical hosted-zone ids of ALBs per region (source: AWS General Reference, Elastic Load Balancing endpoints). */
const ALB_ZONE_IDS: Record<string, string> = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
};

export function hash(text: string, len = 17): string {
    return createHash("sha256").update(text).digest("hex").slice(0, len);
}

export interface FakeAwsOptions {
    readonly region: string;
    /** Outputs of other stacks, by fully qualified stack name, for StackReference. */
    readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
    /**
     * A first `pulumi preview`: nothing exists yet, so every resource's id and every value the provider computes
     * is unknown (see `previewResult`). Invokes still answer, and StackReference reads still return the
     * referenced stack's outputs (that stack is deployed).
     */
    readonly preview?: boolean;
    /**
     * What exists in AWS before this run (a drill's base side, as deployed): Aurora cluster identifiers by
     * region, answered by `rds.getClusters`. Default: nothing deployed yet.
     */
    readonly existingClusters?: Readonly<Record<string, readonly string[]>>;
}

type State = Record<string, unknown>;

/** The engine's stand-in for a value not known yet (pulumi/pulumi `plugin.UnknownStringValue`). */
export const UNKNOWN_VALUE = UNKNOWN;

/**
 * Outputs the AWS provider knows while planning, before anything exists: `tagsAll` is tags merged with the
 * provider's default tags (terraform-provider-aws sets it in CustomizeDiff), so it is as known as `tags`.
 */
const KNOWN_AT_PLAN = new Set(["tagsAll"]);

/**
 * What a provider answers in a preview of a create: the inputs as given (unknown inputs stay unknown), and
 * every property it would compute (anything `newResource` added to or changed from the inputs) as the unknown
 * sentinel, with no id. The SDK then resolves the resource's id and those outputs as unknown, as it does in a
 * real dry run; outputs the fake does not list at all resolve unknown too (missing output in a dry run).
 * Two computed values are known at preview, as in the real engine: `tagsAll` (KNOWN_AT_PLAN) and an
 * auto-generated name (`autonamed`, or its 32-character cut for load balancers and target groups), which
 * Pulumi's autonaming fills in during the provider's Check, before the preview.
 */
export function previewResult(inputs: Readonly<State>, computed: Readonly<State>, autonamed?: string): { id: undefined; state: State } {
    const state: State = {};
    const isAutoname = (v: unknown) => autonamed !== undefined && typeof v === "string" && (v === autonamed || v === autonamed.slice(0, 32));
    for (const [k, v] of Object.entries(computed)) {
        state[k] = (k in inputs && inputs[k] === v) || KNOWN_AT_PLAN.has(k) || isAutoname(v) ? v : UNKNOWN_VALUE;
    }
    return { id: undefined, state };
}

export class FakeAws implements pulumi.runtime.Mocks {
    constructor(private readonly opts: FakeAwsOptions) {}

    private arn(service: string, resource: string, region: string = this.opts.region): string {
        return `arn:aws:${service}:${region}:${PLACEHOLDER_ACCOUNT}:${resource}`;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const { type, name, inputs } = args;
        const region = typeof inputs.region === "string" ? inputs.region : this.opts.region;
        const h = hash(`${region}/${type}/${name}`);
        const s: State = { ...inputs };
        let id = `${name}-${h.slice(0, 8)}`;
        const autoname = (n?: unknown) => (typeof n === "string" ? n : `${name}-${h.slice(0, 7)}`);
        const set = (o: State) => Object.assign(s, o);

        switch (type) {
            case "pulumi:pulumi:StackReference": {
                const stackName = String(inputs.name);
                const outputs = this.opts.stackOutputs?.[stackName];
                if (!outputs) throw new Error(`offline plan: no outputs for stack reference "${stackName}"; plan that stack first`);
                return { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
            }
            case T.vpc:
                id = `vpc-${h}`;
                set({ arn: this.arn("ec2", `vpc/${id}`), defaultSecurityGroupId: `sg-${hash(id)}`, mainRouteTableId: `rtb-${hash(id)}` });
                break;
            case T.subnet:
                id = `subnet-${h}`;
                set({ arn: this.arn("ec2", `subnet/${id}`) });
                break;
            case T.internetGateway:
                id = `igw-${h}`;
                break;
            case T.eip:
                id = `eipalloc-${h}`;
                set({ allocationId: id, publicIp: `198.51.100.${(parseInt(h.slice(0, 2), 16) % 254) + 1}` });
                break;
            case T.natGateway:
                id = `nat-${h}`;
                break;
            case T.routeTable:
                id = `rtb-${h}`;
                break;
            case T.routeTableAssociation:
                id = `rtbassoc-${h}`;
                break;
            case T.vpcEndpoint:
                id = `vpce-${h}`;
                break;
            case T.flowLog:
                id = `fl-${h}`;
                break;
            case T.securityGroup:
            case T.defaultSecurityGroup:
                id = `sg-${h}`;
                set({ arn: this.arn("ec2", `security-group/${id}`), name: autoname(inputs.name) });
                break;
            case T.ingressRule:
            case T.egressRule:
                id = `sgr-${h}`;
                set({ securityGroupRuleId: id });
                break;
            case T.launchTemplate:
                id = `lt-${h}`;
                set({ arn: this.arn("ec2", `launch-template/${id}`), latestVersion: 1, name: autoname(inputs.name) });
                break;
            case T.kmsKey: {
                const keyId = inputs.multiRegion
                    ? `mrk-${hash(name, 32)}`
                    : `${hash(name, 8)}-${hash(name + "1", 4)}-${hash(name + "2", 4)}-${hash(name + "3", 4)}-${hash(name + "4", 12)}`;
                id = keyId;
                set({ keyId, arn: this.arn("kms", `key/${keyId}`) });
                break;
            }
            case T.kmsReplicaKey: {
                const keyId =
                    String(inputs.primaryKeyArn ?? "")
                        .split("/")
                        .pop() || `mrk-${hash(name, 32)}`;
                id = keyId;
                set({ keyId, arn: this.arn("kms", `key/${keyId}`) });
                break;
            }
            case T.kmsAlias:
                id = String(inputs.name);
                set({ arn: this.arn("kms", String(inputs.name)) });
                break;
            // The audit trail (components/auditTrail.ts): its ARN as CloudTrail forms it, which the trail's key and
            // bucket policies build before the trail exists.
            case "aws:cloudtrail/trail:Trail": {
                const n = autoname(inputs.name);
                id = this.arn("cloudtrail", `trail/${n}`);
                set({ name: n, arn: id, homeRegion: region });
                break;
            }
            case T.logGroup: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("logs", `log-group:${n}`) });
                break;
            }
            case T.metricAlarm: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("cloudwatch", `alarm:${n}`) });
                break;
            }
            case T.iamRole: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/${n}`, uniqueId: `AROA${h.toUpperCase()}` });
                break;
            }
            case T.iamPolicy: {
                const n = autoname(inputs.name);
                set({ name: n, arn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:policy/${n}` });
                id = String(s.arn);
                break;
            }
            case T.instanceProfile: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:instance-profile/${n}` });
                break;
            }
            case T.iamRolePolicy:
                id = `${String(inputs.role)}:${autoname(inputs.name)}`;
                set({ name: autoname(inputs.name) });
                break;
            case T.bucket:
            case T.bucketV2: {
                const n = typeof inputs.bucket === "string" ? inputs.bucket : `${name}-${h.slice(0, 7)}`;
                id = n;
                set({
                    bucket: n,
                    arn: `arn:aws:s3:::${n}`,
                    bucketDomainName: `${n}.s3.amazonaws.com`,
                    bucketRegionalDomainName: `${n}.s3.${region}.amazonaws.com`,
                });
                break;
            }
            case T.loadBalancer: {
                const n = autoname(inputs.name).slice(0, 32);
                const suffix = `app/${n}/${h.slice(0, 16)}`;
                id = this.arn("elasticloadbalancing", `loadbalancer/${suffix}`);
                set({
                    name: n,
                    arn: id,
                    arnSuffix: suffix,
                    dnsName: `${n}-${parseInt(h.slice(0, 8), 16)}.${region}.elb.amazonaws.com`,
                    zoneId: ALB_ZONE_IDS[region] ?? `Z${h.slice(0, 13).toUpperCase()}`,
                });
                break;
            }
            case T.targetGroup: {
                const n = autoname(inputs.name).slice(0, 32);
                const suffix = `targetgroup/${n}/${h.slice(0, 16)}`;
                id = this.arn("elasticloadbalancing", suffix);
                set({ name: n, arn: id, arnSuffix: suffix });
                break;
            }
            case T.listener:
                id = this.arn("elasticloadbalancing", `listener/app/${name}/${h.slice(0, 16)}`);
                set({ arn: id });
                break;
            case T.listenerRule:
                id = this.arn("elasticloadbalancing", `listener-rule/app/${name}/${h.slice(0, 16)}`);
                set({ arn: id });
                break;
            case T.certificate: {
                id = this.arn("acm", `certificate/${h}`);
                const domain = String(inputs.domainName ?? "example.com");
                const names = [domain, ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
                set({
                    arn: id,
                    domainValidationOptions: names.map((d) => ({
                        domainName: d,
                        resourceRecordName: `_${hash(d, 32)}.${d}.`,
                        resourceRecordType: "CNAME",
                        resourceRecordValue: `_${hash(d + "v", 32)}.acm-validations.aws.`,
                    })),
                });
                break;
            }
            case T.certificateValidation:
                id = String(inputs.certificateArn);
                break;
            case T.asg: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("autoscaling", `autoScalingGroup:${h}:autoScalingGroupName/${n}`) });
                break;
            }
            case T.ecsCluster: {
                const n = autoname(inputs.name);
                id = this.arn("ecs", `cluster/${n}`);
                set({ name: n, arn: id });
                break;
            }
            case T.taskDefinition:
                id = this.arn("ecs", `task-definition/${String(inputs.family)}:1`);
                set({ arn: id, revision: 1, arnWithoutRevision: this.arn("ecs", `task-definition/${String(inputs.family)}`) });
                break;
            case T.ecsService: {
                const n = autoname(inputs.name);
                id = this.arn("ecs", `service/${n}`);
                set({ name: n });
                break;
            }
            case T.ecrRepository: {
                const n = autoname(inputs.name);
                id = n;
                set({
                    name: n,
                    arn: this.arn("ecr", `repository/${n}`),
                    registryId: PLACEHOLDER_ACCOUNT,
                    repositoryUrl: `${PLACEHOLDER_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${n}`,
                });
                break;
            }
            case T.ecrReplication:
                id = PLACEHOLDER_ACCOUNT;
                set({ registryId: PLACEHOLDER_ACCOUNT });
                break;
            case T.scalableTarget:
                id = `${String(inputs.serviceNamespace)}/${String(inputs.resourceId)}`;
                set({ arn: this.arn("application-autoscaling", `scalable-target/${h}`) });
                break;
            case T.scalingPolicy:
                id = autoname(inputs.name);
                set({ arn: this.arn("autoscaling", `scalingPolicy:${h}:resource/${id}`) });
                break;
            case T.asgPolicy:
                id = autoname(inputs.name);
                set({ arn: this.arn("autoscaling", `scalingPolicy:${h}:autoScalingGroupName/${id}`) });
                break;
            case T.globalCluster:
                id = String(inputs.globalClusterIdentifier);
                set({ arn: `arn:aws:rds::${PLACEHOLDER_ACCOUNT}:global-cluster:${id}`, globalClusterResourceId: `cluster-${h}` });
                break;
            case T.rdsCluster: {
                id = String(inputs.clusterIdentifier ?? autoname());
                const secret = inputs.manageMasterUserPassword
                    ? [
                          {
                              secretArn: this.arn("secretsmanager", `secret:rds!cluster-${h.slice(0, 12)}-${h.slice(12, 17)}`),
                              secretStatus: "active",
                              kmsKeyId: inputs.masterUserSecretKmsKeyId,
                          },
                      ]
                    : [];
                set({
                    arn: this.arn("rds", `cluster:${id}`),
                    clusterIdentifier: id,
                    clusterResourceId: `cluster-${h.toUpperCase()}`,
                    endpoint: `${id}.cluster-${h.slice(0, 12)}.${region}.rds.amazonaws.com`,
                    readerEndpoint: `${id}.cluster-ro-${h.slice(0, 12)}.${region}.rds.amazonaws.com`,
                    port: 5432,
                    masterUserSecrets: secret,
                });
                break;
            }
            case T.clusterInstance:
                id = String(inputs.identifier ?? autoname());
                set({
                    arn: this.arn("rds", `db:${id}`),
                    identifier: id,
                    endpoint: `${id}.${h.slice(0, 12)}.${region}.rds.amazonaws.com`,
                    writer: false,
                });
                break;
            case T.dbSubnetGroup: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("rds", `subgrp:${n}`) });
                break;
            }
            case T.clusterParameterGroup: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("rds", `cluster-pg:${n}`) });
                break;
            }
            case T.table: {
                const n = String(inputs.name ?? autoname());
                id = n;
                set({
                    arn: this.arn("dynamodb", `table/${n}`),
                    streamArn: inputs.streamEnabled ? this.arn("dynamodb", `table/${n}/stream/2026-01-01T00:00:00.000`) : undefined,
                    streamLabel: "2026-01-01T00:00:00.000",
                });
                break;
            }
            case T.tableReplica: {
                const g = String(inputs.globalTableArn ?? "");
                const tn = g.split("/").pop() ?? name;
                id = `${tn}:${region}`;
                set({ arn: this.arn("dynamodb", `table/${tn}`) });
                break;
            }
            case T.backupVault: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("backup", `backup-vault:${n}`), recoveryPoints: 0 });
                break;
            }
            case T.backupPlan:
                id = hash(name, 36);
                set({ arn: this.arn("backup", `backup-plan:${id}`), version: hash(name + "v", 32) });
                break;
            case T.backupSelection:
                id = hash(name, 36);
                break;
            case T.secret: {
                const n = autoname(inputs.name);
                id = this.arn("secretsmanager", `secret:${n}-${h.slice(0, 6)}`);
                set({ arn: id, name: n });
                break;
            }
            case T.healthCheck:
                id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-8${h.slice(15, 17)}0-${hash(name + "hc", 12)}`;
                set({ arn: `arn:aws:route53:::healthcheck/${id}` });
                break;
            case T.record:
                id = `${String(inputs.zoneId)}_${String(inputs.name)}_${String(inputs.type)}_${String(inputs.setIdentifier ?? "")}`;
                set({ fqdn: String(inputs.name) });
                break;
            case T.arcCluster:
                id = `arn:aws:route53-recovery-control::${PLACEHOLDER_ACCOUNT}:cluster/${h}`;
                set({
                    arn: id,
                    clusterEndpoints: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"].map((r) => ({
                        region: r,
                        endpoint: `https://${h.slice(0, 8)}.route53-recovery-cluster.${r}.amazonaws.com/v1`,
                    })),
                });
                break;
            case T.arcControlPanel:
                id = `arn:aws:route53-recovery-control::${PLACEHOLDER_ACCOUNT}:controlpanel/${h}`;
                set({ arn: id });
                break;
            case T.arcRoutingControl:
                id = `arn:aws:route53-recovery-control::${PLACEHOLDER_ACCOUNT}:controlpanel/${h}/routingcontrol/${hash(name, 16)}`;
                set({ arn: id });
                break;
            case T.arcSafetyRule:
                id = `arn:aws:route53-recovery-control::${PLACEHOLDER_ACCOUNT}:controlpanel/${h}/safetyrule/${hash(name, 16)}`;
                set({ arn: id });
                break;
            case T.cloudfrontDistribution:
                id = `E${h.slice(0, 13).toUpperCase()}`;
                set({
                    arn: `arn:aws:cloudfront::${PLACEHOLDER_ACCOUNT}:distribution/${id}`,
                    domainName: `d${h.slice(0, 13)}.cloudfront.net`,
                    hostedZoneId: CLOUDFRONT_HOSTED_ZONE_ID,
                    status: "InProgress",
                    etag: `E${hash(name + "etag", 13).toUpperCase()}`,
                });
                break;
            case T.originAccessControl:
                id = `E${hash(name + "oac", 13).toUpperCase()}`;
                set({ etag: `E${hash(name + "etag", 13).toUpperCase()}` });
                break;
            case T.webAcl: {
                const n = autoname(inputs.name);
                const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(12, 15)}-8${h.slice(15, 17)}0-${hash(name + "acl", 12)}`;
                id = uuid;
                const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
                set({ arn: this.arn("wafv2", `${scope}/webacl/${n}/${uuid}`), capacity: 1125, lockToken: hash(name + "lock", 36) });
                break;
            }
            case T.logDeliverySource: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("logs", `delivery-source:${n}`), service: "cloudfront" });
                break;
            }
            case T.logDeliveryDestination: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("logs", `delivery-destination:${n}`), deliveryDestinationType: "CWL" });
                break;
            }
            case T.logDelivery:
                id = h.slice(0, 16);
                set({ arn: this.arn("logs", `delivery:${id}`) });
                break;
            case T.bucketReplication:
                id = String(inputs.bucket);
                break;
            // The order pipeline: ARNs and URLs in the shapes AWS gives them, so the saga definition, the roles'
            // policies and the functions' environment read like a deployed stack's.
            case T.sqsQueue: {
                const n = autoname(inputs.name);
                id = `https://sqs.${region}.amazonaws.com/${PLACEHOLDER_ACCOUNT}/${n}`;
                set({ name: n, url: id, arn: this.arn("sqs", n) });
                break;
            }
            case T.sqsQueuePolicy:
            case T.sqsRedrivePolicy:
            case T.sqsRedriveAllowPolicy:
                id = String(inputs.queueUrl);
                break;
            case T.snsTopic: {
                const n = autoname(inputs.name);
                id = this.arn("sns", n);
                set({ name: n, arn: id });
                break;
            }
            case T.snsTopicPolicy:
                id = String(inputs.arn);
                break;
            case T.snsTopicSubscription:
                id = `${String(inputs.topic)}:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
                set({ arn: id });
                break;
            case T.lambdaFunction: {
                const n = autoname(inputs.name);
                id = n;
                const arn = this.arn("lambda", `function:${n}`);
                set({
                    name: n,
                    arn,
                    qualifiedArn: `${arn}:$LATEST`,
                    invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                    version: "$LATEST",
                });
                break;
            }
            case T.lambdaPermission:
                id = autoname(inputs.statementId);
                set({ statementId: id });
                break;
            case T.eventSourceMapping:
                id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
                set({ uuid: id, functionArn: inputs.functionName, arn: this.arn("lambda", `event-source-mapping:${id}`) });
                break;
            case T.eventBus: {
                const n = autoname(inputs.name);
                id = n;
                set({ name: n, arn: this.arn("events", `event-bus/${n}`) });
                break;
            }
            case T.eventRule: {
                const n = autoname(inputs.name);
                const bus = typeof inputs.eventBusName === "string" && inputs.eventBusName !== "default" ? inputs.eventBusName : undefined;
                id = bus ? `${bus}/${n}` : n;
                set({ name: n, arn: this.arn("events", `rule/${bus ? `${bus}/` : ""}${n}`) });
                break;
            }
            case T.eventTarget:
                id = `${String(inputs.rule)}-${h.slice(0, 8)}`;
                set({ targetId: autoname(inputs.targetId) });
                break;
            case T.eventEndpoint: {
                const n = autoname(inputs.name);
                id = n;
                set({
                    name: n,
                    arn: this.arn("events", `endpoint/${n}`),
                    endpointUrl: `https://${h.slice(0, 5)}.${h.slice(5, 8)}.endpoint.events.amazonaws.com`,
                });
                break;
            }
            case T.stateMachine: {
                const n = autoname(inputs.name);
                id = this.arn("states", `stateMachine:${n}`);
                set({ name: n, arn: id, status: "ACTIVE", stateMachineVersionArn: "" });
                break;
            }
            case T.bucketNotification:
                id = String(inputs.bucket);
                break;
            case T.httpApi:
                id = hash(name, 10);
                set({
                    arn: `arn:aws:apigateway:${region}::/apis/${id}`,
                    apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
                    executionArn: this.arn("execute-api", id),
                });
                break;
            case T.vpcLink:
                id = hash(name, 6);
                set({ arn: `arn:aws:apigateway:${region}::/vpclinks/${id}` });
                break;
            case T.apiIntegration:
            case T.apiAuthorizer:
            case T.apiRoute:
            case T.apiMapping:
                id = hash(name, 7);
                break;
            case T.apiStage:
                id = String(inputs.name);
                set({
                    arn: `arn:aws:apigateway:${region}::/apis/${String(inputs.apiId)}/stages/${id}`,
                    invokeUrl: `https://${String(inputs.apiId)}.example/`,
                });
                break;
            case T.apiDomainName: {
                id = String(inputs.domainName);
                const cfg = (inputs.domainNameConfiguration ?? {}) as State;
                set({
                    arn: `arn:aws:apigateway:${region}::/domainnames/${id}`,
                    apiMappingSelectionExpression: "$request.basepath",
                    domainNameConfiguration: {
                        ...cfg,
                        targetDomainName: `d-${hash(name, 10)}.execute-api.${region}.amazonaws.com`,
                        hostedZoneId: "Z1UJRXOUMOOFQ8",
                    },
                });
                break;
            }
            case T.cachePolicy:
                id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
                set({ etag: h.slice(0, 13).toUpperCase() });
                break;
            case T.userPoolClient:
                id = hash(name, 26);
                set({ clientSecret: "" });
                break;
            case T.userPool: {
                const poolId = `${region}_${hash(name, 9)}`;
                id = poolId;
                set({
                    userPoolId: poolId,
                    arn: this.arn("cognito-idp", `userpool/${poolId}`),
                    providerName: `cognito-idp.${region}.amazonaws.com/${poolId}`,
                    providerUrl: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
                });
                break;
            }
            case T.userPoolReplica:
                id = `${String(inputs.userPoolId)}|${String(inputs.regionName)}`;
                break;
            case T.userPoolDomain:
                id = String(inputs.domain);
                set({ cloudFrontDistribution: `d${hash(name, 13)}.cloudfront.net` });
                break;
            // The replica's status (components/replicaStatus.ts): offline, no Cognito call is made.
            case DYNAMIC.userPoolReplicaStatus.token:
                id = `${String(inputs.userPoolId)}/${String(inputs.region)}`;
                set({ previousStatus: "offline-plan (no Cognito call)" });
                break;
            // The writer-move dynamic resource (components/globalSwitchover.ts): offline, no RDS call is made.
            // The restore-point pin (components/restorePoint.ts): a placeholder copy in this region, no RDS call.
            case DYNAMIC.restorePoint.token:
                id =
                    typeof inputs.givenSnapshotArn === "string"
                        ? inputs.givenSnapshotArn
                        : this.arn("rds", `cluster-snapshot:awsbackup:copyjob-${h.slice(0, 8)}`);
                set({ snapshotArn: id, snapshotCreatedAt: "2026-01-01T00:00:00.000Z" });
                break;
            case T.randomPassword:
                id = "none";
                set({ result: `offline-placeholder-${h.slice(0, 12)}`, bcryptHash: `offline-placeholder-${h.slice(0, 12)}` });
                break;
            case T.fileSystem: {
                const fsId = `fs-${h}`;
                id = fsId;
                set({ fileSystemId: fsId, arn: this.arn("elasticfilesystem", `file-system/${fsId}`) });
                break;
            }
            case T.accessPoint:
                id = `fsap-${h}`;
                set({ arn: this.arn("elasticfilesystem", `access-point/${id}`) });
                break;
            case T.mountTarget:
                id = `fsmt-${h}`;
                break;
            case T.cacheReplicationGroup: {
                id = String(inputs.replicationGroupId);
                const host = `${id}.${h.slice(0, 6)}.${region.replace(/-(\w)\w*-/, "$1")}.cache.amazonaws.com`;
                set({
                    arn: this.arn("elasticache", `replicationgroup:${id}`),
                    primaryEndpointAddress: `master.${host}`,
                    readerEndpointAddress: `replica.${host}`,
                });
                break;
            }
            case T.cacheGlobalDatastore: {
                // AWS prefixes the suffix with a short account-specific string.
                id = `${h.slice(0, 5)}-${String(inputs.globalReplicationGroupIdSuffix)}`;
                set({ globalReplicationGroupId: id, arn: `arn:aws:elasticache::${PLACEHOLDER_ACCOUNT}:globalreplicationgroup:${id}` });
                break;
            }
            case T.cacheUser:
                id = String(inputs.userId);
                set({ arn: this.arn("elasticache", `user:${id}`) });
                break;
            case T.cacheUserGroup:
                id = String(inputs.userGroupId);
                set({ arn: this.arn("elasticache", `usergroup:${id}`) });
                break;
            case T.ssmParameter:
                id = String(inputs.name);
                // A name with a leading slash is a path: the ARN puts it right after "parameter".
                set({ arn: this.arn("ssm", `parameter${id.startsWith("/") ? "" : "/"}${id}`), version: 1 });
                break;
            case T.cacheSubnetGroup:
                id = String(name);
                break;
            // The cache's and the shared files' moves (components/primaryMoves.ts): offline, no AWS call is made.
            case DYNAMIC.cachePrimary.token:
                id = `${String(inputs.globalReplicationGroupId)}/primary`;
                set({ outcome: "offline-plan (no ElastiCache call)" });
                break;
            case DYNAMIC.filesPrimary.token:
                id = `${String(inputs.fileSystemId)}/writable`;
                set({ outcome: "offline-plan (no EFS call)" });
                break;
            case DYNAMIC.filesReplication.token:
                id = `${String(inputs.sourceFileSystemId)}/replicates-into/${String(inputs.destinationFileSystemId)}`;
                set({ outcome: "offline-plan (no EFS call)" });
                break;
            case DYNAMIC.globalWriter.token:
                id = `${String(inputs.globalClusterIdentifier)}/writer`;
                set({ writerClusterArn: inputs.targetClusterArn, outcome: "offline-plan (no RDS call)" });
                break;
            default:
                if (type.startsWith("aws:")) {
                    const service = type.split(":")[1].split("/")[0];
                    set({ arn: this.arn(service, `${name}/${h}`) });
                }
        }
        if (type.startsWith("aws:") && s.tags && typeof s.tags === "object") s.tagsAll = s.tags;
        return this.opts.preview ? previewResult(inputs, s, autoname()) : { id, state: s };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const region = typeof args.inputs.region === "string" ? args.inputs.region : this.opts.region;
        switch (args.token) {
            case "aws:index/getRegion:getRegion":
                return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const letters = ["a", "b", "c", "d"];
                return {
                    id: region,
                    names: letters.map((l) => `${region}${l}`),
                    zoneIds: letters.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
                    groupNames: [region],
                };
            }
            case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
                // Placeholder: every instance type asked about is offered in each of the four AZs above (src/main.ts's fact check).
                const types = ((args.inputs.filters ?? []) as Array<{ name: string; values: string[] }>)
                    .filter((f) => f.name === "instance-type")
                    .flatMap((f) => f.values);
                const at = types.flatMap((t) => ["a", "b", "c", "d"].map((l) => [t, `${region}${l}`]));
                return {
                    id: region,
                    instanceTypes: at.map((x) => x[0]),
                    locations: at.map((x) => x[1]),
                    locationTypes: at.map(() => "availability-zone"),
                };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    id: PLACEHOLDER_ACCOUNT,
                    accountId: PLACEHOLDER_ACCOUNT,
                    arn: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:user/offline-plan`,
                    userId: "AIDAOFFLINEPLAN",
                };
            case "aws:index/getPartition:getPartition":
                return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
            case "aws:ssm/getParameter:getParameter":
                return {
                    id: String(args.inputs.name),
                    name: String(args.inputs.name),
                    type: "String",
                    value: `ami-${hash(`${region}/${String(args.inputs.name)}`)}`,
                    version: 1,
                    arn: `arn:aws:ssm:${region}::parameter${String(args.inputs.name)}`,
                };
            case "aws:elb/getServiceAccount:getServiceAccount":
                return { id: `elb-${region}`, arn: `arn:aws:iam::${hash(region, 12).replace(/[a-f]/g, "7")}:root` };
            case "aws:rds/getClusterSnapshot:getClusterSnapshot":
            case "aws:secretsmanager/getSecretVersion:getSecretVersion":
            case "aws:secretsmanager/getRandomPassword:getRandomPassword":
                // Invokes run on every preview and update: a snapshot look-up fails once the copies expire, and a
                // secret read needs secretsmanager:GetSecretValue and kms:Decrypt. The program must not make them.
                throw new Error(
                    `offline plan: the program calls invoke "${args.token}" on every preview and update; it must not (see components/auroraGlobal.ts)`,
                );
            case "aws:rds/getClusters:getClusters": {
                const ids = [...(this.opts.existingClusters?.[region] ?? [])];
                return { id: region, clusterIdentifiers: ids, clusterArns: ids.map((c) => this.arn("rds", `cluster:${c}`, region)) };
            }
            case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
                // An AWS-managed prefix list: same name in every region, a different id in each.
                const n = String(args.inputs.name ?? "");
                const plId = `pl-${hash(`${region}/${n}`, 8)}`;
                return {
                    id: plId,
                    name: n,
                    addressFamily: "IPv4",
                    maxEntries: 55,
                    ownerId: "AWS",
                    arn: `arn:aws:ec2:${region}:aws:prefix-list/${plId}`,
                    entries: [],
                    version: 1,
                    tags: {},
                };
            }
            case "aws:iam/getPolicyDocument:getPolicyDocument":
                return {
                    id: hash(JSON.stringify(args.inputs), 10),
                    json: JSON.stringify({ Version: "2012-10-17", Statement: args.inputs.statements ?? [] }),
                };
            default:
                throw new Error(`offline plan: the fake AWS layer does not answer invoke "${args.token}"; add it to tools/fakeAws.ts`);
        }
    }
}
