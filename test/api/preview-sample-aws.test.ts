import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CloudWatchLogsEventSample } from "../../api/aws/event-sample.js";
import { AwsBusOps } from "../../api/aws/eventbridge.js";
import { jsonRequest } from "../support/auth.js";
import { busConfig } from "../support/bus-configs.js";
import { type DeployedStage, deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * A preview's routing diff with AWS's bus adapter: the recent events come from the bus's event
 * sample, read with FilterLogEvents (mocked as CloudWatch Logs answers), and the old and new rules
 * are evaluated against them by the same code as on the embedded default. The stage itself is
 * deployed by the embedded engine: only the events' source differs.
 */
const config = (pattern: Record<string, unknown>) =>
  busConfig({
    bus: { switchyardEventSample: { enabled: true } },
    subscribers: [{ name: "consumer", pattern }],
  });
const V1 = config({ source: ["shop.orders"] });
const V2 = config({ source: ["shop.orders"], "detail-type": ["created"] });

const logs = mockClient(CloudWatchLogsClient);
let server: TestServer;
let deployed: DeployedStage;
let busName: string;

/** An event as EventBridge writes it to a log group target: the whole envelope on one line. */
const logged = (id: number, type: string, at: number) => ({
  logStreamName: "5c8a1f2b3e4d",
  timestamp: at,
  ingestionTime: at + 300,
  eventId: `375${id}`,
  message: `{"version":"0","id":"${id}0000000-aaaa-bbbb-cccc-dddddddddddd","detail-type":"${type}","source":"shop.orders","account":"123456789012","time":"${new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z")}","region":"eu-west-1","resources":[],"detail":{"id":${id}}}`,
});

beforeAll(async () => {
  server = await startTestServer({
    busOps: new AwsBusOps(
      new EventBridgeClient({ region: "eu-west-1" }),
      new CloudWatchLogsEventSample(new CloudWatchLogsClient({ region: "eu-west-1" })),
    ),
  });
  deployed = await deployToStage(server, V1);
  expect(deployed.deployment.status).toBe("SUCCEEDED");
  busName = deployed.stage.outputs.orders.arn.split(":event-bus/")[1];
  const posted = await server.fetch(`/v1/projects/${deployed.project}/configs`, {
    method: "POST",
    headers: { authorization: `Bearer ${deployed.key}`, "content-type": "application/yaml" },
    body: V2,
  });
  expect(posted.status).toBe(201);
});
afterEach(() => logs.reset());
afterAll(async () => {
  await server.close();
  logs.restore();
});

const preview = async () =>
  bodyOf(await server.fetch(`${deployed.stagePath}/previews`, jsonRequest(deployed.key, "POST", {})));

describe("a preview's routing diff on AWS, from the bus's event sample", () => {
  it("evaluates the narrowed rule against the sampled events, read page by page", async () => {
    const now = Date.now();
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        events: [logged(1, "created", now - 40_000), logged(2, "cancelled", now - 30_000)],
        searchedLogStreams: [],
        nextToken: "f/37514862049551294349186438925838616467282386254893547520/s",
      })
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        events: [
          logged(3, "refunded", now - 20_000),
          { ...logged(4, "x", now - 10_000), message: "not json" },
        ],
        searchedLogStreams: [],
      })
      .resolves({ $metadata: { httpStatusCode: 200 }, events: [], searchedLogStreams: [] });
    const { routing } = await preview();
    expect(routing.samples).toEqual([{ bus: busName, source: "log-sample", events: 3 }]);
    const [narrowed] = routing.rules;
    expect(narrowed).toMatchObject({
      change: "changed",
      changed: ["eventPattern"],
      sample: { events: 3, matchedBefore: 3, matchedAfter: 1 },
    });
    expect(narrowed.sample.examples.map((e: any) => e.event.detail.id).sort()).toEqual([2, 3]);
    const calls = logs.commandCalls(FilterLogEventsCommand);
    expect(calls[0]!.args[0].input.logGroupName).toBe(`/aws/events/${busName}`);
    expect(calls[1]!.args[0].input.nextToken).toBe(
      "f/37514862049551294349186438925838616467282386254893547520/s",
    );
  });

  it("keeps answering when CloudWatch Logs throttles: what was read, and why no more", async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        $metadata: { httpStatusCode: 200 },
        events: [logged(5, "cancelled", Date.now() - 5000)],
        searchedLogStreams: [],
        nextToken: "next",
      })
      .rejects(new ThrottlingException({ $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }));
    const { routing } = await preview();
    expect(routing.samples).toEqual([
      { bus: busName, source: "log-sample", events: 1, note: expect.stringMatching(/throttled/) },
    ]);
    expect(routing.rules[0].sample).toMatchObject({ events: 1, matchedBefore: 1, matchedAfter: 0 });
  });

  it("says why it cannot evaluate when the bus has no sample", async () => {
    logs.on(FilterLogEventsCommand).rejects(
      new ResourceNotFoundException({
        $metadata: { httpStatusCode: 400 },
        message: "The specified log group does not exist.",
      }),
    );
    const { routing } = await preview();
    expect(routing.samples).toEqual([
      { bus: busName, source: "none", events: 0, note: expect.stringMatching(/switchyardEventSample/) },
    ]);
    expect(routing.rules[0].sample).toEqual({ events: 0, matchedBefore: 0, matchedAfter: 0, examples: [] });
  });
});
