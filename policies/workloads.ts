/**
 * Workloads: Deployments that are ready before they get traffic, sized, pinned and restricted; disruption budgets
 * that let nodes drain; production autoscalers that never go down to one pod; and no load balancer outside the
 * controller's Gateway.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { DEPLOYMENT_TYPE, KubeObject, PDB_TYPE, matchesSelector, minimumReplicas, namespaceOf, objectName, podLabels, scaledValue } from "./kube";

type Deployment = pulumi.Unwrap<k8s.apps.v1.DeploymentArgs>;
type PodSpec = pulumi.Unwrap<k8s.types.input.core.v1.PodSpec>;
type Container = pulumi.Unwrap<k8s.types.input.core.v1.Container>;

function podSpec(deployment: Deployment): PodSpec | undefined {
    return deployment.spec?.template?.spec;
}

/**
 * `Deployment <namespace>/<name> container "<name>"`, built only when a violation is reported: the namespace may
 * be unknown during a preview, and reading it would stop the check.
 */
function containerLabel(deployment: Deployment, args: ResourceValidationArgs, container: Container, init: boolean): () => string {
    return () => `Deployment ${objectName({ name: args.name, props: deployment })} ${init ? "init container" : "container"} "${container.name}"`;
}

type ContainerCheck = (container: Container, label: () => string, pod: PodSpec, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** Runs a check over the containers (and, with `includeInit`, the init containers) of a Deployment's pod template. */
function forEachContainer(check: ContainerCheck, includeInit: boolean) {
    return validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
        const pod = podSpec(deployment);
        if (!pod) return;
        for (const c of pod.containers ?? []) check(c, containerLabel(deployment, args, c, false), pod, args, reportViolation);
        if (includeInit) for (const c of pod.initContainers ?? []) check(c, containerLabel(deployment, args, c, true), pod, args, reportViolation);
    });
}

export const deploymentReadinessProbe: ResourceValidationPolicy = {
    name: "deployment-readiness-probe",
    description: "Every container of a Deployment has a readiness probe, so that pods get traffic only once they can serve it.",
    severity: "high",
    validateResource: forEachContainer((c, label, _pod, _args, reportViolation) => {
        if (!c.readinessProbe) reportViolation(`${label()} has no readinessProbe: its pods would receive traffic before they are ready.`);
    }, false),
};

export interface ResourcesConfig {
    readonly requiredRequests: string[];
    readonly requiredLimits: string[];
}

export const deploymentResources: ResourceValidationPolicy = {
    name: "deployment-resources",
    description: "Every container of a Deployment requests CPU and memory and has a memory limit (CPU limits are optional: they throttle).",
    severity: "medium",
    configSchema: {
        properties: {
            requiredRequests: { type: "array", items: { type: "string", minLength: 1 }, default: ["cpu", "memory"], description: "Resources every container requests." },
            requiredLimits: { type: "array", items: { type: "string", minLength: 1 }, default: ["memory"], description: "Resources every container limits." },
        },
    },
    validateResource: forEachContainer((c, label, _pod, args, reportViolation) => {
        const { requiredRequests, requiredLimits } = args.getConfig<ResourcesConfig>();
        const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
        const limits = (c.resources?.limits ?? {}) as Record<string, unknown>;
        const missing = [
            ...requiredRequests.filter((r) => requests[r] === undefined).map((r) => `resources.requests.${r}`),
            ...requiredLimits.filter((r) => limits[r] === undefined).map((r) => `resources.limits.${r}`),
        ];
        if (missing.length > 0) reportViolation(`${label()} has no ${missing.join(", ")}.`);
    }, true),
};

/** The tag of an image reference (`undefined` when it has none), and whether it is pinned by digest. */
export function imageReference(image: string): { tag?: string; digest: boolean } {
    const digest = image.includes("@");
    const name = image.split("@")[0];
    const lastSlash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return { tag: colon > lastSlash ? name.slice(colon + 1) : undefined, digest };
}

export const deploymentPinnedImage: ResourceValidationPolicy = {
    name: "deployment-pinned-image",
    description: "Every container image is pinned: a version tag or a digest, never :latest and never a bare repository.",
    severity: "high",
    validateResource: forEachContainer((c, label, _pod, _args, reportViolation) => {
        if (!c.image) {
            reportViolation(`${label()} has no image.`);
            return;
        }
        const { tag, digest } = imageReference(c.image);
        if (digest) return;
        if (tag === undefined) reportViolation(`${label()} image "${c.image}" has no tag (it means :latest): pin a version tag or a digest.`);
        else if (tag === "latest") reportViolation(`${label()} image "${c.image}" uses the mutable tag latest: pin a version tag or a digest.`);
    }, true),
};

export interface SecurityContextConfig {
    readonly requireReadOnlyRootFilesystem: boolean;
}

/** What keeps a container from the Pod Security Standards `restricted` profile (plus a read-only root filesystem). */
export function restrictedProblems(c: Container, pod: PodSpec, requireReadOnlyRootFilesystem: boolean): string[] {
    const sc = c.securityContext ?? {};
    const psc = pod.securityContext ?? {};
    const problems: string[] = [];
    if (sc.privileged === true) problems.push("privileged is true");
    if (sc.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation is not false");
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push("capabilities.drop does not include ALL");
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) problems.push(`capabilities.add has ${added.join(", ")}`);
    if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push("runAsNonRoot is not true");
    if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push("runAsUser is 0");
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push("seccompProfile.type is not RuntimeDefault");
    if (requireReadOnlyRootFilesystem && sc.readOnlyRootFilesystem !== true) problems.push("readOnlyRootFilesystem is not true");
    return problems;
}

