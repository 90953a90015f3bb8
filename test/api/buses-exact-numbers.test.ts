import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectKey } from "../../api/store/projects.js";
import { stageRepository } from "../../api/store/stages.js";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * Publishing keeps `detail` exactly as sent, over HTTP on the embedded engine: an id past 2^53 and
 * a decimal with more digits than a double holds reach the rules, the delivery log and replays
 * digit for digit, and rules decide on them as EventBridge does (event-ruler: a number a double
 * cannot hold matches only its identical literal and no numeric range).
 */
const ID = "12345678901234567891";
const AMOUNT = "0.1000000000000000055511151231257827";
/** What the detail is delivered as: the sent text without its whitespace. */
const EXACT_DETAIL = `{"id":${ID},"amount":${AMOUNT}}`;
/** The double JSON.parse turns ID into: a rule on it must not see the event. */
const ROUNDED_ID = "12345678901234567168";
/** The rules on `source: shop` events, by name, with their patterns as text. */
const RULES = {
  "exact-id": `{"detail":{"id":[${ID}]}}`,
  "rounded-id": `{"detail":{"id":[${ROUNDED_ID}]}}`,
  "id-in-range": `{"detail":{"id":[{"numeric":[">",0]}]}}`,
};
const QUEUE = "arn:aws:sqs:us-east-1:000000000000:orders";

let server: TestServer;
let deployer: string;
let viewer: string;
let busPath: string;

beforeAll(async () => {
  server = await startTestServer();
  const team = await createTeam(server);
  deployer = await createKey(server, team, "deployer");
  viewer = await createKey(server, team, "viewer");
  const project = `n-${randomUUID().slice(0, 8)}`;
  const maintainer = await createKey(server, team, "maintainer");
  expect(
    (await server.fetch("/v1/projects", jsonRequest(maintainer, "POST", { name: project }))).status,
  ).toBe(201);
  const { engine } = server;
  const busName = `${project}-dev-orders`;
  const { EventBusArn } = await engine.createEventBus({ Name: busName });
  const { ArchiveArn } = await engine.createArchive({ ArchiveName: busName, EventSourceArn: EventBusArn });
  for (const [name, pattern] of Object.entries(RULES)) {
    await engine.putRule({ Name: name, EventBusName: busName, EventPattern: pattern });
    await engine.putTargets({ Rule: name, EventBusName: busName, Targets: [{ Id: "queue", Arn: QUEUE }] });
  }
  // A rule of its own source whose targets shape their input from the detail.
  await engine.putRule({
    Name: "shaped",
    EventBusName: busName,
    EventPattern: '{"source":["shop.shaped"]}',
  });
  await engine.putTargets({
    Rule: "shaped",
    EventBusName: busName,
    Targets: [
      {
        Id: "id",
        Arn: QUEUE,
        InputTransformer: { InputPathsMap: { id: "$.detail.id" }, InputTemplate: "<id>" },
      },
      {
        Id: "order",
        Arn: QUEUE,
        InputTransformer: {
          InputPathsMap: { id: "$.detail.id", amount: "$.detail.amount", order: "$.detail" },
          InputTemplate:
            '{"id": <id>, "amount": <amount>, "label": "order <id> of <amount>", "order": <order>}',
        },
      },
      { Id: "amount", Arn: QUEUE, InputPath: "$.detail.amount" },
    ],
  });
  await stageRepository(server.deps.table).save(
    projectKey(team, project),
    "dev",
    {
      stackName: `${project}-dev`,
      status: "DEPLOYED",
      deployed: true,
      outputs: { orders: { arn: EventBusArn!, archiveArn: ArchiveArn! } },
    },
    new Date(),
  );
  busPath = `/v1/projects/${project}/stages/dev/buses/orders`;
});
afterAll(() => server.close());

/** Sends the body as written: JSON.stringify could not express these numbers. */
const publishText = (body: string) =>
  server.fetch(`${busPath}/events`, {
    method: "POST",
    headers: { ...bearer(deployer), "content-type": "application/json" },
    body,
  });

const deliveries = async () =>
  (await bodyOf(await server.fetch(`${busPath}/deliveries?limit=50`, { headers: bearer(viewer) }))).items as {
    rule: string;
    targetId: string;
    eventId: string;
    replayName?: string;
    input: string;
  }[];

