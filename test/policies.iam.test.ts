/**
 * IAM rules over every way to trust, grant and attach: role trust of every principal kind, Pod Identity trust,
 * wildcard and escalation actions and any-resource patterns in every permission document, managed policy
 * attachments by every resource type, resource policies of every resource that has one, and KMS key rotation.
 */
import { iamManagedPolicyAllowList, roleKinds } from "../policies/iamAttachments";
import { iamNoDataActionsOnAnyResource, iamNoWildcardActions, iamRoleTrustScoped, podIdentityTrustScoped } from "../policies/iam";
import { escalationsGrantedBy, isAnyResource } from "../policies/iamDocument";
import { RESOURCE_POLICY_TYPES, kmsKeyRotation, resourcePolicyNotPublic } from "../policies/resourcePolicies";
import type { PlannedResource } from "../plan/harness";
import { check, messages, resource } from "./policyHarness";

const ACCOUNT = "123456789012";
const ROLE = "aws:iam/role:Role";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
let roles = 0;
/** A role (named r1, r2, ...) trusting one Allow statement. */
const trust = (statement: object) => resource(ROLE, `r${++roles}`, { assumeRolePolicy: doc({ Effect: "Allow", ...statement }) });
const trustConfig = { trustedAccountIds: [ACCOUNT] };

// ---------------------------------------------------------------------------------------------------------------------
// Trust
// ---------------------------------------------------------------------------------------------------------------------

describe("iam-role-trust-scoped: every principal kind", () => {
    test("passes a trusted account's role, \"*\" tied to the organization, GitHub OIDC with audience and subject, SAML with audience, AWS services", async () => {
        const resources = [
            trust({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/platform-admin` }, Action: "sts:AssumeRole" }),
            trust({ Principal: { AWS: ACCOUNT }, Action: "sts:AssumeRole" }),
            trust({ Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }),
            trust({
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" }, StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/platform:ref:refs/heads/main" } },
            }),
            trust({ Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` }, Action: "sts:AssumeRoleWithSAML", Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } } }),
            trust({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
            // Pod Identity has its own rule.
            trust({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }),
        ];
        expect(await check(iamRoleTrustScoped, resources, trustConfig)).toEqual([]);
    });

    test("flags {AWS: \"*\"}, Principal \"*\", web identity from any provider, foreign accounts, unknown principals, NotPrincipal, and unscoped OIDC/SAML", async () => {
        const resources = [
            trust({ Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
            trust({ Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" }),
            trust({ Principal: { Federated: "*" }, Action: "sts:AssumeRoleWithWebIdentity" }),
            trust({ Principal: { AWS: ["arn:aws:iam::999999999999:root", "AROAEXAMPLEID"] }, Action: "sts:AssumeRole" }),
            trust({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }),
            trust({
                Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: { StringLike: { "token.actions.githubusercontent.com:sub": "*" } },
            }),
            trust({ Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/okta` }, Action: "sts:AssumeRoleWithSAML" }),
            // IfExists does not narrow: a request without the key passes it.
            trust({ Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEqualsIfExists: { "aws:PrincipalAccount": ACCOUNT } } }),
        ];
        expect(await messages(iamRoleTrustScoped, resources, trustConfig)).toEqual([
            'IAM role trust statement 1 trusts every AWS principal ("*") with no condition on aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths.',
            'IAM role trust statement 1 trusts web identities from any identity provider ("*"); trusts every AWS principal ("*") with no condition on aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths.',
            'IAM role trust statement 1 trusts web identities from any identity provider ("*").',
            'IAM role trust statement 1 trusts AWS principal arn:aws:iam::999999999999:root of account 999999999999, which is not in trustedAccountIds; trusts AWS principal "AROAEXAMPLEID", whose account cannot be told.',
            `IAM role trust statement 1 trusts every principal except NotPrincipal {"AWS":"arn:aws:iam::${ACCOUNT}:root"}: name the principals it trusts.`,
            "IAM role trust statement 1 has no condition on token.actions.githubusercontent.com:aud (the tokens' audience); has no condition on token.actions.githubusercontent.com:sub naming the subjects it trusts.",
            "IAM role trust statement 1 has no condition on SAML:aud.",
            'IAM role trust statement 1 trusts every AWS principal ("*") with no condition on aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths.',
        ]);
    });

    test("no account is trusted by default", async () => {
        expect(await messages(iamRoleTrustScoped, [trust({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` }, Action: "sts:AssumeRole" })])).toEqual([
            `IAM role trust statement 1 trusts AWS principal arn:aws:iam::${ACCOUNT}:role/admin of account ${ACCOUNT}, which is not in trustedAccountIds.`,
        ]);
    });
});

