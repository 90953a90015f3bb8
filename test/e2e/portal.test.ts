/**
 * The portal's journey, end to end: the real local server (`npm start`'s entry, its own process,
 * dynalite and local engine) driven only through @switchyard/client. Each step builds on the last.
 */
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, type SwitchyardClient, SwitchyardError } from "../../sdk-client/src/index.js";
import { type LocalProcess, startLocalProcess } from "./support/local-process.js";

const SEED = new URL("../fixtures/configs/seed.yaml", import.meta.url);

let local: LocalProcess;
let admin: SwitchyardClient;
/** The team's own client, with the key the platform team handed out. */
let team: SwitchyardClient;
const names = { team: `payments-${Date.now().toString(36)}`, project: `orders-${Date.now().toString(36)}` };

beforeAll(async () => {
  local = await startLocalProcess();
  admin = createClient({ baseUrl: local.url, apiKey: local.adminKey });
});
afterAll(async () => {
  await local?.stop();
});
// The server's own log (warnings and errors) is the first thing to read when a step fails.
afterEach((ctx) => {
  if (ctx.task.result?.state === "fail") console.error(`server output:\n${local.output().slice(-4000)}`);
});

/** Polls `read` every 50 ms until it returns a value (deliveries are recorded asynchronously). */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The SwitchyardError a call rejects with (fails the test if it resolves or fails otherwise). */
async function problemOf(call: () => Promise<unknown>): Promise<SwitchyardError> {
  const outcome = await call().then(
    () => new Error("expected the call to be refused"),
    (err: unknown) => err,
  );
  if (!(outcome instanceof SwitchyardError)) throw outcome;
  return outcome;
}

