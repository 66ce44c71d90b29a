import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool" with { "resolution-mode": "import" };
import type { IEC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass" with { "resolution-mode": "import" };
import type { NodeClassConfig, NodePoolConfig } from "../config";

export type NodePoolSpec = INodePool["spec"];
export type EC2NodeClassSpec = NonNullable<IEC2NodeClass["spec"]>;
type Requirement = NodePoolSpec["template"]["spec"]["requirements"][number];

export const NODE_CLASS_API_VERSION = "karpenter.k8s.aws/v1";
export const NODE_POOL_API_VERSION = "karpenter.sh/v1";
/** The one EC2NodeClass every NodePool launches from. */
export const DEFAULT_NODE_CLASS_NAME = "default";

/** Well-known node labels Karpenter's requirements select on. */
export const REQUIREMENT_KEYS = {
    architecture: "kubernetes.io/arch",
    os: "kubernetes.io/os",
    capacityType: "karpenter.sh/capacity-type",
    instanceType: "node.kubernetes.io/instance-type",
    instanceFamily: "karpenter.k8s.aws/instance-family",
    instanceCategory: "karpenter.k8s.aws/instance-category",
    instanceSize: "karpenter.k8s.aws/instance-size",
    instanceGeneration: "karpenter.k8s.aws/instance-generation",
    zone: "topology.kubernetes.io/zone",
} as const;

export interface NodeClassSpecOptions {
    readonly clusterName: string;
    readonly stack: string;
    /** Node IAM role name (Karpenter creates and manages the instance profile). */
    readonly role: string;
    readonly nodeClass: NodeClassConfig;
    /** Tags for the instances, volumes and launch templates Karpenter creates. */
    readonly tags: Record<string, string>;
}

/**
 * The EC2NodeClass: AL2023 alias, subnets and security groups discovered by the cluster's
 * `karpenter.sh/discovery` tag, IMDSv2 only with hop limit 1 (pods cannot reach node credentials), an
 * encrypted gp3 root volume, and tags naming cluster and stack.
 */
export function ec2NodeClassSpec(opts: NodeClassSpecOptions): EC2NodeClassSpec {
    const discovery = { "karpenter.sh/discovery": opts.clusterName };
    return {
        role: opts.role,
        amiSelectorTerms: [{ alias: opts.nodeClass.amiAlias }],
        subnetSelectorTerms: [{ tags: discovery }],
        securityGroupSelectorTerms: [{ tags: discovery }],
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [
            {
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: { volumeSize: opts.nodeClass.rootVolumeSize, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            },
        ],
        tags: { ...opts.tags, "eks-platform/cluster": opts.clusterName, "eks-platform/stack": opts.stack },
    };
}

/** Requirements from the pool's config: each set field becomes one `In` (or `Gt`) requirement. */
export function nodePoolRequirements(r: NodePoolConfig["requirements"]): Requirement[] {
    const requirements: Requirement[] = [
        { key: REQUIREMENT_KEYS.architecture, operator: "In", values: [...r.architectures] },
        { key: REQUIREMENT_KEYS.os, operator: "In", values: ["linux"] },
        { key: REQUIREMENT_KEYS.capacityType, operator: "In", values: [...r.capacityTypes] },
    ];
    const oneOf = (key: string, values: readonly string[] | undefined) => {
        if (values) requirements.push({ key, operator: "In", values: [...values] });
    };
    oneOf(REQUIREMENT_KEYS.instanceType, r.instanceTypes);
    oneOf(REQUIREMENT_KEYS.instanceFamily, r.instanceFamilies);
    oneOf(REQUIREMENT_KEYS.instanceCategory, r.instanceCategories);
    oneOf(REQUIREMENT_KEYS.instanceSize, r.instanceSizes);
    if (r.minGenerationExclusive !== undefined) {
        requirements.push({ key: REQUIREMENT_KEYS.instanceGeneration, operator: "Gt", values: [String(r.minGenerationExclusive)] });
    }
    oneOf(REQUIREMENT_KEYS.zone, r.zones);
    return requirements;
}

/** A NodePool spec from one `nodePools` entry; defaults are the config schema's (upstream's where config is silent). */
export function nodePoolSpec(cfg: NodePoolConfig, nodeClassName: string): NodePoolSpec {
    const limits: Record<string, string> = {};
    if (cfg.limits.cpu !== undefined) limits.cpu = cfg.limits.cpu;
    if (cfg.limits.memory !== undefined) limits.memory = cfg.limits.memory;
    const hasLabels = Object.keys(cfg.labels).length > 0;
    return {
        template: {
            ...(hasLabels ? { metadata: { labels: { ...cfg.labels } } } : {}),
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName },
                requirements: nodePoolRequirements(cfg.requirements),
                ...(cfg.taints.length > 0
                    ? { taints: cfg.taints.map((t) => ({ key: t.key, effect: t.effect, ...(t.value !== undefined ? { value: t.value } : {}) })) }
                    : {}),
                expireAfter: cfg.expireAfter,
            },
        },
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        disruption: {
            consolidationPolicy: cfg.disruption.consolidationPolicy,
            consolidateAfter: cfg.disruption.consolidateAfter,
            budgets: cfg.disruption.budgets.map((b) => ({
                nodes: b.nodes,
                ...(b.schedule !== undefined ? { schedule: b.schedule } : {}),
                ...(b.duration !== undefined ? { duration: b.duration } : {}),
                ...(b.reasons !== undefined ? { reasons: [...b.reasons] } : {}),
            })),
        },
        ...(cfg.weight !== undefined ? { weight: cfg.weight } : {}),
    };
}

