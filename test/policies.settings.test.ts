/**
 * What a user of the pack reads and writes besides verdicts: each policy's description (the Pulumi CLI prints it
 * above every violation: @pulumi/policy's makeReportViolationFun makes the message `description + "\n" + message`)
 * and the settings of `policies/config/<stack>.json`, which the CLI validates against each policy's configSchema
 * before the pack runs (mirrored by plan/policy.ts policyConfigProblems). The settings table is written out here
 * (names, kinds, allowed values from the upstream formats they stand for: 12-digit AWS account ids, Kubernetes
 * DNS-1123 labels, IAM action names), not read from the pack, so that a changed schema shows.
 */
import { policyConfigProblems, policySettings } from "../plan/policy";
import { allPolicies, PACK_NAME } from "../policies/all";

test("the pack's name is one the policy SDK serves (@pulumi/policy server.js packNameRE: ^[a-zA-Z0-9-_.]{1,100}$)", () => {
    // An empty or otherwise invalid name makes `pulumi preview --policy-pack policies` fail before any policy runs.
    expect(PACK_NAME).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
    expect(PACK_NAME).toBe("eks-platform");
});

describe("policy descriptions", () => {
    test.each(allPolicies.map((p) => [p.name, p.description]))("%s says what it requires, as a sentence", (_name, description) => {
        expect(description).toMatch(/^[A-Z][^\n]{30,}[.)]$/);
    });

    test.each(
        allPolicies.flatMap((p) => Object.entries(p.configSchema?.properties ?? {}).map(([setting, schema]) => [`${p.name}.${setting}`, typeof schema === "object" ? schema.description : undefined])),
    )("setting %s is described", (_setting, description) => {
        expect(description).toMatch(/^[A-Z][^\n]{10,}[.)]$/);
    });
});

/** [policy, setting, a value the CLI accepts, a value it refuses, the refusal]. */
const SETTINGS: [string, string, unknown, unknown, string][] = [
    ["eks-control-plane-logs", "requiredLogTypes", ["api", "scheduler"], ["kube-scheduler"], 'requiredLogTypes[0] must be one of "api", "audit", "authenticator", "controllerManager", "scheduler"'],
    ["eks-endpoint-not-open", "maxPublicShare", 0.5, 1.5, "maxPublicShare must be ≤ 1, got 1.5"],
    ["eks-endpoint-not-open", "maxPublicShare", 0, -0.1, "maxPublicShare must be ≥ 0, got -0.1"],
    ["eks-endpoint-private-prod", "environment", "stage", "production", 'environment must be one of "dev", "stage", "prod"'],
    ["security-group-ingress-restricted", "maxPublicShare", 1, "0.5", 'maxPublicShare must be number, got "0.5"'],
    ["iam-role-trust-scoped", "trustedAccountIds", ["123456789012"], ["12345678901"], "trustedAccountIds[0] must match ^\\d{12}$"],
    ["iam-no-data-actions-on-any-resource", "additionalDataActions", ["es:ESHttpGet", "dynamodb:Get*"], ["es:ESHttp Get"], "additionalDataActions[0] must match"],
    ["iam-managed-policy-allow-list", "nodeRolePolicies", ["AmazonEKSWorkerNodePolicy"], [""], "nodeRolePolicies[0] must have at least 1 characters"],
    ["iam-managed-policy-allow-list", "clusterRolePolicies", ["AmazonEKSClusterPolicy"], [""], "clusterRolePolicies[0] must have at least 1 characters"],
    ["iam-managed-policy-allow-list", "workloadRolePolicies", [], [""], "workloadRolePolicies[0] must have at least 1 characters"],
    ["iam-managed-policy-allow-list", "otherPolicies", ["ReadOnlyAccess"], [7], "otherPolicies[0] must be string, got 7"],
    ["resource-policy-not-public", "trustedAccountIds", [], ["account"], "trustedAccountIds[0] must match ^\\d{12}$"],
    ["resource-policy-not-public", "maxPublicShare", 0.01, 2, "maxPublicShare must be ≤ 1, got 2"],
    ["nodepool-on-demand-only", "allowedCapacityTypes", ["on-demand", "reserved"], ["ondemand"], 'allowedCapacityTypes[0] must be one of "on-demand", "spot", "reserved"'],
    ["nodepool-on-demand-only", "environment", "prod", "qa", 'environment must be one of "dev", "stage", "prod"'],
    ["nodepool-limits", "requiredLimits", ["cpu"], [""], "requiredLimits[0] must have at least 1 characters"],
    ["nodepool-consolidation", "consolidationPolicies", ["WhenEmpty"], ["WhenUnderutilized"], 'consolidationPolicies[0] must be one of "WhenEmptyOrUnderutilized", "Balanced", "WhenEmpty"'],
    ["gateway-allowed-routes-restricted", "environment", "dev", "", 'environment must be one of "dev", "stage", "prod"'],
    ["namespace-pod-security-restricted", "exemptNamespaces", ["kube-system", "istio-system"], ["Kube-System"], "exemptNamespaces[0] must match"],
    ["namespace-network-policy", "exemptNamespaces", ["karpenter"], ["-karpenter"], "exemptNamespaces[0] must match"],
    ["network-policy-enforced", "enforcedByAnotherCni", true, "yes", 'enforcedByAnotherCni must be boolean, got "yes"'],
    ["workload-resources", "requiredRequests", ["cpu", "memory", "ephemeral-storage"], [""], "requiredRequests[0] must have at least 1 characters"],
    ["workload-resources", "requiredRequests", ["cpu"], [1], "requiredRequests[0] must be string, got 1"],
    ["workload-resources", "requiredLimits", ["memory"], [""], "requiredLimits[0] must have at least 1 characters"],
    ["workload-resources", "requiredLimits", [], [true], "requiredLimits[0] must be string, got true"],
    ["workload-allowed-registries", "allowedRegistries", ["public.ecr.aws/karpenter"], [""], "allowedRegistries[0] must have at least 1 characters"],
    ["workload-restricted-security-context", "requireReadOnlyRootFilesystem", false, "false", 'requireReadOnlyRootFilesystem must be boolean, got "false"'],
    ["service-account-token-automount", "tokenServiceAccounts", ["karpenter/karpenter"], ["karpenter"], "tokenServiceAccounts[0] must match"],
    ["hpa-min-replicas", "minReplicas", 3, 0, "minReplicas must be ≥ 1, got 0"],
    ["hpa-min-replicas", "minReplicas", 1, 1.5, "minReplicas must be integer, got 1.5"],
    ["no-loadbalancer-services", "allowedGateways", ["gateway-system/platform"], ["platform"], "allowedGateways[0] must match"],
];

