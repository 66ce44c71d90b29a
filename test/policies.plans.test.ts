/**
 * The policy pack over the offline plans of the real program: every stack passes its mandatory rules, the pack
 * actually sees what it checks, and a bad value set through `--set` is caught by the policy that guards it (in the
 * evaluator and through `npm run plan -- --policy`).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { allPolicies } from "../policies/all";
import { evaluatePolicies, loadPolicyConfig } from "../plan/policy";
import type { Violation } from "../plan/render";
import { STACKS, ofType, plan, planError } from "./harness";
import { requestCli } from "./planService/client";

const ROOT = path.resolve(__dirname, "..");

function mandatory(violations: readonly Violation[]): Violation[] {
    return violations.filter((v) => v.level === "mandatory");
}

/** The stack file's `services`, changed by `edit`, as a `--set services=<json>` assignment. */
function servicesWith(stack: string, edit: (services: Record<string, unknown>[]) => void): string {
    const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const services = structuredClone(file.config["eks-platform:services"]) as Record<string, unknown>[];
    edit(services);
    return `services=${JSON.stringify(services)}`;
}

const SPOT_POOL = `nodePools=${JSON.stringify([
    { name: "app", requirements: { capacityTypes: ["spot", "on-demand"], instanceCategories: ["c", "m"] }, limits: { cpu: "64", memory: "256Gi" } },
])}`;

describe.each(STACKS)("stack %s", (stack) => {
    test("has no violation at any level, and every policy of the pack ran", async () => {
        const report = await evaluatePolicies(await plan(stack));
        expect(report.violations).toEqual([]);
        expect(report.policyCount).toBe(allPolicies.length);
    });

    test("the policy config's allow-lists name what the stack file runs: its images' registry and its Gateway", () => {
        const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
        const config = loadPolicyConfig(stack) as Record<string, any>;
        const registries = (file.config["eks-platform:services"] as { image: { repository: string } }[]).map((s) => s.image.repository.split("/")[0]);
        expect(registries.length).toBeGreaterThan(0);
        expect(config["workload-allowed-registries"].allowedRegistries).toEqual([...new Set(registries)]);
        const gateway = file.config["eks-platform:gateway"] as { name: string; namespace: string };
        expect(config["no-loadbalancer-services"].allowedGateways).toEqual([`${gateway.namespace}/${gateway.name}`]);
        // Resource policies may name the stack's account and, for the ALB's access-log bucket, the Elastic Load Balancing
        // account of ap-northeast-2 (ELB User Guide, "Enable access logs for your Application Load Balancer": 600734575887).
        expect(file.config["eks-platform:region"]).toBe("ap-northeast-2");
        expect(config["resource-policy-not-public"].trustedAccountIds).toEqual(["123456789012", "600734575887"]);
    });
});

describe("the pack sees what it checks", () => {
    test("the prod plan has every resource type the policies read", async () => {
        const p = await plan("prod");
        for (const type of [
            "eks:index:Cluster",
            "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
            "kubernetes:karpenter.sh/v1:NodePool",
            "kubernetes:gateway.networking.k8s.io/v1:Gateway",
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration",
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:Service",
            "kubernetes:policy/v1:PodDisruptionBudget",
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        ]) {
            expect(`${type}: ${ofType(p, type).length}`).not.toBe(`${type}: 0`);
        }
    });

    test("the controllers' upstream policies use \"*\" for non-data actions, and the data-action rule leaves them alone", async () => {
        const p = await plan("prod");
        const statements = ofType(p, "aws:iam/rolePolicy:RolePolicy").flatMap(
            (r) => (JSON.parse(String(r.inputs.policy)) as { Statement: { Resource?: string | string[] }[] }).Statement,
        );
        expect(statements.filter((s) => ([] as string[]).concat(s.Resource ?? []).includes("*")).length).toBeGreaterThan(5);
        const report = await evaluatePolicies(p);
        expect(report.violations.filter((v) => v.policy.startsWith("iam-"))).toEqual([]);
    });

    test("every IRSA role in the plan trusts one exact service account", async () => {
        const p = await plan("prod");
        const irsa = ofType(p, "aws:iam/role:Role").filter((r) => String(r.inputs.assumeRolePolicy).includes("AssumeRoleWithWebIdentity"));
        expect(irsa.length).toBeGreaterThanOrEqual(3);
        const report = await evaluatePolicies(p);
        expect(report.violations.filter((v) => v.policy === "iam-role-trust-scoped")).toEqual([]);
    });
});

