/**
 * Secrets of notification targets (#18) never reach a stored config version, a template body or a
 * log line, through the real app: written as values they are refused (and not repeated), written
 * as `$Secret()` references the stored version, the template and the deployed stack hold the
 * reference alone, and the deployment on the embedded default succeeds under the team's namespace.
 * The same for the Datadog key of a workload container's log forwarding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig, settled } from "./deployments-support.js";

const TOKEN = "xoxb-4242-SuperSecretSlackToken";
const HOOK = "https://contoso.webhook.office.com/webhookb2/secret-hook-path";
const DD_KEY = "dd0123456789abcdef0123456789abcdef";

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
  await createProject(server, team, "logs");
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

  it("a workload container's Datadog key: refused as a value, forwarded by reference, deployed", async () => {
    const workload = (apiKey: string) => `
resources:
  svc:
    type: multi-container-workload
    properties:
      resources: { cpu: 0.25, memory: 512 }
      containers:
        - name: api
          packaging: { type: prebuilt-image, properties: { image: nginx } }
          logging:
            retentionDays: 14
            logForwarding: { type: datadog, properties: { apiKey: "${apiKey}" } }
`;
    const refused = await server.fetch("/v1/projects/logs/configs", {
      method: "POST",
      headers: { ...bearer(key), "content-type": "application/yaml" },
      body: workload(DD_KEY),
    });
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).not.toContain(DD_KEY);
    expect(JSON.parse(text).errors.map((e: { path: string; line: number }) => [e.path, e.line])).toEqual([
      ["resources.svc.properties.containers.0.logging.logForwarding.properties.apiKey", 12],
    ]);

    const version = await postConfig(server, key, "logs", workload(`$Secret('${team}--datadog.apiKey')`));
    const res = await server.fetch("/v1/projects/logs/stages/dev/deployments", jsonRequest(key, "POST"));
    expect(res.status, await res.clone().text()).toBe(202);
    const done = await settled(server, key, (await bodyOf(res)).id);
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      stackStatus: "CREATE_COMPLETE",
      configVersion: version,
    });
    const events = await bodyOf(
      await server.fetch(`/v1/deployments/${done.id}/events?limit=100`, { headers: bearer(key) }),
    );
    const created = events.items
      .filter((e: { status: string }) => e.status === "CREATE_COMPLETE")
      .map((e: { logicalId: string }) => e.logicalId);
    expect(created).toEqual(
      expect.arrayContaining([
        "SvcApiLogGroup",
        "SvcApiLogGroupDeliveryStream",
        "SvcApiLogGroupSubscriptionFilter",
        "SvcLogForwardingFailedRecordsBucket",
      ]),
    );
    expect(JSON.stringify(server.logs)).not.toContain(DD_KEY);
  });
});
