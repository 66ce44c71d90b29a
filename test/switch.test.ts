/**
 * The guarded switch (`npm run switch`): its decisions with fake Kubernetes, AWS, HTTP and Automation API
 * clients (a failing check before, a breach after, a failed rollback), its arguments, and the dry run as users
 * run it. HTTPRoutes in every stack carry the wait that makes `pulumi up` return only once the Gateway took them.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { parseStackConfig, ServiceConfig } from "../config";
import { judgeMinute, requiredReplicas } from "../ops/switch/checks";
import { parseSwitchArgs, renderReport } from "../ops/switch/cli";
import { automationStackClient } from "../ops/switch/clients";
import { loadBalancerDimension, minuteQueries, targetGroupDimension } from "../ops/switch/metrics";
import { isRouteBackendResourceId, targetGroupResourceId } from "../lib/albTargets";
import { runSwitch, SWITCH_EXIT_CODES, SwitchRequest } from "../ops/switch/run";
import { configAssignments, parseDuration, parseSteps, switchSteps } from "../ops/switch/steps";
import type { DeploymentState, RouteState, SwitchClients, TargetHealth, TrafficSample } from "../ops/switch/types";
import { stackConfig } from "../plan/stackConfig";
import { k8sObjects, plan, STACKS } from "./harness";
import { requestCli } from "./planService/client";

const TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-appapi-appapigr-0a1b2c3d4e/50dc6c495c0c9188";
/** The green Service's other target group: the preview route's (the controller makes one per route and backend). */
const PREVIEW_TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-appapi-appapigr-7f6e5d4c3b/6a1b2c3d4e5f6a7b";
const BLUE_TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-appapi-appapibl-1a2b3c4d5e/0c1d2e3f4a5b6c7d";
const STABLE_TG_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-appapi-appapi-9a8b7c6d5e/1e2f3a4b5c6d7e8f";
const GATEWAY = { namespace: "gateway-system", name: "platform" };

/** A target group as the controller tags it: the route and backend it serves (lib/albTargets.ts). */
function tg(arn: string, route: string, service: string): { arn: string; resourceId: string } {
    const ns = "app-api";
    return { arn, resourceId: targetGroupResourceId({ gateway: GATEWAY, route: { namespace: ns, name: route }, service: { namespace: ns, name: service }, targetPort: "http" }) };
}
const LB_ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-platform-gateway-9f8e7d6c5b/50dc6c495c0c9188";
const TARGETS = ["urn:test::route", "urn:test::preview"];

/** prod's app-api as the program sees it (blue active, both colors on 1.8.0, autoscaling 4–20). */
function prodService(overrides: Record<string, unknown> = {}): ServiceConfig {
    // The program's own namespace only: the config also holds pulumi:disable-default-providers, as the CLI hands it.
    const raw = Object.fromEntries(
        Object.entries(stackConfig("prod"))
            .filter(([k]) => k.startsWith("eks-platform:"))
            .map(([k, v]) => [k.slice("eks-platform:".length), v]),
    );
    const services = JSON.parse(raw.services) as Record<string, unknown>[];
    services[0] = { ...services[0], ...overrides };
    return parseStackConfig({ ...raw, services: JSON.stringify(services) }, "eks-platform", "prod").services[0];
}

interface World {
    deployments: Record<string, DeploymentState>;
    /** TargetGroupBindings per Service, in the order kubectl lists them. */
    targetGroups: Record<string, { arn: string; resourceId: string }[]>;
    health: TargetHealth;
    preview: number | Error;
    route: RouteState;
    minutes: TrafficSample[];
    upFails?: (call: number) => boolean;
}

const quietMinute: TrafficSample = { requests: 1200, targetErrors5xx: 2, p99LatencyMs: 180 };

function world(overrides: Partial<World> = {}): World {
    return {
        deployments: { "app-api-blue": { replicas: 6, availableReplicas: 6 }, "app-api-green": { replicas: 6, availableReplicas: 6 } },
        // The preview's target group listed first: the switch must not take it for the main route's.
        targetGroups: {
            "app-api-green": [tg(PREVIEW_TG_ARN, "app-api-preview", "app-api-green"), tg(TG_ARN, "app-api", "app-api-green")],
            "app-api-blue": [tg(BLUE_TG_ARN, "app-api", "app-api-blue")],
        },
        health: { healthy: 6, notHealthy: 0 },
        preview: 200,
        route: { accepted: true, resolvedRefs: true, current: true },
        minutes: [],
        ...overrides,
    };
}