describe("a bad value set on a stack is caught by its policy", () => {
    test("spot capacity in prod: nodepool-on-demand-only, mandatory, on the NodePool", async () => {
        const p = await plan("prod", SPOT_POOL);
        const [pool] = ofType(p, "kubernetes:karpenter.sh/v1:NodePool");
        expect(mandatory((await evaluatePolicies(p)).violations)).toEqual([
            {
                policy: "nodepool-on-demand-only",
                level: "mandatory",
                urn: pool.urn,
                message: 'NodePool "app" admits capacity type spot in prod (karpenter.sh/capacity-type); production capacity is on-demand only.',
            },
        ]);
    });

    test("spot capacity in stage is allowed", async () => {
        expect(mandatory((await evaluatePolicies(await plan("stage", SPOT_POOL))).violations)).toEqual([]);
    });

    test("allowedRoutes All in prod: gateway-allowed-routes-restricted, mandatory, on the Gateway", async () => {
        const gateway = parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).config["eks-platform:gateway"];
        const p = await plan("prod", `gateway=${JSON.stringify({ ...gateway, allowedRoutes: "All" })}`);
        const [gw] = ofType(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
        expect(mandatory((await evaluatePolicies(p)).violations)).toEqual([
            expect.objectContaining({ policy: "gateway-allowed-routes-restricted", urn: gw.urn, message: expect.stringContaining("allowedRoutes.namespaces.from: All") }),
        ]);
    });

    test("HPA minimum of 1 in prod: hpa-min-replicas on both colors", async () => {
        const p = await plan(
            "prod",
            servicesWith("prod", (s) => {
                (s[0].autoscaling as Record<string, number>).minReplicas = 1;
            }),
        );
        const violations = mandatory((await evaluatePolicies(p)).violations);
        expect(violations.map((v) => [v.policy, v.urn.split("::").pop()])).toEqual([
            ["hpa-min-replicas", "app-api-blue"],
            ["hpa-min-replicas", "app-api-green"],
        ]);
    });

    test("an inactive color held at 0 in stage gets no preview route, so no route sends traffic to no pods", async () => {
        const p = await plan(
            "stage",
            servicesWith("stage", (s) => {
                s[0].scaledDown = { green: 0 };
            }),
        );
        expect(p.resources.filter((r) => r.name === "app-api-preview")).toEqual([]);
        expect(mandatory((await evaluatePolicies(p)).violations)).toEqual([]);
    });

    test("a 50% canary in stage leaves no single active color", async () => {
        const p = await plan(
            "stage",
            servicesWith("stage", (s) => {
                s[0].canaryWeight = 50;
            }),
        );
        expect(mandatory((await evaluatePolicies(p)).violations)).toEqual([
            expect.objectContaining({ policy: "bluegreen-colors", urn: expect.stringMatching(/HTTPRoute::app-api-route$/) }),
        ]);
    });

    test("in dev the same rules are advisory", async () => {
        const unbounded = `nodePools=${JSON.stringify([{ name: "app", requirements: { instanceCategories: ["m"] } }])}`;
        const violations = (await evaluatePolicies(await plan("dev", unbounded))).violations;
        expect(violations).toEqual([expect.objectContaining({ policy: "nodepool-limits", level: "advisory" })]);
    });

    test("a :latest image is already refused by config validation, naming the key", async () => {
        const err = await planError(
            "prod",
            servicesWith("prod", (s) => {
                (s[0].image as Record<string, string>).green = "latest";
            }),
        );
        expect(err.name).toBe("ConfigError");
        expect(err.message).toContain("services[0].image.green");
    });
});

describe("npm run plan -- --policy", () => {
    // Run by the plan service's planner: the same `main` as scripts/run.js, its output captured.
    const cli = (...args: string[]) => requestCli(["plan", ...args]);

    test("prod: exit 0, the number of policies evaluated, and no mandatory violation", async () => {
        const run = await cli("--stack", "prod", "--policy");
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`\\nPolicies: ${allPolicies.length} evaluated, \\d+ violation\\(s\\)\\n`));
        expect(run.stdout).not.toContain("mandatory (");
    });

    test("spot in prod: exit 1, naming the policy and the NodePool", async () => {
        const run = await cli("--stack", "prod", "--policy", "--set", SPOT_POOL);
        expect(run.status).toBe(1);
        expect(run.stdout).toMatch(/mandatory \(1\):\n {4}\[nodepool-on-demand-only\] urn:pulumi:prod::eks-platform::\S*kubernetes:karpenter\.sh\/v1:NodePool::node-pools-app\n/);
    });

    test("JSON output adds the violations", async () => {
        const run = await cli("--stack", "prod", "--policy", "--format", "json", "--set", SPOT_POOL);
        expect(run.status).toBe(1);
        const doc = JSON.parse(run.stdout) as { violations: Violation[] };
        expect(mandatory(doc.violations)).toEqual([expect.objectContaining({ policy: "nodepool-on-demand-only", level: "mandatory" })]);
    });
});
