/**
 * gateway-https-tls-policy on what the load balancer controller reads, and only that: LoadBalancerConfiguration
 * (group gateway.k8s.aws, any version) `spec.listenerConfigurations[].protocolPort` in the controller's `HTTPS:443`
 * form (aws-load-balancer-controller docs, "LoadBalancerConfiguration", listenerConfigurations), a Gateway's
 * `spec.infrastructure.parametersRef` naming one (Gateway API v1.3, GatewayInfrastructure.parametersRef).
 */
import { albAccessLogs, albHttpRedirectsToHttps, gatewayHttpsTlsPolicy, gatewayRouteSelectorNotEmpty, isAlbGateway, isTls12OrNewer } from "../policies/gateway";
import { check, resource, urnOf } from "./policyHarness";

const LBC = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const OLD_POLICY = "ELBSecurityPolicy-2016-08";

function lbc(name: string, spec: Record<string, unknown>, type = LBC) {
    return resource(type, name, { metadata: { name, namespace: "gateway-system" }, spec });
}

function gateway(name: string, parametersRef: Record<string, unknown>) {
    return resource(GATEWAY, name, {
        metadata: { name, namespace: "gateway-system" },
        spec: { gatewayClassName: "alb", infrastructure: { parametersRef }, listeners: [{ name: "https", port: 443, protocol: "HTTPS" }] },
    });
}

const urns = async (resources: ReturnType<typeof resource>[]) => (await check(gatewayHttpsTlsPolicy, resources)).map((v) => v.urn);

describe("gateway-https-tls-policy: what counts as a listener configuration", () => {
    test("only HTTPS listeners need a TLS policy; the protocol is matched in any case", async () => {
        expect(await urns([lbc("http-only", { listenerConfigurations: [{ protocolPort: "HTTP:80" }] })])).toEqual([]);
        expect(await urns([lbc("lower", { listenerConfigurations: [{ protocolPort: "https:443", sslPolicy: OLD_POLICY }] })])).toEqual([urnOf(LBC, "lower")]);
    });

    test("a LoadBalancerConfiguration without listener configurations is not an error of this policy", async () => {
        expect(await urns([lbc("empty", {})])).toEqual([]);
    });

    test("objects of another group or kind are not LoadBalancerConfigurations", async () => {
        const https = { listenerConfigurations: [{ protocolPort: "HTTPS:443", sslPolicy: OLD_POLICY }] };
        expect(await urns([lbc("foreign", https, "kubernetes:example.com/v1:LoadBalancerConfiguration")])).toEqual([]);
        expect(await urns([lbc("tg", https, "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration")])).toEqual([]);
        expect(await urns([lbc("patch", https, "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfigurationPatch")])).toEqual([]);
    });

    test("a Gateway's parametersRef counts only when it names a LoadBalancerConfiguration of gateway.k8s.aws", async () => {
        const good = lbc("alb", { listenerConfigurations: [{ protocolPort: "HTTPS:443", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }] });
        expect(await urns([good, gateway("named", { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "alb" })])).toEqual([]);
        expect(await urns([good, gateway("config-map", { group: "", kind: "ConfigMap", name: "alb" })])).toEqual([urnOf(GATEWAY, "config-map")]);
        expect(await urns([good, gateway("other-kind", { group: "gateway.k8s.aws", kind: "TargetGroupConfiguration", name: "alb" })])).toEqual([urnOf(GATEWAY, "other-kind")]);
    });

    test("the LoadBalancerConfiguration a Gateway names is the one of that name in the Gateway's namespace", async () => {
        // LocalParametersReference (Gateway API): no namespace field, the Gateway's own namespace.
        const ref = { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "alb" };
        const good = { listenerConfigurations: [{ protocolPort: "HTTPS:443", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }] };
        const elsewhere = resource(LBC, "alb-elsewhere", { metadata: { name: "alb", namespace: "other" }, spec: good });
        const otherName = resource(LBC, "alb-2", { metadata: { name: "alb-2", namespace: "gateway-system" }, spec: good });
        const otherKind = resource("kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration", "alb-tg", { metadata: { name: "alb", namespace: "gateway-system" }, spec: good });
        const violations = await check(gatewayHttpsTlsPolicy, [elsewhere, otherName, otherKind, gateway("public", ref)]);
        expect(violations.map((v) => v.message)).toEqual([
            'Gateway gateway-system/public HTTPS listener "https" names LoadBalancerConfiguration alb, which is not in the stack: the controller\'s default ELBSecurityPolicy-2016-08 accepts TLS 1.0.',
        ]);
    });

    test("only ALB Gateways: another controller's Gateway, and a patch of a Gateway, are not judged", async () => {
        const nginxClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "nginx", { metadata: { name: "nginx" }, spec: { controllerName: "gateway.nginx.org/nginx-gateway-controller" } });
        const nginx = resource(GATEWAY, "nginx-gw", {
            metadata: { name: "nginx-gw", namespace: "gateway-system" },
            spec: { gatewayClassName: "nginx", listeners: [{ name: "https", port: 443, protocol: "HTTPS" }] },
        });
        const patch = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayPatch", "gw-patch", {
            metadata: { name: "platform", namespace: "gateway-system" },
            spec: { gatewayClassName: "alb", listeners: [{ name: "https", port: 443, protocol: "HTTPS" }] },
        });
        expect(await urns([nginxClass, nginx, patch])).toEqual([]);
    });

    test("ELB security policy names: the family must start the name", () => {
        expect(isTls12OrNewer("ELBSecurityPolicy-TLS13-1-2-Res-2021-06")).toBe(true);
        expect(isTls12OrNewer("Custom-ELBSecurityPolicy-TLS13-1-2-2021-06")).toBe(false);
        expect(isTls12OrNewer("ELBSecurityPolicy-TLS13-1-2")).toBe(false);
    });
});

