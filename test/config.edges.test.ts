/**
 * Edges of the config module's helpers that the stack-level tests do not reach: hostname matching against the
 * Gateway listener (Gateway API's HTTPRoute `spec.hostnames` rules), how a problem's value is read from the input,
 * and unknown keys that share a name with a replaced top-level key.
 */
import { findPlaceholders, placeholderMessage, placeholderReasons, serviceProblems, serviceSchema, servedBy, valueAt } from "../config";
import { problemsOf, withField } from "./configInput";

const ZONE = 'dns={"zoneId":"Z1R2F3H4K5L6M7","createCertificate":true}';
const certificates = (n: number) =>
    Array.from({ length: n }, (_, i) => `arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-${String(i).padStart(12, "0")}`);

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

describe("DNS and certificate limits at their values", () => {
    // Elastic Load Balancing quotas: "Certificates per Application Load Balancer (excluding default certificates): 25".
    test("25 certificates besides the issued one are accepted; 26 are not", () => {
        expect(problemsOf("dev", ZONE, withField("dev", "gateway", ["certificateArns"], certificates(25)))).toEqual([]);
        expect(problemsOf("dev", ZONE, withField("dev", "gateway", ["certificateArns"], certificates(26)))).toEqual([
            "'gateway.certificateArns' has 26 certificates, expected at most 25 with dns.createCertificate (the issued certificate is the listener's default)",
        ]);
    });

    // ACM RequestCertificate, DomainName: "The first domain name you enter cannot exceed 64 octets, including periods."
    test("an issued certificate's domain of 64 characters is accepted; 65 are not", () => {
        const hostname = (n: number) => `*.${"d".repeat(n - "*.".length - ".example.com".length)}.example.com`;
        expect(hostname(64)).toHaveLength(64);
        expect(problemsOf("dev", ZONE, withField("dev", "gateway", ["hostname"], hostname(64)), "services=[]")).toEqual([]);
        expect(problemsOf("dev", ZONE, withField("dev", "gateway", ["hostname"], hostname(65)), "services=[]")).toEqual([
            `'gateway.hostname' is "${hostname(65)}", expected at most 64 characters to be an ACM certificate's domain name`,
        ]);
    });

    test("a zone named after the gateway hostname says so when it cannot hold a name", () => {
        const services = problemsOf("dev", 'dns={"zoneId":"Z1R2F3H4K5L6M7"}', withField("dev", "services", [0, "hostnames"], ["api.example.org"]));
        expect(services).toEqual([
            "'services[0].hostnames[0]' is \"api.example.org\", expected a name the hosted zone dev.example.com can hold (dns.zoneName, from gateway.hostname)",
            "'services[0].hostnames[0]' is \"api.example.org\", expected a hostname the Gateway serves (gateway.hostname \"*.dev.example.com\")",
        ]);
    });
});

