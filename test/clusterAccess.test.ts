/**
 * Who reaches the Kubernetes API and from where (issue 13): one explicit EKS access entry per deployer and no
 * hidden creator admin, the identity running pulumi checked before the cluster exists, 443 from the configured
 * sources on a private endpoint, and one identity for the AWS and Kubernetes providers.
 */
import * as path from "path";
import { accessPolicyArn, callerProblem, endpointIngress, principalKey, withoutCreatorAdmin } from "../lib/clusterAccess";
import { awsProviderCredentials, kubeconfigFor, tokenArgs } from "../lib/kubeconfig";
import { find, inputsOf, ofType, plan, planAs, planErrorAs, planError, planProgram, STACKS } from "./harness";
import type { PlannedResource } from "./harness";

const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const CLUSTER = "eks:index:Cluster";

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
/** EKS access policy ARNs as the EKS user guide lists them ("Review access policy permissions"). */
const POLICY = {
    admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    edit: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
};

/** The deployers of each stack file and their access. */
const DEPLOYERS: Record<string, [string, string][]> = {
    // The bootstrap project's CI roles (path /ci/, which access entries accept for roles), then people.
    dev: [
        [role("ci/eks-platform-dev-deploy"), POLICY.admin],
        [role("ci/eks-platform-dev-preview"), POLICY.admin],
        [role("ci/eks-platform-dev-plan"), POLICY.admin],
        [role("platform-admin"), POLICY.admin],
    ],
    stage: [
        [role("ci/eks-platform-stage-deploy"), POLICY.admin],
        [role("ci/eks-platform-stage-plan"), POLICY.admin],
        [role("platform-admin"), POLICY.admin],
    ],
    prod: [
        [role("ci/eks-platform-prod-deploy"), POLICY.admin],
        [role("ci/eks-platform-prod-plan"), POLICY.admin],
        [role("platform-admin"), POLICY.admin],
        [role("platform-oncall"), POLICY.view],
    ],
};

/** Each STANDARD access entry as [principal, policy of its association], with the association's checks. */
function grants(p: { resources: readonly PlannedResource[] }): [string, string][] {
    const entries = p.resources.filter((r) => r.type === ENTRY && (r.inputs as { type: string }).type === "STANDARD");
    return entries.map((entry) => {
        const principal = (entry.inputs as { principalArn: string }).principalArn;
        const associations = p.resources.filter((r) => r.type === ASSOCIATION && (r.inputs as { principalArn: string }).principalArn === principal);
        expect(associations).toHaveLength(1);
        expect(associations[0].dependencies).toContain(entry.urn);
        expect((associations[0].inputs as { accessScope: unknown }).accessScope).toEqual({ type: "cluster" });
        return [principal, (associations[0].inputs as { policyArn: string }).policyArn];
    });
}

