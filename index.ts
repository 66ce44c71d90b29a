/**
 * The EKS operating environment, one stack per environment:
 *
 *   stack config ─▶ Network ─▶ Cluster ─▶ Karpenter + NodePools
 *                                      └▶ Gateway (load balancer controller, shared HTTPS Gateway)
 *                   (dns) GatewayCertificate ┘ └▶ BlueGreenService per application (routes on the Gateway)
 *                                              └▶ DnsRecords (alias records to the ALB, weighted during a cutover)
 *                                          └▶ ContainerInsights (add-on) · Observability (dashboard, alarms, topic, chat)
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, platformReservedNamespaces } from "./config";
import { contractParentRef, PLATFORM_CONTRACT_VERSION, PlatformContractOutput } from "./lib/platformContract";
import { awsProviderCredentials } from "./lib/kubeconfig";
import { AlbAccessLogs } from "./components/albAccessLogs";
import { BlueGreenService, hasPreview } from "./components/blueGreenService";
import { GatewayCertificate } from "./components/certificate";
import { Cluster } from "./components/cluster";
import { ContainerInsights } from "./components/containerInsights";
import { DnsRecords, verifiedHostedZoneId } from "./components/dns";
import { INTERRUPTION_EVENTS, KARPENTER_NAMESPACE, Karpenter, karpenterNames } from "./components/karpenter";
import { NodePools } from "./components/nodePools";
import { routeNamespaces, SharedGateway } from "./components/gateway";
import { AwsLoadBalancerController } from "./components/loadBalancerController";
import { Network } from "./components/network";
import { vpcCniConfiguration } from "./components/vpcCni";
import { previewSourceCidrs } from "./lib/previewAccess";
import { serviceEndpoints } from "./lib/dns";
import { OBSERVABILITY_COMPONENT, Observability } from "./components/observability";

const config = loadStackConfig();
/**
 * Stateful resources (VPC, cluster, KMS keys, log group, interruption queue, the ALB and its log bucket) are protected
 * where `deletionProtection` is on; Pulumi then refuses any change that would replace or delete them (and ELB refuses to
 * delete the ALB). `allowReplacement` lifts it for one deliberate change.
 */
const protectStateful = config.deletionProtection && !config.allowReplacement;

/** The one identity of the stack: the Kubernetes provider's token is fetched as the same profile/role (see Cluster). */
const awsProvider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    ...awsProviderCredentials(config.deployIdentity, `pulumi-${config.stack}`),
    defaultTags: { tags: { ...config.tags, "eks-platform/stack": config.stack, "eks-platform/cluster": config.clusterName } },
});

const network = new Network(
    "network",
    {
        clusterName: config.clusterName,
        vpc: config.vpc,
        existing: config.existingVpc,
        tags: config.tags,
        protect: protectStateful,
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
        region: config.region,
        endpoint: config.clusterEndpoint,
        supportType: config.clusterSupportType,
        logRetentionDays: config.controlPlaneLogRetentionDays,
        systemNodeGroup: config.systemNodeGroup,
        deployers: config.deployers,
        clusterCreatorAdmin: config.clusterCreatorAdmin,
        deployIdentity: config.deployIdentity,
        deletionProtection: protectStateful,
        addonVersions: config.addonVersions,
        identityMode: config.identityMode,
        tags: config.tags,
    },
    { providers: { aws: awsProvider } },
);

/** Everything below runs in the cluster: AWS resources through `awsProvider`, Kubernetes objects through the cluster's provider. */
const inCluster = { providers: { aws: awsProvider, kubernetes: cluster.provider } };
/** Where workload identities come from (IRSA's OIDC provider, or Pod Identity on the cluster). */
const identitySource = { name: cluster.clusterName, arn: cluster.clusterArn, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer };

// [karpenter]
/** Karpenter sizes the cluster: the system node group stays small, application capacity comes from the NodePools. */
const karpenter = new Karpenter(
    "karpenter",
    {
        clusterName: config.clusterName,
        region: config.region,
        cluster: identitySource,
        systemNodeGroupName: cluster.systemNodeGroupName,
        identityMode: config.identityMode,
        vpcCidr: network.cidrBlock,
        version: config.versions.karpenter,
        protect: protectStateful,
        tags: config.tags,
    },
    inCluster,
);
const nodePools = new NodePools(
    "node-pools",
    {
        clusterName: config.clusterName,
        stack: config.stack,
        nodeClass: config.nodeClass,
        nodePools: config.nodePools,
        nodeRoleName: karpenter.nodeRoleName,
        createSpotServiceLinkedRole: config.createSpotServiceLinkedRole,
        crds: karpenter.crds,
        controller: karpenter.controller,
        tags: config.tags,
    },
    inCluster,
);

