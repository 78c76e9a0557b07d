import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { AuditTrail, AuditTrailArgs, TRAIL_LOG_GROUP } from "../components/auditTrail";
import { privateBucket } from "../components/privateBucket";
import { LOG_RETENTION_DAYS } from "../src/config";

// The runtime's settings hold the monitor setMocks installs; it is wrapped to see each registration's options
// (protect, dependencies), which the public Mocks interface does not pass on (as tools/planner.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState = require("@pulumi/pulumi/runtime/state");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeSettings = require("@pulumi/pulumi/runtime/settings");

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const LOGS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/logs-key`;
const ACCESS_LOG_BUCKET = "securecart-s3-logs-abc123";

const T = {
    trail: "aws:cloudtrail/trail:Trail",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logging: "aws:s3/bucketLogging:BucketLogging",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

type Props = Record<string, unknown>;

interface Registered {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Props;
    /** Inputs plus what the fake provider computed (ARNs). */
    readonly state: Props;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly dependencies: readonly string[];
}

/** What AWS would compute, in AWS's formats (the trail's ARN as `pulumi import` shows it). */
function computed(type: string, name: string, inputs: Props): Props {
    switch (type) {
        case T.bucket: {
            const bucket = inputs.bucket ?? `${name}-x1y2z3`;
            return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}` };
        }
        case T.key:
            return { arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}-0000`, keyId: `${name}-0000` };
        case T.logGroup:
            return { arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${inputs.name}` };
        case T.role:
            return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}-1a2b`, id: `${name}-1a2b` };
        case T.trail:
            return { arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${inputs.name}` };
        default:
            return {};
    }
}

/** The parts of the engine's RegisterResource request and response (generated protobuf classes) read here. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean | undefined;
    getDependenciesList(): string[];
}
interface RegisterResponse {
    getUrn(): string;
}
type RegisterCallback = (err: unknown, resp?: RegisterResponse) => void;
interface Monitor {
    registerResource(req: RegisterRequest, callback: RegisterCallback): void;
}

/** The value at a dotted path of a registered resource's properties (array elements by index). */
function at(props: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((o, k) => (o === null || typeof o !== "object" ? undefined : (o as Props)[k]), props);
}

const valueOf = <V>(o: pulumi.Output<V>) => new Promise<V>((resolve) => o.apply(resolve));

/** Runs `build` under Pulumi's mock runtime (a normal update, not a preview) and returns every registration. */
async function registrations(build: () => void): Promise<Registered[]> {
    const states = new Map<string, { inputs: Props; state: Props }>();
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                const extra = computed(a.type, a.name, a.inputs);
                const state = { ...a.inputs, ...extra };
                states.set(`${a.type}::${a.name}`, { inputs: a.inputs, state });
                return { id: typeof extra.id === "string" ? extra.id : `${a.name}-id`, state };
            },
            call: (c) => c.inputs,
        },
        "securecart",
        "trail-test",
        false,
    );
    const store = runtimeState.getStore();
    const inner: Monitor = store.settings.monitor;
    const options: Array<Omit<Registered, "inputs" | "state">> = [];
    store.settings.monitor = new Proxy(inner, {
        get(target, prop) {
            if (prop === "registerResource")
                return (req: RegisterRequest, callback: RegisterCallback) =>
                    inner.registerResource(req, (err, resp) => {
                        if (!err && resp)
                            options.push({
                                type: req.getType(),
                                name: req.getName(),
                                urn: resp.getUrn(),
                                protect: req.getProtect() === true,
                                retainOnDelete: req.getRetainondelete() === true,
                                deleteBeforeReplace: req.getDeletebeforereplace() === true,
                                dependencies: req.getDependenciesList(),
                            });
                        callback(err, resp);
                    });
            const v = Reflect.get(target, prop);
            return typeof v === "function" ? v.bind(target) : v;
        },
    });
    await pulumi.runtime.runInPulumiStack(async () => {
        build();
        return {};
    });
    await runtimeSettings.waitForRPCs();
    return options.map((o) => ({ ...o, ...(states.get(`${o.type}::${o.name}`) ?? { inputs: {}, state: {} }) }));
}

interface Planned {
    readonly resources: Registered[];
    readonly outputs: { trailArn: string; trailName: string; bucketName: string; logGroupName: string; keyArn: string };
}

