/**
 * ALB CloudWatch metrics of one color's target group (namespace AWS/ApplicationELB). The target group and its
 * load balancer are made by the load balancer controller, so their metric dimensions are read from their ARNs:
 * `TargetGroup` = `targetgroup/<name>/<id>`, `LoadBalancer` = `app/<name>/<id>` (the ARN resource after
 * `targetgroup/` or `loadbalancer/`), as the ELB CloudWatch documentation defines them.
 */
export function targetGroupDimension(targetGroupArn: string): string {
    const at = targetGroupArn.indexOf(":targetgroup/");
    if (at < 0) throw new RangeError(`not a target group ARN: ${targetGroupArn}`);
    return targetGroupArn.slice(at + 1);
}

export function loadBalancerDimension(loadBalancerArn: string): string {
    const at = loadBalancerArn.indexOf(":loadbalancer/");
    if (at < 0) throw new RangeError(`not a load balancer ARN: ${loadBalancerArn}`);
    return loadBalancerArn.slice(at + ":loadbalancer/".length);
}

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
        MetricStat: { Metric: { Namespace: "AWS/ApplicationELB", MetricName, Dimensions: dims }, Period: 60, Stat },
    });
    return [query("requests", "RequestCount", "Sum"), query("errors", "HTTPCode_Target_5XX_Count", "Sum"), query("p99", "TargetResponseTime", "p99")];
}
