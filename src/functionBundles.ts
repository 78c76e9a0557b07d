import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";

/**
 * The Lambda deployment packages: each folder under the top-level `functions/` (except `shared/`) bundled by
 * esbuild into one CommonJS file, `index.js`, with handler `index.handler`.
 *
 * Choices, and why:
 * - Runtime nodejs24.x, the newest Node.js runtime Lambda manages (nodejs20.x reaches its deprecation in
 *   2026, nodejs22.x a year later): the longest time before a forced upgrade. Node 24 runs only async
 *   handlers (callback handlers are gone), which is all these are.
 * - esbuild target node20: the syntax level both Node 24 (Lambda) and Node 20 (the project's engines, where
 *   the tests load the bundles) run, so the bundle tested here is byte for byte the one deployed.
 * - Everything bundled, the AWS SDK included, nothing left to the runtime's copy of the SDK: the version
 *   deployed is the one pinned in package-lock.json and tested here, not whichever version the runtime ships
 *   that week; and the EventBridge global endpoint's SigV4a signer must register itself with the same copy of
 *   the SDK's signer that the EventBridge client uses, which only one bundle guarantees. The price is size
 *   (about 1-5 MB a function, jimp being the largest) and a little cold-start time.
 * - Not minified: a stack trace in CloudWatch points at readable code, with each module's path in a comment.
 * - Source map linked (`index.js.map` next to `index.js`, named by a comment, without the sources' text): Node uses it only when
 *   the function sets NODE_OPTIONS=--enable-source-maps, so it costs nothing otherwise; an inline map would
 *   double the file every cold start parses, whether anyone reads the map or not.
 * - Deterministic: esbuild's output depends only on its input and options, and every path it writes (module
 *   comments, the map's sources) is relative to the project root, so the same commit gives the same bytes on
 *   any machine and Pulumi sees no diff.
 */

export const LAMBDA_RUNTIME = "nodejs24.x";
export const ESBUILD_TARGET = "node20";
export const HANDLER = "index.handler";

export interface FunctionBundle {
    /** The folder's name under functions/, e.g. `order-processor`. */
    readonly name: string;
    /** index.js. */
    readonly code: string;
    /** index.js.map. */
    readonly sourceMap: string;
    /** Hex SHA-256 of the code and the map: changes exactly when the package does. */
    readonly sha256: string;
}

/** The project root: the nearest directory above this file with both package.json and functions/ (this file runs from src/ or build/src/). */
export function projectRoot(from: string = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "functions"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no project root (package.json and functions/) above ${from}`);
    }
}

/** The functions: every folder under functions/ with an index.ts, sorted; `shared` is code they import, not a function. */
export function functionNames(root: string = projectRoot()): string[] {
    const dir = path.join(root, "functions");
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== "shared" && fs.existsSync(path.join(dir, d.name, "index.ts")))
        .map((d) => d.name)
        .sort();
}

/** Bundles one function. Synchronous, so a component can call it while it declares its resources. */
export function bundleFunction(name: string, root: string = projectRoot()): FunctionBundle {
    const entry = path.join(root, "functions", name, "index.ts");
    if (!fs.existsSync(entry)) throw new Error(`no function ${name}: ${path.relative(root, entry)} does not exist`);
    const result = esbuild.buildSync({
        entryPoints: [entry],
        absWorkingDir: root,
        // Never written (write: false); it names the outputs and anchors the map's relative source paths.
        outfile: path.join(root, "build", "functions-dist", name, "index.js"),
        write: false,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: ESBUILD_TARGET,
        minify: false,
        sourcemap: "linked",
        sourcesContent: false,
        logLevel: "silent",
    });
    if (result.errors.length > 0) throw new Error(`esbuild ${name}: ${result.errors.map((e) => e.text).join("; ")}`);
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
    const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
    if (!js || !map) throw new Error(`esbuild ${name}: expected index.js and index.js.map`);
    const sha256 = createHash("sha256").update(js.contents).update("\0").update(map.contents).digest("hex");
    return { name, code: js.text, sourceMap: map.text, sha256 };
}

export function bundleFunctions(root: string = projectRoot()): FunctionBundle[] {
    return functionNames(root).map((n) => bundleFunction(n, root));
}

/** The deployment package as a Pulumi archive: `code` for an aws.lambda.Function, with HANDLER and LAMBDA_RUNTIME. */
export function archiveOf(bundle: FunctionBundle): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(bundle.code),
        "index.js.map": new pulumi.asset.StringAsset(bundle.sourceMap),
    });
}
