import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "./logger.js";

/** Per-request variables every route can read with `c.get(...)`. Later middleware adds the caller. */
export interface AppVariables {
  requestId: string;
  log: Logger;
}

export interface AppEnv {
  Variables: AppVariables;
}

export type App = OpenAPIHono<AppEnv>;
