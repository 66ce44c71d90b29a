/**
 * Replacements in the offline diff, as `pulumi preview` shows them (`plan/replace.ts`, `plan/components.ts`), and the
 * guarantee built on them: no documented config key replaces the cluster, the VPC, its subnets, the KMS key or the
 * interruption queue, except the keys the README says do, and those are refused in prod unless explicitly allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { childUrn, subnetLayout } from "../plan/components";
import type { Plan, PlannedResource } from "../plan/harness";
import { diffPlans } from "../plan/render";
import { classifyChanges, FORCE_NEW, forceNewReasons, hasNoInputReplacement, replaceRule, ResourceChange } from "../plan/replace";
import { stackConfig } from "../plan/stackConfig";
import { plan, planAs, STACKS } from "./harness";

/** What a destroyed stateful resource is, by type. */
const STATEFUL = {
    "aws:eks/cluster:Cluster": "cluster",
    "aws:ec2/vpc:Vpc": "VPC",
    "aws:ec2/subnet:Subnet": "subnets",
    "aws:kms/key:Key": "KMS keys",
    "aws:cloudwatch/logGroup:LogGroup": "control-plane log group",
    "aws:sqs/queue:Queue": "interruption queue",
} as const;

const destroys = (changes: readonly ResourceChange[]) =>
    changes.filter((c) => (c.op === "replace" || c.op === "delete") && c.type in STATEFUL);

function res(urn: string, extra: Partial<PlannedResource> = {}): PlannedResource {
    return { urn, type: "test:index:Res", name: urn, parent: undefined, provider: undefined, providers: {}, custom: true, protect: false, inputs: {}, dependencies: [], ...extra };
}
const planOf = (resources: PlannedResource[]): Plan => ({ project: "p", stack: "s", config: {}, resources, outputs: {} });

describe("replace-on-change rules (from the providers' sources)", () => {
    const nodeGroup = FORCE_NEW["aws:eks/nodeGroup:NodeGroup"];

    test("a node group's instance types force a replacement (terraform-aws-modules/terraform-aws-eks#1415); its version does not", () => {
        const base = { clusterName: "c", instanceTypes: ["t3.medium"], version: "1.35", subnetIds: ["a", "b"] };
        expect(forceNewReasons(nodeGroup, base, { ...base, instanceTypes: ["m6i.large"] })).toEqual(["instanceTypes"]);
        expect(forceNewReasons(nodeGroup, base, { ...base, version: "1.36" })).toEqual([]);
        // instance_types is Optional+Computed: leaving it out keeps the old value.
        expect(forceNewReasons(nodeGroup, base, { ...base, instanceTypes: undefined })).toEqual([]);
        // subnet_ids is a set: order is not a change.
        expect(forceNewReasons(nodeGroup, base, { ...base, subnetIds: ["b", "a"] })).toEqual([]);
    });

    test("an EKS cluster is replaced for a new name, not for a new version; envelope encryption cannot be removed", () => {
        const rule = FORCE_NEW["aws:eks/cluster:Cluster"];
        const base = { name: "a", version: "1.35", encryptionConfig: { provider: { keyArn: "k" }, resources: ["secrets"] } };
        expect(forceNewReasons(rule, base, { ...base, name: "b" })).toEqual(["name"]);
        expect(forceNewReasons(rule, base, { ...base, version: "1.36" })).toEqual([]);
        expect(forceNewReasons(rule, base, { ...base, encryptionConfig: undefined })).toEqual(["encryptionConfig"]);
    });

    test("Kubernetes objects: identity always, plus the kind's own fields (pulumi-kubernetes diff.go)", () => {
        expect(replaceRule("kubernetes:core/v1:ConfigMap")?.forceNew).toEqual(["metadata.name", "metadata.namespace"]);
        expect(replaceRule("kubernetes:apps/v1:Deployment")?.forceNew).toEqual(["metadata.name", "metadata.namespace", "spec.selector"]);
        expect(replaceRule("kubernetes:core/v1:Service")?.forceNew).toContain("spec.clusterIP");
        expect(replaceRule("kubernetes:helm.sh/v3:Release")?.forceNew).toEqual(["name", "namespace"]);
    });

    test("awsx Auto subnet layout: nextNetmask and a layout from pulumi-awsx subnetDistributorNew.test.ts", () => {
        // "handles /16 -> /17" and "handles /17 -> /16": the block after 10.0.0.0/16 at /17, and after 10.0.0.0/17 at /16.
        expect(subnetLayout("10.0.0.0/16", 1, [{ type: "Public", cidrMask: 16 }, { type: "Private", cidrMask: 17 }])[1].cidrBlock).toBe("10.1.0.0/17");
        expect(subnetLayout("10.0.0.0/16", 1, [{ type: "Public", cidrMask: 17 }, { type: "Private", cidrMask: 16 }])[1].cidrBlock).toBe("10.1.0.0/16");
        // "highlights gaps at end of VPC": Public, Private, Isolated in one AZ; the last ends at 10.0.191.255.
        expect(subnetLayout("10.0.0.0/16", 1, [{ type: "Public" }, { type: "Private" }, { type: "Isolated" }]).map((l) => l.cidrBlock)).toEqual([
            "10.0.0.0/18",
            "10.0.64.0/18",
            "10.0.128.0/18",
        ]);
    });

    test("a child's URN carries its parents' types (urn:pulumi:<stack>::<project>::<type chain>::<name>)", () => {
        expect(childUrn("urn:pulumi:prod::eks-platform::eks-platform:network:Network$awsx:ec2:Vpc::network-vpc", "aws:ec2/vpc:Vpc", "network-vpc")).toBe(
            "urn:pulumi:prod::eks-platform::eks-platform:network:Network$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::network-vpc",
        );
    });
});

