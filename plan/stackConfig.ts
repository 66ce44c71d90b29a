/**
 * Stack config exactly as the Pulumi CLI hands it to the program, for the offline plan: `Pulumi.<stack>.yaml`
 * read and namespaced (`LoadProjectStackBytes`, `stackConfigNamespacedWithProject`), `--set` assignments applied
 * as `pulumi config set --path` applies them, then the project's declarations merged in and checked
 * (`pkg/workspace/config.go` mergeConfig: defaults, required keys, declared types, secrets), and every value
 * turned into the string the program receives (`Value.Value` / `marshalText`).
 *
 * Offline there is no key to decrypt `secure:` values: each stands in as the placeholder `[secret]` (a
 * `--set` on the same key or path gives a real value instead).
 */
import * as fs from "fs";
import * as path from "path";
import {
    Ciphertext,
    ConfigObject,
    ConfigValueError,
    ConfigValues,
    containsSecret,
    getConfig,
    isConfigMap,
    parseCliKey,
    parseKey,
    programText,
    setConfig,
    topLevelFromYaml,
    typeCheckContent,
} from "./configValue";
import { ConfigDeclaration, fullTypeName, loadProject, namespacedByProject, Project, ProjectError, validateConfigValue } from "./project";
import { readYamlFile, YamlFileError } from "./yamlFile";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** What stands in for a secure value the offline plan cannot decrypt. */
export const SECRET_PLACEHOLDER = "[secret]";

export class UnknownStackError extends Error {
    constructor(stack: string, readonly stacks: string[]) {
        super(`Unknown stack ${JSON.stringify(stack)}; stacks: ${stacks.join(", ")}`);
        this.name = "UnknownStackError";
    }
}

/**
 * Input the user must fix before a plan can run (a stack file, Pulumi.yaml, an assignment, a key the CLI would
 * refuse). The message is one line; the offline plan prints it and exits 2, as `pulumi preview` would stop.
 */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

/** The stack's config as the program receives it. */
export interface ResolvedConfig {
    /** `<namespace>:<key>` → the exact string the program reads. */
    readonly config: Record<string, string>;
    /** Keys whose value is (or holds) a secret, as the CLI reports them to the program. */
    readonly secretKeys: string[];
    /** What `pulumi preview` would warn about (one line each). */
    readonly warnings: string[];
}

export function projectName(root = PROJECT_ROOT): string {
    return readProject(root).name;
}

function readProject(root: string): Project {
    try {
        return loadProject(root);
    } catch (err) {
        if (err instanceof ProjectError || err instanceof YamlFileError) throw new StackConfigError(err.message);
        throw err;
    }
}

