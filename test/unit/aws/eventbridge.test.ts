import {
  CancelReplayCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  ResourceNotFoundException,
  StartReplayCommand,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { AwsBusOps } from "../../../api/aws/eventbridge.js";
import type { BusLocation } from "../../../api/buses/port.js";
import { DomainError } from "../../../api/errors.js";

const ACCOUNT = "arn:aws:events:eu-west-1:123456789012";
const bus: BusLocation = {
  name: "shop-prod-orders",
  arn: `${ACCOUNT}:event-bus/shop-prod-orders`,
  archiveArn: `${ACCOUNT}:archive/shop-prod-orders`,
};
const eb = mockClient(EventBridgeClient);
// Test files share a worker's modules: the real client comes back for the next file.
afterAll(() => {
  eb.restore();
});
const ops = new AwsBusOps(new EventBridgeClient({ region: "eu-west-1" }));
const meta = { $metadata: { httpStatusCode: 200, requestId: "req-1" } };

beforeEach(() => eb.reset());

describe("AwsBusOps on EventBridge", () => {
  it("publishes with PutEvents on the bus ARN and maps per-entry results", async () => {
    eb.on(PutEventsCommand).resolves({
      ...meta,
      FailedEntryCount: 1,
      Entries: [
        { EventId: "11111111-2222-3333-4444-555555555555" },
        { ErrorCode: "InternalFailure", ErrorMessage: "Internal error." },
      ],
    });
    const time = new Date("2026-01-01T00:00:00Z");
    const result = await ops.publish(bus, [
      { source: "shop", detailType: "order", detail: '{"id":1}', resources: ["arn:r"], time },
      { source: "shop", detailType: "order", detail: '{"id":2}' },
    ]);
    expect(result).toEqual({
      failedEntryCount: 1,
      entries: [
        { eventId: "11111111-2222-3333-4444-555555555555" },
        { errorCode: "InternalFailure", errorMessage: "Internal error." },
      ],
    });
    expect(eb.commandCalls(PutEventsCommand)[0]?.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: bus.arn,
          Source: "shop",
          DetailType: "order",
          Detail: '{"id":1}',
          Resources: ["arn:r"],
          Time: time,
        },
        { EventBusName: bus.arn, Source: "shop", DetailType: "order", Detail: '{"id":2}' },
      ],
    });
  });

  it("lists every rule page with its targets", async () => {
    eb.on(ListRulesCommand, { EventBusName: bus.name, Limit: 100 })
      .resolves({
        ...meta,
        Rules: [
          {
            Name: "r1",
            Arn: `${ACCOUNT}:rule/${bus.name}/r1`,
            EventPattern: '{"source":["shop"]}',
            State: "ENABLED",
            EventBusName: bus.name,
          },
        ],
        NextToken: "page-2",
      })
      .on(ListRulesCommand, { EventBusName: bus.name, Limit: 100, NextToken: "page-2" })
      .resolves({
        ...meta,
        Rules: [
          {
            Name: "r2",
            Arn: `${ACCOUNT}:rule/${bus.name}/r2`,
            State: "DISABLED",
            ScheduleExpression: "rate(1 hour)",
          },
        ],
      });
    eb.on(ListTargetsByRuleCommand, { Rule: "r1", EventBusName: bus.name }).resolves({
      ...meta,
      Targets: [
        {
          Id: "fn",
          Arn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
          InputPath: "$.detail",
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:dlq" },
        },
      ],
    });
    eb.on(ListTargetsByRuleCommand, { Rule: "r2", EventBusName: bus.name }).resolves({
      ...meta,
      Targets: [],
    });
    expect(await ops.listRules(bus)).toEqual([
      {
        name: "r1",
        arn: `${ACCOUNT}:rule/${bus.name}/r1`,
        state: "ENABLED",
        eventPattern: { source: ["shop"] },
        targets: [
          {
            id: "fn",
            arn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
            inputPath: "$.detail",
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            deadLetterArn: "arn:aws:sqs:eu-west-1:123456789012:dlq",
          },
        ],
      },
      {
        name: "r2",
        arn: `${ACCOUNT}:rule/${bus.name}/r2`,
        state: "DISABLED",
        scheduleExpression: "rate(1 hour)",
        targets: [],
      },
    ]);
  });

  it("asks TestEventPattern about each rule with a full envelope and returns the matching ones", async () => {
    eb.on(ListRulesCommand).resolves({
      ...meta,
      Rules: [
        {
          Name: "yes",
          Arn: `${ACCOUNT}:rule/${bus.name}/yes`,
          EventPattern: '{"source":["shop"]}',
          State: "ENABLED",
        },
        {
          Name: "no",
          Arn: `${ACCOUNT}:rule/${bus.name}/no`,
          EventPattern: '{"source":["other"]}',
          State: "ENABLED",
        },
        {
          Name: "cron",
          Arn: `${ACCOUNT}:rule/${bus.name}/cron`,
          ScheduleExpression: "rate(5 minutes)",
          State: "ENABLED",
        },
      ],
    });
    eb.on(TestEventPatternCommand, { EventPattern: '{"source":["shop"]}' }).resolves({
      ...meta,
      Result: true,
    });
    eb.on(TestEventPatternCommand, { EventPattern: '{"source":["other"]}' }).resolves({
      ...meta,
      Result: false,
    });
    eb.on(ListTargetsByRuleCommand).resolves({ ...meta, Targets: [] });
    const matched = await ops.matchRules(bus, '{"source":"shop","detail-type":"order","detail":{"id":1}}');
    expect(matched.map((r) => r.name)).toEqual(["yes"]);
    const calls = eb.commandCalls(TestEventPatternCommand);
    expect(calls).toHaveLength(2);
    const event = JSON.parse(calls[0]!.args[0].input.Event!);
    expect(event).toMatchObject({
      version: "0",
      account: "123456789012",
      region: "eu-west-1",
      resources: [],
      source: "shop",
      "detail-type": "order",
      detail: { id: 1 },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("starts a replay from the archive back to the bus, limited to rule ARNs", async () => {
    const started = new Date("2026-02-01T00:00:00Z");
    eb.on(StartReplayCommand).resolves({
      ...meta,
      ReplayArn: `${ACCOUNT}:replay/rp-1`,
      State: "STARTING",
      ReplayStartTime: started,
    });
    const from = new Date("2026-01-31T23:00:00Z");
    const to = new Date("2026-01-31T23:59:00Z");
    const replay = await ops.startReplay(bus, {
      name: "rp-1",
      archiveArn: bus.archiveArn!,
      from,
      to,
      ruleArns: [`${ACCOUNT}:rule/${bus.name}/r1`],
    });
    expect(eb.commandCalls(StartReplayCommand)[0]?.args[0].input).toEqual({
      ReplayName: "rp-1",
      EventSourceArn: bus.archiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: bus.arn, FilterArns: [`${ACCOUNT}:rule/${bus.name}/r1`] },
    });
    expect(replay).toMatchObject({
      name: "rp-1",
      state: "STARTING",
      archiveArn: bus.archiveArn,
      startedAt: started,
    });
  });

  it("describes a replay, and answers undefined for one EventBridge does not know", async () => {
    eb.on(DescribeReplayCommand, { ReplayName: "rp-1" }).resolves({
      ...meta,
      ReplayName: "rp-1",
      ReplayArn: `${ACCOUNT}:replay/rp-1`,
      State: "COMPLETED",
      EventSourceArn: bus.archiveArn,
      Destination: { Arn: bus.arn },
      EventStartTime: new Date("2026-01-31T23:00:00Z"),
      EventEndTime: new Date("2026-01-31T23:59:00Z"),
      EventLastReplayedTime: new Date("2026-01-31T23:58:00Z"),
      ReplayStartTime: new Date("2026-02-01T00:00:00Z"),
      ReplayEndTime: new Date("2026-02-01T00:01:00Z"),
    });
    eb.on(DescribeReplayCommand, { ReplayName: "missing" }).rejects(
      new ResourceNotFoundException({ message: "Replay missing does not exist.", $metadata: {} }),
    );
    expect(await ops.describeReplay("rp-1")).toEqual({
      name: "rp-1",
      arn: `${ACCOUNT}:replay/rp-1`,
      state: "COMPLETED",
      archiveArn: bus.archiveArn,
      destinationArn: bus.arn,
      from: new Date("2026-01-31T23:00:00Z"),
      to: new Date("2026-01-31T23:59:00Z"),
      startedAt: new Date("2026-02-01T00:00:00Z"),
      endedAt: new Date("2026-02-01T00:01:00Z"),
      lastReplayedEventTime: new Date("2026-01-31T23:58:00Z"),
    });
    expect(await ops.describeReplay("missing")).toBeUndefined();
  });

  it("cancels with CancelReplay and reports the state EventBridge then describes", async () => {
    eb.on(CancelReplayCommand).resolves({
      ...meta,
      ReplayArn: `${ACCOUNT}:replay/rp-1`,
      State: "CANCELLING",
    });
    eb.on(DescribeReplayCommand).resolves({
      ...meta,
      ReplayName: "rp-1",
      State: "CANCELLING",
      EventSourceArn: bus.archiveArn,
      Destination: { Arn: bus.arn },
    });
    expect((await ops.cancelReplay("rp-1")).state).toBe("CANCELLING");
    expect(eb.commandCalls(CancelReplayCommand)[0]?.args[0].input).toEqual({ ReplayName: "rp-1" });
  });

  it("cannot list deliveries (not implemented), pointing to where they can be seen", async () => {
    const error = await ops.listDeliveries().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("not-implemented");
    expect((error as DomainError).detail).toMatch(/CloudWatch/);
    expect(eb.calls()).toHaveLength(0);
  });
});
