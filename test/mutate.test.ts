/** `npm run mutate`'s score per folder (scripts/mutate.js), on a small report in mutation-testing-report-schema form. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { folderScores, renderScores, testsOption, runsFor, batchesOf, scopeFiles, mergeReports, SCOPES } = require("../scripts/mutate.js") as {
    folderScores(report: unknown): Record<string, number | string | null>[];
    renderScores(rows: unknown[]): string;
    testsOption(args: string[]): { args: string[]; env: NodeJS.ProcessEnv };
    runsFor(args: string[]): { scope: string | null; batch: string | null; mutate?: string; args: string[]; env: NodeJS.ProcessEnv }[];
    batchesOf(scope: string): { id: string; mutate: string }[];
    scopeFiles(scope: string): string[];
    mergeReports(reports: unknown[]): { files: Record<string, unknown> };
    SCOPES: Record<string, { mutate: string; tests: string }>;
};

function mutants(...statuses: string[]) {
    return { language: "typescript", source: "", mutants: statuses.map((status, i) => ({ id: String(i), mutatorName: "StringLiteral", location: {}, status })) };
}

const report = {
    schemaVersion: "1",
    thresholds: { high: 90, low: 85 },
    files: {
        "config/schema.ts": mutants("Killed", "Killed", "Timeout", "Survived", "CompileError"),
        "config/index.ts": mutants("Killed", "NoCoverage"),
        "lib/iam.ts": mutants("Killed", "Ignored", "RuntimeError"),
        "policies/cluster.ts": mutants("Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Killed", "Survived"),
    },
};

describe("mutation score per folder", () => {
    test("detected (killed, timeout) over detected and undetected (survived, no coverage); errors and ignored left out", () => {
        const rows = folderScores(report);
        expect(rows.map((r) => [r.folder, r.score])).toEqual([
            ["config", (100 * 4) / 6],
            ["lib", 100],
            ["policies", 90],
            ["total", (100 * 14) / 17],
        ]);
        expect(rows[0]).toMatchObject({ Killed: 3, Timeout: 1, Survived: 1, NoCoverage: 1, CompileError: 1 });
        expect(rows[1]).toMatchObject({ Killed: 1, Ignored: 1, RuntimeError: 1 });
    });

    test("a folder with only invalid mutants has no score", () => {
        expect(folderScores({ files: { "lib/x.ts": mutants("CompileError") } })[0].score).toBeNull();
    });

    test("the table shows counts, the score with two decimals and the issue's targets", () => {
        expect(renderScores(folderScores(report)).split("\n")).toEqual([
            "folder    killed  timeout  survived  no cov  invalid  ignored    score       target",
            "--------  ------  -------  --------  ------  -------  -------  -------  -----------",
            "config         3        1         1       1        1        0   66.67%  below ≥ 90%",
            "lib            1        0         0       0        1        1  100.00%",
            "policies       9        0         1       0        0        0   90.00%    met ≥ 90%",
            "total         13        1         2       1        2        1   82.35%  below ≥ 85%",
        ]);
    });
});

describe("--tests narrows the run to some test files", () => {
    test("the option goes to the environment stryker.config.mjs reads, the rest to Stryker", () => {
        const { args, env } = testsOption(["--mutate", "config/**/*.ts", "--tests", "config*.test.ts,placeholders.test.ts", "--concurrency", "1"]);
        expect(args).toEqual(["--mutate", "config/**/*.ts", "--concurrency", "1"]);
        expect(env.EKS_MUTATION_TESTS).toBe("config*.test.ts,placeholders.test.ts");
    });

    test("without it, the arguments and the environment are left as they are", () => {
        const { args, env } = testsOption(["--force"]);
        expect(args).toEqual(["--force"]);
        // Left as it is: unset under `npm test`, the run's own value inside a `--tests` mutation run.
        expect(env).toBe(process.env);
    });

    test("without a value, it is refused", () => {
        expect(() => testsOption(["--tests"])).toThrow("--tests needs a value");
        expect(testsOption(["--tsconfig", "tsconfig.stryker.config.json", "--force"])).toMatchObject({ args: ["--force"], env: { EKS_MUTATION_TSCONFIG: "tsconfig.stryker.config.json" } });
    });
});

