import type { Context } from "hono";
import type { App } from "./env.js";
import { type ProblemError, problems } from "./problem.js";

/** The request body media types the route for `method path` declares in the OpenAPI registry. */
export function requestMediaTypes(app: App, method: string, path: string): string[] {
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== "route" || def.route.method !== method.toLowerCase()) continue;
    const pattern = new RegExp(`^${def.route.path.replace(/\{[^/}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path)) return Object.keys(def.route.request?.body?.content ?? {});
  }
  return [];
}

/**
 * 415 naming what the route takes. The route validator answers a body it cannot read before any
 * handler runs; the usual cause is `curl -d` without a content type (form-encoded).
 */
export function unsupportedMediaType(app: App, c: Context): ProblemError {
  const sent = c.req.header("content-type")?.split(";")[0]?.trim();
  const accepted = requestMediaTypes(app, c.req.method, c.req.path).map((t) => `\`${t}\``);
  const takes = accepted.length > 0 ? `takes ${accepted.join(" or ")}` : "takes no body";
  return problems.unsupportedMediaType(
    `${c.req.method} ${c.req.path} ${takes}; the request was sent as ${sent ? `\`${sent}\`` : "a body without Content-Type"}.`,
  );
}
