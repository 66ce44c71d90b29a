/**
 * `npm run switch -- [--project apps] --stack <s> --service <name> --to <blue|green> [--steps 10,50,100] [--pause 2m]
 *  [--report FILE] [--dry-run]`: the one way traffic moves, in the platform's stacks or (`--project apps`) a team's. Exit codes: 0 switched (or nothing to do),
 * 1 refused by a check (nothing changed), 2 bad input, 3 rolled back after a breach, 4 the rollback failed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAppsConfig } from "../../apps/config";
import { COLORS, Color, ServiceConfig, parseStackConfig, resolveServices } from "../../config";
import { colorImage, colorName, colorSize, trafficObjectNames } from "../../components/blueGreenService";
import { OBSERVABILITY_COMPONENT, monitoringObjectNames } from "../../components/observability";
import { runPlan } from "../../plan/harness";
import { PROJECT_ROOT, projectName, stackConfig } from "../../plan/stackConfig";
import { SWITCH_EXIT_CODES, SwitchReport, runSwitch } from "./run";
import { SwitchStep, parseDuration, parseSteps, switchSteps } from "./steps";

export const SWITCH_USAGE =
    "usage: npm run switch -- [--project apps] --stack <stack> --service <name> --to <blue|green> [--steps 10,50,100] [--pause 2m] [--report FILE] [--dry-run]";

/** The projects whose services switch: the platform (default) and the team stacks. */
export const SWITCH_PROJECTS = ["apps"] as const;

export interface SwitchArgs {
    /** `apps`: a team stack of `apps/`; default the platform project. */
    readonly project?: (typeof SWITCH_PROJECTS)[number];
    readonly stack: string;
    readonly service: string;
    readonly to: Color;
    readonly steps: number[];
    readonly pauseMs: number;
    readonly report?: string;
    readonly dryRun: boolean;
}

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export function parseSwitchArgs(argv: readonly string[]): SwitchArgs | "help" {
    const values: Record<string, string> = {};
    let dryRun = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--help" || flag === "-h") return "help";
        if (flag === "--dry-run") dryRun = true;
        else if (["--project", "--stack", "--service", "--to", "--steps", "--pause", "--report"].includes(flag)) {
            const value = argv[++i];
            if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value (${SWITCH_USAGE})`);
            values[flag.slice(2)] = value;
        } else throw new UsageError(`unknown argument ${flag} (${SWITCH_USAGE})`);
    }
    for (const required of ["stack", "service", "to"]) {
        if (!values[required]) throw new UsageError(`--${required} is required (${SWITCH_USAGE})`);
    }
    if (!(COLORS as readonly string[]).includes(values.to)) throw new UsageError(`--to is "${values.to}", expected one of ${COLORS.join(", ")}`);
    if (values.project !== undefined && !(SWITCH_PROJECTS as readonly string[]).includes(values.project)) {
        throw new UsageError(`--project is "${values.project}", expected ${SWITCH_PROJECTS.join(", ")} (or none for the platform)`);
    }
    try {
        return {
            ...(values.project !== undefined ? { project: values.project as SwitchArgs["project"] } : {}),
            stack: values.stack,
            service: values.service,
            to: values.to as Color,
            steps: values.steps ? parseSteps(values.steps) : [100],
            pauseMs: parseDuration(values.pause ?? "2m"),
            report: values.report,
            dryRun,
        };
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
}

/** Where a switch acts: the project directory, the AWS region, and the stack whose policy config applies. */
export interface SwitchTarget {
    readonly root: string;
    readonly region: string;
    /** `policies/config/<policyStack>.json`: a team stack is held to its platform stack's levels. */
    readonly policyStack: string;
}

/**
 * The stack's validated config (exactly as the program reads it) and the service being switched. A team stack's
 * region and policy levels are those of the platform stack it names (its file in this repository).
 */
export function resolveService(stack: string, name: string, project?: SwitchArgs["project"]): { target: SwitchTarget; service: ServiceConfig; index: number } {
    const root = project === undefined ? PROJECT_ROOT : path.join(PROJECT_ROOT, project);
    const projectId = projectName(root);
    const prefix = `${projectId}:`;
    const raw = Object.fromEntries(
        Object.entries(stackConfig(stack, [], root))
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    let services: ServiceConfig[];
    let target: SwitchTarget;
    if (project === "apps") {
        const config = parseAppsConfig(raw, projectId, stack);
        const platformStack = config.platformStack.split("/")[2];
        const region = stackConfig(platformStack, [])[`${projectName()}:region`];
        // The identity mode plays no part in a switch; the platform's default stands in for an unset one.
        services = resolveServices(config.services, config.activeColor, config.identityMode === "" ? "irsa" : config.identityMode);
        target = { root, region, policyStack: platformStack };
    } else {
        const config = parseStackConfig(raw, projectId, stack);
        services = config.services;
        target = { root, region: config.region, policyStack: stack };
    }
    const index = services.findIndex((s) => s.name === name);
    if (index < 0) throw new UsageError(`--service is "${name}", expected one of ${services.map((s) => s.name).join(", ") || "(no services)"}`);
    return { target, service: services[index], index };
}

/**
 * URNs of the service's traffic objects, read from the offline plan of the stack as it is and as it will be
 * (a preview route can appear or go with a switch): the same program, so the same URNs as the real stack. With them
 * the monitoring that follows traffic (the service's alarms on the live color, the dashboard), so that it moves too.
 */
export async function trafficTargets(stack: string, service: ServiceConfig, index: number, to: Color, root = PROJECT_ROOT): Promise<string[]> {
    const names = new Set(Object.values(trafficObjectNames(service.name, service.trafficMode)));
    const component = `eks-platform:apps:BlueGreenService::${service.name}`;
    const monitoring = new Set(monitoringObjectNames(OBSERVABILITY_COMPONENT, service.name));
    const observability = `eks-platform:observability:Observability::${OBSERVABILITY_COMPONENT}`;
    const key = `${projectName(root)}:services`;
    const current = stackConfig(stack, [], root);
    const services = JSON.parse(current[key] ?? "[]") as Record<string, unknown>[];
    services[index] = { ...services[index], activeColor: to, canaryWeight: 0 };
    const urns = new Set<string>();
    for (const config of [current, { ...current, [key]: JSON.stringify(services) }]) {
        const plan = await runPlan({ stack, config, root });
        for (const r of plan.resources) {
            if ((r.parent?.endsWith(component) && names.has(r.name)) || (r.parent?.endsWith(observability) && monitoring.has(r.name))) urns.add(r.urn);
        }
    }
    return [...urns].sort();
}

/** What `--dry-run` prints: the URNs a switch would target, its steps and the checks with their thresholds. */
export function renderDryRun(args: SwitchArgs, service: ServiceConfig, index: number, steps: readonly SwitchStep[], targets: readonly string[]): string {
    const g = service.switchGuard;
    const target = colorName(service, args.to);
    const lines = [
        `Switch ${args.stack}/${service.name}: ${service.activeColor}${service.canaryWeight ? ` (canary ${service.canaryWeight}%)` : ""} → ${args.to} (dry run: nothing is read or changed)`,
        "",
        "Targets (pulumi up --target):",
        ...targets.map((u) => `  ${u}`),
        "",
        "Steps:",
        ...steps.map(
            (s) =>
                `  ${s.weight}%: services[${index}].activeColor=${s.state.activeColor}, services[${index}].canaryWeight=${s.state.canaryWeight}; ` +
                `watch ${s.weight === 100 ? `${g.watchMinutes} min` : `${Math.ceil(args.pauseMs / 60_000)} min`}`,
        ),
        "",
        "Checks before each step (any failure stops the switch; before the first change nothing is touched):",
        `  image     ${args.to} has an image: ${colorImage(service, args.to) ?? "NONE"}`,
        `  capacity  Deployment ${service.namespace}/${target}: available replicas ≥ the step's share of ${colorName(service, service.activeColor)}'s available replicas, and ≥ ${colorSize(service, args.to).minReplicas} (its autoscaling minimum)`,
        `  targets   Service ${target}'s target group on the main route (before the controller makes it, the preview route's; found through the TargetGroupBindings and the controller's resource tag): healthy targets ≥ that, none unhealthy, initial or draining`,
        `  preview   GET https://${service.previewHostname}${service.probes.readinessPath} answers 2xx`,
        "After each step:",
        `  route     HTTPRoute ${service.namespace}/${service.name} Accepted and ResolvedRefs for its new generation`,
        `  watch     every minute: target 5xx ≤ ${g.maxErrorRatePercent}% of requests and p99 ≤ ${g.maxLatencyMs} ms, else switch back to ${service.activeColor}`,
    ];
    return lines.join("\n");
}

