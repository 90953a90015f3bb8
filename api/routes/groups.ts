import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";

/** Registers one route module's OpenAPI routes on `app`; must do no I/O (see document.ts). */
export type RouteGroup = (app: App, deps: AppDeps) => void;

/**
 * Every route module, each behind a dynamic import: a cold start parses the module (and builds the
 * zod schemas) of the group that serves its first request, not all of them. The app finds which
 * group serves a route in the generated manifest (manifest.json, see manifest-builder.ts).
 * `/healthz` is not a group: the app serves it directly (document.ts adds its spec).
 */
export const ROUTE_GROUPS = {
  whoami: async () => (await import("./whoami.js")).whoamiRoutes,
  teams: async () => (await import("./teams.js")).teamRoutes,
  apiKeys: async () => (await import("./api-keys.js")).apiKeyRoutes,
  projects: async () => (await import("./projects.js")).projectRoutes,
  configs: async () => (await import("./configs.js")).configRoutes,
  stages: async () => (await import("./stages.js")).stageRoutes,
  deployments: async () => (await import("./deployments.js")).deploymentRoutes,
  validate: async () => (await import("./validate.js")).validateRoutes,
  testPattern: async () => (await import("./test-pattern.js")).testPatternRoutes,
  buses: async () => (await import("./buses.js")).busRoutes,
  deadLetters: async () => (await import("./dead-letters.js")).deadLetterRoutes,
  stageHealth: async () => (await import("./stage-health.js")).stageHealthRoutes,
  settings: async () => (await import("./settings.js")).settingsRoutes,
  teamAccess: async () => (await import("./team-access.js")).teamAccessRoutes,
  busShares: async () => (await import("./bus-shares.js")).busShareRoutes,
  teamDomains: async () => (await import("./team-domains.js")).teamDomainRoutes,
  globalAlarms: async () => (await import("./global-alarms.js")).globalAlarmRoutes,
} satisfies Record<string, () => Promise<RouteGroup>>;

export type RouteGroupName = keyof typeof ROUTE_GROUPS;

export const ROUTE_GROUP_NAMES = Object.keys(ROUTE_GROUPS) as RouteGroupName[];
