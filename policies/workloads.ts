/**
 * Workloads: pods that are ready before they get traffic, sized, pinned, restricted, kept off the host, pulled from
 * approved registries, and given a Kubernetes API token only where they need one; disruption budgets that let nodes
 * drain; production autoscalers that never go down to one pod; and no way into the cluster but the shared Gateway.
 *
 * Every pod rule covers every kind that carries a pod spec, its `Patch` and `List` variants (see `podSpec.ts`), and
 * every container of the pod: regular, init (including native sidecars) and ephemeral.
 */
import {
    PolicyResource,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { KubeObject, isKubeKind, matchesSelector, minimumReplicas, namespaceOf, objectName, scaledValue } from "./kube";
import {
    Container,
    ContainerEntry,
    EphemeralContainer,
    PodSpec,
    PodTemplateObject,
    RUN_TO_COMPLETION_KINDS,
    containerLabel,
    containersOf,
    parseKubeType,
    podTemplates,
} from "./podSpec";
import { orUnknown } from "./unknowns";

type WorkloadCheck = (object: PodTemplateObject, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

/** Runs a check over every object with a pod spec in the resource (none for other types). */
function forEachPodTemplate(check: WorkloadCheck): ResourceValidation {
    return (args, reportViolation) => {
        for (const object of podTemplates(args.type, args.props, args.name)) check(object, args, reportViolation);
    };
}

// ---------------------------------------------------------------------------------------------------------------------
// Readiness, resources, images
// ---------------------------------------------------------------------------------------------------------------------

export const workloadReadinessProbe: ResourceValidationPolicy = {
    name: "workload-readiness-probe",
    description:
        "Every long-running container (and native sidecar) of a pod has a readiness probe, so that pods get traffic only once they can serve it. Jobs and CronJobs run to completion and are exempt; init and ephemeral containers cannot be probed.",
    severity: "high",
    validateResource: forEachPodTemplate((object, _args, reportViolation) => {
        // A patch that leaves a probe out keeps the live one.
        if (object.patch || RUN_TO_COMPLETION_KINDS.includes(object.kind)) return;
        for (const entry of containersOf(object.pod)) {
            if (entry.role === "ephemeral container" || (entry.role === "init container" && !entry.sidecar)) continue;
            if (!(entry.container as Container).readinessProbe) {
                reportViolation(`${containerLabel(object, entry)} has no readinessProbe: its pods would receive traffic before they are ready.`);
            }
        }
    }),
};

export interface ResourcesConfig {
    readonly requiredRequests: string[];
    readonly requiredLimits: string[];
}

export const workloadResources: ResourceValidationPolicy = {
    name: "workload-resources",
    description:
        "Every container and init container of a pod requests CPU and memory and has a memory limit (CPU limits are optional: they throttle). Ephemeral containers cannot set resources.",
    severity: "medium",
    configSchema: {
        properties: {
            requiredRequests: { type: "array", items: { type: "string", minLength: 1 }, default: ["cpu", "memory"], description: "Resources every container requests." },
            requiredLimits: { type: "array", items: { type: "string", minLength: 1 }, default: ["memory"], description: "Resources every container limits." },
        },
    },
    validateResource: forEachPodTemplate((object, args, reportViolation) => {
        if (object.patch) return;
        const { requiredRequests, requiredLimits } = args.getConfig<ResourcesConfig>();
        for (const entry of containersOf(object.pod).filter((e) => e.role !== "ephemeral container")) {
            const c = entry.container as Container;
            const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
            const limits = (c.resources?.limits ?? {}) as Record<string, unknown>;
            const missing = [
                ...requiredRequests.filter((r) => requests[r] === undefined).map((r) => `resources.requests.${r}`),
                ...requiredLimits.filter((r) => limits[r] === undefined).map((r) => `resources.limits.${r}`),
            ];
            if (missing.length > 0) reportViolation(`${containerLabel(object, entry)} has no ${missing.join(", ")}.`);
        }
    }),
};

/** The tag of an image reference (`undefined` when it has none), and whether it is pinned by digest. */
export function imageReference(image: string): { tag?: string; digest: boolean } {
    const digest = image.includes("@");
    const name = image.split("@")[0];
    const lastSlash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    return { tag: colon > lastSlash ? name.slice(colon + 1) : undefined, digest };
}

/**
 * The fully qualified repository of an image reference, as the container runtime resolves it: `nginx` is
 * `docker.io/library/nginx`; the first path component is a registry only when it has a `.` or `:` or is
 * `localhost`. Host names are case-insensitive and lowercased here.
 */
export function imageRepository(image: string): string {
    const name = image.split("@")[0];
    const lastSlash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const repo = colon > lastSlash ? name.slice(0, colon) : name;
    const [first, ...rest] = repo.split("/");
    if (rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost")) return [first.toLowerCase(), ...rest].join("/");
    return rest.length === 0 ? `docker.io/library/${repo}` : `docker.io/${repo}`;
}

/** Each container that sets an image (a patch may leave it out), with its image. */
function imagesOf(object: PodTemplateObject): [ContainerEntry, string][] {
    return containersOf(object.pod).flatMap((entry): [ContainerEntry, string][] => {
        const image = entry.container.image;
        return typeof image === "string" && image !== "" ? [[entry, image]] : [];
    });
}

export const workloadPinnedImage: ResourceValidationPolicy = {
    name: "workload-pinned-image",
    description: "Every container image (regular, init and ephemeral) is pinned: a version tag or a digest, never :latest and never a bare repository.",
    severity: "high",
    validateResource: forEachPodTemplate((object, _args, reportViolation) => {
        for (const entry of containersOf(object.pod)) {
            if (!entry.container.image && !object.patch) reportViolation(`${containerLabel(object, entry)} has no image.`);
        }
        for (const [entry, image] of imagesOf(object)) {
            const { tag, digest } = imageReference(image);
            if (digest) continue;
            if (tag === undefined) reportViolation(`${containerLabel(object, entry)} image "${image}" has no tag (it means :latest): pin a version tag or a digest.`);
            else if (tag === "latest") reportViolation(`${containerLabel(object, entry)} image "${image}" uses the mutable tag latest: pin a version tag or a digest.`);
        }
    }),
};

export interface RegistriesConfig {
    readonly allowedRegistries: string[];
}

/** Whether a repository is in an allowed registry: the registry host, or a host and path prefix. */
export function isAllowedRepository(repository: string, allowed: readonly string[]): boolean {
    return allowed.some((entry) => {
        const [host, ...path] = entry.replace(/\/+$/, "").split("/");
        const prefix = [host.toLowerCase(), ...path].join("/");
        return repository === prefix || repository.startsWith(`${prefix}/`);
    });
}

export const workloadAllowedRegistries: ResourceValidationPolicy = {
    name: "workload-allowed-registries",
    description:
        "Every container image (regular, init and ephemeral) comes from an approved registry: by default none, so each stack lists its own (this account's ECR in the region).",
    severity: "high",
    configSchema: {
        properties: {
            allowedRegistries: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: [],
                description:
                    "Registries images may come from: a host (`123456789012.dkr.ecr.ap-northeast-2.amazonaws.com`) or a host and path prefix (`public.ecr.aws/karpenter`). Empty: none.",
            },
        },
    },
    validateResource: forEachPodTemplate((object, args, reportViolation) => {
        const { allowedRegistries } = args.getConfig<RegistriesConfig>();
        for (const [entry, image] of imagesOf(object)) {
            const repository = imageRepository(image);
            if (!isAllowedRepository(repository, allowedRegistries)) {
                const allowed = allowedRegistries.length > 0 ? `allowed: ${allowedRegistries.join(", ")}` : "no registry is allowed (allowedRegistries is empty)";
                reportViolation(`${containerLabel(object, entry)} image "${image}" comes from ${repository.split("/")[0]}, not an approved registry (${allowed}).`);
            }
        }
    }),
};

// ---------------------------------------------------------------------------------------------------------------------
// Security context and the host
// ---------------------------------------------------------------------------------------------------------------------

export interface SecurityContextConfig {
    readonly requireReadOnlyRootFilesystem: boolean;
}

/**
 * What keeps a container from the Pod Security Standards `restricted` profile (plus a read-only root filesystem).
 * With `explicitOnly` (a patch), only values set to something forbidden count, never values left out.
 */
export function restrictedProblems(c: Container | EphemeralContainer, pod: PodSpec, requireReadOnlyRootFilesystem: boolean, explicitOnly = false): string[] {
    const sc = c.securityContext ?? {};
    const psc = pod.securityContext ?? {};
    const problems: string[] = [];
    const missing = (problem: string) => {
        if (!explicitOnly) problems.push(problem);
    };
    if (sc.privileged === true) problems.push("privileged is true");
    if (sc.allowPrivilegeEscalation === true) problems.push("allowPrivilegeEscalation is true");
    else if (sc.allowPrivilegeEscalation !== false) missing("allowPrivilegeEscalation is not false");
    if (!(sc.capabilities?.drop ?? []).includes("ALL") && (!explicitOnly || sc.capabilities?.drop !== undefined)) problems.push("capabilities.drop does not include ALL");
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== "NET_BIND_SERVICE");
    if (added.length > 0) problems.push(`capabilities.add has ${added.join(", ")}`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot === false) problems.push("runAsNonRoot is false");
    else if (nonRoot !== true) missing("runAsNonRoot is not true");
    if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push("runAsUser is 0");
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp === "Unconfined") problems.push("seccompProfile.type is Unconfined");
    else if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") missing("seccompProfile.type is not RuntimeDefault");
    if (requireReadOnlyRootFilesystem) {
        if (sc.readOnlyRootFilesystem === false) problems.push("readOnlyRootFilesystem is false");
        else if (sc.readOnlyRootFilesystem !== true) missing("readOnlyRootFilesystem is not true");
    }
    return problems;
}

