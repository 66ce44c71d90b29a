/**
 * One application as two colors behind the shared Gateway: `<name>-blue` and `<name>-green` run side by side,
 * and traffic moves between them by changing the HTTPRoute's weights (or, in `selector` mode, one Service's
 * selector). Everything a color runs (Deployment, HPA, PDB, Service, TargetGroupConfiguration) is built from
 * that color's own settings only, never from which color is active, so a switch never restarts a pod and
 * changes only the traffic objects. A color can be held at a fixed size (`scaledDown`), but never while it is
 * the active one, so that holds even then.
 *
 *   Namespace ─ ServiceAccount (WorkloadIdentity)
 *   blue:  Deployment ─ HPA ─ PDB ─ Service ─ TargetGroupConfiguration ┐
 *   green: Deployment ─ HPA ─ PDB ─ Service ─ TargetGroupConfiguration ┴─ HTTPRoute <name>          (weights 100/0)
 *                                                                       └ HTTPRoute <name>-preview  (inactive color)
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute" with { "resolution-mode": "import" };
import type { IParentReference } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/ParentReference" with { "resolution-mode": "import" };
import { COLORS, Color, ServiceConfig } from "../config";
import { applicationStatements, isSecretName } from "../lib/appPermissions";
import {
    AWS_GATEWAY_API_VERSION,
    AWS_GATEWAY_GROUP,
    AWS_GATEWAY_KINDS,
    ListenerRuleConfiguration,
    TargetGroupConfiguration,
} from "../lib/awsLoadBalancerTypes";
import { GATEWAY_ROUTES_LABEL, READINESS_GATE_LABEL, RESTRICTED_POD_SECURITY, ROUTE_READY_WAIT } from "../lib/labels";
import { NetworkPolicyObject, applicationNetworkPolicies, createNetworkPolicies } from "../lib/networkPolicies";
import { ClusterIdentitySource, WorkloadIdentity, identityPodAnnotations } from "./workloadIdentity";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type Container = k8s.types.input.core.v1.Container;
type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type HpaSpec = k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec;
type PdbSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;
type RouteRule = NonNullable<IHTTPRoute["spec"]["rules"]>[number];
type BackendRef = NonNullable<RouteRule["backendRefs"]>[number];

/** Settings every service shares; service-specific values come from its config. */
export const BLUE_GREEN_DEFAULTS = {
    /** Port of the color Services (the container port is the service's `port`). */
    servicePort: 80,
    /** Name of the container port the Services target (the load balancer controller keys target groups on it). */
    targetPortName: "http",
    /** Target group health check: on the readiness path and container port. */
    healthCheck: { intervalSeconds: 10, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 2, httpCode: "200" },
    /** ALB deregistration delay (AWS default 300 s): in-flight requests get this long once a pod stops. */
    deregistrationDelaySeconds: 30,
    probe: { timeoutSeconds: 2, readinessFailureThreshold: 3, livenessFailureThreshold: 3 },
    /** Fixed non-root identity, so images whose USER is a name (or root) still run under `runAsNonRoot`. */
    runAsUser: 10001,
    /** The only writable path: an emptyDir on /tmp. */
    tmpSizeLimit: "256Mi",
    revisionHistoryLimit: 5,
} as const;

