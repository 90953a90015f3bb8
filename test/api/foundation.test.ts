import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../api/app.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const PROBLEM = "application/problem+json";

describe("service endpoints", () => {
  it("answers /healthz without a key", async () => {
    const res = await server.fetch("/healthz");
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toMatchObject({ status: "ok" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("serves a valid OpenAPI 3.1 document", async () => {
    const res = await server.fetch("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await bodyOf(res);
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.paths["/healthz"].get.operationId).toBe("health.get");
  });

  it("serves the interactive reference page pointing at the document", async () => {
    const res = await server.fetch("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain(
      '<link rel="alternate" type="application/json" title="OpenAPI document" href="/openapi.json" />',
    );
    // Until the renderer replaces #app (or without JavaScript), the page links the document.
    expect(html).toMatch(
      /<div id="app"[^>]*><p[^>]*>Loading the API reference\..*<a href="\/openapi\.json">/,
    );
  });
});

describe("errors are problem+json", () => {
  it("404 for an unknown route", async () => {
    // /v1 authenticates first (401 without a key), so ask with one to reach the router's 404.
    const res = await server.fetch("/v1/nothing-here", {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    const body = await bodyOf(res);
    expect(body).toMatchObject({
      status: 404,
      type: expect.stringMatching(/\/not-found$/),
      title: "Not found",
    });
    expect(body.detail).toContain("/v1/nothing-here");
  });

  it("405 with Allow for a known route and another method", async () => {
    const res = await server.fetch("/healthz", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect(res.headers.get("content-type")).toBe(PROBLEM);
  });

  it("400 for malformed JSON, without a stack trace", async () => {
    const res = await server.fetch("/v1/test-pattern", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"pattern": ',
    });
    // The route may not exist yet or may need a key; either way the answer is problem+json.
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it("413 for a body over 1 MiB", async () => {
    const res = await server.fetch("/healthz", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES + 10) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe(PROBLEM);
    expect((await bodyOf(res)).type).toMatch(/\/payload-too-large$/);
  });
});
