/**
 * Structured log lines: one JSON object a line, so CloudWatch Logs Insights can filter on orderId or outcome
 * without parsing prose. Injectable so tests stay quiet and can assert what was reported.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
    log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
    log(level, message, fields) {
        const line = JSON.stringify({ level, message, ...fields });
        if (level === "error" || level === "warn") console.error(line);
        else console.log(line);
    },
};

/** Collects lines instead of printing them (tests). */
export class MemoryLogger implements Logger {
    readonly lines: { level: LogLevel; message: string; fields: Record<string, unknown> }[] = [];
    log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
        this.lines.push({ level, message, fields });
    }
}
