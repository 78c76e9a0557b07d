import * as assert from "assert";
import * as fc from "fast-check";
import type { RequestOptions } from "https";
import * as net from "net";
import type { AddressInfo } from "net";
import { httpsRequest, probe, requestOptions, type ProbeRequest, type ProbeResponse } from "../functions/api-probe";
import { MemoryLogger } from "../functions/shared/log";

/**
 * The VPC link keep-alive probe. The HTTP call is injected, so each answer API Gateway or the load balancer can
 * give is played without AWS; the real request is checked through the options it is built from, and its error
 * and timeout paths against local sockets (a successful HTTPS answer would need a certificate for the domain).
 */

const ENV = {
    API_TARGET_HOST: "d-abc123.execute-api.us-west-2.amazonaws.com",
    API_DOMAIN: "api.shop.example.com",
    PROBE_PATH: "/api/catalog/health",
};

/** A request function that answers with `response` and records the options it was called with. */
function answering(response: ProbeResponse): ProbeRequest & { calls: RequestOptions[] } {
    const calls: RequestOptions[] = [];
    return Object.assign(
        async (options: RequestOptions) => {
            calls.push(options);
            return response;
        },
        { calls },
    );
}

describe("functions: api-probe", () => {
    it("connects to this region's API Gateway and addresses the custom domain in SNI and Host", async () => {
        const o = requestOptions({ ...ENV, PROBE_TIMEOUT_MS: "2500" });
        assert.strictEqual(o.host, ENV.API_TARGET_HOST);
        assert.strictEqual(o.port, 443);
        assert.strictEqual(o.servername, ENV.API_DOMAIN);
        assert.strictEqual((o.headers as Record<string, string>).host, ENV.API_DOMAIN);
        assert.strictEqual(o.path, ENV.PROBE_PATH);
        assert.strictEqual(o.method, "GET");
        assert.strictEqual(o.timeout, 2500);
        assert.strictEqual(o.rejectUnauthorized, true, "certificates are verified");
        assert.strictEqual(requestOptions(ENV).timeout, 10_000, "default timeout");

        const request = answering({ status: 200, headers: { server: "nginx" } });
        await probe(ENV, request, new MemoryLogger());
        assert.deepStrictEqual(request.calls, [requestOptions(ENV)], "the probe sends exactly these options");
    });

    it("counts the load balancer's own 503 (no healthy target) as reached", async () => {
        const logger = new MemoryLogger();
        const result = await probe(ENV, answering({ status: 503, headers: { server: "awselb/2.0" } }), logger);
        assert.deepStrictEqual(result, { reachedLoadBalancer: true, status: 503, server: "awselb/2.0" });
        assert.strictEqual(logger.lines.length, 1);
        assert.strictEqual(logger.lines[0].level, "info");
        assert.strictEqual(logger.lines[0].fields.status, 503);
    });

    it("counts a service's 200 as reached", async () => {
        assert.deepStrictEqual(await probe(ENV, answering({ status: 200, headers: { server: "nginx" } }), new MemoryLogger()), {
            reachedLoadBalancer: true,
            status: 200,
            server: "nginx",
        });
    });

    it("does not count API Gateway's own 404 (no server header: nothing crossed the link)", async () => {
        await assert.rejects(probe(ENV, answering({ status: 404, headers: { "apigw-requestid": "x" } }), new MemoryLogger()), /HTTP 404/);
    });

    it("throws on API Gateway's own 503 (no server header), naming the status and the VPC link", async () => {
        const logger = new MemoryLogger();
        await assert.rejects(probe(ENV, answering({ status: 503, headers: { "content-type": "application/json" } }), logger), (e: Error) => {
            assert.strictEqual(e.name, "ProbeError");
            assert.match(e.message, /HTTP 503/);
            assert.match(e.message, /api\.shop\.example\.com\/api\/catalog\/health/);
            assert.match(e.message, /d-abc123\.execute-api\.us-west-2\.amazonaws\.com/);
            assert.match(e.message, /VPC link/);
            return true;
        });
        assert.deepStrictEqual(
            logger.lines.map((l) => l.level),
            ["error"],
        );
    });

    it("throws on a network error or timeout, naming the host", async () => {
        const failing: ProbeRequest = async () => {
            throw new Error("no answer within 10000 ms");
        };
        const logger = new MemoryLogger();
        await assert.rejects(probe(ENV, failing, logger), (e: Error) => {
            assert.strictEqual(e.name, "ProbeError");
            assert.match(e.message, /d-abc123\.execute-api\.us-west-2\.amazonaws\.com/);
            assert.match(e.message, /no answer within 10000 ms/);
            return true;
        });
        assert.strictEqual(logger.lines[0].level, "error");
    });

    it("the real request times out on a server that never answers, and fails on a refused connection", async () => {
        // Accepts the TCP connection and then says nothing: the TLS handshake never completes.
        const sockets: net.Socket[] = [];
        const silent = net.createServer((s) => sockets.push(s));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const port = (silent.address() as AddressInfo).port;
        const env = { ...ENV, API_TARGET_HOST: "127.0.0.1", PROBE_TIMEOUT_MS: "200" };
        try {
            await assert.rejects(
                probe(env, (o) => httpsRequest({ ...o, port }), new MemoryLogger()),
                /API probe .* via 127\.0\.0\.1: no answer \(no answer within 200 ms\)/,
            );
        } finally {
            for (const s of sockets) s.destroy();
            await new Promise((resolve) => silent.close(resolve));
        }
        // The port is free again: nothing listens, the connection is refused.
        await assert.rejects(
            probe(env, (o) => httpsRequest({ ...o, port }), new MemoryLogger()),
            /via 127\.0\.0\.1: no answer \(.*ECONNREFUSED/,
        );
    });

    it("a missing or malformed variable names itself", async () => {
        const never: ProbeRequest = async () => assert.fail("no request without a complete configuration");
        for (const name of Object.keys(ENV)) {
            const env: Record<string, string> = { ...ENV };
            delete env[name];
            await assert.rejects(probe(env, never, new MemoryLogger()), (e: Error) => {
                assert.strictEqual(e.name, "ConfigError");
                assert.match(e.message, new RegExp(`missing environment variable ${name}\\b`));
                return true;
            });
        }
        await assert.rejects(probe({ ...ENV, API_DOMAIN: "https://api.shop.example.com" }, never), /API_DOMAIN must be a bare host name/);
        await assert.rejects(probe({ ...ENV, PROBE_PATH: "api/catalog/health" }, never), /PROBE_PATH must start with "\/"/);
        await assert.rejects(probe({ ...ENV, PROBE_TIMEOUT_MS: "soon" }, never), /PROBE_TIMEOUT_MS must be a positive integer/);
    });

    it("reached exactly when the answer carries a server header, whatever its status (property)", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.integer({ min: 100, max: 599 }),
                fc.option(fc.constantFrom("awselb/2.0", "nginx"), { nil: undefined }),
                fc.dictionary(fc.constantFrom("content-type", "x-amzn-requestid", "apigw-requestid"), fc.string()),
                async (status, server, extra) => {
                    const headers = server === undefined ? extra : { ...extra, server };
                    const outcome = await probe(ENV, answering({ status, headers }), new MemoryLogger()).then(
                        (r) => r.reachedLoadBalancer,
                        (e: Error) => e.message,
                    );
                    if (server !== undefined) assert.strictEqual(outcome, true);
                    else assert.match(String(outcome), new RegExp(`HTTP ${status} without a server header`));
                },
            ),
        );
    });
});