describe("which Gateways are ALB Gateways", () => {
    const gw = (spec: Record<string, unknown>) => resource(GATEWAY, "gw", { metadata: { name: "gw", namespace: "gateway-system" }, spec: { listeners: [], ...spec } });
    const albClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "alb", { metadata: { name: "alb" }, spec: { controllerName: "gateway.k8s.aws/alb" } });

    // What a policy receives: the resource's type and its inputs as `props`.
    const asPolicyResource = (r: ReturnType<typeof resource>) => ({ type: r.type, props: r.inputs }) as unknown as Parameters<typeof isAlbGateway>[0];

    test("by its GatewayClass when the stack has it (controllerName gateway.k8s.aws/alb), else by a LoadBalancerConfiguration parametersRef", () => {
        const isAlb = (g: ReturnType<typeof resource>, others: ReturnType<typeof resource>[]) => isAlbGateway(asPolicyResource(g), others.map(asPolicyResource));
        expect(isAlb(gw({ gatewayClassName: "alb" }), [albClass])).toBe(true);
        expect(isAlb(gw({ gatewayClassName: "shared" }), [])).toBe(false);
        const lbcRef = { infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "alb" } } };
        expect(isAlb(gw({ gatewayClassName: "shared", ...lbcRef }), [])).toBe(true);
    });

    test("alb-access-logs judges ALB Gateways only", async () => {
        const violations = await check(albAccessLogs, [gw({ gatewayClassName: "shared" })]);
        expect(violations).toEqual([]);
    });
});

describe("gateway-route-selector-not-empty reads Gateway API Gateways only", () => {
    // An empty selector admits routes from every namespace (Gateway API: "an empty selector selects all namespaces").
    const listeners = [{ name: "https", port: 443, protocol: "HTTPS", allowedRoutes: { namespaces: { from: "Selector", selector: {} } } }];
    const object = (type: string) => resource(type, "gw", { metadata: { name: "gw", namespace: "gateway-system" }, spec: { gatewayClassName: "alb", listeners } });

    test.each([
        ["kubernetes:gateway.networking.k8s.io/v1:Gateway", 1],
        ["kubernetes:gateway.networking.k8s.io/v1beta1:Gateway", 1],
        ["kubernetes:networking.istio.io/v1:Gateway", 0],
        ["kubernetes:gateway.networking.k8s.io/v1alpha1:ListenerSet", 0],
    ])("%s: %s violation(s)", async (type, count) => {
        expect(await check(gatewayRouteSelectorNotEmpty, [object(type)])).toHaveLength(count);
    });
});

