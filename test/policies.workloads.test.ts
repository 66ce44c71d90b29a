/**
 * Workload rules over every kind that carries a pod spec (and its Patch and List variants, and the old API versions
 * the SDK still registers), and over every kind of container: regular, init (and native sidecars) and ephemeral.
 * Each rule: one violating resource per kind that can express the violation, next to a compliant neighbour.
 */
import type { PlannedResource } from "../plan/harness";
import {
    hostAccess,
    hpaMinReplicas,
    pdbAllowsDisruption,
    restrictedProblems,
    imageRepository,
    isAllowedRepository,
    noLoadBalancerServices,
    serviceAccountTokenAutomount,
    workloadAllowedRegistries,
    workloadNoHostAccess,
    workloadPinnedImage,
    workloadReadinessProbe,
    workloadResources,
    workloadRestrictedSecurityContext,
} from "../policies/workloads";
import { UNKNOWN, check, messages, previewMessages, resource } from "./policyHarness";

const ECR = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com";
const IMAGE = `${ECR}/app-api:1.8.0`;

const goodContainer = {
    name: "app",
    image: IMAGE,
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
};
const goodPod = {
    serviceAccountName: "api",
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [goodContainer],
};

/** Type token and where the pod spec goes, per kind. */
const KINDS = {
    Pod: { type: "kubernetes:core/v1:Pod", wrap: (pod: object) => ({ spec: pod }) },
    PodTemplate: { type: "kubernetes:core/v1:PodTemplate", wrap: (pod: object) => ({ template: { spec: pod } }) },
    ReplicationController: { type: "kubernetes:core/v1:ReplicationController", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    Deployment: { type: "kubernetes:apps/v1:Deployment", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    StatefulSet: { type: "kubernetes:apps/v1:StatefulSet", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    DaemonSet: { type: "kubernetes:apps/v1:DaemonSet", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    ReplicaSet: { type: "kubernetes:apps/v1:ReplicaSet", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    Job: { type: "kubernetes:batch/v1:Job", wrap: (pod: object) => ({ spec: { template: { spec: pod } } }) },
    CronJob: { type: "kubernetes:batch/v1:CronJob", wrap: (pod: object) => ({ spec: { jobTemplate: { spec: { template: { spec: pod } } } } }) },
} as const;
type Kind = keyof typeof KINDS;
const ALL_KINDS = Object.keys(KINDS) as Kind[];
const LONG_RUNNING: Kind[] = ALL_KINDS.filter((k) => k !== "Job" && k !== "CronJob");

/** A workload of a kind (or its Patch, or a List of one) around a pod spec, in namespace `apps`. */
function workload(kind: Kind, name: string, pod: object, variant: "" | "Patch" | "List" = ""): PlannedResource {
    const { type, wrap } = KINDS[kind];
    const object = { metadata: { name, namespace: "apps" }, ...wrap(pod) };
    if (variant === "List") return resource(`${type}List`, name, { items: [object] });
    return resource(`${type}${variant}`, name, object);
}

/** Old API versions the SDK still has classes for: the rules read the kind, not the version. */
const OLD_VERSIONS: [string, (pod: object) => object][] = [
    ["kubernetes:extensions/v1beta1:DaemonSet", (pod) => ({ spec: { template: { spec: pod } } })],
    ["kubernetes:apps/v1beta2:Deployment", (pod) => ({ spec: { template: { spec: pod } } })],
    ["kubernetes:batch/v1beta1:CronJob", (pod) => ({ spec: { jobTemplate: { spec: { template: { spec: pod } } } } })],
];

function label(kind: string, name: string) {
    return `${kind} apps/${name}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Readiness
// ---------------------------------------------------------------------------------------------------------------------

describe("workload-readiness-probe", () => {
    const noProbe = { ...goodPod, containers: [{ ...goodContainer, readinessProbe: undefined }] };

    test("passes every long-running kind whose containers have a probe", async () => {
        expect(await check(workloadReadinessProbe, LONG_RUNNING.map((k) => workload(k, "good", goodPod)))).toEqual([]);
    });

    test.each(LONG_RUNNING)("flags a %s container without one, next to a compliant neighbour", async (kind) => {
        const bad = workload(kind, "bad", noProbe);
        expect((await check(workloadReadinessProbe, [workload(kind, "good", goodPod), bad])).map((v) => [v.urn, v.message])).toEqual([
            [bad.urn, `${label(kind, "bad")} container "app" has no readinessProbe: its pods would receive traffic before they are ready.`],
        ]);
    });

    test("a List's items, and old API versions, are checked too", async () => {
        const resources = [workload("Deployment", "listed", noProbe, "List"), ...OLD_VERSIONS.filter(([t]) => !t.endsWith("CronJob")).map(([type, wrap]) => resource(type, "old", { metadata: { name: "old", namespace: "apps" }, ...wrap(noProbe) }))];
        expect(await messages(workloadReadinessProbe, resources)).toEqual([
            'Deployment apps/listed container "app" has no readinessProbe: its pods would receive traffic before they are ready.',
            'DaemonSet apps/old container "app" has no readinessProbe: its pods would receive traffic before they are ready.',
            'Deployment apps/old container "app" has no readinessProbe: its pods would receive traffic before they are ready.',
        ]);
    });

    test("native sidecars (init containers with restartPolicy Always) need one; plain init and ephemeral containers cannot have one", async () => {
        const pod = {
            ...goodPod,
            initContainers: [
                { ...goodContainer, name: "migrate", readinessProbe: undefined },
                { ...goodContainer, name: "proxy", restartPolicy: "Always", readinessProbe: undefined },
            ],
            ephemeralContainers: [{ name: "debug", image: IMAGE }],
        };
        expect(await messages(workloadReadinessProbe, [workload("Deployment", "api", pod)])).toEqual([
            'Deployment apps/api sidecar init container "proxy" has no readinessProbe: its pods would receive traffic before they are ready.',
        ]);
    });

    test("Jobs and CronJobs run to completion behind no Service; patches keep the live probe", async () => {
        const resources = [workload("Job", "batch", noProbe), workload("CronJob", "nightly", noProbe), workload("Deployment", "patched", noProbe, "Patch")];
        expect(await check(workloadReadinessProbe, resources)).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------------

describe("workload-resources", () => {
    const noMemory = { ...goodPod, containers: [{ ...goodContainer, resources: { requests: { cpu: "1" } } }] };

    test.each(ALL_KINDS)("flags a %s container without memory request and limit, next to a compliant neighbour", async (kind) => {
        const bad = workload(kind, "bad", noMemory);
        expect((await check(workloadResources, [workload(kind, "good", goodPod), bad])).map((v) => [v.urn, v.message])).toEqual([
            [bad.urn, `${label(kind, "bad")} container "app" has no resources.requests.memory, resources.limits.memory.`],
        ]);
    });

    test("init containers count, ephemeral containers cannot set resources; the required set is configurable", async () => {
        const pod = {
            ...goodPod,
            initContainers: [{ ...goodContainer, name: "migrate", resources: { requests: { cpu: "1", memory: "1Gi" } } }],
            ephemeralContainers: [{ name: "debug", image: IMAGE }],
        };
        expect(await messages(workloadResources, [workload("StatefulSet", "db", pod)])).toEqual(['StatefulSet apps/db init container "migrate" has no resources.limits.memory.']);
        expect(await messages(workloadResources, [workload("StatefulSet", "db", pod)], { requiredLimits: ["memory", "cpu"] })).toEqual([
            'StatefulSet apps/db container "app" has no resources.limits.cpu.',
            'StatefulSet apps/db init container "migrate" has no resources.limits.memory, resources.limits.cpu.',
        ]);
    });

    test("a patch that leaves resources out keeps the live ones", async () => {
        expect(await check(workloadResources, ALL_KINDS.map((k) => workload(k, "patched", noMemory, "Patch")))).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------------------------------

describe("workload-pinned-image", () => {
    const latest = (pod: object) => ({ ...goodPod, ...pod });

    test.each(ALL_KINDS)("flags :latest and tagless images in a %s and its Patch (container, init, ephemeral)", async (kind) => {
        const pod = latest({
            containers: [{ ...goodContainer, image: `${ECR}/app-api:latest` }],
            initContainers: [{ ...goodContainer, name: "init", image: `${ECR}/migrate` }],
            ephemeralContainers: [{ name: "debug", image: `${ECR}/toolbox:latest` }],
        });
        const resources = [workload(kind, "good", goodPod), workload(kind, "bad", pod), workload(kind, "patch", pod, "Patch")];
        const expected = (prefix: string) => [
            `${prefix} container "app" image "${ECR}/app-api:latest" uses the mutable tag latest: pin a version tag or a digest.`,
            `${prefix} init container "init" image "${ECR}/migrate" has no tag (it means :latest): pin a version tag or a digest.`,
            `${prefix} ephemeral container "debug" image "${ECR}/toolbox:latest" uses the mutable tag latest: pin a version tag or a digest.`,
        ];
        expect(await messages(workloadPinnedImage, resources)).toEqual([...expected(label(kind, "bad")), ...expected(label(`${kind}Patch`, "patch"))]);
    });

    test("passes version tags and digests (a registry port is not a tag); a patch may leave the image out", async () => {
        const containers = [goodContainer, { ...goodContainer, name: "proxy", image: `registry.local:5000/proxy@sha256:${"a".repeat(64)}` }];
        const patch = workload("Deployment", "patched", { containers: [{ name: "app", resources: { limits: { memory: "3Gi" } } }] }, "Patch");
        expect(await check(workloadPinnedImage, [workload("Deployment", "api", { ...goodPod, containers }), patch])).toEqual([]);
    });
});

describe("workload-allowed-registries", () => {
    const allowed = { allowedRegistries: [ECR, "public.ecr.aws/karpenter"] };
    const foreign = {
        ...goodPod,
        containers: [{ ...goodContainer, image: "nginx:1.27" }],
        initContainers: [{ ...goodContainer, name: "init", image: "public.ecr.aws/other/tool:1.0" }],
        ephemeralContainers: [{ name: "debug", image: "ghcr.io/x/toolbox:2" }],
    };

    test.each(ALL_KINDS)("flags images from other registries in a %s and its Patch (container, init, ephemeral); passes this account's ECR", async (kind) => {
        const resources = [workload(kind, "good", goodPod), workload(kind, "bad", foreign), workload(kind, "patch", foreign, "Patch")];
        const expected = (prefix: string) => [
            `${prefix} container "app" image "nginx:1.27" comes from docker.io, not an approved registry (allowed: ${ECR}, public.ecr.aws/karpenter).`,
            `${prefix} init container "init" image "public.ecr.aws/other/tool:1.0" comes from public.ecr.aws, not an approved registry (allowed: ${ECR}, public.ecr.aws/karpenter).`,
            `${prefix} ephemeral container "debug" image "ghcr.io/x/toolbox:2" comes from ghcr.io, not an approved registry (allowed: ${ECR}, public.ecr.aws/karpenter).`,
        ];
        expect(await messages(workloadAllowedRegistries, resources, allowed)).toEqual([...expected(label(kind, "bad")), ...expected(label(`${kind}Patch`, "patch"))]);
    });

    test("the default allows no registry: each stack names its own", async () => {
        expect(await messages(workloadAllowedRegistries, [workload("Deployment", "api", goodPod)])).toEqual([
            `Deployment apps/api container "app" image "${IMAGE}" comes from ${ECR}, not an approved registry (no registry is allowed (allowedRegistries is empty)).`,
        ]);
    });

    test("image references resolve as the container runtime resolves them (Docker Hub for bare names)", () => {
        expect(imageRepository("nginx")).toBe("docker.io/library/nginx");
        expect(imageRepository("bitnami/redis:7")).toBe("docker.io/bitnami/redis");
        expect(imageRepository("localhost:5000/app@sha256:00")).toBe("localhost:5000/app");
        expect(imageRepository(`${ECR.toUpperCase()}/app:1`)).toBe(`${ECR}/app`);
        // A look-alike host is another registry, and a path prefix stops at a path boundary.
        expect(isAllowedRepository(`${ECR}.evil.example/app`, [ECR])).toBe(false);
        expect(isAllowedRepository("public.ecr.aws/karpenter-evil/x", ["public.ecr.aws/karpenter"])).toBe(false);
        expect(isAllowedRepository("public.ecr.aws/karpenter/controller", ["public.ecr.aws/karpenter"])).toBe(true);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Security context and host access
// ---------------------------------------------------------------------------------------------------------------------

describe("workload-restricted-security-context", () => {
    const privileged = { privileged: true, allowPrivilegeEscalation: true, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] }, readOnlyRootFilesystem: true };
    const bad = {
        ...goodPod,
        containers: [{ ...goodContainer, securityContext: privileged }],
        initContainers: [{ ...goodContainer, name: "init", securityContext: { ...goodContainer.securityContext, runAsUser: 0 } }],
        ephemeralContainers: [{ name: "debug", image: IMAGE, securityContext: { ...goodContainer.securityContext, seccompProfile: { type: "Unconfined" } } }],
    };
    const expected = (prefix: string) => [
        `${prefix} container "app" is not restricted: privileged is true; allowPrivilegeEscalation is true; capabilities.add has NET_ADMIN.`,
        `${prefix} init container "init" is not restricted: runAsUser is 0.`,
        `${prefix} ephemeral container "debug" is not restricted: seccompProfile.type is Unconfined.`,
    ];

    test.each(ALL_KINDS)("flags a privileged %s and its Patch (container, init, ephemeral), next to a compliant neighbour", async (kind) => {
        const resources = [workload(kind, "good", goodPod), workload(kind, "bad", bad), workload(kind, "patch", bad, "Patch")];
        expect(await messages(workloadRestrictedSecurityContext, resources)).toEqual([...expected(label(kind, "bad")), ...expected(label(`${kind}Patch`, "patch"))]);
    });

    test("a bare container misses every part of the profile; a patch that leaves them out keeps the live ones", async () => {
        const bare = { containers: [{ name: "app", image: IMAGE }] };
        expect(await messages(workloadRestrictedSecurityContext, [workload("Pod", "bare", bare), workload("Pod", "patched", bare, "Patch")])).toEqual([
            'Pod apps/bare container "app" is not restricted: allowPrivilegeEscalation is not false; capabilities.drop does not include ALL; runAsNonRoot is not true; seccompProfile.type is not RuntimeDefault; readOnlyRootFilesystem is not true.',
        ]);
    });

    test("a read-only root filesystem can be waived by config", async () => {
        const writable = { ...goodPod, containers: [{ ...goodContainer, securityContext: { ...goodContainer.securityContext, readOnlyRootFilesystem: false } }] };
        expect(await messages(workloadRestrictedSecurityContext, [workload("Deployment", "api", writable)])).toEqual([
            'Deployment apps/api container "app" is not restricted: readOnlyRootFilesystem is false.',
        ]);
        expect(await check(workloadRestrictedSecurityContext, [workload("Deployment", "api", writable)], { requireReadOnlyRootFilesystem: false })).toEqual([]);
    });

    // Pod Security Standards, restricted profile: capabilities may add only NET_BIND_SERVICE; seccompProfile.type must
    // be RuntimeDefault or Localhost; runAsNonRoot must be true and runAsUser non-zero, where the container's field
    // overrides the pod's.
    const restricted = goodContainer.securityContext;
    const everyRole = (securityContext: object) => ({
        ...goodPod,
        containers: [{ ...goodContainer, securityContext }],
        initContainers: [{ ...goodContainer, name: "init", securityContext }],
        ephemeralContainers: [{ name: "debug", image: IMAGE, securityContext }],
    });
    const inEveryRole = (prefix: string, problems: string) =>
        ["container \"app\"", "init container \"init\"", "ephemeral container \"debug\""].map((c) => `${prefix} ${c} is not restricted: ${problems}.`);

    test("passes NET_BIND_SERVICE, the one capability the restricted profile lets a container add, and Localhost seccomp profiles (container, init, ephemeral)", async () => {
        const bindLow = everyRole({ ...restricted, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } });
        const localhost = { ...goodPod, securityContext: { runAsNonRoot: true, seccompProfile: { type: "Localhost", localhostProfile: "profiles/app.json" } } };
        const ownLocalhost = everyRole({ ...restricted, seccompProfile: { type: "Localhost", localhostProfile: "profiles/app.json" } });
        const resources = [workload("Deployment", "bind", bindLow), workload("Deployment", "localhost", localhost), workload("Pod", "own", { ...ownLocalhost, securityContext: { runAsNonRoot: true } })];
        expect(await check(workloadRestrictedSecurityContext, resources)).toEqual([]);
    });

    test("names every added capability but NET_BIND_SERVICE, and values set to false as false, in a workload and its Patch (container, init, ephemeral)", async () => {
        const loose = everyRole({ ...restricted, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "NET_ADMIN", "SYS_TIME"] }, runAsNonRoot: false, readOnlyRootFilesystem: false });
        const problems = "capabilities.add has NET_ADMIN, SYS_TIME; runAsNonRoot is false; readOnlyRootFilesystem is false";
        expect(await messages(workloadRestrictedSecurityContext, [workload("StatefulSet", "loose", loose), workload("StatefulSet", "patch", loose, "Patch")])).toEqual([
            ...inEveryRole("StatefulSet apps/loose", problems),
            ...inEveryRole("StatefulSetPatch apps/patch", problems),
        ]);
    });

    test("a pod-level runAsUser 0 applies to containers that do not set their own; a container's own runAsUser overrides it", async () => {
        const rootPod = { ...everyRole(restricted), securityContext: { ...goodPod.securityContext, runAsUser: 0 } };
        const overridden = { ...everyRole({ ...restricted, runAsUser: 10001 }), securityContext: { ...goodPod.securityContext, runAsUser: 0 } };
        expect(await messages(workloadRestrictedSecurityContext, [workload("DaemonSet", "root", rootPod), workload("DaemonSet", "overridden", overridden)])).toEqual(
            inEveryRole("DaemonSet apps/root", "runAsUser is 0"),
        );
    });

    test("a patch that sets capabilities.drop without ALL replaces the live list: it is flagged (container, init, ephemeral)", async () => {
        const patch = everyRole({ capabilities: { drop: ["NET_RAW"] } });
        expect(await messages(workloadRestrictedSecurityContext, [workload("Deployment", "patch", { ...patch, securityContext: undefined }, "Patch")])).toEqual(
            inEveryRole("DeploymentPatch apps/patch", "capabilities.drop does not include ALL"),
        );
    });

    test("restrictedProblems reports what is missing unless asked for explicit values only", () => {
        const bare = { name: "app", image: IMAGE };
        const missing = ["allowPrivilegeEscalation is not false", "capabilities.drop does not include ALL", "runAsNonRoot is not true", "seccompProfile.type is not RuntimeDefault", "readOnlyRootFilesystem is not true"];
        expect(restrictedProblems(bare, { containers: [bare] }, true)).toEqual(missing);
        expect(restrictedProblems(bare, { containers: [bare] }, true, true)).toEqual([]);
    });
});

describe("workload-no-host-access", () => {
    const hosty = {
        ...goodPod,
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }],
        containers: [{ ...goodContainer, ports: [{ containerPort: 8080, hostPort: 80 }] }],
        initContainers: [{ ...goodContainer, name: "init", ports: [{ containerPort: 9000, hostPort: 9000 }] }],
        ephemeralContainers: [{ name: "debug", image: IMAGE, ports: [{ containerPort: 22, hostPort: 2222 }] }],
    };
    const found =
        'hostNetwork: true; hostPID: true; hostIPC: true; hostPath volume "docker" (/var/run/docker.sock); container "app" hostPort 80; init container "init" hostPort 9000; ephemeral container "debug" hostPort 2222';

    test.each(ALL_KINDS)("flags a %s and its Patch that reach into the node, next to a compliant neighbour", async (kind) => {
        const resources = [workload(kind, "good", goodPod), workload(kind, "bad", hosty), workload(kind, "patch", { hostPID: true }, "Patch")];
        expect(await messages(workloadNoHostAccess, resources)).toEqual([`${label(kind, "bad")} reaches into its node: ${found}.`, `${label(`${kind}Patch`, "patch")} reaches into its node: hostPID: true.`]);
    });

    test("each host access on its own, and Windows host processes", () => {
        expect(hostAccess({ containers: [], hostNetwork: true })).toEqual(["hostNetwork: true"]);
        expect(hostAccess({ containers: [], volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] })).toEqual(['hostPath volume "logs" (/var/log)']);
        expect(hostAccess({ containers: [], securityContext: { windowsOptions: { hostProcess: true } } })).toEqual(["securityContext.windowsOptions.hostProcess: true"]);
        expect(hostAccess({ containers: [{ name: "c", securityContext: { windowsOptions: { hostProcess: true } } }] })).toEqual(['container "c" windowsOptions.hostProcess: true']);
        expect(hostAccess({ containers: [{ name: "c", ports: [{ containerPort: 80 }] }], volumes: [{ name: "tmp", emptyDir: {} }], hostNetwork: false })).toEqual([]);
    });

    test.each(ALL_KINDS)("a %s Patch that does not touch the pod spec (labels only) is not checked for it", async (kind) => {
        const patch = resource(`${KINDS[kind].type}Patch`, "labels", { metadata: { name: "labels", namespace: "apps", labels: { team: "payments" } } });
        expect(await check(workloadNoHostAccess, [patch])).toEqual([]);
        expect(await check(workloadRestrictedSecurityContext, [patch])).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Service account tokens
// ---------------------------------------------------------------------------------------------------------------------

describe("service-account-token-automount", () => {
    const SA = "kubernetes:core/v1:ServiceAccount";
    const account = (name: string, automount?: boolean, namespace = "apps") =>
        resource(SA, `${namespace}-${name}`, { metadata: { name, namespace }, ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}) });
    const config = { tokenServiceAccounts: ["karpenter/karpenter"] };
    // Init and ephemeral containers change nothing: the token is mounted per pod.
    const withContainers = { initContainers: [{ ...goodContainer, name: "init" }], ephemeralContainers: [{ name: "debug", image: IMAGE }] };

    test("passes accounts that opt out, pods that opt out, and accounts that need a token (an account that keeps the default is still named)", async () => {
        const resources = [
            account("api", false),
            workload("Deployment", "api", { ...goodPod, ...withContainers, automountServiceAccountToken: undefined }),
            account("quiet"),
            workload("Job", "quiet", { ...goodPod, serviceAccountName: "quiet", automountServiceAccountToken: false }),
            account("karpenter", undefined, "karpenter"),
            resource(KINDS.Deployment.type, "controller", { metadata: { name: "controller", namespace: "karpenter" }, spec: { template: { spec: { serviceAccountName: "karpenter", containers: [goodContainer] } } } }),
        ];
        expect(await messages(serviceAccountTokenAutomount, resources, config)).toEqual([
            "ServiceAccount apps/quiet does not set automountServiceAccountToken: false: every pod using it gets a Kubernetes API token. Set it to false, or list apps/quiet in tokenServiceAccounts if its pods call the API.",
        ]);
    });

    test("flags an account that keeps the default, and every pod kind that gets a token (its own setting, the default account, an account outside the stack)", async () => {
        const tokenPod = { ...goodPod, ...withContainers, serviceAccountName: undefined, automountServiceAccountToken: undefined };
        const resources = [account("default"), ...ALL_KINDS.map((k) => workload(k, `${k.toLowerCase()}`, tokenPod))];
        const found = (await check(serviceAccountTokenAutomount, resources, config)).map((v) => v.message);
        expect(found[0]).toBe(
            "ServiceAccount apps/default does not set automountServiceAccountToken: false: every pod using it gets a Kubernetes API token. Set it to false, or list apps/default in tokenServiceAccounts if its pods call the API.",
        );
        expect(found.slice(1)).toEqual(
            ALL_KINDS.map(
                (k) => `${label(k, k.toLowerCase())} gets a Kubernetes API token for service account apps/default: the pod does not set automountServiceAccountToken: false and its ServiceAccount does not set automountServiceAccountToken: false.`,
            ),
        );
        const explicit = [account("api", false), workload("Pod", "api", { ...goodPod, automountServiceAccountToken: true }), workload("CronJob", "ext", { ...goodPod, serviceAccountName: "elsewhere", automountServiceAccountToken: undefined })];
        expect(await messages(serviceAccountTokenAutomount, explicit, config)).toEqual([
            "Pod apps/api sets automountServiceAccountToken: true for service account apps/api, which is not in tokenServiceAccounts.",
            "CronJob apps/ext gets a Kubernetes API token for service account apps/elsewhere: the pod does not set automountServiceAccountToken: false and its ServiceAccount is not in the stack, so the default (mount) applies.",
        ]);
    });

    test("a pod with no namespace runs in default, with default's service accounts", async () => {
        const bare = (name: string, pod: object) => resource(KINDS.Pod.type, name, { metadata: { name }, spec: { ...goodPod, ...withContainers, ...pod } });
        const resources = [
            account("api", false, "default"),
            bare("api", { serviceAccountName: "api", automountServiceAccountToken: undefined }),
            bare("other", { serviceAccountName: "other", automountServiceAccountToken: undefined }),
        ];
        expect(await messages(serviceAccountTokenAutomount, resources, config)).toEqual([
            "Pod default/other gets a Kubernetes API token for service account default/other: the pod does not set automountServiceAccountToken: false and its ServiceAccount is not in the stack, so the default (mount) applies.",
        ]);
    });

    test("a ServiceAccount patch that leaves automountServiceAccountToken out keeps the account's false", async () => {
        const resources = [
            account("api", false),
            resource(`${SA}Patch`, "api-labels", { metadata: { name: "api", namespace: "apps", labels: { team: "payments" } } }),
            workload("Deployment", "api", { ...goodPod, ...withContainers, automountServiceAccountToken: undefined }),
        ];
        expect(await check(serviceAccountTokenAutomount, resources, config)).toEqual([]);
    });

    test("patches: only an explicit true counts", async () => {
        const resources = [
            resource(`${SA}Patch`, "default-patch", { metadata: { name: "default", namespace: "apps" }, automountServiceAccountToken: true }),
            resource(`${SA}Patch`, "labels-patch", { metadata: { name: "other", namespace: "apps", labels: { a: "b" } } }),
            workload("DaemonSet", "patched", { containers: [{ name: "app", image: IMAGE }] }, "Patch"),
            workload("DaemonSet", "opened", { automountServiceAccountToken: true }, "Patch"),
        ];
        expect(await messages(serviceAccountTokenAutomount, resources, config)).toEqual([
            "ServiceAccount apps/default sets automountServiceAccountToken: true: every pod using it gets a Kubernetes API token. Set it to false, or list apps/default in tokenServiceAccounts if its pods call the API.",
            "DaemonSetPatch apps/opened sets automountServiceAccountToken: true for service account apps/default, which is not in tokenServiceAccounts.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// One way in
// ---------------------------------------------------------------------------------------------------------------------

describe("no-loadbalancer-services", () => {
    const SERVICE = "kubernetes:core/v1:Service";
    const service = (name: string, type: string, variant = "") => resource(`${SERVICE}${variant}`, name, { metadata: { name, namespace: "apps" }, spec: { type, ports: [{ port: 80 }] } });
    const gatewayAt = (type: string, name: string, namespace = "gateway-system") => resource(type, `${namespace}-${name}`, { metadata: { name, namespace }, spec: { gatewayClassName: "alb", listeners: [] } });
    const config = { allowedGateways: ["gateway-system/public-gateway"] };

    test("passes ClusterIP Services and the shared Gateway", async () => {
        expect(await check(noLoadBalancerServices, [service("api", "ClusterIP"), gatewayAt("kubernetes:gateway.networking.k8s.io/v1:Gateway", "public-gateway")], config)).toEqual([]);
    });

    test("flags LoadBalancer and NodePort Services (also as a patch or list item), every Ingress version, TargetGroupBindings and other Gateways", async () => {
        const resources = [
            service("lb", "LoadBalancer"),
            service("np", "NodePort"),
            service("np-patch", "NodePort", "Patch"),
            resource(`${SERVICE}List`, "svcs", { items: [{ metadata: { name: "listed", namespace: "apps" }, spec: { type: "LoadBalancer" } }] }),
            resource("kubernetes:networking.k8s.io/v1:Ingress", "ing", { metadata: { name: "ing", namespace: "apps" }, spec: {} }),
            resource("kubernetes:networking.k8s.io/v1beta1:Ingress", "ing-beta", { metadata: { name: "ing-beta", namespace: "apps" }, spec: {} }),
            resource("kubernetes:extensions/v1beta1:Ingress", "ing-ext", { metadata: { name: "ing-ext", namespace: "apps" }, spec: {} }),
            resource("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "tgb", { metadata: { name: "tgb", namespace: "apps" }, spec: { targetGroupARN: "arn:aws:elasticloadbalancing:x" } }),
            gatewayAt("kubernetes:gateway.networking.k8s.io/v1:Gateway", "public-gateway"),
            gatewayAt("kubernetes:gateway.networking.k8s.io/v1:Gateway", "second", "apps"),
            gatewayAt("kubernetes:gateway.networking.k8s.io/v1beta1:Gateway", "beta", "apps"),
        ];
        expect((await check(noLoadBalancerServices, resources, config)).map((v) => [v.urn.split("::").pop(), v.message])).toEqual([
            ["lb", "Service apps/lb is of type LoadBalancer: expose it through an HTTPRoute on the shared Gateway instead."],
            ["np", "Service apps/np is of type NodePort: expose it through an HTTPRoute on the shared Gateway instead."],
            ["np-patch", "ServicePatch apps/np-patch is of type NodePort: expose it through an HTTPRoute on the shared Gateway instead."],
            ["svcs", "Service apps/listed is of type LoadBalancer: expose it through an HTTPRoute on the shared Gateway instead."],
            ["ing", "Ingress apps/ing is an Ingress: expose it through an HTTPRoute on the shared Gateway instead."],
            ["ing-beta", "Ingress apps/ing-beta is an Ingress: expose it through an HTTPRoute on the shared Gateway instead."],
            ["ing-ext", "Ingress apps/ing-ext is an Ingress: expose it through an HTTPRoute on the shared Gateway instead."],
            ["tgb", "TargetGroupBinding apps/tgb binds a Service to a load balancer target group outside the shared Gateway: use an HTTPRoute instead."],
            [
                "apps-second",
                "Gateway apps/second is not an allowed Gateway (gateway-system/public-gateway): attach HTTPRoutes to the shared Gateway instead of provisioning another load balancer.",
            ],
            ["apps-beta", "Gateway apps/beta is not an allowed Gateway (gateway-system/public-gateway): attach HTTPRoutes to the shared Gateway instead of provisioning another load balancer."],
        ]);
    });

    test("names every allowed Gateway, or says none is allowed (the default)", async () => {
        const gateways = [gatewayAt("kubernetes:gateway.networking.k8s.io/v1:Gateway", "extra", "apps")];
        expect(await messages(noLoadBalancerServices, gateways)).toEqual([
            "Gateway apps/extra is not an allowed Gateway (none allowed): attach HTTPRoutes to the shared Gateway instead of provisioning another load balancer.",
        ]);
        expect(await messages(noLoadBalancerServices, gateways, { allowedGateways: ["gateway-system/public-gateway", "gateway-system/internal-gateway"] })).toEqual([
            "Gateway apps/extra is not an allowed Gateway (gateway-system/public-gateway, gateway-system/internal-gateway): attach HTTPRoutes to the shared Gateway instead of provisioning another load balancer.",
        ]);
    });

    test("a List item left to auto-naming is named by the List and its index", async () => {
        const list = resource(`${SERVICE}List`, "svcs", { items: [{ metadata: { namespace: "apps" }, spec: { type: "NodePort" } }] });
        expect(await messages(noLoadBalancerServices, [list])).toEqual(["Service apps/svcs[0] is of type NodePort: expose it through an HTTPRoute on the shared Gateway instead."]);
    });

    test("other kinds of the load balancer controller's API group are not entry points (IngressClassParams)", async () => {
        const params = resource("kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams", "params", { metadata: { name: "params" }, spec: { scheme: "internal" } });
        expect(await check(noLoadBalancerServices, [params])).toEqual([]);
    });
});

describe("rules identify objects by API group and kind, not by kind alone", () => {
    // Custom resources reuse built-in kind names: Knative's Service (serving.knative.dev) and Istio's Gateway
    // (networking.istio.io) are not the core Service and the Gateway API Gateway these rules are about.
    const at = (type: string, name: string, spec: object) => resource(type, name, { metadata: { name, namespace: "apps" }, spec });

    test("no-loadbalancer-services: a Service, TargetGroupBinding or Gateway of another group is not flagged", async () => {
        const resources = [
            at("kubernetes:serving.knative.dev/v1:Service", "knative", { type: "LoadBalancer", template: {} }),
            at("kubernetes:example.com/v1:TargetGroupBinding", "tgb", { targetGroupARN: "arn:aws:elasticloadbalancing:x" }),
            at("kubernetes:networking.istio.io/v1beta1:Gateway", "istio", { selector: { istio: "ingressgateway" }, servers: [] }),
        ];
        expect(await check(noLoadBalancerServices, resources, { allowedGateways: [] })).toEqual([]);
    });

    test("hpa-min-replicas: only autoscaling's HorizontalPodAutoscaler (not its Scale kind, not a same-named kind of another group)", async () => {
        const resources = [at("kubernetes:autoscaling/v1:Scale", "scale", { replicas: 1 }), at("kubernetes:example.com/v1:HorizontalPodAutoscaler", "custom", { minReplicas: 1 })];
        expect(await check(hpaMinReplicas, resources, { environment: "prod" })).toEqual([]);
    });

    test("service-account-token-automount: ServiceAccounts are core (apiVersion v1) objects", async () => {
        const custom = resource("kubernetes:example.com/v1:ServiceAccount", "custom", { metadata: { name: "custom", namespace: "apps" } });
        expect(await check(serviceAccountTokenAutomount, [custom])).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Disruption and scale, for every kind
// ---------------------------------------------------------------------------------------------------------------------

describe("pdb-allows-disruption over every long-running kind", () => {
    const labelled = (kind: Kind, name: string, replicas?: number) => {
        const r = workload(kind, name, goodPod);
        const inputs = structuredClone(r.inputs) as Record<string, any>;
        const template = kind === "Pod" ? inputs : kind === "PodTemplate" ? inputs.template : inputs.spec.template;
        if (kind === "Pod") inputs.metadata.labels = { app: name };
        else template.metadata = { labels: { app: name } };
        if (replicas !== undefined) inputs.spec.replicas = replicas;
        return { ...r, inputs };
    };
    const pdb = (name: string, spec: object, type = "kubernetes:policy/v1:PodDisruptionBudget") =>
        resource(type, `${name}-pdb`, { metadata: { name, namespace: "apps" }, spec: { selector: { matchLabels: { app: name } }, ...spec } });

    test("flags budgets that allow no disruption of a StatefulSet, ReplicaSet, ReplicationController or Pod (policy/v1 and v1beta1); passes budgets that allow one", async () => {
        const resources = [
            labelled("StatefulSet", "db", 3),
            pdb("db", { minAvailable: 3 }),
            labelled("ReplicaSet", "rs", 2),
            pdb("rs", { maxUnavailable: 0 }, "kubernetes:policy/v1beta1:PodDisruptionBudget"),
            labelled("ReplicationController", "rc", 2),
            pdb("rc", { minAvailable: "100%" }),
            labelled("Pod", "single"),
            pdb("single", { minAvailable: 1 }),
            labelled("StatefulSet", "ok", 3),
            pdb("ok", { maxUnavailable: 1 }),
            labelled("DaemonSet", "agent"),
            pdb("agent", { maxUnavailable: "10%" }),
        ];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget apps/db (minAvailable 3) allows 0 disruptions of apps/db at 3 replica(s): drains and consolidation would block.",
            "PodDisruptionBudget apps/rs (maxUnavailable 0) allows 0 disruptions of apps/rs at 2 replica(s): drains and consolidation would block.",
            "PodDisruptionBudget apps/rc (minAvailable 100%) allows 0 disruptions of apps/rc at 2 replica(s): drains and consolidation would block.",
            "PodDisruptionBudget apps/single (minAvailable 1) allows 0 disruptions of apps/single at 1 replica(s): drains and consolidation would block.",
        ]);
    });

    test("a DaemonSet's size is its node count: only a budget that never allows a disruption is flagged", async () => {
        expect(await messages(pdbAllowsDisruption, [labelled("DaemonSet", "agent"), pdb("agent", { maxUnavailable: 0 })])).toEqual([
            "PodDisruptionBudget apps/agent (maxUnavailable 0) never allows a disruption.",
        ]);
    });
});

describe("pdb-allows-disruption: budgets, namespaces and shared selectors", () => {
    const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
    /** A workload of a kind whose pods carry `labels`, in namespace `apps` unless told (null leaves metadata.namespace out). */
    const pods = (kind: Kind, name: string, labels: Record<string, string>, opts: { replicas?: number; namespace?: string | null; variant?: "" | "Patch" | "List" } = {}) => {
        const { type, wrap } = KINDS[kind];
        const namespace = opts.namespace === undefined ? "apps" : opts.namespace;
        const metadata = { name, ...(namespace !== null ? { namespace } : {}) };
        const object = structuredClone({ metadata, ...wrap(goodPod) }) as Record<string, any>;
        if (kind === "Pod") object.metadata.labels = labels;
        else object.spec.template.metadata = { labels };
        if (opts.replicas !== undefined) object.spec.replicas = opts.replicas;
        if (opts.variant === "List") return resource(`${type}List`, name, { items: [object] });
        return resource(`${type}${opts.variant ?? ""}`, name, object);
    };
    const budget = (name: string, matchLabels: Record<string, string>, spec: object, namespace: string | null = "apps") =>
        resource(PDB, `${name}-pdb`, { metadata: { name, ...(namespace !== null ? { namespace } : {}) }, spec: { selector: { matchLabels }, ...spec } });

    test("when the workloads' size is unknown (a DaemonSet: one pod per node), only minAvailable 100% (also 0100%) or maxUnavailable 0 (also 0%, 00%) never allows a disruption", async () => {
        const resources = [
            pods("DaemonSet", "agent", { app: "agent" }),
            budget("all", { app: "agent" }, { minAvailable: "100%" }),
            // Kubernetes parses the digits before "%" as a number: 0100% is 100 %, 1000% is refused by the API server.
            budget("leading-zero", { app: "agent" }, { minAvailable: "0100%" }),
            budget("zero-pct", { app: "agent" }, { maxUnavailable: "0%" }),
            budget("zeros", { app: "agent" }, { maxUnavailable: "00%" }),
            // 5% of any number of nodes rounds up to at least one pod.
            budget("five-pct", { app: "agent" }, { maxUnavailable: "05%" }),
            budget("one", { app: "agent" }, { minAvailable: 1 }),
            budget("default-min", { app: "agent" }, {}),
            budget("ninety", { app: "agent" }, { minAvailable: "90%" }),
        ];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget apps/all (minAvailable 100%) never allows a disruption.",
            "PodDisruptionBudget apps/leading-zero (minAvailable 0100%) never allows a disruption.",
            "PodDisruptionBudget apps/zero-pct (maxUnavailable 0%) never allows a disruption.",
            "PodDisruptionBudget apps/zeros (maxUnavailable 00%) never allows a disruption.",
        ]);
    });

    test("a DaemonSet's pods count toward a budget it shares with another workload, so its total size is unknown too", async () => {
        const resources = [pods("Deployment", "web", { tier: "web" }, { replicas: 2 }), pods("DaemonSet", "web-agent", { tier: "web" }), budget("web", { tier: "web" }, { minAvailable: 2 })];
        expect(await check(pdbAllowsDisruption, resources)).toEqual([]);
    });

    test("a budget over several workloads counts all their pods and names them all", async () => {
        const resources = [pods("StatefulSet", "db-a", { tier: "db" }, { replicas: 1 }), pods("StatefulSet", "db-b", { tier: "db" }, { replicas: 1 }), budget("db", { tier: "db" }, { minAvailable: 2 })];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget apps/db (minAvailable 2) allows 0 disruptions of apps/db-a, apps/db-b at 2 replica(s): drains and consolidation would block.",
        ]);
    });

    test("a budget that asks for more pods than there are allows 0 disruptions, never a negative number", async () => {
        const resources = [pods("StatefulSet", "db", { app: "db" }, { replicas: 3 }), budget("db", { app: "db" }, { minAvailable: 5 })];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget apps/db (minAvailable 5) allows 0 disruptions of apps/db at 3 replica(s): drains and consolidation would block.",
        ]);
    });

    test("a budget selects pods in its own namespace only; no namespace means default for both", async () => {
        const resources = [
            pods("Deployment", "elsewhere", { app: "shared" }, { replicas: 1, namespace: "other" }),
            budget("shared", { app: "shared" }, { minAvailable: 1 }),
            pods("Deployment", "web", { app: "web" }, { replicas: 2, namespace: null }),
            budget("web", { app: "web" }, { minAvailable: 2 }, null),
        ];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget default/web (minAvailable 2) allows 0 disruptions of default/web at 2 replica(s): drains and consolidation would block.",
        ]);
    });

    test("a Pod is one pod: an HPA cannot scale it (a Pod has no scale subresource), whatever its minReplicas", async () => {
        const hpa = resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "single", {
            metadata: { name: "single", namespace: "apps" },
            spec: { scaleTargetRef: { apiVersion: "v1", kind: "Pod", name: "single" }, minReplicas: 3, maxReplicas: 5 },
        });
        const resources = [pods("Pod", "single", { app: "single" }, {}), hpa, budget("single", { app: "single" }, { minAvailable: 1 })];
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget apps/single (minAvailable 1) allows 0 disruptions of apps/single at 1 replica(s): drains and consolidation would block.",
        ]);
    });

    test("a patch that leaves replicas out keeps the live count, which the plan cannot see; a List item is not sized from the List", async () => {
        const resources = [
            pods("Deployment", "patched", { app: "patched" }, { variant: "Patch" }),
            budget("patched", { app: "patched" }, { minAvailable: 1 }),
            pods("Deployment", "listed", { app: "listed" }, { replicas: 3, variant: "List" }),
            budget("listed", { app: "listed" }, { minAvailable: 1 }),
        ];
        expect(await check(pdbAllowsDisruption, resources)).toEqual([]);
    });
});

describe("hpa-min-replicas over every autoscaling version", () => {
    const hpa = (type: string, name: string, spec: object) => resource(type, name, { metadata: { name, namespace: "apps" }, spec: { scaleTargetRef: { kind: "Deployment", name }, maxReplicas: 10, ...spec } });

    test("flags minReplicas 1 in autoscaling/v1 and v2beta2, in a patch that sets it and in a list (named or not); passes 2 and patches that leave it", async () => {
        const resources = [
            hpa("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "v1", { minReplicas: 1 }),
            hpa("kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", "beta", {}),
            hpa("kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch", "patched", { minReplicas: 1 }),
            hpa("kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch", "untouched", { maxReplicas: 20 }),
            resource("kubernetes:autoscaling/v2:HorizontalPodAutoscalerList", "list", { items: [{ metadata: { name: "listed", namespace: "apps" }, spec: { minReplicas: 1 } }] }),
            hpa("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "good", { minReplicas: 2 }),
            resource("kubernetes:autoscaling/v2:HorizontalPodAutoscalerList", "hpas", { items: [{ metadata: { namespace: "apps" }, spec: { minReplicas: 1 } }] }),
        ];
        expect(await messages(hpaMinReplicas, resources, { environment: "prod" })).toEqual([
            "HorizontalPodAutoscaler apps/v1 has minReplicas 1 in prod: use at least 2.",
            "HorizontalPodAutoscaler apps/beta has minReplicas 1 in prod (the default): use at least 2.",
            "HorizontalPodAutoscalerPatch apps/patched has minReplicas 1 in prod: use at least 2.",
            "HorizontalPodAutoscaler apps/listed has minReplicas 1 in prod: use at least 2.",
            // An item left to auto-naming is named by the List and its index.
            "HorizontalPodAutoscaler apps/hpas[0] has minReplicas 1 in prod: use at least 2.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// During a preview: values not known yet
// ---------------------------------------------------------------------------------------------------------------------

describe("values not known yet during a preview", () => {
    test("a Service or HPA whose namespace or name is not known yet is still checked, named [unknown]", () => {
        const inNamespace = resource("kubernetes:core/v1:Service", "lb", { metadata: { name: "lb", namespace: UNKNOWN }, spec: { type: "LoadBalancer" } });
        const named = resource("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", { metadata: { name: UNKNOWN, namespace: "apps" }, spec: { minReplicas: 1 } });
        expect(previewMessages(noLoadBalancerServices, [inNamespace])).toEqual(["Service [unknown]/lb is of type LoadBalancer: expose it through an HTTPRoute on the shared Gateway instead."]);
        expect(previewMessages(hpaMinReplicas, [named], { environment: "prod" })).toEqual(["HorizontalPodAutoscaler apps/[unknown] has minReplicas 1 in prod: use at least 2."]);
    });

    test("a ServiceAccount whose automountServiceAccountToken is not known yet is not reported as mounting a token", () => {
        const account = resource("kubernetes:core/v1:ServiceAccount", "api", { metadata: { name: "api", namespace: "apps" }, automountServiceAccountToken: UNKNOWN });
        expect(previewMessages(serviceAccountTokenAutomount, [account])).toEqual([]);
    });
});
