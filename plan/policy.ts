/**
 * Offline CrossGuard: evaluates every resource and stack policy of the pack in `policies/` against an offline plan,
 * the way the Pulumi CLI's policy analyzer would during `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<stack>.json`:
 *
 * - enforcement level per policy: the policy's own entry in the config file, else the file's `all`, else the
 *   policy's `enforcementLevel`, else the pack's; `disabled` policies do not run;
 * - `getConfig()` returns the policy's `configSchema` defaults overlaid with its config file entry (the CLI fills
 *   defaults in; the SDK does not), after validating the file against each schema;
 * - resource policies get the resource's inputs as `props` (secrets unwrapped), its options and provider, and
 *   `isType`/`asType` that compare a class's `__pulumiType`; `notApplicable()` ends a validation quietly;
 * - stack policies get every resource with its parent, dependencies and provider linked.
 *
 * The pack's `index.ts` is never loaded here: constructing a `PolicyPack` starts the analyzer's gRPC server.
 */
import * as fs from "fs";
import * as path from "path";
import type {
    EnforcementLevel,
    Policies,
    PolicyConfigSchema,
    PolicyPackConfig,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { PACK_ENFORCEMENT_LEVEL, allPolicies } from "../policies/all";
import type { Plan, PlannedResource } from "./harness";
import type { Violation } from "./render";

/** Per-stack policy config files, usable as `--policy-pack-config`. */
export const POLICY_CONFIG_DIR = path.resolve(__dirname, "..", "policies", "config");

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const STACK_TYPE = "pulumi:pulumi:Stack";
/** The marker the SDK's serializer leaves on secret values. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

type Policy = ResourceValidationPolicy | StackValidationPolicy;

export interface PolicyReport {
    readonly violations: Violation[];
    /** Policies that ran (every policy whose level is not `disabled`). */
    readonly policyCount: number;
}

export interface EvaluationOptions {
    /** Policies to evaluate; default the whole pack. */
    readonly policies?: Policies;
    /** Policy pack config; default `policies/config/<stack>.json` (none: every policy at its default level). */
    readonly config?: PolicyPackConfig;
    /** Level of policies that neither the config nor the policy sets; default the pack's. */
    readonly packEnforcementLevel?: EnforcementLevel;
}

/**
 * An invalid policy pack config file. Named `ConfigError` so that the plan CLI reports it like invalid stack config:
 * one line, exit 2.
 */
