/**
 * Kubernetes semantics the policies rely on, from the Kubernetes API reference: LabelSelector (`matchLabels` AND
 * `matchExpressions`; operators In, NotIn, Exists, DoesNotExist; "NotIn" also matches objects without the key), and
 * IntOrString percentages of PodDisruptionBudgets, scaled and rounded up as the disruption controller does
 * (GetScaledValueFromIntOrPercent with roundUp). The pack reads pod labels through these.
 */
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource } from "@pulumi/policy";
import { deploymentsSelectedBy, hpaFor, isKubeKind, matchesSelector, minimumReplicas, objectName, scaledValue, selects } from "../policies/kube";
import { pdbAllowsDisruption } from "../policies/workloads";
import { UNKNOWN, messages, resource } from "./policyHarness";

const POD = { app: "api", color: "blue", tier: "web" };

describe("matchesSelector (LabelSelector)", () => {
    test.each([
        [{ matchLabels: { app: "api" } }, true],
        [{ matchLabels: { app: "api", color: "green" } }, false],
        [{ matchExpressions: [{ key: "color", operator: "In", values: ["blue", "green"] }] }, true],
        [{ matchExpressions: [{ key: "color", operator: "In", values: ["green"] }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, false],
        [{ matchExpressions: [{ key: "color", operator: "NotIn", values: ["green"] }] }, true],
        [{ matchExpressions: [{ key: "color", operator: "NotIn", values: ["blue"] }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
        [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }, false],
        [{ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, true],
        [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
        [{ matchExpressions: [{ key: "tier", operator: "Matches", values: ["web"] }] }, false],
        [{ matchLabels: { app: "api" }, matchExpressions: [{ key: "color", operator: "In", values: ["green"] }] }, false],
        [{ matchLabels: { app: "web" }, matchExpressions: [{ key: "color", operator: "In", values: ["blue"] }] }, false],
        [{ matchLabels: { app: "api" }, matchExpressions: [{ key: "tier", operator: "Exists" }, { key: "zone", operator: "DoesNotExist" }] }, true],
        // Empty: the pack counts it as selecting nothing (a PDB with an empty selector protects no pod it can name).
        [{}, false],
        [{ matchLabels: {}, matchExpressions: [] }, false],
    ])("%j: %s", (selector, expected) => {
        expect(matchesSelector(selector, POD)).toBe(expected);
    });

    test("no selector, no labels", () => {
        expect(matchesSelector(undefined, POD)).toBe(false);
        expect(matchesSelector({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, undefined)).toBe(true);
        expect(matchesSelector({ matchExpressions: [{ key: "zone", operator: "In" }] }, { zone: "a" })).toBe(false);
    });
});

describe("selects (a Service's selector)", () => {
    test("every key must match; an empty selector selects nothing here", () => {
        expect(selects({ app: "api", color: "blue" }, POD)).toBe(true);
        expect(selects({ app: "api", color: "green" }, POD)).toBe(false);
        expect(selects({}, POD)).toBe(false);
        expect(selects(undefined, POD)).toBe(false);
        expect(selects({ app: "api" }, undefined)).toBe(false);
    });
});

describe("scaledValue (IntOrString, rounded up)", () => {
    test.each([
        [2, 10, 2],
        ["2", 10, 2],
        ["25%", 10, 3],
        ["50%", 3, 2],
        ["100%", 7, 7],
        ["0%", 5, 0],
        ["10%", 100, 10],
    ])("%j of %i: %i", (value, total, expected) => {
        expect(scaledValue(value, total)).toBe(expected);
    });

    test.each(["x25%", "25%x", "2x", "x2", "-1", "2.5", ""])("%j is not a count or percentage", (value) => {
        expect(scaledValue(value, 10)).toBeUndefined();
    });
});

/** A resource as a policy sees it (type, Pulumi name, inputs); the helpers below read nothing else. */
function kube(type: string, name: string, props: Record<string, unknown>): PolicyResource {
    return { type, name, urn: `urn:pulumi:test::eks-platform::${type}::${name}`, props } as unknown as PolicyResource;
}

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

const deployment = (name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = { name, namespace: "shop" }) =>
    kube(DEPLOYMENT, name, { metadata, spec: { template: { metadata: { labels: { app: name } } }, ...spec } });

/** An HPA: its scaleTargetRef (a CrossVersionObjectReference: kind and name, no namespace) names an object in its own namespace. */
const hpa = (name: string, target: { kind: string; name: string }, spec: Record<string, unknown> = {}, namespace = "shop", type = HPA) =>
    kube(type, name, { metadata: { name, namespace }, spec: { scaleTargetRef: { apiVersion: "apps/v1", ...target }, maxReplicas: 10, ...spec } });

describe("objectName (namespace/name for messages)", () => {
    test("an object without metadata.namespace is in the default namespace; without metadata.name, the Pulumi name", () => {
        expect(objectName(kube(DEPLOYMENT, "web", { metadata: { name: "api" } }))).toBe("default/api");
        expect(objectName(kube(DEPLOYMENT, "web", {}))).toBe("default/web");
        expect(objectName(kube(DEPLOYMENT, "web", { metadata: { namespace: "shop", name: "api" } }))).toBe("shop/api");
    });

    test("during a preview, a namespace or name not known yet reads [unknown] (the SDK's proxy throws on the sentinel)", () => {
        const props = unknownCheckingProxy({ metadata: { namespace: UNKNOWN, name: UNKNOWN } }) as Record<string, unknown>;
        expect(objectName({ name: "web", props })).toBe("[unknown]/[unknown]");
    });
});

describe("isKubeKind (an object of an API group and kind, any version)", () => {
    test("any version of the group's kind", () => {
        expect(isKubeKind({ type: "kubernetes:autoscaling/v1:HorizontalPodAutoscaler" }, "autoscaling", "HorizontalPodAutoscaler")).toBe(true);
        expect(isKubeKind({ type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" }, "autoscaling", "HorizontalPodAutoscaler")).toBe(true);
        expect(isKubeKind({ type: "kubernetes:policy/v1beta1:PodDisruptionBudget" }, "policy", "PodDisruptionBudget")).toBe(true);
    });

    test("another group's kind of the same name, another kind of the group, patches, lists and malformed tokens are not", () => {
        for (const type of [
            "kubernetes:example.com/v1:HorizontalPodAutoscaler",
            "kubernetes:autoscaling/v1:Scale",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscalerList",
            "xkubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "eks-platform:kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler:extra",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler-x",
        ]) {
            expect([type, isKubeKind({ type }, "autoscaling", "HorizontalPodAutoscaler")]).toEqual([type, false]);
        }
    });
});

describe("hpaFor (scaleTargetRef: kind and name, in the HPA's own namespace)", () => {
    test("finds the HPA naming a Deployment (the default kind) by metadata.name", () => {
        const scaler = hpa("api", { kind: "Deployment", name: "api" });
        expect(hpaFor(deployment("api"), [deployment("api"), scaler])).toBe(scaler);
    });

    test("an auto-named Deployment is named by its Pulumi name; metadata.name wins when set", () => {
        const auto = deployment("web", {}, { namespace: "shop" });
        const byPulumiName = hpa("web", { kind: "Deployment", name: "web" });
        expect(hpaFor(auto, [byPulumiName])).toBe(byPulumiName);
        const named = deployment("web", {}, { name: "api", namespace: "shop" });
        expect(hpaFor(named, [byPulumiName])).toBeUndefined();
        const byMetadataName = hpa("api", { kind: "Deployment", name: "api" });
        expect(hpaFor(named, [byPulumiName, byMetadataName])).toBe(byMetadataName);
    });

    test("not an HPA in another namespace, nor one scaling another kind of the same name, nor another kind with a scaleTargetRef", () => {
        const elsewhere = hpa("api", { kind: "Deployment", name: "api" }, {}, "other");
        const statefulSet = hpa("api", { kind: "StatefulSet", name: "api" });
        // A KEDA ScaledObject (keda.sh/v1alpha1) also has spec.scaleTargetRef; KEDA makes its own HPA from it.
        const scaledObject = hpa("api", { kind: "Deployment", name: "api" }, {}, "shop", "kubernetes:keda.sh/v1alpha1:ScaledObject");
        expect(hpaFor(deployment("api"), [elsewhere, statefulSet, scaledObject])).toBeUndefined();
        expect(hpaFor(kube("kubernetes:apps/v1:StatefulSet", "api", { metadata: { name: "api", namespace: "shop" } }), [elsewhere, statefulSet], "StatefulSet")).toBe(statefulSet);
    });
});

describe("minimumReplicas (the fewest pods a Deployment keeps)", () => {
    test("without an HPA: spec.replicas, else Kubernetes' default of 1", () => {
        expect(minimumReplicas(deployment("api", { replicas: 3 }), [])).toBe(3);
        expect(minimumReplicas(deployment("api"), [])).toBe(1);
    });

    test("with an HPA (found for a Deployment by default): its minReplicas, default 1, whatever spec.replicas says", () => {
        // The HPA controller clamps its desired count to [minReplicas, maxReplicas]: below minReplicas it scales up,
        // and with little load it scales down to minReplicas, so spec.replicas never holds as a floor.
        expect(minimumReplicas(deployment("api"), [hpa("api", { kind: "Deployment", name: "api" }, { minReplicas: 3 })])).toBe(3);
        expect(minimumReplicas(deployment("api", { replicas: 1 }), [hpa("api", { kind: "Deployment", name: "api" }, { minReplicas: 3 })])).toBe(3);
        expect(minimumReplicas(deployment("api", { replicas: 5 }), [hpa("api", { kind: "Deployment", name: "api" }, { minReplicas: 2 })])).toBe(2);
        expect(minimumReplicas(deployment("api", { replicas: 5 }), [hpa("api", { kind: "Deployment", name: "api" })])).toBe(1);
    });

    test("spec.replicas 0 disables the HPA (Kubernetes: implicit maintenance-mode deactivation)", () => {
        expect(minimumReplicas(deployment("api", { replicas: 0 }), [hpa("api", { kind: "Deployment", name: "api" }, { minReplicas: 3 })])).toBe(0);
    });

    test("pdb-allows-disruption counts a Deployment at its HPA's minimum, not at a higher spec.replicas", async () => {
        const labels = { app: "api" };
        const resources = [
            resource(DEPLOYMENT, "api", { metadata: { name: "api", namespace: "shop" }, spec: { replicas: 5, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [] } } } }),
            resource(HPA, "api", { metadata: { name: "api", namespace: "shop" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" }, minReplicas: 2, maxReplicas: 10 } }),
            resource("kubernetes:policy/v1:PodDisruptionBudget", "api", { metadata: { name: "api", namespace: "shop" }, spec: { minAvailable: 2, selector: { matchLabels: labels } } }),
        ];
        // At 2 pods a budget of minAvailable 2 allows 2 - 2 = 0 disruptions (the disruption controller's disruptionsAllowed).
        expect(await messages(pdbAllowsDisruption, resources)).toEqual([
            "PodDisruptionBudget shop/api (minAvailable 2) allows 0 disruptions of shop/api at 2 replica(s): drains and consolidation would block.",
        ]);
    });
});

describe("deploymentsSelectedBy (a Service selects pods in its own namespace)", () => {
    test("only Deployments of that namespace whose pod template carries every selector label", () => {
        const api = deployment("api");
        const resources = [
            api,
            deployment("web"),
            kube(DEPLOYMENT, "api-elsewhere", { metadata: { name: "api", namespace: "other" }, spec: { template: { metadata: { labels: { app: "api" } } } } }),
            kube("kubernetes:apps/v1:StatefulSet", "api-db", { metadata: { name: "api-db", namespace: "shop" }, spec: { template: { metadata: { labels: { app: "api" } } } } }),
        ];
        expect(deploymentsSelectedBy("shop", { app: "api" }, resources)).toEqual([api]);
    });
});
