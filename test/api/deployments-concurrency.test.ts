import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDeployer, reconcileOnSettle } from "../../api/local/deployer/index.js";
import { LocalEventBridge } from "../../api/local/eventbridge/index.js";
import { createStore } from "../../api/store/index.js";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { createTestTable } from "../support/dynamo.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, gatedEngine, postConfig, settled } from "./deployments-support.js";

/**
 * One table, two "processes": server A's deployer applies through a gate the test holds shut (a
 * deployment stuck mid-way, then a deployer that dies); server B is a restart over the same data.
 */
let table: Awaited<ReturnType<typeof createTestTable>>;
let a: TestServer;
let gate: ReturnType<typeof gatedEngine>;
let team: string;
let key: string;
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  table = await createTestTable();
  gate = gatedEngine(new LocalEventBridge({ table, now: clock }));
  const deployer = new LocalDeployer({ engine: gate.api, table, now: clock });
  a = await startTestServer({ table, store: createStore(table), deployer, now: clock });
  reconcileOnSettle(deployer, a.deps);
  team = await createTeam(a);
  key = await createKey(a, team, "deployer");
  await createProject(a, team, "shop");
  await postConfig(a, a.adminKey, "shop", "resources:\n  orders:\n    type: event-bus\n");
});
afterAll(async () => {
  await a.close();
  table.destroy();
});

const deploy = (server: TestServer, stage: string) =>
  server.fetch(`/v1/projects/shop/stages/${stage}/deployments`, jsonRequest(key, "POST"));

describe("one deployment per stage at a time", () => {
  it("accepts exactly one of two concurrent deployments; the other gets 409 naming it", async () => {
    const responses = await Promise.all([deploy(a, "dev"), deploy(a, "dev")]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = await bodyOf(responses.find((r) => r.status === 202)!);
    const refused = await bodyOf(responses.find((r) => r.status === 409)!);
    expect(refused.type).toMatch(/\/conflict$/);
    expect(refused.runningDeploymentId).toBe(accepted.id);
    expect(refused.detail).toContain(accepted.id);

    // Still held while it runs; free again once it ends.
    expect((await deploy(a, "dev")).status).toBe(409);
    gate.open();
    expect(await settled(a, key, accepted.id)).toMatchObject({ status: "SUCCEEDED" });
    const next = await deploy(a, "dev");
    expect(next.status).toBe(202);
    expect(await settled(a, key, (await bodyOf(next)).id)).toMatchObject({ status: "SUCCEEDED", noop: true });
  });
});

describe("a deployer that dies mid-way", () => {
  it("leaves a lock that expires, and a deployment that reconciles to a terminal status", async () => {
    // A deployment on qa stuck mid-way: the engine never answers again (the process is dying).
    const stuckGate = gatedEngine(new LocalEventBridge({ table, now: clock }));
    const dying = new LocalDeployer({ engine: stuckGate.api, table, now: clock });
    const a2 = await startTestServer({
      table,
      store: createStore(table),
      deployer: dying,
      now: clock,
      adminKey: a.adminKey,
    });
    reconcileOnSettle(dying, a2.deps);
    const res = await deploy(a2, "qa");
    expect(res.status).toBe(202);
    const stuck = await bodyOf(res);
    expect(stuck.status).toBe("IN_PROGRESS");
    expect((await deploy(a2, "qa")).status).toBe(409);

    // Past the lease, the stage can be taken again (here while the old operation still "runs" in A,
    // so the new one fails like CloudFormation refusing an update of a busy stack).
    offsetMs += 3 * 60_000;
    const afterLease = await deploy(a2, "qa");
    expect(afterLease.status).toBe(202);
    const refused = await settled(a2, key, (await bodyOf(afterLease)).id);
    expect(refused).toMatchObject({ status: "FAILED" });
    expect(refused.reason).toMatch(/CREATE_IN_PROGRESS state and can not be updated/);

    await a2.close();
    // A restarts as B over the same data: reading the stuck deployment reconciles it to FAILED.
    const b = await startTestServer({ table, store: createStore(table), now: clock, adminKey: a.adminKey });
    try {
      const reconciled = await settled(b, key, stuck.id);
      expect(reconciled.status).toBe("FAILED");
      expect(reconciled.reason).toMatch(/stopped while this operation was running/);
      expect(reconciled.finishedAt).toBeDefined();

      // And the stage deploys again from where the dead process left it.
      const again = await deploy(b, "qa");
      expect(again.status).toBe(202);
      expect(await settled(b, key, (await bodyOf(again)).id)).toMatchObject({ status: "SUCCEEDED" });
      const stage = await bodyOf(await b.fetch("/v1/projects/shop/stages/qa", jsonRequest(key, "GET")));
      expect(stage).toMatchObject({ status: "DEPLOYED", deployedConfigVersion: 1 });
      expect(stage.stackName).toBe(`${team}--shop--qa`);
      const bus = `${stage.stackName}-orders`;
      expect(stage.outputs.orders.arn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${bus}`);
      await expect(b.engine.describeEventBus({ Name: bus })).resolves.toMatchObject({ Name: bus });
    } finally {
      await b.close();
    }
  });
});

describe("the event stream of a long deployment", () => {
  it("ends after its time limit without `end`, and resumes after Last-Event-ID until the deployment ends", async () => {
    const slow = gatedEngine(new LocalEventBridge({ table, now: clock }));
    const deployer = new LocalDeployer({ engine: slow.api, table, now: clock });
    const c = await startTestServer({
      table,
      store: createStore(table),
      deployer,
      now: clock,
      adminKey: a.adminKey,
      deploymentSettings: { eventStreamMaxMs: 100, reconcileAfterMs: 0 },
    });
    reconcileOnSettle(deployer, c.deps);
    try {
      const accepted = await bodyOf(await deploy(c, "stream"));
      const stream = (lastEventId?: string) =>
        c.fetch(`/v1/deployments/${accepted.id}/events`, {
          headers: {
            authorization: `Bearer ${key}`,
            accept: "text/event-stream",
            ...(lastEventId ? { "last-event-id": lastEventId } : {}),
          },
        });
      const ids = (text: string) => [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);

      // Mid-way (the engine holds the first resource): what happened so far, then the cut.
      await untilFirstEvent(c, accepted.id);
      const firstPart = await (await stream()).text();
      expect(firstPart).toContain('"status":"CREATE_IN_PROGRESS"');
      expect(firstPart).not.toContain("event: end");
      const seen = ids(firstPart);
      expect(seen.length).toBeGreaterThan(0);

      slow.open();
      const rest = await (await stream(seen.at(-1))).text();
      expect(rest).toMatch(/event: end\ndata: \{[^\n]*"status":"SUCCEEDED"/);
      const resumed = ids(rest);
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed.filter((id) => seen.includes(id))).toEqual([]);
      expect(rest).toContain('"status":"CREATE_COMPLETE"');
    } finally {
      await c.close();
    }
  });
});

/** Polls until the stuck deployment's first stack event has been copied to the deployment. */
async function untilFirstEvent(server: TestServer, id: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const res = await server.fetch(`/v1/deployments/${id}/events`, jsonRequest(key, "GET"));
    if ((await bodyOf(res)).items.length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no events");
}
