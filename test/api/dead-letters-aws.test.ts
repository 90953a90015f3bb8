import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  ReceiveMessageCommand,
  RequestThrottled,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AwsBusOps } from "../../api/aws/eventbridge.js";
import { SqsDeadLetterQueues } from "../../api/aws/sqs-dead-letters.js";
import { bearer, jsonRequest } from "../support/auth.js";
import { deployedAwsStage } from "../support/aws-stage.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * Dead letters on AWS: the SQS adapter behind the dead-letter routes, with SQS and EventBridge
 * mocked by responses shaped as AWS's (message attributes as EventBridge sets them, batch results,
 * SQS's error classes), through HTTP.
 */
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/sy-pay--shop--prod-orders";
const ruleArn =
  "arn:aws:events:eu-west-1:123456789012:rule/sy-pay--shop--prod-orders/sy-pay--shop--prod-consumer-0";
const queueArn = "arn:aws:sqs:eu-west-1:123456789012:sy-pay--shop--prod-failed";
const queueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/sy-pay--shop--prod-failed";
const targetArn = "arn:aws:lambda:eu-west-1:123456789012:function:sy-pay--shop--prod-consumer";

let server: TestServer;
let deployer: string;
let path: string;

/** A message as EventBridge leaves it in a dead-letter queue and SQS hands it out. */
function message(n: number): Message {
  const body = `{"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602-${n}","detail-type":"created","source":"shop.orders","account":"123456789012","time":"2026-12-06T07:00:0${n % 10}Z","region":"eu-west-1","resources":[],"detail":{"id":${n}}}`;
  return {
    MessageId: `0b8c6c1e-5d0a-4b6e-9a43-${String(n).padStart(12, "0")}`,
    ReceiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${n}==`,
    MD5OfBody: "fafb00f5732ab283681e124bf8747ed1",
    Body: body,
    Attributes: { SentTimestamp: String(Date.parse("2026-12-06T07:00:00Z") + n * 1000) },
    MD5OfMessageAttributes: "9b2e8a6f3c1d4e5f6a7b8c9d0e1f2a3b",
    MessageAttributes: {
      RULE_ARN: { StringValue: ruleArn, DataType: "String" },
      TARGET_ARN: { StringValue: targetArn, DataType: "String" },
      ERROR_CODE: { StringValue: "SDK_CLIENT_ERROR", DataType: "String" },
      ERROR_MESSAGE: { StringValue: "Unable to invoke Lambda function", DataType: "String" },
      EXHAUSTED_RETRY_CONDITION: { StringValue: "MaximumRetryAttempts", DataType: "String" },
      RETRY_ATTEMPTS: { StringValue: "2", DataType: "String" },
    },
  };
}

beforeAll(async () => {
  server = await startTestServer({
    busOps: new AwsBusOps(new EventBridgeClient({ region: "eu-west-1" })),
    deadLetters: new SqsDeadLetterQueues(new SQSClient({ region: "eu-west-1" })),
  });
  const stage = await deployedAwsStage(server, { orders: { arn: busArn } }, "deployer");
  deployer = stage.key;
  path = `${stage.stagePath}/buses/orders`;
});
afterEach(() => {
  sqs.reset();
  eventBridge.reset();
});
afterAll(async () => {
  await server.close();
  sqs.restore();
  eventBridge.restore();
});

/** The bus's one rule, whose target fails over to the queue (ListRules + ListTargetsByRule as AWS answers). */
function ruleWithDeadLetterQueue() {
  eventBridge.on(ListRulesCommand).resolves({
    $metadata: { httpStatusCode: 200 },
    Rules: [
      {
        Name: "sy-pay--shop--prod-consumer-0",
        Arn: ruleArn,
        EventPattern: '{"source":["shop.orders"]}',
        State: "ENABLED",
        EventBusName: "sy-pay--shop--prod-orders",
      },
    ],
  });
  eventBridge.on(ListTargetsByRuleCommand).resolves({
    $metadata: { httpStatusCode: 200 },
    Targets: [
      {
        Id: "consumer",
        Arn: targetArn,
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn },
      },
    ],
  });
}

describe("dead letters on SQS", () => {
  it("lists every message across receives, with EventBridge's error attributes, and leaves them in the queue", async () => {
    ruleWithDeadLetterQueue();
    const messages = Array.from({ length: 13 }, (_, i) => message(i + 1));
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ $metadata: { httpStatusCode: 200 }, Messages: messages.slice(0, 10) })
      .resolvesOnce({ $metadata: { httpStatusCode: 200 }, Messages: messages.slice(10) })
      .resolves({ $metadata: { httpStatusCode: 200 } });
    sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input) => ({
      $metadata: { httpStatusCode: 200 },
      Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id })),
      Failed: [],
    }));
    const res = await server.fetch(`${path}/dead-letters?limit=50`, { headers: bearer(deployer) });
    expect(res.status, await res.clone().text()).toBe(200);
    const { queues } = await bodyOf(res);
    expect(queues).toHaveLength(1);
    expect(queues[0]).toMatchObject({
      rule: "sy-pay--shop--prod-consumer-0",
      targetId: "consumer",
      queueArn,
    });
    expect(queues[0].messages).toHaveLength(13);
    expect(queues[0].messages[0]).toEqual({
      id: messages[0]!.MessageId,
      event: messages[0]!.Body,
      errorCode: "SDK_CLIENT_ERROR",
      errorMessage: "Unable to invoke Lambda function",
      attempts: 3,
      ruleArn,
      targetArn,
      sentAt: "2026-12-06T07:00:01.000Z",
    });
    const receives = sqs.commandCalls(ReceiveMessageCommand);
    expect(receives[0]!.args[0].input).toMatchObject({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ["All"],
    });
    expect(receives[1]!.args[0].input.MaxNumberOfMessages).toBe(10);
    // Not consumed: every receipt is made visible again at once.
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(released.map((e) => e.ReceiptHandle).sort()).toEqual(messages.map((m) => m.ReceiptHandle).sort());
    expect(released.every((e) => e.VisibilityTimeout === 0)).toBe(true);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it("re-drives the chosen messages to the bus and deletes only what EventBridge accepted", async () => {
    ruleWithDeadLetterQueue();
    const [one, two, three] = [message(1), message(2), message(3)];
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ $metadata: { httpStatusCode: 200 }, Messages: [one!, two!, three!] })
      .resolves({ $metadata: { httpStatusCode: 200 } });
    sqs.on(DeleteMessageBatchCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      Successful: [{ Id: "0" }],
      Failed: [],
    });
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({ $metadata: { httpStatusCode: 200 }, Successful: [], Failed: [] });
    eventBridge.on(PutEventsCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      FailedEntryCount: 1,
      Entries: [
        { EventId: "c1f8a0e2-1111-2222-3333-444455556666" },
        { ErrorCode: "InternalFailure", ErrorMessage: "Internal service error." },
      ],
    });
    const res = await server.fetch(
      `${path}/dead-letters/redrive`,
      jsonRequest(deployer, "POST", {
        rule: "sy-pay--shop--prod-consumer-0",
        ids: [one!.MessageId, two!.MessageId, "not-in-the-queue"],
      }),
    );
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await bodyOf(res)).toEqual({ redriven: 1, notFound: ["not-in-the-queue"] });
    const put = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(put).toEqual([
      expect.objectContaining({
        EventBusName: busArn,
        Source: "shop.orders",
        DetailType: "created",
        Detail: '{"id":1}',
        Time: new Date("2026-12-06T07:00:01Z"),
      }),
      expect.objectContaining({ Detail: '{"id":2}' }),
    ]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]!.args[0].input).toEqual({
      QueueUrl: queueUrl,
      Entries: [{ Id: "0", ReceiptHandle: one!.ReceiptHandle }],
    });
    // The one EventBridge refused and the one not chosen go back to the queue at once.
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => e.ReceiptHandle);
    expect(released.sort()).toEqual([two!.ReceiptHandle, three!.ReceiptHandle].sort());
  });

  it("purges with PurgeQueue, and says to wait when SQS purged it less than a minute ago", async () => {
    ruleWithDeadLetterQueue();
    sqs.on(PurgeQueueCommand).resolvesOnce({ $metadata: { httpStatusCode: 200 } });
    const purge = () =>
      server.fetch(
        `${path}/dead-letters/purge`,
        jsonRequest(deployer, "POST", { rule: "sy-pay--shop--prod-consumer-0" }),
      );
    expect((await purge()).status).toBe(204);
    expect(sqs.commandCalls(PurgeQueueCommand)[0]!.args[0].input).toEqual({ QueueUrl: queueUrl });
    sqs.on(PurgeQueueCommand).rejects(
      new PurgeQueueInProgress({
        $metadata: { httpStatusCode: 403 },
        message: "Only one PurgeQueue operation on sy-pay--shop--prod-failed is allowed every 60 seconds.",
      }),
    );
    const again = await purge();
    expect(again.status).toBe(409);
    expect((await bodyOf(again)).detail).toMatch(/one purge a minute/);
  });

  it("answers 503 when SQS throttles past the SDK's retries, having changed nothing", async () => {
    ruleWithDeadLetterQueue();
    sqs
      .on(ReceiveMessageCommand)
      .rejects(new RequestThrottled({ $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }));
    const res = await server.fetch(`${path}/dead-letters`, { headers: bearer(deployer) });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/throttled");
  });

  it("answers 501 for failure drills: targets on AWS fail for real", async () => {
    const res = await server.fetch(`${path}/failure-drills`, { headers: bearer(deployer) });
    expect(res.status).toBe(501);
  });
});
