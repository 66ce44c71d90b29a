/**
 * Schema validation of rendered Kubernetes objects against upstream models (kubernetes-models and its
 * Gateway API and Karpenter packages). Those are ESM-only, which jest's CommonJS runtime cannot load: the plan
 * service's planners validate them (plan/validate-models.mjs), with the models loaded once per planner.
 */
import { send } from "./planService/client";
import type { ModelResult } from "./planService/protocol";

export type { ModelResult };

export async function validateObjects(objects: readonly object[]): Promise<ModelResult[]> {
    const answer = await send({ validate: objects });
    if (!("models" in answer)) throw new Error(`model validation failed to run: ${JSON.stringify(answer).slice(0, 300)}`);
    return [...answer.models];
}
