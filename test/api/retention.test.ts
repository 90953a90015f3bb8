/**
 * Retention on the embedded default (npm start's composition, through HTTP): old deployment history
 * and delivery logs go, by count and by age, while the stage's latest deployment and what a rollback
 * re-applies stay, and rollback keeps working. dynalite has no TTL: the expiry sweep deletes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalServer, startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { poll } from "../support/poll.js";

const DAY = 86_400_000;
let clock = Date.parse("2026-03-01T12:00:00Z");
let server: LocalServer;
let dir: string;
let key: string;
const adminKey = "sy_retention_admin_key_0123456789";

async function call(p: string, method = "GET", body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${key ?? adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const STAGE = "/v1/projects/orders/stages/dev";

async function settled(id: string): Promise<any> {
  const d = await poll(
    async () => (await call(`/v1/deployments/${id}`)).body,
    (b) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(b.status),
  );
  expect(d.status, JSON.stringify(d)).toBe("SUCCEEDED");
  return d;
}

async function deploy(configVersion: number): Promise<string> {
  // Deployments a minute apart: their ids (ULIDs) sort by time.
  clock += 60_000;
  const started = await call(`${STAGE}/deployments`, "POST", { configVersion });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  await settled(started.body.id);
  return started.body.id;
}

const history = async () => (await call(`${STAGE}/deployments?limit=100`)).body.items.map((d: any) => d.id);

/** What the table still holds of a deployment's stack events. */
async function storedEvents(id: string): Promise<number> {
  const out = await server.deps.table.doc.send(
    new QueryCommand({
      TableName: server.deps.table.name,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
      ExpressionAttributeValues: { ":pk": "PROJECT#retention/orders", ":p": `DEVENT#${id}#` },
    }),
  );
  return out.Items?.length ?? 0;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "switchyard-retention-"));
  server = await startLocal({
    port: 0,
    dataDir: dir,
    adminKey,
    log: silentLogger,
    print: () => {},
    now: () => new Date(clock),
    retention: { deployments: { count: 3, days: 1 }, deliveries: { count: 5, days: 2 } },
    sweep: { intervalMs: 10, stepPauseMs: 0 },
  });
  await call("/v1/teams", "POST", { name: "retention" });
  key = (await call("/v1/teams/retention/api-keys", "POST", { name: "ci", role: "admin" })).body.secret;
  await call("/v1/projects", "POST", { name: "orders" });
  const bus = (n: number) => ({
    config: {
      resources: {
        myEventBus: { type: "event-bus", properties: { archivation: { enabled: n === 1 } } },
        consumer: {
          type: "sqs-queue",
          properties: {
            events: [
              {
                type: "event-bus",
                properties: { eventBusName: "myEventBus", eventPattern: { source: ["shop"] } },
              },
            ],
          },
        },
      },
    },
  });
  expect((await call("/v1/projects/orders/configs", "POST", bus(1))).status).toBe(201);
  expect((await call("/v1/projects/orders/configs", "POST", bus(2))).status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("deployment history retention", () => {
  it("keeps the newest deployments of a stage and what rollback needs; rollback still works", async () => {
    const d1 = await deploy(1);
    const d2to6: string[] = [];
    for (let i = 0; i < 5; i++) d2to6.push(await deploy(2));
    const [d2, d3, d4, d5, d6] = d2to6 as [string, string, string, string, string];

    // The three newest stay; d1, beyond them, is what a rollback re-applies (the newest succeeded
    // deployment of another version than the stage runs), so it stays too.
    expect(await poll(history, (h) => h.length === 4)).toEqual([d6, d5, d4, d1]);
    expect((await call(`/v1/deployments/${d2}`)).status).toBe(404);
    expect((await call(`/v1/deployments/${d3}`)).status).toBe(404);
    // d2 changed the stack (d3-d6 found nothing to change): its stack events went with it.
    expect(await storedEvents(d2)).toBe(0);
    expect(await storedEvents(d1)).toBeGreaterThan(0);
    expect((await call(`/v1/deployments/${d1}`)).body.events.length).toBeGreaterThan(0);

    clock += 60_000;
    const rollback = await call(`${STAGE}/rollback`, "POST");
    expect(rollback.status, JSON.stringify(rollback.body)).toBe(202);
    const d7 = (await settled(rollback.body.id)).id;
    expect((await call(`/v1/deployments/${d7}`)).body).toMatchObject({ configVersion: 1, rollbackOf: d1 });
    expect((await call(STAGE)).body).toMatchObject({
      deployedConfigVersion: 1,
      lastSucceededDeploymentId: d7,
    });
    // d1 is no longer needed by a rollback (d6 is: it ran version 2) and is beyond the newest three.
    expect(await poll(history, (h) => h.length === 3)).toEqual([d7, d6, d5]);

    // Two days later, one more deployment: everything older than a day goes, but the rollback target.
    clock += 2 * DAY;
    const d8 = await deploy(2);
    expect(await poll(history, (h) => h.length === 2)).toEqual([d8, d7]);
    clock += 60_000;
    const again = await call(`${STAGE}/rollback`, "POST");
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(await settled(again.body.id)).toMatchObject({ configVersion: 1, rollbackOf: d7 });
  });

  it("never expires a stage's only deployment, however old", async () => {
    const started = await call("/v1/projects/orders/stages/solo/deployments", "POST", { configVersion: 2 });
    const only = (await settled(started.body.id)).id;
    clock += 30 * DAY;
    await server.sweeper.sweepNow();
    expect(
      (await call("/v1/projects/orders/stages/solo/deployments")).body.items.map((d: any) => d.id),
    ).toEqual([only]);
  });
});

describe("delivery log retention", () => {
  it("keeps each bus's newest deliveries and none older than their days", async () => {
    const bus = `${STAGE}/buses/myEventBus`;
    const deliveries = async () => (await call(`${bus}/deliveries?limit=100`)).body.items;
    for (let i = 0; i < 12; i++) {
      const sent = await call(`${bus}/events`, "POST", {
        entries: [{ source: "shop", "detail-type": "order", detail: { n: i } }],
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    }
    const kept = await deliveries();
    expect(kept).toHaveLength(5);
    // The newest survive: the last event published is the first delivery listed.
    expect(JSON.parse(kept[0].input).detail).toEqual({ n: 11 });

    clock += 3 * DAY;
    await server.sweeper.sweepNow();
    expect(await deliveries()).toEqual([]);
  });
});
