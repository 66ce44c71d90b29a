/**
 * Config keys and values as the Pulumi CLI holds them between the stack file and the program. Ported from
 * pulumi/pulumi `sdk/go/common/resource/config` (`key.go` ParseKey, `value.go`/`object.go` for the value model,
 * `map.go` Map.Get/Set with paths, `plaintext.go` marshalText) and `pkg/cmd/pulumi/config/io.go` parseConfigKey.
 *
 * A stack's config is a map from `<namespace>:<name>` to a value. A top-level value is either text (what
 * `pulumi config set` stores, and what a YAML scalar in the stack file becomes) or an object (a YAML map or list,
 * kept structured). Secure values (`{secure: <ciphertext>}`) may sit at the top or anywhere inside an object.
 */
import { formatPropertyPath, parsePropertyPath, PropertyPath, PropertyPathError } from "./propertyPath";

/** A secure value as stored in the stack file. The offline plan has no key to decrypt it. */
export class Ciphertext {
    constructor(readonly ciphertext: string) {}
}

/** One node of a config value: Go's `object` (bool, int64/uint64 as number or bigint, float64, string, secret, list, map, nil). */
export type ConfigObject = string | number | bigint | boolean | null | Ciphertext | ConfigObject[] | ConfigMap;
export interface ConfigMap {
    [key: string]: ConfigObject;
}

/** A config error the user must fix, phrased as the CLI phrases it. */
export class ConfigValueError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigValueError";
    }
}

export function isConfigMap(v: unknown): v is ConfigMap {
    return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Ciphertext);
}

/** `Value.Object()`: the value is kept as a structure (a list, a map, or a nested nil), not as text. */
export function isStructured(v: ConfigObject): boolean {
    return v === null || Array.isArray(v) || isConfigMap(v);
}

/** `Value.Secure()`: a secure value, or a structure holding one. */
export function containsSecret(v: ConfigObject): boolean {
    if (v instanceof Ciphertext) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (isConfigMap(v)) return Object.values(v).some(containsSecret);
    return false;
}

// ---------------------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------------------

