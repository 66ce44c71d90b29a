/**
 * The S3 bucket the shared ALB writes its access logs to: its name and its bucket policy, as pure builders.
 *
 * Elastic Load Balancing delivers the logs itself. Regions launched before August 2022 deliver as a per-Region ELB
 * account (`arn:aws:iam::<elb-account-id>:root`); newer Regions as the `logdelivery.elasticloadbalancing.amazonaws.com`
 * service principal (ELB User Guide, "Enable access logs for your Application Load Balancer", step 2). The policy
 * names the service principal everywhere and, where the Region has one, the Region's ELB account too, each allowed
 * only `s3:PutObject` under `<prefix>/AWSLogs/<this account>/`. The bucket only takes SSE-S3 (ALB log delivery does
 * not support SSE-KMS) and TLS.
 */
import { boundedName } from "./iam";

/** A statement of the bucket policy, with nothing left open (tests read it as S3 will). */
export interface BucketPolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal: "*" | { readonly Service: string } | { readonly AWS: string };
    readonly Action: string;
    readonly Resource: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface BucketPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly BucketPolicyStatement[];
}

/** The service principal ELB delivers access logs as. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The ELB account of each Region available before August 2022 (ELB User Guide, "Enable access logs", step 2). */
export const ELB_ACCOUNT_IDS: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
};

/** S3 bucket names: 3–63 characters. */
export const S3_BUCKET_NAME_MAX = 63;

/** `<cluster>-alb-logs-<account>-<region>` in lowercase (bucket names are global), shortened with a hash past 63. */
export function albLogBucketName(clusterName: string, accountId: string, region: string): string {
    return boundedName(`${clusterName.toLowerCase()}-alb-logs-${accountId}-${region}`, S3_BUCKET_NAME_MAX);
}

export interface AlbLogPolicyScope {
    readonly bucketArn: string;
    /** Key prefix inside the bucket (no leading or trailing `/`); empty for none. */
    readonly prefix: string;
    /** The account whose load balancers log here: the only one whose log path is writable. */
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
}

/** Where the load balancers of `accountId` write: `<bucket>/<prefix>/AWSLogs/<account>/…`. */
export function albLogObjects(scope: Pick<AlbLogPolicyScope, "bucketArn" | "prefix" | "accountId">): string {
    return `${scope.bucketArn}/${scope.prefix ? `${scope.prefix}/` : ""}AWSLogs/${scope.accountId}/*`;
}

/** The bucket policy: ELB may put log objects under this account's path; nothing reaches the bucket without TLS. */
export function albLogBucketPolicy(scope: AlbLogPolicyScope): BucketPolicyDocument {
    const objects = albLogObjects(scope);
    const legacyAccount = ELB_ACCOUNT_IDS[scope.region];
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_SERVICE }, Action: "s3:PutObject", Resource: objects },
            ...(legacyAccount
                ? [
                      {
                          Sid: "ElbLogDeliveryRegionAccount",
                          Effect: "Allow" as const,
                          Principal: { AWS: `arn:${scope.partition}:iam::${legacyAccount}:root` },
                          Action: "s3:PutObject",
                          Resource: objects,
                      },
                  ]
                : []),
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [scope.bucketArn, `${scope.bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
