/**
 * No request holds the event loop for long (#15): every worst case of the limits (worst-inputs.ts:
 * configs as text and as objects, event patterns, events at the 1 MiB body limit) is sent through
 * HTTP, one at a time, while /healthz is asked again and again on fresh connections; every /healthz
 * answers, and each worst request costs the process less than 300 ms of CPU (the lowest of up to three
 * readings when one is over).
 *
 * This is not a timing test of the 100 ms budget: that is measured by `npm run bench --
 * worst-inputs` (ratios against an ordinary request in the same run). The bound here is three times
 * the budget and counts CPU time, not wall time: on a shared two-core machine running other suites
 * the loop's delay (perf_hooks.monitorEventLoopDelay, reported on failure) grows with everything
 * else that runs, CPU time much less; and a request cannot hold the loop longer than it computes.
 * It fails on what the limits exist to prevent: a request that computes for seconds, as a `$or`
 * expansion (2.6 s), bracket nesting after a quote (3.5 s) or a `$Var()` copy of unknown
 * directives (about 1 s) did, or for a third of a second, as JSON.parse of 1 MiB of nested arrays
 * did. A limit raised above the one the budget was measured at fails the second test: the worst
 * inputs are built from the limits, so a higher one needs measuring again (SECURITY.md).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../api/app.js";
import { CONFIG_LIMITS } from "../../api/config/limits.js";
import { JSON_BODY_LIMITS } from "../../api/http/json-shape.js";
import { bearer, createKey, createTeam } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { healthzOnNewConnection } from "./support.js";
import { WORST_REQUESTS } from "./worst-inputs.js";

/** Three times the ~100 ms budget, in CPU time (see above). */
const CPU_BOUND_MS = 300;

/**
 * The limits the budget was measured at (SECURITY.md, "Bounded parsing"): the worst config text
 * took 52 to 92 ms of CPU at 20,000 YAML tokens, up to 139 ms at 40,000.
 */
const MEASURED_AT = {
  yamlTokens: 20_000,
  configBytes: 512 * 1024,
  configValues: 50_000,
  jsonDepth: 1_100,
  jsonContainers: 200_000,
  requestBodyBytes: 1024 * 1024,
};
/** Catches a hang, not slowness. */
const CLIENT_TIMEOUT_MS = 30_000;

let server: TestServer;
let key: string;
beforeAll(async () => {
  server = await startTestServer();
  key = await createKey(server, await createTeam(server), "maintainer");
});
afterAll(() => server.close());

/** One worst request, sent while /healthz is asked beside it; what it cost the process. */
async function measure(worst: (typeof WORST_REQUESTS)[number], health: number[]) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let inFlight = true;
  const beside = (async () => {
    while (inFlight) health.push(await healthzOnNewConnection(server.url, CLIENT_TIMEOUT_MS));
  })();
  const cpu = process.cpuUsage();
  delay.enable();
  const res = await server.fetch(worst.path, {
    method: "POST",
    headers: { ...bearer(key), "content-type": worst.contentType },
    body: worst.body,
    signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
  });
  await res.arrayBuffer();
  delay.disable();
  inFlight = false;
  await beside;
  const used = process.cpuUsage(cpu);
  return { status: res.status, loopMs: delay.max / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Process CPU time counts GC threads and whatever else the shared worker runs meanwhile, so on a
 * loaded machine it only ever reads high: a request over the bound is measured again, up to
 * MEASUREMENTS times, and the lowest reading kept. A request that computes for seconds stays over
 * it every time.
 */
const MEASUREMENTS = 3;

it("answers every worst input while /healthz keeps answering, none computing near a second", async () => {
  const held: { name: string; status: number; loopMs: number; cpuMs: number; tries: number }[] = [];
  const health: number[] = [];
  for (const worst of WORST_REQUESTS) {
    let best = await measure(worst, health);
    let tries = 1;
    expect(best.status, worst.name).toBe(worst.status);
    while (best.cpuMs >= CPU_BOUND_MS && tries < MEASUREMENTS) {
      const again = await measure(worst, health);
      tries += 1;
      if (again.cpuMs < best.cpuMs) best = again;
    }
    held.push({ name: `${worst.kind}: ${worst.name}`, tries, ...best });
  }
  const report = held
    .map(
      (h) =>
        `CPU ${h.cpuMs.toFixed(0).padStart(5)} ms, loop held ${h.loopMs.toFixed(0).padStart(5)} ms (${h.tries} measured): ${h.name}`,
    )
    .join("\n");
  expect(
    held.filter((h) => h.cpuMs >= CPU_BOUND_MS),
    report,
  ).toEqual([]);
  expect(health.length).toBeGreaterThanOrEqual(WORST_REQUESTS.length);
  expect(health.every((s) => s === 200)).toBe(true);
});

it("has limits no higher than those the budget was measured at", () => {
  const now: Record<keyof typeof MEASURED_AT, number> = {
    yamlTokens: CONFIG_LIMITS.tokens,
    configBytes: CONFIG_LIMITS.bytes,
    configValues: CONFIG_LIMITS.values,
    jsonDepth: JSON_BODY_LIMITS.depth,
    jsonContainers: JSON_BODY_LIMITS.containers,
    requestBodyBytes: MAX_BODY_BYTES,
  };
  for (const [limit, value] of Object.entries(now)) {
    expect(value, limit).toBeLessThanOrEqual(MEASURED_AT[limit as keyof typeof MEASURED_AT]);
  }
});
