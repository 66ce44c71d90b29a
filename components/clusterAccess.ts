import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeployerConfig } from "../config";
import { accessPolicyArn, endpointIngress, principalKey, API_PORT } from "../lib/clusterAccess";

export interface ClusterAccessArgs {
    /** The cluster, as an output that resolves once it exists. */
    readonly clusterName: pulumi.Input<string>;
    /** EKS-managed cluster security group, which fronts the private endpoint's network interfaces. */
    readonly clusterSecurityGroupId: pulumi.Input<string>;
    /** Principals with an access entry and their access level (unique principals: config validation checks). */
    readonly deployers: readonly DeployerConfig[];
    /**
     * The identity running pulumi, given an admin entry of its own (`clusterCreatorAdmin`); it is never one of
     * `deployers` (checked before the cluster is created). Default: no such entry.
     */
    readonly callerArn?: pulumi.Input<string>;
    /** Networks and security groups that may reach the private endpoint on 443. Default: none. */
    readonly privateAccessCidrs?: readonly string[];
    readonly privateAccessSecurityGroupIds?: readonly string[];
    readonly tags?: Record<string, string>;
}

/**
 * Access to the Kubernetes API: an explicit EKS access entry and cluster-scoped access policy per deployer
 * (nothing implicit: the cluster is created without the creator's bootstrap entry), and the 443 ingress rules
 * that let the configured networks reach the private endpoint. The Kubernetes provider depends on this
 * component, so no Kubernetes call is made before the caller's entry and the network path exist.
 */
export class ClusterAccess extends pulumi.ComponentResource {
    /** Principal ARNs with an access entry, the caller's included. */
    public readonly principalArns: pulumi.Output<string[]>;

    constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:cluster:ClusterAccess", name, {}, opts);

        const grant = (key: string, principalArn: pulumi.Input<string>, access: DeployerConfig["access"]) => {
            const entry = new aws.eks.AccessEntry(
                `${name}-${key}`,
                { clusterName: args.clusterName, principalArn, type: "STANDARD", tags: args.tags },
                { parent: this },
            );
            new aws.eks.AccessPolicyAssociation(
                `${name}-${key}`,
                {
                    clusterName: args.clusterName,
                    principalArn: entry.principalArn,
                    // The principal's partition (aws, aws-cn, aws-us-gov) is the policy's.
                    policyArn: pulumi.output(principalArn).apply((arn) => accessPolicyArn(access, arn.split(":")[1])),
                    accessScope: { type: "cluster" },
                },
                { parent: this, dependsOn: [entry] },
            );
            return entry.principalArn;
        };

        const principals = args.deployers.map((d) => grant(principalKey(d.principalArn), d.principalArn, d.access));
        if (args.callerArn !== undefined) principals.push(grant("caller", args.callerArn, "admin"));

        const sources = endpointIngress({
            privateAccessCidrs: args.privateAccessCidrs ?? [],
            privateAccessSecurityGroupIds: args.privateAccessSecurityGroupIds ?? [],
        });
        for (const source of sources) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-api-${source.key}`,
                {
                    securityGroupId: args.clusterSecurityGroupId,
                    description: source.description,
                    ipProtocol: "tcp",
                    fromPort: API_PORT,
                    toPort: API_PORT,
                    cidrIpv4: source.cidrIpv4,
                    referencedSecurityGroupId: source.referencedSecurityGroupId,
                    tags: args.tags,
                },
                { parent: this },
            );
        }

        this.principalArns = pulumi.all(principals);
        this.registerOutputs({ principalArns: this.principalArns });
    }
}
