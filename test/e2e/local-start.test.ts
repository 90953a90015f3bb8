/**
 * Starting `npm start`'s entry where it cannot run says why in one line and exits non-zero: a data
 * folder another Switchyard holds (named by its pid), a port in use. A lock left by a process that
 * died is taken over. The first start leaves the generated admin key for its owner alone.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LOCK_FILE } from "../../api/entry/data-dir-lock.js";
import { ADMIN_KEY_FILE, startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { type LocalProcess, runLocalEntryToExit, startLocalProcess } from "./support/local-process.js";

let first: LocalProcess;
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "switchyard-start-"));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  first = await startLocalProcess();
});
afterAll(async () => {
  await first?.stop();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("a second server on the same data folder", () => {
  it("is refused in one line naming the first one's pid, and exits 1", async () => {
    const lock = await readFile(path.join(first.dataDir, LOCK_FILE), "utf8");
    expect(lock.trim()).toBe(String(first.pid));

    const second = await runLocalEntryToExit({ PORT: "0", SWITCHYARD_DATA_DIR: first.dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `Another Switchyard (pid ${first.pid}) is using the data folder ${first.dataDir}; stop it first, or start this one with SWITCHYARD_DATA_DIR set to another folder.`,
    );
    expect(second.stdout).not.toContain("listening");
    // The first one still serves, its lock untouched.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await readFile(path.join(first.dataDir, LOCK_FILE), "utf8")).trim()).toBe(String(first.pid));
  });
});

describe("a port in use", () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it("is said in one line, not an EADDRINUSE stack, and the data folder is released", async () => {
    const dataDir = await tempDir();
    const out = await runLocalEntryToExit({ PORT: String(port), SWITCHYARD_DATA_DIR: dataDir });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe(
      `Port ${port} is in use on 127.0.0.1 (another Switchyard, or another program): stop it, or start this one on another port (PORT=${port + 1} npm start).`,
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
    await expect(stat(path.join(dataDir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe("a lock left behind", () => {
  it("by a process that no longer runs is taken over", async () => {
    const dataDir = await tempDir();
    // A pid that ran and has exited: nothing holds the folder any more.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const deadPid = Number(gone.stdout.toString());
    await writeFile(path.join(dataDir, LOCK_FILE), `${deadPid}\n`);

    const server = await startLocal({ port: 0, dataDir, log: silentLogger, print: () => {} });
    try {
      expect((await readFile(path.join(dataDir, LOCK_FILE), "utf8")).trim()).toBe(String(process.pid));
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(stat(path.join(dataDir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe("the generated admin key", () => {
  it("is printed once and left in the data folder with mode 0600; it works", async () => {
    const dataDir = await tempDir();
    const printed: string[] = [];
    vi.stubEnv("SWITCHYARD_ADMIN_KEY", "");
    const server = await startLocal({ port: 0, dataDir, log: silentLogger, print: (l) => printed.push(l) });
    try {
      const file = path.join(dataDir, ADMIN_KEY_FILE);
      const key = (await readFile(file, "utf8")).trim();
      expect(key).toMatch(/^sy_/);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(printed.filter((l) => l.includes(key))).toEqual([
        `Platform-admin API key: ${key}  (only its hash is stored; the key is also in ${file}, readable by you alone)`,
      ]);
      const me = await fetch(`${server.url}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await me.json()) as { platformAdmin: boolean }).platformAdmin).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await server.close();
    }
  });
});
