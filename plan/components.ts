/**
 * What the multi-language components create inside themselves. Under mocks `eks:index:Cluster` and `awsx:ec2:Vpc`
 * register as one resource without children, but what `pulumi preview` replaces, and which URNs production state
 * holds, are their children's. This models the children that matter (the stateful ones, and those whose replacement
 * follows from theirs) from the components' own source:
 *
 * - pulumi/pulumi-eks v4.3.0 `nodejs/eks/cluster/cluster.ts` (`createCore`: `${name}-eksRole` ServiceRole with its
 *   `${name}-eksRole-role`, `${name}-eksCluster`, `${name}-oidcProvider`, `${name}-kube-proxy`, `${name}-vpc-cni`)
 *   and `nodejs/eks/addons/cni-addon.ts`; kube-proxy and the VPC CNI resolve `getAddonVersion` for the cluster's
 *   version (`mostRecent: true`) unless a version is given.
 * - pulumi/pulumi-awsx `awsx/ec2/vpc.ts` (VPC `${name}`; per AZ and subnet spec, public first, a subnet
 *   `${name}-<type>-<az#>` under the VPC; NAT gateway and EIP `${name}-<az#>` under the public subnet, one for
 *   `Single`, one per AZ for `OnePerAz`) and `awsx/ec2/subnetDistributorNew.ts` (the `Auto` CIDR layout).
 *
 * A child input `{ $ref: urn }` stands for an output of another child: it changes exactly when that child is replaced.
 */
import { mockAddonVersion } from "./mocks";
import type { Plan, PlannedResource } from "./harness";

export interface ModelledChild {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly inputs: Record<string, unknown>;
}

export interface ChildRef {
    readonly $ref: string;
}

export function isRef(v: unknown): v is ChildRef {
    return v !== null && typeof v === "object" && typeof (v as ChildRef).$ref === "string";
}

/** `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>`, as the engine builds a child's URN. */
export function childUrn(parentUrn: string, type: string, name: string): string {
    const parts = parentUrn.split("::");
    return `${parts[0]}::${parts[1]}::${parts[2]}$${type}::${name}`;
}

/** The region of a resource's AWS provider (what names a VPC's availability zones). */
export function awsRegionOf(plan: Plan, r: PlannedResource): string {
    const reference = r.provider ?? r.providers.aws;
    const urn = reference?.slice(0, reference.lastIndexOf("::"));
    const provider = plan.resources.find((p) => p.urn === urn);
    return String((provider?.inputs as { region?: string } | undefined)?.region ?? "us-east-1");
}

/** The components this file models. */
export const MODELLED_COMPONENTS = ["eks:index:Cluster", "awsx:ec2:Vpc"] as const;

/** The modelled children of a component (empty for anything else). `region` names the AZs (`<region>a`, ...). */
export function modelledChildren(component: PlannedResource, region: string): ModelledChild[] {
    switch (component.type) {
        case "eks:index:Cluster":
            return eksClusterChildren(component);
        case "awsx:ec2:Vpc":
            return vpcChildren(component, region);
        default:
            return [];
    }
}

type Inputs = Record<string, any>;

