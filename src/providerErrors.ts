/**
 * Errors of the project's dynamic providers. The engine runs a provider's serialized closure text, where a
 * class extending Error loses its message (its `super(message)` no longer initialises `message`), so every
 * refusal is a plain `Error` with a name set, and AWS errors are quoted by name and message.
 */

/** A plain Error named `name`, with `extra` properties (e.g. a code) assigned. */
export function plainError<T extends object>(name: string, message: string, extra?: T): Error & { name: string } & T {
    return Object.assign(new Error(message), { name }, extra ?? ({} as T));
}

/** "Name: message" of a thrown value, for quoting an AWS SDK error in a refusal. */
export function describeError(e: unknown): string {
    const err = e as { name?: string; message?: string } | null;
    return `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
}
