/**
 * The platform contract: everything an application stack (the `apps/` project) may know about the platform stack
 * of its environment, exported by the platform as ONE stack output (`platformContract`) and read by the apps
 * project through a `StackReference`. Both sides compile against this module, and the consumer validates the
 * value it reads, so a platform that drops or retypes a field fails the team's preview with one line naming it,
 * not with a half-applied stack.
 *
 * Compatibility: adding an optional field keeps `version`; removing, renaming or retyping a field bumps it, and
 * a consumer refuses a version it does not know.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IDENTITY_MODES, IdentityMode } from "../config/schema";

/** The stack output that carries the contract. */
export const PLATFORM_CONTRACT_OUTPUT = "platformContract";
/** The contract version this code writes and reads. */
export const PLATFORM_CONTRACT_VERSION = 1;

/** Where an HTTPRoute attaches: the shared Gateway's HTTPS listener (Gateway API `ParentReference`). */
export interface GatewayParentRef {
    readonly group: "gateway.networking.k8s.io";
    readonly kind: "Gateway";
    readonly name: string;
    readonly namespace: string;
    readonly sectionName: string;
}

export interface PlatformContract {
    /** `PLATFORM_CONTRACT_VERSION` of the platform that wrote it. */
    readonly version: number;
    /** AWS region of the cluster (application roles, Pod Identity associations and secrets live there). */
    readonly region: string;
    readonly clusterName: string;
    /** The VPC's CIDR: the only source application pods accept their port's traffic from (load balancer, kubelet). */
    readonly vpcCidr: string;
    /**
     * Whether the cluster enforces NetworkPolicies (the platform's VPC CNI add-on runs its network policy agent): the
     * team stack's NetworkPolicies count on it, and the policy pack judges them by it.
     */
    readonly networkPolicyEnforced: boolean;
    /**
     * Kubeconfig (JSON) of the cluster with ambient credentials; a secret. Consumers take the API server and CA
     * from it and fetch tokens as their own deploy identity.
     */
    readonly kubeconfig: string;
    /** Where workload identities come from: the cluster's IAM OIDC provider (IRSA) or the cluster (Pod Identity). */
    readonly identity: {
        /** ARN of the cluster (Pod Identity trusts are held to it). */
        readonly clusterArn: string;
        readonly oidcProviderArn: string;
        /** OIDC issuer without scheme: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
        readonly oidcIssuer: string;
        /** The platform's `identityMode`, the default of a team stack's services. */
        readonly defaultMode: IdentityMode;
    };
    readonly gateway: {
        readonly parentRef: GatewayParentRef;
        /** The HTTPS listener's hostname (usually a wildcard): routes must use names it serves. */
        readonly hostname: string;
        /**
         * The label a namespace needs for its routes to attach (the listener's `allowedRoutes` selector); null
         * when the Gateway does not admit routes by selector (`Same` or `All`), where team stacks are refused.
         */
        readonly routeNamespaceSelector: Readonly<Record<string, string>> | null;
        /** Networks that may reach preview hostnames (the listener rule's `source-ip` condition), 1 to 3 CIDRs. */
        readonly previewSourceCidrs: readonly string[];
    };
    /** Namespaces an application stack may not create or use: the platform's own and its services'. */
    readonly reservedNamespaces: { readonly names: readonly string[]; readonly prefixes: readonly string[] };
    /** Hostnames the platform's own services route (a second route on one would split its traffic). */
    readonly reservedHostnames: readonly string[];
}

/** What the platform's `index.ts` exports: the contract's fields as outputs (the kubeconfig stays secret). */
export type PlatformContractOutput = { readonly [K in keyof PlatformContract]: pulumi.Input<PlatformContract[K]> };

