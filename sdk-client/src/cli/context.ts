/**
 * What every command shares: where the server is and the key (flags, then environment, then what
 * `switchyard login` stored), the client built on them, and how results and failures are printed.
 * Results go to stdout (JSON with `--json`), progress and diagnostics to stderr.
 */
import type { SwitchyardClient } from "../index.js";
import { readLogin } from "./credentials.js";

/** Options every command takes. */
export interface GlobalArgs {
  url?: string | undefined;
  apiKey?: string | undefined;
  json?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** A failure the command explains itself; `exitCode` 1 unless said otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface Output {
  /** A result: printed as JSON with --json, else the text. */
  result(json: unknown, text: string | (() => string)): void;
  /** A progress or diagnostic line on stderr (none with --quiet). */
  note(line: string): void;
  readonly json: boolean;
  readonly quiet: boolean;
}

export function output(args: GlobalArgs): Output {
  const json = args.json === true;
  const quiet = args.quiet === true;
  return {
    json,
    quiet,
    result(value, text) {
      const out = json ? JSON.stringify(value, null, 2) : typeof text === "function" ? text() : text;
      if (out !== "") process.stdout.write(`${out}\n`);
    },
    note(line) {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
  };
}

export interface Connection {
  url: string;
  apiKey: string | undefined;
  client: SwitchyardClient;
}

const USER_AGENT = "switchyard-cli";

export async function connect(args: GlobalArgs, options: { needsKey?: boolean } = {}): Promise<Connection> {
  const stored = await readLogin();
  const url = args.url || process.env.SWITCHYARD_URL || stored.url;
  const apiKey = args.apiKey || process.env.SWITCHYARD_API_KEY || stored.apiKey;
  if (!url) {
    throw new CliError(
      "No Switchyard URL: run `switchyard login --url <url>`, or set SWITCHYARD_URL, or pass --url.",
    );
  }
  if (options.needsKey !== false && !apiKey) {
    throw new CliError("No API key: run `switchyard login`, or set SWITCHYARD_API_KEY, or pass --api-key.");
  }
  // Loaded by the first command that talks to the server: `--help` and completion never do.
  const { createClient } = await import("../index.js");
  return {
    url,
    apiKey,
    client: createClient({
      baseUrl: url,
      ...(apiKey ? { apiKey } : {}),
      headers: { "user-agent": USER_AGENT },
    }),
  };
}

/** `--project` / `--stage` or SWITCHYARD_PROJECT / SWITCHYARD_STAGE; missing, a usage error. */
export function required(value: string | undefined, name: "project" | "stage" | "bus"): string {
  const env = { project: "SWITCHYARD_PROJECT", stage: "SWITCHYARD_STAGE", bus: undefined }[name];
  const found = value || (env ? process.env[env] : undefined);
  if (!found) {
    throw new CliError(`Missing --${name}${env ? ` (or ${env})` : ""}.`, 2);
  }
  return found;
}
