/**
 * Writes a team, one project and a viewer key into `table` through the app itself (no server, no
 * vitest): for tests and benchmarks whose requests must find real data, such as a fresh Lambda
 * process reading the store.
 */
import { createApp } from "../../api/app.js";
import { generateApiKey } from "../../api/auth/secrets.js";
import { silentLogger } from "../../api/http/logger.js";
import { createStore } from "../../api/store/index.js";
import type { Table } from "../../api/store/table.js";

export async function seedTeamProjectKey(
  table: Table,
  names: { team: string; project: string },
): Promise<{ viewerKey: string }> {
  const adminKey = generateApiKey().secret;
  const app = createApp({
    log: silentLogger,
    table,
    store: createStore(table),
    adminKey,
    now: () => new Date(),
  });
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  await post("/v1/teams", { name: names.team });
  await post("/v1/projects", { name: names.project, team: names.team });
  const { secret } = await post(`/v1/teams/${names.team}/api-keys`, {
    name: "seeded viewer",
    role: "viewer",
  });
  return { viewerKey: secret as string };
}
