import { sharedGatewayParentRef } from "../components/gateway";
import { Plan, STACKS, find, k8sObjects, plan, planError } from "./harness";
import { validateObjects } from "./models";

const CERT = {
    dev: "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111",
    stage: "arn:aws:acm:ap-northeast-2:123456789012:certificate/22222222-2222-4222-8222-222222222222",
    prod: "arn:aws:acm:ap-northeast-2:123456789012:certificate/33333333-3333-4333-8333-333333333333",
} as const;
const HOSTNAME = { dev: "*.dev.example.com", stage: "*.stage.example.com", prod: "*.example.com" } as const;
const TLS13_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const SECOND_CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/44444444-4444-4444-8444-444444444444";

/** A `gateway=<json>` override: prod's gateway with some fields replaced. */
function gatewaySet(overrides: Record<string, unknown>): string {
    const base = {
        name: "public-gateway",
        namespace: "gateway-system",
        hostname: "*.example.com",
        certificateArns: [CERT.prod],
        scheme: "internet-facing",
        sslPolicy: TLS13_POLICY,
        allowedRoutes: "Selector",
    };
    return `gateway=${JSON.stringify({ ...base, ...overrides })}`;
}

function one(p: Plan, kind: string): Record<string, any> {
    const objects = k8sObjects(p, kind);
    if (objects.length !== 1) throw new Error(`expected one ${kind}, found ${objects.length}`);
    return objects[0];
}

function httpsListener(p: Plan): Record<string, any> {
    return one(p, "Gateway").spec.listeners.find((l: { name: string }) => l.name === "https");
}

