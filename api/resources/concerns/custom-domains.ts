/**
 * Custom domains of HTTP APIs and CDNs, as Stacktape attaches them: the certificate and the DNS
 * record come from the domain's registration (Stacktape's `domain-add`; here a platform admin's
 * PUT /v1/teams/<team>/domains/<domain>, passed to the compiler as `target.domains`). A host name
 * not under a domain registered to the team gets no record and needs its own certificate, so no
 * team can point another team's or an unregistered name at its stack.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { resolveDirectives } from "../../compiler/directives.js";
import { normalizeHost, registrationOf } from "../../compiler/tenancy/domains.js";
import type { TeamDomain } from "../../compiler/tenancy/scope.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";

export const CustomDomainSchema = strictObject({
  domainName: z.string().min(1).max(253),
  customCertificateArn: z.string().optional(),
  disableDnsRecordCreation: z.boolean().optional(),
});
export type CustomDomain = z.infer<typeof CustomDomainSchema>;

/** Where the domain is attached: an API Gateway domain (regional certificate) or CloudFront (us-east-1). */
export type DomainUse = "http-api-gateway" | "cdn";

export interface AttachedDomain {
  /** The host name (a literal, or an intrinsic when only attached by the user's own certificate). */
  host: unknown;
  certificateArn: unknown;
  /** The registration's hosted zone, when the stack creates the domain's DNS record. */
  hostedZoneId?: string;
}

export const ROUTE53_RECORD_SET = "AWS::Route53::RecordSet";

const ARN_REGION = /^arn:[^:]+:acm:([^:]+):/;

/**
 * The certificate and DNS zone of the custom domain at `path` (`customDomains.<i>`), or undefined
 * after reporting why it cannot be attached: its host is not under a domain registered to the team
 * and it asks for a DNS record or has no certificate of its own.
 */
export function attachCustomDomain(
  ctx: CompileContext,
  path: ConfigPath,
  domain: CustomDomain,
  use: DomainUse,
): AttachedDomain | undefined {
  const host = resolveDirectives(domain.domainName, [...path, "domainName"], ctx);
  const own =
    domain.customCertificateArn === undefined
      ? undefined
      : resolveDirectives(domain.customCertificateArn, [...path, "customCertificateArn"], ctx);
  const wantsRecord = !domain.disableDnsRecordCreation;
  const registered = ctx.target.domains;
  if (typeof host !== "string") {
    if (own !== undefined && !wantsRecord) return { host, certificateArn: own };
    ctx.error(
      [...path, "domainName"],
      "The domain name must be known before deployment (a literal, $Stage(), $Format(...)) to find its registration and create its record.",
    );
    return undefined;
  }
  const registration = registrationOf(registered, host);
  const team = ctx.target.tenancy?.team;
  if (!registration && (own === undefined || (wantsRecord && registered !== undefined))) {
    ctx.error(
      [...path, "domainName"],
      `"${host}" is not under a domain registered to ${team ? `team ${team}` : "the deploying team"}. A platform admin registers a team's domains with their Route 53 hosted zone and certificate (PUT /v1/teams/<team>/domains/<domain>), as Stacktape's "domain-add" does${
        registered === undefined ? "; validate with the team's key to use its domains" : ""
      }. With customCertificateArn and disableDnsRecordCreation: true, a domain is only attached, and its DNS record is yours to create.`,
    );
    return undefined;
  }
  const certificateArn = own ?? certificateOf(registration, use);
  if (certificateArn === undefined) {
    ctx.error(
      [...path, "customCertificateArn"],
      `${registration!.name} is registered to ${team ? `team ${team}` : "the team"} without a certificate for ${
        use === "cdn" ? "CloudFront (in us-east-1)" : "API Gateway (in the stack's region)"
      }: give customCertificateArn, or have a platform admin register one with the domain.`,
    );
    return undefined;
  }
  const region = use === "cdn" ? "us-east-1" : ctx.target.region;
  const certificateRegion = typeof certificateArn === "string" && ARN_REGION.exec(certificateArn)?.[1];
  if (own === undefined && region && certificateRegion && certificateRegion !== region) {
    ctx.error(
      [...path, "domainName"],
      `The certificate registered for ${registration!.name} is in ${certificateRegion}, and this one must be in ${region}; give customCertificateArn, or have a platform admin register one in ${region}.`,
    );
    return undefined;
  }
  if (!wantsRecord) return { host: normalizeHost(host), certificateArn };
  if (!registration) {
    // Compiled for no team: attached with the user's certificate; the record is theirs to create.
    ctx.warn(
      path,
      `Switchyard creates DNS records only for domains registered to the deploying team: point ${host} at the domain's target in your DNS zone.`,
    );
    return { host: normalizeHost(host), certificateArn };
  }
  return { host: normalizeHost(host), certificateArn, hostedZoneId: registration.hostedZoneId };
}

const certificateOf = (registration: TeamDomain | undefined, use: DomainUse) =>
  use === "cdn" ? registration?.cdnCertificateArn : registration?.certificateArn;

/** The alias record Stacktape creates for a custom domain: `A` to the API's domain or the distribution. */
export function addDnsRecord(
  ctx: CompileContext,
  owner: string,
  logicalId: string,
  path: ConfigPath,
  domain: { host: unknown; hostedZoneId: string },
  aliasTarget: { DNSName: unknown; HostedZoneId: unknown },
): void {
  ctx.add(owner, logicalId, {
    Type: ROUTE53_RECORD_SET,
    Properties: {
      HostedZoneId: domain.hostedZoneId,
      Name: domain.host,
      Type: "A",
      AliasTarget: aliasTarget,
    },
  });
  ctx.origin(logicalId, "Name", [...path, "domainName"]);
  ctx.origin(logicalId, "HostedZoneId", [...path, "domainName"]);
}
