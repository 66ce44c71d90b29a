/**
 * The stack configuration schema: every key the project reads from `pulumi config`, with its validation.
 *
 * Top-level defaults live in `Pulumi.yaml` (the CLI and the offline harness both merge them); defaults of
 * fields inside structured values live here, next to their validation, and nowhere else.
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------
// Value formats
// ---------------------------------------------------------------------------------------------------------

/** Kubernetes versions in EKS standard support (late 2026); 1.34 leaves it in December 2026. */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.34", "1.35", "1.36"] as const;

const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "a DNS label: lowercase letters, digits and '-', at most 63 characters");

const hostname = z
    .string()
    .regex(
        /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "a DNS name such as api.example.com, or a wildcard such as *.example.com",
    );

const exactHostname = z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a DNS name such as api.example.com (no wildcard)");

function ipv4CidrValid(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return false;
    // The address must be the network address of its prefix (10.0.0.1/16 is a typo, not a network).
    const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (addr & ~mask) >>> 0 === 0;
}

const cidr = z.string().refine(ipv4CidrValid, "an IPv4 network in CIDR notation such as 10.0.0.0/16");

const awsRegion = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, "an AWS region such as ap-northeast-2");

const instanceType = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, "an EC2 instance type such as t3.medium");

const iamPrincipalArn = z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/, "an IAM role or user ARN");

const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)");

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "a security group id such as sg-0123456789abcdef0");

const acmCertificateArn = z
    .string()
    .regex(
        /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
        "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
    );

/** A Route 53 hosted zone ID as the API returns it without the `/hostedzone/` prefix. */
const hostedZoneId = z
    .string()
    .regex(/^Z[0-9A-Z]{1,31}$/, "a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ ('Z', then uppercase letters and digits)");

/**
 * The DNS name of an Elastic Load Balancer, as `aws elbv2 describe-load-balancers` prints it: ALB and Classic
 * `<name>-<id>.<region>.elb.amazonaws.com` (`internal-` first when internal), NLB `<name>-<id>.elb.<region>.amazonaws.com`,
 * optionally `dualstack.` first; `.cn` in the China partition.
 */
const elbDnsName = z
    .string()
    .regex(
        /^(dualstack\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?\.([a-z]{2}(-gov)?-[a-z]+-\d\.elb|elb\.[a-z]{2}(-gov)?-[a-z]+-\d)\.amazonaws\.com(\.cn)?$/i,
        "a load balancer DNS name such as my-alb-1234567890.ap-northeast-2.elb.amazonaws.com",
    );

/** A Kubernetes resource quantity, e.g. `1000`, `500m`, `64Gi`. */
const quantity = z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, "a Kubernetes quantity such as 500m, 2, 4Gi");

/** A Go duration as Karpenter takes it (`30s`, `15m`, `720h`, `1h30m`), or `Never`. */
const durationOrNever = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, "a duration such as 30s, 15m or 720h, or Never");

/** A container image tag or digest. `latest` (or no tag at all) is never allowed: deploys must be reproducible. */
const imageRef = z
    .string()
    .regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/, "an image tag such as 1.4.2 or a digest sha256:<64 hex>")
    .refine((v) => v !== "latest", "a pinned tag or digest, not 'latest'");

/** Tag keys the platform sets itself, and the prefixes AWS or Karpenter reserve (EC2NodeClass rejects them). */
const RESERVED_TAG_KEY = /^(aws:|kubernetes\.io\/cluster\/|karpenter\.sh\/|karpenter\.k8s\.aws\/|eks:|eks-platform\/)/;
const tags = z.record(
    z
        .string()
        .regex(/^[\w .:/=+@-]{1,128}$/, "a tag key of letters, digits, spaces and _ . : / = + - @")
        .refine((k) => !RESERVED_TAG_KEY.test(k), "a key outside the reserved prefixes aws:, eks:, kubernetes.io/cluster/, karpenter.sh/, karpenter.k8s.aws/, eks-platform/"),
    z.string().max(256),
);

// ---------------------------------------------------------------------------------------------------------
// Network and cluster
// ---------------------------------------------------------------------------------------------------------

export const NAT_GATEWAY_STRATEGIES = ["Single", "OnePerAz"] as const;

const vpcSchema = z
    .object({
        /** VPC CIDR, /16 to /20 (private subnets get prefix+3, public prefix+5). */
        cidrBlock: cidr
            .refine((c) => { const p = Number(c.split("/")[1]); return p >= 16 && p <= 20; }, "a network of size /16 to /20")
            .default("10.0.0.0/16"),
        /** Number of availability zones (public + private subnet in each). */
        availabilityZones: z.number().int().min(2).max(3).default(3),
        /** One NAT gateway for the VPC (cheap) or one per AZ (no cross-AZ dependency). */
        natGateways: z.enum(NAT_GATEWAY_STRATEGIES).default("Single"),
    })
    .strict();

