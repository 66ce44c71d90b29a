import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { albLogBucketName, albLogBucketPolicy } from "../lib/albAccessLogs";

export interface AlbAccessLogsArgs {
    /** Plain cluster name (names the bucket). */
    readonly clusterName: string;
    /** The stack's region: the bucket must be in the load balancer's Region. */
    readonly region: string;
    /** Days a log object is kept before S3 expires it. */
    readonly retentionDays: number;
    /** Key prefix of the logs inside the bucket; empty for none. */
    readonly prefix: string;
    /** Protect the bucket (Pulumi `protect`, no `forceDestroy`): logs outlive a mistaken `pulumi destroy`. */
    readonly protect: boolean;
    readonly tags?: Record<string, string>;
}

/**
 * The ALB's access-log bucket: private (public access blocked, ACLs disabled), SSE-S3 encrypted (the only encryption
 * ALB log delivery supports), TLS-only, expiring logs after the retention period, writable by ELB log delivery for
 * this account's load balancers only.
 */
export class AlbAccessLogs extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** Resolves once the bucket can take logs (its policy exists): ELB checks that when access logs are turned on. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: AlbAccessLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:gateway:AlbAccessLogs", name, {}, opts);
        const caller = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });

        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: caller.accountId.apply((accountId) => albLogBucketName(args.clusterName, accountId, args.region)),
                // Outside prod, `pulumi destroy` may empty the bucket; in prod it is protected and keeps its logs.
                forceDestroy: !args.protect,
                tags: args.tags,
            },
            { parent: this, protect: args.protect },
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this },
        );
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.bucket,
                rules: [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this },
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.bucket,
                policy: pulumi
                    .all([bucket.arn, caller.accountId, partition.partition])
                    .apply(([bucketArn, accountId, part]) =>
                        JSON.stringify(albLogBucketPolicy({ bucketArn, prefix: args.prefix, accountId, region: args.region, partition: part })),
                    ),
            },
            // S3 refuses some policies while its public-access settings are still being applied.
            { parent: this, dependsOn: [publicAccess, ownership] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.ready = [policy, encryption, lifecycle, publicAccess];
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
