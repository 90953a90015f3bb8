import type { ConfigPath } from "../config/problem.js";
import type { CompileContext } from "./context.js";
import type { BusAccess } from "./tenancy/scope.js";

/**
 * The ARN of the bus a config names as `<team>:<project>/<stage>/<bus>` (api/config/share-ref.ts),
 * when the deploying team holds a share of it for `use`; otherwise reports why at `path` (no team,
 * no such share, revoked, or shared for something else) and answers undefined.
 */
export function sharedBusArn(
  ctx: CompileContext,
  ref: string,
  path: ConfigPath,
  use: BusAccess,
): string | undefined {
  const scope = ctx.target.tenancy;
  const held = scope?.sharedBuses.find((s) => s.path === ref);
  if (held?.access.includes(use)) return held.arn;
  const revoked = scope?.revokedBuses?.find((s) => s.path === ref);
  ctx.error(
    path,
    !scope
      ? `"${ref}" names a bus shared with a team, and only a team's key can use the team's shares; name the bus by its ARN.`
      : held
        ? `"${ref}" is shared with team ${scope.team} to ${held.access.join(" and ")}, not to ${use}.`
        : revoked
          ? `"${ref}" was shared with team ${scope.team} by share ${revoked.id}, which was revoked at ${revoked.revokedAt}; ask its owner to share it again.`
          : `"${ref}" is no bus shared with team ${scope.team} (GET /v1/teams/${scope.team}/shares/held lists those it holds).`,
  );
  return undefined;
}
