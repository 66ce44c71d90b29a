/**
 * The jest runner of mutation testing (see `environment.js`): jest's own runner, which with a mutant active runs
 * the test files one at a time and stops at the first file with a failing test. A mutant is killed by one failing
 * test; Stryker's jest runner cannot ask jest to bail (jest's `bail` exits the process under `runCLI`), and without
 * it every mutant would load every test file. Stryker's `--disableBail` is therefore not honoured.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const TestRunner = require("jest-runner").default;
const { activeMutant, state } = require("./state");

/** `EKS_MUTATION_LOG=<file> npm run mutate` appends one line per test file a mutant ran (where the time goes). */
function log(line) {
    if (process.env.EKS_MUTATION_LOG) fs.appendFileSync(process.env.EKS_MUTATION_LOG, `${new Date().toISOString()} ${process.pid} ${line}\n`);
}

class MutationTestRunner extends TestRunner {
    constructor(globalConfig, context) {
        super(globalConfig, context);
        this.on("test-file-success", ([test, result]) => this.#settled(test, result.numFailingTests > 0 || Boolean(result.testExecError)));
        this.on("test-file-failure", ([test]) => this.#settled(test, true));
    }

    #settled(test, failed) {
        const mutant = activeMutant();
        if (mutant === undefined || !failed) return;
        state.killed = mutant;
        state.kills.set(test.path, (state.kills.get(test.path) ?? 0) + 1);
    }

    async runTests(tests, watcher, options) {
        const mutant = activeMutant();
        if (mutant === undefined || !options.serial) return super.runTests(tests, watcher, options);
        for (const test of tests) {
            if (state.killed === mutant) break;
            const started = Date.now();
            await super.runTests([test], watcher, options);
            log(`mutant ${mutant} ${path.relative(test.context.config.rootDir, test.path)} ${Date.now() - started} ms${state.killed === mutant ? " killed" : ""}`);
        }
    }
}

module.exports = MutationTestRunner;
