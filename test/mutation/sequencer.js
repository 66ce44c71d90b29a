/**
 * The jest test sequencer of mutation testing (see `environment.js`). With a mutant active: only the test files
 * whose tests reached the mutant in the dry run (Stryker has already narrowed the run to those tests by name, but
 * jest would still load every file to find them), in order of mutants killed so far per second of the file's
 * dry run (so a quick file that often kills runs first). Without coverage for the mutant (none recorded yet, or
 * reached only outside tests) every file runs.
 */
"use strict";
const Sequencer = require("@jest/test-sequencer").default;
const { activeMutant, dryRunByFile, state } = require("./state");

class MutationTestSequencer extends Sequencer {
    sort(tests) {
        // A new jest run: a new mutant (or the dry run), nothing killed yet.
        state.killed = undefined;
        const mutant = activeMutant();
        if (mutant === undefined || tests.length === 0) return super.sort(tests);
        const dryRun = dryRunByFile(tests[0].context.config.rootDir);
        const reaching = dryRun ? tests.filter((t) => dryRun.get(t.path)?.mutants.has(mutant)) : [];
        const selected = reaching.length > 0 ? reaching : tests;
        // Kills per second of the file's dry run: a quick file that often kills first, a slow one only when it pays.
        const duration = (t) => Math.max(dryRun?.get(t.path)?.durationMs ?? 60000, 1);
        const rate = (t) => ((state.kills.get(t.path) ?? 0) + 1) / duration(t);
        return [...selected].sort((a, b) => rate(b) - rate(a) || (a.path < b.path ? -1 : 1));
    }
}

module.exports = MutationTestSequencer;
