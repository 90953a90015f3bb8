import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { apiKeyRoutes } from "./api-keys.js";
import { busRoutes } from "./buses.js";
import { configRoutes } from "./configs.js";
import { deploymentRoutes } from "./deployments.js";
import { healthRoutes } from "./health.js";
import { projectRoutes } from "./projects.js";
import { settingsRoutes } from "./settings.js";
import { stageRoutes } from "./stages.js";
import { teamRoutes } from "./teams.js";
import { testPatternRoutes } from "./test-pattern.js";
import { validateRoutes } from "./validate.js";
import { whoamiRoutes } from "./whoami.js";

/** The one place that lists the route modules; each module registers its own OpenAPI routes. */
export function registerRoutes(app: App, deps: AppDeps, version: string): void {
  healthRoutes(app, version);
  whoamiRoutes(app);
  teamRoutes(app, deps);
  apiKeyRoutes(app, deps);
  projectRoutes(app, deps);
  configRoutes(app, deps);
  stageRoutes(app, deps);
  deploymentRoutes(app, deps);
  validateRoutes(app, deps);
  testPatternRoutes(app);
  busRoutes(app, deps);
  settingsRoutes(app, deps);
}
