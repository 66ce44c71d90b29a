/**
 * Which changes `pulumi preview` would show as replacements (`+-`), and which the engine would refuse.
 *
 * A provider replaces a resource when an input it marks replace-on-change differs: Terraform's `ForceNew` /
 * `RequiresReplace` for the bridged AWS provider, `forceNewProperties` for Kubernetes objects. The lists below are
 * taken from those providers' sources (each names its file) for the resource types this project creates, including the
 * children of the multi-language components (`plan/components.ts`). On top of the per-type lists, the engine's rules:
 *
 * - a resource whose provider is replaced is replaced (pulumi/pulumi `stepGenerator.providerChanged`);
 * - an input that comes from a replaced (or new) resource is unknown at preview, so a replace-on-change input that
 *   comes from one forces a replacement too;
 * - replacing or deleting a resource that is protected, before and after, is refused
 *   (`stepGenerator.generateStepsFromDiff`: "unable to replace resource ... as it is currently marked for protection").
 *
 * And two refusals from AWS itself: EKS cannot delete a cluster with deletion protection on (so a replacement needs the
 * protection lifted by an earlier update), and EKS upgrades the control plane one minor version at a time, never down.
 */
import { awsRegionOf, isRef, modelledChildren, MODELLED_COMPONENTS, ModelledChild } from "./components";
import type { Plan, PlannedResource } from "./harness";

export type ChangeOp = "create" | "update" | "replace" | "delete";

export interface FieldChange {
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
}

export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly op: ChangeOp;
    readonly changes: readonly FieldChange[];
    /** Why the provider would replace it: the replace-on-change inputs that change, `provider` or `region`. */
    readonly replaceReasons?: readonly string[];
    /** For a modelled child of a multi-language component: the component's URN. */
    readonly within?: string;
    /** For a multi-language component: its modelled children that would be replaced (listed as their own steps too). */
    readonly replacesInside?: readonly string[];
    /** Set when the engine or AWS would refuse this step; the preview fails. */
    readonly refused?: string;
}

/** The value `pulumi preview` shows for an input that depends on a replaced or new resource. */
export const UNKNOWN = "(known after apply)";

// ------------------------------------------------------------------------------------------------------------
// Replace-on-change inputs per resource type
// ------------------------------------------------------------------------------------------------------------

export interface ReplaceRule {
    /** Inputs whose change forces a new resource (dotted Pulumi input paths). */
    readonly forceNew: readonly string[];
    /** Of those, the Optional+Computed ones: leaving one out keeps the old value, which is not a change. */
    readonly computed?: readonly string[];
    /** Set-typed inputs: order does not matter. */
    readonly sets?: readonly string[];
    /** A replacement condition that is not a plain change (a provider's CustomizeDiff). */
    readonly when?: (before: Record<string, unknown>, after: Record<string, unknown>) => string | undefined;
    /** Where the list comes from. */
    readonly source: string;
}

const TF = "hashicorp/terraform-provider-aws internal/service";

/**
 * Bridged AWS resources (pulumi-aws 7.x is built on terraform-provider-aws 6.x). Every regional resource also has
 * `region` (Optional+Computed, ForceNew; "Changing the value of region will force resource replacement", TF
 * website/docs/guides/enhanced-region-support.html.markdown): a change of the provider's region replaces it.
 */
