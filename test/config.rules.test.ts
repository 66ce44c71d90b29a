/**
 * The config's rules besides value formats: numeric and list bounds (both sides of each limit), closed value sets,
 * every cross-field refusal with its exact message (and the value just inside each rule accepted), the defaults a
 * stack gets for what it leaves out, and how problems are worded.
 */
import { ConfigError, parseStackConfig } from "../config";
import { projectDefaults } from "../plan/stackConfig";
import { PROJECT, parsedConfig, problemsOf, rawConfig, withField } from "./configInput";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** [key, path, label, below-or-above value, message] for a refused bound, and an accepted value at the bound. */
type Bound = [key: string, path: (string | number)[], label: string, refused: Json, expected: string, accepted: Json];

const BOUNDS: Bound[] = [
    ["vpc", ["availabilityZones"], "vpc.availabilityZones", 1, "≥ 2", 2],
    ["vpc", ["availabilityZones"], "vpc.availabilityZones", 4, "≤ 3", 3],
    ["systemNodeGroup", ["minSize"], "systemNodeGroup.minSize", 0, "≥ 1", 1],
    ["systemNodeGroup", ["maxSize"], "systemNodeGroup.maxSize", 101, "≤ 100", 100],
    ["systemNodeGroup", ["desiredSize"], "systemNodeGroup.desiredSize", 0, "≥ 1", 2],
    ["systemNodeGroup", ["diskSizeGiB"], "systemNodeGroup.diskSizeGiB", 19, "≥ 20", 20],
    ["systemNodeGroup", ["diskSizeGiB"], "systemNodeGroup.diskSizeGiB", 1001, "≤ 1000", 1000],
    ["nodePools", [0, "weight"], "nodePools[0].weight", 0, "≥ 1", 1],
    ["nodePools", [0, "weight"], "nodePools[0].weight", 101, "≤ 100", 100],
    ["nodePools", [0, "requirements", "minGenerationExclusive"], "nodePools[0].requirements.minGenerationExclusive", -1, "≥ 0", 0],
    ["nodePools", [0, "requirements", "architectures"], "nodePools[0].requirements.architectures", [], "at least 1 item(s)", ["arm64"]],
    ["nodePools", [0, "requirements", "capacityTypes"], "nodePools[0].requirements.capacityTypes", [], "at least 1 item(s)", ["spot"]],
    ["nodePools", [0, "requirements", "instanceCategories"], "nodePools[0].requirements.instanceCategories", [], "at least 1 item(s)", ["m"]],
    ["nodePools", [0, "disruption", "budgets"], "nodePools[0].disruption.budgets", [], "at least 1 item(s)", [{ nodes: "1" }]],
    ["nodePools", [0, "labels", "team"], "nodePools[0].labels.team", "v".repeat(64), "at most 63 character(s)", "v".repeat(63)],
    ["nodePools", [], "nodePools", [], "at least 1 item(s)", [{ name: "app", requirements: { instanceCategories: ["m"] } }]],
    ["gateway", ["certificateArns"], "gateway.certificateArns", [], "at least one ACM certificate ARN, or dns.createCertificate true", ["arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111"]],
    ["services", [0, "hostnames"], "services[0].hostnames", [], "at least 1 item(s)", ["a.dev.example.com"]],
    ["services", [0, "port"], "services[0].port", 1023, "≥ 1024", 1024],
    ["services", [0, "port"], "services[0].port", 65536, "≤ 65535", 65535],
    ["services", [0, "canaryWeight"], "services[0].canaryWeight", -1, "≥ 0", 0],
    ["services", [0, "canaryWeight"], "services[0].canaryWeight", 100, "≤ 99", 99],
    ["services", [0, "autoscaling", "minReplicas"], "services[0].autoscaling.minReplicas", 0, "≥ 1", 1],
    ["services", [0, "autoscaling", "maxReplicas"], "services[0].autoscaling.maxReplicas", 1001, "≤ 1000", 1000],
    ["services", [0, "autoscaling", "targetCpuUtilization"], "services[0].autoscaling.targetCpuUtilization", 9, "≥ 10", 10],
    ["services", [0, "autoscaling", "targetCpuUtilization"], "services[0].autoscaling.targetCpuUtilization", 96, "≤ 95", 95],
    ["services", [0, "scaledDown", "green"], "services[0].scaledDown.green", -1, "≥ 0", 0],
    ["services", [0, "scaledDown", "blue"], "services[0].scaledDown.blue", -1, "≥ 0", 0],
    ["services", [0, "probes", "periodSeconds"], "services[0].probes.periodSeconds", 0, "≥ 1", 1],
    ["services", [0, "probes", "periodSeconds"], "services[0].probes.periodSeconds", 61, "≤ 60", 60],
    ["services", [0, "probes", "startupFailureThreshold"], "services[0].probes.startupFailureThreshold", 0, "≥ 1", 1],
    ["services", [0, "probes", "startupFailureThreshold"], "services[0].probes.startupFailureThreshold", 121, "≤ 120", 120],
    ["services", [0, "terminationGracePeriodSeconds"], "services[0].terminationGracePeriodSeconds", 4, "≥ 5", 600],
    ["services", [0, "terminationGracePeriodSeconds"], "services[0].terminationGracePeriodSeconds", 601, "≤ 600", 16],
    ["services", [0, "preStopSleepSeconds"], "services[0].preStopSleepSeconds", -1, "≥ 0", 0],
    ["services", [0, "preStopSleepSeconds"], "services[0].preStopSleepSeconds", 121, "≤ 120", 44],
    ["services", [0, "switchGuard", "watchMinutes"], "services[0].switchGuard.watchMinutes", -1, "≥ 0", 0],
    ["services", [0, "switchGuard", "watchMinutes"], "services[0].switchGuard.watchMinutes", 121, "≤ 120", 120],
    ["services", [0, "switchGuard", "maxErrorRatePercent"], "services[0].switchGuard.maxErrorRatePercent", -0.5, "≥ 0", 0],
    ["services", [0, "switchGuard", "maxErrorRatePercent"], "services[0].switchGuard.maxErrorRatePercent", 100.5, "≤ 100", 0.5],
    ["services", [0, "switchGuard", "maxLatencyMs"], "services[0].switchGuard.maxLatencyMs", 0, "≥ 1", 1],
    ["services", [0, "switchGuard", "maxLatencyMs"], "services[0].switchGuard.maxLatencyMs", 60001, "≤ 60000", 60000],
    ["services", [0, "alarms", "maxErrorRatePercent"], "services[0].alarms.maxErrorRatePercent", 0.05, "≥ 0.1", 0.1],
    ["services", [0, "alarms", "maxErrorRatePercent"], "services[0].alarms.maxErrorRatePercent", 101, "≤ 100", 100],
    ["services", [0, "alarms", "maxLatencyMs"], "services[0].alarms.maxLatencyMs", 0, "≥ 1", 60000],
    ["services", [0, "alarms", "maxLatencyMs"], "services[0].alarms.maxLatencyMs", 60001, "≤ 60000", 1],
    ["services", [0, "alarms", "maxUnhealthyHosts"], "services[0].alarms.maxUnhealthyHosts", -1, "≥ 0", 0],
    ["services", [0, "alarms", "maxUnhealthyHosts"], "services[0].alarms.maxUnhealthyHosts", 1001, "≤ 1000", 1000],
    ["services", [0, "alarms", "minRequestsPerMinute"], "services[0].alarms.minRequestsPerMinute", -1, "≥ 0", 0],
    ["services", [0, "alarms", "minRequestsPerMinute"], "services[0].alarms.minRequestsPerMinute", 1000001, "≤ 1000000", 1000000],
    ["services", [0, "egress"], "services[0].egress[0].ports[0]", [{ cidr: "10.0.0.0/16", ports: [0] }], "≥ 1", [{ cidr: "10.0.0.0/16", ports: [1] }]],
    ["services", [0, "egress"], "services[0].egress[0].ports[0]", [{ cidr: "10.0.0.0/16", ports: [65536] }], "≤ 65535", [{ cidr: "10.0.0.0/16", ports: [65535] }]],
    ["services", [0, "egress"], "services[0].egress[0].ports", [{ cidr: "10.0.0.0/16", ports: [] }], "at least 1 item(s)", [{ cidr: "10.0.0.0/16", ports: Array.from({ length: 20 }, (_, i) => 5432 + i) }]],
    ["services", [0, "egress"], "services[0].egress[0].ports", [{ cidr: "10.0.0.0/16", ports: Array.from({ length: 21 }, (_, i) => 5432 + i) }], "at most 20 item(s)", [{ cidr: "10.0.0.0/16", ports: [5432] }]],
    ["services", [0, "egress"], "services[0].egress", Array.from({ length: 21 }, (_, i) => ({ cidr: `10.0.${i}.0/24`, ports: [443] })), "at most 20 item(s)", Array.from({ length: 20 }, (_, i) => ({ cidr: `10.0.${i}.0/24`, ports: [443] }))],
    ["gateway", ["accessLogs", "retentionDays"], "gateway.accessLogs.retentionDays", 0, "≥ 1", 1],
    ["gateway", ["accessLogs", "retentionDays"], "gateway.accessLogs.retentionDays", 3651, "≤ 3650", 3650],
    ["previewAccess", ["sourceCidrs"], "previewAccess.sourceCidrs", ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.0.0.0/8"], "at most 3 item(s)", ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"]],
];