const nonEmpty = z.string().min(1);
const contractSchema = z.object({
    version: z.literal(PLATFORM_CONTRACT_VERSION),
    region: nonEmpty,
    clusterName: nonEmpty,
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR"),
    networkPolicyEnforced: z.boolean(),
    kubeconfig: nonEmpty,
    identity: z.object({
        clusterArn: z.string().regex(/^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/.+$/, "an EKS cluster ARN"),
        oidcProviderArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, "an IAM OIDC provider ARN"),
        oidcIssuer: z.string().regex(/^[^:/]+(\/[^/]+)+$/, "an issuer without scheme (oidc.eks.<region>.amazonaws.com/id/<id>)"),
        defaultMode: z.enum(IDENTITY_MODES),
    }),
    gateway: z.object({
        parentRef: z.object({
            group: z.literal("gateway.networking.k8s.io"),
            kind: z.literal("Gateway"),
            name: nonEmpty,
            namespace: nonEmpty,
            sectionName: nonEmpty,
        }),
        hostname: nonEmpty,
        routeNamespaceSelector: z.record(z.string(), z.string()).nullable(),
        previewSourceCidrs: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "an IPv4 CIDR")).min(1).max(3),
    }),
    reservedNamespaces: z.object({ names: z.array(z.string()), prefixes: z.array(z.string()) }),
    reservedHostnames: z.array(z.string()),
});

/**
 * The platform stack's contract output is missing, mistyped or of an unknown version. Named `ConfigError` (the
 * name the CLI and the offline plan print as one line) because the fix is configuration: `platformStack`, or the
 * platform stack's version.
 */
export class ContractError extends pulumi.RunError {
    constructor(readonly problems: readonly string[], platformStack: string) {
        super(`Invalid platform contract from ${platformStack}: ${problems.join("; ")}`);
        this.name = "ConfigError";
    }
}

function describe(value: unknown): string {
    if (value === undefined) return "(missing)";
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, p) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined), root);
}

/**
 * Validates what a StackReference read for `platformContract` (`getOutputDetails`: `value`, or `secretValue` since
 * the contract holds the kubeconfig). Every problem at once, each naming the output path.
 */
export function parsePlatformContract(details: { value?: unknown; secretValue?: unknown }, platformStack: string): PlatformContract {
    const value = details.secretValue ?? details.value;
    if (value === undefined || value === null) {
        throw new ContractError(
            [`stack output '${PLATFORM_CONTRACT_OUTPUT}' is missing, expected the platform contract (deploy the platform stack at a version that exports it)`],
            platformStack,
        );
    }
    const result = contractSchema.safeParse(value);
    if (!result.success) {
        throw new ContractError(
            result.error.issues.map((issue) => {
                const key = [PLATFORM_CONTRACT_OUTPUT, ...issue.path.map(String)].join(".");
                const got = describe(valueAt(value, issue.path));
                if (issue.path[0] === "version" && typeof valueAt(value, ["version"]) === "number") {
                    return `'${key}' is ${got}, expected ${PLATFORM_CONTRACT_VERSION} (this code reads contract version ${PLATFORM_CONTRACT_VERSION}: upgrade the side that is behind)`;
                }
                const allowed = issue.code === "invalid_type" ? `a value of type ${issue.expected}` : issue.message;
                return `'${key}' is ${got}, expected ${allowed}`;
            }),
            platformStack,
        );
    }
    return result.data;
}

/** `<org>/<project>/<stack>`: a fully qualified stack name, the only form a team stack accepts. */
export const QUALIFIED_STACK = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The parts of a fully qualified stack name. */
export function stackNameParts(name: string): { org: string; project: string; stack: string } {
    const [org, project, stack] = name.split("/");
    return { org, project, stack };
}

/** The contract's parentRef, from the Gateway component's `httpsParentRef` (so the two cannot drift apart). */
export function contractParentRef(ref: { group?: string; kind?: string; name: string; namespace?: string; sectionName?: string }): GatewayParentRef {
    if (ref.group !== "gateway.networking.k8s.io" || ref.kind !== "Gateway" || !ref.namespace || !ref.sectionName) {
        throw new Error(`the shared Gateway's parentRef ${JSON.stringify(ref)} is not a fully named Gateway listener`);
    }
    return { group: ref.group, kind: ref.kind, name: ref.name, namespace: ref.namespace, sectionName: ref.sectionName };
}
