/** Labels and annotations that tie the platform's parts together. */

/** The shared Gateway admits routes from namespaces with this label (allowedRoutes `Selector`). */
export const GATEWAY_ROUTES_LABEL = { key: "platform/gateway-routes", value: "enabled" } as const;

/** The AWS Load Balancer Controller injects pod readiness gates into namespaces with this label. */
export const READINESS_GATE_LABEL = { key: "elbv2.k8s.aws/pod-readiness-gate-inject", value: "enabled" } as const;

/** Pod Security Admission: application namespaces enforce the `restricted` profile. */
export const RESTRICTED_POD_SECURITY: Record<string, string> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
};

/**
 * What `pulumi up` waits for on an HTTPRoute before it reports the route applied: its (one) parent Gateway has
 * Accepted it and resolved every backendRef (Gateway API route status conditions). Without it the provider
 * returns as soon as the object is written, so a switch could report success for a route that never attached.
 * Five minutes covers the controller's reconcile and the ALB rule update; past it the update fails loudly.
 * The annotation takes a JSON list of expressions, all of which must hold (Pulumi Kubernetes provider ≥ 4.18).
 */
export const ROUTE_READY_WAIT: Readonly<Record<string, string>> = {
    "pulumi.com/waitFor": JSON.stringify(
        ["Accepted", "ResolvedRefs"].map((type) => `jsonpath={.status.parents[0].conditions[?(@.type=="${type}")].status}=True`),
    ),
    "pulumi.com/timeoutSeconds": "300",
};

/** Karpenter's namespace: the platform's, never an application's. */
export const KARPENTER_NAMESPACE = "karpenter";
