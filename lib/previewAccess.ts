/**
 * Who may reach a service's preview hostname. The preview serves the color that is not live, with the live color's
 * permissions, so it is not for the internet: only the configured networks, or by default the VPC, get past the
 * listener rule's `source-ip` condition. Everyone else falls through to the listener's default action (404).
 */
import type { LoadBalancerScheme } from "./awsLoadBalancerTypes";

export interface PreviewSourceOptions {
    /** `previewAccess.sourceCidrs`: used as given when not empty. */
    readonly configured: readonly string[];
    /** The Gateway's scheme: it decides what "the VPC" looks like to the load balancer. */
    readonly scheme: LoadBalancerScheme;
    readonly vpcCidr: string;
    /** Public IPs of the VPC's NAT gateways. */
    readonly natPublicIps: readonly string[];
}

/**
 * The source networks of the preview rule. By default, the VPC as the load balancer sees it: an internal ALB sees
 * clients in the VPC by their own addresses (the VPC's CIDR); an internet-facing ALB resolves to public addresses, so
 * clients in the VPC reach it through a NAT gateway and arrive from its public IP.
 */
export function previewSourceCidrs(o: PreviewSourceOptions): string[] {
    if (o.configured.length > 0) return [...o.configured];
    if (o.scheme === "internal") return [o.vpcCidr];
    if (o.natPublicIps.length === 0) {
        throw new Error("previewSourceCidrs: an internet-facing Gateway with no NAT gateway public IP: set previewAccess.sourceCidrs");
    }
    return o.natPublicIps.map((ip) => `${ip}/32`);
}