const existingVpcSchema = z
    .object({
        vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "a VPC id such as vpc-0123456789abcdef0"),
        publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(2),
        privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(2),
    })
    .strict();

/** Where the first `pulumi up` of a private-only cluster can come from; the refusal message names them. */
const PRIVATE_ENDPOINT_BOOTSTRAP =
    "pulumi reaches the API through it, so name the runner's network (a runner in the VPC, existingVpc with the runner's subnet, or a connected network) or first up with publicAccess limited to the runner's /32; README: Reaching a private cluster";

const clusterEndpointSchema = z
    .object({
        /** Whether the API server has a public endpoint at all (private access is always on). */
        publicAccess: z.boolean().default(false),
        /** Networks allowed to reach the public endpoint; required when publicAccess is on. */
        publicAccessCidrs: z.array(cidr).default([]),
        /**
         * Networks allowed to reach the private endpoint on 443 (ingress rules on the EKS cluster security group),
         * e.g. the subnet of the self-hosted runner that deploys, a VPN or a peered network.
         */
        privateAccessCidrs: z.array(cidr).default([]),
        /** Security groups (in the cluster's VPC or a peered one) allowed to reach the private endpoint on 443. */
        privateAccessSecurityGroupIds: z.array(securityGroupId).default([]),
    })
    .strict()
    .superRefine((v, ctx) => {
        if (v.publicAccess && v.publicAccessCidrs.length === 0) {
            ctx.addIssue({
                code: "custom",
                path: ["publicAccessCidrs"],
                message: "at least one CIDR when publicAccess is true (an endpoint open to every network is never the default)",
            });
        }
        if (!v.publicAccess && v.privateAccessCidrs.length === 0 && v.privateAccessSecurityGroupIds.length === 0) {
            ctx.addIssue({
                code: "custom",
                path: ["privateAccessCidrs"],
                message: `at least one source (here or in privateAccessSecurityGroupIds) when publicAccess is false: the endpoint is private only and ${PRIVATE_ENDPOINT_BOOTSTRAP}`,
            });
        }
    });

const systemNodeGroupSchema = z
    .object({
        instanceType,
        desiredSize: z.number().int().min(1).max(100),
        minSize: z.number().int().min(1).max(100),
        maxSize: z.number().int().min(1).max(100),
        /** Root volume size in GiB (gp3, encrypted). */
        diskSizeGiB: z.number().int().min(20).max(1000).default(50),
    })
    .strict()
    .superRefine((v, ctx) => {
        if (v.minSize > v.desiredSize) {
            ctx.addIssue({ code: "custom", path: ["desiredSize"], message: `≥ minSize (${v.minSize})` });
        }
        if (v.desiredSize > v.maxSize) {
            ctx.addIssue({ code: "custom", path: ["desiredSize"], message: `≤ maxSize (${v.maxSize})` });
        }
    });

/**
 * Kubernetes access of a deployer, as an EKS access policy with cluster scope. A server-side dry run is
 * authorized exactly like the write it simulates, and this program writes cluster-scoped objects (CRDs,
 * ClusterRoles, GatewayClass, namespaces): `pulumi up` and a `pulumi preview` that dry-runs its changes both need
 * `admin`. `edit` writes namespaced objects only; `view` reads namespaced objects only.
 */
