import * as path from "path";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "../components/workloadIdentity";
import { applicationStatements, secretArn } from "../lib/appPermissions";
import { boundedName } from "../lib/iam";
import { diffPlans } from "../plan/render";
import { find, ofType, plan, Plan, planProgram } from "./harness";

const ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789";
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;

let fixture: Plan;
beforeAll(async () => {
    fixture = await planProgram(path.join(__dirname, "fixtures/identity.ts"), "test", {});
});

function trustOf(p: Plan, name: string): unknown {
    return JSON.parse((find(p, "aws:iam/role:Role", name).inputs as { assumeRolePolicy: string }).assumeRolePolicy);
}

describe("WorkloadIdentity", () => {
    test("irsa: trust is the cluster's OIDC provider, exactly one service account, and the STS audience", () => {
        expect(trustOf(fixture, "irsa-role")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER_ARN },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${ISSUER}:sub`]: "system:serviceaccount:payments:app-api",
                            [`${ISSUER}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ],
        });
    });

    test("irsa: the ServiceAccount carries the role ARN annotation, and waits for the permissions", () => {
        const sa = find(fixture, "kubernetes:core/v1:ServiceAccount", "irsa-sa");
        const metadata = (sa.inputs as { metadata: { name: string; namespace: string; annotations: Record<string, string> } }).metadata;
        expect(metadata.name).toBe("app-api");
        expect(metadata.namespace).toBe("payments");
        expect(metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/service-test-payments-app-api" });
        expect(sa.dependencies).toContain(find(fixture, "aws:iam/rolePolicy:RolePolicy", "irsa-permissions").urn);
        expect(ofType(fixture, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((r) => r.name)).toEqual(["pod-identity-association"]);
    });

    test("podIdentity: trust is the Pod Identity service for this account, cluster, namespace and service account only", () => {
        // Condition keys: aws:SourceAccount / aws:SourceArn (IAM global keys) and the session tags EKS Pod Identity sets
        // (EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity" and "Enable or disable session tags").
        expect(trustOf(fixture, "pod-identity-role")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "EksPodIdentity",
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:SourceAccount": "123456789012",
                            "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:ap-northeast-2:123456789012:cluster/service-test",
                            "aws:RequestTag/kubernetes-namespace": "payments",
                            "aws:RequestTag/kubernetes-service-account": "worker",
                        },
                        ArnLike: { "aws:SourceArn": "arn:aws:eks:ap-northeast-2:123456789012:podidentityassociation/service-test/*" },
                    },
                },
            ],
        });
        const association = find(fixture, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "pod-identity-association").inputs;
        expect(association).toMatchObject({
            clusterName: "service-test",
            namespace: "payments",
            serviceAccount: "worker",
            roleArn: "arn:aws:iam::123456789012:role/service-test-payments-worker",
        });
        const sa = (find(fixture, "kubernetes:core/v1:ServiceAccount", "pod-identity-sa").inputs as { metadata: Record<string, unknown> }).metadata;
        expect(sa.annotations).toBeUndefined();
    });

    test("a role's description names its mechanism, service account and cluster", () => {
        const description = (name: string) => (find(fixture, "aws:iam/role:Role", name).inputs as { description: string }).description;
        expect(description("irsa-role")).toBe("IRSA role of payments/app-api in service-test");
        expect(description("pod-identity-role")).toBe("Pod Identity role of payments/worker in service-test");
    });

    test("podIdentity: the association is the identity's child (deleted and renamed with it)", () => {
        const identity = find(fixture, "eks-platform:identity:WorkloadIdentity", "pod-identity").urn;
        expect(find(fixture, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "pod-identity-association").parent).toBe(identity);
    });

    test("no statements, no inline policy: IAM rejects a policy document without statements", () => {
        expect(ofType(fixture, "aws:iam/rolePolicy:RolePolicy").map((r) => r.name).sort()).toEqual(["irsa-permissions", "pod-identity-permissions"]);
        // The account waits only for its role (the annotation), nothing else.
        expect(find(fixture, "kubernetes:core/v1:ServiceAccount", "no-access-sa").dependencies).toEqual([find(fixture, "aws:iam/role:Role", "no-access-role").urn]);
    });

    test("role names stay within 64 characters, deterministically, for long names", () => {
        const role = find(fixture, "aws:iam/role:Role", "long-role").inputs as { name: string };
        const full = `service-with-a-rather-long-cluster-name-x-${"n".repeat(30)}-${"s".repeat(27)}`;
        expect(full.length).toBe(100);
        expect(role.name).toHaveLength(64);
        // The first 55 characters, then "-" and the first 8 hex digits of the SHA-256 of the full name
        // (`printf '%s' <name> | sha256sum`).
        expect(role.name).toBe("service-with-a-rather-long-cluster-name-x-nnnnnnnnnnnnn-bfd24b0a");
        // Two long names that share the prefix still differ.
        expect(boundedName(`${"a".repeat(70)}-one`)).not.toBe(boundedName(`${"a".repeat(70)}-two`));
        expect(boundedName("short")).toBe("short");
        const managed = ofType(fixture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => r.inputs as { policyArn: string });
        expect(managed).toEqual([expect.objectContaining({ policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })]);
    });

    test("application permissions name only the configured buckets and secrets", () => {
        const policy = JSON.parse((find(fixture, "aws:iam/rolePolicy:RolePolicy", "irsa-permissions").inputs as { policy: string }).policy);
        expect(policy.Statement).toEqual([
            { Sid: "S3Objects0", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::app-assets/*" },
            { Sid: "S3List0", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::app-assets" },
            { Sid: "S3Objects1", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws:s3:::app-exports/*" },
            {
                Sid: "ReadSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app/db-AbCdEf"],
            },
        ]);
        const resources = policy.Statement.flatMap((s: { Resource: string | string[] }) => [s.Resource].flat());
        expect(resources).not.toContain("*");
    });

    test("a secret given by name is scoped to exactly that secret in the stack's account and region", () => {
        const scope = { partition: "aws", region: "ap-northeast-2", accountId: "123456789012" };
        expect(secretArn("app-api/db", scope)).toBe("arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app-api/db-??????");
        expect(secretArn("arn:aws:secretsmanager:us-east-1:210987654321:secret:x-AbCdEf", scope)).toBe("arn:aws:secretsmanager:us-east-1:210987654321:secret:x-AbCdEf");
        expect(() => secretArn("app-api/db")).toThrow(/named without an ARN/);
    });

    test("prod plan: a service's secret by name becomes its ARN pattern in the role policy", async () => {
        const services = JSON.parse((await plan("prod")).config["eks-platform:services"]);
        services[0].aws.secrets = [{ secret: "app-api/prod/api-key" }];
        const p = await plan("prod", `services=${JSON.stringify(services)}`);
        const policy = JSON.parse((find(p, "aws:iam/rolePolicy:RolePolicy", "app-api-permissions").inputs as { policy: string }).policy);
        expect(policy.Statement.find((st: { Sid: string }) => st.Sid === "ReadSecrets").Resource).toEqual([
            "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app-api/prod/api-key-??????",
        ]);
    });

    test("no access configured means no permissions at all", () => {
        expect(applicationStatements({ s3Buckets: [], secrets: [] })).toEqual([]);
    });

    test("trust policy builders never widen the subject", () => {
        const doc = irsaTrustPolicy(PROVIDER_ARN, ISSUER, "ns", "sa");
        const text = JSON.stringify(doc);
        expect(text).not.toContain("StringLike");
        expect(text).not.toContain("*");
        const pod = podIdentityTrustPolicy("arn:aws-cn:eks:cn-north-1:210987654321:cluster/c", "ns", "sa");
        expect(pod.Statement).toHaveLength(1);
        expect(pod.Statement[0].Condition.ArnLike).toEqual({ "aws:SourceArn": "arn:aws-cn:eks:cn-north-1:210987654321:podidentityassociation/c/*" });
        expect(pod.Statement[0].Condition.StringEquals["aws:SourceAccount"]).toBe("210987654321");
        expect(() => podIdentityTrustPolicy("arn:aws:iam::123456789012:role/x", "ns", "sa")).toThrow(/not an EKS cluster ARN/);
        // Only a whole cluster ARN: nothing before `arn:`, nothing after the name (not even a line break).
        expect(() => podIdentityTrustPolicy("xarn:aws:eks:ap-northeast-2:123456789012:cluster/c", "ns", "sa")).toThrow(/not an EKS cluster ARN/);
        expect(() => podIdentityTrustPolicy("arn:aws:eks:ap-northeast-2:123456789012:cluster/c\nx", "ns", "sa")).toThrow(/not an EKS cluster ARN/);
    });

    test("prod: every service account with AWS access has a role trusting exactly that namespace and account", async () => {
        const p = await plan("prod");
        const accounts = ofType(p, "kubernetes:core/v1:ServiceAccount").map((r) => (r.inputs as { metadata: { name: string; namespace: string; annotations?: Record<string, string> } }).metadata);
        expect(accounts.map((m) => `${m.namespace}/${m.name}`).sort()).toEqual(["app-api/app-api", "karpenter/karpenter", "kube-system/aws-load-balancer-controller"]);
        const roles = new Map(
            ofType(p, "aws:iam/role:Role").map((r) => {
                const inputs = r.inputs as { name: string; assumeRolePolicy: string };
                return [`arn:aws:iam::123456789012:role/${inputs.name}`, JSON.parse(inputs.assumeRolePolicy)];
            }),
        );
        for (const sa of accounts) {
            const trust = roles.get(sa.annotations!["eks.amazonaws.com/role-arn"]);
            const conditions = trust.Statement[0].Condition.StringEquals as Record<string, string>;
            expect(Object.entries(conditions).map(([k, v]) => [k.replace(/^.*:/, ""), v])).toEqual([
                ["sub", `system:serviceaccount:${sa.namespace}:${sa.name}`],
                ["aud", "sts.amazonaws.com"],
            ]);
        }
    });

    test("podIdentity prod: every role trusts only its own namespace and service account in this cluster and account", async () => {
        const p = await plan("prod", "identityMode=podIdentity");
        const associations = ofType(p, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map(
            (r) => r.inputs as { clusterName: string; namespace: string; serviceAccount: string; roleArn: string },
        );
        expect(associations.map((a) => `${a.namespace}/${a.serviceAccount}`).sort()).toEqual([
            "app-api/app-api",
            "karpenter/karpenter",
            "kube-system/aws-load-balancer-controller",
        ]);
        const roles = new Map(
            ofType(p, "aws:iam/role:Role").map((r) => {
                const inputs = r.inputs as { name: string; assumeRolePolicy: string };
                return [`arn:aws:iam::123456789012:role/${inputs.name}`, JSON.parse(inputs.assumeRolePolicy)];
            }),
        );
        for (const a of associations) {
            expect(a.clusterName).toBe("service-prod");
            expect(roles.get(a.roleArn).Statement).toEqual([
                {
                    Sid: "EksPodIdentity",
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:SourceAccount": "123456789012",
                            "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:ap-northeast-2:123456789012:cluster/service-prod",
                            "aws:RequestTag/kubernetes-namespace": a.namespace,
                            "aws:RequestTag/kubernetes-service-account": a.serviceAccount,
                        },
                        ArnLike: { "aws:SourceArn": "arn:aws:eks:ap-northeast-2:123456789012:podidentityassociation/service-prod/*" },
                    },
                },
            ]);
        }
    });

    test("service accounts: no API token for applications; only the load balancer controller's pods take it from theirs", async () => {
        const p = await plan("prod");
        const automount = Object.fromEntries(
            ofType(p, "kubernetes:core/v1:ServiceAccount").map((r) => {
                const inputs = r.inputs as { metadata: { name: string; namespace: string }; automountServiceAccountToken?: boolean };
                return [`${inputs.metadata.namespace}/${inputs.metadata.name}`, inputs.automountServiceAccountToken];
            }),
        );
        expect(automount).toEqual({
            "app-api/app-api": false,
            // The Karpenter chart's pod template sets automountServiceAccountToken: true itself.
            "karpenter/karpenter": false,
            // The load balancer controller chart's pod template does not: its pods need the account's.
            "kube-system/aws-load-balancer-controller": true,
        });
        expect(find(fixture, "kubernetes:core/v1:ServiceAccount", "irsa-sa").inputs.automountServiceAccountToken).toBe(false);
        expect(find(fixture, "kubernetes:core/v1:ServiceAccount", "long-sa").inputs.automountServiceAccountToken).toBe(true);
    });

    test("switching the stack to Pod Identity touches identity objects and rolls exactly the pods that use them", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", "identityMode=podIdentity"));
        const summary = changes.map((c) => `${c.op} ${c.type}`).sort();
        expect(summary).toEqual([
            ...Array(3).fill("create aws:eks/podIdentityAssociation:PodIdentityAssociation"),
            // aws-node (VPC CNI add-on) and the CloudWatch agent (Container Insights add-on): each add-on swaps its role
            // annotation for a Pod Identity association.
            ...Array(2).fill("update aws:eks/addon:Addon"),
            ...Array(5).fill("update aws:iam/role:Role"),
            ...Array(2).fill("update kubernetes:apps/v1:Deployment"),
            ...Array(3).fill("update kubernetes:core/v1:ServiceAccount"),
            ...Array(2).fill("update kubernetes:helm.sh/v3:Release"),
            // The pods of the three may now reach the Pod Identity agent (app-api, karpenter, the LB controller).
            ...Array(3).fill("update kubernetes:networking.k8s.io/v1:NetworkPolicy"),
        ]);
        for (const c of changes.filter((x) => x.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
            expect(c.changes.map((f) => f.path)).toEqual(["spec.egress"]);
            const { before, after } = c.changes[0] as unknown as { before: unknown[]; after: unknown[] };
            expect(after).toEqual([...before, { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] }]);
        }
        const addon = changes.find((c) => c.type === "aws:eks/addon:Addon")!;
        expect(addon.changes.map((f) => f.path).sort()).toEqual(["podIdentityAssociations", "serviceAccountRoleArn"]);
        // Credentials are injected when a pod is created: the controllers and both colors of the application roll,
        // through their pod template, and nothing else about them changes.
        for (const c of changes.filter((x) => x.type === "kubernetes:apps/v1:Deployment")) {
            expect(c.changes.map((f) => [f.path, f.before, f.after])).toEqual([
                ["spec.template.metadata.annotations.eks-platform/identity-mode", "irsa", "podIdentity"],
            ]);
        }
        for (const c of changes.filter((x) => x.type === "kubernetes:helm.sh/v3:Release")) {
            expect(c.changes.map((f) => [f.path, f.before, f.after])).toEqual([
                ["values.podAnnotations.eks-platform/identity-mode", "irsa", "podIdentity"],
            ]);
        }
        const addons = changes.filter((c) => c.type === "aws:eks/addon:Addon");
        expect(addons.map((c) => c.name).sort()).toEqual(["cluster-vpc-cni", "container-insights"]);
        for (const addon of addons) expect(addon.changes.map((f) => f.path).sort()).toEqual(["podIdentityAssociations", "serviceAccountRoleArn"]);
        for (const c of changes.filter((x) => x.type === "kubernetes:core/v1:ServiceAccount")) {
            expect(c.changes.map((f) => [f.path, f.after])).toEqual([["metadata.annotations", undefined]]);
        }
        for (const c of changes.filter((x) => x.type === "aws:iam/role:Role")) {
            const after = JSON.parse(c.changes.find((f) => f.path === "assumeRolePolicy")!.after as string);
            expect(after.Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        }
    });
});
