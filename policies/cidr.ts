/**
 * CIDR arithmetic for "is this open to the internet?": a set of CIDRs is compared as the address ranges it covers,
 * not as strings, so that `0.0.0.0/1` + `128.0.0.0/1` is as open as `0.0.0.0/0`, and `10.0.0.0/8` (private) is
 * not open at all.
 *
 * "Public" address space is what the internet can reach:
 * - IPv4: every address except the special-purpose blocks of the IANA IPv4 Special-Purpose Address Registry
 *   (RFC 6890 and its updates) that are not globally reachable, plus multicast (224.0.0.0/4) and the reserved
 *   240.0.0.0/4 block;
 * - IPv6: global unicast 2000::/3 (RFC 4291), except the documentation prefixes 2001:db8::/32 (RFC 3849) and
 *   3fff::/20 (RFC 9637).
 */

export type IpFamily = "ipv4" | "ipv6";

/** A parsed CIDR: the first and last address of its range, as integers. */
export interface AddressRange {
    readonly family: IpFamily;
    readonly first: bigint;
    readonly last: bigint;
}

const BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

function parseIpv4(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) return undefined;
    let value = 0n;
    for (const part of parts) {
        if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
        value = (value << 8n) | BigInt(Number(part));
    }
    return value;
}

function parseIpv6(text: string): bigint | undefined {
    let head = text;
    let tail: bigint | undefined;
    // An embedded IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
    const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
        tail = parseIpv4(v4[2]);
        if (tail === undefined) return undefined;
        head = `${v4[1]}0:0`;
    }
    const halves = head.split("::");
    if (halves.length > 2) return undefined;
    const groups = (s: string) => (s === "" ? [] : s.split(":"));
    const left = groups(halves[0]);
    const right = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - left.length - right.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
    let value = 0n;
    for (const g of all) {
        if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
        value = (value << 16n) | BigInt(parseInt(g, 16));
    }
    // The last two groups were parsed as zeros: the IPv4 tail fills them.
    if (tail !== undefined) value |= tail;
    return value;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::/n` (a bare address is a /32 or /128); undefined when it is not a CIDR. */
export function parseCidr(cidr: string): AddressRange | undefined {
    const [address, prefixText, ...rest] = cidr.trim().split("/");
    if (rest.length > 0) return undefined;
    const family: IpFamily = address.includes(":") ? "ipv6" : "ipv4";
    const bits = BITS[family];
    const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= bits)) return undefined;
    const value = family === "ipv4" ? parseIpv4(address) : parseIpv6(address);
    if (value === undefined) return undefined;
    const hostBits = BigInt(bits - prefix);
    const first = (value >> hostBits) << hostBits;
    return { family, first, last: first + (1n << hostBits) - 1n };
}

/** Sorted, non-overlapping ranges covering exactly the union of the given ones (of one family). */
function merge(ranges: readonly AddressRange[]): AddressRange[] {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const out: AddressRange[] = [];
    for (const r of sorted) {
        const prev = out[out.length - 1];
        if (prev && r.first <= prev.last + 1n) {
            if (r.last > prev.last) out[out.length - 1] = { ...prev, last: r.last };
        } else {
            out.push(r);
        }
    }
    return out;
}

/** `ranges` minus `holes`, both merged. */
function subtract(ranges: readonly AddressRange[], holes: readonly AddressRange[]): AddressRange[] {
    let out = merge(ranges);
    for (const hole of merge(holes)) {
        out = out.flatMap((r) => {
            if (hole.last < r.first || hole.first > r.last) return [r];
            const pieces: AddressRange[] = [];
            if (hole.first > r.first) pieces.push({ ...r, last: hole.first - 1n });
            if (hole.last < r.last) pieces.push({ ...r, first: hole.last + 1n });
            return pieces;
        });
    }
    return out;
}

function intersect(a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] {
    const out: AddressRange[] = [];
    for (const x of merge(a)) {
        for (const y of merge(b)) {
            const first = x.first > y.first ? x.first : y.first;
            const last = x.last < y.last ? x.last : y.last;
            if (first <= last) out.push({ family: x.family, first, last });
        }
    }
    return out;
}

function size(ranges: readonly AddressRange[]): bigint {
    return ranges.reduce((n, r) => n + (r.last - r.first + 1n), 0n);
}

function ranges(cidrs: readonly string[]): AddressRange[] {
    return cidrs.map((c) => parseCidr(c) as AddressRange);
}

/** IPv4 blocks that are not globally reachable unicast (IANA special-purpose registry), multicast, and reserved. */
export const IPV4_NOT_PUBLIC = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
] as const;

/** IPv6 global unicast, and the documentation prefixes carved out of it. */
export const IPV6_GLOBAL_UNICAST = "2000::/3";
export const IPV6_NOT_PUBLIC = ["2001:db8::/32", "3fff::/20"] as const;

const PUBLIC: Record<IpFamily, AddressRange[]> = {
    ipv4: subtract(ranges(["0.0.0.0/0"]), ranges(IPV4_NOT_PUBLIC)),
    ipv6: subtract(ranges([IPV6_GLOBAL_UNICAST]), ranges(IPV6_NOT_PUBLIC)),
};

/** Number of public addresses of a family. */
export function publicAddressCount(family: IpFamily): bigint {
    return size(PUBLIC[family]);
}

export interface PublicCoverage {
    /** Public addresses the CIDRs cover, per family (overlaps counted once). */
    readonly addresses: Record<IpFamily, bigint>;
    /** The larger of the two families' covered share of their public space, from 0 to 1. */
    readonly share: number;
    /** CIDRs that do not parse. */
    readonly invalid: string[];
}

/** How much of the public address space a set of CIDRs admits, in total. */
export function publicCoverage(cidrs: readonly string[]): PublicCoverage {
    const parsed = cidrs.map((c) => [c, parseCidr(c)] as const);
    const invalid = parsed.filter(([, r]) => r === undefined).map(([c]) => c);
    const valid = parsed.flatMap(([, r]) => (r ? [r] : []));
    const addresses = { ipv4: 0n, ipv6: 0n };
    let share = 0;
    for (const family of ["ipv4", "ipv6"] as const) {
        const covered = size(intersect(valid.filter((r) => r.family === family), PUBLIC[family]));
        addresses[family] = covered;
        // Scaled integer division keeps precision for 128-bit counts before the conversion to a float.
        const scaled = Number((covered * 1_000_000_000n) / publicAddressCount(family)) / 1_000_000_000;
        share = Math.max(share, scaled);
    }
    return { addresses, share, invalid };
}

/** `12.5%`, `0.0004%`: a share for messages. */
export function formatShare(share: number): string {
    const percent = share * 100;
    return `${percent >= 1 ? Number(percent.toFixed(1)) : Number(percent.toPrecision(2))}%`;
}

/** The config property every CIDR-based policy uses to say how much of the internet counts as "open". */
export const MAX_PUBLIC_SHARE_DEFAULT = 0.001;
