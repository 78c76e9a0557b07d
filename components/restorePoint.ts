import * as pulumi from "@pulumi/pulumi";
import { RDSClient } from "@aws-sdk/client-rds";
import { newestRestorableSnapshot, restorePointError } from "../src/restorePoint";
import { UNKNOWN } from "../src/unknown";
import { DYNAMIC } from "../src/plan/engineTypes";

export interface RestorePointArgs {
    /** Identifier of the cluster whose copied snapshots are searched (the home stack's cluster). Required. */
    readonly sourceClusterIdentifier: pulumi.Input<string>;
    /** Region whose copies are searched: this stack's region. Required. */
    readonly region: pulumi.Input<string>;
    /** A recovery point chosen by the operator (`database.restoreFromArn`): recorded, nothing is looked up. Default none. */
    readonly givenSnapshotArn?: pulumi.Input<string>;
}

/**
 * The dynamic provider. The look-up runs once, in `create`; afterwards the choice is state. `diff` never
 * reports a change and `update`/`read` call nothing, so once the copies have expired (a promoted region
 * receives none) every later preview and `pulumi up` of the stack, including failback, still works.
 */
export const restorePointProvider: pulumi.dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        for (const k of ["sourceClusterIdentifier", "region"]) {
            const v = news[k];
            // Unknown during a preview: validated when it is known.
            if (v !== UNKNOWN && (typeof v !== "string" || v.length === 0))
                failures.push({ property: k, reason: `${k}: got ${JSON.stringify(v)}; expected a non-empty string` });
        }
        const given = news.givenSnapshotArn;
        if (given !== undefined && given !== UNKNOWN && (typeof given !== "string" || !given.startsWith("arn:aws")))
            failures.push({ property: "givenSnapshotArn", reason: `givenSnapshotArn: got ${JSON.stringify(given)}; expected a recovery point ARN` });
        return {
            inputs: {
                sourceClusterIdentifier: news.sourceClusterIdentifier,
                region: news.region,
                ...(given !== undefined ? { givenSnapshotArn: given } : {}),
            },
            failures,
        };
    },
    async diff() {
        // The restored cluster ignores its snapshot after creation; re-choosing would only mislead.
        return { changes: false, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs: any) {
        // A recovery point named in config is recorded as it is: nothing is looked up.
        if (typeof inputs.givenSnapshotArn === "string")
            return { id: inputs.givenSnapshotArn, outs: { ...inputs, snapshotArn: inputs.givenSnapshotArn, snapshotCreatedAt: "(named in config)" } };
        const found = await newestRestorableSnapshot(new RDSClient({ region: inputs.region }), inputs.sourceClusterIdentifier);
        if (!found) {
            throw restorePointError(
                `no available cluster snapshot of ${inputs.sourceClusterIdentifier} in ${inputs.region} to restore from (AWS Backup copies to this region's vault may be missing, still copying, or expired); set securecart:database.restoreFromArn to a recovery point ARN and run again`,
            );
        }
        return { id: found.snapshotArn, outs: { ...inputs, snapshotArn: found.snapshotArn, snapshotCreatedAt: found.createdAt } };
    },
    async update(_id: string, olds: any, news: any) {
        return { outs: { ...news, snapshotArn: olds.snapshotArn, snapshotCreatedAt: olds.snapshotCreatedAt } };
    },
    async read(id: string, props: any) {
        return { id, props };
    },
    async delete() {
        // Nothing to delete: the snapshot belongs to AWS Backup's retention, not to this stack.
    },
};

/**
 * The recovery point a backup-restore promotion restores Aurora from, chosen once when the restored tier is
 * created: the newest available copy of the home cluster's snapshots in this region. Type token
 * `pulumi-nodejs:dynamic/securecart:RestorePoint`.
 */
export class RestorePoint extends pulumi.dynamic.Resource {
    // `declare`, not `!`: with ES2022 class fields a plain field declaration would reset the output the
    // Resource constructor just set to undefined.
    /** ARN of the chosen cluster snapshot. */
    declare public readonly snapshotArn: pulumi.Output<string>;
    /** When the chosen snapshot was taken (ISO 8601). */
    declare public readonly snapshotCreatedAt: pulumi.Output<string>;

    constructor(name: string, args: RestorePointArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            restorePointProvider,
            name,
            {
                sourceClusterIdentifier: args.sourceClusterIdentifier,
                region: args.region,
                givenSnapshotArn: args.givenSnapshotArn,
                snapshotArn: undefined,
                snapshotCreatedAt: undefined,
            },
            opts,
            DYNAMIC.restorePoint.module,
            DYNAMIC.restorePoint.type,
        );
    }
}