/** The AWS service whose service-linked role (`AWSServiceRoleForEC2Spot`) EC2 needs before it launches Spot capacity. */
export const SPOT_SERVICE = "spot.amazonaws.com";

/** Whether any pool may launch Spot instances. */
export function allowsSpot(pools: readonly NodePoolConfig[]): boolean {
    return pools.some((p) => p.requirements.capacityTypes.includes("spot"));
}

export interface NodePoolsArgs {
    readonly clusterName: string;
    readonly stack: string;
    readonly nodeClass: NodeClassConfig;
    /** One NodePool per entry, named by the entry (names are unique: config validation checks). */
    readonly nodePools: readonly NodePoolConfig[];
    /** Node role name; resolves once the role has its policies and access entry. */
    readonly nodeRoleName: pulumi.Input<string>;
    /**
     * Create `AWSServiceRoleForEC2Spot` when a pool allows Spot. It is one per account: creation fails where it
     * exists already (another stack, or anything that ever used Spot there); set false in those accounts.
     */
    readonly createSpotServiceLinkedRole: boolean;
    /** Karpenter's CRD chart: every object here depends on it. */
    readonly crds: pulumi.Resource;
    /** Karpenter's controller: objects are deleted before it, while it can still drain and terminate nodes. */
    readonly controller: pulumi.Resource;
    readonly tags?: Record<string, string>;
}

/** The EC2NodeClass and the config-driven NodePools. */
export class NodePools extends pulumi.ComponentResource {
    public readonly nodeClassName: pulumi.Output<string>;
    public readonly nodePoolNames: pulumi.Output<string[]>;

    constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:karpenter:NodePools", name, {}, opts);
        const dependsOn: pulumi.Resource[] = [args.crds, args.controller];

        if (args.createSpotServiceLinkedRole && allowsSpot(args.nodePools)) {
            // Without it Karpenter's first Spot launch fails (ServiceLinkedRoleCreationNotPermitted unless it may
            // create the role itself). Retained on delete: the role is the account's, other stacks may use Spot.
            dependsOn.push(
                new aws.iam.ServiceLinkedRole(
                    `${name}-spot`,
                    { awsServiceName: SPOT_SERVICE },
                    { parent: this, retainOnDelete: true },
                ),
            );
        }

        const nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-${DEFAULT_NODE_CLASS_NAME}`,
            {
                apiVersion: NODE_CLASS_API_VERSION,
                kind: "EC2NodeClass",
                metadata: { name: DEFAULT_NODE_CLASS_NAME },
                spec: pulumi.output(args.nodeRoleName).apply((role) =>
                    ec2NodeClassSpec({ clusterName: args.clusterName, stack: args.stack, role, nodeClass: args.nodeClass, tags: args.tags ?? {} }),
                ),
            },
            { parent: this, dependsOn },
        );

        const pools = args.nodePools.map(
            (pool) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-${pool.name}`,
                    {
                        apiVersion: NODE_POOL_API_VERSION,
                        kind: "NodePool",
                        metadata: { name: pool.name },
                        spec: nodePoolSpec(pool, DEFAULT_NODE_CLASS_NAME),
                    },
                    { parent: this, dependsOn: [...dependsOn, nodeClass] },
                ),
        );

        this.nodeClassName = nodeClass.metadata.name;
        this.nodePoolNames = pulumi.all(pools.map((p) => p.metadata.name));
        this.registerOutputs({ nodeClassName: this.nodeClassName, nodePoolNames: this.nodePoolNames });
    }
}
