/**
 * iam-managed-policy-allow-list in detail: what kind a role is from its trust (IAM JSON policy reference: Principal
 * element, service principals ec2.amazonaws.com / eks.amazonaws.com), what an AWS managed policy ARN looks like
 * (`arn:<partition>:iam::aws:policy/<path><name>`), which role an attachment names (the Role it depends on, else the
 * Role whose name it gives), and what a `pulumi preview` sends before a value is known.
 */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { awsManagedPolicyName, iamManagedPolicyAllowList, roleKinds } from "../policies/iamAttachments";
import { policySettings } from "../plan/policy";
import type { PlannedResource } from "../plan/harness";
import { messages, resource, urnOf } from "./policyHarness";

// The SDK's proxy and the value the engine sends for a string not known yet; the SDK marks both @internal, so its
// declarations leave them out.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T; unknownStringValue: string };

const ACCOUNT = "123456789012";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const trustOf = (principal: object) => doc({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" });
const aws = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const role = (name: string, principal: object) => resource(ROLE, name, { name, assumeRolePolicy: trustOf(principal) });
const node = role("node", { Service: "ec2.amazonaws.com" });
const ci = role("ci", { AWS: `arn:aws:iam::${ACCOUNT}:root` });

// The default allow lists, spelled out from the EKS user guide (node IAM role, cluster IAM role, add-on roles).
const NODE = "node: AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy, AmazonEC2ContainerRegistryPullOnly, AmazonEC2ContainerRegistryReadOnly, AmazonSSMManagedInstanceCore";
const CLUSTER = "cluster: AmazonEKSClusterPolicy, AmazonEKSVPCResourceController";
const WORKLOAD = "workload: AmazonEKS_CNI_Policy, CloudWatchAgentServerPolicy, AWSXrayWriteOnlyAccess";

describe("role kinds from trust", () => {
    const t = (principal: object) => trustOf(principal);

    test("only Allow statements say who may assume the role; a trust that allows nobody is other", () => {
        expect(roleKinds(doc({ Effect: "Deny", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }))).toEqual(["other"]);
        expect(roleKinds(doc({ Effect: "Allow", Action: "sts:AssumeRole" }))).toEqual(["other"]);
        expect(roleKinds(doc({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }, { Effect: "Deny", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }))).toEqual([
            "cluster",
        ]);
    });

    test("AWS accounts and canonical users next to a service make the role other as well", () => {
        expect(roleKinds(t({ Service: "ec2.amazonaws.com", AWS: `arn:aws:iam::${ACCOUNT}:root` }))).toEqual(["node", "other"]);
        expect(roleKinds(t({ Service: "ec2.amazonaws.com", CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" }))).toEqual(["node", "other"]);
    });

    test("service principals are matched whole, not by prefix or suffix", () => {
        expect(roleKinds(t({ Service: "ec2.amazonaws.com.example.org" }))).toEqual(["other"]);
        expect(roleKinds(t({ Service: "notec2.amazonaws.com" }))).toEqual(["other"]);
        expect(roleKinds(t({ Service: "eks.amazonaws.com.example.org" }))).toEqual(["other"]);
    });
});

describe("AWS managed policy ARNs", () => {
    test("arn:<partition>:iam::aws:policy/<path><name>, in every partition", () => {
        expect(awsManagedPolicyName("arn:aws:iam::aws:policy/AdministratorAccess")).toBe("AdministratorAccess");
        expect(awsManagedPolicyName("arn:aws-cn:iam::aws:policy/service-role/AmazonEKSClusterPolicy")).toBe("service-role/AmazonEKSClusterPolicy");
        expect(awsManagedPolicyName(`arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess`)).toBeUndefined();
    });

    test("a customer managed policy whose path spells an AWS managed ARN is still the customer's", () => {
        // IAM paths may hold any ASCII character from ! to DEL, colons included (IAM API reference, CreatePolicy Path).
        expect(awsManagedPolicyName(`arn:aws:iam::${ACCOUNT}:policy/arn:aws:iam::aws:policy/AdministratorAccess`)).toBeUndefined();
    });
});

describe("which role an attachment names", () => {
    const attach = (name: string, inputs: object, dependsOn: PlannedResource[] = []) => resource(ATTACHMENT, name, { policyArn: aws("AmazonEKSWorkerNodePolicy"), ...inputs }, { dependsOn });

    test("the Role the stack defines with that name, when the attachment does not depend on it", async () => {
        expect(await messages(iamManagedPolicyAllowList, [node, attach("by-name", { role: "node" })])).toEqual([]);
    });

    test("an instance profile of the same name is not the role", async () => {
        // Instance profiles commonly share their role's name (EKS node groups, Karpenter).
        const profile = resource("aws:iam/instanceProfile:InstanceProfile", "node-profile", { name: "node", role: "node" });
        expect(await messages(iamManagedPolicyAllowList, [profile, node, attach("by-name", { role: "node" })])).toEqual([]);
    });

    test("dependencies that are not roles (the cluster, the policy) do not name the role", async () => {
        const cluster = resource("aws:eks/cluster:Cluster", "cluster", { name: "service-prod" });
        expect(await messages(iamManagedPolicyAllowList, [cluster, node, attach("after-cluster", { role: "node" }, [cluster])])).toEqual([]);
    });

    test("of two roles it depends on, the one whose name it gives", async () => {
        const everyone = resource("aws:iam/policyAttachment:PolicyAttachment", "shared", { policyArn: aws("AmazonEKSWorkerNodePolicy"), roles: ["node", "ci"] }, { dependsOn: [node, ci] });
        expect(await messages(iamManagedPolicyAllowList, [node, ci, everyone])).toEqual([
            "PolicyAttachment shared attaches AWS managed policy AmazonEKSWorkerNodePolicy to role ci, which is not allowed for its kind (other: none).",
        ]);
    });

    test("RolePolicyAttachmentsExclusive names its role by roleName", async () => {
        const exclusive = resource("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "node-policies", {
            roleName: "node",
            policyArns: [aws("AmazonEKSWorkerNodePolicy"), aws("AdministratorAccess")],
        });
        expect(await messages(iamManagedPolicyAllowList, [node, exclusive])).toEqual([
            `RolePolicyAttachmentsExclusive node-policies attaches AWS managed policy AdministratorAccess to role node, which is not allowed for its kind (${NODE}).`,
        ]);
    });

    test("a role trusted by both EC2 and EKS must be allowed the policy for each kind", async () => {
        const both = role("both", { Service: ["ec2.amazonaws.com", "eks.amazonaws.com"] });
        expect(await messages(iamManagedPolicyAllowList, [both, attach("both-node", { role: "both" }, [both])])).toEqual([
            `RolePolicyAttachment both-node attaches AWS managed policy AmazonEKSWorkerNodePolicy to role both, which is not allowed for its kind (${CLUSTER}).`,
        ]);
        expect(await messages(iamManagedPolicyAllowList, [both, attach("both-admin", { role: "both", policyArn: aws("AdministratorAccess") }, [both])])).toEqual([
            `RolePolicyAttachment both-admin attaches AWS managed policy AdministratorAccess to role both, which is not allowed for its kind (${NODE}; ${CLUSTER}).`,
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// During a preview
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A stack policy run as the CrossGuard analyzer runs it during `pulumi preview`: props wrapped in the SDK's
 * unknown-checking proxy, so that reading a value not known yet (`unknownStringValue`) throws UnknownValueError.
 */
function previewViolations(resources: { type: string; name: string; inputs: Record<string, unknown>; dependsOn?: string[] }[]): string[] {
    const byName = new Map<string, PolicyResource>();
    for (const r of resources) {
        byName.set(r.name, { type: r.type, name: r.name, urn: urnOf(r.type, r.name), props: unknownCheckingProxy(r.inputs), dependencies: [], propertyDependencies: {} } as unknown as PolicyResource);
    }
    for (const r of resources) (byName.get(r.name) as { dependencies: PolicyResource[] }).dependencies = (r.dependsOn ?? []).map((d) => byName.get(d) as PolicyResource);
    const found: string[] = [];
    const args = { resources: [...byName.values()], getConfig: () => policySettings(iamManagedPolicyAllowList.configSchema, undefined) } as unknown as StackValidationArgs;
    void iamManagedPolicyAllowList.validateStack(args, (message: string) => found.push(message));
    return found;
}

describe("during a preview", () => {
    const ec2 = trustOf({ Service: "ec2.amazonaws.com" });

    test("a role whose trust is not known yet may carry a policy allowed for some kind, not one allowed for none", () => {
        const waiting = { type: ROLE, name: "aws-node", inputs: { name: "aws-node", assumeRolePolicy: unknownStringValue } };
        const at = (name: string, policy: string) => ({ type: ATTACHMENT, name, inputs: { role: "aws-node", policyArn: aws(policy) }, dependsOn: ["aws-node"] });
        expect(previewViolations([waiting, at("cni", "AmazonEKS_CNI_Policy"), at("admin", "AdministratorAccess")])).toEqual([
            `RolePolicyAttachment admin attaches AWS managed policy AdministratorAccess to role aws-node, which is not allowed for its kind (${NODE}; ${CLUSTER}; ${WORKLOAD}; other: none).`,
        ]);
    });

    test("a role name not known yet: the role it depends on is named by its resource name; without one, [unknown]", () => {
        const nodeRole = { type: ROLE, name: "node-role", inputs: { name: unknownStringValue, assumeRolePolicy: ec2 } };
        // A role Pulumi names itself (no name input) is not one whose name is not known.
        const autonamed = { type: ROLE, name: "autonamed", inputs: { assumeRolePolicy: ec2 } };
        const resources = [
            nodeRole,
            autonamed,
            { type: ATTACHMENT, name: "node-admin", inputs: { role: unknownStringValue, policyArn: aws("AdministratorAccess") }, dependsOn: ["node-role"] },
            { type: ATTACHMENT, name: "stray", inputs: { role: unknownStringValue, policyArn: aws("AmazonEKSWorkerNodePolicy") } },
        ];
        expect(previewViolations(resources)).toEqual([
            `RolePolicyAttachment node-admin attaches AWS managed policy AdministratorAccess to role node-role, which is not allowed for its kind (${NODE}).`,
            "RolePolicyAttachment stray attaches AWS managed policy AmazonEKSWorkerNodePolicy to role [unknown] (not in the stack), which is not allowed for its kind (other: none).",
        ]);
    });

    test("a role whose name is not known yet is not the role another attachment names", () => {
        const resources = [
            { type: ROLE, name: "node-role", inputs: { name: unknownStringValue, assumeRolePolicy: ec2 } },
            { type: ROLE, name: "ci", inputs: { name: "ci", assumeRolePolicy: trustOf({ AWS: `arn:aws:iam::${ACCOUNT}:root` }) } },
            { type: ATTACHMENT, name: "ci-node", inputs: { role: "ci", policyArn: aws("AmazonEKSWorkerNodePolicy") } },
        ];
        expect(previewViolations(resources)).toEqual([
            "RolePolicyAttachment ci-node attaches AWS managed policy AmazonEKSWorkerNodePolicy to role ci, which is not allowed for its kind (other: none).",
        ]);
    });

    test("a policy ARN not known yet, from no Policy of the stack, cannot be checked", () => {
        const resources = [
            { type: ROLE, name: "node", inputs: { name: "node", assumeRolePolicy: ec2 } },
            { type: ATTACHMENT, name: "imported", inputs: { role: "node", policyArn: unknownStringValue }, dependsOn: ["node"] },
        ];
        expect(previewViolations(resources)).toEqual([
            "RolePolicyAttachment imported attaches a policy whose ARN is not known to role node, which the stack does not define: its permissions cannot be checked.",
        ]);
    });
});
