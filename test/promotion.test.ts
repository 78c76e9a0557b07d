import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as fc from "fast-check";
import { isPromotionError, parseArn, pollUntil, regionOfServiceArn } from "../src/promotion";

const timing = (log: string[], clock: { t: number }) => ({
    pollMs: 1000,
    timeoutMs: 5000,
    sleep: async (ms: number) => {
        clock.t += ms;
    },
    now: () => clock.t,
    log: (m: string) => log.push(m),
    kind: "TestPromotionError",
    waitingFor: "the thing to be done",
    hint: "run again",
});

describe("promotion skeleton: pollUntil, errors, ARNs", () => {
    it("property: any sequence of intermediate states ending in done returns done and logs one line per change", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(fc.constantFrom("pending", "modifying", "deleting"), { maxLength: 20 }), async (states) => {
                const log: string[] = [];
                const seq = [...states, "done"];
                let i = 0;
                const last = await pollUntil(
                    async () => seq[i++],
                    (s) => s === "done",
                    (s) => s,
                    { ...timing(log, { t: 0 }), timeoutMs: 1_000_000 },
                );
                assert.equal(last, "done");
                assert.equal(i, seq.length, "stops at the first done state");
                const runs = states.filter((s, j) => j === 0 || s !== states[j - 1]);
                assert.deepEqual(
                    log,
                    runs.map((s) => `waiting: ${s}`),
                );
            }),
        );
    });

    it("times out with a plain Error naming the last state seen, the wait and the hint", async () => {
        const log: string[] = [];
        await assert.rejects(
            pollUntil(
                async () => "stuck",
                () => false,
                (s) => `state ${s}`,
                timing(log, { t: 0 }),
            ),
            (e: unknown) => {
                assert.ok(isPromotionError(e, "TestPromotionError"));
                assert.equal(Object.getPrototypeOf(e), Error.prototype, "a plain Error, not a subclass");
                assert.equal((e as { code: string }).code, "timeout");
                assert.equal((e as Error).message, "timed out after 5 s waiting for the thing to be done (last seen: state stuck); run again");
                return true;
            },
        );
        assert.deepEqual(log, ["waiting: state stuck"]);
    });

    it("parses regional ARNs and checks the service and resource", () => {
        assert.deepEqual(parseArn("arn:aws:elasticfilesystem:us-west-2:123456789012:file-system/fs-0123456789abcdef0"), {
            partition: "aws",
            service: "elasticfilesystem",
            region: "us-west-2",
            account: "123456789012",
            resource: "file-system/fs-0123456789abcdef0",
        });
        assert.equal(regionOfServiceArn("arn:aws:rds:eu-west-1:123456789012:cluster:db", "rds", /^cluster:[A-Za-z0-9-]+$/), "eu-west-1");
        assert.equal(regionOfServiceArn("arn:aws:rds:eu-west-1:123456789012:db:db", "rds", /^cluster:[A-Za-z0-9-]+$/), undefined);
        assert.equal(parseArn("arn:aws:s3:::bucket"), undefined, "not regional");
    });

    it("the promotion modules hold no Error subclass and no module-level Set or Map (they are serialized into providers)", () => {
        for (const f of ["promotion", "globalWriter", "cachePromotion", "filesPromotion"]) {
            const text = fs.readFileSync(path.join(__dirname, "..", "..", "src", `${f}.ts`), "utf8");
            const code = text.split("\n").filter((l) => !/^\s*(\*|\/\*\*|\/\/)/.test(l));
            for (const l of code) assert.doesNotMatch(l, /\bclass\s+\w+/, `${f}: a class: ${l}`);
            const topLevel = text.split("\n").filter((l) => /^(export )?(const|let|var) /.test(l));
            for (const l of topLevel) assert.doesNotMatch(l, /new (Set|Map|WeakSet|WeakMap)\b/, `${f}: ${l}`);
        }
    });
});
