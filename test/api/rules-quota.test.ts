import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

/**
 * EventBridge's 300 rules per bus, through HTTP: a config that would put more on a bus it makes is
 * refused before anything is stored; one whose rules overflow the shared default bus (which other
 * stacks fill too, so the config cannot count it alone) fails its deployment as CloudFormation
 * would, and rolls back.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A queue with `count` event-bus triggers, each selecting its bus with `selector`. */
const queueWithTriggers = (count: number, selector: string) =>
  `resources:\n  orders:\n    type: event-bus\n  inbox:\n    type: sqs-queue\n    properties:\n      events:\n${Array.from(
    { length: count },
    (_, i) =>
      `        - type: event-bus\n          properties: { ${selector}, eventPattern: { source: [app], detail-type: [t${i}] } }\n`,
  ).join("")}`;

describe("rules per event bus", () => {
  it("refuses a config with 301 triggers on one of its buses as config-invalid, at the 301st", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/yaml" },
      body: queueWithTriggers(301, "eventBusName: orders"),
    });
    expect(res.status).toBe(422);
    const problem = await bodyOf(res);
    expect(problem.type).toBe("https://switchyard.dev/problems/config-invalid");
    expect(problem.errors).toEqual([
      {
        path: "resources.inbox.properties.events.300.properties.eventBusName",
        line: 609,
        column: 39,
        message:
          'Event bus "orders" would have 301 rules (one per event-bus trigger); EventBridge allows at most 300 rules per event bus. Split the subscribers across several buses.',
      },
    ]);
  });

  it("fails a deployment that would put a 301st rule on the shared default bus, naming the limit, and rolls back", async () => {
    // Another stack's 299 rules already sit on the default bus: a config cannot count those itself.
    for (let i = 0; i < 299; i++) {
      await server.engine.putRule({ Name: `other-${i}`, EventPattern: '{"source":["other"]}' });
    }
    const { deployment, stage } = await deployToStage(server, queueWithTriggers(2, "useDefaultBus: true"), {
      allowed: ["arn:aws:events:*:*:event-bus/default"],
    });
    expect(deployment.status).toBe("FAILED");
    // The rule EventBridge refused, with AWS's reason as CloudFormation reports it.
    expect(deployment.reason).toMatch(
      /^InboxEvent[01]Rule: LimitExceededException: The requested resource exceeds the maximum number allowed\.$/,
    );
    expect(stage.status).not.toBe("DEPLOYED");
    // Rolled back: the stack's rule that did fit is gone, the other stack's 299 are untouched.
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await server.engine.listRules({ NextToken });
      names.push(...(page.Rules ?? []).map((r) => r.Name!));
      NextToken = page.NextToken;
    } while (NextToken);
    expect(names).toHaveLength(299);
    expect(names.every((n) => n.startsWith("other-"))).toBe(true);
  });
});