export const ACCESS_LEVELS = ["admin", "edit", "view"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

const deployerSchema = z
    .object({
        /** IAM role or user that runs pulumi (or kubectl) against the cluster. */
        principalArn: iamPrincipalArn,
        access: z.enum(ACCESS_LEVELS),
    })
    .strict();

const deployersSchema = z.array(deployerSchema).superRefine((deployers, ctx) => {
    deployers.forEach((d, i) => {
        const first = deployers.findIndex((other) => other.principalArn === d.principalArn);
        if (first !== i) {
            ctx.addIssue({
                code: "custom",
                path: [i, "principalArn"],
                message: `a principal listed once (deployers[${first}] lists it too; EKS allows one access entry per principal)`,
            });
        }
    });
});

/**
 * The identity the stack's AWS provider and the Kubernetes provider's token both use. Null fields mean the
 * ambient credentials (environment, e.g. the role a CI job assumed through OIDC).
 */
const deployIdentitySchema = z
    .object({
        /** Named profile of the AWS shared config (local use); null for ambient credentials. */
        profile: z
            .string()
            .regex(/^[\w+=,.@-]{1,64}$/, "an AWS profile name")
            .nullable()
            .default(null),
        /** Role both providers assume on top of the profile or ambient credentials; null to use them as they are. */
        roleArn: iamRoleArn.nullable().default(null),
    })
    .strict();

/** CloudWatch Logs retention periods (days) the API accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** EKS upgrade policy: STANDARD upgrades the control plane when standard support ends; EXTENDED keeps it, billed at the extended rate. */
export const SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;

/**
 * The EKS managed add-ons of the cluster: `kube-proxy` and `vpc-cni` are installed by the `eks.Cluster` component,
 * `amazon-cloudwatch-observability` by the ContainerInsights component (when `observability.containerInsights`), the
 * others by the cluster component once the system nodes exist (`metrics-server` is an EKS community add-on).
 */
export const MANAGED_ADDONS = ["amazon-cloudwatch-observability", "coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"] as const;
export type ManagedAddon = (typeof MANAGED_ADDONS)[number];

/**
 * Pinned add-on versions by add-on name; an add-on not listed gets AWS's default version for the cluster's minor
 * (`aws.eks.getAddonVersion`), so it moves with every Kubernetes upgrade. EKS add-on versions always carry `-eksbuild.N`.
 */
const addonVersionsSchema = z.partialRecord(
    z.enum(MANAGED_ADDONS),
    z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "an EKS add-on version such as v1.12.4-eksbuild.1"),
);

export const IDENTITY_MODES = ["irsa", "podIdentity"] as const;
export type IdentityMode = (typeof IDENTITY_MODES)[number];

const versionsSchema = z
    .object({
        /** Karpenter chart and CRD chart version. */
        karpenter: z.string().regex(/^1\.(1[3-9]|[2-9]\d)\.\d+$/, "a Karpenter 1.x version ≥ 1.13 such as 1.14.1").default("1.14.1"),
        /** AWS Load Balancer Controller chart version (the app and its CRDs share it). */
        awsLoadBalancerController: z
            .string()
            .regex(/^3\.\d+\.\d+$/, "an AWS Load Balancer Controller 3.x version such as 3.5.0")
            .default("3.5.0"),
        /** Gateway API standard-channel CRD bundle. */
        gatewayApi: z.string().regex(/^v1\.\d+\.\d+$/, "a Gateway API release tag such as v1.6.1").default("v1.6.1"),
    })
    .strict();

// ---------------------------------------------------------------------------------------------------------
// Karpenter
// ---------------------------------------------------------------------------------------------------------

const nodeClassSchema = z
    .object({
        /** AL2023 AMI alias: a dated version (`al2023@v20261101`) pins nodes; `al2023@latest` follows releases. */
        amiAlias: z
            .string()
            .regex(/^al2023@(latest|v\d{8})$/, "an AL2023 alias: al2023@latest or al2023@vYYYYMMDD")
            .default("al2023@latest"),
        /** Root volume size (gp3, encrypted). */
        rootVolumeSize: quantity.default("50Gi"),
    })
    .strict();

/**
 * Capacity types a NodePool may ask for. Karpenter's `reserved` needs capacity-reservation selector terms on the
 * EC2NodeClass, which this project does not set, so a pool asking for it would never get such a node.
 */
export const CAPACITY_TYPES = ["on-demand", "spot"] as const;
export const ARCHITECTURES = ["amd64", "arm64"] as const;
export const CONSOLIDATION_POLICIES = ["WhenEmptyOrUnderutilized", "WhenEmpty"] as const;
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export const DISRUPTION_REASONS = ["Underutilized", "Empty", "Drifted"] as const;

/** A budget's active window: hours and minutes only (cron has no seconds), as the NodePool CRD takes it. */
const budgetDuration = z.string().regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/, "a duration in hours and minutes such as 8h, 30m or 1h30m");

/** A qualified label or taint key: optional DNS-subdomain prefix, then a name (the NodePool CRD's pattern). */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_KEY_FORMAT = "a label key such as team or example.com/team";
const labelKey = z.string().max(316).regex(LABEL_KEY, LABEL_KEY_FORMAT);
const labelValue = z
    .string()
    .max(63)
    .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, "a label value: letters, digits, '-', '_' or '.', at most 63 characters");

/** Why Karpenter's NodePool CRD would reject this template label key, if it would. */
function restrictedLabel(key: string): string | undefined {
    if (!LABEL_KEY.test(key) || key.length > 316) return LABEL_KEY_FORMAT;
    const domain = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
    if (key === "karpenter.sh/nodepool" || key === "kubernetes.io/hostname") return `${key} is set by Karpenter or the kubelet`;
    if (domain.endsWith("karpenter.sh") || domain.endsWith("karpenter.k8s.aws")) return `the ${domain} domain is reserved for Karpenter`;
    return undefined;
}

