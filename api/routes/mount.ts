import type { Context, Hono, MiddlewareHandler } from "hono";
import { authorizeRoute } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App, AppEnv } from "../http/env.js";
import { jsonShapeProblem } from "../http/json-shape.js";
import { problems } from "../http/problem.js";
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
 * Mounts every manifest route on `app` with a stand-in handler. It first checks the route's access
 * rule (who may use it: api/auth/access.ts), so a refused caller is answered before anything of its
 * request is validated; then the route's group (its module, its zod schemas, its validators) is
 * imported and registered on its own OpenAPI app by the first request that needs it, once. Errors
 * are rethrown to `app`, so its error handler answers for every group.
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
    // Fail closed: a route the manifest has no rule for is for platform admins only.
    const rule = route.access ?? { scope: "platform-admin" };
    app.on(route.method, route.path, async (c) => {
      // Who may use the route, before its group validates anything of the request.
      await authorizeRoute(c, deps, rule, (name) => c.req.param(name));
      // A JSON body's shape is bounded before any validator parses it (api/http/json-shape.ts).
      if (route.bodyTypes.includes("application/json") && isJson(c.req.header("content-type"))) {
        const problem = jsonShapeProblem(await c.req.raw.clone().text());
        if (problem) throw problems.badRequest(problem);
      }
      const group = await groupApp(route.group);
      parents.set(c.req.raw, c);
      const res = await group.fetch(c.req.raw, c.env);
      // Through `c.newResponse` so the headers the parent's middleware prepared (X-Request-Id) are kept.
      return c.newResponse(res.body, res);
    });
  }
}

const isJson = (contentType: string | undefined) =>
  contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
