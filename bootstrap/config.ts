/**
 * The bootstrap stack's config: read once, validated before any resource is registered, every problem one
 * line naming the key, the value and what is allowed (the platform's ConfigError, so the CLI prints no trace).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config";

export const ENVIRONMENTS = ["dev", "stage", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface BootstrapConfig {
    readonly project: string;
    readonly environment: Environment;
    readonly region: string;
    /** `owner/name` of the GitHub repository. */
    readonly repository: string;
    /** GitHub environment of the deploy jobs. */
    readonly deployEnvironment: string;
    /** GitHub environment of the jobs that only read (saved-plan previews before an approval, drift checks). */
    readonly planEnvironment: string;
    readonly pullRequestPreviews: boolean;
    /** Empty: this stack creates the account's GitHub OIDC provider. */
    readonly oidcProviderArn: string;
    readonly tags: Record<string, string>;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
// GitHub owner and repository names: letters, digits, '-', '_' and '.', no wildcards.
const REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9_.-]{1,255}$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

function show(v: unknown): string {
    return v === undefined ? "(missing)" : JSON.stringify(v);
}

/** Validates raw config (keys without the project prefix, values as `pulumi config` hands them over). */
export function parseBootstrapConfig(raw: Record<string, string>, project: string, stack: string): BootstrapConfig {
    const problems: string[] = [];
    const known = ["region", "repository", "deployEnvironment", "pullRequestPreviews", "oidcProviderArn", "tags"];
    for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`unknown key '${project}:${key}' (known keys: ${known.join(", ")})`);
    if (!(ENVIRONMENTS as readonly string[]).includes(stack)) problems.push(`stack is ${show(stack)}, expected one of ${ENVIRONMENTS.join(", ")} (one bootstrap stack per platform stack)`);
    const environment = stack as Environment;

    const region = raw.region ?? "ap-northeast-2";
    if (!REGION.test(region)) problems.push(`'region' is ${show(region)}, expected an AWS region such as ap-northeast-2`);
    const repository = raw.repository;
    if (repository === undefined || !REPOSITORY.test(repository)) problems.push(`'repository' is ${show(repository)}, expected owner/name of a GitHub repository, no wildcards`);
    const deployEnvironment = raw.deployEnvironment || (environment === "prod" ? "production" : environment);
    if (!GITHUB_ENVIRONMENT.test(deployEnvironment)) problems.push(`'deployEnvironment' is ${show(deployEnvironment)}, expected a GitHub environment name`);
    const previews = raw.pullRequestPreviews ?? "false";
    if (previews !== "true" && previews !== "false") problems.push(`'pullRequestPreviews' is ${show(previews)}, expected true or false`);
    if (previews === "true" && environment !== "dev") {
        problems.push(`'pullRequestPreviews' is true in ${environment}, expected false: pull requests are previewed against dev only (their code is not reviewed yet)`);
    }
    const oidcProviderArn = raw.oidcProviderArn ?? "";
    if (oidcProviderArn !== "" && !OIDC_PROVIDER_ARN.test(oidcProviderArn)) {
        problems.push(`'oidcProviderArn' is ${show(oidcProviderArn)}, expected empty or arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com`);
    }
    let tags: Record<string, string> = {};
    try {
        const parsed: unknown = JSON.parse(raw.tags ?? "{}");
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) throw new Error();
        tags = parsed as Record<string, string>;
    } catch {
        problems.push(`'tags' is ${show(raw.tags)}, expected an object of string to string`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        project,
        environment,
        region,
        repository: repository as string,
        deployEnvironment,
        planEnvironment: `${deployEnvironment}-plan`,
        pullRequestPreviews: previews === "true",
        oidcProviderArn,
        tags,
    };
}

export function loadBootstrapConfig(): BootstrapConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    // Every key of the project's namespace, so that a misspelt key is refused by name rather than ignored.
    const raw = Object.fromEntries(
        Object.entries(pulumi.runtime.allConfig())
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    return parseBootstrapConfig(raw, project, pulumi.getStack());
}