// [gateway]
const loadBalancerController = new AwsLoadBalancerController(
    "aws-load-balancer-controller",
    {
        clusterName: config.clusterName,
        cluster: identitySource,
        region: config.region,
        vpcId: network.vpcId,
        vpcCidr: network.cidrBlock,
        version: config.versions.awsLoadBalancerController,
        gatewayApiVersion: config.versions.gatewayApi,
        identityMode: config.identityMode,
        tags: config.tags,
        runsOn: [cluster],
    },
    inCluster,
);
/** The ALB's access logs go to a bucket of this stack (private, SSE-S3, TLS-only, expiring). */
const albAccessLogs = config.gateway.accessLogs.enabled
    ? new AlbAccessLogs(
          "alb-access-logs",
          {
              clusterName: config.clusterName,
              region: config.region,
              retentionDays: config.gateway.accessLogs.retentionDays,
              prefix: config.gateway.accessLogs.prefix,
              protect: protectStateful,
              tags: config.tags,
          },
          { providers: { aws: awsProvider } },
      )
    : undefined;
// [dns]
/** The hosted zone, once Route 53 confirms it is the zone the config names; unset when the stack manages no DNS. */
const zoneId = config.dns
    ? verifiedHostedZoneId(
          { zoneId: config.dns.zoneId, zoneName: config.dns.zoneName, mustBePublic: config.dns.createCertificate || config.gateway.scheme === "internet-facing" },
          { provider: awsProvider },
      )
    : undefined;
/** The listener's certificate, issued and validated in that zone before the Gateway is created. */
const certificate =
    config.dns?.createCertificate && zoneId
        ? new GatewayCertificate(
              "gateway-certificate",
              { hostname: config.gateway.hostname, includeApex: config.dns.includeApex, zoneId },
              { providers: { aws: awsProvider } },
          )
        : undefined;

const sharedGateway = new SharedGateway(
    "gateway",
    {
        gateway: config.gateway,
        crds: loadBalancerController.crds,
        controller: loadBalancerController.release,
        deletionProtection: protectStateful,
        accessLogs: albAccessLogs && { bucketName: albAccessLogs.bucketName, ready: albAccessLogs.ready },
        tags: config.tags,
        issuedCertificateArn: certificate?.certificateArn,
    },
    inCluster,
);

// [services]
/** Who may reach preview hostnames: the configured networks, or the VPC as the ALB sees it. */
const previewSources = pulumi
    .all([network.cidrBlock, network.natPublicIps])
    .apply(([vpcCidr, natPublicIps]) =>
        previewSourceCidrs({ configured: config.previewAccess.sourceCidrs, scheme: config.gateway.scheme, vpcCidr, natPublicIps }),
    );
/** One blue/green application per `services` entry, keyed by name; its routes attach to the shared Gateway's HTTPS listener. */
const blueGreenServices = config.services.map(
    (service) =>
        new BlueGreenService(
            service.name,
            {
                service,
                clusterName: config.clusterName,
                identitySource,
                parentRef: sharedGateway.httpsParentRef,
                routeDependencies: [...loadBalancerController.crds, sharedGateway],
                // Pods need the controller's webhook (readiness gates) and Karpenter capacity; on destroy they go first.
                podDependencies: [loadBalancerController.release, nodePools],
                autoscalerDependencies: [cluster.metricsServer],
                vpcCidr: network.cidrBlock,
                previewSourceCidrs: previewSources,
                tags: config.tags,
            },
            inCluster,
        ),
);

/** Alias records for every service hostname and preview hostname, written once the Gateway's ALB exists. */
const dnsRecords = zoneId
    ? new DnsRecords(
          "dns",
          {
              zoneId,
              region: config.region,
              albDnsName: sharedGateway.albDnsName,
              albIpAddressType: sharedGateway.ipAddressType,
              services: config.services,
          },
          { providers: { aws: awsProvider } },
      )
    : undefined;
