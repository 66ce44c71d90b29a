/**
 * The stack's CloudWatch dashboard as typed data: the body structure CloudWatch documents ("Dashboard Body Structure
 * and Syntax": widgets with x/y/width/height on a 24-column grid; metric widgets whose `metrics` are arrays of
 * `[namespace, metricName, dimName, dimValue, ..., {rendering}]` or `[{expression, id, label}]`), built by pure
 * functions and serialized with `JSON.stringify`.
 */
import type { Color } from "../config";
import {
    ALB_METRICS,
    MetricQuery,
    SignalThresholds,
    TargetGroupDimensions,
    applicationLogGroup,
    containerInsightsClusterMetric,
    eksControlPlaneMetric,
    errorRateQueries,
    eventRuleMetric,
    kubernetesServiceMetric,
    loadBalancerMetric,
    sqsQueueMetric,
    targetGroupMetric,
    workloadPodMetric,
} from "./metrics";

// ---------------------------------------------------------------------------------------------------------
// Body structure
// ---------------------------------------------------------------------------------------------------------

export interface MetricRendering {
    readonly id?: string;
    readonly label?: string;
    readonly stat?: string;
    readonly period?: number;
    readonly visible?: boolean;
    readonly yAxis?: "left" | "right";
    readonly color?: string;
}

/** `[namespace, metricName, dimension name, dimension value, ..., rendering]` or `[{expression, ...}]`. */
export type MetricArray = readonly [string, string, ...(string | MetricRendering)[]] | readonly [MetricRendering & { readonly expression: string }];

export interface YAxis {
    readonly min?: number;
    readonly max?: number;
    readonly label?: string;
    readonly showUnits?: boolean;
}

export interface HorizontalAnnotation {
    readonly value: number;
    readonly label: string;
    readonly color?: string;
    readonly yAxis?: "left" | "right";
}

export interface MetricWidgetProperties {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries" | "singleValue" | "bar" | "pie" | "gauge";
    readonly stacked?: boolean;
    readonly metrics: readonly MetricArray[];
    readonly period?: number;
    readonly yAxis?: { readonly left?: YAxis; readonly right?: YAxis };
    readonly annotations?: { readonly horizontal?: readonly HorizontalAnnotation[] };
}

export interface LogWidgetProperties {
    readonly title: string;
    readonly region: string;
    /** Logs Insights query, starting with `SOURCE '<log group>'`. */
    readonly query: string;
    readonly view: "table" | "timeSeries" | "bar" | "pie";
}

export interface TextWidgetProperties {
    readonly markdown: string;
    readonly background?: "solid" | "transparent";
}

export interface AlarmStatusWidgetProperties {
    readonly title: string;
    readonly alarms: readonly string[];
    readonly sortBy?: "default" | "stateUpdatedTimestamp" | "timestamp";
}

export interface Placement {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
}

export type WidgetContent =
    | { readonly type: "metric"; readonly properties: MetricWidgetProperties }
    | { readonly type: "log"; readonly properties: LogWidgetProperties }
    | { readonly type: "text"; readonly properties: TextWidgetProperties }
    | { readonly type: "alarm"; readonly properties: AlarmStatusWidgetProperties };

export type Widget = WidgetContent & Placement;

export interface DashboardBody {
    readonly start: string;
    readonly periodOverride: "auto" | "inherit";
    readonly widgets: readonly Widget[];
}

/** A widget before placement: its size only. */
export type SizedWidget = WidgetContent & { readonly width: number; readonly height: number };

export const GRID_WIDTH = 24;

/** Places rows top to bottom; within a row, widgets flow left to right and wrap at the grid's width. */
export function layout(rows: readonly (readonly SizedWidget[])[]): Widget[] {
    const widgets: Widget[] = [];
    let y = 0;
    for (const row of rows) {
        let x = 0;
        let lineHeight = 0;
        for (const w of row) {
            if (x + w.width > GRID_WIDTH) {
                y += lineHeight;
                x = 0;
                lineHeight = 0;
            }
            widgets.push({ ...w, x, y });
            x += w.width;
            lineHeight = Math.max(lineHeight, w.height);
        }
        y += lineHeight;
    }
    return widgets;
}

