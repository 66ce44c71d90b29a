/**
 * kubernetes-explicit-provider on the resources that may name no provider: the Kubernetes SDK's component resources
 * (their children carry the provider), by the type tokens @pulumi/kubernetes 4.34.2 registers them under
 * (`static __pulumiType` of helm/v3/helm.js Chart, helm/v4 Chart, yaml ConfigFile/ConfigGroup and their v2,
 * kustomize Directory and its v2). And the engine's default providers: named `default` or `default_<version>`,
 * and any provider whose name starts with `default` counts as one (pulumi/pulumi pkg/resource/deploy/providers
 * IsDefaultProvider: `strings.HasPrefix(urn.Name().String(), "default")`).
 */
import { bluegreenBackendsHaveReplicas, kubernetesExplicitProvider } from "../policies/stack";
import { check, resource, urnOf } from "./policyHarness";

const COMPONENT_TYPES = [
    "kubernetes:helm.sh/v3:Chart",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml:ConfigGroup",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:kustomize:Directory",
    "kubernetes:kustomize/v2:Directory",
];

describe("kubernetes-explicit-provider: components and default providers", () => {
    test.each(COMPONENT_TYPES)("%s may name no provider", async (type) => {
        expect(await check(kubernetesExplicitProvider, [resource(type, "bundle", {}, { provider: "", custom: false })])).toEqual([]);
    });

    test("other Kubernetes types, custom or not, may not", async () => {
        const violations = await check(kubernetesExplicitProvider, [
            resource("kubernetes:helm.sh/v3:Release", "release", {}, { provider: "" }),
            resource("kubernetes:helm.sh/v2:Chart", "old-chart", {}, { provider: "", custom: false }),
        ]);
        expect(violations.map((v) => v.urn)).toEqual([urnOf("kubernetes:helm.sh/v3:Release", "release"), urnOf("kubernetes:helm.sh/v2:Chart", "old-chart")]);
    });

    test.each([
        ["default", true],
        ["default_4_34_2", true],
        ["default_4_34_2_abc", true],
        ["defaults", true],
        ["Default", false],
        ["my-default", false],
        ["cluster-default_", false],
    ])("a provider named %s is the engine's default: %s", async (name, isDefault) => {
        const provider = urnOf("pulumi:providers:kubernetes", name);
        const violations = await check(kubernetesExplicitProvider, [
            resource("pulumi:providers:kubernetes", name, { kubeconfig: "{}" }),
            resource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "apps" } }, { provider: `${provider}::id` }),
        ]);
        expect(violations.map((v) => v.message)).toEqual(
            isDefault ? [`kubernetes:core/v1:Namespace apps uses the default Kubernetes provider (${name}): pass the cluster's provider explicitly.`] : [],
        );
    });
});

describe("bluegreen-backends-have-replicas: which routes and Services it reads", () => {
    // Routes of blue/green application api (its color Service names it).
    const blue = resource("kubernetes:core/v1:Service", "api-blue", { metadata: { name: "api-blue", namespace: "api", labels: { app: "api", color: "blue" } }, spec: { selector: { app: "api", color: "blue" } } });

    // Gateway API BackendObjectReference: without `namespace`, the route's own namespace.
    test("a Service of that name in another namespace is not the backend", async () => {
        const route = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "api-route", {
            metadata: { name: "api", namespace: "api", labels: { app: "api" } },
            spec: { rules: [{ backendRefs: [{ group: "", kind: "Service", name: "shared", port: 80 }] }] },
        });
        const elsewhere = resource("kubernetes:core/v1:Service", "shared", { metadata: { name: "shared", namespace: "other" }, spec: { selector: { app: "shared" } } });
        const violations = await check(bluegreenBackendsHaveReplicas, [blue, route, elsewhere]);
        expect(violations.map((v) => v.message)).toEqual(["HTTPRoute api/api sends traffic to Service api/shared, which is not in the stack."]);
    });

    test("only backendRefs to Services (kind unset or Service, core group): a ServiceImport is another object", async () => {
        const route = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "api-route", {
            metadata: { name: "api", namespace: "api", labels: { app: "api" } },
            spec: { rules: [{ backendRefs: [{ group: "multicluster.x-k8s.io", kind: "ServiceImport", name: "remote", port: 80 }] }] },
        });
        expect(await check(bluegreenBackendsHaveReplicas, [blue, route])).toEqual([]);
    });

    test("a color with several Deployments at 0 replicas names them all", async () => {
        const deployment = (name: string) =>
            resource("kubernetes:apps/v1:Deployment", name, {
                metadata: { name, namespace: "api", labels: { app: "api", color: "blue" } },
                spec: { replicas: 0, selector: { matchLabels: { app: "api", color: "blue" } }, template: { metadata: { labels: { app: "api", color: "blue" } }, spec: { containers: [] } } },
            });
        const route = resource("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "api-route", {
            metadata: { name: "api", namespace: "api", labels: { app: "api" } },
            spec: { rules: [{ backendRefs: [{ name: "api-blue", port: 80 }] }] },
        });
        const violations = await check(bluegreenBackendsHaveReplicas, [blue, deployment("api-blue"), deployment("api-blue-canary"), route]);
        expect(violations.map((v) => v.message)).toEqual([
            "HTTPRoute api/api sends traffic (weight 1) to Service api/api-blue, whose color blue has 0 replicas (Deployment api/api-blue, api/api-blue-canary).",
        ]);
    });

    test("only HTTPRoutes are read (the policy's scope): a GRPCRoute of the same application is not", async () => {
        const grpc = resource("kubernetes:gateway.networking.k8s.io/v1:GRPCRoute", "api-grpc", {
            metadata: { name: "api-grpc", namespace: "api", labels: { app: "api" } },
            spec: { rules: [{ backendRefs: [{ group: "", kind: "Service", name: "missing", port: 80 }] }] },
        });
        expect(await check(bluegreenBackendsHaveReplicas, [blue, grpc])).toEqual([]);
    });
});