export const FORCE_NEW: Readonly<Record<string, ReplaceRule>> = {
    "aws:eks/cluster:Cluster": {
        forceNew: [
            "name",
            "roleArn",
            "bootstrapSelfManagedAddons",
            "accessConfig.bootstrapClusterCreatorAdminPermissions",
            "kubernetesNetworkConfig.ipFamily",
            "kubernetesNetworkConfig.serviceIpv4Cidr",
            "outpostConfig",
            "remoteNetworkConfig",
        ],
        computed: ["kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr"],
        // customdiff.ForceNewIfChange("encryption_config"): envelope encryption cannot be turned off.
        when: (before, after) => (before.encryptionConfig !== undefined && after.encryptionConfig === undefined ? "encryptionConfig" : undefined),
        source: `${TF}/eks/cluster.go`,
    },
    "aws:eks/nodeGroup:NodeGroup": {
        forceNew: [
            "amiType",
            "capacityType",
            "clusterName",
            "diskSize",
            "instanceTypes",
            "launchTemplate.id",
            "launchTemplate.name",
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "remoteAccess",
            "subnetIds",
        ],
        computed: ["amiType", "capacityType", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix"],
        sets: ["subnetIds"],
        source: `${TF}/eks/node_group.go`,
    },
    "aws:eks/addon:Addon": { forceNew: ["addonName", "clusterName"], source: `${TF}/eks/addon.go` },
    "aws:eks/accessEntry:AccessEntry": { forceNew: ["clusterName", "principalArn", "type"], source: `${TF}/eks/access_entry.go` },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        // No update function: every argument replaces.
        forceNew: ["accessScope", "clusterName", "policyArn", "principalArn"],
        source: `${TF}/eks/access_policy_association.go`,
    },
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        forceNew: ["clusterName", "namespace", "serviceAccount"],
        source: `${TF}/eks/pod_identity_association.go (RequiresReplace)`,
    },
    "aws:kms/key:Key": {
        forceNew: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
        computed: ["multiRegion"],
        source: `${TF}/kms/key.go`,
    },
    "aws:kms/alias:Alias": { forceNew: ["name", "namePrefix"], computed: ["name", "namePrefix"], source: `${TF}/kms/alias.go` },
    "aws:cloudwatch/logGroup:LogGroup": {
        forceNew: ["logGroupClass", "name", "namePrefix"],
        computed: ["logGroupClass", "name", "namePrefix"],
        source: `${TF}/logs/group.go`,
    },
    "aws:s3/bucket:Bucket": {
        forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"],
        computed: ["bucket", "bucketPrefix", "objectLockEnabled"],
        source: `${TF}/s3/bucket.go`,
    },
    // The bucket's configuration resources: each is keyed by its bucket.
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        forceNew: ["bucket", "expectedBucketOwner"],
        source: `${TF}/s3/bucket_lifecycle_configuration.go (RequiresReplace)`,
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { forceNew: ["bucket"], source: `${TF}/s3/bucket_ownership_controls.go` },
    "aws:s3/bucketPolicy:BucketPolicy": { forceNew: ["bucket"], source: `${TF}/s3/bucket_policy.go` },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { forceNew: ["bucket"], source: `${TF}/s3/bucket_public_access_block.go` },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        forceNew: ["bucket", "expectedBucketOwner"],
        source: `${TF}/s3/bucket_server_side_encryption_configuration.go`,
    },
    "aws:sqs/queue:Queue": { forceNew: ["fifoQueue", "name", "namePrefix"], computed: ["name", "namePrefix"], source: `${TF}/sqs/queue.go` },
    "aws:sqs/queuePolicy:QueuePolicy": { forceNew: ["queueUrl"], source: `${TF}/sqs/queue_policy.go` },
    // Observability (issue 21): the alarm topic, its policy, the alarms, the dashboard and the chat channel.
    "aws:sns/topic:Topic": { forceNew: ["fifoTopic", "name", "namePrefix"], computed: ["name", "namePrefix"], source: `${TF}/sns/topic.go` },
    "aws:sns/topicPolicy:TopicPolicy": { forceNew: ["arn"], source: `${TF}/sns/topic_policy.go` },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { forceNew: ["name"], computed: ["name"], source: `${TF}/cloudwatch/metric_alarm.go (alarm_name)` },
    "aws:cloudwatch/dashboard:Dashboard": { forceNew: ["dashboardName"], source: `${TF}/cloudwatch/dashboard.go` },
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": {
        forceNew: ["configurationName", "slackTeamId"],
        source: `${TF}/chatbot/slack_channel_configuration.go (configuration_name, slack_team_id: UpdateSlackChannelConfiguration takes neither)`,
    },
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": {
        forceNew: ["configurationName", "teamId", "tenantId"],
        source: `${TF}/chatbot/teams_channel_configuration.go (configuration_name, team_id, tenant_id: UpdateMicrosoftTeamsChannelConfiguration takes none of them)`,
    },
    "aws:cloudwatch/eventRule:EventRule": {
        forceNew: ["eventBusName", "name", "namePrefix"],
        computed: ["name", "namePrefix"],
        source: `${TF}/events/rule.go`,
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        forceNew: ["eventBusName", "rule", "targetId"],
        computed: ["targetId"],
        source: `${TF}/events/target.go`,
    },
    "aws:iam/role:Role": { forceNew: ["name", "namePrefix", "path"], computed: ["name", "namePrefix"], source: `${TF}/iam/role.go` },
    "aws:iam/rolePolicy:RolePolicy": { forceNew: ["name", "namePrefix", "role"], computed: ["name", "namePrefix"], source: `${TF}/iam/role_policy.go` },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { forceNew: ["policyArn", "role"], source: `${TF}/iam/role_policy_attachment.go` },
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": { forceNew: ["awsServiceName", "customSuffix"], source: `${TF}/iam/service_linked_role.go` },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        forceNew: ["securityGroupId"],
        source: `${TF}/ec2/vpc_security_group_ingress_rule.go (RequiresReplace; the rule itself is modified in place)`,
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { forceNew: ["url"], source: `${TF}/iam/openid_connect_provider.go` },
    "aws:ec2/launchTemplate:LaunchTemplate": { forceNew: ["name", "namePrefix"], computed: ["name", "namePrefix"], source: `${TF}/ec2/ec2_launch_template.go` },
    "aws:ec2/tag:Tag": { forceNew: ["key", "resourceId"], source: `${TF}/ec2/ec2_tag.go` },
    "aws:ec2/vpc:Vpc": {
        // cidr_block through CustomizeDiff (ForceNew unless it came from IPAM); instance_tenancy unless dedicated → default.
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
        when: (before, after) =>
            before.instanceTenancy !== after.instanceTenancy && !(before.instanceTenancy === "dedicated" && after.instanceTenancy === "default")
                ? "instanceTenancy"
                : undefined,
        source: `${TF}/ec2/vpc_.go`,
    },
    "aws:ec2/subnet:Subnet": {
        forceNew: [
            "availabilityZone",
            "availabilityZoneId",
            "cidrBlock",
            "ipv4IpamPoolId",
            "ipv4NetmaskLength",
            "ipv6IpamPoolId",
            "ipv6Native",
            "ipv6NetmaskLength",
            "outpostArn",
            "vpcId",
        ],
        computed: ["availabilityZone", "availabilityZoneId", "cidrBlock"],
        source: `${TF}/ec2/vpc_subnet.go`,
    },
    "aws:ec2/natGateway:NatGateway": {
        forceNew: ["allocationId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount", "subnetId"],
        computed: ["privateIp", "secondaryPrivateIpAddressCount"],
        source: `${TF}/ec2/vpc_nat_gateway.go`,
    },
    "aws:ec2/eip:Eip": { forceNew: [], source: `${TF}/ec2/ec2_eip.go (only tags and associations here: updated in place)` },
    "aws:ec2/internetGateway:InternetGateway": { forceNew: [], source: `${TF}/ec2/vpc_internet_gateway.go (vpc_id is attached and detached in place)` },
};