/** A query as a dashboard metric array. */
export function metricArray(q: MetricQuery, extra: Omit<MetricRendering, "id" | "label" | "stat" | "period" | "visible"> = {}): MetricArray {
    const visible = q.returnData === false ? { visible: false } : {};
    if ("expression" in q) return [{ expression: q.expression, id: q.id, ...(q.label ? { label: q.label } : {}), ...visible, ...extra }];
    const dims = Object.entries(q.metric.dimensions).flat();
    return [q.metric.namespace, q.metric.metricName, ...dims, { id: q.id, stat: q.stat, period: q.periodSeconds, ...(q.label ? { label: q.label } : {}), ...visible, ...extra }];
}

// ---------------------------------------------------------------------------------------------------------
// Names and URL
// ---------------------------------------------------------------------------------------------------------

/** One dashboard per stack, named after the cluster (unique per account and region). */
export function dashboardName(clusterName: string): string {
    return clusterName;
}

const CONSOLE_HOST: Readonly<Record<string, string>> = {
    aws: "console.aws.amazon.com",
    "aws-cn": "console.amazonaws.cn",
    "aws-us-gov": "console.amazonaws-us-gov.com",
};

/** The CloudWatch console URL of a dashboard. */
export function dashboardUrl(region: string, name: string, partition = "aws"): string {
    const host = CONSOLE_HOST[partition] ?? CONSOLE_HOST.aws;
    return `https://${region}.${host}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(name)}`;
}

// ---------------------------------------------------------------------------------------------------------
// What the dashboard shows
// ---------------------------------------------------------------------------------------------------------

export interface DashboardService {
    readonly name: string;
    readonly namespace: string;
    readonly hostnames: readonly string[];
    readonly previewHostname: string | null;
    readonly activeColor: Color;
    readonly trafficMode: "route" | "selector";
    /** Route weights as configured (what the last `pulumi up` applied). */
    readonly weights: Readonly<Record<Color, number>>;
    /**
     * Whether each color runs pods (has an image). Not the image itself: a deploy changes only its Deployment, and
     * the versions are in the `services` stack output.
     */
    readonly deployed: Readonly<Record<Color, boolean>>;
    readonly targetCpuUtilization: number;
    readonly thresholds: SignalThresholds & { readonly maxUnhealthyHosts: number; readonly minRequestsPerMinute: number; readonly enabled: boolean };
    /** The target group that carries each color's production traffic (route mode: both; selector mode: the active one). */
    readonly targetGroups: Readonly<Partial<Record<Color, TargetGroupDimensions>>>;
}

export interface DashboardInput {
    readonly region: string;
    readonly clusterName: string;
    readonly stack: string;
    readonly loadBalancer: string;
    readonly colors: readonly Color[];
    readonly services: readonly DashboardService[];
    readonly containerInsights: boolean;
    readonly containerLogs: boolean;
    readonly karpenter: {
        readonly namespace: string;
        readonly interruptionQueue: string;
        /** EventBridge rule name by what it reports (spot interruption, rebalance, ...). */
        readonly rules: Readonly<Record<string, string>>;
    };
    /** Alarm ARNs for the status widget. */
    readonly alarmArns: readonly string[];
}

/** What each color shows, in order; titles are `<service> <color>: <title>`. */
export const COLOR_WIDGETS = {
    requests: "requests",
    errors: "HTTP 5xx (target and ELB)",
    latency: "response time p50 / p99",
    hosts: "healthy / unhealthy targets",
    cpu: "pod CPU vs HPA target",
} as const;
export type ColorWidget = keyof typeof COLOR_WIDGETS;

export function colorWidgetTitle(service: string, color: Color, widget: ColorWidget): string {
    return `${service} ${color}: ${COLOR_WIDGETS[widget]}`;
}

const COLOR_HEX: Readonly<Record<Color, string>> = { blue: "#1f77b4", green: "#2ca02c" };
const COLOR_WIDGET_WIDTHS: Readonly<Record<ColorWidget, number>> = { requests: 5, errors: 5, latency: 5, hosts: 5, cpu: 4 };
const HEIGHT = 6;

