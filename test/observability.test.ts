/**
 * Observability: the dashboard (every service and color, the cluster rows), the alarms on each live color with the
 * thresholds from config, the encrypted topic and its chat channels, the Container Insights add-on and its identity,
 * and how the program finds the load balancer controller's ALB and target groups.
 */
import {
    ALB_GATEWAY_RESOURCE_TAG,
    ALB_GATEWAY_STACK_TAG,
    LBC_CLUSTER_TAG,
    TaggedResource,
    albTagFilters,
    loadBalancerDimension,
    matchAlbResources,
    targetGroupDimension,
    targetGroupResourceId,
    waitForAlbDimensions,
} from "../lib/albTargets";
import { COLOR_WIDGETS, DashboardBody, Widget, layout } from "../lib/dashboard";
import { stackConfig } from "../plan/stackConfig";
import * as path from "path";
import { deployPolicy } from "../bootstrap/documents";
import { Plan, find, inputsOf, ofType, plan, planError, planProgram } from "./harness";

const PROJECT = "eks-platform";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const ADDON = "aws:eks/addon:Addon";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

function body(p: Plan): DashboardBody {
    return JSON.parse(inputsOf(p, DASHBOARD, "observability").dashboardBody as string) as DashboardBody;
}

function titled(b: DashboardBody, title: string): Widget {
    const w = b.widgets.find((x) => "title" in x.properties && x.properties.title === title);
    if (!w) throw new Error(`no widget "${title}" in ${b.widgets.map((x) => ("title" in x.properties ? x.properties.title : x.type)).join(", ")}`);
    return w;
}

/** `[namespace, metricName, {dims}, rendering]` of each metric line of a metric widget. */
function metricLines(w: Widget): { namespace?: string; metricName?: string; dimensions: Record<string, string>; rendering: Record<string, unknown> }[] {
    if (w.type !== "metric") throw new Error(`${w.type} widget has no metrics`);
    return w.properties.metrics.map((line) => {
        const items = [...line] as unknown[];
        const rendering = (typeof items[items.length - 1] === "object" ? items.pop() : {}) as Record<string, unknown>;
        if (items.length === 0) return { dimensions: {}, rendering };
        const [namespace, metricName, ...dims] = items as string[];
        const dimensions: Record<string, string> = {};
        for (let i = 0; i < dims.length; i += 2) dimensions[dims[i]] = dims[i + 1];
        return { namespace, metricName, dimensions, rendering };
    });
}

function alarms(p: Plan): Record<string, Record<string, any>> {
    return Object.fromEntries(ofType(p, ALARM).map((r) => [r.name.replace(/^observability-/, ""), r.inputs as Record<string, any>]));
}

/** The first service of prod, copied under another name (and colors), as a `services=` override with both. */
function twoServices(): string {
    const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
    const payments = {
        ...JSON.parse(JSON.stringify(services[0])),
        name: "payments",
        hostnames: ["payments.example.com"],
        previewHostname: "preview-payments.example.com",
        activeColor: "green",
        alarms: { maxLatencyMs: 300 },
    };
    return `services=${JSON.stringify([services[0], payments])}`;
}

// ---------------------------------------------------------------------------------------------------------
// Finding the controller's ALB and target groups
// ---------------------------------------------------------------------------------------------------------

