/**
 * Authorization checks every route calls after the authentication middleware (app.ts, on /v1/*)
 * has set `c.var.caller`:
 *
 * - `requireTeamRole(c, team, minRole)`: the caller holds at least `minRole` in `team`, or is a
 *   platform admin; otherwise throws a 403 problem.
 * - `requirePlatformAdmin(c)`: platform-admin keys only; otherwise 403.
 * - `requireProject(c, deps, projectName, minRole)`: loads the project and returns it when the
 *   caller may act on it with `minRole`. A project that does not exist and a project of another
 *   team both answer the same 404 (we never reveal another team's project); same team but a weaker
 *   role answers 403.
 *
 * Roles: viewer < deployer < maintainer < admin (see roles.ts). Keys are created by
 * `POST /v1/teams/{team}/api-keys` and stored only as SHA-256 hashes (secrets.ts).
 */
import type { AppDeps } from "../deps.js";
import type { AppVariables } from "../http/env.js";
import { problems } from "../http/problem.js";
import type { Project } from "../store/projects.js";
import type { Caller } from "./caller.js";
import { type Role, roleAtLeast } from "./roles.js";

export type { Caller } from "./caller.js";
export { ROLES, type Role, roleAtLeast } from "./roles.js";

/** The part of a Hono context the checks read; any route's `c` fits. */
export interface CallerContext {
  var: Pick<AppVariables, "caller">;
}

export function callerOf(c: CallerContext): Caller {
  const caller = c.var.caller;
  // Only reachable if a route is mounted outside /v1 and still asks for a caller: a wiring bug.
  if (!caller) throw problems.unauthenticated("This route needs an API key.");
  return caller;
}

export function requirePlatformAdmin(c: CallerContext): void {
  if (!callerOf(c).platformAdmin) throw problems.forbidden("Only a platform-admin key may do this.");
}

export function requireTeamRole(c: CallerContext, team: string, minRole: Role): void {
  const caller = callerOf(c);
  if (caller.platformAdmin) return;
  if (caller.team !== team) {
    throw problems.forbidden(`This key belongs to another team and cannot act on team ${team}.`);
  }
  if (!roleAtLeast(caller.role, minRole)) {
    throw problems.forbidden(`This needs the ${minRole} role in team ${team}; the key has ${caller.role}.`);
  }
}

export async function requireProject(
  c: CallerContext,
  deps: Pick<AppDeps, "store">,
  projectName: string,
  minRole: Role,
): Promise<Project> {
  const caller = callerOf(c);
  const project = await deps.store.projects.get(projectName);
  if (!project || (!caller.platformAdmin && caller.team !== project.team)) {
    throw problems.notFound(`Project ${projectName} does not exist.`);
  }
  if (!caller.platformAdmin && !roleAtLeast(caller.role, minRole)) {
    throw problems.forbidden(
      `This needs the ${minRole} role on project ${projectName}; the key has ${caller.role}.`,
    );
  }
  return project;
}
