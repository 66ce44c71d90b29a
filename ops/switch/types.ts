/**
 * What a guarded switch talks to, as interfaces: the real clients (`clients.ts`) use kubectl, the AWS CLI, HTTPS
 * and the Pulumi Automation API; the decision tests use fakes. Nothing here reaches AWS by itself.
 */
import type { Color } from "../../config";

/** A color's Deployment as the cluster sees it. */
export interface DeploymentState {
    readonly replicas: number;
    readonly availableReplicas: number;
}

/** An HTTPRoute's status on its (one) parent Gateway. */
export interface RouteState {
    readonly accepted: boolean;
    readonly resolvedRefs: boolean;
    /** The conditions describe the route's current generation (not the one before the switch). */
    readonly current: boolean;
}

export interface KubeClient {
    deployment(namespace: string, name: string): Promise<DeploymentState | null>;
    /**
     * The ARNs of the target groups that serve a Service, one per route that reaches it. The load balancer
     * controller records each in the TargetGroupBinding it creates in the Service's namespace
     * (`spec.serviceRef.name`, `spec.targetGroupARN`).
     */
    targetGroupArns(namespace: string, serviceName: string): Promise<string[]>;
    route(namespace: string, name: string): Promise<RouteState | null>;
}

export interface TargetHealth {
    readonly healthy: number;
    /** Registered targets in any other state (initial, unhealthy, draining, unavailable). */
    readonly notHealthy: number;
}

/** One minute of a target group's traffic (ALB CloudWatch metrics). */
export interface TrafficSample {
    readonly requests: number;
    readonly targetErrors5xx: number;
    /** p99 TargetResponseTime in milliseconds; null when there were no requests. */
    readonly p99LatencyMs: number | null;
}

export interface AwsClient {
    /** Each target group's resource id, as the controller tags it (`gateway.k8s.aws.alb/resource`); absent when untagged. */
    targetGroupResourceIds(targetGroupArns: readonly string[]): Promise<Record<string, string>>;
    targetHealth(targetGroupArn: string): Promise<TargetHealth>;
    /** The last full minute of traffic of the target group (dimensions TargetGroup and LoadBalancer). */
    lastMinute(targetGroupArn: string): Promise<TrafficSample>;
}

export interface HttpClient {
    /** Status code of a GET (no redirects followed). */
    get(url: string): Promise<number>;
}

/** The stack, driven as `pulumi config set --path` + `pulumi up --target` would. */
export interface StackClient {
    setConfig(path: string, value: string): Promise<void>;
    up(targets: readonly string[], message: string): Promise<void>;
}

export interface Clock {
    sleep(ms: number): Promise<void>;
}

export interface SwitchClients {
    readonly kube: KubeClient;
    readonly aws: AwsClient;
    readonly http: HttpClient;
    readonly stack: StackClient;
    readonly clock: Clock;
    /** Progress lines, as they happen. */
    readonly log: (line: string) => void;
}

/** Where a service's traffic is: the active color and the share its inactive color gets. */
export interface TrafficState {
    readonly activeColor: Color;
    readonly canaryWeight: number;
}