export interface BlueGreenServiceArgs {
    /** The service's resolved config (namespace, active and inactive color, identity mode). */
    readonly service: ServiceConfig;
    /** Plain cluster name, for the workload identity's role name. */
    readonly clusterName: string;
    /** IRSA OIDC provider / Pod Identity cluster the service account's role trusts. */
    readonly identitySource: ClusterIdentitySource;
    /** parentRef of the shared Gateway's HTTPS listener, which both HTTPRoutes attach to (the gateway component's `httpsParentRef`). */
    readonly parentRef: IParentReference;
    /**
     * What HTTPRoutes and TargetGroupConfigurations wait for: the Gateway API and load balancer controller CRDs,
     * and the Gateway. Default: none.
     */
    readonly routeDependencies?: readonly pulumi.Resource[];
    /**
     * What pods need before they are created (and outlive them on destroy): the load balancer controller, whose
     * webhook injects the readiness gates only into pods created while it runs, and the NodePools they run on.
     * Default: none.
     */
    readonly podDependencies?: readonly pulumi.Resource[];
    /** What the HorizontalPodAutoscalers need to work: the metrics server they read CPU from. Default: none. */
    readonly autoscalerDependencies?: readonly pulumi.Resource[];
    /** Networks that may reach the preview hostname (the listener rule's `source-ip` condition), 1 to 3 CIDRs. */
    readonly previewSourceCidrs: pulumi.Input<string[]>;
    /** The VPC's CIDR: the only source of the app port's traffic (load balancer nodes, kubelet probes). */
    readonly vpcCidr: pulumi.Input<string>;
    /** AWS tags for the workload identity's role. Default: none. */
    readonly tags?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------
// Pure builders (tests call these directly)
// ---------------------------------------------------------------------------------------------------------

export function otherColor(color: Color): Color {
    return color === "blue" ? "green" : "blue";
}

/** `<repository>:<tag>`, or `<repository>@sha256:<digest>` for a digest. */
export function imageReference(repository: string, ref: string): string {
    return ref.startsWith("sha256:") ? `${repository}@${ref}` : `${repository}:${ref}`;
}

/** The image a color runs, or null when the color has none (it is then not deployed). */
export function colorImage(service: ServiceConfig, color: Color): string | null {
    const ref = service.image[color];
    return ref === null ? null : imageReference(service.image.repository, ref);
}

/** Object names: `<name>-<color>` for a color's objects, `<name>` for the stable Service and main route. */
export function colorName(service: Pick<ServiceConfig, "name">, color: Color): string {
    return `${service.name}-${color}`;
}

export function previewRouteName(service: Pick<ServiceConfig, "name">): string {
    return `${service.name}-preview`;
}

/**
 * Pulumi names of the objects a switch changes: the main route, the preview route and, in `selector` mode, the
 * stable Service. `npm run switch` targets exactly these (and nothing a color runs).
 */
export function trafficObjectNames(component: string, trafficMode: ServiceConfig["trafficMode"]): { route: string; preview: string; stable?: string } {
    return {
        route: `${component}-route`,
        preview: `${component}-preview`,
        ...(trafficMode === "selector" ? { stable: `${component}-stable` } : {}),
    };
}

/** Name of the ListenerRuleConfiguration that holds the preview route to its source networks. */
export function previewAccessName(service: Pick<ServiceConfig, "name">): string {
    return `${service.name}-preview-access`;
}

/** The fixed selector of a color: `app` and `color`. */
export function colorSelector(service: Pick<ServiceConfig, "name">, color: Color): Record<string, string> {
    return { app: service.name, color };
}

function commonLabels(service: Pick<ServiceConfig, "name">): Record<string, string> {
    return { app: service.name, "app.kubernetes.io/name": service.name, "app.kubernetes.io/managed-by": "pulumi" };
}

function colorLabels(service: Pick<ServiceConfig, "name">, color: Color): Record<string, string> {
    return { ...commonLabels(service), color };
}

/** Namespace labels: the Gateway admits its routes, the controller injects readiness gates, pods run `restricted`. */
export function namespaceLabels(service: Pick<ServiceConfig, "name">): Record<string, string> {
    return {
        ...commonLabels(service),
        [GATEWAY_ROUTES_LABEL.key]: GATEWAY_ROUTES_LABEL.value,
        [READINESS_GATE_LABEL.key]: READINESS_GATE_LABEL.value,
        ...RESTRICTED_POD_SECURITY,
    };
}

/**
 * The namespace's NetworkPolicies: nothing in or out but DNS, HTTPS out (AWS APIs), the Pod Identity agent (in that
 * mode), the service's own egress rules, and the app port from the VPC (the ALB's `ip` targets and the kubelet).
 */
export function serviceNetworkPolicies(service: ServiceConfig, vpcCidr: string): NetworkPolicyObject[] {
    return applicationNetworkPolicies({
        namespace: service.namespace,
        name: service.name,
        podLabels: { app: service.name },
        port: service.port,
        vpcCidr,
        identityMode: service.identityMode,
        egress: service.egress,
    });
}

/** How big a color is: a fixed `replicas` only when it is held at a size, HPA bounds always. */
export interface ColorSize {
    /** Set only for a color held at 0 (the HPA does not act on a target at 0 replicas); otherwise the HPA owns it. */
    readonly replicas?: number;
    readonly minReplicas: number;
    readonly maxReplicas: number;
}

/**
 * The size of a color, from that color's own settings only: autoscaling between the service's bounds, or held by
 * `scaledDown` (at n ≥ 1 by pinning its HPA to n, at 0 by `replicas: 0` on its Deployment, since an HPA does
 * not act on a target at 0). Which color is active never enters, so a switch never resizes anything.
 */
export function colorSize(service: ServiceConfig, color: Color): ColorSize {
    const { minReplicas, maxReplicas } = service.autoscaling;
    const held = service.scaledDown[color];
    if (held === undefined) return { minReplicas, maxReplicas };
    if (held === 0) return { replicas: 0, minReplicas, maxReplicas };
    return { minReplicas: held, maxReplicas: held };
}

/** The application container: probes, restricted security context, resources, graceful shutdown, env. */
export function containerSpec(service: ServiceConfig, image: string): Container {
    const { probes, port } = service;
    const { probe } = BLUE_GREEN_DEFAULTS;
    const httpGet = (path: string) => ({ path, port, scheme: "HTTP" });
    return {
        name: service.name,
        image,
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: BLUE_GREEN_DEFAULTS.targetPortName, containerPort: port, protocol: "TCP" }],
        env: Object.entries(service.env)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
        resources: {
            requests: { cpu: service.resources.requests.cpu, memory: service.resources.requests.memory },
            limits: {
                ...(service.resources.limits.cpu !== undefined ? { cpu: service.resources.limits.cpu } : {}),
                memory: service.resources.limits.memory,
            },
        },
        // Slow warm-up is the startup probe's job: readiness and liveness only start once it has passed, so a
        // JVM that needs a minute never fails readiness (or gets restarted) while it is still starting.
        startupProbe: {
            httpGet: httpGet(probes.livenessPath),
            periodSeconds: probes.periodSeconds,
            failureThreshold: probes.startupFailureThreshold,
            timeoutSeconds: probe.timeoutSeconds,
        },
        readinessProbe: {
            httpGet: httpGet(probes.readinessPath),
            periodSeconds: probes.periodSeconds,
            failureThreshold: probe.readinessFailureThreshold,
            successThreshold: 1,
            timeoutSeconds: probe.timeoutSeconds,
        },
        livenessProbe: {
            httpGet: httpGet(probes.livenessPath),
            periodSeconds: probes.periodSeconds,
            failureThreshold: probe.livenessFailureThreshold,
            timeoutSeconds: probe.timeoutSeconds,
        },
        // Keep serving while the load balancer deregisters the pod; shorter than the grace period (schema-checked).
        ...(service.preStopSleepSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: service.preStopSleepSeconds } } } } : {}),
        securityContext: {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/**
 * The Deployment of one color. Depends only on that color's image and size and the shared settings, never on
 * which color is active. Throws for a color without an image (such a color is not deployed).
 */
export function deploymentSpec(service: ServiceConfig, color: Color): DeploymentSpec {
    const image = colorImage(service, color);
    if (image === null) throw new Error(`service ${service.name} has no image for ${color}: that color is not deployed`);
    const selector = colorSelector(service, color);
    const size = colorSize(service, color);
    const spread = (topologyKey: string) => ({
        maxSkew: 1,
        topologyKey,
        // Preferred, not required: a zone outage or capacity shortage must not leave pods pending.
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ["pod-template-hash"],
    });
    const { runAsUser } = BLUE_GREEN_DEFAULTS;
    return {
        ...(size.replicas !== undefined ? { replicas: size.replicas } : {}),
        revisionHistoryLimit: BLUE_GREEN_DEFAULTS.revisionHistoryLimit,
        selector: { matchLabels: selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
            // The identity mode is part of the pod template: switching it rolls the pods onto the new credentials.
            metadata: { labels: { ...colorLabels(service, color) }, annotations: identityPodAnnotations(service.identityMode) },
            spec: {
                serviceAccountName: service.name,
                // IRSA and Pod Identity mount their own token; the Kubernetes API token is not needed.
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                terminationGracePeriodSeconds: service.terminationGracePeriodSeconds,
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser,
                    runAsGroup: runAsUser,
                    fsGroup: runAsUser,
                    seccompProfile: { type: "RuntimeDefault" },
                },
                topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
                containers: [containerSpec(service, image)],
                volumes: [{ name: "tmp", emptyDir: { sizeLimit: BLUE_GREEN_DEFAULTS.tmpSizeLimit } }],
            },
        },
    };
}

