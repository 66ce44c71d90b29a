import { karpenterChartValues } from "../components/karpenter";
import { KARPENTER_DEVIATIONS, controllerPolicyStatements, interruptionQueuePolicy } from "../lib/karpenterPolicy";
import { find, inputsOf, ofType, plan, planError, providerUrn, STACKS } from "./harness";

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-2";
const KARPENTER = "eks-platform:karpenter:Karpenter";

interface Statement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** Upstream v1.14.1 controller permissions (getting-started CloudFormation), statement by statement. */
const UPSTREAM_ACTIONS: Record<string, string[]> = {
    // NodeLifecycle
    AllowScopedEC2InstanceAccessActions: ["ec2:RunInstances", "ec2:CreateFleet"],
    AllowScopedEC2LaunchTemplateAccessActions: ["ec2:RunInstances", "ec2:CreateFleet"],
    AllowScopedEC2InstanceActionsWithTags: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
    AllowScopedResourceCreationTagging: ["ec2:CreateTags"],
    AllowScopedResourceTagging: ["ec2:CreateTags"],
    AllowScopedDeletion: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
    // IAMIntegration
    AllowPassingInstanceRole: ["iam:PassRole"],
    AllowScopedInstanceProfileCreationActions: ["iam:CreateInstanceProfile"],
    AllowScopedInstanceProfileTagActions: ["iam:TagInstanceProfile"],
    AllowScopedInstanceProfileActions: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
    // EKSIntegration
    AllowAPIServerEndpointDiscovery: ["eks:DescribeCluster"],
    // Interruption
    AllowInterruptionQueueActions: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    // ResourceDiscovery
    AllowRegionalReadActions: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
    ],
    AllowSSMReadActions: ["ssm:GetParameter"],
    AllowPricingReadActions: ["pricing:GetProducts"],
    AllowUnscopedInstanceProfileListAction: ["iam:ListInstanceProfiles"],
    AllowInstanceProfileReadActions: ["iam:GetInstanceProfile"],
    // ZonalShift
    AllowZonalShiftStatusReadOnly: ["arc-zonal-shift:GetManagedResource"],
};

