/**
 * What each component registers as its outputs (`registerOutputs`): what `pulumi stack` shows under the component,
 * what the state keeps for it, and what a caller (a parent, another program, a person reading the stack) reads from
 * it. Each output is checked by name (the exact key set: a dropped or renamed output fails) and by value against the
 * resource of the plan it stands for (a swapped or emptied output fails, not only a missing one).
 *
 * GatewayCertificate, AlbAccessLogs and BlueGreenService are tested with their own components (dns.test.ts,
 * albAccessLogs.test.ts, blueGreenService.test.ts).
 *
 * Resource-valued outputs (an addon, a Helm release, charts) reach the plan as the SDK's Resource objects turned into
 * JSON: their URN and id are Outputs (unreadable offline), their type and name (`__pulumiType`, `__name`, which the
 * SDK takes from the URN of the reference) are what identifies the resource; `resourceRef` reads those.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { stackConfig } from "../plan/stackConfig";
import { find, inputsOf, ofType, Plan, plan, PlannedResource, STACKS } from "./harness";

const PROJECT = "eks-platform";
const ZONE_ID = "Z0123456789ABCDEFGHIJ";

const T = {
    network: "eks-platform:network:Network",
    cluster: "eks-platform:cluster:Cluster",
    clusterAccess: "eks-platform:cluster:ClusterAccess",
    vpcCni: "eks-platform:cluster:VpcCni",
    karpenter: "eks-platform:karpenter:Karpenter",
    nodePools: "eks-platform:karpenter:NodePools",
    lbController: "eks-platform:gateway:AwsLoadBalancerController",
    gateway: "eks-platform:gateway:SharedGateway",
    observability: "eks-platform:observability:Observability",
    containerInsights: "eks-platform:observability:ContainerInsights",
    identity: "eks-platform:identity:WorkloadIdentity",
    dnsRecords: "eks-platform:dns:DnsRecords",
} as const;

const ROLE = "aws:iam/role:Role";
const ADDON = "aws:eks/addon:Addon";
const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART = "kubernetes:helm.sh/v4:Chart";
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const RECORD = "aws:route53/record:Record";

/** A stack's setting from Pulumi.<stack>.yaml (Pulumi.yaml's default where the stack sets none). */
function setting(stack: string, key: string): string {
    const value = stackConfig(stack)[`${PROJECT}:${key}`];
    if (value === undefined) throw new Error(`${stack} has no ${PROJECT}:${key}`);
    return value;
}

