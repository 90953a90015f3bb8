/**
 * Authorization checks every route calls after the authentication middleware (app.ts, on /v1/*)
 * has set `c.var.caller`:
 *
 * - `requireTeamRole(c, team, minRole)`: the caller holds at least `minRole` in `team`, or is a
 *   platform admin. A team the caller is not a member of answers the same 404 as a team that does
 *   not exist (`teamNotFound`: we never reveal which teams exist); a member with a weaker role
 *   answers 403.
 * - `requirePlatformAdmin(c)`: platform-admin keys only; otherwise 403.
 * - `requireProject(c, deps, projectRef, minRole)`: finds the project a path names (`<name>` in
 *   the caller's team, or `<team>:<name>`) and returns it when the caller may act on it with
 *   `minRole`. A project that does not exist and a project of another team both answer the same
 *   404 (we never reveal another team's project); same team but a weaker role answers 403. Routes
 *   then work with `project.key`, which is what the store and the use cases take.
 * - `requireProjectByKey(c, deps, key, minRole)`: the same for a key a record holds (a deployment).
 *
 * Roles: viewer < deployer < maintainer < admin (see roles.ts). Keys are created by
 * `POST /v1/teams/{team}/api-keys` and stored only as SHA-256 hashes (secrets.ts).
 */
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import type { AppVariables } from "../http/env.js";
import type { Project } from "../store/projects.js";
import type { RouteAccess } from "./access.js";
import type { Caller } from "./caller.js";
import { parseProjectRef } from "./project-ref.js";
import { type Role, roleAtLeast } from "./roles.js";

export type { Caller } from "./caller.js";
export { ROLES, type Role, roleAtLeast } from "./roles.js";

/** The part of a Hono context the checks read; any route's `c` fits. */
export interface CallerContext {
  var: Pick<AppVariables, "caller" | "authorizedProject">;
}

export function callerOf(c: CallerContext): Caller {
  const caller = c.var.caller;
  // Only reachable if a route is mounted outside /v1 and still asks for a caller: a wiring bug.
  if (!caller) throw new DomainError("unauthenticated", "This route needs an API key.");
  return caller;
}

export function requirePlatformAdmin(c: CallerContext): void {
  if (!callerOf(c).platformAdmin)
    throw new DomainError("forbidden", "Only a platform-admin key may do this.");
}

/** The caller's role is at least `minRole` (in whichever team it has), or it is a platform admin. */
export function requireRole(c: CallerContext, minRole: Role): void {
  const caller = callerOf(c);
  if (caller.platformAdmin || roleAtLeast(caller.role, minRole)) return;
  throw new DomainError("forbidden", `This needs at least the ${minRole} role; the key has ${caller.role}.`);
}

/** Whether the caller may see `team` at all: its own team, or every team for a platform admin. */
export function seesTeam(caller: Caller, team: string): boolean {
  return caller.platformAdmin || caller.team === team;
}

/** What a team that does not exist answers, and so what another team answers a non-member. */
export const teamNotFound = (team: string): DomainError =>
  new DomainError("not-found", `Team ${team} does not exist.`);

export function requireTeamRole(c: CallerContext, team: string, minRole: Role): void {
  const caller = callerOf(c);
  if (caller.platformAdmin) return;
  if (!seesTeam(caller, team)) throw teamNotFound(team);
  if (!roleAtLeast(caller.role, minRole)) {
    throw new DomainError(
      "forbidden",
      `This needs the ${minRole} role in team ${team}; the key has ${caller.role}.`,
    );
  }
}

export async function requireProject(
  c: CallerContext,
  deps: Pick<AppDeps, "store">,
  projectRef: string,
  minRole: Role,
): Promise<Project> {
  const caller = callerOf(c);
  // Found already by the route's access rule (authorizeRoute), for this very path.
  const authorized = c.var.authorizedProject;
  if (authorized?.ref === projectRef) return allowed(caller, authorized.project, projectRef, minRole);
  const { team, name } = parseProjectRef(projectRef);
  let project: Project | undefined;
  if (team !== undefined) {
    // Another team's project is not there for this key, whatever the store holds.
    if (caller.platformAdmin || caller.team === team) project = await deps.store.projects.find(team, name);
  } else if (caller.team !== undefined) {
    project = await deps.store.projects.find(caller.team, name);
  } else {
    const found = await deps.store.projects.findEverywhere(name);
    if (found.length > 1) {
      throw new DomainError(
        "conflict",
        `${found.length} teams have a project named ${name}; name it as <team>:${name} (teams: ${found.map((p) => p.team).join(", ")}).`,
      );
    }
    project = found[0];
  }
  return allowed(caller, project, projectRef, minRole);
}

export async function requireProjectByKey(
  c: CallerContext,
  deps: Pick<AppDeps, "store">,
  key: string,
  minRole: Role,
): Promise<Project> {
  const caller = callerOf(c);
  const project = await deps.store.projects.get(key);
  return allowed(
    caller,
    project && (caller.platformAdmin || caller.team === project.team) ? project : undefined,
    key,
    minRole,
  );
}

/**
 * Checks a route's declared access (access.ts) for a request, before any of it is validated: the
 * path's `{team}` / `{project}` come from `param`. A project found is kept on the context for the
 * handler's own `requireProject`.
 */
export async function authorizeRoute(
  c: CallerContext & { set(key: "authorizedProject", value: AppVariables["authorizedProject"]): void },
  deps: () => Promise<Pick<AppDeps, "store">>,
  rule: RouteAccess,
  param: (name: string) => string | undefined,
): Promise<void> {
  switch (rule.scope) {
    case "platform-admin":
      return requirePlatformAdmin(c);
    case "any":
      return requireRole(c, rule.role);
    case "team":
      return requireTeamRole(c, param("team") ?? "", rule.role);
    case "project": {
      const ref = param("project") ?? "";
      const project = await requireProject(c, await deps(), ref, rule.role);
      c.set("authorizedProject", { ref, project });
    }
  }
}

function allowed(caller: Caller, project: Project | undefined, ref: string, minRole: Role): Project {
  if (!project) throw new DomainError("not-found", `Project ${ref} does not exist.`);
  if (!caller.platformAdmin && !roleAtLeast(caller.role, minRole)) {
    throw new DomainError(
      "forbidden",
      `This needs the ${minRole} role on project ${project.name}; the key has ${caller.role}.`,
    );
  }
  return project;
}
