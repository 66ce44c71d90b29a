/**
 * The order `pulumi destroy` deletes a plan's resources in, ported from the Pulumi engine (pulumi/pulumi, 2026-08):
 *
 * - `DependencyGraph.DependenciesOf` (pkg/resource/graph/dependency_graph.go): a resource depends on its
 *   `dependencies` (dependsOn and the resources its inputs came from), its provider, its parent, and, for a dependency
 *   that is a component, that component's (transitive) children registered before it.
 * - `stepGenerator.ScheduleDeletes` (pkg/resource/deploy/step_generator.go): repeatedly take every condemned resource
 *   none of whose dependencies is still condemned (an antichain, deleted in parallel), then reverse the list: a
 *   resource is deleted only once everything that depends on it is gone.
 *
 * One addition for multi-language components (`eks:index:Cluster`, `awsx:ec2:Vpc`, ...), whose children the offline
 * plan never sees: the providers they are given count as their dependencies, as their children's would.
 */
import type { Plan, PlannedResource } from "./harness";

/** `<urn>::<id>` provider reference → URN. */
function providerUrn(reference: string): string {
    return reference.slice(0, reference.lastIndexOf("::"));
}

/** Every resource's direct dependencies, by URN, as the engine's `DependenciesOf` computes them. */
export function dependenciesOf(plan: Plan): Map<string, Set<string>> {
    const index = new Map(plan.resources.map((r, i) => [r.urn, i]));
    // Transitive children of every resource, as registration indexes (`NewDependencyGraph`'s `childrenOf`).
    const childrenOf = new Map<string, number[]>();
    plan.resources.forEach((r, i) => {
        let parent = r.parent;
        while (parent !== undefined) {
            childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), i]);
            const p = index.get(parent);
            parent = p === undefined ? undefined : plan.resources[p].parent;
        }
    });

    const graph = new Map<string, Set<string>>();
    plan.resources.forEach((r, cursor) => {
        const direct = new Set<string>(r.dependencies);
        if (r.provider) direct.add(providerUrn(r.provider));
        if (!r.custom) for (const ref of Object.values(r.providers)) direct.add(providerUrn(ref));
        const deps = new Set<string>();
        for (const urn of direct) {
            const i = index.get(urn);
            if (i === undefined) continue;
            deps.add(urn);
            const dep = plan.resources[i];
            if (!dep.custom) for (const child of childrenOf.get(urn) ?? []) if (child < cursor) deps.add(plan.resources[child].urn);
        }
        if (r.parent !== undefined && index.has(r.parent)) deps.add(r.parent);
        graph.set(r.urn, deps);
    });
    return graph;
}

/** The antichains `pulumi destroy` deletes, in order: every resource of one antichain goes before any of the next. */
export function destroySchedule(plan: Plan): PlannedResource[][] {
    const graph = dependenciesOf(plan);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const condemned = new Set(plan.resources.map((r) => r.urn));
    const antichains: PlannedResource[][] = [];
    while (condemned.size > 0) {
        const step = [...condemned].filter((urn) => ![...graph.get(urn)!].some((d) => condemned.has(d)));
        if (step.length === 0) throw new Error(`dependency cycle among ${[...condemned].join(", ")}`);
        for (const urn of step) condemned.delete(urn);
        antichains.push(step.map((urn) => byUrn.get(urn)!));
    }
    return antichains.reverse();
}

/** The antichain index at which each resource is deleted. */
export function destroyStep(plan: Plan): Map<string, number> {
    const steps = new Map<string, number>();
    destroySchedule(plan).forEach((chain, i) => chain.forEach((r) => steps.set(r.urn, i)));
    return steps;
}
