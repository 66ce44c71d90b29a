import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config";
import type { ClusterEndpointConfig, DeployerConfig, DeployIdentityConfig, IdentityMode, ManagedAddon } from "../config";
import { callerProblem, withoutCreatorAdmin } from "../lib/clusterAccess";
import { controlPlaneLogGroupName, logsKeyPolicy } from "../lib/controlPlaneLogs";
import { clusterOfKubeconfig, kubeconfigFor } from "../lib/kubeconfig";
import { inheritedAwsProvider } from "../lib/providers";
import { createNodeRole } from "../lib/nodeRole";
import { ClusterAccess } from "./clusterAccess";
import { VpcCni } from "./vpcCni";

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

/** A kubeconfig for people: whoever runs kubectl, with their own credentials (they need an entry in `deployers`). */
const AMBIENT: DeployIdentityConfig = { profile: null, roleArn: null };

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
    /** Region, for the Kubernetes provider's token. */
    readonly region: string;
    /** API endpoint exposure and who may reach it; private access is always on. */
    readonly endpoint: ClusterEndpointConfig;
    /** STANDARD (upgraded when standard support ends) or EXTENDED (kept, billed at the extended-support rate). */
    readonly supportType: "STANDARD" | "EXTENDED";
    /** Retention of the control-plane log group, in days. */
    readonly logRetentionDays: number;
    /** The system managed node group (AL2023, tainted for system workloads). */
    readonly systemNodeGroup: {
        readonly instanceType: string;
        readonly desiredSize: number;
        readonly minSize: number;
        readonly maxSize: number;
        readonly diskSizeGiB: number;
    };
    /** IAM principals with an access entry each, and their access level. */
    readonly deployers: readonly DeployerConfig[];
    /** Give the identity running pulumi its own admin access entry (it must not be one of `deployers`). */
    readonly clusterCreatorAdmin: boolean;
    /** Profile and/or role of the stack's AWS provider; the Kubernetes provider's token is fetched as the same. */
    readonly deployIdentity: DeployIdentityConfig;
    /** EKS deletion protection plus Pulumi `protect` on the cluster, its KMS keys and the control-plane log group. */
    readonly deletionProtection: boolean;
    /** How the VPC CNI's `aws-node` gets its AWS credentials (the node roles carry no CNI permissions). */
    readonly identityMode: IdentityMode;
    /**
     * Pinned add-on versions by name; an add-on not listed gets AWS's default version for `kubernetesVersion`, so a
     * Kubernetes upgrade moves it too. Default: none pinned.
     */
    readonly addonVersions?: Partial<Record<ManagedAddon, string>>;
    readonly tags: Record<string, string>;
}

/**
 * The version of a managed add-on: the pinned one, or AWS's default version for the cluster's minor. Resolving it
 * for the configured minor (rather than leaving `addonVersion` unset, which EKS never moves) is what makes a
 * Kubernetes upgrade carry the add-ons along.
 */
export function addonVersion(
    addonName: ManagedAddon,
    kubernetesVersion: string,
    pinned: Partial<Record<ManagedAddon, string>> | undefined,
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
    const version = pinned?.[addonName];
    if (version !== undefined) return pulumi.output(version);
    return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, opts).version;
}

