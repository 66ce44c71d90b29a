/**
 * A switch as a list of steps. Without `--steps`: one step, the target color becomes active. With
 * `--steps 10,50,100`: the target color first takes 10 % and 50 % as the canary (`canaryWeight`, route mode only),
 * then becomes active at 100. Each step is the config it leaves behind.
 */
import type { Color, ServiceConfig } from "../../config";
import type { TrafficState } from "./types";

export interface SwitchStep {
    /** Percent of traffic the target color has after this step. */
    readonly weight: number;
    readonly state: TrafficState;
}

/** `10,50,100` → [10, 50, 100]: increasing whole percents that end at 100. */
export function parseSteps(text: string): number[] {
    const steps = text.split(",").map((s) => Number(s.trim()));
    const ok =
        steps.length > 0 &&
        steps.every((s, i) => Number.isInteger(s) && s >= 1 && s <= 100 && (i === 0 || s > steps[i - 1])) &&
        steps[steps.length - 1] === 100;
    if (!ok) throw new RangeError(`--steps is "${text}", expected increasing whole percents from 1 to 100 that end at 100 (e.g. 10,50,100)`);
    return steps;
}

/** Durations as `90s`, `2m`, `1h` (or plain seconds). */
export function parseDuration(text: string): number {
    const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
    if (!m) throw new RangeError(`--pause is "${text}", expected a duration such as 90s, 2m or 1h`);
    return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "s" | "m" | "h"];
}

export function switchSteps(service: ServiceConfig, to: Color, weights: readonly number[] = [100]): SwitchStep[] {
    if (weights.length > 1 && service.trafficMode !== "route") {
        throw new RangeError(`--steps needs trafficMode "route" (service ${service.name} has "${service.trafficMode}"): a selector moves all traffic at once`);
    }
    return weights.map((weight) =>
        weight === 100 ? { weight, state: { activeColor: to, canaryWeight: 0 } } : { weight, state: { activeColor: service.activeColor, canaryWeight: weight } },
    );
}

/**
 * The `pulumi config set --path` assignments that turn `from` into `to` for the service at `index`. The color is
 * always written on the service itself, so a switch of one service never moves the others.
 */
export function configAssignments(index: number, from: TrafficState, to: TrafficState): [string, string][] {
    const out: [string, string][] = [[`services[${index}].activeColor`, to.activeColor]];
    if (from.canaryWeight !== to.canaryWeight) out.push([`services[${index}].canaryWeight`, String(to.canaryWeight)]);
    return out;
}
