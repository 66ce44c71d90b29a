/**
 * The offline plan's command line: `npm start`, `npm run plan -- ...`, `npm run policy -- ...`, `npm run bench`.
 * See USAGE and POLICY_USAGE.
 *
 * Exit codes: 0 ok; 1 a mandatory policy violation (with --policy, or from `npm run policy`); 2 bad input
 * (arguments, Pulumi.yaml, a stack file, config the CLI or the program would refuse, a plan document of the wrong
 * shape: one line on stderr, no stack trace); 3 the tool itself failed.
 */
import * as fs from "fs";
import * as path from "path";
import type { Plan } from "./harness";
import {
    diffPlans,
    kubernetesObjects,
    parsePlanDocument,
    planDocument,
    renderDiff,
    renderOutputs,
    renderTree,
    renderViolations,
    renderYaml,
    renderYamlObjects,
    ResourceChange,
    Violation,
} from "./render";
import { PROJECT_ROOT, projectName, resolveStackConfig, StackConfigError, UnknownStackError } from "./stackConfig";

const FORMATS = ["tree", "json", "yaml"] as const;
type Format = (typeof FORMATS)[number];

/** `refused`: with --diff, a step `pulumi preview` would refuse (a protected resource replaced or deleted, say). */
export const EXIT = { ok: 0, policyViolation: 1, refused: 1, badInput: 2, internalError: 3 } as const;

export const USAGE = `Offline plan: runs the real index.ts under Pulumi's mocks with a stack's config. No cloud account, no Pulumi
CLI, no network; values the cloud would assign (ids, ARNs, endpoints, the kubeconfig) are mocked.

usage: npm run plan -- --stack <stack> [--set key=value]... [--diff key=value]... [--format tree|json|yaml] [--policy]
       npm run policy -- --stack <stack> --plan <file.json|-> [--format text|json]   (npm run policy -- --help)
       npm start                      (the dev stack's plan and outputs, and what to run next)
       npm run bench [-- --runs N]

  --stack, -s <stack>   a stack: a Pulumi.<stack>.yaml next to Pulumi.yaml
  --set key=value       change config first, as \`pulumi config set --path key value\` would; the key may be a path
                        such as services[0].image.green or tags["team"]; on a path "true"/"false" and integers
                        become booleans and numbers; a structured key (object or list) takes JSON at its top level
  --diff key=value      show what changes when key=value is set on top (same syntax; repeatable), like
                        \`pulumi preview\`: +- (json: "op": "replace") where the provider would replace a resource
  --format <f>          tree (default): the resource tree like \`pulumi preview\`; json: one document with every
                        resource's inputs, parent, provider and dependencies; yaml: Kubernetes objects as applied
                        (with --diff: the changed ones, after the change)
  --policy              evaluate the policy pack in policies/ (with --diff: on the changed config)
  --cwd, -C <dir>       read Pulumi.yaml and Pulumi.<stack>.yaml from <dir> (the program is still this project's)
  --project <name>      plan another project of this repository (its Pulumi.yaml, stacks and program): bootstrap, or
                        apps (a team stack, planned on the planned outputs of the platform stack it names)
  --help, -h            this text

exit codes: 0 ok, 1 a mandatory policy violation or (--diff) a step pulumi would refuse, 2 bad input (one line on
stderr), 3 the tool itself failed`;

interface PlanArgs {
    stack: string;
    /** Where Pulumi.yaml and the stack files are read (default: this project). */
    cwd: string | undefined;
    /** Another Pulumi project of this repository (a directory next to this one's Pulumi.yaml), program included. */
    project: string | undefined;
    set: string[];
    diff: string[];
    format: Format;
    policy: boolean;
    help: boolean;
}

