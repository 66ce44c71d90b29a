/**
 * What the mutation-testing parts of jest (environment, runner, sequencer: see `environment.js`) share within
 * one Stryker test runner process, which runs jest once per mutant, in band.
 */
"use strict";
const fs = require("fs");
const path = require("path");

// `@stryker-mutator/api` INSTRUMENTER_CONSTANTS (NAMESPACE, ACTIVE_MUTANT_ENV_VARIABLE).
const NAMESPACE = "__stryker__";
const ACTIVE_MUTANT_ENV = "__STRYKER_ACTIVE_MUTANT__";

/** Where the dry run leaves, per test file, the mutants its tests reached (read by every runner process). */
const COVERAGE_DIR = ".mutation-coverage";

const state = (globalThis[Symbol.for("eks-platform.mutationTesting")] ??= {
    /** The mutant a test has already killed in this jest run (the run stops there). */
    killed: undefined,
    /** Mutants killed so far in this process, per test file: files that kill often run first. */
    kills: new Map(),
    /** Per test file, the mutants its tests reached in the dry run and how long it took (once written). */
    dryRunByFile: undefined,
});

function activeMutant() {
    return process.env[ACTIVE_MUTANT_ENV];
}

function coverageFile(rootDir, testPath) {
    return path.join(rootDir, COVERAGE_DIR, `${path.relative(rootDir, testPath).replace(/[^\w.-]/g, "_")}.json`);
}

function writeDryRun(rootDir, testPath, mutants, durationMs) {
    fs.mkdirSync(path.join(rootDir, COVERAGE_DIR), { recursive: true });
    fs.writeFileSync(coverageFile(rootDir, testPath), JSON.stringify({ testPath, mutants, durationMs }));
}

/**
 * Per test file, the mutants its tests reached in the dry run and the file's duration then; undefined until the
 * dry run has written them.
 */
function dryRunByFile(rootDir) {
    if (!state.dryRunByFile) {
        const dir = path.join(rootDir, COVERAGE_DIR);
        if (!fs.existsSync(dir)) return undefined;
        state.dryRunByFile = new Map(
            fs.readdirSync(dir).map((f) => {
                const { testPath, mutants, durationMs } = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
                return [testPath, { mutants: new Set(mutants), durationMs }];
            }),
        );
    }
    return state.dryRunByFile;
}

module.exports = { NAMESPACE, state, activeMutant, writeDryRun, dryRunByFile };
