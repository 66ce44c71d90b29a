/**
 * Every value format of the stack config, key by key: values a user may write and values refused, with the exact
 * message. Where a format mirrors an upstream schema, the test names it; boundary values (first and last character,
 * length limits, each optional part present and absent) are there so that a loosened or tightened pattern fails.
 */
import { problemsOf, withField } from "./configInput";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Format {
    /** The config key (top level) and the field inside it where the value goes ([] for a plain-string key). */
    readonly key: string;
    readonly path: readonly (string | number)[];
    /** The key path the message names. */
    readonly label: string;
    /** What the message says is allowed. */
    readonly expected: string;
    readonly accepted: readonly Json[];
    readonly refused: readonly Json[];
    /** Stack whose file the value goes into (default dev). */
    readonly stack?: string;
    /** More overrides, for rules that need a context (another field set). */
    readonly extra?: readonly string[];
}

const HEX64 = "0123456789abcdef".repeat(4);

function assignment(f: Format, value: Json): string {
    return f.path.length === 0 ? `${f.key}=${typeof value === "string" ? value : JSON.stringify(value)}` : withField(f.stack ?? "dev", f.key, f.path, value);
}

function problem(f: Format, value: Json): string {
    return `'${f.label}' is ${JSON.stringify(value)}, expected ${f.expected}`;
}

