/**
 * resource-policy-not-public in detail: each resource type that carries a resource policy (SQS queue policies, S3
 * bucket policies, KMS key policies, SNS topic policies, ECR repository policies, Secrets Manager resource policies)
 * named in its messages, policies that are absent or unreadable, principals whose account cannot be told (a deleted
 * role shows as its unique id, AROA...), and aws:SourceIp conditions as IAM evaluates them (IAM JSON policy reference,
 * "Condition element": conditions are ANDed; ForAllValues is true when the key is absent).
 */
import { resourcePolicyNotPublic } from "../policies/resourcePolicies";
import { check, messages, resource } from "./policyHarness";

const ACCOUNT = "123456789012";
const config = { trustedAccountIds: [ACCOUNT] };
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const EVERYONE =
    'allows every AWS principal ("*") with no condition tying it to an account, organization, source or private network (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceVpc, aws:SourceVpce, kms:CallerAccount, aws:SourceIp)';

describe("resource-policy-not-public: what it reads", () => {
    test("names each resource type that carries a policy", async () => {
        const open = doc({ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
        const types: [string, string][] = [
            ["aws:sqs/queuePolicy:QueuePolicy", "SQS queue policy"],
            ["aws:sqs/queue:Queue", "SQS queue"],
            ["aws:s3/bucket:Bucket", "S3 bucket"],
            ["aws:s3/bucketV2:BucketV2", "S3 bucket"],
            ["aws:kms/key:Key", "KMS key"],
            ["aws:kms/keyPolicy:KeyPolicy", "KMS key policy"],
            ["aws:kms/replicaKey:ReplicaKey", "KMS replica key"],
            ["aws:sns/topic:Topic", "SNS topic"],
            ["aws:secretsmanager/secret:Secret", "Secrets Manager secret"],
        ];
        const resources = types.map(([type], i) => resource(type, `r${i}`, { policy: open }));
        expect(await messages(resourcePolicyNotPublic, resources, config)).toEqual(types.map(([, label], i) => `${label} r${i} statement 1 ${EVERYONE}.`));
    });

    test("an IAM identity policy is not a resource policy: not read here", async () => {
        expect(await check(resourcePolicyNotPublic, [resource("aws:iam/policy:Policy", "identity", { policy: "{}" })], config)).toEqual([]);
    });

    test("no policy (absent, empty, null) is nothing to check; one without Statement is reported", async () => {
        const resources = [
            resource("aws:s3/bucket:Bucket", "absent", {}),
            resource("aws:s3/bucket:Bucket", "empty", { policy: "" }),
            resource("aws:sqs/queue:Queue", "null", { policy: null }),
            resource("aws:s3/bucketPolicy:BucketPolicy", "unreadable", { bucket: "b", policy: JSON.stringify({ Version: "2012-10-17" }) }),
        ];
        expect(await messages(resourcePolicyNotPublic, resources, config)).toEqual(["S3 bucket policy unreadable policy has no Statement."]);
    });
});

describe("resource-policy-not-public: principals and conditions", () => {
    const bucketPolicy = (name: string, statement: object) =>
        resource("aws:s3/bucketPolicy:BucketPolicy", name, { bucket: "b", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", ...statement }) });

    test("a principal whose account cannot be told (a deleted role's unique id), and every problem of a statement in one message", async () => {
        const resources = [
            bucketPolicy("deleted", { Principal: { AWS: "AROA1234567890EXAMPLE" } }),
            bucketPolicy("both", { Principal: { AWS: ["*", "arn:aws:iam::999999999999:root"] } }),
        ];
        expect(await messages(resourcePolicyNotPublic, resources, config)).toEqual([
            'S3 bucket policy deleted statement 1 allows AWS principal "AROA1234567890EXAMPLE", whose account cannot be told.',
            `S3 bucket policy both statement 1 ${EVERYONE}; allows AWS principal arn:aws:iam::999999999999:root of account 999999999999, which is not in trustedAccountIds.`,
        ]);
    });

    test("ForAllValues:IpAddress does not limit to private networks: a request without aws:SourceIp passes it", async () => {
        expect(await messages(resourcePolicyNotPublic, [bucketPolicy("for-all", { Principal: "*", Condition: { "ForAllValues:IpAddress": { "aws:SourceIp": ["10.0.0.0/8"] } } })], config)).toEqual([
            `S3 bucket policy for-all statement 1 ${EVERYONE}.`,
        ]);
    });

    test("one IpAddress condition to a private network limits the statement, whatever else it allows (IAM ANDs conditions)", async () => {
        // Condition keys are case-insensitive: both entries apply, so the source must be in 10.0.0.0/8.
        const both = bucketPolicy("and", { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0", "aws:sourceip": "10.0.0.0/8" } } });
        expect(await check(resourcePolicyNotPublic, [both], config)).toEqual([]);
    });
});
