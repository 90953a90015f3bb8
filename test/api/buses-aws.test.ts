import { randomUUID } from "node:crypto";
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  StartReplayCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsBusOps } from "../../api/aws/eventbridge.js";
import { projectKey } from "../../api/store/projects.js";
import { stageRepository } from "../../api/store/stages.js";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/** The bus routes on the AWS adapter (EventBridge mocked with responses shaped as AWS's). */
const eventBridge = mockClient(EventBridgeClient);
let server: TestServer;
let key: string;
let busPath: string;
const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/shop-prod-orders";

beforeAll(async () => {
  server = await startTestServer({ busOps: new AwsBusOps(new EventBridgeClient({ region: "eu-west-1" })) });
  const team = await createTeam(server);
  key = await createKey(server, team, "deployer");
  const project = `aws-${randomUUID().slice(0, 8)}`;
  await server.fetch(
    "/v1/projects",
    jsonRequest(await createKey(server, team, "maintainer"), "POST", { name: project }),
  );
  // One bus without an archive, as the stage's outputs record it after a deployment.
  await stageRepository(server.deps.table).save(
    projectKey(team, project),
    "prod",
    {
      stackName: `${project}-prod`,
      status: "DEPLOYED",
      deployed: true,
      outputs: { orders: { arn: busArn } },
    },
    new Date(),
  );
  busPath = `/v1/projects/${project}/stages/prod/buses/orders`;
});
afterAll(async () => {
  await server.close();
  eventBridge.restore();
});

describe("bus routes on EventBridge", () => {
  it("publishes with PutEvents to the bus ARN from the stage's outputs", async () => {
    eventBridge.on(PutEventsCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: 0,
      Entries: [{ EventId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" }],
    });
    const res = await server.fetch(
      `${busPath}/events`,
      jsonRequest(key, "POST", { entries: [{ source: "shop", detailType: "order", detail: { id: 7 } }] }),
    );
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      failedEntryCount: 0,
      entries: [{ eventId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" }],
    });
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: busArn,
      Detail: '{"id":7}',
    });
  });

  it("sends each detail to PutEvents as the text the caller wrote, numbers past a double included", async () => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: 0,
      Entries: [{ EventId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" }],
    });
    // Written as text: JSON.stringify could not express these numbers (JSON.parse rounds them).
    const res = await server.fetch(`${busPath}/events`, {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body:
        '{"entries":[{"source":"shop","detailType":"order",' +
        '"detail": {"id": 12345678901234567891, "amount": 0.1000000000000000055511151231257827}}]}',
    });
    expect(res.status).toBe(200);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: busArn,
        Source: "shop",
        DetailType: "order",
        Detail: '{"id":12345678901234567891,"amount":0.1000000000000000055511151231257827}',
      },
    ]);
  });

  it("matches the event TestEventPattern receives as the caller's text, numbers past a double included", async () => {
    eventBridge.reset();
    const pattern = '{"detail":{"id":[12345678901234567891]}}';
    eventBridge.on(ListRulesCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      Rules: [
        {
          Name: "exact-id",
          Arn: "arn:aws:events:eu-west-1:123456789012:rule/shop-prod-orders/exact-id",
          EventBusName: "shop-prod-orders",
          EventPattern: pattern,
          State: "ENABLED",
        },
      ],
    });
    eventBridge.on(TestEventPatternCommand).resolves({ $metadata: { httpStatusCode: 200 }, Result: true });
    eventBridge.on(ListTargetsByRuleCommand).resolves({ $metadata: { httpStatusCode: 200 }, Targets: [] });
    const res = await server.fetch(`${busPath}/match`, {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body: '{"event": {"source": "shop", "detail-type": "order", "detail": {"id": 12345678901234567891}}}',
    });
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).rules.map((r: { name: string }) => r.name)).toEqual(["exact-id"]);
    const [call] = eventBridge.commandCalls(TestEventPatternCommand);
    expect(call?.args[0].input.EventPattern).toBe(pattern);
    // The envelope fields the event lacks come first; the caller's members follow as written.
    const event = call?.args[0].input.Event ?? "";
    expect(event).toMatch(
      /^\{"version":"0","id":"[0-9a-f-]{36}","account":"123456789012","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","region":"eu-west-1","resources":\[\],/,
    );
    expect(event).toMatch(/,"source":"shop","detail-type":"order","detail":\{"id":12345678901234567891\}\}$/);
  });

  it("answers 501 problem+json for deliveries, saying where to look instead", async () => {
    const res = await server.fetch(`${busPath}/deliveries`, { headers: bearer(key) });
    expect(res.status).toBe(501);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await bodyOf(res);
    expect(problem.type).toBe("https://switchyard.dev/problems/not-implemented");
    expect(problem.detail).toMatch(/CloudWatch/);
  });

  it("answers 409 for a replay of a bus without an archive, without calling EventBridge", async () => {
    const res = await server.fetch(
      `${busPath}/replays`,
      jsonRequest(key, "POST", { from: "2026-01-01T00:00:00Z", to: "2026-01-01T01:00:00Z" }),
    );
    expect(res.status).toBe(409);
    expect((await bodyOf(res)).detail).toMatch(/no archive/);
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0);
  });
});
