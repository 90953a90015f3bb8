/**
 * Global alarms are a team's own: another team's list never applies to a stage of this team (even
 * of a project with the same name), is never named in its answers, and hostile definitions (names
 * that are object keys, a list over the limit) are refused without changing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, postConfig } from "../api/deployments-support.js";
import { createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

const FN = "packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/a.ts } }";
const CONFIG = (disabled: string) =>
  `resources:\n  orders:\n    type: function\n    properties:\n      ${FN}\n      disabledGlobalAlarms: [${disabled}]\n`;
const SECRET_NAME = "team-a-private-alarm";

let server: TestServer;
let a: { team: string; key: string };
let b: { team: string; key: string };
beforeAll(async () => {
  server = await startTestServer();
  a = await createTeamWithKey(server, "maintainer");
  b = await createTeamWithKey(server, "maintainer");
  for (const t of [a, b]) await createProject(server, t.team, "shop");
  const set = await server.fetch(
    `/v1/teams/${a.team}/global-alarms`,
    jsonRequest(a.key, "PUT", {
      alarms: [
        {
          name: SECRET_NAME,
          trigger: { type: "lambda-error-rate", properties: { thresholdPercent: 1 } },
          forServices: ["shop"],
        },
      ],
    }),
  );
  expect(set.status).toBe(200);
});
afterAll(() => server.close());

describe("another team's global alarms", () => {
  it("never apply to this team's stages, and are never named to it", async () => {
    await postConfig(server, b.key, "shop", CONFIG(SECRET_NAME));
    const refused = await server.fetch(
      "/v1/projects/shop/stages/dev/previews",
      jsonRequest(b.key, "POST", {}),
    );
    expect(refused.status).toBe(422);
    // Team b has none of its own: its disabled name is unknown, and nothing of team a is said.
    expect((await bodyOf(refused)).errors).toEqual([
      expect.objectContaining({
        path: "resources.orders.properties.disabledGlobalAlarms.0",
        message: expect.stringContaining("the team has none"),
      }),
    ]);
    await postConfig(
      server,
      b.key,
      "shop",
      `resources:\n  orders:\n    type: function\n    properties:\n      ${FN}\n`,
    );
    const preview = await server.fetch(
      "/v1/projects/shop/stages/dev/previews",
      jsonRequest(b.key, "POST", {}),
    );
    expect(preview.status).toBe(200);
    const text = JSON.stringify(await bodyOf(preview));
    expect(text).not.toContain("AWS::CloudWatch::Alarm");
    expect(text).not.toContain(SECRET_NAME);
    // Team a's own project of the same name gets it.
    await postConfig(
      server,
      a.key,
      "shop",
      `resources:\n  orders:\n    type: function\n    properties:\n      ${FN}\n`,
    );
    const own = await server.fetch("/v1/projects/shop/stages/dev/previews", jsonRequest(a.key, "POST", {}));
    expect(JSON.stringify(await bodyOf(own))).toContain("LambdaErrorRateForOrdersteamAPrivateAlarmAlarm");
  });
});

describe("hostile global alarm lists", () => {
  it("are refused, leaving the list as it was", async () => {
    const alarm = (name: string) => ({ name, trigger: { type: "sqs-queue-not-empty" } });
    for (const alarms of [
      [alarm("__proto__")],
      [alarm("constructor"), alarm("Constructor")],
      [{ ...alarm("x"), forServices: ["../other-team"] }],
      Array.from({ length: 51 }, (_, i) => alarm(`a${i}`)),
    ]) {
      const res = await server.fetch(
        `/v1/teams/${a.team}/global-alarms`,
        jsonRequest(a.key, "PUT", { alarms }),
      );
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).type).toMatch(/validation-error$/);
    }
    const now = await bodyOf(
      await server.fetch(`/v1/teams/${a.team}/global-alarms`, jsonRequest(a.key, "GET")),
    );
    expect(now.alarms.map((x: { name: string }) => x.name)).toEqual([SECRET_NAME]);
  });
});
