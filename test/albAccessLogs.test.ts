import { albLogBucketName, albLogBucketPolicy } from "../lib/albAccessLogs";
import { Plan, STACKS, find, inputsOf, k8sObjects, ofType, plan } from "./harness";

const ACCOUNT = "123456789012";
const bucketOf = (stack: string) => `service-${stack}-alb-logs-${ACCOUNT}-ap-northeast-2`;
const WEB_ACL = "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/app-prod/0d8b4b1e-5b8e-4c3c-9c1f-1d2e3f4a5b6c";

function lbConfig(p: Plan): Record<string, any> {
    return k8sObjects(p, "LoadBalancerConfiguration")[0];
}

describe("ALB access logs, deletion protection and WAF", () => {
    test.each(STACKS)("%s: a private, SSE-S3, expiring bucket of the stack's own takes the logs", async (stack) => {
        const p = await plan(stack);
        const bucket = find(p, "aws:s3/bucket:Bucket", "alb-access-logs-bucket");
        expect((bucket.inputs as { bucket: string }).bucket).toBe(bucketOf(stack));
        // ALB log delivery supports SSE-S3 only (ELB User Guide, "Enable access logs", bucket requirements).
        expect(inputsOf(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "alb-access-logs-encryption").rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        expect(inputsOf(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-access-logs-public-access")).toMatchObject({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(inputsOf(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "alb-access-logs-ownership").rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
        expect(inputsOf(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "alb-access-logs-lifecycle").rules).toEqual([
            { id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: 90 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        ]);
        expect(p.outputs.albAccessLogBucket).toBe(bucketOf(stack));
    });

    test("the access-log component reports its bucket's name and ARN", async () => {
        const p = await plan("prod");
        expect(find(p, "eks-platform:gateway:AlbAccessLogs", "alb-access-logs").outputs).toEqual({
            bucketName: bucketOf("prod"),
            bucketArn: `arn:aws:s3:::${bucketOf("prod")}`,
        });
    });

    test.each(STACKS)("%s: the bucket policy lets ELB log delivery write under this account's path only, and denies non-TLS", async (stack) => {
        const p = await plan(stack);
        const arn = `arn:aws:s3:::${bucketOf(stack)}`;
        const policy = JSON.parse(inputsOf(p, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs-policy").policy);
        expect(policy).toEqual({
            Version: "2012-10-17",
            Statement: [
                // The log-delivery service principal (Regions from August 2022), and ap-northeast-2's ELB account
                // 600734575887 (Regions available before August 2022): ELB User Guide, "Enable access logs", step 2.
                { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/AWSLogs/${ACCOUNT}/*` },
                { Sid: "ElbLogDeliveryRegionAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::600734575887:root" }, Action: "s3:PutObject", Resource: `${arn}/AWSLogs/${ACCOUNT}/*` },
                { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        });
        // ELB checks it may write when access logs are turned on: the ALB's settings wait for the policy.
        expect(find(p, "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", "gateway-lb-config").dependencies).toContain(
            find(p, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs-policy").urn,
        );
        // S3 refuses a bucket policy while Block Public Access settings or ownership controls of the same bucket are
        // being changed (409 OperationAborted, "A conflicting conditional operation is currently in progress"): the
        // policy goes in after both.
        expect(find(p, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs-policy").dependencies).toEqual(
            expect.arrayContaining([
                find(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-access-logs-public-access").urn,
                find(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "alb-access-logs-ownership").urn,
            ]),
        );
    });

    test("the policy follows the prefix, and a Region launched after August 2022 only names the service principal", () => {
        const doc = albLogBucketPolicy({ bucketArn: "arn:aws:s3:::b", prefix: "alb/prod", accountId: "210987654321", region: "ap-southeast-4", partition: "aws" });
        expect(doc.Statement.map((st) => st.Sid)).toEqual(["ElbLogDelivery", "DenyInsecureTransport"]);
        expect(doc.Statement[0].Resource).toBe("arn:aws:s3:::b/alb/prod/AWSLogs/210987654321/*");
        // us-east-1's ELB account (same AWS documentation table).
        const east = albLogBucketPolicy({ bucketArn: "arn:aws:s3:::b", prefix: "", accountId: "210987654321", region: "us-east-1", partition: "aws" });
        expect(east.Statement[1].Principal).toEqual({ AWS: "arn:aws:iam::127311923021:root" });
        // Bucket names are global and at most 63 characters: long cluster names are shortened with a hash.
        expect(albLogBucketName("Service-Prod", ACCOUNT, "ap-northeast-2")).toBe("service-prod-alb-logs-123456789012-ap-northeast-2");
        const long = albLogBucketName("a-very-long-cluster-name-for-a-team-xyz", ACCOUNT, "ap-northeast-2");
        expect(long.length).toBeLessThanOrEqual(63);
        expect(long).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    });

    // ELB User Guide, "Enable access logs for your Application Load Balancer", step 2: the Regions available before
    // August 2022 and their ELB account (the policy must name it, or log delivery there is refused when logs turn on).
    test.each([
        ["aws", "us-east-1", "127311923021"], ["aws", "us-east-2", "033677994240"], ["aws", "us-west-1", "027434742980"],
        ["aws", "us-west-2", "797873946194"], ["aws", "af-south-1", "098369216593"], ["aws", "ap-east-1", "754344448648"],
        ["aws", "ap-southeast-3", "589379963580"], ["aws", "ap-south-1", "718504428378"], ["aws", "ap-northeast-3", "383597477331"],
        ["aws", "ap-northeast-2", "600734575887"], ["aws", "ap-southeast-1", "114774131450"], ["aws", "ap-southeast-2", "783225319266"],
        ["aws", "ap-northeast-1", "582318560864"], ["aws", "ca-central-1", "985666609251"], ["aws", "eu-central-1", "054676820928"],
        ["aws", "eu-west-1", "156460612806"], ["aws", "eu-west-2", "652711504416"], ["aws", "eu-south-1", "635631232127"],
        ["aws", "eu-west-3", "009996457667"], ["aws", "eu-north-1", "897822967062"], ["aws", "me-south-1", "076674570225"],
        ["aws", "sa-east-1", "507241528517"], ["aws-us-gov", "us-gov-west-1", "048591011584"], ["aws-us-gov", "us-gov-east-1", "190560391635"],
        ["aws-cn", "cn-north-1", "638102146993"], ["aws-cn", "cn-northwest-1", "037604701340"],
    ])("%s %s: log delivery is also granted to ELB account %s", (partition, region, account) => {
        const doc = albLogBucketPolicy({ bucketArn: `arn:${partition}:s3:::b`, prefix: "", accountId: "210987654321", region, partition });
        expect(doc.Statement.find((st) => st.Sid === "ElbLogDeliveryRegionAccount")?.Principal).toEqual({ AWS: `arn:${partition}:iam::${account}:root` });
    });

    test("prod protects the bucket and the ALB; dev lets destroy empty the bucket and delete the ALB", async () => {
        const prod = await plan("prod");
        expect(find(prod, "aws:s3/bucket:Bucket", "alb-access-logs-bucket").protect).toBe(true);
        expect(inputsOf(prod, "aws:s3/bucket:Bucket", "alb-access-logs-bucket").forceDestroy).toBe(false);
        expect(lbConfig(prod).spec.loadBalancerAttributes).toContainEqual({ key: "deletion_protection.enabled", value: "true" });
        const dev = await plan("dev");
        expect(find(dev, "aws:s3/bucket:Bucket", "alb-access-logs-bucket").protect).toBe(false);
        expect(inputsOf(dev, "aws:s3/bucket:Bucket", "alb-access-logs-bucket").forceDestroy).toBe(true);
        expect(lbConfig(dev).spec.loadBalancerAttributes).toContainEqual({ key: "deletion_protection.enabled", value: "false" });
    });

    test("retention and prefix come from config; logs off means no bucket and no log attributes", async () => {
        const gateway = JSON.parse((await plan("prod")).config["eks-platform:gateway"]);
        const kept = await plan("prod", `gateway=${JSON.stringify({ ...gateway, accessLogs: { retentionDays: 400, prefix: "alb" } })}`);
        expect(inputsOf(kept, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "alb-access-logs-lifecycle").rules[0].expiration).toEqual({ days: 400 });
        expect(lbConfig(kept).spec.loadBalancerAttributes).toContainEqual({ key: "access_logs.s3.prefix", value: "alb" });
        expect(JSON.parse(inputsOf(kept, "aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs-policy").policy).Statement[0].Resource).toBe(
            `arn:aws:s3:::${bucketOf("prod")}/alb/AWSLogs/${ACCOUNT}/*`,
        );
        const off = await plan("dev", `gateway=${JSON.stringify({ ...JSON.parse((await plan("dev")).config["eks-platform:gateway"]), accessLogs: { enabled: false } })}`);
        expect(ofType(off, "aws:s3/bucket:Bucket")).toEqual([]);
        expect(lbConfig(off).spec.loadBalancerAttributes.map((a: { key: string }) => a.key)).toEqual([
            "routing.http.drop_invalid_header_fields.enabled",
            "deletion_protection.enabled",
        ]);
        expect(off.outputs.albAccessLogBucket).toBeNull();
    });

    test("a WAFv2 web ACL by ARN is attached through the LoadBalancerConfiguration", async () => {
        const gateway = JSON.parse((await plan("prod")).config["eks-platform:gateway"]);
        const p = await plan("prod", `gateway=${JSON.stringify({ ...gateway, webAclArn: WEB_ACL })}`);
        expect(lbConfig(p).spec.wafV2).toEqual({ webACL: WEB_ACL });
    });
});
