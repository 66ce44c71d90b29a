import {
    backendWeights,
    colorSize,
    deploymentSpec,
    hpaSpec,
    imageReference,
    pdbSpec,
    previewAccessConfiguration,
    previewRoute,
    routeRules,
    targetGroupConfiguration,
} from "../components/blueGreenService";
import { ServiceConfig, parseStackConfig } from "../config";
import { diffPlans, ResourceChange } from "../plan/render";
import { stackConfig } from "../plan/stackConfig";
import { find, inputsOf, k8sObjects, plan, planError, STACKS } from "./harness";
import { validateObjects } from "./models";

const PROJECT = "eks-platform";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PARENT_REF = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public-gateway", namespace: "gateway-system", sectionName: "https" };

/** Plain JSON of a builder's result (builders return SDK input types; their values are plain). */
function plain(value: unknown): Record<string, any> {
    return JSON.parse(JSON.stringify(value)) as Record<string, any>;
}

/** The `services` list of a stack file, as JSON values. */
function servicesOf(stack: string): Record<string, any>[] {
    return JSON.parse(stackConfig(stack)[`${PROJECT}:services`]) as Record<string, any>[];
}

/** `services=<json>` with the first service of `stack` changed by `edit`. */
function withService(stack: string, edit: (s: Record<string, any>) => void, extra: (list: Record<string, any>[]) => void = () => undefined): string {
    const list = servicesOf(stack);
    edit(list[0]);
    extra(list);
    return `services=${JSON.stringify(list)}`;
}

/** The resolved config of the first service of a stack, with `key=value` overrides. */
function serviceConfig(stack: string, ...set: string[]): ServiceConfig {
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(stackConfig(stack, set))) if (k.startsWith(`${PROJECT}:`)) raw[k.slice(PROJECT.length + 1)] = v;
    return parseStackConfig(raw, PROJECT, stack).services[0];
}

/**
 * Monitoring follows the traffic: a switch also moves the live color's alarms and redraws the dashboard (its header
 * shows the live color and the weights). test/observability.test.ts checks those changes; here only what runs and routes.
 */
const MONITORING = /^aws:cloudwatch\/(dashboard|metricAlarm):/;

function summary(changes: readonly ResourceChange[]): string[] {
    return changes.filter((c) => !MONITORING.test(c.type)).map((c) => `${c.op} ${c.type} ${c.name}`).sort();
}

function fields(changes: readonly ResourceChange[], name: string): Record<string, [unknown, unknown]> {
    const change = changes.find((c) => c.name === name);
    if (!change) throw new Error(`no change for ${name}: ${summary(changes).join(", ")}`);
    return Object.fromEntries(change.changes.map((f) => [f.path, [f.before, f.after]]));
}

