/**
 * Property paths as the Pulumi CLI reads them in `pulumi config set --path` (and in project config keys such as
 * `outer.inner`): `services[0].image.green`, `tags["kubernetes.io/role"]`. Ported from pulumi/pulumi
 * `sdk/go/common/resource/properties_path.go` (`parsePropertyPath` in strict mode, `PropertyPath.String`), including
 * its error messages, so that a malformed `--set` fails offline exactly where `pulumi config set --path` would.
 */

/** Strings access object members, numbers access array elements. */
export type PropertyPath = readonly (string | number)[];

export class PropertyPathError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PropertyPathError";
    }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 0)` on a 64-bit platform, with its error text. */
function parseIndex(segment: string): number {
    if (!/^[+-]?[0-9]+$/.test(segment)) {
        throw new PropertyPathError(`invalid array index: strconv.ParseInt: parsing ${JSON.stringify(segment)}: invalid syntax`);
    }
    const value = BigInt(segment);
    if (value < INT64_MIN || value > INT64_MAX) {
        throw new PropertyPathError(`invalid array index: strconv.ParseInt: parsing ${JSON.stringify(segment)}: value out of range`);
    }
    return Number(value);
}

/**
 * Parses a property path. Strict (the default, as `pulumi config set --path` uses it) refuses a `.` followed by
 * `[`; any run of characters up to the next `.` or `[` is a bare property name, as upstream accepts it.
 */
export function parsePropertyPath(input: string, strict = true): (string | number)[] {
    const elements: (string | number)[] = [];
    let path = input;
    if (path.startsWith(".")) throw new PropertyPathError("expected property path to start with a name or index");
    while (path.length > 0) {
        if (path[0] === ".") {
            path = path.slice(1);
            if (path.length === 0) throw new PropertyPathError("expected property path to end with a name or index");
            if (path[0] === "[" && strict) throw new PropertyPathError("expected property name after '.'");
        } else if (path[0] === "[") {
            let element: string | number;
            if (path.length > 1 && path[1] === '"') {
                let key = "";
                let i = 2;
                for (;;) {
                    if (i >= path.length) throw new PropertyPathError("missing closing quote in property name");
                    if (path[i] === '"') {
                        i++;
                        break;
                    }
                    if (path[i] === "\\" && i + 1 < path.length && path[i + 1] === '"') {
                        key += '"';
                        i += 2;
                    } else {
                        key += path[i];
                        i++;
                    }
                }
                if (i >= path.length || path[i] !== "]") throw new PropertyPathError("missing closing bracket in property access");
                element = key;
                path = path.slice(i);
            } else {
                const close = path.indexOf("]");
                if (close === -1) throw new PropertyPathError("missing closing bracket in array index");
                const segment = path.slice(1, close);
                element = segment === "*" ? "*" : parseIndex(segment);
                path = path.slice(close);
            }
            elements.push(element);
            path = path.slice(1);
        } else {
            let i = 0;
            while (i < path.length && path[i] !== "." && path[i] !== "[") i++;
            elements.push(path.slice(0, i));
            path = path.slice(i);
        }
    }
    return elements;
}

/** Characters that make upstream print a key in brackets and quotes (`requiresQuote`). */
function requiresQuote(c: string): boolean {
    return !/^[A-Za-z0-9_]$/.test(c);
}

/** `PropertyPath.String()`: `a.b[0]`, or `a["key with a ."]` for keys that are not plain words. */
export function formatPropertyPath(path: PropertyPath): string {
    let out = "";
    path.forEach((element, i) => {
        if (typeof element === "number") {
            out += `[${element}]`;
            return;
        }
        let quoted = false;
        let key = "";
        for (const c of element) {
            if (requiresQuote(c)) {
                quoted = true;
                if (c === '"') key += "\\";
            }
            key += c;
        }
        out += quoted ? `["${key}"]` : i === 0 ? key : `.${key}`;
    });
    return out;
}
