/** Messages between the test plan service and its planner processes (JSON over IPC and HTTP). */
import type { Plan } from "../../plan/harness";

export interface PlanRequest {
    readonly stack: string;
    readonly set?: readonly string[];
    readonly config?: Record<string, string>;
    readonly program?: string;
    /** IAM role or user ARN the plan runs as (what mocked STS reports); default: the stack's first admin deployer. */
    readonly caller?: string;
    /** Directory of another Pulumi project to plan (e.g. `bootstrap/`); default: the platform. */
    readonly root?: string;
    /** Run the program as a deployment would (see `PlanOptions.asDeployment`). */
    readonly asDeployment?: boolean;
    /** Under mutation testing: the asking test's active mutant (see `mutation.ts`). */
    readonly mutant?: string;
}

export interface PlanFailure {
    readonly name: string;
    readonly message: string;
    /** Types the failed program registered before it stopped (see `runPlan`). */
    readonly registered: readonly string[];
}

/** Under mutation testing: the mutants the program reached while a planner answered (Stryker's coverage, by id). */
interface Reached {
    readonly coverage?: readonly string[];
}

/** What the service answers for one request. */
export type PlanAnswer = ({ readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly error: PlanFailure }) & Reached;

/** One of the project's CLIs run inside a planner, its output captured: `npm run <tool> -- <argv>`. */
export interface CliRequest {
    readonly cli: readonly string[];
    /** `plan` (scripts/run.js: plan, policy, start) or `switch` (scripts/switch.js); default `plan`. */
    readonly tool?: CliTool;
    /** Under mutation testing: the asking test's active mutant (see `mutation.ts`). */
    readonly mutant?: string;
}

export type CliTool = "plan" | "switch";

export interface CliResult {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Kubernetes objects to validate against their upstream models (plan/validate-models.mjs, ESM-only). */
export interface ValidateRequest {
    readonly validate: readonly object[];
    /** Under mutation testing: the asking test's active mutant (validation reaches none). */
    readonly mutant?: string;
}

export interface ModelResult {
    readonly kind: string;
    readonly name: string;
    /** null when valid; "no-model" when no upstream schema exists for the kind. */
    readonly error: string | null;
}

export type ServiceRequest = PlanRequest | CliRequest | ValidateRequest;
export type ServiceAnswer =
    | PlanAnswer
    | ({ readonly ok: true; readonly cli: CliResult } & Reached)
    | ({ readonly ok: true; readonly models: readonly ModelResult[] } & Reached);

/** A planner's answer to request `id`. */
export type PlanReply = ServiceAnswer & { readonly id: number };

/** The environment variable through which jest workers find the service (set by the global setup). */
export const PLAN_SERVICE_ENV = "EKS_PLAN_SERVICE_SOCKET";
