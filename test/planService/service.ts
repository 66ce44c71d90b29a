/**
 * The test plan service: one run of `npm test` computes each distinct offline plan once and shares it with
 * every test file. Jest's global setup starts it in jest's main process; the workers ask it over a Unix
 * socket (`client.ts`). It keeps a small pool of planner processes (`planner.ts`), each with the SDK loaded
 * once, and remembers every answer (successes and failures) for the rest of the run.
 *
 * Under mutation testing (`mutation: true`, see `mutation.ts`) one service lives as long as Stryker's test runner
 * process and serves its many jest runs, one per mutant. Answers are then remembered per mutant too, and an answer
 * computed without mutant serves any mutant its plan did not reach: the program is deterministic, so a mutant it
 * never reached cannot change what it registers. Only plans that reach the active mutant are computed again.
 */
import { ChildProcess, fork } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ACTIVE_MUTANT_ENV } from "./mutation";
import type { PlanReply, ServiceAnswer, ServiceRequest } from "./protocol";

const ROOT = path.resolve(__dirname, "../..");

/**
 * A plan allocates many short-lived objects (an Output, a promise and a protobuf message per property): with a
 * 64 MB young generation instead of V8's default, far fewer of them survive into the old generation, and a planner
 * spends a fraction of the time collecting garbage (a prod plan in a warm planner: about 130 ms instead of 270 ms).
 */
const PLANNER_NODE_OPTIONS = ["--max-semi-space-size=64"];

class Planner {
    private child: ChildProcess;
    private readonly pending = new Map<number, (answer: ServiceAnswer) => void>();
    private nextId = 0;
    private stopping = false;

    constructor(private readonly mutation: boolean) {
        this.child = this.start();
    }

    private start(): ChildProcess {
        const env = { ...process.env };
        delete env[ACTIVE_MUTANT_ENV];
        const child = fork(path.join(__dirname, "planner.ts"), this.mutation ? ["--mutation"] : [], {
            cwd: ROOT,
            env,
            execArgv: [...PLANNER_NODE_OPTIONS, "-r", path.join(ROOT, "plan/register.js")],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        child.on("message", (reply: PlanReply) => {
            this.pending.get(reply.id)?.(reply);
            this.pending.delete(reply.id);
        });
        child.on("exit", (code, signal) => {
            // A planner that dies takes its queue with it; say so in each waiting test instead of hanging.
            for (const resolve of this.pending.values()) {
                resolve({ ok: false, error: { name: "PlannerDied", message: `planner process exited (${signal ?? code})`, registered: [] } });
            }
            this.pending.clear();
            // A mutant can crash a planner; the next mutant's tests need a live one.
            if (this.mutation && !this.stopping) this.child = this.start();
        });
        if (this.mutation) {
            // The service outlives each jest run and must not keep Stryker's test runner process alive on its own
            // (a test waiting for a plan keeps it alive through its own socket).
            child.unref();
            (child.channel as { unref?: () => void } | undefined)?.unref?.();
        }
        return child;
    }

    get load(): number {
        return this.pending.size;
    }

    plan(request: ServiceRequest): Promise<ServiceAnswer> {
        const id = this.nextId++;
        return new Promise((resolve) => {
            this.pending.set(id, resolve);
            this.child.send({ id, request });
        });
    }

    /** Ends the planner at once, even mid-plan (a warm-up plan nobody waits for, when jest ran a single file). */
    stop(): void {
        this.stopping = true;
        this.child.kill();
    }
}

export interface PlanServiceOptions {
    readonly planners: number;
    /** Mutation testing: planners switch on each request's mutant and report coverage; answers are kept per mutant. */
    readonly mutation?: boolean;
}

export class PlanService {
    private readonly answers = new Map<string, Promise<ServiceAnswer>>();
    /** Under mutation testing: answers computed without mutant, once known, with the mutants they reached. */
    private readonly unmutated = new Map<string, { answer: ServiceAnswer; reached: ReadonlySet<string> }>();
    /** Under mutation testing: answers for the current mutant only (one mutant's jest run at a time). */
    private mutated = new Map<string, Promise<ServiceAnswer>>();
    private mutant: string | undefined;
    private readonly planners: Planner[];
    private readonly server: http.Server;
    private readonly mutation: boolean;
    readonly socket: string;

    constructor(options: PlanServiceOptions) {
        this.mutation = options.mutation ?? false;
        this.planners = Array.from({ length: options.planners }, () => new Planner(this.mutation));
        this.socket = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-plan-")), "service.sock");
        this.server = http.createServer((req, res) => {
            let body = "";
            req.setEncoding("utf8");
            req.on("data", (chunk: string) => (body += chunk));
            req.on("end", () => {
                this.plan(JSON.parse(body) as ServiceRequest).then((answer) => {
                    res.setHeader("content-type", "application/json");
                    res.end(JSON.stringify(answer));
                });
            });
        });
        if (this.mutation) {
            this.server.unref();
            process.once("exit", () => fs.rmSync(path.dirname(this.socket), { recursive: true, force: true }));
        }
    }

    listen(): Promise<void> {
        // A request waits as long as its plan queues (minutes on a loaded machine): no server-side timeouts.
        this.server.requestTimeout = 0;
        this.server.headersTimeout = 0;
        return new Promise((resolve) => this.server.listen(this.socket, resolve));
    }

    /** Identical requests share one run; a new one goes to the planner with the shortest queue. */
    plan(request: ServiceRequest): Promise<ServiceAnswer> {
        // Model validation runs none of the project's code.
        if ("validate" in request) return this.dispatch(request);
        const key =
            "cli" in request
                ? JSON.stringify(["cli", request.cli])
                : JSON.stringify([request.stack, request.set ?? [], request.config ?? null, request.program ?? null, request.caller ?? null, request.root ?? null, request.asDeployment ?? false]);
        const mutant = this.mutation ? request.mutant : undefined;
        // A CLI run reads files the tests write (and may rewrite between runs with the same arguments): never shared.
        if ("cli" in request && mutant === undefined) return this.dispatch(request);
        if (mutant === undefined) {
            let answer = this.answers.get(key);
            if (!answer) {
                answer = this.dispatch({ ...request, mutant: undefined }).then((a) => this.remember(key, a));
                this.answers.set(key, answer);
            }
            return answer;
        }
        const known = this.unmutated.get(key);
        if (known && !known.reached.has(mutant)) return Promise.resolve(known.answer);
        if (mutant !== this.mutant) {
            this.mutant = mutant;
            this.mutated = new Map();
        }
        let answer = this.mutated.get(key);
        if (!answer) {
            // An answer that never reached the mutant is the unmutated answer: keep it for the mutants to come.
            answer = this.dispatch(request).then((a) => (a.coverage?.includes(mutant) ? a : this.remember(key, a)));
            this.mutated.set(key, answer);
        }
        return answer;
    }

    private dispatch(request: ServiceRequest): Promise<ServiceAnswer> {
        const planner = this.planners.reduce((a, b) => (b.load < a.load ? b : a));
        return planner.plan(request);
    }

    private remember(key: string, answer: ServiceAnswer): ServiceAnswer {
        if (this.mutation && answer.coverage && !this.unmutated.has(key)) {
            this.unmutated.set(key, { answer, reached: new Set(answer.coverage) });
        }
        return answer;
    }

    async stop(): Promise<void> {
        for (const planner of this.planners) planner.stop();
        await new Promise((resolve) => this.server.close(resolve));
        fs.rmSync(path.dirname(this.socket), { recursive: true, force: true });
    }
}
