/**
 * AWS resources' own policies and keys: no resource policy opens a queue, bucket, key, topic, repository or secret to
 * every AWS principal (unless a condition ties it to an account, organization, source or network), nor to accounts
 * the stack does not trust; and symmetric KMS keys rotate.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { OpenNetworksConfig, maxPublicShareProperty, openTo } from "./cluster";
import { TrustConfig, trustedAccountIdsProperty } from "./iam";
import { orUnknown } from "./unknowns";
import { Statement, isAllow, narrowingValues, narrows, parseDocument, principalAccount, principalsOf, statementLabel } from "./iamDocument";

/** The resource types that carry a resource policy, and what to call them. */
export const RESOURCE_POLICY_TYPES: Record<string, string> = {
    "aws:sqs/queuePolicy:QueuePolicy": "SQS queue policy",
    "aws:sqs/queue:Queue": "SQS queue",
    "aws:s3/bucketPolicy:BucketPolicy": "S3 bucket policy",
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:s3/bucketV2:BucketV2": "S3 bucket",
    "aws:kms/key:Key": "KMS key",
    "aws:kms/keyPolicy:KeyPolicy": "KMS key policy",
    "aws:kms/replicaKey:ReplicaKey": "KMS replica key",
    "aws:sns/topicPolicy:TopicPolicy": "SNS topic policy",
    "aws:sns/topic:Topic": "SNS topic",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "ECR repository policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "Secrets Manager secret policy",
    "aws:secretsmanager/secret:Secret": "Secrets Manager secret",
};

/**
 * Condition keys that tie a statement for `Principal: "*"` to one account, organization, calling resource or network
 * (the keys AWS documents for resource policies and the confused-deputy problem).
 */
export const PUBLIC_SCOPING_KEYS = [
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "kms:CallerAccount",
];

type Config = TrustConfig & OpenNetworksConfig;

/** Whether an `aws:SourceIp` condition limits a statement to networks that are not the internet. */
function limitedToPrivateNetworks(s: Statement, maxPublicShare: number): boolean {
    // IAM ANDs every condition of a statement: one IpAddress condition to private networks limits it.
    return narrowingValues(s, "aws:SourceIp").some((c) => /^IpAddress$/i.test(c.operator) && openTo(c.values, maxPublicShare) === undefined);
}

/** Problems with one statement of a resource policy. */
export function publicStatementProblems(s: Statement, config: Config): string[] {
    if (!isAllow(s)) return [];
    if (s.NotPrincipal !== undefined) return [`allows every principal except NotPrincipal ${JSON.stringify(s.NotPrincipal)}`];
    const principals = principalsOf(s.Principal);
    const problems: string[] = [];
    if (principals.everyone && !PUBLIC_SCOPING_KEYS.some((k) => narrows(s, k)) && !limitedToPrivateNetworks(s, config.maxPublicShare)) {
        problems.push(`allows every AWS principal ("*") with no condition tying it to an account, organization, source or private network (${PUBLIC_SCOPING_KEYS.join(", ")}, aws:SourceIp)`);
    }
    for (const p of principals.aws.filter((a) => a !== "*")) {
        const account = principalAccount(p);
        if (account === undefined) problems.push(`allows AWS principal ${JSON.stringify(p)}, whose account cannot be told`);
        else if (!config.trustedAccountIds.includes(account)) problems.push(`allows AWS principal ${p} of account ${account}, which is not in trustedAccountIds`);
    }
    return problems;
}

export const resourcePolicyNotPublic: ResourceValidationPolicy = {
    name: "resource-policy-not-public",
    description:
        "Resource policies (SQS, S3, KMS, SNS, ECR, Secrets Manager) never allow \"*\" without a condition on the account, organization, source or a private network, never allow NotPrincipal, and allow AWS principals only of trusted accounts.",
    severity: "critical",
    configSchema: { properties: { ...trustedAccountIdsProperty, ...maxPublicShareProperty } },
    validateResource: (args, reportViolation) => {
        const label = RESOURCE_POLICY_TYPES[args.type];
        if (label === undefined) return;
        // A policy that waits for other resources' outputs (an ARN) is checked once it is known.
        const policy = orUnknown(() => args.props.policy, undefined);
        if (policy === undefined || policy === null || policy === "") return;
        const doc = parseDocument(policy);
        if ("error" in doc) {
            reportViolation(`${label} ${args.name} policy ${doc.error}.`);
            return;
        }
        const config = args.getConfig<Config>();
        doc.statements.forEach((s, i) => {
            const problems = publicStatementProblems(s, config);
            if (problems.length > 0) reportViolation(`${label} ${args.name} ${statementLabel(s, i)} ${problems.join("; ")}.`);
        });
    },
};

/** Key specs KMS rotates automatically (symmetric encryption keys); asymmetric and HMAC keys cannot rotate. */
const ROTATABLE_SPEC = "SYMMETRIC_DEFAULT";

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Symmetric KMS keys the stack creates rotate their key material automatically (enableKeyRotation).",
    severity: "medium",
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
        const spec = key.customerMasterKeySpec ?? ROTATABLE_SPEC;
        if (spec !== ROTATABLE_SPEC) return;
        if (key.enableKeyRotation !== true) reportViolation(`KMS key ${args.name} does not rotate its key material: set enableKeyRotation to true.`);
    }),
};

export const resourcePolicyPolicies = [resourcePolicyNotPublic, kmsKeyRotation];
