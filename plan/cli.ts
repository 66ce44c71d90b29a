/**
 * `npm run plan -- --stack <dev|stage|prod> [--set key=value]... [--format tree|json|yaml] [--diff key=value]... [--policy]`
 * `npm run bench`
 *
 * Exit codes: 0 ok, 1 a mandatory policy violation, 2 invalid config, unknown stack or bad arguments.
 */
import { runPlan } from "./harness";
import { diffPlans, planDocument, renderDiff, renderTree, renderYaml, Violation } from "./render";
import { UnknownStackError } from "./stackConfig";

const FORMATS = ["tree", "json", "yaml"] as const;
type Format = (typeof FORMATS)[number];

interface PlanArgs {
    stack: string;
    set: string[];
    diff: string[];
    format: Format;
    policy: boolean;
}

class UsageError extends Error {}

const USAGE =
    "usage: npm run plan -- --stack <stack> [--set key=value]... [--format tree|json|yaml] [--diff key=value]... [--policy]\n" +
    "       npm run bench [-- --runs N]";

function parseArgs(argv: readonly string[]): PlanArgs {
    const args: PlanArgs = { stack: "", set: [], diff: [], format: "tree", policy: false };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--stack":
            case "-s":
                args.stack = value();
                break;
            case "--set":
                args.set.push(value());
                break;
            case "--diff":
                args.diff.push(value());
                break;
            case "--format": {
                const f = value();
                if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${f}`);
                args.format = f as Format;
                break;
            }
            case "--policy":
                args.policy = true;
                break;
            default:
                throw new UsageError(`unknown argument ${flag}`);
        }
    }
    if (!args.stack) throw new UsageError("--stack is required");
    return args;
}

/** Config errors and unknown stacks are the user's to fix: one line, no stack trace, exit 2. */
function userError(err: unknown): string | undefined {
    if (err instanceof UnknownStackError || err instanceof UsageError) return err.message;
    if (err instanceof Error && err.name === "ConfigError") return err.message;
    return undefined;
}

interface PolicyReport {
    readonly violations: Violation[];
    readonly policyCount: number;
}

async function evaluate(plan: Awaited<ReturnType<typeof runPlan>>): Promise<PolicyReport> {
    // Loaded on demand: the policy pack is only needed with --policy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { evaluatePolicies } = require("./policy") as typeof import("./policy");
    return evaluatePolicies(plan);
}

function renderViolations(report: PolicyReport): string {
    const lines = [`Policies: ${report.policyCount} evaluated, ${report.violations.length} violation(s)`];
    for (const level of ["mandatory", "advisory"]) {
        const list = report.violations.filter((v) => v.level === level);
        if (!list.length) continue;
        lines.push(`  ${level} (${list.length}):`);
        for (const v of list) lines.push(`    [${v.policy}] ${v.urn}\n      ${v.message}`);
    }
    return lines.join("\n");
}

async function plan(argv: readonly string[]): Promise<number> {
    const args = parseArgs(argv);
    const base = await runPlan({ stack: args.stack, set: args.set });

    if (args.diff.length) {
        const after = await runPlan({ stack: args.stack, set: [...args.set, ...args.diff] });
        const changes = diffPlans(base, after);
        if (args.format === "json") process.stdout.write(`${JSON.stringify({ stack: args.stack, diff: args.diff, changes }, null, 2)}\n`);
        else process.stdout.write(`${renderDiff(changes, args.diff.join(" "))}\n`);
        return 0;
    }

    const report = args.policy ? await evaluate(base) : undefined;
    if (args.format === "json") {
        process.stdout.write(`${JSON.stringify(planDocument(base, report?.violations), null, 2)}\n`);
    } else if (args.format === "yaml") {
        process.stdout.write(renderYaml(base));
        if (report) process.stderr.write(`${renderViolations(report)}\n`);
    } else {
        process.stdout.write(`${renderTree(base)}\n`);
        if (report) process.stdout.write(`\n${renderViolations(report)}\n`);
    }
    return report?.violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
    try {
        if (argv[0] === "bench") {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { bench } = require("./bench") as typeof import("./bench");
            return await bench(argv.slice(1));
        }
        return await plan(argv[0] === "plan" ? argv.slice(1) : argv);
    } catch (err) {
        const message = userError(err);
        if (message === undefined) throw err;
        process.stderr.write(`${message}\n${err instanceof UsageError ? `${USAGE}\n` : ""}`);
        return 2;
    }
}
