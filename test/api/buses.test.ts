import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectKey } from "../../api/store/projects.js";
import { stageRepository } from "../../api/store/stages.js";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * Bus operations over HTTP on a deployed stage: publishing, rules, matching, replays and the
 * delivery log, through the real app and the embedded engine. The stage is set up the way the local
 * deployer leaves it (the seed example's bus with archivation, its batch-job rule, the stage's
 * outputs), so these tests depend only on bus operations; buses-seed.test.ts runs the same story
 * through a real deployment of the seed config.
 */
let server: TestServer;
let keys: { viewer: string; deployer: string; maintainer: string; otherTeam: string };
let project: string;
let team: string;
const stage = "dev";
let busPath: string;

beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  keys = {
    viewer: await createKey(server, team, "viewer"),
    deployer: await createKey(server, team, "deployer"),
    maintainer: await createKey(server, team, "maintainer"),
    otherTeam: await createKey(server, await createTeam(server), "admin"),
  };
  project = `p-${randomUUID().slice(0, 8)}`;
  expect(
    (await server.fetch("/v1/projects", jsonRequest(keys.maintainer, "POST", { name: project }))).status,
  ).toBe(201);
  await deployBusDirectly();
  busPath = `/v1/projects/${project}/stages/${stage}/buses/myEventBus`;
});
afterAll(() => server.close());

/** What deploying the seed config (with archivation) leaves behind: the bus, archive, rule and outputs. */
async function deployBusDirectly() {
  const { engine } = server;
  const busName = `${project}-${stage}-myEventBus`;
  const { EventBusArn } = await engine.createEventBus({ Name: busName });
  const { ArchiveArn } = await engine.createArchive({ ArchiveName: busName, EventSourceArn: EventBusArn });
  await engine.putRule({
    Name: `${project}-${stage}-myConsumerBatchJob-0`,
    EventBusName: busName,
    EventPattern: JSON.stringify({ detail: { EventName: ["BUDGET_ANALYSIS"] } }),
  });
  await engine.putTargets({
    Rule: `${project}-${stage}-myConsumerBatchJob-0`,
    EventBusName: busName,
    Targets: [{ Id: "myConsumerBatchJob", Arn: "arn:aws:batch:us-east-1:000000000000:job-queue/q" }],
  });
  await stageRepository(server.deps.table).save(
    projectKey(team, project),
    stage,
    {
      stackName: `${project}-${stage}`,
      status: "DEPLOYED",
      deployed: true,
      outputs: { myEventBus: { arn: EventBusArn!, archiveArn: ArchiveArn! } },
    },
    new Date(),
  );
}

const publish = (eventName: string, key = keys.deployer) =>
  server.fetch(
    `${busPath}/events`,
    jsonRequest(key, "POST", {
      entries: [{ source: "my.publisher", detailType: "budget", detail: { EventName: eventName } }],
    }),
  );

const deliveries = async (query = "") =>
  (await bodyOf(await server.fetch(`${busPath}/deliveries${query}`, { headers: bearer(keys.viewer) })))
    .items as {
    rule: string;
    eventId: string;
    replayName?: string;
    input: string;
  }[];