describe("switching safety (offline plan diffs)", () => {
    test("prod: activeColor=green changes only the HTTPRoutes: main weights swap, preview follows the inactive color", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", "activeColor=green"));
        expect(summary(changes)).toEqual([`update ${ROUTE} app-api-preview`, `update ${ROUTE} app-api-route`]);
        expect(fields(changes, "app-api-route")).toEqual({
            "spec.rules[0].backendRefs[0].weight": [100, 0],
            "spec.rules[0].backendRefs[1].weight": [0, 100],
        });
        expect(fields(changes, "app-api-preview")).toEqual({ "spec.rules[0].backendRefs[0].name": ["app-api-green", "app-api-blue"] });
    });

    test.each(["stage", "prod"])("%s: switching back is the exact inverse (rollback)", async (stack) => {
        const there = diffPlans(await plan(stack), await plan(stack, "activeColor=green"));
        const back = diffPlans(await plan(stack, "activeColor=green"), await plan(stack));
        expect(summary(back)).toEqual(summary(there));
        for (const c of there) expect(fields(back, c.name)).toEqual(Object.fromEntries(c.changes.map((f) => [f.path, [f.after, f.before]])));
    });

    test("prod: a per-service activeColor overrides the stack's and switches the same way", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", withService("prod", (s) => (s.activeColor = "green"))));
        expect(summary(changes)).toEqual([`update ${ROUTE} app-api-preview`, `update ${ROUTE} app-api-route`]);
    });

    test("prod: canaryWeight changes only the main route's weights", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", withService("prod", (s) => (s.canaryWeight = 10))));
        expect(summary(changes)).toEqual([`update ${ROUTE} app-api-route`]);
        expect(fields(changes, "app-api-route")).toEqual({
            "spec.rules[0].backendRefs[0].weight": [100, 90],
            "spec.rules[0].backendRefs[1].weight": [0, 10],
        });
    });

    test("prod: a new image on the inactive color changes only that color's Deployment (its image)", async () => {
        const changes = diffPlans(await plan("prod"), await plan("prod", withService("prod", (s) => (s.image.green = "1.9.0"))));
        expect(summary(changes)).toEqual([`update ${DEPLOYMENT} app-api-green`]);
        expect(fields(changes, "app-api-green")).toEqual({
            "spec.template.spec.containers[0].image": [
                "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.9.0",
            ],
        });
    });

    test("prod: giving a color its first image creates its Deployment, HPA, PDB and preview route; the main route keeps its shape", async () => {
        const noGreen = withService("prod", (s) => (s.image.green = null));
        const changes = diffPlans(await plan("prod", noGreen), await plan("prod"));
        expect([...summary(changes)].sort()).toEqual([
            "create kubernetes:apps/v1:Deployment app-api-green",
            "create kubernetes:autoscaling/v2:HorizontalPodAutoscaler app-api-green",
            "create kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration app-api-preview-access",
            `create ${ROUTE} app-api-preview`,
            "create kubernetes:policy/v1:PodDisruptionBudget app-api-green",
        ]);
        const p = await plan("prod", noGreen);
        expect(k8sObjects(p, "Deployment").map((d) => d.metadata.name)).toEqual(["app-api-blue"]);
        expect(k8sObjects(p, "Service").map((s) => s.metadata.name).sort()).toEqual(["app-api-blue", "app-api-green"]);
        expect(inputsOf(p, ROUTE, "app-api-route").spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight)).toEqual([100, 0]);
    });

    test("selector mode: a switch changes only the stable Service's selector and the preview route", async () => {
        const selector = withService("prod", (s) => (s.trafficMode = "selector"));
        const before = await plan("prod", selector);
        const route = inputsOf(before, ROUTE, "app-api-route");
        expect(route.spec.rules[0].backendRefs).toEqual([{ group: "", kind: "Service", name: "app-api", port: 80 }]);
        expect(inputsOf(before, "kubernetes:core/v1:Service", "app-api-stable").spec.selector).toEqual({ app: "app-api", color: "blue" });
        const changes = diffPlans(before, await plan("prod", selector, "activeColor=green"));
        expect(summary(changes)).toEqual(["update kubernetes:core/v1:Service app-api-stable", `update ${ROUTE} app-api-preview`]);
        expect(fields(changes, "app-api-stable")).toEqual({ "spec.selector.color": ["blue", "green"] });
    });

    test("dev (green held at 1): switching to green is refused until it autoscales again; then only the routes change", async () => {
        const err = await planError("dev", "activeColor=green");
        expect(err.message).toMatch(
            /'activeColor' is "green" for service app-api, expected a color that autoscales: services\[0\]\.scaledDown\.green holds it at 1/,
        );
        const warm = withService("dev", (s) => delete s.scaledDown);
        // Releasing the hold is its own step: only green's HPA changes.
        const release = diffPlans(await plan("dev"), await plan("dev", warm));
        expect(summary(release)).toEqual(["update kubernetes:autoscaling/v2:HorizontalPodAutoscaler app-api-green"]);
        expect(fields(release, "app-api-green")).toEqual({ "spec.maxReplicas": [1, 3] });
        const changes = diffPlans(await plan("dev", warm), await plan("dev", warm, "activeColor=green"));
        expect(summary(changes)).toEqual([`update ${ROUTE} app-api-preview`, `update ${ROUTE} app-api-route`]);
    });

    test("a color held at 0: no preview route, switching to it is refused, warming it changes only its Deployment and adds the preview", async () => {
        const cold = withService("prod", (s) => (s.scaledDown = { green: 0 }));
        const coldPlan = await plan("prod", cold, 'dns={"zoneId":"Z0123456789ABCDEFGHIJ"}');
        expect(inputsOf(coldPlan, DEPLOYMENT, "app-api-green").spec.replicas).toBe(0);
        expect(inputsOf(coldPlan, DEPLOYMENT, "app-api-blue").spec.replicas).toBeUndefined();
        // A cold color has nothing to preview: no preview route, no preview URL (even with its DNS record managed).
        expect(coldPlan.resources.filter((r) => r.type === ROUTE && r.name === "app-api-preview")).toEqual([]);
        expect((coldPlan.outputs.services as Record<string, { previewUrl: string | null }>)["app-api"].previewUrl).toBeNull();
        expect((await planError("prod", cold, "activeColor=green")).message).toMatch(/services\[0\]\.scaledDown\.green holds it at 0/);
        const warming = diffPlans(coldPlan, await plan("prod", 'dns={"zoneId":"Z0123456789ABCDEFGHIJ"}'));
        expect(summary(warming)).toEqual([
            "create kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration app-api-preview-access",
            `create ${ROUTE} app-api-preview`,
            `update ${DEPLOYMENT} app-api-green`,
        ]);
        expect(fields(warming, "app-api-green")).toEqual({ "spec.replicas": [0, undefined] });
    });

    test("routes wait for both colors' Services, TargetGroupConfigurations and Deployments", async () => {
        const p = await plan("prod");
        const route = p.resources.find((r) => r.type === ROUTE && r.name === "app-api-route");
        const urns = (type: string) => p.resources.filter((r) => r.type === type && r.name.startsWith("app-api-")).map((r) => r.urn);
        for (const type of [DEPLOYMENT, "kubernetes:core/v1:Service", "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration"]) {
            expect(urns(type)).toHaveLength(2);
            for (const urn of urns(type)) expect(route?.dependencies).toContain(urn);
        }
    });

    test("pods are created after the load balancer controller, so its webhook injects their readiness gates", async () => {
        const p = await plan("prod");
        const release = p.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name.startsWith("aws-load-balancer-controller"));
        expect(release).toBeDefined();
        for (const d of p.resources.filter((r) => r.type === DEPLOYMENT && r.name.startsWith("app-api-"))) {
            expect(d.dependencies).toContain(release!.urn);
        }
    });
});

