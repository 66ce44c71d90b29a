/**
 * Edges of the config module's helpers that the stack-level tests do not reach: hostname matching against the
 * Gateway listener (Gateway API's HTTPRoute `spec.hostnames` rules), how a problem's value is read from the input,
 * and unknown keys that share a name with a replaced top-level key.
 */
import { servedBy, valueAt } from "../config";
import { problemsOf, withField } from "./configInput";

describe("servedBy: a route hostname against the Gateway listener's hostname", () => {
    // gateway.networking.k8s.io_httproutes.yaml, spec.hostnames: "A Listener with `test.example.com` as the hostname
    // matches HTTPRoutes that have ... specified at least one of `test.example.com` or `*.example.com`": a precise
    // listener hostname matches that name exactly, never a longer or a sibling name.
    test("a precise listener hostname serves only itself", () => {
        expect(servedBy("test.example.com", "test.example.com")).toBe(true);
        expect(servedBy("test.example.com", "foo.example.com")).toBe(false);
        expect(servedBy("test.example.com", "atest.example.com")).toBe(false);
        expect(servedBy("test.example.com", "foo.test.example.com")).toBe(false);
        expect(servedBy("test.example.com", "example.com")).toBe(false);
    });

    // A wildcard covers one more label, and a label is never empty (RFC 1123): `.example.com` is not under it.
    test("a wildcard listener hostname needs a whole label in front of its suffix", () => {
        expect(servedBy("*.example.com", "a.example.com")).toBe(true);
        expect(servedBy("*.example.com", ".example.com")).toBe(false);
    });
});

describe("valueAt: the value a problem names", () => {
    test("reads objects and lists along the path", () => {
        expect(valueAt({ services: [{ port: 80 }, { port: 8080 }] }, ["services", 1, "port"])).toBe(8080);
        expect(valueAt({ vpc: { cidrBlock: "10.0.0.0/16" } }, ["vpc"])).toEqual({ cidrBlock: "10.0.0.0/16" });
        expect(valueAt({ vpc: {} }, ["vpc", "cidrBlock"])).toBeUndefined();
    });

    test("a path through a missing value, null or a scalar reads as missing, never as part of the scalar", () => {
        expect(valueAt({}, ["vpc", "cidrBlock"])).toBeUndefined();
        expect(valueAt({ vpc: null }, ["vpc", "cidrBlock"])).toBeUndefined();
        expect(valueAt({ tags: "team" }, ["tags", 0])).toBeUndefined();
        expect(valueAt({ tags: "team" }, ["tags", "length"])).toBeUndefined();
        expect(valueAt("10.0.0.0/16", [0])).toBeUndefined();
    });
});

describe("unknown keys", () => {
    test("a nested key named like a replaced top-level key is an unknown key of its object, not the replacement notice", () => {
        expect(problemsOf("dev", withField("dev", "vpc", ["adminPrincipalArns"], []))).toEqual(["unknown key 'vpc.adminPrincipalArns'"]);
    });
});