/** AWS services whose resources are global (no `region`): IAM (the enhanced-region-support guide's "Global services"). */
function isRegional(type: string): boolean {
    return type.startsWith("aws:") && !type.startsWith("aws:iam/");
}

/**
 * Kubernetes objects: identity (`.metadata.name`, `.metadata.namespace`) always, plus the kind's own list; Helm
 * releases: `.name`, `.namespace`. pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (`forceNewProperties`) and
 * helm_release.go (`forceNewFields`), 2026-07 (94977969d).
 */
const KUBERNETES_FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
    "apps/v1:Deployment": ["spec.selector"],
    "apps/v1:DaemonSet": ["spec.selector"],
    "apps/v1:StatefulSet": ["spec.podManagementPolicy", "spec.revisionHistoryLimit", "spec.selector", "spec.serviceName", "spec.volumeClaimTemplates"],
    "batch/v1:Job": ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"],
    "core/v1:Service": ["spec.clusterIP"],
    "core/v1:Secret": ["type"],
    "core/v1:PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
    "rbac.authorization.k8s.io/v1:RoleBinding": ["roleRef"],
    "rbac.authorization.k8s.io/v1:ClusterRoleBinding": ["roleRef"],
    "storage.k8s.io/v1:StorageClass": ["parameters", "provisioner"],
};

