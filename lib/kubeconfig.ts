/**
 * One identity for both providers: the AWS provider's credentials and the Kubernetes provider's token come
 * from the same `deployIdentity` (profile and/or role), so that what pulumi does in AWS and in the cluster is
 * done by the same principal, the one the access entries name.
 */
import type * as aws from "@pulumi/aws";
import type { DeployIdentityConfig } from "../config";

/**
 * Arguments of `aws eks get-token` (AWS CLI v2) for the identity. The profile is passed as `--profile`, not
 * `AWS_PROFILE`, because ambient credentials in the environment win over `AWS_PROFILE` but not over the flag.
 */
export function tokenArgs(clusterName: string, region: string, identity: DeployIdentityConfig): string[] {
    return [
        "--region",
        region,
        "eks",
        "get-token",
        "--cluster-name",
        clusterName,
        "--output",
        "json",
        ...(identity.roleArn !== null ? ["--role-arn", identity.roleArn] : []),
        ...(identity.profile !== null ? ["--profile", identity.profile] : []),
    ];
}

/** The AWS provider's credential settings for the identity (nothing set: ambient credentials). */
export function awsProviderCredentials(identity: DeployIdentityConfig, sessionName: string): Pick<aws.ProviderArgs, "profile" | "assumeRoles"> {
    return {
        ...(identity.profile !== null ? { profile: identity.profile } : {}),
        ...(identity.roleArn !== null ? { assumeRoles: [{ roleArn: identity.roleArn, sessionName }] } : {}),
    };
}

export interface KubeconfigArgs {
    readonly clusterName: string;
    readonly region: string;
    /** API server URL. */
    readonly server: string;
    /** Base64 cluster CA bundle. */
    readonly certificateAuthorityData: string;
    /** Whose token the kubeconfig fetches; null fields use the ambient credentials of whoever runs it. */
    readonly identity: DeployIdentityConfig;
}

/** A kubeconfig whose user runs `aws eks get-token` as the identity. */
export function kubeconfigFor(args: KubeconfigArgs): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: args.clusterName, cluster: { server: args.server, "certificate-authority-data": args.certificateAuthorityData } }],
        contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
        "current-context": args.clusterName,
        users: [
            {
                name: args.clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: tokenArgs(args.clusterName, args.region, args.identity),
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    };
}

/** Server and CA of the kubeconfig pulumi-eks emits (one cluster entry). */
export function clusterOfKubeconfig(kubeconfig: unknown): { server: string; certificateAuthorityData: string } {
    const cluster = (kubeconfig as { clusters?: { cluster?: { server?: string; "certificate-authority-data"?: string } }[] }).clusters?.[0]?.cluster;
    if (!cluster?.server || !cluster["certificate-authority-data"]) throw new Error("the cluster's kubeconfig has no server or certificate authority");
    return { server: cluster.server, certificateAuthorityData: cluster["certificate-authority-data"] };
}
