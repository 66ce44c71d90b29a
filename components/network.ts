import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { inheritedAwsProvider } from "../lib/providers";

/** Subnet tags that the AWS Load Balancer Controller and Karpenter discover subnets by. */
export function subnetTags(clusterName: string): { public: Record<string, string>; private: Record<string, string> } {
    return {
        public: { "kubernetes.io/role/elb": "1" },
        private: { "kubernetes.io/role/internal-elb": "1", "karpenter.sh/discovery": clusterName },
    };
}

export interface NetworkArgs {
    /** Cluster the subnets are tagged for (load balancer and Karpenter discovery). */
    readonly clusterName: string;
    /** New VPC layout; ignored when `existing` is set. */
    readonly vpc: {
        readonly cidrBlock: string;
        readonly availabilityZones: number;
        /** `Single` NAT gateway, or `OnePerAz` so that an AZ outage never cuts egress in the others. */
        readonly natGateways: "Single" | "OnePerAz";
    };
    /** Use this VPC and its subnets instead of creating one; they get the discovery tags. */
    readonly existing?: {
        readonly vpcId: string;
        readonly publicSubnetIds: readonly string[];
        readonly privateSubnetIds: readonly string[];
    } | null;
    /** Tags for every resource. */
    readonly tags: Record<string, string>;
    /** Protect the VPC from deletion. */
    readonly protect?: boolean;
}

/** The VPC: public subnets for load balancers, private subnets for nodes and pods, NAT for egress. */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** The VPC's (primary) IPv4 CIDR: load balancers, nodes and the control plane's interfaces are in it. */
    public readonly cidrBlock: pulumi.Output<string>;
    /**
     * Public IPs of the VPC's NAT gateways: how clients inside the VPC appear to an internet-facing load balancer.
     * Empty for an existing VPC (its NAT gateways are not known here).
     */
    public readonly natPublicIps: pulumi.Output<string[]>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:network:Network", name, {}, opts);
        const tags = subnetTags(args.clusterName);

        const prefix = Number(args.vpc.cidrBlock.split("/")[1]);
        if (args.existing) {
            const existing = args.existing;
            const tagSubnets = (kind: "public" | "private", ids: readonly string[]) =>
                ids.flatMap((subnetId) =>
                    Object.entries(tags[kind]).map(
                        ([key, value]) =>
                            new aws.ec2.Tag(`${name}-${subnetId}-${key.replace(/[^\w-]/g, "-")}`, { resourceId: subnetId, key, value }, { parent: this }),
                    ),
                );
            tagSubnets("public", existing.publicSubnetIds);
            tagSubnets("private", existing.privateSubnetIds);
            this.vpcId = pulumi.output(existing.vpcId);
            this.cidrBlock = aws.ec2.getVpcOutput({ id: existing.vpcId }, { parent: this }).cidrBlock;
            this.natPublicIps = pulumi.output([]);
            this.publicSubnetIds = pulumi.output([...existing.publicSubnetIds]);
            this.privateSubnetIds = pulumi.output([...existing.privateSubnetIds]);
        } else {
            const vpc = new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: args.vpc.cidrBlock,
                    numberOfAvailabilityZones: args.vpc.availabilityZones,
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    natGateways: { strategy: args.vpc.natGateways },
                    subnetStrategy: "Auto",
                    subnetSpecs: [
                        { type: "Public", cidrMask: prefix + 5, tags: tags.public },
                        { type: "Private", cidrMask: prefix + 3, tags: tags.private },
                    ],
                    tags: { ...args.tags, Name: `${args.clusterName}-vpc` },
                },
                // A multi-language component gets providers only when named: pass on the inherited AWS provider.
                { parent: this, protect: args.protect, providers: inheritedAwsProvider(this) },
            );
            this.vpcId = vpc.vpcId;
            this.cidrBlock = pulumi.output(args.vpc.cidrBlock);
            // NAT gateways come back as resource references (their publicIp an output), or as plain values offline.
            this.natPublicIps = vpc.natGateways.apply((gateways) =>
                pulumi.all((gateways ?? []).map((g) => pulumi.output(g.publicIp as pulumi.Input<string>))),
            );
            this.publicSubnetIds = vpc.publicSubnetIds;
            this.privateSubnetIds = vpc.privateSubnetIds;
        }

        this.registerOutputs({ vpcId: this.vpcId, cidrBlock: this.cidrBlock, natPublicIps: this.natPublicIps, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
    }
}
