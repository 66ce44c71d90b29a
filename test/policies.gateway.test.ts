/**
 * gateway-https-tls-policy on what the load balancer controller reads, and only that: LoadBalancerConfiguration
 * (group gateway.k8s.aws, any version) `spec.listenerConfigurations[].protocolPort` in the controller's `HTTPS:443`
 * form (aws-load-balancer-controller docs, "LoadBalancerConfiguration", listenerConfigurations), a Gateway's
 * `spec.infrastructure.parametersRef` naming one (Gateway API v1.3, GatewayInfrastructure.parametersRef).
 */
import { albAccessLogs, gatewayHttpsTlsPolicy, gatewayRouteSelectorNotEmpty, isAlbGateway, isTls12OrNewer } from "../policies/gateway";
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
