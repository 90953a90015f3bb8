/**
 * A bus's event sample (`switchyardEventSample`) is a log group `/aws/events/<bus>` that EventBridge
 * writes every event of the bus to, and that previews read on AWS. Team B must not squat the name of
 * team A's sample (A's next deployment would fail), write into it (A's previews would evaluate B's
 * events), or grant anyone a way into it: each is refused before anything is deployed, at the config
 * element that names A's group, and A stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { type Bystander, bystanderTeam, type Hostile, hostileTeam, refusedEverywhere } from "./support.js";

let server: TestServer;
let a: Bystander;
let b: Hostile;
/** Where A's bus's sample lives (or would, once A enables it). */
let sampleGroup: string;
/** `arn:aws:logs:<region>:<account>`, as A's bus ARN gives them: the refusals are about names, not accounts. */
let logs: string;

beforeAll(async () => {
  server = await startTestServer();
  a = await bystanderTeam(server);
  b = await hostileTeam(server);
  const busArn: string = a.stage.outputs.myEventBus.arn;
  sampleGroup = `/aws/events/${busArn.split(":event-bus/")[1]}`;
  logs = busArn.split(":event-bus/")[0]!.replace(":events:", ":logs:");
});
afterAll(() => server.close());

const ownBus = `resources:
  own:
    type: event-bus
    properties:
      switchyardEventSample:
        enabled: true
`;

describe("another team's event sample", () => {
  it("cannot be squatted: a log group under /aws/events/ must carry the team's own names", async () => {
    const errors = await refusedEverywhere(
      server,
      b,
      `${ownBus}cloudformationResources:
  Squat:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: ${sampleGroup}
`,
    );
    expect(errors.map((e) => e.path)).toEqual(["cloudformationResources.Squat.Properties.LogGroupName"]);
    expect(errors[0]!.message).toContain(sampleGroup);
    await a.assertUntouched();
  });

  it("cannot be written to by a rule of the team's own, raw or through its sample's overrides", async () => {
    const arn = `${logs}:log-group:${sampleGroup}`;
    const raw = await refusedEverywhere(
      server,
      b,
      `${ownBus}cloudformationResources:
  Poison:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: { Ref: OwnEventBus }
      EventPattern: { source: [{ prefix: "" }] }
      Targets:
        - Id: poison
          Arn: ${arn}
`,
    );
    expect(raw.map((e) => e.path)).toEqual(["cloudformationResources.Poison.Properties.Targets.0.Arn"]);
    expect(raw[0]!.message).toContain(sampleGroup);
    expect(raw[0]!.message).toMatch(/outside team hostile-/);
    const overridden = await refusedEverywhere(
      server,
      b,
      `${ownBus}    overrides:
      OwnEventSampleRule:
        Targets:
          - Id: poison
            Arn: ${arn}
`,
    );
    expect(overridden).toHaveLength(1);
    expect(overridden[0]!.path).toMatch(/^resources\.own\.overrides\.OwnEventSampleRule/);
    expect(overridden[0]!.message).toMatch(/outside team hostile-/);
    await a.assertUntouched();
  });

  it("cannot be opened by a log group resource policy of the team's own", async () => {
    const errors = await refusedEverywhere(
      server,
      b,
      `${ownBus}    overrides:
      OwnEventSampleLogGroup:
        ResourcePolicyDocument:
          Statement:
            - Effect: Allow
              Principal: { Service: events.amazonaws.com }
              Action: [logs:PutLogEvents, logs:CreateLogStream]
              Resource: ${logs}:log-group:${sampleGroup}:*
`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toMatch(
      /^resources\.own\.overrides\.OwnEventSampleLogGroup\.ResourcePolicyDocument/,
    );
    expect(errors[0]!.message).toContain(sampleGroup);
    expect(errors[0]!.message).toMatch(/outside team hostile-/);
    await a.assertUntouched();
  });
});
