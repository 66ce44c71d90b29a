/**
 * Deterministic, realistic outputs for every resource type and invoke the program uses, so that every
 * `apply` resolves offline: ARNs and ids are built from names, the cluster returns a kubeconfig and an OIDC
 * issuer, the VPC returns subnet ids per AZ. Same input, same output: diffs between two plans are real.
 */
import * as crypto from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

type Props = Record<string, unknown>;

/**
 * Canonical hosted zone of Application Load Balancers per region, for alias records (AWS General Reference,
 * "Elastic Load Balancing endpoints and quotas"). The real `aws.lb.getHostedZoneId` reads the same table.
 */
const ALB_HOSTED_ZONE_IDS: Record<string, string> = {
    "af-south-1": "Z268VQBMOI5EKX",
    "ap-east-1": "Z3DQVH9N71FHZ0",
    "ap-northeast-1": "Z14GRHDCWA56QT",
    "ap-northeast-2": "ZWKZPGTI48KDX",
    "ap-northeast-3": "Z5LXEXXYW11ES",
    "ap-south-1": "ZP97RAFLXTNZK",
    "ap-south-2": "Z0173938T07WNTVAEPZN",
    "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
    "ap-southeast-3": "Z08888821HLRG5A9ZRTER",
    "ca-central-1": "ZQSVJUPU6J1EY",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-central-2": "Z06391101F2ZOEP8P5EB3",
    "eu-north-1": "Z23TAZ6LKFMNIO",
    "eu-south-1": "Z3ULH7SSC9OV64",
    "eu-south-2": "Z0956581394HF5D5LXGAP",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-west-3": "Z3Q77PNBQS71R4",
    "me-central-1": "Z08230872XQRWHG2XF6I",
    "me-south-1": "ZS929ML54UICD",
    "sa-east-1": "Z2P70J7HTTTPLU",
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-gov-east-1": "Z166TLBEWOO7G0",
    "us-gov-west-1": "Z33AYJ8TM3BH4J",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
};

export interface MockHostedZone {
    readonly name: string;
    readonly privateZone: boolean;
}

/**
 * The offline account's Route 53 hosted zones (documentation domains): a public example.com, a private zone of the
 * same name, and a public stage.example.com. Any other zone ID is assumed to be the zone the stack's config names
 * (`PlanMocks` options): offline there is no account to ask, and only `pulumi preview` can check it.
 */
export const MOCK_HOSTED_ZONES: Readonly<Record<string, MockHostedZone>> = {
    Z0123456789ABCDEFGHIJ: { name: "example.com", privateZone: false },
    Z0PRIVATE0EXAMPLE0COM: { name: "example.com", privateZone: true },
    Z0STAGE0EXAMPLE0COM00: { name: "stage.example.com", privateZone: false },
};

function hex(seed: string, length: number): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** An invoke failure as the SDK reports it: it shows a failed RPC's `details`, as the engine would send them. */
function invokeError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

function str(v: unknown, fallback: string): string {
    return typeof v === "string" && v.length > 0 ? v : fallback;
}

/** Who the offline plan runs as when nothing says otherwise. */
export const OFFLINE_CALLER = `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/offline-plan`;

export interface PlanMocksOptions {
    /** Hosted zones the stack's config names, answered when the zone ID is not one of `MOCK_HOSTED_ZONES`. */
    readonly assumedHostedZones?: Readonly<Record<string, MockHostedZone>>;
    /**
     * What each stack a StackReference may name (qualified `<org>/<project>/<stack>`) exports: the planned outputs
     * of that stack, unmasked, and the names of those holding secrets.
     */
    readonly stacks?: Readonly<Record<string, { readonly outputs: Record<string, unknown>; readonly secretOutputNames: readonly string[] }>>;
    /** `pulumi:disable-default-providers` as the stack's config sets it (a JSON list of packages, or `*`). */
    readonly disableDefaultProviders?: string;
}

