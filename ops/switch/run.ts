/**
 * A guarded switch: checks before each step (nothing changes when one fails), the step itself as a `pulumi up`
 * targeted at the service's traffic objects, the route confirmed on the Gateway, then the new color watched;
 * on a breach, traffic goes back to where it was before the switch, the same way.
 */
import type { Color, ServiceConfig } from "../../config";
import { colorImage, colorName, colorSize, previewRouteName } from "../../components/blueGreenService";
import { isRouteBackendResourceId } from "../../lib/albTargets";
import { CheckResult, capacityCheck, imageCheck, judgeMinute, previewCheck, requiredReplicas, routeCheck, targetsCheck, WatchVerdict } from "./checks";
import { configAssignments, SwitchStep } from "./steps";
import type { SwitchClients, TrafficSample, TrafficState } from "./types";

export interface SwitchRequest {
    readonly stack: string;
    /** The service as configured now (its `activeColor` and `canaryWeight` are where traffic is). */
    readonly service: ServiceConfig;
    /** Its index in the stack's `services` list (for `pulumi config set --path`). */
    readonly index: number;
    readonly to: Color;
    readonly steps: readonly SwitchStep[];
    /** How long to watch after an intermediate step (the last step is watched `switchGuard.watchMinutes`). */
    readonly pauseMs: number;
    /** URNs of the service's traffic objects: the only resources a switch updates. */
    readonly targets: readonly string[];
    /** How often the route is polled after an update, and how many times (defaults: 10 s, 30 times). */
    readonly routePoll?: { readonly intervalMs: number; readonly attempts: number };
}

export interface MinuteReport extends WatchVerdict {
    readonly minute: number;
    readonly sample: TrafficSample;
}

export interface StepReport {
    readonly weight: number;
    readonly checks: CheckResult[];
    readonly watch: MinuteReport[];
}

export type SwitchOutcome = "switched" | "unchanged" | "refused" | "rolled-back" | "rollback-failed";

export interface SwitchReport {
    readonly stack: string;
    readonly service: string;
    readonly to: Color;
    readonly before: TrafficState;
    /** Where traffic is when the command ends (as far as the stack's config and last `pulumi up` say). */
    readonly after: TrafficState;
    readonly outcome: SwitchOutcome;
    readonly steps: StepReport[];
    readonly message: string;
}

/** Exit codes of `npm run switch` (2 is bad input, refused before anything runs). */
export const SWITCH_EXIT_CODES: Record<SwitchOutcome, number> = { switched: 0, unchanged: 0, refused: 1, "rolled-back": 3, "rollback-failed": 4 };

const MINUTE = 60_000;

export async function runSwitch(req: SwitchRequest, c: SwitchClients): Promise<SwitchReport> {
    const { service } = req;
    const before: TrafficState = { activeColor: service.activeColor, canaryWeight: service.canaryWeight };
    const base = { stack: req.stack, service: service.name, to: req.to, before };
    if (service.activeColor === req.to && service.canaryWeight === 0) {
        return { ...base, after: before, outcome: "unchanged", steps: [], message: `${service.name} already sends all traffic to ${req.to}` };
    }
    const steps: StepReport[] = [];
    let current = before;
    for (const step of req.steps) {
        const report: StepReport = { weight: step.weight, checks: [], watch: [] };
        steps.push(report);
        c.log(`step ${step.weight}%: checks`);
        report.checks.push(...(await preflight(req, step.weight, c)));
        if (report.checks.some((r) => !r.ok)) {
            if (current === before) {
                return { ...base, after: current, outcome: "refused", steps, message: `refused before any change: ${failed(report.checks)}` };
            }
            return rollBack(req, c, { ...base, steps }, current, `checks failed at ${step.weight}%: ${failed(report.checks)}`);
        }
        try {
            await apply(req, c, current, step.state, `switch ${service.name} to ${req.to}: ${step.weight}%`);
            current = step.state;
        } catch (err) {
            // The update may have half-applied: put back what was there, and say so.
            return rollBack(req, c, { ...base, steps }, step.state, `pulumi up failed at ${step.weight}%: ${(err as Error).message}`);
        }
        const route = await confirmRoute(req, c);
        report.checks.push(route);
        if (!route.ok) return rollBack(req, c, { ...base, steps }, current, `route not live at ${step.weight}%: ${route.detail}`);

        const minutes = step.weight === 100 ? service.switchGuard.watchMinutes : Math.ceil(req.pauseMs / MINUTE);
        const breach = await watch(req, c, minutes, report);
        if (breach) return rollBack(req, c, { ...base, steps }, current, `breach at ${step.weight}%: ${breach}`);
    }
    return { ...base, after: current, outcome: "switched", steps, message: `${service.name} sends all traffic to ${req.to}` };
}

function failed(checks: readonly CheckResult[]): string {
    return checks.filter((r) => !r.ok).map((r) => `${r.name} (${r.detail})`).join("; ");
}

