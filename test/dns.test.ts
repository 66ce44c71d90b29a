import * as path from "path";
import { withIssuedCertificate, loadBalancerConfigurationObject } from "../components/gateway";
import { parseStackConfig } from "../config";
import {
    aliasRecordSpecs,
    aliasRecordTypes,
    certificateDomains,
    hostedZoneProblem,
    serviceEndpoints,
    validationRecordDomains,
    zoneHolds,
} from "../lib/dns";
import { evaluatePolicies } from "../plan/policy";
import { diffPlans, ResourceChange } from "../plan/render";
import { stackConfig } from "../plan/stackConfig";
import { find, inputsOf, k8sObjects, ofType, Plan, plan, planError, planProgram, STACKS } from "./harness";

const PROJECT = "eks-platform";
const RECORD = "aws:route53/record:Record";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const LB_CONFIG = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";

const ZONE_ID = "Z0123456789ABCDEFGHIJ";
const DNS = `dns=${JSON.stringify({ zoneId: ZONE_ID, createCertificate: true })}`;
const DNS_RECORDS_ONLY = `dns=${JSON.stringify({ zoneId: ZONE_ID })}`;
/** Canonical hosted zone of ALBs in ap-northeast-2 (AWS General Reference, Elastic Load Balancing endpoints). */
const ALB_ZONE_AP_NORTHEAST_2 = "ZWKZPGTI48KDX";
const PROD_CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/33333333-3333-4333-8333-333333333333";
/** The ECS service's load balancer: an ALB DNS name as AWS prints it, and the ALB zone of its region. */
const LEGACY = { legacyDnsName: "app-api-ecs-1234567890.ap-northeast-2.elb.amazonaws.com", legacyZoneId: ALB_ZONE_AP_NORTHEAST_2 };

/** `services=<json>` with prod's first service changed by `edit`. */
function withService(stack: string, edit: (s: Record<string, any>) => void): string {
    const list = JSON.parse(stackConfig(stack)[`${PROJECT}:services`]) as Record<string, any>[];
    edit(list[0]);
    return `services=${JSON.stringify(list)}`;
}

function cutover(eksWeight: number, stack = "prod"): string {
    return withService(stack, (s) => (s.cutover = { ...LEGACY, eksWeight }));
}

/** `gateway=<json>`: the stack's gateway with some fields replaced. */
function withGateway(stack: string, overrides: Record<string, unknown>): string {
    return `gateway=${JSON.stringify({ ...JSON.parse(stackConfig(stack)[`${PROJECT}:gateway`]), ...overrides })}`;
}

function configError(stack: string, ...set: string[]): string {
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig(stack, set))) if (k.startsWith(`${PROJECT}:`)) raw[k.slice(PROJECT.length + 1)] = v;
    try {
        parseStackConfig(raw, PROJECT, stack);
    } catch (err) {
        expect((err as Error).name).toBe("ConfigError");
        return (err as Error).message;
    }
    throw new Error(`expected ${set.join(" ")} to be refused`);
}

function records(p: Plan): Record<string, Record<string, any>> {
    return Object.fromEntries(ofType(p, RECORD).filter((r) => r.name.startsWith("dns-")).map((r) => [r.name, r.inputs as Record<string, any>]));
}

function summary(changes: readonly ResourceChange[]): string[] {
    return changes.map((c) => `${c.op} ${c.type} ${c.name}`).sort();
}

function fields(changes: readonly ResourceChange[], name: string): Record<string, [unknown, unknown]> {
    const change = changes.find((c) => c.name === name);
    if (!change) throw new Error(`no change for ${name}: ${summary(changes).join(", ")}`);
    return Object.fromEntries(change.changes.map((f) => [f.path, [f.before, f.after]]));
}

