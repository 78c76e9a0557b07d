// Mocha runs the compiled tests (tools/build.js) on two workers, one per core of the machine the suite is
// sized for. Files start in the order listed: the longest first, so that both workers finish together.
"use strict";
const fs = require("fs");
const path = require("path");

const LONGEST_FIRST = ["policiesGrpc", "drill", "plan", "preview", "policies", "compute", "badInput", "report", "reportBrowser"];
const dir = path.join(__dirname, "build", "test");
const all = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".test.js")) : [];
const rank = (f) => {
    const i = LONGEST_FIRST.indexOf(f.replace(/\.test\.js$/, ""));
    return i < 0 ? LONGEST_FIRST.length : i;
};

module.exports = {
    spec: [...all].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((f) => path.join("build", "test", f)),
    require: [path.join("build", "test", "fixtures.js")],
    timeout: 120000,
    reporter: "spec",
    parallel: true,
    jobs: 2,
    // Planning allocates many short-lived objects; a larger young generation spends less time collecting
    // them (measured: about 10% of the suite's wall time). Workers inherit the flag.
    "node-option": ["max-semi-space-size=64"],
};
