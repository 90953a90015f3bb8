import type { RouteAccess } from "../auth/access.js";
import { routePattern } from "../http/method-not-allowed.js";
import type { RouteGroupName } from "./groups.js";
import manifest from "./manifest.json" with { type: "json" };

/** One route as the app mounts it before its group is loaded. */
export interface ManifestRoute {
  group: RouteGroupName;
  /** Upper-case HTTP method. */
  method: string;
  /** Hono path pattern (`/v1/projects/:project`). */
  path: string;
  /** Media types the request body may have; empty when the route takes no body. */
  bodyTypes: string[];
  /** Who may use it, checked before the route's group validates anything (api/auth/access.ts). */
  access: RouteAccess;
}

/**
 * Which group serves which route: generated from the route modules by `npm run openapi`
 * (manifest-builder.ts) and checked for drift by `npm run openapi:check`, like the document.
 */
export const ROUTE_MANIFEST = manifest as unknown as ManifestRoute[];

/** The request body media types the route for `method path` declares. */
export function requestBodyTypes(method: string, path: string): string[] {
  const m = method.toUpperCase();
  return ROUTE_MANIFEST.find((r) => r.method === m && routePattern(r.path).test(path))?.bodyTypes ?? [];
}