function metricWidget(width: number, properties: Omit<MetricWidgetProperties, "region" | "view"> & { view?: MetricWidgetProperties["view"] }, region: string): SizedWidget {
    return { type: "metric", width, height: HEIGHT, properties: { view: "timeSeries", region, ...properties } };
}

function serviceHeader(s: DashboardService, colors: readonly Color[]): SizedWidget {
    const inactive = colors.find((c) => c !== s.activeColor);
    const t = s.thresholds;
    const lines = [
        `## ${s.name} · live: **${s.activeColor}**`,
        s.trafficMode === "route"
            ? `HTTPRoute \`${s.name}\` weights: ${colors.map((c) => `${c} **${s.weights[c]}**`).join(" / ")} (as last applied by \`pulumi up\`)`
            : `trafficMode \`selector\`: the Service \`${s.name}\` selects **${s.activeColor}**`,
        "",
        "| color | pods | share of traffic |",
        "|---|---|---|",
        ...colors.map((c) => `| ${c}${c === s.activeColor ? " (live)" : ""} | ${s.deployed[c] ? "deployed" : "not deployed"} | ${s.trafficMode === "route" ? `${s.weights[c]}%` : c === s.activeColor ? "100%" : "0%"} |`),
        "",
        `Hostnames: ${s.hostnames.join(", ")}${s.previewHostname && inactive ? ` · preview ${s.previewHostname} → ${inactive}` : ""}`,
        t.enabled
            ? `Alarms on ${s.activeColor}: 5xx > ${t.maxErrorRatePercent}% of requests (from ${t.minRequestsPerMinute}/min) · p99 > ${t.maxLatencyMs} ms · unhealthy targets > ${t.maxUnhealthyHosts} · no healthy target`
            : "Alarms: off (`alarms.enabled: false`)",
    ];
    return { type: "text", width: 12, height: HEIGHT, properties: { markdown: lines.join("\n") } };
}

/** Each color's share of the service's requests, as measured by the ALB (the configured split is in the header). */
function observedSplit(s: DashboardService, colors: readonly Color[], region: string): SizedWidget {
    const withTg = colors.filter((c) => s.targetGroups[c] !== undefined);
    const total = withTg.map((c) => `FILL(req${c}, 0)`).join(" + ");
    const metrics: MetricArray[] = [
        ...withTg.map((c) =>
            metricArray({ id: `req${c}`, metric: targetGroupMetric(s.targetGroups[c]!, ALB_METRICS.requests), stat: "Sum", periodSeconds: 60, returnData: false }),
        ),
        ...withTg.map((c) =>
            metricArray({ id: `share${c}`, expression: `100 * FILL(req${c}, 0) / (${total})`, label: `${c} % of requests` }, { color: COLOR_HEX[c] }),
        ),
    ];
    return metricWidget(12, { title: `${s.name}: observed traffic split (% of requests per color)`, stacked: true, metrics, yAxis: { left: { min: 0, max: 100, showUnits: false } } }, region);
}

