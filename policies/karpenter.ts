/**
 * Nodes and node capacity: IMDSv2 with hop limit 1 and encrypted volumes on every node (Karpenter EC2NodeClasses
 * and the launch templates of managed node groups), node groups that use such a launch template, on-demand
 * production capacity, bounded NodePools, and NodePools that consolidate.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { EC2NodeClass, EksClusterView, EksManagedNodeGroupView, NodePool, NodePoolView, NodeSelectorRequirementView } from "./types";
import { orUnknown } from "./unknowns";

const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";
export const CAPACITY_TYPES = ["on-demand", "spot", "reserved"] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

function described(kind: string, name: string | undefined): string {
    return name ? `${kind} "${name}"` : kind;
}

// ---------------------------------------------------------------------------------------------------------------------
// IMDS
// ---------------------------------------------------------------------------------------------------------------------

interface MetadataOptions {
    httpTokens?: string;
    httpPutResponseHopLimit?: number;
}

/** Problems with instance metadata options, after the defaults of the resource kind are applied. */
function imdsProblems(options: MetadataOptions): string[] {
    const problems: string[] = [];
    if (options.httpTokens !== "required") {
        problems.push(`allows IMDSv1 (metadataOptions.httpTokens is ${JSON.stringify(options.httpTokens ?? null)}, must be "required")`);
    }
    if (options.httpPutResponseHopLimit !== 1) {
        problems.push(
            `sets metadataOptions.httpPutResponseHopLimit to ${JSON.stringify(options.httpPutResponseHopLimit ?? null)}: pods could reach the node's role through IMDS; use 1`,
        );
    }
    return problems;
}

export const nodeImdsv2: ResourceValidationPolicy = {
    name: "node-imdsv2-hop-limit-1",
    description: "Nodes require IMDSv2 tokens with a response hop limit of 1, so that pods cannot use the node's IAM role.",
    severity: "high",
    validateResource: [
        validateResourceOfType(EC2NodeClass, (nodeClass, args, reportViolation) => {
            // Karpenter's CRD defaults: tokens required, hop limit 1.
            const options = { httpTokens: "required", httpPutResponseHopLimit: 1, ...nodeClass.spec?.metadataOptions };
            const problems = imdsProblems(options);
            if (problems.length > 0) reportViolation(`${described("EC2NodeClass", nodeClass.metadata?.name ?? args.name)} ${problems.join("; ")}.`);
        }),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
            // EC2's defaults depend on the AMI: a launch template states both settings.
            const problems = imdsProblems(template.metadataOptions ?? {});
            if (problems.length > 0) reportViolation(`Launch template ${problems.join("; ")}.`);
        }),
    ],
};

const LAUNCH_TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate";

interface LaunchTemplateRef {
    id?: string;
    name?: string;
    version?: string;
}

/** The LaunchTemplate a node group names: the one it depends on, else the one whose name it gives. */
function launchTemplateOf(group: PolicyResource, ref: LaunchTemplateRef, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const dependencies = group.dependencies.filter((d) => d.type === LAUNCH_TEMPLATE_TYPE);
    if (dependencies.length === 1) return dependencies[0];
    const byName = (t: PolicyResource) => ref.name !== undefined && orUnknown(() => (t.props as { name?: string }).name === ref.name, false);
    return dependencies.find(byName) ?? resources.find((t) => t.type === LAUNCH_TEMPLATE_TYPE && byName(t));
}

/** Why a node group's instances may accept IMDSv1, or undefined when its launch template requires tokens. */
function launchTemplateProblem(group: PolicyResource, ref: LaunchTemplateRef | undefined, resources: readonly PolicyResource[]): string | undefined {
    if (!ref) return "uses no launch template, so its instances' metadata options are EKS's defaults, not IMDSv2 with hop limit 1";
    const template = launchTemplateOf(group, ref, resources);
    if (!template) return `names launch template ${ref.name ?? ref.id ?? "[unknown]"}, which the stack does not define: its IMDS settings cannot be checked`;
    const tokens = (template.props as { metadataOptions?: { httpTokens?: string } }).metadataOptions?.httpTokens;
    return tokens === "required" ? undefined : `uses launch template ${template.name}, which does not require IMDSv2 (metadataOptions.httpTokens is ${JSON.stringify(tokens ?? null)})`;
}

