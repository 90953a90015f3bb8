/**
 * A team's global alarms through the real app: set and read with revisions, each problem of a
 * definition located (a secret written as a value refused without being repeated), audited by name,
 * applied by preview and deployment to every matching resource of the team's stages (a typo in
 * disabledGlobalAlarms refused at its line), the alarm's name a stage output, and no secret in the
 * stored list, the template or a log line.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

const TOKEN = "xoxb-4242-GlobalSecretSlackToken";

const FN = "packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/a.ts } }";
const config = (disabled: string) => `resources:
  orders:
    type: function
    properties:
      ${FN}
  billing:
    type: function
    properties:
      ${FN}
      disabledGlobalAlarms: [${disabled}]
  jobs:
    type: sqs-queue
`;

/** The team's name, known before it is created: its secrets are named in its namespace. */
const TEAM = `team-${randomUUID().slice(0, 8)}`;

const ALARMS = [
  {
    name: "fn-errors",
    trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 5 } },
    notificationTargets: [
      {
        type: "slack",
        properties: { conversationId: "C0123", accessToken: `$Secret('${TEAM}--ops-slack.token')` },
      },
    ],
  },
  { name: "backlog", trigger: { type: "sqs-queue-not-empty" }, forStages: ["prod"] },
];

let server: TestServer;
let team: string;
let maintainer: string;
let viewer: string;
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server, TEAM);
  maintainer = await createKey(server, team, "maintainer");
  viewer = await createKey(server, team, "viewer");
  await createProject(server, team, "shop");
});
afterAll(() => server.close());

const path = () => `/v1/teams/${team}/global-alarms`;
const leaks = (text: string) => [TOKEN, "GlobalSecret"].filter((s) => text.includes(s));

