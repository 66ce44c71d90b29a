/**
 * Which objects live in a namespace (policies/namespaces.ts isNamespaced, what no-default-namespace judges by), as
 * the API server reports it: the NAMESPACED column of `kubectl api-resources` on Kubernetes 1.34 (and the
 * Kubernetes API reference for kinds served only in older or alpha versions), written out here per group and kind,
 * and the scope of the custom resources the platform uses (their CRDs' `spec.scope`: Gateway API 1.3 standard and
 * experimental channels, the AWS Load Balancer Controller v3 CRDs). Other custom resources: scope unknown.
 */
import { parseKubeType } from "../policies/podSpec";
import { isNamespaced, namespaceNetworkPolicy, namespacePodSecurityRestricted, networkPolicyEnforced, noDefaultNamespace } from "../policies/namespaces";
import { UNKNOWN, check, messages, previewMessages, resource, urnOf } from "./policyHarness";

/** Pulumi type token → namespaced (true), cluster-scoped (false), unknown (undefined). */
const SCOPES: [string, boolean | undefined][] = [
    // Cluster-scoped, every built-in kind of them.
    ["kubernetes:core/v1:Namespace", false],
    ["kubernetes:core/v1:Node", false],
    ["kubernetes:core/v1:PersistentVolume", false],
    ["kubernetes:core/v1:ComponentStatus", false],
    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", false],
    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", false],
    ["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", false],
    ["kubernetes:apiregistration.k8s.io/v1:APIService", false],
    ["kubernetes:storage.k8s.io/v1:StorageClass", false],
    ["kubernetes:storage.k8s.io/v1:CSIDriver", false],
    ["kubernetes:storage.k8s.io/v1:CSINode", false],
    ["kubernetes:storage.k8s.io/v1:VolumeAttachment", false],
    ["kubernetes:storage.k8s.io/v1:VolumeAttributesClass", false],
    ["kubernetes:scheduling.k8s.io/v1:PriorityClass", false],
    ["kubernetes:node.k8s.io/v1:RuntimeClass", false],
    ["kubernetes:networking.k8s.io/v1:IngressClass", false],
    ["kubernetes:networking.k8s.io/v1:IPAddress", false],
    ["kubernetes:networking.k8s.io/v1:ServiceCIDR", false],
    ["kubernetes:networking.k8s.io/v1alpha1:ClusterCIDR", false],
    ["kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration", false],
    ["kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration", false],
    ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", false],
    ["kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", false],
    ["kubernetes:admissionregistration.k8s.io/v1beta1:MutatingAdmissionPolicy", false],
    ["kubernetes:admissionregistration.k8s.io/v1beta1:MutatingAdmissionPolicyBinding", false],
    ["kubernetes:certificates.k8s.io/v1:CertificateSigningRequest", false],
    ["kubernetes:certificates.k8s.io/v1beta1:ClusterTrustBundle", false],
    ["kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema", false],
    ["kubernetes:flowcontrol.apiserver.k8s.io/v1:PriorityLevelConfiguration", false],
    ["kubernetes:policy/v1beta1:PodSecurityPolicy", false],
    ["kubernetes:auditregistration.k8s.io/v1alpha1:AuditSink", false],
    ["kubernetes:internal.apiserver.k8s.io/v1alpha1:StorageVersion", false],
    ["kubernetes:storagemigration.k8s.io/v1alpha1:StorageVersionMigration", false],
    ["kubernetes:resource.k8s.io/v1:DeviceClass", false],
    ["kubernetes:resource.k8s.io/v1:ResourceSlice", false],
    ["kubernetes:resource.k8s.io/v1alpha3:DeviceTaintRule", false],
    // Namespaced, one kind per built-in group that has any.
    ["kubernetes:core/v1:ConfigMap", true],
    ["kubernetes:apps/v1:Deployment", true],
    ["kubernetes:batch/v1:CronJob", true],
    ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", true],
    ["kubernetes:policy/v1:PodDisruptionBudget", true],
    ["kubernetes:extensions/v1beta1:Ingress", true],
    ["kubernetes:networking.k8s.io/v1:NetworkPolicy", true],
    ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", true],
    ["kubernetes:discovery.k8s.io/v1:EndpointSlice", true],
    ["kubernetes:events.k8s.io/v1:Event", true],
    ["kubernetes:coordination.k8s.io/v1:Lease", true],
    ["kubernetes:storage.k8s.io/v1:CSIStorageCapacity", true],
    ["kubernetes:resource.k8s.io/v1:ResourceClaim", true],
    ["kubernetes:settings.k8s.io/v1alpha1:PodPreset", true],
    ["kubernetes:core/v1:ConfigMapList", true],
    ["kubernetes:apps/v1:DeploymentPatch", true],
    // Custom resources the platform uses.
    ["kubernetes:gateway.networking.k8s.io/v1:Gateway", true],
    ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", true],
    ["kubernetes:gateway.networking.k8s.io/v1:GRPCRoute", true],
    ["kubernetes:gateway.networking.k8s.io/v1alpha2:TLSRoute", true],
    ["kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute", true],
    ["kubernetes:gateway.networking.k8s.io/v1alpha2:UDPRoute", true],
    ["kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant", true],
    ["kubernetes:gateway.networking.k8s.io/v1alpha3:BackendTLSPolicy", true],
    ["kubernetes:gateway.networking.k8s.io/v1alpha1:ListenerSet", true],
    ["kubernetes:gateway.networking.k8s.io/v1:GatewayClass", undefined],
    ["kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", true],
    ["kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration", true],
    ["kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration", true],
    ["kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", true],
    ["kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", undefined],
    ["kubernetes:karpenter.sh/v1:NodePool", undefined],
];

