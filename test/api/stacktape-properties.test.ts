import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { validateTemplateAgainstRegistry } from "../support/cfn-schema.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * Stacktape's properties and triggers (#17) through POST /v1/validate: what each compiles to, with
 * Stacktape's logical IDs, names and variables, and what stays refused, located and explained.
 */
let server: TestServer;
let teamKey: string;
let team: string;
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  teamKey = await createKey(server, team, "viewer");
});
afterAll(() => server.close());

const TARGET = { project: "shop", stage: "dev", region: "eu-west-1" };

async function validate(config: string, key = server.adminKey) {
  const res = await server.fetch("/v1/validate", jsonRequest(key, "POST", { config, ...TARGET }));
  return { status: res.status, body: await bodyOf(res) };
}

const PIPELINE = `resources:
  jobs:
    type: sqs-queue
    properties:
      fifoEnabled: true
      fifoHighThroughput: true
      visibilityTimeoutSeconds: 120
      messageRetentionPeriodSeconds: 86400
      longPollingSeconds: 20
      delayMessagesSecond: 2
      redrivePolicy: { targetSqsQueueName: poison, maxReceiveCount: 5 }
  poison:
    type: sqs-queue
    properties: { fifoEnabled: true }
  alerts:
    type: sns-topic
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/worker.zip } }
      connectTo: [alerts]
      url: { enabled: true }
      logging: { retentionDays: 14 }
      events:
        - type: schedule
          properties: { scheduleRate: rate(5 minutes) }
        - type: sqs
          properties: { sqsQueueName: jobs, batchSize: 5 }
        - type: sns
          properties: { snsTopicName: alerts, filterPolicy: { level: [high] } }
`;