export const nodeGroupLaunchTemplateImdsv2: StackValidationPolicy = {
    name: "nodegroup-launch-template-imdsv2",
    description:
        "Every node group runs from a launch template that requires IMDSv2: EKS managed node groups (aws.eks.NodeGroup, pulumi-eks ManagedNodeGroup) name one the stack defines; no pulumi-eks default or self-managed node group, whose IMDS settings the stack cannot set.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        for (const r of args.resources) {
            const problem = orUnknown(() => nodeGroupProblem(r, args.resources), undefined);
            if (problem) reportViolation(`${r.type.split(":").pop()} ${r.name} ${problem}.`, r.urn);
        }
    },
};

/** Why a node group (of any kind) may run instances that accept IMDSv1, or undefined. */
function nodeGroupProblem(r: PolicyResource, resources: readonly PolicyResource[]): string | undefined {
    if (r.isType(aws.eks.NodeGroup)) return launchTemplateProblem(r, (r.props as { launchTemplate?: LaunchTemplateRef }).launchTemplate, resources);
    switch (r.type) {
        case "eks:index:ManagedNodeGroup": {
            const group = r.props as EksManagedNodeGroupView;
            // pulumi-eks builds its own launch template with IMDSv2 when asked and none is given.
            return group.launchTemplate || group.enableIMDSv2 !== true ? launchTemplateProblem(r, group.launchTemplate, resources) : undefined;
        }
        case "eks:index:NodeGroup":
        case "eks:index:NodeGroupV2":
            return "is a pulumi-eks self-managed node group, whose launch template's IMDS settings the stack cannot set: use an EKS managed node group with a launch template";
        case "eks:index:Cluster": {
            const cluster = r.props as EksClusterView;
            const defaultGroup = cluster.skipDefaultNodeGroup !== true && cluster.fargate === undefined && cluster.autoMode?.enabled !== true;
            return defaultGroup ? "creates pulumi-eks's default node group (skipDefaultNodeGroup is not true), whose IMDS settings the stack cannot set" : undefined;
        }
        default:
            return undefined;
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Volume encryption
// ---------------------------------------------------------------------------------------------------------------------

export const nodeVolumesEncrypted: ResourceValidationPolicy = {
    name: "node-volumes-encrypted",
    description: "Every EBS volume of a node is encrypted.",
    severity: "high",
    validateResource: [
        validateResourceOfType(EC2NodeClass, (nodeClass, args, reportViolation) => {
            // Without blockDeviceMappings, Karpenter gives AL2023 nodes one encrypted gp3 root volume.
            for (const mapping of nodeClass.spec?.blockDeviceMappings ?? []) {
                if (mapping.ebs?.encrypted !== true) {
                    reportViolation(
                        `${described("EC2NodeClass", nodeClass.metadata?.name ?? args.name)} block device ${mapping.deviceName ?? "(root)"} is not encrypted (ebs.encrypted must be true).`,
                    );
                }
            }
        }),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, reportViolation) => {
            const mappings = template.blockDeviceMappings ?? [];
            if (mappings.length === 0) {
                reportViolation("Launch template declares no block device mappings: the root volume's encryption is left to the AMI and account defaults.");
            }
            for (const mapping of mappings) {
                // The AWS provider types this flag as a string.
                if (mapping.ebs && String(mapping.ebs.encrypted) !== "true") {
                    reportViolation(`Launch template block device ${mapping.deviceName ?? "(unnamed)"} is not encrypted (ebs.encrypted must be "true").`);
                }
            }
        }),
    ],
};

// ---------------------------------------------------------------------------------------------------------------------
// NodePools
// ---------------------------------------------------------------------------------------------------------------------

/** Capacity types a NodePool's requirements admit; Karpenter uses on-demand when a pool does not say. */
export function admittedCapacityTypes(requirements: readonly NodeSelectorRequirementView[]): string[] {
    let admitted: string[] | undefined;
    for (const r of requirements.filter((req) => req.key === CAPACITY_TYPE_LABEL)) {
        const values = r.values ?? [];
        const set =
            r.operator === "In"
                ? values
                : r.operator === "NotIn"
                  ? CAPACITY_TYPES.filter((c) => !values.includes(c))
                  : r.operator === "Exists"
                    ? [...CAPACITY_TYPES]
                    : [];
        admitted = admitted ? admitted.filter((c) => set.includes(c)) : [...set];
    }
    return admitted ?? ["on-demand"];
}

function requirementsOf(pool: NodePoolView): NodeSelectorRequirementView[] {
    return pool.spec?.template?.spec?.requirements ?? [];
}

export interface OnDemandConfig extends EnvironmentConfig {
    readonly allowedCapacityTypes: CapacityType[];
}

