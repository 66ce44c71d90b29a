/**
 * Jest global setup: starts the plan service before any test file runs, and warms it with the three stacks as
 * shipped (nearly every test file reads them). Workers find it through the environment they inherit.
 */
import { PlanService } from "./service";
import { PLAN_SERVICE_ENV } from "./protocol";

export default async function globalSetup(): Promise<void> {
    // Two planners: this machine (and CI) has two cores, and jest's workers mostly wait on plans.
    const service = new PlanService(2);
    await service.listen();
    process.env[PLAN_SERVICE_ENV] = service.socket;
    (globalThis as { planService?: PlanService }).planService = service;
    for (const stack of ["prod", "dev", "stage"]) void service.plan({ stack });
}
