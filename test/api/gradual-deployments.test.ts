/**
 * A function's `deployment` (Stacktape's gradual deployments, #17) and a kinesis-stream trigger's
 * `autoCreateConsumer`, through the HTTP API: compiled to what Stacktape creates (CodeDeploy
 * application, deployment group, the alias's update policy, a least-privilege CodeDeploy role, the
 * hooks' permission to report), every trigger aimed at the alias, names in the team's namespace;
 * refusals located; deployed whole on the embedded default, where deliveries go to the alias and a
 * change of the function publishes a new version (no traffic is shifted locally).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import { validateTemplateAgainstRegistry } from "../support/cfn-schema.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let team: string;
let teamKey: string;
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  teamKey = await createKey(server, team, "viewer");
});
afterAll(() => server.close());

const STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/clicks";
const config = (memory = 512) => `resources:
  orders:
    type: event-bus
  jobs:
    type: sqs-queue
  checkout:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/checkout.zip } }
      memory: ${memory}
      deployment:
        strategy: Linear10PercentEvery1Minute
        beforeAllowTrafficFunction: smoke
        afterTrafficShiftFunction: verify
      alarms:
        - trigger: { type: lambda-error-rate, properties: { thresholdPercent: 5 } }
      events:
        - type: event-bus
          properties: { eventBusName: orders, eventPattern: { source: [shop] } }
        - type: sqs
          properties: { sqsQueueName: jobs }
        - type: kinesis-stream
          properties: { streamArn: ${STREAM}, autoCreateConsumer: true, batchSize: 50 }
  smoke:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/smoke.zip } }
  verify:
    type: function
    properties:
      packaging: { type: custom-artifact, properties: { packagePath: dist/verify.zip } }
`;

async function validate(yaml: string, key = teamKey) {
  const res = await server.fetch(
    "/v1/validate",
    jsonRequest(key, "POST", { config: yaml, project: "shop", stage: "dev", region: "us-east-1" }),
  );
  return { status: res.status, body: await bodyOf(res) };
}

type Statement = { Action: string[]; Resource: unknown[] };
const statementsOf = (role: { Properties: { Policies?: unknown[] } }, policy: string): Statement[] =>
  (role.Properties.Policies as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]).find(
    (p) => p.PolicyName === policy,
  )!.PolicyDocument.Statement;

describe("a function's gradual deployment", () => {
  it("compiles to Stacktape's CodeDeploy resources, named in the team's namespace, every trigger on the alias", async () => {
    const { status, body } = await validate(config());
    expect(status, JSON.stringify(body.errors)).toBe(200);
    const r = body.template.Resources;
    const stack = `${team}--shop--dev`;
    expect(r.StpLambdaCodeDeployApplication.Properties).toEqual({
      ApplicationName: `${stack}-StpLambdaCodeDeployApplication`,
      ComputePlatform: "Lambda",
    });
    expect(r.CheckoutDeploymentGroup.Properties).toMatchObject({
      ApplicationName: { Ref: "StpLambdaCodeDeployApplication" },
      DeploymentGroupName: `${stack}-CheckoutDeploymentGroup`,
      DeploymentConfigName: "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
      DeploymentStyle: { DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL" },
      ServiceRoleArn: { "Fn::GetAtt": ["StpCodeDeployRole", "Arn"] },
    });
    expect(r.CheckoutStpAlias.Properties).toMatchObject({
      Name: "stp-live",
      FunctionVersion: { "Fn::GetAtt": ["CheckoutVersion", "Version"] },
    });
    expect(r.CheckoutStpAlias.UpdatePolicy).toEqual({
      CodeDeployLambdaAliasUpdate: {
        ApplicationName: { Ref: "StpLambdaCodeDeployApplication" },
        DeploymentGroupName: { Ref: "CheckoutDeploymentGroup" },
        BeforeAllowTrafficHook: { Ref: "SmokeFunction" },
        AfterAllowTrafficHook: { Ref: "VerifyFunction" },
      },
    });
    // Every trigger invokes the alias, so CodeDeploy's traffic shifting applies to all of them.
    const alias = { Ref: "CheckoutStpAlias" };
    expect(r.CheckoutEvent0Rule.Properties.Targets[0].Arn).toEqual(alias);
    expect(r.CheckoutEvent0Permission.Properties.FunctionName).toEqual(alias);
    expect(r.CheckoutEvent1EventSourceMapping.Properties.FunctionName).toEqual(alias);
    expect(r.CheckoutEvent2EventSourceMapping.Properties.FunctionName).toEqual(alias);
    // The error-rate alarm watches the alias's invocations.
    const dimensions = r.LambdaErrorRateForCheckout0Alarm.Properties.Metrics[0].MetricStat.Metric.Dimensions;
    expect(dimensions).toContainEqual({
      Name: "Resource",
      Value: { "Fn::Join": [":", [{ Ref: "CheckoutFunction" }, "stp-live"]] },
    });

    // CodeDeploy's role: move this function's alias and invoke its two hooks, nothing else.
    const role = r.StpCodeDeployRole;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: "codedeploy.amazonaws.com",
    });
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(statementsOf(role, "deploy-checkout")).toEqual([
      expect.objectContaining({
        Action: ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"],
        Resource: [
          { "Fn::GetAtt": ["CheckoutFunction", "Arn"] },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
          { "Fn::Sub": ["${Arn}:*", { Arn: { "Fn::GetAtt": ["CheckoutFunction", "Arn"] } }] },
        ],
      }),
      expect.objectContaining({
        Action: ["lambda:InvokeFunction"],
        Resource: [{ "Fn::GetAtt": ["SmokeFunction", "Arn"] }, { "Fn::GetAtt": ["VerifyFunction", "Arn"] }],
      }),
    ]);
    // Each hook may report its result to this function's deployment group only.
    const groupArn = {
      "Fn::Sub": `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:${stack}-StpLambdaCodeDeployApplication/${stack}-CheckoutDeploymentGroup`,
    };
    for (const hook of ["SmokeRole", "VerifyRole"])
      expect(statementsOf(r[hook], "codedeploy-hooks")).toEqual([
        expect.objectContaining({
          Action: ["codedeploy:PutLifecycleEventHookExecutionStatus"],
          Resource: [groupArn],
        }),
      ]);
    expect(r.CheckoutRole.Properties.Policies.map((p: { PolicyName: string }) => p.PolicyName)).not.toContain(
      "codedeploy-hooks",
    );

    // The kinesis trigger reads through a consumer of its own (enhanced fan-out).
    expect(r.CheckoutEvent2StreamConsumer).toEqual({
      Type: "AWS::Kinesis::StreamConsumer",
      Properties: { StreamARN: STREAM, ConsumerName: `${stack}-CheckoutEvent2StreamConsumer` },
    });
    expect(r.CheckoutEvent2EventSourceMapping.Properties).toMatchObject({
      EventSourceArn: { "Fn::GetAtt": ["CheckoutEvent2StreamConsumer", "ConsumerARN"] },
      BatchSize: 50,
    });
    expect(statementsOf(r.CheckoutRole, "triggers")).toContainEqual(
      expect.objectContaining({
        Action: ["kinesis:SubscribeToShard"],
        Resource: [{ "Fn::GetAtt": ["CheckoutEvent2StreamConsumer", "ConsumerARN"] }],
      }),
    );
    expect(validateTemplateAgainstRegistry(body.template)).toEqual([]);
  });

  it("refuses hooks that are not functions of the config, a function hooking itself, unknown strategies and a consumer given twice, each located", async () => {
    const { status, body } = await validate(`resources:
  checkout:
    type: function
    properties:
      packaging: { type: custom-artifact }
      deployment:
        strategy: Canary10Percent5Minutes
        beforeAllowTrafficFunction: smok
        afterTrafficShiftFunction: checkout
      events:
        - type: kinesis-stream
          properties: { streamArn: ${STREAM}, consumerArn: ${STREAM}/consumer/c:1, autoCreateConsumer: true }
  smoke:
    type: function
    properties:
      packaging: { type: custom-artifact }
      deployment: { strategy: Canary50Percent1Minute }
`);
    expect(status).toBe(422);
    expect(body.errors.map((e: { path: string; line: number }) => [e.path, e.line])).toEqual([
      ["resources.checkout.properties.deployment.beforeAllowTrafficFunction", 8],
      ["resources.checkout.properties.deployment.afterTrafficShiftFunction", 9],
      ["resources.checkout.properties.events.0.properties.autoCreateConsumer", 12],
      ["resources.smoke.properties.deployment.strategy", 17],
    ]);
    const [missing, self, consumer, strategy] = body.errors.map((e: { message: string }) => e.message);
    expect(strategy).toContain("Linear10PercentEvery1Minute");
    expect(missing).toContain('Did you mean "smoke"?');
    expect(self).toContain("cannot be its own afterTrafficShiftFunction");
    expect(consumer).toContain("cannot be used with consumerArn");
  });

  it("holds a raw alias's update policy to the team's namespace: another team's deployment group and hook are refused", async () => {
    const { status, body } = await validate(`resources:
  checkout:
    type: function
    properties:
      packaging: { type: custom-artifact }
cloudformationResources:
  Sneaky:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: { Ref: CheckoutFunction }
      FunctionVersion: "1"
      Name: sneaky
    UpdatePolicy:
      CodeDeployLambdaAliasUpdate:
        ApplicationName: other--shop--dev-StpLambdaCodeDeployApplication
        DeploymentGroupName: other--shop--dev-CheckoutDeploymentGroup
        BeforeAllowTrafficHook: other--shop--dev-smoke
`);
    expect(status).toBe(422);
    const messages = body.errors.map((e: { message: string }) => e.message).join("\n");
    expect(messages).toContain(
      'names the codedeploy application "other--shop--dev-StpLambdaCodeDeployApplication"',
    );
    expect(messages).toContain('names the deployment group "other--shop--dev-CheckoutDeploymentGroup"');
    expect(messages).toContain('names the function "other--shop--dev-smoke"');
  });
});

describe("on the embedded default", () => {
  let stage: DeployedStage;
  beforeAll(async () => {
    stage = await deployToStage(server, config());
    expect(stage.deployment.status, JSON.stringify(stage.deployment.reason)).toBe("SUCCEEDED");
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await server.fetch(path, jsonRequest(stage.key, method, body));
    return { status: res.status, body: await bodyOf(res) };
  };

  it("records the CodeDeploy resources and the consumer, and delivers the bus's events to the alias", async () => {
    const created = new Set(
      (stage.deployment.events as { logicalId: string; status: string }[])
        .filter((e) => e.status === "CREATE_COMPLETE")
        .map((e) => e.logicalId),
    );
    for (const id of [
      "StpLambdaCodeDeployApplication",
      "CheckoutDeploymentGroup",
      "StpCodeDeployRole",
      "CheckoutVersion",
      "CheckoutStpAlias",
      "CheckoutEvent2StreamConsumer",
      "CheckoutEvent2EventSourceMapping",
    ])
      expect(created, id).toContain(id);

    const busPath = `${stage.stagePath}/buses/orders`;
    const published = await call("POST", `${busPath}/events`, {
      entries: [{ source: "shop", "detail-type": "order.placed", detail: { id: "o-1" } }],
    });
    expect(published.body.failedEntryCount).toBe(0);
    const deliveries = await poll(
      () => call("GET", `${busPath}/deliveries`),
      (r) => r.body.items?.length === 1,
    );
    expect(deliveries.body.items[0].targetArn).toBe(
      `arn:aws:lambda:us-east-1:000000000000:function:${stage.team}--${stage.project}--dev-checkout:stp-live`,
    );
  });

  it("publishes a new version when the function changes, for CodeDeploy to shift the alias to", async () => {
    const posted = await server.fetch(`/v1/projects/${stage.project}/configs`, {
      method: "POST",
      headers: { authorization: `Bearer ${stage.key}`, "content-type": "application/yaml" },
      body: config(1024),
    });
    expect(posted.status).toBe(201);
    const preview = await call("POST", `${stage.stagePath}/previews`, {});
    expect(preview.status).toBe(200);
    const change = (id: string) =>
      (preview.body.changes as { logicalId: string }[]).find((c) => c.logicalId === id);
    expect(change("CheckoutFunction")).toMatchObject({ action: "Modify", replacement: "False" });
    expect(change("CheckoutVersion")).toMatchObject({ action: "Modify", replacement: "True" });
    expect(change("CheckoutDeploymentGroup")).toBeUndefined();
  });
});