// [observability]
/** Container Insights (pod, node and cluster metrics, container logs), on unless the stack turns it off. */
if (config.observability.containerInsights) {
    new ContainerInsights(
        "container-insights",
        {
            clusterName: config.clusterName,
            cluster: identitySource,
            identityMode: config.identityMode,
            containerLogs: config.observability.containerLogs,
            nodesReady: cluster.systemNodeGroupName,
            kubernetesVersion: config.kubernetesVersion,
            addonVersions: config.addonVersions,
            tags: config.tags,
        },
        inCluster,
    );
}
const karpenterResources = karpenterNames(config.clusterName);
/** The dashboard of every service and color, alarms on each live color, and the topic and chat channels they notify. */
const observability = new Observability(
    OBSERVABILITY_COMPONENT,
    {
        clusterName: config.clusterName,
        stack: config.stack,
        region: config.region,
        gateway: { namespace: config.gateway.namespace, name: config.gateway.name },
        services: config.services,
        containerInsights: config.observability.containerInsights,
        containerLogs: config.observability.containerInsights && config.observability.containerLogs,
        karpenter: {
            namespace: KARPENTER_NAMESPACE,
            interruptionQueue: karpenterResources.interruptionQueue,
            rules: Object.fromEntries(Object.entries(INTERRUPTION_EVENTS).map(([key, event]) => [event.detailType, karpenterResources.rule(key)])),
        },
        notifications: config.notifications,
        trafficReady: [sharedGateway.albDnsName, ...blueGreenServices.map((s) => s.summary)],
        protect: protectStateful,
        tags: config.tags,
    },
    { providers: { aws: awsProvider } },
);

export const vpcId = network.vpcId;
export const clusterName = cluster.clusterName;
export const clusterEndpoint = cluster.endpoint;
export const oidcProviderArn = cluster.oidcProviderArn;
export const oidcIssuer = cluster.oidcIssuer;
export const clusterSecurityGroupId = cluster.clusterSecurityGroupId;
export const privateSubnetIds = network.privateSubnetIds;
export const controlPlaneLogGroup = cluster.logGroupName;
export const kubeconfig = cluster.kubeconfig;
// [outputs]
export const karpenterNodeRoleName = karpenter.nodeRoleName;
export const karpenterNodeRoleArn = karpenter.nodeRoleArn;
export const karpenterControllerRoleArn = karpenter.controllerRoleArn;
export const karpenterInterruptionQueue = karpenter.interruptionQueueName;
export const karpenterNodePools = nodePools.nodePoolNames;
/**
 * Per service: active color, image of each color, and its URLs only where this stack writes the DNS record (once
 * written); otherwise `pointAtAlbDnsName` lists the names to point at `albDnsName` yourself.
 */
export const services = Object.fromEntries(
    blueGreenServices.map((s, i) => {
        const service = config.services[i];
        return [
            service.name,
            pulumi.all([s.summary, dnsRecords?.hostnames ?? []]).apply(([summary]) => ({
                ...summary,
                ...serviceEndpoints(service, { managed: dnsRecords !== undefined, previewRoute: hasPreview(service) }),
            })),
        ];
    }),
);
export const gatewayName = sharedGateway.gatewayName;
export const gatewayNamespace = sharedGateway.namespace;
export const gatewayHostnames = sharedGateway.hostnames;
export const albDnsName = sharedGateway.albDnsName;
export const albAccessLogBucket = albAccessLogs?.bucketName ?? null;
/** The stack's CloudWatch dashboard (every service and color, the cluster, the alarms). */
export const dashboardUrl = observability.dashboardUrl;
/** The encrypted SNS topic every alarm notifies; subscribe more endpoints to it as needed. */
export const alarmTopicArn = observability.topicArn;
export const alarmNames = observability.alarmNames;

// [contract]
/**
 * What team stacks (the `apps/` project) read through a StackReference, and nothing else: the cluster, where
 * identities come from, where routes attach, and what the platform keeps for itself (lib/platformContract.ts).
 */
const reserved = platformReservedNamespaces(config.gateway.namespace);
const routeAdmission = routeNamespaces(config.gateway.allowedRoutes);
export const platformContract: PlatformContractOutput = {
    version: PLATFORM_CONTRACT_VERSION,
    region: config.region,
    clusterName: cluster.clusterName,
    vpcCidr: network.cidrBlock,
    networkPolicyEnforced: vpcCniConfiguration().enableNetworkPolicy === "true",
    kubeconfig: cluster.kubeconfig,
    identity: pulumi.output({ clusterArn: cluster.clusterArn, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer, defaultMode: config.identityMode }),
    gateway: pulumi.output({
        parentRef: contractParentRef(sharedGateway.httpsParentRef),
        hostname: config.gateway.hostname,
        routeNamespaceSelector: routeAdmission.from === "Selector" ? { ...routeAdmission.selector?.matchLabels } : null,
        previewSourceCidrs: previewSources,
    }),
    reservedNamespaces: { names: [...reserved.names, ...config.services.map((s) => s.namespace)], prefixes: reserved.prefixes },
    reservedHostnames: config.services.flatMap((s) => [...s.hostnames, s.previewHostname]),
};
