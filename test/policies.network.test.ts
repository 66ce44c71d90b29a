/**
 * Exposure, nodes, Gateways and namespaces: CIDR arithmetic and the rules built on it (API endpoint, security-group
 * ingress), the private production endpoint, node groups' launch templates, Gateway route selectors, ALB access logs
 * and HTTP→HTTPS redirects, Pod Security Admission labels, the default namespace and NetworkPolicies. Each rule: a
 * violating resource per type that can express the violation, next to a compliant neighbour.
 */
import { parseCidr, publicAddressCount, publicCoverage } from "../policies/cidr";
import { eksEndpointNotOpen, eksEndpointPrivateProd } from "../policies/cluster";
import { albAccessLogs, albHttpRedirectsToHttps, gatewayAllowedRoutes, gatewayRouteSelectorNotEmpty } from "../policies/gateway";
import { nodeGroupLaunchTemplateImdsv2 } from "../policies/karpenter";
import { namespaceNetworkPolicy, namespacePodSecurityRestricted, networkPolicyEnforced, noDefaultNamespace } from "../policies/namespaces";
import { securityGroupIngressRestricted } from "../policies/network";
import type { PlannedResource } from "../plan/harness";
import { K8S_PROVIDER_URN, check, messages, resource } from "./policyHarness";

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const LBC = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const NAMESPACE = "kubernetes:core/v1:Namespace";

// ---------------------------------------------------------------------------------------------------------------------
// CIDR arithmetic
// ---------------------------------------------------------------------------------------------------------------------

