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

/**
 * How a path names a project: its name, which means the caller's team's project of that name, or
 * `<team>:<name>` (platform-admin keys, which belong to no team; a team key only for its own team).
 */
export const PROJECT_REF = /^(?:([a-z0-9-]{1,40}):)?([a-z0-9-]{1,40})$/;

export const ProjectRefSchema = z
  .string()
  .min(1)
  .max(81)
  .regex(PROJECT_REF, "a project name, or <team>:<project>")
  .openapi({
    example: "orders",
    description:
      "The project's name (in the key's team), or `<team>:<project>`; platform-admin keys name the team unless only one team has a project of that name.",
  });

export function parseProjectRef(ref: string): { team?: string; name: string } {
  const match = PROJECT_REF.exec(ref);
  if (!match) return { name: ref };
  return match[1] ? { team: match[1], name: match[2]! } : { name: match[2]! };
}
