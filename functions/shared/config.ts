/**
 * Configuration from the function's environment. The Pulumi program sets every variable a handler reads; a
 * missing one is a deployment mistake, so it fails the first invocation with the variable's name rather than
 * surfacing later as an SDK error about an empty table name.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/** A variable that must be set and non-empty; `what` says what it names, for the message. */
export function requireEnv(env: Env, name: string, what: string): string {
    const v = env[name];
    if (v === undefined || v.trim() === "") throw new ConfigError(`missing environment variable ${name} (${what})`);
    return v;
}

/** A variable that may be absent; empty counts as absent, as the Lambda console leaves it. */
export function optionalEnv(env: Env, name: string): string | undefined {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v;
}

/** A positive integer with a default, e.g. a threshold in seconds. */
export function intEnv(env: Env, name: string, fallback: number): number {
    const v = optionalEnv(env, name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`environment variable ${name} must be a positive integer, got "${v}"`);
    return n;
}
