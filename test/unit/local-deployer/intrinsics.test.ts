// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings use ${...} by design.
import { describe, expect, it } from "vitest";
import type { Template } from "../../../api/deployments/port.js";
import {
  evaluateConditions,
  type ResolveContext,
  referencedIds,
  resolve,
  TemplateError,
} from "../../../api/local/deployer/intrinsics.js";
import { creationOrder } from "../../../api/local/deployer/order.js";

const ctx: ResolveContext = {
  params: {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "000000000000",
    Env: "dev",
    Subnets: ["subnet-1", "subnet-2"],
  },
  ref: (id) => `${id}-physical`,
  getAtt: (id, attr) => {
    if (attr !== "Arn") throw new TemplateError(`no ${attr}`);
    return `arn:aws:x:eu-west-1:000000000000:${id}`;
  },
  conditions: { IsDev: true, IsProd: false },
  mappings: { Sizes: { dev: { Memory: 128 } } },
  region: "eu-west-1",
};

describe("intrinsic functions", () => {
  it("resolves Ref to parameters, pseudo parameters and resources", () => {
    expect(resolve({ Ref: "Env" }, ctx)).toBe("dev");
    expect(resolve({ Ref: "AWS::Region" }, ctx)).toBe("eu-west-1");
    expect(resolve({ Ref: "Bus" }, ctx)).toBe("Bus-physical");
  });

  it("resolves Fn::GetAtt in list and dotted form", () => {
    expect(resolve({ "Fn::GetAtt": ["Bus", "Arn"] }, ctx)).toBe("arn:aws:x:eu-west-1:000000000000:Bus");
    expect(resolve({ "Fn::GetAtt": "Bus.Arn" }, ctx)).toBe("arn:aws:x:eu-west-1:000000000000:Bus");
    expect(() => resolve({ "Fn::GetAtt": ["Bus", "Nope"] }, ctx)).toThrow(/no Nope/);
  });

  it("resolves Fn::Sub with pseudo parameters, attributes, variables and ${!Literal}", () => {
    expect(resolve({ "Fn::Sub": "arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/${Env}" }, ctx)).toBe(
      "arn:aws:events:eu-west-1:000000000000:rule/dev",
    );
    expect(resolve({ "Fn::Sub": "${Bus.Arn}|${Bus}" }, ctx)).toBe(
      "arn:aws:x:eu-west-1:000000000000:Bus|Bus-physical",
    );
    expect(resolve({ "Fn::Sub": ["${Greeting}-${!Literal}", { Greeting: { Ref: "Env" } }] }, ctx)).toBe(
      "dev-${Literal}",
    );
  });

  it("resolves Join, Select, Split, FindInMap and Base64", () => {
    expect(resolve({ "Fn::Join": [",", { Ref: "Subnets" }] }, ctx)).toBe("subnet-1,subnet-2");
    expect(resolve({ "Fn::Select": [1, { "Fn::Split": ["|", "a|b|c"] }] }, ctx)).toBe("b");
    expect(() => resolve({ "Fn::Select": [5, ["a"]] }, ctx)).toThrow(TemplateError);
    expect(resolve({ "Fn::FindInMap": ["Sizes", { Ref: "Env" }, "Memory"] }, ctx)).toBe(128);
    expect(resolve({ "Fn::Base64": "hi" }, ctx)).toBe("aGk=");
  });

  it("resolves Fn::If, dropping properties and list items set to AWS::NoValue", () => {
    const props = {
      Memory: { "Fn::If": ["IsProd", 1024, 128] },
      Tracing: { "Fn::If": ["IsProd", "Active", { Ref: "AWS::NoValue" }] },
      List: ["a", { "Fn::If": ["IsDev", "b", { Ref: "AWS::NoValue" }] }, { Ref: "AWS::NoValue" }],
    };
    expect(resolve(props, ctx)).toEqual({ Memory: 128, List: ["a", "b"] });
  });

  it("evaluates Conditions, including ones that use others", () => {
    const conditions = evaluateConditions(
      {
        IsDev: { "Fn::Equals": [{ Ref: "Env" }, "dev"] },
        NotDev: { "Fn::Not": [{ Condition: "IsDev" }] },
        Either: { "Fn::Or": [{ Condition: "NotDev" }, { Condition: "IsDev" }] },
        Both: { "Fn::And": [{ Condition: "NotDev" }, { Condition: "IsDev" }] },
      },
      ctx,
    );
    expect(conditions).toEqual({ IsDev: true, NotDev: false, Either: true, Both: false });
  });

  it("refuses functions it cannot evaluate locally by name", () => {
    expect(() => resolve({ "Fn::Cidr": ["10.0.0.0/16", 2, 8] }, ctx)).toThrow(
      "Fn::Cidr is not supported by the local deployer",
    );
    expect(() => resolve({ "Fn::ImportValue": "x" }, ctx)).toThrow("No export named x found");
  });

  it("finds the resources a value refers to", () => {
    const value = {
      A: { Ref: "Bus" },
      B: { "Fn::GetAtt": "Role.Arn" },
      C: { "Fn::Sub": ["${Queue.Arn}/${AWS::Region}/${!Skip}/${Var}", { Var: { Ref: "Topic" } }] },
    };
    expect([...referencedIds(value)].sort()).toEqual(["Bus", "Queue", "Role", "Topic"]);
  });
});

describe("dependency order", () => {
  it("puts every resource after what it refers to or DependsOn", () => {
    const template: Template = {
      Resources: {
        Rule: {
          Type: "AWS::Events::Rule",
          Properties: { EventBusName: { Ref: "Bus" }, Targets: [{ Arn: { "Fn::GetAtt": ["Fn", "Arn"] } }] },
        },
        Fn: { Type: "AWS::Lambda::Function", Properties: { Role: { "Fn::GetAtt": ["Role", "Arn"] } } },
        Role: { Type: "AWS::IAM::Role", DependsOn: "Bus" },
        Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "b" } },
      },
    };
    expect(creationOrder(template)).toEqual(["Bus", "Role", "Fn", "Rule"]);
  });

  it("names the resources of a circular dependency", () => {
    const template: Template = {
      Resources: {
        A: { Type: "X::Y::Z", Properties: { P: { Ref: "B" } } },
        B: { Type: "X::Y::Z", Properties: { P: { "Fn::GetAtt": ["A", "Arn"] } } },
      },
    };
    expect(() => creationOrder(template)).toThrow("Circular dependency between resources: [A, B, A]");
  });
});
