/**
 * Recovery after a crash (#15 item 6, #21's kill -9): `npm start`'s own entry as a child process,
 * killed with SIGKILL in the middle of a first deployment and of a team's replays, then started
 * again on the same data folder. Before its first answer the new process has reconciled what the
 * dead one left running: the interrupted create is rolled back (the stage is not deployed, and never
 * `deployed: true` without a version), the replays have ended and no longer hold the team's replay
 * slots or the total, and the stage deployed before the crash is as it was.
 */
import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { type LocalProcess, startLocalProcess } from "../e2e/support/local-process.js";
import { jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { deployToStage } from "../support/seed.js";

const processes: LocalProcess[] = [];
afterAll(async () => {
  // The restarted one first (it shares the folder), then the first, whose folder goes with it.
  for (const p of processes.reverse()) await p.stop();
});

/** An archived bus with two subscribed queues: a replay delivers each event twice, so it takes a while. */
const ARCHIVED_BUS = [
  "resources:",
  "  orders:",
  "    type: event-bus",
  "    properties: { archivation: { enabled: true } }",
  ...["a", "b"].flatMap((q) => [
    `  queue${q}:`,
    "    type: sqs-queue",
    "    properties:",
    "      events:",
    "        - type: event-bus",
    "          properties: { eventBusName: orders, eventPattern: { source: [shop] } }",
  ]),
  "",
].join("\n");

/** 150 buses: a first deployment long enough to be killed in the middle of. */
const MANY_BUSES = `resources:\n${Array.from({ length: 150 }, (_, i) => `  bus${i}: { type: event-bus }`).join("\n")}\n`;

it("reconciles a deployment and replays a SIGKILL interrupted, before the restarted process answers", async () => {
  const first = await startLocalProcess({
    startTimeoutMs: 60_000,
    // Each resource takes 50 ms, so the 150-bus deployment is surely running when the kill comes.
    env: { SWITCHYARD_LOCAL_RESOURCE_DELAY_MS: "50" },
  });
  processes.push(first);
  const call = async (url: string, path: string, init: RequestInit, expected?: number) => {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    if (expected !== undefined) expect(res.status, `${init.method ?? "GET"} ${path}: ${text}`).toBe(expected);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  // A team with a deployed, archived bus and events in its archive.
  const deployed = await deployToStage(first, ARCHIVED_BUS);
  expect(deployed.deployment.status, JSON.stringify(deployed.deployment.reason)).toBe("SUCCEEDED");
  const key = deployed.key;
  const bus = `${deployed.stagePath}/buses/orders`;
  const from = new Date(Date.now() - 60_000).toISOString();
  for (let batch = 0; batch < 30; batch++) {
    const entries = Array.from({ length: 10 }, (_, i) => ({
      source: "shop",
      detailType: "order",
      detail: { n: batch * 10 + i },
    }));
    await call(first.url, `${bus}/events`, jsonRequest(key, "POST", { entries }), 200);
  }

  // The team's three replays (its limit: a fourth is refused), before the deployment.
  const to = new Date().toISOString();
  const replays: string[] = [];
  for (let i = 0; i < 3; i++) {
    replays.push(
      (await call(first.url, `${bus}/replays`, jsonRequest(key, "POST", { from, to }), 202)).body.name,
    );
  }
  const fourth = await call(first.url, `${bus}/replays`, jsonRequest(key, "POST", { from, to }));

  // The same team's first deployment of 150 buses, under way when the process is killed.
  const big = `p-${randomUUID().slice(0, 8)}`;
  await call(first.url, "/v1/projects", jsonRequest(key, "POST", { name: big }), 201);
  await call(
    first.url,
    `/v1/projects/${big}/configs`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
      body: MANY_BUSES,
    },
    201,
  );
  const bigStage = `/v1/projects/${big}/stages/dev`;
  const started = await call(first.url, `${bigStage}/deployments`, jsonRequest(key, "POST", {}), 202);
  const deploymentId = started.body.id as string;
  const underWay = await poll(
    async () => (await call(first.url, `/v1/deployments/${deploymentId}`, jsonRequest(key, "GET"), 200)).body,
    (d) => d.events.filter((e: { status: string }) => e.status === "CREATE_COMPLETE").length >= 3,
    60_000,
  );
  expect(underWay.status).toBe("IN_PROGRESS");

  await first.kill();
  expect(fourth.status).toBe(409);
  expect(fourth.body.detail).toMatch(/already runs 3 replays/);

  const second = await startLocalProcess({
    dataDir: first.dataDir,
    adminKey: first.adminKey,
    startTimeoutMs: 60_000,
  });
  processes.push(second);
  const read = async (path: string) => (await call(second.url, path, jsonRequest(key, "GET"), 200)).body;

  // The interrupted create was rolled back: nothing of it is deployed, and the stage says so.
  const deployment = await read(`/v1/deployments/${deploymentId}`);
  expect(deployment.status).toBe("FAILED");
  expect(deployment.reason).toMatch(/stopped while this operation was running/);
  const statuses = deployment.events.map((e: { status: string }) => e.status);
  expect(statuses).toContain("ROLLBACK_COMPLETE");
  const stage = await read(bigStage);
  expect(stage).toMatchObject({ status: "FAILED", deployed: false, outputs: {} });
  expect(stage.deployedConfigVersion).toBeUndefined();
  expect(stage.currentDeploymentId).toBeUndefined();

  // The replays ended (failed, naming how far they got, unless one finished first).
  for (const name of replays) {
    const replay = await read(`${bus}/replays/${name}`);
    expect(["FAILED", "COMPLETED"]).toContain(replay.state);
    if (replay.state === "FAILED") expect(replay.stateReason).toMatch(/stopped while this replay ran/);
  }
  // ...so they hold neither the team's slots nor EventBridge's total any more.
  for (let i = 0; i < 3; i++)
    await call(second.url, `${bus}/replays`, jsonRequest(key, "POST", { from, to }), 202);

  // The stage deployed before the crash is untouched, and the rolled-back one deploys again.
  expect(await read(deployed.stagePath)).toMatchObject({
    status: "DEPLOYED",
    deployed: true,
    deployedConfigVersion: 1,
  });
  const again = await call(second.url, `${bigStage}/deployments`, jsonRequest(key, "POST", {}), 202);
  const done = await poll(
    async () => read(`/v1/deployments/${again.body.id}`),
    (d) => ["SUCCEEDED", "FAILED"].includes(d.status),
    120_000,
  );
  expect(done.status, JSON.stringify(done.reason)).toBe("SUCCEEDED");
  expect(await read(bigStage)).toMatchObject({
    status: "DEPLOYED",
    deployed: true,
    deployedConfigVersion: 1,
  });
}, 300_000);
