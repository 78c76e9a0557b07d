import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleDirs, bundleFunction, bundleFunctions, bundleInputsKey, functionNames, LAMBDA_RUNTIME, projectRoot } from "../src/functionBundles";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string, filename?: string) => Record<string, unknown>;

/**
 * The deployment packages. A bundle carries its own copy of the AWS SDK, so aws-sdk-client-mock (which stubs
 * the classes in node_modules) cannot reach the clients inside it. The bundles are therefore tested as Lambda
 * runs them: loaded from their text with only environment variables, rejecting malformed events without a
 * call to AWS, and, for the order processor, a whole happy path against a local HTTP stand-in for DynamoDB,
 * Step Functions and EventBridge (AWS_ENDPOINT_URL), which also checks the bundled SDK's signing and wire
 * format end to end.
 */

type Handler = (event: unknown) => Promise<unknown>;

const ENV: Record<string, string> = {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    ORDERS_TABLE: "securecart-orders",
    IDEMPOTENCY_TABLE: "securecart-idempotency",
    LEDGER_TABLE: "securecart-ledger",
    INVENTORY_TABLE: "securecart-inventory",
    STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:111122223333:stateMachine:securecart-fulfilment",
    EVENT_BUS_NAME: "securecart-orders",
    OPERATOR_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:ops",
    TARGET_BUCKET: "securecart-assets",
};

function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    return f().finally(() => {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
    });
}

