/**
 * One planner process of the test plan service: loads the Pulumi SDK once and runs offline plans on request
 * (over the IPC channel its parent opened), the same `runPlan` as `npm run plan`. Each plan re-requires the
 * project's own modules (`runPlan`'s default loader), so plans do not share program state; the SDK and provider
 * packages are loaded once per process, which is what makes a plan take a fraction of a second instead of seconds.
 * It also runs the project's CLIs in-process (`runCli`) and validates Kubernetes objects against upstream models.
 * Started with `--mutation` under mutation testing: then each request runs with the asking test's mutant switched
 * on and answers with the mutants it reached (see `mutation.ts`).
 */
import * as path from "path";
import { pathToFileURL } from "url";
import { runPlan } from "../../plan/harness";
import { ACTIVE_MUTANT_ENV, reachedMutants, startPlan } from "./mutation";
import type { CliResult, CliTool, ModelResult, PlanReply, ServiceAnswer, ServiceRequest } from "./protocol";

// The SDK records a stack trace with every promise it makes (runtime/debuggable.ts) and every resource
// (Resource.callsites, for the source position it reports to the engine): a third of a plan's time went to
// formatting traces nobody reads here. Failures reach the tests as their name and message, never as a trace.
Error.stackTraceLimit = 0;

const mutation = process.argv.includes("--mutation");
// The mutant of the run that started this planner is no business of later requests: each names its own.
delete process.env[ACTIVE_MUTANT_ENV];

// Requests run one at a time: the SDK's runtime state is global to the process (and the CLI's output is captured
// from this process's stdout and stderr).
let queue: Promise<void> = Promise.resolve();
process.on("message", (message: { id: number; request: ServiceRequest }) => {
    const { id, request } = message;
    queue = queue.then(async () => {
        if (mutation) startPlan(request.mutant);
        // Whatever goes wrong is answered: a test waiting for an answer that never comes would hang until its timeout.
        const answer = await answerTo(request).catch(
            (err: Error): ServiceAnswer => ({ ok: false, error: { name: err.name ?? "Error", message: String(err.message ?? err), registered: [] } }),
        );
        reply({ ...answer, ...(mutation ? { coverage: reachedMutants() } : {}), id });
    });
});

/** The model validator: an ES module (its packages are ESM-only), loaded once per planner. */
const MODELS = pathToFileURL(path.resolve(__dirname, "../../plan/validate-models.mjs")).href;

async function answerTo(request: ServiceRequest): Promise<ServiceAnswer> {
    if ("validate" in request) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const importEsm = require("./esm.js") as (url: string) => Promise<{ validateObjects(objects: readonly object[]): Promise<ModelResult[]> }>;
        const { validateObjects } = await importEsm(MODELS);
        return { ok: true, models: await validateObjects(request.validate) };
    }
    if ("cli" in request) return { ok: true, cli: await runCli(request.cli, request.tool ?? "plan") };
    try {
        return { ok: true, plan: await runPlan(request) };
    } catch (e) {
        const err = e as Error & { registered?: string[] };
        return { ok: false, error: { name: err.name, message: err.message, registered: err.registered ?? [] } };
    }
}

/**
 * The project's CLIs as their entry points run them: the same `main`, the same exit codes, and the same handling of
 * a failure `main` did not catch (scripts/run.js: the stack trace, exit 3; scripts/switch.js: the message, exit 1).
 */
const TOOLS: Record<CliTool, { main: () => (argv: readonly string[]) => Promise<number>; failed: (err: Error) => [string, number] }> = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    plan: { main: () => (require("../../plan/cli") as typeof import("../../plan/cli")).main, failed: (err) => [`offline plan failed: ${err.stack ?? String(err)}\n`, 3] },
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    switch: { main: () => (require("../../ops/switch/cli") as typeof import("../../ops/switch/cli")).main, failed: (err) => [`switch failed: ${err.message ?? String(err)}\n`, 1] },
};

/**
 * `npm run <tool> -- <argv>` with stdout and stderr captured instead of written. Only the process start is not
 * exercised (real processes remain for that: the entry points, output through a pipe, standard input).
 */
async function runCli(argv: readonly string[], tool: CliTool): Promise<CliResult> {
    const captured = { stdout: "", stderr: "" };
    const original = { stdout: process.stdout.write, stderr: process.stderr.write };
    const capture = (stream: "stdout" | "stderr") =>
        ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
            captured[stream] += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
            const done = typeof encoding === "function" ? encoding : callback;
            if (typeof done === "function") process.nextTick(done as () => void);
            return true;
        }) as typeof process.stdout.write;
    process.stdout.write = capture("stdout");
    process.stderr.write = capture("stderr");
    let status: number;
    try {
        status = await TOOLS[tool].main()(argv);
    } catch (err) {
        const [message, code] = TOOLS[tool].failed(err as Error);
        captured.stderr += message;
        status = code;
    } finally {
        process.stdout.write = original.stdout;
        process.stderr.write = original.stderr;
    }
    return { status, ...captured };
}

function reply(message: PlanReply): void {
    // The run may have ended while this plan was computing (a warm-up nobody asked for, say): nobody to tell.
    if (process.connected) process.send?.(message);
}

// The parent is the only reason to live: without it, leave at once.
process.on("disconnect", () => process.exit(0));
