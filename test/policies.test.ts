/**
 * Unit tests of every policy of the pack: each with compliant and violating resources, through the same offline
 * evaluator `npm run plan -- --policy` uses (synthetic plans, no program run).
 */
import type { EnforcementLevel, Policies, PolicyPackConfig, ResourceValidationPolicy } from "@pulumi/policy";
import { allPolicies } from "../policies/all";
import { eksControlPlaneLogs, eksEndpointNotOpen, eksEndpointPrivateProd, eksOidcProvider, eksSecretsEncryption } from "../policies/cluster";
import { gatewayAllowedRoutes, gatewayHttpsTlsPolicy, isTls12OrNewer } from "../policies/gateway";
import { isAnyResource } from "../policies/iamDocument";
import { iamNoDataActionsOnAnyResource, iamNoWildcardActions, iamRoleTrustScoped } from "../policies/iam";
import { admittedCapacityTypes, nodeImdsv2, nodePoolConsolidation, nodePoolLimits, nodePoolOnDemandOnly, nodeVolumesEncrypted } from "../policies/karpenter";
import { bluegreenBackendsHaveReplicas, bluegreenColors, kubernetesExplicitProvider } from "../policies/stack";
import { hpaMinReplicas, pdbAllowsDisruption } from "../policies/workloads";
import type { PlannedResource } from "../plan/harness";
import { PolicyConfigError, enforcementLevelOf, evaluatePolicies, loadPolicyConfig, policyConfigProblems, policySettings } from "../plan/policy";
import { STACK_URN, check, messages, planOf, resource, urnOf } from "./policyHarness";

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const IAM_POLICY = "aws:iam/policy:Policy";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const LBC = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

// ---------------------------------------------------------------------------------------------------------------------
// EKS cluster
// ---------------------------------------------------------------------------------------------------------------------

const goodCluster = {
    createOidcProvider: true,
    encryptionConfigKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/1",
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    endpointPublicAccess: false,
};

describe("eks-oidc-provider", () => {
    test("passes a cluster that creates its OIDC provider", async () => {
        expect(await check(eksOidcProvider, [resource(EKS, "c", goodCluster)])).toEqual([]);
    });
    test("flags a cluster without one, on the cluster's URN", async () => {
        const violations = await check(eksOidcProvider, [resource(EKS, "c", { ...goodCluster, createOidcProvider: undefined })]);
        expect(violations).toEqual([
            {
                policy: "eks-oidc-provider",
                level: "mandatory",
                urn: urnOf(EKS, "c"),
                message: "EKS cluster does not create its IAM OIDC provider (createOidcProvider is not true): IRSA roles cannot be assumed.",
            },
        ]);
    });
});

