import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IdentityMode } from "../config";
import { PolicyStatement, boundedName } from "../lib/iam";

/** The cluster facts an identity needs. */
export interface ClusterIdentitySource {
    /** Cluster name, as an output that resolves once the cluster exists. */
    readonly name: pulumi.Input<string>;
    /** ARN of the cluster's IAM OIDC provider (IRSA). */
    readonly oidcProviderArn: pulumi.Input<string>;
    /** OIDC issuer without scheme: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
    readonly oidcIssuer: pulumi.Input<string>;
    /** ARN of the cluster (Pod Identity trusts are held to it). */
    readonly arn: pulumi.Input<string>;
}

export interface WorkloadIdentityArgs {
    /** Plain cluster name, used to name the role (the role name must be known before the cluster exists). */
    readonly clusterName: string;
    readonly cluster: ClusterIdentitySource;
    /** Namespace of the service account (an output of the Namespace resource, so the account waits for it). */
    readonly namespace: pulumi.Input<string>;
    /** Namespace as plain text, for the role name and trust condition. */
    readonly namespaceName: string;
    readonly serviceAccountName: string;
    /** `irsa`: OIDC web identity + role-arn annotation; `podIdentity`: EKS Pod Identity association. */
    readonly mode: IdentityMode;
    /**
     * Inline permissions (least privilege: data actions name their resources). May be an output when the
     * statements need deploy-time values (account, ARNs). Default (or an empty list): no inline policy.
     */
    readonly statements?: pulumi.Input<readonly PolicyStatement[]>;
    /** AWS managed or customer policies to attach, where upstream ships one. Default: none. */
    readonly managedPolicyArns?: readonly pulumi.Input<string>[];
    /**
     * The ServiceAccount's `automountServiceAccountToken`. `false` unless the pods using it call the Kubernetes API and
     * do not ask for the token themselves (a pod's own `automountServiceAccountToken` overrides this).
     */
    readonly automountServiceAccountToken: boolean;
    /**
     * Who creates the service account. `workload` (default): this component, with the IRSA annotation or a Pod Identity
     * association. `eksAddon`: an EKS add-on creates its own service account, so this component makes the role only;
     * give `roleArn` to the add-on (`serviceAccountRoleArn` for IRSA, `podIdentityAssociations` for Pod Identity) and
     * make it depend on this component, which completes once the role has its permissions.
     */
    readonly serviceAccountOwner?: "workload" | "eksAddon";
    /** Labels for the ServiceAccount. */
    readonly labels?: Record<string, string>;
    readonly tags?: Record<string, string>;
}

export const IRSA_AUDIENCE = "sts.amazonaws.com";
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";
/** Pod-template annotation naming how the pod gets AWS credentials. */
export const IDENTITY_MODE_ANNOTATION = "eks-platform/identity-mode";

/**
 * Annotations for the pod template of a workload that uses a `WorkloadIdentity`. The IRSA and Pod Identity webhooks
 * inject credentials only when a pod is created, so switching `identityMode` must roll the pods: changing this
 * annotation changes the pod template, and the Deployment rolls.
 */
export function identityPodAnnotations(mode: IdentityMode): Record<string, string> {
    return { [IDENTITY_MODE_ANNOTATION]: mode };
}

/**
 * IRSA trust: only the cluster's OIDC provider, only this exact service account (StringEquals on `sub`,
 * never a wildcard), and only tokens minted for STS (`aud`).
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcIssuer: string, namespace: string, serviceAccount: string) {
    return {
        Version: "2012-10-17" as const,
        Statement: [
            {
                Effect: "Allow" as const,
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${oidcIssuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${oidcIssuer}:aud`]: IRSA_AUDIENCE,
                    },
                },
            },
        ],
    };
}

/** The session tags EKS Pod Identity sets when it assumes a role (EKS User Guide, "Enable or disable session tags"). */
export const POD_IDENTITY_SESSION_TAGS = {
    clusterArn: "eks-cluster-arn",
    namespace: "kubernetes-namespace",
    serviceAccount: "kubernetes-service-account",
} as const;

/**
 * Pod Identity trust, held to one service account of one cluster in this account. AWS's default trust lets
 * `pods.eks.amazonaws.com` assume the role for any association in the account (any cluster, any namespace); here:
 * - `aws:SourceAccount`: the cluster's account;
 * - `aws:SourceArn`: a Pod Identity association of this cluster (`…:podidentityassociation/<cluster>/<id>`: EKS assumes
 *   the role on behalf of the association, not of the cluster, so the cluster ARN would never match here);
 * - the session tags Pod Identity sets (`aws:RequestTag/…`): this cluster's ARN, the namespace and the service account,
 *   the trust condition AWS documents for restricting a role to one service account.
 */