describe("which GatewayClass a Gateway names", () => {
    const albClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "alb", { metadata: { name: "alb" }, spec: { controllerName: "gateway.k8s.aws/alb" } });
    const nginxClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "nginx", { metadata: { name: "nginx" }, spec: { controllerName: "gateway.nginx.org/nginx-gateway-controller" } });
    const bare = resource(GATEWAY, "bare", { metadata: { name: "bare", namespace: "gateway-system" }, spec: { gatewayClassName: "alb", listeners: [{ name: "https", port: 443, protocol: "HTTPS" }] } });
    const expected = [
        'Gateway gateway-system/bare HTTPS listener "https" names no LoadBalancerConfiguration: the controller\'s default ELBSecurityPolicy-2016-08 accepts TLS 1.0.',
    ];

    test("an ALB GatewayClass (controllerName gateway.k8s.aws/alb) in the stack keeps its Gateways under gateway-https-tls-policy", async () => {
        expect((await check(gatewayHttpsTlsPolicy, [albClass, bare])).map((v) => v.message)).toEqual(expected);
    });

    test("another controller's GatewayClass in the stack exempts only the Gateways that name it (gatewayClassName)", async () => {
        // The other class comes first, so a lookup that ignored the name would find it.
        expect((await check(gatewayHttpsTlsPolicy, [nginxClass, albClass, bare])).map((v) => v.message)).toEqual(expected);
    });
});

describe("gateway-route-selector-not-empty: matchExpressions alone make a selector", () => {
    // metav1.LabelSelector: matchLabels and matchExpressions are ANDed; either one alone restricts the selection.
    test("a Selector with only matchExpressions passes", async () => {
        const listeners = [
            { name: "https", port: 443, protocol: "HTTPS", allowedRoutes: { namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "platform/gateway-routes", operator: "Exists" }] } } } },
        ];
        const gw = resource(GATEWAY, "gw", { metadata: { name: "gw", namespace: "gateway-system" }, spec: { gatewayClassName: "alb", listeners } });
        expect(await check(gatewayRouteSelectorNotEmpty, [gw])).toEqual([]);
    });
});

describe("alb-http-redirects-to-https: which routes attach to an HTTP listener", () => {
    // Gateway API v1: a ParentReference defaults to group gateway.networking.k8s.io, kind Gateway and the route's
    // namespace; sectionName and port, when set, narrow it to listeners of that name and port.
    const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
    const albClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "alb", { metadata: { name: "alb" }, spec: { controllerName: "gateway.k8s.aws/alb" } });
    const https = { name: "https", port: 443, protocol: "HTTPS", allowedRoutes: { namespaces: { from: "All" } } };
    const publicGw = (http: Record<string, unknown>, type = GATEWAY) =>
        resource(type, "public", { metadata: { name: "public", namespace: "gateway-system" }, spec: { gatewayClassName: "alb", listeners: [https, { name: "http", port: 80, protocol: "HTTP", ...http }] } });
    const redirect = [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }];
    const serve = [{ backendRefs: [{ name: "api", port: 80 }] }];
    const route = (name: string, parentRefs: object[], rules: object[] | undefined, type = HTTPROUTE) =>
        resource(type, name, { metadata: { name, namespace: "gateway-system" }, spec: { parentRefs, ...(rules ? { rules } : {}) } });
    const redirecting = route("redirect", [{ name: "public", sectionName: "http" }], redirect);
    const messagesOf = async (resources: ReturnType<typeof resource>[]) => (await check(albHttpRedirectsToHttps, resources)).map((v) => v.message);
    const noRedirect = 'Gateway gateway-system/public HTTP listener "http" has no redirect route (an HTTPRoute whose rules RequestRedirect to scheme https).';

    test("a listener without allowedRoutes admits its own namespace only (from defaults to Same)", async () => {
        expect(await messagesOf([albClass, publicGw({}), redirecting])).toEqual([]);
    });

    test("from: None admits no route, not even a redirect in the Gateway's namespace", async () => {
        expect(await messagesOf([albClass, publicGw({ allowedRoutes: { namespaces: { from: "None" } } }), redirecting])).toEqual([noRedirect]);
    });

    test("parentRefs to another group, kind, namespace, listener name or port do not attach a serving route", async () => {
        const resources = [
            albClass,
            publicGw({}),
            redirecting,
            route("foreign-group", [{ group: "example.com", kind: "Gateway", name: "public" }], serve),
            // GAMMA: a route whose parent is a Service configures the mesh, not the Gateway.
            route("mesh", [{ group: "", kind: "Service", name: "public" }], serve),
            // The same with group left out: it defaults to gateway.networking.k8s.io, which has no kind Service.
            route("mesh-no-group", [{ kind: "Service", name: "public" }], serve),
            route("other-namespace", [{ name: "public", namespace: "edge" }], serve),
            route("https-section", [{ name: "public", sectionName: "https" }], serve),
            route("https-port", [{ name: "public", port: 443 }], serve),
            route("foreign-kind", [{ name: "public" }], serve, "kubernetes:example.com/v1:HTTPRoute"),
        ];
        expect(await messagesOf(resources)).toEqual([]);
    });

    test("a route attaches when any one of its parentRefs names the listener", async () => {
        const both = route("both", [{ name: "internal" }, { name: "public", sectionName: "http", port: 80 }], serve);
        expect(await messagesOf([albClass, publicGw({}), redirecting, both])).toEqual([
            'Gateway gateway-system/public HTTP listener "http" serves plain HTTP through HTTPRoute gateway-system/both (every rule must be a RequestRedirect to scheme https).',
        ]);
    });

    test("a route redirects only when every rule has a RequestRedirect filter with scheme https", async () => {
        const resources = [
            albClass,
            publicGw({}),
            // No rules: the API server defaults one match-all rule, which redirects nothing.
            route("no-rules", [{ name: "public" }], []),
            route("to-http", [{ name: "public" }], [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "http", hostname: "legacy.example.com" } }] }]),
            // The requestRedirect field counts only under type RequestRedirect (HTTPRouteFilter).
            route("stray", [{ name: "public" }], [{ filters: [{ type: "RequestHeaderModifier", requestRedirect: { scheme: "https" } }] }]),
        ];
        expect(await messagesOf(resources)).toEqual([
            'Gateway gateway-system/public HTTP listener "http" serves plain HTTP through HTTPRoute gateway-system/no-rules, gateway-system/to-http, gateway-system/stray (every rule must be a RequestRedirect to scheme https).',
        ]);
    });

    test("a patch of a Gateway is not judged", async () => {
        expect(await messagesOf([albClass, publicGw({}, "kubernetes:gateway.networking.k8s.io/v1:GatewayPatch")])).toEqual([]);
    });
});

