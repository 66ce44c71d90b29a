import { LOAD_BALANCER_CONTROLLER_DEVIATIONS } from "../lib/loadBalancerControllerPolicy";
import { Plan, PlannedResource, STACKS, find, inputsOf, ofType, plan } from "./harness";

const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CRD_INSTALLS = ["aws-load-balancer-controller-gateway-api-crds", "aws-load-balancer-controller-elbv2-crds", "aws-load-balancer-controller-gateway-crds"];

/**
 * The actions of upstream's docs/install/iam_policy.json at v3.5.0, written out here (not derived from the project's
 * policy module) so that a dropped or added action fails the test.
 */
const UPSTREAM_ACTIONS = [
    "acm:DescribeCertificate", "acm:ListCertificates",
    "cognito-idp:DescribeUserPoolClient",
    "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteSecurityGroup", "ec2:DeleteTags",
    "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeCoipPools",
    "ec2:DescribeInstances", "ec2:DescribeInternetGateways", "ec2:DescribeIpamPools", "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeTags",
    "ec2:DescribeVpcPeeringConnections", "ec2:DescribeVpcs", "ec2:GetCoipPoolUsage", "ec2:GetSecurityGroupsForVpc",
    "ec2:RevokeSecurityGroupIngress",
    "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:AddTags", "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateRule", "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DeleteListener", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteRule",
    "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:DescribeCapacityReservation", "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTrustStores",
    "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:ModifyRule", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetWebAcl",
    "iam:CreateServiceLinkedRole", "iam:GetServerCertificate", "iam:ListServerCertificates",
    "shield:CreateProtection", "shield:DeleteProtection", "shield:DescribeProtection", "shield:GetSubscriptionState",
    "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource",
    "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource",
];

interface Statement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

const TAG = "elbv2.k8s.aws/cluster";
const ELB = (r: string) => `arn:aws:elasticloadbalancing:*:*:${r}`;
const TAGGABLE_LBS = [ELB("targetgroup/*/*"), ELB("loadbalancer/net/*/*"), ELB("loadbalancer/app/*/*")];

/**
 * Upstream's statements (docs/install/iam_policy.json at v3.5.0), in order, under the Sids this project gives them
 * (upstream has none). Actions of the two long lists are in UPSTREAM_ACTIONS.
 */
