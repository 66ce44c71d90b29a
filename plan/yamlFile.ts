/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI's YAML decoder (gopkg.in/yaml.v3, into
 * `interface{}`) sees them, and turns a syntax error into one line naming the file, line and column.
 *
 * The `yaml` package's core schema agrees with yaml.v3 except for plain numbers: yaml.v3 drops `_` and reads
 * integers with Go's base prefixes, so `017` is 15 (octal), `0b101` is 5 and `1_000` is 1000, integers beyond
 * int64 become uint64 and then float64. Those plain scalars are re-read here by yaml.v3's rules.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument, Scalar, visit } from "yaml";

export class YamlFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "YamlFileError";
    }
}

/** `.inf` and `.nan` spellings, which both decoders read as floats before trying numbers. */
const SPECIAL_FLOAT = /^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`: sign, then 0x, 0o, 0b or a leading 0 (octal) prefix. */
function goParseInteger(s: string): bigint | undefined {
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m) return undefined;
    const [, sign, body] = m;
    let digits = body;
    if (/^0[0-7]+$/.test(body)) digits = `0o${body.slice(1)}`;
    else if (/^0[oO]/.test(body)) digits = `0o${body.slice(2)}`;
    const value = BigInt(digits.toLowerCase());
    const signed = sign === "-" ? -value : value;
    if (signed >= -(2n ** 63n) && signed < 2n ** 63n) return signed;
    if (sign !== "-" && signed < 2n ** 64n) return signed;
    return undefined;
}

/** yaml.v3's `resolve` for a plain scalar that starts like a number; undefined when it is not one. */
export function goYamlNumber(source: string): bigint | number | undefined {
    if (!/^[-+.0-9]/.test(source)) return undefined;
    const plain = source.replace(/_/g, "");
    const int = goParseInteger(plain);
    if (int !== undefined) return int;
    if (GO_FLOAT.test(plain)) return Number(plain);
    return undefined;
}

/** The first line of a YAML error message, without the position the `yaml` package appends. */
function shortMessage(message: string): string {
    return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

/**
 * Documents parsed in this process, by file name and text: a process that plans many times (the test plan
 * service's planners) reads the same `Pulumi.yaml` and stack files for every plan. Each caller gets its own copy.
 */
const parsed = new Map<string, unknown>();

/** Parses YAML text (plain JavaScript values, integers as bigint when beyond 2^53); `file` names it in errors. */
export function parseYamlText(text: string, file: string): unknown {
    const key = `${file}\0${text}`;
    if (!parsed.has(key)) parsed.set(key, parseYamlUncached(text, file));
    return structuredClone(parsed.get(key));
}

function parseYamlUncached(text: string, file: string): unknown {
    const doc = parseDocument(text.replace(/^\uFEFF/, ""), { intAsBigInt: true, prettyErrors: true });
    if (doc.errors.length) {
        const err = doc.errors[0];
        const pos = err.linePos?.[0];
        throw new YamlFileError(`${file}${pos ? `:${pos.line}:${pos.col}` : ""}: YAML syntax error: ${shortMessage(err.message)}`);
    }
    visit(doc, {
        Scalar(_key, node: Scalar) {
            if (node.type !== "PLAIN" || node.tag || typeof node.source !== "string" || SPECIAL_FLOAT.test(node.source)) return;
            const go = goYamlNumber(node.source);
            if (go !== undefined) node.value = go;
            else if (typeof node.value === "number" || typeof node.value === "bigint") node.value = node.source;
        },
    });
    return doc.toJS({ maxAliasCount: -1 }) as unknown;
}

export function readYamlFile(file: string): unknown {
    return parseYamlText(fs.readFileSync(file, "utf8"), path.basename(file));
}
