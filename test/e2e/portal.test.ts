/**
 * The portal's journey, end to end: the real local server (`npm start`'s entry, its own process,
 * dynalite and local engine) driven only through @switchyard/client. Each step builds on the last.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
