/**
 * Sign-in (Cognito) and the API in front of the services (API Gateway): their security baseline and their DR
 * invariants. Every check reads the planned stack through the project's one model (src/plan).
 */
import { KEEPALIVE_ROUTE } from "../src/apiRoutes";
import {
    type ProjectFacts,
    PULUMI,
    T,
    UNKNOWN,
    arr,
    get,
    isApiKeepAlive,
    isSet,
    isUnknown,
    label,
    nonEmpty,
    num,
    obj,
    ofType,
    text,
    USER_EXPORT_FUNCTION,
    IDENTITY_EXPORT_BUCKET_PREFIX,
    refersTo,
    str,
} from "../src/plan";
import type { PlanResource } from "../src/plan/resource";
import { DYNAMIC } from "../src/plan/engineTypes";
import { StackPolicy, configOf, factsSchema, requireContext, who } from "./lib";

// ---------------------------------------------------------------------------------------------------------
// The services: reachable through the API only
// ---------------------------------------------------------------------------------------------------------

/** The load balancers whose listeners forward to `tg` (by a listener rule or a listener's default action). */
function loadBalancersForwardingTo(tg: PlanResource, rs: readonly PlanResource[]): PlanResource[] {
    // By value only where the ARN is known: in a preview every unknown ARN would equal every other.
    const arn = get(tg, "arn");
    const same = (v: unknown) => nonEmpty(arn) && !isUnknown(arn) && v === arn;
    const forwards = (actions: unknown) =>
        arr<Record<string, unknown>>(actions).some(
            (a) => same(a.targetGroupArn) || arr<Record<string, unknown>>(obj(a.forward).targetGroups).some((g) => same(g.arn)),
        );
    const listeners = ofType(rs, T.listener);
    const viaRules = ofType(rs, T.listenerRule)
        .filter((r) => refersTo(r, "actions", tg) || forwards(get(r, "actions")))
        .flatMap((r) => listeners.filter((l) => refersTo(r, "listenerArn", l)));
    const viaDefault = listeners.filter((l) => forwards(get(l, "defaultActions")));
    return [...new Set([...viaRules, ...viaDefault])].flatMap((l) => ofType(rs, T.loadBalancer).filter((lb) => refersTo(l, "loadBalancerArn", lb)));
}