/** Upstream's conditions, for a cluster named `cluster` in ap-northeast-2. */
function upstreamConditions(cluster: string): Record<string, Statement["Condition"]> {
    const owned = `kubernetes.io/cluster/${cluster}`;
    return {
        AllowScopedEC2LaunchTemplateAccessActions: {
            StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        },
        AllowScopedEC2InstanceActionsWithTags: {
            StringEquals: { [`aws:RequestTag/${owned}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": cluster },
            StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
        AllowScopedResourceCreationTagging: {
            StringEquals: {
                [`aws:RequestTag/${owned}`]: "owned",
                "aws:RequestTag/eks:eks-cluster-name": cluster,
                "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
            },
            StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
        AllowScopedResourceTagging: {
            StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": cluster },
            "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
        },
        AllowScopedDeletion: {
            StringEquals: { [`aws:ResourceTag/${owned}`]: "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        },
        AllowPassingInstanceRole: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        AllowScopedInstanceProfileCreationActions: {
            StringEquals: {
                [`aws:RequestTag/${owned}`]: "owned",
                "aws:RequestTag/eks:eks-cluster-name": cluster,
                "aws:RequestTag/topology.kubernetes.io/region": REGION,
            },
            StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
        AllowScopedInstanceProfileTagActions: {
            StringEquals: {
                [`aws:ResourceTag/${owned}`]: "owned",
                "aws:ResourceTag/topology.kubernetes.io/region": REGION,
                [`aws:RequestTag/${owned}`]: "owned",
                "aws:RequestTag/eks:eks-cluster-name": cluster,
                "aws:RequestTag/topology.kubernetes.io/region": REGION,
            },
            StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
        AllowScopedInstanceProfileActions: {
            StringEquals: { [`aws:ResourceTag/${owned}`]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": REGION },
            StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
        AllowRegionalReadActions: { StringEquals: { "aws:RequestedRegion": REGION } },
        AllowZonalShiftStatusReadOnly: {
            StringEquals: { "arc-zonal-shift:ResourceIdentifier": `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${cluster}` },
        },
    };
}

const asList = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

async function controllerPolicy(stack: string, ...set: string[]): Promise<{ Version: string; Statement: Statement[] }> {
    const p = await plan(stack, ...set);
    return JSON.parse(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "karpenter-controller-permissions").policy as string);
}

/**
 * Statements this project splits out of an upstream statement (Sid here → upstream Sid), each covered by a named
 * deviation. Written out here, not read from the project's module.
 */
const SPLIT_FROM_UPSTREAM: Record<string, string> = {
    AllowScopedEC2InstanceAccessActionsInClusterNetwork: "AllowScopedEC2InstanceAccessActions",
};

/** The named deviations from upstream, and the statements each one changes. */
const EXPECTED_DEVIATIONS = {
    "launch-into-cluster-network": ["AllowScopedEC2InstanceAccessActions", "AllowScopedEC2InstanceAccessActionsInClusterNetwork"],
    "interruption-queue-from-own-rules": ["AllowEventBridgeSend"],
};

describe("Karpenter controller permissions", () => {
    test.each(STACKS)("%s: upstream's actions, statement by statement (split statements together)", async (stack) => {
        const policy = await controllerPolicy(stack);
        expect(policy.Version).toBe("2012-10-17");
        const byUpstream: Record<string, string[]> = {};
        for (const st of policy.Statement) {
            const origin = SPLIT_FROM_UPSTREAM[st.Sid!] ?? st.Sid!;
            byUpstream[origin] = [...(byUpstream[origin] ?? []), ...asList(st.Action)];
        }
        expect(Object.fromEntries(Object.entries(byUpstream).map(([sid, actions]) => [sid, [...new Set(actions)]]))).toEqual(UPSTREAM_ACTIONS);
        expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
        const all = new Set(policy.Statement.flatMap((s) => asList(s.Action)));
        expect(all.size).toBe(32);
        expect([...all].some((a) => a.includes("*"))).toBe(false);
    });

    test("every difference from upstream is a named deviation", () => {
        expect(Object.fromEntries(KARPENTER_DEVIATIONS.map((d) => [d.id, [...d.statements]]))).toEqual(EXPECTED_DEVIATIONS);
        for (const d of KARPENTER_DEVIATIONS) expect([d.upstream, d.here, d.why].every((t) => t.length > 20)).toBe(true);
    });

    test.each(STACKS)("%s: upstream's conditions where no deviation is named, scoped to this cluster and region", async (stack) => {
        const policy = await controllerPolicy(stack);
        const deviating = new Set(Object.values(EXPECTED_DEVIATIONS).flat());
        const conditions = Object.fromEntries(policy.Statement.filter((s) => s.Condition && !deviating.has(s.Sid!)).map((s) => [s.Sid, s.Condition]));
        expect(conditions).toEqual(upstreamConditions(`service-${stack}`));
    });

    test.each(STACKS)("%s: launches use only subnets and security groups tagged for this cluster (the EC2NodeClass's selector)", async (stack) => {
        const p = await plan(stack);
        const policy = await controllerPolicy(stack);
        const sid = (name: string) => policy.Statement.find((s) => s.Sid === name)!;
        const ec2 = `arn:aws:ec2:${REGION}`;
        // Upstream's resources for RunInstances/CreateFleet, split in two: the network part carries the tag condition.
        expect(sid("AllowScopedEC2InstanceAccessActions")).toEqual({
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Resource: [`${ec2}::image/*`, `${ec2}::snapshot/*`, `${ec2}:*:capacity-reservation/*`, `${ec2}:*:placement-group/*`],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        });
        expect(sid("AllowScopedEC2InstanceAccessActionsInClusterNetwork")).toEqual({
            Sid: "AllowScopedEC2InstanceAccessActionsInClusterNetwork",
            Effect: "Allow",
            Resource: [`${ec2}:*:security-group/*`, `${ec2}:*:subnet/*`],
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Condition: { StringEquals: { "aws:ResourceTag/karpenter.sh/discovery": `service-${stack}` } },
        });
        // The same tag is what the node class selects by, and what the cluster's subnets and node security group carry.
        const nodeClass = inputsOf(p, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "node-pools-default").spec;
        expect(nodeClass.subnetSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": `service-${stack}` } }]);
        expect(nodeClass.securityGroupSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": `service-${stack}` } }]);
        expect(inputsOf(p, "aws:ec2/tag:Tag", "cluster-cluster-sg-discovery")).toMatchObject({ key: "karpenter.sh/discovery", value: `service-${stack}` });
    });

    test.each(STACKS)("%s: resources name the node role, the queue, the cluster, this account, region and partition", async (stack) => {
        const policy = await controllerPolicy(stack);
        const resource = (sid: string) => policy.Statement.find((s) => s.Sid === sid)?.Resource;
        expect(resource("AllowPassingInstanceRole")).toBe(`arn:aws:iam::${ACCOUNT}:role/service-${stack}-karpenter-node`);
        expect(resource("AllowInterruptionQueueActions")).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:service-${stack}-karpenter-interruption`);
        expect(resource("AllowAPIServerEndpointDiscovery")).toBe(`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/service-${stack}`);
        for (const sid of ["AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions", "AllowScopedInstanceProfileActions", "AllowInstanceProfileReadActions"]) {
            expect(resource(sid)).toBe(`arn:aws:iam::${ACCOUNT}:instance-profile/*`);
        }
        expect(resource("AllowSSMReadActions")).toBe(`arn:aws:ssm:${REGION}::parameter/aws/service/*`);
        expect(resource("AllowScopedDeletion")).toEqual([`arn:aws:ec2:${REGION}:*:instance/*`, `arn:aws:ec2:${REGION}:*:launch-template/*`]);
        // Only reads are unscoped by resource, and the EC2 ones are held to the region.
        expect(policy.Statement.filter((s) => s.Resource === "*").map((s) => s.Sid)).toEqual([
            "AllowRegionalReadActions",
            "AllowPricingReadActions",
            "AllowUnscopedInstanceProfileListAction",
            "AllowZonalShiftStatusReadOnly",
        ]);
        // Inline role policies share a 10,240-character quota.
        expect(JSON.stringify(policy).length).toBeLessThan(10240);
    });

    test("the builder follows the partition and account it is given", () => {
        const statements = controllerPolicyStatements({
            clusterName: "c",
            region: "cn-north-1",
            accountId: "210987654321",
            partition: "aws-cn",
            nodeRoleArn: "arn:aws-cn:iam::210987654321:role/n",
            interruptionQueueArn: "arn:aws-cn:sqs:cn-north-1:210987654321:q",
        });
        const resources = statements.flatMap((s) => (typeof s.Resource === "string" ? [s.Resource] : [...s.Resource])).filter((r) => r !== "*");
        expect(resources.every((r) => r.startsWith("arn:aws-cn:"))).toBe(true);
        expect(resources).toContain("arn:aws-cn:iam::210987654321:instance-profile/*");
        expect(resources).toContain("arn:aws-cn:ec2:cn-north-1::image/*");
    });

    test.each(STACKS)("%s: IRSA trust pins the karpenter service account", async (stack) => {
        const p = await plan(stack);
        const role = inputsOf(p, "aws:iam/role:Role", "karpenter-controller-role");
        expect(role.name).toBe(`service-${stack}-karpenter-karpenter`);
        const trust = JSON.parse(role.assumeRolePolicy as string);
        const condition = trust.Statement[0].Condition.StringEquals as Record<string, string>;
        expect(Object.entries(condition).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:karpenter:karpenter");
        const sa = inputsOf(p, "kubernetes:core/v1:ServiceAccount", "karpenter-controller-sa");
        expect(sa.metadata).toMatchObject({ name: "karpenter", namespace: "karpenter" });
        expect(sa.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/service-${stack}-karpenter-karpenter` });
    });

    test("podIdentity: the controller's role is associated with karpenter/karpenter", async () => {
        const p = await plan("dev", "identityMode=podIdentity");
        const association = inputsOf(p, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "karpenter-controller-association");
        expect(association).toMatchObject({ clusterName: "service-dev", namespace: "karpenter", serviceAccount: "karpenter" });
        expect(inputsOf(p, "kubernetes:core/v1:ServiceAccount", "karpenter-controller-sa").metadata.annotations).toBeUndefined();
    });
});

describe("Karpenter node role", () => {
    // Upstream's node role has a fourth, AmazonEKS_CNI_Policy: here it is on aws-node's own role (cluster.test.ts).
    test.each(STACKS)("%s: EC2 trust, upstream's managed policies but the CNI policy, an EC2_LINUX access entry", async (stack) => {
        const p = await plan(stack);
        const role = inputsOf(p, "aws:iam/role:Role", "karpenter-node");
        expect(role.name).toBe(`service-${stack}-karpenter-node`);
        expect(JSON.parse(role.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const node = find(p, "aws:iam/role:Role", "karpenter-node");
        const attached = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.parent === node.parent && a.name.startsWith("karpenter-node-"))
            .map((a) => (a.inputs as { policyArn: string }).policyArn)
            .sort();
        expect(attached).toEqual([
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
        const entry = inputsOf(p, "aws:eks/accessEntry:AccessEntry", "karpenter-node");
        expect(entry.type).toBe("EC2_LINUX");
        expect(entry.clusterName).toBe(`service-${stack}`);
        expect(entry.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:role/service-${stack}-karpenter-node`);
        expect(entry.kubernetesGroups).toBeUndefined();
        expect(ofType(p, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.name.startsWith("karpenter"))).toEqual([]);
    });
});

describe("Karpenter interruption handling", () => {
    test.each(STACKS)("%s: queue keeps messages 300 s, SSE on, policy denies non-TLS and lets only its own EventBridge rules send", async (stack) => {
        const p = await plan(stack);
        const queue = inputsOf(p, "aws:sqs/queue:Queue", "karpenter-interruption");
        expect(queue.name).toBe(`service-${stack}-karpenter-interruption`);
        expect(queue.messageRetentionSeconds).toBe(300);
        expect(queue.sqsManagedSseEnabled).toBe(true);
        const arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:service-${stack}-karpenter-interruption`;
        const queuePolicy = inputsOf(p, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption");
        expect(queuePolicy.queueUrl).toBe(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/service-${stack}-karpenter-interruption`);
        const doc = JSON.parse(queuePolicy.policy as string) as { Statement: Statement[] };
        const rule = (suffix: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/service-${stack}-karpenter-${suffix}`;
        expect(doc.Statement).toEqual([
            {
                Sid: "AllowEventBridgeSend",
                Effect: "Allow",
                // Upstream also names sqs.amazonaws.com and no source: any rule of the account could send.
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: arn,
                Condition: {
                    ArnEquals: {
                        "aws:SourceArn": [
                            rule("scheduled-change"),
                            rule("spot-interruption"),
                            rule("rebalance"),
                            rule("instance-state-change"),
                            rule("capacity-reservation-interruption"),
                        ],
                    },
                },
            },
            { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ]);
        // The policy names the rules, so it exists before the targets that use it (the rules before both).
        const rules = ofType(p, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.startsWith("karpenter-"));
        expect(find(p, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption").dependencies).toEqual(expect.arrayContaining(rules.map((r) => r.urn)));
        for (const t of ofType(p, "aws:cloudwatch/eventTarget:EventTarget").filter((r) => r.name.startsWith("karpenter-"))) {
            expect(t.dependencies).toContain(find(p, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption").urn);
        }
        expect(() => interruptionQueuePolicy("q", [])).toThrow(/at least one/);
    });

    test.each(STACKS)("%s: five EventBridge rules with upstream's exact patterns, each targeting the queue", async (stack) => {
        const p = await plan(stack);
        const rules = ofType(p, "aws:cloudwatch/eventRule:EventRule").filter((r) => r.name.startsWith("karpenter-"));
        const patterns = rules.map((r) => JSON.parse((r.inputs as { eventPattern: string }).eventPattern)).sort((a, b) => a["detail-type"][0].localeCompare(b["detail-type"][0]));
        expect(patterns).toEqual([
            { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
        ]);
        const targets = ofType(p, "aws:cloudwatch/eventTarget:EventTarget").filter((t) => t.name.startsWith("karpenter-"));
        expect(targets).toHaveLength(5);
        const ruleNames = rules.map((r) => (r.inputs as { name: string }).name).sort();
        expect(ruleNames.every((n) => n.startsWith(`service-${stack}-karpenter-`) && n.length <= 64)).toBe(true);
        expect(targets.map((t) => (t.inputs as { rule: string }).rule).sort()).toEqual(ruleNames);
        for (const t of targets) {
            expect((t.inputs as { arn: string }).arn).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:service-${stack}-karpenter-interruption`);
        }
    });
});

describe("Karpenter charts", () => {
    test.each(STACKS)("%s: CRDs from the karpenter-crd chart (v4 Chart) through the cluster's provider", async (stack) => {
        const p = await plan(stack);
        const crds = find(p, "kubernetes:helm.sh/v4:Chart", "karpenter-crds");
        expect(crds.inputs).toMatchObject({ chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1" });
        expect(providerUrn(crds)).toMatch(/pulumi:providers:kubernetes::cluster-k8s$/);
    });

    test.each(STACKS)("%s: controller release values: cluster, queue, identity, replicas, PDB, system node group", async (stack) => {
        const p = await plan(stack);
        const release = find(p, "kubernetes:helm.sh/v3:Release", "karpenter-controller");
        const inputs = release.inputs as Record<string, any>;
        expect(inputs).toMatchObject({ chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", namespace: "karpenter", skipCrds: true, name: "karpenter" });
        expect(providerUrn(release)).toMatch(/pulumi:providers:kubernetes::cluster-k8s$/);
        const values = inputs.values;
        expect(values.settings).toEqual({ clusterName: `service-${stack}`, interruptionQueue: `service-${stack}-karpenter-interruption` });
        expect(values.serviceAccount).toEqual({ create: false, name: "karpenter" });
        expect(values.replicas).toBe(2);
        expect(values.podDisruptionBudget).toEqual({ name: "karpenter", maxUnavailable: 1 });
        expect(values.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(values.nodeSelector).toEqual({ "kubernetes.io/os": "linux", "platform/node-class": "system" });
        expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
            {
                matchExpressions: [
                    { key: "platform/node-class", operator: "In", values: ["system"] },
                    { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
                ],
            },
        ]);
        expect(values.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{ topologyKey: "kubernetes.io/hostname" }]);
        expect(values.controller.env).toEqual([{ name: "AWS_REGION", value: REGION }]);
        expect(values.controller.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } });
        // Installed after its CRDs, identity, access entry and interruption wiring, and once the system nodes exist.
        const urn = (type: string, name: string) => find(p, type, name).urn;
        expect(release.dependencies).toEqual(
            expect.arrayContaining([
                urn("kubernetes:helm.sh/v4:Chart", "karpenter-crds"),
                urn("kubernetes:core/v1:ServiceAccount", "karpenter-controller-sa"),
                urn("aws:eks/accessEntry:AccessEntry", "karpenter-node"),
                urn("aws:cloudwatch/eventTarget:EventTarget", "karpenter-spot-interruption"),
                urn("aws:eks/nodeGroup:NodeGroup", "cluster-system"),
            ]),
        );
    });

    test("the namespace enforces the restricted Pod Security profile (the chart's pods comply)", async () => {
        const ns = inputsOf(await plan("prod"), "kubernetes:core/v1:Namespace", "karpenter-ns");
        expect(ns.metadata.name).toBe("karpenter");
        expect(ns.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    });

    test("both charts follow versions.karpenter", async () => {
        const p = await plan("dev", 'versions={"karpenter":"1.13.2"}');
        expect(inputsOf(p, "kubernetes:helm.sh/v4:Chart", "karpenter-crds").version).toBe("1.13.2");
        expect(inputsOf(p, "kubernetes:helm.sh/v3:Release", "karpenter-controller").version).toBe("1.13.2");
    });

    test("a Karpenter version below 1.13 is a config error naming the key", async () => {
        const err = await planError("dev", 'versions={"karpenter":"1.12.0"}');
        expect(err.message).toContain("'versions.karpenter' is \"1.12.0\"");
    });

    test("values builder: replicas and resources can be overridden, nothing else moves", () => {
        const base = karpenterChartValues({ clusterName: "c", region: REGION, interruptionQueueName: "q", serviceAccountName: "sa" });
        const custom = karpenterChartValues({
            clusterName: "c",
            region: REGION,
            interruptionQueueName: "q",
            serviceAccountName: "sa",
            replicas: 3,
            resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } },
        });
        expect(base.replicas).toBe(2);
        expect(custom.replicas).toBe(3);
        expect(custom.controller.resources.requests.cpu).toBe("1");
        expect({ ...custom, replicas: base.replicas, controller: base.controller }).toEqual(base);
    });

    test("outputs: node role, queue, controller role", async () => {
        const p = await plan("dev");
        expect(p.outputs).toMatchObject({
            karpenterNodeRoleName: "service-dev-karpenter-node",
            karpenterNodeRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-dev-karpenter-node`,
            karpenterInterruptionQueue: "service-dev-karpenter-interruption",
            karpenterControllerRoleArn: `arn:aws:iam::${ACCOUNT}:role/service-dev-karpenter-karpenter`,
        });
        expect(ofType(p, KARPENTER)).toHaveLength(1);
    });
});
