import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { inheritedAwsProvider } from "../lib/providers";
import { createNodeRole } from "../lib/nodeRole";

/** Label on system nodes; controllers select it, application pods never do. */
export const SYSTEM_NODE_LABEL = { key: "platform/node-class", value: "system" } as const;
/** Taint on system nodes so that application pods land on Karpenter capacity. */
export const SYSTEM_NODE_TAINT = { key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" } as const;

/** Pod scheduling that puts a controller on the system node group (and only there). */
export function systemNodeScheduling(): {
    nodeSelector: Record<string, string>;
    tolerations: { key: string; operator: "Equal"; value: string; effect: string }[];
} {
    return {
        nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
        tolerations: [{ key: SYSTEM_NODE_TAINT.key, operator: "Equal", value: SYSTEM_NODE_TAINT.value, effect: SYSTEM_NODE_TAINT.effect }],
    };
}

/** Control-plane log types sent to CloudWatch. */
export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ClusterArgs {
    /** EKS cluster name. */
    readonly clusterName: string;
    /** Kubernetes version, e.g. `1.35`. */
    readonly kubernetesVersion: string;
    readonly vpcId: pulumi.Input<string>;
    /** Subnets for nodes and the control plane's network interfaces. */
    readonly privateSubnetIds: pulumi.Input<string[]>;
    /** Subnets for internet-facing load balancers. */
    readonly publicSubnetIds: pulumi.Input<string[]>;
    /** API endpoint exposure; private access is always on. */
    readonly endpoint: { readonly publicAccess: boolean; readonly publicAccessCidrs: readonly string[] };
    /** The system managed node group (AL2023, tainted for system workloads). */
    readonly systemNodeGroup: {
        readonly instanceType: string;
        readonly desiredSize: number;
        readonly minSize: number;
        readonly maxSize: number;
        readonly diskSizeGiB: number;
    };
    /** IAM principals that get cluster-admin through access entries. */
    readonly adminPrincipalArns: readonly string[];
    /** EKS deletion protection plus Pulumi `protect` on the cluster and its KMS key. */
    readonly deletionProtection: boolean;
    readonly tags: Record<string, string>;
}

/**
 * The EKS control plane with IRSA, envelope encryption and audit logs, a small tainted system node group,
 * the core add-ons, and the Kubernetes provider every Kubernetes object in the project goes through.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** Issuer without scheme, as IRSA trust conditions use it: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
    public readonly oidcIssuer: pulumi.Output<string>;
    /** EKS-managed cluster security group, shared by the system nodes and Karpenter nodes. */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly systemNodeRoleArn: pulumi.Output<string>;
    /** Resolves once the system node group exists, for things that need somewhere to run. */
    public readonly systemNodeGroupName: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:cluster:Cluster", name, {}, opts);
        const tags = { ...args.tags, "karpenter.sh/discovery": args.clusterName };

        const key = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            },
            { parent: this, protect: args.deletionProtection },
        );
        new aws.kms.Alias(`${name}-secrets`, { name: `alias/eks/${args.clusterName}`, targetKeyId: key.keyId }, { parent: this });

        const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
        args.adminPrincipalArns.forEach((principalArn, i) => {
            accessEntries[`admin-${i}`] = {
                principalArn,
                accessPolicies: { admin: { policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } } },
            };
        });

        const cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                privateSubnetIds: args.privateSubnetIds,
                publicSubnetIds: args.publicSubnetIds,
                nodeAssociatePublicIpAddress: false,
                authenticationMode: eks.AuthenticationMode.Api,
                accessEntries,
                createOidcProvider: true,
                skipDefaultNodeGroup: true,
                // Nodes use the EKS-managed cluster security group; the extra pulumi-eks groups would be unused.
                skipDefaultSecurityGroups: true,
                encryptionConfigKeyArn: key.arn,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOGS],
                endpointPrivateAccess: true,
                endpointPublicAccess: args.endpoint.publicAccess,
                publicAccessCidrs: args.endpoint.publicAccess ? [...args.endpoint.publicAccessCidrs] : undefined,
                deletionProtection: args.deletionProtection,
                // CoreDNS is installed below, after the nodes it runs on exist.
                corednsAddonOptions: { enabled: false },
                kubeProxyAddonOptions: { enabled: true },
                tags,
            },
            // A multi-language component gets providers only when named: pass on the inherited AWS provider.
            { parent: this, protect: args.deletionProtection, providers: inheritedAwsProvider(this) },
        );

        // The cluster name as an output that resolves after the cluster exists, so dependents wait for it.
        this.clusterName = cluster.core.endpoint.apply(() => args.clusterName);
        this.endpoint = cluster.core.endpoint;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.kmsKeyArn = key.arn;

        const eksCluster = aws.eks.getClusterOutput({ name: this.clusterName }, { parent: this });
        this.clusterSecurityGroupId = eksCluster.vpcConfig.clusterSecurityGroupId;
        // Karpenter finds the security group for its nodes by this tag.
        new aws.ec2.Tag(
            `${name}-cluster-sg-discovery`,
            { resourceId: this.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: args.clusterName },
            { parent: this },
        );

        const { role: nodeRole, attachments } = createNodeRole(
            `${name}-system-node`,
            { description: `System node group of ${args.clusterName}`, tags },
            { parent: this },
        );
        this.systemNodeRoleArn = nodeRole.arn;

        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-system`,
            {
                description: `System node group of ${args.clusterName}: IMDSv2 only, encrypted root volume`,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: args.systemNodeGroup.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ],
                tagSpecifications: [
                    { resourceType: "instance", tags: { ...tags, Name: `${args.clusterName}-system` } },
                    { resourceType: "volume", tags },
                ],
                tags,
            },
            { parent: this },
        );

        const nodeGroup = new aws.eks.NodeGroup(
            `${name}-system`,
            {
                clusterName: this.clusterName,
                nodeGroupName: "system",
                nodeRoleArn: nodeRole.arn,
                subnetIds: args.privateSubnetIds,
                amiType: "AL2023_x86_64_STANDARD",
                capacityType: "ON_DEMAND",
                instanceTypes: [args.systemNodeGroup.instanceType],
                scalingConfig: {
                    desiredSize: args.systemNodeGroup.desiredSize,
                    minSize: args.systemNodeGroup.minSize,
                    maxSize: args.systemNodeGroup.maxSize,
                },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
                taints: [{ key: SYSTEM_NODE_TAINT.key, value: SYSTEM_NODE_TAINT.value, effect: "NO_SCHEDULE" }],
                tags,
            },
            // The desired size drifts with scaling; the configured value only seeds it.
            { parent: this, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        this.systemNodeGroupName = nodeGroup.nodeGroupName;

        // Add-ons that need nodes: CoreDNS (tolerates CriticalAddonsOnly by default) and the Pod Identity agent.
        const addon = (addonName: string, configurationValues?: object) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: this.clusterName,
                    addonName,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    configurationValues: configurationValues ? JSON.stringify(configurationValues) : undefined,
                    tags,
                },
                { parent: this, dependsOn: [nodeGroup] },
            );
        addon("coredns", { ...systemNodeScheduling(), replicaCount: 2 });
        addon("eks-pod-identity-agent");

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: cluster.kubeconfigJson, enableServerSideApply: true, deleteUnreachable: false },
            { parent: this },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kubeconfig: this.kubeconfig,
            kmsKeyArn: this.kmsKeyArn,
            systemNodeRoleArn: this.systemNodeRoleArn,
            systemNodeGroupName: this.systemNodeGroupName,
        });
    }
}
