#!/usr/bin/env node
/**
 * `npm run mutate [-- <options>]`: mutation testing with StrykerJS (stryker.config.mjs), then the score per folder
 * and overall from its JSON reports (mutation-testing-report-schema). A benchmark to read (docs/MUTATION.md), not
 * part of `npm test` or CI. Exits with the first failing Stryker run's exit code.
 *
 *   npm run mutate                          every scope below, one after another, each with its own tests; then the
 *                                           score per folder and overall over their reports
 *   npm run mutate -- --scope policies      one scope (config, policies, platform), incremental
 *   npm run mutate -- --mutate "lib/iam.ts" a run of your own: Stryker's options as given, the whole suite's tests
 *                                           unless --tests says otherwise; report in reports/mutation/mutation.json
 *   node scripts/mutate.js --report-only    the scores of the reports already there
 *   --tests "config.*.test.ts"              only these test files (globs under test/, comma-separated, `!` leaves
 *                                           one out) take part: a quicker run whose score is a lower bound
 *   --tsconfig tsconfig.stryker.config.json the TypeScript checker's view (stryker.config.mjs)
 *   --checker stryker                       @stryker-mutator/typescript-checker instead of test/mutation/checker.mjs
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const REPORTS = path.join(ROOT, "reports/mutation");
/** The report of a run of one's own (`--mutate ...`), as stryker.config.mjs names it without EKS_MUTATION_REPORT. */
const REPORT = path.join(REPORTS, "mutation.json");

/**
 * The scopes `npm run mutate` measures, each with the test files that exercise it. A mutant a scope's tests miss
 * could still be killed by a test left out, so each score is a lower bound of the whole suite's; the whole suite on
 * every mutant would take hours more here (docs/MUTATION.md, Timing): its slowest files (the CLIs, the pack served
 * through the policy SDK) run in processes of their own and reach nearly every mutant, and a survivor runs them all.
 */
const SCOPES = {
    config: {
        mutate: "config/**/*.ts",
        tests: "config*.test.ts,placeholders.test.ts,projectSchema.test.ts",
    },
    policies: {
        mutate: "policies/**/*.ts",
        tests: "policies.test.ts,policies.*.test.ts,!policies.crossguard.test.ts,!policies.pack.test.ts",
    },
    // lib/ and components/ together: the component tests reach both through the offline plan. Left out: the CLI
    // and real-process tests, the policy tests (policies.plans.test.ts reads the stacks' plans, the rest synthetic
    // resources) and the config-only tests.
    platform: {
        mutate: "lib/**/*.ts,components/**/*.ts",
        // Its mutants cost the most (each recomputes the offline plans that reach it): one Stryker run per group of
        // files of about this many lines, each with its own report, so an interrupted run loses one group
        // (`--resume` skips the groups already measured at this commit).
        batchLines: 800,
        tests: [
            "*.test.ts",
            "!plan.test.ts",
            "!policies.*.test.ts",
            "!policies.test.ts",
            "!mutationChecker.test.ts",
            "!mutate.test.ts",
            "!bench.test.ts",
            "!policy-cli.test.ts",
            "!cliFidelity.test.ts",
            "!workflows.test.ts",
            "!config.formats.test.ts",
            "!config.rules.test.ts",
            "!config.edges.test.ts",
            "!projectSchema.test.ts",
            "!placeholders.test.ts",
        ].join(","),
    },
};

/** Issue 22's targets: the overall score and the folders held to more. */
const TARGETS = { total: 85, config: 90, policies: 90 };

/** Statuses of mutation-testing-report-schema, and how mutation-testing-metrics counts them. */
const DETECTED = ["Killed", "Timeout"];
const UNDETECTED = ["Survived", "NoCoverage"];
const INVALID = ["CompileError", "RuntimeError"];

/** Per top-level folder (and in total): counts per status and the mutation score, detected / (detected + undetected). */
function folderScores(report) {
    const rows = new Map();
    const row = (folder) => {
        if (!rows.has(folder)) rows.set(folder, { folder, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0, Pending: 0 });
        return rows.get(folder);
    };
    const total = { ...row("total") };
    rows.delete("total");
    for (const [file, { mutants }] of Object.entries(report.files)) {
        const folder = file.includes("/") ? file.slice(0, file.indexOf("/")) : ".";
        for (const m of mutants) {
            row(folder)[m.status] += 1;
            total[m.status] += 1;
        }
    }
    return [...[...rows.values()].sort((a, b) => a.folder.localeCompare(b.folder)), total].map((r) => {
        const detected = DETECTED.reduce((n, s) => n + r[s], 0);
        const undetected = UNDETECTED.reduce((n, s) => n + r[s], 0);
        return { ...r, score: detected + undetected === 0 ? null : (100 * detected) / (detected + undetected) };
    });
}

