/**
 * Type tokens no @pulumi/aws class carries: the ones the engine adds (the stack, stack references,
 * providers) and the project's dynamic resources, whose token @pulumi/pulumi builds from a module and a type.
 * Also how the offline plan's JSON writes values it cannot show. Free of imports, so a tool that reads a
 * saved plan (policy:check) does not load the Pulumi SDK for them.
 */

/** How the offline plan's JSON writes an unknown value (a stable contract of `npm run plan --json`). */
export const UNKNOWN_JSON = "[unknown]";

/** How the offline plan's JSON writes a secret value. */
export const SECRET_JSON = "[secret]";

/** A dynamic resource's type token, as @pulumi/pulumi's dynamic.Resource builds it from its module and type. */
export function dynamicToken(module: string, type: string): string {
    return `pulumi-nodejs:dynamic/${module}:${type}`;
}

/** The project's dynamic resources: the module and type their constructors pass, and the token that makes. */
export const DYNAMIC = {
    globalWriter: { module: "securecart", type: "GlobalWriter", token: dynamicToken("securecart", "GlobalWriter") },
    restorePoint: { module: "securecart", type: "RestorePoint", token: dynamicToken("securecart", "RestorePoint") },
    userPoolReplicaStatus: { module: "securecart", type: "UserPoolReplicaStatus", token: dynamicToken("securecart", "UserPoolReplicaStatus") },
    cachePrimary: { module: "securecart", type: "CachePrimary", token: dynamicToken("securecart", "CachePrimary") },
    filesPrimary: { module: "securecart", type: "FilesPrimary", token: dynamicToken("securecart", "FilesPrimary") },
    filesReplication: { module: "securecart", type: "FilesReplication", token: dynamicToken("securecart", "FilesReplication") },
} as const;

/** Types the engine itself adds. */
export const ENGINE = {
    stack: "pulumi:pulumi:Stack",
    stackReference: "pulumi:pulumi:StackReference",
    providerPrefix: "pulumi:providers:",
    dynamicPrefix: "pulumi-nodejs:dynamic/",
} as const;

/** The module part of a type token, with its slash (e.g. "aws:route53/" for a Route 53 record): a whole service. */
export function moduleOf(token: string): string {
    return token.slice(0, token.indexOf("/") + 1);
}

/** Whether a type token is an AWS resource's (the provider's `aws:` package). */
export function isAws(type: string): boolean {
    return type.startsWith("aws:");
}

/** Whether a type is the engine's or the project's own (the Stack, a provider, a component), not a cloud resource. */
export function isEngineType(type: string): boolean {
    return type.startsWith("pulumi:") || type.startsWith("securecart:");
}

/** Whether a resource is a custom resource of the cloud (not the Stack, a component, or a provider). */
export function isCloudResource(type: string): boolean {
    return !isEngineType(type);
}
