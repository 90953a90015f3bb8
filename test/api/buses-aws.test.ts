import { randomUUID } from "node:crypto";
import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  LimitExceededException,
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
const archivedBusArn = "arn:aws:events:eu-west-1:123456789012:event-bus/shop-prod-audit";
const archiveArn = "arn:aws:events:eu-west-1:123456789012:archive/shop-prod-audit";

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
      outputs: { orders: { arn: busArn }, audit: { arn: archivedBusArn, archiveArn } },
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
    expect(problem.detail).toMatch(/\/deliveries\/counts/);
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

  it("starts a replay within the archive's retention, lists it with EventBridge's state, and words AWS's quota as Switchyard's", async () => {
    const auditPath = busPath.replace(/orders$/, "audit");
    eventBridge.on(DescribeArchiveCommand, { ArchiveName: "shop-prod-audit" }).resolves({
      $metadata: { httpStatusCode: 200 },
      ArchiveArn: archiveArn,
      ArchiveName: "shop-prod-audit",
      EventSourceArn: archivedBusArn,
      State: "ENABLED",
      RetentionDays: 7,
      SizeBytes: 2048,
      EventCount: 12,
      CreationTime: new Date("2026-01-01T00:00:00Z"),
    });
    // A week and a day ago: nothing of it is left, and EventBridge is not asked to replay it.
    const tooOld = await server.fetch(
      `${auditPath}/replays`,
      jsonRequest(key, "POST", {
        from: new Date(Date.now() - 9 * 86_400_000).toISOString(),
        to: new Date(Date.now() - 8 * 86_400_000).toISOString(),
      }),
    );
    expect(tooOld.status).toBe(400);
    expect((await bodyOf(tooOld)).errors[0].message).toMatch(/keeps events for 7 days/);
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0);

    const from = new Date(Date.now() - 3_600_000);
    const to = new Date(Date.now() - 60_000);
    const startTime = new Date();
    eventBridge.on(StartReplayCommand).resolvesOnce({
      $metadata: { httpStatusCode: 200 },
      ReplayArn: "arn:aws:events:eu-west-1:123456789012:replay/shop-prod-audit-x",
      State: "STARTING",
      ReplayStartTime: startTime,
    });
    const started = await server.fetch(
      `${auditPath}/replays`,
      jsonRequest(key, "POST", { from: from.toISOString(), to: to.toISOString() }),
    );
    expect(started.status).toBe(202);
    const name = (await bodyOf(started)).name as string;
    expect(eventBridge.commandCalls(StartReplayCommand)[0]!.args[0].input).toMatchObject({
      ReplayName: name,
      EventSourceArn: archiveArn,
      Destination: { Arn: archivedBusArn },
    });
    // Half the window replayed so far.
    eventBridge.on(DescribeReplayCommand, { ReplayName: name }).resolves({
      $metadata: { httpStatusCode: 200 },
      ReplayName: name,
      ReplayArn: `arn:aws:events:eu-west-1:123456789012:replay/${name}`,
      State: "RUNNING",
      EventSourceArn: archiveArn,
      Destination: { Arn: archivedBusArn },
      EventStartTime: from,
      EventEndTime: to,
      EventLastReplayedTime: new Date((from.getTime() + to.getTime()) / 2),
      ReplayStartTime: startTime,
    });
    const listed = await bodyOf(await server.fetch(`${auditPath}/replays`, { headers: bearer(key) }));
    expect(listed.items).toEqual([
      expect.objectContaining({ name, state: "RUNNING", progress: 0.5, from: from.toISOString() }),
    ]);

    eventBridge.on(StartReplayCommand).rejects(
      new LimitExceededException({
        $metadata: { httpStatusCode: 400 },
        message: "The requested resource exceeds the maximum number allowed.",
      }),
    );
    const limited = await server.fetch(
      `${auditPath}/replays`,
      jsonRequest(key, "POST", { from: from.toISOString(), to: to.toISOString() }),
    );
    expect(limited.status).toBe(409);
    expect((await bodyOf(limited)).detail).toMatch(/10 replays already run in this AWS account and Region/);
  });
});
