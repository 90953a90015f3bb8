/**
 * Which teams exist is not for a key of another team to learn. Every route that names a team (its
 * path's `{team}`, the `team` of `POST /v1/projects` and of `GET /v1/projects?team=`) answers a
 * caller outside that team byte for byte what it answers for a team that does not exist: same
 * status, headers that matter, `type`, `title` and `detail` (up to the name it was given). Only a
 * member learns more (403 for a role too weak), and a platform admin sees every team.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_MANIFEST } from "../../api/routes/manifest.js";
import { bearer, createKey, createTeam, createTeamWithKey } from "../support/auth.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
/** Teams that exist, none of them the outsider's. */
const theirs: string[] = [];
let outsider: { team: string; admin: string; viewer: string };

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < 3; i++) theirs.push(await createTeam(server));
  const { team, key } = await createTeamWithKey(server, "admin");
  outsider = { team, admin: key, viewer: await createKey(server, team, "viewer") };
});
afterAll(() => server.close());

interface TeamRequest {
  what: string;
  /** The request naming `team`. */
  build(team: string): { path: string; init: RequestInit };
  /**
   * What an outsider of this role gets: 404, but 422 where the team is named in a body and 403
   * where the route refuses the role (or is a platform admin's) whichever team is named.
   */
  status: (role: "admin" | "viewer") => number;
}

const ids: Record<string, string> = {
  keyId: "key_01jf3q4x0r8k2m5n7p9s1t3v5w",
  id: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S",
  domain: "shop.example.com",
};
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

const REQUESTS: TeamRequest[] = [
  ...ROUTE_MANIFEST.filter((r) => r.path.includes("/:team")).map((r) => ({
    what: `${r.method} ${r.path}`,
    build: (team: string) => ({
      path: r.path.replace(/:([A-Za-z]+)/g, (_, name: string) => (name === "team" ? team : ids[name]!)),
      // A plausible body: the access check answers before anything of it is read.
      init:
        r.bodyTypes.length > 0
          ? json(r.method, { name: "k", role: "viewer", arns: [] })
          : { method: r.method },
    }),
    status: () => (r.access.scope === "platform-admin" ? 403 : 404),
  })),
  {
    what: "POST /v1/projects { team }",
    build: (team) => ({ path: "/v1/projects", init: json("POST", { name: "probe", team }) }),
    status: (role) => (role === "viewer" ? 403 : 422),
  },
  {
    what: "GET /v1/projects?team=",
    build: (team) => ({ path: `/v1/projects?team=${team}`, init: { method: "GET" } }),
    status: () => 404,
  },
];

/** The answer, with what differs per request (`requestId`) dropped and `team` shown as `<team>`. */
async function answer(key: string, request: TeamRequest, team: string) {
  const { path, init } = request.build(team);
  const res = await server.fetch(path, { ...init, headers: { ...(init.headers ?? {}), ...bearer(key) } });
  const { requestId: _id, ...body } = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    text: JSON.stringify(body).replaceAll(team, "<team>"),
  };
}

describe("a team the caller is not a member of", () => {
  it("answers every team route exactly as a team that does not exist, for any role", async () => {
    expect(REQUESTS.length).toBeGreaterThanOrEqual(14);
    for (const role of ["admin", "viewer"] as const) {
      const key = outsider[role];
      for (const request of REQUESTS) {
        const existing = await answer(key, request, theirs[0]!);
        const missing = await answer(key, request, "no-such-team-anywhere");
        expect(existing, request.what).toEqual(missing);
        expect(existing.status, `${request.what}: ${existing.text}`).toBe(request.status(role));
        expect(existing.contentType).toBe("application/problem+json");
        if (existing.status !== 403) {
          expect(JSON.parse(existing.text).detail, request.what).toBe("Team <team> does not exist.");
        }
      }
    }
  });

  it("is indistinguishable from a team that does not exist, whatever its name (fast-check)", async () => {
    const name = fc.stringMatching(/^[a-z0-9-]{1,40}$/).filter((n) => n !== outsider.team);
    // What a team that surely does not exist answers, per route, with the name left out.
    const template = new Map<string, string>();
    for (const request of REQUESTS) {
      template.set(request.what, JSON.stringify(await answer(outsider.admin, request, "zz-no-such-team")));
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...REQUESTS),
        fc.oneof(fc.constantFrom(...theirs), name),
        async (request, team) => {
          const got = await answer(outsider.admin, request, team);
          // The name may appear inside fixed words ("team", "not-found"): compare with it put back.
          const expected = JSON.parse(template.get(request.what)!) as typeof got;
          expect(got.status).toBe(expected.status);
          expect(got.text.replaceAll("<team>", team)).toBe(expected.text.replaceAll("<team>", team));
        },
      ),
      { numRuns: 150, seed: 4151 },
    );
  });

  it("still tells a member whose role is too weak that it is refused (403), and a platform admin sees all", async () => {
    const admins = REQUESTS.find((r) => r.what === "GET /v1/teams/:team/api-keys")!;
    const weak = await answer(outsider.viewer, admins, outsider.team);
    expect(weak.status).toBe(403);
    expect(JSON.parse(weak.text).detail).toBe(
      "This needs the admin role in team <team>; the key has viewer.",
    );
    const platform = await answer(server.adminKey, admins, theirs[0]!);
    expect(platform.status).toBe(200);
    const team = REQUESTS.find((r) => r.what === "GET /v1/teams/:team")!;
    expect((await answer(server.adminKey, team, theirs[1]!)).status).toBe(200);
    expect(await answer(server.adminKey, team, "no-such-team-anywhere")).toEqual(
      await answer(outsider.admin, team, theirs[1]!),
    );
  });
});
