/**
 * The EKS operating environment, one stack per environment:
 *
 *   stack config ─▶ Network ─▶ Cluster ─▶ Karpenter + NodePools
 *                                      └▶ Gateway (load balancer controller, shared HTTPS Gateway)
 *                                          └▶ BlueGreenService per application (routes on the Gateway)
 */
import * as aws from "@pulumi/aws";
import { loadStackConfig } from "./config";
import { Cluster } from "./components/cluster";
import { SharedGateway } from "./components/gateway";
import { AwsLoadBalancerController } from "./components/loadBalancerController";
import { Network } from "./components/network";

const config = loadStackConfig();

const awsProvider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    defaultTags: { tags: { ...config.tags, "eks-platform/stack": config.stack, "eks-platform/cluster": config.clusterName } },
});

const network = new Network(
    "network",
    {
        clusterName: config.clusterName,
        vpc: config.vpc,
        existing: config.existingVpc,
        tags: config.tags,
        protect: config.deletionProtection,
    },
    { providers: { aws: awsProvider } },
);

const cluster = new Cluster(
    "cluster",
    {
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        endpoint: config.clusterEndpoint,
        systemNodeGroup: config.systemNodeGroup,
        adminPrincipalArns: config.adminPrincipalArns,
        deletionProtection: config.deletionProtection,
        tags: config.tags,
    },
    { providers: { aws: awsProvider } },
);

/** Everything below runs in the cluster: AWS resources through `awsProvider`, Kubernetes objects through the cluster's provider. */
const inCluster = { providers: { aws: awsProvider, kubernetes: cluster.provider } };
/** Where workload identities come from (IRSA's OIDC provider, or Pod Identity on the cluster). */
const identitySource = { name: cluster.clusterName, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer };

// [karpenter]

// [gateway]
const loadBalancerController = new AwsLoadBalancerController(
    "aws-load-balancer-controller",
    {
        clusterName: config.clusterName,
        cluster: identitySource,
        region: config.region,
        vpcId: network.vpcId,
        version: config.versions.awsLoadBalancerController,
        gatewayApiVersion: config.versions.gatewayApi,
        identityMode: config.identityMode,
        tags: config.tags,
    },
    inCluster,
);
const sharedGateway = new SharedGateway(
    "gateway",
    { gateway: config.gateway, crds: loadBalancerController.crds, controller: loadBalancerController.release, tags: config.tags },
    inCluster,
);

// [services]

export const vpcId = network.vpcId;
export const clusterName = cluster.clusterName;
export const clusterEndpoint = cluster.endpoint;
export const oidcProviderArn = cluster.oidcProviderArn;
export const oidcIssuer = cluster.oidcIssuer;
export const clusterSecurityGroupId = cluster.clusterSecurityGroupId;
export const kubeconfig = cluster.kubeconfig;
// [outputs]
export const gatewayName = sharedGateway.gatewayName;
export const gatewayNamespace = sharedGateway.namespace;
export const gatewayHostnames = sharedGateway.hostnames;
export const albDnsName = sharedGateway.albDnsName;
