import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../http/env.js";
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

export function healthRoutes(app: App, version: string): void {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const, version }, 200));
}
