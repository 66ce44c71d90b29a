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
    if (violations) doc.violations = violations;
    return doc;
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
