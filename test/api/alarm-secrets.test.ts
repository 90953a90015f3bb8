/**
 * Secrets of notification targets (#18) never reach a stored config version, a template body or a
 * log line, through the real app: written as values they are refused (and not repeated), written
 * as `$Secret()` references the stored version, the template and the deployed stack hold the
 * reference alone, and the deployment on the embedded default succeeds under the team's namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

const TOKEN = "xoxb-4242-SuperSecretSlackToken";
const HOOK = "https://contoso.webhook.office.com/webhookb2/secret-hook-path";

const config = (accessToken: string, webhookUrl: string) => `
resources:
  orders:
    type: function
    properties:
      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/orders.ts } }
      alarms:
        - trigger: { type: lambda-error-rate, properties: { thresholdPercent: 1 } }
          notificationTargets:
            - type: slack
              properties: { conversationId: C0123, accessToken: "${accessToken}" }
            - type: ms-teams
              properties: { webhookUrl: "${webhookUrl}" }
`;

let server: TestServer;
let team: string;
let key: string;
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  key = await createKey(server, team, "maintainer");
  await createProject(server, team, "shop");
});
afterAll(() => server.close());

const leaks = (text: string) =>
  [TOKEN, HOOK, "SuperSecret", "secret-hook-path"].filter((s) => text.includes(s));

describe("notification target secrets", () => {
  it("written as values: refused by validate and by a new version, located, never repeated or logged, nothing stored", async () => {
    const yaml = config(TOKEN, HOOK);
    const validate = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/yaml" },
      body: yaml,
    });
    const post = await server.fetch("/v1/projects/shop/configs", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/yaml" },
      body: yaml,
    });
    for (const res of [validate, post]) {
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(leaks(text)).toEqual([]);
      const body = JSON.parse(text);
      expect(body.errors.map((e: { path: string; line: number }) => [e.path, e.line])).toEqual([
        ["resources.orders.properties.alarms.0.notificationTargets.0.properties.accessToken", 11],
        ["resources.orders.properties.alarms.0.notificationTargets.1.properties.webhookUrl", 13],
      ]);
    }
    expect((await server.fetch("/v1/projects/shop/configs/1", { headers: bearer(key) })).status).toBe(404);
    expect(leaks(JSON.stringify(server.logs))).toEqual([]);
  });

  it("written as $Secret(): stored, compiled and deployed as references only", async () => {
    // A team's secrets are named in its namespace (`<namespace>--...`; locally the prefix is empty).
    const yaml = config(`$Secret('${team}--shop-slack.token')`, `$Secret('${team}--shop-teams-hook')`);
    const version = await postConfig(server, key, "shop", yaml);
    const stored = await server.fetch(`/v1/projects/shop/configs/${version}`, { headers: bearer(key) });
    const storedText = await stored.text();
    expect(storedText).toContain(`$Secret('${team}--shop-slack.token')`);

    const validate = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/json" },
      body: JSON.stringify({ config: yaml, project: "shop", stage: "dev" }),
    });
    expect(validate.status).toBe(200);
    const template = JSON.stringify((await bodyOf(validate)).template);
    expect(template).toContain(`Bearer {{resolve:secretsmanager:${team}--shop-slack:SecretString:token}}`);
    expect(template).toContain(`"InvocationEndpoint":"{{resolve:secretsmanager:${team}--shop-teams-hook}}"`);

    const res = await server.fetch("/v1/projects/shop/stages/dev/deployments", jsonRequest(key, "POST"));
    expect(res.status).toBe(202);
    const done = await settled(server, key, (await bodyOf(res)).id);
    expect(done).toMatchObject({ status: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
    // The stage's outputs name the alarm, as a user looks for it in CloudWatch.
    const stage = await bodyOf(await server.fetch("/v1/projects/shop/stages/dev", { headers: bearer(key) }));
    expect(stage.outputs.orders.alarm0).toBe(`${team}--shop--dev-LambdaErrorRateForOrders0`);
    // The embedded default recorded the rule that notifies (the stack's only one), in the team's namespace.
    const rules = await server.engine.listRules({ NamePrefix: `${team}--shop--dev` });
    expect(rules.Rules).toHaveLength(1);
    const targets = await server.engine.listTargetsByRule({ Rule: rules.Rules![0]!.Name! });
    expect(targets.Targets?.map((t) => t.Id)).toEqual(["notification-0", "notification-1"]);
    expect(leaks(JSON.stringify(server.logs))).toEqual([]);
    expect(leaks(storedText)).toEqual([]);
  });
});
