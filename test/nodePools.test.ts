import { ec2NodeClassSpec, nodePoolSpec } from "../components/nodePools";
import { NodePoolConfig } from "../config";
import { find, k8sObjects, ofType, plan, planError, STACKS } from "./harness";
import { validateObjects } from "./models";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

/** A config entry as the schema's defaults leave it, with instance categories. */
function poolConfig(overrides: Partial<NodePoolConfig> = {}): NodePoolConfig {
    return {
        name: "general",
        requirements: { architectures: ["amd64"], capacityTypes: ["on-demand"], instanceCategories: ["c", "m"] },
        labels: {},
        taints: [],
        limits: {},
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "0s", budgets: [{ nodes: "10%" }] },
        expireAfter: "720h",
        ...overrides,
    };
}

function requirement(spec: Record<string, any>, key: string): { operator: string; values: string[] } | undefined {
    return spec.template.spec.requirements.find((r: { key: string }) => r.key === key);
}

describe("NodePools and EC2NodeClass from the plan", () => {
    test.each(STACKS)("%s: every NodePool and EC2NodeClass validates against the upstream v1 schemas", async (stack) => {
        const p = await plan(stack);
        const objects = [...k8sObjects(p, "EC2NodeClass"), ...k8sObjects(p, "NodePool")];
        expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["EC2NodeClass/default", "NodePool/app"]);
        expect(await validateObjects(objects)).toEqual([
            { kind: "EC2NodeClass", name: "default", error: null },
            { kind: "NodePool", name: "app", error: null },
        ]);
    });

    test.each([
        ["dev", "al2023@latest", "40Gi"],
        ["stage", "al2023@v20261101", "50Gi"],
        ["prod", "al2023@v20261101", "50Gi"],
    ])("%s: EC2NodeClass pins %s, discovers by tag, IMDSv2 hop 1, encrypted gp3 root of %s", async (stack, alias, size) => {
        const p = await plan(stack);
        const [nodeClass] = k8sObjects(p, "EC2NodeClass");
        expect(nodeClass.apiVersion).toBe("karpenter.k8s.aws/v1");
        const cluster = `service-${stack}`;
        expect(nodeClass.spec).toEqual({
            role: `${cluster}-karpenter-node`,
            amiSelectorTerms: [{ alias }],
            subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": cluster } }],
            securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": cluster } }],
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", rootVolume: true, ebs: { volumeSize: size, volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            ],
            tags: { environment: stack, owner: "platform", "eks-platform/cluster": cluster, "eks-platform/stack": stack },
        });
        expect(nodeClass.spec.instanceProfile).toBeUndefined();
    });

    test("prod: the seed pool is amd64, on-demand only, exactly the four m6i/m7i types, consolidating", async () => {
        const [pool] = k8sObjects(await plan("prod"), "NodePool");
        expect(pool.apiVersion).toBe("karpenter.sh/v1");
        expect(pool.metadata.name).toBe("app");
        expect(requirement(pool.spec, "karpenter.sh/capacity-type")).toEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
        expect(requirement(pool.spec, "node.kubernetes.io/instance-type")?.values).toEqual(["m6i.large", "m6i.xlarge", "m7i.large", "m7i.xlarge"]);
        expect(requirement(pool.spec, "kubernetes.io/arch")?.values).toEqual(["amd64"]);
        expect(requirement(pool.spec, "kubernetes.io/os")?.values).toEqual(["linux"]);
        expect(pool.spec.template.spec.requirements).toHaveLength(4);
        expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
        expect(pool.spec.template.spec.expireAfter).toBe("720h");
        expect(pool.spec.limits).toEqual({ cpu: "200", memory: "800Gi" });
        expect(pool.spec.disruption).toEqual({
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "5m",
            budgets: [{ nodes: "10%" }, { nodes: "0", schedule: "0 0 * * mon-fri", duration: "9h", reasons: ["Underutilized"] }],
        });
    });

    test("prod: the no-consolidation window is Seoul office hours, 09:00-18:00 Monday to Friday, though Karpenter reads it in UTC", async () => {
        const [pool] = k8sObjects(await plan("prod"), "NodePool");
        const window = pool.spec.disruption.budgets.find((b: { schedule?: string }) => b.schedule !== undefined);
        const [minute, hour, , , days] = window.schedule.split(" ");
        const hours = Number(/^(\d+)h$/.exec(window.duration)![1]);
        // Karpenter evaluates budget schedules in UTC (Karpenter docs, concepts/disruption). Place the window on a
        // week and read it on Seoul's clock from the time zone database, not from a hard-coded offset.
        const seoul = (date: Date) =>
            new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
        const weekdays = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4 } as const;
        expect(days).toBe("mon-fri");
        // 2026-11-30 is a Monday (UTC).
        const opens = Object.values(weekdays).map((d) => new Date(Date.UTC(2026, 10, 30 + d, Number(hour), Number(minute))));
        expect(opens.map(seoul)).toEqual(["Mon 09:00", "Tue 09:00", "Wed 09:00", "Thu 09:00", "Fri 09:00"]);
        expect(opens.map((o) => seoul(new Date(o.getTime() + hours * 3600_000)))).toEqual(["Mon 18:00", "Tue 18:00", "Wed 18:00", "Thu 18:00", "Fri 18:00"]);
    });

    test.each([
        ["dev", 1],
        ["stage", 1],
        ["prod", 0],
    ])("%s: the account's Spot service-linked role exactly when a pool allows spot (%i)", async (stack, count) => {
        const p = await plan(stack);
        const roles = ofType(p, "aws:iam/serviceLinkedRole:ServiceLinkedRole");
        // The service whose role is AWSServiceRoleForEC2Spot (EC2 user guide, "Service-linked role for Spot Instance requests").
        expect(roles.map((r) => r.inputs)).toEqual(Array(count).fill({ awsServiceName: "spot.amazonaws.com" }));
        // NodePools wait for it: Karpenter's first Spot launch would fail without it.
        for (const role of roles) for (const pool of ofType(p, NODE_POOL)) expect(pool.dependencies).toContain(role.urn);
        // The role is the account's (one AWSServiceRoleForEC2Spot per account, other stacks' Spot uses it): removing
        // the stack or its last Spot pool must leave it in place.
        for (const role of roles) expect(role.retainOnDelete).toBe(true);
    });

    test("one Spot pool among on-demand ones is enough to need the Spot service-linked role", async () => {
        const pools = [
            { name: "general", requirements: { capacityTypes: ["on-demand"], instanceCategories: ["m"] } },
            { name: "batch", requirements: { capacityTypes: ["spot"], instanceCategories: ["c"] } },
        ];
        const p = await plan("prod", `nodePools=${JSON.stringify(pools)}`);
        expect(ofType(p, "aws:iam/serviceLinkedRole:ServiceLinkedRole").map((r) => r.inputs)).toEqual([{ awsServiceName: "spot.amazonaws.com" }]);
    });

    test("createSpotServiceLinkedRole=false leaves an existing role alone (creating it again fails)", async () => {
        expect(ofType(await plan("dev", "createSpotServiceLinkedRole=false"), "aws:iam/serviceLinkedRole:ServiceLinkedRole")).toEqual([]);
    });

    test("stage: on-demand and spot from the same four types", async () => {
        const [pool] = k8sObjects(await plan("stage"), "NodePool");
        expect(requirement(pool.spec, "karpenter.sh/capacity-type")?.values).toEqual(["on-demand", "spot"]);
        expect(requirement(pool.spec, "node.kubernetes.io/instance-type")?.values).toEqual(["m6i.large", "m6i.xlarge", "m7i.large", "m7i.xlarge"]);
        expect(pool.spec.disruption.consolidateAfter).toBe("1m");
    });

    test("dev: spot allowed, both architectures, instance categories newer than generation 4", async () => {
        const [pool] = k8sObjects(await plan("dev"), "NodePool");
        expect(requirement(pool.spec, "karpenter.sh/capacity-type")?.values).toEqual(["spot", "on-demand"]);
        expect(requirement(pool.spec, "kubernetes.io/arch")?.values).toEqual(["amd64", "arm64"]);
        expect(requirement(pool.spec, "karpenter.k8s.aws/instance-category")?.values).toEqual(["c", "m", "r", "t"]);
        expect(requirement(pool.spec, "karpenter.k8s.aws/instance-generation")).toEqual({ key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["4"] });
        expect(requirement(pool.spec, "node.kubernetes.io/instance-type")).toBeUndefined();
        expect(pool.spec.template.spec.expireAfter).toBe("168h");
        expect(pool.spec.disruption.budgets).toEqual([{ nodes: "20%" }]);
    });

    test.each(STACKS)("%s: NodePools and the EC2NodeClass depend on the CRD chart and the controller", async (stack) => {
        const p = await plan(stack);
        const crds = find(p, "kubernetes:helm.sh/v4:Chart", "karpenter-crds").urn;
        const controller = find(p, "kubernetes:helm.sh/v3:Release", "karpenter-controller").urn;
        const nodeClass = find(p, NODE_CLASS, "node-pools-default");
        expect(nodeClass.dependencies).toEqual(expect.arrayContaining([crds, controller]));
        const pools = ofType(p, NODE_POOL);
        expect(pools).toHaveLength(1);
        for (const pool of pools) expect(pool.dependencies).toEqual(expect.arrayContaining([crds, controller, nodeClass.urn]));
        // The class names the node role only once the role is usable (policies attached, access entry in place).
        expect(nodeClass.dependencies).toContain(find(p, "aws:eks/accessEntry:AccessEntry", "karpenter-node").urn);
    });

    test("several pools from config, each its own NodePool keyed by name, all valid", async () => {
        const pools = [
            { name: "general", requirements: { instanceFamilies: ["m7i", "c7i"], instanceSizes: ["large", "xlarge"] }, weight: 50 },
            {
                name: "batch",
                requirements: { capacityTypes: ["spot"], instanceCategories: ["c"], zones: ["ap-northeast-2a", "ap-northeast-2c"] },
                labels: { workload: "batch" },
                taints: [{ key: "workload", value: "batch", effect: "NoSchedule" }],
                disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "Never" },
                expireAfter: "Never",
            },
        ];
        const p = await plan("dev", `nodePools=${JSON.stringify(pools)}`);
        const objects = k8sObjects(p, "NodePool");
        expect(objects.map((o) => o.metadata.name)).toEqual(["general", "batch"]);
        expect(ofType(p, NODE_POOL).map((r) => r.name)).toEqual(["node-pools-general", "node-pools-batch"]);
        expect((await validateObjects(objects)).map((r) => r.error)).toEqual([null, null]);
        const [general, batch] = objects;
        expect(general.spec.weight).toBe(50);
        expect(requirement(general.spec, "karpenter.k8s.aws/instance-family")?.values).toEqual(["m7i", "c7i"]);
        expect(requirement(general.spec, "karpenter.k8s.aws/instance-size")?.values).toEqual(["large", "xlarge"]);
        expect(requirement(batch.spec, "topology.kubernetes.io/zone")?.values).toEqual(["ap-northeast-2a", "ap-northeast-2c"]);
        expect(batch.spec.template.metadata).toEqual({ labels: { workload: "batch" } });
        expect(batch.spec.template.spec.taints).toEqual([{ key: "workload", value: "batch", effect: "NoSchedule" }]);
        expect(batch.spec.disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "Never", budgets: [{ nodes: "10%" }] });
        expect(batch.spec.template.spec.expireAfter).toBe("Never");
        expect(batch.spec.limits).toBeUndefined();
    });
});