function eksClusterChildren(component: PlannedResource): ModelledChild[] {
    const ci = component.inputs as Inputs;
    const n = component.name;
    const children: ModelledChild[] = [];
    const add = (parent: string, type: string, name: string, inputs: Record<string, unknown>): string => {
        const urn = childUrn(parent, type, name);
        children.push({ urn, type, name, parent, inputs });
        return urn;
    };
    const serviceRole = add(component.urn, "eks:index:ServiceRole", `${n}-eksRole`, {});
    const role = add(serviceRole, "aws:iam/role:Role", `${n}-eksRole-role`, {});
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const subnetIds = ci.subnetIds ?? [...list(ci.publicSubnetIds), ...list(ci.privateSubnetIds)];
    const cluster = add(component.urn, "aws:eks/cluster:Cluster", `${n}-eksCluster`, {
        name: ci.name,
        roleArn: ci.serviceRole ?? { $ref: role },
        version: ci.version,
        vpcConfig: {
            subnetIds,
            endpointPrivateAccess: ci.endpointPrivateAccess,
            endpointPublicAccess: ci.endpointPublicAccess,
            publicAccessCidrs: ci.publicAccessCidrs,
        },
        encryptionConfig: ci.encryptionConfigKeyArn ? { provider: { keyArn: ci.encryptionConfigKeyArn }, resources: ["secrets"] } : undefined,
        kubernetesNetworkConfig:
            ci.kubernetesServiceIpAddressRange || ci.ipFamily
                ? { serviceIpv4Cidr: ci.kubernetesServiceIpAddressRange, ipFamily: ci.ipFamily ?? "ipv4" }
                : undefined,
        // pulumi-eks sets `ignoreChanges` on accessConfig.bootstrapClusterCreatorAdminPermissions (and
        // bootstrapSelfManagedAddons): whatever the project's transform sets there never replaces the cluster.
        accessConfig: ci.authenticationMode ? { authenticationMode: ci.authenticationMode } : undefined,
        enabledClusterLogTypes: ci.enabledClusterLogTypes,
        upgradePolicy: ci.upgradePolicy,
        deletionProtection: ci.deletionProtection,
        tags: { Name: `${n}-eksCluster`, ...(ci.clusterTags ?? {}), ...(ci.tags ?? {}) },
    });
    if (ci.createOidcProvider) {
        add(component.urn, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", `${n}-oidcProvider`, {
            url: { $ref: cluster },
            clientIdLists: ["sts.amazonaws.com"],
        });
    }
    if (ci.kubeProxyAddonOptions?.enabled ?? true) {
        add(component.urn, "aws:eks/addon:Addon", `${n}-kube-proxy`, {
            clusterName: { $ref: cluster },
            addonName: "kube-proxy",
            addonVersion: ci.kubeProxyAddonOptions?.version ?? mockAddonVersion("kube-proxy", ci.version),
            configurationValues: ci.kubeProxyAddonOptions?.configurationValues,
        });
    }
    if (ci.useDefaultVpcCni !== true) {
        const { addonVersion, ...cniOptions } = (ci.vpcCniOptions ?? {}) as Inputs;
        const cni = add(component.urn, "eks:index:VpcCniAddon", `${n}-vpc-cni`, {});
        add(cni, "aws:eks/addon:Addon", `${n}-vpc-cni`, {
            clusterName: { $ref: cluster },
            addonName: "vpc-cni",
            addonVersion: addonVersion ?? mockAddonVersion("vpc-cni", ci.version),
            configuration: Object.keys(cniOptions).length > 0 ? cniOptions : undefined,
        });
    }
    return children;
}

// ---------------------------------------------------------------------------------------------------------------
// awsx:ec2:Vpc
// ---------------------------------------------------------------------------------------------------------------

interface Block {
    readonly base: number;
    readonly bits: number;
}

const size = (bits: number) => 2 ** (32 - bits);
const block = (address: number, bits: number): Block => ({ base: Math.floor(address / size(bits)) * size(bits), bits });
const formatBlock = (b: Block) => `${[24, 16, 8, 0].map((s) => Math.floor(b.base / 2 ** s) % 256).join(".")}/${b.bits}`;

function parseBlock(cidr: string): Block {
    const [ip, bits] = cidr.split("/");
    const address = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    return block(address, Number(bits));
}

/** `nextNetmask`: the block of the next size after the previous one, aligned. */
function nextBlock(previous: Block, bits: number): Block {
    const last = previous.base + size(previous.bits) - 1;
    const containing = block(last, bits);
    return { base: containing.base + size(bits), bits };
}

const newBits = (count: number) => (count === 0 ? 0 : Math.ceil(Math.log2(count)));

interface SubnetSpec {
    readonly type: string;
    readonly name?: string;
    readonly cidrMask?: number;
    readonly tags?: Record<string, string>;
}

