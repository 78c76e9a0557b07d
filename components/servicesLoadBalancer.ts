import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsValidatedCertificate } from "./certificate";
import { ALB_SSL_POLICY } from "./webTier";

export interface ServicesLoadBalancerArgs {
    /** Private subnets the load balancer's nodes live in (the app subnets). Required, at least 2 AZs. */
    readonly subnetIds: pulumi.Input<string>[];
    /** Its security group: HTTPS from the API's VPC link only. Required. */
    readonly securityGroupId: pulumi.Input<string>;
    /**
     * The name on its certificate, which the API's private integration verifies (and sends as SNI). It needs no
     * DNS record: the API reaches the listener by its ARN. Required.
     */
    readonly certificateName: string;
    /** Public hosted zone that holds the certificate's validation record. Required. */
    readonly zoneId: string;
    /** Deletion protection. Default true. */
    readonly deletionProtection?: boolean;
    /** Bucket and prefix of its access logs. Required (every load balancer logs). */
    readonly accessLogBucket: pulumi.Input<string>;
    /** Default "services-lb". */
    readonly accessLogPrefix?: string;
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The Fargate services' own load balancer: internal (no public address, no route from the internet), in the app
 * subnets, reached only by the API's VPC link. One HTTPS listener (the services add their path rules to it)
 * whose default answer is a fixed 404, so a path no service owns never reaches one. HTTPS even inside the VPC:
 * the API's private integration verifies the certificate's name (tlsConfig.serverNameToVerify), and requests
 * carry customers' tokens.
 */
export class ServicesLoadBalancer extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly arnSuffix: pulumi.Output<string>;
    public readonly listenerArn: pulumi.Output<string>;

    constructor(name: string, args: ServicesLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:compute:ServicesLoadBalancer", name, {}, opts);
        if (args.subnetIds.length < 2)
            throw new pulumi.ResourceError(`ServicesLoadBalancer ${name}: subnetIds: got ${args.subnetIds.length}; expected at least 2 AZs`, this);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const cert = new DnsValidatedCertificate(`${name}-cert`, { names: [args.certificateName], zoneId: args.zoneId, tags: args.tags }, p);
        const lb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: true,
                ipAddressType: "ipv4",
                securityGroups: [args.securityGroupId],
                subnets: args.subnetIds,
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                enableDeletionProtection: args.deletionProtection ?? true,
                accessLogs: { bucket: args.accessLogBucket, prefix: args.accessLogPrefix ?? "services-lb", enabled: true },
                tags: tags(`${name}-alb`),
            },
            p,
        );
        const listener = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: lb.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: ALB_SSL_POLICY,
                certificateArn: cert.certificateArn,
                defaultActions: [
                    { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } },
                ],
                tags: tags(`${name}-https`),
            },
            p,
        );
        this.arn = lb.arn;
        this.arnSuffix = lb.arnSuffix;
        this.listenerArn = listener.arn;
        this.registerOutputs({ arn: this.arn, listenerArn: this.listenerArn });
    }
}
