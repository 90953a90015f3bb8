/**
 * The app with deferred deps, as the Lambda builds it (api/entry/lambda.ts): route groups and deps
 * load on the first request that needs them, once, and a failed load is retried by the next one.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../api/app.js";
import { generateApiKey } from "../../api/auth/secrets.js";
import type { AppDeps } from "../../api/deps.js";
import { silentLogger } from "../../api/http/logger.js";
import { createStore } from "../../api/store/index.js";
import { createTestTable } from "../support/dynamo.js";

const adminKey = generateApiKey().secret;
let table: Awaited<ReturnType<typeof createTestTable>>;
const servers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await Promise.all(servers.map((close) => close()));
  table.destroy();
});

/** A fresh app over HTTP whose deps load on first use; `failures` loads fail first. */
async function start(failures = 0) {
  const deps: AppDeps = {
    log: silentLogger,
    table,
    store: createStore(table),
    adminKey,
    now: () => new Date(),
  };
  const state = { loads: 0, url: "" };
  const app = createApp({
    log: silentLogger,
    load: async () => {
      state.loads++;
      // Yield, so concurrent first requests really overlap the load.
      await new Promise((r) => setTimeout(r, 20));
      if (state.loads <= failures) throw new Error("the admin secret could not be read");
      return deps;
    },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  servers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

const asAdmin = { authorization: `Bearer ${adminKey}` };

describe("an app whose deps load on first use", () => {
  it("answers /healthz and 404/405 without loading them", async () => {
    const app = await start();
    const url = app.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const res = await fetch(`${url}/healthz`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(app.loads).toBe(0);
  });

  it("answers 500 problem+json when loading fails, and loads again on the next request", async () => {
    const app = await start(1);
    const url = app.url;
    const failed = await fetch(`${url}/v1/whoami`, { headers: asAdmin });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await failed.text()).not.toContain("admin secret"); // internals stay in the log
    expect(app.loads).toBe(1);

    const ok = await fetch(`${url}/v1/whoami`, { headers: asAdmin });
    expect(ok.status).toBe(200);
    expect(app.loads).toBe(2);
  });

  it("loads once for concurrent first requests to several groups, which then see the caller", async () => {
    const app = await start();
    const url = app.url;
    const answers = await Promise.all(
      ["/v1/teams", "/v1/projects", "/v1/settings/network?region=eu-west-1", "/v1/teams"].map((p) =>
        fetch(`${url}${p}`, { headers: { ...asAdmin, "x-request-id": `req-${p.length}` } }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // The group's answer keeps the headers the app's own middleware set.
    expect(answers[1]!.headers.get("x-request-id")).toBe("req-12");
    expect(app.loads).toBe(1);
  });

  it("validates a group's input with the group's schemas and answers with the app's problem types", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/v1/teams`, {
      method: "POST",
      headers: { ...asAdmin, "content-type": "application/json" },
      body: JSON.stringify({ name: "Not A Valid Name!" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { type: string }).type).toMatch(/validation/);
    const noType = await fetch(`${url}/v1/teams`, { method: "POST", headers: asAdmin, body: "name=x" });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as { detail: string }).detail).toContain("`application/json`");
  });
});