describe("pure DNS builders", () => {
    test("a zone holds its apex and names under it, not names that merely end with its text", () => {
        expect(zoneHolds("example.com", "example.com")).toBe(true);
        expect(zoneHolds("example.com", "api.example.com")).toBe(true);
        expect(zoneHolds("example.com", "*.example.com")).toBe(true);
        expect(zoneHolds("example.com", "api.stage.example.com")).toBe(true);
        expect(zoneHolds("example.com.", "API.Example.com.")).toBe(true);
        expect(zoneHolds("example.com", "api.badexample.com")).toBe(false);
        expect(zoneHolds("stage.example.com", "api.example.com")).toBe(false);
        expect(zoneHolds("stage.example.com", "*.example.com")).toBe(false);
    });

    test("certificate domains: the wildcard first, the apex only when asked and only under a wildcard", () => {
        expect(certificateDomains("*.example.com", false)).toEqual(["*.example.com"]);
        expect(certificateDomains("*.example.com", true)).toEqual(["*.example.com", "example.com"]);
        expect(certificateDomains("gw.example.com", true)).toEqual(["gw.example.com"]);
    });

    test("one validation record for *.example.com and example.com (ACM asks for the same CNAME)", () => {
        expect(validationRecordDomains(["*.example.com", "example.com"])).toEqual([{ domain: "*.example.com", key: "example.com" }]);
        expect(validationRecordDomains(["*.example.com", "*.example.org"])).toEqual([
            { domain: "*.example.com", key: "example.com" },
            { domain: "*.example.org", key: "example.org" },
        ]);
    });

    test("record types follow the ALB's ipAddressType (ipv4 | dualstack | dualstack-without-public-ipv4)", () => {
        expect(aliasRecordTypes("ipv4")).toEqual(["A"]);
        expect(aliasRecordTypes("dualstack")).toEqual(["A", "AAAA"]);
        expect(aliasRecordTypes("dualstack-without-public-ipv4")).toEqual(["AAAA"]);
    });

    const service = { name: "app-api", hostnames: ["api.example.com"], previewHostname: "preview-api.example.com" };
    const view = (specs: ReturnType<typeof aliasRecordSpecs>) =>
        specs.map((s) => [s.resourceName, s.type, s.target.kind, s.weighted?.setIdentifier ?? "-", s.weighted?.weight ?? "-", s.allowOverwrite, s.after ?? "-"]);

    test("a dual-stack ALB gets A and AAAA for every hostname and preview hostname", () => {
        expect(view(aliasRecordSpecs("dns", [service], aliasRecordTypes("dualstack")))).toEqual([
            ["dns-api.example.com-A", "A", "alb", "-", "-", false, "-"],
            ["dns-api.example.com-AAAA", "AAAA", "alb", "-", "-", false, "-"],
            ["dns-preview-api.example.com-A", "A", "alb", "-", "-", false, "-"],
            ["dns-preview-api.example.com-AAAA", "AAAA", "alb", "-", "-", false, "-"],
        ]);
    });

    test("a cutover: weighted A records eks/legacy on the same resource name as the plain record; no AAAA around the weights", () => {
        const at = (eksWeight: number) => view(aliasRecordSpecs("dns", [{ ...service, cutover: { ...LEGACY, eksWeight } }], aliasRecordTypes("dualstack")));
        expect(at(25)).toEqual([
            ["dns-api.example.com-A", "A", "alb", "eks", 25, false, "-"],
            ["dns-api.example.com-A-legacy", "A", "legacy", "legacy", 75, true, "dns-api.example.com-A"],
            ["dns-preview-api.example.com-A", "A", "alb", "-", "-", false, "-"],
            ["dns-preview-api.example.com-AAAA", "AAAA", "alb", "-", "-", false, "-"],
        ]);
        // 0: the ALB on standby; 100: the legacy record is gone, so removing the cutover is one atomic change.
        expect(at(0).slice(0, 2)).toEqual([
            ["dns-api.example.com-A", "A", "alb", "eks", 0, false, "-"],
            ["dns-api.example.com-A-legacy", "A", "legacy", "legacy", 100, true, "dns-api.example.com-A"],
        ]);
        expect(at(100).slice(0, 2)).toEqual([
            ["dns-api.example.com-A", "A", "alb", "eks", 100, false, "-"],
            ["dns-preview-api.example.com-A", "A", "alb", "-", "-", false, "-"],
        ]);
        const legacy = aliasRecordSpecs("dns", [{ ...service, cutover: { ...LEGACY, eksWeight: 25 } }], ["A"])[1];
        expect(legacy.target).toEqual({ kind: "legacy", dnsName: LEGACY.legacyDnsName, zoneId: LEGACY.legacyZoneId });
    });

    test("URLs are claimed only for managed records; otherwise the names to point at albDnsName", () => {
        expect(serviceEndpoints(service, { managed: false, previewRoute: true })).toEqual({
            url: null,
            previewUrl: null,
            pointAtAlbDnsName: ["api.example.com", "preview-api.example.com"],
            dnsWeights: null,
        });
        expect(serviceEndpoints(service, { managed: true, previewRoute: false })).toEqual({
            url: "https://api.example.com",
            previewUrl: null,
            pointAtAlbDnsName: [],
            dnsWeights: null,
        });
        expect(serviceEndpoints({ ...service, cutover: { ...LEGACY, eksWeight: 10 } }, { managed: true, previewRoute: true }).dnsWeights).toEqual({ eks: 10, legacy: 90 });
    });

    test("the zone must be the one dns.zoneName names (Route 53 may report it with a trailing dot), and public where it must be", () => {
        expect(hostedZoneProblem({ zoneId: ZONE_ID, name: "example.com.", privateZone: false }, { zoneName: "example.com", mustBePublic: true })).toBeUndefined();
        expect(hostedZoneProblem({ zoneId: ZONE_ID, name: "example.org", privateZone: false }, { zoneName: "example.com", mustBePublic: true })).toBe(
            `'dns.zoneId' is "${ZONE_ID}", the hosted zone example.org, expected the zone example.com (dns.zoneName): set dns.zoneName to example.org if that zone should hold the hostnames`,
        );
        expect(hostedZoneProblem({ zoneId: ZONE_ID, name: "example.com", privateZone: true }, { zoneName: "example.com", mustBePublic: true })).toMatch(/a private hosted zone, expected a public zone/);
        expect(hostedZoneProblem({ zoneId: ZONE_ID, name: "example.com", privateZone: true }, { zoneName: "example.com", mustBePublic: false })).toBeUndefined();
    });

    test("the issued certificate becomes the listener's default; configured ARNs move to SNI; the TLS policy stays", () => {
        const gateway = {
            name: "public-gateway",
            namespace: "gateway-system",
            hostname: "*.example.com",
            certificateArns: [PROD_CERT],
            scheme: "internet-facing" as const,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" as const,
            allowedRoutes: "Selector" as const,
            accessLogs: { enabled: false, prefix: "", retentionDays: 90 },
            webAclArn: null,
        };
        const alb = { deletionProtection: false };
        const issued = "arn:aws:acm:ap-northeast-2:123456789012:certificate/55555555-5555-4555-8555-555555555555";
        expect(withIssuedCertificate(loadBalancerConfigurationObject(gateway, alb), issued).spec.listenerConfigurations).toEqual([
            { protocolPort: "HTTPS:443", defaultCertificate: issued, certificates: [PROD_CERT], sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
        ]);
        const alone = withIssuedCertificate(loadBalancerConfigurationObject({ ...gateway, certificateArns: [] }, alb), issued);
        expect(alone.spec.listenerConfigurations).toEqual([{ protocolPort: "HTTPS:443", defaultCertificate: issued, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }]);
    });
});

describe("records, certificate and LoadBalancerConfiguration in the prod plan with dns set", () => {
    test("alias A records for api.example.com and preview-api.example.com to the Gateway's ALB, with the ALB zone of ap-northeast-2", async () => {
        const p = await plan("prod", DNS);
        const albDnsName = p.outputs.albDnsName as string;
        expect(albDnsName).toMatch(/\.ap-northeast-2\.elb\.amazonaws\.com$/);
        const alias = { name: albDnsName, zoneId: ALB_ZONE_AP_NORTHEAST_2, evaluateTargetHealth: true };
        expect(records(p)).toEqual({
            "dns-api.example.com-A": { zoneId: ZONE_ID, name: "api.example.com", type: "A", aliases: [alias], allowOverwrite: false },
            "dns-preview-api.example.com-A": { zoneId: ZONE_ID, name: "preview-api.example.com", type: "A", aliases: [alias], allowOverwrite: false },
        });
        // No AAAA: the ALB is IPv4 (the controller's default ipAddressType; the LoadBalancerConfiguration sets none).
        expect(k8sObjects(p, "LoadBalancerConfiguration")[0].spec.ipAddressType).toBeUndefined();
    });

    test("every alias record depends on the Gateway, which waits for Programmed", async () => {
        const p = await plan("prod", DNS);
        const gateway = find(p, GATEWAY, "gateway");
        expect((gateway.inputs as any).metadata.annotations["pulumi.com/waitFor"]).toBe("condition=Programmed");
        for (const r of ofType(p, RECORD).filter((x) => x.name.startsWith("dns-"))) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([gateway.urn])]);
    });

    test("an ACM certificate for *.example.com, DNS-validated in the zone, awaited before the LoadBalancerConfiguration and the Gateway", async () => {
        const p = await plan("prod", DNS);
        const cert = find(p, CERTIFICATE, "gateway-certificate");
        // Every input: RSA_2048 is the key type every ALB listener accepts (ACM User Guide, "Key algorithms"); the Name
        // tag is what the ACM console lists.
        expect(cert.inputs).toEqual({ domainName: "*.example.com", validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags: { Name: "*.example.com" } });

        const validationRecords = ofType(p, RECORD).filter((r) => r.name.startsWith("gateway-certificate-validation-"));
        expect(validationRecords.map((r) => r.name)).toEqual(["gateway-certificate-validation-example.com"]);
        const record = validationRecords[0].inputs as Record<string, any>;
        expect(record).toMatchObject({ zoneId: ZONE_ID, type: "CNAME", ttl: 300 });
        // The name and value are ACM's (the certificate's domainValidationOptions), not made up by the program.
        expect(record.name).toMatch(/^_[0-9a-f]{32}\.example\.com\.$/);
        expect(record.records).toEqual([expect.stringMatching(/\.acm-validations\.aws\.$/)]);
        expect(validationRecords[0].dependencies).toContain(cert.urn);

        const validation = find(p, VALIDATION, "gateway-certificate-validation");
        expect(validation.dependencies).toEqual(expect.arrayContaining([cert.urn, validationRecords[0].urn]));
        expect((validation.inputs as any).validationRecordFqdns).toEqual([record.name.replace(/\.$/, "")]);

        const lbConfig = find(p, LB_CONFIG, "gateway-lb-config");
        const https = (lbConfig.inputs as any).spec.listenerConfigurations[0];
        expect(https.defaultCertificate).toBe((validation.inputs as any).certificateArn);
        expect(https.defaultCertificate).toMatch(/^arn:aws:acm:ap-northeast-2:123456789012:certificate\/[0-9a-f-]{36}$/);
        expect(https.certificates).toEqual([PROD_CERT]);
        expect(https.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-2-2021-06");
        // The ARN the LoadBalancerConfiguration gets is the validation's, which resolves only once ACM has issued it.
        expect(lbConfig.dependencies).toContain(validation.urn);
        expect(find(p, GATEWAY, "gateway").dependencies).toContain(lbConfig.urn);
    });

    test("the policy pack passes with the issued certificate and a cutover (the TLS policy stays on the listener)", async () => {
        const report = await evaluatePolicies(await plan("prod", DNS, cutover(25)));
        expect(report.violations).toEqual([]);
    });

    test("includeApex: the apex on the certificate, still one validation record", async () => {
        const p = await plan("prod", `dns=${JSON.stringify({ zoneId: ZONE_ID, createCertificate: true, includeApex: true })}`);
        expect(inputsOf(p, CERTIFICATE, "gateway-certificate")).toMatchObject({ domainName: "*.example.com", subjectAlternativeNames: ["example.com"] });
        expect(ofType(p, RECORD).filter((r) => r.name.startsWith("gateway-certificate-validation-")).map((r) => r.name)).toEqual([
            "gateway-certificate-validation-example.com",
        ]);
    });

    test("the certificate component reports the issued ARN and its domains, subject first; the validation waits 45 minutes", async () => {
        const p = await plan("prod", `dns=${JSON.stringify({ zoneId: ZONE_ID, createCertificate: true, includeApex: true })}`);
        const validation = find(p, VALIDATION, "gateway-certificate-validation");
        expect(find(p, "eks-platform:dns:GatewayCertificate", "gateway-certificate").outputs).toEqual({
            certificateArn: (validation.inputs as any).certificateArn,
            domains: ["*.example.com", "example.com"],
        });
        // Shorter than the provider's default (75 minutes since terraform-provider-aws 4.12) on purpose: a deploy job has
        // 60 minutes, and a `pulumi up` the runner kills leaves pending operations in the state, while a validation that
        // times out fails the update cleanly and the next run waits on the same certificate again.
        expect(validation.customTimeouts).toEqual({ create: "45m" });
        expect(find(p, CERTIFICATE, "gateway-certificate").customTimeouts).toBeUndefined();
    });

    test("the validation record is the one ACM lists for the domain, wherever ACM lists it; none listed is an error naming the domain; no apex unless asked", async () => {
        const program = path.join(__dirname, "fixtures/certificateValidationOptions.ts");
        // ACM lists other domains' options too (the provider keeps them as a set, in no particular order).
        const p = await planProgram(program, "test", { "test:requested": JSON.stringify(["other.example.net", "*.example.com"]) });
        // includeApex left out (its documented default, false): the wildcard alone.
        expect(find(p, "eks-platform:dns:GatewayCertificate", "cert").outputs?.domains).toEqual(["*.example.com"]);
        const [record] = ofType(p, RECORD);
        expect((record.inputs as any).name).toMatch(/^_[0-9a-f]{32}\.example\.com\.$/);
        await expect(planProgram(program, "test", { "test:requested": JSON.stringify(["other.example.net"]) })).rejects.toThrow(
            "ACM returned no DNS validation record for *.example.com",
        );
    });

    test("with the issued certificate gateway.certificateArns may be empty", async () => {
        const p = await plan("prod", DNS, withGateway("prod", { certificateArns: [] }));
        const https = (find(p, LB_CONFIG, "gateway-lb-config").inputs as any).spec.listenerConfigurations[0];
        expect(Object.keys(https).sort()).toEqual(["defaultCertificate", "protocolPort", "sslPolicy"]);
    });

    test("records without a certificate: the configured ARN stays the listener's default", async () => {
        const p = await plan("prod", DNS_RECORDS_ONLY);
        expect(ofType(p, CERTIFICATE)).toEqual([]);
        expect(ofType(p, VALIDATION)).toEqual([]);
        expect(Object.keys(records(p))).toEqual(["dns-api.example.com-A", "dns-preview-api.example.com-A"]);
        expect(k8sObjects(p, "LoadBalancerConfiguration")[0].spec.listenerConfigurations[0].defaultCertificate).toBe(PROD_CERT);
    });

    test.each(STACKS)("%s without dns: no record, no certificate, and no URL claimed", async (stack) => {
        const p = await plan(stack);
        expect(ofType(p, RECORD)).toEqual([]);
        expect(ofType(p, CERTIFICATE)).toEqual([]);
        const out = (p.outputs.services as Record<string, Record<string, unknown>>)["app-api"];
        const domain = { dev: "dev.example.com", stage: "stage.example.com", prod: "example.com" }[stack];
        expect(out).toMatchObject({ url: null, previewUrl: null, pointAtAlbDnsName: [`api.${domain}`, `preview-api.${domain}`], dnsWeights: null });
    });

    test("with dns: the service's URLs are claimed", async () => {
        const out = ((await plan("prod", DNS)).outputs.services as Record<string, Record<string, unknown>>)["app-api"];
        expect(out).toMatchObject({ url: "https://api.example.com", previewUrl: "https://preview-api.example.com", pointAtAlbDnsName: [], dnsWeights: null });
    });
});