/** `config.ParseKey`: `<namespace>:<name>`, or the legacy `<namespace>:config:<name>`. */
export function parseKey(s: string): { namespace: string; name: string } {
    const colons = s.split(":").length - 1;
    if (colons === 1) {
        const i = s.indexOf(":");
        return { namespace: s.slice(0, i), name: s.slice(i + 1) };
    }
    if (colons === 2) {
        const [pkg, mod, name] = s.split(":");
        if (mod === "config" && pkg !== "" && name !== "") return { namespace: pkg, name };
    }
    throw new ConfigValueError(`could not parse ${s} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
}

/**
 * `parseConfigKey` of `pulumi config set`: a key without namespace belongs to the project; with `--path` only the
 * first segment (up to the first `.` or `[`) is a key, the rest is a path inside its value.
 */
export function parseCliKey(key: string, project: string, path: boolean): string {
    if (path) {
        const i = key.search(/[[.]/);
        if (i > 0) {
            const top = parseCliKey(key.slice(0, i), project, false);
            return top + key.slice(i);
        }
    }
    const parsed = parseKey(key.includes(":") ? key : `${project}:${key}`);
    return `${parsed.namespace}:${parsed.name}`;
}

/** `parseKeyPath`: the path inside a key's name, and the map key of its first segment. */
function parseKeyPath(key: string): { path: (string | number)[]; rootKey: string } {
    const { namespace, name } = parseKey(key);
    let path: (string | number)[];
    try {
        path = parsePropertyPath(name, true);
    } catch (err) {
        if (err instanceof PropertyPathError) throw new ConfigValueError(`invalid config key path: ${err.message}`);
        throw err;
    }
    if (path.length === 0) throw new ConfigValueError("empty config key path");
    const first = path[0];
    if (typeof first !== "string") throw new ConfigValueError("first path segement of config key must be a string");
    if (first === "") throw new ConfigValueError("config key is empty");
    return { path, rootKey: `${namespace}:${first}` };
}

// ---------------------------------------------------------------------------------------------------------
// Text values: what `pulumi config set` stores and how a path set coerces it
// ---------------------------------------------------------------------------------------------------------

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function integer(n: bigint): number | bigint {
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/**
 * `coerce` (object.go): on a path, "true"/"false" become booleans and base-10 integers without a leading zero
 * become numbers; everything else stays a string ("1.9.1", "01", "1.5").
 */
export function coerce(text: string): ConfigObject {
    if (text === "true") return true;
    if (text === "false") return false;
    if (text.length > 1 && text[0] === "0") return text;
    if (/^[+-]?[0-9]+$/.test(text)) {
        const n = BigInt(text);
        if (n >= INT64_MIN && n <= INT64_MAX) return integer(n);
        if (n >= 0n && n <= UINT64_MAX && !text.startsWith("-")) return integer(n);
    }
    return text;
}

// ---------------------------------------------------------------------------------------------------------
// Path get and set (map.go Map.Get / Map.Set, object.go object.Get / object.Set)
// ---------------------------------------------------------------------------------------------------------

export type ConfigValues = Map<string, ConfigObject>;

function getIn(value: ConfigObject, path: PropertyPath): { found: boolean; value: ConfigObject } {
    let v = value;
    for (const key of path) {
        if (Array.isArray(v)) {
            if (typeof key !== "number" || key < 0 || key >= v.length) return { found: false, value: null };
            v = v[key];
        } else if (isConfigMap(v)) {
            if (typeof key !== "string" || !(key in v)) return { found: false, value: null };
            v = v[key];
        } else {
            return { found: false, value: null };
        }
    }
    return { found: true, value: v };
}

/** Text for a nested scalar taken out of an object (`object.marshalValue`): numbers and booleans become JSON text. */
function asTopLevel(v: ConfigObject): ConfigObject {
    if (typeof v === "boolean" || typeof v === "number" || typeof v === "bigint") return goJson(v);
    return v;
}

/** `Map.Get(key, path)`: the value at a (possibly path) key, and whether it is there. */
export function getConfig(values: ConfigValues, key: string, path: boolean): { found: boolean; value: ConfigObject } {
    if (!path) return values.has(key) ? { found: true, value: values.get(key)! } : { found: false, value: null };
    const { path: p, rootKey } = parseKeyPath(key);
    if (!values.has(rootKey)) return { found: false, value: null };
    const root = values.get(rootKey)!;
    if (p.length === 1) return { found: true, value: root };
    const got = getIn(root, p.slice(1));
    return got.found ? { found: true, value: asTopLevel(got.value) } : got;
}

function newContainer(accessor: string | number): ConfigObject {
    return typeof accessor === "number" ? new Array<ConfigObject>(accessor + 1).fill(null) : {};
}

const SECURE_RESERVED = 'maps with the single key "secure" are reserved';

/** `object.Set`: sets `path` under `holder[slot]`; `prefix` is the path so far, for error messages. */
function setIn(holder: { v: ConfigObject }, prefix: (string | number)[], path: PropertyPath, value: ConfigObject): void {
    if (path.length === 0) {
        holder.v = value;
        return;
    }
    const current = holder.v;
    if (!Array.isArray(current) && !isConfigMap(current)) {
        if (current === null || prefix.length === 1) {
            // Upstream COMPAT: a scalar at the first level is replaced by a new container rather than refused.
            holder.v = newContainer(path[0]);
        } else {
            throw new ConfigValueError(`${formatPropertyPath(prefix)}: ${typeof path[0] === "number" ? "expected an array" : "expected a map"}`);
        }
    }
    const here = [...prefix, path[0]];
    const container = holder.v;
    if (Array.isArray(container)) {
        const index = path[0];
        if (typeof index !== "number") throw new ConfigValueError(`${formatPropertyPath(here)}: key for an array must be an int`);
        if (index < 0 || index > container.length) throw new ConfigValueError(`${formatPropertyPath(here)}: array index out of range`);
        if (index === container.length) container.push(null);
        const elem = { v: container[index] };
        setIn(elem, here, path.slice(1), value);
        container[index] = elem.v;
        return;
    }
    const map = container as ConfigMap;
    const key = path[0];
    if (typeof key !== "string") throw new ConfigValueError(`${formatPropertyPath(here)}: key for a map must be a string`);
    if (path.length === 1 && Object.keys(map).length === 0 && key === "secure" && typeof value === "string") {
        throw new ConfigValueError(SECURE_RESERVED);
    }
    const elem = { v: key in map ? map[key] : null };
    setIn(elem, here, path.slice(1), value);
    map[key] = elem.v;
}

/**
 * `Map.Set(key, value, path)`. With a path of one segment the text is stored as given (top-level values are
 * always strings); deeper, it is coerced (`coerce`) unless it is already structured.
 */
export function setConfig(values: ConfigValues, key: string, value: ConfigObject, path: boolean): void {
    if (!path) {
        values.set(key, value);
        return;
    }
    const { path: p, rootKey } = parseKeyPath(key);
    if (p.length === 1) {
        values.set(rootKey, value);
        return;
    }
    const nested = typeof value === "string" ? coerce(value) : value;
    const holder = { v: values.has(rootKey) ? clone(values.get(rootKey)!) : newContainer(p[1]) };
    setIn(holder, p.slice(0, 1), p.slice(1), nested);
    values.set(rootKey, holder.v);
}

export function clone(v: ConfigObject): ConfigObject {
    if (Array.isArray(v)) return v.map(clone);
    if (isConfigMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
    return v;
}

// ---------------------------------------------------------------------------------------------------------
// From YAML, to the program
// ---------------------------------------------------------------------------------------------------------

/** `unmarshalObject`: a parsed YAML value as a config object; `{secure: "<text>"}` alone is a secure value. */
export function fromYaml(v: unknown): ConfigObject {
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") return v;
    if (typeof v === "bigint") {
        if (v >= INT64_MIN && v <= UINT64_MAX) return integer(v);
        return Number(v);
    }
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.map(fromYaml);
    if (typeof v === "object") {
        const entries = Object.entries(v as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") return new Ciphertext(entries[0][1]);
        return Object.fromEntries(entries.map(([k, x]) => [k, fromYaml(x)]));
    }
    throw new ConfigValueError(`unexpected config value of type ${typeof v}`);
}

/**
 * A stack file's top-level value as the CLI stores it: scalars become their text (`true`, `20`, `1.5`), YAML
 * null becomes "" (the CLI warns about it), maps and lists stay structured.
 */
export function topLevelFromYaml(v: unknown): ConfigObject {
    const o = fromYaml(v);
    if (o === null) return "";
    return asTopLevel(o);
}

/** Go's `encoding/json` string escaping, HTML-safe as `json.Marshal` is: `<`, `>`, `&`, U+2028, U+2029 escaped. */
function goString(s: string): string {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        const ch = s[i];
        if (ch === '"') out += '\\"';
        else if (ch === "\\") out += "\\\\";
        else if (ch === "\n") out += "\\n";
        else if (ch === "\r") out += "\\r";
        else if (ch === "\t") out += "\\t";
        else if (ch === "\b") out += "\\b";
        else if (ch === "\f") out += "\\f";
        else if (c < 0x20 || ch === "<" || ch === ">" || ch === "&" || c === 0x2028 || c === 0x2029) {
            out += `\\u${c.toString(16).padStart(4, "0")}`;
        } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
            out += ch + s[++i];
        } else if (c >= 0xd800 && c <= 0xdfff) {
            out += "\ufffd"; // a lone surrogate is invalid UTF-8, which Go replaces
        } else {
            out += ch;
        }
    }
    return `${out}"`;
}

/** Go sorts map keys by their UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * `json.Marshal` of a decrypted config value, byte for byte: map keys sorted, HTML characters escaped, integers
 * beyond 2^53 exact. (JavaScript and Go print float64 the same way: shortest round-trip form, exponent from 1e21
 * and below 1e-6.)
 */
export function goJson(v: ConfigObject, secret: (c: Ciphertext) => string = () => "[secret]"): string {
    if (v === null) return "null";
    if (typeof v === "string") return goString(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number") {
        if (!Number.isFinite(v)) throw new ConfigValueError(`json: unsupported value: ${v > 0 ? "+Inf" : v < 0 ? "-Inf" : "NaN"}`);
        return JSON.stringify(v);
    }
    if (v instanceof Ciphertext) return goString(secret(v));
    if (Array.isArray(v)) return `[${v.map((x) => goJson(x, secret)).join(",")}]`;
    const keys = Object.keys(v).sort(byUtf8);
    return `{${keys.map((k) => `${goString(k)}:${goJson(v[k], secret)}`).join(",")}}`;
}

/**
 * `Value.Value(decrypter)` / `Plaintext.marshalText`: the string the program receives. Text as is; a secure
 * value as its plaintext (here: the placeholder `secret` returns); a structure as JSON.
 */
export function programText(v: ConfigObject, secret: (c: Ciphertext) => string): string {
    if (typeof v === "string") return v;
    if (v instanceof Ciphertext) return secret(v);
    return goJson(v, secret);
}

/**
 * The plain JavaScript value a declared type is checked against (`validateStackConfigValue`): the text itself,
 * or for a structure the JSON-decoded value (secure leaves as their plaintext, here the placeholder).
 */
export function typeCheckContent(v: ConfigObject, secret: (c: Ciphertext) => string): unknown {
    const text = programText(v, secret);
    return isStructured(v) ? JSON.parse(text) : text;
}

/**
 * `object.MarshalString`: how a value is stored — its text, and whether it is secure and/or structured
 * (`config.NewValue`, `NewSecureValue`, `NewObjectValue`, `NewSecureObjectValue`). Secure leaves keep their
 * ciphertext as `{"secure": ...}`.
 */
export function storedForm(v: ConfigObject): { text: string; secure: boolean; object: boolean } {
    if (typeof v === "string") return { text: v, secure: false, object: false };
    if (v instanceof Ciphertext) return { text: v.ciphertext, secure: true, object: false };
    if (!isStructured(v)) return { text: goJson(v), secure: false, object: false };
    const stored = (x: ConfigObject): ConfigObject =>
        x instanceof Ciphertext ? { secure: x.ciphertext } : Array.isArray(x) ? x.map(stored) : isConfigMap(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, stored(y)])) : x;
    return { text: goJson(stored(v)), secure: containsSecret(v), object: true };
}
