import { previewSourceCidrs } from "../lib/previewAccess";
import { find, inputsOf, k8sObjects, plan, planError } from "./harness";
import { validateObjects } from "./models";

const LRC = "kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

function sourcesOf(p: Awaited<ReturnType<typeof plan>>): string[] {
    return inputsOf(p, LRC, "app-api-preview-access").spec.conditions[0].sourceIPConfig.values;
}

describe("Preview access", () => {
    test("prod: the preview route carries the source-ip restriction through an ExtensionRef filter, and waits for it", async () => {
        const p = await plan("prod");
        const access = inputsOf(p, LRC, "app-api-preview-access");
        expect(access).toMatchObject({
            apiVersion: "gateway.k8s.aws/v1",
            kind: "ListenerRuleConfiguration",
            metadata: { name: "app-api-preview-access", namespace: "app-api" },
        });
        expect(access.spec.conditions).toHaveLength(1);
        expect(access.spec.conditions[0].field).toBe("source-ip");
        // The route references it by group, kind and name in its own namespace (a LocalObjectReference).
        const route = find(p, ROUTE, "app-api-preview");
        const rule = (route.inputs as any).spec.rules[0];
        expect(rule.filters).toEqual([
            { type: "ExtensionRef", extensionRef: { group: "gateway.k8s.aws", kind: "ListenerRuleConfiguration", name: "app-api-preview-access" } },
        ]);
        expect((route.inputs as any).metadata.namespace).toBe("app-api");
        expect(route.dependencies).toContain(find(p, LRC, "app-api-preview-access").urn);
        // The public route stays public.
        expect(inputsOf(p, ROUTE, "app-api-route").spec.rules[0].filters).toBeUndefined();
    });

    test.each([
        ["prod", 3],
        ["stage", 1],
        ["dev", 1],
    ])("%s (internet-facing): by default, the VPC as the ALB sees it: the public IPs of its %i NAT gateway(s)", async (stack, nats) => {
        const sources = sourcesOf(await plan(stack));
        expect(sources).toHaveLength(nats as number);
        // The offline plan's NAT gateways have documentation addresses (198.51.100.0/24, RFC 5737); each is one host.
        for (const s of sources) expect(s).toMatch(/^198\.51\.100\.\d{1,3}\/32$/);
    });

    test("internal Gateway: by default the VPC's own CIDR (clients in the VPC reach an internal ALB directly)", async () => {
        const gateway = JSON.parse((await plan("prod")).config["eks-platform:gateway"]);
        const p = await plan("prod", `gateway=${JSON.stringify({ ...gateway, scheme: "internal" })}`);
        expect(sourcesOf(p)).toEqual(["10.30.0.0/16"]);
    });

    test("configured sources replace the default, exactly; the switch changes the route, never the restriction", async () => {
        const p = await plan("prod", 'previewAccess={"sourceCidrs":["203.0.113.0/24","198.51.100.7/32"]}');
        expect(sourcesOf(p)).toEqual(["203.0.113.0/24", "198.51.100.7/32"]);
        const switched = await plan("prod", 'previewAccess={"sourceCidrs":["203.0.113.0/24","198.51.100.7/32"]}', "activeColor=green");
        expect(inputsOf(switched, LRC, "app-api-preview-access")).toEqual(inputsOf(p, LRC, "app-api-preview-access"));
        expect(inputsOf(switched, ROUTE, "app-api-preview").spec.rules[0].backendRefs[0].name).toBe("app-api-blue");
    });

    test.each([
        [
            "more than three networks (an ALB rule takes five condition values; host and path use two)",
            ["previewAccess={\"sourceCidrs\":[\"10.0.0.0/8\",\"172.16.0.0/12\",\"192.168.0.0/16\",\"203.0.113.0/24\"]}"],
            "'previewAccess.sourceCidrs' is [\"10.0.0.0/8\",\"172.16.0.0/12\",\"192.168.0.0/16\",\"203.0.113.0/24\"], expected at most 3 item(s)",
        ],
        ["a host address for a network", ['previewAccess={"sourceCidrs":["203.0.113.5/24"]}'], "'previewAccess.sourceCidrs[0]' is \"203.0.113.5/24\", expected an IPv4 network"],
        ["the same network twice", ['previewAccess={"sourceCidrs":["203.0.113.0/24","203.0.113.0/24"]}'], "'previewAccess.sourceCidrs[1]' is \"203.0.113.0/24\", expected a CIDR not listed twice"],
        ["every network in prod", ['previewAccess={"sourceCidrs":["0.0.0.0/0"]}'], "'previewAccess.sourceCidrs' contains \"0.0.0.0/0\", expected no preview open to every network in prod"],
        [
            "an existing VPC behind an internet-facing Gateway and no sources (its NAT addresses are unknown here)",
            [
                'existingVpc={"vpcId":"vpc-0123456789abcdef0","publicSubnetIds":["subnet-0aaaaaaaaaaaaaaa1","subnet-0aaaaaaaaaaaaaaa2"],"privateSubnetIds":["subnet-0bbbbbbbbbbbbbbb1","subnet-0bbbbbbbbbbbbbbb2"]}',
            ],
            "'previewAccess.sourceCidrs' is [], expected the networks that may reach previews when existingVpc is set and the Gateway is internet-facing",
        ],
        ["an unknown field", ['previewAccess={"cidrs":["203.0.113.0/24"]}'], "unknown key 'previewAccess.cidrs'"],
    ])("refused before anything is registered: %s", async (_what, set, message) => {
        const err = await planError("prod", ...set);
        expect(err.message).toContain(message);
        expect(err.registered).toEqual([]);
    });

    test("dev may open a preview to every network (not prod)", async () => {
        expect(sourcesOf(await plan("dev", 'previewAccess={"sourceCidrs":["0.0.0.0/0"]}'))).toEqual(["0.0.0.0/0"]);
    });

    test("the route validates against the Gateway API schema; the ListenerRuleConfiguration follows the CRD's rules", async () => {
        const p = await plan("prod");
        const route = k8sObjects(p, "HTTPRoute").find((r) => r.metadata.name === "app-api-preview")!;
        const access = k8sObjects(p, "ListenerRuleConfiguration")[0];
        expect((await validateObjects([route, access])).map((r) => r.error)).toEqual([null, "no-model"]);
        // No model package covers gateway.k8s.aws: the CRD's rules (v3.5.0), checked here instead: the only
        // condition field is source-ip, sourceIPConfig is required with it and holds at least one value.
        for (const c of access.spec.conditions) {
            expect(Object.keys(c).sort()).toEqual(["field", "sourceIPConfig"]);
            expect(c.field).toBe("source-ip");
            expect(c.sourceIPConfig.values.length).toBeGreaterThanOrEqual(1);
        }
        expect(Object.keys(access.spec)).toEqual(["conditions"]);
    });

    test("the source builder: configured wins; internal → the VPC CIDR; internet-facing → NAT IPs as /32", () => {
        const base = { configured: [], vpcCidr: "10.0.0.0/16", natPublicIps: ["198.51.100.1", "198.51.100.2"] };
        expect(previewSourceCidrs({ ...base, scheme: "internal" })).toEqual(["10.0.0.0/16"]);
        expect(previewSourceCidrs({ ...base, scheme: "internet-facing" })).toEqual(["198.51.100.1/32", "198.51.100.2/32"]);
        expect(previewSourceCidrs({ ...base, configured: ["203.0.113.0/24"], scheme: "internet-facing" })).toEqual(["203.0.113.0/24"]);
        expect(() => previewSourceCidrs({ ...base, natPublicIps: [], scheme: "internet-facing" })).toThrow(/set previewAccess.sourceCidrs/);
    });
});
