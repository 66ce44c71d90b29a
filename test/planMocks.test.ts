/**
 * Rules of the Pulumi engine that the offline plan's mocks enforce, ported from pulumi/pulumi
 * (pkg/resource/deploy/source_eval.go): with default providers disabled, an invoke must name its provider.
 */
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { defaultProviderDenied, PlanMocks } from "../plan/mocks";
import { planProgram } from "./harness";

const PROGRAM = path.join(__dirname, "fixtures/invokes.ts");

describe("default providers (Pulumi's defaultProviders.shouldDenyRequest)", () => {
    test("denied for every package under *, for the listed ones otherwise, never for pulumi", () => {
        expect(defaultProviderDenied('["*"]', "aws")).toBe(true);
        expect(defaultProviderDenied('[" * "]', "kubernetes")).toBe(true);
        expect(defaultProviderDenied('["aws"]', "aws")).toBe(true);
        expect(defaultProviderDenied('["aws"]', "kubernetes")).toBe(false);
        expect(defaultProviderDenied('["*"]', "pulumi")).toBe(false);
        expect(defaultProviderDenied("", "aws")).toBe(false);
        expect(defaultProviderDenied(undefined, "aws")).toBe(false);
    });

    test.each(["explicit", "inherited"])("an invoke with a provider (%s) plans", async (mode) => {
        const p = await planProgram(PROGRAM, "test", { "test:mode": mode, "pulumi:disable-default-providers": '["*"]' });
        expect(p.outputs.account).toBe("123456789012");
    });

    test("an invoke without one fails as the engine fails it, and only where defaults are disabled", async () => {
        await expect(planProgram(PROGRAM, "test", { "test:mode": "bare", "pulumi:disable-default-providers": '["*"]' })).rejects.toThrow(
            "Default provider for 'aws' disabled. 'aws:index/getCallerIdentity:getCallerIdentity' must use an explicit provider.",
        );
        const p = await planProgram(PROGRAM, "test", { "test:mode": "bare" });
        expect(p.outputs.account).toBe("123456789012");
    });
});

describe("aws.lb.getHostedZoneId as the data source validates it (terraform-provider-aws aws_lb_hosted_zone_id)", () => {
    test("application by default; an unknown load balancer type fails the invoke", async () => {
        const config = { "test:mode": "explicit", "pulumi:disable-default-providers": '["*"]' };
        // Canonical hosted zone of ALBs in ap-northeast-2 (AWS General Reference, Elastic Load Balancing endpoints).
        expect((await planProgram(PROGRAM, "test", config)).outputs.albZoneId).toBe("ZWKZPGTI48KDX");
        expect((await planProgram(PROGRAM, "test", { ...config, "test:loadBalancerType": "application" })).outputs.albZoneId).toBe("ZWKZPGTI48KDX");
        await expect(planProgram(PROGRAM, "test", { ...config, "test:loadBalancerType": "" })).rejects.toThrow(
            'expected load_balancer_type to be one of ["application" "network"], got ""',
        );
    });
});

describe("aws.eks.getAddonVersion (aws_eks_addon_version)", () => {
    const call = (inputs: Record<string, unknown>) =>
        new PlanMocks(undefined).call({ token: "aws:eks/getAddonVersion:getAddonVersion", inputs, provider: "aws-provider" } as pulumi.runtime.MockCallArgs);

    test("answers the default version of the minor; the newest (mostRecent true) is nothing it knows", () => {
        // 1.34's CoreDNS add-on version as the EKS user guide lists it.
        expect(call({ addonName: "coredns", kubernetesVersion: "1.34" }).version).toBe("v1.12.4-eksbuild.1");
        expect(call({ addonName: "coredns", kubernetesVersion: "1.34", mostRecent: false }).version).toBe("v1.12.4-eksbuild.1");
        expect(() => call({ addonName: "coredns", kubernetesVersion: "1.34", mostRecent: true })).toThrow(
            "The offline plan knows only the default version of an add-on (mostRecent false), not the newest coredns for Kubernetes 1.34",
        );
    });
});

describe("aws.ec2.getVpc (aws_vpc data source)", () => {
    const call = (inputs: Record<string, unknown>) =>
        new PlanMocks(undefined).call({ token: "aws:ec2/getVpc:getVpc", inputs, provider: "aws-provider" } as pulumi.runtime.MockCallArgs);

    test("answers a lookup by id; one without an id is nothing it knows (AWS would match every VPC of the region)", () => {
        expect(call({ id: "vpc-0123abcd" })).toMatchObject({ id: "vpc-0123abcd", cidrBlock: "10.99.0.0/16" });
        expect(() => call({})).toThrow("The offline plan knows only VPCs looked up by id, got {}");
        expect(() => call({ id: "" })).toThrow("The offline plan knows only VPCs looked up by id");
    });
});
