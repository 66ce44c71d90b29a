/**
 * Gateway API on the AWS Load Balancer Controller: HTTPS listeners negotiate TLS 1.2 or newer, production Gateways
 * do not admit routes from every namespace, no route selector is empty, ALBs write access logs, and plain HTTP only
 * ever redirects to HTTPS.
 *
 * The ALB's settings are not on the Gateway: TLS policy, attributes (access logs) and source ranges live in the
 * LoadBalancerConfiguration the Gateway names in `spec.infrastructure.parametersRef`. Without one, the controller
 * uses `ELBSecurityPolicy-2016-08` (TLS 1.0) and no access logs, hence stack policies that follow the reference.
 * Gateway API kinds are matched by group and kind, so every served version (v1, v1beta1) is covered.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { KubeObject, namespaceOf, objectName } from "./kube";
import { parseKubeType } from "./podSpec";
import { GatewayClassView, GatewayListenerView, GatewayView, HTTPRouteView, LabelSelectorView, LoadBalancerConfigurationView, ParentReferenceView } from "./types";

/** The load balancer controller's listener default when no sslPolicy is given. */
export const CONTROLLER_DEFAULT_SSL_POLICY = "ELBSecurityPolicy-2016-08";
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
export const LBC_GROUP = "gateway.k8s.aws";
/** `spec.controllerName` of the load balancer controller's ALB GatewayClass. */
export const ALB_CONTROLLER_NAME = "gateway.k8s.aws/alb";

/** Whether a resource is a (non-patch, non-list) object of a group and kind, in any version. */
export function isKind(r: Pick<PolicyResource, "type">, group: string, kind: string): boolean {
    const t = parseKubeType(r.type);
    return t !== undefined && t.group === group && t.kind === kind && !t.patch && !t.list;
}

/** ELB security policies whose minimum protocol is TLS 1.2 or 1.3 (TLS13-1-2/1-3, TLS-1-2, FS-1-2 families). */
export function isTls12OrNewer(policy: string): boolean {
    return /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/.test(policy);
}

function httpsListenerConfigs(lbc: LoadBalancerConfigurationView) {
    return (lbc.spec?.listenerConfigurations ?? []).filter((l) => l.protocolPort.toUpperCase().startsWith("HTTPS:"));
}

/** The LoadBalancerConfiguration a Gateway names (same namespace), if it is in the stack. */
export function loadBalancerConfigurationOf(gateway: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const gw = gateway.props as GatewayView;
    const ref = gw.spec?.infrastructure?.parametersRef;
    if (ref?.group !== LBC_GROUP || ref.kind !== "LoadBalancerConfiguration") return undefined;
    return resources.find(
        (c) => isKind(c, LBC_GROUP, "LoadBalancerConfiguration") && namespaceOf(c.props as KubeObject) === namespaceOf(gw) && (c.props as KubeObject).metadata?.name === ref.name,
    );
}

/**
 * Whether a Gateway is served by the load balancer controller as an ALB: its GatewayClass (when in the stack) names
 * the ALB controller; a class outside the stack counts when the Gateway names a LoadBalancerConfiguration.
 */
export function isAlbGateway(gateway: PolicyResource, resources: readonly PolicyResource[]): boolean {
    const cls = gatewayClassOf(gateway, resources);
    if (cls) return cls.spec?.controllerName === ALB_CONTROLLER_NAME;
    return (gateway.props as GatewayView).spec?.infrastructure?.parametersRef?.group === LBC_GROUP;
}

/** The GatewayClass a Gateway names, when the stack has it. */
function gatewayClassOf(gateway: PolicyResource, resources: readonly PolicyResource[]): GatewayClassView | undefined {
    const className = (gateway.props as GatewayView).spec?.gatewayClassName;
    const cls = resources.find((c) => isKind(c, GATEWAY_API_GROUP, "GatewayClass") && (c.props as KubeObject).metadata?.name === className);
    return cls?.props as GatewayClassView | undefined;
}

