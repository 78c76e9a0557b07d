/**
 * AWS error recognition by name, not `instanceof`: a bundle carries its own copy of each SDK package, and tests
 * reject with plain errors, so a class check would miss errors that are in fact the ones meant.
 */
export function errorName(e: unknown): string | undefined {
    if (typeof e === "object" && e !== null && "name" in e && typeof (e as { name: unknown }).name === "string") return (e as { name: string }).name;
    return undefined;
}

export function isConditionalCheckFailed(e: unknown): boolean {
    return errorName(e) === "ConditionalCheckFailedException";
}

export function messageOf(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

/** An error a retry will not fix (a malformed input, a declined card): the saga's Catch takes it, not its Retry. */
export class PermanentError extends Error {
    constructor(name: string, message: string) {
        super(message);
        this.name = name;
    }
}