/** The replace-on-change rule of a resource type, or undefined for types that are never replaced by an input change. */
export function replaceRule(type: string): ReplaceRule | undefined {
    if (FORCE_NEW[type]) return FORCE_NEW[type];
    if (type === "kubernetes:helm.sh/v3:Release") return { forceNew: ["name", "namespace"], source: "pulumi-kubernetes helm_release.go" };
    if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/") && !type.startsWith("kubernetes:yaml/")) {
        const kind = type.slice("kubernetes:".length);
        return { forceNew: ["metadata.name", "metadata.namespace", ...(KUBERNETES_FORCE_NEW[kind] ?? [])], source: "pulumi-kubernetes diff.go" };
    }
    return undefined;
}

/** Types the project creates that have no replace-on-change inputs of their own (components, providers, charts). */
export function hasNoInputReplacement(r: Pick<PlannedResource, "type" | "custom">): boolean {
    return !r.custom || r.type.startsWith("pulumi:providers:") || r.type === "kubernetes:helm.sh/v4:Chart" || r.type === "kubernetes:yaml/v2:ConfigFile";
}

function valueAt(root: unknown, path: string): unknown {
    let v: unknown = root;
    for (const key of path.split(".")) {
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[key];
    }
    return v;
}

/** Replaces `{ $ref }` placeholders: unknown when the referenced child is replaced or new, else the reference itself. */
function resolveRefs(value: unknown, changed: ReadonlySet<string>): unknown {
    if (isRef(value)) return changed.has(value.$ref) ? UNKNOWN : `ref:${value.$ref}`;
    if (Array.isArray(value)) return value.map((v) => resolveRefs(v, changed));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, changed)]));
    return value;
}

/** The replace-on-change inputs of `rule` that differ; `unknown` lists the top-level inputs that are unknown. */
export function forceNewReasons(
    rule: ReplaceRule,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    unknown: ReadonlySet<string> = new Set(),
): string[] {
    const reasons: string[] = [];
    const norm = (path: string, v: unknown) => JSON.stringify(rule.sets?.includes(path) && Array.isArray(v) ? [...v].map(String).sort() : v);
    for (const path of rule.forceNew) {
        const top = path.split(".")[0];
        const a = valueAt(after, path);
        if (unknown.has(top) || a === UNKNOWN) {
            reasons.push(path);
            continue;
        }
        if (a === undefined && rule.computed?.includes(path)) continue;
        if (norm(path, valueAt(before, path)) !== norm(path, a)) reasons.push(path);
    }
    const extra = rule.when?.(before, after);
    if (extra) reasons.push(extra);
    return reasons;
}

// ------------------------------------------------------------------------------------------------------------
// Provider rules
// ------------------------------------------------------------------------------------------------------------