/** Fake clients over a world; records every config change and update. */
function fakes(w: World): SwitchClients & { calls: string[]; slept: number[]; read: { health: string[]; traffic: string[] } } {
    const calls: string[] = [];
    const slept: number[] = [];
    const read = { health: [] as string[], traffic: [] as string[] };
    const all = Object.values(w.targetGroups).flat();
    let ups = 0;
    let minute = 0;
    return {
        calls,
        slept,
        read,
        kube: {
            deployment: async (_ns, name) => w.deployments[name] ?? null,
            targetGroupArns: async (_ns, svc) => (w.targetGroups[svc] ?? []).map((t) => t.arn),
            route: async () => w.route,
        },
        aws: {
            targetGroupResourceIds: async (arns) => Object.fromEntries(all.filter((t) => arns.includes(t.arn)).map((t) => [t.arn, t.resourceId])),
            targetHealth: async (arn) => (read.health.push(arn), w.health),
            lastMinute: async (arn) => (read.traffic.push(arn), w.minutes[minute++] ?? quietMinute),
        },
        http: { get: async () => (w.preview instanceof Error ? Promise.reject(w.preview) : w.preview) },
        stack: {
            setConfig: async (p, v) => void calls.push(`set ${p}=${v}`),
            up: async (targets, message) => {
                ups++;
                calls.push(`up ${targets.length} targets: ${message}`);
                if (w.upFails?.(ups)) throw new Error("update failed: the Kubernetes API is unreachable");
            },
        },
        clock: { sleep: async (ms) => void slept.push(ms) },
        log: () => undefined,
    };
}

function request(service: ServiceConfig, steps = [100], pauseMs = 120_000): SwitchRequest {
    return { stack: "prod", service, index: 0, to: "green", steps: switchSteps(service, "green", steps), pauseMs, targets: TARGETS, routePoll: { intervalMs: 10, attempts: 3 } };
}

