/**
 * Domains registered to teams (Switchyard's `stacktape domain-add`), over HTTP: platform admins
 * register them, members read them, other teams see nothing of them; a custom domain under one
 * compiles and deploys as Stacktape's (domain, mapping, alias record in the registered zone, the
 * registered certificate); and no team can attach or point a name under another team's domain or an
 * unregistered one, not with a custom domain, an override or a raw resource.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

let server: TestServer;
let team: string;
let other: string;
let keys: { viewer: string; maintainer: string; other: string };
const ZONE = "Z0123456789SHOPZONE";
// In the local engine's account: a registered certificate is the platform's, in the stacks' account.
const CERT = "arn:aws:acm:eu-west-1:000000000000:certificate/0a1b2c3d-0000-4000-8000-0000000000aa";
const CDN_CERT = "arn:aws:acm:us-east-1:000000000000:certificate/0a1b2c3d-0000-4000-8000-0000000000bb";

beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  other = await createTeam(server);
  keys = {
    viewer: await createKey(server, team, "viewer"),
    maintainer: await createKey(server, team, "maintainer"),
    other: await createKey(server, other, "maintainer"),
  };
});
afterAll(() => server.close());

const domainPath = (t: string, domain: string) => `/v1/teams/${t}/domains/${domain}`;
const register = (t: string, domain: string, body: Record<string, unknown>, key = server.adminKey) =>
  server.fetch(domainPath(t, domain), jsonRequest(key, "PUT", body));

const api = (domain: string, extra = "") =>
  `resources:\n  api:\n    type: http-api-gateway\n    properties:\n      customDomains:\n        - domainName: ${domain}\n${extra}`;

async function validate(key: string, yaml: string) {
  const res = await server.fetch("/v1/validate", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body: yaml,
  });
  return { status: res.status, body: await bodyOf(res) };
}

describe("a team's domains", () => {
  it("are registered by platform admins only, with the hosted zone and certificates, and audited", async () => {
    expect((await register(team, "shop.example.com", { hostedZoneId: ZONE }, keys.maintainer)).status).toBe(
      403,
    );
    const bad = await register(team, "shop.example.com", { hostedZoneId: ZONE, cdnCertificateArn: CERT });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).errors[0]).toMatchObject({ path: "json.cdnCertificateArn" });
    expect((await register(team, "not a domain", { hostedZoneId: ZONE })).status).toBe(400);

    const created = await register(team, "Shop.Example.com", {
      hostedZoneId: `/hostedzone/${ZONE}`,
      certificateArn: CERT,
      cdnCertificateArn: CDN_CERT,
    });
    expect(created.status).toBe(201);
    expect(await bodyOf(created)).toMatchObject({
      name: "shop.example.com",
      team,
      hostedZoneId: ZONE,
      certificateArn: CERT,
      cdnCertificateArn: CDN_CERT,
      registeredBy: "admin-env",
    });
    const again = await register(team, "shop.example.com", {
      hostedZoneId: ZONE,
      certificateArn: CERT,
      cdnCertificateArn: CDN_CERT,
    });
    expect(again.status).toBe(200);

    const audit = await bodyOf(
      await server.fetch(`/v1/teams/${team}/audit?action=domain.register`, {
        headers: bearer(keys.maintainer),
      }),
    );
    expect(audit.items[0]).toMatchObject({
      action: "domain.register",
      target: { kind: "domain", id: "shop.example.com" },
      actor: { platformAdmin: true },
      details: { hostedZoneId: ZONE, certificateArn: CERT, replaced: { hostedZoneId: ZONE } },
    });
  });

  it("are read by the team's members; another team sees none of them", async () => {
    const list = await server.fetch(`/v1/teams/${team}/domains`, { headers: bearer(keys.viewer) });
    expect(list.status).toBe(200);
    expect((await bodyOf(list)).items.map((d: { name: string }) => d.name)).toEqual(["shop.example.com"]);
    const one = await server.fetch(domainPath(team, "shop.example.com"), { headers: bearer(keys.viewer) });
    expect((await bodyOf(one)).hostedZoneId).toBe(ZONE);
    expect((await server.fetch(`/v1/teams/${team}/domains`, { headers: bearer(keys.other) })).status).toBe(
      404,
    );
    // Under the other team's own path, the domain does not exist.
    const theirs = await server.fetch(domainPath(other, "shop.example.com"), { headers: bearer(keys.other) });
    expect(theirs.status).toBe(404);
    expect(
      (await bodyOf(await server.fetch(`/v1/teams/${other}/domains`, { headers: bearer(keys.other) }))).items,
    ).toEqual([]);
    const removeTheirs = await server.fetch(domainPath(other, "shop.example.com"), {
      method: "DELETE",
      headers: bearer(server.adminKey),
    });
    expect(removeTheirs.status).toBe(404);
  });

  it("belong to one team: the domain, those above it and under it cannot go to another", async () => {
    for (const domain of ["shop.example.com", "eu.shop.example.com", "example.com"]) {
      const res = await register(other, domain, { hostedZoneId: "Z0OTHERZONE" });
      expect(res.status, domain).toBe(409);
      expect((await bodyOf(res)).detail).toContain(`registered to team ${team}`);
    }
    // The same team may register a name under its domain with a zone of its own (delegated).
    expect((await register(team, "eu.shop.example.com", { hostedZoneId: "Z0EUZONE" })).status).toBe(201);
    expect(
      (
        await server.fetch(domainPath(team, "eu.shop.example.com"), {
          method: "DELETE",
          headers: bearer(server.adminKey),
        })
      ).status,
    ).toBe(204);
  });
});

describe("a custom domain under a registered domain", () => {
  it("compiles to Stacktape's domain, mapping and alias record, with the registered certificate", async () => {
    // /v1/validate compiles for stage "stage" unless told otherwise.
    const { status, body } = await validate(
      keys.maintainer,
      api("$Format('api-{}.shop.example.com', $Stage())"),
    );
    expect(status, JSON.stringify(body)).toBe(200);
    const r = body.template.Resources;
    expect(r.ApiDomain0DomainName.Properties).toEqual({
      DomainName: "api-stage.shop.example.com",
      DomainNameConfigurations: [{ CertificateArn: CERT, EndpointType: "REGIONAL" }],
    });
    expect(r.ApiDomain0ApiMapping.Properties).toMatchObject({ DomainName: { Ref: "ApiDomain0DomainName" } });
    expect(r.ApiDomain0RecordSet).toEqual({
      Type: "AWS::Route53::RecordSet",
      Properties: {
        HostedZoneId: ZONE,
        Name: "api-stage.shop.example.com",
        Type: "A",
        AliasTarget: {
          DNSName: { "Fn::GetAtt": ["ApiDomain0DomainName", "RegionalDomainName"] },
          HostedZoneId: { "Fn::GetAtt": ["ApiDomain0DomainName", "RegionalHostedZoneId"] },
        },
      },
    });
    expect(body.warnings).toEqual([]);
  });

  it("deploys on the embedded default, its record recorded with the stage", async () => {
    await createProject(server, team, "storefront");
    await postConfig(server, keys.maintainer, "storefront", api("api.shop.example.com"));
    const res = await server.fetch(
      "/v1/projects/storefront/stages/dev/deployments",
      jsonRequest(keys.maintainer, "POST", {}),
    );
    expect(res.status).toBe(202);
    const done = await settled(server, keys.viewer, (await bodyOf(res)).id);
    expect(done.status, JSON.stringify(done.reason)).toBe("SUCCEEDED");
    const created = (done.events as { logicalId: string; status: string }[])
      .filter((e) => e.status === "CREATE_COMPLETE")
      .map((e) => e.logicalId);
    expect(created).toEqual(
      expect.arrayContaining(["ApiDomain0DomainName", "ApiDomain0ApiMapping", "ApiDomain0RecordSet"]),
    );
  });
});

describe("a name that is not the team's", () => {
  it("is refused as a custom domain without a certificate, or with a record, at the domain's line", async () => {
    for (const [yaml, line] of [
      [api("api.shop.example.com"), 6],
      [
        api(
          "api.elsewhere.example.net",
          "          customCertificateArn: arn:aws:acm:eu-west-1:000000000000:certificate/x-1\n",
        ),
        6,
      ],
    ] as const) {
      const { status, body } = await validate(keys.other, yaml);
      expect(status).toBe(422);
      expect(body.errors).toEqual([
        {
          path: "resources.api.properties.customDomains.0.domainName",
          line,
          column: expect.any(Number),
          message: expect.stringContaining(`is not under a domain registered to team ${other}`),
        },
      ]);
    }
  });

  it("is refused when only attached, if it is under another team's domain", async () => {
    const { status, body } = await validate(
      keys.other,
      api(
        "api.shop.example.com",
        "          customCertificateArn: arn:aws:acm:eu-west-1:000000000000:certificate/x-1\n          disableDnsRecordCreation: true\n",
      ),
    );
    expect(status).toBe(422);
    expect(body.errors[0]).toMatchObject({
      path: "resources.api.properties.customDomains.0.domainName",
      message: expect.stringContaining("under a domain registered to another team"),
    });
    // An unregistered name may be attached with the team's own certificate and no record.
    const free = await validate(
      keys.other,
      api(
        "api.free.example.net",
        "          customCertificateArn: arn:aws:acm:eu-west-1:000000000000:certificate/x-1\n          disableDnsRecordCreation: true\n",
      ),
    );
    expect(free.status, JSON.stringify(free.body)).toBe(200);
  });

  it("cannot be reached by an override of the record or a raw record set", async () => {
    const moved = await validate(
      keys.maintainer,
      `${api("api.shop.example.com")}    overrides:\n      ApiDomain0RecordSet:\n        HostedZoneId: Z0SOMEONEELSE\n`,
    );
    expect(moved.status).toBe(422);
    expect(moved.body.errors).toEqual([
      expect.objectContaining({
        path: "resources.api.overrides.ApiDomain0RecordSet.HostedZoneId",
        message: expect.stringContaining(`may only go in ${ZONE}`),
      }),
    ]);
    const renamed = await validate(
      keys.maintainer,
      `${api("api.shop.example.com")}    overrides:\n      ApiDomain0RecordSet:\n        Name: www.bank.example.org\n`,
    );
    expect(renamed.body.errors).toEqual([
      expect.objectContaining({
        path: "resources.api.overrides.ApiDomain0RecordSet.Name",
        message: expect.stringContaining(
          `"www.bank.example.org", which is not under a domain registered to team ${team}`,
        ),
      }),
    ]);
    const raw = await validate(
      keys.other,
      `resources:\n  bus:\n    type: event-bus\ncloudformationResources:\n  Hijack:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      HostedZoneId: ${ZONE}\n      Name: www.shop.example.com\n      Type: CNAME\n      TTL: "60"\n      ResourceRecords: [attacker.example.net]\n`,
    );
    expect(raw.status).toBe(422);
    expect(raw.body.errors[0]).toMatchObject({
      path: "cloudformationResources.Hijack.Properties.Name",
      message: expect.stringContaining(`not under a domain registered to team ${other}`),
    });
  });

  it("is refused once the domain is removed from the team", async () => {
    expect(
      (
        await server.fetch(domainPath(team, "shop.example.com"), {
          method: "DELETE",
          headers: bearer(server.adminKey),
        })
      ).status,
    ).toBe(204);
    const res = await server.fetch(
      "/v1/projects/storefront/stages/dev/deployments",
      jsonRequest(keys.maintainer, "POST", {}),
    );
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors[0]).toMatchObject({
      path: "resources.api.properties.customDomains.0.domainName",
      message: expect.stringContaining(`not under a domain registered to team ${team}`),
    });
    const audit = await bodyOf(
      await server.fetch(`/v1/teams/${team}/audit?action=domain.remove`, {
        headers: bearer(keys.maintainer),
      }),
    );
    expect(audit.items[0]).toMatchObject({ target: { kind: "domain", id: "shop.example.com" } });
  });
});
