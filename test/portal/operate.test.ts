/**
 * Operating a live bus in the portal, as a deployer does it on the bus page: inject a failure on a
 * target, publish, see the retried and dead-lettered delivery and the dead letter with its error,
 * clear the drill, re-drive the selected dead letter and see it delivered; purge after typing the
 * queue's name; a maintainer reads each step in the team's audit record. A viewer sees the drills
 * and the dead letters, but none of the controls.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deadLetterConfig } from "../support/dead-letter-config.js";
import {
  createKey,
  createTeam,
  openPortal,
  type Portal,
  screenshot,
  signIn,
  unique,
  unnamedControls,
} from "./support/browser.js";

const CONFIG = deadLetterConfig();

let portal: Portal;
let page: Page;
let team: string;
const project = unique("operate");
const keys = { deployer: "", viewer: "" };
let busUrl: string;
/** The dead-letter queue's name, as a purge asks it to be typed. */
let QUEUE: string;

beforeAll(async () => {
  portal = await openPortal();
  team = await createTeam(portal);
  keys.deployer = await createKey(portal, team, "deployer");
  keys.viewer = await createKey(portal, team, "viewer");
  // The deployed stage is set up through the API: not what these tests are about.
  await portal.admin.projects.create({ body: { name: project, team } });
  await portal.admin.configs.create({ path: { project }, body: { config: CONFIG } });
  const started = await portal.admin.deployments.create({ path: { project, stage: "dev" }, body: {} });
  const done = await portal.admin.waitForDeployment(started.id, { intervalMs: 50, timeoutMs: 20_000 });
  expect(done.status).toBe("SUCCEEDED");
  busUrl = `/#/projects/${project}/stages/dev/buses/orders`;
  QUEUE = `${team}--${project}--dev-failed`;
  page = await portal.page();
});
afterAll(() => portal?.close());
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail")
    await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, "-")}`);
});

const section = (p: Page, title: string) =>
  p.locator("section.card", { has: p.getByRole("heading", { name: title }) });

describe("a deployer on the bus page", () => {
  it("injects a failure, publishes, and sees the retries and the dead letter with its error", async () => {
    await signIn(page, keys.deployer);
    await page.goto(busUrl);
    const drills = section(page, "Failure drills");
    await drills.getByText("No failure drill on this bus").waitFor();
    await drills.getByLabel("Fail", { exact: true }).selectOption("always");
    await drills.getByLabel("Error code").fill("Lambda.ServiceException");
    await drills.getByLabel("Error message").fill("The consumer is down");
    await drills.getByRole("button", { name: "Inject failure" }).click();
    const drillTable = drills.getByRole("table", { name: "Failure drills" });
    await drillTable.getByText("every attempt fails").waitFor();
    expect(await drillTable.textContent()).toContain("Lambda.ServiceException: The consumer is down");

    // The publish editor starts from the rule's pattern: an event the rule matches.
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const eventId = (await page
      .getByRole("list", { name: "Publish results" })
      .locator("code")
      .textContent())!;
    const delivery = page
      .getByRole("table", { name: "Deliveries" })
      .getByRole("row", { name: new RegExp(eventId) });
    await delivery.getByText("dead-lettered after 3 attempt(s)").waitFor();
    expect(await delivery.textContent()).toContain("Lambda.ServiceException: The consumer is down");

    // The last hour's counts, per rule and per target: matched, delivered, failed, dead-lettered, throttled.
    const counts = page.getByRole("table", { name: "Delivery counts, last hour" });
    const row = (n: number) => counts.locator("tbody tr").nth(n).getByRole("cell").allTextContents();
    await expect.poll(() => row(0)).toEqual([`${team}--${project}--dev-consumer-event-0`, ..."10110"]);
    expect(await row(1)).toEqual(["→ consumer-event-0-event-rule", ..."10110"]);

    const letters = page.getByRole("table", { name: `Dead letters of ${QUEUE}` });
    const letter = letters.getByRole("row", { name: new RegExp(eventId) });
    await letter.waitFor();
    expect(await letter.getByRole("cell").allTextContents()).toEqual([
      "",
      expect.any(String),
      "Lambda.ServiceException: The consumer is down",
      "3",
      expect.stringContaining(`"id":"${eventId}"`),
    ]);
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, "bus-dead-letters");
  });

  it("clears the drill, re-drives the selected dead letter, and sees it delivered", async () => {
    const drills = section(page, "Failure drills");
    await drills.getByRole("button", { name: /^Clear the drill on / }).click();
    await drills.getByText("No failure drill on this bus").waitFor();

    const queue = page.getByRole("region", { name: `Dead-letter queue ${QUEUE}` });
    const redrive = queue.getByRole("button", { name: /^Redrive selected/ });
    expect(await redrive.isDisabled()).toBe(true);
    await queue.getByRole("checkbox", { name: /^Select message / }).check();
    expect(await redrive.textContent()).toBe("Redrive selected (1)");
    await redrive.click();
    await queue.getByText("Re-drove 1 event(s) to the bus.").waitFor();
    await queue.getByText("0 message(s)").waitFor();
    // Re-published as a new event and delivered at the first attempt: a row without an outcome.
    const deliveries = page.getByRole("table", { name: "Deliveries" });
    await expect.poll(() => deliveries.getByRole("row").count()).toBe(3);
    const newest = deliveries.getByRole("row").nth(1);
    expect(await newest.textContent()).not.toContain("attempt(s)");
    expect(await newest.textContent()).toContain('"source":"shop.orders"');
  });

  it("purges the queue after its name is typed", async () => {
    await portal.admin.drills.set({
      path: { project, stage: "dev", bus: "orders" },
      body: { rule: "consumer", mode: "always" },
    });
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const queue = page.getByRole("region", { name: `Dead-letter queue ${QUEUE}` });
    await queue.getByText("1 message(s)").waitFor();
    await queue.getByRole("button", { name: "Purge…" }).click();
    const purge = queue.getByRole("button", { name: "Purge queue" });
    expect(await purge.isDisabled()).toBe(true);
    await queue.getByLabel(`Type ${QUEUE} to confirm`).fill(QUEUE);
    await purge.click();
    await queue.getByText("Purged.").waitFor();
    await queue.getByText("0 message(s)").waitFor();
  });
});

describe("a maintainer on the team page", () => {
  it("reads each step in the audit record, newest first", async () => {
    const maintainer = await portal.page();
    await signIn(maintainer, await createKey(portal, team, "maintainer"));
    await maintainer.goto("/#/team");
    await maintainer.getByLabel("Audit record of project").fill(project);
    const table = maintainer.getByRole("table", { name: "Audit record" });
    await table.getByText("dead-letters.purge").waitFor();
    const actions = (await table.locator("tbody tr td:nth-child(2)").allTextContents()).slice(0, 5);
    expect(actions).toEqual([
      "dead-letters.purge",
      "failure-drill.set", // the platform admin's, through the API
      "dead-letters.redrive",
      "failure-drill.clear",
      "failure-drill.set",
    ]);
    expect(await table.locator("tbody tr").nth(2).textContent()).toContain("deployer key");
  });
});

describe("a viewer on the bus page", () => {
  it("sees the drills and the dead letters, but no control to drill, re-drive or purge", async () => {
    // The deployer left a drill in force; one more event fails and is dead-lettered.
    await portal.admin.buses.publish({
      path: { project, stage: "dev", bus: "orders" },
      body: { entries: [{ source: "shop.orders", "detail-type": "created", detail: {} }] },
    });
    const viewer = await portal.page();
    await signIn(viewer, keys.viewer);
    await viewer.goto(busUrl);
    const drills = section(viewer, "Failure drills");
    await drills.getByRole("table", { name: "Failure drills" }).getByText("every attempt fails").waitFor();
    const queue = viewer.getByRole("region", { name: `Dead-letter queue ${QUEUE}` });
    await queue.getByText("1 message(s)").waitFor();
    expect(await queue.getByRole("table").textContent()).toContain("SwitchyardFailureDrill");
    for (const name of ["Inject failure", /^Clear the drill/, /^Redrive/, "Purge…"]) {
      expect(await viewer.getByRole("button", { name }).count(), String(name)).toBe(0);
    }
    expect(await viewer.getByRole("checkbox").count()).toBe(0);
  });
});
