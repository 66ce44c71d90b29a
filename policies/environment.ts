/**
 * Environment-dependent policies read the stack's environment from their own config (`policies/config/<stack>.json`),
 * so the same pack serves every stack. The default is the strictest environment: a stack previewed without its
 * config file gets production rules.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export const ENVIRONMENTS = ["dev", "stage", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface EnvironmentConfig {
    readonly environment: Environment;
}

/** The `environment` property of a policy's `configSchema`. */
export const environmentProperty: PolicyConfigSchema["properties"] = {
    environment: {
        type: "string",
        enum: [...ENVIRONMENTS],
        default: "prod",
        description: "Environment of the stack; production-only rules apply when it is prod (default prod: fail closed).",
    },
};