/** Stacks are the `Pulumi.<stack>.yaml` files next to `Pulumi.yaml`. */
export function listStacks(root = PROJECT_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Reads a stack file as `LoadProjectStackBytes` does: an empty file is a stack without config; a key without
 * namespace gets the project's (`activeColor: green` means `<project>:activeColor`); a key with no value is "".
 */
export function readStackFile(file: string, project: string): { values: ConfigValues; warnings: string[] } {
    const name = path.basename(file);
    let doc: unknown;
    try {
        doc = readYamlFile(file);
    } catch (err) {
        if (err instanceof YamlFileError) throw new StackConfigError(err.message);
        throw err;
    }
    const values: ConfigValues = new Map();
    // As `LoadProjectStackBytes`: an empty file is a stack with no config, so every key takes its default.
    const noConfig = [`note: ${name} sets no config: every key takes its Pulumi.yaml default`];
    if (doc === null || doc === undefined) return { values, warnings: noConfig };
    if (!isConfigMap(doc as ConfigObject)) throw new StackConfigError(`${name}: expected a map with a config: section, found ${Array.isArray(doc) ? "a list" : typeof doc}`);
    const config = (doc as Record<string, unknown>).config;
    if (config === undefined || config === null) return { values, warnings: noConfig };
    if (!isConfigMap(config as ConfigObject)) throw new StackConfigError(`${name}: config must be a map of keys to values`);

    const empty: string[] = [];
    const origin = new Map<string, string>();
    for (const [written, raw] of Object.entries(config as Record<string, unknown>)) {
        const namespaced = written.includes(":") ? written : `${project}:${written}`;
        let key: string;
        try {
            const k = parseKey(namespaced);
            key = `${k.namespace}:${k.name}`;
        } catch (err) {
            throw new StackConfigError(`${name}: ${(err as Error).message}`);
        }
        // Both spellings of one key in one file: the CLI keeps whichever its map iteration meets last, at random.
        if (origin.has(key)) {
            throw new StackConfigError(`${name}: config key '${key}' is given twice (as '${origin.get(key)}' and '${written}'); keep one`);
        }
        origin.set(key, written);
        if (raw === null || raw === undefined) empty.push(key);
        values.set(key, topLevelFromYaml(raw));
    }
    const warnings = empty.length
        ? [
              `warning: No value for configuration key${empty.length > 1 ? "s" : ""} ${empty
                  .sort()
                  .map((k) => `"${k}"`)
                  .join(empty.length === 2 ? " and " : ", ")}. This is currently treated as an empty string \`""\`, but will be treated as \`null\` in a future version of pulumi. Set the value${empty.length > 1 ? "s" : ""} to \`""\` to avoid this warning.`,
          ]
        : [];
    return { values, warnings };
}

/**
 * Splits `key=value` at the first `=` outside a quoted path segment (`tags["a=b"]=c`), and checks its shape.
 */
export function splitAssignment(assignment: string): [string, string] {
    let inQuotes = false;
    for (let i = 0; i < assignment.length; i++) {
        const c = assignment[i];
        if (c === "\\" && inQuotes) i++;
        else if (c === '"') inQuotes = !inQuotes;
        else if (c === "=" && !inQuotes) {
            if (i === 0) break;
            return [assignment.slice(0, i), assignment.slice(i + 1)];
        }
    }
    throw new StackConfigError(`expected key=value (a config key or path such as services[0].image.green, then =, then the value), got ${JSON.stringify(assignment)}`);
}

/** The declaration of the project key a path (`services[0].image.green`) starts with, if any. */
function rootDeclaration(project: Project, key: string): ConfigDeclaration | undefined {
    const { namespace, name } = parseKey(key);
    if (namespace !== project.name) return undefined;
    const root = name.split(/[[.]/)[0];
    return project.config[root] ?? project.config[`${namespace}:${root}`];
}

/**
 * Applies one `key=value` as `pulumi config set --path key value` would: a key without namespace is the
 * project's; at the top level the value is stored as text; on a deeper path "true"/"false" and integers are
 * coerced. One convenience over the CLI: at the top level of a key declared `object` or `array`, the value is
 * JSON and replaces the whole structure, as writing it in the stack file would.
 */
export function applyAssignment(values: ConfigValues, assignment: string, project: Project): void {
    const [written, text] = splitAssignment(assignment);
    try {
        const key = parseCliKey(written, project.name, true);
        const decl = rootDeclaration(project, key);
        const topLevel = !/[[.]/.test(parseKey(key).name);
        if (topLevel && decl && (decl.type === "object" || decl.type === "array")) {
            let parsed: unknown;
            try {
                parsed = JSON.parse(text);
            } catch (err) {
                throw new ConfigValueError(`${written} is declared as ${fullTypeName(decl.type, decl.items)}: give it as JSON (${(err as Error).message})`);
            }
            setConfig(values, key, jsonToConfig(parsed), true);
        } else {
            setConfig(values, key, text, true);
        }
    } catch (err) {
        if (err instanceof ConfigValueError) throw new StackConfigError(`--set ${assignment}: ${err.message}`);
        throw err;
    }
}

function jsonToConfig(v: unknown): ConfigObject {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (Array.isArray(v)) return v.map(jsonToConfig);
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") return new Ciphertext(entries[0][1]);
    return Object.fromEntries(entries.map(([k, x]) => [k, jsonToConfig(x)]));
}

/** `formatMissingKeys`: 'a'; 'a' and 'b'; 'a', 'b' and 'c'. */
function formatMissingKeys(keys: string[]): string {
    if (keys.length === 1) return `'${keys[0]}'`;
    const sorted = [...keys].sort();
    return sorted.map((k, i) => (i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `)).join("");
}

/** The key a declaration applies to: its own namespace, or the project's. */
function declaredKey(project: Project, declared: string): string {
    const k = declared.includes(":") ? parseKey(declared) : { namespace: project.name, name: declared };
    return `${k.namespace}:${k.name}`;
}

/**
 * `mergeConfig` with validation: declared defaults (and values of other namespaces) fill keys the stack does not
 * set; declared keys with neither are required; declared types and `secret: true` are checked. Secure values
 * cannot be decrypted offline: a string-typed one is accepted (the CLI would type-check its plaintext), other
 * scalar types must be given with --set. Every problem is reported, in the CLI's words.
 */
export function mergeProjectConfig(stack: string, project: Project, values: ConfigValues): void {
    const keys = Object.keys(project.config).sort();
    const missing: string[] = [];
    for (const declared of keys) {
        const decl = project.config[declared];
        const key = declaredKey(project, declared);
        const found = getConfig(values, key, true).found;
        const hasDefault = decl.default !== undefined && decl.default !== null;
        const hasValue = decl.value !== undefined && decl.value !== null;
        if (!found && !hasValue && !hasDefault && parseKey(key).namespace === project.name) {
            missing.push(declared);
            continue;
        }
        if (!found && (hasValue || hasDefault)) {
            // `createConfigValue`: strings, integers and booleans as text, anything else as a structure.
            const raw = hasDefault ? decl.default : decl.value;
            const value =
                typeof raw === "string" || typeof raw === "boolean" || (typeof raw === "number" && Number.isInteger(raw)) || typeof raw === "bigint"
                    ? String(raw)
                    : jsonToConfig(JSON.parse(JSON.stringify(raw, (_k, x) => (typeof x === "bigint" ? Number(x) : x))));
            setConfig(values, key, value, true);
        }
    }
    if (missing.length) {
        throw new StackConfigError(`Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatMissingKeys(missing)}`);
    }

    const problems: string[] = [];
    for (const declared of keys) {
        const decl = project.config[declared];
        const { value } = getConfig(values, declaredKey(project, declared), true);
        if (decl.secret && !containsSecret(value)) {
            problems.push(`Stack '${stack}' with configuration key '${declared}' must be encrypted as it's secret`);
            continue;
        }
        // Only project keys may declare a type (Project.Validate refuses one elsewhere).
        if (decl.type === undefined || !namespacedByProject(project.name, declared)) continue;
        if (value instanceof Ciphertext) {
            if (decl.type === "string") continue;
            if (decl.type === "integer" || decl.type === "boolean") {
                problems.push(
                    `Stack '${stack}' configuration key '${declared}' is a secure value the offline plan cannot decrypt; give its ${decl.type} value with --set ${declared}=<value>`,
                );
                continue;
            }
            // An object or list must be a structure: a secure value decrypts to text, which the CLI refuses below.
        }
        if (!validateConfigValue(decl.type, decl.items, typeCheckContent(value, () => SECRET_PLACEHOLDER))) {
            problems.push(`Stack '${stack}' with configuration key '${declared}' must be of type '${fullTypeName(decl.type, decl.items)}'`);
        }
    }
    if (problems.length) throw new StackConfigError(problems.join("; "));
}

/**
 * The stack's config as `pulumi preview` would hand it to the program, after `overrides` (`key=value`, path
 * syntax) — with the warnings the CLI would print and the keys it reports as secret.
 */
export function resolveStackConfig(stack: string, overrides: readonly string[] = [], root = PROJECT_ROOT): ResolvedConfig {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) throw new UnknownStackError(stack, stacks);
    const project = readProject(root);
    const { values, warnings } = readStackFile(path.join(root, `Pulumi.${stack}.yaml`), project.name);
    for (const assignment of overrides) applyAssignment(values, assignment, project);
    mergeProjectConfig(stack, project, values);

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const key of [...values.keys()].sort()) {
        const value = values.get(key)!;
        try {
            config[key] = programText(value, () => SECRET_PLACEHOLDER);
        } catch (err) {
            if (err instanceof ConfigValueError) throw new StackConfigError(`config key '${key}': ${err.message}`);
            throw err;
        }
        if (containsSecret(value)) secretKeys.push(key);
    }
    return { config, secretKeys, warnings };
}

/** The full config map for a stack (keys `<namespace>:<key>`, values the strings the program receives). */
export function stackConfig(stack: string, overrides: readonly string[] = [], root = PROJECT_ROOT): Record<string, string> {
    return resolveStackConfig(stack, overrides, root).config;
}

/**
 * `Pulumi.yaml` defaults as the program would receive them for a stack that sets nothing, keyed
 * `<namespace>:<key>` (`createConfigValue`: text for scalars, JSON for structures).
 */
export function projectDefaults(root = PROJECT_ROOT): Record<string, string> {
    const project = readProject(root);
    const values: ConfigValues = new Map();
    mergeProjectConfig("defaults", project, values);
    return Object.fromEntries([...values].filter(([k]) => k.startsWith(`${project.name}:`)).map(([k, v]) => [k, programText(v, () => SECRET_PLACEHOLDER)]));
}
