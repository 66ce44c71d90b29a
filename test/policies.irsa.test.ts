/**
 * The subject an IRSA trust admits (policies/iam.ts irsaStatementProblems): exactly one service account, written as
 * EKS issues it in the token's `sub` claim, `system:serviceaccount:<namespace>:<name>` (EKS User Guide, "Assign IAM
 * roles to Kubernetes service accounts"), where the namespace is a DNS-1123 label and the name a DNS-1123
 * subdomain (Kubernetes "Object Names and IDs").
 */
import { irsaStatementProblems } from "../policies/iam";

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
