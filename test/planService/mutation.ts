/**
 * The plan service under mutation testing (`npm run mutate`, StrykerJS with mutant schemata). Stryker compiles
 * every mutant into the sources at once and switches one on at run time through a global context (`__stryker__`),
 * and measures which tests reach which mutants through the same context. Most tests get their plans from planner
 * processes, where neither the jest worker's context nor Stryker's environment variable (read once, when the
 * planner started) follows the test: so the asking test names its active mutant in the request, the planner
 * switches that mutant on for the plan, and answers with the mutants the plan reached, which the test records as
 * its own coverage. Outside mutation testing none of this is active.
 *
 * The names mirror `@stryker-mutator/api` `INSTRUMENTER_CONSTANTS` (NAMESPACE, ACTIVE_MUTANT_ENV_VARIABLE) and the
 * shape of its `InstrumenterContext`; that package is ESM-only, so they are restated here.
 */

export const STRYKER_NAMESPACE = "__stryker__";
export const ACTIVE_MUTANT_ENV = "__STRYKER_ACTIVE_MUTANT__";

interface MutantCoverage {
    static: Record<string, number>;
    perTest: Record<string, Record<string, number>>;
}

interface InstrumenterContext {
    activeMutant?: string;
    currentTestId?: string;
    mutantCoverage?: MutantCoverage;
    /** Counts how often the active mutant's code ran (Stryker uses it against a limit, to catch endless loops). */
    hitCount?: number;
    hitLimit?: number;
}

function context(): InstrumenterContext | undefined {
    return (globalThis as Record<string, unknown>)[STRYKER_NAMESPACE] as InstrumenterContext | undefined;
}

// ---- In the jest worker (the test's side) ----

/**
 * The mutant active in this test run, if any. Stryker's jest runner sets the environment variable for a mutant
 * run; the instrumented code copies it into the context when it first loads (so either may be set first).
 */
export function activeMutant(): string | undefined {
    return context()?.activeMutant ?? process.env[ACTIVE_MUTANT_ENV];
}

/**
 * Records mutants a planner reached as reached by the current test (or, between tests, as static coverage, which
 * `test/mutation/environment.js` hands to the tests of this file), as the instrumented code itself would. Only
 * in Stryker's dry run, the one run whose coverage it reads.
 */
export function recordCoverage(mutants: readonly string[] | undefined): void {
    const ns = context();
    if (!ns || !mutants || activeMutant() !== undefined) return;
    const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
    const counts = ns.currentTestId ? (coverage.perTest[ns.currentTestId] ??= {}) : coverage.static;
    for (const id of mutants) counts[id] = (counts[id] ?? 0) + 1;
}

// ---- In a planner ----

/**
 * Before a plan: switches `mutant` on (or none) and starts a fresh count of reached mutants. The context object
 * and its coverage object keep their identity: instrumented modules the planner loaded once (the config module
 * its harness validates with) hold on to both.
 */
export function startPlan(mutant: string | undefined): void {
    const g = globalThis as Record<string, unknown>;
    const ns = (g[STRYKER_NAMESPACE] ??= {}) as InstrumenterContext;
    ns.activeMutant = mutant;
    ns.currentTestId = undefined;
    // The instrumented code counts a mutant as covered only where it runs the original code: the active mutant's
    // own hits show in the hit count instead (no limit: a plan that never ends is Stryker's timeout to catch).
    ns.hitCount = mutant === undefined ? undefined : 0;
    ns.hitLimit = undefined;
    const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
    coverage.static = {};
    coverage.perTest = {};
}

/** After a plan: the mutants it reached, the active one included. */
export function reachedMutants(): string[] {
    const ns = context();
    const coverage = ns?.mutantCoverage;
    if (!ns || !coverage) return [];
    const reached = new Set(Object.keys(coverage.static));
    for (const counts of Object.values(coverage.perTest)) for (const id of Object.keys(counts)) reached.add(id);
    if (ns.activeMutant !== undefined && (ns.hitCount ?? 0) > 0) reached.add(ns.activeMutant);
    return [...reached];
}