/** Whether a Gateway's GatewayClass is in the stack and names a controller other than the load balancer controller. */
function servedByOtherController(gateway: PolicyResource, resources: readonly PolicyResource[]): boolean {
    const cls = gatewayClassOf(gateway, resources);
    return cls !== undefined && cls.spec?.controllerName !== ALB_CONTROLLER_NAME;
}

export const gatewayHttpsTlsPolicy: StackValidationPolicy = {
    name: "gateway-https-tls-policy",
    description: "HTTPS listeners of ALB Gateways use an ELB security policy with TLS 1.2 or newer (set in the LoadBalancerConfiguration).",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources.filter((res) => isKind(res, LBC_GROUP, "LoadBalancerConfiguration"))) {
            for (const listener of httpsListenerConfigs(r.props as LoadBalancerConfigurationView)) {
                const policy = listener.sslPolicy ?? CONTROLLER_DEFAULT_SSL_POLICY;
                if (!isTls12OrNewer(policy)) {
                    const shown = listener.sslPolicy ? policy : `no sslPolicy, so the controller's default ${policy}`;
                    reportViolation(
                        `LoadBalancerConfiguration ${objectName(r)} listener ${listener.protocolPort} uses ${shown}, which accepts TLS older than 1.2: use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.`,
                        r.urn,
                    );
                }
            }
        }
        // A Gateway whose GatewayClass (in the stack) names another controller takes its TLS settings elsewhere; one
        // whose class the stack does not show is held to the rule (fail closed).
        for (const r of args.resources.filter((res) => isKind(res, GATEWAY_API_GROUP, "Gateway") && !servedByOtherController(res, args.resources))) {
            const gateway = r.props as GatewayView;
            const ref = gateway.spec?.infrastructure?.parametersRef;
            const lbc = loadBalancerConfigurationOf(r, args.resources);
            for (const listener of (gateway.spec?.listeners ?? []).filter((l) => l.protocol === "HTTPS")) {
                const entry = lbc && httpsListenerConfigs(lbc.props as LoadBalancerConfigurationView).find((l) => l.protocolPort.toUpperCase() === `HTTPS:${listener.port}`);
                if (!entry) {
                    const why = !ref ? "names no LoadBalancerConfiguration" : !lbc ? `names LoadBalancerConfiguration ${ref.name}, which is not in the stack` : `has no HTTPS:${listener.port} entry in LoadBalancerConfiguration ${ref.name}`;
                    reportViolation(
                        `Gateway ${objectName(r)} HTTPS listener "${listener.name}" ${why}: the controller's default ${CONTROLLER_DEFAULT_SSL_POLICY} accepts TLS 1.0.`,
                        r.urn,
                    );
                }
            }
        }
    },
};

/** Gateway objects in a resource's inputs (a Gateway, its patch, or the items of a GatewayList). */
function gatewaysIn(type: string, props: Record<string, unknown>): GatewayView[] {
    const t = parseKubeType(type);
    if (!t || t.group !== GATEWAY_API_GROUP || t.kind !== "Gateway") return [];
    return t.list ? ((props.items as GatewayView[] | undefined) ?? []) : [props as GatewayView];
}

export const gatewayAllowedRoutes: ResourceValidationPolicy = {
    name: "gateway-allowed-routes-restricted",
    description: "Production Gateways admit routes from selected namespaces only (allowedRoutes.namespaces.from is not All).",
    severity: "high",
    configSchema: { properties: { ...environmentProperty } },
    validateResource: (args, reportViolation) => {
        const gateways = gatewaysIn(args.type, args.props);
        if (gateways.length === 0 || args.getConfig<EnvironmentConfig>().environment !== "prod") return;
        for (const gateway of gateways) {
            for (const listener of gateway.spec?.listeners ?? []) {
                if (listener.allowedRoutes?.namespaces?.from === "All") {
                    reportViolation(
                        `Gateway ${objectName({ name: args.name, props: gateway })} listener "${listener.name}" admits routes from every namespace (allowedRoutes.namespaces.from: All) in prod: use Selector or Same.`,
                    );
                }
            }
        }
    },
};

/** True for a selector that selects everything: absent, or no labels and no expressions. */
export function isEmptySelector(selector: LabelSelectorView | undefined): boolean {
    return Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
}