describe("switch decisions", () => {
    test("all checks pass: one targeted update, watched for switchGuard.watchMinutes (default 10), traffic on green", async () => {
        const c = fakes(world());
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("switched");
        expect(SWITCH_EXIT_CODES[r.outcome]).toBe(0);
        expect(c.calls).toEqual(["set services[0].activeColor=green", "up 2 targets: switch app-api to green: 100%"]);
        expect(r.steps[0].checks.map((x) => [x.name, x.ok])).toEqual([
            ["image", true],
            ["capacity", true],
            ["targets", true],
            ["preview", true],
            ["route", true],
        ]);
        expect(r.steps[0].checks[3].detail).toBe("GET https://preview-api.example.com/actuator/health/readiness: 200");
        expect(r.steps[0].watch).toHaveLength(10);
        expect(c.slept.filter((ms) => ms === 60_000)).toHaveLength(10);
        expect(r.after).toEqual({ activeColor: "green", canaryWeight: 0 });
    });

    test("a failing check before the switch stops it with nothing changed", async () => {
        const c = fakes(world({ health: { healthy: 5, notHealthy: 1 } }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("refused");
        expect(SWITCH_EXIT_CODES[r.outcome]).toBe(1);
        expect(c.calls).toEqual([]);
        expect(r.message).toBe(`refused before any change: targets (5 healthy, 1 not healthy, 6 needed (${TG_ARN}))`);
        expect(r.after).toEqual({ activeColor: "blue", canaryWeight: 0 });
    });

    test("checks and watch read the main route's target group of the new color, never the preview route's", async () => {
        const c = fakes(world());
        const r = await runSwitch(request(prodService(), [10, 100]), c);
        expect(r.outcome).toBe("switched");
        expect([...new Set(c.read.health)]).toEqual([TG_ARN]);
        expect(c.read.traffic.length).toBeGreaterThan(0);
        expect([...new Set(c.read.traffic)]).toEqual([TG_ARN]);
    });

    test("before the controller made the main route's target group, the preview route's serves the health check; the watch needs the main route's", async () => {
        const previewOnly = world({ targetGroups: { "app-api-green": [tg(PREVIEW_TG_ARN, "app-api-preview", "app-api-green")] } });
        const c = fakes(previewOnly);
        const r = await runSwitch(request(prodService()), c);
        expect([...new Set(c.read.health)]).toEqual([PREVIEW_TG_ARN]);
        expect(c.read.traffic).toEqual([]);
        expect(r.outcome).toBe("rolled-back");
        expect(r.message).toContain("no target group of route app-api for Service app-api-green");
    });

    test("selector mode: the new color's pods are checked behind the preview route, the switched traffic watched on the stable Service's target group", async () => {
        const selector = world({
            targetGroups: {
                "app-api-green": [tg(PREVIEW_TG_ARN, "app-api-preview", "app-api-green")],
                "app-api": [tg(STABLE_TG_ARN, "app-api", "app-api")],
            },
        });
        const c = fakes(selector);
        const r = await runSwitch(request(prodService({ trafficMode: "selector" })), c);
        expect(r.outcome).toBe("switched");
        expect([...new Set(c.read.health)]).toEqual([PREVIEW_TG_ARN]);
        expect([...new Set(c.read.traffic)]).toEqual([STABLE_TG_ARN]);
    });

    test("the target color must carry the active color's current replicas, not only its HPA minimum", async () => {
        const c = fakes(world({ deployments: { "app-api-blue": { replicas: 9, availableReplicas: 9 }, "app-api-green": { replicas: 4, availableReplicas: 4 } } }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("refused");
        expect(r.steps[0].checks.find((x) => x.name === "capacity")).toEqual({ name: "capacity", ok: false, detail: "app-api-green: 4 available, 9 needed" });
    });

    test("a preview that does not answer 2xx, or does not answer, refuses the switch", async () => {
        for (const preview of [503, new Error("connect ETIMEDOUT")]) {
            const c = fakes(world({ preview }));
            const r = await runSwitch(request(prodService()), c);
            expect(r.outcome).toBe("refused");
            expect(c.calls).toEqual([]);
        }
    });

    test("a breach after the switch switches back the same way and exits 3 with the evidence", async () => {
        const breach: TrafficSample = { requests: 1000, targetErrors5xx: 50, p99LatencyMs: 240 };
        const c = fakes(world({ minutes: [quietMinute, quietMinute, breach] }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("rolled-back");
        expect(SWITCH_EXIT_CODES[r.outcome]).toBe(3);
        expect(c.calls).toEqual([
            "set services[0].activeColor=green",
            "up 2 targets: switch app-api to green: 100%",
            "set services[0].activeColor=blue",
            "up 2 targets: roll back app-api to blue: breach at 100%: 5xx 5.00% > 1% (50 of 1000)",
        ]);
        expect(r.steps[0].watch.map((m) => m.breach)).toEqual([null, null, "5xx 5.00% > 1% (50 of 1000)"]);
        expect(r.after).toEqual({ activeColor: "blue", canaryWeight: 0 });
        expect(renderReport(r)).toContain("| 3 | 1000 | 5.00 | 240 | 5xx 5.00% > 1% (50 of 1000) |");
    });

    test("a failed rollback says loudly where traffic may be", async () => {
        const c = fakes(world({ minutes: [{ requests: 100, targetErrors5xx: 0, p99LatencyMs: 4000 }], upFails: (n) => n === 2 }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("rollback-failed");
        expect(SWITCH_EXIT_CODES[r.outcome]).toBe(4);
        expect(r.message).toBe(
            "ROLLBACK FAILED: breach at 100%: p99 4000 ms > 1000 ms; then pulumi up failed: update failed: the Kubernetes API is unreachable. " +
                "Traffic is NOT confirmed on blue: the stack config says blue (canary 0%), the last applied state was green. " +
                "Check the HTTPRoute app-api/app-api and run the switch to blue again.",
        );
        expect(r.after).toEqual({ activeColor: "green", canaryWeight: 0 });
    });

    test("a failed update is rolled back (it may have half-applied)", async () => {
        const c = fakes(world({ upFails: (n) => n === 1 }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("rolled-back");
        expect(c.calls.slice(2)).toEqual(["set services[0].activeColor=blue", "up 2 targets: roll back app-api to blue: pulumi up failed at 100%: update failed: the Kubernetes API is unreachable"]);
    });

    test("a route the Gateway does not accept for its new generation is rolled back", async () => {
        const c = fakes(world({ route: { accepted: true, resolvedRefs: true, current: false } }));
        const r = await runSwitch(request(prodService()), c);
        expect(r.outcome).toBe("rolled-back");
        expect(r.message).toBe("rolled back to blue: route not live at 100%: app-api: Accepted=true, ResolvedRefs=true, stale generation");
    });

    test("--steps 10,50,100: canary weights first, each step checked and watched for --pause, then green active", async () => {
        const c = fakes(world());
        const r = await runSwitch(request(prodService(), [10, 50, 100], 120_000), c);
        expect(r.outcome).toBe("switched");
        expect(c.calls).toEqual([
            "set services[0].activeColor=blue",
            "set services[0].canaryWeight=10",
            "up 2 targets: switch app-api to green: 10%",
            "set services[0].activeColor=blue",
            "set services[0].canaryWeight=50",
            "up 2 targets: switch app-api to green: 50%",
            "set services[0].activeColor=green",
            "set services[0].canaryWeight=0",
            "up 2 targets: switch app-api to green: 100%",
        ]);
        expect(r.steps.map((s) => s.watch.length)).toEqual([2, 2, 10]);
        // 10 % of blue's 6 replicas is 1, but green never goes below its autoscaling minimum of 4.
        expect(r.steps[0].checks.find((x) => x.name === "capacity")?.detail).toBe("app-api-green: 6 available, 4 needed");
    });

    test("a breach during a canary step goes back to no canary at all", async () => {
        const c = fakes(world({ minutes: [quietMinute, { requests: 100, targetErrors5xx: 3, p99LatencyMs: 100 }] }));
        const r = await runSwitch(request(prodService(), [10, 100]), c);
        expect(r.outcome).toBe("rolled-back");
        expect(c.calls.slice(-3)).toEqual([
            "set services[0].activeColor=blue",
            "set services[0].canaryWeight=0",
            "up 2 targets: roll back app-api to blue: breach at 10%: 5xx 3.00% > 1% (3 of 100)",
        ]);
    });

    test("a switch to the color that already has all traffic changes nothing", async () => {
        const c = fakes(world());
        const r = await runSwitch({ ...request(prodService({ activeColor: "green" })), to: "green" }, c);
        expect(r.outcome).toBe("unchanged");
        expect(c.calls).toEqual([]);
    });

    test("guard thresholds come from the service's switchGuard", async () => {
        const c = fakes(world({ minutes: [{ requests: 1000, targetErrors5xx: 30, p99LatencyMs: 1500 }] }));
        const service = prodService({ switchGuard: { watchMinutes: 1, maxErrorRatePercent: 5, maxLatencyMs: 2000 } });
        const r = await runSwitch(request(service), c);
        expect(r.outcome).toBe("switched");
        expect(r.steps[0].watch).toEqual([{ minute: 1, sample: { requests: 1000, targetErrors5xx: 30, p99LatencyMs: 1500 }, errorRatePercent: 3, breach: null }]);
    });
});

describe("switch pure parts", () => {
    test("a minute is judged on target 5xx share and p99; a quiet minute never breaches", () => {
        const guard = { watchMinutes: 10, maxErrorRatePercent: 1, maxLatencyMs: 1000 };
        expect(judgeMinute({ requests: 0, targetErrors5xx: 0, p99LatencyMs: null }, guard)).toEqual({ errorRatePercent: 0, breach: null });
        expect(judgeMinute({ requests: 200, targetErrors5xx: 2, p99LatencyMs: 1000 }, guard)).toEqual({ errorRatePercent: 1, breach: null });
        expect(judgeMinute({ requests: 200, targetErrors5xx: 3, p99LatencyMs: 1001 }, guard)).toEqual({
            errorRatePercent: 1.5,
            breach: "5xx 1.50% > 1% (3 of 200); p99 1001 ms > 1000 ms",
        });
    });

    test("required replicas: the step's share of the active color, never below the minimum", () => {
        expect(requiredReplicas(6, 100, 4)).toBe(6);
        expect(requiredReplicas(6, 10, 4)).toBe(4);
        expect(requiredReplicas(30, 50, 4)).toBe(15);
        expect(requiredReplicas(7, 50, 1)).toBe(4);
    });

    test("config assignments name the service's own keys, the weight only when it changes", () => {
        expect(configAssignments(2, { activeColor: "blue", canaryWeight: 0 }, { activeColor: "green", canaryWeight: 0 })).toEqual([["services[2].activeColor", "green"]]);
        expect(configAssignments(0, { activeColor: "blue", canaryWeight: 0 }, { activeColor: "blue", canaryWeight: 25 })).toEqual([
            ["services[0].activeColor", "blue"],
            ["services[0].canaryWeight", "25"],
        ]);
    });

    test("steps and pauses parse, and bad ones are refused with the flag and what is allowed", () => {
        expect(parseSteps("10,50,100")).toEqual([10, 50, 100]);
        expect(parseDuration("2m")).toBe(120_000);
        expect(parseDuration("90s")).toBe(90_000);
        expect(parseDuration("45")).toBe(45_000);
        expect(() => parseSteps("50,10,100")).toThrow('--steps is "50,10,100", expected increasing whole percents from 1 to 100 that end at 100 (e.g. 10,50,100)');
        expect(() => parseSteps("10,50")).toThrow("end at 100");
        expect(() => parseDuration("2 minutes")).toThrow('--pause is "2 minutes", expected a duration such as 90s, 2m or 1h');
        expect(() => switchSteps(prodService({ trafficMode: "selector" }), "green", [10, 100])).toThrow('--steps needs trafficMode "route"');
    });

    test("arguments: required flags, colors, help", () => {
        expect(parseSwitchArgs(["--stack", "prod", "--service", "app-api", "--to", "green", "--dry-run"])).toEqual({
            stack: "prod",
            service: "app-api",
            to: "green",
            steps: [100],
            pauseMs: 120_000,
            report: undefined,
            dryRun: true,
        });
        expect(parseSwitchArgs(["--help"])).toBe("help");
        expect(() => parseSwitchArgs(["--stack", "prod", "--service", "app-api"])).toThrow("--to is required");
        expect(() => parseSwitchArgs(["--stack", "prod", "--service", "app-api", "--to", "red"])).toThrow('--to is "red", expected one of blue, green');
        expect(() => parseSwitchArgs(["--stack", "prod", "--fast"])).toThrow("unknown argument --fast");
    });

    test("a target group belongs to a route's backend by the controller's resource id, whatever the Gateway and port", () => {
        const route = { namespace: "app-api", name: "app-api" };
        const green = { namespace: "app-api", name: "app-api-green" };
        expect(isRouteBackendResourceId("gateway-system/platform:app-api-app-api:HTTPRoute-app-api-app-api-green:http", route, green)).toBe(true);
        expect(isRouteBackendResourceId("other/gw:app-api-app-api:HTTPRoute-app-api-app-api-green:8080", route, green)).toBe(true);
        // The preview route's target group of the same Service, and the main route's of the other color, are not.
        expect(isRouteBackendResourceId("gateway-system/platform:app-api-app-api-preview:HTTPRoute-app-api-app-api-green:http", route, green)).toBe(false);
        expect(isRouteBackendResourceId("gateway-system/platform:app-api-app-api:HTTPRoute-app-api-app-api-blue:http", route, green)).toBe(false);
    });

    test("metric dimensions come from the ARNs as the ELB CloudWatch docs define them", () => {
        expect(targetGroupDimension(TG_ARN)).toBe("targetgroup/k8s-appapi-appapigr-0a1b2c3d4e/50dc6c495c0c9188");
        expect(loadBalancerDimension(LB_ARN)).toBe("app/k8s-platform-gateway-9f8e7d6c5b/50dc6c495c0c9188");
        const queries = minuteQueries("targetgroup/a/1", "app/b/2");
        expect(queries.map((q) => [q.Id, q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period])).toEqual([
            ["requests", "RequestCount", "Sum", 60],
            ["errors", "HTTPCode_Target_5XX_Count", "Sum", 60],
            ["p99", "TargetResponseTime", "p99", 60],
        ]);
        expect(queries[0].MetricStat.Metric.Dimensions).toEqual([
            { Name: "TargetGroup", Value: "targetgroup/a/1" },
            { Name: "LoadBalancer", Value: "app/b/2" },
        ]);
        expect(() => targetGroupDimension(LB_ARN)).toThrow("not a target group ARN");
    });
});

describe("the Automation API side", () => {
    test("config is set with path syntax; the update targets the URNs only, with the stack's policy pack", async () => {
        const seen: unknown[] = [];
        const fakeStack = {
            setConfig: async (...args: unknown[]) => void seen.push(["setConfig", ...args]),
            up: async (opts: Record<string, unknown>) => void seen.push(["up", { ...opts, onOutput: typeof opts.onOutput }]),
        };
        const client = automationStackClient(fakeStack as unknown as Parameters<typeof automationStackClient>[0], "policies/config/prod.json");
        await client.setConfig("services[0].activeColor", "green");
        await client.up(TARGETS, "switch app-api to green: 100%");
        expect(seen).toEqual([
            ["setConfig", "services[0].activeColor", { value: "green" }, true],
            [
                "up",
                {
                    target: TARGETS,
                    message: "switch app-api to green: 100%",
                    policyPacks: ["policies"],
                    policyPackConfigs: ["policies/config/prod.json"],
                    onOutput: "function",
                },
            ],
        ]);
    });
});

describe("routes that are really live", () => {
    test.each(STACKS)("%s: every HTTPRoute waits for Accepted and ResolvedRefs on its parent, at most 300 s", async (stack) => {
        const routes = k8sObjects(await plan(stack), "HTTPRoute");
        expect(routes.length).toBeGreaterThan(0);
        for (const route of routes) {
            expect(JSON.parse(route.metadata.annotations["pulumi.com/waitFor"])).toEqual([
                'jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True',
                'jsonpath={.status.parents[0].conditions[?(@.type=="ResolvedRefs")].status}=True',
            ]);
            expect(route.metadata.annotations["pulumi.com/timeoutSeconds"]).toBe("300");
            expect(route.spec.parentRefs).toHaveLength(1);
        }
    });
});

describe("npm run switch --dry-run", () => {
    // Run by the plan service's planner: the same `main` as scripts/switch.js, its output captured.
    const run = (...args: string[]) => requestCli(args, "switch");
    // A fresh process: the entry point itself, its arguments and exit codes.
    const runProcess = (...args: string[]) => spawnSync(process.execPath, [path.resolve(__dirname, "../scripts/switch.js"), ...args], { encoding: "utf8" });

    test("prints exactly the URNs of app-api's traffic objects (and the monitoring that follows them), its steps and the checks", async () => {
        const r = await run("--stack", "prod", "--service", "app-api", "--to", "green", "--dry-run");
        expect(r.status).toBe(0);
        const urns = r.stdout.split("\n").filter((l) => l.startsWith("  urn:")).map((l) => l.trim());
        const prod = await plan("prod");
        const monitoring = (name: string) => name === "observability" || /^observability-app-api-/.test(name);
        const expected = prod.resources
            .filter((x) => x.name === "app-api-route" || x.name === "app-api-preview" || (x.custom && monitoring(x.name)))
            .map((x) => x.urn)
            .sort();
        expect(expected).toHaveLength(7);
        expect(urns).toEqual(expected);
        const observability = "urn:pulumi:prod::eks-platform::eks-platform:observability:Observability$aws:cloudwatch";
        expect(urns).toEqual([
            "urn:pulumi:prod::eks-platform::eks-platform:apps:BlueGreenService$kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::app-api-preview",
            "urn:pulumi:prod::eks-platform::eks-platform:apps:BlueGreenService$kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::app-api-route",
            // The alarms watch the live color and the dashboard shows it: they move with the traffic.
            `${observability}/dashboard:Dashboard::observability`,
            `${observability}/metricAlarm:MetricAlarm::observability-app-api-error-rate`,
            `${observability}/metricAlarm:MetricAlarm::observability-app-api-no-healthy-hosts`,
            `${observability}/metricAlarm:MetricAlarm::observability-app-api-p99-latency`,
            `${observability}/metricAlarm:MetricAlarm::observability-app-api-unhealthy-hosts`,
        ]);
        expect(r.stdout).toContain("  100%: services[0].activeColor=green, services[0].canaryWeight=0; watch 10 min");
        for (const check of ["image", "capacity", "targets", "preview", "route", "watch"]) expect(r.stdout).toMatch(new RegExp(`^  ${check} `, "m"));
    });

    test("bad input: one line, exit 2; --help exits 0 (from the entry point as from main)", async () => {
        const r = await run("--stack", "prod", "--service", "nope", "--to", "green", "--dry-run");
        expect(r.status).toBe(2);
        expect(r.stderr).toBe('--service is "nope", expected one of app-api\n');
        expect(runProcess("--stack", "prod", "--service", "nope", "--to", "green", "--dry-run")).toMatchObject({ status: 2, stdout: "", stderr: r.stderr });
        expect(runProcess("--help")).toMatchObject({ status: 0, stderr: "" });
        const help = await run("--help");
        expect(help.status).toBe(0);
        expect(help.stdout).toMatch(/^usage: npm run switch -- \[--project apps\] --stack <stack> --service <name> --to <blue\|green>/);
    });
});
