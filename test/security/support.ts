/**
 * The adversarial suite's cast: a hostile team posting what an attacker would, and a bystander team
 * whose deployed stage must keep being served, and stay exactly as it was, whatever the other sends.
 */
import { randomUUID } from "node:crypto";
import { get as httpGet } from "node:http";
import { expect } from "vitest";
import { bearer, jsonRequest } from "../support/auth.js";
import type { ServerAccess } from "../support/seed.js";
import { type DeployedStage, deploySeed } from "../support/seed.js";
import { bodyOf } from "../support/server.js";

export const PROBLEM = "application/problem+json";

/** Asserts an RFC 9457 problem with this status (and `type` slug, when given); returns its body. */
export async function expectProblem(res: Response, status: number, slug?: string): Promise<any> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toBe(PROBLEM);
  const body = JSON.parse(text);
  expect(body.status).toBe(status);
  if (slug) expect(body.type).toBe(`https://switchyard.dev/problems/${slug}`);
  return body;
}

export interface Hostile {
  team: string;
  key: string;
  project: string;
  /** POSTs config text (YAML unless `contentType` says otherwise) to the team's project. */
  postConfig(body: string, contentType?: string): Promise<Response>;
  /** POSTs `{ config }` (an object or text) as JSON. */
  postConfigJson(config: unknown): Promise<Response>;
  /** How many config versions the project has (a refused config stores none). */
  versions(): Promise<number>;
}

/**
 * Posts `yaml` as the team's next config version (stored: refusals come at compile time); preview,
 * deploy and /v1/validate must each refuse it with the same located problems, and no deployment
 * of the stage starts. Returns the problems.
 */
export async function refusedEverywhere(
  server: { fetch(path: string, init?: RequestInit): Promise<Response> },
  team: Hostile,
  yaml: string,
): Promise<{ path: string; line?: number; column?: number; message: string }[]> {
  const posted = await team.postConfig(yaml);
  expect(posted.status, await posted.clone().text()).toBe(201);
  const stage = `/v1/projects/${team.project}/stages/dev`;
  const refusal = async (path: string, body: object) =>
    expectProblem(await server.fetch(path, jsonRequest(team.key, "POST", body)), 422, "config-invalid");
  const preview = await refusal(`${stage}/previews`, {});
  const deploy = await refusal(`${stage}/deployments`, {});
  expect(deploy.errors).toEqual(preview.errors);
  const validate = await refusal("/v1/validate", { config: yaml, project: team.project, stage: "dev" });
  expect(validate.errors).toEqual(preview.errors);
  const deployments = await bodyOf(await server.fetch(`${stage}/deployments`, jsonRequest(team.key, "GET")));
  expect(deployments.items ?? []).toEqual([]);
  return preview.errors;
}

/** A team with a maintainer key (its highest role) and an empty project: where hostile configs come from. */
export async function hostileTeam(server: ServerAccess): Promise<Hostile> {
  const call = (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init);
  const expectCreated = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(201);
    return bodyOf(res);
  };
  const team = `hostile-${randomUUID().slice(0, 8)}`;
  await expectCreated(await call("/v1/teams", jsonRequest(server.adminKey, "POST", { name: team })));
  const { secret: key } = await expectCreated(
    await call(
      `/v1/teams/${team}/api-keys`,
      jsonRequest(server.adminKey, "POST", { name: "hostile", role: "maintainer" }),
    ),
  );
  const project = `p-${team.slice(8)}`;
  await expectCreated(await call("/v1/projects", jsonRequest(key, "POST", { name: project })));
  const configs = `/v1/projects/${project}/configs`;
  return {
    team,
    key,
    project,
    postConfig: (body, contentType = "application/yaml") =>
      call(configs, { method: "POST", headers: { ...bearer(key), "content-type": contentType }, body }),
    postConfigJson: (config) => call(configs, jsonRequest(key, "POST", { config })),
    versions: async () => {
      const res = await call(configs, jsonRequest(key, "GET"));
      expect(res.status).toBe(200);
      return (await bodyOf(res)).items.length;
    },
  };
}

export interface Bystander extends DeployedStage {
  /** Asserts the team is still served and its stage, buses and rules are as they were. */
  assertUntouched(): Promise<void>;
}

/** Another team with the seed example deployed: its view must not change under attack. */
export async function bystanderTeam(server: ServerAccess): Promise<Bystander> {
  const deployed = await deploySeed(server);
  expect(deployed.deployment.status).toBe("SUCCEEDED");
  const read = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, jsonRequest(deployed.key, "GET"));
    expect(res.status, `GET ${path}`).toBe(200);
    return bodyOf(res);
  };
  const snapshot = async () => {
    const stage = await read(deployed.stagePath);
    return {
      status: stage.status,
      deployedConfigVersion: stage.deployedConfigVersion,
      outputs: stage.outputs,
      rules: (await read(`${deployed.stagePath}/buses/myEventBus/rules`)).rules,
      configs: (await read(`/v1/projects/${deployed.project}/configs`)).items.length,
    };
  };
  const before = await snapshot();
  return {
    ...deployed,
    async assertUntouched() {
      expect(await snapshot()).toEqual(before);
      // Served, not only readable: validating needs the config language, publishing the engine.
      const validated = await fetch(`${server.url}/v1/validate`, {
        method: "POST",
        headers: { ...bearer(deployed.key), "content-type": "application/yaml" },
        body: "resources:\n  bus:\n    type: event-bus\n",
      });
      expect(validated.status, await validated.clone().text()).toBe(200);
      const published = await fetch(
        `${server.url}${deployed.stagePath}/buses/myEventBus/events`,
        jsonRequest(deployed.key, "POST", {
          entries: [{ source: "bystander", detailType: "t", detail: {} }],
        }),
      );
      expect(published.status, await published.clone().text()).toBe(200);
    },
  };
}

/**
 * GET /healthz on a connection of its own: a kept-alive connection can be closed by the server's
 * idle timer just as the next request goes out (ECONNRESET), which says nothing about the service.
 */
export function healthzOnNewConnection(baseUrl: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(`${baseUrl}/healthz`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("/healthz did not answer in time")));
    req.on("error", reject);
  });
}
