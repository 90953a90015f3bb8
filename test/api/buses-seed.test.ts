import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
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
  const team = await createTeam(server);
  viewer = await createKey(server, team, "viewer");
  deployer = await createKey(server, team, "deployer");
  const maintainer = await createKey(server, team, "maintainer");
  const project = `seed-${randomUUID().slice(0, 8)}`;
  expect(
    (await server.fetch("/v1/projects", jsonRequest(maintainer, "POST", { name: project }))).status,
  ).toBe(201);
  const seed = await readFile(new URL("../fixtures/configs/seed.yaml", import.meta.url), "utf8");
  const config = seed.replace(
    'myEventBus:\n    type: "event-bus"',
    'myEventBus:\n    type: "event-bus"\n    properties:\n      archivation:\n        enabled: true',
  );
  expect(config).toContain("archivation");
  const created = await server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { ...bearer(maintainer), "content-type": "application/yaml" },
    body: config,
  });
  expect(created.status).toBe(201);
  const deploy = await server.fetch(
    `/v1/projects/${project}/stages/dev/deployments`,
    jsonRequest(deployer, "POST", {}),
  );
  expect(deploy.status).toBe(202);
  const { id } = await bodyOf(deploy);
  const finished = await poll(
    async () => bodyOf(await server.fetch(`/v1/deployments/${id}`, { headers: bearer(viewer) })),
    (d) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(d.status),
  );
  expect(finished.status).toBe("SUCCEEDED");
  busPath = `/v1/projects/${project}/stages/dev/buses/myEventBus`;
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
