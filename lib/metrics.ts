/**
 * The CloudWatch metrics the platform watches, as typed values: who publishes each one, in which namespace, with
 * which dimensions. The dashboard and the alarms are built from these, and so is anything else that reads the same
 * signals (the guarded switch reads a service's error rate and p99 latency through `serviceSignalQueries`).
 *
 * Sources:
 *   - `AWS/ApplicationELB` (free, from the ALB): per target group (dimensions `LoadBalancer` + `TargetGroup`)
 *     RequestCount, HTTPCode_Target_5XX_Count, TargetResponseTime, HealthyHostCount, UnHealthyHostCount; per load
 *     balancer only (`LoadBalancer`) HTTPCode_ELB_5XX_Count. ALB counts are not reported while they are zero.
 *   - `ContainerInsights` (the amazon-cloudwatch-observability add-on): pod metrics by `ClusterName, Namespace,
 *     PodName` (PodName is the workload's name, e.g. the Deployment `app-api-blue`), running pods by `Service`,
 *     node counts by `ClusterName`.
 *   - `AWS/EKS` (free for Kubernetes ≥ 1.28, from the control plane): scheduler_pending_pods(_UNSCHEDULABLE) by `ClusterName`.
 *   - `AWS/SQS` and `AWS/Events` (free): Karpenter's interruption queue and the EventBridge rules that feed it.
 */

export type Statistic = "Sum" | "Average" | "Minimum" | "Maximum" | "SampleCount" | `p${number}`;

export interface MetricRef {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
}

/** A query of a widget or alarm: one metric with a statistic, or metric math over other queries' ids. */
export type MetricQuery =
    | {
          readonly id: string;
          readonly metric: MetricRef;
          readonly stat: Statistic;
          readonly periodSeconds: number;
          readonly label?: string;
          /** Whether the query is shown / returned; default true. */
          readonly returnData?: boolean;
      }
    | {
          readonly id: string;
          readonly expression: string;
          readonly label?: string;
          readonly returnData?: boolean;
      };

export const PERIOD_SECONDS = 60;

// ---------------------------------------------------------------------------------------------------------
// Application Load Balancer
// ---------------------------------------------------------------------------------------------------------

export const ALB_NAMESPACE = "AWS/ApplicationELB";
export const ALB_METRICS = {
    requests: "RequestCount",
    target5xx: "HTTPCode_Target_5XX_Count",
    elb5xx: "HTTPCode_ELB_5XX_Count",
    responseTime: "TargetResponseTime",
    healthyHosts: "HealthyHostCount",
    unhealthyHosts: "UnHealthyHostCount",
} as const;
export type AlbMetric = (typeof ALB_METRICS)[keyof typeof ALB_METRICS];

/** A target group's dimensions: the metrics of a target group are published under both. */
export interface TargetGroupDimensions {
    readonly loadBalancer: string;
    readonly targetGroup: string;
}

export function targetGroupMetric(tg: TargetGroupDimensions, metricName: AlbMetric): MetricRef {
    return { namespace: ALB_NAMESPACE, metricName, dimensions: { LoadBalancer: tg.loadBalancer, TargetGroup: tg.targetGroup } };
}

export function loadBalancerMetric(loadBalancer: string, metricName: AlbMetric): MetricRef {
    return { namespace: ALB_NAMESPACE, metricName, dimensions: { LoadBalancer: loadBalancer } };
}

// ---------------------------------------------------------------------------------------------------------
// Container Insights, EKS control plane, Karpenter's interruption queue
// ---------------------------------------------------------------------------------------------------------

export const CONTAINER_INSIGHTS_NAMESPACE = "ContainerInsights";

/** A workload's pod metric: `PodName` is the owner's name (the Deployment), not a pod's. */
export function workloadPodMetric(clusterName: string, namespace: string, workload: string, metricName: string): MetricRef {
    return { namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName, dimensions: { ClusterName: clusterName, Namespace: namespace, PodName: workload } };
}

export function kubernetesServiceMetric(clusterName: string, namespace: string, service: string, metricName: string): MetricRef {
    return { namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName, dimensions: { ClusterName: clusterName, Namespace: namespace, Service: service } };
}

export function containerInsightsClusterMetric(clusterName: string, metricName: string): MetricRef {
    return { namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName, dimensions: { ClusterName: clusterName } };
}

export const EKS_NAMESPACE = "AWS/EKS";
export function eksControlPlaneMetric(clusterName: string, metricName: "scheduler_pending_pods" | "scheduler_pending_pods_UNSCHEDULABLE"): MetricRef {
    return { namespace: EKS_NAMESPACE, metricName, dimensions: { ClusterName: clusterName } };
}

export function sqsQueueMetric(queueName: string, metricName: "NumberOfMessagesReceived" | "ApproximateAgeOfOldestMessage"): MetricRef {
    return { namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName } };
}

export function eventRuleMetric(ruleName: string, metricName: "TriggeredRules" | "FailedInvocations"): MetricRef {
    return { namespace: "AWS/Events", metricName, dimensions: { RuleName: ruleName } };
}

/** Container Insights log group of container logs (Fluent Bit of the add-on). */
export function applicationLogGroup(clusterName: string): string {
    return `/aws/containerinsights/${clusterName}/application`;
}

// ---------------------------------------------------------------------------------------------------------
// A service's signals (alarms, dashboard, guarded switch)
// ---------------------------------------------------------------------------------------------------------

/** Thresholds on a color's signals; the service's `alarms` and the guarded switch's `switchGuard` share these names. */
export interface SignalThresholds {
    readonly maxErrorRatePercent: number;
    readonly maxLatencyMs: number;
}

/**
 * Target 5xx as a percentage of requests: `IF(requests >= min, 100 * FILL(errors, 0) / requests, 0)`. The ALB reports
 * no 5xx datapoint while there are none (FILL makes that 0), and nothing at all without traffic (the result is then
 * missing, which alarms treat as not breaching). Below the minimum the rate is 0: a single failure of a few
 * requests is not an outage. The query with id `id` is the rate; `<id>Errors` and `<id>Requests` feed it.
 */
export function errorRateQueries(tg: TargetGroupDimensions, minRequestsPerMinute: number, id = "errorRate", periodSeconds = PERIOD_SECONDS): MetricQuery[] {
    const minRequests = (minRequestsPerMinute * periodSeconds) / 60;
    return [
        { id: `${id}Errors`, metric: targetGroupMetric(tg, ALB_METRICS.target5xx), stat: "Sum", periodSeconds, returnData: false },
        { id: `${id}Requests`, metric: targetGroupMetric(tg, ALB_METRICS.requests), stat: "Sum", periodSeconds, returnData: false },
        {
            id,
            expression: `IF(${id}Requests >= ${minRequests}, 100 * FILL(${id}Errors, 0) / ${id}Requests, 0)`,
            label: "5xx % of requests",
        },
    ];
}

/** p99 target response time, in seconds (the unit the ALB reports). */
export function p99LatencyQuery(tg: TargetGroupDimensions, id = "p99Latency", periodSeconds = PERIOD_SECONDS): MetricQuery {
    return { id, metric: targetGroupMetric(tg, ALB_METRICS.responseTime), stat: "p99", periodSeconds, label: "p99 response time (s)" };
}

/** The signals a color is judged by, each as the queries that compute it (the last query is the signal). */
export function serviceSignalQueries(tg: TargetGroupDimensions, minRequestsPerMinute: number): { errorRate: MetricQuery[]; p99Latency: MetricQuery[] } {
    return { errorRate: errorRateQueries(tg, minRequestsPerMinute), p99Latency: [p99LatencyQuery(tg)] };
}
