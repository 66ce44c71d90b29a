/**
 * The config module's entry points that the Pulumi program calls (loadStackConfig, assertNoPlaceholders,
 * runningUnderMocks), in process: the whole-process runs of test/placeholders.test.ts cover the same path end to
 * end, but their coverage does not reach mutation testing.
 */
import * as pulumi from "@pulumi/pulumi";
import { assertNoPlaceholders, loadStackConfig, PlaceholderError, runningUnderMocks, StackConfig } from "../config";
import { parsedConfig, rawConfig } from "./configInput";

describe("assertNoPlaceholders: a real deployment of example values is refused", () => {
    test("every example value with its path and reason, and what to do, in one line", () => {
        let error: unknown;
        try {
            assertNoPlaceholders(parsedConfig("prod"), false);
        } catch (err) {
            error = err;
        }
        expect(error).toBeInstanceOf(PlaceholderError);
        expect((error as Error).name).toBe("PlaceholderError");
        const message = (error as Error).message;
        expect(message).toMatch(
            /^Stack 'prod' still holds \d+ example value\(s\) that cannot be deployed: deployers\[0\]\.principalArn "arn:aws:iam::123456789012:role\/ci\/eks-platform-prod-deploy" \(AWS documentation account 123456789012\); /,
        );
        expect(message).toContain('gateway.hostname "*.example.com" (reserved example domain (RFC 2606))');
        expect(message).toMatch(/\. Put your own values in Pulumi\.prod\.yaml \(README: "Values to change"\), or set allowPlaceholders: true if you mean them\.$/);
        expect(message.split("\n")).toHaveLength(1);
    });

    test("not under mocks, nor with allowPlaceholders, nor for a config without example values", () => {
        expect(() => assertNoPlaceholders(parsedConfig("prod"), true)).not.toThrow();
        expect(() => assertNoPlaceholders(parsedConfig("prod", "allowPlaceholders=true"), false)).not.toThrow();
        const own = { project: "eks-platform", stack: "prod", allowPlaceholders: false, region: "eu-west-1", gateway: { hostname: "*.shop.mycompany.com" } };
        expect(() => assertNoPlaceholders(own as unknown as StackConfig, false)).not.toThrow();
    });
});

describe("loadStackConfig under Pulumi's mocks", () => {
    test("reads the project's keys only, validates them, and knows it runs under mocks", async () => {
        expect(runningUnderMocks()).toBe(false);
        await pulumi.runtime.setMocks(
            { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
            "eks-platform",
            "dev",
            false,
        );
        const config = Object.fromEntries(Object.entries(rawConfig("dev")).map(([k, v]) => [`eks-platform:${k}`, v]));
        // Another namespace's keys are not the project's: an unknown project key would be refused.
        pulumi.runtime.setAllConfig({ ...config, "aws:region": "ap-northeast-2", "other:vpc": "x" });
        expect(runningUnderMocks()).toBe(true);
        const cfg = loadStackConfig();
        expect(cfg.stack).toBe("dev");
        expect(cfg.project).toBe("eks-platform");
        expect(cfg.region).toBe("ap-northeast-2");
        expect(cfg.clusterName).toBe(parsedConfig("dev").clusterName);
    });
});