describe("scopes: what `npm run mutate` runs", () => {
    test("without options, every scope in turn, each with its own folders, tests, incremental file and report", () => {
        const runs = runsFor([]);
        expect([...new Set(runs.map((r) => r.scope))]).toEqual(["config", "policies", "platform"]);
        const policies = runs.filter((r) => r.scope === "policies");
        expect(policies).toHaveLength(1);
        expect(policies[0].args).toEqual(["--mutate", "policies/**/*.ts", "--incrementalFile", "reports/mutation/policies.incremental.json"]);
        expect(policies[0].env).toMatchObject({
            EKS_MUTATION_TESTS: "policies.test.ts,policies.*.test.ts,!policies.crossguard.test.ts,!policies.pack.test.ts",
            EKS_MUTATION_REPORT: "reports/mutation/policies",
        });
    });

    test("platform runs in batches of files, each with its own report, together every file of lib/ and components/ once", () => {
        const batches = batchesOf("platform");
        expect(batches.length).toBeGreaterThan(1);
        expect(batches.map((b) => b.id)).toEqual(batches.map((_, i) => `platform.${i + 1}`));
        const files = batches.flatMap((b) => b.mutate.split(","));
        expect(files).toEqual(scopeFiles("platform"));
        expect(files).toEqual(expect.arrayContaining(["lib/iam.ts", "components/cluster.ts", "components/blueGreenService.ts"]));
        expect(files.every((f) => /^(lib|components)\/[\w./-]+\.ts$/.test(f))).toBe(true);
        const run = runsFor(["--scope", "platform"])[1];
        expect(run.args).toEqual(["--mutate", batches[1].mutate, "--incrementalFile", "reports/mutation/platform.2.incremental.json"]);
        expect(run.env.EKS_MUTATION_REPORT).toBe("reports/mutation/platform.2");
    });

    test("--resume is this script's: Stryker never sees it", () => {
        expect(runsFor(["--scope", "config", "--resume"])[0].args).toEqual(["--mutate", "config/**/*.ts", "--incrementalFile", "reports/mutation/config.incremental.json"]);
    });

    test("the four folders the issue measures are each in exactly one scope", () => {
        const globs = Object.values(SCOPES).flatMap((s) => s.mutate.split(","));
        expect(globs.sort()).toEqual(["components/**/*.ts", "config/**/*.ts", "lib/**/*.ts", "policies/**/*.ts"]);
    });

    test("--scope picks scopes; other options go to each run, --tests replaces the scope's tests", () => {
        const [run] = runsFor(["--scope", "config", "--concurrency", "1", "--tests", "config.test.ts"]);
        expect(run.args).toEqual(["--mutate", "config/**/*.ts", "--incrementalFile", "reports/mutation/config.incremental.json", "--concurrency", "1"]);
        expect(run.env.EKS_MUTATION_TESTS).toBe("config.test.ts");
    });

    test("--mutate is a run of one's own: Stryker's options as given, no scope report", () => {
        const runs = runsFor(["--mutate", "lib/iam.ts", "--force"]);
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({ scope: null, args: ["--mutate", "lib/iam.ts", "--force"] });
        expect(runs[0].env.EKS_MUTATION_REPORT).toBe(process.env.EKS_MUTATION_REPORT);
    });

    test("an unknown scope, or a scope with --mutate, is refused with what is allowed", () => {
        expect(() => runsFor(["--scope", "lib"])).toThrow("--scope lib: allowed are config, policies, platform (comma-separated)");
        expect(() => runsFor(["--scope"])).toThrow("--scope : allowed are config, policies, platform");
        expect(() => runsFor(["--scope", "config", "--mutate", "lib/iam.ts"])).toThrow("--scope and --mutate: give one or the other");
    });

    test("the overall score counts every scope's mutants together", () => {
        const config = { files: { "config/index.ts": mutants("Killed", "Survived") } };
        const platform = { files: { "lib/iam.ts": mutants("Killed", "Killed"), "components/dns.ts": mutants("NoCoverage", "Killed") } };
        const rows = folderScores(mergeReports([config, platform]));
        expect(rows.map((r) => [r.folder, r.score])).toEqual([
            ["components", 50],
            ["config", 50],
            ["lib", 100],
            ["total", (100 * 4) / 6],
        ]);
    });
});