describe("isNamespaced", () => {
    test.each(SCOPES)("%s: %s", (type, namespaced) => {
        const t = parseKubeType(type);
        expect(t).toBeDefined();
        expect(isNamespaced(t!)).toBe(namespaced);
    });
});

describe("namespace-pod-security-restricted judges core/v1 Namespaces only", () => {
    test("a custom resource of kind Namespace in another group is not a namespace", async () => {
        const props = { metadata: { name: "team-a" } };
        expect(await check(namespacePodSecurityRestricted, [resource("kubernetes:tenancy.example.com/v1:Namespace", "team-a", props)])).toEqual([]);
        expect((await check(namespacePodSecurityRestricted, [resource("kubernetes:core/v1:Namespace", "team-a", props)])).map((v) => v.message)).toEqual([
            "Namespace team-a has no pod-security.kubernetes.io/enforce label (nothing is enforced): label it pod-security.kubernetes.io/enforce: restricted.",
        ]);
    });
});

describe("no-default-namespace: Helm installs go where their namespace input says", () => {
    // helm.sh/v3 Release and the v3/v4 Chart components take `namespace`; without it, the provider's, else default.
    test.each(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"])("%s", async (type) => {
        const kind = type.split(":").pop();
        expect((await check(noDefaultNamespace, [resource(type, "metrics", { chart: "metrics-server" })])).map((v) => v.message)).toEqual([
            `Helm ${kind} metrics installs into the default namespace: set its namespace.`,
        ]);
        expect(await check(noDefaultNamespace, [resource(type, "metrics", { chart: "metrics-server", namespace: "kube-system" })])).toEqual([]);
    });
});

const NO_LABEL = "has no pod-security.kubernetes.io/enforce label (nothing is enforced): label it pod-security.kubernetes.io/enforce: restricted.";

describe("namespace-pod-security-restricted: which namespace a message names", () => {
    // A NamespaceList's items are namespaces too; an item without metadata.name is named by its place in the list.
    test("a NamespaceList item without a name is the list's name and index", async () => {
        const list = resource("kubernetes:core/v1:NamespaceList", "tenants", { items: [{ metadata: { name: "team-a" } }, { metadata: {} }] });
        expect(await messages(namespacePodSecurityRestricted, [list])).toEqual([`Namespace team-a ${NO_LABEL}`, `Namespace tenants[1] ${NO_LABEL}`]);
    });

    test("during a preview, a name not known yet is [unknown] (the namespace is still checked)", () => {
        const ns = resource("kubernetes:core/v1:Namespace", "generated", { metadata: { name: UNKNOWN, labels: { "pod-security.kubernetes.io/enforce": "baseline" } } });
        expect(previewMessages(namespacePodSecurityRestricted, [ns])).toEqual([
            "Namespace [unknown] enforces baseline: label it pod-security.kubernetes.io/enforce: restricted.",
        ]);
    });
});

