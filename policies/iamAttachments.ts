/**
 * Managed policy attachments: an AWS managed policy carries permissions the pack cannot read from the plan, so each
 * kind of role may carry only the AWS managed policies EKS documents for it; a customer managed policy must be one
 * the stack defines (so that the permission rules check its document).
 *
 * Every way to attach counts: `aws.iam.RolePolicyAttachment`, `PolicyAttachment` (roles, users, groups), the
 * `*PolicyAttachmentsExclusive` resources, `User/GroupPolicyAttachment`, and `Role.managedPolicyArns`.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { list, parseDocument, principalsOf } from "./iamDocument";
import { POD_IDENTITY_PRINCIPAL } from "./iam";
import { orUnknown } from "./unknowns";

export const ROLE_KINDS = ["node", "cluster", "workload", "other"] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];

const ROLE_TYPE = "aws:iam/role:Role";
const POLICY_TYPE = "aws:iam/policy:Policy";

/**
 * What a role is for, from whom it trusts: EC2 (nodes), EKS (the cluster's service role), an OIDC provider or EKS Pod
 * Identity (a workload's service account). A role with several trusts has each kind; any other role is `other`.
 */
export function roleKinds(assumeRolePolicy: unknown): RoleKind[] {
    const doc = parseDocument(assumeRolePolicy);
    if ("error" in doc) return ["other"];
    const kinds = new Set<RoleKind>();
    for (const s of doc.statements.filter((st) => st.Effect === "Allow")) {
        const p = principalsOf(s.Principal);
        for (const service of p.service) {
            if (/^ec2\.amazonaws\.com(\.cn)?$/.test(service)) kinds.add("node");
            else if (/^eks\.amazonaws\.com(\.cn)?$/.test(service)) kinds.add("cluster");
            else if (service === POD_IDENTITY_PRINCIPAL) kinds.add("workload");
            else kinds.add("other");
        }
        for (const federated of p.federated) kinds.add(/:oidc-provider\//.test(federated) ? "workload" : "other");
        if (p.aws.length > 0 || p.canonicalUser.length > 0) kinds.add("other");
    }
    return kinds.size > 0 ? [...kinds] : ["other"];
}

/** `arn:<partition>:iam::aws:policy/<path/name>` → `<path/name>`; undefined for a customer managed policy. */
export function awsManagedPolicyName(arn: string): string | undefined {
    return /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
}

export interface ManagedPoliciesConfig {
    readonly nodeRolePolicies: string[];
    readonly clusterRolePolicies: string[];
    readonly workloadRolePolicies: string[];
    readonly otherPolicies: string[];
}

const CONFIG_KEYS: Record<RoleKind, keyof ManagedPoliciesConfig> = {
    node: "nodeRolePolicies",
    cluster: "clusterRolePolicies",
    workload: "workloadRolePolicies",
    other: "otherPolicies",
};

function policyList(description: string, defaults: string[]) {
    return { type: "array" as const, items: { type: "string" as const, minLength: 1 }, default: defaults, description };
}

/** One attachment of a policy ARN to a principal, with where it is declared. */
interface Attachment {
    readonly resource: PolicyResource;
    readonly principal: string;
    /** Undefined while the role's trust is not known (a preview before its OIDC provider exists). */
    readonly kinds: RoleKind[] | undefined;
    readonly policyArn: string | undefined;
}

/** The role an attachment names: the Role it depends on, else the Role whose name it gives. */
function findRole(r: PolicyResource, name: unknown, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const byName = (role: PolicyResource) => name !== undefined && orUnknown(() => (role.props as { name?: string }).name === name, false);
    const dependencies = r.dependencies.filter((d) => d.type === ROLE_TYPE);
    if (dependencies.length === 1) return dependencies[0];
    return dependencies.find(byName) ?? resources.find((role) => role.type === ROLE_TYPE && byName(role));
}

function roleAttachment(r: PolicyResource, roleName: unknown, policyArn: unknown, resources: readonly PolicyResource[]): Attachment {
    const role = findRole(r, roleName, resources);
    const kinds = role ? orUnknown(() => roleKinds((role.props as { assumeRolePolicy?: unknown }).assumeRolePolicy), undefined) : (["other"] as RoleKind[]);
    const shownName = orUnknown(() => (typeof roleName === "string" ? roleName : (role?.name ?? "[unknown]")), "[unknown]");
    return { resource: r, principal: `role ${shownName}${role ? "" : " (not in the stack)"}`, kinds, policyArn: policyArn as string | undefined };
}

/** Every managed policy attachment the stack declares. */
export function attachments(resources: readonly PolicyResource[]): Attachment[] {
    const out: Attachment[] = [];
    // Lists not known yet during a preview count as empty; single values are read through orUnknown where used.
    const listOf = (read: () => unknown) => orUnknown(() => list(read() as string[] | undefined), [] as string[]);
    for (const r of resources) {
        const p = r.props as Record<string, unknown>;
        const get = (key: string) => orUnknown(() => p[key], undefined);
        switch (r.type) {
            case ROLE_TYPE:
                for (const arn of listOf(() => p.managedPolicyArns)) {
                    out.push({ resource: r, principal: `role ${r.name} (managedPolicyArns)`, kinds: orUnknown(() => roleKinds(p.assumeRolePolicy), undefined), policyArn: arn });
                }
                break;
            case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
                out.push(roleAttachment(r, get("role"), get("policyArn"), resources));
                break;
            case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
                for (const arn of listOf(() => p.policyArns)) out.push(roleAttachment(r, get("roleName"), arn, resources));
                break;
            case "aws:iam/policyAttachment:PolicyAttachment":
                for (const role of listOf(() => p.roles)) out.push(roleAttachment(r, role, get("policyArn"), resources));
                for (const user of listOf(() => p.users)) out.push({ resource: r, principal: `user ${user}`, kinds: ["other"], policyArn: get("policyArn") as string | undefined });
                for (const group of listOf(() => p.groups)) out.push({ resource: r, principal: `group ${group}`, kinds: ["other"], policyArn: get("policyArn") as string | undefined });
                break;
            case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
                out.push({ resource: r, principal: `user ${String(get("user"))}`, kinds: ["other"], policyArn: get("policyArn") as string | undefined });
                break;
            case "aws:iam/groupPolicyAttachment:GroupPolicyAttachment":
                out.push({ resource: r, principal: `group ${String(get("group"))}`, kinds: ["other"], policyArn: get("policyArn") as string | undefined });
                break;
            case "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive":
                for (const arn of listOf(() => p.policyArns)) out.push({ resource: r, principal: `user ${String(get("userName"))}`, kinds: ["other"], policyArn: arn });
                break;
            case "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive":
                for (const arn of listOf(() => p.policyArns)) out.push({ resource: r, principal: `group ${String(get("groupName"))}`, kinds: ["other"], policyArn: arn });
                break;
        }
    }
    return out;
}

/** Whether a customer managed policy ARN is one the stack defines (the attachment depends on that Policy). */
function isStackPolicy(a: Attachment): boolean {
    return a.resource.dependencies.some((d) => d.type === POLICY_TYPE);
}

export const iamManagedPolicyAllowList: StackValidationPolicy = {
    name: "iam-managed-policy-allow-list",
    description:
        "Roles carry only the AWS managed policies allowed for their kind (node, cluster, workload; none for other roles, users and groups), however they are attached; customer managed policies must be defined in the stack.",
    severity: "critical",
    configSchema: {
        properties: {
            nodeRolePolicies: policyList("AWS managed policies (name after `policy/`) EC2 node roles may carry.", [
                "AmazonEKSWorkerNodePolicy",
                "AmazonEKS_CNI_Policy",
                "AmazonEC2ContainerRegistryPullOnly",
                "AmazonEC2ContainerRegistryReadOnly",
                "AmazonSSMManagedInstanceCore",
            ]),
            clusterRolePolicies: policyList("AWS managed policies an EKS cluster service role may carry.", ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"]),
            // The CNI policy for aws-node; the CloudWatch agent's two for the Container Insights add-on (EKS user guide,
            // "Install the Amazon CloudWatch Observability EKS add-on").
            workloadRolePolicies: policyList("AWS managed policies a service account's role (IRSA or Pod Identity) may carry.", [
                "AmazonEKS_CNI_Policy",
                "CloudWatchAgentServerPolicy",
                "AWSXrayWriteOnlyAccess",
            ]),
            otherPolicies: policyList("AWS managed policies any other role, user or group may carry.", []),
        },
    },
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<ManagedPoliciesConfig>();
        for (const a of attachments(args.resources)) {
            const arn = a.policyArn;
            const managed = arn === undefined ? undefined : awsManagedPolicyName(arn);
            if (managed !== undefined) {
                const allowedFor = (k: RoleKind) => config[CONFIG_KEYS[k]].some((allowed) => allowed.toLowerCase() === managed.toLowerCase());
                // A role whose trust is not known yet may be of any kind: only a policy no kind may carry is refused.
                const refused = a.kinds ? a.kinds.filter((k) => !allowedFor(k)) : ROLE_KINDS.some(allowedFor) ? [] : [...ROLE_KINDS];
                if (refused.length > 0) {
                    const lists = refused.map((k) => `${k}: ${config[CONFIG_KEYS[k]].join(", ") || "none"}`).join("; ");
                    reportViolation(`${a.resource.type.split(":").pop()} ${a.resource.name} attaches AWS managed policy ${managed} to ${a.principal}, which is not allowed for its kind (${lists}).`, a.resource.urn);
                }
            } else if (!isStackPolicy(a)) {
                reportViolation(
                    `${a.resource.type.split(":").pop()} ${a.resource.name} attaches ${arn === undefined ? "a policy whose ARN is not known" : `customer managed policy ${arn}`} to ${a.principal}, which the stack does not define: its permissions cannot be checked.`,
                    a.resource.urn,
                );
            }
        }
    },
};

export const iamAttachmentPolicies = [iamManagedPolicyAllowList];
