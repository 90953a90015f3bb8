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
let key: string;
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

beforeAll(async () => {
  table = await createTestTable();
  gate = gatedEngine(new LocalEventBridge({ table, now: clock }));
  const deployer = new LocalDeployer({ engine: gate.api, table, now: clock });
  a = await startTestServer({ table, store: createStore(table), deployer, now: clock });
  reconcileOnSettle(deployer, a.deps);
  const team = await createTeam(a);
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
      expect(stage.outputs.orders.arn).toBe("arn:aws:events:us-east-1:000000000000:event-bus/shop-qa-orders");
      await expect(b.engine.describeEventBus({ Name: "shop-qa-orders" })).resolves.toMatchObject({
        Name: "shop-qa-orders",
      });
    } finally {
      await b.close();
    }
  });
});
