/**
 * The subject an IRSA trust admits (policies/iam.ts irsaStatementProblems): exactly one service account, written as
 * EKS issues it in the token's `sub` claim, `system:serviceaccount:<namespace>:<name>` (EKS User Guide, "Assign IAM
 * roles to Kubernetes service accounts"), where the namespace is a DNS-1123 label and the name a DNS-1123
 * subdomain (Kubernetes "Object Names and IDs").
 */
import { iamRoleTrustScoped, irsaStatementProblems } from "../policies/iam";
import { check, resource } from "./policyHarness";

const ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

function statement(subject: string) {
    return {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${ISSUER}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${ISSUER}:sub`]: subject, [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
    };
}

const problems = (subject: string) => irsaStatementProblems(statement(subject) as never, ISSUER);

describe("IRSA trust subjects", () => {
    test.each([
        "system:serviceaccount:kube-system:aws-load-balancer-controller",
        "system:serviceaccount:karpenter:karpenter",
        "system:serviceaccount:a:b",
        "system:serviceaccount:app-api:api.v2",
        "system:serviceaccount:team-1:worker-2",
    ])("admits %s", (subject) => {
        expect(problems(subject)).toEqual([]);
    });

    test.each([
        "xsystem:serviceaccount:app:api",
        "system:serviceaccount:app:api:extra",
        "system:serviceaccount:app:api ",
        "system:serviceaccount:-app:api",
        "system:serviceaccount:app-:api",
        "system:serviceaccount:App:api",
        "system:serviceaccount:app.v2:api",
        "system:serviceaccount:app:api-",
        "system:serviceaccount:app:.api",
        "system:serviceaccount:app:*",
        "system:serviceaccount::api",
    ])("refuses %j", (subject) => {
        expect(problems(subject)).toEqual([`subject ${JSON.stringify(subject)} is not one exact system:serviceaccount:<namespace>:<name>`]);
    });
});

describe("IRSA condition operators", () => {
    test("the subject and audience under StringEquals; other keys under other operators are the author's business", () => {
        const s = statement("system:serviceaccount:app:api");
        const extra = { ...s, Condition: { ...s.Condition, StringLike: { "aws:RequestTag/team": "app-*" } } };
        expect(irsaStatementProblems(extra as never, ISSUER)).toEqual([]);
    });

    test.each([
        [["sts.amazonaws.com", "other"]],
        [["other"]],
        [[]],
    ])("audiences %j: exactly sts.amazonaws.com is required (the audience EKS tokens for IRSA carry)", (audiences) => {
        const s = statement("system:serviceaccount:app:api");
        const withAud = { ...s, Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:app:api", [`${ISSUER}:aud`]: audiences } } };
        expect(irsaStatementProblems(withAud as never, ISSUER)).toEqual([`has no StringEquals condition ${ISSUER}:aud = sts.amazonaws.com`]);
    });

    test("the audience matched with StringLike is named", () => {
        const s = statement("system:serviceaccount:app:api");
        const like = { ...s, Condition: { StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:app:api" }, StringLike: { [`${ISSUER}:aud`]: "sts.*" } } };
        expect(irsaStatementProblems(like as never, ISSUER)).toEqual([
            "matches the audience with StringLike instead of StringEquals",
            `has no StringEquals condition ${ISSUER}:aud = sts.amazonaws.com`,
        ]);
    });
});

describe("which OIDC providers are EKS clusters (IRSA's stricter rules)", () => {
    // EKS issuers: https://oidc.eks.<region>.amazonaws.com/id/<id>, .amazonaws.com.cn in the China regions (EKS User
    // Guide, "Create an IAM OIDC provider for your cluster"). A subject matched with StringLike is fine for another
    // identity provider (GitHub: repo:org/*) but not for a cluster, where it admits every service account it matches.
    const trustOf = (issuer: string) =>
        resource("aws:iam/role:Role", "role", {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${issuer}:sub`]: "system:serviceaccount:app:*" } },
                    },
                ],
            }),
        });
    const flagged = async (issuer: string) => (await check(iamRoleTrustScoped, [trustOf(issuer)], { trustedAccountIds: ["123456789012"] })).length > 0;

    test.each([
        ["oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", true],
        ["oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE", true],
        ["auth.oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLE", false],
        ["oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLE/realms/app", false],
        ["token.actions.githubusercontent.com", false],
    ])("%s is an EKS cluster: %s", async (issuer, eks) => {
        expect(await flagged(issuer)).toBe(eks);
    });
});
