import { find, inputsOf, k8sObjects, ofType, plan, planError, STACKS } from "./harness";
import { validateObjects } from "./models";

const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** A rule allowing DNS to CoreDNS (the EKS CoreDNS add-on's pods carry k8s-app=kube-dns in kube-system). */
const DNS_EGRESS = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ],
};
const HTTPS_EGRESS = { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] };
/** The EKS Pod Identity agent's link-local address and port (EKS User Guide, "EKS Pod Identity agent"). */
const POD_IDENTITY_AGENT_EGRESS = { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] };
const DENY_ALL = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

type NetworkPolicy = { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };

function policies(p: Awaited<ReturnType<typeof plan>>): NetworkPolicy[] {
    return k8sObjects(p, "NetworkPolicy") as NetworkPolicy[];
}

function inNamespace(p: Awaited<ReturnType<typeof plan>>, namespace: string): Record<string, Record<string, unknown>> {
    return Object.fromEntries(policies(p).filter((n) => n.metadata.namespace === namespace).map((n) => [n.metadata.name, n.spec]));
}

const VPC_CIDR: Record<string, string> = { dev: "10.10.0.0/16", stage: "10.20.0.0/16", prod: "10.30.0.0/16" };

describe("Pod network", () => {
    test.each(STACKS)("%s: NetworkPolicies are enforced (VPC CNI add-on) and every application namespace denies by default", async (stack) => {
        const p = await plan(stack);
        const cni = JSON.parse(inputsOf(p, "aws:eks/addon:Addon", "cluster-vpc-cni").configurationValues);
        expect(cni.enableNetworkPolicy).toBe("true");
        const appNamespaces = ofType(p, "kubernetes:core/v1:Namespace")
            .map((n) => (n.inputs as { metadata: { name: string; labels: Record<string, string> } }).metadata)
            .filter((m) => m.labels["platform/gateway-routes"] === "enabled")
            .map((m) => m.name);
        expect(appNamespaces).toEqual(["app-api"]);
        for (const ns of appNamespaces) expect(inNamespace(p, ns)["default-deny"]).toEqual(DENY_ALL);
    });

    test.each(STACKS)("%s: an application takes its app port from the VPC only, and reaches DNS and HTTPS", async (stack) => {
        const p = await plan(stack);
        expect(inNamespace(p, "app-api")).toEqual({
            "default-deny": DENY_ALL,
            "allow-dns": { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] },
            "app-api-ingress": {
                podSelector: { matchLabels: { app: "app-api" } },
                policyTypes: ["Ingress"],
                // The ALB's nodes (ip targets) and the kubelet's probes: both from the VPC, both on the container port.
                ingress: [{ from: [{ ipBlock: { cidr: VPC_CIDR[stack] } }], ports: [{ protocol: "TCP", port: 8080 }] }],
            },
            "app-api-egress": { podSelector: { matchLabels: { app: "app-api" } }, policyTypes: ["Egress"], egress: [HTTPS_EGRESS] },
        });
        // The policies select both colors' pods, and the pods wait for them.
        for (const color of ["blue", "green"]) {
            const deployment = find(p, "kubernetes:apps/v1:Deployment", `app-api-${color}`);
            expect((deployment.inputs as any).spec.template.metadata.labels.app).toBe("app-api");
            expect(deployment.dependencies).toEqual(expect.arrayContaining(ofType(p, NETPOL).filter((r) => r.name.startsWith("app-api-netpol-")).map((r) => r.urn)));
        }
    });

    test("podIdentity: pods may reach the Pod Identity agent; IRSA stacks do not open it", async () => {
        const pi = await plan("prod", "identityMode=podIdentity");
        expect((inNamespace(pi, "app-api")["app-api-egress"] as { egress: unknown[] }).egress).toEqual([HTTPS_EGRESS, POD_IDENTITY_AGENT_EGRESS]);
        expect((inNamespace(pi, "karpenter")["karpenter"] as { egress: unknown[] }).egress).toEqual([HTTPS_EGRESS, POD_IDENTITY_AGENT_EGRESS]);
        const irsa = await plan("prod");
        expect(JSON.stringify(policies(irsa))).not.toContain("169.254.170.23");
    });

    test("a service's egress rules (its database, say) are added to its pods' egress, and nothing else", async () => {
        const services = JSON.parse((await plan("prod")).config["eks-platform:services"]);
        services[0].egress = [{ cidr: "10.30.64.0/20", ports: [5432] }];
        const p = await plan("prod", `services=${JSON.stringify(services)}`);
        expect((inNamespace(p, "app-api")["app-api-egress"] as { egress: unknown[] }).egress).toEqual([
            HTTPS_EGRESS,
            { to: [{ ipBlock: { cidr: "10.30.64.0/20" } }], ports: [{ protocol: "TCP", port: 5432 }] },
        ]);
    });

    test("an egress rule with a host address for a network, or no ports, is a config error naming the key", async () => {
        const services = JSON.parse((await plan("prod")).config["eks-platform:services"]);
        services[0].egress = [{ cidr: "10.30.64.1/20", ports: [] }];
        const err = await planError("prod", `services=${JSON.stringify(services)}`);
        expect(err.message).toContain("'services[0].egress[0].cidr' is \"10.30.64.1/20\", expected an IPv4 network in CIDR notation");
        expect(err.message).toContain("'services[0].egress[0].ports' is [], expected at least 1 item(s)");
        expect(err.registered).toEqual([]);
    });

    test.each(STACKS)("%s: controllers: Karpenter's namespace denies by default; the LB controller's pods alone in kube-system", async (stack) => {
        const p = await plan(stack);
        const vpc = [{ ipBlock: { cidr: VPC_CIDR[stack] } }];
        expect(inNamespace(p, "karpenter")).toEqual({
            "default-deny": DENY_ALL,
            "allow-dns": { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] },
            karpenter: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" } },
                policyTypes: ["Ingress", "Egress"],
                // Chart defaults: metrics 8080, health probe 8081.
                ingress: [{ from: vpc, ports: [{ protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 8081 }] }],
                egress: [HTTPS_EGRESS],
            },
        });
        // kube-system runs EKS's own add-ons: no namespace-wide deny there, only the controller's pods are selected.
        expect(inNamespace(p, "kube-system")).toEqual({
            "aws-load-balancer-controller": {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": "aws-load-balancer-controller" } },
                policyTypes: ["Ingress", "Egress"],
                // Chart defaults: webhook 9443 (called by the control plane), metrics 8080, health probe 61779.
                ingress: [{ from: vpc, ports: [{ protocol: "TCP", port: 9443 }, { protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 61779 }] }],
                egress: [DNS_EGRESS, HTTPS_EGRESS],
            },
        });
        expect(inNamespace(p, "gateway-system")).toEqual({ "default-deny": DENY_ALL });
        // The controllers start under their policies.
        const urns = (prefix: string) => ofType(p, NETPOL).filter((r) => r.name.startsWith(prefix)).map((r) => r.urn);
        expect(find(p, "kubernetes:helm.sh/v3:Release", "karpenter-controller").dependencies).toEqual(expect.arrayContaining(urns("karpenter-netpol-")));
        expect(find(p, "kubernetes:helm.sh/v3:Release", "aws-load-balancer-controller").dependencies).toEqual(
            expect.arrayContaining(urns("aws-load-balancer-controller-netpol-")),
        );
    });

    test.each(STACKS)("%s: every NetworkPolicy in a namespace the stack creates waits for that Namespace", async (stack) => {
        // The API server refuses an object in a namespace that does not exist yet (NotFound: namespaces "…" not found).
        const p = await plan(stack);
        const namespaces = new Map(ofType(p, "kubernetes:core/v1:Namespace").map((n) => [(n.inputs as { metadata: { name: string } }).metadata.name, n.urn]));
        const waits = ofType(p, NETPOL)
            .map((r) => [r.name, (r.inputs as { metadata: { namespace: string } }).metadata.namespace, r.dependencies] as const)
            .filter(([, ns]) => namespaces.has(ns))
            .map(([name, ns, deps]) => [name, deps.includes(namespaces.get(ns)!)]);
        expect(waits.map(([name]) => name)).toEqual(expect.arrayContaining(["gateway-netpol-default-deny", "karpenter-netpol-default-deny", "karpenter-netpol-karpenter"]));
        expect(waits.filter(([, waited]) => !waited)).toEqual([]);
    });

    test("an existing VPC: the rules use its CIDR as AWS reports it", async () => {
        const existing = {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
        };
        const p = await plan("dev", `existingVpc=${JSON.stringify(existing)}`, 'previewAccess={"sourceCidrs":["203.0.113.0/24"]}');
        // The offline plan's stand-in for aws.ec2.getVpc.
        expect((inNamespace(p, "app-api")["app-api-ingress"] as { ingress: { from: unknown[] }[] }).ingress[0].from).toEqual([{ ipBlock: { cidr: "10.99.0.0/16" } }]);
    });

    test.each(STACKS)("%s: every NetworkPolicy is valid against the Kubernetes schema", async (stack) => {
        const objects = policies(await plan(stack));
        expect(objects.length).toBe(9);
        expect((await validateObjects(objects)).map((r) => [r.name, r.error])).toEqual(objects.map((o) => [o.metadata.name, null]));
    });
});
