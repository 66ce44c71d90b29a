/**
 * `Pulumi.yaml` as the Pulumi CLI loads it (pulumi/pulumi `sdk/go/common/workspace/loaders.go` LoadProjectBytes,
 * `project.go` ValidateProject, RewriteShorthandConfigValues, Project.Validate, ValidateConfigValue) and the rules
 * of its JSON schema (`sdk/go/common/workspace/project.json`), written here from those rules, not copied.
 */
import * as fs from "fs";
import * as path from "path";
import { readYamlFile } from "./yamlFile";

/** The config `type`s the project schema allows (`$defs.simpleConfigType`; `object` since CLI 3.187). */
export const CONFIG_TYPES = ["string", "integer", "boolean", "array", "object"] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** `ProjectConfigItemsType`: the type of a list's items, possibly a list itself. */
export interface ItemsType {
    readonly type: string;
    readonly items?: ItemsType;
}

/** `ProjectConfigType`: one declared config key after shorthand values were rewritten. */
export interface ConfigDeclaration {
    readonly type?: string;
    readonly items?: ItemsType;
    readonly description?: string;
    /** `undefined` and `null` both mean "no default" to the CLI (`Default != nil`). */
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
}

export interface Project {
    readonly name: string;
    readonly config: Readonly<Record<string, ConfigDeclaration>>;
}

export class ProjectError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectError";
    }
}

const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default", "value"];

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describeType(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "bigint") return "integer";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

/** `$defs.configItemsType`: `type` required (a config type), `items` required when the type is `array`. */
function itemsTypeProblems(items: unknown, where: string): string[] {
    if (!isObject(items)) return [`${where}: expected object, but got ${describeType(items)}`];
    const problems: string[] = [];
    if (!("type" in items)) problems.push(`${where}: missing properties: 'type'`);
    else if (!(CONFIG_TYPES as readonly unknown[]).includes(items.type)) {
        problems.push(`${where}/type: value must be one of ${CONFIG_TYPES.map((t) => `"${t}"`).join(", ")}`);
    }
    if (items.type === "array" && !("items" in items)) problems.push(`${where}: missing properties: 'items'`);
    if ("items" in items) problems.push(...itemsTypeProblems(items.items, `${where}/items`));
    return problems;
}

/**
 * The project schema's rules for the `config` block: each entry is a string, an integer, a boolean, a list, or a
 * declaration object with only `type`, `items`, `description`, `secret`, `default`, `value`.
 */
function configSchemaProblems(config: unknown): string[] {
    if (config === null || config === undefined || typeof config === "string") return [];
    if (!isObject(config)) return [`#/config: expected object, string or null, but got ${describeType(config)}`];
    const problems: string[] = [];
    for (const [key, entry] of Object.entries(config)) {
        const where = `#/config/${key}`;
        // The schema lists one property of its own under config: `secret`, a boolean.
        if (key === "secret") {
            if (typeof entry !== "boolean") problems.push(`${where}: expected boolean, but got ${describeType(entry)}`);
            continue;
        }
        if (typeof entry === "string" || typeof entry === "boolean" || typeof entry === "bigint" || Array.isArray(entry)) continue;
        if (typeof entry === "number") {
            if (!Number.isInteger(entry)) problems.push(`${where}: a number must be an integer, or be declared as a {type, default} object`);
            continue;
        }
        if (!isObject(entry)) {
            problems.push(`${where}: expected a string, integer, boolean, array or a config type declaration, but got ${describeType(entry)}`);
            continue;
        }
        for (const field of Object.keys(entry)) {
            if (!DECLARATION_FIELDS.includes(field)) problems.push(`${where}: additionalProperties '${field}' not allowed`);
        }
        if ("type" in entry && !(CONFIG_TYPES as readonly unknown[]).includes(entry.type)) {
            problems.push(`${where}/type: value must be one of ${CONFIG_TYPES.map((t) => `"${t}"`).join(", ")}`);
        }
        if ("description" in entry && typeof entry.description !== "string") problems.push(`${where}/description: expected string`);
        if ("secret" in entry && typeof entry.secret !== "boolean") problems.push(`${where}/secret: expected boolean`);
        if ("items" in entry) problems.push(...itemsTypeProblems(entry.items, `${where}/items`));
    }
    return problems;
}