function colorRow(s: DashboardService, color: Color, input: DashboardInput): SizedWidget[] {
    const { region, clusterName } = input;
    const tg = s.targetGroups[color];
    const title = (w: ColorWidget) => colorWidgetTitle(s.name, color, w);
    const hex = COLOR_HEX[color];
    const widgets: SizedWidget[] = [];
    if (tg) {
        widgets.push(
            metricWidget(COLOR_WIDGET_WIDTHS.requests, {
                title: title("requests"),
                metrics: [metricArray({ id: "requests", metric: targetGroupMetric(tg, ALB_METRICS.requests), stat: "Sum", periodSeconds: 60, label: "requests / min" }, { color: hex })],
            }, region),
            metricWidget(COLOR_WIDGET_WIDTHS.errors, {
                title: title("errors"),
                metrics: [
                    metricArray({ id: "target5xx", metric: targetGroupMetric(tg, ALB_METRICS.target5xx), stat: "Sum", periodSeconds: 60, label: "target 5xx / min" }),
                    metricArray({ id: "elb5xx", metric: loadBalancerMetric(input.loadBalancer, ALB_METRICS.elb5xx), stat: "Sum", periodSeconds: 60, label: "ELB 5xx / min (whole ALB)" }),
                    ...errorRateQueries(tg, s.thresholds.minRequestsPerMinute).map((q) => metricArray(q, "expression" in q ? { yAxis: "right" } : {})),
                ],
                yAxis: { right: { min: 0, label: "%", showUnits: false } },
                annotations: { horizontal: [{ value: s.thresholds.maxErrorRatePercent, label: "max 5xx %", yAxis: "right", color: "#d62728" }] },
            }, region),
            metricWidget(COLOR_WIDGET_WIDTHS.latency, {
                title: title("latency"),
                metrics: [
                    metricArray({ id: "p50", metric: targetGroupMetric(tg, ALB_METRICS.responseTime), stat: "p50", periodSeconds: 60, label: "p50 (s)" }),
                    metricArray({ id: "p99", metric: targetGroupMetric(tg, ALB_METRICS.responseTime), stat: "p99", periodSeconds: 60, label: "p99 (s)" }, { color: hex }),
                ],
                annotations: { horizontal: [{ value: s.thresholds.maxLatencyMs / 1000, label: "max p99", color: "#d62728" }] },
            }, region),
            metricWidget(COLOR_WIDGET_WIDTHS.hosts, {
                title: title("hosts"),
                metrics: [
                    metricArray({ id: "healthy", metric: targetGroupMetric(tg, ALB_METRICS.healthyHosts), stat: "Minimum", periodSeconds: 60, label: "healthy" }, { color: "#2ca02c" }),
                    metricArray({ id: "unhealthy", metric: targetGroupMetric(tg, ALB_METRICS.unhealthyHosts), stat: "Maximum", periodSeconds: 60, label: "unhealthy" }, { color: "#d62728" }),
                ],
                yAxis: { left: { min: 0 } },
            }, region),
        );
    } else {
        const note = `#### ${s.name} ${color}: no target group of its own\ntrafficMode \`selector\`: production traffic reaches the live color through the Service \`${s.name}\`, shown under ${s.activeColor}.`;
        widgets.push({ type: "text", width: GRID_WIDTH - COLOR_WIDGET_WIDTHS.cpu, height: HEIGHT, properties: { markdown: note } });
    }
    const workload = `${s.name}-${color}`;
    widgets.push(
        metricWidget(COLOR_WIDGET_WIDTHS.cpu, {
            title: `${title("cpu")}${input.containerInsights ? "" : " (Container Insights is off in this stack)"}`,
            metrics: [
                metricArray({ id: "cpu", metric: workloadPodMetric(clusterName, s.namespace, workload, "pod_cpu_utilization"), stat: "Average", periodSeconds: 60, returnData: false }),
                metricArray({ id: "request", metric: workloadPodMetric(clusterName, s.namespace, workload, "pod_cpu_reserved_capacity"), stat: "Average", periodSeconds: 60, returnData: false }),
                metricArray({ id: "cpuOfRequest", expression: "100 * cpu / request", label: "CPU % of request (the HPA's metric)" }, { color: hex }),
                metricArray(
                    { id: "pods", metric: kubernetesServiceMetric(clusterName, s.namespace, workload, "service_number_of_running_pods"), stat: "Average", periodSeconds: 60, label: "running pods" },
                    { yAxis: "right" },
                ),
            ],
            yAxis: { left: { min: 0, showUnits: false }, right: { min: 0, showUnits: false } },
            annotations: { horizontal: [{ value: s.targetCpuUtilization, label: "HPA target" }] },
        }, region),
    );
    return widgets;
}

