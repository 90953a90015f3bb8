import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { TABLE_KEYS, tableDefinition } from "../../../api/store/table.js";
import { LAMBDA_HANDLERS } from "../../../infra/lambda-bundle.js";
import { MANAGED_RESOURCE_TYPES } from "../../../infra/managed-types.js";
import { UNSCOPABLE_READ_ACTIONS } from "../../../infra/permissions.js";
import { readSettings } from "../../../infra/settings.js";
import { SwitchyardStack } from "../../../infra/switchyard-stack.js";
import {
  allRoleIds,
  logicalIdOf,
  PSEUDO,
  resolve,
  roleStatements,
  type Statement,
} from "./template-helpers.js";

const ORIGINS = ["https://portal.example.com", "http://localhost:5173"];
const STACKS = `arn:aws:cloudformation:${PSEUDO.region}:${PSEUDO.account}:stack/sy-*/*`;

let full: Template;
let minimal: Template;

beforeAll(() => {
  // One synth per file, without bundling: these tests are about the template, not the code.
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] }, analyticsReporting: false });
  const fullSettings = readSettings(
    (key) =>
      ({
        portalOrigins: ORIGINS.join(","),
        logRetentionDays: "90",
        alarmEmail: "platform-oncall@example.com",
        artifactBuckets: "acme-switchyard-artifacts",
        apiRateLimit: "20",
        apiBurstLimit: "40",
      })[key],
    {},
  );
  const fullStack = new SwitchyardStack(app, "Full", { settings: fullSettings });
  const minimalStack = new SwitchyardStack(app, "Minimal", { settings: readSettings(() => undefined, {}) });
  full = Template.fromStack(fullStack);
  minimal = Template.fromStack(minimalStack);
});

const fn = (t: Template, handler: string) =>
  logicalIdOf(t, "AWS::Lambda::Function", (p) => p.Handler === handler);
const roleOf = (t: Template, functionId: string) =>
  (t.toJSON().Resources[functionId].Properties.Role["Fn::GetAtt"] as string[])[0]!;
const serviceRoleId = (t: Template) =>
  logicalIdOf(t, "AWS::IAM::Role", (p) =>
    JSON.stringify(p.AssumeRolePolicyDocument).includes("cloudformation.amazonaws.com"),
  );
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => s.Action);

describe("store table", () => {
  it("is on-demand, point-in-time recoverable, deletion protected, with TTL, and retained with the stack", () => {
    full.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      }),
    });
  });

  it("has exactly the keys and indexes the app creates locally (api/store/table.ts)", () => {
    const def = tableDefinition("x");
    const [table] = Object.values(full.findResources("AWS::DynamoDB::Table"));
    expect(table!.Properties.KeySchema).toEqual(def.KeySchema);
    expect(table!.Properties.AttributeDefinitions).toEqual(def.AttributeDefinitions);
    expect(table!.Properties.GlobalSecondaryIndexes).toEqual(def.GlobalSecondaryIndexes);
  });
});

describe("functions", () => {
  it("run the same bundle on Node.js 22, arm64, with JSON logs kept for the configured retention", () => {
    const api = full.toJSON().Resources[fn(full, LAMBDA_HANDLERS.api)].Properties;
    const reconcile = full.toJSON().Resources[fn(full, LAMBDA_HANDLERS.reconcile)].Properties;
    for (const props of [api, reconcile]) {
      expect(props.Runtime).toBe("nodejs22.x");
      expect(props.Architectures).toEqual(["arm64"]);
      expect(props.LoggingConfig).toMatchObject({ LogFormat: "JSON", LogGroup: { Ref: expect.any(String) } });
      const logGroup = full.toJSON().Resources[props.LoggingConfig.LogGroup.Ref];
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
    expect(api.Code).toEqual(reconcile.Code);
    minimal.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it("get the table, the service role and the prefix from the environment; only the API gets the admin key", () => {
    const table = Object.keys(full.findResources("AWS::DynamoDB::Table"))[0]!;
    const secret = Object.keys(full.findResources("AWS::SecretsManager::Secret"))[0]!;
    const env = (handler: string) =>
      full.toJSON().Resources[fn(full, handler)].Properties.Environment.Variables as Record<string, unknown>;
    const common = {
      SWITCHYARD_TABLE_NAME: { Ref: table },
      SWITCHYARD_CFN_ROLE_ARN: { "Fn::GetAtt": [serviceRoleId(full), "Arn"] },
      SWITCHYARD_STACK_PREFIX: "sy-",
    };
    expect(env(LAMBDA_HANDLERS.api)).toMatchObject({
      ...common,
      SWITCHYARD_ADMIN_KEY_SECRET_ARN: { Ref: secret },
    });
    expect(env(LAMBDA_HANDLERS.reconcile)).toMatchObject(common);
    expect(env(LAMBDA_HANDLERS.reconcile)).not.toHaveProperty("SWITCHYARD_ADMIN_KEY_SECRET_ARN");
  });
});

describe("HTTP API", () => {
  it("sends every request to the API function, throttled on its default stage", () => {
    full.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "$default" });
    full.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: { "Fn::GetAtt": [fn(full, LAMBDA_HANDLERS.api), "Arn"] },
    });
    full.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    minimal.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it("allows exactly the portal origins through CORS, with the headers the API uses", () => {
    full.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: {
        AllowOrigins: ORIGINS,
        AllowHeaders: Match.arrayWith(["authorization", "content-type", "idempotency-key", "if-match"]),
        ExposeHeaders: Match.arrayWith(["etag", "location"]),
      },
    });
    minimal.hasResourceProperties("AWS::ApiGatewayV2::Api", { CorsConfiguration: Match.absent() });
  });
});

