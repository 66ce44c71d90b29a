/**
 * The real clients of a guarded switch: kubectl (with the stack's kubeconfig output), the AWS CLI (with the
 * runner's credentials), HTTPS, and the Pulumi Automation API on this project's directory. The runner needs
 * `kubectl`, `aws` and `pulumi` on its PATH, network reach to the cluster endpoint, and to be among
 * `previewAccess` sources when the preview hostname is restricted.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { ALB_GATEWAY_RESOURCE_TAG } from "../../lib/albTargets";
import { loadBalancerDimension, minuteQueries, targetGroupDimension } from "./metrics";
import type { AwsClient, DeploymentState, HttpClient, KubeClient, RouteState, StackClient, SwitchClients, TargetHealth, TrafficSample } from "./types";

const run = promisify(execFile);

async function json<T>(file: string, args: readonly string[]): Promise<T | null> {
    try {
        const { stdout } = await run(file, [...args], { maxBuffer: 64 * 1024 * 1024 });
        return JSON.parse(stdout) as T;
    } catch (err) {
        if (/NotFound|not found/i.test(String((err as { stderr?: string }).stderr ?? ""))) return null;
        throw err;
    }
}

interface Condition {
    type: string;
    status: string;
    observedGeneration?: number;
}

export function kubectlClient(kubeconfig: string): KubeClient {
    const kubectl = <T>(namespace: string, ...args: string[]) => json<T>("kubectl", ["--kubeconfig", kubeconfig, "-n", namespace, "get", ...args, "-o", "json"]);
    return {
        async deployment(namespace, name): Promise<DeploymentState | null> {
            const d = await kubectl<{ spec: { replicas?: number }; status: { availableReplicas?: number } }>(namespace, "deployment", name);
            return d && { replicas: d.spec.replicas ?? 0, availableReplicas: d.status.availableReplicas ?? 0 };
        },
        async targetGroupArns(namespace, serviceName) {
            const list = await kubectl<{ items: { spec: { serviceRef: { name: string }; targetGroupARN?: string } }[] }>(
                namespace,
                "targetgroupbindings.elbv2.k8s.aws",
            );
            return (list?.items ?? []).filter((b) => b.spec.serviceRef.name === serviceName && b.spec.targetGroupARN).map((b) => b.spec.targetGroupARN as string);
        },
        async route(namespace, name): Promise<RouteState | null> {
            const r = await kubectl<{ metadata: { generation: number }; status?: { parents?: { conditions?: Condition[] }[] } }>(namespace, "httproute", name);
            if (!r) return null;
            const conditions = r.status?.parents?.[0]?.conditions ?? [];
            const is = (type: string) => conditions.some((c) => c.type === type && c.status === "True");
            const current = conditions.length > 0 && conditions.every((c) => c.observedGeneration === r.metadata.generation);
            return { accepted: is("Accepted"), resolvedRefs: is("ResolvedRefs"), current };
        },
    };
}

export function awsCliClient(region: string): AwsClient {
    const aws = <T>(...args: string[]) => json<T>("aws", [...args, "--region", region, "--output", "json"]);
    return {
        async targetGroupResourceIds(arns) {
            if (arns.length === 0) return {};
            const r = await aws<{ TagDescriptions: { ResourceArn: string; Tags: { Key: string; Value: string }[] }[] }>("elbv2", "describe-tags", "--resource-arns", ...arns);
            return Object.fromEntries(
                (r?.TagDescriptions ?? []).flatMap((d) => d.Tags.filter((t) => t.Key === ALB_GATEWAY_RESOURCE_TAG).map((t) => [d.ResourceArn, t.Value])),
            );
        },
        async targetHealth(arn): Promise<TargetHealth> {
            const r = await aws<{ TargetHealthDescriptions: { TargetHealth: { State: string } }[] }>("elbv2", "describe-target-health", "--target-group-arn", arn);
            const states = (r?.TargetHealthDescriptions ?? []).map((d) => d.TargetHealth.State);
            return { healthy: states.filter((s) => s === "healthy").length, notHealthy: states.filter((s) => s !== "healthy").length };
        },
        async lastMinute(arn): Promise<TrafficSample> {
            const tg = await aws<{ TargetGroups: { LoadBalancerArns: string[] }[] }>("elbv2", "describe-target-groups", "--target-group-arns", arn);
            const lb = tg?.TargetGroups[0]?.LoadBalancerArns[0];
            if (!lb) throw new Error(`target group ${arn} is not attached to a load balancer`);
            // ALB metrics arrive about a minute late: read the minute that ended one minute ago.
            const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
            const start = new Date(end.getTime() - 60_000);
            const r = await aws<{ MetricDataResults: { Id: string; Values: number[] }[] }>(
                "cloudwatch",
                "get-metric-data",
                "--metric-data-queries",
                JSON.stringify(minuteQueries(targetGroupDimension(arn), loadBalancerDimension(lb))),
                "--start-time",
                start.toISOString(),
                "--end-time",
                end.toISOString(),
            );
            const value = (id: string) => r?.MetricDataResults.find((m) => m.Id === id)?.Values[0];
            const p99 = value("p99");
            return { requests: value("requests") ?? 0, targetErrors5xx: value("errors") ?? 0, p99LatencyMs: p99 === undefined ? null : p99 * 1000 };
        },
    };
}

export const httpsClient: HttpClient = {
    async get(url) {
        const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
        return res.status;
    },
};

export function automationStackClient(stack: Stack, policyPackConfig: string): StackClient {
    return {
        setConfig: (configPath, value) => stack.setConfig(configPath, { value }, true),
        async up(targets, message) {
            await stack.up({
                target: [...targets],
                message,
                // The pack is the repository's policies/ (next to its config directory), whichever project the stack is of.
                policyPacks: [path.dirname(path.dirname(policyPackConfig))],
                policyPackConfigs: [policyPackConfig],
                onOutput: (out) => process.stdout.write(out),
            });
        },
    };
}

/** Everything real, for `npm run switch` without `--dry-run`. */
export async function realClients(projectRoot: string, stackName: string, region: string, policyPackConfig: string): Promise<SwitchClients> {
    const stack = await LocalWorkspace.selectStack({ stackName, workDir: projectRoot });
    const outputs = await stack.outputs();
    const kubeconfig = outputs.kubeconfig?.value;
    // A platform stack exports the cluster's kubeconfig; a team stack exports one that fetches tokens as its deploy role.
    if (kubeconfig === undefined) throw new Error(`stack ${stackName} has no kubeconfig output: deploy it first`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "switch-")), "kubeconfig");
    fs.writeFileSync(file, typeof kubeconfig === "string" ? kubeconfig : JSON.stringify(kubeconfig), { mode: 0o600 });
    return {
        kube: kubectlClient(file),
        aws: awsCliClient(region),
        http: httpsClient,
        stack: automationStackClient(stack, policyPackConfig),
        clock: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
        log: (line) => process.stdout.write(`${line}\n`),
    };
}
