import { describe, expect, it } from "vitest";
import { type CompileResult, ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { logicalId, pascalCase, physicalName } from "../../../api/compiler/naming.js";
import { type Config, loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compileFixture } from "./fixtures.js";

const TARGET = { project: "shop", stage: "dev", region: "eu-west-1" };

function load(yaml: string): Config {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

function compileErrors(yaml: string, target = TARGET) {
  try {
    compile(load(yaml), target);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected a ConfigValidationError");
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function roleStatements(result: CompileResult, roleId: string): Statement[] {
  const role = result.template.Resources[roleId]!;
  const policies = (role.Properties!.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

describe("the seed example", () => {
  const result = compileFixture("seed");
  const resources = result.template.Resources;

  it("compiles whole: bus, rule, state machine, batch job, function, HTTP API", () => {
    const types = new Set(Object.values(resources).map((r) => r.Type));
    for (const type of [
      "AWS::Events::EventBus",
      "AWS::Events::Rule",
      "AWS::StepFunctions::StateMachine",
      "AWS::Batch::JobDefinition",
      "AWS::Batch::JobQueue",
      "AWS::Batch::ComputeEnvironment",
      "AWS::Lambda::Function",
      "AWS::ApiGatewayV2::Api",
      "AWS::ApiGatewayV2::Route",
    ]) {
      expect(types).toContain(type);
    }
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
  });

  it("gives the rule the pattern with the variable resolved, on the bus, targeting the state machine", () => {
    const rule = resources.MyConsumerBatchJobEvent0Rule!.Properties!;
    expect(JSON.stringify(rule.EventPattern)).toBe('{"detail":{"EventName":["BUDGET_ANALYSIS"]}}');
    expect(rule.EventBusName).toEqual({ "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] });
    const [target] = rule.Targets as Record<string, unknown>[];
    expect(target!.Arn).toEqual({ Ref: "MyConsumerBatchJobStateMachine" });
    const invokeRole = roleStatements(result, target!.RoleArn ? "MyConsumerBatchJobEvent0Role" : "");
    expect(invokeRole).toEqual([
      {
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [{ Ref: "MyConsumerBatchJobStateMachine" }],
      },
    ]);
  });

  it("passes the event to the job as STP_TRIGGER_EVENT_DATA", () => {
    const definition = resources.MyConsumerBatchJobStateMachine!.Properties!.Definition as {
      States: { SubmitJob: { Parameters: { ContainerOverrides: { Environment: unknown[] } } } };
    };
    expect(definition.States.SubmitJob.Parameters.ContainerOverrides.Environment).toEqual([
      { Name: "STP_TRIGGER_EVENT_DATA", "Value.$": "States.JsonToString($)" },
    ]);
  });

  it("gives the function the bus name and STP_MY_EVENT_BUS_ARN", () => {
    const variables = (
      resources.MyPublisherFunctionFunction!.Properties!.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables).toEqual({
      EVENT_NAME: "BUDGET_ANALYSIS",
      EVENT_BUS_NAME: { "Fn::GetAtt": ["MyEventBusEventBus", "Name"] },
      STP_MY_EVENT_BUS_ARN: { "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] },
    });
  });

  it("lets the function's role put events on that bus and nothing wider", () => {
    const statements = roleStatements(result, "MyPublisherFunctionRole");
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [{ "Fn::GetAtt": ["MyPublisherFunctionLogGroup", "Arn"] }],
      },
      {
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: [{ "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] }],
      },
    ]);
  });

  it("routes GET /budget-analysis of the HTTP API to the function, with a scoped invoke permission", () => {
    expect(resources.MyPublisherFunctionEvent0Route!.Properties!.RouteKey).toBe("GET /budget-analysis");
    expect(resources.MyPublisherFunctionEvent0Permission!.Properties).toMatchObject({
      Principal: "apigateway.amazonaws.com",
      SourceArn: {
        "Fn::Sub": [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
          "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/budget-analysis",
          { Api: { Ref: "MyHttpApiApi" } },
        ],
      },
    });
  });

  it("takes code and image locations and the network from Parameters the deployer fills", () => {
    expect(result.parameters).toEqual([
      { name: "MyPublisherFunctionCodeBucket", kind: "code-bucket", resource: "myPublisherFunction" },
      { name: "MyPublisherFunctionCodeKey", kind: "code-key", resource: "myPublisherFunction" },
      { name: "PlatformSubnetIds", kind: "subnet-ids", resource: "platform" },
      { name: "PlatformSecurityGroupIds", kind: "security-group-ids", resource: "platform" },
      { name: "MyConsumerBatchJobImageUri", kind: "image-uri", resource: "myConsumerBatchJob" },
    ]);
    expect(Object.keys(result.template.Parameters!)).toEqual(result.parameters.map((p) => p.name));
  });

  it("outputs every referenceable param", () => {
    expect(result.referenceableParams.myEventBus).toEqual({
      arn: { "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] },
    });
    expect(result.template.Outputs!.MyEventBusArn).toEqual({
      Value: { "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] },
      Description: "myEventBus.arn",
    });
    expect(result.outputParams.MyEventBusArn).toEqual({ resource: "myEventBus", param: "arn" });
    const outputCount = Object.values(result.referenceableParams).reduce(
      (n, p) => n + Object.keys(p).length,
      0,
    );
    expect(Object.keys(result.template.Outputs!)).toHaveLength(outputCount);
  });

  it("tags the stack with our prefix", () => {
    expect(result.stackTags).toEqual([
      { Key: "switchyard:stack-name", Value: "shop-dev" },
      { Key: "switchyard:project-name", Value: "shop" },
      { Key: "switchyard:stage", Value: "dev" },
    ]);
  });
});

describe("subscription warnings", () => {
  it("warn that an external dead-letter queue needs its own policy", () => {
    const { warnings } = compileFixture("subscriptions");
    expect(warnings).toEqual([
      {
        path: "resources.consumer.properties.events.1.properties.onDeliveryFailure.sqsQueueArn",
        message:
          "A queue outside this stack needs its own policy allowing events.amazonaws.com to sqs:SendMessage from this rule; without it, failed events are dropped.",
      },
    ]);
  });
});

describe("IAM least privilege", () => {
  /** Actions AWS does not let a policy scope to a resource. */
  const UNSCOPABLE = new Set([
    "ecr:GetAuthorizationToken",
    "batch:DescribeJobs",
    "batch:ListJobs",
    "ec2:DescribeNetworkInterfaces",
  ]);

  for (const fixture of ["seed", "function", "batch-job", "sqs-queue", "subscriptions"]) {
    it(`${fixture}: no statement has Resource "*" unless its actions cannot be scoped`, () => {
      const { template } = compileFixture(fixture);
      const roles = Object.values(template.Resources).filter((r) => r.Type === "AWS::IAM::Role");
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) {
        const policies = (role.Properties!.Policies ?? []) as {
          PolicyDocument: { Statement: Statement[] };
        }[];
        for (const statement of policies.flatMap((p) => p.PolicyDocument.Statement)) {
          const resources = [statement.Resource].flat();
          if (resources.includes("*")) {
            expect([statement.Action].flat().filter((a) => !UNSCOPABLE.has(a))).toEqual([]);
          }
        }
      }
    });
  }
});

describe("naming", () => {
  it("builds logical IDs as Stacktape does", () => {
    expect(logicalId("myEventBus", "AWS::Events::EventBus")).toBe("MyEventBusEventBus");
    expect(logicalId("audit", "AWS::Events::Rule", "Event0")).toBe("AuditEvent0Rule");
    expect(pascalCase("myHTTPApi-event-0")).toBe("MyHttpApiEvent0");
  });

  it("truncates long physical names with a stable hash suffix at the AWS limit", () => {
    const long = `shop-dev-${"a".repeat(70)}`;
    const name = physicalName(long, 64);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^shop-dev-a+-[0-9a-f]{6}$/);
    expect(physicalName(long, 64)).toBe(name);
    expect(physicalName(`${long}b`, 64)).not.toBe(name);
    expect(physicalName("shop-dev-short", 64)).toBe("shop-dev-short");
  });

  it("keeps every physical name within its limit", () => {
    const name = `x${"Y".repeat(90)}`;
    const result = compile(
      load(
        `resources:\n  ${name}:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties: { useDefaultBus: true, eventPattern: { source: [a] } }\n`,
      ),
      TARGET,
    );
    const queue = result.template.Resources[logicalId(name, "AWS::SQS::Queue")]!.Properties!;
    expect((queue.QueueName as string).length).toBe(80);
    const rule = result.template.Resources[logicalId(name, "AWS::Events::Rule", "Event0")]!.Properties!;
    expect((rule.Name as string).length).toBe(64);
    const [target] = rule.Targets as { Id: string }[];
    expect(target!.Id.length).toBeLessThanOrEqual(64);
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
  });

  it("completes role names with the deploy-time region when none is given", () => {
    const config = load(
      "resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n",
    );
    const role = compile(config, { project: "shop", stage: "dev" }).template.Resources.FnRole!.Properties!;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
    expect(role.RoleName).toEqual({ "Fn::Sub": "shop-dev-fn-${AWS::Region}" });
  });
});

describe("stage-bound directives", () => {
  it("resolve per stage from one loaded config", () => {
    const config = load(
      "resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      environment:\n        - name: WHERE\n          value: $Format('{}@{}', $Stage(), $Region())\n",
    );
    const env = (stage: string) =>
      (
        compile(config, { ...TARGET, stage }).template.Resources.FnFunction!.Properties!.Environment as {
          Variables: object;
        }
      ).Variables;
    expect(env("dev")).toEqual({ WHERE: "dev@eu-west-1" });
    expect(env("prod")).toEqual({ WHERE: "prod@eu-west-1" });
  });

  it("compiling does not change the config and is deterministic", () => {
    const config = load(`resources:\n  bus:\n    type: event-bus\n`);
    const before = JSON.stringify(config);
    expect(JSON.stringify(compile(config, TARGET))).toBe(JSON.stringify(compile(config, TARGET)));
    expect(JSON.stringify(config)).toBe(before);
  });
});

describe("runtime directives", () => {
  const env = compileFixture("function").template.Resources.ApiFunction!.Properties!.Environment as {
    Variables: Record<string, unknown>;
  };

  it("become intrinsics and dynamic references", () => {
    expect(env.Variables).toMatchObject({
      STAGE: "dev",
      GREETING: "hello-dev-eu-west-1",
      DB_PASSWORD: "{{resolve:secretsmanager:shop/db:SecretString:password}}",
      FEATURE_FLAG: "{{resolve:ssm:/shop/flag}}",
      SHARED_TOPIC: { "Fn::ImportValue": "platform-prod-TopicArn" },
      QUEUE_URL: { Ref: "JobsQueue" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
      ARCHIVE: { "Fn::Sub": ["${P0}|${P1}", { P0: { "Fn::GetAtt": ["BusArchive", "Arn"] }, P1: "dev" }] },
      BUS_NAME: { Ref: "BusEventBus" },
      LIMIT: "42",
    });
  });

  it("inside an input object become Fn::Sub variables, with literal ${ escaped", () => {
    const rule = compileFixture("subscriptions").template.Resources.ConsumerEvent0Rule!.Properties!;
    const [target] = rule.Targets as { Input: unknown }[];
    expect(target!.Input).toEqual({
      "Fn::Sub": [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        '{"bus":"${V0}","stage":"dev","note":"${!literal}"}',
        { V0: { "Fn::GetAtt": ["OrdersEventBus", "Arn"] } },
      ],
    });
  });

  it("leave an input without directives as plain JSON text", () => {
    const rule = compileFixture("batch-job").template.Resources.TrainerEvent0Rule!.Properties!;
    expect((rule.Targets as { Input: unknown }[])[0]!.Input).toBe('{"model":"resnet"}');
  });
});

describe("overrides", () => {
  it("apply last, relative to Properties, deep-merging objects", () => {
    const result = compile(
      load(
        "resources:\n  q:\n    type: sqs-queue\n    overrides:\n      QQueue:\n        VisibilityTimeout: 99\n        Tags: [{ Key: team, Value: core }]\n        RedrivePolicy.maxReceiveCount: 3\n",
      ),
      TARGET,
    );
    expect(result.template.Resources.QQueue!.Properties).toEqual({
      QueueName: "shop-dev-q",
      VisibilityTimeout: 99,
      Tags: [{ Key: "team", Value: "core" }],
      RedrivePolicy: { maxReceiveCount: 3 },
    });
  });

  it("reject an unknown logical ID, listing the valid ones", () => {
    const errors = compileErrors(
      "resources:\n  bus:\n    type: event-bus\n    properties: { archivation: { enabled: true } }\n    overrides:\n      BusRule:\n        Description: x\n",
    );
    expect(errors).toEqual([
      {
        path: "resources.bus.overrides.BusRule",
        message:
          'Cloudformation resource "BusRule" is not a valid child resource of stacktape resource bus. Valid child resources are: BusEventBus, BusArchive.',
      },
    ]);
  });
});

describe("compile-time checks", () => {
  it("reject $CfResourceParam and $Param naming a missing logical ID", () => {
    const errors = compileErrors(
      `resources:\n  bus:\n    type: event-bus\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      environment:\n        - name: A\n          value: $CfResourceParam('NoSuchThing', 'Arn')\n        - name: B\n          value: $Param('bus', 'Archive::Arn')\n`,
    );
    expect(errors).toEqual([
      {
        path: "resources.fn.properties.environment.0.value",
        message: "$CfResourceParam(): no CloudFormation resource has the logical ID NoSuchThing.",
      },
      {
        path: "resources.fn.properties.environment.1.value",
        message: "$Param(): no CloudFormation resource has the logical ID BusArchive.",
      },
    ]);
  });

  it("refuse templates over 500 resources with a clear error", () => {
    const buses = Array.from(
      { length: 251 },
      (_, i) => `  bus${i}:\n    type: event-bus\n    properties: { archivation: { enabled: true } }\n`,
    ).join("");
    const errors = compileErrors(`resources:\n${buses}`);
    expect(errors.map((e) => e.message)).toContain(
      "The template has 502 resources; CloudFormation allows at most 500. Split the config into several projects.",
    );
  });

  it("warn when the template is too large to send inline", () => {
    const functions = Array.from(
      { length: 60 },
      (_, i) => `  fn${i}:\n    type: function\n    properties: { packaging: { type: custom-artifact } }\n`,
    ).join("");
    const result = compile(load(`resources:\n${functions}`), TARGET);
    expect(result.warnings).toEqual([
      {
        path: "(root)",
        message: expect.stringMatching(
          /over the 51200-byte inline limit: on AWS, Switchyard uploads it to its template bucket \(SWITCHYARD_TEMPLATE_BUCKET\)/,
        ),
      },
    ]);
  });
});

describe("the rest of the top level", () => {
  it("merges cloudformationResources, resolves their directives and refuses logical ID clashes", () => {
    const yaml =
      "resources:\n  bus:\n    type: event-bus\ncloudformationResources:\n  BusPolicy:\n    Type: AWS::Events::EventBusPolicy\n    Properties:\n      StatementId: allow-org\n      EventBusName: $CfResourceParam('BusEventBus', 'Ref')\n      Action: events:PutEvents\n      Principal: '123456789012'\n";
    const result = compile(load(yaml), TARGET);
    expect(result.template.Resources.BusPolicy!.Properties!.EventBusName).toEqual({ Ref: "BusEventBus" });
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
    const clash = compileErrors(`${yaml}  BusEventBus:\n    Type: AWS::SNS::Topic\n`);
    expect(clash[0]!.message).toBe("Logical ID BusEventBus is already used by a compiled resource.");
  });

  it("adds stackConfig outputs (exported as <stack>-<name>), user tags and termination protection", () => {
    const result = compile(
      load(
        "resources:\n  bus:\n    type: event-bus\nstackConfig:\n  outputs:\n    - name: SharedBusArn\n      value: $ResourceParam('bus', 'arn')\n      export: true\n  tags:\n    - { name: team, value: payments }\ndeploymentConfig: { terminationProtection: true }\n",
      ),
      TARGET,
    );
    expect(result.template.Outputs!.SharedBusArn).toEqual({
      Value: { "Fn::GetAtt": ["BusEventBus", "Arn"] },
      Export: { Name: "shop-dev-SharedBusArn" },
    });
    expect(result.stackTags[0]).toEqual({ Key: "team", Value: "payments" });
    expect(result.terminationProtection).toBe(true);
  });

  it("refuses params beyond the 200-output quota at the resource whose params pass it", () => {
    const queues = Array.from({ length: 70 }, (_, i) => `  q${i}:\n    type: sqs-queue\n`).join("");
    let thrown: unknown;
    try {
      compile(load(`resources:\n${queues}`), TARGET);
    } catch (e) {
      thrown = e;
    }
    // 66 queues of 3 params make 198 outputs; q66's url is the 201st.
    expect((thrown as ConfigValidationError).errors).toEqual([
      {
        path: "resources.q66",
        message:
          "The stack would have 210 outputs (0 from stackConfig.outputs, 210 for the resources' referenceable params, each exported so that deployments can record it; this resource's \"url\" is the 201st); CloudFormation allows at most 200. Split the config into several projects.",
      },
    ]);
    const fits = compile(load(`resources:\n${queues.split("  q66:")[0]}`), TARGET);
    expect(Object.keys(fits.template.Outputs!)).toHaveLength(198);
  });
});
