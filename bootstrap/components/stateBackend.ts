/**
 * Where an environment's Pulumi state and secrets live: an S3 bucket (versioned, encrypted with its own key,
 * TLS only, public access blocked, old versions expired after 90 days) and a KMS key for the stack's secrets
 * provider (`awskms://alias/...`), rotated yearly.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountScope, stateBucketPolicy } from "../documents";

export interface StateBackendArgs {
    /** Bucket name: globally unique, so it carries the account id. */
    readonly bucketName: pulumi.Input<string>;
    /** Alias of the secrets key, without `alias/`. */
    readonly keyAlias: string;
    readonly scope: pulumi.Output<AccountScope>;
}

export class StateBackend extends pulumi.ComponentResource {
    public readonly bucketArn: pulumi.Output<string>;
    public readonly backendUrl: pulumi.Output<string>;
    public readonly secretsKeyArn: pulumi.Output<string>;
    public readonly secretsProvider: pulumi.Output<string>;

    constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform-bootstrap:state:StateBackend", name, {}, opts);
        const child = { parent: this, protect: true };

        const key = new aws.kms.Key(`${name}-secrets-key`, { description: `Pulumi secrets and state (${args.keyAlias})`, enableKeyRotation: true, deletionWindowInDays: 30 }, child);
        new aws.kms.Alias(`${name}-secrets-key-alias`, { name: `alias/${args.keyAlias}`, targetKeyId: key.keyId }, { parent: this });

        const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, forceDestroy: false }, child);
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [{ id: "expire-old-state-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 90 } }],
            },
            { parent: this },
        );
        new aws.s3.BucketPolicy(`${name}-policy`, { bucket: bucket.id, policy: pulumi.all([bucket.arn, args.scope]).apply(([arn, scope]) => JSON.stringify(stateBucketPolicy(arn, scope.accountId))) }, { parent: this });

        this.bucketArn = bucket.arn;
        this.backendUrl = pulumi.interpolate`s3://${bucket.bucket}?region=${args.scope.region}`;
        this.secretsKeyArn = key.arn;
        this.secretsProvider = pulumi.interpolate`awskms://alias/${args.keyAlias}?region=${args.scope.region}`;
        this.registerOutputs({ bucketArn: this.bucketArn, backendUrl: this.backendUrl, secretsKeyArn: this.secretsKeyArn, secretsProvider: this.secretsProvider });
    }
}
