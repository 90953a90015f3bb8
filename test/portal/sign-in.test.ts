/**
 * The portal is served by Switchyard at / with its security headers; a person signs in with an API
 * key, sees who they are, and signs out. The key stays in sessionStorage, and what a user wrote
 * (here a key name full of markup) is shown as text.
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
  unnamedControls,
} from "./support/browser.js";

let portal: Portal;
let team: string;
const MARKUP_NAME = `<img src=x onerror="document.title='pwned'"> ci`;

beforeAll(async () => {
  portal = await openPortal();
  team = await createTeam(portal);
});
afterAll(() => portal?.close());

describe("the portal at /", () => {
  it("is served with a strict CSP, nosniff, frame denial and a referrer policy", async () => {
    const res = await fetch(`${portal.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    // The page itself carries no inline script or style for the CSP to have to allow.
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    // The API is unchanged beside it.
    expect((await fetch(`${portal.url}/v1/whoami`)).status).toBe(401);
  });

  it("refuses a wrong key in words, then signs in, shows who and which team, and signs out", async () => {
    const key = await createKey(portal, team, "deployer", MARKUP_NAME);
    const page = await portal.page();
    await page.goto("/");
    await page.getByRole("heading", { name: "Switchyard" }).waitFor();
    await screenshot(page, "sign-in");
    // Where a fresh `npm start` leaves the first key.
    expect(await page.getByText(/platform-admin key is in \.switchyard\/admin-key/).count()).toBe(1);

    await page.getByLabel("API key").fill("sy_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Your API key was not accepted");

    await signIn(page, key);
    const whoami = page.getByLabel("Signed in as");
    // The key's name is markup; it must arrive as text, never as an element.
    expect(await whoami.textContent()).toContain(MARKUP_NAME);
    expect(await whoami.textContent()).toContain(`deployer · ${team}`);
    expect(await page.locator("header img[src='x']").count()).toBe(0);
    expect(await page.title()).toBe("Switchyard");

    // The key lives in sessionStorage only, and survives a reload of the tab.
    const storage = await page.evaluate(
      "({ session: Object.values(sessionStorage), local: Object.keys(localStorage).length })",
    );
    expect(storage).toEqual({ session: [key], local: 0 });
    expect(page.url()).not.toContain(key);
    await page.reload();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    expect(await cspViolations(page)).toEqual([]);
  });

  it("works from the keyboard alone: sign in, skip to content, move between pages", async () => {
    const key = await createKey(portal, team, "viewer", "keyboard");
    const page = await portal.page();
    await page.goto("/");
    await page.getByLabel("API key").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.id === document.querySelector('label').htmlFor")).toBe(
      true,
    );
    await page.keyboard.type(key);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    // The first Tab reaches "Skip to content", which moves focus past the header.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.closest('main') !== null")).toBe(true);

    // Links and buttons answer Enter: open Teams from the header.
    await page.getByRole("link", { name: "Projects", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "All projects" }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
  });
});
