/**
 * Synthetic plans for policy tests: resources built by hand (no program run), evaluated through the same offline
 * evaluator `npm run plan -- --policy` and `npm run policy` use.
 */
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyPackConfig, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { Plan, PlannedResource } from "../plan/harness";
import { evaluatePolicies, policySettings } from "../plan/policy";
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

/** A copy made in the test's own realm: the proxy wraps only `instanceof Object` values, which structuredClone's are not under jest. */
function copy(value: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/**
 * What the engine sends for a computed string during `pulumi preview` (a value that depends on an output not known
 * yet): @pulumi/policy's `unknownStringValue` sentinel, which its analyzer's proxy turns into an UnknownValueError.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Violations of one policy during a preview, as the policy SDK's analyzer runs it (server.js): every resource's props
 * and its provider's props wrapped in `unknownCheckingProxy`, so that reading an UNKNOWN throws UnknownValueError.
 * The offline evaluator has no unknowns (a plan is fully known); this calls the policy directly. An error the
 * policy does not handle propagates (the SDK would report the policy as unable to run during the preview).
 */
export function previewMessages(policy: ResourceValidationPolicy | StackValidationPolicy, resources: PlannedResource[], settings?: Record<string, unknown>): string[] {
    const all = planOf(resources).resources;
    const byUrn = new Map(all.map((r) => [r.urn, r]));
    const getConfig = <T extends object>() => policySettings(policy.configSchema, settings) as T;
    const notApplicable = (): never => {
        throw new Error("not applicable");
    };
    const described = all
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r): PolicyResource => {
            const provider = r.provider ? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
            return {
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: unknownCheckingProxy(copy(r.inputs)) as Record<string, unknown>,
                opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
                ...(provider ? { provider: { type: provider.type, name: provider.name, urn: provider.urn, props: unknownCheckingProxy(copy(provider.inputs)) as Record<string, unknown> } } : {}),
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            } as PolicyResource;
        });
    const found: string[] = [];
    const report = (message: string) => void found.push(message);
    if ("validateStack" in policy) {
        policy.validateStack({ resources: described, stackTags: new Map(), getConfig, notApplicable } as StackValidationArgs, report);
        return found;
    }
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const r of described) {
        for (const validate of validations) validate({ ...r, stackTags: new Map(), getConfig, notApplicable } as unknown as ResourceValidationArgs, report);
    }
    return found;
}
