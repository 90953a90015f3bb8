import { afterAll, beforeAll, expect, it } from "vitest";
import { bearer, createKey, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { deploySeed } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * The acceptance story end to end: deploy the seed example (archivation on) with the local
 * deployer, publish a BUDGET_ANALYSIS event (delivered once, to the batch job's rule) and another
 * (delivered nowhere), then replay the last minute and see the event delivered again with
 * `replay-name`.
 */
let server: TestServer;
let viewer: string;
let deployer: string;
let busPath: string;

beforeAll(async () => {
  server = await startTestServer();
  const seed = await deploySeed(server, { archivation: true });
  expect(seed.deployment.status).toBe("SUCCEEDED");
  viewer = await createKey(server, seed.team, "viewer");
  deployer = await createKey(server, seed.team, "deployer");
  busPath = `${seed.stagePath}/buses/myEventBus`;
});
afterAll(() => server.close());

it("delivers BUDGET_ANALYSIS once to the batch job's rule, nothing else, and replays it with replay-name", async () => {
  const publish = async (EventName: string) =>
    bodyOf(
      await server.fetch(
        `${busPath}/events`,
        jsonRequest(deployer, "POST", {
          entries: [{ source: "my.publisher", detailType: "budget", detail: { EventName } }],
        }),
      ),
    );
  const budget = await publish("BUDGET_ANALYSIS");
  const other = await publish("NOT_A_BUDGET");
  expect(budget.failedEntryCount).toBe(0);
  expect(other.failedEntryCount).toBe(0);

  const { rules } = await bodyOf(await server.fetch(`${busPath}/rules`, { headers: bearer(viewer) }));
  expect(rules).toHaveLength(1);
  expect(rules[0].eventPattern).toEqual({ detail: { EventName: ["BUDGET_ANALYSIS"] } });

  const log = async () =>
    (await bodyOf(await server.fetch(`${busPath}/deliveries`, { headers: bearer(viewer) }))).items as {
      rule: string;
      eventId: string;
      replayName?: string;
      input: string;
    }[];
  const delivered = await log();
  expect(delivered).toHaveLength(1);
  expect(delivered[0]).toMatchObject({ rule: rules[0].name, eventId: budget.entries[0].eventId });

  const now = Date.now();
  const started = await server.fetch(
    `${busPath}/replays`,
    jsonRequest(deployer, "POST", {
      from: new Date(now - 60_000).toISOString(),
      to: new Date(now + 1000).toISOString(),
    }),
  );
  expect(started.status).toBe(202);
  const { name } = await bodyOf(started);
  const done = await poll(
    async () => bodyOf(await server.fetch(`${busPath}/replays/${name}`, { headers: bearer(viewer) })),
    (r) => ["COMPLETED", "FAILED", "CANCELLED"].includes(r.state),
  );
  expect(done.state).toBe("COMPLETED");
  const replayed = (await log()).filter((d) => d.replayName === name);
  expect(replayed).toHaveLength(1);
  expect(replayed[0]?.eventId).toBe(budget.entries[0].eventId);
  expect(JSON.parse(replayed[0]!.input)).toMatchObject({
    "replay-name": name,
    detail: { EventName: "BUDGET_ANALYSIS" },
  });
});