async function planTrail(over: Partial<AuditTrailArgs> = {}): Promise<Planned> {
    let trail: AuditTrail | undefined;
    const resources = await registrations(() => {
        trail = new AuditTrail("securecart-trail", {
            region: REGION,
            accountId: ACCOUNT,
            retentionDays: 365,
            logsKmsKeyArn: LOGS_KEY,
            serverAccessLogBucket: ACCESS_LOG_BUCKET,
            tags: { app: "securecart" },
            ...over,
        });
    });
    const t = trail as AuditTrail;
    const [trailArn, trailName, bucketName, logGroupName, keyArn] = await Promise.all(
        [t.trailArn, t.trailName, t.bucketName, t.logGroupName, t.keyArn].map(valueOf),
    );
    return { resources, outputs: { trailArn, trailName, bucketName, logGroupName, keyArn } };
}

function only(p: Planned | Registered[], type: string): Registered {
    const all = (Array.isArray(p) ? p : p.resources).filter((r) => r.type === type);
    assert.equal(all.length, 1, `expected one ${type}, found ${all.map((r) => r.name).join(", ") || "none"}`);
    return all[0];
}

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}
const statementsOf = (policy: unknown): Statement[] => JSON.parse(String(policy)).Statement;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const fromCloudTrail = (s: Statement) => list(at(s.Principal, "Service") as string | string[] | undefined).includes("cloudtrail.amazonaws.com");

