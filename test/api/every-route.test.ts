/**
 * Properties every `/v1` route must have, checked over the route manifest the app mounts from, so a
 * route added later is covered without anyone remembering to list it here:
 * - without a key, or with an unknown one, it answers 401 problem+json before anything else;
 * - another team's admin never gets a 2xx from a route about team A's project, team, key or
 *   deployment: 403 or 404 (or 400 for a body refused before any lookup), and nothing of A's.
 * The authz matrix (authz-matrix.test.ts) checks each role's exact answers route by route.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_MANIFEST } from "../../api/routes/manifest.js";
import { createTeamWithKey, jsonRequest } from "../support/auth.js";
import { deployToStage } from "../support/seed.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let params: Record<string, string>;
let otherAdmin: string;
const secretsOfA: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  // Team A: a deployed project with a bus, a config version, a deployment and a second key.
  const a = await deployToStage(server, "resources:\n  orders:\n    type: event-bus\n");
  const keyRes = await server.fetch(
    `/v1/teams/${a.team}/api-keys`,
    jsonRequest(server.adminKey, "POST", { name: "ci", role: "viewer" }),
  );
  const key = (await keyRes.json()) as { keyId: string; secret: string };
  secretsOfA.push(a.key, key.secret);
  params = {
    team: a.team,
    project: a.project,
    stage: "dev",
    bus: "orders",
    version: "1",
    keyId: key.keyId,
    id: a.deployment.id as string,
    name: "replay-1",
  };
  otherAdmin = (await createTeamWithKey(server, "admin")).key;
});
afterAll(() => server.close());

const v1Routes = ROUTE_MANIFEST.filter((r) => r.path.startsWith("/v1/"));
const concrete = (path: string) => path.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name] ?? name);
const request = (route: (typeof v1Routes)[number], authorization?: string): RequestInit => ({
  method: route.method,
  headers: {
    ...(authorization ? { authorization } : {}),
    ...(route.bodyTypes.length > 0 ? { "content-type": "application/json" } : {}),
  },
  ...(route.bodyTypes.length > 0 ? { body: "{}" } : {}),
});

describe("every /v1 route", () => {
  it("covers the whole API (the manifest is not empty or partial)", () => {
    expect(v1Routes.length).toBeGreaterThanOrEqual(35);
    expect(new Set(v1Routes.map((r) => r.group)).size).toBeGreaterThanOrEqual(11);
  });

  it("answers 401 problem+json without a key, with a malformed header and with an unknown key", async () => {
    for (const route of v1Routes) {
      for (const authorization of [
        undefined,
        "Basic dXNlcjpwYXNz",
        "Bearer sy_unknownKey0000000000000000000000000000",
      ]) {
        const res = await server.fetch(concrete(route.path), request(route, authorization));
        const what = `${route.method} ${route.path} with ${authorization ?? "no Authorization"}`;
        expect(res.status, what).toBe(401);
        expect(res.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
        expect(res.headers.get("www-authenticate"), what).toBe("Bearer");
        expect((await bodyOf(res)).type, what).toBe("https://switchyard.dev/problems/unauthenticated");
      }
    }
  });

  it("answers another team's admin as if team A's project, team, key or deployment did not exist", async () => {
    const scoped = v1Routes.filter((r) => /:(team|project|id|keyId)\b/.test(r.path));
    expect(scoped.length).toBeGreaterThanOrEqual(25);
    // Ids of the same shape as A's, so they pass the same validation.
    const unused = (id: string) => `${id.slice(0, -4)}${id.endsWith("ZZZZ") ? "YYYY" : "ZZZZ"}`;
    const missing: Record<string, string> = {
      team: "no-such-team",
      project: "no-such-project",
      id: unused(params.id!),
      keyId: unused(params.keyId!),
    };
    // The answer with A's real names, and with names that exist nowhere, minus what is per request.
    const answer = async (route: (typeof scoped)[number], values: Record<string, string>) => {
      const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? name);
      const res = await server.fetch(path, request(route, `Bearer ${otherAdmin}`));
      let text = await res.text();
      for (const name of Object.keys(missing)) text = text.replaceAll(values[name]!, `<${name}>`);
      const { requestId: _id, ...body } = JSON.parse(text) as Record<string, unknown>;
      return { status: res.status, body, text };
    };
    for (const route of scoped) {
      const real = await answer(route, params);
      const what = `${route.method} ${route.path}: ${real.status} ${real.text}`;
      expect([400, 403, 404], what).toContain(real.status);
      for (const secret of secretsOfA) expect(real.text, what).not.toContain(secret);
      expect(await answer(route, { ...params, ...missing }), what).toEqual(
        expect.objectContaining({ status: real.status, body: real.body }),
      );
    }
  });
});
