/**
 * Per role, the portal offers only what the role may do, and the API refuses the rest when a
 * person forces it anyway (the same call, made from the signed-in page with its own key).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKey,
  createTeam,
  openPortal,
  type Portal,
  signIn,
  unique,
  unnamedControls,
} from "./support/browser.js";

type Role = "viewer" | "deployer" | "maintainer" | "admin";

let portal: Portal;
let team: string;
const project = unique("roles");
const keys = {} as Record<Role, string>;

const CONFIG = `resources:
  rolesBus:
    type: event-bus
    properties:
      archivation:
        enabled: true
`;

beforeAll(async () => {
  portal = await openPortal();
  team = await createTeam(portal);
  for (const role of ["viewer", "deployer", "maintainer", "admin"] as const) {
    keys[role] = await createKey(portal, team, role);
  }
  // A deployed stage to look at, set up through the API (not what these tests are about).
  await portal.admin.projects.create({ body: { name: project, team } });
  await portal.admin.configs.create({ path: { project }, body: { config: CONFIG } });
  const started = await portal.admin.deployments.create({ path: { project, stage: "dev" }, body: {} });
  const done = await portal.admin.waitForDeployment(started.id, { intervalMs: 50, timeoutMs: 20_000 });
  expect(done.status).toBe("SUCCEEDED");
});
afterAll(() => portal?.close());

/** What each page offers, as a person sees it: which of these controls exist. */
async function offered(page: Page): Promise<Record<string, boolean>> {
  const has = async (locator: ReturnType<Page["getByRole"]>) => (await locator.count()) > 0;
  const seen: Record<string, boolean> = {};
  // Every control on every page has an accessible name, whatever the role shows.
  const named = async (where: string) => expect(await unnamedControls(page), where).toEqual([]);

  await page.goto("/#/projects");
  await page.getByRole("heading", { name: "All projects" }).waitFor();
  seen["create project"] = await has(page.getByRole("button", { name: "Create project" }));
  seen["team page"] = await has(page.getByRole("link", { name: "Team", exact: true }));
  await named("projects");

  await page.goto("/#/team");
  await page.getByRole("heading", { name: "Buses shared with this team" }).waitFor();
  seen["team keys"] = await has(page.getByRole("button", { name: "Issue key" }));
  seen["share bus"] = await has(page.getByRole("button", { name: "Share bus" }));
  await named("team");

  await page.goto(`/#/projects/${project}`);
  await page.getByRole("link", { name: "dev", exact: true }).waitFor();
  seen["delete project"] = await has(page.getByRole("button", { name: "Delete project" }));
  await named("project");

  await page.goto(`/#/projects/${project}/config`);
  await page.getByRole("textbox", { name: /Config of/ }).waitFor();
  seen["save config"] = await has(page.getByRole("button", { name: "Save as new version" }));
  seen["edit config"] =
    (await page.getByRole("textbox", { name: /Config of/ }).getAttribute("contenteditable")) === "true";
  await named("config");

  await page.goto(`/#/projects/${project}/stages/dev`);
  await page.getByText(/^Runs version 1$/).waitFor();
  seen.deploy = await has(page.getByRole("button", { name: /^Deploy v/ }));
  seen.rollback = await has(page.getByRole("button", { name: "Roll back to the previous version" }));
  seen.teardown = await has(page.getByRole("button", { name: "Tear down" }));
  await named("stage");

  await page.goto(`/#/projects/${project}/stages/dev/buses/rolesBus`);
  await page.getByRole("heading", { name: "Test a pattern" }).waitFor();
  seen.publish = await has(page.getByRole("button", { name: "Publish", exact: true }));
  seen.replay = await has(page.getByRole("button", { name: "Start replay" }));
  await named("bus");
  return seen;
}

/** A call the portal did not offer, forced from the signed-in page with the tab's own key. */
async function forced(page: Page, method: string, path: string, body?: unknown) {
  return page.evaluate(
    async ([m, p, b]) => {
      const dom = globalThis as any;
      const key = Object.values(dom.sessionStorage)[0] as string;
      const res = await dom.fetch(p, {
        method: m,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        ...(b === undefined ? {} : { body: JSON.stringify(b) }),
      });
      return {
        status: res.status as number,
        problem: (await res.json()) as { type: string; detail: string },
      };
    },
    [method, path, body] as const,
  );
}

const EXPECTED: Record<Role, Record<string, boolean>> = {
  viewer: {
    "create project": false,
    "team page": true,
    "team keys": false,
    "share bus": false,
    "delete project": false,
    "save config": false,
    "edit config": false,
    deploy: false,
    rollback: false,
    teardown: false,
    publish: false,
    replay: false,
  },
  deployer: {
    "create project": false,
    "team page": true,
    "team keys": false,
    "share bus": false,
    "delete project": false,
    "save config": false,
    "edit config": false,
    deploy: true,
    rollback: true,
    teardown: true,
    publish: true,
    replay: true,
  },
  maintainer: {
    "create project": true,
    "team page": true,
    "team keys": false,
    "share bus": true,
    "delete project": false,
    "save config": true,
    "edit config": true,
    deploy: true,
    rollback: true,
    teardown: true,
    publish: true,
    replay: true,
  },
  admin: {
    "create project": true,
    "team page": true,
    "team keys": true,
    "share bus": true,
    "delete project": true,
    "save config": true,
    "edit config": true,
    deploy: true,
    rollback: true,
    teardown: true,
    publish: true,
    replay: true,
  },
};

/** Per role, the first thing it may not do, forced. */
const FORCED: Record<Role, [string, () => string, unknown?]> = {
  viewer: [
    "POST",
    () => `/v1/projects/${project}/stages/dev/buses/rolesBus/events`,
    {
      entries: [{ source: "forced", detailType: "x", detail: {} }],
    },
  ],
  deployer: ["POST", () => `/v1/projects/${project}/configs`, { config: CONFIG }],
  maintainer: ["GET", () => `/v1/teams/${team}/api-keys`],
  admin: ["POST", () => "/v1/teams", { name: unique("forced") }],
};

// Four people at once, each in their own browser context.
describe.concurrent.each(["viewer", "deployer", "maintainer", "admin"] as const)("a %s", (role) => {
  it("is offered exactly what the role may do, and refused the rest when forcing it", async () => {
    const page = await portal.page();
    await signIn(page, keys[role]);
    expect(await offered(page)).toEqual(EXPECTED[role]);

    const [method, path, body] = FORCED[role];
    const refused = await forced(page, method, path(), body);
    expect(refused.status).toBe(403);
    expect(refused.problem.type).toBe("https://switchyard.dev/problems/forbidden");
    expect(refused.problem.detail).toMatch(/role|platform-admin/);
  });
});
