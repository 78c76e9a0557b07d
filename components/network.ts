import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SUBNET_TIERS, SubnetTier, carveSubnets, formatCidr, parseCidr } from "../src/cidr";

export type NatStrategy = "none" | "single" | "one-per-az";

export interface NetworkArgs {
    /** VPC IPv4 CIDR, /16 to /23 (validated by config before this runs). */
    readonly cidr: string;
    /** Availability zones to spread subnets over. Default 3; at least 2. */
    readonly azCount?: number;
    /** NAT gateways: none, one shared (single), or one per AZ. Default "one-per-az". */
    readonly natStrategy?: NatStrategy;
    /** Flow-log retention in days. Default 90. */
    readonly flowLogRetentionDays?: number;
    /** KMS key ARN that encrypts the flow-log group. Required: logs are encrypted under a CMK. */
    readonly logsKmsKeyArn: pulumi.Input<string>;
    /** Tags applied to every child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
    /** Extra tags for the VPC alone, e.g. the stack's DR role that the policy pack reads. Default none. */
    readonly vpcTags?: Readonly<Record<string, string>>;
}

const AZ_LETTERS = "abcdefgh";

/**
 * A three-tier VPC: public, private-app and private-data subnets over N AZs, an internet gateway, NAT per
 * a named strategy, gateway endpoints for S3 and DynamoDB, VPC flow logs to an encrypted (protected) log group, and a
 * default security group with every rule removed. The data tier has no route to the internet.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidr: string;
    public readonly azs: pulumi.Output<string[]>;
    public readonly subnetIds: Readonly<Record<SubnetTier, pulumi.Output<string>[]>>;
    public readonly natGatewayIds: pulumi.Output<string>[];
    public readonly appRouteTableIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:network:Network", name, {}, opts);
        const azCount = args.azCount ?? 3;
        const nat = args.natStrategy ?? "one-per-az";
        const vpcCidr = parseCidr(args.cidr);
        if (!vpcCidr) throw new pulumi.ResourceError(`Network ${name}: cidr "${args.cidr}" is not a valid IPv4 CIDR`, this);
        if (azCount < 2) throw new pulumi.ResourceError(`Network ${name}: azCount ${azCount} must be at least 2`, this);
        const tags = (extra: Record<string, string>) => ({ ...(args.tags ?? {}), ...extra });
        const p = { parent: this };

        const region = aws.getRegionOutput({}, p).region;
        const azs = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            p,
        ).names;
        this.azs = azs.apply((names) => {
            if (names.length < azCount)
                throw new pulumi.ResourceError(`Network ${name}: region has ${names.length} AZs; azCount ${azCount} needs more`, this);
            return names.slice(0, azCount);
        });
        this.cidr = args.cidr;

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: tags({ ...(args.vpcTags ?? {}), Name: `${name}-vpc` }),
            },
            p,
        );
        this.vpcId = vpc.id;

        // No rules: nothing may use the default group by accident (CIS AWS Foundations 5.4).
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: tags({ Name: `${name}-default-locked` }) }, p);

        const blocks = carveSubnets(vpcCidr, azCount);
        const subnetIds = {} as Record<SubnetTier, pulumi.Output<string>[]>;
        for (const tier of SUBNET_TIERS) {
            subnetIds[tier] = blocks[tier].map(
                (block, i) =>
                    new aws.ec2.Subnet(
                        `${name}-${tier}-${AZ_LETTERS[i]}`,
                        {
                            vpcId: vpc.id,
                            cidrBlock: formatCidr(block),
                            availabilityZone: azs.apply((n) => n[i]),
                            mapPublicIpOnLaunch: false,
                            tags: tags({ Name: `${name}-${tier}-${AZ_LETTERS[i]}`, tier }),
                        },
                        p,
                    ).id,
            );
        }
        this.subnetIds = subnetIds;

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags({ Name: `${name}-igw` }) }, p);
        const publicRt = new aws.ec2.RouteTable(
            `${name}-public-rt`,
            {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
                tags: tags({ Name: `${name}-public-rt` }),
            },
            p,
        );
        subnetIds.public.forEach(
            (id, i) => new aws.ec2.RouteTableAssociation(`${name}-public-rta-${AZ_LETTERS[i]}`, { subnetId: id, routeTableId: publicRt.id }, p),
        );

        const natCount = nat === "none" ? 0 : nat === "single" ? 1 : azCount;
        const natIds: pulumi.Output<string>[] = [];
        for (let i = 0; i < natCount; i++) {
            const eip = new aws.ec2.Eip(
                `${name}-nat-eip-${AZ_LETTERS[i]}`,
                { domain: "vpc", tags: tags({ Name: `${name}-nat-eip-${AZ_LETTERS[i]}` }) },
                { parent: this, dependsOn: [igw] },
            );
            natIds.push(
                new aws.ec2.NatGateway(
                    `${name}-nat-${AZ_LETTERS[i]}`,
                    {
                        allocationId: eip.id,
                        subnetId: subnetIds.public[i],
                        connectivityType: "public",
                        tags: tags({ Name: `${name}-nat-${AZ_LETTERS[i]}` }),
                    },
                    p,
                ).id,
            );
        }
        this.natGatewayIds = natIds;

        // App tier: one route table per AZ so a NAT per AZ keeps traffic in its AZ; with a single NAT every AZ
        // routes to it; with none there is no default route.
        const appRts = subnetIds["private-app"].map((id, i) => {
            const natId = natIds.length === 0 ? undefined : natIds[Math.min(i, natIds.length - 1)];
            const rt = new aws.ec2.RouteTable(
                `${name}-private-app-rt-${AZ_LETTERS[i]}`,
                {
                    vpcId: vpc.id,
                    routes: natId ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: natId }] : [],
                    tags: tags({ Name: `${name}-private-app-rt-${AZ_LETTERS[i]}` }),
                },
                p,
            );
            new aws.ec2.RouteTableAssociation(`${name}-private-app-rta-${AZ_LETTERS[i]}`, { subnetId: id, routeTableId: rt.id }, p);
            return rt;
        });
        this.appRouteTableIds = appRts.map((rt) => rt.id);
        // Data tier: no route out of the VPC at all.
        const dataRt = new aws.ec2.RouteTable(`${name}-private-data-rt`, { vpcId: vpc.id, tags: tags({ Name: `${name}-private-data-rt` }) }, p);
        subnetIds["private-data"].forEach(
            (id, i) => new aws.ec2.RouteTableAssociation(`${name}-private-data-rta-${AZ_LETTERS[i]}`, { subnetId: id, routeTableId: dataRt.id }, p),
        );

        const privateRtIds = [...appRts.map((rt) => rt.id), dataRt.id];
        for (const service of ["s3", "dynamodb"]) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}-endpoint`,
                {
                    vpcId: vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: privateRtIds,
                    tags: tags({ Name: `${name}-${service}-endpoint` }),
                },
                p,
            );
        }

        // Logs are state (an incident review reads them): protected and retained on delete, like every log group.
        const flowLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                retentionInDays: args.flowLogRetentionDays ?? 90,
                kmsKeyId: args.logsKmsKeyArn,
                tags: tags({ Name: `${name}-flow-logs` }),
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        const account = aws.getCallerIdentityOutput({}, p).accountId;
        // The VPC user guide ("IAM role for publishing flow logs to CloudWatch Logs") asks for the service
        // principal, scoped with aws:SourceAccount and aws:SourceArn against the confused deputy. The flow log is
        // created after (and from) this role, so its id is not known here: any flow log of this account and region.
        const flowRole = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: {
                                StringEquals: { "aws:SourceAccount": account },
                                ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:aws:ec2:${region}:${account}:vpc-flow-log/*` },
                            },
                        },
                    ],
                }),
                tags: tags({ Name: `${name}-flow-logs-role` }),
            },
            p,
        );
        // The guide's minimum permissions. Every action that can be limited to a resource is limited to this
        // log group (streams live under `<group arn>:*`); DescribeLogGroups supports no resource-level
        // permission (the Service Authorization Reference lists no resource type for it), so it needs "*".
        new aws.iam.RolePolicy(
            `${name}-flow-logs-policy`,
            {
                role: flowRole.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "WriteOwnLogGroup",
                            Effect: "Allow",
                            Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                            Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
                        },
                        {
                            Sid: "FindLogGroup",
                            Effect: "Allow",
                            Action: "logs:DescribeLogGroups",
                            Resource: "*",
                        },
                    ],
                }),
            },
            p,
        );
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: flowLogGroup.arn,
                iamRoleArn: flowRole.arn,
                maxAggregationInterval: 60,
                tags: tags({ Name: `${name}-flow-log` }),
            },
            p,
        );

        this.registerOutputs({ vpcId: this.vpcId, azs: this.azs, subnetIds: this.subnetIds, natGatewayIds: this.natGatewayIds });
    }
}
