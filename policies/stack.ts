/**
 * Stack policies: rules about how resources relate, which no single resource can show.
 *
 * Blue/green convention (the BlueGreenService component): each color runs a Deployment whose pods carry `app` and
 * `color` labels; each color has a Service with a fixed selector on both; `route` mode sends traffic with one
 * HTTPRoute rule weighting the two color Services, `selector` mode with one stable Service whose selector names the
 * active color (its own labels carry no color); HTTPRoutes labelled `role: preview` serve the inactive color on the
 * preview hostname and do not decide which color is active.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import {
    APP_LABEL,
    COLORS,
    COLOR_LABEL,
    DEPLOYMENT_TYPE,
    HTTPROUTE_TYPE,
    KubeObject,
    SERVICE_TYPE,
    deploymentsSelectedBy,
    minimumReplicas,
    namespaceOf,
    objectName,
    podLabels,
} from "./kube";
import { BackendRefView, HTTPRouteView } from "./types";

// ---------------------------------------------------------------------------------------------------------------------
// Explicit Kubernetes provider
// ---------------------------------------------------------------------------------------------------------------------

/** Kubernetes component types: their children carry the provider; the component itself may not name one. */
const KUBERNETES_COMPONENT_TYPES: ReadonlySet<string> = new Set([
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml:ConfigGroup",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:kustomize:Directory",
    "kubernetes:kustomize/v2:Directory",
]);

/**
 * The engine names its default providers `default` or `default_<version>`, and counts any provider whose name
 * starts with `default` as one (pulumi/pulumi pkg/resource/deploy/providers IsDefaultProvider): so does this.
 */
export function isDefaultProviderName(name: string): boolean {
    return name.startsWith("default");
}

