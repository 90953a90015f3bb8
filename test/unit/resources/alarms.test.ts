/**
 * Alarms (api/resources/concerns/alarms): compiled as Stacktape names and shapes them, notification
 * targets compiled to what AWS delivers by itself, their secrets taken by reference only, every
 * refusal located, the default-bus notification rule held to the team's own alarms, and the local
 * engine deploying it all under a team's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compiled, fixture, localWorld } from "../local-deployer/support.js";
import { scopeOf, TARGET } from "./support.js";

const FN = "packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/a.ts } }";

function load(yaml: string) {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

function problems(yaml: string, target: Parameters<typeof compile>[1] = TARGET) {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) return loaded.errors.map(({ path, message }) => ({ path, message }));
  try {
    compile(loaded.config, target);
    return [];
  } catch (e) {
    return (e as { errors: { path: string; message: string }[] }).errors.map(({ path, message }) => ({
      path,
      message,
    }));
  }
}

const withAlarm = (alarm: string, type = "function", props = FN) =>
  `resources:\n  fn:\n    type: ${type}\n    properties:\n      ${props}\n      alarms:\n        - ${alarm}\n`;

describe("alarms", () => {
  it("compile to CloudWatch alarms named and shaped as Stacktape's", () => {
    const { template } = compile(load(fixture("alarms")), TARGET);
    const alarm = template.Resources.LambdaDurationForOrders1Alarm!;
    expect(alarm.Type).toBe("AWS::CloudWatch::Alarm");
    expect(alarm.Properties).toMatchObject({
      AlarmName: "shop-dev-LambdaDurationForOrders1",
      AlarmDescription:
        "Monitors Maximum lambda-duration of orders in stack shop-dev. Triggered when GreaterThanThreshold (3000).",
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 3000,
      TreatMissingData: "notBreaching",
      Metrics: [
        {
          Id: "duration",
          MetricStat: {
            Metric: {
              Namespace: "AWS/Lambda",
              MetricName: "Duration",
              Dimensions: [
                { Name: "FunctionName", Value: { Ref: "OrdersFunction" } },
                { Name: "Resource", Value: { Ref: "OrdersFunction" } },
              ],
            },
            Period: 60,
            Stat: "Maximum",
          },
          ReturnData: true,
        },
      ],
    });
    expect(template.Resources.HttpApiGatewayErrorRateForApi0Alarm!.Properties).toMatchObject({
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: expect.arrayContaining([
        expect.objectContaining({
          Id: "http_api_gateway_error_rate",
          Expression: "( ( error_4xx_count + error_5xx_count ) / all_count ) * 100",
          Period: 300,
        }),
      ]),
    });
    expect(template.Resources.SqsQueueNotEmptyForJobs0Alarm!.Properties).toMatchObject({
      Threshold: 0,
      Metrics: expect.arrayContaining([
        expect.objectContaining({ Expression: "received + visible + not_visible + sent" }),
      ]),
    });
    expect(validateTemplateAgainstRegistry(template)).toEqual([]);
  });

  it("name each alarm as a referenceable param, alarm<i>", () => {
    const { referenceableParams } = compile(load(fixture("alarms")), TARGET);
    expect(referenceableParams.orders).toMatchObject({
      alarm0: { Ref: "LambdaErrorRateForOrders0Alarm" },
      alarm1: { Ref: "LambdaDurationForOrders1Alarm" },
    });
    expect(Object.keys(referenceableParams.jobs!)).toEqual(["arn", "name", "url", "alarm0", "alarm1"]);
  });

  it("notify through a rule that hears only the alarm's own state changes, ALARM alone without history", () => {
    const { template } = compile(load(fixture("alarms")), TARGET);
    const rule = template.Resources.LambdaErrorRateForOrders0NotificationRule!.Properties!;
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.EventPattern).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      resources: [{ "Fn::GetAtt": ["LambdaErrorRateForOrders0Alarm", "Arn"] }],
      detail: { state: { value: ["ALARM", "OK"] } },
    });
    const targets = rule.Targets as { Id: string; InputTransformer?: { InputTemplate: string } }[];
    expect(targets.map((t) => t.Id)).toEqual([
      "notification-0",
      "notification-2",
      "notification-3",
      "notification-email",
    ]);
    // The user's own `<often>` is text, not an EventBridge placeholder.
    const slack = JSON.parse(targets[0]!.InputTransformer!.InputTemplate.replace(/<(\w+)>/g, "$1"));
    expect(slack).toEqual({
      channel: "C0123456789",
      text: "state: alarm alarmName (Orders fail <often>) at time. reason",
    });
    const quiet = template.Resources.LambdaDurationForOrders1NotificationRule!.Properties!;
    expect((quiet.EventPattern as { detail: unknown }).detail).toEqual({ state: { value: ["ALARM"] } });
    // EventBridge may call the owner's API destinations, nothing else.
    const role = template.Resources.OrdersAlarmNotificationsRole!.Properties!;
    expect(JSON.stringify(role.Policies)).toContain("events:InvokeApiDestination");
    expect(JSON.stringify(role.Policies)).not.toContain('"*"');
  });

  it("put secrets into the template as CloudFormation dynamic references only", () => {
    const { template } = compile(load(fixture("alarms")), TARGET);
    const r = template.Resources;
    expect(r.LambdaErrorRateForOrders0Notification0Connection!.Properties!.AuthParameters).toEqual({
      ApiKeyAuthParameters: {
        ApiKeyName: "Authorization",
        ApiKeyValue: "Bearer {{resolve:secretsmanager:slack:SecretString:botToken}}",
      },
    });
    expect(r.HttpApiGatewayErrorRateForApi0Notification0ApiDestination!.Properties!.InvocationEndpoint).toBe(
      "{{resolve:secretsmanager:teams-webhook}}",
    );
    expect(r.LambdaErrorRateForOrders0Notification2ApiDestination!.Properties!.InvocationEndpoint).toBe(
      "{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:discord-hook-AbCdEf}}",
    );
    expect(
      (
        r.LambdaErrorRateForOrders0Notification3Connection!.Properties!.AuthParameters as {
          InvocationHttpParameters: unknown;
        }
      ).InvocationHttpParameters,
    ).toEqual({
      HeaderParameters: [
        { Key: "Authorization", Value: "{{resolve:secretsmanager:hook-token}}", IsValueSecret: true },
        { Key: "X-Source", Value: "switchyard", IsValueSecret: false },
      ],
    });
  });

  it("refuse a secret written as its value, without repeating the value", () => {
    const token = "xoxb-1234-5678-SuperSecretToken";
    const found = problems(
      withAlarm(
        `trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }\n          notificationTargets:\n            - type: slack\n              properties: { conversationId: C1, accessToken: ${token} }\n            - type: ms-teams\n              properties: { webhookUrl: "https://example.webhook.office.com/hook/abc" }`,
      ),
    );
    expect(found).toEqual([
      {
        path: "resources.fn.properties.alarms.0.notificationTargets.0.properties.accessToken",
        message: expect.stringContaining(
          "A Slack access token is a secret: give it as $Secret('<secret name>')",
        ),
      },
      {
        path: "resources.fn.properties.alarms.0.notificationTargets.1.properties.webhookUrl",
        message: expect.stringContaining("A Microsoft Teams webhook URL is a secret"),
      },
    ]);
    expect(JSON.stringify(found)).not.toContain(token);
    expect(JSON.stringify(found)).not.toContain("office.com");
  });

  it("locate every other refusal", () => {
    const unsupported = problems(withAlarm("trigger: { type: sqs-queue-not-empty }"));
    expect(unsupported).toEqual([
      {
        path: "resources.fn.properties.alarms.0.trigger.type",
        message:
          "Unsupported alarm trigger on a function. Supported types here: lambda-error-rate, lambda-duration.",
      },
    ]);
    expect(
      problems(
        withAlarm(
          "trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }\n          evaluation: { period: 3600, evaluationPeriods: 30, breachedPeriods: 31 }\n          notificationTargets: [{ type: slack }]",
        ),
      ),
    ).toEqual([
      {
        path: "resources.fn.properties.alarms.0.evaluation.evaluationPeriods",
        message: expect.stringContaining("period × evaluationPeriods is 108000 seconds"),
      },
      {
        path: "resources.fn.properties.alarms.0.evaluation.breachedPeriods",
        message: "breachedPeriods (31) is at most evaluationPeriods (30).",
      },
      {
        path: "resources.fn.properties.alarms.0.notificationTargets.0",
        message: "A slack notification target needs properties: conversationId and accessToken.",
      },
    ]);
    const six = Array.from(
      { length: 6 },
      (_, i) => `\n            - { type: email, properties: { sender: a@b.c, recipient: r${i}@b.c } }`,
    ).join("");
    expect(
      problems(
        withAlarm(
          `trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }\n          notificationTargets:${six}`,
        ),
      ),
    ).toEqual([
      {
        path: "resources.fn.properties.alarms.0.notificationTargets.5",
        message: "An alarm has at most 5 notification targets (EventBridge's targets per rule).",
      },
    ]);
    expect(
      problems(
        withAlarm(
          "trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }\n          notificationTargets:\n            - type: webhook\n              properties: { url: https://h.example.com, secret: $Secret('s') }",
        ),
      ),
    ).toEqual([
      {
        path: "resources.fn.properties.alarms.0.notificationTargets.0.properties.secret",
        message: expect.stringContaining("A signed webhook is not supported"),
      },
    ]);
  });
});

/** The fixture's secrets are not named in team a's namespace: allowed as a platform admin would. */
const SECRETS_ALLOWED = ["arn:aws:secretsmanager:*"];

