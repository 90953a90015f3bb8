import { expect } from "vitest";
import type { EventBridgeApi } from "../../api/local/eventbridge/api.js";
import { jsonRequest } from "../support/auth.js";
import { bodyOf, type TestServer } from "../support/server.js";

/** Posts a config version (YAML) as `key`; returns its number. */
export async function postConfig(
  server: TestServer,
  key: string,
  project: string,
  yaml: string,
): Promise<number> {
  const res = await server.fetch(`/v1/projects/${project}/configs`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
    body: yaml,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await bodyOf(res)).version;
}

export async function createProject(server: TestServer, team: string, name: string): Promise<void> {
  const res = await server.fetch("/v1/projects", jsonRequest(server.adminKey, "POST", { name, team }));
  expect(res.status, await res.clone().text()).toBe(201);
}

const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];

/** Polls a deployment every 20 ms until it ends (the local engine reports as it goes). */
export async function settled(server: TestServer, key: string, id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 1500; i++) {
    const res = await server.fetch(`/v1/deployments/${id}`, jsonRequest(key, "GET"));
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    if (TERMINAL.includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`deployment ${id} did not end`);
}

/**
 * The real engine behind a gate: every call waits for `open()`. Lets a test hold a deployment
 * mid-way (a second deployment arriving, a deployer dying) without timing assumptions.
 */
export function gatedEngine(engine: EventBridgeApi): { api: EventBridgeApi; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const api = new Proxy(engine, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await gate;
        return value.apply(target, args);
      };
    },
  });
  return { api, open };
}