/** A kubeconfig input as the plan records it (possibly a secret wrapper around a JSON string). */
function kubeconfigOf(inputs: Record<string, unknown>): Record<string, any> | undefined {
    let v: unknown = inputs.kubeconfig;
    if (v && typeof v === "object" && "value" in (v as object)) v = (v as { value: unknown }).value;
    if (typeof v !== "string") return v && typeof v === "object" ? (v as Record<string, any>) : undefined;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

/** pulumi-kubernetes `getActiveClusterFromConfig`: the cluster entry of the current context. */
function activeCluster(inputs: Record<string, unknown>): unknown {
    const config = kubeconfigOf(inputs);
    if (!config) return undefined;
    const contextName = (inputs.context as string | undefined) ?? config["current-context"];
    const context = (config.contexts ?? []).find((c: { name: string }) => c.name === contextName)?.context;
    const clusterName = (inputs.cluster as string | undefined) ?? context?.cluster;
    return (config.clusters ?? []).find((c: { name: string }) => c.name === clusterName)?.cluster;
}

/**
 * pulumi-kubernetes `kubeProvider.DiffConfig` (provider/pkg/provider/provider.go): a new `clusterIdentifier`, an
 * unknown kubeconfig, or a different active cluster (server, CA) replaces the provider, and with it every object.
 */
function kubernetesProviderReplaces(before: Record<string, unknown>, after: Record<string, unknown>, unknown: ReadonlySet<string>): string[] {
    if (before.clusterIdentifier !== undefined && after.clusterIdentifier !== undefined && before.clusterIdentifier !== after.clusterIdentifier) {
        return ["clusterIdentifier"];
    }
    if (after.clusterIdentifier !== undefined && before.clusterIdentifier === after.clusterIdentifier) return [];
    for (const key of ["kubeconfig", "context", "cluster"]) if (unknown.has(key)) return [key];
    return JSON.stringify(activeCluster(before)) !== JSON.stringify(activeCluster(after)) ? ["kubeconfig"] : [];
}

// ------------------------------------------------------------------------------------------------------------
// Classification of a diff
// ------------------------------------------------------------------------------------------------------------

const providerUrn = (reference: string | undefined) => (reference === undefined ? undefined : reference.slice(0, reference.lastIndexOf("::")));

/** Field changes between two input objects (leaves, dotted paths; arrays of equal length element by element). */
export function fieldChanges(before: unknown, after: unknown, path = "", out: FieldChange[] = []): FieldChange[] {
    if (JSON.stringify(before) === JSON.stringify(after)) return out;
    const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
    if (isObj(before) && isObj(after)) {
        const a = before as Record<string, unknown>;
        const b = after as Record<string, unknown>;
        for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) fieldChanges(a[k], b[k], path ? `${path}.${k}` : k, out);
        return out;
    }
    if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        before.forEach((v, i) => fieldChanges(v, after[i], `${path}[${i}]`, out));
        return out;
    }
    out.push({ path, before, after });
    return out;
}

/** Field changes of a rule's Optional+Computed inputs that are only left out: no change to the provider. */
function withoutComputedOmissions(rule: ReplaceRule | undefined, changes: FieldChange[]): FieldChange[] {
    if (!rule?.computed) return changes;
    return changes.filter((c) => !(c.after === undefined && rule.computed!.some((p) => c.path === p || c.path.startsWith(`${p}.`) || c.path.startsWith(`${p}[`))));
}

const minor = (version: unknown) => Number(String(version).split(".")[1]);

/**
 * The children a multi-language component's outputs come from: when one is replaced, created or deleted, the
 * component's outputs (the VPC id and subnet ids; the cluster's endpoint, kubeconfig and OIDC issuer) are new.
 */