describe("the engine's rules", () => {
    const kubeconfig = (server: string, user = "aws") =>
        JSON.stringify({ "current-context": "c", contexts: [{ name: "c", context: { cluster: "k", user } }], clusters: [{ name: "k", cluster: { server } }] });

    test("a Kubernetes provider pointed at another cluster is replaced, and every object with it (kubeProvider.DiffConfig)", () => {
        const before = planOf([res("k8s", { type: "pulumi:providers:kubernetes", inputs: { kubeconfig: kubeconfig("https://a") } }), res("obj", { type: "kubernetes:core/v1:Namespace", provider: "k8s::id", inputs: { metadata: { name: "n" } } })]);
        const other = planOf([res("k8s", { type: "pulumi:providers:kubernetes", inputs: { kubeconfig: kubeconfig("https://b") } }), before.resources[1]]);
        expect(classifyChanges(before, other).map((c) => [c.urn, c.op, c.replaceReasons])).toEqual([
            ["k8s", "replace", ["kubeconfig"]],
            ["obj", "replace", ["provider"]],
        ]);
        // Another user for the same cluster is an update of the provider only.
        const user = planOf([res("k8s", { type: "pulumi:providers:kubernetes", inputs: { kubeconfig: kubeconfig("https://a", "admin") } }), before.resources[1]]);
        expect(classifyChanges(before, user).map((c) => [c.urn, c.op])).toEqual([["k8s", "update"]]);
    });

    test("an input from a replaced resource is unknown at preview and forces a replacement where it is replace-on-change", () => {
        const role = (name: string) => res("role", { type: "aws:iam/role:Role", inputs: { name } });
        const attachment = res("att", { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", inputs: { role: "r", policyArn: "p" }, propertyDependencies: { role: ["role"] } });
        const changes = classifyChanges(planOf([role("a"), attachment]), planOf([role("b"), attachment]));
        expect(changes.map((c) => [c.urn, c.op, c.replaceReasons])).toEqual([
            ["role", "replace", ["name"]],
            ["att", "replace", ["role"]],
        ]);
    });

    // pulumi/pulumi step_generator.go: `if new.Protect && old.Protect` (lifecycletest protect_test.go: unprotecting and
    // replacing in one update is allowed).
    test("replacing a resource protected before and after is refused; unprotecting in the same update is not", () => {
        const key = (spec: string, protect: boolean) => res("key", { type: "aws:kms/key:Key", protect, inputs: { customerMasterKeySpec: spec } });
        expect(classifyChanges(planOf([key("A", true)]), planOf([key("B", true)]))[0].refused).toMatch(/^unable to replace resource "key" as it is currently marked for protection/);
        const unprotected = classifyChanges(planOf([key("A", true)]), planOf([key("B", false)]))[0];
        expect([unprotected.op, unprotected.refused]).toEqual(["replace", undefined]);
        expect(classifyChanges(planOf([key("A", true)]), planOf([]))[0].refused).toMatch(/^unable to delete resource "key"/);
    });
});

describe("the Kubernetes upgrade", () => {
    test("kubernetesVersion=1.36 changes exactly the control plane, the system node group and each managed add-on", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", "kubernetesVersion=1.36"));
        expect(changes.map((c) => `${c.op} ${c.type} ${c.name}`).sort()).toEqual(
            [
                "update aws:eks/addon:Addon cluster-coredns",
                "update aws:eks/addon:Addon cluster-eks-kube-proxy",
                "update aws:eks/addon:Addon cluster-eks-pod-identity-agent",
                "update aws:eks/addon:Addon cluster-metrics-server",
                "update aws:eks/addon:Addon cluster-vpc-cni",
                "update aws:eks/addon:Addon container-insights",
                "update aws:eks/cluster:Cluster cluster-eks-eksCluster",
                "update aws:eks/nodeGroup:NodeGroup cluster-system",
                "update eks:index:Cluster cluster-eks",
            ].sort(),
        );
        const byName = new Map(changes.map((c) => [c.name, c]));
        expect(byName.get("cluster-system")!.changes).toEqual([{ path: "version", before: "1.35", after: "1.36" }]);
        expect(byName.get("cluster-eks-eksCluster")!.changes).toEqual([{ path: "version", before: "1.35", after: "1.36" }]);
        for (const addon of ["cluster-coredns", "cluster-eks-pod-identity-agent", "cluster-metrics-server", "cluster-eks-kube-proxy", "cluster-vpc-cni", "container-insights"]) {
            const [field] = byName.get(addon)!.changes;
            expect([addon, field.path, field.before === field.after]).toEqual([addon, "addonVersion", false]);
        }
        expect(changes.some((c) => c.refused)).toBe(false);
    });

    test("skipping a minor, or going back, is refused (EKS upgrades one minor at a time)", async () => {
        const skip = diffPlans(await plan("prod", "kubernetesVersion=1.34"), await plan("prod", "kubernetesVersion=1.36"));
        expect(skip.find((c) => c.type === "eks:index:Cluster")!.refused).toMatch(/one minor version at a time/);
        const back = diffPlans(await plan("prod"), await plan("prod", "kubernetesVersion=1.34"));
        expect(back.find((c) => c.type === "eks:index:Cluster")!.refused).toMatch(/never downgrades: 1\.35 → 1\.34/);
    });

    test("a pinned add-on version stays put through the upgrade", async () => {
        const pin = 'addonVersions={"coredns":"v1.12.4-eksbuild.1"}';
        const changes = diffPlans(await plan("prod", pin), await plan("prod", pin, "kubernetesVersion=1.36"));
        expect(changes.map((c) => c.name)).not.toContain("cluster-coredns");
        expect(changes.map((c) => c.name)).toContain("cluster-eks-pod-identity-agent");
    });
});

describe("a new system node instance type rolls the node group in place", () => {
    test("launch template update and a node group update (new template version); nothing replaced", async () => {
        const group = JSON.parse(stackConfig("prod", [])["eks-platform:systemNodeGroup"]);
        const changes = diffPlans(await plan("prod"), await plan("prod", `systemNodeGroup=${JSON.stringify({ ...group, instanceType: "m6i.large" })}`));
        expect(changes.map((c) => `${c.op} ${c.type} ${c.name}`)).toEqual([
            "update aws:ec2/launchTemplate:LaunchTemplate cluster-system",
            "update aws:eks/nodeGroup:NodeGroup cluster-system",
        ]);
        expect(changes[0].changes).toEqual([{ path: "instanceType", before: "t3.medium", after: "m6i.large" }]);
        expect(changes[1].changes.map((f) => f.path)).toEqual(["launchTemplate"]);
    });
});

describe("clusterName replaces the cluster", () => {
    test("the EKS cluster inside the component is replaced, for its name; prod refuses it until protection is lifted", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", "clusterName=other"));
        const cluster = changes.find((c) => c.type === "aws:eks/cluster:Cluster")!;
        expect(cluster).toMatchObject({ op: "replace", name: "cluster-eks-eksCluster", replaceReasons: ["name"] });
        expect(cluster.refused).toMatch(/marked for protection/);
        expect(changes.find((c) => c.type === "eks:index:Cluster")!.replacesInside).toContain("aws:eks/cluster:Cluster cluster-eks-eksCluster");
        // Every Kubernetes object goes to the new cluster: the provider is replaced, and everything through it.
        expect(changes.find((c) => c.type === "pulumi:providers:kubernetes")).toMatchObject({ op: "replace" });
        // Lifting protection in the same update is not enough: EKS deletion protection is still on for the old cluster.
        const sameUpdate = diffPlans(await plan("prod"), await plan("prod", "allowReplacement=true", "clusterName=other"));
        expect(sameUpdate.find((c) => c.type === "aws:eks/cluster:Cluster")!.refused).toMatch(/EKS deletion protection/);
    });
});