describe("eks-secrets-encryption", () => {
    test("passes encrypted clusters (component and aws.eks.Cluster)", async () => {
        const aws = { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/1" } } };
        expect(await check(eksSecretsEncryption, [resource(EKS, "c", goodCluster), resource(AWS_EKS, "raw", aws)])).toEqual([]);
    });
    test("flags clusters without a KMS key", async () => {
        expect(await messages(eksSecretsEncryption, [resource(EKS, "c", { ...goodCluster, encryptionConfigKeyArn: undefined }), resource(AWS_EKS, "raw", {})])).toEqual([
            "EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfigKeyArn is not set).",
            'EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfig needs resources ["secrets"] and provider.keyArn).',
        ]);
    });
});

describe("eks-control-plane-logs", () => {
    test("passes a cluster with every log type", async () => {
        expect(await check(eksControlPlaneLogs, [resource(EKS, "c", goodCluster)])).toEqual([]);
    });
    test("names the missing log types (default: api, audit, authenticator)", async () => {
        expect(await messages(eksControlPlaneLogs, [resource(EKS, "c", { ...goodCluster, enabledClusterLogTypes: ["api"] }), resource(AWS_EKS, "raw", {})])).toEqual([
            "EKS cluster does not send control-plane logs audit, authenticator to CloudWatch (enabledClusterLogTypes).",
            "EKS cluster does not send control-plane logs api, audit, authenticator to CloudWatch (enabledClusterLogTypes).",
        ]);
    });
    test("requiredLogTypes is configurable", async () => {
        expect(await messages(eksControlPlaneLogs, [resource(EKS, "c", { ...goodCluster, enabledClusterLogTypes: ["api"] })], { requiredLogTypes: ["api", "scheduler"] })).toEqual([
            "EKS cluster does not send control-plane logs scheduler to CloudWatch (enabledClusterLogTypes).",
        ]);
    });
});

describe("eks-endpoint-not-open", () => {
    test("passes a private endpoint and a public one limited to known networks", async () => {
        const resources = [
            resource(EKS, "private", goodCluster),
            resource(EKS, "office", { ...goodCluster, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
            resource(AWS_EKS, "raw", { vpcConfig: { endpointPublicAccess: false } }),
        ];
        expect(await check(eksEndpointNotOpen, resources)).toEqual([]);
    });
    test("flags 0.0.0.0/0, given or by default", async () => {
        const resources = [
            resource(EKS, "open", { ...goodCluster, endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] }),
            resource(EKS, "default", { ...goodCluster, endpointPublicAccess: undefined }),
            resource(AWS_EKS, "raw", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["::/0"] } }),
        ];
        expect(await messages(eksEndpointNotOpen, resources)).toEqual([
            "EKS cluster's public API endpoint is open to 10.0.0.0/8, 0.0.0.0/0 (100% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
            "EKS cluster's public API endpoint (on by default) is open to 0.0.0.0/0 (publicAccessCidrs defaults to 0.0.0.0/0): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
            "EKS cluster's public API endpoint is open to ::/0 (100% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
    });
});

describe("aws.eks.Cluster: encryptionConfig and vpcConfig as the EKS API states them", () => {
    // EKS CreateCluster: encryptionConfig[].resources (only "secrets") with provider.keyArn; resourcesVpcConfig
    // endpointPublicAccess defaults to true, endpointPrivateAccess to false, publicAccessCidrs to 0.0.0.0/0.
    const KEY = "arn:aws:kms:ap-northeast-2:123456789012:key/1";
    const notEncrypted = 'EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfig needs resources ["secrets"] and provider.keyArn).';

    test("secrets encryption needs both a key and the secrets resource", async () => {
        const resources = [
            resource(AWS_EKS, "no-resources", { encryptionConfig: { provider: { keyArn: KEY } } }),
            resource(AWS_EKS, "empty-resources", { encryptionConfig: { resources: [], provider: { keyArn: KEY } } }),
            resource(AWS_EKS, "no-key", { encryptionConfig: { resources: ["secrets"], provider: {} } }),
        ];
        expect(await messages(eksSecretsEncryption, resources)).toEqual([notEncrypted, notEncrypted, notEncrypted]);
    });

    test("a cluster without vpcConfig has EKS's defaults: public endpoint open to 0.0.0.0/0, no private endpoint", async () => {
        expect(await messages(eksEndpointNotOpen, [resource(AWS_EKS, "raw", {})])).toEqual([
            "EKS cluster's public API endpoint (on by default) is open to 0.0.0.0/0 (publicAccessCidrs defaults to 0.0.0.0/0): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
        expect(await messages(eksEndpointPrivateProd, [resource(AWS_EKS, "raw", {})], { environment: "prod" })).toEqual([
            "Production EKS cluster's API endpoint is not private only: endpointPublicAccess is not set (default true); endpointPrivateAccess is not set (default false). Reach it from the VPC (VPN, bastion or SSM).",
        ]);
    });

    test("an empty publicAccessCidrs is taken as unset (default 0.0.0.0/0), not as no network", async () => {
        expect(await messages(eksEndpointNotOpen, [resource(AWS_EKS, "raw", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: [] } })])).toEqual([
            "EKS cluster's public API endpoint is open to 0.0.0.0/0 (publicAccessCidrs defaults to 0.0.0.0/0): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
    });
});

describe("eks-endpoint-not-open: the maxPublicShare threshold and unparsable CIDRs", () => {
    const open = (publicAccessCidrs: string[]) => resource(EKS, "c", { ...goodCluster, endpointPublicAccess: true, publicAccessCidrs });

    test("a share equal to maxPublicShare is open; private networks are never open, even at maxPublicShare 0", async () => {
        expect(await messages(eksEndpointNotOpen, [open(["0.0.0.0/0"])], { maxPublicShare: 1 })).toEqual([
            "EKS cluster's public API endpoint is open to 0.0.0.0/0 (100% of the public address space): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.",
        ]);
        expect(await check(eksEndpointNotOpen, [open(["10.0.0.0/8"])], { maxPublicShare: 0 })).toEqual([]);
    });

    test("every string that is not a CIDR is named", async () => {
        expect(await messages(eksEndpointNotOpen, [open(["10.0.0.0/33", "office"])])).toEqual([
            'EKS cluster\'s public API endpoint is open to "10.0.0.0/33", "office" (not a CIDR): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.',
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------------------------------

const ISSUER = "oidc.eks.ap-northeast-2.amazonaws.com/id/ABC123";
const OIDC_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;

function irsaTrust(condition: Record<string, Record<string, string | string[]>>) {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Federated: OIDC_ARN }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
    });
}

describe("iam-role-trust-scoped: IRSA", () => {
    test("passes one exact subject with the STS audience, and roles for AWS services", async () => {
        const resources = [
            resource(ROLE, "app", {
                assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:app-api:app-api", [`${ISSUER}:aud`]: "sts.amazonaws.com" } }),
            }),
            resource(ROLE, "node", {
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            }),
        ];
        expect(await check(iamRoleTrustScoped, resources)).toEqual([]);
    });
    test("flags wildcard subjects, several subjects, a missing audience and unreadable documents", async () => {
        const resources = [
            resource(ROLE, "wild", { assumeRolePolicy: irsaTrust({ StringLike: { [`${ISSUER}:sub`]: "system:serviceaccount:app-api:*" }, StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } }) }),
            resource(ROLE, "two", {
                assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: ["system:serviceaccount:a:a", "system:serviceaccount:b:b"], [`${ISSUER}:aud`]: "sts.amazonaws.com" } }),
            }),
            resource(ROLE, "noaud", { assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:app-api:app-api" } }) }),
            resource(ROLE, "none", { assumeRolePolicy: irsaTrust({}) }),
            resource(ROLE, "broken", { assumeRolePolicy: "{not json" }),
        ];
        const found = await messages(iamRoleTrustScoped, resources);
        expect(found).toEqual([
            `IAM role trust statement 1 matches the subject with StringLike instead of StringEquals; has no StringEquals condition on ${ISSUER}:sub (one service account).`,
            "IAM role trust statement 1 admits 2 subjects (system:serviceaccount:a:a, system:serviceaccount:b:b) instead of one.",
            `IAM role trust statement 1 has no StringEquals condition ${ISSUER}:aud = sts.amazonaws.com.`,
            `IAM role trust statement 1 has no StringEquals condition on ${ISSUER}:sub (one service account); has no StringEquals condition ${ISSUER}:aud = sts.amazonaws.com.`,
            expect.stringMatching(/^IAM role trust policy is not valid JSON/),
        ]);
    });
    test("a subject with a wildcard in StringEquals is not one exact service account", async () => {
        const role = resource(ROLE, "x", { assumeRolePolicy: irsaTrust({ StringEquals: { [`${ISSUER}:sub`]: "system:serviceaccount:*:*", [`${ISSUER}:aud`]: "sts.amazonaws.com" } }) });
        expect(await messages(iamRoleTrustScoped, [role])).toEqual([
            'IAM role trust statement 1 subject "system:serviceaccount:*:*" is not one exact system:serviceaccount:<namespace>:<name>.',
        ]);
    });
});

function doc(...statements: object[]) {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

describe("iam-no-wildcard-actions", () => {
    test("passes named actions, and Deny statements with wildcards", async () => {
        const resources = [
            resource(ROLE_POLICY, "app", { role: "r", policy: doc({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }) }),
            resource(IAM_POLICY, "deny", { policy: doc({ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }) }),
        ];
        expect(await check(iamNoWildcardActions, resources)).toEqual([]);
    });
    test("flags * and <service>:* actions and Allow with NotAction, in every kind of permission document", async () => {
        const resources = [
            resource(ROLE_POLICY, "svc", { role: "r", policy: doc({ Sid: "All", Effect: "Allow", Action: ["s3:*", "sqs:SendMessage"], Resource: "arn:aws:s3:::b" }) }),
            resource(IAM_POLICY, "admin", { policy: { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } } }),
            resource(IAM_POLICY, "not", { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) }),
            resource(ROLE, "inline", { assumeRolePolicy: "{}", inlinePolicies: [{ name: "extra", policy: doc({ Effect: "Allow", Action: "ec2:*", Resource: "*" }) }] }),
        ];
        expect(await messages(iamNoWildcardActions, resources)).toEqual([
            'IAM role policy statement 1 ("All") allows "s3:*": list the actions it needs.',
            'IAM policy statement 1 allows "*": list the actions it needs.',
            'IAM policy statement 1 allows every action except NotAction "iam:*": list the actions it needs.',
            'IAM role inline policy "extra" statement 1 allows "ec2:*": list the actions it needs.',
        ]);
    });
});

describe("iam-no-data-actions-on-any-resource", () => {
    test("passes data actions on named resources, and controller-style describe and tag-conditioned actions on *", async () => {
        const resources = [
            resource(ROLE_POLICY, "app", {
                role: "r",
                policy: doc(
                    { Sid: "S3Objects0", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::app-api-dev-assets/*" },
                    { Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:db-AbCdEf"] },
                ),
            }),
            resource(ROLE_POLICY, "controller", {
                role: "r",
                policy: doc(
                    { Effect: "Allow", Action: ["ec2:DescribeSubnets", "elasticloadbalancing:DescribeLoadBalancers", "pricing:GetProducts"], Resource: "*" },
                    { Effect: "Allow", Action: ["elasticloadbalancing:CreateLoadBalancer"], Resource: "*", Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } } },
                    { Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:ap-northeast-2::parameter/aws/service/*" },
                    { Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:ReceiveMessage"], Resource: "arn:aws:sqs:ap-northeast-2:123456789012:karpenter-interruption" },
                ),
            }),
        ];
        expect(await check(iamNoDataActionsOnAnyResource, resources)).toEqual([]);
    });
    test("flags data actions on *, on every bucket, on NotResource, and through action wildcards", async () => {
        const resources = [
            resource(ROLE_POLICY, "secrets", { role: "r", policy: doc({ Sid: "ReadSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) }),
            resource(IAM_POLICY, "buckets", { policy: doc({ Effect: "Allow", Action: ["s3:Get*", "s3:ListAllMyBuckets"], Resource: ["arn:aws:s3:::*/*"] }) }),
            resource(IAM_POLICY, "keys", { policy: doc({ Effect: "Allow", Action: ["kms:Decrypt"], NotResource: "arn:aws:kms:*:*:key/secret" }) }),
        ];
        expect(await messages(iamNoDataActionsOnAnyResource, resources)).toEqual([
            'IAM role policy statement 1 ("ReadSecrets") allows data actions secretsmanager:GetSecretValue on every resource ("*"): name the buckets, secrets, keys, queues, tables or parameters.',
            'IAM policy statement 1 allows data actions s3:Get* on every resource ("arn:aws:s3:::*/*"): name the buckets, secrets, keys, queues, tables or parameters.',
            "IAM policy statement 1 allows data actions kms:Decrypt on every resource except NotResource: name the buckets, secrets, keys, queues, tables or parameters.",
        ]);
    });
    test("additionalDataActions extends the list", async () => {
        const r = resource(IAM_POLICY, "es", { policy: doc({ Effect: "Allow", Action: "es:ESHttpGet", Resource: "*" }) });
        expect(await check(iamNoDataActionsOnAnyResource, [r])).toEqual([]);
        expect(await messages(iamNoDataActionsOnAnyResource, [r], { additionalDataActions: ["es:ESHttp*"] })).toEqual([
            'IAM policy statement 1 allows data actions es:ESHttpGet on every resource ("*"): name the buckets, secrets, keys, queues, tables or parameters.',
        ]);
    });
    test("which resource patterns mean every resource", () => {
        expect(["*", "arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:kms:*:*:key/*", "arn:aws:secretsmanager:*:*:secret:*", "arn:aws:dynamodb:*:*:table/*"].every(isAnyResource)).toBe(true);
        expect(
            ["arn:aws:s3:::bucket/*", "arn:aws:ssm:ap-northeast-2::parameter/aws/service/*", "arn:aws:sqs:ap-northeast-2:123456789012:queue", "arn:aws:secretsmanager:*:*:secret:app/*"].some(
                isAnyResource,
            ),
        ).toBe(false);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Karpenter and launch templates
// ---------------------------------------------------------------------------------------------------------------------

const goodTemplate = {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true" } }],
};

describe("node-imdsv2-hop-limit-1", () => {
    test("passes Karpenter's defaults, explicit IMDSv2 with hop limit 1, and a launch template that states both", async () => {
        const resources = [
            resource(NODE_CLASS, "default", { metadata: { name: "default" }, spec: {} }),
            resource(NODE_CLASS, "explicit", { metadata: { name: "explicit" }, spec: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } } }),
            resource(LAUNCH_TEMPLATE, "system", goodTemplate),
        ];
        expect(await check(nodeImdsv2, resources)).toEqual([]);
    });
    test("flags IMDSv1 and hop limit 2, and a launch template that leaves them to the AMI", async () => {
        const resources = [
            resource(NODE_CLASS, "loose", { metadata: { name: "loose" }, spec: { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } } }),
            resource(LAUNCH_TEMPLATE, "system", { blockDeviceMappings: goodTemplate.blockDeviceMappings }),
        ];
        expect(await messages(nodeImdsv2, resources)).toEqual([
            'EC2NodeClass "loose" allows IMDSv1 (metadataOptions.httpTokens is "optional", must be "required"); sets metadataOptions.httpPutResponseHopLimit to 2: pods could reach the node\'s role through IMDS; use 1.',
            "Launch template allows IMDSv1 (metadataOptions.httpTokens is null, must be \"required\"); sets metadataOptions.httpPutResponseHopLimit to null: pods could reach the node's role through IMDS; use 1.",
        ]);
    });
});

describe("node-volumes-encrypted", () => {
    test("passes Karpenter's default root volume and encrypted mappings", async () => {
        const resources = [
            resource(NODE_CLASS, "default", { metadata: { name: "default" }, spec: {} }),
            resource(NODE_CLASS, "gp3", { metadata: { name: "gp3" }, spec: { blockDeviceMappings: [{ deviceName: "/dev/xvda", rootVolume: true, ebs: { encrypted: true } }] } }),
            resource(LAUNCH_TEMPLATE, "system", goodTemplate),
        ];
        expect(await check(nodeVolumesEncrypted, resources)).toEqual([]);
    });
    test("flags unencrypted volumes and a launch template without mappings", async () => {
        const resources = [
            resource(NODE_CLASS, "plain", { metadata: { name: "plain" }, spec: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi" } }] } }),
            resource(LAUNCH_TEMPLATE, "bare", { metadataOptions: goodTemplate.metadataOptions }),
            resource(LAUNCH_TEMPLATE, "off", { ...goodTemplate, blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { encrypted: "false" } }] }),
        ];
        expect(await messages(nodeVolumesEncrypted, resources)).toEqual([
            'EC2NodeClass "plain" block device /dev/xvda is not encrypted (ebs.encrypted must be true).',
            "Launch template declares no block device mappings: the root volume's encryption is left to the AMI and account defaults.",
            'Launch template block device /dev/xvdb is not encrypted (ebs.encrypted must be "true").',
        ]);
    });
});

function nodePool(name: string, spec: Record<string, unknown>) {
    return resource(NODE_POOL, name, { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name }, spec });
}

function capacity(operator: string, values?: string[]) {
    return { template: { spec: { requirements: [{ key: "karpenter.sh/capacity-type", operator, values }] } } };
}

describe("nodepool-on-demand-only", () => {
    test("passes on-demand pools in prod (including pools that leave capacity type to Karpenter's on-demand default)", async () => {
        const resources = [nodePool("od", capacity("In", ["on-demand"])), nodePool("unsaid", { template: { spec: { requirements: [] } } })];
        expect(await check(nodePoolOnDemandOnly, resources, { environment: "prod" })).toEqual([]);
    });
    test("flags spot (and reserved through NotIn) in prod", async () => {
        const resources = [nodePool("mixed", capacity("In", ["spot", "on-demand"])), nodePool("notspot", capacity("NotIn", ["spot"]))];
        expect(await messages(nodePoolOnDemandOnly, resources, { environment: "prod" })).toEqual([
            'NodePool "mixed" admits capacity type spot in prod (karpenter.sh/capacity-type); production capacity is on-demand only.',
            'NodePool "notspot" admits capacity type reserved in prod (karpenter.sh/capacity-type); production capacity is on-demand only.',
        ]);
    });
    test("spot is fine outside prod; prod is the default environment", async () => {
        const spot = nodePool("spot", capacity("In", ["spot"]));
        expect(await check(nodePoolOnDemandOnly, [spot], { environment: "stage" })).toEqual([]);
        expect(await check(nodePoolOnDemandOnly, [spot])).toHaveLength(1);
        expect(await check(nodePoolOnDemandOnly, [nodePool("r", capacity("In", ["reserved", "on-demand"]))], { environment: "prod", allowedCapacityTypes: ["on-demand", "reserved"] })).toEqual([]);
    });
    test("capacity types admitted by requirements", () => {
        expect(admittedCapacityTypes([{ key: "karpenter.sh/capacity-type", operator: "Exists" }])).toEqual(["on-demand", "spot", "reserved"]);
        expect(
            admittedCapacityTypes([
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                { key: "karpenter.sh/capacity-type", operator: "NotIn", values: ["spot"] },
            ]),
        ).toEqual(["on-demand"]);
    });
});

describe("nodepool-limits", () => {
    test("passes a pool with cpu and memory limits", async () => {
        expect(await check(nodePoolLimits, [nodePool("app", { limits: { cpu: "100", memory: "400Gi" } })])).toEqual([]);
    });
    test("flags missing limits", async () => {
        expect(await messages(nodePoolLimits, [nodePool("app", { limits: { cpu: "100" } }), nodePool("none", {})])).toEqual([
            'NodePool "app" has no limit for memory (spec.limits): it can provision without bound.',
            'NodePool "none" has no limit for cpu, memory (spec.limits): it can provision without bound.',
        ]);
    });
});

describe("nodepool-consolidation", () => {
    test("passes the defaults, and a business-hours budget of 0 nodes", async () => {
        const resources = [
            nodePool("default", {}),
            nodePool("seed", {
                disruption: {
                    consolidationPolicy: "WhenEmptyOrUnderutilized",
                    consolidateAfter: "5m",
                    budgets: [{ nodes: "10%" }, { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Underutilized"] }],
                },
            }),
            nodePool("drift", { disruption: { consolidateAfter: "1m", budgets: [{ nodes: "0", reasons: ["Drifted"] }] } }),
        ];
        expect(await check(nodePoolConsolidation, resources)).toEqual([]);
    });
    test("flags Never, WhenEmpty, an always-on budget of 0 and static pools", async () => {
        const resources = [
            nodePool("never", { disruption: { consolidateAfter: "Never" } }),
            nodePool("empty", { disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "30s" } }),
            nodePool("frozen", { disruption: { consolidateAfter: "30s", budgets: [{ nodes: "0%" }] } }),
            nodePool("static", { replicas: 3 }),
        ];
        expect(await messages(nodePoolConsolidation, resources)).toEqual([
            'NodePool "never" does not consolidate: consolidateAfter is Never.',
            'NodePool "empty" does not consolidate: consolidationPolicy WhenEmpty is not one of WhenEmptyOrUnderutilized, Balanced.',
            'NodePool "frozen" does not consolidate: an always-active budget of 0 nodes blocks every consolidation.',
            'NodePool "static" is static (spec.replicas): Karpenter never consolidates it.',
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Gateway
// ---------------------------------------------------------------------------------------------------------------------

function lbc(name: string, listenerConfigurations: object[]) {
    return resource(LBC, name, { metadata: { name, namespace: "gateway-system" }, spec: { scheme: "internet-facing", listenerConfigurations } });
}

function gateway(name: string, spec: Record<string, unknown>) {
    return resource(GATEWAY, name, { metadata: { name, namespace: "gateway-system" }, spec: { gatewayClassName: "alb", ...spec } });
}

const httpsListener = {
    name: "https",
    port: 443,
    protocol: "HTTPS",
    allowedRoutes: { namespaces: { from: "Selector", selector: { matchLabels: { "platform/gateway-routes": "enabled" } } } },
};
const parametersRef = { infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "alb" } } };

describe("gateway-https-tls-policy", () => {
    test("passes an HTTPS listener whose LoadBalancerConfiguration names a TLS 1.3 policy", async () => {
        const resources = [
            lbc("alb", [{ protocolPort: "HTTPS:443", defaultCertificate: "arn:aws:acm:x", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }]),
            gateway("public", { ...parametersRef, listeners: [httpsListener, { name: "http", port: 80, protocol: "HTTP" }] }),
        ];
        expect(await check(gatewayHttpsTlsPolicy, resources)).toEqual([]);
    });
    test("flags the controller default, old policies, and HTTPS listeners without a listener configuration", async () => {
        const resources = [
            lbc("alb", [{ protocolPort: "HTTPS:443", defaultCertificate: "arn:aws:acm:x" }]),
            lbc("old", [{ protocolPort: "HTTPS:443", sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }]),
            gateway("bare", { listeners: [httpsListener] }),
            gateway("other-port", { ...parametersRef, listeners: [{ ...httpsListener, port: 8443 }] }),
        ];
        const violations = await check(gatewayHttpsTlsPolicy, resources);
        expect(violations.map((v) => [v.urn, v.message])).toEqual([
            [
                urnOf(LBC, "alb"),
                "LoadBalancerConfiguration gateway-system/alb listener HTTPS:443 uses no sslPolicy, so the controller's default ELBSecurityPolicy-2016-08, which accepts TLS older than 1.2: use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.",
            ],
            [
                urnOf(LBC, "old"),
                "LoadBalancerConfiguration gateway-system/old listener HTTPS:443 uses ELBSecurityPolicy-TLS13-1-0-2021-06, which accepts TLS older than 1.2: use e.g. ELBSecurityPolicy-TLS13-1-2-2021-06.",
            ],
            [urnOf(GATEWAY, "bare"), 'Gateway gateway-system/bare HTTPS listener "https" names no LoadBalancerConfiguration: the controller\'s default ELBSecurityPolicy-2016-08 accepts TLS 1.0.'],
            [
                urnOf(GATEWAY, "other-port"),
                'Gateway gateway-system/other-port HTTPS listener "https" has no HTTPS:8443 entry in LoadBalancerConfiguration alb: the controller\'s default ELBSecurityPolicy-2016-08 accepts TLS 1.0.',
            ],
        ]);
    });
    test("TLS 1.2+ policy names", () => {
        const good = ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"];
        const bad = ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-FS-2018-06"];
        expect(good.every(isTls12OrNewer)).toBe(true);
        expect(bad.some(isTls12OrNewer)).toBe(false);
    });
});

describe("gateway-allowed-routes-restricted", () => {
    const open = gateway("public", { listeners: [{ ...httpsListener, allowedRoutes: { namespaces: { from: "All" } } }] });
    test("passes Selector in prod, and All outside prod", async () => {
        expect(await check(gatewayAllowedRoutes, [gateway("public", { listeners: [httpsListener] })], { environment: "prod" })).toEqual([]);
        expect(await check(gatewayAllowedRoutes, [open], { environment: "dev" })).toEqual([]);
    });
    test("flags All in prod", async () => {
        expect(await messages(gatewayAllowedRoutes, [open], { environment: "prod" })).toEqual([
            'Gateway gateway-system/public listener "https" admits routes from every namespace (allowedRoutes.namespaces.from: All) in prod: use Selector or Same.',
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------------------------------

const restrictedContainer = {
    name: "app",
    image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
    readinessProbe: { httpGet: { path: "/actuator/health/readiness", port: 8080 } },
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
};

function deployment(name: string, opts: { containers?: object[]; labels?: Record<string, string>; replicas?: number; pod?: object; namespace?: string } = {}) {
    const labels = opts.labels ?? { app: name };
    return resource(DEPLOYMENT, name, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: opts.namespace ?? "apps", labels },
        spec: {
            ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, ...opts.pod, containers: opts.containers ?? [restrictedContainer] },
            },
        },
    });
}

function pdb(name: string, spec: Record<string, unknown>) {
    return resource(PDB, name, { metadata: { name, namespace: "apps" }, spec: { selector: { matchLabels: { app: name } }, ...spec } });
}

function hpa(name: string, minReplicas?: number) {
    return resource(HPA, name, {
        metadata: { name, namespace: "apps" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, ...(minReplicas !== undefined ? { minReplicas } : {}), maxReplicas: 10 },
    });
}

describe("pdb-allows-disruption", () => {
    test("passes budgets that allow one disruption at the workload's minimum size", async () => {
        const resources = [
            deployment("one", { replicas: 1 }),
            pdb("one", { maxUnavailable: 1 }),
            deployment("scaled"),
            hpa("scaled", 2),
            pdb("scaled", { minAvailable: 1 }),
            deployment("pct", { replicas: 3 }),
            pdb("pct", { maxUnavailable: "10%" }),
            deployment("idle", { replicas: 0 }),
            pdb("idle", { minAvailable: 1 }),
        ];
        expect(await check(pdbAllowsDisruption, resources)).toEqual([]);
    });
    test("flags budgets that allow no disruption", async () => {
        const resources = [
            deployment("pinned", { replicas: 2 }),
            pdb("pinned", { minAvailable: 2 }),
            deployment("hpa"),
            hpa("hpa", 2),
            pdb("hpa", { minAvailable: "100%" }),
            pdb("orphan", { maxUnavailable: 0 }),
        ];
        expect((await check(pdbAllowsDisruption, resources)).map((v) => [v.urn, v.message])).toEqual([
            [urnOf(PDB, "pinned"), "PodDisruptionBudget apps/pinned (minAvailable 2) allows 0 disruptions of apps/pinned at 2 replica(s): drains and consolidation would block."],
            [urnOf(PDB, "hpa"), "PodDisruptionBudget apps/hpa (minAvailable 100%) allows 0 disruptions of apps/hpa at 2 replica(s): drains and consolidation would block."],
            [urnOf(PDB, "orphan"), "PodDisruptionBudget apps/orphan (maxUnavailable 0) never allows a disruption."],
        ]);
    });
});

describe("hpa-min-replicas", () => {
    test("passes minReplicas 2 in prod, and 1 outside prod", async () => {
        expect(await check(hpaMinReplicas, [hpa("api", 2)], { environment: "prod" })).toEqual([]);
        expect(await check(hpaMinReplicas, [hpa("api", 1)], { environment: "dev" })).toEqual([]);
    });
    test("flags minReplicas below 2 in prod, given or by default", async () => {
        expect(await messages(hpaMinReplicas, [hpa("api", 1), hpa("default")], { environment: "prod" })).toEqual([
            "HorizontalPodAutoscaler apps/api has minReplicas 1 in prod: use at least 2.",
            "HorizontalPodAutoscaler apps/default has minReplicas 1 in prod (the default): use at least 2.",
        ]);
        expect(await messages(hpaMinReplicas, [hpa("api", 2)], { environment: "prod", minReplicas: 3 })).toEqual([
            "HorizontalPodAutoscaler apps/api has minReplicas 2 in prod: use at least 3.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// Stack policies
// ---------------------------------------------------------------------------------------------------------------------

describe("kubernetes-explicit-provider", () => {
    const ns = { metadata: { name: "apps" } };
    test("passes resources through the cluster's provider, and components that name none", async () => {
        const resources = [resource("kubernetes:core/v1:Namespace", "apps", ns), resource("kubernetes:yaml/v2:ConfigFile", "crds", {}, { provider: "", custom: false })];
        expect(await check(kubernetesExplicitProvider, resources)).toEqual([]);
    });
    test("flags no provider, the default provider, and a provider without a kubeconfig", async () => {
        const bare = urnOf("pulumi:providers:kubernetes", "ambient");
        const resources = [
            resource("pulumi:providers:kubernetes", "ambient", {}),
            resource("kubernetes:core/v1:Namespace", "none", ns, { provider: "" }),
            resource("kubernetes:core/v1:Namespace", "default", ns, { provider: `${urnOf("pulumi:providers:kubernetes", "default_4_34_2")}::id` }),
            resource("kubernetes:core/v1:Namespace", "ambient", ns, { provider: `${bare}::id` }),
        ];
        expect((await check(kubernetesExplicitProvider, resources)).map((v) => [v.urn, v.message])).toEqual([
            [urnOf("kubernetes:core/v1:Namespace", "none"), "kubernetes:core/v1:Namespace none names no provider: it would use the default Kubernetes provider and the ambient kubeconfig."],
            [
                urnOf("kubernetes:core/v1:Namespace", "default"),
                "kubernetes:core/v1:Namespace default uses the default Kubernetes provider (default_4_34_2): pass the cluster's provider explicitly.",
            ],
            [
                urnOf("kubernetes:core/v1:Namespace", "ambient"),
                "kubernetes:core/v1:Namespace ambient uses provider ambient, which sets no kubeconfig: it would target whatever cluster ~/.kube/config names.",
            ],
        ]);
    });
});

/** A blue/green application as the BlueGreenService component renders it. */
function blueGreen(
    app: string,
    opts: {
        mode?: "route" | "selector";
        weights?: [number, number];
        replicas?: Partial<Record<"blue" | "green", number>>;
        colors?: ("blue" | "green")[];
        active?: "blue" | "green";
        preview?: boolean;
    } = {},
): PlannedResource[] {
    const { mode = "route", weights = [100, 0], colors = ["blue", "green"], active = "blue", preview = true } = opts;
    const namespace = app;
    const out: PlannedResource[] = [];
    const meta = (name: string, labels: Record<string, string>) => ({ name, namespace, labels });
    for (const color of colors) {
        out.push(deployment(`${app}-${color}`, { namespace, labels: { app, color }, replicas: opts.replicas?.[color] }));
    }
    for (const color of ["blue", "green"] as const) {
        out.push(resource(SERVICE, `${app}-${color}`, { metadata: meta(`${app}-${color}`, { app, color }), spec: { type: "ClusterIP", selector: { app, color } } }));
    }
    const ref = (name: string, weight?: number) => ({ group: "", kind: "Service", name, port: 80, ...(weight !== undefined ? { weight } : {}) });
    if (mode === "selector") {
        out.push(resource(SERVICE, `${app}-stable`, { metadata: meta(app, { app }), spec: { type: "ClusterIP", selector: { app, color: active } } }));
    }
    const backendRefs = mode === "route" ? [ref(`${app}-blue`, weights[0]), ref(`${app}-green`, weights[1])] : [ref(app)];
    out.push(resource(HTTPROUTE, `${app}-route`, { metadata: meta(app, { app }), spec: { hostnames: [`${app}.example.com`], rules: [{ backendRefs }] } }));
    if (preview) {
        const inactive = active === "blue" ? "green" : "blue";
        out.push(
            resource(HTTPROUTE, `${app}-preview`, {
                metadata: meta(`${app}-preview`, { app, role: "preview" }),
                spec: { hostnames: [`preview-${app}.example.com`], rules: [{ backendRefs: [ref(`${app}-${inactive}`)] }] },
            }),
        );
    }
    return out;
}

describe("bluegreen-backends-have-replicas", () => {
    test("passes both modes with both colors running, a weight-0 backend whose color is scaled to 0, and routes to other workloads", async () => {
        const resources = [
            ...blueGreen("api"),
            ...blueGreen("web", { mode: "selector", active: "green" }),
            ...blueGreen("cold", { replicas: { green: 0 }, preview: false }),
            // A route to a Service a Helm chart owns, and to a plain Service of a StatefulSet.
            resource(HTTPROUTE, "grafana", { metadata: { name: "grafana", namespace: "monitoring" }, spec: { rules: [{ backendRefs: [{ name: "grafana", port: 80 }] }] } }),
            resource(SERVICE, "db", { metadata: { name: "db", namespace: "data" }, spec: { selector: { app: "db" } } }),
            resource(HTTPROUTE, "db", { metadata: { name: "db", namespace: "data" }, spec: { rules: [{ backendRefs: [{ name: "db", port: 5432 }] }] } }),
        ];
        expect(await check(bluegreenBackendsHaveReplicas, resources)).toEqual([]);
    });
    test("flags traffic to a color with 0 replicas or no Deployment, and routes to missing Services", async () => {
        const resources = [
            ...blueGreen("api", { replicas: { green: 0 } }),
            ...blueGreen("web", { mode: "selector", active: "green", colors: ["blue"], preview: false }),
            resource(HTTPROUTE, "ghost", { metadata: { name: "ghost", namespace: "api", labels: { app: "api" } }, spec: { rules: [{ backendRefs: [{ name: "nowhere", port: 80 }] }] } }),
        ];
        expect((await check(bluegreenBackendsHaveReplicas, resources)).map((v) => [v.urn, v.message])).toEqual([
            [urnOf(HTTPROUTE, "api-preview"), "HTTPRoute api/api-preview sends traffic (weight 1) to Service api/api-green, whose color green has 0 replicas (Deployment api/api-green)."],
            [urnOf(HTTPROUTE, "web-route"), "HTTPRoute web/web sends traffic (weight 1) to Service web/web, whose color green has no Deployment in the stack."],
            [urnOf(HTTPROUTE, "ghost"), "HTTPRoute api/ghost sends traffic to Service api/nowhere, which is not in the stack."],
            [urnOf(SERVICE, "web-stable"), "Service web/web (selector mode) selects color green, which has no Deployment in the stack."],
        ]);
    });
});

describe("bluegreen-colors", () => {
    test("passes route mode (also with a canary) and selector mode, each with both colors", async () => {
        const resources = [...blueGreen("api"), ...blueGreen("canary", { weights: [90, 10] }), ...blueGreen("web", { mode: "selector", active: "green" })];
        expect(await check(bluegreenColors, resources)).toEqual([]);
    });
    test("flags a missing color, a tie, no traffic at all and no production route", async () => {
        const resources = [
            ...blueGreen("solo", { colors: ["blue"] }),
            ...blueGreen("tie", { weights: [50, 50] }),
            ...blueGreen("dark", { weights: [0, 0] }),
            ...blueGreen("orphan").filter((r) => r.name !== "orphan-route"),
        ];
        expect(await messages(bluegreenColors, resources)).toEqual([
            "Blue/green application solo/solo has no green Deployment: both colors must exist so that a switch or rollback has somewhere to go.",
            "Blue/green application tie/tie has no single active color: its production routes weight blue 50, green 50.",
            "Blue/green application dark/dark: its production routes send no traffic to either color (weights blue 0, green 0).",
            "Blue/green application orphan/orphan has no production HTTPRoute: no color is active.",
        ]);
    });
});

// ---------------------------------------------------------------------------------------------------------------------
// The evaluator and the config files
// ---------------------------------------------------------------------------------------------------------------------

describe("offline evaluation", () => {
    const open = resource(EKS, "c", { ...goodCluster, createOidcProvider: false });

    test("enforcement level: the policy's entry, else all, else the policy's own, else the pack's (mandatory)", () => {
        const own: ResourceValidationPolicy = { ...eksOidcProvider, enforcementLevel: "advisory" };
        expect(enforcementLevelOf(eksOidcProvider, {})).toBe("mandatory");
        expect(enforcementLevelOf(own, {})).toBe("advisory");
        expect(enforcementLevelOf(own, { all: "mandatory" })).toBe("mandatory");
        expect(enforcementLevelOf(own, { all: "mandatory", "eks-oidc-provider": "disabled" })).toBe("disabled");
        expect(enforcementLevelOf(own, { all: "advisory", "eks-oidc-provider": { enforcementLevel: "mandatory" } })).toBe("mandatory");
    });

    test("violations carry the level; disabled policies neither run nor count", async () => {
        const policies: Policies = [eksOidcProvider, eksSecretsEncryption];
        const advisory = await evaluatePolicies(planOf([open]), { policies, config: { all: "advisory" } });
        expect(advisory).toEqual({ policyCount: 2, violations: [expect.objectContaining({ policy: "eks-oidc-provider", level: "advisory" })] });
        const disabled = await evaluatePolicies(planOf([open]), { policies, config: { "eks-oidc-provider": "disabled" } });
        expect(disabled).toEqual({ policyCount: 1, violations: [] });
    });

    test("getConfig: schema defaults overlaid with the config entry", () => {
        expect(policySettings(hpaMinReplicas.configSchema, { enforcementLevel: "advisory", environment: "dev" })).toEqual({ environment: "dev", minReplicas: 2 });
        expect(policySettings(hpaMinReplicas.configSchema, undefined)).toEqual({ environment: "prod", minReplicas: 2 });
    });

    test("args: props with secrets unwrapped, options, provider, isType/asType, notApplicable", async () => {
        const seen: unknown[] = [];
        const probe: ResourceValidationPolicy = {
            name: "probe",
            description: "records its arguments",
            validateResource: (args) => {
                if (args.type !== "kubernetes:core/v1:Secret") args.notApplicable("only secrets");
                seen.push({
                    props: args.props,
                    provider: args.provider?.name,
                    providerKubeconfig: args.provider?.props.kubeconfig,
                    protect: args.opts.protect,
                    parent: args.opts.parent,
                    isType: args.isType(class {
                        static __pulumiType = "kubernetes:core/v1:Secret";
                    } as never),
                    asType: args.asType(class {
                        static __pulumiType = "kubernetes:core/v1:ConfigMap";
                    } as never),
                });
            },
        };
        const secret = resource("kubernetes:core/v1:Secret", "s", {
            stringData: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { password: "hunter2" } },
        });
        const report = await evaluatePolicies(planOf([secret, open]), { policies: [probe], config: {} });
        expect(report.violations).toEqual([]);
        expect(seen).toEqual([
            { props: { stringData: { password: "hunter2" } }, provider: "cluster-k8s", providerKubeconfig: "{}", protect: false, parent: STACK_URN, isType: true, asType: undefined },
        ]);
    });

    test("a policy that throws fails the evaluation, naming policy and resource", async () => {
        const broken: ResourceValidationPolicy = {
            name: "broken",
            description: "throws",
            validateResource: (args) => {
                if (args.type === EKS) throw new Error("boom");
            },
        };
        await expect(evaluatePolicies(planOf([open]), { policies: [broken], config: {} })).rejects.toThrow(`policy broken failed on ${urnOf(EKS, "c")}: boom`);
    });

    test("invalid config is refused as a ConfigError listing every problem", async () => {
        const config = {
            all: "sometimes",
            "no-such-policy": "mandatory",
            "hpa-min-replicas": { environment: "qa", minReplicas: 0, color: "blue" },
        } as unknown as PolicyPackConfig;
        expect(policyConfigProblems(allPolicies, config)).toEqual([
            'all: enforcement level must be one of advisory, mandatory, remediate, disabled, got "sometimes"',
            "unknown policy 'no-such-policy'",
            'hpa-min-replicas.environment must be one of "dev", "stage", "prod", got "qa"',
            "hpa-min-replicas.minReplicas must be ≥ 1, got 0",
            "hpa-min-replicas.color: unknown setting (known: environment, minReplicas)",
        ]);
        const err = await evaluatePolicies(planOf([]), { config }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PolicyConfigError);
        expect((err as Error).name).toBe("ConfigError");
    });
});

describe("policies/config/<stack>.json", () => {
    const levels = (config: PolicyPackConfig): Set<EnforcementLevel> => new Set(allPolicies.map((p) => enforcementLevelOf(p, config)));

    test.each(["dev", "stage", "prod"])("%s.json is valid for the pack", (stack) => {
        expect(policyConfigProblems(allPolicies, loadPolicyConfig(stack))).toEqual([]);
    });
    test("advisory in dev, mandatory in stage and prod", () => {
        expect(levels(loadPolicyConfig("dev"))).toEqual(new Set(["advisory"]));
        expect(levels(loadPolicyConfig("stage"))).toEqual(new Set(["mandatory"]));
        expect(levels(loadPolicyConfig("prod"))).toEqual(new Set(["mandatory"]));
    });

    test("production-only rules know their environment", () => {
        for (const stack of ["dev", "stage", "prod"]) {
            const config = loadPolicyConfig(stack);
            for (const p of allPolicies.filter((policy) => policy.configSchema?.properties.environment)) {
                expect(policySettings(p.configSchema, config[p.name]).environment).toBe(stack);
            }
        }
    });
    test("a stack without a file gets every policy at its default level", () => {
        expect(loadPolicyConfig("no-such-stack")).toEqual({});
    });
    test("policy names are unique and CrossGuard-valid", () => {
        const names = allPolicies.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9-_.]{1,100}$/);
    });
});
