/** Compute policies: EC2 launch settings, the ALB's edge settings, ECS tasks and services, and the ECR registry. */
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecr from "@pulumi/aws/ecr";
import * as ecs from "@pulumi/aws/ecs";
import * as lb from "@pulumi/aws/lb";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourcePolicy, StackPolicy, configOf } from "./lib";
import { T, UNKNOWN, arr, at, get, isApplicationLoadBalancerType, isCmk, isSet, isTrue, known, label, nonEmpty, ofType, text } from "../src/plan";

export const imdsv2Required: ResourcePolicy = {
    name: "aws-ec2-imdsv2-required",
    description: "Launch templates and instances require IMDSv2 session tokens (metadataOptions.httpTokens = required).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } (or disable the metadata endpoint).',
    validateResource: [
        validateResourceOfType(ec2.LaunchTemplate, (lt, _args, report) => {
            const m = lt.metadataOptions;
            if (m?.httpEndpoint !== "disabled" && m?.httpTokens !== "required")
                report(
                    `Launch templates must require IMDSv2: metadataOptions.httpTokens must be "required" (got ${JSON.stringify(m?.httpTokens ?? null)}).`,
                );
        }),
        validateResourceOfType(ec2.Instance, (i, _args, report) => {
            const m = i.metadataOptions;
            if (m?.httpEndpoint !== "disabled" && m?.httpTokens !== "required")
                report(
                    `Instances must require IMDSv2: metadataOptions.httpTokens must be "required" (got ${JSON.stringify(m?.httpTokens ?? null)}).`,
                );
        }),
    ],
};

function ebsProblem(where: string, encrypted: unknown, kmsKeyId: unknown): string | undefined {
    if (!isTrue(encrypted)) return `${where} must be encrypted (encrypted is ${JSON.stringify(encrypted ?? null)})`;
    if (!isCmk(kmsKeyId)) return `${where} must be encrypted under a customer-managed KMS key (kmsKeyId is ${JSON.stringify(kmsKeyId ?? null)})`;
    return undefined;
}

export const ebsEncryptedCmk: ResourcePolicy = {
    name: "aws-ebs-encrypted-cmk",
    description: "EBS volumes (launch-template block devices, instance volumes, standalone volumes) are encrypted under a customer-managed KMS key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps: 'Declare the root volume in blockDeviceMappings with ebs.encrypted "true" and ebs.kmsKeyId set to the region\'s data key.',
    validateResource: [
        validateResourceOfType(ec2.LaunchTemplate, (lt, _args, report) => {
            const maps = arr<NonNullable<typeof lt.blockDeviceMappings>[number]>(lt.blockDeviceMappings).filter((m) => m.ebs !== undefined);
            if (maps.length === 0) {
                report(
                    "Launch templates must declare their EBS root volume in blockDeviceMappings, encrypted under a customer-managed KMS key; without it the AMI's default (possibly unencrypted) applies.",
                );
                return;
            }
            for (const m of maps) {
                const p = ebsProblem(
                    `Block device ${text(
                        known(() => m.deviceName),
                        "(unnamed)",
                    )}`,
                    known(() => m.ebs?.encrypted),
                    known(() => m.ebs?.kmsKeyId),
                );
                if (p) report(`${p}.`);
            }
        }),
        validateResourceOfType(ec2.Instance, (i, _args, report) => {
            const root = i.rootBlockDevice;
            const p = ebsProblem(
                "The root block device",
                known(() => root?.encrypted),
                known(() => root?.kmsKeyId),
            );
            if (p) report(`${p}.`);
            for (const d of arr<NonNullable<typeof i.ebsBlockDevices>[number]>(i.ebsBlockDevices)) {
                const q = ebsProblem(
                    `EBS block device ${text(known(() => d.deviceName))}`,
                    known(() => d.encrypted),
                    known(() => d.kmsKeyId),
                );
                if (q) report(`${q}.`);
            }
        }),
        validateResourceOfType(ebs.Volume, (v, _args, report) => {
            const p = ebsProblem(
                "The volume",
                known(() => v.encrypted),
                known(() => v.kmsKeyId),
            );
            if (p) report(`${p}.`);
        }),
    ],
};

/** Elastic Load Balancing security policies that negotiate TLS 1.2 or later only (ELB user guide, "Security policies"). */
export const TLS12_POLICY_PATTERN = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;

const tlsSchema = {
    properties: {
        extraAllowedPolicies: {
            type: "array" as const,
            items: { type: "string" as const },
            default: [],
            description: "Further SSL policy names to accept (they must not allow TLS 1.0 or 1.1).",
        },
    },
};
interface TlsConfig {
    extraAllowedPolicies: string[];
}

