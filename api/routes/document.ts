/**
 * The OpenAPI 3.1 document: every route group registered on one OpenAPI app. Built on demand (the
 * first `GET /openapi.json`, `npm run openapi`), never at cold start: it needs every group's schemas.
 */
import type { AppDeps } from "../deps.js";
import { withRequestLimits } from "../http/openapi.js";
import { API_VERSION } from "../version.js";
import { newGroupApp } from "./group-app.js";
import { ROUTE_GROUP_NAMES, ROUTE_GROUPS } from "./groups.js";

export async function openApiDocument(deps: AppDeps): Promise<Record<string, unknown>> {
  const app = newGroupApp();
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (`sy_...`) issued by `POST /v1/teams/{team}/api-keys` or the bootstrap admin key.",
  });
  (await import("./health.js")).healthRoutes(app);
  for (const name of ROUTE_GROUP_NAMES) (await ROUTE_GROUPS[name]())(app, deps);
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: API_VERSION,
      description:
        "Self-service event buses: validate Stacktape-compatible configs, store their versions, deploy them per stage as CloudFormation stacks, and operate the live buses.",
    },
    tags: [
      { name: "Service", description: "Health, the OpenAPI document and the reference page." },
      { name: "Auth", description: "The caller behind an API key." },
      { name: "Teams", description: "Teams own projects and API keys; platform admins create them." },
      {
        name: "Bus shares",
        description:
          "A team shares a deployed bus with another team, to subscribe (attach rules) and/or publish; the other team names it in its configs.",
      },
      { name: "API keys", description: "Keys with a team role (viewer < deployer < maintainer < admin)." },
      { name: "Projects", description: "Projects and their immutable, numbered config versions." },
      {
        name: "Configs",
        description: "Validate and compile Stacktape-compatible configs without storing them.",
      },
      {
        name: "Stages",
        description: "Stages of a project: one CloudFormation stack each; previews, rollback, teardown.",
      },
      {
        name: "Deployments",
        description: "Deployments of a stage: status, stack events (JSON or server-sent events).",
      },
      {
        name: "Buses",
        description:
          "Live buses of a deployed stage: publish, rules, matching, replays, deliveries; pattern tests.",
      },
      {
        name: "Settings",
        description:
          "Platform settings, for platform admins: the network batch jobs and workloads run in, per region.",
      },
    ],
  });
  return withRequestLimits(
    doc as unknown as Record<string, unknown> & { paths?: Record<string, Record<string, unknown>> },
  );
}
