/**
 * In AWS the deploy role may only touch stacks and resources named with the stack prefix (infra/):
 * a stage's stack is `<prefix><project>-<stage>` and every physical name in it starts with that.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CompileResult,
  type CompileTarget,
  ConfigValidationError,
  compile,
  SCOPED_NAMES,
} from "../../../api/compiler/index.js";
import { type Config, loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

const PREFIXED: CompileTarget = { project: "shop", stage: "prod", region: "eu-west-1", stackPrefix: "sy-" };

function load(yaml: string): Config {
  const loaded = loadConfig(yaml, { format: "yaml" });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

function compileErrors(yaml: string, target: CompileTarget = PREFIXED) {
  try {
    compile(load(yaml), target);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected a ConfigValidationError");
}

/** Every name-scoped resource's name: [logical ID, type, name]. */
function scopedNames(result: CompileResult): [string, string, unknown][] {
  return Object.entries(result.template.Resources).flatMap(([id, r]) => {
    const scoped = SCOPED_NAMES[r.Type];
    return scoped ? [[id, r.Type, r.Properties?.[scoped.property]] as [string, string, unknown]] : [];
  });
}

const FIXTURES = readdirSync("test/fixtures/configs").map((f) => f.replace(/\.yaml$/, ""));
/** Partner buses cannot carry a prefix (refused below); the rest of that fixture is checked. */
function fixtureWithoutPartnerBuses(name: string): Config {
  const config = load(readFileSync(`test/fixtures/configs/${name}.yaml`, "utf8"));
  for (const [key, resource] of Object.entries(config.resources)) {
    if (resource.type === "event-bus" && resource.properties?.eventSourceName) delete config.resources[key];
  }
  return config;
}