const UPSTREAM_STATEMENTS: Record<string, Omit<Statement, "Effect" | "Sid">> = {
    CreateElbServiceLinkedRole: {
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    Describe: { Action: [], Resource: "*" },
    Integrations: { Action: [], Resource: "*" },
    SecurityGroupIngressInClusterVpc: { Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
    CreateSecurityGroupInClusterVpc: { Action: ["ec2:CreateSecurityGroup"], Resource: "*" },
    TagSecurityGroupOnCreate: {
        Action: ["ec2:CreateTags"],
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: { [`aws:RequestTag/${TAG}`]: "false" } },
    },
    TagOwnedSecurityGroup: {
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: "arn:aws:ec2:*:*:security-group/*",
        Condition: { Null: { [`aws:RequestTag/${TAG}`]: "true", [`aws:ResourceTag/${TAG}`]: "false" } },
    },
    ManageOwnedSecurityGroup: {
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
        Resource: "*",
        Condition: { Null: { [`aws:ResourceTag/${TAG}`]: "false" } },
    },
    CreateOwnedLoadBalancerAndTargetGroup: {
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: { Null: { [`aws:RequestTag/${TAG}`]: "false" } },
    },
    CreateDeleteListenersAndRules: {
        Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
        Resource: "*",
    },
    TagOwnedLoadBalancerAndTargetGroup: {
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: TAGGABLE_LBS,
        Condition: { Null: { [`aws:RequestTag/${TAG}`]: "true", [`aws:ResourceTag/${TAG}`]: "false" } },
    },
    TagListenersAndRules: {
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [ELB("listener/net/*/*/*"), ELB("listener/app/*/*/*"), ELB("listener-rule/net/*/*/*"), ELB("listener-rule/app/*/*/*")],
    },
    ModifyOwnedLoadBalancerAndTargetGroup: {
        Action: [
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
            "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
            "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
        ],
        Resource: "*",
        Condition: { Null: { [`aws:ResourceTag/${TAG}`]: "false" } },
    },
    TagLoadBalancerAndTargetGroupOnCreate: {
        Action: ["elasticloadbalancing:AddTags"],
        Resource: TAGGABLE_LBS,
        Condition: {
            StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
            Null: { [`aws:RequestTag/${TAG}`]: "false" },
        },
    },
    RegisterTargets: { Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: ELB("targetgroup/*/*") },
    ModifyListenersAndRules: {
        Action: [
            "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
            "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
        ],
        Resource: "*",
    },
};

/** Statements split out of an upstream one (Sid here → upstream's). */
const SPLIT_FROM_UPSTREAM: Record<string, string> = { SetWebAclOnOwnedLoadBalancer: "ModifyListenersAndRules" };

/** The named deviations and the statements each changes. */
const EXPECTED_DEVIATIONS = {
    "ownership-tag-value": [
        "TagSecurityGroupOnCreate",
        "TagOwnedSecurityGroup",
        "ManageOwnedSecurityGroup",
        "CreateOwnedLoadBalancerAndTargetGroup",
        "TagOwnedLoadBalancerAndTargetGroup",
        "ModifyOwnedLoadBalancerAndTargetGroup",
        "TagLoadBalancerAndTargetGroupOnCreate",
    ],
    "security-groups-in-cluster-vpc": ["SecurityGroupIngressInClusterVpc", "CreateSecurityGroupInClusterVpc", "ManageOwnedSecurityGroup"],
    "web-acl-on-owned-load-balancers": ["ModifyListenersAndRules", "SetWebAclOnOwnedLoadBalancer"],
};

function controllerPolicy(p: Plan): Statement[] {
    const doc = JSON.parse(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "aws-load-balancer-controller-identity-permissions").policy as string);
    return doc.Statement as Statement[];
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function crdUrns(p: Plan): string[] {
    return CRD_INSTALLS.map((n) => find(p, CONFIG_FILE, n).urn);
}

/** Custom resources of the Gateway API and of the controller's own groups. */
function gatewayCustomResources(p: Plan): PlannedResource[] {
    return p.resources.filter((r) => /^kubernetes:(gateway\.networking\.k8s\.io|gateway\.k8s\.aws|elbv2\.k8s\.aws)\//.test(r.type));
}

describe("AwsLoadBalancerController", () => {
    test.each(STACKS)("%s: Gateway API v1.6.1 and controller v3.5.0 CRDs installed from pinned URLs", async (stack) => {
        const p = await plan(stack);
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-gateway-api-crds").file).toBe(
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
        );
        const base = "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds";
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-elbv2-crds").file).toBe(`${base}/crds.yaml`);
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-gateway-crds").file).toBe(`${base}/gateway-crds.yaml`);
    });

    test("the CRD URLs and the chart follow versions in config", async () => {
        const p = await plan("dev", 'versions={"karpenter":"1.14.1","awsLoadBalancerController":"3.4.3","gatewayApi":"v1.5.1"}');
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-gateway-api-crds").file).toContain("/download/v1.5.1/");
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-gateway-crds").file).toContain("/v3.4.3/");
        expect(inputsOf(p, CONFIG_FILE, "aws-load-balancer-controller-elbv2-crds").file).toContain("/v3.4.3/");
        expect(inputsOf(p, RELEASE, "aws-load-balancer-controller").version).toBe("3.4.3");
    });

    test.each(STACKS)("%s: every Gateway API and controller custom resource depends on the CRD installs", async (stack) => {
        const p = await plan(stack);
        const crds = crdUrns(p);
        const resources = gatewayCustomResources(p);
        expect(resources.map((r) => r.type)).toEqual(
            expect.arrayContaining([
                "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
                "kubernetes:gateway.networking.k8s.io/v1:Gateway",
                "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
                "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration",
            ]),
        );
        for (const r of resources) {
            expect({ resource: `${r.type}::${r.name}`, dependencies: r.dependencies }).toEqual({
                resource: `${r.type}::${r.name}`,
                dependencies: expect.arrayContaining(crds),
            });
        }
    });

    test.each(STACKS)("%s: chart pinned, CRDs skipped, installed after the CRDs, its identity and the cluster's nodes", async (stack) => {
        const p = await plan(stack);
        const release = find(p, RELEASE, "aws-load-balancer-controller");
        const r = release.inputs as Record<string, any>;
        expect(r.chart).toBe("aws-load-balancer-controller");
        expect(r.version).toBe("3.5.0");
        expect(r.repositoryOpts).toEqual({ repo: "https://aws.github.io/eks-charts" });
        expect(r.namespace).toBe("kube-system");
        expect(r.skipCrds).toBe(true);
        expect(release.dependencies).toEqual(
            expect.arrayContaining([
                ...crdUrns(p),
                find(p, "kubernetes:core/v1:ServiceAccount", "aws-load-balancer-controller-identity-sa").urn,
                find(p, "aws:iam/rolePolicy:RolePolicy", "aws-load-balancer-controller-identity-permissions").urn,
                find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system").urn,
            ]),
        );
    });

    test.each(STACKS)("%s: chart values: cluster, region, VPC, 2 replicas with a PDB on system nodes, own service account", async (stack) => {
        const p = await plan(stack);
        const v = inputsOf(p, RELEASE, "aws-load-balancer-controller").values as Record<string, any>;
        expect(v.clusterName).toBe(`service-${stack}`);
        expect(v.region).toBe("ap-northeast-2");
        expect(v.vpcId).toBe(p.outputs.vpcId);
        expect(v.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
        expect(v.replicaCount).toBe(2);
        expect(v.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
        // The system node group's label and taint (cluster.test.ts checks the node group carries exactly these).
        expect(v.nodeSelector).toEqual({ "platform/node-class": "system" });
        expect(v.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        expect(v.serviceAccount).toEqual({ create: false, name: "aws-load-balancer-controller" });
        expect(v.enableServiceMutatorWebhook).toBe(false);
        expect(v.enablePodReadinessGateInject).toBe(true);
        expect(v.controllerConfig.featureGates.ALBGatewayAPI).toBe(true);
        expect(v.createIngressClassResource).toBe(false);
    });

    test.each(STACKS)("%s: chart values: zone spread over the chart's own pod labels, requests and limits, Gateway API only", async (stack) => {
        const v = inputsOf(await plan(stack), RELEASE, "aws-load-balancer-controller").values as Record<string, any>;
        // The chart's selector labels (templates/_helpers.tpl: app.kubernetes.io/name = chart name, app.kubernetes.io/instance
        // = release name): a constraint whose selector matches no pod spreads nothing. Zone is the well-known
        // topology.kubernetes.io/zone label; ScheduleAnyway so that a zone without a system node never blocks the rollout.
        expect(v.topologySpreadConstraints).toEqual([
            {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: { "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": "aws-load-balancer-controller" } },
            },
        ]);
        // The chart sets no resources: without requests the scheduler packs the pods anywhere, without a memory limit a
        // leak takes the node's memory. No CPU limit (throttling the webhook slows every pod admission).
        expect(v.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } });
        // The chart creates IngressClassParams `alb` by default (ingressClassParams.create: true); Ingress is not used here.
        expect(v.ingressClassParams).toEqual({ create: false });
        // Feature gates of the controller (docs/deploy/configurations.md): without ALBGatewayAPI the controller ignores
        // Gateways; NLBGatewayAPI needs the experimental TCPRoute/UDPRoute/TLSRoute CRDs, which are not installed.
        expect(v.controllerConfig).toEqual({ featureGates: { ALBGatewayAPI: true, NLBGatewayAPI: false } });
    });

    test.each(STACKS)("%s: a failed install or upgrade rolls back and removes what it created", async (stack) => {
        const release = inputsOf(await plan(stack), RELEASE, "aws-load-balancer-controller");
        // atomic: Helm rolls back (or uninstalls a first install) when the release fails, instead of leaving a broken
        // controller serving the webhooks; cleanupOnFail: resources the failed upgrade created are deleted.
        expect(release.atomic).toBe(true);
        expect(release.cleanupOnFail).toBe(true);
    });

    test("the controller's service account carries the chart's name label", async () => {
        const sa = inputsOf(await plan("prod"), "kubernetes:core/v1:ServiceAccount", "aws-load-balancer-controller-identity-sa");
        // The chart labels its own objects app.kubernetes.io/name=aws-load-balancer-controller; the account made here
        // (serviceAccount.create: false) is found by the same label.
        expect(sa.metadata.labels).toEqual({ "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/managed-by": "pulumi" });
    });

    test.each(STACKS)("%s: identity permissions are exactly upstream's set of actions", async (stack) => {
        const statements = controllerPolicy(await plan(stack));
        const actions = new Set(statements.flatMap(actionsOf));
        expect([...actions].sort()).toEqual([...UPSTREAM_ACTIONS].sort());
        expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
    });

    test.each(STACKS)("%s: upstream's statements in upstream's order; split statements carry the rest of their actions", async (stack) => {
        const statements = controllerPolicy(await plan(stack));
        const origins = statements.map((s) => SPLIT_FROM_UPSTREAM[s.Sid!] ?? s.Sid!);
        expect([...new Set(origins)]).toEqual(Object.keys(UPSTREAM_STATEMENTS));
        for (const [sid, upstream] of Object.entries(UPSTREAM_STATEMENTS)) {
            if (upstream.Action.length === 0) continue;
            const ours = statements.filter((s) => (SPLIT_FROM_UPSTREAM[s.Sid!] ?? s.Sid) === sid).flatMap(actionsOf);
            expect({ sid, actions: [...ours].sort() }).toEqual({ sid, actions: [...(upstream.Action as string[])].sort() });
        }
    });

    test("every difference from upstream is a named deviation", async () => {
        expect(Object.fromEntries(LOAD_BALANCER_CONTROLLER_DEVIATIONS.map((d) => [d.id, [...d.statements]]))).toEqual(EXPECTED_DEVIATIONS);
        const statements = controllerPolicy(await plan("prod"));
        const deviating = new Set(Object.values(EXPECTED_DEVIATIONS).flat());
        for (const s of statements.filter((st) => !deviating.has(st.Sid!))) {
            const upstream = UPSTREAM_STATEMENTS[s.Sid!];
            const { Sid, Effect, ...rest } = s;
            expect({ Sid, Effect }).toEqual({ Sid, Effect: "Allow" });
            if (upstream.Action.length === 0) expect({ Sid, ...rest, Action: undefined }).toEqual({ Sid, ...upstream, Action: undefined });
            else expect({ Sid, ...rest }).toEqual({ Sid, ...upstream });
        }
    });

    test("prod: write access needs the ownership tag to hold this cluster's name, not just to exist", async () => {
        const p = await plan("prod");
        const statements = controllerPolicy(p);
        const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
        const vpcArn = `arn:aws:ec2:ap-northeast-2:123456789012:vpc/${p.outputs.vpcId as string}`;
        const sgs = "arn:aws:ec2:ap-northeast-2:123456789012:security-group/*";
        expect(bySid("TagSecurityGroupOnCreate")!.Condition).toEqual({
            StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", [`aws:RequestTag/${TAG}`]: "service-prod" },
        });
        expect(bySid("TagOwnedSecurityGroup")!.Condition).toEqual({
            Null: { [`aws:RequestTag/${TAG}`]: "true" },
            StringEquals: { [`aws:ResourceTag/${TAG}`]: "service-prod" },
        });
        expect(bySid("ManageOwnedSecurityGroup")).toMatchObject({
            Resource: sgs,
            Condition: { StringEquals: { [`aws:ResourceTag/${TAG}`]: "service-prod" }, ArnEquals: { "ec2:Vpc": vpcArn } },
        });
        expect(bySid("CreateOwnedLoadBalancerAndTargetGroup")!.Condition).toEqual({ StringEquals: { [`aws:RequestTag/${TAG}`]: "service-prod" } });
        expect(bySid("TagOwnedLoadBalancerAndTargetGroup")!.Condition).toEqual({
            Null: { [`aws:RequestTag/${TAG}`]: "true" },
            StringEquals: { [`aws:ResourceTag/${TAG}`]: "service-prod" },
        });
        expect(bySid("ModifyOwnedLoadBalancerAndTargetGroup")!.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/${TAG}`]: "service-prod" } });
        expect(bySid("TagLoadBalancerAndTargetGroupOnCreate")!.Condition).toEqual({
            StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"], [`aws:RequestTag/${TAG}`]: "service-prod" },
        });
        // Deleting a load balancer or detaching its web ACL: only this cluster's.
        for (const action of ["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:SetWebAcl", "ec2:DeleteSecurityGroup"]) {
            const granting = statements.filter((s) => actionsOf(s).includes(action));
            expect(granting.map((s) => s.Condition?.StringEquals?.[`aws:ResourceTag/${TAG}`])).toEqual(["service-prod"]);
        }
        expect(bySid("SetWebAclOnOwnedLoadBalancer")!.Resource).toBe("arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*");
        // No presence-only check of the ownership tag is left.
        const presenceOnly = statements.filter((s) => Object.entries(s.Condition?.Null ?? {}).some(([, v]) => v === "false"));
        expect(presenceOnly).toEqual([]);
        // Security groups: this VPC only.
        expect(bySid("SecurityGroupIngressInClusterVpc")).toMatchObject({ Resource: sgs, Condition: { ArnEquals: { "ec2:Vpc": vpcArn } } });
        expect(bySid("CreateSecurityGroupInClusterVpc")!.Resource).toEqual([sgs, vpcArn]);
        for (const action of ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup"]) {
            expect(statements.filter((s) => actionsOf(s).includes(action)).every((s) => s.Resource !== "*")).toBe(true);
        }
        expect(bySid("CreateElbServiceLinkedRole")!.Condition).toEqual({ StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } });
    });

    test("dev and prod controllers in one account: neither policy admits the other cluster's tag value", async () => {
        const [dev, prod] = await Promise.all([plan("dev"), plan("prod")]);
        const values = (p: Plan) =>
            new Set(controllerPolicy(p).flatMap((s) => Object.entries(s.Condition?.StringEquals ?? {}).filter(([k]) => k.endsWith(TAG)).map(([, v]) => v)));
        expect([...values(dev)]).toEqual(["service-dev"]);
        expect([...values(prod)]).toEqual(["service-prod"]);
    });

    test("IRSA: the service account carries the role; Pod Identity: an association for kube-system/aws-load-balancer-controller", async () => {
        const irsa = await plan("prod");
        const sa = inputsOf(irsa, "kubernetes:core/v1:ServiceAccount", "aws-load-balancer-controller-identity-sa");
        expect(sa.metadata.name).toBe("aws-load-balancer-controller");
        expect(sa.metadata.namespace).toBe("kube-system");
        expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::123456789012:role\/service-prod-kube-system-aws-load-balancer-controller$/);

        const pi = await plan("prod", "identityMode=podIdentity");
        const assoc = inputsOf(pi, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws-load-balancer-controller-identity-association");
        expect(assoc).toMatchObject({ namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" });
        expect(ofType(pi, "aws:iam/rolePolicy:RolePolicy").some((r) => r.name === "aws-load-balancer-controller-identity-permissions")).toBe(true);
    });
});
