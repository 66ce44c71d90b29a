/** Renders an offline plan as a resource tree, one JSON document, Kubernetes YAML, or a config diff. */
import { stringify } from "yaml";
import type { Plan, PlannedResource } from "./harness";
import { classifyChanges, ResourceChange } from "./replace";

// ----------------------------------------------------------------------------------------------------------
// tree
// ----------------------------------------------------------------------------------------------------------

export function renderTree(plan: Plan): string {
    const children = new Map<string | undefined, PlannedResource[]>();
    for (const r of plan.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const rows: [string, string][] = [];
    const walk = (parent: string | undefined, prefix: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            rows.push([`${prefix}${branch}${r.type}`, r.name]);
            walk(r.urn, parent === undefined ? "" : prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    const width = Math.max(...rows.map(([left]) => left.length));
    const lines = rows.map(([left, name]) => `${left.padEnd(width)}  ${name}`);

    const counts = new Map<string, number>();
    for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    lines.push("", `Resources: ${plan.resources.length} to create (stack ${plan.stack})`);
    for (const [type, n] of [...counts].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${String(n).padStart(4)}  ${type}`);
    return lines.join("\n");
}

// ----------------------------------------------------------------------------------------------------------
// json
// ----------------------------------------------------------------------------------------------------------

export interface Violation {
    readonly policy: string;
    readonly level: string;
    readonly urn: string;
    readonly message: string;
}

/** Secrets travel through the mocks as `{4dabf18193072939515e22adb298388d: "1b47061264138c4ac30d75fd1eb44270", value}`. */
function unwrapSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

export function planDocument(plan: Plan, violations?: readonly Violation[]): Record<string, unknown> {
    const doc: Record<string, unknown> = {
        project: plan.project,
        stack: plan.stack,
        resources: plan.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            provider: r.provider ?? null,
            providers: r.providers,
            custom: r.custom,
            protect: r.protect,
            dependencies: r.dependencies,
            inputs: unwrapSecrets(r.inputs),
        })),
        outputs: unwrapSecrets(plan.outputs),
    };
    // A team stack's plan says whose planned outputs its StackReference read.
    if (plan.platform) doc.platform = { name: plan.platform.name, stack: plan.platform.stack };
    if (violations) doc.violations = violations;
    return doc;
}

/** A plan document that is not in the `--format json` shape: one line naming the file, the field and the problem. */
export class PlanDocumentError extends Error {
    constructor(message: string) {
        super(message);
        // Reported like invalid config: one line, exit 2.
        this.name = "ConfigError";
    }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The type and name in a URN `urn:pulumi:<stack>::<project>::<parent types$type>::<name>`. */
function urnTypeAndName(urn: string): { type?: string; name?: string } {
    const parts = urn.split("::");
    if (!urn.startsWith("urn:pulumi:") || parts.length < 4) return {};
    const types = parts[2];
    return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

/**
 * Reads a plan document in the `--format json` shape (as `planDocument` writes it, edited, or produced by another
 * tool) back into a plan. Required per resource: `urn`; `type` and `name` default to the URN's, `inputs` to `{}`,
 * `dependencies` to `[]`. Every problem is reported at once.
 */
export function parsePlanDocument(text: string, source: string, stack: string): Plan {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new PlanDocumentError(`${source} is not valid JSON (${(err as Error).message.replace(/\s+/g, " ").trim()})`);
    }
    if (!isObject(doc)) throw new PlanDocumentError(`${source} must be a JSON object with a resources array`);
    if (!Array.isArray(doc.resources)) throw new PlanDocumentError(`${source}: resources must be an array of resources`);
    const problems: string[] = [];
    const optionalString = (r: Record<string, unknown>, key: string, at: string) => {
        if (r[key] !== undefined && r[key] !== null && typeof r[key] !== "string") problems.push(`${at}.${key} must be a string`);
    };
    const resources = doc.resources.map((raw, i): PlannedResource => {
        const at = `resources[${i}]`;
        if (!isObject(raw)) {
            problems.push(`${at} must be an object`);
            return undefined as unknown as PlannedResource;
        }
        if (typeof raw.urn !== "string" || raw.urn === "") problems.push(`${at}.urn must be a non-empty string`);
        const fromUrn = typeof raw.urn === "string" ? urnTypeAndName(raw.urn) : {};
        const type = typeof raw.type === "string" ? raw.type : fromUrn.type;
        const name = typeof raw.name === "string" ? raw.name : fromUrn.name;
        if (raw.type === undefined && type === undefined) problems.push(`${at}.type is missing and the urn names no type`);
        for (const key of ["type", "name", "parent", "provider"]) optionalString(raw, key, at);
        if (raw.inputs !== undefined && !isObject(raw.inputs)) problems.push(`${at}.inputs must be an object`);
        if (raw.dependencies !== undefined && !(Array.isArray(raw.dependencies) && raw.dependencies.every((d) => typeof d === "string"))) {
            problems.push(`${at}.dependencies must be an array of URNs`);
        }
        if (raw.providers !== undefined && raw.providers !== null && !isObject(raw.providers)) problems.push(`${at}.providers must be an object`);
        return {
            urn: raw.urn as string,
            type: type as string,
            name: name ?? "",
            parent: typeof raw.parent === "string" ? raw.parent : undefined,
            provider: typeof raw.provider === "string" ? raw.provider : undefined,
            providers: (isObject(raw.providers) ? raw.providers : {}) as Record<string, string>,
            custom: raw.custom !== false,
            protect: raw.protect === true,
            inputs: (isObject(raw.inputs) ? raw.inputs : {}) as Record<string, unknown>,
            dependencies: (Array.isArray(raw.dependencies) ? raw.dependencies : []) as string[],
        };
    });
    if (problems.length > 0) throw new PlanDocumentError(`${source}: ${problems.join("; ")}`);
    const project = typeof doc.project === "string" ? doc.project : "";
    return { project, stack, config: {}, resources, outputs: isObject(doc.outputs) ? doc.outputs : {} };
}

/** The human-readable policy report: a count, then violations by level. */
export function renderViolations(report: { readonly violations: readonly Violation[]; readonly policyCount: number }): string {
    const lines = [`Policies: ${report.policyCount} evaluated, ${report.violations.length} violation(s)`];
    for (const level of ["mandatory", "advisory"]) {
        const list = report.violations.filter((v) => v.level === level);
        if (!list.length) continue;
        lines.push(`  ${level} (${list.length}):`);
        for (const v of list) lines.push(`    [${v.policy}] ${v.urn}\n      ${v.message}`);
    }
    return lines.join("\n");
}

// ----------------------------------------------------------------------------------------------------------
// yaml: Kubernetes objects as they would be applied
// ----------------------------------------------------------------------------------------------------------

/** Kubernetes object types registered through the Kubernetes provider (not Helm releases or YAML bundles). */
export function isKubernetesObject(r: PlannedResource): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && !r.type.startsWith("kubernetes:yaml/");
}

/** The Kubernetes objects of a plan (those `include` selects), as they would be applied. */
export function kubernetesObjects(plan: Plan, include: (r: PlannedResource) => boolean = () => true): Record<string, unknown>[] {
    return plan.resources
        .filter((r) => isKubernetesObject(r) && include(r))
        .map((r) => {
            const { apiVersion, kind, metadata, ...rest } = unwrapSecrets(r.inputs) as Record<string, unknown>;
            return { apiVersion, kind, metadata, ...rest };
        });
}

export function renderYamlObjects(objects: readonly Record<string, unknown>[]): string {
    return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join("");
}

export function renderYaml(plan: Plan): string {
    return renderYamlObjects(kubernetesObjects(plan));
}

// ----------------------------------------------------------------------------------------------------------
// outputs, as `pulumi preview` prints them
// ----------------------------------------------------------------------------------------------------------

function outputValue(value: unknown, indent: string): string {
    if (value === "[secret]") return "[secret]";
    if (typeof value === "string") return JSON.stringify(value);
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) {
        if (value.length === 0) return "[]";
        const inner = `${indent}    `;
        return `[\n${value.map((v, i) => `${inner}[${i}]: ${outputValue(v, inner)}`).join("\n")}\n${indent}]`;
    }
    if (typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 0) return "{}";
        return `{\n${outputEntries(entries, `${indent}    `)}\n${indent}}`;
    }
    return String(value);
}

/** One line per key, names padded to the longest so that the colons align, as the CLI's property printer does. */
function outputEntries(entries: readonly [string, unknown][], indent: string): string {
    const width = Math.max(...entries.map(([k]) => k.length));
    return [...entries]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${indent}${k.padEnd(width)}: ${outputValue(v, indent)}`)
        .join("\n");
}

/** The stack outputs block of `pulumi preview`: `Outputs:`, then each output sorted by name. */
export function renderOutputs(outputs: Record<string, unknown>): string {
    const entries = Object.entries(unwrapSecrets(outputs) as Record<string, unknown>);
    return entries.length ? `Outputs:\n${outputEntries(entries, "    ")}` : "Outputs: none";
}

// ----------------------------------------------------------------------------------------------------------
// diff
// ----------------------------------------------------------------------------------------------------------

export type { ChangeOp, FieldChange, ResourceChange } from "./replace";

/** What `pulumi preview` would report between two plans of the same program (replacements and refusals included). */
export function diffPlans(before: Plan, after: Plan): ResourceChange[] {
    return classifyChanges(before, after);
}

const SIGNS: Record<ResourceChange["op"], string> = { create: "+", update: "~", replace: "+-", delete: "-" };

export function renderDiff(changes: readonly ResourceChange[], assignment: string): string {
    const lines = [`Changes if ${assignment}:`];
    for (const c of changes) {
        const inside = c.within ? ` (inside ${c.within.slice(c.within.lastIndexOf("::") + 2)})` : "";
        const because = c.replaceReasons ? ` [replace: ${c.replaceReasons.join(", ")}]` : "";
        lines.push(`  ${SIGNS[c.op]} ${c.type} ${c.name}${inside}${because}`);
        for (const f of c.changes) lines.push(`      ${f.path}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`);
        if (c.refused) lines.push(`      error: ${c.refused}`);
    }
    lines.push(`${changes.length} resource(s) would change`);
    const replaced = changes.filter((c) => c.op === "replace").length;
    if (replaced > 0) lines.push(`${replaced} of them would be replaced (+-): deleted and created anew`);
    const refused = changes.filter((c) => c.refused).length;
    if (refused > 0) lines.push(`error: ${refused} step(s) would be refused; the preview fails`);
    return lines.join("\n");
}
