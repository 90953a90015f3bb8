/**
 * #15 §5, cross-tenant bus hijack: team B subscribes to team A's deployed bus through
 * `eventBusArn`, or points its own rule's `Name`/`EventBusName` at A's rule through `overrides`, or
 * writes the rule raw, or aims a target or a grant at A's bus. Before the tenant check B's deployment
 * added its rule to A's bus, or replaced A's rule. Now each is refused before anything is deployed,
 * located at the config element that names A's resource, and A's bus and rules stay as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import {
  type Bystander,
  bystanderTeam,
  expectProblem,
  type Hostile,
  hostileTeam,
  refusedEverywhere,
} from "./support.js";

let server: TestServer;
let a: Bystander;
let b: Hostile;
/** A's bus and its rule (the seed's batch-job subscription), as A's stage shows them. */
let busArn: string;
let busName: string;
let ruleName: string;

beforeAll(async () => {
  server = await startTestServer();
  a = await bystanderTeam(server);
  b = await hostileTeam(server);
  busArn = a.stage.outputs.myEventBus.arn;
  busName = busArn.split(":event-bus/")[1]!;
  const rules = await bodyOf(
    await server.fetch(`${a.stagePath}/buses/myEventBus/rules`, jsonRequest(a.key, "GET")),
  );
  ruleName = rules.rules[0].name;
  expect(ruleName.startsWith(`${a.team}--`)).toBe(true);
});
afterAll(() => server.close());

/** B's config must be refused by preview, deploy and validate alike, with nothing started. */
const deployRefused = (yaml: string) => refusedEverywhere(server, b, yaml);

const queueOn = (busLine: string) => `resources:
  spy:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            ${busLine}
            eventPattern:
              source: [my.app]
`;

describe("team B without a share", () => {
  it("cannot attach a rule to A's bus through eventBusArn", async () => {
    const errors = await deployRefused(queueOn(`eventBusArn: ${busArn}`));
    expect(errors).toEqual([
      expect.objectContaining({
        path: "resources.spy.properties.events.0.properties.eventBusArn",
        line: 8,
        column: 13,
      }),
    ]);
    expect(errors[0]!.message).toContain(`AWS::Events::Rule SpyEvent0Rule`);
    expect(errors[0]!.message).toContain(`"${busName}"`);
    expect(errors[0]!.message).toContain("not shared");
    await a.assertUntouched();
  });

  it("cannot take over A's rule by overriding its own rule's Name and EventBusName", async () => {
    const errors = await deployRefused(`resources:
  own:
    type: event-bus
  spy:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusName: own
            eventPattern:
              source: [my.app]
    overrides:
      SpyEvent0Rule:
        Name: ${ruleName}
        EventBusName: ${busName}
`);
    expect(errors.map((e) => [e.path, e.line, e.column])).toEqual(
      expect.arrayContaining([
        ["resources.spy.overrides.SpyEvent0Rule.Name", 15, 9],
        ["resources.spy.overrides.SpyEvent0Rule.EventBusName", 16, 9],
      ]),
    );
    expect(errors.find((e) => e.path.endsWith(".Name"))!.message).toContain(`"${ruleName}"`);
    await a.assertUntouched();
  });

  it("cannot write the rule raw, with an ARN built by Fn::Sub, nor aim a target at A's bus", async () => {
    const errors = await deployRefused(`resources:
  spy:
    type: sqs-queue
cloudformationResources:
  Hijack:
    Type: AWS::Events::Rule
    Properties:
      EventBusName:
        Fn::Sub: arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${busName}
      EventPattern: { source: [my.app] }
      Targets:
        - Id: spy
          Arn: { "Fn::GetAtt": [SpyQueue, Arn] }
  Forward:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [mine] }
      EventBusName: { Ref: AWS::NoValue }
      Targets:
        - Id: into-a
          Arn: ${busArn}
`);
    const paths = errors.map((e) => e.path);
    expect(paths).toContain("cloudformationResources.Hijack.Properties.EventBusName");
    expect(paths).toContain("cloudformationResources.Forward.Properties.Targets.0.Arn");
    // The rule without a bus is on the account's default bus: not B's either, unless allowed.
    expect(paths).toContain("cloudformationResources.Forward.Properties.EventBusName");
    await a.assertUntouched();
  });

  it("cannot grant its functions PutEvents on A's bus, nor on every bus", async () => {
    const errors = await deployRefused(`resources:
  sender:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/send.ts
      iamRoleStatements:
        - Action: [events:PutEvents]
          Resource: [${busArn}]
        - Action: [events:PutEvents]
          Resource: ["*"]
`);
    expect(errors.map((e) => [e.path, e.line])).toEqual([
      ["resources.sender.properties.iamRoleStatements.0.Resource.0", 11],
      ["resources.sender.properties.iamRoleStatements.1.Resource.0", 13],
    ]);
    expect(errors[1]!.message).toContain('"Resource": "*" lets events:PutEvents reach every team');
    await a.assertUntouched();
  });

  it("refuses a value that cannot be resolved where a bus goes, rather than trust it", async () => {
    const errors = await deployRefused(`resources:
  spy:
    type: sqs-queue
cloudformationResources:
  Sneaky:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: { "Fn::ImportValue": "${a.stage.stackName}-MyEventBusArn" }
      EventPattern: { source: [my.app] }
      Targets:
        - Id: spy
          Arn: { "Fn::GetAtt": [SpyQueue, Arn] }
`);
    expect(errors).toEqual([
      expect.objectContaining({
        path: "cloudformationResources.Sneaky.Properties.EventBusName",
        message: expect.stringContaining("cannot be resolved"),
      }),
    ]);
    await a.assertUntouched();
  });

  it("is told the same by /v1/validate, and a config of its own deploys", async () => {
    const validated = await expectProblem(
      await server.fetch("/v1/validate", {
        method: "POST",
        headers: { authorization: `Bearer ${b.key}`, "content-type": "application/yaml" },
        body: queueOn(`eventBusArn: ${busArn}`),
      }),
      422,
      "config-invalid",
    );
    expect(validated.errors[0].path).toBe("resources.spy.properties.events.0.properties.eventBusArn");

    expect((await b.postConfig("resources:\n  own:\n    type: event-bus\n")).status).toBe(201);
    const started = await server.fetch(
      `/v1/projects/${b.project}/stages/dev/deployments`,
      jsonRequest(b.key, "POST", {}),
    );
    expect(started.status, await started.clone().text()).toBe(202);
    await a.assertUntouched();
  });
});
