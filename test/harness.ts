/**
 * The shared test harness: offline plans of the real program (the same `runPlan` as `npm run plan`),
 * cached per config within a test file, and small lookups that fail loudly.
 */
import { Plan, PlannedResource, find, ofType, runPlan } from "../plan/harness";

export { find, ofType };
export type { Plan, PlannedResource };

export const STACKS = ["dev", "stage", "prod"] as const;

// Each isolated load brings a fresh copy of the Pulumi SDK, and each copy adds its own process exit hooks:
// expected here (one per plan), so the default limit of 10 listeners would only warn about a non-leak.
process.setMaxListeners(0);

/** Jest's registry caches modules; each plan needs the program (and its SDK copies) evaluated afresh. */
export function loadIsolated(program: string): unknown {
    let exported: unknown;
    jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = require(program);
    });
    return exported;
}

const cache = new Map<string, Promise<Plan>>();
let queue: Promise<unknown> = Promise.resolve();

/** Plans a stack (with `key=value` overrides); identical requests share one run. */
export function plan(stack: string, ...set: string[]): Promise<Plan> {
    const key = JSON.stringify([stack, set]);
    let p = cache.get(key);
    if (!p) {
        // Runs are serialized: the SDK's runtime state is global to the process.
        p = queue.then(() => runPlan({ stack, set, load: loadIsolated }));
        queue = p.catch(() => undefined);
        cache.set(key, p);
    }
    return p;
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

/** Runs a plan that must fail, and returns the error. */
export async function planError(stack: string, ...set: string[]): Promise<Error> {
    try {
        await runPlan({ stack, set, load: loadIsolated });
    } catch (err) {
        return err as Error;
    }
    throw new Error(`expected the plan of ${stack} with ${set.join(" ")} to fail`);
}

/** The URN of the provider a resource names (`<urn>::<id>` reference), or undefined. */
export function providerUrn(r: PlannedResource): string | undefined {
    return r.provider === undefined ? undefined : r.provider.slice(0, r.provider.lastIndexOf("::"));
}
