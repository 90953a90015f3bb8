/**
 * `cdn` on an HTTP API (and, through the same module, on other origins): a CloudFront distribution
 * in front of it, as Stacktape makes one (`<Resource>CDNDistribution0`, HTTP/2 and 3, IPv6, HTTPS
 * to the origin, its cache and origin request policies), with route rewrites to other origins of
 * the config or outside it. What needs resources Switchyard does not manage is refused with the
 * reason: edge functions (edge-lambda-function), a firewall (web-app-firewall), bucket and load
 * balancer origins. Custom domains are attached as the HTTP API's own are (custom-domains.ts): under
 * a domain registered to the team, with its us-east-1 certificate and an alias record to the
 * distribution; otherwise only with customCertificateArn (CloudFront's, in us-east-1) and no record.
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../../compiler/context.js";
import { logicalId } from "../../../compiler/naming.js";
import { getAtt, join } from "../../../compiler/template.js";
import type { ConfigPath } from "../../../config/problem.js";
import { strictObject } from "../../../config/schema/strict.js";
import type { Concern } from "../../definition.js";
import {
  type AttachedDomain,
  addDnsRecord,
  attachCustomDomain,
  CustomDomainSchema,
  ROUTE53_RECORD_SET,
} from "../custom-domains.js";
import {
  type CachingOptions,
  CachingOptionsSchema,
  cachePolicy,
  exactlyOne,
  type ForwardingOptions,
  ForwardingOptionsSchema,
  originRequestPolicy,
} from "./policies.js";

/**
 * Why a CDN property naming another Stacktape type is refused: Stacktape takes only the name of a
 * resource of the same config there (no ARN), and Switchyard does not manage that type.
 */
const notManaged = (subject: string, type: string) =>
  `${subject} the name of ${/^[aeiou]/.test(type) ? "an" : "a"} ${type} resource of the config (Stacktape takes no ARN there), and Switchyard does not manage ${type} resources.`;
const EDGE_FUNCTIONS_REFUSED = notManaged("edgeFunctions take", "edge-lambda-function");

/** Accepted so that Stacktape configs are typed as here; refused in checks with the reason. */
const refusedObject = z.record(z.string(), z.unknown());

