/**
 * The `switchyard` CLI as a user runs it: the package's bin (sdk-client/bin/switchyard.js, which
 * loads the compiled dist/), in a process of its own, with or without a terminal. Without one its
 * stdout and stderr are kept apart; with one (`tty: true`, through util-linux's `script`, with a
 * 100-column pseudo-terminal) both arrive mixed, as on a screen.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessRun, runToExit } from "./process.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI_BIN = path.join(ROOT, "sdk-client/bin/switchyard.js");
const CLI_MAIN = path.join(ROOT, "sdk-client/dist/cli/main.js");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm test` compiles the client before vitest; a single file run compiles it when it is stale. */
export function ensureCliBuilt(): void {
  let built = 0;
  try {
    built = statSync(CLI_MAIN).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newestSource(path.join(ROOT, "sdk-client/src"))) return;
  const tsc = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "sdk-client/tsconfig.json"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0) throw new Error(`compiling the client failed:\n${tsc.stdout}${tsc.stderr}`);
}

export type CliRun = ProcessRun;

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  /** Run it on a pseudo-terminal (stdout then holds stderr too). */
  tty?: boolean;
  /** Run it as `npx switchyard` from the checkout (the bin npm ci linked), not node + the bin. */
  npx?: boolean;
  timeoutMs?: number;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  const line = options.npx ? ["npx", "switchyard", ...args] : [process.execPath, CLI_BIN, ...args];
  const [command, argv] = options.tty
    ? ["script", ["-qec", `stty cols 100 rows 30; exec ${line.map(shellQuote).join(" ")}`, "/dev/null"]]
    : [line[0]!, line.slice(1)];
  if (options.tty) {
    // A person's terminal: no CI marker, a real terminal type.
    delete env.CI;
    env.TERM = "xterm-256color";
  }
  return runToExit(command, argv, {
    cwd: ROOT,
    env,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** Terminal output as text: escape sequences out, carriage returns as line breaks. */
export const ESC = String.fromCharCode(27);
const CONTROL_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");
export const screenText = (s: string) => s.replace(CONTROL_SEQUENCE, "").replace(/\r\n?/g, "\n");