/** [key, path, label, refused value, allowed values] of closed value sets. */
const ENUMS: [string, (string | number)[], string, string, string[]][] = [
    ["vpc", ["natGateways"], "vpc.natGateways", "Many", ["Single", "OnePerAz"]],
    ["nodePools", [0, "requirements", "architectures", 0], "nodePools[0].requirements.architectures[0]", "x86_64", ["amd64", "arm64"]],
    // Karpenter's `reserved` needs capacity-reservation terms the project never sets.
    ["nodePools", [0, "requirements", "capacityTypes", 0], "nodePools[0].requirements.capacityTypes[0]", "reserved", ["on-demand", "spot"]],
    ["nodePools", [0, "disruption", "consolidationPolicy"], "nodePools[0].disruption.consolidationPolicy", "Always", ["WhenEmptyOrUnderutilized", "WhenEmpty"]],
    ["gateway", ["scheme"], "gateway.scheme", "public", ["internet-facing", "internal"]],
    ["gateway", ["allowedRoutes"], "gateway.allowedRoutes", "None", ["Same", "Selector", "All"]],
    // The ALB default policy negotiates TLS 1.0: only TLS 1.2+ policies are offered.
    [
        "gateway",
        ["sslPolicy"],
        "gateway.sslPolicy",
        "ELBSecurityPolicy-2016-08",
        [
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
            "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
            "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        ],
    ],
    ["services", [0, "trafficMode"], "services[0].trafficMode", "dns", ["route", "selector"]],
    ["services", [0, "activeColor"], "services[0].activeColor", "red", ["blue", "green"]],
    ["services", [0, "aws", "identityMode"], "services[0].aws.identityMode", "kiam", ["irsa", "podIdentity"]],
    ["services", [0, "aws", "s3Buckets", 0, "access"], "services[0].aws.s3Buckets[0].access", "admin", ["read", "write", "readwrite"]],
    // EKS access policies with cluster scope: AmazonEKSClusterAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy.
    ["deployers", [0, "access"], "deployers[0].access", "cluster-admin", ["admin", "edit", "view"]],
];

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");

describe("bounds: the limit itself accepted, one past it refused", () => {
    test.each(BOUNDS)("%s %j (%s): %j refused as %s, %j accepted", (key, path, label, refused, expected, accepted) => {
        const problems = problemsOf("dev", withField("dev", key, path, refused));
        expect(problems.filter((p) => p.startsWith(`'${label}' is `) && p.endsWith(`, expected ${expected}`))).toHaveLength(1);
        if (typeof refused === "number") expect(problems).toContain(`'${label}' is ${refused}, expected ${expected}`);
        expect(problemsOf("dev", withField("dev", key, path, accepted)).filter((p) => p.startsWith(`'${label}'`))).toEqual([]);
    });

    test("counts are whole numbers", () => {
        expect(problemsOf("dev", withField("dev", "services", [0, "autoscaling", "maxReplicas"], 2.5))).toEqual([
            "'services[0].autoscaling.maxReplicas' is 2.5, expected a value of type int",
        ]);
    });

    test("at most 26 certificates (the default and 25 more for SNI, the ALB's limit), none listed twice", () => {
        const arn = (i: number) => `arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-${String(i).padStart(12, "0")}`;
        const certs = (n: number) => Array.from({ length: n }, (_, i) => arn(i));
        expect(problemsOf("dev", withField("dev", "gateway", ["certificateArns"], certs(26)))).toEqual([]);
        expect(problemsOf("dev", withField("dev", "gateway", ["certificateArns"], certs(27)))).toEqual([
            `'gateway.certificateArns' is ${JSON.stringify(certs(27)).slice(0, 77)}..., expected at most 26 item(s)`,
        ]);
        expect(problemsOf("dev", withField("dev", "gateway", ["certificateArns"], [arn(1), arn(2), arn(1)]))).toEqual([
            `'gateway.certificateArns[2]' is ${JSON.stringify(arn(1)).slice(0, 77)}..., expected a certificate not listed twice`,
        ]);
    });

    test("a label key is at most 316 characters (a 253-character prefix, '/', a 63-character name)", () => {
        const prefix = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
        const key = `${prefix}/${"n".repeat(63)}`;
        expect(key).toHaveLength(317);
        const taint = (k: string) => withField("dev", "nodePools", [0, "taints"], [{ key: k, effect: "NoSchedule" }]);
        expect(problemsOf("dev", taint(key.slice(1)))).toEqual([]);
        expect(problemsOf("dev", taint(key))).toEqual([`'nodePools[0].taints[0].key' is "${key.slice(0, 76)}..., expected at most 316 character(s)`]);
        const label = (k: string) => withField("dev", "nodePools", [0, "labels"], { [k]: "v" });
        expect(problemsOf("dev", label(key.slice(1)))).toEqual([]);
        expect(problemsOf("dev", label(key))).toEqual([
            `'nodePools[0].labels.${key}' is "v", expected a label key Karpenter allows: a label key such as team or example.com/team`,
        ]);
    });

    test("a tag value is at most 256 characters", () => {
        expect(problemsOf("dev", `tags=${JSON.stringify({ owner: "o".repeat(256) })}`)).toEqual([]);
        expect(problemsOf("dev", `tags=${JSON.stringify({ owner: "o".repeat(257) })}`)).toEqual([`'tags.owner' is "${"o".repeat(76)}..., expected at most 256 character(s)`]);
    });
});

describe("closed value sets", () => {
    test("control-plane log retention: the periods CloudWatch Logs accepts", () => {
        const periods = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
        for (const days of periods) expect(problemsOf("dev", `controlPlaneLogRetentionDays=${days}`)).toEqual([]);
        for (const days of [0, 2, 15, 366, 3654]) {
            expect(problemsOf("dev", `controlPlaneLogRetentionDays=${days}`)).toEqual([`'controlPlaneLogRetentionDays' is ${days}, expected a CloudWatch Logs retention: one of ${periods.join(", ")}`]);
        }
    });

    test("add-on versions only for the cluster's managed add-ons", () => {
        for (const addon of ["coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni"]) {
            expect(problemsOf("dev", `addonVersions=${JSON.stringify({ [addon]: "v1.0.0-eksbuild.1" })}`)).toEqual([]);
        }
        expect(problemsOf("dev", 'addonVersions={"cilium":"v1.0.0-eksbuild.1"}')).toEqual(["unknown key 'addonVersions.cilium'"]);
    });

    test.each(ENUMS)("%s %j (%s): %j refused, each of the allowed values accepted", (key, path, label, refused, allowed) => {
        const message = (v: string) => `'${label}' is ${JSON.stringify(v)}, expected one of ${quoted(allowed)}`;
        expect(problemsOf("dev", withField("dev", key, path, refused))).toContain(message(refused));
        for (const value of allowed) expect(problemsOf("dev", withField("dev", key, path, value))).not.toContain(message(value));
    });

    test.each([
        ["kubernetesVersion", "1.33", ["1.34", "1.35", "1.36"]],
        ["identityMode", "kiam", ["irsa", "podIdentity"]],
        ["activeColor", "purple", ["blue", "green"]],
        // EKS upgrade policy support types.
        ["clusterSupportType", "LONG", ["STANDARD", "EXTENDED"]],
    ])("top-level %s: %s refused; EKS standard support and the other allowed values accepted", (key, refused, allowed) => {
        const message = (v: string) => `'${key}' is ${JSON.stringify(v)}, expected one of ${quoted(allowed)}`;
        expect(problemsOf("dev", `${key}=${refused}`)).toEqual([message(refused)]);
        for (const value of allowed) expect(problemsOf("dev", `${key}=${value}`)).not.toContain(message(value));
    });

    test("taint effects and disruption reasons (Kubernetes' and Karpenter's own sets)", () => {
        const taint = (effect: string) => withField("dev", "nodePools", [0, "taints"], [{ key: "team", value: "a", effect }]);
        for (const effect of ["NoSchedule", "PreferNoSchedule", "NoExecute"]) expect(problemsOf("dev", taint(effect))).toEqual([]);
        expect(problemsOf("dev", taint("NO_SCHEDULE"))).toEqual([
            `'nodePools[0].taints[0].effect' is "NO_SCHEDULE", expected one of "NoSchedule", "PreferNoSchedule", "NoExecute"`,
        ]);
        const budget = (reasons: Json) =>
            withField("dev", "nodePools", [0, "disruption", "budgets"], [{ nodes: "0", schedule: "@daily", duration: "8h", reasons }]);
        expect(problemsOf("dev", budget(["Underutilized", "Empty", "Drifted"]))).toEqual([]);
        expect(problemsOf("dev", budget(["Expired"]))).toEqual([
            `'nodePools[0].disruption.budgets[0].reasons[0]' is "Expired", expected one of "Underutilized", "Empty", "Drifted"`,
        ]);
        expect(problemsOf("dev", budget([]))).toEqual([`'nodePools[0].disruption.budgets[0].reasons' is [], expected at least 1 item(s)`]);
    });
});

/** [rule, overrides, stack, problems (exactly)] */
const REFUSALS: [string, string[], string, string[]][] = [
    [
        "public endpoint without CIDRs",
        ['clusterEndpoint={"publicAccess":true,"publicAccessCidrs":[]}'],
        "dev",
        ["'clusterEndpoint.publicAccessCidrs' is [], expected at least one CIDR when publicAccess is true (an endpoint open to every network is never the default)"],
    ],
    [
        "system node group: desired below min",
        ['systemNodeGroup={"instanceType":"t3.medium","desiredSize":1,"minSize":2,"maxSize":4}'],
        "dev",
        ["'systemNodeGroup.desiredSize' is 1, expected ≥ minSize (2)"],
    ],
    [
        "system node group: desired above max",
        ['systemNodeGroup={"instanceType":"t3.medium","desiredSize":5,"minSize":2,"maxSize":4}'],
        "dev",
        ["'systemNodeGroup.desiredSize' is 5, expected ≤ maxSize (4)"],
    ],
    [
        "system node group: min above max (desired cannot be both)",
        ['systemNodeGroup={"instanceType":"t3.medium","desiredSize":4,"minSize":5,"maxSize":3}'],
        "dev",
        ["'systemNodeGroup.desiredSize' is 4, expected ≥ minSize (5)", "'systemNodeGroup.desiredSize' is 4, expected ≤ maxSize (3)"],
    ],
    [
        "node pool without any instance requirement",
        [withField("dev", "nodePools", [0, "requirements"], { architectures: ["amd64"] })],
        "dev",
        ["'nodePools[0].requirements' is {\"architectures\":[\"amd64\"]}, expected at least one of instanceTypes, instanceFamilies or instanceCategories (an empty requirement set lets Karpenter pick any instance)"],
    ],
    ...(["instanceFamilies", "instanceCategories", "instanceSizes"] as const).map((other): [string, string[], string, string[]] => [
        `node pool with instanceTypes and ${other}`,
        [withField("dev", "nodePools", [0, "requirements"], { instanceTypes: ["m7i.large"], [other]: [other === "instanceFamilies" ? "m7i" : other === "instanceCategories" ? "m" : "large"] })],
        "dev",
        ["'nodePools[0].requirements.instanceTypes' is [\"m7i.large\"], expected either instanceTypes or instanceFamilies/instanceCategories/instanceSizes, not both"],
    ]),
    [
        "budget with a schedule and no duration",
        [withField("dev", "nodePools", [0, "disruption", "budgets"], [{ nodes: "0", schedule: "@daily" }])],
        "dev",
        ['\'nodePools[0].disruption.budgets[0]\' is {"nodes":"0","schedule":"@daily"}, expected schedule and duration together, or neither'],
    ],
    [
        "budget with a duration and no schedule",
        [withField("dev", "nodePools", [0, "disruption", "budgets"], [{ nodes: "0", duration: "8h" }])],
        "dev",
        ['\'nodePools[0].disruption.budgets[0]\' is {"duration":"8h","nodes":"0"}, expected schedule and duration together, or neither'],
    ],
    [
        "labels Karpenter sets itself",
        [withField("dev", "nodePools", [0, "labels"], { "karpenter.sh/nodepool": "a", "kubernetes.io/hostname": "b" })],
        "dev",
        [
            "'nodePools[0].labels.karpenter.sh/nodepool' is \"a\", expected a label key Karpenter allows: karpenter.sh/nodepool is set by Karpenter or the kubelet",
            "'nodePools[0].labels.kubernetes.io/hostname' is \"b\", expected a label key Karpenter allows: kubernetes.io/hostname is set by Karpenter or the kubelet",
        ],
    ],
    [
        "labels in Karpenter's domains",
        [withField("dev", "nodePools", [0, "labels"], { "karpenter.sh/capacity-type": "a", "node.karpenter.k8s.aws/x": "b", "-bad": "c" })],
        "dev",
        [
            // Keys in the order the CLI hands them over (sorted, as Go's JSON encoding of a map sorts them).
            "'nodePools[0].labels.-bad' is \"c\", expected a label key Karpenter allows: a label key such as team or example.com/team",
            "'nodePools[0].labels.karpenter.sh/capacity-type' is \"a\", expected a label key Karpenter allows: the karpenter.sh domain is reserved for Karpenter",
            "'nodePools[0].labels.node.karpenter.k8s.aws/x' is \"b\", expected a label key Karpenter allows: the node.karpenter.k8s.aws domain is reserved for Karpenter",
        ],
    ],
    [
        "two pools with one name",
        [`nodePools=${JSON.stringify([{ name: "app", requirements: { instanceCategories: ["m"] } }, { name: "app", requirements: { instanceCategories: ["c"] } }])}`],
        "dev",
        ["'nodePools' has two pools named \"app\", expected unique names"],
    ],
    [
        "a certificate from another region",
        [withField("dev", "gateway", ["certificateArns"], ["arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-4111-8111-111111111111"])],
        "dev",
        ["'gateway.certificateArns[0]' is in region us-east-1, expected a certificate in the stack's region ap-northeast-2"],
    ],
    [
        "previewHostname among the hostnames",
        [withField("dev", "services", [0, "previewHostname"], "api.dev.example.com")],
        "dev",
        ["'services[0].previewHostname' is \"api.dev.example.com\", expected a hostname not in hostnames"],
    ],
    [
        "preStop as long as the grace period",
        [withField("dev", "services", [0, "preStopSleepSeconds"], 45)],
        "dev",
        ["'services[0].preStopSleepSeconds' is 45, expected < terminationGracePeriodSeconds (45)"],
    ],
    [
        "a color held above the HPA minimum",
        [withField("dev", "services", [0, "scaledDown"], { green: 2 })],
        "dev",
        ["'services[0].scaledDown.green' is 2, expected 0 to autoscaling.minReplicas (1): a color is scaled down, never up"],
    ],
    [
        "blue held above the HPA minimum",
        [withField("dev", "services", [0, "scaledDown"], { blue: 2 }), "activeColor=green"],
        "dev",
        ["'services[0].scaledDown.blue' is 2, expected 0 to autoscaling.minReplicas (1): a color is scaled down, never up"],
    ],
    [
        "minReplicas above maxReplicas",
        [withField("dev", "services", [0, "autoscaling"], { minReplicas: 4, maxReplicas: 3 })],
        "dev",
        ["'services[0].autoscaling.minReplicas' is 4, expected ≤ maxReplicas (3)"],
    ],
    [
        "a canary in selector mode",
        [withField("dev", "services", [0, "trafficMode"], "selector"), "services=" + JSON.stringify([{ ...JSON.parse(rawConfig("dev").services)[0], trafficMode: "selector", canaryWeight: 5, scaledDown: {} }])],
        "dev",
        ["'services[0].canaryWeight' is 5, expected 0 with trafficMode \"selector\" (weighted canaries need trafficMode \"route\")"],
    ],
    [
        "two services with one name",
        [`services=${JSON.stringify(twoServices({ name: "app-api", namespace: "other", hostnames: ["other.dev.example.com"], previewHostname: "preview-other.dev.example.com" }))}`],
        "dev",
        ["'services' has two services named \"app-api\", expected unique names"],
    ],
    [
        "one hostname in two services (or as a preview)",
        [`services=${JSON.stringify(twoServices({ name: "web", hostnames: ["web.dev.example.com", "api.dev.example.com"], previewHostname: "preview-api.dev.example.com" }))}`],
        "dev",
        [
            "'services' routes hostname \"api.dev.example.com\" twice, expected each hostname in one service",
            "'services' routes hostname \"preview-api.dev.example.com\" twice, expected each hostname in one service",
        ],
    ],
    ...["default", "karpenter", "gateway-system", "kube-system", "kube-public"].map((ns): [string, string[], string, string[]] => [
        `the namespace ${ns}`,
        [withField("dev", "services", [0, "namespace"], ns)],
        "dev",
        [`'services[0].namespace' gives service app-api the namespace "${ns}", expected a namespace of its own (not default, kube-*, karpenter or the gateway's gateway-system)`],
    ]),
    [
        "a service named like a reserved namespace, without a namespace of its own",
        [withField("dev", "services", [0, "name"], "karpenter")],
        "dev",
        ["'services[0].name' gives service karpenter the namespace \"karpenter\", expected a namespace of its own (not default, kube-*, karpenter or the gateway's gateway-system)"],
    ],
    [
        "the gateway's own namespace, wherever it is",
        [withField("dev", "gateway", ["namespace"], "edge"), withField("dev", "services", [0, "namespace"], "edge")],
        "dev",
        ["'services[0].namespace' gives service app-api the namespace \"edge\", expected a namespace of its own (not default, kube-*, karpenter or the gateway's edge)"],
    ],
    [
        "two services in one namespace",
        [`services=${JSON.stringify(twoServices({ name: "web", namespace: "app-api", hostnames: ["web.dev.example.com"], previewHostname: "preview-web.dev.example.com" }))}`],
        "dev",
        ["'services[1].namespace' is \"app-api\" for service web, expected a namespace no other service uses (service app-api owns it: each service creates and labels its own namespace)"],
    ],
    [
        "hostnames the Gateway does not serve (one label under its wildcard)",
        [`services=${JSON.stringify([{ ...dev0(), hostnames: ["api.example.com", "a.b.dev.example.com"], previewHostname: "preview.example.org" }])}`],
        "dev",
        [
            "'services[0].hostnames[0]' is \"api.example.com\", expected a hostname the Gateway serves (gateway.hostname \"*.dev.example.com\")",
            "'services[0].hostnames[1]' is \"a.b.dev.example.com\", expected a hostname the Gateway serves (gateway.hostname \"*.dev.example.com\")",
            "'services[0].previewHostname' is \"preview.example.org\", expected a hostname the Gateway serves (gateway.hostname \"*.dev.example.com\")",
        ],
    ],
    [
        "switching to a color without an image",
        [withField("dev", "services", [0, "image", "green"], null), "activeColor=green"],
        "dev",
        [
            "'activeColor' is \"green\" for service app-api, expected a color with an image: services[0].image.green is not set",
            "'activeColor' is \"green\" for service app-api, expected a color that autoscales: services[0].scaledDown.green holds it at 1 (remove it and pulumi up to warm green before switching)",
        ],
    ],
    [
        "a per-service switch to a color without an image",
        [`services=${JSON.stringify([{ ...dev0(), activeColor: "green", scaledDown: {}, image: { ...dev0().image, green: null } }])}`],
        "dev",
        ["'services[0].activeColor' is \"green\" for service app-api, expected a color with an image: services[0].image.green is not set"],
    ],
    [
        "a per-service switch to a held color",
        [`services=${JSON.stringify([{ ...dev0(), activeColor: "green", scaledDown: { green: 0 } }])}`],
        "dev",
        ["'services[0].activeColor' is \"green\" for service app-api, expected a color that autoscales: services[0].scaledDown.green holds it at 0 (remove it and pulumi up to warm green before switching)"],
    ],
    [
        "a canary to an inactive color without an image",
        [`services=${JSON.stringify([{ ...dev0(), canaryWeight: 10, scaledDown: {}, image: { ...dev0().image, green: null } }])}`],
        "dev",
        ["'services[0].canaryWeight' is 10, expected 0 while the inactive color green has no image"],
    ],
    [
        "a canary to an inactive color held at 0",
        [`services=${JSON.stringify([{ ...dev0(), canaryWeight: 10, scaledDown: { green: 0 } }])}`],
        "dev",
        ["'services[0].canaryWeight' is 10, expected 0 while the inactive color green has 0 replicas"],
    ],
    [
        "a canary to blue while green is active and blue has no image",
        [`services=${JSON.stringify([{ ...dev0(), activeColor: "green", canaryWeight: 10, scaledDown: {}, image: { ...dev0().image, blue: null } }])}`],
        "dev",
        ["'services[0].canaryWeight' is 10, expected 0 while the inactive color blue has no image"],
    ],
    [
        "a private-only endpoint nobody can reach",
        ['clusterEndpoint={"publicAccess":false,"publicAccessCidrs":[]}'],
        "dev",
        [
            "'clusterEndpoint.privateAccessCidrs' is (missing), expected at least one source (here or in privateAccessSecurityGroupIds) when publicAccess is false: the endpoint is private only and pulumi reaches the API through it, so name the runner's network (a runner in the VPC, existingVpc with the runner's subnet, or a connected network) or first up with publicAccess limited to the runner's /32; README: Reaching a private cluster",
        ],
    ],
    [
        "no certificate and none issued",
        [withField("dev", "gateway", ["certificateArns"], [])],
        "dev",
        ["'gateway.certificateArns' is [], expected at least one ACM certificate ARN, or dns.createCertificate true"],
    ],
    [
        "a principal listed twice among the deployers",
        [`deployers=${JSON.stringify([{ principalArn: "arn:aws:iam::123456789012:role/a", access: "admin" }, { principalArn: "arn:aws:iam::123456789012:role/b", access: "view" }, { principalArn: "arn:aws:iam::123456789012:role/a", access: "view" }])}`],
        "dev",
        ["'deployers[2].principalArn' is \"arn:aws:iam::123456789012:role/a\", expected a principal listed once (deployers[0] lists it too; EKS allows one access entry per principal)"],
    ],
    [
        "no admin deployer and no creator admin",
        [`deployers=${JSON.stringify([{ principalArn: "arn:aws:iam::123456789012:role/a", access: "edit" }, { principalArn: "arn:aws:iam::123456789012:role/b", access: "view" }])}`],
        "dev",
        ["'deployers' has no principal with access \"admin\", expected one (the role that runs pulumi up) or clusterCreatorAdmin true: no access entry would let pulumi reach the Kubernetes API"],
    ],
    [
        "the deploy role listed and also the creator admin",
        ['deployIdentity={"roleArn":"arn:aws:iam::123456789012:role/platform-admin"}', "clusterCreatorAdmin=true"],
        "dev",
        ["'clusterCreatorAdmin' is true, expected false: the caller arn:aws:iam::123456789012:role/platform-admin (deployIdentity.roleArn) is deployers[3], and EKS allows one access entry per principal"],
    ],
    [
        "a deploy role with no access entry",
        ['deployIdentity={"roleArn":"arn:aws:iam::123456789012:role/elsewhere"}'],
        "dev",
        ["'deployIdentity.roleArn' is \"arn:aws:iam::123456789012:role/elsewhere\", expected a role listed in deployers (or clusterCreatorAdmin true): pulumi runs as it and needs an access entry"],
    ],
    [
        "the replaced adminPrincipalArns key",
        ['adminPrincipalArns=["arn:aws:iam::123456789012:role/platform-admin"]'],
        "dev",
        ['\'adminPrincipalArns\' was replaced by \'deployers\', expected each principal there as {"principalArn": "<arn>", "access": "admin"}'],
    ],
    [
        "a web ACL from another region",
        [withField("dev", "gateway", ["webAclArn"], "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/edge/a1b2c3d4-5678-90ab-cdef-000000000000")],
        "dev",
        ["'gateway.webAclArn' is in region us-east-1, expected a web ACL in the stack's region ap-northeast-2"],
    ],
    [
        "previews of an internet-facing Gateway in an existing VPC with no sources named",
        ['existingVpc={"vpcId":"vpc-0123abcd","publicSubnetIds":["subnet-0123abcd","subnet-4567cdef"],"privateSubnetIds":["subnet-89abcdef","subnet-01234567"]}'],
        "dev",
        ["'previewAccess.sourceCidrs' is [], expected the networks that may reach previews when existingVpc is set and the Gateway is internet-facing (clients in the VPC reach it from its NAT gateways' public IPs, which this stack does not know)"],
    ],
    [
        "a preview source listed twice",
        ['previewAccess={"sourceCidrs":["203.0.113.0/24","203.0.113.0/24"]}'],
        "dev",
        ["'previewAccess.sourceCidrs[1]' is \"203.0.113.0/24\", expected a CIDR not listed twice"],
    ],
    [
        "previews open to every network in prod",
        ['previewAccess={"sourceCidrs":["0.0.0.0/0"]}'],
        "prod",
        ["'previewAccess.sourceCidrs' contains \"0.0.0.0/0\", expected no preview open to every network in prod (it serves the color that is not live, with prod's permissions)"],
    ],
    [
        "DNS settings without a zone",
        ['dns={"createCertificate":true,"zoneName":"dev.example.com"}', withField("dev", "services", [0, "cutover"], { legacyDnsName: "legacy-1.ap-northeast-2.elb.amazonaws.com", legacyZoneId: "Z1R2F3H4K5L6M7", eksWeight: 10 })],
        "dev",
        [
            "'dns.createCertificate' is true, expected dns.zoneId to be set as well (the certificate is validated by records in that zone)",
            "'dns.zoneName' is \"dev.example.com\", expected dns.zoneId to be set as well (zoneName names that zone)",
            "'services[0].cutover' is set for service app-api, expected dns.zoneId to be set as well (the weighted records live in that zone)",
        ],
    ],
    [
        "an apex without an issued certificate, and under an exact hostname",
        ['dns={"zoneId":"Z1R2F3H4K5L6M7","includeApex":true}', withField("dev", "gateway", ["hostname"], "api.dev.example.com"), "services=[]"],
        "dev",
        [
            "'dns.includeApex' is true, expected false without dns.createCertificate (it only shapes the issued certificate)",
            "'dns.includeApex' is true, expected false with the exact gateway.hostname \"api.dev.example.com\" (an apex exists only under a wildcard)",
        ],
    ],
    [
        "26 certificates besides an issued one (the ALB takes 25 besides the default)",
        ['dns={"zoneId":"Z1R2F3H4K5L6M7","createCertificate":true}', withField("dev", "gateway", ["certificateArns"], Array.from({ length: 26 }, (_, i) => `arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-${String(i).padStart(12, "0")}`))],
        "dev",
        ["'gateway.certificateArns' has 26 certificates, expected at most 25 with dns.createCertificate (the issued certificate is the listener's default)"],
    ],
    [
        "an issued certificate's domain over ACM's 64 characters",
        ['dns={"zoneId":"Z1R2F3H4K5L6M7","createCertificate":true}', withField("dev", "gateway", ["hostname"], `*.${"d".repeat(52)}.example.com`), "services=[]"],
        "dev",
        [`'gateway.hostname' is "*.${"d".repeat(52)}.example.com", expected at most 64 characters to be an ACM certificate's domain name`],
    ],
    [
        "names the zone cannot hold",
        ['dns={"zoneId":"Z1R2F3H4K5L6M7","zoneName":"api.dev.example.com","createCertificate":true,"includeApex":true}'],
        "dev",
        [
            "'gateway.hostname' is \"*.dev.example.com\", expected a name the hosted zone api.dev.example.com can hold (dns.zoneName)",
            "'dns.includeApex' is \"dev.example.com\", expected a name the hosted zone api.dev.example.com can hold (dns.zoneName)",
            "'services[0].previewHostname' is \"preview-api.dev.example.com\", expected a name the hosted zone api.dev.example.com can hold (dns.zoneName)",
        ],
    ],
    [
        "names outside the zone named after the gateway hostname",
        ['dns={"zoneId":"Z1R2F3H4K5L6M7"}', withField("dev", "gateway", ["hostname"], "*.example.org"), `services=${JSON.stringify([{ ...dev0(), hostnames: ["api.example.org"], previewHostname: "preview.example.org" }])}`, 'dns={"zoneId":"Z1R2F3H4K5L6M7","zoneName":"example.com"}'],
        "dev",
        [
            "'services[0].hostnames[0]' is \"api.example.org\", expected a name the hosted zone example.com can hold (dns.zoneName)",
            "'services[0].previewHostname' is \"preview.example.org\", expected a name the hosted zone example.com can hold (dns.zoneName)",
        ],
    ],
    [
        "an API endpoint open to every network in prod",
        ['clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["203.0.113.0/24","0.0.0.0/0"]}'],
        "prod",
        ["'clusterEndpoint.publicAccessCidrs' contains \"0.0.0.0/0\", expected no open API endpoint in prod"],
    ],
];

function dev0(): Record<string, any> {
    return JSON.parse(rawConfig("dev").services)[0];
}

/** What parseStackConfig makes of a raw config map as given (no stack file, no declared types). */
function problemsOfRaw(raw: Record<string, string>): string[] {
    try {
        parseStackConfig(raw, PROJECT, "dev");
        return [];
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return [...err.problems];
    }
}

function twoServices(second: Record<string, Json>): Record<string, Json>[] {
    return [dev0(), { ...dev0(), scaledDown: {}, ...second }];
}

describe("cross-field refusals, each with its exact message", () => {
    test.each(REFUSALS)("%s", (_rule, set, stack, problems) => {
        expect(problemsOf(stack, ...set)).toEqual(problems);
    });

    test.each([
        ["system node group min = desired = max", ['systemNodeGroup={"instanceType":"t3.medium","desiredSize":3,"minSize":3,"maxSize":3}']],
        ["a public endpoint with one CIDR", ['clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["203.0.113.0/24"]}']],
        ["a private endpoint reached from the VPC", ['clusterEndpoint={"publicAccess":false,"publicAccessCidrs":[],"privateAccessCidrs":["10.0.0.0/16"]}']],
        ["a private endpoint reached from a network", ['clusterEndpoint={"publicAccess":false,"privateAccessCidrs":["10.0.0.0/8"]}']],
        ["a private endpoint reached from a security group", ['clusterEndpoint={"publicAccess":false,"privateAccessSecurityGroupIds":["sg-0123abcd"]}']],
        ["instance families with categories and sizes", [withField("dev", "nodePools", [0, "requirements"], { instanceFamilies: ["m7i"], instanceCategories: ["m"], instanceSizes: ["large"] })]],
        ["instance types alone", [withField("dev", "nodePools", [0, "requirements"], { instanceTypes: ["m7i.large"] })]],
        ["instance families alone", [withField("dev", "nodePools", [0, "requirements"], { instanceFamilies: ["m7i"] })]],
        ["a budget with both schedule and duration", [withField("dev", "nodePools", [0, "disruption", "budgets"], [{ nodes: "0", schedule: "@daily", duration: "8h" }])]],
        ["labels outside Karpenter's domains", [withField("dev", "nodePools", [0, "labels"], { team: "a", "example.com/tier": "b", "karpenter.sh.example.com/x": "c" })]],
        ["preStop one second shorter than the grace period", [withField("dev", "services", [0, "preStopSleepSeconds"], 44)]],
        ["a color held exactly at the HPA minimum", [withField("dev", "services", [0, "scaledDown"], { green: 1 })]],
        ["minReplicas = maxReplicas", [withField("dev", "services", [0, "autoscaling"], { minReplicas: 3, maxReplicas: 3 })]],
        ["a canary of 0 in selector mode", [`services=${JSON.stringify([{ ...dev0(), trafficMode: "selector" }])}`]],
        ["a canary to a warm inactive color", [`services=${JSON.stringify([{ ...dev0(), canaryWeight: 10, scaledDown: {} }])}`]],
        ["a second service in its own namespace", [`services=${JSON.stringify(twoServices({ name: "web", hostnames: ["web.dev.example.com"], previewHostname: "preview-web.dev.example.com" }))}`]],
        ["a namespace that merely starts with kube", [withField("dev", "services", [0, "namespace"], "kubeflow")]],
        ["a CIDR that is not 0.0.0.0/0 in prod", ['clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["0.0.0.0/1"]}']],
    ])("accepted: %s", (_what, set) => {
        const stack = set.some((s) => s.includes("0.0.0.0/1")) ? "prod" : "dev";
        expect(problemsOf(stack, ...set)).toEqual([]);
    });

    test("0.0.0.0/0 is allowed outside prod (dev and stage decide for themselves)", () => {
        expect(problemsOf("dev", 'clusterEndpoint={"publicAccess":true,"publicAccessCidrs":["0.0.0.0/0"]}')).toEqual([]);
    });

    test("every problem of every rule comes at once; schema problems first stop the cross-field rules", () => {
        // Two cross-field problems together.
        expect(problemsOf("dev", withField("dev", "gateway", ["certificateArns"], ["arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-4111-8111-111111111111"]), "activeColor=green", withField("dev", "services", [0, "image", "green"], null))).toEqual([
            "'gateway.certificateArns[0]' is in region us-east-1, expected a certificate in the stack's region ap-northeast-2",
            "'activeColor' is \"green\" for service app-api, expected a color with an image: services[0].image.green is not set",
            "'activeColor' is \"green\" for service app-api, expected a color that autoscales: services[0].scaledDown.green holds it at 1 (remove it and pulumi up to warm green before switching)",
        ]);
        // A schema problem: the cross-field rules (here the certificate region) are not reached.
        expect(problemsOf("dev", "region=us-east-1", "kubernetesVersion=1.2")).toEqual([`'kubernetesVersion' is "1.2", expected one of "1.34", "1.35", "1.36"`]);
    });
});

describe("defaults a stack gets for what it leaves out", () => {
    // A new stack: Pulumi.yaml's declared defaults (what the CLI hands the program for keys a stack file leaves out),
    // then the few keys that have no usable default.
    const declared = Object.fromEntries(
        Object.entries(projectDefaults()).map(([k, v]) => [k.slice(PROJECT.length + 1), v]),
    );
    const minimal: Record<string, string> = {
        ...declared,
        region: "ap-northeast-2",
        clusterName: "",
        kubernetesVersion: "1.35",
        tags: "{}",
        vpc: "{}",
        existingVpc: "null",
        // A private-only endpoint needs a source (the runner's network).
        clusterEndpoint: '{"privateAccessCidrs":["10.0.0.0/16"]}',
        systemNodeGroup: '{"instanceType":"t3.medium","desiredSize":2,"minSize":2,"maxSize":4}',
        deployers: '[{"principalArn":"arn:aws:iam::123456789012:role/ci/eks-platform-sandbox-deploy","access":"admin"}]',
        deletionProtection: "false",
        identityMode: "irsa",
        deployIdentity: "{}",
        versions: "{}",
        nodeClass: "{}",
        nodePools: '[{"name":"app","requirements":{"instanceCategories":["m"]}}]',
        gateway: '{"hostname":"*.example.com","certificateArns":["arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111"]}',
        previewAccess: "{}",
        dns: "{}",
        observability: "{}",
        notifications: "{}",
        services: JSON.stringify([
            {
                name: "app-api",
                hostnames: ["api.example.com"],
                previewHostname: "preview-api.example.com",
                image: { repository: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api", blue: "1.8.0" },
                autoscaling: { minReplicas: 2, maxReplicas: 20 },
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
            },
        ]),
    };
    const cfg = parseStackConfig(minimal, PROJECT, "sandbox");

    test("network and cluster: a /16 over three zones with one NAT gateway; a private endpoint; 50 GiB system disks", () => {
        expect(cfg.clusterName).toBe("service-sandbox");
        expect(cfg.vpc).toEqual({ cidrBlock: "10.0.0.0/16", availabilityZones: 3, natGateways: "Single" });
        expect(cfg.clusterEndpoint).toEqual({ publicAccess: false, publicAccessCidrs: [], privateAccessCidrs: ["10.0.0.0/16"], privateAccessSecurityGroupIds: [] });
        expect(cfg.existingVpc).toBeNull();
        expect(cfg.deployIdentity).toEqual({ profile: null, roleArn: null });
        expect(cfg.dns).toBeNull();
        expect(cfg.previewAccess).toEqual({ sourceCidrs: [] });
        expect(cfg.observability).toEqual({ containerInsights: true, containerLogs: true });
        expect(cfg.notifications).toEqual({ slack: null, teams: null });
        expect(cfg.systemNodeGroup.diskSizeGiB).toBe(50);
    });

    test("versions: Karpenter 1.14.1, AWS Load Balancer Controller 3.5.0, Gateway API v1.6.1", () => {
        expect(cfg.versions).toEqual({ karpenter: "1.14.1", awsLoadBalancerController: "3.5.0", gatewayApi: "v1.6.1" });
    });

    test("Karpenter: AL2023 latest with 50Gi roots; pools on amd64 on-demand, consolidating at once, 10% budget, 720h expiry", () => {
        expect(cfg.nodeClass).toEqual({ amiAlias: "al2023@latest", rootVolumeSize: "50Gi" });
        // Karpenter's own defaults: budgets [{nodes: 10%}], expireAfter 720h (karpenter.sh_nodepools.yaml v1.14.1).
        expect(cfg.nodePools).toEqual([
            {
                name: "app",
                requirements: { architectures: ["amd64"], capacityTypes: ["on-demand"], instanceCategories: ["m"] },
                labels: {},
                taints: [],
                limits: {},
                disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "0s", budgets: [{ nodes: "10%" }] },
                expireAfter: "720h",
            },
        ]);
    });

    test("a disruption block that sets one field keeps the defaults of the others", () => {
        const pools = parsedConfig("dev", withField("dev", "nodePools", [0, "disruption"], { consolidationPolicy: "WhenEmpty" })).nodePools;
        expect(pools[0].disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "0s", budgets: [{ nodes: "10%" }] });
    });

    test("gateway: the seed's public-gateway in gateway-system, internet-facing, TLS 1.3 policy, Selector routes, access logs on", () => {
        expect(cfg.gateway).toEqual({
            name: "public-gateway",
            namespace: "gateway-system",
            hostname: "*.example.com",
            certificateArns: ["arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-1111-4111-8111-111111111111"],
            scheme: "internet-facing",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            allowedRoutes: "Selector",
            accessLogs: { enabled: true, prefix: "", retentionDays: 90 },
            webAclArn: null,
        });
        const logs = parsedConfig("dev", withField("dev", "gateway", ["accessLogs"], { prefix: "alb" })).gateway.accessLogs;
        expect(logs).toEqual({ enabled: true, prefix: "alb", retentionDays: 90 });
    });

    test("service: the seed's port 8080, Spring Boot actuator probes, 60% CPU target, route mode, no canary, warm colors", () => {
        expect(cfg.services).toEqual([
            {
                name: "app-api",
                namespace: "app-api",
                hostnames: ["api.example.com"],
                previewHostname: "preview-api.example.com",
                port: 8080,
                image: { repository: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api", blue: "1.8.0", green: null },
                activeColor: "blue",
                inactiveColor: "green",
                identityMode: "irsa",
                trafficMode: "route",
                // Issue 21: alarms on the live color; issue 18: the guarded switch's limits; issue 16: no extra egress.
                alarms: { enabled: true, maxErrorRatePercent: 1, maxLatencyMs: 1000, maxUnhealthyHosts: 0, minRequestsPerMinute: 10 },
                switchGuard: { watchMinutes: 10, maxErrorRatePercent: 1, maxLatencyMs: 1000 },
                egress: [],
                canaryWeight: 0,
                autoscaling: { minReplicas: 2, maxReplicas: 20, targetCpuUtilization: 60 },
                scaledDown: {},
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
                env: {},
                probes: { readinessPath: "/actuator/health/readiness", livenessPath: "/actuator/health/liveness", periodSeconds: 10, startupFailureThreshold: 30 },
                terminationGracePeriodSeconds: 45,
                preStopSleepSeconds: 15,
                aws: { s3Buckets: [], secrets: [] },
            },
        ]);
    });

    test("a probes block that sets one field keeps the defaults of the others; probe paths start with /", () => {
        const services = parsedConfig("dev", withField("dev", "services", [0, "probes"], { periodSeconds: 5 })).services;
        expect(services[0].probes).toEqual({ readinessPath: "/actuator/health/readiness", livenessPath: "/actuator/health/liveness", periodSeconds: 5, startupFailureThreshold: 30 });
        expect(problemsOf("dev", withField("dev", "services", [0, "probes"], { readinessPath: "ready" }))).toEqual([
            `'services[0].probes.readinessPath' is "ready", expected an HTTP path such as /actuator/health/readiness`,
        ]);
        expect(problemsOf("dev", withField("dev", "services", [0, "probes"], { livenessPath: "live" }))).toEqual([
            `'services[0].probes.livenessPath' is "live", expected an HTTP path such as /actuator/health/liveness`,
        ]);
        const aws = parsedConfig("dev", withField("dev", "services", [0, "aws"], { identityMode: "podIdentity" })).services[0].aws;
        expect(aws).toEqual({ identityMode: "podIdentity", s3Buckets: [], secrets: [] });
    });

    test("resolved per service: namespace, colors and identity mode from the stack unless the service sets its own", () => {
        const own = parsedConfig(
            "dev",
            "identityMode=podIdentity",
            `services=${JSON.stringify([{ ...dev0(), namespace: "payments", activeColor: "green", scaledDown: {}, aws: { identityMode: "irsa" } }])}`,
        ).services[0];
        expect([own.namespace, own.activeColor, own.inactiveColor, own.identityMode]).toEqual(["payments", "green", "blue", "irsa"]);
        const inherited = parsedConfig("dev", "identityMode=podIdentity", "activeColor=blue").services[0];
        expect([inherited.namespace, inherited.activeColor, inherited.inactiveColor, inherited.identityMode]).toEqual(["app-api", "blue", "green", "podIdentity"]);
        expect(parsedConfig("dev", "clusterName=edge-1").clusterName).toBe("edge-1");
        expect(parsedConfig("dev", "clusterName=")).toMatchObject({ clusterName: "service-dev", project: "eks-platform", stack: "dev" });
    });
});

describe("how problems are worded", () => {
    test("ConfigError: one line, 'Invalid stack config: ' and the problems joined by '; '", () => {
        let error: unknown;
        try {
            parseStackConfig(rawConfig("dev", "region=moon-1", "activeColor=purple"), PROJECT, "dev");
        } catch (err) {
            error = err;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const e = error as ConfigError;
        expect(e.name).toBe("ConfigError");
        expect(e.problems).toEqual([`'region' is "moon-1", expected an AWS region such as ap-northeast-2`, `'activeColor' is "purple", expected one of "blue", "green"`]);
        expect(e.message).toBe(`Invalid stack config: 'region' is "moon-1", expected an AWS region such as ap-northeast-2; 'activeColor' is "purple", expected one of "blue", "green"`);
    });

    test("unknown keys: top-level ones named with the project namespace and the known keys listed; nested ones by path", () => {
        const known =
            "(known keys: region, clusterName, kubernetesVersion, tags, vpc, existingVpc, clusterEndpoint, clusterSupportType, controlPlaneLogRetentionDays, systemNodeGroup, deployers, clusterCreatorAdmin, deployIdentity, deletionProtection, allowReplacement, addonVersions, identityMode, versions, nodeClass, nodePools, createSpotServiceLinkedRole, gateway, previewAccess, dns, activeColor, services, allowPlaceholders, observability, notifications)";
        expect(problemsOf("dev", "activeColour=green", "regoin=x")).toEqual([`unknown key 'eks-platform:activeColour' ${known}; unknown key 'eks-platform:regoin' ${known}`]);
        expect(problemsOf("dev", 'vpc={"cidr":"10.0.0.0/16","zones":3}')).toEqual(["unknown key 'vpc.cidr'; unknown key 'vpc.zones'"]);
        expect(problemsOf("dev", withField("dev", "services", [0, "replicas"], 3))).toEqual(["unknown key 'services[0].replicas'"]);
    });

    test("a missing field, a wrong type, and JSON that does not parse", () => {
        expect(problemsOf("dev", withField("dev", "services", [0, "name"], undefined))).toEqual(["'services[0].name' is (missing), expected a value of type string"]);
        // A value of the wrong declared type stops at the CLI's own check (issue 11) before the program sees it.
        expect(() => problemsOf("dev", 'vpc="10.0.0.0/16"')).toThrow("Stack 'dev' with configuration key 'vpc' must be of type 'object'");
        // Straight to the config module (the stack loader already refuses a value of the wrong declared type).
        const raw = (edits: Record<string, string>) => problemsOfRaw({ ...rawConfig("dev"), ...edits });
        expect(raw({ vpc: '"10.0.0.0/16"' })).toEqual([`'vpc' is "10.0.0.0/16", expected a value of type object`]);
        expect(raw({ deletionProtection: "yes", vpc: "{" }).sort()).toEqual([
            `'deletionProtection' is "yes", expected a JSON value (object, list, number or boolean)`,
            `'vpc' is "{", expected a JSON value (object, list, number or boolean)`,
        ]);
        // The path through a value that is not an object shows as missing.
        expect(problemsOf("dev", withField("dev", "services", [0, "autoscaling"], null))).toEqual([
            "'services[0].autoscaling' is null, expected a value of type object",
        ]);
    });

    test("plain-string keys are taken as written, even when they look like JSON", () => {
        expect(problemsOf("dev", 'region="ap-northeast-2"')).toEqual([`'region' is "\\"ap-northeast-2\\"", expected an AWS region such as ap-northeast-2`]);
        expect(problemsOf("dev", "kubernetesVersion=1.35")).toEqual([]);
        expect(problemsOf("dev", "activeColor=green")).toEqual([
            "'activeColor' is \"green\" for service app-api, expected a color that autoscales: services[0].scaledDown.green holds it at 1 (remove it and pulumi up to warm green before switching)",
        ]);
    });
});