describe("serviceProblems as a team stack calls it (apps/config.ts): the platform contract's reservations", () => {
    const service = (namespace: string, hostname: string) =>
        serviceSchema.parse({
            name: "payments",
            namespace,
            hostnames: [hostname],
            previewHostname: `preview-${hostname}`,
            image: { repository: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/payments", blue: "1.0.0" },
            autoscaling: { minReplicas: 2, maxReplicas: 4 },
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
        });
    const ctx = {
        key: "services",
        activeColor: "blue" as const,
        gatewayHostname: "*.example.com",
        // A contract may reserve more than one prefix: each of them reserves.
        reservedNamespaces: { names: ["default"], prefixes: ["kube-", "gateway-"] },
        reservedText: "not the platform's",
        takenHostnames: ["api.example.com"],
    };

    test("a namespace under any reserved prefix is refused", () => {
        expect(serviceProblems([service("kube-payments", "pay.example.com")], ctx)).toEqual([
            `'services[0].namespace' gives service payments the namespace "kube-payments", expected a namespace of its own (not the platform's)`,
        ]);
        expect(serviceProblems([service("gateway-payments", "pay.example.com")], ctx)).toHaveLength(1);
        expect(serviceProblems([service("payments", "pay.example.com")], ctx)).toEqual([]);
    });

    test("a hostname a platform service routes is refused; without taken hostnames nothing is", () => {
        expect(serviceProblems([service("payments", "api.example.com")], ctx)).toEqual([
            `'services[0].hostnames[0]' is "api.example.com", expected a hostname no platform service routes (two routes on one hostname split its traffic)`,
        ]);
        expect(serviceProblems([service("payments", "api.example.com")], { ...ctx, takenHostnames: undefined })).toEqual([]);
    });
});

describe("cross-field rules: the value just inside each is accepted", () => {
    const EXISTING_VPC = 'existingVpc={"vpcId":"vpc-0123abcd","publicSubnetIds":["subnet-0123abcd","subnet-4567cdef"],"privateSubnetIds":["subnet-89abcdef","subnet-01234567"]}';

    // AWS WAF: a regional web ACL ARN is arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>; an ALB takes
    // only a web ACL of its own region.
    test("a web ACL in the stack's region", () => {
        expect(problemsOf("dev", withField("dev", "gateway", ["webAclArn"], "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000"))).toEqual([]);
    });

    test("an existing VPC behind an internal Gateway needs no preview networks (its clients are inside)", () => {
        expect(problemsOf("dev", EXISTING_VPC, withField("dev", "gateway", ["scheme"], "internal"))).toEqual([]);
        expect(problemsOf("dev", EXISTING_VPC)).toEqual([
            "'previewAccess.sourceCidrs' is [], expected the networks that may reach previews when existingVpc is set and the Gateway is internet-facing (clients in the VPC reach it from its NAT gateways' public IPs, which this stack does not know)",
        ]);
    });

    test("previews open to every network are a prod refusal only", () => {
        expect(problemsOf("dev", 'previewAccess={"sourceCidrs":["0.0.0.0/0"]}')).toEqual([]);
        expect(problemsOf("stage", 'previewAccess={"sourceCidrs":["0.0.0.0/0"]}')).toEqual([]);
    });
});

describe("the deploy role's access entry: deployIdentity.roleArn against deployers and clusterCreatorAdmin", () => {
    const DEPLOY = "arn:aws:iam::123456789012:role/ci/eks-platform-dev-deploy"; // deployers[0] of Pulumi.dev.yaml
    const OTHER = "arn:aws:iam::123456789012:role/ci/elsewhere";
    const identity = (roleArn: string) => `deployIdentity=${JSON.stringify({ roleArn })}`;

    // EKS: one access entry per principal (CreateAccessEntry fails with ResourceInUseException for a second one), and
    // bootstrapClusterCreatorAdminPermissions gives the caller that creates the cluster an entry of its own.
    test.each([
        ["listed, no creator entry", identity(DEPLOY), "clusterCreatorAdmin=false", []],
        [
            "listed and the creator entry",
            identity(DEPLOY),
            "clusterCreatorAdmin=true",
            [`'clusterCreatorAdmin' is true, expected false: the caller ${DEPLOY} (deployIdentity.roleArn) is deployers[0], and EKS allows one access entry per principal`],
        ],
        ["not listed, the creator entry", identity(OTHER), "clusterCreatorAdmin=true", []],
        [
            "not listed, no creator entry",
            identity(OTHER),
            "clusterCreatorAdmin=false",
            [`'deployIdentity.roleArn' is "${OTHER}", expected a role listed in deployers (or clusterCreatorAdmin true): pulumi runs as it and needs an access entry`],
        ],
    ])("%s", (_case, role, creator, problems) => {
        expect(problemsOf("dev", role, creator)).toEqual(problems);
    });
});

describe("placeholders: documentation address blocks", () => {
    // RFC 6676: MCAST-TEST-NET, 233.252.0.0/24, is assigned for use in documentation.
    test("MCAST-TEST-NET (RFC 6676) is an example value; the block after it is not", () => {
        expect(placeholderReasons("233.252.0.10")).toEqual(["documentation network 233.252.0.0/24"]);
        expect(placeholderReasons("233.252.1.10")).toEqual([]);
    });

    // RFC 5737 §3: "The blocks 192.0.2.0/24 (TEST-NET-1), 198.51.100.0/24 (TEST-NET-2), and 203.0.113.0/24
    // (TEST-NET-3) are provided for use in documentation."
    test("an address or network inside a block is an example value, up to its last address", () => {
        expect(placeholderReasons("203.0.113.255")).toEqual(["documentation network 203.0.113.0/24"]);
        expect(placeholderReasons("203.0.113.0/24")).toEqual(["documentation network 203.0.113.0/24"]);
        expect(placeholderReasons("192.0.2.128/25")).toEqual(["documentation network 192.0.2.0/24"]);
        expect(placeholderReasons("198.51.100.0/32")).toEqual(["documentation network 198.51.100.0/24"]);
    });

    test("a wider network that contains a block is a real value (an endpoint open to every network in dev)", () => {
        expect(placeholderReasons("0.0.0.0/0")).toEqual([]);
        expect(placeholderReasons("192.0.0.0/16")).toEqual([]);
        expect(placeholderReasons("203.0.112.0/23")).toEqual([]);
        // Starts at a block's first address, but /22 is four blocks wide.
        expect(placeholderReasons("198.51.100.0/22")).toEqual([]);
    });

    test("what is not an address is not a documentation network: an octet past 255, a prefix past 32", () => {
        // 203.0.112.300 would be 203.0.113.44 if the last octet carried over.
        expect(placeholderReasons("203.0.112.300")).toEqual([]);
        expect(placeholderReasons("203.0.113.0/33")).toEqual([]);
    });
});

describe("placeholders: documentation addresses inside longer values", () => {
    // A webhook URL or a host:port with an RFC 5737 address is as much an example value as the bare address.
    test.each([
        ["https://203.0.113.10/alerts", "documentation network 203.0.113.0/24"],
        ["203.0.113.7:8080", "documentation network 203.0.113.0/24"],
        ["10.0.0.1,198.51.100.7", "documentation network 198.51.100.0/24"],
        ["[2001:db8::1]:443", "documentation network 2001:db8::/32"],
        ["2001:0db8:85a3::8a2e:370:7334", "documentation network 2001:db8::/32"],
        ["https://[2001:DB8::10]/", "documentation network 2001:db8::/32"],
    ])("%s", (value, reason) => {
        expect(placeholderReasons(value)).toEqual([reason]);
    });

    // Digits or dots around a documentation address make it part of something else, not that address.
    test.each(["1203.0.113.5", "203.0.113.5.1", "203.0.113.0/333", "192.0.2", "32001:db8::1", "2001:db80::1", "2001:db8.example"])("%s holds no documentation address", (value) => {
        expect(placeholderReasons(value).filter((r) => r.startsWith("documentation network"))).toEqual([]);
    });
});

describe("placeholders: certificate ids and the message", () => {
    test("a certificate id of one repeated digit is a placeholder only as a whole UUID", () => {
        const arn = "arn:aws:acm:ap-northeast-2:210987654321:certificate/11111111-1111-4111-8111-111111111111";
        expect(placeholderReasons(arn)).toEqual(["placeholder certificate id"]);
        // Thirteen hex digits in the last group: not a UUID, so not that placeholder.
        expect(placeholderReasons(`${arn}1`)).toEqual([]);
    });

    test("a value with two reasons lists both, and values are separated", () => {
        const found = findPlaceholders({ hooks: ["https://203.0.113.10/example.com", "https://alerts.example.org/hook"] });
        expect(placeholderMessage("dev", found)).toBe(
            'Stack \'dev\' still holds 2 example value(s) that cannot be deployed: hooks[0] "https://203.0.113.10/example.com" (reserved example domain (RFC 2606), documentation network 203.0.113.0/24); ' +
                'hooks[1] "https://alerts.example.org/hook" (reserved example domain (RFC 2606)). Put your own values in Pulumi.dev.yaml (README: "Values to change"), or set allowPlaceholders: true if you mean them.',
        );
    });
});

describe("NodePool template labels and instance families", () => {
    // Karpenter reserves label domains (the part before '/'); a key without '/' has no domain, whatever it ends with.
    test("a key without a prefix has no domain to reserve", () => {
        expect(problemsOf("dev", withField("dev", "nodePools", [0, "labels"], { "karpenter.shx": "a", "team.karpenter.k8s.aws": "b" }))).toEqual([]);
    });

    test.each([
        ["instanceFamilies", ["m7i", "c7i", "r7i"]],
        ["instanceSizes", ["large", "xlarge", "2xlarge"]],
        ["zones", ["ap-northeast-2a", "ap-northeast-2c"]],
    ])("%s takes several values, not none", (field, values) => {
        expect(problemsOf("dev", withField("dev", "nodePools", [0, "requirements", field], values))).toEqual([]);
        expect(problemsOf("dev", withField("dev", "nodePools", [0, "requirements", field], []))).toHaveLength(1);
    });
});

describe("service probes and secrets", () => {
    test("a probe path is any path from the root", () => {
        expect(problemsOf("dev", withField("dev", "services", [0, "probes"], { readinessPath: "/healthz", livenessPath: "/livez" }))).toEqual([]);
    });

    test("a secret by ARN in another partition (arn:aws-cn, arn:aws-us-gov), or by name", () => {
        const secrets = [
            { secret: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/db-AbCdEf" },
            { secret: "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:app/db-AbCdEf" },
            { secret: "app/db" },
        ];
        expect(problemsOf("dev", withField("dev", "services", [0, "aws", "secrets"], secrets))).toEqual([]);
    });
});

describe("CIDR notation", () => {
    // RFC 4632 §3.1: an IPv4 prefix length is 0 to 32. 128.0.0.0/33 would pass a network-address check done with a
    // shift of 32 - 33 bits, so the length is checked on its own.
    test("a prefix past /32 is refused, whatever the address", () => {
        expect(problemsOf("dev", 'previewAccess={"sourceCidrs":["128.0.0.0/33"]}')).toEqual([
            `'previewAccess.sourceCidrs[0]' is "128.0.0.0/33", expected an IPv4 network in CIDR notation such as 10.0.0.0/16`,
        ]);
        expect(problemsOf("dev", 'previewAccess={"sourceCidrs":["128.0.0.0/32"]}')).toEqual([]);
    });
});
