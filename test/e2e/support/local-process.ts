/**
 * `npm start`'s entry (api/entry/local.ts through tsx) as a child process on a free port with a
 * temporary data folder and a known platform-admin key: the e2e suite talks to it over HTTP only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessRun, runToExit } from "../../support/process.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface LocalProcess {
  url: string;
  /** The server's own pid (node runs api/entry/local.ts directly, no npm in between). */
  pid: number;
  adminKey: string;
  dataDir: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then the data folder goes (unless the caller passed its own). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or `kill -9`: nothing settles, the data folder stays for a restart. */
  kill(): Promise<void>;
}

export async function startLocalProcess(
  options: {
    startTimeoutMs?: number;
    dataDir?: string;
    adminKey?: string;
    env?: Record<string, string>;
  } = {},
): Promise<LocalProcess> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "switchyard-e2e-")));
  const adminKey = options.adminKey ?? `sy_${randomBytes(32).toString("base64url")}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "api/entry/local.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_ADMIN_KEY: adminKey,
      LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the local server did not start in time:\n${output}`)),
        options.startTimeoutMs ?? 30_000,
      );
      const onData = () => {
        const match = /Switchyard listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolve(match[1]!);
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the local server exited with ${code} before listening:\n${output}`));
      });
    });
    return { url, pid: child.pid!, adminKey, dataDir, output: () => output, stop, kill };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Runs `npm start`'s entry with `env` until it exits on its own (a start it refuses), with a
 * deadline: the exit code and what it printed.
 */
export function runLocalEntryToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<ProcessRun> {
  return runToExit(process.execPath, ["--import", "tsx", "api/entry/local.ts"], {
    cwd: ROOT,
    env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    timeoutMs,
  });
}