describe("a cutover from the legacy load balancer", () => {
    test("eksWeight 25: two weighted A records for api.example.com, eks 25 to the ALB and legacy 75 to the old load balancer", async () => {
        const p = await plan("prod", DNS, cutover(25));
        const albDnsName = p.outputs.albDnsName as string;
        const r = records(p);
        expect(r["dns-api.example.com-A"]).toEqual({
            zoneId: ZONE_ID,
            name: "api.example.com",
            type: "A",
            aliases: [{ name: albDnsName, zoneId: ALB_ZONE_AP_NORTHEAST_2, evaluateTargetHealth: true }],
            setIdentifier: "eks",
            weightedRoutingPolicies: [{ weight: 25 }],
            allowOverwrite: false,
        });
        expect(r["dns-api.example.com-A-legacy"]).toEqual({
            zoneId: ZONE_ID,
            name: "api.example.com",
            type: "A",
            aliases: [{ name: LEGACY.legacyDnsName, zoneId: LEGACY.legacyZoneId, evaluateTargetHealth: true }],
            setIdentifier: "legacy",
            weightedRoutingPolicies: [{ weight: 75 }],
            allowOverwrite: true,
        });
        // The preview hostname is new: a plain record to the ALB.
        expect(r["dns-preview-api.example.com-A"].setIdentifier).toBeUndefined();
        // The legacy record is written after the eks record (a plain record becoming weighted must change first).
        expect(find(p, RECORD, "dns-api.example.com-A-legacy").dependencies).toContain(find(p, RECORD, "dns-api.example.com-A").urn);
        expect(((p.outputs.services as Record<string, Record<string, unknown>>)["app-api"]).dnsWeights).toEqual({ eks: 25, legacy: 75 });
    });

    test("moving the weight (25 → 50) changes exactly the two records' weights", async () => {
        const changes = diffPlans(await plan("prod", DNS, cutover(25)), await plan("prod", DNS, cutover(50)));
        expect(summary(changes)).toEqual([`update ${RECORD} dns-api.example.com-A`, `update ${RECORD} dns-api.example.com-A-legacy`]);
        expect(fields(changes, "dns-api.example.com-A")).toEqual({ "weightedRoutingPolicies[0].weight": [25, 50] });
        expect(fields(changes, "dns-api.example.com-A-legacy")).toEqual({ "weightedRoutingPolicies[0].weight": [75, 50] });
    });

    test("rollback (50 → 0) is the same two records, and 0 keeps the ALB record on standby", async () => {
        const changes = diffPlans(await plan("prod", DNS, cutover(50)), await plan("prod", DNS, cutover(0)));
        expect(summary(changes)).toEqual([`update ${RECORD} dns-api.example.com-A`, `update ${RECORD} dns-api.example.com-A-legacy`]);
        expect(fields(changes, "dns-api.example.com-A")).toEqual({ "weightedRoutingPolicies[0].weight": [50, 0] });
    });

    test("99 → 100 drops the legacy record; removing the cutover then updates the eks record in place into the plain one", async () => {
        const toFull = diffPlans(await plan("prod", DNS, cutover(99)), await plan("prod", DNS, cutover(100)));
        expect(summary(toFull)).toEqual([`delete ${RECORD} dns-api.example.com-A-legacy`, `update ${RECORD} dns-api.example.com-A`]);
        // Mirrors terraform-provider-aws internal/service/route53/record.go: `set_identifier` is not ForceNew, and
        // resourceRecordUpdate sends DELETE of the old set and CREATE of the new one in one (atomic) change batch.
        // A same-named resource is therefore never a create-before-delete of a plain next to a weighted record.
        const removed = diffPlans(await plan("prod", DNS, cutover(100)), await plan("prod", DNS));
        expect(summary(removed)).toEqual([`update ${RECORD} dns-api.example.com-A`]);
        expect(fields(removed, "dns-api.example.com-A")).toEqual({ setIdentifier: ["eks", undefined], weightedRoutingPolicies: [[{ weight: 100 }], undefined] });
    });

    test("adding a cutover to a managed plain record: the record becomes eks in place, legacy is created after it", async () => {
        const changes = diffPlans(await plan("prod", DNS), await plan("prod", DNS, cutover(90)));
        expect(summary(changes)).toEqual([`create ${RECORD} dns-api.example.com-A-legacy`, `update ${RECORD} dns-api.example.com-A`]);
        expect(fields(changes, "dns-api.example.com-A")).toEqual({ setIdentifier: [undefined, "eks"], weightedRoutingPolicies: [undefined, [{ weight: 90 }]] });
    });
});

