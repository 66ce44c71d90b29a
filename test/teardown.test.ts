/**
 * `pulumi destroy` must never hang on a finalizer or leave billable resources behind: the order it deletes in is
 * derived from the plan's dependency graph the way the engine does it (`plan/graph.ts`, a port of pulumi/pulumi's
 * `DependencyGraph.DependenciesOf` and `stepGenerator.ScheduleDeletes`), and checked pair by pair.
 */
import { dependenciesOf, destroySchedule, destroyStep } from "../plan/graph";
import type { Plan, PlannedResource } from "../plan/harness";
import { find, ofType, plan, STACKS } from "./harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const LBC = "aws-load-balancer-controller";
const KARPENTER = "karpenter-controller";

/** A synthetic resource for the engine-rule tests. */
function res(urn: string, extra: Partial<PlannedResource> = {}): PlannedResource {
    return { urn, type: "test:index:Res", name: urn, parent: undefined, provider: undefined, providers: {}, custom: true, protect: false, inputs: {}, dependencies: [], ...extra };
}

function planOf(resources: PlannedResource[]): Plan {
    return { project: "p", stack: "s", config: {}, resources, outputs: {} };
}

describe("destroy order: the engine's rules", () => {
    // pulumi/pulumi dependency_graph_rapid_test.go: expectedDependenciesOf = union(isParent, hasProvider, hasDependency).
    test("a resource depends on its parent, its provider and its dependencies", () => {
        const p = planOf([
            res("prov"),
            res("comp", { custom: false }),
            res("a", { parent: "comp", provider: "prov::prov-id" }),
            res("b", { dependencies: ["a"] }),
        ]);
        const g = dependenciesOf(p);
        expect([...g.get("a")!].sort()).toEqual(["comp", "prov"]);
        expect([...g.get("b")!]).toEqual(["a"]);
    });

    test("depending on a component means depending on its children registered before (DependenciesOf)", () => {
        const p = planOf([res("comp", { custom: false }), res("child", { parent: "comp" }), res("user", { dependencies: ["comp"] })]);
        expect([...dependenciesOf(p).get("user")!].sort()).toEqual(["child", "comp"]);
    });

    test("dependents are deleted first; unrelated resources share an antichain (ScheduleDeletes)", () => {
        const p = planOf([res("db"), res("app", { dependencies: ["db"] }), res("other")]);
        expect(destroySchedule(p).map((chain) => chain.map((r) => r.urn).sort())).toEqual([["app"], ["db", "other"]]);
    });
});

describe.each(STACKS)("%s: pulumi destroy", (stack) => {
    let p: Plan;
    let step: Map<string, number>;
    beforeAll(async () => {
        p = await plan(stack);
        step = destroyStep(p);
    });
    const urnOf = (type: string, name: string) => find(p, type, name).urn;
    const kubernetesKinds = (group: string) => p.resources.filter((r) => r.custom && r.type.startsWith(`kubernetes:${group}/`));
    /** Asserts that `first` is deleted in an earlier antichain than `then`. */
    const deletedBefore = (first: PlannedResource[], then: PlannedResource) => {
        expect(first.length).toBeGreaterThan(0);
        for (const r of first) expect([`${r.type} ${r.name}`, step.get(r.urn)! < step.get(then.urn)!]).toEqual([`${r.type} ${r.name}`, true]);
    };

    test("GatewayClass and LoadBalancerConfiguration (controller finalizers) depend on the controller release", () => {
        const release = urnOf(RELEASE, LBC);
        for (const [type, name] of [
            ["kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "gateway-class"],
            ["kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", "gateway-lb-config"],
            ["kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway"],
        ]) {
            expect([name, find(p, type, name).dependencies]).toEqual([name, expect.arrayContaining([release])]);
        }
    });

    test("everything carrying the load balancer controller's finalizers, every route and target group config, goes before it", () => {
        const release = find(p, RELEASE, LBC);
        deletedBefore(kubernetesKinds("gateway.networking.k8s.io"), release);
        deletedBefore(kubernetesKinds("gateway.k8s.aws"), release);
        // Pods carry readiness gates the controller's webhook injected; they go while it still runs.
        deletedBefore(ofType(p, "kubernetes:apps/v1:Deployment"), release);
    });

    test("NodePools and the EC2NodeClass go before Karpenter, which terminates their nodes; application pods before their nodes", () => {
        const controller = find(p, RELEASE, KARPENTER);
        const pools = kubernetesKinds("karpenter.sh");
        const nodeClasses = kubernetesKinds("karpenter.k8s.aws");
        deletedBefore([...pools, ...nodeClasses], controller);
        // The EC2NodeClass finalizer waits for the NodeClaims launched from it: the pools go first.
        deletedBefore(pools, nodeClasses[0]);
        for (const pool of pools) deletedBefore(ofType(p, "kubernetes:apps/v1:Deployment"), pool);
        // Karpenter's nodes still need their role, access entry and interruption queue until they are gone.
        deletedBefore([controller], find(p, "aws:sqs/queue:Queue", "karpenter-interruption"));
        deletedBefore([...nodeClasses], find(p, "aws:iam/role:Role", "karpenter-node"));
        deletedBefore([...nodeClasses], find(p, "aws:eks/accessEntry:AccessEntry", "karpenter-node"));
    });

    test("CRDs go last: after every custom resource of their kinds and after both controllers", () => {
        const crdInstalls = [
            ...ofType(p, "kubernetes:yaml/v2:ConfigFile"),
            ...ofType(p, "kubernetes:helm.sh/v4:Chart").filter((c) => c.name === "karpenter-crds"),
        ];
        expect(crdInstalls.map((c) => c.name).sort()).toEqual([
            "aws-load-balancer-controller-elbv2-crds",
            "aws-load-balancer-controller-gateway-api-crds",
            "aws-load-balancer-controller-gateway-crds",
            "karpenter-crds",
        ]);
        // Objects of the kinds those CRDs define (NetworkPolicy, also networking.k8s.io, is built in).
        const crdGroups = ["gateway.networking.k8s.io", "gateway.k8s.aws", "elbv2.k8s.aws", "karpenter.sh", "karpenter.k8s.aws"];
        const customResources = p.resources.filter((r) => r.custom && crdGroups.some((g) => r.type.startsWith(`kubernetes:${g}/`)));
        for (const crds of crdInstalls) deletedBefore([...customResources, find(p, RELEASE, LBC), find(p, RELEASE, KARPENTER)], crds);
    });

    test("controllers before the system nodes they run on; nodes before the cluster; the cluster before the VPC", () => {
        const nodeGroup = find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        deletedBefore([find(p, RELEASE, LBC), find(p, RELEASE, KARPENTER)], nodeGroup);
        const cluster = find(p, "eks:index:Cluster", "cluster-eks");
        deletedBefore([nodeGroup, ...ofType(p, "aws:eks/addon:Addon")], cluster);
        deletedBefore([cluster], find(p, "awsx:ec2:Vpc", "network-vpc"));
        // Every Kubernetes object before the provider that reaches the cluster, and that before the cluster.
        const k8sProvider = find(p, "pulumi:providers:kubernetes", "cluster-k8s");
        deletedBefore(p.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")), k8sProvider);
    });

    test("namespaces after the objects in them", () => {
        deletedBefore([find(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway")], find(p, "kubernetes:core/v1:Namespace", "gateway-ns"));
        const appNamespaces = ofType(p, "kubernetes:core/v1:Namespace").filter((n) => n.name.startsWith("app-"));
        for (const ns of appNamespaces) {
            deletedBefore(p.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.dependencies.includes(ns.urn)), ns);
        }
    });
});
