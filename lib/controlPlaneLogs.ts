/**
 * The control-plane log group EKS writes to, managed here so that its retention and encryption are set
 * before the first log line (EKS creates it with no expiry when it does not exist).
 */
import type { PolicyDocument } from "./iam";

/** The log group EKS sends control-plane logs to (EKS user guide, "Send control plane logs to CloudWatch Logs"). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

export interface LogsKeyPolicyArgs {
    readonly partition: string;
    /** The partition's DNS suffix, e.g. amazonaws.com. */
    readonly dnsSuffix: string;
    readonly accountId: string;
    readonly region: string;
    readonly logGroupName: string;
}

/**
 * Key policy of the log group's KMS key: the account administers it through IAM, and the regional CloudWatch
 * Logs service may use it only for this one log group (encryption context condition, as in the CloudWatch Logs
 * guide "Encrypt log data in CloudWatch Logs using AWS Key Management Service").
 */
export function logsKeyPolicy(args: LogsKeyPolicyArgs): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${args.partition}:iam::${args.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "CloudWatchLogsUsesItForTheControlPlaneLogGroup",
                Effect: "Allow",
                Principal: { Service: `logs.${args.region}.${args.dnsSuffix}` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnEquals: {
                        "kms:EncryptionContext:aws:logs:arn": `arn:${args.partition}:logs:${args.region}:${args.accountId}:log-group:${args.logGroupName}`,
                    },
                },
            },
        ],
    };
}
