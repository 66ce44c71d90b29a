/**
 * IAM permissions of the Karpenter v1 controller, as typed statements, and the interruption queue's policy.
 *
 * Same statements, actions, resources and conditions as upstream's getting-started CloudFormation template
 * (`KarpenterControllerNodeLifecyclePolicy`, `…IAMIntegrationPolicy`, `…EKSIntegrationPolicy`,
 * `…InterruptionPolicy`, `…ResourceDiscoveryPolicy` and `…ZonalShiftPolicy` at v1.14.1), grouped the same way.
 * Write access is scoped the way upstream scopes it: by the `kubernetes.io/cluster/<name>: owned` and
 * `eks:eks-cluster-name` tags Karpenter puts on what it launches, the `karpenter.sh/nodepool` and
 * `karpenter.k8s.aws/ec2nodeclass` tags, the region, the account and the partition; and, beyond upstream, launches
 * only into subnets and security groups tagged for this cluster. `KARPENTER_DEVIATIONS` lists every difference.
 */
import { PolicyDocument, UpstreamDeviation } from "./iam";

/** The tag the cluster's private subnets and node security group carry, and the EC2NodeClass selects by. */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** Everything the statements are scoped by; plain strings so that the builder stays pure. */
export interface KarpenterPolicyScope {
    readonly clusterName: string;
    readonly region: string;
    readonly accountId: string;
    /** `aws`, `aws-cn`, `aws-us-gov`… */
    readonly partition: string;
    /** The node role Karpenter passes to the instance profiles it creates. */
    readonly nodeRoleArn: string;
    readonly interruptionQueueArn: string;
}

/** IAM condition operators the controller policy uses. */
export type ConditionOperator = "StringEquals" | "StringLike" | "StringEqualsIfExists" | "ForAllValues:StringEquals" | "Bool" | "ArnEquals";

export type Conditions = Partial<Record<ConditionOperator, Record<string, string | string[]>>>;

/** A statement of an identity policy, with nothing left open (no Inputs): tests read it as it will be sent. */
export interface KarpenterStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: readonly string[];
    readonly Resource: string | readonly string[];
    readonly Condition?: Conditions;
}

/** Sid of the launch statement for subnets and security groups (split from upstream's `AllowScopedEC2InstanceAccessActions`). */
export const LAUNCH_NETWORK_SID = "AllowScopedEC2InstanceAccessActionsInClusterNetwork";

/** Every difference from upstream's getting-started template (controller policies and interruption queue policy). */
export const KARPENTER_DEVIATIONS: readonly UpstreamDeviation[] = [
    {
        id: "launch-into-cluster-network",
        statements: ["AllowScopedEC2InstanceAccessActions", LAUNCH_NETWORK_SID],
        upstream: "ec2:RunInstances and ec2:CreateFleet with any subnet and security group of the region",
        here: `subnets and security groups only when tagged ${DISCOVERY_TAG} = the cluster name (images, snapshots, capacity reservations and placement groups as upstream)`,
        why: "a compromised or misconfigured controller cannot launch nodes into another VPC's subnets or with another workload's security groups",
    },
    {
        id: "interruption-queue-from-own-rules",
        statements: ["AllowEventBridgeSend"],
        upstream: "events.amazonaws.com and sqs.amazonaws.com may send to the queue, from any source",
        here: "only events.amazonaws.com, and only on behalf of this cluster's five interruption rules (aws:SourceArn)",
        why: "no other EventBridge rule in the account can forge spot-interruption or health events that make Karpenter drain and terminate nodes",
    },
];

/** Upstream's policy groups, in upstream's order. */
export const CONTROLLER_POLICY_GROUPS = [
    "NodeLifecycle",
    "IAMIntegration",
    "EKSIntegration",
    "Interruption",
    "ResourceDiscovery",
    "ZonalShift",
] as const;
export type ControllerPolicyGroup = (typeof CONTROLLER_POLICY_GROUPS)[number];

/** Tag keys Karpenter may change on the instances it owns (upstream `AllowScopedResourceTagging`). */
export const KARPENTER_MUTABLE_TAG_KEYS = ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] as const;

/** Read-only discovery actions, allowed in the cluster's region only (upstream `AllowRegionalReadActions`). */
const REGIONAL_READ_ACTIONS = [
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
];

