import type { z } from "@hono/zod-openapi";
import { type ConfigPath, type ConfigProblem, formatPath } from "./problem.js";
import { KEY_MESSAGE_SEPARATOR } from "./schema/strict.js";
import type { Locator } from "./source.js";

/** A problem at a config path, with its source position when the config came as text. */
export function problemAt(locate: Locator, path: ConfigPath, message: string, atKey = false): ConfigProblem {
  const pos = locate(path, atKey);
  return { path: formatPath(path), ...(pos ? { line: pos.line, column: pos.column } : {}), message };
}

/** zod issues (relative to `base`) as located config problems; unknown keys point at each key. */
export function zodProblems(
  issues: readonly z.core.$ZodIssue[],
  base: ConfigPath,
  locate: Locator,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as (string | number)[])];
    if (issue.code === "unrecognized_keys") {
      const messages = issue.message.split(KEY_MESSAGE_SEPARATOR);
      issue.keys.forEach((key, i) => {
        out.push(problemAt(locate, [...path, key], messages[i] ?? `Unknown property "${key}".`, true));
      });
    } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      out.push(problemAt(locate, path, `Missing required property "${String(path[path.length - 1])}".`));
    } else {
      out.push(problemAt(locate, path, issue.message));
    }
  }
  return out;
}
