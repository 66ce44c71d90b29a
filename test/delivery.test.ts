/**
 * Delivery helpers the workflows run: input validation (scripts/delivery-inputs.js) and the recorded sums of
 * what a deploy pulls from the internet (ops/artifacts.ts), each with its refusals.
 */
import { artifactKey, artifactsFor, compare, Fetch, observe } from "../ops/artifacts";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const inputs = require("../scripts/delivery-inputs.js") as {
    validateDeploy(env: Record<string, string>): Record<string, string>;
    validateSwitch(env: Record<string, string>): Record<string, string>;
    main(argv: string[], env: Record<string, string>, out: (s: string) => void, err: (s: string) => void): number;
};

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("deploy and switch inputs", () => {
    test("a deploy of a known service by digest, with an optional tag; nothing given is an infrastructure deploy", () => {
        expect(inputs.validateDeploy({ INPUT_SERVICE: "app-api", INPUT_TAG: "1.9.0", INPUT_DIGEST: DIGEST })).toEqual({
            service: "app-api",
            tag: "1.9.0",
            digest: DIGEST,
            message: `deploy app-api 1.9.0 ${DIGEST}`,
        });
        expect(inputs.validateDeploy({})).toEqual({ service: "", tag: "", digest: "", message: "deploy: infrastructure" });
    });

    test.each([
        [{ INPUT_SERVICE: "payments", INPUT_DIGEST: DIGEST }, 'service is "payments", expected one of app-api'],
        [{ INPUT_SERVICE: "app-api", INPUT_TAG: "1.9.0" }, 'digest is "", expected sha256:<64 lowercase hex> (images are deployed by digest)'],
        [{ INPUT_SERVICE: "app-api", INPUT_DIGEST: "sha256:abc" }, 'digest is "sha256:abc", expected sha256:<64 lowercase hex>'],
        [{ INPUT_SERVICE: "app-api", INPUT_DIGEST: DIGEST, INPUT_TAG: "1.9.0\nservice=evil" }, 'tag is "1.9.0\\nservice=evil", expected a Docker tag'],
        [{ INPUT_SERVICE: "app-api", INPUT_DIGEST: DIGEST, INPUT_TAG: "latest" }, 'tag is "latest", expected a Docker tag'],
        [{ INPUT_DIGEST: DIGEST }, "tag/digest given without a service"],
    ])("deploy refusal %#", (env, message) => {
        expect(() => inputs.validateDeploy(env)).toThrow(message);
    });

    test("a switch names a stack, one of its services and a color", () => {
        expect(inputs.validateSwitch({ INPUT_STACK: "prod", INPUT_SERVICE: "app-api", INPUT_COLOR: "green" })).toEqual({ stack: "prod", service: "app-api", color: "green" });
        expect(() => inputs.validateSwitch({ INPUT_STACK: "qa", INPUT_SERVICE: "app-api", INPUT_COLOR: "green" })).toThrow('stack is "qa", expected one of dev, prod, stage');
        expect(() => inputs.validateSwitch({ INPUT_STACK: "prod", INPUT_SERVICE: "app-api;id", INPUT_COLOR: "green" })).toThrow('service is "app-api;id", expected one of app-api (services of prod)');
        expect(() => inputs.validateSwitch({ INPUT_STACK: "prod", INPUT_SERVICE: "app-api", INPUT_COLOR: "red" })).toThrow('color is "red", expected blue or green');
    });

    test("the command prints key=value lines, or one ::error:: line and exit 2", () => {
        const out: string[] = [];
        const err: string[] = [];
        expect(inputs.main(["switch"], { INPUT_STACK: "dev", INPUT_SERVICE: "app-api", INPUT_COLOR: "blue" }, (s) => out.push(s), (s) => err.push(s))).toBe(0);
        expect(out.join("")).toBe("stack=dev\nservice=app-api\ncolor=blue\n");
        expect(inputs.main(["deploy"], { INPUT_SERVICE: "x" }, (s) => out.push(s), (s) => err.push(s))).toBe(2);
        expect(err).toEqual(['::error::service is "x", expected one of app-api\n']);
    });
});