const nodePoolSchema = z
    .object({
        name: dnsLabel,
        /** Higher weight pools are tried first (1–100; no weight ranks as 0). */
        weight: z.number().int().min(1).max(100).optional(),
        requirements: z
            .object({
                architectures: z.array(z.enum(ARCHITECTURES)).min(1).default(["amd64"]),
                capacityTypes: z.array(z.enum(CAPACITY_TYPES)).min(1).default(["on-demand"]),
                instanceTypes: z.array(instanceType).min(1).optional(),
                instanceFamilies: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, "an instance family such as m7i")).min(1).optional(),
                instanceCategories: z.array(z.string().regex(/^[a-z]$/, "an instance category letter such as c, m or r")).min(1).optional(),
                instanceSizes: z.array(z.string().regex(/^[a-z0-9]+$/, "an instance size such as large")).min(1).optional(),
                /** Only instance generations strictly greater than this. */
                minGenerationExclusive: z.number().int().min(0).optional(),
                zones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, "an availability zone such as ap-northeast-2a")).min(1).optional(),
            })
            .strict()
            .superRefine((r, ctx) => {
                if (!r.instanceTypes && !r.instanceFamilies && !r.instanceCategories) {
                    ctx.addIssue({
                        code: "custom",
                        message: "at least one of instanceTypes, instanceFamilies or instanceCategories (an empty requirement set lets Karpenter pick any instance)",
                    });
                }
                if (r.instanceTypes && (r.instanceFamilies || r.instanceCategories || r.instanceSizes)) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["instanceTypes"],
                        message: "either instanceTypes or instanceFamilies/instanceCategories/instanceSizes, not both",
                    });
                }
            }),
        /** Labels on every node of the pool. */
        labels: z
            .record(z.string(), labelValue)
            .superRefine((labels, ctx) => {
                for (const key of Object.keys(labels)) {
                    const why = restrictedLabel(key);
                    if (why) ctx.addIssue({ code: "custom", path: [key], message: `a label key Karpenter allows: ${why}` });
                }
            })
            .default({}),
        taints: z
            .array(
                z
                    .object({
                        key: labelKey,
                        value: labelValue.optional(),
                        effect: z.enum(TAINT_EFFECTS),
                    })
                    .strict(),
            )
            .default([]),
        limits: z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict().default({}),
        disruption: z
            .object({
                consolidationPolicy: z.enum(CONSOLIDATION_POLICIES).default("WhenEmptyOrUnderutilized"),
                /** How long a node must be empty or underutilized before consolidation (`Never` disables it). */
                consolidateAfter: durationOrNever.default("0s"),
                budgets: z
                    .array(
                        z
                            .object({
                                nodes: z.string().regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, "a node count or percentage such as 10% or 2"),
                                /** Cron schedule, always evaluated in UTC by Karpenter (09:00 in Seoul is "0 0 * * *"). */
                                schedule: z
                                    .string()
                                    .regex(/^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/, "a cron schedule such as '0 9 * * mon-fri'")
                                    .optional(),
                                duration: budgetDuration.optional(),
                                reasons: z.array(z.enum(DISRUPTION_REASONS)).min(1).optional(),
                            })
                            .strict()
                            .superRefine((b, ctx) => {
                                if ((b.schedule === undefined) !== (b.duration === undefined)) {
                                    ctx.addIssue({ code: "custom", message: "schedule and duration together, or neither" });
                                }
                            }),
                    )
                    .min(1)
                    .default([{ nodes: "10%" }]),
            })
            .strict()
            .default({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "0s", budgets: [{ nodes: "10%" }] }),
        /** Node lifetime before it is replaced (`Never` to disable). */
        expireAfter: durationOrNever.default("720h"),
    })
    .strict();

// ---------------------------------------------------------------------------------------------------------
// Gateway
// ---------------------------------------------------------------------------------------------------------

export const LOAD_BALANCER_SCHEMES = ["internet-facing", "internal"] as const;
export const ALLOWED_ROUTES_MODES = ["Same", "Selector", "All"] as const;
/** ELB security policies that negotiate TLS 1.2 or newer (and TLS 1.3 where named). */
export const TLS_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
] as const;