describe("iam-role-trust-scoped: which statements and actions count", () => {
    const EVERYONE = 'trusts every AWS principal ("*") with no condition on aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths';
    const ANY_PROVIDER = 'trusts web identities from any identity provider ("*")';

    test("Principal \"*\" with Action \"*\", sts:AssumeRoleWithSAML, or a web identity action next to sts:TagSession trusts any identity provider", async () => {
        const resources = [
            trust({ Principal: "*", Action: "*" }),
            trust({ Principal: "*", Action: "sts:AssumeRoleWithSAML" }),
            // GitHub's documented trust allows sts:TagSession with the web identity action.
            trust({ Principal: "*", Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] }),
        ];
        expect(await messages(iamRoleTrustScoped, resources, trustConfig)).toEqual(resources.map(() => `IAM role trust statement 1 ${ANY_PROVIDER}; ${EVERYONE}.`));
    });

    test("a Deny statement trusts nobody: \"*\" in it is not flagged", async () => {
        const role = resource(ROLE, "deny", {
            assumeRolePolicy: doc(
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ),
        });
        expect(await check(iamRoleTrustScoped, [role], trustConfig)).toEqual([]);
    });
});

describe("pod-identity-trust-scoped", () => {
    const podIdentity = (condition?: object) =>
        trust({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], ...(condition ? { Condition: condition } : {}) });
    const scoped = {
        StringEquals: {
            "aws:SourceAccount": ACCOUNT,
            "aws:RequestTag/kubernetes-namespace": "app-api",
            "aws:RequestTag/kubernetes-service-account": "app-api",
        },
        ArnEquals: { "aws:SourceArn": `arn:aws:eks:ap-northeast-2:${ACCOUNT}:cluster/service-prod` },
    };

    test("passes a trust naming the cluster, the namespace and the service account; ignores other trusts", async () => {
        const tagged = { StringEquals: { "aws:RequestTag/eks-cluster-name": "service-prod", "aws:RequestTag/kubernetes-namespace": "a", "aws:RequestTag/kubernetes-service-account": "b" } };
        expect(await check(podIdentityTrustScoped, [podIdentity(scoped), podIdentity(tagged), trust({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" })])).toEqual([]);
    });

    test("flags the bare EKS documentation trust, an account-only condition, and service-account patterns", async () => {
        const resources = [
            podIdentity(),
            podIdentity({ StringEquals: { "aws:SourceAccount": ACCOUNT } }),
            podIdentity({ ...scoped, StringEquals: { "aws:RequestTag/kubernetes-service-account": "app-api" }, StringLike: { "aws:RequestTag/kubernetes-namespace": "app-*" } }),
        ];
        const cluster = "has no condition on aws:SourceArn or aws:RequestTag/eks-cluster-arn or aws:RequestTag/eks-cluster-name: any Pod Identity association in the account, on any cluster, can use the role";
        const ns = "has no StringEquals condition naming one value of aws:RequestTag/kubernetes-namespace";
        const sa = "has no StringEquals condition naming one value of aws:RequestTag/kubernetes-service-account";
        expect(await messages(podIdentityTrustScoped, resources)).toEqual([
            `IAM role Pod Identity trust statement 1 ${cluster}; ${ns}; ${sa}.`,
            `IAM role Pod Identity trust statement 1 ${cluster}; ${ns}; ${sa}.`,
            `IAM role Pod Identity trust statement 1 ${ns}.`,
        ]);
    });
});

describe("pod-identity-trust-scoped: one value, with StringEquals", () => {
    const cluster = { ArnEquals: { "aws:SourceArn": `arn:aws:eks:ap-northeast-2:${ACCOUNT}:cluster/service-prod` } };
    const podIdentity = (conditions: object) => trust({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { ...cluster, ...conditions } });
    const NS = "aws:RequestTag/kubernetes-namespace";
    const SA = { "aws:RequestTag/kubernetes-service-account": "app-api" };

    test("flags StringLike (even without a wildcard), ForAnyValue:StringEquals, StringEqualsIgnoreCase and two values", async () => {
        const resources = [
            podIdentity({ StringEquals: SA, StringLike: { [NS]: "app-api" } }),
            podIdentity({ StringEquals: SA, "ForAnyValue:StringEquals": { [NS]: "app-api" } }),
            podIdentity({ StringEquals: SA, StringEqualsIgnoreCase: { [NS]: "app-api" } }),
            podIdentity({ StringEquals: { ...SA, [NS]: ["app-api", "app-web"] } }),
        ];
        expect(await messages(podIdentityTrustScoped, resources)).toEqual(resources.map(() => `IAM role Pod Identity trust statement 1 has no StringEquals condition naming one value of ${NS}.`));
    });

    test("passes StringEquals naming one value next to a looser condition on the same key (IAM ANDs conditions)", async () => {
        expect(await check(podIdentityTrustScoped, [podIdentity({ StringEquals: { ...SA, [NS]: "app-api" }, StringLike: { [NS]: "app-*" } })])).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Permission documents
// ---------------------------------------------------------------------------------------------------------------------

/** The same statement in every kind of permission document. */
function everyDocument(statement: object): PlannedResource[] {
    const policy = doc({ Effect: "Allow", ...statement });
    return [
        resource("aws:iam/policy:Policy", "policy", { policy }),
        resource("aws:iam/rolePolicy:RolePolicy", "role-policy", { role: "r", policy }),
        resource("aws:iam/userPolicy:UserPolicy", "user-policy", { user: "u", policy }),
        resource("aws:iam/groupPolicy:GroupPolicy", "group-policy", { group: "g", policy }),
        resource(ROLE, "inline", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "extra", policy }] }),
    ];
}
const DOCUMENT_LABELS = ["IAM policy", "IAM role policy", "IAM user policy", "IAM group policy", 'IAM role inline policy "extra"'];

describe("iam-no-wildcard-actions: escalation wildcards", () => {
    test("flags iam:*Role*, iam:Pass* and sts:Assume* in every permission document; passes read wildcards", async () => {
        const bad = everyDocument({ Action: ["iam:*Role*", "iam:Pass*", "sts:Assume*", "iam:Get*", "ec2:Describe*"], Resource: "*" });
        const good = everyDocument({ Action: ["iam:Get*", "iam:List*", "ec2:Describe*"], Resource: "*" }).map((r) => ({ ...r, urn: `${r.urn}-good`, name: `${r.name}-good` }));
        const found = await messages(iamNoWildcardActions, [...good, ...bad]);
        expect(found).toHaveLength(15);
        expect(found.slice(0, 3)).toEqual([
            'IAM policy statement 1 allows "iam:*Role*", which grants privilege-escalation actions iam:PassRole, iam:CreateRole, iam:UpdateAssumeRolePolicy, iam:AttachRolePolicy, iam:PutRolePolicy, iam:PutRolePermissionsBoundary, iam:DeleteRolePermissionsBoundary: name the actions, and scope iam:PassRole to roles and services.',
            'IAM policy statement 1 allows "iam:Pass*", which grants privilege-escalation actions iam:PassRole: name the actions, and scope iam:PassRole to roles and services.',
            'IAM policy statement 1 allows "sts:Assume*", which grants privilege-escalation actions sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML: name the actions, and scope iam:PassRole to roles and services.',
        ]);
        expect(DOCUMENT_LABELS.map((l, i) => found[i * 3].startsWith(`${l} statement 1 allows "iam:*Role*"`))).toEqual(DOCUMENT_LABELS.map(() => true));
    });

    test("which patterns reach escalation actions (IAM matches case-insensitively, ? is one character)", () => {
        expect(escalationsGrantedBy("iam:?assrole")).toEqual(["iam:PassRole"]);
        expect(escalationsGrantedBy("iam:Attach*Policy")).toEqual(["iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy"]);
        expect(escalationsGrantedBy("iam:PassRole")).toEqual([]);
        expect(escalationsGrantedBy("iam:List*")).toEqual([]);
    });
});

describe("iam-no-data-actions-on-any-resource: any-resource patterns", () => {
    test("flags secret:*-* and key/*-* in every permission document; passes named prefixes", async () => {
        const bad = everyDocument({
            Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"],
            Resource: ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:*-*", "arn:aws:kms:ap-northeast-2:123456789012:key/*-*"],
        });
        const good = [
            resource("aws:iam/policy:Policy", "scoped", {
                policy: doc({
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"],
                    Resource: ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app-api/prod/*", "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
                }),
            }),
        ];
        expect(await messages(iamNoDataActionsOnAnyResource, [...good, ...bad])).toEqual(
            DOCUMENT_LABELS.map(
                (l) =>
                    `${l} statement 1 allows data actions secretsmanager:GetSecretValue, kms:Decrypt on every resource ("arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:*-*", "arn:aws:kms:ap-northeast-2:123456789012:key/*-*"): name the buckets, secrets, keys, queues, tables or parameters.`,
            ),
        );
    });

    test("patterns that name nothing: only wildcards and separators after the resource type", () => {
        const any = [
            "arn:aws:secretsmanager:*:*:secret:*-*",
            "arn:aws:secretsmanager:*:*:secret:*-??????",
            "arn:aws:kms:*:*:key/*-*-*-*-*",
            "arn:aws:dynamodb:*:*:table/*/index/*",
            "arn:aws:s3:::*-*/*",
            "arn:aws:sqs:*:*:*",
            "arn:aws:ssm:ap-northeast-2:123456789012:parameter/*",
        ];
        const scoped = [
            "arn:aws:secretsmanager:*:*:secret:db-*",
            "arn:aws:dynamodb:*:*:table/orders/index/*",
            "arn:aws:s3:::assets-*/*",
            "arn:aws:dynamodb:*:*:table/index",
            "arn:aws:kms:ap-northeast-2:123456789012:alias/eks/service-prod",
        ];
        expect(any.filter((r) => !isAnyResource(r))).toEqual([]);
        expect(scoped.filter(isAnyResource)).toEqual([]);
    });
});

describe("permission documents: labels, absent documents, lists in messages", () => {
    const everything = doc({ Effect: "Allow", Action: "*", Resource: "*" });

    test("an inline policy without a name is labelled with an empty name", async () => {
        expect(await messages(iamNoWildcardActions, [resource(ROLE, "unnamed", { assumeRolePolicy: "{}", inlinePolicies: [{ policy: everything }] })])).toEqual([
            'IAM role inline policy "" statement 1 allows "*": list the actions it needs.',
        ]);
    });

    test("a document without Statement is reported", async () => {
        expect(await messages(iamNoWildcardActions, [resource("aws:iam/policy:Policy", "empty", { policy: JSON.stringify({ Version: "2012-10-17" }) })])).toEqual(["IAM policy has no Statement."]);
    });

    test("no document is nothing to check: inlinePolicies [{}] (how the provider removes inline policies), an empty policy, a null one", async () => {
        const resources = [
            resource(ROLE, "cleared", { assumeRolePolicy: "{}", inlinePolicies: [{}] }),
            resource(ROLE, "read-back", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "", policy: "" }] }),
            resource("aws:iam/policy:Policy", "null", { policy: null }),
        ];
        expect(await check(iamNoWildcardActions, resources)).toEqual([]);
        expect(await check(iamNoDataActionsOnAnyResource, resources)).toEqual([]);
    });

    test("every wildcard action of a statement is listed", async () => {
        expect(await messages(iamNoWildcardActions, [resource("aws:iam/policy:Policy", "two", { policy: doc({ Effect: "Allow", Action: ["s3:*", "ec2:*"], Resource: "*" }) })])).toEqual([
            'IAM policy statement 1 allows "s3:*", "ec2:*": list the actions it needs.',
        ]);
    });

    test("one resource that is \"*\" among named ones is every resource; only it is listed", async () => {
        const policy = doc({ Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::app-assets/*", "*"] });
        expect(await messages(iamNoDataActionsOnAnyResource, [resource("aws:iam/policy:Policy", "mixed", { policy })])).toEqual([
            'IAM policy statement 1 allows data actions s3:GetObject on every resource ("*"): name the buckets, secrets, keys, queues, tables or parameters.',
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Managed policy attachments
// ---------------------------------------------------------------------------------------------------------------------

describe("iam-managed-policy-allow-list", () => {
    const role = (name: string, principal: object, extra: object = {}) =>
        resource(ROLE, name, { name, assumeRolePolicy: doc({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }), ...extra });
    const node = role("node", { Service: "ec2.amazonaws.com" });
    const workload = role("app", { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC` });
    const ci = role("ci", { AWS: `arn:aws:iam::${ACCOUNT}:root` });
    const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
    const attach = (name: string, to: PlannedResource, policyArn: string, extra: PlannedResource[] = []) =>
        resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", name, { role: to.name, policyArn }, { dependsOn: [to, ...extra] });

    test("passes the node policies EKS documents on a node role, the CNI policy on a service account's role, and a customer policy the stack defines", async () => {
        const own = resource("aws:iam/policy:Policy", "own", { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) });
        const resources = [
            node,
            workload,
            ci,
            ...["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"].map((p) => attach(`node-${p}`, node, aws(p))),
            attach("cni", workload, aws("AmazonEKS_CNI_Policy")),
            // The CloudWatch agent of the Container Insights add-on (EKS user guide, "Install the Amazon CloudWatch Observability EKS add-on").
            attach("cloudwatch-agent", workload, aws("CloudWatchAgentServerPolicy")),
            attach("xray", workload, aws("AWSXrayWriteOnlyAccess")),
            own,
            attach("own", ci, `arn:aws:iam::${ACCOUNT}:policy/own`, [own]),
        ];
        expect(await check(iamManagedPolicyAllowList, resources)).toEqual([]);
    });

    test("flags AdministratorAccess however it is attached, and policies the stack cannot read", async () => {
        const admin = aws("AdministratorAccess");
        const resources = [
            node,
            workload,
            ci,
            attach("node-admin", node, admin),
            attach("app-admin", workload, admin),
            role("legacy", { Service: "eks.amazonaws.com" }, { managedPolicyArns: [aws("AmazonEKSClusterPolicy"), admin] }),
            resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "exclusive", { roleName: "app", policyArns: [aws("AmazonS3FullAccess")] }, { dependsOn: [workload] }),
            resource("aws:iam/policyAttachment:PolicyAttachment", "everyone", { policyArn: admin, roles: ["ci"], users: ["alice"], groups: ["ops"] }, { dependsOn: [ci] }),
            resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user", { user: "bob", policyArn: aws("IAMFullAccess") }),
            resource("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group", { group: "devs", policyArn: aws("PowerUserAccess") }),
            resource("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "user-exclusive", { userName: "carol", policyArns: [admin] }),
            resource("aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive", "group-exclusive", { groupName: "admins", policyArns: [admin] }),
            attach("external", ci, "arn:aws:iam::999999999999:policy/whatever"),
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "elsewhere", { role: "not-here", policyArn: aws("ReadOnlyAccess") }),
        ];
        expect(await messages(iamManagedPolicyAllowList, resources)).toEqual([
            "RolePolicyAttachment node-admin attaches AWS managed policy AdministratorAccess to role node, which is not allowed for its kind (node: AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy, AmazonEC2ContainerRegistryPullOnly, AmazonEC2ContainerRegistryReadOnly, AmazonSSMManagedInstanceCore).",
            "RolePolicyAttachment app-admin attaches AWS managed policy AdministratorAccess to role app, which is not allowed for its kind (workload: AmazonEKS_CNI_Policy, CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess).",
            "Role legacy attaches AWS managed policy AdministratorAccess to role legacy (managedPolicyArns), which is not allowed for its kind (cluster: AmazonEKSClusterPolicy, AmazonEKSVPCResourceController).",
            "RolePolicyAttachmentsExclusive exclusive attaches AWS managed policy AmazonS3FullAccess to role app, which is not allowed for its kind (workload: AmazonEKS_CNI_Policy, CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess).",
            "PolicyAttachment everyone attaches AWS managed policy AdministratorAccess to role ci, which is not allowed for its kind (other: none).",
            "PolicyAttachment everyone attaches AWS managed policy AdministratorAccess to user alice, which is not allowed for its kind (other: none).",
            "PolicyAttachment everyone attaches AWS managed policy AdministratorAccess to group ops, which is not allowed for its kind (other: none).",
            "UserPolicyAttachment user attaches AWS managed policy IAMFullAccess to user bob, which is not allowed for its kind (other: none).",
            "GroupPolicyAttachment group attaches AWS managed policy PowerUserAccess to group devs, which is not allowed for its kind (other: none).",
            "UserPolicyAttachmentsExclusive user-exclusive attaches AWS managed policy AdministratorAccess to user carol, which is not allowed for its kind (other: none).",
            "GroupPolicyAttachmentsExclusive group-exclusive attaches AWS managed policy AdministratorAccess to group admins, which is not allowed for its kind (other: none).",
            "RolePolicyAttachment external attaches customer managed policy arn:aws:iam::999999999999:policy/whatever to role ci, which the stack does not define: its permissions cannot be checked.",
            "RolePolicyAttachment elsewhere attaches AWS managed policy ReadOnlyAccess to role not-here (not in the stack), which is not allowed for its kind (other: none).",
        ]);
    });

    test("role kinds from trust (EC2 in either partition, EKS, IRSA, Pod Identity, anything else)", () => {
        const t = (principal: object) => doc({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });
        expect(roleKinds(t({ Service: "ec2.amazonaws.com.cn" }))).toEqual(["node"]);
        expect(roleKinds(t({ Service: "eks.amazonaws.com" }))).toEqual(["cluster"]);
        expect(roleKinds(t({ Service: "pods.eks.amazonaws.com" }))).toEqual(["workload"]);
        expect(roleKinds(t({ Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] }))).toEqual(["node", "other"]);
        expect(roleKinds("not json")).toEqual(["other"]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Resource policies and keys
// ---------------------------------------------------------------------------------------------------------------------

describe("resource-policy-not-public", () => {
    const open = doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
    const config = { trustedAccountIds: [ACCOUNT] };

    test("flags Principal \"*\" in the policy of every resource type that has one", async () => {
        const resources = Object.keys(RESOURCE_POLICY_TYPES).map((type, i) => resource(type, `r${i}`, { policy: open }));
        expect(await messages(resourcePolicyNotPublic, resources, config)).toEqual(
            Object.values(RESOURCE_POLICY_TYPES).map(
                (label, i) =>
                    `${label} r${i} statement 1 allows every AWS principal ("*") with no condition tying it to an account, organization, source or private network (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceVpc, aws:SourceVpce, kms:CallerAccount, aws:SourceIp).`,
            ),
        );
    });

    test("passes \"*\" tied to a source, an account or a private network, Deny statements, and service principals", async () => {
        const resources = [
            resource("aws:sqs/queuePolicy:QueuePolicy", "events", {
                policy: doc(
                    { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:x", Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:ap-northeast-2:123456789012:rule/x" } } },
                    { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                    { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:x" },
                ),
            }),
            resource("aws:kms/key:Key", "key", { enableKeyRotation: true, policy: doc({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }) }),
            resource("aws:s3/bucketPolicy:BucketPolicy", "vpc", { policy: doc({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } } }) }),
            resource("aws:sns/topic:Topic", "quiet", {}),
        ];
        expect(await check(resourcePolicyNotPublic, resources, config)).toEqual([]);
    });

    test("flags a source-IP condition that covers the internet, IfExists conditions, NotPrincipal and foreign accounts", async () => {
        const resources = [
            resource("aws:s3/bucketPolicy:BucketPolicy", "halves", {
                policy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Condition: { IpAddress: { "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"] } } }),
            }),
            resource("aws:sns/topicPolicy:TopicPolicy", "ifexists", {
                arn: "arn:aws:sns:x",
                policy: doc({ Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: "*", Condition: { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } } }),
            }),
            resource("aws:ecr/repositoryPolicy:RepositoryPolicy", "not", { repository: "r", policy: doc({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:role/x" }, Action: "ecr:*" }) }),
            resource("aws:secretsmanager/secretPolicy:SecretPolicy", "foreign", { secretArn: "x", policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "secretsmanager:GetSecretValue", Resource: "*" }) }),
        ];
        const found = await messages(resourcePolicyNotPublic, resources, config);
        expect(found.map((m) => m.split(" statement 1 ")[0])).toEqual(["S3 bucket policy halves", "SNS topic policy ifexists", "ECR repository policy not", "Secrets Manager secret policy foreign"]);
        expect(found[2]).toBe('ECR repository policy not statement 1 allows every principal except NotPrincipal {"AWS":"arn:aws:iam::123456789012:role/x"}.');
        expect(found[3]).toBe("Secrets Manager secret policy foreign statement 1 allows AWS principal arn:aws:iam::999999999999:root of account 999999999999, which is not in trustedAccountIds.");
    });
});

describe("kms-key-rotation", () => {
    test("flags a symmetric key that does not rotate; passes a rotating one and asymmetric keys (which cannot rotate)", async () => {
        const resources = [
            resource("aws:kms/key:Key", "rotating", { enableKeyRotation: true }),
            resource("aws:kms/key:Key", "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }),
            resource("aws:kms/key:Key", "static", { description: "x" }),
            resource("aws:kms/key:Key", "off", { customerMasterKeySpec: "SYMMETRIC_DEFAULT", enableKeyRotation: false }),
        ];
        expect(await messages(kmsKeyRotation, resources)).toEqual([
            "KMS key static does not rotate its key material: set enableKeyRotation to true.",
            "KMS key off does not rotate its key material: set enableKeyRotation to true.",
        ]);
    });
});