describe("a stage compiled with the stack prefix", () => {
  it("names the stack <prefix><project>-<stage> and tags it with the project as the user knows it", () => {
    const result = compile(load("resources:\n  orders:\n    type: event-bus\n"), PREFIXED);
    const tags = Object.fromEntries(result.stackTags.map((t) => [t.Key, t.Value]));
    expect(tags["switchyard:stack-name"]).toBe("sy-shop-prod");
    expect(tags["switchyard:project-name"]).toBe("shop");
    expect(tags["switchyard:stage"]).toBe("prod");
    expect(result.template.Resources.OrdersEventBus!.Properties!.Name).toBe("sy-shop-prod-orders");
  });

  for (const fixture of FIXTURES) {
    it(`gives every name-scoped resource of ${fixture} a name starting with the stack name`, () => {
      const result = compile(fixtureWithoutPartnerBuses(fixture), PREFIXED);
      const names = scopedNames(result);
      expect(names.length).toBeGreaterThan(0);
      for (const [id, type, name] of names) {
        expect(typeof name, `${id} (${type})`).toBe("string");
        expect((name as string).replace(/^\/aws\/(lambda|vendedlogs)\//, ""), `${id} (${type})`).toMatch(
          /^sy-shop-prod-/,
        );
      }
      expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
    });
  }

  it("names Step Functions state machines and Batch resources explicitly, which CloudFormation would not prefix", () => {
    const result = compile(fixtureWithoutPartnerBuses("batch-job"), PREFIXED);
    const byType = (type: string) =>
      scopedNames(result)
        .filter(([, t]) => t === type)
        .map(([, , name]) => name);
    for (const type of [
      "AWS::StepFunctions::StateMachine",
      "AWS::Batch::ComputeEnvironment",
      "AWS::Batch::JobQueue",
      "AWS::Batch::JobDefinition",
      "AWS::IAM::InstanceProfile",
      "AWS::Logs::LogGroup",
    ]) {
      expect(byType(type).length, type).toBeGreaterThan(0);
      // A trigger function's log group is Lambda's own: /aws/lambda/<function>.
      for (const name of byType(type))
        expect(String(name).replace(/^\/aws\/lambda\//, ""), type).toMatch(/^sy-shop-prod-/);
    }
  });

  it("keeps the prefix when a long stack name is cut at each AWS limit, and keeps names apart by their hash", () => {
    const yaml = [
      "resources:",
      ...["A", "B"].flatMap((n) => [
        `  ordersBusWithAVeryLongDescriptiveName${n}:`,
        "    type: event-bus",
        "    properties: { archivation: { enabled: true } }",
        `  fulfilmentQueueWithAVeryLongDescriptiveName${n}:`,
        "    type: sqs-queue",
        "    properties:",
        "      fifoEnabled: true",
        "      events:",
        "        - type: event-bus",
        `          properties: { eventBusName: ordersBusWithAVeryLongDescriptiveName${n}, eventPattern: { source: [shop] }, messageGroupId: g }`,
        `  nightlyReportJobWithAVeryLongDescriptiveNameXx${n}:`,
        "    type: batch-job",
        "    properties:",
        "      container: { packaging: { type: prebuilt-image, properties: { image: public.ecr.aws/x/r:1 } } }",
        "      resources: { cpu: 1, memory: 2048 }",
        "      events:",
        "        - type: event-bus",
        `          properties: { eventBusName: ordersBusWithAVeryLongDescriptiveName${n}, eventPattern: { source: [shop] } }`,
      ]),
    ].join("\n");
    const target = { ...PREFIXED, project: "fulfilment-platform", stage: "eu-central" };
    const result = compile(load(yaml), target);
    const names = scopedNames(result);
    // A cut name ends with a hash of the whole name (before the region of a role, or a queue's .fifo).
    const cut = names.filter(([, , name]) => /-[0-9a-f]{6}(-eu-west-1|\.fifo)?$/.test(name as string));
    // Archives (48), rules (64), roles (64), FIFO queues (80) and state machines (80) are all cut here.
    expect(new Set(cut.map(([, type]) => type))).toEqual(
      new Set([
        "AWS::Events::Archive",
        "AWS::Events::Rule",
        "AWS::IAM::Role",
        "AWS::SQS::Queue",
        "AWS::StepFunctions::StateMachine",
      ]),
    );
    for (const [id, type, name] of names) {
      const text = name as string;
      expect(text.length, id).toBeLessThanOrEqual(SCOPED_NAMES[type]!.limit);
      expect(text.replace(/^\/aws\/lambda\//, ""), id).toMatch(/^sy-fulfilment-platform-/);
    }
    const perType = new Map<string, Set<unknown>>();
    for (const [, type, name] of names) perType.set(type, (perType.get(type) ?? new Set()).add(name));
    for (const [type, set] of perType) {
      expect(set.size, type).toBe(names.filter(([, t]) => t === type).length);
    }
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
  });

  it("completes role names with the region at deploy time when the region is not known, prefix first", () => {
    const result = compile(fixtureWithoutPartnerBuses("seed"), { ...PREFIXED, region: undefined });
    const roles = scopedNames(result).filter(([, type]) => type === "AWS::IAM::Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const [id, , name] of roles) {
      const text = (name as { "Fn::Sub": string })["Fn::Sub"];
      expect(text, id).toMatch(/^sy-shop-prod-.*-\$\{AWS::Region\}$/);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
      expect(text.length - "${AWS::Region}".length + "ap-southeast-3".length, id).toBeLessThanOrEqual(64);
    }
  });
});

describe("names a config sets itself", () => {
  const raw = (resource: string) =>
    `resources:\n  orders:\n    type: event-bus\ncloudformationResources:\n${resource}`;

  it("get one from the stack when a name-scoped raw resource has none", () => {
    const result = compile(
      load(
        raw(
          "  AuditQueue:\n    Type: AWS::SQS::Queue\n  AuditFifo:\n    Type: AWS::SQS::Queue\n    Properties: { FifoQueue: true }\n  AuditRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }\n",
        ),
      ),
      PREFIXED,
    );
    const props = (id: string) => result.template.Resources[id]!.Properties!;
    expect(props("AuditQueue").QueueName).toBe("sy-shop-prod-AuditQueue");
    expect(props("AuditFifo").QueueName).toBe("sy-shop-prod-AuditFifo.fifo");
    expect(props("AuditRole").RoleName).toBe("sy-shop-prod-AuditRole-eu-west-1");
  });

  it("are refused when they do not start with the prefix, at the property that sets them", () => {
    const errors = compileErrors(
      raw(
        "  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      StateMachineName: nightly-machine\n      RoleArn: arn:aws:iam::123456789012:role/x\n      DefinitionString: '{}'\n",
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe("cloudformationResources.Machine.Properties.StateMachineName");
    expect(errors[0]!.message).toContain('"nightly-machine"');
    expect(errors[0]!.message).toContain('starting with "sy-"');
    expect(errors[0]!.message).toContain("sy-shop-prod-");
  });

  it("are accepted when they start with the stack name, literally or through Fn::Sub of AWS::StackName", () => {
    const result = compile(
      load(
        raw(
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
          "  Literal:\n    Type: AWS::SQS::Queue\n    Properties: { QueueName: sy-shop-prod-audit }\n  Substituted:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: { 'Fn::Sub': '${AWS::StackName}-audit' }\n",
        ),
      ),
      PREFIXED,
    );
    expect(result.template.Resources.Literal!.Properties!.QueueName).toBe("sy-shop-prod-audit");
  });

  it("are refused when they take another stack's name, or cannot be read before deployment", () => {
    const errors = compileErrors(
      raw(
        [
          "  Squat:",
          "    Type: AWS::Logs::LogGroup",
          "    Properties: { LogGroupName: /aws/lambda/sy-billing-prod-charge }",
          "  Joined:",
          "    Type: AWS::SQS::Queue",
          "    Properties:",
          "      QueueName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, audit]] }",
          "",
        ].join("\n"),
      ),
    );
    expect(errors.map((e) => e.path)).toEqual([
      "cloudformationResources.Squat.Properties.LogGroupName",
      "cloudformationResources.Joined.Properties.QueueName",
    ]);
    expect(errors[0]!.message).toContain('must start with "sy-shop-prod-"');
  });

  it("are refused when an override renames a compiled resource outside the prefix", () => {
    const yaml =
      "resources:\n  api:\n    type: function\n    properties:\n      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/api.ts } }\n    overrides:\n      ApiFunction: { FunctionName: legacy-api }\n";
    const errors = compileErrors(yaml);
    expect(errors.map((e) => e.path)).toEqual(["resources.api.overrides.ApiFunction.FunctionName"]);
    // Locally (no prefix) nothing scopes names, so the same config compiles.
    expect(compile(load(yaml), { ...PREFIXED, stackPrefix: undefined }).template).toBeDefined();
  });

  it("cannot be a partner bus's under a prefix: its name is its event source's", () => {
    const yaml =
      "resources:\n  partner:\n    type: event-bus\n    properties: { eventSourceName: aws.partner/example.com/123/feed }\n";
    const errors = compileErrors(yaml);
    expect(errors.map((e) => e.path)).toEqual(["resources.partner.properties.eventSourceName"]);
    expect(errors[0]!.message).toContain("eventBusArn");
    const local = compile(load(yaml), { ...PREFIXED, stackPrefix: "" });
    expect(local.template.Resources.PartnerEventBus!.Properties!.Name).toBe(
      "aws.partner/example.com/123/feed",
    );
  });
});
