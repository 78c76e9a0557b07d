import type { IncomingHttpHeaders } from "http";
import * as https from "https";
import { ConfigError, intEnv, requireEnv, type Env } from "../shared/config";
import { consoleLogger, type Logger } from "../shared/log";

/**
 * Keeps the HTTP API's VPC link alive in a region that takes no traffic (the pilot-light or backup-restore
 * standby). AWS makes a VPC link INACTIVE after 60 days without traffic, and a link recovering from that takes
 * minutes once requests resume: minutes a failover cannot spare. An EventBridge schedule invokes this function
 * once a day, and each invocation sends one request through the link to the internal load balancer.
 *
 * The API's execute-api endpoint is disabled, so the API answers only on its custom domain; but the custom
 * domain's public name resolves to whichever region serves, which is not this one. The probe therefore opens
 * its connection to this region's API Gateway regional domain name (`d-xxxx.execute-api.<region>.amazonaws.com`)
 * and names the custom domain in TLS SNI and in the Host header, as a client of this region would. The
 * certificate is verified as usual, against the custom domain.
 *
 * A failed probe throws: the function's Errors metric rises, and the alarm on it tells operators that the
 * standby's API path is broken before a failover finds out.
 */

export interface ProbeConfig {
    /** This region's API Gateway regional domain name: where the connection goes. */
    readonly targetHost: string;
    /** The API's custom domain: the TLS server name and the Host header. */
    readonly domain: string;
    /** The path requested, routed by the API through the VPC link. */
    readonly path: string;
    readonly timeoutMs: number;
}

/** What the probe needs of an answer: its status and headers (the body is not read). */
export interface ProbeResponse {
    readonly status: number;
    readonly headers: IncomingHttpHeaders;
}

/** Sends one request and resolves with the answer's head, or rejects on a network error or timeout. */
export type ProbeRequest = (options: https.RequestOptions) => Promise<ProbeResponse>;

export interface ProbeResult {
    readonly reachedLoadBalancer: true;
    readonly status: number;
    /** The answer's `server` header: `awselb/2.0` from the load balancer itself, `nginx` from a service behind it. */
    readonly server: string | undefined;
}

export class ProbeError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProbeError";
    }
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function hostEnv(env: Env, name: string, what: string): string {
    const v = requireEnv(env, name, what).trim();
    // A scheme, port or path here would end up in the SNI or the Host header and fail only at the first probe.
    if (!HOSTNAME.test(v)) throw new ConfigError(`environment variable ${name} must be a bare host name (${what}), got "${v}"`);
    return v;
}

export function probeConfig(env: Env): ProbeConfig {
    const path = requireEnv(env, "PROBE_PATH", "the path the probe requests, routed through the VPC link").trim();
    if (!path.startsWith("/")) throw new ConfigError(`environment variable PROBE_PATH must start with "/", got "${path}"`);
    return {
        targetHost: hostEnv(env, "API_TARGET_HOST", "this region's API Gateway regional domain name"),
        domain: hostEnv(env, "API_DOMAIN", "the API's custom domain"),
        path,
        timeoutMs: intEnv(env, "PROBE_TIMEOUT_MS", 10_000),
    };
}

/** The request: TCP to this region's API Gateway, TLS and HTTP addressed to the custom domain. */
export function requestOptions(env: Env): https.RequestOptions {
    return optionsOf(probeConfig(env));
}

function optionsOf(c: ProbeConfig): https.RequestOptions {
    return {
        host: c.targetHost,
        port: 443,
        servername: c.domain,
        method: "GET",
        path: c.path,
        headers: { host: c.domain, "user-agent": "securecart-api-probe", accept: "*/*" },
        timeout: c.timeoutMs,
        rejectUnauthorized: true,
        // A fresh connection each time: a kept-alive socket from an earlier invocation may have been closed by
        // API Gateway while the execution environment was frozen, and would fail the probe for no fault of the API.
        agent: false,
    };
}

/**
 * The real request, with Node's https module. `timeout` is the socket's idle time (connecting, the TLS
 * handshake, waiting for the answer); when it passes the request is destroyed with an error saying so, since
 * Node only reports a timeout and leaves the socket open. The Lambda function's own timeout bounds the rest.
 */
export function httpsRequest(options: https.RequestOptions): Promise<ProbeResponse> {
    return new Promise((resolve, reject) => {
        const req = https.request(options, (res) => {
            // The body is not needed; reading it lets the socket close.
            res.resume();
            resolve({ status: res.statusCode ?? 0, headers: res.headers });
        });
        req.on("timeout", () => req.destroy(new Error(`no answer within ${options.timeout} ms`)));
        req.on("error", reject);
        req.end();
    });
}

/**
 * Whether the answer came from behind the VPC link. The load balancer adds `server: awselb/2.0` to the answers it
 * makes itself (its fixed 403 and 404, a 503 when no target is healthy) and the services behind it add
 * `server: nginx`; an error API Gateway makes itself (a 5xx while the link is INACTIVE or recreating its network
 * interfaces) carries no `server` header. The status alone proves nothing: API Gateway's own 403 (no mapping) or
 * 404 (no route) never crosses the link, which would go INACTIVE while such a probe kept reporting success.
 */
export function reachedLoadBalancer(response: ProbeResponse): boolean {
    return serverOf(response) !== undefined;
}

/** The `server` header, or undefined when absent or empty (Node types every unknown header as possibly repeated). */
function serverOf(response: ProbeResponse): string | undefined {
    const v = response.headers.server;
    const s = Array.isArray(v) ? v.join(", ") : v;
    return s === undefined || s.trim() === "" ? undefined : s;
}

export async function probe(env: Env, request: ProbeRequest, logger: Logger = consoleLogger): Promise<ProbeResult> {
    const c = probeConfig(env);
    const where = `https://${c.domain}${c.path} via ${c.targetHost}`;
    const fields = { targetHost: c.targetHost, domain: c.domain, path: c.path };
    let response: ProbeResponse;
    try {
        response = await request(optionsOf(c));
    } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        logger.log("error", "API probe got no answer", { ...fields, error: reason });
        throw new ProbeError(`API probe ${where}: no answer (${reason}); the standby's API path is down or unreachable`);
    }
    const server = serverOf(response);
    if (!reachedLoadBalancer(response)) {
        logger.log("error", "API probe answered by API Gateway, not the load balancer", { ...fields, status: response.status });
        throw new ProbeError(
            `API probe ${where}: HTTP ${response.status} without a server header, an error from API Gateway itself, ` +
                "not the load balancer behind the VPC link (is the VPC link INACTIVE or recreating its network interfaces?)",
        );
    }
    logger.log("info", "API probe reached the load balancer", { ...fields, status: response.status, server });
    return { reachedLoadBalancer: true, status: response.status, server };
}

/** The scheduled invocation: the event carries nothing the probe needs. */
export const handler = async (_event?: unknown): Promise<ProbeResult> => probe(process.env, httpsRequest);