describe("schema validation of every rendered object", () => {
    test("Deployments, Services, HPAs, PDBs, HTTPRoutes (and Namespace, ServiceAccount) of dev, stage and prod", async () => {
        const kinds = ["Namespace", "ServiceAccount", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "HTTPRoute"];
        const objects: Record<string, any>[] = [];
        for (const stack of STACKS) {
            const p = await plan(stack);
            for (const kind of kinds) {
                const own = k8sObjects(p, kind).filter((o) => o.metadata?.namespace === "app-api" || o.metadata?.name === "app-api");
                expect(own.length).toBeGreaterThan(0);
                objects.push(...own);
            }
        }
        // Selector mode adds the stable Service; a canary and a cold inactive color change weights and replicas.
        const variants = await plan("prod", withService("prod", (s) => Object.assign(s, { trafficMode: "selector", scaledDown: { green: 0 } })));
        objects.push(...k8sObjects(variants, "Service"), ...k8sObjects(variants, "Deployment"), ...k8sObjects(variants, "HTTPRoute"));
        objects.push(...k8sObjects(await plan("prod", withService("prod", (s) => (s.canaryWeight = 25))), "HTTPRoute"));

        const results = await validateObjects(objects);
        expect(results).toHaveLength(objects.length);
        expect(results.filter((r) => r.error !== null)).toEqual([]);
    });

    test("TargetGroupConfigurations: ip targets, readiness health check, healthy threshold 2, 30 s deregistration", async () => {
        const p = await plan("prod");
        const tgcs = k8sObjects(p, "TargetGroupConfiguration").filter((o) => o.metadata.namespace === "app-api");
        expect(tgcs.map((t) => t.metadata.name).sort()).toEqual(["app-api-blue", "app-api-green"]);
        for (const t of tgcs) {
            expect(t.apiVersion).toBe("gateway.k8s.aws/v1");
            expect(t.spec.targetReference).toEqual({ group: "", kind: "Service", name: t.metadata.name });
            // Every field written out: the seed's readiness path and port; 10 s interval, 5 s timeout (the ALB default
            // for HTTP), healthy after 2 checks (ALB default 5), unhealthy after 2, success on 200; deregistration
            // delay 30 s instead of the ALB default 300 s.
            expect(t.spec.defaultConfiguration).toEqual({
                targetType: "ip",
                protocol: "HTTP",
                healthCheckConfig: {
                    healthCheckPath: "/actuator/health/readiness",
                    healthCheckPort: "8080",
                    healthCheckProtocol: "HTTP",
                    healthCheckInterval: 10,
                    healthCheckTimeout: 5,
                    healthyThresholdCount: 2,
                    unhealthyThresholdCount: 2,
                    matcher: { httpCode: "200" },
                },
                targetGroupAttributes: [{ key: "deregistration_delay.timeout_seconds", value: "30" }],
            });
        }
    });
});