describe("checks against the hosted zone at deploy time (the offline account's zones)", () => {
    test("a zone ID that names another domain stops the program before a record is written", async () => {
        // Z0STAGE0EXAMPLE0COM00 is stage.example.com in the offline account; prod's names need example.com.
        const err = await planError("prod", `dns=${JSON.stringify({ zoneId: "Z0STAGE0EXAMPLE0COM00" })}`);
        expect(err.name).toBe("ConfigError");
        // As the CLI prints it: the SDK names the input the check gates (each record's zoneId).
        expect(err.message).toMatch(
            /^(error serializing property "zoneId": )+Invalid stack config: 'dns\.zoneId' is "Z0STAGE0EXAMPLE0COM00", the hosted zone stage\.example\.com, expected the zone example\.com \(dns\.zoneName\): set dns\.zoneName to stage\.example\.com if that zone should hold the hostnames$/,
        );
        expect(err.registered).not.toContain(RECORD);
    });

    test("a private zone is refused for an internet-facing Gateway, and accepted for an internal one without a certificate", async () => {
        const privateZone = `dns=${JSON.stringify({ zoneId: "Z0PRIVATE0EXAMPLE0COM" })}`;
        expect((await planError("prod", privateZone)).message).toMatch(/'dns\.zoneId' is "Z0PRIVATE0EXAMPLE0COM", a private hosted zone, expected a public zone/);
        const internal = await plan("prod", privateZone, withGateway("prod", { scheme: "internal" }));
        expect(Object.keys(records(internal))).toEqual(["dns-api.example.com-A", "dns-preview-api.example.com-A"]);
    });

    test("stage in the parent zone: dns.zoneName says so, and the names fit", async () => {
        const p = await plan("stage", `dns=${JSON.stringify({ zoneId: ZONE_ID, zoneName: "example.com", createCertificate: true })}`);
        expect(Object.values(records(p)).map((r) => r.name)).toEqual(["api.stage.example.com", "preview-api.stage.example.com"]);
        expect(inputsOf(p, CERTIFICATE, "gateway-certificate").domainName).toBe("*.stage.example.com");
    });
});

