/**
 * IAM identities: role trust scoped for every kind of principal (IRSA, other web identities, AWS accounts and
 * principals, `*`, EKS Pod Identity), no wildcard actions (nor wildcards that reach privilege-escalation actions), and
 * no data action granted on every resource.
 *
 * "Data actions" read or change the data an AWS resource holds (objects, secrets, messages, items, parameters,
 * and KMS cryptographic operations). Listed below, they are the actions that must always name their resources.
 * Describe/List/control-plane actions on `*` are not data actions: the upstream Karpenter and AWS Load Balancer
 * Controller policies need them on `*` (often tag-conditioned), and this pack does not flag them.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
    Statement,
    escalationsGrantedBy,
    iamPattern,
    isAllow,
    isAnyResource,
    isWildcardAction,
    isWildcardValue,
    list,
    narrowingValues,
    narrows,
    parseDocument,
    principalAccount,
    principalsOf,
    statementLabel,
} from "./iamDocument";
import { orUnknown } from "./unknowns";

export const IRSA_AUDIENCE = "sts.amazonaws.com";

/** Actions that read or write the data of a resource, by service. IAM matches them case-insensitively. */
export const DATA_ACTIONS: readonly string[] = [
    // S3 object and bucket-content reads and writes
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAttributes",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:RestoreObject",
    "s3:ReplicateObject",
    "s3:AbortMultipartUpload",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListMultipartUploadParts",
    // Secrets Manager secret values
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    // KMS cryptographic operations
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    // SQS messages
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:PurgeQueue",
    // DynamoDB items
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:TransactGetItems",
    "dynamodb:TransactWriteItems",
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    // SSM parameters
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:PutParameter",
    // SNS and Kinesis payloads
    "sns:Publish",
    "kinesis:GetRecords",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
];

