import { z } from "@hono/zod-openapi";

/**
 * Team and project names: lowercase letters, digits and hyphens. Project names end up in stack and
 * resource names (`<project>-<stage>-<resource>`), hence the short limit.
 */
export const NAME_PATTERN = /^[a-z0-9-]+$/;

export const TeamNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(NAME_PATTERN, "use lowercase letters, digits and hyphens")
  .openapi({ example: "payments" });

export const ProjectNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(NAME_PATTERN, "use lowercase letters, digits and hyphens")
  .openapi({ example: "orders" });
