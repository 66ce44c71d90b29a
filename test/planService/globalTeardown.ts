/** Jest global teardown: stops the plan service's planners and removes its socket. */
import type { PlanService } from "./service";

export default async function globalTeardown(): Promise<void> {
    await (globalThis as { planService?: PlanService }).planService?.stop();
}
