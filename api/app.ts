import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { authenticate } from "./auth/authenticate.js";
import type { AppDeps } from "./deps.js";
import type { AppEnv } from "./http/env.js";
import { unsupportedMediaType } from "./http/media-types.js";
import { allowedMethods } from "./http/method-not-allowed.js";
import { ProblemError, problemResponse, problems } from "./http/problem.js";
import { referencePage } from "./http/reference-page.js";
import { validationHook } from "./http/validation.js";
import { registerRoutes } from "./routes/index.js";

export const API_VERSION = "0.1.0";
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook, strict: true });

  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(async (c, next) => {
    const log = deps.log.child({ requestId: c.get("requestId") });
    c.set("log", log);
    const started = performance.now();
    await next();
    // Method, path and status only: headers (API keys) and bodies (configs) never reach the log.
    log.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw problems.payloadTooLarge(`Request bodies are limited to ${MAX_BODY_BYTES} bytes (1 MiB).`);
      },
    }),
  );

  // Every /v1 route needs a key; only /healthz, /openapi.json and /docs are open. Unknown /v1 paths
  // therefore answer 401 before 404, which reveals nothing about which routes exist.
  app.use("/v1/*", authenticate(deps));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (`sy_...`) issued by `POST /v1/teams/{team}/api-keys` or the bootstrap admin key.",
  });

  registerRoutes(app, deps, API_VERSION);

  app.doc31("/openapi.json", {
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
  app.get(
    "/docs",
    referencePage(app, { documentPath: "/openapi.json", pageTitle: "Switchyard API reference" }),
  );

  app.notFound((c) => {
    const allow = allowedMethods(app, c.req.path);
    if (allow.length > 0) {
      return problemResponse(
        c,
        problems.methodNotAllowed(`${c.req.method} is not supported on ${c.req.path}.`, allow),
      );
    }
    return problemResponse(c, problems.notFound(`No route matches ${c.req.method} ${c.req.path}.`));
  });

  app.onError((err, c) => {
    if (err instanceof ProblemError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 400 && /JSON/i.test(err.message)) {
        return problemResponse(
          c,
          problems.malformedJson(`The request body is not valid JSON: ${err.message}.`),
        );
      }
      if (err.status === 413) return problemResponse(c, problems.payloadTooLarge(err.message));
      if (err.status === 415) return problemResponse(c, unsupportedMediaType(app, c));
      return problemResponse(
        c,
        new ProblemError(err.status, "http-error", err.message || "HTTP error", err.message || "HTTP error"),
      );
    }
    c.get("log")?.error("unhandled error", {
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
    return problemResponse(c, problems.internal());
  });

  return app;
}
