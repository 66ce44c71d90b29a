/**
 * Jest global teardown: stops the plan service's planners and removes its socket (under mutation testing the
 * service outlives the run: see `globalSetup.ts`).
 */
import type { PlanService } from "./service";

export default async function globalTeardown(): Promise<void> {
    const holder = globalThis as { planService?: PlanService };
    await holder.planService?.stop();
    holder.planService = undefined;
}
