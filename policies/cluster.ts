/**
 * EKS control plane: IRSA's OIDC provider, envelope encryption of Secrets, control-plane audit logs, no public API
 * endpoint open to the internet (CIDRs compared as address ranges), and a private-only endpoint in production.
 *
 * Each policy checks the `eks:index:Cluster` component the program declares (its inputs are what the offline plan
 * sees) and, where the setting lives there, the `aws:eks/cluster:Cluster` the component creates (what a real
 * `pulumi preview` analyzes).
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { MAX_PUBLIC_SHARE_DEFAULT, formatShare, publicCoverage } from "./cidr";
import { EnvironmentConfig, environmentProperty } from "./environment";
import { EksCluster } from "./types";
import { isSet } from "./unknowns";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ControlPlaneLogType = (typeof CONTROL_PLANE_LOG_TYPES)[number];

export const eksOidcProvider: ResourceValidationPolicy = {
    name: "eks-oidc-provider",
    description: "EKS clusters create their IAM OIDC provider, so that service accounts can assume IAM roles (IRSA).",
    severity: "high",
    validateResource: validateResourceOfType(EksCluster, (cluster, _args, reportViolation) => {
        if (cluster.createOidcProvider !== true) {
            reportViolation("EKS cluster does not create its IAM OIDC provider (createOidcProvider is not true): IRSA roles cannot be assumed.");
        }
    }),
};

export const eksSecretsEncryption: ResourceValidationPolicy = {
    name: "eks-secrets-encryption",
    description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
    severity: "high",
    validateResource: [
        validateResourceOfType(EksCluster, (cluster, _args, reportViolation) => {
            if (!isSet(cluster, "encryptionConfigKeyArn")) {
                reportViolation("EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfigKeyArn is not set).");
            }
        }),
        validateResourceOfType(aws.eks.Cluster, (cluster, _args, reportViolation) => {
            const config = cluster.encryptionConfig;
            if (!isSet(config?.provider, "keyArn") || !config?.resources?.includes("secrets")) {
                reportViolation(
                    "EKS cluster does not envelope-encrypt Kubernetes Secrets with a KMS key (encryptionConfig needs resources [\"secrets\"] and provider.keyArn).",
                );
            }
        }),
    ],
};

export interface ControlPlaneLogsConfig {
    readonly requiredLogTypes: ControlPlaneLogType[];
}

function checkLogs(enabled: readonly string[] | undefined, args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    const { requiredLogTypes } = args.getConfig<ControlPlaneLogsConfig>();
    const missing = requiredLogTypes.filter((t) => !(enabled ?? []).includes(t));
    if (missing.length > 0) reportViolation(`EKS cluster does not send control-plane logs ${missing.join(", ")} to CloudWatch (enabledClusterLogTypes).`);
}

export const eksControlPlaneLogs: ResourceValidationPolicy = {
    name: "eks-control-plane-logs",
    description: "EKS clusters send the control-plane logs an incident needs (at least api, audit and authenticator) to CloudWatch.",
    severity: "medium",
    configSchema: {
        properties: {
            requiredLogTypes: {
                type: "array",
                items: { type: "string", enum: [...CONTROL_PLANE_LOG_TYPES] },
                default: ["api", "audit", "authenticator"],
                description: "Control-plane log types every cluster must enable.",
            },
        },
    },
    validateResource: [
        validateResourceOfType(EksCluster, (cluster, args, reportViolation) => checkLogs(cluster.enabledClusterLogTypes, args, reportViolation)),
        validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => checkLogs(cluster.enabledClusterLogTypes, args, reportViolation)),
    ],
};

export interface OpenNetworksConfig {
    /** Share of the public address space (0 to 1) from which a set of CIDRs counts as open to the internet. */
    readonly maxPublicShare: number;
}

/** The `maxPublicShare` property of CIDR-based policies. */
export const maxPublicShareProperty = {
    maxPublicShare: {
        type: "number" as const,
        minimum: 0,
        maximum: 1,
        default: MAX_PUBLIC_SHARE_DEFAULT,
        description:
            "Share of the public IPv4 or IPv6 address space (0 to 1) at which a set of CIDRs counts as open to the internet. Default 0.001 (about a /10 of IPv4); private and documentation ranges count as 0.",
    },
};

