/**
 * Where `switchyard login` keeps the server's URL and the API key: `config.json` in the user's
 * config folder (`$XDG_CONFIG_HOME/switchyard` or `~/.config/switchyard` on Linux, the platform's
 * own elsewhere; `SWITCHYARD_CONFIG_DIR` overrides it), readable by the user alone (0600 in a 0700
 * folder). `SWITCHYARD_URL` and `SWITCHYARD_API_KEY`, or `--url` and `--api-key`, take precedence.
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import envPaths from "env-paths";

export interface StoredLogin {
  url: string;
  apiKey: string;
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHYARD_CONFIG_DIR || envPaths("switchyard", { suffix: "" }).config;
}

export const loginFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), "config.json");

export async function readLogin(file = loginFile()): Promise<Partial<StoredLogin>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      ...(typeof parsed.url === "string" ? { url: parsed.url } : {}),
      ...(typeof parsed.apiKey === "string" ? { apiKey: parsed.apiKey } : {}),
    };
  } catch {
    throw new Error(`${file} is not valid JSON: run \`switchyard login\` again.`);
  }
}

export async function writeLogin(login: StoredLogin, file = loginFile()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // Written under a private mode from the start, and set again for a file that existed before.
  await writeFile(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function removeLogin(file = loginFile()): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
