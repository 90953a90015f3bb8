/**
 * A fresh install from the platform team's side, in the browser: with the admin key `npm start`
 * prints, create a team, issue its first key (the secret shown once), hand it over; the key works
 * until it is revoked, and a tab still signed in with it is sent back to sign in, saying why.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openPortal, type Portal, screenshot, signIn, unique } from "./support/browser.js";

let portal: Portal;
beforeAll(async () => {
  portal = await openPortal();
});
afterAll(() => portal?.close());

describe("the platform admin onboards a team", () => {
  it("creates a team, issues a key shown once, and revokes it", async () => {
    const team = unique("onboard");
    const admin = await portal.page();
    await signIn(admin, inject("portalAdminKey"));
    expect(await admin.getByLabel("Signed in as").textContent()).toContain("platform admin");

    await admin.getByRole("link", { name: "Teams" }).click();
    await admin.getByLabel("Team name").fill(team);
    await admin.getByRole("button", { name: "Create team" }).click();
    await admin.getByRole("link", { name: "Issue its first key" }).click();
    await admin.getByRole("heading", { name: `Team ${team}` }).waitFor();

    await admin.getByLabel("Key name").fill("lead");
    await admin.getByLabel("Role").selectOption("admin");
    await admin.getByRole("button", { name: "Issue key" }).click();
    const issued = admin.getByRole("status").filter({ hasText: "shown only this once" });
    await issued.waitFor();
    const secret = (await issued.locator("code").textContent())!;
    expect(secret).toMatch(/^sy_/);
    await admin.getByRole("button", { name: "Copy the new key's secret" }).click();
    expect(await admin.evaluate("navigator.clipboard.readText()")).toBe(secret);
    await screenshot(admin, "team-keys");

    // The team's lead signs in with it elsewhere.
    const lead = await portal.page();
    await signIn(lead, secret);
    expect(await lead.getByLabel("Signed in as").textContent()).toContain(`admin · ${team}`);

    // The list never shows a secret again; revoking it locks the lead's tab out.
    const row = admin.getByRole("row").filter({ hasText: "lead" });
    expect(await row.textContent()).not.toContain(secret);
    await admin.reload();
    expect(await admin.getByText(secret).count()).toBe(0);
    await admin.getByRole("button", { name: "Revoke key lead" }).click();
    await admin.getByRole("row").filter({ hasText: "lead" }).getByText("revoked").waitFor();

    await lead.reload();
    await lead.getByText("Your API key is no longer accepted. Sign in again.").waitFor();

    // Each step is in the team's audit record, newest first, by whom and through which request.
    await admin.reload();
    const audit = admin.getByRole("table", { name: "Audit record" });
    await audit.getByText("api-key.revoke").waitFor();
    const actions = await audit.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(actions).toEqual(["api-key.revoke", "api-key.create", "team.create"]);
    expect(await audit.locator("tbody tr").first().textContent()).toContain("platform admin");
    await admin.getByLabel("Audit record of action").selectOption("api-key.create");
    // The filtered page replaces the whole list: team.create goes, api-key.create comes back.
    await audit.getByText("team.create").waitFor({ state: "detached" });
    await audit.getByText("api-key.create").waitFor();
    expect(await audit.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["api-key.create"]);
    expect(await audit.textContent()).not.toContain(secret);
    await screenshot(admin, "team-audit");
  });
});
