/**
 * Who may use a route, declared in the route's definition and checked before anything of the
 * request is validated: a caller whose role may not use a route gets the same 403 (or 404 for
 * another team or its project) whatever it sent, so a refused caller learns nothing of the route's
 * schema. Each route spreads one of these into its `createRoute(...)`:
 *
 *   createRoute({ method: "post", path: "/v1/projects/{project}/configs", ...access.project("maintainer"), ... })
 *
 * which sets its OpenAPI `security` and records the rule as the operation's `x-switchyard-access`
 * (shown in the document). `npm run openapi` copies it into the route manifest, and the app checks
 * it when a request arrives, before the route's group (its validators, its handler) runs
 * (api/routes/mount.ts). Handlers still call `requireProject` & co. for what depends on the body;
 * a project the check found is reused, not looked up twice.
 */
import type { Role } from "./roles.js";

export const ACCESS_EXTENSION = "x-switchyard-access";

export type RouteAccess =
  /** Platform-admin keys only. */
  | { scope: "platform-admin" }
  /** Any key whose role is at least `role` (platform admins always); the handler checks the team. */
  | { scope: "any"; role: Role }
  /** At least `role` in the team the path's `{team}` names (platform admins always); another team is 404. */
  | { scope: "team"; role: Role }
  /** At least `role` on the project the path's `{project}` names; another team's project is 404. */
  | { scope: "project"; role: Role };

const bearerSecurity = [{ bearerAuth: [] }];

const declare = (rule: RouteAccess) => ({ security: bearerSecurity, [ACCESS_EXTENSION]: rule }) as const;

export const access = {
  platformAdmin: () => declare({ scope: "platform-admin" }),
  anyKey: (role: Role = "viewer") => declare({ scope: "any", role }),
  team: (role: Role) => declare({ scope: "team", role }),
  project: (role: Role) => declare({ scope: "project", role }),
};

/** The rule a route definition declares, if any (the manifest builder reads it). */
export function declaredAccess(route: object): RouteAccess | undefined {
  return (route as Record<string, RouteAccess | undefined>)[ACCESS_EXTENSION];
}
