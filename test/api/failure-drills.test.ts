import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, jsonRequest } from "../support/auth.js";
import { deadLetterConfig } from "../support/dead-letter-config.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * The story on the embedded default, through the API: inject a failure on a target,
 * publish, see the retries and the dead-lettered event with its error, clear the failure, redrive,
 * see the delivery; the audit record shows each step.
 */
const CONFIG = deadLetterConfig();

let server: TestServer;
let deployed: DeployedStage;
let deployer: string;
let viewer: string;
let otherTeam: DeployedStage;
let busPath: string;
const steps: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  deployed = await deployToStage(server, CONFIG);
  expect(deployed.deployment.status).toBe("SUCCEEDED");
  deployer = await createKey(server, deployed.team, "deployer");
  viewer = await createKey(server, deployed.team, "viewer");
  otherTeam = await deployToStage(server, "resources:\n  orders:\n    type: event-bus\n");
  busPath = `${deployed.stagePath}/buses/orders`;
});
afterAll(() => server.close());

/** Sends a request as the deployer and remembers its request id, for the audit record. */
async function act(path: string, method: string, body?: unknown, key = deployer) {
  const res = await server.fetch(path, jsonRequest(key, method, body));
  steps.push(res.headers.get("x-request-id")!);
  return res;
}

const publish = (id: number) =>
  act(`${busPath}/events`, "POST", {
    entries: [{ source: "shop.orders", "detail-type": "created", detail: { id } }],
  });

const deliveries = async () =>
  (await bodyOf(await server.fetch(`${busPath}/deliveries?rule=consumer`, { headers: bearer(viewer) })))
    .items;

const deadLetters = async () =>
  (await bodyOf(await server.fetch(`${busPath}/dead-letters?rule=consumer`, { headers: bearer(viewer) })))
    .queues;

