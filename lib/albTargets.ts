/**
 * Where the shared Gateway's ALB and the services' target groups are, as CloudWatch dimensions.
 *
 * The AWS Load Balancer Controller creates them, not Pulumi, under names with hashes in them. What is stable and
 * known before they exist are the tracking tags the controller puts on everything it creates for a Gateway.
 * Ported from kubernetes-sigs/aws-load-balancer-controller v3.5.0:
 *   - pkg/deploy/tracking/provider.go: `defaultProvider.StackTags` / `ResourceTags` tag every resource with
 *     `elbv2.k8s.aws/cluster: <cluster>`, `<prefix>/stack: <stack id>` and `<prefix>/resource: <resource id>`;
 *   - pkg/gateway/constants/controller_constants.go: `ALBGatewayTagPrefix = "gateway.k8s.aws.alb"`;
 *   - pkg/model/core/stack_id.go: a Gateway's stack id is `<namespace>/<name>`;
 *   - pkg/shared_constants/stack.go: the load balancer's resource id is `LoadBalancer`;
 *   - pkg/gateway/model/model_build_target_group.go `buildTargetGroupResourceID`: a target group's resource id is
 *     `<gwNs>/<gwName>:<routeNs>-<routeName>:<routeKind>-<svcNs>-<svcName>:<port>`, where the port is the Service
 *     port's `targetPort` (`ServiceBackendConfig.GetIdentifierPort`), by name when the Service names it.
 * One target group per (route, Service): the preview route gets target groups of its own, so the main route's are
 * told apart by the route in the resource id.
 */

export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";
export const ALB_GATEWAY_TAG_PREFIX = "gateway.k8s.aws.alb";
export const ALB_GATEWAY_STACK_TAG = `${ALB_GATEWAY_TAG_PREFIX}/stack`;
export const ALB_GATEWAY_RESOURCE_TAG = `${ALB_GATEWAY_TAG_PREFIX}/resource`;
export const LOAD_BALANCER_RESOURCE_ID = "LoadBalancer";
/** Resource Groups Tagging API resource types of ELBv2 load balancers and target groups. */
export const ELB_RESOURCE_TYPES = ["elasticloadbalancing:loadbalancer", "elasticloadbalancing:targetgroup"] as const;

export interface NamespacedName {
    readonly namespace: string;
    readonly name: string;
}

/** The tracking stack id of a Gateway: `<namespace>/<name>`. */
export function gatewayStackId(gateway: NamespacedName): string {
    return `${gateway.namespace}/${gateway.name}`;
}

/** A backend of an HTTPRoute on the shared Gateway: the controller makes one target group of it. */
export interface TargetGroupBackend {
    readonly gateway: NamespacedName;
    readonly route: NamespacedName;
    readonly service: NamespacedName;
    /** The Service port's `targetPort` (a name such as `http`, or a number). */
    readonly targetPort: string | number;
}

/** The controller's resource id of the target group of an HTTPRoute backend. */
export function targetGroupResourceId(backend: TargetGroupBackend): string {
    const { gateway, route, service } = backend;
    return `${gateway.namespace}/${gateway.name}:${route.namespace}-${route.name}:HTTPRoute-${service.namespace}-${service.name}:${String(backend.targetPort)}`;
}

/**
 * Whether a target group's resource id (its `gateway.k8s.aws.alb/resource` tag, see `targetGroupResourceId`) is
 * that of `route`'s backend `service`, whatever the Gateway and port: the controller makes one target group per
 * route and backend, so a Service two routes reach (a color on the main route and on the preview route) has two.
 */
export function isRouteBackendResourceId(resourceId: string, route: NamespacedName, service: NamespacedName): boolean {
    return resourceId.includes(`:${route.namespace}-${route.name}:HTTPRoute-${service.namespace}-${service.name}:`);
}

/** `LoadBalancer` dimension (`app/<name>/<id>`) of an ALB ARN. */
export function loadBalancerDimension(arn: string): string {
    const m = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/(app\/[^/]+\/[0-9a-f]+)$/.exec(arn);
    if (!m) throw new Error(`not an Application Load Balancer ARN: ${arn}`);
    return m[1];
}

/** `TargetGroup` dimension (`targetgroup/<name>/<id>`) of a target group ARN. */
export function targetGroupDimension(arn: string): string {
    const m = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:(targetgroup\/[^/]+\/[0-9a-f]+)$/.exec(arn);
    if (!m) throw new Error(`not a target group ARN: ${arn}`);
    return m[1];
}

