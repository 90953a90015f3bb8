import { z } from "@hono/zod-openapi";
import { PROJECT_REF } from "../auth/project-ref.js";
import { IDENTIFIER, IDENTIFIER_RULE } from "../identifier.js";

/**
 * Team and project names: lowercase letters, digits and hyphens. Project names end up in stack and
 * resource names (`<ns>--<project>--<stage>-<resource>`), hence the short limit. A new team or
 * project takes an identifier (api/identifier.ts); paths and filters also take the names teams and
 * projects were given before that rule (`NAME_PATTERN`), so they stay reachable.
 */
export const NAME_PATTERN = /^[a-z0-9-]+$/;

export const TeamNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(NAME_PATTERN, "use lowercase letters, digits and hyphens")
  .openapi({ example: "payments" });

/** The name of a new team: an identifier. */
export const NewTeamNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(IDENTIFIER, IDENTIFIER_RULE)
  .openapi({ example: "payments" });

/** The name of a new project: an identifier. */
export const NewProjectNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(IDENTIFIER, IDENTIFIER_RULE)
  .openapi({ example: "orders" });

export const ProjectNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(NAME_PATTERN, "use lowercase letters, digits and hyphens")
  .openapi({ example: "orders" });

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