const FORMATS: Record<string, Format> = {
    // RFC 1123 label, as Kubernetes names namespaces and Services.
    "DNS label (service name)": {
        key: "services",
        path: [0, "name"],
        label: "services[0].name",
        expected: "a DNS label: lowercase letters, digits and '-', at most 63 characters",
        accepted: ["a", "ab", "a-b", "abcd", "0a9", "x".repeat(63)],
        refused: ["-a", "a-", "A", "a_b", "a.b", "", "x".repeat(64)],
    },
    "DNS name or wildcard (gateway hostname)": {
        key: "gateway",
        path: ["hostname"],
        label: "gateway.hostname",
        expected: "a DNS name such as api.example.com, or a wildcard such as *.example.com",
        accepted: ["*.dev.example.com", "example.com", "a.io", "ab.io", "abcd.io", "x-y.example.com", "api.dev.example.com"],
        refused: ["*example.com", "-a.example.com", "a-.example.com", "example.com.", "example.com-", "Example.com", "example.c", "example.c0m", "a..com", "*.*.example.com", "example"],
        extra: ["services=[]"],
    },
    "DNS name without wildcard (preview hostname)": {
        key: "services",
        path: [0, "previewHostname"],
        label: "services[0].previewHostname",
        expected: "a DNS name such as api.example.com (no wildcard)",
        accepted: ["p.dev.example.com", "ab.dev.example.com", "abcd.dev.example.com", "x-y.dev.example.com"],
        refused: ["*.dev.example.com", "-p.dev.example.com", "p-.dev.example.com", "P.dev.example.com", "p.dev.example.com.", "p.dev.example.c0m", "p..dev.example.com", "dev"],
    },
    "IPv4 network (endpoint CIDR)": {
        key: "clusterEndpoint",
        path: ["publicAccessCidrs", 0],
        label: "clusterEndpoint.publicAccessCidrs[0]",
        expected: "an IPv4 network in CIDR notation such as 10.0.0.0/16",
        accepted: ["203.0.113.0/24", "0.0.0.0/0", "192.168.100.0/24", "255.255.255.255/32", "203.0.113.7/32", "10.128.0.0/9", "100.64.0.0/10"],
        refused: ["256.0.0.0/8", "10.0.0.0/33", "10.0.0.1/16", "10.0.0.0/0", "10.0.0/16", "10.0.0.0", "x10.0.0.0/16", "10.0.0.0/16x", "1000.0.0.0/8", "10.0.0.0/100", "a.b.c.d/16"],
    },
    "AWS region": {
        key: "region",
        path: [],
        label: "region",
        expected: "an AWS region such as ap-northeast-2",
        accepted: ["ap-northeast-2", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-west-3"],
        refused: ["moon-1", "xap-northeast-2", "ap-northeast-2x", "a-northeast-2", "ap-northeast", "AP-northeast-2", "ap-northeast-12", "ap-north3ast-2", "us-gov1-west-1"],
    },
    "EC2 instance type (system node group)": {
        key: "systemNodeGroup",
        path: ["instanceType"],
        label: "systemNodeGroup.instanceType",
        expected: "an EC2 instance type such as t3.medium",
        accepted: ["t3.medium", "m7i.large", "m7i-flex.large", "c6gn.16xlarge", "u-6tb1.metal"],
        refused: ["huge", "3t.medium", "t3.", ".medium", "T3.medium", "t3.medium.", "t3..medium", "t3.Large", "t3.large_x", "t_3.large"],
    },
    "IAM role or user ARN (deployer)": {
        key: "deployers",
        path: [0, "principalArn"],
        label: "deployers[0].principalArn",
        expected: "an IAM role or user ARN",
        accepted: [
            "arn:aws:iam::123456789012:role/platform-admin",
            "arn:aws-cn:iam::123456789012:user/alice",
            "arn:aws-us-gov:iam::123456789012:role/path/to/Ops+Admin=,.@_-1",
        ],
        refused: [
            "root",
            "arn:aws:iam::12345678901:role/x",
            "arn:aws:iam::1234567890123:role/x",
            "arn:aws:iam::123456789012:group/x",
            "arn:aws:iam::123456789012:role/",
            "xarn:aws:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:role/x y",
            "arn:aws:sts::123456789012:role/x",
            "arn:aws:iam::123456789012:role/x!",
            "arn:aws1:iam::123456789012:role/x",
            "arn:aws:iam::12345678901a:role/x",
        ],
    },
    "ACM certificate ARN": {
        key: "gateway",
        path: ["certificateArns", 0],
        label: "gateway.certificateArns[0]",
        expected: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
        accepted: ["arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111", "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abcdef01-2345-4678-9abc-def012345678"],
        refused: [
            "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-11111111111",
            "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-1111111111111",
            "arn:aws:acm:ap-northeast-2:123456789012:certificate/ABCDEF01-2345-4678-9ABC-DEF012345678",
            "arn:aws:acm:ap-northeast-2:12345678901:certificate/11111111-1111-4111-8111-111111111111",
            "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111x",
            "xarn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111",
            "arn:aws:acm::123456789012:certificate/11111111-1111-4111-8111-111111111111",
            "arn:aws:acm:AP-1:123456789012:certificate/11111111-1111-4111-8111-111111111111",
            "arn:aws1:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111",
            "arn:aws:iam::123456789012:server-certificate/x",
        ],
    },
    // The NodePool CRD's resource quantity, without the signed and exponent forms.
    "Kubernetes quantity (pool CPU limit)": {
        key: "nodePools",
        path: [0, "limits", "cpu"],
        label: "nodePools[0].limits.cpu",
        expected: "a Kubernetes quantity such as 500m, 2, 4Gi",
        accepted: ["32", "500m", "1.5", "1.25", "64Gi", "2Ki", "1E", "10k"],
        refused: ["4GB", "-1", "1.", ".5", "Gi", "1 Gi", "1.5.5", "x1", "1ki", "1Gix"],
    },
    // The NodePool CRD's expireAfter / consolidateAfter pattern: ^(([0-9]+(s|m|h))+|Never)$
    "Go duration or Never (expireAfter)": {
        key: "nodePools",
        path: [0, "expireAfter"],
        label: "nodePools[0].expireAfter",
        expected: "a duration such as 30s, 15m or 720h, or Never",
        accepted: ["168h", "30s", "15m", "1h30m", "10m30s", "Never"],
        refused: ["1d", "never", "30", "1h30", "h", "Never1", "x30s", "30s "],
    },
    "image tag or digest": {
        key: "services",
        path: [0, "image", "green"],
        label: "services[0].image.green",
        expected: "an image tag such as 1.4.2 or a digest sha256:<64 hex>",
        accepted: ["1.4.2", "v1_2-3", "_x", "A", `sha256:${HEX64}`, "t".repeat(128)],
        refused: [".1", "-1", "1.0 0", "t".repeat(129), `sha256:${HEX64.slice(1)}`, `sha256:${HEX64.toUpperCase()}`, `sha256:${HEX64}0`, "1.0/x"],
    },
    // The NodePool CRD's budget duration pattern: ^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$
    "budget duration": {
        key: "nodePools",
        path: [0, "disruption", "budgets", 0, "duration"],
        label: "nodePools[0].disruption.budgets[0].duration",
        expected: "a duration in hours and minutes such as 8h, 30m or 1h30m",
        accepted: ["8h", "30m", "90m", "1h30m", "10h30m", "1h45m", "8h0s"],
        refused: ["30s", "1d", "h", "8h30", "1h30m0", "8hx", "x8h", "8H", "0s"],
        extra: [],
    },
    // The NodePool CRD's budget nodes pattern: ^((100|[0-9]{1,2})%|[0-9]+)$
    "budget node count or percentage": {
        key: "nodePools",
        path: [0, "disruption", "budgets", 0, "nodes"],
        label: "nodePools[0].disruption.budgets[0].nodes",
        expected: "a node count or percentage such as 10% or 2",
        accepted: ["10%", "100%", "0%", "5%", "0", "5", "120"],
        refused: ["101%", "1000%", "10 %", "%", "-1", "1.5", "x10%", "10%x"],
    },
    // The NodePool CRD's budget schedule pattern (its alternation binds ^ to the macro and $ to the cron form).
    "budget schedule": {
        key: "nodePools",
        path: [0, "disruption", "budgets", 0, "schedule"],
        label: "nodePools[0].disruption.budgets[0].schedule",
        expected: "a cron schedule such as '0 9 * * mon-fri'",
        accepted: ["@daily", "@hourly", "@annually", "@yearly", "@monthly", "@weekly", "@midnight", "0 9 * * mon-fri", "*/5 * * * *", "30 10 15 12 mon-fri"],
        refused: ["@never", "0 9 * *", "x@daily", "daily", "@"],
    },
    // The NodePool CRD's label value pattern, at most 63 characters.
    "label value (pool label)": {
        key: "nodePools",
        path: [0, "labels", "team"],
        label: "nodePools[0].labels.team",
        expected: "a label value: letters, digits, '-', '_' or '.', at most 63 characters",
        accepted: ["", "a", "ab", "a.b-c_D9", "v".repeat(63)],
        refused: ["-a", "a-", "a b", "a/b"],
    },
    // The NodePool CRD's taint key pattern.
    "label key (taint key)": {
        key: "nodePools",
        path: [0, "taints"],
        label: "nodePools[0].taints[0].key",
        expected: "a label key such as team or example.com/team",
        accepted: [],
        refused: [],
    },
    "instance family": {
        key: "nodePools",
        path: [0, "requirements", "instanceFamilies", 0],
        label: "nodePools[0].requirements.instanceFamilies[0]",
        expected: "an instance family such as m7i",
        accepted: ["m7i", "m7i-flex", "c", "u-6tb1"],
        refused: ["7m", "M7i", "m7i.large", "-m", "m_7"],
    },
    "instance category": {
        key: "nodePools",
        path: [0, "requirements", "instanceCategories", 0],
        label: "nodePools[0].requirements.instanceCategories[0]",
        expected: "an instance category letter such as c, m or r",
        accepted: ["c", "z"],
        refused: ["cm", "C", "", "1"],
    },
    "instance size": {
        key: "nodePools",
        path: [0, "requirements", "instanceSizes", 0],
        label: "nodePools[0].requirements.instanceSizes[0]",
        expected: "an instance size such as large",
        accepted: ["large", "16xlarge", "2"],
        refused: ["x-large", "Large", "", "large!"],
    },
    "availability zone": {
        key: "nodePools",
        path: [0, "requirements", "zones", 0],
        label: "nodePools[0].requirements.zones[0]",
        expected: "an availability zone such as ap-northeast-2a",
        accepted: ["ap-northeast-2a", "us-east-1f", "eu-central-1b"],
        refused: ["ap-northeast-2", "ap-northeast-2ab", "apne2-az1", "xap-northeast-2a", "a-northeast-2a", "ap-north3ast-2a", "AP-northeast-2a", "ap-northeast-22a"],
    },
    "S3 bucket name or ARN": {
        key: "services",
        path: [0, "aws", "s3Buckets", 0, "bucket"],
        label: "services[0].aws.s3Buckets[0].bucket",
        expected: "an S3 bucket name or ARN (arn:aws:s3:::<bucket>)",
        accepted: ["arn:aws:s3:::app-api-dev-assets", "app-data", "abc", "a.b-c1", "arn:aws-cn:s3:::abc", "b".repeat(63)],
        refused: ["ab", "-abc", "abc-", "ABC", "arn:aws:s3::abc", "arn:aws:s3:::", "b".repeat(64), "xarn:aws:s3:::abc", "arn:aws1:s3:::abc", "a_b"],
    },
    "Secrets Manager secret name or ARN": {
        key: "services",
        path: [0, "aws", "secrets", 0, "secret"],
        label: "services[0].aws.secrets[0].secret",
        expected: "a Secrets Manager secret name (app/db) or ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)",
        accepted: ["app/db", "a", "a+b=c.d@e-f_g", "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app/db-AbCdEf", "s".repeat(512)],
        refused: ["arn:aws:s3:::not-a-secret", "app db", "s".repeat(513), "", "arn:aws:secretsmanager:ap-northeast-2:12345678901:secret:x", "app/db!"],
    },
    "image repository": {
        key: "services",
        path: [0, "image", "repository"],
        label: "services[0].image.repository",
        expected: "an image repository without tag",
        accepted: ["123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api", "registry.local:5000/team/app", "r.example.com/a", "r/a_b.c-d"],
        refused: ["app-api", "r.example.com/app:1.0", "R.example.com/app", "r.example.com/", "registry.local:x/app", "r.example.com/App", "/app", "r.example.com/app/"],
    },
    "cluster name": {
        key: "clusterName",
        path: [],
        label: "clusterName",
        expected: "empty (for service-<stack>) or a letter, then letters, digits or '-', at most 38 characters",
        accepted: ["a", "service-dev", "A1-b", `a${"b".repeat(37)}`],
        refused: ["1abc", "-a", "a_b", `a${"b".repeat(38)}`, "a.b"],
    },
    "Karpenter version (≥ 1.13, for Kubernetes 1.36)": {
        key: "versions",
        path: ["karpenter"],
        label: "versions.karpenter",
        expected: "a Karpenter 1.x version ≥ 1.13 such as 1.14.1",
        accepted: ["1.13.0", "1.14.1", "1.19.3", "1.20.0", "1.99.10"],
        refused: ["1.12.9", "1.9.0", "2.0.0", "1.14", "v1.14.1", "1.100.0", "1.14.1x", "x1.14.1", "1.14.x"],
    },
    "AWS Load Balancer Controller version": {
        key: "versions",
        path: ["awsLoadBalancerController"],
        label: "versions.awsLoadBalancerController",
        expected: "an AWS Load Balancer Controller 3.x version such as 3.5.0",
        accepted: ["3.5.0", "3.10.12"],
        refused: ["2.8.0", "3.5", "v3.5.0", "3.5.0x", "3.x.0", "3.5.x"],
    },
    "Gateway API release tag": {
        key: "versions",
        path: ["gatewayApi"],
        label: "versions.gatewayApi",
        expected: "a Gateway API release tag such as v1.6.1",
        accepted: ["v1.6.1", "v1.10.0", "v1.6.10", "v1.12.14"],
        refused: ["1.6.1", "v2.0.0", "v1.6", "v1.6.1x", "xv1.6.1", "v1.x.1", "v1.6.x"],
    },
    "AL2023 AMI alias": {
        key: "nodeClass",
        path: ["amiAlias"],
        label: "nodeClass.amiAlias",
        expected: "an AL2023 alias: al2023@latest or al2023@vYYYYMMDD",
        accepted: ["al2023@latest", "al2023@v20261101"],
        refused: ["al2023@v2026110", "al2@latest", "al2023@v202611011", "al2023@LATEST", "xal2023@latest", "al2023@latestx", "al2023@v2026110a"],
    },
    "IAM role ARN (deploy identity)": {
        key: "deployIdentity",
        path: ["roleArn"],
        label: "deployIdentity.roleArn",
        expected: "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
        accepted: ["arn:aws:iam::123456789012:role/ci/eks-platform-dev-deploy", "arn:aws-us-gov:iam::123456789012:role/x", "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h"],
        refused: ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::12345678901:role/x", "xarn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x y", "arn:aws:iam::123456789012:role/", "arn:aws1:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x!"],
    },
    "AWS profile name": {
        key: "deployIdentity",
        path: ["profile"],
        label: "deployIdentity.profile",
        expected: "an AWS profile name",
        accepted: ["default", "dev-admin", "a+b=c,d.e@f_g", "p".repeat(64)],
        refused: ["", "a b", "a/b", "p".repeat(65)],
    },
    "security group id": {
        key: "clusterEndpoint",
        path: ["privateAccessSecurityGroupIds", 0],
        label: "clusterEndpoint.privateAccessSecurityGroupIds[0]",
        expected: "a security group id such as sg-0123456789abcdef0",
        accepted: ["sg-0123abcd", "sg-0123456789abcdef0"],
        refused: ["sg-0123abc", "sg-0123456789abcdef01", "sg-0123ABCD", "xsg-0123abcd", "sg-0123abcdx", "sg0123abcd"],
    },
    "Route 53 hosted zone ID": {
        key: "dns",
        path: ["zoneId"],
        label: "dns.zoneId",
        expected: "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ ('Z', then uppercase letters and digits)",
        accepted: ["Z1", "Z0123456789ABCDEFGHIJ", `Z${"A".repeat(31)}`],
        refused: ["Z", "z123", "Z12a", `Z${"A".repeat(32)}`, "XZ123", "/hostedzone/Z123", "Z123 "],
    },
    "EKS add-on version": {
        key: "addonVersions",
        path: ["coredns"],
        label: "addonVersions.coredns",
        expected: "an EKS add-on version such as v1.12.4-eksbuild.1",
        accepted: ["v1.12.4-eksbuild.1", "v0.9.0-eksbuild.12", "v10.20.30-eksbuild.100"],
        refused: ["1.12.4-eksbuild.1", "v1.12.4", "v1.12-eksbuild.1", "v1.12.4-eksbuild.", "v1.12.4-eksbuild.1x", "xv1.12.4-eksbuild.1", "v1.x.4-eksbuild.1", "v1.12.x-eksbuild.1", "vx.12.4-eksbuild.1"],
    },
    "regional WAFv2 web ACL ARN": {
        key: "gateway",
        path: ["webAclArn"],
        label: "gateway.webAclArn",
        expected: "a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)",
        accepted: [
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/w/a1b2c3d4-5678-90ab-cdef-000000000000",
            // Other partitions (ARN format: arn:<partition>:...).
            "arn:aws-us-gov:wafv2:us-gov-west-1:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws-cn:wafv2:cn-north-1:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
        ],
        refused: [
            "xarn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000/x",
            "arn:aws1:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-00000000000",
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/edge/A1B2C3D4-5678-90AB-CDEF-000000000000",
            `arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/${"n".repeat(129)}/a1b2c3d4-5678-90ab-cdef-000000000000`,
            "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl//a1b2c3d4-5678-90ab-cdef-000000000000",
            "arn:aws:wafv2:ap-northeast-2:12345678901:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000",
        ],
    },
    "load balancer DNS name": { key: "services", path: [], label: "services[0].cutover.legacyDnsName", expected: "a load balancer DNS name such as my-alb-1234567890.ap-northeast-2.elb.amazonaws.com", accepted: [], refused: [] },
    "Slack workspace id": { key: "notifications", path: [], label: "notifications.slack.workspaceId", expected: "a Slack workspace id such as T07EA123LEP", accepted: [], refused: [] },
    "Slack channel id": { key: "notifications", path: [], label: "notifications.slack.channelId", expected: "a Slack channel id such as C07EZ1ABC23", accepted: [], refused: [] },
    "UUID (Teams team id)": { key: "notifications", path: [], label: "notifications.teams.teamId", expected: "a UUID such as 00000000-0000-4000-8000-000000000000", accepted: [], refused: [] },
    "Teams channel id": { key: "notifications", path: [], label: "notifications.teams.channelId", expected: "a Teams channel id such as 19:abc@thread.tacv2", accepted: [], refused: [] },
    "VPC id": {
        key: "existingVpc",
        path: [],
        label: "existingVpc.vpcId",
        expected: "a VPC id such as vpc-0123456789abcdef0",
        accepted: [],
        refused: [],
        // Previews of an internet-facing Gateway in a VPC the stack did not create need their sources named.
        extra: ['previewAccess={"sourceCidrs":["203.0.113.0/24"]}'],
    },
    "subnet id (public)": {
        key: "existingVpc",
        path: [],
        label: "existingVpc.publicSubnetIds[0]",
        expected: "a subnet id",
        accepted: [],
        refused: [],
        extra: ['previewAccess={"sourceCidrs":["203.0.113.0/24"]}'],
    },
    "subnet id (private)": {
        key: "existingVpc",
        path: [],
        label: "existingVpc.privateSubnetIds[0]",
        expected: "a subnet id",
        accepted: [],
        refused: [],
        extra: ['previewAccess={"sourceCidrs":["203.0.113.0/24"]}'],
    },
};

// Formats that take their value inside a small object rather than at a field of the stack file.
const SLACK = { workspaceId: "T07EA123LEP", channelId: "C07EZ1ABC23" };
const TEAMS = { teamId: "00000000-0000-4000-8000-000000000000", tenantId: "00000000-0000-4000-8000-000000000000", channelId: "19:abc12345@thread.tacv2" };
const WRAPPED: Record<string, (v: Json) => string> = {
    "load balancer DNS name": (v) =>
        withField("dev", "services", [0, "cutover"], { legacyDnsName: v, legacyZoneId: "Z1R2F3H4K5L6M7", eksWeight: 0 }),
    "Slack workspace id": (v) => `notifications=${JSON.stringify({ slack: { ...SLACK, workspaceId: v } })}`,
    "Slack channel id": (v) => `notifications=${JSON.stringify({ slack: { ...SLACK, channelId: v } })}`,
    "UUID (Teams team id)": (v) => `notifications=${JSON.stringify({ teams: { ...TEAMS, teamId: v } })}`,
    "Teams channel id": (v) => `notifications=${JSON.stringify({ teams: { ...TEAMS, channelId: v } })}`,
    "label key (taint key)": (v) => withField("dev", "nodePools", [0, "taints"], [{ key: v, effect: "NoSchedule" }]),
    "VPC id": (v) =>
        `existingVpc=${JSON.stringify({ vpcId: v, publicSubnetIds: ["subnet-0123abcd", "subnet-4567cdef"], privateSubnetIds: ["subnet-89abcdef", "subnet-01234567"] })}`,
    "subnet id (public)": (v) =>
        `existingVpc=${JSON.stringify({ vpcId: "vpc-0123abcd", publicSubnetIds: [v, "subnet-4567cdef"], privateSubnetIds: ["subnet-89abcdef", "subnet-01234567"] })}`,
    "subnet id (private)": (v) =>
        `existingVpc=${JSON.stringify({ vpcId: "vpc-0123abcd", publicSubnetIds: ["subnet-0123abcd", "subnet-4567cdef"], privateSubnetIds: [v, "subnet-01234567"] })}`,
};
const WRAPPED_CASES: Record<string, { accepted: Json[]; refused: Json[] }> = {
    "load balancer DNS name": {
        accepted: [
            "my-alb-1234567890.ap-northeast-2.elb.amazonaws.com",
            "internal-my-alb-1.ap-northeast-2.elb.amazonaws.com",
            "dualstack.my-alb-1.ap-northeast-2.elb.amazonaws.com",
            "my-nlb-1.elb.ap-northeast-2.amazonaws.com",
            "my-alb-1.cn-north-1.elb.amazonaws.com.cn",
            "my-alb-1.us-gov-west-1.elb.amazonaws.com",
            "My-Alb-1.AP-NORTHEAST-2.ELB.AMAZONAWS.COM",
            "a.ap-northeast-2.elb.amazonaws.com",
        ],
        refused: [
            "my-alb.example.com",
            "-alb.ap-northeast-2.elb.amazonaws.com",
            "alb-.ap-northeast-2.elb.amazonaws.com",
            "my-alb-1.ap-northeast-2.elb.amazonaws.co",
            "my-alb-1.ap-northeast-2.elb.amazonaws.com.",
            "xmy-alb-1.ap-northeast-2.elb.amazonaws.comx",
            "my-alb-1.ap-northeast-22.elb.amazonaws.com",
            "my-alb-1.elb.amazonaws.com",
            "dualstack-my-alb-1.ap-northeast-2.elb.amazonaws.com.de",
        ],
    },
    "Slack workspace id": { accepted: ["T07EA123LEP", "T12345678", "T123456789012"], refused: ["T1234567", "T1234567890123", "t07EA123LEP", "U07EA123LEP", "T07ea123LEP", "XT07EA123LEP"] },
    "Slack channel id": { accepted: ["C07EZ1ABC23", "G12345678", "C123456789012"], refused: ["D07EZ1ABC23", "C1234567", "c07EZ1ABC23", "C1234567890123", "C07EZ1ABC2!", "xC07EZ1ABC23"] },
    "UUID (Teams team id)": {
        accepted: ["00000000-0000-4000-8000-000000000000", "a1b2c3d4-e5f6-4789-abcd-ef0123456789"],
        refused: ["A1B2C3D4-E5F6-4789-ABCD-EF0123456789", "00000000000040008000000000000000", "0000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-0000000000000", "x0000000-0000-4000-8000-000000000000", "x00000000-0000-4000-8000-000000000000"],
    },
    "Teams channel id": {
        accepted: ["19:abc12345@thread.tacv2", "19%3aabcdefgh@thread.tacv2", "19%3Aabcdefgh", "19:a_b-c.d%e@f:g"],
        refused: ["19:abc", "20:abcdefghij", "19;abcdefghij", "19:abc def gh", `19:${"a".repeat(201)}`, "19%3babcdefgh", "x19:abcdefghij"],
    },
    "label key (taint key)": {
        accepted: ["team", "example.com/team", "a", "Team_A.b-c", "sub.example.com/x", "a-b.c-d/e", "node-role", "a/b", "a.b/c"],
        refused: ["-team", "team-", "example.com/", "/team", "Example.com/team", "example..com/x", "a/b/c", "-a.com/x", "a-.com/x", "a.-b/x", "team!"],
    },
    "VPC id": {
        accepted: ["vpc-0123abcd", "vpc-0123456789abcdef0"],
        refused: ["vpc-0123abc", "vpc-0123456789abcdef01", "vpc-0123ABCD", "xvpc-0123abcd", "vpc-0123abcdx", "subnet-0123abcd"],
    },
    // EC2 resource ids: the type prefix and 8 (older) or 17 hex digits (EC2 User Guide, "Resource IDs").
    "subnet id (public)": {
        accepted: ["subnet-0123abcd", "subnet-0123456789abcdef0"],
        refused: ["subnet-0123abc", "subnet-0123456789abcdef01", "subnet-0123ABCD", "xsubnet-0123abcd", "subnet-0123abcdx", "vpc-0123abcd"],
    },
    "subnet id (private)": {
        accepted: ["subnet-89abcdef", "subnet-0fedcba9876543210"],
        refused: ["asubnet-89abcdef", "subnet-89abcdef ", "sg-89abcdef"],
    },
};

function overrides(name: string, f: Format, value: Json): string[] {
    const wrap = WRAPPED[name];
    const budgetContext =
        f.label.startsWith("nodePools[0].disruption.budgets[0].") &&
        withField("dev", "nodePools", [0, "disruption", "budgets"], [
            { nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h", [f.label.split(".").pop() as string]: value },
        ]);
    return [...(f.extra ?? []), budgetContext || (wrap ? wrap(value) : assignment(f, value))];
}

const cases = Object.entries(FORMATS).flatMap(([name, f]) => {
    const lists = WRAPPED_CASES[name] ?? f;
    return [
        ...lists.accepted.map((v) => [name, "accepts", v] as const),
        ...lists.refused.map((v) => [name, "refuses", v] as const),
    ];
});

describe("config value formats", () => {
    test.each(cases)("%s %s %j", (name, verdict, value) => {
        const f = FORMATS[name];
        const problems = problemsOf(f.stack ?? "dev", ...overrides(name, f, value));
        if (verdict === "accepts") {
            expect(problems.filter((p) => p.startsWith(`'${f.label}' is`) && p.includes(f.expected))).toEqual([]);
        } else if (JSON.stringify(value).length <= 80) {
            expect(problems).toContain(problem(f, value));
        } else {
            // Long values are cut (see the next test): the key and what is allowed, in full.
            expect(problems.filter((p) => p.startsWith(`'${f.label}' is "`) && p.endsWith(`..., expected ${f.expected}`))).toHaveLength(1);
        }
    });

    test("a refused value shows JSON-quoted, cut at 80 characters", () => {
        expect(problemsOf("dev", withField("dev", "services", [0, "image", "green"], "t".repeat(129)))).toEqual([
            `'services[0].image.green' is "${"t".repeat(76)}..., expected an image tag such as 1.4.2 or a digest sha256:<64 hex>`,
        ]);
        // 80 characters of JSON are shown whole.
        expect(problemsOf("dev", withField("dev", "services", [0, "image", "green"], `${"t".repeat(77)}!`))).toEqual([
            `'services[0].image.green' is "${"t".repeat(77)}!", expected an image tag such as 1.4.2 or a digest sha256:<64 hex>`,
        ]);
    });

    test("the tag 'latest' is refused even though it is a valid tag", () => {
        expect(problemsOf("dev", withField("dev", "services", [0, "image", "green"], "latest"))).toEqual([
            `'services[0].image.green' is "latest", expected a pinned tag or digest, not 'latest'`,
        ]);
        expect(problemsOf("dev", withField("dev", "services", [0, "image", "green"], "latest-1"))).toEqual([]);
    });

    test("a VPC network is /16 to /20 (private subnets get prefix+3, public prefix+5)", () => {
        for (const cidr of ["10.0.0.0/16", "10.0.0.0/20", "172.16.0.0/18"]) expect(problemsOf("dev", withField("dev", "vpc", ["cidrBlock"], cidr))).toEqual([]);
        for (const cidr of ["10.0.0.0/15", "10.0.0.0/21", "10.0.0.0/8"]) {
            expect(problemsOf("dev", withField("dev", "vpc", ["cidrBlock"], cidr))).toEqual([`'vpc.cidrBlock' is ${JSON.stringify(cidr)}, expected a network of size /16 to /20`]);
        }
    });

    test("an access-log prefix has no leading or trailing '/', and never AWSLogs (ELB refuses it)", () => {
        const logs = (prefix: string) => withField("dev", "gateway", ["accessLogs"], { prefix });
        for (const prefix of ["", "alb", "alb/prod", "a!_.*'()-/b", "x/y/z"]) expect(problemsOf("dev", logs(prefix))).toEqual([]);
        for (const prefix of ["/alb", "alb/", "alb//prod", "alb prod", "alb?x"]) {
            expect(problemsOf("dev", logs(prefix))).toEqual([
                `'gateway.accessLogs.prefix' is ${JSON.stringify(prefix)}, expected an S3 key prefix such as alb/prod (no leading or trailing '/')`,
            ]);
        }
        expect(problemsOf("dev", logs("alb/AWSLogs"))).toEqual([`'gateway.accessLogs.prefix' is "alb/AWSLogs", expected a prefix without "AWSLogs" (ELB rejects it)`]);
    });

    test("subnet ids, at least two of each kind", () => {
        const existing = (pub: string[], priv: string[]) => `existingVpc=${JSON.stringify({ vpcId: "vpc-0123abcd", publicSubnetIds: pub, privateSubnetIds: priv })}`;
        const previews = 'previewAccess={"sourceCidrs":["203.0.113.0/24"]}';
        expect(problemsOf("dev", previews, existing(["subnet-0123abcd", "subnet-0123456789abcdef0"], ["subnet-89abcdef", "subnet-01234567"]))).toEqual([]);
        expect(problemsOf("dev", previews, existing(["subnet-0123abc", "subnet-0123abcd"], ["subnet-89abcdef", "subnet-01234567"]))).toEqual([
            `'existingVpc.publicSubnetIds[0]' is "subnet-0123abc", expected a subnet id`,
        ]);
        expect(problemsOf("dev", previews, existing(["subnet-0123abcd", "xsubnet-0123abcd"], ["subnet-89abcdef", "subnet-0123456789abcdef01"]))).toEqual([
            `'existingVpc.publicSubnetIds[1]' is "xsubnet-0123abcd", expected a subnet id`,
            `'existingVpc.privateSubnetIds[1]' is "subnet-0123456789abcdef01", expected a subnet id`,
        ]);
        expect(problemsOf("dev", previews, existing(["subnet-0123abcd"], ["subnet-89abcdef"]))).toEqual([
            `'existingVpc.publicSubnetIds' is ["subnet-0123abcd"], expected at least 2 item(s)`,
            `'existingVpc.privateSubnetIds' is ["subnet-89abcdef"], expected at least 2 item(s)`,
        ]);
    });

    test("tag keys: AWS's characters, at most 128; never a prefix AWS, EKS, Karpenter or the platform reserves", () => {
        const tags = (key: string) => `tags=${JSON.stringify({ [key]: "v" })}`;
        for (const key of ["owner", "cost center", "a.b:c/d=e+f-g@h_i", "k".repeat(128), "team/aws:x", "my-eks:x", "xkarpenter.sh/x"]) expect(problemsOf("dev", tags(key))).toEqual([]);
        for (const key of ["", "k".repeat(129), "bad!", "tab\tkey"]) {
            expect(problemsOf("dev", tags(key))).toEqual([`'tags' has key ${JSON.stringify(key)}, expected a tag key of letters, digits, spaces and _ . : / = + - @`]);
        }
        const reserved = "a key outside the reserved prefixes aws:, eks:, kubernetes.io/cluster/, karpenter.sh/, karpenter.k8s.aws/, eks-platform/";
        for (const key of ["aws:x", "kubernetes.io/cluster/service-dev", "karpenter.sh/discovery", "karpenter.k8s.aws/x", "eks:cluster-name", "eks-platform/stack"]) {
            expect(problemsOf("dev", tags(key))).toEqual([`'tags' has key ${JSON.stringify(key)}, expected ${reserved}`]);
        }
        // Both rules at once.
        expect(problemsOf("dev", tags("aws:bad!"))).toEqual([
            `'tags' has key "aws:bad!", expected a tag key of letters, digits, spaces and _ . : / = + - @ and ${reserved}`,
        ]);
    });

    test("environment variable names, as POSIX shells take them", () => {
        const env = (name: string) => withField("dev", "services", [0, "env"], { [name]: "x" });
        for (const name of ["SPRING_PROFILES_ACTIVE", "_x", "a1", "A"]) expect(problemsOf("dev", env(name))).toEqual([]);
        for (const name of ["1X", "A-B", "A B", "", "A!"]) {
            expect(problemsOf("dev", env(name))).toEqual([`'services[0].env' has key ${JSON.stringify(name)}, expected an environment variable name`]);
        }
    });
});
