// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings use ${...} by design.
/**
 * A bus's event sample (`switchyardEventSample`, api/resources/event-bus/sample.ts): a catch-all
 * rule to a CloudWatch Logs group under `/aws/events/`, whose own resource policy lets EventBridge
 * write for that rule only; valid CloudFormation, inside the team's namespace, refused when hostile.
 */
import { describe, expect, it } from "vitest";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const config = (sample: string) => `resources:
  orders:
    type: event-bus
    properties:
      switchyardEventSample: ${sample}
`;
const AWS = { ...TARGET, stackPrefix: "sy-", stackName: "sy-a--shop--dev", tenancy: scopeOf("sy-a") };

describe("a bus's event sample", () => {
  it("compiles to a catch-all rule on the bus that writes every event to /aws/events/<bus>", () => {
    const { template, problems } = outcome(config("{ enabled: true, retentionDays: 3 }"), AWS);
    expect(problems).toEqual([]);
    const r = template!.Resources;
    expect(r.OrdersEventSampleRule).toEqual({
      Type: "AWS::Events::Rule",
      Properties: {
        Name: "sy-a--shop--dev-orders-event-sample",
        Description: expect.any(String),
        EventBusName: { Ref: "OrdersEventBus" },
        EventPattern: { source: [{ prefix: "" }] },
        State: "ENABLED",
        Targets: [
          {
            Id: "event-sample",
            Arn: {
              "Fn::Sub": [
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroup}",
                { LogGroup: { Ref: "OrdersEventSampleLogGroup" } },
              ],
            },
          },
        ],
      },
    });
    expect(r.OrdersEventSampleLogGroup).toEqual({
      Type: "AWS::Logs::LogGroup",
      Properties: {
        LogGroupName: "/aws/events/sy-a--shop--dev-orders",
        RetentionInDays: 3,
        ResourcePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: [
                {
                  "Fn::Sub":
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/events/sy-a--shop--dev-orders:*",
                },
              ],
              Condition: {
                ArnEquals: {
                  "aws:SourceArn": {
                    "Fn::Sub":
                      "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/sy-a--shop--dev-orders/sy-a--shop--dev-orders-event-sample",
                  },
                },
              },
            },
          ],
        },
      },
    });
    expect(validateTemplateAgainstRegistry(template)).toEqual([]);
  });

  it("keeps events 7 days by default, and adds nothing when not enabled", () => {
    const on = outcome(config("{ enabled: true }"), AWS).template!.Resources;
    expect(on.OrdersEventSampleLogGroup!.Properties!.RetentionInDays).toBe(7);
    const off = outcome(config("{ enabled: false }"), AWS).template!.Resources;
    expect(Object.keys(off).filter((id) => id.includes("EventSample"))).toEqual([]);
  });

  it("refuses a retention CloudWatch Logs does not offer, and unknown members, at their paths", () => {
    const { problems } = outcome(config("{ enabled: true, retentionDays: 2, maxEvents: 5 }"), AWS);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "resources.orders.properties.switchyardEventSample.retentionDays",
        expect.stringContaining("resources.orders.properties.switchyardEventSample"),
      ]),
    );
    expect(problems.find((p) => p.path.endsWith("retentionDays"))!.message).toMatch(/one of 1, 3, 5, 7/);
  });

  it("counts as one of the bus's 300 rules", () => {
    const triggers = Array.from(
      { length: 300 },
      (_, i) => `  q${i}:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusName: orders
            eventPattern: { source: [s${i}] }
`,
    ).join("");
    const { problems } = outcome(`${config("{ enabled: true }")}${triggers}`, AWS);
    expect(problems).toEqual([
      {
        path: "resources.q299.properties.events.0.properties.eventBusName",
        message: expect.stringMatching(/301 rules .*switchyardEventSample/),
      },
    ]);
    // Without the sample the 300 triggers fit the bus (the template's own limits are another matter).
    const without = outcome(`${config("{ enabled: false }")}${triggers}`, AWS).problems;
    expect(without.filter((p) => /rules per event bus/.test(p.message))).toEqual([]);
  });

  it("holds a log group resource policy to the team's namespace, as any other policy", () => {
    const raw = `resources:
  orders:
    type: event-bus
cloudformationResources:
  Spy:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/events/sy-a--shop--dev-spy
      ResourcePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: [logs:PutLogEvents]
            Resource: arn:aws:logs:eu-west-1:123456789012:log-group:/aws/events/sy-b--shop--dev-orders:*
`;
    const { problems } = outcome(raw, AWS);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toMatch(/^cloudformationResources\.Spy/);
    expect(problems[0]!.message).toMatch(/sy-b--shop--dev-orders.*outside/);
  });
});