/** Problems the project schema finds in a parsed `Pulumi.yaml` (`ValidateProject`), as the CLI words them. */
export function projectSchemaProblems(raw: unknown): string[] {
    if (!isObject(raw)) return [`expected project to be an object, was '${describeType(raw)}'`];
    if (!("name" in raw)) return ["project is missing a 'name' attribute"];
    if (typeof raw.name !== "string" || raw.name === "") return ["project is missing a non-empty string 'name' attribute"];
    const problems: string[] = [];
    const runtime = raw.runtime;
    if ("runtime" in raw) {
        const ok =
            (typeof runtime === "string" && runtime.length > 0) ||
            (isObject(runtime) &&
                typeof runtime.name === "string" &&
                runtime.name.length > 0 &&
                Object.keys(runtime).every((k) => k === "name" || k === "options") &&
                (runtime.options === undefined || isObject(runtime.options)));
        if (!ok) problems.push("#/runtime: expected a runtime name, or {name, options}");
    }
    for (const field of ["description", "main", "stackConfigDir", "author", "website", "license"]) {
        if (field in raw && raw[field] !== null && typeof raw[field] !== "string") problems.push(`#/${field}: expected string or null`);
    }
    problems.push(...configSchemaProblems(raw.config));
    return problems;
}

/** `RewriteShorthandConfigValues`: `key: value` is a default for project keys, a value for other namespaces. */
function rewriteShorthand(name: string, config: Record<string, unknown>): Record<string, ConfigDeclaration> {
    const out: Record<string, ConfigDeclaration> = {};
    for (const [key, entry] of Object.entries(config)) {
        if (isObject(entry)) out[key] = entry as ConfigDeclaration;
        else out[key] = namespacedByProject(name, key) ? { default: entry } : { value: entry };
    }
    return out;
}

/** `configKeyIsNamespacedByProject`. */
export function namespacedByProject(project: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${project}:`);
}

/** `InferFullTypeName`: `array<string>`, `array<array<integer>>`. */
export function fullTypeName(type: string, items?: ItemsType): string {
    return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/**
 * `ValidateConfigValue`: whether a value fits a declared type. Strings count as integers when they parse as one
 * and as booleans when they are "true" or "false" (top-level config values are text); JSON numbers count as
 * integers when whole.
 */
export function validateConfigValue(type: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            if (typeof value === "number" || typeof value === "bigint") return Number.isInteger(Number(value));
            // Go's strconv.Atoi: optional sign, decimal digits, within int64.
            return typeof value === "string" && /^[+-]?[0-9]+$/.test(value) && BigInt(value) >= -(2n ** 63n) && BigInt(value) < 2n ** 63n;
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return isObject(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((item) => validateConfigValue(items.type, items.items, item));
    }
}

/** `Project.Validate`: the rules on declarations that the schema alone cannot express. */
export function projectDeclarationProblems(project: Project): string[] {
    const problems: string[] = [];
    for (const [key, decl] of Object.entries(project.config)) {
        const hasDefault = decl.default !== undefined && decl.default !== null;
        const hasValue = decl.value !== undefined && decl.value !== null;
        if (hasDefault && hasValue) {
            problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
            continue;
        }
        if (namespacedByProject(project.name, key)) {
            if (decl.type === "array" && decl.items === undefined) {
                problems.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
            } else if (decl.type !== undefined && hasDefault && !validateConfigValue(decl.type, decl.items, decl.default)) {
                problems.push(`The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(decl.type, decl.items)}'`);
            }
        } else if (decl.type !== undefined) {
            problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
        } else if (hasDefault) {
            problems.push(
                `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
            );
        } else if (!hasValue) {
            problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
    return problems;
}

/** Parses and checks a project file's text as `LoadProjectBytes` does; throws one `ProjectError` naming every problem. */
export function parseProject(raw: unknown, file: string): Project {
    const schema = projectSchemaProblems(raw);
    if (schema.length) throw new ProjectError(`could not validate '${file}': ${schema.join("; ")}`);
    const doc = raw as { name: string; config?: unknown };
    const project: Project = { name: doc.name, config: isObject(doc.config) ? rewriteShorthand(doc.name, doc.config) : {} };
    const problems = projectDeclarationProblems(project);
    if (problems.length) throw new ProjectError(`could not unmarshal '${file}': ${problems.join("; ")}`);
    return project;
}

/** Reads and checks `Pulumi.yaml` in `root`. */
export function loadProject(root: string): Project {
    const file = path.join(root, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new ProjectError(`no Pulumi.yaml in ${root}`);
    return parseProject(readYamlFile(file), path.basename(file));
}
