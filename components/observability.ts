/**
 * What people look at and what wakes them: the stack's CloudWatch dashboard (every service and color, and the
 * cluster), the alarms on each service's live color, the encrypted topic they notify, and the chat channels
 * (AWS Chatbot) subscribed to it.
 *
 *   KMS key ─ SNS topic <cluster>-alarms ─ Chatbot Slack / Teams channel (optional)
 *   ALB + target groups (found by the load balancer controller's tags) ─ MetricAlarm × 4 per service ─┐
 *                                                                     └─ Dashboard <cluster> ─────────┘
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COLORS, Color, NotificationsConfig, ServiceConfig } from "../config";
import { ALARM_SIGNALS, alarmMetricQueries, serviceAlarmSpecs } from "../lib/alarms";
import {
    AlbDimensions,
    ELB_RESOURCE_TYPES,
    NamespacedName,
    WaitOptions,
    albTagFilters,
    targetGroupResourceId,
    waitForAlbDimensions,
} from "../lib/albTargets";
import { DashboardService, dashboardBody, dashboardName, dashboardUrl } from "../lib/dashboard";
import { PolicyDocument, boundedName, managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { BLUE_GREEN_DEFAULTS, backendWeights, colorName, hasPreview, httpRoute } from "./blueGreenService";

/** The resource name of the stack's Observability component (index.ts): the guarded switch targets its children. */
export const OBSERVABILITY_COMPONENT = "observability";

/**
 * Resource names of what follows a service's traffic: its alarms (they watch the live color) and the dashboard (its
 * header shows the colors and weights). A switch's targeted `pulumi up` includes them, so monitoring moves with traffic.
 */
export function monitoringObjectNames(component: string, service: string): string[] {
    return [component, ...ALARM_SIGNALS.map((signal) => `${component}-${service}-${signal}`)];
}

/** AWS Chatbot's API is served from us-east-2 whatever the region of the topics it delivers. */
export const CHATBOT_API_REGION = "us-east-2";
/** What chat users may do through the channel, at most (Chatbot's default guardrail is AdministratorAccess). */
export const CHATBOT_GUARDRAIL_POLICY = "CloudWatchReadOnlyAccess";
/** What Chatbot itself reads to render alarm notifications (alarm details and metric graphs). */
export const CHATBOT_NOTIFICATION_ACTIONS = [
    "cloudwatch:DescribeAlarms",
    "cloudwatch:DescribeAlarmHistory",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricWidgetImage",
] as const;

/** Key of a traffic target group: `<service>/<color>`. */
export function targetGroupKey(service: string, color: Color): string {
    return `${service}/${color}`;
}

/**
 * The controller's resource ids of the target groups that carry each color's production traffic: in `route` mode the
 * main route's backend per color; in `selector` mode the one stable Service, which serves the live color.
 */
export function trafficTargetGroups(service: ServiceConfig, gateway: NamespacedName): Partial<Record<Color, string>> {
    const route = { namespace: service.namespace, name: httpRoute(service, { name: gateway.name }).metadata?.name ?? service.name };
    const backend = (serviceName: string) =>
        targetGroupResourceId({ gateway, route, service: { namespace: service.namespace, name: serviceName }, targetPort: BLUE_GREEN_DEFAULTS.targetPortName });
    if (service.trafficMode === "selector") return { [service.activeColor]: backend(service.name) };
    return Object.fromEntries(COLORS.map((c) => [c, backend(colorName(service, c))]));
}

/** Topic policy: CloudWatch alarms of this account may publish, over TLS only; the account manages the topic. */
export function alarmTopicPolicy(topicArn: string, accountId: string, partition: string, region: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountManages",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
                Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
                Resource: topicArn,
            },
            {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
                },
            },
            {
                Sid: "TlsOnly",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** Key policy: the account administers the key; CloudWatch may use it only to publish this account's alarms. */
export function alarmKeyPolicy(accountId: string, partition: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
            {
                // An alarm publishes to an encrypted topic only if CloudWatch can use its key (AWS managed keys do not allow it).
                Sid: "CloudWatchAlarms",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
        ],
    };
}

