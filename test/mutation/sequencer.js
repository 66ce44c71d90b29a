/**
 * The jest test sequencer of mutation testing (see `environment.js`). With a mutant active: only the test files
 * whose tests reached the mutant in the dry run (Stryker has already narrowed the run to those tests by name, but
 * jest would still load every file to find them), the likeliest killer per second first. A file's chance is what
 * it killed of the mutants of the same source file so far, and at the start the test named after that source file
 * (`components/gateway.ts` → `test/gateway.test.ts`, `policies/iam.ts` → `test/policies.iam.test.ts`, `config/schema.ts`
 * → `test/config.*.test.ts`); its cost is how long it took in mutant runs (its dry run
 * until then). Without coverage for the mutant (none recorded yet, or reached only outside tests) every file runs.
 */
"use strict";
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;
const { activeMutant, dryRunByFile, sourceOf, sourceStats, state } = require("./state");

class MutationTestSequencer extends Sequencer {
    sort(tests) {
        // A new jest run: a new mutant (or the dry run), nothing killed yet.
        state.killed = undefined;
        const mutant = activeMutant();
        if (mutant === undefined || tests.length === 0) return super.sort(tests);
        const rootDir = tests[0].context.config.rootDir;
        const dryRun = dryRunByFile(rootDir);
        const reaching = dryRun ? tests.filter((t) => dryRun.get(t.path)?.mutants.has(mutant)) : [];
        const selected = reaching.length > 0 ? reaching : tests;

        const source = sourceOf(rootDir, mutant) ?? "";
        const stats = sourceStats(source);
        const stem = path.basename(source, ".ts");
        const folder = path.dirname(source);
        const named = (t) => {
            const parts = path.basename(t.path).split(".");
            return parts.includes(stem) || (["index", "schema"].includes(stem) && parts.includes(folder));
        };
        const chance = (t) => ((stats.kills.get(t.path) ?? 0) + (named(t) ? 1 : 0) + 0.01) / (stats.runs + 1);
        const cost = (t) => Math.max(state.durations.get(t.path) ?? dryRun?.get(t.path)?.durationMs ?? 60000, 50);
        const worth = (t) => chance(t) / cost(t);
        return [...selected].sort((a, b) => worth(b) - worth(a) || (a.path < b.path ? -1 : 1));
    }
}

module.exports = MutationTestSequencer;
