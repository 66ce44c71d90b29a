/**
 * The jest runner of mutation testing (see `environment.js`): jest's own runner, which with a mutant active runs
 * the test files one at a time and stops at the first file with a failing test. A mutant is killed by one failing
 * test; Stryker's jest runner cannot ask jest to bail (jest's `bail` exits the process under `runCLI`), and without
 * it every mutant would load every test file. Stryker's `--disableBail` is therefore not honoured. What it learns
 * (which file killed a mutant of which source file, how long files take) orders the next runs (`sequencer.js`).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const TestRunner = require("jest-runner").default;
const { activeMutant, recordRun, state } = require("./state");

/** `EKS_MUTATION_LOG=<file> npm run mutate` appends one line per test file a mutant ran (where the time goes). */
function log(line) {
    if (process.env.EKS_MUTATION_LOG) fs.appendFileSync(process.env.EKS_MUTATION_LOG, `${new Date().toISOString()} ${process.pid} ${line}\n`);
}

class MutationTestRunner extends TestRunner {
    constructor(globalConfig, context) {
        super(globalConfig, context);
        this.on("test-file-success", ([, result]) => this.#settled(result.numFailingTests > 0 || Boolean(result.testExecError)));
        this.on("test-file-failure", () => this.#settled(true));
    }

    #settled(failed) {
        const mutant = activeMutant();
        if (mutant !== undefined && failed) state.killed = mutant;
    }

    async runTests(tests, watcher, options) {
        const mutant = activeMutant();
        if (mutant === undefined || !options.serial || tests.length === 0) return super.runTests(tests, watcher, options);
        const rootDir = tests[0].context.config.rootDir;
        const durations = new Map();
        let killer;
        for (const test of tests) {
            if (state.killed === mutant) break;
            const started = Date.now();
            await super.runTests([test], watcher, options);
            durations.set(test.path, Date.now() - started);
            if (state.killed === mutant) killer = test.path;
            log(`mutant ${mutant} ${path.relative(rootDir, test.path)} ${Date.now() - started} ms${killer ? " killed" : ""}`);
        }
        recordRun(rootDir, mutant, durations, killer);
    }
}

module.exports = MutationTestRunner;
