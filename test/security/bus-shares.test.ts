/**
 * #15, bus shares from a hostile holder's side: a share allows what it says (attach rules, or send
 * events) and nothing else of the owner's: not publishing on a subscribe share, not subscribing on
 * a publish share, not the owner's rules, archive or bus policy, not a reference to a bus shared
 * with someone else, not sharing the owner's bus with itself. Each attempt is refused before
 * anything is deployed, located at the config element, and the owner's bus and rules stay as they
 * were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamWithKey, jsonRequest } from "../support/auth.js";
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
let busArn: string;
let busName: string;
let ruleName: string;
let ref: string;
let shareId: string;

const share = (sharedWith: string, access: string[]) =>
  server.fetch(
    `/v1/teams/${a.team}/shares`,
    jsonRequest(a.key, "POST", { project: a.project, stage: "dev", bus: "myEventBus", sharedWith, access }),
  );

beforeAll(async () => {
  server = await startTestServer();
  a = await bystanderTeam(server);
  b = await hostileTeam(server);
  busArn = a.stage.outputs.myEventBus.arn;
  busName = busArn.split(":event-bus/")[1]!;
  ref = `${a.team}:${a.project}/dev/myEventBus`;
  const rules = await bodyOf(
    await server.fetch(`${a.stagePath}/buses/myEventBus/rules`, jsonRequest(a.key, "GET")),
  );
  ruleName = rules.rules[0].name;
  const granted = await share(b.team, ["subscribe"]);
  expect(granted.status).toBe(201);
  shareId = (await bodyOf(granted)).id;
});
afterAll(() => server.close());

/** B's config, refused by preview, deploy and validate alike; A's bus stays as it was. */
async function refused(yaml: string) {
  const errors = await refusedEverywhere(server, b, yaml);
  await a.assertUntouched();
  return errors;
}

const sender = (resource: string) => `resources:
  sender:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/send.ts
      iamRoleStatements:
        - Action: [events:PutEvents]
          Resource: [${resource}]
`;

/** A function connected to a bus by reference (connectTo grants PutEvents and the ARN variable). */
const connector = (bus: string) => `resources:
  sender:
    type: function
    properties:
      packaging:
        type: stacktape-lambda-buildpack
        properties:
          entryfilePath: src/send.ts
      connectTo: [${bus}]
`;

