/**
 * Route 53 and ACM, as pure functions: which names a hosted zone can hold, the certificate's domains and their
 * validation records, the alias records per hostname (plain, or weighted during a cutover from a legacy load
 * balancer), and what the stack may claim as a service's URL.
 */
import type { CutoverConfig, ServiceConfig } from "../config";
import type { LoadBalancerIpAddressType } from "./awsLoadBalancerTypes";

/** ACM: the certificate's first domain name (its subject CN) is at most 64 characters. */
export const ACM_MAX_DOMAIN_NAME_LENGTH = 64;

/** Set identifiers of the two weighted records of a hostname during a cutover. */
export const CUTOVER_SET_IDENTIFIERS = { eks: "eks", legacy: "legacy" } as const;

export type AliasRecordType = "A" | "AAAA";

/** A name without its leading wildcard label (`*.example.com` → `example.com`). */
function baseName(name: string): string {
    return name.startsWith("*.") ? name.slice(2) : name;
}

/** The zone the Gateway's names live in when `dns.zoneName` is not given: gateway.hostname without its `*.`. */
export function defaultZoneName(gatewayHostname: string): string {
    return baseName(gatewayHostname);
}

/**
 * Whether a hosted zone named `zoneName` can hold a record (or a certificate's validation record) for `name`:
 * the zone's apex or a name under it. `*.example.com` is held by example.com (its validation record is).
 */
export function zoneHolds(zoneName: string, name: string): boolean {
    const zone = zoneName.toLowerCase().replace(/\.$/, "");
    const host = baseName(name.toLowerCase().replace(/\.$/, ""));
    return host === zone || host.endsWith(`.${zone}`);
}

/** The issued certificate's domains: gateway.hostname first (the subject), then the apex under the wildcard if asked. */
export function certificateDomains(gatewayHostname: string, includeApex: boolean): string[] {
    return includeApex && gatewayHostname.startsWith("*.") ? [gatewayHostname, baseName(gatewayHostname)] : [gatewayHostname];
}

/**
 * One DNS validation record per distinct name: ACM asks for the same CNAME for `*.example.com` and `example.com`,
 * and two Route 53 records of one name and type would collide. Each entry names the domain whose
 * `domainValidationOptions` entry gives the record, and a stable key for the record's resource name.
 */
export function validationRecordDomains(domains: readonly string[]): { domain: string; key: string }[] {
    const seen = new Set<string>();
    const out: { domain: string; key: string }[] = [];
    for (const domain of domains) {
        const key = baseName(domain);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ domain, key });
    }
    return out;
}

/**
 * Record types an ALB answers for, by its `ipAddressType` (the controller's default is `ipv4`): IPv4 only,
 * both families, or IPv6 only (`dualstack-without-public-ipv4` has no public IPv4 address).
 */
export function aliasRecordTypes(ipAddressType: LoadBalancerIpAddressType): AliasRecordType[] {
    switch (ipAddressType) {
        case "ipv4":
            return ["A"];
        case "dualstack":
            return ["A", "AAAA"];
        case "dualstack-without-public-ipv4":
            return ["AAAA"];
    }
}

/** Where an alias record points: the Gateway's ALB, or a cutover's legacy load balancer. */
export type AliasTarget = { readonly kind: "alb" } | { readonly kind: "legacy"; readonly dnsName: string; readonly zoneId: string };

export interface AliasRecordSpec {
    /**
     * Pulumi resource name. It depends only on hostname and type, never on the routing policy, so a hostname that
     * moves between a plain and a weighted record keeps its resource: the provider then deletes the old record set
     * and creates the new one in one Route 53 change batch, which applies atomically (no moment without an answer).
     */
    readonly resourceName: string;
    readonly hostname: string;
    readonly type: AliasRecordType;
    readonly target: AliasTarget;
    /** Weighted routing; absent for a plain (simple) record. */
    readonly weighted?: { readonly setIdentifier: string; readonly weight: number };
    /**
     * Take over a record set that already exists (UPSERT instead of CREATE). Only the `legacy` side of a cutover does:
     * the runbook's first step turns the existing record into that weighted record by hand, and the stack adopts it.
     */
    readonly allowOverwrite: boolean;
    /** Resource name of a record this one must be written after (see `aliasRecordSpecs`). */
    readonly after?: string;
}

/** What the DNS records are built from, per service. */
export type DnsService = Pick<ServiceConfig, "name" | "hostnames" | "previewHostname" | "cutover">;

/**
 * The alias records of every service hostname and preview hostname.
 *
 * Without a cutover a hostname has one plain alias record per type the ALB answers for. With a cutover its A record
 * is two weighted records: `eks` → the ALB (`eksWeight`) and `legacy` → the legacy load balancer (`100 - eksWeight`);
 * AAAA is left out, so IPv6 clients cannot bypass the weights (the legacy load balancer is assumed IPv4).
 *
 * Route 53 refuses a plain and a weighted record set of the same name and type side by side, and a Pulumi update
 * deletes removed resources last. So every step of a cutover is built to be one safe `pulumi up`:
 * - `eksWeight` 0–99: `eks` and `legacy` both exist (at 0 the ALB is on standby: Route 53 answers with a weight-0
 *   record only when every other one is unhealthy).
 * - `eksWeight` 100: the `legacy` record is dropped, `eks` stays weighted and takes every answer.
 * - `cutover` removed (from 100): the `eks` record becomes the plain record in one atomic change, nothing else left.
 * - `cutover` added to a plain record: that record becomes `eks` atomically first; `legacy` is written after it.
 */