// ------------------------------------------------------------------------------------------------------------------
// Every documented key
// ------------------------------------------------------------------------------------------------------------------

const README = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");

/** Keys of the README's configuration table. */
function documentedKeys(): string[] {
    const table = README.slice(README.indexOf("## Configuration"), README.indexOf("### Changes that replace infrastructure"));
    return [...table.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
}

/** The README's "Changes that replace infrastructure" table: `key` or `key.field` for each field named. */
function documentedReplacements(): string[] {
    const section = README.slice(README.indexOf("### Changes that replace infrastructure"));
    const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| key |")));
    return [...table.matchAll(/^\| `([A-Za-z]+)`( \(([^)]*)\))? \|/gm)].flatMap((m) =>
        m[3] ? [...m[3].matchAll(/`([A-Za-z]+)`/g)].map((f) => `${m[1]}.${f[1]}`) : [m[1]],
    );
}

const prodRaw = stackConfig("prod", []);
const CREATOR = "arn:aws:iam::123456789012:role/pulumi-bootstrap";
const prodValue = (key: string) => JSON.parse(prodRaw[`eks-platform:${key}`]);
const set = (key: string, value: unknown) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;

/**
 * A realistic change of every documented key (and of each field that behaves differently), applied to prod.
 * A key added to the README without a line here fails the test below.
 */