export const workloadRestrictedSecurityContext: ResourceValidationPolicy = {
    name: "workload-restricted-security-context",
    description:
        "Every container (regular, init and ephemeral) runs with the restricted security context: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem.",
    severity: "high",
    configSchema: {
        properties: {
            requireReadOnlyRootFilesystem: { type: "boolean", default: true, description: "Also require readOnlyRootFilesystem: true." },
        },
    },
    validateResource: forEachPodTemplate((object, args, reportViolation) => {
        const pod = object.pod;
        if (!pod) return;
        const { requireReadOnlyRootFilesystem } = args.getConfig<SecurityContextConfig>();
        for (const entry of containersOf(pod)) {
            const problems = restrictedProblems(entry.container, pod, requireReadOnlyRootFilesystem, object.patch);
            if (problems.length > 0) reportViolation(`${containerLabel(object, entry)} is not restricted: ${problems.join("; ")}.`);
        }
    }),
};

/** How a pod reaches into its node: host namespaces, host paths, host ports, Windows host processes. */
export function hostAccess(pod: PodSpec): string[] {
    const found: string[] = [];
    for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) if (pod[key] === true) found.push(`${key}: true`);
    if (pod.securityContext?.windowsOptions?.hostProcess === true) found.push("securityContext.windowsOptions.hostProcess: true");
    for (const volume of pod.volumes ?? []) if (volume.hostPath) found.push(`hostPath volume "${volume.name}" (${volume.hostPath.path})`);
    for (const entry of containersOf(pod)) {
        const c = entry.container;
        for (const port of c.ports ?? []) if (port.hostPort) found.push(`${entry.role} "${c.name}" hostPort ${port.hostPort}`);
        if (c.securityContext?.windowsOptions?.hostProcess === true) found.push(`${entry.role} "${c.name}" windowsOptions.hostProcess: true`);
    }
    return found;
}