/**
 * Whether the engine refuses a default provider for `pkg`: Pulumi's `defaultProviders.shouldDenyRequest`
 * (pkg/resource/deploy/source_eval.go) — the `pulumi` package never, otherwise when the config's list holds `*`
 * or the package's name (an empty value disables nothing).
 */
export function defaultProviderDenied(disableDefaultProviders: string | undefined, pkg: string): boolean {
    if (pkg === "pulumi" || !disableDefaultProviders) return false;
    const listed = JSON.parse(disableDefaultProviders) as unknown[];
    return listed.some((p) => typeof p === "string" && (p.trim() === "*" || p.trim() === pkg));
}

/**
 * `aws.eks.getAddonVersion` answers per add-on and Kubernetes minor, as its default version (`mostRecent` false).
 * 1.34's CoreDNS is the version the EKS user guide lists ("Manage CoreDNS", latest add-on version per Kubernetes
 * version); the others are illustrative stand-ins in the same `v<semver>-eksbuild.<n>` form: what matters offline is
 * that each minor has its own version.
 */
export const MOCK_ADDON_VERSIONS: Record<string, Record<string, string>> = {
    coredns: { "1.34": "v1.12.4-eksbuild.1", "1.35": "v1.13.1-eksbuild.1", "1.36": "v1.13.2-eksbuild.1" },
    "eks-pod-identity-agent": { "1.34": "v1.3.8-eksbuild.2", "1.35": "v1.3.9-eksbuild.1", "1.36": "v1.3.10-eksbuild.1" },
    "kube-proxy": { "1.34": "v1.34.1-eksbuild.2", "1.35": "v1.35.0-eksbuild.1", "1.36": "v1.36.0-eksbuild.1" },
    // EKS community add-on; its v0.9.0 builds are the ones offered for 1.34 and later (`aws eks describe-addon-versions`).
    "metrics-server": { "1.34": "v0.9.0-eksbuild.11", "1.35": "v0.9.0-eksbuild.12", "1.36": "v0.9.0-eksbuild.13" },
    "vpc-cni": { "1.34": "v1.20.4-eksbuild.1", "1.35": "v1.21.0-eksbuild.1", "1.36": "v1.21.1-eksbuild.1" },
};

/** The offline answer of `aws.eks.getAddonVersion` (also what the offline diff shows for the cluster component's own add-ons). */
export function mockAddonVersion(addonName: string, kubernetesVersion: string): string {
    // An add-on the table does not know still gets a per-minor version, so a new add-on plans offline.
    return MOCK_ADDON_VERSIONS[addonName]?.[kubernetesVersion] ?? `v1.0.${kubernetesVersion.split(".")[1]}-eksbuild.1`;
}

interface NamespacedName {
    namespace: string;
    name: string;
}

interface RecordedRoute extends NamespacedName {
    parents: NamespacedName[];
    backends: { service: NamespacedName; port: unknown }[];
}

/** Non-alphanumerics removed, as the load balancer controller sanitizes names for ELB. */
function sanitize(name: string): string {
    return name.replace(/[^A-Za-z0-9]/g, "");
}

export class PlanMocks implements pulumi.runtime.Mocks {
    region = "us-east-1";
    private clusterName = "";
    private readonly gateways: NamespacedName[] = [];
    /** Service ports by `<namespace>/<name>`: port → targetPort. */
    private readonly servicePorts = new Map<string, { port: unknown; targetPort: unknown }[]>();
    private readonly routes: RecordedRoute[] = [];

    /**
     * @param caller IAM role or user ARN that STS reports as the caller: a role is seen as an assumed-role
     * session (as CI's OIDC role is), which `getSessionContext` resolves back to the role, path included.
     */
    constructor(
        readonly caller: string = OFFLINE_CALLER,
        private readonly options: PlanMocksOptions = {},
    ) {}