describe("bus operations on a deployed stage", () => {
  let budgetEventId: string;

  it("lists the bus's rules with their patterns and targets", async () => {
    const res = await server.fetch(`${busPath}/rules`, { headers: bearer(keys.viewer) });
    expect(res.status).toBe(200);
    const { rules } = await bodyOf(res);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      state: "ENABLED",
      eventPattern: { detail: { EventName: ["BUDGET_ANALYSIS"] } },
      targets: [expect.objectContaining({ arn: expect.stringContaining(":") })],
    });
  });

  it("says which rules an event would match, without publishing it", async () => {
    const match = async (EventName: string) =>
      bodyOf(
        await server.fetch(
          `${busPath}/match`,
          jsonRequest(keys.viewer, "POST", {
            event: { source: "my.publisher", "detail-type": "budget", detail: { EventName } },
          }),
        ),
      );
    expect((await match("BUDGET_ANALYSIS")).rules).toHaveLength(1);
    expect((await match("OTHER")).rules).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });

  it("delivers a BUDGET_ANALYSIS event once to the batch job's rule, and another event nowhere", async () => {
    const res = await publish("BUDGET_ANALYSIS");
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toEqual({ failedEntryCount: 0, entries: [{ eventId: expect.any(String) }] });
    budgetEventId = body.entries[0].eventId;
    const other = await bodyOf(await publish("SOMETHING_ELSE"));
    const log = await deliveries();
    expect(log).toHaveLength(1);
    expect(log[0]?.eventId).toBe(budgetEventId);
    expect(log.some((d) => d.eventId === other.entries[0].eventId)).toBe(false);
    expect(JSON.parse(log[0]!.input)).toMatchObject({
      id: budgetEventId,
      source: "my.publisher",
      "detail-type": "budget",
      detail: { EventName: "BUDGET_ANALYSIS" },
    });
  });

  it("replays the last minute from the archive: the event is delivered again with replay-name", async () => {
    const now = Date.now();
    const res = await server.fetch(
      `${busPath}/replays`,
      jsonRequest(keys.deployer, "POST", {
        from: new Date(now - 60_000).toISOString(),
        to: new Date(now + 1000).toISOString(),
      }),
    );
    expect(res.status).toBe(202);
    const started = await bodyOf(res);
    expect(res.headers.get("location")).toBe(`${busPath}/replays/${started.name}`);
    const done = await poll(
      async () =>
        bodyOf(await server.fetch(`${busPath}/replays/${started.name}`, { headers: bearer(keys.viewer) })),
      (r) => r.state === "COMPLETED" || r.state === "FAILED",
    );
    expect(done).toMatchObject({ name: started.name, state: "COMPLETED", endedAt: expect.any(String) });
    const replayed = (await deliveries()).filter((d) => d.replayName === started.name);
    expect(replayed).toHaveLength(1);
    expect(replayed[0]?.eventId).toBe(budgetEventId);
    expect(JSON.parse(replayed[0]!.input)["replay-name"]).toBe(started.name);
    // Filtered by rule, the log has the original delivery and the replayed one.
    expect(await deliveries(`?rule=${encodeURIComponent(replayed[0]!.rule)}&limit=10`)).toHaveLength(2);
    // A finished replay cannot be cancelled.
    const cancel = await server.fetch(
      `${busPath}/replays/${started.name}/cancel`,
      jsonRequest(keys.deployer, "POST"),
    );
    expect(cancel.status).toBe(409);
  });

  it("starts one replay for repeated requests with the same Idempotency-Key", async () => {
    const body = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() };
    const send = () =>
      server.fetch(`${busPath}/replays`, {
        method: "POST",
        headers: {
          ...bearer(keys.deployer),
          "content-type": "application/json",
          "idempotency-key": "replay-once",
        },
        body: JSON.stringify(body),
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await bodyOf(again)).name).toBe((await bodyOf(first)).name);
  });

  it("pages deliveries with an opaque cursor", async () => {
    const first = await bodyOf(
      await server.fetch(`${busPath}/deliveries?limit=1`, { headers: bearer(keys.viewer) }),
    );
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await bodyOf(
      await server.fetch(`${busPath}/deliveries?limit=1&cursor=${first.nextCursor}`, {
        headers: bearer(keys.viewer),
      }),
    );
    expect(second.items[0].id).not.toBe(first.items[0].id);
    const forged = await server.fetch(`${busPath}/deliveries?cursor=bm90LWEtY3Vyc29y`, {
      headers: bearer(keys.viewer),
    });
    expect(forged.status).toBe(400);
  });

  it("reports entries EventBridge refuses in the result, and invalid bodies as 400", async () => {
    const res = await server.fetch(
      `${busPath}/events`,
      jsonRequest(keys.deployer, "POST", { entries: [{ source: "aws.fake", detailType: "x", detail: {} }] }),
    );
    expect(await bodyOf(res)).toEqual({
      failedEntryCount: 1,
      entries: [
        { errorCode: "NotAuthorizedForSourceException", errorMessage: "Not authorized for the source." },
      ],
    });
    const tooMany = await server.fetch(
      `${busPath}/events`,
      jsonRequest(keys.deployer, "POST", {
        entries: Array.from({ length: 11 }, () => ({ source: "s", detailType: "t", detail: {} })),
      }),
    );
    expect(tooMany.status).toBe(400);
  });
});

