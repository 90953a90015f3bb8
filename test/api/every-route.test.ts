/**
 * Properties every `/v1` route must have, checked over the route manifest the app mounts from, so a
 * route added later is covered without anyone remembering to list it here:
 * - without a key, or with an unknown one, it answers 401 problem+json before anything else;
 * - another team's admin never gets a 2xx from a route about team A's project, team, key or
 *   deployment: 404, the same answer as for one that does not exist (403 only from a platform-admin
 *   route, whichever team it names), and nothing of A's.
 * - a caller the route's declared access refuses (api/auth/access.ts) gets one answer whatever it
 *   sends (no body, an empty one, a valid-looking one, broken JSON, another media type): 401, 403
 *   or 404 before any validation, so the answer never tells it the route's schema.
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
let viewerOfA: string;
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
  viewerOfA = key.secret;
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
      // Only a platform-admin route refuses it (403, whichever team); everything else is not there.
      expect(real.status, what).toBe(route.access.scope === "platform-admin" ? 403 : 404);
      for (const secret of secretsOfA) expect(real.text, what).not.toContain(secret);
      expect(await answer(route, { ...params, ...missing }), what).toEqual(
        expect.objectContaining({ status: real.status, body: real.body }),
      );
    }
  });

  it("refuses a caller its access rule refuses before validating anything it sent", async () => {
    // Bodies that would each get another answer from the route's validators.
    const variants: { what: string; headers: Record<string, string>; body?: string }[] = [
      { what: "no body", headers: {} },
      { what: "an empty JSON object", headers: { "content-type": "application/json" }, body: "{}" },
      {
        what: "a plausible body",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "x", role: "viewer", config: "resources: {}", entries: [] }),
      },
      { what: "broken JSON", headers: { "content-type": "application/json" }, body: "{not json" },
      { what: "another media type", headers: { "content-type": "text/plain" }, body: "hello" },
      { what: "a wrong query", headers: {}, body: undefined },
    ];
    const refusals: { key?: string; expected: number; routes: typeof v1Routes }[] = [
      // Routes whose rule a team's viewer does not meet.
      {
        key: viewerOfA,
        expected: 403,
        routes: v1Routes.filter((r) => r.access.scope === "platform-admin" || r.access.role !== "viewer"),
      },
      // Another team's admin on A's team and project routes: they do not exist for it.
      {
        key: otherAdmin,
        expected: 404,
        routes: v1Routes.filter((r) => r.access.scope === "project" || r.access.scope === "team"),
      },
      // No key at all.
      { expected: 401, routes: v1Routes },
    ];
    expect(refusals[0]!.routes.length).toBeGreaterThanOrEqual(15);
    for (const { key, expected, routes } of refusals) {
      for (const route of routes) {
        const answers = new Set<string>();
        for (const variant of variants) {
          const query = variant.what === "a wrong query" ? "?limit=-1&cursor=%00&version=x" : "";
          const res = await server.fetch(`${concrete(route.path)}${query}`, {
            method: route.method,
            headers: { ...variant.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
            ...(variant.body !== undefined && route.method !== "GET" ? { body: variant.body } : {}),
          });
          const { requestId: _id, ...body } = (await res.json()) as Record<string, unknown>;
          const what = `${route.method} ${route.path} with ${variant.what}: ${JSON.stringify(body)}`;
          expect(res.status, what).toBe(expected);
          expect(res.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
          answers.add(JSON.stringify({ status: res.status, body }));
        }
        expect([...answers], `${route.method} ${route.path}`).toHaveLength(1);
      }
    }
  });
});