describe("access entries: every deployer explicit, none hidden", () => {
    test.each(STACKS)("%s: one entry and cluster-scoped policy per deployer; the only other entry is Karpenter's node role", async (stack) => {
        const p = await plan(stack);
        expect(grants(p)).toEqual(DEPLOYERS[stack]);
        expect(ofType(p, ENTRY).map((e) => (e.inputs as { type: string }).type).sort()).toEqual([
            "EC2_LINUX",
            ...DEPLOYERS[stack].map(() => "STANDARD"),
        ]);
        // pulumi-eks creates no access entries of its own.
        expect(inputsOf(p, CLUSTER, "cluster-eks").accessEntries).toBeUndefined();
    });

    test("the cluster is created without the invisible creator admin pulumi-eks 4.3.0 hard-codes", async () => {
        const cluster = find(await plan("prod"), CLUSTER, "cluster-eks");
        // The component is registered with the transform; what it does to the child is checked on the child itself.
        expect(cluster.transforms).toEqual(["withoutCreatorAdmin"]);
        const transform = withoutCreatorAdmin;
        // The control plane as pulumi-eks v4.3.0 registers it (nodejs/eks/cluster/cluster.ts, createCore): with an
        // authenticationMode it always sends bootstrapClusterCreatorAdminPermissions: true, and ignores changes to it.
        const controlPlane = {
            type: "aws:eks/cluster:Cluster",
            name: "cluster-eks-eksCluster",
            custom: true,
            props: { name: "service-prod", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true }, version: "1.35" },
            opts: { ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons"] },
        };
        const result = await transform(controlPlane);
        expect(result?.props).toEqual({
            name: "service-prod",
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            version: "1.35",
        });
        // Options pass through: the ignoreChanges keeps an existing cluster from being replaced.
        expect(result?.opts).toEqual(controlPlane.opts);
        // Every other child is left alone.
        expect(await transform({ ...controlPlane, type: "aws:eks/addon:Addon" })).toBeUndefined();
        expect(withoutCreatorAdmin({ ...controlPlane, type: "aws:iam/role:Role" })).toBeUndefined();
    });

    test("the Kubernetes provider waits for every entry, policy and endpoint rule", async () => {
        const p = await plan("prod");
        const provider = find(p, "pulumi:providers:kubernetes", "cluster-k8s");
        const access = find(p, "eks-platform:cluster:ClusterAccess", "cluster-access");
        const children = p.resources.filter((r) => r.parent === access.urn);
        expect(children.map((r) => r.type).sort()).toEqual([...Array(4).fill(ENTRY), ...Array(4).fill(ASSOCIATION), INGRESS].sort());
        for (const child of children) expect([child.name, provider.dependencies.includes(child.urn)]).toEqual([child.name, true]);
    });

    test("reordering deployers keeps every entry where it is; a new access level changes one policy only", async () => {
        const deployers = (list: [string, string][]) => `deployers=${JSON.stringify(list.map(([principalArn, access]) => ({ principalArn, access })))}`;
        const base = await plan("prod");
        const reordered = await plan("prod", deployers([[role("platform-oncall"), "view"], [role("platform-admin"), "admin"], [role("ci/eks-platform-prod-plan"), "admin"], [role("ci/eks-platform-prod-deploy"), "admin"]]));
        const urns = (p: typeof base) => p.resources.filter((r) => r.type === ENTRY || r.type === ASSOCIATION).map((r) => r.urn).sort();
        expect(urns(reordered)).toEqual(urns(base));
        expect(principalKey(role("teams/payments/deploy"))).toBe("123456789012-role/teams/payments/deploy");

        const edit = await plan("prod", deployers([[role("ci/eks-platform-prod-deploy"), "admin"], [role("ci/eks-platform-prod-plan"), "admin"], [role("platform-admin"), "admin"], [role("platform-oncall"), "edit"]]));
        const changed = edit.resources.filter((r) => {
            const before = base.resources.find((b) => b.urn === r.urn);
            return r.type.startsWith("aws:eks/access") && JSON.stringify(before?.inputs) !== JSON.stringify(r.inputs);
        });
        expect(changed.map((r) => [r.name, (r.inputs as { policyArn: string }).policyArn])).toEqual([["cluster-access-123456789012-role/platform-oncall", POLICY.edit]]);
    });

    test("access policies follow the principal's partition", () => {
        expect(accessPolicyArn("view")).toBe(POLICY.view);
        expect(accessPolicyArn("admin", "aws-cn")).toBe("arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    });
});

describe("the identity running pulumi, checked before the cluster exists", () => {
    test("a caller without an entry is refused (it would meet Unauthorized half-way through the first up)", async () => {
        const err = (await planErrorAs(role("stranger"), "dev")) as Error & { registered: string[] };
        // As the CLI prints it: the SDK names the input the check gates (the control plane's name).
        expect(err.message).toBe(
            `error serializing property "name": Invalid stack config: 'deployers' does not list the identity running pulumi (${role("stranger")}), expected it there (or clusterCreatorAdmin true for this update): without an access entry every Kubernetes resource fails with Unauthorized`,
        );
        // The control plane, whose creation waits for the check, is never registered; nor is any access or Kubernetes object.
        expect(err.registered).not.toContain(CLUSTER);
        expect(err.registered.filter((t) => t.startsWith("kubernetes:") || t.startsWith("aws:eks/access"))).toEqual([]);
    });

    test("clusterCreatorAdmin gives the caller's role (resolved from its assumed-role session, path included) its own admin entry", async () => {
        const alice = role("humans/alice");
        const p = await planAs(alice, "dev", "clusterCreatorAdmin=true");
        expect(grants(p)).toEqual([...DEPLOYERS.dev, [alice, POLICY.admin]]);
        expect(find(p, ENTRY, "cluster-access-caller").inputs).toMatchObject({ principalArn: alice, type: "STANDARD" });
    });

    test("clusterCreatorAdmin while the caller is a deployer already is refused (EKS: ResourceInUseException)", async () => {
        const err = await planError("dev", "clusterCreatorAdmin=true");
        expect(err.message).toBe(
            `error serializing property "name": Invalid stack config: 'clusterCreatorAdmin' is true, expected false: the identity running pulumi (${role("ci/eks-platform-dev-deploy")}) is deployers[0] already, and EKS allows one access entry per principal`,
        );
    });

    test("a view deployer may not run pulumi up", async () => {
        const err = await planErrorAs(role("platform-oncall"), "prod");
        expect(err.message).toBe(
            `error serializing property "name": Invalid stack config: 'deployers[3].access' is "view" for the identity running pulumi (${role("platform-oncall")}), expected "admin": pulumi up writes cluster-scoped objects`,
        );
        // A preview (dry run) is not refused here: it fails only if a change needs more than the role may write.
        expect(callerProblem({ callerArn: role("platform-oncall"), deployers: [{ principalArn: role("platform-oncall"), access: "view" }], clusterCreatorAdmin: false, dryRun: true })).toBeUndefined();
    });
});

describe("a way in to the private endpoint", () => {
    test("prod: 443 on the cluster security group from the configured source, nothing else", async () => {
        const p = await plan("prod");
        const rules = ofType(p, INGRESS).map((r) => r.inputs);
        expect(rules).toEqual([
            expect.objectContaining({ securityGroupId: p.outputs.clusterSecurityGroupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.30.0.0/16" }),
        ]);
        expect(rules[0]).not.toHaveProperty("referencedSecurityGroupId");
        expect(inputsOf(p, CLUSTER, "cluster-eks")).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
    });

    test("networks and security groups each get a rule; a public endpoint without private sources gets none", async () => {
        const p = await plan("prod", 'clusterEndpoint={"privateAccessCidrs":["10.100.0.0/24"],"privateAccessSecurityGroupIds":["sg-0123456789abcdef0"]}');
        expect(ofType(p, INGRESS).map((r) => [r.name, r.inputs.cidrIpv4 ?? r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort])).toEqual([
            ["cluster-access-api-10.100.0.0-24", "10.100.0.0/24", 443, 443],
            ["cluster-access-api-sg-0123456789abcdef0", "sg-0123456789abcdef0", 443, 443],
        ]);
        for (const stack of ["dev", "stage"]) expect(ofType(await plan(stack), INGRESS)).toEqual([]);
        expect(endpointIngress({ privateAccessCidrs: [], privateAccessSecurityGroupIds: [] })).toEqual([]);
    });

    test("ClusterAccess given no private sources opens 443 to nobody (fixtures/clusterAccess.ts)", async () => {
        const p = await planProgram(path.join(__dirname, "fixtures/clusterAccess.ts"), "test", {});
        expect(ofType(p, INGRESS)).toEqual([]);
        expect(grants(p)).toEqual([[role("platform-admin"), POLICY.admin]]);
        expect(p.outputs.principalArns).toEqual([role("platform-admin")]);
    });

    test("prod with a private-only endpoint and no source is refused before any resource", async () => {
        const err = (await planError("prod", 'clusterEndpoint={"publicAccess":false,"privateAccessCidrs":[]}')) as Error & { registered: string[] };
        expect(err.name).toBe("ConfigError");
        expect(err.message).toMatch(/^Invalid stack config: 'clusterEndpoint\.privateAccessCidrs' is \[\], expected at least one source/);
        expect(err.registered).toEqual([]);
    });
});

describe("one identity for the AWS provider and the Kubernetes token", () => {
    const execArgs = (p: Awaited<ReturnType<typeof plan>>): string[] =>
        JSON.parse(inputsOf(p, "pulumi:providers:kubernetes", "cluster-k8s").kubeconfig).users[0].user.exec.args;

    test("default: both use the ambient credentials (the role CI assumed), nothing forces another", async () => {
        const p = await plan("dev");
        const aws = inputsOf(p, "pulumi:providers:aws", "aws");
        expect(aws.profile).toBeUndefined();
        expect(aws.assumeRoles).toBeUndefined();
        expect(execArgs(p)).toEqual(["--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "service-dev", "--output", "json"]);
        expect(inputsOf(p, CLUSTER, "cluster-eks").providerCredentialOpts).toBeUndefined();
    });

    test("deployIdentity: the token is fetched as the profile and role the AWS provider uses", async () => {
        const identity = { profile: "platform-dev", roleArn: role("ci/eks-platform-dev-deploy") };
        const p = await plan("dev", `deployIdentity=${JSON.stringify(identity)}`);
        const aws = inputsOf(p, "pulumi:providers:aws", "aws");
        expect(aws.profile).toBe("platform-dev");
        expect(JSON.parse(aws.assumeRoles)).toEqual([{ roleArn: role("ci/eks-platform-dev-deploy"), sessionName: "pulumi-dev" }]);
        const args = execArgs(p);
        expect(args.slice(args.indexOf("--role-arn"), args.indexOf("--role-arn") + 2)).toEqual(["--role-arn", role("ci/eks-platform-dev-deploy")]);
        expect(args.slice(args.indexOf("--profile"), args.indexOf("--profile") + 2)).toEqual(["--profile", "platform-dev"]);
        expect(inputsOf(p, CLUSTER, "cluster-eks").providerCredentialOpts).toEqual({ profileName: "platform-dev", roleArn: role("ci/eks-platform-dev-deploy") });
    });

    // pulumi-eks builds its kubeconfig (and its own Kubernetes provider's token) from providerCredentialOpts: a profile
    // alone or a role alone must reach it as well as both together.
    test("deployIdentity with a profile only: the token and pulumi-eks use that profile and assume no role", async () => {
        const p = await plan("dev", `deployIdentity=${JSON.stringify({ profile: "platform-dev" })}`);
        expect(inputsOf(p, "pulumi:providers:aws", "aws").profile).toBe("platform-dev");
        expect(execArgs(p)).toEqual([
            "--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "service-dev", "--output", "json", "--profile", "platform-dev",
        ]);
        expect(inputsOf(p, CLUSTER, "cluster-eks").providerCredentialOpts).toEqual({ profileName: "platform-dev" });
    });

    test("deployIdentity with a role only: the token and pulumi-eks assume that role on the ambient credentials", async () => {
        const p = await plan("dev", `deployIdentity=${JSON.stringify({ roleArn: role("ci/eks-platform-dev-deploy") })}`);
        expect(inputsOf(p, "pulumi:providers:aws", "aws").profile).toBeUndefined();
        expect(execArgs(p)).toEqual([
            "--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "service-dev", "--output", "json", "--role-arn", role("ci/eks-platform-dev-deploy"),
        ]);
        expect(inputsOf(p, CLUSTER, "cluster-eks").providerCredentialOpts).toEqual({ roleArn: role("ci/eks-platform-dev-deploy") });
    });

    test("the builders: AWS CLI v2 `eks get-token` flags, an exec user that never prompts", () => {
        const identity = { profile: "p", roleArn: role("r") };
        expect(tokenArgs("c", "ap-northeast-2", identity)).toEqual([
            "--region", "ap-northeast-2", "eks", "get-token", "--cluster-name", "c", "--output", "json", "--role-arn", role("r"), "--profile", "p",
        ]);
        expect(awsProviderCredentials({ profile: null, roleArn: null }, "s")).toEqual({});
        const kubeconfig = kubeconfigFor({ clusterName: "c", region: "ap-northeast-2", server: "https://x", certificateAuthorityData: "Q0E=", identity });
        expect(kubeconfig).toMatchObject({
            clusters: [{ name: "c", cluster: { server: "https://x", "certificate-authority-data": "Q0E=" } }],
            users: [{ name: "c", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", interactiveMode: "Never" } } }],
        });
    });
});
