#!/usr/bin/env node
/**
 * Compiles the project's TypeScript to JavaScript in build/, once per change, so that no command pays for a
 * TypeScript compiler at start-up. Each file is transpiled on its own with the compiler options of
 * tsconfig.json (TypeScript's transpileModule, the transform ts-node applies); type checking is `tsc --noEmit`,
 * run by `npm test`. A file is compiled again only when its source is newer than its output, or when the
 * compiler or tsconfig.json changed; outputs whose source is gone are removed, so a deleted test never runs.
 * When nothing changed, TypeScript is not even loaded.
 *
 * Plain JavaScript on purpose: it is what runs before anything is compiled.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { createHash } = require("crypto");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "build");
/** What is compiled: the program, its tools, the policy pack and the tests. */
const ENTRIES = ["index.ts", "src", "components", "functions", "tools", "policies", "test"];
const STAMP = path.join(OUT, ".stamp");

function walk(rel, found) {
    const abs = path.join(ROOT, rel);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isFile()) {
        found.push(rel);
        return;
    }
    for (const name of fs.readdirSync(abs)) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        walk(path.join(rel, name), found);
    }
}

/** Sources to compile (.ts, not declarations) and data files the code reads next to itself (.json). */
function sources() {
    const found = [];
    for (const e of ENTRIES) walk(e, found);
    return {
        ts: found.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
        json: found.filter((f) => f.endsWith(".json") && path.basename(f) !== "tsconfig.json"),
    };
}

function stampOf() {
    const tsVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8")).version;
    const h = createHash("sha256");
    h.update(tsVersion);
    h.update(fs.readFileSync(path.join(ROOT, "tsconfig.json")));
    h.update(fs.readFileSync(__filename));
    return h.digest("hex");
}

const mtime = (f) => fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs;

/** Builds what is stale. Returns the number of files written. */
function build() {
    const stamp = stampOf();
    const fresh = fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === stamp;
    const { ts, json } = sources();
    const wanted = new Set();
    let ts_ = undefined;
    let options = undefined;
    let written = 0;
    const problems = [];
    for (const rel of ts) {
        const src = path.join(ROOT, rel);
        const out = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        wanted.add(out);
        wanted.add(`${out}.map`);
        const outTime = mtime(out);
        if (fresh && outTime !== undefined && outTime >= mtime(src)) continue;
        if (!ts_) {
            ts_ = require(require.resolve("typescript", { paths: [ROOT] }));
            const parsed = ts_.getParsedCommandLineOfConfigFile(
                path.join(ROOT, "tsconfig.json"),
                {},
                { ...ts_.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(ts_.flattenDiagnosticMessageText(d.messageText, "\n")) },
            );
            if (!parsed) {
                process.stderr.write(`build: ${problems.join("\n")}\n`);
                process.exitCode = 1;
                return written;
            }
            options = {
                ...parsed.options,
                noEmit: false,
                declaration: false,
                sourceMap: true,
                inlineSourceMap: false,
                inlineSources: false,
                outDir: undefined,
                rootDir: undefined,
            };
        }
        const result = ts_.transpileModule(fs.readFileSync(src, "utf8"), { fileName: src, compilerOptions: options, reportDiagnostics: true });
        const diagnostics = result.diagnostics ?? [];
        for (const d of diagnostics) problems.push(`${rel}: ${ts_.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        // A file that does not transpile leaves no output, so no later build or command runs a stale copy.
        if (diagnostics.length) {
            fs.rmSync(out, { force: true });
            continue;
        }
        fs.mkdirSync(path.dirname(out), { recursive: true });
        const map = JSON.parse(result.sourceMapText);
        map.sources = [path.relative(path.dirname(out), src)];
        map.file = path.basename(out);
        fs.writeFileSync(`${out}.map`, JSON.stringify(map));
        fs.writeFileSync(out, result.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${path.basename(out)}.map`));
        written++;
    }
    for (const rel of json) {
        const src = path.join(ROOT, rel);
        const out = path.join(OUT, rel);
        wanted.add(out);
        const outTime = mtime(out);
        if (outTime !== undefined && outTime >= mtime(src)) continue;
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.copyFileSync(src, out);
        written++;
    }
    // Outputs whose source is gone.
    const existing = [];
    if (fs.existsSync(OUT)) walkOut(OUT, existing);
    for (const f of existing) if (!wanted.has(f) && f !== STAMP) fs.rmSync(f);
    if (problems.length) {
        process.stderr.write(`build: ${problems.join("\n")}\n`);
        process.exitCode = 1;
        return written;
    }
    fs.mkdirSync(OUT, { recursive: true });
    if (!fresh) fs.writeFileSync(STAMP, stamp);
    return written;
}

function walkOut(dir, found) {
    for (const name of fs.readdirSync(dir)) {
        const abs = path.join(dir, name);
        if (fs.statSync(abs).isDirectory()) walkOut(abs, found);
        else found.push(abs);
    }
}

module.exports = { build, OUT };

if (require.main === module) {
    const t0 = process.hrtime.bigint();
    const n = build();
    if (process.argv.includes("--verbose"))
        process.stderr.write(`build: ${n} file(s) written in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms\n`);
}