describe("builders", () => {
    const prod = serviceConfig("prod");

    test("Deployment: labels app + color, fixed selector, image per color, no replicas (the HPA owns them)", () => {
        const d = plain(deploymentSpec(prod, "green"));
        expect(d.selector).toEqual({ matchLabels: { app: "app-api", color: "green" } });
        expect(d.template.metadata.labels).toMatchObject({ app: "app-api", color: "green" });
        expect(d.replicas).toBeUndefined();
        expect(d.template.spec.containers[0].image).toBe("123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0");
        expect(d.template.spec.serviceAccountName).toBe("app-api");
        expect(d.template.spec.containers[0].env).toEqual([{ name: "SPRING_PROFILES_ACTIVE", value: "prod" }]);
        expect(() => deploymentSpec({ ...prod, image: { ...prod.image, green: null } }, "green")).toThrow(/no image for green/);
    });

    test("Deployment is identical whichever color is active (default: warm inactive color)", () => {
        const flipped: ServiceConfig = { ...prod, activeColor: "green", inactiveColor: "blue" };
        for (const color of ["blue", "green"] as const) {
            expect(plain(deploymentSpec(flipped, color))).toEqual(plain(deploymentSpec(prod, color)));
            expect(plain(hpaSpec(flipped, color))).toEqual(plain(hpaSpec(prod, color)));
            expect(plain(pdbSpec(flipped, color))).toEqual(plain(pdbSpec(prod, color)));
        }
    });

    test("image digests use @sha256", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        expect(imageReference("r.example.com/app", digest)).toBe(`r.example.com/app@${digest}`);
        expect(imageReference("r.example.com/app", "1.2.3")).toBe("r.example.com/app:1.2.3");
    });

    test("probes: readiness on the readiness path and port, liveness, and a startup probe that covers warm-up", () => {
        const c = plain(deploymentSpec(prod, "blue")).template.spec.containers[0];
        expect(c.readinessProbe.httpGet).toEqual({ path: "/actuator/health/readiness", port: 8080, scheme: "HTTP" });
        expect(c.livenessProbe.httpGet).toEqual({ path: "/actuator/health/liveness", port: 8080, scheme: "HTTP" });
        expect(c.startupProbe.httpGet.path).toBe("/actuator/health/liveness");
        expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBe(300);
        expect(c.readinessProbe.initialDelaySeconds).toBeUndefined();
        expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    });

    test("restricted security context, read-only root with a writable /tmp, graceful shutdown", () => {
        const pod = plain(deploymentSpec(prod, "blue")).template.spec;
        const c = pod.containers[0];
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        expect(c.securityContext).toEqual({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(c.lifecycle.preStop.sleep.seconds).toBeLessThan(pod.terminationGracePeriodSeconds);
        expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } });
    });

    test("topology spread across zones and hosts, per color", () => {
        const spread = plain(deploymentSpec(prod, "blue")).template.spec.topologySpreadConstraints;
        expect(spread.map((s: { topologyKey: string }) => s.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        for (const s of spread) expect(s.labelSelector).toEqual({ matchLabels: { app: "app-api", color: "blue" } });
    });

    test("HPA per color: autoscaling/v2 on CPU with the configured bounds (seed: 60%)", () => {
        expect(plain(hpaSpec(prod, "green"))).toEqual({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "app-api-green" },
            minReplicas: 4,
            maxReplicas: 20,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
        });
    });

    test("a service that leaves targetCpuUtilization out scales at 60% CPU, the seed's HPA target", async () => {
        const p = await plan("prod", withService("prod", (s) => delete s.autoscaling.targetCpuUtilization));
        for (const color of ["blue", "green"]) {
            expect(inputsOf(p, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", `app-api-${color}`).spec.metrics).toEqual([
                { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
            ]);
        }
    });

    test("minReplicas equal to maxReplicas is a fixed size, not a refusal", async () => {
        const p = await plan("prod", withService("prod", (s) => Object.assign(s.autoscaling, { minReplicas: 4, maxReplicas: 4 })));
        const hpa = inputsOf(p, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "app-api-blue").spec;
        expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([4, 4]);
    });

    test("PDB always allows at least one voluntary disruption, even at one replica", () => {
        for (const service of [prod, serviceConfig("dev")]) {
            const pdb = plain(pdbSpec(service, "blue"));
            expect(pdb.maxUnavailable).toBe(1);
            expect(pdb.minAvailable).toBeUndefined();
            expect(pdb.unhealthyPodEvictionPolicy).toBe("AlwaysAllow");
        }
    });

    test("color size: autoscaling by default, held by scaledDown, never dependent on the active color", () => {
        expect(colorSize(prod, "green")).toEqual({ minReplicas: 4, maxReplicas: 20 });
        expect(colorSize({ ...prod, scaledDown: { green: 2 } }, "green")).toEqual({ minReplicas: 2, maxReplicas: 2 });
        expect(colorSize({ ...prod, scaledDown: { green: 2 } }, "blue")).toEqual({ minReplicas: 4, maxReplicas: 20 });
        expect(colorSize({ ...prod, scaledDown: { green: 0 } }, "green")).toEqual({ replicas: 0, minReplicas: 4, maxReplicas: 20 });
        expect(colorSize({ ...prod, activeColor: "green", inactiveColor: "blue", scaledDown: { blue: 2 } }, "blue")).toEqual(
            colorSize({ ...prod, scaledDown: { blue: 2 } }, "blue"),
        );
        expect(plain(deploymentSpec({ ...prod, scaledDown: { green: 0 } }, "green")).replicas).toBe(0);
    });

    test("weights: 100/0 on the active color, the canary share on the inactive one, never all 0", () => {
        expect(backendWeights({ activeColor: "blue", canaryWeight: 0 })).toEqual({ blue: 100, green: 0 });
        expect(backendWeights({ activeColor: "green", canaryWeight: 0 })).toEqual({ blue: 0, green: 100 });
        expect(backendWeights({ activeColor: "blue", canaryWeight: 10 })).toEqual({ blue: 90, green: 10 });
        expect(backendWeights({ activeColor: "green", canaryWeight: 99 })).toEqual({ blue: 99, green: 1 });
        // Every allowed canary share (0–99): the active color keeps the rest, so the ALB always has a forward target.
        for (let canary = 0; canary <= 99; canary++) {
            expect(backendWeights({ activeColor: "blue", canaryWeight: canary })).toEqual({ blue: 100 - canary, green: canary });
        }
        const rule = routeRules(prod)[0];
        expect(rule.backendRefs).toEqual([
            { group: "", kind: "Service", name: "app-api-blue", port: 80, weight: 100 },
            { group: "", kind: "Service", name: "app-api-green", port: 80, weight: 0 },
        ]);
    });

    test("preview route: the preview hostname on the shared Gateway's HTTPS listener, to the inactive color", () => {
        const route = previewRoute(prod, PARENT_REF);
        expect(route.spec.hostnames).toEqual(["preview-api.example.com"]);
        expect(route.spec.parentRefs).toEqual([PARENT_REF]);
        expect(route.spec.rules?.[0].backendRefs).toEqual([{ group: "", kind: "Service", name: "app-api-green", port: 80 }]);
        const flipped = previewRoute({ ...prod, activeColor: "green", inactiveColor: "blue" }, PARENT_REF);
        expect(flipped.spec.rules?.[0].backendRefs?.[0].name).toBe("app-api-blue");
    });

    test("TargetGroupConfiguration targets its Service by name", () => {
        const t = targetGroupConfiguration(prod, "app-api-blue", {});
        expect(t.spec.targetReference).toEqual({ group: "", kind: "Service", name: "app-api-blue" });
        expect(t.metadata.namespace).toBe("app-api");
    });

    test("the main route attaches to the Gateway from the plan, and the namespace admits it", async () => {
        const p = await plan("prod");
        const route = inputsOf(p, ROUTE, "app-api-route");
        expect(route.spec.parentRefs).toEqual([PARENT_REF]);
        expect(route.spec.hostnames).toEqual(["api.example.com"]);
        const ns = k8sObjects(p, "Namespace").find((n) => n.metadata.name === "app-api");
        expect(ns?.metadata.labels).toMatchObject({
            "platform/gateway-routes": "enabled",
            "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
            "pod-security.kubernetes.io/enforce": "restricted",
        });
    });

    test("stack outputs per service: active color, image per color, public and preview URL where the stack writes DNS", async () => {
        const p = await plan("prod", "activeColor=green", 'dns={"zoneId":"Z0123456789ABCDEFGHIJ"}');
        expect(p.outputs.services).toEqual({
            "app-api": {
                activeColor: "green",
                images: {
                    blue: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                    green: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                },
                url: "https://api.example.com",
                previewUrl: "https://preview-api.example.com",
                pointAtAlbDnsName: [],
                dnsWeights: null,
            },
        });
    });
});

