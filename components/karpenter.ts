import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../config";
import { PolicyStatement, boundedName } from "../lib/iam";
import { createNodeRole } from "../lib/nodeRole";
import { KarpenterPolicyScope, controllerPolicyStatements, interruptionQueuePolicy } from "../lib/karpenterPolicy";
import { KARPENTER_NAMESPACE, RESTRICTED_POD_SECURITY } from "../lib/labels";
import { NetworkPolicyObject, controllerNetworkPolicies, createNetworkPolicies } from "../lib/networkPolicies";
import { SYSTEM_NODE_LABEL, systemNodeScheduling } from "./cluster";
import { ClusterIdentitySource, WorkloadIdentity, identityPodAnnotations } from "./workloadIdentity";

export const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
export const KARPENTER_CRD_CHART = "oci://public.ecr.aws/karpenter/karpenter-crd";
export { KARPENTER_NAMESPACE };
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/**
 * The EventBridge events Karpenter reacts to (upstream getting-started template), keyed by rule suffix.
 * `source` and `detailType` must match AWS's strings exactly: a typo is a rule that silently never fires.
 */
export const INTERRUPTION_EVENTS = {
    "scheduled-change": { source: "aws.health", detailType: "AWS Health Event" },
    "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    "instance-state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    "capacity-reservation-interruption": { source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
} as const;

/** Ports of the controller's pods (chart defaults): metrics and health probes. Karpenter v1 runs no webhooks. */
export const KARPENTER_PORTS = { metrics: 8080, healthProbe: 8081 } as const;

/** The namespace's NetworkPolicies: default deny, DNS, and for the controller HTTPS out and its ports from the VPC. */
export function karpenterNetworkPolicies(vpcCidr: string, identityMode: IdentityMode): NetworkPolicyObject[] {
    return controllerNetworkPolicies({
        namespace: KARPENTER_NAMESPACE,
        name: "karpenter",
        // The chart's selector labels (release "karpenter").
        podLabels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" },
        ingressPorts: [KARPENTER_PORTS.metrics, KARPENTER_PORTS.healthProbe],
        vpcCidr,
        identityMode,
        ownNamespace: true,
    });
}

/** Upstream keeps interruption messages five minutes: an older warning is no longer actionable. */
export const INTERRUPTION_QUEUE_RETENTION_SECONDS = 300;

export interface ControllerResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** Requests a guaranteed memory size and half a CPU; no CPU limit (throttling slows scheduling decisions). */
export const DEFAULT_CONTROLLER_RESOURCES: ControllerResources = {
    requests: { cpu: "500m", memory: "1Gi" },
    limits: { memory: "1Gi" },
};

export interface KarpenterArgs {
    /** Plain cluster name: names the queue, rules and roles, and scopes the controller's permissions. */
    readonly clusterName: string;
    /** Region of the cluster (the AWS provider's region): scopes permissions, and the controller's AWS_REGION. */
    readonly region: string;
    /** Where the controller's identity comes from (the cluster's name output waits for the cluster). */
    readonly cluster: ClusterIdentitySource;
    /** Resolves once the system node group exists: the controller is installed only when it has somewhere to run. */
    readonly systemNodeGroupName: pulumi.Input<string>;
    /** IRSA or EKS Pod Identity for the controller. */
    readonly identityMode: IdentityMode;
    /** The VPC's CIDR: where the kubelet's probes and metrics scrapers come from. */
    readonly vpcCidr: pulumi.Input<string>;
    /** Version of both charts (`karpenter` and `karpenter-crd`), e.g. `1.14.1`. */
    readonly version: string;
    /** Controller replicas; default 2 (with a PodDisruptionBudget of maxUnavailable 1). */
    readonly replicas?: number;
    /** Controller resources; default `DEFAULT_CONTROLLER_RESOURCES`. */
    readonly resources?: ControllerResources;
    /** Pulumi `protect` on the interruption queue (its name is the cluster's: a replacement is never silent). Default: false. */
    readonly protect?: boolean;
    readonly tags?: Record<string, string>;
}

/** The chart values this project sets (a subset of the chart's `values.yaml`). */
export interface KarpenterChartValues {
    settings: { clusterName: string; interruptionQueue: string };
    serviceAccount: { create: false; name: string };
    /** Rolls the controller when its identity mode changes (credentials are injected at pod creation). */
    podAnnotations: Record<string, string>;
    replicas: number;
    podDisruptionBudget: { name: string; maxUnavailable: number };
    nodeSelector: Record<string, string>;
    tolerations: { key: string; operator: "Equal" | "Exists"; value?: string; effect?: string }[];
    affinity: {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: { matchExpressions: { key: string; operator: "In" | "DoesNotExist"; values?: string[] }[] }[];
            };
        };
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { topologyKey: string }[] };
    };
    controller: { env: { name: string; value: string }[]; resources: ControllerResources };
    logLevel: "info" | "debug" | "error";
}