/** A color's Service: fixed selector, so its target group always holds exactly that color's pods. */
export function colorServiceSpec(service: ServiceConfig, color: Color): ServiceSpec {
    return serviceSpec(colorSelector(service, color));
}

/** `selector` mode's stable Service: its selector follows the active color (the seed's literal design). */
export function stableServiceSpec(service: ServiceConfig): ServiceSpec {
    return serviceSpec(colorSelector(service, service.activeColor));
}

function serviceSpec(selector: Record<string, string>): ServiceSpec {
    return {
        type: "ClusterIP",
        selector,
        ports: [{ name: "http", port: BLUE_GREEN_DEFAULTS.servicePort, targetPort: BLUE_GREEN_DEFAULTS.targetPortName, protocol: "TCP" }],
    };
}

/** ALB target group settings for one Service: `ip` targets, health check on readiness, 30 s deregistration. */
export function targetGroupConfiguration(service: ServiceConfig, serviceName: string, labels: Record<string, string>): TargetGroupConfiguration {
    const hc = BLUE_GREEN_DEFAULTS.healthCheck;
    return {
        apiVersion: AWS_GATEWAY_API_VERSION,
        kind: AWS_GATEWAY_KINDS.targetGroupConfiguration,
        metadata: { name: serviceName, namespace: service.namespace, labels },
        spec: {
            targetReference: { group: "", kind: "Service", name: serviceName },
            defaultConfiguration: {
                targetType: "ip",
                protocol: "HTTP",
                healthCheckConfig: {
                    healthCheckPath: service.probes.readinessPath,
                    healthCheckPort: String(service.port),
                    healthCheckProtocol: "HTTP",
                    healthCheckInterval: hc.intervalSeconds,
                    healthCheckTimeout: hc.timeoutSeconds,
                    healthyThresholdCount: hc.healthyThresholdCount,
                    unhealthyThresholdCount: hc.unhealthyThresholdCount,
                    matcher: { httpCode: hc.httpCode },
                },
                targetGroupAttributes: [
                    { key: "deregistration_delay.timeout_seconds", value: String(BLUE_GREEN_DEFAULTS.deregistrationDelaySeconds) },
                ],
            },
        },
    };
}

