import {
    CognitoIdentityProviderClient,
    DescribeUserPoolCommand,
    GetCSVHeaderCommand,
    ListUsersCommand,
    type ListUsersCommandInput,
    type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { PutObjectCommand, S3Client, type PutObjectCommandInput } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "assert";
import * as fc from "fast-check";
import { MemoryLogger } from "../functions/shared/log";
import * as userExport from "../functions/user-export";
import { awsError } from "./functionsFakes";

/**
 * The user export of the backup-restore strategy, against Cognito and S3 stubbed with aws-sdk-client-mock. The
 * file is read back with the import job's documented reading (bare values, `\,` for a comma in a value), so the
 * tests say what the new pool would receive.
 */

const POOL = "us-east-1_AbC123";
const TARGETS = [
    { region: "us-west-2", bucket: "securecart-identity-export-123456789012-us-west-2" },
    { region: "eu-west-1", bucket: "securecart-identity-export-123456789012-eu-west-1" },
];
const ENV = { USER_POOL_ID: POOL, POOL_REGION: "us-east-1", EXPORT_TARGETS: JSON.stringify(TARGETS) };
const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const KEY = "users/2026-03-01T12-00-00.000Z.csv";
/** GetCSVHeader's answer as Cognito documents it, plus a custom attribute. */
const HEADER = [
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
    "custom:tier",
    "cognito:mfa_enabled",
    "cognito:username",
];

/** The import job's reading of the file: lines, fields split at commas not escaped, `\,` read as a comma. */
function parse(csv: string): string[][] {
    assert.ok(csv.endsWith("\n"), "the file ends with a line break");
    return csv
        .slice(0, -1)
        .split("\n")
        .map((line) => line.split(/(?<!\\),/).map((f) => f.replace(/\\,/g, ",")));
}

function user(username: string, attrs: Record<string, string>, over: Partial<UserType> = {}): UserType {
    return {
        Username: username,
        UserStatus: "CONFIRMED",
        Enabled: true,
        Attributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
        ...over,
    };
}

describe("functions: user-export", () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    const s3 = mockClient(S3Client);
    let logger: MemoryLogger;
    let s3Regions: string[];

    const deps = (env: Record<string, string> = ENV): userExport.UserExportDeps => ({
        config: userExport.configFromEnv(env),
        cognito: new CognitoIdentityProviderClient({ region: "us-east-1" }),
        s3For: (region) => {
            s3Regions.push(region);
            return new S3Client({ region });
        },
        logger,
        now: () => NOW,
    });
    /** Serves `pages` of ListUsers, chained by PaginationToken. */
    const servePages = (pages: UserType[][]) =>
        cognito.on(ListUsersCommand).callsFake((input: ListUsersCommandInput) => {
            const i = input.PaginationToken === undefined ? 0 : Number(input.PaginationToken);
            return { Users: pages[i], ...(i + 1 < pages.length ? { PaginationToken: String(i + 1) } : {}) };
        });
    const puts = (): PutObjectCommandInput[] => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const writtenCsv = (): string => String(puts()[0].Body);

    beforeEach(() => {
        cognito.reset();
        s3.reset();
        logger = new MemoryLogger();
        s3Regions = [];
        cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, UsernameAttributes: ["email"], MfaConfiguration: "OPTIONAL" } });
        cognito.on(GetCSVHeaderCommand).resolves({ UserPoolId: POOL, CSVHeader: HEADER });
        s3.on(PutObjectCommand).resolves({});
    });
    after(() => {
        cognito.restore();
        s3.restore();
    });

    it("writes the header's columns in its order, each user's attributes under them, to every region's bucket", async () => {
        const header = ["email", "custom:tier", "cognito:username", "phone_number_verified", "cognito:mfa_enabled", "email_verified", "given_name"];
        cognito.on(GetCSVHeaderCommand).resolves({ CSVHeader: header });
        servePages([
            [
                user("6f1c-uuid", { sub: "6f1c-uuid", email: "ana@example.com", email_verified: "true", given_name: "Ana", "custom:tier": "gold" }),
                user("9a2d-uuid", { sub: "9a2d-uuid", email: "bo@example.com", email_verified: "false" }),
            ],
        ]);
        const result = await userExport.exportUsers(deps());
        assert.deepStrictEqual(result, { users: 2, skipped: 0, key: KEY, targets: TARGETS });
        assert.deepStrictEqual(parse(writtenCsv()), [
            header,
            // Email is this pool's sign-in name: the import takes it as the username; MFA optional: not enabled.
            ["ana@example.com", "gold", "ana@example.com", "", "false", "true", "Ana"],
            ["bo@example.com", "", "bo@example.com", "", "false", "false", ""],
        ]);
        assert.deepStrictEqual(
            puts().map((p) => [p.Bucket, p.Key, p.ContentType, p.ServerSideEncryption, p.SSEKMSKeyId]),
            TARGETS.map((t) => [t.bucket, KEY, "text/csv", undefined, undefined]),
            "the same object everywhere, under the bucket's default encryption",
        );
        assert.deepStrictEqual(new Set(puts().map((p) => p.Body)).size, 1);
        assert.deepStrictEqual(s3Regions, ["us-west-2", "eu-west-1"], "each bucket written through its own region's client");
        assert.deepStrictEqual(cognito.commandCalls(GetCSVHeaderCommand)[0].args[0].input, { UserPoolId: POOL });
        assert.strictEqual(logger.lines.length, 1);
        assert.strictEqual(logger.lines[0].level, "info");
        assert.strictEqual(logger.lines[0].fields.users, 2);
    });

    it("takes the username itself in a pool without username attributes, and enables MFA where the pool requires it", async () => {
        cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, MfaConfiguration: "ON" } });
        cognito.on(GetCSVHeaderCommand).resolves({ CSVHeader: ["cognito:username", "email", "cognito:mfa_enabled"] });
        servePages([[user("ana", { email: "ana@example.com" })]]);
        await userExport.exportUsers(deps());
        assert.deepStrictEqual(parse(writtenCsv())[1], ["ana", "ana@example.com", "true"]);
    });

    it("exports every page of ListUsers, 60 users a page", async () => {
        const page = (n: number, from: number) =>
            Array.from({ length: n }, (_, i) => user(`u-${from + i}`, { email: `u${from + i}@example.com`, email_verified: "true" }));
        servePages([page(60, 0), page(60, 60), page(7, 120)]);
        const result = await userExport.exportUsers(deps());
        assert.strictEqual(result.users, 127);
        const calls = cognito.commandCalls(ListUsersCommand).map((c) => c.args[0].input);
        assert.deepStrictEqual(
            calls.map((c) => [c.UserPoolId, c.Limit, c.PaginationToken]),
            [
                [POOL, 60, undefined],
                [POOL, 60, "1"],
                [POOL, 60, "2"],
            ],
        );
        const rows = parse(writtenCsv()).slice(1);
        const email = HEADER.indexOf("email");
        assert.deepStrictEqual(
            rows.map((r) => r[email]),
            Array.from({ length: 127 }, (_, i) => `u${i}@example.com`),
        );
    });

    it("escapes commas as the import job reads them and never quotes a value", async () => {
        servePages([[user("x", { email: "x@example.com", name: 'Doe, "Jane"', address: "1 Main St, Springfield\nUSA" })]]);
        await userExport.exportUsers(deps());
        const line = writtenCsv().split("\n")[1];
        assert.ok(line.startsWith('Doe\\, "Jane",'), line);
        assert.ok(line.includes(",1 Main St\\, Springfield USA,"), line);
        assert.strictEqual(logger.lines[0].fields.normalised, 1, "the user whose address lost its line break is counted");
    });

    it("any attribute values read back as written, line breaks and a trailing backslash aside (property)", async () => {
        const value = fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: fc.constantFrom(",", '"', "\\", "\n", "\r", " ", "a", "é", "=") }));
        await fc.assert(
            fc.asyncProperty(fc.array(fc.tuple(value, value, value), { minLength: 1, maxLength: 5 }), async (users) => {
                cognito.reset();
                s3.reset();
                s3.on(PutObjectCommand).resolves({});
                cognito.on(DescribeUserPoolCommand).resolves({ UserPool: {} });
                cognito.on(GetCSVHeaderCommand).resolves({ CSVHeader: ["name", "address", "cognito:username", "custom:note"] });
                servePages([users.map(([name, address, note], i) => user(`user-${i}`, { name, address, "custom:note": note }))]);
                await userExport.exportUsers(deps());
                const expected = users.map(([name, address, note], i) => [name, address, `user-${i}`, note].map(userExport.normalisedValue));
                assert.deepStrictEqual(parse(writtenCsv()).slice(1), expected);
                // What the export changes is only what the format cannot carry.
                for (const v of users.flat()) if (!/[\r\n]|\\$/.test(v)) assert.strictEqual(userExport.normalisedValue(v), v);
            }),
        );
    });

    it("leaves federated users out and counts them", async () => {
        servePages([
            [
                user("ana", { email: "ana@example.com", email_verified: "true" }),
                user("Google_1234", { email: "g@example.com" }, { UserStatus: "EXTERNAL_PROVIDER" }),
            ],
            [user("SignInWithApple_99", { email: "a@example.com" }, { UserStatus: "EXTERNAL_PROVIDER" }), user("bo", { email: "bo@example.com" })],
        ]);
        const result = await userExport.exportUsers(deps());
        assert.strictEqual(result.users, 2);
        assert.strictEqual(result.skipped, 2);
        const email = HEADER.indexOf("email");
        assert.deepStrictEqual(
            parse(writtenCsv())
                .slice(1)
                .map((r) => r[email]),
            ["ana@example.com", "bo@example.com"],
        );
        assert.strictEqual(logger.lines[0].fields.skipped, 2);
    });

    it("writes the other regions when one bucket fails, then fails naming that bucket and its region", async () => {
        s3.on(PutObjectCommand, { Bucket: TARGETS[0].bucket }).rejects(awsError("AccessDenied", { message: "Access Denied" }));
        servePages([[user("ana", { email: "ana@example.com" })]]);
        await assert.rejects(userExport.exportUsers(deps()), (e: Error) => {
            assert.strictEqual(e.name, "ExportError");
            assert.match(e.message, /failed for s3:\/\/securecart-identity-export-123456789012-us-west-2 \(us-west-2\): AccessDenied/);
            assert.match(e.message, /written to s3:\/\/securecart-identity-export-123456789012-eu-west-1 \(eu-west-1\)/);
            return true;
        });
        assert.deepStrictEqual(
            puts().map((p) => p.Bucket),
            TARGETS.map((t) => t.bucket),
            "both buckets were attempted",
        );
        assert.deepStrictEqual(
            logger.lines.map((l) => l.level),
            ["error"],
        );
    });

    it("a missing or malformed variable names itself, before any call to AWS", async () => {
        for (const name of Object.keys(ENV)) {
            const env: Record<string, string> = { ...ENV };
            delete env[name];
            assert.throws(
                () => userExport.configFromEnv(env),
                (e: Error) => {
                    assert.strictEqual(e.name, "ConfigError");
                    assert.match(e.message, new RegExp(`missing environment variable ${name}\\b`));
                    return true;
                },
            );
        }
        const bad = (over: Record<string, string>, message: RegExp) => assert.throws(() => userExport.configFromEnv({ ...ENV, ...over }), message);
        bad({ POOL_REGION: "US East" }, /POOL_REGION must be a region name/);
        bad({ USER_POOL_ID: "not a pool" }, /USER_POOL_ID must be a user pool id/);
        bad({ USER_POOL_ID: "eu-west-1_AbC123" }, /USER_POOL_ID \(eu-west-1_AbC123\) is not a pool of POOL_REGION \(us-east-1\)/);
        bad({ EXPORT_TARGETS: "us-west-2" }, /EXPORT_TARGETS must be .*not JSON/);
        bad({ EXPORT_TARGETS: "[]" }, /EXPORT_TARGETS must be .*not a non-empty array/);
        bad({ EXPORT_TARGETS: '[{"region":"us-west-2"}]' }, /EXPORT_TARGETS .*entry 0 has no valid bucket/);
        bad({ EXPORT_TARGETS: '[{"region":"Oregon","bucket":"b-b-b"}]' }, /EXPORT_TARGETS .*entry 0 has no valid region/);
        bad({ EXPORT_TARGETS: JSON.stringify([TARGETS[0], TARGETS[0]]) }, /EXPORT_TARGETS .*listed twice/);

        assert.strictEqual(userExport.configFromEnv(ENV).prefix, "users/", "default prefix");
        assert.strictEqual(userExport.configFromEnv({ ...ENV, EXPORT_PREFIX: "identity/" }).prefix, "identity/");
        assert.strictEqual(cognito.calls().length + s3.calls().length, 0);

        // The Lambda entry point reads the same variables: a missing one fails the invocation with its name.
        const saved = process.env.USER_POOL_ID;
        delete process.env.USER_POOL_ID;
        try {
            await assert.rejects(userExport.handler({}), /missing environment variable USER_POOL_ID/);
        } finally {
            if (saved !== undefined) process.env.USER_POOL_ID = saved;
        }
    });

    it("names the object after the export's time, under the prefix", () => {
        assert.strictEqual(userExport.exportKey("users/", NOW), KEY);
    });
});