export const nodePoolOnDemandOnly: ResourceValidationPolicy = {
    name: "nodepool-on-demand-only",
    description: "Production NodePools provision on-demand capacity only (no spot).",
    severity: "high",
    configSchema: {
        properties: {
            ...environmentProperty,
            allowedCapacityTypes: {
                type: "array",
                items: { type: "string", enum: [...CAPACITY_TYPES] },
                default: ["on-demand"],
                description: "Capacity types production NodePools may use.",
            },
        },
    },
    validateResource: validateResourceOfType(NodePool, (pool, args, reportViolation) => {
        const { environment, allowedCapacityTypes } = args.getConfig<OnDemandConfig>();
        if (environment !== "prod") return;
        const extra = admittedCapacityTypes(requirementsOf(pool)).filter((c) => !(allowedCapacityTypes as string[]).includes(c));
        if (extra.length > 0) {
            reportViolation(
                `${described("NodePool", pool.metadata?.name ?? args.name)} admits capacity type ${extra.join(", ")} in prod (${CAPACITY_TYPE_LABEL}); production capacity is ${allowedCapacityTypes.join(", ")} only.`,
            );
        }
    }),
};

export interface LimitsConfig {
    readonly requiredLimits: string[];
}

export const nodePoolLimits: ResourceValidationPolicy = {
    name: "nodepool-limits",
    description: "NodePools cap the capacity they may provision (spec.limits), so a runaway workload cannot scale the bill without bound.",
    severity: "medium",
    configSchema: {
        properties: {
            requiredLimits: {
                type: "array",
                items: { type: "string", minLength: 1 },
                default: ["cpu", "memory"],
                description: "Resources every NodePool must limit.",
            },
        },
    },
    validateResource: validateResourceOfType(NodePool, (pool, args, reportViolation) => {
        const { requiredLimits } = args.getConfig<LimitsConfig>();
        const limits = pool.spec?.limits ?? {};
        const missing = requiredLimits.filter((r) => limits[r] === undefined || limits[r] === "");
        if (missing.length > 0) {
            reportViolation(`${described("NodePool", pool.metadata?.name ?? args.name)} has no limit for ${missing.join(", ")} (spec.limits): it can provision without bound.`);
        }
    }),
};

const ZERO_NODES = /^0+%?$/;

export interface ConsolidationConfig {
    readonly consolidationPolicies: string[];
}

export const nodePoolConsolidation: ResourceValidationPolicy = {
    name: "nodepool-consolidation",
    description: "NodePools consolidate underused nodes: a consolidation policy that includes underutilized nodes, consolidateAfter not Never, and no always-on budget of 0 nodes.",
    severity: "medium",
    configSchema: {
        properties: {
            consolidationPolicies: {
                type: "array",
                items: { type: "string", enum: ["WhenEmptyOrUnderutilized", "Balanced", "WhenEmpty"] },
                default: ["WhenEmptyOrUnderutilized", "Balanced"],
                description: "Accepted values of spec.disruption.consolidationPolicy.",
            },
        },
    },
    validateResource: validateResourceOfType(NodePool, (pool, args, reportViolation) => {
        const { consolidationPolicies } = args.getConfig<ConsolidationConfig>();
        const name = described("NodePool", pool.metadata?.name ?? args.name);
        if (pool.spec?.replicas !== undefined) {
            reportViolation(`${name} is static (spec.replicas): Karpenter never consolidates it.`);
            return;
        }
        const disruption = pool.spec?.disruption ?? {};
        const policy = disruption.consolidationPolicy ?? "WhenEmptyOrUnderutilized";
        const problems: string[] = [];
        if (!consolidationPolicies.includes(policy)) problems.push(`consolidationPolicy ${policy} is not one of ${consolidationPolicies.join(", ")}`);
        if (disruption.consolidateAfter === "Never") problems.push("consolidateAfter is Never");
        // A budget of 0 nodes without a schedule is always active and blocks the reasons it names (all if none).
        const blocked = new Set(
            (disruption.budgets ?? [{ nodes: "10%" }])
                .filter((b) => ZERO_NODES.test(b.nodes) && b.schedule === undefined)
                .flatMap((b) => b.reasons ?? ["Underutilized", "Empty", "Drifted"]),
        );
        const reasons = policy === "WhenEmpty" ? ["Empty"] : ["Empty", "Underutilized"];
        if (reasons.every((r) => blocked.has(r))) problems.push("an always-active budget of 0 nodes blocks every consolidation");
        if (problems.length > 0) reportViolation(`${name} does not consolidate: ${problems.join("; ")}.`);
    }),
};

export const karpenterPolicies = [nodeImdsv2, nodeVolumesEncrypted, nodeGroupLaunchTemplateImdsv2, nodePoolOnDemandOnly, nodePoolLimits, nodePoolConsolidation];