describe("the notification rule on the default bus", () => {
  const aws = {
    ...TARGET,
    stackName: "a--shop-dev",
    tenancy: { ...scopeOf("a"), allowed: SECRETS_ALLOWED },
  };

  it("is the team's own: it hears only the stack's alarms", () => {
    expect(problems(fixture("alarms"), aws)).toEqual([]);
  });

  it("is refused when a raw rule on the default bus hears anything else", () => {
    const rule = (pattern: string) =>
      `resources:\n  bus:\n    type: event-bus\ncloudformationResources:\n  Spy:\n    Type: AWS::Events::Rule\n    Properties:\n      Name: a--shop-dev-spy\n      EventPattern: ${pattern}\n      Targets: [{ Id: t, Arn: { "Fn::GetAtt": [BusEventBus, Arn] } }]\n`;
    const otherTeams = rule(
      '{ source: [aws.cloudwatch], detail-type: [CloudWatch Alarm State Change], resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:b--pay-prod-X"] }',
    );
    const everyAlarm = rule("{ source: [aws.cloudwatch], detail-type: [CloudWatch Alarm State Change] }");
    for (const yaml of [otherTeams, everyAlarm]) {
      expect(problems(yaml, aws)).toEqual([
        {
          path: "cloudformationResources.Spy.Properties.EventBusName",
          message: expect.stringContaining("it is on the account's default event bus"),
        },
      ]);
    }
    const ownAlarmByArn = rule(
      '{ source: [aws.cloudwatch], detail-type: [CloudWatch Alarm State Change], resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a--shop-dev-X"] }',
    );
    expect(problems(ownAlarmByArn, aws)).toEqual([]);
  });
});

