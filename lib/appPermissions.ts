/**
 * Least-privilege statements for an application from the AWS resources its config names. Every data action
 * names the exact bucket, object prefix or secret; nothing is granted on "*".
 */
import type { PolicyStatement } from "./iam";

export type S3Access = "read" | "write" | "readwrite";

export interface ApplicationAwsAccess {
    /** Buckets by name or ARN, each with an access level. */
    readonly s3Buckets: readonly { readonly bucket: string; readonly access: S3Access }[];
    /** Secrets Manager secrets the application reads, by ARN. */
    readonly secrets: readonly { readonly arn: string }[];
}

const OBJECT_ACTIONS: Record<S3Access, string[]> = {
    read: ["s3:GetObject"],
    write: ["s3:PutObject", "s3:AbortMultipartUpload"],
    readwrite: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
};

export function bucketArn(bucket: string, partition = "aws"): string {
    return bucket.startsWith("arn:") ? bucket : `arn:${partition}:s3:::${bucket}`;
}

export function applicationStatements(access: ApplicationAwsAccess): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    access.s3Buckets.forEach(({ bucket, access: level }, i) => {
        const arn = bucketArn(bucket);
        statements.push({ Sid: `S3Objects${i}`, Effect: "Allow", Action: OBJECT_ACTIONS[level], Resource: `${arn}/*` });
        if (level !== "write") statements.push({ Sid: `S3List${i}`, Effect: "Allow", Action: ["s3:ListBucket"], Resource: arn });
    });
    if (access.secrets.length > 0) {
        statements.push({
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: access.secrets.map((s) => s.arn),
        });
    }
    return statements;
}
