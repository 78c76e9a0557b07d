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

/** A function's deployment package on disk: the folder holding its index.js and index.js.map. */
export interface BundleDir {
    readonly name: string;
    /** The folder, relative to the project root (where `pulumi up` runs): `.bundles/<inputs hash>/<name>`. */
    readonly dir: string;
    /** The package's SHA-256 (FunctionBundle.sha256). */
    readonly sha256: string;
}

/** Where bundles are kept, under the project root (not committed). */
export const BUNDLE_DIR = ".bundles";

/** Every file under `dir`, sorted, relative to `root`. */
function filesUnder(root: string, dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(path.join(root, d), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const rel = path.join(d, e.name);
            if (e.isDirectory()) walk(rel);
            else out.push(rel);
        }
    };
    walk(dir);
    return out;
}

/**
 * What the bundles are made of: the functions' sources, the lock file (the bundled dependencies) and this
 * module (esbuild's options). Equal keys, equal bundles: esbuild is deterministic.
 */
export function bundleInputsKey(root: string = projectRoot()): string {
    const h = createHash("sha256");
    for (const f of [...filesUnder(root, "functions"), "package-lock.json"])
        h.update(f)
            .update("\0")
            .update(fs.readFileSync(path.join(root, f)))
            .update("\0");
    h.update(fs.readFileSync(__filename));
    return h.digest("hex").slice(0, 16);
}

/**
 * The deployment packages as folders on disk, bundled once per set of inputs: a process (a plan, a test
 * worker, `pulumi up`) reuses the folders another made for the same inputs, and a function's resource refers
 * to its folder by path, so its planned inputs and the analyzer's messages carry a path, not megabytes of
 * code. The engine hashes the folder's contents when it deploys. Written to a temporary folder and renamed,
 * so two processes bundling at once never see half a package.
 */
export function bundleDirs(root: string = projectRoot()): BundleDir[] {
    const key = bundleInputsKey(root);
    const base = path.join(BUNDLE_DIR, key);
    const manifest = path.join(root, base, "manifest.json");
    if (!fs.existsSync(manifest)) {
        const tmp = path.join(root, BUNDLE_DIR, `.tmp-${key}-${process.pid}-${Date.now()}`);
        fs.mkdirSync(tmp, { recursive: true });
        const bundles = bundleFunctions(root);
        for (const b of bundles) {
            fs.mkdirSync(path.join(tmp, b.name));
            fs.writeFileSync(path.join(tmp, b.name, "index.js"), b.code);
            fs.writeFileSync(path.join(tmp, b.name, "index.js.map"), b.sourceMap);
        }
        fs.writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(bundles.map((b) => ({ name: b.name, sha256: b.sha256 }))));
        try {
            fs.renameSync(tmp, path.join(root, base));
        } catch {
            // Another process got there first with the same bytes.
            fs.rmSync(tmp, { recursive: true, force: true });
        }
        // Packages of earlier inputs are not needed again once an hour old (no process still starting with them).
        for (const e of fs.readdirSync(path.join(root, BUNDLE_DIR), { withFileTypes: true })) {
            const p = path.join(root, BUNDLE_DIR, e.name);
            if (e.isDirectory() && e.name !== key && Date.now() - fs.statSync(p).mtimeMs > 3_600_000) fs.rmSync(p, { recursive: true, force: true });
        }
    }
    const entries = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name: string; sha256: string }[];
    return entries.map((e) => ({ name: e.name, dir: path.join(base, e.name).split(path.sep).join("/"), sha256: e.sha256 }));
}

/** The deployment package as a Pulumi archive: `code` for an aws.lambda.Function, with HANDLER and LAMBDA_RUNTIME. */
export function archiveOf(bundle: BundleDir): pulumi.asset.FileArchive {
    return new pulumi.asset.FileArchive(bundle.dir);
}
