/**
 * Jest global setup: starts the plan service before any test file runs, and warms it with the three stacks as
 * shipped (nearly every test file reads them). Workers find it through the environment they inherit.
 *
 * Under mutation testing Stryker's jest runner calls jest once per mutant in one long-lived process, and marks its
 * jest config with `globals.__strykerGlobalNamespace__`: then one mutation-aware service (see `mutation.ts`) serves
 * every run of the process, started by the first and never stopped by the teardown, and nothing is warmed (each
 * mutant needs only the plans that reach it).
 */
import type { Config } from "@jest/types";
import { PlanService } from "./service";
import { PLAN_SERVICE_ENV } from "./protocol";

const SERVICE = Symbol.for("eks-platform.planService");

type Holder = { [SERVICE]?: PlanService; planService?: PlanService };

export function underMutationTesting(projectConfig: Config.ProjectConfig | undefined): boolean {
    return projectConfig?.globals?.__strykerGlobalNamespace__ !== undefined;
}

export default async function globalSetup(_: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
    const holder = globalThis as Holder;
    if (underMutationTesting(projectConfig)) {
        let service = holder[SERVICE];
        if (!service) {
            // One planner per Stryker test runner: jest runs in band there, so its tests ask for one plan at a time,
            // and Stryker's own concurrency (one runner per core) keeps the cores busy.
            service = new PlanService({ planners: 1, mutation: true });
            await service.listen();
            holder[SERVICE] = service;
        }
        process.env[PLAN_SERVICE_ENV] = service.socket;
        return;
    }
    // One planner: a plan takes well under a tenth of a second in a warm planner, and the two cores are busy with
    // jest's two workers and the type check. A second planner cost its start (loading the SDK and the providers)
    // and gained no wall time (measured with `npm run bench`).
    const service = new PlanService({ planners: 1 });
    await service.listen();
    process.env[PLAN_SERVICE_ENV] = service.socket;
    holder.planService = service;
    for (const stack of ["prod", "dev", "stage"]) void service.plan({ stack });
}
