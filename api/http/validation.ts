import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppEnv } from "./env.js";
import { type ProblemDetailItem, problems } from "./problem.js";

export function zodIssuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ""): ProblemDetailItem[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)",
    message: issue.message,
  }));
}

/**
 * The one validation hook of every OpenAPI route: a failed zod check becomes a 400 problem+json
 * naming each offending field, whatever the route.
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook is generic over every route's input types.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const details = zodIssuesToDetails(result.error.issues, result.target);
  throw problems.validation(
    `The request's ${result.target} is not valid: ${details
      .slice(0, 3)
      .map((d) => `${d.path}: ${d.message}`)
      .join("; ")}${details.length > 3 ? ` (and ${details.length - 3} more)` : ""}`,
    details,
  );
};
