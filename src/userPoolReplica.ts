/**
 * Whether a Cognito user pool's replica takes end users' requests: the pure logic behind the
 * UserPoolReplicaStatus dynamic resource (components/replicaStatus.ts), tested against a mocked Cognito client.
 *
 * A replica is created INACTIVE; `UpdateUserPoolReplica` sets it ACTIVE or INACTIVE and may be called in either
 * region (Cognito developer guide, "Multi-Region user pools"; API reference UpdateUserPoolReplica, read
 * 2026-12-06). Every call here goes to the replica's own region, so a promotion works while the pool's primary
 * region is down. Idempotent: a replica already in the wanted status is left alone.
 *
 * Run by the engine as serialized closure text (like the writer move): only plain values and functions at top
 * level, and plain `Error`s (see providerErrors.ts).
 */
import {
    type CognitoIdentityProviderClient,
    ListUserPoolReplicasCommand,
    UpdateUserPoolReplicaCommand,
    type UserPoolReplicaType,
} from "@aws-sdk/client-cognito-identity-provider";
import { describeError, plainError } from "./providerErrors";

export type ReplicaStatus = "ACTIVE" | "INACTIVE";
export const REPLICA_STATUSES: readonly ReplicaStatus[] = ["ACTIVE", "INACTIVE"];

export interface ReplicaStatusRequest {
    readonly userPoolId: string;
    /** The replica's region (where every call goes). */
    readonly region: string;
    readonly status: ReplicaStatus;
}

export interface ReplicaStatusOptions {
    /** A Cognito client for a region (tests pass a client mocked with aws-sdk-client-mock). */
    readonly cognito: (region: string) => CognitoIdentityProviderClient;
    /** Milliseconds between polls while the replica is CREATING. Default 15 000. */
    readonly pollIntervalMs?: number;
    /** Milliseconds to wait for a CREATING replica. Default 30 minutes. */
    readonly timeoutMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
    readonly log?: (message: string) => void;
}

export interface ReplicaStatusResult {
    readonly status: ReplicaStatus;
    /** The status before, as Cognito reported it. */
    readonly previousStatus: string;
    readonly changed: boolean;
}

/** A user pool id: `<region>_<id>`. */
export const USER_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;

export function replicaStatusError(code: "invalid-request" | "not-found" | "not-ready" | "api-error" | "timeout", message: string): Error {
    return plainError("ReplicaStatusError", message, { code });
}

/** The replica of `userPoolId` in `region`, as that region lists it; undefined when there is none. */
export async function readReplica(
    client: CognitoIdentityProviderClient,
    userPoolId: string,
    region: string,
): Promise<UserPoolReplicaType | undefined> {
    let token: string | undefined;
    do {
        let out;
        try {
            out = await client.send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId, NextToken: token }));
        } catch (e) {
            throw replicaStatusError("api-error", `ListUserPoolReplicas(${userPoolId}) in ${region} failed: ${describeError(e)}`);
        }
        const found = (out.UserPoolReplicas ?? []).find((r) => r.RegionName === region);
        if (found) return found;
        token = out.NextToken;
    } while (token);
    return undefined;
}

/** Makes the replica ACTIVE or INACTIVE, or confirms it already is; waits while it is still being created. */
export async function setReplicaStatus(req: ReplicaStatusRequest, opts: ReplicaStatusOptions): Promise<ReplicaStatusResult> {
    const { userPoolId, region, status } = req;
    if (!REPLICA_STATUSES.includes(status))
        throw replicaStatusError("invalid-request", `status: got ${JSON.stringify(status)}; expected one of ${REPLICA_STATUSES.join(", ")}`);
    if (typeof userPoolId !== "string" || !USER_POOL_ID.test(userPoolId))
        throw replicaStatusError(
            "invalid-request",
            `userPoolId: got ${JSON.stringify(userPoolId)}; expected a user pool id such as us-east-1_AbC123`,
        );
    const log = opts.log ?? (() => undefined);
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = opts.now ?? Date.now;
    const deadline = now() + (opts.timeoutMs ?? 30 * 60_000);
    const client = opts.cognito(region);
    for (;;) {
        const replica = await readReplica(client, userPoolId, region);
        if (!replica)
            throw replicaStatusError(
                "not-found",
                `user pool ${userPoolId} has no replica in ${region}; the home stack creates it (run pulumi up on the home stack first)`,
            );
        if (replica.Role === "PRIMARY")
            throw replicaStatusError(
                "invalid-request",
                `${region} holds the primary of user pool ${userPoolId}, not a replica; its status is not set here`,
            );
        const current = replica.Status ?? "unknown";
        if (current === status) {
            log(`replica of ${userPoolId} in ${region} is already ${status}`);
            return { status, previousStatus: current, changed: false };
        }
        if (current === "ACTIVE" || current === "INACTIVE") {
            log(`UpdateUserPoolReplica ${userPoolId} in ${region}: ${current} → ${status}`);
            try {
                await client.send(new UpdateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: region, Status: status }));
            } catch (e) {
                throw replicaStatusError("api-error", `UpdateUserPoolReplica(${userPoolId}, ${region}, ${status}) failed: ${describeError(e)}`);
            }
            return { status, previousStatus: current, changed: true };
        }
        if (current !== "CREATING")
            throw replicaStatusError(
                "not-ready",
                `the replica of ${userPoolId} in ${region} is ${current}; it can be made ${status} only once created`,
            );
        if (now() >= deadline)
            throw replicaStatusError(
                "timeout",
                `timed out waiting for the replica of ${userPoolId} in ${region} to be created (still CREATING); run again`,
            );
        log(`replica of ${userPoolId} in ${region} is CREATING; waiting`);
        await sleep(opts.pollIntervalMs ?? 15_000);
    }
}
