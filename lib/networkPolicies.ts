/**
 * The pod network's rules, as typed NetworkPolicy objects (enforced by the VPC CNI's network policy agent).
 *
 * Every namespace the platform owns starts from "deny everything, both ways"; each workload then gets exactly what it
 * needs: DNS from CoreDNS, HTTPS out (AWS APIs and the Kubernetes API have no fixed addresses), the Pod Identity agent
 * when it uses Pod Identity, and the ports its callers use, only from the VPC (load balancers, kubelet probes, the
 * control plane calling webhooks). Pods of different namespaces cannot reach each other.
 */
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy" with { "resolution-mode": "import" };
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer" with { "resolution-mode": "import" };
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort" with { "resolution-mode": "import" };
import type { INetworkPolicySpec } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec" with { "resolution-mode": "import" };
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../config";

/** A NetworkPolicy with its name, namespace and spec set (`podSelector` always given, `{}` for every pod). */
export type NetworkPolicyObject = INetworkPolicy & {
    metadata: NonNullable<INetworkPolicy["metadata"]> & { name: string; namespace: string };
    spec: INetworkPolicySpec & { podSelector: NonNullable<INetworkPolicySpec["podSelector"]> };
};

/** CoreDNS, as the EKS add-on labels its pods. */
export const KUBE_DNS = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" }, port: 53 } as const;

/** The EKS Pod Identity agent: a host-network DaemonSet every pod asks for credentials on a link-local address. */
export const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;

/** Anywhere (IPv4): HTTPS to AWS APIs, whose addresses are not fixed. */
export const ANYWHERE = "0.0.0.0/0";

export const HTTPS_PORT = 443;

/** Extra destinations a workload may reach (a database in the VPC, a partner API). */
export interface EgressRule {
    /** IPv4 network, e.g. `10.30.0.0/16` or `203.0.113.10/32`. */
    readonly cidr: string;
    /** TCP ports. */
    readonly ports: readonly number[];
}

const tcp = (ports: readonly number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: "TCP", port }));
const fromCidr = (cidr: string): INetworkPolicyPeer => ({ ipBlock: { cidr } });

function policy(namespace: string, name: string, spec: NetworkPolicyObject["spec"], labels: Record<string, string> = {}): NetworkPolicyObject {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "pulumi", ...labels } },
        spec,
    };
}

/** Selects every pod of the namespace and allows nothing: what no other policy allows is dropped, both ways. */
export function defaultDenyPolicy(namespace: string): NetworkPolicyObject {
    return policy(namespace, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

/** DNS (UDP and TCP 53) to CoreDNS, for every pod of the namespace. */
export function allowDnsPolicy(namespace: string): NetworkPolicyObject {
    return policy(namespace, "allow-dns", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
            {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": KUBE_DNS.namespace } }, podSelector: { matchLabels: { ...KUBE_DNS.podLabels } } }],
                ports: [
                    { protocol: "UDP", port: KUBE_DNS.port },
                    { protocol: "TCP", port: KUBE_DNS.port },
                ],
            },
        ],
    });
}

/** Egress every workload here needs: HTTPS anywhere (AWS APIs, STS), and the Pod Identity agent in that mode. */
function awsApiEgress(identityMode: IdentityMode): NonNullable<NetworkPolicyObject["spec"]["egress"]> {
    const rules = [{ to: [fromCidr(ANYWHERE)], ports: tcp([HTTPS_PORT]) }];
    if (identityMode === "podIdentity") rules.push({ to: [fromCidr(POD_IDENTITY_AGENT.cidr)], ports: tcp([POD_IDENTITY_AGENT.port]) });
    return rules;
}

export interface ApplicationNetworkOptions {
    readonly namespace: string;
    /** Name of the application (names its policies). */
    readonly name: string;
    /** Labels of the application's pods (both colors). */
    readonly podLabels: Record<string, string>;
    /** The container port the load balancer's targets and the probes use. */
    readonly port: number;
    /** The VPC: the load balancer's nodes and the kubelets are in it. */
    readonly vpcCidr: string;
    readonly identityMode: IdentityMode;
    /** Further destinations, from the service's config. */
    readonly egress: readonly EgressRule[];
}

/**
 * An application namespace: default deny both ways; DNS; the app port from the VPC only (the ALB's `ip` targets
 * and the kubelet's probes); HTTPS out, the Pod Identity agent, and the service's own egress rules.
 */
export function applicationNetworkPolicies(o: ApplicationNetworkOptions): NetworkPolicyObject[] {
    const selector = { matchLabels: { ...o.podLabels } };
    const egress = [...awsApiEgress(o.identityMode), ...o.egress.map((e) => ({ to: [fromCidr(e.cidr)], ports: tcp(e.ports) }))];
    return [
        defaultDenyPolicy(o.namespace),
        allowDnsPolicy(o.namespace),
        policy(o.namespace, `${o.name}-ingress`, { podSelector: selector, policyTypes: ["Ingress"], ingress: [{ from: [fromCidr(o.vpcCidr)], ports: tcp([o.port]) }] }),
        policy(o.namespace, `${o.name}-egress`, { podSelector: selector, policyTypes: ["Egress"], egress }),
    ];
}

export interface ControllerNetworkOptions {
    readonly namespace: string;
    /** Name of the controller (names its policy). */
    readonly name: string;
    /** Labels of the controller's pods. */
    readonly podLabels: Record<string, string>;
    /** TCP ports called from inside the VPC: webhooks (by the control plane), metrics, health probes (by the kubelet). */
    readonly ingressPorts: readonly number[];
    readonly vpcCidr: string;
    readonly identityMode: IdentityMode;
    /**
     * Whether the namespace is the controller's own, so it gets default deny and DNS for every pod; in a shared
     * namespace (kube-system) only the controller's pods are selected, DNS included.
     */
    readonly ownNamespace: boolean;
}

/** A controller: HTTPS out (Kubernetes and AWS APIs), DNS, the Pod Identity agent, its ports from the VPC. */
export function controllerNetworkPolicies(o: ControllerNetworkOptions): NetworkPolicyObject[] {
    const dns = allowDnsPolicy(o.namespace).spec.egress!;
    const own = policy(o.namespace, o.name, {
        podSelector: { matchLabels: { ...o.podLabels } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [fromCidr(o.vpcCidr)], ports: tcp(o.ingressPorts) }],
        egress: [...(o.ownNamespace ? [] : dns), ...awsApiEgress(o.identityMode)],
    });
    return o.ownNamespace ? [defaultDenyPolicy(o.namespace), allowDnsPolicy(o.namespace), own] : [own];
}

/**
 * Registers the NetworkPolicies `build` makes for the VPC's CIDR, which is known only at deploy time. The objects'
 * names and metadata never depend on the CIDR, so they are read from a build with a stand-in value.
 */
export function createNetworkPolicies(
    name: string,
    build: (vpcCidr: string) => NetworkPolicyObject[],
    vpcCidr: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy[] {
    const cidr = pulumi.output(vpcCidr);
    return build("0.0.0.0/32").map(
        (np, i) =>
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${np.metadata.name}`,
                { metadata: { ...np.metadata }, spec: cidr.apply((c) => build(c)[i].spec) },
                opts,
            ),
    );
}
