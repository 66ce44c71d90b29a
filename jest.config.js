/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    transform: {
        "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
    },
    // The Pulumi SDK loads the TypeScript compiler eagerly; each test file loads it only if it uses it.
    moduleNameMapper: { "^typescript$": "<rootDir>/test/lazyTypescript.js" },
    // Offline plans are computed once per run by the plan service (test/planService) and shared by every file.
    globalSetup: "<rootDir>/test/planService/globalSetup.ts",
    globalTeardown: "<rootDir>/test/planService/globalTeardown.ts",
    // Two cores here and in CI: two workers, while the plan service's planners run the plans.
    maxWorkers: 2,
    testTimeout: 120000,
};
