/**
 * The tenant namespace check on compiled templates (api/compiler/tenancy): what team t's stacks may
 * name, case by case, through compile() with raw resources and overrides as a hostile config writes
 * them. test/security/bus-hijack.test.ts runs the attacks end to end over HTTP.
 */
import { describe, expect, it } from "vitest";
import { ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { matchesPattern, type TenantScope } from "../../../api/compiler/tenancy/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

const ACCOUNT = "000000000000";
const OTHER_BUS = "u--shop--dev-orders";
const OTHER_BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${OTHER_BUS}`;

function scope(extra: Partial<TenantScope> = {}): TenantScope {
  return {
    team: "t",
    namePrefixes: ["t--"],
    account: ACCOUNT,
    region: "us-east-1",
    sharedBuses: [],
    allowed: [],
    ...extra,
  };
}

/** Compiles `resources` (YAML, indented under `resources:`) plus raw resources as JSON for team t. */
function problems(config: Record<string, unknown>, tenancy = scope()): { path: string; message: string }[] {
  const loaded = loadConfig(config);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  try {
    const result = compile(loaded.config, { project: "p", stage: "dev", stackName: "t--p--dev", tenancy });
    expect(validateTemplateAgainstRegistry(result.template)).toEqual([]);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return err.errors.map(({ path, message }) => ({ path, message }));
  }
}

const queue = { inbox: { type: "sqs-queue" } };
const raw = (Type: string, Properties: Record<string, unknown>) => ({
  resources: queue,
  cloudformationResources: { Raw: { Type, Properties } },
});
const rule = (props: Record<string, unknown>) =>
  raw("AWS::Events::Rule", {
    EventPattern: { source: ["x"] },
    Targets: [{ Id: "inbox", Arn: { "Fn::GetAtt": ["InboxQueue", "Arn"] } }],
    ...props,
  });
const role = (statements: unknown[]) =>
  raw("AWS::IAM::Role", {
    AssumeRolePolicyDocument: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    },
    Policies: [{ PolicyName: "p", PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
  });
const paths = (list: { path: string }[]) => list.map((p) => p.path);

describe("names and references the check evaluates", () => {
  it("resolves Fn::Sub, Fn::Join and both branches of Fn::If into the names they build", () => {
    const sub = {
      "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${OTHER_BUS}`,
    };
    const join = {
      "Fn::Join": [
        ":",
        ["arn", { Ref: "AWS::Partition" }, "events", "us-east-1", ACCOUNT, `event-bus/${OTHER_BUS}`],
      ],
    };
    const either = { "Fn::If": ["Cond", "t--p--dev-own", OTHER_BUS] };
    for (const EventBusName of [sub, join, either]) {
      expect(paths(problems(rule({ EventBusName })))).toEqual([
        "cloudformationResources.Raw.Properties.EventBusName",
      ]);
    }
    // Names built from the stack's own name, or its own resources, are the team's.
    expect(problems(rule({ EventBusName: { "Fn::Sub": `\${AWS::StackName}-mine` } }))).toEqual([]);
    expect(
      problems(rule({ Name: { "Fn::Sub": `\${AWS::StackName}-rule` }, EventBusName: "t--other--dev-bus" })),
    ).toEqual([]);
  });

  it("refuses what cannot be resolved where a name goes: imports, parameters, dynamic references, custom resources", () => {
    for (const EventBusName of [
      { "Fn::ImportValue": "someone-BusArn" },
      { "Fn::Select": [0, ["a", "b"]] },
      "{{resolve:ssm:/bus/name}}",
      { Ref: "NoSuchParameter" },
    ]) {
      const found = problems(rule({ EventBusName }));
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toContain("cannot be resolved");
    }
  });

  it("takes a missing EventBusName (or AWS::NoValue) for the account's default bus, which needs an admin's allowance", () => {
    expect(paths(problems(rule({})))).toEqual(["cloudformationResources.Raw.Properties.EventBusName"]);
    expect(paths(problems(rule({ EventBusName: { Ref: "AWS::NoValue" } })))).toHaveLength(1);
    const allowed = scope({ allowed: ["arn:aws:events:*:*:event-bus/default"] });
    expect(problems(rule({}), allowed)).toEqual([]);
  });

  it("treats event patterns, target input and environment as data, and checks ARNs inside other text", () => {
    expect(
      problems(rule({ EventBusName: "t--p--dev-own", EventPattern: { resources: [OTHER_BUS_ARN] } })),
    ).toEqual([]);
    const definition = raw("AWS::StepFunctions::StateMachine", {
      RoleArn: { "Fn::Sub": `arn:aws:iam::${ACCOUNT}:role/t--p--dev-sm` },
      DefinitionString: JSON.stringify({
        StartAt: "A",
        States: {
          A: {
            Type: "Task",
            Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:u--shop--dev-charge`,
            End: true,
          },
        },
      }),
    });
    const found = problems(definition);
    expect(paths(found)).toEqual(["cloudformationResources.Raw.Properties.DefinitionString"]);
    expect(found[0]!.message).toContain('function "u--shop--dev-charge"');
  });
});

describe("IAM statements", () => {
  it("allow ARNs in the namespace, wildcards after its prefix, and AWS's own policies", () => {
    expect(
      problems(
        role([
          {
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:t--p--dev-inbox`,
          },
          {
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: `arn:aws:events:*:${ACCOUNT}:event-bus/t--*`,
          },
          { Effect: "Allow", Action: ["xray:PutTraceSegments", "s3:GetObject"], Resource: "*" },
          { Effect: "Deny", Action: "*", Resource: "*" },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuse another team\'s ARN, "*" for actions on named services, NotResource, and other accounts', () => {
    const found = problems(
      role([
        { Effect: "Allow", Action: "events:PutEvents", Resource: OTHER_BUS_ARN },
        { Effect: "Allow", Action: "sqs:*", Resource: "*" },
        {
          Effect: "Allow",
          Action: "lambda:InvokeFunction",
          Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`,
        },
        {
          Effect: "Allow",
          Action: "events:PutEvents",
          NotResource: "arn:aws:events:us-east-1:0:event-bus/x",
        },
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:theirs" },
      ]),
    );
    const base = "cloudformationResources.Raw.Properties.Policies.0.PolicyDocument.Statement";
    expect(paths(found)).toEqual([
      `${base}.0.Resource`,
      `${base}.1.Resource`,
      `${base}.2.Resource`,
      `${base}.3`,
      `${base}.4.Resource`,
    ]);
    expect(found[4]!.message).toContain("account 111122223333");
  });
});

describe("a bus shared with the team", () => {
  const shared = (access: ("subscribe" | "publish")[]) =>
    scope({ sharedBuses: [{ arn: OTHER_BUS_ARN, access }] });
  const publishGrant = role([{ Effect: "Allow", Action: "events:PutEvents", Resource: OTHER_BUS_ARN }]);
  const forward = raw("AWS::Events::Rule", {
    EventBusName: "t--p--dev-own",
    EventPattern: { source: ["x"] },
    Targets: [{ Id: "fwd", Arn: OTHER_BUS_ARN }],
  });

  it("takes rules with subscribe, and only that", () => {
    expect(problems(rule({ EventBusName: OTHER_BUS_ARN }), shared(["subscribe"]))).toEqual([]);
    expect(problems(publishGrant, shared(["subscribe"]))[0]!.message).toContain(
      "to subscribe, not to publish",
    );
    expect(problems(forward, shared(["subscribe"]))).toHaveLength(1);
  });

  it("takes events with publish (a grant or a rule target), and never a change to the bus", () => {
    expect(problems(publishGrant, shared(["publish"]))).toEqual([]);
    expect(problems(forward, shared(["publish"]))).toEqual([]);
    expect(problems(rule({ EventBusName: OTHER_BUS_ARN }), shared(["publish"]))).toHaveLength(1);
    const policy = raw("AWS::Events::EventBusPolicy", {
      EventBusName: OTHER_BUS,
      StatementId: "open",
      Statement: { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: OTHER_BUS_ARN },
    });
    expect(paths(problems(policy, shared(["subscribe", "publish"])))).toContain(
      "cloudformationResources.Raw.Properties.EventBusName",
    );
  });
});

describe("resources that point at others by name", () => {
  it("refuse another team's queue, function and role", () => {
    const queuePolicy = raw("AWS::SQS::QueuePolicy", {
      Queues: [`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/u--shop--dev-jobs`],
      PolicyDocument: { Version: "2012-10-17", Statement: [] },
    });
    const permission = raw("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      FunctionName: "u--shop--dev-charge",
      Principal: "events.amazonaws.com",
    });
    const rolePolicy = raw("AWS::IAM::Policy", {
      PolicyName: "more",
      Roles: ["u--shop--dev-worker-us-east-1"],
      PolicyDocument: { Version: "2012-10-17", Statement: [] },
    });
    expect(paths(problems(queuePolicy))).toEqual(["cloudformationResources.Raw.Properties.Queues.0"]);
    expect(paths(problems(permission))).toEqual(["cloudformationResources.Raw.Properties.FunctionName"]);
    expect(paths(problems(rolePolicy))).toEqual(["cloudformationResources.Raw.Properties.Roles.0"]);
  });

  it("locates an override's problem at the override, and leaves compiled templates of the team's own alone", () => {
    const found = problems({
      resources: {
        inbox: {
          type: "sqs-queue",
          overrides: { InboxQueue: { QueueName: "u--shop--dev-jobs" } },
        },
      },
    });
    expect(paths(found)).toEqual(["resources.inbox.overrides.InboxQueue.QueueName"]);
  });
});

describe("ARN patterns of an allow-list", () => {
  it("match with * as any run of characters and nothing else", () => {
    expect(
      matchesPattern("arn:aws:events:*:*:event-bus/default", "arn:aws:events:eu-west-1:1:event-bus/default"),
    ).toBe(true);
    expect(
      matchesPattern("arn:aws:events:*:*:event-bus/default", "arn:aws:events:eu-west-1:1:event-bus/defaults"),
    ).toBe(false);
    expect(matchesPattern("arn:*:sqs:*:1:a*b", "arn:aws:sqs:x:1:ab")).toBe(true);
    expect(matchesPattern("arn:*:sqs:*:1:a*b", "arn:aws:sqs:x:1:abc")).toBe(false);
    expect(matchesPattern("a?b", "axb")).toBe(false);
  });
});
