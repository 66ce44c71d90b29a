/**
 * The CloudWatch metrics the alarms, the dashboard and the guarded switch read (lib/metrics.ts), against the names
 * AWS publishes them under: "CloudWatch metrics for your Application Load Balancer" (namespace AWS/ApplicationELB,
 * dimensions LoadBalancer and TargetGroup), "Amazon EKS and Kubernetes Container Insights metrics" (ContainerInsights:
 * ClusterName, Namespace, PodName, Service), the EKS control plane metrics (AWS/EKS by ClusterName), "Available
 * CloudWatch metrics for Amazon SQS" (QueueName) and "Monitoring Amazon EventBridge" (AWS/Events by RuleName).
 * A misspelt dimension is not an error anywhere: the alarm just never sees data.
 */
import {
    applicationLogGroup,
    containerInsightsClusterMetric,
    eksControlPlaneMetric,
    errorRateQueries,
    eventRuleMetric,
    kubernetesServiceMetric,
    loadBalancerMetric,
    serviceSignalQueries,
    sqsQueueMetric,
    workloadPodMetric,
} from "../lib/metrics";

const TG = { loadBalancer: "app/k8s-gateway-abc/0123456789abcdef", targetGroup: "targetgroup/k8s-app-blue/0123456789abcdef" };

describe("metric references", () => {
    test("ALB", () => {
        expect(loadBalancerMetric(TG.loadBalancer, "HTTPCode_ELB_5XX_Count")).toEqual({
            namespace: "AWS/ApplicationELB",
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: { LoadBalancer: "app/k8s-gateway-abc/0123456789abcdef" },
        });
    });

    test("Container Insights", () => {
        expect(workloadPodMetric("service-prod", "app-api", "app-api-blue", "pod_cpu_utilization")).toEqual({
            namespace: "ContainerInsights",
            metricName: "pod_cpu_utilization",
            dimensions: { ClusterName: "service-prod", Namespace: "app-api", PodName: "app-api-blue" },
        });
        expect(kubernetesServiceMetric("service-prod", "app-api", "app-api", "service_number_of_running_pods")).toEqual({
            namespace: "ContainerInsights",
            metricName: "service_number_of_running_pods",
            dimensions: { ClusterName: "service-prod", Namespace: "app-api", Service: "app-api" },
        });
        expect(containerInsightsClusterMetric("service-prod", "cluster_node_count")).toEqual({
            namespace: "ContainerInsights",
            metricName: "cluster_node_count",
            dimensions: { ClusterName: "service-prod" },
        });
        expect(applicationLogGroup("service-prod")).toBe("/aws/containerinsights/service-prod/application");
    });

    test("EKS control plane, SQS, EventBridge", () => {
        expect(eksControlPlaneMetric("service-prod", "scheduler_pending_pods")).toEqual({
            namespace: "AWS/EKS",
            metricName: "scheduler_pending_pods",
            dimensions: { ClusterName: "service-prod" },
        });
        expect(sqsQueueMetric("service-prod-karpenter", "ApproximateAgeOfOldestMessage")).toEqual({
            namespace: "AWS/SQS",
            metricName: "ApproximateAgeOfOldestMessage",
            dimensions: { QueueName: "service-prod-karpenter" },
        });
        expect(eventRuleMetric("service-prod-spot-interruption", "FailedInvocations")).toEqual({
            namespace: "AWS/Events",
            metricName: "FailedInvocations",
            dimensions: { RuleName: "service-prod-spot-interruption" },
        });
    });
});

describe("a service's signals", () => {
    test("error rate: 5xx over requests per target group, zero below the minimum traffic", () => {
        const tg = { LoadBalancer: TG.loadBalancer, TargetGroup: TG.targetGroup };
        expect(errorRateQueries(TG, 20, "blueErrors", 300)).toEqual([
            { id: "blueErrorsErrors", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: tg }, stat: "Sum", periodSeconds: 300, returnData: false },
            { id: "blueErrorsRequests", metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: tg }, stat: "Sum", periodSeconds: 300, returnData: false },
            { id: "blueErrors", expression: "IF(blueErrorsRequests >= 100, 100 * FILL(blueErrorsErrors, 0) / blueErrorsRequests, 0)", label: "5xx % of requests" },
        ]);
    });

    test("the guarded switch's queries: one-minute periods, p99 of TargetResponseTime in seconds", () => {
        const { errorRate, p99Latency } = serviceSignalQueries(TG, 10);
        expect(errorRate.map((q) => q.id)).toEqual(["errorRateErrors", "errorRateRequests", "errorRate"]);
        expect(errorRate[2]).toMatchObject({ expression: "IF(errorRateRequests >= 10, 100 * FILL(errorRateErrors, 0) / errorRateRequests, 0)" });
        expect(p99Latency).toEqual([
            {
                id: "p99Latency",
                metric: { namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: { LoadBalancer: TG.loadBalancer, TargetGroup: TG.targetGroup } },
                stat: "p99",
                periodSeconds: 60,
                label: "p99 response time (s)",
            },
        ]);
    });
});
