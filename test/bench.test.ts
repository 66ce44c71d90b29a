/** The benchmark's pure parts (the timings themselves are for `npm run bench` to report, never to assert). */
import { generatedServicesConfig, median, parseBenchArgs, renderBenchTable, renderSuiteTimes } from "../plan/bench";
import { parseStackConfig } from "../config";

describe("bench", () => {
    test("median of odd and even samples", () => {
        expect(median([5, 1, 3])).toBe(3);
        expect(median([4, 1, 3, 2])).toBe(2.5);
    });

    test("a generated stack has N distinct, valid services served by the prod Gateway", () => {
        const config = generatedServicesConfig("prod", 50);
        // The program reads its own namespace; the config also holds other namespaces' keys, as the CLI hands them.
        const raw = Object.fromEntries(
            Object.entries(config)
                .filter(([k]) => k.startsWith("eks-platform:"))
                .map(([k, v]) => [k.slice("eks-platform:".length), v]),
        );
        const parsed = parseStackConfig(raw, "eks-platform", "prod");
        expect(parsed.services).toHaveLength(50);
        expect(new Set(parsed.services.map((s) => s.namespace)).size).toBe(50);
        expect(parsed.services[49].hostnames).toEqual(["svc-050.example.com"]);
        expect(parsed.services[49].previewHostname).toBe("preview-svc-050.example.com");
    });

    test("the table aligns its columns and rounds to whole milliseconds", () => {
        const table = renderBenchTable([
            { label: "prod", services: 1, resources: 81, medianMs: 240.4, resourcesPerSecond: 336.9 },
            { label: "prod × 50 services", services: 50, resources: 963, medianMs: 2151.6, resourcesPerSecond: 447.6 },
        ]).split("\n");
        expect(table[0]).toBe("case                services  resources  median ms  resources/s");
        expect(table[2]).toBe("prod                       1         81        240          337");
        expect(table[3]).toBe("prod × 50 services        50        963       2152          448");
    });

    test("the suite's own time is shown against one whole-process prod plan", () => {
        expect(renderSuiteTimes({ planMs: [4000, 5000, 4200], testMs: [42000] }).split("\n")).toEqual([
            "Whole-process `npm run plan -- --stack prod`: 4.2 s (median of 3)",
            "`npm test` (type check and jest): 42.0 s (median of 1), 10.0× one whole-process prod plan",
        ]);
        expect(renderSuiteTimes({ planMs: [4000], testMs: [] })).toBe("Whole-process `npm run plan -- --stack prod`: 4.0 s (median of 1)");
    });

    test("arguments: runs, test runs (0 skips the suite), and refusals naming the flag", () => {
        expect(parseBenchArgs([])).toEqual({ runs: 5, testRuns: 1 });
        expect(parseBenchArgs(["--runs", "3", "--test-runs", "0"])).toEqual({ runs: 3, testRuns: 0 });
        expect(() => parseBenchArgs(["--runs", "0"])).toThrow("--runs must be an integer ≥ 1, got 0");
        expect(() => parseBenchArgs(["--test-runs"])).toThrow("--test-runs must be an integer ≥ 0, got nothing");
        expect(() => parseBenchArgs(["--fast"])).toThrow("unknown argument --fast");
    });
});
