import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { certificateDomains, validationRecordDomains } from "../lib/dns";

/** Seconds resolvers may cache a validation record; ACM re-reads it at every renewal. */
const VALIDATION_RECORD_TTL = 300;

export interface GatewayCertificateArgs {
    /** The Gateway's listener hostname, usually a wildcard such as *.example.com: the certificate's subject. */
    readonly hostname: string;
    /** Also cover the apex under the wildcard (example.com for *.example.com). Default: false. */
    readonly includeApex?: boolean;
    /** The hosted zone that holds the validation records (checked to be the zone the config names). */
    readonly zoneId: pulumi.Input<string>;
}

/**
 * An ACM certificate for the Gateway's hostname, validated by DNS records in the stack's hosted zone.
 * `certificateArn` resolves only once ACM has issued it (`CertificateValidation`), so whatever takes it (the
 * LoadBalancerConfiguration, and through it the Gateway) is never created with a certificate still pending:
 * an ALB listener with a pending certificate fails, and the Gateway would never become Programmed.
 *
 * A change of domains replaces the certificate: the new one is issued and takes the listener before the old
 * one is deleted (Pulumi's default create-before-delete; ACM refuses to delete a certificate still in use, and
 * the provider retries that while the controller moves the listener).
 */
export class GatewayCertificate extends pulumi.ComponentResource {
    /** ARN of the issued certificate; resolves after validation. */
    public readonly certificateArn: pulumi.Output<string>;
    /** Domains on the certificate, subject first. */
    public readonly domains: string[];

    constructor(name: string, args: GatewayCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-platform:dns:GatewayCertificate", name, {}, opts);
        const [domainName, ...subjectAlternativeNames] = certificateDomains(args.hostname, args.includeApex ?? false);

        const certificate = new aws.acm.Certificate(
            name,
            {
                domainName,
                ...(subjectAlternativeNames.length > 0 ? { subjectAlternativeNames } : {}),
                validationMethod: "DNS",
                keyAlgorithm: "RSA_2048",
                tags: { Name: domainName },
            },
            { parent: this },
        );

        // Record names come from ACM only once the certificate exists; the records themselves are known now (one per
        // distinct name), so a preview lists them.
        const records = validationRecordDomains([domainName, ...subjectAlternativeNames]).map(({ domain, key }) => {
            const option = certificate.domainValidationOptions.apply((options) => {
                const found = options.find((o) => o.domainName === domain);
                if (!found) throw new pulumi.RunError(`ACM returned no DNS validation record for ${domain}`);
                return found;
            });
            return new aws.route53.Record(
                `${name}-validation-${key}`,
                {
                    zoneId: args.zoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: VALIDATION_RECORD_TTL,
                },
                { parent: this },
            );
        });

        // 45 minutes, below the provider's 75-minute default: a deploy job has 60, and a timed-out validation fails the
        // update cleanly (the next run waits on the same certificate), where a killed `pulumi up` leaves pending operations.
        const validation = new aws.acm.CertificateValidation(
            `${name}-validation`,
            { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
            { parent: this, customTimeouts: { create: "45m" } },
        );

        this.certificateArn = validation.certificateArn;
        this.domains = [domainName, ...subjectAlternativeNames];
        this.registerOutputs({ certificateArn: this.certificateArn, domains: this.domains });
    }
}
