import type { Context } from "hono";
import { type ProblemError, problems } from "../http/problem.js";
import { requestBodyTypes } from "./manifest.js";

/**
 * 415 naming what the route takes. The route validator answers a body it cannot read before any
 * handler runs; the usual cause is `curl -d` without a content type (form-encoded).
 */
export function unsupportedMediaType(c: Context): ProblemError {
  const sent = c.req.header("content-type")?.split(";")[0]?.trim();
  const accepted = requestBodyTypes(c.req.method, c.req.path).map((t) => `\`${t}\``);
  const takes = accepted.length > 0 ? `takes ${accepted.join(" or ")}` : "takes no body";
  return problems.unsupportedMediaType(
    `${c.req.method} ${c.req.path} ${takes}; the request was sent as ${sent ? `\`${sent}\`` : "a body without Content-Type"}.`,
  );
}
