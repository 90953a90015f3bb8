/**
 * Global alarms (api/resources/concerns/alarms/global.ts): a team's alarm definitions applied to
 * every resource their trigger watches in the stages they are for, named as Stacktape names them,
 * left out where a resource disables them, and a disabled name no global alarm has refused where
 * it is written.
 */
import { describe, expect, it } from "vitest";
import type { ConfigPath } from "../../../api/config/problem.js";
import { checkGlobalAlarms, type GlobalAlarm } from "../../../api/resources/concerns/alarms/global.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const FN = "packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/a.ts } }";

const CONFIG = `resources:
  orders:
    type: function
    properties:
      ${FN}
      alarms:
        - trigger: { type: lambda-duration, properties: { thresholdMilliseconds: 3000 } }
  billing:
    type: function
    properties:
      ${FN}
      disabledGlobalAlarms: [fn-errors]
  jobs:
    type: sqs-queue
  api:
    type: http-api-gateway
`;

const GLOBALS: GlobalAlarm[] = [
  {
    name: "fn-errors",
    trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 5 } },
    evaluation: { period: 300, evaluationPeriods: 2 },
    notificationTargets: [
      { type: "slack", properties: { conversationId: "C01", accessToken: "$Secret('slack.token')" } },
    ],
  },
  { name: "queue-backlog", trigger: { type: "sqs-queue-not-empty" }, forStages: ["prod"] },
  {
    name: "api-latency",
    trigger: { type: "http-api-gateway-latency", properties: { thresholdMilliseconds: 500 } },
    forServices: ["other-project"],
  },
];

const target = (globalAlarms: GlobalAlarm[], stage = "dev") => ({ ...TARGET, stage, globalAlarms });

