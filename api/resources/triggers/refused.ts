import { z } from "@hono/zod-openapi";
import { strictObject } from "../../config/schema/strict.js";
import type { LambdaTrigger } from "./lambda-trigger.js";

/**
 * Triggers Stacktape has that Switchyard takes in Stacktape's shape and refuses, each with a
 * located problem saying why (README, "What Switchyard refuses"): they need a resource type or a
 * helper Switchyard does not run.
 */
function refusedTrigger<S extends z.ZodType>(type: string, schema: S, why: string): LambdaTrigger<S> {
  return {
    type,
    schema,
    external: true,
    refused: true,
    cloudformationTypes: [],
    check: (_props, path, checks) => checks.report(path.slice(0, -1), why),
    compile: () => [],
  };
}

export const s3Trigger = refusedTrigger(
  "s3",
  strictObject({
    type: z.literal("s3"),
    properties: strictObject({
      bucketArn: z.string(),
      s3EventType: z.string(),
      filterRule: strictObject({ prefix: z.string().optional(), suffix: z.string().optional() }).optional(),
    }),
  }),
  "s3 triggers are not supported: notifications of a bucket outside the stack need a custom resource (Stacktape runs a helper function for it), which Switchyard does not run. Turn on EventBridge notifications on the bucket and subscribe with an event-bus trigger (useDefaultBus, source aws.s3).",
);

export const loadBalancerTrigger = refusedTrigger(
  "application-load-balancer",
  strictObject({
    type: z.literal("application-load-balancer"),
    properties: strictObject({
      loadBalancerName: z.string(),
      listenerPort: z.number().int().optional(),
      priority: z.number().int(),
      paths: z.array(z.string()).optional(),
      methods: z.array(z.string()).optional(),
      hosts: z.array(z.string()).optional(),
      headers: z.array(strictObject({ headerName: z.string(), values: z.array(z.string()) })).optional(),
      queryParams: z.array(strictObject({ paramName: z.string(), values: z.array(z.string()) })).optional(),
      sourceIps: z.array(z.string()).optional(),
    }),
  }),
  "application-load-balancer triggers are not supported: they name an application-load-balancer resource, a type Switchyard does not manage. Route HTTP to the function with an http-api-gateway trigger.",
);

export const alarmTrigger = refusedTrigger(
  "cloudwatch-alarm",
  strictObject({
    type: z.literal("cloudwatch-alarm"),
    properties: strictObject({ alarmName: z.string() }),
  }),
  "cloudwatch-alarm triggers are not supported yet: they name an alarm of the config, and Switchyard does not compile alarms yet. Subscribe with an event-bus trigger on the default bus (source aws.cloudwatch, detail-type CloudWatch Alarm State Change).",
);
