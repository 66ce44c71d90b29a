/**
 * `npm run bench [-- --runs N]`: how long the offline plan takes for each stack, and how it scales with the
 * number of services (prod with 1, 10 and 50 generated services). Each case runs N times (default 5) after one
 * untimed warm-up run; the table shows the median. Then whole processes: the prod plan as `npm run plan` runs it,
 * and the test suite itself (`--test-runs N`, default 1, 0 to skip) with its ratio to that plan, so a slower
 * suite shows. A benchmark to read, not a timed test.
 */
import { spawnSync } from "child_process";
import { performance } from "perf_hooks";
import { runPlan } from "./harness";
import { listStacks, PROJECT_ROOT, projectName, stackConfig } from "./stackConfig";

export const BENCH_DEFAULTS = { runs: 5, testRuns: 1, serviceCounts: [1, 10, 50], baseStack: "prod" } as const;

interface BenchCase {
    readonly label: string;
    readonly stack: string;
    readonly services: number;
    readonly config: Record<string, string>;
}

export interface BenchRow {
    readonly label: string;
    readonly services: number;
    readonly resources: number;
    readonly medianMs: number;
    readonly resourcesPerSecond: number;
}

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A stack's config with its first service copied `count` times as `svc-001`…: own name, namespace and
 * hostnames, same image, sizes and permissions.
 */
export function generatedServicesConfig(stack: string, count: number): Record<string, string> {
    const config = stackConfig(stack);
    const key = `${projectName()}:services`;
    const services = JSON.parse(config[key] ?? "[]") as Record<string, unknown>[];
    if (services.length === 0) throw new Error(`stack ${stack} has no service to copy`);
    const template = services[0];
    const domain = (template.hostnames as string[])[0].split(".").slice(1).join(".");
    const generated = Array.from({ length: count }, (_, i) => {
        const name = `svc-${String(i + 1).padStart(3, "0")}`;
        return { ...template, name, namespace: undefined, hostnames: [`${name}.${domain}`], previewHostname: `preview-${name}.${domain}` };
    });
    return { ...config, [key]: JSON.stringify(generated) };
}

export interface BenchOptions {
    /** Timed runs per plan case (and of the whole-process prod plan). */
    readonly runs: number;
    /** Timed runs of the whole test suite (`npm test`); 0 skips it. */
    readonly testRuns: number;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
    let runs: number = BENCH_DEFAULTS.runs;
    let testRuns: number = BENCH_DEFAULTS.testRuns;
    const count = (flag: string, raw: string | undefined, min: number): number => {
        const value = Number(raw);
        if (raw === undefined || !Number.isInteger(value) || value < min) {
            throw new RangeError(`${flag} must be an integer ≥ ${min}, got ${raw ?? "nothing"} (usage: ${BENCH_USAGE})`);
        }
        return value;
    };
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--runs") runs = count("--runs", argv[++i], 1);
        else if (argv[i] === "--test-runs") testRuns = count("--test-runs", argv[++i], 0);
        else throw new RangeError(`unknown argument ${argv[i]} (usage: ${BENCH_USAGE})`);
    }
    return { runs, testRuns };
}

const BENCH_USAGE = "npm run bench [-- --runs N] [--test-runs N]";

/**
 * Wall time of one `npm <args>` run in the project, its output discarded: the commands exactly as users and CI
 * type them, npm's own start included. Under `npm run bench` npm names its own CLI in `npm_execpath`.
 */
function timeNpm(args: readonly string[]): number {
    const npm = process.env.npm_execpath;
    const [command, argv] = npm ? [process.execPath, [npm, ...args]] : ["npm", [...args]];
    const start = performance.now();
    const run = spawnSync(command, argv, { cwd: PROJECT_ROOT, stdio: "ignore" });
    if (run.status !== 0) throw new Error(`npm ${args.join(" ")} exited with ${run.status ?? run.signal}`);
    return performance.now() - start;
}

export interface SuiteTimes {
    readonly planMs: readonly number[];
    readonly testMs: readonly number[];
}