describe("CIDR arithmetic", () => {
    test("ranges: host bits are masked, IPv6 shorthand and embedded IPv4 parse, garbage does not", () => {
        expect(parseCidr("10.1.2.3/8")).toEqual({ family: "ipv4", first: 10n << 24n, last: (11n << 24n) - 1n });
        expect(parseCidr("::ffff:192.0.2.1")).toEqual({ family: "ipv6", first: 0xffffc0000201n, last: 0xffffc0000201n });
        expect(parseCidr("2001:db8::/32")?.first).toBe(0x20010db8n << 96n);
        for (const bad of ["10.0.0.0/33", "256.0.0.0/8", "1.2.3/24", "::1::/64", "fe80::/129", "example.com"]) expect(`${bad}: ${String(parseCidr(bad))}`).toBe(`${bad}: undefined`);
    });

    test("the public IPv4 space is every address but the IANA special-purpose, multicast and reserved blocks", () => {
        // 2^32 minus 0/8, 10/8, 127/8 (3 × 2^24), 100.64/10 (2^22), 169.254/16 and 192.168/16 (2 × 2^16), 172.16/12 (2^20),
        // 198.18/15 (2^17), five /24s, and 224/4 + 240/4 (2 × 2^28).
        expect(publicAddressCount("ipv4")).toBe(2n ** 32n - 3n * 2n ** 24n - 2n ** 22n - 2n * 2n ** 16n - 2n ** 20n - 2n ** 17n - 5n * 2n ** 8n - 2n * 2n ** 28n);
    });

    test("coverage is of the union: two halves are all of it, overlaps count once, private ranges count nothing", () => {
        expect(publicCoverage(["0.0.0.0/1", "128.0.0.0/1"]).share).toBe(1);
        expect(publicCoverage(["0.0.0.0/0"]).share).toBe(1);
        expect(publicCoverage(["::/0"]).share).toBe(1);
        expect(publicCoverage(["2000::/4", "3000::/4"]).share).toBe(1);
        expect(publicCoverage(["8.0.0.0/8", "8.8.0.0/16"]).addresses.ipv4).toBe(2n ** 24n);
        expect(publicCoverage(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "203.0.113.0/24"]).share).toBe(0);
        expect(publicCoverage(["nope"]).invalid).toEqual(["nope"]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// EKS endpoint
// ---------------------------------------------------------------------------------------------------------------------

describe("eks-endpoint-not-open: address ranges, not strings", () => {
    const cluster = (publicAccessCidrs: string[]) => ({ createOidcProvider: true, endpointPublicAccess: true, publicAccessCidrs });

    test("flags 0.0.0.0/1 + 128.0.0.0/1 on the component and on aws.eks.Cluster; passes an office /24", async () => {
        const halves = ["0.0.0.0/1", "128.0.0.0/1"];
        const resources = [
            resource(EKS, "office", cluster(["198.51.100.0/24", "8.8.8.0/24"])),
            resource(EKS, "halves", cluster(halves)),
            resource(AWS_EKS, "raw", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: halves } }),
            resource(AWS_EKS, "quarter", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["64.0.0.0/2"] } }),
        ];
        // 64.0.0.0/2 is 2^30 addresses, less 100.64.0.0/10 and 127.0.0.0/8: 1,052,770,304 of 3,702,258,432 public ones.
        expect(await messages(eksEndpointNotOpen, resources)).toEqual([
            "EKS cluster's public API endpoint is open to 0.0.0.0/1, 128.0.0.0/1 (100% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
            "EKS cluster's public API endpoint is open to 0.0.0.0/1, 128.0.0.0/1 (100% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
            "EKS cluster's public API endpoint is open to 64.0.0.0/2 (28.4% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
    });

    test("the threshold is configurable, and a string that is not a CIDR is refused", async () => {
        expect(await check(eksEndpointNotOpen, [resource(EKS, "wide", cluster(["8.0.0.0/8"]))], { maxPublicShare: 0.01 })).toEqual([]);
        expect(await messages(eksEndpointNotOpen, [resource(EKS, "wide", cluster(["8.0.0.0/8"]))])).toEqual([
            "EKS cluster's public API endpoint is open to 8.0.0.0/8 (0.45% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
        expect(await messages(eksEndpointNotOpen, [resource(EKS, "typo", cluster(["0.0.0.0/O"]))])).toEqual([
            'EKS cluster\'s public API endpoint is open to "0.0.0.0/O" (not a CIDR): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.',
        ]);
    });
});

describe("eks-endpoint-private-prod", () => {
    test("in prod: flags a public endpoint, EKS's defaults and a missing private endpoint; passes private-only", async () => {
        const resources = [
            resource(EKS, "private", { endpointPublicAccess: false, endpointPrivateAccess: true }),
            resource(EKS, "office", { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["198.51.100.0/24"] }),
            resource(EKS, "defaults", {}),
            resource(AWS_EKS, "raw", { vpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: false } }),
            resource(AWS_EKS, "raw-private", { vpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } }),
        ];
        expect(await messages(eksEndpointPrivateProd, resources, { environment: "prod" })).toEqual([
            "Production EKS cluster's API endpoint is not private only: endpointPublicAccess is true. Reach it from the VPC (VPN, bastion or SSM).",
            "Production EKS cluster's API endpoint is not private only: endpointPublicAccess is not set (default true); endpointPrivateAccess is not set (default false). Reach it from the VPC (VPN, bastion or SSM).",
            "Production EKS cluster's API endpoint is not private only: endpointPrivateAccess is false. Reach it from the VPC (VPN, bastion or SSM).",
        ]);
        expect(await check(eksEndpointPrivateProd, resources, { environment: "stage" })).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------------------------------------

describe("security-group-ingress-restricted", () => {
    const albGroup = resource(SG, "alb", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] });
    const alb = resource("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", securityGroups: ["sg-1"] }, { dependsOn: [albGroup] });

    test("passes an ALB's 80/443 from anywhere, and any port from private networks", async () => {
        const resources = [
            albGroup,
            alb,
            resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-http", { ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [albGroup] }),
            resource(SG, "nodes", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.30.0.0/16"] }] }),
        ];
        expect(await check(securityGroupIngressRestricted, resources)).toEqual([]);
    });

    test("flags open ingress in each resource type: inline, SecurityGroupRule, SecurityGroupIngressRule (v4 halves and v6), beyond 80/443 on the ALB, and anywhere off it", async () => {
        const nodes = resource(SG, "nodes", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] });
        const resources = [
            albGroup,
            alb,
            nodes,
            resource("aws:ec2/securityGroupRule:SecurityGroupRule", "alb-admin", { type: "ingress", protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["0.0.0.0/0"] }, { dependsOn: [albGroup] }),
            resource("aws:ec2/securityGroupRule:SecurityGroupRule", "egress", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { dependsOn: [nodes] }),
            resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "nodes-https", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0" }, { dependsOn: [nodes] }),
            resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "outside", { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-elsewhere" }),
        ];
        expect(await messages(securityGroupIngressRestricted, resources)).toEqual([
            "SecurityGroup nodes opens tcp 22 to 0.0.0.0/1, 128.0.0.0/1 (100% of the public address space) on security group nodes, which no Application Load Balancer in the stack uses: only an ALB's 80 and 443 may be reached from the internet.",
            "SecurityGroupRule alb-admin opens tcp 8080 to 0.0.0.0/0 (100% of the public address space) on an ALB's security group beyond TCP 80/443: only an ALB's 80 and 443 may be reached from the internet.",
            "SecurityGroupIngressRule nodes-https opens tcp 443 to ::/0 (100% of the public address space) on security group nodes, which no Application Load Balancer in the stack uses: only an ALB's 80 and 443 may be reached from the internet.",
            "SecurityGroupIngressRule outside opens all traffic to 0.0.0.0/0 (100% of the public address space) on a security group outside the stack: only an ALB's 80 and 443 may be reached from the internet.",
        ]);
    });

    test("internet-facing ALB Gateways listen only on 80 and 443 unless sourceRanges limit them", async () => {
        const lbc = (name: string, spec: object) => resource(LBC, name, { metadata: { name, namespace: "gateway-system" }, spec: { scheme: "internet-facing", ...spec } });
        const gw = (name: string, config: string, ports: number[]) =>
            resource(GATEWAY, name, {
                metadata: { name, namespace: "gateway-system" },
                spec: { gatewayClassName: "alb", infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: config } }, listeners: ports.map((port) => ({ name: `p${port}`, port, protocol: "HTTPS" })) },
            });
        const resources = [
            lbc("open", {}),
            lbc("office", { sourceRanges: ["198.51.100.0/24"] }),
            gw("public", "open", [443, 80]),
            gw("admin", "open", [443, 8443]),
            gw("limited", "office", [8443]),
        ];
        expect(await messages(securityGroupIngressRestricted, resources)).toEqual([
            "Internet-facing ALB Gateway gateway-system/admin opens port 8443 to 0.0.0.0/0 (no sourceRanges): listen on 80 and 443 only, or limit sourceRanges.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Node groups
// ---------------------------------------------------------------------------------------------------------------------

describe("nodegroup-launch-template-imdsv2", () => {
    const template = (name: string, httpTokens?: string) => resource("aws:ec2/launchTemplate:LaunchTemplate", name, { name, metadataOptions: httpTokens ? { httpTokens, httpPutResponseHopLimit: 1 } : undefined });
    const group = (name: string, launchTemplate: object | undefined, dependsOn: PlannedResource[] = []) =>
        resource("aws:eks/nodeGroup:NodeGroup", name, { clusterName: "c", ...(launchTemplate ? { launchTemplate } : {}) }, { dependsOn });
    const v2 = template("v2", "required");

    test("passes node groups on a launch template that requires IMDSv2 (found by dependency or by name), and pulumi-eks groups that enable IMDSv2", async () => {
        const byName = template("named", "required");
        const resources = [
            v2,
            byName,
            group("system", { id: "lt-1", version: "1" }, [v2]),
            group("named", { name: "named", version: "$Latest" }),
            resource("eks:index:ManagedNodeGroup", "managed", { enableIMDSv2: true }),
            resource(EKS, "cluster", { skipDefaultNodeGroup: true }),
        ];
        expect(await check(nodeGroupLaunchTemplateImdsv2, resources)).toEqual([]);
    });

    test("flags a node group without a launch template, with one allowing IMDSv1 or not in the stack, and pulumi-eks groups whose IMDS the stack cannot set", async () => {
        const v1 = template("v1", "optional");
        const resources = [
            v1,
            group("bare", undefined),
            group("optional", { id: "lt-2", version: "1" }, [v1]),
            group("external", { name: "shared-template", version: "3" }),
            resource("eks:index:ManagedNodeGroup", "managed", {}),
            resource("eks:index:NodeGroupV2", "self-managed", { instanceType: "t3.medium" }),
            resource(EKS, "default-group", {}),
        ];
        expect(await messages(nodeGroupLaunchTemplateImdsv2, resources)).toEqual([
            "NodeGroup bare uses no launch template, so its instances' metadata options are EKS's defaults, not IMDSv2 with hop limit 1.",
            'NodeGroup optional uses launch template v1, which does not require IMDSv2 (metadataOptions.httpTokens is "optional").',
            "NodeGroup external names launch template shared-template, which the stack does not define: its IMDS settings cannot be checked.",
            "ManagedNodeGroup managed uses no launch template, so its instances' metadata options are EKS's defaults, not IMDSv2 with hop limit 1.",
            "NodeGroupV2 self-managed is a pulumi-eks self-managed node group, whose launch template's IMDS settings the stack cannot set: use an EKS managed node group with a launch template.",
            "Cluster default-group creates pulumi-eks's default node group (skipDefaultNodeGroup is not true), whose IMDS settings the stack cannot set.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Gateways
// ---------------------------------------------------------------------------------------------------------------------

const selector = { matchLabels: { "platform/gateway-routes": "enabled" } };
const listener = (namespaces: object, name = "https", port = 443, protocol = "HTTPS") => ({ name, port, protocol, allowedRoutes: { namespaces } });
const gatewayOf = (name: string, listeners: object[], type = GATEWAY, extra: object = {}) =>
    resource(type, name, { metadata: { name, namespace: "gateway-system" }, spec: { gatewayClassName: "alb", listeners, ...extra } });

describe("gateway-route-selector-not-empty", () => {
    test("flags an empty or missing Selector in every Gateway version and in a list, in every environment; passes a labelled one", async () => {
        const resources = [
            gatewayOf("good", [listener({ from: "Selector", selector })]),
            gatewayOf("empty", [listener({ from: "Selector", selector: {} })]),
            gatewayOf("missing", [listener({ from: "Selector" })], "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway"),
            resource(`${GATEWAY}List`, "list", { items: [{ metadata: { name: "listed", namespace: "gateway-system" }, spec: { listeners: [listener({ from: "Selector", selector: { matchExpressions: [] } })] } }] }),
        ];
        expect(await messages(gatewayRouteSelectorNotEmpty, resources)).toEqual([
            'Gateway gateway-system/empty listener "https" admits routes by an empty namespace selector, which selects every namespace: give it matchLabels.',
            'Gateway gateway-system/missing listener "https" admits routes by an empty namespace selector, which selects every namespace: give it matchLabels.',
            'Gateway gateway-system/listed listener "https" admits routes by an empty namespace selector, which selects every namespace: give it matchLabels.',
        ]);
    });

    test("gateway-allowed-routes-restricted also reads v1beta1 Gateways", async () => {
        expect(await messages(gatewayAllowedRoutes, [gatewayOf("beta", [listener({ from: "All" })], "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway")], { environment: "prod" })).toEqual([
            'Gateway gateway-system/beta listener "https" admits routes from every namespace (allowedRoutes.namespaces.from: All) in prod: use Selector or Same.',
        ]);
    });
});

const parametersRef = (name: string) => ({ infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name } } });
const lbcWith = (name: string, loadBalancerAttributes: object[]) => resource(LBC, name, { metadata: { name, namespace: "gateway-system" }, spec: { scheme: "internet-facing", loadBalancerAttributes } });
const albClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "alb", { metadata: { name: "alb" }, spec: { controllerName: "gateway.k8s.aws/alb" } });

describe("alb-access-logs", () => {
    const logs = [
        { key: "access_logs.s3.enabled", value: "true" },
        { key: "access_logs.s3.bucket", value: "alb-logs" },
    ];

    test("passes ALB Gateways whose LoadBalancerConfiguration logs to S3, and aws.lb ALBs with accessLogs; ignores other controllers' Gateways and NLBs", async () => {
        const resources = [
            albClass,
            lbcWith("logged", logs),
            gatewayOf("public", [], GATEWAY, parametersRef("logged")),
            resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "istio", { metadata: { name: "istio" }, spec: { controllerName: "istio.io/gateway-controller" } }),
            resource(GATEWAY, "mesh", { metadata: { name: "mesh", namespace: "istio" }, spec: { gatewayClassName: "istio", listeners: [] } }),
            resource("aws:lb/loadBalancer:LoadBalancer", "alb", { accessLogs: { enabled: true, bucket: "alb-logs" } }),
            resource("aws:lb/loadBalancer:LoadBalancer", "nlb", { loadBalancerType: "network" }),
        ];
        expect(await check(albAccessLogs, resources)).toEqual([]);
    });

    test("flags ALB Gateways with no, a missing or a silent LoadBalancerConfiguration, and aws.lb/aws.alb ALBs without logs", async () => {
        const resources = [
            albClass,
            lbcWith("silent", [{ key: "routing.http.drop_invalid_header_fields.enabled", value: "true" }]),
            lbcWith("nobucket", [logs[0]]),
            gatewayOf("bare", []),
            gatewayOf("dangling", [], GATEWAY, parametersRef("gone")),
            gatewayOf("silent", [], GATEWAY, parametersRef("silent")),
            gatewayOf("nobucket", [], GATEWAY, parametersRef("nobucket")),
            resource("aws:lb/loadBalancer:LoadBalancer", "lb", { accessLogs: { bucket: "alb-logs" } }),
            resource("aws:alb/loadBalancer:LoadBalancer", "alb", {}),
        ];
        expect(await messages(albAccessLogs, resources)).toEqual([
            "ALB Gateway gateway-system/bare writes no access logs: it names no LoadBalancerConfiguration.",
            "ALB Gateway gateway-system/dangling writes no access logs: it names LoadBalancerConfiguration gone, which is not in the stack.",
            "ALB Gateway gateway-system/silent writes no access logs: its LoadBalancerConfiguration silent has no loadBalancerAttributes access_logs.s3.enabled=true.",
            "ALB Gateway gateway-system/nobucket writes no access logs: its LoadBalancerConfiguration nobucket has no loadBalancerAttributes access_logs.s3.bucket.",
            "Application Load Balancer lb writes no access logs: set accessLogs.enabled and accessLogs.bucket.",
            "Application Load Balancer alb writes no access logs: set accessLogs.enabled and accessLogs.bucket.",
        ]);
    });
});

describe("alb-http-redirects-to-https", () => {
    const http = (namespaces: object = { from: "Same" }) => listener(namespaces, "http", 80, "HTTP");
    const https = listener({ from: "Selector", selector });
    const route = (name: string, namespace: string, parentRef: object, rules: object[]) =>
        resource(HTTPROUTE, `${namespace}-${name}`, { metadata: { name, namespace }, spec: { parentRefs: [{ name: "public", namespace: "gateway-system", ...parentRef }], rules } });
    const redirect = [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }];
    const serve = [{ backendRefs: [{ name: "api", port: 80 }] }];

    test("passes an HTTP listener for its own namespace whose only route redirects; application routes on the HTTPS listener; aws.lb redirects", async () => {
        const resources = [
            albClass,
            gatewayOf("public", [https, http()]),
            route("redirect", "gateway-system", { sectionName: "http" }, redirect),
            route("api", "app-api", { sectionName: "https" }, serve),
            // No sectionName: it would attach to the HTTP listener too, but that listener admits its own namespace only.
            route("loose", "app-api", {}, serve),
            resource("aws:lb/listener:Listener", "http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }),
            resource("aws:lb/listener:Listener", "https", { protocol: "HTTPS", port: 443, certificateArn: "arn:aws:acm:x", defaultActions: [{ type: "forward" }] }),
        ];
        expect(await check(albHttpRedirectsToHttps, resources)).toEqual([]);
    });

    test("flags an HTTP listener open to other namespaces, one that serves a route, one with no redirect route, and aws.lb/aws.alb HTTP listeners that forward", async () => {
        const resources = [
            albClass,
            gatewayOf("public", [https, http({ from: "All" })]),
            route("plain", "app-api", { port: 80 }, serve),
            gatewayOf("serving", [http()]),
            resource(HTTPROUTE, "serving-route", { metadata: { name: "serving-route", namespace: "gateway-system" }, spec: { parentRefs: [{ name: "serving" }], rules: [...redirect, ...serve] } }),
            gatewayOf("silent", [http()]),
            resource("aws:lb/listener:Listener", "lb-http", { protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "arn:x" }] }),
            resource("aws:alb/listener:Listener", "alb-http", { port: 80, defaultActions: [] }),
        ];
        expect(await messages(albHttpRedirectsToHttps, resources)).toEqual([
            'Gateway gateway-system/public HTTP listener "http" admits routes from other namespaces (from: All), which could serve plain HTTP; serves plain HTTP through HTTPRoute app-api/plain (every rule must be a RequestRedirect to scheme https).',
            'Gateway gateway-system/serving HTTP listener "http" serves plain HTTP through HTTPRoute gateway-system/serving-route (every rule must be a RequestRedirect to scheme https).',
            'Gateway gateway-system/silent HTTP listener "http" has no redirect route (an HTTPRoute whose rules RequestRedirect to scheme https).',
            "Load balancer listener lb-http: HTTP listener's default action is not a single redirect to HTTPS (forward).",
            "Load balancer listener alb-http: HTTP listener's default action is not a single redirect to HTTPS (none).",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------------------------------------------------

const restricted = { "pod-security.kubernetes.io/enforce": "restricted" };
const namespace = (name: string, labels?: Record<string, string>) => resource(NAMESPACE, name, { metadata: { name, ...(labels ? { labels } : {}) } });

describe("namespace-pod-security-restricted", () => {
    test("flags namespaces that enforce nothing or a weaker profile (also as a list item or a patch); passes restricted and exempt ones", async () => {
        const resources = [
            namespace("app", restricted),
            namespace("kube-system"),
            namespace("none"),
            namespace("baseline", { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" }),
            resource(`${NAMESPACE}List`, "list", { items: [{ metadata: { name: "listed", labels: { "pod-security.kubernetes.io/audit": "restricted" } } }] }),
            resource(`${NAMESPACE}Patch`, "opened", { metadata: { name: "opened", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }),
            resource(`${NAMESPACE}Patch`, "annotated", { metadata: { name: "annotated", annotations: { team: "a" } } }),
        ];
        expect(await messages(namespacePodSecurityRestricted, resources)).toEqual([
            "Namespace none has no pod-security.kubernetes.io/enforce label (nothing is enforced): label it pod-security.kubernetes.io/enforce: restricted.",
            "Namespace baseline enforces baseline: label it pod-security.kubernetes.io/enforce: restricted.",
            "Namespace listed has no pod-security.kubernetes.io/enforce label (nothing is enforced): label it pod-security.kubernetes.io/enforce: restricted.",
            "NamespacePatch opened enforces privileged: label it pod-security.kubernetes.io/enforce: restricted.",
        ]);
    });
});

describe("no-default-namespace", () => {
    const meta = (name: string, ns?: string) => ({ metadata: { name, ...(ns ? { namespace: ns } : {}) } });

    test("flags namespaced objects without a namespace or in default (patches and Helm installs too); passes cluster-scoped kinds and unknown custom resources", async () => {
        const resources = [
            resource("kubernetes:apps/v1:Deployment", "placed", { ...meta("placed", "apps"), spec: {} }),
            resource("kubernetes:core/v1:ConfigMap", "unset", meta("unset")),
            resource("kubernetes:core/v1:Secret", "explicit", meta("explicit", "default")),
            resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBindingPatch", "patched", meta("patched", "default")),
            resource(HTTPROUTE, "route", meta("route")),
            resource("kubernetes:helm.sh/v3:Release", "chart", { chart: "x", version: "1.0.0" }),
            resource("kubernetes:helm.sh/v4:Chart", "chart4", { chart: "x", namespace: "tools" }),
            resource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "cluster-role", meta("cluster-role")),
            resource("kubernetes:karpenter.sh/v1:NodePool", "pool", meta("pool")),
            resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "alb", meta("alb")),
        ];
        expect(await messages(noDefaultNamespace, resources)).toEqual([
            "ConfigMap unset is in the default namespace (metadata.namespace is not set): put it in its application's namespace.",
            "Secret explicit is in the default namespace: put it in its application's namespace.",
            "RoleBindingPatch patched is in the default namespace: put it in its application's namespace.",
            "HTTPRoute route is in the default namespace (metadata.namespace is not set): put it in its application's namespace.",
            "Helm Release chart installs into the default namespace: set its namespace.",
        ]);
    });

    test("an object without a namespace goes to its provider's namespace", async () => {
        const provider = resource("pulumi:providers:kubernetes", "scoped", { kubeconfig: "{}", namespace: "apps" });
        const cm = resource("kubernetes:core/v1:ConfigMap", "cm", meta("cm"), { provider: `${provider.urn}::id` });
        expect(await check(noDefaultNamespace, [provider, cm])).toEqual([]);
        expect(K8S_PROVIDER_URN).not.toBe(provider.urn);
    });
});

describe("namespace-network-policy", () => {
    const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const policy = (name: string, ns: string, spec: object) => resource(NP, `${ns}-${name}`, { metadata: { name, namespace: ns }, spec });
    const deny = { podSelector: {}, policyTypes: ["Ingress"] };

    test("passes namespaces with a default deny (or a namespace-wide ingress policy); exempt namespaces need none", async () => {
        const resources = [
            namespace("app", restricted),
            policy("default-deny", "app", deny),
            namespace("web", restricted),
            policy("allow-alb", "web", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.30.0.0/16" } }] }] }),
            namespace("gateway-system", restricted),
        ];
        expect(await check(namespaceNetworkPolicy, resources, { exemptNamespaces: ["gateway-system"] })).toEqual([]);
    });

    test("flags a created namespace without one, one whose policies select only some pods or only egress, and namespaces the stack only runs pods in", async () => {
        const resources = [
            namespace("bare", restricted),
            namespace("partial", restricted),
            policy("api-only", "partial", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"] }),
            policy("egress", "partial", { podSelector: {}, policyTypes: ["Egress"] }),
            resource("kubernetes:batch/v1:CronJob", "report", { metadata: { name: "report", namespace: "reports" }, spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }),
            resource("kubernetes:apps/v1:DaemonSet", "agent", { metadata: { name: "agent", namespace: "kube-system" }, spec: { template: { spec: { containers: [] } } } }),
        ];
        const found = (await check(namespaceNetworkPolicy, resources)).map((v) => [v.urn.split("::").pop(), v.message.split(":")[0]]);
        expect(found).toEqual([
            ["bare", "Namespace bare has no NetworkPolicy selecting all of its pods for ingress (podSelector"],
            ["partial", "Namespace partial has no NetworkPolicy selecting all of its pods for ingress (podSelector"],
            ["report", "Namespace reports has no NetworkPolicy selecting all of its pods for ingress (podSelector"],
        ]);
    });
});

describe("network-policy-enforced", () => {
    const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
    const deny = resource(NP, "deny", { metadata: { name: "default-deny", namespace: "app" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });
    const addon = (name: string, configurationValues?: string) => resource("aws:eks/addon:Addon", name, { clusterName: "c", addonName: "vpc-cni", ...(configurationValues ? { configurationValues } : {}) });

    test("passes NetworkPolicies next to a VPC CNI that enforces them (EKS add-on, pulumi-eks add-on or cluster option), and a stack without NetworkPolicies", async () => {
        // The EKS user guide turns enforcement on with the add-on configuration {"enableNetworkPolicy": "true"}.
        expect(await check(networkPolicyEnforced, [deny, addon("cni", JSON.stringify({ enableNetworkPolicy: "true" }))])).toEqual([]);
        expect(await check(networkPolicyEnforced, [deny, resource("eks:index:VpcCniAddon", "cni", { clusterName: "c", enableNetworkPolicy: true })])).toEqual([]);
        expect(await check(networkPolicyEnforced, [deny, resource(EKS, "cluster", { vpcCniOptions: { enableNetworkPolicy: true } })])).toEqual([]);
        expect(await check(networkPolicyEnforced, [addon("cni")])).toEqual([]);
    });

    test("flags NetworkPolicies with a VPC CNI that does not enforce them, or with none in the stack; another CNI can be declared", async () => {
        expect((await check(networkPolicyEnforced, [deny, addon("cni", JSON.stringify({ enableNetworkPolicy: "false" }))])).map((v) => [v.urn.split("::").pop(), v.message])).toEqual([
            ["cni", "The stack declares 1 NetworkPolicies but its VPC CNI (Addon cni) does not set enableNetworkPolicy: they would not be enforced."],
        ]);
        expect((await check(networkPolicyEnforced, [resource(EKS, "cluster", { useDefaultVpcCni: true }), deny])).map((v) => [v.urn.split("::").pop(), v.message])).toEqual([
            ["cluster", "The stack declares 1 NetworkPolicies but no VPC CNI add-on in the stack enables network policy (the EKS default CNI does not enforce them): they would not be enforced."],
        ]);
        expect(await check(networkPolicyEnforced, [deny], { enforcedByAnotherCni: true })).toEqual([]);
    });
});

describe("security-group-ingress-restricted: protocols, ports and which load balancer a group serves", () => {
    const LB = "aws:lb/loadBalancer:LoadBalancer";
    const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
    const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const suffix = "(100% of the public address space) on security group nodes, which no Application Load Balancer in the stack uses: only an ALB's 80 and 443 may be reached from the internet.";

    test("protocol -1 or all is all traffic; a missing protocol is taken as all traffic; port ranges are shown as from-to", async () => {
        // EC2 IpPermission: IpProtocol -1 means all protocols (Terraform's aws_security_group_rule also takes "all").
        const nodes = resource(SG, "nodes", { ingress: [{ fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] });
        const resources = [
            nodes,
            resource(RULE, "all", { type: "ingress", protocol: "all", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { dependsOn: [nodes] }),
            resource(RULE, "unset", { type: "ingress", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { dependsOn: [nodes] }),
            resource(INGRESS_RULE, "unset-v6", { cidrIpv6: "::/0" }, { dependsOn: [nodes] }),
            resource(INGRESS_RULE, "ephemeral", { ipProtocol: "tcp", fromPort: 1024, toPort: 65535, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [nodes] }),
            resource(INGRESS_RULE, "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [nodes] }),
        ];
        expect(await messages(securityGroupIngressRestricted, resources)).toEqual([
            `SecurityGroup nodes opens all traffic to 0.0.0.0/0 ${suffix}`,
            `SecurityGroupRule all opens all traffic to 0.0.0.0/0 ${suffix}`,
            `SecurityGroupRule unset opens all traffic to 0.0.0.0/0 ${suffix}`,
            `SecurityGroupIngressRule unset-v6 opens all traffic to ::/0 ${suffix}`,
            `SecurityGroupIngressRule ephemeral opens tcp 1024-65535 to 0.0.0.0/0 ${suffix}`,
            `SecurityGroupIngressRule ssh opens tcp 22 to 0.0.0.0/0 ${suffix}`,
        ]);
    });

    test("on an ALB's group: TCP by name or by number 6 on 80/443 passes; UDP 443, and TCP from 443 with no upper port, do not", async () => {
        const albGroup = resource(SG, "alb", {});
        // aws.lb.LoadBalancer loadBalancerType defaults to application (ELBv2 CreateLoadBalancer Type).
        const alb = resource(LB, "alb", { securityGroups: ["sg-1"] }, { dependsOn: [albGroup] });
        const resources = [
            albGroup,
            alb,
            resource(INGRESS_RULE, "https-by-number", { ipProtocol: "6", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [albGroup] }),
            resource(INGRESS_RULE, "quic", { ipProtocol: "udp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [albGroup] }),
            resource(INGRESS_RULE, "open-ended", { ipProtocol: "tcp", fromPort: 443, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [albGroup] }),
        ];
        expect(await messages(securityGroupIngressRestricted, resources)).toEqual([
            "SecurityGroupIngressRule quic opens udp 443 to 0.0.0.0/0 (100% of the public address space) on an ALB's security group beyond TCP 80/443: only an ALB's 80 and 443 may be reached from the internet.",
            "SecurityGroupIngressRule open-ended opens tcp 443-65535 to 0.0.0.0/0 (100% of the public address space) on an ALB's security group beyond TCP 80/443: only an ALB's 80 and 443 may be reached from the internet.",
        ]);
    });

    test("a Network Load Balancer's security group gets no ALB exception", async () => {
        const nlbGroup = resource(SG, "nlb", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] });
        const nlb = resource(LB, "nlb", { loadBalancerType: "network", securityGroups: ["sg-2"] }, { dependsOn: [nlbGroup] });
        expect(await messages(securityGroupIngressRestricted, [nlbGroup, nlb])).toEqual([
            "SecurityGroup nlb opens tcp 443 to 0.0.0.0/0 (100% of the public address space) on security group nlb, which no Application Load Balancer in the stack uses: only an ALB's 80 and 443 may be reached from the internet.",
        ]);
    });

    test("a rule belongs to the security group among its dependencies, not to the first dependency", async () => {
        const vpc = resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.30.0.0/16" });
        const nodes = resource(SG, "nodes", {});
        const rule = resource(INGRESS_RULE, "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }, { dependsOn: [vpc, nodes] });
        expect(await messages(securityGroupIngressRestricted, [vpc, nodes, rule])).toEqual([`SecurityGroupIngressRule ssh opens tcp 22 to 0.0.0.0/0 ${suffix}`]);
    });

    test("internet-facing ALB Gateways: every extra port once; Gateway patches and other controllers' Gateways are not judged", async () => {
        const lbc = resource(LBC, "open", { metadata: { name: "open", namespace: "gateway-system" }, spec: { scheme: "internet-facing" } });
        const istioClass = resource("kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "istio", { metadata: { name: "istio" }, spec: { controllerName: "istio.io/gateway-controller" } });
        const gw = (type: string, name: string, gatewayClassName: string, ports: number[]) =>
            resource(type, name, {
                metadata: { name, namespace: "gateway-system" },
                spec: { gatewayClassName, ...parametersRef("open"), listeners: ports.map((port, i) => ({ name: `l${i}`, port, protocol: "HTTPS" })) },
            });
        const resources = [
            albClass,
            istioClass,
            lbc,
            gw(GATEWAY, "admin", "alb", [443, 8443, 9443, 8443]),
            gw(`${GATEWAY}Patch`, "patched", "alb", [8080]),
            gw(GATEWAY, "mesh", "istio", [15021]),
        ];
        expect(await messages(securityGroupIngressRestricted, resources)).toEqual([
            "Internet-facing ALB Gateway gateway-system/admin opens port 8443, 9443 to 0.0.0.0/0 (no sourceRanges): listen on 80 and 443 only, or limit sourceRanges.",
        ]);
    });
});