describe("audit trail (component under mocks)", () => {
    let plan: Planned;
    before(async () => {
        plan = await planTrail();
    });

    it("one multi-Region trail with global service events and log file validation, under its own key, management events only", () => {
        const trail = only(plan, T.trail);
        const key = only(plan, T.key);
        assert.equal(trail.inputs.name, "securecart");
        assert.equal(trail.inputs.isMultiRegionTrail, true);
        assert.equal(trail.inputs.includeGlobalServiceEvents, true);
        assert.equal(trail.inputs.enableLogFileValidation, true);
        assert.equal(trail.inputs.kmsKeyId, key.state.arn, "the trail names its key by key ARN (an alias ARN plans a change on every update)");
        // No selectors: the default is all management events; any data resource would be a paid data event.
        assert.equal(trail.inputs.eventSelectors, undefined);
        assert.equal(trail.inputs.advancedEventSelectors, undefined);
        assert.equal(trail.inputs.s3BucketName, `securecart-trail-${ACCOUNT}-${REGION}`);
        const group = only(plan, T.logGroup);
        assert.equal(trail.inputs.cloudWatchLogsGroupArn, `${group.state.arn}:*`);
        assert.equal(trail.inputs.cloudWatchLogsRoleArn, only(plan, T.role).state.arn);
        assert.equal(key.inputs.enableKeyRotation, true);
        const alias = only(plan, T.alias);
        assert.equal(alias.inputs.name, "alias/securecart-trail");
        assert.equal(alias.inputs.targetKeyId, key.state.keyId);
        assert.deepEqual(plan.outputs, {
            trailArn: trail.state.arn,
            trailName: "securecart",
            bucketName: `securecart-trail-${ACCOUNT}-${REGION}`,
            logGroupName: TRAIL_LOG_GROUP,
            keyArn: key.state.arn,
        });
    });

    it("the bucket: Object Lock from creation, governance retention of the given days, versioned, expiring no sooner, logged elsewhere, under the trail key", () => {
        const bucket = only(plan, T.bucket);
        assert.equal(bucket.inputs.objectLockEnabled, true);
        assert.equal(bucket.inputs.forceDestroy, false);
        const lock = only(plan, T.lock);
        assert.equal(lock.inputs.bucket, bucket.state.bucket);
        assert.deepEqual(lock.inputs.rule, { defaultRetention: { mode: "GOVERNANCE", days: 365 } });
        assert.equal(at(only(plan, T.versioning).inputs, "versioningConfiguration.status"), "Enabled");
        const rules = only(plan, T.lifecycle).inputs.rules as unknown[];
        assert.equal(rules.length, 1);
        assert.equal(at(rules, "0.status"), "Enabled");
        const expiry = Number(at(rules, "0.expiration.days"));
        assert.ok(expiry >= 365, `current versions expire after ${expiry} days`);
        assert.ok(Number(at(rules, "0.noncurrentVersionExpiration.noncurrentDays")) >= 365);
        const logging = only(plan, T.logging);
        assert.equal(logging.inputs.targetBucket, ACCESS_LOG_BUCKET);
        assert.equal(logging.inputs.targetPrefix, `s3/${bucket.state.bucket}/`);
        const sse = only(plan, T.sse).inputs;
        assert.deepEqual(at(sse, "rules.0.applyServerSideEncryptionByDefault"), {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: only(plan, T.key).state.arn,
        });
        // A Bucket Key would change the encryption context KMS sees away from CloudTrail's.
        assert.equal(at(sse, "rules.0.bucketKeyEnabled"), false);
    });

    it("the bucket policy: TLS only, and CloudTrail may read the ACL and write this account's log prefix for this trail only", () => {
        const bucketArn = only(plan, T.bucket).state.arn;
        const trailArn = only(plan, T.trail).state.arn;
        const statements = statementsOf(only(plan, T.bucketPolicy).inputs.policy);
        const tls = statements.find((s) => s.Effect === "Deny");
        assert.ok(tls, "a TLS-only deny");
        assert.equal(tls.Principal, "*");
        assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(list(tls.Resource).sort(), [bucketArn, `${bucketArn}/*`].sort());
        const allows = statements.filter((s) => s.Effect === "Allow");
        assert.ok(allows.every(fromCloudTrail), "nobody but CloudTrail is granted anything");
        const acl = allows.filter((s) => list(s.Action).includes("s3:GetBucketAcl"));
        const write = allows.filter((s) => list(s.Action).includes("s3:PutObject"));
        assert.equal(acl.length, 1);
        assert.equal(write.length, 1);
        assert.equal(allows.length, 2);
        assert.deepEqual(list(acl[0].Action), ["s3:GetBucketAcl"]);
        assert.deepEqual(list(acl[0].Resource), [bucketArn]);
        assert.deepEqual(acl[0].Condition, { StringEquals: { "aws:SourceArn": trailArn } });
        assert.deepEqual(list(write[0].Action), ["s3:PutObject"]);
        assert.deepEqual(list(write[0].Resource), [`${bucketArn}/AWSLogs/${ACCOUNT}/*`]);
        assert.deepEqual(write[0].Condition, { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } });
    });

    it("the key policy: CloudTrail encrypts for this trail under its encryption context and describes the key; the account's readers decrypt trail files only", () => {
        const trailArn = only(plan, T.trail).state.arn;
        const statements = statementsOf(only(plan, T.key).inputs.policy);
        const cloudTrail = statements.filter(fromCloudTrail);
        // Every CloudTrail grant is bound to this trail, and CloudTrail gets nothing but data keys and DescribeKey.
        for (const s of cloudTrail) {
            assert.equal(s.Effect, "Allow");
            assert.equal(s.Condition?.StringEquals?.["aws:SourceArn"], trailArn, `${s.Sid} is bound to the trail`);
            assert.ok(
                list(s.Action).every((a) => a === "kms:GenerateDataKey*" || a === "kms:DescribeKey"),
                `${s.Sid}: ${list(s.Action)}`,
            );
        }
        const encrypt = cloudTrail.find(
            (s) =>
                list(s.Action).includes("kms:GenerateDataKey*") &&
                s.Condition?.StringLike?.["kms:EncryptionContext:aws:cloudtrail:arn"] !== undefined,
        );
        assert.ok(encrypt, "CloudTrail may generate data keys under its own encryption context");
        assert.equal(at(encrypt.Condition, "StringLike.kms:EncryptionContext:aws:cloudtrail:arn"), `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`);
        assert.ok(cloudTrail.some((s) => list(s.Action).includes("kms:DescribeKey")));
        const readers = statements.filter((s) => list(s.Action).includes("kms:Decrypt"));
        assert.equal(readers.length, 1);
        assert.deepEqual(list(readers[0].Action), ["kms:Decrypt"]);
        assert.deepEqual(readers[0].Condition, {
            StringEquals: { "kms:CallerAccount": ACCOUNT },
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
        });
        // The only unconditional grant is the account's own administration of the key.
        const unconditional = statements.filter((s) => s.Condition === undefined);
        assert.deepEqual(
            unconditional.map((s) => s.Principal),
            [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }],
        );
    });

    it("the log group is kept under the logs key; its delivery role, trusted by CloudTrail, can only create streams and put events in that group", () => {
        const group = only(plan, T.logGroup);
        assert.equal(group.inputs.name, TRAIL_LOG_GROUP);
        assert.equal(group.inputs.retentionInDays, 365);
        assert.equal(group.inputs.kmsKeyId, LOGS_KEY);
        const role = only(plan, T.role);
        assert.deepEqual(statementsOf(role.inputs.assumeRolePolicy), [
            { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        // Its one permission: no managed policy, no other inline policy.
        assert.equal(role.inputs.managedPolicyArns, undefined);
        const policies = plan.resources.filter((r) => r.type.startsWith("aws:iam/") && r.type !== T.role);
        assert.deepEqual(
            policies.map((r) => r.type),
            [T.rolePolicy],
        );
        assert.equal(policies[0].inputs.role, role.state.id);
        const statements = statementsOf(policies[0].inputs.policy);
        assert.ok(statements.every((s) => s.Effect === "Allow"));
        assert.deepEqual([...new Set(statements.flatMap((s) => list(s.Action)))].sort(), ["logs:CreateLogStream", "logs:PutLogEvents"]);
        for (const r of statements.flatMap((s) => list(s.Resource)))
            assert.ok(r.startsWith(`${group.state.arn}:log-stream:${ACCOUNT}_CloudTrail_`), `${r} is one of the group's CloudTrail streams`);
    });

    it("the stateful resources (key, bucket, log group) and the bucket's settings are protected; the trail waits for what CloudTrail checks", () => {
        for (const type of [T.key, T.bucket, T.logGroup]) {
            const r = only(plan, type);
            assert.ok(r.protect && r.retainOnDelete, `${r.name} is protected and kept on delete`);
        }
        for (const type of [T.versioning, T.lock, T.sse, T.logging]) assert.ok(only(plan, type).protect, `${type} is protected`);
        const trail = only(plan, T.trail);
        for (const type of [T.bucketPolicy, T.key, T.lock, T.rolePolicy])
            assert.ok(trail.dependencies.includes(only(plan, type).urn), `the trail waits for its ${type}`);
        // A fixed name cannot be created twice: a replacement deletes the old trail first.
        assert.equal(trail.deleteBeforeReplace, true);
    });

    it("refuses a retention that is not a whole number of days ≥ 1", async () => {
        for (const retentionDays of [0, -1, 1.5]) await assert.rejects(planTrail({ retentionDays }), (e: Error) => /retentionDays/.test(e.message));
    });

    it("for every retention the config accepts, the lock never outlasts the lifecycle, and the log group keeps the same days", async () => {
        await fc.assert(
            fc.asyncProperty(fc.constantFrom(...LOG_RETENTION_DAYS), async (days) => {
                const p = await planTrail({ retentionDays: days });
                const lockDays = Number(at(only(p, T.lock).inputs, "rule.defaultRetention.days"));
                const lifecycle = only(p, T.lifecycle).inputs;
                const current = Number(at(lifecycle, "rules.0.expiration.days"));
                assert.equal(lockDays, days);
                assert.ok(lockDays <= current, `lock ${lockDays} d, current versions expire after ${current} d`);
                assert.ok(lockDays <= Number(at(lifecycle, "rules.0.noncurrentVersionExpiration.noncurrentDays")));
                assert.equal(only(p, T.logGroup).inputs.retentionInDays, days);
            }),
            { numRuns: 30 },
        );
    });
});

describe("privateBucket's new options leave its other callers as they were", () => {
    it("without them: no Object Lock input, and the Bucket Key stays on under a KMS key", async () => {
        const resources = await registrations(() => {
            const parent = new pulumi.ComponentResource("test:index:Owner", "owner");
            privateBucket("plain", { kmsKeyArn: LOGS_KEY, tags: {} }, parent);
        });
        assert.equal("objectLockEnabled" in only(resources, T.bucket).inputs, false);
        assert.equal(at(only(resources, T.sse).inputs, "rules.0.bucketKeyEnabled"), true);
    });
});
