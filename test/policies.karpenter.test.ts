/**
 * Karpenter policies name the object they judge: its Kubernetes name, or, where the program leaves metadata.name to
 * the provider (which then takes the Pulumi resource name plus a random suffix, @pulumi/kubernetes autonaming), the
 * Pulumi resource name the user wrote.
 */
import { nodeImdsv2, nodePoolLimits } from "../policies/karpenter";
import { check, resource } from "./policyHarness";

const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

describe("karpenter policies: which name a violation shows", () => {
    test("an EC2NodeClass without metadata.name is named by its resource name", async () => {
        const loose = { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } };
        const violations = await check(nodeImdsv2, [resource(NODE_CLASS, "general-class", { spec: loose })]);
        expect(violations.map((v) => v.message)).toEqual(['EC2NodeClass "general-class" allows IMDSv1 (metadataOptions.httpTokens is "optional", must be "required").']);
    });

    test("metadata.name wins over the resource name", async () => {
        const loose = { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } };
        const violations = await check(nodeImdsv2, [resource(NODE_CLASS, "general-class", { metadata: { name: "general" }, spec: loose })]);
        expect(violations.map((v) => v.message)).toEqual(['EC2NodeClass "general" allows IMDSv1 (metadataOptions.httpTokens is "optional", must be "required").']);
    });

    test("a NodePool without metadata.name is named by its resource name", async () => {
        const violations = await check(nodePoolLimits, [resource(NODE_POOL, "general-pool", { spec: { template: { spec: {} } } })]);
        expect(violations.map((v) => v.message)).toEqual(['NodePool "general-pool" has no limit for cpu, memory (spec.limits): it can provision without bound.']);
    });
});
