import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, parseStackConfig, servedBy, stackConfigSchema } from "../config";
import { projectDefaults, stackConfig, StackConfigError } from "../plan/stackConfig";
import { planError, STACKS } from "./harness";

const PROJECT = "eks-platform";

/** The stack's raw config (keys without namespace) with `key=value` overrides, as the program sees it. */
function raw(stack: string, ...set: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig(stack, set))) {
        if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
    }
    return out;
}

function errorFor(stack: string, ...set: string[]): string {
    try {
        parseStackConfig(raw(stack, ...set), PROJECT, stack);
    } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
    }
    throw new Error(`expected ${set.join(" ")} to be refused`);
}

describe("stack config", () => {
    test.each(STACKS)("%s parses with the values of its stack file", (stack) => {
        const cfg = parseStackConfig(raw(stack), PROJECT, stack);
        expect(cfg.clusterName).toBe(`service-${stack}`);
        expect(cfg.region).toBe("ap-northeast-2");
        expect(cfg.kubernetesVersion).toBe("1.35");
        expect(cfg.services.map((s) => s.name)).toEqual(["app-api"]);
        expect(cfg.services[0].namespace).toBe("app-api");
        expect(cfg.services[0].activeColor).toBe("blue");
        expect(cfg.services[0].inactiveColor).toBe("green");
    });

    test("environments differ the way the seed's table says", () => {
        const [dev, stage, prod] = STACKS.map((s) => parseStackConfig(raw(s), PROJECT, s));
        expect(dev.vpc.natGateways).toBe("Single");
        expect(prod.vpc.natGateways).toBe("OnePerAz");
        expect(prod.clusterEndpoint.publicAccess).toBe(false);
        expect(dev.clusterEndpoint.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
        expect(prod.deletionProtection).toBe(true);
        expect(dev.deletionProtection).toBe(false);
        // Capacity: dev small, stage similar to prod, prod production capacity.
        expect(dev.services[0].autoscaling.minReplicas).toBeLessThan(stage.services[0].autoscaling.minReplicas);
        expect(prod.services[0].autoscaling.minReplicas).toBeGreaterThanOrEqual(stage.services[0].autoscaling.minReplicas);
        expect(prod.services[0].autoscaling.maxReplicas).toBe(20);
        // Strict limits in prod: a CPU limit as well as memory.
        expect(prod.services[0].resources.limits.cpu).toBe("1");
        expect(dev.services[0].resources.limits.cpu).toBeUndefined();
        expect(prod.nodePools[0].requirements.capacityTypes).toEqual(["on-demand"]);
        expect(dev.nodePools[0].requirements.capacityTypes).toContain("spot");
        expect(prod.nodeClass.amiAlias).toMatch(/^al2023@v\d{8}$/);
        expect(dev.nodeClass.amiAlias).toBe("al2023@latest");
    });

    test("Pulumi.yaml defaults leave exactly the API's reach to choose; with a source and a deployer they are valid", () => {
        // A new stack with an empty stack file gets the seed's shape from the declared defaults, except what only
        // its owner can know: from where pulumi reaches a private-only endpoint, and who holds an access entry.
        const defaults = Object.fromEntries(Object.entries(projectDefaults()).map(([k, v]) => [k.slice(PROJECT.length + 1), v]));
        expect(() => parseStackConfig(defaults, PROJECT, "sandbox")).toThrow(/^Invalid stack config: 'clusterEndpoint\.privateAccessCidrs' is \[\]/);
        const endpoint = JSON.stringify({ publicAccess: false, privateAccessCidrs: ["10.100.0.0/24"] });
        expect(() => parseStackConfig({ ...defaults, clusterEndpoint: endpoint }, PROJECT, "sandbox")).toThrow(/'deployers' has no principal with access "admin"/);
        const deployers = JSON.stringify([{ principalArn: "arn:aws:iam::123456789012:role/deploy", access: "admin" }]);
        const cfg = parseStackConfig({ ...defaults, clusterEndpoint: endpoint, deployers }, PROJECT, "sandbox");
        expect(cfg.clusterName).toBe("service-sandbox");
        expect(cfg.systemNodeGroup).toEqual({ instanceType: "t3.medium", desiredSize: 2, minSize: 2, maxSize: 4, diskSizeGiB: 50 });
        expect(cfg.clusterEndpoint).toEqual({ publicAccess: false, publicAccessCidrs: [], privateAccessCidrs: ["10.100.0.0/24"], privateAccessSecurityGroupIds: [] });
        expect(cfg.versions).toEqual({ karpenter: "1.14.1", awsLoadBalancerController: "3.5.0", gatewayApi: "v1.6.1" });
        expect(cfg.gateway.allowedRoutes).toBe("Selector");
        expect(cfg.services).toEqual([]);
        expect(cfg.clusterSupportType).toBe("STANDARD");
        expect(cfg.controlPlaneLogRetentionDays).toBe(90);
        expect(cfg.clusterCreatorAdmin).toBe(false);
        expect(cfg.deployIdentity).toEqual({ profile: null, roleArn: null });
        expect(cfg.createSpotServiceLinkedRole).toBe(true);
    });

    test.each([
        ["region", "region=moon-1", /'region' is "moon-1", expected an AWS region/],
        ["unsupported version", "kubernetesVersion=1.20", /'kubernetesVersion' is "1\.20", expected one of "1\.34", "1\.35", "1\.36"/],
        ["version as number-like string", "kubernetesVersion=1.350", /'kubernetesVersion' is "1\.350"/],
        ["VPC CIDR", 'vpc={"cidrBlock":"10.0.0.1/16"}', /'vpc\.cidrBlock' is "10\.0\.0\.1\/16", expected an IPv4 network in CIDR notation/],
        ["VPC size", 'vpc={"cidrBlock":"10.0.0.0/24"}', /'vpc\.cidrBlock' is "10\.0\.0\.0\/24", expected a network of size \/16 to \/20/],
        ["NAT strategy", 'vpc={"natGateways":"Many"}', /'vpc\.natGateways' is "Many", expected one of "Single", "OnePerAz"/],
        [
            "node group desired > max",
            'systemNodeGroup={"instanceType":"t3.medium","desiredSize":9,"minSize":2,"maxSize":4}',
            /'systemNodeGroup\.desiredSize' is 9, expected ≤ maxSize \(4\)/,
        ],
        [
            "node group min > desired",
            'systemNodeGroup={"instanceType":"t3.medium","desiredSize":1,"minSize":2,"maxSize":4}',
            /'systemNodeGroup\.desiredSize' is 1, expected ≥ minSize \(2\)/,
        ],
        [
            "instance type",
            'systemNodeGroup={"instanceType":"huge","desiredSize":2,"minSize":2,"maxSize":4}',
            /'systemNodeGroup\.instanceType' is "huge", expected an EC2 instance type/,
        ],
        ["endpoint CIDR", 'clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["300.1.1.0/24"]}', /'clusterEndpoint\.publicAccessCidrs\[0\]' is "300\.1\.1\.0\/24"/],
        ["public endpoint without CIDRs", 'clusterEndpoint={"publicAccess":true}', /'clusterEndpoint\.publicAccessCidrs' is \(missing\), expected at least one CIDR when publicAccess is true/],
        ["deployer principal", 'deployers=[{"principalArn":"root","access":"admin"}]', /'deployers\[0\]\.principalArn' is "root", expected an IAM role or user ARN/],
        ["deployer access level", 'deployers=[{"principalArn":"arn:aws:iam::123456789012:role/a","access":"owner"}]', /'deployers\[0\]\.access' is "owner", expected one of "admin", "edit", "view"/],
        ["replaced key", 'adminPrincipalArns=["arn:aws:iam::123456789012:role/a"]', /'adminPrincipalArns' was replaced by 'deployers', expected each principal there as \{"principalArn": "<arn>", "access": "admin"\}/],
        ["private endpoint CIDR", 'clusterEndpoint={"privateAccessCidrs":["10.0.0.1/16"]}', /'clusterEndpoint\.privateAccessCidrs\[0\]' is "10\.0\.0\.1\/16", expected an IPv4 network in CIDR notation/],
        ["private endpoint security group", 'clusterEndpoint={"privateAccessSecurityGroupIds":["sg-xyz"]}', /'clusterEndpoint\.privateAccessSecurityGroupIds\[0\]' is "sg-xyz", expected a security group id such as sg-0123456789abcdef0/],
        ["support type", "clusterSupportType=LONG", /'clusterSupportType' is "LONG", expected one of "STANDARD", "EXTENDED"/],
        ["log retention", "controlPlaneLogRetentionDays=45", /'controlPlaneLogRetentionDays' is 45, expected a CloudWatch Logs retention: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653/],
        ["deploy identity role", 'deployIdentity={"roleArn":"arn:aws:iam::123456789012:user/someone"}', /'deployIdentity\.roleArn' is "arn:aws:iam::123456789012:user\/someone", expected an IAM role ARN/],
        ["identity mode", "identityMode=kiam", /'identityMode' is "kiam", expected one of "irsa", "podIdentity"/],
        ["unknown key", "activeColour=green", /unknown key 'eks-platform:activeColour'/],
        ["unknown nested key", 'vpc={"cidr":"10.0.0.0/16"}', /unknown key 'vpc\.cidr'/],
        ["reserved tag key", 'tags={"kubernetes.io/cluster/x":"owned"}', /'tags' has key "kubernetes\.io\/cluster\/x", expected a key outside the reserved prefixes/],
        [
            "S3 access level",
            'services=[{"name":"a","hostnames":["a.example.com"],"previewHostname":"p.example.com","image":{"repository":"r.example.com/a","blue":"1.0.0"},"autoscaling":{"minReplicas":2,"maxReplicas":3},"resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"memory":"1Gi"}},"aws":{"s3Buckets":[{"bucket":"data","access":"admin"}]}}]',
            /'services\[0\]\.aws\.s3Buckets\[0\]\.access' is "admin", expected one of "read", "write", "readwrite"/,
        ],
        [
            "secret reference",
            'services=[{"name":"a","hostnames":["a.example.com"],"previewHostname":"p.example.com","image":{"repository":"r.example.com/a","blue":"1.0.0"},"autoscaling":{"minReplicas":2,"maxReplicas":3},"resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"memory":"1Gi"}},"aws":{"secrets":[{"secret":"arn:aws:s3:::not-a-secret"}]}}]',
            /'services\[0\]\.aws\.secrets\[0\]\.secret' is "arn:aws:s3:::not-a-secret", expected a Secrets Manager secret name/,
        ],
        ["active color", "activeColor=purple", /'activeColor' is "purple", expected one of "blue", "green"/],
    ])("refuses a bad %s", (_what, assignment, message) => {
        expect(errorFor("dev", assignment)).toMatch(message);
    });

    test("a value of the wrong declared type is refused by the CLI's own check, before the program runs", () => {
        // Pulumi.yaml declares deletionProtection `type: boolean`: the CLI accepts only true/false (pkg/workspace/config.go).
        expect(() => raw("dev", "deletionProtection=yes")).toThrow(
            new StackConfigError("Stack 'dev' with configuration key 'deletionProtection' must be of type 'boolean'"),
        );
        expect(() => raw("dev", "createSpotServiceLinkedRole=maybe")).toThrow(
            new StackConfigError("Stack 'dev' with configuration key 'createSpotServiceLinkedRole' must be of type 'boolean'"),
        );
        // The program's own validation still refuses it when config reaches it by another way.
        expect(() => parseStackConfig({ ...raw("dev"), deletionProtection: "yes" }, PROJECT, "dev")).toThrow(/'deletionProtection' is "yes", expected a JSON value/);
    });

    test("service hostnames must be served by the Gateway's listener (one label under its wildcard)", () => {
        expect(servedBy("*.example.com", "api.example.com")).toBe(true);
        expect(servedBy("*.example.com", "api.dev.example.com")).toBe(false);
        expect(servedBy("*.example.com", "example.com")).toBe(false);
        expect(servedBy("*.example.com", "api.example.org")).toBe(false);
        expect(servedBy("api.example.com", "api.example.com")).toBe(true);
        const services = JSON.parse(raw("prod").services);
        services[0].hostnames = ["api.example.org"];
        expect(errorFor("prod", `services=${JSON.stringify(services)}`)).toMatch(
            /'services\[0\]\.hostnames\[0\]' is "api\.example\.org", expected a hostname the Gateway serves \(gateway\.hostname "\*\.example\.com"\)/,
        );
    });

    test("an open endpoint is refused in prod", () => {
        expect(errorFor("prod", 'clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["0.0.0.0/0"]}')).toMatch(
            /'clusterEndpoint\.publicAccessCidrs' contains "0\.0\.0\.0\/0", expected no open API endpoint in prod/,
        );
    });

    describe("who reaches the API, and from where: refusals on one line naming key, value and what is allowed", () => {
        const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
        const oneLine = (message: string) => {
            expect(message.split("\n")).toHaveLength(1);
            return message;
        };

        test("a principal listed twice (EKS takes one access entry per principal)", () => {
            const deployers = JSON.stringify([
                { principalArn: role("deploy"), access: "admin" },
                { principalArn: role("ops"), access: "view" },
                { principalArn: role("deploy"), access: "view" },
            ]);
            expect(oneLine(errorFor("prod", `deployers=${deployers}`))).toBe(
                `Invalid stack config: 'deployers[2].principalArn' is "${role("deploy")}", expected a principal listed once (deployers[0] lists it too; EKS allows one access entry per principal)`,
            );
        });

        test("a private-only endpoint that no network may reach, with the bootstrap options", () => {
            expect(errorFor("prod", 'clusterEndpoint={"publicAccess":false}')).toMatch(/'clusterEndpoint\.privateAccessCidrs' is \(missing\), expected at least one source/);
            const message = oneLine(errorFor("prod", 'clusterEndpoint={"publicAccess":false,"privateAccessCidrs":[],"privateAccessSecurityGroupIds":[]}'));
            expect(message).toMatch(/^Invalid stack config: 'clusterEndpoint\.privateAccessCidrs' is \[\], expected at least one source \(here or in privateAccessSecurityGroupIds\) when publicAccess is false/);
            for (const option of ["a runner in the VPC", "existingVpc", "a connected network", "publicAccess limited to the runner's /32", "README: Reaching a private cluster"]) {
                expect(message).toContain(option);
            }
            // A security group is a source as good as a network; a public endpoint needs none.
            expect(() => parseStackConfig(raw("prod", 'clusterEndpoint={"privateAccessSecurityGroupIds":["sg-0123456789abcdef0"]}'), PROJECT, "prod")).not.toThrow();
            expect(() => parseStackConfig(raw("dev", 'clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["198.51.100.7/32"]}'), PROJECT, "dev")).not.toThrow();
        });

        test("nobody with admin access (and no caller entry)", () => {
            const deployers = JSON.stringify([{ principalArn: role("ops"), access: "view" }]);
            expect(oneLine(errorFor("dev", `deployers=${deployers}`))).toBe(
                `Invalid stack config: 'deployers' has no principal with access "admin", expected one (the role that runs pulumi up) or clusterCreatorAdmin true: no access entry would let pulumi reach the Kubernetes API`,
            );
            expect(() => parseStackConfig(raw("dev", `deployers=${deployers}`, "clusterCreatorAdmin=true"), PROJECT, "dev")).not.toThrow();
        });

        test("the role pulumi runs as is covered exactly once: listed, or the caller entry", () => {
            const listed = JSON.stringify({ profile: null, roleArn: role("ci/eks-platform-dev-deploy") });
            expect(oneLine(errorFor("dev", `deployIdentity=${listed}`, "clusterCreatorAdmin=true"))).toBe(
                `Invalid stack config: 'clusterCreatorAdmin' is true, expected false: the caller ${role("ci/eks-platform-dev-deploy")} (deployIdentity.roleArn) is deployers[0], and EKS allows one access entry per principal`,
            );
            const unlisted = JSON.stringify({ profile: "platform", roleArn: role("somebody-else") });
            expect(oneLine(errorFor("dev", `deployIdentity=${unlisted}`))).toBe(
                `Invalid stack config: 'deployIdentity.roleArn' is "${role("somebody-else")}", expected a role listed in deployers (or clusterCreatorAdmin true): pulumi runs as it and needs an access entry`,
            );
        });
    });

    test("every problem is reported at once, on one line", () => {
        const message = errorFor("dev", "kubernetesVersion=1.20", "region=moon-1");
        expect(message.split("\n")).toHaveLength(1);
        expect(message).toMatch(/'region'/);
        expect(message).toMatch(/'kubernetesVersion'/);
    });

    test("a bad value stops the program before any resource is registered", async () => {
        const err = (await planError("prod", "kubernetesVersion=1.20")) as Error & { registered: string[] };
        expect(err.name).toBe("ConfigError");
        // Nothing at all: no provider, no VPC, nothing half-applied.
        expect(err.registered).toEqual([]);
    });

    test("every key is declared in Pulumi.yaml (description and default) and documented in the README table", () => {
        const root = path.resolve(__dirname, "..");
        const declared = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")).config as Record<string, Record<string, unknown>>;
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const keys = Object.keys(stackConfigSchema.shape);
        expect(Object.keys(declared).filter((k) => !k.includes(":")).sort()).toEqual([...keys].sort());
        for (const key of keys) {
            expect([key, typeof declared[key].description, "default" in declared[key]]).toEqual([key, "string", true]);
            expect([key, readme.includes(`| \`${key}\` |`)]).toEqual([key, true]);
        }
    });
});
