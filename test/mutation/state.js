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
/** The instrumenter's call that switches a mutant on (`@stryker-mutator/instrumenter` IS_MUTANT_ACTIVE_HELPER). */
const MUTANT_SWITCH = /stryMutAct_9fa48\("(\d+)"\)/g;
/** The folders `stryker.config.mjs` mutates. */
const MUTATED_FOLDERS = ["config", "components", "lib", "policies"];

/** Where the dry run leaves, per test file, the mutants its tests reached (read by every runner process). */
const COVERAGE_DIR = ".mutation-coverage";

const state = (globalThis[Symbol.for("eks-platform.mutationTesting")] ??= {
    /** The mutant a test has already killed in this jest run (the run stops there). */
    killed: undefined,
    /** Per test file, the mutants its tests reached in the dry run and how long it took (once written). */
    dryRunByFile: undefined,
    /** The source file of each mutant, by id (read from the instrumented sources once). */
    sourceOf: undefined,
    /** Per source file: mutants of it run so far, and how many each test file killed. */
    bySource: new Map(),
    /** Per test file, how long it took in mutant runs (a moving average, ms). */
    durations: new Map(),
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

/** The source file (relative to the project) a mutant is in, from the instrumented sources in the sandbox. */
function sourceOf(rootDir, mutant) {
    if (!state.sourceOf) {
        state.sourceOf = new Map();
        for (const folder of MUTATED_FOLDERS) {
            const dir = path.join(rootDir, folder);
            if (!fs.existsSync(dir)) continue;
            for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
                const text = fs.readFileSync(path.join(dir, file), "utf8");
                for (const m of text.matchAll(MUTANT_SWITCH)) state.sourceOf.set(m[1], `${folder}/${file}`);
            }
        }
    }
    return state.sourceOf.get(mutant);
}

function sourceStats(source) {
    let stats = state.bySource.get(source);
    if (!stats) state.bySource.set(source, (stats = { runs: 0, kills: new Map() }));
    return stats;
}

/** After a mutant's run: which test file killed it (if one did), and how long each file took. */
function recordRun(rootDir, mutant, durations, killer) {
    const stats = sourceStats(sourceOf(rootDir, mutant));
    stats.runs += 1;
    if (killer) stats.kills.set(killer, (stats.kills.get(killer) ?? 0) + 1);
    for (const [test, ms] of durations) {
        const before = state.durations.get(test);
        state.durations.set(test, before === undefined ? ms : 0.7 * before + 0.3 * ms);
    }
}

module.exports = { NAMESPACE, state, activeMutant, writeDryRun, dryRunByFile, sourceOf, sourceStats, recordRun };
