import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
// The signer the EventBridge client itself uses (a dependency of @aws-sdk/client-eventbridge, resolved to the
// same copy in the bundle): asked here only whether a SigV4a implementation has been registered with it.
import { SignatureV4MultiRegion } from "@aws-sdk/signature-v4-multi-region";
// Registers the pure-JavaScript SigV4a signer with that signer (in the same bundle): PutEvents to a global
// endpoint needs it.
import "@aws-sdk/signature-v4a";
import { ConfigError } from "./config";

/**
 * Domain events on the order bus. Where the strategy has an EventBridge global endpoint (warm standby and
 * active-active), publishers send through it (ENDPOINT_ID), so events reach the healthy region's bus during a
 * failover without the publisher knowing which region that is.
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
 * copy only when both are bundled together. Should it ever be missing, `createEventPublisher` refuses ENDPOINT_ID
 * at start-up instead of failing every PutEvents.
 */

export interface EventPublisherConfig {
    /** The order bus's name or ARN (EVENT_BUS_NAME). With an endpoint, either region's bus: EventBridge maps it. */
    readonly busName: string;
    /** The global endpoint's id (ENDPOINT_ID), where the strategy has one. */
    readonly endpointId?: string;
    /** The events' `source` (EVENT_SOURCE). */
    readonly source: string;
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
            `ENDPOINT_ID is set (EventBridge global endpoint ${config.endpointId}) but no SigV4a signer is in this bundle: ` +
                `add @aws-sdk/signature-v4a to the dependencies and import it in the function, or unset ENDPOINT_ID to publish to EVENT_BUS_NAME`,
        );
    return {
        async publish(events) {
            if (events.length === 0) return;
            const out = await client.send(
                new PutEventsCommand({
                    ...(config.endpointId !== undefined ? { EndpointId: config.endpointId } : {}),
                    Entries: events.map((e) => ({
                        EventBusName: config.busName,
                        Source: config.source,
                        DetailType: e.detailType,
                        Detail: JSON.stringify(e.detail),
                    })),
                }),
            );
            // PutEvents answers 200 with per-entry failures (throttling, internal errors): a partial success is a failure here.
            if ((out.FailedEntryCount ?? 0) > 0) {
                const first = out.Entries?.find((x) => x.ErrorCode !== undefined);
                throw new Error(
                    `PutEvents failed for ${out.FailedEntryCount} event(s): ${first?.ErrorCode ?? "unknown"} ${first?.ErrorMessage ?? ""}`.trim(),
                );
            }
        },
    };
}
