/**
 * Namespaces as boundaries: every namespace the stack creates enforces the Pod Security Standards `restricted`
 * profile, nothing lands in `default`, and every application namespace has a NetworkPolicy that selects all of its
 * pods for ingress (without one, every pod accepts traffic from anywhere in the cluster).
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { KubeObject } from "./kube";
import { KubeType, parseKubeType, podTemplates } from "./podSpec";
import { orUnknown } from "./unknowns";

/** Pod Security Admission's enforce label and the profile application namespaces enforce. */
export const PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const PSA_RESTRICTED = "restricted";

/** Namespaces Kubernetes itself runs; no application lives there. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

export interface ExemptNamespacesConfig {
    readonly exemptNamespaces: string[];
}

function exemptNamespacesProperty(defaults: readonly string[], description: string) {
    return {
        exemptNamespaces: {
            type: "array" as const,
            items: { type: "string" as const, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
            default: [...defaults],
            description,
        },
    };
}

function isNamespaceType(t: KubeType | undefined): t is KubeType {
    return t !== undefined && t.group === "core" && t.kind === "Namespace";
}

function itemsOf(props: Record<string, unknown>, t: KubeType): KubeObject[] {
    return t.list ? ((props.items as KubeObject[] | undefined) ?? []) : [props as KubeObject];
}

export const namespacePodSecurityRestricted: ResourceValidationPolicy = {
    name: "namespace-pod-security-restricted",
    description: `Every namespace the stack creates enforces the restricted Pod Security Standard (label ${PSA_ENFORCE_LABEL}: ${PSA_RESTRICTED}), so the cluster itself refuses pods the pack never saw (Helm charts, kubectl).`,
    severity: "high",
    configSchema: { properties: exemptNamespacesProperty(SYSTEM_NAMESPACES, "Namespaces that may enforce a weaker profile.") },
    validateResource: (args, reportViolation) => {
        const t = parseKubeType(args.type);
        if (!isNamespaceType(t)) return;
        const { exemptNamespaces } = args.getConfig<ExemptNamespacesConfig>();
        itemsOf(args.props, t).forEach((ns, i) => {
            const name = orUnknown(() => ns.metadata?.name ?? (t.list ? `${args.name}[${i}]` : args.name), "[unknown]");
            if (exemptNamespaces.includes(name)) return;
            const level = orUnknown(() => ns.metadata?.labels?.[PSA_ENFORCE_LABEL], PSA_RESTRICTED);
            // A patch that leaves the label out keeps the live one.
            if (level === PSA_RESTRICTED || (t.patch && level === undefined)) return;
            reportViolation(
                `Namespace${t.patch ? "Patch" : ""} ${name} ${level === undefined ? `has no ${PSA_ENFORCE_LABEL} label (nothing is enforced)` : `enforces ${level}`}: label it ${PSA_ENFORCE_LABEL}: ${PSA_RESTRICTED}.`,
            );
        });
    },
};

/** Kinds of the built-in API groups that are cluster-scoped; every other built-in kind is namespaced. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "ComponentStatus",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "StorageClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "VolumeAttributesClass",
    "PriorityClass",
    "RuntimeClass",
    "IngressClass",
    "IPAddress",
    "ServiceCIDR",
    "ClusterCIDR",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "CertificateSigningRequest",
    "ClusterTrustBundle",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "PodSecurityPolicy",
    "AuditSink",
    "StorageVersion",
    "StorageVersionMigration",
    "DeviceClass",
    "ResourceSlice",
    "DeviceTaintRule",
]);

/** The built-in API groups (what `@pulumi/kubernetes` has classes for). */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
    "core",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "extensions",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "coordination.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "node.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "certificates.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io",
    "settings.k8s.io",
    "storagemigration.k8s.io",
    "auditregistration.k8s.io",
    "internal.apiserver.k8s.io",
]);

