/**
 * A whole Stacktape project (examples/event-driven-pipeline.yaml: an API, a bus, a queue with its
 * worker, a topic with its notifier, a batch job, a scheduled function) deployed on the embedded
 * default, then used: published events reach the queue, the topic and the batch job as recorded
 * deliveries, and the schedule fires on the engine's clock, which the test drives.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let stage: DeployedStage;

beforeAll(async () => {
  server = await startTestServer();
  const yaml = await readFile(new URL("../../examples/event-driven-pipeline.yaml", import.meta.url), "utf8");
  stage = await deployToStage(server, yaml);
  expect(stage.deployment.status, JSON.stringify(stage.deployment.reason)).toBe("SUCCEEDED");
});
afterAll(() => server.close());

const call = async (path: string, init: RequestInit = {}) => {
  const res = await server.fetch(path, { ...init, headers: { ...bearer(stage.key), ...init.headers } });
  return { status: res.status, body: await bodyOf(res) };
};

describe("an event-driven Stacktape project on the embedded default", () => {
  it("deploys whole and records the outputs Stacktape's params name", () => {
    const created = new Set(
      (stage.deployment.events as { logicalId: string; status: string }[])
        .filter((e) => e.status === "CREATE_COMPLETE")
        .map((e) => e.logicalId),
    );
    for (const id of [
      "WorkEvent0Rule",
      "AlertsEvent0Rule",
      "AlertsTopicPolicy",
      "WorkerEvent0EventSourceMapping",
      "NotifierEvent0Subscription",
      "SweeperEvent0Rule",
      "ReportEvent0Rule",
    ])
      expect(created, id).toContain(id);
    expect(Object.keys(stage.stage.outputs.alerts)).toEqual(["arn", "name"]);
  });

  it("delivers published events to the queue, the topic and the batch job, each recorded", async () => {
    const busPath = `${stage.stagePath}/buses/orders`;
    const published = await call(
      `${busPath}/events`,
      jsonRequest(stage.key, "POST", {
        entries: [
          { source: "shop.orders", "detail-type": "order.placed", detail: { orderId: "o-1", total: 1500 } },
          { source: "shop.orders", "detail-type": "order.failed", detail: { orderId: "o-2", total: 5 } },
        ],
      }),
    );
    expect(published.body.failedEntryCount).toBe(0);
    const deliveries = await poll(
      () => call(`${busPath}/deliveries`),
      (r) => r.body.items?.length === 3,
    );
    const byRule = Object.fromEntries(
      (deliveries.body.items as { rule: string; targetArn: string; input: string }[]).map((d) => [
        // Rules carry their physical names: <stack>-<resource>-event-<i>.
        d.rule.replace(/^.*--dev-/, "").replace(/-event-\d+$/, ""),
        { target: d.targetArn, orderId: JSON.parse(d.input).detail.orderId },
      ]),
    );
    expect(byRule.work).toEqual({ target: expect.stringMatching(/:sqs:.*-work$/), orderId: "o-1" });
    expect(byRule.alerts).toEqual({ target: expect.stringMatching(/:sns:.*-alerts$/), orderId: "o-2" });
    expect(byRule.report).toEqual({ target: expect.stringMatching(/:states:/), orderId: "o-1" });
  });

  it("fires the scheduled function on the engine's clock, with the schedule's input", async () => {
    const start = new Date("2030-01-01T00:00:00.000Z");
    await server.engine.runSchedules(start);
    expect(await server.engine.runSchedules(new Date("2030-01-01T02:30:00.000Z"))).toBe(2);
    const fired = await server.engine.listDeliveries("default", { limit: 10 });
    const sweeps = fired.items.filter((d) => d.targetArn.endsWith("-sweeper"));
    expect(sweeps.map((d) => [d.deliveredAt, JSON.parse(d.input)])).toEqual([
      ["2030-01-01T02:00:00.000Z", { task: "sweep" }],
      ["2030-01-01T01:00:00.000Z", { task: "sweep" }],
    ]);
  });
});