export const servicesOnlyThroughApi: StackPolicy = {
    name: "dr-services-only-through-api",
    description:
        "No microservice is reachable from the internet except through the API: each Fargate service's target group is forwarded to by internal load balancers only, each of which is the private integration (VPC link) of an API Gateway API, and the services' security group accepts traffic from load balancers' groups only, never from an address range.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Attach the services' target groups to listener rules of the internal load balancer (internal: true) only, and make its HTTPS listener the integrationUri of an HTTP_PROXY integration with connectionType VPC_LINK. A rule on the public ALB, a public load balancer or a CIDR ingress on the services' group lets the internet reach a service past the API's authorizer and throttling.",
    validateStack: (args, report) => {
        const rs = args.resources;
        const integrations = ofType(rs, T.apiIntegration);
        for (const svc of ofType(rs, T.ecsService)) {
            for (const attached of arr<Record<string, unknown>>(get(svc, "loadBalancers"))) {
                const tg = ofType(rs, T.targetGroup).find((t) => {
                    const arn = get(t, "arn");
                    return (nonEmpty(arn) && !isUnknown(arn) && arn === attached.targetGroupArn) || refersTo(svc, "loadBalancers", t);
                });
                if (!tg) continue;
                for (const lb of loadBalancersForwardingTo(tg, rs)) {
                    const internal = get(lb, "internal");
                    if (isUnknown(internal)) continue;
                    if (internal !== true) {
                        report(
                            `${label(svc)} is reachable from the internet: ${label(lb)} is internet-facing and forwards to its target group ${label(tg)}.`,
                            svc.urn,
                        );
                        continue;
                    }
                    const listeners = ofType(rs, T.listener).filter((l) => refersTo(l, "loadBalancerArn", lb));
                    const fronted = listeners.some((l) =>
                        integrations.some((i) => refersTo(i, "integrationUri", l) && get(i, "connectionType") === "VPC_LINK"),
                    );
                    if (!fronted)
                        report(
                            `${label(svc)} sits behind ${label(lb)}, which no API reaches: no HTTP_PROXY integration with connectionType VPC_LINK names its listener.`,
                            svc.urn,
                        );
                }
            }
        }
        // The services' group: what their tasks run in.
        const groups = new Set(
            ofType(rs, T.ecsService).flatMap((s) => arr<string>(get(s, "networkConfiguration.securityGroups")).filter((g) => typeof g === "string")),
        );
        const lbGroups = new Set(ofType(rs, T.loadBalancer).flatMap((lb) => arr<string>(get(lb, "securityGroups"))));
        for (const rule of ofType(rs, T.ingressRule)) {
            const sg = get(rule, "securityGroupId");
            if (typeof sg !== "string" || !groups.has(sg)) continue;
            const from = get(rule, "referencedSecurityGroupId");
            if (isUnknown(from)) continue;
            if (typeof from !== "string" || !lbGroups.has(from))
                report(
                    `${label(rule)} lets ${typeof from === "string" ? `group ${from}` : `${String(get(rule, "cidrIpv4") ?? get(rule, "cidrIpv6") ?? get(rule, "prefixListId") ?? "an address range")}`} reach the services; only a load balancer's group may.`,
                    rule.urn,
                );
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// API Gateway
// ---------------------------------------------------------------------------------------------------------

const routesSchema = factsSchema({
    publicRoutes: {
        type: "array",
        items: { type: "string" },
        default: ["GET /api/catalog", "GET /api/catalog/{proxy+}"],
        description: "Route keys anyone may call without a token (securecart:api.publicRoutes); the keep-alive route is always allowed.",
    },
});
interface RoutesConfig extends ProjectFacts {
    publicRoutes: string[];
}

export const apiRoutesAuthorized: StackPolicy = {
    name: "aws-api-routes-authorized",
    description:
        "Every API route except the configured public ones (the catalogue's reads) and the keep-alive route requires a Cognito token: authorizationType JWT with an authorizer of the same API whose issuer and audience are set.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Give the route authorizationType \"JWT\" and the authorizerId of the API's JWT authorizer (jwtConfiguration { issuer: <the pool's issuer>, audiences: [<the storefront client id>] }), or add the route key to securecart:api.publicRoutes if anyone may call it.",
    configSchema: routesSchema,
    validateStack: (args, report) => {
        const c = configOf<RoutesConfig>(routesSchema, args.getConfig());
        const open = new Set([...c.publicRoutes, KEEPALIVE_ROUTE]);
        const rs = args.resources;
        for (const route of ofType(rs, T.apiRoute)) {
            const key = get(route, "routeKey");
            if (isUnknown(key) || (typeof key === "string" && open.has(key))) continue;
            const type = get(route, "authorizationType");
            if (isUnknown(type)) continue;
            if (type !== "JWT") {
                report(
                    `${label(route)} (${String(key)}) must require a Cognito token (authorizationType JWT); it is ${JSON.stringify(type ?? "NONE")}.`,
                    route.urn,
                );
                continue;
            }
            const authorizer = ofType(rs, T.apiAuthorizer).find((a) => refersTo(route, "authorizerId", a));
            if (!authorizer) {
                if (!isUnknown(get(route, "authorizerId"))) report(`${label(route)} (${String(key)}) names no planned JWT authorizer.`, route.urn);
                continue;
            }
            const issuer = get(authorizer, "jwtConfiguration.issuer");
            const audiences = get(authorizer, "jwtConfiguration.audiences");
            if (
                get(authorizer, "authorizerType") !== "JWT" ||
                (!isUnknown(issuer) && !nonEmpty(issuer)) ||
                (!isUnknown(audiences) && arr(audiences).length === 0)
            )
                report(
                    `${label(authorizer)} must be a JWT authorizer with an issuer and at least one audience (the storefront client).`,
                    authorizer.urn,
                );
        }
    },
};

export const apiBaseline: StackPolicy = {
    name: "aws-api-baseline",
    description:
        "Each HTTP API answers only on its custom domain (disableExecuteApiEndpoint) with TLS 1.2; reaches the services only by a private integration over a VPC link, in HTTPS with the certificate name verified; and its stage logs every request (access logs) and throttles its default route.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set disableExecuteApiEndpoint: true on the API; securityPolicy "TLS_1_2" on the domain; connectionType "VPC_LINK" and tlsConfig { serverNameToVerify } on each HTTP_PROXY integration; and on the stage accessLogSettings { destinationArn, format } and defaultRouteSettings { throttlingRateLimit, throttlingBurstLimit } above 0.',
    validateStack: (args, report) => {
        const rs = args.resources;
        for (const api of ofType(rs, T.httpApi)) {
            const off = get(api, "disableExecuteApiEndpoint");
            if (!isUnknown(off) && off !== true)
                report(
                    `${label(api)} must answer only on its custom domain (disableExecuteApiEndpoint true): the default endpoint skips CloudFront and its WAF.`,
                    api.urn,
                );
        }
        for (const d of ofType(rs, T.apiDomainName)) {
            const policy = get(d, "domainNameConfiguration.securityPolicy");
            if (!isUnknown(policy) && policy !== "TLS_1_2")
                report(`${label(d)} must use securityPolicy TLS_1_2; it has ${JSON.stringify(policy ?? null)}.`, d.urn);
        }
        for (const i of ofType(rs, T.apiIntegration)) {
            if (get(i, "integrationType") !== "HTTP_PROXY") continue;
            const conn = get(i, "connectionType");
            if (!isUnknown(conn) && conn !== "VPC_LINK")
                report(`${label(i)} must be a private integration (connectionType VPC_LINK): the services have no public address.`, i.urn);
            const sni = get(i, "tlsConfig.serverNameToVerify");
            if (!isUnknown(sni) && !nonEmpty(sni))
                report(`${label(i)} must reach the load balancer in HTTPS and verify its certificate's name (tlsConfig.serverNameToVerify).`, i.urn);
        }
        for (const s of ofType(rs, T.apiStage)) {
            const dest = get(s, "accessLogSettings.destinationArn");
            const format = get(s, "accessLogSettings.format");
            if ((!isUnknown(dest) && !nonEmpty(dest)) || (!isUnknown(format) && !nonEmpty(format)))
                report(`${label(s)} must write access logs (accessLogSettings with a destinationArn and a format).`, s.urn);
            for (const k of ["throttlingRateLimit", "throttlingBurstLimit"]) {
                const v = get(s, `defaultRouteSettings.${k}`);
                if (isUnknown(v)) continue;
                if (!((num(v) ?? 0) > 0))
                    report(
                        `${label(s)} must throttle its default route (defaultRouteSettings.${k} above 0); it has ${JSON.stringify(v ?? null)}.`,
                        s.urn,
                    );
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// Cognito
// ---------------------------------------------------------------------------------------------------------

const poolSchema = {
    properties: {
        minimumPasswordLength: {
            type: "number" as const,
            default: 12,
            description: "The least password length a user pool may allow (PCI DSS v4.0 8.3.6: 12).",
        },
    },
};

export const userPoolBaseline: StackPolicy = {
    name: "aws-cognito-user-pool-baseline",
    description:
        "Each user pool has MFA on or optional (never off), a password policy of at least the minimum length with all four character classes, deletion protection, encryption under a customer-managed key, and threat protection (audit or enforced) on the Plus plan; the storefront's client uses the authorization code flow only, with no secret, and hides whether a user exists.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set mfaConfiguration "OPTIONAL" or "ON"; policies.passwordPolicy { minimumLength >= the minimum, requireLowercase, requireUppercase, requireNumbers, requireSymbols: true }; deletionProtection "ACTIVE"; keyConfiguration { keyType: "CUSTOMER_MANAGED_KEY", kmsKeyArn }; on the PLUS tier userPoolAddOns.advancedSecurityMode "ENFORCED" or "AUDIT". On the client: allowedOauthFlows ["code"], generateSecret false, preventUserExistenceErrors "ENABLED".',
    configSchema: poolSchema,
    validateStack: (args, report) => {
        const c = configOf<{ minimumPasswordLength: number }>(poolSchema, args.getConfig());
        const rs = args.resources;
        for (const pool of ofType(rs, T.userPool)) {
            const problems: string[] = [];
            const check = (path: string, ok: (v: unknown) => boolean, says: (v: unknown) => string) => {
                const v = get(pool, path);
                if (!isUnknown(v) && !ok(v)) problems.push(says(v));
            };
            check(
                "mfaConfiguration",
                (v) => v === "ON" || v === "OPTIONAL",
                (v) => `MFA must be on or optional (mfaConfiguration ${JSON.stringify(v ?? "OFF")})`,
            );
            check(
                "policies.passwordPolicy.minimumLength",
                (v) => (num(v) ?? 0) >= c.minimumPasswordLength,
                (v) => `passwords must be at least ${c.minimumPasswordLength} characters (minimumLength ${JSON.stringify(v ?? null)})`,
            );
            for (const k of ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"])
                check(
                    `policies.passwordPolicy.${k}`,
                    (v) => v === true,
                    () => `the password policy must set ${k}`,
                );
            check(
                "deletionProtection",
                (v) => v === "ACTIVE",
                (v) => `deletion protection must be ACTIVE (${JSON.stringify(v ?? "INACTIVE")})`,
            );
            check(
                "keyConfiguration.keyType",
                (v) => v === "CUSTOMER_MANAGED_KEY",
                (v) => `it must be encrypted under a customer-managed key (keyConfiguration.keyType ${JSON.stringify(v ?? "AWS_OWNED_KEY")})`,
            );
            if (get(pool, "userPoolTier") === "PLUS")
                check(
                    "userPoolAddOns.advancedSecurityMode",
                    (v) => v === "ENFORCED" || v === "AUDIT",
                    (v) => `on the Plus plan, threat protection must be ENFORCED or AUDIT (advancedSecurityMode ${JSON.stringify(v ?? "OFF")})`,
                );
            if (problems.length) report(`${label(pool)}: ${problems.join("; ")}.`, pool.urn);
        }
        for (const client of ofType(rs, T.userPoolClient)) {
            const flows = get(client, "allowedOauthFlows");
            if (!isUnknown(flows) && arr(flows).some((f) => f !== "code"))
                report(
                    `${label(client)} must use the authorization code flow only (allowedOauthFlows ["code"]); it allows ${JSON.stringify(flows)}.`,
                    client.urn,
                );
            if (get(client, "generateSecret") === true)
                report(
                    `${label(client)} is the storefront's public client: it must have no secret (a browser cannot keep one; PKCE protects the code).`,
                    client.urn,
                );
            const hide = get(client, "preventUserExistenceErrors");
            if (!isUnknown(hide) && hide !== "ENABLED")
                report(`${label(client)} must hide whether a user exists (preventUserExistenceErrors ENABLED).`, client.urn);
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// DR invariants
// ---------------------------------------------------------------------------------------------------------

const identitySchema = factsSchema();

/** The regions whose deployed stacks say their data key is ready for the user pool's replica (their references' outputs). */
function replicaKeyRegions(rs: readonly PlanResource[]): string[] {
    return ofType(rs, PULUMI.stackReference).flatMap((ref) => {
        const key = get(ref, "outputs.userPoolKeyArn");
        return nonEmpty(key) && !isUnknown(key) ? [str(get(ref, "outputs.region")) ?? /^arn:[^:]+:kms:([^:]+):/.exec(key)?.[1] ?? "?"] : [];
    });
}

/** The region the home stack's deployed replica lives in, as this stack's reference to it reads. */
function homeReplicaRegion(rs: readonly PlanResource[]): string | undefined {
    for (const ref of ofType(rs, PULUMI.stackReference)) {
        const r = str(get(ref, "outputs.userPoolReplicaRegion"));
        if (r) return r;
    }
    return undefined;
}

export const identityMatchesStrategy: StackPolicy = {
    name: "dr-identity-matches-strategy",
    description:
        "Sign-in has the shape the strategy gives the stack: the home stack alone owns the user pool, on the Essentials or Plus plan wherever it is replicated, with a replica in another project region and a sign-in domain that fails over to it under every strategy but backup-restore; the replica's stack sets it ACTIVE where the region may serve at once (warm standby, active-active, a promoted pilot light) and INACTIVE otherwise.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition build sign-in from the plan (src/strategy.ts planIdentity). Without a replica a failover leaves nobody able to sign in; an INACTIVE replica in a promoted region answers nobody; an ACTIVE one in an idle pilot light serves sign-ins nobody expects there.",
    configSchema: identitySchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(identitySchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const plan = ctx.plan.identity;
        const rs = args.resources;
        const pools = ofType(rs, T.userPool);
        const replicas = ofType(rs, T.userPoolReplica);
        if (plan.ownsUserPool && pools.length !== 1) report(`The home stack must own exactly one user pool; ${who(ctx)} plans ${pools.length}.`);
        if (!plan.ownsUserPool)
            for (const p of pools) report(`${label(p)} must not exist: only the home stack owns the user pool, not ${who(ctx)}.`, p.urn);
        if (plan.replicates) {
            const others = facts.regions.filter((r) => r !== ctx.region);
            const ok = replicas.filter((r) => {
                const region = get(r, "regionName");
                return isUnknown(region) || (typeof region === "string" && (others.length === 0 || others.includes(region)));
            });
            // The replica waits for the other region's replica of the data key (its stack's deployed output says it is
            // ready for Cognito): a first deployment of the home stack has none yet.
            const ready = replicaKeyRegions(rs);
            if (ok.length === 0 && ready.length > 0)
                report(
                    `Under ${ctx.strategy} the home stack must replicate the user pool into ${ready.join(" or ")}, whose data key is ready for it (aws-native cognito.UserPoolReplica): without it nobody signs in after a failover.`,
                );
            for (const p of pools) {
                const tier = get(p, "userPoolTier");
                if (!isUnknown(tier) && tier !== "ESSENTIALS" && tier !== "PLUS")
                    report(
                        `${label(p)} is replicated and must be on the Essentials or Plus plan (userPoolTier ${JSON.stringify(tier ?? "ESSENTIALS")}).`,
                        p.urn,
                    );
            }
            for (const d of ofType(rs, T.userPoolDomain)) {
                const secondary = get(d, "routing.failover.secondaryRegion");
                if (!isUnknown(secondary) && !nonEmpty(secondary))
                    report(
                        `${label(d)} must fail over to the replica's region (routing.failover with a secondaryRegion and the home region's health check).`,
                        d.urn,
                    );
            }
        } else for (const r of replicas) report(`${label(r)} must not exist: ${who(ctx)} keeps no replica (${ctx.strategy}).`, r.urn);

        // Backup-restore: the home stack's export and the other regions' export buckets (fixed names).
        const exporter = ofType(rs, T.lambdaFunction).filter((f) => get(f, "name") === USER_EXPORT_FUNCTION);
        if (plan.exportUsers && exporter.length === 0)
            report(
                `Under backup-restore the home stack must export the users on the backup schedule (function ${USER_EXPORT_FUNCTION}): it is the only copy of the identities outside ${ctx.region}.`,
            );
        if (!plan.exportUsers)
            for (const f of exporter) report(`${label(f)} must not exist: ${who(ctx)} does not export users (${ctx.strategy}).`, f.urn);
        const exportBuckets = ofType(rs, T.bucket).filter((b) => text(get(b, "bucket")).startsWith(IDENTITY_EXPORT_BUCKET_PREFIX));
        if (plan.receivesExports && exportBuckets.length === 0)
            report(
                `Under backup-restore ${who(ctx)} must hold the identity export bucket (${IDENTITY_EXPORT_BUCKET_PREFIX}<account>-${ctx.region}): the home stack's exports land there.`,
            );

        const statuses = ofType(rs, DYNAMIC.userPoolReplicaStatus.token);
        if (!plan.replica) {
            for (const s of statuses) report(`${label(s)} must not exist: ${who(ctx)} holds no replica.`, s.urn);
            return;
        }
        const want = plan.replicaActive ? "ACTIVE" : "INACTIVE";
        // The status is set once the home stack has created the replica (its reference says where it lives).
        if (statuses.length === 0) {
            if (homeReplicaRegion(rs) === ctx.region)
                report(
                    `The home stack's replica of the user pool is in ${ctx.region}, and ${who(ctx)} must set it ${want}; it plans no UserPoolReplicaStatus.`,
                );
            return;
        }
        for (const s of statuses) {
            const status = get(s, "status");
            if (status !== UNKNOWN && !isUnknown(status) && status !== want)
                report(`${label(s)} must set the replica ${want} in ${who(ctx)}; it sets ${JSON.stringify(status)}.`, s.urn);
        }
    },
};

const apiShapeSchema = factsSchema();

export const apiMatchesStrategy: StackPolicy = {
    name: "dr-api-matches-strategy",
    description:
        "Every region with compute has its API (an HTTP API with a private integration and a JWT authorizer) and none without; a region that takes no traffic runs the keep-alive probe on an enabled daily schedule, and a serving region none, so no standby finds its VPC link INACTIVE on the day of a failover.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition build the API from the plan (src/strategy.ts planApi: exists, keepAliveProbe). API Gateway makes a VPC link that carried no traffic for 60 days INACTIVE, and takes minutes to bring it back when requests resume.",
    configSchema: apiShapeSchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(apiShapeSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const plan = ctx.plan.api;
        const rs = args.resources;
        const apis = ofType(rs, T.httpApi);
        if (!plan.exists) {
            for (const a of apis) report(`${label(a)} must not exist: ${who(ctx)} has no compute.`, a.urn);
            return;
        }
        if (apis.length === 0) report(`${who(ctx, true)} has compute and must have its API.`);
        for (const a of apis) {
            const mine = (t: string) => ofType(rs, t).filter((r) => refersTo(r, "apiId", a));
            if (!mine(T.apiIntegration).some((i) => isUnknown(get(i, "connectionType")) || get(i, "connectionType") === "VPC_LINK"))
                report(`${label(a)} has no private integration (connectionType VPC_LINK) to the services.`, a.urn);
            if (!mine(T.apiAuthorizer).some((x) => get(x, "authorizerType") === "JWT")) report(`${label(a)} has no JWT authorizer.`, a.urn);
        }
        const probes = ofType(rs, T.eventRule).filter(
            (r) =>
                isSet(get(r, "scheduleExpression")) &&
                ofType(rs, T.lambdaFunction).some(
                    (f) => isApiKeepAlive(f) && ofType(rs, T.eventTarget).some((t) => refersTo(t, "rule", r) && refersTo(t, "arn", f)),
                ),
        );
        if (plan.keepAliveProbe) {
            if (probes.length === 0)
                report(
                    `${who(ctx, true)} takes no traffic and must run the API keep-alive probe on a schedule: its VPC link goes INACTIVE after 60 idle days.`,
                );
            for (const r of probes) {
                const state = get(r, "state");
                if (!isUnknown(state) && state === "DISABLED")
                    report(`${label(r)} schedules the API keep-alive probe and must be ENABLED in ${who(ctx)}.`, r.urn);
            }
        } else for (const r of probes) report(`${label(r)} must not exist: ${who(ctx)} serves, and its users keep the VPC link alive.`, r.urn);
    },
};
