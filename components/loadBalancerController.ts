import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../config";
import { loadBalancerControllerStatements } from "../lib/loadBalancerControllerPolicy";
import { NetworkPolicyObject, controllerNetworkPolicies, createNetworkPolicies } from "../lib/networkPolicies";
import { systemNodeScheduling } from "./cluster";
import { ClusterIdentitySource, WorkloadIdentity, identityPodAnnotations } from "./workloadIdentity";

/** Where the chart and the CRD manifests come from. */
export const LOAD_BALANCER_CONTROLLER_CHART = {
    repo: "https://aws.github.io/eks-charts",
    chart: "aws-load-balancer-controller",
} as const;

/** Defaults of the controller installation (one place; see `AwsLoadBalancerControllerArgs`). */
export const loadBalancerControllerDefaults = {
    namespace: "kube-system",
    releaseName: "aws-load-balancer-controller",
    serviceAccountName: "aws-load-balancer-controller",
    replicas: 2,
} as const;

/** Ports of the controller's pods (chart defaults): the webhooks the control plane calls, metrics, health probe. */
export const LOAD_BALANCER_CONTROLLER_PORTS = { webhook: 9443, metrics: 8080, healthProbe: 61779 } as const;

/**
 * The controller's NetworkPolicy. It shares kube-system with EKS's own add-ons, so only its pods are selected: DNS and
 * HTTPS out, the webhook, metrics and probe ports from the VPC (the control plane's interfaces are in it).
 */
export function loadBalancerControllerNetworkPolicies(vpcCidr: string, identityMode: IdentityMode): NetworkPolicyObject[] {
    const d = loadBalancerControllerDefaults;
    const p = LOAD_BALANCER_CONTROLLER_PORTS;
    return controllerNetworkPolicies({
        namespace: d.namespace,
        name: d.releaseName,
        podLabels: { "app.kubernetes.io/name": LOAD_BALANCER_CONTROLLER_CHART.chart, "app.kubernetes.io/instance": d.releaseName },
        ingressPorts: [p.webhook, p.metrics, p.healthProbe],
        vpcCidr,
        identityMode,
        ownNamespace: false,
    });
}