/** A mistake on the command line: one line, exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(`${message} (npm run plan -- --help)`);
        this.name = "UsageError";
    }
}

export function parseArgs(argv: readonly string[]): PlanArgs {
    const args: PlanArgs = { stack: "", cwd: undefined, project: undefined, set: [], diff: [], format: "tree", policy: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        // `--flag=value` and `--flag value` are the same.
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
        const inline = eq > 0 ? argv[i].slice(eq + 1) : undefined;
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        const noValue = () => {
            if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
        };
        switch (flag) {
            case "--stack":
            case "-s":
                args.stack = value();
                break;
            case "--set":
                args.set.push(value());
                break;
            case "--cwd":
            case "-C":
                args.cwd = value();
                break;
            case "--diff":
                args.diff.push(value());
                break;
            case "--project": {
                const name = value();
                if (!(PROJECTS as readonly string[]).includes(name)) throw new UsageError(`--project must be one of ${PROJECTS.join(", ")}, got ${JSON.stringify(name)}`);
                args.project = name;
                break;
            }
            case "--format": {
                const f = value();
                if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(f)}`);
                args.format = f as Format;
                break;
            }
            case "--policy":
                noValue();
                args.policy = true;
                break;
            case "--help":
            case "-h":
                noValue();
                args.help = true;
                break;
            default:
                throw new UsageError(flag.startsWith("-") ? `unknown flag ${flag}` : `unexpected argument ${JSON.stringify(flag)}`);
        }
    }
    if (!args.stack && !args.help) throw new UsageError("--stack is required");
    if (args.project && args.cwd) throw new UsageError("--project and --cwd cannot be combined: a project reads its own directory");
    // The pack judges the platform's stacks and workloads. The bootstrap's CI roles are broad by design (a deploy
    // creates a cluster, a VPC and IAM roles), held by the CI permissions boundary and tested in test/bootstrap.test.ts.
    // Team stacks (apps) run workloads on the platform, so the pack judges them at their platform stack's levels.
    if (args.project === "bootstrap" && args.policy) throw new UsageError(`--policy judges the platform and team stacks, not --project ${args.project}`);
    return args;
}

export const POLICY_USAGE = `Policy pack on a plan document: evaluates policies/ with a stack's policies/config/<stack>.json against any
plan in the \`npm run plan -- --format json\` shape (an offline plan, an edited one, another tool's), without
running the program. Each resource needs a urn; type and name default to the urn's, inputs to {}, dependencies to [].

usage: npm run policy -- --stack <stack> --plan <file.json|-> [--format text|json]

  --stack, -s <stack>   whose policy config to use: policies/config/<stack>.json
  --plan <file>         the plan document; - reads it from stdin
  --format <f>          text (default): violations by level; json: {"violations": [{policy, level, urn, message}]}
  --help, -h            this text

exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 bad input (one line on stderr), 3 the tool itself failed`;

/** A mistake in `npm run policy`'s arguments or input: one line, exit 2. */
export class PolicyUsageError extends Error {
    constructor(message: string, hint = true) {
        super(hint ? `${message} (npm run policy -- --help)` : message);
        this.name = "UsageError";
    }
}

interface PolicyArgs {
    stack: string;
    plan: string;
    format: "text" | "json";
    help: boolean;
}

export function parsePolicyArgs(argv: readonly string[]): PolicyArgs {
    const args: PolicyArgs = { stack: "", plan: "", format: "text", help: false };
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
        const inline = eq > 0 ? argv[i].slice(eq + 1) : undefined;
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new PolicyUsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--stack":
            case "-s":
                args.stack = value();
                break;
            case "--plan":
                args.plan = value();
                break;
            case "--format": {
                const f = value();
                if (f !== "text" && f !== "json") throw new PolicyUsageError(`--format must be one of text, json, got ${JSON.stringify(f)}`);
                args.format = f;
                break;
            }
            case "--help":
            case "-h":
                if (inline !== undefined) throw new PolicyUsageError(`${flag} takes no value`);
                args.help = true;
                break;
            default:
                throw new PolicyUsageError(flag.startsWith("-") ? `unknown flag ${flag}` : `unexpected argument ${JSON.stringify(flag)}`);
        }
    }
    if (args.help) return args;
    if (!args.stack) throw new PolicyUsageError("--stack is required");
    if (!args.plan) throw new PolicyUsageError("--plan is required (a plan document in the --format json shape, or - for stdin)");
    return args;
}

/**
 * `npm run policy`: the pack, with the stack's policy config, over any plan document in the `--format json` shape
 * (an offline plan, an edited one, or another tool's), without running the program.
 */
