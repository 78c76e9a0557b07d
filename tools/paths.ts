/**
 * Where the project is, whether this code runs from its TypeScript source or from its compiled copy in
 * build/ (tools/build.js): the nearest directory above this file that holds Pulumi.yaml.
 */
import * as fs from "fs";
import * as path from "path";

function projectDirFrom(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${start} or any directory above it`);
    }
}

export const PROJECT_DIR = projectDirFrom(__dirname);

/** The compiled copy of the project (tools/build.js). */
export const BUILD_DIR = path.join(PROJECT_DIR, "build");
