/**
 * The platform contract's field formats (lib/platformContract.ts parsePlatformContract), one field at a time, on a
 * contract with real-world values: ARNs as AWS writes them in each partition (IAM User Guide, "IAM ARNs"; Amazon
 * EKS API reference, Cluster.arn), the OIDC issuer as EKS reports it without its scheme, CIDRs. A team stack reads
 * this from the platform stack; a value of another shape must fail its preview with one line naming the path.
 */
import { ContractError, parsePlatformContract, PlatformContract } from "../lib/platformContract";

const CONTRACT: PlatformContract = {
    version: 1,
    region: "ap-northeast-2",
    clusterName: "service-prod",
    vpcCidr: "10.40.0.0/16",
    networkPolicyEnforced: true,
    kubeconfig: "{}",
    identity: {
        clusterArn: "arn:aws:eks:ap-northeast-2:123456789012:cluster/service-prod",
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        oidcIssuer: "oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        defaultMode: "irsa",
    },
    gateway: {
        parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "gateway-system", sectionName: "https" },
        hostname: "*.example.com",
        routeNamespaceSelector: { "gateway.example.com/routes": "allowed" },
        previewSourceCidrs: ["203.0.113.0/24"],
    },
    reservedNamespaces: { names: ["default"], prefixes: ["kube-"] },
    reservedHostnames: [],
};

type Edit = (c: any) => void;

function problems(edit: Edit): readonly string[] {
    const value = structuredClone(CONTRACT) as any;
    edit(value);
    try {
        parsePlatformContract({ secretValue: value }, "example-org/eks-platform/prod");
        return [];
    } catch (e) {
        if (!(e instanceof ContractError)) throw e;
        return e.problems;
    }
}

describe("platform contract formats", () => {
    test("the example contract is accepted, as StackReference secretValue or value", () => {
        expect(problems(() => undefined)).toEqual([]);
        expect(parsePlatformContract({ value: CONTRACT }, "o/p/s")).toEqual(CONTRACT);
    });

    test.each([
        ["China partition cluster", (c: any) => (c.identity.clusterArn = "arn:aws-cn:eks:cn-north-1:123456789012:cluster/service-prod")],
        ["GovCloud cluster", (c: any) => (c.identity.clusterArn = "arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/service-prod")],
        ["GovCloud OIDC provider", (c: any) => (c.identity.oidcProviderArn = "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC")],
        ["a /8 VPC", (c: any) => (c.vpcCidr = "10.0.0.0/8")],
        ["three preview CIDRs", (c: any) => (c.gateway.previewSourceCidrs = ["203.0.113.0/24", "198.51.100.7/32", "192.0.2.0/28"])],
        ["no route selector", (c: any) => (c.gateway.routeNamespaceSelector = null)],
    ])("accepts %s", (_name, edit) => {
        expect(problems(edit)).toEqual([]);
    });

    test.each([
        ["vpcCidr", (c: any) => (c.vpcCidr = "x10.40.0.0/16"), "'platformContract.vpcCidr' is \"x10.40.0.0/16\", expected an IPv4 CIDR"],
        ["vpcCidr", (c: any) => (c.vpcCidr = "10.40.0.0/16 "), "'platformContract.vpcCidr' is \"10.40.0.0/16 \", expected an IPv4 CIDR"],
        ["vpcCidr", (c: any) => (c.vpcCidr = "10.40.0.0"), "'platformContract.vpcCidr' is \"10.40.0.0\", expected an IPv4 CIDR"],
        ["clusterArn", (c: any) => (c.identity.clusterArn = "xarn:aws:eks:ap-northeast-2:123456789012:cluster/service-prod"), // Values past 60 characters are cut in the message.
            "'platformContract.identity.clusterArn' is \"xarn:aws:eks:ap-northeast-2:123456789012:cluster/service..., expected an EKS cluster ARN"],
        ["clusterArn", (c: any) => (c.identity.clusterArn = "arn:aws:eks:ap-northeast-2:123456789012:cluster/"), "'platformContract.identity.clusterArn' is \"arn:aws:eks:ap-northeast-2:123456789012:cluster/\", expected an EKS cluster ARN"],
        ["clusterArn", (c: any) => (c.identity.clusterArn = "arn:aws2:eks:ap-northeast-2:123456789012:cluster/x"), "'platformContract.identity.clusterArn' is \"arn:aws2:eks:ap-northeast-2:123456789012:cluster/x\", expected an EKS cluster ARN"],
        ["clusterArn", (c: any) => (c.identity.clusterArn = "arn:aws:eks:ap-northeast-2:123456789012:nodegroup/x"), "'platformContract.identity.clusterArn' is \"arn:aws:eks:ap-northeast-2:123456789012:nodegroup/x\", expected an EKS cluster ARN"],
        ["oidcProviderArn", (c: any) => (c.identity.oidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/"), "'platformContract.identity.oidcProviderArn' is \"arn:aws:iam::123456789012:oidc-provider/\", expected an IAM OIDC provider ARN"],
        ["oidcProviderArn", (c: any) => (c.identity.oidcProviderArn = "my arn:aws:iam::123456789012:oidc-provider/x"), "'platformContract.identity.oidcProviderArn' is \"my arn:aws:iam::123456789012:oidc-provider/x\", expected an IAM OIDC provider ARN"],
        ["oidcProviderArn", (c: any) => (c.identity.oidcProviderArn = "arn:aws1:iam::123456789012:oidc-provider/x"), "'platformContract.identity.oidcProviderArn' is \"arn:aws1:iam::123456789012:oidc-provider/x\", expected an IAM OIDC provider ARN"],
        ["oidcIssuer", (c: any) => (c.identity.oidcIssuer = "https://oidc.eks.ap-northeast-2.amazonaws.com/id/X"), "'platformContract.identity.oidcIssuer' is \"https://oidc.eks.ap-northeast-2.amazonaws.com/id/X\", expected an issuer without scheme (oidc.eks.<region>.amazonaws.com/id/<id>)"],
        ["oidcIssuer", (c: any) => (c.identity.oidcIssuer = "oidc.eks.ap-northeast-2.amazonaws.com/id/"), "'platformContract.identity.oidcIssuer' is \"oidc.eks.ap-northeast-2.amazonaws.com/id/\", expected an issuer without scheme (oidc.eks.<region>.amazonaws.com/id/<id>)"],
        ["previewSourceCidrs", (c: any) => (c.gateway.previewSourceCidrs = ["203.0.113.0/24x"]), "'platformContract.gateway.previewSourceCidrs.0' is \"203.0.113.0/24x\", expected an IPv4 CIDR"],
        ["previewSourceCidrs", (c: any) => (c.gateway.previewSourceCidrs = ["a203.0.113.0/24"]), "'platformContract.gateway.previewSourceCidrs.0' is \"a203.0.113.0/24\", expected an IPv4 CIDR"],
    ])("refuses a malformed %s", (_field, edit, problem) => {
        expect(problems(edit as Edit)).toEqual([problem]);
    });

    test("refuses no preview CIDR and more than three", () => {
        expect(problems((c) => (c.gateway.previewSourceCidrs = []))).toHaveLength(1);
        expect(problems((c) => (c.gateway.previewSourceCidrs = ["192.0.2.1/32", "192.0.2.2/32", "192.0.2.3/32", "192.0.2.4/32"]))).toHaveLength(1);
    });
});