/** The one component of a type. */
function component(p: Plan, type: string): PlannedResource {
    const found = ofType(p, type);
    if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

/** What a component registered; fails when it registered nothing at all (the harness records only a call). */
function outputsOf(r: PlannedResource): Record<string, any> {
    if (r.outputs === undefined) throw new Error(`${r.type} ${r.name} registered no outputs`);
    return r.outputs as Record<string, any>;
}

/** Resources of a type created directly under a component. */
function childrenOf(p: Plan, parent: PlannedResource, type: string): PlannedResource[] {
    return ofType(p, type).filter((r) => r.parent === parent.urn);
}

function childOf(p: Plan, parent: PlannedResource, type: string): PlannedResource {
    const found = childrenOf(p, parent, type);
    if (found.length !== 1) throw new Error(`Expected one ${type} under ${parent.name}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

/** `<type>::<name>` of a resource-valued output (see the file comment). */
function resourceRef(value: unknown): string {
    const v = value as { __pulumiResource?: boolean; __pulumiType?: string; __name?: string } | null;
    if (!v || v.__pulumiResource !== true) throw new Error(`not a resource: ${JSON.stringify(value)?.slice(0, 200)}`);
    return `${v.__pulumiType}::${v.__name}`;
}

function refOf(r: PlannedResource): string {
    return `${r.type}::${r.name}`;
}

function keys(o: Record<string, unknown>): string[] {
    return Object.keys(o).sort();
}

/** The IRSA trust policy's subject and federated principal. */
function irsaTrust(role: PlannedResource): { federated: string; issuer: string; subject: string } {
    const policy = JSON.parse((role.inputs as any).assumeRolePolicy);
    const [statement] = policy.Statement;
    const condition = statement.Condition.StringEquals as Record<string, string>;
    const subKey = Object.keys(condition).find((k) => k.endsWith(":sub"));
    if (!subKey) throw new Error(`${role.name}: no :sub condition`);
    return { federated: statement.Principal.Federated, issuer: subKey.slice(0, -":sub".length), subject: condition[subKey] };
}

describe.each(STACKS)("%s: registered component outputs", (stack) => {
    let p: Plan;
    beforeAll(async () => {
        p = await plan(stack);
    });
    const clusterName = () => setting(stack, "clusterName");
    const region = () => setting(stack, "region");

    test("Network: the VPC and subnets the cluster was put in, the configured CIDR, the NAT gateways' IPs", () => {
        const out = outputsOf(component(p, T.network));
        expect(keys(out)).toEqual(["cidrBlock", "natPublicIps", "privateSubnetIds", "publicSubnetIds", "vpcId"]);
        // A caller places the cluster (and anything else in the VPC) with these: they are exactly what the cluster got.
        const eks = inputsOf(p, "eks:index:Cluster", "cluster-eks");
        expect(out.vpcId).toMatch(/^vpc-/);
        expect(out.vpcId).toBe(eks.vpcId);
        expect(out.privateSubnetIds.length).toBeGreaterThan(0);
        expect(out.privateSubnetIds).toEqual(eks.privateSubnetIds);
        expect(out.publicSubnetIds).toEqual(eks.publicSubnetIds);
        // Private and public differ: a swap would put nodes in public subnets.
        expect(out.privateSubnetIds).not.toEqual(out.publicSubnetIds);
        const vpc = JSON.parse(setting(stack, "vpc"));
        expect(out.cidrBlock).toBe(vpc.cidrBlock);
        // The NAT gateways' public IPs: one per AZ or a single one, as configured. They are what previews allow when the
        // stack names no source networks (how clients in the VPC reach an internet-facing ALB).
        expect(out.natPublicIps).toHaveLength(vpc.natGateways === "Single" ? 1 : vpc.availabilityZones);
        for (const ip of out.natPublicIps) expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(JSON.parse(setting(stack, "previewAccess")).sourceCidrs).toEqual([]);
        expect((p.outputs.platformContract as any).gateway.previewSourceCidrs).toEqual(out.natPublicIps.map((ip: string) => `${ip}/32`));
    });

    test("Cluster: name, ARN, endpoint, OIDC provider and issuer, security group, kubeconfig (secret), keys, system nodes, log group", () => {
        const cluster = component(p, T.cluster);
        const out = outputsOf(cluster);
        expect(keys(out)).toEqual([
            "clusterArn",
            "clusterName",
            "clusterSecurityGroupId",
            "endpoint",
            "kmsKeyArn",
            "kubeconfig",
            "logGroupName",
            "oidcIssuer",
            "oidcProviderArn",
            "systemNodeGroupName",
            "systemNodeRoleArn",
        ]);
        const name = clusterName();
        // The configured name, the one the EKS cluster was created with.
        expect(out.clusterName).toBe(name);
        expect(inputsOf(p, "eks:index:Cluster", "cluster-eks").name).toBe(name);
        expect(out.clusterArn).toBe(`arn:aws:eks:${region()}:123456789012:cluster/${name}`);
        // The endpoint is the server the stack's own Kubernetes provider talks to.
        expect(out.endpoint).toMatch(/^https:\/\//);
        const providerKubeconfig = JSON.parse(inputsOf(p, "pulumi:providers:kubernetes", "cluster-k8s").kubeconfig);
        expect(out.endpoint).toBe(providerKubeconfig.clusters[0].cluster.server);
        // IRSA roles trust this provider for subjects of this issuer: a caller building another IRSA role needs both.
        const trust = irsaTrust(find(p, ROLE, "karpenter-controller-role"));
        expect(out.oidcProviderArn).toBe(trust.federated);
        expect(out.oidcIssuer).toBe(trust.issuer);
        expect(out.oidcProviderArn).toBe(`arn:aws:iam::123456789012:oidc-provider/${out.oidcIssuer}`);
        // The cluster security group, the one tagged for Karpenter's discovery.
        expect(out.clusterSecurityGroupId).toMatch(/^sg-/);
        expect(inputsOf(p, "aws:ec2/tag:Tag", "cluster-cluster-sg-discovery")).toMatchObject({ resourceId: out.clusterSecurityGroupId, key: "karpenter.sh/discovery" });
        // The kubeconfig for people is kept secret in the state, and points at this cluster.
        expect(out.kubeconfig[specialSigKey]).toBe(specialSecretSig);
        const kubeconfig = JSON.parse(out.kubeconfig.value);
        expect(kubeconfig.clusters).toEqual([{ name, cluster: providerKubeconfig.clusters[0].cluster }]);
        expect(kubeconfig["current-context"]).toBe(name);
        // The secrets-encryption key, not the log group's key.
        const logGroup = inputsOf(p, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane");
        expect(out.kmsKeyArn).toBe(inputsOf(p, "eks:index:Cluster", "cluster-eks").encryptionConfigKeyArn);
        expect(out.kmsKeyArn).not.toBe(logGroup.kmsKeyId);
        // The system node group and its role, as the node group was created.
        const nodeGroup = inputsOf(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system");
        expect(out.systemNodeGroupName).toBe(nodeGroup.nodeGroupName);
        expect(out.systemNodeRoleArn).toBe(nodeGroup.nodeRoleArn);
        expect(out.systemNodeRoleArn).toMatch(/^arn:aws:iam::123456789012:role\//);
        // Where the control-plane logs go.
        expect(out.logGroupName).toBe(logGroup.name);
        expect(out.logGroupName).toBe(`/aws/eks/${name}/cluster`);
    });

    test("ClusterAccess: the principals given access are the access entries it created, in order", () => {
        const access = component(p, T.clusterAccess);
        const out = outputsOf(access);
        expect(keys(out)).toEqual(["principalArns"]);
        const entries = childrenOf(p, access, ACCESS_ENTRY).map((e) => (e.inputs as any).principalArn);
        expect(entries.length).toBeGreaterThan(0);
        expect(out.principalArns).toEqual(entries);
        // Every configured deployer, nobody else.
        const deployers = JSON.parse(setting(stack, "deployers")) as { principalArn: string }[];
        expect([...out.principalArns].sort()).toEqual(deployers.map((d) => d.principalArn).sort());
    });

    test("VpcCni: the addon it manages and the role its aws-node service account uses", () => {
        const cni = component(p, T.vpcCni);
        const out = outputsOf(cni);
        expect(keys(out)).toEqual(["addon", "roleArn"]);
        const addon = childOf(p, cni, ADDON);
        expect((addon.inputs as any).addonName).toBe("vpc-cni");
        expect(resourceRef(out.addon)).toBe(refOf(addon));
        // The role the addon was given, the one this component created.
        const role = childOf(p, cni, ROLE);
        expect(out.roleArn).toBe((addon.inputs as any).serviceAccountRoleArn);
        expect(out.roleArn).toBe(`arn:aws:iam::123456789012:role/${(role.inputs as any).name}`);
        expect(irsaTrust(role).subject).toBe("system:serviceaccount:kube-system:aws-node");
    });

    test("Karpenter: node role (name and ARN), interruption queue, controller role, namespace, CRD chart and controller release", () => {
        const karpenter = component(p, T.karpenter);
        const out = outputsOf(karpenter);
        expect(keys(out)).toEqual(["controller", "controllerRoleArn", "crds", "interruptionQueueName", "namespace", "nodeRoleArn", "nodeRoleName"]);
        // NodeClasses name the node role; it is the one with an access entry to join the cluster.
        const nodeRole = find(p, ROLE, "karpenter-node");
        expect(nodeRole.parent).toBe(karpenter.urn);
        expect(out.nodeRoleName).toBe((nodeRole.inputs as any).name);
        expect(out.nodeRoleArn).toBe(inputsOf(p, ACCESS_ENTRY, "karpenter-node").principalArn);
        expect(out.nodeRoleArn).toBe(`arn:aws:iam::123456789012:role/${out.nodeRoleName}`);
        expect(out.interruptionQueueName).toBe(inputsOf(p, "aws:sqs/queue:Queue", "karpenter-interruption").name);
        // The controller's role is the one its service account is annotated with, not the node role.
        const controllerSa = inputsOf(p, SERVICE_ACCOUNT, "karpenter-controller-sa").metadata;
        expect(out.controllerRoleArn).toBe(controllerSa.annotations["eks.amazonaws.com/role-arn"]);
        expect(out.controllerRoleArn).not.toBe(out.nodeRoleArn);
        const namespace = childOf(p, karpenter, NAMESPACE);
        expect(out.namespace).toBe((namespace.inputs as any).metadata.name);
        expect(out.namespace).toBe(controllerSa.namespace);
        // Dependents wait on these: the CRDs before NodePools, the controller before anything it must reconcile.
        expect(resourceRef(out.crds)).toBe(refOf(childOf(p, karpenter, CHART)));
        expect(resourceRef(out.controller)).toBe(refOf(childOf(p, karpenter, RELEASE)));
    });

    test("NodePools: the EC2NodeClass and the NodePools it created, which use that class", () => {
        const pools = component(p, T.nodePools);
        const out = outputsOf(pools);
        expect(keys(out)).toEqual(["nodeClassName", "nodePoolNames"]);
        expect(out.nodeClassName).toBe((childOf(p, pools, NODE_CLASS).inputs as any).metadata.name);
        const created = childrenOf(p, pools, NODE_POOL);
        expect(created.length).toBeGreaterThan(0);
        expect(out.nodePoolNames).toEqual(created.map((r) => (r.inputs as any).metadata.name));
        for (const pool of created) expect((pool.inputs as any).spec.template.spec.nodeClassRef.name).toBe(out.nodeClassName);
    });

    test("AwsLoadBalancerController: the CRD files, the release, the controller's role and its namespace", () => {
        const controller = component(p, T.lbController);
        const out = outputsOf(controller);
        expect(keys(out)).toEqual(["crds", "namespace", "release", "roleArn"]);
        // Gateway API CRDs, then the controller's own: what anything creating Gateways or LoadBalancerConfigurations waits on.
        const crds = childrenOf(p, controller, CONFIG_FILE);
        expect(crds.map((r) => r.name)).toEqual([
            "aws-load-balancer-controller-gateway-api-crds",
            "aws-load-balancer-controller-elbv2-crds",
            "aws-load-balancer-controller-gateway-crds",
        ]);
        expect((out.crds as unknown[]).map(resourceRef)).toEqual(crds.map(refOf));
        const release = childOf(p, controller, RELEASE);
        expect(resourceRef(out.release)).toBe(refOf(release));
        // The role and namespace of the controller's service account (the identity component's).
        const sa = inputsOf(p, SERVICE_ACCOUNT, "aws-load-balancer-controller-identity-sa").metadata;
        expect(out.roleArn).toBe(sa.annotations["eks.amazonaws.com/role-arn"]);
        expect(out.namespace).toBe((release.inputs as any).namespace);
        expect(out.namespace).toBe(sa.namespace);
    });

    test("SharedGateway: the Gateway's name and namespace, its hostname, its ALB and the parentRef routes attach to", () => {
        const gateway = component(p, T.gateway);
        const out = outputsOf(gateway);
        expect(keys(out)).toEqual(["albDnsName", "gatewayName", "hostnames", "httpsParentRef", "namespace"]);
        const gw = childOf(p, gateway, GATEWAY).inputs as any;
        expect(out.gatewayName).toBe(gw.metadata.name);
        expect(out.namespace).toBe(gw.metadata.namespace);
        expect(out.namespace).toBe((childOf(p, gateway, NAMESPACE).inputs as any).metadata.name);
        expect(out.namespace).not.toBe(out.gatewayName);
        // The configured hostname, the one the listeners serve.
        const configured = JSON.parse(setting(stack, "gateway")).hostname;
        expect(out.hostnames).toEqual([configured]);
        for (const listener of gw.spec.listeners) expect(listener.hostname).toBe(configured);
        // DNS records point here; what the Gateway's status reports (the harness's ALB for it).
        expect(out.albDnsName).toMatch(new RegExp(`\\.${region()}\\.elb\\.amazonaws\\.com$`));
        expect(out.albDnsName).toBe(p.outputs.albDnsName);
        // HTTPRoutes attach to the HTTPS listener of this Gateway.
        const https = gw.spec.listeners.find((l: { protocol: string }) => l.protocol === "HTTPS");
        expect(out.httpsParentRef).toEqual({
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: gw.metadata.name,
            namespace: gw.metadata.namespace,
            sectionName: https.name,
        });
    });

    test("Observability: the dashboard (name and console URL), the alarm topic and the alarm names per service", () => {
        const obs = component(p, T.observability);
        const out = outputsOf(obs);
        expect(keys(out)).toEqual(["alarmNames", "dashboardName", "dashboardUrl", "topicArn"]);
        const dashboard = childOf(p, obs, "aws:cloudwatch/dashboard:Dashboard").inputs as any;
        expect(out.dashboardName).toBe(dashboard.dashboardName);
        expect(out.dashboardName).toBe(clusterName());
        expect(out.dashboardUrl).toBe(
            `https://${region()}.console.aws.amazon.com/cloudwatch/home?region=${region()}#dashboards/dashboard/${encodeURIComponent(out.dashboardName)}`,
        );
        // Subscribers (people, chat, paging) subscribe to this topic: it is the one every alarm notifies.
        const topic = childOf(p, obs, "aws:sns/topic:Topic").inputs as any;
        expect(out.topicArn).toBe(`arn:aws:sns:${region()}:123456789012:${topic.name}`);
        const alarms = childrenOf(p, obs, METRIC_ALARM);
        expect(alarms.length).toBeGreaterThan(0);
        for (const alarm of alarms) expect((alarm.inputs as any).alarmActions).toEqual([out.topicArn]);
        // Per configured service, the names of the alarms created for it.
        const services = (JSON.parse(setting(stack, "services")) as { name: string }[]).map((s) => s.name);
        expect(Object.keys(out.alarmNames).sort()).toEqual([...services].sort());
        for (const service of services) {
            const created = alarms.filter((a) => a.name.startsWith(`observability-${service}-`)).map((a) => (a.inputs as any).name);
            expect(created.length).toBeGreaterThan(0);
            expect([...out.alarmNames[service]].sort()).toEqual(created.sort());
        }
    });

    test("WorkloadIdentity: each one's role (name and ARN), service account and namespace, as the role trusts and the account says", () => {
        const identities = ofType(p, T.identity);
        expect(identities.length).toBeGreaterThan(0);
        for (const identity of identities) {
            const out = outputsOf(identity);
            expect(keys(out)).toEqual(["namespace", "roleArn", "roleName", "serviceAccountName"]);
            const role = childOf(p, identity, ROLE);
            expect(out.roleName).toBe((role.inputs as any).name);
            expect(out.roleArn).toBe(`arn:aws:iam::123456789012:role/${out.roleName}`);
            // The role trusts exactly this account of this namespace.
            expect(irsaTrust(role).subject).toBe(`system:serviceaccount:${out.namespace}:${out.serviceAccountName}`);
            const accounts = childrenOf(p, identity, SERVICE_ACCOUNT);
            if (accounts.length > 0) {
                // The account it created names the role; its name and namespace are what pods use.
                const sa = (accounts[0].inputs as any).metadata;
                expect(out.serviceAccountName).toBe(sa.name);
                expect(out.namespace).toBe(sa.namespace);
                expect(out.roleArn).toBe(sa.annotations["eks.amazonaws.com/role-arn"]);
            } else {
                // An EKS addon owns the account (the early return): the addon is given the role by its ARN.
                const given = ofType(p, ADDON).filter((a) => (a.inputs as any).serviceAccountRoleArn === out.roleArn);
                expect(given.map((a) => a.name)).toHaveLength(1);
            }
        }
        // Both kinds exist where Container Insights is on: the addon-owned account is the early-return branch.
        if (ofType(p, T.containerInsights).length > 0) {
            expect(outputsOf(find(p, T.identity, "container-insights-agent"))).toMatchObject({ namespace: "amazon-cloudwatch", serviceAccountName: "cloudwatch-agent" });
            expect(childrenOf(p, find(p, T.identity, "container-insights-agent"), SERVICE_ACCOUNT)).toEqual([]);
        }
    });

    test("ContainerInsights (where enabled): the addon's name and the agent's role it was given", () => {
        const found = ofType(p, T.containerInsights);
        if (JSON.parse(setting(stack, "observability")).containerInsights === false) {
            // Turned off (dev): nothing to report.
            expect(found).toEqual([]);
            return;
        }
        const insights = component(p, T.containerInsights);
        const out = outputsOf(insights);
        expect(keys(out)).toEqual(["addonName", "roleArn"]);
        const addon = childOf(p, insights, ADDON).inputs as any;
        expect(out.addonName).toBe(addon.addonName);
        expect(out.addonName).toBe("amazon-cloudwatch-observability");
        expect(out.roleArn).toBe(addon.serviceAccountRoleArn);
        expect(out.roleArn).toBe(outputsOf(find(p, T.identity, "container-insights-agent")).roleArn);
    });
});