async function preflight(req: SwitchRequest, weight: number, c: SwitchClients): Promise<CheckResult[]> {
    const { service, to } = req;
    const target = colorName(service, to);
    const active = await c.kube.deployment(service.namespace, colorName(service, service.activeColor));
    const required = requiredReplicas(active?.availableReplicas ?? 0, weight, colorSize(service, to).minReplicas);
    const checks = [imageCheck(to, colorImage(service, to)), capacityCheck(target, await c.kube.deployment(service.namespace, target), required)];
    // The target color's pods: behind the main route (route mode, also at weight 0) or, until the switch, the preview.
    const arn = (await routeTargetGroup(c, service, service.name, target)) ?? (await routeTargetGroup(c, service, previewRouteName(service), target));
    checks.push(targetsCheck(target, arn, arn === null ? null : await c.aws.targetHealth(arn), required));
    // Until the last step the preview hostname still reaches the target color (it is the inactive one).
    const url = `https://${service.previewHostname}${service.probes.readinessPath}`;
    checks.push(previewCheck(url, await c.http.get(url).catch((err: Error) => err)));
    for (const check of checks) c.log(`  ${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
    return checks;
}

async function apply(req: SwitchRequest, c: SwitchClients, from: TrafficState, to: TrafficState, message: string): Promise<void> {
    for (const [path, value] of configAssignments(req.index, from, to)) {
        c.log(`pulumi config set --path ${path} ${value}`);
        await c.stack.setConfig(path, value);
    }
    c.log(`pulumi up --target ${req.targets.join(" --target ")}`);
    await c.stack.up(req.targets, message);
}

/** `pulumi up` waited for Accepted/ResolvedRefs; the route must also report them for its new generation. */
async function confirmRoute(req: SwitchRequest, c: SwitchClients): Promise<CheckResult> {
    const poll = req.routePoll ?? { intervalMs: 10_000, attempts: 30 };
    let result: CheckResult = routeCheck(req.service.name, null);
    for (let i = 0; i < poll.attempts; i++) {
        result = routeCheck(req.service.name, await c.kube.route(req.service.namespace, req.service.name));
        if (result.ok) break;
        await c.clock.sleep(poll.intervalMs);
    }
    c.log(`  ${result.ok ? "ok  " : "FAIL"} route: ${result.detail}`);
    return result;
}

/**
 * The target group of `route`'s backend `backend` (a Service in the service's namespace), or null while the
 * controller has made none. A Service has one target group per route that reaches it: the color a switch moves to
 * is on the main route and, before the last step, on the preview route too.
 */
async function routeTargetGroup(c: SwitchClients, service: ServiceConfig, route: string, backend: string): Promise<string | null> {
    const arns = await c.kube.targetGroupArns(service.namespace, backend);
    if (arns.length === 0) return null;
    const ids = await c.aws.targetGroupResourceIds(arns);
    const ns = service.namespace;
    return arns.find((arn) => ids[arn] !== undefined && isRouteBackendResourceId(ids[arn], { namespace: ns, name: route }, { namespace: ns, name: backend })) ?? null;
}

/** The Service the main route sends the new color's traffic to: the color's own (route mode) or the stable one (selector mode). */
function mainRouteBackend(service: ServiceConfig, to: Color): string {
    return service.trafficMode === "selector" ? service.name : colorName(service, to);
}

async function watch(req: SwitchRequest, c: SwitchClients, minutes: number, report: StepReport): Promise<string | null> {
    const { service, to } = req;
    // The main route's traffic, not the preview's: what users get from the new color.
    const backend = mainRouteBackend(service, to);
    const arn = await routeTargetGroup(c, service, service.name, backend);
    if (arn === null) return `no target group of route ${service.name} for Service ${backend}`;
    for (let minute = 1; minute <= minutes; minute++) {
        await c.clock.sleep(MINUTE);
        const sample = await c.aws.lastMinute(arn);
        const verdict = judgeMinute(sample, service.switchGuard);
        report.watch.push({ minute, sample, ...verdict });
        c.log(`  watch ${minute}/${minutes}: ${sample.requests} requests, 5xx ${verdict.errorRatePercent.toFixed(2)}%, p99 ${sample.p99LatencyMs ?? "-"} ms${verdict.breach ? ` BREACH ${verdict.breach}` : ""}`);
        if (verdict.breach) return verdict.breach;
    }
    return null;
}

async function rollBack(
    req: SwitchRequest,
    c: SwitchClients,
    report: Omit<SwitchReport, "after" | "outcome" | "message">,
    current: TrafficState,
    reason: string,
): Promise<SwitchReport> {
    c.log(`rolling back: ${reason}`);
    try {
        await apply(req, c, current, report.before, `roll back ${req.service.name} to ${report.before.activeColor}: ${reason}`);
    } catch (err) {
        const message =
            `ROLLBACK FAILED: ${reason}; then pulumi up failed: ${(err as Error).message}. ` +
            `Traffic is NOT confirmed on ${report.before.activeColor}: the stack config says ${report.before.activeColor} ` +
            `(canary ${report.before.canaryWeight}%), the last applied state was ${describe(current)}. ` +
            `Check the HTTPRoute ${req.service.namespace}/${req.service.name} and run the switch to ${report.before.activeColor} again.`;
        return { ...report, after: current, outcome: "rollback-failed", message };
    }
    return { ...report, after: report.before, outcome: "rolled-back", message: `rolled back to ${describe(report.before)}: ${reason}` };
}

function describe(state: TrafficState): string {
    return state.canaryWeight > 0 ? `${state.activeColor} with ${state.canaryWeight}% canary` : state.activeColor;
}
