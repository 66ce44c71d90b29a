// placeholder replaced by the policy work
import type { Plan } from "./harness";
import type { Violation } from "./render";
export async function evaluatePolicies(_plan: Plan): Promise<{ violations: Violation[]; policyCount: number }> {
    throw new Error("policy evaluation not implemented yet");
}
