import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, jsonRequest } from "../support/auth.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * Deliveries counted per rule and target over a window on the embedded default, from the delivery
 * log: the same route and shape as on AWS (test/api/stage-health-aws.test.ts), through HTTP.
 */
const CONFIG = `resources:
  orders:
    type: event-bus
  auditor:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            eventPattern:
              source:
                - prefix: shop
  consumer:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/consumer.ts
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            eventPattern:
              source:
                - shop.orders
            retryPolicy:
              maximumRetryAttempts: 0
`;

let server: TestServer;
let deployed: DeployedStage;
let viewer: string;
let busPath: string;
const started = new Date(Date.now() - 1000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  deployed = await deployToStage(server, CONFIG);
  expect(deployed.deployment.status).toBe("SUCCEEDED");
  viewer = await createKey(server, deployed.team, "viewer");
  const deployer = await createKey(server, deployed.team, "deployer");
  busPath = `${deployed.stagePath}/buses/orders`;
  // The consumer's next delivery fails, and without retries or a dead-letter queue it is dropped.
  const drill = await server.fetch(
    `${busPath}/failure-drills`,
    jsonRequest(deployer, "PUT", { rule: "consumer", mode: "count", count: 1 }),
  );
  expect(drill.status).toBe(200);
  const entries = [1, 2, 3]
    .map((id) => ({ source: "shop.orders", "detail-type": "created", detail: { id } }))
    .concat([{ source: "shop.payments", "detail-type": "paid", detail: { id: 4 } }]);
  const published = await server.fetch(`${busPath}/events`, jsonRequest(deployer, "POST", { entries }));
  expect((await bodyOf(published)).failedEntryCount).toBe(0);
});
afterAll(() => server.close());

const counts = (c: Partial<Record<string, number>>) => ({
  matched: 0,
  delivered: 0,
  failed: 0,
  deadLettered: 0,
  throttled: 0,
  ...c,
});

describe("deliveries counted per rule and target", () => {
  it("counts each rule and its target over the window from the delivery log", async () => {
    const res = await server.fetch(`${busPath}/deliveries/counts?from=${started}`, {
      headers: bearer(viewer),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await bodyOf(res);
    expect(body.truncated).toBe(false);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBeGreaterThan(0);
    const byRule = Object.fromEntries(
      body.rules.map((r: any) => [r.rule.includes("consumer") ? "consumer" : "auditor", r]),
    );
    const consumer = counts({ matched: 3, delivered: 2, failed: 1 });
    expect(byRule.consumer).toEqual({
      rule: expect.stringContaining("consumer"),
      counts: consumer,
      targets: [
        { targetId: expect.any(String), targetArn: expect.stringContaining(":function:"), counts: consumer },
      ],
    });
    const auditor = counts({ matched: 4, delivered: 4 });
    expect(byRule.auditor).toEqual({
      rule: expect.stringContaining("auditor"),
      counts: auditor,
      targets: [
        { targetId: expect.any(String), targetArn: expect.stringContaining(":sqs:"), counts: auditor },
      ],
    });
  });

  it("takes a rule by its config name, and counts nothing outside the window", async () => {
    const one = await bodyOf(
      await server.fetch(`${busPath}/deliveries/counts?rule=consumer&from=${started}`, {
        headers: bearer(viewer),
      }),
    );
    expect(one.rules).toHaveLength(1);
    expect(one.rules[0].counts).toEqual(counts({ matched: 3, delivered: 2, failed: 1 }));
    const tenDaysBefore = new Date(Date.parse(started) - 10 * 86_400_000).toISOString();
    const before = await bodyOf(
      await server.fetch(`${busPath}/deliveries/counts?from=${tenDaysBefore}&to=${started}`, {
        headers: bearer(viewer),
      }),
    );
    expect(before.rules.map((r: any) => r.counts)).toEqual([counts({}), counts({})]);
  });

  it("refuses a window that ends before it starts, a rule the bus lacks, and other teams", async () => {
    const backwards = await server.fetch(
      `${busPath}/deliveries/counts?from=${new Date().toISOString()}&to=${started}`,
      { headers: bearer(viewer) },
    );
    expect(backwards.status).toBe(400);
    expect((await bodyOf(backwards)).errors[0].path).toBe("to");
    const unknown = await server.fetch(`${busPath}/deliveries/counts?rule=nobody`, {
      headers: bearer(viewer),
    });
    expect(unknown.status).toBe(404);
    const other = await deployToStage(server, "resources:\n  orders:\n    type: event-bus\n");
    const hidden = await server.fetch(`${busPath}/deliveries/counts`, { headers: bearer(other.key) });
    expect(hidden.status).toBe(404);
  });

  it("keeps the list of single deliveries as it was", async () => {
    const page = await bodyOf(
      await server.fetch(`${busPath}/deliveries?rule=consumer`, { headers: bearer(viewer) }),
    );
    expect(page.items).toHaveLength(3);
    expect(page.items.filter((d: any) => d.outcome === "failed")).toHaveLength(1);
  });
});
