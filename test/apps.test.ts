/**
 * Team stacks (apps/): one team's services for one environment, on the platform stack's contract read through a
 * StackReference. Offline, the StackReference returns the PLANNED outputs of the platform stack `platformStack`
 * names, so everything asserted here against the platform plan agrees by construction, not by copied constants.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { appsConfigSchema, teamServices, parseAppsConfig } from "../apps/config";
import { parseSwitchArgs, resolveService } from "../ops/switch/cli";
import { ContractError, parsePlatformContract, PlatformContract, PLATFORM_CONTRACT_OUTPUT } from "../lib/platformContract";
import { evaluatePolicies, loadPolicyConfig, policyConfigFor } from "../plan/policy";
import { diffPlans } from "../plan/render";
import { stackConfig } from "../plan/stackConfig";
import { find, inputsOf, k8sObjects, ofType, plan, Plan, planProject, planProjectError, providerUrn } from "./harness";
import { requestCli } from "./planService/client";

const APPS = path.resolve(__dirname, "../apps");
const STACK = "payments-prod";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const secretSig = "4dabf18193072939515e22adb298388d";

const apps = (...set: string[]) => planProject(APPS, STACK, ...set);
const contractOf = (p: Plan) => parsePlatformContract({ secretValue: p.rawOutputs?.[PLATFORM_CONTRACT_OUTPUT] }, "example-org/eks-platform/prod");

describe("the platform's contract output", () => {
    test("prod exports one versioned platformContract, its kubeconfig secret, every field the same as the platform's own outputs and objects", async () => {
        const p = await plan("prod");
        expect(p.secretOutputNames).toEqual(expect.arrayContaining(["platformContract", "kubeconfig"]));
        const shown = p.outputs.platformContract as Record<string, any>;
        expect(shown.kubeconfig).toBe("[secret]");
        const c = contractOf(p);
        expect(c.version).toBe(1);
        expect(c.region).toBe("ap-northeast-2");
        expect(c.clusterName).toBe(p.outputs.clusterName);
        expect(c.identity).toEqual({
            clusterArn: "arn:aws:eks:ap-northeast-2:123456789012:cluster/service-prod",
            oidcProviderArn: p.outputs.oidcProviderArn,
            oidcIssuer: p.outputs.oidcIssuer,
            defaultMode: "irsa",
        });
        expect(c.vpcCidr).toBe("10.30.0.0/16");
        // The platform's VPC CNI add-on runs the network policy agent.
        const cni = ofType(p, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni");
        expect([JSON.parse(cni?.inputs.configurationValues as string).enableNetworkPolicy, c.networkPolicyEnforced]).toEqual(["true", true]);
        // The sources the platform's own preview rule admits.
        const platformPreview = inputsOf(p, "kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration", "app-api-preview-access");
        expect(c.gateway.previewSourceCidrs).toEqual(platformPreview.spec.conditions[0].sourceIPConfig.values);
        // The Gateway API ParentReference of the HTTPS listener the platform's own routes use.
        const platformRoute = inputsOf(p, ROUTE, "app-api-route");
        expect(c.gateway.parentRef).toEqual(platformRoute.spec.parentRefs[0]);
        expect(c.gateway.parentRef).toMatchObject({ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public-gateway", namespace: "gateway-system" });
        expect(c.gateway.hostname).toBe("*.example.com");
        // The selector is the one on the Gateway's HTTPS listener: routes attach only from namespaces labelled so.
        const gateway = k8sObjects(p, "Gateway")[0];
        const https = gateway.spec.listeners.find((l: { protocol: string }) => l.protocol === "HTTPS");
        expect(https.allowedRoutes.namespaces).toEqual({ from: "Selector", selector: { matchLabels: c.gateway.routeNamespaceSelector } });
        expect(c.reservedNamespaces).toEqual({ names: ["default", "karpenter", "gateway-system", "app-api"], prefixes: ["kube-"] });
        expect(c.reservedHostnames).toEqual(["api.example.com", "preview-api.example.com"]);
        // The raw kubeconfig points at the cluster the platform plans.
        expect(JSON.parse(c.kubeconfig).clusters[0].name).toBe("service-prod");
    });

    test("a missing or mistyped contract fails with one line naming the output path", () => {
        expect(() => parsePlatformContract({}, "example-org/eks-platform/prod")).toThrow(
            "Invalid platform contract from example-org/eks-platform/prod: stack output 'platformContract' is missing, expected the platform contract (deploy the platform stack at a version that exports it)",
        );
        const good = { secretValue: undefined as unknown };
        return plan("prod").then((p) => {
            const raw = p.rawOutputs?.platformContract as Record<string, any>;
            good.secretValue = { ...raw, version: 2, gateway: { ...raw.gateway, hostname: 42 }, identity: { ...raw.identity, oidcIssuer: undefined } };
            let err: unknown;
            try {
                parsePlatformContract(good, "example-org/eks-platform/prod");
            } catch (e) {
                err = e;
            }
            expect(err).toBeInstanceOf(ContractError);
            expect((err as Error).name).toBe("ConfigError");
            expect((err as Error).message.split("\n")).toHaveLength(1);
            expect((err as ContractError).problems).toEqual([
                "'platformContract.version' is 2, expected 1 (this code reads contract version 1: upgrade the side that is behind)",
                "'platformContract.identity.oidcIssuer' is (missing), expected a value of type string",
                "'platformContract.gateway.hostname' is 42, expected a value of type string",
            ]);
        });
    });
});

describe("apps payments-prod", () => {
    test("two services on the prod platform's outputs, and no cluster, VPC, controller, Gateway or node resource", async () => {
        const p = await apps();
        expect(p.project).toBe("eks-platform-apps");
        expect(p.platform).toMatchObject({ name: "example-org/eks-platform/prod", stack: "prod" });
        // What the StackReference returned is the prod platform plan's outputs, exactly.
        expect(p.platform?.outputs).toEqual((await plan("prod")).rawOutputs);
        expect(ofType(p, "eks-platform:apps:BlueGreenService").map((r) => r.name)).toEqual(["payments-api", "payments-worker"]);
        const types = new Set(p.resources.map((r) => r.type));
        expect(
            [...types].filter((t) => /^(eks:|awsx:|aws:eks\/(cluster|nodeGroup|addon|accessEntry)|aws:ec2\/|kubernetes:helm|kubernetes:yaml|karpenter|kubernetes:karpenter)/.test(t) || /Gateway$|GatewayClass$|CustomResourceDefinition$|LoadBalancerConfiguration$|NodePool$|EC2NodeClass$/.test(t)),
        ).toEqual([]);
        // Exactly the kinds a team owns.
        expect([...types].filter((t) => t.startsWith("kubernetes:") && !t.startsWith("pulumi:")).sort()).toEqual([
            "kubernetes:apps/v1:Deployment",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration",
            "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration",
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:policy/v1:PodDisruptionBudget",
        ]);
        expect([...types].filter((t) => t.startsWith("aws:")).sort()).toEqual(["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]);
        expect(p.outputs).toMatchObject({ platformStack: "example-org/eks-platform/prod", team: "payments", clusterName: "service-prod", namespaces: ["payments-api", "payments-worker"] });
    });

    test("every object is namespaced in the team's namespaces and goes through the stack's one Kubernetes provider", async () => {
        const p = await apps();
        const k8sProvider = find(p, "pulumi:providers:kubernetes", "kubernetes");
        const namespaced = p.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Namespace");
        expect(namespaced.length).toBeGreaterThan(0);
        for (const r of p.resources.filter((x) => x.type.startsWith("kubernetes:"))) expect([r.name, providerUrn(r)]).toEqual([r.name, k8sProvider.urn]);
        for (const r of namespaced) expect([r.name, (r.inputs as any).metadata.namespace]).toEqual([r.name, expect.stringMatching(/^payments-(api|worker)$/)]);
        // Namespaces carry the label the Gateway's listener selects on, so the routes attach only through it.
        const contract = contractOf(await plan("prod"));
        for (const ns of k8sObjects(p, "Namespace")) expect(ns.metadata.labels).toMatchObject(contract.gateway.routeNamespaceSelector ?? { missing: true });
    });

    test("routes attach to the platform's HTTPS listener (the platform plan's own parentRef) on hostnames under its listener", async () => {
        const [p, platform] = await Promise.all([apps(), plan("prod")]);
        const platformParent = inputsOf(platform, ROUTE, "app-api-route").spec.parentRefs;
        for (const r of ofType(p, ROUTE)) expect([r.name, (r.inputs as any).spec.parentRefs]).toEqual([r.name, platformParent]);
        expect(inputsOf(p, ROUTE, "payments-api-route").spec.hostnames).toEqual(["payments.example.com"]);
        expect(inputsOf(p, ROUTE, "payments-worker-preview").spec.hostnames).toEqual(["preview-payments-worker.example.com"]);
        // Previews admit the same networks as the platform's own preview rule, nothing wider.
        const sources = (plan: Plan, name: string) => inputsOf(plan, "kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration", name).spec.conditions[0].sourceIPConfig.values;
        expect(sources(p, "payments-api-preview-access")).toEqual(sources(platform, "app-api-preview-access"));
    });

    test("IAM roles trust only the team's own service accounts, through the prod cluster's OIDC provider (IRSA, AWS docs)", async () => {
        const [p, platform] = await Promise.all([apps(), plan("prod")]);
        for (const [name, ns] of [["payments-api", "payments-api"], ["payments-worker", "payments-worker"]]) {
            const role = inputsOf(p, "aws:iam/role:Role", `${name}-role`);
            const issuer = platform.outputs.oidcIssuer as string;
            expect(role.name).toBe(`service-prod-${ns}-${name}`);
            expect(JSON.parse(role.assumeRolePolicy)).toEqual({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: platform.outputs.oidcProviderArn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${ns}:${name}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                    },
                ],
            });
        }
    });

    test("the Kubernetes provider reaches the platform's API server with the team's own identity, its kubeconfig secret", async () => {
        const role = "arn:aws:iam::123456789012:role/ci/payments-prod-deploy";
        const [p, platform] = await Promise.all([apps(`deployIdentity.roleArn=${role}`), plan("prod")]);
        const inputs = find(p, "pulumi:providers:kubernetes", "kubernetes").inputs as Record<string, any>;
        expect(JSON.stringify(inputs.kubeconfig)).toContain(secretSig);
        const kubeconfig = JSON.parse(inputs.kubeconfig.value ?? inputs.kubeconfig);
        const platformKubeconfig = JSON.parse(contractOf(platform).kubeconfig);
        expect(kubeconfig.clusters[0].cluster).toEqual(platformKubeconfig.clusters[0].cluster);
        expect(kubeconfig.users[0].user.exec.args).toEqual(["--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "service-prod", "--output", "json", "--role-arn", role]);
        expect(JSON.parse(inputsOf(p, "pulumi:providers:aws", "aws").assumeRoles)).toEqual([{ roleArn: role, sessionName: "pulumi-payments-prod" }]);
    });

    test("--diff activeColor=green changes only this stack's routes, weights 100/0 → 0/100 (nothing a color runs)", async () => {
        const [before, after] = await Promise.all([apps(), apps("activeColor=green")]);
        const changes = diffPlans(before, after);
        expect(changes.map((c) => `${c.op} ${c.type} ${c.name}`).sort()).toEqual(
            ["payments-api-preview", "payments-api-route", "payments-worker-preview", "payments-worker-route"].map((n) => `update ${ROUTE} ${n}`),
        );
        expect(changes.filter((c) => !c.urn.startsWith(`urn:pulumi:${STACK}::eks-platform-apps::`))).toEqual([]);
        const weights = (p: Plan) => inputsOf(p, ROUTE, "payments-api-route").spec.rules[0].backendRefs.map((b: { name: string; weight: number }) => [b.name, b.weight]);
        expect(weights(before)).toEqual([["payments-api-blue", 100], ["payments-api-green", 0]]);
        expect(weights(after)).toEqual([["payments-api-blue", 0], ["payments-api-green", 100]]);
    });

    test("the policy pack runs at the platform stack's levels: clean as shipped, mandatory in prod for an HPA below 2", async () => {
        const p = await apps();
        const prod = loadPolicyConfig("prod");
        // prod's file, with the one fact the team's plan cannot show: the platform's CNI enforces its NetworkPolicies.
        expect(policyConfigFor(p)).toEqual({ ...prod, "network-policy-enforced": { ...((prod["network-policy-enforced"] as object) ?? {}), enforcedByAnotherCni: true } });
        expect((await evaluatePolicies(p)).violations).toEqual([]);
        // Without that fact the team's NetworkPolicies would count for nothing, and the pack says so.
        expect((await evaluatePolicies(p, { config: prod })).violations.map((v) => [v.policy, v.level])).toEqual([["network-policy-enforced", "mandatory"]]);
        const low = await apps("services[1].autoscaling.minReplicas=1");
        const report = await evaluatePolicies(low);
        expect(report.violations.map((v) => [v.policy, v.level])).toEqual([
            ["hpa-min-replicas", "mandatory"],
            ["hpa-min-replicas", "mandatory"],
        ]);
    });
});

describe("apps refusals", () => {
    test("the platform's service rules and the team boundary: every problem in one line, nothing registered but the StackReference read", async () => {
        const err = (await planProjectError(
            APPS,
            STACK,
            "services[0].namespace=app-api",
            "services[1].namespace=kube-payments",
            "services[1].hostnames[0]=api.example.com",
            "services[0].previewHostname=preview.payments.example.org",
            "services[0].scaledDown.green=0",
            "activeColor=green",
        )) as Error & { registered: string[] };
        expect(err.message.split("\n")).toHaveLength(1);
        expect(err.message).toBe(
            "Invalid stack config: " +
                [
                    `'services[0].namespace' gives service payments-api the namespace "app-api", expected a namespace of its own (not default, karpenter, gateway-system, app-api, kube-*: the platform stack example-org/eks-platform/prod owns those)`,
                    `'services[0].previewHostname' is "preview.payments.example.org", expected a hostname the Gateway serves (gateway.hostname "*.example.com")`,
                    `'services[1].namespace' gives service payments-worker the namespace "kube-payments", expected a namespace of its own (not default, karpenter, gateway-system, app-api, kube-*: the platform stack example-org/eks-platform/prod owns those)`,
                    `'services[1].hostnames[0]' is "api.example.com", expected a hostname no platform service routes (two routes on one hostname split its traffic)`,
                    `'activeColor' is "green" for service payments-api, expected a color that autoscales: services[0].scaledDown.green holds it at 0 (remove it and pulumi up to warm green before switching)`,
                    `'services[0].namespace' gives service payments-api the namespace "app-api", expected payments or a name starting with payments- (team payments owns only those)`,
                    `'services[1].namespace' gives service payments-worker the namespace "kube-payments", expected payments or a name starting with payments- (team payments owns only those)`,
                ].join("; "),
        );
        expect(err.registered.filter((t) => t !== "pulumi:pulumi:Stack")).toEqual([]);
    });

    test("config shape errors name the key, the value and what is allowed, before the platform is read", async () => {
        const err = await planProjectError(APPS, STACK, "platformStack=prod", "team=Payments", "servicez=[]");
        expect(err.message).toBe(
            "Invalid stack config: " +
                `'platformStack' is "prod", expected a qualified platform stack such as example-org/eks-platform/prod; ` +
                `'team' is "Payments", expected the team's name as a DNS label, such as payments; ` +
                "unknown key 'eks-platform-apps:servicez' (known keys: platformStack, team, activeColor, identityMode, services, deployIdentity, tags, allowPlaceholders)",
        );
    });

    test("offline, platformStack must name this repository's platform project", async () => {
        const err = await planProjectError(APPS, STACK, "platformStack=example-org/other-platform/prod");
        expect(err.name).toBe("ConfigError");
        expect(err.message).toBe(`'platformStack' is "example-org/other-platform/prod", expected <org>/eks-platform/<stack>: the offline plan reads only this repository's platform project`);
    });

    test("a platform Gateway that does not admit routes by namespace label is refused for team stacks", async () => {
        const prefix = "eks-platform-apps:";
        const raw = Object.fromEntries(Object.entries(stackConfig(STACK, [], APPS)).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
        const cfg = parseAppsConfig(raw, "eks-platform-apps", STACK);
        const contract = contractOf(await plan("prod"));
        const closed: PlatformContract = { ...contract, gateway: { ...contract.gateway, routeNamespaceSelector: null } };
        expect(() => teamServices(cfg, closed)).toThrow(
            `'platformStack' is "example-org/eks-platform/prod", whose Gateway does not admit routes by namespace label (gateway.allowedRoutes is not Selector), expected a platform stack with gateway.allowedRoutes Selector: team routes attach only through it`,
        );
    });
});

describe("npm run plan --project apps", () => {
    // Run by the plan service's planner: the same `main` as scripts/run.js, its output captured.
    function run(...args: string[]) {
        return requestCli(["plan", "--project", "apps", "--stack", STACK, ...args]);
    }

    test("--policy passes at prod levels; --diff --format json names only routes; bad input is one line, exit 2", async () => {
        const policy = await run("--policy");
        expect([policy.status, policy.stderr]).toEqual([0, ""]);
        expect(policy.stdout).toMatch(/Policies: \d+ evaluated, 0 violation\(s\)/);
        expect(policy.stdout).not.toMatch(/eks:index:Cluster|awsx:ec2:Vpc|helm/);

        const diff = await run("--diff", "activeColor=green", "--format", "json");
        expect(diff.status).toBe(0);
        expect([...new Set(JSON.parse(diff.stdout).changes.map((c: { type: string }) => c.type))]).toEqual([ROUTE]);

        const bad = await run("--set", "platformStack=example-org/eks-platform/qa");
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim().split("\n")).toHaveLength(1);
        expect(bad.stderr).toContain("Pulumi.qa.yaml");
    });
});

describe("npm run switch --project apps", () => {
    test("resolves a team stack's service, its region and policy levels from the platform stack it names", () => {
        expect(parseSwitchArgs(["--project", "apps", "--stack", STACK, "--service", "payments-api", "--to", "green"])).toMatchObject({ project: "apps", stack: STACK });
        expect(() => parseSwitchArgs(["--project", "bootstrap", "--stack", "prod", "--service", "x", "--to", "green"])).toThrow(
            '--project is "bootstrap", expected apps (or none for the platform)',
        );
        const { target, service, index } = resolveService(STACK, "payments-worker", "apps");
        expect([target, service.namespace, service.activeColor, index]).toEqual([{ root: APPS, region: "ap-northeast-2", policyStack: "prod" }, "payments-worker", "blue", 1]);
        expect(() => resolveService(STACK, "app-api", "apps")).toThrow('--service is "app-api", expected one of payments-api, payments-worker');
    });

    test("--dry-run targets exactly the service's two HTTPRoutes in the team stack", async () => {
        // Run by the plan service's planner (the entry point itself is tested in switch.test.ts).
        const r = await requestCli(["--project", "apps", "--stack", STACK, "--service", "payments-worker", "--to", "green", "--dry-run"], "switch");
        expect([r.status, r.stderr]).toEqual([0, ""]);
        const targets = r.stdout.split("\n").filter((l) => l.startsWith("  urn:")).map((l) => l.trim());
        expect(targets).toEqual([
            `urn:pulumi:${STACK}::eks-platform-apps::eks-platform:apps:BlueGreenService$${ROUTE}::payments-worker-preview`,
            `urn:pulumi:${STACK}::eks-platform-apps::eks-platform:apps:BlueGreenService$${ROUTE}::payments-worker-route`,
        ]);
    });
});

describe("apps config is documented", () => {
    test("every key is declared in apps/Pulumi.yaml (description and default) and in the README's team stack table", () => {
        const declared = parse(fs.readFileSync(path.join(APPS, "Pulumi.yaml"), "utf8")).config as Record<string, Record<string, unknown>>;
        const readme = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
        const start = readme.indexOf("### Team stacks (`apps/`)");
        const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
        const keys = Object.keys(appsConfigSchema.shape);
        expect(Object.keys(declared).filter((k) => !k.includes(":")).sort()).toEqual([...keys].sort());
        for (const key of keys) {
            expect([key, typeof declared[key].description, "default" in declared[key], section.includes(`| \`${key}\` |`)]).toEqual([key, "string", true, true]);
        }
    });
});