describe("stack status changes", () => {
  it("reach the reconcile function only for CloudFormation status changes of Switchyard's stacks", () => {
    const [rule] = Object.values(full.findResources("AWS::Events::Rule"));
    expect(rule!.Properties.EventBusName).toBeUndefined(); // the default bus
    expect(resolve(rule!.Properties.EventPattern)).toEqual({
      source: ["aws.cloudformation"],
      "detail-type": ["CloudFormation Stack Status Change"],
      resources: [{ prefix: `arn:aws:cloudformation:${PSEUDO.region}:${PSEUDO.account}:stack/sy-` }],
    });
    expect(rule!.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [fn(full, LAMBDA_HANDLERS.reconcile), "Arn"] },
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 8 }),
      }),
    ]);
    full.hasResourceProperties("AWS::Lambda::Permission", {
      Principal: "events.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [fn(full, LAMBDA_HANDLERS.reconcile), "Arn"] },
    });
  });
});

describe("IAM", () => {
  it("has no wildcard action anywhere, and Resource '*' only for reads AWS cannot scope", () => {
    for (const t of [full, minimal]) {
      for (const role of allRoleIds(t)) {
        for (const s of roleStatements(t, role)) {
          for (const action of s.Action) expect(action, `${role} ${s.Sid}`).not.toContain("*");
          if (s.Resource.includes("*"))
            expect(UNSCOPABLE_READ_ACTIONS).toEqual(expect.arrayContaining(s.Action));
        }
      }
    }
  });

  it("lets only CloudFormation assume the service role", () => {
    full.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "cloudformation.amazonaws.com" },
          },
        ],
      },
    });
  });

  it("scopes the service role to the compiled resource types' services and to the name prefix", () => {
    const statements = roleStatements(full, serviceRoleId(full));
    const services = new Set(actionsOf(statements).map((a) => a.split(":")[0]));
    const compiledServices = new Set(
      MANAGED_RESOURCE_TYPES.map(
        (t) =>
          ({ ApiGatewayV2: "apigateway", StepFunctions: "states" })[t.split("::")[1]!] ??
          t.split("::")[1]!.toLowerCase(),
      ),
    );
    for (const service of services) expect([...compiledServices, "s3"]).toContain(service);
    for (const s of statements) {
      for (const resource of s.Resource) {
        if (resource === "*" || resource.includes(":apigateway:")) continue; // API ids, not names: region scope
        if (resource.includes(":s3:::")) {
          expect(resource).toBe("arn:aws:s3:::acme-switchyard-artifacts/*");
          continue;
        }
        // Each named resource sits under the prefix: <...>/sy-*, <...>:sy-*, or log groups /aws/lambda/sy-*.
        expect(resource, `${s.Sid}`).toMatch(/[/:]sy-\*$|AWSServiceRoleForBatch$/);
      }
    }
    const passRole = statements.find((s) => s.Action.includes("iam:PassRole"))!;
    expect(passRole.Resource).toEqual([`arn:aws:iam::${PSEUDO.account}:role/sy-*`]);
    expect(passRole.Condition?.StringEquals?.["iam:PassedToService"]).not.toContain(
      "cloudformation.amazonaws.com",
    );
    const attach = statements.find((s) => s.Action.includes("iam:AttachRolePolicy"))!;
    expect(attach.Condition).toEqual({
      ArnLike: { "iam:PolicyARN": "arn:aws:iam::aws:policy/service-role/*" },
    });
    expect(
      roleStatements(minimal, serviceRoleId(minimal)).some((s) => s.Action.includes("s3:GetObject")),
    ).toBe(false);
  });

  it("lets the API manage only Switchyard's stacks, only through the service role, and use only Switchyard buses", () => {
    const statements = roleStatements(full, roleOf(full, fn(full, LAMBDA_HANDLERS.api)));
    const serviceRoleArn = `<${serviceRoleId(full)}.Arn>`;
    const cfn = statements.filter((s) => s.Action.some((a) => a.startsWith("cloudformation:")));
    for (const s of cfn) expect(s.Resource).toContain(STACKS);
    const create = statements.find((s) => s.Action.includes("cloudformation:CreateChangeSet"))!;
    expect(create.Action).toEqual(["cloudformation:CreateChangeSet"]);
    expect(create.Condition).toEqual({ StringEquals: { "cloudformation:RoleArn": serviceRoleArn } });
    const actions = actionsOf(statements);
    for (const direct of [
      "cloudformation:CreateStack",
      "cloudformation:UpdateStack",
      "iam:CreateRole",
      "events:CreateEventBus",
    ]) {
      expect(actions).not.toContain(direct);
    }
    const passRole = statements.find((s) => s.Action.includes("iam:PassRole"))!;
    expect(passRole.Resource).toEqual([serviceRoleArn]);
    expect(passRole.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" },
    });
    const events = statements.filter((s) => s.Action.some((a) => a.startsWith("events:")));
    expect(actionsOf(events)).toEqual(expect.arrayContaining(["events:PutEvents", "events:StartReplay"]));
    for (const s of events) {
      for (const r of s.Resource)
        expect(r).toMatch(
          /^arn:aws:events:eu-west-1:123456789012:(event-bus\/sy-\*|rule\/sy-\*|archive\/sy-\*|replay\/\*)$/,
        );
    }
    const secret = Object.keys(full.findResources("AWS::SecretsManager::Secret"))[0]!;
    expect(statements.find((s) => s.Action.includes("secretsmanager:GetSecretValue"))?.Resource).toEqual([
      `<Ref ${secret}>`,
    ]);
  });

  it("gives the reconcile function read access to Switchyard's stacks and the store, nothing else", () => {
    const statements = roleStatements(full, roleOf(full, fn(full, LAMBDA_HANDLERS.reconcile)));
    const table = Object.keys(full.findResources("AWS::DynamoDB::Table"))[0]!;
    expect(new Set(actionsOf(statements).map((a) => a.split(":")[0]))).toEqual(
      new Set(["dynamodb", "logs", "cloudformation"]),
    );
    expect(statements.find((s) => s.Action.includes("cloudformation:DescribeStacks"))?.Resource).toEqual([
      STACKS,
    ]);
    expect(statements.find((s) => s.Action.includes("dynamodb:Query"))?.Resource).toEqual([
      `<${table}.Arn>`,
      `<${table}.Arn>/index/*`,
    ]);
  });
});