/** The test suite's own time, against one whole-process prod plan measured in the same run. */
export function renderSuiteTimes(t: SuiteTimes): string {
    const plan = median(t.planMs);
    const lines = [`Whole-process \`npm run plan -- --stack prod\`: ${(plan / 1000).toFixed(1)} s (median of ${t.planMs.length})`];
    if (t.testMs.length > 0) {
        const suite = median(t.testMs);
        lines.push(
            `\`npm test\` (type check and jest): ${(suite / 1000).toFixed(1)} s (median of ${t.testMs.length}), ` +
                `${(suite / plan).toFixed(1)}× one whole-process prod plan`,
        );
    }
    return lines.join("\n");
}

async function measure(c: BenchCase, runs: number): Promise<BenchRow> {
    const times: number[] = [];
    let resources = 0;
    for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const plan = await runPlan({ stack: c.stack, config: c.config });
        times.push(performance.now() - start);
        resources = plan.resources.length;
    }
    const medianMs = median(times);
    return { label: c.label, services: c.services, resources, medianMs, resourcesPerSecond: resources / (medianMs / 1000) };
}

export function renderBenchTable(rows: readonly BenchRow[]): string {
    const header = ["case", "services", "resources", "median ms", "resources/s"];
    const cells = rows.map((r) => [r.label, String(r.services), String(r.resources), r.medianMs.toFixed(0), r.resourcesPerSecond.toFixed(0)]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: readonly string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
    return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

export async function bench(argv: readonly string[]): Promise<number> {
    let runs: number;
    let testRuns: number;
    try {
        ({ runs, testRuns } = parseBenchArgs(argv));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    const project = projectName();
    const servicesOf = (config: Record<string, string>) => (JSON.parse(config[`${project}:services`] ?? "[]") as unknown[]).length;
    const cases: BenchCase[] = [
        ...listStacks().map((stack) => {
            const config = stackConfig(stack);
            return { label: stack, stack, services: servicesOf(config), config };
        }),
        ...BENCH_DEFAULTS.serviceCounts.map((n) => ({
            label: `${BENCH_DEFAULTS.baseStack} × ${n} services`,
            stack: BENCH_DEFAULTS.baseStack,
            services: n,
            config: generatedServicesConfig(BENCH_DEFAULTS.baseStack, n),
        })),
    ];

    // Module loading and the TypeScript transpiler's first compile are not part of a plan.
    await runPlan({ stack: cases[0].stack, config: cases[0].config });

    const rows: BenchRow[] = [];
    for (const c of cases) {
        const row = await measure(c, runs);
        rows.push(row);
        process.stderr.write(`  ${c.label}: ${row.medianMs.toFixed(0)} ms\n`);
    }

    const lines = [`Offline plan time (median of ${runs} run${runs === 1 ? "" : "s"} per case, after one warm-up run)`, "", renderBenchTable(rows)];
    const first = rows.find((r) => r.label === `${BENCH_DEFAULTS.baseStack} × ${BENCH_DEFAULTS.serviceCounts[0]} services`);
    const last = rows.find((r) => r.label === `${BENCH_DEFAULTS.baseStack} × ${BENCH_DEFAULTS.serviceCounts[BENCH_DEFAULTS.serviceCounts.length - 1]} services`);
    if (first && last) {
        const timeRatio = last.medianMs / first.medianMs;
        const resourceRatio = last.resources / first.resources;
        const perService = (last.medianMs - first.medianMs) / (last.services - first.services);
        lines.push(
            "",
            `${last.services} services vs ${first.services}: ${timeRatio.toFixed(2)}× the time for ${resourceRatio.toFixed(2)}× the resources ` +
                `(${perService.toFixed(1)} ms per added service)`,
        );
    }
    // Whole processes, as users and CI run them: module loading included.
    const planMs = Array.from({ length: runs }, () => timeNpm(["run", "plan", "--", "--stack", BENCH_DEFAULTS.baseStack]));
    const testMs = Array.from({ length: testRuns }, () => timeNpm(["test"]));
    lines.push("", renderSuiteTimes({ planMs, testMs }));
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
}
