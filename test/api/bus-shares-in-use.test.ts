/**
 * A shared bus in use, over HTTP on the local engine (#15): team B names team A's bus in
 * `eventBusArn` (by its ARN and by `<owner>:<project>/<stage>/<bus>`), which is refused until A
 * shares it; with the share B's rules land on A's bus and deliver A's events to B's queue; after A
 * revokes it, B's next preview, deployment and validation are refused naming the share, the revoke
 * answer lists B's stage, and B's rules stay until B tears the stage down.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, createTeamWithKey, jsonRequest } from "../support/auth.js";
import { validateTemplateAgainstRegistry } from "../support/cfn-schema.js";
import { poll } from "../support/poll.js";
import { type DeployedStage, deploySeed } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

let server: TestServer;
let a: DeployedStage;
let b: { team: string; key: string };
let busArn: string;
let ref: string;
const stage = "/v1/projects/inbox/stages/dev";

beforeAll(async () => {
  server = await startTestServer();
  a = await deploySeed(server);
  expect(a.deployment.status).toBe("SUCCEEDED");
  busArn = a.stage.outputs.myEventBus.arn;
  ref = `${a.team}:${a.project}/dev/myEventBus`;
  b = await createTeamWithKey(server, "maintainer");
  await createProject(server, b.team, "inbox");
});
afterAll(() => server.close());

/** B's queue subscribed to A's bus twice: by the share's ref and by the bus's ARN. */
const subscriber = () => `resources:
  inbox:
    type: sqs-queue
    properties:
      events:
        - type: event-bus
          properties:
            eventBusArn: ${ref}
            eventPattern:
              source: [shop.orders]
        - type: event-bus
          properties:
            eventBusArn: ${busArn}
            eventPattern:
              detail-type: [order.cancelled]
`;

const call = async (key: string, method: string, path: string, body?: unknown) => {
  const res = await server.fetch(path, jsonRequest(key, method, body));
  return { status: res.status, body: await bodyOf(res) };
};
const rulesOnA = async () =>
  (await call(a.key, "GET", `${a.stagePath}/buses/myEventBus/rules`)).body.rules.map(
    (r: { name: string }) => r.name,
  ) as string[];
/** B's rule for its queue's `events[i]`, named in B's namespace wherever it sits. */
const bRule = (i: number) => `${b.team}--inbox--dev-inbox-event-${i}`;

/** Preview, deployment and validation of B's latest config: each a 422 with the same problems. */
async function refusedEverywhere() {
  const preview = await call(b.key, "POST", `${stage}/previews`, {});
  expect(preview.status, JSON.stringify(preview.body)).toBe(422);
  const deploy = await call(b.key, "POST", `${stage}/deployments`, {});
  expect(deploy.status).toBe(422);
  expect(deploy.body.errors).toEqual(preview.body.errors);
  const validate = await call(b.key, "POST", "/v1/validate", {
    config: subscriber(),
    project: "inbox",
    stage: "dev",
  });
  expect(validate.status).toBe(422);
  expect(validate.body.errors).toEqual(preview.body.errors);
  return preview.body.errors as { path: string; line: number; column: number; message: string }[];
}