describe("a team onboards and ships its event bus, through the client alone", () => {
  it("the server is up", async () => {
    expect(await createClient({ baseUrl: local.url }).health.get()).toMatchObject({ status: "ok" });
  });

  it("the platform admin creates a team and a maintainer key for it", async () => {
    expect(await admin.whoami.get()).toMatchObject({ platformAdmin: true });
    expect(await admin.teams.create({ body: { name: names.team } })).toMatchObject({ name: names.team });
    const key = await admin.apiKeys.create({
      path: { team: names.team },
      body: { name: "portal", role: "maintainer" },
    });
    expect(key.secret).toMatch(/^sy_/);
    team = createClient({ baseUrl: local.url, apiKey: key.secret });
    expect(await team.whoami.get()).toMatchObject({
      team: names.team,
      role: "maintainer",
      platformAdmin: false,
    });
  });

  it("the team creates a project", async () => {
    const project = await team.projects.create({ body: { name: names.project, team: names.team } });
    expect(project).toMatchObject({ name: names.project, team: names.team });
    expect(await team.projects.get({ path: { project: names.project } })).toMatchObject({
      name: names.project,
    });
  });

  it("posts the seed config as version 1 and reads it back", async () => {
    const yaml = await readFile(SEED, "utf8");
    const version = await team.configs.create({ path: { project: names.project }, body: { config: yaml } });
    expect(version).toMatchObject({ version: 1 });
    const latest = await team.configs.getLatest({ path: { project: names.project } });
    expect(latest).toMatchObject({ version: 1 });
  });

  it("an invalid config is refused with located errors", async () => {
    const err = await problemOf(() =>
      team.configs.create({
        path: { project: names.project },
        body: {
          config: "resources:\n  myEventBus:\n    type: event-bus\n    properties:\n      archivation: yes\n",
        },
      }),
    );
    expect(err.status).toBe(422);
    expect(err.errors.length).toBeGreaterThan(0);
    expect(err.errors[0]).toMatchObject({ path: expect.stringContaining("archivation"), line: 5 });
  });

  it("another team cannot see the project", async () => {
    await admin.teams.create({ body: { name: `${names.team}-other` } });
    const key = await admin.apiKeys.create({
      path: { team: `${names.team}-other` },
      body: { name: "other", role: "admin" },
    });
    const other = createClient({ baseUrl: local.url, apiKey: key.secret });
    const err = await problemOf(() => other.projects.get({ path: { project: names.project } }));
    expect(err).toMatchObject({ status: 404, slug: "not-found" });
  });

  it("previews the seed config on stage dev: everything is added", async () => {
    const preview = await team.stages.preview({
      path: { project: names.project, stage: "dev" },
      body: { configVersion: 1 },
    });
    expect(preview.configVersion).toBe(1);
    const added = preview.changes.filter((c) => c.action === "Add").map((c) => c.resourceType);
    expect(added).toContain("AWS::Events::EventBus");
    expect(added).toContain("AWS::Events::Rule");
    expect(preview.changes.every((c) => c.action === "Add")).toBe(true);
  });

  it("deploys it and waits, seeing the progress, until it succeeded", async () => {
    const started = await team.deployments.create({
      path: { project: names.project, stage: "dev" },
      body: {},
    });
    expect(started).toMatchObject({ kind: "deploy", configVersion: 1 });
    const seen: string[] = [];
    const done = await team.waitForDeployment(started.id, {
      intervalMs: 50,
      timeoutMs: 20_000,
      onProgress: (d) => seen.push(d.status),
    });
    expect(done.status, String(done.reason)).toBe("SUCCEEDED");
    expect(seen.at(-1)).toBe("SUCCEEDED");
    const stage = await team.stages.get({ path: { project: names.project, stage: "dev" } });
    expect(stage).toMatchObject({ status: "DEPLOYED", deployed: true, deployedConfigVersion: 1 });
    expect(stage.outputs.myEventBus?.arn).toMatch(/^arn:aws:events:[^:]+:000000000000:event-bus\//);
    expect(stage.outputs.myEventBus?.archiveArn).toBeUndefined();
  });

  it("publishes events: the matching one reaches the batch job's rule, the other goes nowhere", async () => {
    const bus = { project: names.project, stage: "dev", bus: "myEventBus" };
    const published = await team.buses.publish({
      path: bus,
      body: {
        entries: [
          { source: "portal.e2e", detailType: "budget", detail: { EventName: "BUDGET_ANALYSIS" } },
          { source: "portal.e2e", detailType: "budget", detail: { EventName: "SOMETHING_ELSE" } },
        ],
      },
    });
    expect(published.failedEntryCount).toBe(0);
    const [matching, other] = published.entries.map((e) => ("eventId" in e ? e.eventId : e.errorCode));
    const deliveries = await eventually(async () => {
      const page = await team.buses.deliveries({ path: bus });
      return page.items.length > 0 ? page.items : undefined;
    });
    expect(deliveries.map((d) => d.eventId)).toEqual([matching]);
    expect(deliveries.map((d) => d.eventId)).not.toContain(other);
    expect(deliveries[0]!.rule).toMatch(/Consumer/i);
  });

  it("turns archivation on as version 2: the preview adds an archive, the deploy brings archiveArn", async () => {
    const seed = await readFile(SEED, "utf8");
    const yaml = seed.replace(
      /^( {2}myEventBus:\n {4}type: ["']?event-bus["']?\n)/m,
      "$1    properties:\n      archivation:\n        enabled: true\n",
    );
    expect(yaml).not.toBe(seed);
    const v2 = await team.configs.create({ path: { project: names.project }, body: { config: yaml } });
    expect(v2.version).toBe(2);
    const preview = await team.stages.preview({ path: { project: names.project, stage: "dev" }, body: {} });
    expect(preview.configVersion).toBe(2);
    expect(preview.changes.map((c) => [c.action, c.resourceType])).toContainEqual([
      "Add",
      "AWS::Events::Archive",
    ]);

    const started = await team.deployments.create({
      path: { project: names.project, stage: "dev" },
      body: {},
    });
    // This time follow the progress as the portal's live view does: the event stream.
    const events: string[] = [];
    let final: { status: string; reason?: string } | undefined;
    for await (const item of team.deploymentEvents(started.id, { signal: AbortSignal.timeout(20_000) })) {
      if (item.type === "stack-event") events.push(`${item.event.resourceType} ${item.event.status}`);
      else final = item.deployment;
    }
    expect(final?.status, String(final?.reason)).toBe("SUCCEEDED");
    expect(events).toContain("AWS::Events::Archive CREATE_COMPLETE");
    const stage = await team.stages.get({ path: { project: names.project, stage: "dev" } });
    expect(stage.deployedConfigVersion).toBe(2);
    expect(stage.outputs.myEventBus?.archiveArn).toMatch(/^arn:aws:events:[^:]+:000000000000:archive\//);
  });

  it("replays the archive: the archived event reaches the rule again, marked with the replay's name", async () => {
    const bus = { project: names.project, stage: "dev", bus: "myEventBus" };
    const from = new Date(Date.now() - 1000).toISOString();
    const published = await team.buses.publish({
      path: bus,
      body: {
        entries: [{ source: "portal.e2e", detailType: "budget", detail: { EventName: "BUDGET_ANALYSIS" } }],
      },
    });
    const eventId = published.entries.map((e) => ("eventId" in e ? e.eventId : e.errorCode))[0];
    await eventually(async () => {
      const page = await team.buses.deliveries({ path: bus, query: { limit: 100 } });
      return page.items.find((d) => d.eventId === eventId && !d.replayName);
    });

    const replay = await team.replays.create({
      path: bus,
      body: { from, to: new Date(Date.now() + 1000).toISOString() },
    });
    expect(["STARTING", "RUNNING", "COMPLETED"]).toContain(replay.state);
    const finished = await eventually(async () => {
      const r = await team.replays.get({ path: { ...bus, name: replay.name } });
      return r.state === "COMPLETED" || r.state === "FAILED" || r.state === "CANCELLED" ? r : undefined;
    });
    expect(finished.state, finished.stateReason).toBe("COMPLETED");
    const replayed = await eventually(async () => {
      const page = await team.buses.deliveries({ path: bus, query: { limit: 100 } });
      return page.items.find((d) => d.replayName === replay.name);
    });
    expect(JSON.parse(replayed.input)).toMatchObject({ detail: { EventName: "BUDGET_ANALYSIS" } });
  });

  it("rolls back to version 1: the archive is gone again", async () => {
    const rollback = await team.stages.rollback({ path: { project: names.project, stage: "dev" } });
    expect(rollback).toMatchObject({ kind: "rollback", configVersion: 1 });
    const done = await team.waitForDeployment(rollback.id, { intervalMs: 50, timeoutMs: 20_000 });
    expect(done.status, String(done.reason)).toBe("SUCCEEDED");
    const stage = await team.stages.get({ path: { project: names.project, stage: "dev" } });
    expect(stage.deployedConfigVersion).toBe(1);
    expect(stage.outputs.myEventBus?.archiveArn).toBeUndefined();
  });

  it("lists what the portal shows: projects, versions and deployments newest first, page by page", async () => {
    const projects = await team.projects.list({ query: { team: names.team } });
    expect(projects.items.map((p) => p.name)).toEqual([names.project]);

    const versions = await team.configs.list({ path: { project: names.project } });
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);

    const stages = await team.stages.list({ path: { project: names.project } });
    expect(stages.items.map((s) => [s.stage, s.deployedConfigVersion])).toEqual([["dev", 1]]);

    const path = { project: names.project, stage: "dev" };
    const first = await team.deployments.list({ path, query: { limit: 2 } });
    expect(first.items.map((d) => [d.kind, d.configVersion])).toEqual([
      ["rollback", 1],
      ["deploy", 2],
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await team.deployments.list({ path, query: { limit: 2, cursor: first.nextCursor } });
    expect(rest.items.map((d) => [d.kind, d.configVersion])).toEqual([["deploy", 1]]);
    expect(rest.nextCursor).toBeUndefined();
  });

  it("tears the stage down: it ends DELETED and its bus no longer takes events", async () => {
    const teardown = await team.stages.delete({ path: { project: names.project, stage: "dev" } });
    expect(teardown.kind).toBe("teardown");
    const done = await team.waitForDeployment(teardown.id, { intervalMs: 50, timeoutMs: 20_000 });
    expect(done.status, String(done.reason)).toBe("SUCCEEDED");
    const stage = await team.stages.get({ path: { project: names.project, stage: "dev" } });
    expect(stage).toMatchObject({ status: "DELETED", deployed: false });
    const err = await problemOf(() =>
      team.buses.publish({
        path: { project: names.project, stage: "dev", bus: "myEventBus" },
        body: { entries: [{ source: "portal.e2e", detailType: "budget", detail: {} }] },
      }),
    );
    expect(err.status).toBeGreaterThanOrEqual(400);
  });
});
