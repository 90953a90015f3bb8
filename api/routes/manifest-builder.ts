/**
 * Builds the route manifest (manifest.json) from the route modules themselves, so the routes the app
 * mounts lazily are exactly the routes the groups register. Build time only (`npm run openapi`).
 */
import { declaredAccess } from "../auth/access.js";
import type { AppDeps } from "../deps.js";
import { newGroupApp } from "./group-app.js";
import { ROUTE_GROUP_NAMES, ROUTE_GROUPS } from "./groups.js";
import type { ManifestRoute } from "./manifest.js";

/** `{project}` (OpenAPI) → `:project` (Hono), as @hono/zod-openapi registers it. */
const honoPath = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, ":$1");

export async function buildRouteManifest(deps: AppDeps): Promise<ManifestRoute[]> {
  const routes: ManifestRoute[] = [];
  for (const group of ROUTE_GROUP_NAMES) {
    const app = newGroupApp();
    (await ROUTE_GROUPS[group]())(app, deps);
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== "route") continue;
      const rule = declaredAccess(def.route);
      if (!rule) {
        throw new Error(
          `${def.route.method.toUpperCase()} ${def.route.path} declares no access: spread access.*() from api/auth/access.ts into its createRoute`,
        );
      }
      routes.push({
        group,
        method: def.route.method.toUpperCase(),
        path: honoPath(def.route.path),
        bodyTypes: Object.keys(def.route.request?.body?.content ?? {}),
        access: rule,
      });
    }
  }
  return routes;
}

/** The manifest's committed byte form: one route per line, so diffs read like route changes. */
export function serializeManifest(routes: readonly ManifestRoute[]): string {
  return `[\n${routes.map((r) => `  ${JSON.stringify(r)}`).join(",\n")}\n]\n`;
}
