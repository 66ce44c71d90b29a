import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerIpAddressType } from "../lib/awsLoadBalancerTypes";
import { AliasRecordSpec, DnsService, aliasRecordSpecs, aliasRecordTypes, hostedZoneProblem } from "../lib/dns";

/** The hosted zone the stack writes into, as configured (`dns`). */
export interface HostedZoneSettings {
    readonly zoneId: string;
    /** The name the zone must have; the hostnames were checked against it before anything was deployed. */
    readonly zoneName: string;
    /** Whether the zone must be public (certificate validation, internet-facing ALB). */
    readonly mustBePublic: boolean;
}

/**
 * The zone ID, once Route 53 confirms the zone is the one the config describes. Every record takes its zone from
 * here, so a zone ID that names another domain (or a private zone) fails `pulumi preview` and writes nothing,
 * instead of creating records no resolver will ever ask for.
 */
export function verifiedHostedZoneId(zone: HostedZoneSettings, opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    return aws.route53.getZoneOutput({ zoneId: zone.zoneId }, opts).apply((found) => {
        const problem = hostedZoneProblem(
            { zoneId: found.zoneId, name: found.name, privateZone: found.privateZone },
            { zoneName: zone.zoneName, mustBePublic: zone.mustBePublic },
        );
        if (problem) throw new pulumi.RunError(`Invalid stack config: ${problem}`);
        return found.zoneId;
    });
}

export interface DnsRecordsArgs {
    /** The hosted zone, checked (`verifiedHostedZoneId`). */
    readonly zoneId: pulumi.Input<string>;
    /** The stack's region: the ALB's canonical hosted zone is per region. */
    readonly region: string;
    /**
     * The ALB's DNS name from the Gateway's `status.addresses`. The Gateway waits for `Programmed`, so this resolves
     * only once the ALB exists, and every record depends on the Gateway through it.
     */
    readonly albDnsName: pulumi.Input<string>;
    /** The ALB's address type; AAAA records only where it answers IPv6. Default: `ipv4` (the controller's). */
    readonly albIpAddressType?: LoadBalancerIpAddressType;
    /** Services whose hostnames and preview hostnames get records, some with a cutover. */
    readonly services: readonly DnsService[];
}

/**
 * Route 53 alias records for every service hostname and preview hostname: plain records to the Gateway's ALB, or,
 * during a cutover, weighted `eks` / `legacy` records that move a hostname from the old load balancer step by step.
 * Records are keyed by hostname and type (see `aliasRecordSpecs` for why a record keeps its resource while its
 * routing changes).
 */
export class DnsRecords extends pulumi.ComponentResource {
    /** Hostnames this stack writes records for; resolves once every record is written. */
    public readonly hostnames: pulumi.Output<string[]>;

    constructor(name: string, args: DnsRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:dns:DnsRecords", name, {}, opts);
        const albZoneId = aws.lb.getHostedZoneIdOutput({ loadBalancerType: "application", region: args.region }, { parent: this }).id;
        const albDnsName = pulumi.output(args.albDnsName).apply((dnsName) => {
            if (!dnsName) throw new pulumi.RunError("The Gateway is Programmed but reports no address: no alias record can point at its ALB");
            return dnsName;
        });

        const specs = aliasRecordSpecs(name, args.services, aliasRecordTypes(args.albIpAddressType ?? "ipv4"));
        const written = new Map<string, aws.route53.Record>();
        for (const spec of specs) {
            const after = spec.after === undefined ? undefined : written.get(spec.after);
            written.set(spec.resourceName, aliasRecord(spec, { zoneId: args.zoneId, albDnsName, albZoneId }, { parent: this, dependsOn: after ? [after] : [] }));
        }

        const hostnames = [...new Set(specs.map((s) => s.hostname))];
        this.hostnames = pulumi.all([...written.values()].map((r) => r.id)).apply(() => hostnames);
        this.registerOutputs({ hostnames: this.hostnames });
    }
}

function aliasRecord(
    spec: AliasRecordSpec,
    target: { zoneId: pulumi.Input<string>; albDnsName: pulumi.Input<string>; albZoneId: pulumi.Input<string> },
    opts: pulumi.CustomResourceOptions,
): aws.route53.Record {
    const alias =
        spec.target.kind === "alb"
            ? { name: target.albDnsName, zoneId: target.albZoneId, evaluateTargetHealth: true }
            : { name: spec.target.dnsName, zoneId: spec.target.zoneId, evaluateTargetHealth: true };
    return new aws.route53.Record(
        spec.resourceName,
        {
            zoneId: target.zoneId,
            name: spec.hostname,
            type: spec.type,
            aliases: [alias],
            ...(spec.weighted
                ? { setIdentifier: spec.weighted.setIdentifier, weightedRoutingPolicies: [{ weight: spec.weighted.weight }] }
                : {}),
            allowOverwrite: spec.allowOverwrite,
        },
        opts,
    );
}