export const deploymentRestrictedSecurityContext: ResourceValidationPolicy = {
    name: "deployment-restricted-security-context",
    description:
        "Deployments run with the restricted security context: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem, no host namespaces.",
    severity: "high",
    configSchema: {
        properties: {
            requireReadOnlyRootFilesystem: { type: "boolean", default: true, description: "Also require readOnlyRootFilesystem: true." },
        },
    },
    validateResource: [
        validateResourceOfType(k8s.apps.v1.Deployment, (deployment, args, reportViolation) => {
            const pod = podSpec(deployment);
            const shared = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => pod?.[k] === true);
            if (shared.length > 0) {
                reportViolation(`Deployment ${objectName({ name: args.name, props: deployment })} shares host namespaces (${shared.join(", ")}).`);
            }
        }),
        forEachContainer((c, label, pod, args, reportViolation) => {
            const { requireReadOnlyRootFilesystem } = args.getConfig<SecurityContextConfig>();
            const problems = restrictedProblems(c, pod, requireReadOnlyRootFilesystem);
            if (problems.length > 0) reportViolation(`${label()} is not restricted: ${problems.join("; ")}.`);
        }, true),
    ],
};

interface PdbSpec {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
}

/** Voluntary disruptions a PDB allows for a workload of `replicas` pods, or undefined when it depends on the size. */
export function allowedDisruptions(spec: PdbSpec, replicas: number | undefined): number | undefined {
    if (spec.maxUnavailable !== undefined) {
        if (replicas === undefined) return /^0+%?$/.test(String(spec.maxUnavailable)) ? 0 : undefined;
        return scaledValue(spec.maxUnavailable, replicas);
    }
    const minAvailable = spec.minAvailable ?? 1;
    if (replicas === undefined) return minAvailable === "100%" ? 0 : undefined;
    const min = scaledValue(minAvailable, replicas);
    return min === undefined ? undefined : replicas - min;
}

export const pdbAllowsDisruption: StackValidationPolicy = {
    name: "pdb-allows-disruption",
    description:
        "PodDisruptionBudgets allow at least one voluntary disruption at the workload's minimum size, so that node drains and Karpenter consolidation are never blocked.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources.filter((res) => res.type === PDB_TYPE)) {
            const pdb = r.props as KubeObject<PdbSpec>;
            const spec = pdb.spec ?? {};
            const targets = args.resources.filter(
                (d) => d.type === DEPLOYMENT_TYPE && namespaceOf(d.props as KubeObject) === namespaceOf(pdb) && matchesSelector(spec.selector, podLabels(d)),
            );
            const budget = spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : `minAvailable ${spec.minAvailable ?? 1}`;
            if (targets.length === 0) {
                if (allowedDisruptions(spec, undefined) === 0) reportViolation(`PodDisruptionBudget ${objectName(r)} (${budget}) never allows a disruption.`, r.urn);
                continue;
            }
            // The budget counts every selected pod; the worst case is each workload at its minimum size (0 pods: nothing to block).
            const replicas = targets.reduce((n, d) => n + minimumReplicas(d, args.resources), 0);
            if (replicas === 0) continue;
            const allowed = allowedDisruptions(spec, replicas);
            if (allowed !== undefined && allowed < 1) {
                reportViolation(
                    `PodDisruptionBudget ${objectName(r)} (${budget}) allows ${Math.max(allowed, 0)} disruptions of ${targets.map(objectName).join(", ")} at ${replicas} replica(s): drains and consolidation would block.`,
                    r.urn,
                );
            }
        }
    },
};

export interface HpaConfig extends EnvironmentConfig {
    readonly minReplicas: number;
}

export const hpaMinReplicas: ResourceValidationPolicy = {
    name: "hpa-min-replicas",
    description: "Production HorizontalPodAutoscalers keep at least 2 replicas, so one pod's disruption is never an outage.",
    severity: "high",
    configSchema: {
        properties: {
            ...environmentProperty,
            minReplicas: { type: "integer", minimum: 1, default: 2, description: "Smallest minReplicas allowed in prod." },
        },
    },
    validateResource: validateResourceOfType(k8s.autoscaling.v2.HorizontalPodAutoscaler, (hpa, args, reportViolation) => {
        const { environment, minReplicas } = args.getConfig<HpaConfig>();
        if (environment !== "prod") return;
        const actual = hpa.spec?.minReplicas ?? 1;
        if (actual < minReplicas) {
            reportViolation(
                `HorizontalPodAutoscaler ${objectName({ name: args.name, props: hpa })} has minReplicas ${actual} in prod${hpa.spec?.minReplicas === undefined ? " (the default)" : ""}: use at least ${minReplicas}.`,
            );
        }
    }),
};

export const noLoadBalancerServices: ResourceValidationPolicy = {
    name: "no-loadbalancer-services",
    description: "No Service of type LoadBalancer: traffic enters through the load balancer controller's shared Gateway.",
    severity: "high",
    validateResource: validateResourceOfType(k8s.core.v1.Service, (service, args, reportViolation) => {
        if (service.spec?.type === "LoadBalancer") {
            reportViolation(
                `Service ${objectName({ name: args.name, props: service })} is of type LoadBalancer: expose it through an HTTPRoute on the shared Gateway instead.`,
            );
        }
    }),
};

export const workloadPolicies = [
    deploymentReadinessProbe,
    deploymentResources,
    deploymentPinnedImage,
    deploymentRestrictedSecurityContext,
    pdbAllowsDisruption,
    hpaMinReplicas,
    noLoadBalancerServices,
];
