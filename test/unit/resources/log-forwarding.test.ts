/**
 * Log forwarding (api/resources/concerns/log-forwarding.ts): a resource's log group to Datadog,
 * Highlight or an HTTP endpoint through a Firehose delivery stream as Stacktape builds it, keys as
 * secret references only (a written value is refused without being repeated), least-privilege roles,
 * and the local engine recording it under a team's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "../../../api/compiler/tenancy/scope.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compiled, fixture, localWorld } from "../local-deployer/support.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const scope: TenantScope = {
  team: "a",
  namePrefixes: ["a--"],
  account: "000000000000",
  region: "us-east-1",
  sharedBuses: [],
  // The fixture's secrets are not named in team a's namespace: allowed as a platform admin would.
  allowed: ["arn:aws:secretsmanager:*"],
};

describe("log forwarding", () => {
  it("subscribes the log group to a Firehose stream with an HTTP endpoint, failed records to a bucket", () => {
    const { template } = outcome(fixture("log-forwarding"));
    const r = template!.Resources;
    expect(r.OrdersLogGroupSubscriptionFilter!.Properties).toEqual({
      LogGroupName: { Ref: "OrdersLogGroup" },
      DestinationArn: { "Fn::GetAtt": ["OrdersLogGroupDeliveryStream", "Arn"] },
      FilterPattern: "",
      RoleArn: { "Fn::GetAtt": ["OrdersLogGroupCwToFirehoseRole", "Arn"] },
    });
    const datadog = r.OrdersLogGroupDeliveryStream!.Properties!;
    expect(datadog).toMatchObject({
      DeliveryStreamName: "shop-dev-orders-logs",
      DeliveryStreamType: "DirectPut",
      HttpEndpointDestinationConfiguration: {
        BufferingHints: { SizeInMBs: 4, IntervalInSeconds: 60 },
        EndpointConfiguration: {
          Url: "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input",
          AccessKey: "{{resolve:secretsmanager:datadog:SecretString:apiKey}}",
        },
        RequestConfiguration: { ContentEncoding: "GZIP" },
        S3BackupMode: "FailedDataOnly",
        RetryOptions: { DurationInSeconds: 60 },
      },
    });
    expect(r.ReportLogGroupDeliveryStream!.Properties).toMatchObject({
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: {
          Url: "https://logs.example.com/ingest",
          AccessKey: "{{resolve:secretsmanager:log-endpoint-key}}",
        },
        RequestConfiguration: {
          CommonAttributes: [{ AttributeName: "service", AttributeValue: "report" }],
          ContentEncoding: "GZIP",
        },
        RetryOptions: { DurationInSeconds: 600 },
      },
    });
    // Each role may do its one thing: Logs put records to this stream, Firehose write this bucket.
    expect(JSON.stringify(r.OrdersLogGroupCwToFirehoseRole!.Properties!.Policies)).toBe(
      JSON.stringify([
        {
          PolicyName: "logs-to-firehose",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["firehose:PutRecord"],
                Resource: [{ "Fn::GetAtt": ["OrdersLogGroupDeliveryStream", "Arn"] }],
              },
            ],
          },
        },
      ]),
    );
    expect(r.OrdersLogForwardingFailedRecordsBucket!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(validateTemplateAgainstRegistry(template)).toEqual([]);
  });

  it("refuses a key written as its value, without repeating it", () => {
    const key = "dd-0123456789abcdef0123456789abcdef";
    const { problems } = outcome(
      `resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: a.ts } }\n      logging:\n        logForwarding: { type: datadog, properties: { apiKey: ${key} } }\n`,
    );
    expect(problems).toEqual([
      {
        path: "resources.fn.properties.logging.logForwarding.properties.apiKey",
        message: expect.stringContaining(
          "A Datadog API key is a secret: give it as $Secret('<secret name>')",
        ),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain(key);
  });
});

describe("the local engine", () => {
  let world: Awaited<ReturnType<typeof localWorld>>;
  beforeAll(async () => {
    world = await localWorld();
  });
  afterAll(() => world.close());

  it("records the subscription, the stream and the bucket under the team's scope", async () => {
    const { template, parameters } = compiled(fixture("log-forwarding"), "a--shop");
    await world.deployer.start({
      stackName: "a--shop-dev",
      template,
      parameters,
      token: "logs-1",
      tenancy: scope,
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "a--shop-dev", token: "logs-1" });
    expect(status.reason).toBeUndefined();
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
  });
});

describe("a multi-container workload's logs", () => {
  const workload = (logging: string, other = "") => `resources:
  svc:
    type: multi-container-workload
    properties:
      resources: { cpu: 0.25, memory: 512 }
      containers:
        - name: api
          packaging: { type: prebuilt-image, properties: { image: nginx } }
          logging: ${logging}
        - name: ${other || "sidecar"}
          packaging: { type: prebuilt-image, properties: { image: nginx } }
          logging: { retentionDays: 7, logForwarding: { type: highlight, properties: { projectId: p1 } } }
`;

  it("go to a log group per container, each with its retention and forwarding", () => {
    const { template, problems } = outcome(
      workload(
        "{ retentionDays: 90, logForwarding: { type: datadog, properties: { apiKey: $Secret('dd.key') } } }",
      ),
    );
    expect(problems).toEqual([]);
    const r = template!.Resources;
    expect(r.SvcApiLogGroup!.Properties).toEqual({ LogGroupName: "shop-dev-svc-api", RetentionInDays: 90 });
    expect(r.SvcSidecarLogGroup!.Properties).toEqual({
      LogGroupName: "shop-dev-svc-sidecar",
      RetentionInDays: 7,
    });
    // Each container writes its own group; the execution role may write both, nothing else.
    const task = r.SvcTaskDefinition!.Properties as { ContainerDefinitions: Record<string, any>[] };
    expect(task.ContainerDefinitions.map((c) => c.LogConfiguration.Options["awslogs-group"])).toEqual([
      { Ref: "SvcApiLogGroup" },
      { Ref: "SvcSidecarLogGroup" },
    ]);
    expect(JSON.stringify(r.SvcExecutionRole!.Properties!.Policies)).toContain(
      JSON.stringify([
        { "Fn::GetAtt": ["SvcApiLogGroup", "Arn"] },
        { "Fn::GetAtt": ["SvcSidecarLogGroup", "Arn"] },
      ]),
    );
    // A stream per container, one failed-records bucket for the workload.
    expect(r.SvcApiLogGroupSubscriptionFilter!.Properties).toMatchObject({
      LogGroupName: { Ref: "SvcApiLogGroup" },
      DestinationArn: { "Fn::GetAtt": ["SvcApiLogGroupDeliveryStream", "Arn"] },
    });
    expect(r.SvcApiLogGroupDeliveryStream!.Properties).toMatchObject({
      DeliveryStreamName: "shop-dev-svc-api-logs",
      HttpEndpointDestinationConfiguration: {
        EndpointConfiguration: { AccessKey: "{{resolve:secretsmanager:dd:SecretString:key}}" },
      },
    });
    expect(r.SvcSidecarLogGroupDeliveryStream!.Properties).toMatchObject({
      DeliveryStreamName: "shop-dev-svc-sidecar-logs",
      HttpEndpointDestinationConfiguration: {
        RequestConfiguration: {
          CommonAttributes: [{ AttributeName: "x-highlight-project", AttributeValue: "p1" }],
        },
      },
    });
    expect(Object.values(r).filter((x) => x.Type === "AWS::S3::Bucket")).toHaveLength(1);
    expect(validateTemplateAgainstRegistry(template!)).toEqual([]);
  });

  it("report a key the team may not resolve where it is written", () => {
    const yaml = workload("{ logForwarding: { type: datadog, properties: { apiKey: $Secret('dd.key') } } }");
    const aws = { ...TARGET, stackName: "a--shop--dev", tenancy: scopeOf("a") };
    expect(outcome(yaml, aws).problems).toEqual([
      {
        path: "resources.svc.properties.containers.0.logging.logForwarding.properties.apiKey",
        message: expect.stringContaining('resolves a secret: names the secret "dd", which is outside team a'),
      },
    ]);
  });

  it("refuse forwarding from a container whose logging is off, and names that would share a log group", () => {
    expect(
      outcome(
        workload("{ disabled: true, logForwarding: { type: highlight, properties: { projectId: p } } }"),
      ).problems,
    ).toEqual([
      {
        path: "resources.svc.properties.containers.0.logging.logForwarding",
        message: "Logs are forwarded from the container's log group, and logging.disabled turns it off.",
      },
    ]);
    const { template } = outcome(workload("{ disabled: true }"));
    expect(template!.Resources.SvcApiLogGroup).toBeUndefined();
    expect(outcome(workload("{ retentionDays: 1 }", "API")).problems).toEqual([
      {
        path: "resources.svc.properties.containers.1.name",
        message: expect.stringContaining("Containers api and API differ only in case or punctuation"),
      },
    ]);
  });
});