export interface ObservabilityArgs {
    /** Plain cluster name: names the dashboard, topic and alarms; a dimension of the cluster metrics. */
    readonly clusterName: string;
    readonly stack: string;
    readonly region: string;
    /** The shared Gateway: the controller tags its ALB and target groups with `<namespace>/<name>`. */
    readonly gateway: NamespacedName;
    readonly services: readonly ServiceConfig[];
    /** Whether the Container Insights add-on runs (pod CPU and node widgets have data only then). */
    readonly containerInsights: boolean;
    /** Whether container logs are shipped (the Karpenter launches widget reads them). */
    readonly containerLogs: boolean;
    readonly karpenter: {
        readonly namespace: string;
        readonly interruptionQueue: string;
        /** EventBridge rule names by what they report. */
        readonly rules: Readonly<Record<string, string>>;
    };
    readonly notifications: NotificationsConfig;
    /**
     * Resolve once the Gateway is programmed and every service's routes exist: only then can the controller's ALB and
     * target groups be found. Nothing is looked up while any of them is unknown (a preview before they exist).
     */
    readonly trafficReady: readonly pulumi.Input<unknown>[];
    /** How long to wait for the controller's target groups; default `ALB_WAIT_DEFAULTS`. */
    readonly albWait?: WaitOptions;
    /** Protect the alarm topic's KMS key like the stack's other keys (`deletionProtection`). Default: false. */
    readonly protect?: boolean;
    readonly tags?: Record<string, string>;
}