const gatewaySchema = z
    .object({
        name: dnsLabel.default("public-gateway"),
        namespace: dnsLabel.default("gateway-system"),
        /** Listener hostname, usually a wildcard such as *.example.com. */
        hostname,
        /**
         * ACM certificates (in the stack's region); the first is the HTTPS listener's default certificate, the others
         * are added for SNI (an ALB listener takes at most 25 besides the default). May be empty with
         * `dns.createCertificate`: the issued certificate is then the default and these are added for SNI.
         */
        certificateArns: z
            .array(acmCertificateArn)
            .max(26)
            .superRefine((arns, ctx) => {
                arns.forEach((arn, i) => {
                    if (arns.indexOf(arn) !== i) ctx.addIssue({ code: "custom", path: [i], message: "a certificate not listed twice" });
                });
            }),
        scheme: z.enum(LOAD_BALANCER_SCHEMES).default("internet-facing"),
        sslPolicy: z.enum(TLS_POLICIES).default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
        /** Which namespaces may attach routes: `Selector` admits namespaces labelled by the platform. */
        allowedRoutes: z.enum(ALLOWED_ROUTES_MODES).default("Selector"),
        /** Access logs to an S3 bucket this stack manages (SSE-S3, TLS-only, private, expiring). */
        accessLogs: z
            .object({
                enabled: z.boolean().default(true),
                /** Key prefix inside the bucket: no leading or trailing '/', and ELB forbids "AWSLogs" in it. */
                prefix: z
                    .string()
                    .regex(/^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/, "an S3 key prefix such as alb/prod (no leading or trailing '/')")
                    .refine((p) => !p.includes("AWSLogs"), "a prefix without \"AWSLogs\" (ELB rejects it)")
                    .default(""),
                /** Days a log object is kept. */
                retentionDays: z.number().int().min(1).max(3650).default(90),
            })
            .strict()
            .default({ enabled: true, prefix: "", retentionDays: 90 }),
        /** A regional WAFv2 web ACL (in the stack's region) to attach to the ALB, or null for none. */
        webAclArn: z
            .string()
            .regex(
                /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/,
                "a regional WAFv2 web ACL ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)",
            )
            .nullable()
            .default(null),
    })
    .strict();

/**
 * At most three: the controller adds the preview hostname (host-header) and `/*` (path-pattern) to the preview rule,
 * and an ALB rule takes five condition values, at most three in one condition.
 */
export const MAX_PREVIEW_SOURCE_CIDRS = 3;

const previewAccessSchema = z
    .object({
        /**
         * Networks that may reach the preview hostnames. Empty: the VPC, as the ALB sees it (its CIDR for an internal
         * Gateway; its NAT gateways' public IPs for an internet-facing one).
         */
        sourceCidrs: z
            .array(cidr)
            .max(MAX_PREVIEW_SOURCE_CIDRS)
            .superRefine((cidrs, ctx) => {
                cidrs.forEach((c, i) => {
                    if (cidrs.indexOf(c) !== i) ctx.addIssue({ code: "custom", path: [i], message: "a CIDR not listed twice" });
                });
            })
            .default([]),
    })
    .strict();

// ---------------------------------------------------------------------------------------------------------
// DNS and certificates
// ---------------------------------------------------------------------------------------------------------

const dnsSchema = z
    .object({
        /** Route 53 hosted zone of the Gateway's domain. Unset: the stack writes no record and issues no certificate. */
        zoneId: hostedZoneId.optional(),
        /**
         * The zone's domain (default: gateway.hostname without its `*.`). Hostnames outside it are refused before
         * anything is deployed; at deploy time the zone that `zoneId` names must have exactly this name.
         */
        zoneName: exactHostname.optional(),
        /** Issue an ACM certificate for gateway.hostname, validated by DNS in the zone, as the listener's default certificate. */
        createCertificate: z.boolean().default(false),
        /** Also cover the name under the wildcard (example.com for *.example.com) on the issued certificate. */
        includeApex: z.boolean().default(false),
    })
    .strict();

/**
 * Moving a hostname from a legacy load balancer (the ECS service's) by Route 53 weights: the hostname gets two
 * weighted alias records, `eks` → the Gateway's ALB with `eksWeight`, `legacy` → `legacyDnsName` with the rest.
 */
const cutoverSchema = z
    .object({
        /** DNS name of the load balancer that serves the hostname today. */
        legacyDnsName: elbDnsName,
        /** Its canonical hosted zone ID (`CanonicalHostedZoneId` of `aws elbv2 describe-load-balancers`). */
        legacyZoneId: hostedZoneId,
        /** Percent of DNS answers that name the EKS ALB: 0 keeps it on standby, 100 drops the legacy record. */
        eksWeight: z.number().int().min(0).max(100),
    })
    .strict();

// ---------------------------------------------------------------------------------------------------------
// Blue/green services
// ---------------------------------------------------------------------------------------------------------

export const COLORS = ["blue", "green"] as const;
export type Color = (typeof COLORS)[number];
export const TRAFFIC_MODES = ["route", "selector"] as const;
export const S3_ACCESS = ["read", "write", "readwrite"] as const;

