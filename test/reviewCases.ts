/**
 * The resources a review fed the pack before issue 17, each with the policy that must now report it: one per
 * pod-template kind and patch, per way into the cluster, per way to grant or trust in IAM, per resource policy,
 * and the endpoint, node group and Gateway selector cases. As entries of a plan document (`--format json` shape).
 */

export type DocResource = { urn: string; type: string; name: string; inputs: Record<string, unknown>; dependencies?: string[] };

const at = (type: string, name: string, inputs: Record<string, unknown>, dependencies: string[] = []): DocResource => ({
    urn: `urn:pulumi:prod::eks-platform::${type}::${name}`,
    type,
    name,
    inputs,
    dependencies,
});

const IMAGE = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0";
const container = {
    name: "app",
    image: IMAGE,
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
    resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
};
const privileged = { ...container, securityContext: { ...container.securityContext, privileged: true } };
const pod = (c: object, extra: object = {}) => ({ automountServiceAccountToken: false, containers: [c], ...extra });
const meta = (name: string) => ({ name, namespace: "app-api" });
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const everyone = doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

/** The review's cases: a resource each, and the policy that must report it. */
export const CASES: [string, DocResource, string][] = [
    ["privileged DaemonSet", at("kubernetes:apps/v1:DaemonSet", "ds", { metadata: meta("ds"), spec: { template: { spec: pod(privileged) } } }), "workload-restricted-security-context"],
    ["hostNetwork StatefulSet", at("kubernetes:apps/v1:StatefulSet", "sts", { metadata: meta("sts"), spec: { template: { spec: pod(container, { hostNetwork: true }) } } }), "workload-no-host-access"],
    ["unpinned Job", at("kubernetes:batch/v1:Job", "job", { metadata: meta("job"), spec: { template: { spec: pod({ ...container, image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api" }) } } }), "workload-pinned-image"],
    ["privileged CronJob", at("kubernetes:batch/v1:CronJob", "cron", { metadata: meta("cron"), spec: { jobTemplate: { spec: { template: { spec: pod(privileged) } } } } }), "workload-restricted-security-context"],
    ["hostNetwork Pod", at("kubernetes:core/v1:Pod", "pod", { metadata: meta("pod"), spec: pod(container, { hostNetwork: true }) }), "workload-no-host-access"],
    ["unpinned ReplicaSet", at("kubernetes:apps/v1:ReplicaSet", "rs", { metadata: meta("rs"), spec: { template: { spec: pod({ ...container, image: `${IMAGE.split(":")[0]}:latest` }) } } }), "workload-pinned-image"],
    ["privileged DeploymentPatch", at("kubernetes:apps/v1:DeploymentPatch", "patch", { metadata: meta("app-api-blue"), spec: { template: { spec: { containers: [{ name: "app-api", securityContext: { privileged: true } }] } } } }), "workload-restricted-security-context"],
    ["NodePort Service", at("kubernetes:core/v1:Service", "nodeport", { metadata: meta("nodeport"), spec: { type: "NodePort", ports: [{ port: 80 }] } }), "no-loadbalancer-services"],
    ["Ingress", at("kubernetes:networking.k8s.io/v1:Ingress", "ingress", { metadata: meta("ingress"), spec: {} }), "no-loadbalancer-services"],
    ["second Gateway", at("kubernetes:gateway.networking.k8s.io/v1:Gateway", "second", { metadata: meta("second"), spec: { gatewayClassName: "alb", listeners: [] } }), "no-loadbalancer-services"],
    ["AdministratorAccess via RolePolicyAttachment", at("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "app-api", policyArn: ADMIN }), "iam-managed-policy-allow-list"],
    [
        "AdministratorAccess via managedPolicyArns",
        at("aws:iam/role:Role", "legacy", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), managedPolicyArns: [ADMIN] }),
        "iam-managed-policy-allow-list",
    ],
    ["SQS queue policy with Principal *", at("aws:sqs/queuePolicy:QueuePolicy", "queue", { queueUrl: "https://sqs/x", policy: everyone }), "resource-policy-not-public"],
    ["S3 bucket policy with Principal *", at("aws:s3/bucketPolicy:BucketPolicy", "bucket", { bucket: "b", policy: everyone }), "resource-policy-not-public"],
    ["KMS key policy with Principal *", at("aws:kms/key:Key", "key", { enableKeyRotation: true, policy: everyone }), "resource-policy-not-public"],
    ["SNS topic policy with Principal *", at("aws:sns/topicPolicy:TopicPolicy", "topic", { arn: "arn:aws:sns:x", policy: everyone }), "resource-policy-not-public"],
    ["trust {AWS: *}", at("aws:iam/role:Role", "aws-star", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) }), "iam-role-trust-scoped"],
    ["web identity trust with Principal *", at("aws:iam/role:Role", "web-star", { assumeRolePolicy: doc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" }) }), "iam-role-trust-scoped"],
    [
        "unconditioned Pod Identity trust",
        at("aws:iam/role:Role", "pod-identity", { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }) }),
        "pod-identity-trust-scoped",
    ],
    ["iam:*Role*", at("aws:iam/rolePolicy:RolePolicy", "roles", { role: "r", policy: doc({ Effect: "Allow", Action: "iam:*Role*", Resource: "*" }) }), "iam-no-wildcard-actions"],
    ["iam:Pass*", at("aws:iam/policy:Policy", "pass", { policy: doc({ Effect: "Allow", Action: "iam:Pass*", Resource: "*" }) }), "iam-no-wildcard-actions"],
    [
        "secret:*-*",
        at("aws:iam/rolePolicy:RolePolicy", "secrets", { role: "r", policy: doc({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:*:secret:*-*" }) }),
        "iam-no-data-actions-on-any-resource",
    ],
    ["key/*-*", at("aws:iam/policy:Policy", "keys", { policy: doc({ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:*:*:key/*-*" }) }), "iam-no-data-actions-on-any-resource"],
    [
        "endpoint open to 0.0.0.0/1 + 128.0.0.0/1",
        at("aws:eks/cluster:Cluster", "halves", { vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:x" } }, enabledClusterLogTypes: ["api", "audit", "authenticator"] }),
        "eks-endpoint-not-open",
    ],
    [
        "a public prod endpoint limited to an office",
        at("eks:index:Cluster", "office", { createOidcProvider: true, encryptionConfigKeyArn: "arn:aws:kms:x", enabledClusterLogTypes: ["api", "audit", "authenticator"], skipDefaultNodeGroup: true, endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["198.51.100.0/24"] }),
        "eks-endpoint-private-prod",
    ],
    ["NodeGroup without a launch template", at("aws:eks/nodeGroup:NodeGroup", "bare", { clusterName: "service-prod", nodeRoleArn: "arn:aws:iam::123456789012:role/node" }), "nodegroup-launch-template-imdsv2"],
    [
        "Gateway Selector with an empty selector",
        at("kubernetes:gateway.networking.k8s.io/v1:Gateway", "public-gateway-empty", {
            metadata: { name: "public-gateway", namespace: "gateway-system" },
            spec: { gatewayClassName: "alb", listeners: [{ name: "https", port: 443, protocol: "HTTPS", allowedRoutes: { namespaces: { from: "Selector", selector: {} } } }] },
        }),
        "gateway-route-selector-not-empty",
    ],
];