export class PolicyConfigError extends Error {
    constructor(readonly problems: readonly string[], source: string) {
        super(`Invalid policy pack config ${source}: ${problems.join("; ")}`);
        this.name = "ConfigError";
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------------------------------

/** `policies/config/<stack>.json`, or an empty config when the stack has no file. */
export function loadPolicyConfig(stack: string, dir = POLICY_CONFIG_DIR): PolicyPackConfig {
    const file = path.join(dir, `${stack}.json`);
    if (!fs.existsSync(file)) return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PolicyConfigError([`not valid JSON (${(err as Error).message})`], path.relative(process.cwd(), file));
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new PolicyConfigError(["must be a JSON object"], path.relative(process.cwd(), file));
    }
    return parsed as PolicyPackConfig;
}

function typeOfJson(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

/** The subset of JSON Schema policy config schemas use: type, enum, const, bounds, pattern, items. */
function schemaProblems(schema: PolicyConfigJSONSchema, value: unknown, at: string): string[] {
    const problems: string[] = [];
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        const actual = typeOfJson(value);
        if (!types.some((t) => t === actual || (t === "number" && actual === "integer"))) return [`${at} must be ${types.join(" or ")}, got ${JSON.stringify(value)}`];
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${at} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
    }
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) problems.push(`${at} must be ${JSON.stringify(schema.const)}`);
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at} must be ≥ ${schema.minimum}, got ${value}`);
        if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at} must be ≤ ${schema.maximum}, got ${value}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at} must have at least ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at} must have at most ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) problems.push(`${at} must match ${schema.pattern}, got ${JSON.stringify(value)}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at} must have at least ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at} must have at most ${schema.maxItems} items`);
        const items = schema.items;
        if (items !== undefined && typeof items === "object" && !Array.isArray(items)) {
            value.forEach((v, i) => problems.push(...schemaProblems(items, v, `${at}[${i}]`)));
        }
    }
    return problems;
}

/** Every problem of a policy pack config against the pack's policies and their config schemas. */
export function policyConfigProblems(policies: Policies, config: PolicyPackConfig): string[] {
    const byName = new Map<string, Policy>(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    const levelProblem = (key: string, level: unknown) =>
        typeof level === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(level)
            ? []
            : [`${key}: enforcement level must be one of ${ENFORCEMENT_LEVELS.join(", ")}, got ${JSON.stringify(level)}`];
    for (const [key, value] of Object.entries(config)) {
        if (key === "all") {
            problems.push(...levelProblem("all", typeof value === "object" && value !== null ? value.enforcementLevel : value));
            continue;
        }
        const policy = byName.get(key);
        if (!policy) {
            problems.push(`unknown policy '${key}'`);
            continue;
        }
        if (typeof value === "string") {
            problems.push(...levelProblem(key, value));
            continue;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
            problems.push(`${key}: must be an enforcement level or an object`);
            continue;
        }
        const { enforcementLevel, ...settings } = value;
        if (enforcementLevel !== undefined) problems.push(...levelProblem(key, enforcementLevel));
        const properties = policy.configSchema?.properties ?? {};
        for (const [setting, v] of Object.entries(settings)) {
            const schema = properties[setting];
            if (schema === undefined) problems.push(`${key}.${setting}: unknown setting (known: ${Object.keys(properties).join(", ") || "none"})`);
            else if (typeof schema === "object") problems.push(...schemaProblems(schema, v, `${key}.${setting}`));
        }
        for (const required of policy.configSchema?.required ?? []) {
            if (!(required in settings) && (properties[required] as PolicyConfigJSONSchema | undefined)?.default === undefined) {
                problems.push(`${key}.${required}: required`);
            }
        }
    }
    return problems;
}

/** The level a policy runs at under a config: its own entry, else `all`, else its own level, else the pack's. */
export function enforcementLevelOf(policy: Policy, config: PolicyPackConfig, packLevel: EnforcementLevel = PACK_ENFORCEMENT_LEVEL): EnforcementLevel {
    const own = config[policy.name];
    const all = config.all;
    return (
        (typeof own === "string" ? own : own?.enforcementLevel) ??
        (typeof all === "string" ? all : all?.enforcementLevel) ??
        policy.enforcementLevel ??
        packLevel
    );
}

/** What `args.getConfig()` returns: the schema's defaults, overlaid with the policy's entry in the config. */
export function policySettings(schema: PolicyConfigSchema | undefined, entry: PolicyPackConfig[string] | undefined): Record<string, unknown> {
    const defaults = Object.entries(schema?.properties ?? {}).flatMap(([k, s]) =>
        typeof s === "object" && s.default !== undefined ? [[k, structuredClone(s.default)] as const] : [],
    );
    const { enforcementLevel: _level, ...values } = typeof entry === "object" && entry !== null ? entry : {};
    return { ...Object.fromEntries(defaults), ...structuredClone(values) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------------------------------

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason ?? "not applicable");
}

/** Plain values as the analyzer sees them: secrets unwrapped, a fresh copy the policy cannot share with the plan. */
function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plainValue);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SECRET_SIG] === SECRET_VALUE) return plainValue(obj.value);
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plainValue(v)]));
    }
    return value;
}

interface ResourceClass {
    readonly __pulumiType?: unknown;
    readonly isInstance?: (obj: unknown) => boolean;
}

/** `isType` as the analyzer implements it: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
    if (typeof resourceClass.__pulumiType === "string" && resourceClass.__pulumiType.length > 0) return resourceClass.__pulumiType === type;
    return typeof resourceClass.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

/** The type and name in a URN `urn:pulumi:<stack>::<project>::<parent types$type>::<name>`. */
function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const types = parts[2] ?? "";
    return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

function options(r: PlannedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
    };
}

/** The plan, indexed once for every policy. */
class PlanIndex {
    readonly byUrn: Map<string, PlannedResource>;
    readonly props = new Map<string, Record<string, unknown>>();

    constructor(readonly plan: Plan) {
        this.byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    }

    propsOf(r: PlannedResource): Record<string, unknown> {
        let props = this.props.get(r.urn);
        if (!props) {
            props = plainValue(r.inputs) as Record<string, unknown>;
            this.props.set(r.urn, props);
        }
        // Each policy gets its own copy: a policy that mutates its arguments cannot affect another.
        return structuredClone(props);
    }

    /** The provider a resource names (`<urn>::<id>`), as the analyzer describes it. */
    providerOf(r: PlannedResource): PolicyProviderResource | undefined {
        if (!r.provider) return undefined;
        const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        const provider = this.byUrn.get(urn);
        if (provider) return { type: provider.type, name: provider.name, urn, props: this.propsOf(provider) };
        return { ...urnParts(urn), urn, props: {} };
    }

    get stackUrn(): string {
        return this.plan.resources.find((r) => r.type === STACK_TYPE)?.urn ?? "";
    }
}

type AsType = ResourceValidationArgs["asType"] & PolicyResource["asType"];

/** What a resource policy and a stack policy both see of one resource: its identity, props, options and provider. */
function describedResource(index: PlanIndex, r: PlannedResource) {
    const props = index.propsOf(r);
    const provider = index.providerOf(r);
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: options(r),
        isType: (cls: unknown) => isTypeOf(r.type, cls as ResourceClass),
        asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as AsType,
        ...(provider ? { provider } : {}),
    };
}

function resourceArgs(index: PlanIndex, r: PlannedResource, settings: Record<string, unknown>): ResourceValidationArgs {
    return {
        ...describedResource(index, r),
        stackTags: new Map(),
        getConfig: <T extends object>() => structuredClone(settings) as T,
        notApplicable,
    };
}

function stackResources(index: PlanIndex): PolicyResource[] {
    const resources = index.plan.resources.map((r): PolicyResource => ({ ...describedResource(index, r), dependencies: [], propertyDependencies: {} }));
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    index.plan.resources.forEach((r, i) => {
        if (r.parent && byUrn.has(r.parent)) resources[i].parent = byUrn.get(r.parent);
        resources[i].dependencies = r.dependencies.flatMap((d) => (byUrn.has(d) ? [byUrn.get(d) as PolicyResource] : []));
    });
    return resources;
}

// ---------------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------------

function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function validationsOf(p: ResourceValidationPolicy): ResourceValidation[] {
    const v = p.validateResource;
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A policy that throws (other than `notApplicable`) fails the whole evaluation, as it fails `pulumi preview`. */
async function run(policy: string, where: string, fn: () => Promise<void> | void): Promise<void> {
    try {
        await fn();
    } catch (err) {
        if (err instanceof NotApplicable) return;
        throw new Error(`policy ${policy} failed on ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
}