/**
 * Helm values of the controller: cluster and queue, the pre-made service account, and scheduling on the
 * system node group only (its taint tolerated, its label required, never on a node Karpenter launched).
 */
export function karpenterChartValues(opts: {
    clusterName: string;
    region: string;
    interruptionQueueName: string;
    serviceAccountName: string;
    /** How the controller gets its credentials; default `irsa`. */
    identityMode?: IdentityMode;
    replicas?: number;
    resources?: ControllerResources;
}): KarpenterChartValues {
    const system = systemNodeScheduling();
    return {
        settings: { clusterName: opts.clusterName, interruptionQueue: opts.interruptionQueueName },
        serviceAccount: { create: false, name: opts.serviceAccountName },
        podAnnotations: identityPodAnnotations(opts.identityMode ?? "irsa"),
        replicas: opts.replicas ?? 2,
        podDisruptionBudget: { name: "karpenter", maxUnavailable: 1 },
        nodeSelector: { "kubernetes.io/os": "linux", ...system.nodeSelector },
        tolerations: system.tolerations,
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                { key: SYSTEM_NODE_LABEL.key, operator: "In", values: [SYSTEM_NODE_LABEL.value] },
                                { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
                            ],
                        },
                    ],
                },
            },
            // The chart fills in its own pod selector: one controller per node.
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }] },
        },
        // System nodes keep IMDS hop limit 1, so the controller cannot ask IMDS for its region.
        controller: { env: [{ name: "AWS_REGION", value: opts.region }], resources: opts.resources ?? DEFAULT_CONTROLLER_RESOURCES },
        logLevel: "info",
    };
}

/** Names derived from the cluster name, so that they are known before anything exists. */
export function karpenterNames(clusterName: string) {
    return {
        nodeRole: boundedName(`${clusterName}-karpenter-node`),
        interruptionQueue: `${clusterName}-karpenter-interruption`,
        rule: (key: string) => boundedName(`${clusterName}-karpenter-${key}`),
    };
}

/**
 * Karpenter as upstream's getting-started sets it up: the node role (with its EKS access entry), the
 * interruption queue fed by five EventBridge rules, the controller's identity and permissions, the CRDs and
 * the controller itself on the system node group.
 */
export class Karpenter extends pulumi.ComponentResource {
    public readonly nodeRoleName: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    public readonly interruptionQueueName: pulumi.Output<string>;
    public readonly controllerRoleArn: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;
    /** The CRD chart: NodePools and EC2NodeClasses depend on it. */
    public readonly crds: k8s.helm.v4.Chart;
    /** The controller release: NodePools depend on it so that, on destroy, they go first while it can still drain. */
    public readonly controller: k8s.helm.v3.Release;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:karpenter:Karpenter", name, {}, opts);
        const names = karpenterNames(args.clusterName);
        const tags = args.tags ?? {};
        const partition = aws.getPartitionOutput({}, { parent: this });
        const caller = aws.getCallerIdentityOutput({}, { parent: this });

