/**
 * What every browser test shares, started once per run: the portal built from its current sources
 * (as `npm start` builds it), `npm start`'s entry in its own process on a free port with a temporary
 * data folder, and ONE headless Chromium (Debian's package) that test files connect to.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { ensurePortalBuilt } from "../../../portal/build.js";
import { startLocalProcess } from "../../e2e/support/local-process.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium.js";

declare module "vitest" {
  export interface ProvidedContext {
    portalUrl: string;
    portalAdminKey: string;
    chromiumEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests drive Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (or set SWITCHYARD_CHROMIUM).`,
    );
  }
  await ensurePortalBuilt();
  const [local, browser] = await Promise.all([
    startLocalProcess(),
    chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright gives the server a fresh, empty profile of its own (and removes it on close).
      args: CHROMIUM_ARGS,
    }),
  ]);
  project.provide("portalUrl", local.url);
  project.provide("portalAdminKey", local.adminKey);
  project.provide("chromiumEndpoint", browser.wsEndpoint());
  return async () => {
    await browser.close();
    await local.stop();
  };
}
