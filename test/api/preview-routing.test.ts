import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest } from "../support/auth.js";
import { busConfig } from "../support/bus-configs.js";
import { ensureCliBuilt, runCli } from "../support/cli.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * The routing diff of a preview: a new version that narrows a rule's pattern, adds a rule and
 * removes one is previewed against what the stage's bus received, through the API and the CLI.
 */
const archived = { archivation: { enabled: true } };
const V1 = busConfig({
  bus: archived,
  subscribers: [
    { name: "consumer", pattern: { source: ["shop.orders"] } },
    { name: "audit", pattern: { source: ["shop.audit"] } },
  ],
});
// Only created orders now; the audit function is gone; a refunds function appears.
const V2 = busConfig({
  bus: archived,
  subscribers: [
    { name: "consumer", pattern: { source: ["shop.orders"], "detail-type": ["created"] } },
    { name: "refunds", pattern: { "detail-type": ["refunded"] } },
  ],
});

let server: TestServer;
let deployed: DeployedStage;
let configDir: string;

beforeAll(async () => {
  ensureCliBuilt();
  server = await startTestServer();
  deployed = await deployToStage(server, V1);
  expect(deployed.deployment.status).toBe("SUCCEEDED");
  const entries = [
    { source: "shop.orders", "detail-type": "created", detail: { id: 1 } },
    { source: "shop.orders", "detail-type": "cancelled", detail: { id: 2 } },
    { source: "shop.orders", "detail-type": "refunded", detail: { id: 3 } },
    { source: "shop.audit", "detail-type": "created", detail: { id: 4 } },
  ];
  const published = await server.fetch(
    `${deployed.stagePath}/buses/orders/events`,
    jsonRequest(deployed.key, "POST", { entries }),
  );
  expect((await bodyOf(published)).failedEntryCount).toBe(0);
  const posted = await server.fetch(`/v1/projects/${deployed.project}/configs`, {
    method: "POST",
    headers: { authorization: `Bearer ${deployed.key}`, "content-type": "application/yaml" },
    body: V2,
  });
  expect(posted.status).toBe(201);
  configDir = await mkdtemp(path.join(tmpdir(), "switchyard-preview-"));
});
afterAll(async () => {
  await server.close();
  await rm(configDir, { recursive: true, force: true });
});

const preview = async (body: unknown = {}) =>
  server.fetch(`${deployed.stagePath}/previews`, jsonRequest(deployed.key, "POST", body));

describe("a preview's routing diff", () => {
  it("says how many of the bus's recent events a narrowed rule stops matching, with examples", async () => {
    const res = await preview();
    expect(res.status).toBe(200);
    const { routing } = await bodyOf(res);
    expect(routing.samples).toEqual([
      { bus: expect.stringContaining("orders"), source: "archive", events: 4 },
    ]);
    const narrowed = routing.rules.find((r: { rule: string }) => r.rule.startsWith("Consumer"));
    expect(narrowed).toMatchObject({
      change: "changed",
      changed: ["eventPattern"],
      before: { eventPattern: { source: ["shop.orders"] }, state: "ENABLED" },
      after: { eventPattern: { source: ["shop.orders"], "detail-type": ["created"] } },
      sample: { events: 4, matchedBefore: 3, matchedAfter: 1 },
    });
    expect(narrowed.after.targets).toEqual([
      { id: expect.any(String), arn: expect.stringMatching(/Consumer/) },
    ]);
    expect(
      narrowed.sample.examples
        .map((e: { event: { "detail-type": string } }) => e.event["detail-type"])
        .sort(),
    ).toEqual(["cancelled", "refunded"]);
    expect(narrowed.sample.examples.every((e: any) => e.matchedBefore && !e.matchedAfter)).toBe(true);

    const removed = routing.rules.find((r: any) => r.change === "removed");
    expect(removed).toMatchObject({
      rule: expect.stringMatching(/^Audit/),
      before: { eventPattern: { source: ["shop.audit"] } },
      sample: { events: 4, matchedBefore: 1, matchedAfter: 0 },
    });
    const added = routing.rules.find((r: any) => r.change === "added");
    expect(added).toMatchObject({
      rule: expect.stringMatching(/^Refunds/),
      after: { eventPattern: { "detail-type": ["refunded"] } },
      sample: { events: 4, matchedBefore: 0, matchedAfter: 1 },
    });
    expect(routing.rules).toHaveLength(3);
  });

  it("evaluates at most the events asked for, and none with routingSample 0", async () => {
    const two = (await bodyOf(await preview({ routingSample: 2 }))).routing;
    expect(two.samples[0].events).toBe(2);
    expect(two.rules.every((r: any) => r.sample.events === 2)).toBe(true);
    const none = (await bodyOf(await preview({ routingSample: 0 }))).routing;
    expect(none.samples[0]).toMatchObject({ source: "none", events: 0 });
    expect(none.rules.every((r: any) => r.sample === undefined)).toBe(true);
    expect(none.rules).toHaveLength(3);
    expect((await preview({ routingSample: 501 })).status).toBe(400);
  });

  it("reads in the CLI: each rule with its patterns, targets and what recent events say", async () => {
    const run = await runCli(["preview", "-p", deployed.project, "-s", "dev"], {
      env: {
        SWITCHYARD_URL: server.url,
        SWITCHYARD_API_KEY: deployed.key,
        SWITCHYARD_CONFIG_DIR: configDir,
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("routing: 3 rule change(s)");
    expect(run.stdout).toMatch(/~ rule Consumer\S* on bus \S*orders \(eventPattern\)/);
    expect(run.stdout).toContain('before: {"source":["shop.orders"]} → ');
    expect(run.stdout).toContain('after:  {"source":["shop.orders"],"detail-type":["created"]} → ');
    expect(run.stdout).toContain("4 recent event(s): 3 matched before, 1 after");
    expect(run.stdout).toMatch(/stops matching: \{.*"detail-type":"cancelled"/);
    expect(run.stdout).toMatch(/- rule Audit\S* on bus/);
    expect(run.stdout).toMatch(/\+ rule Refunds\S* on bus/);
  });
});
