#!/usr/bin/env node
/**
 * The static checks of `npm test`, run side by side (they read the same files and share nothing): eslint,
 * prettier's check, and the TypeScript type check of the project and of the policy pack as the engine loads it.
 * Prints each one's output under its name and exits non-zero if any failed. Plain JavaScript: it runs before
 * anything is compiled.
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
// tsc and prettier keep caches that are safe across runs (tsc tracks every file a result depends on; prettier's
// is per file); eslint keeps none, because its type-aware rules depend on other files than the one linted.
const CACHE = path.join(ROOT, "node_modules", ".cache", "securecart");
const CHECKS = [
    ["tsc", bin("tsc"), ["--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", path.join(CACHE, "tsconfig.tsbuildinfo")]],
    // The pack with its own tsconfig, as the engine's ts-node loads it for `pulumi preview --policy-pack policies`.
    ["tsc (policy pack)", bin("tsc"), ["--noEmit", "-p", "policies", "--incremental", "--tsBuildInfoFile", path.join(CACHE, "policies.tsbuildinfo")]],
    ["eslint", bin("eslint"), ["--max-warnings=0", "."]],
    ["prettier", bin("prettier"), ["--check", "--log-level=warn", "--cache", "--cache-location", path.join(CACHE, "prettier"), "."]],
];

function run([name, command, args]) {
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: ROOT });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("error", (e) => resolve({ name, code: 1, out: `${out}${e.message}` }));
        child.on("close", (code) => resolve({ name, code, out }));
    });
}

Promise.all(CHECKS.map(run)).then((results) => {
    for (const r of results) {
        process.stdout.write(`${r.code === 0 ? "ok    " : "FAILED"} ${r.name}\n`);
        if (r.code !== 0 && r.out.trim()) process.stdout.write(`${r.out.trimEnd()}\n`);
    }
    process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
});
