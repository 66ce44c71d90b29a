/**
 * The CrossGuard pack: `pulumi preview --stack <s> --policy-pack policies --policy-pack-config policies/config/<s>.json`.
 * Only builds the pack; the policies live in their modules (see `all.ts`).
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, allPolicies } from "./all";

new PolicyPack(PACK_NAME, { enforcementLevel: PACK_ENFORCEMENT_LEVEL, policies: [...allPolicies] });
