import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, ROLES } from "../auth/index.js";
import type { App } from "../http/env.js";
import { jsonContent, problemResponses } from "../http/openapi.js";

export const CallerSchema = z
  .object({
    keyId: z.string().openapi({ example: "key_01jf3q4x0r8k2m5n7p9s1t3v5w" }),
    name: z.string().openapi({ example: "ci deployer" }),
    platformAdmin: z.boolean(),
    team: z.string().optional().openapi({ example: "payments" }),
    role: z.enum(ROLES).optional(),
  })
  .openapi("Caller");

const whoamiRoute = createRoute({
  method: "get",
  path: "/v1/whoami",
  operationId: "whoami.get",
  tags: ["Auth"],
  summary: "Who the API key belongs to",
  description: "The key's id, name, team and role (or platform admin). Never returns the secret.",
  ...access.anyKey(),
  responses: {
    200: jsonContent(CallerSchema, "The caller."),
    ...problemResponses(401),
  },
});

export function whoamiRoutes(app: App): void {
  app.openapi(whoamiRoute, (c) => c.json(callerOf(c), 200));
}
