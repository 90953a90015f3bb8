/**
 * The compile step of the tenant namespace check: runs on the final template (after directives,
 * raw resources and overrides) and reports each violation at the config element that produced it.
 */
import { type ConfigPath, formatPath } from "../../config/problem.js";
import { own } from "../../prototype-safe.js";
import type { CompileContext } from "../context.js";
import { checkTenancy, type TenancyViolation } from "./check.js";

export { checkTenancy, type TenancyViolation } from "./check.js";
export type { BusAccess, RevokedBusGrant, SharedBusGrant, TeamDomain, TenantScope } from "./scope.js";
export { BUS_ACCESS, matchesPattern } from "./scope.js";

export function checkTemplateTenancy(ctx: CompileContext): void {
  const scope = ctx.target.tenancy;
  if (!scope) return;
  const violations = checkTenancy({
    resources: ctx.resources,
    scope,
    stack: ctx.stack,
    platformParameters: new Set(ctx.parameters.map((p) => p.name)),
    ...(ctx.target.permissionsBoundary ? { permissionsBoundary: ctx.target.permissionsBoundary } : {}),
  });
  // A name refused already (scoped-names.ts: not in the stack under a prefix) is not refused twice.
  const refused = new Set(ctx.errors.map((e) => e.path));
  // One secret written once may be resolved in several places (a variable of two functions): said once.
  const secretsSaid = new Set<string>();
  for (const violation of violations) {
    const path = configPathOf(ctx, violation);
    if (refused.has(formatPath(path))) continue;
    if (violation.dynamicReference !== undefined) {
      const said = `${formatPath(path)} ${violation.dynamicReference}`;
      if (secretsSaid.has(said)) continue;
      secretsSaid.add(said);
    }
    ctx.error(path, `${violation.type} ${violation.logicalId}: ${violation.message}`);
  }
}

/**
 * The config element behind a property of the template: an override that set it (or a parent of
 * it), the config property a resource type recorded as its origin (`eventBusArn`), the raw
 * resource's property, or else the config resource that owns it.
 */
function configPathOf(
  ctx: CompileContext,
  { logicalId, property, statement, dynamicReference }: TenancyViolation,
): ConfigPath {
  const placed = statement && ctx.nodeOrigins.get(statement.node);
  if (placed) return [...placed, ...statement.at];
  const written = dynamicReference !== undefined && ctx.dynamicReferenceOrigins.get(dynamicReference);
  if (written) return written;
  const owner = ctx.owners.get(logicalId);
  if (!owner) return ["cloudformationResources", logicalId, "Properties", ...property];
  const dotted = property.join(".");
  const overrides = own(ctx.resource(owner).overrides ?? {}, logicalId) ?? {};
  const override = Object.keys(overrides)
    .filter((key) => dotted === key || dotted.startsWith(`${key}.`) || key.startsWith(`${dotted}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (override !== undefined) return ["resources", owner, "overrides", logicalId, override];
  const origins = ctx.origins.get(logicalId);
  const origin = [...(origins?.keys() ?? [])]
    .filter((key) => dotted === key || dotted.startsWith(`${key}.`))
    .sort((a, b) => b.length - a.length)[0];
  if (origin !== undefined) return origins!.get(origin)!;
  return ["resources", owner];
}
