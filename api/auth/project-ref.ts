/**
 * How a path names a project: its name, which means the caller's team's project of that name, or
 * `<team>:<name>` (platform-admin keys, which belong to no team; a team key only for its own team).
 * Apart from the route schemas so that authorization, loaded at cold start, does not load zod.
 */
export const PROJECT_REF = /^(?:([a-z0-9-]{1,40}):)?([a-z0-9-]{1,40})$/;

export function parseProjectRef(ref: string): { team?: string; name: string } {
  const match = PROJECT_REF.exec(ref);
  if (!match) return { name: ref };
  return match[1] ? { team: match[1], name: match[2]! } : { name: match[2]! };
}
