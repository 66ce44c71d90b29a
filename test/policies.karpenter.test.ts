/**
 * Karpenter policies name the object they judge: its Kubernetes name, or, where the program leaves metadata.name to
 * the provider (which then takes the Pulumi resource name plus a random suffix, @pulumi/kubernetes autonaming), the
 * Pulumi resource name the user wrote.
 */
import { nodeGroupLaunchTemplateImdsv2, nodeImdsv2, nodePoolLimits } from "../policies/karpenter";
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

describe("nodegroup-launch-template-imdsv2: which launch template a node group names", () => {
    // An EKS managed node group names its launch template by id or by name (aws.eks.NodeGroup launchTemplate: id,
    // name, version). Found by name only when both have one: a template without a name is not every nameless ref's.
    const unnamedTemplate = resource("aws:ec2/launchTemplate:LaunchTemplate", "unnamed", { metadataOptions: { httpTokens: "optional" } });
    const group = (name: string, launchTemplate: object, dependsOn: ReturnType<typeof resource>[] = []) =>
        resource("aws:eks/nodeGroup:NodeGroup", name, { clusterName: "c", launchTemplate }, { dependsOn });

    test("a ref by id alone is not matched by name to a template without one", async () => {
        const violations = await check(nodeGroupLaunchTemplateImdsv2, [unnamedTemplate, group("by-id", { id: "lt-0abc", version: "1" })]);
        expect(violations.map((v) => v.message)).toEqual([
            "NodeGroup by-id names launch template lt-0abc, which the stack does not define: its IMDS settings cannot be checked.",
        ]);
    });

    test("only a launch template is a launch template, whatever else carries that name", async () => {
        const role = resource("aws:iam/role:Role", "nodes-role", { name: "nodes" });
        const violations = await check(nodeGroupLaunchTemplateImdsv2, [role, group("by-name", { name: "nodes", version: "1" })]);
        expect(violations.map((v) => v.message)).toEqual([
            "NodeGroup by-name names launch template nodes, which the stack does not define: its IMDS settings cannot be checked.",
        ]);
    });

    test("of two templates it depends on, the one it names", async () => {
        const named = (name: string, httpTokens: string) => resource("aws:ec2/launchTemplate:LaunchTemplate", name, { name, metadataOptions: { httpTokens } });
        const required = named("nodes", "required");
        const optional = named("other", "optional");
        expect(await check(nodeGroupLaunchTemplateImdsv2, [required, optional, group("two", { name: "nodes", version: "1" }, [optional, required])])).toEqual([]);
        const violations = await check(nodeGroupLaunchTemplateImdsv2, [required, optional, group("two", { name: "other", version: "1" }, [optional, required])]);
        expect(violations.map((v) => v.message)).toEqual(['NodeGroup two uses launch template other, which does not require IMDSv2 (metadataOptions.httpTokens is "optional").']);
    });
});

describe("nodegroup-launch-template-imdsv2: pulumi-eks self-managed node groups", () => {
    // pulumi-eks registers them as eks:index:NodeGroup (v1) and eks:index:NodeGroupV2 (its launch template variant).
    test.each(["eks:index:NodeGroup", "eks:index:NodeGroupV2"])("%s is flagged", async (type) => {
        const violations = await check(nodeGroupLaunchTemplateImdsv2, [resource(type, "workers", { instanceType: "t3.medium" })]);
        expect(violations).toHaveLength(1);
        expect(violations[0].message).toContain("is a pulumi-eks self-managed node group");
    });
});

describe("nodegroup-launch-template-imdsv2: pulumi-eks clusters without a default node group", () => {
    // pulumi-eks creates no default node group when told to skip it, when the cluster runs on Fargate, or in Auto Mode.
    test.each([
        [{ skipDefaultNodeGroup: true }, false],
        [{ fargate: true }, false],
        [{ autoMode: { enabled: true } }, false],
        [{ autoMode: { enabled: false } }, true],
        [{}, true],
    ])("%j: default node group flagged %s", async (props, flagged) => {
        expect((await check(nodeGroupLaunchTemplateImdsv2, [resource("eks:index:Cluster", "cluster", props)])).length > 0).toBe(flagged);
    });
});
