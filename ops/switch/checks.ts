/**
 * The decisions of a guarded switch, as pure functions of what was observed: whether the color about to take
 * traffic can carry it, and whether a minute of its traffic breaches the service's `switchGuard`.
 */
import type { ServiceConfig } from "../../config";
import type { DeploymentState, RouteState, TargetHealth, TrafficSample } from "./types";

export interface CheckResult {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

/**
 * Replicas the target color needs before it takes `weight` percent: its share of what the active color runs
 * now, and never fewer than its own autoscaling minimum.
 */
export function requiredReplicas(activeAvailable: number, weight: number, minReplicas: number): number {
    return Math.max(Math.ceil((activeAvailable * weight) / 100), minReplicas);
}

export function imageCheck(color: string, image: string | null): CheckResult {
    return image === null
        ? { name: "image", ok: false, detail: `${color} has no image (set services[].image.${color} and pulumi up first)` }
        : { name: "image", ok: true, detail: `${color} runs ${image}` };
}

export function capacityCheck(deployment: string, state: DeploymentState | null, required: number): CheckResult {
    if (state === null) return { name: "capacity", ok: false, detail: `Deployment ${deployment} not found` };
    const ok = state.availableReplicas >= required;
    return { name: "capacity", ok, detail: `${deployment}: ${state.availableReplicas} available, ${required} needed` };
}

export function targetsCheck(service: string, targetGroupArn: string | null, health: TargetHealth | null, required: number): CheckResult {
    if (targetGroupArn === null || health === null) {
        return { name: "targets", ok: false, detail: `no target group for Service ${service} yet (no TargetGroupBinding: is a route attached?)` };
    }
    const ok = health.healthy >= required && health.notHealthy === 0;
    return { name: "targets", ok, detail: `${health.healthy} healthy, ${health.notHealthy} not healthy, ${required} needed (${targetGroupArn})` };
}

export function previewCheck(url: string, status: number | Error): CheckResult {
    if (status instanceof Error) return { name: "preview", ok: false, detail: `GET ${url}: ${status.message}` };
    return { name: "preview", ok: status >= 200 && status < 300, detail: `GET ${url}: ${status}` };
}

export function routeCheck(route: string, state: RouteState | null): CheckResult {
    if (state === null) return { name: "route", ok: false, detail: `HTTPRoute ${route} not found` };
    const ok = state.accepted && state.resolvedRefs && state.current;
    const parts = [`Accepted=${state.accepted}`, `ResolvedRefs=${state.resolvedRefs}`, state.current ? "current generation" : "stale generation"];
    return { name: "route", ok, detail: `${route}: ${parts.join(", ")}` };
}

export interface WatchVerdict {
    readonly errorRatePercent: number;
    /** Why this minute breaches the guard, or null. */
    readonly breach: string | null;
}

/** One minute against the guard: the target 5xx share of requests, and p99 latency. A quiet minute never breaches. */
export function judgeMinute(sample: TrafficSample, guard: ServiceConfig["switchGuard"]): WatchVerdict {
    const errorRatePercent = sample.requests > 0 ? (100 * sample.targetErrors5xx) / sample.requests : 0;
    const reasons: string[] = [];
    if (errorRatePercent > guard.maxErrorRatePercent) {
        reasons.push(`5xx ${errorRatePercent.toFixed(2)}% > ${guard.maxErrorRatePercent}% (${sample.targetErrors5xx} of ${sample.requests})`);
    }
    if (sample.p99LatencyMs !== null && sample.p99LatencyMs > guard.maxLatencyMs) {
        reasons.push(`p99 ${Math.round(sample.p99LatencyMs)} ms > ${guard.maxLatencyMs} ms`);
    }
    return { errorRatePercent, breach: reasons.length > 0 ? reasons.join("; ") : null };
}