const s3Bucket = z
    .string()
    .regex(/^(arn:aws[a-z-]*:s3:::)?[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name or ARN (arn:aws:s3:::<bucket>)");
const secretRef = z
    .string()
    .regex(
        /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w\/+=.@-]+|[\w\/+=.@-]{1,512})$/,
        "a Secrets Manager secret name (app/db) or ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>)",
    );

/**
 * What each service's alarms (and the dashboard's threshold lines) watch on its live color. They read the same
 * signals as the guarded switch, under the same names: `maxErrorRatePercent` and `maxLatencyMs` default to the
 * service's `switchGuard` values, so one setting holds a service to one limit during a switch and after it.
 */
export const SERVICE_ALARM_DEFAULTS = {
    enabled: true,
    maxUnhealthyHosts: 0,
    minRequestsPerMinute: 10,
} as const;

const serviceAlarmsSchema = z
    .object({
        /** Create the service's alarms (they notify the stack's topic). */
        enabled: z.boolean().default(SERVICE_ALARM_DEFAULTS.enabled),
        /** Target 5xx as a percentage of the live color's requests, per minute. Default: `switchGuard.maxErrorRatePercent`. */
        maxErrorRatePercent: z.number().min(0.1).max(100).optional(),
        /** p99 target response time of the live color, in milliseconds (ALB idle timeout 60 s). Default: `switchGuard.maxLatencyMs`. */
        maxLatencyMs: z.number().int().min(1).max(60000).optional(),
        /** Unhealthy targets of the live color tolerated before alarming. */
        maxUnhealthyHosts: z.number().int().min(0).max(1000).default(SERVICE_ALARM_DEFAULTS.maxUnhealthyHosts),
        /** Below this many requests a minute the error rate counts as 0: one failed request in three is not an outage. */
        minRequestsPerMinute: z.number().int().min(0).max(1000000).default(SERVICE_ALARM_DEFAULTS.minRequestsPerMinute),
    })
    .strict()
    .default({ ...SERVICE_ALARM_DEFAULTS });

