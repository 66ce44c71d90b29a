#!/usr/bin/env node
/**
 * `npm run mutate [-- <stryker options>]`: mutation testing with StrykerJS (stryker.config.mjs), then the score per
 * folder from its JSON report (reports/mutation/mutation.json, mutation-testing-report-schema). Options go to
 * `stryker run`, e.g. `--mutate "config/**\/*.ts"` for one folder or `--force` to ignore the incremental file.
 * A benchmark to read (see docs/MUTATION.md), not part of `npm test` or CI. Exits with Stryker's exit code.
 *
 *   node scripts/mutate.js --report-only   prints the scores of the last report without running Stryker
 *   --tests "config.*.test.ts"             only these test files (globs under test/, comma-separated) take part:
 *                                          a quicker run whose score is a lower bound of the whole suite's
 *   --tsconfig tsconfig.stryker.config.json the TypeScript checker's view for a run of one folder (stryker.config.mjs)
 *   --checker stryker                      @stryker-mutator/typescript-checker instead of test/mutation/checker.mjs
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(ROOT, "reports/mutation/mutation.json");

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

function main(argv) {
    let status = 0;
    const { args, env } = testsOption(argv);
    if (!args.includes("--report-only")) {
        const stryker = path.join(path.dirname(require.resolve("@stryker-mutator/core/package.json", { paths: [ROOT] })), "bin/stryker.js");
        const started = Date.now();
        const run = spawnSync(process.execPath, [stryker, "run", ...args], { cwd: ROOT, stdio: "inherit", env });
        status = run.status ?? 1;
        process.stdout.write(`\nStryker took ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
    }
    if (!fs.existsSync(REPORT)) {
        process.stderr.write(`no report at ${path.relative(ROOT, REPORT)}\n`);
        return status || 1;
    }
    process.stdout.write(`\nMutation score per folder (${path.relative(ROOT, REPORT)}):\n${renderScores(folderScores(JSON.parse(fs.readFileSync(REPORT, "utf8"))))}\n`);
    return status;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { folderScores, renderScores, testsOption, TARGETS };
