/**
 * What @switchyard/client costs per call: `sy.health.get()` against a bare `fetch` + `json()` of the
 * same route on the same server (the real app over HTTP), in the same run.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../../api/app.js";
import { inertDeps } from "../../api/entry/openapi-document.js";
import { createClient } from "../../sdk-client/src/index.js";
import { type BenchRow, measure } from "./lib.js";

export default async function (): Promise<BenchRow[]> {
  // /healthz touches no dependency, so the inert deps of the document build serve it.
  const app = createApp(inertDeps());
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sy = createClient({ baseUrl: url });
    const bare = await measure(() => fetch(`${url}/healthz`).then((r) => r.json()), 3000, 300);
    const client = await measure(() => sy.health.get(), 3000, 300);
    return [
      {
        name: "GET /healthz through @switchyard/client (HTTP, sequential)",
        unit: "req/s",
        value: client.opsPerSec,
        baseline: { name: "bare fetch + json()", value: bare.opsPerSec },
        better: "higher",
        target: "≥ 0.8x",
      },
      {
        name: "p99 of the same calls",
        unit: "ms",
        value: client.p99Ms,
        baseline: { name: "bare fetch + json()", value: bare.p99Ms },
        better: "lower",
      },
    ];
  } finally {
    await new Promise<void>((resolve) => {
      if ("closeAllConnections" in server) server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
