/** Network policies: what may reach the VPC from the internet, and that the VPC records its traffic. */
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import { PolicyResource, validateResourceOfType } from "@pulumi/policy";
import { OPEN_CIDRS, ResourcePolicy, StackPolicy, configOf } from "./lib";
import {
    ALL_PROTOCOLS,
    Ingress,
    T,
    allDependencyUrns,
    PolicyShape,
    ingressOf,
    isApplicationLoadBalancerType,
    label,
    ofType,
    opensPort,
    refersTo,
    strict,
    text,
} from "../src/plan";

function describe(i: Ingress): string {
    const ports = ALL_PROTOCOLS.includes(i.protocol)
        ? "all traffic"
        : i.fromPort === i.toPort
          ? `${i.protocol}/${i.fromPort}`
          : `${i.protocol}/${i.fromPort}-${i.toPort}`;
    return `${ports} from ${i.cidrs.filter((c) => OPEN_CIDRS.includes(c)).join(" and ")}`;
}

const adminPortsSchema = {
    properties: {
        ports: {
            type: "array" as const,
            items: { type: "integer" as const },
            default: [22, 3389],
            description: "Administrative ports never open to the internet (SSH, RDP).",
        },
    },
};
interface AdminPortsConfig {
    ports: number[];
}

function checkAdminPorts(r: PolicyShape, ports: readonly number[], report: (m: string) => void): void {
    for (const i of ingressOf(r)) {
        if (!i.cidrs.some((c) => OPEN_CIDRS.includes(c))) continue;
        const open = ports.filter((p) => opensPort(i, p));
        if (open.length)
            report(
                `Security group rules must not open administrative ports ${open.join(", ")} to the internet; this one allows ${describe(i)}. Use SSM Session Manager instead of SSH/RDP.`,
            );
    }
}

export const noAdminPortsFromInternet: ResourcePolicy = {
    name: "aws-security-group-no-ssh-rdp-from-internet",
    description: "No security group rule allows SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove the rule. Reach instances through AWS Systems Manager Session Manager (the web tier's instance profile already has AmazonSSMManagedInstanceCore).",
    configSchema: adminPortsSchema,
    validateResource: [
        validateResourceOfType(ec2.SecurityGroup, (sg, args, report) =>
            checkAdminPorts(
                { type: args.type, name: args.name, urn: args.urn, props: sg as Record<string, unknown> },
                configOf<AdminPortsConfig>(adminPortsSchema, args.getConfig()).ports,
                report,
            ),
        ),
        validateResourceOfType(ec2.SecurityGroupRule, (rule, args, report) =>
            checkAdminPorts(
                { type: args.type, name: args.name, urn: args.urn, props: rule as Record<string, unknown> },
                configOf<AdminPortsConfig>(adminPortsSchema, args.getConfig()).ports,
                report,
            ),
        ),
        validateResourceOfType(vpc.SecurityGroupIngressRule, (rule, args, report) =>
            checkAdminPorts(
                { type: args.type, name: args.name, urn: args.urn, props: rule as Record<string, unknown> },
                configOf<AdminPortsConfig>(adminPortsSchema, args.getConfig()).ports,
                report,
            ),
        ),
    ],
};

const publicIngressSchema = {
    properties: {
        albPorts: {
            type: "array" as const,
            items: { type: "integer" as const },
            // None: the ALB is reached through CloudFront only, from its origin-facing prefix list (aws-alb-only-from-cloudfront).
            default: [],
            description:
                "TCP ports an internet-facing application load balancer may accept from anywhere; none by default, since the ALB takes CloudFront's origin-facing prefix list only (a project without the edge would list 443).",
        },
    },
};
interface PublicIngressConfig {
    albPorts: number[];
}

const RULE_TYPES: readonly string[] = [T.securityGroup, T.securityGroupRule, T.ingressRule, T.egressRule];