describe("the load balancer controller's resources (lib/albTargets)", () => {
    test("tag keys and resource ids are the controller's (aws-load-balancer-controller v3.5.0 tracking provider, buildTargetGroupResourceID)", () => {
        expect(LBC_CLUSTER_TAG).toBe("elbv2.k8s.aws/cluster");
        expect(ALB_GATEWAY_STACK_TAG).toBe("gateway.k8s.aws.alb/stack");
        expect(ALB_GATEWAY_RESOURCE_TAG).toBe("gateway.k8s.aws.alb/resource");
        // fmt.Sprintf("%s/%s:%s-%s:%s-%s-%s:%s", gw ns, gw name, route ns, route name, kind, svc ns, svc name, port)
        expect(
            targetGroupResourceId({
                gateway: { namespace: "gateway-system", name: "public-gateway" },
                route: { namespace: "app-api", name: "app-api" },
                service: { namespace: "app-api", name: "app-api-blue" },
                targetPort: "http",
            }),
        ).toBe("gateway-system/public-gateway:app-api-app-api:HTTPRoute-app-api-app-api-blue:http");
    });

    test("CloudWatch dimensions from ARNs (the ARN formats of the ELB documentation)", () => {
        expect(loadBalancerDimension("arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/my-load-balancer/50dc6c495c0c9188")).toBe(
            "app/my-load-balancer/50dc6c495c0c9188",
        );
        expect(targetGroupDimension("arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067")).toBe(
            "targetgroup/my-targets/73e2d6bc24d8a067",
        );
        expect(() => loadBalancerDimension("arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/net/my-nlb/50dc6c495c0c9188")).toThrow(/not an Application Load Balancer/);
        // Other partitions (China, GovCloud) name the same resources; the whole ARN is read, nothing before or after.
        expect(loadBalancerDimension("arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/lb/50dc6c495c0c9188")).toBe("app/lb/50dc6c495c0c9188");
        expect(targetGroupDimension("arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:targetgroup/tg/73e2d6bc24d8a067")).toBe("targetgroup/tg/73e2d6bc24d8a067");
        const alb = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/lb/50dc6c495c0c9188";
        const tg = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/tg/73e2d6bc24d8a067";
        for (const bad of [`x${alb}`, `${alb}/listener/app/lb/50dc6c495c0c9188/f2f7dc8efc522ab2`, alb.replace("arn:aws:", "arn:aws1:")]) {
            expect(() => loadBalancerDimension(bad)).toThrow(`not an Application Load Balancer ARN: ${bad}`);
        }
        for (const bad of [`x${tg}`, `${tg}/extra`, tg.replace("arn:aws:", "arn:aws1:")]) {
            expect(() => targetGroupDimension(bad)).toThrow(`not a target group ARN: ${bad}`);
        }
    });

    test("the ALB is found by the two tags the controller puts on what it makes for a Gateway", () => {
        // elbv2.k8s.aws/cluster and the Gateway's stack tag (the load balancer controller's tagging for Gateways).
        expect(albTagFilters({ clusterName: "service-prod", gateway: { namespace: "gateway-system", name: "public-gateway" } })).toEqual([
            { key: "elbv2.k8s.aws/cluster", values: ["service-prod"] },
            { key: "gateway.k8s.aws.alb/stack", values: ["gateway-system/public-gateway"] },
        ]);
    });

    const gateway = { namespace: "gateway-system", name: "public-gateway" };
    const lookup = { clusterName: "service-prod", gateway, targetGroups: { "app-api/blue": "gw:blue", "app-api/green": "gw:green" } };
    const tags = (resource: string, over: Record<string, string> = {}) => ({
        "elbv2.k8s.aws/cluster": "service-prod",
        "gateway.k8s.aws.alb/stack": "gateway-system/public-gateway",
        "gateway.k8s.aws.alb/resource": resource,
        ...over,
    });
    const lb: TaggedResource = { resourceArn: "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/k8s-gw/0123456789abcdef", tags: tags("LoadBalancer") };
    const tg = (name: string, resource: string, over: Record<string, string> = {}): TaggedResource => ({
        resourceArn: `arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/${name}/0123456789abcdef`,
        tags: tags(resource, over),
    });

    test("matches the ALB and each requested target group exactly once; other clusters and gateways are ignored", () => {
        const match = matchAlbResources(
            [
                lb,
                tg("blue", "gw:blue"),
                tg("green", "gw:green"),
                tg("preview", "gw:preview-green"),
                tg("other-cluster", "gw:blue", { "elbv2.k8s.aws/cluster": "service-stage" }),
                tg("other-gateway", "gw:green", { "gateway.k8s.aws.alb/stack": "other/gateway" }),
            ],
            lookup,
        );
        expect(match).toEqual({
            dimensions: { loadBalancer: "app/k8s-gw/0123456789abcdef", targetGroups: { "app-api/blue": "targetgroup/blue/0123456789abcdef", "app-api/green": "targetgroup/green/0123456789abcdef" } },
            missing: [],
        });
    });

    test("a missing target group, or two while the controller replaces one, is not a match", () => {
        expect(matchAlbResources([lb, tg("blue", "gw:blue")], lookup)).toEqual({ missing: ["gw:green"] });
        expect(matchAlbResources([lb, tg("blue", "gw:blue"), tg("green", "gw:green"), tg("green2", "gw:green")], lookup).missing).toEqual(["gw:green"]);
        expect(matchAlbResources([tg("blue", "gw:blue"), tg("green", "gw:green")], lookup).missing).toEqual(["LoadBalancer"]);
    });

    test("a lookup that gives up fails the offline plan at once, with its message (not a plan that waits forever)", async () => {
        await expect(planProgram(path.join(__dirname, "fixtures/failingApply.ts"), "test", {})).rejects.toThrow(
            /the load balancer controller has not made gw:blue/,
        );
    });

    test("waits for target groups the controller makes after the routes appear (first pulumi up), then gives up naming what is missing", async () => {
        let clock = 0;
        const sleeps: number[] = [];
        const sleep = async (ms: number) => {
            sleeps.push(ms);
            clock += ms;
        };
        const listings = [[lb], [lb, tg("blue", "gw:blue")], [lb, tg("blue", "gw:blue"), tg("green", "gw:green")]];
        let calls = 0;
        const dims = await waitForAlbDimensions(async () => listings[Math.min(calls++, 2)], lookup, { intervalMs: 1000, timeoutMs: 60_000, sleep, now: () => clock });
        expect(calls).toBe(3);
        expect(sleeps).toEqual([1000, 1000]);
        expect(dims.targetGroups["app-api/green"]).toBe("targetgroup/green/0123456789abcdef");

        clock = 0;
        await expect(waitForAlbDimensions(async () => [lb], lookup, { intervalMs: 1000, timeoutMs: 5000, sleep, now: () => clock })).rejects.toThrow(
            /has not made gw:blue, gw:green for Gateway gateway-system\/public-gateway in cluster service-prod after 5 s/,
        );
    });
});

// ---------------------------------------------------------------------------------------------------------
// The dashboard
// ---------------------------------------------------------------------------------------------------------

