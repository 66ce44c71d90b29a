/**
 * Where the pack finds pod specs and containers (policies/podSpec.ts), by the Kubernetes API: a Deployment or
 * ReplicaSet also served by the old extensions/v1beta1 group, the pod spec at spec.template.spec, a `List` kind's
 * objects in `items`, and a PodSpec's three container lists (containers, initContainers, ephemeralContainers). An
 * object without metadata.namespace is in the "default" namespace.
 */
import { unknownCheckingProxy } from "@pulumi/policy";
import { containersOf, podTemplates } from "../policies/podSpec";
import { UNKNOWN } from "./policyHarness";

describe("podTemplates", () => {
    test("Deployments and ReplicaSets of extensions/v1beta1 carry a pod spec, as apps/v1's do", () => {
        const spec = { template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api" }] } } };
        for (const type of ["kubernetes:extensions/v1beta1:Deployment", "kubernetes:extensions/v1beta1:ReplicaSet", "kubernetes:apps/v1:ReplicaSet"]) {
            const [object] = podTemplates(type, { metadata: { name: "api", namespace: "shop" }, spec }, "api");
            expect([type, object?.pod, object?.podLabels]).toEqual([type, { containers: [{ name: "api" }] }, { app: "api" }]);
        }
    });

    test("a null along the path (JSON null in the inputs) means no pod spec, not an error", () => {
        const [object] = podTemplates("kubernetes:apps/v1:Deployment", { metadata: null, spec: { template: null } }, "api");
        expect([object.pod, object.podLabels, object.label()]).toEqual([undefined, {}, "Deployment default/api"]);
    });

    test("a List without items holds no objects", () => {
        expect(podTemplates("kubernetes:core/v1:PodList", {}, "pods")).toEqual([]);
    });

    test("labels: the default namespace when none is set; an unnamed List item by the Pulumi name and its index", () => {
        const [deployment] = podTemplates("kubernetes:apps/v1:Deployment", { metadata: { name: "api" }, spec: {} }, "web");
        expect(deployment.label()).toBe("Deployment default/api");
        const items = podTemplates("kubernetes:core/v1:PodList", { items: [{ metadata: { name: "a" }, spec: {} }, { spec: {} }] }, "pods");
        expect(items.map((o) => o.label())).toEqual(["Pod default/a", "Pod default/pods[1]"]);
    });

    test("during a preview, a namespace or name not known yet reads [unknown] (the SDK's proxy throws on the sentinel)", () => {
        const props = unknownCheckingProxy({ metadata: { namespace: UNKNOWN, name: UNKNOWN }, spec: {} }) as Record<string, unknown>;
        expect(podTemplates("kubernetes:apps/v1:DeploymentPatch", props, "web").map((o) => o.label())).toEqual(["DeploymentPatch [unknown]/[unknown]"]);
    });
});

describe("containersOf", () => {
    test("a pod spec without containers (a patch that sets only initContainers) has only its init containers", () => {
        expect(containersOf({ initContainers: [{ name: "setup" }] } as never)).toEqual([{ container: { name: "setup" }, role: "init container", sidecar: false }]);
    });

    test("every list, in order: containers, initContainers (restartPolicy Always: a native sidecar), ephemeralContainers", () => {
        const pod = { containers: [{ name: "app" }], initContainers: [{ name: "proxy", restartPolicy: "Always" }], ephemeralContainers: [{ name: "debug" }] };
        expect(containersOf(pod as never).map((e) => [e.container.name, e.role, e.sidecar])).toEqual([
            ["app", "container", false],
            ["proxy", "init container", true],
            ["debug", "ephemeral container", false],
        ]);
    });
});
