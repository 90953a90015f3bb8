/**
 * The client facade against the real app over HTTP: auth header, response bodies, and every error
 * answer turned into a SwitchyardError that carries the problem+json.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, SwitchyardError } from "../../../sdk-client/src/index.js";
import { startTestServer, type TestServer } from "../../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Runs `fn` and returns what it rejected with; fails the test if it resolved. */
async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to reject");
}

describe("createClient", () => {
  it("calls open operations without a key and resolves to the response body", async () => {
    const sy = createClient({ baseUrl: `${server.url}/` });
    expect(await sy.health.get()).toEqual({ status: "ok", version: expect.any(String) });
  });

  it("sends the API key as a bearer token on authenticated operations", async () => {
    const sy = createClient({ baseUrl: server.url, apiKey: server.adminKey });
    expect(await sy.whoami.get()).toMatchObject({ platformAdmin: true });
  });

  it("adds the configured headers and uses the configured fetch", async () => {
    const seen: Request[] = [];
    const sy = createClient({
      baseUrl: server.url,
      apiKey: server.adminKey,
      headers: { "x-portal-user": "ada" },
      fetch: (input, init) => {
        const request = new Request(input, init);
        seen.push(request.clone());
        return fetch(request);
      },
    });
    await sy.whoami.get();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get("x-portal-user")).toBe("ada");
    expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${server.adminKey}`);
  });
});

describe("errors", () => {
  it("rejects a missing key with a SwitchyardError carrying the 401 problem", async () => {
    const err = await rejection(() => createClient({ baseUrl: server.url }).whoami.get());
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as SwitchyardError;
    expect(e.status).toBe(401);
    expect(e.slug).toBe("unauthenticated");
    expect(e.type).toBe("https://switchyard.dev/problems/unauthenticated");
    expect(e.detail).toMatch(/API key/);
    expect(e.requestId).toEqual(expect.any(String));
    expect(e.request).toBe(`GET ${server.url}/v1/whoami`);
    expect(e.message).toBe(`401 ${e.title}: ${e.detail}`);
    expect(e.errors).toEqual([]);
  });

  it("carries the located errors[] of a validation problem", async () => {
    const sy = createClient({ baseUrl: server.url, apiKey: server.adminKey });
    const err = (await rejection(() =>
      sy.teams.create({ body: { name: "Not A Valid Name!" } }),
    )) as SwitchyardError;
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err.status).toBe(400);
    expect(err.errors.length).toBeGreaterThan(0);
    expect(err.errors[0]).toMatchObject({
      path: expect.stringContaining("name"),
      message: expect.any(String),
    });
    expect(err.problem.errors).toEqual(err.errors);
  });

  it("turns a non-problem error page (a proxy's 502) into a SwitchyardError of type about:blank", async () => {
    const sy = createClient({
      baseUrl: server.url,
      fetch: async () =>
        new Response("<html>Bad gateway</html>", {
          status: 502,
          statusText: "Bad Gateway",
          headers: { "content-type": "text/html" },
        }),
    });
    const err = (await rejection(() => sy.health.get())) as SwitchyardError;
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({
      status: 502,
      type: "about:blank",
      title: "Bad Gateway",
      detail: "<html>Bad gateway</html>",
    });
  });

  it("refuses the event stream of an unknown deployment with the 404 problem", async () => {
    const sy = createClient({ baseUrl: server.url, apiKey: server.adminKey });
    const err = await rejection(async () => {
      for await (const _ of sy.deploymentEvents("01JD5Z3M9X2Q8R7T6Y5W4V3T2S")) {
        // no events expected
      }
    });
    expect(err).toBeInstanceOf(SwitchyardError);
    expect(err).toMatchObject({ status: 404, slug: "not-found" });
  });

  it("lets a network failure through as it is, not as an API error", async () => {
    // A port nothing listens on: the server is closed right after it got its port.
    const closed = await startTestServer();
    await closed.close();
    const err = await rejection(() => createClient({ baseUrl: closed.url }).health.get());
    expect(err).not.toBeInstanceOf(SwitchyardError);
    expect(err).toBeInstanceOf(TypeError);
  });
});
