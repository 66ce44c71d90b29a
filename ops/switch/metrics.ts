/**
 * ALB CloudWatch metrics of one color's target group (namespace AWS/ApplicationELB), from the builders the alarms and
 * the dashboard use (lib/metrics.ts, lib/albTargets.ts). The target group and its load balancer are made by the load
 * balancer controller, so their metric dimensions are read from their ARNs: `TargetGroup` = `targetgroup/<name>/<id>`,
 * `LoadBalancer` = `app/<name>/<id>`, as the ELB CloudWatch documentation defines them.
 */
import { ALB_METRICS, ALB_NAMESPACE, PERIOD_SECONDS } from "../../lib/metrics";

export { loadBalancerDimension, targetGroupDimension } from "../../lib/albTargets";

export interface MetricDataQuery {
    readonly Id: string;
    readonly MetricStat: {
        readonly Metric: { readonly Namespace: "AWS/ApplicationELB"; readonly MetricName: string; readonly Dimensions: { Name: string; Value: string }[] };
        readonly Period: 60;
        readonly Stat: string;
    };
}

/** The three numbers a switch watches per minute: requests, target 5xx, p99 target response time (seconds). */
export function minuteQueries(targetGroup: string, loadBalancer: string): MetricDataQuery[] {
    const dims = [
        { Name: "TargetGroup", Value: targetGroup },
        { Name: "LoadBalancer", Value: loadBalancer },
    ];
    const query = (Id: string, MetricName: string, Stat: string): MetricDataQuery => ({
        Id,
        MetricStat: { Metric: { Namespace: ALB_NAMESPACE, MetricName, Dimensions: dims }, Period: PERIOD_SECONDS, Stat },
    });
    return [query("requests", ALB_METRICS.requests, "Sum"), query("errors", ALB_METRICS.target5xx, "Sum"), query("p99", ALB_METRICS.responseTime, "p99")];
}
