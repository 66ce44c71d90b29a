/**
 * The bootstrap project (bootstrap/): what the platform stacks run on. Planned offline by the same harness as
 * the platform (its own Pulumi.yaml and stack files), and checked on what matters: each CI role trusts exactly
 * one repository and GitHub environment (StringEquals, no wildcard), previews of pull requests exist only for
 * dev, the state bucket is versioned, encrypted, TLS-only and private, and the secrets key rotates.
 */
import * as path from "path";
import { parseBootstrapConfig } from "../bootstrap/config";
import { ciBoundaryPolicy, deployPolicy, githubTrustPolicy, stateAccess } from "../bootstrap/documents";
import type { PolicyDocument, PolicyStatement } from "../lib/iam";
import { find, inputsOf, ofType, Plan, planProject, planProjectError } from "./harness";

const ROOT = path.resolve(__dirname, "../bootstrap");
const ACCOUNT = "123456789012";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

function trustOf(p: Plan, name: string): Record<string, any> {
    return JSON.parse(inputsOf(p, "aws:iam/role:Role", name).assumeRolePolicy);
}

describe("bootstrap plan", () => {
    test("prod: the GitHub OIDC provider, a deploy role trusting exactly repo:example-org/eks-platform:environment:production", async () => {
        const p = await planProject(ROOT, "prod");
        expect(p.project).toBe("eks-platform-bootstrap");
        expect(inputsOf(p, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github-github-oidc")).toMatchObject({
            url: "https://token.actions.githubusercontent.com",
            clientIdLists: ["sts.amazonaws.com"],
        });
        expect(trustOf(p, "github-deploy")).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                            "token.actions.githubusercontent.com:sub": "repo:example-org/eks-platform:environment:production",
                        },
                    },
                },
            ],
        });
        expect(trustOf(p, "github-plan").Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe(
            "repo:example-org/eks-platform:environment:production-plan",
        );
        // No pull-request preview role outside dev.
        expect(ofType(p, "aws:iam/role:Role").map((r) => r.name).sort()).toEqual(["github-deploy", "github-plan"]);
    });

    test("no trust anywhere has a wildcard or a StringLike condition", async () => {
        for (const stack of ["dev", "stage", "prod"]) {
            const p = await planProject(ROOT, stack);
            for (const role of ofType(p, "aws:iam/role:Role")) {
                const text = role.inputs.assumeRolePolicy as string;
                expect([stack, role.name, text.includes("*"), text.includes("StringLike")]).toEqual([stack, role.name, false, false]);
            }
        }
    });

    test("dev: the pull-request preview role, read-only, trusting only pull_request tokens of the repository", async () => {
        const p = await planProject(ROOT, "dev");
        expect(trustOf(p, "github-preview").Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:example-org/eks-platform:pull_request");
        expect(inputsOf(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "github-preview-read-only").policyArn).toBe("arn:aws:iam::aws:policy/ReadOnlyAccess");
        expect(ofType(p, "aws:iam/rolePolicy:RolePolicy").map((r) => r.name).sort()).toEqual(["github-deploy-policy", "github-plan-state", "github-preview-state"]);
    });

    test("every CI role lives under /ci/ with the CI boundary, sessions of at most an hour", async () => {
        const p = await planProject(ROOT, "stage");
        const boundary = find(p, "aws:iam/policy:Policy", "github-boundary");
        expect(boundary.inputs).toMatchObject({ name: "eks-platform-ci-boundary-stage", path: "/ci/" });
        for (const role of ofType(p, "aws:iam/role:Role")) {
            expect(role.inputs).toMatchObject({ path: "/ci/", maxSessionDuration: 3600 });
            expect(role.inputs.permissionsBoundary).toEqual(expect.any(String));
            expect(role.dependencies).toContain(boundary.urn);
        }
    });

    test("the state bucket: versioned, KMS-encrypted with the rotated secrets key, private, TLS and this account only, protected", async () => {
        const p = await planProject(ROOT, "prod");
        const bucket = find(p, "aws:s3/bucket:Bucket", "state-bucket");
        expect(bucket.inputs.bucket).toBe(`eks-platform-state-prod-${ACCOUNT}`);
        expect(bucket.protect).toBe(true);
        expect(find(p, "aws:kms/key:Key", "state-secrets-key")).toMatchObject({ protect: true, inputs: expect.objectContaining({ enableKeyRotation: true }) });
        expect(inputsOf(p, "aws:kms/alias:Alias", "state-secrets-key-alias").name).toBe("alias/eks-platform-prod-secrets");
        expect(inputsOf(p, "aws:s3/bucketVersioning:BucketVersioning", "state-versioning").versioningConfiguration).toEqual({ status: "Enabled" });
        expect(inputsOf(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state-public-access")).toMatchObject({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        const sse = inputsOf(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state-encryption");
        expect(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
        const policy = JSON.parse(inputsOf(p, "aws:s3/bucketPolicy:BucketPolicy", "state-policy").policy);
        expect(policy.Statement.map((s: { Sid: string; Condition: unknown }) => [s.Sid, s.Condition])).toEqual([
            ["TlsOnly", { Bool: { "aws:SecureTransport": "false" } }],
            ["ThisAccountOnly", { StringNotEquals: { "aws:PrincipalAccount": ACCOUNT } }],
        ]);
        expect(p.outputs.secretsProvider).toBe("awskms://alias/eks-platform-prod-secrets?region=ap-northeast-2");
        expect(p.outputs.backendUrl).toBe(`s3://eks-platform-state-prod-${ACCOUNT}?region=ap-northeast-2`);
    });

    test("a shared account reuses the account's OIDC provider instead of creating a second one", async () => {
        const p = await planProject(ROOT, "stage", `oidcProviderArn=${PROVIDER}`);
        expect(ofType(p, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
        expect(trustOf(p, "github-deploy").Statement[0].Principal).toEqual({ Federated: PROVIDER });
    });

    test("refusals: one line per problem, before any resource", async () => {
        const err = (await planProjectError(ROOT, "prod", "pullRequestPreviews=true", "repository=example-org/*", "regoin=x")) as Error & { registered: string[] };
        expect(err.message).toBe(
            "Invalid stack config: unknown key 'eks-platform-bootstrap:regoin' (known keys: region, repository, deployEnvironment, pullRequestPreviews, oidcProviderArn, tags); " +
                `'repository' is "example-org/*", expected owner/name of a GitHub repository, no wildcards; ` +
                "'pullRequestPreviews' is true in prod, expected false: pull requests are previewed against dev only (their code is not reviewed yet)",
        );
        expect(err.registered.filter((t) => t !== "pulumi:pulumi:Stack")).toEqual([]);
    });
});

/** The statements of a document built here (always a plain array, never an Output). */
const statements = (doc: PolicyDocument): PolicyStatement[] => doc.Statement as PolicyStatement[];

describe("bootstrap documents", () => {
    const scope = { partition: "aws", accountId: ACCOUNT, region: "ap-northeast-2" };
    const protectedResources = { stateBucketArn: "arn:aws:s3:::state", secretsKeyArn: `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/k`, ciPath: "/ci/" };

    test("the boundary denies long-lived credentials, changes to the CI identity, state and key destruction", () => {
        const doc = ciBoundaryPolicy(scope, protectedResources);
        const deny = Object.fromEntries(statements(doc).filter((s) => s.Effect === "Deny").map((s) => [s.Sid, s.Resource]));
        expect(deny).toEqual({
            NoLongLivedCredentials: "*",
            NoChangesToCiIdentity: [`arn:aws:iam::${ACCOUNT}:role/ci/*`, `arn:aws:iam::${ACCOUNT}:policy/ci/*`, PROVIDER],
            NoStateDestruction: ["arn:aws:s3:::state", "arn:aws:s3:::state/*"],
            NoSecretsKeyDestruction: protectedResources.secretsKeyArn,
            NoOrganizationChanges: "*",
        });
    });

    test("the deploy role writes state; read-only roles only read it and take the preview lock", () => {
        const writes = stateAccess(protectedResources, "readwrite").find((s) => s.Sid === "StateObjects");
        expect(writes?.Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        const reads = stateAccess(protectedResources, "read");
        expect(reads.find((s) => s.Sid === "StateObjects")?.Action).toEqual(["s3:GetObject"]);
        expect(reads.find((s) => s.Sid === "StateLocks")).toEqual({ Sid: "StateLocks", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: "arn:aws:s3:::state/.pulumi/locks/*" });
        expect(reads.find((s) => s.Sid === "SecretsKey")?.Action).toEqual(["kms:Decrypt"]);
        const deploy = deployPolicy(scope, protectedResources);
        expect(statements(deploy).find((s) => s.Sid === "IamForThePlatform")?.Resource).toEqual([
            `arn:aws:iam::${ACCOUNT}:role/*`,
            `arn:aws:iam::${ACCOUNT}:policy/*`,
            `arn:aws:iam::${ACCOUNT}:instance-profile/*`,
            `arn:aws:iam::${ACCOUNT}:oidc-provider/*`,
        ]);
    });

    test("trust is built for exactly the subject given", () => {
        expect(statements(githubTrustPolicy(PROVIDER, "repo:o/r:environment:dev"))[0]).toMatchObject({
            Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:environment:dev" } },
        });
    });

    test("config: GitHub environment names default from the stack; prod deploys from `production`", () => {
        const base = { repository: "o/r" };
        expect(parseBootstrapConfig(base, "p", "prod")).toMatchObject({ deployEnvironment: "production", planEnvironment: "production-plan", pullRequestPreviews: false });
        expect(parseBootstrapConfig({ ...base, pullRequestPreviews: "true" }, "p", "dev")).toMatchObject({ deployEnvironment: "dev", planEnvironment: "dev-plan", pullRequestPreviews: true });
        expect(() => parseBootstrapConfig(base, "p", "qa")).toThrow('stack is "qa", expected one of dev, stage, prod');
        expect(() => parseBootstrapConfig({}, "p", "dev")).toThrow("'repository' is (missing), expected owner/name of a GitHub repository, no wildcards");
    });
});
