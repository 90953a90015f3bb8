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