async function policy(argv: readonly string[]): Promise<number> {
    const args = parsePolicyArgs(argv);
    if (args.help) return (await out(`${POLICY_USAGE}\n`), EXIT.ok);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { POLICY_CONFIG_DIR, evaluatePolicies } = require("./policy") as typeof import("./policy");
    if (!fs.existsSync(path.join(POLICY_CONFIG_DIR, `${args.stack}.json`))) {
        const known = fs.readdirSync(POLICY_CONFIG_DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length));
        throw new PolicyUsageError(`no policy config for stack '${args.stack}' (policies/config has ${known.join(", ")})`, false);
    }
    let text: string;
    try {
        text = args.plan === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(args.plan, "utf8");
    } catch (e) {
        throw new PolicyUsageError(`cannot read plan document ${args.plan}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, false);
    }
    const report = await evaluatePolicies(parsePlanDocument(text, args.plan === "-" ? "stdin" : args.plan, args.stack));
    if (args.format === "json") await out(`${JSON.stringify({ violations: report.violations }, null, 2)}\n`);
    else await out(`${renderViolations(report)}\n`);
    return exitCode(report);
}

/** Input the user must fix: arguments, Pulumi.yaml, stack files, config, plan documents. One line, no stack trace. */
function userError(err: unknown): string | undefined {
    if (!(err instanceof Error)) return undefined;
    if (err instanceof UnknownStackError || err instanceof UsageError || err instanceof PolicyUsageError || err instanceof StackConfigError) return err.message;
    // The program's own refusals (config/index.ts) come back from the SDK under their names.
    if (["ConfigError", "PlaceholderError", "StackConfigError", "UsageError"].includes(err.name)) return err.message.split("\n")[0];
    return undefined;
}

interface PolicyReport {
    readonly violations: Violation[];
    readonly policyCount: number;
}

async function evaluate(plan: Plan): Promise<PolicyReport> {
    // Loaded on demand: the policy pack is only needed with --policy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { evaluatePolicies } = require("./policy") as typeof import("./policy");
    // A team stack is held to its environment's levels: those of the platform stack it runs on (policyConfigFor).
    return evaluatePolicies(plan);
}

function exitCode(report: PolicyReport | undefined): number {
    return report?.violations.some((v) => v.level === "mandatory") ? EXIT.policyViolation : EXIT.ok;
}

/** Writes to a stream and resolves once the data is handed to the OS (a pipe may take it slowly). */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

const out = (text: string) => write(process.stdout, text);
const err = (text: string) => write(process.stderr, text);

/** The other Pulumi projects of this repository, each a directory with its own Pulumi.yaml, stacks and index.ts. */
export const PROJECTS = ["bootstrap", "apps"] as const;

/** Resolves the stack's config (printing the CLI's warnings once) and plans it. */
async function planWith(args: PlanArgs, set: readonly string[], warn: boolean): Promise<Plan> {
    if (args.project) {
        const root = path.join(PROJECT_ROOT, args.project);
        const resolved = resolveStackConfig(args.stack, set, root);
        if (warn) for (const w of resolved.warnings) await err(`${w}\n`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runPlan } = require("./harness") as typeof import("./harness");
        return runPlan({ stack: args.stack, root, config: resolved.config, secretKeys: resolved.secretKeys });
    }
    const root = args.cwd === undefined ? PROJECT_ROOT : path.resolve(args.cwd);
    if (!fs.existsSync(path.join(root, "Pulumi.yaml"))) throw new UsageError(`no Pulumi.yaml in ${root}`);
    if (root !== PROJECT_ROOT && projectName(root) !== projectName()) {
        throw new UsageError(`${path.join(root, "Pulumi.yaml")} names project ${projectName(root)}; this program is ${projectName()}`);
    }
    const resolved = resolveStackConfig(args.stack, set, root);
    if (warn) for (const w of resolved.warnings) await err(`${w}\n`);
    // Loaded only once the input is known good: the SDK takes a while to load, a usage error should not wait for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runPlan } = require("./harness") as typeof import("./harness");
    return runPlan({ stack: args.stack, config: resolved.config, secretKeys: resolved.secretKeys });
}

/** `--diff`: what changes between the stack (with --set) and the stack with the --diff assignments on top. */
async function diff(args: PlanArgs): Promise<number> {
    const base = await planWith(args, args.set, true);
    const after = await planWith(args, [...args.set, ...args.diff], false);
    const changes = diffPlans(base, after);
    const report = args.policy ? await evaluate(after) : undefined;
    const assignment = args.diff.join(" ");
    if (args.format === "json") {
        const doc: Record<string, unknown> = { stack: args.stack, diff: args.diff, changes };
        if (report) doc.violations = report.violations;
        await out(`${JSON.stringify(doc, null, 2)}\n`);
    } else if (args.format === "yaml") {
        await out(renderChangedObjects(after, changes, assignment));
        if (report) await err(`${renderViolations(report)}\n`);
    } else {
        await out(`${renderDiff(changes, assignment)}\n`);
        if (report) await out(`\nAfter ${assignment}: ${renderViolations(report)}\n`);
    }
    // Like `pulumi preview`: a step the engine or AWS would refuse (a protected replacement) fails the preview.
    return changes.some((c) => c.refused) ? EXIT.refused : exitCode(report);
}

/** The Kubernetes objects a --diff creates or changes, as they would be applied afterwards. */
function renderChangedObjects(after: Plan, changes: readonly ResourceChange[], assignment: string): string {
    const changed = new Set(changes.filter((c) => c.op !== "delete").map((c) => c.urn));
    const deleted = changes.filter((c) => c.op === "delete");
    const objects = kubernetesObjects(after, (r) => changed.has(r.urn));
    const header = [`# Kubernetes objects created or changed by ${assignment}: ${objects.length}`];
    for (const d of deleted) if (d.type.startsWith("kubernetes:")) header.push(`# deleted: ${d.type} ${d.name}`);
    return `${header.join("\n")}\n${renderYamlObjects(objects)}`;
}

async function plan(args: PlanArgs): Promise<number> {
    if (args.diff.length) return diff(args);
    const base = await planWith(args, args.set, true);
    const report = args.policy ? await evaluate(base) : undefined;
    if (args.format === "json") {
        await out(`${JSON.stringify(planDocument(base, report?.violations), null, 2)}\n`);
    } else if (args.format === "yaml") {
        await out(renderYaml(base));
        if (report) await err(`${renderViolations(report)}\n`);
    } else {
        await out(`${renderTree(base)}\n`);
        if (report) await out(`\n${renderViolations(report)}\n`);
    }
    return exitCode(report);
}

/** `npm start`: what this is, the dev stack's plan and outputs as `pulumi preview` shows them, and what next. */
async function start(args: PlanArgs): Promise<number> {
    const stack = args.stack;
    const base = await planWith(args, args.set, true);
    await out(
        [
            `Offline plan of stack '${stack}': the real index.ts run under Pulumi's mocks with Pulumi.yaml and Pulumi.${stack}.yaml.`,
            "Nothing is deployed and no cloud account is used; values the cloud would assign (ids, ARNs, endpoints, the",
            "kubeconfig) are mocked.",
            "",
            renderTree(base),
            "",
            renderOutputs(base.outputs),
            "",
            "Next:",
            ...[
                ["npm run plan -- --stack prod --diff activeColor=green", "what a blue/green switch in prod changes"],
                [`npm run plan -- --stack ${stack} --policy`, "the policy pack on this plan"],
                ["npm run plan -- --help", "every option"],
            ].map(([command, what]) => `  ${command.padEnd(56)}${what}`),
            `  For a real deployment, first replace the example values (README "Values to change"), then`,
            `  pulumi preview --stack ${stack}`,
            "",
        ].join("\n"),
    );
    return EXIT.ok;
}

export async function main(argv: readonly string[]): Promise<number> {
    try {
        if (argv[0] === "bench") {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { bench } = require("./bench") as typeof import("./bench");
            return await bench(argv.slice(1));
        }
        if (argv[0] === "policy") return await policy(argv.slice(1));
        const command = argv[0] === "plan" || argv[0] === "start" ? argv[0] : "plan";
        const rest = argv[0] === command ? argv.slice(1) : argv;
        if (command === "start") {
            const args = parseArgs(rest.includes("--stack") || rest.includes("-s") ? rest : ["--stack", "dev", ...rest]);
            if (args.help) return (await out(`${USAGE}\n`), EXIT.ok);
            return await start(args);
        }
        const args = parseArgs(rest);
        if (args.help) return (await out(`${USAGE}\n`), EXIT.ok);
        return await plan(args);
    } catch (e) {
        const message = userError(e);
        if (message === undefined) throw e;
        await err(`${message}\n`);
        return EXIT.badInput;
    }
}
