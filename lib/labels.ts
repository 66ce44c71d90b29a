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