describe("refusals: a config error naming the key, before anything is registered", () => {
    const cases: [string, string[], RegExp][] = [
        ["activeColor other than blue/green", ["activeColor=purple"], /'activeColor' is "purple", expected one of "blue", "green"/],
        ["per-service activeColor other than blue/green", [withService("prod", (s) => (s.activeColor = "purple"))], /'services\[0\]\.activeColor' is "purple"/],
        ["switching to a color with no image", [withService("prod", (s) => (s.image.green = null)), "activeColor=green"], /'activeColor' is "green" for service app-api, expected a color with an image: services\[0\]\.image\.green is not set/],
        ["a per-service switch to a color with no image", [withService("prod", (s) => Object.assign(s, { activeColor: "green", image: { ...s.image, green: null } }))], /'services\[0\]\.activeColor' is "green"/],
        ["canaryWeight 100", [withService("prod", (s) => (s.canaryWeight = 100))], /'services\[0\]\.canaryWeight' is 100, expected ≤ 99/],
        ["canaryWeight below 0", [withService("prod", (s) => (s.canaryWeight = -1))], /'services\[0\]\.canaryWeight' is -1, expected ≥ 0/],
        ["canary to an inactive color with no image", [withService("prod", (s) => Object.assign(s, { canaryWeight: 10, image: { ...s.image, green: null } }))], /'services\[0\]\.canaryWeight' is 10, expected 0 while the inactive color green has no image/],
        ["canary to an inactive color at 0 replicas", [withService("prod", (s) => Object.assign(s, { canaryWeight: 10, scaledDown: { green: 0 } }))], /'services\[0\]\.canaryWeight' is 10, expected 0 while the inactive color green has 0 replicas/],
        ["minReplicas above maxReplicas (Kubernetes would reject the HPA mid-deploy)", [withService("prod", (s) => Object.assign(s.autoscaling, { minReplicas: 5, maxReplicas: 4 }))], /'services\[0\]\.autoscaling\.minReplicas' is 5, expected ≤ maxReplicas \(4\)/],
        ["an active color at 0 replicas (HPA minimum 0)", [withService("prod", (s) => (s.autoscaling.minReplicas = 0))], /'services\[0\]\.autoscaling\.minReplicas' is 0, expected ≥ 1/],
        ["canary in selector mode", [withService("prod", (s) => Object.assign(s, { canaryWeight: 10, trafficMode: "selector" }))], /'services\[0\]\.canaryWeight' is 10, expected 0 with trafficMode "selector"/],
        ["an unknown traffic mode", [withService("prod", (s) => (s.trafficMode = "dns"))], /'services\[0\]\.trafficMode' is "dns", expected one of "route", "selector"/],
        ["a hold above the HPA minimum", [withService("prod", (s) => (s.scaledDown = { green: 5 }))], /'services\[0\]\.scaledDown\.green' is 5, expected 0 to autoscaling\.minReplicas \(4\): a color is scaled down, never up/],
        ["a switch to a color held at 0", [withService("prod", (s) => (s.scaledDown = { green: 0 })), "activeColor=green"], /'activeColor' is "green" for service app-api, expected a color that autoscales: services\[0\]\.scaledDown\.green holds it at 0/],
        ["preStop not shorter than the grace period", [withService("prod", (s) => (s.preStopSleepSeconds = 45))], /'services\[0\]\.preStopSleepSeconds' is 45, expected < terminationGracePeriodSeconds \(45\)/],
        ["an image tag 'latest'", [withService("prod", (s) => (s.image.green = "latest"))], /'services\[0\]\.image\.green' is "latest"/],
        ["two services in one namespace", [withService("prod", () => undefined, (l) => l.push({ ...l[0], name: "worker", namespace: "app-api", hostnames: ["worker.example.com"], previewHostname: "preview-worker.example.com" }))], /'services\[1\]\.namespace' is "app-api" for service worker, expected a namespace no other service uses/],
        ["a system namespace", [withService("prod", (s) => (s.namespace = "kube-system"))], /'services\[0\]\.namespace' gives service app-api the namespace "kube-system", expected a namespace of its own/],
    ];

    test.each(cases)("%s", async (_label, set, message) => {
        const err = await planError("prod", ...set);
        expect(err.name).toBe("ConfigError");
        expect(err.message).toMatch(message);
        expect((err as Error & { registered?: string[] }).registered ?? []).toEqual([]);
    });
});