/**
 * Why a set of CIDRs is open to the internet, or undefined: the union of the ranges is compared with the public
 * address space, so that `0.0.0.0/1` + `128.0.0.0/1` is as open as `0.0.0.0/0`.
 */
export function openTo(cidrs: readonly string[], maxPublicShare: number): string | undefined {
    const coverage = publicCoverage(cidrs);
    if (coverage.invalid.length > 0) return `${coverage.invalid.map((c) => JSON.stringify(c)).join(", ")} (not a CIDR)`;
    if (coverage.share < maxPublicShare || coverage.share === 0) return undefined;
    return `${cidrs.join(", ")} (${formatShare(coverage.share)} of the public address space)`;
}

/** The violation, if a public endpoint (on by default in EKS) admits too much of the internet. */
function openEndpoint(publicAccess: boolean | undefined, cidrs: readonly string[] | undefined, maxPublicShare: number): string | undefined {
    if (publicAccess === false) return undefined;
    const prefix = publicAccess === undefined ? "EKS cluster's public API endpoint (on by default)" : "EKS cluster's public API endpoint";
    if (!cidrs || cidrs.length === 0) {
        return `${prefix} is open to 0.0.0.0/0 (publicAccessCidrs defaults to 0.0.0.0/0): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.`;
    }
    const open = openTo(cidrs, maxPublicShare);
    return open ? `${prefix} is open to ${open}: list specific networks in publicAccessCidrs or turn endpointPublicAccess off.` : undefined;
}

export const eksEndpointNotOpen: ResourceValidationPolicy = {
    name: "eks-endpoint-not-open",
    description:
        "An EKS cluster's public API endpoint, when on, admits specific networks only: its CIDRs together cover less than maxPublicShare of the public address space.",
    severity: "critical",
    configSchema: { properties: maxPublicShareProperty },
    validateResource: [
        validateResourceOfType(EksCluster, (cluster, args, reportViolation) => {
            const violation = openEndpoint(cluster.endpointPublicAccess, cluster.publicAccessCidrs, args.getConfig<OpenNetworksConfig>().maxPublicShare);
            if (violation) reportViolation(violation);
        }),
        validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
            const violation = openEndpoint(cluster.vpcConfig?.endpointPublicAccess, cluster.vpcConfig?.publicAccessCidrs, args.getConfig<OpenNetworksConfig>().maxPublicShare);
            if (violation) reportViolation(violation);
        }),
    ],
};

/** The violation, if a production endpoint is public or has no private access (EKS defaults: public on, private off). */
function notPrivate(publicAccess: boolean | undefined, privateAccess: boolean | undefined): string | undefined {
    const problems: string[] = [];
    if (publicAccess !== false) problems.push(`endpointPublicAccess is ${publicAccess === undefined ? "not set (default true)" : "true"}`);
    if (privateAccess !== true) problems.push(`endpointPrivateAccess is ${privateAccess === undefined ? "not set (default false)" : "false"}`);
    return problems.length > 0 ? `Production EKS cluster's API endpoint is not private only: ${problems.join("; ")}. Reach it from the VPC (VPN, bastion or SSM).` : undefined;
}

export const eksEndpointPrivateProd: ResourceValidationPolicy = {
    name: "eks-endpoint-private-prod",
    description: "Production EKS clusters have a private API endpoint and no public one.",
    severity: "high",
    configSchema: { properties: { ...environmentProperty } },
    validateResource: [
        validateResourceOfType(EksCluster, (cluster, args, reportViolation) => {
            if (args.getConfig<EnvironmentConfig>().environment !== "prod") return;
            const violation = notPrivate(cluster.endpointPublicAccess, cluster.endpointPrivateAccess);
            if (violation) reportViolation(violation);
        }),
        validateResourceOfType(aws.eks.Cluster, (cluster, args, reportViolation) => {
            if (args.getConfig<EnvironmentConfig>().environment !== "prod") return;
            const violation = notPrivate(cluster.vpcConfig?.endpointPublicAccess, cluster.vpcConfig?.endpointPrivateAccess);
            if (violation) reportViolation(violation);
        }),
    ],
};

export const clusterPolicies: ResourceValidationPolicy[] = [eksOidcProvider, eksSecretsEncryption, eksControlPlaneLogs, eksEndpointNotOpen, eksEndpointPrivateProd];
