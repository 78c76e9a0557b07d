/** Durations written as `30s`, `15m`, `4h`, `1d` (or combinations such as `1h30m`), in seconds. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(text: string): number | undefined {
    const t = text.trim();
    if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d))+$/.test(t)) return undefined;
    let total = 0;
    for (const m of t.matchAll(PART)) total += Number(m[1]) * UNIT[m[2]];
    return total;
}

/** Formats seconds as a short human duration, e.g. 95 → "1m35s", 7200 → "2h". */
export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return String(seconds);
    let s = Math.round(seconds);
    if (s === 0) return "0s";
    const parts: string[] = [];
    for (const [u, n] of [
        ["d", 86400],
        ["h", 3600],
        ["m", 60],
        ["s", 1],
    ] as const) {
        if (s >= n) {
            parts.push(`${Math.floor(s / n)}${u}`);
            s %= n;
        }
    }
    return parts.join("");
}
