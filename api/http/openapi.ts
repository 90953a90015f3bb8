import { type RouteConfig, z } from "@hono/zod-openapi";
import type { App } from "./env.js";
import { IDEMPOTENCY_KEY } from "./idempotency.js";
import { MAX_PROBLEMS_SHOWN, PROBLEM_CONTENT_TYPE } from "./problem.js";

/**
 * Building blocks every route module uses so the OpenAPI document stays uniform:
 *   createRoute({ ..., security: bearerSecurity, responses: { 200: ..., ...problemResponses(400, 401, 404) } })
 */

export const ProblemItemSchema = z
  .object({
    path: z.string().openapi({ example: "resources.myBus.properties.archivation.retentionDays" }),
    message: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  })
  .openapi("ProblemItem");

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://switchyard.dev/problems/not-found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(ProblemItemSchema)
      .max(MAX_PROBLEMS_SHOWN)
      .optional()
      .openapi({
        description: `Every problem found, by line and column; at most ${MAX_PROBLEMS_SHOWN} (then \`truncated\` says how many there were).`,
      }),
    truncated: z
      .object({
        shown: z.number().int().openapi({ example: MAX_PROBLEMS_SHOWN }),
        total: z.number().int().openapi({ example: 10000 }),
      })
      .optional()
      .openapi({
        description: `Present when there were more than ${MAX_PROBLEMS_SHOWN} problems: \`errors\` has the first \`shown\` of \`total\`.`,
      }),
  })
  .catchall(z.unknown())
  .openapi("Problem", { description: "RFC 9457 problem details." });

const STATUS_TEXT: Record<number, string> = {
  400: "The request is malformed or fails validation.",
  401: "No API key, or an unknown or revoked one.",
  403: "The caller's role does not allow this.",
  404: "Not found (or not visible to the caller's team).",
  405: "Method not allowed.",
  409: "Conflicts with the current state.",
  412: "If-Match does not match the current ETag.",
  413: "The body is larger than 1 MiB.",
  415: "Unsupported content type.",
  422: "The config or request is well-formed but invalid.",
  431: "The request line and headers are larger than 16 KiB (Node's limit; behind API Gateway, its own).",
  429: "Too many requests.",
  500: "Unexpected server error.",
  501: "Not available with this adapter.",
  503: "A dependency is unavailable.",
};

export type ProblemStatus = keyof typeof STATUS_TEXT & number;

/** problem+json response objects for the given statuses (500 is always added). */
export function problemResponses(...statuses: number[]) {
  const all = [...new Set([...statuses, 500])];
  return Object.fromEntries(
    all.map((s) => [
      s,
      {
        description: STATUS_TEXT[s] ?? "Error.",
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  ) as Record<
    number,
    { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } }
  >;
}

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/**
 * Answers of the HTTP layer, before any route runs, added to every operation of a built document:
 * 431 for a request head over Node's limit, 413 for a body over 1 MiB where the operation takes one.
 * Documented here once rather than by each route.
 */
export function withRequestLimits<D extends { paths?: Record<string, Record<string, unknown>> }>(doc: D): D {
  const problem = (status: number) => ({
    description: STATUS_TEXT[status],
    content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } },
  });
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item) as {
      requestBody?: unknown;
      responses?: Record<string, unknown>;
    }[]) {
      if (!op?.responses) continue;
      if (op.requestBody) op.responses["413"] ??= problem(413);
      op.responses["431"] ??= problem(431);
    }
  }
  return doc;
}

/** The `Idempotency-Key` request header of a route that supports it (spread into its `headers` object). */
export const idempotencyKeyHeader = {
  "idempotency-key": z
    .string()
    .regex(IDEMPOTENCY_KEY, "1 to 255 visible ASCII characters")
    .optional()
    .openapi({
      description:
        "Makes a retry safe: the same key with the same request answers the first response again (`Idempotent-Replayed: true`), with another request 422; kept 24 hours per API key.",
      example: "deploy-2024-11-05-1",
    }),
};

/** Every /v1 route carries this; only /healthz, /openapi.json and /docs are open. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** Named examples of a body, shown by /docs (e.g. `{ seed: { summary, value } }`). */
export type MediaExamples = Record<string, { summary?: string; description?: string; value: unknown }>;

/** A JSON request body that must be present (so a missing or non-JSON body fails validation). */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string, examples?: MediaExamples) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { "application/json": { schema, ...(examples ? { examples } : {}) } },
  };
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string, examples?: MediaExamples) {
  return { description, content: { "application/json": { schema, ...(examples ? { examples } : {}) } } };
}

/** The `Location` header of a 201/202 answer: where to read (or poll) what was created. */
export const locationHeader = {
  Location: {
    schema: { type: "string" as const },
    description: "The URL of the created resource, to read or poll.",
  },
};

/**
 * For a route whose body comes in several media types (JSON and YAML) and must be present: the
 * document says `required: true`, while at run time the route is registered with the body optional,
 * so that zod-openapi does not run the JSON schema on a YAML body (it would, were the body marked
 * required); the handler refuses a missing body itself (415). Use as
 * `app.openapi(documentBodyAsRequired(app, route), handler)`.
 */
export function documentBodyAsRequired<R extends RouteConfig>(app: App, route: R): R & { hide: true } {
  const body = route.request?.body;
  if (!body) throw new Error(`${route.method} ${route.path} has no request body`);
  app.openAPIRegistry.registerPath({
    ...route,
    request: { ...route.request, body: { ...body, required: true } },
  });
  return { ...route, hide: true };
}
