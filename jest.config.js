/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    transform: {
        "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
    },
    // The Pulumi SDK loads these eagerly for closure serialization: each test file loads them only if it uses them.
    moduleNameMapper: { "^typescript$": "<rootDir>/test/lazy/typescript.js", "^@npmcli/arborist$": "<rootDir>/test/lazy/arborist.js" },
    // Offline plans are computed once per run by the plan service (test/planService) and shared by every file.
    globalSetup: "<rootDir>/test/planService/globalSetup.ts",
    globalTeardown: "<rootDir>/test/planService/globalTeardown.ts",
    // Two cores here and in CI: two workers, while the plan service's planners run the plans.
    maxWorkers: 2,
    testTimeout: 120000,
};
