import * as pulumi from "@pulumi/pulumi";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { UNKNOWN } from "../src/unknown";
import { REPLICA_STATUSES, type ReplicaStatus, USER_POOL_ID, readReplica, setReplicaStatus } from "../src/userPoolReplica";
import { DYNAMIC } from "../src/plan/engineTypes";

export interface UserPoolReplicaStatusArgs {
    /** The replicated user pool's id (the home stack's output). Required. */
    readonly userPoolId: pulumi.Input<string>;
    /** The replica's region: this stack's. Every call goes there. Required. */
    readonly region: pulumi.Input<string>;
    /** ACTIVE (takes end users' requests) or INACTIVE: the strategy plan's `identity.replicaActive`. Required. */
    readonly status: pulumi.Input<ReplicaStatus>;
}

const KEYS = ["userPoolId", "region", "status"] as const;

function info(id: unknown, message: string): void {
    console.log(`[UserPoolReplicaStatus ${String(id)}] ${message}`);
}

/**
 * The dynamic provider. Create and update set the status (a no-op when it already is); diff asks Cognito, in the
 * replica's region, so a status changed outside Pulumi shows as an update; delete changes nothing (the replica
 * belongs to the home stack, and a stack that stops asserting a status must not switch users off). Nothing
 * replaces it.
 */
export const replicaStatusProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        if (news.userPoolId !== UNKNOWN && (typeof news.userPoolId !== "string" || !USER_POOL_ID.test(news.userPoolId)))
            failures.push({
                property: "userPoolId",
                reason: `userPoolId: got ${JSON.stringify(news.userPoolId)}; expected a user pool id such as us-east-1_AbC123`,
            });
        if (news.region !== UNKNOWN && (typeof news.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(news.region)))
            failures.push({ property: "region", reason: `region: got ${JSON.stringify(news.region)}; expected an AWS region such as us-west-2` });
        if (news.status !== UNKNOWN && !REPLICA_STATUSES.includes(news.status))
            failures.push({
                property: "status",
                reason: `status: got ${JSON.stringify(news.status)}; expected one of ${REPLICA_STATUSES.join(", ")}`,
            });
        return { inputs: { userPoolId: news.userPoolId, region: news.region, status: news.status }, failures };
    },
    async diff(_id: string, olds: any, news: any) {
        const result = (changes: boolean, replaces: string[] = []) => ({ changes, replaces, deleteBeforeReplace: false });
        // Another pool or region is another replica: a new resource (its id names both). Replacing is harmless: delete
        // does nothing, and create leaves a replica already in the wanted status alone.
        const moved = (["userPoolId", "region"] as const).filter((k) => news[k] !== UNKNOWN && olds[k] !== news[k]);
        if (moved.length) return result(true, [...moved]);
        if (KEYS.some((k) => news[k] === UNKNOWN || olds[k] !== news[k])) return result(true);
        try {
            const live = await readReplica(new CognitoIdentityProviderClient({ region: news.region }), news.userPoolId, news.region);
            const drift = live?.Status !== news.status;
            if (drift) info(news.userPoolId, `the replica in ${news.region} is ${live?.Status ?? "missing"}; this update makes it ${news.status}`);
            return result(drift);
        } catch (e) {
            console.error(
                `[UserPoolReplicaStatus ${String(news.userPoolId)}] warning: could not read the replica's status (${(e as Error).message}); comparing the recorded state only, so a status changed outside Pulumi is not seen. Give these credentials cognito-idp:ListUserPoolReplicas in ${String(news.region)}`,
            );
            return result(olds.status !== news.status);
        }
    },
    async create(inputs: any) {
        const r = await setReplicaStatus(inputs, {
            cognito: (region: string) => new CognitoIdentityProviderClient({ region }),
            log: (m: string) => info(inputs.userPoolId, m),
        });
        return { id: `${inputs.userPoolId}/${inputs.region}`, outs: { ...inputs, previousStatus: r.previousStatus } };
    },
    async update(_id: string, _olds: any, news: any) {
        const r = await setReplicaStatus(news, {
            cognito: (region: string) => new CognitoIdentityProviderClient({ region }),
            log: (m: string) => info(news.userPoolId, m),
        });
        return { outs: { ...news, previousStatus: r.previousStatus } };
    },
    async read(id: string, props: any) {
        const live = await readReplica(new CognitoIdentityProviderClient({ region: props.region }), props.userPoolId, props.region);
        return { id, props: { ...props, status: live?.Status ?? props.status } };
    },
    async delete() {
        // Deliberately nothing: see above.
    },
};

/**
 * Sets this region's replica of the user pool ACTIVE or INACTIVE inside `pulumi up`, calling only this region, so
 * a pilot-light promotion lets users sign in here even while the pool's primary region is down. Type token
 * `pulumi-nodejs:dynamic/securecart:UserPoolReplicaStatus`.
 */
export class UserPoolReplicaStatus extends pulumi.dynamic.Resource {
    declare public readonly status: pulumi.Output<ReplicaStatus>;
    declare public readonly previousStatus: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserPoolReplicaStatusArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            replicaStatusProvider,
            name,
            { userPoolId: args.userPoolId, region: args.region, status: args.status, previousStatus: undefined },
            opts,
            DYNAMIC.userPoolReplicaStatus.module,
            DYNAMIC.userPoolReplicaStatus.type,
        );
    }
}
