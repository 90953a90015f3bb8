/**
 * POST /v1/validate compiles as this installation deploys: on AWS with the stack prefix and the
 * roles' permissions boundary, so what it shows (and refuses) is what a deployment would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createKey, createTeam } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

const BOUNDARY = "arn:aws:iam::123456789012:policy/Switchyard-WorkloadBoundary";
let server: TestServer;
let key: string;
let team: string;
beforeAll(async () => {
  server = await startTestServer({
    deploymentSettings: { stackPrefix: "sy-", permissionsBoundary: BOUNDARY, region: "eu-west-1" },
  });
  team = await createTeam(server);
  key = await createKey(server, team, "viewer");
});
afterAll(() => server.close());

const validate = (yaml: string) =>
  server.fetch("/v1/validate", {
    method: "POST",
    headers: { ...bearer(key), "content-type": "application/yaml" },
    body: yaml,
  });

describe("POST /v1/validate on an installation with a stack prefix and a boundary", () => {
  it("names everything with the prefix and bounds every role", async () => {
    const res = await validate(
      "resources:\n  orders:\n    type: event-bus\n  audit:\n    type: function\n    properties:\n      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/audit.ts } }\n",
    );
    expect(res.status).toBe(200);
    const { template } = await bodyOf(res);
    expect(template.Resources.OrdersEventBus.Properties.Name).toBe(`sy-${team}--project--stage-orders`);
    expect(template.Resources.AuditFunction.Properties.FunctionName).toBe(`sy-${team}--project--stage-audit`);
    expect(template.Resources.AuditRole.Properties.PermissionsBoundary).toBe(BOUNDARY);
  });

  it("refuses what the deploy role could not create, with the line of the offending property", async () => {
    const res = await validate(
      [
        "resources:",
        "  orders:",
        "    type: event-bus",
        "cloudformationResources:",
        "  AdminRole:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }",
        "      PermissionsBoundary: arn:aws:iam::aws:policy/AdministratorAccess",
        "  AuditQueue:",
        "    Type: AWS::SQS::Queue",
        "    Properties: { QueueName: unprefixed-queue }",
      ].join("\n"),
    );
    expect(res.status).toBe(422);
    const problem = await bodyOf(res);
    expect(problem.type).toMatch(/config-invalid$/);
    // In the order of the text, as every problem list.
    expect(problem.errors).toEqual([
      expect.objectContaining({
        path: "cloudformationResources.AdminRole.Properties.PermissionsBoundary",
        line: 9,
      }),
      expect.objectContaining({ path: "cloudformationResources.AuditQueue.Properties.QueueName", line: 12 }),
    ]);
  });
});