export const kubernetesExplicitProvider: StackValidationPolicy = {
    name: "kubernetes-explicit-provider",
    description:
        "Every Kubernetes resource goes through an explicit Kubernetes provider built from the cluster's kubeconfig, never the default provider (ambient ~/.kube/config).",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            if (!r.type.startsWith("kubernetes:")) continue;
            const provider = r.provider;
            if (!provider) {
                if (!KUBERNETES_COMPONENT_TYPES.has(r.type)) {
                    reportViolation(`${r.type} ${r.name} names no provider: it would use the default Kubernetes provider and the ambient kubeconfig.`, r.urn);
                }
                continue;
            }
            if (isDefaultProviderName(provider.name)) {
                reportViolation(`${r.type} ${r.name} uses the default Kubernetes provider (${provider.name}): pass the cluster's provider explicitly.`, r.urn);
            } else if (provider.type !== "pulumi:providers:kubernetes") {
                reportViolation(`${r.type} ${r.name} uses provider ${provider.name} of type ${provider.type}, not a Kubernetes provider.`, r.urn);
            } else if (!("kubeconfig" in provider.props)) {
                // `in`, not a read: the kubeconfig is unknown during a first preview, and reading it would abort the policy.
                reportViolation(`${r.type} ${r.name} uses provider ${provider.name}, which sets no kubeconfig: it would target whatever cluster ~/.kube/config names.`, r.urn);
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------------------------------
// Blue/green
// ---------------------------------------------------------------------------------------------------------------------

interface ServiceSpecView {
    selector?: Record<string, string>;
}

function serviceSelector(service: PolicyResource): Record<string, string> | undefined {
    return (service.props as KubeObject<ServiceSpecView>).spec?.selector;
}

function findService(resources: readonly PolicyResource[], namespace: string, name: string): PolicyResource | undefined {
    return resources.find((r) => {
        const obj = r.props as KubeObject;
        return r.type === SERVICE_TYPE && namespaceOf(obj) === namespace && (obj.metadata?.name ?? r.name) === name;
    });
}

interface RoutedBackend {
    readonly route: PolicyResource;
    readonly ref: BackendRefView;
    /** `namespace/name` of the Service the ref names. */
    readonly target: string;
    readonly service: PolicyResource | undefined;
    readonly weight: number;
}

/** Every Service backendRef of every HTTPRoute, resolved to the Service in the stack (if there is one). */
function routedBackends(resources: readonly PolicyResource[]): RoutedBackend[] {
    const out: RoutedBackend[] = [];
    for (const route of resources.filter((r) => r.type === HTTPROUTE_TYPE)) {
        const obj = route.props as HTTPRouteView;
        for (const rule of obj.spec?.rules ?? []) {
            for (const ref of rule.backendRefs ?? []) {
                if ((ref.kind ?? "Service") !== "Service" || (ref.group ?? "") !== "") continue;
                const namespace = ref.namespace ?? namespaceOf(obj);
                out.push({ route, ref, target: `${namespace}/${ref.name}`, service: findService(resources, namespace, ref.name), weight: ref.weight ?? 1 });
            }
        }
    }
    return out;
}

/** What a Service selects (`color green`) and why no pod is behind it, or undefined when a selected Deployment keeps a replica. */
function noPodsBehind(service: PolicyResource, resources: readonly PolicyResource[]): { selected: string; problem: string } | undefined {
    const selector = serviceSelector(service);
    const deployments = deploymentsSelectedBy(namespaceOf(service.props as KubeObject), selector, resources);
    const color = selector?.[COLOR_LABEL];
    const selected = color ? `color ${color}` : `selector ${JSON.stringify(selector ?? {})}`;
    if (deployments.length === 0) return { selected, problem: "has no Deployment in the stack" };
    if (deployments.every((d) => minimumReplicas(d, resources) < 1)) {
        return { selected, problem: `has 0 replicas (Deployment ${deployments.map(objectName).join(", ")})` };
    }
    return undefined;
}

/** A `selector`-mode Service: it selects by color but is not that color's own Service (its labels carry no such color). */
function isSelectorModeService(service: PolicyResource): boolean {
    const color = serviceSelector(service)?.[COLOR_LABEL];
    return color !== undefined && (service.props as KubeObject).metadata?.labels?.[COLOR_LABEL] !== color;
}

export const bluegreenBackendsHaveReplicas: StackValidationPolicy = {
    name: "bluegreen-backends-have-replicas",
    description:
        "Every HTTPRoute backendRef to a blue/green Service that carries traffic (weight > 0), and every selector-mode Service, leads to a color whose Deployment exists with at least one replica.",
    severity: "critical",
    validateStack: (args, reportViolation) => {
        const apps = new Set(blueGreenApps(args.resources).map((a) => `${a.namespace}/${a.app}`));
        for (const b of routedBackends(args.resources)) {
            if (b.weight === 0) continue;
            const routeName = objectName(b.route);
            if (!b.service) {
                // Routes may lead to Services the stack does not own (a Helm chart's); a blue/green application's may not.
                const route = b.route.props as KubeObject;
                if (apps.has(`${namespaceOf(route)}/${route.metadata?.labels?.[APP_LABEL]}`)) {
                    reportViolation(`HTTPRoute ${routeName} sends traffic to Service ${b.target}, which is not in the stack.`, b.route.urn);
                }
                continue;
            }
            // Only blue/green backends: Services that select by color.
            if (serviceSelector(b.service)?.[COLOR_LABEL] === undefined) continue;
            const none = noPodsBehind(b.service, args.resources);
            if (none) reportViolation(`HTTPRoute ${routeName} sends traffic (weight ${b.weight}) to Service ${b.target}, whose ${none.selected} ${none.problem}.`, b.route.urn);
        }
        for (const service of args.resources.filter((r) => r.type === SERVICE_TYPE && isSelectorModeService(r))) {
            const none = noPodsBehind(service, args.resources);
            if (none) reportViolation(`Service ${objectName(service)} (selector mode) selects ${none.selected}, which ${none.problem}.`, service.urn);
        }
    },
};

interface BlueGreenApp {
    readonly namespace: string;
    readonly app: string;
    readonly deployments: Map<string, PolicyResource[]>;
}

/** Blue/green applications: Deployments whose pods carry `app` and a `color` of blue or green, by namespace and app. */
function blueGreenApps(resources: readonly PolicyResource[]): BlueGreenApp[] {
    const apps = new Map<string, BlueGreenApp>();
    const colors: readonly string[] = COLORS;
    const add = (namespace: string, app: string) => {
        const key = `${namespace}/${app}`;
        if (!apps.has(key)) apps.set(key, { namespace, app, deployments: new Map() });
        return apps.get(key) as BlueGreenApp;
    };
    for (const d of resources.filter((r) => r.type === DEPLOYMENT_TYPE)) {
        const labels = podLabels(d);
        if (!labels[APP_LABEL] || !colors.includes(labels[COLOR_LABEL])) continue;
        const entry = add(namespaceOf(d.props as KubeObject), labels[APP_LABEL]);
        entry.deployments.set(labels[COLOR_LABEL], [...(entry.deployments.get(labels[COLOR_LABEL]) ?? []), d]);
    }
    // A color Service whose Deployment is missing still names its application.
    for (const s of resources.filter((r) => r.type === SERVICE_TYPE)) {
        const selector = serviceSelector(s) ?? {};
        if (selector[APP_LABEL] && colors.includes(selector[COLOR_LABEL])) add(namespaceOf(s.props as KubeObject), selector[APP_LABEL]);
    }
    return [...apps.values()];
}

function isPreviewRoute(route: PolicyResource): boolean {
    return (route.props as KubeObject).metadata?.labels?.role === "preview";
}

/** Traffic weight per color that the production (non-preview) routes send to an application. */
function productionWeights(app: BlueGreenApp, backends: readonly RoutedBackend[]): { weights: Map<string, number>; routes: Set<PolicyResource>; uncolored: string[] } {
    const weights = new Map<string, number>();
    const routes = new Set<PolicyResource>();
    const uncolored: string[] = [];
    for (const b of backends) {
        if (!b.service || isPreviewRoute(b.route)) continue;
        const selector = serviceSelector(b.service) ?? {};
        if (namespaceOf(b.service.props as KubeObject) !== app.namespace || selector[APP_LABEL] !== app.app) continue;
        routes.add(b.route);
        const color = selector[COLOR_LABEL];
        if (color === undefined) uncolored.push(b.target);
        else weights.set(color, (weights.get(color) ?? 0) + b.weight);
    }
    return { weights, routes, uncolored };
}

export const bluegreenColors: StackValidationPolicy = {
    name: "bluegreen-colors",
    description:
        "Each blue/green application has both a blue and a green Deployment, and exactly one active color: its production routes send most traffic to one color.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const backends = routedBackends(args.resources);
        for (const app of blueGreenApps(args.resources)) {
            const label = `Blue/green application ${app.namespace}/${app.app}`;
            const anchor = [...app.deployments.values()][0]?.[0]?.urn;
            const missing = COLORS.filter((c) => !app.deployments.has(c));
            if (missing.length > 0) {
                reportViolation(`${label} has no ${missing.join(" or ")} Deployment: both colors must exist so that a switch or rollback has somewhere to go.`, anchor);
            }
            const { weights, routes, uncolored } = productionWeights(app, backends);
            const route = [...routes][0];
            if (uncolored.length > 0) {
                reportViolation(`${label}: its production route sends traffic to ${uncolored.join(", ")}, which selects both colors.`, route?.urn ?? anchor);
                continue;
            }
            if (routes.size === 0) {
                reportViolation(`${label} has no production HTTPRoute: no color is active.`, anchor);
                continue;
            }
            const ranked = [...weights.entries()].sort(([, a], [, b]) => b - a);
            const shown = COLORS.map((c) => `${c} ${weights.get(c) ?? 0}`).join(", ");
            if (ranked.length === 0 || ranked[0][1] === 0) {
                reportViolation(`${label}: its production routes send no traffic to either color (weights ${shown}).`, route.urn);
            } else if (ranked.length > 1 && ranked[0][1] === ranked[1][1]) {
                reportViolation(`${label} has no single active color: its production routes weight ${shown}.`, route.urn);
            }
        }
    },
};

export const stackPolicies: StackValidationPolicy[] = [kubernetesExplicitProvider, bluegreenBackendsHaveReplicas, bluegreenColors];
