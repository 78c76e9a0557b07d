/**
 * Mocha's global fixtures (run once, in the main process, before the workers start): a directory for the
 * plans the workers share (test/planCache.ts), removed at the end of the run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

let dir: string | undefined;

export function mochaGlobalSetup(): void {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "securecart-plans-"));
    process.env.SECURECART_PLAN_CACHE = dir;
}

export function mochaGlobalTeardown(): void {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