export const workloadNoHostAccess: ResourceValidationPolicy = {
    name: "workload-no-host-access",
    description: "Pods do not share the node's network, process or IPC namespaces, mount host paths, bind host ports or run as Windows host processes.",
    severity: "critical",
    validateResource: forEachPodTemplate((object, _args, reportViolation) => {
        const found = object.pod ? hostAccess(object.pod) : [];
        if (found.length > 0) reportViolation(`${object.label()} reaches into its node: ${found.join("; ")}.`);
    }),
};

// ---------------------------------------------------------------------------------------------------------------------
// Service account tokens
// ---------------------------------------------------------------------------------------------------------------------

export interface TokenConfig {
    /** `namespace/name` of the service accounts whose pods call the Kubernetes API. */
    readonly tokenServiceAccounts: string[];
}

const SERVICE_ACCOUNT_KIND = "ServiceAccount";

/** A ServiceAccount (or its patch) in the stack; undefined for other types, and while its name is not known yet. */
function serviceAccountOf(r: PolicyResource): { namespace: string; name: string; automount: boolean | undefined; patch: boolean } | undefined {
    const t = parseKubeType(r.type);
    if (!t || t.group !== "core" || t.kind !== SERVICE_ACCOUNT_KIND || t.list) return undefined;
    const obj = r.props as KubeObject & { automountServiceAccountToken?: boolean };
    const id = orUnknown(() => ({ namespace: namespaceOf(obj), name: obj.metadata?.name ?? r.name }), undefined);
    return id && { ...id, automount: orUnknown(() => obj.automountServiceAccountToken, false), patch: t.patch };
}