describe("no-default-namespace: the object a message names", () => {
    const IN_DEFAULT = "is in the default namespace: put it in its application's namespace.";

    test("metadata.name, not the Pulumi resource name; a list item without one is the list's name and index", async () => {
        const cm = resource("kubernetes:core/v1:ConfigMap", "settings-resource", { metadata: { name: "settings", namespace: "default" } });
        const list = resource("kubernetes:core/v1:ConfigMapList", "bundle", { items: [{ metadata: {} }] });
        expect(await messages(noDefaultNamespace, [cm, list])).toEqual([
            `ConfigMap settings ${IN_DEFAULT}`,
            "ConfigMap bundle[0] is in the default namespace (metadata.namespace is not set): put it in its application's namespace.",
        ]);
    });

    test("during a preview: a name not known yet is [unknown]; a namespace not known yet is not default", () => {
        const named = resource("kubernetes:core/v1:ConfigMap", "settings", { metadata: { name: UNKNOWN, namespace: "default" } });
        const placed = resource("kubernetes:core/v1:ConfigMap", "placed", { metadata: { name: "placed", namespace: UNKNOWN } });
        const release = resource("kubernetes:helm.sh/v3:Release", "metrics", { chart: "metrics-server", namespace: UNKNOWN });
        expect(previewMessages(noDefaultNamespace, [named, placed, release])).toEqual([`ConfigMap [unknown] ${IN_DEFAULT}`]);
    });
});

describe("namespace-network-policy: which policies select every pod of a namespace for ingress", () => {
    const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const uncovered = (ns: string) =>
        `Namespace ${ns} has no NetworkPolicy selecting all of its pods for ingress (podSelector: {}): every pod in it accepts traffic from anywhere in the cluster. Add a default deny plus the ingress each application needs.`;
    const ns = (name: string) => resource("kubernetes:core/v1:Namespace", name, { metadata: { name } });
    const policy = (type: string, name: string, namespace: string, spec?: object) => resource(type, `${namespace}-${name}`, { metadata: { name, namespace }, ...(spec ? { spec } : {}) });
    const deployment = (name: string, metadata: object) => resource("kubernetes:apps/v1:Deployment", name, { metadata: { name, ...metadata }, spec: { template: { spec: { containers: [] } } } });

    test("a NetworkPolicy without a spec is a default deny: the API server gives it podSelector {} and policyTypes [Ingress]", async () => {
        expect(await check(namespaceNetworkPolicy, [ns("apps"), policy(NP, "deny", "apps")])).toEqual([]);
    });

    test("a podSelector with only matchExpressions selects some pods, not all", async () => {
        const some = policy(NP, "api", "apps", { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, policyTypes: ["Ingress"] });
        expect(await messages(namespaceNetworkPolicy, [ns("apps"), some])).toEqual([uncovered("apps")]);
    });

    test("extensions/v1beta1 served NetworkPolicy before networking.k8s.io/v1: it counts; an Ingress of networking.k8s.io does not", async () => {
        expect(await check(namespaceNetworkPolicy, [ns("apps"), policy("kubernetes:extensions/v1beta1:NetworkPolicy", "deny", "apps", { podSelector: {} })])).toEqual([]);
        const ingress = policy("kubernetes:networking.k8s.io/v1:Ingress", "web", "apps", {});
        expect(await messages(namespaceNetworkPolicy, [ns("apps"), ingress])).toEqual([uncovered("apps")]);
    });

    test("objects without metadata.namespace are in default: a policy there covers pods there", async () => {
        const pods = deployment("api", {});
        expect(await check(namespaceNetworkPolicy, [pods, resource(NP, "deny", { metadata: { name: "deny" }, spec: { podSelector: {} } })])).toEqual([]);
        const found = await check(namespaceNetworkPolicy, [pods]);
        expect(found.map((v) => [v.urn, v.message])).toEqual([[urnOf("kubernetes:apps/v1:Deployment", "api"), uncovered("default")]]);
    });

    test("one namespace's policy does not cover another's", async () => {
        expect(await messages(namespaceNetworkPolicy, [ns("apps"), policy(NP, "deny", "apps", { podSelector: {} }), ns("web")])).toEqual([uncovered("web")]);
    });

    test("during a preview, a covering policy whose namespace is not known yet may be any namespace's: nothing is reported", () => {
        const known = [ns("apps"), ns("web"), policy(NP, "deny", "apps", { podSelector: {} })];
        expect(previewMessages(namespaceNetworkPolicy, known)).toEqual([uncovered("web")]);
        expect(previewMessages(namespaceNetworkPolicy, [...known, policy(NP, "deny", UNKNOWN, { podSelector: {} })])).toEqual([]);
    });
});