const serviceSchema = z
    .object({
        name: dnsLabel,
        /** Namespace (created by the service); defaults to the service name. */
        namespace: dnsLabel.optional(),
        hostnames: z.array(exactHostname).min(1),
        /** Hostname that always serves the inactive color, for checks before a switch. */
        previewHostname: exactHostname,
        port: z.number().int().min(1024).max(65535).default(8080),
        image: z
            .object({
                /** Repository without tag, e.g. 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api. */
                repository: z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/, "an image repository without tag"),
                blue: imageRef.nullable().default(null),
                green: imageRef.nullable().default(null),
            })
            .strict(),
        /** Overrides the stack's activeColor for this service. */
        activeColor: z.enum(COLORS).optional(),
        trafficMode: z.enum(TRAFFIC_MODES).default("route"),
        /** Share of traffic (percent) sent to the inactive color in route mode. */
        canaryWeight: z.number().int().min(0).max(99).default(0),
        autoscaling: z
            .object({
                minReplicas: z.number().int().min(1).max(1000),
                maxReplicas: z.number().int().min(1).max(1000),
                targetCpuUtilization: z.number().int().min(10).max(95).default(60),
            })
            .strict()
            .superRefine((v, ctx) => {
                if (v.minReplicas > v.maxReplicas) {
                    ctx.addIssue({ code: "custom", path: ["minReplicas"], message: `≤ maxReplicas (${v.maxReplicas})` });
                }
            }),
        /**
         * Colors held at a fixed size instead of autoscaling, e.g. `{"green": 0}` to scale the inactive color
         * down (default: none; both colors autoscale, warm, so a switch or rollback moves traffic only). A held
         * color can never be the active one: unpin it and `pulumi up` (it warms up) before switching to it.
         */
        scaledDown: z
            .object({
                blue: z.number().int().min(0).max(1000).optional(),
                green: z.number().int().min(0).max(1000).optional(),
            })
            .strict()
            .default({}),
        resources: z
            .object({
                requests: z.object({ cpu: quantity, memory: quantity }).strict(),
                limits: z.object({ cpu: quantity.optional(), memory: quantity }).strict(),
            })
            .strict(),
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).default({}),
        probes: z
            .object({
                readinessPath: z.string().startsWith("/", "an HTTP path such as /actuator/health/readiness").default("/actuator/health/readiness"),
                livenessPath: z.string().startsWith("/", "an HTTP path such as /actuator/health/liveness").default("/actuator/health/liveness"),
                /** Seconds between probes. */
                periodSeconds: z.number().int().min(1).max(60).default(10),
                /** Startup allowance = startupFailureThreshold × periodSeconds. */
                startupFailureThreshold: z.number().int().min(1).max(120).default(30),
            })
            .strict()
            .default({
                readinessPath: "/actuator/health/readiness",
                livenessPath: "/actuator/health/liveness",
                periodSeconds: 10,
                startupFailureThreshold: 30,
            }),
        /**
         * What `npm run switch` holds a switch to: it watches the color that took traffic for `watchMinutes` and
         * switches back when its 5xx rate (percent of requests, per minute) or p99 latency goes over the limit.
         */
        switchGuard: z
            .object({
                watchMinutes: z.number().int().min(0).max(120).default(10),
                maxErrorRatePercent: z.number().min(0).max(100).default(1),
                maxLatencyMs: z.number().int().min(1).max(60000).default(1000),
            })
            .strict()
            .default({ watchMinutes: 10, maxErrorRatePercent: 1, maxLatencyMs: 1000 }),
        /**
         * Where the service's pods may connect beyond DNS and HTTPS (NetworkPolicy egress; everything else is denied),
         * e.g. `[{"cidr": "10.30.0.0/16", "ports": [5432]}]` for a database in the VPC. Default: none.
         */
        egress: z
            .array(
                z
                    .object({
                        cidr,
                        ports: z.array(z.number().int().min(1).max(65535)).min(1).max(20),
                    })
                    .strict(),
            )
            .max(20)
            .default([]),
        terminationGracePeriodSeconds: z.number().int().min(5).max(600).default(45),
        preStopSleepSeconds: z.number().int().min(0).max(120).default(15),
        /** A gradual DNS move of `hostnames` from a legacy load balancer (needs `dns.zoneId`). Default: none. */
        cutover: cutoverSchema.optional(),
        /** Alarm thresholds of this service (defaults in SERVICE_ALARM_DEFAULTS and `switchGuard`). */
        alarms: serviceAlarmsSchema,
        aws: z
            .object({
                identityMode: z.enum(IDENTITY_MODES).optional(),
                s3Buckets: z.array(z.object({ bucket: s3Bucket, access: z.enum(S3_ACCESS) }).strict()).default([]),
                /** Secrets the service reads, by name (in the stack's account and region) or ARN. */
                secrets: z.array(z.object({ secret: secretRef }).strict()).default([]),
            })
            .strict()
            .default({ s3Buckets: [], secrets: [] }),
    })
    .strict()
    .superRefine((s, ctx) => {
        if (s.preStopSleepSeconds >= s.terminationGracePeriodSeconds) {
            ctx.addIssue({
                code: "custom",
                path: ["preStopSleepSeconds"],
                message: `< terminationGracePeriodSeconds (${s.terminationGracePeriodSeconds})`,
            });
        }
        if (s.hostnames.includes(s.previewHostname)) {
            ctx.addIssue({ code: "custom", path: ["previewHostname"], message: "a hostname not in hostnames" });
        }
        for (const color of COLORS) {
            const held = s.scaledDown[color];
            if (held !== undefined && held > s.autoscaling.minReplicas) {
                ctx.addIssue({
                    code: "custom",
                    path: ["scaledDown", color],
                    message: `0 to autoscaling.minReplicas (${s.autoscaling.minReplicas}): a color is scaled down, never up`,
                });
            }
        }
        if (s.canaryWeight > 0 && s.trafficMode !== "route") {
            ctx.addIssue({
                code: "custom",
                path: ["canaryWeight"],
                message: `0 with trafficMode "${s.trafficMode}" (weighted canaries need trafficMode "route")`,
            });
        }
    });

// ---------------------------------------------------------------------------------------------------------
// Observability and notifications
// ---------------------------------------------------------------------------------------------------------

const observabilitySchema = z
    .object({
        /** The `amazon-cloudwatch-observability` EKS add-on (Container Insights: pod, node and cluster metrics). */
        containerInsights: z.boolean().default(true),
        /** With containerInsights: its Fluent Bit ships container logs to /aws/containerinsights/<cluster>/application. */
        containerLogs: z.boolean().default(true),
    })
    .strict();

const slackChannelSchema = z
    .object({
        /** Slack workspace (team) id authorized in AWS Chatbot, e.g. T07EA123LEP. */
        workspaceId: z.string().regex(/^T[A-Z0-9]{8,12}$/, "a Slack workspace id such as T07EA123LEP"),
        /** Slack channel id, e.g. C07EZ1ABC23 (public) or G... (private). */
        channelId: z.string().regex(/^[CG][A-Z0-9]{8,12}$/, "a Slack channel id such as C07EZ1ABC23"),
    })
    .strict();

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a UUID such as 00000000-0000-4000-8000-000000000000");

