import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "switchyard-"));
  dirs.push(dir);
  return dir;
}

const KEY_LINE = /Platform-admin API key[^:]*: (sy_\S+)/;

describe("the local entry (npm start)", () => {
  it("prints a generated admin key only on the first start, and keeps all data across a restart", async () => {
    const printed: string[] = [];
    const opts = {
      port: 0,
      dataDir: await dataDir(),
      adminKey: "",
      log: silentLogger,
      print: (l: string) => printed.push(l),
    };

    const first = await startLocal(opts);
    let adminKey: string;
    try {
      expect(printed.join("\n")).toContain(`${first.url}/docs`);
      adminKey = KEY_LINE.exec(printed.join("\n"))?.[1] ?? "";
      expect(adminKey).toMatch(/^sy_/);
      const auth = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
      const call = (p: string, body: unknown) =>
        fetch(`${first.url}${p}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
      expect((await call("/v1/teams", { name: "persisted" })).status).toBe(201);
      expect((await call("/v1/projects", { name: "kept", team: "persisted" })).status).toBe(201);
      expect(
        (await call("/v1/projects/kept/configs", { config: { resources: { b: { type: "event-bus" } } } }))
          .status,
      ).toBe(201);
    } finally {
      await first.close();
    }

    printed.length = 0;
    const second = await startLocal(opts);
    try {
      expect(printed.join("\n")).not.toMatch(KEY_LINE);
      const headers = { authorization: `Bearer ${adminKey}` };
      const project = await fetch(`${second.url}/v1/projects/kept`, { headers });
      expect(project.status).toBe(200);
      expect(await project.json()).toMatchObject({ name: "kept", team: "persisted", latestVersion: 1 });
      const latest = await fetch(`${second.url}/v1/projects/kept/configs/latest`, { headers });
      expect(await latest.json()).toMatchObject({
        version: 1,
        config: { resources: { b: { type: "event-bus" } } },
      });
    } finally {
      await second.close();
    }
  });

  it("generates nothing when an admin key is configured, and accepts that key", async () => {
    const printed: string[] = [];
    const adminKey = "configured-admin-key-0123456789abcdef";
    const server = await startLocal({
      port: 0,
      dataDir: await dataDir(),
      adminKey,
      log: silentLogger,
      print: (l) => printed.push(l),
    });
    try {
      expect(printed.join("\n")).not.toMatch(KEY_LINE);
      const who = await fetch(`${server.url}/v1/whoami`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(await who.json()).toMatchObject({ platformAdmin: true });
    } finally {
      await server.close();
    }
  });
});