const COMPONENT_OUTPUT_SOURCES: Readonly<Record<string, readonly string[]>> = {
    "awsx:ec2:Vpc": ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"],
    "eks:index:Cluster": ["aws:eks/cluster:Cluster", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"],
};

/**
 * Types whose outputs change on an in-place update (a launch template's `latestVersion` is recomputed whenever its
 * data changes): inputs taken from them are unknown at preview, so their dependents show an update too.
 */
const OUTPUTS_CHANGE_ON_UPDATE: ReadonlySet<string> = new Set(["aws:ec2/launchTemplate:LaunchTemplate"]);

/**
 * Every step `pulumi preview` would show between two plans of the program, with replacements and refusals.
 * Resources come in the order the program registers them; a component's modelled children follow it.
 */
export function classifyChanges(before: Plan, after: Plan): ResourceChange[] {
    const oldByUrn = new Map(before.resources.map((r) => [r.urn, r]));
    const newUrns = new Set(after.resources.map((r) => r.urn));
    /** Resources (and modelled children) that will have a new identity: inputs from them are unknown at preview. */
    const renewed = new Set<string>();
    /** Resources updated in place whose outputs change with it. */
    const touched = new Set<string>();
    const replacedProviders = new Set<string>();
    const regionChanged = new Set<string>();
    const out: ResourceChange[] = [];

    for (const r of after.resources) {
        const old = oldByUrn.get(r.urn);
        if (!old) {
            renewed.add(r.urn);
            out.push({ urn: r.urn, type: r.type, name: r.name, op: "create", changes: [] });
            out.push(...childSteps(before, after, undefined, r, renewed));
            continue;
        }
        const fromInputs = (set: ReadonlySet<string>) =>
            new Set(
                Object.entries(r.propertyDependencies ?? {})
                    .filter(([, deps]) => deps.some((d) => set.has(d)))
                    .map(([key]) => key),
            );
        const unknown = fromInputs(renewed);
        const softUnknown = [...fromInputs(touched)].filter((k) => !unknown.has(k));
        const rule = replaceRule(r.type);
        const unknownKeys = new Set([...unknown, ...softUnknown]);
        const fields = withoutComputedOmissions(rule, fieldChanges(old.inputs, r.inputs)).filter((f) => !unknownKeys.has(f.path.split(/[.[]/)[0]));
        for (const key of [...unknownKeys].sort()) fields.push({ path: key, before: old.inputs[key], after: UNKNOWN });

        const reasons: string[] = [];
        if (r.type === "pulumi:providers:kubernetes") reasons.push(...kubernetesProviderReplaces(old.inputs, r.inputs, unknown));
        if (r.type === "pulumi:providers:aws" && old.inputs.region !== r.inputs.region) regionChanged.add(r.urn);
        const provider = providerUrn(r.provider);
        if (provider && replacedProviders.has(provider)) reasons.push("provider");
        // Kubernetes multi-language components (ConfigFile, Chart v4): their objects go with the provider.
        if (!r.custom && r.type.startsWith("kubernetes:") && Object.values(r.providers).some((ref) => replacedProviders.has(providerUrn(ref)!))) {
            reasons.push("provider");
        }
        if (provider && regionChanged.has(provider) && isRegional(r.type)) reasons.push("region");
        if (rule && r.custom) {
            const afterInputs = { ...r.inputs, ...Object.fromEntries([...unknown].map((k) => [k, UNKNOWN])) };
            reasons.push(...forceNewReasons(rule, old.inputs, afterInputs, unknown));
        }

        const uniqueReasons = [...new Set(reasons)];
        if (uniqueReasons.length > 0) {
            renewed.add(r.urn);
            if (r.type.startsWith("pulumi:providers:")) replacedProviders.add(r.urn);
            out.push({ urn: r.urn, type: r.type, name: r.name, op: "replace", changes: fields, replaceReasons: uniqueReasons });
        } else if (fields.length > 0) {
            if (OUTPUTS_CHANGE_ON_UPDATE.has(r.type)) touched.add(r.urn);
            out.push({ urn: r.urn, type: r.type, name: r.name, op: "update", changes: fields });
        }
        // A component's children see its unknown inputs as unknown.
        const seen = unknown.size > 0 ? { ...r, inputs: { ...r.inputs, ...Object.fromEntries([...unknown].map((k) => [k, UNKNOWN])) } } : r;
        const children = childSteps(before, after, old, seen, renewed, regionChanged);
        if (children.some((c) => c.op !== "update" && COMPONENT_OUTPUT_SOURCES[r.type]?.includes(c.type))) renewed.add(r.urn);
        const replacesInside = children.filter((c) => c.op === "replace").map((c) => `${c.type} ${c.name}`);
        if (replacesInside.length > 0) {
            const own = out.findIndex((c) => c.urn === r.urn);
            if (own >= 0) out[own] = { ...out[own], replacesInside };
            else out.push({ urn: r.urn, type: r.type, name: r.name, op: "update", changes: [], replacesInside });
        }
        out.push(...children);
    }
    for (const r of before.resources) {
        if (newUrns.has(r.urn)) continue;
        out.push({ urn: r.urn, type: r.type, name: r.name, op: "delete", changes: [] });
        out.push(...childSteps(before, after, r, undefined, renewed));
    }
    const newByUrn = new Map(after.resources.map((r) => [r.urn, r]));
    return out.map((c) => refuse(c, oldByUrn, newByUrn));
}

/** The steps of a multi-language component's modelled children. */
function childSteps(
    beforePlan: Plan,
    afterPlan: Plan,
    old: PlannedResource | undefined,
    now: PlannedResource | undefined,
    renewed: Set<string>,
    regionChanged: ReadonlySet<string> = new Set(),
): ResourceChange[] {
    const component = (now ?? old)!;
    if (!(MODELLED_COMPONENTS as readonly string[]).includes(component.type)) return [];
    const oldChildren = old ? modelledChildren(old, awsRegionOf(beforePlan, old)) : [];
    const newChildren = now ? modelledChildren(now, awsRegionOf(afterPlan, now)) : [];
    const oldByUrn = new Map(oldChildren.map((c) => [c.urn, c]));
    const newByUrn = new Set(newChildren.map((c) => c.urn));
    const regionMoved = now !== undefined && regionChanged.has(providerUrn(now.providers.aws) ?? "");
    const steps: ResourceChange[] = [];
    const step = (c: ModelledChild, op: ChangeOp, changes: FieldChange[] = [], replaceReasons?: string[]): ResourceChange => ({
        urn: c.urn,
        type: c.type,
        name: c.name,
        op,
        changes,
        within: component.urn,
        ...(replaceReasons ? { replaceReasons } : {}),
    });
    for (const c of newChildren) {
        const prior = oldByUrn.get(c.urn);
        if (!prior) {
            renewed.add(c.urn);
            steps.push(step(c, "create"));
            continue;
        }
        const beforeInputs = resolveRefs(prior.inputs, new Set()) as Record<string, unknown>;
        const afterInputs = resolveRefs(c.inputs, renewed) as Record<string, unknown>;
        const rule = FORCE_NEW[c.type];
        const fields = withoutComputedOmissions(rule, fieldChanges(beforeInputs, afterInputs));
        const reasons = [...(rule ? forceNewReasons(rule, beforeInputs, afterInputs) : []), ...(regionMoved && isRegional(c.type) ? ["region"] : [])];
        if (reasons.length > 0) {
            renewed.add(c.urn);
            steps.push(step(c, "replace", fields, reasons));
        } else if (fields.length > 0) {
            steps.push(step(c, "update", fields));
        }
    }
    for (const c of oldChildren) if (!newByUrn.has(c.urn)) steps.push(step(c, "delete"));
    return steps;
}

/** The engine's and AWS's refusals. */
function refuse(c: ResourceChange, oldByUrn: Map<string, PlannedResource>, newByUrn: Map<string, PlannedResource>): ResourceChange {
    const owner = c.within ?? c.urn;
    const old = oldByUrn.get(owner);
    const now = newByUrn.get(owner);
    if (c.op === "replace" && old?.protect && now?.protect) {
        return { ...c, refused: `unable to replace resource "${c.urn}" as it is currently marked for protection` };
    }
    // A resource the program no longer registers keeps the protection its state has (step_generator.go deletes).
    if (c.op === "delete" && old?.protect) {
        return { ...c, refused: `unable to delete resource "${c.urn}" as it is currently marked for protection` };
    }
    if (c.type === "aws:eks/cluster:Cluster" && (c.op === "replace" || c.op === "delete") && (old?.inputs as { deletionProtection?: boolean })?.deletionProtection) {
        return { ...c, refused: "EKS deletion protection is on for the existing cluster: lift it in an update of its own first (allowReplacement=true)" };
    }
    if (c.type === "eks:index:Cluster" && old && now) {
        const from = minor(old.inputs.version);
        const to = minor(now.inputs.version);
        if (to < from || to > from + 1) {
            return { ...c, refused: `EKS upgrades the control plane one minor version at a time and never downgrades: ${old.inputs.version} → ${now.inputs.version}` };
        }
    }
    return c;
}