const RouteToSchema = z.discriminatedUnion(
  "type",
  [
    strictObject({
      type: z.literal("http-api-gateway"),
      properties: strictObject({ httpApiGatewayName: z.string() }),
    }),
    strictObject({ type: z.literal("function"), properties: strictObject({ functionName: z.string() }) }),
    strictObject({
      type: z.literal("custom-origin"),
      properties: strictObject({
        domainName: z.string().regex(/^[A-Za-z0-9.-]+$/, "A domain name, without a scheme or path."),
        protocol: z.enum(["HTTP", "HTTPS"]).optional(),
        port: z.number().int().min(1).max(65535).optional(),
      }),
    }),
    strictObject({ type: z.literal("bucket"), properties: refusedObject }),
    strictObject({ type: z.literal("application-load-balancer"), properties: refusedObject }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "Unsupported route target. Supported types: http-api-gateway, function, custom-origin."
        : undefined,
  },
);

const EdgeFunctionsSchema = strictObject({
  onRequest: z.string().optional(),
  onResponse: z.string().optional(),
  onOriginRequest: z.string().optional(),
  onOriginResponse: z.string().optional(),
});

export const CdnSchema = strictObject({
  enabled: z.boolean(),
  cachingOptions: CachingOptionsSchema.optional(),
  forwardingOptions: ForwardingOptionsSchema.optional(),
  routeRewrites: z
    .array(
      strictObject({
        path: z.string().min(1).max(255),
        routePrefix: z
          .string()
          .regex(/^\/[^?#]*[^/?#]$/, "A path prefix: starts with / and does not end with one.")
          .optional(),
        routeTo: RouteToSchema.optional(),
        cachingOptions: CachingOptionsSchema.optional(),
        forwardingOptions: ForwardingOptionsSchema.optional(),
        edgeFunctions: EdgeFunctionsSchema.optional(),
      }),
    )
    .max(25)
    .optional(),
  customDomains: z.array(CustomDomainSchema).optional(),
  edgeFunctions: EdgeFunctionsSchema.optional(),
  cloudfrontPriceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]).optional(),
  defaultRoutePrefix: z
    .string()
    .regex(/^\/[^?#]*[^/?#]$/, "A path prefix: starts with / and does not end with one.")
    .optional(),
  errorDocument: z.string().optional(),
  indexDocument: z.string().optional(),
  disableInvalidationAfterDeploy: z.boolean().optional(),
  useFirewall: z.string().optional(),
});

type Cdn = z.infer<typeof CdnSchema>;
type RouteTo = z.infer<typeof RouteToSchema>;
type Origin = "http-api-gateway" | "function";

const US_EAST_1_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

export const CDN_CLOUDFORMATION_TYPES = [
  "AWS::CloudFront::Distribution",
  "AWS::CloudFront::CachePolicy",
  "AWS::CloudFront::OriginRequestPolicy",
  ROUTE53_RECORD_SET,
];

/** The hosted zone of every CloudFront distribution's domain, which alias records name. */
const CLOUDFRONT_HOSTED_ZONE = "Z2FDTNDATAQYW2";

const cdnOf = (resource: { properties?: unknown }) => (resource.properties as { cdn?: Cdn } | undefined)?.cdn;
const distributionId = (name: string) => `${logicalId(name, "AWS::CloudFront::Distribution", "CDN")}0`;

/**
 * The cdn concern of a type that is a CloudFront origin itself (`origin`): its own origin's domain
 * comes from `originDomain`.
 */
export function cdnConcern(origin: Origin) {
  const properties = { cdn: CdnSchema.optional() };
  const concern: Concern & { properties: typeof properties } = {
    name: "cdn",
    properties,
    cloudformationTypes: CDN_CLOUDFORMATION_TYPES,
    paramNames: (resource) => (cdnOf(resource)?.enabled ? ["cdnDomain", "cdnUrl", "cdnCanonicalDomain"] : []),
    params(name, resource) {
      const cdn = cdnOf(resource);
      if (!cdn?.enabled) return {};
      const canonical = getAtt(distributionId(name), "DomainName");
      const domain = cdn.customDomains?.[0]?.domainName ?? canonical;
      return { cdnDomain: domain, cdnUrl: join("", ["https://", domain]), cdnCanonicalDomain: canonical };
    },
    check(name, resource, checks) {
      const cdn = cdnOf(resource);
      if (!cdn?.enabled) return;
      const path = ["resources", name, "properties", "cdn"];
      const refuse = (at: ConfigPath, message: string) => checks.report([...path, ...at], message);
      if (cdn.edgeFunctions) refuse(["edgeFunctions"], EDGE_FUNCTIONS_REFUSED);
      if (cdn.useFirewall) refuse(["useFirewall"], notManaged("useFirewall takes", "web-app-firewall"));
      // Without one, the certificate comes from the domain's registration (checked when compiled).
      cdn.customDomains?.forEach((domain, i) => {
        if (
          domain.customCertificateArn !== undefined &&
          !US_EAST_1_CERTIFICATE.test(domain.customCertificateArn)
        )
          refuse(
            ["customDomains", i, "customCertificateArn"],
            `A CDN custom domain's customCertificateArn is the ARN of an ACM certificate for ${domain.domainName} in us-east-1 (CloudFront's region).`,
          );
      });
      const options = (at: ConfigPath, caching?: CachingOptions, forwarding?: ForwardingOptions) => {
        for (const [key, value] of Object.entries(caching?.cacheKeyParameters ?? {})) {
          const problem = exactlyOne(value);
          if (problem) refuse([...at, "cachingOptions", "cacheKeyParameters", key], problem);
        }
        for (const key of ["cookies", "headers", "queryString"] as const) {
          const problem = exactlyOne(forwarding?.[key]);
          if (problem) refuse([...at, "forwardingOptions", key], problem);
        }
      };
      options([], cdn.cachingOptions, cdn.forwardingOptions);
      cdn.routeRewrites?.forEach((rewrite, i) => {
        const at = ["routeRewrites", i];
        options(at, rewrite.cachingOptions, rewrite.forwardingOptions);
        if (rewrite.edgeFunctions) refuse([...at, "edgeFunctions"], EDGE_FUNCTIONS_REFUSED);
        const to = rewrite.routeTo;
        const where = [...path, ...at, "routeTo", "properties"];
        if (to?.type === "bucket" || to?.type === "application-load-balancer")
          refuse([...at, "routeTo", "type"], notManaged(`A ${to.type} origin takes`, to.type));
        else if (to?.type === "http-api-gateway")
          checks.expectType(
            [...where, "httpApiGatewayName"],
            to.properties.httpApiGatewayName,
            "http-api-gateway",
            "httpApiGatewayName",
          );
        else if (to?.type === "function") {
          const fn = to.properties.functionName;
          checks.expectType([...where, "functionName"], fn, "function", "functionName");
          // CloudFront reaches a function through its URL.
          const target = checks.config.resources[fn];
          const props = target?.properties as
            | { url?: { enabled?: boolean }; cdn?: { enabled?: boolean } }
            | undefined;
          if (target?.type === "function" && !props?.url?.enabled && !props?.cdn?.enabled)
            checks.report(
              [...where, "functionName"],
              `Function ${fn} has no URL for the CDN to reach: give it url: { enabled: true }.`,
            );
        }
      });
    },
    compile(name, resource, ctx) {
      const cdn = cdnOf(resource);
      if (!cdn?.enabled) return;
      compileDistribution(ctx, name, origin, cdn);
    },
  };
  return concern;
}

/** The origin of a target, its id (`<resource><behaviour index>`) and domain. */
function originOf(
  to: RouteTo | { type: Origin; name: string },
  index: number,
  prefix: string | undefined,
  forwarding: ForwardingOptions | undefined,
): Record<string, unknown> {
  const headers = (forwarding?.customRequestHeaders ?? []).map(({ headerName, value }) => ({
    HeaderName: headerName,
    HeaderValue: value,
  }));
  const https = { OriginProtocolPolicy: "https-only", OriginSSLProtocols: ["TLSv1.2"], HTTPSPort: 443 };
  const common = (id: string, type: string) => ({
    Id: `${id}${index}`,
    ...(prefix ? { OriginPath: prefix } : {}),
    OriginCustomHeaders: [...headers, { HeaderName: "X-Stp-Origin-Request-Origin-Type", HeaderValue: type }],
  });
  if (to.type === "custom-origin") {
    const { domainName, protocol = "HTTPS", port } = to.properties;
    return {
      DomainName: domainName,
      ...common(domainName, "custom-origin"),
      CustomOriginConfig: {
        OriginProtocolPolicy: protocol === "HTTP" ? "http-only" : "https-only",
        ...(protocol === "HTTP"
          ? { HTTPPort: port ?? 80 }
          : { HTTPSPort: port ?? 443, OriginSSLProtocols: ["TLSv1.2"] }),
      },
    };
  }
  const target =
    "name" in to
      ? to.name
      : to.type === "http-api-gateway"
        ? to.properties.httpApiGatewayName
        : to.type === "function"
          ? to.properties.functionName
          : // Buckets and load balancers are refused at load time.
            to.type;
  if (to.type === "http-api-gateway") {
    return {
      DomainName: {
        "Fn::Select": [
          1,
          { "Fn::Split": ["//", getAtt(logicalId(target, "AWS::ApiGatewayV2::Api"), "ApiEndpoint")] },
        ],
      },
      ...common(target, "http-api-gateway"),
      CustomOriginConfig: https,
    };
  }
  return {
    DomainName: {
      "Fn::Select": [2, { "Fn::Split": ["/", getAtt(logicalId(target, "AWS::Lambda::Url"), "FunctionUrl")] }],
    },
    ...common(target, "function"),
    CustomOriginConfig: https,
  };
}

function behaviour(
  ctx: CompileContext,
  owner: string,
  originId: string,
  caching: CachingOptions | undefined,
  forwarding: ForwardingOptions | undefined,
): Record<string, unknown> {
  const allowed = forwarding?.allowedMethods ?? ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"];
  return {
    AllowedMethods: allowed,
    CachedMethods:
      caching?.cacheMethods ??
      (forwarding?.allowedMethods?.filter((m) => ["GET", "HEAD", "OPTIONS"].includes(m)) || [
        "GET",
        "HEAD",
        "OPTIONS",
      ]),
    CachePolicyId: cachePolicy(ctx, owner, caching),
    Compress: !caching?.disableCompression,
    OriginRequestPolicyId: originRequestPolicy(ctx, owner, forwarding),
    TargetOriginId: originId,
    ViewerProtocolPolicy: "redirect-to-https",
  };
}

function compileDistribution(ctx: CompileContext, name: string, origin: Origin, cdn: Cdn): void {
  const path = ["resources", name, "properties", "cdn"];
  const origins: Record<string, unknown>[] = [];
  const own = originOf({ type: origin, name }, 0, cdn.defaultRoutePrefix, cdn.forwardingOptions);
  origins.push(own);
  const defaultBehaviour = behaviour(ctx, name, String(own.Id), cdn.cachingOptions, cdn.forwardingOptions);
  const rewrites = (cdn.routeRewrites ?? []).map((rewrite, i) => {
    const to = rewrite.routeTo ?? { type: origin, name };
    const o = originOf(to, i + 1, rewrite.routePrefix, rewrite.forwardingOptions);
    origins.push(o);
    return {
      PathPattern: rewrite.path,
      ...behaviour(ctx, name, String(o.Id), rewrite.cachingOptions, rewrite.forwardingOptions),
    };
  });
  const domains = (cdn.customDomains ?? []).flatMap((d, i): [AttachedDomain & { index: number }] | [] => {
    const attached = attachCustomDomain(ctx, [...path, "customDomains", i], d, "cdn");
    return attached ? [{ ...attached, index: i }] : [];
  });
  const certificate = domains[0]?.certificateArn;
  ctx.add(name, distributionId(name), {
    Type: "AWS::CloudFront::Distribution",
    Properties: {
      DistributionConfig: {
        ...(domains.length > 0 ? { Aliases: domains.map((d) => d.host) } : {}),
        DefaultCacheBehavior: defaultBehaviour,
        ...(cdn.errorDocument
          ? {
              CustomErrorResponses: [
                { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: leadingSlash(cdn.errorDocument) },
              ],
            }
          : {}),
        ...(cdn.indexDocument ? { DefaultRootObject: cdn.indexDocument.replace(/^\//, "") } : {}),
        Enabled: true,
        HttpVersion: "http2and3",
        IPV6Enabled: true,
        ...(rewrites.length > 0 ? { CacheBehaviors: rewrites } : {}),
        Origins: origins,
        ...(cdn.cloudfrontPriceClass ? { PriceClass: cdn.cloudfrontPriceClass } : {}),
        ViewerCertificate: certificate
          ? {
              AcmCertificateArn: certificate,
              MinimumProtocolVersion: "TLSv1.2_2018",
              SslSupportMethod: "sni-only",
            }
          : { CloudFrontDefaultCertificate: true },
      },
    },
  });
  domains.forEach((d, j) => {
    ctx.origin(distributionId(name), `DistributionConfig.Aliases.${j}`, [
      ...path,
      "customDomains",
      d.index,
      "domainName",
    ]);
  });
  const distinct = new Set(domains.map((d) => JSON.stringify(d.certificateArn)));
  if (distinct.size > 1)
    ctx.error(
      [...path, "customDomains"],
      "The custom domains of one CDN share one certificate here (give one that covers them all).",
    );
  domains.forEach((domain) => {
    if (domain.hostedZoneId)
      addDnsRecord(
        ctx,
        name,
        logicalId(name, ROUTE53_RECORD_SET, `CdnDomain${domain.index}`),
        [...path, "customDomains", domain.index],
        { host: domain.host, hostedZoneId: domain.hostedZoneId },
        { DNSName: getAtt(distributionId(name), "DomainName"), HostedZoneId: CLOUDFRONT_HOSTED_ZONE },
      );
  });
}

const leadingSlash = (p: string) => (p.startsWith("/") ? p : `/${p}`);