describe("policy settings (policies/config/<stack>.json)", () => {
    test.each(SETTINGS)("%s.%s accepts %j, refuses %j", (policy, setting, good, bad, refusal) => {
        expect(policyConfigProblems(allPolicies, { [policy]: { [setting]: good } })).toEqual([]);
        const problems = policyConfigProblems(allPolicies, { [policy]: { [setting]: bad } });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`${policy}.${refusal}`);
    });

    test("every setting of every policy is in the table", () => {
        const settings = allPolicies.flatMap((p) => Object.keys(p.configSchema?.properties ?? {}).map((s) => `${p.name}.${s}`));
        const tabled = new Set(SETTINGS.map(([p, s]) => `${p}.${s}`));
        // hpa-min-replicas.environment is the definition of policies/environment.ts, tabled for three other policies.
        expect(settings.filter((s) => !tabled.has(s))).toEqual(["hpa-min-replicas.environment"]);
    });
});

/**
 * What each policy applies when the stack's policy config says nothing (a preview without `policies/config`): fail
 * closed. The managed policy names are those the EKS User Guide attaches to node and cluster roles ("Amazon EKS node
 * IAM role", "Amazon EKS cluster IAM role") and to the add-ons' roles (VPC CNI, CloudWatch Observability, X-Ray); the
 * exempt namespaces are the ones Kubernetes creates itself.
 */
const DEFAULTS: Record<string, Record<string, unknown>> = {
    "eks-control-plane-logs": { requiredLogTypes: ["api", "audit", "authenticator"] },
    "eks-endpoint-not-open": { maxPublicShare: 0.001 },
    "eks-endpoint-private-prod": { environment: "prod" },
    "security-group-ingress-restricted": { maxPublicShare: 0.001 },
    "iam-role-trust-scoped": { trustedAccountIds: [] },
    "iam-no-data-actions-on-any-resource": { additionalDataActions: [] },
    "iam-managed-policy-allow-list": {
        nodeRolePolicies: ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEC2ContainerRegistryReadOnly", "AmazonSSMManagedInstanceCore"],
        clusterRolePolicies: ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"],
        workloadRolePolicies: ["AmazonEKS_CNI_Policy", "CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
        otherPolicies: [],
    },
    "resource-policy-not-public": { trustedAccountIds: [], maxPublicShare: 0.001 },
    "nodepool-on-demand-only": { environment: "prod", allowedCapacityTypes: ["on-demand"] },
    "nodepool-limits": { requiredLimits: ["cpu", "memory"] },
    "nodepool-consolidation": { consolidationPolicies: ["WhenEmptyOrUnderutilized", "Balanced"] },
    "gateway-allowed-routes-restricted": { environment: "prod" },
    "namespace-pod-security-restricted": { exemptNamespaces: ["kube-system", "kube-public", "kube-node-lease"] },
    "namespace-network-policy": { exemptNamespaces: ["kube-system", "kube-public", "kube-node-lease"] },
    "network-policy-enforced": { enforcedByAnotherCni: false },
    "workload-resources": { requiredRequests: ["cpu", "memory"], requiredLimits: ["memory"] },
    "workload-allowed-registries": { allowedRegistries: [] },
    "workload-restricted-security-context": { requireReadOnlyRootFilesystem: true },
    "service-account-token-automount": { tokenServiceAccounts: [] },
    "hpa-min-replicas": { environment: "prod", minReplicas: 2 },
    "no-loadbalancer-services": { allowedGateways: [] },
};

describe("policy settings without a config file", () => {
    test.each(allPolicies.filter((p) => p.configSchema).map((p) => [p.name, p]))("%s", (name, policy) => {
        expect(policySettings(policy.configSchema, undefined)).toEqual(DEFAULTS[name]);
    });

    test("every policy with settings is in the table", () => {
        expect(allPolicies.filter((p) => p.configSchema).map((p) => p.name).sort()).toEqual(Object.keys(DEFAULTS).sort());
    });
});