function renderScores(rows) {
    const header = ["folder", "killed", "timeout", "survived", "no cov", "invalid", "ignored", "score", "target"];
    const lines = rows.map((r) => [
        r.folder,
        String(r.Killed),
        String(r.Timeout),
        String(r.Survived),
        String(r.NoCoverage),
        String(INVALID.reduce((n, s) => n + r[s], 0)),
        String(r.Ignored),
        r.score === null ? "n/a" : `${r.score.toFixed(2)}%`,
        TARGETS[r.folder] === undefined ? "" : `${r.score !== null && r.score >= TARGETS[r.folder] ? "met" : "below"} ≥ ${TARGETS[r.folder]}%`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
    return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(format)].join("\n");
}

/** Options of this script (not Stryker's), and the environment variable each sets for stryker.config.mjs. */
const OWN_OPTIONS = { "--tests": "EKS_MUTATION_TESTS", "--tsconfig": "EKS_MUTATION_TSCONFIG", "--checker": "EKS_MUTATION_CHECKER" };

/** `--tests <globs>` and `--tsconfig <file>` out of the options for Stryker, into the environment. */
function testsOption(argv) {
    let args = argv;
    let env = process.env;
    for (const [option, variable] of Object.entries(OWN_OPTIONS)) {
        const i = args.indexOf(option);
        if (i < 0) continue;
        if (!args[i + 1]) throw new Error(`${option} needs a value`);
        env = { ...env, [variable]: args[i + 1] };
        args = [...args.slice(0, i), ...args.slice(i + 2)];
    }
    return { args, env };
}

/** The .ts files a scope's globs (`<folder>/**\/*.ts`) name, relative to the project, sorted. */
function scopeFiles(scope, root = ROOT) {
    const files = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = `${dir}/${entry.name}`;
            if (entry.isDirectory() && entry.name !== "node_modules") walk(rel);
            else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(rel);
        }
    };
    for (const glob of SCOPES[scope].mutate.split(",")) walk(glob.slice(0, glob.indexOf("/**")));
    return files.sort();
}

/**
 * A scope's Stryker runs: one for the whole scope, or, with `batchLines`, one per group of consecutive files
 * of at most that many lines (a larger file alone). Each has an id naming its reports: `<scope>` or `<scope>.<n>`.
 */
function batchesOf(scope, root = ROOT) {
    const { mutate, batchLines } = SCOPES[scope];
    if (!batchLines) return [{ id: scope, mutate }];
    const groups = [];
    let lines = Infinity;
    for (const file of scopeFiles(scope, root)) {
        const n = fs.readFileSync(path.join(root, file), "utf8").split("\n").length;
        if (lines + n > batchLines) {
            groups.push([]);
            lines = 0;
        }
        groups[groups.length - 1].push(file);
        lines += n;
    }
    return groups.map((files, i) => ({ id: `${scope}.${i + 1}`, mutate: files.join(",") }));
}

/**
 * The Stryker runs an invocation asks for. `--scope a,b` (or nothing): those scopes' batches, each with its mutate
 * globs, the scope's tests (unless --tests is given), incremental file and report. `--mutate`: one run as given,
 * report mutation.json.
 */
function runsFor(argv) {
    const at = argv.indexOf("--scope");
    if (at < 0 && (argv.includes("--mutate") || argv.includes("-m"))) return [{ scope: null, batch: null, ...testsOption(argv) }];
    let names = Object.keys(SCOPES);
    let rest = argv.filter((a) => a !== "--resume");
    if (at >= 0) {
        const value = argv[at + 1];
        names = (value ?? "").split(",").filter(Boolean);
        const unknown = names.filter((n) => !SCOPES[n]);
        if (names.length === 0 || unknown.length > 0) throw new Error(`--scope ${value ?? ""}: allowed are ${Object.keys(SCOPES).join(", ")} (comma-separated)`);
        rest = rest.filter((_, i) => i !== rest.indexOf("--scope") && i !== rest.indexOf("--scope") + 1);
    }
    if (rest.includes("--mutate") || rest.includes("-m")) throw new Error("--scope and --mutate: give one or the other");
    const { args, env } = testsOption(rest);
    return names.flatMap((scope) =>
        batchesOf(scope).map((batch) => ({
            scope,
            batch: batch.id,
            mutate: batch.mutate,
            args: ["--mutate", batch.mutate, "--incrementalFile", `reports/mutation/${batch.id}.incremental.json`, ...args],
            env: {
                ...env,
                EKS_MUTATION_TESTS: rest.includes("--tests") ? env.EKS_MUTATION_TESTS : SCOPES[scope].tests,
                EKS_MUTATION_REPORT: `reports/mutation/${batch.id}`,
            },
        })),
    );
}