    /**
     * A StackReference is a resource read under mocks: its `outputs` (and `secretOutputNames`, the names the engine
     * marks secret) are what the mock returns. An unknown stack fails as the engine does ("unknown stack").
     */
    private stackReferenceOutputs(inputs: Props): Props {
        const name = str(inputs.name, "");
        const stacks = this.options.stacks ?? {};
        const stack = stacks[name];
        if (!stack) throw new Error(`unknown stack ${JSON.stringify(name)}: the offline plan knows ${Object.keys(stacks).join(", ") || "no stack"}`);
        return { name, outputs: stack.outputs, secretOutputNames: [...stack.secretOutputNames] };
    }

    /** `sts:GetCallerIdentity`'s ARN for the caller: an assumed-role session drops the role's path. */
    private callerSessionArn(): string {
        const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(this.caller);
        return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/offline-plan` : this.caller;
    }

    private arn(service: string, resource: string, regional = true): string {
        return `arn:aws:${service}:${regional ? this.region : ""}:${MOCK_ACCOUNT_ID}:${resource}`;
    }

    private vpcOutputs(name: string, inputs: Props): Props {
        const azs = typeof inputs.numberOfAvailabilityZones === "number" ? inputs.numberOfAvailabilityZones : 3;
        const subnets = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${hex(`${name}-${kind}-${i}`, 17)}`);
        const strategy = (inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
        const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
        return {
            vpcId: `vpc-${hex(name, 17)}`,
            privateSubnetIds: subnets("private"),
            publicSubnetIds: subnets("public"),
            isolatedSubnetIds: [],
            // Public IPs from the documentation range (RFC 5737), one per NAT gateway.
            natGateways: Array.from({ length: nats }, (_, i) => ({
                id: `nat-${hex(`${name}-nat-${i}`, 17)}`,
                publicIp: `198.51.100.${(parseInt(hex(`${name}-nat-${i}`, 2), 16) % 250) + 1}`,
            })),
        };
    }

