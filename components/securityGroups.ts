import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecurityGroupsArgs {
    /** The VPC the groups belong to. Required. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The managed prefix list the ALB accepts HTTPS from: CloudFront's origin-facing servers, looked up in the
     * region. When undefined (only while a deployment made before the edge migrates), HTTPS from anywhere.
     */
    readonly albIngressPrefixListId?: pulumi.Input<string>;
    /** The VPC CIDR: the app tier may reach the data tier's ports inside it. Required. */
    readonly vpcCidr: string;
    /** Port the web instances serve on behind the ALB. Default 80. */
    readonly webPort?: number;
    /** Container ports of the Fargate services (duplicates are merged). Default none. */
    readonly appPorts?: readonly number[];
    /** Ports of the data tier (Aurora PostgreSQL 5432) that the app tier may open inside the VPC. Default [5432]. */
    readonly dataPorts?: readonly number[];
    /** Tags applied to every child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

const ANYWHERE = "0.0.0.0/0";

/**
 * The compute tier's security groups, one per tier, with every rule a separate resource
 * (aws.vpc.SecurityGroupIngressRule / EgressRule; no inline rules, so nothing fights over them):
 * - `alb`: HTTPS from CloudFront's origin-facing prefix list only (no port 80: CloudFront reaches the origin over
 *   HTTPS only, and the prefix list weighs 55 of a group's default 60 rules, so it fits once); it may reach only
 *   the web group.
 * - `web`: the storefront instances; ingress from the ALB group on the web port only.
 * - `vpc-link`: the API's VPC link (its network interfaces in the app subnets); no ingress, and out only to the
 *   services' load balancer.
 * - `svc-lb`: the services' internal load balancer; HTTPS from the VPC link only, out only to the services.
 * - `app`: the Fargate services; ingress from the services' load balancer only, on the services' ports: the
 *   internet reaches them through the API and nothing else.
 * The data tier's groups accept from `app` only: `appSecurityGroupIds` is what they must allow.
 * Outbound HTTPS from web/app goes anywhere (SSM, ECR, CloudWatch Logs through NAT or gateway endpoints).
 */
export class SecurityGroups extends pulumi.ComponentResource {
    public readonly albSecurityGroupId: pulumi.Output<string>;
    public readonly webSecurityGroupId: pulumi.Output<string>;
    public readonly appSecurityGroupId: pulumi.Output<string>;
    public readonly vpcLinkSecurityGroupId: pulumi.Output<string>;
    public readonly servicesLbSecurityGroupId: pulumi.Output<string>;
    /** Groups whose members are the application tier: the data tier accepts these and nothing else. */
    public readonly appSecurityGroupIds: pulumi.Output<string>[];

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:SecurityGroups", name, {}, opts);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const webPort = args.webPort ?? 80;
        const appPorts = [...new Set(args.appPorts ?? [])].sort((a, b) => a - b);
        const dataPorts = [...new Set(args.dataPorts ?? [5432])].sort((a, b) => a - b);

        const group = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(
                `${name}-${role}`,
                {
                    vpcId: args.vpcId,
                    description,
                    tags: tags(`${name}-${role}`),
                },
                p,
            );
        const alb = group("alb", "SecureCart ALB: HTTPS from CloudFront only");
        const web = group("web", "SecureCart storefront instances: from the ALB only");
        const app = group("app", "SecureCart Fargate services: from the services' load balancer only");
        const link = group("vpc-link", "SecureCart API VPC link: to the services' load balancer only");
        const svcLb = group("svc-lb", "SecureCart services' internal load balancer: from the API's VPC link only");

        const ingress = (
            rule: string,
            sg: aws.ec2.SecurityGroup,
            port: number,
            from: { cidr?: string; sg?: pulumi.Input<string>; prefixList?: pulumi.Input<string> },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${rule}`,
                {
                    securityGroupId: sg.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: from.cidr,
                    referencedSecurityGroupId: from.sg,
                    prefixListId: from.prefixList,
                    description,
                    tags: tags(`${name}-${rule}`),
                },
                p,
            );
        const egress = (
            rule: string,
            sg: aws.ec2.SecurityGroup,
            port: number,
            to: { cidr?: string; sg?: pulumi.Input<string> },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-${rule}`,
                {
                    securityGroupId: sg.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: to.cidr,
                    referencedSecurityGroupId: to.sg,
                    description,
                    tags: tags(`${name}-${rule}`),
                },
                p,
            );

        // The ALB: HTTPS from CloudFront's origin-facing servers, nothing else. The listener also checks the
        // edge's secret header, so another CloudFront distribution cannot reach it either.
        ingress(
            "alb-in-https",
            alb,
            443,
            args.albIngressPrefixListId === undefined ? { cidr: ANYWHERE } : { prefixList: args.albIngressPrefixListId },
            args.albIngressPrefixListId === undefined
                ? "HTTPS from the internet (until the edge takes over)"
                : "HTTPS from CloudFront origin-facing servers",
        );
        egress(`alb-out-web-${webPort}`, alb, webPort, { sg: web.id }, "to the storefront instances");

        egress("vpc-link-out-https", link, 443, { sg: svcLb.id }, "to the services' load balancer");
        ingress("svc-lb-in-https", svcLb, 443, { sg: link.id }, "HTTPS from the API's VPC link only");
        for (const port of appPorts) egress(`svc-lb-out-app-${port}`, svcLb, port, { sg: app.id }, "to the Fargate services");

        ingress(`web-in-alb-${webPort}`, web, webPort, { sg: alb.id }, "from the ALB only");
        egress("web-out-https", web, 443, { cidr: ANYWHERE }, "HTTPS out: SSM, CloudWatch, package mirrors");

        for (const port of appPorts) ingress(`app-in-svc-lb-${port}`, app, port, { sg: svcLb.id }, "from the services' load balancer only");
        egress("app-out-https", app, 443, { cidr: ANYWHERE }, "HTTPS out: ECR, CloudWatch Logs, AWS APIs");
        for (const port of dataPorts) egress(`app-out-data-${port}`, app, port, { cidr: args.vpcCidr }, "to the data tier inside the VPC");

        this.albSecurityGroupId = alb.id;
        this.webSecurityGroupId = web.id;
        this.appSecurityGroupId = app.id;
        this.vpcLinkSecurityGroupId = link.id;
        this.servicesLbSecurityGroupId = svcLb.id;
        this.appSecurityGroupIds = [app.id];
        this.registerOutputs({
            albSecurityGroupId: alb.id,
            webSecurityGroupId: web.id,
            appSecurityGroupId: app.id,
            vpcLinkSecurityGroupId: link.id,
            servicesLbSecurityGroupId: svcLb.id,
        });
    }
}
