// Mutation testing: `npm run mutate` (scripts/mutate.js). How it works and what the score is: docs/MUTATION.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    packageManager: "npm",
    testRunner: "jest",
    // test/mutation/checker.mjs: a TypeScript checker that keeps its parsed program between mutants (0.2–1 s a
    // mutant here, where @stryker-mutator/typescript-checker re-parses @pulumi/aws for each: 5.5–7 s).
    // `npm run mutate -- --checker stryker` selects Stryker's own, to compare.
    plugins: ["@stryker-mutator/*", "./test/mutation/checker.mjs"],
    checkers: [process.env.EKS_MUTATION_CHECKER === "stryker" ? "typescript" : "typescript-incremental"],
    // The checker compiles the mutated folders only: index.ts, plan/ and the tests import nearly every file, and
    // mutants of files with a common importer cannot be checked together (a mutant breaking only those is rare).
    tsconfigFile: process.env.EKS_MUTATION_TSCONFIG ?? "tsconfig.stryker.json",
    mutate: ["config/**/*.ts", "components/**/*.ts", "lib/**/*.ts", "policies/**/*.ts", "!policies/node_modules/**"],
    coverageAnalysis: "perTest",
    // Stryker would prefix every sandbox file with `// @ts-nocheck` for transpilers that type-check; SWC does not,
    // and test/mutationChecker.test.ts needs its fixture project's type errors.
    disableTypeChecks: false,
    jest: {
        projectType: "custom",
        configFile: "jest.config.js",
        // Most tests reach the program through the plan service, not through imports: jest's related-tests
        // search would miss them. test/mutation/sequencer.js narrows each run to the files that reached the mutant.
        enableFindRelatedTests: false,
        config: {
            // Relative, not <rootDir>: Stryker resolves the environment it wraps itself, without jest's substitutions.
            testEnvironment: "./test/mutation/environment.js",
            runner: "<rootDir>/test/mutation/runner.js",
            testSequencer: "<rootDir>/test/mutation/sequencer.js",
            // `npm run mutate -- --tests "config.*.test.ts,!config.slow.test.ts"`: only those files (a lower bound of
            // the suite's score); `!` leaves a file out (jest replaces <rootDir> only at the start of a pattern).
            ...(process.env.EKS_MUTATION_TESTS
                ? { testMatch: process.env.EKS_MUTATION_TESTS.split(",").map((g) => g.trim()).map((g) => (g.startsWith("!") ? `!**/test/${g.slice(1)}` : `<rootDir>/test/${g}`)) }
                : {}),
        },
    },
    // One test runner per core; each has one planner process (test/planService/globalSetup.ts).
    concurrency: 2,
    // A mutant's timeout is timeoutFactor × its tests' time in the dry run + timeoutMS. Generous: a timeout counts
    // as detected, and on a busy two-core machine a slow run must not pass for an endless loop.
    timeoutFactor: 3,
    timeoutMS: 60000,
    dryRunTimeoutMinutes: 30,
    incremental: true,
    incrementalFile: "reports/mutation/incremental.json",
    reporters: ["html", "json", "progress"],
    // scripts/mutate.js names a scope's reports (reports/mutation/<scope>.json); a run of one's own writes these.
    htmlReporter: { fileName: process.env.EKS_MUTATION_REPORT ? `${process.env.EKS_MUTATION_REPORT}.html` : "reports/mutation/index.html" },
    jsonReporter: { fileName: process.env.EKS_MUTATION_REPORT ? `${process.env.EKS_MUTATION_REPORT}.json` : "reports/mutation/mutation.json" },
    thresholds: { high: 90, low: 85, break: null },
    tempDirName: ".stryker-tmp",
    ignorePatterns: [".build", "reports"],
};
