/**
 * The bootstrap's IAM documents as pure builders (tests read them directly): who may assume the CI roles, what
 * the deploy role may do, the boundary it can never leave, and the state bucket's policy.
 */
import type { PolicyDocument, PolicyStatement } from "../lib/iam";

/** GitHub's OIDC issuer (token.actions.githubusercontent.com) and the audience the AWS credentials action asks for. */
export const GITHUB_OIDC = { host: "token.actions.githubusercontent.com", audience: "sts.amazonaws.com" } as const;

/**
 * Trust of a role assumed by GitHub Actions: exactly one subject (`repo:<owner>/<name>:environment:<env>` or
 * `repo:<owner>/<name>:pull_request`), compared with StringEquals, never a wildcard.
 */
export function githubTrustPolicy(providerArn: string, subject: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
                        [`${GITHUB_OIDC.host}:sub`]: subject,
                    },
                },
            },
        ],
    };
}

export function environmentSubject(repository: string, environment: string): string {
    return `repo:${repository}:environment:${environment}`;
}

export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

export interface AccountScope {
    readonly partition: string;
    readonly accountId: string;
    readonly region: string;
}

/** Names the bootstrap protects from the roles it creates. */
export interface ProtectedResources {
    readonly stateBucketArn: string;
    readonly secretsKeyArn: string;
    /** Path of the CI roles and the boundary policy (`/ci/`): nothing the deploy role creates lives there. */
    readonly ciPath: string;
}

/**
 * The permissions boundary of every CI role: anything its own policy allows, except what would let a deploy
 * escape its lane: creating IAM users or long-lived keys, touching the CI roles or this boundary, deleting
 * the state bucket or its versions, disabling or deleting the secrets key, or leaving the account's organization.
 */
export function ciBoundaryPolicy(scope: AccountScope, p: ProtectedResources): PolicyDocument {
    const iam = (kind: string) => `arn:${scope.partition}:iam::${scope.accountId}:${kind}${p.ciPath}*`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AllowWhatTheRolePolicyAllows", Effect: "Allow", Action: "*", Resource: "*" },
            {
                Sid: "NoLongLivedCredentials",
                Effect: "Deny",
                Action: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:CreateServiceSpecificCredential"],
                Resource: "*",
            },
            {
                Sid: "NoChangesToCiIdentity",
                Effect: "Deny",
                Action: ["iam:*"],
                Resource: [iam("role"), iam("policy"), `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/${GITHUB_OIDC.host}`],
            },
            {
                Sid: "NoStateDestruction",
                Effect: "Deny",
                Action: ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:DeleteObjectVersion", "s3:PutLifecycleConfiguration"],
                Resource: [p.stateBucketArn, `${p.stateBucketArn}/*`],
            },
            {
                Sid: "NoSecretsKeyDestruction",
                Effect: "Deny",
                Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation"],
                Resource: p.secretsKeyArn,
            },
            { Sid: "NoOrganizationChanges", Effect: "Deny", Action: ["organizations:*", "account:*"], Resource: "*" },
        ],
    };
}

/**
 * What the deploy role may do: the services the platform stack creates (VPC, EKS, IAM roles for it, SQS,
 * EventBridge, KMS, logs, Route 53, ACM, ELB reads, CloudWatch, SNS, tagged-resource lookups, Chatbot), plus its own
 * state and secrets key.
 * IAM writes are limited to this account; the boundary keeps them off the CI roles.
 */
export function deployPolicy(scope: AccountScope, p: ProtectedResources): PolicyDocument {
    const arn = (service: string, resource: string) => `arn:${scope.partition}:${service}:${scope.region}:${scope.accountId}:${resource}`;
    const statements: PolicyStatement[] = [
        {
            Sid: "PlatformServices",
            Effect: "Allow",
            Action: ["ec2:*", "eks:*", "autoscaling:*", "sqs:*", "events:*", "logs:*", "cloudwatch:*", "sns:*", "route53:*", "acm:*", "ssm:GetParameter", "ssm:GetParameters"],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": [scope.region, "us-east-1"] } },
        },
        {
            Sid: "KeysOfThePlatform",
            Effect: "Allow",
            Action: ["kms:CreateKey", "kms:CreateAlias", "kms:DeleteAlias", "kms:TagResource", "kms:UntagResource", "kms:Describe*", "kms:Get*", "kms:List*", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
        },
        {
            Sid: "IamForThePlatform",
            Effect: "Allow",
            Action: ["iam:*"],
            Resource: [
                `arn:${scope.partition}:iam::${scope.accountId}:role/*`,
                `arn:${scope.partition}:iam::${scope.accountId}:policy/*`,
                `arn:${scope.partition}:iam::${scope.accountId}:instance-profile/*`,
                `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/*`,
            ],
        },
        { Sid: "ReadManagedPolicies", Effect: "Allow", Action: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"], Resource: `arn:${scope.partition}:iam::aws:policy/*` },
        {
            Sid: "LoadBalancerReads",
            Effect: "Allow",
            Action: ["elasticloadbalancing:Describe*", "wafv2:GetWebACL", "wafv2:GetWebACLForResource"],
            Resource: "*",
        },
        // The alarms and dashboard find the controller's ALB and target groups by their tags (Resource Groups Tagging API).
        { Sid: "FindTaggedLoadBalancers", Effect: "Allow", Action: "tag:GetResources", Resource: "*" },
        // The alarm topic's chat channels: AWS Chatbot is a global service (its API answers in us-east-2).
        { Sid: "AlarmChatChannels", Effect: "Allow", Action: "chatbot:*", Resource: "*" },
        {
            Sid: "BucketsOfThePlatform",
            Effect: "Allow",
            Action: ["s3:*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceAccount": scope.accountId } },
        },
        ...stateAccess(p, "readwrite"),
        { Sid: "WhoAmI", Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" },
        { Sid: "SecretsOfThePlatform", Effect: "Allow", Action: ["secretsmanager:DescribeSecret"], Resource: arn("secretsmanager", "secret:*") },
    ];
    return { Version: "2012-10-17", Statement: statements };
}

/** The state bucket and secrets key, read and write (deploys) or read plus locks (previews and drift checks). */
export function stateAccess(p: ProtectedResources, mode: "readwrite" | "read"): PolicyStatement[] {
    return [
        { Sid: "StateBucketList", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"], Resource: p.stateBucketArn },
        {
            Sid: "StateObjects",
            Effect: "Allow",
            Action: mode === "readwrite" ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"],
            Resource: `${p.stateBucketArn}/*`,
        },
        // A preview takes the stack's lock in the DIY backend (`.pulumi/locks/`), even when it changes nothing.
        ...(mode === "read"
            ? [{ Sid: "StateLocks", Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${p.stateBucketArn}/.pulumi/locks/*` }]
            : []),
        {
            Sid: "SecretsKey",
            Effect: "Allow",
            Action: mode === "readwrite" ? ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"],
            Resource: p.secretsKeyArn,
        },
    ];
}

/** The state bucket: TLS only, and only this account's principals. */
export function stateBucketPolicy(bucketArn: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "ThisAccountOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { StringNotEquals: { "aws:PrincipalAccount": accountId } },
            },
        ],
    };
}
