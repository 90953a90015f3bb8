import { Hono } from "hono";
import { createApp } from "../../api/app.js";
import { silentLogger } from "../../api/http/logger.js";
import { createDynamoClients, localDynamoConfig } from "../../api/store/client.js";
import { createStore } from "../../api/store/index.js";
import type { BenchRow } from "./lib.js";
import { measure } from "./lib.js";

/** A health request through the full middleware stack vs a bare Hono app answering the same JSON. */
export default async function (): Promise<BenchRow[]> {
  const { doc } = createDynamoClients(localDynamoConfig("http://127.0.0.1:1"));
  const table = { doc, name: "unused" };
  const app = createApp({ log: silentLogger, table, store: createStore(table), now: () => new Date() });
  const bare = new Hono().get("/healthz", (c) => c.json({ status: "ok", version: "0.1.0" }));

  const bareRun = await measure(() => bare.request("/healthz"), 20000, 2000);
  const appRun = await measure(() => app.request("/healthz"), 20000, 2000);
  return [
    {
      name: "GET /healthz through the app (in-process)",
      unit: "req/s",
      value: appRun.opsPerSec,
      baseline: { name: "bare Hono", value: bareRun.opsPerSec },
      better: "higher",
    },
  ];
}
