import {
    CognitoIdentityProviderClient,
    DescribeUserPoolCommand,
    GetCSVHeaderCommand,
    ListUsersCommand,
    type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ConfigError, optionalEnv, requireEnv, type Env } from "../shared/config";
import { consoleLogger, type Logger } from "../shared/log";

/**
 * Exports the user pool's users for the backup-restore strategy, which keeps no replica of the pool. An
 * EventBridge schedule (the backup schedule) invokes this function in the home region; it writes one file, in the
 * format of a Cognito user import job, to the export bucket of every other region. In a recovery an operator
 * creates the new pool, imports the latest file into it with a user import job, and users set a new password at
 * their first sign-in: Cognito never exports passwords, nor TOTP secrets, nor the `sub` (the new pool gives each
 * user a new one).
 *
 * The file follows the import format as Cognito documents it, which is not RFC 4180:
 * - the columns are those GetCSVHeader gives for this pool (its standard attributes, then its custom ones), in
 *   that order, so the header is the one the new pool, built by the same program, expects;
 * - values are written bare, never in quotation marks, and a comma inside a value is written `\,`: that is how
 *   the import job tells a comma in a value from the separator; a quoted field would be imported quotes and all;
 * - the format has no way to write a line break inside a value, so line breaks become spaces, and a backslash
 *   ending a value (which would read as escaping the separator after it) is dropped; the count of users so
 *   changed is logged;
 * - `cognito:mfa_enabled` is `false` when the pool's MFA is optional (no TOTP secret can be carried over: users
 *   enrol again if they want to) and `true` when it is required, because the import job then refuses `false`;
 *   a required-MFA user without a secret is asked to enrol at the first sign-in;
 * - `cognito:username` is the user's username, except in a pool whose usernames are an attribute (this project's
 *   signs in by email), where Cognito's username is a generated id and the import takes the attribute's value.
 *
 * Users signed in through a federated identity provider (status EXTERNAL_PROVIDER) are left out and counted: they
 * have no password to reset and are created again, linked, at their next federated sign-in.
 *
 * Each region's bucket gets the same object; its default encryption applies, under that region's key. A bucket
 * that cannot be written does not stop the others, but the invocation fails at the end, naming it, so the
 * function's Errors metric and its alarm report a region left without a current export.
 */

export const DEFAULT_PREFIX = "users/";
/** ListUsers' largest page. */
export const PAGE_SIZE = 60;

export interface ExportTarget {
    readonly region: string;
    readonly bucket: string;
}

export interface ExportConfig {
    readonly userPoolId: string;
    readonly poolRegion: string;
    readonly targets: readonly ExportTarget[];
    readonly prefix: string;
}

export interface UserExportDeps {
    readonly config: ExportConfig;
    /** The Cognito client, in the pool's region. */
    readonly cognito: CognitoIdentityProviderClient;
    /** The S3 client of a target's region. */
    readonly s3For: (region: string) => S3Client;
    readonly logger: Logger;
    readonly now: () => number;
}

export interface ExportResult {
    /** Users written to the file. */
    readonly users: number;
    /** Federated users left out. */
    readonly skipped: number;
    readonly key: string;
    readonly targets: readonly ExportTarget[];
}

export class ExportError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ExportError";
    }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Cognito's pattern for a pool id; the part before the underscore is the pool's region.
