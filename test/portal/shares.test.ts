/**
 * Bus shares in the browser: a maintainer of the team that owns a deployed bus shares it on the team
 * page, the other team's viewer finds it under the buses shared with it (the reference to put in
 * `eventBusArn` a click away), a viewer of the owner sees the share but is offered neither sharing
 * nor revoking, the maintainer revokes it after typing the other team's name, and once shared
 * again the holder's maintainer gives it back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKey,
  createTeam,
  cspViolations,
  openPortal,
  type Portal,
  screenshot,
  signIn,
  unique,
  unnamedControls,
} from "./support/browser.js";

let portal: Portal;
let owner: string;
let holder: string;
const project = unique("feed");
let ref: string;

beforeAll(async () => {
  portal = await openPortal();
  owner = await createTeam(portal);
  holder = await createTeam(portal);
  // The owner's deployed bus, set up through the API (not what this test is about).
  await portal.admin.projects.create({ body: { name: project, team: owner } });
  await portal.admin.configs.create({
    path: { project: `${owner}:${project}` },
    body: { config: "resources:\n  orders:\n    type: event-bus\n" },
  });
  const started = await portal.admin.deployments.create({
    path: { project: `${owner}:${project}`, stage: "dev" },
    body: {},
  });
  const done = await portal.admin.waitForDeployment(started.id, { intervalMs: 50, timeoutMs: 20_000 });
  expect(done.status).toBe("SUCCEEDED");
  ref = `${owner}:${project}/dev/orders`;
});
afterAll(() => portal?.close());

describe("the team page's bus shares", () => {
  it("lets the owner's maintainer share a bus and revoke it; others see only what they may", async () => {
    const maintainer = await portal.page();
    await signIn(maintainer, await createKey(portal, owner, "maintainer"));
    await maintainer.getByRole("link", { name: "Team", exact: true }).click();
    await maintainer.getByRole("heading", { name: `Team ${owner}` }).waitFor();
    // A maintainer manages shares, not keys.
    expect(await maintainer.getByRole("button", { name: "Issue key" }).count()).toBe(0);
    await maintainer.getByText("This team has shared no bus.").waitFor();

    await maintainer.getByLabel("Project", { exact: true }).fill(project);
    await maintainer.getByLabel("Stage", { exact: true }).fill("dev");
    await maintainer.getByLabel("Bus", { exact: true }).fill("orders");
    await maintainer.getByLabel("With team", { exact: true }).fill(holder);
    await maintainer.getByRole("checkbox", { name: "publish" }).check();
    await maintainer.getByRole("button", { name: "Share bus" }).click();
    await maintainer
      .getByRole("status")
      .filter({ hasText: `Shared ${ref} with team ${holder} to publish and subscribe.` })
      .waitFor();
    const row = maintainer.getByRole("row").filter({ hasText: ref });
    await row.filter({ hasText: "publish, subscribe" }).waitFor();
    expect(await unnamedControls(maintainer)).toEqual([]);
    await screenshot(maintainer, "team-shares");

    // A second share of the same bus with the same team: the API's answer, as a sentence.
    await maintainer.getByRole("button", { name: "Share bus" }).click();
    await maintainer.getByText(/already shared with team/).waitFor();

    // The holder's viewer: the share is there, with the reference to copy into eventBusArn.
    const holderViewer = await portal.page();
    await signIn(holderViewer, await createKey(portal, holder, "viewer"));
    await holderViewer.getByRole("link", { name: "Team", exact: true }).click();
    const held = holderViewer.getByRole("row").filter({ hasText: ref });
    await held.waitFor();
    expect(await held.textContent()).toContain(owner);
    await holderViewer.getByRole("button", { name: `Copy the reference of ${ref}` }).click();
    expect(await holderViewer.evaluate("navigator.clipboard.readText()")).toBe(ref);
    expect(await holderViewer.getByRole("button", { name: "Share bus" }).count()).toBe(0);

    // The owner's viewer sees the share but may neither share nor revoke.
    const ownerViewer = await portal.page();
    await signIn(ownerViewer, await createKey(portal, owner, "viewer"));
    await ownerViewer.goto("/#/team");
    await ownerViewer.getByRole("row").filter({ hasText: ref }).waitFor();
    expect(await ownerViewer.getByRole("button", { name: "Share bus" }).count()).toBe(0);
    expect(await ownerViewer.getByRole("button", { name: /^Revoke the share/ }).count()).toBe(0);

    // Revoking asks for the other team's name first.
    await maintainer.getByRole("button", { name: `Revoke the share of ${ref} with ${holder}` }).click();
    const confirm = maintainer.getByRole("button", { name: "Revoke share" });
    expect(await confirm.isDisabled()).toBe(true);
    await maintainer.getByLabel(`Type ${holder} to confirm`).fill(holder);
    await confirm.click();
    await maintainer
      .getByRole("status")
      .filter({ hasText: `No stage of ${holder} uses it.` })
      .waitFor();
    await maintainer.getByRole("button", { name: "Done" }).click();
    await maintainer.getByText("This team has shared no bus.").waitFor();

    await holderViewer.reload();
    await holderViewer.getByText("No bus is shared with this team.").waitFor();

    // Shared again; this time the holder's maintainer gives it back, after typing the owner's name.
    await maintainer.getByRole("button", { name: "Share bus" }).click();
    await maintainer.getByRole("row").filter({ hasText: ref }).waitFor();
    const holderMaintainer = await portal.page();
    await signIn(holderMaintainer, await createKey(portal, holder, "maintainer"));
    await holderMaintainer.goto("/#/team");
    await holderMaintainer
      .getByRole("button", { name: `Give back the share of ${ref} from ${owner}` })
      .click();
    await holderMaintainer.getByLabel(`Type ${owner} to confirm`).fill(owner);
    await holderMaintainer.getByRole("button", { name: "Give back share" }).click();
    await holderMaintainer
      .getByRole("status")
      .filter({ hasText: `No stage of ${holder} uses it.` })
      .waitFor();
    await holderMaintainer.getByRole("button", { name: "Done" }).click();
    await holderMaintainer.getByText("No bus is shared with this team.").waitFor();
    await maintainer.reload();
    await maintainer.getByText("This team has shared no bus.").waitFor();
    for (const page of [maintainer, holderViewer, ownerViewer, holderMaintainer])
      expect(await cspViolations(page)).toEqual([]);
  });
});
