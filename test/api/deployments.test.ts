import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

/** An event bus and a function subscribed to it, as a user would post it. */
const BUS_AND_FUNCTION = `
resources:
  orders:
    type: event-bus
  consumer:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties: { entryfilePath: src/consumer.ts }
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            eventPattern: { source: [shop.orders] }
`;
const WITH_ARCHIVE = BUS_AND_FUNCTION.replace(
  "    type: event-bus\n  consumer",
  "    type: event-bus\n    properties:\n      archivation: { enabled: true, retentionDays: 3 }\n  consumer",
);

let server: TestServer;
let team: string;
let deployer: string;
let viewer: string;
let outsider: string;
const project = "shop";
/** The stage's stack: in the team's namespace, which is the team's name here. */
const stack = () => `${team}--${project}--dev`;

beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  deployer = await createKey(server, team, "deployer");
  viewer = await createKey(server, team, "viewer");
  outsider = await createKey(server, await createTeam(server), "admin");
  await createProject(server, team, project);
});
afterAll(() => server.close());

const post = (path: string, key: string, body?: unknown) =>
  server.fetch(path, jsonRequest(key, "POST", body));
const get = async (path: string, key = viewer) => {
  const res = await server.fetch(path, jsonRequest(key, "GET"));
  return { status: res.status, body: await bodyOf(res) };
};

