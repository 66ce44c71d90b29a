/** `npm run mutate`'s score per folder (scripts/mutate.js), on a small report in mutation-testing-report-schema form. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { folderScores, renderScores, testsOption } = require("../scripts/mutate.js") as {
    folderScores(report: unknown): Record<string, number | string | null>[];
    renderScores(rows: unknown[]): string;
    testsOption(args: string[]): { args: string[]; env: NodeJS.ProcessEnv };
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
