/**
 * What a dynamic provider prints: the engine shows its stdout and stderr among an update's diagnostics, so the
 * serialized-provider tests assert on the lines. Call inside a `describe`: each test starts with no lines, and the
 * console is given back after it.
 */
export function captureProviderOutput(): { lines: string[] } {
    const out = { lines: [] as string[] };
    const realLog = console.log;
    const realError = console.error;
    beforeEach(() => {
        out.lines = [];
        console.log = (...a: unknown[]) => {
            out.lines.push(a.join(" "));
        };
        console.error = (...a: unknown[]) => {
            out.lines.push(a.join(" "));
        };
    });
    afterEach(() => {
        console.log = realLog;
        console.error = realError;
    });
    return out;
}