describe("a failure drill, dead letters and a redrive", () => {
  let eventId: string;
  let messageId: string;

  it("makes every attempt fail: retried as the retry policy says, then dead-lettered with the error", async () => {
    const set = await act(`${busPath}/failure-drills`, "PUT", {
      rule: "consumer",
      mode: "always",
      errorCode: "Lambda.ServiceException",
      errorMessage: "The consumer is down",
    });
    expect(set.status, await set.clone().text()).toBe(200);
    expect(await bodyOf(set)).toMatchObject({ mode: "always", targetId: expect.any(String) });
    const listed = await bodyOf(await server.fetch(`${busPath}/failure-drills`, { headers: bearer(viewer) }));
    expect(listed.items).toHaveLength(1);

    const published = await publish(1);
    eventId = (await bodyOf(published)).entries[0].eventId;
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({
      eventId,
      outcome: "dead-lettered",
      attempts: 3, // the first attempt and maximumRetryAttempts: 2
      error: { code: "Lambda.ServiceException", message: "The consumer is down" },
      deadLetterArn: expect.stringMatching(/^arn:aws:sqs:.*failed/),
    });
    const [queue] = await deadLetters();
    expect(queue).toMatchObject({ queueArn: delivery.deadLetterArn, targetId: delivery.targetId });
    expect(queue.messages).toHaveLength(1);
    expect(queue.messages[0]).toMatchObject({
      errorCode: "Lambda.ServiceException",
      errorMessage: "The consumer is down",
      attempts: 3,
    });
    expect(JSON.parse(queue.messages[0].event)).toMatchObject({ id: eventId, detail: { id: 1 } });
    messageId = queue.messages[0].id;
  });

  it("fails only the next attempts in count mode: a delivery that succeeds on a retry", async () => {
    expect(
      (await act(`${busPath}/failure-drills`, "PUT", { rule: "consumer", mode: "count", count: 1 })).status,
    ).toBe(200);
    await publish(2);
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({
      outcome: "delivered",
      attempts: 2,
      error: { code: "SwitchyardFailureDrill" },
    });
    expect((await deadLetters())[0].messages).toHaveLength(1);
  });

  it("clears the drill, re-drives the dead-lettered event, and it is delivered", async () => {
    const cleared = await act(`${busPath}/failure-drills?rule=consumer`, "DELETE");
    expect(cleared.status).toBe(204);
    expect(
      (await server.fetch(`${busPath}/failure-drills?rule=consumer`, jsonRequest(deployer, "DELETE"))).status,
    ).toBe(404);
    const redrive = await act(`${busPath}/dead-letters/redrive`, "POST", {
      rule: "consumer",
      ids: [messageId],
    });
    expect(redrive.status).toBe(200);
    expect(await bodyOf(redrive)).toEqual({ redriven: 1, notFound: [] });
    expect((await deadLetters())[0].messages).toEqual([]);
    const delivered = await poll(deliveries, (items) => JSON.parse(items[0].input).detail.id === 1);
    expect(delivered[0].outcome).toBeUndefined();
    expect(JSON.parse(delivered[0].input)).toMatchObject({ source: "shop.orders", detail: { id: 1 } });
  });

  it("purges a queue", async () => {
    await act(`${busPath}/failure-drills`, "PUT", { rule: "consumer", mode: "always" });
    await publish(3);
    expect((await deadLetters())[0].messages).toHaveLength(1);
    expect((await act(`${busPath}/dead-letters/purge`, "POST", { rule: "consumer" })).status).toBe(204);
    expect((await deadLetters())[0].messages).toEqual([]);
  });

  it("counts it all in the stage's health: matched, delivered, failed and dead-lettered in the last hour", async () => {
    const res = await server.fetch(`${deployed.stagePath}/health`, { headers: bearer(viewer) });
    expect(res.status).toBe(200);
    const { buses } = await bodyOf(res);
    expect(buses).toEqual([
      {
        bus: "orders",
        name: expect.stringContaining("orders"),
        rules: [
          {
            rule: expect.stringContaining("consumer"),
            lastHour: expect.any(Object),
            lastDay: expect.any(Object),
          },
        ],
      },
    ]);
    // Events 1 (dead-lettered), 2 (delivered on a retry), 1 again (re-driven) and 3 (dead-lettered).
    const counts = { matched: 4, delivered: 2, failed: 2, deadLettered: 2, throttled: 0 };
    expect(buses[0].rules[0].lastHour).toEqual(counts);
    expect(buses[0].rules[0].lastDay).toEqual(counts);
    expect(
      (await server.fetch(`${deployed.stagePath}/health`, { headers: bearer(otherTeam.key) })).status,
    ).toBe(404);
    // The same counts for the bus over a window of the caller's choosing.
    const from = new Date(Date.now() - 600_000).toISOString();
    const metrics = await bodyOf(
      await server.fetch(`${busPath}/metrics?from=${from}`, { headers: bearer(viewer) }),
    );
    expect(metrics.rules).toEqual([{ rule: buses[0].rules[0].rule, counts }]);
    const backwards = await server.fetch(`${busPath}/metrics?from=${new Date().toISOString()}&to=${from}`, {
      headers: bearer(viewer),
    });
    expect(backwards.status).toBe(400);
  });

  it("is in the audit record, each step with its request id", async () => {
    const { items } = await bodyOf(
      await server.fetch(`/v1/teams/${deployed.team}/audit?project=${deployed.project}&limit=50`, {
        headers: bearer(deployed.key),
      }),
    );
    const actions = items
      .filter((e: { requestId: string }) => steps.includes(e.requestId))
      .map((e: { action: string }) => e.action)
      .reverse();
    expect(actions).toEqual([
      "failure-drill.set",
      "failure-drill.set",
      "failure-drill.clear",
      "dead-letters.redrive",
      "failure-drill.set",
      "dead-letters.purge",
    ]);
    const redrive = items.find((e: { action: string }) => e.action === "dead-letters.redrive");
    expect(redrive).toMatchObject({
      details: { redriven: 1 },
      target: { kind: "dead-letter-queue", bus: "orders" },
    });
  });

  it("lets viewers look but not drill or redrive, and hides the bus from other teams", async () => {
    expect(
      (
        await server.fetch(
          `${busPath}/failure-drills`,
          jsonRequest(viewer, "PUT", { rule: "consumer", mode: "always" }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await server.fetch(
          `${busPath}/dead-letters/redrive`,
          jsonRequest(viewer, "POST", { rule: "consumer" }),
        )
      ).status,
    ).toBe(403);
    const other = await server.fetch(`${busPath}/dead-letters`, { headers: bearer(otherTeam.key) });
    expect(other.status).toBe(404);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
    const unknownRule = await server.fetch(
      `${busPath}/failure-drills`,
      jsonRequest(deployer, "PUT", { rule: "nobody", mode: "always" }),
    );
    expect(unknownRule.status).toBe(404);
    const missingCount = await server.fetch(
      `${busPath}/failure-drills`,
      jsonRequest(deployer, "PUT", { rule: "consumer", mode: "count" }),
    );
    expect(missingCount.status).toBe(400);
  });
});
