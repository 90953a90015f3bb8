/**
 * `cdn` (api/resources/concerns/cdn): a CloudFront distribution as Stacktape makes it, its cache
 * and origin request policies (the stack's defaults, or the resource's own when options differ),
 * route rewrites, the CDN's domain as referenceable params and stage outputs, refusals with reasons,
 * and the local engine recording it under a team's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compiled, fixture, localWorld } from "../local-deployer/support.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const scope = scopeOf("a");

const api = (cdn: string) =>
  `resources:\n  api:\n    type: http-api-gateway\n    properties:\n      cdn: ${cdn}\n`;
const AT = "resources.api.properties.cdn";

describe("cdn", () => {
  it("puts a distribution in front of the API with the resource's own policies where options differ", () => {
    const { result } = outcome(fixture("cdn"));
    const r = result!.template.Resources;
    const config = r.ApiCdnDistribution0!.Properties!.DistributionConfig as Record<string, any>;
    expect(config).toMatchObject({
      Aliases: ["shop.example.com"],
      Enabled: true,
      HttpVersion: "http2and3",
      IPV6Enabled: true,
      PriceClass: "PriceClass_100",
      CustomErrorResponses: [{ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: "/404.html" }],
      ViewerCertificate: { SslSupportMethod: "sni-only", MinimumProtocolVersion: "TLSv1.2_2018" },
    });
    expect(config.Origins[0]).toMatchObject({
      Id: "api0",
      OriginPath: "/v1",
      DomainName: { "Fn::Select": [1, { "Fn::Split": ["//", { "Fn::GetAtt": ["ApiApi", "ApiEndpoint"] }] }] },
      CustomOriginConfig: { OriginProtocolPolicy: "https-only" },
    });
    expect(config.Origins[0].OriginCustomHeaders).toContainEqual({
      HeaderName: "X-From-Cdn",
      HeaderValue: "yes",
    });
    // Options that differ from the defaults get the resource's own policies; the rest share the stack's.
    const own = r[config.DefaultCacheBehavior.CachePolicyId.Ref]!.Properties!.CachePolicyConfig as Record<
      string,
      any
    >;
    expect(own).toMatchObject({
      DefaultTTL: 60,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: ["page"] },
      },
    });
    expect(
      config.CacheBehaviors.map((b: Record<string, unknown>) => [
        b.PathPattern,
        b.TargetOriginId,
        b.CachePolicyId,
      ]),
    ).toEqual([
      ["/search/*", "search1", { Ref: "StpCdnDefDynamicCachePolicy" }],
      ["/legacy/*", "legacy.example.com2", "658327ea-f89d-4fab-a63d-7e88639e58f6"],
    ]);
    expect(r.StpCdnDefDynamicOriginRequestPolicy!.Properties).toMatchObject({
      OriginRequestPolicyConfig: { HeadersConfig: { HeaderBehavior: "allExcept", Headers: ["host"] } },
    });
    expect(validateTemplateAgainstRegistry(result!.template)).toEqual([]);
  });

  it("gives the CDN's domains as referenceable params, recorded as outputs", () => {
    const { result } = outcome(fixture("cdn"));
    expect(result!.referenceableParams.api).toMatchObject({
      cdnDomain: "shop.example.com",
      cdnUrl: { "Fn::Join": ["", ["https://", "shop.example.com"]] },
      cdnCanonicalDomain: { "Fn::GetAtt": ["ApiCdnDistribution0", "DomainName"] },
    });
    expect(result!.referenceableParams.search).toMatchObject({
      cdnDomain: { "Fn::GetAtt": ["SearchCdnDistribution0", "DomainName"] },
    });
    expect(Object.values(result!.outputParams)).toContainEqual({
      resource: "api",
      param: "cdnCanonicalDomain",
    });
  });

  it("refuses what needs resources Switchyard does not manage, and ambiguous options, saying why", () => {
    expect(
      outcome(
        api(
          "{ enabled: true, useFirewall: waf, edgeFunctions: { onRequest: edge }, customDomains: [{ domainName: a.example.com, customCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x-1' }], forwardingOptions: { cookies: { all: true, none: true } }, routeRewrites: [{ path: /img/*, routeTo: { type: bucket, properties: { bucketName: b } } }, { path: /fn/*, routeTo: { type: function, properties: { functionName: nope } } }] }",
        ),
      ).problems,
    ).toEqual([
      {
        path: `${AT}.useFirewall`,
        message:
          "useFirewall takes the name of a web-app-firewall resource of the config (Stacktape takes no ARN there), and Switchyard does not manage web-app-firewall resources.",
      },
      {
        path: `${AT}.edgeFunctions`,
        message:
          "edgeFunctions take the name of an edge-lambda-function resource of the config (Stacktape takes no ARN there), and Switchyard does not manage edge-lambda-function resources.",
      },
      {
        path: `${AT}.customDomains.0.customCertificateArn`,
        message: expect.stringContaining("in us-east-1"),
      },
      { path: `${AT}.forwardingOptions.cookies`, message: "Give exactly one of none, all." },
      {
        path: `${AT}.routeRewrites.0.routeTo.type`,
        message:
          "A bucket origin takes the name of a bucket resource of the config (Stacktape takes no ARN there), and Switchyard does not manage bucket resources.",
      },
      {
        path: `${AT}.routeRewrites.1.routeTo.properties.functionName`,
        message: 'functionName "nope" is not a resource in this config.',
      },
    ]);
  });

  it("reaches a function through its URL: its own, made public when the CDN is on it, or refused without one", () => {
    const { result } = outcome(fixture("cdn"));
    const r = result!.template.Resources;
    expect(r.WebUrl!.Properties).toMatchObject({ AuthType: "NONE" });
    expect(r.WebPublicUrlPermission!.Properties).toMatchObject({ Action: "lambda:InvokeFunctionUrl" });
    const origins = (
      r.WebCdnDistribution0!.Properties!.DistributionConfig as { Origins: { DomainName: unknown }[] }
    ).Origins;
    expect(origins[0]!.DomainName).toEqual({
      "Fn::Select": [2, { "Fn::Split": ["/", { "Fn::GetAtt": ["WebUrl", "FunctionUrl"] }] }],
    });
    expect(result!.referenceableParams.web).toMatchObject({
      url: { "Fn::GetAtt": ["WebUrl", "FunctionUrl"] },
    });
    const noUrl = `${api("{ enabled: true, routeRewrites: [{ path: /fn/*, routeTo: { type: function, properties: { functionName: fn } } }] }")}  fn:\n    type: function\n    properties:\n      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: a.ts } }\n`;
    expect(outcome(noUrl).problems).toEqual([
      {
        path: `${AT}.routeRewrites.0.routeTo.properties.functionName`,
        message: "Function fn has no URL for the CDN to reach: give it url: { enabled: true }.",
      },
    ]);
  });

  it("attaches a custom domain under the team's registered domain, with its us-east-1 certificate and an alias record", () => {
    const cdnCertificate =
      "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4000-8000-000000000000";
    const domains = [{ name: "example.com", hostedZoneId: "Z0EXAMPLE", cdnCertificateArn: cdnCertificate }];
    const tenancy = { ...scope, domains };
    const { template, problems } = outcome(
      api("{ enabled: true, customDomains: [{ domainName: www.example.com }] }"),
      {
        ...TARGET,
        stackName: "a--shop--dev",
        tenancy,
        domains,
      },
    );
    expect(problems).toEqual([]);
    const r = template!.Resources;
    expect(r.ApiCdnDistribution0!.Properties!.DistributionConfig).toMatchObject({
      Aliases: ["www.example.com"],
      ViewerCertificate: { AcmCertificateArn: cdnCertificate },
    });
    expect(r.ApiCdnDomain0RecordSet).toEqual({
      Type: "AWS::Route53::RecordSet",
      Properties: {
        HostedZoneId: "Z0EXAMPLE",
        Name: "www.example.com",
        Type: "A",
        AliasTarget: {
          DNSName: { "Fn::GetAtt": ["ApiCdnDistribution0", "DomainName"] },
          HostedZoneId: "Z2FDTNDATAQYW2",
        },
      },
    });
    expect(validateTemplateAgainstRegistry(template)).toEqual([]);
    // A name under no domain of the team's, or a registration without a CloudFront certificate.
    expect(
      outcome(api("{ enabled: true, customDomains: [{ domainName: www.example.net }] }"), {
        ...TARGET,
        tenancy,
        domains,
      }).problems,
    ).toEqual([
      {
        path: `${AT}.customDomains.0.domainName`,
        message: expect.stringContaining("is not under a domain registered to team a"),
      },
    ]);
    const noCdnCertificate = [{ name: "example.com", hostedZoneId: "Z0EXAMPLE" }];
    expect(
      outcome(api("{ enabled: true, customDomains: [{ domainName: www.example.com }] }"), {
        ...TARGET,
        domains: noCdnCertificate,
      }).problems,
    ).toEqual([
      {
        path: `${AT}.customDomains.0.customCertificateArn`,
        message: expect.stringContaining("without a certificate for CloudFront (in us-east-1)"),
      },
    ]);
  });

  it("holds a certificate of another account to the team's allowances", () => {
    const yaml = api(
      "{ enabled: true, customDomains: [{ domainName: a.example.com, customCertificateArn: 'arn:aws:acm:us-east-1:999999999999:certificate/x-1' }] }",
    );
    expect(outcome(yaml, { ...TARGET, stackName: "a--shop--dev", tenancy: scope }).problems).toEqual([
      {
        path: "resources.api",
        message: expect.stringContaining("in account 999999999999, outside Switchyard"),
      },
    ]);
  });
});

describe("the local engine", () => {
  let world: Awaited<ReturnType<typeof localWorld>>;
  beforeAll(async () => {
    world = await localWorld();
  });
  afterAll(() => world.close());

  it("records the distribution and gives its domain as an output", async () => {
    // The certificate in the local engine's account.
    const yaml = fixture("cdn").replace("acm:us-east-1:123456789012", "acm:us-east-1:000000000000");
    const { template, parameters } = compiled(yaml, "a--shop");
    await world.deployer.start({
      stackName: "a--shop-dev",
      template,
      parameters,
      token: "cdn-1",
      tenancy: { ...scope, account: "000000000000", region: "us-east-1" },
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "a--shop-dev", token: "cdn-1" });
    expect(status.reason).toBeUndefined();
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
    expect(status.outputs?.SearchCdnCanonicalDomain).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/);
  });
});