describe("alb-http-redirects-to-https: aws.lb/aws.alb listeners", () => {
    const LISTENER = "aws:lb/listener:Listener";
    const messagesOf = async (resources: ReturnType<typeof resource>[]) => (await check(albHttpRedirectsToHttps, resources)).map((v) => v.message);

    test("only HTTP listeners are judged: an NLB's TCP listener, and HTTPS whose certificate is not in its inputs", async () => {
        expect(await messagesOf([resource(LISTENER, "nlb", { protocol: "TCP", port: 5432, defaultActions: [{ type: "forward" }] })])).toEqual([]);
        expect(await messagesOf([resource(LISTENER, "https", { protocol: "HTTPS", port: 443, defaultActions: [{ type: "forward" }] })])).toEqual([]);
    });

    test("the one default action must be of type redirect with protocol HTTPS (ELBv2 RedirectActionConfig)", async () => {
        const resources = [
            resource(LISTENER, "to-http", { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP", host: "legacy.example.com" } }] }),
            // RedirectConfig is honoured only when Type is redirect.
            resource(LISTENER, "stray", { protocol: "HTTP", defaultActions: [{ type: "fixed-response", redirect: { protocol: "HTTPS" } }] }),
            resource(LISTENER, "two", { protocol: "HTTP", defaultActions: [{ type: "authenticate-oidc" }, { type: "redirect", redirect: { protocol: "HTTPS" } }] }),
            resource(LISTENER, "untyped", { protocol: "HTTP", defaultActions: [{ redirect: { protocol: "HTTPS" } }] }),
        ];
        expect(await messagesOf(resources)).toEqual([
            "Load balancer listener to-http: HTTP listener's default action is not a single redirect to HTTPS (redirect).",
            "Load balancer listener stray: HTTP listener's default action is not a single redirect to HTTPS (fixed-response).",
            "Load balancer listener two: HTTP listener's default action is not a single redirect to HTTPS (authenticate-oidc, redirect).",
            "Load balancer listener untyped: HTTP listener's default action is not a single redirect to HTTPS (?).",
        ]);
    });
});