/** A tagged resource as the Resource Groups Tagging API lists it. */
export interface TaggedResource {
    readonly resourceArn: string;
    readonly tags: Readonly<Record<string, string>>;
}

/** What to find: the Gateway's ALB and, by a key of the caller's choosing, target groups by resource id. */
export interface AlbLookup {
    readonly clusterName: string;
    readonly gateway: NamespacedName;
    readonly targetGroups: Readonly<Record<string, string>>;
}

/** CloudWatch dimensions: the ALB's, and each requested target group's under the caller's key. */
export interface AlbDimensions {
    readonly loadBalancer: string;
    readonly targetGroups: Readonly<Record<string, string>>;
}

/** The tag filters that list exactly what the controller made for the Gateway in this cluster. */
export function albTagFilters(lookup: Pick<AlbLookup, "clusterName" | "gateway">): { key: string; values: string[] }[] {
    return [
        { key: LBC_CLUSTER_TAG, values: [lookup.clusterName] },
        { key: ALB_GATEWAY_STACK_TAG, values: [gatewayStackId(lookup.gateway)] },
    ];
}

export interface AlbMatch {
    readonly dimensions?: AlbDimensions;
    /** Resource ids not found exactly once (none, or an old and a new copy while the controller replaces one). */
    readonly missing: readonly string[];
}

/** Picks the ALB and the requested target groups out of a listing; complete only when each is there exactly once. */
export function matchAlbResources(resources: readonly TaggedResource[], lookup: AlbLookup): AlbMatch {
    const stackId = gatewayStackId(lookup.gateway);
    const ours = resources.filter((r) => r.tags[LBC_CLUSTER_TAG] === lookup.clusterName && r.tags[ALB_GATEWAY_STACK_TAG] === stackId);
    const one = (resourceId: string): string | undefined => {
        const found = ours.filter((r) => r.tags[ALB_GATEWAY_RESOURCE_TAG] === resourceId);
        return found.length === 1 ? found[0].resourceArn : undefined;
    };
    const missing: string[] = [];
    const lbArn = one(LOAD_BALANCER_RESOURCE_ID);
    if (lbArn === undefined) missing.push(LOAD_BALANCER_RESOURCE_ID);
    const targetGroups: Record<string, string> = {};
    for (const [key, resourceId] of Object.entries(lookup.targetGroups)) {
        const arn = one(resourceId);
        if (arn === undefined) missing.push(resourceId);
        else targetGroups[key] = targetGroupDimension(arn);
    }
    if (missing.length > 0 || lbArn === undefined) return { missing };
    return { dimensions: { loadBalancer: loadBalancerDimension(lbArn), targetGroups }, missing };
}

export interface WaitOptions {
    /** Give up after this long; default 10 minutes (the controller usually takes seconds). */
    readonly timeoutMs?: number;
    /** Between listings; default 15 s. */
    readonly intervalMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
}

export const ALB_WAIT_DEFAULTS = { timeoutMs: 10 * 60_000, intervalMs: 15_000 } as const;

/**
 * Lists until every requested resource is there exactly once. On a first `pulumi up` the ALB exists (the Gateway
 * waited for `Programmed`) but the controller makes the routes' target groups a few seconds after the routes
 * appear, so one listing right after them can come too early. Fails, naming what is missing, after the timeout.
 */
export async function waitForAlbDimensions(
    list: () => Promise<readonly TaggedResource[]>,
    lookup: AlbLookup,
    options: WaitOptions = {},
): Promise<AlbDimensions> {
    const timeoutMs = options.timeoutMs ?? ALB_WAIT_DEFAULTS.timeoutMs;
    const intervalMs = options.intervalMs ?? ALB_WAIT_DEFAULTS.intervalMs;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const now = options.now ?? Date.now;
    const deadline = now() + timeoutMs;
    for (;;) {
        const match = matchAlbResources(await list(), lookup);
        if (match.dimensions) return match.dimensions;
        if (now() + intervalMs > deadline) {
            throw new Error(
                `the load balancer controller has not made ${match.missing.join(", ")} for Gateway ${gatewayStackId(lookup.gateway)} ` +
                    `in cluster ${lookup.clusterName} after ${Math.round(timeoutMs / 1000)} s: check the HTTPRoutes' status ` +
                    `(kubectl describe httproute -A) and the controller's logs, then run pulumi up again`,
            );
        }
        await sleep(intervalMs);
    }
}
