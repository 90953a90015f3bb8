import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../http/env.js";
import { healthStatus } from "../http/health.js";
import { jsonContent, problemResponses } from "../http/openapi.js";

const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() }).openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "health.get",
  tags: ["Service"],
  summary: "Liveness check",
  description: "Answers 200 while the process serves requests. Needs no API key.",
  responses: {
    200: jsonContent(HealthSchema, "The service is up."),
    ...problemResponses(),
  },
});

/**
 * For the document only: the app answers `/healthz` itself (app.ts), so health checks never load a
 * route group; both answer `healthStatus()`.
 */
export function healthRoutes(app: App): void {
  app.openapi(healthRoute, (c) => c.json(healthStatus(), 200));
}
