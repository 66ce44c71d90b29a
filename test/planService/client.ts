/** The jest workers' side of the test plan service (see `service.ts`). */
import * as http from "http";
import { activeMutant, recordCoverage } from "./mutation";
import { CliResult, CliTool, PLAN_SERVICE_ENV, PlanAnswer, PlanFailure, PlanRequest, ServiceAnswer, ServiceRequest } from "./protocol";

export async function requestPlan(request: PlanRequest): Promise<PlanAnswer> {
    return (await send(request)) as PlanAnswer;
}

/**
 * `npm run plan -- <argv>` (or, with `tool`, `npm run switch -- <argv>`) run by a planner: exit code and captured
 * output (see planner.ts, `runCli`).
 */
export async function requestCli(argv: readonly string[], tool: CliTool = "plan"): Promise<CliResult> {
    const answer = usedBy(await send(tool === "plan" ? { cli: argv } : { cli: argv, tool }));
    if (!("cli" in answer)) throw new Error(`the plan service answered the CLI request ${argv.join(" ")} with ${JSON.stringify(answer).slice(0, 200)}`);
    return answer.cli;
}

/**
 * Under mutation testing, records what the program reached while answering as covered by the test that is now
 * using the answer (see `mutation.ts`). Call it each time a test receives an answer, cached or not.
 */
export function usedBy<T extends ServiceAnswer>(answer: T): T {
    recordCoverage(answer.coverage);
    return answer;
}

export async function send(request: ServiceRequest): Promise<ServiceAnswer> {
    const socketPath = process.env[PLAN_SERVICE_ENV];
    if (!socketPath) throw new Error(`${PLAN_SERVICE_ENV} is not set: run the tests through jest (its global setup starts the plan service)`);
    // Under mutation testing the planner must run the program with this test's mutant.
    const mutant = activeMutant();
    const body = mutant === undefined ? request : { ...request, mutant };
    // A request is idempotent (the service answers identical requests once), so a connection the loaded machine
    // dropped is simply tried again.
    for (let attempt = 1; ; attempt++) {
        try {
            return await post(socketPath, body);
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (attempt >= 3 || !["EPIPE", "ECONNRESET", "ECONNREFUSED"].includes(code ?? "")) throw err;
        }
    }
}

function post(socketPath: string, request: ServiceRequest): Promise<ServiceAnswer> {
    return new Promise((resolve, reject) => {
        // One connection per request (agent: false): Node's default agent keeps sockets alive, and a request
        // written on a socket the service is just closing for idleness fails with EPIPE.
        const req = http.request({ socketPath, path: "/plan", method: "POST", agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (body += chunk));
            res.on("end", () => resolve(JSON.parse(body) as ServiceAnswer));
            res.on("error", reject);
        });
        req.on("error", reject);
        req.end(JSON.stringify(request));
    });
}

/** A planner's failure, rebuilt as the Error `runPlan` threw (with the types it had registered). */
export function failureError(failure: PlanFailure): Error & { registered: readonly string[] } {
    const err = new Error(failure.message) as Error & { registered: readonly string[] };
    err.name = failure.name;
    err.registered = failure.registered;
    return err;
}