describe("a team's global alarms", () => {
  it("start empty, and refuse a list with problems, each located, a secret value never repeated", async () => {
    const empty = await server.fetch(path(), { headers: bearer(viewer) });
    expect(empty.status).toBe(200);
    expect(await bodyOf(empty)).toEqual({ team, alarms: [] });
    const bad = [
      {
        ...ALARMS[0],
        notificationTargets: [{ type: "slack", properties: { conversationId: "C0123", accessToken: TOKEN } }],
      },
      { ...ALARMS[1], name: "Backlog", evaluation: { evaluationPeriods: 1, breachedPeriods: 2 } },
      { ...ALARMS[1], trigger: { type: "database-cpu-utilization", properties: { thresholdPercent: 80 } } },
    ];
    const res = await server.fetch(path(), jsonRequest(maintainer, "PUT", { alarms: bad }));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(leaks(text)).toEqual([]);
    expect(JSON.parse(text).errors).toEqual([
      {
        path: "json.alarms.0.notificationTargets.0.properties.accessToken",
        message: expect.stringContaining("is a secret: give it as $Secret('<secret name>')"),
      },
      { path: "json.alarms.2.trigger.type", message: expect.stringContaining("Unsupported alarm trigger") },
    ]);
    // Past the schema, the checks of the list itself: duplicate names, evaluation.
    const dup = await server.fetch(path(), jsonRequest(maintainer, "PUT", { alarms: [ALARMS[1], bad[1]] }));
    expect(dup.status).toBe(400);
    expect((await bodyOf(dup)).errors).toEqual([
      {
        path: "json.alarms.1.name",
        message: expect.stringContaining("backlog and Backlog differ only in case"),
      },
      {
        path: "json.alarms.1.evaluation.breachedPeriods",
        message: "breachedPeriods (2) is at most evaluationPeriods (1).",
      },
    ]);
    // A secret the team's stacks may not resolve would refuse every deployment: refused here, at it.
    const foreign = {
      ...ALARMS[0],
      notificationTargets: [
        { type: "ms-teams", properties: { webhookUrl: "$Secret('other-team--hook')" } },
        {
          type: "webhook",
          properties: {
            url: "https://h.example.com",
            headers: { Authorization: `$Secret('${TEAM}--hook')`, "X-Key": "$Secret('shared-key')" },
          },
        },
      ],
    };
    const outside = await server.fetch(path(), jsonRequest(maintainer, "PUT", { alarms: [foreign] }));
    expect(outside.status).toBe(400);
    expect((await bodyOf(outside)).errors).toEqual([
      {
        path: "json.alarms.0.notificationTargets.0.properties.webhookUrl",
        message: `This resolves a secret: names the secret "other-team--hook", which is outside team ${TEAM}'s namespace (its names start with "${TEAM}--"). A team's secrets and parameters are named "${TEAM}--...".`,
      },
      {
        path: "json.alarms.0.notificationTargets.1.properties.headers.X-Key",
        message: expect.stringContaining('names the secret "shared-key", which is outside team'),
      },
    ]);
    expect(leaks(JSON.stringify(server.logs))).toEqual([]);
    expect(await bodyOf(await server.fetch(path(), { headers: bearer(viewer) }))).toEqual({
      team,
      alarms: [],
    });
  });

  it("are set by a maintainer with revisions, read by any member, and audited by name", async () => {
    expect((await server.fetch(path(), jsonRequest(viewer, "PUT", { alarms: ALARMS }))).status).toBe(403);
    const set = await server.fetch(path(), {
      ...jsonRequest(maintainer, "PUT", { alarms: ALARMS }),
      headers: { ...bearer(maintainer), "content-type": "application/json", "if-match": '"global-alarms-0"' },
    });
    expect(set.status).toBe(200);
    expect(set.headers.get("etag")).toBe('"global-alarms-1"');
    const read = await server.fetch(path(), { headers: bearer(viewer) });
    expect(await bodyOf(read)).toMatchObject({ team, alarms: ALARMS });
    const stale = await server.fetch(path(), {
      ...jsonRequest(maintainer, "PUT", { alarms: [] }),
      headers: { ...bearer(maintainer), "content-type": "application/json", "if-match": '"global-alarms-0"' },
    });
    expect(stale.status).toBe(412);
    const audit = await bodyOf(
      await server.fetch(`/v1/teams/${team}/audit?action=global-alarms.update`, {
        headers: bearer(maintainer),
      }),
    );
    expect(audit.items[0]).toMatchObject({
      action: "global-alarms.update",
      details: { added: ["fn-errors", "backlog"], removed: [], kept: [] },
    });
  });

  it("are applied by preview and deployment; a disabled name no global alarm has is refused at its line", async () => {
    await postConfig(server, maintainer, "shop", config("fn-errros"));
    const typo = await server.fetch(
      `/v1/projects/shop/stages/dev/previews`,
      jsonRequest(maintainer, "POST", {}),
    );
    expect(typo.status).toBe(422);
    expect((await bodyOf(typo)).errors).toEqual([
      {
        path: "resources.billing.properties.disabledGlobalAlarms.0",
        message:
          'No global alarm is named fn-errros. Did you mean "fn-errors"? The team\'s global alarms: fn-errors, backlog.',
        line: 10,
        column: expect.any(Number),
      },
    ]);

    await postConfig(server, maintainer, "shop", config("fn-errors"));
    const preview = await server.fetch(
      `/v1/projects/shop/stages/dev/previews`,
      jsonRequest(maintainer, "POST", {}),
    );
    expect(preview.status).toBe(200);
    const added = (await bodyOf(preview)).changes
      .filter((c: { resourceType: string }) => c.resourceType === "AWS::CloudWatch::Alarm")
      .map((c: { logicalId: string }) => c.logicalId);
    // orders gets fn-errors; billing disabled it; the queue's backlog alarm is for prod only.
    expect(added).toEqual(["LambdaErrorRateForOrdersfnErrorsAlarm"]);

    const res = await server.fetch(
      "/v1/projects/shop/stages/dev/deployments",
      jsonRequest(maintainer, "POST"),
    );
    const done = await settled(server, maintainer, (await bodyOf(res)).id);
    expect(done).toMatchObject({ status: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
    const stage = await bodyOf(
      await server.fetch("/v1/projects/shop/stages/dev", { headers: bearer(viewer) }),
    );
    expect(stage.outputs.orders["alarm-fn-errors"]).toBe(
      `${team}--shop--dev-LambdaErrorRateForOrdersfn-errors`,
    );
    expect(stage.outputs.billing?.["alarm-fn-errors"]).toBeUndefined();

    // prod gets the queue's alarm too.
    const prod = await server.fetch(
      `/v1/projects/shop/stages/prod/previews`,
      jsonRequest(maintainer, "POST", {}),
    );
    expect(
      (await bodyOf(prod)).changes.filter(
        (c: { resourceType: string }) => c.resourceType === "AWS::CloudWatch::Alarm",
      ),
    ).toHaveLength(2);
    expect(leaks(JSON.stringify(server.logs))).toEqual([]);
  });

  it("are validated with the team's list by a team's key", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewer), "content-type": "application/json" },
      body: JSON.stringify({ config: config("fn-errors"), project: "shop", stage: "dev" }),
    });
    expect(res.status).toBe(200);
    const template = (await bodyOf(res)).template;
    expect(Object.keys(template.Resources)).toContain("LambdaErrorRateForOrdersfnErrorsAlarm");
    expect(JSON.stringify(template)).toContain(
      `{{resolve:secretsmanager:${TEAM}--ops-slack:SecretString:token}}`,
    );
  });
});