export function aliasRecordSpecs(prefix: string, services: readonly DnsService[], types: readonly AliasRecordType[]): AliasRecordSpec[] {
    const specs: AliasRecordSpec[] = [];
    const resourceName = (hostname: string, type: AliasRecordType) => `${prefix}-${hostname}-${type}`;
    const plain = (hostname: string, type: AliasRecordType): AliasRecordSpec => ({
        resourceName: resourceName(hostname, type),
        hostname,
        type,
        target: { kind: "alb" },
        allowOverwrite: false,
    });
    for (const service of services) {
        for (const hostname of service.hostnames) {
            if (!service.cutover) {
                specs.push(...types.map((type) => plain(hostname, type)));
                continue;
            }
            specs.push(...cutoverRecords(resourceName(hostname, "A"), hostname, service.cutover));
        }
        specs.push(...types.map((type) => plain(service.previewHostname, type)));
    }
    return specs;
}

function cutoverRecords(eksName: string, hostname: string, cutover: CutoverConfig): AliasRecordSpec[] {
    const eks: AliasRecordSpec = {
        resourceName: eksName,
        hostname,
        type: "A",
        target: { kind: "alb" },
        weighted: { setIdentifier: CUTOVER_SET_IDENTIFIERS.eks, weight: cutover.eksWeight },
        allowOverwrite: false,
    };
    if (cutover.eksWeight === 100) return [eks];
    const legacy: AliasRecordSpec = {
        resourceName: `${eksName}-${CUTOVER_SET_IDENTIFIERS.legacy}`,
        hostname,
        type: "A",
        target: { kind: "legacy", dnsName: cutover.legacyDnsName, zoneId: cutover.legacyZoneId },
        weighted: { setIdentifier: CUTOVER_SET_IDENTIFIERS.legacy, weight: 100 - cutover.eksWeight },
        allowOverwrite: true,
        after: eksName,
    };
    return [eks, legacy];
}

/** The part of a service's stack output that depends on DNS. */
export interface ServiceEndpoints {
    /** `https://<first hostname>`, only when this stack writes its record; otherwise null. */
    readonly url: string | null;
    /** `https://<previewHostname>` when this stack writes its record and the preview route exists; otherwise null. */
    readonly previewUrl: string | null;
    /** Names this stack writes no record for: point each at the stack output `albDnsName` (alias A/AAAA or CNAME). */
    readonly pointAtAlbDnsName: string[];
    /** Share of DNS answers per side while a cutover runs; null otherwise. */
    readonly dnsWeights: { readonly eks: number; readonly legacy: number } | null;
}

/** What a service's URLs are, given whether the stack manages its records and whether it has a preview route. */
export function serviceEndpoints(service: DnsService, options: { readonly managed: boolean; readonly previewRoute: boolean }): ServiceEndpoints {
    if (!options.managed) {
        return { url: null, previewUrl: null, pointAtAlbDnsName: [...service.hostnames, service.previewHostname], dnsWeights: null };
    }
    return {
        url: `https://${service.hostnames[0]}`,
        previewUrl: options.previewRoute ? `https://${service.previewHostname}` : null,
        pointAtAlbDnsName: [],
        dnsWeights: service.cutover ? { eks: service.cutover.eksWeight, legacy: 100 - service.cutover.eksWeight } : null,
    };
}

/** The hosted zone as Route 53 reports it (`aws.route53.getZone`). */
export interface HostedZoneFacts {
    readonly zoneId: string;
    readonly name: string;
    readonly privateZone?: boolean;
}

/**
 * Why records cannot go in the zone `dns.zoneId` names, or undefined: it must be the zone `dns.zoneName` says (the
 * offline checks of the hostnames assumed that name), and public when it must answer the internet: for ACM's
 * validation and for an internet-facing ALB.
 */
export function hostedZoneProblem(zone: HostedZoneFacts, expected: { readonly zoneName: string; readonly mustBePublic: boolean }): string | undefined {
    const actual = zone.name.toLowerCase().replace(/\.$/, "");
    if (actual !== expected.zoneName.toLowerCase()) {
        return `'dns.zoneId' is ${JSON.stringify(zone.zoneId)}, the hosted zone ${actual}, expected the zone ${expected.zoneName} (dns.zoneName): set dns.zoneName to ${actual} if that zone should hold the hostnames`;
    }
    if (expected.mustBePublic && zone.privateZone) {
        return `'dns.zoneId' is ${JSON.stringify(zone.zoneId)}, a private hosted zone, expected a public zone (ACM validation and an internet-facing ALB need names the internet resolves)`;
    }
    return undefined;
}