    private clusterOutputs(name: string, inputs: Props): Props {
        const clusterName = str(inputs.name, name);
        const oidcId = hex(`${clusterName}-oidc`, 32).toUpperCase();
        const oidcIssuer = `oidc.eks.${this.region}.amazonaws.com/id/${oidcId}`;
        const endpoint = `https://${hex(clusterName, 32).toUpperCase()}.gr7.${this.region}.eks.amazonaws.com`;
        const certificateAuthority = Buffer.from(`mock-ca-for-${clusterName}`).toString("base64");
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
            contexts: [{ name: "aws", context: { cluster: clusterName, user: "aws" } }],
            "current-context": "aws",
            users: [
                {
                    name: "aws",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", this.region],
                        },
                    },
                },
            ],
        };
        return {
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcIssuer,
            oidcProviderUrl: `https://${oidcIssuer}`,
            oidcProviderArn: this.arn("iam", `oidc-provider/${oidcIssuer}`, false),
            clusterSecurityGroupId: `sg-${hex(`${clusterName}-cluster`, 17)}`,
            nodeSecurityGroupId: `sg-${hex(`${clusterName}-node`, 17)}`,
            core: { endpoint, vpcId: inputs.vpcId, subnetIds: inputs.privateSubnetIds ?? [] },
        };
    }

    /**
     * An ACM certificate as `RequestCertificate` leaves it: pending, with one CNAME per domain to prove control. ACM
     * derives the record from the name under the wildcard, so `*.example.com` and `example.com` get the same one.
     */
    private certificateOutputs(name: string, inputs: Props): Props {
        const id = `${hex(name, 8)}-${hex(name + "1", 4)}-4${hex(name + "2", 3)}-8${hex(name + "3", 3)}-${hex(name + "4", 12)}`;
        const domains = [str(inputs.domainName, name), ...((inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
        return {
            arn: this.arn("acm", `certificate/${id}`),
            status: "PENDING_VALIDATION",
            domainValidationOptions: domains.map((domainName) => {
                const base = domainName.replace(/^\*\./, "");
                return {
                    domainName,
                    resourceRecordName: `_${hex(`${base}-name`, 32)}.${base}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `_${hex(`${base}-value`, 32)}.${hex(base, 10)}.acm-validations.aws.`,
                };
            }),
        };
    }

    /** Outputs by resource type; anything not listed echoes its inputs plus a generic ARN. */
    private outputs(type: string, name: string, inputs: Props): Props {
        switch (type) {
            case "pulumi:providers:aws":
                this.region = str(inputs.region, this.region);
                return {};
            case "pulumi:pulumi:StackReference":
                return this.stackReferenceOutputs(inputs);
            case "awsx:ec2:Vpc":
                return this.vpcOutputs(name, inputs);
            case "eks:index:Cluster":
                return this.clusterOutputs(name, inputs);
            case "aws:iam/role:Role": {
                const roleName = str(inputs.name, `${name}-${hex(name, 7)}`);
                return { name: roleName, arn: this.arn("iam", `role${str(inputs.path, "/")}${roleName}`, false), uniqueId: `AROA${hex(name, 17).toUpperCase()}` };
            }
            case "aws:iam/policy:Policy": {
                const policyName = str(inputs.name, `${name}-${hex(name, 7)}`);
                return { name: policyName, arn: this.arn("iam", `policy/${policyName}`, false) };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                return { arn: this.arn("iam", `oidc-provider/${str(inputs.url, name).replace(/^https:\/\//, "")}`, false) };
            case "aws:iam/instanceProfile:InstanceProfile":
                return { arn: this.arn("iam", `instance-profile/${str(inputs.name, name)}`, false) };
            case "aws:kms/key:Key": {
                const keyId = `${hex(name, 8)}-${hex(name + "1", 4)}-4${hex(name + "2", 3)}-8${hex(name + "3", 3)}-${hex(name + "4", 12)}`;
                return { keyId, arn: this.arn("kms", `key/${keyId}`) };
            }
            case "aws:sqs/queue:Queue": {
                const queueName = str(inputs.name, name);
                return { name: queueName, arn: this.arn("sqs", queueName), url: `https://sqs.${this.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${queueName}` };
            }
            case "aws:cloudwatch/eventRule:EventRule":
                return { name: str(inputs.name, name), arn: this.arn("events", `rule/${str(inputs.name, name)}`) };
            case "aws:ec2/launchTemplate:LaunchTemplate":
                return { arn: this.arn("ec2", `launch-template/lt-${hex(name, 17)}`), latestVersion: 1, defaultVersion: 1 };
            case "aws:eks/nodeGroup:NodeGroup":
                return { arn: this.arn("eks", `nodegroup/${str(inputs.clusterName, "cluster")}/${str(inputs.nodeGroupName, name)}/${hex(name, 8)}`), status: "ACTIVE" };
            case "aws:sns/topic:Topic": {
                const topicName = str(inputs.name, `${name}-${hex(name, 7)}`);
                return { name: topicName, arn: this.arn("sns", topicName) };
            }
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return { arn: this.arn("cloudwatch", `alarm:${str(inputs.name, name)}`) };
            case "aws:cloudwatch/dashboard:Dashboard":
                return { dashboardArn: this.arn("cloudwatch", `dashboard/${str(inputs.dashboardName, name)}`, false) };
            case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
                return { associationArn: this.arn("eks", `podidentityassociation/${str(inputs.clusterName, "cluster")}/a-${hex(name, 17)}`), associationId: `a-${hex(name, 17)}` };
            case "aws:s3/bucketV2:BucketV2":
            case "aws:s3/bucket:Bucket":
                return { bucket: str(inputs.bucket, name), arn: `arn:aws:s3:::${str(inputs.bucket, name)}` };
            case "aws:acm/certificate:Certificate":
                return this.certificateOutputs(name, inputs);
            case "aws:acm/certificateValidation:CertificateValidation":
                return { certificateArn: inputs.certificateArn };
            case "aws:route53/record:Record":
                // The provider stores names lowercased, without the trailing dot ACM's record names carry.
                return { fqdn: str(inputs.name, name).toLowerCase().replace(/\.$/, "") };
            case "kubernetes:gateway.networking.k8s.io/v1:Gateway": {
                const ns = str((inputs.metadata as Props | undefined)?.namespace, "default");
                const gw = str((inputs.metadata as Props | undefined)?.name, name);
                return {
                    status: {
                        addresses: [{ type: "Hostname", value: `k8s-${ns.slice(0, 8)}-${gw.slice(0, 8)}-${hex(gw, 10)}.${this.region}.elb.amazonaws.com` }],
                    },
                };
            }
            case "kubernetes:helm.sh/v3:Release":
                return { status: { name: str(inputs.name, name), namespace: str(inputs.namespace, "default"), version: inputs.version, status: "deployed", revision: 1 } };
            default:
                if (type.startsWith("aws:")) {
                    const service = type.split(":")[1].split("/")[0];
                    return { arn: this.arn(service, `${type.split(":")[2].toLowerCase()}/${name}`) };
                }
                return {};
        }
    }

    /**
     * Remembers what the AWS Load Balancer Controller would act on (Gateways, Services, HTTPRoutes), so that the
     * tagging API can answer with the ALB and target groups the controller would have made for them.
     */
    private record(type: string, inputs: Props): void {
        const meta = (inputs.metadata ?? {}) as Props;
        const namespace = str(meta.namespace, "default");
        const name = str(meta.name, "");
        if (type === "eks:index:Cluster") this.clusterName = str(inputs.name, this.clusterName);
        if (type === "kubernetes:gateway.networking.k8s.io/v1:Gateway") this.gateways.push({ namespace, name });
        if (type === "kubernetes:core/v1:Service") {
            const ports = (((inputs.spec ?? {}) as Props).ports ?? []) as Props[];
            this.servicePorts.set(`${namespace}/${name}`, ports.map((p) => ({ port: p.port, targetPort: p.targetPort ?? p.port })));
        }
        if (type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute") {
            const spec = (inputs.spec ?? {}) as Props;
            const parents = ((spec.parentRefs ?? []) as Props[]).map((p) => ({ namespace: str(p.namespace, namespace), name: str(p.name, "") }));
            const backends = ((spec.rules ?? []) as Props[]).flatMap((rule) =>
                ((rule.backendRefs ?? []) as Props[]).map((b) => ({ service: { namespace: str(b.namespace, namespace), name: str(b.name, "") }, port: b.port })),
            );
            this.routes.push({ namespace, name, parents, backends });
        }
    }

    /**
     * What the controller (v3.5.0) tags for a Gateway: the ALB (`resource: LoadBalancer`) and one target group per
     * HTTPRoute backend, `resource: <gwNs>/<gwName>:<routeNs>-<routeName>:HTTPRoute-<svcNs>-<svcName>:<targetPort>`,
     * named `k8s-<routeNs:8>-<routeName:8>-<hash:10>` (pkg/gateway/model/model_build_target_group.go).
     */
    private controllerResources(): { resourceArn: string; tags: Record<string, string> }[] {
        const arn = (resource: string) => this.arn("elasticloadbalancing", resource);
        const out: { resourceArn: string; tags: Record<string, string> }[] = [];
        for (const gw of this.gateways) {
            const stack = `${gw.namespace}/${gw.name}`;
            const tags = (resource: string) => ({ "elbv2.k8s.aws/cluster": this.clusterName, "gateway.k8s.aws.alb/stack": stack, "gateway.k8s.aws.alb/resource": resource });
            out.push({
                resourceArn: arn(`loadbalancer/app/k8s-${gw.namespace.slice(0, 8)}-${gw.name.slice(0, 8)}-${hex(gw.name, 10)}/${hex(stack, 16)}`),
                tags: tags("LoadBalancer"),
            });
            for (const route of this.routes.filter((r) => r.parents.some((p) => p.namespace === gw.namespace && p.name === gw.name))) {
                for (const backend of route.backends) {
                    const port = this.servicePorts.get(`${backend.service.namespace}/${backend.service.name}`)?.find((p) => p.port === backend.port);
                    if (!port) continue; // the controller reports the route as not resolved and makes no target group
                    const resource = `${stack}:${route.namespace}-${route.name}:HTTPRoute-${backend.service.namespace}-${backend.service.name}:${String(port.targetPort)}`;
                    const tgName = `k8s-${sanitize(route.namespace).slice(0, 8)}-${sanitize(route.name).slice(0, 8)}-${hex(resource, 10)}`;
                    out.push({ resourceArn: arn(`targetgroup/${tgName}/${hex(`${resource}-id`, 16)}`), tags: tags(resource) });
                }
            }
        }
        return out;
    }

    private readonly taggingCalls = new Set<string>();

    private taggedResources(inputs: Props): Props {
        // Offline nothing changes between two listings: asking again means waiting for something the simulated
        // controller will never make. Fail at once rather than let the program wait out its timeout.
        const key = JSON.stringify(inputs);
        if (this.taggingCalls.has(key)) {
            throw invokeError(`the offline plan's load balancer controller made only ${this.controllerResources().map((r) => r.tags["gateway.k8s.aws.alb/resource"]).join(", ")}: the program waits for target groups no HTTPRoute asks for`);
        }
        this.taggingCalls.add(key);
        const filters = ((inputs.tagFilters ?? []) as { key: string; values?: string[] }[]);
        const types = (inputs.resourceTypeFilters ?? []) as string[];
        const list = this.controllerResources().filter(
            (r) =>
                filters.every((f) => f.key in r.tags && (!f.values || f.values.length === 0 || f.values.includes(r.tags[f.key]))) &&
                (types.length === 0 || types.some((t) => r.resourceArn.includes(`:${t.split(":")[1]}/`))),
        );
        return { id: this.region, region: this.region, resourceTagMappingLists: list.map((r) => ({ ...r, complianceDetails: [] })) };
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = (args.inputs ?? {}) as Props;
        this.record(args.type, inputs);
        // A read resource (a StackReference) keeps the id it was read by.
        const id = args.id ? args.id : args.type.startsWith("pulumi:providers:") ? `${args.name}-provider-id` : `${args.name}-id`;
        return { id, state: { ...inputs, ...this.outputs(args.type, args.name, inputs) } };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        // An invoke that names no provider gets the package's default one, which the stack disables: the engine
        // refuses it (resmon.getProviderFromSource, message diag.GetDefaultProviderDenied("Invoke")).
        const pkg = args.token.split(":")[0];
        if (!args.provider && defaultProviderDenied(this.options.disableDefaultProviders, pkg)) {
            throw invokeError(`Default provider for '${pkg}' disabled. '${args.token}' must use an explicit provider.`);
        }
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: MOCK_ACCOUNT_ID, arn: this.callerSessionArn(), userId: "AIDAOFFLINEPLAN", id: MOCK_ACCOUNT_ID };
            case "aws:iam/getSessionContext:getSessionContext": {
                const arn = String((args.inputs as Props).arn);
                const session = /^arn:[a-z-]+:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
                const issuerArn = arn === this.callerSessionArn() ? this.caller : arn;
                return { arn, issuerArn, issuerId: "AROAOFFLINEPLAN", issuerName: session?.[1] ?? arn.split("/").pop(), sessionName: session?.[2] ?? "", id: arn };
            }
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region, description: this.region, endpoint: `ec2.${this.region}.amazonaws.com` };
            case "aws:eks/getCluster:getCluster": {
                const name = String((args.inputs as Props).name);
                return {
                    name,
                    id: name,
                    arn: this.arn("eks", `cluster/${name}`),
                    vpcConfig: { clusterSecurityGroupId: `sg-${hex(`${name}-eks-cluster-sg`, 17)}`, endpointPrivateAccess: true },
                };
            }
            case "aws:ec2/getVpc:getVpc": {
                // An existing VPC: a fixed CIDR stands in for the one AWS would report. Only a lookup by id is known
                // offline: without an id or filters the data source matches every VPC of the region (the default VPC
                // or "multiple EC2 VPCs matched"), and the plan would report a CIDR of some other network.
                const given = (args.inputs as Props).id;
                if (typeof given !== "string" || given === "") {
                    throw invokeError(`The offline plan knows only VPCs looked up by id, got ${JSON.stringify(args.inputs)}`);
                }
                const id = given;
                return { id, cidrBlock: "10.99.0.0/16", arn: this.arn("ec2", `vpc/${id}`) };
            }
            case "aws:lb/getHostedZoneId:getHostedZoneId": {
                const region = str((args.inputs as Props).region, this.region);
                // The data source's schema (terraform-provider-aws aws_lb_hosted_zone_id): optional, "application" by
                // default, else "application" or "network".
                const given = (args.inputs as Props).loadBalancerType;
                if (given !== undefined && given !== "application" && given !== "network") {
                    throw invokeError(`expected load_balancer_type to be one of ["application" "network"], got ${JSON.stringify(given)}`);
                }
                const type = str(given, "application");
                const id = type === "application" ? ALB_HOSTED_ZONE_IDS[region] : undefined;
                if (!id) throw new Error(`The offline plan knows no ${type} load balancer hosted zone for region ${region}`);
                return { id, loadBalancerType: type, region };
            }
            case "aws:route53/getZone:getZone": {
                const zoneId = String((args.inputs as Props).zoneId);
                const zone = MOCK_HOSTED_ZONES[zoneId] ?? this.options.assumedHostedZones?.[zoneId];
                // What the provider reports for a zone ID the account does not have.
                if (!zone) throw new Error(`reading Route 53 Hosted Zone (${zoneId}): couldn't find resource (NoSuchHostedZone)`);
                return {
                    id: zoneId,
                    zoneId,
                    name: zone.name,
                    privateZone: zone.privateZone,
                    arn: `arn:aws:route53:::hostedzone/${zoneId}`,
                    nameServers: zone.privateZone ? [] : ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"],
                    primaryNameServer: zone.privateZone ? "" : "ns-1.awsdns-01.org",
                    callerReference: zoneId,
                    comment: "",
                    linkedServiceDescription: "",
                    linkedServicePrincipal: "",
                    resourceRecordSetCount: 2,
                    tags: {},
                };
            }
            case "aws:eks/getAddonVersion:getAddonVersion": {
                const { addonName, kubernetesVersion, mostRecent } = args.inputs as { addonName: string; kubernetesVersion: string; mostRecent?: boolean };
                // `mostRecent` (default false) picks the newest version EKS offers for the minor instead of its default
                // one (aws_eks_addon_version). The offline table holds one version per minor; it does not know which
                // builds AWS would list as newer, so it answers only the question it can.
                if (mostRecent === true) {
                    throw invokeError(`The offline plan knows only the default version of an add-on (mostRecent false), not the newest ${addonName} for Kubernetes ${kubernetesVersion}`);
                }
                return { addonName, kubernetesVersion, version: mockAddonVersion(addonName, kubernetesVersion), id: addonName };
            }
            case "aws:resourcegroupstaggingapi/getResources:getResources":
                return this.taggedResources(args.inputs as Props);
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { names: ["a", "b", "c"].map((z) => `${this.region}${z}`), zoneIds: ["1", "2", "3"].map((z) => `apne2-az${z}`), id: this.region };
            default:
                throw invokeError(`The offline plan has no mock for invoke ${args.token}`);
        }
    }
}