        // Node role: passed by the controller to the instance profiles it creates for each EC2NodeClass.
        const { role: nodeRole, attachments } = createNodeRole(
            `${name}-node`,
            { roleName: names.nodeRole, description: `Nodes launched by Karpenter in ${args.clusterName}`, tags },
            { parent: this },
        );
        // Nodes join through an access entry (the cluster runs authenticationMode API); EC2_LINUX takes no groups or policies.
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-node`,
            { clusterName: args.cluster.name, principalArn: nodeRole.arn, type: "EC2_LINUX", tags },
            { parent: this },
        );

        // Interruption handling: EventBridge → SQS → controller (cordon and drain ahead of spot loss, health events, stops).
        const queue = new aws.sqs.Queue(
            `${name}-interruption`,
            { name: names.interruptionQueue, messageRetentionSeconds: INTERRUPTION_QUEUE_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags },
            { parent: this, protect: args.protect },
        );
        const rules = Object.entries(INTERRUPTION_EVENTS).map(
            ([key, event]) =>
                [
                    key,
                    new aws.cloudwatch.EventRule(
                        `${name}-${key}`,
                        {
                            name: names.rule(key),
                            description: `Karpenter interruption handling for ${args.clusterName}: ${event.detailType}`,
                            eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
                            tags,
                        },
                        { parent: this },
                    ),
                ] as const,
        );
        // Only these rules may send: any other rule in the account could otherwise forge interruption events.
        const queuePolicy = new aws.sqs.QueuePolicy(
            `${name}-interruption`,
            {
                queueUrl: queue.url,
                policy: pulumi
                    .all([queue.arn, ...rules.map(([, rule]) => rule.arn)])
                    .apply(([queueArn, ...ruleArns]) => JSON.stringify(interruptionQueuePolicy(queueArn, ruleArns))),
            },
            { parent: this },
        );
        const targets = rules.map(
            ([key, rule]) =>
                new aws.cloudwatch.EventTarget(
                    `${name}-${key}`,
                    { rule: rule.name, arn: queue.arn, targetId: "KarpenterInterruptionQueueTarget" },
                    { parent: this, dependsOn: [queuePolicy] },
                ),
        );

        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: KARPENTER_NAMESPACE, labels: { ...RESTRICTED_POD_SECURITY } } },
            { parent: this },
        );

        const networkPolicies = createNetworkPolicies(name, (cidr) => karpenterNetworkPolicies(cidr, args.identityMode), args.vpcCidr, {
            parent: this,
            dependsOn: [namespace],
        });

        const scope = pulumi.all([caller.accountId, partition.partition, nodeRole.arn, queue.arn]).apply(
            ([accountId, part, nodeRoleArn, interruptionQueueArn]): KarpenterPolicyScope => ({
                clusterName: args.clusterName,
                region: args.region,
                accountId,
                partition: part,
                nodeRoleArn,
                interruptionQueueArn,
            }),
        );
        const identity = new WorkloadIdentity(
            `${name}-controller`,
            {
                clusterName: args.clusterName,
                cluster: args.cluster,
                namespace: namespace.metadata.name,
                namespaceName: KARPENTER_NAMESPACE,
                serviceAccountName: KARPENTER_SERVICE_ACCOUNT,
                mode: args.identityMode,
                statements: scope.apply((resolved) =>
                    controllerPolicyStatements(resolved).map(
                        (st): PolicyStatement => ({ ...st, Action: [...st.Action], Resource: typeof st.Resource === "string" ? st.Resource : [...st.Resource] }),
                    ),
                ),
                // The chart's pod template asks for the API token itself (automountServiceAccountToken: true), as its own
                // ServiceAccount template does; nothing else should get one from this account.
                automountServiceAccountToken: false,
                labels: { "app.kubernetes.io/name": "karpenter" },
                tags,
            },
            { parent: this },
        );

        // The chart belongs to the kubernetes package, so it inherits the cluster's provider from this component.
        this.crds = new k8s.helm.v4.Chart(
            `${name}-crds`,
            { chart: KARPENTER_CRD_CHART, version: args.version, namespace: KARPENTER_NAMESPACE },
            { parent: this },
        );

        const values = karpenterChartValues({
            clusterName: args.clusterName,
            region: args.region,
            interruptionQueueName: names.interruptionQueue,
            serviceAccountName: KARPENTER_SERVICE_ACCOUNT,
            identityMode: args.identityMode,
            replicas: args.replicas,
            resources: args.resources,
        });
        this.controller = new k8s.helm.v3.Release(
            `${name}-controller`,
            {
                name: "karpenter",
                chart: KARPENTER_CHART,
                version: args.version,
                namespace: identity.namespace,
                skipCrds: true,
                atomic: true,
                cleanupOnFail: true,
                timeout: 600,
                // Waits for the system nodes (the controller must not wait for nodes it would launch itself).
                values: pulumi.output(args.systemNodeGroupName).apply(() => values),
            },
            { parent: this, dependsOn: [this.crds, identity, accessEntry, ...targets, ...networkPolicies] },
        );

        // Usable once usable: the role name resolves after its policies and access entry exist.
        this.nodeRoleName = pulumi
            .all([nodeRole.name, accessEntry.id, ...attachments.map((a) => a.id)])
            .apply(([roleName]) => roleName);
        this.nodeRoleArn = nodeRole.arn;
        this.interruptionQueueName = queue.name;
        this.controllerRoleArn = identity.roleArn;
        this.namespace = identity.namespace;
        this.registerOutputs({
            nodeRoleName: this.nodeRoleName,
            nodeRoleArn: this.nodeRoleArn,
            interruptionQueueName: this.interruptionQueueName,
            controllerRoleArn: this.controllerRoleArn,
            namespace: this.namespace,
            crds: this.crds,
            controller: this.controller,
        });
    }
}
