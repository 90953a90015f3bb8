import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { jsonRequest } from "./auth.js";
import { poll } from "./poll.js";

/** Where a running app answers and a platform-admin key for it (a TestServer, or startLocal's). */
export interface ServerAccess {
  url: string;
  adminKey: string;
}

/** A stage deployed through the API, once its deployment ended (whether or not it succeeded). */
export interface DeployedStage {
  team: string;
  /** The team's maintainer key that posted the config and started the deployment. */
  key: string;
  project: string;
  /** `/v1/projects/<project>/stages/<stage>`; its buses are under `${stagePath}/buses/<name>`. */
  stagePath: string;
  /** The ended deployment as GET /v1/deployments/{id} answers it: status, reason, events. */
  deployment: Record<string, any>;
  /** The stage as GET answers it after the deployment: status, outputs. */
  stage: Record<string, any>;
}

const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];

/** The seed example (test/fixtures/configs/seed.yaml), optionally with archivation on its bus. */
export async function seedConfig(options: { archivation?: boolean } = {}): Promise<string> {
  const seed = await readFile(new URL("../fixtures/configs/seed.yaml", import.meta.url), "utf8");
  if (!options.archivation) return seed;
  const archived = seed.replace(
    'myEventBus:\n    type: "event-bus"',
    'myEventBus:\n    type: "event-bus"\n    properties:\n      archivation:\n        enabled: true',
  );
  if (archived === seed) throw new Error("seed.yaml no longer declares myEventBus as the helper expects");
  return archived;
}

/**
 * What most API stories start with: a new team with a maintainer key, a project, `yaml` posted as
 * its first version, and a deployment of it to `stage`, polled until it ends.
 */
export async function deployToStage(
  server: ServerAccess,
  yaml: string,
  options: { project?: string; stage?: string; allowed?: string[] } = {},
): Promise<DeployedStage> {
  const call = async (path: string, init: RequestInit, expected: number) => {
    const res = await fetch(`${server.url}${path}`, init);
    const body = await res.text();
    expect(res.status, `${init.method ?? "GET"} ${path}: ${body}`).toBe(expected);
    return body ? JSON.parse(body) : undefined;
  };
  const team = `team-${randomUUID().slice(0, 8)}`;
  const project = options.project ?? `p-${randomUUID().slice(0, 8)}`;
  const stagePath = `/v1/projects/${project}/stages/${options.stage ?? "dev"}`;
  await call("/v1/teams", jsonRequest(server.adminKey, "POST", { name: team }), 201);
  const { secret: key } = await call(
    `/v1/teams/${team}/api-keys`,
    jsonRequest(server.adminKey, "POST", { name: "seed maintainer", role: "maintainer" }),
    201,
  );
  if (options.allowed) {
    // What a platform admin lets the team's stacks name outside its namespace (the default bus, ...).
    await call(
      `/v1/teams/${team}/allowed-resources`,
      jsonRequest(server.adminKey, "PUT", { arns: options.allowed }),
      200,
    );
  }
  await call("/v1/projects", jsonRequest(key, "POST", { name: project }), 201);
  await call(
    `/v1/projects/${project}/configs`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
      body: yaml,
    },
    201,
  );
  const { id } = await call(`${stagePath}/deployments`, jsonRequest(key, "POST", {}), 202);
  const deployment = await poll(
    () => call(`/v1/deployments/${id}`, jsonRequest(key, "GET"), 200),
    (d) => TERMINAL.includes(d.status),
    30_000,
  );
  const stage = await call(stagePath, jsonRequest(key, "GET"), 200);
  return { team, key, project, stagePath, deployment, stage };
}

/** The seed example deployed with `deployToStage`. */
export async function deploySeed(
  server: ServerAccess,
  options: { archivation?: boolean; project?: string; stage?: string } = {},
): Promise<DeployedStage> {
  return deployToStage(server, await seedConfig(options), options);
}
