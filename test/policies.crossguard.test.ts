/**
 * The offline evaluator agrees with CrossGuard itself: the pack in `policies/` served through the analyzer protocol
 * reports exactly the violations `npm run plan -- --policy` reports, over real stack plans with and without bad values
 * (resource and stack policies, advisory and mandatory).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { allPolicies } from "../policies/all";
import { evaluatePolicies, loadPolicyConfig } from "../plan/policy";
import { parsePlanDocument, planDocument } from "../plan/render";
import type { Violation } from "../plan/render";
import { ServedPack } from "./crossguard";
import { Plan, PlannedResource, plan } from "./harness";
import { CASES } from "./reviewCases";

let pack: ServedPack;

beforeAll(async () => {
    pack = await ServedPack.start();
});

afterAll(() => pack?.stop());

const sorted = (violations: readonly Violation[]) => [...violations].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

function stackValue(stack: string, key: string): unknown {
    const file = parse(fs.readFileSync(path.resolve(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return structuredClone(file.config[`eks-platform:${key}`]);
}

function services(stack: string, edit: (service: Record<string, any>) => void): string {
    const list = stackValue(stack, "services") as Record<string, any>[];
    edit(list[0]);
    return `services=${JSON.stringify(list)}`;
}

const spotPool = (extra: object = {}) =>
    `nodePools=${JSON.stringify([{ name: "app", requirements: { capacityTypes: ["spot"], instanceCategories: ["m"] }, ...extra }])}`;

test("the served pack has every policy of the pack", async () => {
    expect((await pack.policyNames()).sort()).toEqual(allPolicies.map((p) => p.name).sort());
});

const cases: [string, string, () => string[], number][] = [
    ["prod as configured", "prod", () => [], 0],
    ["dev as configured", "dev", () => [], 0],
    ["prod with an unbounded spot pool", "prod", () => [spotPool()], 2],
    ["dev with a spot pool that never consolidates (advisory)", "dev", () => [spotPool({ disruption: { consolidateAfter: "Never" } })], 2],
    ["stage with a 50% canary (a stack policy)", "stage", () => [services("stage", (s) => (s.canaryWeight = 50))], 1],
    [
        "prod in selector mode with one replica and every namespace admitted",
        "prod",
        () => [
            services("prod", (s) => {
                s.trafficMode = "selector";
                s.autoscaling.minReplicas = 1;
            }),
            `gateway=${JSON.stringify({ ...(stackValue("prod", "gateway") as object), allowedRoutes: "All" })}`,
        ],
        3,
    ],
];

test.each(cases)("%s: the same violations offline and through the analyzer", async (_name, stack, set, count) => {
    const p = await plan(stack, ...set());
    await pack.configure(loadPolicyConfig(stack));
    const served = await pack.analyze(p);
    const offline = (await evaluatePolicies(p)).violations;
    expect(sorted(offline)).toEqual(sorted(served));
    expect(offline).toHaveLength(count);
});

test("prod with the review's cases added (every new rule, resource and stack policies): the same violations offline and through the analyzer", async () => {
    const doc = planDocument(await plan("prod")) as { resources: unknown[] };
    const p: Plan = parsePlanDocument(JSON.stringify({ ...doc, resources: [...doc.resources, ...CASES.map(([, r]) => r)] }), "review", "prod");
    await pack.configure(loadPolicyConfig("prod"));
    const served = await pack.analyze(p);
    const offline = (await evaluatePolicies(p)).violations;
    expect(sorted(offline)).toEqual(sorted(served));
    expect(CASES.filter(([, r, policy]) => !served.some((v) => v.urn === r.urn && v.policy === policy))).toEqual([]);
});

test("during a preview, values not known yet (a KMS key ARN, a namespace, a role's trust, a launch template id) do not stop the checks", async () => {
    // What the engine sends for a computed string during `pulumi preview`.
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const stackUrn = "urn:pulumi:prod::eks-platform::pulumi:pulumi:Stack::eks-platform-prod";
    const at = (type: string, name: string, inputs: Record<string, unknown>, dependsOn: PlannedResource[] = []): PlannedResource => ({
        urn: `urn:pulumi:prod::eks-platform::${type}::${name}`,
        type,
        name,
        parent: stackUrn,
        provider: undefined,
        providers: {},
        custom: true,
        protect: false,
        inputs,
        dependencies: dependsOn.map((d) => d.urn),
    });
    const cluster = at("eks:index:Cluster", "cluster-eks", {
        createOidcProvider: true,
        encryptionConfigKeyArn: UNKNOWN,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        endpointPublicAccess: false,
        endpointPrivateAccess: true,
        skipDefaultNodeGroup: true,
    });
    const deployment = at("kubernetes:apps/v1:Deployment", "api", {
        metadata: { name: "api", namespace: UNKNOWN },
        spec: { template: { spec: { containers: [{ name: "api", image: "repo/api:1.0.0" }] } } },
    });
    // An IRSA role whose trust waits for the OIDC provider, with the CNI policy (allowed for a workload role) and
    // AdministratorAccess (allowed for no kind) attached; a node group on a launch template whose id is not known.
    const irsaRole = at("aws:iam/role:Role", "aws-node", { assumeRolePolicy: UNKNOWN });
    const cni = at("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cni", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" }, [irsaRole]);
    const admin = at("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }, [irsaRole]);
    const template = at("aws:ec2/launchTemplate:LaunchTemplate", "system", {
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }],
    });
    const nodeGroup = at("aws:eks/nodeGroup:NodeGroup", "system", { clusterName: UNKNOWN, launchTemplate: { id: UNKNOWN, version: UNKNOWN } }, [template]);
    const account = at("kubernetes:core/v1:ServiceAccount", "sa", { metadata: { name: "api", namespace: UNKNOWN }, automountServiceAccountToken: false });
    const p = {
        project: "eks-platform",
        stack: "prod",
        config: {},
        outputs: {},
        resources: [{ ...at("pulumi:pulumi:Stack", "eks-platform-prod", {}), urn: stackUrn, parent: undefined }, cluster, deployment, irsaRole, cni, admin, template, nodeGroup, account],
    };
    await pack.configure({ all: "mandatory" });
    const served = (await pack.analyze(p)).filter((v) => v.policy !== "kubernetes-explicit-provider");
    // A policy stopped by an unknown value is reported at advisory level ("can't run ... during preview").
    expect(served.filter((v) => v.level !== "mandatory")).toEqual([]);
    expect(served.filter((v) => v.policy.startsWith("eks-") || v.policy.startsWith("nodegroup-"))).toEqual([]);
    expect(served.filter((v) => v.policy === "iam-managed-policy-allow-list").map((v) => v.urn)).toEqual([admin.urn]);
    expect(served.find((v) => v.policy === "workload-readiness-probe")).toEqual({
        policy: "workload-readiness-probe",
        level: "mandatory",
        urn: deployment.urn,
        message: 'Deployment [unknown]/api container "api" has no readinessProbe: its pods would receive traffic before they are ready.',
    });
});