/** One report of every file the given reports hold (the scopes mutate disjoint folders; a later report wins). */
function mergeReports(reports) {
    return { files: Object.assign({}, ...reports.map((r) => r.files)) };
}

function gitCommit() {
    const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" });
    const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" });
    return head.status === 0 ? `${head.stdout.trim()}${dirty.stdout.trim() ? " (with uncommitted changes)" : ""}` : "unknown";
}

/** What a batch's report is of (reports/mutation/<batch>.run.json, written after its run), or undefined. */
function runRecord(batch) {
    const file = path.join(REPORTS, `${batch}.run.json`);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
}

function printScores(customRun) {
    const read = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
    const batches = Object.keys(SCOPES).flatMap((scope) => batchesOf(scope).map((b) => ({ scope, ...b, report: path.join(REPORTS, `${b.id}.json`) })));
    const measured = batches.filter((b) => fs.existsSync(b.report));
    if (customRun || measured.length === 0) {
        if (!fs.existsSync(REPORT)) {
            process.stderr.write(`no report in ${path.relative(ROOT, REPORTS)}: run npm run mutate first\n`);
            return false;
        }
        process.stdout.write(`\nMutation score per folder (${path.relative(ROOT, REPORT)}):\n${renderScores(folderScores(read(REPORT)))}\n`);
        return true;
    }
    const lines = batches.map((b) => {
        const run = runRecord(b.id);
        const what = b.id === b.scope ? "" : ` (${b.mutate.split(",").length} files from ${b.mutate.split(",")[0]})`;
        if (!measured.includes(b)) return `  ${b.id.padEnd(12)}not run${what}: the total leaves it out`;
        return `  ${b.id.padEnd(12)}reports/mutation/${b.id}.json${what}${run ? `: commit ${run.commit}, finished ${run.finished}, ${run.minutes} min, Stryker exit ${run.status}` : ""}`;
    });
    process.stdout.write(`\nMutation score per folder, each scope with its own tests (a lower bound of the whole suite's):\n${lines.join("\n")}\n\n`);
    const rows = folderScores(mergeReports(measured.map((b) => read(b.report))));
    // Without every batch the total is not the overall score the target is about: it is shown under another name.
    const partial = rows.map((r) => (r.folder === "total" && measured.length < batches.length ? { ...r, folder: "total (partial)" } : r));
    process.stdout.write(`${renderScores(partial)}\n`);
    return true;
}

function main(argv) {
    let runs;
    try {
        runs = argv.includes("--report-only") ? [] : runsFor(argv);
    } catch (e) {
        process.stderr.write(`${e.message}\n`);
        return 2;
    }
    let status = 0;
    const stryker = () => path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json", { paths: [ROOT] })), "bin/stryker.js");
    const commit = gitCommit();
    for (const { scope, batch, mutate, args, env } of runs) {
        const before = batch ? runRecord(batch) : undefined;
        // --resume: a batch already measured at this commit (no uncommitted changes), with the same files, is kept.
        if (argv.includes("--resume") && before && before.status === 0 && before.mutate === mutate && before.commit === commit && !commit.includes(" ")) {
            process.stdout.write(`\n== ${batch}: measured at ${commit} (${before.finished}), kept (--resume)\n`);
            continue;
        }
        if (scope) process.stdout.write(`\n== ${batch}: ${mutate}\n   tests ${env.EKS_MUTATION_TESTS}\n`);
        const started = Date.now();
        const run = spawnSync(process.execPath, [stryker(), "run", ...args], { cwd: ROOT, stdio: "inherit", env });
        const minutes = ((Date.now() - started) / 60000).toFixed(1);
        process.stdout.write(`\nStryker took ${minutes} min\n`);
        if (batch) {
            const record = { commit, mutate, finished: new Date().toISOString().slice(0, 16).replace("T", " "), minutes: Number(minutes), status: run.status };
            fs.mkdirSync(REPORTS, { recursive: true });
            fs.writeFileSync(path.join(REPORTS, `${batch}.run.json`), `${JSON.stringify(record, null, 2)}\n`);
        }
        if (status === 0) status = run.status ?? 1;
    }
    const customRun = runs.length === 1 && runs[0].scope === null;
    return printScores(customRun) ? status : status || 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { folderScores, renderScores, testsOption, runsFor, batchesOf, scopeFiles, mergeReports, SCOPES, TARGETS };