describe("refusals: one line per problem, before anything is registered", () => {
    const cases: [string, string[], RegExp][] = [
        ["a zone ID with the /hostedzone/ prefix", ['dns={"zoneId":"/hostedzone/Z0123456789ABCDEFGHIJ"}'], /'dns\.zoneId' is "\/hostedzone\/Z0123456789ABCDEFGHIJ", expected a Route 53 hosted zone ID/],
        ["a lowercase zone ID", ['dns={"zoneId":"z0123"}'], /'dns\.zoneId' is "z0123", expected a Route 53 hosted zone ID/],
        ["an unknown dns key", ['dns={"zoneId":"Z0123456789ABCDEFGHIJ","ttl":60}'], /unknown key 'dns\.ttl'/],
        ["a certificate without a zone", ['dns={"createCertificate":true}'], /'dns\.createCertificate' is true, expected dns\.zoneId to be set as well/],
        ["includeApex without a certificate", ['dns={"zoneId":"Z0123456789ABCDEFGHIJ","includeApex":true}'], /'dns\.includeApex' is true, expected false without dns\.createCertificate/],
        [
            "includeApex with an exact gateway hostname",
            [DNS.replace("}", ',"includeApex":true}'), withGateway("prod", { hostname: "api.example.com" })],
            /'dns\.includeApex' is true, expected false with the exact gateway\.hostname "api\.example\.com"/,
        ],
        ["no certificate at all", [withGateway("prod", { certificateArns: [] })], /'gateway\.certificateArns' is \[\], expected at least one ACM certificate ARN, or dns\.createCertificate true/],
        [
            "a certificate in another region next to the issued one",
            [DNS, withGateway("prod", { certificateArns: ["arn:aws:acm:us-east-1:123456789012:certificate/33333333-3333-4333-8333-333333333333"] })],
            /'gateway\.certificateArns\[0\]' is in region us-east-1, expected a certificate in the stack's region ap-northeast-2/,
        ],
        [
            "26 certificates next to the issued one",
            [DNS, withGateway("prod", { certificateArns: Array.from({ length: 26 }, (_, i) => `arn:aws:acm:ap-northeast-2:123456789012:certificate/${String(i).padStart(8, "0")}-3333-4333-8333-333333333333`) })],
            /'gateway\.certificateArns' has 26 certificates, expected at most 25 with dns\.createCertificate/,
        ],
        [
            "hostnames the zone cannot hold",
            [`dns=${JSON.stringify({ zoneId: ZONE_ID, zoneName: "example.org", createCertificate: true })}`],
            /'gateway\.hostname' is "\*\.example\.com", expected a name the hosted zone example\.org can hold \(dns\.zoneName\); 'services\[0\]\.hostnames\[0\]' is "api\.example\.com", expected a name the hosted zone example\.org can hold \(dns\.zoneName\); 'services\[0\]\.previewHostname' is "preview-api\.example\.com"/,
        ],
        ["a child zone that cannot hold the parent's names", [`dns=${JSON.stringify({ zoneId: ZONE_ID, zoneName: "stage.example.com" })}`], /'services\[0\]\.hostnames\[0\]' is "api\.example\.com", expected a name the hosted zone stage\.example\.com can hold/],
        ["a zone name without a zone", ['dns={"zoneName":"example.com"}'], /'dns\.zoneName' is "example\.com", expected dns\.zoneId to be set as well/],
        ["a cutover without dns", [cutover(25)], /'services\[0\]\.cutover' is set for service app-api, expected dns\.zoneId to be set as well/],
        ["a weight above 100", [DNS, cutover(101)], /'services\[0\]\.cutover\.eksWeight' is 101, expected ≤ 100/],
        ["a negative weight", [DNS, cutover(-5)], /'services\[0\]\.cutover\.eksWeight' is -5, expected ≥ 0/],
        ["a fractional weight", [DNS, cutover(12.5)], /'services\[0\]\.cutover\.eksWeight' is 12\.5, expected a value of type int/],
        ["a weight as a string", [DNS, withService("prod", (s) => (s.cutover = { ...LEGACY, eksWeight: "25" }))], /'services\[0\]\.cutover\.eksWeight' is "25", expected a value of type number/],
        ["a legacy name that is not a load balancer", [DNS, withService("prod", (s) => (s.cutover = { ...LEGACY, legacyDnsName: "api-old.example.com", eksWeight: 10 }))], /'services\[0\]\.cutover\.legacyDnsName' is "api-old\.example\.com", expected a load balancer DNS name/],
        ["a legacy name with a scheme", [DNS, withService("prod", (s) => (s.cutover = { ...LEGACY, legacyDnsName: `https://${LEGACY.legacyDnsName}`, eksWeight: 10 }))], /'services\[0\]\.cutover\.legacyDnsName' is "https:\/\/app-api-ecs/],
        ["a legacy zone ID that is not one", [DNS, withService("prod", (s) => (s.cutover = { ...LEGACY, legacyZoneId: "alb-zone", eksWeight: 10 }))], /'services\[0\]\.cutover\.legacyZoneId' is "alb-zone", expected a Route 53 hosted zone ID/],
        ["a cutover without its weight", [DNS, withService("prod", (s) => (s.cutover = { ...LEGACY }))], /'services\[0\]\.cutover\.eksWeight' is \(missing\)/],
    ];

    test.each(cases)("%s", async (_label, set, message) => {
        expect(configError("prod", ...set)).toMatch(message);
        const err = await planError("prod", ...set);
        expect(err.name).toBe("ConfigError");
        expect(err.message).toMatch(message);
        expect(err.registered).toEqual([]);
    });

    test("load balancer names AWS prints are accepted: ALB, internal ALB, NLB, dualstack, China", () => {
        for (const legacyDnsName of [
            "app-api-ecs-1234567890.ap-northeast-2.elb.amazonaws.com",
            "internal-app-api-ecs-1234567890.ap-northeast-2.elb.amazonaws.com",
            "app-api-nlb-0123456789abcdef.elb.ap-northeast-2.amazonaws.com",
            "dualstack.app-api-ecs-1234567890.ap-northeast-2.elb.amazonaws.com",
            "app-api-ecs-1234567890.cn-north-1.elb.amazonaws.com.cn",
        ]) {
            const raw: Record<string, string> = {};
            const set = [DNS, withService("prod", (s) => (s.cutover = { legacyDnsName, legacyZoneId: "Z1GDH35T77C1KE", eksWeight: 10 }))];
            for (const [k, v] of Object.entries(stackConfig("prod", set))) if (k.startsWith(`${PROJECT}:`)) raw[k.slice(PROJECT.length + 1)] = v;
            expect(parseStackConfig(raw, PROJECT, "prod").services[0].cutover?.legacyDnsName).toBe(legacyDnsName);
        }
    });

    test("every problem at once", () => {
        const message = configError("prod", 'dns={"zoneId":"bad","includeApex":true}', cutover(150));
        expect(message.split("; ")).toEqual([
            expect.stringMatching(/^Invalid stack config: 'dns\.zoneId' is "bad"/),
            expect.stringMatching(/^'services\[0\]\.cutover\.eksWeight' is 150/),
        ]);
    });
});

describe("the DnsRecords component on its own (fixtures/dnsRecords.ts)", () => {
    const PROGRAM = path.join(__dirname, "fixtures/dnsRecords.ts");

    test("hostnames: each name with a record once, though a dual-stack ALB gives it an A and an AAAA record", async () => {
        const p = await planProgram(PROGRAM, "test", {});
        expect(Object.keys(records(p)).sort()).toEqual([
            "dns-api.example.com-A",
            "dns-api.example.com-AAAA",
            "dns-preview-api.example.com-A",
            "dns-preview-api.example.com-AAAA",
            "dns-www.example.com-A",
            "dns-www.example.com-AAAA",
        ]);
        expect(p.outputs.hostnames).toEqual(["api.example.com", "www.example.com", "preview-api.example.com"]);
    });

    test("a Gateway Programmed without an address fails the plan with why, rather than alias records with an empty target", async () => {
        // Gateway API: status.addresses may be empty on a Programmed Gateway; the ALB's name is all an alias record has.
        await expect(planProgram(PROGRAM, "test", { "test:albDnsName": "" })).rejects.toThrow(
            "The Gateway is Programmed but reports no address: no alias record can point at its ALB",
        );
    });
});
