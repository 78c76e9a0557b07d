import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { storefrontUserData } from "../src/compute";
import { DnsValidatedCertificate } from "./certificate";
import type { Capacity } from "../src/strategy";

/** TLS 1.3 and 1.2 only (source: ELB user guide, "Security policies for your Application Load Balancer"). */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Amazon Linux 2023, x86_64, resolved per region (source: AL2023 user guide, "AL2023 on EC2: SSM parameters"). */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

export interface WebTierArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the internet-facing ALB, one per AZ (at least 2). Required. */
    readonly publicSubnetIds: pulumi.Input<string>[];
    /** Subnets of the Auto Scaling group, one per AZ (at least 2). Required. */
    readonly appSubnetIds: pulumi.Input<string>[];
    readonly albSecurityGroupId: pulumi.Input<string>;
    readonly webSecurityGroupId: pulumi.Input<string>;
    /** The application's DNS name; the HTTPS certificate is issued for it. Required. */
    readonly domainName: string;
    /** The origin hostname CloudFront connects to; the certificate covers it too. Required. */
    readonly originName: string;
    /**
     * The header CloudFront adds and its secret value: the listener forwards only requests that carry it and
     * answers everything else with a fixed 403. When undefined (only while a deployment made before the edge
     * migrates), the listener forwards every request to the storefront.
     */
    readonly originVerify?: { readonly headerName: string; readonly value: pulumi.Input<string> };
    /** Public hosted zone that holds the certificate's DNS validation record. Required. */
    readonly zoneId: string;
    /** Path the storefront answers 200 on; the target group health-checks it. Default /health. */
    readonly healthPath?: string;
    /** EC2 instance type (x86_64, matching the AMI parameter). Default t3.medium. */
    readonly instanceType?: string;
    /** Group size from the strategy plan. Required: min = desired = 0 keeps the tier provisioned but idle. */
    readonly capacity: Capacity;
    /** Target-tracking average CPU percent. Default 50. */
    readonly targetCpuPercent?: number;
    /** Seconds after launch before ELB health checks count. Default 120. */
    readonly healthCheckGraceSeconds?: number;
    /** KMS key ARN for the instances' root volumes. Required: volumes are encrypted under a CMK. */
    readonly ebsKmsKeyArn: pulumi.Input<string>;
    /** ALB deletion protection (the strategy plan decides where). Default true. */
    readonly deletionProtection?: boolean;
    /** Bucket (in this region) that receives the ALB's access logs, ready for ELB to write. Required. */
    readonly accessLogBucket: pulumi.Input<string>;
    /** Key prefix of the access logs in that bucket. Default "alb". */
    readonly accessLogPrefix?: string;
    /** Tags applied to every taggable child (and propagated to instances). Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The storefront: an internet-facing ALB that answers only the edge (HTTPS from CloudFront's prefix list, see
 * securityGroups.ts; requests without the edge's secret header get a fixed 403; invalid headers dropped; access
 * logs to the region's log bucket, see accessLogs.ts) in front of an Auto Scaling group of Amazon Linux 2023 instances
 * in the private app subnets (IMDSv2 only, encrypted gp3 root, SSM-only instance role), scaled by target
 * tracking and replaced by a rolling instance refresh when the launch template changes.
 * Capacity comes from the caller (the strategy plan); this component never decides it.
 */
export class WebTier extends pulumi.ComponentResource {
    public readonly albArn: pulumi.Output<string>;
    public readonly albDnsName: pulumi.Output<string>;
    public readonly albZoneId: pulumi.Output<string>;
    /** For CloudWatch metrics (`app/<name>/<id>`). */
    public readonly albArnSuffix: pulumi.Output<string>;
    /** The HTTPS listener: services add their path rules to it. */
    public readonly httpsListenerArn: pulumi.Output<string>;
    public readonly webTargetGroupArn: pulumi.Output<string>;
    /** For CloudWatch metrics of the storefront's targets (`targetgroup/<name>/<id>`). */
    public readonly webTargetGroupArnSuffix: pulumi.Output<string>;
    public readonly autoScalingGroupName: pulumi.Output<string>;
    public readonly autoScalingGroupArn: pulumi.Output<string>;
    public readonly launchTemplateId: pulumi.Output<string>;
    public readonly certificateArn: pulumi.Output<string>;
    /** The tags the instances are launched with that select them (their Name), e.g. for a fault-injection target. */
    public readonly instanceSelector: Readonly<Record<string, string>>;