function clusterRows(input: DashboardInput): SizedWidget[][] {
    const { region, clusterName } = input;
    const header: SizedWidget = {
        type: "text",
        width: GRID_WIDTH,
        height: 2,
        properties: {
            markdown: `## Cluster ${clusterName} (${input.stack})\nNodes: Container Insights · node launches by NodePool and capacity type: Karpenter's logs (Container Insights) · pending pods: EKS control plane (\`AWS/EKS\`) · interruptions: Karpenter's SQS queue and EventBridge rules`,
        },
    };
    const ciNote = input.containerInsights ? "" : " (Container Insights is off in this stack)";
    const nodes = metricWidget(6, {
        title: `nodes${ciNote}`,
        metrics: [
            metricArray({ id: "nodes", metric: containerInsightsClusterMetric(clusterName, "cluster_node_count"), stat: "Maximum", periodSeconds: 60, label: "nodes" }),
            metricArray({ id: "failed", metric: containerInsightsClusterMetric(clusterName, "cluster_failed_node_count"), stat: "Maximum", periodSeconds: 60, label: "failed nodes" }, { color: "#d62728" }),
        ],
        yAxis: { left: { min: 0 } },
    }, region);
    const launches: SizedWidget =
        input.containerInsights && input.containerLogs
            ? {
                  type: "log",
                  width: 6,
                  height: HEIGHT,
                  properties: {
                      title: "node launches by NodePool and capacity type (Karpenter)",
                      region,
                      view: "table",
                      query: [
                          `SOURCE '${applicationLogGroup(clusterName)}'`,
                          `filter kubernetes.namespace_name = '${input.karpenter.namespace}' and log like /launched nodeclaim/`,
                          `parse log /"NodeClaim":\\{"name":"(?<nodeClaim>[^"]+)"\\}/`,
                          `parse log /"capacity-type":"(?<capacityType>[^"]+)"/`,
                          `parse nodeClaim /^(?<nodePool>.+)-[a-z0-9]+$/`,
                          "stats count(*) as launches by nodePool, capacityType",
                      ].join(" | "),
                  },
              }
            : {
                  type: "text",
                  width: 6,
                  height: HEIGHT,
                  properties: {
                      markdown:
                          "#### node launches by NodePool and capacity type\nNeeds Karpenter's logs: set `observability.containerInsights` and `observability.containerLogs`, or run `kubectl get nodes -L karpenter.sh/nodepool,karpenter.sh/capacity-type`.",
                  },
              };
    const pending = metricWidget(6, {
        title: "pending pods",
        metrics: [
            metricArray({ id: "pending", metric: eksControlPlaneMetric(clusterName, "scheduler_pending_pods"), stat: "Maximum", periodSeconds: 60, label: "pending" }),
            metricArray({ id: "unschedulable", metric: eksControlPlaneMetric(clusterName, "scheduler_pending_pods_UNSCHEDULABLE"), stat: "Maximum", periodSeconds: 60, label: "unschedulable (Karpenter's cue)" }, { color: "#ff7f0e" }),
        ],
        yAxis: { left: { min: 0 } },
    }, region);
    const interruptions = metricWidget(6, {
        title: "Karpenter interruptions",
        metrics: [
            metricArray({ id: "received", metric: sqsQueueMetric(input.karpenter.interruptionQueue, "NumberOfMessagesReceived"), stat: "Sum", periodSeconds: 300, label: "queue messages received" }),
            ...Object.entries(input.karpenter.rules).map(([kind, rule], i) =>
                metricArray({ id: `rule${i}`, metric: eventRuleMetric(rule, "TriggeredRules"), stat: "Sum", periodSeconds: 300, label: kind }),
            ),
        ],
        stacked: false,
        yAxis: { left: { min: 0 } },
    }, region);
    const alarms: SizedWidget[] =
        input.alarmArns.length > 0
            ? [{ type: "alarm", width: GRID_WIDTH, height: 3, properties: { title: "alarms", alarms: [...input.alarmArns], sortBy: "stateUpdatedTimestamp" } }]
            : [];
    return [[header], [nodes, launches, pending, interruptions], alarms];
}

/** The whole dashboard: per service a header and the observed split, a row per color, then the cluster rows. */
export function dashboardBody(input: DashboardInput): DashboardBody {
    const rows: SizedWidget[][] = [];
    for (const s of input.services) {
        rows.push([serviceHeader(s, input.colors), observedSplit(s, input.colors, input.region)]);
        for (const color of input.colors) rows.push(colorRow(s, color, input));
    }
    rows.push(...clusterRows(input));
    return { start: "-PT3H", periodOverride: "inherit", widgets: layout(rows) };
}
