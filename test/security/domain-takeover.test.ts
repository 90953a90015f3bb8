/**
 * Host-name takeover: team A has shop.example.com registered (its hosted zone and certificates);
 * team B, with a domain of its own, tries to serve or point a name under A's domain, or to write
 * into A's hosted zone: as a custom domain of its API or CDN, by overriding its own record, or with
 * raw Route 53 and ACM resources. Each is refused by preview, deploy and validate alike, located at
 * the config element that names A's host or zone, and A's stage stays as it was.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTenancy } from "../../api/compiler/tenancy/index.js";
import type { TenantScope } from "../../api/compiler/tenancy/scope.js";
import { jsonRequest } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { type Bystander, bystanderTeam, type Hostile, hostileTeam, refusedEverywhere } from "./support.js";

let server: TestServer;
let a: Bystander;
let b: Hostile;
const A_ZONE = "Z0AAAAAAAASHOPZONE";
const B_ZONE = "Z0BBBBBBBBOWNZONE";
const CERT = "arn:aws:acm:us-east-1:000000000000:certificate/0a1b2c3d-0000-4000-8000-0000000000cc";

beforeAll(async () => {
  server = await startTestServer();
  a = await bystanderTeam(server);
  b = await hostileTeam(server);
  const register = async (team: string, domain: string, hostedZoneId: string) => {
    const res = await server.fetch(
      `/v1/teams/${team}/domains/${domain}`,
      jsonRequest(server.adminKey, "PUT", { hostedZoneId, certificateArn: CERT, cdnCertificateArn: CERT }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
  };
  await register(a.team, "shop.example.com", A_ZONE);
  await register(b.team, "b.example.net", B_ZONE);
});
afterAll(async () => {
  await a.assertUntouched();
  await server.close();
});

const refused = (yaml: string) => refusedEverywhere(server, b, yaml);
const api = (domain: string, extra = "") =>
  `resources:\n  api:\n    type: http-api-gateway\n    properties:\n      customDomains:\n        - domainName: ${domain}\n${extra}`;
const raw = (type: string, properties: string) =>
  `resources:\n  bus:\n    type: event-bus\ncloudformationResources:\n  Grab:\n    Type: ${type}\n    Properties:\n${properties}`;

describe("team B", () => {
  it("cannot take a name under A's domain as its API's custom domain, however it writes it", async () => {
    for (const host of ["api.shop.example.com", "API.Shop.Example.COM.", "shop.example.com"]) {
      const errors = await refused(api(`"${host}"`));
      expect(errors, host).toEqual([
        expect.objectContaining({
          path: "resources.api.properties.customDomains.0.domainName",
          line: 6,
          message: expect.stringContaining(`is not under a domain registered to team ${b.team}`),
        }),
      ]);
    }
  });

  it("cannot attach A's name with a certificate of its own and no record, to its API or its CDN", async () => {
    const own = `          customCertificateArn: ${CERT}\n          disableDnsRecordCreation: true\n`;
    expect(await refused(api("www.shop.example.com", own))).toEqual([
      expect.objectContaining({
        path: "resources.api.properties.customDomains.0.domainName",
        message: expect.stringContaining("under a domain registered to another team"),
      }),
    ]);
    const cdn = `resources:\n  api:\n    type: http-api-gateway\n    properties:\n      cdn:\n        enabled: true\n        customDomains:\n          - domainName: www.shop.example.com\n            customCertificateArn: ${CERT}\n            disableDnsRecordCreation: true\n`;
    expect(await refused(cdn)).toEqual([
      expect.objectContaining({
        path: "resources.api.properties.cdn.customDomains.0.domainName",
        message: expect.stringContaining("under a domain registered to another team"),
      }),
    ]);
  });

  it("cannot move its own record into A's zone or onto A's name by overrides", async () => {
    const mine = api("api.b.example.net");
    expect(
      await refused(`${mine}    overrides:\n      ApiDomain0RecordSet:\n        HostedZoneId: ${A_ZONE}\n`),
    ).toEqual([
      expect.objectContaining({
        path: "resources.api.overrides.ApiDomain0RecordSet.HostedZoneId",
        message: expect.stringContaining(`may only go in ${B_ZONE}`),
      }),
    ]);
    expect(
      await refused(
        `${mine}    overrides:\n      ApiDomain0RecordSet:\n        Name: www.shop.example.com\n`,
      ),
    ).toEqual([
      expect.objectContaining({
        path: "resources.api.overrides.ApiDomain0RecordSet.Name",
        message: expect.stringContaining("not under a domain registered to team"),
      }),
    ]);
  });

  it("cannot write A's zone with raw record sets, record set groups or certificate validation", async () => {
    const cases: [string, string, string][] = [
      [
        "AWS::Route53::RecordSet",
        `      HostedZoneId: ${A_ZONE}\n      Name: www.shop.example.com\n      Type: CNAME\n      TTL: "60"\n      ResourceRecords: [evil.example.org]\n`,
        "cloudformationResources.Grab.Properties.Name",
      ],
      [
        "AWS::Route53::RecordSet",
        `      HostedZoneName: shop.example.com.\n      Name: www.b.example.net\n      Type: CNAME\n      TTL: "60"\n      ResourceRecords: [evil.example.org]\n`,
        "cloudformationResources.Grab.Properties.HostedZoneName",
      ],
      [
        "AWS::Route53::RecordSetGroup",
        `      HostedZoneId: ${A_ZONE}\n      RecordSets:\n        - Name: www.b.example.net\n          Type: CNAME\n          TTL: "60"\n          ResourceRecords: [evil.example.org]\n`,
        "cloudformationResources.Grab.Properties.HostedZoneId",
      ],
      [
        "AWS::CertificateManager::Certificate",
        `      DomainName: shop.example.com\n      ValidationMethod: DNS\n      DomainValidationOptions:\n        - DomainName: shop.example.com\n          HostedZoneId: ${A_ZONE}\n`,
        "cloudformationResources.Grab.Properties.DomainName",
      ],
    ];
    for (const [type, properties, path] of cases) {
      const errors = await refused(raw(type, properties));
      expect(
        errors.map((e) => e.path),
        `${type} ${path}`,
      ).toContain(path);
    }
  });
});

describe("the host-name check, on any name", () => {
  const scopeB: TenantScope = {
    team: "b",
    namePrefixes: ["b--"],
    sharedBuses: [],
    allowed: [],
    domains: [{ name: "b.example.net", hostedZoneId: B_ZONE }],
    foreignDomains: ["shop.example.com"],
  };
  const check = (Type: string, Properties: Record<string, unknown>) =>
    checkTenancy({ resources: { R: { Type, Properties } }, scope: scopeB, stack: "b--p--dev" });
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  /** A name under `domain`, in any case, with or without the trailing dot. */
  const under = (domain: string) =>
    fc.tuple(fc.array(label, { maxLength: 3 }), fc.boolean(), fc.boolean()).map(([labels, upper, dot]) => {
      const host = [...labels, domain].join(".");
      return `${upper ? host.toUpperCase() : host}${dot ? "." : ""}`;
    });

  it("refuses every record outside the team's domains or zone, and takes every one inside", () => {
    fc.assert(
      fc.property(under("shop.example.com"), under("b.example.net"), (theirs, mine) => {
        const record = (Name: string, HostedZoneId: string) => ({ Name, HostedZoneId, Type: "A", TTL: "60" });
        expect(check("AWS::Route53::RecordSet", record(theirs, A_ZONE))).toHaveLength(1);
        expect(check("AWS::Route53::RecordSet", record(theirs, B_ZONE))).toHaveLength(1);
        expect(check("AWS::Route53::RecordSet", record(mine, A_ZONE))).toHaveLength(1);
        expect(check("AWS::Route53::RecordSet", record(mine, `/hostedzone/${B_ZONE}`))).toEqual([]);
        expect(check("AWS::ApiGatewayV2::DomainName", { DomainName: theirs })).toHaveLength(1);
        expect(check("AWS::ApiGatewayV2::DomainName", { DomainName: mine })).toEqual([]);
      }),
    );
  });

  it("refuses names and lists it cannot resolve before deployment", () => {
    const split = { "Fn::Split": [",", "www.shop.example.com"] };
    expect(check("AWS::CloudFront::Distribution", { DistributionConfig: { Aliases: split } })).toEqual([
      expect.objectContaining({ property: ["DistributionConfig", "Aliases"] }),
    ]);
    expect(
      check("AWS::Route53::RecordSetGroup", {
        HostedZoneId: B_ZONE,
        RecordSets: { "Fn::If": ["c", [{ Name: "www.shop.example.com" }], []] },
      }),
    ).toEqual([expect.objectContaining({ property: ["RecordSets"] })]);
    expect(
      check("AWS::Route53::RecordSet", { HostedZoneId: B_ZONE, Name: { "Fn::ImportValue": "x" }, Type: "A" }),
    ).toEqual([expect.objectContaining({ property: ["Name"] })]);
  });
});
