import { DescribeEndpointCommand, EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
// The signer the EventBridge client itself uses (a dependency of @aws-sdk/client-eventbridge, resolved to the
// same copy in the bundle): asked here only whether a SigV4a implementation has been registered with it.
import { SignatureV4MultiRegion } from "@aws-sdk/signature-v4-multi-region";
// Registers the pure-JavaScript SigV4a signer with that signer (in the same bundle): PutEvents to a global
// endpoint needs it.
import "@aws-sdk/signature-v4a";
import { ConfigError } from "./config";

/**
 * Domain events on the order bus. Where the strategy has an EventBridge global endpoint (warm standby and
 * active-active), publishers send through it, so events reach the healthy region's bus during a failover
 * without the publisher knowing which region that is.
 *
 * How a publisher finds the endpoint. The endpoint has a fixed name (ENDPOINT_NAME) and lives in the home
 * region (ENDPOINT_REGION); its id is AWS's to assign. The function looks the id up when its container
 * starts (DescribeEndpoint) instead of being told it at deployment: the endpoint is created by the home
 * stack only once the other region's bus exists, so an id passed through stack outputs would reach the other
 * region's functions only at its next `pulumi up`, and every home-stack change to the endpoint would redeploy
 * them. Until the endpoint is ACTIVE, whenever the home region's API does not answer, and whenever a publish
 * through the endpoint fails (the endpoint still routing to a region that takes no events: its health check
 * fails over on measured latency, and a region that ingests nothing measures none), the publisher sends to
 * this region's own bus and asks again a minute later; this region's bus is where the endpoint would send
 * events anyway once the home region is unhealthy.
 *
 * What the SDK needs for the global endpoint. PutEvents with `EndpointId` goes to
 * `<endpointId>.endpoint.events.amazonaws.com` and must be signed with SigV4a (the multi-region signature,
 * signing region `*`), not SigV4. In the v3 SDK the EventBridge client's signer (SignatureV4MultiRegion, from
 * @aws-sdk/signature-v4-multi-region) has no SigV4a implementation of its own; one must be loaded into the
 * same process, and registers itself with the signer when imported:
 * - `@aws-sdk/signature-v4a`: pure JavaScript, the one to use in a Lambda bundle (`import "@aws-sdk/signature-v4a"`);
 * - `@aws-sdk/signature-v4-crt`: the AWS Common Runtime, native code (aws-crt), which esbuild cannot bundle
 *   into one file and which would have to match the Lambda runtime's architecture.
 * This module imports `@aws-sdk/signature-v4a`, so every bundle that publishes carries it. The package must be in
 * the bundle, not only in the runtime: it registers with the copy of the signer it imports, which is the bundle's
 * copy only when both are bundled together. Should it ever be missing, `createEventPublisher` refuses an
 * endpoint at start-up instead of failing every PutEvents.
 */

/** Finds the global endpoint's id: undefined while there is none to use (publish to the regional bus). */
export interface EndpointIdSource {
    (): Promise<string | undefined>;
    /** Told that a publish through the id failed: forget it, and look again after the retry interval. */
    readonly invalidate?: (reason: string) => void;
}

export interface EventPublisherConfig {
    /** The order bus's name or ARN (EVENT_BUS_NAME). With an endpoint, either region's bus: EventBridge maps it. */
    readonly busName: string;
    /** The global endpoint's id, where the strategy has one: a fixed id, or how to look it up. */
    readonly endpointId?: string | EndpointIdSource;
    /** The events' `source` (EVENT_SOURCE). */
    readonly source: string;
}

export interface EndpointLookupOptions {
    /** How long a failed or empty lookup is remembered before asking again. Default 60 s. */
    readonly retryAfterMs?: number;
    readonly now?: () => number;
    /** Told when a lookup finds nothing to use (the publisher falls back to the regional bus). */
    readonly onFallback?: (reason: string) => void;
}

/**
 * Looks the endpoint up by name with `client` (an EventBridge client in the endpoint's region). An ACTIVE
 * endpoint's id is kept for the container's life; anything else (no endpoint yet, one being created or
 * updated, an error) is remembered for `retryAfterMs`, and the publisher uses its regional bus meanwhile.
 */
export function endpointLookup(client: EventBridgeClient, name: string, opts: EndpointLookupOptions = {}): EndpointIdSource {
    const retryAfterMs = opts.retryAfterMs ?? 60_000;
    const now = opts.now ?? Date.now;
    let found: string | undefined;
    let askAgainAt = 0;
    const lookup = async () => {
        if (found !== undefined) return found;
        if (now() < askAgainAt) return undefined;
        let reason: string;
        try {
            const out = await client.send(new DescribeEndpointCommand({ Name: name }));
            if (out.State === "ACTIVE" && out.EndpointId) {
                found = out.EndpointId;
                return found;
            }
            reason = `endpoint ${name} is ${out.State ?? "in no state"}`;
        } catch (e) {
            reason = `endpoint ${name} not looked up: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
        }
        askAgainAt = now() + retryAfterMs;
        opts.onFallback?.(reason);
        return undefined;
    };
    return Object.assign(lookup, {
        invalidate: (reason: string) => {
            found = undefined;
            askAgainAt = now() + retryAfterMs;
            opts.onFallback?.(reason);
        },
    });
}

export interface DomainEvent {
    readonly detailType: string;
    readonly detail: Record<string, unknown>;
}

export interface EventPublisher {
    publish(events: readonly DomainEvent[]): Promise<void>;
}

/** Which SigV4a implementation the EventBridge client would find: "crt", "js" or "none". */
export function sigv4aImplementation(): "crt" | "js" | "none" {
    return SignatureV4MultiRegion.sigv4aDependency();
}

export function createEventPublisher(
    client: EventBridgeClient,
    config: EventPublisherConfig,
    sigv4a: () => string = sigv4aImplementation,
): EventPublisher {
    if (config.endpointId !== undefined && sigv4a() === "none")
        throw new ConfigError(
            `an EventBridge global endpoint is configured (ENDPOINT_NAME) but no SigV4a signer is in this bundle: ` +
                `add @aws-sdk/signature-v4a to the dependencies and import it in the function, or unset ENDPOINT_NAME to publish to EVENT_BUS_NAME`,
        );
    const idSource = config.endpointId;
    const put = async (events: readonly DomainEvent[], endpointId: string | undefined) =>
        client.send(
            new PutEventsCommand({
                ...(endpointId !== undefined ? { EndpointId: endpointId } : {}),
                Entries: events.map((e) => ({
                    EventBusName: config.busName,
                    Source: config.source,
                    DetailType: e.detailType,
                    Detail: JSON.stringify(e.detail),
                })),
            }),
        );
    return {
        async publish(events) {
            if (events.length === 0) return;
            const endpointId = typeof idSource === "function" ? await idSource() : idSource;
            let out: Awaited<ReturnType<typeof put>>;
            let pending = events;
            try {
                out = await put(pending, endpointId);
            } catch (e) {
                // Through a looked-up endpoint: the endpoint routes to a region that does not take events (its health
                // check has not failed over yet, or cannot: no data is not a failure). This region's own bus is where
                // the endpoint would send them once it has, so send them there now, and forget the endpoint a while.
                if (endpointId === undefined || typeof idSource !== "function") throw e;
                idSource.invalidate?.(
                    `PutEvents through endpoint ${endpointId} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
                );
                out = await put(pending, undefined);
            }
            // PutEvents answers 200 with per-entry failures (throttling, internal errors): a partial success is a failure here,
            // after one more try of the failed entries on this region's own bus where they went through the endpoint.
            if ((out.FailedEntryCount ?? 0) > 0 && endpointId !== undefined && typeof idSource === "function") {
                pending = pending.filter((_, i) => out.Entries?.[i]?.ErrorCode !== undefined);
                idSource.invalidate?.(`PutEvents through endpoint ${endpointId} failed for ${out.FailedEntryCount} event(s)`);
                out = await put(pending, undefined);
            }
            if ((out.FailedEntryCount ?? 0) > 0) {
                const first = out.Entries?.find((x) => x.ErrorCode !== undefined);
                throw new Error(
                    `PutEvents failed for ${out.FailedEntryCount} event(s): ${first?.ErrorCode ?? "unknown"} ${first?.ErrorMessage ?? ""}`.trim(),
                );
            }
        },
    };
}
