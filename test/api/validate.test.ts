import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam, jsonRequest } from "../support/auth.js";
import { validateTemplateAgainstRegistry } from "../support/cfn-schema.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let viewerKey: string;
let team: string;
beforeAll(async () => {
  server = await startTestServer();
  team = await createTeam(server);
  viewerKey = await createKey(server, team, "viewer");
});
afterAll(() => server.close());

const PROBLEM = "application/problem+json";
const seed = readFileSync("test/fixtures/configs/seed.yaml", "utf8");

describe("POST /v1/validate", () => {
  it("compiles a YAML body into a valid template", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/yaml" },
      body: seed,
    });
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body.valid).toBe(true);
    expect(body.warnings).toEqual([]);
    expect(body.template.Resources.MyEventBusEventBus).toEqual({
      Type: "AWS::Events::EventBus",
      // A team's key validates as its stages deploy: in the team's namespace (its name here).
      Properties: { Name: `${team}--project--stage-myEventBus` },
    });
    expect(body.referenceableParams.myEventBus).toEqual({
      arn: { "Fn::GetAtt": ["MyEventBusEventBus", "Arn"] },
    });
    expect(body.parameters).toContainEqual({
      name: "MyConsumerBatchJobImageUri",
      kind: "image-uri",
      resource: "myConsumerBatchJob",
    });
    expect(validateTemplateAgainstRegistry(body.template)).toEqual([]);
  });

  it("takes JSON {config, project, stage} with the config as text or as an object", async () => {
    for (const config of [seed, { resources: { myEventBus: { type: "event-bus" } } }]) {
      const res = await server.fetch(
        "/v1/validate",
        jsonRequest(viewerKey, "POST", { config, project: "shop", stage: "prod", region: "eu-west-1" }),
      );
      expect(res.status).toBe(200);
      const body = await bodyOf(res);
      expect(body.template.Resources.MyEventBusEventBus.Properties.Name).toBe(
        `${team}--shop--prod-myEventBus`,
      );
    }
  });

  it("answers 422 config-invalid with every problem's path, line and column", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/yaml" },
      body: "resources:\n  bus:\n    type: event-bus\n    properties:\n      archivaton: {}\n",
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    const body = await bodyOf(res);
    expect(body).toMatchObject({
      type: "https://switchyard.dev/problems/config-invalid",
      status: 422,
      errors: [
        {
          path: "resources.bus.properties.archivaton",
          line: 5,
          column: 7,
          message: expect.stringContaining('Did you mean "archivation"?'),
        },
      ],
    });
    expect(body.detail).toMatch(
      /^The config has 1 problem\(s\); the first: resources\.bus\.properties\.archivaton \(line 5, column 7\)/,
    );
  });

  it("reports compile-time problems as 422 too", async () => {
    const res = await server.fetch(
      "/v1/validate",
      jsonRequest(viewerKey, "POST", {
        config: { resources: { bus: { type: "event-bus", overrides: { Nope: { Description: "x" } } } } },
      }),
    );
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors).toEqual([
      {
        path: "resources.bus.overrides.Nope",
        message:
          'Cloudformation resource "Nope" is not a valid child resource of stacktape resource bus. Valid child resources are: BusEventBus.',
      },
    ]);
  });

  it("applies overrides on the resource's own children, dotted paths deep, as Stacktape does", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/yaml" },
      body: "resources:\n  jobs:\n    type: sqs-queue\n    properties: { visibilityTimeoutSeconds: 30 }\n    overrides:\n      JobsQueue:\n        VisibilityTimeout: 60\n        SqsManagedSseEnabled: true\n        Tags.0: { Key: cost-centre, Value: shop }\n",
    });
    expect(res.status).toBe(200);
    const { template } = await bodyOf(res);
    expect(template.Resources.JobsQueue.Properties).toEqual({
      QueueName: `${team}--project--stage-jobs`,
      VisibilityTimeout: 60,
      SqsManagedSseEnabled: true,
      Tags: [{ Key: "cost-centre", Value: "shop" }],
    });
  });

  it("refuses an override path that starts with Properties, as Stacktape's JSDoc writes them", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/yaml" },
      body: "resources:\n  jobs:\n    type: sqs-queue\n    overrides:\n      JobsQueue:\n        Properties.SqsManagedSseEnabled: true\n",
    });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors).toEqual([
      {
        path: "resources.jobs.overrides.JobsQueue.Properties.SqsManagedSseEnabled",
        // A dotted key is located at the child that holds it.
        line: 5,
        column: 7,
        message:
          'The override path "Properties.SqsManagedSseEnabled" starts with Properties, but paths are already under Properties: write "SqsManagedSseEnabled".',
      },
    ]);
  });

  it("locates compile-time problems in YAML text", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/yaml" },
      body: "resources:\n  bus:\n    type: event-bus\n    overrides:\n      BusArchive:\n        RetentionDays: 3\n",
    });
    expect(res.status).toBe(422);
    expect((await bodyOf(res)).errors).toEqual([
      {
        path: "resources.bus.overrides.BusArchive",
        line: 5,
        column: 7,
        message:
          'Cloudformation resource "BusArchive" is not a valid child resource of stacktape resource bus. Valid child resources are: BusEventBus.',
      },
    ]);
  });

  it("answers 400 malformed-json for a broken JSON body", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "application/json" },
      body: '{"config": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/malformed-json");
  });

  it("answers 400 when the JSON body has no config", async () => {
    const res = await server.fetch("/v1/validate", jsonRequest(viewerKey, "POST", { stage: "dev" }));
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).errors[0].path).toBe("json.config");
  });

  it("answers 415 for other content types", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(viewerKey), "content-type": "text/plain" },
      body: seed,
    });
    expect(res.status).toBe(415);
  });

  it("needs an API key", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: seed,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
  });

  it("is in the OpenAPI document as configs.validate", async () => {
    const doc = await bodyOf(await server.fetch("/openapi.json"));
    const operation = doc.paths["/v1/validate"].post;
    expect(operation.operationId).toBe("configs.validate");
    expect(Object.keys(operation.requestBody.content)).toEqual(["application/json", "application/yaml"]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["200", "401", "422"]));
  });
});
