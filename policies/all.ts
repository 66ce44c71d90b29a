/**
 * Every policy of the pack, in one list: `index.ts` serves it as a CrossGuard pack, the offline plan evaluates it.
 * Kept apart from `index.ts` because constructing a `PolicyPack` starts the analyzer's gRPC server.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { clusterPolicies } from "./cluster";
import { gatewayPolicies } from "./gateway";
import { iamPolicies } from "./iam";
import { iamAttachmentPolicies } from "./iamAttachments";
import { karpenterPolicies } from "./karpenter";
import { namespacePolicies, namespaceStackPolicies } from "./namespaces";
import { networkPolicies } from "./network";
import { resourcePolicyPolicies } from "./resourcePolicies";
import { stackPolicies } from "./stack";
import { workloadPolicies } from "./workloads";

export const PACK_NAME = "eks-platform";

/**
 * The pack's default level: mandatory, so that a stack previewed without its config file is held to every rule.
 * `policies/config/<stack>.json` sets the level per stack (advisory in dev) and per policy.
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const allPolicies: Policies = [
    ...clusterPolicies,
    ...networkPolicies,
    ...iamPolicies,
    ...iamAttachmentPolicies,
    ...resourcePolicyPolicies,
    ...karpenterPolicies,
    ...gatewayPolicies,
    ...namespacePolicies,
    ...namespaceStackPolicies,
    ...workloadPolicies,
    ...stackPolicies,
];
