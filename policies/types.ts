/**
 * Typed views of the resources the pack checks that have no generated SDK class in the pack's dependencies:
 * the Karpenter, Gateway API and AWS Load Balancer Controller custom resources, and the pulumi-eks components.
 * Each view lists only the fields a policy reads, named and nested exactly as the upstream schema (Karpenter 1.14
 * CRDs, Gateway API v1.6 standard channel, AWS Load Balancer Controller v3.5 CRDs, pulumi-eks 4).
 *
 * The classes exist so that `validateResourceOfType` and `isType` can match on `__pulumiType`, as they do for
 * SDK classes; they are never instantiated. Gateway API and controller kinds are matched by group and kind
 * instead (`gateway.ts`), so that every served version is covered.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource class that only carries its Pulumi type token, for `validateResourceOfType` and `isType`. */
export interface TypedResourceClass<TArgs> {
    new (name: string, args: TArgs, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
    readonly __pulumiType: string;
}

/** A class for a resource type token (typically a Kubernetes custom resource) whose inputs are `TArgs`. */
export function resourceClass<TArgs>(type: string): TypedResourceClass<TArgs> {
    return class extends pulumi.CustomResource {
        static readonly __pulumiType = type;
        constructor(name: string, args: TArgs, opts?: pulumi.CustomResourceOptions) {
            super(type, name, args as pulumi.Inputs, opts);
        }
    };
}

/** The part of Kubernetes `ObjectMeta` policies read. */
export interface ObjectMetaView {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------------------
// pulumi-eks
// ---------------------------------------------------------------------------------------------------------------------

/**
 * The `eks:index:Cluster` inputs the cluster and node policies read (pulumi-eks 4 `ClusterArgs`; written out here so
 * that the pack does not depend on `@pulumi/eks`).
 */
export interface EksClusterView {
    createOidcProvider?: boolean;
    encryptionConfigKeyArn?: string;
    enabledClusterLogTypes?: string[];
    /** Default true. */
    endpointPublicAccess?: boolean;
    /** Default false. */
    endpointPrivateAccess?: boolean;
    /** Default `["0.0.0.0/0"]`. */
    publicAccessCidrs?: string[];
    /** Default false: pulumi-eks creates a self-managed default node group. */
    skipDefaultNodeGroup?: boolean;
    fargate?: unknown;
    autoMode?: { enabled?: boolean };
}
export const EksCluster = resourceClass<EksClusterView>("eks:index:Cluster");

/** `eks:index:ManagedNodeGroup` inputs (pulumi-eks 4): its own launch template unless one is given. */
export interface EksManagedNodeGroupView {
    nodeGroupName?: string;
    launchTemplate?: { id?: string; name?: string; version?: string };
    /** Default false: without it (or a launch template) the group's instances accept IMDSv1. */
    enableIMDSv2?: boolean;
}


// ---------------------------------------------------------------------------------------------------------------------
// Karpenter v1
// ---------------------------------------------------------------------------------------------------------------------

/** A node selector requirement (`spec.template.spec.requirements[]`). */
export interface NodeSelectorRequirementView {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
    values?: string[];
}

/** A disruption budget; `nodes` is a count or a percentage string. */
export interface DisruptionBudgetView {
    nodes: string;
    schedule?: string;
    duration?: string;
    reasons?: ("Underutilized" | "Empty" | "Drifted")[];
}

export type ConsolidationPolicy = "WhenEmpty" | "WhenEmptyOrUnderutilized" | "Balanced";

/** `karpenter.sh/v1` NodePool. */
export interface NodePoolView {
    metadata?: ObjectMetaView;
    spec?: {
        /** Static pools: a fixed node count, never consolidated. */
        replicas?: number;
        template?: { spec?: { requirements?: NodeSelectorRequirementView[] } };
        disruption?: {
            /** Default `WhenEmptyOrUnderutilized`. */
            consolidationPolicy?: ConsolidationPolicy;
            /** A duration or `Never` (no consolidation). */
            consolidateAfter?: string;
            /** Default `[{nodes: "10%"}]`. */
            budgets?: DisruptionBudgetView[];
        };
        limits?: Record<string, string | number>;
    };
}
export const NodePool = resourceClass<NodePoolView>("kubernetes:karpenter.sh/v1:NodePool");

/** `karpenter.k8s.aws/v1` EC2NodeClass. */
export interface EC2NodeClassView {
    metadata?: ObjectMetaView;
    spec?: {
        /** Default: endpoint enabled, tokens required, hop limit 1. */
        metadataOptions?: {
            httpEndpoint?: "enabled" | "disabled";
            httpTokens?: "required" | "optional";
            httpPutResponseHopLimit?: number;
        };
        /** Default for AL2023: one encrypted 20 GiB gp3 root volume. */
        blockDeviceMappings?: { deviceName?: string; rootVolume?: boolean; ebs?: { encrypted?: boolean; kmsKeyID?: string } }[];
    };
}
export const EC2NodeClass = resourceClass<EC2NodeClassView>("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");

// ---------------------------------------------------------------------------------------------------------------------
// Gateway API v1 and the AWS Load Balancer Controller's gateway.k8s.aws/v1 kinds
// ---------------------------------------------------------------------------------------------------------------------

export type FromNamespaces = "All" | "Same" | "Selector" | "None";

/** A Kubernetes label selector. An empty one (no labels, no expressions) selects everything. */
export interface LabelSelectorView {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface GatewayListenerView {
    name: string;
    port: number;
    protocol: string;
    hostname?: string;
    /** Default: routes from the Gateway's own namespace only (`Same`). */
    allowedRoutes?: { namespaces?: { from?: FromNamespaces; selector?: LabelSelectorView } };
}

export interface GatewayView {
    metadata?: ObjectMetaView;
    spec?: {
        gatewayClassName?: string;
        listeners?: GatewayListenerView[];
        infrastructure?: { parametersRef?: { group: string; kind: string; name: string } };
    };
}

export interface GatewayClassView {
    metadata?: ObjectMetaView;
    spec?: { controllerName?: string };
}

/** A route's attachment to a Gateway listener. */
export interface ParentReferenceView {
    /** Default `gateway.networking.k8s.io`. */
    group?: string;
    /** Default `Gateway`. */
    kind?: string;
    /** Default: the route's namespace. */
    namespace?: string;
    name: string;
    /** Default: every listener the route is allowed on. */
    sectionName?: string;
    port?: number;
}

export interface HTTPRouteFilterView {
    type: string;
    requestRedirect?: { scheme?: string; port?: number; statusCode?: number };
}

export interface BackendRefView {
    group?: string;
    /** Default `Service`. */
    kind?: string;
    name: string;
    /** Default: the route's namespace. */
    namespace?: string;
    port?: number;
    /** Default 1; 0 sends no traffic. */
    weight?: number;
}

export interface HTTPRouteView {
    metadata?: ObjectMetaView;
    spec?: {
        parentRefs?: ParentReferenceView[];
        hostnames?: string[];
        rules?: { backendRefs?: BackendRefView[]; filters?: HTTPRouteFilterView[] }[];
    };
}

/** `gateway.k8s.aws/v1` LoadBalancerConfiguration: listener TLS settings live here, not on the Gateway. */
export interface LoadBalancerConfigurationView {
    metadata?: ObjectMetaView;
    spec?: {
        /** Default `internal`. */
        scheme?: "internal" | "internet-facing";
        /** CIDRs the load balancer's security group admits on the listener ports. Default: 0.0.0.0/0 (and ::/0 for dual stack). */
        sourceRanges?: string[];
        /** ALB attributes, e.g. `access_logs.s3.enabled`. */
        loadBalancerAttributes?: { key: string; value: string }[];
        listenerConfigurations?: {
            /** `<PROTOCOL>:<port>`, e.g. `HTTPS:443`. */
            protocolPort: string;
            defaultCertificate?: string;
            certificates?: string[];
            /** Default `ELBSecurityPolicy-2016-08` (TLS 1.0). */
            sslPolicy?: string;
        }[];
    };
}
