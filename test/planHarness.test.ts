/**
 * The offline plan's own behaviour as a language host (plan/harness.ts), beyond what the platform's plans show.
 */
import * as path from "path";
import { failureError, requestPlan } from "./planService/client";

describe("a program that fails while it is still registering", () => {
    test("fails with the input's error once it has settled: the registrations still in progress are recorded first", async () => {
        const answer = await requestPlan({ stack: "test", config: {}, program: path.join(__dirname, "fixtures/failingWhileRegistering.ts") });
        expect(answer.ok).toBe(false);
        if (answer.ok) return;
        const err = failureError(answer.error);
        expect(err.message).toMatch(/this input fails/);
        // late-0 … late-9, registered one by one over a hundred turns of the event loop after the failure, while an
        // input that never resolves keeps an RPC open: a settle that stopped at the first quiet moment, or at the
        // first rejection, would miss the later ones; one that waited for every RPC would wait out its bound.
        const topics = err.registered.filter((t) => t === "aws:sns/topic:Topic");
        expect(topics).toHaveLength(10);
    });
});