describe("global alarms", () => {
  it("become one alarm per matching resource, named <Trigger>For<Resource><name>, next to the resource's own", () => {
    const { template, result, problems } = outcome(CONFIG, target(GLOBALS));
    expect(problems).toEqual([]);
    const alarms = Object.entries(template!.Resources)
      .filter(([, r]) => r.Type === "AWS::CloudWatch::Alarm")
      .map(([id, r]) => [id, (r.Properties as { AlarmName: string }).AlarmName]);
    // billing disables fn-errors; the queue alarm is for prod only, the API's for another project.
    expect(alarms).toEqual([
      ["LambdaDurationForOrders0Alarm", "shop-dev-LambdaDurationForOrders0"],
      ["LambdaErrorRateForOrdersfnErrorsAlarm", "shop-dev-LambdaErrorRateForOrdersfn-errors"],
    ]);
    expect(template!.Resources.LambdaErrorRateForOrdersfnErrorsAlarm!.Properties).toMatchObject({
      EvaluationPeriods: 2,
      Threshold: 5,
      Metrics: expect.arrayContaining([
        expect.objectContaining({
          Id: "lambda_error_rate",
          Expression: "( error_count / invocations ) * 100",
          Period: 300,
        }),
      ]),
    });
    // Its notification is compiled as a resource alarm's, the secret as a dynamic reference.
    expect(
      template!.Resources.LambdaErrorRateForOrdersfnErrorsNotification0Connection!.Properties!.AuthParameters,
    ).toMatchObject({
      ApiKeyAuthParameters: { ApiKeyValue: "Bearer {{resolve:secretsmanager:slack:SecretString:token}}" },
    });
    // Its name is a param of the resource, so a stage output: alarm-<name>.
    expect(result!.referenceableParams.orders).toMatchObject({
      alarm0: { Ref: "LambdaDurationForOrders0Alarm" },
      "alarm-fn-errors": { Ref: "LambdaErrorRateForOrdersfnErrorsAlarm" },
    });
    expect(Object.values(result!.outputParams)).toContainEqual({
      resource: "orders",
      param: "alarm-fn-errors",
    });
    expect(validateTemplateAgainstRegistry(template!)).toEqual([]);
  });

  it("apply to the stages and projects they are for", () => {
    const prod = outcome(CONFIG, target(GLOBALS, "prod")).template!.Resources;
    expect(prod.SqsQueueNotEmptyForJobsqueueBacklogAlarm?.Properties).toMatchObject({
      AlarmName: "shop-prod-SqsQueueNotEmptyForJobsqueue-backlog",
    });
    const other = outcome(CONFIG, { ...target(GLOBALS), project: "other-project" }).template!.Resources;
    expect(other.HttpApiGatewayLatencyForApiapiLatencyAlarm?.Type).toBe("AWS::CloudWatch::Alarm");
  });

  it("refuse a disabled name no global alarm has, where it is written, with a did-you-mean", () => {
    const typo = CONFIG.replace("[fn-errors]", "[fn-errros, fn-errors]");
    expect(outcome(typo, target(GLOBALS)).problems).toEqual([
      {
        path: "resources.billing.properties.disabledGlobalAlarms.0",
        message:
          'No global alarm is named fn-errros. Did you mean "fn-errors"? The team\'s global alarms: fn-errors, queue-backlog, api-latency.',
      },
    ]);
    expect(outcome(CONFIG, target([])).problems).toEqual([
      {
        path: "resources.billing.properties.disabledGlobalAlarms.0",
        message: expect.stringContaining("No global alarm is named fn-errors: the team has none"),
      },
    ]);
    // Compiled outside any team (no list given), nothing applies and nothing is checked.
    expect(outcome(CONFIG).problems).toEqual([]);
  });

  it("a secret outside the team's namespace is reported where it is written, in the config or the list", () => {
    const yaml = `resources:
  orders:
    type: function
    properties:
      ${FN}
      alarms:
        - trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }
          notificationTargets:
            - type: slack
              properties: { conversationId: C1, accessToken: "$Secret('b--slack.token')" }
`;
    const globals: GlobalAlarm[] = [
      {
        name: "x",
        trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 1 } },
        notificationTargets: [{ type: "ms-teams", properties: { webhookUrl: "$Secret('ops-hook')" } }],
      },
    ];
    const aws = { ...target(globals), stackName: "a--shop--dev", tenancy: scopeOf("a") };
    expect(outcome(yaml, aws).problems).toEqual([
      {
        path: "resources.orders.properties.alarms.0.notificationTargets.0.properties.accessToken",
        message: expect.stringContaining(
          'resolves a secret: names the secret "b--slack", which is outside team a',
        ),
      },
      {
        path: "globalAlarms.x.notificationTargets.0.properties.webhookUrl",
        message: expect.stringContaining(
          'resolves a secret: names the secret "ops-hook", which is outside team a',
        ),
      },
    ]);
  });

  it("stop at CloudFormation's resources per stack, said once, however many they would make", () => {
    const functions = Array.from(
      { length: 100 },
      (_, i) => `  f${i}: { type: function, properties: { ${FN} } }`,
    ).join("\n");
    const hooks = Array.from({ length: 5 }, (_, i) => ({
      type: "webhook" as const,
      properties: { url: `https://hooks.example.com/${i}` },
    }));
    const many: GlobalAlarm[] = Array.from({ length: 50 }, (_, i) => ({
      name: `a${i}`,
      trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 1 } },
      notificationTargets: hooks,
    }));
    const { problems } = outcome(`resources:\n${functions}\n`, target(many));
    const alarmsProblems = problems.filter((p) => p.message.startsWith("With its alarms"));
    expect(alarmsProblems).toEqual([
      {
        path: expect.stringMatching(/^resources\.f\d+$/),
        message: expect.stringContaining("passes CloudFormation's 500 resources here"),
      },
    ]);
  });

  it("a definition's own problems are found before any compilation, each located", () => {
    const found: { path: ConfigPath; message: string }[] = [];
    const report = (path: ConfigPath, message: string) => found.push({ path, message });
    checkGlobalAlarms(
      [
        GLOBALS[0]!,
        { ...GLOBALS[1]!, name: "Fn-Errors" },
        { ...GLOBALS[2]!, evaluation: { evaluationPeriods: 2, breachedPeriods: 3 } },
        {
          name: "hook",
          trigger: { type: "lambda-duration", properties: { thresholdMilliseconds: 1 } },
          notificationTargets: [
            { type: "webhook", properties: { url: "https://h.example.com", secret: "x" } },
            { type: "slack", properties: { conversationId: "$Var('channel')", accessToken: "$Secret('t')" } },
          ],
        },
      ],
      report,
    );
    expect(found).toEqual([
      { path: [1, "name"], message: expect.stringContaining("fn-errors and Fn-Errors differ only in case") },
      {
        path: [2, "evaluation", "breachedPeriods"],
        message: "breachedPeriods (3) is at most evaluationPeriods (2).",
      },
      {
        path: [3, "notificationTargets", 0, "properties", "secret"],
        message: expect.stringContaining("A signed webhook is not supported"),
      },
      {
        path: [3, "notificationTargets", 1, "properties", "conversationId"],
        message: "A global alarm is not config: directives are not resolved in it. Give the channel's ID.",
      },
    ]);
    // A list too large for the one item it is stored in.
    const big: GlobalAlarm[] = Array.from({ length: 50 }, (_, i) => ({
      ...GLOBALS[1]!,
      name: `a${i}`,
      description: "x".repeat(1024),
      notificationTargets: [
        {
          type: "webhook",
          properties: { url: "https://h.example.com", headers: { "X-Pad": "y".repeat(6000) } },
        },
      ],
    }));
    const sized: { path: ConfigPath; message: string }[] = [];
    checkGlobalAlarms(big, (path, message) => sized.push({ path, message }));
    expect(sized).toEqual([
      {
        path: [],
        message: expect.stringMatching(
          /^The global alarms take \d+ bytes as JSON; a team's take at most 300000\.$/,
        ),
      },
    ]);
  });
});

describe("alarms where Stacktape defines none", () => {
  it("are refused on workloads and batch jobs, at the property, saying why", () => {
    const yaml = `resources:
  svc:
    type: multi-container-workload
    properties:
      resources: { cpu: 0.25, memory: 512 }
      containers: [{ name: app, packaging: { type: prebuilt-image, properties: { image: nginx } } }]
      alarms: [{ trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } } }]
  job:
    type: batch-job
    properties:
      container: { packaging: { type: prebuilt-image, properties: { image: nginx } } }
      resources: { cpu: 1, memory: 512 }
      disabledGlobalAlarms: [fn-errors]
`;
    expect(outcome(yaml, target(GLOBALS)).problems).toEqual([
      {
        path: "resources.svc.properties.alarms",
        message:
          'Unknown property "alarms": Stacktape defines no alarm triggers for a multi-container-workload (here they watch a function, sqs-queue, http-api-gateway). Put an AWS::CloudWatch::Alarm of your own in cloudformationResources instead.',
      },
      {
        path: "resources.job.properties.disabledGlobalAlarms",
        message:
          'Unknown property "disabledGlobalAlarms": no global alarm applies to a batch-job: Stacktape\'s alarm triggers watch a function, sqs-queue, http-api-gateway here.',
      },
    ]);
  });
});
