/**
 * Network exposure: the only thing the internet may reach directly is an ALB on 80 and 443.
 *
 * "From the internet" is decided by CIDR arithmetic (`cidr.ts`), not by matching `0.0.0.0/0`. An ingress rule is an
 * ALB's when an Application Load Balancer in the stack uses its security group (the load balancer depends on it).
 * ALB Gateways get their security group from the load balancer controller, which opens each listener port to the
 * LoadBalancerConfiguration's `sourceRanges` (default everywhere) when the scheme is internet-facing: their
 * listeners must then be on 80 or 443.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { OpenNetworksConfig, maxPublicShareProperty, openTo } from "./cluster";
import { GATEWAY_API_GROUP, isAlbGateway, isKind, loadBalancerConfigurationOf } from "./gateway";
import { objectName } from "./kube";
import { GatewayView, LoadBalancerConfigurationView } from "./types";
import { orUnknown } from "./unknowns";

/** Ports the internet may reach, on an ALB only. */
export const PUBLIC_ALB_PORTS = [80, 443] as const;

/** One ingress permission, whichever resource type expresses it. */
export interface IngressRule {
    readonly protocol: string;
    readonly fromPort: number | undefined;
    readonly toPort: number | undefined;
    readonly cidrs: string[];
}

function cidrsOf(...lists: (string | string[] | undefined)[]): string[] {
    return lists.flatMap((l) => (l === undefined ? [] : Array.isArray(l) ? l : [l]));
}

/** Ingress rules a resource declares: a SecurityGroup's inline `ingress`, a SecurityGroupRule, a SecurityGroupIngressRule. */
export function ingressRules(r: Pick<PolicyResource, "type" | "props">): IngressRule[] {
    const p = r.props as Record<string, unknown>;
    switch (r.type) {
        case "aws:ec2/securityGroup:SecurityGroup":
            return ((p.ingress as Record<string, unknown>[] | undefined) ?? []).map((i) => ({
                protocol: String(i.protocol ?? "-1"),
                fromPort: i.fromPort as number | undefined,
                toPort: i.toPort as number | undefined,
                cidrs: cidrsOf(i.cidrBlocks as string[] | undefined, i.ipv6CidrBlocks as string[] | undefined),
            }));
        case "aws:ec2/securityGroupRule:SecurityGroupRule":
            if (p.type !== "ingress") return [];
            return [
                {
                    protocol: String(p.protocol ?? "-1"),
                    fromPort: p.fromPort as number | undefined,
                    toPort: p.toPort as number | undefined,
                    cidrs: cidrsOf(p.cidrBlocks as string[] | undefined, p.ipv6CidrBlocks as string[] | undefined),
                },
            ];
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            return [
                {
                    protocol: String(p.ipProtocol ?? "-1"),
                    fromPort: p.fromPort as number | undefined,
                    toPort: p.toPort as number | undefined,
                    cidrs: cidrsOf(p.cidrIpv4 as string | undefined, p.cidrIpv6 as string | undefined),
                },
            ];
        default:
            return [];
    }
}

/** `tcp 443`, `all traffic`, `tcp 0-65535`. */
function describePorts(rule: IngressRule): string {
    if (rule.protocol === "-1" || rule.protocol.toLowerCase() === "all") return "all traffic";
    const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort ?? 0}-${rule.toPort ?? 65535}`;
    return `${rule.protocol} ${ports}`;
}

/** Whether a rule opens only TCP 80 and/or 443. */
export function onlyAlbPorts(rule: IngressRule): boolean {
    const tcp = rule.protocol.toLowerCase() === "tcp" || rule.protocol === "6";
    if (!tcp || rule.fromPort === undefined || rule.toPort === undefined) return false;
    for (let port = rule.fromPort; port <= rule.toPort; port++) if (!(PUBLIC_ALB_PORTS as readonly number[]).includes(port)) return false;
    return true;
}

function isApplicationLoadBalancer(r: PolicyResource): boolean {
    if (!r.isType(aws.lb.LoadBalancer) && !r.isType(aws.alb.LoadBalancer)) return false;
    return ((r.props as { loadBalancerType?: string }).loadBalancerType ?? "application") === "application";
}

/** The security group a rule resource belongs to: the group itself, or the in-stack group it depends on. */
function securityGroupOf(r: PolicyResource): PolicyResource | undefined {
    if (r.type === "aws:ec2/securityGroup:SecurityGroup") return r;
    return r.dependencies.find((d) => d.type === "aws:ec2/securityGroup:SecurityGroup");
}

export const securityGroupIngressRestricted: StackValidationPolicy = {
    name: "security-group-ingress-restricted",
    description:
        "Security-group ingress from the internet (CIDRs covering maxPublicShare of the public address space or more) is allowed only on TCP 80 and 443 of an Application Load Balancer's security group; internet-facing ALB Gateways listen only on 80 and 443.",
    severity: "critical",
    configSchema: { properties: maxPublicShareProperty },
    validateStack: (args, reportViolation) => {
        const { maxPublicShare } = args.getConfig<OpenNetworksConfig>();
        const albs = args.resources.filter(isApplicationLoadBalancer);
        const albGroups = new Set(albs.flatMap((lb) => lb.dependencies.filter((d) => d.type === "aws:ec2/securityGroup:SecurityGroup").map((d) => d.urn)));
        for (const r of args.resources) {
            // A rule whose ports or CIDRs are not known yet (a preview) is checked once they are.
            for (const rule of orUnknown(() => ingressRules(r), [] as IngressRule[])) {
                const open = orUnknown(() => openTo(rule.cidrs, maxPublicShare), undefined);
                if (!open) continue;
                const group = securityGroupOf(r);
                const onAlb = group !== undefined && albGroups.has(group.urn);
                if (onAlb && onlyAlbPorts(rule)) continue;
                const where = onAlb ? "an ALB's security group beyond TCP 80/443" : group ? `security group ${group.name}, which no Application Load Balancer in the stack uses` : "a security group outside the stack";
                reportViolation(`${r.type.split(":").pop()} ${r.name} opens ${describePorts(rule)} to ${open} on ${where}: only an ALB's 80 and 443 may be reached from the internet.`, r.urn);
            }
        }
        for (const r of args.resources.filter((res) => isKind(res, GATEWAY_API_GROUP, "Gateway") && isAlbGateway(res, args.resources))) {
            const lbc = loadBalancerConfigurationOf(r, args.resources)?.props as LoadBalancerConfigurationView | undefined;
            if (lbc?.spec?.scheme !== "internet-facing") continue;
            const ranges = lbc.spec.sourceRanges ?? [];
            const open = ranges.length === 0 ? "0.0.0.0/0 (no sourceRanges)" : openTo(ranges, maxPublicShare);
            if (!open) continue;
            const ports = ((r.props as GatewayView).spec?.listeners ?? []).map((l) => l.port).filter((p) => !(PUBLIC_ALB_PORTS as readonly number[]).includes(p));
            if (ports.length > 0) {
                reportViolation(`Internet-facing ALB Gateway ${objectName(r)} opens port ${[...new Set(ports)].join(", ")} to ${open}: listen on 80 and 443 only, or limit sourceRanges.`, r.urn);
            }
        }
    },
};

export const networkPolicies = [securityGroupIngressRestricted];
