/**
 * Failures as a person reads them (stderr) or a script does (`--json`: the problem on stdout), and
 * the exit code: 2 for a usage error, 1 for everything else.
 */
import { SwitchyardError } from "../errors.js";
import type { ProblemItem } from "../gen/types.gen.js";
import { CliError } from "./context.js";

/** `file:line:column: path: message`, as compilers print problems (without a line: `file: ...`). */
export function locatedProblem(file: string, item: ProblemItem, severity?: "warning"): string {
  const where = item.line !== undefined ? `${file}:${item.line}:${item.column ?? 1}` : file;
  const what = item.path ? `${item.path}: ${item.message}` : item.message;
  return `${where}: ${severity ? `${severity}: ` : ""}${what}`;
}

/** A network failure: fetch rejects with "fetch failed" and the reason as its cause. */
function networkReason(err: unknown): string | undefined {
  if (!(err instanceof TypeError)) return undefined;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

export function reportError(err: unknown, options: { json: boolean; url?: string }): number {
  if (err instanceof CliError) {
    if (options.json && err.exitCode !== 2 && err.message) {
      process.stdout.write(`${JSON.stringify({ error: err.message }, null, 2)}\n`);
    }
    // An empty message: the command has said what happened already.
    if (err.message) process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof SwitchyardError) {
    if (options.json) process.stdout.write(`${JSON.stringify(err.problem, null, 2)}\n`);
    const lines = [`${err.status} ${err.title}: ${err.detail}`];
    for (const item of err.errors) lines.push(`  ${item.path ? `${item.path}: ` : ""}${item.message}`);
    if (err.requestId) lines.push(`  (request ${err.requestId})`);
    process.stderr.write(`${lines.join("\n")}\n`);
    return 1;
  }
  const reason = networkReason(err);
  if (reason !== undefined) {
    const message = `Cannot reach Switchyard${options.url ? ` at ${options.url}` : ""}: ${reason}.`;
    if (options.json) process.stdout.write(`${JSON.stringify({ error: message }, null, 2)}\n`);
    process.stderr.write(`${message}\n`);
    return 1;
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