/** `autoscaling/v2` HPA of one color on CPU utilization. */
export function hpaSpec(service: ServiceConfig, color: Color): HpaSpec {
    const { minReplicas, maxReplicas } = colorSize(service, color);
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: colorName(service, color) },
        minReplicas,
        maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: service.autoscaling.targetCpuUtilization } },
            },
        ],
    };
}

/**
 * PDB of one color: one pod may always be evicted (even with a single replica), and unhealthy pods never
 * count against the budget, so Karpenter consolidation and node drains are never blocked.
 */
export function pdbSpec(service: ServiceConfig, color: Color): PdbSpec {
    return {
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: "AlwaysAllow",
        selector: { matchLabels: colorSelector(service, color) },
    };
}

/** Route weights (≤ 999, never all 0): 100 on the active color, or `100 - canaryWeight` / `canaryWeight`. */
export function backendWeights(service: Pick<ServiceConfig, "activeColor" | "canaryWeight">): Record<Color, number> {
    const inactive = otherColor(service.activeColor);
    return { [service.activeColor]: 100 - service.canaryWeight, [inactive]: service.canaryWeight } as Record<Color, number>;
}

function backendRef(name: string, weight?: number): BackendRef {
    return { group: "", kind: "Service", name, port: BLUE_GREEN_DEFAULTS.servicePort, ...(weight !== undefined ? { weight } : {}) };
}

/**
 * The main route's rules. `route` mode: one rule with both color Services, always in the order blue, green,
 * so a switch changes exactly two weights. `selector` mode: one rule to the stable Service.
 */
export function routeRules(service: ServiceConfig): RouteRule[] {
    const weights = backendWeights(service);
    const backendRefs =
        service.trafficMode === "route" ? COLORS.map((c) => backendRef(colorName(service, c), weights[c])) : [backendRef(service.name)];
    return [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs }];
}

