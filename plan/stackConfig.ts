/**
 * Stack config as the Pulumi CLI would hand it to the program: `Pulumi.yaml` defaults, then
 * `Pulumi.<stack>.yaml`, then `--set` overrides, every value a string (structured values as JSON).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

interface ProjectFile {
    name: string;
    config?: Record<string, { default?: unknown } | unknown>;
}

interface StackFile {
    config?: Record<string, unknown>;
}

export class UnknownStackError extends Error {
    constructor(stack: string, readonly stacks: string[]) {
        super(`Unknown stack ${JSON.stringify(stack)}; stacks: ${stacks.join(", ")}`);
        this.name = "UnknownStackError";
    }
}

function readYaml<T>(file: string): T {
    return parse(fs.readFileSync(file, "utf8")) as T;
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

export function projectName(root = PROJECT_ROOT): string {
    return readYaml<ProjectFile>(path.join(root, "Pulumi.yaml")).name;
}

/** Stacks are the `Pulumi.<stack>.yaml` files next to `Pulumi.yaml`. */
export function listStacks(root = PROJECT_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Project-level defaults: `<key>: {default: ...}` entries of `Pulumi.yaml`'s `config:` block. */
export function projectDefaults(root = PROJECT_ROOT): Record<string, string> {
    const project = readYaml<ProjectFile>(path.join(root, "Pulumi.yaml"));
    const out: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (key.includes(":")) continue; // namespaced settings such as pulumi:disable-default-providers
        if (decl !== null && typeof decl === "object" && "default" in decl) {
            out[`${project.name}:${key}`] = encode((decl as { default: unknown }).default);
        }
    }
    return out;
}

/**
 * Splits `key=value` as `pulumi config set` would take it: `key` gets the project namespace unless it has
 * one; `value` is kept as written (a plain string, or JSON for objects and lists).
 */
export function parseAssignment(assignment: string, project: string): [string, string] {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new Error(`Expected key=value, got ${JSON.stringify(assignment)}`);
    const key = assignment.slice(0, eq).trim();
    return [key.includes(":") ? key : `${project}:${key}`, assignment.slice(eq + 1)];
}

/** The full config map for a stack (keys `<namespace>:<key>`, values strings). */
export function stackConfig(stack: string, overrides: readonly string[] = [], root = PROJECT_ROOT): Record<string, string> {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) throw new UnknownStackError(stack, stacks);
    const project = projectName(root);
    const config = projectDefaults(root);
    const stackFile = readYaml<StackFile>(path.join(root, `Pulumi.${stack}.yaml`));
    for (const [key, value] of Object.entries(stackFile.config ?? {})) config[key] = encode(value);
    for (const assignment of overrides) {
        const [key, value] = parseAssignment(assignment, project);
        config[key] = value;
    }
    return config;
}