/** The report as Markdown, for the job summary. */
export function renderReport(r: SwitchReport): string {
    const lines = [`### switch ${r.stack}/${r.service} → ${r.to}: ${r.outcome}`, "", r.message, ""];
    for (const step of r.steps) {
        lines.push(`**${step.weight}%**`, "", "| check | result | detail |", "| --- | --- | --- |");
        for (const c of step.checks) lines.push(`| ${c.name} | ${c.ok ? "ok" : "FAIL"} | ${c.detail.replace(/\|/g, "\\|")} |`);
        if (step.watch.length > 0) {
            lines.push("", "| minute | requests | 5xx % | p99 ms | breach |", "| --- | --- | --- | --- | --- |");
            for (const m of step.watch) {
                lines.push(`| ${m.minute} | ${m.sample.requests} | ${m.errorRatePercent.toFixed(2)} | ${m.sample.p99LatencyMs ?? "-"} | ${m.breach ?? ""} |`);
            }
        }
        lines.push("");
    }
    lines.push(`Traffic now: ${r.after.activeColor}${r.after.canaryWeight ? ` with ${r.after.canaryWeight}% canary` : ""}`);
    return lines.join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
    let args: SwitchArgs;
    let resolved: ReturnType<typeof resolveService>;
    let steps: SwitchStep[];
    try {
        const parsed = parseSwitchArgs(argv);
        if (parsed === "help") {
            process.stdout.write(`${SWITCH_USAGE}\n`);
            return 0;
        }
        args = parsed;
        resolved = resolveService(args.stack, args.service, args.project);
        steps = switchSteps(resolved.service, args.to, args.steps);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        return 2;
    }
    const { target, service, index } = resolved;
    const targets = await trafficTargets(args.stack, service, index, args.to, target.root);
    if (args.dryRun) {
        process.stdout.write(`${renderDryRun(args, service, index, steps, targets)}\n`);
        return 0;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { realClients } = require("./clients") as typeof import("./clients");
    const clients = await realClients(target.root, args.stack, target.region, path.join(PROJECT_ROOT, "policies", "config", `${target.policyStack}.json`));
    const report = await runSwitch({ stack: args.stack, service, index, to: args.to, steps, pauseMs: args.pauseMs, targets }, clients);
    const markdown = renderReport(report);
    process.stdout.write(`\n${markdown}\n`);
    if (args.report) fs.appendFileSync(args.report, `${markdown}\n`);
    if (report.outcome === "rollback-failed") process.stderr.write(`\n${report.message}\n`);
    return SWITCH_EXIT_CODES[report.outcome];
}
