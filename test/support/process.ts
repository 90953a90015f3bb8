import { spawn } from "node:child_process";

/** What a process printed and how it exited. */
export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end, its stdout and stderr kept apart, with `input` on its stdin; killed
 * after `timeoutMs` (the run then says code null and shows what it printed).
 */
export function runToExit(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined>; input?: string; timeoutMs?: number },
): Promise<ProcessRun> {
  const env = Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