describe("bootstrap admin key", () => {
  it("is a generated secret that only the API function may read", () => {
    full.hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
    });
    const secret = Object.keys(full.findResources("AWS::SecretsManager::Secret"))[0]!;
    const readers = allRoleIds(full).filter((role) =>
      roleStatements(full, role).some((s) => s.Resource.includes(`<Ref ${secret}>`)),
    );
    expect(readers).toEqual([roleOf(full, fn(full, LAMBDA_HANDLERS.api))]);
  });
});

describe("alarms", () => {
  const metricsOf = (t: Template) =>
    Object.values(t.findResources("AWS::CloudWatch::Alarm")).flatMap((a) => {
      const p = a.Properties;
      if (p.MetricName) return [`${p.Namespace}/${p.MetricName}`];
      return (p.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[])
        .filter((m) => m.MetricStat)
        .map((m) => `${m.MetricStat!.Metric.Namespace}/${m.MetricStat!.Metric.MetricName}`);
    });

  it("watch API 5xx, function errors and throttles, and store throttles, and notify the topic", () => {
    expect(metricsOf(full).sort()).toEqual(
      [
        "AWS/ApiGateway/5xx",
        "AWS/Lambda/Errors",
        "AWS/Lambda/Errors",
        "AWS/Lambda/Throttles",
        "AWS/Lambda/Throttles",
        "AWS/DynamoDB/ReadThrottleEvents",
        "AWS/DynamoDB/WriteThrottleEvents",
      ].sort(),
    );
    const topic = Object.keys(full.findResources("AWS::SNS::Topic"))[0]!;
    for (const alarm of Object.values(full.findResources("AWS::CloudWatch::Alarm"))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it("e-mail the configured address, and nobody when none is configured", () => {
    full.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "platform-oncall@example.com",
    });
    minimal.resourceCountIs("AWS::SNS::Subscription", 0);
  });
});
