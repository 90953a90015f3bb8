import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf } from "../auth/index.js";
import { withEnvelopeDetailType } from "../buses/event-shape.js";
import type { App } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";

/**
 * A JSON object as JSON.parse made it, checked without copying: z.record would copy every field
 * of a 1 MiB event (about 30 ms of the event loop) only to hand the matcher the same values.
 */
const jsonObject = () =>
  z
    .custom<Record<string, unknown>>(
      (v) => typeof v === "object" && v !== null && !Array.isArray(v),
      "Invalid input: expected record, received a value that is not an object",
    )
    .openapi({ type: "object", additionalProperties: {}, description: "As a JSON object." });

/** A JSON object, or its JSON text: what the matcher reads (anything else is no pattern or event). */
const objectOrText = () =>
  z.union([
    jsonObject(),
    z.string().openapi({ description: "As JSON text (a JSON object); bounded by the 1 MiB body." }),
  ]);

const TestPatternRequestSchema = z
  .object({
    pattern: objectOrText().openapi({
      description:
        "An EventBridge event pattern: a JSON object, or its JSON text (text keeps big integers exact).",
      example: { source: ["orders"], detail: { amount: [{ numeric: [">", 100] }] } },
    }),
    event: objectOrText().openapi({
      description:
        "The event: a JSON object, or its JSON text. Matched as given; no envelope fields are required. " +
        "`detailType` is read as `detail-type`, as in publish.",
      example: { source: "orders", "detail-type": "created", detail: { amount: 250 } },
    }),
  })
  .openapi("TestPatternRequest");

const TestPatternResultSchema = z
  .object({ matches: z.boolean().openapi({ description: "Whether the pattern matches the event." }) })
  .openapi("TestPatternResult");

const testPatternRoute = createRoute({
  method: "post",
  path: "/v1/test-pattern",
  operationId: "patterns.test",
  tags: ["Buses"],
  summary: "Test an event pattern against an event",
  description:
    "Decides as EventBridge does (event-ruler semantics: every operator, arrays, `$or`, exact numbers). " +
    "An invalid pattern (or text that is no JSON object) answers 400 `invalid-event-pattern` with EventBridge's own `InvalidEventPatternException` message; an invalid event, 400 `invalid-event`. Any role.",
  ...access.anyKey(),
  request: { body: jsonBody(TestPatternRequestSchema) },
  responses: {
    200: jsonContent(TestPatternResultSchema, "Whether it matches."),
    ...problemResponses(400, 401),
  },
});

export function testPatternRoutes(app: App): void {
  app.openapi(testPatternRoute, async (c) => {
    callerOf(c);
    const { pattern, event } = c.req.valid("json");
    // The matcher loads with the first test, not with every cold start.
    const { testPattern } = await import("../buses/test-pattern.js");
    return c.json(testPattern(pattern, withEnvelopeDetailType(event)), 200);
  });
}
