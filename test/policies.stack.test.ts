/**
 * kubernetes-explicit-provider on the resources that may name no provider: the Kubernetes SDK's component resources
 * (their children carry the provider), by the type tokens @pulumi/kubernetes 4.34.2 registers them under
 * (`static __pulumiType` of helm/v3/helm.js Chart, helm/v4 Chart, yaml ConfigFile/ConfigGroup and their v2,
 * kustomize Directory and its v2). And the engine's default providers: named `default` or `default_<version>`,
 * and any provider whose name starts with `default` counts as one (pulumi/pulumi pkg/resource/deploy/providers
 * IsDefaultProvider: `strings.HasPrefix(urn.Name().String(), "default")`).
 */
import { bluegreenBackendsHaveReplicas, bluegreenColors, kubernetesExplicitProvider } from "../policies/stack";
import type { PlannedResource } from "../plan/harness";
import { STACK_URN, check, resource, urnOf } from "./policyHarness";

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

describe("kubernetes-explicit-provider: a provider of another package", () => {
    test("a Kubernetes resource whose provider is an AWS provider is refused, by name and type", async () => {
        const aws = resource("pulumi:providers:aws", "us-east-1", { region: "us-east-1" });
        const ns = resource("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "apps" } }, { provider: `${aws.urn}::id` });
        expect((await check(kubernetesExplicitProvider, [aws, ns])).map((v) => [v.urn, v.message])).toEqual([
            [ns.urn, "kubernetes:core/v1:Namespace apps uses provider us-east-1 of type pulumi:providers:aws, not a Kubernetes provider."],
        ]);
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

// ---------------------------------------------------------------------------------------------------------------------
// Blue/green applications as the BlueGreenService component renders them: per color a Deployment whose pods carry
// app and color, and a Service selecting both; an HTTPRoute weighting the color Services.
// ---------------------------------------------------------------------------------------------------------------------

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

function deployment(ns: string, app: string, color: string, replicas = 2, name = `${app}-${color}`): PlannedResource {
    const labels = { app, color };
    return resource(DEPLOYMENT, `${ns}-${name}`, {
        metadata: { name, namespace: ns, labels },
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [] } } },
    });
}

function service(ns: string, name: string, selector: Record<string, string>, labels: Record<string, string> = selector): PlannedResource {
    return resource(SERVICE, `${ns}-${name}`, { metadata: { name, namespace: ns, labels }, spec: { selector } });
}

function route(ns: string, name: string, backendRefs: object[], labels: Record<string, string> = {}): PlannedResource {
    return resource(HTTPROUTE, `${ns}-${name}`, { metadata: { name, namespace: ns, labels }, spec: { rules: [{ backendRefs }] } });
}

/** One application, both colors, a route sending `weights` to the color Services. */
function app(ns: string, name: string, weights: { blue: number; green: number }): PlannedResource[] {
    return [
        deployment(ns, name, "blue"),
        deployment(ns, name, "green"),
        service(ns, `${name}-blue`, { app: name, color: "blue" }),
        service(ns, `${name}-green`, { app: name, color: "green" }),
        route(ns, name, [
            { name: `${name}-blue`, port: 80, weight: weights.blue },
            { name: `${name}-green`, port: 80, weight: weights.green },
        ]),
    ];
}

const found = async (policy: Parameters<typeof check>[0], resources: PlannedResource[]) => (await check(policy, resources)).map((v) => [v.urn, v.message]);

describe("bluegreen-backends-have-replicas: backend refs and selector-mode Services", () => {
    const blueAtZero = [deployment("api", "api", "blue", 0), service("api", "api-blue", { app: "api", color: "blue" })];

    // Gateway API BackendObjectReference: group "" (core) and kind Service by default; anything else is another object.
    test.each([
        [{ group: "", kind: "ServiceImport" }],
        [{ group: "mirror.example.com", kind: "Service" }],
    ])("a backendRef to %j is not the core Service of that name", async (ref) => {
        const r = route("api", "api", [{ ...ref, name: "api-blue", port: 80 }], { app: "api" });
        expect(await check(bluegreenBackendsHaveReplicas, [...blueAtZero, r])).toEqual([]);
        const core = route("api", "api", [{ group: "", kind: "Service", name: "api-blue", port: 80 }], { app: "api" });
        expect((await check(bluegreenBackendsHaveReplicas, [...blueAtZero, core])).map((v) => v.message)).toEqual([
            "HTTPRoute api/api sends traffic (weight 1) to Service api/api-blue, whose color blue has 0 replicas (Deployment api/api-blue).",
        ]);
    });

    test("a color is served while any of its Deployments keeps a replica", async () => {
        const canary = deployment("api", "api", "blue", 1, "api-blue-canary");
        expect(await check(bluegreenBackendsHaveReplicas, [...blueAtZero, canary, route("api", "api", [{ name: "api-blue", port: 80 }])])).toEqual([]);
    });

    test("a color Service (its labels carry its color) is not a selector-mode Service: without a route it carries no traffic", async () => {
        expect(await check(bluegreenBackendsHaveReplicas, blueAtZero)).toEqual([]);
    });

    test("a Service that selects no color is not a selector-mode Service, whatever its own labels", async () => {
        expect(await check(bluegreenBackendsHaveReplicas, [service("api", "api-all", { app: "api" }, { app: "api", color: "blue" })])).toEqual([]);
    });

    test("only Services are selector-mode Services: a ReplicationController's selector is a label map too (core/v1)", async () => {
        // ReplicationControllerSpec.selector is a map[string]string like ServiceSpec.selector; it selects pods, it does
        // not carry traffic, whatever colors it names.
        const rc = resource("kubernetes:core/v1:ReplicationController", "api-legacy", {
            metadata: { name: "legacy", namespace: "api", labels: { app: "api" } },
            spec: { replicas: 1, selector: { app: "api", color: "blue" }, template: { metadata: { labels: { app: "api", color: "blue" } }, spec: { containers: [] } } },
        });
        expect(await check(bluegreenBackendsHaveReplicas, [rc])).toEqual([]);
    });

    test("a selector-mode Service selecting the empty color (a valid label value) names its whole selector", async () => {
        const stable = service("api", "api", { app: "api", color: "" }, { app: "api" });
        expect(await found(bluegreenBackendsHaveReplicas, [deployment("api", "api", "blue"), stable])).toEqual([
            [stable.urn, 'Service api/api (selector mode) selects selector {"app":"api","color":""}, which has no Deployment in the stack.'],
        ]);
    });
});

describe("bluegreen-colors: which objects make an application, and how its routes are weighed", () => {
    test("a complete application with one active color passes", async () => {
        expect(await check(bluegreenColors, app("api", "api", { blue: 100, green: 0 }))).toEqual([]);
    });

    test("the active color is the heaviest whichever color the route names first", async () => {
        expect(await check(bluegreenColors, app("api", "api", { blue: 0, green: 100 }))).toEqual([]);
        expect(await check(bluegreenColors, app("api", "api", { blue: 10, green: 90 }))).toEqual([]);
    });

    test("a missing color is reported on the other color's Deployment, naming the color", async () => {
        const blue = deployment("api", "api", "blue");
        const resources = [blue, service("api", "api-blue", { app: "api", color: "blue" }), route("api", "api", [{ name: "api-blue", port: 80 }])];
        expect(await found(bluegreenColors, resources)).toEqual([
            [blue.urn, "Blue/green application api/api has no green Deployment: both colors must exist so that a switch or rollback has somewhere to go."],
        ]);
    });

    test("color Services without any Deployment still name their application, reported on the stack", async () => {
        const resources = [service("api", "api-blue", { app: "api", color: "blue" }), service("api", "api-green", { app: "api", color: "green" })];
        expect(await found(bluegreenColors, resources)).toEqual([
            [STACK_URN, "Blue/green application api/api has no blue or green Deployment: both colors must exist so that a switch or rollback has somewhere to go."],
            [STACK_URN, "Blue/green application api/api has no production HTTPRoute: no color is active."],
        ]);
    });

    test("only Deployments with app and a blue or green color are colors; only Services are color Services", async () => {
        const others = [
            resource(DEPLOYMENT, "worker", { metadata: { name: "worker", namespace: "api" }, spec: { template: { metadata: { labels: { app: "worker" } }, spec: { containers: [] } } } }),
            deployment("api", "api", "canary"),
            service("api", "web", { app: "web" }),
            // A StatefulSet's pods and a ReplicationController's selector carry the same labels: neither is a color.
            resource("kubernetes:apps/v1:StatefulSet", "api-stateful", {
                metadata: { name: "api-green", namespace: "api" },
                spec: { selector: { matchLabels: { app: "api", color: "green" } }, template: { metadata: { labels: { app: "api", color: "green" } }, spec: { containers: [] } } },
            }),
            resource("kubernetes:core/v1:ReplicationController", "legacy", { metadata: { name: "legacy", namespace: "legacy" }, spec: { selector: { app: "legacy", color: "blue" } } }),
        ];
        const blue = deployment("api", "api", "blue");
        expect(await found(bluegreenColors, [...others, blue, service("api", "api-blue", { app: "api", color: "blue" }), route("api", "api", [{ name: "api-blue", port: 80 }])])).toEqual([
            [blue.urn, "Blue/green application api/api has no green Deployment: both colors must exist so that a switch or rollback has somewhere to go."],
        ]);
    });

    test("an application's routes are those to its own Services: same app in another namespace, or another app, do not count", async () => {
        const elsewhere = [deployment("other", "api", "blue"), deployment("other", "api", "green")];
        const web = [deployment("api", "web", "blue"), deployment("api", "web", "green")];
        expect(await found(bluegreenColors, [...app("api", "api", { blue: 100, green: 0 }), ...elsewhere, ...web])).toEqual([
            [elsewhere[0].urn, "Blue/green application other/api has no production HTTPRoute: no color is active."],
            [web[0].urn, "Blue/green application api/web has no production HTTPRoute: no color is active."],
        ]);
    });

    test("a production route to Services selecting both colors is reported on that route, naming each", async () => {
        const stable = route("api", "api", [{ name: "api", port: 80 }, { name: "api-all", port: 80 }]);
        const resources = [deployment("api", "api", "blue"), deployment("api", "api", "green"), service("api", "api", { app: "api" }), service("api", "api-all", { app: "api" }), stable];
        expect(await found(bluegreenColors, resources)).toEqual([
            [stable.urn, "Blue/green application api/api: its production route sends traffic to api/api, api/api-all, which selects both colors."],
        ]);
    });
});