describe("dashboard", () => {
    test("prod: every service and color has its widgets, each on that color's own target group (the main route's, not the preview's)", async () => {
        const p = await plan("prod", twoServices());
        const b = body(p);
        const targetGroups = new Set<string>();
        for (const service of ["app-api", "payments"]) {
            for (const color of ["blue", "green"]) {
                const widgets = Object.values(COLOR_WIDGETS).map((title) => titled(b, `${service} ${color}: ${title}`));
                expect(widgets).toHaveLength(5);
                const [requests] = metricLines(widgets[0]);
                expect(requests).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "RequestCount", rendering: { stat: "Sum", period: 60 } });
                expect(Object.keys(requests.dimensions)).toEqual(["LoadBalancer", "TargetGroup"]);
                targetGroups.add(requests.dimensions.TargetGroup);
                // Every ALB widget of the color uses the same target group.
                for (const w of widgets.slice(0, 4)) {
                    for (const line of metricLines(w).filter((l) => l.dimensions.TargetGroup)) expect(line.dimensions.TargetGroup).toBe(requests.dimensions.TargetGroup);
                }
            }
        }
        // Four colors of two services: four different target groups, none of them a preview route's.
        expect(targetGroups.size).toBe(4);
        expect([...targetGroups].every((t) => /^targetgroup\/k8s-(appapi|payments)-(appapi|payments)-[0-9a-f]{10}\/[0-9a-f]{16}$/.test(t))).toBe(true);
    });

    test("selector mode: the live color's widgets on the one Service's target group; the other color has none; the table says what is deployed", async () => {
        const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].trafficMode = "selector";
        services[0].image.green = null;
        const b = body(await plan("prod", `services=${JSON.stringify(services)}`));
        // In selector mode the stable Service `app-api` (selecting the live color) is the HTTPRoute's only backend:
        // its target group carries all production traffic, shown under the live color.
        const tg = metricLines(titled(b, "app-api blue: requests"))[0].dimensions.TargetGroup;
        expect(tg).toMatch(/^targetgroup\/k8s-appapi-appapi-[0-9a-f]{10}\/[0-9a-f]{16}$/);
        expect(b.widgets.some((w) => w.type !== "text" && w.properties.title === "app-api green: requests")).toBe(false);
        const header = b.widgets.find((w) => w.type === "text" && w.properties.markdown.startsWith("## app-api"))!;
        expect((header.properties as { markdown: string }).markdown).toContain("| blue (live) | deployed | 100% |\n| green | not deployed | 0% |");

        // The other way round: green live, blue never deployed (a color is deployed when it has an image).
        const flipped = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        flipped[0].activeColor = "green";
        flipped[0].image.blue = null;
        const f = body(await plan("prod", `services=${JSON.stringify(flipped)}`));
        const fHeader = f.widgets.find((w) => w.type === "text" && w.properties.markdown.startsWith("## app-api"))!;
        expect((fHeader.properties as { markdown: string }).markdown).toContain("| blue | not deployed | 0% |\n| green (live) | deployed | 100% |");
    });

    test("prod: the widgets' metrics are the ALB's and Container Insights' own names, dimensions and statistics", async () => {
        const b = body(await plan("prod"));
        const lines = (title: string) => metricLines(titled(b, `app-api blue: ${title}`));
        expect(lines("HTTP 5xx (target and ELB)").map((l) => [l.metricName, Object.keys(l.dimensions).join("+")])).toEqual([
            ["HTTPCode_Target_5XX_Count", "LoadBalancer+TargetGroup"],
            ["HTTPCode_ELB_5XX_Count", "LoadBalancer"],
            ["HTTPCode_Target_5XX_Count", "LoadBalancer+TargetGroup"],
            ["RequestCount", "LoadBalancer+TargetGroup"],
            [undefined, ""],
        ]);
        expect(lines("response time p50 / p99").map((l) => [l.metricName, l.rendering.stat])).toEqual([
            ["TargetResponseTime", "p50"],
            ["TargetResponseTime", "p99"],
        ]);
        expect(lines("healthy / unhealthy targets").map((l) => l.metricName)).toEqual(["HealthyHostCount", "UnHealthyHostCount"]);
        const cpu = titled(b, "app-api blue: pod CPU vs HPA target");
        expect(metricLines(cpu).map((l) => [l.namespace, l.metricName, l.dimensions])).toEqual([
            ["ContainerInsights", "pod_cpu_utilization", { ClusterName: "service-prod", Namespace: "app-api", PodName: "app-api-blue" }],
            ["ContainerInsights", "pod_cpu_reserved_capacity", { ClusterName: "service-prod", Namespace: "app-api", PodName: "app-api-blue" }],
            [undefined, undefined, {}],
            ["ContainerInsights", "service_number_of_running_pods", { ClusterName: "service-prod", Namespace: "app-api", Service: "app-api-blue" }],
        ]);
        expect(metricLines(cpu)[2].rendering.expression).toBe("100 * cpu / request");
        // The HPA target line is the service's targetCpuUtilization (60 in Pulumi.prod.yaml).
        expect(cpu.type === "metric" && cpu.properties.annotations?.horizontal).toEqual([{ value: 60, label: "HPA target" }]);
    });

    test("prod: the weight split as configured (header) and as observed (metric math), following canaryWeight", async () => {
        const header = (b: DashboardBody) => b.widgets.find((w) => w.type === "text" && w.properties.markdown.startsWith("## app-api"))!;
        const md = (b: DashboardBody) => (header(b).properties as { markdown: string }).markdown;
        expect(md(body(await plan("prod")))).toContain("weights: blue **100** / green **0**");
        const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].canaryWeight = 10;
        expect(md(body(await plan("prod", `services=${JSON.stringify(services)}`)))).toContain("weights: blue **90** / green **10**");
        const split = metricLines(titled(body(await plan("prod")), "app-api: observed traffic split (% of requests per color)"));
        expect(split.filter((l) => l.rendering.expression).map((l) => l.rendering.expression)).toEqual([
            "100 * FILL(reqblue, 0) / (FILL(reqblue, 0) + FILL(reqgreen, 0))",
            "100 * FILL(reqgreen, 0) / (FILL(reqblue, 0) + FILL(reqgreen, 0))",
        ]);
    });

    test("prod: cluster rows name their sources: Container Insights, Karpenter's logs, the EKS control plane, the interruption queue and rules", async () => {
        const b = body(await plan("prod"));
        expect(metricLines(titled(b, "nodes")).map((l) => [l.namespace, l.metricName, l.dimensions])).toEqual([
            ["ContainerInsights", "cluster_node_count", { ClusterName: "service-prod" }],
            ["ContainerInsights", "cluster_failed_node_count", { ClusterName: "service-prod" }],
        ]);
        expect(metricLines(titled(b, "pending pods")).map((l) => [l.namespace, l.metricName])).toEqual([
            ["AWS/EKS", "scheduler_pending_pods"],
            ["AWS/EKS", "scheduler_pending_pods_UNSCHEDULABLE"],
        ]);
        const interruptions = metricLines(titled(b, "Karpenter interruptions"));
        expect(interruptions[0]).toMatchObject({ namespace: "AWS/SQS", metricName: "NumberOfMessagesReceived", dimensions: { QueueName: "service-prod-karpenter-interruption" } });
        expect(interruptions.slice(1).map((l) => [l.namespace, l.metricName, l.rendering.label])).toEqual([
            ["AWS/Events", "TriggeredRules", "AWS Health Event"],
            ["AWS/Events", "TriggeredRules", "EC2 Spot Instance Interruption Warning"],
            ["AWS/Events", "TriggeredRules", "EC2 Instance Rebalance Recommendation"],
            ["AWS/Events", "TriggeredRules", "EC2 Instance State-change Notification"],
            ["AWS/Events", "TriggeredRules", "EC2 Capacity Reservation Instance Interruption Warning"],
        ]);
        const launches = titled(b, "node launches by NodePool and capacity type (Karpenter)");
        expect(launches.type).toBe("log");
        const query = (launches.properties as { query: string }).query;
        expect(query).toMatch(/^SOURCE '\/aws\/containerinsights\/service-prod\/application' \| filter kubernetes\.namespace_name = 'karpenter' and log like \/launched nodeclaim\//);
        expect(query).toContain('"capacity-type"');
        const alarmWidget = b.widgets.find((w) => w.type === "alarm")!;
        expect([...(alarmWidget.properties as { alarms: readonly string[] }).alarms].sort()).toEqual(
            ["error-rate", "no-healthy-hosts", "p99-latency", "unhealthy-hosts"].map((s) => `arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:service-prod-app-api-${s}`),
        );
    });

    test("dev (Container Insights off): the pod CPU and node widgets say so, Karpenter's launches point elsewhere", async () => {
        const b = body(await plan("dev"));
        titled(b, "app-api green: pod CPU vs HPA target (Container Insights is off in this stack)");
        titled(b, "nodes (Container Insights is off in this stack)");
        expect(b.widgets.some((w) => w.type === "log")).toBe(false);
        expect(b.widgets.some((w) => w.type === "text" && w.properties.markdown.includes("observability.containerInsights"))).toBe(true);
    });

    test("layout: widgets stay on the 24-column grid and never overlap", async () => {
        for (const b of [body(await plan("prod", twoServices())), body(await plan("dev"))]) {
            for (const [i, w] of b.widgets.entries()) {
                expect(w.x + w.width).toBeLessThanOrEqual(24);
                for (const v of b.widgets.slice(i + 1)) {
                    const overlap = w.x < v.x + v.width && v.x < w.x + w.width && w.y < v.y + v.height && v.y < w.y + w.height;
                    expect(overlap).toBe(false);
                }
            }
        }
        const sized = { type: "text" as const, height: 2, properties: { markdown: "" } };
        expect(layout([[{ ...sized, width: 20 }, { ...sized, width: 10 }], [{ ...sized, width: 24 }]]).map((w) => [w.x, w.y])).toEqual([
            [0, 0],
            [0, 2],
            [0, 4],
        ]);
    });

    test("the dashboard and alarms wait for the Gateway and the routes (their target groups exist only then); the URL is a stack output", async () => {
        const p = await plan("prod");
        const dashboard = find(p, DASHBOARD, "observability");
        for (const urn of [find(p, ROUTE, "app-api-route").urn, find(p, "kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway").urn]) {
            expect(dashboard.dependencies).toContain(urn);
            expect(find(p, ALARM, "observability-app-api-error-rate").dependencies).toContain(urn);
        }
        expect(inputsOf(p, DASHBOARD, "observability").dashboardName).toBe("service-prod");
        expect(p.outputs.dashboardUrl).toBe("https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/service-prod");
    });
});

