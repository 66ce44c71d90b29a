import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NODE_MANAGED_POLICIES, managedPolicyArn, serviceTrustPolicy } from "./iam";

export interface NodeRoleArgs {
    /** IAM role name; default: generated from the resource name. */
    readonly roleName?: string;
    readonly description: string;
    readonly tags: Record<string, string>;
}

/**
 * An EC2 node role with the managed policies every EKS worker needs, trusted by EC2 in the stack's partition.
 * Shared by the system node group and Karpenter's nodes; attachments are named `<name>-<policy>`.
 */
export function createNodeRole(
    name: string,
    args: NodeRoleArgs,
    opts: { parent: pulumi.Resource },
): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
    const partition = aws.getPartitionOutput({}, opts);
    const role = new aws.iam.Role(
        name,
        {
            name: args.roleName,
            description: args.description,
            assumeRolePolicy: pulumi.jsonStringify(serviceTrustPolicy(pulumi.interpolate`ec2.${partition.dnsSuffix}`)),
            tags: args.tags,
        },
        opts,
    );
    const attachments = NODE_MANAGED_POLICIES.map(
        (policy) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${policy}`,
                { role: role.name, policyArn: partition.partition.apply((p) => managedPolicyArn(policy, p)) },
                opts,
            ),
    );
    return { role, attachments };
}