/** The public route on the service's hostnames. */
export function httpRoute(service: ServiceConfig, parentRef: IParentReference): IHTTPRoute {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: service.name, namespace: service.namespace, labels: commonLabels(service), annotations: { ...ROUTE_READY_WAIT } },
        spec: { parentRefs: [{ ...parentRef }], hostnames: [...service.hostnames], rules: routeRules(service) },
    };
}

/**
 * Whether the inactive color has pods to preview: it needs an image and must not be scaled to zero. A cold
 * inactive color gets no preview route (a route to no pods only answers 503); warm it to check it.
 */
export function hasPreview(service: ServiceConfig): boolean {
    return colorImage(service, service.inactiveColor) !== null && service.scaledDown[service.inactiveColor] !== 0;
}

/**
 * The preview's listener rule condition: only requests from `sourceCidrs` match it (the source address of the
 * connection, never `X-Forwarded-For`). Others match no rule for the preview hostname and get the listener's 404.
 */
export function previewAccessConfiguration(service: ServiceConfig, sourceCidrs: readonly string[]): ListenerRuleConfiguration {
    if (sourceCidrs.length === 0) throw new Error(`service ${service.name}: a preview needs at least one source network`);
    return {
        apiVersion: AWS_GATEWAY_API_VERSION,
        kind: AWS_GATEWAY_KINDS.listenerRuleConfiguration,
        metadata: { name: previewAccessName(service), namespace: service.namespace, labels: { ...commonLabels(service), role: "preview" } },
        spec: { conditions: [{ field: "source-ip", sourceIPConfig: { values: [...sourceCidrs] } }] },
    };
}

/**
 * The preview route: the preview hostname always reaches the inactive color, to check it before a switch, and only
 * from the preview's source networks (its ListenerRuleConfiguration, attached by an ExtensionRef filter).
 */
export function previewRoute(service: ServiceConfig, parentRef: IParentReference): IHTTPRoute {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: {
            name: previewRouteName(service),
            namespace: service.namespace,
            labels: { ...commonLabels(service), role: "preview" },
            annotations: { ...ROUTE_READY_WAIT },
        },
        spec: {
            parentRefs: [{ ...parentRef }],
            hostnames: [service.previewHostname],
            rules: [
                {
                    matches: [{ path: { type: "PathPrefix", value: "/" } }],
                    filters: [
                        {
                            type: "ExtensionRef",
                            extensionRef: { group: AWS_GATEWAY_GROUP, kind: AWS_GATEWAY_KINDS.listenerRuleConfiguration, name: previewAccessName(service) },
                        },
                    ],
                    backendRefs: [backendRef(colorName(service, service.inactiveColor))],
                },
            ],
        },
    };
}

// ---------------------------------------------------------------------------------------------------------
// Component
// ---------------------------------------------------------------------------------------------------------

/**
 * What the service reports about itself. Its URLs are not here: whether a hostname resolves depends on DNS,
 * which the stack may or may not manage (`serviceEndpoints` in lib/dns.ts).
 */
export interface BlueGreenSummary {
    readonly activeColor: Color;
    readonly images: Record<Color, string | null>;
}

/**
 * A blue/green application: its namespace and identity, both colors (a color without an image is not
 * deployed, but keeps its Service so the routes never change shape), and the traffic objects.
 */
