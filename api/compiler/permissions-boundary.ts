import type { CompileContext } from "./context.js";
import { configPathOfProperty } from "./scoped-names.js";

/**
 * Puts the platform's permissions boundary on every `AWS::IAM::Role` of the stack, compiled or raw:
 * the deploy role may only create roles that carry it (infra/workload-boundary.ts), so a config cannot
 * mint a role with more rights than the boundary allows. A role that already names this boundary is
 * fine; one that names another is refused rather than silently changed.
 */
export function applyPermissionsBoundary(ctx: CompileContext): void {
  const boundary = ctx.target.permissionsBoundary;
  if (!boundary) return;
  for (const [logicalId, resource] of Object.entries(ctx.resources)) {
    if (resource.Type !== "AWS::IAM::Role") continue;
    resource.Properties ??= {};
    const properties = resource.Properties;
    const current = properties.PermissionsBoundary;
    if (current === undefined) properties.PermissionsBoundary = boundary;
    else if (current !== boundary) {
      ctx.error(
        configPathOfProperty(ctx, logicalId, "PermissionsBoundary"),
        `Role ${logicalId} sets PermissionsBoundary ${JSON.stringify(current)}, but every role Switchyard deploys carries the platform's boundary ${boundary}. Remove PermissionsBoundary; Switchyard sets it.`,
      );
    }
  }
}
