import type { Context, Hono, MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import type { App, AppEnv } from "../http/env.js";
import { lazy } from "../lazy.js";
import { ROUTE_GROUPS, type RouteGroupName } from "./groups.js";
import type { ManifestRoute } from "./manifest.js";

/** Each request's context in the app that mounted the groups, so a group's routes see its variables. */
const parents = new WeakMap<Request, Context<AppEnv>>();

/** First middleware of every group app: the caller, the logger and the request id of the parent. */
const inheritParentVariables: MiddlewareHandler<AppEnv> = async (c, next) => {
  const parent = parents.get(c.req.raw);
  if (parent) {
    for (const [key, value] of Object.entries(parent.var)) c.set(key as keyof AppEnv["Variables"], value);
  }
  await next();
};

/**
 * Mounts every manifest route on `app` with a stand-in handler; the route's group (its module, its
 * zod schemas, its validators) is imported and registered on its own OpenAPI app by the first request
 * that needs it, once. Errors are rethrown to `app`, so its error handler answers for every group.
 */
export function mountRouteGroups(
  app: Hono<AppEnv>,
  manifest: readonly ManifestRoute[],
  deps: () => Promise<AppDeps>,
): void {
  const groups = new Map<RouteGroupName, () => Promise<App>>();
  const groupApp = (name: RouteGroupName) => {
    let load = groups.get(name);
    if (!load) {
      load = lazy(async () => {
        // The group app is @hono/zod-openapi: imported with the first group, not at start.
        const [register, resolved, { newGroupApp }] = await Promise.all([
          ROUTE_GROUPS[name](),
          deps(),
          import("./group-app.js"),
        ]);
        const group = newGroupApp();
        group.use(inheritParentVariables);
        register(group, resolved);
        group.onError((err) => {
          throw err;
        });
        return group;
      });
      groups.set(name, load);
    }
    return load();
  };

  for (const route of manifest) {
    app.on(route.method, route.path, async (c) => {
      const group = await groupApp(route.group);
      parents.set(c.req.raw, c);
      const res = await group.fetch(c.req.raw, c.env);
      // Through `c.newResponse` so the headers the parent's middleware prepared (X-Request-Id) are kept.
      return c.newResponse(res.body, res);
    });
  }
}
