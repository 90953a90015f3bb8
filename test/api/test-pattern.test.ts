import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let viewerKey: string;
beforeAll(async () => {
  server = await startTestServer();
  viewerKey = (await createTeamWithKey(server, "viewer")).key;
});
afterAll(() => server.close());

const testPattern = (body: unknown, key = viewerKey) =>
  server.fetch("/v1/test-pattern", jsonRequest(key, "POST", body));

describe("POST /v1/test-pattern", () => {
  it("answers whether the pattern matches, for any authenticated role", async () => {
    const pattern = { source: ["orders"], detail: { amount: [{ numeric: [">", 100] }] } };
    const hit = await testPattern({ pattern, event: { source: "orders", detail: { amount: 250 } } });
    expect(hit.status).toBe(200);
    expect(await bodyOf(hit)).toEqual({ matches: true });
    const miss = await testPattern({ pattern, event: { source: "orders", detail: { amount: 50 } } });
    expect(await bodyOf(miss)).toEqual({ matches: false });
  });

  it("takes pattern and event as JSON text, keeping big integers exact", async () => {
    const pattern = '{"detail":{"id":[12345678901234567890]}}';
    expect(
      await bodyOf(await testPattern({ pattern, event: '{"detail":{"id":12345678901234567890}}' })),
    ).toEqual({
      matches: true,
    });
    expect(
      await bodyOf(await testPattern({ pattern, event: '{"detail":{"id":12345678901234567891}}' })),
    ).toEqual({
      matches: false,
    });
  });

  it("answers 400 problem+json with EventBridge's message for an invalid pattern", async () => {
    const res = await testPattern({ pattern: { detail: { state: "running" } }, event: { detail: {} } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await bodyOf(res)).toMatchObject({
      type: "https://switchyard.dev/problems/invalid-event-pattern",
      status: 400,
      detail: 'Event pattern is not valid. Reason: "state" must be an object or an array',
    });
  });

  it("reports a pattern over the 4,096-character limit as an invalid pattern, not an invalid event", async () => {
    const res = await testPattern({ pattern: { source: ["x".repeat(5000)] }, event: { source: "x" } });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).type).toBe("https://switchyard.dev/problems/invalid-event-pattern");
  });

  it("answers 400 when pattern or event is missing", async () => {
    const res = await testPattern({ pattern: { source: ["a"] } });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "json.event" })]),
    );
  });

  it("needs an API key", async () => {
    const res = await server.fetch("/v1/test-pattern", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pattern: { source: ["a"] }, event: { source: "a" } }),
    });
    expect(res.status).toBe(401);
  });
});
