/**
 * One planner process of the test plan service: loads the Pulumi SDK once and runs offline plans on request
 * (over the IPC channel its parent opened), the same `runPlan` as `npm run plan`. Each plan re-requires the
 * project's own modules (`runPlan`'s default loader), so plans do not share program state; the SDK and provider
 * packages are loaded once per process, which is what makes a plan take a fraction of a second instead of seconds.
 */
import { runPlan } from "../../plan/harness";
import type { PlanRequest, PlanReply } from "./protocol";

// Plans run one at a time: the SDK's runtime state is global to the process.
let queue: Promise<void> = Promise.resolve();
process.on("message", (message: { id: number; request: PlanRequest }) => {
    const { id, request } = message;
    queue = queue.then(() =>
        runPlan(request).then(
            (plan) => reply({ id, ok: true, plan }),
            (err: Error & { registered?: string[] }) =>
                reply({ id, ok: false, error: { name: err.name, message: err.message, registered: err.registered ?? [] } }),
        ),
    );
});

function reply(message: PlanReply): void {
    // The run may have ended while this plan was computing (a warm-up nobody asked for, say): nobody to tell.
    if (process.connected) process.send?.(message);
}

// The parent is the only reason to live: without it, leave at once.
process.on("disconnect", () => process.exit(0));
