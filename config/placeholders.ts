/**
 * Example values that must never reach a real account. The shipped stack files and `Pulumi.yaml` defaults use
 * documentation values so that the offline plan runs anywhere; a real `pulumi preview`/`up` with them would try
 * to trust account 123456789012, request certificates for example.com, or open the API to a documentation range.
 */

/** Where an example value sits in the stack config, and why it is one. */
export interface Placeholder {
    /** Config path, e.g. `gateway.certificateArns[0]`. */
    readonly path: string;
    readonly value: string;
    readonly reasons: readonly string[];
}

/** The account id AWS documentation uses in example ARNs. */
export const EXAMPLE_ACCOUNT = "123456789012";

/** Domains reserved for documentation: example.com, .net, .org (RFC 2606 §3) and the `.example` TLD (§2). */
const EXAMPLE_DOMAIN = /(^|[.*@/])(example\.(com|net|org)|[a-z0-9-]+\.example)(\.?$|[/:])/i;

/** IPv4 blocks reserved for documentation (RFC 5737 TEST-NET-1/2/3) and MCAST-TEST-NET (RFC 6676). */
const DOCUMENTATION_NETWORKS: readonly [string, number][] = [
    ["192.0.2.0", 24],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["233.252.0.0", 24],
];

/** A dotted quad of one to three digits each (as the pattern below admits) as a number; undefined past 255. */
function ipv4(address: string): number | undefined {
    const parts = address.split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/**
 * An IPv4 address, with an optional prefix length, standing alone or inside a longer value (a URL, `host:port`, a
 * list): not preceded or followed by another digit or dot, nor followed by `/` and a digit (a prefix it does not
 * take, such as `/333`). `1203.0.113.5` and `203.0.113.5.1` hold no address.
 */
const IPV4_IN_TEXT = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?![\d.]|\/\d)/g;
/** The IPv6 documentation prefix 2001:db8::/32 (RFC 3849) at the start of an address, wherever the address is. */
const IPV6_DOCUMENTATION = /(?<![0-9a-f:])2001:0?db8(?![0-9a-z.])/i;

/**
 * The documentation block of the first address or network in the value that lies in one, if any. A wider network
 * that merely contains a block (0.0.0.0/0, 192.0.0.0/16) is a real value, not an example.
 */
function inDocumentationNetwork(value: string): string | undefined {
    for (const m of value.matchAll(IPV4_IN_TEXT)) {
        const address = ipv4(m[1]);
        const prefix = m[2] === undefined ? 32 : Number(m[2]);
        if (address === undefined || prefix > 32) continue;
        for (const [network, bits] of DOCUMENTATION_NETWORKS) {
            const mask = (0xffffffff << (32 - bits)) >>> 0;
            if (prefix >= bits && ((address & mask) >>> 0) === ipv4(network)) return `${network}/${bits}`;
        }
    }
    return IPV6_DOCUMENTATION.test(value) ? "2001:db8::/32" : undefined;
}

const PLACEHOLDER_CERTIFICATE = /:certificate\/([0-9a-f])\1{7}-\1{4}-[0-9a-f]\1{3}-[0-9a-f]\1{3}-\1{12}$/;

/** Why a single string is an example value; empty when it is not one. */
export function placeholderReasons(value: string): string[] {
    const reasons: string[] = [];
    if (new RegExp(`(^|[^0-9])${EXAMPLE_ACCOUNT}([^0-9]|$)`).test(value)) reasons.push(`AWS documentation account ${EXAMPLE_ACCOUNT}`);
    if (EXAMPLE_DOMAIN.test(value)) reasons.push("reserved example domain (RFC 2606)");
    const network = inDocumentationNetwork(value);
    if (network) reasons.push(`documentation network ${network}`);
    if (PLACEHOLDER_CERTIFICATE.test(value)) reasons.push("placeholder certificate id");
    return reasons;
}

function keyPath(parent: string, key: string | number): string {
    return typeof key === "number" ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
}

/** Every example value in a config value (any shape), with its path. */
export function findPlaceholders(value: unknown, path = ""): Placeholder[] {
    if (typeof value === "string") {
        const reasons = placeholderReasons(value);
        return reasons.length ? [{ path, value, reasons }] : [];
    }
    if (Array.isArray(value)) return value.flatMap((v, i) => findPlaceholders(v, keyPath(path, i)));
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => findPlaceholders(v, keyPath(path, k)));
    }
    return [];
}

/** One line: every example value, where it is and why, then what to do. */
export function placeholderMessage(stack: string, found: readonly Placeholder[]): string {
    const list = found.map((p) => `${p.path} ${JSON.stringify(p.value)} (${p.reasons.join(", ")})`).join("; ");
    return (
        `Stack '${stack}' still holds ${found.length} example value(s) that cannot be deployed: ${list}. ` +
        `Put your own values in Pulumi.${stack}.yaml (README: "Values to change"), or set allowPlaceholders: true if you mean them.`
    );
}
