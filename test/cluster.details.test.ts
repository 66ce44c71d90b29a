/**
 * The cluster's supporting resources field by field (prod plan): the KMS key and its alias, the system node
 * group's launch template and node group, the add-ons, the security-group tag Karpenter discovers, and the
 * Kubernetes provider every object goes through.
 */
import { find, inputsOf, plan } from "./harness";

const TAGS = { environment: "prod", owner: "platform", "karpenter.sh/discovery": "service-prod" };

describe("Cluster, field by field (prod)", () => {
    test("KMS key: rotation on, the longest deletion window (30 days), protected; alias alias/eks/<cluster>", async () => {
        const p = await plan("prod");
        const key = find(p, "aws:kms/key:Key", "cluster-secrets");
        expect(key.inputs).toEqual({
            description: "Envelope encryption of Kubernetes Secrets in EKS cluster service-prod",
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: TAGS,
        });
        expect(key.protect).toBe(true);
        const alias = find(p, "aws:kms/alias:Alias", "cluster-secrets");
        expect((alias.inputs as { name: string }).name).toBe("alias/eks/service-prod");
        expect(alias.dependencies).toContain(key.urn);
        expect(find(await plan("dev"), "aws:kms/key:Key", "cluster-secrets").protect).toBe(false);
    });

    test("EKS cluster: nodes without public IPs, private and public subnets as the VPC made them, no extra security groups", async () => {
        const p = await plan("prod");
        const c = inputsOf(p, "eks:index:Cluster", "cluster-eks");
        expect(c.nodeAssociatePublicIpAddress).toBe(false);
        expect(c.skipDefaultSecurityGroups).toBe(true);
        expect(c.privateSubnetIds).toHaveLength(3);
        expect(c.publicSubnetIds).toHaveLength(3);
        expect(c.privateSubnetIds.some((s: string) => c.publicSubnetIds.includes(s))).toBe(false);
        expect(c.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
        expect(c.tags).toEqual(TAGS);
        expect(find(p, "eks:index:Cluster", "cluster-eks").dependencies).toContain(find(p, "aws:kms/key:Key", "cluster-secrets").urn);
    });

    test("system launch template: IMDSv2 only with hop limit 1, an encrypted gp3 root on /dev/xvda (AL2023's root device), tagged instances and volumes", async () => {
        const lt = inputsOf(await plan("prod"), "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        expect(lt).toEqual({
            description: "System node group of service-prod: IMDSv2 only, encrypted root volume",
            instanceType: "t3.medium",
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            tagSpecifications: [
                { resourceType: "instance", tags: { ...TAGS, Name: "service-prod-system" } },
                { resourceType: "volume", tags: TAGS },
            ],
            tags: TAGS,
        });
        const disk = inputsOf(await plan("prod", 'systemNodeGroup={"instanceType":"t3.large","desiredSize":2,"minSize":2,"maxSize":4,"diskSizeGiB":80}'), "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        expect(disk.blockDeviceMappings[0].ebs.volumeSize).toBe(80);
    });

    test("system node group: on-demand, one node at a time on updates, in the private subnets, from the launch template, after the node role's policies", async () => {
        const p = await plan("prod");
        const ng = find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        const inputs = ng.inputs as Record<string, any>;
        expect(inputs.nodeGroupName).toBe("system");
        expect(inputs.clusterName).toBe("service-prod");
        expect(inputs.capacityType).toBe("ON_DEMAND");
        expect(inputs.updateConfig).toEqual({ maxUnavailable: 1 });
        expect(inputs.subnetIds).toEqual(inputsOf(p, "eks:index:Cluster", "cluster-eks").privateSubnetIds);
        expect(inputs.launchTemplate).toEqual({ id: "cluster-system-id", version: "1" });
        expect(inputs.nodeRoleArn).toMatch(/^arn:aws:iam::123456789012:role\/cluster-system-node-/);
        expect(inputs.tags).toEqual(TAGS);
        // The CNI policy is on the aws-node service account's role, not the node role (EKS best practice).
        for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"]) {
            expect(ng.dependencies).toContain(find(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", `cluster-system-node-${policy}`).urn);
        }
        const role = inputsOf(p, "aws:iam/role:Role", "cluster-system-node");
        expect(role.description).toBe("System node group of service-prod");
        expect(role.name).toBeUndefined();
    });

    test("add-ons: CoreDNS (two replicas on the system nodes) and the Pod Identity agent; EKS overwrites on create, keeps changes on update", async () => {
        const p = await plan("prod");
        const { addonVersion: corednsVersion, ...coredns } = inputsOf(p, "aws:eks/addon:Addon", "cluster-coredns");
        // Versions are resolved per Kubernetes minor (an EKS add-on version always ends in -eksbuild.N).
        expect(corednsVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        expect(coredns).toEqual({
            clusterName: "service-prod",
            addonName: "coredns",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            configurationValues: JSON.stringify({
                nodeSelector: { "platform/node-class": "system" },
                tolerations: [{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }],
                replicaCount: 2,
            }),
            tags: TAGS,
        });
        const { addonVersion: agentVersion, ...agent } = inputsOf(p, "aws:eks/addon:Addon", "cluster-eks-pod-identity-agent");
        expect(agentVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        expect(agent).toEqual({
            clusterName: "service-prod",
            addonName: "eks-pod-identity-agent",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags: TAGS,
        });
    });

    test("Karpenter discovers the cluster security group by its karpenter.sh/discovery tag", async () => {
        const p = await plan("prod");
        const tag = find(p, "aws:ec2/tag:Tag", "cluster-cluster-sg-discovery");
        expect(tag.inputs).toEqual({ key: "karpenter.sh/discovery", value: "service-prod", resourceId: p.outputs.clusterSecurityGroupId });
    });

    test("the Kubernetes provider: the cluster's kubeconfig, server-side apply, and no silent deletes of unreachable objects", async () => {
        const p = await plan("prod");
        const provider = inputsOf(p, "pulumi:providers:kubernetes", "cluster-k8s");
        expect(provider.enableServerSideApply).toBe("true");
        expect(provider.deleteUnreachable).toBe("false");
        const kubeconfig = JSON.parse(provider.kubeconfig);
        expect(kubeconfig.clusters[0].name).toBe("service-prod");
        // `aws eks get-token` (AWS CLI v2) for this cluster and region, as JSON (the exec credential format).
        expect(kubeconfig.users[0].user.exec.args).toEqual(["--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "service-prod", "--output", "json"]);
    });
});
