/**
 * IAM: service-account trust scoped to one exact subject and audience, no wildcard actions, and no data action
 * granted on every resource.
 *
 * "Data actions" read or change the data an AWS resource holds (objects, secrets, messages, items, parameters,
 * and KMS cryptographic operations). Listed below, they are the actions that must always name their resources.
 * Describe/List/control-plane actions on `*` are not data actions: the upstream Karpenter and AWS Load Balancer
 * Controller policies need them on `*` (often tag-conditioned), and this pack does not flag them.
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Statement, iamPattern, isAllow, isAnyResource, isWildcardAction, list, parseDocument, statementLabel } from "./iamDocument";

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
// Trust policies of service-account roles
// ---------------------------------------------------------------------------------------------------------------------

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;

function assumesWithWebIdentity(s: Statement): boolean {
    return list(s.Action).some((a) => iamPattern(a).test("sts:AssumeRoleWithWebIdentity"));
}

/** OIDC issuers (`oidc.eks.<region>.amazonaws.com/id/<id>`) of the federated principals of a statement. */
function oidcIssuers(principal: unknown): string[] {
    if (principal === null || typeof principal !== "object") return [];
    const federated = (principal as { Federated?: string | string[] }).Federated;
    return list(federated)
        .map((arn) => /:oidc-provider\/(.+)$/.exec(arn)?.[1])
        .filter((issuer): issuer is string => issuer !== undefined);
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

export const irsaTrustScoped: ResourceValidationPolicy = {
    name: "irsa-trust-scoped",
    description:
        "IAM roles assumed through the cluster's OIDC provider trust exactly one service account (StringEquals on sub) and only tokens for STS (aud).",
    severity: "critical",
    validateResource: validateResourceOfType(aws.iam.Role, (role, _args, reportViolation) => {
        const doc = parseDocument(role.assumeRolePolicy);
        if ("error" in doc) {
            reportViolation(`IAM role trust policy ${doc.error}.`);
            return;
        }
        doc.statements.forEach((s, i) => {
            if (!isAllow(s) || !assumesWithWebIdentity(s)) return;
            for (const issuer of oidcIssuers(s.Principal)) {
                const problems = irsaStatementProblems(s, issuer);
                if (problems.length > 0) reportViolation(`IAM role trust ${statementLabel(s, i)} ${problems.join("; ")}.`);
            }
        });
    }),
};

// ---------------------------------------------------------------------------------------------------------------------
// Permission documents
// ---------------------------------------------------------------------------------------------------------------------

interface PermissionDocument {
    /** `IAM policy` or `IAM role inline policy "name"`. */
    readonly label: string;
    readonly document: unknown;
}

type DocumentCheck = (doc: PermissionDocument, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** Runs a check over every permission document of the IAM resource types that carry one. */
function forEachPermissionDocument(check: DocumentCheck) {
    return [
        validateResourceOfType(aws.iam.Policy, (p, args, report) => check({ label: "IAM policy", document: p.policy }, args, report)),
        validateResourceOfType(aws.iam.RolePolicy, (p, args, report) => check({ label: "IAM role policy", document: p.policy }, args, report)),
        validateResourceOfType(aws.iam.UserPolicy, (p, args, report) => check({ label: "IAM user policy", document: p.policy }, args, report)),
        validateResourceOfType(aws.iam.GroupPolicy, (p, args, report) => check({ label: "IAM group policy", document: p.policy }, args, report)),
        validateResourceOfType(aws.iam.Role, (role, args, report) => {
            for (const inline of role.inlinePolicies ?? []) {
                if (inline.policy) check({ label: `IAM role inline policy "${inline.name ?? ""}"`, document: inline.policy }, args, report);
            }
        }),
    ];
}

/** Parsed Allow statements of a document, or a reported violation when it cannot be read. */
function allowStatements(doc: PermissionDocument, reportViolation: ReportViolation): [Statement, number][] | undefined {
    const parsed = parseDocument(doc.document);
    if ("error" in parsed) {
        reportViolation(`${doc.label} ${parsed.error}.`);
        return undefined;
    }
    return parsed.statements.map((s, i): [Statement, number] => [s, i]).filter(([s]) => isAllow(s));
}

export const iamNoWildcardActions: ResourceValidationPolicy = {
    name: "iam-no-wildcard-actions",
    description: "IAM permission policies never allow \"*\" or \"<service>:*\", nor every action but a list (Allow with NotAction).",
    severity: "high",
    validateResource: forEachPermissionDocument((doc, _args, reportViolation) => {
        for (const [s, i] of allowStatements(doc, reportViolation) ?? []) {
            const wildcards = list(s.Action).filter(isWildcardAction);
            if (wildcards.length > 0) {
                reportViolation(`${doc.label} ${statementLabel(s, i)} allows ${wildcards.map((a) => JSON.stringify(a)).join(", ")}: list the actions it needs.`);
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

export const iamPolicies: ResourceValidationPolicy[] = [irsaTrustScoped, iamNoWildcardActions, iamNoDataActionsOnAnyResource];
