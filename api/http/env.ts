import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Caller } from "../auth/caller.js";
import type { Project } from "../store/projects.js";
import type { Logger } from "./logger.js";

/** Per-request variables every route can read with `c.get(...)` / `c.var`. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** Set by the authentication middleware on every /v1 route (api/auth/authenticate.ts). */
  caller: Caller;
  /** The project a route's access rule resolved from its path, for the handler to reuse. */
  authorizedProject?: { ref: string; project: Project };
}

export interface AppEnv {
  Variables: AppVariables;
}

export type App = OpenAPIHono<AppEnv>;
