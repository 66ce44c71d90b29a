import { find, inputsOf, ofType, plan, STACKS } from "./harness";

const VPC = "awsx:ec2:Vpc";

describe("Network", () => {
    test.each([
        ["dev", "10.10.0.0/16", "Single"],
        ["stage", "10.20.0.0/16", "Single"],
        ["prod", "10.30.0.0/16", "OnePerAz"],
    ])("%s: VPC across 3 AZs with %s and NAT %s", async (stack, cidr, nat) => {
        const vpc = inputsOf(await plan(stack), VPC, "network-vpc");
        expect(vpc.cidrBlock).toBe(cidr);
        expect(vpc.numberOfAvailabilityZones).toBe(3);
        expect(vpc.natGateways).toEqual({ strategy: nat });
        // EKS requires both DNS attributes on the VPC (EKS user guide, "View Amazon EKS networking requirements for VPC
        // and subnets"): nodes register by their private DNS names, and the private endpoint resolves only with them.
        expect(vpc.enableDnsHostnames).toBe(true);
        expect(vpc.enableDnsSupport).toBe(true);
        // The console and cost reports show a VPC by its Name tag; the stack's tags go on it too.
        expect(vpc.tags).toEqual({ environment: stack, owner: "platform", Name: `service-${stack}-vpc` });
    });

    test.each(STACKS)("%s: subnets are tagged for load balancers and Karpenter discovery", async (stack) => {
        const specs = inputsOf(await plan(stack), VPC, "network-vpc").subnetSpecs as { type: string; cidrMask: number; tags: Record<string, string> }[];
        const pub = specs.find((s) => s.type === "Public")!;
        const priv = specs.find((s) => s.type === "Private")!;
        expect(pub.tags).toEqual({ "kubernetes.io/role/elb": "1" });
        expect(priv.tags).toEqual({ "kubernetes.io/role/internal-elb": "1", "karpenter.sh/discovery": `service-${stack}` });
        // Private subnets are the big ones: pods take their IPs from them (VPC CNI).
        expect(priv.cidrMask).toBe(19);
        expect(pub.cidrMask).toBe(21);
    });

    test("prod protects the VPC; dev does not", async () => {
        expect(find(await plan("prod"), VPC, "network-vpc").protect).toBe(true);
        expect(find(await plan("dev"), VPC, "network-vpc").protect).toBe(false);
    });

    test("an existing VPC is used by id, its subnets tagged, and no VPC is created", async () => {
        const existing = {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        };
        // An internet-facing Gateway in an existing VPC needs its preview sources named (its NAT IPs are unknown here).
        const p = await plan("dev", `existingVpc=${JSON.stringify(existing)}`, 'previewAccess={"sourceCidrs":["203.0.113.0/24"]}');
        expect(ofType(p, VPC)).toHaveLength(0);
        // Every subnet tag, by name (a tag's name is its URN: renaming one would delete and re-create the tag): the
        // load balancer controller's subnet discovery (kubernetes.io/role/elb on public, kubernetes.io/role/internal-elb
        // on private subnets, value 1) and Karpenter's (karpenter.sh/discovery = the cluster's name, private only).
        const subnetTags = ofType(p, "aws:ec2/tag:Tag").filter((t) => t.name.startsWith("network-"));
        expect(subnetTags.map((t) => [t.name, t.inputs])).toEqual([
            ["network-subnet-0aaaaaaaaaaaaaaa1-kubernetes-io-role-elb", { resourceId: "subnet-0aaaaaaaaaaaaaaa1", key: "kubernetes.io/role/elb", value: "1" }],
            ["network-subnet-0aaaaaaaaaaaaaaa2-kubernetes-io-role-elb", { resourceId: "subnet-0aaaaaaaaaaaaaaa2", key: "kubernetes.io/role/elb", value: "1" }],
            ["network-subnet-0bbbbbbbbbbbbbbb1-kubernetes-io-role-internal-elb", { resourceId: "subnet-0bbbbbbbbbbbbbbb1", key: "kubernetes.io/role/internal-elb", value: "1" }],
            ["network-subnet-0bbbbbbbbbbbbbbb1-karpenter-sh-discovery", { resourceId: "subnet-0bbbbbbbbbbbbbbb1", key: "karpenter.sh/discovery", value: "service-dev" }],
            ["network-subnet-0bbbbbbbbbbbbbbb2-kubernetes-io-role-internal-elb", { resourceId: "subnet-0bbbbbbbbbbbbbbb2", key: "kubernetes.io/role/internal-elb", value: "1" }],
            ["network-subnet-0bbbbbbbbbbbbbbb2-karpenter-sh-discovery", { resourceId: "subnet-0bbbbbbbbbbbbbbb2", key: "karpenter.sh/discovery", value: "service-dev" }],
        ]);
        expect(p.outputs.privateSubnetIds).toEqual(existing.privateSubnetIds);
        const cluster = inputsOf(p, "eks:index:Cluster", "cluster-eks");
        expect(cluster.vpcId).toBe(existing.vpcId);
        expect(cluster.privateSubnetIds).toEqual(existing.privateSubnetIds);
        expect(p.outputs.vpcId).toBe(existing.vpcId);
    });
});