export const albTls12: ResourcePolicy = {
    name: "aws-alb-tls-1-2-or-later",
    description: "HTTPS and TLS listeners use an SSL policy that allows TLS 1.2 or later only.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3 and 1.2). Leaving it unset gives ELBSecurityPolicy-2016-08, which allows TLS 1.0.",
    configSchema: tlsSchema,
    validateResource: validateResourceOfType(lb.Listener, (l, args, report) => {
        if (l.protocol !== "HTTPS" && l.protocol !== "TLS") return;
        const { extraAllowedPolicies } = configOf<TlsConfig>(tlsSchema, args.getConfig());
        const p = l.sslPolicy;
        if (!nonEmpty(p))
            report(
                `${l.protocol} listeners must set sslPolicy to a TLS 1.2+ policy; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0 and 1.1.`,
            );
        else if (!TLS12_POLICY_PATTERN.test(p) && !extraAllowedPolicies.includes(p))
            report(
                `${l.protocol} listeners must use a TLS 1.2+ SSL policy such as ELBSecurityPolicy-TLS13-1-2-2021-06; "${p}" allows older protocols.`,
            );
    }),
};

export const albHttpRedirect: ResourcePolicy = {
    name: "aws-alb-http-redirects-to-https",
    description: "Plain HTTP listeners only redirect to HTTPS.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give the HTTP listener a single default action { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.',
    validateResource: validateResourceOfType(lb.Listener, (l, _args, report) => {
        if (l.protocol !== "HTTP") return;
        const actions = arr<NonNullable<typeof l.defaultActions>[number]>(l.defaultActions);
        const redirects = actions.length > 0 && actions.every((a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS");
        if (!redirects)
            report(`HTTP listeners must redirect to HTTPS; this one's default actions are ${actions.map((a) => a.type).join(", ") || "(none)"}.`);
    }),
};

export const albAccessLogs: ResourcePolicy = {
    name: "aws-alb-access-logs-enabled",
    description: "Application load balancers write access logs to S3.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set accessLogs: { bucket, enabled: true } with a bucket in the same region whose policy lets the region's ELB log-delivery principal write.",
    validateResource: validateResourceOfType(lb.LoadBalancer, (lb, _args, report) => {
        if (!isApplicationLoadBalancerType(lb.loadBalancerType)) return;
        if (lb.accessLogs?.enabled !== true || !isSet(known(() => lb.accessLogs?.bucket)))
            report("Application load balancers must have access logs enabled (accessLogs.enabled true, with a bucket).");
    }),
};

export const albDropInvalidHeaders: ResourcePolicy = {
    name: "aws-alb-drop-invalid-header-fields",
    description: "Application load balancers drop HTTP headers with invalid names instead of passing them to targets.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps: "Set dropInvalidHeaderFields: true on the load balancer.",
    validateResource: validateResourceOfType(lb.LoadBalancer, (lb, _args, report) => {
        if (!isApplicationLoadBalancerType(lb.loadBalancerType)) return;
        if (lb.dropInvalidHeaderFields !== true) report("Application load balancers must drop invalid header fields (dropInvalidHeaderFields true).");
    }),
};

/** The container definitions of a task definition; undefined when they are not valid JSON. */
export function containersOf(json: unknown): Array<Record<string, unknown>> | undefined {
    if (typeof json !== "string") return Array.isArray(json) ? (json as Array<Record<string, unknown>>) : undefined;
    try {
        const v = JSON.parse(json) as unknown;
        return Array.isArray(v) ? (v as Array<Record<string, unknown>>) : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A task definition's container definitions, or `notApplicable` while they are unknown (a preview): a container
 * that reads another resource's output, such as the cache's endpoint, makes the whole JSON unknown until that
 * resource exists. The analyzer checks the task definition again, with the values known, before `pulumi up`
 * creates it (policies run in preview and in the update, just before each resource is created or updated:
 * the @pulumi/policy README), so nothing goes unchecked.
 */
function containerDefinitionsKnown(td: { containerDefinitions: unknown }, args: { notApplicable: (reason?: string) => never }): unknown {
    const defs = known(() => td.containerDefinitions);
    return defs === UNKNOWN ? args.notApplicable("the container definitions are unknown until the update") : defs;
}

export const ecsNotPrivileged: ResourcePolicy = {
    name: "aws-ecs-task-not-privileged",
    description: "No ECS container runs privileged.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Remove privileged: true from the container definition (Fargate rejects it anyway); grant specific Linux capabilities only if a workload needs them.",
    validateResource: validateResourceOfType(ecs.TaskDefinition, (td, args, report) => {
        const cs = containersOf(containerDefinitionsKnown(td, args));
        if (!cs) {
            report("Task definitions must have containerDefinitions as a JSON array so they can be checked.");
            return;
        }
        for (const c of cs) if (c.privileged === true) report(`Container "${String(c.name)}" must not run privileged.`);
    }),
};

export const ecsLogging: ResourcePolicy = {
    name: "aws-ecs-task-logging-configured",
    description: "Every ECS container sends its logs somewhere (a logConfiguration with a log driver).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give each container a logConfiguration, e.g. { logDriver: "awslogs", options: { "awslogs-group", "awslogs-region", "awslogs-stream-prefix" } } with a KMS-encrypted log group.',
    validateResource: validateResourceOfType(ecs.TaskDefinition, (td, args, report) => {
        const cs = containersOf(containerDefinitionsKnown(td, args));
        if (!cs) {
            report("Task definitions must have containerDefinitions as a JSON array so they can be checked.");
            return;
        }
        for (const c of cs) {
            const lc = c.logConfiguration as Record<string, unknown> | undefined;
            if (!nonEmpty(lc?.logDriver)) report(`Container "${String(c.name)}" must configure logging (logConfiguration.logDriver).`);
        }
    }),
};

export const ecsNoPublicIp: ResourcePolicy = {
    name: "aws-ecs-service-no-public-ip",
    description: "ECS services do not give their tasks public IP addresses.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set networkConfiguration.assignPublicIp to false and run tasks in private subnets behind the ALB (outbound through NAT or VPC endpoints).",
    validateResource: validateResourceOfType(ecs.Service, (svc, _args, report) => {
        if (isTrue(svc.networkConfiguration?.assignPublicIp))
            report("ECS services must not assign public IPs to tasks (networkConfiguration.assignPublicIp must be false).");
    }),
};

/** ECR's encryption types that use a KMS key (KMS_DSSE: dual-layer, GovCloud only). */
const ECR_KMS_TYPES: readonly unknown[] = ["KMS", "KMS_DSSE"];

/** Why an ECR encryption configuration is not under a customer-managed key, or undefined (a pending value is a reference). */
function ecrEncryptionProblem(what: string, configs: unknown): string | undefined {
    if (configs === UNKNOWN) return undefined;
    const c = arr(configs)[0];
    const type = c === undefined ? undefined : at(c, "encryptionType");
    if (type === UNKNOWN) return undefined;
    if (!ECR_KMS_TYPES.includes(type))
        return `${what} must be encrypted under a customer-managed KMS key (encryptionConfiguration encryptionType KMS with kmsKey); got ${type === undefined ? "none, so AES256" : JSON.stringify(type)}.`;
    if (!isCmk(at(c, "kmsKey")))
        return `${what} must name its customer-managed KMS key (encryptionConfiguration kmsKey); without one ECR uses the AWS-managed aws/ecr key.`;
    return undefined;
}

export const ecrEncryptedCmk: ResourcePolicy = {
    name: "aws-ecr-encrypted-cmk",
    description:
        "ECR repositories, and the repositories a creation template makes (replication, pull-through cache, create on push), are encrypted under a customer-managed KMS key.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give the repository encryptionConfigurations [{ encryptionType: "KMS", kmsKey: <the region\'s data key ARN> }]. A repository creation template needs the same, plus customRoleArn: a role ECR assumes (trust ecr.amazonaws.com) with ecr:CreateRepository, ecr:ReplicateImage, ecr:TagResource and kms:CreateGrant, kms:RetireGrant, kms:DescribeKey on that key.',
    validateResource: [
        validateResourceOfType(ecr.Repository, (r, _args, report) => {
            const p = ecrEncryptionProblem(
                "ECR repositories",
                known(() => r.encryptionConfigurations),
            );
            if (p) report(p);
        }),
        validateResourceOfType(ecr.RepositoryCreationTemplate, (t, _args, report) => {
            const prefix = known(() => t.prefix);
            const p = ecrEncryptionProblem(
                `Repositories created by the ${nonEmpty(prefix) ? prefix : "(pending)"} template`,
                known(() => t.encryptionConfigurations),
            );
            if (p) report(p);
            // ECR needs a role to apply a KMS key (or resource tags) from a template; without one, creation fails.
            else if (!isSet(known(() => t.customRoleArn)))
                report(
                    "A repository creation template that encrypts under a KMS key must set customRoleArn, the role ECR assumes to create the repository and its KMS grant.",
                );
        }),
    ],
};

const REPOSITORY_CREATION_TEMPLATE = T.ecrCreationTemplate;

export const ecrReplicasEncryptedCmk: StackPolicy = {
    name: "aws-ecr-replicas-encrypted-cmk",
    description:
        "A region that receives the home region's image replicas (its stack holds a replica of the multi-Region data key) has a ROOT repository creation template for REPLICATION, so the repositories replication creates there are not left on ECR's default AES256.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Create an aws.ecr.RepositoryCreationTemplate in this region with prefix "ROOT" (the project\'s repository names have no namespace, which only ROOT matches), appliedFors ["REPLICATION"], KMS encryption under this region\'s data key and a customRoleArn (components/ecr.ts `receivesReplicas`). Deploy it before the first image is pushed: a template applies only to repositories created after it.',
    validateStack: (args, report) => {
        const replicaKeys = ofType(args.resources, T.kmsReplicaKey);
        if (replicaKeys.length === 0) return;
        const covers = ofType(args.resources, REPOSITORY_CREATION_TEMPLATE).some((t) => {
            const applied = get(t, "appliedFors");
            return get(t, "prefix") === "ROOT" && (applied === UNKNOWN || arr(applied).includes("REPLICATION"));
        });
        if (!covers)
            report(
                `This stack holds ${label(replicaKeys[0])}, so it receives image replicas from the home region; it must have a repository creation template with prefix ROOT applied for REPLICATION, or the replicated repositories are encrypted with AES256 instead of a customer-managed key.`,
            );
    },
};
