/**
 * IAM policy documents as the policies read them: parsed from the JSON string (or object) a resource carries,
 * statements normalized to arrays, and IAM's own matching rules (case-insensitive actions, `*` and `?` wildcards).
 */

export interface Statement {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly NotPrincipal?: unknown;
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

export function list(value: string | string[] | undefined | null): string[] {
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
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
 * Actions that let whoever holds them take more privileges than they were given (the IAM privilege-escalation paths
 * catalogued by Rhino Security Labs, and role assumption): a wildcard that matches one of them grants the escalation
 * without naming it, as `iam:*Role*` grants iam:PassRole and iam:PutRolePolicy.
 */
export const ESCALATION_ACTIONS: readonly string[] = [
    "iam:PassRole",
    "iam:CreateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:AddUserToGroup",
    "iam:CreateUser",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:UpdateAccessKey",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

/** Escalation actions a wildcard action pattern (one with `*` or `?`) grants; none for a literal action. */
export function escalationsGrantedBy(action: string): string[] {
    if (!/[*?]/.test(action)) return [];
    const pattern = iamPattern(action);
    return ESCALATION_ACTIONS.filter((a) => pattern.test(a));
}

/** Characters a resource pattern can use without naming anything: wildcards and separators. */
const UNNAMING = /^[*?\-_./:]*$/;
/** Sub-resource type words that name a kind of resource, not one resource (DynamoDB `table/*\/index/*`). */
const SUB_RESOURCE_WORDS = ["index", "stream", "backup", "export", "import"];

/**
 * True when a resource pattern names every resource of its service: `*`, or an ARN whose resource part, after an
 * optional resource-type word, has nothing but wildcards and separators — `arn:aws:kms:*:*:key/*`,
 * `arn:aws:kms:*:*:key/*-*` (every key id has dashes), `arn:aws:secretsmanager:*:*:secret:*-*` (every secret ARN ends
 * in `-` and six characters), or an S3 ARN whose bucket is a wildcard. `arn:aws:ssm:<region>::parameter/aws/service/*`
 * is scoped.
 */
export function isAnyResource(resource: string): boolean {
    if (/^[*?]+$/.test(resource)) return true;
    const parts = resource.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return false;
    const service = parts[2];
    let rest = parts.slice(5).join(":");
    if (!/[*?]/.test(rest)) return false;
    // S3 ARNs have no resource type: the resource part starts with the bucket name.
    if (service !== "s3") rest = rest.replace(/^[a-z][a-z0-9-]*(?=[:/])/i, "");
    const words = new RegExp(`(^|[/:])(${SUB_RESOURCE_WORDS.join("|")})(?=[/:])`, "gi");
    return UNNAMING.test(rest.replace(words, "$1"));
}

// ---------------------------------------------------------------------------------------------------------------------
// Principals and conditions
// ---------------------------------------------------------------------------------------------------------------------

/** A statement's principals, by kind. `Principal: "*"` is every AWS principal. */
export interface Principals {
    readonly everyone: boolean;
    readonly aws: string[];
    readonly service: string[];
    readonly federated: string[];
    readonly canonicalUser: string[];
}

export function principalsOf(principal: unknown): Principals {
    if (principal === "*") return { everyone: true, aws: ["*"], service: [], federated: [], canonicalUser: [] };
    const p = (principal !== null && typeof principal === "object" ? principal : {}) as Record<string, string | string[] | undefined>;
    const aws = list(p.AWS);
    return { everyone: aws.includes("*"), aws, service: list(p.Service), federated: list(p.Federated), canonicalUser: list(p.CanonicalUser) };
}

/**
 * Operators that require a key to be present and to match: a condition with one of them narrows who the statement
 * applies to. `...IfExists`, `Null` and the negated operators do not (an absent key, or everything but a value, passes).
 */
const NARROWING_OPERATOR = /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress|NumericEquals)$/i;

/** A value that names nothing: empty or only wildcards. */
export function isWildcardValue(value: string): boolean {
    return /^[*?]*$/.test(value);
}

/**
 * The values a statement's narrowing conditions require of a key (IAM condition keys are case-insensitive), with the
 * operator; values that are only wildcards are left out.
 */
export function narrowingValues(s: Statement, key: string): { operator: string; values: string[] }[] {
    const out: { operator: string; values: string[] }[] = [];
    for (const [operator, entries] of Object.entries(s.Condition ?? {})) {
        if (!NARROWING_OPERATOR.test(operator)) continue;
        for (const [k, v] of Object.entries(entries)) {
            if (k.toLowerCase() !== key.toLowerCase()) continue;
            const values = list(v).map(String).filter((value) => !isWildcardValue(value));
            if (values.length > 0) out.push({ operator, values });
        }
    }
    return out;
}

/** Whether a statement narrows a key to named values. */
export function narrows(s: Statement, key: string): boolean {
    return narrowingValues(s, key).length > 0;
}

/** The account of an AWS principal (`123456789012`, `arn:aws:iam::123456789012:role/x`), or undefined. */
export function principalAccount(principal: string): string | undefined {
    if (/^\d{12}$/.test(principal)) return principal;
    return /^arn:[^:]+:(iam|sts)::(\d{12}):/.exec(principal)?.[2];
}
