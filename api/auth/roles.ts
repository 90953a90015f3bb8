/** Team roles, weakest first: each role may do everything the roles before it may. */
export const ROLES = ["viewer", "deployer", "maintainer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role | undefined, minRole: Role): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(minRole);
}