// ---------------------------------------------------------------------------------------------------------------------
// Role trust
// ---------------------------------------------------------------------------------------------------------------------

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
/** EKS clusters' OIDC issuers: `oidc.eks.<region>.amazonaws.com[.cn]/id/<id>`. */
const EKS_OIDC_ISSUER = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/;
/** The service principal EKS Pod Identity assumes roles as. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** Conditions that tie a statement to one AWS account or organization (what `Principal: "*"` needs). */
const ACCOUNT_SCOPING_KEYS = ["aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

/** OIDC issuers (`oidc.eks.<region>.amazonaws.com/id/<id>`) of the federated principals of a statement. */
function oidcIssuers(federated: readonly string[]): string[] {
    return federated.map((arn) => /:oidc-provider\/(.+)$/.exec(arn)?.[1]).filter((issuer): issuer is string => issuer !== undefined);
}

/** Problems with one IRSA trust statement: its subject and audience conditions. */
export function irsaStatementProblems(s: Statement, issuer: string): string[] {
    const problems: string[] = [];
    const subKey = `${issuer}:sub`;
    const audKey = `${issuer}:aud`;
    const conditions = s.Condition ?? {};
    for (const [operator, entries] of Object.entries(conditions)) {
        if (operator === "StringEquals") continue;
        if (subKey in entries) problems.push(`matches the subject with ${operator} instead of StringEquals`);
        if (audKey in entries) problems.push(`matches the audience with ${operator} instead of StringEquals`);
    }
    const equals = conditions.StringEquals ?? {};
    const subjects = list(equals[subKey]);
    if (subjects.length === 0) problems.push(`has no StringEquals condition on ${subKey} (one service account)`);
    else if (subjects.length > 1) problems.push(`admits ${subjects.length} subjects (${subjects.join(", ")}) instead of one`);
    else if (!SERVICE_ACCOUNT_SUBJECT.test(subjects[0])) {
        problems.push(`subject ${JSON.stringify(subjects[0])} is not one exact system:serviceaccount:<namespace>:<name>`);
    }
    const audiences = list(equals[audKey]);
    if (audiences.length !== 1 || audiences[0] !== IRSA_AUDIENCE) {
        problems.push(`has no StringEquals condition ${audKey} = ${IRSA_AUDIENCE}`);
    }
    return problems;
}

/** Problems with a web-identity trust of an identity provider other than an EKS cluster (GitHub, Cognito, SAML, ...). */
function webIdentityProblems(s: Statement, provider: string): string[] {
    const saml = /:saml-provider\//.test(provider);
    const oidc = /:oidc-provider\/(.+)$/.exec(provider)?.[1];
    const host = oidc ?? provider;
    if (saml) return narrows(s, "SAML:aud") ? [] : ["has no condition on SAML:aud"];
    const problems: string[] = [];
    if (!narrows(s, `${host}:aud`)) problems.push(`has no condition on ${host}:aud (the tokens' audience)`);
    // An OIDC provider issues tokens to many subjects (every repository of a GitHub organization, every user of an app).
    if (oidc && !narrows(s, `${host}:sub`)) problems.push(`has no condition on ${host}:sub naming the subjects it trusts`);
    return problems;
}

export interface TrustConfig {
    /** AWS accounts whose principals roles and resource policies may trust. */
    readonly trustedAccountIds: string[];
}

const trustedAccountIdsProperty = {
    trustedAccountIds: {
        type: "array" as const,
        items: { type: "string" as const, pattern: "^\\d{12}$" },
        default: [],
        description: "AWS accounts (12 digits) whose principals may be trusted, typically the stack's own account. Empty: none.",
    },
};

/** Problems with the AWS principals of an Allow statement: `*` without an account condition, accounts not trusted. */
export function awsPrincipalProblems(s: Statement, aws: readonly string[], trustedAccountIds: readonly string[], extraScopingKeys: readonly string[] = []): string[] {
    const problems: string[] = [];
    if (aws.includes("*")) {
        if (![...ACCOUNT_SCOPING_KEYS, ...extraScopingKeys].some((k) => narrows(s, k))) {
            problems.push(`trusts every AWS principal ("*") with no condition on ${[...ACCOUNT_SCOPING_KEYS, ...extraScopingKeys].join(", ")}`);
        }
    }
    for (const p of aws.filter((a) => a !== "*")) {
        const account = principalAccount(p);
        if (account === undefined) problems.push(`trusts AWS principal ${JSON.stringify(p)}, whose account cannot be told`);
        else if (!trustedAccountIds.includes(account)) problems.push(`trusts AWS principal ${p} of account ${account}, which is not in trustedAccountIds`);
    }
    return problems;
}

function assumeActions(s: Statement): string[] {
    return list(s.Action).filter((a) => /^sts:/i.test(a) || a === "*");
}

export const iamRoleTrustScoped: ResourceValidationPolicy = {
    name: "iam-role-trust-scoped",
    description:
        "IAM role trust is scoped for every kind of principal: an EKS OIDC provider trusts exactly one service account for STS (IRSA); other web identities and SAML name their audience (and OIDC their subjects); AWS principals belong to trusted accounts; \"*\" only with an account condition; no NotPrincipal.",
    severity: "critical",
    configSchema: { properties: trustedAccountIdsProperty },
    validateResource: validateResourceOfType(aws.iam.Role, (role, args, reportViolation) => {
        const { trustedAccountIds } = args.getConfig<TrustConfig>();
        // A trust that waits for another resource (the OIDC provider's ARN) is checked once it is known.
        const doc = orUnknown(() => parseDocument(role.assumeRolePolicy), undefined);
        if (doc === undefined) return;
        if ("error" in doc) {
            reportViolation(`IAM role trust policy ${doc.error}.`);
            return;
        }
        doc.statements.forEach((s, i) => {
            if (!isAllow(s)) return;
            const label = `IAM role trust ${statementLabel(s, i)}`;
            if (s.NotPrincipal !== undefined) {
                reportViolation(`${label} trusts every principal except NotPrincipal ${JSON.stringify(s.NotPrincipal)}: name the principals it trusts.`);
                return;
            }
            const principals = principalsOf(s.Principal);
            const problems: string[] = [];
            const webIdentity = assumeActions(s).some((a) => iamPattern(a).test("sts:AssumeRoleWithWebIdentity") || iamPattern(a).test("sts:AssumeRoleWithSAML"));
            if (principals.federated.some(isWildcardValue) || (principals.everyone && webIdentity)) {
                problems.push("trusts web identities from any identity provider (\"*\")");
            }
            for (const provider of principals.federated.filter((f) => !isWildcardValue(f))) {
                const eksIssuer = oidcIssuers([provider]).find((issuer) => EKS_OIDC_ISSUER.test(issuer));
                problems.push(...(eksIssuer ? irsaStatementProblems(s, eksIssuer) : webIdentityProblems(s, provider)));
            }
            problems.push(...awsPrincipalProblems(s, principals.aws, trustedAccountIds));
            if (problems.length > 0) reportViolation(`${label} ${problems.join("; ")}.`);
        });
    }),
};

/** Pod Identity session tags that pin a trust to one cluster, and to one service account. */
const POD_IDENTITY_CLUSTER_KEYS = ["aws:SourceArn", "aws:RequestTag/eks-cluster-arn", "aws:RequestTag/eks-cluster-name"];
const POD_IDENTITY_NAMESPACE_KEY = "aws:RequestTag/kubernetes-namespace";
const POD_IDENTITY_SERVICE_ACCOUNT_KEY = "aws:RequestTag/kubernetes-service-account";

/** Problems with a Pod Identity trust statement: it must name one cluster, one namespace and one service account. */
export function podIdentityStatementProblems(s: Statement): string[] {
    const problems: string[] = [];
    if (!POD_IDENTITY_CLUSTER_KEYS.some((k) => narrows(s, k))) {
        problems.push(`has no condition on ${POD_IDENTITY_CLUSTER_KEYS.join(" or ")}: any Pod Identity association in the account, on any cluster, can use the role`);
    }
    for (const key of [POD_IDENTITY_NAMESPACE_KEY, POD_IDENTITY_SERVICE_ACCOUNT_KEY]) {
        // IAM ANDs every condition of a statement: one StringEquals naming one value pins the key, whatever else the
        // statement requires of it.
        const exact = narrowingValues(s, key).some((f) => /^StringEquals$/i.test(f.operator) && f.values.length === 1 && !/[*?]/.test(f.values[0]));
        if (!exact) problems.push(`has no StringEquals condition naming one value of ${key}`);
    }
    return problems;
}

export const podIdentityTrustScoped: ResourceValidationPolicy = {
    name: "pod-identity-trust-scoped",
    description:
        "IAM roles trusted by EKS Pod Identity (pods.eks.amazonaws.com) name the cluster (aws:SourceArn or the eks-cluster-arn/eks-cluster-name session tag) and exactly one namespace and service account (session tags), as IRSA trusts do.",
    severity: "critical",
    validateResource: validateResourceOfType(aws.iam.Role, (role, _args, reportViolation) => {
        const doc = orUnknown(() => parseDocument(role.assumeRolePolicy), undefined);
        if (doc === undefined || "error" in doc) return; // not known yet, or iam-role-trust-scoped reports it
        doc.statements.forEach((s, i) => {
            if (!isAllow(s) || !principalsOf(s.Principal).service.includes(POD_IDENTITY_PRINCIPAL)) return;
            const problems = podIdentityStatementProblems(s);
            if (problems.length > 0) reportViolation(`IAM role Pod Identity trust ${statementLabel(s, i)} ${problems.join("; ")}.`);
        });
    }),
};

// ---------------------------------------------------------------------------------------------------------------------
// Permission documents
// ---------------------------------------------------------------------------------------------------------------------

interface PermissionDocument {
    /** `IAM policy` or `IAM role inline policy "name"`. */
    readonly label: string;
    /** Read lazily: during a preview the document may wait for other resources' outputs. */
    readonly document: () => unknown;
}

type DocumentCheck = (doc: PermissionDocument, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** Runs a check over every permission document of the IAM resource types that carry one. */
function forEachPermissionDocument(check: DocumentCheck) {
    return [
        validateResourceOfType(aws.iam.Policy, (p, args, report) => check({ label: "IAM policy", document: () => p.policy }, args, report)),
        validateResourceOfType(aws.iam.RolePolicy, (p, args, report) => check({ label: "IAM role policy", document: () => p.policy }, args, report)),
        validateResourceOfType(aws.iam.UserPolicy, (p, args, report) => check({ label: "IAM user policy", document: () => p.policy }, args, report)),
        validateResourceOfType(aws.iam.GroupPolicy, (p, args, report) => check({ label: "IAM group policy", document: () => p.policy }, args, report)),
        validateResourceOfType(aws.iam.Role, (role, args, report) => {
            for (const inline of role.inlinePolicies ?? []) {
                check({ label: `IAM role inline policy "${inline.name ?? ""}"`, document: () => inline.policy }, args, report);
            }
        }),
    ];
}

/** Parsed Allow statements of a document (none while it is not known or absent), or a reported violation when it cannot be read. */
function allowStatements(doc: PermissionDocument, reportViolation: ReportViolation): [Statement, number][] | undefined {
    const document = orUnknown(doc.document, undefined);
    if (document === undefined || document === null || document === "") return [];
    const parsed = parseDocument(document);
    if ("error" in parsed) {
        reportViolation(`${doc.label} ${parsed.error}.`);
        return undefined;
    }
    return parsed.statements.map((s, i): [Statement, number] => [s, i]).filter(([s]) => isAllow(s));
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description:
        "IAM permission policies never allow \"*\" or \"<service>:*\", no wildcard that reaches a privilege-escalation action (iam:*Role*, iam:Pass*, sts:Assume*), and not every action but a list (Allow with NotAction).",
    severity: "high",
    validateResource: forEachPermissionDocument((doc, _args, reportViolation) => {
        for (const [s, i] of allowStatements(doc, reportViolation) ?? []) {
            const actions = list(s.Action);
            const wildcards = actions.filter(isWildcardAction);
            if (wildcards.length > 0) {
                reportViolation(`${doc.label} ${statementLabel(s, i)} allows ${wildcards.map((a) => JSON.stringify(a)).join(", ")}: list the actions it needs.`);
            }
            for (const action of actions.filter((a) => !isWildcardAction(a))) {
                const escalations = escalationsGrantedBy(action);
                if (escalations.length > 0) {
                    reportViolation(
                        `${doc.label} ${statementLabel(s, i)} allows ${JSON.stringify(action)}, which grants privilege-escalation actions ${escalations.join(", ")}: name the actions, and scope iam:PassRole to roles and services.`,
                    );
                }
            }
            if (s.NotAction !== undefined) {
                reportViolation(`${doc.label} ${statementLabel(s, i)} allows every action except NotAction ${JSON.stringify(s.NotAction)}: list the actions it needs.`);
            }
        }
    }),
};

export interface DataActionsConfig {
    readonly additionalDataActions: string[];
}

export const iamNoDataActionsOnAnyResource: ResourceValidationPolicy = {
    name: "iam-no-data-actions-on-any-resource",
    description:
        "IAM permission policies grant data actions (S3 objects, secret values, KMS crypto, SQS messages, DynamoDB items, SSM parameters, ...) only on named resources, never on \"*\".",
    severity: "high",
    configSchema: {
        properties: {
            additionalDataActions: {
                type: "array",
                items: { type: "string", pattern: "^[a-z0-9-]+:[A-Za-z0-9*?]+$" },
                default: [],
                description: "More actions to treat as data actions, e.g. es:ESHttpGet.",
            },
        },
    },
    validateResource: forEachPermissionDocument((doc, args, reportViolation) => {
        const { additionalDataActions } = args.getConfig<DataActionsConfig>();
        const dataActions = [...DATA_ACTIONS, ...additionalDataActions];
        for (const [s, i] of allowStatements(doc, reportViolation) ?? []) {
            const resources = list(s.Resource);
            const everyResource = s.NotResource !== undefined ? "every resource except NotResource" : resources.some(isAnyResource) ? `every resource (${resources.filter(isAnyResource).map((r) => JSON.stringify(r)).join(", ")})` : undefined;
            if (!everyResource) continue;
            // Either side may be a pattern: "s3:Get*" grants s3:GetObject; a configured "es:ESHttp*" covers es:ESHttpGet.
            const granted = list(s.Action).filter((a) => dataActions.some((d) => iamPattern(a).test(d) || iamPattern(d).test(a)));
            if (granted.length > 0) {
                reportViolation(
                    `${doc.label} ${statementLabel(s, i)} allows data actions ${granted.join(", ")} on ${everyResource}: name the buckets, secrets, keys, queues, tables or parameters.`,
                );
            }
        }
    }),
};

export const iamPolicies: ResourceValidationPolicy[] = [iamRoleTrustScoped, podIdentityTrustScoped, iamNoWildcardActions, iamNoDataActionsOnAnyResource];

export { trustedAccountIdsProperty };