describe("function bundles", function () {
    this.timeout(120000);
    const bundles = bundleFunctions();
    const byName = Object.fromEntries(bundles.map((b) => [b.name, b]));
    const load = (name: string): Handler => {
        const mod = requireFromString(byName[name].code, `/var/task/${name}/index.js`);
        assert.strictEqual(typeof mod.handler, "function", `${name} exports handler`);
        return mod.handler as Handler;
    };

    it("bundles every function folder into one CommonJS file with a linked source map", () => {
        assert.deepStrictEqual(functionNames(), [
            "api-probe",
            "dlq-watcher",
            "fulfilment",
            "notifier",
            "order-processor",
            "order-reconciler",
            "thumbnailer",
            "user-export",
        ]);
        assert.strictEqual(LAMBDA_RUNTIME, "nodejs24.x");
        for (const b of bundles) {
            assert.match(b.sha256, /^[0-9a-f]{64}$/);
            assert.match(b.code, /\/\/# sourceMappingURL=index\.js\.map\s*$/);
            // (The SDK mentions `[require("@aws-sdk/signature-v4-crt");]` in an error message, hence the look-behind.)
            assert.doesNotMatch(b.code, /(?<!\[)require\("@aws-sdk\//, `${b.name}: the SDK is bundled, not left to the runtime`);
            assert.doesNotMatch(b.code + b.sourceMap, /\/work\/|\/home\//, `${b.name}: no absolute paths`);
            assert.ok(JSON.parse(b.sourceMap).sources.some((s: string) => s.endsWith(`functions/${b.name}/index.ts`)));
        }
    });

    it("on disk: one folder per function under .bundles/<inputs key>, the same bytes, reused by the next process, new when a source changes", () => {
        const root = projectRoot();
        const dirs = bundleDirs(root);
        assert.deepStrictEqual(
            dirs.map((d) => d.name),
            bundles.map((b) => b.name),
        );
        for (const d of dirs) {
            assert.match(d.dir, /^\.bundles\/[0-9a-f]{16}\/[a-z-]+$/, "relative to the project root, where pulumi up runs");
            assert.strictEqual(fs.readFileSync(path.join(root, d.dir, "index.js"), "utf8"), byName[d.name].code, d.name);
            assert.strictEqual(fs.readFileSync(path.join(root, d.dir, "index.js.map"), "utf8"), byName[d.name].sourceMap, d.name);
            assert.deepStrictEqual(fs.readdirSync(path.join(root, d.dir)).sort(), ["index.js", "index.js.map"], "the package holds only these");
            assert.strictEqual(d.sha256, byName[d.name].sha256);
        }
        // Reused: a marker in the folder survives a second call, so nothing was rebundled.
        const marker = path.join(root, path.dirname(dirs[0].dir), "reused-marker");
        fs.writeFileSync(marker, "x");
        try {
            assert.deepStrictEqual(bundleDirs(root), dirs);
            assert.ok(fs.existsSync(marker));
        } finally {
            fs.rmSync(marker, { force: true });
        }
        // The key follows the sources: a copy of the project with one handler changed gets another key.
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-key-"));
        try {
            fs.cpSync(path.join(root, "functions"), path.join(copy, "functions"), { recursive: true });
            fs.copyFileSync(path.join(root, "package-lock.json"), path.join(copy, "package-lock.json"));
            assert.strictEqual(bundleInputsKey(copy), bundleInputsKey(root));
            fs.appendFileSync(path.join(copy, "functions", "notifier", "index.ts"), "\n// changed\n");
            assert.notStrictEqual(bundleInputsKey(copy), bundleInputsKey(root));
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    });

    it("is deterministic: a second build gives the same bytes", () => {
        for (const b of bundles) {
            const again = bundleFunction(b.name);
            assert.strictEqual(again.sha256, b.sha256, b.name);
            assert.strictEqual(again.code, b.code, b.name);
        }
    });

    it("each bundle fails its first invocation with the missing variable's name", async () => {
        for (const name of functionNames()) {
            await withEnv({}, async () => {
                for (const k of Object.keys(ENV)) delete process.env[k];
                await assert.rejects(
                    load(name)({ Records: [] }),
                    (e: Error) => e.name === "ConfigError" && /missing environment variable [A-Z_]+/.test(e.message),
                    name,
                );
            });
        }
    });

    it("each bundle rejects a malformed event cleanly, without calling AWS", async () => {
        await withEnv({ ...ENV, AWS_ENDPOINT_URL: "http://127.0.0.1:9" }, async () => {
            const bad = { messageId: "m1", body: "{not json", receiptHandle: "r", attributes: {}, messageAttributes: {} };
            assert.deepStrictEqual(await load("order-processor")({ Records: [bad] }), { batchItemFailures: [{ itemIdentifier: "m1" }] });
            assert.deepStrictEqual(await load("notifier")({ Records: [bad] }), { batchItemFailures: [{ itemIdentifier: "m1" }] });
            await assert.rejects(load("fulfilment")({ action: "ship" }), { name: "UnknownAction" });
            assert.strictEqual(await load("dlq-watcher")({ detail: { alarmName: "a", state: { value: "OK" } } }), undefined);
            const skipped = (await load("thumbnailer")({ Records: [{ s3: { bucket: { name: "b" }, object: { key: "assets/x.png" } } }] })) as {
                outcome: string;
            }[];
            assert.strictEqual(skipped[0].outcome, "skipped");
        });
    });

    it("the order processor's bundle runs its happy path against a local stand-in for AWS", async () => {
        const calls: { target: string; body: Record<string, unknown>; auth: string }[] = [];
        const server = http.createServer((req, res) => {
            let data = "";
            req.on("data", (c) => (data += c));
            req.on("end", () => {
                const target = String(req.headers["x-amz-target"] ?? "");
                calls.push({ target, body: JSON.parse(data || "{}"), auth: String(req.headers.authorization ?? "") });
                const replies: Record<string, unknown> = {
                    "DynamoDB_20120810.PutItem": {},
                    "DynamoDB_20120810.UpdateItem": {},
                    "AWSStepFunctions.StartExecution": {
                        executionArn: "arn:aws:states:eu-west-1:111122223333:execution:securecart-fulfilment:o-1",
                        startDate: 0,
                    },
                    "AWSEvents.PutEvents": { FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] },
                };
                const reply = replies[target];
                res.writeHead(reply ? 200 : 400, { "content-type": "application/x-amz-json-1.0" });
                res.end(JSON.stringify(reply ?? { __type: "UnknownOperationException", message: target }));
            });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const port = (server.address() as AddressInfo).port;
        try {
            await withEnv({ ...ENV, AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, async () => {
                const order = { orderId: "o-1", customerId: "c-1", items: [{ sku: "SKU-A", qty: 2, price: 10.5 }], total: 21, currency: "EUR" };
                const res = await load("order-processor")({
                    Records: [{ messageId: "m1", body: JSON.stringify(order), receiptHandle: "r", attributes: {}, messageAttributes: {} }],
                });
                assert.deepStrictEqual(res, { batchItemFailures: [] });
            });
        } finally {
            server.close();
        }
        assert.deepStrictEqual(
            calls.map((c) => c.target),
            [
                "DynamoDB_20120810.PutItem",
                "DynamoDB_20120810.PutItem",
                "AWSStepFunctions.StartExecution",
                "AWSEvents.PutEvents",
                "DynamoDB_20120810.UpdateItem",
            ],
        );
        assert.strictEqual(
            calls[0].body.ConditionExpression,
            "attribute_not_exists(idempotencyKey) OR (#status = :inProgress AND #leaseUntil < :now)",
        );
        assert.deepStrictEqual((calls[1].body.Item as Record<string, unknown>).status, { S: "ACCEPTED" });
        assert.strictEqual(calls[2].body.name, "o-1");
        assert.ok(
            calls.every((c) => c.auth.startsWith("AWS4-HMAC-SHA256 ")),
            "SigV4-signed without an endpoint id",
        );
    });
});
