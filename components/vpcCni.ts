import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../config";
import { boundedName, managedPolicyArn } from "../lib/iam";
import { ClusterIdentitySource, irsaTrustPolicy, podIdentityTrustPolicy } from "./workloadIdentity";

/** The VPC CNI's pods (the `aws-node` DaemonSet) and the AWS managed policy they need (IPv4 clusters). */
export const VPC_CNI = {
    addonName: "vpc-cni",
    namespace: "kube-system",
    serviceAccountName: "aws-node",
    managedPolicy: "AmazonEKS_CNI_Policy",
} as const;

/** The add-on's `configurationValues` (schema: `aws eks describe-addon-configuration --addon-name vpc-cni`). */
export interface VpcCniConfiguration {
    /** Runs the network policy agent next to the CNI, which enforces Kubernetes NetworkPolicies (a string in the schema). */
    enableNetworkPolicy: "true" | "false";
}

/** NetworkPolicy enforcement on: without it, NetworkPolicy objects are accepted and silently ignored. */
export function vpcCniConfiguration(): VpcCniConfiguration {
    return { enableNetworkPolicy: "true" };
}

export interface VpcCniArgs {
    /** Plain cluster name (names the role). */
    readonly clusterName: string;
    /** The cluster: its name output (the add-on waits for the cluster), ARN and OIDC provider. */
    readonly cluster: ClusterIdentitySource;
    /** IRSA (the add-on annotates `aws-node` with the role) or Pod Identity (the add-on creates the association). */
    readonly identityMode: IdentityMode;
    /**
     * URN of a `vpc-cni` add-on this one takes over in place (an earlier version of this stack let pulumi-eks manage
     * it). EKS allows one add-on per name, so creating a second would fail. Default: none.
     */
    readonly adopts?: pulumi.Input<string>;
    /** Add-on version; default: whatever EKS picks at creation, which no Kubernetes upgrade then moves. */
    readonly addonVersion?: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/**
 * The VPC CNI as an EKS add-on with its own IAM role: the CNI policy sits on `aws-node`'s role, not on the node
 * roles, so no other pod on a node can use it through the instance profile (EKS best practice). NetworkPolicy
 * enforcement is on. Nodes must be created after this: their CNI needs the role from its first start.
 */
export class VpcCni extends pulumi.ComponentResource {
    public readonly addon: aws.eks.Addon;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: VpcCniArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:cluster:VpcCni", name, {}, opts);
        const { namespace, serviceAccountName } = VPC_CNI;

        const trust =
            args.identityMode === "irsa"
                ? pulumi
                      .all([args.cluster.oidcProviderArn, args.cluster.oidcIssuer])
                      .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, namespace, serviceAccountName)))
                : pulumi.output(args.cluster.arn).apply((arn) => JSON.stringify(podIdentityTrustPolicy(arn, namespace, serviceAccountName)));
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: boundedName(`${args.clusterName}-${namespace}-${serviceAccountName}`),
                description: `VPC CNI (${namespace}/${serviceAccountName}) of ${args.clusterName}`,
                assumeRolePolicy: trust,
                tags: args.tags,
            },
            { parent: this },
        );
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const policy = new aws.iam.RolePolicyAttachment(
            `${name}-${VPC_CNI.managedPolicy}`,
            { role: role.name, policyArn: partition.apply((p) => managedPolicyArn(VPC_CNI.managedPolicy, p)) },
            { parent: this },
        );

        this.addon = new aws.eks.Addon(
            name,
            {
                clusterName: args.cluster.name,
                addonName: VPC_CNI.addonName,
                addonVersion: args.addonVersion,
                // EKS installs the CNI itself with every cluster: take over its objects, and keep owning them.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                // Deleting the add-on must never remove the CNI from running nodes.
                preserve: true,
                configurationValues: JSON.stringify(vpcCniConfiguration()),
                serviceAccountRoleArn: args.identityMode === "irsa" ? role.arn : undefined,
                podIdentityAssociations: args.identityMode === "podIdentity" ? [{ serviceAccount: serviceAccountName, roleArn: role.arn }] : undefined,
                tags: args.tags,
            },
            { parent: this, dependsOn: [policy], aliases: args.adopts ? [args.adopts] : undefined },
        );

        this.roleArn = role.arn;
        this.registerOutputs({ addon: this.addon, roleArn: this.roleArn });
    }
}
