/**
 * IAM building blocks shared by the components: typed policy documents (the SDK's own `PolicyDocument`
 * type, so a misspelt field is a compile error) and role names that fit IAM's limits.
 */
import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type PolicyDocument = aws.iam.PolicyDocument;
export type PolicyStatement = aws.iam.PolicyStatement;

/**
 * Managed policies every EKS worker node needs (system node group and Karpenter nodes alike). Not
 * `AmazonEKS_CNI_Policy`: that is on the VPC CNI's own role (`aws-node`), so no other pod can use it through the
 * node's instance profile.
 */
export const NODE_MANAGED_POLICIES: readonly string[] = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
];

export function managedPolicyArn(name: string, partition = "aws"): string {
    return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy for a role assumed by an AWS service principal such as `ec2.amazonaws.com`. */
export function serviceTrustPolicy(service: pulumi.Input<string>): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

export const IAM_ROLE_NAME_MAX = 64;

/**
 * A deterministic IAM-safe name of at most `max` characters: the name itself when it fits, otherwise a
 * prefix and an 8-character hash of the whole name, so distinct long names never collide.
 */
export function boundedName(name: string, max = IAM_ROLE_NAME_MAX): string {
    const safe = name.replace(/[^\w+=,.@-]/g, "-");
    if (safe.length <= max) return safe;
    const hash = crypto.createHash("sha256").update(safe).digest("hex").slice(0, 8);
    return `${safe.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * A deliberate, named difference between a policy here and the upstream document it follows (the controllers'
 * published IAM policies). Upstream policies are written for one cluster per account; these scope them to one
 * cluster, VPC and account. Tests check that every difference from upstream is listed, and nothing else differs.
 */
export interface UpstreamDeviation {
    /** Stable id, used in tests and the README. */
    readonly id: string;
    /** The statements (by Sid) this deviation changes or adds. */
    readonly statements: readonly string[];
    /** What upstream grants. */
    readonly upstream: string;
    /** What is granted here instead. */
    readonly here: string;
    /** What the difference prevents. */
    readonly why: string;
}