const VARIATIONS: Record<string, string[]> = {
    region: [set("region", "us-west-2"), set("gateway", { ...prodValue("gateway"), certificateArns: prodValue("gateway").certificateArns.map((a: string) => a.replace(":ap-northeast-2:", ":us-west-2:")) })],
    clusterName: [set("clusterName", "other")],
    kubernetesVersion: [set("kubernetesVersion", "1.36")],
    tags: [set("tags", { ...prodValue("tags"), team: "core" })],
    "vpc.cidrBlock": [set("vpc", { ...prodValue("vpc"), cidrBlock: "10.40.0.0/16" })],
    "vpc.availabilityZones": [set("vpc", { ...prodValue("vpc"), availabilityZones: 2 })],
    "vpc.natGateways": [set("vpc", { ...prodValue("vpc"), natGateways: "Single" })],
    existingVpc: [
        set("existingVpc", {
            vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
            privateSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        }),
        // An internet-facing Gateway in a VPC the stack does not know needs its preview sources named.
        set("previewAccess", { sourceCidrs: ["203.0.113.0/24"] }),
    ],
    clusterEndpoint: [set("clusterEndpoint", { ...prodValue("clusterEndpoint"), privateAccessCidrs: ["10.30.0.0/16", "10.99.0.0/16"] })],
    clusterSupportType: [set("clusterSupportType", "EXTENDED")],
    controlPlaneLogRetentionDays: [set("controlPlaneLogRetentionDays", 731)],
    "systemNodeGroup.instanceType": [set("systemNodeGroup", { ...prodValue("systemNodeGroup"), instanceType: "m6i.large" })],
    "systemNodeGroup.diskSizeGiB": [set("systemNodeGroup", { ...prodValue("systemNodeGroup"), diskSizeGiB: 80 })],
    deployers: [set("deployers", [...prodValue("deployers"), { principalArn: "arn:aws:iam::123456789012:role/break-glass", access: "admin" }])],
    // Run by an identity outside `deployers` (the only one that may take the creator's admin entry).
    clusterCreatorAdmin: [set("clusterCreatorAdmin", true)],
    // Both providers assume the stack's first admin deployer (it must have an access entry).
    deployIdentity: [set("deployIdentity", { profile: null, roleArn: prodValue("deployers").find((d: { access: string }) => d.access === "admin").principalArn })],
    createSpotServiceLinkedRole: [set("createSpotServiceLinkedRole", false)],
    deletionProtection: [set("deletionProtection", false)],
    allowPlaceholders: [set("allowPlaceholders", true)],
    allowReplacement: [set("allowReplacement", true)],
    addonVersions: [set("addonVersions", { coredns: "v1.12.4-eksbuild.1", "kube-proxy": "v1.35.0-eksbuild.2", "vpc-cni": "v1.20.4-eksbuild.1", "metrics-server": "v0.9.0-eksbuild.11" })],
    identityMode: [set("identityMode", "podIdentity")],
    versions: [set("versions", { karpenter: "1.14.2", awsLoadBalancerController: "3.5.1", gatewayApi: "v1.6.2" })],
    nodeClass: [set("nodeClass", { ...prodValue("nodeClass"), amiAlias: "al2023@v20261201" })],
    nodePools: [set("nodePools", prodValue("nodePools").map((p: { limits: object }) => ({ ...p, limits: { cpu: "300", memory: "1200Gi" } })))],
    gateway: [set("gateway", { ...prodValue("gateway"), sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" })],
    previewAccess: [set("previewAccess", { sourceCidrs: ["203.0.113.0/24"] })],
    // The stack starts writing records and issues the Gateway's certificate in a zone the offline account has.
    dns: [set("dns", { zoneId: "Z0123456789ABCDEFGHIJ", createCertificate: true })],
    observability: [set("observability", { containerInsights: false, containerLogs: false })],
    notifications: [set("notifications", { slack: null })],
    activeColor: [set("activeColor", "green")],
    services: [set("services", prodValue("services").map((s: { autoscaling: object }) => ({ ...s, autoscaling: { minReplicas: 6, maxReplicas: 30 } })))],
};

describe("no documented key replaces stateful infrastructure, except the ones the README names", () => {
    test("every key of the configuration table has a variation here", () => {
        const covered = new Set(Object.keys(VARIATIONS).map((k) => k.split(".")[0]));
        expect(documentedKeys().filter((k) => !covered.has(k))).toEqual([]);
        expect(documentedReplacements().length).toBeGreaterThan(0);
    });

    const documented = documentedReplacements();
    const changed = (variation: string, ...assignments: string[]) =>
        variation === "clusterCreatorAdmin" ? planAs(CREATOR, "prod", ...assignments) : plan("prod", ...assignments);
    test.each(Object.entries(VARIATIONS))("%s", async (variation, assignments) => {
        const base = await plan("prod");
        const changes = diffPlans(base, await changed(variation, ...assignments));
        const destroyed = destroys(changes).map((c) => `${c.op} ${c.type} ${c.name}`);
        const key = variation.split(".")[0];
        const isDocumented = documented.includes(variation) || documented.includes(key);
        expect([variation, destroyed.length > 0]).toEqual([variation, isDocumented]);
        if (!isDocumented) return;
        // In prod (deletionProtection on) the preview refuses every destroyed stateful resource...
        for (const c of destroys(changes)) expect([c.name, c.refused]).toEqual([c.name, expect.stringMatching(/protect/)]);
        // ...until protection has been lifted by an update of its own.
        const allowed = diffPlans(await plan("prod", "allowReplacement=true"), await changed(variation, "allowReplacement=true", ...assignments));
        expect(destroys(allowed).map((c) => `${c.op} ${c.type} ${c.name}`)).toEqual(destroyed);
        expect(allowed.filter((c) => c.refused).map((c) => c.refused)).toEqual([]);
    });
});

describe("every resource type the project creates has its replace-on-change inputs listed", () => {
    test.each(STACKS)("%s", async (stack) => {
        const p = await plan(stack);
        const unlisted = [...new Set(p.resources.filter((r) => !hasNoInputReplacement(r) && !replaceRule(r.type)).map((r) => r.type))];
        expect(unlisted).toEqual([]);
    });
});
