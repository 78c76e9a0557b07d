import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface DnsValidatedCertificateArgs {
    /** The names on the certificate, the first its domain name, the rest alternative names. Required, at least one. */
    readonly names: readonly string[];
    /** Public hosted zone that holds the DNS validation records. Required. */
    readonly zoneId: string;
    /** Region of the certificate (CloudFront takes certificates from us-east-1 only). Default: the stack's region. */
    readonly region?: string;
    /** Tags applied to the certificate. Default none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An ACM certificate validated through DNS, with one validation record per name. ACM's validation CNAME for a
 * name is the same in every region of an account, so every stack (and the edge's us-east-1 certificate) writes
 * the same records: allowOverwrite lets them share them, and retainOnDelete keeps one stack's destroy from
 * breaking the other certificates' renewals. `certificateArn` resolves once the certificate is issued.
 */
export class DnsValidatedCertificate extends pulumi.ComponentResource {
    public readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: DnsValidatedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:security:DnsValidatedCertificate", name, {}, opts);
        if (args.names.length === 0) throw new pulumi.ResourceError(`DnsValidatedCertificate ${name}: names is empty; expected at least one`, this);
        const p = { parent: this };
        const at = args.region !== undefined ? { region: args.region } : {};
        const [domainName, ...alternatives] = args.names;
        const cert = new aws.acm.Certificate(
            name,
            {
                ...at,
                domainName,
                ...(alternatives.length ? { subjectAlternativeNames: alternatives } : {}),
                validationMethod: "DNS",
                keyAlgorithm: "RSA_2048",
                tags: { ...(args.tags ?? {}), Name: name },
            },
            p,
        );
        const records = args.names.map((domain, i) => {
            const dvo = cert.domainValidationOptions.apply((o) => o.find((x) => x.domainName === domain) ?? o[i]);
            return new aws.route53.Record(
                i === 0 ? `${name}-validation` : `${name}-validation-${i}`,
                {
                    zoneId: args.zoneId,
                    name: dvo.apply((o) => o.resourceRecordName),
                    type: dvo.apply((o) => o.resourceRecordType),
                    records: [dvo.apply((o) => o.resourceRecordValue)],
                    ttl: 60,
                    allowOverwrite: true,
                },
                { parent: this, retainOnDelete: true },
            );
        });
        const validation = new aws.acm.CertificateValidation(
            `${name}-validation`,
            { ...at, certificateArn: cert.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
            p,
        );
        this.certificateArn = validation.certificateArn;
        this.registerOutputs({ certificateArn: this.certificateArn });
    }
}
