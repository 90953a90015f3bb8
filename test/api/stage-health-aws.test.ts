import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchRuleMetrics } from "../../api/aws/cloudwatch-metrics.js";
import { AwsBusOps } from "../../api/aws/eventbridge.js";
import { bearer } from "../support/auth.js";
import { deployedAwsStage } from "../support/aws-stage.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * A stage's health on AWS: CloudWatch's AWS/Events metrics through the CloudWatch adapter, mocked
 * with GetMetricData answers shaped as AWS's (hourly sums, newest first, two pages), through HTTP.
 */
const cloudWatch = mockClient(CloudWatchClient);
const eventBridge = mockClient(EventBridgeClient);
const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/sy-pay--shop--prod-orders";
const NOW = new Date("2026-12-06T08:30:00Z");
let server: TestServer;
let viewer: string;
let path: string;
let busPath: string;

beforeAll(async () => {
  server = await startTestServer({
    busOps: new AwsBusOps(new EventBridgeClient({ region: "eu-west-1" })),
    ruleMetrics: new CloudWatchRuleMetrics(new CloudWatchClient({ region: "eu-west-1" })),
    now: () => NOW,
  });
  const stage = await deployedAwsStage(server, { orders: { arn: busArn } }, "viewer");
  viewer = stage.key;
  path = `${stage.stagePath}/health`;
  busPath = `${stage.stagePath}/buses/orders`;
});
afterEach(() => {
  cloudWatch.reset();
  eventBridge.reset();
});
afterAll(async () => {
  await server.close();
  cloudWatch.restore();
  eventBridge.restore();
});

function twoRules() {
  eventBridge.on(ListRulesCommand).resolves({
    $metadata: { httpStatusCode: 200 },
    Rules: ["sy-pay--shop--prod-consumer-0", "sy-pay--shop--prod-audit-0"].map((Name) => ({
      Name,
      Arn: `arn:aws:events:eu-west-1:123456789012:rule/sy-pay--shop--prod-orders/${Name}`,
      EventPattern: '{"source":["shop.orders"]}',
      State: "ENABLED",
      EventBusName: "sy-pay--shop--prod-orders",
    })),
  });
  eventBridge.on(ListTargetsByRuleCommand).resolves({ $metadata: { httpStatusCode: 200 }, Targets: [] });
}

const hour = (h: number) => new Date(Date.parse("2026-12-06T09:00:00Z") - h * 3_600_000);