export function podIdentityTrustPolicy(clusterArn: string, namespace: string, serviceAccount: string) {
    const m = /^arn:([^:]+):eks:([^:]+):(\d{12}):cluster\/(.+)$/.exec(clusterArn);
    if (!m) throw new Error(`podIdentityTrustPolicy: ${JSON.stringify(clusterArn)} is not an EKS cluster ARN`);
    const [, partition, region, accountId, clusterName] = m;
    const tags = POD_IDENTITY_SESSION_TAGS;
    return {
        Version: "2012-10-17" as const,
        Statement: [
            {
                Sid: "EksPodIdentity",
                Effect: "Allow" as const,
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": accountId,
                        [`aws:RequestTag/${tags.clusterArn}`]: clusterArn,
                        [`aws:RequestTag/${tags.namespace}`]: namespace,
                        [`aws:RequestTag/${tags.serviceAccount}`]: serviceAccount,
                    },
                    ArnLike: { "aws:SourceArn": `arn:${partition}:eks:${region}:${accountId}:podidentityassociation/${clusterName}/*` },
                },
            },
        ],
    };
}

/** `<cluster>-<namespace>-<serviceaccount>`, truncated with a hash to IAM's 64 characters. */
export function identityRoleName(clusterName: string, namespace: string, serviceAccount: string): string {
    return boundedName(`${clusterName}-${namespace}-${serviceAccount}`);
}

/**
 * An IAM role for exactly one Kubernetes service account, its permissions, and the ServiceAccount itself
 * (created through the cluster's Kubernetes provider).
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    public readonly serviceAccountName: pulumi.Output<string>;
    public readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:identity:WorkloadIdentity", name, {}, opts);

        const trustPolicy =
            args.mode === "irsa"
                ? pulumi
                      .all([args.cluster.oidcProviderArn, args.cluster.oidcIssuer])
                      .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, args.namespaceName, args.serviceAccountName)))
                : pulumi
                      .output(args.cluster.arn)
                      .apply((clusterArn) => JSON.stringify(podIdentityTrustPolicy(clusterArn, args.namespaceName, args.serviceAccountName)));

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: identityRoleName(args.clusterName, args.namespaceName, args.serviceAccountName),
                description: `${args.mode === "irsa" ? "IRSA" : "Pod Identity"} role of ${args.namespaceName}/${args.serviceAccountName} in ${args.clusterName}`,
                assumeRolePolicy: trustPolicy,
                maxSessionDuration: 3600,
                tags: args.tags,
            },
            { parent: this },
        );

        const permissions: pulumi.Resource[] = [];
        const statements = args.statements;
        // IAM rejects a policy without statements: a known empty list means no inline policy at all.
        if (statements !== undefined && !(Array.isArray(statements) && statements.length === 0)) {
            permissions.push(
                new aws.iam.RolePolicy(
                    `${name}-permissions`,
                    { role: role.name, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
                    { parent: this },
                ),
            );
        }
        (args.managedPolicyArns ?? []).forEach((policyArn, i) =>
            permissions.push(new aws.iam.RolePolicyAttachment(`${name}-managed-${i}`, { role: role.name, policyArn }, { parent: this })),
        );

        if (args.serviceAccountOwner === "eksAddon") {
            this.roleArn = role.arn;
            this.roleName = role.name;
            this.serviceAccountName = pulumi.output(args.serviceAccountName);
            this.namespace = pulumi.output(args.namespaceName);
            this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName, serviceAccountName: this.serviceAccountName, namespace: this.namespace });
            return;
        }

        if (args.mode === "podIdentity") {
            new aws.eks.PodIdentityAssociation(
                `${name}-association`,
                { clusterName: args.cluster.name, namespace: args.namespaceName, serviceAccount: args.serviceAccountName, roleArn: role.arn, tags: args.tags },
                { parent: this },
            );
        }

        // The account appears only once its role can act: pods never start with a role that has no permissions yet.
        const serviceAccount = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: {
                    name: args.serviceAccountName,
                    namespace: args.namespace,
                    labels: { "app.kubernetes.io/managed-by": "pulumi", ...args.labels },
                    annotations: args.mode === "irsa" ? { [ROLE_ARN_ANNOTATION]: role.arn } : undefined,
                },
                automountServiceAccountToken: args.automountServiceAccountToken,
            },
            { parent: this, dependsOn: permissions },
        );

        this.roleArn = role.arn;
        this.roleName = role.name;
        this.serviceAccountName = serviceAccount.metadata.name;
        this.namespace = serviceAccount.metadata.namespace;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName, serviceAccountName: this.serviceAccountName, namespace: this.namespace });
    }
}