describe("publishing a detail with numbers a double cannot hold", () => {
  let eventId: string;

  it("delivers the detail digit for digit, only to the rule with the identical literal", async () => {
    const res = await publishText(
      `{"entries":[{"source":"shop","detailType":"order",\n  "detail": { "id": ${ID},\n    "amount": ${AMOUNT} }}]}`,
    );
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body.failedEntryCount).toBe(0);
    eventId = body.entries[0].eventId;

    const log = await deliveries();
    // Not the rule on the double the id rounds to, and no numeric range: the id is not comparable.
    expect(log.map((d) => d.rule)).toEqual(["exact-id"]);
    expect(log[0]?.eventId).toBe(eventId);
    expect(log[0]?.input).toContain(`,"resources":[],"detail":${EXACT_DETAIL}}`);
  });

  it("replays it from the archive with the same digits", async () => {
    const now = Date.now();
    const started = await bodyOf(
      await server.fetch(
        `${busPath}/replays`,
        jsonRequest(deployer, "POST", {
          from: new Date(now - 60_000).toISOString(),
          to: new Date(now + 1000).toISOString(),
        }),
      ),
    );
    const done = await poll(
      async () =>
        bodyOf(await server.fetch(`${busPath}/replays/${started.name}`, { headers: bearer(viewer) })),
      (r) => r.state === "COMPLETED" || r.state === "FAILED",
    );
    expect(done.state).toBe("COMPLETED");
    const replayed = (await deliveries()).filter((d) => d.replayName === started.name);
    expect(replayed.map((d) => [d.rule, d.eventId])).toEqual([["exact-id", eventId]]);
    expect(replayed[0]?.input).toContain(`"detail":${EXACT_DETAIL}}`);
  });

  it("keeps each entry's own detail when several are sent, and the last of a repeated member", async () => {
    const before = (await deliveries()).length;
    const res = await publishText(
      `{"entries":[` +
        `{"source":"shop","detailType":"order","detail":{"id":1,"note":"\\"detail\\":{}"}},` +
        `{"source":"shop","detailType":"order","detail":{"id":2},"detail" :\n{"id":${ID}}}` +
        `]}`,
    );
    expect(res.status).toBe(200);
    const [first, second] = (await bodyOf(res)).entries;
    const log = await deliveries();
    expect(log).toHaveLength(before + 2);
    const byEvent = Object.fromEntries(log.slice(0, 2).map((d) => [d.eventId, d]));
    // id 1 is an ordinary number, in the range; the second entry's last detail has the big id.
    expect(byEvent[first.eventId]?.rule).toBe("id-in-range");
    expect(byEvent[first.eventId]?.input).toContain(`"detail":{"id":1,"note":"\\"detail\\":{}"}}`);
    expect(byEvent[second.eventId]?.rule).toBe("exact-id");
    expect(byEvent[second.eventId]?.input).toContain(`"detail":{"id":${ID}}}`);
  });

  it("answers 400 problem+json for a detail nested deeper than EventBridge's parser reads", async () => {
    const deep = `${'{"a":'.repeat(1000)}1${"}".repeat(1000)}`;
    const res = await publishText(`{"entries":[{"source":"shop","detailType":"order","detail":${deep}}]}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await bodyOf(res);
    expect(problem.type).toBe("https://switchyard.dev/problems/bad-request");
    expect(problem.detail).toMatch(/nesting depth \(1001\) exceeds the maximum allowed \(1000/);
  });
});

describe("target input shaped from a detail with numbers a double cannot hold", () => {
  it("delivers the selected values digit for digit, for InputTransformer and InputPath", async () => {
    const res = await publishText(
      `{"entries":[{"source":"shop.shaped","detailType":"order","detail":{"id": ${ID}, "amount": ${AMOUNT}}}]}`,
    );
    expect(res.status).toBe(200);
    const { eventId } = (await bodyOf(res)).entries[0];
    const inputs = Object.fromEntries(
      (await deliveries())
        .filter((d) => d.eventId === eventId && d.rule === "shaped")
        .map((d) => [d.targetId, d.input]),
    );
    expect(inputs).toEqual({
      id: ID,
      order:
        `{"id": ${ID}, "amount": ${AMOUNT}, "label": "order ${ID} of ${AMOUNT}", ` +
        `"order": ${EXACT_DETAIL}}`,
      amount: AMOUNT,
    });
  });
});

describe("matching an event with numbers a double cannot hold against the bus's rules", () => {
  const event = `{"source": "shop", "detail-type": "order", "detail": {"id": ${ID}, "amount": ${AMOUNT}}}`;

  it("answers the rules /v1/test-pattern matches on the same text: the identical literal only", async () => {
    const res = await server.fetch(`${busPath}/match`, {
      method: "POST",
      headers: { ...bearer(viewer), "content-type": "application/json" },
      body: `{"event": ${event}}`,
    });
    expect(res.status).toBe(200);
    const matched = ((await bodyOf(res)).rules as { name: string }[]).map((r) => r.name);

    const byTestPattern: string[] = [];
    for (const [name, pattern] of Object.entries(RULES)) {
      const answer = await server.fetch("/v1/test-pattern", jsonRequest(viewer, "POST", { pattern, event }));
      expect(answer.status).toBe(200);
      if ((await bodyOf(answer)).matches) byTestPattern.push(name);
    }
    expect(byTestPattern).toEqual(["exact-id"]);
    expect(matched.sort()).toEqual(byTestPattern);
  });
});
