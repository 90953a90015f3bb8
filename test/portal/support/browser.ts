/**
 * The browser side of a portal test: a connection to the run's one Chromium, pages in fresh
 * contexts (light or dark, desktop or phone), signing in through the form, screenshots, and the
 * API through the generated client for set-up that is not under test.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { inject } from "vitest";
import { createClient, type SwitchyardClient } from "../../../sdk-client/src/index.js";

export const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Portal {
  url: string;
  admin: SwitchyardClient;
  browser: Browser;
  /** A page in a fresh context: its own sessionStorage, so its own sign-in. */
  page(options?: {
    colorScheme?: "light" | "dark";
    viewport?: { width: number; height: number };
  }): Promise<Page>;
  close(): Promise<void>;
}

export async function openPortal(): Promise<Portal> {
  const url = inject("portalUrl");
  const browser = await chromium.connect(inject("chromiumEndpoint"));
  const contexts: BrowserContext[] = [];
  return {
    url,
    admin: createClient({ baseUrl: url, apiKey: inject("portalAdminKey") }),
    browser,
    async page({ colorScheme = "light", viewport = DESKTOP } = {}) {
      const context = await browser.newContext({
        baseURL: url,
        colorScheme,
        viewport,
        permissions: ["clipboard-read", "clipboard-write"],
      });
      contexts.push(context);
      const page = await context.newPage();
      // Well inside the test's own timeout, so a missing element fails with Playwright's message.
      page.setDefaultTimeout(10_000);
      await recordCspViolations(page);
      return page;
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close()));
      await browser.close();
    },
  };
}

/**
 * Every Content-Security-Policy violation the page reports, read back by `cspViolations`. (Scripts
 * for the page are strings: this file is type-checked without the DOM's declarations.)
 */
async function recordCspViolations(page: Page): Promise<void> {
  await page.addInitScript({
    content: `window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__csp.push(e.violatedDirective + " " + e.blockedURI);
      });`,
  });
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate("window.__csp");
}

/** Signs in through the form and waits for the signed-in header. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // From the top, so the sticky header sits where a person sees it.
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

let seq = 0;
/** A name no other test of this run uses (team and project names share one namespace). */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${seq++}`;

/** A new team (set up through the API: not what the test is about). */
export async function createTeam(portal: Portal): Promise<string> {
  const team = unique("team");
  await portal.admin.teams.create({ body: { name: team } });
  return team;
}

/** A key of `role` in `team`, issued through the API; returns its secret. */
export async function createKey(
  portal: Portal,
  team: string,
  role: "viewer" | "deployer" | "maintainer" | "admin",
  name = `${role} key`,
): Promise<string> {
  return (await portal.admin.apiKeys.create({ path: { team }, body: { name, role } })).secret;
}

/** Pastes text into an editor as a clipboard paste does (typed text would be re-indented). */
export async function paste(target: Locator, text: string): Promise<void> {
  await target.click();
  await target.press("Control+A");
  // Runs in the page; `globalThis` there has the DOM this file is not type-checked against.
  await target.evaluate((el: any, pasted: string) => {
    const dom = globalThis as any;
    const data = new dom.DataTransfer();
    data.setData("text/plain", pasted);
    el.dispatchEvent(
      new dom.ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

const NAMED_ROLES = new Set([
  "button",
  "link",
  "textbox",
  "combobox",
  "checkbox",
  "radio",
  "searchbox",
  "tab",
  "menuitem",
]);

/**
 * Controls without an accessible name, as Chromium's accessibility tree (the one screen readers
 * read) computes it: each as "role" plus what it shows, for the failure message.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
      nodes: { ignored?: boolean; role?: { value?: string }; name?: { value?: string } }[];
    };
    return nodes
      .filter(
        (n) => !n.ignored && NAMED_ROLES.has(String(n.role?.value)) && !String(n.name?.value ?? "").trim(),
      )
      .map((n) => String(n.role?.value));
  } finally {
    await cdp.detach();
  }
}