describe("artifacts a deploy pulls", () => {
    const versions = { karpenter: "1.14.1", awsLoadBalancerController: "3.5.0", gatewayApi: "v1.6.1" };

    test("every CRD manifest and chart of the stack's versions, keyed by where it comes from", () => {
        expect(artifactsFor(versions).map(artifactKey)).toEqual([
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml",
            "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds/crds.yaml",
            "https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/helm/aws-load-balancer-controller/crds/gateway-crds.yaml",
            "https://aws.github.io/eks-charts#aws-load-balancer-controller@3.5.0",
            "oci://public.ecr.aws/karpenter/karpenter:1.14.1",
            "oci://public.ecr.aws/karpenter/karpenter-crd:1.14.1",
        ]);
    });

    /** A registry and web server in memory. */
    const fake: Fetch = async (url, init) => {
        const body = (text: string, headers: Record<string, string> = {}) => ({
            ok: true,
            status: 200,
            text: async () => text,
            arrayBuffer: async () => new TextEncoder().encode(text).buffer as ArrayBuffer,
            headers: { get: (n: string) => headers[n] ?? null },
        });
        if (url.endsWith("/index.yaml")) return body("entries:\n  aws-load-balancer-controller:\n    - version: 3.5.0\n      urls: [aws-load-balancer-controller-3.5.0.tgz]\n");
        if (url.endsWith(".tgz")) return body("chart-bytes");
        if (url.includes("/token?scope=repository:karpenter/karpenter:pull")) return body('{"token":"t0k"}');
        if (url.includes("/v2/karpenter/karpenter/manifests/1.14.1")) {
            expect(init?.headers?.authorization).toBe("Bearer t0k");
            return body("{}", { "docker-content-digest": "sha256:feed" });
        }
        if (url.startsWith("https://")) return body("abc");
        return { ok: false, status: 404, text: async () => "", arrayBuffer: async () => new ArrayBuffer(0), headers: { get: () => null } };
    };

    test("sha256 of a file's bytes, of the chart tarball its index names, or the registry's manifest digest", async () => {
        // sha256("abc") as every reference lists it (FIPS 180-2 test vector).
        expect(await observe({ kind: "file", url: "https://example.com/crds.yaml" }, fake)).toBe("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        expect(await observe({ kind: "helm", repo: "https://charts.example.com", chart: "aws-load-balancer-controller", version: "3.5.0" }, fake)).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(await observe({ kind: "oci", ref: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1" }, fake)).toBe("sha256:feed");
        await expect(observe({ kind: "helm", repo: "https://charts.example.com", chart: "aws-load-balancer-controller", version: "9.9.9" }, fake)).rejects.toThrow(
            "aws-load-balancer-controller 9.9.9 is not in https://charts.example.com/index.yaml",
        );
    });

    test("a mismatch or an unrecorded artifact fails, naming it", () => {
        const [a, b] = artifactsFor(versions);
        const verdicts = compare([a, b], { [artifactKey(a)]: "sha256:1", [artifactKey(b)]: null }, { [artifactKey(a)]: "sha256:2", [artifactKey(b)]: "sha256:3" });
        expect(verdicts.map((v) => [v.ok, v.detail])).toEqual([
            [false, "MISMATCH: recorded sha256:1, served sha256:2"],
            [false, "not recorded in artifacts.lock.json (run npm run artifacts -- --stack <s> --record, review, commit); served sha256:3"],
        ]);
        expect(compare([a], { [artifactKey(a)]: "sha256:2" }, { [artifactKey(a)]: "sha256:2" })[0].ok).toBe(true);
    });
});

describe("artifacts.lock.json", () => {
    test("has a key for every artifact every stack pulls (null until a maintainer records it)", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { readLock } = require("../ops/artifacts") as typeof import("../ops/artifacts");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { stackConfig } = require("../plan/stackConfig") as typeof import("../plan/stackConfig");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { parseStackConfig } = require("../config") as typeof import("../config");
        const lock = readLock();
        for (const stack of ["dev", "stage", "prod"]) {
            const raw = Object.fromEntries(Object.entries(stackConfig(stack)).filter(([k]) => k.startsWith("eks-platform:")).map(([k, v]) => [k.slice("eks-platform:".length), v]));
            for (const a of artifactsFor(parseStackConfig(raw, "eks-platform", stack).versions)) expect([stack, artifactKey(a), artifactKey(a) in lock]).toEqual([stack, artifactKey(a), true]);
        }
    });
});