describe("the bus's replays", () => {
  const listReplays = async (query = "", key = keys.viewer) =>
    server.fetch(`${busPath}/replays${query}`, { headers: bearer(key) });
  const startReplay = (from: Date, to: Date, key = keys.deployer) =>
    server.fetch(
      `${busPath}/replays`,
      jsonRequest(key, "POST", { from: from.toISOString(), to: to.toISOString() }),
    );

  it("lists them newest first, paged, with state, window, progress and who started them", async () => {
    const from = new Date(Date.now() - 3_600_000);
    const to = new Date();
    const first = await startReplay(from, to);
    expect(first.status).toBe(202);
    const second = await startReplay(from, to);
    expect(second.status).toBe(202);
    const [older, newer] = [await bodyOf(first), await bodyOf(second)];
    const deployerKeyId = (await bodyOf(await server.fetch("/v1/whoami", { headers: bearer(keys.deployer) })))
      .keyId;

    const page = await poll(
      async () => bodyOf(await listReplays("?limit=2")),
      (p) => p.items.every((r: { state: string }) => r.state === "COMPLETED"),
    );
    expect(page.items.map((r: { name: string }) => r.name)).toEqual([newer.name, older.name]);
    expect(page.items[0]).toEqual({
      name: newer.name,
      state: "COMPLETED",
      from: from.toISOString(),
      to: to.toISOString(),
      startedAt: expect.any(String),
      endedAt: expect.any(String),
      lastReplayedEventTime: expect.any(String),
      progress: 1,
      startedBy: deployerKeyId,
    });
    // The earlier tests' replays follow, on the next pages, and none twice.
    expect(page.nextCursor).toEqual(expect.any(String));
    const rest = await bodyOf(await listReplays(`?limit=10&cursor=${page.nextCursor}`));
    expect(rest.items.length).toBeGreaterThanOrEqual(2);
    const names = [...page.items, ...rest.items].map((r: { name: string }) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(rest.items.every((r: { startedAt: string }) => r.startedAt <= page.items[1].startedAt)).toBe(true);
    // A cursor of another list is refused.
    expect((await listReplays("?cursor=bm90LWEtY3Vyc29y")).status).toBe(400);
  });

  it("refuses windows EventBridge could replay nothing from, in Switchyard's words, every problem at once", async () => {
    const now = Date.now();
    const backwards = await startReplay(new Date(now + 3_600_000), new Date(now - 60_000));
    expect(backwards.status).toBe(400);
    expect(backwards.headers.get("content-type")).toContain("application/problem+json");
    const problem = await bodyOf(backwards);
    expect(problem.type).toContain("validation-error");
    expect(problem.errors).toEqual([
      { path: "to", message: expect.stringContaining("must end after it starts") },
      { path: "from", message: expect.stringContaining("starts in the future") },
    ]);
    // Outside what the archive keeps: only a day of events is left.
    const archive = `${project}-${stage}-myEventBus`;
    await server.engine.updateArchive({ ArchiveName: archive, RetentionDays: 1 });
    try {
      const tooOld = await startReplay(new Date(now - 3 * 86_400_000), new Date(now - 2 * 86_400_000));
      expect(tooOld.status).toBe(400);
      expect((await bodyOf(tooOld)).errors).toEqual([
        { path: "to", message: expect.stringContaining("keeps events for 1 days") },
      ]);
    } finally {
      await server.engine.updateArchive({ ArchiveName: archive, RetentionDays: 0 });
    }
    // None of them was started.
    const listed = (await bodyOf(await listReplays("?limit=100"))).items as { from: string }[];
    expect(listed.some((r) => Date.parse(r.from) > now)).toBe(false);
  });

  it("records starts and cancellations in the team's audit record, with the request id", async () => {
    const res = await startReplay(new Date(Date.now() - 60_000), new Date());
    const started = await bodyOf(res);
    const audit = await bodyOf(
      await server.fetch(`/v1/teams/${team}/audit?limit=5`, { headers: bearer(keys.maintainer) }),
    );
    expect(audit.items[0]).toMatchObject({
      action: "replay.start",
      project,
      target: { kind: "replay", id: started.name, stage, bus: "myEventBus" },
      requestId: res.headers.get("x-request-id"),
      actor: { name: "deployer key", platformAdmin: false, team },
    });
  });

  it("hides another team's bus's replays (404), and lets viewers list them", async () => {
    expect((await listReplays("", keys.otherTeam)).status).toBe(404);
    expect((await listReplays("", keys.viewer)).status).toBe(200);
  });
});

describe("who may do what", () => {
  it("lets viewers read but not publish or replay", async () => {
    expect((await publish("BUDGET_ANALYSIS", keys.viewer)).status).toBe(403);
    const replay = await server.fetch(
      `${busPath}/replays`,
      jsonRequest(keys.viewer, "POST", { from: new Date(0).toISOString(), to: new Date().toISOString() }),
    );
    expect(replay.status).toBe(403);
  });

  it("hides the project from another team (404) and needs a key (401)", async () => {
    expect((await publish("BUDGET_ANALYSIS", keys.otherTeam)).status).toBe(404);
    expect((await server.fetch(`${busPath}/rules`, { headers: bearer(keys.otherTeam) })).status).toBe(404);
    expect((await server.fetch(`${busPath}/rules`)).status).toBe(401);
  });

  it("answers 404 for a bus or stage that is not deployed, and for a replay of another bus", async () => {
    const notABus = await server.fetch(`/v1/projects/${project}/stages/${stage}/buses/myHttpApi/rules`, {
      headers: bearer(keys.viewer),
    });
    expect(notABus.status).toBe(404);
    const noStage = await server.fetch(`/v1/projects/${project}/stages/prod/buses/myEventBus/rules`, {
      headers: bearer(keys.viewer),
    });
    expect(noStage.status).toBe(404);
    expect((await bodyOf(noStage)).detail).toContain("not deployed");
    const unknownReplay = await server.fetch(`${busPath}/replays/not-a-replay`, {
      headers: bearer(keys.viewer),
    });
    expect(unknownReplay.status).toBe(404);
  });
});
