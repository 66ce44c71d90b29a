/**
 * The jest environment of mutation testing (`npm run mutate`; `stryker.config.mjs` selects it with
 * `runner.js` and `sequencer.js`; `npm test` uses none of them): Node's environment, plus, only where Stryker is:
 *
 * 1. Per-test coverage that follows jest's module registries. Stryker counts a mutant reached outside any test
 *    (while a test file loads its modules, or in a `beforeAll`) as "static" and runs every test of the suite
 *    against it. Under jest each test file loads its own copy of every module, so what the loading of one file
 *    reached can only matter to the tests of that file: this environment hands that coverage to each of them
 *    instead (plans' coverage arrives the same way, see `test/planService/mutation.ts`). In the dry run it leaves,
 *    per test file, the mutants its tests reached and how long the file took, for `sequencer.js`.
 * 2. Bail within a file: once a test fails with a mutant active, the file's remaining tests and describe blocks
 *    (with their `beforeAll` hooks) are skipped; `runner.js` then skips the remaining files.
 *
 * Plain JavaScript: Stryker loads the environment it wraps with `require`, outside jest's transform.
 */
"use strict";
const { TestEnvironment } = require("jest-environment-node");
const { NAMESPACE, activeMutant, state, writeDryRun } = require("./state");

class MutationTestEnvironment extends TestEnvironment {
    /** Mutants this file reached outside its tests, with hit counts. */
    #fileCoverage = {};
    /** Stryker's ids of this file's tests. */
    #tests = new Set();
    #rootDir;
    #testPath;
    #started = Date.now();

    constructor(config, context) {
        super(config, context);
        this.#rootDir = config.projectConfig.rootDir;
        this.#testPath = context.testPath;
    }

    async handleTestEvent(event) {
        const mutant = activeMutant();
        if (mutant !== undefined) {
            if (state.killed === mutant && (event.name === "run_describe_start" || event.name === "test_start")) {
                (event.describeBlock ?? event.test).mode = "skip";
            } else if (event.name === "test_done" && event.test.errors.length > 0) {
                state.killed = mutant;
            }
            return;
        }
        const ns = this.global[NAMESPACE];
        // `test_fn_start` comes after the test's `beforeEach` hooks, with Stryker's current test id already set.
        if (event.name !== "test_fn_start" || !ns?.currentTestId || !ns.mutantCoverage) return;
        this.#tests.add(ns.currentTestId);
        const coverage = ns.mutantCoverage;
        for (const [id, hits] of Object.entries(coverage.static)) this.#fileCoverage[id] = (this.#fileCoverage[id] ?? 0) + hits;
        // Replace, not clear: instrumented modules hold `coverage` itself and read its `static` at every hit.
        coverage.static = {};
        const test = (coverage.perTest[ns.currentTestId] ??= {});
        for (const [id, hits] of Object.entries(this.#fileCoverage)) test[id] = (test[id] ?? 0) + hits;
    }

    async teardown() {
        const coverage = this.global[NAMESPACE]?.mutantCoverage;
        if (activeMutant() === undefined && coverage && this.#tests.size > 0) {
            const reached = new Set();
            for (const id of this.#tests) for (const mutant of Object.keys(coverage.perTest[id] ?? {})) reached.add(mutant);
            writeDryRun(this.#rootDir, this.#testPath, [...reached], Date.now() - this.#started);
        }
        await super.teardown();
    }
}

module.exports = MutationTestEnvironment;
