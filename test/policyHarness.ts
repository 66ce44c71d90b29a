/**
 * Synthetic plans for policy tests: resources built by hand (no program run), evaluated through the same offline
 * evaluator `npm run plan -- --policy` and `npm run policy` use.
 */
import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Plan, PlannedResource } from "../plan/harness";
import { evaluatePolicies } from "../plan/policy";
import type { Violation } from "../plan/render";


export const STACK_URN = "urn:pulumi:test::eks-platform::pulumi:pulumi:Stack::eks-platform-test";
export const K8S_PROVIDER_URN = "urn:pulumi:test::eks-platform::pulumi:providers:kubernetes::cluster-k8s";

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::eks-platform::${type}::${name}`;
}

export interface Extra {
    readonly provider?: string;
    readonly parent?: string;
    readonly custom?: boolean;
    /** Resources this one depends on (their URNs), as the engine records inputs taken from their outputs. */
    readonly dependsOn?: readonly PlannedResource[];
}

export function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Extra = {}): PlannedResource {
    const k8s = type.startsWith("kubernetes:");
    return {
        urn: urnOf(type, name),
        type,
        name,
        parent: extra.parent ?? STACK_URN,
        provider: extra.provider ?? (k8s ? `${K8S_PROVIDER_URN}::cluster-k8s-id` : undefined),
        providers: {},
        custom: extra.custom ?? true,
        protect: false,
        inputs,
        dependencies: (extra.dependsOn ?? []).map((d) => d.urn),
    } as PlannedResource;
}

export function planOf(resources: PlannedResource[]): Plan {
    const stack = resource("pulumi:pulumi:Stack", "eks-platform-test", {}, { parent: "", custom: false });
    const provider = {
        ...resource("pulumi:providers:kubernetes", "cluster-k8s", { kubeconfig: "{}" }),
        urn: K8S_PROVIDER_URN,
    } as PlannedResource;
    return { project: "eks-platform", stack: "test", config: {}, resources: [{ ...stack, urn: STACK_URN, parent: undefined }, provider, ...resources], outputs: {} };
}

/** Violations of one policy over some resources (pack default level, the policy's config defaults unless given). */
export async function check(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    resources: PlannedResource[],
    settings?: Record<string, unknown>,
): Promise<Violation[]> {
    const config: PolicyPackConfig = settings ? { [policy.name]: settings } : {};
    return (await evaluatePolicies(planOf(resources), { policies: [policy], config })).violations;
}

export async function messages(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PlannedResource[], settings?: Record<string, unknown>) {
    return (await check(policy, resources, settings)).map((v) => v.message);
}