describe("components planned only with other settings", () => {
    test("Network of an existing VPC: the configured VPC and subnets, the VPC's CIDR as AWS reports it, no NAT IPs", async () => {
        const existing = { vpcId: "vpc-0123abcd", publicSubnetIds: ["subnet-0123abcd", "subnet-4567cdef"], privateSubnetIds: ["subnet-89abcdef", "subnet-01234567"] };
        // An existing VPC behind an internet-facing Gateway must name the networks previews admit (its NAT IPs are unknown).
        const p = await plan("dev", `existingVpc=${JSON.stringify(existing)}`, `previewAccess=${JSON.stringify({ sourceCidrs: ["203.0.113.0/24"] })}`);
        const out = outputsOf(component(p, T.network));
        expect(keys(out)).toEqual(["cidrBlock", "natPublicIps", "privateSubnetIds", "publicSubnetIds", "vpcId"]);
        expect(out.vpcId).toBe(existing.vpcId);
        expect(out.publicSubnetIds).toEqual(existing.publicSubnetIds);
        expect(out.privateSubnetIds).toEqual(existing.privateSubnetIds);
        expect(inputsOf(p, "eks:index:Cluster", "cluster-eks")).toMatchObject({ vpcId: existing.vpcId, privateSubnetIds: existing.privateSubnetIds });
        // Its NAT gateways are not this stack's: none known.
        expect(out.natPublicIps).toEqual([]);
        // Read from the VPC (the mock's answer to ec2:getVpc), not the stack's `vpc.cidrBlock`; the same the platform contract reports.
        expect(out.cidrBlock).toBe("10.99.0.0/16");
        expect(out.cidrBlock).not.toBe(JSON.parse(setting("dev", "vpc")).cidrBlock);
        expect((p.outputs.platformContract as any).vpcCidr).toBe(out.cidrBlock);
    });

    test("DnsRecords (a stack that writes DNS): the hostnames it wrote records for, each once", async () => {
        const p = await plan("prod", `dns=${JSON.stringify({ zoneId: ZONE_ID })}`);
        const records = component(p, T.dnsRecords);
        const out = outputsOf(records);
        expect(keys(out)).toEqual(["hostnames"]);
        const written = childrenOf(p, records, RECORD).map((r) => (r.inputs as any).name as string);
        expect(written.length).toBeGreaterThan(0);
        expect([...out.hostnames].sort()).toEqual([...new Set(written)].sort());
        expect(out.hostnames).toEqual(expect.arrayContaining(["api.example.com", "preview-api.example.com"]));
    });
});
