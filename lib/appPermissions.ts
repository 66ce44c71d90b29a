/**
 * Least-privilege statements for an application from the AWS resources its config names. Every data action
 * names the exact bucket, object prefix or secret; nothing is granted on "*".
 */
import type { PolicyStatement } from "./iam";

export type S3Access = "read" | "write" | "readwrite";

export interface ApplicationAwsAccess {
    /** Buckets by name or ARN, each with an access level. */
    readonly s3Buckets: readonly { readonly bucket: string; readonly access: S3Access }[];
    /** Secrets Manager secrets the application reads, by name or ARN. */
    readonly secrets: readonly { readonly secret: string }[];
}

/** Where a secret named without an ARN lives: the stack's account, region and partition. */
export interface AwsScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

const OBJECT_ACTIONS: Record<S3Access, string[]> = {
    read: ["s3:GetObject"],
    write: ["s3:PutObject", "s3:AbortMultipartUpload"],
    readwrite: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
};

export function bucketArn(bucket: string, partition = "aws"): string {
    return bucket.startsWith("arn:") ? bucket : `arn:${partition}:s3:::${bucket}`;
}

/** True when a secret is given by name, so its ARN needs the account and region. */
export function isSecretName(secret: string): boolean {
    return !secret.startsWith("arn:");
}

/**
 * A secret's ARN. Secrets Manager appends `-` and six random characters to a secret's name in its ARN, so a
 * secret named `app/db` is `...:secret:app/db-??????`: exactly that secret, never `app/db2`.
 */
export function secretArn(secret: string, scope?: AwsScope): string {
    if (!isSecretName(secret)) return secret;
    if (!scope) throw new Error(`secret ${JSON.stringify(secret)} is named without an ARN: its account and region are needed`);
    return `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${secret}-??????`;
}

/** The statements; `scope` is needed only when a secret is given by name. */
export function applicationStatements(access: ApplicationAwsAccess, scope?: AwsScope): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    access.s3Buckets.forEach(({ bucket, access: level }, i) => {
        const arn = bucketArn(bucket, scope?.partition);
        statements.push({ Sid: `S3Objects${i}`, Effect: "Allow", Action: OBJECT_ACTIONS[level], Resource: `${arn}/*` });
        if (level !== "write") statements.push({ Sid: `S3List${i}`, Effect: "Allow", Action: ["s3:ListBucket"], Resource: arn });
    });
    if (access.secrets.length > 0) {
        statements.push({
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: access.secrets.map((s) => secretArn(s.secret, scope)),
        });
    }
    return statements;
}