describe("a team holding a share to subscribe", () => {
  it("cannot send events to the bus: not from its functions, not through a rule's target", async () => {
    const fromFunction = await refused(sender(busArn));
    expect(fromFunction).toEqual([
      expect.objectContaining({
        path: "resources.sender.properties.iamRoleStatements.0.Resource.0",
        message: expect.stringContaining(`shared with team ${b.team} to subscribe, not to publish`),
      }),
    ]);
    const throughRule = await refused(`resources:
  own:
    type: event-bus
cloudformationResources:
  Forward:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: { Ref: OwnEventBus }
      EventPattern: { source: [mine] }
      Targets:
        - Id: into-a
          Arn: ${busArn}
`);
    expect(throughRule.map((e) => e.path)).toEqual([
      "cloudformationResources.Forward.Properties.Targets.0.Arn",
    ]);
    expect(throughRule[0]!.message).toContain("not to publish");
    const connected = await refused(connector(ref));
    expect(connected).toEqual([
      expect.objectContaining({
        path: "resources.sender.properties.connectTo.0",
        line: 9,
        message: `"${ref}" is shared with team ${b.team} to subscribe, not to publish.`,
      }),
    ]);
  });

  it("cannot take over the owner's rule, archive the bus, or set the bus's policy", async () => {
    const errors = await refused(`resources:
  spy:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusArn: ${ref}
            eventPattern:
              source: [my.app]
    overrides:
      SpyEvent0Rule:
        Name: ${ruleName}
cloudformationResources:
  Copy:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: ${busArn}
  Open:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: ${busName}
      StatementId: everyone
      Statement:
        Effect: Allow
        Principal: "*"
        Action: events:PutEvents
        Resource: ${busArn}
`);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "resources.spy.overrides.SpyEvent0Rule.Name",
        "cloudformationResources.Copy.Properties.SourceArn",
        "cloudformationResources.Open.Properties.EventBusName",
      ]),
    );
    // Its subscription by reference itself is fine: nothing at eventBusArn.
    expect(paths).not.toContain("resources.spy.properties.events.0.properties.eventBusArn");
    expect(errors.find((e) => e.path.endsWith("SourceArn"))!.message).toContain("not to change it");
  });

  it("cannot name the bus by a reference it does not hold, nor keys of Object.prototype", async () => {
    const queue = (bus: string) => `resources:
  spy:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusArn: ${bus}
            eventPattern:
              source: [my.app]
`;
    for (const bus of [
      `${a.team}:${a.project}/prod/myEventBus`,
      `${a.team}:${a.project}/dev/myOtherBus`,
      "constructor:prototype/dev/toString",
    ]) {
      const errors = await refused(queue(bus));
      expect(errors).toEqual([
        expect.objectContaining({
          path: "resources.spy.properties.events.0.properties.eventBusArn",
          message: expect.stringContaining(`"${bus}" is no bus shared with team ${b.team}`),
        }),
      ]);
    }
  });

  it("cannot share the owner's bus onward, or with itself, through the share routes", async () => {
    const accomplice = await createTeamWithKey(server, "viewer");
    const onward = await server.fetch(
      `/v1/teams/${b.team}/shares`,
      jsonRequest(b.key, "POST", {
        project: a.project,
        stage: "dev",
        bus: "myEventBus",
        sharedWith: accomplice.team,
        access: ["publish"],
      }),
    );
    // B has no project of that name: the owner's project is not there for B.
    await expectProblem(onward, 404, "not-found");
    await expectProblem(
      await server.fetch(`/v1/teams/${a.team}/shares/${shareId}`, jsonRequest(b.key, "DELETE")),
      404,
      "not-found",
    );
    await expectProblem(
      await server.fetch(`/v1/teams/${b.team}/shares/${shareId}`, jsonRequest(b.key, "DELETE")),
      404,
      "not-found",
    );
  });
});

describe("a team holding a share to publish only", () => {
  it("may grant its functions PutEvents on the bus, but not attach rules to it", async () => {
    const c = await hostileTeam(server);
    expect((await share(c.team, ["publish"])).status).toBe(201);
    expect((await c.postConfig(sender(busArn))).status).toBe(201);
    const stage = `/v1/projects/${c.project}/stages/dev`;
    expect((await server.fetch(`${stage}/previews`, jsonRequest(c.key, "POST", {}))).status).toBe(200);
    // connectTo by reference: PutEvents on that bus alone, and its ARN in the function's environment.
    const connected = await bodyOf(
      await server.fetch(
        "/v1/validate",
        jsonRequest(c.key, "POST", { config: connector(ref), project: c.project, stage: "dev" }),
      ),
    );
    const resources = Object.values(connected.template.Resources) as any[];
    const role = resources.find((r) => r.Type === "AWS::IAM::Role");
    expect(JSON.stringify(role.Properties.Policies)).toContain(
      JSON.stringify({ Effect: "Allow", Action: ["events:PutEvents"], Resource: [busArn] }),
    );
    const fn = resources.find((r) => r.Type === "AWS::Lambda::Function");
    const variable = `STP_${a.team}_${a.project}_DEV_MY_EVENT_BUS_ARN`.replaceAll("-", "_").toUpperCase();
    expect(fn.Properties.Environment.Variables[variable]).toBe(busArn);
    const problem = await expectProblem(
      await server.fetch(
        "/v1/validate",
        jsonRequest(c.key, "POST", {
          config: `resources:\n  spy:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties: { eventBusArn: "${ref}", eventPattern: { source: [my.app] } }\n`,
          project: c.project,
          stage: "dev",
        }),
      ),
      422,
      "config-invalid",
    );
    expect(problem.errors[0].path).toBe("resources.spy.properties.events.0.properties.eventBusArn");
    expect(problem.errors[0].message).toContain(`shared with team ${c.team} to publish, not to subscribe`);
    await a.assertUntouched();
  });
});