describe("network-policy-enforced: which resources are NetworkPolicies and which are VPC CNIs", () => {
    const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const deny = (type = NP) => resource(type, "deny", { metadata: { name: "default-deny", namespace: "apps" }, spec: { podSelector: {} } });
    const NONE = "The stack declares 1 NetworkPolicies but no VPC CNI add-on in the stack enables network policy (the EKS default CNI does not enforce them): they would not be enforced.";
    const found = async (resources: Parameters<typeof check>[1]) => (await check(networkPolicyEnforced, resources)).map((v) => [v.urn, v.message]);

    test("NetworkPolicies of networking.k8s.io and extensions only: not an Ingress, not Calico's own NetworkPolicy", async () => {
        expect(await found([deny("kubernetes:extensions/v1beta1:NetworkPolicy")])).toEqual([[urnOf("kubernetes:extensions/v1beta1:NetworkPolicy", "deny"), NONE]]);
        expect(await check(networkPolicyEnforced, [deny("kubernetes:networking.k8s.io/v1:Ingress")])).toEqual([]);
        // Calico enforces its crd.projectcalico.org NetworkPolicy itself.
        expect(await check(networkPolicyEnforced, [deny("kubernetes:crd.projectcalico.org/v1:NetworkPolicy")])).toEqual([]);
    });

    test("without a VPC CNI in the stack, the violation sits on the cluster, pulumi-eks's or aws.eks.Cluster", async () => {
        expect(await found([deny(), resource("aws:eks/cluster:Cluster", "raw", { vpcConfig: {} })])).toEqual([[urnOf("aws:eks/cluster:Cluster", "raw"), NONE]]);
        expect(await found([deny(), resource("eks:index:Cluster", "cluster", {})])).toEqual([[urnOf("eks:index:Cluster", "cluster"), NONE]]);
    });

    test("only the vpc-cni add-on is a VPC CNI, and pulumi-eks's Addon component counts through its aws.eks.Addon child", async () => {
        const coredns = resource("aws:eks/addon:Addon", "coredns", { clusterName: "c", addonName: "coredns", configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) });
        const component = resource("eks:index:Addon", "vpc-cni", { addonName: "vpc-cni", configurationValues: {} }, { custom: false });
        const child = resource("aws:eks/addon:Addon", "vpc-cni-addon", { clusterName: "c", addonName: "vpc-cni" }, { parent: component.urn });
        expect(await found([deny(), coredns, component, child])).toEqual([
            [child.urn, "The stack declares 1 NetworkPolicies but its VPC CNI (Addon vpc-cni-addon) does not set enableNetworkPolicy: they would not be enforced."],
        ]);
    });

    test("every VPC CNI is named when none enforces", async () => {
        const addon = resource("aws:eks/addon:Addon", "vpc-cni", { clusterName: "c", addonName: "vpc-cni" });
        const pulumiEks = resource("eks:index:VpcCniAddon", "cni", { clusterName: "c" });
        expect((await check(networkPolicyEnforced, [deny(), addon, pulumiEks])).map((v) => v.message)).toEqual([
            "The stack declares 1 NetworkPolicies but its VPC CNI (Addon vpc-cni, VpcCniAddon cni) does not set enableNetworkPolicy: they would not be enforced.",
        ]);
    });

    test("pulumi-eks's Cluster installs a VPC CNI from vpcCniOptions, unless useDefaultVpcCni keeps EKS's own", async () => {
        // pulumi-eks: useDefaultVpcCni "Use the default VPC CNI instead of creating a custom one" (vpcCniOptions then unused).
        const cluster = resource("eks:index:Cluster", "cluster", { useDefaultVpcCni: true, vpcCniOptions: { enableNetworkPolicy: true } });
        expect(await found([deny(), cluster])).toEqual([[cluster.urn, NONE]]);
        // A component of the program that takes the same inputs and passes them on is not a CNI; the cluster it creates is.
        const wrapper = resource("acme:platform:EksCluster", "platform", { vpcCniOptions: { enableNetworkPolicy: false } }, { custom: false });
        const inner = resource("eks:index:Cluster", "platform-eks", { vpcCniOptions: { enableNetworkPolicy: false } }, { parent: wrapper.urn });
        expect(await found([deny(), wrapper, inner])).toEqual([
            [inner.urn, "The stack declares 1 NetworkPolicies but its VPC CNI (Cluster platform-eks) does not set enableNetworkPolicy: they would not be enforced."],
        ]);
    });
});