export class BlueGreenService extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    /** Resolves once the traffic objects exist. */
    public readonly summary: pulumi.Output<BlueGreenSummary>;

    constructor(name: string, args: BlueGreenServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:apps:BlueGreenService", name, {}, opts);
        const service = args.service;
        const routeDeps = args.routeDependencies ?? [];

        const namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: service.namespace, labels: namespaceLabels(service) } },
            { parent: this },
        );
        const inNamespace = { parent: this, dependsOn: [namespace] };

        // Policies before pods: no pod of this service ever runs on the flat network.
        const networkPolicies = createNetworkPolicies(name, (cidr) => serviceNetworkPolicies(service, cidr), args.vpcCidr, inNamespace);

        // Secrets named without an ARN live in the stack's account and region, known only at deploy time.
        const statements = service.aws.secrets.some((s) => isSecretName(s.secret))
            ? pulumi
                  .all([
                      aws.getCallerIdentityOutput({}, { parent: this }).accountId,
                      aws.getPartitionOutput({}, { parent: this }).partition,
                      aws.getRegionOutput({}, { parent: this }).region,
                  ])
                  .apply(([accountId, partition, region]) => applicationStatements(service.aws, { accountId, partition, region }))
            : applicationStatements(service.aws);

        const identity = new WorkloadIdentity(
            name,
            {
                clusterName: args.clusterName,
                cluster: args.identitySource,
                namespace: namespace.metadata.name,
                namespaceName: service.namespace,
                serviceAccountName: service.name,
                mode: service.identityMode,
                statements,
                // The pods set it too: IRSA and Pod Identity mount their own token; the API token is never needed.
                automountServiceAccountToken: false,
                labels: commonLabels(service),
                tags: args.tags,
            },
            { parent: this },
        );

        // Pulumi names follow the component's name; Kubernetes names follow the service's.
        const meta = (objectName: string, labels: Record<string, string>) => ({ name: objectName, namespace: service.namespace, labels });
        const deployments: pulumi.Resource[] = [];
        const backends: pulumi.Resource[] = [];
        const backend = (resourceName: string, serviceName: string, spec: ServiceSpec, labels: Record<string, string>) => {
            const svc = new k8s.core.v1.Service(resourceName, { metadata: meta(serviceName, labels), spec }, inNamespace);
            const tgc = new k8s.apiextensions.CustomResource(resourceName, targetGroupConfiguration(service, serviceName, labels), {
                parent: this,
                dependsOn: [namespace, svc, ...routeDeps],
            });
            backends.push(svc, tgc);
        };

        for (const color of COLORS) {
            const resourceName = `${name}-${color}`;
            const objectName = colorName(service, color);
            const labels = colorLabels(service, color);
            if (colorImage(service, color) !== null) {
                const metadata = meta(objectName, labels);
                deployments.push(
                    new k8s.apps.v1.Deployment(resourceName, { metadata, spec: deploymentSpec(service, color) }, { parent: this, dependsOn: [namespace, identity, ...networkPolicies, ...(args.podDependencies ?? [])] }),
                );
                new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                    resourceName,
                    { metadata, spec: hpaSpec(service, color) },
                    { parent: this, dependsOn: [namespace, ...(args.autoscalerDependencies ?? [])] },
                );
                new k8s.policy.v1.PodDisruptionBudget(resourceName, { metadata, spec: pdbSpec(service, color) }, inNamespace);
            }
            backend(resourceName, objectName, colorServiceSpec(service, color), labels);
        }
        const traffic = trafficObjectNames(name, service.trafficMode);
        if (traffic.stable) backend(traffic.stable, service.name, stableServiceSpec(service), commonLabels(service));

        // Routes wait for the Deployments: traffic moves only once the color it moves to has rolled out.
        const routeOpts = { parent: this, dependsOn: [namespace, ...routeDeps, ...backends, ...deployments] };
        const route = new k8s.apiextensions.CustomResource(traffic.route, httpRoute(service, args.parentRef), routeOpts);
        const routes = [route];
        if (hasPreview(service)) {
            // The route never exists without its source restriction: a route whose filter names a missing
            // configuration would be rejected, and one without the filter would be public.
            const access = new k8s.apiextensions.CustomResource(
                `${name}-preview-access`,
                {
                    ...previewAccessConfiguration(service, ["0.0.0.0/32"]),
                    spec: pulumi.output(args.previewSourceCidrs).apply((cidrs) => previewAccessConfiguration(service, cidrs).spec),
                },
                { parent: this, dependsOn: [namespace, ...routeDeps] },
            );
            routes.push(
                new k8s.apiextensions.CustomResource(traffic.preview, previewRoute(service, args.parentRef), {
                    ...routeOpts,
                    dependsOn: [...routeOpts.dependsOn, access],
                }),
            );
        }

        const summary: BlueGreenSummary = {
            activeColor: service.activeColor,
            images: { blue: colorImage(service, "blue"), green: colorImage(service, "green") },
        };
        this.namespace = namespace.metadata.name;
        this.roleArn = identity.roleArn;
        this.summary = pulumi.all(routes.map((r) => r.id)).apply(() => summary);
        this.registerOutputs({ namespace: this.namespace, roleArn: this.roleArn, summary: this.summary });
    }
}
