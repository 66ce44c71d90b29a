/**
 * The bootstrap of one environment: what its platform stack runs on.
 *
 *   config ─▶ aws provider ─▶ StateBackend (state bucket + secrets key)
 *                          └▶ GithubCiRoles (OIDC provider; deploy, plan and, in dev, pull-request preview roles)
 *
 * Applied once per environment by an administrator; the outputs are what the workflows' variables hold
 * (docs/RUNBOOK.md, "One-time setup").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadBootstrapConfig } from "./config";
import type { AccountScope } from "./documents";
import { GithubCiRoles } from "./components/githubCiRoles";
import { StateBackend } from "./components/stateBackend";

const config = loadBootstrapConfig();
const provider = new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: config.tags } });
const identity = aws.getCallerIdentityOutput({}, { provider });
const partition = aws.getPartitionOutput({}, { provider });

const scope = pulumi.all([identity.accountId, partition.partition]).apply(([accountId, p]): AccountScope => ({ accountId, partition: p, region: config.region }));

const state = new StateBackend(
    "state",
    {
        bucketName: pulumi.interpolate`eks-platform-state-${config.environment}-${identity.accountId}`,
        keyAlias: `eks-platform-${config.environment}-secrets`,
        scope,
    },
    { provider },
);
const roles = new GithubCiRoles(
    "github",
    {
        repository: config.repository,
        environment: config.environment,
        deployEnvironment: config.deployEnvironment,
        planEnvironment: config.planEnvironment,
        pullRequestPreviews: config.pullRequestPreviews,
        oidcProviderArn: config.oidcProviderArn,
        scope,
        stateBucketArn: state.bucketArn,
        secretsKeyArn: state.secretsKeyArn,
    },
    { provider },
);

export const backendUrl = state.backendUrl;
export const secretsProvider = state.secretsProvider;
export const oidcProviderArn = roles.oidcProviderArn;
export const deployRoleArn = roles.deployRoleArn;
export const planRoleArn = roles.planRoleArn;
export const previewRoleArn = roles.previewRoleArn;
/** The GitHub environments whose jobs assume the deploy and plan roles. */
export const githubEnvironments = { deploy: config.deployEnvironment, plan: config.planEnvironment };
