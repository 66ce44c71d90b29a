/**
 * Karpenter's resources field by field (prod plan), beyond what karpenter.test.ts compares with upstream: how the
 * interruption rules and targets are named and wired, the release's failure handling, and the namespace labels.
 */
import { find, inputsOf, plan } from "./harness";

const TAGS = { environment: "prod", owner: "platform" };
const QUEUE_ARN = "arn:aws:sqs:ap-northeast-2:123456789012:service-prod-karpenter-interruption";

describe("Karpenter, field by field (prod)", () => {
    test.each([
        ["scheduled-change", "AWS Health Event"],
        ["spot-interruption", "EC2 Spot Instance Interruption Warning"],
        ["rebalance", "EC2 Instance Rebalance Recommendation"],
        ["instance-state-change", "EC2 Instance State-change Notification"],
        ["capacity-reservation-interruption", "EC2 Capacity Reservation Instance Interruption Warning"],
    ])("rule %s (%s): named after the cluster, described, tagged; its target is the queue, once the queue policy lets EventBridge in", async (key, detailType) => {
        const p = await plan("prod");
        const rule = inputsOf(p, "aws:cloudwatch/eventRule:EventRule", `karpenter-${key}`);
        expect(rule.name).toBe(`service-prod-karpenter-${key}`);
        expect(rule.description).toBe(`Karpenter interruption handling for service-prod: ${detailType}`);
        expect(rule.tags).toEqual(TAGS);
        const target = find(p, "aws:cloudwatch/eventTarget:EventTarget", `karpenter-${key}`);
        expect(target.inputs).toEqual({ rule: `service-prod-karpenter-${key}`, arn: QUEUE_ARN, targetId: "KarpenterInterruptionQueueTarget" });
        expect(target.dependencies).toContain(find(p, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption").urn);
    });

    test("queue and node role carry the stack's tags; the node role says whose nodes it serves", async () => {
        const p = await plan("prod");
        expect(inputsOf(p, "aws:sqs/queue:Queue", "karpenter-interruption").tags).toEqual(TAGS);
        const role = inputsOf(p, "aws:iam/role:Role", "karpenter-node");
        expect(role.description).toBe("Nodes launched by Karpenter in service-prod");
        expect(role.tags).toEqual(TAGS);
        expect(inputsOf(p, "aws:eks/accessEntry:AccessEntry", "karpenter-node").tags).toEqual(TAGS);
        const controller = inputsOf(p, "aws:iam/role:Role", "karpenter-controller-role");
        expect(controller.description).toBe("IRSA role of karpenter/karpenter in service-prod");
        expect(controller.maxSessionDuration).toBe(3600);
    });

    test("the controller release rolls back a failed install or upgrade (atomic, cleanup on fail) within 10 minutes, logging at info", async () => {
        const release = inputsOf(await plan("prod"), "kubernetes:helm.sh/v3:Release", "karpenter-controller");
        expect(release.atomic).toBe(true);
        expect(release.cleanupOnFail).toBe(true);
        expect(release.timeout).toBe(600);
        expect(release.values.logLevel).toBe("info");
        expect(inputsOf(await plan("prod"), "kubernetes:helm.sh/v4:Chart", "karpenter-crds").namespace).toBe("karpenter");
    });

    test("namespace karpenter: Pod Security restricted in all three modes, at the latest version", async () => {
        const ns = inputsOf(await plan("prod"), "kubernetes:core/v1:Namespace", "karpenter-ns");
        expect(ns.metadata).toEqual({
            name: "karpenter",
            labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted",
            },
        });
        const sa = find(await plan("prod"), "kubernetes:core/v1:ServiceAccount", "karpenter-controller-sa");
        expect((sa.inputs as { metadata: { labels: Record<string, string> } }).metadata.labels).toEqual({ "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/managed-by": "pulumi" });
    });
});
