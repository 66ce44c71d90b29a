#!/usr/bin/env node
// `npm test`: the type check (`tsc --noEmit` of the project, then of the policy pack with its own
// policies/tsconfig.json, as `npm run typecheck`, but incremental) and jest run side by side (this machine and CI
// have two cores, and each is mostly single-threaded). Arguments go to jest. Exits non-zero when either fails; the type checker's
// output is printed after jest's so that the two never interleave.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), file);

function run(file, args, stdio) {
    const child = spawn(process.execPath, [file, ...args], { cwd: root, stdio });
    let output = "";
    if (stdio === "pipe") {
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
    }
    return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output })));
}

/**
 * `tsc --noEmit -p <project>`, incremental: what it learned is kept under node_modules/.cache (git-ignored, gone
 * with `npm ci`), so a run after the first re-checks only what changed (about half the time when nothing did).
 */
function typecheckArgs(project, name) {
    return ["--noEmit", "-p", project, "--incremental", "--tsBuildInfoFile", path.join(root, "node_modules", ".cache", "eks-platform", `${name}.tsbuildinfo`)];
}

(async () => {
    const tscBin = bin("typescript", "bin/tsc");
    const typecheck = (async () => {
        const project = await run(tscBin, typecheckArgs("tsconfig.json", "project"), "pipe");
        const pack = await run(tscBin, typecheckArgs(path.join("policies", "tsconfig.json"), "pack"), "pipe");
        return { code: project.code || pack.code, output: project.output + pack.output };
    })();
    const jest = run(bin("jest", "bin/jest.js"), process.argv.slice(2), "inherit");
    const [tsc, tests] = await Promise.all([typecheck, jest]);
    if (tsc.code !== 0) process.stdout.write(`\nType check (tsc --noEmit) failed:\n${tsc.output}`);
    else process.stdout.write("Type check (tsc --noEmit): no errors\n");
    process.exitCode = tsc.code || tests.code;
})();
