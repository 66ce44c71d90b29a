/**
 * What an offline plan is: the resources a program registered and its outputs, and lookups in it. Kept apart from
 * the harness that computes plans, so that reading a plan (the tests, the renderers) does not load the Pulumi SDK.
 */

export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** URN of the parent resource (the stack for top-level resources). */
    readonly parent: string | undefined;
    /** Provider reference `<urn>::<id>`, if the resource names one. */
    readonly provider: string | undefined;
    /** Providers by package, for components (multi-language components such as `eks:index:Cluster` take them this way). */
    readonly providers: Record<string, string>;
    readonly custom: boolean;
    readonly protect: boolean;
    readonly inputs: Record<string, unknown>;
    /** URNs this resource depends on (dependsOn and the resources its inputs came from). */
    readonly dependencies: readonly string[];
    /**
     * Names of the transform functions passed with the resource (they act on the children a multi-language
     * component creates, which the offline plan never sees); names, so that a plan stays plain JSON.
     */
    readonly transforms?: readonly string[];
    /** Earlier URNs this resource takes over (`aliases` given as URNs), when it has any. */
    readonly aliases?: readonly string[];
    /** Per top-level input, the resources its value came from (what `pulumi preview` marks unknown when they are replaced). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    /** `aliases` given as specs: the parts of the old identity that differ from today's name, type and parent. */
    readonly aliasSpecs?: readonly PlannedAlias[];
    /** The `customTimeouts` option (durations such as "45m"), when it sets any. */
    readonly customTimeouts?: Readonly<{ create?: string; update?: string; delete?: string }>;
    /** The `retainOnDelete` option, when true: deleting the resource from the stack leaves it in the cloud. */
    readonly retainOnDelete?: true;
    /** What a component passed to `registerOutputs` (the SDK registers `{}` for one that never calls it). */
    readonly outputs?: Record<string, unknown>;
}

export interface PlannedAlias {
    readonly name?: string;
    readonly type?: string;
    readonly stack?: string;
    readonly project?: string;
    readonly parentUrn?: string;
    readonly noParent?: boolean;
}

export interface Plan {
    readonly project: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    /** Config keys holding secure values (offline, their plaintext is the placeholder `[secret]`). */
    readonly secretKeys?: readonly string[];
    readonly resources: readonly PlannedResource[];
    /** Stack outputs as `pulumi stack output` shows them: secret values (also nested ones) read `[secret]`. */
    readonly outputs: Record<string, unknown>;
    /**
     * The outputs unmasked, with the names of those holding a secret (as the engine reports them to a
     * StackReference): what another stack's plan reads from this one.
     */
    readonly rawOutputs?: Record<string, unknown>;
    readonly secretOutputNames?: readonly string[];
    /**
     * For a stack that reads a platform stack (`platformStack`): that stack's qualified name, its plan's stack, and
     * what the platform stack's plan exports (what the StackReference returned).
     */
    readonly platform?: { readonly name: string; readonly stack: string; readonly outputs?: Record<string, unknown> };
}

/** Resources of one type, in registration order. */
export function ofType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one resource of a type and name; throws when there is none or more than one. */
export function find(plan: Plan, type: string, name: string): PlannedResource {
    const matches = plan.resources.filter((r) => r.type === type && r.name === name);
    if (matches.length !== 1) {
        throw new Error(`Expected one ${type} named ${name}, found ${matches.length}: ${ofType(plan, type).map((r) => r.name).join(", ")}`);
    }
    return matches[0];
}
