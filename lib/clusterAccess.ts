/**
 * Who may call the cluster's API and from where: EKS access entries for the deployers, the refusal rules for
 * the identity running pulumi, the 443 ingress rules of the private endpoint, and the transform that removes
 * the invisible cluster-creator admin pulumi-eks would otherwise create.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AccessLevel, DeployerConfig } from "../config";

/** EKS access policy per access level, each with cluster scope (EKS user guide, "Review access policy permissions"). */
export const ACCESS_POLICY_NAMES: Readonly<Record<AccessLevel, string>> = {
    // The whole cluster including cluster-scoped kinds; AmazonEKSAdminPolicy would stop at namespaced objects.
    admin: "AmazonEKSClusterAdminPolicy",
    edit: "AmazonEKSEditPolicy",
    view: "AmazonEKSViewPolicy",
};

export function accessPolicyArn(level: AccessLevel, partition = "aws"): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${ACCESS_POLICY_NAMES[level]}`;
}

/**
 * The resource-name suffix of a principal's access entry: its account and IAM path/name, so that reordering
 * `deployers` never moves an entry to another resource (EKS refuses a second entry for a principal, so a move
 * would fail half-way).
 */
export function principalKey(principalArn: string): string {
    const [, , , , account, resource] = principalArn.split(":");
    return `${account}-${resource}`;
}

/** The identity running pulumi, as the caller check sees it. */
export interface CallerCheckArgs {
    /** IAM role or user ARN (an assumed-role session already resolved to its role). */
    readonly callerArn: string;
    readonly deployers: readonly DeployerConfig[];
    /** The caller gets its own admin entry (terraform-aws-eks `enable_cluster_creator_admin_permissions`). */
    readonly clusterCreatorAdmin: boolean;
    /** `pulumi preview` (true) or `pulumi up` (false). */
    readonly dryRun: boolean;
}

/**
 * Why the identity running pulumi could not do its job, or undefined. Checked before the cluster is created, so
 * that the failure is a message in the preview instead of Unauthorized (or ResourceInUseException) half-way
 * through the first `up`.
 */
export function callerProblem(args: CallerCheckArgs): string | undefined {
    const i = args.deployers.findIndex((d) => d.principalArn === args.callerArn);
    const who = `the identity running pulumi (${args.callerArn})`;
    if (i >= 0 && args.clusterCreatorAdmin) {
        return `'clusterCreatorAdmin' is true, expected false: ${who} is deployers[${i}] already, and EKS allows one access entry per principal`;
    }
    if (i < 0 && !args.clusterCreatorAdmin) {
        return `'deployers' does not list ${who}, expected it there (or clusterCreatorAdmin true for this update): without an access entry every Kubernetes resource fails with Unauthorized`;
    }
    if (i >= 0 && !args.dryRun && args.deployers[i].access !== "admin") {
        return `'deployers[${i}].access' is ${JSON.stringify(args.deployers[i].access)} for ${who}, expected "admin": pulumi up writes cluster-scoped objects`;
    }
    return undefined;
}

/** The type pulumi-eks 4.3.0 creates the control plane as, inside its `eks:index:Cluster` component. */
export const EKS_CONTROL_PLANE_TYPE = "aws:eks/cluster:Cluster";

/**
 * A transform for the `eks.Cluster` component: its control plane is created with
 * `bootstrapClusterCreatorAdminPermissions: false`. pulumi-eks 4.3.0 hard-codes `true` whenever
 * `authenticationMode` is set (`createCore`, nodejs/eks/cluster/cluster.ts) and offers no input for it; that
 * entry is invisible to the program and cannot be removed later. pulumi-eks also ignores changes to the field,
 * so the transform never replaces an existing cluster.
 */
export function withoutCreatorAdmin(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== EKS_CONTROL_PLANE_TYPE) return undefined;
    const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
    return {
        props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } },
        opts: args.opts,
    };
}

/** One 443 ingress rule of the cluster security group: a network or a security group. */
export interface EndpointIngress {
    /** Resource-name suffix. */
    readonly key: string;
    readonly description: string;
    readonly cidrIpv4?: string;
    readonly referencedSecurityGroupId?: string;
}

/** HTTPS port of the Kubernetes API on the EKS endpoint. */
export const API_PORT = 443;

/** The sources allowed to reach the private endpoint, one ingress rule each. */
export function endpointIngress(endpoint: {
    readonly privateAccessCidrs: readonly string[];
    readonly privateAccessSecurityGroupIds: readonly string[];
}): EndpointIngress[] {
    return [
        ...endpoint.privateAccessCidrs.map((cidr) => ({
            key: cidr.replace("/", "-"),
            description: `Kubernetes API from ${cidr} (clusterEndpoint.privateAccessCidrs)`,
            cidrIpv4: cidr,
        })),
        ...endpoint.privateAccessSecurityGroupIds.map((id) => ({
            key: id,
            description: `Kubernetes API from ${id} (clusterEndpoint.privateAccessSecurityGroupIds)`,
            referencedSecurityGroupId: id,
        })),
    ];
}
