import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { healthRoutes } from "./health.js";

/** The one place that lists the route modules; each module registers its own OpenAPI routes. */
export function registerRoutes(app: App, _deps: AppDeps, version: string): void {
  healthRoutes(app, version);
}
