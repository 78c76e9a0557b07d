import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { DnsValidatedCertificate } from "./certificate";

/** CloudFront's hosted zone: the alias target of every distribution, a Cognito managed-login domain's included. */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

export interface IdentityArgs {
    /** The home stack's region: the user pool's primary. Required. */
    readonly region: string;
    /** essentials or plus (threat protection). Required. */
    readonly featurePlan: "essentials" | "plus";
    /** optional or required. Required. */
    readonly mfa: "optional" | "required";
    /** Minimum password length, 12 or more. Required. */
    readonly passwordMinimumLength: number;
    /** Threat protection on the plus plan (ignored on essentials). Required. */
    readonly threatProtection: "audit" | "enforced";
    /** The managed-login domain, e.g. auth.shop.example.com. Required. */
    readonly domainName: string;
    /** Public hosted zone of the domain's record and its certificate's validation record. Required. */
    readonly zoneId: string;
    /** Where the storefront's sign-in returns to. Required, at least one. */
    readonly callbackUrls: readonly string[];
    /** The multi-Region data key (a replicated pool needs one present in both regions). Required. */
    readonly dataKeyArn: pulumi.Input<string>;
    /**
     * The region to replicate the pool into, and the Route 53 health check of the pool's region that the sign-in
     * domain fails over on (healthy: the primary answers; unhealthy: the replica). Undefined: no replica. Give it
     * only once that region's stack has deployed its replica of the data key with Cognito allowed in its policy.
     */
    readonly replica?: { readonly region: string; readonly primaryHealthCheckId: pulumi.Input<string> };
    /** Resources that must exist before the domain: the users' A record on its parent, which Cognito requires. Default none. */
    readonly domainDependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Tags applied to every taggable child. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Sign-in: the project's Cognito user pool, owned by the home stack.
 *
 * The pool and its replica come from `@pulumi/aws-native` (Cloud Control): `@pulumi/aws` 7.48 can set neither a
 * pool's KMS key nor its issuer, and a replica needs both (a multi-Region customer-managed key; the updated issuer,
 * `https://issuer-cognito-idp.<primary>.amazonaws.com/<poolId>`, whose keys are served in both regions). Mixing the
 * two providers on one pool would be worse: UpdateUserPool resets whatever a call leaves out, so a `@pulumi/aws`
 * update would clear the key configuration it does not know. The app client stays on `@pulumi/aws`.
 *
 * - Email addresses are the user names (case-insensitive), verified; account recovery by verified email only.
 * - Passwords: the configured minimum length, all four character classes, no reuse of the last 5 (Essentials and
 *   Plus), temporary passwords valid 3 days.
 * - MFA: an authenticator app (TOTP), optional or required. Email and SMS factors would need SES or SNS set up in
 *   both regions; TOTP does not work on a replica, which is why required MFA is refused where one exists.
 * - Threat protection (plus): audit or enforced.
 * - Deletion protection on, and the pool protected in Pulumi: a lost pool is every customer's account.
 * - The storefront's client: authorization code flow with PKCE (a public client, no secret), SRP and refresh
 *   tokens only, token revocation on, user-existence errors hidden.
 * - Managed login on a custom domain (its certificate in us-east-1, where Cognito's CloudFront distribution takes
 *   it), failing over to the replica with the pool region's health check.
 */
export class Identity extends pulumi.ComponentResource {
    public readonly userPoolId: pulumi.Output<string>;
    public readonly userPoolArn: pulumi.Output<string>;
    public readonly clientId: pulumi.Output<string>;
    /** The tokens' issuer (the updated form), as the API's JWT authorizer checks it. */
    public readonly issuer: pulumi.Output<string>;
    public readonly replicaRegion?: string;

    constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:identity:Identity", name, {}, opts);
        if (args.callbackUrls.length === 0) throw new pulumi.ResourceError(`Identity ${name}: callbackUrls is empty; expected at least one`, this);
        if (args.replica && args.mfa === "required")
            throw new pulumi.ResourceError(
                `Identity ${name}: mfa "required" with a replica would lock every user out after a failover (TOTP does not work there)`,
                this,
            );
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        // Cloud Control in this stack's region, whatever aws-native:region says (stacks configure aws:region only).
        const native = new awsnative.Provider(`${name}-native`, { region: args.region as awsnative.Region }, p);
        const n = { parent: this, provider: native };

