/**
 * iam-no-data-actions-on-any-resource over every data action it knows, named as the AWS Service Authorization
 * Reference names them (S3, Secrets Manager, KMS, SQS, DynamoDB, SSM, SNS, Kinesis): each one granted on "*"
 * is flagged on its own, in a role's inline policy, and the same action on a named resource is not.
 */
import { iamNoDataActionsOnAnyResource } from "../policies/iam";
import { messages, resource } from "./policyHarness";

const DATA_ACTIONS = [
    "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
    "s3:RestoreObject", "s3:ReplicateObject", "s3:AbortMultipartUpload", "s3:ListBucket", "s3:ListBucketVersions", "s3:ListMultipartUploadParts",
    "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
    "kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
    "sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:PurgeQueue",
    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem", "dynamodb:TransactGetItems", "dynamodb:TransactWriteItems",
    "dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete",
    "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:PutParameter",
    "sns:Publish", "kinesis:GetRecords", "kinesis:PutRecord", "kinesis:PutRecords",
];

function rolePolicy(action: string, resourceArn: string) {
    return resource("aws:iam/rolePolicy:RolePolicy", "app", {
        role: "app",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [action], Resource: resourceArn }] }),
    });
}

describe("iam-no-data-actions-on-any-resource: every data action", () => {
    test.each(DATA_ACTIONS)("%s on * is flagged; on a named resource it is not", async (action) => {
        expect(await messages(iamNoDataActionsOnAnyResource, [rolePolicy(action, "*")])).toEqual([
            `IAM role policy statement 1 allows data actions ${action} on every resource ("*"): name the buckets, secrets, keys, queues, tables or parameters.`,
        ]);
        expect(await messages(iamNoDataActionsOnAnyResource, [rolePolicy(action, "arn:aws:s3:::app-assets/*")])).toEqual([]);
    });

    test("control-plane actions on * are not data actions", async () => {
        for (const action of ["s3:GetBucketLocation", "kms:DescribeKey", "sqs:GetQueueUrl", "dynamodb:DescribeTable", "ssm:DescribeParameters", "sns:ListTopics"]) {
            expect(await messages(iamNoDataActionsOnAnyResource, [rolePolicy(action, "*")])).toEqual([]);
        }
    });
});