describe("a stage's health on AWS", () => {
  it("sums each rule's hourly metrics from one GetMetricData request, read page by page", async () => {
    twoRules();
    const result = (Id: string, points: [number, number][]) => ({
      Id,
      Label: Id,
      Timestamps: points.map(([h]) => hour(h)),
      Values: points.map(([, v]) => v),
      StatusCode: "Complete" as const,
    });
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        MetricDataResults: [
          result("r0_matched", [
            [1, 40],
            [5, 60],
          ]),
          result("r0_delivered", [
            [1, 38],
            [5, 60],
          ]),
          result("r0_failed", [[1, 2]]),
          result("r0_deadLettered", [[1, 2]]),
        ],
        Messages: [],
        NextToken: "eyJuZXh0IjoiMiJ9",
      })
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        MetricDataResults: [result("r0_throttled", []), result("r1_matched", [[20, 7]])],
        Messages: [],
      });
    const res = await server.fetch(path, { headers: bearer(viewer) });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await bodyOf(res);
    expect(body.buses).toEqual([
      {
        bus: "orders",
        name: "sy-pay--shop--prod-orders",
        rules: [
          {
            rule: "sy-pay--shop--prod-consumer-0",
            lastHour: { matched: 40, delivered: 36, failed: 2, deadLettered: 2, throttled: 0 },
            lastDay: { matched: 100, delivered: 96, failed: 2, deadLettered: 2, throttled: 0 },
          },
          {
            rule: "sy-pay--shop--prod-audit-0",
            lastHour: { matched: 0, delivered: 0, failed: 0, deadLettered: 0, throttled: 0 },
            lastDay: { matched: 7, delivered: 0, failed: 0, deadLettered: 0, throttled: 0 },
          },
        ],
      },
    ]);
    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.NextToken).toBe("eyJuZXh0IjoiMiJ9");
    const input = calls[0]!.args[0].input;
    expect(input.StartTime).toEqual(hour(24));
    expect(input.EndTime).toEqual(hour(0));
    expect(input.MetricDataQueries).toHaveLength(10);
    expect((input.MetricDataQueries as MetricDataQuery[])[0]).toEqual({
      Id: "r0_matched",
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: "AWS/Events",
          MetricName: "MatchedEvents",
          Dimensions: [
            { Name: "EventBusName", Value: "sy-pay--shop--prod-orders" },
            { Name: "RuleName", Value: "sy-pay--shop--prod-consumer-0" },
          ],
        },
        Period: 3600,
        Stat: "Sum",
      },
    });
  });

  it("sums a bus's metrics over a window as one period of one GetMetricData request", async () => {
    twoRules();
    cloudWatch.on(GetMetricDataCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      MetricDataResults: [
        {
          Id: "r0_matched",
          Label: "MatchedEvents",
          Timestamps: [hour(3)],
          Values: [12],
          StatusCode: "Complete",
        },
        {
          Id: "r0_delivered",
          Label: "Invocations",
          Timestamps: [hour(3)],
          Values: [12],
          StatusCode: "Complete",
        },
        {
          Id: "r0_throttled",
          Label: "ThrottledRules",
          Timestamps: [hour(3)],
          Values: [3],
          StatusCode: "Complete",
        },
      ],
      Messages: [],
    });
    const from = "2026-12-06T05:00:00.000Z";
    const to = "2026-12-06T08:00:00.000Z";
    const res = await server.fetch(`${busPath}/metrics?from=${from}&to=${to}`, { headers: bearer(viewer) });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await bodyOf(res)).toEqual({
      from,
      to,
      rules: [
        {
          rule: "sy-pay--shop--prod-consumer-0",
          counts: { matched: 12, delivered: 12, failed: 0, deadLettered: 0, throttled: 3 },
        },
        {
          rule: "sy-pay--shop--prod-audit-0",
          counts: { matched: 0, delivered: 0, failed: 0, deadLettered: 0, throttled: 0 },
        },
      ],
    });
    const input = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ StartTime: new Date(from), EndTime: new Date(to) });
    expect(
      (input.MetricDataQueries as MetricDataQuery[]).every((q) => q.MetricStat?.Period === 3 * 3600),
    ).toBe(true);
  });

  it("counts deliveries per rule and target from one GetMetricData request; a rule's only target gets its counts", async () => {
    twoRules();
    const target = (rule: string, id: string, arn: string) => ({ Id: id, Arn: arn, _rule: rule });
    const targets = [
      target(
        "sy-pay--shop--prod-consumer-0",
        "consumer",
        "arn:aws:lambda:eu-west-1:123456789012:function:sy-pay--shop--prod-consumer",
      ),
      target(
        "sy-pay--shop--prod-audit-0",
        "audit",
        "arn:aws:sqs:eu-west-1:123456789012:sy-pay--shop--prod-audit",
      ),
      target(
        "sy-pay--shop--prod-audit-0",
        "archive",
        "arn:aws:sqs:eu-west-1:123456789012:sy-pay--shop--prod-archive",
      ),
    ];
    eventBridge.on(ListTargetsByRuleCommand).callsFake((input: { Rule?: string }) => ({
      $metadata: { httpStatusCode: 200 },
      Targets: targets.filter((t) => t._rule === input.Rule).map(({ _rule, ...t }) => t),
    }));
    const point = (Id: string, Label: string, value: number) => ({
      Id,
      Label,
      Timestamps: [new Date("2026-12-06T07:00:00Z")],
      Values: [value],
      StatusCode: "Complete" as const,
    });
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        MetricDataResults: [
          point("r0_matched", "MatchedEvents", 10),
          point("r0_delivered", "Invocations", 10),
          point("r0_failed", "FailedInvocations", 1),
          point("r0_deadLettered", "InvocationsSentToDlq", 1),
        ],
        Messages: [],
        NextToken: "eyJwYWdlIjoyfQ==",
      })
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        MetricDataResults: [
          { Id: "r0_throttled", Label: "ThrottledRules", Timestamps: [], Values: [], StatusCode: "Complete" },
          point("r1_matched", "MatchedEvents", 4),
          point("r1_delivered", "Invocations", 8),
          point("r1_throttled", "ThrottledRules", 2),
        ],
        Messages: [],
      });
    const from = "2026-12-06T06:30:00.000Z";
    const res = await server.fetch(`${busPath}/deliveries/counts?from=${from}`, { headers: bearer(viewer) });
    expect(res.status, await res.clone().text()).toBe(200);
    const consumer = { matched: 10, delivered: 9, failed: 1, deadLettered: 1, throttled: 0 };
    expect(await bodyOf(res)).toEqual({
      from,
      to: NOW.toISOString(),
      truncated: false,
      rules: [
        {
          rule: "sy-pay--shop--prod-consumer-0",
          counts: consumer,
          targets: [{ targetId: "consumer", targetArn: targets[0]!.Arn, counts: consumer }],
        },
        {
          // Two targets: CloudWatch counts the rule's invocations of both together.
          rule: "sy-pay--shop--prod-audit-0",
          counts: { matched: 4, delivered: 8, failed: 0, deadLettered: 0, throttled: 2 },
          targets: [
            { targetId: "audit", targetArn: targets[1]!.Arn },
            { targetId: "archive", targetArn: targets[2]!.Arn },
          ],
        },
      ],
    });
    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.NextToken).toBe("eyJwYWdlIjoyfQ==");
    expect(calls[0]!.args[0].input).toMatchObject({ StartTime: new Date(from), EndTime: NOW });
    // The window as one period: two hours in seconds.
    expect((calls[0]!.args[0].input.MetricDataQueries as MetricDataQuery[])[0]!.MetricStat?.Period).toBe(
      7200,
    );

    // One rule by its physical name: only its metrics are asked for.
    cloudWatch.reset();
    cloudWatch
      .on(GetMetricDataCommand)
      .resolves({ $metadata: { httpStatusCode: 200 }, MetricDataResults: [] });
    const one = await bodyOf(
      await server.fetch(`${busPath}/deliveries/counts?rule=sy-pay--shop--prod-audit-0`, {
        headers: bearer(viewer),
      }),
    );
    expect(one.rules.map((r: { rule: string }) => r.rule)).toEqual(["sy-pay--shop--prod-audit-0"]);
    const queries = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
    expect(queries).toHaveLength(5);
    expect(
      queries.every((q) => q.MetricStat?.Metric?.Dimensions?.[1]?.Value === "sy-pay--shop--prod-audit-0"),
    ).toBe(true);
  });

  it("answers 503 for deliveries/counts when CloudWatch throttles; the list of single deliveries stays 501", async () => {
    twoRules();
    cloudWatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "Throttling",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Rate exceeded",
      }),
    );
    const res = await server.fetch(`${busPath}/deliveries/counts`, { headers: bearer(viewer) });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/throttled");
    // The list of single deliveries stays 501 on AWS, pointing to the counts.
    const list = await server.fetch(`${busPath}/deliveries`, { headers: bearer(viewer) });
    expect(list.status).toBe(501);
    expect((await bodyOf(list)).detail).toMatch(/\/deliveries\/counts/);
  });

  it("answers 503 when CloudWatch throttles past the SDK's retries", async () => {
    twoRules();
    cloudWatch.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "Throttling",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "Rate exceeded",
      }),
    );
    const res = await server.fetch(path, { headers: bearer(viewer) });
    expect(res.status).toBe(503);
    expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/throttled");
  });
});
