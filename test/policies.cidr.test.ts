/**
 * Address parsing of policies/cidr.ts, on the textual forms of RFC 4632 (IPv4 CIDR), RFC 4291 section 2.2 (IPv6
 * text, `::` once, an embedded dotted IPv4 tail in the last 32 bits) with documentation addresses of RFC 5737
 * and RFC 3849. A string that is not an address must parse as nothing (never throw, never a wrong range): the
 * policies read these from security-group rules, endpoint settings and resource policies as the user wrote them.
 */
import { parseCidr, publicAddressCount, publicCoverage } from "../policies/cidr";

const v4 = (a: number, b: number, c: number, d: number) => (BigInt(a) << 24n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);

describe("parseCidr", () => {
    test.each([
        ["255.255.255.255/32", v4(255, 255, 255, 255), v4(255, 255, 255, 255)],
        ["0.0.0.0/0", 0n, v4(255, 255, 255, 255)],
        ["198.51.100.123", v4(198, 51, 100, 123), v4(198, 51, 100, 123)],
        ["203.0.113.0/24", v4(203, 0, 113, 0), v4(203, 0, 113, 255)],
        [" 192.0.2.7/32 ", v4(192, 0, 2, 7), v4(192, 0, 2, 7)],
    ])("IPv4 %j", (text, first, last) => {
        expect(parseCidr(text)).toEqual({ family: "ipv4", first, last });
    });

    test.each([
        ["::ffff:198.51.100.123", 0xffffn << 32n | v4(198, 51, 100, 123)],
        ["64:ff9b::203.0.113.10", (0x64n << 112n) | (0xff9bn << 96n) | v4(203, 0, 113, 10)],
        ["2001:db8:0:0:0:0:0:1", (0x20010db8n << 96n) | 1n],
        ["2001:DB8::1", (0x20010db8n << 96n) | 1n],
        // `::` may stand for a single group of zeros (RFC 4291 2.2; RFC 5952 advises against writing it, parsers accept it).
        ["2001:db8::1:2:3:4:5", (0x20010db8n << 96n) | (1n << 64n) | (2n << 48n) | (3n << 32n) | (4n << 16n) | 5n],
    ])("IPv6 %j", (text, value) => {
        expect(parseCidr(text)).toEqual({ family: "ipv6", first: value, last: value });
    });

    test.each([
        "1.2.3.4a/32",
        "a1.2.3.4/32",
        "10.0.0.0255/32",
        "256.1.1.1/32",
        "1.2.3.4/",
        "1.2.3.4/8/8",
        "1.2.3.4/1e1",
        "::ffff:198.51.100.1x",
        "::ffff:198.51.100.256",
        "::ffff:198.51.100",
        "2001:db8::1::",
        "1:2:3:4::5:6:7:8",
        "2001:db8:0:0:0:0:0:0:1",
        "2001:db8:0:0:0:0:1",
        "2001:db8::g",
        "2001:db8::12345",
        // A line break ends an address: only the text after it would look like one.
        "x\n::192.0.2.1",
        "",
    ])("%j is not an address", (text) => {
        expect(parseCidr(text)).toBeUndefined();
    });
});

describe("publicCoverage counts each public address once", () => {
    // 1.0.0.0/24 and 8.8.8.0/24 are public (no IANA special-purpose block covers them): 256 addresses each.
    test.each([
        [["1.0.0.0/24", "1.0.0.0/25"], 256n],
        [["1.0.0.0/25", "1.0.0.0/24"], 256n],
        [["1.0.0.128/25", "1.0.0.0/24", "1.0.0.64/26"], 256n],
        [["1.0.0.0/24", "1.0.0.255/32"], 256n],
        [["1.0.0.255/32", "1.0.0.0/24"], 256n],
        [["1.0.0.0/25", "1.0.0.127/32", "1.0.0.128/25"], 256n],
        [["8.8.8.0/24", "1.0.0.0/24", "1.0.0.0/24"], 512n],
        [["1.0.0.0/24", "1.0.1.0/24", "1.0.0.128/26"], 512n],
    ])("%j: %s addresses", (cidrs, count) => {
        expect(publicCoverage(cidrs).addresses).toEqual({ ipv4: count, ipv6: 0n });
    });
});

describe("publicCoverage: families and single addresses", () => {
    test("a single public address counts as one (8.8.8.8/32, 2606:4700::1111/128)", () => {
        expect(publicCoverage(["8.8.8.8/32"]).addresses).toEqual({ ipv4: 1n, ipv6: 0n });
        expect(publicCoverage(["2606:4700::1111/128"]).addresses).toEqual({ ipv4: 0n, ipv6: 1n });
    });

    test("an IPv6 range is never counted as IPv4, even when its value is small (IPv4-compatible ::a.b.c.d, RFC 4291 2.5.5.1)", () => {
        // ::8.8.8.0/120 lies in ::/96, outside IPv6 global unicast 2000::/3; numerically it equals 8.8.8.0/24.
        expect(publicCoverage(["::8.8.8.0/120"]).addresses).toEqual({ ipv4: 0n, ipv6: 0n });
    });

    test("the public IPv6 space is global unicast 2000::/3 less the documentation prefixes 2001:db8::/32 (RFC 3849) and 3fff::/20 (RFC 9637)", () => {
        expect(publicAddressCount("ipv6")).toBe(2n ** 125n - 2n ** 96n - 2n ** 108n);
    });
});
