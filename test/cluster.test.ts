import { find, inputsOf, ofType, plan, planError, providerUrn, STACKS } from "./harness";

const CLUSTER = "eks:index:Cluster";

describe("Cluster", () => {
    test.each(STACKS)("%s: IRSA, access entries, envelope encryption and control-plane logs", async (stack) => {
        const p = await plan(stack);
        const c = inputsOf(p, CLUSTER, "cluster-eks");
        expect(c.name).toBe(`service-${stack}`);
        expect(c.version).toBe("1.35");
        expect(c.createOidcProvider).toBe(true);
        expect(c.authenticationMode).toBe("API");
        expect(c.skipDefaultNodeGroup).toBe(true);
        // All five control-plane log types EKS offers (AWS docs, "Send control plane logs to CloudWatch Logs").
        expect(c.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        const key = find(p, "aws:kms/key:Key", "cluster-secrets");
        expect((key.inputs as { enableKeyRotation: boolean }).enableKeyRotation).toBe(true);
        expect(c.encryptionConfigKeyArn).toMatch(/^arn:aws:kms:ap-northeast-2:123456789012:key\//);
        expect(c.endpointPrivateAccess).toBe(true);
        expect(c.tags).toEqual({ environment: stack, owner: "platform", "karpenter.sh/discovery": `service-${stack}` });
        // Every AWS resource is tagged with the stack and cluster through the provider's default tags.
        expect(inputsOf(p, "pulumi:providers:aws", "aws").defaultTags).toEqual(
            JSON.stringify({ tags: { environment: stack, owner: "platform", "eks-platform/stack": stack, "eks-platform/cluster": `service-${stack}` } }),
        );
        // Access entries are ClusterAccess's (test/clusterAccess.test.ts), none are pulumi-eks's.
        expect(c.accessEntries).toBeUndefined();
    });

    test.each([
        ["dev", 14],
        ["stage", 30],
        ["prod", 365],
    ])("%s: the control-plane log group exists before the cluster, kept %i days, encrypted with a key only CloudWatch Logs may use for it", async (stack, days) => {
        const p = await plan(stack);
        const logGroup = find(p, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane");
        const key = find(p, "aws:kms/key:Key", "cluster-logs");
        // The name EKS writes control-plane logs to (EKS user guide, "Send control plane logs to CloudWatch Logs").
        expect(logGroup.inputs).toMatchObject({ name: `/aws/eks/service-${stack}/cluster`, retentionInDays: days });
        expect((logGroup.inputs as { kmsKeyId: string }).kmsKeyId).toMatch(/^arn:aws:kms:ap-northeast-2:123456789012:key\//);
        expect(logGroup.dependencies).toContain(key.urn);
        // In the KMS console the key names what it encrypts: whoever considers scheduling its deletion sees the log group.
        expect((key.inputs as { description: string }).description).toBe(`Control-plane logs of EKS cluster service-${stack} (/aws/eks/service-${stack}/cluster)`);
        expect(find(p, CLUSTER, "cluster-eks").dependencies).toContain(logGroup.urn);
        // Key policy per the CloudWatch Logs guide ("Encrypt log data in CloudWatch Logs using AWS KMS").
        const policy = JSON.parse((key.inputs as { policy: string }).policy);
        expect(policy.Statement).toContainEqual({
            Sid: "CloudWatchLogsUsesItForTheControlPlaneLogGroup",
            Effect: "Allow",
            Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:ap-northeast-2:123456789012:log-group:/aws/eks/service-${stack}/cluster` } },
        });
        expect(policy.Statement).toContainEqual(expect.objectContaining({ Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*" }));
        expect([logGroup.protect, key.protect]).toEqual(stack === "prod" ? [true, true] : [false, false]);
        expect((await plan(stack)).outputs.controlPlaneLogGroup).toBe(`/aws/eks/service-${stack}/cluster`);
    });

    test.each(STACKS)("%s: upgradePolicy is explicit: STANDARD, never pulumi-eks's EXTENDED default", async (stack) => {
        expect(inputsOf(await plan(stack), CLUSTER, "cluster-eks").upgradePolicy).toEqual({ supportType: "STANDARD" });
    });

    test("clusterSupportType=EXTENDED keeps the version on extended support", async () => {
        expect(inputsOf(await plan("prod", "clusterSupportType=EXTENDED"), CLUSTER, "cluster-eks").upgradePolicy).toEqual({ supportType: "EXTENDED" });
    });

    test.each(STACKS)("%s: metrics-server community add-on, its version resolved for the minor, on the system nodes, before every HPA", async (stack) => {
        const p = await plan(stack);
        const metrics = find(p, "aws:eks/addon:Addon", "cluster-metrics-server");
        const inputs = metrics.inputs as { addonName: string; addonVersion: string; configurationValues: string };
        expect(inputs.addonName).toBe("metrics-server");
        expect(inputs.addonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        const values = JSON.parse(inputs.configurationValues);
        expect(values.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(values.nodeSelector).toEqual({ "platform/node-class": "system" });
        expect(values.replicas).toBe(2);
        expect(metrics.dependencies).toContain(find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system").urn);
        const hpas = ofType(p, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
        expect(hpas.length).toBeGreaterThan(0);
        for (const hpa of hpas) expect([hpa.name, hpa.dependencies.includes(metrics.urn)]).toEqual([hpa.name, true]);
    });

    test("prod: private endpoint only, deletion protection and Pulumi protect", async () => {
        const p = await plan("prod");
        const c = find(p, CLUSTER, "cluster-eks");
        expect((c.inputs as Record<string, unknown>).endpointPublicAccess).toBe(false);
        expect((c.inputs as Record<string, unknown>).publicAccessCidrs).toBeUndefined();
        expect((c.inputs as Record<string, unknown>).deletionProtection).toBe(true);
        expect(c.protect).toBe(true);
        expect(find(p, "aws:kms/key:Key", "cluster-secrets").protect).toBe(true);
    });

    test("dev: public endpoint limited to the configured CIDRs, not protected", async () => {
        const c = find(await plan("dev"), CLUSTER, "cluster-eks");
        expect((c.inputs as Record<string, unknown>).endpointPublicAccess).toBe(true);
        expect((c.inputs as Record<string, unknown>).publicAccessCidrs).toEqual(["203.0.113.0/24"]);
        expect(c.protect).toBe(false);
    });

    test.each([
        ["dev", 2, 2, 3],
        ["stage", 2, 2, 4],
        ["prod", 2, 2, 4],
    ])("%s: system node group sized %i (min %i, max %i), AL2023, tainted and labelled", async (stack, desired, min, max) => {
        const p = await plan(stack);
        const ng = inputsOf(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        expect(ng.scalingConfig).toEqual({ desiredSize: desired, minSize: min, maxSize: max });
        // The instance type is in the launch template (a new type rolls; on the node group it would force a replacement).
        expect(ng.instanceTypes).toBeUndefined();
        expect(ng.version).toBe("1.35");
        expect(ng.amiType).toBe("AL2023_x86_64_STANDARD");
        expect(ng.taints).toEqual([{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]);
        expect(ng.labels).toEqual({ "platform/node-class": "system" });
        const lt = inputsOf(p, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-system");
        expect(lt.instanceType).toBe("t3.medium");
        expect(lt.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: "true", volumeType: "gp3", volumeSize: 50 });
        const role = find(p, "aws:iam/role:Role", "cluster-system-node");
        const policies = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.parent === role.parent && a.name.startsWith("cluster-system-node-"))
            .map((a) => (a.inputs as { policyArn: string }).policyArn)
            .sort();
        expect(policies).toEqual(
            ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"].map(
                (n) => `arn:aws:iam::aws:policy/${n}`,
            ),
        );
    });

    test("core add-ons: CoreDNS on the system nodes after they exist; the Pod Identity agent and the CNI before them", async () => {
        const p = await plan("prod");
        const nodeGroup = find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        const coredns = find(p, "aws:eks/addon:Addon", "cluster-coredns");
        const agent = find(p, "aws:eks/addon:Addon", "cluster-eks-pod-identity-agent");
        expect((agent.inputs as { addonName: string }).addonName).toBe("eks-pod-identity-agent");
        expect(coredns.dependencies).toContain(nodeGroup.urn);
        expect(nodeGroup.dependencies).toEqual(expect.arrayContaining([agent.urn, find(p, "aws:eks/addon:Addon", "cluster-vpc-cni").urn]));
        const values = JSON.parse((coredns.inputs as { configurationValues: string }).configurationValues);
        expect(values.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(values.nodeSelector).toEqual({ "platform/node-class": "system" });
        const c = inputsOf(p, CLUSTER, "cluster-eks");
        expect(c.kubeProxyAddonOptions).toMatchObject({ enabled: true });
        expect(c.corednsAddonOptions).toMatchObject({ enabled: false });
    });

    test.each(STACKS)("%s: VPC CNI add-on enforces NetworkPolicies and runs aws-node under its own IRSA role with the CNI policy", async (stack) => {
        const p = await plan(stack);
        // pulumi-eks's own vpc-cni add-on (created inside eks.Cluster, before any aws-node role could exist) is off.
        expect(inputsOf(p, CLUSTER, "cluster-eks").useDefaultVpcCni).toBe(true);
        const addon = find(p, "aws:eks/addon:Addon", "cluster-vpc-cni");
        const inputs = addon.inputs as Record<string, any>;
        expect(inputs).toMatchObject({
            clusterName: `service-${stack}`,
            addonName: "vpc-cni",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            preserve: true,
            serviceAccountRoleArn: `arn:aws:iam::123456789012:role/service-${stack}-kube-system-aws-node`,
        });
        // The add-on schema's key (`aws eks describe-addon-configuration --addon-name vpc-cni`): a string "true".
        expect(JSON.parse(inputs.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
        expect(inputs.podIdentityAssociations).toBeUndefined();
        const role = inputsOf(p, "aws:iam/role:Role", "cluster-vpc-cni-role");
        // The console's role list shows what the role is for: the CNI's DaemonSet account (kube-system/aws-node) of this cluster.
        expect(role.description).toBe(`VPC CNI (kube-system/aws-node) of service-${stack}`);
        const trust = JSON.parse(role.assumeRolePolicy).Statement[0];
        expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
        expect(Object.entries(trust.Condition.StringEquals).map(([k, v]) => [k.replace(/^.*:/, ""), v])).toEqual([
            ["sub", "system:serviceaccount:kube-system:aws-node"],
            ["aud", "sts.amazonaws.com"],
        ]);
        expect(inputsOf(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cluster-vpc-cni-AmazonEKS_CNI_Policy").policyArn).toBe(
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        );
        // The add-on waits for the role's policy; the nodes wait for the add-on.
        expect(addon.dependencies).toContain(find(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cluster-vpc-cni-AmazonEKS_CNI_Policy").urn);
    });

    test("podIdentity: the add-on associates aws-node with its role, whose trust is held to kube-system/aws-node of this cluster", async () => {
        const p = await plan("prod", "identityMode=podIdentity");
        const inputs = inputsOf(p, "aws:eks/addon:Addon", "cluster-vpc-cni");
        expect(inputs.serviceAccountRoleArn).toBeUndefined();
        expect(inputs.podIdentityAssociations).toEqual([
            { serviceAccount: "aws-node", roleArn: "arn:aws:iam::123456789012:role/service-prod-kube-system-aws-node" },
        ]);
        const trust = JSON.parse(inputsOf(p, "aws:iam/role:Role", "cluster-vpc-cni-role").assumeRolePolicy).Statement[0];
        expect(trust.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        expect(trust.Condition).toEqual({
            StringEquals: {
                "aws:SourceAccount": "123456789012",
                "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:ap-northeast-2:123456789012:cluster/service-prod",
                "aws:RequestTag/kubernetes-namespace": "kube-system",
                "aws:RequestTag/kubernetes-service-account": "aws-node",
            },
            ArnLike: { "aws:SourceArn": "arn:aws:eks:ap-northeast-2:123456789012:podidentityassociation/service-prod/*" },
        });
    });

    test("the add-on takes over the one pulumi-eks created in earlier versions of the stack, in place", async () => {
        const p = await plan("prod");
        expect(find(p, "aws:eks/addon:Addon", "cluster-vpc-cni").aliases).toEqual([
            "urn:pulumi:prod::eks-platform::eks-platform:cluster:Cluster$eks:index:Cluster$eks:index:VpcCniAddon$aws:eks/addon:Addon::cluster-eks-vpc-cni",
        ]);
    });

    test.each(STACKS)("%s: no role but aws-node's carries the CNI policy (system nodes and Karpenter nodes drop it)", async (stack) => {
        const p = await plan(stack);
        const cni = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
            (a) => (a.inputs as { policyArn: string }).policyArn === "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        );
        expect(cni.map((a) => (a.inputs as { role: string }).role)).toEqual([`service-${stack}-kube-system-aws-node`]);
        for (const nodeRole of ["cluster-system-node", "karpenter-node"]) {
            const role = find(p, "aws:iam/role:Role", nodeRole);
            expect(JSON.parse((role.inputs as { assumeRolePolicy: string }).assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
        }
    });

    // AWS's default version for the minor, not the newest build (getAddonVersion mostRecent false, which the offline
    // mock insists on): a newer build AWS publishes does not move the add-ons at the next pulumi up.
    test("add-on versions are resolved for the cluster's minor, or pinned by addonVersions", async () => {
        const addonVersion = (p: Awaited<ReturnType<typeof plan>>, name: string) => (inputsOf(p, "aws:eks/addon:Addon", name) as { addonVersion: string }).addonVersion;
        // 1.34's CoreDNS add-on version as the EKS user guide lists it (getAddonVersion answers it offline).
        expect(addonVersion(await plan("prod", "kubernetesVersion=1.34"), "cluster-coredns")).toBe("v1.12.4-eksbuild.1");
        const [v135, v136] = [await plan("prod"), await plan("prod", "kubernetesVersion=1.36")];
        for (const addon of ["cluster-coredns", "cluster-eks-pod-identity-agent", "cluster-vpc-cni", "cluster-metrics-server"]) {
            expect(addonVersion(v135, addon)).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
            expect(addonVersion(v135, addon)).not.toBe(addonVersion(v136, addon));
        }
        const pinned = await plan("prod", 'addonVersions={"coredns":"v1.12.4-eksbuild.1","kube-proxy":"v1.35.0-eksbuild.2","vpc-cni":"v1.20.4-eksbuild.1"}');
        expect(addonVersion(pinned, "cluster-coredns")).toBe("v1.12.4-eksbuild.1");
        const c = inputsOf(pinned, CLUSTER, "cluster-eks");
        expect(c.kubeProxyAddonOptions).toMatchObject({ enabled: true, version: "v1.35.0-eksbuild.2" });
        expect(addonVersion(pinned, "cluster-vpc-cni")).toBe("v1.20.4-eksbuild.1");
    });

    test("an add-on version that is not an EKS build is a config error naming the key", async () => {
        const err = await planError("prod", 'addonVersions={"coredns":"1.12"}');
        expect(err.message).toContain(`'addonVersions.coredns' is "1.12", expected an EKS add-on version such as v1.12.4-eksbuild.1`);
    });

    test.each(STACKS)("%s: every Kubernetes object and chart goes through the cluster's explicit provider", async (stack) => {
        const p = await plan(stack);
        const provider = find(p, "pulumi:providers:kubernetes", "cluster-k8s");
        expect(ofType(p, "pulumi:providers:kubernetes")).toHaveLength(1);
        expect((provider.inputs as { kubeconfig: string }).kubeconfig).toContain(`service-${stack}`);
        const k8sResources = p.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        for (const r of k8sResources) {
            expect([r.name, providerUrn(r)]).toEqual([r.name, provider.urn]);
        }
        // And every AWS resource goes through the stack's AWS provider (default providers are disabled).
        const aws = find(p, "pulumi:providers:aws", "aws");
        for (const r of p.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
            expect([r.name, providerUrn(r)]).toEqual([r.name, aws.urn]);
        }
        // Multi-language components of other packages get the AWS provider passed by name.
        for (const r of p.resources.filter((x) => x.type === "eks:index:Cluster" || x.type === "awsx:ec2:Vpc")) {
            expect([r.name, r.providers.aws?.slice(0, r.providers.aws.lastIndexOf("::"))]).toEqual([r.name, aws.urn]);
        }
    });

    test("stack outputs expose the cluster, the OIDC issuer and a secret kubeconfig", async () => {
        const { outputs } = await plan("prod");
        expect(outputs.clusterName).toBe("service-prod");
        expect(outputs.oidcIssuer).toMatch(/^oidc\.eks\.ap-northeast-2\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
        expect(outputs.oidcProviderArn).toBe(`arn:aws:iam::123456789012:oidc-provider/${outputs.oidcIssuer}`);
        expect(outputs.kubeconfig).toBe("[secret]");
        expect(outputs.clusterSecurityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    });
});
