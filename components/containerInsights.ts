/**
 * Container Insights: the `amazon-cloudwatch-observability` EKS add-on (the CloudWatch agent and Fluent Bit as
 * DaemonSets, the agent operator) with an identity of its own, so that nodes never need CloudWatch permissions.
 *
 *   WorkloadIdentity (role only) ─ CloudWatchAgentServerPolicy + AWSXrayWriteOnlyAccess
 *   Addon amazon-cloudwatch-observability ─ IRSA: serviceAccountRoleArn | Pod Identity: podIdentityAssociations
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode, ManagedAddon } from "../config";
import { managedPolicyArn } from "../lib/iam";
import { addonVersion } from "./cluster";
import { ClusterIdentitySource, WorkloadIdentity } from "./workloadIdentity";

export const CLOUDWATCH_OBSERVABILITY_ADDON = "amazon-cloudwatch-observability";
/** Namespace and service account the add-on creates for the CloudWatch agent (AWS's add-on documentation). */
export const CLOUDWATCH_AGENT_NAMESPACE = "amazon-cloudwatch";
export const CLOUDWATCH_AGENT_SERVICE_ACCOUNT = "cloudwatch-agent";
/** The managed policies AWS documents for the add-on's role: metrics and logs, and Application Signals' traces. */
export const CLOUDWATCH_AGENT_POLICIES = ["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"] as const;

/** The add-on's configuration schema keys this project sets: only what differs from the add-on's defaults. */
export interface ContainerInsightsConfigurationValues {
    containerLogs?: { enabled: boolean };
}

/** Container logs are on in the add-on by default; this turns them off when the stack does not want them. */
export function containerInsightsConfigurationValues(opts: { containerLogs: boolean }): ContainerInsightsConfigurationValues | undefined {
    return opts.containerLogs ? undefined : { containerLogs: { enabled: false } };
}

export interface ContainerInsightsArgs {
    /** Plain cluster name, for the role's name. */
    readonly clusterName: string;
    /** Where the agent's identity comes from; `name` resolves once the cluster exists. */
    readonly cluster: ClusterIdentitySource;
    /** IRSA (role ARN on the add-on's service account) or EKS Pod Identity (an association the add-on makes). */
    readonly identityMode: IdentityMode;
    /** Ship container logs to /aws/containerinsights/<cluster>/application (Fluent Bit). */
    readonly containerLogs: boolean;
    /** Resolves once there are nodes to run the DaemonSets on (the system node group), like the cluster's other add-ons. */
    readonly nodesReady: pulumi.Input<string>;
    /** The cluster's Kubernetes minor: the add-on's version is AWS's default for it, unless pinned. */
    readonly kubernetesVersion: string;
    /**
     * Pinned add-on versions (the stack's `addonVersions`); without a pin for this add-on it follows the minor, like the
     * cluster's other add-ons. Pod Identity needs v3.1.0 or later. Default: none pinned.
     */
    readonly addonVersions?: Partial<Record<ManagedAddon, string>>;
    readonly tags?: Record<string, string>;
}

export class ContainerInsights extends pulumi.ComponentResource {
    public readonly addonName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ContainerInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:observability:ContainerInsights", name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this });

        const identity = new WorkloadIdentity(
            `${name}-agent`,
            {
                clusterName: args.clusterName,
                cluster: args.cluster,
                namespace: CLOUDWATCH_AGENT_NAMESPACE,
                namespaceName: CLOUDWATCH_AGENT_NAMESPACE,
                serviceAccountName: CLOUDWATCH_AGENT_SERVICE_ACCOUNT,
                serviceAccountOwner: "eksAddon",
                // Not applied (the add-on owns the account); the agent does read the Kubernetes API.
                automountServiceAccountToken: true,
                mode: args.identityMode,
                managedPolicyArns: CLOUDWATCH_AGENT_POLICIES.map((policy) => partition.partition.apply((p) => managedPolicyArn(policy, p))),
                tags: args.tags,
            },
            { parent: this },
        );

        const configurationValues = containerInsightsConfigurationValues({ containerLogs: args.containerLogs });
        const addon = new aws.eks.Addon(
            name,
            {
                clusterName: pulumi.all([args.cluster.name, args.nodesReady]).apply(([clusterName]) => clusterName),
                addonName: CLOUDWATCH_OBSERVABILITY_ADDON,
                addonVersion: addonVersion(CLOUDWATCH_OBSERVABILITY_ADDON, args.kubernetesVersion, args.addonVersions, { parent: this }),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
                serviceAccountRoleArn: args.identityMode === "irsa" ? identity.roleArn : undefined,
                podIdentityAssociations:
                    args.identityMode === "podIdentity" ? [{ roleArn: identity.roleArn, serviceAccount: CLOUDWATCH_AGENT_SERVICE_ACCOUNT }] : undefined,
                configurationValues: configurationValues ? JSON.stringify(configurationValues) : undefined,
                tags: args.tags,
            },
            // The agent starts only once its role can act.
            { parent: this, dependsOn: [identity] },
        );

        this.addonName = addon.addonName;
        this.roleArn = identity.roleArn;
        this.registerOutputs({ addonName: this.addonName, roleArn: this.roleArn });
    }
}
