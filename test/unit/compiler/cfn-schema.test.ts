import { describe, expect, it } from "vitest";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

const bus = { Type: "AWS::Events::EventBus", Properties: { Name: "b" } };

describe("validateTemplateAgainstRegistry", () => {
  it("accepts a valid template with parameters, pseudo parameters, Sub and GetAtt", () => {
    expect(
      validateTemplateAgainstRegistry({
        Parameters: { Code: { Type: "String" } },
        Resources: {
          Bus: bus,
          Rule: {
            Type: "AWS::Events::Rule",
            Properties: {
              EventBusName: { "Fn::GetAtt": ["Bus", "Arn"] },
              EventPattern: { source: ["a"] },
              State: "ENABLED",
              Targets: [
                {
                  Id: "t",
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
                  Arn: { "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Code}" },
                },
              ],
            },
          },
        },
        Outputs: { BusName: { Value: { "Fn::GetAtt": "Bus.Name" } } },
      }),
    ).toEqual([]);
  });

  it("reports unknown types, unknown and missing properties, wrong types and disallowed values", () => {
    expect(
      validateTemplateAgainstRegistry({
        Resources: {
          A: { Type: "AWS::Events::Buss", Properties: {} },
          B: { Type: "AWS::Events::EventBus", Properties: { Nme: "x" } },
          C: {
            Type: "AWS::Events::Rule",
            Properties: { State: "ON", Targets: [{ Id: "t" }], Description: ["x"] },
          },
          D: { Type: "AWS::SQS::Queue", Properties: { DelaySeconds: 1.5, FifoQueue: "maybe" } },
        },
      }),
    ).toEqual([
      "Resources.A: unknown resource type AWS::Events::Buss.",
      "Resources.B.Properties: required property Name is missing.",
      expect.stringMatching(/^Resources\.B\.Properties: unknown property Nme \(valid: .*Name/),
      'Resources.C.Properties.State: "ON" is not one of DISABLED, ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.',
      "Resources.C.Properties.Targets[0]: required property Arn is missing.",
      "Resources.C.Properties.Description: expected a string, got a list.",
      "Resources.D.Properties.DelaySeconds: expected an integer, got number.",
      "Resources.D.Properties.FifoQueue: expected a boolean, got string.",
    ]);
  });

  it("reports dangling Ref, GetAtt, Sub and DependsOn targets and unknown attributes", () => {
    expect(
      validateTemplateAgainstRegistry({
        Resources: {
          Bus: { ...bus, DependsOn: ["Nothing"] },
          Archive: {
            Type: "AWS::Events::Archive",
            Properties: {
              SourceArn: { "Fn::GetAtt": ["Bus", "Url"] },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
              Description: { "Fn::Sub": "${Missing.Arn} ${AWS::Nope}" },
            },
          },
        },
        Outputs: { X: { Value: { Ref: "Ghost" } } },
      }),
    ).toEqual([
      "Resources.Bus.DependsOn: Nothing is not a resource.",
      "Resources.Archive.Properties.SourceArn: AWS::Events::EventBus has no attribute Url (valid: Policy, Arn, Name).",
      "Resources.Archive.Properties.Description.Fn::Sub: GetAtt of Missing, which is not a resource.",
      "Resources.Archive.Properties.Description.Fn::Sub: unknown pseudo parameter AWS::Nope.",
      "Outputs.X.Value: Ref to Ghost, which is neither a resource nor a parameter.",
    ]);
  });

  it("enforces the template limits", () => {
    const longBus = { Type: "AWS::Events::EventBus", Properties: { Name: "b".repeat(100) } };
    const resources = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`Bus${i}`, longBus]));
    const outputs = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`O${i}`, { Value: "x" }]));
    const errors = validateTemplateAgainstRegistry({ Resources: resources, Outputs: outputs });
    expect(errors).toEqual([
      "Resources: 501 resources; the limit is 500.",
      "Outputs: 201 outputs; the limit is 200.",
      expect.stringMatching(/^Template body: \d+ bytes; the inline limit is 51200\.$/),
    ]);
  });
});
