/**
 * IAM policy documents as the policies read them: parsed from the JSON string (or object) a resource carries,
 * statements normalized to arrays, and IAM's own matching rules (case-insensitive actions, `*` and `?` wildcards).
 */

export interface Statement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Resource?: string | string[];
    readonly NotResource?: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export type ParsedDocument = { readonly statements: readonly Statement[] } | { readonly error: string };

/** Parses a policy document given as JSON text or as an object. */
export function parseDocument(value: unknown): ParsedDocument {
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch (err) {
            return { error: `is not valid JSON (${(err as Error).message})` };
        }
    }
    if (doc === null || typeof doc !== "object" || !("Statement" in doc)) return { error: "has no Statement" };
    const statement = (doc as { Statement: unknown }).Statement;
    const statements = Array.isArray(statement) ? statement : [statement];
    if (statements.some((s) => s === null || typeof s !== "object")) return { error: "has a Statement that is not an object" };
    return { statements: statements as Statement[] };
}

export function list(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `statement 2 ("ReadSecrets")`: how violations name a statement. */
export function statementLabel(s: Statement, index: number): string {
    return s.Sid ? `statement ${index + 1} ("${s.Sid}")` : `statement ${index + 1}`;
}

/** IAM wildcard matching: `*` any run of characters, `?` one character, case-insensitive. */
export function iamPattern(pattern: string): RegExp {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${body}$`, "i");
}

export function isAllow(s: Statement): boolean {
    return s.Effect === "Allow";
}

/** `*` or `<service>:*`: every action, or every action of a service. */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/**
 * True when a resource pattern names every resource of its service: `*`, or an ARN whose resource part is only
 * wildcards after an optional resource-type word, such as `arn:aws:kms:*:*:key/*`, `arn:aws:secretsmanager:*:*:secret:*`
 * or an S3 ARN whose bucket is a wildcard. `arn:aws:ssm:<region>::parameter/aws/service/*` is scoped.
 */
export function isAnyResource(resource: string): boolean {
    if (/^[*?]+$/.test(resource)) return true;
    const parts = resource.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return false;
    const service = parts[2];
    const rest = parts.slice(5).join(":");
    // S3 ARNs have no resource type: the resource part starts with the bucket name.
    if (service === "s3") return /^[*?]+(\/[*?]*)*$/.test(rest);
    return /^([a-z][a-z0-9-]*[:/])?[*?]+$/i.test(rest);
}
