/**
 * The test plan service: one run of `npm test` computes each distinct offline plan once and shares it with
 * every test file. Jest's global setup starts it in jest's main process; the workers ask it over a Unix
 * socket (`client.ts`). It keeps a small pool of planner processes (`planner.ts`), each with the SDK loaded
 * once, and remembers every answer (successes and failures) for the rest of the run.
 */
import { ChildProcess, fork } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { PlanReply, ServiceAnswer, ServiceRequest } from "./protocol";

const ROOT = path.resolve(__dirname, "../..");

class Planner {
    private readonly child: ChildProcess;
    private readonly pending = new Map<number, (answer: ServiceAnswer) => void>();
    private nextId = 0;

    constructor() {
        this.child = fork(path.join(__dirname, "planner.ts"), [], {
            cwd: ROOT,
            execArgv: ["-r", path.join(ROOT, "plan/register.js")],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        this.child.on("message", (reply: PlanReply) => {
            this.pending.get(reply.id)?.(reply);
            this.pending.delete(reply.id);
        });
        this.child.on("exit", (code, signal) => {
            // A planner that dies takes its queue with it; say so in each waiting test instead of hanging.
            for (const resolve of this.pending.values()) {
                resolve({ ok: false, error: { name: "PlannerDied", message: `planner process exited (${signal ?? code})`, registered: [] } });
            }
            this.pending.clear();
        });
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
        this.child.kill();
    }
}

export class PlanService {
    private readonly answers = new Map<string, Promise<ServiceAnswer>>();
    private readonly planners: Planner[];
    private readonly server: http.Server;
    readonly socket: string;

    constructor(planners: number) {
        this.planners = Array.from({ length: planners }, () => new Planner());
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
    }

    listen(): Promise<void> {
        // A request waits as long as its plan queues (minutes on a loaded machine): no server-side timeouts.
        this.server.requestTimeout = 0;
        this.server.headersTimeout = 0;
        return new Promise((resolve) => this.server.listen(this.socket, resolve));
    }

    /** Identical requests share one run; a new one goes to the planner with the shortest queue. */
    plan(request: ServiceRequest): Promise<ServiceAnswer> {
        const key =
            "cli" in request
                ? JSON.stringify(["cli", request.cli])
                : JSON.stringify([request.stack, request.set ?? [], request.config ?? null, request.program ?? null, request.caller ?? null, request.root ?? null]);
        let answer = this.answers.get(key);
        if (!answer) {
            const planner = this.planners.reduce((a, b) => (b.load < a.load ? b : a));
            answer = planner.plan(request);
            this.answers.set(key, answer);
        }
        return answer;
    }

    async stop(): Promise<void> {
        for (const planner of this.planners) planner.stop();
        await new Promise((resolve) => this.server.close(resolve));
        fs.rmSync(path.dirname(this.socket), { recursive: true, force: true });
    }
}
