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
}

/**
 * Which group serves which route: generated from the route modules by `npm run openapi`
 * (manifest-builder.ts) and checked for drift by `npm run openapi:check`, like the document.
 */
export const ROUTE_MANIFEST = manifest as ManifestRoute[];

const patterns = new Map<string, RegExp>();

/** A Hono path pattern as a RegExp over request paths (`:param` is one segment). */
export function pathPattern(path: string): RegExp {
  let re = patterns.get(path);
  if (!re) {
    const body = path
      .split("/")
      .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    re = new RegExp(`^${body}$`);
    patterns.set(path, re);
  }
  return re;
}

/** The request body media types the route for `method path` declares. */
export function requestBodyTypes(method: string, path: string): string[] {
  const m = method.toUpperCase();
  return ROUTE_MANIFEST.find((r) => r.method === m && pathPattern(r.path).test(path))?.bodyTypes ?? [];
}
