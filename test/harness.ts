/**
 * The shared test harness: offline plans of the real program (the same `runPlan` as `npm run plan`),
 * computed once per test run by the plan service, and small lookups that fail loudly.
 */
import { Plan, PlannedResource, find, ofType } from "../plan/model";
import { failureError, requestPlan, usedBy } from "./planService/client";
import type { PlanAnswer, PlanRequest } from "./planService/protocol";

export { find, ofType };
export type { Plan, PlannedResource };

export const STACKS = ["dev", "stage", "prod"] as const;

const cache = new Map<string, Promise<PlanAnswer>>();

/**
 * Plans a stack (with `key=value` overrides), or another program with a given config. The plan service started
 * by jest's global setup (`planService/`) computes each distinct request once per `npm test` run and shares it
 * between test files; identical requests within a file share one promise.
 */
export function plan(stack: string, ...set: string[]): Promise<Plan> {
    return planRequest({ stack, set });
}

/** Plans a stack as run by `caller` (an IAM role or user ARN) instead of the stack's first admin deployer. */
export function planAs(caller: string, stack: string, ...set: string[]): Promise<Plan> {
    return planRequest({ stack, set, caller });
}

/** Plans a stack of another project (its directory, e.g. `bootstrap/`), with `key=value` overrides. */
export function planProject(root: string, stack: string, ...set: string[]): Promise<Plan> {
    return planRequest({ root, stack, set });
}

/** Runs a plan of another project that must fail, and returns the error. */
export async function planProjectError(root: string, stack: string, ...set: string[]): Promise<Error> {
    const answer = usedBy(await requestPlan({ root, stack, set }));
    if (answer.ok) throw new Error(`expected the plan of ${root} ${stack} with ${set.join(" ")} to fail`);
    return failureError(answer.error);
}

/** Plans `program` (a fixture) with exactly `config`, as `runPlan({ program, config })` would. */
export function planProgram(program: string, stack: string, config: Record<string, string>): Promise<Plan> {
    return planRequest({ stack, config, program });
}

async function planRequest(request: PlanRequest): Promise<Plan> {
    const key = JSON.stringify(request);
    let p = cache.get(key);
    if (!p) {
        p = requestPlan(request);
        cache.set(key, p);
    }
    // Every caller counts as a user of the plan (mutation testing's per-test coverage: see planService/mutation.ts).
    const answer = usedBy(await p);
    if (!answer.ok) throw failureError(answer.error);
    return answer.plan;
}

/** The inputs of the one resource of `type` named `name`. */
export function inputsOf(p: Plan, type: string, name: string): Record<string, any> {
    return find(p, type, name).inputs as Record<string, any>;
}

/** Kubernetes objects of a kind (custom resources included), by `metadata.name`. */
export function k8sObjects(p: Plan, kind: string): Record<string, any>[] {
    return p.resources
        .filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`) && r.custom)
        .map((r) => r.inputs as Record<string, any>);
}

/** Runs a plan that must fail, and returns the error (with `registered`, the types registered before it). */
export async function planError(stack: string, ...set: string[]): Promise<Error & { registered: readonly string[] }> {
    return planErrorAs(undefined, stack, ...set);
}

/** Like `planError`, run as `caller` (default: the stack's first admin deployer). */
export async function planErrorAs(caller: string | undefined, stack: string, ...set: string[]): Promise<Error & { registered: readonly string[] }> {
    const answer = usedBy(await requestPlan({ stack, set, ...(caller !== undefined ? { caller } : {}) }));
    if (answer.ok) throw new Error(`expected the plan of ${stack} with ${set.join(" ")} to fail`);
    return failureError(answer.error);
}

/** The URN of the provider a resource names (`<urn>::<id>` reference), or undefined. */
export function providerUrn(r: PlannedResource): string | undefined {
    return r.provider === undefined ? undefined : r.provider.slice(0, r.provider.lastIndexOf("::"));
}