describe("NodePool builders", () => {
    test("defaults where config is silent match upstream's (10% budget, 720h, on-demand, linux)", () => {
        const spec = nodePoolSpec(poolConfig(), "default");
        expect(spec.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "0s", budgets: [{ nodes: "10%" }] });
        expect(spec.template.spec.expireAfter).toBe("720h");
        expect(spec.template.spec.requirements).toEqual([
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
        ]);
        expect(spec.weight).toBeUndefined();
        expect(spec.limits).toBeUndefined();
        expect(spec.template.metadata).toBeUndefined();
        expect(spec.template.spec.taints).toBeUndefined();
    });

    test("builders never mutate the config they are given", () => {
        const cfg = poolConfig({ labels: { team: "a" }, taints: [{ key: "k", effect: "NoSchedule" }] });
        const before = JSON.stringify(cfg);
        const spec = nodePoolSpec(cfg, "default");
        spec.template.spec.requirements[0].values?.push("arm64");
        expect(JSON.stringify(cfg)).toBe(before);
    });

    test("the upstream validators reject what Karpenter would reject (the checks can fail)", async () => {
        const nodeClass = {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: "bad" },
            spec: {
                ...ec2NodeClassSpec({
                    clusterName: "c",
                    stack: "s",
                    role: "r",
                    nodeClass: { amiAlias: "al2023@latest", rootVolumeSize: "20Gi" },
                    tags: {},
                }),
                metadataOptions: { httpTokens: "sometimes" },
            },
        };
        const pool = { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "bad" }, spec: { ...nodePoolSpec(poolConfig(), "default"), weight: 0 } };
        const results = await validateObjects([nodeClass, pool]);
        expect(results.map((r) => r.error)).toEqual([expect.stringContaining("httpTokens"), expect.stringContaining("weight")]);
    });
});

