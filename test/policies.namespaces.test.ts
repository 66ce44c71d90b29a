/**
 * Which objects live in a namespace (policies/namespaces.ts isNamespaced, what no-default-namespace judges by), as
 * the API server reports it: the NAMESPACED column of `kubectl api-resources` on Kubernetes 1.34 (and the
 * Kubernetes API reference for kinds served only in older or alpha versions), written out here per group and kind,
 * and the scope of the custom resources the platform uses (their CRDs' `spec.scope`: Gateway API 1.3 standard and
 * experimental channels, the AWS Load Balancer Controller v3 CRDs). Other custom resources: scope unknown.
 */
import { parseKubeType } from "../policies/podSpec";
import { isNamespaced, namespacePodSecurityRestricted, noDefaultNamespace } from "../policies/namespaces";
import { check, resource } from "./policyHarness";

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
