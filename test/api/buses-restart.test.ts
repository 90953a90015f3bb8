import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { poll } from "../support/poll.js";
import { deploySeed } from "../support/seed.js";
import { bodyOf } from "../support/server.js";

/**
 * `npm start` (the local entry on a persisted data folder): deploy the seed example with
 * archivation, publish, stop, start again; the delivery log and the archive are still there and
 * a replay after the restart re-delivers the event published before it.
 */
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

it("keeps deliveries and archived events across a restart of the local server", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-buses-"));
  dirs.push(dataDir);
  const adminKey = "sy_localBusesRestartTestKey000000000000000000";
  const opts = { port: 0, dataDir, adminKey, log: silentLogger, print: () => {} };
  const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
  const busPath = "/v1/projects/budget/stages/dev/buses/myEventBus";

  const first = await startLocal(opts);
  let eventId: string;
  try {
    const call = (p: string, body?: unknown) =>
      fetch(`${first.url}${p}`, {
        method: "POST",
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const { deployment } = await deploySeed(
      { url: first.url, adminKey },
      { archivation: true, project: "budget" },
    );
    expect(deployment.status).toBe("SUCCEEDED");
    const published = await bodyOf(
      await call(`${busPath}/events`, {
        entries: [{ source: "my.publisher", detailType: "budget", detail: { EventName: "BUDGET_ANALYSIS" } }],
      }),
    );
    eventId = published.entries[0].eventId;
    expect(eventId).toEqual(expect.any(String));
  } finally {
    await first.close();
  }

  const second = await startLocal(opts);
  try {
    const get = async (p: string) => bodyOf(await fetch(`${second.url}${p}`, { headers }));
    const before = await get(`${busPath}/deliveries`);
    expect(before.items.map((d: { eventId: string }) => d.eventId)).toEqual([eventId]);
    const now = Date.now();
    const started = await fetch(`${second.url}${busPath}/replays`, {
      method: "POST",
      headers,
      body: JSON.stringify({ from: new Date(now - 120_000).toISOString(), to: new Date(now).toISOString() }),
    });
    expect(started.status).toBe(202);
    const { name } = await bodyOf(started);
    const replay = await poll(
      () => get(`${busPath}/replays/${name}`),
      (r) => ["COMPLETED", "FAILED", "CANCELLED"].includes(r.state),
    );
    expect(replay.state).toBe("COMPLETED");
    const after = await get(`${busPath}/deliveries`);
    expect(after.items).toHaveLength(2);
    expect(after.items[0]).toMatchObject({ eventId, replayName: name });
  } finally {
    await second.close();
  }
});