describe("SharedGateway", () => {
    test.each(STACKS)("%s: every Gateway, GatewayClass and HTTPRoute validates against the Gateway API v1 schema", async (stack) => {
        const p = await plan(stack);
        const objects = ["GatewayClass", "Gateway", "HTTPRoute"].flatMap((kind) => k8sObjects(p, kind));
        expect(objects.length).toBeGreaterThanOrEqual(3);
        const results = await validateObjects(objects);
        expect(results.filter((r) => r.error !== null)).toEqual([]);
        expect(results.map((r) => r.kind)).toEqual(expect.arrayContaining(["GatewayClass", "Gateway", "HTTPRoute"]));
    });

    test.each(STACKS)("%s: GatewayClass alb for the ALB controller", async (stack) => {
        const gc = one(await plan(stack), "GatewayClass");
        expect(gc.apiVersion).toBe("gateway.networking.k8s.io/v1");
        expect(gc.metadata.name).toBe("alb");
        expect(gc.spec.controllerName).toBe("gateway.k8s.aws/alb");
    });

    test.each(STACKS)("%s: LoadBalancerConfiguration: internet-facing, HTTPS:443 with the certificate and a TLS 1.3 policy", async (stack) => {
        const p = await plan(stack);
        const lbc = one(p, "LoadBalancerConfiguration");
        expect(lbc.apiVersion).toBe("gateway.k8s.aws/v1");
        expect(lbc.metadata).toEqual({ name: "public-gateway-alb", namespace: "gateway-system" });
        expect(lbc.spec.scheme).toBe("internet-facing");
        expect(lbc.spec.listenerConfigurations).toEqual([{ protocolPort: "HTTPS:443", defaultCertificate: CERT[stack], sslPolicy: TLS13_POLICY }]);
        // Access logs to the stack's own bucket; ELB deletion protection where the stack protects its resources (prod).
        expect(lbc.spec.loadBalancerAttributes).toEqual([
            { key: "routing.http.drop_invalid_header_fields.enabled", value: "true" },
            { key: "deletion_protection.enabled", value: stack === "prod" ? "true" : "false" },
            { key: "access_logs.s3.enabled", value: "true" },
            { key: "access_logs.s3.bucket", value: `service-${stack}-alb-logs-123456789012-ap-northeast-2` },
        ]);
        expect(lbc.spec.wafV2).toBeUndefined();
        expect(lbc.spec.tags).toMatchObject({ environment: stack });
    });

    test.each(STACKS)("%s: Gateway: HTTPS 443 and HTTP 80 on the wildcard hostname, ALB settings from the LoadBalancerConfiguration", async (stack) => {
        const p = await plan(stack);
        const gw = one(p, "Gateway");
        expect(gw.metadata).toMatchObject({ name: "public-gateway", namespace: "gateway-system" });
        expect(gw.metadata.annotations["pulumi.com/waitFor"]).toBe("condition=Programmed");
        // The seed's Gateway: gatewayClassName alb.
        expect(gw.spec.gatewayClassName).toBe("alb");
        expect(gw.spec.infrastructure.parametersRef).toEqual({ group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "public-gateway-alb" });
        const listeners = gw.spec.listeners.map((l: Record<string, unknown>) => ({ name: l.name, protocol: l.protocol, port: l.port, hostname: l.hostname }));
        expect(listeners).toEqual([
            { name: "https", protocol: "HTTPS", port: 443, hostname: HOSTNAME[stack] },
            { name: "http", protocol: "HTTP", port: 80, hostname: HOSTNAME[stack] },
        ]);
        // Certificates are ACM ARNs on the LoadBalancerConfiguration: the controller does not support certificateRefs.
        expect(gw.spec.listeners.every((l: Record<string, unknown>) => l.tls === undefined)).toBe(true);
    });

    test.each(STACKS)("%s: the HTTP listener's only route redirects to HTTPS with 301", async (stack) => {
        const p = await plan(stack);
        const gw = one(p, "Gateway");
        const http = gw.spec.listeners.find((l: { name: string }) => l.name === "http");
        expect(http.allowedRoutes.namespaces).toEqual({ from: "Same" });
        // Gateway API: empty kinds means every kind the listener protocol supports (GRPCRoute too, where implemented).
        expect(http.allowedRoutes.kinds).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }]);
        const routes = k8sObjects(p, "HTTPRoute").filter((r) =>
            (r.spec.parentRefs ?? []).some((ref: Record<string, string>) => ref.name === "public-gateway" && ref.sectionName === "http"),
        );
        expect(routes).toHaveLength(1);
        const [redirect] = routes;
        expect(redirect.metadata.namespace).toBe("gateway-system");
        // A Kubernetes object name: a DNS-1123 subdomain (an empty name is refused by the API server).
        expect(redirect.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
        expect(redirect.spec.rules).toEqual([{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }]);
    });

    test.each(STACKS)("%s: allowedRoutes is a namespace Selector on the platform's route label", async (stack) => {
        const https = httpsListener(await plan(stack));
        expect(https.allowedRoutes.namespaces).toEqual({
            from: "Selector",
            selector: { matchLabels: { "platform/gateway-routes": "enabled" } },
        });
        expect(https.allowedRoutes.kinds).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }]);
    });

    test.each([["All"], ["Same"]])("allowedRoutes %s where config says so", async (mode) => {
        const https = httpsListener(await plan("prod", gatewaySet({ allowedRoutes: mode })));
        expect(https.allowedRoutes.namespaces).toEqual({ from: mode });
    });

    test("further certificates, an internal scheme and an access-log prefix", async () => {
        const p = await plan("prod", gatewaySet({ certificateArns: [CERT.prod, SECOND_CERT], scheme: "internal", accessLogs: { prefix: "gateway/prod" } }));
        const lbc = one(p, "LoadBalancerConfiguration");
        expect(lbc.spec.scheme).toBe("internal");
        expect(lbc.spec.listenerConfigurations).toEqual([
            { protocolPort: "HTTPS:443", defaultCertificate: CERT.prod, certificates: [SECOND_CERT], sslPolicy: TLS13_POLICY },
        ]);
        expect(lbc.spec.loadBalancerAttributes).toEqual(
            expect.arrayContaining([
                { key: "access_logs.s3.enabled", value: "true" },
                { key: "access_logs.s3.bucket", value: "service-prod-alb-logs-123456789012-ap-northeast-2" },
                { key: "access_logs.s3.prefix", value: "gateway/prod" },
            ]),
        );
        expect((await validateObjects(k8sObjects(p, "Gateway"))).map((r) => r.error)).toEqual([null]);
    });

    test.each(STACKS)("%s: custom resources depend on the CRD installs and the Gateway on the running controller", async (stack) => {
        const p = await plan(stack);
        const crds = ["gateway-api-crds", "elbv2-crds", "gateway-crds"].map((n) => find(p, "kubernetes:yaml/v2:ConfigFile", `aws-load-balancer-controller-${n}`).urn);
        for (const [type, name] of [
            ["kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "gateway-class"],
            ["kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", "gateway-lb-config"],
            ["kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway"],
            ["kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "gateway-https-redirect"],
        ]) {
            expect(find(p, type, name).dependencies).toEqual(expect.arrayContaining(crds));
        }
        expect(find(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway").dependencies).toEqual(
            expect.arrayContaining([
                find(p, "kubernetes:helm.sh/v3:Release", "aws-load-balancer-controller").urn,
                find(p, "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", "gateway-lb-config").urn,
                find(p, "kubernetes:core/v1:Namespace", "gateway-ns").urn,
            ]),
        );
    });

    test("the Gateway waits 20 minutes to be Programmed (an ALB takes minutes to provision), its redirect route the default", async () => {
        const p = await plan("prod");
        // Custom timeouts are Go duration strings; without them the provider's own await timeout applies.
        expect(find(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway").customTimeouts).toEqual({ create: "20m", update: "20m" });
        expect(find(p, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "gateway-https-redirect").customTimeouts).toBeUndefined();
    });

    test("outputs: Gateway name and namespace, hostnames, and the ALB DNS name from the Gateway's status", async () => {
        const { outputs } = await plan("prod");
        expect(outputs.gatewayName).toBe("public-gateway");
        expect(outputs.gatewayNamespace).toBe("gateway-system");
        expect(outputs.gatewayHostnames).toEqual(["*.example.com"]);
        expect(outputs.albDnsName).toMatch(/\.ap-northeast-2\.elb\.amazonaws\.com$/);
    });

    test("parentRef helper for application routes points at the HTTPS listener", () => {
        expect(sharedGatewayParentRef({ name: "public-gateway", namespace: "gateway-system" })).toEqual({
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: "public-gateway",
            namespace: "gateway-system",
            sectionName: "https",
        });
    });

    describe("bad gateway config is a config error naming the key", () => {
        test.each([
            ["a certificate that is not an ACM ARN", { certificateArns: ["arn:aws:iam::123456789012:server-certificate/legacy"] }, "'gateway.certificateArns[0]'"],
            ["a certificate listed twice", { certificateArns: [CERT.prod, CERT.prod] }, "'gateway.certificateArns[1]'"],
            ["a certificate from another region", { certificateArns: [CERT.prod.replace("ap-northeast-2", "us-east-1")] }, "'gateway.certificateArns[0]'"],
            ["a hostname that is not a DNS name", { hostname: "https://example.com" }, "'gateway.hostname'"],
            ["a wildcard in the middle", { hostname: "api.*.example.com" }, "'gateway.hostname'"],
            ["an unknown scheme", { scheme: "public" }, "'gateway.scheme'"],
            ["an unknown allowedRoutes mode", { allowedRoutes: "Any" }, "'gateway.allowedRoutes'"],
            ["an access-log prefix with a leading slash", { accessLogs: { prefix: "/alb" } }, "'gateway.accessLogs.prefix'"],
            ["an access-log bucket of one's own (the stack makes its own)", { accessLogs: { bucket: "alb-logs" } }, "unknown key 'gateway.accessLogs.bucket'"],
            ["a log retention of zero days", { accessLogs: { retentionDays: 0 } }, "'gateway.accessLogs.retentionDays' is 0, expected ≥ 1"],
            ["a web ACL that is not a regional WAFv2 ARN", { webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/0d8b4b1e-5b8e-4c3c-9c1f-1d2e3f4a5b6c" }, "'gateway.webAclArn'"],
            ["a web ACL of another region", { webAclArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/app/0d8b4b1e-5b8e-4c3c-9c1f-1d2e3f4a5b6c" }, "'gateway.webAclArn' is in region us-east-1, expected a web ACL in the stack's region ap-northeast-2"],
        ])("%s", async (_why, overrides, key) => {
            const err = await planError("prod", gatewaySet(overrides));
            expect(err.name).toBe("ConfigError");
            expect(err.message).toContain(key);
            expect((err as Error & { registered?: string[] }).registered ?? []).toEqual([]);
        });

        test("an unknown scheme lists the allowed ones", async () => {
            const err = await planError("prod", gatewaySet({ scheme: "public" }));
            expect(err.message).toContain(`'gateway.scheme' is "public", expected one of "internet-facing", "internal"`);
        });
    });
});
