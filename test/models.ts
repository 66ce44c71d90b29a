/**
 * Schema validation of rendered Kubernetes objects against upstream models (kubernetes-models and its
 * Gateway API and Karpenter packages). Those are ESM-only, which jest's CommonJS runtime cannot load, so
 * one child Node process validates a whole batch.
 */
import { spawnSync } from "child_process";
import * as path from "path";

export interface ModelResult {
    readonly kind: string;
    readonly name: string;
    /** null when valid; "no-model" when no upstream schema exists for the kind. */
    readonly error: string | null;
}

export function validateObjects(objects: readonly object[]): ModelResult[] {
    const script = path.resolve(__dirname, "../plan/validate-models.mjs");
    const run = spawnSync(process.execPath, [script], { input: JSON.stringify(objects), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`model validation failed to run: ${run.stderr}`);
    return JSON.parse(run.stdout) as ModelResult[];
}