/** The resources a group is attached to: everything that refers to it except security groups and their rules. */
function attachmentsOf(sg: PolicyResource, resources: readonly PolicyResource[]): PolicyResource[] {
    return resources.filter((r) => !RULE_TYPES.includes(r.type) && allDependencyUrns(r).includes(sg.urn));
}

const isPublicAlb = (r: PolicyResource) =>
    r.type === T.loadBalancer && isApplicationLoadBalancerType(strict(r, "loadBalancerType")) && strict(r, "internal") !== true;

export const noPublicIngress: StackPolicy = {
    name: "aws-security-group-no-public-ingress",
    description:
        "Nothing accepts traffic from 0.0.0.0/0 or ::/0: the ALB is reached through CloudFront's origin-facing prefix list. Only ports listed in albPorts (none by default) may be open, on a group attached to internet-facing ALBs only (or, until one exists, to nothing).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Allow the tier's traffic from the security group in front of it (referencedSecurityGroupId) instead of a CIDR, and the ALB's from CloudFront's origin-facing managed prefix list (prefixListId). Only a port listed in albPorts may be open to the internet, on the ALB's group, attached to nothing else.",
    configSchema: publicIngressSchema,
    validateStack: (args, report) => {
        const { albPorts } = configOf<PublicIngressConfig>(publicIngressSchema, args.getConfig());
        const groups = ofType(args.resources, T.securityGroup);
        for (const r of ofType(args.resources, T.securityGroup, T.securityGroupRule, T.ingressRule)) {
            const group = r.type === T.securityGroup ? r : groups.find((g) => refersTo(r, "securityGroupId", g));
            const attached = group ? attachmentsOf(group, args.resources) : [];
            const others = attached.filter((a) => !isPublicAlb(a));
            for (const i of ingressOf(r)) {
                if (!i.cidrs.some((c) => OPEN_CIDRS.includes(c))) continue;
                const webPort = i.protocol === "tcp" && i.fromPort === i.toPort && albPorts.includes(i.fromPort ?? -1);
                if (!group) {
                    report(
                        `${label(r)} must not accept ${describe(i)}: its security group is not in this stack, so it cannot be shown to front only an internet-facing ALB.`,
                        r.urn,
                    );
                } else if (!webPort) {
                    report(
                        albPorts.length
                            ? `${label(r)} must not accept ${describe(i)}: only an internet-facing ALB's security group may be open to the internet, on TCP ${albPorts.join(" and ")}.`
                            : `${label(r)} must not accept ${describe(i)}: nothing is open to the internet; the ALB takes only CloudFront's origin-facing prefix list.`,
                        r.urn,
                    );
                } else if (others.length) {
                    report(
                        `${label(r)} opens ${label(group)} to ${describe(i)}, so that group must be attached to internet-facing ALBs only; it is also attached to ${others.map(label).join(", ")}.`,
                        r.urn,
                    );
                }
            }
        }
    },
};

export const vpcFlowLogs: StackPolicy = {
    name: "aws-vpc-flow-logs-enabled",
    description: "Every VPC has a flow log that records all traffic (ACCEPT and REJECT).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Add an aws.ec2.FlowLog with vpcId set to the VPC and trafficType ALL, delivering to a KMS-encrypted log group.",
    validateStack: (args, report) => {
        const logs = ofType(args.resources, T.flowLog);
        for (const vpc of ofType(args.resources, T.vpc)) {
            const mine = logs.filter((l) => refersTo(l, "vpcId", vpc));
            if (mine.length === 0) report(`${label(vpc)} must have a VPC flow log; none refers to it.`, vpc.urn);
            else if (!mine.some((l) => strict(l, "trafficType") === "ALL"))
                report(
                    `${label(vpc)} must have a flow log with trafficType ALL; found ${mine.map((l) => text(strict(l, "trafficType"))).join(", ")}.`,
                    vpc.urn,
                );
        }
    },
};
