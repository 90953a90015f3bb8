import type { CompileContext } from "./context.js";

/**
 * Two routes with one key on one HTTP API (functions and workload containers alike) are refused by
 * API Gateway mid-deployment ("Route with key ... already exists"); here they are a config error.
 */
export function checkRouteKeys(ctx: CompileContext): void {
  const seen = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(ctx.resources)) {
    if (resource.Type !== "AWS::ApiGatewayV2::Route") continue;
    const api = (resource.Properties?.ApiId as { Ref?: unknown } | undefined)?.Ref;
    const key = resource.Properties?.RouteKey;
    if (typeof api !== "string" || typeof key !== "string") continue;
    const id = `${api} ${key}`;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, logicalId);
      continue;
    }
    const owner = ctx.owners.get(logicalId);
    ctx.error(
      owner ? ["resources", owner] : ["cloudformationResources", logicalId],
      `Route "${key}" of ${api} is taken twice (${first} and ${logicalId}); give one of them another method or path.`,
    );
  }
}
