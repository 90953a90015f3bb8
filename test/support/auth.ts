import { randomUUID } from "node:crypto";
import type { Role } from "../../api/auth/roles.js";
import type { TestServer } from "./server.js";

/** `Authorization` header for a key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** JSON request init with a key. */
export function jsonRequest(key: string, method: string, body?: unknown): RequestInit {
  return {
    method,
    headers: { ...bearer(key), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** A fresh, uniquely named team, created with the server's platform-admin key. */
export async function createTeam(
  server: TestServer,
  name = `team-${randomUUID().slice(0, 8)}`,
): Promise<string> {
  const res = await server.fetch("/v1/teams", jsonRequest(server.adminKey, "POST", { name }));
  if (res.status !== 201) throw new Error(`creating team ${name}: ${res.status} ${await res.text()}`);
  return name;
}

/** Issues a key with `role` in `team` (as platform admin) and returns its secret. */
export async function createKey(
  server: TestServer,
  team: string,
  role: Role,
  name = `${role} key`,
): Promise<string> {
  const res = await server.fetch(
    `/v1/teams/${team}/api-keys`,
    jsonRequest(server.adminKey, "POST", { name, role }),
  );
  if (res.status !== 201) throw new Error(`creating a ${role} key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}

/** A new team and a key with `role` in it: the usual start of an API test. */
export async function createTeamWithKey(
  server: TestServer,
  role: Role,
): Promise<{ team: string; key: string }> {
  const team = await createTeam(server);
  return { team, key: await createKey(server, team, role) };
}