describe("a stage's life on the embedded engine, over HTTP", () => {
  const ids = { first: "", noop: "", archived: "" };
  let busArn: string;
  let archiveArn: string;

  it("deploys a bus and a subscribed function to dev: 202, then SUCCEEDED with the bus ARN in the outputs", async () => {
    await postConfig(server, server.adminKey, project, BUS_AND_FUNCTION);
    const res = await post(`/v1/projects/${project}/stages/dev/deployments`, deployer);
    expect(res.status).toBe(202);
    const accepted = await bodyOf(res);
    expect(accepted).toMatchObject({
      project,
      stage: "dev",
      kind: "deploy",
      configVersion: 1,
      stackName: stack(),
    });
    expect(["PENDING", "IN_PROGRESS", "SUCCEEDED"]).toContain(accepted.status);
    expect(res.headers.get("location")).toBe(`/v1/deployments/${accepted.id}`);
    ids.first = accepted.id;

    const done = await settled(server, viewer, accepted.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
    expect(done.finishedAt).toBeDefined();
    expect(done.events.map((e: { status: string }) => e.status)).toContain("CREATE_COMPLETE");

    const stage = await get(`/v1/projects/${project}/stages/dev`);
    expect(stage.status).toBe(200);
    expect(stage.body).toMatchObject({
      status: "DEPLOYED",
      deployed: true,
      deployedConfigVersion: 1,
      stackName: stack(),
      lastDeployment: { id: accepted.id, status: "SUCCEEDED" },
    });
    busArn = stage.body.outputs.orders.arn;
    expect(busArn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${stack()}-orders`);
    expect(stage.body.outputs.orders.archiveArn).toBeUndefined();

    // The function is subscribed: a rule on the bus targets the function's ARN.
    const rules = await server.engine.listRules({ EventBusName: `${stack()}-orders` });
    expect(rules.Rules).toHaveLength(1);
    const targets = await server.engine.listTargetsByRule({
      Rule: rules.Rules![0]!.Name!,
      EventBusName: busArn,
    });
    expect(targets.Targets?.[0]?.Arn).toBe(stage.body.outputs.consumer.arn);
    expect(stage.body.outputs.consumer.arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:/);
  });

  it("deploys the same version again as a no-op success", async () => {
    const res = await post(`/v1/projects/${project}/stages/dev/deployments`, deployer, { configVersion: 1 });
    expect(res.status).toBe(202);
    ids.noop = (await bodyOf(res)).id;
    const done = await settled(server, viewer, ids.noop);
    expect(done).toMatchObject({ status: "SUCCEEDED", noop: true, configVersion: 1 });
    expect(done.events).toEqual([]);
  });

  it("previews a config with archivation on as an added archive, and deploys it", async () => {
    const version = await postConfig(server, server.adminKey, project, WITH_ARCHIVE);
    const preview = await post(`/v1/projects/${project}/stages/dev/previews`, deployer, {});
    expect(preview.status).toBe(200);
    const body = await bodyOf(preview);
    expect(body.configVersion).toBe(version);
    expect(body.changes).toEqual([
      { action: "Add", logicalId: "OrdersArchive", resourceType: "AWS::Events::Archive" },
    ]);
    // A preview changes nothing.
    expect((await get(`/v1/projects/${project}/stages/dev`)).body.outputs.orders.archiveArn).toBeUndefined();

    const res = await post(`/v1/projects/${project}/stages/dev/deployments`, deployer);
    ids.archived = (await bodyOf(res)).id;
    expect(await settled(server, viewer, ids.archived)).toMatchObject({
      status: "SUCCEEDED",
      configVersion: version,
    });
    const stage = await get(`/v1/projects/${project}/stages/dev`);
    archiveArn = stage.body.outputs.orders.archiveArn;
    expect(archiveArn).toMatch(/^arn:aws:events:us-east-1:000000000000:archive\//);
    expect(stage.body.outputs.orders.arn).toBe(busArn);
    const archive = await server.engine.describeArchive({ ArchiveName: archiveArn.split("/").pop() });
    expect(archive).toMatchObject({ EventSourceArn: busArn, RetentionDays: 3 });
  });

  it("streams a deployment's events as server-sent events until it ends", async () => {
    const res = await server.fetch(`/v1/deployments/${ids.archived}/events`, {
      headers: { authorization: `Bearer ${viewer}`, accept: "text/event-stream" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toContain("event: stack-event");
    expect(text).toContain('"logicalId":"OrdersArchive"');
    expect(text).toMatch(/event: end\ndata: \{[^\n]*"status":"SUCCEEDED"/);

    const list = await get(`/v1/deployments/${ids.archived}/events`);
    expect(
      list.body.items.map((e: { logicalId: string; status: string }) => `${e.logicalId}:${e.status}`),
    ).toEqual([
      `${stack()}:UPDATE_IN_PROGRESS`,
      "OrdersArchive:CREATE_IN_PROGRESS",
      "OrdersArchive:CREATE_COMPLETE",
      `${stack()}:UPDATE_COMPLETE_CLEANUP_IN_PROGRESS`,
      `${stack()}:UPDATE_COMPLETE`,
    ]);
  });

  it("rolls back to the previous version: the archive is gone", async () => {
    const res = await post(`/v1/projects/${project}/stages/dev/rollback`, deployer);
    expect(res.status).toBe(202);
    const accepted = await bodyOf(res);
    // It re-applies the newest succeeded deployment of version 1 (the no-op one, same template).
    expect(accepted).toMatchObject({ kind: "rollback", configVersion: 1, rollbackOf: ids.noop });
    expect(res.headers.get("location")).toBe(`/v1/deployments/${accepted.id}`);
    expect(await settled(server, viewer, accepted.id)).toMatchObject({ status: "SUCCEEDED" });
    const stage = await get(`/v1/projects/${project}/stages/dev`);
    expect(stage.body).toMatchObject({ status: "DEPLOYED", deployedConfigVersion: 1 });
    expect(stage.body.outputs.orders.archiveArn).toBeUndefined();
    await expect(
      server.engine.describeArchive({ ArchiveName: archiveArn.split("/").pop() }),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("lists the stage's deployments newest first, paged", async () => {
    const first = await get(`/v1/projects/${project}/stages/dev/deployments?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((d: { kind: string }) => d.kind)).toEqual(["rollback", "deploy"]);
    expect(first.body.nextCursor).toBeDefined();
    const second = await get(
      `/v1/projects/${project}/stages/dev/deployments?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((d: { configVersion: number }) => d.configVersion)).toEqual([1, 1]);
    expect(second.body.items.at(-1).id).toBe(ids.first);
    const stages = await get(`/v1/projects/${project}/stages`);
    expect(stages.body.items).toHaveLength(1);
    expect(stages.body.items[0]).toMatchObject({
      stage: "dev",
      status: "DEPLOYED",
      deployedConfigVersion: 1,
    });
  });

  it("tears the stage down: the stage ends DELETED and the bus is gone from the engine", async () => {
    const res = await server.fetch(`/v1/projects/${project}/stages/dev`, jsonRequest(deployer, "DELETE"));
    expect(res.status).toBe(202);
    const accepted = await bodyOf(res);
    expect(accepted.kind).toBe("teardown");
    expect(res.headers.get("location")).toBe(`/v1/deployments/${accepted.id}`);
    expect(await settled(server, viewer, accepted.id)).toMatchObject({
      status: "SUCCEEDED",
      stackStatus: "DELETE_COMPLETE",
    });
    const stage = await get(`/v1/projects/${project}/stages/dev`);
    expect(stage.body).toMatchObject({ status: "DELETED", deployed: false, outputs: {} });
    expect(stage.body.deployedConfigVersion).toBeUndefined();
    await expect(server.engine.describeEventBus({ Name: `${stack()}-orders` })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    // Nothing left to roll back from, nothing left to tear down.
    expect((await post(`/v1/projects/${project}/stages/dev/rollback`, deployer)).status).toBe(409);
    expect(
      (await server.fetch(`/v1/projects/${project}/stages/dev`, jsonRequest(deployer, "DELETE"))).status,
    ).toBe(409);
  });
});

describe("who may do what", () => {
  it("viewers read but may not deploy, preview, roll back or tear down", async () => {
    for (const [method, path] of [
      ["POST", `/v1/projects/${project}/stages/qa/deployments`],
      ["POST", `/v1/projects/${project}/stages/qa/previews`],
      ["POST", `/v1/projects/${project}/stages/qa/rollback`],
      ["DELETE", `/v1/projects/${project}/stages/qa`],
    ] as const) {
      const res = await server.fetch(path, jsonRequest(viewer, method));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await get(`/v1/projects/${project}/stages`)).status).toBe(200);
  });

  it("another team sees 404 for the project's stages and deployments, as for things that do not exist", async () => {
    const list = await get(`/v1/projects/${project}/stages/dev/deployments`, viewer);
    const id = list.body.items[0].id;
    expect((await get(`/v1/deployments/${id}`, outsider)).status).toBe(404);
    expect((await get(`/v1/deployments/${id}/events`, outsider)).status).toBe(404);
    expect((await get(`/v1/projects/${project}/stages/dev`, outsider)).status).toBe(404);
    expect((await post(`/v1/projects/${project}/stages/dev/deployments`, outsider)).status).toBe(404);
    const missing = await get("/v1/deployments/01JD5Z3M9X2Q8R7T6Y5W4V3Q2S", outsider);
    const theirs = await get(`/v1/deployments/${id}`, outsider);
    expect(theirs.body.type).toBe(missing.body.type);
  });

  it("needs a key", async () => {
    expect((await server.fetch(`/v1/projects/${project}/stages`)).status).toBe(401);
  });

  it("refuses bad stage names and unknown versions with problems", async () => {
    const bad = await post(`/v1/projects/${project}/stages/Dev_1/deployments`, deployer);
    expect(bad.status).toBe(400);
    const tooLong = await post(`/v1/projects/${project}/stages/abcdefghijklm/deployments`, deployer);
    expect(tooLong.status).toBe(400);
    const unknown = await post(`/v1/projects/${project}/stages/qa/deployments`, deployer, {
      configVersion: 99,
    });
    expect(unknown.status).toBe(404);
    expect((await bodyOf(unknown)).detail).toContain("99");
    expect((await get(`/v1/projects/${project}/stages/nope`)).status).toBe(404);
  });
});

describe("failures and retries over HTTP", () => {
  it("reports a failed deployment with the failing resource's reason, and the stage as FAILED", async () => {
    await createProject(server, team, "broken");
    await postConfig(
      server,
      server.adminKey,
      "broken",
      `
resources:
  orders:
    type: event-bus
cloudformationResources:
  StrayRule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: ${team}--no-such-bus
      EventPattern: { source: [x] }
`,
    );
    const res = await post("/v1/projects/broken/stages/dev/deployments", deployer);
    expect(res.status).toBe(202);
    const done = await settled(server, viewer, (await bodyOf(res)).id);
    expect(done.status).toBe("FAILED");
    expect(done.stackStatus).toBe("ROLLBACK_COMPLETE");
    expect(done.reason).toMatch(/^StrayRule: ResourceNotFoundException/);
    const stage = await get("/v1/projects/broken/stages/dev");
    expect(stage.body).toMatchObject({ status: "FAILED", outputs: {} });
    expect(stage.body.deployedConfigVersion).toBeUndefined();
    // Nothing succeeded before: nothing to roll back to.
    expect((await post("/v1/projects/broken/stages/dev/rollback", deployer)).status).toBe(409);
  });

  it("replays a deployment POST with the same Idempotency-Key, and refuses the key for another body", async () => {
    await createProject(server, team, "idem");
    await postConfig(server, server.adminKey, "idem", "resources:\n  orders:\n    type: event-bus\n");
    const send = (body: unknown) =>
      server.fetch("/v1/projects/idem/stages/dev/deployments", {
        method: "POST",
        headers: {
          authorization: `Bearer ${deployer}`,
          "content-type": "application/json",
          "idempotency-key": "k-1",
        },
        body: JSON.stringify(body),
      });
    const first = await send({ configVersion: 1 });
    expect(first.status).toBe(202);
    const again = await send({ configVersion: 1 });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await bodyOf(again)).id).toBe((await bodyOf(first)).id);
    expect((await send({ configVersion: 2 })).status).toBe(422);
    const list = await get("/v1/projects/idem/stages/dev/deployments");
    expect(list.body.items).toHaveLength(1);
  });

  it("answers a retried teardown with the same Idempotency-Key with the same deployment, not a second one", async () => {
    await createProject(server, team, "idem-down");
    await postConfig(server, server.adminKey, "idem-down", "resources:\n  orders:\n    type: event-bus\n");
    const deployed = await post("/v1/projects/idem-down/stages/dev/deployments", deployer);
    expect((await settled(server, viewer, (await bodyOf(deployed)).id)).status).toBe("SUCCEEDED");
    const teardown = () =>
      server.fetch("/v1/projects/idem-down/stages/dev", {
        method: "DELETE",
        headers: { authorization: `Bearer ${deployer}`, "idempotency-key": "down-1" },
      });
    const first = await teardown();
    expect(first.status).toBe(202);
    const id = (await bodyOf(first)).id;
    expect((await settled(server, viewer, id)).status).toBe("SUCCEEDED");
    // The client lost the first answer and retries after the teardown ended: the same deployment.
    const again = await teardown();
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/v1/deployments/${id}`);
    expect((await bodyOf(again)).id).toBe(id);
    const list = await get("/v1/projects/idem-down/stages/dev/deployments");
    expect(list.body.items.filter((d: { kind: string }) => d.kind === "teardown")).toHaveLength(1);
  });
});
