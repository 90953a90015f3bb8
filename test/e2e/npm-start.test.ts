/**
 * `npm start` exactly as the README runs it: it serves, and stopping npm stops the server too
 * (npm does not forward SIGTERM to its script, so the server must notice on its own).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("npm start", () => {
  it("serves /healthz and shuts down when npm itself is stopped", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-npm-start-"));
    dirs.push(dataDir);
    const npm = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    // The pipe closes only when every process holding it (npm, its shell, the server) has exited.
    const pipeClosed = new Promise<void>((resolve) => npm.stdout.once("close", () => resolve()));

    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not listen:\n${output}`)), 30_000);
      npm.stdout.on("data", () => {
        const match = /Switchyard listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // A request head past Node's 16 KiB is answered by the server, as problem+json.
    const oversized = await fetch(`${url}/healthz`, { headers: { "x-padding": "a".repeat(20_000) } });
    expect(oversized.status).toBe(431);
    expect(oversized.headers.get("content-type")).toBe("application/problem+json");
    expect(((await oversized.json()) as { type: string }).type).toBe(
      "https://switchyard.dev/problems/request-header-fields-too-large",
    );

    npm.kill("SIGTERM");
    await pipeClosed;
    expect(output).toContain("shutting down");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