/** The statements of each upstream policy group. */
export function controllerPolicyGroups(scope: KarpenterPolicyScope): Record<ControllerPolicyGroup, KarpenterStatement[]> {
    const { clusterName, region, accountId, partition } = scope;
    const ec2 = (resource: string, account = "*") => `arn:${partition}:ec2:${region}:${account}:${resource}`;
    const instanceProfiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
    const clusterArn = `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
    const clusterTag = `kubernetes.io/cluster/${clusterName}`;

    /** Resources Karpenter creates when it launches a node (fleets, instances and their parts, launch templates). */
    const launchedResources = [
        ec2("fleet/*"),
        ec2("instance/*"),
        ec2("volume/*"),
        ec2("network-interface/*"),
        ec2("launch-template/*"),
        ec2("spot-instances-request/*"),
    ];
    /** Requests must tag what they create as owned by this cluster and by some NodePool. */
    const ownedOnCreate = {
        StringEquals: { [`aws:RequestTag/${clusterTag}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": clusterName },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
    };
    /** The resource acted on must already be tagged as owned by this cluster and by some NodePool. */
    const ownedResource = {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
    };

    return {
        NodeLifecycle: [
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Resource: [
                    `arn:${partition}:ec2:${region}::image/*`,
                    `arn:${partition}:ec2:${region}::snapshot/*`,
                    ec2("capacity-reservation/*"),
                    ec2("placement-group/*"),
                ],
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            },
            {
                // Upstream grants these two with the statement above, unconditionally.
                Sid: LAUNCH_NETWORK_SID,
                Effect: "Allow",
                Resource: [ec2("security-group/*"), ec2("subnet/*")],
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Condition: { StringEquals: { [`aws:ResourceTag/${DISCOVERY_TAG}`]: clusterName } },
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Resource: ec2("launch-template/*"),
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Condition: ownedResource,
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Resource: launchedResources,
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Condition: ownedOnCreate,
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Resource: launchedResources,
                Action: ["ec2:CreateTags"],
                Condition: {
                    StringEquals: { ...ownedOnCreate.StringEquals, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                    StringLike: ownedOnCreate.StringLike,
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Resource: ec2("instance/*"),
                Action: ["ec2:CreateTags"],
                Condition: {
                    ...ownedResource,
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": clusterName },
                    "ForAllValues:StringEquals": { "aws:TagKeys": [...KARPENTER_MUTABLE_TAG_KEYS] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Resource: [ec2("instance/*"), ec2("launch-template/*")],
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Condition: ownedResource,
            },
        ],
        IAMIntegration: [
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Resource: scope.nodeRoleArn,
                Action: ["iam:PassRole"],
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Resource: instanceProfiles,
                Action: ["iam:CreateInstanceProfile"],
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${clusterTag}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": clusterName,
                        "aws:RequestTag/topology.kubernetes.io/region": region,
                    },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Resource: instanceProfiles,
                Action: ["iam:TagInstanceProfile"],
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${clusterTag}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": region,
                        [`aws:RequestTag/${clusterTag}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": clusterName,
                        "aws:RequestTag/topology.kubernetes.io/region": region,
                    },
                    StringLike: {
                        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Resource: instanceProfiles,
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${clusterTag}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": region,
                    },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
        ],
        EKSIntegration: [
            { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: clusterArn, Action: ["eks:DescribeCluster"] },
        ],
        Interruption: [
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Resource: scope.interruptionQueueArn,
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            },
        ],
        ResourceDiscovery: [
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: REGIONAL_READ_ACTIONS,
                Condition: { StringEquals: { "aws:RequestedRegion": region } },
            },
            {
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                Resource: `arn:${partition}:ssm:${region}::parameter/aws/service/*`,
                Action: ["ssm:GetParameter"],
            },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: ["pricing:GetProducts"] },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: ["iam:ListInstanceProfiles"] },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: instanceProfiles, Action: ["iam:GetInstanceProfile"] },
        ],
        ZonalShift: [
            {
                Sid: "AllowZonalShiftStatusReadOnly",
                Effect: "Allow",
                Resource: "*",
                Action: ["arc-zonal-shift:GetManagedResource"],
                Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
            },
        ],
    };
}

/** All controller statements, flattened in upstream's order. */
export function controllerPolicyStatements(scope: KarpenterPolicyScope): KarpenterStatement[] {
    const groups = controllerPolicyGroups(scope);
    return CONTROLLER_POLICY_GROUPS.flatMap((g) => groups[g]);
}

/**
 * The interruption queue's resource policy: EventBridge may send, only for this cluster's interruption rules, and
 * nobody may use the queue without TLS. Upstream also admits `sqs.amazonaws.com` and any rule of the account.
 */
export function interruptionQueuePolicy(queueArn: string, ruleArns: readonly string[]): PolicyDocument {
    if (ruleArns.length === 0) throw new Error("interruptionQueuePolicy: at least one EventBridge rule ARN");
    return {
        Version: "2012-10-17",
        Id: "EC2InterruptionPolicy",
        Statement: [
            {
                Sid: "AllowEventBridgeSend",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] } },
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
