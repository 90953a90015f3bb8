import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartInput } from "../../api/deployments/port.js";
import { LOCAL_DEPLOYMENT_SETTINGS } from "../../api/local/deployer/index.js";
import { LocalStackStore } from "../../api/local/deployer/stack-store.js";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

const EU = {
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroupIds: ["sg-0123456789abcdef0"],
};

const BATCH_JOB = `resources:
  bus:
    type: event-bus
  nightly:
    type: batch-job
    properties:
      container:
        packaging: { type: prebuilt-image, properties: { image: public.ecr.aws/x/nightly:1 } }
      resources: { cpu: 1, memory: 512 }
      events:
        - type: event-bus
          properties: { eventBusName: bus, eventPattern: { source: [nightly] } }
`;

const put = (server: TestServer, key: string, body: unknown, headers: Record<string, string> = {}) =>
  server.fetch("/v1/settings/network", {
    method: "PUT",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("PUT and GET /v1/settings/network", () => {
  let server: TestServer;
  let teamAdmin: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer();
    const team = await createTeam(server);
    teamAdmin = await createKey(server, team, "admin");
    viewer = await createKey(server, team, "viewer");
  });
  afterAll(() => server.close());

  it("are for platform admins only: team keys get 403, no key 401", async () => {
    for (const key of [teamAdmin, viewer]) {
      expect((await server.fetch("/v1/settings/network", jsonRequest(key, "GET"))).status).toBe(403);
      expect((await put(server, key, { regions: { "eu-west-1": EU } })).status).toBe(403);
    }
    expect((await server.fetch("/v1/settings/network")).status).toBe(401);
    const res = await server.fetch("/v1/settings/network", jsonRequest(server.adminKey, "GET"));
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({ regions: {} });
    expect(res.headers.get("etag")).toBe('"network-0"');
  });

  it("store the settings per region and answer them with an ETag that guards the next PUT", async () => {
    const first = await put(
      server,
      server.adminKey,
      { regions: { "eu-west-1": EU } },
      { "if-match": '"network-0"' },
    );
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toBe('"network-1"');
    const read = await server.fetch("/v1/settings/network", jsonRequest(server.adminKey, "GET"));
    expect(await bodyOf(read)).toMatchObject({ regions: { "eu-west-1": EU }, updatedBy: expect.any(String) });
    expect(read.headers.get("etag")).toBe(etag);

    const withVpc = { "eu-west-1": { ...EU, vpcId: "vpc-0123456789abcdef0" }, "us-east-1": EU };
    const second = await put(server, server.adminKey, { regions: withVpc }, { "if-match": etag });
    expect(second.status).toBe(200);
    // The first ETag is now stale: a PUT based on it would lose the second one.
    const stale = await put(server, server.adminKey, { regions: {} }, { "if-match": etag });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("content-type")).toContain("application/problem+json");
    expect((await bodyOf(stale)).detail).toContain('"network-2"');
    const now = await bodyOf(await server.fetch("/v1/settings/network", jsonRequest(server.adminKey, "GET")));
    expect(now.regions).toEqual(withVpc);
  });

  it("let exactly one of two concurrent PUTs based on the same ETag win", async () => {
    const read = await server.fetch("/v1/settings/network", jsonRequest(server.adminKey, "GET"));
    const etag = read.headers.get("etag")!;
    const bodies = [{ "eu-north-1": EU }, { "eu-south-1": EU }];
    const results = await Promise.all(
      bodies.map((regions) => put(server, server.adminKey, { regions }, { "if-match": etag })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = bodies[results.findIndex((r) => r.status === 200)];
    const now = await bodyOf(await server.fetch("/v1/settings/network", jsonRequest(server.adminKey, "GET")));
    expect(now.regions).toEqual(winner);
  });

  it.each([
    [{ regions: { "eu-west-1": { ...EU, subnetIds: ["subnet-xyz"] } } }, "regions.eu-west-1.subnetIds.0"],
    [{ regions: { "eu-west-1": { ...EU, securityGroupIds: [] } } }, "regions.eu-west-1.securityGroupIds"],
    [
      { regions: { "eu-west-1": { ...EU, subnetIds: [EU.subnetIds[0], EU.subnetIds[0]] } } },
      "regions.eu-west-1.subnetIds",
    ],
    [{ regions: { "eu-west-1": { ...EU, vpcId: "vpc-1" } } }, "regions.eu-west-1.vpcId"],
    [{ regions: { Europe: EU } }, "regions.Europe"],
    [{ regions: { "eu-west-1": { ...EU, assignPublicIp: true } } }, "regions.eu-west-1"],
  ])("refuse malformed settings (%j → %s)", async (body, path) => {
    const res = await put(server, server.adminKey, body);
    expect(res.status).toBe(400);
    const problem = await bodyOf(res);
    // Paths are relative to the request part (json = the body).
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(`json.${path}`);
  });
});

describe("deploying a config that runs in the platform network", () => {
  let server: TestServer;
  let deployer: string;
  let nightlyTeam: string;
  const starts: StartInput[] = [];

  beforeAll(async () => {
    // As on Lambda: a known region, and no network implied by a local engine.
    const { localNetwork: _implied, ...settings } = LOCAL_DEPLOYMENT_SETTINGS;
    server = await startTestServer({ deploymentSettings: { ...settings, region: "eu-west-1" } });
    const start = server.localDeployer.start.bind(server.localDeployer);
    server.localDeployer.start = (input) => {
      starts.push(input);
      return start(input);
    };
    nightlyTeam = await createTeam(server);
    deployer = await createKey(server, nightlyTeam, "deployer");
    await createProject(server, nightlyTeam, "nightly");
    await postConfig(server, server.adminKey, "nightly", BATCH_JOB);
  });
  afterAll(() => server.close());

  it("fails before the deployer is called while the network is unset, saying what to set", async () => {
    const res = await server.fetch(
      "/v1/projects/nightly/stages/prod/deployments",
      jsonRequest(deployer, "POST", {}),
    );
    expect(res.status).toBe(422);
    const problem = await bodyOf(res);
    expect(problem.type).toMatch(/network-settings-missing$/);
    expect(problem.detail).toContain("region eu-west-1");
    expect(problem.detail).toContain("batch job nightly");
    expect(problem.detail).toContain("PUT /v1/settings/network");
    expect(problem.errors).toEqual([
      { path: "regions.eu-west-1.subnetIds", message: "needed by batch job nightly" },
      { path: "regions.eu-west-1.securityGroupIds", message: "needed by batch job nightly" },
    ]);
    expect(starts).toEqual([]);
    // The settings of another region do not count.
    expect((await put(server, server.adminKey, { regions: { "us-east-1": EU } })).status).toBe(200);
    const again = await server.fetch(
      "/v1/projects/nightly/stages/prod/deployments",
      jsonRequest(deployer, "POST", {}),
    );
    expect(again.status).toBe(422);
    expect(starts).toEqual([]);
  });

  it("fills the subnet and security-group Parameters from the region's settings once they are set", async () => {
    expect((await put(server, server.adminKey, { regions: { "eu-west-1": EU } })).status).toBe(200);
    const res = await server.fetch(
      "/v1/projects/nightly/stages/prod/deployments",
      jsonRequest(deployer, "POST", {}),
    );
    expect(res.status).toBe(202);
    const done = await settled(server, deployer, (await bodyOf(res)).id);
    expect(done.status).toBe("SUCCEEDED");
    expect(starts).toHaveLength(1);
    expect(starts[0]!.parameters).toMatchObject({
      PlatformSubnetIds: EU.subnetIds.join(","),
      PlatformSecurityGroupIds: EU.securityGroupIds.join(","),
    });
    const stack = await new LocalStackStore(server.deps.table).get(`${nightlyTeam}--nightly--prod`);
    const compute = stack!.resources.NightlyComputeEnvironment!.properties.ComputeResources as Record<
      string,
      unknown
    >;
    expect(compute.Subnets).toEqual(EU.subnetIds);
    expect(compute.SecurityGroupIds).toEqual(EU.securityGroupIds);
  });

  it("does not let a deployment choose subnets or security groups itself", async () => {
    const res = await server.fetch(
      "/v1/projects/nightly/stages/prod/deployments",
      jsonRequest(deployer, "POST", { artifacts: { platform: { subnetIds: ["subnet-0badbadbadbadbad0"] } } }),
    );
    expect(res.status).toBe(400);
    expect(starts).toHaveLength(1);
  });
});

describe("the local engine", () => {
  let server: TestServer;
  const project = `net-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    server = await startTestServer();
    await createProject(server, await createTeam(server), project);
    await postConfig(server, server.adminKey, project, BATCH_JOB);
  });
  afterAll(() => server.close());

  const deployAndRead = async (stage: string) => {
    const res = await server.fetch(
      `/v1/projects/${project}/stages/${stage}/deployments`,
      jsonRequest(server.adminKey, "POST", {}),
    );
    expect(res.status).toBe(202);
    expect((await settled(server, server.adminKey, (await bodyOf(res)).id)).status).toBe("SUCCEEDED");
    const { stackName } = await bodyOf(
      await server.fetch(`/v1/projects/${project}/stages/${stage}`, jsonRequest(server.adminKey, "GET")),
    );
    const stack = await new LocalStackStore(server.deps.table).get(stackName);
    return stack!.resources.NightlyComputeEnvironment!.properties.ComputeResources as Record<string, unknown>;
  };

  it("implies a network when none is set, and uses its own region's settings once a platform admin sets them", async () => {
    const implied = await deployAndRead("dev");
    expect(implied.Subnets).toEqual(LOCAL_DEPLOYMENT_SETTINGS.localNetwork!.implied.subnetIds);
    expect((await put(server, server.adminKey, { regions: { "us-east-1": EU } })).status).toBe(200);
    const set = await deployAndRead("qa");
    expect(set.Subnets).toEqual(EU.subnetIds);
    expect(set.SecurityGroupIds).toEqual(EU.securityGroupIds);
  });
});
