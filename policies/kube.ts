/**
 * Kubernetes helpers shared by the workload and blue/green policies: object identity, label selectors, and the
 * replica count a Deployment is guaranteed to keep.
 */
import type { PolicyResource } from "@pulumi/policy";
import type { ObjectMetaView } from "./types";
import { orUnknown } from "./unknowns";

export const DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment";
export const SERVICE_TYPE = "kubernetes:core/v1:Service";
export const HTTPROUTE_TYPE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

/** Blue/green label keys and values (the BlueGreenService convention). */
export const APP_LABEL = "app";
export const COLOR_LABEL = "color";
export const COLORS = ["blue", "green"] as const;

/** The Kubernetes object inside a planned or previewed resource: `apiVersion`, `kind`, `metadata`, `spec`. */
export interface KubeObject<TSpec = unknown> {
    readonly metadata?: ObjectMetaView;
    readonly spec?: TSpec;
}

export function namespaceOf(obj: KubeObject<unknown>): string {
    return obj.metadata?.namespace ?? "default";
}

/**
 * `namespace/name` of a Kubernetes object, for messages (the Pulumi name when `metadata.name` is left to
 * auto-naming; `[unknown]` for a part not known yet during a preview).
 */
export function objectName(r: Pick<PolicyResource, "name" | "props">): string {
    const obj = r.props as KubeObject;
    return `${orUnknown(() => namespaceOf(obj), "[unknown]")}/${orUnknown(() => obj.metadata?.name ?? r.name, "[unknown]")}`;
}

/** A `matchLabels`-only selector (Services, and the common case of workloads). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
    if (!selector || Object.keys(selector).length === 0) return false;
    return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

interface LabelSelectorView {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A full label selector (`matchLabels` and `matchExpressions`, as PodDisruptionBudgets use). Empty selects nothing here. */
export function matchesSelector(selector: LabelSelectorView | undefined, labels: Record<string, string> | undefined): boolean {
    if (!selector) return false;
    const l = labels ?? {};
    const expressions = selector.matchExpressions ?? [];
    if (Object.keys(selector.matchLabels ?? {}).length === 0 && expressions.length === 0) return false;
    if (!Object.entries(selector.matchLabels ?? {}).every(([k, v]) => l[k] === v)) return false;
    return expressions.every((e) => {
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        switch (e.operator) {
            case "In":
                return has && (e.values ?? []).includes(l[e.key]);
            case "NotIn":
                return !has || !(e.values ?? []).includes(l[e.key]);
            case "Exists":
                return has;
            case "DoesNotExist":
                return !has;
            default:
                return false;
        }
    });
}

interface DeploymentShape {
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string> } };
}

export function podLabels(deployment: PolicyResource): Record<string, string> {
    return ((deployment.props as KubeObject<DeploymentShape>).spec?.template?.metadata?.labels ?? {}) as Record<string, string>;
}

/** Whether a resource is an object (not a patch or list) of an API group and kind, in any version. */
export function isKubeKind(r: Pick<PolicyResource, "type">, group: string, kind: string): boolean {
    const m = /^kubernetes:([^:]+)\/[^/:]+:([A-Za-z0-9]+)$/.exec(r.type);
    return m !== null && m[1] === group && m[2] === kind;
}

/** The HPA (any autoscaling version) that scales a workload of a kind, if any (same namespace, `scaleTargetRef` kind and name). */
export function hpaFor(workload: PolicyResource, resources: readonly PolicyResource[], kind = "Deployment"): PolicyResource | undefined {
    const obj = workload.props as KubeObject;
    return resources.find((r) => {
        if (!isKubeKind(r, "autoscaling", "HorizontalPodAutoscaler")) return false;
        const hpa = r.props as KubeObject<{ scaleTargetRef?: { kind?: string; name?: string } }>;
        const target = hpa.spec?.scaleTargetRef;
        return namespaceOf(hpa) === namespaceOf(obj) && target?.kind === kind && target.name === (obj.metadata?.name ?? workload.name);
    });
}

/**
 * The fewest pods a scalable workload (a Deployment by default) keeps: 0 when `spec.replicas` is 0 (that disables
 * its HPA), otherwise its HPA's `minReplicas` (default 1) when one scales it, otherwise `spec.replicas` or
 * Kubernetes' default of 1. The HPA controller clamps its target to [minReplicas, maxReplicas] whatever
 * `spec.replicas` says, so with little load it scales a workload down to `minReplicas`.
 */
export function minimumReplicas(workload: PolicyResource, resources: readonly PolicyResource[], kind = "Deployment"): number {
    const replicas = (workload.props as KubeObject<DeploymentShape>).spec?.replicas;
    if (replicas === 0) return 0;
    const hpa = hpaFor(workload, resources, kind);
    const hpaMin = hpa ? ((hpa.props as KubeObject<{ minReplicas?: number }>).spec?.minReplicas ?? 1) : undefined;
    if (hpaMin !== undefined) return hpaMin;
    return replicas ?? 1;
}

/** Deployments in a namespace whose pod template a Service selector (matchLabels form) selects. */
export function deploymentsSelectedBy(
    namespace: string,
    selector: Record<string, string> | undefined,
    resources: readonly PolicyResource[],
): PolicyResource[] {
    return resources.filter((r) => r.type === DEPLOYMENT_TYPE && namespaceOf(r.props as KubeObject) === namespace && selects(selector, podLabels(r)));
}

/** An int-or-percent value (`2`, `"25%"`) scaled against a total, rounding up as the disruption controller does. */
export function scaledValue(value: number | string, total: number): number | undefined {
    if (typeof value === "number") return value;
    const m = /^(\d+)%$/.exec(value);
    if (m) return Math.ceil((Number(m[1]) * total) / 100);
    return /^\d+$/.test(value) ? Number(value) : undefined;
}