/** Namespaced custom resource kinds the platform uses, by group (other custom resources: scope unknown, not checked). */
const NAMESPACED_CUSTOM_KINDS: Record<string, readonly string[]> = {
    "gateway.networking.k8s.io": ["Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "ReferenceGrant", "BackendTLSPolicy", "ListenerSet"],
    "gateway.k8s.aws": ["LoadBalancerConfiguration", "TargetGroupConfiguration", "ListenerRuleConfiguration"],
    "elbv2.k8s.aws": ["TargetGroupBinding"],
};

/** Whether objects of a type live in a namespace; undefined when the pack cannot know (unknown custom resources). */
export function isNamespaced(t: KubeType): boolean | undefined {
    if (BUILT_IN_GROUPS.has(t.group)) return !CLUSTER_SCOPED_KINDS.has(t.kind);
    return NAMESPACED_CUSTOM_KINDS[t.group]?.includes(t.kind) ? true : undefined;
}

/** Helm installs whose `namespace` input decides where their objects go. */
const HELM_TYPES: ReadonlySet<string> = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"]);

export const noDefaultNamespace: ResourceValidationPolicy = {
    name: "no-default-namespace",
    description:
        "Nothing is created in the default namespace (set metadata.namespace, or the Helm release's namespace): default has no quotas, network policies or admission labels of its own.",
    severity: "medium",
    validateResource: (args, reportViolation) => {
        // Objects without a namespace go to the provider's namespace, else to default. A namespace not known yet
        // (undefined: it depends on an output during a preview) is not default.
        const providerNamespace = orUnknown(() => (args.provider?.props.namespace as string | undefined) ?? "default", undefined);
        if (HELM_TYPES.has(args.type)) {
            const namespace = orUnknown(() => (args.props.namespace as string | undefined) ?? providerNamespace, undefined);
            if (namespace === "default") reportViolation(`Helm ${args.type.split(":").pop()} ${args.name} installs into the default namespace: set its namespace.`);
            return;
        }
        const t = parseKubeType(args.type);
        if (!t || isNamespaced(t) !== true) return;
        itemsOf(args.props, t).forEach((obj, i) => {
            const namespace = orUnknown(() => obj.metadata?.namespace ?? providerNamespace, undefined);
            if (namespace !== "default") return;
            const name = orUnknown(() => obj.metadata?.name ?? (t.list ? `${args.name}[${i}]` : args.name), "[unknown]");
            reportViolation(`${t.kind}${t.patch ? "Patch" : ""} ${name} is in the default namespace${obj.metadata?.namespace === undefined ? " (metadata.namespace is not set)" : ""}: put it in its application's namespace.`);
        });
    },
};

interface NetworkPolicySpecView {
    podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    policyTypes?: string[];
    ingress?: unknown[];
}

/**
 * A NetworkPolicy that selects every pod of its namespace for ingress (a default deny, or a namespace-wide allow list).
 * A policy without a spec is one too: the API server stores it with an empty podSelector (all pods) and, defaulted,
 * policyTypes [Ingress].
 */
export function coversNamespaceIngress(spec: NetworkPolicySpecView | undefined): boolean {
    const selector = spec?.podSelector ?? {};
    const everyPod = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    // Without policyTypes, a policy is an ingress policy (plus egress when it has egress rules).
    const ingress = spec?.policyTypes === undefined || spec.policyTypes.includes("Ingress");
    return everyPod && ingress;
}

function namespaceName(r: PolicyResource): string | undefined {
    const obj = r.props as KubeObject;
    return obj.metadata?.name ?? r.name;
}

export const namespaceNetworkPolicy: StackValidationPolicy = {
    name: "namespace-network-policy",
    description:
        "Every application namespace (each namespace the stack creates or runs pods in, except exemptNamespaces) has a NetworkPolicy that selects all of its pods for ingress, such as a default deny.",
    severity: "high",
    configSchema: {
        properties: exemptNamespacesProperty(SYSTEM_NAMESPACES, "Namespaces that are not application namespaces (system and controller namespaces)."),
    },
    validateStack: (args, reportViolation) => {
        const { exemptNamespaces } = args.getConfig<ExemptNamespacesConfig>();
        const covered = new Set<string>();
        // During a preview a policy's namespace may not be known yet: then no namespace can be said to lack one.
        let unknownCovered = false;
        // Application namespaces, each with the resource to report on.
        const namespaces = new Map<string, string>();
        for (const r of args.resources) {
            const t = parseKubeType(r.type);
            if (!t || t.patch || t.list) continue;
            if (t.group === "networking.k8s.io" || t.group === "extensions") {
                if (t.kind === "NetworkPolicy" && coversNamespaceIngress((r.props as KubeObject<NetworkPolicySpecView>).spec)) {
                    const namespace = orUnknown(() => (r.props as KubeObject).metadata?.namespace ?? "default", undefined);
                    if (namespace === undefined) unknownCovered = true;
                    else covered.add(namespace);
                }
            } else if (isNamespaceType(t)) {
                const name = orUnknown(() => namespaceName(r), undefined);
                if (name !== undefined) namespaces.set(name, r.urn);
            }
        }
        for (const r of args.resources) {
            for (const object of podTemplates(r.type, r.props, r.name)) {
                const namespace = orUnknown(() => object.metadata?.namespace ?? "default", undefined);
                if (namespace !== undefined && !namespaces.has(namespace)) namespaces.set(namespace, r.urn);
            }
        }
        if (unknownCovered) return;
        for (const [namespace, urn] of namespaces) {
            if (exemptNamespaces.includes(namespace) || covered.has(namespace)) continue;
            reportViolation(
                `Namespace ${namespace} has no NetworkPolicy selecting all of its pods for ingress (podSelector: {}): every pod in it accepts traffic from anywhere in the cluster. Add a default deny plus the ingress each application needs.`,
                urn,
            );
        }
    },
};

/** Whether a VPC CNI configuration turns on network policy enforcement (`enableNetworkPolicy`, a string in add-on JSON). */
function enablesNetworkPolicy(value: unknown): boolean {
    return value === true || value === "true";
}

/** The VPC CNI resources of a stack, each with whether it enforces NetworkPolicies. */
function vpcCnis(resources: readonly PolicyResource[]): { resource: PolicyResource; enforces: boolean }[] {
    return resources.flatMap((r) => {
        const p = r.props as Record<string, unknown>;
        if (r.type === "aws:eks/addon:Addon" && p.addonName === "vpc-cni") {
            let config: unknown = p.configurationValues;
            if (typeof config === "string") {
                try {
                    config = JSON.parse(config);
                } catch {
                    config = {};
                }
            }
            return [{ resource: r, enforces: enablesNetworkPolicy((config as Record<string, unknown> | undefined)?.enableNetworkPolicy) }];
        }
        if (r.type === "eks:index:VpcCniAddon") return [{ resource: r, enforces: enablesNetworkPolicy(p.enableNetworkPolicy) }];
        if (r.type === "eks:index:Cluster" && p.useDefaultVpcCni !== true && p.vpcCniOptions !== undefined) {
            return [{ resource: r, enforces: enablesNetworkPolicy((p.vpcCniOptions as Record<string, unknown>).enableNetworkPolicy) }];
        }
        return [];
    });
}

export interface EnforcementConfig {
    readonly enforcedByAnotherCni: boolean;
}

export const networkPolicyEnforced: StackValidationPolicy = {
    name: "network-policy-enforced",
    description:
        "A stack that declares NetworkPolicies also has them enforced: the VPC CNI add-on (or pulumi-eks's VPC CNI) runs with enableNetworkPolicy. Without an enforcing CNI, NetworkPolicy objects change nothing.",
    severity: "high",
    configSchema: {
        properties: {
            enforcedByAnotherCni: {
                type: "boolean",
                default: false,
                description: "Another CNI or network policy engine installed outside the plan (Calico, Cilium) enforces NetworkPolicies.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        if (args.getConfig<EnforcementConfig>().enforcedByAnotherCni) return;
        const policies = args.resources.filter((r) => {
            const t = parseKubeType(r.type);
            return t !== undefined && t.kind === "NetworkPolicy" && (t.group === "networking.k8s.io" || t.group === "extensions");
        });
        if (policies.length === 0) return;
        const cnis = orUnknown(() => vpcCnis(args.resources), undefined);
        if (cnis === undefined || cnis.some((c) => c.enforces)) return;
        const where = cnis[0]?.resource ?? args.resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster") ?? policies[0];
        const why =
            cnis.length > 0
                ? `its VPC CNI (${cnis.map((c) => `${c.resource.type.split(":").pop()} ${c.resource.name}`).join(", ")}) does not set enableNetworkPolicy`
                : "no VPC CNI add-on in the stack enables network policy (the EKS default CNI does not enforce them)";
        reportViolation(`The stack declares ${policies.length} NetworkPolicies but ${why}: they would not be enforced.`, where.urn);
    },
};

export const namespacePolicies = [namespacePodSecurityRestricted, noDefaultNamespace];
export const namespaceStackPolicies = [namespaceNetworkPolicy, networkPolicyEnforced];