describe("a bus shared with another team", () => {
  let shareId: string;

  it("is refused to the other team by ARN and by reference until it is shared", async () => {
    await postConfig(server, b.key, "inbox", subscriber());
    const errors = await refusedEverywhere();
    expect(errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ["resources.inbox.properties.events.0.properties.eventBusArn", 8, 13],
      ["resources.inbox.properties.events.1.properties.eventBusArn", 13, 13],
    ]);
    expect(errors[0]!.message).toContain(`"${ref}" is no bus shared with team ${b.team}`);
    expect(errors[1]!.message).toContain("not shared");
    expect(await rulesOnA()).not.toContain(bRule(0));
  });

  it("takes the other team's rules once shared to subscribe, which get the owner's events", async () => {
    const granted = await call(a.key, "POST", `/v1/teams/${a.team}/shares`, {
      project: a.project,
      stage: "dev",
      bus: "myEventBus",
      sharedWith: b.team,
      access: ["subscribe"],
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    shareId = granted.body.id;

    // The template B's stage compiles to: valid CloudFormation, its rules on A's bus by ARN, named in B's namespace.
    const validated = await call(b.key, "POST", "/v1/validate", {
      config: subscriber(),
      project: "inbox",
      stage: "dev",
    });
    expect(validated.status, JSON.stringify(validated.body)).toBe(200);
    expect(validateTemplateAgainstRegistry(validated.body.template)).toEqual([]);
    const rules = Object.values(validated.body.template.Resources as Record<string, any>).filter(
      (r) => r.Type === "AWS::Events::Rule",
    );
    expect(rules.map((r) => [r.Properties.Name, r.Properties.EventBusName])).toEqual([
      [bRule(0), busArn],
      [bRule(1), busArn],
    ]);

    const started = await call(b.key, "POST", `${stage}/deployments`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const deployment = await settled(server, b.key, started.body.id);
    expect(deployment.status, deployment.reason).toBe("SUCCEEDED");
    const names = await rulesOnA();
    expect(names).toEqual(expect.arrayContaining([bRule(0), bRule(1)]));

    // A publishes to its own bus: B's rule delivers to B's queue, A's own rule is unaffected.
    const published = await call(a.key, "POST", `${a.stagePath}/buses/myEventBus/events`, {
      entries: [{ source: "shop.orders", "detail-type": "order.placed", detail: { orderId: "o-1" } }],
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body.failedEntryCount).toBe(0);
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${b.team}--inbox--dev-inbox`;
    const deliveries = await poll(
      () => call(a.key, "GET", `${a.stagePath}/buses/myEventBus/deliveries?rule=${bRule(0)}`),
      (r) => r.body.items?.length === 1,
    );
    expect(deliveries.body.items, JSON.stringify(deliveries.body)).toEqual([
      expect.objectContaining({ rule: bRule(0), targetArn: queueArn }),
    ]);
    expect(JSON.parse(deliveries.body.items[0].input)).toMatchObject({ detail: { orderId: "o-1" } });
    // The second trigger's pattern (order.cancelled) did not match.
    const other = await call(a.key, "GET", `${a.stagePath}/buses/myEventBus/deliveries?rule=${bRule(1)}`);
    expect(other.body.items).toEqual([]);
  });

  it("once revoked, refuses the holder's next deployment naming the share, and the revoke lists its stage", async () => {
    const revoked = await call(a.key, "DELETE", `/v1/teams/${a.team}/shares/${shareId}`);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body.stillUsedBy).toEqual([
      { project: "inbox", stage: "dev", stackName: `${b.team}--inbox--dev` },
    ]);

    const errors = await refusedEverywhere();
    expect(errors.map((e) => e.path)).toEqual([
      "resources.inbox.properties.events.0.properties.eventBusArn",
      "resources.inbox.properties.events.1.properties.eventBusArn",
    ]);
    for (const error of errors) {
      expect(error.message).toContain(`share ${shareId}`);
      expect(error.message).toContain("revoked");
    }
    expect(errors[1]!.message).toContain(ref);

    // What B deployed stays until B deploys again or tears the stage down.
    expect(await rulesOnA()).toEqual(expect.arrayContaining([bRule(0), bRule(1)]));
    const teardown = await call(b.key, "DELETE", stage);
    expect(teardown.status, JSON.stringify(teardown.body)).toBe(202);
    expect((await settled(server, b.key, teardown.body.id)).status).toBe("SUCCEEDED");
    const after = await rulesOnA();
    expect(after).not.toContain(bRule(0));
    expect(after).not.toContain(bRule(1));
    expect(after.length).toBe(1);
  });

  it("is nothing a third team sees: no share, no rules, its reference refused", async () => {
    const c = await createTeamWithKey(server, "admin");
    const viewer = await createKey(server, c.team, "viewer");
    expect((await call(viewer, "GET", `/v1/teams/${c.team}/shares/held`)).body.items).toEqual([]);
    const validate = await call(c.key, "POST", "/v1/validate", {
      config: subscriber(),
      project: "feed",
      stage: "dev",
    });
    expect(validate.status, JSON.stringify(validate.body)).toBe(422);
    expect(validate.body.errors[0].message).toContain(`is no bus shared with team ${c.team}`);
    // Not B's revoked share either.
    expect(validate.body.errors[0].message).not.toContain(shareId);
  });

  it("never keeps the owner from tearing its bus down, nor the holder from tearing down after it", async () => {
    expect(
      (
        await call(a.key, "POST", `/v1/teams/${a.team}/shares`, {
          project: a.project,
          stage: "dev",
          bus: "myEventBus",
          sharedWith: b.team,
          access: ["subscribe"],
        })
      ).status,
    ).toBe(201);
    const deployed = await call(b.key, "POST", `${stage}/deployments`, {});
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(202);
    expect((await settled(server, b.key, deployed.body.id)).status).toBe("SUCCEEDED");
    expect(await rulesOnA()).toContain(bRule(0));

    const ownerTeardown = await call(a.key, "DELETE", a.stagePath);
    expect(ownerTeardown.status).toBe(202);
    expect((await settled(server, a.key, ownerTeardown.body.id)).status).toBe("SUCCEEDED");
    // The bus went, and B's rules with it (EventBridge deletes a bus's rules with the bus).
    const busName = busArn.slice(busArn.indexOf("/") + 1);
    await expect(server.engine.listRules({ EventBusName: busName })).rejects.toThrow(/does not exist/);

    const holderTeardown = await call(b.key, "DELETE", stage);
    expect(holderTeardown.status).toBe(202);
    const ended = await settled(server, b.key, holderTeardown.body.id);
    expect(ended.status, ended.reason).toBe("SUCCEEDED");
  });
});