describe("the local engine", () => {
  let world: Awaited<ReturnType<typeof localWorld>>;
  beforeAll(async () => {
    world = await localWorld();
  });
  afterAll(() => world.close());

  it("deploys alarms and their notifications under the team's scope, and records them", async () => {
    const { template, parameters } = compiled(fixture("alarms"), "a--shop");
    await world.deployer.start({
      stackName: "a--shop-dev",
      template,
      parameters,
      token: "alarms-1",
      tenancy: { ...scopeOf("a"), account: "000000000000", region: "us-east-1", allowed: SECRETS_ALLOWED },
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "a--shop-dev", token: "alarms-1" });
    expect(status.reason).toBeUndefined();
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
    const rules =
      (await world.engine.listRules({ NamePrefix: "a--shop-dev-alarm-notification" })).Rules ?? [];
    expect(rules.map((r) => r.Name).sort()).toEqual([
      "a--shop-dev-alarm-notification-HttpApiGatewayEr-ec2e25",
      "a--shop-dev-alarm-notification-LambdaDurationFo-f8413f",
      "a--shop-dev-alarm-notification-LambdaErrorRateF-3e5808",
    ]);
    const pattern = JSON.parse(rules.find((r) => r.Name!.includes("LambdaErrorRate"))!.EventPattern!);
    expect(pattern.resources).toEqual([
      "arn:aws:cloudwatch:us-east-1:000000000000:alarm:a--shop-dev-LambdaErrorRateForOrders0",
    ]);
  });
});
