/**
 * Karpenter policies name the object they judge: its Kubernetes name, or, where the program leaves metadata.name to
 * the provider (which then takes the Pulumi resource name plus a random suffix, @pulumi/kubernetes autonaming), the
 * Pulumi resource name the user wrote.
 */
import { admittedCapacityTypes, nodeGroupLaunchTemplateImdsv2, nodeImdsv2, nodePoolConsolidation, nodePoolLimits, nodePoolOnDemandOnly, nodeVolumesEncrypted } from "../policies/karpenter";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
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

    test("node-volumes-encrypted: metadata.name, else the resource name", async () => {
        const plain = { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi" } }] };
        const violations = await check(nodeVolumesEncrypted, [resource(NODE_CLASS, "general-class", { metadata: { name: "general" }, spec: plain }), resource(NODE_CLASS, "gpu-class", { spec: plain })]);
        expect(violations.map((v) => v.message)).toEqual([
            'EC2NodeClass "general" block device /dev/xvda is not encrypted (ebs.encrypted must be true).',
            'EC2NodeClass "gpu-class" block device /dev/xvda is not encrypted (ebs.encrypted must be true).',
        ]);
    });

    test("nodepool-consolidation: metadata.name, else the resource name", async () => {
        const never = { disruption: { consolidateAfter: "Never" } };
        const violations = await check(nodePoolConsolidation, [resource(NODE_POOL, "general-pool", { metadata: { name: "general" }, spec: never }), resource(NODE_POOL, "batch-pool", { spec: never })]);
        expect(violations.map((v) => v.message)).toEqual(['NodePool "general" does not consolidate: consolidateAfter is Never.', 'NodePool "batch-pool" does not consolidate: consolidateAfter is Never.']);
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

describe("node-volumes-encrypted: mappings without a device name", () => {
    // Karpenter v1 EC2NodeClass blockDeviceMappings[].deviceName is optional (rootVolume marks the root volume);
    // aws.ec2.LaunchTemplate blockDeviceMappings[].deviceName is optional in the provider's types.
    test("are still judged, and shown as such", async () => {
        const resources = [
            resource(NODE_CLASS, "root", { metadata: { name: "root" }, spec: { blockDeviceMappings: [{ rootVolume: true, ebs: { volumeSize: "50Gi" } }] } }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { volumeSize: 50, encrypted: "false" } }] }),
        ];
        expect((await check(nodeVolumesEncrypted, resources)).map((v) => v.message)).toEqual([
            'EC2NodeClass "root" block device (root) is not encrypted (ebs.encrypted must be true).',
            'Launch template block device (unnamed) is not encrypted (ebs.encrypted must be "true").',
        ]);
    });
});

describe("nodegroup-launch-template-imdsv2: a launch template ref with neither id nor name", () => {
    test("is reported as unknown", async () => {
        const group = resource("aws:eks/nodeGroup:NodeGroup", "loose", { clusterName: "c", launchTemplate: { version: "1" } });
        expect((await check(nodeGroupLaunchTemplateImdsv2, [group])).map((v) => v.message)).toEqual([
            "NodeGroup loose names launch template [unknown], which the stack does not define: its IMDS settings cannot be checked.",
        ]);
    });
});

describe("capacity types a NodePool admits (karpenter.sh/capacity-type requirements)", () => {
    const KEY = "karpenter.sh/capacity-type";

    test("no requirement on the label: on-demand (Karpenter's default)", () => {
        expect(admittedCapacityTypes([])).toEqual(["on-demand"]);
        expect(admittedCapacityTypes([{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }])).toEqual(["on-demand"]);
    });

    test("In with no values, and DoesNotExist (every Karpenter node carries the label), admit nothing", () => {
        expect(admittedCapacityTypes([{ key: KEY, operator: "In" }])).toEqual([]);
        expect(admittedCapacityTypes([{ key: KEY, operator: "DoesNotExist" }])).toEqual([]);
    });

    test("NotIn with no values admits every type", () => {
        expect(admittedCapacityTypes([{ key: KEY, operator: "NotIn" }])).toEqual(["on-demand", "spot", "reserved"]);
    });
});

describe("nodepool-on-demand-only: messages list every extra and every allowed type", () => {
    const pool = (name: string, requirements: object[]) => resource(NODE_POOL, name, { metadata: { name }, spec: { template: { spec: { requirements } } } });

    test("Exists admits spot and reserved; a pool that says nothing is on-demand, which an allow-list may leave out", async () => {
        const exists = pool("any", [{ key: "karpenter.sh/capacity-type", operator: "Exists" }]);
        expect((await check(nodePoolOnDemandOnly, [exists], { environment: "prod" })).map((v) => v.message)).toEqual([
            'NodePool "any" admits capacity type spot, reserved in prod (karpenter.sh/capacity-type); production capacity is on-demand only.',
        ]);
        expect((await check(nodePoolOnDemandOnly, [exists], { environment: "prod", allowedCapacityTypes: ["on-demand", "reserved"] })).map((v) => v.message)).toEqual([
            'NodePool "any" admits capacity type spot in prod (karpenter.sh/capacity-type); production capacity is on-demand, reserved only.',
        ]);
        expect((await check(nodePoolOnDemandOnly, [pool("unsaid", [])], { environment: "prod", allowedCapacityTypes: ["reserved"] })).map((v) => v.message)).toEqual([
            'NodePool "unsaid" admits capacity type on-demand in prod (karpenter.sh/capacity-type); production capacity is reserved only.',
        ]);
    });
});