    constructor(name: string, args: WebTierArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:WebTier", name, {}, opts);
        const p = { parent: this };
        const problems: string[] = [];
        if (args.publicSubnetIds.length < 2) problems.push(`publicSubnetIds: got ${args.publicSubnetIds.length}; the ALB needs at least 2 AZs`);
        if (args.appSubnetIds.length < 2) problems.push(`appSubnetIds: got ${args.appSubnetIds.length}; the group needs at least 2 AZs`);
        const c = args.capacity;
        if (!(c.min <= c.desired && c.desired <= c.max))
            problems.push(`capacity: got min ${c.min}, desired ${c.desired}, max ${c.max}; expected min <= desired <= max`);
        if (problems.length) throw new pulumi.ResourceError(`WebTier ${name}: ${problems.join("; ")}`, this);

        const healthPath = args.healthPath ?? "/health";
        const baseTags = args.tags ?? {};
        const tags = (n: string) => ({ ...baseTags, Name: n });
        this.instanceSelector = { Name: `${name}-instance` };
        const account = aws.getCallerIdentityOutput({}, p).accountId;

        // --- certificate -----------------------------------------------------------------------------
        // CloudFront connects by the origin name and checks the certificate against it.
        const cert = new DnsValidatedCertificate(
            `${name}-cert`,
            { names: [args.domainName, args.originName], zoneId: args.zoneId, tags: args.tags },
            p,
        );
        this.certificateArn = cert.certificateArn;

        // --- load balancer ---------------------------------------------------------------------------
        const alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                ipAddressType: "ipv4",
                securityGroups: [args.albSecurityGroupId],
                subnets: args.publicSubnetIds,
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                enableDeletionProtection: args.deletionProtection ?? true,
                accessLogs: { bucket: args.accessLogBucket, prefix: args.accessLogPrefix ?? "alb", enabled: true },
                tags: tags(`${name}-alb`),
            },
            p,
        );
        this.albArn = alb.arn;
        this.albDnsName = alb.dnsName;
        this.albZoneId = alb.zoneId;
        this.albArnSuffix = alb.arnSuffix;

        const webTg = new aws.lb.TargetGroup(
            `${name}-tg`,
            {
                vpcId: args.vpcId,
                targetType: "instance",
                protocol: "HTTP",
                port: 80,
                deregistrationDelay: 30,
                healthCheck: {
                    enabled: true,
                    path: healthPath,
                    protocol: "HTTP",
                    matcher: "200",
                    interval: 15,
                    healthyThreshold: 2,
                    unhealthyThreshold: 3,
                    timeout: 5,
                },
                tags: tags(`${name}-tg`),
            },
            p,
        );
        this.webTargetGroupArn = webTg.arn;
        this.webTargetGroupArnSuffix = webTg.arnSuffix;

        const https = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: ALB_SSL_POLICY,
                certificateArn: cert.certificateArn,
                // Whatever did not come through the edge: a fixed 403 (no port 80 listener: CloudFront connects over HTTPS).
                defaultActions: args.originVerify
                    ? [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" } }]
                    : [{ type: "forward", targetGroupArn: webTg.arn }],
                tags: tags(`${name}-https`),
            },
            p,
        );
        this.httpsListenerArn = https.arn;
        // The storefront: the last rule (the services' path rules come first), for requests carrying the edge's header.
        if (args.originVerify) {
            new aws.lb.ListenerRule(
                `${name}-from-edge`,
                {
                    listenerArn: https.arn,
                    priority: 50000,
                    actions: [{ type: "forward", targetGroupArn: webTg.arn }],
                    conditions: [{ httpHeader: { httpHeaderName: args.originVerify.headerName, values: [args.originVerify.value] } }],
                    tags: tags(`${name}-from-edge`),
                },
                p,
            );
        }

        // --- instances -------------------------------------------------------------------------------
        const role = new aws.iam.Role(
            `${name}-instance-role`,
            {
                description: "SecureCart storefront instances: SSM Session Manager and patching only",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: tags(`${name}-instance-role`),
            },
            p,
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-instance-ssm`,
            { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
            p,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-instance-profile`, { role: role.name, tags: tags(`${name}-instance-profile`) }, p);

        // Auto Scaling launches instances as its service-linked role, which needs a grant to use a customer
        // managed key for the root volumes (EC2 Auto Scaling user guide, "Required KMS key policy for use with
        // encrypted volumes"). The role exists once any group has been created in the account.
        const asgServiceRole = pulumi.interpolate`arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
        const grant = new aws.kms.Grant(
            `${name}-asg-ebs-grant`,
            {
                keyId: args.ebsKmsKeyArn,
                granteePrincipal: asgServiceRole,
                operations: [
                    "Encrypt",
                    "Decrypt",
                    "ReEncryptFrom",
                    "ReEncryptTo",
                    "GenerateDataKey",
                    "GenerateDataKeyWithoutPlaintext",
                    "DescribeKey",
                    "CreateGrant",
                ],
            },
            p,
        );

        const ami = aws.ssm.getParameterOutput({ name: AL2023_AMI_PARAMETER }, p);
        const lt = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                description: "SecureCart storefront (Amazon Linux 2023)",
                imageId: ami.value,
                instanceType: args.instanceType ?? "t3.medium",
                iamInstanceProfile: { arn: profile.arn },
                vpcSecurityGroupIds: [args.webSecurityGroupId],
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", kmsKeyId: args.ebsKmsKeyArn, deleteOnTermination: "true" },
                    },
                ],
                monitoring: { enabled: true },
                userData: Buffer.from(storefrontUserData(healthPath)).toString("base64"),
                updateDefaultVersion: true,
                tagSpecifications: [
                    { resourceType: "instance", tags: tags(this.instanceSelector.Name) },
                    { resourceType: "volume", tags: tags(`${name}-root`) },
                ],
                tags: tags(`${name}-lt`),
            },
            p,
        );
        this.launchTemplateId = lt.id;

        const grace = args.healthCheckGraceSeconds ?? 120;
        const asg = new aws.autoscaling.Group(
            `${name}-asg`,
            {
                vpcZoneIdentifiers: args.appSubnetIds,
                launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => `${v}`) },
                minSize: c.min,
                maxSize: c.max,
                desiredCapacity: c.desired,
                // Wait until the load balancer sees the desired count healthy (not merely InService), so the
                // writer move and the health check that depend on this tier come after real capacity.
                ...(c.desired > 0 ? { waitForElbCapacity: c.desired } : {}),
                targetGroupArns: [webTg.arn],
                // Group metrics are published only once collection is on (EC2 Auto Scaling API reference,
                // EnableMetricsCollection; 1Minute is the only granularity): the "below desired" alarm reads these two.
                enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances"],
                metricsGranularity: "1Minute",
                healthCheckType: "ELB",
                healthCheckGracePeriod: grace,
                defaultInstanceWarmup: grace,
                // A new launch-template version rolls the instances, keeping 90% serving.
                instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 90 } },
                tags: Object.entries(tags(`${name}-instance`)).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
            },
            { parent: this, dependsOn: [grant] },
        );
        this.autoScalingGroupName = asg.name;
        this.autoScalingGroupArn = asg.arn;

        new aws.autoscaling.Policy(
            `${name}-cpu-target`,
            {
                autoscalingGroupName: asg.name,
                policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
                    targetValue: args.targetCpuPercent ?? 50,
                },
            },
            p,
        );

        this.registerOutputs({
            albArn: this.albArn,
            albDnsName: this.albDnsName,
            albZoneId: this.albZoneId,
            albArnSuffix: this.albArnSuffix,
            httpsListenerArn: this.httpsListenerArn,
            autoScalingGroupName: this.autoScalingGroupName,
            certificateArn: this.certificateArn,
        });
    }
}
