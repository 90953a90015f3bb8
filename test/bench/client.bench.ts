/**
 * What @switchyard/client costs per call: `sy.health.get()` against a bare `fetch` + `json()` of the
 * same route on the same server (the real app over HTTP), in the same run.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../../api/app.js";
import { inertDeps } from "../../api/entry/openapi-document.js";
import { createClient } from "../../sdk-client/src/index.js";
import { type BenchRow, measure, type Throughput } from "./lib.js";

export default async function (): Promise<BenchRow[]> {
  // /healthz touches no dependency, so the inert deps of the document build serve it.
  const app = createApp(inertDeps());
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sy = createClient({ baseUrl: url });
    const bareCall = () => fetch(`${url}/healthz`).then((r) => r.json());
    const clientCall = () => sy.health.get();
    // Interleaved rounds, best of each: the machine is shared, so one slow round must not decide.
    const rounds: { bare: Throughput; client: Throughput }[] = [];
    for (let i = 0; i < 3; i++) {
      rounds.push({ bare: await measure(bareCall, 1500, 150), client: await measure(clientCall, 1500, 150) });
    }
    const best = (runs: Throughput[]) => runs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    const bare = best(rounds.map((r) => r.bare));
    const client = best(rounds.map((r) => r.client));
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
        name: "p99 of the same calls (best round)",
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