describe("nodePools config validation", () => {
    const pool = (overrides: object) => `nodePools=${JSON.stringify([{ name: "app", requirements: { instanceCategories: ["m"] }, ...overrides }])}`;

    test.each([
        ["an unknown capacity type", pool({ requirements: { capacityTypes: ["preemptible"], instanceCategories: ["m"] } }), "'nodePools[0].requirements.capacityTypes[0]' is \"preemptible\", expected one of \"on-demand\", \"spot\""],
        ["empty requirements", pool({ requirements: {} }), "'nodePools[0].requirements' is {}, expected at least one of instanceTypes, instanceFamilies or instanceCategories"],
        ["a limit that is not a quantity", pool({ limits: { cpu: "lots" } }), "'nodePools[0].limits.cpu' is \"lots\", expected a Kubernetes quantity"],
        ["consolidateAfter that is not a duration", pool({ disruption: { consolidateAfter: "5 minutes" } }), "'nodePools[0].disruption.consolidateAfter' is \"5 minutes\", expected a duration"],
        ["a budget duration in seconds", pool({ disruption: { budgets: [{ nodes: "0", schedule: "@daily", duration: "30s" }] } }), "'nodePools[0].disruption.budgets[0].duration' is \"30s\""],
        ["a label in Karpenter's domain", pool({ labels: { "karpenter.sh/nodepool": "x" } }), "'nodePools[0].labels.karpenter.sh/nodepool' is \"x\", expected a label key Karpenter allows"],
        ["weight 0", pool({ weight: 0 }), "'nodePools[0].weight' is 0, expected ≥ 1"],
        ["two pools with the same name", `nodePools=${JSON.stringify([{ name: "app", requirements: { instanceCategories: ["m"] } }, { name: "app", requirements: { instanceCategories: ["c"] } }])}`, "'nodePools' has two pools named \"app\", expected unique names"],
    ])("%s is a config error naming the key", async (_what, assignment, message) => {
        const err = await planError("dev", assignment);
        expect(err.message).toContain("Invalid stack config");
        expect(err.message).toContain(message);
        expect((err as Error & { registered?: string[] }).registered ?? []).not.toContain(NODE_POOL);
    });
});
