/**
 * A dynamic resource the way the Pulumi engine runs it, not the way the program wrote it.
 *
 * The engine never sees the provider object: it sees the resource's `__provider` input, the text that
 * Pulumi's closure serializer produced, and its dynamic-provider host loads that text with
 * `require-from-string` and calls `handler()` (@pulumi/pulumi `cmd/dynamic-provider`). What the serializer
 * does not rebuild (Set and Map instances, Error subclasses, captured modules) only fails there, so the
 * tests and the preview-mode plan drive the provider through this loader.
 */
import type * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString: (code: string, filename?: string) => { handler: () => pulumi.dynamic.ResourceProvider } = require("require-from-string");

export { UNKNOWN } from "../src/unknown";

/** The serialized-provider input of a dynamic resource. */
export const PROVIDER_KEY = "__provider";

const cache = new Map<string, pulumi.dynamic.ResourceProvider>();

/** Loads serialized provider text as the engine's dynamic-provider host does (one instance per text). */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
    let p = cache.get(text);
    if (!p) {
        // The host runs from the project directory, so the text's require() calls resolve there.
        p = requireFromString(text, `${process.cwd()}/__dynamic_provider.js`).handler();
        cache.set(text, p);
    }
    return p;
}

/** The serialized provider text of a planned dynamic resource's inputs; throws when there is none. */
export function providerTextOf(inputs: Readonly<Record<string, unknown>>): string {
    const t = inputs[PROVIDER_KEY];
    if (typeof t !== "string" || t.length === 0) throw new Error(`not a dynamic resource: no ${PROVIDER_KEY} text in its inputs`);
    return t;
}