/** Gateway API standard-channel CRDs (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, ...) of a release tag. */
export function gatewayApiCrdsUrl(gatewayApiVersion: string): string {
    return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${gatewayApiVersion}/standard-install.yaml`;
}

/**
 * The controller's own CRDs at the chart's tag: `crds.yaml` (`elbv2.k8s.aws` TargetGroupBinding, IngressClassParams, ...)
 * and `gateway-crds.yaml` (`gateway.k8s.aws` LoadBalancerConfiguration, TargetGroupConfiguration, ListenerRuleConfiguration).
 */
export function controllerCrdsUrls(controllerVersion: string): { elbv2: string; gateway: string } {
    const base = `https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v${controllerVersion}/helm/aws-load-balancer-controller/crds`;
    return { elbv2: `${base}/crds.yaml`, gateway: `${base}/gateway-crds.yaml` };
}

export interface ControllerValuesArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly serviceAccountName: string;
    readonly releaseName: string;
    /** How the controller gets its credentials; default `irsa`. */
    readonly identityMode?: IdentityMode;
}

/** Helm values of the chart: pure, so tests check them without a plan. */
export function loadBalancerControllerValues(args: ControllerValuesArgs): pulumi.Input<Record<string, unknown>> {
    const scheduling = systemNodeScheduling();
    const selectorLabels = { "app.kubernetes.io/name": LOAD_BALANCER_CONTROLLER_CHART.chart, "app.kubernetes.io/instance": args.releaseName };
    return {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: loadBalancerControllerDefaults.replicas,
        // The chart renders the PDB only with more than one replica; one pod may be down during node drains.
        podDisruptionBudget: { maxUnavailable: 1 },
        nodeSelector: scheduling.nodeSelector,
        tolerations: scheduling.tolerations,
        // The chart's default anti-affinity spreads over nodes; this also spreads over zones.
        topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selectorLabels } },
        ],
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        serviceAccount: { create: false, name: args.serviceAccountName },
        // Credentials are injected at pod creation: a new identity mode must roll the controller.
        podAnnotations: identityPodAnnotations(args.identityMode ?? "irsa"),
        // Services of type LoadBalancer are not this controller's job here; don't mutate every Service in the cluster.
        enableServiceMutatorWebhook: false,
        // Readiness gates for `ip` targets in namespaces labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled.
        enablePodReadinessGateInject: true,
        // Gateway API only: no IngressClass `alb` or IngressClassParams.
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        // ALB Gateway support is on by default from v3.2.0 once the CRDs exist (they are installed before the release);
        // stated here so it is not lost to a default change. NLB Gateways would need the experimental route CRDs.
        controllerConfig: { featureGates: { ALBGatewayAPI: true, NLBGatewayAPI: false } },
    };
}

export interface AwsLoadBalancerControllerArgs {
    /** Plain cluster name (names the IAM role, `--cluster-name`). */
    readonly clusterName: string;
    /** Where the controller's identity comes from (OIDC provider for IRSA, the cluster for Pod Identity). */
    readonly cluster: ClusterIdentitySource;
    /** AWS region of the cluster (`--aws-region`; saves IMDS lookups). */
    readonly region: string;
    /** VPC of the cluster (`--aws-vpc-id`). */
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's CIDR: where the control plane calls the webhooks from. */
    readonly vpcCidr: pulumi.Input<string>;
    /** Chart version, also the tag of the controller's CRDs, e.g. `3.5.0`. */
    readonly version: string;
    /** Gateway API release tag of the standard CRDs, e.g. `v1.6.1`. */
    readonly gatewayApiVersion: string;
    /** `irsa` or `podIdentity`. */
    readonly identityMode: IdentityMode;
    /** AWS tags for the IAM role. */
    readonly tags?: Record<string, string>;
    /**
     * What the controller's pods need before they can start (the cluster component: system node group, CoreDNS); the
     * release waits for its pods, so it is created after these. Default: none.
     */
    readonly runsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The AWS Load Balancer Controller for Gateway API ALBs: the Gateway API standard CRDs and the controller's own CRDs as
 * resources of their own (so a preview knows the kinds, and custom resources can depend on them), an IAM identity with
 * upstream's actions scoped to this cluster, its VPC and account, and the chart with CRDs skipped, on the system node group.
 */
export class AwsLoadBalancerController extends pulumi.ComponentResource {
    /** The CRD installs; every custom resource of these kinds must depend on them. */
    public readonly crds: pulumi.Resource[];
    /** The Helm release; resolves once the controller (and its webhooks) are up. */
    public readonly release: k8s.helm.v3.Release;
    public readonly roleArn: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:gateway:AwsLoadBalancerController", name, {}, opts);
        const d = loadBalancerControllerDefaults;

        const gatewayApiCrds = new k8s.yaml.v2.ConfigFile(`${name}-gateway-api-crds`, { file: gatewayApiCrdsUrl(args.gatewayApiVersion) }, { parent: this });
        const urls = controllerCrdsUrls(args.version);
        const elbv2Crds = new k8s.yaml.v2.ConfigFile(`${name}-elbv2-crds`, { file: urls.elbv2 }, { parent: this });
        const gatewayCrds = new k8s.yaml.v2.ConfigFile(`${name}-gateway-crds`, { file: urls.gateway }, { parent: this });
        this.crds = [gatewayApiCrds, elbv2Crds, gatewayCrds];

        // Scoped to this cluster's tag value, VPC, account and region (see LOAD_BALANCER_CONTROLLER_DEVIATIONS).
        const statements = pulumi
            .all([pulumi.output(args.vpcId), aws.getCallerIdentityOutput({}, { parent: this }).accountId, aws.getPartitionOutput({}, { parent: this }).partition])
            .apply(([vpcId, accountId, partition]) =>
                loadBalancerControllerStatements({ clusterName: args.clusterName, vpcId, region: args.region, accountId, partition }),
            );
        const identity = new WorkloadIdentity(
            `${name}-identity`,
            {
                clusterName: args.clusterName,
                cluster: args.cluster,
                namespace: d.namespace,
                namespaceName: d.namespace,
                serviceAccountName: d.serviceAccountName,
                mode: args.identityMode,
                statements,
                // The chart's pods do not set automountServiceAccountToken: they get the API token from the account.
                automountServiceAccountToken: true,
                labels: { "app.kubernetes.io/name": LOAD_BALANCER_CONTROLLER_CHART.chart },
                tags: args.tags,
            },
            { parent: this },
        );

        const networkPolicies = createNetworkPolicies(name, (cidr) => loadBalancerControllerNetworkPolicies(cidr, args.identityMode), args.vpcCidr, {
            parent: this,
        });

        // The controller detects the Gateway API kinds once, at start: the CRDs must exist before its pods do.
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: d.releaseName,
                chart: LOAD_BALANCER_CONTROLLER_CHART.chart,
                version: args.version,
                repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_CHART.repo },
                namespace: d.namespace,
                skipCrds: true,
                atomic: true,
                cleanupOnFail: true,
                values: loadBalancerControllerValues({
                    clusterName: args.clusterName,
                    region: args.region,
                    vpcId: args.vpcId,
                    serviceAccountName: d.serviceAccountName,
                    releaseName: d.releaseName,
                    identityMode: args.identityMode,
                }),
            },
            { parent: this, dependsOn: [...this.crds, identity, ...networkPolicies, ...(args.runsOn ?? [])] },
        );

        this.roleArn = identity.roleArn;
        this.namespace = this.release.status.namespace;
        this.registerOutputs({ crds: this.crds, release: this.release, roleArn: this.roleArn, namespace: this.namespace });
    }
}