describe("Stacktape properties and triggers", () => {
  it("compile a queue worker pipeline to Stacktape's resources, names and variables", async () => {
    const { status, body } = await validate(PIPELINE);
    expect(status).toBe(200);
    const r = body.template.Resources;
    expect(r.JobsQueue.Properties).toMatchObject({
      QueueName: "shop-dev-jobs.fifo",
      FifoQueue: true,
      DeduplicationScope: "messageGroup",
      FifoThroughputLimit: "perMessageGroupId",
      VisibilityTimeout: 120,
      MessageRetentionPeriod: 86400,
      ReceiveMessageWaitTimeSeconds: 20,
      DelaySeconds: 2,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": ["PoisonQueue", "Arn"] }, maxReceiveCount: 5 },
    });
    expect(r.WorkerEvent0Rule.Properties).toMatchObject({
      ScheduleExpression: "rate(5 minutes)",
      Targets: [{ Arn: { "Fn::GetAtt": ["WorkerFunction", "Arn"] } }],
    });
    expect(r.WorkerEvent0Permission.Properties.Principal).toBe("events.amazonaws.com");
    expect(r.WorkerEvent1EventSourceMapping.Properties).toMatchObject({
      EventSourceArn: { "Fn::GetAtt": ["JobsQueue", "Arn"] },
      BatchSize: 5,
    });
    expect(r.WorkerEvent2Subscription.Properties).toMatchObject({
      TopicArn: { "Fn::GetAtt": ["AlertsTopic", "TopicArn"] },
      Protocol: "lambda",
      FilterPolicy: { level: ["high"] },
    });
    expect(r.WorkerEvent2Permission.Properties.Principal).toBe("sns.amazonaws.com");
    // The role may poll the queue it is triggered by, and publish to the topic it connects to.
    const policies = r.WorkerRole.Properties.Policies as {
      PolicyName: string;
      PolicyDocument: { Statement: { Action: string[] }[] };
    }[];
    const actions = (name: string) =>
      policies.find((p) => p.PolicyName === name)!.PolicyDocument.Statement.flatMap((s) => s.Action);
    expect(actions("triggers")).toContain("sqs:ReceiveMessage");
    expect(actions("connect-to")).toContain("sns:Publish");
    expect(r.WorkerFunction.Properties.Environment.Variables).toMatchObject({
      STP_ALERTS_ARN: { "Fn::GetAtt": ["AlertsTopic", "TopicArn"] },
      STP_ALERTS_NAME: { "Fn::GetAtt": ["AlertsTopic", "TopicName"] },
    });
    expect(r.WorkerLogGroup.Properties.RetentionInDays).toBe(14);
    expect(r.WorkerUrl.Properties.AuthType).toBe("NONE");
    expect(body.referenceableParams.worker.url).toEqual({ "Fn::GetAtt": ["WorkerUrl", "FunctionUrl"] });
    expect(validateTemplateAgainstRegistry(body.template)).toEqual([]);
  });

  it("deliver a bus's events to a topic, with the topic policy that lets the rule publish", async () => {
    const { status, body } = await validate(`resources:
  bus:
    type: event-bus
  alerts:
    type: sns-topic
    properties:
      events:
        - type: event-bus
          properties: { eventBusName: bus, eventPattern: { source: [shop] } }
`);
    expect(status).toBe(200);
    const r = body.template.Resources;
    expect(r.AlertsEvent0Rule.Properties.Targets[0].Arn).toEqual({ Ref: "AlertsTopic" });
    expect(r.AlertsTopicPolicy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: { Ref: "AlertsTopic" },
        Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": ["AlertsEvent0Rule", "Arn"] } } },
      },
    ]);
    expect(validateTemplateAgainstRegistry(body.template)).toEqual([]);
  });

  it("hold a team's sources by ARN to its namespace: another account's queue is refused at its line", async () => {
    const config = `resources:
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact }
      events:
        - type: sqs
          properties: { sqsQueueArn: arn:aws:sqs:eu-west-1:999999999999:their-queue }
`;
    const { status, body } = await validate(config, teamKey);
    expect(status).toBe(422);
    expect(body.errors).toContainEqual(
      expect.objectContaining({
        path: "resources.worker.properties.events.0.properties.sqsQueueArn",
        line: 8,
      }),
    );
  });

  it("refuse what Switchyard does not support, located, with why and what to use instead", async () => {
    const { status, body } = await validate(`resources:
  q:
    type: sqs-queue
    properties:
      fifoQueue: true
      visibilityTimeoutSec: 30
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact }
      deployment: { strategy: Canary10Percent5Minutes }
      events:
        - type: sqss
          properties: { sqsQueueName: q }
        - type: s3
          properties: { bucketArn: arn:aws:s3:::uploads, s3EventType: "s3:ObjectCreated:*" }
`);
    expect(status).toBe(422);
    const messages = Object.fromEntries(
      (body.errors as { path: string; line: number; message: string }[]).map((e) => [
        e.path,
        [e.line, e.message],
      ]),
    );
    expect(messages["resources.q.properties.fifoQueue"]).toEqual([
      5,
      expect.stringContaining('Stacktape\'s name for it is "fifoEnabled"'),
    ]);
    expect(messages["resources.q.properties.visibilityTimeoutSec"]).toEqual([
      6,
      expect.stringContaining('"visibilityTimeoutSeconds"'),
    ]);
    expect(messages["resources.worker.properties.events.0.type"]).toEqual([
      13,
      expect.stringContaining('Did you mean "sqs"?'),
    ]);
    expect(Object.keys(messages)).toHaveLength(3);
  });

  it("refuse triggers and properties that need what Switchyard does not run, each at its place", async () => {
    const { status, body } = await validate(`resources:
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact }
      events:
        - type: s3
          properties: { bucketArn: arn:aws:s3:::uploads, s3EventType: "s3:ObjectCreated:*" }
        - type: schedule
          properties: { scheduleRate: rate(1 minutes) }
`);
    expect(status).toBe(422);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: "resources.worker.properties.events.0",
        line: 7,
        message: expect.stringContaining("s3 triggers are not supported"),
      }),
      expect.objectContaining({
        path: "resources.worker.properties.events.1.properties.scheduleRate",
        line: 10,
        message: expect.stringContaining("is not a rate"),
      }),
    ]);
  });

  it("report every problem of a config at once: a schema error does not hide a wrong reference elsewhere", async () => {
    const { status, body } = await validate(`resources:
  orders:
    type: event-bus
    properties:
      archivation: { enabled: yes please }
  worker:
    type: function
    properties:
      packaging: { type: custom-artifact }
      connectTo: [ordrs, payments]
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            useDefaultBus: true
            eventPattern: { source: [shop] }
`);
    expect(status).toBe(422);
    expect(body.errors.map((e: { path: string; line: number }) => [e.path, e.line])).toEqual([
      ["resources.orders.properties.archivation.enabled", 5],
      ["resources.worker.properties.connectTo.0", 10],
      ["resources.worker.properties.connectTo.1", 10],
      ["resources.worker.properties.events.0.properties", 14],
    ]);
    const [, misspelled, missing, selectors] = body.errors.map((e: { message: string }) => e.message);
    // "orders" exists, though its own properties did not load: a typo of it gets a hint, not a second error.
    expect(misspelled).toBe('connectTo "ordrs" is not a resource in this config. Did you mean "orders"?');
    expect(missing).toBe('connectTo "payments" is not a resource in this config.');
    expect(selectors).toContain("exactly one of eventBusName, eventBusArn or useDefaultBus");
  });
});
