import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { authenticate } from "./auth/authenticate.js";
import type { AppDeps, DeferredDeps } from "./deps.js";
import { DomainError } from "./errors.js";
import { problemOf } from "./http/domain-errors.js";
import type { AppEnv } from "./http/env.js";
import { healthStatus } from "./http/health.js";
import { allowedMethods } from "./http/method-not-allowed.js";
import { ProblemError, problemResponse, problems } from "./http/problem.js";
import { mountReference, type ReferenceRenderer } from "./http/reference-page.js";
import { lazy } from "./lazy.js";
import { inertDeps } from "./routes/inert-deps.js";
import { ROUTE_MANIFEST } from "./routes/manifest.js";
import { unsupportedMediaType } from "./routes/media-types.js";
import { mountRouteGroups } from "./routes/mount.js";

export { API_VERSION } from "./version.js";
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  /**
   * The /docs renderer's JavaScript. Default: read from the @scalar/api-reference package in
   * node_modules (npm start, tests); the Lambda reads its copy in the bundle folder.
   */
  referenceRenderer?: ReferenceRenderer;
  /** The portal's build folder (portal/dist): served at `/` when given (api/http/portal.ts). */
  portalDir?: string;
}

/**
 * The HTTP API. Route groups load on their first request (api/routes/mount.ts); with
 * `DeferredDeps` so do the deps, so a cold start pays only for what its first request uses.
 */
export function createApp(deps: AppDeps | DeferredDeps, options: AppOptions = {}) {
  const resolveDeps = "load" in deps ? lazy(deps.load) : async () => deps;
  const app = new Hono<AppEnv>({ strict: true });

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
  const auth = lazy(async () => authenticate(await resolveDeps()));
  app.use("/v1/*", async (c, next) => (await auth())(c, next));

  app.get("/healthz", (c) => c.json(healthStatus()));
  mountRouteGroups(app, ROUTE_MANIFEST, resolveDeps);

  // Built from every route group on the first request for it, with deps that refuse I/O.
  const document = lazy(async () => (await import("./routes/document.js")).openApiDocument(inertDeps()));
  app.get("/openapi.json", async (c) => c.json(await document()));
  mountReference(app, {
    documentPath: "/openapi.json",
    pageTitle: "Switchyard API reference",
    renderer:
      options.referenceRenderer ??
      (async () => (await import("./http/reference-renderer.js")).rendererFromPackage()),
  });

  if (options.portalDir) {
    const dir = options.portalDir;
    // Loaded by the first portal request: API-only cold starts never read the build folder.
    const portal = lazy(async () => (await import("./http/portal.js")).portalHandler(dir));
    for (const pattern of ["/", "/assets/*", "/favicon.svg"]) {
      app.get(pattern, async (c, next) => {
        const res = await (await portal())(c);
        if (res) return res;
        await next();
      });
    }
  }

  app.notFound((c) => {
    const allow = allowedMethods(app, c.req.path);
    // A route of this method that passed the request on (a portal file that does not exist) is a 404.
    if (allow.length > 0 && !allow.includes(c.req.method === "HEAD" ? "GET" : c.req.method)) {
      return problemResponse(
        c,
        problems.methodNotAllowed(`${c.req.method} is not supported on ${c.req.path}.`, allow),
      );
    }
    return problemResponse(c, problems.notFound(`No route matches ${c.req.method} ${c.req.path}.`));
  });

  app.onError((err, c) => {
    if (err instanceof DomainError) return problemResponse(c, problemOf(err));
    if (err instanceof ProblemError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 400 && /JSON/i.test(err.message)) {
        return problemResponse(
          c,
          problems.malformedJson(`The request body is not valid JSON: ${err.message}.`),
        );
      }
      if (err.status === 413) return problemResponse(c, problems.payloadTooLarge(err.message));
      if (err.status === 415) return problemResponse(c, unsupportedMediaType(c));
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
