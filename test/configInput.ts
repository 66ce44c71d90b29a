/**
 * Config-level test helpers: a stack's raw config as the program receives it (keys without the project prefix,
 * every value a string), edited key by key or field by field, and what `parseStackConfig` makes of it.
 */
import { ConfigError, StackConfig, parseStackConfig } from "../config";
import { stackConfig } from "../plan/stackConfig";

export const PROJECT = "eks-platform";

/** The stack's raw config with `key=value` overrides, as the program sees it. */
export function rawConfig(stack: string, ...set: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig(stack, set))) {
        if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
    }
    return out;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * `key=<json>`: the stack's value of a structured key with the field at `path` replaced by `value` (or removed,
 * for `undefined`; missing parents are created). `path` [] replaces the whole value.
 */
export function withField(stack: string, key: string, path: readonly (string | number)[], value: Json | undefined): string {
    const root = JSON.parse(rawConfig(stack)[key]) as Json;
    if (path.length === 0) return `${key}=${JSON.stringify(value)}`;
    let node = root as Record<string | number, Json>;
    path.slice(0, -1).forEach((p, i) => {
        // A field the stack file leaves out is created on the way: an object, or a list before an index.
        node[p] ??= typeof path[i + 1] === "number" ? [] : {};
        node = node[p] as Record<string | number, Json>;
    });
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = value;
    return `${key}=${JSON.stringify(root)}`;
}

/** The problems `parseStackConfig` reports for the stack with overrides ([] when it parses). */
export function problemsOf(stack: string, ...set: string[]): string[] {
    try {
        parseStackConfig(rawConfig(stack, ...set), PROJECT, stack);
        return [];
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return [...err.problems];
    }
}

/** The parsed config; throws (with the problems) when it is refused. */
export function parsedConfig(stack: string, ...set: string[]): StackConfig {
    return parseStackConfig(rawConfig(stack, ...set), PROJECT, stack);
}