describe("nodepool-limits: an empty limit is no limit", () => {
    test("a limit set to the empty string is missing", async () => {
        const pool = resource(NODE_POOL, "blank", { metadata: { name: "blank" }, spec: { limits: { cpu: "", memory: "400Gi" } } });
        expect((await check(nodePoolLimits, [pool])).map((v) => v.message)).toEqual(['NodePool "blank" has no limit for cpu (spec.limits): it can provision without bound.']);
    });
});

describe("nodepool-consolidation: disruption budgets (Karpenter v1 NodePool spec.disruption.budgets)", () => {
    // nodes: "^((100|[0-9]{1,2})%|[0-9]+)$"; a budget without schedule is always active; without reasons it applies
    // to Underutilized, Empty and Drifted. WhenEmpty consolidates Empty nodes only.
    const pool = (name: string, disruption: object) => resource(NODE_POOL, name, { metadata: { name }, spec: { disruption: { consolidateAfter: "1m", ...disruption } } });
    const messagesOf = async (resources: ReturnType<typeof resource>[], settings?: Record<string, unknown>) => (await check(nodePoolConsolidation, resources, settings)).map((v) => v.message);
    const blocks = (name: string) => `NodePool "${name}" does not consolidate: an always-active budget of 0 nodes blocks every consolidation.`;

    test("zero written as 0, 00 or 00% blocks; 01 (one node) does not", async () => {
        const resources = [pool("zero", { budgets: [{ nodes: "0" }] }), pool("zeros", { budgets: [{ nodes: "00" }] }), pool("zero-percent", { budgets: [{ nodes: "00%" }] }), pool("one", { budgets: [{ nodes: "01" }] })];
        expect(await messagesOf(resources)).toEqual([blocks("zero"), blocks("zeros"), blocks("zero-percent")]);
    });

    test("a scheduled budget of 0 is active only in its window", async () => {
        expect(await messagesOf([pool("nights", { budgets: [{ nodes: "0", schedule: "0 22 * * *", duration: "8h" }] })])).toEqual([]);
    });

    test("a budget of 0 for Empty only leaves Underutilized consolidation to WhenEmptyOrUnderutilized, and nothing to WhenEmpty", async () => {
        const emptyOnly = { budgets: [{ nodes: "0", reasons: ["Empty"] }] };
        const settings = { consolidationPolicies: ["WhenEmptyOrUnderutilized", "WhenEmpty"] };
        expect(await messagesOf([pool("under", emptyOnly), pool("when-empty", { consolidationPolicy: "WhenEmpty", ...emptyOnly })], settings)).toEqual([blocks("when-empty")]);
    });

    test("every problem is listed", async () => {
        expect(await messagesOf([pool("both", { consolidationPolicy: "WhenEmpty", consolidateAfter: "Never" })])).toEqual([
            'NodePool "both" does not consolidate: consolidationPolicy WhenEmpty is not one of WhenEmptyOrUnderutilized, Balanced; consolidateAfter is Never.',
        ]);
    });
});

describe("nodegroup-launch-template-imdsv2 during a preview", () => {
    // CrossGuard hands policies inputs behind @pulumi/policy's unknownCheckingProxy, which throws UnknownValueError
    // on reading a value the engine does not know yet. A template whose name is not known cannot be the one a node
    // group names, so the group is reported rather than passed on a guess.
    const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy: <T>(o: T) => T; unknownStringValue: unknown };

    test("a launch template whose name is not known yet does not match a ref by name", () => {
        const at = (type: string, name: string, props: Record<string, unknown>) =>
            ({ type, name, urn: `urn:pulumi:prod::eks-platform::${type}::${name}`, props, dependencies: [], isType: (cls: { __pulumiType?: string }) => cls.__pulumiType === type }) as unknown as PolicyResource;
        const template = at("aws:ec2/launchTemplate:LaunchTemplate", "system", proxy.unknownCheckingProxy({ name: proxy.unknownStringValue, metadataOptions: { httpTokens: "required" } }));
        const group = at("aws:eks/nodeGroup:NodeGroup", "system", { clusterName: "c", launchTemplate: { name: "nodes", version: "1" } });
        const reported: string[] = [];
        const validate = nodeGroupLaunchTemplateImdsv2.validateStack as (args: StackValidationArgs, report: (message: string) => void) => void;
        validate({ resources: [template, group], getConfig: () => ({}) } as unknown as StackValidationArgs, (message) => reported.push(message));
        expect(reported).toEqual(["NodeGroup system names launch template nodes, which the stack does not define: its IMDS settings cannot be checked."]);
    });
});