// ---------------------------------------------------------------------------------------------------------
// Alarms, topic, chat
// ---------------------------------------------------------------------------------------------------------

describe("alarms", () => {
    test("prod: thresholds from the service's config (800 ms p99; 1% 5xx from its switchGuard), on the live color, notifying the stack's topic", async () => {
        const p = await plan("prod");
        const a = alarms(p);
        expect(Object.keys(a).sort()).toEqual(["app-api-error-rate", "app-api-no-healthy-hosts", "app-api-p99-latency", "app-api-unhealthy-hosts"]);
        expect(a["app-api-error-rate"]).toMatchObject({ name: "service-prod-app-api-error-rate", comparisonOperator: "GreaterThanThreshold", threshold: 1 });
        expect(a["app-api-p99-latency"]).toMatchObject({ comparisonOperator: "GreaterThanThreshold", threshold: 0.8 });
        expect(a["app-api-p99-latency"].metricQueries).toEqual([
            expect.objectContaining({ returnData: true, metric: expect.objectContaining({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", stat: "p99", period: 60 }) }),
        ]);
        expect(a["app-api-unhealthy-hosts"]).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold" });
        expect(a["app-api-unhealthy-hosts"].metricQueries[0].metric).toMatchObject({ metricName: "UnHealthyHostCount", stat: "Maximum" });
        expect(a["app-api-no-healthy-hosts"]).toMatchObject({ threshold: 1, comparisonOperator: "LessThanThreshold" });
        expect(a["app-api-no-healthy-hosts"].metricQueries[0].metric).toMatchObject({ metricName: "HealthyHostCount", stat: "Minimum" });
        const topicArn = "arn:aws:sns:ap-northeast-2:123456789012:service-prod-alarms";
        for (const alarm of Object.values(a)) {
            expect(alarm).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: "notBreaching", alarmActions: [topicArn], okActions: [topicArn] });
        }
        expect(p.outputs.alarmTopicArn).toBe(topicArn);

        // The live color's target group is the one the dashboard shows under blue.
        const blueTg = metricLines(titled(body(p), "app-api blue: requests"))[0].dimensions.TargetGroup;
        for (const alarm of Object.values(a)) {
            for (const q of alarm.metricQueries.filter((x: { metric?: unknown }) => x.metric)) expect(q.metric.dimensions.TargetGroup).toBe(blueTg);
        }
    });

    test("prod: each alarm says what it saw and where, in words (the notification text); single-metric queries have valid ids", async () => {
        const a = alarms(await plan("prod"));
        const said = (key: string) => (a[key].alarmDescription as string).replace(/ Dashboard: https:\/\/\S+$/, "");
        expect(said("app-api-error-rate")).toBe("app-api (blue, live): target 5xx above 1% of requests (from 10 requests a minute) in 3 of 5 minutes.");
        expect(said("app-api-unhealthy-hosts")).toBe("app-api (blue, live): more than 0 unhealthy target(s) in 3 of 5 minutes.");
        expect(said("app-api-no-healthy-hosts")).toBe("app-api (blue, live): no healthy target in 3 of 5 minutes; the ALB answers 503 for it.");
        // CloudWatch requires a metric query id: it starts with a lowercase letter (PutMetricAlarm, MetricDataQuery.Id).
        expect(a["app-api-unhealthy-hosts"].metricQueries.map((q: { id: string }) => q.id)).toEqual(["unhealthy"]);
        expect(a["app-api-no-healthy-hosts"].metricQueries.map((q: { id: string }) => q.id)).toEqual(["healthy"]);
    });

    test("the error rate is target 5xx over requests, 0 below the minimum traffic, missing 5xx datapoints counted as 0", async () => {
        const q = alarms(await plan("stage"))["app-api-error-rate"].metricQueries;
        expect(q.map((x: { id: string; returnData: boolean; metric?: { metricName: string; stat: string } }) => [x.id, x.returnData, x.metric?.metricName, x.metric?.stat])).toEqual([
            ["errorRateErrors", false, "HTTPCode_Target_5XX_Count", "Sum"],
            ["errorRateRequests", false, "RequestCount", "Sum"],
            ["errorRate", true, undefined, undefined],
        ]);
        expect(q[2].expression).toBe("IF(errorRateRequests >= 10, 100 * FILL(errorRateErrors, 0) / errorRateRequests, 0)");
    });

    test("stage: the defaults (switchGuard's 1% 5xx and 1000 ms p99, 0 unhealthy, from 10 requests a minute)", async () => {
        const a = alarms(await plan("stage"));
        expect([a["app-api-error-rate"].threshold, a["app-api-p99-latency"].threshold, a["app-api-unhealthy-hosts"].threshold]).toEqual([1, 1, 0]);
    });

    test("one limit for a switch and after it: unset alarm thresholds follow the service's switchGuard; set ones win", async () => {
        const services = JSON.parse(stackConfig("stage")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].switchGuard = { watchMinutes: 5, maxErrorRatePercent: 0.5, maxLatencyMs: 450 };
        const inherited = alarms(await plan("stage", `services=${JSON.stringify(services)}`));
        expect([inherited["app-api-error-rate"].threshold, inherited["app-api-p99-latency"].threshold]).toEqual([0.5, 0.45]);
        services[0].alarms = { maxErrorRatePercent: 3 };
        const own = alarms(await plan("stage", `services=${JSON.stringify(services)}`));
        expect([own["app-api-error-rate"].threshold, own["app-api-p99-latency"].threshold]).toEqual([3, 0.45]);
    });

    test("every threshold follows the service's alarms config; a second service gets its own alarms on its own live color", async () => {
        const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].alarms = { maxErrorRatePercent: 2.5, maxLatencyMs: 300, maxUnhealthyHosts: 1, minRequestsPerMinute: 50 };
        const a = alarms(await plan("prod", `services=${JSON.stringify(services)}`));
        expect([a["app-api-error-rate"].threshold, a["app-api-p99-latency"].threshold, a["app-api-unhealthy-hosts"].threshold]).toEqual([2.5, 0.3, 1]);
        expect(a["app-api-error-rate"].metricQueries[2].expression).toContain("errorRateRequests >= 50");

        const p = await plan("prod", twoServices());
        const two = alarms(p);
        expect(two["payments-p99-latency"].threshold).toBe(0.3);
        const greenTg = metricLines(titled(body(p), "payments green: requests"))[0].dimensions.TargetGroup;
        expect(two["payments-p99-latency"].metricQueries[0].metric.dimensions.TargetGroup).toBe(greenTg);
        expect(two["payments-p99-latency"].alarmDescription).toMatch(/^payments \(green, live\): p99 target response time above 300 ms in 3 of 5 minutes\. Dashboard: https:\/\//);
    });

    test("a switch moves the alarms to the new live color and redraws the dashboard; their names stay", async () => {
        const before = alarms(await plan("prod"));
        const after = alarms(await plan("prod", "activeColor=green"));
        expect(Object.keys(after)).toEqual(Object.keys(before));
        const greenTg = metricLines(titled(body(await plan("prod")), "app-api green: requests"))[0].dimensions.TargetGroup;
        expect(after["app-api-p99-latency"].metricQueries[0].metric.dimensions.TargetGroup).toBe(greenTg);
        expect(after["app-api-p99-latency"].name).toBe(before["app-api-p99-latency"].name);
        const header = body(await plan("prod", "activeColor=green")).widgets.find((w) => w.type === "text" && w.properties.markdown.startsWith("## app-api"))!;
        expect((header.properties as { markdown: string }).markdown).toMatch(/^## app-api · live: \*\*green\*\*\nHTTPRoute `app-api` weights: blue \*\*0\*\* \/ green \*\*100\*\*/);
    });

    test("alarms.enabled: false creates none for that service (and no alarm status widget when none is left)", async () => {
        const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].alarms = { enabled: false };
        const p = await plan("prod", `services=${JSON.stringify(services)}`);
        expect(ofType(p, ALARM)).toEqual([]);
        expect(body(p).widgets.some((w) => w.type === "alarm")).toBe(false);
    });

    test("bad thresholds are refused before anything is registered, all at once", async () => {
        const services = JSON.parse(stackConfig("prod")[`${PROJECT}:services`]) as Record<string, any>[];
        services[0].alarms = { maxErrorRatePercent: 0, maxLatencyMs: 120000, colour: "red" };
        const err = await planError("prod", `services=${JSON.stringify(services)}`);
        expect(err.message).toMatch(/'services\[0\]\.alarms\.maxErrorRatePercent' is 0, expected ≥ 0\.1/);
        expect(err.message).toMatch(/'services\[0\]\.alarms\.maxLatencyMs' is 120000, expected ≤ 60000/);
        expect(err.message).toMatch(/unknown key 'services\[0\]\.alarms\.colour'/);
        expect(err.registered).toEqual([]);
    });
});

describe("alarm topic and chat channels", () => {
    test("the topic is encrypted with a rotating key that CloudWatch may use for this account's alarms only", async () => {
        const p = await plan("prod");
        const key = inputsOf(p, "aws:kms/key:Key", "observability-alarms");
        expect(key.enableKeyRotation).toBe(true);
        const keyPolicy = JSON.parse(key.policy);
        expect(keyPolicy.Statement).toContainEqual({
            Sid: "CloudWatchAlarms",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
        const topic = inputsOf(p, "aws:sns/topic:Topic", "observability-alarms");
        expect(topic.name).toBe("service-prod-alarms");
        expect(topic.kmsMasterKeyId).toMatch(/^arn:aws:kms:ap-northeast-2:123456789012:key\//);
        const policy = JSON.parse(inputsOf(p, "aws:sns/topicPolicy:TopicPolicy", "observability-alarms").policy);
        expect(policy.Statement).toContainEqual(
            expect.objectContaining({
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:*" } },
            }),
        );
        expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
    });

    test("prod: the topic's and the key's policies, statement by statement", async () => {
        const p = await plan("prod");
        const topicArn = "arn:aws:sns:ap-northeast-2:123456789012:service-prod-alarms";
        const root = "arn:aws:iam::123456789012:root";
        // The SNS console's default topic policy grants the account these actions (SNS developer guide, "Example cases
        // for Amazon SNS access control"); CloudWatch publishes for this account's alarms only (confused deputy:
        // aws:SourceAccount and aws:SourceArn); anyone publishing over plain HTTP is denied (SNS security best practices).
        expect(JSON.parse(inputsOf(p, "aws:sns/topicPolicy:TopicPolicy", "observability-alarms").policy)).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountManages",
                    Effect: "Allow",
                    Principal: { AWS: root },
                    Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
                    Resource: topicArn,
                },
                {
                    Sid: "CloudWatchAlarmsPublish",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:*" } },
                },
                { Sid: "TlsOnly", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: topicArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        });
        const key = inputsOf(p, "aws:kms/key:Key", "observability-alarms");
        // A key policy that does not give the account root kms:* locks the key out of IAM (KMS developer guide,
        // "Default key policy"): nobody could administer or delete it.
        expect(JSON.parse(key.policy).Statement[0]).toEqual({ Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" });
        expect(JSON.parse(key.policy).Statement).toHaveLength(2);
        expect(key.description).toBe("Encrypts the alarm topic of service-prod");
    });

    test("alarms wait for the topic policy: before it, CloudWatch may not publish to the topic", async () => {
        const p = await plan("prod");
        const topicPolicy = find(p, "aws:sns/topicPolicy:TopicPolicy", "observability-alarms").urn;
        const alarms = ofType(p, "aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.length).toBeGreaterThan(0);
        for (const a of alarms) expect({ alarm: a.name, dependencies: a.dependencies }).toEqual({ alarm: a.name, dependencies: expect.arrayContaining([topicPolicy]) });
    });

    test("prod: the Chatbot role reads only what a notification shows; the channel is named and logs errors", async () => {
        const p = await plan("prod");
        const role = inputsOf(p, "aws:iam/role:Role", "observability-chatbot");
        expect(role.description).toBe("AWS Chatbot: alarm notifications of service-prod");
        // The "notification permissions" of AWS Chatbot's IAM policy templates (Chatbot administrator guide).
        expect(role.inlinePolicies.map((ip: { name: string; policy: string }) => ({ name: ip.name, policy: JSON.parse(ip.policy) }))).toEqual([
            {
                name: "notifications",
                policy: {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory", "cloudwatch:GetMetricData", "cloudwatch:GetMetricWidgetImage"],
                            Resource: "*",
                        },
                    ],
                },
            },
        ]);
        const slack = inputsOf(p, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "observability-slack");
        // Chatbot's logging levels are ERROR, INFO or NONE: errors only, so a failed delivery leaves a trace.
        expect(slack).toMatchObject({ configurationName: "service-prod-alarms", loggingLevel: "ERROR" });
    });

    test("prod: the Slack channel of the config, through AWS Chatbot, with a read-only guardrail (not the default AdministratorAccess)", async () => {
        const p = await plan("prod");
        const slack = inputsOf(p, "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration", "observability-slack");
        expect(slack).toMatchObject({
            slackTeamId: "T0123ABCDEF",
            slackChannelId: "C0123ABCDEF",
            snsTopicArns: ["arn:aws:sns:ap-northeast-2:123456789012:service-prod-alarms"],
            guardrailPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"],
            region: "us-east-2",
            userAuthorizationRequired: true,
        });
        const role = inputsOf(p, "aws:iam/role:Role", "observability-chatbot");
        expect(JSON.parse(role.assumeRolePolicy).Statement).toEqual([{ Effect: "Allow", Principal: { Service: "chatbot.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        expect(slack.iamRoleArn).toBe(`arn:aws:iam::123456789012:role/${role.name}`);
    });

    test("no channel configured (dev, stage): no Chatbot; Teams when configured", async () => {
        expect(ofType(await plan("stage"), "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration")).toEqual([]);
        expect(ofType(await plan("dev"), "aws:iam/role:Role").map((r) => r.name)).not.toContain("observability-chatbot");
        const teams = { teamId: "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", tenantId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", channelId: "19:abcdef0123456789@thread.tacv2" };
        const p = await plan("dev", `notifications=${JSON.stringify({ teams })}`);
        expect(inputsOf(p, "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", "observability-teams")).toMatchObject({
            ...teams,
            snsTopicArns: ["arn:aws:sns:ap-northeast-2:123456789012:service-dev-alarms"],
            // Chatbot configuration names are unique in the account: not the Slack channel's name.
            configurationName: "service-dev-alarms-teams",
        });
        // A child of the Observability component, like the Slack channel (its URN and deletion follow the component).
        const observability = find(p, "eks-platform:observability:Observability", "observability").urn;
        expect(find(p, "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration", "observability-teams").parent).toBe(observability);
    });

    test("bad channel ids are refused with the key and what is allowed", async () => {
        const err = await planError("prod", 'notifications={"slack":{"workspaceId":"my-team","channelId":"#alerts"}}');
        expect(err.message).toMatch(/'notifications\.slack\.workspaceId' is "my-team", expected a Slack workspace id such as T07EA123LEP/);
        expect(err.message).toMatch(/'notifications\.slack\.channelId' is "#alerts", expected a Slack channel id/);
    });
});

// ---------------------------------------------------------------------------------------------------------
// Container Insights
// ---------------------------------------------------------------------------------------------------------

describe("Container Insights add-on", () => {
    const ISSUER_SUB = /^oidc\.eks\.ap-northeast-2\.amazonaws\.com\/id\/[0-9A-F]{32}:sub$/;

    test("prod (default on): the add-on with its own IRSA role, the policies AWS documents, after the system nodes", async () => {
        const p = await plan("prod");
        const addon = inputsOf(p, ADDON, "container-insights");
        expect(addon).toMatchObject({ addonName: "amazon-cloudwatch-observability", clusterName: "service-prod", resolveConflictsOnCreate: "OVERWRITE" });
        // EKS UpdateAddon resolveConflicts: PRESERVE keeps values changed on the cluster where a version upgrade would
        // overwrite them; NONE (the default when unset) fails the upgrade on any such conflict.
        expect(addon.resolveConflictsOnUpdate).toBe("PRESERVE");
        expect(addon.configurationValues).toBeUndefined();
        const role = inputsOf(p, "aws:iam/role:Role", "container-insights-agent-role");
        expect(addon.serviceAccountRoleArn).toBe(`arn:aws:iam::123456789012:role/${role.name}`);
        const [statement] = JSON.parse(role.assumeRolePolicy).Statement;
        const conditions = statement.Condition.StringEquals as Record<string, string>;
        const sub = Object.keys(conditions).find((k) => ISSUER_SUB.test(k))!;
        expect(conditions[sub]).toBe("system:serviceaccount:amazon-cloudwatch:cloudwatch-agent");
        const policies = ofType(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.startsWith("container-insights-agent-"));
        expect(policies.map((r) => (r.inputs as { policyArn: string }).policyArn).sort()).toEqual([
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
        ]);
        // The add-on creates and annotates its own service account: the program makes none.
        expect(ofType(p, "kubernetes:core/v1:ServiceAccount").map((r) => (r.inputs as { metadata: { name: string } }).metadata.name)).not.toContain("cloudwatch-agent");
        const addonResource = find(p, ADDON, "container-insights");
        expect(addonResource.dependencies).toContain(find(p, "aws:eks/nodeGroup:NodeGroup", "cluster-system").urn);
        for (const attachment of policies) expect(addonResource.dependencies).toContain(attachment.urn);
    });

    test("identityMode podIdentity: the add-on makes the association (none of the program's own), no role annotation", async () => {
        const p = await plan("prod", "identityMode=podIdentity");
        const addon = inputsOf(p, ADDON, "container-insights");
        const role = inputsOf(p, "aws:iam/role:Role", "container-insights-agent-role");
        expect(addon.serviceAccountRoleArn).toBeUndefined();
        expect(addon.podIdentityAssociations).toEqual([{ roleArn: `arn:aws:iam::123456789012:role/${role.name}`, serviceAccount: "cloudwatch-agent" }]);
        expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        const associations = ofType(p, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((r) => (r.inputs as { serviceAccount: string }).serviceAccount);
        expect(associations).not.toContain("cloudwatch-agent");
    });

    test("its version follows the cluster's minor like the other add-ons, or the stack's addonVersions pin", async () => {
        const version = async (...set: string[]) => inputsOf(await plan("prod", ...set), ADDON, "container-insights").addonVersion as string;
        const v135 = await version();
        expect(v135).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
        expect(await version("kubernetesVersion=1.36")).not.toBe(v135);
        expect(await version('addonVersions={"amazon-cloudwatch-observability":"v4.3.0-eksbuild.1"}')).toBe("v4.3.0-eksbuild.1");
    });

    test("per stack: off in dev; containerLogs false turns the add-on's Fluent Bit off", async () => {
        expect(ofType(await plan("dev"), ADDON).map((r) => r.name)).not.toContain("container-insights");
        expect(ofType(await plan("stage"), ADDON).map((r) => r.name)).toContain("container-insights");
        const p = await plan("prod", 'observability={"containerInsights":true,"containerLogs":false}');
        expect(JSON.parse(inputsOf(p, ADDON, "container-insights").configurationValues)).toEqual({ containerLogs: { enabled: false } });
        expect(body(p).widgets.some((w) => w.type === "log")).toBe(false);
    });
});

describe("what the CI deploy role needs for it (bootstrap)", () => {
    test("the deploy role may list tagged load balancers and manage Chatbot channels; the rest is in its existing grants", () => {
        const doc = deployPolicy(
            { partition: "aws", accountId: "123456789012", region: "ap-northeast-2" },
            { stateBucketArn: "arn:aws:s3:::state", secretsKeyArn: "arn:aws:kms:ap-northeast-2:123456789012:key/k", ciPath: "/ci/" },
        );
        const allows = (action: string) =>
            (doc.Statement as { Effect: string; Action: string | string[] }[]).some(
                (s) => s.Effect === "Allow" && [s.Action].flat().some((a) => new RegExp(`^${a.replace(/\*/g, ".*")}$`).test(action)),
            );
        // The lookup (resourcegroupstaggingapi:GetResources is IAM's tag:GetResources), the channel configurations,
        // and what the dashboard, alarms, topic, key and add-on already fell under.
        for (const action of [
            "tag:GetResources",
            "chatbot:CreateSlackChannelConfiguration",
            "chatbot:CreateMicrosoftTeamsChannelConfiguration",
            "cloudwatch:PutDashboard",
            "cloudwatch:PutMetricAlarm",
            "sns:CreateTopic",
            "sns:SetTopicAttributes",
            "kms:CreateKey",
            "kms:PutKeyPolicy",
            "eks:CreateAddon",
        ]) {
            expect([action, allows(action)]).toEqual([action, true]);
        }
    });
});
