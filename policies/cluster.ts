/**
 * EKS control plane: IRSA's OIDC provider, envelope encryption of Secrets, control-plane audit logs, and no public
 * API endpoint open to every network.
 *
 * Each policy checks the `eks:index:Cluster` component the program declares (its inputs are what the offline plan
 * sees) and, where the setting lives there, the `aws:eks/cluster:Cluster` the component creates (what a real
 * `pulumi preview` analyzes).
 */
import * as aws from "@pulumi/aws";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { EksCluster } from "./types";
import { isSet } from "./unknowns";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ControlPlaneLogType = (typeof CONTROL_PLANE_LOG_TYPES)[number];

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

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

/** The violation, if a public endpoint (on by default in EKS) admits every network. */
function openEndpoint(publicAccess: boolean | undefined, cidrs: readonly string[] | undefined): string | undefined {
    if (publicAccess === false) return undefined;
    const prefix = publicAccess === undefined ? "EKS cluster's public API endpoint (on by default)" : "EKS cluster's public API endpoint";
    if (!cidrs || cidrs.length === 0) {
        return `${prefix} is open to 0.0.0.0/0 (publicAccessCidrs defaults to 0.0.0.0/0): list specific networks in publicAccessCidrs or turn endpointPublicAccess off.`;
    }
    const open = cidrs.filter((c) => OPEN_CIDRS.includes(c));
    if (open.length > 0) {
        return `${prefix} is open to ${open.join(", ")}: list specific networks in publicAccessCidrs or turn endpointPublicAccess off.`;
    }
    return undefined;
}

export const eksEndpointNotOpen: ResourceValidationPolicy = {
    name: "eks-endpoint-not-open",
    description: "An EKS cluster's public API endpoint, when on, admits specific networks only, never 0.0.0.0/0.",
    severity: "critical",
    validateResource: [
        validateResourceOfType(EksCluster, (cluster, _args, reportViolation) => {
            const violation = openEndpoint(cluster.endpointPublicAccess, cluster.publicAccessCidrs);
            if (violation) reportViolation(violation);
        }),
        validateResourceOfType(aws.eks.Cluster, (cluster, _args, reportViolation) => {
            const violation = openEndpoint(cluster.vpcConfig?.endpointPublicAccess, cluster.vpcConfig?.publicAccessCidrs);
            if (violation) reportViolation(violation);
        }),
    ],
};

export const clusterPolicies: ResourceValidationPolicy[] = [eksOidcProvider, eksSecretsEncryption, eksControlPlaneLogs, eksEndpointNotOpen];