/** `allocateSubnetCidrBlocks` of the `Auto` strategy: per AZ, the specs in the given order, each after the previous. */
export function subnetLayout(vpcCidr: string, azCount: number, specs: readonly SubnetSpec[] | undefined): { az: number; spec: SubnetSpec; cidrBlock: string }[] {
    const vpc = parseBlock(vpcCidr);
    const azBits = vpc.bits + newBits(azCount);
    const maxBits = Math.max(azBits, 16);
    const subnetSpecs = specs ?? [
        { type: "Private", cidrMask: maxBits + 1 },
        { type: "Public", cidrMask: maxBits + 2 },
    ];
    const defaultBits = azBits + newBits(subnetSpecs.length);
    const layout: { az: number; spec: SubnetSpec; cidrBlock: string }[] = [];
    let azBlock = block(vpc.base, azBits);
    for (let az = 0; az < azCount; az++) {
        let current: Block | undefined;
        for (const spec of subnetSpecs) {
            const bits = spec.cidrMask ?? defaultBits;
            current = current === undefined ? block(azBlock.base, bits) : nextBlock(current, bits);
            layout.push({ az, spec, cidrBlock: formatBlock(current) });
        }
        azBlock = { base: azBlock.base + size(azBits), bits: azBits };
    }
    return layout;
}

const TYPE_ORDER: Record<string, number> = { public: 0, private: 1, isolated: 2 };

function vpcChildren(component: PlannedResource, region: string): ModelledChild[] {
    const ci = component.inputs as Inputs;
    const n = component.name;
    const children: ModelledChild[] = [];
    const add = (parent: string, type: string, name: string, inputs: Record<string, unknown>): string => {
        const urn = childUrn(parent, type, name);
        children.push({ urn, type, name, parent, inputs });
        return urn;
    };
    const azCount = ci.availabilityZoneNames?.length ?? ci.numberOfAvailabilityZones ?? 3;
    const azNames: string[] = ci.availabilityZoneNames ?? Array.from({ length: azCount }, (_, i) => `${region}${"abcdefgh"[i]}`);
    const vpc = add(component.urn, "aws:ec2/vpc:Vpc", n, {
        cidrBlock: ci.cidrBlock,
        instanceTenancy: ci.instanceTenancy,
        enableDnsHostnames: ci.enableDnsHostnames,
        enableDnsSupport: ci.enableDnsSupport,
        tags: ci.tags,
    });
    add(vpc, "aws:ec2/internetGateway:InternetGateway", n, { vpcId: { $ref: vpc } });
    const strategy = String(ci.natGateways?.strategy ?? "OnePerAz").toLowerCase();
    const layout = subnetLayout(ci.cidrBlock, azCount, ci.subnetSpecs);
    let natGateways = 0;
    for (let az = 0; az < azCount; az++) {
        const inAz = layout
            .filter((l) => l.az === az && l.spec.type !== "Unused")
            .sort((a, b) => (TYPE_ORDER[a.spec.type.toLowerCase()] ?? 3) - (TYPE_ORDER[b.spec.type.toLowerCase()] ?? 3));
        for (const { spec, cidrBlock } of inAz) {
            const isPublic = spec.type.toLowerCase() === "public";
            const subnet = add(vpc, "aws:ec2/subnet:Subnet", `${n}-${spec.name ?? spec.type.toLowerCase()}-${az + 1}`, {
                vpcId: { $ref: vpc },
                availabilityZone: azNames[az],
                cidrBlock,
                mapPublicIpOnLaunch: isPublic,
                tags: { ...(ci.tags ?? {}), ...(spec.tags ?? {}), SubnetType: spec.type },
            });
            const create = strategy === "single" ? natGateways < 1 : strategy === "oneperaz" ? natGateways < az + 1 : false;
            if (isPublic && create) {
                const eip = add(subnet, "aws:ec2/eip:Eip", `${n}-${az + 1}`, { tags: { ...(ci.tags ?? {}), Name: `${n}-${az + 1}` } });
                add(subnet, "aws:ec2/natGateway:NatGateway", `${n}-${az + 1}`, { subnetId: { $ref: subnet }, allocationId: { $ref: eip } });
                natGateways++;
            }
        }
    }
    return children;
}
