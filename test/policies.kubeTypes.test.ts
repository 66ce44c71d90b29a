/** How the policy pack reads Kubernetes type tokens (`kubernetes:<group>/<version>:<Kind>`, as the provider names them). */
import { parseKubeType } from "../policies/podSpec";

describe("parseKubeType", () => {
    test("kinds, their List and Patch forms, with group and version", () => {
        expect(parseKubeType("kubernetes:apps/v1:Deployment")).toEqual({ group: "apps", version: "v1", kind: "Deployment", patch: false, list: false });
        expect(parseKubeType("kubernetes:apps/v1:DeploymentPatch")).toEqual({ group: "apps", version: "v1", kind: "Deployment", patch: true, list: false });
        expect(parseKubeType("kubernetes:core/v1:PodList")).toEqual({ group: "core", version: "v1", kind: "Pod", patch: false, list: true });
        expect(parseKubeType("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toEqual({ group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute", patch: false, list: false });
        expect(parseKubeType("kubernetes:batch/v1:CronJob")?.kind).toBe("CronJob");
    });

    test("other packages' types and malformed tokens are not Kubernetes kinds", () => {
        for (const type of [
            "aws:iam/role:Role",
            "eks-platform:kubernetes:apps/v1:Deployment",
            "xkubernetes:apps/v1:Deployment",
            "kubernetes:apps/v1:Deployment-x",
            "kubernetes:apps/v1:Deployment:extra",
            "kubernetes:apps:Deployment",
            "kubernetes:helm.sh/v3",
            "pulumi:providers:kubernetes",
        ]) {
            expect([type, parseKubeType(type)]).toEqual([type, undefined]);
        }
    });
});
