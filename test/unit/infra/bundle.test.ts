import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rendererPackageFile } from "../../../api/http/reference-renderer.js";
import {
  bundleLambda,
  FORBIDDEN_IN_BUNDLE,
  LAMBDA_HANDLERS,
  type LambdaBundle,
} from "../../../infra/lambda-bundle.js";
import { apiGatewayEvent } from "../../support/api-gateway-event.js";
import { createTestTable } from "../../support/dynamo.js";
import { seedTeamProjectKey } from "../../support/seed-store.js";

let dir: string;
let bundle: LambdaBundle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "switchyard-lambda-test-"));
  bundle = await bundleLambda(path.join(dir, "lambda"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle the way the Lambda runtime does: a plain `node`, no tsx, no node_modules nearby. */
function invoke(handler: string, event: unknown, env: Record<string, string> = {}) {
  const script = `
    const mod = await import(process.argv[1]);
    const out = await mod[process.argv[2]](JSON.parse(process.argv[3]), { awsRequestId: "test" });
    process.stdout.write(JSON.stringify(out ?? null));`;
  const run = spawnSync(
    process.execPath,
    [
      "--enable-source-maps",
      "--input-type=module",
      "-e",
      script,
      bundle.file,
      handler,
      JSON.stringify(event),
    ],
    {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "eu-west-1",
        SWITCHYARD_TABLE_NAME: "switchyard",
        LOG_LEVEL: "warn",
        ...env,
      },
    },
  );
  return run;
}

describe("the Lambda bundle", () => {
  it("exports every handler the stack points at", () => {
    const names = Object.values(LAMBDA_HANDLERS).map((h) => h.replace(/^index\./, ""));
    expect(bundle.exports).toEqual(expect.arrayContaining(names));
  });

  it("bundles the AWS SDK and everything else: at run time it imports only Node built-ins", () => {
    expect(bundle.externals.length).toBeGreaterThan(0);
    for (const specifier of bundle.externals) expect(isBuiltin(specifier), specifier).toBe(true);
    expect(bundle.packages).toEqual(expect.arrayContaining(["@aws-sdk/client-dynamodb", "hono"]));
  });

  it("leaves out the local-only packages (dynalite, tsx, the Node server)", () => {
    for (const p of FORBIDDEN_IN_BUNDLE) expect(bundle.packages).not.toContain(p);
  });

  it("answers an API Gateway v2 request through the exported handler in a fresh node", () => {
    const run = invoke("handler", apiGatewayEvent("GET", "/healthz"));
    expect(run.stderr).not.toMatch(/Error/);
    const response = JSON.parse(run.stdout);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok" });
  });

  it("serves the portal's build at / with its CSP, gzip sent as base64 as API Gateway needs", () => {
    const page = JSON.parse(
      invoke("handler", apiGatewayEvent("GET", "/", { headers: { "accept-encoding": "gzip" } })).stdout,
    );
    expect(page.statusCode).toBe(200);
    expect(page.isBase64Encoded).toBe(true);
    expect(page.headers["content-encoding"]).toBe("gzip");
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    const html = gunzipSync(Buffer.from(page.body, "base64")).toString();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = JSON.parse(invoke("handler", apiGatewayEvent("GET", script!)).stdout);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(asset.headers["cache-control"]).toContain("immutable");
  });

  it("loads its lazy chunks and validates a config with zod's English messages", () => {
    const adminKey = "sy_test_admin_key_for_the_bundle_0123456789";
    const body = JSON.stringify({
      config: { resources: { bus: { type: "event-bus", properties: { archivation: { enabled: "yes" } } } } },
    });
    const run = invoke(
      "handler",
      apiGatewayEvent("POST", "/v1/validate", {
        body,
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      }),
      // Any AWS call would go to a closed local port, never to AWS.
      { SWITCHYARD_ADMIN_KEY: adminKey, AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
    );
    const response = JSON.parse(run.stdout);
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).errors).toEqual([
      {
        path: "resources.bus.properties.archivation.enabled",
        message: "Invalid input: expected boolean, received string",
      },
    ]);
  });

  it("answers an authenticated request from DynamoDB, building the store on that first request", async () => {
    const table = await createTestTable();
    const { viewerKey: secret } = await seedTeamProjectKey(table, { team: "billing", project: "invoices" });

    const run = invoke(
      "handler",
      apiGatewayEvent("GET", "/v1/projects", { headers: { authorization: `Bearer ${secret}` } }),
      {
        SWITCHYARD_TABLE_NAME: table.name,
        AWS_ENDPOINT_URL_DYNAMODB: inject("dynamoEndpoint"),
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
      },
    );
    table.destroy();
    const response = JSON.parse(run.stdout);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).items).toEqual([
      expect.objectContaining({ name: "invoices", team: "billing" }),
    ]);
  });

  it("runs the reconcile handler in a fresh node: a stack Switchyard does not know changes nothing", async () => {
    const table = await createTestTable();
    const event = {
      version: "0",
      id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
      "detail-type": "CloudFormation Stack Status Change",
      source: "aws.cloudformation",
      account: "123456789012",
      time: "2026-11-26T10:00:00Z",
      region: "eu-west-1",
      resources: ["arn:aws:cloudformation:eu-west-1:123456789012:stack/sy-unknown-dev/1a2b3c4d"],
      detail: {
        "stack-id": "arn:aws:cloudformation:eu-west-1:123456789012:stack/sy-unknown-dev/1a2b3c4d",
        "status-details": { status: "UPDATE_COMPLETE", "status-reason": "" },
        "client-request-token": "sy-01JD5Z3M9X2Q8R7T6Y5W4V3Q2S",
      },
    };
    const run = invoke("reconcileHandler", event, {
      SWITCHYARD_TABLE_NAME: table.name,
      SWITCHYARD_STACK_PREFIX: "sy-",
      AWS_ENDPOINT_URL_DYNAMODB: inject("dynamoEndpoint"),
      // Anything else would go to a closed local port, never to AWS.
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    });
    table.destroy();
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({});
  });

  it("serves /docs and its renderer from the bundle folder, gzipped: no CDN, no node_modules", () => {
    const env = { LAMBDA_TASK_ROOT: path.dirname(bundle.file) };
    const page = JSON.parse(invoke("handler", apiGatewayEvent("GET", "/docs"), env).stdout);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/docs/scalar.js"></script>');

    const run = invoke(
      "handler",
      apiGatewayEvent("GET", "/docs/scalar.js", { headers: { "accept-encoding": "gzip, br" } }),
      env,
    );
    const script = JSON.parse(run.stdout);
    expect(script.statusCode, run.stderr).toBe(200);
    expect(script.headers["content-encoding"]).toBe("gzip");
    expect(script.isBase64Encoded).toBe(true);
    const served = gunzipSync(Buffer.from(script.body, "base64"));
    expect(served.equals(readFileSync(rendererPackageFile()))).toBe(true);
  });

  it("refuses to start without its table name, saying which variable is missing", () => {
    const run = invoke("handler", {}, { SWITCHYARD_TABLE_NAME: "" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("SWITCHYARD_TABLE_NAME");
  });
});