/**
 * The EKS control plane with IRSA, envelope encryption and audit logs into a managed log group, explicit
 * access entries (no hidden creator admin), a small tainted system node group, the core add-ons with
 * metrics-server, and the Kubernetes provider every Kubernetes object in the project goes through.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    /** ARN of the EKS cluster (Pod Identity trusts are held to it). */
    public readonly clusterArn: pulumi.Output<string>;
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
    /** The metrics-server add-on: HorizontalPodAutoscalers depend on it. */
    public readonly metricsServer: aws.eks.Addon;
    /** The control-plane log group. */
    public readonly logGroupName: pulumi.Output<string>;

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

        // Who runs pulumi, resolved from an assumed-role session to its role (the ARN an access entry names).
        const callerIdentity = aws.getCallerIdentityOutput({}, { parent: this });
        const session = aws.iam.getSessionContextOutput({ arn: callerIdentity.arn }, { parent: this });
        const dryRun = pulumi.runtime.isDryRun();
        const caller = session.issuerArn.apply((callerArn) => {
            const problem = callerProblem({ callerArn, deployers: args.deployers, clusterCreatorAdmin: args.clusterCreatorAdmin, dryRun });
            // A RunError: the CLI prints the message alone (no stack trace); the offline plan exits 2 with it.
            if (problem) throw new ConfigError([problem]);
            return callerArn;
        });

        // Created before the cluster, so EKS writes into it instead of creating one that never expires.
        const logGroupName = controlPlaneLogGroupName(args.clusterName);
        const partition = aws.getPartitionOutput({}, { parent: this });
        const logsKey = new aws.kms.Key(
            `${name}-logs`,
            {
                description: `Control-plane logs of EKS cluster ${args.clusterName} (${logGroupName})`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.jsonStringify(
                    pulumi
                        .all([partition.partition, partition.dnsSuffix, callerIdentity.accountId])
                        .apply(([p, dnsSuffix, accountId]) => logsKeyPolicy({ partition: p, dnsSuffix, accountId, region: args.region, logGroupName })),
                ),
                tags,
            },
            { parent: this, protect: args.deletionProtection },
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane`,
            { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: logsKey.arn, tags },
            { parent: this, protect: args.deletionProtection },
        );

        const credentialOpts =
            args.deployIdentity.profile !== null || args.deployIdentity.roleArn !== null
                ? { profileName: args.deployIdentity.profile ?? undefined, roleArn: args.deployIdentity.roleArn ?? undefined }
                : undefined;

        const cluster = new eks.Cluster(
            `${name}-eks`,
            {
                // Through an output, so that the control plane (a child of this multi-language component) waits for
                // the log group and for the caller check: a refused caller stops the update before the cluster exists.
                name: pulumi.all([caller, logGroup.name]).apply(() => args.clusterName),
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                privateSubnetIds: args.privateSubnetIds,
                publicSubnetIds: args.publicSubnetIds,
                nodeAssociatePublicIpAddress: false,
                authenticationMode: eks.AuthenticationMode.Api,
                // Access entries are ClusterAccess's, each visible in the plan; none come from pulumi-eks.
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
                // pulumi-eks defaults to EXTENDED: a version past standard support would be billed at the extended rate.
                upgradePolicy: { supportType: args.supportType },
                providerCredentialOpts: credentialOpts,
                // CoreDNS is installed below, after the nodes it runs on exist. kube-proxy and the VPC CNI are the
                // component's own add-ons; it resolves their versions for `version` (most recent) unless pinned here.
                corednsAddonOptions: { enabled: false },
                // The VPC CNI add-on is created below (VpcCni), after the OIDC provider its IRSA role trusts: pulumi-eks
                // would create it inside this component, before any role for aws-node can exist.
                useDefaultVpcCni: true,
                kubeProxyAddonOptions: { enabled: true, version: args.addonVersions?.["kube-proxy"] },
                tags,
            },
            // A multi-language component gets providers only when named: pass on the inherited AWS provider.
            {
                parent: this,
                protect: args.deletionProtection,
                providers: inheritedAwsProvider(this),
                dependsOn: [logGroup],
                transforms: [withoutCreatorAdmin],
            },
        );

        // The cluster name as an output that resolves after the cluster exists, so dependents wait for it.
        this.clusterName = cluster.core.endpoint.apply(() => args.clusterName);
        this.endpoint = cluster.core.endpoint;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;
        const kubeconfig = (identity: DeployIdentityConfig) =>
            pulumi
                .all([cluster.kubeconfig, this.clusterName])
                .apply(([k]) => JSON.stringify(kubeconfigFor({ clusterName: args.clusterName, region: args.region, ...clusterOfKubeconfig(k), identity })));
        // For people: their own credentials, as listed in deployers.
        this.kubeconfig = pulumi.secret(kubeconfig(AMBIENT));
        this.kmsKeyArn = key.arn;
        this.logGroupName = logGroup.name;

        const eksCluster = aws.eks.getClusterOutput({ name: this.clusterName }, { parent: this });
        this.clusterSecurityGroupId = eksCluster.vpcConfig.clusterSecurityGroupId;
        this.clusterArn = eksCluster.arn;

        const access = new ClusterAccess(
            `${name}-access`,
            {
                clusterName: this.clusterName,
                clusterSecurityGroupId: this.clusterSecurityGroupId,
                deployers: args.deployers,
                callerArn: args.clusterCreatorAdmin ? caller : undefined,
                privateAccessCidrs: args.endpoint.privateAccessCidrs,
                privateAccessSecurityGroupIds: args.endpoint.privateAccessSecurityGroupIds,
                tags,
            },
            { parent: this },
        );
        // Karpenter finds the security group for its nodes by this tag.
        new aws.ec2.Tag(
            `${name}-cluster-sg-discovery`,
            { resourceId: this.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: args.clusterName },
            { parent: this },
        );

        const versionOf = (addonName: ManagedAddon) => addonVersion(addonName, args.kubernetesVersion, args.addonVersions, { parent: this });
        const addon = (addonName: ManagedAddon, configurationValues?: object, opts: { dependsOn?: pulumi.Resource[] } = {}) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: this.clusterName,
                    addonName,
                    addonVersion: versionOf(addonName),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "PRESERVE",
                    configurationValues: configurationValues ? JSON.stringify(configurationValues) : undefined,
                    tags,
                },
                { parent: this, dependsOn: opts.dependsOn ?? [] },
            );

        // aws-node's own identity and NetworkPolicy enforcement; nodes come after it, so their CNI starts with both.
        const vpcCni = new VpcCni(
            `${name}-vpc-cni`,
            {
                clusterName: args.clusterName,
                cluster: { name: this.clusterName, arn: this.clusterArn, oidcProviderArn: this.oidcProviderArn, oidcIssuer: this.oidcIssuer },
                identityMode: args.identityMode,
                addonVersion: versionOf("vpc-cni"),
                // Earlier versions of this stack let pulumi-eks create the add-on: take it over in place.
                adopts: pulumi.createUrn(`${name}-eks-vpc-cni`, "aws:eks/addon:Addon", pulumi.createUrn(`${name}-eks-vpc-cni`, "eks:index:VpcCniAddon", cluster)),
                tags,
            },
            { parent: this },
        );
        // The Pod Identity agent hands aws-node (in podIdentity mode) its credentials: running before the nodes join,
        // a node's CNI never starts without it. A DaemonSet add-on with no nodes yet is already healthy.
        const podIdentityAgent = addon("eks-pod-identity-agent");

        const { role: nodeRole, attachments } = createNodeRole(
            `${name}-system-node`,
            { description: `System node group of ${args.clusterName}`, tags },
            { parent: this },
        );
        this.systemNodeRoleArn = nodeRole.arn;

        // The instance type lives in the launch template, not in the node group's `instanceTypes` (which forces a
        // replacement, and a replacement of a node group with a fixed name fails with "NodeGroup already exists"). A new
        // type is a new template version, which EKS rolls out in place: new nodes first, then the old ones are drained
        // one at a time (updateConfig), so there is never a moment without system nodes.
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-system`,
            {
                description: `System node group of ${args.clusterName}: IMDSv2 only, encrypted root volume`,
                instanceType: args.systemNodeGroup.instanceType,
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
                // Follows the control plane: the node group upgrades after the cluster (it depends on it), and the next
                // upgrade is never blocked by nodes left a minor behind.
                version: args.kubernetesVersion,
                amiType: "AL2023_x86_64_STANDARD",
                capacityType: "ON_DEMAND",
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
            { parent: this, dependsOn: [...attachments, vpcCni.addon, podIdentityAgent], ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        this.systemNodeGroupName = nodeGroup.nodeGroupName;

        // CoreDNS needs nodes to run on (it tolerates CriticalAddonsOnly by default).
        addon("coredns", { ...systemNodeScheduling(), replicaCount: 2 }, { dependsOn: [nodeGroup] });
        // EKS installs no metrics server: without one, CPU HPAs report FailedGetResourceMetric and never scale.
        this.metricsServer = addon(
            "metrics-server",
            { ...systemNodeScheduling(), replicas: 2 },
            { dependsOn: [nodeGroup] },
        );

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            // The token is fetched as the stack's AWS provider authenticates; nothing reaches the API before the
            // access entries and the endpoint's ingress rules exist.
            { kubeconfig: kubeconfig(args.deployIdentity), enableServerSideApply: true, deleteUnreachable: false },
            { parent: this, dependsOn: [access] },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kubeconfig: this.kubeconfig,
            kmsKeyArn: this.kmsKeyArn,
            systemNodeRoleArn: this.systemNodeRoleArn,
            systemNodeGroupName: this.systemNodeGroupName,
            logGroupName: this.logGroupName,
        });
    }
}
