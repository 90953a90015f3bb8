import { z } from "@hono/zod-openapi";
import {
  EventBusIntegrationSchema,
  HttpApiIntegrationSchema,
  SqsEventBusIntegrationSchema,
} from "./event-bus-subscription.js";

/** An `events` array whose items are discriminated by `type`, naming the supported types on a mismatch. */
function eventsOf<T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]]>(
  owner: string,
  supported: string[],
  options: T,
) {
  return z.array(
    z.discriminatedUnion("type", options, {
      error: (issue) =>
        issue.code === "invalid_union"
          ? `Unsupported event type on a ${owner}. Supported types here: ${supported.join(", ")}.`
          : undefined,
    }),
  );
}

export const FunctionEventsSchema = eventsOf(
  "function",
  ["event-bus", "http-api-gateway"],
  [EventBusIntegrationSchema, HttpApiIntegrationSchema],
);
export const BatchJobEventsSchema = eventsOf("batch-job", ["event-bus"], [EventBusIntegrationSchema]);
export const SqsQueueEventsSchema = eventsOf("sqs-queue", ["event-bus"], [SqsEventBusIntegrationSchema]);