describe("rendered objects: the fields a rollout and the routing rely on", () => {
    const prod = serviceConfig("prod");

    test("Deployment strategy: RollingUpdate with maxSurge 25% and maxUnavailable 0", async () => {
        // Kubernetes' RollingUpdate (its default type, written out) adds up to 25% new pods above the desired count and,
        // with maxUnavailable 0, removes an old pod only once a new one is Ready: a color never drops below its size.
        for (const color of ["blue", "green"]) {
            expect(inputsOf(await plan("prod"), DEPLOYMENT, `app-api-${color}`).spec.strategy).toEqual({
                type: "RollingUpdate",
                rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
            });
        }
    });

    test("pods get no Service link env vars, and spread each rollout's pods by pod-template-hash", async () => {
        const pod = inputsOf(await plan("prod"), DEPLOYMENT, "app-api-blue").spec.template.spec;
        // enableServiceLinks (default true) injects <SERVICE>_PORT/_HOST variables for every Service in the namespace:
        // they would differ between colors created at different times and can clash with the app's own variables.
        expect(pod.enableServiceLinks).toBe(false);
        // matchLabelKeys (Kubernetes 1.27+): the ReplicaSet's pod-template-hash joins the selector, so each rollout's
        // pods are spread among themselves, not counted against the old ReplicaSet's pods that are about to go.
        const spread = (topologyKey: string) => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { app: "app-api", color: "blue" } },
            matchLabelKeys: ["pod-template-hash"],
        });
        expect(pod.topologySpreadConstraints).toEqual([spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")]);
    });

    test("env is sorted by name, whatever order the keys come in: reordering them never changes the pod template", () => {
        // A different order is a different pod template, and a new template rolls every pod of the color. Through the
        // stack config the keys arrive sorted already (the CLI hands object values over as Go's json.Marshal writes
        // them), so this holds the builder to it for any caller.
        const env = (e: Record<string, string>) => plain(deploymentSpec({ ...prod, env: e }, "blue")).template.spec.containers[0].env;
        const sorted = [
            { name: "APP_MODE", value: "web" },
            { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
            { name: "ZONE_HINT", value: "a" },
        ];
        expect(env({ ZONE_HINT: "a", SPRING_PROFILES_ACTIVE: "prod", APP_MODE: "web" })).toEqual(sorted);
        expect(env({ SPRING_PROFILES_ACTIVE: "prod", APP_MODE: "web", ZONE_HINT: "a" })).toEqual(sorted);
    });

    test("preStopSleepSeconds 0: no preStop hook at all (a 0 s sleep does nothing, and API servers before Kubernetes 1.33 reject it)", async () => {
        const p = await plan("prod", withService("prod", (s) => (s.preStopSleepSeconds = 0)));
        const c = inputsOf(p, DEPLOYMENT, "app-api-blue").spec.template.spec.containers[0];
        expect(c.lifecycle).toBeUndefined();
        expect(inputsOf(await plan("prod"), DEPLOYMENT, "app-api-blue").spec.template.spec.containers[0].lifecycle).toEqual({
            preStop: { sleep: { seconds: 15 } },
        });
    });

    test("color Services: ClusterIP on port 80 named http, to the container port named http", async () => {
        const p = await plan("prod");
        for (const color of ["blue", "green"]) {
            expect(inputsOf(p, "kubernetes:core/v1:Service", `app-api-${color}`).spec).toEqual({
                type: "ClusterIP",
                selector: { app: "app-api", color },
                ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
            });
        }
    });

    test("PDB of a color selects exactly that color's pods", async () => {
        const p = await plan("prod");
        for (const color of ["blue", "green"]) {
            expect(inputsOf(p, "kubernetes:policy/v1:PodDisruptionBudget", `app-api-${color}`).spec).toEqual({
                maxUnavailable: 1,
                unhealthyPodEvictionPolicy: "AlwaysAllow",
                selector: { matchLabels: { app: "app-api", color } },
            });
        }
    });

    test("routes match every path: PathPrefix / (Gateway API), on the main and the preview route", async () => {
        const p = await plan("prod");
        // PathPrefix "/" matches every request path (Gateway API). The CRD's defaulting would fill in the same match
        // for a rule without one; written out, the object Pulumi sends is the object the API server stores.
        for (const name of ["app-api-route", "app-api-preview"]) {
            expect(inputsOf(p, ROUTE, name).spec.rules.map((r: { matches: unknown }) => r.matches)).toEqual([[{ path: { type: "PathPrefix", value: "/" } }]]);
        }
    });

    test("preview objects carry role: preview; the preview access needs at least one source network", async () => {
        const p = await plan("prod");
        const labels = { app: "app-api", "app.kubernetes.io/name": "app-api", "app.kubernetes.io/managed-by": "pulumi", role: "preview" };
        expect(inputsOf(p, ROUTE, "app-api-preview").metadata.labels).toEqual(labels);
        expect(inputsOf(p, "kubernetes:gateway.k8s.aws/v1:ListenerRuleConfiguration", "app-api-preview-access").metadata.labels).toEqual(labels);
        expect(plain(previewAccessConfiguration(prod, ["198.51.100.0/24"]))).toEqual({
            apiVersion: "gateway.k8s.aws/v1",
            kind: "ListenerRuleConfiguration",
            metadata: { name: "app-api-preview-access", namespace: "app-api", labels },
            spec: { conditions: [{ field: "source-ip", sourceIPConfig: { values: ["198.51.100.0/24"] } }] },
        });
        // With no source network the rule's condition would be empty: a preview open to everyone.
        expect(() => previewAccessConfiguration(prod, [])).toThrow("service app-api: a preview needs at least one source network");
    });

    test("namespaced objects wait for their Namespace", async () => {
        const p = await plan("prod");
        const ns = p.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && r.name === "app-api-ns");
        expect(ns).toBeDefined();
        for (const [type, name] of [
            ["kubernetes:core/v1:Service", "app-api-blue"],
            ["kubernetes:policy/v1:PodDisruptionBudget", "app-api-green"],
        ]) {
            expect(p.resources.find((r) => r.type === type && r.name === name)?.dependencies).toContain(ns?.urn);
        }
        const policies = p.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.parent?.endsWith("::app-api"));
        expect(policies.length).toBeGreaterThan(0);
        for (const np of policies) expect(np.dependencies).toContain(ns?.urn);
    });

    test("the service component reports its namespace, its role and the summary (active color, image per color)", async () => {
        const p = await plan("prod", "activeColor=green");
        expect(find(p, "eks-platform:apps:BlueGreenService", "app-api").outputs).toEqual({
            namespace: "app-api",
            roleArn: "arn:aws:iam::123456789012:role/service-prod-app-api-app-api",
            summary: {
                activeColor: "green",
                images: {
                    blue: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                    green: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/app-api:1.8.0",
                },
            },
        });
    });

    test("secrets by name next to secrets by ARN: the names resolve in the stack's account and region, the ARNs stay", async () => {
        const arn = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app-api/prod/db-AbCdEf";
        const p = await plan("prod", withService("prod", (s) => s.aws.secrets.push({ secret: "app-api/prod/api-key" })));
        const policy = JSON.parse(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "app-api-permissions").policy as string);
        const read = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadSecrets");
        // Secrets Manager ARNs end in the name, "-" and six random characters.
        expect(read.Resource).toEqual([arn, "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app-api/prod/api-key-??????"]);
    });
});
