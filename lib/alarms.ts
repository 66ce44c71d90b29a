/**
 * A service's alarms on its live color, as data: name, threshold, evaluation and the metric queries (built from
 * `lib/metrics.ts`, the same queries the dashboard draws). The component turns each spec into a MetricAlarm.
 */
import type * as aws from "@pulumi/aws";
import type { Color } from "../config";
import { ALB_METRICS, MetricQuery, PERIOD_SECONDS, TargetGroupDimensions, errorRateQueries, p99LatencyQuery, targetGroupMetric } from "./metrics";

/** Three bad minutes out of five: one slow minute during a deploy does not page, a lasting problem does within minutes. */
export const ALARM_EVALUATION = { periodSeconds: PERIOD_SECONDS, evaluationPeriods: 5, datapointsToAlarm: 3 } as const;

export const ALARM_SIGNALS = ["error-rate", "p99-latency", "unhealthy-hosts", "no-healthy-hosts"] as const;
export type AlarmSignal = (typeof ALARM_SIGNALS)[number];

export interface AlarmThresholds {
    readonly maxErrorRatePercent: number;
    readonly maxLatencyMs: number;
    readonly maxUnhealthyHosts: number;
    readonly minRequestsPerMinute: number;
}

export interface AlarmSpec {
    readonly signal: AlarmSignal;
    readonly name: string;
    readonly description: string;
    readonly comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
    /** In the unit of the returned query: percent, seconds or hosts. */
    readonly threshold: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    /** No datapoint means no traffic (or nothing registered yet): not an alarm. */
    readonly treatMissingData: "notBreaching";
    /** The queries on a target group; the one not marked `returnData: false` is what is compared. */
    readonly queries: (tg: TargetGroupDimensions) => MetricQuery[];
}

/** `<cluster>-<service>-<signal>`: stable across switches (the color is in the dimensions, not the name). */
export function alarmName(clusterName: string, service: string, signal: AlarmSignal): string {
    return `${clusterName}-${service}-${signal}`;
}

/** The alarms of one service on its live color. */
export function serviceAlarmSpecs(clusterName: string, service: { readonly name: string; readonly activeColor: Color }, t: AlarmThresholds): AlarmSpec[] {
    const { evaluationPeriods, datapointsToAlarm } = ALARM_EVALUATION;
    const window = `${datapointsToAlarm} of ${evaluationPeriods} minutes`;
    const on = `${service.name} (${service.activeColor}, live)`;
    const common = { evaluationPeriods, datapointsToAlarm, treatMissingData: "notBreaching" as const };
    return [
        {
            ...common,
            signal: "error-rate",
            name: alarmName(clusterName, service.name, "error-rate"),
            description: `${on}: target 5xx above ${t.maxErrorRatePercent}% of requests (from ${t.minRequestsPerMinute} requests a minute) in ${window}.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.maxErrorRatePercent,
            queries: (tg) => errorRateQueries(tg, t.minRequestsPerMinute),
        },
        {
            ...common,
            signal: "p99-latency",
            name: alarmName(clusterName, service.name, "p99-latency"),
            description: `${on}: p99 target response time above ${t.maxLatencyMs} ms in ${window}.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.maxLatencyMs / 1000,
            queries: (tg) => [p99LatencyQuery(tg)],
        },
        {
            ...common,
            signal: "unhealthy-hosts",
            name: alarmName(clusterName, service.name, "unhealthy-hosts"),
            description: `${on}: more than ${t.maxUnhealthyHosts} unhealthy target(s) in ${window}.`,
            comparisonOperator: "GreaterThanThreshold",
            threshold: t.maxUnhealthyHosts,
            queries: (tg) => [{ id: "unhealthy", metric: targetGroupMetric(tg, ALB_METRICS.unhealthyHosts), stat: "Maximum", periodSeconds: PERIOD_SECONDS }],
        },
        {
            ...common,
            signal: "no-healthy-hosts",
            name: alarmName(clusterName, service.name, "no-healthy-hosts"),
            description: `${on}: no healthy target in ${window}; the ALB answers 503 for it.`,
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            queries: (tg) => [{ id: "healthy", metric: targetGroupMetric(tg, ALB_METRICS.healthyHosts), stat: "Minimum", periodSeconds: PERIOD_SECONDS }],
        },
    ];
}

/** Queries in the shape a MetricAlarm takes them. */
export function alarmMetricQueries(queries: readonly MetricQuery[]): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    return queries.map((q) => {
        const returnData = q.returnData !== false;
        if ("expression" in q) return { id: q.id, expression: q.expression, label: q.label, returnData };
        return {
            id: q.id,
            returnData,
            metric: { namespace: q.metric.namespace, metricName: q.metric.metricName, dimensions: { ...q.metric.dimensions }, period: q.periodSeconds, stat: q.stat },
        };
    });
}
