import { z } from "@hono/zod-openapi";
import { strictObject } from "./strict.js";

/** Stacktape's EventBusIntegrationProps, plus `retryPolicy` and `enabled` (what its users ask for). */
const eventBusIntegrationShape = {
  eventBusName: z.string().optional(),
  eventBusArn: z.string().optional(),
  useDefaultBus: z.boolean().optional(),
  eventPattern: z.record(z.string(), z.unknown()),
  onDeliveryFailure: strictObject({
    sqsQueueArn: z.string().optional(),
    sqsQueueName: z.string().optional(),
  }).optional(),
  input: z.unknown().optional(),
  inputPath: z.string().optional(),
  inputTransformer: strictObject({
    inputPathsMap: z.record(z.string(), z.string()).optional(),
    inputTemplate: z.unknown(),
  }).optional(),
  retryPolicy: strictObject({
    maximumEventAgeInSeconds: z.number().int().min(60).max(86400).optional(),
    maximumRetryAttempts: z.number().int().min(0).max(185).optional(),
  }).optional(),
  enabled: z.boolean().optional(),
};

export const EventBusIntegrationSchema = strictObject({
  type: z.literal("event-bus"),
  properties: strictObject(eventBusIntegrationShape),
});

export const SqsEventBusIntegrationSchema = strictObject({
  type: z.literal("event-bus"),
  properties: strictObject({ ...eventBusIntegrationShape, messageGroupId: z.string().max(100).optional() }),
});

export type EventBusIntegration = z.infer<typeof SqsEventBusIntegrationSchema>["properties"];

export const HttpApiIntegrationSchema = strictObject({
  type: z.literal("http-api-gateway"),
  properties: strictObject({
    httpApiGatewayName: z.string(),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]),
    path: z.string().regex(/^\/|^\$default$/, 'A route path starts with "/" (or is $default).'),
    payloadFormat: z.enum(["1.0", "2.0"]).optional(),
  }),
});