export const gatewayRouteSelectorNotEmpty: ResourceValidationPolicy = {
    name: "gateway-route-selector-not-empty",
    description: "A Gateway listener that admits routes by namespace Selector has a non-empty selector: an empty one admits every namespace, like from: All.",
    severity: "high",
    validateResource: (args, reportViolation) => {
        for (const gateway of gatewaysIn(args.type, args.props)) {
            for (const listener of gateway.spec?.listeners ?? []) {
                const namespaces = listener.allowedRoutes?.namespaces;
                if (namespaces?.from === "Selector" && isEmptySelector(namespaces.selector)) {
                    reportViolation(
                        `Gateway ${objectName({ name: args.name, props: gateway })} listener "${listener.name}" admits routes by an empty namespace selector, which selects every namespace: give it matchLabels.`,
                    );
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// ALB access logs
// ---------------------------------------------------------------------------------------------------------------------

const ACCESS_LOGS_ENABLED = "access_logs.s3.enabled";
const ACCESS_LOGS_BUCKET = "access_logs.s3.bucket";

/** What keeps a LoadBalancerConfiguration's ALB from writing access logs, or undefined. */
export function accessLogProblem(lbc: LoadBalancerConfigurationView): string | undefined {
    const attributes = new Map((lbc.spec?.loadBalancerAttributes ?? []).map((a) => [a.key, a.value]));
    if (attributes.get(ACCESS_LOGS_ENABLED) !== "true") return `has no loadBalancerAttributes ${ACCESS_LOGS_ENABLED}=true`;
    if (!attributes.get(ACCESS_LOGS_BUCKET)) return `has no loadBalancerAttributes ${ACCESS_LOGS_BUCKET}`;
    return undefined;
}

function isApplicationLoadBalancer(lb: { loadBalancerType?: string }): boolean {
    return (lb.loadBalancerType ?? "application") === "application";
}

export const albAccessLogs: StackValidationPolicy = {
    name: "alb-access-logs",
    description: "Application Load Balancers write access logs to S3: ALB Gateways through their LoadBalancerConfiguration, aws.lb/aws.alb LoadBalancers through accessLogs.",
    severity: "medium",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            if (isKind(r, GATEWAY_API_GROUP, "Gateway") && isAlbGateway(r, args.resources)) {
                const ref = (r.props as GatewayView).spec?.infrastructure?.parametersRef;
                const lbc = loadBalancerConfigurationOf(r, args.resources);
                const lbcProblem = lbc && accessLogProblem(lbc.props as LoadBalancerConfigurationView);
                const problem = !ref
                    ? "it names no LoadBalancerConfiguration"
                    : !lbc
                      ? `it names LoadBalancerConfiguration ${ref.name}, which is not in the stack`
                      : lbcProblem && `its LoadBalancerConfiguration ${ref.name} ${lbcProblem}`;
                if (problem) reportViolation(`ALB Gateway ${objectName(r)} writes no access logs: ${problem}.`, r.urn);
            } else if (r.isType(aws.lb.LoadBalancer) || r.isType(aws.alb.LoadBalancer)) {
                const lb = r.props as { loadBalancerType?: string; accessLogs?: { enabled?: boolean; bucket?: string } };
                if (isApplicationLoadBalancer(lb) && !(lb.accessLogs?.enabled === true && lb.accessLogs.bucket)) {
                    reportViolation(`Application Load Balancer ${r.name} writes no access logs: set accessLogs.enabled and accessLogs.bucket.`, r.urn);
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// HTTP → HTTPS
// ---------------------------------------------------------------------------------------------------------------------

/** Whether a route's parentRef attaches it to a Gateway listener. */
function attachesTo(ref: ParentReferenceView, routeNamespace: string, gateway: GatewayView, listener: GatewayListenerView): boolean {
    if ((ref.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || (ref.kind ?? "Gateway") !== "Gateway") return false;
    if (ref.name !== gateway.metadata?.name || (ref.namespace ?? routeNamespace) !== namespaceOf(gateway)) return false;
    if (ref.sectionName !== undefined && ref.sectionName !== listener.name) return false;
    return ref.port === undefined || ref.port === listener.port;
}

/** Whether every rule of a route redirects to https. */
function redirectsToHttps(route: HTTPRouteView): boolean {
    const rules = route.spec?.rules ?? [];
    return rules.length > 0 && rules.every((rule) => (rule.filters ?? []).some((f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https"));
}

/** Problems with one HTTP listener of an ALB Gateway: who may attach, and what the attached routes do. */
function httpListenerProblems(gateway: PolicyResource, listener: GatewayListenerView, resources: readonly PolicyResource[]): string[] {
    const gw = gateway.props as GatewayView;
    const problems: string[] = [];
    const from = listener.allowedRoutes?.namespaces?.from ?? "Same";
    if (from !== "Same" && from !== "None") problems.push(`admits routes from other namespaces (from: ${from}), which could serve plain HTTP`);
    const attached = resources.filter((r) => {
        if (!isKind(r, GATEWAY_API_GROUP, "HTTPRoute")) return false;
        const route = r.props as HTTPRouteView;
        const ns = namespaceOf(route);
        // Only routes the listener admits attach (Same: the Gateway's namespace).
        if (from === "None" || (from === "Same" && ns !== namespaceOf(gw))) return false;
        return (route.spec?.parentRefs ?? []).some((ref) => attachesTo(ref, ns, gw, listener));
    });
    const serving = attached.filter((r) => !redirectsToHttps(r.props as HTTPRouteView));
    if (serving.length > 0) problems.push(`serves plain HTTP through HTTPRoute ${serving.map(objectName).join(", ")} (every rule must be a RequestRedirect to scheme https)`);
    else if (attached.length === 0) problems.push("has no redirect route (an HTTPRoute whose rules RequestRedirect to scheme https)");
    return problems;
}

type ListenerArgs = { protocol?: string; certificateArn?: string; defaultActions?: { type?: string; redirect?: { protocol?: string } }[] };

/** What keeps an aws.lb/aws.alb HTTP listener from only redirecting to HTTPS (awsguard alb-http-to-https-redirection). */
export function listenerRedirectProblem(listener: ListenerArgs): string | undefined {
    const http = listener.protocol === "HTTP" || (listener.protocol === undefined && !listener.certificateArn);
    if (!http) return undefined;
    const actions = listener.defaultActions ?? [];
    if (actions.length !== 1 || actions[0].type !== "redirect" || actions[0].redirect?.protocol !== "HTTPS") {
        return `HTTP listener's default action is not a single redirect to HTTPS (${actions.map((a) => a.type ?? "?").join(", ") || "none"})`;
    }
    return undefined;
}

export const albHttpRedirectsToHttps: StackValidationPolicy = {
    name: "alb-http-redirects-to-https",
    description:
        "Plain HTTP only redirects to HTTPS: an ALB Gateway's HTTP listeners admit routes from their own namespace only and every route on them redirects to https; aws.lb/aws.alb HTTP listeners' default action is a redirect to HTTPS.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            if (isKind(r, GATEWAY_API_GROUP, "Gateway") && isAlbGateway(r, args.resources)) {
                for (const listener of ((r.props as GatewayView).spec?.listeners ?? []).filter((l) => l.protocol === "HTTP")) {
                    const problems = httpListenerProblems(r, listener, args.resources);
                    if (problems.length > 0) reportViolation(`Gateway ${objectName(r)} HTTP listener "${listener.name}" ${problems.join("; ")}.`, r.urn);
                }
            } else if (r.isType(aws.lb.Listener) || r.isType(aws.alb.Listener)) {
                const problem = listenerRedirectProblem(r.props as ListenerArgs);
                if (problem) reportViolation(`Load balancer listener ${r.name}: ${problem}.`, r.urn);
            }
        }
    },
};

export const gatewayPolicies = [gatewayHttpsTlsPolicy, gatewayAllowedRoutes, gatewayRouteSelectorNotEmpty, albAccessLogs, albHttpRedirectsToHttps];