const teamsChannelSchema = z
    .object({
        /** Microsoft Teams team id authorized in AWS Chatbot. */
        teamId: uuid,
        /** Microsoft Entra tenant id of the team. */
        tenantId: uuid,
        /** Channel id as the Chatbot console shows it, e.g. 19:abc...@thread.tacv2. */
        channelId: z.string().regex(/^19(:|%3[aA])[\w%@.:-]{8,200}$/, "a Teams channel id such as 19:abc@thread.tacv2"),
    })
    .strict();

const notificationsSchema = z
    .object({
        /** Slack channel the stack's alarm topic posts to (AWS Chatbot), or null. */
        slack: slackChannelSchema.nullable().default(null),
        /** Microsoft Teams channel the stack's alarm topic posts to (AWS Chatbot), or null. */
        teams: teamsChannelSchema.nullable().default(null),
    })
    .strict();

// ---------------------------------------------------------------------------------------------------------
// The whole stack
// ---------------------------------------------------------------------------------------------------------

export const stackConfigSchema = z
    .object({
        region: awsRegion,
        /** Empty means `service-<stack>`. */
        clusterName: z
            .string()
            .regex(/^([a-zA-Z][a-zA-Z0-9-]{0,37})?$/, "empty (for service-<stack>) or a letter, then letters, digits or '-', at most 38 characters"),
        kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS),
        tags,
        vpc: vpcSchema,
        /** `{}` (the declared default) or null: create a VPC from `vpc`. */
        existingVpc: z.preprocess(
            (v) => (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0 ? null : v),
            existingVpcSchema.nullable(),
        ),
        clusterEndpoint: clusterEndpointSchema,
        clusterSupportType: z.enum(SUPPORT_TYPES),
        controlPlaneLogRetentionDays: z
            .number()
            .int()
            .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `a CloudWatch Logs retention: one of ${LOG_RETENTION_DAYS.join(", ")}`),
        systemNodeGroup: systemNodeGroupSchema,
        deployers: deployersSchema,
        clusterCreatorAdmin: z.boolean(),
        deployIdentity: deployIdentitySchema,
        deletionProtection: z.boolean(),
        /**
         * Lifts `deletionProtection` (Pulumi protect and EKS deletion protection) for one deliberate change that replaces
         * stateful resources (see the README's "Changes that replace infrastructure").
         */
        allowReplacement: z.boolean(),
        addonVersions: addonVersionsSchema,
        identityMode: z.enum(IDENTITY_MODES),
        versions: versionsSchema,
        nodeClass: nodeClassSchema,
        nodePools: z.array(nodePoolSchema).min(1),
        createSpotServiceLinkedRole: z.boolean(),
        gateway: gatewaySchema,
        previewAccess: previewAccessSchema,
        dns: dnsSchema,
        activeColor: z.enum(COLORS),
        services: z.array(serviceSchema),
        /** Deploy although example values remain (see config/placeholders.ts); the offline plan never needs it. */
        allowPlaceholders: z.boolean(),
        observability: observabilitySchema,
        notifications: notificationsSchema,
    })
    .strict();

export type RawStackConfig = z.infer<typeof stackConfigSchema>;
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;
export type ServiceConfigInput = z.infer<typeof serviceSchema>;
export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type PreviewAccessConfig = z.infer<typeof previewAccessSchema>;
export type DnsConfigInput = z.infer<typeof dnsSchema>;
export type CutoverConfig = z.infer<typeof cutoverSchema>;
export type SystemNodeGroupConfig = z.infer<typeof systemNodeGroupSchema>;
export type NodeClassConfig = z.infer<typeof nodeClassSchema>;
export type VersionsConfig = z.infer<typeof versionsSchema>;
export type ClusterEndpointConfig = z.infer<typeof clusterEndpointSchema>;
export type DeployerConfig = z.infer<typeof deployerSchema>;
export type DeployIdentityConfig = z.infer<typeof deployIdentitySchema>;
export type ServiceAlarmsConfig = z.infer<typeof serviceAlarmsSchema>;
export type ObservabilityConfig = z.infer<typeof observabilitySchema>;
export type NotificationsConfig = z.infer<typeof notificationsSchema>;

/** Top-level keys whose config value is a plain string (everything else is JSON). */
export const STRING_KEYS: ReadonlySet<string> = new Set(["region", "clusterName", "kubernetesVersion", "identityMode", "activeColor", "clusterSupportType"]);

/** Building blocks other projects of this repository validate with (the apps project's team stacks). */
export { serviceSchema, tags as tagsSchema, deployIdentitySchema };