        const pool = new awsnative.cognito.UserPool(
            `${name}-pool`,
            {
                userPoolName: "securecart-users",
                userPoolTier: args.featurePlan === "plus" ? "PLUS" : "ESSENTIALS",
                deletionProtection: "ACTIVE",
                usernameAttributes: ["email"],
                usernameConfiguration: { caseSensitive: false },
                autoVerifiedAttributes: ["email"],
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
                adminCreateUserConfig: { allowAdminCreateUserOnly: false },
                mfaConfiguration: args.mfa === "required" ? "ON" : "OPTIONAL",
                enabledMfas: ["SOFTWARE_TOKEN_MFA"],
                policies: {
                    passwordPolicy: {
                        minimumLength: args.passwordMinimumLength,
                        requireLowercase: true,
                        requireUppercase: true,
                        requireNumbers: true,
                        requireSymbols: true,
                        temporaryPasswordValidityDays: 3,
                        passwordHistorySize: 5,
                    },
                },
                userPoolAddOns: {
                    advancedSecurityMode: args.featurePlan === "plus" ? (args.threatProtection === "enforced" ? "ENFORCED" : "AUDIT") : "OFF",
                },
                keyConfiguration: { keyType: "CUSTOMER_MANAGED_KEY", kmsKeyArn: args.dataKeyArn },
                issuerConfiguration: { type: "UPDATED" },
                userPoolTags: tags(`${name}-pool`),
            },
            { ...n, protect: true, retainOnDelete: true },
        );
        this.userPoolId = pool.userPoolId;
        this.userPoolArn = pool.arn;
        this.issuer = pulumi.interpolate`https://issuer-cognito-idp.${args.region}.amazonaws.com/${pool.userPoolId}`;

        const client = new aws.cognito.UserPoolClient(
            `${name}-storefront`,
            {
                name: "storefront",
                userPoolId: pool.userPoolId,
                generateSecret: false,
                allowedOauthFlowsUserPoolClient: true,
                allowedOauthFlows: ["code"],
                allowedOauthScopes: ["openid", "email", "profile"],
                callbackUrls: [...args.callbackUrls],
                logoutUrls: [...args.callbackUrls],
                supportedIdentityProviders: ["COGNITO"],
                explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                preventUserExistenceErrors: "ENABLED",
                enableTokenRevocation: true,
                accessTokenValidity: 60,
                idTokenValidity: 60,
                refreshTokenValidity: 30,
                tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
            },
            p,
        );
        this.clientId = client.id;

        // Managed login (version 2) serves its pages only to an app client with a branding style: Cognito's own.
        new awsnative.cognito.ManagedLoginBranding(
            `${name}-storefront-branding`,
            { userPoolId: pool.userPoolId, clientId: client.id, useCognitoProvidedValues: true },
            n,
        );

        let replica: awsnative.cognito.UserPoolReplica | undefined;
        if (args.replica) {
            // Created by a call to the pool's own region, so it belongs to this stack; the replica's stack sets its status.
            // No tags at creation: every property of the replica is create-only, so a changed tag would replace it.
            replica = new awsnative.cognito.UserPoolReplica(
                `${name}-replica`,
                { userPoolId: pool.userPoolId, regionName: args.replica.region },
                { ...n, protect: true, retainOnDelete: true },
            );
            this.replicaRegion = args.replica.region;
        }

        const cert = new DnsValidatedCertificate(
            `${name}-cert`,
            { names: [args.domainName], zoneId: args.zoneId, region: "us-east-1", tags: args.tags },
            p,
        );
        const domain = new awsnative.cognito.UserPoolDomain(
            `${name}-domain`,
            {
                userPoolId: pool.userPoolId,
                domain: args.domainName,
                customDomainConfig: { certificateArn: cert.certificateArn },
                managedLoginVersion: 2,
                ...(args.replica
                    ? {
                          routing: {
                              failover: { secondaryRegion: args.replica.region, primaryRoute53HealthCheckId: args.replica.primaryHealthCheckId },
                          },
                      }
                    : {}),
            },
            // After the replica its failover names, and after the users' A record on its parent.
            { ...n, dependsOn: [...(args.domainDependsOn ?? []), ...(replica ? [replica] : [])] },
        );
        new aws.route53.Record(
            `${name}-domain-record`,
            {
                zoneId: args.zoneId,
                name: args.domainName,
                type: "A",
                aliases: [{ name: domain.cloudFrontDistribution, zoneId: CLOUDFRONT_ZONE_ID, evaluateTargetHealth: false }],
            },
            p,
        );
        this.registerOutputs({ userPoolId: this.userPoolId, clientId: this.clientId, issuer: this.issuer });
    }
}