const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function targetsEnv(env: Env): ExportTarget[] {
    const raw = requireEnv(env, "EXPORT_TARGETS", "the export buckets, a JSON array of { region, bucket }");
    const bad = (why: string) =>
        new ConfigError(`environment variable EXPORT_TARGETS must be a non-empty JSON array of { "region", "bucket" } (${why}), got ${raw}`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        throw bad("not JSON");
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw bad("not a non-empty array");
    const targets = parsed.map((t: unknown, i) => {
        const { region, bucket } = (typeof t === "object" && t !== null ? t : {}) as Record<string, unknown>;
        if (typeof region !== "string" || !REGION.test(region)) throw bad(`entry ${i} has no valid region`);
        if (typeof bucket !== "string" || !BUCKET.test(bucket)) throw bad(`entry ${i} has no valid bucket name`);
        return { region, bucket };
    });
    const buckets = targets.map((t) => t.bucket);
    const twice = buckets.find((b, i) => buckets.indexOf(b) !== i);
    if (twice !== undefined) throw bad(`bucket ${twice} is listed twice`);
    return targets;
}

export function configFromEnv(env: Env): ExportConfig {
    const userPoolId = requireEnv(env, "USER_POOL_ID", "the user pool exported").trim();
    const poolRegion = requireEnv(env, "POOL_REGION", "the user pool's region").trim();
    if (!REGION.test(poolRegion)) throw new ConfigError(`environment variable POOL_REGION must be a region name, got "${poolRegion}"`);
    if (!POOL_ID.test(userPoolId)) throw new ConfigError(`environment variable USER_POOL_ID must be a user pool id, got "${userPoolId}"`);
    // A pool id from another region would fail every run with ResourceNotFound, which reads like a deleted pool.
    if (!userPoolId.startsWith(`${poolRegion}_`))
        throw new ConfigError(`environment variable USER_POOL_ID (${userPoolId}) is not a pool of POOL_REGION (${poolRegion})`);
    return { userPoolId, poolRegion, targets: targetsEnv(env), prefix: optionalEnv(env, "EXPORT_PREFIX") ?? DEFAULT_PREFIX };
}

/** The object's key: the prefix and the export's time, with `-` for `:` (a colon needs encoding in URLs and most shells). */
export function exportKey(prefix: string, now: number): string {
    return `${prefix}${new Date(now).toISOString().replace(/:/g, "-")}.csv`;
}

/** One value as the import job reads it: commas escaped, line breaks flattened, a trailing backslash dropped. */
export function importField(value: string): string {
    return value
        .replace(/\r\n|\r|\n/g, " ")
        .replace(/\\+$/, "")
        .replace(/,/g, "\\,");
}

/** What `importField` keeps of a value: what the new pool will hold. */
export function normalisedValue(value: string): string {
    return value.replace(/\r\n|\r|\n/g, " ").replace(/\\+$/, "");
}

/** One line of the file. */
export function importLine(values: readonly string[]): string {
    return values.map(importField).join(",");
}

export interface PoolSettings {
    /** The attributes the pool's users sign in with instead of a username (`email`, `phone_number`), if any. */
    readonly usernameAttributes: readonly string[];
    readonly mfaRequired: boolean;
}

/** A user's row, in the header's column order. */
export function userRow(header: readonly string[], user: UserType, pool: PoolSettings): string[] {
    const attrs = new Map((user.Attributes ?? []).map((a) => [a.Name ?? "", a.Value ?? ""]));
    const signInName = pool.usernameAttributes.map((a) => attrs.get(a)).find((v) => v !== undefined && v !== "");
    return header.map((column) => {
        if (column === "cognito:username") return signInName ?? user.Username ?? "";
        if (column === "cognito:mfa_enabled") return pool.mfaRequired ? "true" : "false";
        return attrs.get(column) ?? "";
    });
}

export async function exportUsers(deps: UserExportDeps): Promise<ExportResult> {
    const { config, cognito, logger } = deps;
    const UserPoolId = config.userPoolId;
    const key = exportKey(config.prefix, deps.now());

    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId }));
    const pool: PoolSettings = { usernameAttributes: UserPool?.UsernameAttributes ?? [], mfaRequired: UserPool?.MfaConfiguration === "ON" };
    const { CSVHeader } = await cognito.send(new GetCSVHeaderCommand({ UserPoolId }));
    const header = CSVHeader ?? [];
    if (!header.includes("cognito:username"))
        throw new ExportError(`GetCSVHeader for ${UserPoolId} gave no cognito:username column: ${header.join(",")}`);

    const lines = [importLine(header)];
    let users = 0;
    let skipped = 0;
    let disabled = 0;
    let normalised = 0;
    let PaginationToken: string | undefined;
    do {
        const page = await cognito.send(new ListUsersCommand({ UserPoolId, Limit: PAGE_SIZE, ...(PaginationToken ? { PaginationToken } : {}) }));
        for (const user of page.Users ?? []) {
            if (user.UserStatus === "EXTERNAL_PROVIDER") {
                skipped++;
                continue;
            }
            const row = userRow(header, user, pool);
            if (row.some((v) => normalisedValue(v) !== v)) normalised++;
            // The import job has no column for it: a disabled user comes back enabled, and must be disabled again.
            if (user.Enabled === false) disabled++;
            lines.push(importLine(row));
            users++;
        }
        PaginationToken = page.PaginationToken;
    } while (PaginationToken);
    const body = lines.join("\n") + "\n";

    const outcomes = await Promise.allSettled(
        config.targets.map((t) =>
            deps.s3For(t.region).send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: body, ContentType: "text/csv" })),
        ),
    );
    const failed = config.targets.flatMap((t, i) => {
        const o = outcomes[i];
        return o.status === "rejected"
            ? [{ ...t, error: o.reason instanceof Error ? `${o.reason.name}: ${o.reason.message}` : String(o.reason) }]
            : [];
    });
    const written = config.targets.filter((_, i) => outcomes[i].status === "fulfilled");
    const fields = {
        userPoolId: UserPoolId,
        users,
        skipped,
        disabled,
        normalised,
        bytes: Buffer.byteLength(body),
        key,
        written: written.map((t) => `s3://${t.bucket} (${t.region})`),
        ...(failed.length > 0 ? { failed: failed.map((f) => `s3://${f.bucket} (${f.region}): ${f.error}`) } : {}),
    };
    if (failed.length > 0) {
        logger.log("error", "user export not written to every region", fields);
        throw new ExportError(
            `user export ${key} of ${UserPoolId} failed for ${failed.map((f) => `s3://${f.bucket} (${f.region}): ${f.error}`).join("; ")}` +
                (written.length > 0 ? `; written to ${written.map((t) => `s3://${t.bucket} (${t.region})`).join(", ")}` : ""),
        );
    }
    logger.log("info", "user export written", fields);
    return { users, skipped, key, targets: written };
}

export function defaultDeps(env: Env = process.env): UserExportDeps {
    const config = configFromEnv(env);
    const clients = new Map<string, S3Client>();
    return {
        config,
        cognito: new CognitoIdentityProviderClient({ region: config.poolRegion }),
        s3For: (region) => {
            let c = clients.get(region);
            if (!c) clients.set(region, (c = new S3Client({ region })));
            return c;
        },
        logger: consoleLogger,
        now: Date.now,
    };
}

let defaultDepsMemo: UserExportDeps | undefined;

/** The scheduled invocation: the event carries nothing the export needs. */
export const handler = async (_event?: unknown): Promise<ExportResult> => exportUsers((defaultDepsMemo ??= defaultDeps()));