/** Evaluates the pack (or `options.policies`) against a plan with the stack's policy config. */
/**
 * The policy config of a plan: its stack's `policies/config/<stack>.json`, or for a team stack its platform stack's
 * (the same levels), with the one fact that lives in the platform stack rather than in the team's plan: whether the
 * cluster's CNI enforces NetworkPolicies (the contract's `networkPolicyEnforced`).
 */
export function policyConfigFor(plan: Plan, dir = POLICY_CONFIG_DIR): PolicyPackConfig {
    if (!plan.platform) return loadPolicyConfig(plan.stack, dir);
    const config = loadPolicyConfig(plan.platform.stack, dir);
    const contract = plan.platform.outputs?.platformContract as { networkPolicyEnforced?: unknown } | undefined;
    if (contract?.networkPolicyEnforced !== true) return config;
    const own = config["network-policy-enforced"];
    const entry = typeof own === "string" ? { enforcementLevel: own } : { ...(own ?? {}) };
    return { ...config, "network-policy-enforced": { ...entry, enforcedByAnotherCni: true } };
}

export async function evaluatePolicies(plan: Plan, options: EvaluationOptions = {}): Promise<PolicyReport> {
    const policies = (options.policies ?? allPolicies) as Policy[];
    const config = options.config ?? policyConfigFor(plan);
    const problems = policyConfigProblems(policies, config);
    if (problems.length > 0) throw new PolicyConfigError(problems, options.config ? "(given)" : `policies/config/${plan.platform?.stack ?? plan.stack}.json`);

    const active = policies
        .map((policy) => ({ policy, level: enforcementLevelOf(policy, config, options.packEnforcementLevel) }))
        .filter(({ level }) => level !== "disabled")
        // A violation that survives remediation is reported as mandatory, as the analyzer does.
        .map(({ policy, level }) => ({ policy, level: level === "remediate" ? "mandatory" : level, settings: policySettings(policy.configSchema, config[policy.name]) }));

    const index = new PlanIndex(plan);
    const violations: Violation[] = [];

    for (const r of plan.resources) {
        if (r.type === STACK_TYPE) continue;
        for (const { policy, level, settings } of active) {
            if (isStackPolicy(policy)) continue;
            for (const validation of validationsOf(policy)) {
                const only = (validation as { __pulumiType?: unknown }).__pulumiType;
                if (typeof only === "string" && only !== r.type) continue;
                const report: ReportViolation = (message) => violations.push({ policy: policy.name, level, urn: r.urn, message });
                await run(policy.name, r.urn, () => validation(resourceArgs(index, r, settings), report));
            }
        }
    }

    for (const { policy, level, settings } of active) {
        if (!isStackPolicy(policy)) continue;
        const args: StackValidationArgs = {
            resources: stackResources(index),
            stackTags: new Map(),
            getConfig: <T extends object>() => structuredClone(settings) as T,
            notApplicable,
        };
        const report: ReportViolation = (message, urn) => violations.push({ policy: policy.name, level, urn: urn ?? index.stackUrn, message });
        await run(policy.name, "the stack", () => policy.validateStack(args, report));
    }

    return { violations, policyCount: active.length };
}
