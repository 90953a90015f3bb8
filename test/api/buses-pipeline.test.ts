/**
 * The shipped order pipeline (examples/order-pipeline.yaml) deployed by the local deployer, then
 * operated as a user does: events in either spelling of the detail type (one shape across publish,
 * match and test-pattern), deliveries filtered by the config's names, and a teardown that takes the
 * bus's delivery log with it.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let pipeline: DeployedStage;
let busPath: string;

beforeAll(async () => {
  server = await startTestServer();
  const yaml = await readFile(new URL("../../examples/order-pipeline.yaml", import.meta.url), "utf8");
  pipeline = await deployToStage(server, yaml);
  expect(pipeline.deployment.status, JSON.stringify(pipeline.deployment)).toBe("SUCCEEDED");
  busPath = `${pipeline.stagePath}/buses/orderEvents`;
});
afterAll(() => server.close());

const call = async (path: string, init: RequestInit = {}) => {
  const res = await server.fetch(path, { ...init, headers: { ...bearer(pipeline.key), ...init.headers } });
  return { status: res.status, body: await bodyOf(res) };
};
const post = (path: string, body: unknown) => call(path, jsonRequest(pipeline.key, "POST", body));
const deliveries = (rule?: string) =>
  call(`${busPath}/deliveries${rule === undefined ? "" : `?rule=${encodeURIComponent(rule)}`}`);

describe("one event shape", () => {
  it("publishes with detail-type (as events are written) or detailType, and delivers detail-type", async () => {
    const published = await post(`${busPath}/events`, {
      entries: [
        { source: "shop.orders", "detail-type": "order.placed", detail: { orderId: "o-1", total: 42 } },
        { source: "shop.orders", detailType: "order.shipped", detail: { orderId: "o-1" } },
      ],
    });
    expect(published).toMatchObject({ status: 200, body: { failedEntryCount: 0 } });

    const placed = await poll(
      () => deliveries("chargePayment"),
      (r) => r.body.items?.length === 1,
    );
    expect(JSON.parse(placed.body.items[0].input)).toMatchObject({
      source: "shop.orders",
      "detail-type": "order.placed",
      detail: { orderId: "o-1", total: 42 },
    });
    const shipped = await poll(
      () => deliveries("notifyCustomer.1"),
      (r) => r.body.items?.length === 1,
    );
    expect(JSON.parse(shipped.body.items[0].input)["detail-type"]).toBe("order.shipped");
  });

  it("refuses an entry with neither spelling, or with both, naming detail-type", async () => {
    for (const [entry, message] of [
      [{ source: "shop.orders", detail: {} }, "Required: the event's detail-type (or detailType)."],
      [
        { source: "shop.orders", "detail-type": "a", detailType: "b", detail: {} },
        "Give detail-type or detailType, not both.",
      ],
    ] as const) {
      const out = await post(`${busPath}/events`, { entries: [entry] });
      expect(out.status).toBe(400);
      expect(out.body.errors).toEqual([{ path: "json.entries.0.detail-type", message }]);
    }
  });

  it("matches and tests patterns on detail-type whichever spelling the event uses", async () => {
    for (const event of [
      { source: "shop.orders", "detail-type": "order.paid", detail: { total: 10 } },
      { source: "shop.orders", detailType: "order.paid", detail: { total: 10 } },
    ]) {
      const matched = await post(`${busPath}/match`, { event });
      expect(matched.status).toBe(200);
      expect(matched.body.rules.map((r: { name: string }) => r.name)).toEqual([
        `${pipeline.stage.stackName}-fulfilmentQueue-event-0`,
      ]);
      const tested = await post("/v1/test-pattern", { pattern: { "detail-type": ["order.paid"] }, event });
      expect(tested).toEqual({ status: 200, body: { matches: true } });
      // As text too (the form that keeps big numbers exact).
      const asText = await post("/v1/test-pattern", {
        pattern: { "detail-type": ["order.paid"] },
        event: JSON.stringify(event),
      });
      expect(asText.body).toEqual({ matches: true });
    }
  });
});

describe("deliveries by the config's names", () => {
  it("a resource with one trigger on the bus, resource.n for its events[n], or the physical name", async () => {
    const physical = `${pipeline.stage.stackName}-chargePayment-event-0`;
    const byPhysical = await deliveries(physical);
    expect(byPhysical.body.items.length).toBe(1);
    expect((await deliveries("chargePayment")).body).toEqual(byPhysical.body);
    expect((await deliveries("chargePayment.0")).body).toEqual(byPhysical.body);
    expect(byPhysical.body.items[0].rule).toBe(physical);

    const first = await deliveries("notifyCustomer.0");
    expect(first.body.items.map((d: { rule: string }) => d.rule)).toEqual([
      `${pipeline.stage.stackName}-notifyCustomer-event-0`,
    ]);
    // inputPath $.detail: that trigger's target got the detail alone.
    expect(JSON.parse(first.body.items[0].input)).toEqual({ orderId: "o-1", total: 42 });
  });

  it("a resource with two triggers on the bus must name one; unknown names answer 404", async () => {
    const ambiguous = await deliveries("notifyCustomer");
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.detail).toBe(
      "notifyCustomer subscribes to event bus orderEvents 2 times: name one trigger (notifyCustomer.0, notifyCustomer.1).",
    );
    for (const [name, detail] of [
      ["placeOrder", "Event bus orderEvents of stage dev has no rule of placeOrder."],
      ["chargePayment.1", "Event bus orderEvents of stage dev has no rule for events[1] of chargePayment."],
    ]) {
      const out = await deliveries(name);
      expect(out.status).toBe(404);
      expect(out.body.detail).toBe(detail);
    }
  });
});

describe("teardown", () => {
  it("removes the bus's delivery log: deployed again, the bus starts with none", async () => {
    expect((await deliveries()).body.items.length).toBeGreaterThan(0);
    const teardown = await call(pipeline.stagePath, { method: "DELETE" });
    expect(teardown.status).toBe(202);
    const ended = (id: string) =>
      poll(
        () => call(`/v1/deployments/${id}`),
        (r) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.body.status),
      );
    expect((await ended(teardown.body.id)).body.status).toBe("SUCCEEDED");

    const again = await post(`${pipeline.stagePath}/deployments`, {});
    expect(again.status).toBe(202);
    expect((await ended(again.body.id)).body.status).toBe("SUCCEEDED");
    expect((await deliveries()).body).toEqual({ items: [] });
  });
});
