/**
 * The identities GitHub Actions assumes for one environment, each trusting exactly one OIDC subject:
 * - deploy (`repo:<r>:environment:<deploy env>`): runs `pulumi up`; bounded by the CI permissions boundary;
 * - plan (`repo:<r>:environment:<deploy env>-plan`): read-only, for saved-plan previews before an approval and
 *   for drift checks;
 * - preview (`repo:<r>:pull_request`, dev only): read-only, for `pulumi preview` of pull requests.
 * The account's GitHub OIDC provider is created here unless an existing one is given.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn } from "../../lib/iam";
import { AccountScope, ProtectedResources, ciBoundaryPolicy, deployPolicy, environmentSubject, GITHUB_OIDC, githubTrustPolicy, pullRequestSubject, stateAccess } from "../documents";

export interface GithubCiRolesArgs {
    readonly repository: string;
    readonly environment: string;
    readonly deployEnvironment: string;
    readonly planEnvironment: string;
    readonly pullRequestPreviews: boolean;
    /** Existing provider ARN, or empty to create the account's provider. */
    readonly oidcProviderArn: string;
    readonly scope: pulumi.Output<AccountScope>;
    readonly stateBucketArn: pulumi.Input<string>;
    readonly secretsKeyArn: pulumi.Input<string>;
}

/** Path of every CI role and of the boundary: the boundary denies changes under it. */
export const CI_PATH = "/ci/";

export class GithubCiRoles extends pulumi.ComponentResource {
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly deployRoleArn: pulumi.Output<string>;
    public readonly planRoleArn: pulumi.Output<string>;
    public readonly previewRoleArn: pulumi.Output<string>;

    constructor(name: string, args: GithubCiRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform-bootstrap:ci:GithubCiRoles", name, {}, opts);
        const child = { parent: this };

        this.oidcProviderArn =
            args.oidcProviderArn !== ""
                ? pulumi.output(args.oidcProviderArn)
                : new aws.iam.OpenIdConnectProvider(`${name}-github-oidc`, { url: `https://${GITHUB_OIDC.host}`, clientIdLists: [GITHUB_OIDC.audience] }, child).arn;

        const protectedResources = pulumi.all([args.stateBucketArn, args.secretsKeyArn]).apply(([stateBucketArn, secretsKeyArn]) => ({ stateBucketArn, secretsKeyArn, ciPath: CI_PATH }));
        const withScope = <T>(build: (scope: AccountScope, p: ProtectedResources) => T) =>
            pulumi.all([args.scope, protectedResources]).apply(([scope, p]) => JSON.stringify(build(scope, p)));
        const boundary = new aws.iam.Policy(
            `${name}-boundary`,
            {
                name: `eks-platform-ci-boundary-${args.environment}`,
                path: CI_PATH,
                description: "Permissions boundary of the platform's CI roles",
                policy: withScope(ciBoundaryPolicy),
            },
            child,
        );

        const role = (kind: string, subject: string) =>
            new aws.iam.Role(
                `${name}-${kind}`,
                {
                    name: `eks-platform-${args.environment}-${kind}`,
                    path: CI_PATH,
                    description: `GitHub Actions ${kind} role of the ${args.environment} platform stack (${subject})`,
                    maxSessionDuration: 3600,
                    permissionsBoundary: boundary.arn,
                    assumeRolePolicy: this.oidcProviderArn.apply((arn) => JSON.stringify(githubTrustPolicy(arn, subject))),
                },
                child,
            );

        const deploy = role("deploy", environmentSubject(args.repository, args.deployEnvironment));
        new aws.iam.RolePolicy(`${name}-deploy-policy`, { role: deploy.name, policy: withScope(deployPolicy) }, child);

        const readOnly = (r: aws.iam.Role, kind: string) => {
            new aws.iam.RolePolicyAttachment(`${name}-${kind}-read-only`, { role: r.name, policyArn: args.scope.apply((scope) => managedPolicyArn("ReadOnlyAccess", scope.partition)) }, child);
            new aws.iam.RolePolicy(
                `${name}-${kind}-state`,
                { role: r.name, policy: withScope((_, p) => ({ Version: "2012-10-17", Statement: stateAccess(p, "read") })) },
                child,
            );
        };
        const plan = role("plan", environmentSubject(args.repository, args.planEnvironment));
        readOnly(plan, "plan");

        let preview: aws.iam.Role | undefined;
        if (args.pullRequestPreviews) {
            preview = role("preview", pullRequestSubject(args.repository));
            readOnly(preview, "preview");
        }

        this.deployRoleArn = deploy.arn;
        this.planRoleArn = plan.arn;
        // Empty where pull requests are not previewed (every environment but dev).
        this.previewRoleArn = preview ? preview.arn : pulumi.output("");
        this.registerOutputs({ oidcProviderArn: this.oidcProviderArn, deployRoleArn: this.deployRoleArn, planRoleArn: this.planRoleArn, previewRoleArn: this.previewRoleArn });
    }
}