export class Observability extends pulumi.ComponentResource {
    public readonly dashboardName: pulumi.Output<string>;
    public readonly dashboardUrl: pulumi.Output<string>;
    public readonly topicArn: pulumi.Output<string>;
    /** Alarm names per service. */
    public readonly alarmNames: pulumi.Output<Record<string, string[]>>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:observability:Observability", name, {}, opts);
        const tags = args.tags ?? {};
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        // --- Where alarms go -------------------------------------------------------------------------------
        const key = new aws.kms.Key(
            `${name}-alarms`,
            {
                description: `Encrypts the alarm topic of ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: pulumi.all([accountId, partition]).apply(([account, part]) => JSON.stringify(alarmKeyPolicy(account, part))),
                tags,
            },
            { parent: this, protect: args.protect ?? false },
        );
        const topic = new aws.sns.Topic(`${name}-alarms`, { name: `${args.clusterName}-alarms`, kmsMasterKeyId: key.arn, tags }, { parent: this });
        const topicPolicy = new aws.sns.TopicPolicy(
            `${name}-alarms`,
            {
                arn: topic.arn,
                policy: pulumi.all([topic.arn, accountId, partition]).apply(([arn, account, part]) => JSON.stringify(alarmTopicPolicy(arn, account, part, args.region))),
            },
            { parent: this },
        );
        this.chatChannels(name, args, topic, tags);

        // --- The controller's ALB and target groups --------------------------------------------------------
        const lookup = {
            clusterName: args.clusterName,
            gateway: args.gateway,
            targetGroups: Object.fromEntries(
                args.services.flatMap((s) => Object.entries(trafficTargetGroups(s, args.gateway)).map(([c, id]) => [targetGroupKey(s.name, c as Color), id])),
            ),
        };
        const dims: pulumi.Output<AlbDimensions> = pulumi.all([...args.trafficReady]).apply(() =>
            waitForAlbDimensions(
                () =>
                    aws.resourcegroupstaggingapi
                        .getResources({ tagFilters: albTagFilters(lookup), resourceTypeFilters: [...ELB_RESOURCE_TYPES] }, { parent: this })
                        .then((r) => r.resourceTagMappingLists),
                lookup,
                args.albWait,
            ),
        );
        const tgOf = (service: ServiceConfig) =>
            dims.apply((d) => {
                const dimensions = d.targetGroups[targetGroupKey(service.name, service.activeColor)];
                return { loadBalancer: d.loadBalancer, targetGroup: dimensions };
            });

        // --- Alarms on each service's live color -----------------------------------------------------------
        const url = partition.apply((p) => dashboardUrl(args.region, dashboardName(args.clusterName), p));
        const alarms: aws.cloudwatch.MetricAlarm[] = [];
        const alarmNames: Record<string, string[]> = {};
        for (const service of args.services) {
            if (!service.alarms.enabled) continue;
            const specs = serviceAlarmSpecs(args.clusterName, service, service.alarms);
            alarmNames[service.name] = specs.map((s) => s.name);
            const tg = tgOf(service);
            for (const spec of specs) {
                alarms.push(
                    new aws.cloudwatch.MetricAlarm(
                        `${name}-${service.name}-${spec.signal}`,
                        {
                            name: spec.name,
                            alarmDescription: pulumi.interpolate`${spec.description} Dashboard: ${url}`,
                            comparisonOperator: spec.comparisonOperator,
                            threshold: spec.threshold,
                            evaluationPeriods: spec.evaluationPeriods,
                            datapointsToAlarm: spec.datapointsToAlarm,
                            treatMissingData: spec.treatMissingData,
                            metricQueries: tg.apply((t) => alarmMetricQueries(spec.queries(t))),
                            alarmActions: [topic.arn],
                            okActions: [topic.arn],
                            tags,
                        },
                        { parent: this, dependsOn: [topicPolicy] },
                    ),
                );
            }
        }

        // --- The dashboard ---------------------------------------------------------------------------------
        const body = pulumi.all([dims, pulumi.all(alarms.map((a) => a.arn))]).apply(([d, alarmArns]) =>
            JSON.stringify(
                dashboardBody({
                    region: args.region,
                    clusterName: args.clusterName,
                    stack: args.stack,
                    loadBalancer: d.loadBalancer,
                    colors: COLORS,
                    services: args.services.map((s) => dashboardService(s, d)),
                    containerInsights: args.containerInsights,
                    containerLogs: args.containerLogs,
                    karpenter: args.karpenter,
                    alarmArns,
                }),
            ),
        );
        const dashboard = new aws.cloudwatch.Dashboard(name, { dashboardName: dashboardName(args.clusterName), dashboardBody: body }, { parent: this });

        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.all([dashboard.dashboardName, url]).apply(([, u]) => u);
        this.topicArn = topic.arn;
        this.alarmNames = pulumi.all(alarms.map((a) => a.name)).apply(() => alarmNames);
        this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl, topicArn: this.topicArn, alarmNames: this.alarmNames });
    }

    /** Chatbot channels subscribed to the topic, with a role that can only read what a notification shows. */
    private chatChannels(name: string, args: ObservabilityArgs, topic: aws.sns.Topic, tags: Record<string, string>): void {
        const { slack, teams } = args.notifications;
        if (!slack && !teams) return;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const role = new aws.iam.Role(
            `${name}-chatbot`,
            {
                name: boundedName(`${args.clusterName}-chatbot`),
                description: `AWS Chatbot: alarm notifications of ${args.clusterName}`,
                assumeRolePolicy: JSON.stringify(serviceTrustPolicy("chatbot.amazonaws.com")),
                inlinePolicies: [
                    {
                        name: "notifications",
                        policy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [{ Effect: "Allow", Action: [...CHATBOT_NOTIFICATION_ACTIONS], Resource: "*" }],
                        } satisfies PolicyDocument),
                    },
                ],
                tags,
            },
            { parent: this },
        );
        const common = {
            configurationName: `${args.clusterName}-alarms`,
            iamRoleArn: role.arn,
            snsTopicArns: [topic.arn],
            guardrailPolicyArns: [partition.apply((p) => managedPolicyArn(CHATBOT_GUARDRAIL_POLICY, p))],
            loggingLevel: "ERROR",
            userAuthorizationRequired: true,
            region: CHATBOT_API_REGION,
            tags,
        };
        if (slack) {
            new aws.chatbot.SlackChannelConfiguration(
                `${name}-slack`,
                { ...common, slackTeamId: slack.workspaceId, slackChannelId: slack.channelId },
                { parent: this },
            );
        }
        if (teams) {
            new aws.chatbot.TeamsChannelConfiguration(
                `${name}-teams`,
                { ...common, configurationName: `${args.clusterName}-alarms-teams`, teamId: teams.teamId, tenantId: teams.tenantId, channelId: teams.channelId },
                { parent: this },
            );
        }
    }
}

/** What the dashboard shows of a service, from its config and the found target groups. */
export function dashboardService(s: ServiceConfig, d: AlbDimensions): DashboardService {
    const targetGroups: Partial<Record<Color, { loadBalancer: string; targetGroup: string }>> = {};
    for (const c of COLORS) {
        const tg = d.targetGroups[targetGroupKey(s.name, c)];
        if (tg !== undefined) targetGroups[c] = { loadBalancer: d.loadBalancer, targetGroup: tg };
    }
    return {
        name: s.name,
        namespace: s.namespace,
        hostnames: s.hostnames,
        previewHostname: hasPreview(s) ? s.previewHostname : null,
        activeColor: s.activeColor,
        trafficMode: s.trafficMode,
        weights: backendWeights(s),
        deployed: { blue: s.image.blue !== null, green: s.image.green !== null },
        targetCpuUtilization: s.autoscaling.targetCpuUtilization,
        thresholds: s.alarms,
        targetGroups,
    };
}