export const serviceAccountTokenAutomount: StackValidationPolicy = {
    name: "service-account-token-automount",
    description:
        "A Kubernetes API token is mounted only into pods whose service account needs one (tokenServiceAccounts): other ServiceAccounts set automountServiceAccountToken: false, and no pod gets a token from its own setting or its service account's default. IRSA and Pod Identity credentials do not need it.",
    severity: "high",
    configSchema: {
        properties: {
            tokenServiceAccounts: {
                type: "array",
                items: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$" },
                default: [],
                description: "Service accounts (`namespace/name`) whose pods call the Kubernetes API, such as controllers.",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const { tokenServiceAccounts } = args.getConfig<TokenConfig>();
        const accounts = new Map<string, { automount: boolean | undefined }>();
        for (const r of args.resources) {
            const sa = serviceAccountOf(r);
            if (!sa) continue;
            const key = `${sa.namespace}/${sa.name}`;
            if (!sa.patch) accounts.set(key, { automount: sa.automount });
            const needed = tokenServiceAccounts.includes(key);
            // A patch that leaves the field out keeps the live value; one that sets true is an explicit grant.
            if (!needed && (sa.patch ? sa.automount === true : sa.automount !== false)) {
                reportViolation(
                    `ServiceAccount ${key} ${sa.automount === true ? "sets automountServiceAccountToken: true" : "does not set automountServiceAccountToken: false"}: every pod using it gets a Kubernetes API token. Set it to false, or list ${key} in tokenServiceAccounts if its pods call the API.`,
                    r.urn,
                );
            }
        }
        for (const r of args.resources) {
            for (const object of podTemplates(r.type, r.props, r.name)) {
                const pod = object.pod;
                if (!pod) continue;
                const account = orUnknown(() => `${object.metadata?.namespace ?? "default"}/${pod.serviceAccountName ?? pod.serviceAccount ?? "default"}`, undefined);
                if (account === undefined || tokenServiceAccounts.includes(account)) continue;
                const own = pod.automountServiceAccountToken;
                if (own === false || (object.patch && own === undefined)) continue;
                const saSetting = accounts.get(account)?.automount;
                if (own === true) {
                    reportViolation(`${object.label()} sets automountServiceAccountToken: true for service account ${account}, which is not in tokenServiceAccounts.`, r.urn);
                } else if (saSetting !== false) {
                    const why = accounts.has(account) ? "its ServiceAccount does not set automountServiceAccountToken: false" : "its ServiceAccount is not in the stack, so the default (mount) applies";
                    reportViolation(`${object.label()} gets a Kubernetes API token for service account ${account}: the pod does not set automountServiceAccountToken: false and ${why}.`, r.urn);
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// Disruption and scale
// ---------------------------------------------------------------------------------------------------------------------

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
    // Kubernetes reads a percent as the digits before "%" (intstr.GetScaledValueFromIntOrPercent: "0100%" is 100 %),
    // and refuses more than 100 % in a budget.
    if (replicas === undefined) return /^0*100%$/.test(String(minAvailable)) ? 0 : undefined;
    const min = scaledValue(minAvailable, replicas);
    return min === undefined ? undefined : replicas - min;
}

/** Kinds whose pods a PodDisruptionBudget guards: every long-running pod kind. */
const DISRUPTABLE_KINDS = ["Pod", "ReplicationController", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/**
 * The fewest pods a workload keeps: 1 for a Pod, `spec.replicas` or its HPA's minimum for scalable kinds (see
 * `minimumReplicas`), undefined for a DaemonSet (one per matching node).
 */
function workloadMinimum(r: PolicyResource, kind: string, resources: readonly PolicyResource[]): number | undefined {
    if (kind === "Pod") return 1;
    if (kind === "DaemonSet") return undefined;
    return minimumReplicas(r, resources, kind);
}

export const pdbAllowsDisruption: StackValidationPolicy = {
    name: "pdb-allows-disruption",
    description:
        "PodDisruptionBudgets allow at least one voluntary disruption at their workloads' minimum size (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers), so that node drains and Karpenter consolidation are never blocked.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const workloads = args.resources.flatMap((r) =>
            podTemplates(r.type, r.props, r.name)
                .filter((o) => !o.patch && DISRUPTABLE_KINDS.includes(o.kind) && !parseKubeType(r.type)?.list)
                .map((o) => ({ r, o })),
        );
        for (const r of args.resources.filter((res) => isKubeKind(res, "policy", "PodDisruptionBudget"))) {
            const pdb = r.props as KubeObject<PdbSpec>;
            const spec = pdb.spec ?? {};
            const targets = workloads.filter(({ o }) => (o.metadata?.namespace ?? "default") === namespaceOf(pdb) && matchesSelector(spec.selector, o.podLabels));
            const budget = spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : `minAvailable ${spec.minAvailable ?? 1}`;
            const minimums = targets.map(({ r: t, o }) => workloadMinimum(t, o.kind, args.resources));
            // The budget counts every selected pod; the worst case is each workload at its minimum size (0 pods: nothing to block).
            const replicas = targets.length === 0 || minimums.includes(undefined) ? undefined : minimums.reduce<number>((n, m) => n + (m as number), 0);
            if (replicas === 0) continue;
            const allowed = allowedDisruptions(spec, replicas);
            if (targets.length === 0 || replicas === undefined) {
                if (allowed === 0) reportViolation(`PodDisruptionBudget ${objectName(r)} (${budget}) never allows a disruption.`, r.urn);
                continue;
            }
            if (allowed !== undefined && allowed < 1) {
                const names = targets.map(({ r: t }) => objectName(t)).join(", ");
                reportViolation(`PodDisruptionBudget ${objectName(r)} (${budget}) allows ${Math.max(allowed, 0)} disruptions of ${names} at ${replicas} replica(s): drains and consolidation would block.`, r.urn);
            }
        }
    },
};

export interface HpaConfig extends EnvironmentConfig {
    readonly minReplicas: number;
}

export const hpaMinReplicas: ResourceValidationPolicy = {
    name: "hpa-min-replicas",
    description: "Production HorizontalPodAutoscalers (every autoscaling version, patches and lists) keep at least 2 replicas, so one pod's disruption is never an outage.",
    severity: "high",
    configSchema: {
        properties: {
            ...environmentProperty,
            minReplicas: { type: "integer", minimum: 1, default: 2, description: "Smallest minReplicas allowed in prod." },
        },
    },
    validateResource: (args, reportViolation) => {
        const t = parseKubeType(args.type);
        if (!t || t.group !== "autoscaling" || t.kind !== "HorizontalPodAutoscaler") return;
        const { environment, minReplicas } = args.getConfig<HpaConfig>();
        if (environment !== "prod") return;
        objectsOf(args, t.list).forEach((hpa, i) => {
            const set = (hpa.spec as { minReplicas?: number } | undefined)?.minReplicas;
            // A patch that leaves minReplicas out keeps the live value.
            if (t.patch && set === undefined) return;
            const actual = set ?? 1;
            if (actual < minReplicas) {
                reportViolation(
                    `HorizontalPodAutoscaler${t.patch ? "Patch" : ""} ${nameOf(hpa, t.list ? `${args.name}[${i}]` : args.name)} has minReplicas ${actual} in prod${set === undefined ? " (the default)" : ""}: use at least ${minReplicas}.`,
                );
            }
        });
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// One way in
// ---------------------------------------------------------------------------------------------------------------------

export interface EntryPointsConfig {
    /** `namespace/name` of the Gateways the platform runs (the shared Gateway). */
    readonly allowedGateways: string[];
}

const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const INGRESS_GROUPS = ["networking.k8s.io", "extensions"];

function objectsOf(args: ResourceValidationArgs, list: boolean): KubeObject[] {
    return list ? ((args.props.items as KubeObject[] | undefined) ?? []) : [args.props as KubeObject];
}

function nameOf(obj: KubeObject, fallback: string): string {
    return `${orUnknown(() => namespaceOf(obj), "[unknown]")}/${orUnknown(() => obj.metadata?.name ?? fallback, "[unknown]")}`;
}

export const noLoadBalancerServices: ResourceValidationPolicy = {
    name: "no-loadbalancer-services",
    description:
        "Traffic enters only through the load balancer controller's shared Gateway: no Service of type LoadBalancer or NodePort, no Ingress, no TargetGroupBinding to an outside load balancer, and no Gateway but the allowed ones.",
    severity: "high",
    configSchema: {
        properties: {
            allowedGateways: {
                type: "array",
                items: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$" },
                default: [],
                description: "Gateways (`namespace/name`) the platform runs: the shared Gateway. Empty: none.",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const t = parseKubeType(args.type);
        if (!t) return;
        const objects = objectsOf(args, t.list);
        const kind = `${t.kind}${t.patch ? "Patch" : ""}`;
        objects.forEach((obj, i) => {
            const name = nameOf(obj, t.list ? `${args.name}[${i}]` : args.name);
            if (t.group === "core" && t.kind === "Service") {
                const type = (obj.spec as { type?: string } | undefined)?.type;
                if (type === "LoadBalancer" || type === "NodePort") {
                    reportViolation(`${kind} ${name} is of type ${type}: expose it through an HTTPRoute on the shared Gateway instead.`);
                }
            } else if (INGRESS_GROUPS.includes(t.group) && t.kind === "Ingress") {
                reportViolation(`${kind} ${name} is an Ingress: expose it through an HTTPRoute on the shared Gateway instead.`);
            } else if (t.group === "elbv2.k8s.aws" && t.kind === "TargetGroupBinding") {
                reportViolation(`${kind} ${name} binds a Service to a load balancer target group outside the shared Gateway: use an HTTPRoute instead.`);
            } else if (t.group === GATEWAY_API_GROUP && t.kind === "Gateway") {
                const { allowedGateways } = args.getConfig<EntryPointsConfig>();
                if (!allowedGateways.includes(name)) {
                    reportViolation(
                        `${kind} ${name} is not an allowed Gateway (${allowedGateways.length > 0 ? allowedGateways.join(", ") : "none allowed"}): attach HTTPRoutes to the shared Gateway instead of provisioning another load balancer.`,
                    );
                }
            }
        });
    },
};

export const workloadPolicies = [
    workloadReadinessProbe,
    workloadResources,
    workloadPinnedImage,
    workloadAllowedRegistries,
    workloadRestrictedSecurityContext,
    workloadNoHostAccess,
    serviceAccountTokenAutomount,
    pdbAllowsDisruption,
    hpaMinReplicas,
    noLoadBalancerServices,
];
